//! The counts read back as reports: for the organisers (the whole device over a period)
//! and for one exhibitor (its goods, by buyer country). Zero-result searches are grouped
//! by the kind of goods they name (`concepts.tsv`), across languages, so the report says
//! which goods are missing rather than which strings were typed.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use sqlx::Row;
use time::OffsetDateTime;
use ts_rs::TS;

use super::hour_of;
use crate::Showroom;
use crate::error::{Error, Result};
use crate::inquiry::rfc3339;
use crate::model::LocalizedText;
use crate::search::concepts::{Stemmers, concepts, product_terms};

/// How many entries each top list holds (per language where it is by language).
const TOP: usize = 20;

/// Sessions, and how many of them reached each stage; then the totals of each action.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, TS)]
pub struct Funnel {
    pub sessions: u32,
    pub searched: u32,
    pub viewed: u32,
    pub shortlisted: u32,
    pub started: u32,
    pub sent: u32,
    pub searches: u32,
    pub zero_result_searches: u32,
    pub views: u32,
    pub shortlists: u32,
    pub inquiries: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct LangCount {
    pub lang: String,
    pub count: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct QueryCount {
    pub lang: String,
    /// Folded as counted; empty for queries that looked like contact data (never kept).
    pub query: String,
    pub count: u32,
    pub sessions: u32,
    pub results: u32,
}

/// A kind of goods visitors asked for and found nothing: the leads for new exhibitors.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct MissingGoods {
    /// The kind's name in each language (`en`, `ru`, `zh`); empty for queries that name
    /// no known kind (then `queries` holds just that query).
    #[ts(type = "Record<string, string>")]
    pub name: LocalizedText,
    pub count: u32,
    pub queries: Vec<QueryCount>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct ProductCount {
    pub product_id: String,
    #[ts(type = "Record<string, string>")]
    pub name: LocalizedText,
    pub exhibitor_id: String,
    pub views: u32,
    pub shortlisted: u32,
    pub started: u32,
    pub inquiries: u32,
    /// Inquiries by buyer country (the exhibitor report only; empty elsewhere).
    pub countries: Vec<CountryInquiries>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct ExhibitorCount {
    pub exhibitor_id: String,
    #[ts(type = "Record<string, string>")]
    pub name: LocalizedText,
    pub page_views: u32,
    pub product_views: u32,
    pub shortlisted: u32,
    pub inquiries: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct CountryInquiries {
    /// ISO 3166-1 alpha-2; empty when the buyer did not say.
    pub country: String,
    pub inquiries: u32,
}

/// What a device's visitors asked for over `[from, to)`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct InsightsReport {
    pub from: String,
    pub to: String,
    pub funnel: Funnel,
    pub sessions_by_lang: Vec<LangCount>,
    /// Searches that found goods, the most asked first, at most 20 per language.
    pub searches: Vec<QueryCount>,
    /// Searches that found nothing, at most 20 per language.
    pub zero_result_searches: Vec<QueryCount>,
    /// Zero-result searches grouped by the kind of goods they name, the most asked first.
    pub missing_goods: Vec<MissingGoods>,
    pub products: Vec<ProductCount>,
    pub exhibitors: Vec<ExhibitorCount>,
    /// Inquiries by buyer country.
    pub countries: Vec<CountryInquiries>,
    /// Sessions by hour of the day (0–23) in this device's time zone.
    pub by_hour: Vec<u32>,
}

/// One exhibitor's page: its goods' views, shortlists and inquiries by buyer country.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct ExhibitorReport {
    pub from: String,
    pub to: String,
    pub exhibitor: ExhibitorCount,
    pub products: Vec<ProductCount>,
    pub countries: Vec<CountryInquiries>,
}

/// One line of a period's summed counts.
struct Total {
    metric: String,
    lang: String,
    key: String,
    country: String,
    count: u32,
    zero: u32,
    sessions: u32,
    results: u32,
}

/// The summed counts of a period, by (metric, lang, key, country).
struct Totals {
    rows: Vec<Total>,
}

async fn totals(showroom: &Showroom, from: i64, to: i64) -> Result<Totals> {
    let rows = sqlx::query(
        "SELECT metric, lang, key, country, sum(count) AS count, sum(zero) AS zero, \
         sum(sessions) AS sessions, max(results) AS results FROM insight_counts \
         WHERE hour >= ? AND hour < ? GROUP BY metric, lang, key, country",
    )
    .bind(from)
    .bind(to)
    .fetch_all(showroom.store().pool())
    .await?;
    Ok(Totals {
        rows: rows
            .into_iter()
            .map(|r| Total {
                metric: r.get("metric"),
                lang: r.get("lang"),
                key: r.get("key"),
                country: r.get("country"),
                count: r.get::<i64, _>("count") as u32,
                zero: r.get::<i64, _>("zero") as u32,
                sessions: r.get::<i64, _>("sessions") as u32,
                results: r.get::<i64, _>("results") as u32,
            })
            .collect(),
    })
}

/// The most asked first, then by text; at most [`TOP`] per language.
fn top_per_lang(mut list: Vec<QueryCount>) -> Vec<QueryCount> {
    list.sort_by(|a, b| {
        (
            a.lang.as_str(),
            std::cmp::Reverse(a.count),
            a.query.as_str(),
        )
            .cmp(&(
                b.lang.as_str(),
                std::cmp::Reverse(b.count),
                b.query.as_str(),
            ))
    });
    let mut per: HashMap<String, usize> = HashMap::new();
    list.retain(|q| {
        let n = per.entry(q.lang.clone()).or_default();
        *n += 1;
        *n <= TOP
    });
    list
}

/// Zero-result queries grouped by the kind of goods each names (the most specific kind
/// where it names several, e.g. "red wine" rather than "wine").
fn missing_goods(zero: &[QueryCount]) -> Vec<MissingGoods> {
    let vocabulary = concepts();
    let mut stemmers = Stemmers::default();
    let mut groups: BTreeMap<Option<usize>, MissingGoods> = BTreeMap::new();
    let mut unnamed: Vec<MissingGoods> = Vec::new();
    for q in zero.iter().filter(|q| !q.query.is_empty()) {
        let text = [q.query.as_str()];
        let terms = product_terms(&mut stemmers, &text, &text, &text);
        let kind = vocabulary
            .mentioned(&terms)
            .into_iter()
            .max_by_key(|&c| vocabulary.terms(c)[0].first().map_or(0, |t| t.len()));
        let Some(kind) = kind else {
            unnamed.push(MissingGoods {
                name: LocalizedText::new(),
                count: q.count,
                queries: vec![q.clone()],
            });
            continue;
        };
        let group = groups.entry(Some(kind)).or_insert_with(|| {
            let [en, ru, zh] = vocabulary.terms(kind);
            let mut name = LocalizedText::new();
            for (lang, terms) in [("en", en), ("ru", ru), ("zh", zh)] {
                if let Some(first) = terms.first() {
                    name.insert(lang.to_string(), first.clone());
                }
            }
            MissingGoods {
                name,
                count: 0,
                queries: Vec::new(),
            }
        });
        group.count += q.count;
        group.queries.push(q.clone());
    }
    let mut out: Vec<MissingGoods> = groups.into_values().chain(unnamed).collect();
    for g in &mut out {
        g.queries
            .sort_by(|a, b| b.count.cmp(&a.count).then(a.query.cmp(&b.query)));
    }
    out.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then(a.queries[0].query.cmp(&b.queries[0].query))
    });
    out.truncate(TOP * 3);
    out
}

