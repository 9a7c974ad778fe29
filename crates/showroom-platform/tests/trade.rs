//! The inquiry outbox, the platform client and catalog sync against the real reference
//! platform over loopback HTTP, on real SQLite files in temporary folders.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use showroom_core::inquiry::{
    Buyer, Consent, Destination, FailureReason, InquiryDraft, InquiryItem, Money, OutboxState,
    Platform, PlatformConfig, Retention, RetryPolicy, Source, SourceKind, SubmitResult, SyncMode,
};
use showroom_core::{Config, Lang, Showroom};
use showroom_platform::{Fault, Faults, Options, Running};
use time::OffsetDateTime;

const TOKEN: &str = "test-device-token-5f1c";
const PRODUCT: &str = "ru-altai-mountain-honey-1kg";

fn sample_catalog() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../catalog")
}

async fn platform_with(dir: &Path, faults: Faults) -> Running {
    let mut options = Options::new(dir.join("platform"), TOKEN);
    options.catalog = Some(sample_catalog());
    options.faults = faults;
    showroom_platform::start(options).await.unwrap()
}

fn client_config(running: &Running) -> PlatformConfig {
    let mut config = PlatformConfig::new(running.url(), TOKEN);
    config.timeout = Duration::from_millis(700);
    config.connect_timeout = Duration::from_millis(500);
    config.retry = RetryPolicy {
        base: Duration::from_millis(50),
        max: Duration::from_millis(300),
    };
    config.concurrency = 8;
    config
}

async fn open(dir: &Path) -> Showroom {
    Showroom::open(Config::new(dir.join("data"))).await.unwrap()
}

fn source(kind: SourceKind) -> Source {
    Source {
        kind,
        device_id: "hall-b2-kiosk-03".into(),
        app_version: "0.1.0".into(),
    }
}

fn draft(marker: &str, email: &str) -> InquiryDraft {
    InquiryDraft {
        locale: "ru".into(),
        items: vec![InquiryItem {
            product_id: PRODUCT.into(),
            quantity: 500.0,
            unit: "kg".into(),
            target_price: Some(Money {
                amount: 60.0,
                currency: "CNY".into(),
            }),
        }],
        incoterm: Some("CIF".into()),
        destination: Some(Destination {
            country: "KZ".into(),
            place: Some("Almaty".into()),
        }),
        delivery_by: Some("2027-03-01".into()),
        message: Some(format!("Нужна фасовка по 250 г. {marker}")),
        buyer: Buyer {
            name: "Айгерим Садыкова".into(),
            company: Some("TOO Dala Trade".into()),
            email: Some(email.into()),
            phone: Some("+77011234567".into()),
            country: Some("KZ".into()),
            messenger: None,
        },
        consent: Consent {
            contact: true,
            text_version: "2026-11".into(),
        },
    }
}

async fn submit(showroom: &Showroom, marker: &str, kind: SourceKind) -> String {
    match showroom
        .submit_inquiry(
            draft(marker, "a.sadykova@example.kz"),
            &source(kind),
            Lang::Ru,
            OffsetDateTime::now_utc(),
        )
        .await
        .unwrap()
    {
        SubmitResult::Queued { entry } => entry.client_ref,
        SubmitResult::Invalid { errors } => panic!("invalid: {errors:?}"),
    }
}

/// Runs the sender the way the app does until nothing is undelivered.
async fn drain(showroom: &Showroom, platform: &Platform, limit: Duration) {
    let started = Instant::now();
    loop {
        showroom
            .deliver_due(platform, OffsetDateTime::now_utc())
            .await
            .unwrap();
        if showroom.undelivered().await.unwrap() == 0 {
            return;
        }
        assert!(started.elapsed() < limit, "outbox not drained in {limit:?}");
        let pause = showroom
            .next_delivery_at()
            .await
            .unwrap()
            .map(|at| (at - OffsetDateTime::now_utc()).unsigned_abs())
            .unwrap_or_default()
            .clamp(Duration::from_millis(5), Duration::from_millis(500));
        tokio::time::sleep(pause).await;
    }
}

fn admin() -> reqwest::Client {
    reqwest::Client::new()
}

async fn admin_json(running: &Running, method: &str, path: &str, body: Option<Value>) -> Value {
    admin_json_as(running, TOKEN, method, path, body).await
}

