//! Finished replies to the catalog's read-only calls (search, catalog, showcase, a
//! product, an exhibitor, the hall), kept in memory and compressed, for the next visitor
//! who asks the same. Visitors type the same first letters ("t", "te", "tea"), so most
//! keystrokes of a busy show are asked before; a kept reply costs a hash lookup instead of
//! a search, its JSON and its compression.
//!
//! A reply is kept under the catalog's stamp, the whole request URI, `Accept-Language` and
//! `Accept-Encoding` as they came (so a body is only ever sent in an encoding its asker
//! named). A new catalog changes the stamp: older replies are never matched again and leave
//! as the least recently used. The cache holds at most `[serve] reply_cache_mib` of bodies
//! (0 turns it off); replies above 1/16 of that are not kept.

use std::sync::Mutex;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use lru::LruCache;
use sha2::Digest;

/// A kept reply: its headers (content type and encoding, ETag, Vary...) and its body.
#[derive(Clone)]
struct Kept {
    headers: HeaderMap,
    body: Bytes,
}

impl Kept {
    fn weight(&self) -> usize {
        // The body, the headers roughly, and the entry itself.
        self.body.len()
            + self
                .headers
                .iter()
                .map(|(k, v)| k.as_str().len() + v.len() + 32)
                .sum::<usize>()
            + 128
    }
}

pub type Key = [u8; 32];

pub struct Replies {
    budget: usize,
    inner: Mutex<Inner>,
}

struct Inner {
    entries: LruCache<Key, Kept>,
    bytes: usize,
}

impl Replies {
    /// A cache of at most `budget` bytes; 0: nothing is kept.
    pub fn new(budget: usize) -> Replies {
        Replies {
            budget,
            inner: Mutex::new(Inner {
                entries: LruCache::unbounded(),
                bytes: 0,
            }),
        }
    }

    pub fn enabled(&self) -> bool {
        self.budget > 0
    }

    /// The key of a request whose answer depends on `stamp` (the catalog) only.
    pub fn key(stamp: &str, uri: &str, headers: &HeaderMap) -> Key {
        let mut hash = sha2::Sha256::new();
        for part in [
            stamp.as_bytes(),
            uri.as_bytes(),
            header_bytes(headers, header::ACCEPT_LANGUAGE),
            header_bytes(headers, header::ACCEPT_ENCODING),
        ] {
            // Length-prefixed, so no two different requests hash the same bytes.
            hash.update((part.len() as u64).to_le_bytes());
            hash.update(part);
        }
        hash.finalize().into()
    }

    /// The kept reply for `key`, if any.
    pub fn get(&self, key: &Key) -> Option<Response> {
        let kept = self.lock().entries.get(key).cloned()?;
        let mut response = (StatusCode::OK, Body::from(kept.body)).into_response();
        *response.headers_mut() = kept.headers;
        Some(response)
    }

    /// Reads a finished 200 reply, keeps it under `key` when it fits, and gives it back to
    /// be sent.
    pub async fn keep(&self, key: Key, response: Response) -> Response {
        if !self.enabled() || response.status() != StatusCode::OK {
            return response;
        }
        let (parts, body) = response.into_parts();
        let body = match axum::body::to_bytes(body, usize::MAX).await {
            Ok(body) => body,
            Err(error) => {
                tracing::warn!(%error, "a reply could not be read to be kept");
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            }
        };
        let kept = Kept {
            headers: parts.headers.clone(),
            body: body.clone(),
        };
        let weight = kept.weight();
        if weight <= self.budget / 16 {
            let mut inner = self.lock();
            if let Some(old) = inner.entries.put(key, kept) {
                inner.bytes -= old.weight();
            }
            inner.bytes += weight;
            while inner.bytes > self.budget {
                match inner.entries.pop_lru() {
                    Some((_, old)) => inner.bytes -= old.weight(),
                    None => break,
                }
            }
            metrics::gauge!("showroom_reply_cache_bytes").set(inner.bytes as f64);
        }
        Response::from_parts(parts, Body::from(body))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves a consistent map (every step above is
        // whole), so a poisoned lock is still usable.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn header_bytes(headers: &HeaderMap, name: header::HeaderName) -> &[u8] {
    headers.get(name).map(|v| v.as_bytes()).unwrap_or_default()
}

impl Default for Replies {
    fn default() -> Self {
        Replies::new(0)
    }
}

/// Kept replies never exceed the budget, the least recently used leave first, and a
/// reply is only found under exactly the request it answered.
#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn reply(body: &'static str) -> Response {
        let mut response = (StatusCode::OK, body).into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_ENCODING, HeaderValue::from_static("br"));
        response
    }

    async fn text(response: Response) -> String {
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        String::from_utf8(body.to_vec()).unwrap()
    }

    #[tokio::test]
    async fn keeps_within_budget_and_per_request() {
        let replies = Replies::new(16 * 1024);
        let mut br = HeaderMap::new();
        br.insert(header::ACCEPT_ENCODING, HeaderValue::from_static("br"));
        let plain = HeaderMap::new();
        let key = Replies::key("stamp-1", "/api/search?q=tea", &br);
        let sent = replies.keep(key, reply("tea")).await;
        assert_eq!(text(sent).await, "tea");
        let hit = replies.get(&key).expect("kept");
        assert_eq!(hit.headers()[header::CONTENT_ENCODING], "br");
        assert_eq!(text(hit).await, "tea");
        // Another encoding, another catalog, another query: not this reply.
        for other in [
            Replies::key("stamp-1", "/api/search?q=tea", &plain),
            Replies::key("stamp-2", "/api/search?q=tea", &br),
            Replies::key("stamp-1", "/api/search?q=te", &br),
        ] {
            assert!(replies.get(&other).is_none());
        }
        // Filling the budget pushes out the least recently used, not the one just read.
        let big: &'static str = Box::leak("x".repeat(600).into_boxed_str());
        replies.get(&key);
        for i in 0..40 {
            let k = Replies::key("stamp-1", &format!("/api/search?q={i}"), &br);
            replies.keep(k, reply(big)).await;
            assert!(replies.lock().bytes <= 16 * 1024);
        }
        assert!(replies.get(&key).is_none(), "the oldest reply left");
        let last = Replies::key("stamp-1", "/api/search?q=39", &br);
        assert!(replies.get(&last).is_some());
        // A failure is never kept; a reply above 1/16 of the budget is sent, not kept.
        let failed = Replies::key("stamp-1", "/api/search?q=fail", &br);
        replies
            .keep(failed, StatusCode::SERVICE_UNAVAILABLE.into_response())
            .await;
        assert!(replies.get(&failed).is_none());
        let huge: &'static str = Box::leak("y".repeat(2048).into_boxed_str());
        let too_big = Replies::key("stamp-1", "/api/search?q=huge", &br);
        assert_eq!(text(replies.keep(too_big, reply(huge)).await).await, huge);
        assert!(replies.get(&too_big).is_none());
        // Off: nothing kept.
        let off = Replies::new(0);
        off.keep(key, reply("tea")).await;
        assert!(off.get(&key).is_none());
    }
}
