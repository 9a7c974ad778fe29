//! `cargo xtask soak [--minutes N] [--cycles C] [--warmup-minutes W] [--out DIR] [--interval S]
//! [--max-growth PCT] [--idle-seconds I] [--warning-seconds J] [--release] [--no-build]`: the
//! real kiosk app against a flaky trade platform for N minutes (or C visitors, N minutes at
//! most), driven by the scripted visitor `ui/e2e-soak/visitor.mjs`, while the memory of the
//! app and its WebKit processes is sampled every S seconds into `DIR/memory.csv`.
//!
//! Started here: Xvfb (unless `SHOWROOM_TEST_DISPLAY` names a display), the reference
//! platform with 30 % injected faults (500, 503, 429, hang, reset, drop), tauri-driver with
//! WebKitWebDriver, and the visitor, which opens `sco-showroom --kiosk` on a fresh data
//! directory (the sample catalog imported) whose `showroom.toml` makes the idle warning come
//! I seconds after the last touch and the reset J seconds after it (30 + 5 unless told).
//!
//! Fails when the visitor fails a step, when the app or a web process disappears while the
//! visitor runs, when inquiries are left undelivered or refused after the drain, when at
//! least 30 minutes were measured after the warm-up of a run by time and memory grew by
//! `--max-growth` % (default 20) or more from the end of the warm-up to the end, and when at
//! least 1,000 visitors were run and memory grew by that much from visitors 101–200 to the
//! last hundred (`DIR/curve.csv`). Shorter runs report the growth without judging it.
//!
//! SIGINT or SIGTERM stops a run cleanly: the visitor finishes the visitor at the screen, the
//! outbox drains, the summary is written and every process started here is stopped; a
//! second signal stops at once.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::env;
use std::fmt::Write as _;
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicI32, AtomicUsize, Ordering};
use std::thread::sleep;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::{Result, Services, cargo, cmd, root, status, step, tauri_driver, ui, wait_for_port};

/// The tauri-driver port and the WebKitWebDriver port behind it (apart from `window_tests`).
const DRIVER_PORT: u16 = 4447;
const NATIVE_PORT: u16 = 4448;
/// Measured minutes after the warm-up from which the growth limit is enforced (runs by time).
const JUDGED_MINUTES: f64 = 30.0;
/// Visitors per band of the memory curve, and the visitors from which the growth from the
/// second band to the last is enforced.
const BAND: u64 = 100;
const JUDGED_CYCLES: u64 = 1000;
/// Fewest samples for a band to stand for its hundred visitors at the end of the curve.
const BAND_MIN_SAMPLES: usize = 3;
/// Seconds the visitor gets for the outbox drain, and after a stop signal for the visitor at
/// the screen and the drain before it is stopped at once.
const DRAIN_SECS: u64 = 120;
const STOP_GRACE_SECS: u64 = DRAIN_SECS + 90;

struct Args {
    /// Minutes in all; with `--cycles` a cap (`None`: no cap).
    minutes: Option<f64>,
    warmup_minutes: f64,
    /// Visitors to run (`None`: as many as the minutes allow).
    cycles: Option<u64>,
    out: PathBuf,
    interval: Duration,
    max_growth: f64,
    build: bool,
    release: bool,
    idle_seconds: u32,
    warning_seconds: u32,
}

const USAGE: &str = "usage: cargo xtask soak [--minutes N] [--cycles C] [--warmup-minutes W] \
    [--out DIR] [--interval SECONDS] [--max-growth PERCENT] [--idle-seconds I] \
    [--warning-seconds J] [--release] [--no-build]";

