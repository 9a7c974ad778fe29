//! Demand insights: what the hall and the online show are asked for, counted on the device
//! by the hour, never who asked. The UI reports what a visitor did ([`InsightEvent`], under
//! a random session id it makes at each kiosk reset or browser visit); the core validates
//! it, folds queries, and adds it to hourly counts in SQLite (`insight_counts`). Session ids
//! are kept only for their hour (`insight_seen`, to count each session once); no name,
//! contact, free text or address is stored. `batch.rs` turns finished hours into batches
//! for the platform (`POST /v1/insights`), `report.rs` reads the counts back as reports.

mod batch;
mod report;

use std::sync::atomic::Ordering;

use serde::{Deserialize, Serialize};
use sqlx::{Sqlite, Transaction};
use time::OffsetDateTime;
use ts_rs::TS;

use crate::Showroom;
use crate::error::{Error, Result};
use crate::i18n::Lang;
use crate::model::FrontEnd;
use crate::search::analysis::fold;

pub use batch::BatchReport;
pub use report::{
    CountryInquiries, ExhibitorCount, ExhibitorReport, Funnel, InsightsReport, LangCount,
    MissingGoods, ProductCount, QueryCount,
};
pub use showroom_trade::insights::{BATCH_PATH, InsightBatch, InsightHour, MAX_QUERY_CHARS};

/// A query text leaves the device only when at least this many sessions typed it in the hour.
pub const MIN_SESSIONS_TO_SEND: u32 = 3;
/// Distinct query texts kept per hour, front end and language; further ones are counted
/// without their text.
pub const MAX_QUERIES_PER_HOUR: i64 = 500;

/// One thing a visitor did, as the UI reports it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum InsightEvent {
    /// A visit began: the first touch after a kiosk's reset, a browser tab's first page.
    Session,
    /// The query a visitor settled on (not each keystroke of it) and how many goods it found.
    Search {
        query: String,
        results: u32,
    },
    ProductView {
        product_id: String,
    },
    ExhibitorView {
        exhibitor_id: String,
    },
    Shortlisted {
        product_id: String,
    },
    /// The inquiry form was opened for a product.
    InquiryStarted {
        product_id: String,
    },
    /// The visitor's inquiry was queued (what it held is counted by the core at submit).
    InquirySent,
}

/// An event with the visit it belongs to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct InsightRecord {
    /// A random id the UI makes for each visit (8 to 64 letters, digits, `-` or `_`); kept
    /// only until the end of its hour.
    pub session: String,
    pub lang: Lang,
    pub event: InsightEvent,
}

/// The start (Unix seconds) of the UTC hour `t` is in.
pub fn hour_of(t: OffsetDateTime) -> i64 {
    t.unix_timestamp().div_euclid(3600) * 3600
}

/// A query as counted: folded (lower case, ё as е, compatibility forms), Chinese in its
/// simplified form, spaces collapsed, at most [`MAX_QUERY_CHARS`]. `None` when nothing is
/// left. A query that looks like contact data (an e-mail address, a run of six digits or
/// more: a phone number) is counted without its text (`Some("")`).
pub fn normalize_query(query: &str) -> Option<String> {
    let words: Vec<String> = query
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .map(|w| crate::search::analysis::simplify(&fold(w)))
        .collect();
    if words.is_empty() {
        return None;
    }
    let joined = words.join(" ");
    let text: String = joined.chars().take(MAX_QUERY_CHARS).collect();
    let text = text.trim().to_string();
    if text.is_empty() {
        return None;
    }
    Some(if looks_personal(&text) {
        String::new()
    } else {
        text
    })
}

/// An e-mail address or a phone number in a search box is a visitor's, never counted as text.
fn looks_personal(text: &str) -> bool {
    if text.contains('@') {
        return true;
    }
    let mut run = 0;
    for c in text.chars() {
        if c.is_ascii_digit() {
            run += 1;
            if run >= 6 {
                return true;
            }
        } else if !matches!(c, ' ' | '-' | '(' | ')' | '+' | '.') {
            run = 0;
        }
    }
    false
}

fn valid_session(session: &str) -> bool {
    (8..=64).contains(&session.len())
        && session
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// One count to add: `metric` under (lang, key, country) in `hour` for `front`.
struct Bump<'a> {
    hour: i64,
    front: FrontEnd,
    metric: &'a str,
    lang: &'a str,
    key: &'a str,
    country: &'a str,
}

