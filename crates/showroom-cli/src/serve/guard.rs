//! What every request of the online show passes before a handler sees it: the Host check
//! (DNS rebinding), the client's address (believed from `X-Forwarded-For` / `Forwarded`
//! only when the peer is a trusted proxy), the per-client request budget, the cap on
//! requests answered at once, and the request metrics.
//!
//! Refusals are localised JSON (`{code, message}`) with `Retry-After` where waiting helps.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use showroom_core::{ApiError, Error, Lang};

use super::conn::Peer;
use super::settings::{ServeSettings, canonical};

/// The client's address as this show believes it, in each request's extensions.
#[derive(Clone, Copy, Debug)]
pub struct ClientIp(pub IpAddr);

/// The request budgets of every client, keyed by address.
pub struct Budgets {
    requests: DefaultKeyedRateLimiter<IpAddr>,
    inquiries: DefaultKeyedRateLimiter<IpAddr>,
    in_flight: AtomicUsize,
}

fn nonzero(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN)
}

impl Budgets {
    pub fn new(settings: &ServeSettings) -> Budgets {
        let requests = Quota::per_second(nonzero(settings.requests_per_second))
            .allow_burst(nonzero(settings.burst));
        let inquiries = Quota::per_hour(nonzero(settings.inquiries_per_hour))
            .allow_burst(nonzero(settings.inquiry_burst));
        Budgets {
            requests: RateLimiter::keyed(requests),
            inquiries: RateLimiter::keyed(inquiries),
            in_flight: AtomicUsize::new(0),
        }
    }

    /// Spends one of `ip`'s inquiries; the seconds to wait when none is left.
    pub fn take_inquiry(&self, ip: IpAddr) -> Result<(), u64> {
        check(&self.inquiries, ip)
    }

    /// Forgets clients whose budgets are full again, so the table does not grow for ever.
    pub fn forget_idle(&self) {
        self.requests.retain_recent();
        self.requests.shrink_to_fit();
        self.inquiries.retain_recent();
        self.inquiries.shrink_to_fit();
    }
}

fn check(limiter: &DefaultKeyedRateLimiter<IpAddr>, ip: IpAddr) -> Result<(), u64> {
    limiter.check_key(&ip).map_err(|not_until| {
        let wait = not_until.wait_time_from(DefaultClock::default().now());
        wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
    })
}

/// The language a refusal is said in: `?lang=`, else the browser's first language.
pub fn lang_of(request_query: Option<&str>, headers: &HeaderMap) -> Lang {
    request_query
        .and_then(|q| {
            q.split('&')
                .find_map(|pair| pair.strip_prefix("lang="))
                .and_then(Lang::parse)
        })
        .or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split([',', ';']).next())
                .and_then(|tag| Lang::parse(tag.trim()))
        })
        .unwrap_or_default()
}

/// A refusal as the JSON the UI understands, with its status and `Retry-After`.
pub fn refusal(status: StatusCode, error: Error, lang: Lang) -> Response {
    let retry = match &error {
        Error::RateLimited { retry_after_secs } | Error::Busy { retry_after_secs } => {
            Some(*retry_after_secs)
        }
        _ => None,
    };
    let mut response = (status, axum::Json(ApiError::new(&error, lang))).into_response();
    if let Some(secs) = retry
        && let Ok(value) = HeaderValue::from_str(&secs.max(1).to_string())
    {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

/// The client of a request that came from `peer`: the peer itself, unless it is a trusted
/// proxy; then the nearest address in `X-Forwarded-For` (or `Forwarded`) that is not one.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, settings: &ServeSettings) -> IpAddr {
    let peer = canonical(peer);
    if !settings.trusted(peer) {
        return peer;
    }
    let mut chain: Vec<IpAddr> = Vec::new();
    let forwarded_for: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .collect();
    let hops: Vec<String> = if forwarded_for.is_empty() {
        headers
            .get_all(header::FORWARDED)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|element| {
                element.split(';').find_map(|pair| {
                    let (key, value) = pair.trim().split_once('=')?;
                    key.eq_ignore_ascii_case("for")
                        .then(|| value.trim_matches('"').to_string())
                })
            })
            .collect()
    } else {
        forwarded_for.iter().map(|s| s.to_string()).collect()
    };
    for hop in hops {
        let hop = hop.trim();
        // "[2001:db8::1]:4711", "192.0.2.1:80", "2001:db8::1", "192.0.2.1"
        let bare = if let Some(rest) = hop.strip_prefix('[') {
            rest.split(']').next().unwrap_or_default()
        } else if hop.matches(':').count() == 1 {
            hop.split(':').next().unwrap_or_default()
        } else {
            hop
        };
        match bare.parse::<IpAddr>() {
            Ok(ip) => chain.push(canonical(ip)),
            // Anything unreadable was written before the proxies we trust: it ends what
            // can be believed.
            Err(_) => chain.clear(),
        }
    }
    chain
        .iter()
        .rev()
        .find(|ip| !settings.trusted(**ip))
        .copied()
        .unwrap_or(peer)
}

/// The host name of a request (no port), from the Host header.
fn host(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::HOST)?.to_str().ok()?.trim();
    let name = if value.starts_with('[') {
        value.split(']').next().map(|h| format!("{h}]"))?
    } else {
        value.split(':').next()?.to_string()
    };
    (!name.is_empty()).then_some(name)
}

pub struct Guard {
    pub settings: Arc<ServeSettings>,
    pub budgets: Arc<Budgets>,
}

/// Paths that are never refused for budget reasons: the supervisor's and the proxy's
/// health checks.
fn exempt(path: &str) -> bool {
    path == "/healthz" || path == "/readyz"
}

