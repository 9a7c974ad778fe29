//! A reference implementation of the trade platform (`trade-platform-api.md`,
//! `docs/trade-platform.openapi.yaml`): what the demo and the tests talk to on loopback.
//!
//! It stores each inquiry once per Idempotency-Key in SQLite, answers replays with 200 and
//! changed bodies with 409, validates with the core's own rules, publishes a catalog
//! bundle as full and delta NDJSON with ETags, and serves images by digest. For tests it
//! injects faults at a configurable rate: 500, 503 and 429 with Retry-After, a hang past
//! the client's timeout, a reset connection, or a reply dropped after the inquiry was
//! stored. The `/admin` endpoints (loopback only, same token) change faults, publish
//! another bundle, set an inquiry's status, rotate the token and report counts.

mod admin;
mod catalog;
mod conn;
mod insights;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path as UrlPath, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use showroom_model::Lang;
use showroom_trade::{Inquiry, validate_inquiry};
use sqlx::Row;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};
use tokio::sync::RwLock;

pub use catalog::Published;
pub use conn::Kill;

/// A fault the platform can be told to inject into `POST /v1/inquiries`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Fault {
    /// 500, nothing stored.
    #[serde(rename = "500")]
    Status500,
    /// 503 with Retry-After, nothing stored.
    #[serde(rename = "503")]
    Status503,
    /// 429 with Retry-After, nothing stored.
    #[serde(rename = "429")]
    Status429,
    /// No answer for `hang_ms`, then 500; nothing stored.
    Hang,
    /// The connection is reset before anything is stored.
    Reset,
    /// The inquiry is stored, then the connection is reset: the reply is lost.
    Drop,
}

impl Fault {
    pub const ALL: [Fault; 6] = [
        Fault::Status500,
        Fault::Status503,
        Fault::Status429,
        Fault::Hang,
        Fault::Reset,
        Fault::Drop,
    ];
}

