//! The built app under supervision, on a real display (Xvfb) with a real web process: it
//! tells a systemd-style notification socket READY=1 once the UI draws and then feeds the
//! watchdog; its heartbeat file shows frames being drawn; a killed web process and a hung
//! one (SIGSTOP) are reloaded by the app; once the reload cap is spent it exits with its
//! own status; and a desktop window whose page hangs stops feeding the watchdog. Then the
//! kiosk guard of systems without systemd (`showroom kiosk guard`) keeps the same app
//! running: a killed app and a stopped one are started again, and the app ends with the
//! guard.
//!
//! Needs `Xvfb` and WebKitGTK (installed by `./x test`). Run alone with
//! `cargo test -p sco-showroom --test supervision -- --nocapture` (prints the figures).

#![cfg(target_os = "linux")]

use std::fs;
use std::io::{BufRead, BufReader};
use std::os::unix::net::UnixDatagram;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use showroom_core::supervise::{EXIT_WEBVIEW_UNRECOVERABLE, Heartbeat, ReloadReason};

/// The tests here each run the app on their own display; one at a time, so that neither
/// starves the other's page past its stale threshold on a small machine.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Kills what it holds when the test ends, however it ends.
struct Reaper(Vec<Child>);

impl Drop for Reaper {
    fn drop(&mut self) {
        for child in self.0.iter_mut().rev() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Starts Xvfb on a free display and returns its name.
fn xvfb(reaper: &mut Reaper) -> String {
    let mut child = Command::new("Xvfb")
        .args([
            "-displayfd",
            "1",
            "-screen",
            "0",
            "1280x800x24",
            "-nolisten",
            "tcp",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("Xvfb (installed by ./x test) must be on PATH");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("Xvfb names its display");
    reaper.0.push(child);
    let number = line.trim();
    assert!(!number.is_empty(), "Xvfb gave no display number");
    format!(":{number}")
}

/// The notifications received so far, each with the time it arrived.
struct Notifications {
    socket: UnixDatagram,
    got: Vec<(Instant, String)>,
}

impl Notifications {
    fn bind(path: &Path) -> Notifications {
        let socket = UnixDatagram::bind(path).expect("bind the notification socket");
        socket
            .set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        Notifications {
            socket,
            got: Vec::new(),
        }
    }

    /// Reads whatever has arrived.
    fn drain(&mut self) {
        let mut buf = [0u8; 4096];
        while let Ok(n) = self.socket.recv(&mut buf) {
            self.got.push((
                Instant::now(),
                String::from_utf8_lossy(&buf[..n]).into_owned(),
            ));
        }
    }

    /// Waits for a message with the line `line` arriving after `after`.
    fn wait_for(&mut self, line: &str, after: Instant, within: Duration) -> Instant {
        let deadline = Instant::now() + within;
        loop {
            self.drain();
            if let Some((at, _)) = self
                .got
                .iter()
                .find(|(at, m)| *at >= after && m.lines().any(|l| l == line))
            {
                return *at;
            }
            assert!(
                Instant::now() < deadline,
                "no {line} within {within:?}; got {:?}",
                self.got.iter().map(|(_, m)| m).collect::<Vec<_>>()
            );
        }
    }

    fn count_since(&self, line: &str, after: Instant) -> usize {
        self.got
            .iter()
            .filter(|(at, m)| *at >= after && m.lines().any(|l| l == line))
            .count()
    }
}

fn heartbeat(data: &Path) -> Option<Heartbeat> {
    serde_json::from_slice(&fs::read(data.join("heartbeat.json")).ok()?).ok()
}

/// Polls the heartbeat file until `ok` holds for it.
fn wait_heartbeat(
    mut notes: Option<&mut Notifications>,
    data: &Path,
    what: &str,
    within: Duration,
    ok: impl Fn(&Heartbeat) -> bool,
) -> (Heartbeat, Instant) {
    let deadline = Instant::now() + within;
    let mut last = None;
    while Instant::now() < deadline {
        match notes.as_deref_mut() {
            Some(notes) => notes.drain(),
            None => std::thread::sleep(Duration::from_millis(100)),
        }
        if let Some(beat) = heartbeat(data) {
            if ok(&beat) {
                return (beat, Instant::now());
            }
            last = Some(beat);
        }
    }
    panic!("heartbeat never showed {what} within {within:?}; last: {last:#?}");
}

/// The frame the heartbeat reports was drawn less than `secs` before it was written, and
/// after `since` (Unix seconds).
fn drawing(beat: &Heartbeat, since: i64) -> bool {
    beat.ui_fresh
        && beat.last_frame_at.is_some_and(|f| {
            f.unix_timestamp() >= since && (beat.written_at - f).whole_seconds() < 5
        })
}

fn unix_now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// The app's web content process: its child named WebKitWebProcess.
fn web_process(app: u32) -> Option<u32> {
    for entry in fs::read_dir("/proc").ok()? {
        let Ok(entry) = entry else { continue };
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        // pid (comm) state ppid ...
        let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
            continue;
        };
        let comm = &stat[open + 1..close];
        let ppid = stat[close + 1..].split_whitespace().nth(1);
        if comm.starts_with("WebKitWebProces") && ppid == Some(&app.to_string()) {
            return Some(pid);
        }
    }
    None
}

fn signal(pid: u32, name: &str) {
    let status = Command::new("kill")
        .args([format!("-{name}"), pid.to_string()])
        .status()
        .expect("kill");
    assert!(status.success(), "kill -{name} {pid}");
}

fn start_app(display: &str, data: &Path, socket: &Path, kiosk: bool) -> Child {
    let mut command = Command::new(env!("CARGO_BIN_EXE_sco-showroom"));
    if kiosk {
        command.arg("--kiosk");
    }
    command
        .env("DISPLAY", display)
        .env("SHOWROOM_DATA_DIR", data)
        .env("NOTIFY_SOCKET", socket)
        .env("WATCHDOG_USEC", "2000000")
        .env_remove("WATCHDOG_PID")
        .env_remove("WAYLAND_DISPLAY")
        .env("SHOWROOM_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start the app")
}

fn wait_exit(child: &mut Child, within: Duration) -> std::process::ExitStatus {
    let deadline = Instant::now() + within;
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status;
        }
        assert!(Instant::now() < deadline, "the app did not exit");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A display of its own, and a data directory whose `showroom.toml` is `settings`.
fn stage(settings: &str) -> (Reaper, String, tempfile::TempDir, PathBuf) {
    let mut reaper = Reaper(Vec::new());
    let display = xvfb(&mut reaper);
    let dir = tempfile::tempdir().unwrap();
    let data: PathBuf = dir.path().join("data");
    fs::create_dir_all(&data).unwrap();
    fs::write(data.join("showroom.toml"), settings).unwrap();
    (reaper, display, dir, data)
}

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

#[test]
fn the_app_is_supervised_end_to_end() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let (mut reaper, display, dir, data) = stage(
        "[supervise]\nheartbeat_interval_secs = 1\nstale_secs = 8\nreload_cap = 2\n\
         reload_window_secs = 600\n",
    );
    let socket_path = dir.path().join("notify.sock");
    let mut notes = Notifications::bind(&socket_path);

    // --- A kiosk: ready, fed, drawing.
    let started = Instant::now();
    let since = unix_now();
    reaper
        .0
        .push(start_app(&display, &data, &socket_path, true));
    let pid = reaper.0.last().unwrap().id();
    let ready = notes.wait_for("READY=1", started, secs(120));
    let fed = notes.wait_for("WATCHDOG=1", ready, secs(30));
    assert!(fed >= ready, "the watchdog is fed only after READY");
    let (beat, _) = wait_heartbeat(Some(&mut notes), &data, "a drawing UI", secs(30), |b| {
        drawing(b, since)
    });
    assert_eq!(beat.pid, pid);
    assert_eq!(beat.webview_reloads, 0);
    assert!(beat.watchdog);
    assert_eq!(beat.outbox.pending, 0);
    let (beat, _) = wait_heartbeat(
        Some(&mut notes),
        &data,
        "the catalog version",
        secs(60),
        |b| b.catalog_version.is_some(),
    );
    eprintln!(
        "ready after {:.1} s; catalog {:?}",
        (ready - started).as_secs_f64(),
        beat.catalog_version
    );

    // --- The web process is killed: the app reloads the page, and it draws again.
    let web = web_process(pid).expect("the app has a WebKitWebProcess child");
    let killed_at = unix_now();
    let killed = Instant::now();
    signal(web, "KILL");
    let (beat, back) = wait_heartbeat(
        Some(&mut notes),
        &data,
        "a reload after the kill",
        secs(30),
        |b| b.webview_reloads == 1 && drawing(b, killed_at + 1),
    );
    assert_eq!(beat.last_reload_reason, Some(ReloadReason::WebProcessDied));
    let new_web = web_process(pid).expect("a new web process");
    assert_ne!(new_web, web);
    eprintln!(
        "drawing again {:.1} s after the web process was killed",
        (back - killed).as_secs_f64()
    );

    // --- The web process hangs: after the stale threshold the app ends it and reloads.
    let stopped_at = unix_now();
    let stopped = Instant::now();
    signal(new_web, "STOP");
    let (beat, back) = wait_heartbeat(
        Some(&mut notes),
        &data,
        "a reload of the hung page",
        secs(40),
        |b| b.webview_reloads == 2 && drawing(b, stopped_at + 1),
    );
    assert_eq!(beat.last_reload_reason, Some(ReloadReason::Stale));
    eprintln!(
        "drawing again {:.1} s after the web process was stopped (stale threshold 8 s)",
        (back - stopped).as_secs_f64()
    );

    // --- The cap (2 in 10 minutes) is spent: the next death ends the app with its status.
    let web = web_process(pid).expect("a third web process");
    signal(web, "KILL");
    let status = wait_exit(reaper.0.last_mut().unwrap(), secs(30));
    assert_eq!(
        status.code(),
        Some(EXIT_WEBVIEW_UNRECOVERABLE),
        "exit status {status:?} (signal {:?})",
        status.signal()
    );

    // --- A desktop window whose page hangs is not reloaded, and the watchdog starves.
    let started = Instant::now();
    reaper
        .0
        .push(start_app(&display, &data, &socket_path, false));
    let pid = reaper.0.last().unwrap().id();
    let ready = notes.wait_for("READY=1", started, secs(120));
    notes.wait_for("WATCHDOG=1", ready, secs(30));
    let web = web_process(pid).expect("the desktop app's web process");
    signal(web, "STOP");
    let stopped = Instant::now();
    // The last answer came before the stop, so from 8 s after it (the threshold) no feed
    // may come at all; a healthy app feeds every second (half of WATCHDOG_USEC).
    while stopped.elapsed() < secs(16) {
        notes.drain();
    }
    let late = notes.count_since("WATCHDOG=1", stopped + Duration::from_millis(9500));
    let beat = heartbeat(&data).expect("heartbeat");
    signal(web, "CONT");
    assert_eq!(late, 0, "the watchdog was fed while the page was hung");
    assert!(!beat.ui_fresh, "a hung page is reported stale: {beat:#?}");
    assert_eq!(beat.webview_reloads, 0, "a desktop page is not reloaded");
    let resumed = Instant::now();
    notes.wait_for("WATCHDOG=1", resumed, secs(20));
}

/// `showroom`, built beside the app by the same `cargo test` of the workspace.
fn cli_binary() -> PathBuf {
    let app = Path::new(env!("CARGO_BIN_EXE_sco-showroom"));
    let cli = app.with_file_name("showroom");
    assert!(
        cli.exists(),
        "{} is missing: build it first (cargo build -p showroom-cli)",
        cli.display()
    );
    cli
}

/// Whether `pid` is a live process (a zombie counts as ended).
fn alive(pid: u32) -> bool {
    fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        stat.rfind(')')
            .and_then(|close| stat[close + 1..].split_whitespace().next())
            .is_some_and(|state| state != "Z" && state != "X")
    })
}

