//! The kiosk's admin PIN: an Argon2 hash in `DATA_DIR/kiosk-pin.toml` with a failure
//! counter and a lockout that survive a restart, capped so that visitors poking at the
//! admin corner cannot keep the staff out for long.
//!
//! Beside the PIN, the kiosk's supervision: the supervisor's decisions on a heartbeat
//! (`supervise`) and the guard that runs them where no systemd does (`guard`).

pub mod guard;
pub mod supervise;

use std::fs;
use std::path::{Path, PathBuf};

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use showroom_model::{Error, Result, error};

use crate::error::toml_error;

/// The answer to a PIN attempt.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum PinCheck {
    Accepted,
    /// Wrong PIN; `remaining` more tries before the lockout.
    Rejected {
        remaining: u32,
    },
    /// Too many failures: no attempt is even checked until `until` (Unix seconds).
    LockedOut {
        until: i64,
    },
    /// No PIN was ever set: admin functions stay closed.
    NotSet,
}

/// Failed attempts allowed before a lockout, and how long a lockout lasts (doubling with
/// every further lockout, up to 15 minutes: visitors poking at the PIN pad must not keep
/// the staff out for long; an operator with local access lifts a lockout at once with
/// `showroom kiosk unlock`).
pub const PIN_TRIES: u32 = 5;
pub const PIN_LOCKOUT_SECS: i64 = 60;
pub const PIN_LOCKOUT_MAX_SECS: i64 = 15 * 60;

/// What lifting a lockout found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PinUnlock {
    /// No PIN is set: nothing to unlock.
    NotSet,
    /// A lockout until this time (Unix seconds) was lifted.
    WasLocked { until: i64 },
    /// Not locked out; the failure count (if any) was cleared.
    NotLocked,
}

/// A PIN the pad can type: 4 to 12 ASCII digits.
pub fn pin_is_valid(pin: &str) -> bool {
    (4..=12).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit())
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
struct PinFile {
    hash: Option<String>,
    failures: u32,
    lockouts: u32,
    locked_until: i64,
}

/// The admin PIN's hash and its failure counter, in `DATA_DIR/kiosk-pin.toml`. The
/// counter lives on disk so a restart does not reset a lockout.
pub struct AdminPin {
    path: PathBuf,
}

impl AdminPin {
    pub fn new(data_dir: &Path) -> AdminPin {
        AdminPin {
            path: data_dir.join("kiosk-pin.toml"),
        }
    }

