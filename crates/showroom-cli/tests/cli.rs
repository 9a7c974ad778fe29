//! The `showroom` binary as scripts use it: exit codes, located errors, JSON shapes.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

mod common;
#[cfg(unix)]
use common::copy_dir;
use common::sample;

fn showroom(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_showroom"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env("RUST_BACKTRACE", "0")
        .output()
        .expect("the showroom binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn import_search_and_stats_on_the_sample_catalog() {
    let data = tempfile::tempdir().unwrap();
    let out = showroom(
        data.path(),
        &["--lang", "en", "import", sample().to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).starts_with("imported sco-specialty-2026"),
        "{}",
        text(&out.stdout)
    );

    let out = showroom(data.path(), &["search", "мёд", "--json", "--limit", "3"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(json["total"].as_u64().unwrap() >= 1);
    let hits = json["hits"].as_array().unwrap();
    assert!(!hits.is_empty() && hits.len() <= 3);
    for key in ["id", "score", "name", "highlight"] {
        assert!(hits[0].get(key).is_some(), "hit without {key}: {}", hits[0]);
    }
    assert!(json["facets"]["country"].is_object() && json["facets"]["category"].is_object());
    assert!(json["took_ms"].is_number());

    // The same JSON whatever the message language.
    let ru = showroom(
        data.path(),
        &["--lang", "ru", "search", "мёд", "--json", "--limit", "3"],
    );
    let ru: serde_json::Value = serde_json::from_slice(&ru.stdout).unwrap();
    assert_eq!(ru["hits"], json["hits"]);

    let out = showroom(data.path(), &["catalog", "stats", "--json"]);
    let stats: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(stats["products"].as_u64().unwrap() >= 30);
    assert!(stats["per_country"].as_object().unwrap().len() >= 8);

    let out = showroom(data.path(), &["--lang", "ru", "catalog", "stats"]);
    assert!(
        text(&out.stdout).starts_with("каталог sco-specialty-2026"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn a_bad_bundle_exits_non_zero_with_located_localised_problems() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("bundle");
    fs::create_dir(&bundle).unwrap();
    fs::write(bundle.join("catalog.toml"), "format = 2\n").unwrap();
    fs::write(bundle.join("categories.toml"), "").unwrap();
    fs::write(bundle.join("exhibitors.jsonl"), "").unwrap();
    fs::write(bundle.join("products.jsonl"), "\n{oops\n").unwrap();

    let out = showroom(
        dir.path(),
        &["--lang", "en", "catalog", "check", bundle.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("catalog.toml: format: format 2 is not supported"),
        "{stdout}"
    );
    assert!(
        stdout.contains("products.jsonl:2: -: not valid JSON"),
        "{stdout}"
    );

    let out = showroom(
        dir.path(),
        &["--lang", "zh", "import", bundle.to_str().unwrap()],
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("错误：目录包有"),
        "{}",
        text(&out.stderr)
    );

    let out = showroom(dir.path(), &["--lang", "xx", "catalog", "stats"]);
    assert!(!out.status.success());
}

/// One reader of `showroom.toml` for every command: a mistake in any section stops the
/// trade commands and `serve` alike with the file, line and key in the user's language,
/// and never the value (it may be a token).
#[test]
fn a_mistake_in_showroom_toml_is_located_and_localised_by_every_command() {
    const SECRET: &str = "s3cr3t-token-42";
    let dir = tempfile::tempdir().unwrap();
    for (file, key, line, args) in [
        (
            format!(
                "[platform]\nurl = \"https://trade.example.cn/\"\ntimeout_secs = \"{SECRET}\"\n"
            ),
            "platform.timeout_secs",
            3,
            vec!["--lang", "ru", "sync"],
        ),
        (
            format!("kiosk = true\n[serve]\nburst = \"{SECRET}\"\n"),
            "serve.burst",
            3,
            vec!["--lang", "ru", "serve", "--port", "0"],
        ),
        (
            format!("[supervise]\nstale_secs = \"{SECRET}\"\n"),
            "supervise.stale_secs",
            2,
            vec!["--lang", "ru", "outbox", "flush"],
        ),
    ] {
        fs::write(dir.path().join("showroom.toml"), &file).unwrap();
        let out = showroom(dir.path(), &args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let stderr = text(&out.stderr);
        assert!(stderr.contains("в showroom.toml ошибка"), "{stderr}");
        assert!(stderr.contains(&format!("line {line}")), "{stderr}");
        assert!(stderr.contains(key), "{stderr}");
        assert!(!stderr.contains(SECRET), "the value is echoed: {stderr}");
    }
}

#[test]
fn the_sample_bundle_checks_clean() {
    let dir = tempfile::tempdir().unwrap();
    let out = showroom(
        dir.path(),
        &[
            "--lang",
            "en",
            "catalog",
            "check",
            sample().to_str().unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

#[test]
fn a_thousand_problems_are_listed_and_the_rest_counted() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("bundle");
    let out = showroom(
        dir.path(),
        &[
            "catalog",
            "generate",
            "--products",
            "100",
            "--out",
            bundle.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    // Lines 101 to 1600 are not JSON.
    let mut products = fs::read_to_string(bundle.join("products.jsonl")).unwrap();
    products.push_str(&"{oops\n".repeat(1500));
    fs::write(bundle.join("products.jsonl"), products).unwrap();
    let bundle = bundle.to_str().unwrap();

    let out = showroom(dir.path(), &["--lang", "en", "catalog", "check", bundle]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1001, "{stdout}");
    assert!(lines[0].starts_with("products.jsonl:101: -: not valid JSON"));
    assert!(lines[999].starts_with("products.jsonl:1100: -: not valid JSON"));
    assert_eq!(lines[1000], "… and 500 more problems");

    let out = showroom(dir.path(), &["catalog", "check", bundle, "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["valid"], false);
    assert_eq!(json["problems"].as_array().unwrap().len(), 1000);
    assert_eq!(json["problems_total"], 1500);
    assert_eq!(json["problems"][0]["line"], 101);

    let data = dir.path().join("data");
    let out = showroom(&data, &["--lang", "ru", "import", bundle]);
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert_eq!(
        stderr
            .lines()
            .filter(|l| l.starts_with("products.jsonl:"))
            .count(),
        1000
    );
    assert!(stderr.contains("\n… и ещё 500 ошибок\n"), "{stderr}");
    assert!(stderr.contains("в пакете каталога 1500 ошибок"), "{stderr}");

    let out = showroom(&data, &["import", bundle, "--skip-invalid", "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["products"], 100);
    assert_eq!(json["skipped"].as_array().unwrap().len(), 1000);
    assert_eq!(json["skipped_total"], 1500);

    let out = showroom(&data, &["--lang", "en", "import", bundle, "--skip-invalid"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with("skipped 1500 invalid products:\n"),
        "{stderr}"
    );
    assert!(
        stderr.ends_with("\n  … and 500 more problems\n"),
        "{stderr}"
    );
}

/// `showroom ARGS`, killed and failing the test when it has not ended within half a
/// minute.
#[cfg(unix)]
fn showroom_within_half_a_minute(data: &Path, args: &[&str]) -> Output {
    use std::io::Read;
    use std::process::Stdio;
    use std::time::{Duration, Instant};

    let mut child = Command::new(env!("CARGO_BIN_EXE_showroom"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let drain = |mut from: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = from.read_to_end(&mut bytes);
            bytes
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("showroom {args:?} did not end within 30 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Output {
        status,
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    }
}

#[cfg(unix)]
#[test]
fn a_named_pipe_in_a_bundle_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("bundle");
    copy_dir(&sample(), &bundle);
    let fifo = bundle.join("products.jsonl");
    fs::remove_file(&fifo).unwrap();
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let bundle = bundle.to_str().unwrap();

    let out =
        showroom_within_half_a_minute(dir.path(), &["--lang", "en", "catalog", "check", bundle]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains(
            "products.jsonl: -: \"products.jsonl\" is a named pipe (FIFO), not a regular file; it was not read"
        ),
        "{stdout}"
    );

    let data = dir.path().join("data");
    let out = showroom_within_half_a_minute(&data, &["--lang", "zh", "import", bundle]);
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("products.jsonl: -: “products.jsonl”是命名管道（FIFO），不是普通文件"),
        "{stderr}"
    );
    let out = showroom(&data, &["catalog", "stats"]);
    assert!(!out.status.success(), "nothing was imported");
}

/// An import killed with SIGKILL at any moment leaves the previous catalog whole and
/// searchable (or, past its commit, the new one whole), and the next import succeeds.
#[cfg(unix)]
#[test]
fn an_import_killed_at_any_point_leaves_a_whole_catalog() {
    use std::time::Duration;

    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (v1, v2) = (dir.path().join("v1"), dir.path().join("v2"));
    let generate = |n: &str, seed: &str, out: &Path| {
        let status = showroom(
            dir.path(),
            &[
                "catalog",
                "generate",
                "--products",
                n,
                "--seed",
                seed,
                "--out",
                out.to_str().unwrap(),
            ],
        );
        assert!(status.status.success(), "{}", text(&status.stderr));
    };
    generate("200", "1", &v1);
    generate("3000", "2", &v2);
    let out = showroom(&data, &["import", v1.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));

    let stats = |data: &Path| -> (String, u64) {
        let out = showroom(data, &["catalog", "stats", "--json"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        (
            json["version"].as_str().unwrap().to_string(),
            json["products"].as_u64().unwrap(),
        )
    };
    let mut saw_old_after_kill = false;
    for delay_ms in [30, 150, 400, 900, 1600, 2500] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_showroom"))
            .arg("--data-dir")
            .arg(&data)
            .arg("import")
            .arg(&v2)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();

        let verify = showroom(&data, &["catalog", "verify"]);
        assert!(
            verify.status.success(),
            "after a kill at {delay_ms} ms: {}",
            text(&verify.stdout)
        );
        let (version, products) = stats(&data);
        match version.as_str() {
            "gen-1-200" => {
                assert_eq!(products, 200);
                saw_old_after_kill = true;
            }
            "gen-2-3000" => assert_eq!(products, 3000),
            other => panic!("unexpected catalog version {other}"),
        }
        let search = showroom(&data, &["search", "honey", "--json"]);
        assert!(search.status.success(), "{}", text(&search.stderr));
        let json: serde_json::Value = serde_json::from_slice(&search.stdout).unwrap();
        assert!(json["total"].as_u64().unwrap() > 0);
        if version == "gen-2-3000" {
            break;
        }
    }
    assert!(
        saw_old_after_kill,
        "no kill landed before the commit; the test proved nothing"
    );
    let out = showroom(&data, &["import", v2.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(stats(&data), ("gen-2-3000".to_string(), 3000));
    // Nothing but the current index is left behind.
    assert_eq!(std::fs::read_dir(data.join("index")).unwrap().count(), 1);
}

/// `showroom ARGS` with `input` on stdin.
fn showroom_stdin(data: &Path, args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_showroom"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env("RUST_BACKTRACE", "0")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the showroom binary runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn an_operator_sets_the_kiosk_pin_and_lifts_a_lockout_from_the_command_line() {
    use showroom_core::kiosk::{AdminPin, PIN_TRIES, PinCheck};
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let now = time::OffsetDateTime::now_utc().unix_timestamp();

    // Nothing to unlock without a PIN: said, and a failure.
    let out = showroom(&data, &["--lang", "en", "kiosk", "unlock"]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("no admin PIN is set"),
        "{}",
        text(&out.stderr)
    );

    // A PIN the pad cannot type is refused and nothing is written.
    let out = showroom_stdin(&data, &["--lang", "ru", "kiosk", "set-pin"], "12a4\n");
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("4–12 цифр"),
        "{}",
        text(&out.stderr)
    );
    assert!(!data.join("kiosk-pin.toml").exists());

    let out = showroom_stdin(&data, &["--lang", "en", "kiosk", "set-pin"], "2468\n");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("the admin PIN is set"),
        "{}",
        text(&out.stdout)
    );
    let pin = AdminPin::new(&data);
    assert_eq!(pin.check("2468", now).unwrap(), PinCheck::Accepted);

    // Visitors lock the pad; the operator lifts the lockout and the PIN still works.
    for _ in 0..PIN_TRIES {
        pin.check("0000", now).unwrap();
    }
    assert!(matches!(
        pin.check("2468", now).unwrap(),
        PinCheck::LockedOut { .. }
    ));
    let out = showroom(&data, &["kiosk", "unlock", "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["state"], "unlocked");
    assert!(json["locked_until"].as_i64().unwrap() > now);
    assert_eq!(pin.check("2468", now).unwrap(), PinCheck::Accepted);

    let out = showroom(&data, &["--lang", "zh", "kiosk", "unlock"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("未被锁定"),
        "{}",
        text(&out.stdout)
    );

    // A new PIN set while locked out replaces the old one and clears the lockout too.
    for _ in 0..PIN_TRIES {
        pin.check("0000", now).unwrap();
    }
    let out = showroom_stdin(&data, &["kiosk", "set-pin"], "97531\n");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(pin.check("97531", now).unwrap(), PinCheck::Accepted);
    assert!(matches!(
        pin.check("2468", now).unwrap(),
        PinCheck::Rejected { .. }
    ));
}

/// A reader that stops reading (`showroom search … | head -1`) ends the command quietly,
/// as with other command-line tools: no panic on the broken pipe.
#[cfg(unix)]
#[test]
fn a_reader_that_stops_early_ends_the_command_quietly() {
    use std::os::unix::process::ExitStatusExt;
    use std::process::Stdio;

    let data = tempfile::tempdir().unwrap();
    let out = showroom(data.path(), &["import", sample().to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mut child = Command::new(env!("CARGO_BIN_EXE_showroom"))
        .arg("--data-dir")
        .arg(data.path())
        .args(["--lang", "en", "search", "honey", "--limit", "50"])
        .env("RUST_BACKTRACE", "0")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The reader is gone before the command writes its first line.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = text(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    // Ended by SIGPIPE (13 on Linux and the BSDs), as `grep` or `cat` would be.
    assert_eq!(out.status.signal(), Some(13), "{:?}", out.status);
}

/// The guard's events, one JSON object a line.
#[cfg(unix)]
fn guard_events(out: &Output) -> Vec<serde_json::Value> {
    text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

#[cfg(unix)]
fn kinds(events: &[serde_json::Value]) -> Vec<&str> {
    events
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect()
}

#[cfg(unix)]
#[test]
fn the_kiosk_guard_restarts_on_the_units_rules() {
    let data = tempfile::tempdir().unwrap();
    let dir = data.path().to_str().unwrap();

    // An app that keeps failing: three starts, then the guard gives up (exit 1).
    let out = showroom(
        data.path(),
        &[
            "--json",
            "kiosk",
            "guard",
            "--restart-delay-secs",
            "0",
            "--start-limit-burst",
            "3",
            "--",
            "sh",
            "-c",
            "test \"$SHOWROOM_DATA_DIR\" = \"$0\" && exit 3",
            dir,
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let events = guard_events(&out);
    assert_eq!(
        kinds(&events),
        [
            "started",
            "ended",
            "restarting",
            "started",
            "ended",
            "restarting",
            "started",
            "ended",
            "restarting",
            "gave_up"
        ]
    );
    // The app was told the data directory (or its status would be 1, not 3).
    assert_eq!(events[1]["status"], 3);
    assert_eq!(events[1]["reason"], "exited");
    assert_eq!(events[9]["starts"], 3);

    // An operator's exit (status 0) is final: one start, and the guard exits 0.
    let out = showroom(data.path(), &["--json", "kiosk", "guard", "--", "true"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        kinds(&guard_events(&out)),
        ["started", "ended", "operator_exit"]
    );

    // An app that never draws its screen (no heartbeat) is ended after the start timeout,
    // and one killed by a signal is started again like any other end.
    let out = showroom(
        data.path(),
        &[
            "--json",
            "kiosk",
            "guard",
            "--start-timeout-secs",
            "1",
            "--restart-delay-secs",
            "0",
            "--start-limit-burst",
            "2",
            "--",
            "sleep",
            "30",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let events = guard_events(&out);
    assert_eq!(
        kinds(&events),
        [
            "started",
            "ended",
            "restarting",
            "started",
            "ended",
            "restarting",
            "gave_up"
        ]
    );
    assert_eq!(events[1]["reason"], "never_ready");
    assert_eq!(events[1]["status"], serde_json::Value::Null);
    assert!(events[1]["silent_secs"].as_f64().unwrap() >= 1.0);

    // In words, in the operator's language.
    let out = showroom(
        data.path(),
        &["--lang", "ru", "kiosk", "guard", "--", "true"],
    );
    assert_eq!(out.status.code(), Some(0));
    let said = text(&out.stdout);
    assert!(said.contains("приложение запущено"), "{said}");
    assert!(said.contains("оператор вышел из приложения"), "{said}");
}

#[test]
fn the_kiosk_guard_refuses_bad_timings_and_a_missing_app() {
    let data = tempfile::tempdir().unwrap();
    for bad in [
        &["kiosk", "guard", "--watchdog-secs", "0", "--", "true"][..],
        &["kiosk", "guard", "--restart-delay-secs", "-1", "--", "true"],
        &["kiosk", "guard", "--start-limit-burst", "0", "--", "true"],
        &["kiosk", "guard", "--watchdog-secs", "1e9", "--", "true"],
    ] {
        let out = showroom(data.path(), bad);
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {}", text(&out.stderr));
    }
    // A program that cannot be started is tried again like one that ended, up to the
    // start limit.
    let missing = data.path().join("no-such-app");
    let log = data.path().join("guard.log");
    let out = showroom(
        data.path(),
        &[
            "--lang",
            "en",
            "kiosk",
            "guard",
            "--restart-delay-secs",
            "0",
            "--start-limit-burst",
            "2",
            "--log",
            log.to_str().unwrap(),
            "--",
            missing.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    assert_eq!(said.matches("could not be started").count(), 2, "{said}");
    assert!(said.contains("no-such-app"), "{said}");
    assert!(said.contains("2 starts within 600 s"), "{said}");
    assert!(!text(&out.stderr).contains("panicked"));
    // The log holds the same lines, each with its time.
    let logged = fs::read_to_string(&log).unwrap();
    assert_eq!(logged.lines().count(), said.lines().count(), "{logged}");
    assert!(logged.lines().all(|l| l.contains(" guard: ")), "{logged}");
}
