//! `inquiry submit`, `outbox list`, `outbox flush` and `sync` on the built binary, against
//! the reference platform on loopback; the sender killed with SIGKILL mid-flight.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use showroom_platform::{Fault, Faults, Options, Running};

const TOKEN: &str = "cli-test-token-77";

fn showroom(data: &Path, platform: &Running, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_showroom"));
    command
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env("RUST_BACKTRACE", "0")
        .env("SHOWROOM_PLATFORM_URL", platform.url())
        // showroom.toml holds a wrong token: the environment must win.
        .env("SHOWROOM_PLATFORM_TOKEN", TOKEN)
        .env("SHOWROOM_PLATFORM_TIMEOUT_SECS", "1")
        .env("SHOWROOM_OUTBOX_MAX_BACKOFF_SECS", "0.3")
        .env_remove("SHOWROOM_DATA_DIR");
    command
}

fn run(data: &Path, platform: &Running, args: &[&str]) -> Output {
    showroom(data, platform, args).output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../catalog")
}

async fn platform(dir: &Path, faults: Faults) -> Running {
    let mut options = Options::new(dir.join("platform"), TOKEN);
    options.catalog = Some(sample());
    options.faults = faults;
    showroom_platform::start(options).await.unwrap()
}

fn inquiry(marker: &str) -> Value {
    json!({
        "locale": "ru",
        "items": [{"product_id": "ru-altai-mountain-honey-1kg", "quantity": 500, "unit": "kg",
                   "target_price": {"amount": 60.0, "currency": "CNY"}}],
        "incoterm": "CIF",
        "destination": {"country": "KZ", "place": "Almaty"},
        "message": format!("Нужна фасовка по 250 г. {marker}"),
        "buyer": {"name": "Айгерим Садыкова", "email": "a.sadykova@example.kz",
                  "phone": "+77011234567"},
        "consent": {"contact": true, "text_version": "2026-11"}
    })
}

