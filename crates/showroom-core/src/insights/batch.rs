//! Finished hours as batches for the trade platform (`POST /v1/insights`), sent through the
//! same durable, idempotent path as inquiries: a batch is stored (its id and exact body)
//! before the first try, every try carries the id as `Idempotency-Key`, and each hour goes
//! into one batch only. A query's text goes only when at least [`MIN_SESSIONS_TO_SEND`]
//! sessions typed it in that hour; the rest of a language's queries are summed as `null`.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Serialize;
use sqlx::{Row, SqliteConnection};
use time::OffsetDateTime;

use super::{MIN_SESSIONS_TO_SEND, hour_of};
use crate::Showroom;
use crate::error::Result;
use crate::inquiry::client::{Platform, PostOutcome};
use crate::inquiry::{Source, from_unix_ms, rfc3339, unix_ms};
use showroom_trade::insights::{
    BATCH_PATH, ExhibitorViewCount, InquiryCount, InsightBatch, InsightHour, ItemCount,
    SearchCount, add_item, merge, same_item,
};

/// Sent batches are kept this long (for the operator), then deleted.
const SENT_KEPT: time::Duration = time::Duration::days(7);
/// Hourly counts are kept this long on the device (a year and a month: a year's comparison).
const COUNTS_KEPT: time::Duration = time::Duration::days(400);
/// The most hours one batch holds (a device back after a long time offline sends several).
const MAX_HOURS_PER_BATCH: usize = 24;
/// A batch body stays under this (the platform takes 4 MiB); a bigger one is split by hours.
const MAX_BATCH_BYTES: usize = 3 * 1024 * 1024;
/// The most query texts an hour names per language; the rest are summed as `null`.
const MAX_NAMED: usize = 200;
/// An hour is batched this long after it ended, so that counts taken at its last moment
/// have been committed.
const GRACE: time::Duration = time::Duration::minutes(2);

/// What a delivery pass did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct BatchReport {
    pub made: u32,
    pub attempted: u32,
    pub delivered: u32,
    pub retrying: u32,
    pub failed: u32,
}

fn hour_text(hour: i64) -> String {
    rfc3339(OffsetDateTime::from_unix_timestamp(hour).unwrap_or(OffsetDateTime::UNIX_EPOCH))
}

/// The counts of `hours` (summed over the device's front ends), as the batch says them.
pub(crate) async fn hours_of(
    conn: &mut SqliteConnection,
    hours: &[i64],
) -> Result<Vec<InsightHour>> {
    let mut out = Vec::with_capacity(hours.len());
    for &hour in hours {
        let rows = sqlx::query(
            "SELECT metric, lang, key, country, sum(count) AS count, sum(zero) AS zero, \
             sum(sessions) AS sessions, max(results) AS results FROM insight_counts WHERE hour = ? \
             GROUP BY metric, lang, key, country ORDER BY metric, lang, count DESC, key",
        )
        .bind(hour)
        .fetch_all(&mut *conn)
        .await?;
        let mut h = InsightHour {
            hour: hour_text(hour),
            ..InsightHour::default()
        };
        // Queries below the threshold (or past the most texts a batch names), summed per
        // language: (searches that found some, that found none).
        let mut rare: BTreeMap<String, (u32, u32)> = BTreeMap::new();
        let mut named: BTreeMap<String, usize> = BTreeMap::new();
        for row in rows {
            let metric: String = row.get("metric");
            let lang: String = row.get("lang");
            let key: String = row.get("key");
            let country: String = row.get("country");
            let count = row.get::<i64, _>("count") as u32;
            let zero = row.get::<i64, _>("zero") as u32;
            let sessions = row.get::<i64, _>("sessions") as u32;
            let results = row.get::<i64, _>("results") as u32;
            let item = |lang: Option<String>| ItemCount {
                product_id: key.clone(),
                lang,
                count,
            };
            match metric.as_str() {
                "session" => *h.sessions.entry(lang).or_default() += count,
                "reached" => *h.funnel.entry(key).or_default() += count,
                "search" => {
                    let shown = named.entry(lang.clone()).or_default();
                    if key.is_empty() || sessions < MIN_SESSIONS_TO_SEND || *shown >= MAX_NAMED {
                        let r = rare.entry(lang).or_default();
                        r.0 += count - zero;
                        r.1 += zero;
                        continue;
                    }
                    *shown += 1;
                    if count > zero {
                        h.searches.push(SearchCount {
                            lang: lang.clone(),
                            query: Some(key.clone()),
                            count: count - zero,
                            results,
                        });
                    }
                    if zero > 0 {
                        h.zero_result_searches.push(SearchCount {
                            lang,
                            query: Some(key),
                            count: zero,
                            results: 0,
                        });
                    }
                }
                "view" => h.views.push(item(Some(lang))),
                "exhibitor" => h.exhibitor_views.push(ExhibitorViewCount {
                    exhibitor_id: key,
                    lang,
                    count,
                }),
                "shortlist" => merge(&mut h.shortlisted, &[item(None)], same_item, add_item),
                "started" => merge(&mut h.inquiries_started, &[item(None)], same_item, add_item),
                "sent" => h.inquiries.push(InquiryCount {
                    product_id: key,
                    buyer_country: country,
                    count,
                }),
                _ => {}
            }
        }
        for (lang, (found, none)) in rare {
            let rare = |count| SearchCount {
                lang: lang.clone(),
                query: None,
                count,
                results: 0,
            };
            if found > 0 {
                h.searches.push(rare(found));
            }
            if none > 0 {
                h.zero_result_searches.push(rare(none));
            }
        }
        // Several languages' sends of one product to one country are one count.
        let inquiries = std::mem::take(&mut h.inquiries);
        merge(
            &mut h.inquiries,
            &inquiries,
            |a, b| a.product_id == b.product_id && a.buyer_country == b.buyer_country,
            |a, b| a.count += b.count,
        );
        out.push(h);
    }
    Ok(out)
}