fn parse(args: &[String]) -> Result<Args> {
    let mut minutes = None;
    let mut warmup_minutes = 1.0;
    let mut cycles = None;
    let mut out = None;
    let mut interval = None;
    let mut max_growth = 20.0;
    let mut build = true;
    let mut release = false;
    let mut idle_seconds = 30;
    let mut warning_seconds = 5;
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .ok_or_else(|| format!("{flag} needs a value"))
                .cloned()
        };
        let number = |v: String| {
            v.parse::<f64>()
                .ok()
                .filter(|n| n.is_finite() && *n >= 0.0)
                .ok_or_else(|| format!("{flag}: not a number: {v}"))
        };
        // Whole seconds of at least 1: `showroom.toml` holds them as integers, and the UI
        // takes 0 for "not set" (90 s and 15 s then).
        let seconds = |v: String| {
            v.parse::<u32>()
                .ok()
                .filter(|n| *n >= 1)
                .ok_or_else(|| format!("{flag}: whole seconds, at least 1: {v}"))
        };
        match flag.as_str() {
            "--minutes" => minutes = Some(number(value()?)?),
            "--warmup-minutes" => warmup_minutes = number(value()?)?,
            "--cycles" => {
                let v = value()?;
                cycles = Some(
                    v.parse::<u64>()
                        .ok()
                        .filter(|n| *n >= 1)
                        .ok_or_else(|| format!("--cycles: a count of visitors: {v}"))?,
                );
            }
            "--out" => out = Some(PathBuf::from(value()?)),
            "--interval" => interval = Some(number(value()?)?),
            "--max-growth" => max_growth = number(value()?)?,
            "--idle-seconds" => idle_seconds = seconds(value()?)?,
            "--warning-seconds" => warning_seconds = seconds(value()?)?,
            "--release" => release = true,
            "--no-build" => build = false,
            _ => return Err(format!("{USAGE} (unknown: {flag})")),
        }
    }
    // A run by time is 3 minutes unless told; a run by visitors has no time cap unless told.
    if cycles.is_none() && minutes.is_none() {
        minutes = Some(3.0);
    }
    if let Some(minutes) = minutes
        && minutes <= warmup_minutes
    {
        return Err("--minutes must be longer than --warmup-minutes".into());
    }
    let short = cycles.is_some() || minutes.is_some_and(|m| m <= 10.0);
    let interval = interval.unwrap_or(if short { 5.0 } else { 30.0 });
    // Absolute: the visitor runs in `ui/`.
    let out = match out {
        Some(out) if out.is_relative() => env::current_dir()
            .map_err(|e| format!("the current directory: {e}"))?
            .join(out),
        Some(out) => out,
        None => root().join("target/soak").join(unix().to_string()),
    };
    Ok(Args {
        minutes,
        warmup_minutes,
        cycles,
        out,
        interval: Duration::from_secs_f64(interval.max(1.0)),
        max_growth,
        build,
        release,
        idle_seconds,
        warning_seconds,
    })
}

fn unix() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

const SIGINT: i32 = 2;
const SIGTERM: i32 = 15;
/// The last stop signal received, and how many were.
static SIGNAL: AtomicI32 = AtomicI32::new(0);
static SIGNALS: AtomicUsize = AtomicUsize::new(0);

unsafe extern "C" {
    /// `handler`: a function's address, or 0 for the default action.
    fn signal(signum: i32, handler: usize) -> usize;
    fn kill(pid: i32, sig: i32) -> i32;
}

extern "C" fn on_signal(sig: i32) {
    // Only atomics here: that is all a signal handler may touch.
    SIGNAL.store(sig, Ordering::SeqCst);
    SIGNALS.fetch_add(1, Ordering::SeqCst);
}

/// While it lives, SIGINT and SIGTERM are counted instead of ending the process.
struct StopSignals;

impl StopSignals {
    fn catch() -> StopSignals {
        let handler = on_signal as extern "C" fn(i32) as usize;
        // SAFETY: `signal` is libc's, and the handler only stores to atomics.
        unsafe {
            signal(SIGINT, handler);
            signal(SIGTERM, handler);
        }
        StopSignals
    }
}

impl Drop for StopSignals {
    fn drop(&mut self) {
        // SAFETY: back to the default action.
        unsafe {
            signal(SIGINT, 0);
            signal(SIGTERM, 0);
        }
    }
}

fn signal_name(sig: i32) -> &'static str {
    match sig {
        SIGINT => "SIGINT",
        SIGTERM => "SIGTERM",
        _ => "a signal",
    }
}

/// What a stop signal did to the run.
struct Stop {
    signal: i32,
    elapsed: f64,
    cycle: u64,
    at_once: bool,
}

