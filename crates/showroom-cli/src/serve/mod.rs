//! `showroom serve`: the online show. Serves the built web UI and the JSON API of
//! `docs/ui-api.md` through the core's one door ([`showroom_core::api::Api`]), the same
//! calls the app's window makes; the handlers here only translate HTTP.
//!
//! The show assumes a hostile internet in front of it, whatever address it listens on:
//! nothing is trusted by address (operator views need the operator token), only the Host
//! names it is configured for are answered, every client has a request budget and an
//! inquiry budget, bodies are capped at 64 KiB, slow or idle connections are closed, and
//! refusals are localised `{code, message}` with `Retry-After`. Settings: the `[serve]`
//! section of `showroom.toml` ([`settings`]).
//!
//! The UI is read from a folder at run time (`--ui DIR`, by default the repository's
//! `ui/dist` next to the sources this binary was built from), so a rebuilt UI needs no
//! rebuilt binary; files are looked up by name inside that folder only.

mod assets;
mod conn;
mod guard;
mod pages;
mod peers;
mod replies;
pub mod settings;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use axum::Router;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, FromRequestParts, Path as UrlPath, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use showroom_core::api::{Api, FrontEnd, HistoryScope, MAX_REFS, Operator};
use showroom_core::inquiry::{InquiryDraft, Retention, SourceKind, SubmitResult};
use showroom_core::insights::InsightRecord;
use showroom_core::settings::{Settings, ShowSettings};
use showroom_core::{ApiError, Error, ErrorCode, Lang, SearchRequest, Showroom, ThumbSize};
use time::OffsetDateTime;

use crate::output::Output;
use guard::{Budgets, ClientIp, Guard, lang_of, refusal};
use peers::{PEER_HEADER, Peers};
use settings::ServeSettings;

/// The UI's Content-Security-Policy: no inline or evaluated script, nothing from elsewhere.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
                   img-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; \
                   frame-ancestors 'none'; form-action 'none'";

/// The largest request body read (an inquiry is a few kilobytes).
pub const MAX_BODY: usize = 64 * 1024;

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

/// The pages' ids and the catalog stamp they were read for.
type StampedIds = (String, Arc<showroom_core::PageIds>);

#[derive(Clone)]
struct App {
    api: Api,
    ui: PathBuf,
    settings: Arc<ServeSettings>,
    budgets: Arc<Budgets>,
    peers: Option<Peers>,
    metrics: PrometheusHandle,
    /// The UI's files, read and compressed once.
    assets: Arc<assets::Assets>,
    /// Every page's id, for the sitemaps, kept per catalog (by its stamp).
    page_ids: Arc<std::sync::Mutex<Option<StampedIds>>>,
    /// Finished replies to the catalog's calls, for the next visitor who asks the same.
    replies: Arc<replies::Replies>,
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
    // showroom.toml, read once: `[serve]`, the trade sections and the show's keys.
    let file = Settings::load(showroom.data_dir())?;
    let settings = Arc::new(ServeSettings::resolve(&file, &|name| {
        std::env::var(name).ok()
    })?);
    // The online show sends its visitors' inquiries like a desktop: the platform from
    // showroom.toml / SHOWROOM_PLATFORM_*, delivered by a background task; personal data
    // is never kept for ever on a public service.
    let mut trade = crate::trade::config_as(&file, SourceKind::Desktop, "showroom-serve")?;
    if trade.source.device_id == "showroom-serve" {
        trade.source.device_id = format!("showroom-serve-{}", settings.node);
    }
    if let Some(platform) = &mut trade.platform
        && platform.retention == Retention::Keep
    {
        platform.retention = Retention::AfterAck(settings.retention);
    }
    let mut show = file.show;
    // QR codes and shared links point at the public address when one is configured.
    if show.online_show_url.is_none() {
        show.online_show_url = settings.public_url.clone();
    }
    let api = Api::new(showroom.clone(), FrontEnd::Browser, show, trade);
    tokio::spawn(api.background()?.run(OffsetDateTime::now_utc));
    let metrics = PrometheusBuilder::new()
        .set_buckets(&[
            0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
        ])?
        .install_recorder()
        .context("metrics recorder")?;
    // Every refusal counter exists from the start, so a dashboard sees 0, not nothing.
    for reason in ["host", "rate", "busy", "inquiries", "outbox", "body"] {
        metrics::counter!("showroom_refusals_total", "reason" => reason).absolute(0);
    }
    let budgets = Arc::new(Budgets::new(&settings));
    {
        let budgets = budgets.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_secs(60)).await;
                budgets.forget_idle();
            }
        });
    }
    let assets: Arc<assets::Assets> = Arc::default();
    {
        let (assets, ui) = (assets.clone(), ui.clone());
        let started = Instant::now();
        let files = tokio::task::spawn_blocking(move || assets.warm(&ui)).await?;
        tracing::info!(
            files,
            ms = started.elapsed().as_millis() as u64,
            "the UI's files are compressed"
        );
    }
    let app = App {
        api,
        ui,
        peers: Peers::new(&settings.peers, settings.operator_token.as_deref())?,
        settings: settings.clone(),
        budgets: budgets.clone(),
        metrics,
        assets,
        page_ids: Arc::default(),
        replies: Arc::new(replies::Replies::new(settings.reply_cache_bytes)),
    };
    let guard = Arc::new(Guard {
        settings: settings.clone(),
        budgets,
    });
    let router = router(app)
        .layer(axum::middleware::from_fn_with_state(guard, guard::guard))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            settings.request_timeout,
        ));
    let listener = tokio::net::TcpListener::bind(SocketAddr::new(args.bind, args.port))
        .await
        .with_context(|| format!("cannot listen on {}:{}", args.bind, args.port))?;
    let local = listener.local_addr()?;
    println!("http://{local}/");
    tracing::info!(node = settings.node, %local, "the online show is listening");
    conn::serve(
        listener,
        router,
        conn::Limits {
            max_connections: settings.max_connections,
            header_timeout: settings.header_timeout,
            idle_timeout: settings.idle_timeout,
        },
        shutdown_signal(),
    )
    .await;
    tracing::info!("the online show stopped");
    Ok(ExitCode::SUCCESS)
}

