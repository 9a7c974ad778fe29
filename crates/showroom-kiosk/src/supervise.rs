//! Supervision of an unattended kiosk: the rules behind the systemd watchdog, the web
//! view's recovery, the nightly restart and the heartbeat file an operator reads.
//!
//! Everything here is a decision from inputs (ages, instants, the local time, a socket
//! path); the shell gathers the inputs (the UI's heartbeat command, the web process's
//! termination signal, the clock, `NOTIFY_SOCKET`) and acts on the answers. Nothing here
//! reads the environment or the clock itself.

use std::collections::VecDeque;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use jiff::ZonedDateTime as Zoned;
use jiff::civil::Time;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::error::{Error, Result};
use showroom_model::SETTINGS_FILE as FILE_NAME;

/// The app's exit status when it restarts itself at the nightly restart time.
pub const EXIT_NIGHTLY_RESTART: i32 = 10;
/// The app's exit status when the web view could not be recovered within the reload cap.
pub const EXIT_WEBVIEW_UNRECOVERABLE: i32 = 11;

/// The heartbeat file's name in the data directory.
pub const HEARTBEAT_FILE: &str = "heartbeat.json";

// ---------------------------------------------------------------------------------------
// Settings

/// The `[supervise]` section of `DATA_DIR/showroom.toml`; every key optional.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SuperviseSection {
    heartbeat_interval_secs: Option<u64>,
    stale_secs: Option<u64>,
    reload_cap: Option<u32>,
    reload_window_secs: Option<u64>,
    nightly_restart: Option<String>,
    nightly_idle_secs: Option<u64>,
}

/// How the app watches itself, resolved from `[supervise]`.
#[derive(Clone, Debug, PartialEq)]
pub struct SuperviseSettings {
    /// How often `heartbeat.json` is written.
    pub heartbeat_interval: Duration,
    /// A UI with no heartbeat for this long is stale: the watchdog is no longer fed and
    /// (on a kiosk) the page is reloaded.
    pub stale_after: Duration,
    /// At most this many reloads within `reload_window`; one more needed means the app
    /// exits with [`EXIT_WEBVIEW_UNRECOVERABLE`] for its supervisor to restart it.
    pub reload_cap: u32,
    pub reload_window: Duration,
    /// The local time of the nightly restart ("HH:MM"); `None`: no nightly restart.
    pub nightly_restart: Option<Time>,
    /// The nightly restart waits until nobody has touched the screen for this long.
    pub nightly_idle: Duration,
}

impl Default for SuperviseSettings {
    fn default() -> Self {
        SuperviseSettings {
            heartbeat_interval: Duration::from_secs(5),
            stale_after: Duration::from_secs(15),
            reload_cap: 3,
            reload_window: Duration::from_secs(600),
            nightly_restart: None,
            nightly_idle: Duration::from_secs(300),
        }
    }
}

/// The UI sends its heartbeat every 2 s; a stale threshold below this would reload a
/// healthy page.
const MIN_STALE_SECS: u64 = 6;

impl SuperviseSettings {
    /// The settings from the file's `[supervise]` section (read by
    /// `showroom_core::settings::Settings`); out-of-range values are refused.
    pub fn resolve(s: SuperviseSection) -> Result<SuperviseSettings> {
        let mut out = SuperviseSettings::default();
        if let Some(v) = s.heartbeat_interval_secs {
            if v == 0 {
                return Err(Error::config(
                    FILE_NAME,
                    "key supervise.heartbeat_interval_secs: at least 1".into(),
                ));
            }
            out.heartbeat_interval = Duration::from_secs(v);
        }
        if let Some(v) = s.stale_secs {
            if v < MIN_STALE_SECS {
                return Err(Error::config(
                    FILE_NAME,
                    format!("key supervise.stale_secs: at least {MIN_STALE_SECS}"),
                ));
            }
            out.stale_after = Duration::from_secs(v);
        }
        if let Some(v) = s.reload_cap {
            out.reload_cap = v;
        }
        if let Some(v) = s.reload_window_secs {
            out.reload_window = Duration::from_secs(v);
        }
        if let Some(text) = s.nightly_restart {
            out.nightly_restart = Some(parse_hh_mm(&text)?);
        }
        if let Some(v) = s.nightly_idle_secs {
            out.nightly_idle = Duration::from_secs(v);
        }
        Ok(out)
    }
}