pub fn soak(args: &[String]) -> Result {
    let args = parse(args)?;
    let profile = if args.release { "release" } else { "debug" };
    if args.build {
        ui()?;
        step(&format!(
            "build the app, the CLI and the reference platform ({profile})"
        ));
        let mut build = vec![
            "build",
            "-p",
            "sco-showroom",
            "-p",
            "showroom-cli",
            "-p",
            "showroom-platform",
        ];
        if args.release {
            build.push("--release");
        }
        status(cargo(&build))?;
    }
    let driver = tauri_driver()?;
    step(&format!(
        "soak: {}, the kiosk app ({profile}) against a flaky platform; idle warning after {} s, \
         reset {} s later; output in {}",
        plan(&args),
        args.idle_seconds,
        args.warning_seconds,
        args.out.display()
    ));
    let out = &args.out;
    // The binaries are linked into the output folder, so that a build made while the soak
    // runs does not change what it runs.
    let bins = out.join("bin");
    fs::create_dir_all(&bins).map_err(|e| format!("{}: {e}", bins.display()))?;
    let mut built = Vec::new();
    for name in ["sco-showroom", "showroom", "showroom-platform"] {
        let from = root().join("target").join(profile).join(name);
        let to = bins.join(name);
        let _ = fs::remove_file(&to);
        fs::hard_link(&from, &to)
            .or_else(|_| fs::copy(&from, &to).map(drop))
            .map_err(|e| format!("{}: {e}", from.display()))?;
        let modified = fs::metadata(&to)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_secs());
        built.push(format!("{name} {}", utc(modified)));
    }
    let data = out.join("data");
    let _ = fs::remove_dir_all(&data);
    fs::create_dir_all(&data).map_err(|e| format!("{}: {e}", data.display()))?;
    // The sample catalog imported beforehand (as an installed kiosk has it), and the idle
    // warning and reset as asked (by default 30 + 5 seconds after the visitor's last touch:
    // longer than any step waits, also on a busy machine).
    status(cmd(
        bins.join("showroom").to_str().unwrap_or_default(),
        &[
            "--data-dir",
            data.to_str().ok_or("out path is not UTF-8")?,
            "import",
            root().join("catalog").to_str().unwrap_or_default(),
        ],
        &root(),
    ))?;
    fs::write(
        data.join("showroom.toml"),
        format!(
            "kiosk = true\nidle_seconds = {}\nidle_warning_seconds = {}\n\n\
             [device]\nkind = \"kiosk\"\nid = \"soak-kiosk\"\n",
            args.idle_seconds, args.warning_seconds
        ),
    )
    .map_err(|e| format!("showroom.toml: {e}"))?;

    // From here a stop signal ends the run cleanly. The processes started below are in
    // process groups of their own, so a Ctrl-C in the terminal reaches this process only
    // (Xvfb excepted), which stops them in order.
    let _signals = StopSignals::catch();
    let mut services = Services(Vec::new());
    let display = match env::var("SHOWROOM_TEST_DISPLAY") {
        Ok(display) => display,
        Err(_) => {
            let (server, display) = super::xvfb("1920x1080x24")?;
            services.0.push(server);
            display
        }
    };

    let token = format!("soak-{}-{}", std::process::id(), unix());
    let mut platform = Command::new(bins.join("showroom-platform"))
        .args(["--bind", "127.0.0.1:0", "--data"])
        .arg(out.join("platform"))
        .arg("--catalog")
        .arg(root().join("catalog"))
        .args([
            "--fault-rate",
            "0.3",
            "--faults",
            "500,503,429,hang,reset,drop",
            "--retry-after",
            "1",
            "--hang-ms",
            "5000",
        ])
        .env("SHOWROOM_PLATFORM_TOKEN", &token)
        .stdout(Stdio::piped())
        .stderr(log_file(&out.join("platform.log"))?)
        .process_group(0)
        .spawn()
        .map_err(|e| format!("showroom-platform: {e}"))?;
    let stdout = platform.stdout.take();
    services.0.push(platform);
    let mut line = String::new();
    let mut lines = stdout.map(BufReader::new);
    if let Some(lines) = &mut lines {
        let _ = lines.read_line(&mut line);
    }
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .ok_or("showroom-platform did not start")?
        .to_string();
    // Keep reading its output so that it never blocks on a full pipe.
    if let Some(mut lines) = lines {
        std::thread::spawn(move || {
            let mut sink = String::new();
            while lines.read_line(&mut sink).map(|n| n > 0).unwrap_or(false) {
                sink.clear();
            }
        });
    }

    let app_log = log_file(&out.join("app.log"))?;
    let driver_child = Command::new(driver)
        .args([
            "--port",
            &DRIVER_PORT.to_string(),
            "--native-port",
            &NATIVE_PORT.to_string(),
            "--native-driver",
            "/usr/bin/WebKitWebDriver",
        ])
        // The app is started by the driver and inherits this environment.
        .env("DISPLAY", &display)
        .env("SHOWROOM_DATA_DIR", &data)
        .env("SHOWROOM_PLATFORM_URL", &url)
        .env("SHOWROOM_PLATFORM_TOKEN", &token)
        // A hung request is given up after 3 s and retried within 20 s at most.
        .env("SHOWROOM_PLATFORM_TIMEOUT_SECS", "3")
        .env("SHOWROOM_OUTBOX_MAX_BACKOFF_SECS", "20")
        // The catalog sync runs against the same platform every two minutes.
        .env("SHOWROOM_SYNC_INTERVAL_SECS", "120")
        .stdout(app_log.try_clone().map_err(|e| e.to_string())?)
        .stderr(app_log)
        .process_group(0)
        .spawn()
        .map_err(|e| format!("tauri-driver: {e}"))?;
    let driver_pid = driver_child.id();
    services.0.push(driver_child);
    let tree = Tree(driver_pid);
    wait_for_port(DRIVER_PORT, "tauri-driver")?;

    let started = Instant::now();
    // Without a time cap, a year.
    let until_ms = (SystemTime::now()
        + Duration::from_secs_f64(args.minutes.unwrap_or(365.0 * 24.0 * 60.0) * 60.0))
    .duration_since(UNIX_EPOCH)
    .map(|d| d.as_millis())
    .unwrap_or_default();
    let mut visitor = Command::new("node")
        .arg(root().join("ui/e2e-soak/visitor.mjs"))
        .current_dir(root().join("ui"))
        .env("WEBDRIVER_URL", format!("http://127.0.0.1:{DRIVER_PORT}"))
        .env("SHOWROOM_APP", bins.join("sco-showroom"))
        .env("SHOWROOM_BIN", bins.join("showroom"))
        .env("SHOWROOM_DATA_DIR", &data)
        .env("SHOWROOM_PLATFORM_URL", &url)
        .env("SHOWROOM_PLATFORM_TOKEN", &token)
        .env("SOAK_OUT", out)
        .env("SOAK_UNTIL", until_ms.to_string())
        .env("SOAK_CYCLES", args.cycles.unwrap_or(0).to_string())
        .env("SOAK_IDLE_SECS", args.idle_seconds.to_string())
        .env("SOAK_WARNING_SECS", args.warning_seconds.to_string())
        .env("SOAK_DRAIN_SECS", DRAIN_SECS.to_string())
        .process_group(0)
        .spawn()
        .map_err(|e| format!("node: {e}"))?;

    let csv_path = out.join("memory.csv");
    let mut csv =
        fs::File::create(&csv_path).map_err(|e| format!("{}: {e}", csv_path.display()))?;
    writeln!(
        csv,
        "unix_time,elapsed_s,cycle,app_pid,app_rss_kb,app_pss_kb,web_rss_kb,web_pss_kb,total_rss_kb,total_pss_kb,web_processes"
    )
    .map_err(|e| e.to_string())?;
    let mut samples: Vec<Sample> = Vec::new();
    let mut crashes = Vec::new();
    let mut app_pid: Option<u32> = None;
    let mut web_pids: BTreeSet<u32> = BTreeSet::new();
    let mut next = Instant::now();
    let mut stop: Option<Stop> = None;
    let mut stop_deadline = Instant::now();
    let mut bands_written = 0;
    let visitor_status = loop {
        if let Some(done) = visitor.try_wait().map_err(|e| e.to_string())? {
            break done;
        }
        let signals = SIGNALS.load(Ordering::SeqCst);
        if signals > 0 && stop.is_none() {
            let progress = read_progress(&out.join("progress.txt"));
            let signal = SIGNAL.load(Ordering::SeqCst);
            stop = Some(Stop {
                signal,
                elapsed: started.elapsed().as_secs_f64(),
                cycle: number(&progress, "cycles"),
                at_once: false,
            });
            stop_deadline = Instant::now() + Duration::from_secs(STOP_GRACE_SECS);
            eprintln!(
                "soak: {} received: the visitor stops after the visitor at the screen and the \
                 outbox drain (another signal stops at once)",
                signal_name(signal)
            );
            // SAFETY: libc's kill on our own child's process id.
            unsafe {
                kill(visitor.id() as i32, SIGTERM);
            }
        }
        if let Some(stop) = &mut stop
            && (signals > 1 || Instant::now() > stop_deadline)
        {
            stop.at_once = true;
            let _ = visitor.kill();
            break visitor.wait().map_err(|e| e.to_string())?;
        }
        if Instant::now() < next {
            sleep(Duration::from_millis(200));
            continue;
        }
        next += args.interval;
        let progress = read_progress(&out.join("progress.txt"));
        let finished = progress.get("step").is_some_and(|s| s == "done");
        // The visitor's steps are "N: what"; before them it starts, after them it drains.
        let visiting = progress
            .get("step")
            .is_some_and(|s| s.starts_with(|c: char| c.is_ascii_digit()));
        let cycle: u64 = number(&progress, "cycles");
        let elapsed = started.elapsed().as_secs_f64();
        let table = processes();
        let app = find_app(&table, driver_pid);
        match (app, app_pid) {
            (Some(pid), Some(before)) if pid != before => {
                crashes.push(format!(
                    "{elapsed:.0} s: the app restarted (pid {before} → {pid})"
                ));
            }
            (None, Some(before)) if !finished => {
                crashes.push(format!("{elapsed:.0} s: the app (pid {before}) is gone"));
            }
            _ => {}
        }
        let Some(pid) = app else {
            continue;
        };
        app_pid = Some(pid);
        let web: Vec<u32> = descendants(&table, pid);
        let now_web: BTreeSet<u32> = web
            .iter()
            .copied()
            .filter(|p| {
                table
                    .get(p)
                    .is_some_and(|p| p.name.starts_with("WebKitWebProces"))
            })
            .collect();
        for gone in web_pids.difference(&now_web) {
            crashes.push(format!(
                "{elapsed:.0} s: the web process {gone} is gone (now {now_web:?})"
            ));
        }
        web_pids = now_web;
        let (app_rss, app_pss) = memory(pid);
        let (mut web_rss, mut web_pss) = (0, 0);
        let mut names = Vec::new();
        for p in &web {
            let (rss, pss) = memory(*p);
            web_rss += rss;
            web_pss += pss;
            if let Some(info) = table.get(p) {
                names.push(format!("{}:{}", info.name, p));
            }
        }
        let sample = Sample {
            elapsed,
            app_rss,
            app_pss,
            web_rss,
            web_pss,
            rss: app_rss + web_rss,
            pss: app_pss + web_pss,
            cycle,
            visiting,
        };
        writeln!(
            csv,
            "{},{elapsed:.0},{cycle},{pid},{app_rss},{app_pss},{web_rss},{web_pss},{},{},{}",
            unix(),
            sample.rss,
            sample.pss,
            names.join(" ")
        )
        .map_err(|e| e.to_string())?;
        let _ = csv.flush();
        samples.push(sample);
        // The curve so far, whenever a hundred visitors are complete.
        let bands = (cycle / BAND) as usize;
        if bands > bands_written {
            bands_written = bands;
            let _ = write_curve(&out.join("curve.csv"), &curve(&samples));
        }
    };
    drop(tree);
    drop(services);

    let progress = read_progress(&out.join("progress.txt"));
    let bands = curve(&samples);
    let _ = write_curve(&out.join("curve.csv"), &bands);
    let report = summary(
        &args,
        &Run {
            profile,
            built: &built,
            samples: &samples,
            bands: &bands,
            crashes: &crashes,
            progress: &progress,
            stop: stop.as_ref(),
        },
    );
    eprintln!("\n{report}");
    let _ = fs::write(out.join("summary.txt"), &report);
    let mut failures = Vec::new();
    if let Some(stop) = &stop {
        failures.push(format!(
            "stopped by {} after {} visitors{}",
            signal_name(stop.signal),
            number(&progress, "cycles"),
            if stop.at_once { ", at once" } else { "" }
        ));
    }
    if !visitor_status.success() {
        failures.push(format!(
            "the visitor failed at {}: {} (screenshot: {})",
            progress.get("step").map_or("?", String::as_str),
            progress.get("error").map_or("?", String::as_str),
            out.join("failure.png").display()
        ));
    }
    if !crashes.is_empty() {
        failures.push(format!("{} crash(es)", crashes.len()));
    }
    let submitted = number(&progress, "submitted");
    let received = number(&progress, "outbox_received");
    if visitor_status.success() && received != submitted {
        failures.push(format!(
            "{received} of {submitted} inquiries received by the platform after the drain"
        ));
    }
    if visitor_status.success() && number(&progress, "missing") > 0 {
        failures.push("inquiries the visitor sent are missing from the outbox".into());
    }
    if args.cycles.is_none()
        && let Some(growth) = growth(&args, &samples)
        && measured_minutes(&args, &samples) >= JUDGED_MINUTES
        && growth.rss_percent >= args.max_growth
    {
        failures.push(format!(
            "memory grew by {:.1} % after the warm-up (limit {} %)",
            growth.rss_percent, args.max_growth
        ));
    }
    if let Some((first, last)) = judged_bands(&bands, number(&progress, "cycles"))
        && percent(first.rss, last.rss) >= args.max_growth
    {
        failures.push(format!(
            "memory grew by {:.1} % from visitors {} to visitors {} (limit {} %)",
            percent(first.rss, last.rss),
            first.label(),
            last.label(),
            args.max_growth
        ));
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!("soak failed: {}", failures.join("; ")))
    }
}

