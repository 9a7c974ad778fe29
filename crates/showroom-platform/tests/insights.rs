//! Demand insights end to end: two kiosks count a scripted day of visitors through the one
//! door (`Api`), send their hourly batches to the real reference platform over loopback
//! while it injects faults, and the platform's sums and each device's report are exactly
//! what the script did. Nothing typed in the inquiry form is in any insights table, in the
//! database files or in what the platform received.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;
use showroom_core::api::{Api, FrontEnd, Operator};
use showroom_core::inquiry::{
    Buyer, Consent, Destination, InquiryDraft, InquiryItem, InsightSettings, Platform,
    PlatformConfig, RetryPolicy, Source, SourceKind, SubmitResult, TradeSettings,
};
use showroom_core::insights::{InsightEvent, InsightRecord};
use showroom_core::settings::ShowSettings;
use showroom_core::{Config, Lang, SearchRequest, Showroom};
use showroom_platform::{Fault, Faults, Options, Running};
use time::OffsetDateTime;

const TOKEN: &str = "test-device-token-insights";
const HONEY: &str = "ru-altai-mountain-honey-1kg";
/// What visitors type into the inquiry form: none of it may reach the insights.
const CANARIES: [&str; 4] = [
    "Canary Bystrova",
    "canary.bystrova@example.kz",
    "+77019998877",
    "canary-message-7f3e",
];

fn sample_catalog() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../catalog")
}

fn trade(running: &Running, device: &str) -> TradeSettings {
    let mut config = PlatformConfig::new(running.url(), TOKEN);
    config.timeout = Duration::from_millis(700);
    config.connect_timeout = Duration::from_millis(500);
    config.retry = RetryPolicy {
        base: Duration::from_millis(50),
        max: Duration::from_millis(300),
    };
    config.retention = showroom_core::inquiry::Retention::AfterAck(Duration::ZERO);
    TradeSettings {
        source: Source {
            kind: SourceKind::Kiosk,
            device_id: device.into(),
            app_version: "0.1.0".into(),
        },
        platform: Some(config),
        sync_interval: None,
        status_interval: None,
        insights: InsightSettings::default(),
    }
}

async fn device(dir: &Path, running: &Running, name: &str) -> Api {
    let showroom = Showroom::open(Config::new(dir.join(name))).await.unwrap();
    showroom
        .import_bundle(&sample_catalog(), false)
        .await
        .unwrap();
    Api::new(
        showroom,
        FrontEnd::Kiosk,
        ShowSettings::default(),
        trade(running, name),
    )
}

fn draft(country: &str) -> InquiryDraft {
    InquiryDraft {
        locale: "ru".into(),
        items: vec![InquiryItem {
            product_id: HONEY.into(),
            quantity: 500.0,
            unit: "kg".into(),
            target_price: None,
        }],
        incoterm: Some("CIF".into()),
        destination: Some(Destination {
            country: country.into(),
            place: None,
        }),
        delivery_by: None,
        message: Some(format!("Packed in 250 g jars. {}", CANARIES[3])),
        buyer: Buyer {
            name: CANARIES[0].into(),
            company: None,
            email: Some(CANARIES[1].into()),
            phone: Some(CANARIES[2].into()),
            country: Some(country.into()),
            messenger: None,
        },
        consent: Consent {
            contact: true,
            text_version: "2026-11".into(),
        },
    }
}

/// What the script expects, counted as it goes.
#[derive(Default, Debug)]
struct Expected {
    sessions: BTreeMap<String, u32>,
    searches: BTreeMap<(String, String), u32>,
    zero: BTreeMap<(String, String), u32>,
    views: u32,
    shortlisted: u32,
    started: u32,
    inquiries: BTreeMap<String, u32>,
}

async fn record(api: &Api, session: &str, lang: Lang, event: InsightEvent) {
    api.record_insight(
        InsightRecord {
            session: session.into(),
            lang,
            event,
        },
        lang,
    )
    .await
    .unwrap();
}