/// SIGTERM (systemd, a rolling update) or Ctrl-C.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(term) => term,
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                    return;
                }
            };
        tokio::select! {
            _ = term.recv() => {}
            _ = tokio::signal::ctrl_c() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

fn router(app: App) -> Router {
    Router::new()
        .route("/api/catalog", get(catalog))
        .route("/api/search", get(search))
        .route("/api/products/{id}", get(product))
        .route("/api/showcase", get(showcase))
        .route("/api/exhibitors/{id}", get(exhibitor))
        .route("/api/hall", get(hall))
        .route("/api/qr", get(qr))
        .route("/api/settings", get(settings_of))
        .route("/api/inquiries", post(submit_inquiry).get(list_inquiries))
        .route("/api/inquiries/validate", post(validate))
        .route(
            "/api/inquiries/{client_ref}",
            get(inquiry).delete(withdraw_inquiry),
        )
        .route("/api/outbox", get(outbox_info))
        .route("/api/insights/events", post(record_insight))
        .route("/api/insights", get(insights_report))
        .route("/api/insights/exhibitors/{id}", get(insights_exhibitor))
        .route("/media/product/{id}/{index}/{size}", get(media))
        .route("/media/{digest}/{size}", get(media_by_digest))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics_text))
        .route("/robots.txt", get(robots))
        .route("/sitemap.xml", get(sitemap_index))
        .route("/sitemaps/{lang}/{file}", get(sitemap))
        .fallback(get(static_file))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(
            // Brotli's default (11) costs milliseconds per reply; 4 packs a search reply
            // nearly as small at a fraction of the time.
            tower_http::compression::CompressionLayer::new()
                .br(true)
                .gzip(true)
                .quality(tower_http::CompressionLevel::Precise(4))
                .compress_when(JsonOnly),
        )
        // Outside compression, so a kept reply is kept compressed.
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            catalog_etag,
        ))
        .with_state(app)
}

/// JSON, pages and sitemaps are compressed on the fly; the UI's files come compressed
/// already (assets.rs) and thumbnails are JPEG.
#[derive(Clone, Copy)]
struct JsonOnly;

impl tower_http::compression::predicate::Predicate for JsonOnly {
    fn should_compress<B>(&self, response: &axum::http::Response<B>) -> bool
    where
        B: axum::body::HttpBody,
    {
        !response.headers().contains_key(header::CONTENT_ENCODING)
            && response
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| {
                    v.starts_with("application/json")
                        || v.starts_with("text/html")
                        || v.starts_with("application/xml")
                })
            && axum::body::HttpBody::size_hint(response.body())
                .exact()
                .is_none_or(|n| n >= 512)
    }
}

