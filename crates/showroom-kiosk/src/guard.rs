//! The kiosk guard, for a kiosk without systemd (Windows): it starts the app and starts it
//! again on the rules of the Linux unit (`packaging/linux/sco-showroom-kiosk.service`),
//! with the app's heartbeat file in place of systemd's notification socket.
//!
//! | the unit | the guard |
//! |---|---|
//! | `READY=1` once the UI draws | the first heartbeat of the new process (its pid, started after the guard started it) that says `ui_fresh` |
//! | `WATCHDOG=1` while the UI is fresh | each new heartbeat of that process that says `ui_fresh` |
//! | `WatchdogSec=30` | [`GuardSettings::watchdog`]: no such heartbeat for this long, and the app is ended |
//! | `TimeoutStartSec=180` | [`GuardSettings::start_timeout`]: no fresh UI this long after the start, and the app is ended |
//! | `Restart=always`, `RestartSec=2` | every end, and every start that fails, is followed by a start after [`GuardSettings::restart_delay`]… |
//! | `RestartPreventExitStatus=0` | …but an exit with status 0 (an operator leaving with the admin PIN) |
//! | `StartLimitBurst=10`, `StartLimitIntervalSec=600` | a start that would be the eleventh within ten minutes is not made: the guard gives up |
//!
//! The app writes its heartbeat every `[supervise] heartbeat_interval_secs` (5 s), from a
//! thread of its own: a process that is stopped or dead writes none, and one whose page no
//! longer draws writes `ui_fresh: false` after the app's own reloads have failed (the
//! reload comes first, as under systemd). The guard ends the app it started when the guard
//! ends, however it ends (a job object on Windows, the parent-death signal on Linux).
//!
//! One difference stays: systemd hears the app over a socket, the guard through a file.
//! An app that cannot write its heartbeat file (a full disk, a file it may not replace)
//! looks hung to the guard and is started again, at most `start_limit_burst` times within
//! the interval.
//!
//! [`Watch`] and [`StartLimit`] decide from inputs; [`run`] gathers them (the clock, the
//! heartbeat file, the child's exit) and acts.

use std::collections::VecDeque;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use serde::Serialize;
use time::OffsetDateTime;

use crate::supervise::{Heartbeat, heartbeat_path};
use crate::{Error, Result};

/// The unit's timings (see the module's table).
#[derive(Clone, Debug, PartialEq)]
pub struct GuardSettings {
    pub watchdog: Duration,
    pub start_timeout: Duration,
    pub restart_delay: Duration,
    pub start_limit_burst: u32,
    pub start_limit_interval: Duration,
}

impl Default for GuardSettings {
    fn default() -> Self {
        GuardSettings {
            watchdog: Duration::from_secs(30),
            start_timeout: Duration::from_secs(180),
            restart_delay: Duration::from_secs(2),
            start_limit_burst: 10,
            start_limit_interval: Duration::from_secs(600),
        }
    }
}

/// How the guard sees one run of the app.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Health {
    /// No fresh UI yet, within the start timeout.
    Starting,
    /// A fresh UI reported within the watchdog's time.
    Fine,
    /// No fresh UI within the start timeout: end it.
    NeverReady,
    /// Ready before, and no fresh UI for the watchdog's time since: end it.
    Hung,
}

/// What the guard has seen of one run of the app: its process, when it started, and when
/// a heartbeat last said its UI was fresh.
#[derive(Clone, Debug)]
pub struct Watch {
    pid: u32,
    started: Instant,
    /// The wall clock when the guard started it: a beat of a process started earlier is
    /// another run's, even with the same pid (Windows reuses pids soon).
    started_at: OffsetDateTime,
    last_written: Option<OffsetDateTime>,
    ready_at: Option<Instant>,
    fed_at: Option<Instant>,
}

impl Watch {
    pub fn new(pid: u32, started: Instant, started_at: OffsetDateTime) -> Watch {
        Watch {
            pid,
            started,
            started_at,
            last_written: None,
            ready_at: None,
            fed_at: None,
        }
    }

