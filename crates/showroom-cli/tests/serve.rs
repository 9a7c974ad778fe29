//! `showroom serve` on the built binary: field errors in the visitor's language with nothing
//! stored, a queued inquiry delivered by the background sender to the reference platform on
//! loopback, listing by reference only (the whole outbox for the operator's token), an
//! honest "no platform", withdrawal by reference, and the limits that keep a public show
//! up: request and inquiry budgets, the outbox cap, body size, Host names, forwarded
//! addresses believed from trusted proxies only, slow and idle connections.
//!
//! Unix only: the online show is served from Linux behind nginx (docs/packaging.md), and
//! its pages are checked with `tidy`, a Linux program that a Windows test under Wine
//! cannot start.

#![cfg(unix)]

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
    // The shape of the built UI's index.html (vite, relative asset paths).
    std::fs::write(
        ui.join("index.html"),
        "<!doctype html>\n<html lang=\"en-US\">\n  <head>\n    <meta charset=\"UTF-8\" />\n    \
         <title>SCO Showroom</title>\n    <script type=\"module\" crossorigin \
         src=\"./assets/app.js\"></script>\n  </head>\n  <body>\n    <div id=\"app\"></div>\n  \
         </body>\n</html>\n",
    )
    .unwrap();
    std::fs::create_dir_all(ui.join("assets")).unwrap();
    std::fs::write(
        ui.join("assets/app.js"),
        "console.log('the show');\n".repeat(400),
    )
    .unwrap();
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
    assert_eq!(
        info,
        json!({"platform_configured": true, "undelivered": 0, "auth_failing": false})
    );

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
        json!({"platform_configured": false, "undelivered": 1, "auth_failing": false})
    );
}

