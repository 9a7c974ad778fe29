//! The desktop and kiosk shell: a window, a handful of commands that each call one core
//! function, and the `media:` scheme that serves thumbnails. No SQL, no index, no image
//! code lives here.
//!
//! Kiosk mode (`--kiosk`, or `kiosk = true` in `DATA_DIR/showroom.toml`) makes the
//! window full screen without devtools, and refuses every navigation away from the app
//! and every new window; the admin PIN that lets an operator out is checked by the core.

mod supervision;
mod webview;

use std::path::PathBuf;
use std::sync::Arc;

use showroom_core::api::{Api, FrontEnd, HistoryScope, Operator};
use showroom_core::inquiry::{
    DeviceDefaults, FieldError, InquiryDraft, OutboxEntry, OutboxInfo, SourceKind, SubmitResult,
    TradeSettings, Withdrawal,
};
use showroom_core::insights::{ExhibitorReport, InsightRecord, InsightsReport};
use showroom_core::kiosk::{AdminPin, PinCheck};
use showroom_core::model::{CatalogInfo, ProductView};
use showroom_core::qr::QrCode;
use showroom_core::settings::{Settings, ShowSettings};
use showroom_core::showcase::{ExhibitorPage, HallMap, Showcase};
use showroom_core::{
    ApiError, Config, ImportProgress, Lang, SearchRequest, SearchResponse, Showroom, ThumbSize,
};
use tauri::http::{Response, StatusCode, header};
use tauri::webview::NewWindowResponse;
use tauri::{AppHandle, Manager, State, WebviewUrl, WebviewWindowBuilder};
use time::OffsetDateTime;
use tokio::sync::OnceCell;

/// The core's one door ([`Api`]), opened once on first use (by the setup task, or by
/// whichever command comes first); every caller awaits the same opening. The commands
/// below only translate IPC into its calls.
struct AppState {
    api: OnceCell<Result<Api, ApiError>>,
    data_dir: PathBuf,
    bundled_catalog: PathBuf,
    settings: ShowSettings,
    /// Where this device's inquiries come from (kiosk or desktop) and how they leave.
    trade: Result<TradeSettings, ApiError>,
    /// How far the first start's import of the bundled catalog is (`None`: not importing).
    preparing: Arc<std::sync::Mutex<Option<ImportProgress>>>,
}

impl AppState {
    async fn api(&self) -> Result<&Api, ApiError> {
        self.api
            .get_or_init(|| async {
                let trade = self.trade.clone()?;
                let opened = async {
                    let showroom = Showroom::open(Config::new(&self.data_dir)).await?;
                    let shown = Arc::clone(&self.preparing);
                    let progress: showroom_core::OnProgress = Arc::new(move |p| {
                        if let Ok(mut now) = shown.lock() {
                            *now = Some(p);
                        }
                    });
                    let imported = showroom
                        .ensure_catalog_with(&self.bundled_catalog, Some(progress))
                        .await;
                    if let Ok(mut now) = self.preparing.lock() {
                        *now = None;
                    }
                    if let Some(report) = imported? {
                        tracing::info!(
                            products = report.products,
                            seconds = report.seconds,
                            "bundled catalog imported"
                        );
                    }
                    Ok(showroom)
                };
                let showroom = opened.await.map_err(|error: showroom_core::Error| {
                    tracing::error!(%error, "could not open the showroom");
                    ApiError::new(&error, Lang::En)
                })?;
                let front = if self.settings.kiosk {
                    FrontEnd::Kiosk
                } else {
                    FrontEnd::Desktop
                };
                Ok(Api::new(showroom, front, self.settings.clone(), trade))
            })
            .await
            .as_ref()
            .map_err(Clone::clone)
    }
}

#[tauri::command]
async fn catalog_info(state: State<'_, AppState>) -> Result<CatalogInfo, ApiError> {
    state.api().await?.catalog_info(Lang::En).await
}

#[tauri::command]
async fn search(
    state: State<'_, AppState>,
    request: SearchRequest,
) -> Result<SearchResponse, ApiError> {
    state.api().await?.search(request).await
}

#[tauri::command]
async fn product(state: State<'_, AppState>, id: String) -> Result<ProductView, ApiError> {
    state.api().await?.product(&id, Lang::En).await
}

/// How far the first start's catalog import is, for the screen shown meanwhile (`None` once
/// the catalog is ready, or when nothing is being imported). Never waits for the core.
#[tauri::command]
fn preparing(state: State<'_, AppState>) -> Option<ImportProgress> {
    state.preparing.lock().ok().and_then(|p| *p)
}

