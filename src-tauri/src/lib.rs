//! The desktop and kiosk shell: a window, a handful of commands that each call one core
//! function, and the `media:` scheme that serves thumbnails. No SQL, no index, no image
//! code lives here.

use std::path::PathBuf;

use showroom_core::model::{CatalogInfo, ProductView};
use showroom_core::{ApiError, Config, Lang, SearchRequest, SearchResponse, Showroom, ThumbSize};
use tauri::http::{Response, StatusCode, header};
use tauri::{Manager, State};
use tokio::sync::OnceCell;

/// The core, opened once on first use (by the setup task, or by whichever command comes
/// first); every caller awaits the same opening.
struct AppState {
    showroom: OnceCell<Result<Showroom, ApiError>>,
    data_dir: PathBuf,
    bundled_catalog: PathBuf,
}

impl AppState {
    async fn showroom(&self) -> Result<&Showroom, ApiError> {
        self.showroom
            .get_or_init(|| async {
                let opened = async {
                    let showroom = Showroom::open(Config::new(&self.data_dir)).await?;
                    if let Some(report) = showroom.ensure_catalog(&self.bundled_catalog).await? {
                        tracing::info!(
                            products = report.products,
                            seconds = report.seconds,
                            "bundled catalog imported"
                        );
                    }
                    Ok(showroom)
                };
                opened.await.map_err(|error: showroom_core::Error| {
                    tracing::error!(%error, "could not open the showroom");
                    ApiError::new(&error, Lang::En)
                })
            })
            .await
            .as_ref()
            .map_err(Clone::clone)
    }
}

fn api(error: showroom_core::Error) -> ApiError {
    ApiError::new(&error, Lang::En)
}

#[tauri::command]
async fn catalog_info(state: State<'_, AppState>) -> Result<CatalogInfo, ApiError> {
    state.showroom().await?.catalog_info().await.map_err(api)
}

#[tauri::command]
async fn search(
    state: State<'_, AppState>,
    request: SearchRequest,
) -> Result<SearchResponse, ApiError> {
    let lang = request.lang;
    state
        .showroom()
        .await?
        .search(request)
        .await
        .map_err(|e| ApiError::new(&e, lang))
}

#[tauri::command]
async fn product(state: State<'_, AppState>, id: String) -> Result<ProductView, ApiError> {
    state.showroom().await?.product(&id).await.map_err(api)
}

/// `media://localhost/product%2F<id>%2F<index>%2F<size>` (the UI's `convertFileSrc`
/// encodes the path as one segment) → the thumbnail's JPEG bytes.
async fn media_response(state: &AppState, path: &str) -> Response<Vec<u8>> {
    let decoded = percent_decode(path.trim_start_matches('/'));
    let parts: Vec<&str> = decoded.split('/').collect();
    let found = match parts.as_slice() {
        ["product", id, index, size] => match (index.parse::<u32>(), ThumbSize::parse(size)) {
            (Ok(index), Some(size)) => match state.showroom().await {
                Ok(showroom) => showroom.product_image(id, index, size).await.ok(),
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

pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("SHOWROOM_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let result = tauri::Builder::default()
        .setup(|app| {
            let data_dir = match std::env::var_os("SHOWROOM_DATA_DIR") {
                Some(dir) => PathBuf::from(dir),
                None => app.path().app_data_dir()?,
            };
            let bundled_catalog = bundled_catalog(app);
            tracing::info!(data_dir = %data_dir.display(), catalog = %bundled_catalog.display(), "starting");
            app.manage(AppState {
                showroom: OnceCell::new(),
                data_dir,
                bundled_catalog,
            });
            // Open the catalog while the web view loads, so the first call finds it ready.
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                let _ = handle.state::<AppState>().showroom().await;
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
        .invoke_handler(tauri::generate_handler![catalog_info, search, product])
        .run(tauri::generate_context!());
    if let Err(error) = result {
        tracing::error!(%error, "the app stopped with an error");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod tests {
    use super::percent_decode;

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
