//! `cargo xtask soak [--minutes N] [--warmup-minutes W] [--out DIR] [--interval S]
//! [--max-growth PCT] [--no-build]`: the real kiosk app against a flaky trade platform for N minutes,
//! driven by the scripted visitor `ui/e2e-soak/visitor.mjs`, while the memory of the app and
//! its WebKit processes is sampled every S seconds into `DIR/memory.csv`.
//!
//! Started here: Xvfb (unless `SHOWROOM_TEST_DISPLAY` names a display), the reference
//! platform with 30 % injected faults (500, 503, 429, hang, reset, drop), tauri-driver with
//! WebKitWebDriver, and the visitor, which opens `sco-showroom --kiosk` on a fresh data
//! directory (the sample catalog imported) whose `showroom.toml` makes the idle reset come
//! 30 + 5 seconds after the last touch.
//!
//! Fails when the visitor fails a step, when the app or a web process disappears while the
//! visitor runs, when inquiries are left undelivered or refused after the drain, and, when at
//! least 30 minutes were measured after the warm-up, when memory grew by `--max-growth` %
//! (default 20) or more from the end of the warm-up to the end. A shorter run reports the
//! growth without judging it.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::env;
use std::fmt::Write as _;
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::{Result, Services, cargo, cmd, root, status, step, tauri_driver, ui, wait_for_port};

/// The tauri-driver port and the WebKitWebDriver port behind it (apart from `window_tests`).
const DRIVER_PORT: u16 = 4447;
const NATIVE_PORT: u16 = 4448;
/// Measured minutes after the warm-up from which the growth limit is enforced.
const JUDGED_MINUTES: f64 = 30.0;

struct Args {
    minutes: f64,
    warmup_minutes: f64,
    out: PathBuf,
    interval: Duration,
    max_growth: f64,
    build: bool,
}

fn parse(args: &[String]) -> Result<Args> {
    let mut minutes = 3.0;
    let mut warmup_minutes = 1.0;
    let mut out = None;
    let mut interval = None;
    let mut max_growth = 20.0;
    let mut build = true;
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
        match flag.as_str() {
            "--minutes" => minutes = number(value()?)?,
            "--warmup-minutes" => warmup_minutes = number(value()?)?,
            "--out" => out = Some(PathBuf::from(value()?)),
            "--interval" => interval = Some(number(value()?)?),
            "--max-growth" => max_growth = number(value()?)?,
            "--no-build" => build = false,
            _ => {
                return Err(format!(
                    "usage: cargo xtask soak [--minutes N] [--warmup-minutes W] [--out DIR] \
                     [--interval SECONDS] [--max-growth PERCENT] [--no-build] (unknown: {flag})"
                ));
            }
        }
    }
    if minutes <= warmup_minutes {
        return Err("--minutes must be longer than --warmup-minutes".into());
    }
    let interval = interval.unwrap_or(if minutes <= 10.0 { 5.0 } else { 30.0 });
    let out = out.unwrap_or_else(|| root().join("target/soak").join(unix().to_string()));
    Ok(Args {
        minutes,
        warmup_minutes,
        out,
        interval: Duration::from_secs_f64(interval.max(1.0)),
        max_growth,
        build,
    })
}

fn unix() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

