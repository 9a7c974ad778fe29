//! The other replicas of the online show. Each replica keeps the inquiries it took in its
//! own outbox; a visitor's next request may reach another replica, which asks its peers
//! for the references it does not hold. Peers are asked with the operator token and a
//! marker that stops them from asking further, so a question never goes round in circles.

use std::time::Duration;

use serde_json::Value;

/// The header that marks a replica's question to another replica.
pub const PEER_HEADER: &str = "x-showroom-peer";

#[derive(Clone)]
pub struct Peers {
    urls: Vec<String>,
    token: String,
    client: reqwest::Client,
}

impl Peers {
    pub fn new(urls: &[String], token: Option<&str>) -> anyhow::Result<Option<Peers>> {
        let (false, Some(token)) = (urls.is_empty(), token) else {
            return Ok(None);
        };
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(2))
            .timeout(Duration::from_secs(5))
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Some(Peers {
            urls: urls
                .iter()
                .map(|u| format!("{}/", u.trim_end_matches('/')))
                .collect(),
            token: token.to_string(),
            client,
        }))
    }

    async fn ask(&self, method: reqwest::Method, base: &str, path: &str) -> Option<Value> {
        let reply = self
            .client
            .request(method, format!("{base}{path}"))
            .bearer_auth(&self.token)
            .header(PEER_HEADER, "1")
            .send()
            .await;
        match reply {
            Ok(r) if r.status().is_success() => r
                .bytes()
                .await
                .ok()
                .and_then(|b| serde_json::from_slice(&b).ok()),
            Ok(r) if r.status() == reqwest::StatusCode::NOT_FOUND => None,
            Ok(r) => {
                tracing::warn!(peer = base, status = r.status().as_u16(), "a peer refused");
                None
            }
            Err(error) => {
                tracing::warn!(peer = base, %error, "a peer did not answer");
                None
            }
        }
    }

    /// The entries the peers hold among `refs`.
    pub async fn entries(&self, refs: &[String]) -> Vec<Value> {
        if refs.is_empty() {
            return Vec::new();
        }
        let query = format!(
            "api/inquiries?refs={}",
            refs.iter().map(|r| encode(r)).collect::<Vec<_>>().join(",")
        );
        let mut found = Vec::new();
        for base in &self.urls {
            if let Some(Value::Array(entries)) = self.ask(reqwest::Method::GET, base, &query).await
            {
                found.extend(entries);
            }
        }
        found
    }

    /// One entry, from whichever peer holds it.
    pub async fn entry(&self, client_ref: &str) -> Option<Value> {
        let path = format!("api/inquiries/{}", encode(client_ref));
        for base in &self.urls {
            if let Some(entry) = self.ask(reqwest::Method::GET, base, &path).await {
                return Some(entry);
            }
        }
        None
    }

    /// Withdraws an inquiry at whichever peer holds it; its answer.
    pub async fn withdraw(&self, client_ref: &str) -> Option<Value> {
        let path = format!("api/inquiries/{}", encode(client_ref));
        for base in &self.urls {
            if let Some(answer) = self.ask(reqwest::Method::DELETE, base, &path).await {
                return Some(answer);
            }
        }
        None
    }
}

/// Percent-encodes everything but unreserved characters.
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
