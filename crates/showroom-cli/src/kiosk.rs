//! `showroom kiosk set-pin` and `showroom kiosk unlock`: the operator's recovery of the
//! kiosk's admin PIN, with local access to the data directory (the same file the app's
//! `--set-pin` writes); `showroom kiosk guard`: the kiosk app kept running where no
//! systemd does (`showroom_core::guard`). None opens the catalog.

use std::io::{BufRead, Read};
use std::path::Path;
use std::process::ExitCode;

use showroom_core::i18n::{n, s, tr};
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

/// `showroom kiosk guard`'s options: the Linux unit's timings, by the same names.
#[derive(clap::Args)]
pub struct GuardArgs {
    /// End the app when its heartbeat has not said "UI fresh" for this long (WatchdogSec).
    #[arg(long, default_value_t = 30.0, value_parser = positive_secs)]
    watchdog_secs: f64,
    /// End a new app that has not drawn its screen within this (TimeoutStartSec).
    #[arg(long, default_value_t = 180.0, value_parser = positive_secs)]
    start_timeout_secs: f64,
    /// Wait this long before starting the app again (RestartSec).
    #[arg(long, default_value_t = 2.0, value_parser = seconds)]
    restart_delay_secs: f64,
    /// Give up after this many starts within --start-limit-interval-secs (StartLimitBurst).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..))]
    start_limit_burst: u32,
    /// StartLimitIntervalSec.
    #[arg(long, default_value_t = 600.0, value_parser = positive_secs)]
    start_limit_interval_secs: f64,
    /// Append the guard's events (with the time) and the app's own output to this file.
    /// On Windows the guard then also lets go of its console window, so that no console
    /// stays on a kiosk's screen for a visitor to close.
    #[arg(long)]
    log: Option<std::path::PathBuf>,
    /// The app and its arguments, after `--`; by default `sco-showroom --kiosk` from this
    /// program's folder (where the installers put both).
    #[arg(last = true)]
    app: Vec<std::ffi::OsString>,
}

/// At most a day: a longer timing is a typo, and `Duration::from_secs_f64` must not panic.
fn seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if (0.0..=86_400.0).contains(&v) => Ok(v),
        _ => Err("a number of seconds from 0 to 86400".into()),
    }
}

fn positive_secs(text: &str) -> Result<f64, String> {
    match seconds(text)? {
        v if v > 0.0 => Ok(v),
        _ => Err("a number of seconds above 0".into()),
    }
}

/// Runs the guard until the app exits with status 0 (exit 0) or the start limit is spent
/// (exit 1). Each event is a line on stdout (a JSON object with `--json`) and, with
/// `--log`, in the log file; a write that fails (the terminal went away) is dropped, and
/// the guard goes on.
pub fn guard(out: &Output, data_dir: &Path, args: &GuardArgs) -> anyhow::Result<ExitCode> {
    use showroom_core::guard::{EndReason, GuardEvent, GuardOutcome, GuardSettings, Guarded, run};
    use std::io::Write;
    use std::time::Duration;

    let (program, app_args) = match args.app.split_first() {
        Some((program, rest)) => (std::path::PathBuf::from(program), rest.to_vec()),
        None => {
            let exe = std::env::current_exe()?;
            let folder = exe.parent().unwrap_or(Path::new("."));
            (
                folder.join(format!("sco-showroom{}", std::env::consts::EXE_SUFFIX)),
                vec!["--kiosk".into()],
            )
        }
    };
    showroom_core::create_data_dir(data_dir)?;
    let settings = GuardSettings {
        watchdog: Duration::from_secs_f64(args.watchdog_secs),
        start_timeout: Duration::from_secs_f64(args.start_timeout_secs),
        restart_delay: Duration::from_secs_f64(args.restart_delay_secs),
        start_limit_burst: args.start_limit_burst,
        start_limit_interval: Duration::from_secs_f64(args.start_limit_interval_secs),
    };
    let mut log = match &args.log {
        Some(path) => Some(
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .map_err(|e| showroom_core::Error::io(path, e))?,
        ),
        None => None,
    };
    #[cfg(windows)]
    if log.is_some() {
        // SAFETY: detaches this process from its console; nothing here holds the console.
        unsafe {
            windows_sys::Win32::System::Console::FreeConsole();
        }
    }
    let app = Guarded {
        program,
        args: app_args,
        data_dir: data_dir.to_path_buf(),
        log: args.log.clone(),
    };
    let secs = |v: f64| n("seconds", (v * 10.0).round() / 10.0);
    let mut on_event = |event: &GuardEvent| {
        let line = if out.json {
            serde_json::to_string(event).unwrap_or_default()
        } else {
            match event {
                GuardEvent::Started { pid, start } => tr(
                    out.lang,
                    "cli-guard-started",
                    &[s("pid", pid.to_string()), n("start", *start as f64)],
                ),
                GuardEvent::Ready { pid, after_secs } => tr(
                    out.lang,
                    "cli-guard-ready",
                    &[s("pid", pid.to_string()), secs(*after_secs)],
                ),
                GuardEvent::Ended {
                    pid,
                    reason: EndReason::Exited,
                    status,
                    ..
                } => tr(
                    out.lang,
                    "cli-guard-exited",
                    &[
                        s("pid", pid.to_string()),
                        s(
                            "status",
                            status.map_or_else(|| "-".to_string(), |c| c.to_string()),
                        ),
                    ],
                ),
                GuardEvent::Ended {
                    pid,
                    reason: EndReason::Hung,
                    silent_secs,
                    ..
                } => tr(
                    out.lang,
                    "cli-guard-hung",
                    &[
                        s("pid", pid.to_string()),
                        secs(silent_secs.unwrap_or_default()),
                    ],
                ),
                GuardEvent::Ended {
                    pid,
                    reason: EndReason::NeverReady,
                    silent_secs,
                    ..
                } => tr(
                    out.lang,
                    "cli-guard-never-ready",
                    &[
                        s("pid", pid.to_string()),
                        secs(silent_secs.unwrap_or_default()),
                    ],
                ),
                GuardEvent::StartFailed { error } => tr(
                    out.lang,
                    "cli-guard-start-failed",
                    &[s("error", error.as_str())],
                ),
                GuardEvent::Restarting { after_secs } => {
                    tr(out.lang, "cli-guard-restarting", &[secs(*after_secs)])
                }
                GuardEvent::OperatorExit => tr(out.lang, "cli-guard-operator-exit", &[]),
                GuardEvent::GaveUp {
                    starts,
                    within_secs,
                } => tr(
                    out.lang,
                    "cli-guard-gave-up",
                    &[n("starts", *starts as f64), secs(*within_secs)],
                ),
            }
        };
        let mut stdout = std::io::stdout().lock();
        let _ = writeln!(stdout, "{line}").and_then(|_| stdout.flush());
        if let Some(file) = log.as_mut() {
            let now = time::OffsetDateTime::now_utc()
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default();
            let _ = writeln!(file, "{now} guard: {line}");
        }
    };
    Ok(match run(&app, &settings, &mut on_event)? {
        GuardOutcome::OperatorExit => ExitCode::SUCCESS,
        GuardOutcome::GaveUp => ExitCode::FAILURE,
    })
}
