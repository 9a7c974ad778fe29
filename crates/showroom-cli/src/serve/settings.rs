//! The `[serve]` section of `DATA_DIR/showroom.toml` and its `SHOWROOM_*` overrides: what
//! the online show believes about its callers and the limits that keep it up.
//!
//! ```toml
//! [serve]
//! public_url = "https://show.example.cn/"  # Host allowlist; loopback names always pass
//! allowed_hosts = ["www.show.example.cn"]  # more names the show answers to
//! operator_token = "..."                   # whole outbox, /metrics (SHOWROOM_OPERATOR_TOKEN)
//! trusted_proxies = ["127.0.0.1", "::1"]   # X-Forwarded-For / Forwarded believed from these only
//! node = "a"                               # this replica's name (SHOWROOM_NODE)
//! peers = ["http://10.0.0.12:8080/"]       # the other replicas (SHOWROOM_PEERS)
//! requests_per_second = 50                 # per client, every request (thumbnails too)
//! burst = 300
//! inquiries_per_hour = 10                  # per client, inquiries stored
//! inquiry_burst = 5
//! max_undelivered = 1000                   # inquiries waiting to leave; more: 503
//! max_connections = 1024
//! max_in_flight = 256                      # requests being answered at once; more: 503
//! header_timeout_secs = 10                 # a request's headers must arrive within this
//! idle_timeout_secs = 60                   # a connection with no bytes moving is closed
//! request_timeout_secs = 30                # a request (body included) must be answered within this
//! retention_hours = 168                    # personal data kept after the platform's receipt
//! reply_cache_mib = 32                     # finished catalog replies kept; 0: off (SHOWROOM_REPLY_CACHE_MIB)
//! ```

use std::net::IpAddr;
use std::time::Duration;

use anyhow::{Context, bail};
use showroom_core::settings::Settings;

/// An address range in CIDR notation (a bare address is a range of one).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    base: IpAddr,
    prefix: u8,
}

impl Cidr {
    pub fn parse(text: &str) -> anyhow::Result<Cidr> {
        let (addr, prefix) = match text.trim().split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (text.trim(), None),
        };
        let base: IpAddr = addr
            .parse()
            .with_context(|| format!("{text:?} is not an IP address or range"))?;
        let max = if base.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .with_context(|| format!("{text:?}: the prefix must be 0 to {max}"))?,
            None => max,
        };
        Ok(Cidr { base, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        match (self.base, ip) {
            (IpAddr::V4(a), IpAddr::V4(b)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(a) & mask == u32::from(b) & mask
            }
            (IpAddr::V6(a), IpAddr::V6(b)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(a) & mask == u128::from(b) & mask
            }
            _ => false,
        }
    }
}

/// An IPv4 address seen through an IPv6 socket (`::ffff:a.b.c.d`) as the IPv4 address.
pub fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// The resolved settings of one `showroom serve`.
#[derive(Clone, Debug)]
pub struct ServeSettings {
    /// Lower-case host names (no port) the show answers to, besides loopback names.
    pub allowed_hosts: Vec<String>,
    pub public_url: Option<String>,
    pub operator_token: Option<String>,
    pub trusted_proxies: Vec<Cidr>,
    pub node: String,
    pub peers: Vec<String>,
    pub requests_per_second: u32,
    pub burst: u32,
    pub inquiries_per_hour: u32,
    pub inquiry_burst: u32,
    pub max_undelivered: u32,
    pub max_connections: usize,
    pub max_in_flight: usize,
    pub header_timeout: Duration,
    pub idle_timeout: Duration,
    pub request_timeout: Duration,
    pub retention: Duration,
    /// Bytes of finished replies kept for the next visitor who asks the same; 0: none.
    pub reply_cache_bytes: usize,
}

fn host_of(url: &str) -> anyhow::Result<String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .with_context(|| format!("{url:?} must start with https:// or http://"))?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default().to_string(),
        None => authority.split(':').next().unwrap_or_default().to_string(),
    };
    if host.is_empty() {
        bail!("{url:?} names no host");
    }
    Ok(host.to_ascii_lowercase())
}

fn secs(value: f64, what: &str) -> anyhow::Result<Duration> {
    Duration::try_from_secs_f64(value)
        .ok()
        .filter(|d| !d.is_zero())
        .with_context(|| format!("[serve] {what}: {value} is not a positive number of seconds"))
}

