//! The durable outbox. An inquiry is committed here (synchronous FULL) before the visitor
//! is told "queued", and leaves the device only as the platform's acknowledgement.
//!
//! A try is claimed first (state `sending`, attempts + 1, and a lease: `next_attempt_at`
//! moved past the request's timeout) so that two senders (the app and the CLI) do not send
//! at once, and a sender killed mid-try leaves a row that is simply due again when its
//! lease ends. The body is stored as the exact bytes sent, so every try sends the same
//! body under the same Idempotency-Key.

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use sqlx::pool::PoolConnection;
use sqlx::sqlite::{SqlitePool, SqliteRow};
use sqlx::{Row, Sqlite};
use time::OffsetDateTime;
use ts_rs::TS;

use super::client::{Platform, PostOutcome, Retention};
use super::{Inquiry, from_unix_ms, rfc3339, rfc3339_ms, unix_ms};
use crate::error::{Error, Result};
use crate::model::LocalizedText;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum OutboxState {
    Queued,
    Sending,
    Received,
    Failed,
}

impl OutboxState {
    fn parse(s: &str) -> OutboxState {
        match s {
            "sending" => OutboxState::Sending,
            "received" => OutboxState::Received,
            "failed" => OutboxState::Failed,
            _ => OutboxState::Queued,
        }
    }
}

/// Why the platform refused an inquiry. With the state `failed` it was refused for good
/// (`invalid`, `conflict`, `too-large`); with the state `queued` it is held and tried again
/// (`unauthorized`: the device's token, an operator's matter; `unknown-product`: the
/// platform's catalog is behind, tried again after the next catalog sync).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum FailureReason {
    Invalid,
    Unauthorized,
    Conflict,
    TooLarge,
    UnknownProduct,
}

impl FailureReason {
    fn from_status(status: u16) -> FailureReason {
        match status {
            401 | 403 => FailureReason::Unauthorized,
            409 => FailureReason::Conflict,
            413 => FailureReason::TooLarge,
            422 => FailureReason::UnknownProduct,
            _ => FailureReason::Invalid,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            FailureReason::Invalid => "invalid",
            FailureReason::Unauthorized => "unauthorized",
            FailureReason::Conflict => "conflict",
            FailureReason::TooLarge => "too-large",
            FailureReason::UnknownProduct => "unknown-product",
        }
    }