    /// Takes in the heartbeat file as read at `now`. Only a new beat (another
    /// `written_at`) of this run's process feeds the watchdog, and only when it says the
    /// UI is fresh: the file of an earlier run (another pid, or the same pid started
    /// before this run), or the same beat read twice, feeds nothing.
    pub fn observe(&mut self, beat: &Heartbeat, now: Instant) {
        let earlier_run = beat.started_at + time::Duration::SECOND < self.started_at;
        if beat.pid != self.pid || earlier_run || self.last_written == Some(beat.written_at) {
            return;
        }
        self.last_written = Some(beat.written_at);
        if beat.ui_fresh {
            self.fed_at = Some(now);
            self.ready_at.get_or_insert(now);
        }
    }

    /// How long after the start the UI first reported itself fresh.
    pub fn ready_after(&self) -> Option<Duration> {
        self.ready_at
            .map(|at| at.saturating_duration_since(self.started))
    }

    pub fn health(&self, settings: &GuardSettings, now: Instant) -> Health {
        match self.fed_at {
            None if now.saturating_duration_since(self.started) > settings.start_timeout => {
                Health::NeverReady
            }
            None => Health::Starting,
            Some(fed) if now.saturating_duration_since(fed) > settings.watchdog => Health::Hung,
            Some(_) => Health::Fine,
        }
    }
}

/// The starts made within the last `start_limit_interval`.
#[derive(Clone, Debug, Default)]
pub struct StartLimit {
    starts: VecDeque<Instant>,
}

impl StartLimit {
    /// Whether a start at `now` is allowed (fewer than `start_limit_burst` starts within
    /// the interval before it); an allowed start is counted.
    pub fn try_start(&mut self, settings: &GuardSettings, now: Instant) -> bool {
        while let Some(first) = self.starts.front() {
            if now.saturating_duration_since(*first) >= settings.start_limit_interval {
                self.starts.pop_front();
            } else {
                break;
            }
        }
        if self.starts.len() >= settings.start_limit_burst as usize {
            return false;
        }
        self.starts.push_back(now);
        true
    }
}

/// Why a run of the app ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EndReason {
    /// It exited (or was killed) by itself or by someone else.
    Exited,
    /// The guard ended it: no fresh UI for the watchdog's time.
    Hung,
    /// The guard ended it: no fresh UI within the start timeout.
    NeverReady,
}

/// Whether the guard starts the app again after a run that ended with `code` for
/// `reason`: always, except after an exit with status 0 (an operator's).
pub fn restarts_after(reason: EndReason, code: Option<i32>) -> bool {
    !(reason == EndReason::Exited && code == Some(0))
}

/// What the guard reports as it goes.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum GuardEvent {
    Started {
        pid: u32,
        /// 1 for the first start.
        start: u32,
    },
    /// The program could not be started (missing, refused): counted as a start that ended.
    StartFailed {
        error: String,
    },
    Ready {
        pid: u32,
        after_secs: f64,
    },
    Ended {
        pid: u32,
        reason: EndReason,
        /// The exit status; `None` when a signal ended it.
        status: Option<i32>,
        /// How long it had gone without a fresh UI when the guard ended it.
        silent_secs: Option<f64>,
    },
    Restarting {
        after_secs: f64,
    },
    /// The app exited with status 0: the guard stops too.
    OperatorExit,
    /// The start limit is spent: the guard stops without starting the app.
    GaveUp {
        starts: u32,
        within_secs: f64,
    },
}

/// How the guard ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GuardOutcome {
    OperatorExit,
    GaveUp,
}

/// The program the guard keeps running.
#[derive(Clone, Debug)]
pub struct Guarded {
    pub program: PathBuf,
    pub args: Vec<OsString>,
    /// Given to the app as `SHOWROOM_DATA_DIR`; its heartbeat file is read from here.
    pub data_dir: PathBuf,
    /// Where the app's own output goes (appended); `None`: the guard's stderr.
    pub log: Option<PathBuf>,
}

/// How often the child and the heartbeat file are looked at.
const POLL: Duration = Duration::from_millis(500);

