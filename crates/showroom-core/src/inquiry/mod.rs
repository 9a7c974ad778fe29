//! Order inquiries through the facade: the rules, the outbox and the platform's client
//! are `showroom_trade`'s (re-exported here); the catalog sync from the platform and the
//! background sender are the facade's, as they import catalogs and drive [`Showroom`].

mod background;
mod sync;

use time::OffsetDateTime;

pub use showroom_trade::*;

pub use background::{Background, Sender};
pub use sync::{SyncMode, SyncReport};

use crate::error::{Error, Result};
use crate::i18n::Lang;
use crate::{Showroom, blocking};

impl Showroom {
    /// Validates `draft` and, when it is valid, commits it (trimmed) to the outbox
    /// (synchronous FULL) with a new `client_ref` before returning: from then on it is
    /// never lost.
    pub async fn submit_inquiry(
        &self,
        draft: InquiryDraft,
        source: &Source,
        lang: Lang,
        now: OffsetDateTime,
    ) -> Result<SubmitResult> {
        let errors = validate_inquiry(&draft, lang);
        if !errors.is_empty() {
            return Ok(SubmitResult::Invalid { errors });
        }
        let inquiry = Inquiry {
            client_ref: uuid::Uuid::new_v4().to_string(),
            created_at: rfc3339(now),
            source: source.clone(),
            draft: draft.trimmed(),
        };
        self.store().check_writable()?;
        let entry = outbox::insert(self.store().pool(), &inquiry, now).await?;
        Ok(SubmitResult::Queued { entry })
    }

    /// Every inquiry in the outbox, newest first (the buyer's history).
    pub async fn outbox(&self) -> Result<Vec<OutboxEntry>> {
        outbox::list(self.store().pool()).await
    }

    pub async fn outbox_entry(&self, client_ref: &str) -> Result<OutboxEntry> {
        outbox::get(self.store().pool(), client_ref)
            .await?
            .ok_or_else(|| Error::NotFound {
                kind: "inquiry",
                id: client_ref.to_string(),
            })
    }

    /// The inquiries named by `refs` (unknown ones left out), newest first.
    pub async fn outbox_entries(&self, refs: &[String]) -> Result<Vec<OutboxEntry>> {
        withdraw::get_many(self.store().pool(), refs).await
    }

    /// Takes an inquiry back by its reference: removed when it has not left yet, its
    /// personal data deleted when it has.
    pub async fn withdraw_inquiry(
        &self,
        client_ref: &str,
        now: OffsetDateTime,
    ) -> Result<Withdrawal> {
        self.store().check_writable()?;
        withdraw::withdraw(self.store().pool(), client_ref, now).await
    }

    /// One pass of the sender: every due inquiry is tried once (several at a time), with
    /// the same Idempotency-Key as every earlier try; then retention is applied.
    pub async fn deliver_due(
        &self,
        platform: &Platform,
        now: OffsetDateTime,
    ) -> Result<DeliveryReport> {
        let report = outbox::deliver_due(self.store().pool(), platform, now).await?;
        outbox::purge_due(self.store().pool(), now).await?;
        Ok(report)
    }

    /// When the sender should wake next: the earliest next attempt of an undelivered
    /// inquiry, `None` when nothing is waiting.
    pub async fn next_delivery_at(&self) -> Result<Option<OffsetDateTime>> {
        outbox::next_due(self.store().pool()).await
    }

    /// How many inquiries are still undelivered (queued or sending).
    pub async fn undelivered(&self) -> Result<u32> {
        outbox::undelivered(self.store().pool()).await
    }

    /// The outbox's backlog for the heartbeat: inquiries waiting to leave, the age of the
    /// oldest at `now`, and whether the platform refuses the device's token.
    pub async fn outbox_backlog(&self, now: OffsetDateTime) -> Result<crate::supervise::Backlog> {
        let (pending, oldest, unauthorized) = outbox::backlog(self.store().pool()).await?;
        let oldest_age_secs = oldest
            .and_then(|t| {
                OffsetDateTime::parse(&t, &time::format_description::well_known::Rfc3339).ok()
            })
            .map(|t| (now - t).whole_seconds().max(0) as u64);
        Ok(crate::supervise::Backlog {
            pending,
            oldest_age_secs,
            auth_failing: unauthorized > 0,
        })
    }

    /// Asks the platform for the status of each received inquiry that is not closed yet;
    /// returns how many changed.
    pub async fn poll_statuses(&self, platform: &Platform, now: OffsetDateTime) -> Result<u32> {
        outbox::poll_statuses(self.store().pool(), platform, now).await
    }

    /// Deletes the personal data of every inquiry whose retention has run out, so that it
    /// cannot be recovered from the database file or its WAL.
    pub async fn purge_personal_data(&self, now: OffsetDateTime) -> Result<u32> {
        outbox::purge_due(self.store().pool(), now).await
    }

    /// Pulls the platform's catalog once (delta when possible, 304 when unchanged), checks
    /// every image against its digest and applies it atomically through `import_bundle`.
    pub async fn sync_catalog(&self, platform: &Platform) -> Result<SyncReport> {
        let report = sync::sync(self, platform).await?;
        self.note_sync();
        Ok(report)
    }

    /// Deletes sync leftovers (staging folders) in a blocking task.
    pub(crate) async fn remove_dir_quietly(path: std::path::PathBuf) {
        let _ = blocking(move || std::fs::remove_dir_all(path)).await;
    }
}
