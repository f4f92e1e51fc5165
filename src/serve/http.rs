//! A small HTTP/1.1 server over `std::net`, for `newsidx serve`: a thread per
//! connection (at most `max_connections`; beyond that a 503 at once),
//! keep-alive, and hard limits on what a client may send — the request head
//! must fit in `head_bytes` and arrive within `head_timeout` (so a client
//! that trickles bytes cannot hold a thread), only GET and HEAD are served,
//! and a request with a body is refused. Heads are parsed by httparse (the
//! parser hyper uses). This module knows nothing of newsidx: it turns bytes
//! into [`Request`]s and [`Response`]s into bytes.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// What a client may send and how long it may take.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Bytes of request line and headers together.
    pub head_bytes: usize,
    /// Time from the first byte of a request to the end of its head.
    pub head_timeout: Duration,
    /// Time a kept-alive connection may sit idle between requests.
    pub idle_timeout: Duration,
    /// Time a client may take to accept a response.
    pub write_timeout: Duration,
    /// Connections served at once.
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            head_bytes: 16 * 1024,
            head_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(15),
            write_timeout: Duration::from_secs(10),
            max_connections: 64,
        }
    }
}

/// Headers kept per request (more is a 431).
const MAX_HEADERS: usize = 48;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Head,
}

/// A request head, as sent (the path is not percent-decoded).
#[derive(Clone, Debug)]
pub struct Request {
    pub method: Method,
    /// The path, without the query string.
    pub path: String,
    /// The query string without the `?` (may be empty).
    pub query: String,
    /// Header names lower-cased.
    pub headers: Vec<(String, String)>,
    keep_alive: bool,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A complete response: the body is always sent with a Content-Length.
#[derive(Clone, Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Response {
        Response {
            status,
            headers: vec![("Content-Type", content_type.to_string())],
            body: body.into(),
        }
    }

    pub fn text(status: u16, body: impl Into<String>) -> Response {
        Response::new(status, "text/plain; charset=utf-8", body.into())
    }

    pub fn with(mut self, name: &'static str, value: impl Into<String>) -> Response {
        self.headers.push((name, value.into()));
        self
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The bytes on the wire; HEAD gets the headers of GET without the body.
    fn to_bytes(&self, head_only: bool, keep_alive: bool) -> Vec<u8> {
        let mut out = Vec::with_capacity(256 + if head_only { 0 } else { self.body.len() });
        let _ = write!(out, "HTTP/1.1 {} {}\r\n", self.status, reason(self.status));
        for (k, v) in &self.headers {
            let _ = write!(out, "{k}: {v}\r\n");
        }
        let _ = write!(
            out,
            "Content-Length: {}\r\nDate: {}\r\nConnection: {}\r\n\r\n",
            self.body.len(),
            chrono::Utc::now().format("%a, %d %b %Y %H:%M:%S GMT"),
            if keep_alive { "keep-alive" } else { "close" }
        );
        if !head_only {
            out.extend_from_slice(&self.body);
        }
        out
    }
}

pub fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        304 => "Not Modified",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        413 => "Content Too Large",
        414 => "URI Too Long",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "",
    }
}

/// Why a request head was refused: a response to send before closing.
#[derive(Debug, PartialEq, Eq)]
pub struct Refusal {
    pub status: u16,
    pub message: &'static str,
}

fn refuse(status: u16, message: &'static str) -> Refusal {
    Refusal { status, message }
}

/// Parse a complete request head (`buf` holds at least that much).
/// `Ok(None)`: more bytes are needed. `Ok(Some((request, head_len)))`.
pub fn parse_head(buf: &[u8], limit: usize) -> Result<Option<(Request, usize)>, Refusal> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut req = httparse::Request::new(&mut headers);
    let len = match req.parse(buf) {
        Ok(httparse::Status::Complete(n)) => n,
        Ok(httparse::Status::Partial) => {
            if buf.len() >= limit {
                return Err(if !buf.windows(2).any(|w| w == b"\r\n") {
                    refuse(414, "the request line is too long")
                } else {
                    refuse(431, "the request headers are too large")
                });
            }
            return Ok(None);
        }
        Err(httparse::Error::TooManyHeaders) => {
            return Err(refuse(431, "too many request headers"));
        }
        Err(_) => return Err(refuse(400, "malformed request")),
    };
    if len > limit {
        return Err(refuse(431, "the request headers are too large"));
    }
    let version = req.version.unwrap_or(1);
    let method = match req.method.unwrap_or("") {
        "GET" => Method::Get,
        "HEAD" => Method::Head,
        _ => return Err(refuse(405, "only GET and HEAD are served")),
    };
    let target = req.path.unwrap_or("");
    if !target.starts_with('/') {
        return Err(refuse(400, "the request target must be a path"));
    }
    let mut out_headers = Vec::with_capacity(req.headers.len());
    let mut keep_alive = version == 1;
    for h in req.headers.iter() {
        let name = h.name.to_ascii_lowercase();
        let Ok(value) = std::str::from_utf8(h.value) else {
            return Err(refuse(400, "a header value is not UTF-8"));
        };
        match name.as_str() {
            "content-length" if value.trim() != "0" => {
                return Err(refuse(413, "requests with a body are not accepted"));
            }
            "transfer-encoding" => {
                return Err(refuse(413, "requests with a body are not accepted"));
            }
            "connection" => {
                let v = value.to_ascii_lowercase();
                if v.contains("close") {
                    keep_alive = false;
                } else if v.contains("keep-alive") {
                    keep_alive = true;
                }
            }
            _ => {}
        }
        out_headers.push((name, value.to_string()));
    }
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    // A fragment is never sent by browsers; drop one a client sent anyway.
    let query = query.split('#').next().unwrap_or("");
    Ok(Some((
        Request {
            method,
            path: path.to_string(),
            query: query.to_string(),
            headers: out_headers,
            keep_alive,
        },
        len,
    )))
}