impl ServeSettings {
    /// The `[serve]` section of the data directory's settings, `env`'s overrides applied.
    pub fn resolve(file: &Settings, env: &dyn Fn(&str) -> Option<String>) -> anyhow::Result<Self> {
        let s = file.serve.clone();
        let env = |name: &str| env(name).filter(|v| !v.trim().is_empty());
        let list = |name: &str, file: Vec<String>| -> Vec<String> {
            match env(name) {
                Some(v) => v
                    .split(',')
                    .map(|p| p.trim().to_string())
                    .filter(|p| !p.is_empty())
                    .collect(),
                None => file,
            }
        };
        let public_url = env("SHOWROOM_PUBLIC_URL").or(s.public_url);
        let mut allowed_hosts = Vec::new();
        if let Some(url) = &public_url {
            allowed_hosts.push(host_of(url)?);
        }
        for host in list("SHOWROOM_ALLOWED_HOSTS", s.allowed_hosts) {
            allowed_hosts.push(host.trim().to_ascii_lowercase());
        }
        let trusted_proxies = list("SHOWROOM_TRUSTED_PROXIES", s.trusted_proxies)
            .iter()
            .map(|p| Cidr::parse(p))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let peers = list("SHOWROOM_PEERS", s.peers);
        for peer in &peers {
            host_of(peer)?;
        }
        let operator_token = env("SHOWROOM_OPERATOR_TOKEN").or(s.operator_token);
        if let Some(token) = &operator_token
            && token.len() < 16
        {
            bail!("[serve] operator_token must be at least 16 characters");
        }
        if !peers.is_empty() && operator_token.is_none() {
            bail!("[serve] peers need an operator_token (the replicas ask each other with it)");
        }
        let reply_cache_mib = match env("SHOWROOM_REPLY_CACHE_MIB") {
            Some(v) => v.trim().parse::<f64>().with_context(|| {
                format!("SHOWROOM_REPLY_CACHE_MIB: {v:?} is not a number of MiB")
            })?,
            None => s.reply_cache_mib.unwrap_or(32.0),
        };
        if !(0.0..=65536.0).contains(&reply_cache_mib) {
            bail!("[serve] reply_cache_mib: {reply_cache_mib} is not between 0 and 65536");
        }
        Ok(ServeSettings {
            allowed_hosts,
            public_url,
            operator_token,
            trusted_proxies,
            node: env("SHOWROOM_NODE")
                .or(s.node)
                .unwrap_or_else(|| "serve".into()),
            peers,
            requests_per_second: s.requests_per_second.unwrap_or(50).max(1),
            burst: s.burst.unwrap_or(300).max(1),
            inquiries_per_hour: s.inquiries_per_hour.unwrap_or(10).max(1),
            inquiry_burst: s.inquiry_burst.unwrap_or(5).max(1),
            max_undelivered: s.max_undelivered.unwrap_or(1000).max(1),
            max_connections: s.max_connections.unwrap_or(1024).max(1),
            max_in_flight: s.max_in_flight.unwrap_or(256).max(1),
            header_timeout: secs(s.header_timeout_secs.unwrap_or(10.0), "header_timeout_secs")?,
            idle_timeout: secs(s.idle_timeout_secs.unwrap_or(60.0), "idle_timeout_secs")?,
            request_timeout: secs(
                s.request_timeout_secs.unwrap_or(30.0),
                "request_timeout_secs",
            )?,
            retention: secs(
                s.retention_hours.unwrap_or(168.0) * 3600.0,
                "retention_hours",
            )?,
            reply_cache_bytes: (reply_cache_mib * 1024.0 * 1024.0) as usize,
        })
    }

    /// The settings from a file's text (absent: none), as [`ServeSettings::resolve`].
    #[cfg(test)]
    pub fn from_text(
        text: Option<&str>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> anyhow::Result<Self> {
        Self::resolve(&Settings::parse(text.unwrap_or_default())?, env)
    }

    /// Whether a request's Host (without its port) is one this show answers to: the
    /// configured names, and loopback (health checks, an operator on the machine). Any
    /// other name is refused, which stops DNS rebinding.
    pub fn host_allowed(&self, host: &str) -> bool {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        if host == "localhost" {
            return true;
        }
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        if let Ok(ip) = bare.parse::<IpAddr>() {
            return canonical(ip).is_loopback();
        }
        self.allowed_hosts.contains(&host)
    }

    pub fn trusted(&self, ip: IpAddr) -> bool {
        self.trusted_proxies.iter().any(|c| c.contains(ip))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_contain_what_they_should() {
        let net = Cidr::parse("10.1.0.0/16").unwrap();
        assert!(net.contains("10.1.200.3".parse().unwrap()));
        assert!(!net.contains("10.2.0.1".parse().unwrap()));
        assert!(net.contains("::ffff:10.1.0.9".parse().unwrap()));
        let one = Cidr::parse("::1").unwrap();
        assert!(one.contains("::1".parse().unwrap()));
        assert!(!one.contains("::2".parse().unwrap()));
        assert!(
            Cidr::parse("0.0.0.0/0")
                .unwrap()
                .contains("8.8.8.8".parse().unwrap())
        );
        assert!(Cidr::parse("10.0.0.0/33").is_err());
        assert!(Cidr::parse("example.com").is_err());
    }

    #[test]
    fn hosts_are_the_public_name_and_loopback() {
        let s = ServeSettings::from_text(
            Some("[serve]\npublic_url = \"https://Show.Example.cn/\"\n"),
            &|_| None,
        )
        .unwrap();
        assert!(s.host_allowed("show.example.cn"));
        assert!(s.host_allowed("localhost"));
        assert!(s.host_allowed("127.0.0.1"));
        assert!(s.host_allowed("[::1]"));
        assert!(!s.host_allowed("attacker.example"));
        assert!(!s.host_allowed("10.0.0.1"));
    }

    #[test]
    fn a_toml_error_does_not_quote_the_token() {
        let text = "[serve]\noperator_token = \"very-secret-token-value\" oops\n";
        let error = ServeSettings::from_text(Some(text), &|_| None)
            .unwrap_err()
            .to_string();
        assert!(!error.contains("very-secret"), "{error}");
        assert!(error.contains("line 2"), "{error}");
    }

    #[test]
    fn peers_need_a_token_and_short_tokens_are_refused() {
        assert!(
            ServeSettings::from_text(
                Some("[serve]\npeers = [\"http://127.0.0.1:1/\"]\n"),
                &|_| None
            )
            .is_err()
        );
        assert!(
            ServeSettings::from_text(Some("[serve]\noperator_token = \"short\"\n"), &|_| None)
                .is_err()
        );
        let env =
            |n: &str| (n == "SHOWROOM_OPERATOR_TOKEN").then(|| "0123456789abcdef0123".to_string());
        let s =
            ServeSettings::from_text(Some("[serve]\npeers = [\"http://127.0.0.1:1/\"]\n"), &env)
                .unwrap();
        assert_eq!(s.peers.len(), 1);
    }
}