/// What the run is planned to be, for the log and the summary.
fn plan(args: &Args) -> String {
    match (args.cycles, args.minutes) {
        (Some(cycles), Some(minutes)) => format!(
            "{cycles} visitors ({minutes} min at most, {} min warm-up)",
            args.warmup_minutes
        ),
        (Some(cycles), None) => format!("{cycles} visitors ({} min warm-up)", args.warmup_minutes),
        (None, minutes) => format!(
            "{} min ({} min warm-up)",
            minutes.unwrap_or_default(),
            args.warmup_minutes
        ),
    }
}

/// `YYYY-MM-DD HH:MM UTC` for Unix seconds.
fn utc(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rest = secs % 86_400;
    // Civil from days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        rest / 3600,
        rest % 3600 / 60
    )
}

fn log_file(path: &Path) -> Result<fs::File> {
    fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// On drop, stops whatever tauri-driver started (WebKitWebDriver, the app and its web
/// processes) that is still running, before `Services` stops the driver itself: children
/// before their parents (so none is left behind without one), SIGTERM first, SIGKILL for
/// what is still there after five seconds.
struct Tree(u32);

impl Drop for Tree {
    fn drop(&mut self) {
        let table = processes();
        let below: Vec<u32> = descendants(&table, self.0).into_iter().rev().collect();
        let alive = |pid: u32| {
            fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
                stat.rsplit_once(") ")
                    .is_some_and(|(_, r)| !r.starts_with('Z'))
            })
        };
        for &pid in &below {
            // SAFETY: libc's kill on a process below our own child.
            unsafe {
                kill(pid as i32, SIGTERM);
            }
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        while below.iter().any(|&p| alive(p)) && Instant::now() < deadline {
            sleep(Duration::from_millis(100));
        }
        for &pid in below.iter().filter(|&&p| alive(p)) {
            // SAFETY: as above.
            unsafe {
                kill(pid as i32, 9);
            }
        }
    }
}

