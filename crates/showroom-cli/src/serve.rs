//! `showroom serve`: the online show. Serves the built web UI and the JSON API of
//! `docs/ui-api.md` from the same core as the app, on loopback unless told otherwise.
//!
//! The UI is read from a folder at run time (`--ui DIR`, by default the repository's
//! `ui/dist` next to the sources this binary was built from), so a rebuilt UI needs no
//! rebuilt binary; files are looked up by name inside that folder only.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use axum::Router;
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use showroom_core::inquiry::{
    Background, InquiryDraft, OutboxEntry, OutboxInfo, Sender, Source, SourceKind, SubmitResult,
    validate_inquiry,
};
use showroom_core::showcase::qr_code;
use showroom_core::{ApiError, Error, ErrorCode, Lang, SearchRequest, Showroom, ThumbSize};
use time::OffsetDateTime;

use crate::output::Output;

/// The UI's Content-Security-Policy: no inline or evaluated script, nothing from elsewhere.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
                   img-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; \
                   frame-ancestors 'none'; form-action 'none'";

#[derive(clap::Args)]
pub struct ServeArgs {
    /// TCP port (0 picks a free one; the address is printed on stdout).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Address to listen on; loopback unless you mean to publish the show.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    bind: IpAddr,
    /// The built web UI (`npm run build` in ui/).
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/../../ui/dist"))]
    ui: PathBuf,
}

#[derive(Clone)]
struct App {
    showroom: Showroom,
    ui: PathBuf,
    /// Wakes the background sender after a submit.
    sender: Sender,
    /// Where this show's inquiries come from.
    source: Source,
    /// Listening on loopback only: the whole outbox may be listed (an operator's machine).
    /// On a public address a browser lists only the inquiries it names by reference.
    loopback: bool,
}

pub async fn serve(
    showroom: &Showroom,
    _out: &Output,
    args: &ServeArgs,
) -> anyhow::Result<ExitCode> {
    let ui = args.ui.canonicalize().with_context(|| {
        format!(
            "no built UI at {} (run `npm run build` in ui/)",
            args.ui.display()
        )
    })?;
    anyhow::ensure!(
        ui.join("index.html").is_file(),
        "no index.html in {} (run `npm run build` in ui/)",
        ui.display()
    );
    // The online show sends its visitors' inquiries like a desktop: the platform from
    // showroom.toml / SHOWROOM_PLATFORM_*, delivered by a background task.
    let trade =
        crate::trade::config_as(showroom.data_dir(), SourceKind::Desktop, "showroom-serve")?;
    let (background, sender) = Background::new(showroom.clone(), &trade)?;
    if !sender.platform_configured() {
        tracing::warn!("no trade platform configured: inquiries stay queued on this machine");
    }
    tokio::spawn(background.run(OffsetDateTime::now_utc));
    let app = App {
        showroom: showroom.clone(),
        ui,
        sender,
        source: trade.source,
        loopback: args.bind.is_loopback(),
    };
    let router = Router::new()
        .route("/api/catalog", get(catalog))
        .route("/api/search", get(search))
        .route("/api/products/{id}", get(product))
        .route("/api/showcase", get(showcase))
        .route("/api/exhibitors/{id}", get(exhibitor))
        .route("/api/hall", get(hall))
        .route("/api/qr", get(qr))
        .route("/api/settings", get(settings))
        .route("/api/inquiries", post(submit_inquiry).get(list_inquiries))
        .route("/api/inquiries/validate", post(validate))
        .route("/api/inquiries/{client_ref}", get(inquiry))
        .route("/api/outbox", get(outbox_info))
        .route("/media/product/{id}/{index}/{size}", get(media))
        .fallback(get(static_file))
        .with_state(app);
    let listener = tokio::net::TcpListener::bind(SocketAddr::new(args.bind, args.port))
        .await
        .with_context(|| format!("cannot listen on {}:{}", args.bind, args.port))?;
    let local = listener.local_addr()?;
    println!("http://{local}/");
    axum::serve(listener, router)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(ExitCode::SUCCESS)
}

/// A core error as `{code, message}` with the HTTP status its code means.
struct Failure(ApiError);

