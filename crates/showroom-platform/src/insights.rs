//! `POST /v1/insights` (a device's hourly batch, stored once per Idempotency-Key) and
//! `GET /v1/insights` (every device's hours in a period summed, optionally one exhibitor's
//! goods only).

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};
use showroom_trade::insights::{InsightBatch, InsightHour, MAX_QUERY_CHARS};
use sqlx::Row;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::{
    AppState, Kill, authorized, canonical_sha256, draw_fault, injected, internal, json_response,
    now, problem, too_large, unauthorized,
};

/// A batch holds at most a day's hours; its body at most this many bytes.
const MAX_BATCH_BYTES: usize = 4 * 1024 * 1024;
const MAX_HOURS: usize = 48;

fn bad(detail: impl Into<String>) -> Response {
    problem(
        StatusCode::BAD_REQUEST,
        "invalid insights batch",
        Some(detail.into()),
        &[],
    )
}

fn on_the_hour(text: &str) -> Option<OffsetDateTime> {
    let t = OffsetDateTime::parse(text, &Rfc3339).ok()?;
    (t.unix_timestamp() % 3600 == 0).then_some(t)
}

/// What the contract's rules say of a batch: hours on the hour, queries short, no text of
/// a query kept below three sessions (a device cannot prove that; it can only be trusted).
fn check(batch: &InsightBatch) -> Result<(), String> {
    if batch.hours.len() > MAX_HOURS {
        return Err(format!("at most {MAX_HOURS} hours a batch"));
    }
    if batch.source.device_id.trim().is_empty() {
        return Err("source.device_id is empty".into());
    }
    for hour in &batch.hours {
        if on_the_hour(&hour.hour).is_none() {
            return Err(format!("hour {:?} is not an RFC 3339 hour", hour.hour));
        }
        for s in hour.searches.iter().chain(&hour.zero_result_searches) {
            if s.query
                .as_deref()
                .is_some_and(|q| q.chars().count() > MAX_QUERY_CHARS)
            {
                return Err(format!(
                    "a query is longer than {MAX_QUERY_CHARS} characters"
                ));
            }
        }
    }
    Ok(())
}

pub(crate) async fn post_batch(State(state): State<Arc<AppState>>, request: Request) -> Response {
    state.counters.batch_posts.fetch_add(1, Ordering::Relaxed);
    let kill = request.extensions().get::<Kill>().cloned();
    let (parts, body) = request.into_parts();
    if !authorized(&state, &parts.headers) {
        return unauthorized();
    }
    let bytes: Bytes = match axum::body::to_bytes(body, MAX_BATCH_BYTES).await {
        Ok(bytes) => bytes,
        Err(_) => {
            return too_large(
                "the batch is too large",
                Some(format!("at most {MAX_BATCH_BYTES} bytes")),
            );
        }
    };
    let Some(key) = parts
        .headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| uuid::Uuid::parse_str(v).ok())
    else {
        return bad("Idempotency-Key must be a UUID");
    };
    let fault = draw_fault(&state);
    if let Some(response) = injected(&fault, kill.as_ref()).await {
        return response;
    }
    let value: Value = match serde_json::from_slice(&bytes) {
        Ok(value) => value,
        Err(e) => return bad(format!("not JSON: {e}")),
    };
    let batch: InsightBatch = match serde_json::from_value(value.clone()) {
        Ok(batch) => batch,
        Err(e) => return bad(format!("wrong shape: {e}")),
    };
    if uuid::Uuid::parse_str(&batch.batch_id).ok() != Some(key) {
        return bad("batch_id is not the Idempotency-Key");
    }
    if let Err(detail) = check(&batch) {
        return bad(detail);
    }
    let digest = canonical_sha256(&value);
    let key = key.to_string();
    let inserted = sqlx::query(
        "INSERT INTO insight_batch (batch_id, body_sha256, device_id, received_at, body) \
         VALUES (?, ?, ?, ?, ?) ON CONFLICT (batch_id) DO NOTHING",
    )
    .bind(&key)
    .bind(&digest)
    .bind(&batch.source.device_id)
    .bind(now())
    .bind(value.to_string())
    .execute(&state.pool)
    .await;
    let created = match inserted {
        Ok(done) => done.rows_affected() == 1,
        Err(e) => return internal(e),
    };
    let stored: String =
        match sqlx::query_scalar("SELECT body_sha256 FROM insight_batch WHERE batch_id = ?")
            .bind(&key)
            .fetch_one(&state.pool)
            .await
        {
            Ok(d) => d,
            Err(e) => return internal(e),
        };
    if stored != digest {
        return problem(
            StatusCode::CONFLICT,
            "this Idempotency-Key was used with a different body",
            None,
            &[],
        );
    }
    let status = if created {
        state
            .counters
            .batches_created
            .fetch_add(1, Ordering::Relaxed);
        StatusCode::CREATED
    } else {
        state.counters.batch_replays.fetch_add(1, Ordering::Relaxed);
        StatusCode::OK
    };
    if let (Some((crate::Fault::Drop, _)), Some(kill)) = (fault, &kill) {
        kill.kill();
    }
    json_response(status, json!({"batch_id": key, "hours": batch.hours.len()}))
}