fn names(data: Option<String>) -> LocalizedText {
    data.and_then(|d| serde_json::from_str(&d).ok())
        .unwrap_or_default()
}

fn period(from: OffsetDateTime, to: OffsetDateTime) -> Result<(i64, i64)> {
    if to <= from {
        return Err(Error::BadRequest("the period ends before it starts".into()));
    }
    // Whole hours: the one `from` falls in up to the one `to` falls in, that one included
    // when `to` is inside it.
    let end = hour_of(to)
        + if to.unix_timestamp() % 3600 == 0 {
            0
        } else {
            3600
        };
    Ok((hour_of(from), end))
}

impl Showroom {
    /// The report of `[from, to)` (whole hours).
    pub async fn insights_report(
        &self,
        from: OffsetDateTime,
        to: OffsetDateTime,
    ) -> Result<InsightsReport> {
        let (start, end) = period(from, to)?;
        let totals = totals(self, start, end).await?;
        let mut funnel = Funnel::default();
        let mut sessions: BTreeMap<String, u32> = BTreeMap::new();
        let mut searches = Vec::new();
        let mut zero = Vec::new();
        // product id → (views, shortlisted, started, inquiries)
        let mut products: HashMap<String, [u32; 4]> = HashMap::new();
        let mut exhibitor_pages: HashMap<String, u32> = HashMap::new();
        let mut countries: BTreeMap<String, u32> = BTreeMap::new();
        for Total {
            metric,
            lang,
            key,
            country,
            count,
            zero: zero_count,
            sessions: n_sessions,
            results,
        } in totals.rows
        {
            let mut product = |i: usize| products.entry(key.clone()).or_default()[i] += count;
            match metric.as_str() {
                "session" => {
                    funnel.sessions += count;
                    *sessions.entry(lang).or_default() += count;
                }
                "reached" => match key.as_str() {
                    "searched" => funnel.searched += count,
                    "viewed" => funnel.viewed += count,
                    "shortlisted" => funnel.shortlisted += count,
                    "started" => funnel.started += count,
                    "sent" => funnel.sent += count,
                    _ => {}
                },
                "search" => {
                    let q = |count, results| QueryCount {
                        lang: lang.clone(),
                        query: key.clone(),
                        count,
                        sessions: n_sessions,
                        results,
                    };
                    if count > zero_count {
                        funnel.searches += count - zero_count;
                        searches.push(q(count - zero_count, results));
                    }
                    if zero_count > 0 {
                        funnel.zero_result_searches += zero_count;
                        zero.push(q(zero_count, 0));
                    }
                }
                "view" => {
                    funnel.views += count;
                    product(0);
                }
                "shortlist" => {
                    funnel.shortlists += count;
                    product(1);
                }
                "started" => product(2),
                "sent" => {
                    funnel.inquiries += count;
                    product(3);
                    *countries.entry(country).or_default() += count;
                }
                "exhibitor" => *exhibitor_pages.entry(key).or_default() += count,
                _ => {}
            }
        }
        // A query counted in several hours is one line.
        let merge_queries = |list: Vec<QueryCount>| {
            let mut merged: BTreeMap<(String, String), QueryCount> = BTreeMap::new();
            for q in list {
                merged
                    .entry((q.lang.clone(), q.query.clone()))
                    .and_modify(|m| {
                        m.count += q.count;
                        m.sessions += q.sessions;
                        m.results = m.results.max(q.results);
                    })
                    .or_insert(q);
            }
            merged.into_values().collect::<Vec<_>>()
        };
        let zero = merge_queries(zero);
        let missing = missing_goods(&zero);
        let (product_rows, exhibitors) = self.counted_goods(&products, &exhibitor_pages).await?;
        let mut by_hour = vec![0u32; 24];
        let tz = jiff::tz::TimeZone::system();
        let rows = sqlx::query(
            "SELECT hour, sum(count) AS n FROM insight_counts WHERE metric = 'session' \
             AND hour >= ? AND hour < ? GROUP BY hour",
        )
        .bind(start)
        .bind(end)
        .fetch_all(self.store().pool())
        .await?;
        for row in rows {
            let hour: i64 = row.get("hour");
            let n = row.get::<i64, _>("n") as u32;
            let local = jiff::Timestamp::from_second(hour)
                .map(|t| t.to_zoned_datetime(tz.clone()).hour())
                .unwrap_or(0);
            by_hour[local.clamp(0, 23) as usize] += n;
        }
        let countries = by_inquiries(countries);
        Ok(InsightsReport {
            from: rfc3339(at(start)),
            to: rfc3339(at(end)),
            funnel,
            sessions_by_lang: sessions
                .into_iter()
                .map(|(lang, count)| LangCount { lang, count })
                .collect(),
            searches: top_per_lang(merge_queries(searches)),
            zero_result_searches: top_per_lang(zero),
            missing_goods: missing,
            products: product_rows,
            exhibitors,
            countries,
            by_hour,
        })
    }

