//! `DATA_DIR/showroom.toml`, the device's settings: read once, here, and handed
//! to each part as the part it reads: [`ShowSettings`] (the top-level keys, for the
//! screens), [`SuperviseSettings`] (`[supervise]`, the kiosk's supervision), [`ServeSection`]
//! (`[serve]`, the online show's) and, with the caller's defaults and environment,
//! [`TradeSettings`] (`[platform]`, `[outbox]`, `[device]`).
//!
//! A missing file is the defaults. A broken one is [`Error::Config`]: the file, line,
//! column and key and what was expected, never the line itself (it may hold the
//! platform's token). Unknown top-level keys are ignored (an older app reading a newer
//! file); unknown keys inside a section are mistakes and are refused.

use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result, toml_error};
use crate::i18n::Lang;
use crate::inquiry::settings::{
    DeviceDefaults, DeviceSection, InsightsSection, OutboxSection, PlatformSection, TradeSections,
    TradeSettings,
};
use crate::supervise::{SuperviseSection, SuperviseSettings};

/// The settings file's name in the data directory.
pub const FILE_NAME: &str = showroom_model::SETTINGS_FILE;

/// The file's top-level keys: what the showroom screens use (sent to the UI as they are).
#[derive(Clone, Debug, Default, Deserialize, Serialize, TS)]
#[serde(default)]
pub struct ShowSettings {
    /// Run as an unattended kiosk.
    pub kiosk: bool,
    /// The online show's address for QR codes (`showroom serve` behind a public name);
    /// `None` leaves it to the UI (the served origin in a browser, nothing in the app).
    pub online_show_url: Option<String>,
    /// The booth this kiosk stands at or next to ("you are here").
    pub kiosk_booth: Option<String>,
    /// The language a kiosk returns to after a reset.
    pub default_lang: Option<Lang>,
    /// Seconds without a touch before the idle warning, and before the reset after it.
    pub idle_seconds: Option<u32>,
    pub idle_warning_seconds: Option<u32>,
}

/// `[serve]`: the online show's section as written (`showroom serve` resolves it with its
/// `SHOWROOM_*` overrides; see the CLI's `serve::settings`).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServeSection {
    pub public_url: Option<String>,
    pub allowed_hosts: Vec<String>,
    pub operator_token: Option<String>,
    pub trusted_proxies: Vec<String>,
    pub node: Option<String>,
    pub peers: Vec<String>,
    pub requests_per_second: Option<u32>,
    pub burst: Option<u32>,
    pub inquiries_per_hour: Option<u32>,
    pub inquiry_burst: Option<u32>,
    pub max_undelivered: Option<u32>,
    pub max_connections: Option<usize>,
    pub max_in_flight: Option<usize>,
    pub header_timeout_secs: Option<f64>,
    pub idle_timeout_secs: Option<f64>,
    pub request_timeout_secs: Option<f64>,
    pub retention_hours: Option<f64>,
    pub reply_cache_mib: Option<f64>,
}

/// The file's sections as written (its top-level keys are [`ShowSettings`]); each section
/// is resolved by its own module.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Sections {
    supervise: SuperviseSection,
    serve: ServeSection,
    platform: PlatformSection,
    outbox: OutboxSection,
    device: DeviceSection,
    insights: InsightsSection,
}

/// The resolved settings of one data directory.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    pub show: ShowSettings,
    pub supervise: SuperviseSettings,
    pub serve: ServeSection,
    trade: TradeSections,
}

impl Settings {
    /// Reads `data_dir/showroom.toml` (absent: the defaults).
    pub fn load(data_dir: &Path) -> Result<Settings> {
        let path = data_dir.join(FILE_NAME);
        match std::fs::read_to_string(&path) {
            Ok(text) => Settings::parse(&text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Settings::default()),
            Err(e) => Err(Error::io(&path, e)),
        }
    }