/// One visitor: a session, as-you-type searches settled on one query each (the UI reports
/// only those), a view, sometimes a shortlist and an inquiry.
async fn visitor(api: &Api, i: usize, expected: &mut Expected) {
    let session = format!("visit-{i:04}-{}", uuid::Uuid::new_v4());
    let (lang, found, missing) = match i % 3 {
        0 => (Lang::Ru, "мёд", "водка"),
        1 => (Lang::En, "honey", "vodka"),
        _ => (Lang::Zh, "蜂蜜", "伏特加"),
    };
    record(api, &session, lang, InsightEvent::Session).await;
    *expected.sessions.entry(lang.code().into()).or_default() += 1;
    for (query, zero) in [(found, false), (missing, true)] {
        let reply = api
            .search(SearchRequest {
                query: query.into(),
                lang,
                ..SearchRequest::default()
            })
            .await
            .unwrap();
        assert_eq!(reply.total == 0, zero, "{query}: {}", reply.total);
        let results = reply.total as u32;
        record(
            api,
            &session,
            lang,
            InsightEvent::Search {
                query: format!(" {} ", query.to_uppercase()),
                results,
            },
        )
        .await;
        let folded = showroom_core::insights::normalize_query(query).unwrap();
        let into = if zero {
            &mut expected.zero
        } else {
            &mut expected.searches
        };
        *into.entry((lang.code().into(), folded)).or_default() += 1;
    }
    if i == 0 {
        // A query one session typed stays on the device: the platform sees a count only.
        record(
            api,
            &session,
            lang,
            InsightEvent::Search {
                query: "seldom-typed-query".into(),
                results: 0,
            },
        )
        .await;
        *expected
            .zero
            .entry((lang.code().into(), "(rare)".into()))
            .or_default() += 1;
    }
    record(
        api,
        &session,
        lang,
        InsightEvent::ProductView {
            product_id: HONEY.into(),
        },
    )
    .await;
    expected.views += 1;
    if i.is_multiple_of(2) {
        record(
            api,
            &session,
            lang,
            InsightEvent::Shortlisted {
                product_id: HONEY.into(),
            },
        )
        .await;
        expected.shortlisted += 1;
    }
    if i.is_multiple_of(5) {
        record(
            api,
            &session,
            lang,
            InsightEvent::InquiryStarted {
                product_id: HONEY.into(),
            },
        )
        .await;
        expected.started += 1;
        let country = if i.is_multiple_of(10) { "KZ" } else { "UZ" };
        let result = api.submit_inquiry(draft(country), lang).await.unwrap();
        assert!(matches!(result, SubmitResult::Queued { .. }));
        record(api, &session, lang, InsightEvent::InquirySent).await;
        *expected.inquiries.entry(country.into()).or_default() += 1;
    }
}

/// Sends until every batch and every inquiry of `api` has left, with the clock 65 minutes
/// ahead so that this hour counts as finished (past the two minutes' grace).
async fn drain(api: &Api) {
    let showroom = api.showroom();
    let platform = Platform::new(api.trade().platform.clone().unwrap()).unwrap();
    let source = &api.trade().source;
    let mut now = OffsetDateTime::now_utc() + time::Duration::minutes(65);
    for _ in 0..400 {
        showroom
            .deliver_insights(&platform, source, now)
            .await
            .unwrap();
        showroom.deliver_due(&platform, now).await.unwrap();
        let batches = showroom.insight_batches().await.unwrap();
        let left = batches.iter().filter(|b| b.1 != "sent").count();
        if left == 0 && !batches.is_empty() && showroom.undelivered().await.unwrap() == 0 {
            return;
        }
        assert!(batches.iter().all(|b| b.1 != "failed"), "{batches:?}");
        now += time::Duration::seconds(2);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!(
        "not drained: {:?}",
        showroom.insight_batches().await.unwrap()
    );
}

async fn set_faults(running: &Running, rate: f64, kinds: Vec<Fault>) {
    let faults = Faults {
        rate,
        kinds,
        retry_after_secs: 1,
        hang_ms: 900,
    };
    let status = reqwest::Client::new()
        .put(format!("{}admin/faults", running.url()))
        .bearer_auth(TOKEN)
        .header("Content-Type", "application/json")
        .body(serde_json::to_string(&faults).unwrap())
        .send()
        .await
        .unwrap()
        .status();
    assert!(status.is_success(), "{status}");
}

fn sum_hours(reply: &Value) -> Value {
    let mut sessions: BTreeMap<String, u64> = BTreeMap::new();
    let mut searches: BTreeMap<String, u64> = BTreeMap::new();
    let mut zero: BTreeMap<String, u64> = BTreeMap::new();
    let (mut views, mut shortlisted, mut started) = (0, 0, 0);
    let mut inquiries: BTreeMap<String, u64> = BTreeMap::new();
    for hour in reply["hours"].as_array().unwrap() {
        for (lang, n) in hour["sessions"].as_object().unwrap() {
            *sessions.entry(lang.clone()).or_default() += n.as_u64().unwrap();
        }
        for (list, into) in [
            ("searches", &mut searches),
            ("zero_result_searches", &mut zero),
        ] {
            for s in hour[list].as_array().unwrap() {
                let key = format!(
                    "{}:{}",
                    s["lang"].as_str().unwrap(),
                    s["query"].as_str().unwrap_or("(rare)")
                );
                *into.entry(key).or_default() += s["count"].as_u64().unwrap();
            }
        }
        let total = |list: &str| -> u64 {
            hour[list]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v["count"].as_u64().unwrap())
                .sum()
        };
        views += total("views");
        shortlisted += total("shortlisted");
        started += total("inquiries_started");
        for i in hour["inquiries"].as_array().unwrap() {
            *inquiries
                .entry(i["buyer_country"].as_str().unwrap().into())
                .or_default() += i["count"].as_u64().unwrap();
        }
    }
    serde_json::json!({
        "sessions": sessions, "searches": searches, "zero": zero, "views": views,
        "shortlisted": shortlisted, "started": started, "inquiries": inquiries,
    })
}

