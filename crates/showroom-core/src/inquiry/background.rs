//! The background work of a running app or `showroom serve`: deliver the outbox when it is
//! due (woken at once by a submit), ask for the statuses of received inquiries (desktop),
//! delete personal data whose retention has run out, and pull the catalog periodically.
//! The caller spawns [`Background::run`] on its runtime and keeps the [`Sender`] handle.

use std::sync::Arc;
use std::time::Duration;

use time::OffsetDateTime;
use tokio::sync::Notify;
use tokio::time::Instant;

use super::{InsightSettings, Platform, Source, SourceKind, TradeSettings};
use crate::Showroom;
use crate::error::Result;

/// The longest the sender sleeps with nothing due (a row due from another process, e.g.
/// `showroom inquiry submit`, is found within this).
const MAX_SLEEP: Duration = Duration::from_secs(30);
/// How often retention is applied when nothing else wakes the sender.
const PURGE_EVERY: Duration = Duration::from_secs(3600);
/// The first catalog sync waits this long after start, so that start-up stays fast.
const FIRST_SYNC_AFTER: Duration = Duration::from_secs(20);
/// Batches of finished hours are made and sent this often (and when one is due again).
const INSIGHTS_EVERY: Duration = Duration::from_secs(300);
/// The first batch waits this long after start.
const FIRST_INSIGHTS_AFTER: Duration = Duration::from_secs(60);

/// What the shell keeps: wakes the sender after a submit, and says whether inquiries
/// can leave the device at all.
#[derive(Clone)]
pub struct Sender {
    wake: Arc<Notify>,
    configured: bool,
}

impl Sender {
    /// Makes the sender look at the outbox now (after a submit).
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// True when a trade platform is configured; without one inquiries stay queued.
    pub fn platform_configured(&self) -> bool {
        self.configured
    }
}

/// The background loops, ready to run.
pub struct Background {
    showroom: Showroom,
    platform: Option<Platform>,
    sync_interval: Option<Duration>,
    status_interval: Option<Duration>,
    insights: InsightSettings,
    source: Source,
    wake: Arc<Notify>,
}

impl Background {
    /// Builds the platform client from `settings` (an error when its URL is unusable).
    pub fn new(showroom: Showroom, settings: &TradeSettings) -> Result<(Background, Sender)> {
        let platform = match &settings.platform {
            Some(config) => Some(Platform::new(config.clone())?),
            None => None,
        };
        let wake = Arc::new(Notify::new());
        let sender = Sender {
            wake: wake.clone(),
            configured: platform.is_some(),
        };
        // A kiosk's inquiries are not tracked after they leave (their personal data is gone
        // at the acknowledgement and no one looks at the history).
        let status_interval = match settings.source.kind {
            SourceKind::Kiosk => None,
            _ => settings.status_interval,
        };
        let background = Background {
            showroom,
            platform,
            sync_interval: settings.sync_interval,
            status_interval,
            insights: settings.insights,
            source: settings.source.clone(),
            wake,
        };
        Ok((background, sender))
    }

    /// Runs for ever; `clock` gives "now" (the shell passes `OffsetDateTime::now_utc`).
    pub async fn run(self, clock: fn() -> OffsetDateTime) {
        tokio::join!(
            self.outbox_loop(clock),
            self.sync_loop(),
            self.insights_loop(clock)
        );
    }