    /// The settings from the file's text.
    pub fn parse(text: &str) -> Result<Settings> {
        // Read twice from the same text, the top-level keys and the sections, each with
        // exact places in its errors (a flattened struct would lose them).
        let parse_error = |e: toml::de::Error| toml_error(FILE_NAME, text, &e);
        let show: ShowSettings = toml::from_str(text).map_err(parse_error)?;
        let file: Sections = toml::from_str(text).map_err(parse_error)?;
        Ok(Settings {
            show,
            supervise: SuperviseSettings::resolve(file.supervise)?,
            serve: file.serve,
            trade: TradeSections {
                platform: file.platform,
                outbox: file.outbox,
                device: file.device,
                insights: file.insights,
            },
        })
    }

    /// The trade settings for a caller of this kind, the environment's
    /// `SHOWROOM_PLATFORM_*` / `SHOWROOM_OUTBOX_*` overrides applied (the core reads no
    /// environment itself: `env` looks a name up).
    pub fn trade(
        &self,
        defaults: &DeviceDefaults,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<TradeSettings> {
        TradeSettings::resolve(&self.trade, defaults, env)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::error::ErrorCode;
    use crate::inquiry::{Retention, SourceKind};

    fn defaults() -> DeviceDefaults {
        DeviceDefaults {
            kind: SourceKind::Desktop,
            device_id: "test".into(),
            user_agent: "test/1".into(),
            app_version: "1".into(),
        }
    }

    #[test]
    fn one_file_gives_every_part_its_sections() {
        let text = "kiosk = true\nkiosk_booth = \"A1-03\"\nidle_seconds = 40\n\
                    future_key = 1\n\
                    [supervise]\nreload_cap = 2\n\
                    [platform]\nurl = \"https://trade.example.cn/\"\ntoken = \"t\"\n\
                    [device]\nkind = \"kiosk\"\nid = \"hall-1\"\n";
        let s = Settings::parse(text).unwrap();
        assert!(s.show.kiosk);
        assert_eq!(s.show.kiosk_booth.as_deref(), Some("A1-03"));
        assert_eq!(s.show.idle_seconds, Some(40));
        assert_eq!(s.show.default_lang, None);
        assert_eq!(
            Settings::parse("default_lang = \"ru\"\n")
                .unwrap()
                .show
                .default_lang,
            Some(Lang::Ru)
        );
        assert_eq!(s.supervise.reload_cap, 2);
        let trade = s.trade(&defaults(), &|_| None).unwrap();
        assert_eq!(trade.source.kind, SourceKind::Kiosk);
        assert_eq!(trade.source.device_id, "hall-1");
        let platform = trade.platform.unwrap();
        assert_eq!(platform.url, "https://trade.example.cn/");
        assert_eq!(platform.retention, Retention::AfterAck(Duration::ZERO));
    }

    #[test]
    fn no_file_is_the_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let s = Settings::load(dir.path()).unwrap();
        assert!(!s.show.kiosk);
        assert_eq!(s.supervise, SuperviseSettings::default());
        assert!(s.trade(&defaults(), &|_| None).unwrap().platform.is_none());
    }

    #[test]
    fn a_mistake_anywhere_is_a_config_error_with_its_place() {
        for (text, line, key) in [
            (
                "kiosk = true\n[supervise]\nstale_secs = 2\n",
                3,
                "supervise.stale_secs",
            ),
            ("[supervise]\nreload_capp = 2\n", 2, "supervise.reload_capp"),
            (
                "[platform]\nurl = \"x\"\ntimeout_secs = \"soon\"\n",
                3,
                "platform.timeout_secs",
            ),
            ("kiosk = true\nidle_seconds = \"long\"\n", 2, "idle_seconds"),
            ("[device]\nkind = \"fridge\"\n", 2, "device.kind"),
        ] {
            let error = Settings::parse(text).unwrap_err();
            assert_eq!(error.code(), ErrorCode::Config, "{text}");
            let message = error.to_string();
            assert!(message.contains(FILE_NAME), "{message}");
            assert!(message.contains(key), "{text}: no {key} in {message}");
            if !key.starts_with("supervise.stale") {
                assert!(message.contains(&format!("line {line}")), "{message}");
            }
            assert!(
                !message.contains("soon") && !message.contains("fridge"),
                "{message}"
            );
        }
    }
}
