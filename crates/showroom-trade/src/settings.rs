//! The trade part of `DATA_DIR/showroom.toml` (`[platform]`, `[outbox]`, `[device]`, read
//! by `showroom_core::settings::Settings`) and the `SHOWROOM_PLATFORM_*` / `SHOWROOM_OUTBOX_*`
//! overrides, resolved into the device's [`Source`] and an optional [`PlatformConfig`].
//! The core reads no environment itself: the caller passes a lookup function
//! (`std::env::var` in the CLI and the shell, a map in tests). One resolution for the CLI,
//! `showroom serve` and the app, so they cannot disagree on what the file means.

use std::time::Duration;

use serde::Deserialize;

use super::{PlatformConfig, Retention, RetryPolicy, Source, SourceKind};
use crate::error::{Error, Result};
use showroom_model::SETTINGS_FILE as FILE_NAME;

/// The file's trade sections; every key optional; unknown keys inside them are mistakes
/// and are refused.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct TradeSections {
    pub platform: PlatformSection,
    pub outbox: OutboxSection,
    pub device: DeviceSection,
    pub insights: InsightsSection,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InsightsSection {
    /// Count what visitors look for (never who they are). Absent: true.
    count: Option<bool>,
    /// Send the hourly counts to the platform. Absent: true.
    send: Option<bool>,
}

/// `[insights]`: whether demand is counted on the device and sent to the platform.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InsightSettings {
    pub count: bool,
    pub send: bool,
}