    /// The counted products (the top ones, named) and every exhibitor they belong to.
    async fn counted_goods(
        &self,
        products: &HashMap<String, [u32; 4]>,
        exhibitor_pages: &HashMap<String, u32>,
    ) -> Result<(Vec<ProductCount>, Vec<ExhibitorCount>)> {
        let pool = self.store().pool();
        let mut rows: Vec<ProductCount> = Vec::with_capacity(products.len());
        for (id, [views, shortlisted, started, inquiries]) in products {
            let row = sqlx::query(
                "SELECT exhibitor, json_extract(data, '$.name') AS name FROM product WHERE id = ?",
            )
            .bind(id)
            .fetch_optional(pool)
            .await?;
            let (exhibitor_id, name) = match row {
                Some(r) => (r.get::<String, _>("exhibitor"), names(r.get("name"))),
                // A product no longer in the catalog is still counted, by its id.
                None => (String::new(), LocalizedText::new()),
            };
            rows.push(ProductCount {
                product_id: id.clone(),
                name,
                exhibitor_id,
                views: *views,
                shortlisted: *shortlisted,
                started: *started,
                inquiries: *inquiries,
                countries: Vec::new(),
            });
        }
        let mut exhibitors: BTreeMap<String, ExhibitorCount> = BTreeMap::new();
        let blank = |id: &str| ExhibitorCount {
            exhibitor_id: id.to_string(),
            name: LocalizedText::new(),
            page_views: 0,
            product_views: 0,
            shortlisted: 0,
            inquiries: 0,
        };
        for p in rows.iter().filter(|p| !p.exhibitor_id.is_empty()) {
            let e = exhibitors
                .entry(p.exhibitor_id.clone())
                .or_insert_with(|| blank(&p.exhibitor_id));
            e.product_views += p.views;
            e.shortlisted += p.shortlisted;
            e.inquiries += p.inquiries;
        }
        for (id, n) in exhibitor_pages {
            exhibitors
                .entry(id.clone())
                .or_insert_with(|| blank(id))
                .page_views += n;
        }
        let mut exhibitors: Vec<ExhibitorCount> = exhibitors.into_values().collect();
        for e in &mut exhibitors {
            let name: Option<Option<String>> = sqlx::query_scalar(
                "SELECT json_extract(data, '$.name') FROM exhibitor WHERE id = ?",
            )
            .bind(&e.exhibitor_id)
            .fetch_optional(pool)
            .await?;
            e.name = names(name.flatten());
        }
        let weight = |p: &ProductCount| (p.inquiries, p.shortlisted, p.views, p.started);
        rows.sort_by(|a, b| {
            weight(b)
                .cmp(&weight(a))
                .then(a.product_id.cmp(&b.product_id))
        });
        rows.truncate(TOP * 2);
        exhibitors.sort_by(|a, b| {
            (b.inquiries, b.shortlisted, b.product_views + b.page_views)
                .cmp(&(a.inquiries, a.shortlisted, a.product_views + a.page_views))
                .then(a.exhibitor_id.cmp(&b.exhibitor_id))
        });
        Ok((rows, exhibitors))
    }