    async fn outbox_loop(&self, clock: fn() -> OffsetDateTime) {
        let mut next_purge = Instant::now();
        let mut next_status = self.status_interval.map(|every| Instant::now() + every);
        loop {
            if let Some(platform) = &self.platform {
                match self.showroom.deliver_due(platform, clock()).await {
                    Ok(report) if report.attempted > 0 => tracing::info!(
                        attempted = report.attempted,
                        delivered = report.delivered,
                        retrying = report.retrying,
                        failed = report.failed,
                        held = report.held,
                        "outbox delivery"
                    ),
                    Ok(_) => {}
                    Err(error) => tracing::warn!(%error, "outbox delivery failed"),
                }
            }
            if Instant::now() >= next_purge {
                match self.showroom.purge_personal_data(clock()).await {
                    Ok(0) => {}
                    Ok(purged) => tracing::info!(purged, "personal data deleted per retention"),
                    Err(error) => tracing::warn!(%error, "retention purge failed"),
                }
                next_purge = Instant::now() + PURGE_EVERY;
            }
            if let (Some(platform), Some(at), Some(every)) =
                (&self.platform, next_status, self.status_interval)
                && Instant::now() >= at
            {
                match self.showroom.poll_statuses(platform, clock()).await {
                    Ok(0) => {}
                    Ok(changed) => tracing::info!(changed, "inquiry statuses updated"),
                    Err(error) => tracing::warn!(%error, "status poll failed"),
                }
                next_status = Some(Instant::now() + every);
            }
            let mut wake_at = Instant::now() + MAX_SLEEP;
            if self.platform.is_some() {
                match self.showroom.next_delivery_at().await {
                    Ok(Some(due)) => {
                        let wait = (due - clock()).max(time::Duration::ZERO).unsigned_abs();
                        wake_at = wake_at.min(Instant::now() + wait);
                    }
                    Ok(None) => {}
                    Err(error) => tracing::warn!(%error, "outbox unreadable"),
                }
            }
            wake_at = wake_at.min(next_purge);
            if let Some(at) = next_status {
                wake_at = wake_at.min(at);
            }
            // Never spin: a row due "now" that cannot be claimed waits a little.
            wake_at = wake_at.max(Instant::now() + Duration::from_millis(50));
            tokio::select! {
                _ = tokio::time::sleep_until(wake_at) => {}
                _ = self.wake.notified() => {}
            }
        }
    }

    /// Makes batches of finished hours and sends them (when sending is on and a platform
    /// is configured), and deletes old counts and sent batches.
    async fn insights_loop(&self, clock: fn() -> OffsetDateTime) {
        tokio::time::sleep(FIRST_INSIGHTS_AFTER).await;
        let mut next_purge = Instant::now();
        loop {
            let mut wake_at = Instant::now() + INSIGHTS_EVERY;
            if let (Some(platform), true) = (&self.platform, self.insights.send) {
                match self
                    .showroom
                    .deliver_insights(platform, &self.source, clock())
                    .await
                {
                    Ok(report) if report.attempted > 0 || report.made > 0 => tracing::info!(
                        made = report.made,
                        attempted = report.attempted,
                        delivered = report.delivered,
                        retrying = report.retrying,
                        failed = report.failed,
                        "insights delivery"
                    ),
                    Ok(_) => {}
                    Err(error) => tracing::warn!(%error, "insights delivery failed"),
                }
                if let Ok(Some(due)) = self.showroom.next_insight_batch_at().await {
                    let wait = (due - clock()).max(time::Duration::ZERO).unsigned_abs();
                    wake_at = wake_at.min(Instant::now() + wait);
                }
            }
            if Instant::now() >= next_purge {
                if let Err(error) = self.showroom.purge_insights(clock()).await {
                    tracing::warn!(%error, "insights purge failed");
                }
                next_purge = Instant::now() + PURGE_EVERY;
            }
            tokio::time::sleep_until(wake_at.max(Instant::now() + Duration::from_secs(1))).await;
        }
    }

    async fn sync_loop(&self) {
        let (Some(platform), Some(every)) = (&self.platform, self.sync_interval) else {
            return;
        };
        tokio::time::sleep(FIRST_SYNC_AFTER.min(every)).await;
        loop {
            match self.showroom.sync_catalog(platform).await {
                Ok(report) => tracing::info!(
                    mode = ?report.mode,
                    version = report.version.as_deref().unwrap_or("-"),
                    operations = report.operations,
                    "catalog sync"
                ),
                Err(error) => tracing::warn!(%error, "catalog sync failed"),
            }
            tokio::time::sleep(every).await;
        }
    }
}