/// Something that answers requests.
pub trait Handler: Send + Sync + 'static {
    fn handle(&self, req: &Request) -> Response;
}

impl<F: Fn(&Request) -> Response + Send + Sync + 'static> Handler for F {
    fn handle(&self, req: &Request) -> Response {
        self(req)
    }
}

/// Accept connections on `listener` forever, each on its own thread.
pub fn serve(listener: TcpListener, limits: Limits, handler: Arc<dyn Handler>) -> io::Result<()> {
    let open = Arc::new(AtomicUsize::new(0));
    let limits = Arc::new(limits);
    for stream in listener.incoming() {
        let stream = match stream {
            Ok(s) => s,
            // A connection that died before we took it, or a transient lack
            // of descriptors: keep serving the others.
            Err(_) => {
                std::thread::sleep(Duration::from_millis(5));
                continue;
            }
        };
        if open.fetch_add(1, Ordering::SeqCst) >= limits.max_connections {
            open.fetch_sub(1, Ordering::SeqCst);
            busy(stream, &limits);
            continue;
        }
        let (open2, limits2, handler2) = (open.clone(), limits.clone(), handler.clone());
        let spawned = std::thread::Builder::new()
            .name("newsidx-http".into())
            .spawn(move || {
                let _ = connection(stream, &limits2, &*handler2);
                open2.fetch_sub(1, Ordering::SeqCst);
            });
        if spawned.is_err() {
            open.fetch_sub(1, Ordering::SeqCst);
        }
    }
    Ok(())
}

/// Too many connections: say so and hang up, without reading the request.
fn busy(mut stream: TcpStream, limits: &Limits) {
    let _ = stream.set_write_timeout(Some(limits.write_timeout));
    let r = Response::text(503, "newsidx: too many connections; try again shortly\n")
        .with("Retry-After", "1");
    let _ = stream.write_all(&r.to_bytes(false, false));
    let _ = stream.shutdown(Shutdown::Both);
}

/// Close after a refusal without losing it: a client still sending what we
/// refused would otherwise get a reset that can discard our answer. Reads
/// (and drops) at most a little more, for at most a second.
fn linger(stream: &mut TcpStream) {
    let _ = stream.shutdown(Shutdown::Write);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(1)));
    let mut sink = [0u8; 4096];
    let mut left: usize = 256 * 1024;
    let until = Instant::now() + Duration::from_secs(1);
    while left > 0 && Instant::now() < until {
        match stream.read(&mut sink) {
            Ok(0) | Err(_) => break,
            Ok(n) => left = left.saturating_sub(n),
        }
    }
}

