//! Demand counting on a real SQLite store: queries split into found and not found, a flood
//! of made-up texts capped, session ids forgotten once their hour is over, each finished
//! hour batched once (after a grace period), and rare query texts never in a batch.

use showroom_core::api::FrontEnd;
use showroom_core::inquiry::{Source, SourceKind};
use showroom_core::insights::{InsightBatch, InsightEvent, InsightRecord, MAX_QUERIES_PER_HOUR};
use showroom_core::{Config, Lang, Showroom};
use time::{Duration, OffsetDateTime};

async fn search(showroom: &Showroom, session: &str, query: &str, results: u32, at: OffsetDateTime) {
    let record = InsightRecord {
        session: session.into(),
        lang: Lang::Ru,
        event: InsightEvent::Search {
            query: query.into(),
            results,
        },
    };
    showroom
        .record_insight(FrontEnd::Kiosk, &record, at)
        .await
        .unwrap();
}

/// The start of an hour well in the past, and a moment inside it.
fn an_hour() -> (OffsetDateTime, OffsetDateTime) {
    let start = OffsetDateTime::from_unix_timestamp(1_796_000_400).unwrap();
    (start, start + Duration::minutes(20))
}

#[tokio::test]
async fn counts_split_cap_forget_and_batch_once() {
    let data = tempfile::tempdir().unwrap();
    let showroom = Showroom::open(Config::new(data.path())).await.unwrap();
    let (start, at) = an_hour();

    // Found twice, found nothing once (a later catalog, a typo): both kept apart.
    search(&showroom, "visit-a-000001", "мед", 4, at).await;
    search(&showroom, "visit-b-000002", "Мёд", 6, at).await;
    search(&showroom, "visit-c-000003", "мёд", 0, at).await;
    let report = showroom
        .insights_report(start, start + Duration::hours(1))
        .await
        .unwrap();
    let honey = report.searches.iter().find(|q| q.query == "мед").unwrap();
    assert_eq!((honey.count, honey.results, honey.sessions), (2, 6, 3));
    let none = report
        .zero_result_searches
        .iter()
        .find(|q| q.query == "мед")
        .unwrap();
    assert_eq!(none.count, 1);
    // A flood of made-up texts from one visit: the first ones keep their text, the rest
    // are counted without it.
    for i in 0..(MAX_QUERIES_PER_HOUR + 40) {
        search(&showroom, "visit-flood-01", &format!("made-up-{i}"), 0, at).await;
    }
    let report = showroom
        .insights_report(start, start + Duration::hours(1))
        .await
        .unwrap();
    let texts: i64 = sqlx_count(
        &data.path().join("showroom.db"),
        "SELECT count(*) FROM insight_counts WHERE metric = 'search' AND key <> ''",
    )
    .await;
    assert_eq!(texts, MAX_QUERIES_PER_HOUR, "no more texts than the cap");
    let untold = report
        .zero_result_searches
        .iter()
        .find(|q| q.query.is_empty())
        .expect("the flood's rest, without its text");
    // 499 made-up texts were kept beside мед; the other 41 lost theirs.
    assert_eq!(untold.count, 41, "{untold:?}");

    // The visits' ids are kept for their hour only.
    let seen = "SELECT count(*) FROM insight_seen";
    assert!(sqlx_count(&data.path().join("showroom.db"), seen).await > 0);
    showroom
        .purge_insights(start + Duration::hours(1))
        .await
        .unwrap();
    assert_eq!(sqlx_count(&data.path().join("showroom.db"), seen).await, 0);

    // Not batched within the grace after the hour; then once, however often asked.
    let source = Source {
        kind: SourceKind::Kiosk,
        device_id: "hall-test".into(),
        app_version: "1".into(),
    };
    let just_after = start + Duration::hours(1) + Duration::seconds(30);
    assert_eq!(
        showroom
            .make_insight_batches(&source, just_after)
            .await
            .unwrap(),
        0
    );
    let later = start + Duration::hours(1) + Duration::minutes(5);
    let (a, b) = tokio::join!(
        showroom.make_insight_batches(&source, later),
        showroom.make_insight_batches(&source, later)
    );
    assert_eq!(a.unwrap() + b.unwrap(), 1, "one batch for the hour");
    assert_eq!(
        showroom.make_insight_batches(&source, later).await.unwrap(),
        0
    );
    // Texts typed by fewer than three visits never leave: the batch names none of them.
    let body = sqlx_text(
        &data.path().join("showroom.db"),
        "SELECT body FROM insight_batches",
    )
    .await;
    let batch: InsightBatch = serde_json::from_str(&body).unwrap();
    assert!(!body.contains("made-up"), "a one-visit text in the batch");
    let hour = &batch.hours[0];
    let named: Vec<_> = hour
        .searches
        .iter()
        .filter_map(|s| s.query.clone())
        .collect();
    assert_eq!(named, vec!["мед".to_string()], "{hour:?}");
    assert_eq!(hour.sessions.get("ru"), Some(&4));
    showroom.close().await;
}

async fn sqlx_count(db: &std::path::Path, sql: &'static str) -> i64 {
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}?mode=ro", db.display()))
        .await
        .unwrap();
    let n: i64 = sqlx::query_scalar(sql).fetch_one(&pool).await.unwrap();
    pool.close().await;
    n
}

async fn sqlx_text(db: &std::path::Path, sql: &'static str) -> String {
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}?mode=ro", db.display()))
        .await
        .unwrap();
    let text: String = sqlx::query_scalar(sql).fetch_one(&pool).await.unwrap();
    pool.close().await;
    text
}
