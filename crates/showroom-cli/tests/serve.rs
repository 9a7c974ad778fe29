//! `showroom serve`'s inquiry endpoints on the built binary: field errors in the visitor's
//! language with nothing stored, a queued inquiry delivered by the background sender to the
//! reference platform on loopback, listing by reference, and an honest "no platform".

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use showroom_platform::{Faults, Options, Running};

const TOKEN: &str = "serve-test-token";

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
    let (_, all) = get(&format!("{base}api/inquiries")).await;
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