fn expected_json(e: &Expected) -> Value {
    let keyed = |m: &BTreeMap<(String, String), u32>| {
        m.iter()
            .map(|((lang, q), v)| (format!("{lang}:{q}"), *v))
            .collect::<BTreeMap<_, _>>()
    };
    serde_json::json!({
        "sessions": e.sessions, "searches": keyed(&e.searches), "zero": keyed(&e.zero),
        "views": e.views, "shortlisted": e.shortlisted, "started": e.started,
        "inquiries": e.inquiries,
    })
}

/// Every byte of a database and its WAL, as text where it is text.
fn database_files(db: &Path) -> String {
    let mut all = Vec::new();
    for suffix in ["", "-wal"] {
        if let Ok(bytes) = std::fs::read(format!("{}{suffix}", db.display())) {
            all.extend(bytes);
        }
    }
    String::from_utf8_lossy(&all).into_owned()
}

/// The batch bodies the platform stored.
async fn stored_batches(db: &Path) -> String {
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}?mode=ro", db.display()))
        .await
        .unwrap();
    let bodies: Vec<String> = sqlx::query_scalar("SELECT body FROM insight_batch")
        .fetch_all(&pool)
        .await
        .unwrap();
    pool.close().await;
    bodies.join("\n")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_kiosks_count_a_scripted_day_exactly_through_faults_and_keep_no_canary() {
    let dir = tempfile::tempdir().unwrap();
    let mut options = Options::new(dir.path().join("platform"), TOKEN);
    options.catalog = Some(sample_catalog());
    options.faults = Faults {
        rate: 0.3,
        kinds: Fault::ALL.to_vec(),
        retry_after_secs: 1,
        hang_ms: 900,
    };
    let running = showroom_platform::start(options).await.unwrap();
    let a = device(dir.path(), &running, "hall-a-kiosk-01").await;
    let b = device(dir.path(), &running, "hall-b-kiosk-02").await;

    let mut expected_a = Expected::default();
    let mut expected_b = Expected::default();
    for i in 0..25 {
        visitor(&a, i, &mut expected_a).await;
        visitor(&b, 25 + i, &mut expected_b).await;
    }
    // Nothing of a visit counts twice, whatever the UI sends twice: the same session again.
    let again = InsightRecord {
        session: "visit-again-0001".into(),
        lang: Lang::En,
        event: InsightEvent::Session,
    };
    a.record_insight(again.clone(), Lang::En).await.unwrap();
    a.record_insight(again, Lang::En).await.unwrap();
    *expected_a.sessions.entry("en".into()).or_default() += 1;
    // Bad events count nothing and say why.
    for bad in [
        InsightRecord {
            session: "no".into(),
            lang: Lang::En,
            event: InsightEvent::Session,
        },
        InsightRecord {
            session: "visit-bad-000001".into(),
            lang: Lang::En,
            event: InsightEvent::ProductView {
                product_id: "no-such-product".into(),
            },
        },
    ] {
        let error = a.record_insight(bad, Lang::Ru).await.unwrap_err();
        assert_eq!(error.code, showroom_core::ErrorCode::BadRequest);
    }

    // Each device's own report, before anything is sent.
    let now = OffsetDateTime::now_utc();
    let report = a
        .insights_report(
            Operator::Pin("0000".into()),
            now - time::Duration::hours(2),
            now + time::Duration::hours(1),
            Lang::En,
        )
        .await;
    assert!(report.is_err(), "a kiosk without its PIN shows no report");
    let report = a
        .showroom()
        .insights_report(
            now - time::Duration::hours(2),
            now + time::Duration::hours(1),
        )
        .await
        .unwrap();
    assert_eq!(
        report.funnel.sessions,
        expected_a.sessions.values().sum::<u32>()
    );
    assert_eq!(report.funnel.views, expected_a.views);
    assert_eq!(report.funnel.shortlists, expected_a.shortlisted);
    assert_eq!(
        report.funnel.inquiries,
        expected_a.inquiries.values().sum::<u32>()
    );
    assert_eq!(report.funnel.searched, 25);
    assert_eq!(
        report.funnel.sent,
        expected_a.inquiries.values().sum::<u32>()
    );
    let vodka = report
        .missing_goods
        .iter()
        .find(|g| g.name.get("en").map(String::as_str) == Some("vodka"))
        .expect("vodka is missing goods");
    assert_eq!(
        vodka.count, 25,
        "водка, vodka and 伏特加 are one demand: {vodka:?}"
    );
    assert_eq!(vodka.queries.len(), 3);
    assert_eq!(report.products[0].product_id, HONEY);
    assert_eq!(report.products[0].views, 25);

    // The first try of every batch is stored and its reply lost (a dropped connection):
    // the next try must be a replay, not a second count. Then 30 % of tries fail anyhow.
    set_faults(&running, 1.0, vec![Fault::Drop]).await;
    for api in [&a, &b] {
        let platform = Platform::new(api.trade().platform.clone().unwrap()).unwrap();
        let later = OffsetDateTime::now_utc() + time::Duration::minutes(65);
        let first = api
            .showroom()
            .deliver_insights(&platform, &api.trade().source, later)
            .await
            .unwrap();
        assert!(
            first.made >= 1 && first.attempted >= 1 && first.delivered == 0,
            "{first:?}"
        );
    }
    set_faults(&running, 0.3, Fault::ALL.to_vec()).await;
    drain(&a).await;
    drain(&b).await;

    let mut expected = expected_a;
    for (k, v) in expected_b.sessions {
        *expected.sessions.entry(k).or_default() += v;
    }
    for (k, v) in expected_b.searches {
        *expected.searches.entry(k).or_default() += v;
    }
    for (k, v) in expected_b.zero {
        *expected.zero.entry(k).or_default() += v;
    }
    for (k, v) in expected_b.inquiries {
        *expected.inquiries.entry(k).or_default() += v;
    }
    expected.views += expected_b.views;
    expected.shortlisted += expected_b.shortlisted;
    expected.started += expected_b.started;

    let reply: Value = reqwest::Client::new()
        .get(format!("{}v1/insights", running.url()))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .map(|t| serde_json::from_str(&t).unwrap())
        .unwrap();
    let stats: Value = reqwest::Client::new()
        .get(format!("{}admin/stats", running.url()))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .map(|t| serde_json::from_str(&t).unwrap())
        .unwrap();
    println!("summed: {}\nplatform: {stats}", sum_hours(&reply));
    let batches = a.showroom().insight_batches().await.unwrap().len()
        + b.showroom().insight_batches().await.unwrap().len();
    assert_eq!(
        stats["batches_created"].as_u64().unwrap(),
        batches as u64,
        "{stats}"
    );
    // Every batch's first try was stored and its reply lost, so each was replayed at least
    // once (a later dropped reply adds another replay, never another batch).
    assert!(
        stats["batch_replays"].as_u64().unwrap() >= batches as u64,
        "{stats}"
    );
    assert_eq!(reply["devices"], 2);
    assert_eq!(sum_hours(&reply), expected_json(&expected));

    // One exhibitor's share: its goods only, no searches.
    let exhibitor = a.showroom().product(HONEY).await.unwrap().exhibitor.id;
    let own: Value = reqwest::Client::new()
        .get(format!(
            "{}v1/insights?exhibitor_id={exhibitor}",
            running.url()
        ))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .map(|t| serde_json::from_str(&t).unwrap())
        .unwrap();
    let own = sum_hours(&own);
    assert_eq!(own["views"], 50);
    assert_eq!(own["searches"], serde_json::json!({}));

    // Without the token: nothing.
    let refused = reqwest::Client::new()
        .get(format!("{}v1/insights", running.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);

    // No canary anywhere: the devices' files, the platform's batches.
    let platform_batches = stored_batches(&dir.path().join("platform/platform.db")).await;
    for name in ["hall-a-kiosk-01", "hall-b-kiosk-02"] {
        let files = database_files(&dir.path().join(name).join("showroom.db"));
        for canary in CANARIES {
            assert!(
                !files.contains(canary),
                "{canary} in {name}'s database files"
            );
        }
    }
    let received = reply.to_string() + &platform_batches;
    assert!(received.contains("мед"), "the batches were read");
    assert!(
        !received.contains("seldom-typed-query"),
        "a query of one session left the device"
    );
    assert!(
        report
            .zero_result_searches
            .iter()
            .any(|q| q.query == "seldom-typed-query"),
        "the device's own report has it"
    );
    for canary in CANARIES {
        assert!(
            !received.contains(canary),
            "{canary} reached the platform's insights"
        );
    }
    running.stop().await;
}