#[derive(Deserialize)]
pub(crate) struct Period {
    from: Option<String>,
    to: Option<String>,
    exhibitor_id: Option<String>,
}

/// Keeps of an hour only what concerns `products` (one exhibitor's goods and page).
fn only(hour: &mut InsightHour, products: &HashSet<String>, exhibitor: &str) {
    hour.sessions.clear();
    hour.funnel.clear();
    hour.searches.clear();
    hour.zero_result_searches.clear();
    hour.views.retain(|v| products.contains(&v.product_id));
    hour.shortlisted
        .retain(|v| products.contains(&v.product_id));
    hour.inquiries_started
        .retain(|v| products.contains(&v.product_id));
    hour.inquiries.retain(|v| products.contains(&v.product_id));
    hour.exhibitor_views.retain(|v| v.exhibitor_id == exhibitor);
}

pub(crate) async fn get_summed(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    period: Result<Query<Period>, QueryRejection>,
) -> Response {
    if !authorized(&state, &headers) {
        return unauthorized();
    }
    // A malformed query string is a problem like any other 400, not axum's plain text.
    let Query(period) = match period {
        Ok(period) => period,
        Err(rejection) => return bad(rejection.body_text()),
    };
    let bound = |text: &Option<String>| -> Result<Option<OffsetDateTime>, String> {
        match text {
            None => Ok(None),
            Some(t) => OffsetDateTime::parse(t, &Rfc3339)
                .map(Some)
                .map_err(|_| format!("{t:?} is not an RFC 3339 time")),
        }
    };
    let (from, to) = match (bound(&period.from), bound(&period.to)) {
        (Ok(from), Ok(to)) => (from, to),
        (Err(detail), _) | (_, Err(detail)) => return bad(detail),
    };
    let products: Option<HashSet<String>> = match &period.exhibitor_id {
        None => None,
        Some(exhibitor) => {
            let catalog = state.catalog.read().await.clone();
            Some(
                catalog
                    .map(|c| {
                        c.objects
                            .iter()
                            .filter(|o| {
                                o.kind == "product"
                                    && o.data.get("exhibitor").and_then(Value::as_str)
                                        == Some(exhibitor.as_str())
                            })
                            .map(|o| o.id.clone())
                            .collect()
                    })
                    .unwrap_or_default(),
            )
        }
    };
    let rows = match sqlx::query("SELECT body FROM insight_batch ORDER BY received_at")
        .fetch_all(&state.pool)
        .await
    {
        Ok(rows) => rows,
        Err(e) => return internal(e),
    };
    let mut hours: BTreeMap<i64, InsightHour> = BTreeMap::new();
    let mut devices = HashSet::new();
    for row in rows {
        let Ok(batch) = serde_json::from_str::<InsightBatch>(row.get::<&str, _>("body")) else {
            continue;
        };
        for mut hour in batch.hours {
            let Some(at) = on_the_hour(&hour.hour) else {
                continue;
            };
            if from.is_some_and(|f| at < f) || to.is_some_and(|t| at >= t) {
                continue;
            }
            if let (Some(products), Some(exhibitor)) = (&products, &period.exhibitor_id) {
                only(&mut hour, products, exhibitor);
            }
            devices.insert(batch.source.device_id.clone());
            hours
                .entry(at.unix_timestamp())
                .or_insert_with(|| InsightHour {
                    hour: hour.hour.clone(),
                    ..InsightHour::default()
                })
                .absorb(&hour);
        }
    }
    json_response(
        StatusCode::OK,
        json!({
            "from": period.from,
            "to": period.to,
            "exhibitor_id": period.exhibitor_id,
            "devices": devices.len(),
            "hours": hours.into_values().collect::<Vec<_>>(),
        }),
    )
}