async fn bump(tx: &mut Transaction<'_, Sqlite>, b: &Bump<'_>, results: Option<u32>) -> Result<()> {
    // A search that found nothing adds to `zero`; `results` keeps the most found.
    let found = results.map(i64::from);
    let zero = i64::from(results == Some(0));
    sqlx::query(
        "INSERT INTO insight_counts (hour, front, metric, lang, key, country, count, zero, results) \
         VALUES (?, ?, ?, ?, ?, ?, 1, ?, coalesce(?, 0)) \
         ON CONFLICT (hour, front, metric, lang, key, country) DO UPDATE SET \
         count = count + 1, zero = zero + excluded.zero, results = max(results, excluded.results)",
    )
    .bind(b.hour)
    .bind(b.front.as_str())
    .bind(b.metric)
    .bind(b.lang)
    .bind(b.key)
    .bind(b.country)
    .bind(zero)
    .bind(found)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Whether `query` may be counted under its own text in this hour: it already is, or the
/// language has fewer than [`MAX_QUERIES_PER_HOUR`] texts (a flood of made-up queries ends
/// up under the empty text, not in ever more rows).
async fn keeps_text(tx: &mut Transaction<'_, Sqlite>, b: &Bump<'_>) -> Result<bool> {
    let known: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM insight_counts WHERE hour = ? AND front = ? AND metric = 'search' \
         AND lang = ? AND key <> ''",
    )
    .bind(b.hour)
    .bind(b.front.as_str())
    .bind(b.lang)
    .fetch_one(&mut **tx)
    .await?;
    if known < MAX_QUERIES_PER_HOUR {
        return Ok(true);
    }
    let this: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM insight_counts WHERE hour = ? AND front = ? AND metric = 'search' \
         AND lang = ? AND key = ? AND country = ''",
    )
    .bind(b.hour)
    .bind(b.front.as_str())
    .bind(b.lang)
    .bind(b.key)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(this.is_some())
}