/// Keeps `app` running until it exits with status 0 or the start limit is spent, telling
/// `on_event` what happens. A start that fails counts like a run that ended at once.
/// Fails only when the guard itself cannot work (its job object, its log, waiting).
pub fn run(
    app: &Guarded,
    settings: &GuardSettings,
    on_event: &mut dyn FnMut(&GuardEvent),
) -> Result<GuardOutcome> {
    let heartbeat = heartbeat_path(&app.data_dir);
    let family = Family::new()?;
    let mut limit = StartLimit::default();
    let mut start = 0u32;
    loop {
        if !limit.try_start(settings, Instant::now()) {
            on_event(&GuardEvent::GaveUp {
                starts: settings.start_limit_burst,
                within_secs: settings.start_limit_interval.as_secs_f64(),
            });
            return Ok(GuardOutcome::GaveUp);
        }
        let mut command = Command::new(&app.program);
        command
            .args(&app.args)
            .env("SHOWROOM_DATA_DIR", &app.data_dir)
            // systemd's variables are for the guard, when systemd runs it, not for the app.
            .env_remove("NOTIFY_SOCKET")
            .env_remove("WATCHDOG_USEC")
            .env_remove("WATCHDOG_PID");
        // The guard's stdout holds its events alone: the app's output goes to the log, or
        // to the guard's stderr.
        match &app.log {
            Some(path) => {
                let log = std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)
                    .map_err(|e| Error::io(path, e))?;
                let err = log.try_clone().map_err(|e| Error::io(path, e))?;
                command.stdout(log).stderr(err);
            }
            None => {
                command.stdout(std::io::stderr());
            }
        }
        let started_at = OffsetDateTime::now_utc();
        let mut child = match family.spawn(&mut command) {
            Ok(child) => child,
            Err(error) => {
                on_event(&GuardEvent::StartFailed {
                    error: format!("{}: {error}", app.program.display()),
                });
                on_event(&GuardEvent::Restarting {
                    after_secs: settings.restart_delay.as_secs_f64(),
                });
                std::thread::sleep(settings.restart_delay);
                continue;
            }
        };
        start += 1;
        let pid = child.id();
        on_event(&GuardEvent::Started { pid, start });
        let (reason, status, silent) =
            watch(&mut child, started_at, &heartbeat, settings, on_event)
                .map_err(|e| Error::io(&app.program, e))?;
        on_event(&GuardEvent::Ended {
            pid,
            reason,
            status,
            silent_secs: silent.map(|d| d.as_secs_f64()),
        });
        if !restarts_after(reason, status) {
            on_event(&GuardEvent::OperatorExit);
            return Ok(GuardOutcome::OperatorExit);
        }
        on_event(&GuardEvent::Restarting {
            after_secs: settings.restart_delay.as_secs_f64(),
        });
        std::thread::sleep(settings.restart_delay);
    }
}

/// Watches one run until it ends or the guard ends it: why, its status, and (when the
/// guard ended it) how long it had been silent.
fn watch(
    child: &mut Child,
    started_at: OffsetDateTime,
    heartbeat: &Path,
    settings: &GuardSettings,
    on_event: &mut dyn FnMut(&GuardEvent),
) -> std::io::Result<(EndReason, Option<i32>, Option<Duration>)> {
    let pid = child.id();
    let mut watch = Watch::new(pid, Instant::now(), started_at);
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok((EndReason::Exited, status.code(), None));
        }
        let now = Instant::now();
        if let Some(beat) = read_heartbeat(heartbeat) {
            let was_ready = watch.ready_after().is_some();
            watch.observe(&beat, now);
            if let (false, Some(after)) = (was_ready, watch.ready_after()) {
                on_event(&GuardEvent::Ready {
                    pid,
                    after_secs: after.as_secs_f64(),
                });
            }
        }
        let reason = match watch.health(settings, now) {
            Health::Starting | Health::Fine => None,
            Health::Hung => Some(EndReason::Hung),
            Health::NeverReady => Some(EndReason::NeverReady),
        };
        if let Some(reason) = reason {
            let silent = now.saturating_duration_since(watch.fed_at.unwrap_or(watch.started));
            // An app that exited on its own meanwhile (an operator's exit) is taken at its
            // word, not as hung.
            if let Some(status) = child.try_wait()? {
                return Ok((EndReason::Exited, status.code(), None));
            }
            let _ = child.kill();
            let status = child.wait()?;
            return Ok((reason, status.code(), Some(silent)));
        }
        std::thread::sleep(POLL);
    }
}