struct Sample {
    elapsed: f64,
    app_rss: u64,
    app_pss: u64,
    web_rss: u64,
    web_pss: u64,
    rss: u64,
    pss: u64,
    /// Visitors completed when it was taken.
    cycle: u64,
    /// Taken while a visitor was at the screen (not while the app started or the outbox
    /// drained).
    visiting: bool,
}

struct Proc {
    parent: u32,
    name: String,
}

/// Every process: its parent and its name (`/proc/PID/stat`).
fn processes() -> HashMap<u32, Proc> {
    let mut table = HashMap::new();
    let Ok(dir) = fs::read_dir("/proc") else {
        return table;
    };
    for entry in dir.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(stat) = fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // `PID (NAME) STATE PPID ...`; the name may hold spaces and parentheses.
        let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
            continue;
        };
        let name = stat[open + 1..close].to_string();
        let parent = stat[close + 1..]
            .split_whitespace()
            .nth(1)
            .and_then(|p| p.parse().ok())
            .unwrap_or(0);
        table.insert(pid, Proc { parent, name });
    }
    table
}

/// The processes below `root`, parents before children.
fn descendants(table: &HashMap<u32, Proc>, root: u32) -> Vec<u32> {
    let mut found = vec![root];
    let mut i = 0;
    while i < found.len() {
        let parent = found[i];
        let mut children: Vec<u32> = table
            .iter()
            .filter(|(_, p)| p.parent == parent)
            .map(|(pid, _)| *pid)
            .collect();
        children.sort_unstable();
        found.extend(children);
        i += 1;
    }
    found.remove(0);
    found
}

