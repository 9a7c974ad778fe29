//! The `/admin` endpoints tests drive the platform with: counters, injected faults, the
//! device token's rotation, publishing a catalog, the stored inquiries and their status.
//! Every one is for this machine only and needs the device token: the [`Admin`]
//! extractor says so once, and [`Body`] reads a small JSON body for all of them.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::extract::{FromRequest, FromRequestParts, Path as UrlPath, Request, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::Response;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use sqlx::Row;

use crate::{
    AppState, Faults, authorized, conn, internal, json_response, now, problem, publish, too_large,
};

/// The largest admin request body.
const MAX_BODY: usize = 64 * 1024;

/// A request from this machine (loopback) with the device token; anything else is 403.
pub(crate) struct Admin;

impl FromRequestParts<Arc<AppState>> for Admin {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        let local = parts
            .extensions
            .get::<conn::Peer>()
            .is_some_and(|p| p.0.ip().is_loopback());
        if local && authorized(state, &parts.headers) {
            Ok(Admin)
        } else {
            Err(problem(
                StatusCode::FORBIDDEN,
                "admin calls are for loopback with the token",
                None,
                &[],
            ))
        }
    }
}

/// An admin request's JSON body: 413 past [`MAX_BODY`], 400 when it is not `T`.
pub(crate) struct Body<T>(T);

impl<T: DeserializeOwned> FromRequest<Arc<AppState>> for Body<T> {
    type Rejection = Response;

    async fn from_request(request: Request, _: &Arc<AppState>) -> Result<Self, Self::Rejection> {
        let Ok(bytes) = axum::body::to_bytes(request.into_body(), MAX_BODY).await else {
            return Err(too_large("too large", None));
        };
        serde_json::from_slice(&bytes).map(Body).map_err(|e| {
            problem(
                StatusCode::BAD_REQUEST,
                "bad body",
                Some(e.to_string()),
                &[],
            )
        })
    }
}

/// `GET /admin/stats`: what was stored, posted, replayed and refused, and the faults
/// injected so far.
pub(crate) async fn stats(_: Admin, State(state): State<Arc<AppState>>) -> Response {
    let stored = match sqlx::query("SELECT COUNT(*) AS n FROM inquiry")
        .fetch_one(&state.pool)
        .await
    {
        Ok(row) => row.get::<i64, _>("n"),
        Err(e) => return internal(e),
    };
    let c = &state.counters;
    let faults: BTreeMap<String, u64> = c
        .faults
        .lock()
        .map(|f| {
            f.iter()
                .map(|(k, v)| {
                    let name = serde_json::to_value(k)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default();
                    (name, *v)
                })
                .collect()
        })
        .unwrap_or_default();
    json_response(
        StatusCode::OK,
        json!({
            "stored": stored,
            "posts": c.posts.load(Ordering::Relaxed),
            "created": c.created.load(Ordering::Relaxed),
            "replays": c.replays.load(Ordering::Relaxed),
            "batch_posts": c.batch_posts.load(Ordering::Relaxed),
            "batches_created": c.batches_created.load(Ordering::Relaxed),
            "batch_replays": c.batch_replays.load(Ordering::Relaxed),
            "conflicts": c.conflicts.load(Ordering::Relaxed),
            "faults": faults,
        }),
    )
}

/// `PUT /admin/faults`: the faults injected from now on.
pub(crate) async fn faults(
    _: Admin,
    State(state): State<Arc<AppState>>,
    Body(faults): Body<Faults>,
) -> Response {
    if let Ok(mut current) = state.faults.lock() {
        *current = faults.clone();
    }
    json_response(
        StatusCode::OK,
        serde_json::to_value(faults).unwrap_or_default(),
    )
}

#[derive(Deserialize)]
pub(crate) struct NewToken {
    token: String,
}

/// `PUT /admin/token`: rotates the device token; from now on only the new one is
/// accepted (admin calls too).
pub(crate) async fn token(
    _: Admin,
    State(state): State<Arc<AppState>>,
    Body(body): Body<NewToken>,
) -> Response {
    if body.token.is_empty() {
        return problem(StatusCode::BAD_REQUEST, "empty token", None, &[]);
    }
    match state.token.lock() {
        Ok(mut token) => *token = body.token,
        Err(e) => return internal(e),
    }
    json_response(StatusCode::OK, json!({"rotated": true}))
}

#[derive(Deserialize)]
pub(crate) struct BundleDir {
    dir: PathBuf,
}

/// `POST /admin/catalog`: publishes the bundle in a folder of this machine.
pub(crate) async fn catalog(
    _: Admin,
    State(state): State<Arc<AppState>>,
    Body(body): Body<BundleDir>,
) -> Response {
    match publish(&state, &body.dir).await {
        Ok(version) => json_response(StatusCode::OK, json!({"version": version})),
        Err(e) => problem(
            StatusCode::BAD_REQUEST,
            "bundle refused",
            Some(format!("{e:#}")),
            &[],
        ),
    }
}

/// `GET /admin/inquiries`: every stored inquiry, in the order it arrived.
pub(crate) async fn inquiries(_: Admin, State(state): State<Arc<AppState>>) -> Response {
    let rows = match sqlx::query("SELECT id, client_ref, body, status FROM inquiry ORDER BY seq")
        .fetch_all(&state.pool)
        .await
    {
        Ok(rows) => rows,
        Err(e) => return internal(e),
    };
    let list: Vec<Value> = rows
        .iter()
        .map(|r| {
            json!({
                "id": r.get::<&str, _>("id"),
                "client_ref": r.get::<&str, _>("client_ref"),
                "status": r.get::<&str, _>("status"),
                "body": serde_json::from_str::<Value>(r.get::<&str, _>("body")).unwrap_or_default(),
            })
        })
        .collect();
    json_response(StatusCode::OK, Value::Array(list))
}

#[derive(Deserialize)]
pub(crate) struct NewStatus {
    status: String,
    note: Option<BTreeMap<String, String>>,
}

/// `PUT /admin/inquiries/{id}/status`: the platform's answer to an inquiry.
pub(crate) async fn status(
    _: Admin,
    State(state): State<Arc<AppState>>,
    UrlPath(id): UrlPath<String>,
    Body(body): Body<NewStatus>,
) -> Response {
    if !["received", "forwarded", "answered", "closed", "rejected"].contains(&body.status.as_str())
    {
        return problem(StatusCode::BAD_REQUEST, "unknown status", None, &[]);
    }
    let note = body
        .note
        .map(|n| serde_json::to_string(&n).unwrap_or_default());
    match sqlx::query("UPDATE inquiry SET status = ?, note = ?, updated_at = ? WHERE id = ?")
        .bind(&body.status)
        .bind(note)
        .bind(now())
        .bind(&id)
        .execute(&state.pool)
        .await
    {
        Ok(done) if done.rows_affected() == 1 => json_response(StatusCode::OK, json!({"id": id})),
        Ok(_) => problem(StatusCode::NOT_FOUND, "no such inquiry", None, &[]),
        Err(e) => internal(e),
    }
}