#[tauri::command]
fn show_settings(state: State<'_, AppState>) -> ShowSettings {
    state.settings.clone()
}

#[tauri::command]
async fn showcase(state: State<'_, AppState>) -> Result<Showcase, ApiError> {
    state.api().await?.showcase(Lang::En).await
}

#[tauri::command]
async fn exhibitor_page(
    state: State<'_, AppState>,
    id: String,
    offset: Option<u32>,
) -> Result<ExhibitorPage, ApiError> {
    let offset = offset.unwrap_or(0) as usize;
    state
        .api()
        .await?
        .exhibitor_page(&id, offset, Lang::En)
        .await
}

#[tauri::command]
async fn hall_map(state: State<'_, AppState>) -> Result<HallMap, ApiError> {
    state.api().await?.hall_map(Lang::En).await
}

#[tauri::command]
async fn submit_inquiry(
    state: State<'_, AppState>,
    draft: InquiryDraft,
    lang: Lang,
) -> Result<SubmitResult, ApiError> {
    state.api().await?.submit_inquiry(draft, lang).await
}

/// The field errors of a draft in `lang` (to say them again after a language switch).
#[tauri::command]
fn validate_draft(draft: InquiryDraft, lang: Lang) -> Vec<FieldError> {
    showroom_core::inquiry::validate_inquiry(&draft, lang)
}

/// The buyer's history, newest first (refused on a kiosk by the core's door).
#[tauri::command]
async fn outbox(state: State<'_, AppState>) -> Result<Vec<OutboxEntry>, ApiError> {
    state
        .api()
        .await?
        .inquiries(HistoryScope::All, Lang::En)
        .await
}

#[tauri::command]
async fn outbox_entry(
    state: State<'_, AppState>,
    client_ref: String,
) -> Result<OutboxEntry, ApiError> {
    state.api().await?.inquiry(&client_ref, Lang::En).await
}

/// Takes an inquiry back: removed if it has not left, its personal data deleted if it has.
#[tauri::command]
async fn withdraw_inquiry(
    state: State<'_, AppState>,
    client_ref: String,
) -> Result<Withdrawal, ApiError> {
    state
        .api()
        .await?
        .withdraw_inquiry(&client_ref, Lang::En)
        .await
}

#[tauri::command]
async fn outbox_info(state: State<'_, AppState>) -> Result<OutboxInfo, ApiError> {
    state.api().await?.outbox_info(Lang::En, false).await
}

/// Counts what a visitor did (the core's insights; nothing personal).
#[tauri::command]
async fn record_insight(state: State<'_, AppState>, record: InsightRecord) -> Result<(), ApiError> {
    let lang = record.lang;
    state.api().await?.record_insight(record, lang).await
}

fn period(from: &str, to: &str, lang: Lang) -> Result<(OffsetDateTime, OffsetDateTime), ApiError> {
    let parse = |t: &str| {
        OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).map_err(|_| {
            ApiError::new(
                &showroom_core::Error::BadRequest(format!("{t:?} is not an RFC 3339 time")),
                lang,
            )
        })
    };
    Ok((parse(from)?, parse(to)?))
}

/// The demand report of `[from, to)` (RFC 3339); a kiosk asks for its admin PIN each time.
#[tauri::command]
async fn insights_report(
    state: State<'_, AppState>,
    pin: String,
    from: String,
    to: String,
    lang: Lang,
) -> Result<InsightsReport, ApiError> {
    let (from, to) = period(&from, &to, lang)?;
    state
        .api()
        .await?
        .insights_report(Operator::Pin(pin), from, to, lang)
        .await
}

/// One exhibitor's report of `[from, to)`, behind the admin PIN on a kiosk.
#[tauri::command]
async fn insights_exhibitor(
    state: State<'_, AppState>,
    pin: String,
    id: String,
    from: String,
    to: String,
    lang: Lang,
) -> Result<ExhibitorReport, ApiError> {
    let (from, to) = period(&from, &to, lang)?;
    state
        .api()
        .await?
        .insights_exhibitor(Operator::Pin(pin), &id, from, to, lang)
        .await
}

#[tauri::command]
async fn qr_code(state: State<'_, AppState>, url: String) -> Result<QrCode, ApiError> {
    state.api().await?.qr_code(&url, Lang::En)
}

/// The UI's heartbeat: it drew a frame at `frame_at` and saw the last touch or key at
/// `input_at` (Unix milliseconds). Sent every two seconds while frames are drawn; its
/// arrival is also the proof that the UI answers.
#[tauri::command]
fn ui_heartbeat(
    supervision: State<'_, Arc<supervision::Supervision>>,
    frame_at: f64,
    input_at: Option<f64>,
) {
    supervision.pulse(frame_at, input_at);
}