/// "HH:MM" (24-hour, two digits each) as a time of day.
pub fn parse_hh_mm(text: &str) -> Result<Time> {
    let bad = || {
        Error::config(
            FILE_NAME,
            "key supervise.nightly_restart: not a time of day \"HH:MM\"".into(),
        )
    };
    let (h, m) = text.split_once(':').ok_or_else(bad)?;
    if h.len() != 2 || m.len() != 2 {
        return Err(bad());
    }
    let h: i8 = h.parse().map_err(|_| bad())?;
    let m: i8 = m.parse().map_err(|_| bad())?;
    Time::new(h, m, 0, 0).map_err(|_| bad())
}

// ---------------------------------------------------------------------------------------
// The UI's pulse and the watchdog

/// What the shell knows of the UI's last heartbeat.
#[derive(Clone, Copy, Debug)]
pub struct UiPulse {
    /// When the shell received it (monotonic).
    pub answered: Instant,
    /// How long before its receipt the UI drew the frame it reports (the UI's frame time
    /// against the shell's wall clock at receipt, never negative).
    pub frame_lag: Duration,
}

impl UiPulse {
    /// The age of the last answer and of the last frame drawn, at `now`.
    pub fn ages(&self, now: Instant) -> (Duration, Duration) {
        let answer = now.saturating_duration_since(self.answered);
        (answer, answer + self.frame_lag)
    }

    /// True when both the last answered heartbeat and the frame it reports are younger
    /// than `max_age`: the UI is drawing and answering.
    pub fn fresh(&self, now: Instant, max_age: Duration) -> bool {
        let (answer, frame) = self.ages(now);
        answer < max_age && frame < max_age
    }
}

/// Whether to feed the systemd watchdog now: only while the UI proves it is drawing and
/// answering (no pulse yet: not fed).
pub fn feed_watchdog(pulse: Option<&UiPulse>, now: Instant, max_age: Duration) -> bool {
    pulse.is_some_and(|p| p.fresh(now, max_age))
}

// ---------------------------------------------------------------------------------------
// Web view recovery

/// Why the web view is reloaded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReloadReason {
    /// No heartbeat for longer than the stale threshold.
    Stale,
    /// The web content process died (crash, out of memory, killed).
    WebProcessDied,
}

/// What the shell does about the web view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Healthy,
    Reload(ReloadReason),
    /// The reload cap is spent: exit with [`EXIT_WEBVIEW_UNRECOVERABLE`].
    GiveUp(ReloadReason),
}

/// The web view recovery policy: reload when the UI is stale or its process died, at most
/// `cap` times in any `window`.
#[derive(Debug)]
pub struct Recovery {
    stale_after: Duration,
    cap: u32,
    window: Duration,
    /// Since when the UI is given time to draw: the start, then each reload.
    grace_from: Instant,
    reloads: VecDeque<Instant>,
    total: u32,
}

impl Recovery {
    pub fn new(settings: &SuperviseSettings, started: Instant) -> Recovery {
        Recovery {
            stale_after: settings.stale_after,
            cap: settings.reload_cap,
            window: settings.reload_window,
            grace_from: started,
            reloads: VecDeque::new(),
            total: 0,
        }
    }

    /// Reloads ordered since the start.
    pub fn total(&self) -> u32 {
        self.total
    }

    /// Decides at `now`, from the last heartbeat's receipt (`None`: none yet), whether the
    /// web process died since the last check, and whether staleness counts at all (a
    /// desktop window that is minimised draws no frames and is left alone). A reload it
    /// returns is counted as done.
    pub fn check(
        &mut self,
        now: Instant,
        last_answer: Option<Instant>,
        process_died: bool,
        stale_counts: bool,
    ) -> Verdict {
        let reason = if process_died {
            ReloadReason::WebProcessDied
        } else {
            let since = last_answer.map_or(self.grace_from, |a| a.max(self.grace_from));
            if !stale_counts || now.saturating_duration_since(since) <= self.stale_after {
                return Verdict::Healthy;
            }
            ReloadReason::Stale
        };
        while let Some(&first) = self.reloads.front() {
            if now.saturating_duration_since(first) >= self.window {
                self.reloads.pop_front();
            } else {
                break;
            }
        }
        if self.reloads.len() as u32 >= self.cap {
            return Verdict::GiveUp(reason);
        }
        self.reloads.push_back(now);
        self.total += 1;
        self.grace_from = now;
        Verdict::Reload(reason)
    }
}