/// Our app: the `sco-showroom` below this tauri-driver (not one another test started).
fn find_app(table: &HashMap<u32, Proc>, driver: u32) -> Option<u32> {
    descendants(table, driver)
        .into_iter()
        .find(|p| table.get(p).is_some_and(|p| p.name == "sco-showroom"))
}

/// Resident and proportional set size in KiB (0 when the process is gone).
fn memory(pid: u32) -> (u64, u64) {
    let field = |text: &str, name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse::<u64>().ok())
            .unwrap_or(0)
    };
    let status = fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let rollup = fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).unwrap_or_default();
    (field(&status, "VmRSS:"), field(&rollup, "Pss:"))
}

fn read_progress(path: &Path) -> BTreeMap<String, String> {
    fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn number(progress: &BTreeMap<String, String>, key: &str) -> u64 {
    progress.get(key).and_then(|v| v.parse().ok()).unwrap_or(0)
}

struct Growth {
    start_rss: u64,
    end_rss: u64,
    rss_percent: f64,
    start_pss: u64,
    end_pss: u64,
    pss_percent: f64,
}

fn after_warmup<'a>(args: &Args, samples: &'a [Sample]) -> &'a [Sample] {
    let from = samples
        .iter()
        .position(|s| s.elapsed >= args.warmup_minutes * 60.0)
        .unwrap_or(samples.len());
    &samples[from..]
}

fn measured_minutes(args: &Args, samples: &[Sample]) -> f64 {
    match after_warmup(args, samples) {
        [first, .., last] => (last.elapsed - first.elapsed) / 60.0,
        _ => 0.0,
    }
}

fn median(mut values: Vec<u64>) -> u64 {
    values.sort_unstable();
    values.get(values.len() / 2).copied().unwrap_or(0)
}

fn percent(from: u64, to: u64) -> f64 {
    if from == 0 {
        0.0
    } else {
        (to as f64 - from as f64) * 100.0 / from as f64
    }
}

/// From the median of the first few samples after the warm-up to the median of the last
/// few (five, or a quarter of the samples when there are fewer than twenty).
fn growth(args: &Args, samples: &[Sample]) -> Option<Growth> {
    let kept = after_warmup(args, samples);
    if kept.len() < 2 {
        return None;
    }
    let k = (kept.len() / 4).clamp(1, 5);
    let ends = |pick: fn(&Sample) -> u64| {
        let start = median(kept[..k].iter().map(pick).collect());
        let end = median(kept[kept.len() - k..].iter().map(pick).collect());
        (start, end, percent(start, end))
    };
    let (start_rss, end_rss, rss_percent) = ends(|s| s.rss);
    let (start_pss, end_pss, pss_percent) = ends(|s| s.pss);
    Some(Growth {
        start_rss,
        end_rss,
        rss_percent,
        start_pss,
        end_pss,
        pss_percent,
    })
}