/// A core error as `{code, message}` with the HTTP status its code means.
struct Failure(ApiError);

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let status = match self.0.code {
            ErrorCode::NotFound => StatusCode::NOT_FOUND,
            ErrorCode::BadRequest | ErrorCode::InvalidBundle => StatusCode::BAD_REQUEST,
            ErrorCode::NoCatalog | ErrorCode::Busy => StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::DiskFull => StatusCode::INSUFFICIENT_STORAGE,
            ErrorCode::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::Unauthorized => StatusCode::UNAUTHORIZED,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        (status, axum::Json(self.0)).into_response()
    }
}

impl From<ApiError> for Failure {
    fn from(error: ApiError) -> Self {
        Failure(error)
    }
}

fn bad_request(detail: impl Into<String>, lang: Lang) -> Failure {
    Failure(ApiError::new(&Error::BadRequest(detail.into()), lang))
}

type ApiResult<T> = Result<axum::Json<T>, Failure>;

/// `?lang=`, read leniently (`zh-CN` is `zh`; anything else is English).
#[derive(Deserialize, Default)]
struct LangQuery {
    lang: Option<String>,
}

impl LangQuery {
    fn lang(&self) -> Lang {
        self.lang
            .as_deref()
            .and_then(Lang::parse)
            .unwrap_or_default()
    }
}

/// A typed query string; a malformed one is a localised 400, not axum's plain text.
struct Q<T>(T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Q<T> {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        serde_urlencoded::from_str::<T>(query)
            .map(Q)
            .map_err(|e| bad_request(e.to_string(), lang_of(parts.uri.query(), &parts.headers)))
    }
}

/// Whether the request carries the operator token (`Authorization: Bearer ...`),
/// compared in constant time.
fn operator(app: &App, headers: &HeaderMap) -> bool {
    let Some(token) = &app.settings.operator_token else {
        return false;
    };
    let Some(given) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    else {
        return false;
    };
    let (a, b) = (given.trim().as_bytes(), token.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A question from another replica (operator token and the peer marker): answered from
/// this replica's own data only.
fn from_peer(app: &App, headers: &HeaderMap) -> bool {
    headers.contains_key(PEER_HEADER) && operator(app, headers)
}

async fn catalog(
    State(app): State<App>,
    Q(q): Q<LangQuery>,
) -> ApiResult<showroom_core::model::CatalogInfo> {
    Ok(axum::Json(app.api.catalog_info(q.lang()).await?))
}

/// `GET /api/search?q=&lang=&...`: the query string is the `SearchRequest` itself (`q` is
/// `query`), so filters the core gains are reachable here without a change.
async fn search(State(app): State<App>, Q(request): Q<SearchRequest>) -> Response {
    let started = Instant::now();
    let result = app.api.search(request).await;
    metrics::histogram!("showroom_search_duration_seconds").record(started.elapsed().as_secs_f64());
    match result {
        Ok(found) => axum::Json(found).into_response(),
        Err(e) => Failure(e).into_response(),
    }
}

async fn product(
    State(app): State<App>,
    UrlPath(id): UrlPath<String>,
    Q(q): Q<LangQuery>,
) -> ApiResult<showroom_core::model::ProductView> {
    Ok(axum::Json(app.api.product(&id, q.lang()).await?))
}

async fn showcase(
    State(app): State<App>,
    Q(q): Q<LangQuery>,
) -> ApiResult<showroom_core::showcase::Showcase> {
    Ok(axum::Json(app.api.showcase(q.lang()).await?))
}

#[derive(Deserialize)]
struct ExhibitorQuery {
    lang: Option<String>,
    #[serde(default)]
    offset: usize,
}

/// `GET /api/exhibitors/{id}?lang=&offset=`: the exhibitor and one page of its products.
async fn exhibitor(
    State(app): State<App>,
    UrlPath(id): UrlPath<String>,
    Q(q): Q<ExhibitorQuery>,
) -> ApiResult<showroom_core::showcase::ExhibitorPage> {
    let lang = LangQuery { lang: q.lang }.lang();
    Ok(axum::Json(
        app.api.exhibitor_page(&id, q.offset, lang).await?,
    ))
}

async fn hall(
    State(app): State<App>,
    Q(q): Q<LangQuery>,
) -> ApiResult<showroom_core::showcase::HallMap> {
    Ok(axum::Json(app.api.hall_map(q.lang()).await?))
}

#[derive(Deserialize)]
struct QrQuery {
    url: String,
    lang: Option<String>,
}

async fn qr(State(app): State<App>, Q(q): Q<QrQuery>) -> ApiResult<showroom_core::qr::QrCode> {
    let lang = q.lang.as_deref().and_then(Lang::parse).unwrap_or_default();
    Ok(axum::Json(app.api.qr_code(&q.url, lang)?))
}

async fn settings_of(State(app): State<App>) -> axum::Json<ShowSettings> {
    axum::Json(app.api.show_settings())
}

/// The draft of a POST body; only `application/json` is read, so that another site's page
/// cannot post an inquiry through a visitor's browser without a (refused) CORS preflight.
fn draft_of(
    headers: &HeaderMap,
    body: Result<axum::body::Bytes, BytesRejection>,
    lang: Lang,
) -> Result<InquiryDraft, Box<Response>> {
    json_body(headers, body, lang)
}

/// A JSON body (`application/json`, at most [`MAX_BODY`]) read as `T`; a localised 400 or
/// 413 otherwise.
fn json_body<T: DeserializeOwned>(
    headers: &HeaderMap,
    body: Result<axum::body::Bytes, BytesRejection>,
    lang: Lang,
) -> Result<T, Box<Response>> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("application/json"));
    if !json {
        return Err(Box::new(
            bad_request("the body must be application/json", lang).into_response(),
        ));
    }
    let body = body.map_err(|rejection| -> Box<Response> {
        let status = rejection.status();
        metrics::counter!("showroom_refusals_total", "reason" => "body").increment(1);
        let mut response = (
            status,
            axum::Json(ApiError::new(
                &Error::BadRequest(format!("the body is over {} KiB", MAX_BODY / 1024)),
                lang,
            )),
        )
            .into_response();
        // The rest of the body is unread: the connection ends with this answer.
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
        Box::new(response)
    })?;
    serde_json::from_slice(&body)
        .map_err(|e| Box::new(bad_request(e.to_string(), lang).into_response()))
}

