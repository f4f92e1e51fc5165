//! HTTP to an OpenSearch cluster: one or more node addresses, credentials
//! from the environment, retries with backoff. Everything above this module
//! speaks JSON values; nothing here knows what an article is.
//!
//! Credentials never appear in output: they are read from
//! `$NEWSIDX_REMOTE_AUTH` (never from the URL, which is refused if it holds
//! any) and go only into the `Authorization` header, so no error message,
//! which names at most the node's address and the path, can carry them.

use anyhow::{Context, Result, anyhow, bail};
use base64::Engine;
use serde_json::Value;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// The default remote when `--remote`/`--to` is not given.
pub const REMOTE_ENV: &str = "NEWSIDX_REMOTE";
/// `user:password` (basic) or `ApiKey KEY` / `Bearer TOKEN`.
pub const AUTH_ENV: &str = "NEWSIDX_REMOTE_AUTH";

/// Attempts per request before giving up (the waits in between add up to
/// about a minute: long enough for a cluster to replace a lost node).
const ATTEMPTS: u32 = 10;
const FIRST_WAIT: Duration = Duration::from_millis(200);
const MAX_WAIT: Duration = Duration::from_secs(10);
/// The largest response body read (a page of hits with their bodies).
const MAX_RESPONSE: u64 = 256 * 1024 * 1024;

/// A connection to a cluster.
pub struct Client {
    agent: ureq::Agent,
    /// Node addresses without a trailing '/'; a request goes to `nodes[current]`
    /// and moves on to the next one when a node cannot be reached.
    nodes: Vec<String>,
    /// (Shared by the threads sending `_bulk` requests at once.)
    current: AtomicUsize,
    auth: Option<String>,
}

/// An answer: its status and its body as JSON (`Null` when it had none).
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub body: Value,
}

impl Reply {
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The cluster's own reason for a failure, for error messages.
    pub fn reason(&self) -> String {
        let e = &self.body["error"];
        let kind = e["type"].as_str().or_else(|| e.as_str()).unwrap_or("");
        let why = e["reason"].as_str().unwrap_or("");
        match (kind, why) {
            ("", "") => format!("HTTP {}", self.status),
            (k, "") => format!("HTTP {}: {k}", self.status),
            (k, w) => format!("HTTP {}: {k}: {w}", self.status),
        }
    }
}

/// The request methods used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Head,
    Put,
    Post,
    Delete,
}

impl Method {
    fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Head => "HEAD",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
        }
    }
}

impl Client {
    /// A client for `urls` (comma-separated node addresses, `http://` or
    /// `https://`), with credentials from `$NEWSIDX_REMOTE_AUTH`.
    pub fn new(urls: &str) -> Result<Client> {
        let auth = match std::env::var(AUTH_ENV) {
            Ok(v) if !v.trim().is_empty() => Some(auth_header(v.trim())?),
            _ => None,
        };
        Client::with_auth(urls, auth)
    }

    fn with_auth(urls: &str, auth: Option<String>) -> Result<Client> {
        let nodes = parse_nodes(urls)?;
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(5)))
            .timeout_global(Some(Duration::from_secs(120)))
            .build()
            .into();
        Ok(Client {
            agent,
            nodes,
            current: AtomicUsize::new(0),
            auth,
        })
    }

    /// The node requests go to now (for messages).
    pub fn node(&self) -> &str {
        &self.nodes[self.current.load(Ordering::Relaxed) % self.nodes.len()]
    }

    /// Send a JSON body (or none) and read the JSON answer. Retries, with
    /// growing waits, when the cluster answers 429 or 5xx or a node cannot be
    /// reached (then the next node is tried); any other answer is returned
    /// as it is, for the caller to judge.
    pub fn json(&self, method: Method, path: &str, body: Option<&Value>) -> Result<Reply> {
        let bytes = body.map(|b| b.to_string().into_bytes());
        self.send(method, path, bytes.as_deref(), "application/json")
    }

    /// Send raw bytes (an NDJSON `_bulk` body) with retries as [`Client::json`].
    pub fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&[u8]>,
        content_type: &str,
    ) -> Result<Reply> {
        let mut wait = FIRST_WAIT;
        let mut last = String::new();
        let mut unreachable = 0;
        for attempt in 1..=ATTEMPTS {
            let at = self.current.load(Ordering::Relaxed);
            match self.once(method, path, body, content_type) {
                Ok(r) if r.status == 429 || r.status >= 500 => last = r.reason(),
                Ok(r) => return Ok(r),
                Err(e) => {
                    last = format!("{:#}", e);
                    // Another node may answer while this one is down; when
                    // none has, three times round, the address is wrong or
                    // the cluster down, and waiting longer only delays that.
                    unreachable += 1;
                    if unreachable >= 3 * self.nodes.len() {
                        return Err(e);
                    }
                    // Another thread may have moved on already: one step
                    // from where this request went.
                    let _ = self.current.compare_exchange(
                        at,
                        (at + 1) % self.nodes.len(),
                        Ordering::Relaxed,
                        Ordering::Relaxed,
                    );
                }
            }
            if attempt < ATTEMPTS {
                std::thread::sleep(wait);
                wait = (wait * 2).min(MAX_WAIT);
            }
        }
        bail!(
            "{} {path} failed {ATTEMPTS} times, the last with: {last}",
            method.as_str()
        )
    }

    fn once(
        &self,
        method: Method,
        path: &str,
        body: Option<&[u8]>,
        content_type: &str,
    ) -> Result<Reply> {
        let node = self.node();
        let url = format!("{node}{path}");
        let with_auth = |mut r: ureq::RequestBuilder<ureq::typestate::WithBody>| {
            if let Some(a) = &self.auth {
                r = r.header("Authorization", a);
            }
            r.header("Content-Type", content_type)
        };
        let no_body = |mut r: ureq::RequestBuilder<ureq::typestate::WithoutBody>| {
            if let Some(a) = &self.auth {
                r = r.header("Authorization", a);
            }
            r
        };
        let empty: &[u8] = &[];
        let res = match method {
            Method::Get => match body {
                // Search bodies go with GET, as the API documents.
                Some(b) => with_auth(self.agent.get(&url).force_send_body()).send(b),
                None => no_body(self.agent.get(&url)).call(),
            },
            Method::Head => no_body(self.agent.head(&url)).call(),
            Method::Delete => no_body(self.agent.delete(&url)).call(),
            Method::Put => with_auth(self.agent.put(&url)).send(body.unwrap_or(empty)),
            Method::Post => with_auth(self.agent.post(&url)).send(body.unwrap_or(empty)),
        };
        let mut res = res.map_err(|e| anyhow!("cannot reach {node}: {e}"))?;
        let status = res.status().as_u16();
        let text = res
            .body_mut()
            .with_config()
            .limit(MAX_RESPONSE)
            .read_to_string()
            .with_context(|| format!("cannot read the answer of {node}{path}"))?;
        let body = if text.trim().is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        Ok(Reply { status, body })
    }
}

