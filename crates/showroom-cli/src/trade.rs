//! `showroom inquiry submit`, `outbox list`, `outbox flush` and `sync`: the inquiry outbox
//! and the trade platform, configured from `DATA_DIR/showroom.toml` and the environment.

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use showroom_core::Showroom;
use showroom_core::i18n::{n, s, tr};
use showroom_core::inquiry::{
    DeviceDefaults, FailureReason, InquiryDraft, OutboxEntry, OutboxState, Platform, SourceKind,
    SubmitResult, SyncMode, TradeSettings,
};
use showroom_core::settings::Settings;
use time::OffsetDateTime;

use crate::output::Output;

fn secs(value: f64, what: &str) -> anyhow::Result<Duration> {
    Duration::try_from_secs_f64(value)
        .map_err(|_| anyhow::anyhow!("{what}: {value} is not a duration"))
}

/// What the trade commands need, resolved from the file and the environment.
pub type TradeConfig = TradeSettings;

/// Reads `DATA_DIR/showroom.toml`; the environment variables of cli.md override it.
pub fn config(data_dir: &Path) -> anyhow::Result<TradeConfig> {
    config_as(&Settings::load(data_dir)?, SourceKind::Cli, "showroom-cli")
}

/// The same for a caller of another kind (`showroom serve` is the online show's desktop).
pub fn config_as(
    settings: &Settings,
    kind: SourceKind,
    device_id: &str,
) -> anyhow::Result<TradeConfig> {
    let defaults = DeviceDefaults {
        kind,
        device_id: device_id.into(),
        user_agent: format!("showroom-cli/{}", env!("CARGO_PKG_VERSION")),
        app_version: env!("CARGO_PKG_VERSION").into(),
    };
    Ok(settings.trade(&defaults, &|name| std::env::var(name).ok())?)
}

fn platform(config: &TradeConfig, out: &Output) -> anyhow::Result<Platform> {
    let Some(platform) = &config.platform else {
        anyhow::bail!(tr(out.lang, "cli-platform-missing", &[]));
    };
    Ok(Platform::new(platform.clone())?)
}

pub async fn submit(
    showroom: &Showroom,
    config: &TradeConfig,
    out: &Output,
    file: &Path,
) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(file).with_context(|| file.display().to_string())?;
    let draft: InquiryDraft = match serde_json::from_str(&text) {
        Ok(draft) => draft,
        Err(e) => {
            out.warn(
                "cli-inquiry-unreadable",
                &[
                    s("file", file.display().to_string()),
                    s("detail", e.to_string()),
                ],
            );
            return Ok(ExitCode::FAILURE);
        }
    };
    let result = showroom
        .submit_inquiry(draft, &config.source, out.lang, OffsetDateTime::now_utc())
        .await?;
    if out.json {
        out.json(&result)?;
    }
    match result {
        SubmitResult::Queued { entry } => {
            if !out.json {
                println!("{}", entry.client_ref);
                out.warn("cli-inquiry-queued", &[s("ref", entry.client_ref.as_str())]);
            }
            Ok(ExitCode::SUCCESS)
        }
        SubmitResult::Invalid { errors } => {
            if !out.json {
                out.warn("cli-inquiry-invalid", &[n("count", errors.len() as f64)]);
                for e in &errors {
                    eprintln!("  {}: {}", e.field, e.message);
                }
            }
            Ok(ExitCode::FAILURE)
        }
    }
}

fn state_text(out: &Output, entry: &OutboxEntry) -> String {
    let state = serde_json::to_value(entry.state)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    tr(out.lang, &format!("inquiry-state-{state}"), &[])
}