/// The heartbeat file, when it exists and reads whole (it is replaced by a rename, so a
/// reader never sees half of one).
fn read_heartbeat(path: &Path) -> Option<Heartbeat> {
    serde_json::from_slice(&std::fs::read(path).ok()?).ok()
}

/// The processes the guard starts, ended with it.
struct Family {
    #[cfg(windows)]
    job: windows_job::Job,
}

impl Family {
    fn new() -> Result<Family> {
        Ok(Family {
            #[cfg(windows)]
            job: windows_job::Job::new().map_err(|e| Error::io("job object", e))?,
        })
    }

    fn spawn(&self, command: &mut Command) -> std::io::Result<Child> {
        #[cfg(target_os = "linux")]
        {
            use std::os::unix::process::CommandExt;
            // SAFETY: prctl is async-signal-safe and touches only the child's own state.
            unsafe {
                command.pre_exec(|| {
                    if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL, 0, 0, 0) != 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                    Ok(())
                });
            }
        }
        let child = command.spawn()?;
        #[cfg(windows)]
        if let Err(error) = self.job.assign(&child) {
            tracing::warn!(%error, "the app is not in the guard's job object: it outlives the guard");
        }
        Ok(child)
    }
}

/// A job object whose processes end when its last handle closes: the guard's, when the
/// guard ends.
#[cfg(windows)]
mod windows_job {
    use std::os::windows::io::AsRawHandle;

    use windows_sys::Win32::Foundation::{CloseHandle, HANDLE};
    use windows_sys::Win32::System::JobObjects::{
        AssignProcessToJobObject, CreateJobObjectW, JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE,
        JOBOBJECT_EXTENDED_LIMIT_INFORMATION, JobObjectExtendedLimitInformation,
        SetInformationJobObject,
    };

    pub struct Job(HANDLE);

    impl Job {
        pub fn new() -> std::io::Result<Job> {
            // SAFETY: plain Win32 calls on a handle this type owns; the structure is
            // zeroed before its one flag is set, as the API expects.
            unsafe {
                let handle = CreateJobObjectW(std::ptr::null(), std::ptr::null());
                if handle.is_null() {
                    return Err(std::io::Error::last_os_error());
                }
                let job = Job(handle);
                let mut info: JOBOBJECT_EXTENDED_LIMIT_INFORMATION = std::mem::zeroed();
                info.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
                let set = SetInformationJobObject(
                    job.0,
                    JobObjectExtendedLimitInformation,
                    (&info as *const JOBOBJECT_EXTENDED_LIMIT_INFORMATION).cast(),
                    std::mem::size_of::<JOBOBJECT_EXTENDED_LIMIT_INFORMATION>() as u32,
                );
                if set == 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(job)
            }
        }

        pub fn assign(&self, child: &std::process::Child) -> std::io::Result<()> {
            // SAFETY: both handles are alive for the call.
            let done = unsafe { AssignProcessToJobObject(self.0, child.as_raw_handle() as HANDLE) };
            if done == 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        }
    }