impl Showroom {
    /// Puts every finished hour not yet sent into batches (at most a day's hours each, and
    /// at most [`MAX_BATCH_BYTES`]), stored before any try. Each hour is claimed for a
    /// batch in the transaction that stores it, so two processes never send it twice.
    /// Returns how many batches were made.
    pub async fn make_insight_batches(&self, source: &Source, now: OffsetDateTime) -> Result<u32> {
        let pool = self.store().pool();
        let hours: Vec<i64> = sqlx::query_scalar(
            "SELECT DISTINCT hour FROM insight_counts WHERE hour < ? \
             AND hour NOT IN (SELECT hour FROM insight_batched) ORDER BY hour",
        )
        .bind(hour_of(now - GRACE))
        .fetch_all(pool)
        .await?;
        if hours.is_empty() {
            return Ok(0);
        }
        self.store().check_writable()?;
        let catalog_version = self.store().catalog().await?.map(|c| c.manifest.version);
        let mut made = 0;
        let mut todo: Vec<Vec<i64>> = hours
            .chunks(MAX_HOURS_PER_BATCH)
            .rev()
            .map(<[i64]>::to_vec)
            .collect();
        while let Some(chunk) = todo.pop() {
            let mut tx = pool.begin().await?;
            let mut mine = Vec::with_capacity(chunk.len());
            for &hour in &chunk {
                let claimed =
                    sqlx::query("INSERT OR IGNORE INTO insight_batched (hour) VALUES (?)")
                        .bind(hour)
                        .execute(&mut *tx)
                        .await?;
                if claimed.rows_affected() == 1 {
                    mine.push(hour);
                }
            }
            if mine.is_empty() {
                continue;
            }
            let batch = InsightBatch {
                batch_id: uuid::Uuid::new_v4().to_string(),
                source: source.clone(),
                catalog_version: catalog_version.clone(),
                hours: hours_of(&mut tx, &mine).await?,
            };
            let body = serde_json::to_string(&batch)?;
            if body.len() > MAX_BATCH_BYTES && mine.len() > 1 {
                // Too big for one request: the same hours in two halves.
                tx.rollback().await?;
                let (first, second) = mine.split_at(mine.len() / 2);
                todo.push(second.to_vec());
                todo.push(first.to_vec());
                continue;
            }
            sqlx::query(
                "INSERT INTO insight_batches (batch_id, first_hour, last_hour, created_at, body, \
                 state, next_attempt_at) VALUES (?, ?, ?, ?, ?, 'queued', ?)",
            )
            .bind(&batch.batch_id)
            .bind(mine[0])
            .bind(mine[mine.len() - 1])
            .bind(unix_ms(now))
            .bind(&body)
            .bind(unix_ms(now))
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            made += 1;
        }
        Ok(made)
    }