/// Marks `session` as counted for (metric, lang, key) this hour; true the first time.
async fn first_time(
    tx: &mut Transaction<'_, Sqlite>,
    hour: i64,
    session: &str,
    metric: &str,
    lang: &str,
    key: &str,
) -> Result<bool> {
    let done = sqlx::query(
        "INSERT OR IGNORE INTO insight_seen (hour, session, metric, lang, key) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(hour)
    .bind(session)
    .bind(metric)
    .bind(lang)
    .bind(key)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Counts a session once per hour for `b`'s row (`sessions` column), or, for the
/// `session` and `reached` metrics, as the count itself.
async fn once_per_session(
    tx: &mut Transaction<'_, Sqlite>,
    b: &Bump<'_>,
    session: &str,
) -> Result<()> {
    if !first_time(tx, b.hour, session, b.metric, b.lang, b.key).await? {
        return Ok(());
    }
    if matches!(b.metric, "session" | "reached") {
        return bump(tx, b, None).await;
    }
    sqlx::query(
        "UPDATE insight_counts SET sessions = sessions + 1 WHERE hour = ? AND front = ? \
         AND metric = ? AND lang = ? AND key = ? AND country = ?",
    )
    .bind(b.hour)
    .bind(b.front.as_str())
    .bind(b.metric)
    .bind(b.lang)
    .bind(b.key)
    .bind(b.country)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl Showroom {
    /// Adds what a visitor did to this hour's counts. A malformed session id, an unknown
    /// product or exhibitor is a `BadRequest` and counts nothing; an empty query counts
    /// nothing and is no error.
    pub async fn record_insight(
        &self,
        front: FrontEnd,
        record: &InsightRecord,
        now: OffsetDateTime,
    ) -> Result<()> {
        if !valid_session(&record.session) {
            return Err(Error::BadRequest("not a session id".into()));
        }
        let lang = record.lang.code();
        let hour = hour_of(now);
        // What the event adds: (metric, key) and the funnel stage it reaches.
        let (metric, key, stage, results): (Option<&str>, String, Option<&str>, Option<u32>) =
            match &record.event {
                InsightEvent::Session => (None, String::new(), None, None),
                InsightEvent::Search { query, results } => match normalize_query(query) {
                    Some(q) => (Some("search"), q, Some("searched"), Some(*results)),
                    None => return Ok(()),
                },
                InsightEvent::ProductView { product_id } => {
                    self.known_product(product_id).await?;
                    (Some("view"), product_id.clone(), Some("viewed"), None)
                }
                InsightEvent::ExhibitorView { exhibitor_id } => {
                    if self.store().exhibitor(exhibitor_id).await?.is_none() {
                        return Err(Error::BadRequest("no such exhibitor".into()));
                    }
                    (Some("exhibitor"), exhibitor_id.clone(), None, None)
                }
                InsightEvent::Shortlisted { product_id } => {
                    self.known_product(product_id).await?;
                    (
                        Some("shortlist"),
                        product_id.clone(),
                        Some("shortlisted"),
                        None,
                    )
                }
                InsightEvent::InquiryStarted { product_id } => {
                    self.known_product(product_id).await?;
                    (Some("started"), product_id.clone(), Some("started"), None)
                }
                InsightEvent::InquirySent => (None, String::new(), Some("sent"), None),
            };
        self.store().check_writable()?;
        let mut tx = self.store().pool().begin().await?;
        let session = &record.session;
        let visit = Bump {
            hour,
            front,
            metric: "session",
            lang,
            key: "",
            country: "",
        };
        once_per_session(&mut tx, &visit, session).await?;
        if let Some(metric) = metric {
            let mut b = Bump {
                metric,
                key: &key,
                ..visit
            };
            if metric == "search" && !b.key.is_empty() && !keeps_text(&mut tx, &b).await? {
                b.key = "";
            }
            bump(&mut tx, &b, results).await?;
            if metric == "search" {
                once_per_session(&mut tx, &b, session).await?;
            }
        }
        if let Some(stage) = stage {
            let b = Bump {
                metric: "reached",
                lang: "",
                key: stage,
                ..visit
            };
            once_per_session(&mut tx, &b, session).await?;
        }
        tx.commit().await?;
        self.forget_sessions(hour).await
    }

    /// Counts a queued inquiry: each of its products under the buyer's country.
    pub async fn record_inquiry_sent(
        &self,
        front: FrontEnd,
        products: &[String],
        buyer_country: &str,
        lang: Lang,
        now: OffsetDateTime,
    ) -> Result<()> {
        let hour = hour_of(now);
        let country =
            if buyer_country.len() == 2 && buyer_country.bytes().all(|b| b.is_ascii_uppercase()) {
                buyer_country
            } else {
                ""
            };
        let mut tx = self.store().pool().begin().await?;
        for product in products {
            let b = Bump {
                hour,
                front,
                metric: "sent",
                lang: lang.code(),
                key: product,
                country,
            };
            bump(&mut tx, &b, None).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn known_product(&self, id: &str) -> Result<()> {
        if id.len() > 200 || self.store().product(id).await?.is_none() {
            return Err(Error::BadRequest("no such product".into()));
        }
        Ok(())
    }

    /// Deletes the session ids of hours before `hour` (at most once an hour from here; the
    /// background's purge also runs it, so an idle device forgets them too).
    async fn forget_sessions(&self, hour: i64) -> Result<()> {
        if self.insights_forgotten().load(Ordering::Relaxed) == hour {
            return Ok(());
        }
        self.forget_sessions_before(hour).await?;
        self.insights_forgotten().store(hour, Ordering::Relaxed);
        Ok(())
    }

    pub(crate) async fn forget_sessions_before(&self, hour: i64) -> Result<()> {
        sqlx::query("DELETE FROM insight_seen WHERE hour < ?")
            .bind(hour)
            .execute(self.store().pool())
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_folded_capped_and_contact_data_loses_its_text() {
        assert_eq!(
            normalize_query("  Мёд   АЛТАЙ ").as_deref(),
            Some("мед алтай")
        );
        assert_eq!(normalize_query("蜂蜜").as_deref(), Some("蜂蜜"));
        assert_eq!(normalize_query("綠茶").as_deref(), Some("绿茶"));
        assert_eq!(normalize_query(" \t "), None);
        assert_eq!(
            normalize_query(&"x".repeat(300)).unwrap().chars().count(),
            100
        );
        assert_eq!(normalize_query("ivan@example.com").as_deref(), Some(""));
        assert_eq!(normalize_query("+7 701 765-43-21").as_deref(), Some(""));
        assert_eq!(
            normalize_query("chanel no 5").as_deref(),
            Some("chanel no 5")
        );
        assert_eq!(normalize_query("1000 kg").as_deref(), Some("1000 kg"));
    }

    #[test]
    fn session_ids_are_plain_tokens() {
        assert!(valid_session("0b6f1c1e-1a2b-4c3d-8e9f-001122334455"));
        assert!(!valid_session("short"));
        assert!(!valid_session("has space in it"));
        assert!(!valid_session(&"a".repeat(65)));
    }

    #[test]
    fn hours_start_on_the_hour() {
        let t = OffsetDateTime::from_unix_timestamp(1_764_000_000 + 1234).unwrap();
        assert_eq!(hour_of(t) % 3600, 0);
        assert!(t.unix_timestamp() - hour_of(t) < 3600);
    }
}
