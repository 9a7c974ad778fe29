//! Project tasks, run as `cargo xtask <task>` (or `./x <task>`, which first installs the
//! system packages):
//!
//! - `run`: build the UI and the app, then open the app on the bundled sample catalog;
//! - `test`: every check and test, the same as CI: formatting, clippy, the UI type check,
//!   Rust unit, integration and CLI tests, and the real window driven under Xvfb;
//! - `ui`: install the UI's npm packages when they changed, and build it;
//! - `schemathesis`: build the reference trade platform and check it against
//!   `docs/trade-platform.openapi.yaml` (also a step of `test`).
//! - `package`: the release app as a .deb with the sample catalog (and the AppImage where
//!   the bundler can fetch its tools); `test` installs and starts a .deb of the debug build;
//! - `soak`: the kiosk app against a flaky platform with a scripted visitor, memory sampled
//!   (`docs/soak.md`); 3 minutes as a step of `test`;
//! - `windows [FILTER…]`: the core crates', the platform's and the CLI's tests built for Windows
//!   and run under Wine; `test` runs them after clippy for Windows (`windows.rs`).

mod package;
mod soak;
mod windows;

use std::env;
use std::fs;
use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

type Result<T = ()> = std::result::Result<T, String>;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

fn main() -> ExitCode {
    let task = env::args().nth(1).unwrap_or_default();
    let result = match task.as_str() {
        "run" => run_app(),
        "test" => test(),
        "ui" => ui(),
        "package" => package::package(&env::args().skip(2).collect::<Vec<_>>()),
        "soak" => soak::soak(&env::args().skip(2).collect::<Vec<_>>()),
        "windows" => windows::tests(&env::args().skip(2).collect::<Vec<_>>()),
        "schemathesis" => {
            status(cargo(&["build", "-p", "showroom-platform"])).and_then(|()| schemathesis())
        }
        _ => Err("usage: cargo xtask <run|test|ui|schemathesis|package|soak|windows>".into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

fn step(name: &str) {
    eprintln!("\n==> {name}");
}

fn cmd(program: &str, args: &[&str], dir: &Path) -> Command {
    let mut command = Command::new(program);
    command.args(args).current_dir(dir);
    command
}

fn status(mut command: Command) -> Result {
    let shown = format!("{command:?}");
    let status = command.status().map_err(|e| format!("{shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed ({status})"))
    }
}

/// `npm ci` when `node_modules` is missing or older than the lock file, then the build.
fn ui() -> Result {
    let ui = root().join("ui");
    let installed = ui.join("node_modules/.package-lock.json");
    let stale = match (
        fs::metadata(&installed),
        fs::metadata(ui.join("package-lock.json")),
    ) {
        (Ok(have), Ok(want)) => have.modified().ok() < want.modified().ok(),
        _ => true,
    };
    if stale {
        step("npm ci (ui)");
        status(cmd("npm", &["ci", "--no-audit", "--no-fund"], &ui))?;
    }
    step("build the UI");
    status(cmd("npm", &["run", "build"], &ui))
}

fn cargo(args: &[&str]) -> Command {
    let mut command = cmd(
        &env::var("CARGO").unwrap_or_else(|_| "cargo".into()),
        args,
        &root(),
    );
    command.env(
        "CARGO_INCREMENTAL",
        env::var("CARGO_INCREMENTAL").unwrap_or_else(|_| "0".into()),
    );
    command
}

fn run_app() -> Result {
    ui()?;
    step("build the app");
    status(cargo(&["build", "-p", "sco-showroom"]))?;
    step("start SCO Showroom");
    if env::var_os("DISPLAY").is_none() && env::var_os("WAYLAND_DISPLAY").is_none() {
        return Err(
            "no display: run it in a desktop session (or under Xvfb with DISPLAY set)".into(),
        );
    }
    status(cmd(
        root()
            .join("target/debug/sco-showroom")
            .to_str()
            .unwrap_or_default(),
        &[],
        &root(),
    ))
}

fn test() -> Result {
    let started = Instant::now();
    // Every process the run starts carries this mark, so that its end can tell whether
    // any of them is still running.
    let run = RunMark::set();
    ui()?;
    step("UI type check");
    status(cmd("npm", &["run", "check"], &root().join("ui")))?;
    step("cargo fmt --check");
    status(cargo(&["fmt", "--all", "--", "--check"]))?;
    step("cargo clippy");
    status(cargo(&[
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    windows::check()?;
    step("Rust tests (unit, integration on real SQLite and tantivy, CLI on the built binary)");
    status(cargo(&["test", "--workspace"]))?;
    windows::tests(&[])?;
    // The app, the CLI and the reference platform, with the features `cargo test` unified
    // for the whole workspace: it built these binaries for the integration tests, so this
    // only checks them (building them one package at a time compiled the shared
    // dependencies again with other features, minutes of work and gigabytes of disk).
    step("build the app, the CLI and the reference platform");
    status(cargo(&["build", "--workspace", "--bins", "--tests"]))?;
    package::install_check()?;
    window_tests()?;
    schemathesis()?;
    step(
        "the online show as published: nginx with TLS in front of two `showroom serve` replicas \
         (the browser suite in Chromium with axe-core, the attack suite, a rolling catalog update \
         under load, inquiries delivered exactly once)",
    );
    // nginx.mjs runs the shipped packaging/nginx configuration in front of the `showroom serve`
    // and the reference trade platform built above. The browser suite runs through it only:
    // serve on its own is covered by crates/showroom-cli/tests/serve.rs, and `npm run e2e`
    // still runs the browser suite against one replica directly.
    status(cmd("npm", &["run", "e2e:nginx"], &root().join("ui")))?;
    step(
        "the screens on 100,000 products (a generated catalog served by `showroom serve`; \
         figures in target/e2e-large.json)",
    );
    status(cmd("npm", &["run", "e2e:large"], &root().join("ui")))?;
    // The kiosk app for 3 minutes against a platform with 30 % faults (docs/soak.md);
    // everything it runs was built above.
    soak::soak(&["--minutes", "3", "--warmup-minutes", "1", "--no-build"].map(String::from))?;
    step("no process of the run is left behind");
    run.no_leftovers()?;
    eprintln!(
        "\nall checks passed in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The schemathesis release the conformance step installs into its own venv.
const SCHEMATHESIS: &str = "4.32.5";

/// Runs schemathesis against the built reference platform: every check of the OpenAPI
/// file but `positive_data_acceptance`, which expects every schema-valid inquiry to be
/// accepted while the contract also refuses, by rules JSON Schema does not carry here,
/// a `client_ref` other than the `Idempotency-Key` (400), ISO country and currency codes
/// outside the lists (400), a buyer without any contact (400) and products the platform
/// does not publish (422).
fn schemathesis() -> Result {
    step("OpenAPI conformance of the reference trade platform (schemathesis)");
    let target = root().join("target");
    let venv = target.join("schemathesis-venv");
    let bin = venv.join("bin/schemathesis");
    let installed = Command::new(&bin)
        .arg("--version")
        .output()
        .ok()
        .filter(|out| out.status.success())
        .map(|out| String::from_utf8_lossy(&out.stdout).into_owned())
        .unwrap_or_default();
    if !installed.contains(&format!("version {SCHEMATHESIS}")) {
        if !venv.join("bin/pip").exists() {
            status(cmd(
                "python3",
                &[
                    "-m",
                    "venv",
                    venv.to_str().ok_or("target path is not UTF-8")?,
                ],
                &root(),
            ))?;
        }
        status(cmd(
            venv.join("bin/pip").to_str().unwrap_or_default(),
            &[
                "install",
                "--quiet",
                "--disable-pip-version-check",
                &format!("schemathesis=={SCHEMATHESIS}"),
            ],
            &root(),
        ))?;
    }

    // schemathesis keeps its .hypothesis and .schemathesis folders in the working folder.
    let work = target.join("schemathesis");
    let data = work.join(format!("platform-{}", std::process::id()));
    let _ = fs::remove_dir_all(&data);
    fs::create_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;
    let token = format!(
        "st-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default()
    );
    let mut platform = Command::new(root().join("target/debug/showroom-platform"))
        .args(["--bind", "127.0.0.1:0", "--data"])
        .arg(&data)
        .arg("--catalog")
        .arg(root().join("catalog"))
        .env("SHOWROOM_PLATFORM_TOKEN", &token)
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("showroom-platform: {e}"))?;
    let stdout = platform.stdout.take();
    let services = Services(vec![platform]);
    // The platform prints `listening on http://ADDR` once it accepts connections.
    let mut line = String::new();
    if let Some(stdout) = stdout {
        let _ = BufReader::new(stdout).read_line(&mut line);
    }
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .ok_or("showroom-platform did not start")?
        .to_string();
    let run = cmd(
        bin.to_str().unwrap_or_default(),
        &[
            "run",
            root()
                .join("docs/trade-platform.openapi.yaml")
                .to_str()
                .unwrap_or_default(),
            "--url",
            &url,
            "--header",
            &format!("Authorization: Bearer {token}"),
            "--checks",
            "all",
            "--exclude-checks",
            "positive_data_acceptance",
            // About half a minute on two cores; the seed is printed to replay a failure.
            "--max-examples",
            "50",
            "--request-timeout",
            "10",
            "--no-color",
        ],
        &work,
    );
    let result = status(run);
    drop(services);
    let _ = fs::remove_dir_all(&data);
    result
}

/// Kills the processes it holds when dropped, also on an early error.
struct Services(Vec<Child>);

impl Drop for Services {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn wait_for_port(port: u16, what: &str) -> Result {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        sleep(Duration::from_millis(200));
    }
    Err(format!("{what} did not listen on port {port}"))
}

fn tauri_driver() -> Result<PathBuf> {
    let home = env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")))
        .ok_or("no CARGO_HOME or HOME")?;
    let path = home.join("bin/tauri-driver");
    if !path.exists() {
        step("cargo install tauri-driver");
        status(cargo(&[
            "install",
            "tauri-driver",
            "--locked",
            "--version",
            "^2",
        ]))?;
    }
    Ok(path)
}

/// An Xvfb of its own on the first free display (`-displayfd`), so that it meets no
/// other X server on the machine, nor a stale lock of a fixed display whose process
/// number has been taken by another process.
pub fn xvfb(screen: &str) -> Result<(Child, String)> {
    let mut child = Command::new("Xvfb")
        .args([
            "-displayfd",
            "1",
            "-screen",
            "0",
            screen,
            "-nolisten",
            "tcp",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("Xvfb: {e}"))?;
    let mut line = String::new();
    if let Some(stdout) = child.stdout.take() {
        let _ = BufReader::new(stdout).read_line(&mut line);
    }
    let number = line.trim();
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        let _ = child.kill();
        let _ = child.wait();
        return Err("Xvfb did not say which display it took".into());
    }
    let display = format!(":{number}");
    Ok((child, display))
}

/// The real window under Xvfb, driven through tauri-driver and WebKitWebDriver.
fn window_tests() -> Result {
    let driver = tauri_driver()?;
    step("end-to-end tests of the real window (Xvfb, tauri-driver, WebKitWebDriver)");
    let data = env::temp_dir().join(format!("showroom-e2e-{}", std::process::id()));
    let _ = fs::remove_dir_all(&data);
    let mut services = Services(Vec::new());
    let display = match env::var("SHOWROOM_TEST_DISPLAY") {
        Ok(display) => display,
        Err(_) => {
            let (server, display) = xvfb("1920x1080x24")?;
            services.0.push(server);
            display
        }
    };
    // Dropped before `services`: the driver, WebKitWebDriver and the apps they started
    // end while their X server still runs.
    let _driver = Group::spawn(
        Command::new(driver)
            .args([
                "--port",
                "4444",
                "--native-driver",
                "/usr/bin/WebKitWebDriver",
            ])
            .env("DISPLAY", &display)
            // The app is started by the driver and inherits this environment.
            .env("SHOWROOM_DATA_DIR", &data)
            .stdout(Stdio::null()),
    )
    .map_err(|e| format!("tauri-driver: {e}"))?;
    wait_for_port(4444, "tauri-driver")?;
    let app = root().join("target/debug/sco-showroom");
    let mut test = cmd(
        "node",
        &["--test", "--test-concurrency=1", "e2e/"],
        &root().join("ui"),
    );
    test.env("SHOWROOM_APP", &app)
        // The app's data directory, for tests that put files there (the admin PIN).
        .env("SHOWROOM_DATA_DIR", &data)
        .env("SHOWROOM_SCREENSHOTS", root().join("target/screenshots"))
        // The kiosk tests take the screen itself (a full-screen web view's WebDriver
        // picture is black).
        .env("DISPLAY", &display)
        .env("WEBDRIVER_URL", "http://127.0.0.1:4444");
    let result = status(test);
    let _ = fs::remove_dir_all(&data);
    result
}

/// A process in a process group of its own, with everything it starts (tauri-driver starts
/// WebKitWebDriver, which starts the app, which starts its web processes): dropping it ends
/// the whole group, not only the process (killing tauri-driver alone left WebKitWebDriver
/// listening on port 4445).
struct Group(Child);

impl Group {
    fn spawn(command: &mut Command) -> std::io::Result<Group> {
        use std::os::unix::process::CommandExt;
        command.process_group(0).spawn().map(Group)
    }

    /// Sends `signal` to every process of the group; false when none is left.
    fn signal(&self, signal: &str) -> bool {
        Command::new("kill")
            .args([&format!("-{signal}"), "--", &format!("-{}", self.0.id())])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        // A polite end first (WebKitWebDriver closes its sessions), then a forced one.
        self.signal("TERM");
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            let _ = self.0.try_wait();
            if !self.signal("0") {
                break;
            }
            sleep(Duration::from_millis(100));
        }
        self.signal("KILL");
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The environment variable that marks the processes of one `test` run. Not `SHOWROOM_*`:
/// the browser suite's scripts drop those from what their children inherit.
const RUN_MARK: &str = "XTASK_TEST_RUN";

/// Marks every process a `test` run starts (through the environment they inherit), and at
/// the end finds those still running: the run must stop all it started. Dropped without
/// [`RunMark::no_leftovers`] (a step failed), it reports and ends them all the same.
struct RunMark {
    value: String,
    /// When this process started (clock ticks since boot): nothing of the run is older.
    since: u64,
    checked: bool,
}

/// A process still running, as `/proc` shows it.
struct Leftover {
    pid: u32,
    command: String,
}

impl RunMark {
    fn set() -> RunMark {
        let value = format!(
            "{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or_default()
        );
        // SAFETY: set at the start of `test`, before xtask has started any thread of its
        // own that could read the environment meanwhile.
        unsafe { env::set_var(RUN_MARK, &value) };
        let since = fs::read_to_string("/proc/self/stat")
            .ok()
            .and_then(|stat| proc_stat(&stat).map(|s| s.start))
            .unwrap_or(0);
        RunMark {
            value,
            since,
            checked: false,
        }
    }

    /// Fails with every process of the run still running after a grace of 10 s (for the
    /// ones just ending), and ends them.
    fn no_leftovers(mut self) -> Result {
        self.checked = true;
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut left = self.leftovers();
        while !left.is_empty() && Instant::now() < deadline {
            sleep(Duration::from_millis(250));
            left = self.leftovers();
        }
        if left.is_empty() {
            return Ok(());
        }
        let list = Self::end(&left);
        Err(format!(
            "{} process(es) started by the run were still running (now killed):\n{list}",
            left.len()
        ))
    }

    /// Kills `left` and lists them, one a line.
    fn end(left: &[Leftover]) -> String {
        for process in left {
            let _ = Command::new("kill")
                .args(["-KILL", &process.pid.to_string()])
                .stderr(Stdio::null())
                .status();
        }
        left.iter()
            .map(|p| format!("  {} {}", p.pid, p.command))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The processes of this run that are still running: those that carry the mark; those
    /// whose environment is blanked (nginx writes its process title over it) that are
    /// nginx, Chromium or Xvfb run on this repository's or the tests' temporary files; and
    /// whatever any of them started.
    fn leftovers(&self) -> Vec<Leftover> {
        let me = std::process::id();
        let mark = format!("{RUN_MARK}={}", self.value);
        let root = root().display().to_string();
        let temp = env::temp_dir().join("showroom-").display().to_string();
        let mut all = Vec::new();
        let Ok(dir) = fs::read_dir("/proc") else {
            return Vec::new();
        };
        for entry in dir.flatten() {
            let Some(pid) = entry
                .file_name()
                .to_str()
                .and_then(|n| n.parse::<u32>().ok())
            else {
                continue;
            };
            let Some(stat) = fs::read_to_string(format!("/proc/{pid}/stat"))
                .ok()
                .and_then(|s| proc_stat(&s))
            else {
                continue;
            };
            if pid == me || stat.state == 'Z' || stat.start < self.since {
                continue;
            }
            let command = fs::read(format!("/proc/{pid}/cmdline"))
                .map(|b| {
                    String::from_utf8_lossy(&b)
                        .split('\0')
                        .filter(|a| !a.is_empty())
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .unwrap_or_default();
            let environ = fs::read(format!("/proc/{pid}/environ")).unwrap_or_default();
            let marked = environ.split(|&b| b == 0).any(|var| var == mark.as_bytes());
            let blanked = !environ.contains(&b'=');
            let known = ["nginx", "chrom", "Xvfb"]
                .iter()
                .any(|name| stat.name.contains(name) || command.contains(name));
            let on_our_files = command.contains(&root) || command.contains(&temp);
            let ours = marked || (blanked && known && on_our_files);
            all.push((pid, stat.parent, ours, command));
        }
        // Whatever a process of the run started is of the run too.
        loop {
            let ours: std::collections::HashSet<u32> =
                all.iter().filter(|p| p.2).map(|p| p.0).collect();
            let mut grew = false;
            for process in &mut all {
                if !process.2 && ours.contains(&process.1) {
                    process.2 = true;
                    grew = true;
                }
            }
            if !grew {
                break;
            }
        }
        all.into_iter()
            .filter(|p| p.2)
            .map(|(pid, _, _, command)| Leftover {
                pid,
                command: command.chars().take(300).collect(),
            })
            .collect()
    }
}

impl Drop for RunMark {
    fn drop(&mut self) {
        if self.checked {
            return;
        }
        let left = self.leftovers();
        if !left.is_empty() {
            eprintln!(
                "xtask: {} process(es) started by the failed run were still running (now \
                 killed):\n{}",
                left.len(),
                Self::end(&left)
            );
        }
    }
}

/// The fields of `/proc/PID/stat` the leftover check reads.
struct ProcStat {
    name: String,
    state: char,
    parent: u32,
    /// Clock ticks after boot.
    start: u64,
}

fn proc_stat(stat: &str) -> Option<ProcStat> {
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
    // utime stime cutime cstime priority nice threads itrealvalue starttime ...
    let (open, close) = (stat.find('(')?, stat.rfind(')')?);
    let rest: Vec<&str> = stat[close + 1..].split_whitespace().collect();
    Some(ProcStat {
        name: stat[open + 1..close].to_string(),
        state: rest.first()?.chars().next()?,
        parent: rest.get(1)?.parse().ok()?,
        start: rest.get(19)?.parse().ok()?,
    })
}
