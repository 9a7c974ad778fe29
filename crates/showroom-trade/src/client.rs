//! The trade-platform client: one reqwest client with rustls (certificates verified
//! against the system's roots), the system proxy, connect and total timeouts, the
//! device's Bearer token and a User-Agent. Neither the token nor any body is ever logged.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue, RETRY_AFTER};
use reqwest::{StatusCode, Url};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::error::{Error, Result};

/// How long to wait between tries of one inquiry: full-jitter exponential backoff, a
/// random wait between zero and `base * 2^(tries-1)`, capped at `max`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RetryPolicy {
    pub base: Duration,
    pub max: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            base: Duration::from_secs(1),
            max: Duration::from_secs(600),
        }
    }
}

impl RetryPolicy {
    /// The wait before the next try after `attempts` tries; `unit` is a random number in
    /// [0, 1) (passed in so that tests can pin it).
    pub fn delay(&self, attempts: u32, unit: f64) -> Duration {
        let exp = attempts.saturating_sub(1).min(30);
        let ceiling = self
            .base
            .saturating_mul(1u32 << exp.min(31))
            .min(self.max)
            .max(self.base.min(self.max));
        ceiling.mul_f64(unit.clamp(0.0, 1.0))
    }
}

/// How long personal data stays on the device after the platform has acknowledged the
/// inquiry. An inquiry the platform refused is not acknowledged: it is kept for
/// `PlatformConfig::refused_retention` instead, and one it holds back (401/403, 422) is
/// kept until it is delivered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Retention {
    /// Deleted this long after the acknowledgement; a kiosk uses `Duration::ZERO`.
    AfterAck(Duration),
    /// Kept until the user deletes it (desktop default).
    Keep,
}

#[derive(Clone)]
pub struct PlatformConfig {
    /// Base URL, e.g. `https://trade.example.cn/` (paths `v1/...` are joined to it).
    pub url: String,
    /// The device's token; never logged (Debug prints it redacted).
    pub token: String,
    /// Total time for one request.
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// `<app>/<version>`.
    pub user_agent: String,
    pub retry: RetryPolicy,
    pub retention: Retention,
    /// How long an inquiry the platform refused for good (400, 409, 413) keeps its
    /// personal data for the operator to see, when `retention` deletes at all.
    pub refused_retention: Duration,
    /// How many inquiries are sent at the same time.
    pub concurrency: usize,
    /// Caps on what is read from the platform (`MAX_CATALOG_BYTES`, `MAX_MEDIA_BYTES`).
    pub max_catalog_bytes: u64,
    pub max_media_bytes: u64,
}

/// The largest catalog answer read (the NDJSON of `GET /v1/catalog`); a longer one is
/// refused before it fills the memory.
pub const MAX_CATALOG_BYTES: u64 = 256 * 1024 * 1024;
/// The largest image read from `GET /v1/media/{sha256}`.
pub const MAX_MEDIA_BYTES: u64 = 32 * 1024 * 1024;
/// The largest receipt, status or health answer read.
const MAX_REPLY_BYTES: u64 = 1024 * 1024;

/// 30 days: how long a refused inquiry stays by default.
pub const REFUSED_RETENTION: Duration = Duration::from_secs(30 * 24 * 3600);

impl fmt::Debug for PlatformConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PlatformConfig")
            .field("url", &self.url)
            .field("token", &"<redacted>")
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("retry", &self.retry)
            .field("retention", &self.retention)
            .finish()
    }
}

impl PlatformConfig {
    pub fn new(url: impl Into<String>, token: impl Into<String>) -> Self {
        PlatformConfig {
            url: url.into(),
            token: token.into(),
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            user_agent: format!("sco-showroom/{}", env!("CARGO_PKG_VERSION")),
            retry: RetryPolicy::default(),
            retention: Retention::Keep,
            refused_retention: REFUSED_RETENTION,
            concurrency: 4,
            max_catalog_bytes: MAX_CATALOG_BYTES,
            max_media_bytes: MAX_MEDIA_BYTES,
        }
    }
}

#[derive(Clone)]
pub struct Platform {
    http: reqwest::Client,
    base: Url,
    config: PlatformConfig,
    /// Set once this client (this token) has tried an inquiry held for a refused token.
    probed: Arc<AtomicBool>,
}

impl fmt::Debug for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Platform")
            .field("base", &self.base.as_str())
            .finish()
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Health {
    pub status: String,
    pub version: String,
}