    fn parse(s: &str) -> Option<FailureReason> {
        [
            FailureReason::Invalid,
            FailureReason::Unauthorized,
            FailureReason::Conflict,
            FailureReason::TooLarge,
            FailureReason::UnknownProduct,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }
}

/// What stays of an item when the personal data is gone.
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize, TS)]
pub struct ItemSummary {
    pub product_id: String,
    pub quantity: f64,
    pub unit: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct OutboxEntry {
    pub client_ref: String,
    pub created_at: String,
    pub state: OutboxState,
    pub attempts: u32,
    pub next_attempt_at: Option<String>,
    /// Why the last try failed (technical, free of contact data).
    pub last_error: Option<String>,
    pub failure: Option<FailureReason>,
    pub platform_id: Option<String>,
    pub platform_status: Option<String>,
    #[ts(type = "Record<string, string> | null")]
    pub status_note: Option<LocalizedText>,
    pub received_at: Option<String>,
    pub items: Vec<ItemSummary>,
    pub personal_data_deleted: bool,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DeliveryReport {
    pub attempted: u32,
    pub delivered: u32,
    pub retrying: u32,
    pub failed: u32,
    /// Held back by the platform (401/403 token, 422 unknown product): kept, retried.
    pub held: u32,
}

const COLUMNS: &str = "client_ref, created_at, state, attempts, next_attempt_at, last_error, \
    failure, platform_id, platform_status, status_note, received_at, items, \
    personal_data_deleted";

fn entry(row: &SqliteRow) -> Result<OutboxEntry> {
    let state = OutboxState::parse(row.get::<&str, _>("state"));
    let pending = matches!(state, OutboxState::Queued | OutboxState::Sending);
    Ok(OutboxEntry {
        client_ref: row.get("client_ref"),
        created_at: row.get("created_at"),
        state,
        attempts: row.get::<i64, _>("attempts") as u32,
        next_attempt_at: pending
            .then(|| rfc3339_ms(from_unix_ms(row.get::<i64, _>("next_attempt_at")))),
        last_error: row.get("last_error"),
        failure: row
            .get::<Option<&str>, _>("failure")
            .and_then(FailureReason::parse),
        platform_id: row.get("platform_id"),
        platform_status: row.get("platform_status"),
        status_note: row
            .get::<Option<&str>, _>("status_note")
            .and_then(|s| serde_json::from_str(s).ok()),
        received_at: row.get("received_at"),
        items: serde_json::from_str(row.get::<&str, _>("items"))?,
        personal_data_deleted: row.get::<i64, _>("personal_data_deleted") != 0,
    })
}

/// A connection for writing outbox rows: synchronous FULL (committed means on the disk,
/// even through a power loss) and `secure_delete` (every update of a row overwrites the
/// bytes of its old copy, so no earlier version of the personal data is left in a page's
/// free space). The pool's other connections keep the store's settings.
pub(super) struct Durable(pub(super) PoolConnection<Sqlite>);

impl Durable {
    pub(super) async fn acquire(pool: &SqlitePool) -> Result<Durable> {
        let mut conn = pool.acquire().await?;
        sqlx::query("PRAGMA synchronous = FULL")
            .execute(&mut *conn)
            .await?;
        sqlx::query("PRAGMA secure_delete = ON")
            .execute(&mut *conn)
            .await?;
        Ok(Durable(conn))
    }

    pub(super) async fn release(mut self) -> Result<()> {
        sqlx::query("PRAGMA synchronous = NORMAL")
            .execute(&mut *self.0)
            .await?;
        sqlx::query("PRAGMA secure_delete = OFF")
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }
}

pub async fn insert(
    pool: &SqlitePool,
    inquiry: &Inquiry,
    now: OffsetDateTime,
) -> Result<OutboxEntry> {
    let body = serde_json::to_string(inquiry)?;
    let items: Vec<ItemSummary> = inquiry
        .draft
        .items
        .iter()
        .map(|i| ItemSummary {
            product_id: i.product_id.clone(),
            quantity: i.quantity,
            unit: i.unit.clone(),
        })
        .collect();
    let items = serde_json::to_string(&items)?;
    let mut conn = Durable::acquire(pool).await?;
    sqlx::query(
        "INSERT INTO outbox (client_ref, created_at, body, items, state, attempts, \
         next_attempt_at) VALUES (?, ?, ?, ?, 'queued', 0, ?)",
    )
    .bind(&inquiry.client_ref)
    .bind(&inquiry.created_at)
    .bind(&body)
    .bind(&items)
    .bind(unix_ms(now))
    .execute(&mut *conn.0)
    .await?;
    conn.release().await?;
    get(pool, &inquiry.client_ref)
        .await?
        .ok_or_else(|| Error::internal("an inquiry vanished right after it was stored"))
}

pub async fn get(pool: &SqlitePool, client_ref: &str) -> Result<Option<OutboxEntry>> {
    let sql = format!("SELECT {COLUMNS} FROM outbox WHERE client_ref = ?");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(client_ref)
        .fetch_optional(pool)
        .await?
        .as_ref()
        .map(entry)
        .transpose()
}

pub async fn list(pool: &SqlitePool) -> Result<Vec<OutboxEntry>> {
    let sql = format!("SELECT {COLUMNS} FROM outbox ORDER BY created_at DESC, rowid DESC");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(pool)
        .await?
        .iter()
        .map(entry)
        .collect()
}

pub async fn next_due(pool: &SqlitePool) -> Result<Option<OffsetDateTime>> {
    let row = sqlx::query(
        "SELECT MIN(next_attempt_at) AS t FROM outbox WHERE state IN ('queued', 'sending')",
    )
    .fetch_one(pool)
    .await?;
    Ok(row.get::<Option<i64>, _>("t").map(from_unix_ms))
}

pub async fn undelivered(pool: &SqlitePool) -> Result<u32> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM outbox WHERE state IN ('queued', 'sending')")
        .fetch_one(pool)
        .await?;
    Ok(row.get::<i64, _>("n") as u32)
}

/// How many inquiries wait to leave, when the oldest of them was taken (its stored
/// `created_at`, RFC 3339 in UTC), and how many of them the platform holds back because
/// it refuses the device's token.
pub async fn backlog(pool: &SqlitePool) -> Result<(u32, Option<String>, u32)> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n, MIN(created_at) AS oldest, \
         COALESCE(SUM(failure = 'unauthorized'), 0) AS unauthorized FROM outbox \
         WHERE state IN ('queued', 'sending')",
    )
    .fetch_one(pool)
    .await?;
    Ok((
        row.get::<i64, _>("n") as u32,
        row.get::<Option<String>, _>("oldest"),
        row.get::<i64, _>("unauthorized") as u32,
    ))
}

