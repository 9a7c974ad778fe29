//! `showroom insights`: what this device's visitors looked for, as text, JSON or CSV.

use std::process::ExitCode;

use clap::Args;
use showroom_core::i18n::{n, s, tr};
use showroom_core::insights::{
    ExhibitorCount, ExhibitorReport, InsightsReport, ProductCount, QueryCount,
};
use showroom_core::model::{LocalizedText, pick};
use showroom_core::{Error, Lang, Showroom};
use time::OffsetDateTime;

use crate::output::Output;

#[derive(Args, Debug)]
pub struct InsightsArgs {
    /// Start of the period: RFC 3339 (2026-12-01T08:00:00Z) or a local date (2026-12-01).
    /// Default: 7 days before `--to`.
    #[arg(long)]
    from: Option<String>,
    /// End of the period (exclusive), in the same forms; a date means its end. Default: now.
    #[arg(long)]
    to: Option<String>,
    /// One row per line, comma-separated, with a header (the same in every language).
    #[arg(long, conflicts_with = "exhibitor")]
    csv: bool,
    /// One exhibitor's page: its goods' views, shortlists and inquiries by buyer country.
    #[arg(long)]
    exhibitor: Option<String>,
}

/// A time as an operator types it: RFC 3339, a local date-time or a local date (its start,
/// or with `end` the start of the next day).
fn parse_time(text: &str, end: bool) -> Result<OffsetDateTime, Error> {
    let bad = || Error::BadRequest(format!("{text:?} is not a date or an RFC 3339 time"));
    let text = text.trim();
    let tz = jiff::tz::TimeZone::system();
    let stamp = if let Ok(t) = text.parse::<jiff::Timestamp>() {
        t
    } else if let Some(date) = (!text.contains(['T', 't', ' ']))
        .then(|| text.parse::<jiff::civil::Date>().ok())
        .flatten()
    {
        let date = if end {
            date.tomorrow().map_err(|_| bad())?
        } else {
            date
        };
        date.to_zoned_datetime(tz).map_err(|_| bad())?.timestamp()
    } else if let Ok(dt) = text.parse::<jiff::civil::DateTime>() {
        dt.to_zoned_datetime(tz).map_err(|_| bad())?.timestamp()
    } else {
        return Err(bad());
    };
    OffsetDateTime::from_unix_timestamp(stamp.as_second()).map_err(|_| bad())
}

fn name(text: &LocalizedText, lang: Lang, fallback: &str) -> String {
    pick(text, lang)
        .map(|(_, t)| t.to_string())
        .unwrap_or_else(|| fallback.to_string())
}

pub async fn insights(
    showroom: &Showroom,
    out: &Output,
    args: &InsightsArgs,
) -> anyhow::Result<ExitCode> {
    let to = match &args.to {
        Some(t) => parse_time(t, true)?,
        None => OffsetDateTime::now_utc(),
    };
    let from = match &args.from {
        Some(t) => parse_time(t, false)?,
        None => to - time::Duration::days(7),
    };
    if let Some(exhibitor) = &args.exhibitor {
        let report = showroom.insights_exhibitor(exhibitor, from, to).await?;
        if out.json {
            out.json(&report)?;
        } else {
            exhibitor_text(out, &report);
        }
        return Ok(ExitCode::SUCCESS);
    }
    let report = showroom.insights_report(from, to).await?;
    if out.json {
        out.json(&report)?;
    } else if args.csv {
        print!("{}", csv(&report));
    } else {
        text(out, &report);
    }
    Ok(ExitCode::SUCCESS)
}

fn query_text(out: &Output, q: &QueryCount) -> String {
    if q.query.is_empty() {
        tr(out.lang, "cli-insights-contact", &[])
    } else {
        q.query.clone()
    }
}