// ---------------------------------------------------------------------------------------
// Nightly restart

/// The first moment strictly after `now` whose local wall time is `at`, in `now`'s time
/// zone. A time that does not exist that day (a daylight-saving gap) fires at the moment
/// the clock jumps past it.
pub fn next_fire(now: &Zoned, at: Time) -> Result<Zoned> {
    let mut date = now.date();
    for _ in 0..3 {
        let candidate = date
            .to_datetime(at)
            .to_zoned_datetime(now.time_zone().clone())
            .map_err(|e| Error::internal_from("the nightly restart's local time", e))?;
        if candidate.timestamp() > now.timestamp() {
            return Ok(candidate);
        }
        date = date
            .tomorrow()
            .map_err(|e| Error::internal_from("the nightly restart's next day", e))?;
    }
    Err(Error::internal(format!("no next {at} after {now}")))
}

/// The nightly restart: due from its time of day, carried out at the first moment the
/// screen has been idle long enough, and skipped to the next night when nobody left the
/// screen alone for `give_up_after`.
#[derive(Clone, Debug)]
pub struct NightlyRestart {
    at: Time,
    idle: Duration,
    give_up_after: Duration,
    due: Zoned,
}

impl NightlyRestart {
    pub fn new(at: Time, idle: Duration, now: &Zoned) -> Result<NightlyRestart> {
        Ok(NightlyRestart {
            at,
            idle,
            give_up_after: Duration::from_secs(4 * 3600),
            due: next_fire(now, at)?,
        })
    }

    /// The next restart's time.
    pub fn due(&self) -> &Zoned {
        &self.due
    }

    /// True when the app should restart now: the time has come and nobody touched the
    /// screen for `idle_for` ≥ the idle threshold. A restart that could not happen
    /// within `give_up_after` moves to the next night.
    pub fn check(&mut self, now: &Zoned, idle_for: Duration) -> Result<bool> {
        if now.timestamp() < self.due.timestamp() {
            return Ok(false);
        }
        let late = now.timestamp().duration_since(self.due.timestamp());
        let late = Duration::try_from(late).unwrap_or_default();
        if late > self.give_up_after {
            self.due = next_fire(now, self.at)?;
            return Ok(false);
        }
        Ok(idle_for >= self.idle)
    }
}

// ---------------------------------------------------------------------------------------
// The heartbeat file

/// Inquiries waiting to leave the device.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Backlog {
    /// Queued or being sent.
    pub pending: u32,
    /// Seconds since the oldest of them was taken; `None` when there is none.
    pub oldest_age_secs: Option<u64>,
    /// The trade platform refuses this device's token (401/403): the pending inquiries
    /// are kept and wait for an operator to fix `[platform] token` and restart the app.
    #[serde(default)]
    pub auth_failing: bool,
}

/// The heartbeat an operator reads in `DATA_DIR/heartbeat.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Heartbeat {
    pub app_version: String,
    pub pid: u32,
    #[serde(with = "time::serde::rfc3339")]
    pub started_at: OffsetDateTime,
    /// When the UI last reported a drawn frame.
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_frame_at: Option<OffsetDateTime>,
    /// When a visitor last touched the screen (or pressed a key).
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_input_at: Option<OffsetDateTime>,
    /// Whether the UI counts as drawing and answering now.
    pub ui_fresh: bool,
    pub outbox: Backlog,
    /// The current catalog's version; `None` before one is open.
    pub catalog_version: Option<String>,
    /// Reloads of the web view since the start, and why the last one happened.
    pub webview_reloads: u32,
    pub last_reload_reason: Option<ReloadReason>,
    /// Whether systemd's watchdog is armed for this process.
    pub watchdog: bool,
    #[serde(with = "time::serde::rfc3339::option")]
    pub next_nightly_restart: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    pub written_at: OffsetDateTime,
}

