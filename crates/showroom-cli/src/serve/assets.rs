//! The built UI's files, each read and compressed once (brotli and gzip at their best
//! levels) and kept in memory until the file changes on disk; served with a strong ETag,
//! the encoding the browser accepts, and immutable caching for the content-hashed
//! `assets/` folder.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// Files smaller than this are sent as they are.
const MIN_COMPRESS: usize = 1024;

pub struct Asset {
    modified: Option<SystemTime>,
    pub raw: Vec<u8>,
    br: Option<Vec<u8>>,
    gzip: Option<Vec<u8>>,
    etag: String,
    content_type: &'static str,
}

#[derive(Default)]
pub struct Assets {
    cache: Mutex<HashMap<PathBuf, Arc<Asset>>>,
}

pub fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("woff2") => "font/woff2",
        Some("json") => "application/json",
        Some("ico") => "image/x-icon",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn compressible(content_type: &str) -> bool {
    content_type.starts_with("text/")
        || content_type.starts_with("application/json")
        || content_type.starts_with("image/svg")
}

pub fn brotli(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        writer.write_all(bytes).ok()?;
    }
    Some(out)
}

pub fn gzip(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).ok()?;
    encoder.finish().ok()
}

impl Assets {
    /// The file at `path`, from memory when it has not changed since it was read.
    pub fn get(&self, path: &Path) -> Option<Arc<Asset>> {
        let modified = std::fs::metadata(path).ok()?.modified().ok();
        if let Ok(cache) = self.cache.lock()
            && let Some(asset) = cache.get(path)
            && asset.modified == modified
        {
            return Some(asset.clone());
        }
        let raw = std::fs::read(path).ok()?;
        let content_type = content_type(path);
        let worth = compressible(content_type) && raw.len() >= MIN_COMPRESS;
        let br = worth
            .then(|| brotli(&raw))
            .flatten()
            .filter(|c| c.len() < raw.len());
        let gzip = worth
            .then(|| gzip(&raw))
            .flatten()
            .filter(|c| c.len() < raw.len());
        let etag = format!("\"{}\"", &hex::encode(Sha256::digest(&raw))[..32]);
        let asset = Arc::new(Asset {
            modified,
            raw,
            br,
            gzip,
            etag,
            content_type,
        });
        if let Ok(mut cache) = self.cache.lock() {
            cache.insert(path.to_path_buf(), asset.clone());
        }
        Some(asset)
    }
}

impl Assets {
    /// Reads and compresses the UI's files now (its folder and `assets/`), so that the first
    /// visitor after a start does not wait for brotli at its best level on the script:
    /// on a slow link that visitor is the one who can least afford it. Returns how many.
    pub fn warm(&self, ui: &Path) -> usize {
        let files = |dir: PathBuf| {
            std::fs::read_dir(dir)
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.is_file())
        };
        files(ui.to_path_buf())
            .chain(files(ui.join("assets")))
            .filter(|path| self.get(path).is_some())
            .count()
    }

    /// Whether `path` is kept (read and compressed) already, as it is on disk.
    #[cfg(test)]
    fn kept(&self, path: &Path) -> bool {
        let modified = std::fs::metadata(path).ok().and_then(|m| m.modified().ok());
        self.cache
            .lock()
            .is_ok_and(|c| c.get(path).is_some_and(|a| a.modified == modified))
    }
}

/// Which encodings a request accepts (`q=0` excluded).
pub fn accepts(headers: &HeaderMap, encoding: &str) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|part| {
            let mut it = part.split(';');
            let name = it.next().unwrap_or_default().trim();
            let refused = it.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q == 0.0)
            });
            name.eq_ignore_ascii_case(encoding) && !refused
        })
}

/// Whether the request's `If-None-Match` names `etag`.
pub fn not_modified(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .any(|t| t.trim().trim_start_matches("W/") == etag || t.trim() == "*")
        })
}

/// The response for an asset: 304 when the browser has it, else the best encoding it
/// accepts.
pub fn respond(
    asset: &Asset,
    headers: &HeaderMap,
    cache_control: &'static str,
    csp: &'static str,
) -> Response {
    let common = |builder: axum::http::response::Builder| {
        builder
            .header(header::ETAG, &asset.etag)
            .header(header::CACHE_CONTROL, cache_control)
            .header(header::VARY, "Accept-Encoding")
            .header(header::CONTENT_SECURITY_POLICY, csp)
    };
    if not_modified(headers, &asset.etag) {
        return common(Response::builder().status(StatusCode::NOT_MODIFIED))
            .body(axum::body::Body::empty())
            .unwrap_or_else(|_| StatusCode::NOT_MODIFIED.into_response());
    }
    let (body, encoding) = match (&asset.br, &asset.gzip) {
        (Some(br), _) if accepts(headers, "br") => (br.clone(), Some("br")),
        (_, Some(gz)) if accepts(headers, "gzip") => (gz.clone(), Some("gzip")),
        _ => (asset.raw.clone(), None),
    };
    let mut builder = common(Response::builder().status(StatusCode::OK)).header(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    if let Some(encoding) = encoding {
        builder = builder.header(header::CONTENT_ENCODING, encoding);
    }
    builder
        .body(axum::body::Body::from(body))
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warming_compresses_the_ui_before_anyone_asks() {
        let ui = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(ui.path().join("assets")).unwrap();
        let script = ui.path().join("assets/app.js");
        std::fs::write(&script, "console.log('the show');\n".repeat(400)).unwrap();
        std::fs::write(ui.path().join("index.html"), "<!doctype html>").unwrap();
        let assets = Assets::default();
        assert!(!assets.kept(&script));
        assert_eq!(assets.warm(ui.path()), 2);
        assert!(assets.kept(&script));
        let kept = assets.get(&script).unwrap();
        assert!(
            kept.br
                .as_ref()
                .is_some_and(|b| b.len() * 10 < kept.raw.len())
        );
    }
}
