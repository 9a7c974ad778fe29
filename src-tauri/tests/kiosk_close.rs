//! A kiosk cannot be closed from the keyboard, and every way its window goes away other than
//! the admin's Exit ends the app with a non-zero status, which the service manager restarts.
//!
//! The built app runs on a real display (Xvfb) under a real window manager (openbox), and
//! the keys are typed through the X server with xdotool (XTEST), so Alt+F4 reaches openbox's
//! key binding, which asks the window to close as any window manager would:
//!
//! - a desktop window closes on Alt+F4 with status 0 (which proves the close reaches the
//!   app, so that the kiosk's refusal below means something);
//! - a kiosk refuses Alt+F4, Ctrl+W and Ctrl+Q: it keeps running and its window stays;
//! - a kiosk whose window is destroyed anyway (`xdotool windowclose`) exits with status 12,
//!   or, when GTK was drawing into it at that moment, 1 from GDK's X error handler;
//! - a kiosk whose X connection is killed (`xdotool windowkill`) exits non-zero.
//!
//! Needs `Xvfb`, `openbox` and `xdotool` (installed by `./x test`). Run alone with
//! `cargo test -p sco-showroom --test kiosk_close -- --nocapture`.

#![cfg(target_os = "linux")]

use std::fs;
use std::io::{BufRead, BufReader};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use showroom_core::supervise::Heartbeat;

/// The status of a kiosk whose window went away without the admin's Exit (`KIOSK_CLOSED`
/// in src/lib.rs).
const KIOSK_CLOSED: i32 = 12;

/// The window's title (`open_window` in src/lib.rs).
const TITLE: &str = "^SCO Showroom$";

/// Kills what it holds when the test ends, however it ends, the last started first.
struct Reaper(Vec<Child>);

impl Drop for Reaper {
    fn drop(&mut self) {
        for child in self.0.iter_mut().rev() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
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

/// Runs `xdotool` on `display`: its status and what it printed.
fn xdotool(display: &str, args: &[&str]) -> (bool, String) {
    let out = Command::new("xdotool")
        .args(args)
        .env("DISPLAY", display)
        .stderr(Stdio::null())
        .output()
        .expect("xdotool (installed by ./x test) must be on PATH");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).trim().to_string(),
    )
}

/// Starts openbox on `display` with the one key binding the test needs, the stock Alt+F4
/// → Close, and waits until it manages the screen (it has set the EWMH desktops).
fn openbox(display: &str, dir: &Path, reaper: &mut Reaper) {
    let config = dir.join("openbox-rc.xml");
    fs::write(
        &config,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<openbox_config xmlns="http://openbox.org/3.4/rc">
  <desktops><number>1</number></desktops>
  <keyboard>
    <keybind key="A-F4"><action name="Close"/></keybind>
  </keyboard>
</openbox_config>
"#,
    )
    .unwrap();
    let child = Command::new("openbox")
        .arg("--sm-disable")
        .arg("--config-file")
        .arg(&config)
        .env("DISPLAY", display)
        .env("HOME", dir)
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("XDG_CACHE_HOME", dir.join("cache"))
        .stdout(Stdio::null())
        .stderr(fs::File::create(dir.join("openbox.log")).unwrap())
        .spawn()
        .expect("openbox (installed by ./x test) must be on PATH");
    reaper.0.push(child);
    let deadline = Instant::now() + secs(20);
    loop {
        let (ok, desktops) = xdotool(display, &["get_num_desktops"]);
        if ok && desktops == "1" {
            return;
        }
        let exited = reaper.0.last_mut().unwrap().try_wait().expect("wait");
        assert!(
            exited.is_none() && Instant::now() < deadline,
            "openbox did not manage the display within 20 s (exited: {exited:?}; \
             get_num_desktops: {ok} {desktops:?}):\n{}",
            fs::read_to_string(dir.join("openbox.log")).unwrap_or_default()
        );
        sleep(Duration::from_millis(200));
    }
}

/// A running app: its process (held by the reaper) and its log file.
struct App {
    index: usize,
    log: PathBuf,
    data: PathBuf,
}

