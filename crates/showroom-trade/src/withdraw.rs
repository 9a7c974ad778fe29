//! What a visitor may do with an inquiry it holds the reference of: read several at once,
//! and take one back. The reference (a random UUID) is the visitor's only key: nothing
//! here lists inquiries that were not named.

use serde::Serialize;
use sqlx::SqlitePool;
use time::OffsetDateTime;
use ts_rs::TS;

use super::outbox::{Durable, OutboxEntry, checkpoint, get};
use crate::error::{Error, Result};

/// What taking an inquiry back did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum Withdrawal {
    /// It had not left yet: it is removed and will never be sent.
    Removed,
    /// It had already reached the platform (or been refused): the personal data kept on
    /// this device is deleted now; the platform's copy is the zone's to handle.
    PersonalDataDeleted,
    /// It is being sent this very moment: ask again in a few seconds.
    InFlight,
}

/// The entries named by `refs` that exist, newest first; unknown references are left out.
pub async fn get_many(pool: &SqlitePool, refs: &[String]) -> Result<Vec<OutboxEntry>> {
    let mut found = Vec::with_capacity(refs.len());
    for client_ref in refs {
        if found
            .iter()
            .any(|e: &OutboxEntry| &e.client_ref == client_ref)
        {
            continue;
        }
        if let Some(entry) = get(pool, client_ref).await? {
            found.push(entry);
        }
    }
    found.sort_by(|a, b| b.created_at.cmp(&a.created_at));
    Ok(found)
}

pub async fn withdraw(
    pool: &SqlitePool,
    client_ref: &str,
    _now: OffsetDateTime,
) -> Result<Withdrawal> {
    let not_found = || Error::NotFound {
        kind: "inquiry",
        id: client_ref.to_string(),
    };
    let mut conn = Durable::acquire(pool).await?;
    // Only a row nobody has claimed for sending is removed, in one statement, so a sender
    // claiming it at the same moment either gets it first (then it is in flight) or not
    // at all.
    let removed = sqlx::query("DELETE FROM outbox WHERE client_ref = ? AND state = 'queued'")
        .bind(client_ref)
        .execute(&mut *conn.0)
        .await?
        .rows_affected();
    let outcome = if removed > 0 {
        Withdrawal::Removed
    } else {
        let erased = sqlx::query(
            "UPDATE outbox SET body = NULL, personal_data_deleted = 1 \
             WHERE client_ref = ? AND state IN ('received', 'failed')",
        )
        .bind(client_ref)
        .execute(&mut *conn.0)
        .await?
        .rows_affected();
        if erased > 0 {
            Withdrawal::PersonalDataDeleted
        } else if get(pool, client_ref).await?.is_some() {
            Withdrawal::InFlight
        } else {
            conn.release().await?;
            return Err(not_found());
        }
    };
    if outcome != Withdrawal::InFlight {
        checkpoint(&mut conn.0).await?;
    }
    conn.release().await?;
    Ok(outcome)
}