/// Node addresses from `--remote`: comma-separated, scheme required, no
/// credentials, trailing '/' dropped.
pub fn parse_nodes(urls: &str) -> Result<Vec<String>> {
    let mut nodes = Vec::new();
    for u in urls.split(',').map(str::trim).filter(|u| !u.is_empty()) {
        let rest = u
            .strip_prefix("http://")
            .or_else(|| u.strip_prefix("https://"))
            .ok_or_else(|| {
                anyhow!("a remote address starts with http:// or https:// (got one that does not)")
            })?;
        let host = rest.split('/').next().unwrap_or("");
        if host.contains('@') {
            // Not echoed: it holds a password.
            bail!(
                "a remote address must not carry credentials; put them in ${AUTH_ENV} (user:password, or `ApiKey KEY`)"
            );
        }
        if host.is_empty() {
            bail!("a remote address has no host: {u}");
        }
        nodes.push(u.trim_end_matches('/').to_string());
    }
    if nodes.is_empty() {
        bail!("no remote address given");
    }
    Ok(nodes)
}

/// The `Authorization` header for `$NEWSIDX_REMOTE_AUTH`.
fn auth_header(v: &str) -> Result<String> {
    let lower = v.to_ascii_lowercase();
    if lower.starts_with("apikey ") || lower.starts_with("bearer ") || lower.starts_with("basic ") {
        return Ok(v.to_string());
    }
    if !v.contains(':') {
        bail!(
            "${AUTH_ENV} is neither user:password nor `ApiKey KEY` / `Bearer TOKEN` (its value is not shown)"
        );
    }
    Ok(format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(v)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_lists() {
        assert_eq!(
            parse_nodes("http://a:9200/, https://b:9200").unwrap(),
            ["http://a:9200", "https://b:9200"]
        );
        assert!(parse_nodes("a:9200").is_err());
        assert!(parse_nodes(" , ").is_err());
        let e = parse_nodes("https://elastic:s3cret@host:9200").unwrap_err();
        assert!(!format!("{e:#}").contains("s3cret"), "{e:#}");
    }

    #[test]
    fn auth_headers() {
        assert_eq!(auth_header("elastic:pw").unwrap(), "Basic ZWxhc3RpYzpwdw==");
        assert_eq!(auth_header("ApiKey abc").unwrap(), "ApiKey abc");
        let e = auth_header("justapassword").unwrap_err();
        assert!(!format!("{e:#}").contains("justapassword"));
    }

    #[test]
    fn unreachable_nodes_fail_without_the_credentials() {
        // Port 9 on loopback: nothing listens (connection refused at once).
        let c = Client::with_auth("http://127.0.0.1:9", Some("Basic c2VjcmV0".into())).unwrap();
        let e = c
            .once(Method::Get, "/", None, "application/json")
            .unwrap_err();
        let msg = format!("{e:#}");
        assert!(msg.contains("cannot reach http://127.0.0.1:9"), "{msg}");
        assert!(!msg.contains("c2VjcmV0"), "{msg}");
    }
}