/// `data_dir/heartbeat.json`.
pub fn heartbeat_path(data_dir: &Path) -> PathBuf {
    data_dir.join(HEARTBEAT_FILE)
}

/// Writes the heartbeat to `path` whole: a temporary file beside it, then a rename, so a
/// reader sees the old or the new file and never half of one.
pub fn write_heartbeat(path: &Path, heartbeat: &Heartbeat) -> Result<()> {
    let mut json = serde_json::to_vec_pretty(heartbeat)?;
    json.push(b'\n');
    let name = path
        .file_name()
        .ok_or_else(|| Error::internal(format!("{}: not a file path", path.display())))?;
    let mut tmp_name = name.to_os_string();
    tmp_name.push(".tmp");
    let tmp = path.with_file_name(tmp_name);
    let mut file = fs::File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
    file.write_all(&json).map_err(|e| Error::io(&tmp, e))?;
    drop(file);
    fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
}

// ---------------------------------------------------------------------------------------
// systemd notification

/// The interval to feed the watchdog at: half of `WATCHDOG_USEC`, when it is set and
/// meant for this process (`WATCHDOG_PID` absent or equal to `pid`).
pub fn watchdog_interval(env: &dyn Fn(&str) -> Option<String>, pid: u32) -> Option<Duration> {
    if let Some(for_pid) = env("WATCHDOG_PID")
        && for_pid.trim().parse::<u32>().ok() != Some(pid)
    {
        return None;
    }
    let usec: u64 = env("WATCHDOG_USEC")?.trim().parse().ok()?;
    (usec > 0).then(|| Duration::from_micros(usec / 2))
}

/// A connection to systemd's notification socket (`NOTIFY_SOCKET`): a path, or an
/// abstract socket name written with a leading `@`.
#[cfg(unix)]
#[derive(Debug)]
pub struct Notifier {
    socket: std::os::unix::net::UnixDatagram,
    addr: std::os::unix::net::SocketAddr,
}

#[cfg(unix)]
impl Notifier {
    /// The notifier for `$NOTIFY_SOCKET`; `None` when the variable is unset or empty (not
    /// run by systemd with `Type=notify`).
    pub fn from_env(env: &dyn Fn(&str) -> Option<String>) -> Option<std::io::Result<Notifier>> {
        let socket = env("NOTIFY_SOCKET").filter(|s| !s.is_empty())?;
        Some(Notifier::connect(&socket))
    }

    pub fn connect(socket: &str) -> std::io::Result<Notifier> {
        use std::os::unix::net::{SocketAddr, UnixDatagram};
        let addr = if let Some(name) = socket.strip_prefix('@') {
            #[cfg(any(target_os = "linux", target_os = "android"))]
            {
                #[cfg(target_os = "android")]
                use std::os::android::net::SocketAddrExt;
                #[cfg(target_os = "linux")]
                use std::os::linux::net::SocketAddrExt;
                SocketAddr::from_abstract_name(name.as_bytes())?
            }
            #[cfg(not(any(target_os = "linux", target_os = "android")))]
            {
                let _ = name;
                return Err(std::io::Error::new(
                    std::io::ErrorKind::Unsupported,
                    "abstract sockets exist only on Linux",
                ));
            }
        } else if socket.starts_with('/') {
            SocketAddr::from_pathname(socket)?
        } else {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("NOTIFY_SOCKET {socket:?} is neither a path nor @name"),
            ));
        };
        // Never blocks: a manager that does not read its socket must not stop the app's
        // own work (a full queue makes a send fail instead).
        let socket = UnixDatagram::unbound()?;
        socket.set_nonblocking(true)?;
        Ok(Notifier { socket, addr })
    }

    /// Sends one notification: newline-separated `KEY=VALUE` assignments.
    pub fn notify(&self, state: &str) -> std::io::Result<()> {
        let sent = self.socket.send_to_addr(state.as_bytes(), &self.addr)?;
        if sent != state.len() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::WriteZero,
                "notification truncated",
            ));
        }
        Ok(())
    }

    pub fn ready(&self, status: &str) -> std::io::Result<()> {
        self.notify(&format!("READY=1\nSTATUS={}", one_line(status)))
    }

    pub fn watchdog(&self) -> std::io::Result<()> {
        self.notify("WATCHDOG=1")
    }

    pub fn status(&self, status: &str) -> std::io::Result<()> {
        self.notify(&format!("STATUS={}", one_line(status)))
    }

    pub fn stopping(&self, status: &str) -> std::io::Result<()> {
        self.notify(&format!("STOPPING=1\nSTATUS={}", one_line(status)))
    }
}