pub async fn list(showroom: &Showroom, out: &Output) -> anyhow::Result<ExitCode> {
    let entries = showroom.outbox().await?;
    if out.json {
        out.json(&entries)?;
        return Ok(ExitCode::SUCCESS);
    }
    if entries.is_empty() {
        out.say("cli-outbox-empty", &[]);
    }
    // Held inquiries are the operator's to cure; say so before the rows.
    let held = |reason: FailureReason| {
        entries
            .iter()
            .filter(|e| {
                matches!(e.state, OutboxState::Queued | OutboxState::Sending)
                    && e.failure == Some(reason)
            })
            .count()
    };
    let unauthorized = held(FailureReason::Unauthorized);
    if unauthorized > 0 {
        out.warn("cli-outbox-auth-alert", &[n("count", unauthorized as f64)]);
    }
    let unknown = held(FailureReason::UnknownProduct);
    if unknown > 0 {
        out.warn("cli-outbox-catalog-held", &[n("count", unknown as f64)]);
    }
    for e in &entries {
        let why = match e.failure {
            Some(reason) => {
                let code = serde_json::to_value(reason)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default();
                format!(
                    "{} ({})",
                    tr(out.lang, &format!("inquiry-failure-{code}"), &[]),
                    e.last_error.as_deref().unwrap_or("")
                )
            }
            None => e.last_error.clone().unwrap_or_default(),
        };
        out.say(
            "cli-outbox-row",
            &[
                s("ref", e.client_ref.as_str()),
                s("state", state_text(out, e)),
                n("attempts", e.attempts),
                s(
                    "next",
                    e.next_attempt_at.clone().unwrap_or_else(|| "-".into()),
                ),
                s(
                    "platform",
                    e.platform_id.clone().unwrap_or_else(|| "-".into()),
                ),
                s("error", why),
            ],
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn flush(
    showroom: &Showroom,
    config: &TradeConfig,
    out: &Output,
    wait: f64,
) -> anyhow::Result<ExitCode> {
    let platform = platform(config, out)?;
    let deadline = tokio::time::Instant::now() + secs(wait.max(0.0), "--wait")?;
    let (mut delivered, mut failed) = (0u32, 0u32);
    loop {
        let report = showroom
            .deliver_due(&platform, OffsetDateTime::now_utc())
            .await?;
        delivered += report.delivered;
        failed += report.failed;
        let left = showroom.undelivered().await?;
        let now = tokio::time::Instant::now();
        if left == 0 || now >= deadline {
            if out.json {
                out.json(&serde_json::json!({
                    "delivered": delivered, "failed": failed, "undelivered": left,
                }))?;
            } else {
                out.say(
                    "cli-outbox-flushed",
                    &[
                        n("delivered", delivered),
                        n("failed", failed),
                        n("left", left),
                    ],
                );
            }
            return Ok(if left == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            });
        }
        let next = showroom.next_delivery_at().await?;
        let pause = next
            .map(|at| {
                (at - OffsetDateTime::now_utc())
                    .unsigned_abs()
                    .min(Duration::from_secs(30))
            })
            .unwrap_or(Duration::from_millis(100))
            .max(Duration::from_millis(10));
        tokio::time::sleep_until((now + pause).min(deadline)).await;
    }
}

pub async fn sync(
    showroom: &Showroom,
    config: &TradeConfig,
    out: &Output,
) -> anyhow::Result<ExitCode> {
    let platform = platform(config, out)?;
    let report = showroom.sync_catalog(&platform).await?;
    if out.json {
        out.json(&report)?;
        return Ok(ExitCode::SUCCESS);
    }
    let version = report.version.clone().unwrap_or_else(|| "-".into());
    match report.mode {
        SyncMode::NotModified => out.say("cli-sync-not-modified", &[s("version", version)]),
        mode => out.say(
            if mode == SyncMode::Full {
                "cli-sync-full"
            } else {
                "cli-sync-delta"
            },
            &[
                s("version", version),
                n("operations", report.operations),
                n("fetched", report.media_fetched),
                n(
                    "products",
                    report.import.as_ref().map(|i| i.products).unwrap_or(0),
                ),
            ],
        ),
    }
    Ok(ExitCode::SUCCESS)
}