/// `POST /api/inquiries?lang=`: 201 with `{status: "queued", entry}` once the inquiry is
/// committed to the outbox, 200 with `{status: "invalid", errors}` (messages in `lang`)
/// when it is not valid; nothing is stored then. A client past its inquiry budget gets
/// 429, and a show whose outbox holds `max_undelivered` inquiries 503: nothing is stored.
async fn submit_inquiry(
    State(app): State<App>,
    Q(q): Q<LangQuery>,
    axum::Extension(ClientIp(ip)): axum::Extension<ClientIp>,
    headers: HeaderMap,
    body: Result<axum::body::Bytes, BytesRejection>,
) -> Response {
    let lang = q.lang();
    let draft = match draft_of(&headers, body, lang) {
        Ok(draft) => draft,
        Err(response) => return *response,
    };
    let errors = app.api.validate_draft(&draft, lang);
    if !errors.is_empty() {
        return axum::Json(SubmitResult::Invalid { errors }).into_response();
    }
    if let Err(wait) = app.budgets.take_inquiry(ip) {
        metrics::counter!("showroom_refusals_total", "reason" => "inquiries").increment(1);
        return refusal(
            StatusCode::TOO_MANY_REQUESTS,
            Error::RateLimited {
                retry_after_secs: wait,
            },
            lang,
        );
    }
    match app.api.showroom().undelivered().await {
        Ok(waiting) if waiting >= app.settings.max_undelivered => {
            metrics::counter!("showroom_refusals_total", "reason" => "outbox").increment(1);
            tracing::warn!(waiting, "outbox full: inquiry refused");
            return refusal(
                StatusCode::SERVICE_UNAVAILABLE,
                Error::Busy {
                    retry_after_secs: 300,
                },
                lang,
            );
        }
        Ok(_) => {}
        Err(e) => return Failure(ApiError::new(&e, lang)).into_response(),
    }
    match app.api.submit_inquiry(draft, lang).await {
        Ok(result @ SubmitResult::Queued { .. }) => {
            (StatusCode::CREATED, axum::Json(result)).into_response()
        }
        Ok(result @ SubmitResult::Invalid { .. }) => axum::Json(result).into_response(),
        Err(e) => Failure(e).into_response(),
    }
}

/// `POST /api/inquiries/validate?lang=`: the field errors of a draft (empty when valid),
/// for re-saying them when the visitor switches language; nothing is stored.
async fn validate(
    State(app): State<App>,
    Q(q): Q<LangQuery>,
    headers: HeaderMap,
    body: Result<axum::body::Bytes, BytesRejection>,
) -> Response {
    let lang = q.lang();
    match draft_of(&headers, body, lang) {
        Ok(draft) => axum::Json(app.api.validate_draft(&draft, lang)).into_response(),
        Err(response) => *response,
    }
}