impl Default for InsightSettings {
    fn default() -> Self {
        InsightSettings {
            count: true,
            send: true,
        }
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PlatformSection {
    url: Option<String>,
    token: Option<String>,
    timeout_secs: Option<f64>,
    connect_timeout_secs: Option<f64>,
    /// Seconds between catalog syncs (0: never).
    sync_interval_secs: Option<f64>,
    /// Seconds between status polls of received inquiries (desktop; 0: never).
    status_interval_secs: Option<f64>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OutboxSection {
    max_backoff_secs: Option<f64>,
    base_backoff_secs: Option<f64>,
    concurrency: Option<usize>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DeviceSection {
    kind: Option<SourceKind>,
    id: Option<String>,
    /// Hours personal data is kept after the platform's acknowledgement (desktop; a
    /// kiosk always deletes it at once). Absent: kept.
    retention_hours: Option<f64>,
    /// Hours an inquiry the platform refused for good keeps its personal data for the
    /// operator (where personal data is deleted at all). Absent: 720 (30 days).
    refused_retention_hours: Option<f64>,
}

/// What the caller knows about itself: its kind and name when the file does not say.
#[derive(Clone, Debug)]
pub struct DeviceDefaults {
    pub kind: SourceKind,
    pub device_id: String,
    /// `<app>/<version>`, sent as User-Agent.
    pub user_agent: String,
    pub app_version: String,
}

/// The resolved trade configuration.
#[derive(Clone, Debug)]
pub struct TradeSettings {
    pub source: Source,
    /// `None` when no platform URL and token are configured: inquiries stay queued.
    pub platform: Option<PlatformConfig>,
    /// How often the catalog is pulled from the platform; `None`: never.
    pub sync_interval: Option<Duration>,
    /// How often the statuses of received inquiries are asked for; `None`: never.
    pub status_interval: Option<Duration>,
    pub insights: InsightSettings,
}

fn secs(value: f64, what: &str) -> Result<Duration> {
    Duration::try_from_secs_f64(value)
        .map_err(|_| Error::config(FILE_NAME, format!("{what}: {value} is not a duration")))
}

/// A positive number of seconds, or `None` for 0.
fn interval(value: f64, what: &str) -> Result<Option<Duration>> {
    let d = secs(value, what)?;
    Ok((!d.is_zero()).then_some(d))
}

impl TradeSettings {
    /// The settings from the file's sections and the environment: `SHOWROOM_PLATFORM_URL`,
    /// `SHOWROOM_PLATFORM_TOKEN`, `SHOWROOM_PLATFORM_TIMEOUT_SECS`,
    /// `SHOWROOM_OUTBOX_MAX_BACKOFF_SECS`, `SHOWROOM_SYNC_INTERVAL_SECS` and
    /// `SHOWROOM_STATUS_INTERVAL_SECS` win over the file.
    pub fn resolve(
        file: &TradeSections,
        defaults: &DeviceDefaults,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<TradeSettings> {
        let text = |name: &str| env(name).filter(|v| !v.trim().is_empty());
        let number = |name: &str| -> Result<Option<f64>> {
            match text(name) {
                Some(v) => v
                    .trim()
                    .parse::<f64>()
                    .map(Some)
                    .map_err(|_| Error::config(name, "not a number of seconds".to_string())),
                None => Ok(None),
            }
        };
        let kind = file.device.kind.unwrap_or(defaults.kind);
        let source = Source {
            kind,
            device_id: file
                .device
                .id
                .clone()
                .unwrap_or_else(|| defaults.device_id.clone()),
            app_version: defaults.app_version.clone(),
        };
        let url = text("SHOWROOM_PLATFORM_URL").or_else(|| file.platform.url.clone());
        let token = text("SHOWROOM_PLATFORM_TOKEN").or_else(|| file.platform.token.clone());
        let platform = match (url, token) {
            (Some(url), Some(token)) => {
                let mut config = PlatformConfig::new(url, token);
                config.user_agent = defaults.user_agent.clone();
                let timeout = number("SHOWROOM_PLATFORM_TIMEOUT_SECS")?
                    .or(file.platform.timeout_secs)
                    .unwrap_or(30.0);
                config.timeout = secs(timeout, "timeout")?;
                let connect = file.platform.connect_timeout_secs.unwrap_or(10.0);
                config.connect_timeout = secs(connect, "connect timeout")?.min(config.timeout);
                let max = number("SHOWROOM_OUTBOX_MAX_BACKOFF_SECS")?
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
                if let Some(hours) = file.device.refused_retention_hours {
                    config.refused_retention = secs(hours * 3600.0, "refused retention")?;
                }
                Some(config)
            }
            _ => None,
        };
        let sync = number("SHOWROOM_SYNC_INTERVAL_SECS")?
            .or(file.platform.sync_interval_secs)
            .unwrap_or(15.0 * 60.0);
        let status = number("SHOWROOM_STATUS_INTERVAL_SECS")?
            .or(file.platform.status_interval_secs)
            .unwrap_or(5.0 * 60.0);
        Ok(TradeSettings {
            source,
            platform,
            sync_interval: interval(sync, "sync interval")?,
            status_interval: interval(status, "status interval")?,
            insights: InsightSettings {
                count: file.insights.count.unwrap_or(true),
                // Nothing is sent of what is not counted.
                send: file.insights.send.unwrap_or(true) && file.insights.count.unwrap_or(true),
            },
        })
    }
}

/// A desktop named "test", for the tests of the settings.
#[cfg(test)]
pub(crate) fn test_defaults() -> DeviceDefaults {
    DeviceDefaults {
        kind: SourceKind::Desktop,
        device_id: "test".into(),
        user_agent: "test/1".into(),
        app_version: "1".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::toml_error;

    fn defaults() -> DeviceDefaults {
        test_defaults()
    }

    fn resolve(text: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<TradeSettings> {
        // The whole file, as `showroom_core::settings::Settings` reads its sections.
        let sections: TradeSections =
            toml::from_str(text).map_err(|e| toml_error(FILE_NAME, text, &e))?;
        TradeSettings::resolve(&sections, &defaults(), env)
    }

    #[test]
    fn the_show_settings_beside_it_are_not_a_mistake() {
        let text = "kiosk_booth = \"A1-03\"\n[platform]\nurl = \"http://x/\"\ntoken = \"t\"\n";
        let s = resolve(text, &|_| None).unwrap();
        let p = s.platform.unwrap();
        assert_eq!(p.url, "http://x/");
        assert_eq!(p.retention, Retention::Keep);
        assert_eq!(s.sync_interval, Some(Duration::from_secs(900)));
    }

    #[test]
    fn the_environment_wins_and_a_kiosk_deletes_at_once() {
        let text =
            "[device]\nkind = \"kiosk\"\nretention_hours = 5\n[platform]\nurl = \"http://x/\"\n";
        let env = |name: &str| match name {
            "SHOWROOM_PLATFORM_URL" => Some("http://y/".to_string()),
            "SHOWROOM_PLATFORM_TOKEN" => Some("t".to_string()),
            "SHOWROOM_SYNC_INTERVAL_SECS" => Some("0".to_string()),
            _ => None,
        };
        let s = resolve(text, &env).unwrap();
        assert_eq!(s.source.kind, SourceKind::Kiosk);
        let p = s.platform.unwrap();
        assert_eq!(p.url, "http://y/");
        assert_eq!(p.retention, Retention::AfterAck(Duration::ZERO));
        assert_eq!(s.sync_interval, None);
    }

    #[test]
    fn insights_are_counted_and_sent_unless_turned_off() {
        let on = resolve("", &|_| None).unwrap().insights;
        assert_eq!(
            on,
            InsightSettings {
                count: true,
                send: true
            }
        );
        let local = resolve("[insights]\nsend = false\n", &|_| None).unwrap();
        assert_eq!(
            local.insights,
            InsightSettings {
                count: true,
                send: false
            }
        );
        // Nothing is sent of what is not counted.
        let off = resolve("[insights]\ncount = false\n", &|_| None).unwrap();
        assert_eq!(
            off.insights,
            InsightSettings {
                count: false,
                send: false
            }
        );
        assert!(resolve("[insights]\ncuont = false\n", &|_| None).is_err());
    }

    #[test]
    fn no_token_no_platform_and_typos_are_refused() {
        let s = resolve("[platform]\nurl = \"http://x/\"\n", &|_| None).unwrap();
        assert!(s.platform.is_none());
        assert!(resolve("[platform]\nulr = \"x\"\n", &|_| None).is_err());
        let env = |name: &str| (name == "SHOWROOM_SYNC_INTERVAL_SECS").then(|| "soon".to_string());
        let error = resolve("", &env).unwrap_err();
        assert_eq!(error.code(), crate::error::ErrorCode::Config);
        assert!(
            error.to_string().contains("SHOWROOM_SYNC_INTERVAL_SECS"),
            "{error}"
        );
    }
}