pub fn soak(args: &[String]) -> Result {
    let args = parse(args)?;
    if args.build {
        ui()?;
        step("build the app, the CLI and the reference platform");
        status(cargo(&[
            "build",
            "-p",
            "sco-showroom",
            "-p",
            "showroom-cli",
            "-p",
            "showroom-platform",
        ]))?;
    }
    let driver = tauri_driver()?;
    step(&format!(
        "soak: {} min ({} min warm-up), the kiosk app against a flaky platform; output in {}",
        args.minutes,
        args.warmup_minutes,
        args.out.display()
    ));
    let out = &args.out;
    // The binaries are linked into the output folder, so that a build made while the soak
    // runs does not change what it runs.
    let bins = out.join("bin");
    fs::create_dir_all(&bins).map_err(|e| format!("{}: {e}", bins.display()))?;
    for name in ["sco-showroom", "showroom", "showroom-platform"] {
        let from = root().join("target/debug").join(name);
        let to = bins.join(name);
        let _ = fs::remove_file(&to);
        fs::hard_link(&from, &to)
            .or_else(|_| fs::copy(&from, &to).map(drop))
            .map_err(|e| format!("{}: {e}", from.display()))?;
    }
    let data = out.join("data");
    let _ = fs::remove_dir_all(&data);
    fs::create_dir_all(&data).map_err(|e| format!("{}: {e}", data.display()))?;
    // The sample catalog imported beforehand (as an installed kiosk has it), and an idle
    // reset 30 + 5 seconds after the visitor's last touch (longer than any
    // step waits, also on a busy machine).
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
        "kiosk = true\nidle_seconds = 30\nidle_warning_seconds = 5\n\n\
         [device]\nkind = \"kiosk\"\nid = \"soak-kiosk\"\n",
    )
    .map_err(|e| format!("showroom.toml: {e}"))?;

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
        .spawn()
        .map_err(|e| format!("tauri-driver: {e}"))?;
    let driver_pid = driver_child.id();
    services.0.push(driver_child);
    let tree = Tree(driver_pid);
    wait_for_port(DRIVER_PORT, "tauri-driver")?;

    let started = Instant::now();
    let until_ms = (SystemTime::now() + Duration::from_secs_f64(args.minutes * 60.0))
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
        .env("SOAK_DRAIN_SECS", "120")
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
    let mut samples = Vec::new();
    let mut crashes = Vec::new();
    let mut app_pid: Option<u32> = None;
    let mut web_pids: BTreeSet<u32> = BTreeSet::new();
    let mut next = Instant::now();
    let visitor_status = loop {
        if let Some(done) = visitor.try_wait().map_err(|e| e.to_string())? {
            break done;
        }
        if Instant::now() < next {
            sleep(Duration::from_millis(200));
            continue;
        }
        next += args.interval;
        let progress = read_progress(&out.join("progress.txt"));
        let finished = progress.get("step").is_some_and(|s| s == "done");
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
            rss: app_rss + web_rss,
            pss: app_pss + web_pss,
            cycle,
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
    };
    drop(tree);
    drop(services);

    let progress = read_progress(&out.join("progress.txt"));
    let report = summary(&args, &samples, &crashes, &progress);
    eprintln!("\n{report}");
    let _ = fs::write(out.join("summary.txt"), &report);
    let mut failures = Vec::new();
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
    if let Some(growth) = growth(&args, &samples)
        && measured_minutes(&args, &samples) >= JUDGED_MINUTES
        && growth.rss_percent >= args.max_growth
    {
        failures.push(format!(
            "memory grew by {:.1} % after the warm-up (limit {} %)",
            growth.rss_percent, args.max_growth
        ));
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!("soak failed: {}", failures.join("; ")))
    }
}

fn log_file(path: &Path) -> Result<fs::File> {
    fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// On drop, stops whatever tauri-driver started (WebKitWebDriver, the app and its web
/// processes) that is still running, before `Services` stops the driver itself.
struct Tree(u32);

impl Drop for Tree {
    fn drop(&mut self) {
        let table = processes();
        for pid in descendants(&table, self.0).into_iter().rev() {
            let _ = Command::new("kill")
                .arg(pid.to_string())
                .stderr(Stdio::null())
                .status();
        }
    }
}

struct Sample {
    elapsed: f64,
    rss: u64,
    pss: u64,
    cycle: u64,
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
        let percent = if start == 0 {
            0.0
        } else {
            (end as f64 - start as f64) * 100.0 / start as f64
        };
        (start, end, percent)
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

fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

fn summary(
    args: &Args,
    samples: &[Sample],
    crashes: &[String],
    progress: &BTreeMap<String, String>,
) -> String {
    let mut r = String::new();
    let kept = after_warmup(args, samples);
    let _ = writeln!(r, "soak summary ({})", args.out.display());
    let _ = writeln!(
        r,
        "  run: {:.1} min planned, {} min warm-up; {} samples, {} after the warm-up ({:.1} min measured)",
        args.minutes,
        args.warmup_minutes,
        samples.len(),
        kept.len(),
        measured_minutes(args, samples)
    );
    let _ = writeln!(
        r,
        "  visitors: {} cycles, last step: {}{}",
        number(progress, "cycles"),
        progress.get("step").map_or("?", String::as_str),
        progress
            .get("error")
            .filter(|e| !e.is_empty())
            .map(|e| format!(", error: {e}"))
            .unwrap_or_default()
    );
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
            let judged = measured_minutes(args, samples) >= JUDGED_MINUTES;
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
                } else {
                    format!("reported only: under {JUDGED_MINUTES} min measured")
                }
            );
        }
        None => {
            let _ = writeln!(r, "  growth: too few samples after the warm-up");
        }
    }
    let _ = writeln!(r, "  crashes: {}", crashes.len());
    for crash in crashes {
        let _ = writeln!(r, "    {crash}");
    }
    r
}