#[derive(Deserialize)]
struct RefsQuery {
    /// Comma-separated client references.
    refs: Option<String>,
    lang: Option<String>,
}

/// `POST /api/insights/events`: one thing a visitor did (`InsightRecord`), counted;
/// 204. Nothing of the request (address, headers) is kept.
async fn record_insight(
    State(app): State<App>,
    headers: HeaderMap,
    body: Result<axum::body::Bytes, BytesRejection>,
) -> Response {
    let lang = lang_of(None, &headers);
    let record: InsightRecord = match json_body(&headers, body, lang) {
        Ok(record) => record,
        Err(response) => return *response,
    };
    let lang = record.lang;
    match app.api.record_insight(record, lang).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => Failure(e).into_response(),
    }
}

#[derive(Deserialize)]
struct PeriodQuery {
    /// RFC 3339; default: 7 days before `to`.
    from: Option<String>,
    /// RFC 3339; default: now.
    to: Option<String>,
    lang: Option<String>,
}

impl PeriodQuery {
    fn lang(&self) -> Lang {
        self.lang
            .as_deref()
            .and_then(Lang::parse)
            .unwrap_or_default()
    }

    /// The period, for the operator only (401 without the token, 400 for a bad time).
    fn operator_period(
        &self,
        app: &App,
        headers: &HeaderMap,
    ) -> Result<(OffsetDateTime, OffsetDateTime), Box<Response>> {
        if !operator(app, headers) {
            return Err(Box::new(refusal(
                StatusCode::UNAUTHORIZED,
                Error::Unauthorized,
                self.lang(),
            )));
        }
        self.period()
            .map_err(|failure| Box::new(failure.into_response()))
    }

    fn period(&self) -> Result<(OffsetDateTime, OffsetDateTime), Failure> {
        let parse = |t: &str| {
            OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339)
                .map_err(|_| bad_request(format!("{t:?} is not an RFC 3339 time"), self.lang()))
        };
        let to = match &self.to {
            Some(t) => parse(t)?,
            None => OffsetDateTime::now_utc(),
        };
        let from = match &self.from {
            Some(t) => parse(t)?,
            None => to - time::Duration::days(7),
        };
        Ok((from, to))
    }
}

/// `GET /api/insights?from=&to=`: this replica's demand report, for the operator only.
async fn insights_report(
    State(app): State<App>,
    headers: HeaderMap,
    Q(q): Q<PeriodQuery>,
) -> Response {
    let lang = q.lang();
    let (from, to) = match q.operator_period(&app, &headers) {
        Ok(period) => period,
        Err(refused) => return *refused,
    };
    match app
        .api
        .insights_report(Operator::Token, from, to, lang)
        .await
    {
        Ok(report) => axum::Json(report).into_response(),
        Err(e) => Failure(e).into_response(),
    }
}

/// `GET /api/insights/exhibitors/{id}?from=&to=`: one exhibitor's report, operator only.
async fn insights_exhibitor(
    State(app): State<App>,
    headers: HeaderMap,
    UrlPath(id): UrlPath<String>,
    Q(q): Q<PeriodQuery>,
) -> Response {
    let lang = q.lang();
    let (from, to) = match q.operator_period(&app, &headers) {
        Ok(period) => period,
        Err(refused) => return *refused,
    };
    match app
        .api
        .insights_exhibitor(Operator::Token, &id, from, to, lang)
        .await
    {
        Ok(report) => axum::Json(report).into_response(),
        Err(e) => Failure(e).into_response(),
    }
}