/// Makes every inquiry held for `reason` due at `now`: the cause may be gone (the token
/// works again, a catalog sync brought the product).
pub async fn release_held(
    pool: &SqlitePool,
    reason: FailureReason,
    now: OffsetDateTime,
) -> Result<u32> {
    let mut conn = Durable::acquire(pool).await?;
    let done = sqlx::query(
        "UPDATE outbox SET next_attempt_at = ? WHERE state = 'queued' AND failure = ? \
         AND next_attempt_at > ? AND body IS NOT NULL",
    )
    .bind(unix_ms(now))
    .bind(reason.as_str())
    .bind(unix_ms(now))
    .execute(&mut *conn.0)
    .await?
    .rows_affected() as u32;
    conn.release().await?;
    if done > 0 {
        tracing::info!(
            count = done,
            reason = reason.as_str(),
            "held inquiries released"
        );
    }
    Ok(done)
}

/// On a client that has not tried them yet (a new token), the oldest inquiry held for a
/// refused token is made due now: if the platform takes it, the others follow at once.
async fn probe_token(pool: &SqlitePool, now: OffsetDateTime) -> Result<()> {
    let mut conn = Durable::acquire(pool).await?;
    sqlx::query(
        "UPDATE outbox SET next_attempt_at = ? WHERE client_ref = (SELECT client_ref \
         FROM outbox WHERE state = 'queued' AND failure = 'unauthorized' \
         AND next_attempt_at > ? AND body IS NOT NULL ORDER BY next_attempt_at, rowid LIMIT 1)",
    )
    .bind(unix_ms(now))
    .bind(unix_ms(now))
    .execute(&mut *conn.0)
    .await?;
    conn.release().await
}

/// Claims one due try: only one sender wins it. Returns the body and the attempt number.
async fn claim(
    pool: &SqlitePool,
    client_ref: &str,
    now: OffsetDateTime,
    lease: Duration,
) -> Result<Option<(String, u32)>> {
    let mut conn = Durable::acquire(pool).await?;
    let row = sqlx::query(
        "UPDATE outbox SET state = 'sending', attempts = attempts + 1, next_attempt_at = ? \
         WHERE client_ref = ? AND state IN ('queued', 'sending') AND next_attempt_at <= ? \
         AND body IS NOT NULL RETURNING body, attempts",
    )
    .bind(unix_ms(now + lease))
    .bind(client_ref)
    .bind(unix_ms(now))
    .fetch_optional(&mut *conn.0)
    .await?;
    conn.release().await?;
    Ok(row.map(|r| (r.get("body"), r.get::<i64, _>("attempts") as u32)))
}

fn purge_at(retention: Retention, now: OffsetDateTime) -> Option<i64> {
    match retention {
        Retention::AfterAck(after) => Some(unix_ms(now + after)),
        Retention::Keep => None,
    }
}

/// When a refused inquiry's personal data goes: never before the refused retention (the
/// operator must be able to see and resend it), and not at all where nothing is purged.
fn refused_purge_at(retention: Retention, refused: Duration, now: OffsetDateTime) -> Option<i64> {
    match retention {
        Retention::AfterAck(after) => Some(unix_ms(now + after.max(refused))),
        Retention::Keep => None,
    }
}