/// Serve requests on one connection until it closes, idles out or errs.
fn connection(mut stream: TcpStream, limits: &Limits, handler: &dyn Handler) -> io::Result<()> {
    stream.set_nodelay(true)?;
    stream.set_write_timeout(Some(limits.write_timeout))?;
    let mut buf: Vec<u8> = Vec::with_capacity(2048);
    let mut chunk = [0u8; 4096];
    loop {
        // Wait for the first byte of the next request (idle), then for the
        // rest of its head (bounded by head_timeout from that first byte).
        let mut started: Option<Instant> = (!buf.is_empty()).then(Instant::now);
        let (req, head_len) = loop {
            match parse_head(&buf, limits.head_bytes) {
                Ok(Some(done)) => break done,
                Ok(None) => {}
                Err(r) => {
                    let resp = Response::text(r.status, format!("newsidx: {}\n", r.message));
                    let resp = if r.status == 405 {
                        resp.with("Allow", "GET, HEAD")
                    } else {
                        resp
                    };
                    let _ = stream.write_all(&resp.to_bytes(false, false));
                    linger(&mut stream);
                    return Ok(());
                }
            }
            let wait = match started {
                None => limits.idle_timeout,
                Some(t) => match limits.head_timeout.checked_sub(t.elapsed()) {
                    Some(d) if !d.is_zero() => d,
                    _ => {
                        let resp = Response::text(
                            408,
                            "newsidx: the request head took too long to arrive\n",
                        );
                        let _ = stream.write_all(&resp.to_bytes(false, false));
                        let _ = stream.shutdown(Shutdown::Both);
                        return Ok(());
                    }
                },
            };
            stream.set_read_timeout(Some(wait))?;
            let n = match stream.read(&mut chunk) {
                Ok(0) => return Ok(()),
                Ok(n) => n,
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) =>
                {
                    if started.is_none() {
                        return Ok(()); // idle keep-alive connection: close quietly
                    }
                    continue; // the deadline check above answers 408
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            started.get_or_insert_with(Instant::now);
            // Never hold more than one head's worth (plus one read).
            if buf.len() + n > limits.head_bytes + chunk.len() {
                let take = (limits.head_bytes + chunk.len()).saturating_sub(buf.len());
                buf.extend_from_slice(&chunk[..take.min(n)]);
            } else {
                buf.extend_from_slice(&chunk[..n]);
            }
        };
        buf.drain(..head_len);
        let resp = handler.handle(&req);
        let keep = req.keep_alive && resp.status < 500;
        stream.write_all(&resp.to_bytes(req.method == Method::Head, keep))?;
        if !keep {
            let _ = stream.shutdown(Shutdown::Both);
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Option<(Request, usize)>, Refusal> {
        parse_head(s.as_bytes(), 1024)
    }

    #[test]
    fn a_get_with_its_query_and_headers() {
        let (r, n) =
            parse("GET /doc/a%20b.txt?q=x&page=2 HTTP/1.1\r\nHost: localhost\r\nX-Y: z\r\n\r\nGET")
                .unwrap()
                .unwrap();
        assert_eq!(r.method, Method::Get);
        assert_eq!(r.path, "/doc/a%20b.txt");
        assert_eq!(r.query, "q=x&page=2");
        assert_eq!(r.header("host"), Some("localhost"));
        assert_eq!(r.header("x-y"), Some("z"));
        assert!(r.keep_alive);
        assert_eq!(
            n,
            "GET /doc/a%20b.txt?q=x&page=2 HTTP/1.1\r\nHost: localhost\r\nX-Y: z\r\n\r\n".len()
        );
    }

    #[test]
    fn partial_heads_wait_for_more() {
        assert!(parse("GET / HTTP/1.1\r\nHost: x\r\n").unwrap().is_none());
    }

    #[test]
    fn refusals_name_their_status() {
        let status = |s: &str| parse(s).err().map(|r| r.status);
        assert_eq!(status("POST / HTTP/1.1\r\n\r\n"), Some(405));
        assert_eq!(status("DELETE / HTTP/1.1\r\n\r\n"), Some(405));
        assert_eq!(
            status("GET / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello"),
            Some(413)
        );
        assert_eq!(
            status("GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"),
            Some(413)
        );
        assert_eq!(status("GET http://evil/ HTTP/1.1\r\n\r\n"), Some(400));
        assert_eq!(status("\x16\x03\x01 garbage\r\n\r\n"), Some(400));
        let long_line = format!("GET /{} HTTP/1.1", "a".repeat(2000));
        assert_eq!(status(&long_line), Some(414));
        let big_headers = format!("GET / HTTP/1.1\r\n{}", "X-A: b\r\n".repeat(200));
        assert_eq!(status(&big_headers), Some(431));
        let many = format!("GET / HTTP/1.1\r\n{}\r\n", "A: b\r\n".repeat(60));
        assert_eq!(
            parse_head(many.as_bytes(), 4096).err().map(|r| r.status),
            Some(431)
        );
    }

    #[test]
    fn http10_and_close_end_the_connection() {
        let (r, _) = parse("GET / HTTP/1.0\r\n\r\n").unwrap().unwrap();
        assert!(!r.keep_alive);
        let (r, _) = parse("GET / HTTP/1.1\r\nConnection: close\r\n\r\n")
            .unwrap()
            .unwrap();
        assert!(!r.keep_alive);
    }

    #[test]
    fn head_responses_have_no_body_but_its_length() {
        let r = Response::text(200, "hello");
        let bytes = String::from_utf8(r.to_bytes(true, true)).unwrap();
        assert!(bytes.starts_with("HTTP/1.1 200 OK\r\n"), "{bytes}");
        assert!(bytes.contains("Content-Length: 5\r\n"), "{bytes}");
        assert!(bytes.ends_with("\r\n\r\n"), "{bytes}");
    }
}