/// `GET /api/inquiries?refs=a,b`: those inquiries (unknown ones left out), newest first,
/// from this replica and its peers. Without `refs`, the whole outbox of this replica, for
/// the operator only.
async fn list_inquiries(
    State(app): State<App>,
    headers: HeaderMap,
    Q(q): Q<RefsQuery>,
) -> Response {
    let lang = q.lang.as_deref().and_then(Lang::parse).unwrap_or_default();
    let Some(refs) = q.refs else {
        if !operator(&app, &headers) {
            return refusal(StatusCode::UNAUTHORIZED, Error::Unauthorized, lang);
        }
        return match app.api.inquiries(HistoryScope::All, lang).await {
            Ok(all) => axum::Json(all).into_response(),
            Err(e) => Failure(e).into_response(),
        };
    };
    let wanted: Vec<String> = refs
        .split(',')
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(String::from)
        .collect();
    if wanted.len() > MAX_REFS {
        return bad_request(format!("at most {MAX_REFS} references"), lang).into_response();
    }
    let local = match app
        .api
        .inquiries(HistoryScope::Named(wanted.clone()), lang)
        .await
    {
        Ok(local) => local,
        Err(e) => return Failure(e).into_response(),
    };
    let mut entries: Vec<serde_json::Value> = local
        .iter()
        .filter_map(|e| serde_json::to_value(e).ok())
        .collect();
    if let Some(peers) = &app.peers
        && !from_peer(&app, &headers)
    {
        let missing: Vec<String> = wanted
            .iter()
            .filter(|r| !local.iter().any(|e| &e.client_ref == *r))
            .cloned()
            .collect();
        entries.extend(peers.entries(&missing).await);
        let created =
            |v: &serde_json::Value| v["created_at"].as_str().unwrap_or_default().to_string();
        entries.sort_by_key(|v| std::cmp::Reverse(created(v)));
    }
    axum::Json(entries).into_response()
}

/// What a peer answered for a reference this replica does not hold, or the local "not
/// found" when no peer holds it either (or there are no peers).
async fn from_peers(
    not_found: ApiError,
    asked: Option<impl std::future::Future<Output = Option<serde_json::Value>>>,
) -> Response {
    match asked {
        Some(asked) => match asked.await {
            Some(answer) => axum::Json(answer).into_response(),
            None => Failure(not_found).into_response(),
        },
        None => Failure(not_found).into_response(),
    }
}

/// `GET /api/inquiries/{client_ref}`: one inquiry's state (404 when unknown here and at
/// every peer).
async fn inquiry(
    State(app): State<App>,
    headers: HeaderMap,
    UrlPath(client_ref): UrlPath<String>,
    Q(q): Q<LangQuery>,
) -> Response {
    match app.api.inquiry(&client_ref, q.lang()).await {
        Ok(entry) => axum::Json(entry).into_response(),
        Err(e) if e.code == ErrorCode::NotFound && !from_peer(&app, &headers) => {
            from_peers(e, app.peers.as_ref().map(|p| p.entry(&client_ref))).await
        }
        Err(e) => Failure(e).into_response(),
    }
}

/// `DELETE /api/inquiries/{client_ref}`: the visitor takes the inquiry back (removed if it
/// has not left, its personal data deleted if it has). Not a simple request, so another
/// site's page cannot send it through a visitor's browser.
async fn withdraw_inquiry(
    State(app): State<App>,
    headers: HeaderMap,
    UrlPath(client_ref): UrlPath<String>,
    Q(q): Q<LangQuery>,
) -> Response {
    match app.api.withdraw_inquiry(&client_ref, q.lang()).await {
        Ok(done) => axum::Json(done).into_response(),
        Err(e) if e.code == ErrorCode::NotFound && !from_peer(&app, &headers) => {
            from_peers(e, app.peers.as_ref().map(|p| p.withdraw(&client_ref))).await
        }
        Err(e) => Failure(e).into_response(),
    }
}

/// `GET /api/outbox`: whether a platform is configured and how much is waiting.
async fn outbox_info(
    State(app): State<App>,
    headers: HeaderMap,
    Q(q): Q<LangQuery>,
) -> ApiResult<showroom_core::inquiry::OutboxInfo> {
    let operator = operator(&app, &headers);
    Ok(axum::Json(app.api.outbox_info(q.lang(), operator).await?))
}

/// `GET /healthz`: the process answers.
async fn healthz() -> &'static str {
    "ok\n"
}

#[derive(serde::Serialize)]
struct Readiness {
    ready: bool,
    catalog_loaded: bool,
    outbox_writable: bool,
    /// Seconds since the catalog was last pulled from the platform (absent: never, or no
    /// platform).
    sync_age_secs: Option<u64>,
    node: String,
}

/// `GET /readyz`: 200 when this replica can answer searches and take inquiries, 503
/// when not (a proxy's health check takes it out of the rotation).
async fn readyz(State(app): State<App>) -> Response {
    let showroom = app.api.showroom();
    let catalog_loaded = showroom.catalog_loaded();
    let outbox_writable = showroom.writable().await.is_ok();
    let ready = catalog_loaded && outbox_writable;
    let body = Readiness {
        ready,
        catalog_loaded,
        outbox_writable,
        sync_age_secs: showroom.sync_age_secs(),
        node: app.settings.node.clone(),
    };
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, axum::Json(body)).into_response()
}