async fn admin_json_as(
    running: &Running,
    token: &str,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> Value {
    let url = format!("{}{path}", running.url());
    let request = match method {
        "GET" => admin().get(url),
        "PUT" => admin().put(url),
        _ => admin().post(url),
    };
    let request = request.bearer_auth(token);
    let request = match body {
        Some(body) => request.body(body.to_string()),
        None => request,
    };
    let response = request.send().await.unwrap();
    assert!(
        response.status().is_success(),
        "{path}: {}",
        response.status()
    );
    serde_json::from_slice(&response.bytes().await.unwrap()).unwrap()
}

async fn set_faults(running: &Running, faults: &Faults) {
    admin_json(
        running,
        "PUT",
        "admin/faults",
        Some(serde_json::to_value(faults).unwrap()),
    )
    .await;
}

/// Stored inquiries on the platform, by the marker in their message.
async fn stored_markers(running: &Running) -> BTreeMap<String, Vec<String>> {
    stored_markers_as(running, TOKEN).await
}

async fn stored_markers_as(running: &Running, token: &str) -> BTreeMap<String, Vec<String>> {
    let list = admin_json_as(running, token, "GET", "admin/inquiries", None).await;
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for row in list.as_array().unwrap() {
        let message = row["body"]["message"].as_str().unwrap_or_default();
        let marker = message.rsplit(' ').next().unwrap_or_default().to_string();
        out.entry(marker)
            .or_default()
            .push(row["client_ref"].as_str().unwrap().to_string());
    }
    out
}

fn only(fault: Fault, rate: f64) -> Faults {
    Faults {
        rate,
        kinds: vec![fault],
        retry_after_secs: 1,
        hang_ms: 2_000,
    }
}

/// Every admin call checks the token before it reads a body, and refuses a body it cannot
/// read the same way (413 past 64 KiB, 400 when it is not the call's JSON).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_calls_need_the_token_and_a_readable_body() {
    let dir = tempfile::tempdir().unwrap();
    let running = platform_with(dir.path(), Faults::default()).await;
    let url = |path: &str| format!("{}{path}", running.url());
    for (method, path) in [
        ("GET", "admin/stats"),
        ("PUT", "admin/faults"),
        ("PUT", "admin/token"),
        ("POST", "admin/catalog"),
        ("GET", "admin/inquiries"),
        ("PUT", "admin/inquiries/x/status"),
    ] {
        for token in [None, Some("wrong-token")] {
            let request = admin().request(method.parse().unwrap(), url(path));
            let request = match token {
                Some(token) => request.bearer_auth(token),
                None => request,
            };
            let status = request.body("{}").send().await.unwrap().status();
            assert_eq!(status, 403, "{method} {path} with {token:?}");
        }
    }
    let put = |path: &str, body: String| admin().put(url(path)).bearer_auth(TOKEN).body(body);
    let status = |r: reqwest::Response| r.status().as_u16();
    assert_eq!(
        status(put("admin/token", "{".into()).send().await.unwrap()),
        400
    );
    assert_eq!(
        status(
            put("admin/token", r#"{"token":""}"#.into())
                .send()
                .await
                .unwrap()
        ),
        400
    );
    let big = format!(r#"{{"token":"{}"}}"#, "x".repeat(70_000));
    assert_eq!(status(put("admin/token", big).send().await.unwrap()), 413);
    assert_eq!(
        status(
            put(
                "admin/inquiries/none/status",
                r#"{"status":"answered"}"#.into()
            )
            .send()
            .await
            .unwrap()
        ),
        404
    );
    // Nothing above changed the token.
    assert!(admin_json(&running, "GET", "admin/stats", None).await["stored"].is_number());
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contract_replay_conflict_and_errors() {
    let dir = tempfile::tempdir().unwrap();
    let running = platform_with(dir.path(), Faults::default()).await;
    let http = reqwest::Client::new();
    let url = format!("{}v1/inquiries", running.url());
    let key = uuid::Uuid::new_v4().to_string();
    let body = |d: &InquiryDraft| {
        let mut v = serde_json::to_value(d).unwrap();
        v["client_ref"] = json!(key);
        v["created_at"] = json!("2026-11-24T10:15:00Z");
        v["source"] = json!({"kind": "kiosk", "device_id": "k3", "app_version": "0.1.0"});
        v.to_string()
    };
    let post = |body: String, token: &str| {
        http.post(&url)
            .bearer_auth(token)
            .header("Idempotency-Key", &key)
            .header("Content-Type", "application/json")
            .body(body)
            .send()
    };
    let first = post(body(&draft("m1", "a@example.kz")), TOKEN)
        .await
        .unwrap();
    assert_eq!(first.status(), 201);
    let first: Value = first.json_value().await;
    assert!(first["id"].as_str().unwrap().starts_with("INQ-"));
    let again = post(body(&draft("m1", "a@example.kz")), TOKEN)
        .await
        .unwrap();
    assert_eq!(again.status(), 200);
    assert_eq!(again.json_value().await["id"], first["id"]);
    let changed = post(body(&draft("m2", "a@example.kz")), TOKEN)
        .await
        .unwrap();
    assert_eq!(changed.status(), 409);
    assert_eq!(
        changed.headers()["content-type"],
        "application/problem+json"
    );
    assert_eq!(
        post(body(&draft("m1", "a@example.kz")), "wrong")
            .await
            .unwrap()
            .status(),
        401
    );

    let bad = post(body(&draft("m3", "not-an-address")), TOKEN)
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    let problem = bad.json_value().await;
    assert_eq!(problem["status"], 400);
    assert_eq!(
        problem["errors"],
        json!([{"field": "buyer.email", "code": "invalid"}])
    );

    let mut unknown = draft("m4", "a@example.kz");
    unknown.items[0].product_id = "no-such-product".into();
    let response = http
        .post(&url)
        .bearer_auth(TOKEN)
        .header("Idempotency-Key", uuid::Uuid::new_v4().to_string())
        .body(body(&unknown).replace(&key, "x"))
        .send()
        .await
        .unwrap();
    // The key in the header and the body's client_ref must agree: 400 first.
    assert_eq!(response.status(), 400);
    let key2 = uuid::Uuid::new_v4().to_string();
    let unknown_body = body(&unknown).replace(&key, &key2);
    let response = http
        .post(&url)
        .bearer_auth(TOKEN)
        .header("Idempotency-Key", &key2)
        .body(unknown_body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    assert_eq!(
        response.json_value().await["errors"][0]["field"],
        "items[0].product_id"
    );

    let huge = http
        .post(&url)
        .bearer_auth(TOKEN)
        .header("Idempotency-Key", uuid::Uuid::new_v4().to_string())
        .body(vec![b' '; 200 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(huge.status(), 413);
    // The rest of the body is unread, so the connection must not be reused.
    assert_eq!(huge.headers()["connection"], "close");

    let status = http
        .get(format!(
            "{}v1/inquiries/{}",
            running.url(),
            first["id"].as_str().unwrap()
        ))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(status.status(), 200);
    assert_eq!(status.json_value().await["client_ref"], json!(key));

    // Five copies at once: one is created, four are replays, one row is stored.
    let key3 = uuid::Uuid::new_v4().to_string();
    let same = body(&draft("m5", "a@example.kz")).replace(&key, &key3);
    let mut tasks = Vec::new();
    for _ in 0..5 {
        let request = http
            .post(&url)
            .bearer_auth(TOKEN)
            .header("Idempotency-Key", &key3)
            .body(same.clone());
        tasks.push(tokio::spawn(async move {
            request.send().await.unwrap().status().as_u16()
        }));
    }
    let mut codes = Vec::new();
    for t in tasks {
        codes.push(t.await.unwrap());
    }
    codes.sort();
    assert_eq!(codes, [200, 200, 200, 200, 201]);
    let stats = admin_json(&running, "GET", "admin/stats", None).await;
    assert_eq!(stats["stored"], 2, "{stats}");

    let health = http
        .get(format!("{}v1/health", running.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(health.json_value().await["status"], "ok");
    running.stop().await;
}

trait JsonValue {
    async fn json_value(self) -> Value;
}

impl JsonValue for reqwest::Response {
    async fn json_value(self) -> Value {
        serde_json::from_slice(&self.bytes().await.unwrap()).unwrap()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fault_is_retried_with_the_same_key_until_stored_once() {
    let dir = tempfile::tempdir().unwrap();
    let running = platform_with(dir.path(), Faults::default()).await;
    let showroom = open(dir.path()).await;
    let platform = Platform::new(client_config(&running)).unwrap();
    for fault in Fault::ALL {
        let name = format!("{fault:?}");
        set_faults(&running, &only(fault, 1.0)).await;
        let client_ref = submit(&showroom, &name, SourceKind::Desktop).await;
        let t0 = OffsetDateTime::now_utc();
        let started = Instant::now();
        let report = showroom.deliver_due(&platform, t0).await.unwrap();
        assert_eq!((report.attempted, report.retrying), (1, 1), "{name}");
        let entry = showroom.outbox_entry(&client_ref).await.unwrap();
        assert_eq!(entry.state, OutboxState::Queued, "{name}");
        assert_eq!(entry.attempts, 1);
        let error = entry.last_error.clone().unwrap_or_default();
        let next = OffsetDateTime::parse(
            entry.next_attempt_at.as_deref().unwrap(),
            &time::format_description::well_known::Rfc3339,
        )
        .unwrap();
        match fault {
            Fault::Status500 => assert_eq!(error, "HTTP 500"),
            Fault::Status503 | Fault::Status429 => {
                assert!(error.contains(&name[6..]), "{error}");
                // Retry-After: 1 (or a date a second or two ahead) beats a 300 ms backoff.
                assert!(
                    next - t0 >= time::Duration::milliseconds(900),
                    "{name}: {}",
                    next - t0
                );
            }
            Fault::Hang => {
                assert!(error.starts_with("timeout"), "{error}");
                assert!(started.elapsed() < Duration::from_millis(1_900));
            }
            Fault::Reset | Fault::Drop => assert!(!error.is_empty()),
        }
        let stored = admin_json(&running, "GET", "admin/stats", None).await["stored"].clone();
        let before = stored_markers(&running).await;
        assert_eq!(
            before.contains_key(&name),
            fault == Fault::Drop,
            "{name}: only a dropped reply leaves the inquiry stored"
        );
        set_faults(&running, &Faults::default()).await;
        drain(&showroom, &platform, Duration::from_secs(10)).await;
        let entry = showroom.outbox_entry(&client_ref).await.unwrap();
        assert_eq!(entry.state, OutboxState::Received, "{name}");
        assert!(entry.attempts >= 2);
        let after = stored_markers(&running).await;
        assert_eq!(
            after[&name],
            vec![client_ref.clone()],
            "{name}: stored once, same key"
        );
        let _ = stored;
    }
    let stats = admin_json(&running, "GET", "admin/stats", None).await;
    assert_eq!(stats["stored"], 6);
    assert!(
        stats["replays"].as_u64().unwrap() >= 1,
        "the dropped reply was replayed: {stats}"
    );
    showroom.close().await;
    running.stop().await;
}

/// A bundle like the sample one under another version, with one more product.
fn bundle_with_product(dir: &Path, version: &str, product_id: &str) -> PathBuf {
    let edited = dir.join(format!("bundle-{version}"));
    copy_dir(&sample_catalog(), &edited);
    let manifest = std::fs::read_to_string(edited.join("catalog.toml")).unwrap();
    let manifest = manifest
        .lines()
        .map(|l| {
            if l.starts_with("version") {
                format!("version = \"{version}\"")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(edited.join("catalog.toml"), manifest).unwrap();
    let products = std::fs::read_to_string(edited.join("products.jsonl")).unwrap();
    let first: Value = serde_json::from_str(products.lines().next().unwrap()).unwrap();
    let mut added = first.clone();
    added["id"] = json!(product_id);
    std::fs::write(
        edited.join("products.jsonl"),
        format!("{}{added}\n", products.trim_end().to_string() + "\n"),
    )
    .unwrap();
    edited
}

fn at(text: &str) -> OffsetDateTime {
    OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_not_of_the_inquiry_hold_it_and_say_why() {
    let dir = tempfile::tempdir().unwrap();
    let running = platform_with(dir.path(), Faults::default()).await;
    let showroom = open(dir.path()).await;
    let long = |mut config: PlatformConfig| {
        // A kiosk, with a back-off far longer than this test: only a fixed token or a
        // catalog sync can make the held inquiries leave in time.
        config.retention = Retention::AfterAck(Duration::ZERO);
        config.retry.max = Duration::from_secs(3600);
        config
    };
    let mut unknown = draft("unknown", "a@example.kz");
    unknown.items[0].product_id = "no-such-product".into();
    let SubmitResult::Queued { entry } = showroom
        .submit_inquiry(
            unknown,
            &source(SourceKind::Kiosk),
            Lang::En,
            OffsetDateTime::now_utc(),
        )
        .await
        .unwrap()
    else {
        panic!("the id is well-formed; only the platform knows it is unknown")
    };
    let unknown = entry.client_ref;
    let mut wrong = long(client_config(&running));
    wrong.token = "wrong".into();
    let wrong = Platform::new(wrong).unwrap();
    let unauthorized = submit(&showroom, "unauthorized", SourceKind::Kiosk).await;
    // The wrong token: both are held with 401, kept, and tried again much later.
    let t0 = OffsetDateTime::now_utc();
    let report = showroom.deliver_due(&wrong, t0).await.unwrap();
    assert_eq!((report.attempted, report.held, report.failed), (2, 2, 0));
    for client_ref in [&unknown, &unauthorized] {
        let e = showroom.outbox_entry(client_ref).await.unwrap();
        assert_eq!(e.state, OutboxState::Queued);
        assert_eq!(e.failure, Some(FailureReason::Unauthorized));
        assert!(e.last_error.unwrap().starts_with("HTTP 401"));
        assert!(
            !e.personal_data_deleted,
            "a refused token is no acknowledgement"
        );
        assert!(at(&e.next_attempt_at.unwrap()) - t0 >= time::Duration::minutes(59));
    }
    assert!(showroom.outbox_backlog(t0).await.unwrap().auth_failing);
    // The same client tries again only at the longest back-off.
    let report = showroom
        .deliver_due(&wrong, t0 + time::Duration::minutes(5))
        .await
        .unwrap();
    assert_eq!(report.attempted, 0);

    // The token is fixed (a restart with the new settings): one held inquiry is tried at
    // once, and as the platform takes the token, every other follows.
    let fixed = Platform::new(long(client_config(&running))).unwrap();
    let t1 = OffsetDateTime::now_utc();
    showroom.deliver_due(&fixed, t1).await.unwrap();
    showroom.deliver_due(&fixed, t1).await.unwrap();
    let e = showroom.outbox_entry(&unauthorized).await.unwrap();
    assert_eq!(e.state, OutboxState::Received);
    assert!(e.personal_data_deleted);
    assert!(!showroom.outbox_backlog(t1).await.unwrap().auth_failing);

    // The unknown product: 422, held until the platform's catalog has it.
    let e = showroom.outbox_entry(&unknown).await.unwrap();
    assert_eq!(e.state, OutboxState::Queued);
    assert_eq!(e.failure, Some(FailureReason::UnknownProduct));
    assert_eq!(
        e.last_error.as_deref(),
        Some("HTTP 422: unknown product: items[0].product_id (unknown-product)")
    );
    assert!(!e.personal_data_deleted);
    let report = showroom.deliver_due(&fixed, t1).await.unwrap();
    assert_eq!(report.attempted, 0, "not before the next catalog sync");
    let bundle = bundle_with_product(dir.path(), "2026.11.27-held", "no-such-product");
    admin_json(
        &running,
        "POST",
        "admin/catalog",
        Some(json!({"dir": bundle})),
    )
    .await;
    showroom.sync_catalog(&fixed).await.unwrap();
    let report = showroom
        .deliver_due(&fixed, OffsetDateTime::now_utc())
        .await
        .unwrap();
    assert_eq!((report.attempted, report.delivered), (1, 1));
    let e = showroom.outbox_entry(&unknown).await.unwrap();
    assert_eq!(e.state, OutboxState::Received);
    assert_eq!(e.failure, None);
    assert!(e.personal_data_deleted);
    let stored = stored_markers(&running).await;
    assert_eq!(stored["unknown"], vec![unknown]);
    assert_eq!(stored["unauthorized"], vec![unauthorized]);
    showroom.close().await;
    running.stop().await;
}

/// The platform's token is rotated while a kiosk sends 100 inquiries; the operator then
/// puts the new token into the settings and the app restarts (a new client). Every
/// inquiry arrives exactly once and none loses its data before it arrived.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_rotated_mid_flight_loses_nothing_on_a_kiosk() {
    const NEW_TOKEN: &str = "rotated-device-token-9a2e";
    let dir = tempfile::tempdir().unwrap();
    let running = platform_with(dir.path(), Faults::default()).await;
    let showroom = open(dir.path()).await;
    let kiosk = |token: &str| {
        let mut config = client_config(&running);
        config.token = token.into();
        config.retention = Retention::AfterAck(Duration::ZERO);
        config.retry.max = Duration::from_secs(3600);
        config.concurrency = 4;
        config
    };
    let n = 100;
    let mut refs = BTreeMap::new();
    for i in 0..n {
        let marker = format!("rot-{i}");
        refs.insert(
            marker.clone(),
            submit(&showroom, &marker, SourceKind::Kiosk).await,
        );
    }
    let old = Platform::new(kiosk(TOKEN)).unwrap();
    let sender = {
        let (showroom, old) = (showroom.clone(), old.clone());
        tokio::spawn(async move {
            while showroom
                .next_delivery_at()
                .await
                .unwrap()
                .is_some_and(|at| at <= OffsetDateTime::now_utc() + time::Duration::seconds(5))
            {
                showroom
                    .deliver_due(&old, OffsetDateTime::now_utc())
                    .await
                    .unwrap();
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
    };
    // Rotate once a part has arrived.
    let started = Instant::now();
    loop {
        let stats = admin_json(&running, "GET", "admin/stats", None).await;
        if stats["stored"].as_u64().unwrap() >= 20 {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "{stats}");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    admin_json(
        &running,
        "PUT",
        "admin/token",
        Some(json!({"token": NEW_TOKEN})),
    )
    .await;
    tokio::time::timeout(Duration::from_secs(30), sender)
        .await
        .expect("the old client stops once everything left is held")
        .unwrap();
    // Retention runs on every pass; nothing held may lose its data.
    showroom
        .purge_personal_data(OffsetDateTime::now_utc() + time::Duration::days(1))
        .await
        .unwrap();
    let entries = showroom.outbox().await.unwrap();
    let held: Vec<_> = entries
        .iter()
        .filter(|e| e.state != OutboxState::Received)
        .collect();
    let arrived = stored_markers_as(&running, NEW_TOKEN).await.len();
    assert!(
        !held.is_empty() && arrived < n,
        "the rotation came too late to test anything"
    );
    assert_eq!(held.len() + arrived, n);
    for e in &held {
        assert_eq!(e.state, OutboxState::Queued, "{e:?}");
        assert_eq!(e.failure, Some(FailureReason::Unauthorized));
        assert!(!e.personal_data_deleted, "{e:?}");
    }
    let backlog = showroom
        .outbox_backlog(OffsetDateTime::now_utc())
        .await
        .unwrap();
    assert!(backlog.auth_failing);
    assert_eq!(backlog.pending as usize, held.len());

    // The fixed token, after a restart: everything arrives, long before the back-off.
    let fixed = Platform::new(kiosk(NEW_TOKEN)).unwrap();
    drain(&showroom, &fixed, Duration::from_secs(30)).await;
    let entries = showroom.outbox().await.unwrap();
    assert_eq!(entries.len(), n);
    for e in &entries {
        assert_eq!(e.state, OutboxState::Received, "{e:?}");
        assert!(e.personal_data_deleted);
    }
    let stored = stored_markers_as(&running, NEW_TOKEN).await;
    assert_eq!(stored.len(), n, "none lost");
    for (marker, client_ref) in &refs {
        assert_eq!(stored[marker], vec![client_ref.clone()], "{marker} once");
    }
    assert!(
        !showroom
            .outbox_backlog(OffsetDateTime::now_utc())
            .await
            .unwrap()
            .auth_failing
    );
    showroom.close().await;
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statuses_are_polled() {
    let dir = tempfile::tempdir().unwrap();
    let running = platform_with(dir.path(), Faults::default()).await;
    let showroom = open(dir.path()).await;
    let platform = Platform::new(client_config(&running)).unwrap();
    let client_ref = submit(&showroom, "status", SourceKind::Desktop).await;
    drain(&showroom, &platform, Duration::from_secs(5)).await;
    let entry = showroom.outbox_entry(&client_ref).await.unwrap();
    let id = entry.platform_id.clone().unwrap();
    assert_eq!(entry.platform_status.as_deref(), Some("received"));
    assert_eq!(
        showroom
            .poll_statuses(&platform, OffsetDateTime::now_utc())
            .await
            .unwrap(),
        0
    );
    admin_json(
        &running,
        "PUT",
        &format!("admin/inquiries/{id}/status"),
        Some(json!({"status": "answered", "note": {"en": "Price sent by e-mail", "ru": "Цена отправлена"}})),
    )
    .await;
    assert_eq!(
        showroom
            .poll_statuses(&platform, OffsetDateTime::now_utc())
            .await
            .unwrap(),
        1
    );
    let entry = showroom.outbox_entry(&client_ref).await.unwrap();
    assert_eq!(entry.platform_status.as_deref(), Some("answered"));
    assert_eq!(entry.status_note.unwrap()["ru"], "Цена отправлена");
    showroom.close().await;
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_failed_status_poll_does_not_stop_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let running = platform_with(dir.path(), Faults::default()).await;
    let showroom = open(dir.path()).await;
    let platform = Platform::new(client_config(&running)).unwrap();
    let lost = submit(&showroom, "poll-lost", SourceKind::Desktop).await;
    drain(&showroom, &platform, Duration::from_secs(5)).await;
    let kept = submit(&showroom, "poll-kept", SourceKind::Desktop).await;
    drain(&showroom, &platform, Duration::from_secs(5)).await;
    // The first one names an id the platform does not know (404 on its poll).
    let db = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(
            sqlx::sqlite::SqliteConnectOptions::new().filename(dir.path().join("data/showroom.db")),
        )
        .await
        .unwrap();
    sqlx::query("UPDATE outbox SET platform_id = 'INQ-0000-404404' WHERE client_ref = ?")
        .bind(&lost)
        .execute(&db)
        .await
        .unwrap();
    db.close().await;
    let id = showroom
        .outbox_entry(&kept)
        .await
        .unwrap()
        .platform_id
        .unwrap();
    admin_json(
        &running,
        "PUT",
        &format!("admin/inquiries/{id}/status"),
        Some(json!({"status": "forwarded"})),
    )
    .await;
    let changed = showroom
        .poll_statuses(&platform, OffsetDateTime::now_utc())
        .await
        .expect("a failed poll of one inquiry is logged, not returned");
    assert_eq!(changed, 1);
    let entry = showroom.outbox_entry(&kept).await.unwrap();
    assert_eq!(entry.platform_status.as_deref(), Some("forwarded"));
    let entry = showroom.outbox_entry(&lost).await.unwrap();
    assert_eq!(entry.platform_status.as_deref(), Some("received"));
    showroom.close().await;
    running.stop().await;
}

fn files_containing(dir: &Path, needle: &[u8]) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_containing(&path, needle));
        } else if let Ok(bytes) = std::fs::read(&path)
            && bytes.windows(needle.len()).any(|w| w == needle)
        {
            found.push(path);
        }
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kiosk_forgets_the_buyer_once_the_platform_has_the_inquiry() {
    let dir = tempfile::tempdir().unwrap();
    let running = platform_with(dir.path(), Faults::default()).await;
    let showroom = open(dir.path()).await;
    let mut config = client_config(&running);
    config.retention = Retention::AfterAck(Duration::ZERO);
    let platform = Platform::new(config).unwrap();
    let canary = format!("canary-{}@example.kz", uuid::Uuid::new_v4().simple());
    // Other inquiries around it, so that pages are shared and reused.
    for i in 0..5 {
        submit(&showroom, &format!("before-{i}"), SourceKind::Kiosk).await;
    }
    let SubmitResult::Queued { entry } = showroom
        .submit_inquiry(
            draft("canary", &canary),
            &source(SourceKind::Kiosk),
            Lang::Ru,
            OffsetDateTime::now_utc(),
        )
        .await
        .unwrap()
    else {
        panic!()
    };
    let data = dir.path().join("data");
    assert!(
        !files_containing(&data, canary.as_bytes()).is_empty(),
        "the queued inquiry is on the disk before the platform has it"
    );
    drain(&showroom, &platform, Duration::from_secs(10)).await;
    let entry = showroom.outbox_entry(&entry.client_ref).await.unwrap();
    assert_eq!(entry.state, OutboxState::Received);
    assert!(entry.personal_data_deleted);
    assert_eq!(
        entry.items[0].product_id, PRODUCT,
        "the history keeps the goods"
    );
    assert_eq!(
        files_containing(&data, canary.as_bytes()),
        Vec::<PathBuf>::new(),
        "the canary is still on the disk (database or WAL)"
    );
    assert_eq!(
        files_containing(&data, "Садыкова".as_bytes()),
        Vec::<PathBuf>::new()
    );
    showroom.close().await;
    assert!(files_containing(&data, canary.as_bytes()).is_empty());
    // The platform has it, of course.
    assert_eq!(
        files_containing(&dir.path().join("platform"), canary.as_bytes()).len(),
        1
    );
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hundreds_of_inquiries_at_a_30_percent_fault_rate_none_lost_none_twice() {
    let dir = tempfile::tempdir().unwrap();
    let n = 300;
    let faults = Faults {
        rate: 0.3,
        kinds: Fault::ALL.to_vec(),
        retry_after_secs: 1,
        hang_ms: 1_500,
    };
    let running = platform_with(dir.path(), faults).await;
    let showroom = open(dir.path()).await;
    let platform = Platform::new(client_config(&running)).unwrap();
    let started = Instant::now();
    let mut refs = BTreeMap::new();
    for i in 0..n {
        let marker = format!("bulk-{i}");
        refs.insert(
            marker.clone(),
            submit(&showroom, &marker, SourceKind::Desktop).await,
        );
    }
    drain(&showroom, &platform, Duration::from_secs(90)).await;
    let elapsed = started.elapsed();
    let entries = showroom.outbox().await.unwrap();
    assert_eq!(entries.len(), n);
    assert!(entries.iter().all(|e| e.state == OutboxState::Received));
    let stored = stored_markers(&running).await;
    assert_eq!(stored.len(), n, "zero lost");
    for (marker, client_ref) in &refs {
        assert_eq!(
            stored[marker],
            vec![client_ref.clone()],
            "{marker} stored once"
        );
    }
    let stats = admin_json(&running, "GET", "admin/stats", None).await;
    assert_eq!(stats["stored"], n);
    let tries: u32 = entries.iter().map(|e| e.attempts).sum();
    let faults: u64 = stats["faults"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert!(faults > 30, "{stats}");
    eprintln!(
        "{n} inquiries at 30% faults: {tries} tries, {faults} faults {}, {} replays, {:.1} s",
        stats["faults"],
        stats["replays"],
        elapsed.as_secs_f64()
    );
    showroom.close().await;
    running.stop().await;
}

/// The soak: `SOAK_N` (default 10,000) inquiries at a 30 % fault rate, then the faults
/// stop and the backlog drains. Run with
/// `cargo test --release -p showroom-platform --test trade soak -- --ignored --nocapture`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a long soak; run on demand"]
async fn soak() {
    let n: usize = std::env::var("SOAK_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let dir = tempfile::tempdir().unwrap();
    let faults = Faults {
        rate: 0.3,
        kinds: Fault::ALL.to_vec(),
        retry_after_secs: 1,
        hang_ms: 1_500,
    };
    let running = platform_with(dir.path(), faults).await;
    let showroom = open(dir.path()).await;
    let mut config = client_config(&running);
    config.concurrency = 16;
    let platform = Platform::new(config).unwrap();
    let started = Instant::now();
    let mut refs = BTreeMap::new();
    for i in 0..n {
        let marker = format!("soak-{i}");
        refs.insert(
            marker.clone(),
            submit(&showroom, &marker, SourceKind::Desktop).await,
        );
    }
    let submitted = started.elapsed();
    // Half the time with faults, then the faults stop and the backlog must drain.
    let faulty = Instant::now();
    let mut passes = 0;
    while faulty.elapsed() < Duration::from_secs(60) && showroom.undelivered().await.unwrap() > 0 {
        showroom
            .deliver_due(&platform, OffsetDateTime::now_utc())
            .await
            .unwrap();
        passes += 1;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let backlog = showroom.undelivered().await.unwrap();
    set_faults(&running, &Faults::default()).await;
    let drain_started = Instant::now();
    drain(&showroom, &platform, Duration::from_secs(600)).await;
    let entries = showroom.outbox().await.unwrap();
    let stored = stored_markers(&running).await;
    let lost = refs.keys().filter(|m| !stored.contains_key(*m)).count();
    let twice = stored.values().filter(|v| v.len() > 1).count();
    let stats = admin_json(&running, "GET", "admin/stats", None).await;
    let tries: u32 = entries.iter().map(|e| e.attempts).sum();
    eprintln!(
        "soak: {n} inquiries submitted in {:.1} s; {passes} sender passes in the faulty minute, \
         backlog {backlog} when faults stopped, drained in {:.1} s; {tries} tries, faults {}, \
         {} replays; lost {lost}, stored twice {twice}; total {:.1} s",
        submitted.as_secs_f64(),
        drain_started.elapsed().as_secs_f64(),
        stats["faults"],
        stats["replays"],
        started.elapsed().as_secs_f64()
    );
    assert_eq!((lost, twice), (0, 0));
    assert_eq!(stats["stored"], n);
    assert!(entries.iter().all(|e| e.state == OutboxState::Received));
    showroom.close().await;
    running.stop().await;
}

/// Copies a bundle, so a test can publish an edited version of it.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_full_then_not_modified_then_delta() {
    let dir = tempfile::tempdir().unwrap();
    let running = platform_with(dir.path(), Faults::default()).await;
    let showroom = open(dir.path()).await;
    let platform = Platform::new(client_config(&running)).unwrap();

    let report = showroom.sync_catalog(&platform).await.unwrap();
    assert_eq!(report.mode, SyncMode::Full);
    let import = report.import.unwrap();
    assert_eq!(import.products, 165);
    assert!(report.media_fetched > 100, "{}", report.media_fetched);
    let info = showroom.catalog_info().await.unwrap();
    assert_eq!(info.products, 165);
    let honey = showroom.product(PRODUCT).await.unwrap();
    assert!(honey.image_count >= 1);

    let again = showroom.sync_catalog(&platform).await.unwrap();
    assert_eq!(again.mode, SyncMode::NotModified);

    // A new version: one product renamed, one removed, one added.
    let edited = dir.path().join("bundle-2");
    copy_dir(&sample_catalog(), &edited);
    let manifest = std::fs::read_to_string(edited.join("catalog.toml")).unwrap();
    let manifest = manifest
        .lines()
        .map(|l| {
            if l.starts_with("version") {
                "version = \"2026.11.26-sync-test\"".to_string()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(edited.join("catalog.toml"), manifest).unwrap();
    let products = std::fs::read_to_string(edited.join("products.jsonl")).unwrap();
    let mut lines: Vec<Value> = products
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let removed = lines.remove(1)["id"].as_str().unwrap().to_string();
    lines[0]["name"]["en"] = json!("Altai honey, renamed by the platform");
    let mut added = lines[2].clone();
    added["id"] = json!("zz-sync-test-product");
    lines.push(added);
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(edited.join("products.jsonl"), text).unwrap();
    let published = admin_json(
        &running,
        "POST",
        "admin/catalog",
        Some(json!({"dir": edited})),
    )
    .await;
    assert_eq!(published["version"], "2026.11.26-sync-test");

    let delta = showroom.sync_catalog(&platform).await.unwrap();
    assert_eq!(delta.mode, SyncMode::Delta);
    assert_eq!(delta.operations, 3, "one upsert, one new, one delete");
    assert_eq!(delta.media_fetched, 0, "images are reused from the cache");
    assert_eq!(delta.import.unwrap().products, 165);
    let info = showroom.catalog_info().await.unwrap();
    assert_eq!(info.version, "2026.11.26-sync-test");
    let first = showroom
        .product(lines[0]["id"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(first.name["en"], "Altai honey, renamed by the platform");
    assert!(showroom.product(&removed).await.is_err());
    assert!(showroom.product("zz-sync-test-product").await.is_ok());
    let hits = showroom
        .search(showroom_core::SearchRequest {
            query: "renamed by the platform".into(),
            lang: Lang::En,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        hits.hits.first().map(|h| h.id.as_str()),
        lines[0]["id"].as_str()
    );

    let last = showroom.sync_catalog(&platform).await.unwrap();
    assert_eq!(last.mode, SyncMode::NotModified);
    assert!(!dir.path().join("data/sync").read_dir().unwrap().any(|e| {
        e.unwrap()
            .file_name()
            .to_string_lossy()
            .starts_with("staging")
    }));
    showroom.close().await;
    running.stop().await;
}

/// A loopback server that answers every request with `307` to `location`: a proxy or a
/// misconfigured front that would send a buyer's data elsewhere. Runs on its own thread
/// until the test's process ends.
fn redirector(location: String) -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
            // The whole request (headers and body), so that closing sends no reset.
            let mut request = Vec::new();
            let mut chunk = [0u8; 16 * 1024];
            loop {
                let text = String::from_utf8_lossy(&request).to_ascii_lowercase();
                if let Some(end) = text.find("\r\n\r\n") {
                    let length = text
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .and_then(|v| v.trim().parse::<usize>().ok())
                        .unwrap_or(0);
                    if request.len() >= end + 4 + length {
                        break;
                    }
                }
                match stream.read(&mut chunk) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&chunk[..n]),
                }
            }
            let answer = format!(
                "HTTP/1.1 307 Temporary Redirect\r\nLocation: {location}\r\n\
                 Content-Length: 0\r\nConnection: close\r\n\r\n"
            );
            let _ = stream.write_all(answer.as_bytes());
        }
    });
    url
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redirect_is_never_followed_with_a_buyers_data() {
    let dir = tempfile::tempdir().unwrap();
    let running = platform_with(dir.path(), Faults::default()).await;
    let showroom = open(dir.path()).await;
    let url = redirector(format!("{}v1/inquiries", running.url()));
    let mut config = client_config(&running);
    config.url = url;
    let platform = Platform::new(config).unwrap();
    let client_ref = submit(&showroom, "redirected", SourceKind::Desktop).await;
    let report = showroom
        .deliver_due(&platform, OffsetDateTime::now_utc())
        .await
        .unwrap();
    assert_eq!((report.attempted, report.retrying), (1, 1));
    let entry = showroom.outbox_entry(&client_ref).await.unwrap();
    assert_eq!(entry.state, OutboxState::Queued);
    assert!(
        entry.last_error.as_deref().unwrap().starts_with("HTTP 307"),
        "{entry:?}"
    );
    let stats = admin_json(&running, "GET", "admin/stats", None).await;
    assert_eq!(
        stats["posts"], 0,
        "the body went to the redirect's target: {stats}"
    );
    // The catalog is not fetched through a redirect either.
    assert!(showroom.sync_catalog(&platform).await.is_err());
    showroom.close().await;
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn catalog_and_image_answers_past_their_cap_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let running = platform_with(dir.path(), Faults::default()).await;
    let showroom = open(dir.path()).await;
    let mut small_catalog = client_config(&running);
    small_catalog.max_catalog_bytes = 64 * 1024;
    let error = showroom
        .sync_catalog(&Platform::new(small_catalog).unwrap())
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("larger than 65536 bytes"),
        "{error}"
    );
    let mut small_images = client_config(&running);
    small_images.max_media_bytes = 4 * 1024;
    let error = showroom
        .sync_catalog(&Platform::new(small_images).unwrap())
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("larger than 4096 bytes"),
        "{error}"
    );
    assert!(
        showroom.catalog_info().await.is_err(),
        "nothing was imported"
    );
    // Within the default caps it is taken.
    let report = showroom
        .sync_catalog(&Platform::new(client_config(&running)).unwrap())
        .await
        .unwrap();
    assert_eq!(report.import.unwrap().products, 165);
    showroom.close().await;
    running.stop().await;
}