impl Failure {
    fn new(error: Error, lang: Lang) -> Failure {
        Failure(ApiError::new(&error, lang))
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let status = match self.0.code {
            ErrorCode::NotFound => StatusCode::NOT_FOUND,
            ErrorCode::BadRequest | ErrorCode::InvalidBundle => StatusCode::BAD_REQUEST,
            ErrorCode::NoCatalog => StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::DiskFull => StatusCode::INSUFFICIENT_STORAGE,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        (status, axum::Json(self.0)).into_response()
    }
}

type ApiResult<T> = Result<axum::Json<T>, Failure>;

#[derive(Deserialize)]
struct LangQuery {
    lang: Option<String>,
}

fn lang_of(q: &LangQuery) -> Lang {
    q.lang.as_deref().and_then(Lang::parse).unwrap_or_default()
}

async fn catalog(
    State(app): State<App>,
    Query(q): Query<LangQuery>,
) -> ApiResult<showroom_core::model::CatalogInfo> {
    app.showroom
        .catalog_info()
        .await
        .map(axum::Json)
        .map_err(|e| Failure::new(e, lang_of(&q)))
}

/// `GET /api/search?q=&lang=&...`: every other parameter is the `SearchRequest` field of
/// the same name, so filters the core gains are reachable here without a change.
async fn search(State(app): State<App>, Query(pairs): Query<Vec<(String, String)>>) -> Response {
    let mut fields = serde_json::Map::new();
    for (key, value) in pairs {
        if value.is_empty() {
            continue;
        }
        let key = if key == "q" { "query".to_string() } else { key };
        let json = match key.as_str() {
            "query" | "lang" => serde_json::Value::String(value),
            _ => match value.parse::<f64>() {
                Ok(number) if value.bytes().all(|b| b.is_ascii_digit()) => {
                    serde_json::Value::from(number as u64)
                }
                Ok(number) if key.starts_with("price_") || key.starts_with("moq_") => {
                    serde_json::Value::from(number)
                }
                _ => serde_json::Value::String(value),
            },
        };
        fields.insert(key, json);
    }
    let lang = fields
        .get("lang")
        .and_then(|v| v.as_str())
        .and_then(Lang::parse)
        .unwrap_or_default();
    if let Some(serde_json::Value::String(tag)) = fields.get_mut("lang") {
        *tag = lang_code(lang).to_string();
    }
    let request: SearchRequest = match serde_json::from_value(serde_json::Value::Object(fields)) {
        Ok(request) => request,
        Err(e) => {
            return Failure(ApiError {
                code: ErrorCode::BadRequest,
                message: e.to_string(),
            })
            .into_response();
        }
    };
    match app.showroom.search(request).await {
        Ok(found) => axum::Json(found).into_response(),
        Err(e) => Failure::new(e, lang).into_response(),
    }
}

fn lang_code(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "zh",
        Lang::Ru => "ru",
        Lang::En => "en",
    }
}

async fn product(
    State(app): State<App>,
    UrlPath(id): UrlPath<String>,
) -> ApiResult<showroom_core::model::ProductView> {
    app.showroom
        .product(&id)
        .await
        .map(axum::Json)
        .map_err(|e| Failure::new(e, Lang::En))
}

async fn showcase(State(app): State<App>) -> ApiResult<showroom_core::showcase::Showcase> {
    app.showroom
        .showcase()
        .await
        .map(axum::Json)
        .map_err(|e| Failure::new(e, Lang::En))
}

async fn exhibitor(
    State(app): State<App>,
    UrlPath(id): UrlPath<String>,
) -> ApiResult<showroom_core::showcase::ExhibitorPage> {
    app.showroom
        .exhibitor_page(&id)
        .await
        .map(axum::Json)
        .map_err(|e| Failure::new(e, Lang::En))
}

async fn hall(State(app): State<App>) -> ApiResult<showroom_core::showcase::HallMap> {
    app.showroom
        .hall_map()
        .await
        .map(axum::Json)
        .map_err(|e| Failure::new(e, Lang::En))
}

#[derive(Deserialize)]
struct QrQuery {
    url: String,
}

async fn qr(Query(q): Query<QrQuery>) -> ApiResult<showroom_core::showcase::QrCode> {
    if q.url.len() > 1024 {
        return Err(Failure(ApiError {
            code: ErrorCode::BadRequest,
            message: "address too long".into(),
        }));
    }
    qr_code(&q.url)
        .map(axum::Json)
        .map_err(|e| Failure::new(e, Lang::En))
}

/// In a browser the show is never a kiosk; the rest of `showroom.toml` applies.
async fn settings(State(app): State<App>) -> ApiResult<showroom_core::showcase::ShowSettings> {
    let mut settings = app
        .showroom
        .show_settings()
        .map_err(|e| Failure::new(e, Lang::En))?;
    settings.kiosk = false;
    Ok(axum::Json(settings))
}

/// The draft of a POST body; only `application/json` is read, so that another site's page
/// cannot post an inquiry through a visitor's browser without a (refused) CORS preflight.
fn draft_of(headers: &axum::http::HeaderMap, body: &[u8]) -> Result<InquiryDraft, Failure> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("application/json"));
    if !json {
        return Err(Failure(ApiError {
            code: ErrorCode::BadRequest,
            message: "the body must be application/json".into(),
        }));
    }
    serde_json::from_slice(body).map_err(|e| {
        Failure(ApiError {
            code: ErrorCode::BadRequest,
            message: e.to_string(),
        })
    })
}