/// Records what one try came to, durably. Personal data is given a deletion time only
/// when the platform has received the inquiry (or refused it for good, after the longer
/// refused retention); a held inquiry keeps it.
async fn record(
    pool: &SqlitePool,
    client_ref: &str,
    attempts: u32,
    outcome: PostOutcome,
    platform: &Platform,
    now: OffsetDateTime,
    report: &mut DeliveryReport,
) -> Result<()> {
    let mut conn = Durable::acquire(pool).await?;
    let retention = platform.config().retention;
    match outcome {
        PostOutcome::Accepted(receipt) => {
            report.delivered += 1;
            sqlx::query(
                "UPDATE outbox SET state = 'received', platform_id = ?, platform_status = ?, \
                 received_at = ?, last_error = NULL, failure = NULL, purge_at = ? \
                 WHERE client_ref = ?",
            )
            .bind(&receipt.id)
            .bind(receipt.status.as_deref().unwrap_or("received"))
            .bind(receipt.received_at.unwrap_or_else(|| rfc3339(now)))
            .bind(purge_at(retention, now))
            .bind(client_ref)
            .execute(&mut *conn.0)
            .await?;
        }
        PostOutcome::Refused { status, detail } => {
            report.failed += 1;
            tracing::warn!(status, attempts, "the platform refused an inquiry for good");
            sqlx::query(
                "UPDATE outbox SET state = 'failed', failure = ?, last_error = ?, purge_at = ? \
                 WHERE client_ref = ?",
            )
            .bind(FailureReason::from_status(status).as_str())
            .bind(&detail)
            .bind(refused_purge_at(
                retention,
                platform.config().refused_retention,
                now,
            ))
            .bind(client_ref)
            .execute(&mut *conn.0)
            .await?;
        }
        PostOutcome::Held {
            status,
            detail,
            retry_after,
        } => {
            report.held += 1;
            let reason = FailureReason::from_status(status);
            // The longest back-off: nothing this device sends can succeed before someone
            // fixes the token or the platform's catalog; a fixed token or a sync makes the
            // inquiry due at once (`release_held`).
            let wait = retry_after
                .map(|r| r.min(Duration::from_secs(86_400)))
                .unwrap_or_default()
                .max(platform.config().retry.max);
            tracing::warn!(
                status,
                attempts,
                reason = reason.as_str(),
                "the platform holds an inquiry back; it is kept and tried again"
            );
            sqlx::query(
                "UPDATE outbox SET state = 'queued', failure = ?, next_attempt_at = ?, \
                 last_error = ? WHERE client_ref = ? AND state = 'sending'",
            )
            .bind(reason.as_str())
            .bind(unix_ms(now + wait))
            .bind(&detail)
            .bind(client_ref)
            .execute(&mut *conn.0)
            .await?;
        }
        PostOutcome::Retry {
            detail,
            retry_after,
        } => {
            report.retrying += 1;
            let backoff = platform.config().retry.delay(attempts, fastrand::f64());
            // The platform's Retry-After is a floor; a day is the most it is believed.
            let wait = retry_after
                .map(|r| r.min(Duration::from_secs(86_400)).max(backoff))
                .unwrap_or(backoff);
            tracing::info!(attempts, wait_ms = wait.as_millis() as u64, %detail, "inquiry will be retried");
            sqlx::query(
                "UPDATE outbox SET state = 'queued', next_attempt_at = ?, last_error = ? \
                 WHERE client_ref = ? AND state = 'sending'",
            )
            .bind(unix_ms(now + wait))
            .bind(&detail)
            .bind(client_ref)
            .execute(&mut *conn.0)
            .await?;
        }
    }
    conn.release().await
}