    /// Makes the batches of finished hours and sends those due, one at a time.
    pub async fn deliver_insights(
        &self,
        platform: &Platform,
        source: &Source,
        now: OffsetDateTime,
    ) -> Result<BatchReport> {
        let mut report = BatchReport {
            made: self.make_insight_batches(source, now).await?,
            ..BatchReport::default()
        };
        let pool = self.store().pool();
        let due: Vec<String> = sqlx::query_scalar(
            "SELECT batch_id FROM insight_batches WHERE state IN ('queued', 'sending') \
             AND next_attempt_at <= ? ORDER BY first_hour LIMIT 16",
        )
        .bind(unix_ms(now))
        .fetch_all(pool)
        .await?;
        let lease = platform.config().timeout + Duration::from_secs(1);
        let started = std::time::Instant::now();
        for id in due {
            // Each try's own time: earlier tries of this pass may have waited a timeout.
            let now = now + started.elapsed();
            // Claimed first: another process sending at the same time skips it.
            let claimed = sqlx::query(
                "UPDATE insight_batches SET state = 'sending', attempts = attempts + 1, \
                 next_attempt_at = ? WHERE batch_id = ? AND state IN ('queued', 'sending') \
                 AND next_attempt_at <= ? RETURNING body, attempts",
            )
            .bind(unix_ms(now + lease))
            .bind(&id)
            .bind(unix_ms(now))
            .fetch_optional(pool)
            .await?;
            let Some(row) = claimed else { continue };
            let body: String = row.get("body");
            let attempts = row.get::<i64, _>("attempts") as u32;
            report.attempted += 1;
            let outcome = platform
                .post_keyed::<serde_json::Value>(BATCH_PATH, &id, &body, now)
                .await;
            let retry = |retry_after: Option<Duration>, longest: bool| {
                let policy = platform.config().retry;
                let backoff = if longest {
                    policy.max
                } else {
                    policy.delay(attempts, fastrand::f64())
                };
                retry_after
                    .map(|r| r.min(Duration::from_secs(86_400)).max(backoff))
                    .unwrap_or(backoff)
            };
            let (state, next, error) = match outcome {
                PostOutcome::Accepted(_) => {
                    report.delivered += 1;
                    ("sent", now, None)
                }
                PostOutcome::Refused { detail, .. } => {
                    report.failed += 1;
                    tracing::warn!(%detail, "the platform refused a batch of insights");
                    ("failed", now, Some(detail))
                }
                PostOutcome::Held {
                    detail,
                    retry_after,
                    ..
                } => {
                    report.retrying += 1;
                    ("queued", now + retry(retry_after, true), Some(detail))
                }
                PostOutcome::Retry {
                    detail,
                    retry_after,
                } => {
                    report.retrying += 1;
                    ("queued", now + retry(retry_after, false), Some(detail))
                }
            };
            sqlx::query(
                "UPDATE insight_batches SET state = ?, next_attempt_at = ?, last_error = ?, \
                 sent_at = CASE WHEN ? = 'sent' THEN ? ELSE sent_at END \
                 WHERE batch_id = ? AND state = 'sending'",
            )
            .bind(state)
            .bind(unix_ms(next))
            .bind(error)
            .bind(state)
            .bind(unix_ms(now))
            .bind(&id)
            .execute(pool)
            .await?;
        }
        Ok(report)
    }

    /// When the next stored batch is due (none: `None`).
    pub async fn next_insight_batch_at(&self) -> Result<Option<OffsetDateTime>> {
        let at: Option<i64> = sqlx::query_scalar(
            "SELECT min(next_attempt_at) FROM insight_batches WHERE state IN ('queued', 'sending')",
        )
        .fetch_one(self.store().pool())
        .await?;
        Ok(at.map(from_unix_ms))
    }

    /// The stored batches, oldest first: (id, state, attempts, last error).
    pub async fn insight_batches(&self) -> Result<Vec<(String, String, u32, Option<String>)>> {
        let rows = sqlx::query(
            "SELECT batch_id, state, attempts, last_error FROM insight_batches ORDER BY first_hour",
        )
        .fetch_all(self.store().pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                (
                    r.get("batch_id"),
                    r.get("state"),
                    r.get::<i64, _>("attempts") as u32,
                    r.get("last_error"),
                )
            })
            .collect())
    }

    /// Deletes the session ids of finished hours, sent batches after a week and counts after
    /// 400 days.
    pub async fn purge_insights(&self, now: OffsetDateTime) -> Result<()> {
        self.forget_sessions_before(hour_of(now)).await?;
        let pool = self.store().pool();
        sqlx::query("DELETE FROM insight_batches WHERE state = 'sent' AND sent_at < ?")
            .bind(unix_ms(now - SENT_KEPT))
            .execute(pool)
            .await?;
        let old = hour_of(now - COUNTS_KEPT);
        sqlx::query("DELETE FROM insight_counts WHERE hour < ?")
            .bind(old)
            .execute(pool)
            .await?;
        sqlx::query("DELETE FROM insight_batched WHERE hour < ?")
            .bind(old)
            .execute(pool)
            .await?;
        Ok(())
    }
}