impl App {
    fn start(display: &str, dir: &Path, name: &str, kiosk: bool, reaper: &mut Reaper) -> App {
        let data = dir.join(name);
        fs::create_dir_all(&data).unwrap();
        // A heartbeat every second, to see the UI drawing soon after it starts.
        fs::write(
            data.join("showroom.toml"),
            "[supervise]\nheartbeat_interval_secs = 1\n",
        )
        .unwrap();
        let log = dir.join(format!("{name}.log"));
        let file = fs::File::create(&log).unwrap();
        let mut command = Command::new(env!("CARGO_BIN_EXE_sco-showroom"));
        if kiosk {
            command.arg("--kiosk");
        }
        let child = command
            .env("DISPLAY", display)
            .env("SHOWROOM_DATA_DIR", &data)
            .env(
                "SHOWROOM_CATALOG",
                concat!(env!("CARGO_MANIFEST_DIR"), "/../catalog"),
            )
            .env_remove("NOTIFY_SOCKET")
            .env_remove("WATCHDOG_USEC")
            .env_remove("WATCHDOG_PID")
            .env_remove("WAYLAND_DISPLAY")
            .env("SHOWROOM_LOG", "info")
            .stdout(file.try_clone().unwrap())
            .stderr(file)
            .spawn()
            .expect("start the app");
        reaper.0.push(child);
        App {
            index: reaper.0.len() - 1,
            log,
            data,
        }
    }

    fn child<'a>(&self, reaper: &'a mut Reaper) -> &'a mut Child {
        &mut reaper.0[self.index]
    }

    fn log(&self) -> String {
        fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// How many times the app logged that it refused a window close.
    fn refusals(&self) -> usize {
        self.log()
            .matches("window close refused in kiosk mode")
            .count()
    }

    fn exited(&self, reaper: &mut Reaper) -> Option<ExitStatus> {
        self.child(reaper).try_wait().expect("wait")
    }

    /// Waits for the mapped window and for the UI to draw (the heartbeat says so); returns
    /// the window's id.
    fn wait_window(&self, display: &str, reaper: &mut Reaper) -> String {
        let deadline = Instant::now() + secs(120);
        let window = loop {
            if let Some(status) = self.exited(reaper) {
                panic!(
                    "the app exited ({status:?}) before its window showed:\n{}",
                    self.log()
                );
            }
            if let (true, ids) = xdotool(display, &["search", "--onlyvisible", "--name", TITLE])
                && let Some(id) = ids.lines().next()
            {
                break id.to_string();
            }
            assert!(
                Instant::now() < deadline,
                "no window within 120 s:\n{}",
                self.log()
            );
            sleep(Duration::from_millis(250));
        };
        loop {
            let beat: Option<Heartbeat> = fs::read(self.data.join("heartbeat.json"))
                .ok()
                .and_then(|b| serde_json::from_slice(&b).ok());
            if beat.is_some_and(|b| b.ui_fresh && b.last_frame_at.is_some()) {
                break;
            }
            assert!(
                self.exited(reaper).is_none(),
                "the app exited before its UI drew:\n{}",
                self.log()
            );
            assert!(
                Instant::now() < deadline,
                "the UI did not draw within 120 s:\n{}",
                self.log()
            );
            sleep(Duration::from_millis(250));
        }
        window
    }

    fn wait_exit(&self, reaper: &mut Reaper, within: Duration) -> ExitStatus {
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = self.exited(reaper) {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "the app did not exit within {within:?}:\n{}",
                self.log()
            );
            sleep(Duration::from_millis(100));
        }
    }
}

/// Gives `window` the focus through the window manager, so that typed keys go to it.
fn activate(display: &str, window: &str) {
    let deadline = Instant::now() + secs(10);
    loop {
        xdotool(display, &["windowactivate", "--sync", window]);
        if xdotool(display, &["getactivewindow"]).1 == window {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "window {window} did not get the focus"
        );
        sleep(Duration::from_millis(200));
    }
}

/// Types `keys` through the X server (XTEST), as a keyboard would: the window manager's
/// key bindings see them first, then the focused window.
fn press(display: &str, window: &str, keys: &str) {
    activate(display, window);
    let (ok, _) = xdotool(display, &["key", "--clearmodifiers", keys]);
    assert!(ok, "xdotool key {keys}");
}