/// `GET /metrics`: Prometheus' text format, for the operator only.
async fn metrics_text(State(app): State<App>, headers: HeaderMap) -> Response {
    if !operator(&app, &headers) {
        return refusal(StatusCode::UNAUTHORIZED, Error::Unauthorized, Lang::En);
    }
    let showroom = app.api.showroom();
    if let Ok(waiting) = showroom.undelivered().await {
        metrics::gauge!("showroom_outbox_undelivered").set(f64::from(waiting));
    }
    metrics::gauge!("showroom_catalog_sync_age_seconds")
        .set(showroom.sync_age_secs().map_or(-1.0, |s| s as f64));
    metrics::gauge!("showroom_catalog_loaded").set(if showroom.catalog_loaded() {
        1.0
    } else {
        0.0
    });
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        app.metrics.render(),
    )
        .into_response()
}

async fn media(
    State(app): State<App>,
    UrlPath((id, index, size)): UrlPath<(String, u32, String)>,
) -> Response {
    let Some(size) = ThumbSize::parse(&size) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match app.api.product_image(&id, index, size).await {
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
        Err(e) => Failure(e).into_response(),
    }
}

/// How long a thumbnail addressed by its digest is kept: for good (a year, and `immutable`),
/// since the address names the bytes.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// `GET /media/{digest}/{size}`: a thumbnail by the digest of its source, the address the UI
/// uses in a browser. Its bytes never change, so it is kept for good; anything but a digest
/// of the current catalog's images is 404, never kept.
async fn media_by_digest(
    State(app): State<App>,
    headers: HeaderMap,
    UrlPath((digest, size)): UrlPath<(String, String)>,
) -> Response {
    let Some(size) = ThumbSize::parse(&size) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let etag = format!("\"{digest}-{}\"", size.as_str());
    match app.api.image_by_digest(&digest, size).await {
        Ok(_) if assets::not_modified(&headers, &etag) => (
            StatusCode::NOT_MODIFIED,
            [
                (header::ETAG, etag),
                (header::CACHE_CONTROL, IMMUTABLE.into()),
            ],
        )
            .into_response(),
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, "image/jpeg".to_string()),
                (header::ETAG, etag),
                (header::CACHE_CONTROL, IMMUTABLE.into()),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => {
            let mut response = Failure(e).into_response();
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
    }
}

/// Whether a path is a thumbnail by digest (`/media/{digest}/{size}`), which answers with
/// its own caching headers.
fn by_digest(path: &str) -> bool {
    path.strip_prefix("/media/")
        .is_some_and(|rest| !rest.starts_with("product/"))
}

/// `If-None-Match` / `ETag` for what depends only on the catalog: a browser that has the
/// answer for this catalog gets 304 and no body. Answers carry `no-cache` (always asked
/// again, cheaply); thumbnails are kept a day. The JSON answers are also kept, compressed,
/// for the next visitor who asks the same (replies.rs).
async fn catalog_etag(
    State(app): State<App>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let path = request.uri().path();
    let cacheable = request.method() == axum::http::Method::GET
        && !by_digest(path)
        && [
            "/api/catalog",
            "/api/search",
            "/api/products/",
            "/api/showcase",
            "/api/exhibitors/",
            "/api/hall",
            "/media/",
        ]
        .iter()
        .any(|p| path.starts_with(p));
    let Some(stamp) = cacheable
        .then(|| app.api.showroom().catalog_stamp())
        .flatten()
    else {
        return next.run(request).await;
    };
    use sha2::Digest;
    let digest = sha2::Sha256::new()
        .chain_update(stamp.as_bytes())
        .chain_update(request.uri().to_string().as_bytes())
        .chain_update(
            request
                .headers()
                .get(header::ACCEPT_LANGUAGE)
                .map(|v| v.as_bytes())
                .unwrap_or_default(),
        )
        .finalize();
    let etag = format!("\"{}\"", &hex::encode(digest)[..32]);
    let media = path.starts_with("/media/");
    let cache_control = if media {
        "public, max-age=86400"
    } else {
        "no-cache"
    };
    if assets::not_modified(request.headers(), &etag) {
        return (
            StatusCode::NOT_MODIFIED,
            [
                (header::ETAG, etag),
                (header::CACHE_CONTROL, cache_control.to_string()),
            ],
        )
            .into_response();
    }
    let key = (!media && app.replies.enabled())
        .then(|| replies::Replies::key(&stamp, &request.uri().to_string(), request.headers()));
    if let Some(key) = &key {
        if let Some(kept) = app.replies.get(key) {
            metrics::counter!("showroom_reply_cache_total", "result" => "hit").increment(1);
            return kept;
        }
        metrics::counter!("showroom_reply_cache_total", "result" => "miss").increment(1);
    }
    let mut response = next.run(request).await;
    if response.status() == StatusCode::OK
        && let Ok(value) = HeaderValue::from_str(&etag)
    {
        response.headers_mut().insert(header::ETAG, value);
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(cache_control),
        );
    }
    match key {
        Some(key) => app.replies.keep(key, response).await,
        None => response,
    }
}