    /// One exhibitor's report over `[from, to)`: every counted product of theirs, with its
    /// inquiries by buyer country.
    pub async fn insights_exhibitor(
        &self,
        exhibitor_id: &str,
        from: OffsetDateTime,
        to: OffsetDateTime,
    ) -> Result<ExhibitorReport> {
        let (start, end) = period(from, to)?;
        let Some(exhibitor) = self.store().exhibitor(exhibitor_id).await? else {
            return Err(Error::NotFound {
                kind: "exhibitor",
                id: exhibitor_id.to_string(),
            });
        };
        let rows = sqlx::query(
            "SELECT c.metric, c.key, c.country, sum(c.count) AS count, \
             json_extract(p.data, '$.name') AS name FROM insight_counts c \
             JOIN product p ON p.id = c.key AND p.exhibitor = ? \
             WHERE c.hour >= ? AND c.hour < ? AND c.metric IN ('view', 'shortlist', 'started', 'sent') \
             GROUP BY c.metric, c.key, c.country",
        )
        .bind(exhibitor_id)
        .bind(start)
        .bind(end)
        .fetch_all(self.store().pool())
        .await?;
        let mut products: BTreeMap<String, ProductCount> = BTreeMap::new();
        let mut countries: BTreeMap<String, u32> = BTreeMap::new();
        for row in rows {
            let metric: String = row.get("metric");
            let key: String = row.get("key");
            let country: String = row.get("country");
            let count = row.get::<i64, _>("count") as u32;
            let p = products.entry(key.clone()).or_insert_with(|| ProductCount {
                product_id: key.clone(),
                name: names(row.get("name")),
                exhibitor_id: exhibitor_id.to_string(),
                views: 0,
                shortlisted: 0,
                started: 0,
                inquiries: 0,
                countries: Vec::new(),
            });
            match metric.as_str() {
                "view" => p.views += count,
                "shortlist" => p.shortlisted += count,
                "started" => p.started += count,
                _ => {
                    p.inquiries += count;
                    match p.countries.iter_mut().find(|c| c.country == country) {
                        Some(c) => c.inquiries += count,
                        None => p.countries.push(CountryInquiries {
                            country: country.clone(),
                            inquiries: count,
                        }),
                    }
                    *countries.entry(country).or_default() += count;
                }
            }
        }
        let page_views: i64 = sqlx::query_scalar(
            "SELECT coalesce(sum(count), 0) FROM insight_counts WHERE metric = 'exhibitor' \
             AND key = ? AND hour >= ? AND hour < ?",
        )
        .bind(exhibitor_id)
        .bind(start)
        .bind(end)
        .fetch_one(self.store().pool())
        .await?;
        let mut products: Vec<ProductCount> = products.into_values().collect();
        for p in &mut products {
            p.countries.sort_by(|a, b| {
                b.inquiries
                    .cmp(&a.inquiries)
                    .then(a.country.cmp(&b.country))
            });
        }
        products.sort_by(|a, b| {
            (b.inquiries, b.shortlisted, b.views)
                .cmp(&(a.inquiries, a.shortlisted, a.views))
                .then(a.product_id.cmp(&b.product_id))
        });
        let mut summary = ExhibitorCount {
            exhibitor_id: exhibitor_id.to_string(),
            name: exhibitor.name,
            page_views: page_views as u32,
            product_views: 0,
            shortlisted: 0,
            inquiries: 0,
        };
        for p in &products {
            summary.product_views += p.views;
            summary.shortlisted += p.shortlisted;
            summary.inquiries += p.inquiries;
        }
        let countries = by_inquiries(countries);
        Ok(ExhibitorReport {
            from: rfc3339(at(start)),
            to: rfc3339(at(end)),
            exhibitor: summary,
            products,
            countries,
        })
    }
}

/// Countries and their inquiries, the most first.
fn by_inquiries(countries: BTreeMap<String, u32>) -> Vec<CountryInquiries> {
    let mut list: Vec<CountryInquiries> = countries
        .into_iter()
        .map(|(country, inquiries)| CountryInquiries { country, inquiries })
        .collect();
    list.sort_by(|a, b| {
        b.inquiries
            .cmp(&a.inquiries)
            .then(a.country.cmp(&b.country))
    });
    list
}

fn at(unix: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(unix).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}