#[test]
fn the_kiosk_guard_keeps_the_real_app_running() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let (mut reaper, display, _dir, data) =
        stage("[supervise]\nheartbeat_interval_secs = 1\nstale_secs = 8\n");
    let mut guard = Command::new(cli_binary())
        .arg("--data-dir")
        .arg(&data)
        .args(["--json", "kiosk", "guard", "--watchdog-secs", "6"])
        .args(["--restart-delay-secs", "1", "--"])
        .arg(env!("CARGO_BIN_EXE_sco-showroom"))
        .arg("--kiosk")
        .env("DISPLAY", &display)
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("NOTIFY_SOCKET")
        .env_remove("WATCHDOG_USEC")
        .env("SHOWROOM_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start the guard");
    let events = std::sync::Arc::new(std::sync::Mutex::new(Vec::<serde_json::Value>::new()));
    let lines = BufReader::new(guard.stdout.take().expect("stdout"));
    let collected = events.clone();
    std::thread::spawn(move || {
        for line in lines.lines().map_while(Result::ok) {
            let event = serde_json::from_str(&line).expect("a JSON event");
            collected.lock().unwrap().push(event);
        }
    });
    reaper.0.push(guard);

    // Waits until the guard has said `ready` `n` times; returns that event's pid.
    let ready = |n: usize, what: &str| -> (u32, Instant) {
        let deadline = Instant::now() + secs(120);
        loop {
            let pids: Vec<u32> = events
                .lock()
                .unwrap()
                .iter()
                .filter(|e| e["event"] == "ready")
                .filter_map(|e| e["pid"].as_u64())
                .map(|p| p as u32)
                .collect();
            if let Some(pid) = pids.get(n - 1) {
                return (*pid, Instant::now());
            }
            assert!(Instant::now() < deadline, "the guard never saw {what}");
            std::thread::sleep(Duration::from_millis(100));
        }
    };

    // --- The guard starts the app, and it draws.
    let since = unix_now();
    let (first, _) = ready(1, "the first app ready");
    let (beat, _) = wait_heartbeat(None, &data, "a drawing UI", secs(30), |b| {
        b.pid == first && drawing(b, since)
    });
    assert!(beat.ui_fresh);

    // --- The app is killed: the guard starts it again.
    let killed = Instant::now();
    signal(first, "KILL");
    let (second, back) = ready(2, "a second app ready");
    assert_ne!(second, first);
    eprintln!(
        "guard: a new app drawing {:.1} s after the first was killed",
        (back - killed).as_secs_f64()
    );

    // --- The app hangs whole (no heartbeat at all): after the watchdog's 6 s the guard
    // ends it and starts it again.
    let stopped = Instant::now();
    signal(second, "STOP");
    let (third, back) = ready(3, "a third app ready");
    assert!(third != first && third != second);
    assert!(!alive(second), "the hung app was ended");
    wait_heartbeat(None, &data, "the third app drawing", secs(30), |b| {
        b.pid == third && drawing(b, since)
    });
    eprintln!(
        "guard: a new app drawing {:.1} s after the second was stopped (watchdog 6 s)",
        (back - stopped).as_secs_f64()
    );

    // --- What the guard said, in order.
    let said = events.lock().unwrap().clone();
    let kinds: Vec<&str> = said.iter().filter_map(|e| e["event"].as_str()).collect();
    assert_eq!(
        kinds,
        [
            "started",
            "ready",
            "ended",
            "restarting",
            "started",
            "ready",
            "ended",
            "restarting",
            "started",
            "ready"
        ],
        "{said:#?}"
    );
    assert_eq!(said[2]["reason"], "exited");
    assert_eq!(said[2]["pid"], first);
    assert_eq!(said[6]["reason"], "hung");
    assert_eq!(said[6]["pid"], second);
    let silent = said[6]["silent_secs"].as_f64().unwrap();
    assert!((6.0..12.0).contains(&silent), "silent for {silent} s");

    // --- The guard ends (however: here SIGKILL): the app it started ends with it.
    let guard = reaper.0.last_mut().unwrap();
    guard.kill().unwrap();
    guard.wait().unwrap();
    let deadline = Instant::now() + secs(10);
    while alive(third) {
        assert!(Instant::now() < deadline, "the app outlived its guard");
        std::thread::sleep(Duration::from_millis(100));
    }
}