/// A hundred visitors on the memory curve: the medians of the samples taken while they were
/// at the screen (each column its own median).
struct Band {
    /// 0 for visitors 1–100, 1 for 101–200, …
    index: u64,
    samples: usize,
    from_minute: f64,
    to_minute: f64,
    app_rss: u64,
    app_pss: u64,
    web_rss: u64,
    web_pss: u64,
    rss: u64,
    pss: u64,
}

impl Band {
    fn label(&self) -> String {
        format!("{}–{}", self.index * BAND + 1, (self.index + 1) * BAND)
    }
}

/// The memory curve per hundred visitors.
fn curve(samples: &[Sample]) -> Vec<Band> {
    let mut bands: BTreeMap<u64, Vec<&Sample>> = BTreeMap::new();
    for s in samples.iter().filter(|s| s.visiting) {
        bands.entry(s.cycle / BAND).or_default().push(s);
    }
    bands
        .into_iter()
        .map(|(index, kept)| {
            let pick = |f: fn(&Sample) -> u64| median(kept.iter().map(|s| f(s)).collect());
            Band {
                index,
                samples: kept.len(),
                from_minute: kept.first().map_or(0.0, |s| s.elapsed / 60.0),
                to_minute: kept.last().map_or(0.0, |s| s.elapsed / 60.0),
                app_rss: pick(|s| s.app_rss),
                app_pss: pick(|s| s.app_pss),
                web_rss: pick(|s| s.web_rss),
                web_pss: pick(|s| s.web_pss),
                rss: pick(|s| s.rss),
                pss: pick(|s| s.pss),
            }
        })
        .collect()
}

fn write_curve(path: &Path, bands: &[Band]) -> Result {
    let mut text = String::from(
        "visitors_from,visitors_to,samples,from_minute,to_minute,app_rss_kb,app_pss_kb,web_rss_kb,web_pss_kb,total_rss_kb,total_pss_kb\n",
    );
    for b in bands {
        let _ = writeln!(
            text,
            "{},{},{},{:.1},{:.1},{},{},{},{},{},{}",
            b.index * BAND + 1,
            (b.index + 1) * BAND,
            b.samples,
            b.from_minute,
            b.to_minute,
            b.app_rss,
            b.app_pss,
            b.web_rss,
            b.web_pss,
            b.rss,
            b.pss
        );
    }
    fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

/// The band after the first hundred visitors and the last band (with enough samples to
/// stand for its visitors), once at least `JUDGED_CYCLES` visitors were run.
fn judged_bands(bands: &[Band], cycles: u64) -> Option<(&Band, &Band)> {
    if cycles < JUDGED_CYCLES {
        return None;
    }
    compared_bands(bands)
}

fn compared_bands(bands: &[Band]) -> Option<(&Band, &Band)> {
    let first = bands.iter().find(|b| b.index == 1)?;
    let last = bands
        .iter()
        .rev()
        .find(|b| b.samples >= BAND_MIN_SAMPLES || b.index == 1)?;
    (last.index > first.index).then_some((first, last))
}

fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

/// What the run found, for the summary.
struct Run<'a> {
    profile: &'a str,
    built: &'a [String],
    samples: &'a [Sample],
    bands: &'a [Band],
    crashes: &'a [String],
    progress: &'a BTreeMap<String, String>,
    stop: Option<&'a Stop>,
}