    fn read(&self) -> Result<PinFile> {
        match fs::read_to_string(&self.path) {
            Ok(text) => toml::from_str(&text).map_err(|e| toml_error("kiosk-pin.toml", &text, &e)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(PinFile::default()),
            Err(e) => Err(Error::io(&self.path, e)),
        }
    }

    /// Replaces the file whole (written beside it, then renamed), readable by its owner
    /// only: a short PIN's hash is quickly tried through.
    fn write(&self, file: &PinFile) -> Result<()> {
        let text = toml::to_string(file)?;
        let tmp = self.path.with_extension("toml.tmp");
        showroom_model::disk::write_private(&tmp, text.as_bytes())?;
        fs::rename(&tmp, &self.path).map_err(|e| Error::io(&self.path, e))
    }

    /// Stores a new PIN (4 to 12 digits) and clears the failure counter.
    pub fn set(&self, pin: &str) -> Result<()> {
        if !pin_is_valid(pin) {
            return Err(Error::BadRequest("the PIN must be 4 to 12 digits".into()));
        }
        let salt = SaltString::generate(&mut OsRng);
        let hash = Argon2::default()
            .hash_password(pin.as_bytes(), &salt)
            .map_err(|e| Error::internal_from("the PIN's argon2 hash", e))?
            .to_string();
        self.write(&PinFile {
            hash: Some(hash),
            ..PinFile::default()
        })
    }

    /// Lifts any lockout and clears the failure count, keeping the PIN (the operator's
    /// recovery, with local access to the data directory).
    pub fn unlock(&self, now: i64) -> Result<PinUnlock> {
        let mut file = self.read()?;
        if file.hash.is_none() {
            return Ok(PinUnlock::NotSet);
        }
        let outcome = if now < file.locked_until {
            PinUnlock::WasLocked {
                until: file.locked_until,
            }
        } else {
            PinUnlock::NotLocked
        };
        file.failures = 0;
        file.lockouts = 0;
        file.locked_until = 0;
        self.write(&file)?;
        Ok(outcome)
    }

    /// Checks one attempt at time `now` (Unix seconds, passed in so tests control it).
    pub fn check(&self, pin: &str, now: i64) -> Result<PinCheck> {
        let mut file = self.read()?;
        let Some(hash) = file.hash.clone() else {
            return Ok(PinCheck::NotSet);
        };
        // A lockout never ends later than the longest one from now: one written by an
        // earlier version (up to a day) or before the clock was set back is cut short.
        if file.locked_until > now + PIN_LOCKOUT_MAX_SECS {
            file.locked_until = now + PIN_LOCKOUT_MAX_SECS;
            self.write(&file)?;
        }
        if now < file.locked_until {
            return Ok(PinCheck::LockedOut {
                until: file.locked_until,
            });
        }
        let parsed = PasswordHash::new(&hash).map_err(|e| {
            Error::config("kiosk-pin.toml", format!("hash: not an Argon2 hash ({e})"))
        })?;
        if Argon2::default()
            .verify_password(pin.as_bytes(), &parsed)
            .is_ok()
        {
            file.failures = 0;
            file.lockouts = 0;
            file.locked_until = 0;
            self.write(&file)?;
            return Ok(PinCheck::Accepted);
        }
        file.failures += 1;
        let outcome = if file.failures >= PIN_TRIES {
            let secs = (PIN_LOCKOUT_SECS << file.lockouts.min(16)).min(PIN_LOCKOUT_MAX_SECS);
            file.failures = 0;
            file.lockouts += 1;
            file.locked_until = now + secs;
            PinCheck::LockedOut {
                until: file.locked_until,
            }
        } else {
            PinCheck::Rejected {
                remaining: PIN_TRIES - file.failures,
            }
        };
        self.write(&file)?;
        Ok(outcome)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pin_locks_out_after_repeated_failures_and_survives_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let pin = AdminPin::new(dir.path());
        assert_eq!(pin.check("1234", 0).unwrap(), PinCheck::NotSet);
        pin.set("2468").unwrap();
        assert!(
            fs::read_to_string(dir.path().join("kiosk-pin.toml"))
                .unwrap()
                .contains("$argon2id$")
        );
        assert_eq!(pin.check("2468", 10).unwrap(), PinCheck::Accepted);
        for left in (1..PIN_TRIES).rev() {
            assert_eq!(
                pin.check("0000", 20).unwrap(),
                PinCheck::Rejected { remaining: left }
            );
        }
        assert_eq!(
            pin.check("0000", 20).unwrap(),
            PinCheck::LockedOut {
                until: 20 + PIN_LOCKOUT_SECS
            }
        );
        // Even the right PIN is not checked while locked, also by a new instance.
        let again = AdminPin::new(dir.path());
        assert_eq!(
            again.check("2468", 30).unwrap(),
            PinCheck::LockedOut {
                until: 20 + PIN_LOCKOUT_SECS
            }
        );
        assert_eq!(
            again.check("2468", 20 + PIN_LOCKOUT_SECS).unwrap(),
            PinCheck::Accepted
        );
        assert!(pin.set("12a4").is_err());
    }

    /// A hash edited by hand is the operator's mistake to fix, said as such; the PIN is not
    /// taken as unset.
    #[test]
    fn a_damaged_hash_is_a_settings_error() {
        let dir = tempfile::tempdir().unwrap();
        let pin = AdminPin::new(dir.path());
        pin.set("2468").unwrap();
        let path = dir.path().join("kiosk-pin.toml");
        let text = fs::read_to_string(&path).unwrap();
        let hash = text.lines().find(|l| l.starts_with("hash")).unwrap();
        fs::write(&path, text.replace(hash, "hash = \"2468\"")).unwrap();
        let error = pin.check("2468", 0).unwrap_err();
        assert_eq!(error.code(), crate::error::ErrorCode::Config, "{error}");
        assert!(
            error.to_string().starts_with("kiosk-pin.toml: hash"),
            "{error}"
        );
        assert!(!error.to_string().contains("2468"), "{error}");
    }

    /// Five wrong PINs at `now`: the lockout they cause.
    fn five_wrong(pin: &AdminPin, now: i64) -> PinCheck {
        for _ in 1..PIN_TRIES {
            assert!(matches!(
                pin.check("0000", now).unwrap(),
                PinCheck::Rejected { .. }
            ));
        }
        pin.check("0000", now).unwrap()
    }

    #[test]
    fn lockouts_double_but_never_pass_fifteen_minutes() {
        let dir = tempfile::tempdir().unwrap();
        let pin = AdminPin::new(dir.path());
        pin.set("2468").unwrap();
        let mut now = 1_000;
        let mut lengths = Vec::new();
        for _ in 0..12 {
            let PinCheck::LockedOut { until } = five_wrong(&pin, now) else {
                panic!("five wrong PINs lock");
            };
            lengths.push(until - now);
            now = until;
        }
        assert_eq!(
            lengths,
            [60, 120, 240, 480, 900, 900, 900, 900, 900, 900, 900, 900]
        );
        assert!(lengths.iter().all(|&secs| secs <= PIN_LOCKOUT_MAX_SECS));
        // The right PIN after the last lockout ends starts over at a minute.
        assert_eq!(pin.check("2468", now).unwrap(), PinCheck::Accepted);
        assert_eq!(
            five_wrong(&pin, now),
            PinCheck::LockedOut {
                until: now + PIN_LOCKOUT_SECS
            }
        );
    }

    #[test]
    fn a_day_long_lockout_from_an_earlier_version_is_cut_to_the_cap() {
        let dir = tempfile::tempdir().unwrap();
        let pin = AdminPin::new(dir.path());
        pin.set("2468").unwrap();
        let mut file = pin.read().unwrap();
        file.lockouts = 11;
        file.locked_until = 5_000 + 86_400;
        pin.write(&file).unwrap();
        assert_eq!(
            pin.check("2468", 5_000).unwrap(),
            PinCheck::LockedOut {
                until: 5_000 + PIN_LOCKOUT_MAX_SECS
            }
        );
        // Cut once, not pushed along by every later attempt.
        assert_eq!(
            pin.check("2468", 5_100).unwrap(),
            PinCheck::LockedOut {
                until: 5_000 + PIN_LOCKOUT_MAX_SECS
            }
        );
        assert_eq!(
            pin.check("2468", 5_000 + PIN_LOCKOUT_MAX_SECS).unwrap(),
            PinCheck::Accepted
        );
    }

    #[test]
    fn unlock_lifts_a_lockout_and_keeps_the_pin() {
        let dir = tempfile::tempdir().unwrap();
        let pin = AdminPin::new(dir.path());
        assert_eq!(pin.unlock(0).unwrap(), PinUnlock::NotSet);
        assert!(!dir.path().join("kiosk-pin.toml").exists());
        pin.set("2468").unwrap();
        let PinCheck::LockedOut { until } = five_wrong(&pin, 100) else {
            panic!("five wrong PINs lock");
        };
        assert_eq!(pin.unlock(110).unwrap(), PinUnlock::WasLocked { until });
        assert_eq!(pin.check("2468", 111).unwrap(), PinCheck::Accepted);
        assert_eq!(pin.unlock(112).unwrap(), PinUnlock::NotLocked);
        // The counters start over: five more tries before the next (one-minute) lockout.
        assert_eq!(
            pin.check("0000", 113).unwrap(),
            PinCheck::Rejected {
                remaining: PIN_TRIES - 1
            }
        );
        assert!(pin_is_valid("0000") && pin_is_valid("123456789012"));
        assert!(!pin_is_valid("123") && !pin_is_valid("1234567890123") && !pin_is_valid("12a4"));
    }
}