async fn robots(State(app): State<App>, headers: HeaderMap) -> Response {
    pages::robots(&pages::base(&app, &headers))
}

/// Every page's id for the current catalog, read once per catalog.
async fn page_ids(app: &App) -> Result<Arc<showroom_core::PageIds>, Failure> {
    let stamp = app.api.showroom().catalog_stamp().unwrap_or_default();
    if let Ok(cached) = app.page_ids.lock()
        && let Some((at, ids)) = cached.as_ref()
        && *at == stamp
    {
        return Ok(ids.clone());
    }
    let ids = Arc::new(
        app.api
            .showroom()
            .page_ids()
            .await
            .map_err(|e| Failure(ApiError::new(&e, Lang::En)))?,
    );
    if let Ok(mut cached) = app.page_ids.lock() {
        *cached = Some((stamp, ids.clone()));
    }
    Ok(ids)
}

async fn sitemap_index(State(app): State<App>, headers: HeaderMap) -> Response {
    match page_ids(&app).await {
        Ok(ids) => pages::sitemap_index(&pages::base(&app, &headers), &ids),
        Err(failure) => failure.into_response(),
    }
}

async fn sitemap(
    State(app): State<App>,
    headers: HeaderMap,
    UrlPath((lang, file)): UrlPath<(String, String)>,
) -> Response {
    let lang = match lang.as_str() {
        "zh" => Lang::Zh,
        "ru" => Lang::Ru,
        "en" => Lang::En,
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    let Some(chunk) = file
        .strip_suffix(".xml")
        .and_then(|n| n.parse::<usize>().ok())
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let ids = match page_ids(&app).await {
        Ok(ids) => ids,
        Err(failure) => return failure.into_response(),
    };
    pages::sitemap(&pages::base(&app, &headers), &ids, lang, chunk)
        .unwrap_or_else(|| StatusCode::NOT_FOUND.into_response())
}

/// The UI's index.html, the template of every page.
fn template(app: &App) -> Option<String> {
    let asset = app.assets.get(&app.ui.join("index.html"))?;
    String::from_utf8(asset.raw.clone()).ok()
}

/// Everything else: `/` to a language, a page of the show (`/{lang}/...`), a file of the
/// built UI (only plain names inside its folder, never `..`), or the not-found page.
async fn static_file(State(app): State<App>, headers: HeaderMap, uri: Uri) -> Response {
    let path = uri.path();
    if path == "/" {
        return pages::root_redirect(&headers, uri.query());
    }
    let relative = path.trim_start_matches('/');
    if relative.starts_with("api/") || relative.starts_with("media/") {
        return Failure(ApiError::new(
            &Error::NotFound {
                kind: "address",
                id: String::new(),
            },
            Lang::En,
        ))
        .into_response();
    }
    if let Some((lang, mut page)) = pages::parse(path) {
        if let pages::Page::Search(query) = &mut page {
            *query = serde_urlencoded::from_str::<Vec<(String, String)>>(
                uri.query().unwrap_or_default(),
            )
            .unwrap_or_default()
            .into_iter()
            .find_map(|(k, v)| (k == "q").then_some(v))
            .unwrap_or_default();
        }
        return match template(&app) {
            Some(html) => pages::page(&app, &headers, lang, &page, &html).await,
            None => StatusCode::NOT_FOUND.into_response(),
        };
    }
    let wanted = Path::new(relative);
    let safe = !relative.is_empty()
        && wanted
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
    if safe
        && relative != "index.html"
        && let Some(asset) = app.assets.get(&app.ui.join(wanted))
    {
        let cache = if relative.starts_with("assets/") {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        return assets::respond(&asset, &headers, cache, CSP);
    }
    match template(&app) {
        Some(html) => {
            pages::page(
                &app,
                &headers,
                pages::preferred(&headers),
                &pages::Page::Missing,
                &html,
            )
            .await
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
