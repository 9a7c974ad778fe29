//! `showroom serve` on the built binary: field errors in the visitor's language with nothing
//! stored, a queued inquiry delivered by the background sender to the reference platform on
//! loopback, listing by reference only (the whole outbox for the operator's token), an
//! honest "no platform", withdrawal by reference, and the limits that keep a public show
//! up: request and inquiry budgets, the outbox cap, body size, Host names, forwarded
//! addresses believed from trusted proxies only, slow and idle connections.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use showroom_platform::{Faults, Options, Running};

const TOKEN: &str = "serve-test-token";
const OPERATOR: &str = "operator-token-0123456789";

struct Serve {
    child: Child,
    url: String,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../catalog")
}

/// Imports the sample catalog into `data` and serves it (a stand-in UI folder), with the
/// platform at `platform` when given.
fn serve(dir: &Path, data: &Path, platform: Option<&Running>) -> Serve {
    serve_with(dir, data, platform, "")
}

/// The same with `[serve]` settings (the operator token is always set).
fn serve_with(dir: &Path, data: &Path, platform: Option<&Running>, serve_toml: &str) -> Serve {
    let bin = env!("CARGO_BIN_EXE_showroom");
    let imported = Command::new(bin)
        .arg("--data-dir")
        .arg(data)
        .arg("import")
        .arg(sample())
        .env_remove("SHOWROOM_DATA_DIR")
        .output()
        .unwrap();
    assert!(imported.status.success(), "{imported:?}");
    std::fs::write(
        data.join("showroom.toml"),
        format!("[serve]\noperator_token = \"{OPERATOR}\"\n{serve_toml}"),
    )
    .unwrap();
    let ui = dir.join("ui");
    std::fs::create_dir_all(&ui).unwrap();
    std::fs::write(ui.join("index.html"), "<!doctype html><title>t</title>").unwrap();
    let mut command = Command::new(bin);
    command
        .arg("--data-dir")
        .arg(data)
        .args(["serve", "--port", "0", "--ui"])
        .arg(&ui)
        .env_remove("SHOWROOM_DATA_DIR")
        .env_remove("SHOWROOM_PLATFORM_URL")
        .env_remove("SHOWROOM_PLATFORM_TOKEN")
        .env("SHOWROOM_SYNC_INTERVAL_SECS", "0")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if let Some(platform) = platform {
        command
            .env("SHOWROOM_PLATFORM_URL", platform.url())
            .env("SHOWROOM_PLATFORM_TOKEN", TOKEN);
    }
    let mut child = command.spawn().unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    Serve {
        child,
        url: line.trim().to_string(),
    }
}

fn draft() -> Value {
    json!({
        "locale": "ru",
        "items": [{"product_id": "ru-altai-mountain-honey-1kg", "quantity": 500, "unit": "kg",
                   "target_price": {"amount": 60.0, "currency": "CNY"}}],
        "incoterm": "CIF",
        "destination": {"country": "KZ", "place": "Almaty"},
        "buyer": {"name": "Айгерим Садыкова", "phone": "+77011234567"},
        "consent": {"contact": true, "text_version": "2026-11"}
    })
}

async fn post(url: &str, body: &Value) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(url)
        .header("Content-Type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (
        status,
        serde_json::from_slice(&response.bytes().await.unwrap()).unwrap(),
    )
}

async fn get(url: &str) -> (u16, Value) {
    let response = reqwest::get(url).await.unwrap();
    let status = response.status().as_u16();
    (
        status,
        serde_json::from_slice(&response.bytes().await.unwrap()).unwrap(),
    )
}