impl FromStr for Fault {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        serde_json::from_value(Value::String(s.to_string()))
            .map_err(|_| format!("unknown fault {s:?} (500 503 429 hang reset drop)"))
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Faults {
    /// The share of inquiry POSTs that get a fault, 0.0..=1.0.
    pub rate: f64,
    /// The faults drawn from, uniformly.
    pub kinds: Vec<Fault>,
    pub retry_after_secs: u64,
    pub hang_ms: u64,
}

impl Default for Faults {
    fn default() -> Self {
        Faults {
            rate: 0.0,
            kinds: Fault::ALL.to_vec(),
            retry_after_secs: 1,
            hang_ms: 5_000,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Options {
    pub bind: SocketAddr,
    pub data: PathBuf,
    pub catalog: Option<PathBuf>,
    pub token: String,
    pub faults: Faults,
    /// Larger inquiry bodies get 413.
    pub max_body_bytes: usize,
}

impl Options {
    pub fn new(data: impl Into<PathBuf>, token: impl Into<String>) -> Self {
        Options {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            data: data.into(),
            catalog: None,
            token: token.into(),
            faults: Faults::default(),
            max_body_bytes: 64 * 1024,
        }
    }
}

/// Counts the tests read back through `GET /admin/stats`.
#[derive(Default)]
struct Counters {
    posts: AtomicU64,
    created: AtomicU64,
    replays: AtomicU64,
    conflicts: AtomicU64,
    faults: Mutex<BTreeMap<Fault, u64>>,
    /// Insight batches: POSTs, first stored, replays of a stored one.
    batch_posts: AtomicU64,
    batches_created: AtomicU64,
    batch_replays: AtomicU64,
}

pub struct AppState {
    pool: SqlitePool,
    /// The device token the platform accepts; `PUT /admin/token` rotates it.
    token: Mutex<String>,
    max_body: usize,
    faults: Mutex<Faults>,
    catalog: RwLock<Option<Arc<Published>>>,
    counters: Counters,
}

/// A running platform; dropping it stops accepting connections.
pub struct Running {
    pub addr: SocketAddr,
    pub state: Arc<AppState>,
    accept: tokio::task::JoinHandle<()>,
}

impl Running {
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    pub async fn stop(mut self) {
        self.accept.abort();
        let _ = (&mut self.accept).await;
        self.state.pool.close().await;
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

/// Opens the database, publishes the bundle (when given) and starts serving.
pub async fn start(options: Options) -> anyhow::Result<Running> {
    std::fs::create_dir_all(&options.data)?;
    let db = SqliteConnectOptions::new()
        .filename(options.data.join("platform.db"))
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .busy_timeout(Duration::from_secs(30));
    // One writer at a time keeps "once per key" trivially true under concurrent tries.
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(db)
        .await?;
    sqlx::migrate!("./migrations").run(&pool).await?;
    let state = Arc::new(AppState {
        pool,
        token: Mutex::new(options.token.clone()),
        max_body: options.max_body_bytes,
        faults: Mutex::new(options.faults.clone()),
        catalog: RwLock::new(None),
        counters: Counters::default(),
    });
    if let Some(bundle) = &options.catalog {
        publish(&state, bundle).await?;
    }
    let listener = tokio::net::TcpListener::bind(options.bind).await?;
    let addr = listener.local_addr()?;
    let router = router(Arc::clone(&state));
    let accept = tokio::spawn(conn::accept_loop(listener, router));
    Ok(Running {
        addr,
        state,
        accept,
    })
}

/// Publishes the bundle at `dir` as the current catalog (and remembers it for deltas).
pub async fn publish(state: &AppState, dir: &Path) -> anyhow::Result<String> {
    let dir = dir.to_path_buf();
    let published = tokio::task::spawn_blocking(move || catalog::Published::load(&dir)).await??;
    let version = published.manifest.version.clone();
    sqlx::query(
        "INSERT INTO catalog_version (version, catalog_id, objects, published_at) \
         VALUES (?, ?, ?, ?) ON CONFLICT (version) DO NOTHING",
    )
    .bind(&version)
    .bind(&published.manifest.id)
    .bind(serde_json::to_string(&published.objects)?)
    .bind(now())
    .execute(&state.pool)
    .await?;
    *state.catalog.write().await = Some(Arc::new(published));
    Ok(version)
}

fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/v1/health", get(health))
        .route("/v1/inquiries", post(post_inquiry))
        .route("/v1/inquiries/{id}", get(get_inquiry))
        .route(
            "/v1/insights",
            post(insights::post_batch).get(insights::get_summed),
        )
        .route("/v1/catalog", get(get_catalog))
        .route("/v1/media/{sha256}", get(get_media))
        .route("/admin/stats", get(admin::stats))
        .route("/admin/faults", put(admin::faults))
        .route("/admin/token", put(admin::token))
        .route("/admin/catalog", post(admin::catalog))
        .route("/admin/inquiries", get(admin::inquiries))
        .route("/admin/inquiries/{id}/status", put(admin::status))
        .fallback(|| async { problem(StatusCode::NOT_FOUND, "not found", None, &[]) })
        .with_state(state)
}

fn now() -> String {
    time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or_else(|_| time::OffsetDateTime::now_utc())
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// An RFC 9457 problem.
fn problem(
    status: StatusCode,
    title: &str,
    detail: Option<String>,
    errors: &[(String, String)],
) -> Response {
    let mut body = json!({
        "type": "about:blank",
        "title": title,
        "status": status.as_u16(),
    });
    if let Some(detail) = detail {
        body["detail"] = Value::String(detail);
    }
    if !errors.is_empty() {
        body["errors"] = errors
            .iter()
            .map(|(field, code)| json!({"field": field, "code": code}))
            .collect();
    }
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    response
}

/// 413 for a body refused before it was read to its end. The rest of the body
/// is still on the wire, so the connection closes after this answer, and says
/// so: a client must not send its next request on it.
pub(crate) fn too_large(title: &str, detail: Option<String>) -> Response {
    let mut response = problem(StatusCode::PAYLOAD_TOO_LARGE, title, detail, &[]);
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

fn json_response(status: StatusCode, value: Value) -> Response {
    let mut response = (status, value.to_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    response
}

fn authorized(state: &AppState, headers: &HeaderMap) -> bool {
    let Some(value) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let Some(token) = value.strip_prefix("Bearer ") else {
        return false;
    };
    let Ok(expected) = state.token.lock() else {
        return false;
    };
    // Compared in constant time over the expected token's length.
    let (a, b) = (token.as_bytes(), expected.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn unauthorized() -> Response {
    let mut response = problem(
        StatusCode::UNAUTHORIZED,
        "missing or wrong token",
        None,
        &[],
    );
    response
        .headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    response
}

fn internal(error: impl std::fmt::Display) -> Response {
    tracing::error!(%error, "internal error");
    problem(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal error",
        None,
        &[],
    )
}

async fn health() -> Response {
    json_response(
        StatusCode::OK,
        json!({"status": "ok", "version": env!("CARGO_PKG_VERSION")}),
    )
}

/// Draws whether this request gets a fault, and which.
fn draw_fault(state: &AppState) -> Option<(Fault, Faults)> {
    let faults = state.faults.lock().ok()?.clone();
    if faults.kinds.is_empty() || fastrand::f64() >= faults.rate {
        return None;
    }
    let fault = faults.kinds[fastrand::usize(..faults.kinds.len())];
    if let Ok(mut counts) = state.counters.faults.lock() {
        *counts.entry(fault).or_default() += 1;
    }
    Some((fault, faults))
}

fn retry_later(status: StatusCode, faults: &Faults) -> Response {
    let mut response = problem(status, "try again later", None, &[]);
    // Every other answer says it as an HTTP date, so clients must read both forms.
    let value = if fastrand::bool() {
        faults.retry_after_secs.to_string()
    } else {
        httpdate::fmt_http_date(
            std::time::SystemTime::now() + Duration::from_secs(faults.retry_after_secs + 1),
        )
    };
    if let Ok(value) = HeaderValue::from_str(&value) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

/// The answer of an injected fault that stops a POST before anything is stored (`None`:
/// no fault, or `Drop`, which stores and then loses the reply).
async fn injected(fault: &Option<(Fault, Faults)>, kill: Option<&Kill>) -> Option<Response> {
    Some(match fault.as_ref()? {
        (Fault::Status500, _) => problem(
            StatusCode::INTERNAL_SERVER_ERROR,
            "injected fault",
            None,
            &[],
        ),
        (Fault::Status503, f) => retry_later(StatusCode::SERVICE_UNAVAILABLE, f),
        (Fault::Status429, f) => retry_later(StatusCode::TOO_MANY_REQUESTS, f),
        (Fault::Hang, f) => {
            tokio::time::sleep(Duration::from_millis(f.hang_ms)).await;
            problem(
                StatusCode::INTERNAL_SERVER_ERROR,
                "injected hang",
                None,
                &[],
            )
        }
        (Fault::Reset, _) => {
            if let Some(kill) = kill {
                kill.kill();
            }
            problem(
                StatusCode::INTERNAL_SERVER_ERROR,
                "injected reset",
                None,
                &[],
            )
        }
        (Fault::Drop, _) => return None,
    })
}

fn canonical_sha256(value: &Value) -> String {
    // serde_json's map is ordered by key, so this is the same for equal JSON.
    hex::encode(Sha256::digest(value.to_string().as_bytes()))
}

async fn post_inquiry(State(state): State<Arc<AppState>>, request: Request) -> Response {
    state.counters.posts.fetch_add(1, Ordering::Relaxed);
    let kill = request.extensions().get::<Kill>().cloned();
    let (parts, body) = request.into_parts();
    if !authorized(&state, &parts.headers) {
        return unauthorized();
    }
    let bytes: Bytes = match axum::body::to_bytes(body, state.max_body).await {
        Ok(bytes) => bytes,
        Err(_) => {
            return too_large(
                "the inquiry is too large",
                Some(format!("at most {} bytes", state.max_body)),
            );
        }
    };
    let key = parts
        .headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| uuid::Uuid::parse_str(v).ok());
    let Some(key) = key else {
        return problem(
            StatusCode::BAD_REQUEST,
            "invalid inquiry",
            Some("Idempotency-Key must be a UUID".into()),
            &[("Idempotency-Key".into(), "invalid".into())],
        );
    };

    let fault = draw_fault(&state);
    if let Some(response) = injected(&fault, kill.as_ref()).await {
        return response;
    }

    let value: Value = match serde_json::from_slice(&bytes) {
        Ok(value) => value,
        Err(e) => {
            return problem(
                StatusCode::BAD_REQUEST,
                "invalid inquiry",
                Some(format!("not JSON: {e}")),
                &[],
            );
        }
    };
    let inquiry: Inquiry = match serde_json::from_value(value.clone()) {
        Ok(inquiry) => inquiry,
        Err(e) => {
            return problem(
                StatusCode::BAD_REQUEST,
                "invalid inquiry",
                Some(format!("wrong shape: {e}")),
                &[],
            );
        }
    };
    let mut errors: Vec<(String, String)> = validate_inquiry(&inquiry.draft, Lang::En)
        .into_iter()
        .map(|e| (e.field, e.code.as_str().to_string()))
        .collect();
    if uuid::Uuid::parse_str(&inquiry.client_ref).ok() != Some(key) {
        errors.push(("client_ref".into(), "invalid".into()));
    }
    if time::OffsetDateTime::parse(
        &inquiry.created_at,
        &time::format_description::well_known::Rfc3339,
    )
    .is_err()
    {
        errors.push(("created_at".into(), "invalid".into()));
    }
    if !errors.is_empty() {
        return problem(StatusCode::BAD_REQUEST, "invalid inquiry", None, &errors);
    }
    if let Some(published) = state.catalog.read().await.clone() {
        let unknown: Vec<(String, String)> = inquiry
            .draft
            .items
            .iter()
            .enumerate()
            .filter(|(_, item)| !published.products.contains(&item.product_id))
            .map(|(i, _)| (format!("items[{i}].product_id"), "unknown-product".into()))
            .collect();
        if !unknown.is_empty() {
            return problem(
                StatusCode::UNPROCESSABLE_ENTITY,
                "unknown product",
                None,
                &unknown,
            );
        }
    }

    let digest = canonical_sha256(&value);
    let key = key.to_string();
    let received_at = now();
    let inserted = sqlx::query(
        "INSERT INTO inquiry (client_ref, body_sha256, body, status, received_at, updated_at) \
         VALUES (?, ?, ?, 'received', ?, ?) ON CONFLICT (client_ref) DO NOTHING",
    )
    .bind(&key)
    .bind(&digest)
    .bind(value.to_string())
    .bind(&received_at)
    .bind(&received_at)
    .execute(&state.pool)
    .await;
    let created = match inserted {
        Ok(done) => done.rows_affected() == 1,
        Err(e) => return internal(e),
    };
    let row = match sqlx::query(
        "SELECT id, client_ref, body_sha256, status, received_at FROM inquiry WHERE client_ref = ?",
    )
    .bind(&key)
    .fetch_one(&state.pool)
    .await
    {
        Ok(row) => row,
        Err(e) => return internal(e),
    };
    if row.get::<&str, _>("body_sha256") != digest {
        state.counters.conflicts.fetch_add(1, Ordering::Relaxed);
        return problem(
            StatusCode::CONFLICT,
            "this Idempotency-Key was used with a different body",
            None,
            &[],
        );
    }
    let status = if created {
        state.counters.created.fetch_add(1, Ordering::Relaxed);
        StatusCode::CREATED
    } else {
        state.counters.replays.fetch_add(1, Ordering::Relaxed);
        StatusCode::OK
    };
    if let (Some((Fault::Drop, _)), Some(kill)) = (fault, &kill) {
        kill.kill();
    }
    json_response(
        status,
        json!({
            "id": row.get::<&str, _>("id"),
            "client_ref": row.get::<&str, _>("client_ref"),
            "status": row.get::<&str, _>("status"),
            "received_at": row.get::<&str, _>("received_at"),
        }),
    )
}

async fn get_inquiry(
    State(state): State<Arc<AppState>>,
    UrlPath(id): UrlPath<String>,
    headers: HeaderMap,
) -> Response {
    if !authorized(&state, &headers) {
        return unauthorized();
    }
    let row =
        sqlx::query("SELECT id, client_ref, status, note, updated_at FROM inquiry WHERE id = ?")
            .bind(&id)
            .fetch_optional(&state.pool)
            .await;
    match row {
        Err(e) => internal(e),
        Ok(None) => problem(StatusCode::NOT_FOUND, "no such inquiry", None, &[]),
        Ok(Some(row)) => {
            let mut body = json!({
                "id": row.get::<&str, _>("id"),
                "client_ref": row.get::<&str, _>("client_ref"),
                "status": row.get::<&str, _>("status"),
                "updated_at": row.get::<&str, _>("updated_at"),
            });
            if let Some(note) = row
                .get::<Option<&str>, _>("note")
                .and_then(|n| serde_json::from_str::<Value>(n).ok())
            {
                body["note"] = note;
            }
            json_response(StatusCode::OK, body)
        }
    }
}

#[derive(Deserialize)]
struct CatalogQuery {
    since: Option<String>,
}

async fn get_catalog(
    State(state): State<Arc<AppState>>,
    Query(query): Query<CatalogQuery>,
    headers: HeaderMap,
) -> Response {
    if !authorized(&state, &headers) {
        return unauthorized();
    }
    let Some(published) = state.catalog.read().await.clone() else {
        return problem(StatusCode::NOT_FOUND, "no catalog is published", None, &[]);
    };
    let etag = published.etag();
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    if matches {
        let mut response = StatusCode::NOT_MODIFIED.into_response();
        if let Ok(value) = HeaderValue::from_str(&etag) {
            response.headers_mut().insert(header::ETAG, value);
        }
        return response;
    }
    let base = match &query.since {
        Some(since) => {
            match sqlx::query("SELECT objects FROM catalog_version WHERE version = ?")
                .bind(since)
                .fetch_optional(&state.pool)
                .await
            {
                Err(e) => return internal(e),
                Ok(row) => row.and_then(|r| {
                    serde_json::from_str::<Vec<catalog::Object>>(r.get::<&str, _>("objects")).ok()
                }),
            }
        }
        None => None,
    };
    let body = match published.ndjson(base.as_deref()) {
        Ok(body) => body,
        Err(e) => return internal(e),
    };
    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/x-ndjson"),
    );
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    response
}

async fn get_media(
    State(state): State<Arc<AppState>>,
    UrlPath(digest): UrlPath<String>,
    headers: HeaderMap,
) -> Response {
    if !authorized(&state, &headers) {
        return unauthorized();
    }
    let published = state.catalog.read().await.clone();
    let Some(bytes) = published.as_ref().and_then(|p| p.media.get(&digest)) else {
        return problem(StatusCode::NOT_FOUND, "no such image", None, &[]);
    };
    let content_type = catalog::content_type(bytes);
    let mut response = Response::new(Body::from(bytes.as_ref().clone()));
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}