/// `POST /api/inquiries?lang=`: 201 with `{status: "queued", entry}` once the inquiry is
/// committed to the outbox, 200 with `{status: "invalid", errors}` (messages in `lang`)
/// when it is not valid; nothing is stored then. An invalid form is an answer the page
/// shows beside its fields, not a failed request (which a browser would log as an error).
async fn submit_inquiry(
    State(app): State<App>,
    Query(q): Query<LangQuery>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let lang = lang_of(&q);
    let draft = match draft_of(&headers, &body) {
        Ok(draft) => draft,
        Err(failure) => return failure.into_response(),
    };
    match app
        .showroom
        .submit_inquiry(draft, &app.source, lang, OffsetDateTime::now_utc())
        .await
    {
        Ok(result @ SubmitResult::Queued { .. }) => {
            app.sender.wake();
            (StatusCode::CREATED, axum::Json(result)).into_response()
        }
        Ok(result @ SubmitResult::Invalid { .. }) => {
            (StatusCode::OK, axum::Json(result)).into_response()
        }
        Err(e) => Failure::new(e, lang).into_response(),
    }
}

/// `POST /api/inquiries/validate?lang=`: the field errors of a draft (empty when valid),
/// for re-saying them when the visitor switches language; nothing is stored.
async fn validate(
    Query(q): Query<LangQuery>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<Vec<showroom_core::inquiry::FieldError>> {
    let draft = draft_of(&headers, &body)?;
    Ok(axum::Json(validate_inquiry(&draft, lang_of(&q))))
}

#[derive(Deserialize)]
struct RefsQuery {
    /// Comma-separated client references.
    refs: Option<String>,
}

/// `GET /api/inquiries?refs=a,b`: those inquiries (unknown ones left out), newest first.
/// Without `refs`, every inquiry, but only when the show listens on loopback.
async fn list_inquiries(
    State(app): State<App>,
    Query(q): Query<RefsQuery>,
) -> ApiResult<Vec<OutboxEntry>> {
    let all = app
        .showroom
        .outbox()
        .await
        .map_err(|e| Failure::new(e, Lang::En))?;
    match q.refs {
        Some(refs) => {
            let wanted: Vec<&str> = refs.split(',').map(str::trim).take(200).collect();
            Ok(axum::Json(
                all.into_iter()
                    .filter(|e| wanted.contains(&e.client_ref.as_str()))
                    .collect(),
            ))
        }
        None if app.loopback => Ok(axum::Json(all)),
        None => Err(Failure(ApiError {
            code: ErrorCode::BadRequest,
            message: "name the inquiries with ?refs=".into(),
        })),
    }
}

/// `GET /api/inquiries/{client_ref}`: one inquiry's state (404 when unknown).
async fn inquiry(
    State(app): State<App>,
    UrlPath(client_ref): UrlPath<String>,
) -> ApiResult<OutboxEntry> {
    app.showroom
        .outbox_entry(&client_ref)
        .await
        .map(axum::Json)
        .map_err(|e| Failure::new(e, Lang::En))
}

/// `GET /api/outbox`: whether a platform is configured and how much is waiting.
async fn outbox_info(State(app): State<App>) -> ApiResult<OutboxInfo> {
    let undelivered = app
        .showroom
        .undelivered()
        .await
        .map_err(|e| Failure::new(e, Lang::En))?;
    Ok(axum::Json(OutboxInfo {
        platform_configured: app.sender.platform_configured(),
        undelivered,
    }))
}

async fn media(
    State(app): State<App>,
    UrlPath((id, index, size)): UrlPath<(String, u32, String)>,
) -> Response {
    let Some(size) = ThumbSize::parse(&size) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match app.showroom.product_image(&id, index, size).await {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg")),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("max-age=3600"),
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => Failure::new(e, Lang::En).into_response(),
    }
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("woff2") => "font/woff2",
        Some("json") => "application/json",
        Some("ico") => "image/x-icon",
        _ => "application/octet-stream",
    }
}

/// A file of the built UI by its URL path; only plain names inside the folder, never
/// `..`; anything unknown that is not under /api/ gets index.html (the UI routes by hash).
async fn static_file(State(app): State<App>, uri: Uri) -> Response {
    let relative = uri.path().trim_start_matches('/');
    if relative.starts_with("api/") || relative.starts_with("media/") {
        return Failure(ApiError {
            code: ErrorCode::NotFound,
            message: format!("no such address: /{relative}"),
        })
        .into_response();
    }
    let wanted = Path::new(relative);
    let safe = wanted
        .components()
        .all(|c| matches!(c, Component::Normal(_)));
    let mut path = if safe && !relative.is_empty() {
        app.ui.join(wanted)
    } else {
        app.ui.join("index.html")
    };
    if !path.is_file() {
        path = app.ui.join("index.html");
    }
    let immutable = relative.starts_with("assets/");
    match tokio::fs::read(&path).await {
        Ok(bytes) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(content_type(&path)),
                ),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static(if immutable {
                        "max-age=31536000, immutable"
                    } else {
                        "no-cache"
                    }),
                ),
                (
                    header::CONTENT_SECURITY_POLICY,
                    HeaderValue::from_static(CSP),
                ),
                (
                    header::X_CONTENT_TYPE_OPTIONS,
                    HeaderValue::from_static("nosniff"),
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}