pub async fn deliver_due(
    pool: &SqlitePool,
    platform: &Platform,
    now: OffsetDateTime,
) -> Result<DeliveryReport> {
    if platform.first_probe() {
        probe_token(pool, now).await?;
    }
    let due: Vec<String> = sqlx::query(
        "SELECT client_ref FROM outbox WHERE state IN ('queued', 'sending') \
         AND next_attempt_at <= ? AND body IS NOT NULL ORDER BY next_attempt_at, rowid",
    )
    .bind(unix_ms(now))
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| r.get("client_ref"))
    .collect();
    let lease = platform.config().timeout + Duration::from_secs(1);
    let limit = Arc::new(tokio::sync::Semaphore::new(
        platform.config().concurrency.max(1),
    ));
    let mut tasks = tokio::task::JoinSet::new();
    for client_ref in due {
        let permit = Arc::clone(&limit)
            .acquire_owned()
            .await
            .map_err(|e| Error::internal_from("the sender's concurrency limit", e))?;
        let pool = pool.clone();
        let platform = platform.clone();
        tasks.spawn(async move {
            let _permit = permit;
            let mut report = DeliveryReport::default();
            let Some((body, attempts)) = claim(&pool, &client_ref, now, lease).await? else {
                return Ok((report, false));
            };
            report.attempted += 1;
            let outcome = platform.post_inquiry(&client_ref, &body, now).await;
            // Any answer past the platform's token check says the token works.
            let token_works = match &outcome {
                PostOutcome::Accepted(_) | PostOutcome::Refused { .. } => true,
                PostOutcome::Held { status, .. } => *status == 422,
                PostOutcome::Retry { .. } => false,
            };
            record(
                &pool,
                &client_ref,
                attempts,
                outcome,
                &platform,
                now,
                &mut report,
            )
            .await?;
            Ok::<_, Error>((report, token_works))
        });
    }
    let mut total = DeliveryReport::default();
    let mut token_works = false;
    let mut first_error = None;
    while let Some(joined) = tasks.join_next().await {
        match joined? {
            Ok((r, works)) => {
                total.attempted += r.attempted;
                total.delivered += r.delivered;
                total.retrying += r.retrying;
                total.failed += r.failed;
                total.held += r.held;
                token_works |= works;
            }
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    if token_works {
        release_held(pool, FailureReason::Unauthorized, now).await?;
    }
    match first_error {
        Some(error) => Err(error),
        None => Ok(total),
    }
}

pub async fn poll_statuses(
    pool: &SqlitePool,
    platform: &Platform,
    now: OffsetDateTime,
) -> Result<u32> {
    let rows = sqlx::query(
        "SELECT client_ref, platform_id, platform_status, status_note FROM outbox \
         WHERE state = 'received' AND platform_id IS NOT NULL \
         AND COALESCE(platform_status, '') NOT IN ('closed', 'rejected')",
    )
    .fetch_all(pool)
    .await?;
    let mut changed = 0;
    for row in rows {
        let id: String = row.get("platform_id");
        // One unanswered question must not stop the others: it is asked again next time.
        let status = match platform.inquiry_status(&id).await {
            Ok(status) => status,
            Err(error) => {
                tracing::warn!(%error, "status poll of one inquiry failed");
                continue;
            }
        };
        let note = status
            .note
            .as_ref()
            .and_then(|n| serde_json::to_string(n).ok());
        let old_status: Option<String> = row.get("platform_status");
        let old_note: Option<String> = row.get("status_note");
        if old_status.as_deref() != Some(status.status.as_str()) || old_note != note {
            changed += 1;
        }
        let mut conn = Durable::acquire(pool).await?;
        sqlx::query(
            "UPDATE outbox SET platform_status = ?, status_note = ?, status_checked_at = ? \
             WHERE client_ref = ?",
        )
        .bind(&status.status)
        .bind(note)
        .bind(unix_ms(now))
        .bind(row.get::<&str, _>("client_ref"))
        .execute(&mut *conn.0)
        .await?;
        conn.release().await?;
    }
    Ok(changed)
}

/// Deletes the body (all personal data) of every inquiry whose retention has run out.
/// `secure_delete` overwrites the freed bytes in the database file, and a TRUNCATE
/// checkpoint moves the new pages in and empties the WAL, so the old bytes are in neither.
pub async fn purge_due(pool: &SqlitePool, now: OffsetDateTime) -> Result<u32> {
    let due = sqlx::query(
        "SELECT COUNT(*) AS n FROM outbox WHERE body IS NOT NULL AND purge_at IS NOT NULL \
         AND purge_at <= ? AND state IN ('received', 'failed')",
    )
    .bind(unix_ms(now))
    .fetch_one(pool)
    .await?
    .get::<i64, _>("n");
    if due == 0 {
        return Ok(0);
    }
    let mut conn = Durable::acquire(pool).await?;
    let done = sqlx::query(
        "UPDATE outbox SET body = NULL, personal_data_deleted = 1 WHERE body IS NOT NULL \
         AND purge_at IS NOT NULL AND purge_at <= ? AND state IN ('received', 'failed')",
    )
    .bind(unix_ms(now))
    .execute(&mut *conn.0)
    .await?
    .rows_affected() as u32;
    checkpoint(&mut conn.0).await?;
    conn.release().await?;
    tracing::info!(count = done, "personal data deleted");
    Ok(done)
}

/// A TRUNCATE checkpoint; a reader holding an old snapshot makes it report "busy", so it
/// is tried a few times before giving up (the next purge tries again).
pub(super) async fn checkpoint(conn: &mut PoolConnection<Sqlite>) -> Result<()> {
    for _ in 0..50 {
        let row = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .fetch_one(&mut **conn)
            .await?;
        if row.get::<i64, _>(0) == 0 {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tracing::warn!("the WAL could not be checkpointed yet");
    Ok(())
}