pub async fn guard(State(guard): State<Arc<Guard>>, mut request: Request, next: Next) -> Response {
    let started = Instant::now();
    let lang = lang_of(request.uri().query(), request.headers());
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "static".to_string(), |p| p.as_str().to_string());
    let method = request.method().as_str().to_string();
    let respond = |mut response: Response| {
        record(&route, &method, response.status(), started.elapsed());
        let headers = response.headers_mut();
        headers.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        headers.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        );
        response
    };

    match host(request.headers()) {
        Some(h) if guard.settings.host_allowed(&h) => {}
        _ => {
            metrics::counter!("showroom_refusals_total", "reason" => "host").increment(1);
            return respond(refusal(
                StatusCode::MISDIRECTED_REQUEST,
                Error::BadRequest("this show does not answer to that host name".into()),
                lang,
            ));
        }
    }
    let peer = request
        .extensions()
        .get::<Peer>()
        .map(|p| p.0.ip())
        .unwrap_or(IpAddr::from([127, 0, 0, 1]));
    let ip = client_ip(peer, request.headers(), &guard.settings);
    request.extensions_mut().insert(ClientIp(ip));

    if !exempt(request.uri().path()) {
        if let Err(wait) = check(&guard.budgets.requests, ip) {
            metrics::counter!("showroom_refusals_total", "reason" => "rate").increment(1);
            return respond(refusal(
                StatusCode::TOO_MANY_REQUESTS,
                Error::RateLimited {
                    retry_after_secs: wait.max(1),
                },
                lang,
            ));
        }
        let now = guard.budgets.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        if now > guard.settings.max_in_flight {
            guard.budgets.in_flight.fetch_sub(1, Ordering::SeqCst);
            metrics::counter!("showroom_refusals_total", "reason" => "busy").increment(1);
            return respond(refusal(
                StatusCode::SERVICE_UNAVAILABLE,
                Error::Busy {
                    retry_after_secs: 1,
                },
                lang,
            ));
        }
        let response = next.run(request).await;
        guard.budgets.in_flight.fetch_sub(1, Ordering::SeqCst);
        return respond(response);
    }
    respond(next.run(request).await)
}

fn record(route: &str, method: &str, status: StatusCode, took: Duration) {
    let labels = [
        ("route", route.to_string()),
        ("method", method.to_string()),
        ("status", status.as_u16().to_string()),
    ];
    metrics::counter!("showroom_http_requests_total", &labels).increment(1);
    metrics::histogram!(
        "showroom_http_request_duration_seconds",
        "route" => route.to_string()
    )
    .record(took.as_secs_f64());
    tracing::debug!(
        route,
        method,
        status = status.as_u16(),
        ms = took.as_millis() as u64,
        "request"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(trusted: &str) -> ServeSettings {
        ServeSettings::from_text(
            Some(&format!("[serve]\ntrusted_proxies = [{trusted}]\n")),
            &|_| None,
        )
        .unwrap()
    }

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.append(
                axum::http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                HeaderValue::from_str(v).unwrap(),
            );
        }
        map
    }

    #[test]
    fn forwarded_addresses_are_believed_only_from_trusted_proxies() {
        let s = settings("\"127.0.0.1\"");
        let forged = headers(&[("x-forwarded-for", "203.0.113.9")]);
        // A client that talks to us directly cannot name another address.
        assert_eq!(
            client_ip("198.51.100.7".parse().unwrap(), &forged, &s),
            "198.51.100.7".parse::<IpAddr>().unwrap()
        );
        // Through the proxy: the address the proxy appended, not the forged one before it.
        let via = headers(&[("x-forwarded-for", "203.0.113.9, 198.51.100.7")]);
        assert_eq!(
            client_ip("127.0.0.1".parse().unwrap(), &via, &s),
            "198.51.100.7".parse::<IpAddr>().unwrap()
        );
        let rfc = headers(&[("forwarded", "for=\"[2001:db8::7]:4711\";proto=https")]);
        assert_eq!(
            client_ip("127.0.0.1".parse().unwrap(), &rfc, &s),
            "2001:db8::7".parse::<IpAddr>().unwrap()
        );
        let garbage = headers(&[("x-forwarded-for", "<script>, 198.51.100.8")]);
        assert_eq!(
            client_ip("127.0.0.1".parse().unwrap(), &garbage, &s),
            "198.51.100.8".parse::<IpAddr>().unwrap()
        );
        // Nothing forwarded: the proxy itself.
        assert_eq!(
            client_ip("127.0.0.1".parse().unwrap(), &HeaderMap::new(), &s),
            "127.0.0.1".parse::<IpAddr>().unwrap()
        );
    }

    #[test]
    fn the_host_is_read_without_its_port() {
        assert_eq!(
            host(&headers(&[("host", "Show.example:443")])).as_deref(),
            Some("Show.example")
        );
        assert_eq!(
            host(&headers(&[("host", "[::1]:8080")])).as_deref(),
            Some("[::1]")
        );
        assert_eq!(host(&HeaderMap::new()), None);
    }

    #[test]
    fn budgets_refuse_after_the_burst_and_say_how_long_to_wait() {
        let s = ServeSettings::from_text(
            Some("[serve]\ninquiries_per_hour = 6\ninquiry_burst = 2\n"),
            &|_| None,
        )
        .unwrap();
        let budgets = Budgets::new(&s);
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        assert!(budgets.take_inquiry(ip).is_ok());
        assert!(budgets.take_inquiry(ip).is_ok());
        let wait = budgets.take_inquiry(ip).unwrap_err();
        assert!((500..=600).contains(&wait), "{wait}");
        // Another client has its own budget.
        assert!(budgets.take_inquiry("192.0.2.2".parse().unwrap()).is_ok());
    }
}
