//! The core's error type and the small set of codes the UI and the CLI branch on.

use std::path::PathBuf;

use serde::Serialize;
use ts_rs::TS;

use crate::i18n::{self, Lang};
use crate::problem::Problem;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The first problems of the bundle ([`crate::problem::MAX_LISTED`] at most), and how
    /// many it has in all.
    #[error("the catalog bundle has {total} problem(s)")]
    InvalidBundle {
        problems: Vec<Problem>,
        total: usize,
    },
    #[error("{kind} not found: {id}")]
    NotFound { kind: &'static str, id: String },
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("database: {0}")]
    Storage(#[from] sqlx::Error),
    #[error("database migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    /// An index on disk that cannot be used as it is (another schema version, damaged
    /// files): the caller makes it again from the database.
    #[error("search index unusable: {0}")]
    IndexUnusable(String),
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A settings file (`showroom.toml`, `kiosk-pin.toml`) or an environment variable the
    /// app cannot use: where (line, column, key) and what was expected, never the value
    /// (the file holds the platform's token).
    #[error("{origin}: {detail}")]
    Config { origin: String, detail: String },
    #[error("no catalog has been imported yet")]
    NoCatalog,
    /// A fault of the program itself, not of its input or its machine: a library refusing
    /// what the core built, an invariant broken. The cause, when there is one, is kept
    /// (`source()`) and shown in the log line.
    #[error("internal: {what}{}", .source.as_ref().map(|s| format!(": {s}")).unwrap_or_default())]
    Internal {
        what: String,
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
    /// JSON the core writes or stored itself that does not (de)serialize.
    #[error("json: {0}")]
    Json(#[from] serde_json::Error),
    /// TOML the core writes (the PIN file, a staging bundle) that does not serialize.
    #[error("toml: {0}")]
    TomlWrite(#[from] toml::ser::Error),
    /// A blocking task that panicked or was cancelled.
    #[error("worker: {0}")]
    Worker(#[from] tokio::task::JoinError),
    /// The trade platform could not be reached or answered unexpectedly.
    #[error("trade platform: {0}")]
    Platform(String),
    /// One client asked too often; it may ask again after this many seconds.
    #[error("too many requests from this client; retry after {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    /// The service is at one of its limits (connections, undelivered inquiries); nothing
    /// was stored. Ask again after this many seconds.
    #[error("at capacity; retry after {retry_after_secs} s")]
    Busy { retry_after_secs: u64 },
    /// An operator's call without the operator's token.
    #[error("the operator token is missing or wrong")]
    Unauthorized,
    /// The configured platform address is not allowed: plain `http://` to another
    /// computer (only `https://` is, and `http://` on loopback).
    #[error("trade platform url {url:?}: only https:// (or http:// on loopback)")]
    PlatformUrl { url: String },
}

/// What a consumer (the UI, the CLI's exit path) may branch on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorCode {
    InvalidBundle,
    NotFound,
    BadRequest,
    NoCatalog,
    Storage,
    /// The disk holding the data directory is full: nothing was changed.
    DiskFull,
    Search,
    Internal,
    /// Too many requests from this client: wait and try again.
    RateLimited,
    /// The service is at capacity: nothing was stored; try again later.
    Busy,
    /// An operator's call without the operator's token.
    Unauthorized,
    /// The device's settings have a mistake: the operator must fix them.
    Config,
}

impl Error {
    /// A bundle refused for `problems`, of which the first are kept.
    pub fn invalid_bundle(problems: Vec<Problem>) -> Self {
        let (problems, total) = crate::problem::Problems::from_all(problems).into_parts();
        Error::InvalidBundle { problems, total }
    }

    /// A mistake in a settings file or variable (`origin`): `detail` says where and what,
    /// never quoting the value.
    pub fn config(origin: impl Into<String>, detail: String) -> Self {
        Error::Config {
            origin: origin.into(),
            detail,
        }
    }

    /// A broken invariant, with no other error behind it.
    pub fn internal(what: impl Into<String>) -> Self {
        Error::Internal {
            what: what.into(),
            source: None,
        }
    }

    /// A library's refusal of what the core asked of it, kept as the cause.
    pub fn internal_from(
        what: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Error::Internal {
            what: what.into(),
            source: Some(Box::new(source)),
        }
    }

    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// Whether the failure was the disk running out of space (`ENOSPC`, `SQLITE_FULL`),
    /// wherever in the chain of causes it was reported.
    pub fn is_disk_full(&self) -> bool {
        match self {
            Error::Io { source, .. } => io_full(source),
            Error::Storage(e) | Error::Migrate(sqlx::migrate::MigrateError::Execute(e)) => {
                sqlx_full(e)
            }
            Error::Index(e) => tantivy_full(e),
            _ => false,
        }
    }

    pub fn code(&self) -> ErrorCode {
        if self.is_disk_full() {
            return ErrorCode::DiskFull;
        }
        match self {
            Error::InvalidBundle { .. } => ErrorCode::InvalidBundle,
            Error::NotFound { .. } => ErrorCode::NotFound,
            Error::BadRequest(_) | Error::PlatformUrl { .. } => ErrorCode::BadRequest,
            Error::NoCatalog => ErrorCode::NoCatalog,
            Error::Storage(_) | Error::Migrate(_) | Error::Io { .. } => ErrorCode::Storage,
            Error::Index(_) | Error::IndexUnusable(_) => ErrorCode::Search,
            Error::Internal { .. }
            | Error::Json(_)
            | Error::TomlWrite(_)
            | Error::Worker(_)
            | Error::Platform(_) => ErrorCode::Internal,
            Error::RateLimited { .. } => ErrorCode::RateLimited,
            Error::Busy { .. } => ErrorCode::Busy,
            Error::Unauthorized => ErrorCode::Unauthorized,
            Error::Config { .. } => ErrorCode::Config,
        }
    }

    /// The sentence sent to a client (the web view, a browser of the online show): like
    /// [`Error::localize`], but never a path of this machine or what an operating system
    /// or a remote server said. The full error goes to the log instead ([`ApiError::new`]).
    pub fn localize_for_client(&self, lang: Lang) -> String {
        use i18n::tr;
        if self.is_disk_full() {
            return tr(lang, "error-disk-full", &[]);
        }
        match self {
            Error::Io { .. } => tr(lang, "error-io-client", &[]),
            Error::Platform(_) => tr(lang, "error-platform-client", &[]),
            Error::Config { .. } => tr(lang, "error-config-client", &[]),
            _ => self.localize(lang),
        }
    }

    /// A sentence for the operator in `lang` (the CLI): it names the file involved;
    /// technical detail stays in logs.
    pub fn localize(&self, lang: Lang) -> String {
        use i18n::{n, s, tr};
        if self.is_disk_full() {
            return tr(lang, "error-disk-full", &[]);
        }
        match self {
            Error::InvalidBundle { total, .. } => {
                tr(lang, "error-invalid-bundle", &[n("count", *total as f64)])
            }
            Error::NotFound { id, .. } => tr(lang, "error-not-found", &[s("id", id.as_str())]),
            Error::BadRequest(detail) => {
                tr(lang, "error-bad-request", &[s("detail", detail.as_str())])
            }
            Error::NoCatalog => tr(lang, "error-no-catalog", &[]),
            Error::Io { path, source } => tr(
                lang,
                "error-io",
                &[
                    s("path", path.display().to_string()),
                    s("detail", source.to_string()),
                ],
            ),
            Error::Storage(_) | Error::Migrate(_) => tr(lang, "error-storage", &[]),
            Error::Index(_) | Error::IndexUnusable(_) => tr(lang, "error-search", &[]),
            Error::Internal { .. } | Error::Json(_) | Error::TomlWrite(_) | Error::Worker(_) => {
                tr(lang, "error-internal", &[])
            }
            Error::Platform(detail) => tr(lang, "error-platform", &[s("detail", detail.as_str())]),
            Error::RateLimited { retry_after_secs } => tr(
                lang,
                "error-rate-limited",
                &[n("seconds", *retry_after_secs as f64)],
            ),
            Error::Busy { retry_after_secs } => tr(
                lang,
                "error-busy",
                &[n("seconds", *retry_after_secs as f64)],
            ),
            Error::Unauthorized => tr(lang, "error-unauthorized", &[]),
            Error::PlatformUrl { url } => tr(lang, "error-platform-url", &[s("url", url.as_str())]),
            Error::Config { origin, detail } => tr(
                lang,
                "error-config",
                &[s("origin", origin.as_str()), s("detail", detail.as_str())],
            ),
        }
    }
}

/// How the OS says `ENOSPC` in an error's text (`std::io::Error`'s `Display`), for the
/// errors that arrive only as text.
const ENOSPC_TEXT: &str = "(os error 28)";

/// tantivy keeps the `io::Error` it met in its own variants (not as a `source()`), and an
/// error from its merge thread only as text.
fn tantivy_full(e: &tantivy::TantivyError) -> bool {
    use tantivy::TantivyError as T;
    use tantivy::directory::error::{OpenDirectoryError, OpenReadError, OpenWriteError};
    match e {
        T::IoError(io) => io_full(io),
        T::OpenWriteError(OpenWriteError::IoError { io_error, .. })
        | T::OpenReadError(OpenReadError::IoError { io_error, .. })
        | T::OpenDirectoryError(OpenDirectoryError::IoError { io_error, .. }) => io_full(io_error),
        T::ErrorInThread(text) | T::SystemError(text) | T::InternalError(text) => {
            text.contains(ENOSPC_TEXT)
        }
        _ => false,
    }
}

fn io_full(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::StorageFull || e.raw_os_error() == Some(28)
}

fn sqlx_full(e: &sqlx::Error) -> bool {
    match e {
        // SQLITE_FULL (13), or SQLITE_IOERR_SHMSIZE (4874): the shared-memory file could
        // not be extended, which on a full disk is what opening a database reports.
        sqlx::Error::Database(db) => db
            .code()
            .and_then(|c| c.parse::<i64>().ok())
            .is_some_and(|c| c == 13 || c == 4874),
        sqlx::Error::Io(io) => io_full(io),
        _ => false,
    }
}

/// The shape an error takes when it crosses into the UI (IPC or HTTP).
#[derive(Clone, Debug, Serialize, TS)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
}

impl ApiError {
    /// The error as a client sees it, with no path or configuration detail in `message`;
    /// the full error is logged here, so every shell keeps it.
    pub fn new(error: &Error, lang: Lang) -> Self {
        let code = error.code();
        match code {
            ErrorCode::NotFound | ErrorCode::BadRequest | ErrorCode::InvalidBundle => {
                tracing::debug!(%error, ?code, "answered with an error")
            }
            _ => tracing::warn!(%error, ?code, "answered with an error"),
        }
        ApiError {
            code,
            message: error.localize_for_client(lang),
        }
    }
}

/// A TOML file's error as its name, line, column and key, never the file's text: toml's
/// own `Display` quotes the offending line, and in `showroom.toml` that line may hold the
/// trade platform's token. Values quoted by the message are left out as well.
pub fn toml_error(file: &str, text: &str, error: &toml::de::Error) -> Error {
    let mut at = String::new();
    if let Some(span) = error.span() {
        let mut start = span.start.min(text.len());
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        let before = &text[..start];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let line = before.matches('\n').count() + 1;
        let column = before[line_start..].chars().count() + 1;
        at = format!("line {line}, column {column}");
        if let Some(key) = toml_key_at(text, line_start) {
            at.push_str(&format!(", key {key}"));
        }
        at.push_str(": ");
    }
    Error::config(file, format!("{at}{}", toml_message(error.message())))
}

/// The dotted key defined on the line starting at `line_start` (with its table), when the
/// line is a plain `key = value`.
fn toml_key_at(text: &str, line_start: usize) -> Option<String> {
    let line = text[line_start..].lines().next()?;
    let (key, _) = line.split_once('=')?;
    let plain = |k: &str| {
        !k.is_empty()
            && k.len() <= 64
            && k.chars()
                .all(|c| c.is_ascii_alphanumeric() || "_-.\"' ".contains(c))
    };
    let key = key.trim();
    if !plain(key) {
        return None;
    }
    let table = text[..line_start].lines().rev().find_map(|l| {
        let l = l.trim();
        l.starts_with('[')
            .then(|| l.trim_matches(|c| c == '[' || c == ']').trim())
    });
    Some(match table {
        Some(table) if plain(table) => format!("{table}.{key}"),
        _ => key.to_string(),
    })
}

/// toml's message without the values it may quote: serde's "invalid type: string
/// \"...\", expected ..." keeps only what was expected.
fn toml_message(message: &str) -> String {
    let first = message.lines().next().unwrap_or_default().trim();
    let expected = |m: &str| {
        m.rfind("expected ")
            .map(|i| format!(", {}", &m[i..]))
            .unwrap_or_default()
    };
    if first.starts_with("invalid type") || first.starts_with("invalid value") {
        return format!("invalid value{}", expected(first));
    }
    if first.starts_with("unknown variant") {
        return format!("unknown value{}", expected(first));
    }
    // Anything else in double quotes may come from the file.
    let mut out = String::new();
    let mut quoted = false;
    for c in first.chars() {
        if c == '"' {
            if !quoted {
                out.push('…');
            }
            quoted = !quoted;
        } else if !quoted {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;

    #[test]
    fn an_internal_error_keeps_its_cause_for_the_log_and_not_for_the_client() {
        let cause = std::io::Error::other("the library said no");
        let error = Error::internal_from("the thing asked of it", cause);
        assert_eq!(
            error.to_string(),
            "internal: the thing asked of it: the library said no"
        );
        assert_eq!(
            error.source().map(|s| s.to_string()).as_deref(),
            Some("the library said no")
        );
        assert_eq!(error.code(), ErrorCode::Internal);
        let told = error.localize_for_client(Lang::En);
        assert!(!told.contains("library"), "{told}");
        assert_eq!(told, Error::internal("x").localize_for_client(Lang::En));

        let bare = Error::internal("an invariant");
        assert_eq!(bare.to_string(), "internal: an invariant");
        assert!(bare.source().is_none());
    }
}
