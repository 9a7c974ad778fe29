//! The core's error type and the small set of codes the UI and the CLI branch on.

use std::path::PathBuf;

use serde::Serialize;
use ts_rs::TS;

use crate::catalog::Problem;
use crate::i18n::{self, Lang};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the catalog bundle has {} problem(s)", .0.len())]
    InvalidBundle(Vec<Problem>),
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
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("image: {0}")]
    Image(String),
    #[error("no catalog has been imported yet")]
    NoCatalog,
    #[error("internal: {0}")]
    Internal(String),
    /// The trade platform could not be reached or answered unexpectedly.
    #[error("trade platform: {0}")]
    Platform(String),
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
}

impl Error {
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
            Error::Index(e) => {
                let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
                while let Some(c) = cause {
                    if c.downcast_ref::<std::io::Error>().is_some_and(io_full)
                        || c.to_string().contains(ENOSPC_TEXT)
                    {
                        return true;
                    }
                    cause = c.source();
                }
                false
            }
            // Errors carried as text from another thread or layer keep the OS's wording.
            Error::Internal(text) | Error::Image(text) => text.contains(ENOSPC_TEXT),
            _ => false,
        }
    }

    pub fn code(&self) -> ErrorCode {
        if self.is_disk_full() {
            return ErrorCode::DiskFull;
        }
        match self {
            Error::InvalidBundle(_) => ErrorCode::InvalidBundle,
            Error::NotFound { .. } => ErrorCode::NotFound,
            Error::BadRequest(_) | Error::PlatformUrl { .. } => ErrorCode::BadRequest,
            Error::NoCatalog => ErrorCode::NoCatalog,
            Error::Storage(_) | Error::Migrate(_) | Error::Io { .. } => ErrorCode::Storage,
            Error::Index(_) => ErrorCode::Search,
            Error::Image(_) | Error::Internal(_) | Error::Platform(_) => ErrorCode::Internal,
        }
    }

    /// A sentence for people in `lang`; technical detail stays in logs.
    pub fn localize(&self, lang: Lang) -> String {
        use i18n::{n, s, tr};
        if self.is_disk_full() {
            return tr(lang, "error-disk-full", &[]);
        }
        match self {
            Error::InvalidBundle(problems) => tr(
                lang,
                "error-invalid-bundle",
                &[n("count", problems.len() as f64)],
            ),
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
            Error::Index(_) => tr(lang, "error-search", &[]),
            Error::Image(_) | Error::Internal(_) => tr(lang, "error-internal", &[]),
            Error::Platform(detail) => tr(lang, "error-platform", &[s("detail", detail.as_str())]),
            Error::PlatformUrl { url } => tr(lang, "error-platform-url", &[s("url", url.as_str())]),
        }
    }
}

/// How the OS says `ENOSPC` in an error's text (`std::io::Error`'s `Display`).
const ENOSPC_TEXT: &str = "(os error 28)";

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
    pub fn new(error: &Error, lang: Lang) -> Self {
        ApiError {
            code: error.code(),
            message: error.localize(lang),
        }
    }
}
