//! Helpers for the `serve` tests: a `newsidx serve` process on a free port,
//! a raw HTTP/1.1 client (raw, so tests can send what browsers never would),
//! and corpora with hostile articles, written by the test itself.

#![allow(dead_code)]

use super::common::{copy_dir, index_folder, sample_corpus};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// Hostile articles: script, attribute breakouts and a `javascript:` URL in
/// every field the page shows, and in a file name.
pub const HOSTILE_TITLE: &str =
    "<script>window.__pwned = 1</script> Reactor leak \"><img src=x onerror=\"window.__pwned=3\">";
pub const HOSTILE_FILE: &str = "<img src=x onerror=window.__pwned=6>.json";

pub fn write_hostile(dir: &Path) {
    let d = dir.join("hostile");
    std::fs::create_dir_all(&d).expect("mkdir");
    let record = serde_json::json!({
        "title": HOSTILE_TITLE,
        "text": "Engineers found the reactor leak. <script>window.__pwned = 4</script> \
                 Then \"><img src=x onerror=\"window.__pwned=5\"> and '><svg onload=window.__pwned=7>. \
                 A <a href=\"javascript:window.__pwned=8\">link</a> for the reactor crew.",
        "url": "javascript:window.__pwned=2",
        "date": "2011-05-02",
        "author": "\"><img src=x onerror=window.__pwned=9>",
    });
    std::fs::write(d.join("script-everywhere.json"), record.to_string()).expect("write");
    let named = serde_json::json!({
        "title": "An ordinary reactor story in a file with a hostile name",
        "text": "The reactor story text, nothing else in it.",
        "date": "2011-05-03",
    });
    std::fs::write(d.join(HOSTILE_FILE), named.to_string()).expect("write");
}

/// A copy of the sample corpus with the hostile articles added.
pub fn hostile_corpus() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_dir(&sample_corpus(), dir.path());
    write_hostile(dir.path());
    dir
}

/// Index `corpus` into a new temporary folder.
pub fn index_of(corpus: &Path) -> tempfile::TempDir {
    let idx = tempfile::tempdir().expect("temp dir");
    index_folder(corpus, idx.path());
    idx
}

/// A running `newsidx serve`, stopped when dropped.
pub struct Server {
    child: Child,
    /// `127.0.0.1:PORT`
    pub addr: String,
}

impl Server {
    /// `newsidx serve --index INDEX --bind 127.0.0.1:0 EXTRA…`, once it
    /// says where it listens.
    pub fn start(index: &Path, extra: &[&str]) -> Server {
        let mut args: Vec<std::ffi::OsString> = vec!["--index".into(), index.into()];
        args.extend(extra.iter().map(|a| a.into()));
        Server::start_with(&args)
    }

    /// `newsidx serve --bind 127.0.0.1:0 ARGS…`.
    pub fn start_with(args: &[std::ffi::OsString]) -> Server {
        Server::start_env(args, &[])
    }

    /// `newsidx serve --bind 127.0.0.1:0 ARGS…` with more environment.
    pub fn start_env(args: &[std::ffi::OsString], env: &[(&str, &std::ffi::OsStr)]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_newsidx"))
            .args(["serve", "--bind", "127.0.0.1:0"])
            .args(args)
            .env_remove("NEWSIDX_INDEX")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("newsidx serve starts");
        let stderr = child.stderr.take().expect("stderr");
        let mut lines = BufReader::new(stderr).lines();
        let mut addr = None;
        let mut seen = Vec::new();
        for line in lines.by_ref() {
            let line = line.expect("stderr line");
            if let Some(rest) = line.split("at http://").nth(1) {
                addr = rest.split('/').next().map(str::to_string);
                break;
            }
            seen.push(line);
        }
        // Keep draining stderr so the server never blocks writing to it.
        std::thread::spawn(move || for _ in lines {});
        let Some(addr) = addr else {
            let _ = child.kill();
            panic!("newsidx serve did not start: {}", seen.join("\n"));
        };
        Server { child, addr }
    }

    /// GET `target` on a fresh connection.
    pub fn get(&self, target: &str) -> Reply {
        self.raw(&format!(
            "GET {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.addr
        ))
    }

    /// Send `request` as is and read the reply until the server closes.
    pub fn raw(&self, request: &str) -> Reply {
        let mut s = TcpStream::connect(&self.addr).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(30)))
            .expect("timeout");
        s.write_all(request.as_bytes()).expect("send");
        let mut bytes = Vec::new();
        let _ = s.read_to_end(&mut bytes);
        Reply::parse(&bytes)
    }

    /// The JSON of an API GET, asserting its status.
    pub fn json(&self, target: &str, status: u16) -> serde_json::Value {
        let r = self.get(target);
        assert_eq!(r.status, status, "GET {target}: {}", r.body);
        assert_eq!(
            r.header("content-type"),
            Some("application/json"),
            "GET {target}"
        );
        serde_json::from_str(&r.body).expect("the API answers JSON")
    }

    pub fn url(&self, target: &str) -> String {
        format!("http://{}{target}", self.addr)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP response.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    /// Names lower-cased.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn parse(bytes: &[u8]) -> Reply {
        let text = String::from_utf8_lossy(bytes).into_owned();
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((text.as_str(), ""));
        let mut lines = head.split("\r\n");
        let status = lines
            .next()
            .and_then(|l| l.split(' ').nth(1))
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        Reply {
            status,
            headers,
            body: body.to_string(),
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The repository's file `rel`.
pub fn repo_file(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}