fn summary(args: &Args, run: &Run) -> String {
    let (samples, progress) = (run.samples, run.progress);
    let mut r = String::new();
    let kept = after_warmup(args, samples);
    let cycles = number(progress, "cycles");
    let _ = writeln!(r, "soak summary ({})", args.out.display());
    let _ = writeln!(
        r,
        "  run: {} planned; {} build ({}); idle warning after {} s, reset {} s later; {} samples, {} after the warm-up ({:.1} min measured)",
        plan(args),
        run.profile,
        run.built.join(", "),
        args.idle_seconds,
        args.warning_seconds,
        samples.len(),
        kept.len(),
        measured_minutes(args, samples)
    );
    if let Some(stop) = run.stop {
        let _ = writeln!(
            r,
            "  stopped: {} at {:.1} min, during visitor {}; {}",
            signal_name(stop.signal),
            stop.elapsed / 60.0,
            stop.cycle + 1,
            if stop.at_once {
                "stopped at once (a second signal, or the visitor did not finish in time)"
            } else {
                "the visitor at the screen finished and the outbox drained"
            }
        );
    }
    let _ = writeln!(
        r,
        "  visitors: {cycles} cycles, last step: {}{}",
        progress.get("step").map_or("?", String::as_str),
        progress
            .get("error")
            .filter(|e| !e.is_empty())
            .map(|e| format!(", error: {e}"))
            .unwrap_or_default()
    );
    if progress.contains_key("cycle_s_median") {
        let field = |key: &str| progress.get(key).map_or("?", String::as_str);
        let _ = writeln!(
            r,
            "  per visitor: {} s on average, median {} s, longest {} s (the idle wait {} s of it at the median); longest time between two touches of a visitor {} s; idle warnings answered during a visit (the app slower than the idle time): {} (cycles.csv)",
            field("cycle_s_mean"),
            field("cycle_s_median"),
            field("cycle_s_max"),
            field("idle_s_median"),
            field("gap_s_max"),
            field("warnings_answered"),
        );
    }
    if !progress.contains_key("outbox_received") {
        let _ = writeln!(
            r,
            "  inquiries: {} submitted; the outbox and the platform were not read (the visitor stopped before the drain): see `showroom --data-dir {} outbox list` and the platform's database",
            number(progress, "submitted"),
            args.out.join("data").display(),
        );
    } else {
        let _ = writeln!(
            r,
            "  inquiries: {} submitted; outbox after the drain: {} received, {} queued, {} sending, {} failed; platform stored {} from {} POSTs, {} injected faults",
            number(progress, "submitted"),
            number(progress, "outbox_received"),
            number(progress, "outbox_queued"),
            number(progress, "outbox_sending"),
            number(progress, "outbox_failed"),
            number(progress, "platform_stored"),
            number(progress, "platform_posts"),
            number(progress, "platform_faults"),
        );
    }
    if let (Some(first), Some(last)) = (kept.first(), kept.last()) {
        let max = kept.iter().map(|s| s.rss).max().unwrap_or(0);
        let max_pss = kept.iter().map(|s| s.pss).max().unwrap_or(0);
        let _ = writeln!(
            r,
            "  memory after the warm-up (app + web processes), RSS: first {}, last {}, max {}; PSS: first {}, last {}, max {}",
            mib(first.rss),
            mib(last.rss),
            mib(max),
            mib(first.pss),
            mib(last.pss),
            mib(max_pss)
        );
        let _ = writeln!(r, "  (cycles {} → {})", first.cycle, last.cycle);
    }
    match growth(args, samples) {
        Some(g) => {
            let judged = args.cycles.is_none() && measured_minutes(args, samples) >= JUDGED_MINUTES;
            let _ = writeln!(
                r,
                "  growth from the end of the warm-up to the end (medians): RSS {} → {} = {:+.1} %, PSS {} → {} = {:+.1} % ({})",
                mib(g.start_rss),
                mib(g.end_rss),
                g.rss_percent,
                mib(g.start_pss),
                mib(g.end_pss),
                g.pss_percent,
                if judged {
                    format!("limit {} % on RSS", args.max_growth)
                } else if args.cycles.is_some() {
                    "reported only: a run by visitors is judged on the curve below".to_string()
                } else {
                    format!("reported only: under {JUDGED_MINUTES} min measured")
                }
            );
        }
        None => {
            let _ = writeln!(r, "  growth: too few samples after the warm-up");
        }
    }
    if !run.bands.is_empty() {
        let _ = writeln!(
            r,
            "  memory per {BAND} visitors (medians of the samples taken while they were at the screen; curve.csv):"
        );
        let _ = writeln!(
            r,
            "    {:<11} {:>7} {:>13} {:>11} {:>11} {:>11} {:>11} {:>10}",
            "visitors",
            "samples",
            "minutes",
            "app RSS",
            "web RSS",
            "total RSS",
            "total PSS",
            "vs 101–200"
        );
        let second = run.bands.iter().find(|b| b.index == 1);
        for b in run.bands {
            let row = format!(
                "    {:<11} {:>7} {:>13} {:>11} {:>11} {:>11} {:>11} {:>10}",
                b.label(),
                b.samples,
                format!("{:.1}–{:.1}", b.from_minute, b.to_minute),
                mib(b.app_rss),
                mib(b.web_rss),
                mib(b.rss),
                mib(b.pss),
                second
                    .filter(|s| b.index >= s.index)
                    .map(|s| format!("{:+.1} %", percent(s.rss, b.rss)))
                    .unwrap_or_default()
            );
            let _ = writeln!(r, "{}", row.trim_end());
        }
        match compared_bands(run.bands) {
            Some((first, last)) => {
                let _ = writeln!(
                    r,
                    "  growth from visitors {} to visitors {} (medians): RSS {} → {} = {:+.1} %, PSS {} → {} = {:+.1} % ({})",
                    first.label(),
                    last.label(),
                    mib(first.rss),
                    mib(last.rss),
                    percent(first.rss, last.rss),
                    mib(first.pss),
                    mib(last.pss),
                    percent(first.pss, last.pss),
                    if cycles >= JUDGED_CYCLES {
                        format!("limit {} % on RSS", args.max_growth)
                    } else {
                        format!("reported only: under {JUDGED_CYCLES} visitors")
                    }
                );
            }
            None => {
                let _ = writeln!(
                    r,
                    "  growth per {BAND} visitors: too few visitors to compare (from visitors 101–200)"
                );
            }
        }
    }
    let _ = writeln!(r, "  crashes: {}", run.crashes.len());
    for crash in run.crashes {
        let _ = writeln!(r, "    {crash}");
    }
    r
}
