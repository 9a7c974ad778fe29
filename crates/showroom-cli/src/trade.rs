//! `showroom inquiry submit`, `outbox list`, `outbox flush` and `sync`: the inquiry outbox
//! and the trade platform, configured from `DATA_DIR/showroom.toml` and the environment.

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use serde::Deserialize;
use showroom_core::Showroom;
use showroom_core::i18n::{n, s, tr};
use showroom_core::inquiry::{
    InquiryDraft, OutboxEntry, Platform, PlatformConfig, Retention, RetryPolicy, Source,
    SourceKind, SubmitResult, SyncMode,
};
use time::OffsetDateTime;

use crate::output::Output;

/// `showroom.toml`; every key optional.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct FileConfig {
    platform: PlatformSection,
    outbox: OutboxSection,
    device: DeviceSection,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct PlatformSection {
    url: Option<String>,
    token: Option<String>,
    timeout_secs: Option<f64>,
    connect_timeout_secs: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct OutboxSection {
    max_backoff_secs: Option<f64>,
    base_backoff_secs: Option<f64>,
    concurrency: Option<usize>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct DeviceSection {
    /// `kiosk`, `desktop` or `cli` (default `cli`).
    kind: Option<SourceKind>,
    id: Option<String>,
    /// Hours personal data is kept after the platform's acknowledgement (desktop; a
    /// kiosk always deletes it at once). Absent: kept.
    retention_hours: Option<f64>,
}

/// What the trade commands need, resolved from the file and the environment.
pub struct TradeConfig {
    source: Source,
    platform: Option<PlatformConfig>,
}

fn secs(value: f64, what: &str) -> anyhow::Result<Duration> {
    Duration::try_from_secs_f64(value)
        .map_err(|_| anyhow::anyhow!("{what}: {value} is not a duration"))
}

fn env_secs(name: &str) -> anyhow::Result<Option<f64>> {
    match std::env::var(name) {
        Ok(v) if !v.trim().is_empty() => v
            .trim()
            .parse::<f64>()
            .map(Some)
            .with_context(|| format!("{name}={v:?} is not a number of seconds")),
        _ => Ok(None),
    }
}

fn env_text(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// Reads `DATA_DIR/showroom.toml`; the environment variables of cli.md override it.
pub fn config(data_dir: &Path) -> anyhow::Result<TradeConfig> {
    let path = data_dir.join("showroom.toml");
    let file: FileConfig = match std::fs::read_to_string(&path) {
        Ok(text) => toml::from_str(&text).with_context(|| path.display().to_string())?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => FileConfig::default(),
        Err(e) => return Err(e).with_context(|| path.display().to_string()),
    };
    let kind = file.device.kind.unwrap_or(SourceKind::Cli);
    let source = Source {
        kind,
        device_id: file
            .device
            .id
            .clone()
            .unwrap_or_else(|| "showroom-cli".into()),
        app_version: env!("CARGO_PKG_VERSION").into(),
    };
    let url = env_text("SHOWROOM_PLATFORM_URL").or(file.platform.url);
    let token = env_text("SHOWROOM_PLATFORM_TOKEN").or(file.platform.token);
    let platform = match (url, token) {
        (Some(url), Some(token)) => {
            let mut config = PlatformConfig::new(url, token);
            config.user_agent = format!("showroom-cli/{}", env!("CARGO_PKG_VERSION"));
            let timeout = env_secs("SHOWROOM_PLATFORM_TIMEOUT_SECS")?
                .or(file.platform.timeout_secs)
                .unwrap_or(30.0);
            config.timeout = secs(timeout, "timeout")?;
            let connect = file.platform.connect_timeout_secs.unwrap_or(10.0);
            config.connect_timeout = secs(connect, "connect timeout")?.min(config.timeout);
            let max = env_secs("SHOWROOM_OUTBOX_MAX_BACKOFF_SECS")?
                .or(file.outbox.max_backoff_secs)
                .unwrap_or(600.0);
            let base = file.outbox.base_backoff_secs.unwrap_or(1.0);
            config.retry = RetryPolicy {
                base: secs(base, "base backoff")?,
                max: secs(max, "max backoff")?,
            };
            config.concurrency = file.outbox.concurrency.unwrap_or(4).max(1);
            config.retention = match (kind, file.device.retention_hours) {
                (SourceKind::Kiosk, _) => Retention::AfterAck(Duration::ZERO),
                (_, Some(hours)) => Retention::AfterAck(secs(hours * 3600.0, "retention")?),
                (_, None) => Retention::Keep,
            };
            Some(config)
        }
        _ => None,
    };
    Ok(TradeConfig { source, platform })
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