fn text(out: &Output, r: &InsightsReport) {
    let lang = out.lang;
    out.say(
        "cli-insights-period",
        &[s("from", r.from.as_str()), s("to", r.to.as_str())],
    );
    if r.funnel.sessions == 0 && r.funnel.inquiries == 0 {
        out.say("cli-insights-empty", &[]);
        return;
    }
    let f = &r.funnel;
    out.say(
        "cli-insights-funnel",
        &[
            n("sessions", f.sessions),
            n("searched", f.searched),
            n("viewed", f.viewed),
            n("shortlisted", f.shortlisted),
            n("started", f.started),
            n("sent", f.sent),
        ],
    );
    out.say(
        "cli-insights-totals",
        &[
            n("searches", f.searches + f.zero_result_searches),
            n("zero", f.zero_result_searches),
            n("views", f.views),
            n("shortlists", f.shortlists),
            n("inquiries", f.inquiries),
        ],
    );
    let by_lang: Vec<String> = r
        .sessions_by_lang
        .iter()
        .map(|l| format!("{} {}", l.lang, l.count))
        .collect();
    out.say("cli-insights-sessions", &[s("list", by_lang.join(", "))]);
    for (title, list) in [
        ("cli-insights-searches", &r.searches),
        ("cli-insights-zero", &r.zero_result_searches),
    ] {
        for code in ["zh", "ru", "en"] {
            let rows: Vec<&QueryCount> = list.iter().filter(|q| q.lang == code).collect();
            if rows.is_empty() {
                continue;
            }
            println!();
            out.say(title, &[s("lang", code)]);
            for q in rows {
                out.say(
                    "cli-insights-search-row",
                    &[
                        n("count", q.count),
                        s("query", query_text(out, q)),
                        n("sessions", q.sessions),
                        n("results", q.results),
                    ],
                );
            }
        }
    }
    if !r.missing_goods.is_empty() {
        println!();
        out.say("cli-insights-missing", &[]);
        for g in &r.missing_goods {
            let queries: Vec<String> = g
                .queries
                .iter()
                .map(|q| format!("{} ({}) ×{}", q.query, q.lang, q.count))
                .collect();
            let kind = name(&g.name, lang, &tr(lang, "cli-insights-unnamed", &[]));
            out.say(
                "cli-insights-missing-row",
                &[
                    n("count", g.count),
                    s("name", kind),
                    s("queries", queries.join(", ")),
                ],
            );
        }
    }
    if !r.products.is_empty() {
        println!();
        out.say("cli-insights-products", &[]);
        for p in &r.products {
            product_row(out, p);
        }
    }
    if !r.exhibitors.is_empty() {
        println!();
        out.say("cli-insights-exhibitors", &[]);
        for e in &r.exhibitors {
            exhibitor_row(out, e);
        }
    }
    if !r.countries.is_empty() {
        let list: Vec<String> = r
            .countries
            .iter()
            .map(|c| {
                format!(
                    "{} {}",
                    if c.country.is_empty() {
                        "?"
                    } else {
                        &c.country
                    },
                    c.inquiries
                )
            })
            .collect();
        println!();
        out.say("cli-insights-countries", &[s("list", list.join(", "))]);
    }
    println!();
    out.say("cli-insights-hours", &[]);
    let most = r.by_hour.iter().copied().max().unwrap_or(0).max(1);
    for (hour, &count) in r.by_hour.iter().enumerate() {
        if count == 0 {
            continue;
        }
        let bar = "█".repeat(((count * 30).div_ceil(most)) as usize);
        println!("{hour:02}:00  {bar} {count}");
    }
}

fn product_row(out: &Output, p: &ProductCount) {
    out.say(
        "cli-insights-product-row",
        &[
            s("name", name(&p.name, out.lang, &p.product_id)),
            s("id", p.product_id.as_str()),
            n("views", p.views),
            n("shortlisted", p.shortlisted),
            n("started", p.started),
            n("inquiries", p.inquiries),
        ],
    );
}

fn exhibitor_row(out: &Output, e: &ExhibitorCount) {
    out.say(
        "cli-insights-exhibitor-row",
        &[
            s("name", name(&e.name, out.lang, &e.exhibitor_id)),
            s("id", e.exhibitor_id.as_str()),
            n("pages", e.page_views),
            n("views", e.product_views),
            n("shortlisted", e.shortlisted),
            n("inquiries", e.inquiries),
        ],
    );
}