async fn admin(
    running: &Running,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> Value {
    let mut request = reqwest::Client::new()
        .request(method, format!("{}{path}", running.url()))
        .bearer_auth(TOKEN);
    if let Some(body) = body {
        request = request.body(body.to_string());
    }
    let response = request.send().await.unwrap();
    assert!(response.status().is_success());
    serde_json::from_slice(&response.bytes().await.unwrap()).unwrap()
}

fn write_config(data: &Path) {
    std::fs::create_dir_all(data).unwrap();
    std::fs::write(
        data.join("showroom.toml"),
        "[platform]\nurl = \"http://127.0.0.1:9/\"\ntoken = \"wrong-token\"\n\n\
         [outbox]\nbase_backoff_secs = 0.05\nconcurrency = 4\n\n[device]\nkind = \"desktop\"\nid = \"cli-test\"\n",
    )
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn submit_refuses_invalid_inquiries_in_the_operators_language() {
    let dir = tempfile::tempdir().unwrap();
    let running = platform(dir.path(), Faults::default()).await;
    let data = dir.path().join("data");
    write_config(&data);
    let file = dir.path().join("bad.json");
    let mut bad = inquiry("bad");
    bad["buyer"]["email"] = json!("нет");
    bad["consent"]["contact"] = json!(false);
    std::fs::write(&file, bad.to_string()).unwrap();
    let out = run(
        &data,
        &running,
        &["--lang", "ru", "inquiry", "submit", file.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("в запросе 2 ошибки; ничего не сохранено"),
        "{err}"
    );
    assert!(
        err.contains("buyer.email: Значение указано неверно"),
        "{err}"
    );
    let out = run(
        &data,
        &running,
        &["--json", "inquiry", "submit", file.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(1));
    let answer: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(answer["status"], "invalid");
    assert_eq!(answer["errors"][1]["code"], "consent-required");
    let out = run(&data, &running, &["--json", "outbox", "list"]);
    assert_eq!(
        serde_json::from_slice::<Value>(&out.stdout).unwrap(),
        json!([])
    );

    // A valid one is queued, and its reference printed alone on stdout.
    std::fs::write(&file, inquiry("good").to_string()).unwrap();
    let out = run(
        &data,
        &running,
        &["--lang", "zh", "inquiry", "submit", file.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let client_ref = text(&out.stdout).trim().to_string();
    assert_eq!(client_ref.len(), 36);
    assert!(text(&out.stderr).contains("已保存到发送队列"));
    let out = run(&data, &running, &["outbox", "flush", "--wait", "10"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(&data, &running, &["--json", "outbox", "list"]);
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list[0]["client_ref"], json!(client_ref));
    assert_eq!(list[0]["state"], "received");

    // Catalog sync through the same configuration: full, then 304.
    let out = run(&data, &running, &["--json", "sync"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["mode"], "full");
    assert_eq!(report["import"]["products"], 165);
    let out = run(&data, &running, &["--lang", "en", "sync"]);
    assert!(
        text(&out.stdout).starts_with("the catalog is up to date"),
        "{}",
        text(&out.stdout)
    );
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sender_killed_mid_flight_loses_and_duplicates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let faults = Faults {
        rate: 0.4,
        kinds: vec![Fault::Hang, Fault::Drop, Fault::Status500, Fault::Reset],
        retry_after_secs: 1,
        hang_ms: 600,
    };
    let running = platform(dir.path(), faults).await;
    let data = dir.path().join("data");
    write_config(&data);
    let n = 40;
    let mut refs = BTreeMap::new();
    for i in 0..n {
        let file = dir.path().join(format!("inquiry-{i}.json"));
        std::fs::write(&file, inquiry(&format!("kill-{i}")).to_string()).unwrap();
        let out = run(
            &data,
            &running,
            &["inquiry", "submit", file.to_str().unwrap()],
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
        refs.insert(format!("kill-{i}"), text(&out.stdout).trim().to_string());
    }

    let mut kills = 0;
    let started = Instant::now();
    for round in 0..8 {
        let mut child = showroom(&data, &running, &["outbox", "flush", "--wait", "30"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        tokio::time::sleep(Duration::from_millis(150 + fastrand::u64(0..350))).await;
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap(); // SIGKILL
            kills += 1;
        }
        let status = child.wait().unwrap();
        eprintln!("round {round}: {status:?}");
    }
    assert!(
        kills >= 4,
        "the sender was killed mid-flight only {kills} times"
    );
    admin(
        &running,
        reqwest::Method::PUT,
        "admin/faults",
        Some(json!({"rate": 0.0, "kinds": [], "retry_after_secs": 1, "hang_ms": 0})),
    )
    .await;
    let out = run(&data, &running, &["outbox", "flush", "--wait", "60"]);
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );

    let out = run(&data, &running, &["--json", "outbox", "list"]);
    let list: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list.len(), n);
    assert!(list.iter().all(|e| e["state"] == "received"), "{list:?}");
    let stored = admin(&running, reqwest::Method::GET, "admin/inquiries", None).await;
    let mut by_marker: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for row in stored.as_array().unwrap() {
        let message = row["body"]["message"].as_str().unwrap();
        by_marker
            .entry(message.rsplit(' ').next().unwrap().to_string())
            .or_default()
            .push(row["client_ref"].as_str().unwrap().to_string());
    }
    assert_eq!(by_marker.len(), n, "every inquiry arrived");
    for (marker, client_ref) in &refs {
        assert_eq!(
            by_marker[marker],
            vec![client_ref.clone()],
            "{marker} exactly once"
        );
    }
    let stats = admin(&running, reqwest::Method::GET, "admin/stats", None).await;
    eprintln!(
        "{kills} kills in {:.1} s; platform: {stats}",
        started.elapsed().as_secs_f64()
    );

    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(data.join("showroom.db"));
    let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
    let (check,): (String,) = sqlx::query_as("PRAGMA integrity_check")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(check, "ok");
    pool.close().await;
    running.stop().await;
}
