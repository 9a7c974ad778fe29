//! `showroom kiosk set-pin` and `showroom kiosk unlock`: the operator's recovery of the
//! kiosk's admin PIN, with local access to the data directory (the same file the app's
//! `--set-pin` writes). Neither opens the catalog.

use std::io::{BufRead, Read};
use std::path::Path;
use std::process::ExitCode;

use showroom_core::i18n::{n, s};
use showroom_core::kiosk::{AdminPin, PinUnlock, pin_is_valid};

use crate::output::Output;

/// Longest line read from stdin: a PIN is at most 12 digits.
const LINE_MAX: u64 = 256;

fn unix_now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// Reads one line (the new PIN) from stdin, stores its hash and clears every failure and
/// lockout.
pub fn set_pin(out: &Output, data_dir: &Path) -> anyhow::Result<ExitCode> {
    let mut line = String::new();
    if std::io::stdin()
        .lock()
        .take(LINE_MAX)
        .read_line(&mut line)
        .is_err()
    {
        out.warn("cli-kiosk-pin-unreadable", &[]);
        return Ok(ExitCode::from(2));
    }
    let pin = line.trim();
    if !pin_is_valid(pin) {
        out.warn("cli-kiosk-pin-invalid", &[]);
        return Ok(ExitCode::FAILURE);
    }
    showroom_core::create_data_dir(data_dir)?;
    AdminPin::new(data_dir).set(pin)?;
    if out.json {
        out.json(&serde_json::json!({ "pin_set": true }))?;
    } else {
        out.say(
            "cli-kiosk-pin-set",
            &[s("dir", data_dir.display().to_string())],
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Lifts a lockout of the admin PIN and clears its failure count; the PIN stays.
pub fn unlock(out: &Output, data_dir: &Path) -> anyhow::Result<ExitCode> {
    let now = unix_now();
    let outcome = AdminPin::new(data_dir).unlock(now)?;
    if out.json {
        let (state, until) = match outcome {
            PinUnlock::NotSet => ("no_pin", None),
            PinUnlock::WasLocked { until } => ("unlocked", Some(until)),
            PinUnlock::NotLocked => ("not_locked", None),
        };
        out.json(&serde_json::json!({ "state": state, "locked_until": until }))?;
    } else {
        match outcome {
            PinUnlock::NotSet => out.warn(
                "cli-kiosk-no-pin",
                &[s("dir", data_dir.display().to_string())],
            ),
            PinUnlock::WasLocked { until } => out.say(
                "cli-kiosk-unlocked",
                &[n("minutes", ((until - now + 59) / 60) as f64)],
            ),
            PinUnlock::NotLocked => out.say("cli-kiosk-not-locked", &[]),
        }
    }
    Ok(if outcome == PinUnlock::NotSet {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