fn exhibitor_text(out: &Output, r: &ExhibitorReport) {
    let e = &r.exhibitor;
    out.say(
        "cli-insights-exhibitor-title",
        &[
            s("name", name(&e.name, out.lang, &e.exhibitor_id)),
            s("from", r.from.as_str()),
            s("to", r.to.as_str()),
        ],
    );
    exhibitor_row(out, e);
    if r.products.is_empty() {
        out.say("cli-insights-empty", &[]);
    }
    for p in &r.products {
        product_row(out, p);
        for c in &p.countries {
            println!(
                "    {}  {}",
                if c.country.is_empty() {
                    "?"
                } else {
                    &c.country
                },
                c.inquiries
            );
        }
    }
}

/// One CSV field, quoted when it must be (RFC 4180). A visitor's text that a spreadsheet
/// would read as a formula (`=`, `+`, `-`, `@`, tab, CR first) gets a `'` before it.
fn field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// The report as one table: `section,lang,key,count,sessions,results`.
fn csv(r: &InsightsReport) -> String {
    let mut out = String::from("section,lang,key,count,sessions,results\n");
    let mut row =
        |section: &str, lang: &str, key: &str, count: u32, sessions: u32, results: u32| {
            out.push_str(&format!(
                "{section},{},{},{count},{sessions},{results}\n",
                field(lang),
                field(key)
            ));
        };
    let f = &r.funnel;
    for (stage, count) in [
        ("sessions", f.sessions),
        ("searched", f.searched),
        ("viewed", f.viewed),
        ("shortlisted", f.shortlisted),
        ("started", f.started),
        ("sent", f.sent),
    ] {
        row("funnel", "", stage, count, 0, 0);
    }
    for l in &r.sessions_by_lang {
        row("sessions", &l.lang, "", l.count, 0, 0);
    }
    for q in &r.searches {
        row("search", &q.lang, &q.query, q.count, q.sessions, q.results);
    }
    for q in &r.zero_result_searches {
        row("zero-result", &q.lang, &q.query, q.count, q.sessions, 0);
    }
    for g in &r.missing_goods {
        let kind = g.name.get("en").cloned().unwrap_or_default();
        for q in &g.queries {
            row(
                "missing",
                &q.lang,
                &format!("{kind}: {}", q.query),
                q.count,
                q.sessions,
                0,
            );
        }
    }
    for p in &r.products {
        row("product-views", "", &p.product_id, p.views, 0, 0);
        row(
            "product-shortlisted",
            "",
            &p.product_id,
            p.shortlisted,
            0,
            0,
        );
        row("product-inquiries", "", &p.product_id, p.inquiries, 0, 0);
    }
    for e in &r.exhibitors {
        row(
            "exhibitor-page-views",
            "",
            &e.exhibitor_id,
            e.page_views,
            0,
            0,
        );
        row(
            "exhibitor-inquiries",
            "",
            &e.exhibitor_id,
            e.inquiries,
            0,
            0,
        );
    }
    for c in &r.countries {
        row("country-inquiries", "", &c.country, c.inquiries, 0, 0);
    }
    for (hour, &count) in r.by_hour.iter().enumerate() {
        row("hour-of-day", "", &format!("{hour:02}"), count, 0, 0);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_with_commas_and_quotes_are_quoted() {
        assert_eq!(field("мед"), "мед");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(field("-1,2"), "\"'-1,2\"");
    }

    #[test]
    fn times_are_rfc3339_or_local_dates() {
        let t = parse_time("2026-12-01T08:00:00Z", false).unwrap();
        assert_eq!(t.unix_timestamp() % 3600, 0);
        let start = parse_time("2026-12-01", false).unwrap();
        let end = parse_time("2026-12-01", true).unwrap();
        assert!((end - start).whole_hours() >= 23);
        assert!(parse_time("yesterday-ish", false).is_err());
    }
}