/// What one keyed POST (an inquiry, a batch of insights) came to.
#[derive(Debug)]
pub enum PostOutcome<T = Receipt> {
    /// 201 or 200 (a replay): the platform holds it.
    Accepted(T),
    /// 400, 409 or 413: the inquiry itself is wrong; trying again cannot help.
    Refused { status: u16, detail: String },
    /// 401/403 (the device's token) or 422 (a product the platform's catalog lacks): not
    /// the inquiry's fault. It is kept and tried again at the longest back-off, and at
    /// once when a fixed token or a catalog sync may have cured it.
    Held {
        status: u16,
        detail: String,
        retry_after: Option<Duration>,
    },
    /// Anything else (5xx, 429, a timeout, a reset): the outcome is unknown; try again,
    /// not before `retry_after` when the platform said so.
    Retry {
        detail: String,
        retry_after: Option<Duration>,
    },
}

#[derive(Debug, Deserialize)]
pub struct Receipt {
    pub id: String,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub received_at: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct StatusBody {
    pub status: String,
    #[serde(default)]
    pub note: Option<crate::model::LocalizedText>,
}

/// Reads `Retry-After` as seconds or as an HTTP date, relative to `now`.
pub fn parse_retry_after(value: &str, now: OffsetDateTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    let at = OffsetDateTime::from(at);
    Some(if at > now {
        (at - now).unsigned_abs()
    } else {
        Duration::ZERO
    })
}

/// A short, contact-free description of a failed request (no URL query, no body).
fn describe(error: &reqwest::Error) -> String {
    let kind = if error.is_timeout() {
        "timeout"
    } else if error.is_connect() {
        "connect"
    } else if error.is_body() || error.is_decode() {
        "body"
    } else if error.is_request() {
        "request"
    } else {
        "transport"
    };
    let mut source: Option<&dyn std::error::Error> = std::error::Error::source(error);
    let mut root = String::new();
    while let Some(s) = source {
        root = s.to_string();
        source = s.source();
    }
    if root.is_empty() {
        kind.to_string()
    } else {
        format!("{kind}: {root}")
    }
}

/// Whether `url` names this computer: `localhost`, 127.0.0.0/8 or `::1`.
fn is_loopback(url: &Url) -> bool {
    let host = url.host_str().unwrap_or_default();
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Reads a body, refusing it as soon as it is longer than `cap` (the Content-Length is
/// looked at first, and the stream is stopped past the cap whatever it said).
async fn read_capped(mut response: reqwest::Response, cap: u64, what: &str) -> Result<Vec<u8>> {
    let too_large = || Error::Platform(format!("{what}: the answer is larger than {cap} bytes"));
    if response.content_length().is_some_and(|n| n > cap) {
        return Err(too_large());
    }
    let mut out = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| Error::Platform(describe(&e)))?
    {
        if (out.len() + chunk.len()) as u64 > cap {
            return Err(too_large());
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

impl Platform {
    /// Builds the client. The URL must be `https://`, except for this computer
    /// (`http://localhost`, `127.0.0.0/8`, `[::1]`): a buyer's data never crosses a network
    /// in clear text.
    pub fn new(config: PlatformConfig) -> Result<Platform> {
        let mut base = Url::parse(&config.url)
            // The URL itself is not repeated: it may carry credentials.
            .map_err(|e| Error::BadRequest(format!("the platform url is not valid: {e}")))?;
        let allowed = match base.scheme() {
            "https" => true,
            "http" => is_loopback(&base),
            _ => false,
        };
        if !allowed {
            return Err(Error::PlatformUrl {
                url: config.url.clone(),
            });
        }
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        let mut headers = HeaderMap::new();
        let mut auth = HeaderValue::from_str(&format!("Bearer {}", config.token))
            .map_err(|_| Error::BadRequest("the platform token is not a valid header".into()))?;
        auth.set_sensitive(true);
        headers.insert(AUTHORIZATION, auth);
        // reqwest uses rustls with the platform verifier (system roots) by default and
        // reads the system proxy settings; neither is turned off here. Redirects are never
        // followed: a 307 would re-post a buyer's data (and the token) to another address.
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .default_headers(headers)
            .user_agent(config.user_agent.clone())
            .connect_timeout(config.connect_timeout)
            .timeout(config.timeout)
            .build()
            .map_err(|e| Error::internal_from("the platform's HTTP client", e))?;
        Ok(Platform {
            http,
            base,
            config,
            probed: Arc::new(AtomicBool::new(false)),
        })
    }

    pub fn config(&self) -> &PlatformConfig {
        &self.config
    }

    /// True the first time it is asked on this client: its token has not been tried on
    /// the inquiries held for a refused token yet (a fixed token comes with a new client,
    /// i.e. a restart with the new settings).
    pub fn first_probe(&self) -> bool {
        !self.probed.swap(true, Ordering::Relaxed)
    }

    fn url(&self, path: &str) -> Result<Url> {
        self.base
            .join(path)
            .map_err(|e| Error::internal_from(format!("the platform address + {path}"), e))
    }

    pub async fn health(&self) -> Result<Health> {
        let response = self
            .http
            .get(self.url("v1/health")?)
            .send()
            .await
            .map_err(|e| Error::Platform(describe(&e)))?;
        if !response.status().is_success() {
            return Err(Error::Platform(format!("HTTP {}", response.status())));
        }
        let bytes = read_capped(response, MAX_REPLY_BYTES, "health").await?;
        serde_json::from_slice(&bytes).map_err(|e| Error::Platform(format!("health: {e}")))
    }

    /// Sends one inquiry body (exactly the stored bytes) with its Idempotency-Key.
    pub(crate) async fn post_inquiry(
        &self,
        client_ref: &str,
        body: &str,
        now: OffsetDateTime,
    ) -> PostOutcome {
        self.post_keyed("v1/inquiries", client_ref, body, now).await
    }

    /// POSTs `body` (exactly these bytes) to `path` under `Idempotency-Key: key`, and sorts
    /// the answer by what the sender should do: a 200/201 body read as `T`, a refusal for
    /// good (400, 409, 413), a hold (401, 403, 422) or a retry (anything else).
    pub async fn post_keyed<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        key: &str,
        body: &str,
        now: OffsetDateTime,
    ) -> PostOutcome<T> {
        let url = match self.url(path) {
            Ok(url) => url,
            Err(e) => {
                return PostOutcome::Retry {
                    detail: e.to_string(),
                    retry_after: None,
                };
            }
        };
        let sent = self
            .http
            .post(url)
            .header("Idempotency-Key", key)
            .header("Content-Type", "application/json; charset=utf-8")
            .body(body.to_string())
            .send()
            .await;
        let response = match sent {
            Ok(response) => response,
            Err(error) => {
                return PostOutcome::Retry {
                    detail: describe(&error),
                    retry_after: None,
                };
            }
        };
        let status = response.status();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, now));
        let bytes = match read_capped(response, MAX_REPLY_BYTES, "receipt").await {
            Ok(bytes) => bytes,
            Err(error) => {
                return PostOutcome::Retry {
                    detail: error.to_string(),
                    retry_after,
                };
            }
        };
        match status {
            StatusCode::OK | StatusCode::CREATED => match serde_json::from_slice(&bytes) {
                Ok(receipt) => PostOutcome::Accepted(receipt),
                Err(e) => PostOutcome::Retry {
                    detail: format!("HTTP {}: unreadable receipt: {e}", status.as_u16()),
                    retry_after,
                },
            },
            StatusCode::BAD_REQUEST | StatusCode::CONFLICT | StatusCode::PAYLOAD_TOO_LARGE => {
                PostOutcome::Refused {
                    status: status.as_u16(),
                    detail: problem_summary(status, &bytes),
                }
            }
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN | StatusCode::UNPROCESSABLE_ENTITY => {
                PostOutcome::Held {
                    status: status.as_u16(),
                    detail: problem_summary(status, &bytes),
                    retry_after,
                }
            }
            // Not followed (see `new`); the operator sees it in `outbox list`.
            _ if status.is_redirection() => PostOutcome::Retry {
                detail: format!(
                    "HTTP {}: a redirect, not followed (check the platform url)",
                    status.as_u16()
                ),
                retry_after,
            },
            _ => PostOutcome::Retry {
                detail: format!("HTTP {}", status.as_u16()),
                retry_after,
            },
        }
    }

    /// `GET /v1/inquiries/{id}`.
    pub(crate) async fn inquiry_status(&self, id: &str) -> Result<StatusBody> {
        let mut url = self.url("v1/inquiries/")?;
        url.path_segments_mut()
            .map_err(|_| Error::internal("the platform address cannot take a path"))?
            .pop_if_empty()
            .push(id);
        let response = self
            .http
            .get(url)
            .send()
            .await
            .map_err(|e| Error::Platform(describe(&e)))?;
        if !response.status().is_success() {
            return Err(Error::Platform(format!("HTTP {}", response.status())));
        }
        let bytes = read_capped(response, MAX_REPLY_BYTES, "status").await?;
        serde_json::from_slice(&bytes).map_err(|e| Error::Platform(format!("status: {e}")))
    }

    /// `GET /v1/catalog`: `None` on 304, else the ETag and the NDJSON body.
    pub async fn catalog(
        &self,
        since: Option<&str>,
        etag: Option<&str>,
    ) -> Result<Option<(Option<String>, Vec<u8>)>> {
        let mut url = self.url("v1/catalog")?;
        if let Some(since) = since {
            url.query_pairs_mut().append_pair("since", since);
        }
        let mut request = self.http.get(url);
        if let Some(etag) = etag {
            request = request.header("If-None-Match", etag);
        }
        let response = request
            .send()
            .await
            .map_err(|e| Error::Platform(describe(&e)))?;
        if response.status() == StatusCode::NOT_MODIFIED {
            return Ok(None);
        }
        if !response.status().is_success() {
            return Err(Error::Platform(format!(
                "catalog: HTTP {}",
                response.status()
            )));
        }
        let etag = response
            .headers()
            .get("etag")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let bytes = read_capped(response, self.config.max_catalog_bytes, "catalog").await?;
        Ok(Some((etag, bytes)))
    }

    /// `GET /v1/media/{sha256}`; the caller checks the digest.
    pub async fn media(&self, digest: &str) -> Result<Vec<u8>> {
        let url = self.url(&format!("v1/media/{digest}"))?;
        let response = self
            .http
            .get(url)
            .send()
            .await
            .map_err(|e| Error::Platform(describe(&e)))?;
        if !response.status().is_success() {
            return Err(Error::Platform(format!(
                "media {digest}: HTTP {}",
                response.status()
            )));
        }
        read_capped(
            response,
            self.config.max_media_bytes,
            &format!("media {digest}"),
        )
        .await
    }
}

/// `HTTP 400: invalid: buyer.email (invalid), ...` from a problem+json body: field paths
/// and codes only, never the values.
fn problem_summary(status: StatusCode, bytes: &[u8]) -> String {
    #[derive(Deserialize)]
    struct Problem {
        #[serde(default)]
        title: Option<String>,
        #[serde(default)]
        errors: Vec<ProblemField>,
    }
    #[derive(Deserialize)]
    struct ProblemField {
        field: String,
        code: String,
    }
    let mut out = format!("HTTP {}", status.as_u16());
    if let Ok(problem) = serde_json::from_slice::<Problem>(bytes) {
        if let Some(title) = problem.title {
            out.push_str(": ");
            out.push_str(&title);
        }
        let fields: Vec<String> = problem
            .errors
            .iter()
            .map(|f| format!("{} ({})", f.field, f.code))
            .collect();
        if !fields.is_empty() {
            out.push_str(": ");
            out.push_str(&fields.join(", "));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let policy = RetryPolicy {
            base: Duration::from_secs(1),
            max: Duration::from_secs(600),
        };
        assert_eq!(policy.delay(1, 0.999_999).as_secs(), 0);
        assert_eq!(policy.delay(3, 1.0), Duration::from_secs(4));
        assert_eq!(policy.delay(11, 1.0), Duration::from_secs(600));
        assert_eq!(policy.delay(40, 1.0), Duration::from_secs(600));
        assert_eq!(policy.delay(5, 0.0), Duration::ZERO);
    }

    #[test]
    fn plain_http_only_for_this_computer() {
        for url in [
            "https://trade.example.cn/",
            "https://10.0.0.5:8443/api/",
            "http://127.0.0.1:8787/",
            "http://127.8.9.10/",
            "http://localhost:8787/",
            "http://LOCALHOST/",
            "http://[::1]:8787/",
        ] {
            assert!(
                Platform::new(PlatformConfig::new(url, "t")).is_ok(),
                "{url}"
            );
        }
        for url in [
            "http://trade.example.cn/",
            "http://10.0.0.5:8787/",
            "http://128.0.0.1/",
            "http://localhost.example.cn/",
            "http://[::2]/",
            "ftp://127.0.0.1/",
        ] {
            let error = Platform::new(PlatformConfig::new(url, "t")).unwrap_err();
            assert!(matches!(error, Error::PlatformUrl { .. }), "{url}: {error}");
            assert_eq!(error.code(), showroom_model::ErrorCode::BadRequest);
            for lang in [
                showroom_model::Lang::En,
                showroom_model::Lang::Ru,
                showroom_model::Lang::Zh,
            ] {
                let text = error.localize(lang);
                assert!(text.contains(url) && text.contains("https://"), "{text}");
            }
        }
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap();
        assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
        let later = httpdate::fmt_http_date(
            std::time::SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_090),
        );
        assert_eq!(
            parse_retry_after(&later, now),
            Some(Duration::from_secs(90))
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }
}