fn visible(display: &str, window: &str) -> bool {
    let (_, ids) = xdotool(display, &["search", "--onlyvisible", "--name", TITLE]);
    ids.lines().any(|id| id == window)
}

fn describe(status: ExitStatus) -> String {
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("status {code}"),
        (None, Some(signal)) => format!("signal {signal}"),
        _ => format!("{status:?}"),
    }
}

#[test]
fn a_kiosk_window_cannot_be_closed_and_goes_away_only_with_a_non_zero_status() {
    let mut reaper = Reaper(Vec::new());
    let dir = tempfile::tempdir().unwrap();
    let display = xvfb(&mut reaper);
    openbox(&display, dir.path(), &mut reaper);

    // --- The desktop app: Alt+F4 through openbox closes it, with status 0. Without this
    // the refusals below could be keys that never reached the app.
    let app = App::start(&display, dir.path(), "desktop", false, &mut reaper);
    let window = app.wait_window(&display, &mut reaper);
    press(&display, &window, "alt+F4");
    let status = app.wait_exit(&mut reaper, secs(20));
    eprintln!("desktop window, Alt+F4: {}", describe(status));
    assert_eq!(
        status.code(),
        Some(0),
        "the desktop app closed by Alt+F4 ended with {}:\n{}",
        describe(status),
        app.log()
    );

    // --- A kiosk refuses every close from the keyboard.
    let kiosk = App::start(&display, dir.path(), "kiosk", true, &mut reaper);
    let window = kiosk.wait_window(&display, &mut reaper);
    for keys in ["alt+F4", "ctrl+w", "ctrl+q", "alt+F4"] {
        let refused_before = kiosk.refusals();
        press(&display, &window, keys);
        sleep(secs(2));
        if let Some(status) = kiosk.exited(&mut reaper) {
            panic!(
                "the kiosk ended on {keys} with {}:\n{}",
                describe(status),
                kiosk.log()
            );
        }
        assert!(
            visible(&display, &window),
            "the kiosk's window {window} went away on {keys}"
        );
        let refused = kiosk.refusals() - refused_before;
        eprintln!("kiosk, {keys}: still running, window still shown ({refused} close refused)");
        if keys == "alt+F4" {
            // openbox asked the window to close, and the app said no.
            assert!(
                refused >= 1,
                "Alt+F4 did not reach the kiosk as a close request:\n{}",
                kiosk.log()
            );
        }
    }

    // --- The window is destroyed anyway (no window manager does this to a client, but
    // another X client can): the kiosk ends with its own non-zero status. Destroyed while
    // GTK draws into it (a few runs in ten here), the drawing request fails first and
    // GDK's X error handler ends the process with status 1: not the app's status, but not
    // 0 either, so the service manager restarts it all the same.
    let (ok, _) = xdotool(&display, &["windowclose", &window]);
    assert!(ok, "xdotool windowclose {window}");
    let status = kiosk.wait_exit(&mut reaper, secs(20));
    eprintln!(
        "kiosk, window destroyed (xdotool windowclose): {}",
        describe(status)
    );
    let gdk_x_error =
        status.code() == Some(1) && kiosk.log().contains("received an X Window System error");
    assert!(
        status.code() == Some(KIOSK_CLOSED) || gdk_x_error,
        "a kiosk whose window was destroyed ended with {}:\n{}",
        describe(status),
        kiosk.log()
    );

    // --- The X server drops the kiosk's connection: it ends, and not with status 0.
    let kiosk = App::start(&display, dir.path(), "kiosk-killed", true, &mut reaper);
    let window = kiosk.wait_window(&display, &mut reaper);
    let (ok, _) = xdotool(&display, &["windowkill", &window]);
    assert!(ok, "xdotool windowkill {window}");
    let status = kiosk.wait_exit(&mut reaper, secs(20));
    eprintln!(
        "kiosk, X connection killed (xdotool windowkill): {}",
        describe(status)
    );
    assert!(
        !status.success(),
        "a kiosk whose X connection was killed ended with {}:\n{}",
        describe(status),
        kiosk.log()
    );
}