/// A GET as the operator.
async fn get_as_operator(url: &str) -> (u16, Value) {
    let response = reqwest::Client::new()
        .get(url)
        .bearer_auth(OPERATOR)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (
        status,
        serde_json::from_slice(&response.bytes().await.unwrap()).unwrap(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inquiries_through_serve_reach_the_platform() {
    let dir = tempfile::tempdir().unwrap();
    let mut options = Options::new(dir.path().join("platform"), TOKEN);
    options.catalog = Some(sample());
    options.faults = Faults::default();
    let platform = showroom_platform::start(options).await.unwrap();
    let server = serve(dir.path(), &dir.path().join("data"), Some(&platform));
    let base = &server.url;

    // Invalid: every problem, in Chinese, and nothing stored.
    let mut bad = draft();
    bad["items"][0]["quantity"] = json!(0);
    bad["buyer"]["name"] = json!("");
    bad["buyer"]["phone"] = Value::Null;
    bad["consent"]["contact"] = json!(false);
    let (status, answer) = post(&format!("{base}api/inquiries?lang=zh"), &bad).await;
    assert_eq!(status, 200);
    assert_eq!(answer["status"], "invalid");
    let fields: Vec<&str> = answer["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        [
            "items[0].quantity",
            "buyer.name",
            "buyer",
            "consent.contact"
        ]
    );
    let message = answer["errors"][1]["message"].as_str().unwrap();
    assert!(
        message
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{message}"
    );
    let (_, all) = get_as_operator(&format!("{base}api/inquiries")).await;
    assert_eq!(all, json!([]), "an invalid inquiry is not stored");
    // The same errors again in Russian, for a language switch.
    let (status, errors) = post(&format!("{base}api/inquiries/validate?lang=ru"), &bad).await;
    assert_eq!(status, 200);
    assert_eq!(errors.as_array().unwrap().len(), 4);
    assert!(errors[1]["message"].as_str().unwrap().contains("поле"));

    // Only JSON bodies are read (another site's form cannot post one).
    let response = reqwest::Client::new()
        .post(format!("{base}api/inquiries"))
        .header("Content-Type", "text/plain")
        .body(draft().to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);

    // Valid: queued at once, then delivered by the background sender.
    let (status, answer) = post(&format!("{base}api/inquiries?lang=ru"), &draft()).await;
    assert_eq!(status, 201, "{answer}");
    assert_eq!(answer["status"], "queued");
    assert_eq!(answer["entry"]["state"], "queued");
    let reference = answer["entry"]["client_ref"].as_str().unwrap().to_string();
    let deadline = Instant::now() + Duration::from_secs(20);
    let entry = loop {
        let (status, entry) = get(&format!("{base}api/inquiries/{reference}")).await;
        assert_eq!(status, 200);
        if entry["state"] == "received" {
            break entry;
        }
        assert!(Instant::now() < deadline, "not delivered: {entry}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(entry["platform_id"].as_str().unwrap().starts_with("INQ-"));

    let (_, listed) = get(&format!(
        "{base}api/inquiries?refs={reference},00000000-0000-4000-8000-000000000000"
    ))
    .await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["client_ref"], reference.as_str());
    let (status, missing) = get(&format!(
        "{base}api/inquiries/00000000-0000-4000-8000-000000000000"
    ))
    .await;
    assert_eq!(status, 404);
    assert_eq!(missing["code"], "not-found");
    let (_, info) = get(&format!("{base}api/outbox")).await;
    assert_eq!(info, json!({"platform_configured": true, "undelivered": 0}));

    // The visitor takes it back: it has left, so the personal data kept here goes now.
    let (status, done) = delete(&format!("{base}api/inquiries/{reference}")).await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(done, json!({"status": "personal-data-deleted"}));
    let (_, entry) = get(&format!("{base}api/inquiries/{reference}")).await;
    assert_eq!(entry["personal_data_deleted"], true);
    assert_eq!(entry["state"], "received");
}

async fn delete(url: &str) -> (u16, Value) {
    let response = reqwest::Client::new().delete(url).send().await.unwrap();
    let status = response.status().as_u16();
    (
        status,
        serde_json::from_slice(&response.bytes().await.unwrap()).unwrap(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_platform_inquiries_stay_queued_and_serve_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let server = serve(dir.path(), &dir.path().join("data"), None);
    let base = &server.url;
    let (status, answer) = post(&format!("{base}api/inquiries?lang=en"), &draft()).await;
    assert_eq!(status, 201, "{answer}");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let reference = answer["entry"]["client_ref"].as_str().unwrap();
    let (_, entry) = get(&format!("{base}api/inquiries/{reference}")).await;
    assert_eq!(entry["state"], "queued");
    let (_, info) = get(&format!("{base}api/outbox")).await;
    assert_eq!(
        info,
        json!({"platform_configured": false, "undelivered": 1})
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_outbox_and_metrics_are_for_the_operator_only() {
    let dir = tempfile::tempdir().unwrap();
    let server = serve(dir.path(), &dir.path().join("data"), None);
    let base = &server.url;
    let (status, answer) = post(&format!("{base}api/inquiries?lang=en"), &draft()).await;
    assert_eq!(status, 201, "{answer}");
    let reference = answer["entry"]["client_ref"].as_str().unwrap().to_string();

    // Loopback is no credential: no listing without the operator's token.
    let (status, refused) = get(&format!("{base}api/inquiries?lang=ru")).await;
    assert_eq!(status, 401);
    assert_eq!(refused["code"], "unauthorized");
    assert!(
        refused["message"].as_str().unwrap().contains("оператор"),
        "{refused}"
    );
    let wrong = reqwest::Client::new()
        .get(format!("{base}api/inquiries"))
        .bearer_auth("operator-token-0123456780")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status().as_u16(), 401);
    let (status, all) = get_as_operator(&format!("{base}api/inquiries")).await;
    assert_eq!(status, 200);
    assert_eq!(all.as_array().unwrap().len(), 1);
    // A visitor sees what it names, and the entry holds no personal data.
    let (_, mine) = get(&format!("{base}api/inquiries?refs={reference}")).await;
    assert_eq!(mine.as_array().unwrap().len(), 1);
    let text = mine.to_string();
    assert!(
        !text.contains("Айгерим") && !text.contains("+7701"),
        "{text}"
    );
    let too_many = vec!["00000000-0000-4000-8000-000000000000"; 51].join(",");
    let (status, _) = get(&format!("{base}api/inquiries?refs={too_many}")).await;
    assert_eq!(status, 400);

    let metrics = reqwest::get(format!("{base}metrics")).await.unwrap();
    assert_eq!(metrics.status().as_u16(), 401);
    let metrics = reqwest::Client::new()
        .get(format!("{base}metrics"))
        .bearer_auth(OPERATOR)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for name in [
        "showroom_http_requests_total",
        "showroom_http_request_duration_seconds_bucket",
        "showroom_outbox_undelivered 1",
        "showroom_catalog_sync_age_seconds -1",
        "showroom_refusals_total",
    ] {
        assert!(metrics.contains(name), "{name} missing:\n{metrics}");
    }
    // No reference ever appears in a metric label.
    assert!(!metrics.contains(&reference));

    let health = reqwest::get(format!("{base}healthz")).await.unwrap();
    assert_eq!(health.status().as_u16(), 200);
    let (status, ready) = get(&format!("{base}readyz")).await;
    assert_eq!(status, 200);
    assert_eq!(ready["ready"], true);
    assert_eq!(ready["catalog_loaded"], true);
    assert_eq!(ready["outbox_writable"], true);

    // Withdrawn before it left: removed, never sent.
    let (status, done) = delete(&format!("{base}api/inquiries/{reference}?lang=en")).await;
    assert_eq!(status, 200);
    assert_eq!(done, json!({"status": "removed"}));
    let (status, _) = get(&format!("{base}api/inquiries/{reference}")).await;
    assert_eq!(status, 404);
    let (status, _) = delete(&format!("{base}api/inquiries/{reference}")).await;
    assert_eq!(status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_inquiry_flood_is_refused_and_nothing_stored_is_lost() {
    let dir = tempfile::tempdir().unwrap();
    let server = serve_with(
        dir.path(),
        &dir.path().join("data"),
        None,
        "inquiries_per_hour = 3\ninquiry_burst = 3\n",
    );
    let base = &server.url;
    let mut stored = Vec::new();
    let mut refused = 0;
    for _ in 0..20 {
        let response = reqwest::Client::new()
            .post(format!("{base}api/inquiries?lang=ru"))
            .header("Content-Type", "application/json")
            .body(draft().to_string())
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let retry = response.headers().get("retry-after").cloned();
        let body: Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
        match status {
            201 => stored.push(body["entry"]["client_ref"].as_str().unwrap().to_string()),
            429 => {
                refused += 1;
                assert_eq!(body["code"], "rate-limited");
                assert!(
                    body["message"].as_str().unwrap().contains("запрос"),
                    "{body}"
                );
                let secs: u64 = retry.unwrap().to_str().unwrap().parse().unwrap();
                assert!((1..=1200).contains(&secs), "{secs}");
            }
            other => panic!("{other}: {body}"),
        }
    }
    assert_eq!(stored.len(), 3);
    assert_eq!(refused, 17);
    // Every inquiry taken before the flood is still there, and nothing else.
    let (_, all) = get_as_operator(&format!("{base}api/inquiries")).await;
    let refs: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["client_ref"].as_str().unwrap())
        .collect();
    assert_eq!(refs.len(), 3);
    assert!(stored.iter().all(|r| refs.contains(&r.as_str())));
    // An invalid form is still answered (its errors cost no budget and store nothing).
    let mut bad = draft();
    bad["buyer"]["name"] = json!("");
    let (status, answer) = post(&format!("{base}api/inquiries?lang=en"), &bad).await;
    assert_eq!(status, 200);
    assert_eq!(answer["status"], "invalid");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_outbox_and_oversize_bodies_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let server = serve_with(
        dir.path(),
        &dir.path().join("data"),
        None,
        "max_undelivered = 2\n",
    );
    let base = &server.url;
    for _ in 0..2 {
        let (status, _) = post(&format!("{base}api/inquiries?lang=en"), &draft()).await;
        assert_eq!(status, 201);
    }
    let response = reqwest::Client::new()
        .post(format!("{base}api/inquiries?lang=zh"))
        .header("Content-Type", "application/json")
        .body(draft().to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 503);
    assert!(response.headers().contains_key("retry-after"));
    let body: Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
    assert_eq!(body["code"], "busy");
    let (_, all) = get_as_operator(&format!("{base}api/inquiries")).await;
    assert_eq!(all.as_array().unwrap().len(), 2);

    // 1 MiB of JSON is not read.
    let mut big = draft();
    big["message"] = json!("x".repeat(1 << 20));
    let (status, answer) = post(&format!("{base}api/inquiries/validate?lang=en"), &big).await;
    assert_eq!(status, 413, "{answer}");
    assert_eq!(answer["code"], "bad-request");
    // Malformed JSON and a malformed query are clear 400s.
    let response = reqwest::Client::new()
        .post(format!("{base}api/inquiries/validate"))
        .header("Content-Type", "application/json")
        .body("{\"items\": [")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    let (status, answer) = get(&format!("{base}api/search?query=tea&limit=many")).await;
    assert_eq!(status, 400);
    assert_eq!(answer["code"], "bad-request");
    // Unknown addresses under /api/ say nothing about the server's files.
    let (status, answer) = get(&format!("{base}api/..%2f..%2fetc/passwd")).await;
    assert_eq!(status, 404);
    assert!(!answer.to_string().contains('/'), "{answer}");
}

/// Raw HTTP/1.1 on a socket: what a browser never sends.
fn raw(base: &str, request: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let addr = base.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut reply = Vec::new();
    let _ = stream.read_to_end(&mut reply);
    let text = String::from_utf8_lossy(&reply).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn host_names_and_forwarded_addresses_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let server = serve_with(
        dir.path(),
        &dir.path().join("data"),
        None,
        "public_url = \"https://show.example.cn/\"\nrequests_per_second = 1\nburst = 5\n",
    );
    let base = server.url.clone();
    let ask = |host: &str, forwarded: &str| {
        raw(
            &base,
            &format!(
                "GET /api/catalog HTTP/1.1\r\nHost: {host}\r\nX-Forwarded-For: {forwarded}\r\n\
                 Connection: close\r\n\r\n"
            ),
        )
    };
    // DNS rebinding: a page of another name that resolves to this machine is refused.
    let (status, text) = ask("attacker.example", "198.51.100.1");
    assert_eq!(status, 421, "{text}");
    let (status, _) = ask("show.example.cn", "198.51.100.1");
    assert_eq!(status, 200);
    // No proxy is trusted here: a forged X-Forwarded-For buys no fresh budget.
    let mut limited = 0;
    for i in 0..12 {
        let (status, text) = ask("localhost", &format!("198.51.100.{i}"));
        if status == 429 {
            limited += 1;
            assert!(text.to_ascii_lowercase().contains("retry-after:"), "{text}");
        }
    }
    assert!(limited >= 5, "only {limited} refused");
    // Health checks are never refused for budget reasons.
    let (status, _) = raw(
        &base,
        "GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(status, 200);
    // A header split across lines does not smuggle a second header into a reply.
    let (_, text) = raw(
        &base,
        "GET /api/qr?url=x%0d%0aSet-Cookie:%20a=b HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    );
    assert!(!text.to_ascii_lowercase().contains("set-cookie"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_trusted_proxy_each_client_has_its_own_budget() {
    let dir = tempfile::tempdir().unwrap();
    let server = serve_with(
        dir.path(),
        &dir.path().join("data"),
        None,
        "trusted_proxies = [\"127.0.0.0/8\"]\nrequests_per_second = 1\nburst = 3\n",
    );
    let base = server.url.clone();
    for i in 0..12 {
        let (status, text) = raw(
            &base,
            &format!(
                "GET /api/catalog HTTP/1.1\r\nHost: localhost\r\n\
                 X-Forwarded-For: 203.0.113.7, 198.51.100.{i}\r\nConnection: close\r\n\r\n"
            ),
        );
        assert_eq!(status, 200, "client {i}: {text}");
    }
    // One client through the proxy still has one budget, whatever it writes in front.
    let mut limited = 0;
    for i in 0..8 {
        let (status, _) = raw(
            &base,
            &format!(
                "GET /api/catalog HTTP/1.1\r\nHost: localhost\r\n\
                 X-Forwarded-For: 10.9.9.{i}, 198.51.100.200\r\nConnection: close\r\n\r\n"
            ),
        );
        limited += usize::from(status == 429);
    }
    assert!(limited >= 4, "only {limited} refused");
}

#[test]
fn slow_and_idle_connections_are_closed() {
    let dir = tempfile::tempdir().unwrap();
    let server = serve_with(
        dir.path(),
        &dir.path().join("data"),
        None,
        "header_timeout_secs = 1\nidle_timeout_secs = 2\n",
    );
    use std::io::{Read, Write};
    let addr = server
        .url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    // Slowloris: headers that never end.
    let mut slow = std::net::TcpStream::connect(&addr).unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(15)))
        .unwrap();
    slow.write_all(b"GET /api/catalog HTTP/1.1\r\nHost: localhost\r\n")
        .unwrap();
    let started = Instant::now();
    let mut buf = [0u8; 512];
    let _ = slow.read(&mut buf);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "the slow client was kept"
    );
    // A kept-alive connection that says nothing more is closed too.
    let mut idle = std::net::TcpStream::connect(&addr).unwrap();
    idle.set_read_timeout(Some(Duration::from_secs(15)))
        .unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .unwrap();
    let mut reply = Vec::new();
    let started = Instant::now();
    let _ = idle.read_to_end(&mut reply);
    assert!(String::from_utf8_lossy(&reply).starts_with("HTTP/1.1 200"));
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "the idle connection was kept"
    );
}