/// A platform that refuses this replica's token: the inquiry is kept and waits, the
/// operator's view of the outbox says why, a visitor's does not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_token_is_told_to_the_operator_only() {
    let dir = tempfile::tempdir().unwrap();
    let mut options = Options::new(dir.path().join("platform"), "another-token-altogether");
    options.catalog = Some(sample());
    options.faults = Faults::default();
    let platform = showroom_platform::start(options).await.unwrap();
    let server = serve(dir.path(), &dir.path().join("data"), Some(&platform));
    let base = &server.url;
    let (status, answer) = post(&format!("{base}api/inquiries?lang=en"), &draft()).await;
    assert_eq!(status, 201, "{answer}");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (status, info) = get_as_operator(&format!("{base}api/outbox")).await;
        assert_eq!(status, 200);
        if info["auth_failing"] == json!(true) {
            assert_eq!(info["undelivered"], 1, "held, not lost");
            break;
        }
        assert!(Instant::now() < deadline, "never refused: {info}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let (_, info) = get(&format!("{base}api/outbox")).await;
    assert_eq!(
        info,
        json!({"platform_configured": true, "undelivered": 1, "auth_failing": false})
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

/// The `content` of `<meta property|name="key" content="...">` in a page, read as a
/// link-preview bot reads it (no script run, the first match).
fn meta(html: &str, key: &str) -> Option<String> {
    for attr in ["property", "name"] {
        let marker = format!("<meta {attr}=\"{key}\" content=\"");
        if let Some(start) = html.find(&marker) {
            let rest = &html[start + marker.len()..];
            return rest.split('"').next().map(|v| {
                v.replace("&amp;", "&")
                    .replace("&quot;", "\"")
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&#39;", "'")
            });
        }
    }
    None
}

async fn text_of(url: &str) -> (u16, String) {
    let response = reqwest::get(url).await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// HTML Tidy's verdict on a page: its errors (warnings allowed), empty when valid.
fn tidy_errors(html: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("page.html");
    std::fs::write(&path, html).unwrap();
    let out = Command::new("tidy")
        .args(["-q", "-errors", "--show-warnings", "no"])
        .arg(&path)
        .output()
        .expect("tidy is installed by scripts/setup-system.sh");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shared_links_preview_and_every_page_is_in_the_sitemap() {
    let dir = tempfile::tempdir().unwrap();
    let server = serve_with(
        dir.path(),
        &dir.path().join("data"),
        None,
        "public_url = \"https://show.example.cn/\"\n",
    );
    let base = &server.url;
    let (_, found) = get(&format!("{base}api/search?query=&lang=en&limit=1000")).await;
    let hits = found["hits"].as_array().unwrap();
    let priced = hits
        .iter()
        .find(|h| h["has_image"] == true && !h["price"].is_null())
        .unwrap();
    let id = priced["id"].as_str().unwrap();
    for (lang, words) in [("zh", "起"), ("ru", "от "), ("en", "from ")] {
        let (status, html) = text_of(&format!("{base}{lang}/products/{id}")).await;
        assert_eq!(status, 200);
        let name = priced["name"][lang].as_str().unwrap();
        assert_eq!(meta(&html, "og:title").as_deref(), Some(name), "{lang}");
        assert!(html.contains(&format!("<title>{name} · ")), "{lang}");
        let description = meta(&html, "og:description").unwrap();
        assert!(description.contains(words), "{lang}: {description}");
        assert_eq!(
            meta(&html, "product:price:currency").as_deref(),
            Some("CNY")
        );
        let image = meta(&html, "og:image").unwrap();
        let digest = priced["image"].as_str().unwrap();
        assert_eq!(
            image,
            format!("https://show.example.cn/media/{digest}/detail")
        );
        assert_eq!(
            meta(&html, "twitter:card").as_deref(),
            Some("summary_large_image")
        );
        let canonical = format!(
            "<link rel=\"canonical\" href=\"https://show.example.cn/{lang}/products/{id}\">"
        );
        assert!(html.contains(&canonical), "{lang}");
        for alt in ["zh-CN", "ru-RU", "en-US", "x-default"] {
            assert!(
                html.contains(&format!("hreflang=\"{alt}\"")),
                "{lang} {alt}"
            );
        }
        // The text is in the page for readers without JavaScript, the assets load from
        // the root, and the page is valid HTML.
        assert!(html.contains("<main id=\"prerender\" lang=\""));
        assert!(html.contains("src=\"/assets/app.js\""));
        assert_eq!(tidy_errors(&html), "", "{lang}");
        // The picture a preview shows is there.
        let picture = reqwest::get(image.replace("https://show.example.cn/", base))
            .await
            .unwrap();
        assert_eq!(picture.status().as_u16(), 200);
        assert_eq!(picture.headers()["content-type"], "image/jpeg");
        assert_eq!(
            picture.headers()["cache-control"],
            "public, max-age=31536000, immutable"
        );
    }
    let (_, product) = get(&format!("{base}api/products/{id}")).await;
    let exhibitor = product["exhibitor"]["id"].as_str().unwrap();
    let category = product["category"]["id"].as_str().unwrap();
    // A crawler finds its way from the home page to every product.
    for (path, link) in [
        (
            format!("ru/exhibitors/{exhibitor}"),
            format!("/ru/products/{id}\""),
        ),
        (
            format!("zh/categories/{category}"),
            format!("/zh/products/{id}\""),
        ),
        (
            "en/".to_string(),
            format!("/en/categories/{}\"", category.split('/').next().unwrap()),
        ),
    ] {
        let (status, html) = text_of(&format!("{base}{path}")).await;
        assert_eq!(status, 200, "{path}");
        assert!(html.contains(&link), "{path} links {link}");
        assert_eq!(tidy_errors(&html), "", "{path}");
    }
    // Unknown pages say so, and private screens are never indexed.
    let (status, html) = text_of(&format!("{base}en/products/no-such-product")).await;
    assert_eq!(status, 404);
    assert!(html.contains("noindex"));
    let (status, html) = text_of(&format!(
        "{base}ru/inquiries/00000000-0000-4000-8000-000000000000"
    ))
    .await;
    assert_eq!(status, 200);
    assert!(html.contains("noindex") && !html.contains("00000000-0000"));
    let root = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(base.as_str())
        .header("Accept-Language", "ru-RU,ru;q=0.9,en;q=0.5")
        .send()
        .await
        .unwrap();
    assert_eq!(root.status().as_u16(), 302);
    assert_eq!(root.headers()["location"], "/ru/");

    // Every product, exhibitor and category page of every language, with its alternates.
    let (_, info) = get(&format!("{base}api/catalog")).await;
    let pages = 1
        + info["products"].as_u64().unwrap()
        + info["exhibitors"].as_u64().unwrap()
        + info["categories"].as_u64().unwrap();
    let (status, index) = text_of(&format!("{base}sitemap.xml")).await;
    assert_eq!(status, 200);
    let mut urls = 0;
    let mut products_seen = std::collections::HashSet::new();
    for loc in index.split("<loc>").skip(1) {
        let loc = loc.split("</loc>").next().unwrap();
        let local = loc.replace("https://show.example.cn/", base);
        let (status, map) = text_of(&local).await;
        assert_eq!(status, 200, "{loc}");
        for url in map.split("<url>").skip(1) {
            urls += 1;
            assert_eq!(
                url.matches("<xhtml:link rel=\"alternate\"").count(),
                4,
                "{url}"
            );
            if let Some(p) = url.split("/products/").nth(1) {
                products_seen.insert(p.split('<').next().unwrap().to_string());
            }
        }
    }
    assert_eq!(urls as u64, 3 * pages);
    for hit in hits {
        assert!(products_seen.contains(hit["id"].as_str().unwrap()));
    }
    let (_, robots) = text_of(&format!("{base}robots.txt")).await;
    assert!(robots.contains("Sitemap: https://show.example.cn/sitemap.xml"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn light_on_slow_links_compressed_and_revalidated() {
    let dir = tempfile::tempdir().unwrap();
    let server = serve(dir.path(), &dir.path().join("data"), None);
    let base = &server.url;
    let client = reqwest::Client::builder()
        .no_brotli()
        .no_gzip()
        .build()
        .unwrap();
    // The UI's files: brotli when accepted, gzip otherwise, kept for a year by content.
    let raw = client
        .get(format!("{base}assets/app.js"))
        .send()
        .await
        .unwrap();
    let etag = raw.headers()["etag"].to_str().unwrap().to_string();
    assert!(
        raw.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    let raw_len = raw.bytes().await.unwrap().len();
    for (accept, encoding) in [("br, gzip", "br"), ("gzip", "gzip")] {
        let packed = client
            .get(format!("{base}assets/app.js"))
            .header("Accept-Encoding", accept)
            .send()
            .await
            .unwrap();
        assert_eq!(packed.headers()["content-encoding"], encoding);
        assert!(packed.bytes().await.unwrap().len() * 10 < raw_len);
    }
    let again = client
        .get(format!("{base}assets/app.js"))
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status().as_u16(), 304);
    // Answers about the catalog: compressed, and 304 when the browser has them.
    let url = format!("{base}api/search?query=&lang=ru&limit=48");
    let first = client
        .get(&url)
        .header("Accept-Encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(first.headers()["content-encoding"], "br");
    let etag = first.headers()["etag"].to_str().unwrap().to_string();
    let first = first.bytes().await.unwrap();
    let packed = first.len();
    let plain = client
        .get(&url)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap()
        .len();
    assert!(packed * 3 < plain, "{packed} of {plain}");
    let again = client
        .get(&url)
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status().as_u16(), 304);
    assert!(again.bytes().await.unwrap().is_empty());
    // Another question is another answer.
    let other = client
        .get(format!("{base}api/search?query=tea&lang=ru&limit=48"))
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(other.status().as_u16(), 200);
    // The next visitor asking the same gets the kept reply: the same bytes, the same
    // encoding and ETag, and /metrics counts it as a hit.
    let hits = || async {
        let text = reqwest::Client::new()
            .get(format!("{base}metrics"))
            .bearer_auth(OPERATOR)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        text.lines()
            .find_map(|l| l.strip_prefix("showroom_reply_cache_total{result=\"hit\"} "))
            .map_or(0, |n| n.trim().parse::<u64>().unwrap())
    };
    let before = hits().await;
    let second = client
        .get(&url)
        .header("Accept-Encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(second.headers()["content-encoding"], "br");
    assert_eq!(second.headers()["etag"].to_str().unwrap(), etag);
    assert_eq!(second.bytes().await.unwrap(), first);
    assert_eq!(hits().await, before + 1);
    // A visitor who named only gzip never gets the kept brotli body.
    let gzip = client
        .get(&url)
        .header("Accept-Encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(gzip.headers()["content-encoding"], "gzip");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_has_a_search_box_that_works_before_the_app() {
    let dir = tempfile::tempdir().unwrap();
    let server = serve(dir.path(), &dir.path().join("data"), None);
    let base = &server.url;
    // Each page starts with a plain form to its language's search page.
    for path in [
        "en/",
        "ru/products/ru-altai-mountain-honey-1kg",
        "zh/search",
    ] {
        let (status, html) = text_of(&format!("{base}{path}")).await;
        assert_eq!(status, 200, "{path}");
        let lang = &path[..2];
        let form = format!(
            "<main id=\"prerender\" lang=\"{}\"><form class=\"prerender-search\" role=\"search\" action=\"/{lang}/search\" method=\"get\">",
            match lang {
                "en" => "en-US",
                "ru" => "ru-RU",
                _ => "zh-CN",
            }
        );
        assert!(html.contains(&form), "{path}: {html}");
        assert!(html.contains("<input id=\"prerender-q\" type=\"search\" name=\"q\""));
        assert_eq!(tidy_errors(&html), "", "{path}");
        // The stand-in UI has no boot.js: nothing asks for it.
        assert!(!html.contains("boot.js"), "{path}");
    }
    // What the form sends: the products that match, linked; the query is not in the page.
    let (status, html) = text_of(&format!("{base}ru/search?q=%D0%BC%D1%91%D0%B4")).await;
    assert_eq!(status, 200);
    assert!(html.contains("href=\"/ru/products/ru-altai-mountain-honey-1kg\""));
    assert!(!html.contains("мёд\"") && !html.contains("value="));
    assert!(html.contains("noindex"));
    assert_eq!(tidy_errors(&html), "");
    // Goods nobody has: no products found, the related ones under their own heading.
    let (status, html) = text_of(&format!("{base}en/search?q=blue%20cheese")).await;
    assert_eq!(status, 200);
    let related = html
        .find("<h2>Related goods</h2>")
        .expect("a related goods heading");
    let cheese = html
        .find("href=\"/en/products/by-brest-hard-cheese\"")
        .expect("the cheese is related");
    assert!(related < cheese);
    assert_eq!(tidy_errors(&html), "");
    let (status, html) = text_of(&format!("{base}en/search?q=zzqx%22%3Cb%3Ezzqx")).await;
    assert_eq!(status, 200);
    assert!(!html.contains("zzqx"), "nothing of the query is written");
    // With the UI's boot.js, every page asks for it before the app's own files.
    std::fs::write(dir.path().join("ui/boot.js"), "void 0;\n").unwrap();
    let (_, html) = text_of(&format!("{base}en/categories/food")).await;
    let boot = html
        .find("<script src=\"/boot.js\" async")
        .expect("the page asks for boot.js");
    assert!(boot < html.find("src=\"/assets/app.js\"").unwrap());
    assert_eq!(tidy_errors(&html), "");
    let (status, _) = text_of(&format!("{base}boot.js")).await;
    assert_eq!(status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thumbnails_by_digest_are_kept_for_good_and_a_wrong_digest_is_404() {
    let dir = tempfile::tempdir().unwrap();
    let server = serve(dir.path(), &dir.path().join("data"), None);
    let base = &server.url;
    let client = reqwest::Client::new();
    let (_, found) = get(&format!("{base}api/search?query=&lang=en&limit=1000")).await;
    let hit = found["hits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["has_image"] == true)
        .unwrap();
    let id = hit["id"].as_str().unwrap();
    let digest = hit["image"].as_str().unwrap();
    assert_eq!(digest.len(), 64);
    // The product names all its photos by digest, the first one the card's.
    let (_, product) = get(&format!("{base}api/products/{id}")).await;
    let images = product["images"].as_array().unwrap();
    assert_eq!(
        images.len() as u64,
        product["image_count"].as_u64().unwrap()
    );
    assert_eq!(images[0], digest);

    let mut sizes = Vec::new();
    for size in ["grid", "detail", "full"] {
        let url = format!("{base}media/{digest}/{size}");
        let reply = client.get(&url).send().await.unwrap();
        assert_eq!(reply.status().as_u16(), 200, "{size}");
        assert_eq!(reply.headers()["content-type"], "image/jpeg");
        assert_eq!(
            reply.headers()["cache-control"],
            "public, max-age=31536000, immutable",
            "{size}"
        );
        let etag = reply.headers()["etag"].to_str().unwrap().to_string();
        let bytes = reply.bytes().await.unwrap();
        // The same bytes as the photo by product and position.
        let by_id = client
            .get(format!("{base}media/product/{id}/0/{size}"))
            .send()
            .await
            .unwrap();
        assert_eq!(by_id.headers()["cache-control"], "public, max-age=86400");
        assert_eq!(by_id.bytes().await.unwrap(), bytes, "{size}");
        // Asked again by a browser that has it: 304, still kept for good.
        let again = client
            .get(&url)
            .header("If-None-Match", &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status().as_u16(), 304);
        assert_eq!(
            again.headers()["cache-control"],
            "public, max-age=31536000, immutable"
        );
        assert!(again.bytes().await.unwrap().is_empty());
        sizes.push(bytes.len());
    }
    assert!(
        sizes[0] < sizes[1],
        "grid is smaller than detail: {sizes:?}"
    );

    // Anything but a digest of the catalog's photos is 404, and never kept.
    let unknown = "0".repeat(64);
    for path in [
        format!("media/{unknown}/grid"),
        format!("media/{}/grid", digest.to_uppercase()),
        format!("media/{}/grid", &digest[..63]),
        format!("media/{digest}0/grid"),
        format!("media/{digest}/huge"),
        "media/..%2F..%2Fshowroom.db/grid".to_string(),
        format!("media/%2E%2E%2F{}/grid", &digest[6..]),
    ] {
        let reply = client.get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(reply.status().as_u16(), 404, "{path}");
        let cache = reply
            .headers()
            .get("cache-control")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        assert!(
            !cache.contains("immutable") && !cache.contains("max-age"),
            "{path}: {cache}"
        );
    }
}

/// POSTs one insight record; the status and the body as text.
async fn record(base: &str, body: &Value) -> (u16, String) {
    let response = reqwest::Client::new()
        .post(format!("{base}api/insights/events"))
        .header("Content-Type", "application/json")
        .header("Accept-Language", "ru")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demand_is_counted_for_the_operator_and_bad_events_count_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let server = serve(dir.path(), &dir.path().join("data"), None);
    let base = &server.url;
    for (i, query) in ["Мёд", "мед", "+7 701 765 43 21"].into_iter().enumerate() {
        let session = format!("visit-{i}-0123456789");
        let event = json!({"session": session, "lang": "ru",
                           "event": {"kind": "search", "query": query, "results": 3}});
        assert_eq!(record(base, &event).await.0, 204);
    }
    for bad in [
        json!({"session": "short", "lang": "ru", "event": {"kind": "session"}}),
        json!({"session": "visit-x-0123456789", "lang": "ru",
               "event": {"kind": "product_view", "product_id": "no-such-thing"}}),
        json!({"session": "visit-x-0123456789", "lang": "ru", "event": {"kind": "nonsense"}}),
    ] {
        let (status, body) = record(base, &bad).await;
        assert_eq!(status, 400, "{bad}: {body}");
        assert!(body.contains("bad-request"), "{body}");
    }
    // The report is the operator's only.
    let (status, refused) = get(&format!("{base}api/insights?lang=ru")).await;
    assert_eq!(status, 401, "{refused}");
    let (status, report) = get_as_operator(&format!("{base}api/insights")).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["funnel"]["sessions"], 3, "{report}");
    let searches = report["searches"].as_array().unwrap();
    let honey = searches.iter().find(|q| q["query"] == "мед").unwrap();
    assert_eq!(
        (honey["count"].as_u64(), honey["sessions"].as_u64()),
        (Some(2), Some(2))
    );
    // The phone number was counted, its text not kept.
    assert!(
        searches.iter().any(|q| q["query"] == "" && q["count"] == 1),
        "{report}"
    );
    assert!(!report.to_string().contains("765"), "{report}");
    let (status, _) = get_as_operator(&format!("{base}api/insights?from=yesterday")).await;
    assert_eq!(status, 400);
    let (status, page) =
        get_as_operator(&format!("{base}api/insights/exhibitors/ru-altai-honey")).await;
    assert_eq!(status, 200, "{page}");
    let (status, _) = get_as_operator(&format!("{base}api/insights/exhibitors/nobody")).await;
    assert_eq!(status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_counting_off_nothing_is_counted() {
    let dir = tempfile::tempdir().unwrap();
    let server = serve_with(
        dir.path(),
        &dir.path().join("data"),
        None,
        "[insights]\ncount = false\n",
    );
    let base = &server.url;
    let event =
        json!({"session": "visit-0-0123456789", "lang": "en", "event": {"kind": "session"}});
    assert_eq!(record(base, &event).await.0, 204);
    let (status, report) = get_as_operator(&format!("{base}api/insights")).await;
    assert_eq!(status, 200);
    assert_eq!(report["funnel"]["sessions"], 0, "{report}");
}