/// Checks the admin PIN (the settings panel opens only when it is accepted).
#[tauri::command]
async fn admin_unlock(state: State<'_, AppState>, pin: String) -> Result<PinCheck, ApiError> {
    state.api().await?.admin_unlock(pin, Lang::En).await
}

/// Quits the app when the admin PIN is right; the PIN is checked again here so that the
/// exit never depends on the UI's state.
#[tauri::command]
async fn admin_exit(
    app: AppHandle,
    state: State<'_, AppState>,
    pin: String,
) -> Result<PinCheck, ApiError> {
    let checked = admin_unlock(state, pin).await?;
    if checked == PinCheck::Accepted {
        app.exit(0);
    }
    Ok(checked)
}

/// `media://localhost/product%2F<id>%2F<index>%2F<size>` (the UI's `convertFileSrc`
/// encodes the path as one segment) → the thumbnail's JPEG bytes.
async fn media_response(state: &AppState, path: &str) -> Response<Vec<u8>> {
    let decoded = percent_decode(path.trim_start_matches('/'));
    let parts: Vec<&str> = decoded.split('/').collect();
    let found = match parts.as_slice() {
        ["product", id, index, size] => match (index.parse::<u32>(), ThumbSize::parse(size)) {
            (Ok(index), Some(size)) => match state.api().await {
                Ok(api) => api.product_image(id, index, size).await.ok(),
                Err(_) => None,
            },
            _ => None,
        },
        _ => None,
    };
    let builder = Response::builder().header(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*");
    let response = match found {
        Some(bytes) => builder
            .status(StatusCode::OK)
            .header(header::CONTENT_TYPE, "image/jpeg")
            .header(header::CACHE_CONTROL, "max-age=3600")
            .body(bytes),
        None => builder.status(StatusCode::NOT_FOUND).body(Vec::new()),
    };
    response.unwrap_or_else(|_| Response::new(Vec::new()))
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(byte) = u8::from_str_radix(&text[i + 1..i + 3], 16)
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Where the bundled sample catalog is: `SHOWROOM_CATALOG`, else the app's resources
/// (installed packages), else the repository's `catalog/` (a development build).
fn bundled_catalog(app: &tauri::App) -> PathBuf {
    if let Some(dir) = std::env::var_os("SHOWROOM_CATALOG") {
        return PathBuf::from(dir);
    }
    if let Ok(resources) = app.path().resource_dir() {
        let dir = resources.join("catalog");
        if dir.join("catalog.toml").is_file() {
            return dir;
        }
    }
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../catalog"))
}

/// Only the app's own pages: `tauri://localhost` (Linux, macOS) or
/// `http(s)://tauri.localhost` (Windows). Links, `window.open` and `location` changes to
/// anywhere else are refused.
fn is_app_url(url: &tauri::Url) -> bool {
    match url.scheme() {
        "tauri" => url.host_str() == Some("localhost"),
        "http" | "https" => url.host_str() == Some("tauri.localhost"),
        _ => false,
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
struct WindowSize {
    width: f64,
    height: f64,
}

fn window_file(data_dir: &std::path::Path) -> PathBuf {
    data_dir.join("window.json")
}

fn open_window(
    app: &tauri::App,
    kiosk: bool,
    data_dir: &std::path::Path,
    supervision: Arc<supervision::Supervision>,
) -> tauri::Result<()> {
    let mut builder = WebviewWindowBuilder::new(app, "main", WebviewUrl::App("index.html".into()))
        .title("SCO Showroom")
        .min_inner_size(800.0, 600.0)
        .zoom_hotkeys_enabled(false)
        // The web view's own storage (the shortlist's local storage, its caches) lives with
        // the rest of the device's data: one directory to back up, wipe or test in isolation.
        .data_directory(data_dir.join("webview"))
        .on_navigation(|url| {
            let allowed = is_app_url(url);
            if !allowed {
                tracing::warn!(%url, "navigation away from the app refused");
            }
            allowed
        })
        .on_new_window(|url, _| {
            tracing::warn!(%url, "new window refused");
            NewWindowResponse::Deny
        });
    if kiosk {
        // Without a window manager (a bare X kiosk) the full-screen request is ignored, so
        // the window is also given the whole monitor.
        if let Ok(Some(monitor)) = app.primary_monitor() {
            let size = monitor.size().to_logical::<f64>(monitor.scale_factor());
            builder = builder
                .inner_size(size.width, size.height)
                .position(0.0, 0.0);
        }
        builder = builder
            .fullscreen(true)
            .decorations(false)
            .resizable(false)
            .always_on_top(true)
            .devtools(false);
    } else {
        let size = std::fs::read(window_file(data_dir))
            .ok()
            .and_then(|b| serde_json::from_slice::<WindowSize>(&b).ok())
            .filter(|s| {
                s.width >= 800.0 && s.height >= 600.0 && s.width < 10000.0 && s.height < 10000.0
            })
            .unwrap_or(WindowSize {
                width: 1280.0,
                height: 800.0,
            });
        builder = builder.inner_size(size.width, size.height);
    }
    let window = builder.build()?;
    webview::lean(&window);
    supervision::watch_web_process(&window, supervision);
    if kiosk {
        webview::lock_down(&window);
        // Alt+F4 or a window manager's close button: a kiosk stays open. Only the admin's
        // Exit (PIN checked by the core) ends it.
        window.on_window_event(|event| {
            if let tauri::WindowEvent::CloseRequested { api, .. } = event {
                tracing::warn!("window close refused in kiosk mode");
                api.prevent_close();
            }
        });
    } else {
        let path = window_file(data_dir);
        let handle = window.clone();
        window.on_window_event(move |event| {
            if let tauri::WindowEvent::Resized(_) | tauri::WindowEvent::CloseRequested { .. } =
                event
                && let (Ok(size), Ok(scale)) = (handle.inner_size(), handle.scale_factor())
                && !handle.is_fullscreen().unwrap_or(false)
            {
                let logical = size.to_logical::<f64>(scale);
                let saved = WindowSize {
                    width: logical.width,
                    height: logical.height,
                };
                if let Ok(json) = serde_json::to_vec(&saved) {
                    let _ = std::fs::write(&path, json);
                }
            }
        });
    }
    Ok(())
}

/// The trade part of showroom.toml and `SHOWROOM_PLATFORM_*`, as the CLI reads them; the
/// device is a kiosk or a desktop as the app runs. A settings file that could not be read
/// takes no inquiries (its error is the answer to every submit).
fn trade_settings(
    settings: &showroom_core::Result<Settings>,
    kiosk: bool,
) -> Result<TradeSettings, ApiError> {
    let defaults = DeviceDefaults {
        kind: if kiosk {
            SourceKind::Kiosk
        } else {
            SourceKind::Desktop
        },
        device_id: "sco-showroom".into(),
        user_agent: format!("sco-showroom/{}", env!("CARGO_PKG_VERSION")),
        app_version: env!("CARGO_PKG_VERSION").into(),
    };
    let settings = settings
        .as_ref()
        .map_err(|error| ApiError::new(error, Lang::En))?;
    let mut resolved = settings.trade(&defaults, &|name| std::env::var(name).ok());
    if let Ok(trade) = &mut resolved
        && kiosk
    {
        // A kiosk always deletes personal data at acknowledgement, whatever the file says.
        trade.source.kind = SourceKind::Kiosk;
        if let Some(platform) = &mut trade.platform {
            platform.retention = showroom_core::inquiry::Retention::AfterAck(Default::default());
        }
    }
    resolved.map_err(|error| {
        tracing::error!(%error, "trade settings unreadable: inquiries cannot be taken");
        ApiError::new(&error, Lang::En)
    })
}

/// The exit status of a kiosk whose window was closed other than by the admin's Exit.
const KIOSK_CLOSED: i32 = 12;

/// `sco-showroom --set-pin`: reads a new admin PIN (4 to 12 digits) from stdin, stores
/// its Argon2 hash in the data directory and exits.
fn set_pin(data_dir: &std::path::Path) -> i32 {
    let mut line = String::new();
    if std::io::stdin().read_line(&mut line).is_err() {
        eprintln!("error: could not read the PIN from stdin");
        return 2;
    }
    if let Err(error) = showroom_core::create_data_dir(data_dir) {
        eprintln!("error: {error}");
        return 1;
    }
    match AdminPin::new(data_dir).set(line.trim()) {
        Ok(()) => {
            println!("admin PIN stored in {}", data_dir.display());
            0
        }
        Err(error) => {
            eprintln!("error: {error}");
            1
        }
    }
}

pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("SHOWROOM_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let kiosk_flag = args.iter().any(|a| a == "--kiosk");
    let set_pin_flag = args.iter().any(|a| a == "--set-pin");
    // Set once the settings are read: whether this run is a kiosk.
    let kiosk_mode = Arc::new(std::sync::atomic::AtomicBool::new(kiosk_flag));
    let kiosk_seen = kiosk_mode.clone();
    let built = tauri::Builder::default()
        .setup(move |app| {
            let data_dir = match std::env::var_os("SHOWROOM_DATA_DIR") {
                Some(dir) => PathBuf::from(dir),
                None => app.path().app_data_dir()?,
            };
            if set_pin_flag {
                std::process::exit(set_pin(&data_dir));
            }
            // showroom.toml, read once for the screens, the supervision and the trade.
            let loaded = Settings::load(&data_dir);
            if let Err(error) = &loaded {
                tracing::error!(%error, "showroom.toml unusable: the defaults apply and no inquiry is taken");
            }
            let file = loaded.as_ref().cloned().unwrap_or_default();
            let mut settings = file.show;
            settings.kiosk |= kiosk_flag;
            kiosk_seen.store(settings.kiosk, std::sync::atomic::Ordering::SeqCst);
            let bundled_catalog = bundled_catalog(app);
            tracing::info!(data_dir = %data_dir.display(), catalog = %bundled_catalog.display(), kiosk = settings.kiosk, "starting");
            let supervise = file.supervise;
            let supervision = Arc::new(supervision::Supervision::default());
            app.manage(supervision.clone());
            open_window(app, settings.kiosk, &data_dir, supervision.clone())?;
            let plan = supervision::Plan {
                data_dir: data_dir.clone(),
                settings: supervise,
                kiosk: settings.kiosk,
            };
            let trade = trade_settings(&loaded, settings.kiosk);
            app.manage(AppState {
                api: OnceCell::new(),
                preparing: Arc::default(),
                data_dir,
                bundled_catalog,
                settings,
                trade,
            });
            supervision::start(app.handle(), supervision, plan);
            // Open the catalog while the web view loads, so the first call finds it ready;
            // then run the outbox sender, retention and the catalog sync for the app's life.
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                let state = handle.state::<AppState>();
                let Ok(api) = state.api().await else {
                    return;
                };
                match api.background() {
                    Ok(background) => background.run(OffsetDateTime::now_utc).await,
                    Err(error) => tracing::error!(%error, "the outbox sender cannot start"),
                }
            });
            Ok(())
        })
        .register_asynchronous_uri_scheme_protocol("media", |ctx, request, responder| {
            let app = ctx.app_handle().clone();
            let path = request.uri().path().to_string();
            tauri::async_runtime::spawn(async move {
                let state = app.state::<AppState>();
                responder.respond(media_response(&state, &path).await);
            });
        })
        .invoke_handler(tauri::generate_handler![
            catalog_info,
            search,
            product,
            show_settings,
            showcase,
            exhibitor_page,
            hall_map,
            qr_code,
            submit_inquiry,
            validate_draft,
            outbox,
            outbox_entry,
            withdraw_inquiry,
            outbox_info,
            admin_unlock,
            admin_exit,
            record_insight,
            preparing,
            insights_report,
            insights_exhibitor,
            ui_heartbeat
        ])
        .build(tauri::generate_context!());
    let app = match built {
        Ok(app) => app,
        Err(error) => {
            tracing::error!(%error, "the app stopped with an error");
            std::process::exit(1);
        }
    };
    app.run(move |_, event| {
        // Every way out of a kiosk other than the admin's Exit (status 0) or the
        // supervisor's planned restarts (their own codes) ends with a non-zero status, so
        // that the service manager starts it again: a window that went away anyway (some
        // window managers close it without asking) is such a way.
        if let tauri::RunEvent::ExitRequested { code: None, .. } = event
            && kiosk_mode.load(std::sync::atomic::Ordering::SeqCst)
        {
            tracing::error!("the kiosk window was closed without the admin's exit");
            std::process::exit(KIOSK_CLOSED);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::{is_app_url, percent_decode};

    #[test]
    fn only_the_app_itself_is_a_navigation_target() {
        let ok = |u: &str| is_app_url(&tauri::Url::parse(u).unwrap());
        assert!(ok("tauri://localhost/index.html#/product/x"));
        assert!(ok("http://tauri.localhost/"));
        assert!(!ok("https://example.com/"));
        assert!(!ok("http://tauri.localhost.evil.example/"));
        assert!(!ok("file:///etc/passwd"));
        assert!(!ok("tauri://elsewhere/"));
    }

    #[test]
    fn decodes_the_media_path() {
        assert_eq!(
            percent_decode("product%2Fru-honey%2F0%2Fgrid"),
            "product/ru-honey/0/grid"
        );
        assert_eq!(percent_decode("a%2"), "a%2");
        assert_eq!(percent_decode("%E8%9C%82"), "蜂");
    }
}