    impl Drop for Job {
        fn drop(&mut self) {
            // SAFETY: the handle is owned and closed once.
            unsafe {
                CloseHandle(self.0);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(n: u64) -> Duration {
        Duration::from_secs(n)
    }

    fn at(unix: i64) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(unix).unwrap()
    }

    /// A beat of a process started at 99 (Unix seconds), written at `written_at`.
    fn beat(pid: u32, written_at: i64, ui_fresh: bool) -> Heartbeat {
        let at = at(written_at);
        Heartbeat {
            app_version: "0".into(),
            pid,
            started_at: self::at(99),
            last_frame_at: None,
            last_input_at: None,
            ui_fresh,
            outbox: Default::default(),
            catalog_version: None,
            webview_reloads: 0,
            last_reload_reason: None,
            watchdog: false,
            next_nightly_restart: None,
            written_at: at,
        }
    }

    #[test]
    fn a_new_run_is_starting_until_a_fresh_beat_of_its_own() {
        let settings = GuardSettings::default();
        let t0 = Instant::now();
        let mut watch = Watch::new(7, t0, at(99));
        assert_eq!(watch.health(&settings, t0 + secs(10)), Health::Starting);
        // The previous run's file (another pid) says fresh: it counts for nothing.
        watch.observe(&beat(6, 100, true), t0 + secs(11));
        // This run, not yet drawing.
        watch.observe(&beat(7, 101, false), t0 + secs(12));
        assert_eq!(watch.ready_after(), None);
        assert_eq!(watch.health(&settings, t0 + secs(180)), Health::Starting);
        assert_eq!(watch.health(&settings, t0 + secs(181)), Health::NeverReady);
        watch.observe(&beat(7, 102, true), t0 + secs(20));
        assert_eq!(watch.ready_after(), Some(secs(20)));
        assert_eq!(watch.health(&settings, t0 + secs(181)), Health::Hung);
        assert_eq!(watch.health(&settings, t0 + secs(50)), Health::Fine);
    }

    #[test]
    fn only_new_fresh_beats_feed_the_watchdog() {
        let settings = GuardSettings::default();
        let t0 = Instant::now();
        let mut watch = Watch::new(7, t0, at(99));
        watch.observe(&beat(7, 100, true), t0 + secs(5));
        // The same beat read again later (a process that stopped writing) feeds nothing.
        watch.observe(&beat(7, 100, true), t0 + secs(30));
        assert_eq!(watch.health(&settings, t0 + secs(35)), Health::Fine);
        assert_eq!(watch.health(&settings, t0 + secs(36)), Health::Hung);
        // New beats that say the UI is stale feed nothing either.
        watch.observe(&beat(7, 130, false), t0 + secs(33));
        assert_eq!(watch.health(&settings, t0 + secs(36)), Health::Hung);
        // A fresh one does, and the ready time stays the first.
        watch.observe(&beat(7, 131, true), t0 + secs(34));
        assert_eq!(watch.health(&settings, t0 + secs(60)), Health::Fine);
        assert_eq!(watch.ready_after(), Some(secs(5)));
    }

    #[test]
    fn a_reused_pid_does_not_make_an_old_beat_this_runs() {
        let settings = GuardSettings::default();
        let t0 = Instant::now();
        // This run was started at 200; the file still holds the beat of a process with
        // the same pid that started at 99 and was drawing.
        let mut watch = Watch::new(7, t0, at(200));
        watch.observe(&beat(7, 150, true), t0 + secs(1));
        assert_eq!(watch.ready_after(), None);
        let mut own = beat(7, 205, true);
        own.started_at = at(200);
        watch.observe(&own, t0 + secs(6));
        assert_eq!(watch.ready_after(), Some(secs(6)));
        assert_eq!(watch.health(&settings, t0 + secs(30)), Health::Fine);
    }

    #[test]
    fn ten_starts_in_ten_minutes_and_no_more() {
        let settings = GuardSettings::default();
        let t0 = Instant::now();
        let mut limit = StartLimit::default();
        for i in 0..10 {
            assert!(limit.try_start(&settings, t0 + secs(i * 10)), "start {i}");
        }
        assert!(!limit.try_start(&settings, t0 + secs(100)));
        // The refused start is not counted; once the first start is ten minutes old,
        // one more is allowed.
        assert!(!limit.try_start(&settings, t0 + secs(599)));
        assert!(limit.try_start(&settings, t0 + secs(600)));
        assert!(!limit.try_start(&settings, t0 + secs(601)));
    }

    #[test]
    fn only_an_exit_with_status_0_is_final() {
        assert!(!restarts_after(EndReason::Exited, Some(0)));
        assert!(restarts_after(EndReason::Exited, Some(1)));
        assert!(restarts_after(EndReason::Exited, Some(10)));
        assert!(restarts_after(EndReason::Exited, None));
        // An app the guard ended is started again whatever its status.
        assert!(restarts_after(EndReason::Hung, Some(0)));
        assert!(restarts_after(EndReason::NeverReady, None));
    }
}