#[cfg(unix)]
fn one_line(text: &str) -> String {
    text.replace(['\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::tz::TimeZone;

    fn settings() -> SuperviseSettings {
        SuperviseSettings {
            stale_after: Duration::from_secs(15),
            reload_cap: 3,
            reload_window: Duration::from_secs(600),
            ..SuperviseSettings::default()
        }
    }

    fn secs(n: u64) -> Duration {
        Duration::from_secs(n)
    }

    /// The whole file, as `showroom_core::settings::Settings` reads its `[supervise]`.
    fn resolve(text: &str) -> Result<SuperviseSettings> {
        #[derive(serde::Deserialize)]
        struct File {
            #[serde(default)]
            supervise: SuperviseSection,
        }
        let file: File =
            toml::from_str(text).map_err(|e| crate::error::toml_error(FILE_NAME, text, &e))?;
        SuperviseSettings::resolve(file.supervise)
    }

    #[test]
    fn settings_from_the_file() {
        let s = resolve(
            "kiosk = true\n[platform]\nurl = \"x\"\n[supervise]\nstale_secs = 20\nreload_cap = 5\n\
             reload_window_secs = 300\nnightly_restart = \"03:30\"\nnightly_idle_secs = 120\n\
             heartbeat_interval_secs = 2\n",
        )
        .unwrap();
        assert_eq!(s.stale_after, secs(20));
        assert_eq!(s.reload_cap, 5);
        assert_eq!(s.reload_window, secs(300));
        assert_eq!(s.nightly_restart, Some(Time::new(3, 30, 0, 0).unwrap()));
        assert_eq!(s.nightly_idle, secs(120));
        assert_eq!(s.heartbeat_interval, secs(2));
        assert_eq!(resolve("").unwrap(), SuperviseSettings::default());
        for bad in [
            "[supervise]\nstale = 3\n",
            "[supervise]\nstale_secs = 2\n",
            "[supervise]\nheartbeat_interval_secs = 0\n",
            "[supervise]\nnightly_restart = \"3:30\"\n",
            "[supervise]\nnightly_restart = \"24:00\"\n",
            "[supervise]\nnightly_restart = \"03:60\"\n",
            "[supervise]\nnightly_restart = \"0330\"\n",
            "[supervise]\nreload_cap = -1\n",
        ] {
            let error = resolve(bad).unwrap_err();
            assert_eq!(error.code(), crate::error::ErrorCode::Config, "{bad}");
        }
    }

    #[test]
    fn the_watchdog_is_fed_only_while_the_ui_draws_and_answers() {
        let t0 = Instant::now();
        let max = secs(15);
        assert!(!feed_watchdog(None, t0, max), "no pulse yet");
        let pulse = UiPulse {
            answered: t0,
            frame_lag: Duration::from_millis(20),
        };
        assert!(feed_watchdog(Some(&pulse), t0 + secs(5), max));
        assert!(feed_watchdog(Some(&pulse), t0 + secs(14), max));
        assert!(!feed_watchdog(Some(&pulse), t0 + secs(15), max));
        // Answering, but the frame it reports is old: the page is not drawing.
        let old_frame = UiPulse {
            answered: t0,
            frame_lag: secs(20),
        };
        assert!(!feed_watchdog(Some(&old_frame), t0, max));
        assert_eq!(
            pulse.ages(t0 + secs(1)).1,
            secs(1) + Duration::from_millis(20)
        );
    }

    #[test]
    fn a_stale_ui_is_reloaded_after_the_threshold_and_given_time_again() {
        let t0 = Instant::now();
        let mut r = Recovery::new(&settings(), t0);
        // The start is a grace period: nothing is stale before the threshold.
        assert_eq!(r.check(t0 + secs(15), None, false, true), Verdict::Healthy);
        assert_eq!(
            r.check(t0 + secs(16), None, false, true),
            Verdict::Reload(ReloadReason::Stale)
        );
        // The reload gives the page the threshold again.
        assert_eq!(r.check(t0 + secs(30), None, false, true), Verdict::Healthy);
        // A heartbeat keeps it healthy.
        let beat = t0 + secs(29);
        assert_eq!(
            r.check(t0 + secs(40), Some(beat), false, true),
            Verdict::Healthy
        );
        assert_eq!(
            r.check(t0 + secs(45), Some(beat), false, true),
            Verdict::Reload(ReloadReason::Stale)
        );
        assert_eq!(r.total(), 2);
        // Where staleness does not count (a desktop window), only a dead process reloads.
        let mut d = Recovery::new(&settings(), t0);
        assert_eq!(
            d.check(t0 + secs(100), None, false, false),
            Verdict::Healthy
        );
        assert_eq!(
            d.check(t0 + secs(100), None, true, false),
            Verdict::Reload(ReloadReason::WebProcessDied)
        );
    }

    #[test]
    fn a_dead_web_process_is_reloaded_at_once() {
        let t0 = Instant::now();
        let mut r = Recovery::new(&settings(), t0);
        assert_eq!(
            r.check(t0 + secs(1), Some(t0 + secs(1)), true, true),
            Verdict::Reload(ReloadReason::WebProcessDied)
        );
    }

    #[test]
    fn the_reload_cap_holds_within_its_window_and_frees_up_after() {
        let t0 = Instant::now();
        let mut r = Recovery::new(&settings(), t0);
        for i in 0..3 {
            assert_eq!(
                r.check(t0 + secs(i * 60), None, true, true),
                Verdict::Reload(ReloadReason::WebProcessDied),
                "reload {i}"
            );
        }
        assert_eq!(
            r.check(t0 + secs(599), None, true, true),
            Verdict::GiveUp(ReloadReason::WebProcessDied)
        );
        // Ten minutes after the first reload, one slot is free again.
        assert_eq!(
            r.check(t0 + secs(600), None, true, true),
            Verdict::Reload(ReloadReason::WebProcessDied)
        );
        assert_eq!(
            r.check(t0 + secs(601), None, true, true),
            Verdict::GiveUp(ReloadReason::WebProcessDied)
        );
        assert_eq!(r.total(), 4);
        // A cap of 0: any trouble ends the process.
        let mut none = Recovery::new(
            &SuperviseSettings {
                reload_cap: 0,
                ..settings()
            },
            t0,
        );
        assert_eq!(
            none.check(t0 + secs(20), None, false, true),
            Verdict::GiveUp(ReloadReason::Stale)
        );
    }

    fn at(tz: &TimeZone, y: i16, mo: i8, d: i8, h: i8, mi: i8) -> Zoned {
        jiff::civil::date(y, mo, d)
            .at(h, mi, 0, 0)
            .to_zoned_datetime(tz.clone())
            .unwrap()
    }

    fn hm(h: i8, m: i8) -> Time {
        Time::new(h, m, 0, 0).unwrap()
    }

    #[test]
    fn next_fire_across_midnight() {
        let tz = TimeZone::fixed(jiff::tz::offset(8));
        let now = at(&tz, 2026, 12, 31, 23, 50);
        // Later tonight, past midnight, into the next year.
        assert_eq!(
            next_fire(&now, hm(0, 30)).unwrap(),
            at(&tz, 2027, 1, 1, 0, 30)
        );
        // Still today.
        assert_eq!(
            next_fire(&now, hm(23, 55)).unwrap(),
            at(&tz, 2026, 12, 31, 23, 55)
        );
        // Exactly now is already past: tomorrow (a restart at 03:00 does not fire again).
        let three = at(&tz, 2026, 6, 1, 3, 0);
        assert_eq!(
            next_fire(&three, hm(3, 0)).unwrap(),
            at(&tz, 2026, 6, 2, 3, 0)
        );
        let after_midnight = at(&tz, 2026, 6, 2, 0, 10);
        assert_eq!(
            next_fire(&after_midnight, hm(3, 0)).unwrap(),
            at(&tz, 2026, 6, 2, 3, 0)
        );
        assert_eq!(
            next_fire(&after_midnight, hm(0, 5)).unwrap(),
            at(&tz, 2026, 6, 3, 0, 5)
        );
    }

    #[test]
    fn next_fire_through_daylight_saving_changes() {
        // Central Europe: 02:00 → 03:00 on 2026-03-29, 03:00 → 02:00 on 2026-10-25.
        let tz = TimeZone::posix("CET-1CEST,M3.5.0,M10.5.0/3").unwrap();
        let before = at(&tz, 2026, 3, 28, 23, 0);
        let fired = next_fire(&before, hm(2, 30)).unwrap();
        // 02:30 does not exist that night: it fires when the clock jumps (03:30 CEST is
        // the same instant as 02:30 CET would have been).
        assert_eq!(fired.date(), jiff::civil::date(2026, 3, 29));
        assert_eq!(
            fired.timestamp().as_second() - before.timestamp().as_second(),
            3 * 3600 + 30 * 60
        );
        // 02:30 happens twice in October: the first one fires, the second does not again.
        let autumn = at(&tz, 2026, 10, 24, 23, 0);
        let first = next_fire(&autumn, hm(2, 30)).unwrap();
        assert_eq!(first.offset(), jiff::tz::offset(2));
        let again = next_fire(&first, hm(2, 30)).unwrap();
        assert_eq!(again.date(), jiff::civil::date(2026, 10, 26));
    }

    #[test]
    fn the_nightly_restart_waits_for_an_idle_screen() {
        let tz = TimeZone::fixed(jiff::tz::offset(3));
        let start = at(&tz, 2026, 6, 1, 14, 0);
        let mut n = NightlyRestart::new(hm(3, 0), secs(300), &start).unwrap();
        assert_eq!(n.due(), &at(&tz, 2026, 6, 2, 3, 0));
        assert!(!n.check(&at(&tz, 2026, 6, 2, 2, 59), secs(9999)).unwrap());
        // Due, but a visitor touched the screen a minute ago.
        assert!(!n.check(&at(&tz, 2026, 6, 2, 3, 0), secs(60)).unwrap());
        assert!(!n.check(&at(&tz, 2026, 6, 2, 3, 20), secs(299)).unwrap());
        assert!(n.check(&at(&tz, 2026, 6, 2, 3, 25), secs(300)).unwrap());
        // Busy all night long: after four hours it moves to the next night.
        let mut busy = NightlyRestart::new(hm(3, 0), secs(300), &start).unwrap();
        assert!(!busy.check(&at(&tz, 2026, 6, 2, 7, 1), secs(1)).unwrap());
        assert_eq!(busy.due(), &at(&tz, 2026, 6, 3, 3, 0));
        assert!(!busy.check(&at(&tz, 2026, 6, 2, 7, 30), secs(9999)).unwrap());
    }

    fn heartbeat() -> Heartbeat {
        let t = OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap();
        Heartbeat {
            app_version: "0.1.0".into(),
            pid: 42,
            started_at: t,
            last_frame_at: Some(t + time::Duration::seconds(10)),
            last_input_at: None,
            ui_fresh: true,
            outbox: Backlog {
                pending: 2,
                oldest_age_secs: Some(90),
                auth_failing: false,
            },
            catalog_version: Some("2026.11".into()),
            webview_reloads: 1,
            last_reload_reason: Some(ReloadReason::WebProcessDied),
            watchdog: true,
            next_nightly_restart: None,
            written_at: t + time::Duration::seconds(11),
        }
    }

    #[test]
    fn the_heartbeat_file_is_replaced_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = heartbeat_path(dir.path());
        let mut beat = heartbeat();
        write_heartbeat(&path, &beat).unwrap();
        let text = fs::read_to_string(&path).unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(json["last_frame_at"], "2027-01-15T08:00:10Z");
        assert_eq!(json["last_input_at"], serde_json::Value::Null);
        assert_eq!(json["outbox"]["pending"], 2);
        assert_eq!(json["last_reload_reason"], "web_process_died");
        beat.webview_reloads = 2;
        write_heartbeat(&path, &beat).unwrap();
        let back: Heartbeat = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
        assert_eq!(back, beat);
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, [HEARTBEAT_FILE], "no temporary file is left");
        // A rename that cannot replace the target is reported.
        let blocked = dir.path().join("dir");
        fs::create_dir_all(blocked.join("x")).unwrap();
        assert!(write_heartbeat(&blocked, &beat).is_err());
    }

    #[test]
    fn watchdog_interval_is_half_the_timeout_for_this_process() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(
            watchdog_interval(&env(&[("WATCHDOG_USEC", "30000000")]), 7),
            Some(secs(15))
        );
        assert_eq!(
            watchdog_interval(
                &env(&[("WATCHDOG_USEC", "30000000"), ("WATCHDOG_PID", "7")]),
                7
            ),
            Some(secs(15))
        );
        assert_eq!(
            watchdog_interval(
                &env(&[("WATCHDOG_USEC", "30000000"), ("WATCHDOG_PID", "8")]),
                7
            ),
            None
        );
        assert_eq!(watchdog_interval(&env(&[("WATCHDOG_USEC", "0")]), 7), None);
        assert_eq!(watchdog_interval(&env(&[("WATCHDOG_USEC", "x")]), 7), None);
        assert_eq!(watchdog_interval(&env(&[]), 7), None);
    }

    #[cfg(unix)]
    #[test]
    fn the_notifier_talks_to_a_real_socket() {
        use std::os::unix::net::UnixDatagram;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notify.sock");
        let listener = UnixDatagram::bind(&path).unwrap();
        listener.set_read_timeout(Some(secs(5))).unwrap();
        let path_text = path.to_str().unwrap().to_string();
        let notifier =
            Notifier::from_env(&|name| (name == "NOTIFY_SOCKET").then(|| path_text.clone()))
                .expect("NOTIFY_SOCKET is set")
                .unwrap();
        let mut buf = [0u8; 512];
        let mut recv = || {
            let n = listener.recv(&mut buf).unwrap();
            String::from_utf8(buf[..n].to_vec()).unwrap()
        };
        notifier.ready("ui drawing\nreloads 0").unwrap();
        assert_eq!(recv(), "READY=1\nSTATUS=ui drawing reloads 0");
        notifier.watchdog().unwrap();
        assert_eq!(recv(), "WATCHDOG=1");
        notifier.status("ok").unwrap();
        assert_eq!(recv(), "STATUS=ok");
        assert!(Notifier::from_env(&|_| None).is_none());
        assert!(Notifier::from_env(&|_| Some(String::new())).is_none());
        assert!(Notifier::connect("relative/path").is_err());
        // A queue nobody reads fills up: sends then fail at once instead of blocking.
        let mut failed = false;
        for _ in 0..100_000 {
            if notifier.watchdog().is_err() {
                failed = true;
                break;
            }
        }
        assert!(failed, "a full queue is reported");
        // Nobody listening any more: the send fails and says so.
        drop(listener);
        fs::remove_file(&path).unwrap();
        assert!(notifier.watchdog().is_err());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_notifier_reaches_an_abstract_socket() {
        use std::os::linux::net::SocketAddrExt;
        use std::os::unix::net::{SocketAddr, UnixDatagram};
        let name = format!("showroom-notify-test-{}", std::process::id());
        let listener =
            UnixDatagram::bind_addr(&SocketAddr::from_abstract_name(name.as_bytes()).unwrap())
                .unwrap();
        listener.set_read_timeout(Some(secs(5))).unwrap();
        let notifier = Notifier::connect(&format!("@{name}")).unwrap();
        notifier.watchdog().unwrap();
        let mut buf = [0u8; 64];
        let n = listener.recv(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"WATCHDOG=1");
    }
}
