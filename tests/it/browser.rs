//! The page in a real browser: Debian's Chromium, headless, driven through
//! chromedriver over the W3C WebDriver protocol. WebDriver rather than the
//! Chrome DevTools Protocol because it is a standard with one small JSON
//! request per action, chromedriver comes from the same Debian release as
//! the browser (so their versions always match), and a dozen plain HTTP
//! calls need no async runtime or generated protocol bindings in our build
//! (fantoccini and thirtyfour bring tokio and hyper; headless_chrome a
//! generated binding of the whole DevTools protocol): the client below is
//! std::net and serde_json.
//!
//! Without Chromium and chromedriver the tests print a loud notice and pass;
//! with `NEWSIDX_REQUIRE_ALL=1` (as `.ci/run` sets) they fail instead.

use super::web::{Server, hostile_corpus, index_of};
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The W3C name of an element reference in WebDriver JSON.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

fn find_program(env: &str, names: &[&str]) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(env) {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .find(|p| p.is_file())
}

/// Chromium and chromedriver, or `None` after saying loudly why the test
/// will not run (a failure under `NEWSIDX_REQUIRE_ALL=1`).
fn browser_programs(test: &str) -> Option<(PathBuf, PathBuf)> {
    let chromium = find_program(
        "NEWSIDX_CHROMIUM",
        &["chromium", "chromium-browser", "google-chrome"],
    );
    let driver = find_program("NEWSIDX_CHROMEDRIVER", &["chromedriver"]);
    match (chromium, driver) {
        (Some(c), Some(d)) => Some((c, d)),
        (c, d) => {
            let missing = [("chromium", c.is_none()), ("chromedriver", d.is_none())]
                .iter()
                .filter(|(_, m)| *m)
                .map(|(n, _)| *n)
                .collect::<Vec<_>>()
                .join(" and ");
            let msg = format!(
                "browser test {test} NOT RUN: {missing} not found (apt-get install chromium chromium-driver)"
            );
            if std::env::var("NEWSIDX_REQUIRE_ALL").is_ok_and(|v| v == "1") {
                panic!("{msg}; NEWSIDX_REQUIRE_ALL=1 requires it");
            }
            eprintln!("\n{}\n!!! {msg}\n{}\n", "!".repeat(78), "!".repeat(78));
            None
        }
    }
}

/// One HTTP exchange with chromedriver (local, so: one connection each).
fn call(port: u16, method: &str, path: &str, body: Option<&Value>) -> Result<Value, String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(Duration::from_secs(60)))
        .map_err(|e| e.to_string())?;
    let payload = body.map(|b| b.to_string()).unwrap_or_default();
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{payload}",
        payload.len()
    );
    s.write_all(req.as_bytes()).map_err(|e| e.to_string())?;
    // chromedriver keeps the connection open whatever we ask: read the head,
    // then exactly Content-Length bytes.
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 8192];
    let mut want = None;
    loop {
        if want.is_none()
            && let Some(end) = bytes.windows(4).position(|w| w == b"\r\n\r\n")
        {
            let head = String::from_utf8_lossy(&bytes[..end]).to_ascii_lowercase();
            let len = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            want = Some(end + 4 + len);
        }
        if want.is_some_and(|w| bytes.len() >= w) {
            break;
        }
        let n = s.read(&mut chunk).map_err(|e| e.to_string())?;
        if n == 0 {
            break;
        }
        bytes.extend_from_slice(&chunk[..n]);
    }
    let reply = super::web::Reply::parse(&bytes);
    let v: Value = serde_json::from_str(&reply.body)
        .map_err(|e| format!("{method} {path}: {e}: {}", reply.body))?;
    if reply.status != 200 {
        return Err(format!("{method} {path}: {} {}", reply.status, v["value"]));
    }
    Ok(v["value"].clone())
}

/// A started program and everything it starts, killed when dropped however
/// the test ends (a failed start, a failed assert). The program leads its
/// own process group, so the group's kill reaches the Chromium that
/// chromedriver started and its helper processes, which outlive a driver
/// killed alone.
struct Reaped(Child);

impl Reaped {
    fn spawn(cmd: &mut Command) -> std::io::Result<Reaped> {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0).spawn().map(Reaped)
    }
}

impl Drop for Reaped {
    fn drop(&mut self) {
        let pid = rustix::process::Pid::from_child(&self.0);
        let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A headless Chromium session; closed (browser and driver) when dropped.
struct Browser {
    _driver: Reaped,
    port: u16,
    session: String,
    _profile: tempfile::TempDir,
}

impl Browser {
    fn start(chromium: &Path, chromedriver: &Path) -> Browser {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port");
        // Guarded from here on: a panic below (no answer, no session)
        // still stops the driver and any browser it started.
        let driver = Reaped::spawn(
            Command::new(chromedriver)
                .arg(format!("--port={port}"))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        )
        .expect("chromedriver starts");
        let t = Instant::now();
        while call(port, "GET", "/status", None).is_err() {
            assert!(
                t.elapsed() < Duration::from_secs(20),
                "chromedriver did not answer"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        let profile = tempfile::tempdir().expect("profile dir");
        // The network is closed: without these Chromium waits on connections
        // to Google's services; as root it needs --no-sandbox.
        let args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--window-size=1200,900",
            &format!("--user-data-dir={}", profile.path().display()),
        ];
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": chromium, "args": args},
        }}});
        let mut b = Browser {
            _driver: driver,
            port,
            session: String::new(),
            _profile: profile,
        };
        let v = call(port, "POST", "/session", Some(&caps)).expect("a browser session");
        b.session = v["sessionId"].as_str().expect("session id").to_string();
        b
    }

    fn cmd(&self, method: &str, path: &str, body: Value) -> Value {
        let full = format!("/session/{}{path}", self.session);
        let body = (method == "POST").then_some(&body);
        call(self.port, method, &full, body).unwrap_or_else(|e| panic!("{e}"))
    }

    fn goto(&self, url: &str) {
        self.cmd("POST", "/url", json!({"url": url}));
    }

    fn url(&self) -> String {
        self.cmd("GET", "/url", json!({}))
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    fn js(&self, script: &str) -> Value {
        self.cmd(
            "POST",
            "/execute/sync",
            json!({"script": script, "args": []}),
        )
    }

    /// The first element matching `css`, waiting for it to appear.
    fn find(&self, css: &str) -> String {
        let t = Instant::now();
        loop {
            let full = format!("/session/{}/element", self.session);
            let body = json!({"using": "css selector", "value": css});
            if let Ok(v) = call(self.port, "POST", &full, Some(&body)) {
                return v[ELEMENT].as_str().expect("element id").to_string();
            }
            assert!(
                t.elapsed() < Duration::from_secs(10),
                "no element {css} on {}",
                self.url()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn click(&self, css: &str) {
        let el = self.find(css);
        self.cmd("POST", &format!("/element/{el}/click"), json!({}));
    }

    fn text(&self, css: &str) -> String {
        let el = self.find(css);
        self.cmd("GET", &format!("/element/{el}/text"), json!({}))
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    fn type_into(&self, css: &str, text: &str) {
        let el = self.find(css);
        self.cmd(
            "POST",
            &format!("/element/{el}/value"),
            json!({"text": text}),
        );
    }

    /// Press keys on whatever has the focus (the page's own shortcuts).
    fn keys(&self, keys: &str) {
        let mut actions = Vec::new();
        for k in keys.chars() {
            actions.push(json!({"type": "keyDown", "value": k.to_string()}));
            actions.push(json!({"type": "keyUp", "value": k.to_string()}));
        }
        self.cmd(
            "POST",
            "/actions",
            json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]}),
        );
        self.cmd("DELETE", "/actions", json!({}));
    }

    /// Press on one element, move to another, release.
    fn drag(&self, from: &str, to: &str) {
        let origin = |el: &str| json!({ ELEMENT: el });
        let (a, b) = (self.find(from), self.find(to));
        self.cmd(
            "POST",
            "/actions",
            json!({"actions": [{"type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"}, "actions": [
                {"type": "pointerMove", "origin": origin(&a), "x": 0, "y": 0},
                {"type": "pointerDown", "button": 0},
                {"type": "pointerMove", "origin": origin(&b), "x": 0, "y": 0, "duration": 100},
                {"type": "pointerUp", "button": 0},
            ]}]}),
        );
        self.cmd("DELETE", "/actions", json!({}));
    }

    /// Wait until the address satisfies `ok`.
    fn wait_url(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let t = Instant::now();
        loop {
            let u = self.url();
            if ok(&u) {
                return u;
            }
            assert!(
                t.elapsed() < Duration::from_secs(10),
                "expected {what}, still at {u}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn screenshot(&self, file: &Path) {
        use base64::Engine;
        let b64 = self.cmd("GET", "/screenshot", json!({}));
        let png = base64::engine::general_purpose::STANDARD
            .decode(b64.as_str().unwrap_or_default())
            .expect("a base64 PNG");
        std::fs::write(file, png).expect("write the screenshot");
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = call(
                self.port,
                "DELETE",
                &format!("/session/{}", self.session),
                None,
            );
        }
        // `driver` is dropped next: the driver and its browsers are killed.
    }
}

/// What every browser test starts from: the hostile corpus indexed and
/// served, and a browser; `None` (after a loud notice) when Chromium is
/// missing. Fields drop in order: the browser first, the folders last.
struct Session {
    b: Browser,
    s: Server,
    _idx: tempfile::TempDir,
    _corpus: tempfile::TempDir,
}

fn session(test: &str) -> Option<Session> {
    let (chromium, driver) = browser_programs(test)?;
    let corpus = hostile_corpus();
    let idx = index_of(corpus.path());
    let s = Server::start(idx.path(), &[]);
    let b = Browser::start(&chromium, &driver);
    Some(Session {
        b,
        s,
        _idx: idx,
        _corpus: corpus,
    })
}

/// Where a screenshot of the results page is kept after the tests.
fn artifact(name: &str) -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join(name)
}

#[test]
fn search_filter_open_and_keyboard_in_chromium() {
    let Some(t) = session("search_filter_open_and_keyboard_in_chromium") else {
        return;
    };
    let (b, s) = (&t.b, &t.s);

    // Type a query into the box and submit it.
    b.goto(&s.url("/"));
    b.type_into("#q", "nuclear\u{E007}");
    b.wait_url("a search for nuclear", |u| u.contains("q=nuclear"));
    let count = b.text("#count");
    assert!(
        count.contains("articles for") && count.contains("nuclear"),
        "{count}"
    );
    let all: u64 = count
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .expect("a hit count");

    // The page, as a reader sees it: kept as a test artifact.
    let shot = artifact("serve-results.png");
    b.screenshot(&shot);
    println!("screenshot of the results page: {}", shot.display());
    if std::env::var_os("NEWSIDX_UPDATE_SCREENSHOT").is_some() {
        let readme = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/serve-screenshot.png");
        std::fs::copy(&shot, &readme).expect("update the README's screenshot");
    }

    // A facet narrows the search, and the URL says so.
    let label = b.text("ul.facet[data-facet=country] li a");
    b.click("ul.facet[data-facet=country] li a");
    let u = b.wait_url("a country filter", |u| u.contains("country="));
    let narrowed: u64 = b
        .text("#count")
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .expect("a hit count");
    assert!(narrowed <= all, "{narrowed} > {all}");
    assert!(
        b.text(".filters").contains("country:"),
        "the filter shows at {u}"
    );
    let chips: Value = b.js(
        "return Array.from(document.querySelectorAll('article.hit')).map(h => h.querySelector('.chips').textContent)",
    );
    for c in chips.as_array().expect("hits") {
        assert!(
            c.as_str().unwrap_or_default().contains(&label),
            "{label} missing in {c}"
        );
    }

    // A click on a timeline bar narrows the dates to its period.
    b.click("#timeline a.bar:last-of-type");
    let u = b.wait_url("a date range", |u| {
        u.contains("since=") && u.contains("until=")
    });
    assert!(
        u.contains("country="),
        "the click kept the other filters: {u}"
    );

    // Dragging over bars selects their span.
    b.goto(&s.url("/?q=*"));
    let bars = b.js("return document.querySelectorAll('#timeline a.bar').length");
    let n = bars.as_u64().expect("bars");
    assert!(n >= 3, "{n} bars");
    let period = |i: u64| {
        b.js(&format!(
            "return document.querySelectorAll('#timeline a.bar')[{i}].getAttribute('data-period')"
        ))
        .as_str()
        .unwrap_or_default()
        .to_string()
    };
    let (first, third) = (period(0), period(2));
    b.drag(
        "#timeline a.bar:nth-of-type(1) rect.area",
        "#timeline a.bar:nth-of-type(3) rect.area",
    );
    let u = b.wait_url("the dragged range", |u| u.contains("since="));
    assert!(
        u.contains(&format!("since={first}")) && u.contains(&format!("until={third}")),
        "{u}"
    );

    // Keyboard: / focuses the box; j/k move between hits; Enter opens.
    b.goto(&s.url("/?q=reactor"));
    b.keys("/");
    assert_eq!(b.js("return document.activeElement.id"), "q");
    b.keys("\u{E00C}"); // Escape leaves the box
    b.keys("jj");
    assert_eq!(
        b.js("return document.querySelector('.hit.selected').dataset.rank"),
        "2"
    );
    b.keys("k");
    assert_eq!(
        b.js("return document.querySelector('.hit.selected').dataset.rank"),
        "1"
    );
    let title = b.text(".hit.selected a.title");
    b.keys("\u{E007}");
    b.wait_url("an article", |u| u.contains("/doc/"));
    assert_eq!(b.text("h1"), title);
    // The article marks every match; n walks through them.
    let marks = b.js("return document.querySelectorAll('.doc-body mark').length");
    assert!(marks.as_u64().unwrap_or(0) >= 1, "{marks}");
    b.keys("n");
    assert_eq!(
        b.js("return document.querySelectorAll('mark.current').length"),
        1
    );
    assert!(b.text("#match-pos").starts_with("1 of "));
    // ? lists the keys.
    assert_eq!(b.js("return document.getElementById('keys').hidden"), true);
    b.keys("?");
    assert_eq!(b.js("return document.getElementById('keys').hidden"), false);

    // A misspelt query offers the respelling; a click runs it.
    b.goto(&s.url("/?q=fukushma"));
    assert!(b.text("#suggestion").starts_with("Did you mean fukushima?"));
    b.click("#suggestion a");
    b.wait_url("the suggested query", |u| u.contains("q=fukushima"));
    assert!(b.text("#count").contains("articles for"));
    // The results offer their CSV; an article lists similar stories, and a
    // click opens one.
    assert!(b.text("a.csv") == "CSV");
    b.click("article.hit a.title");
    let first = b.wait_url("an article", |u| u.contains("/doc/"));
    let similar = b.text("#similar li a");
    b.click("#similar li a");
    b.wait_url("a similar story", |u| u.contains("/doc/") && u != first);
    assert_eq!(b.text("h1"), similar);
}

#[test]
fn injected_script_never_runs_in_chromium() {
    let Some(t) = session("injected_script_never_runs_in_chromium") else {
        return;
    };
    let (b, s) = (&t.b, &t.s);

    for target in [
        "/?q=reactor",
        "/doc/hostile/script-everywhere.json?q=reactor+leak",
        "/doc/hostile/%3Cimg%20src%3Dx%20onerror%3Dwindow.__pwned%3D6%3E.json?q=reactor",
    ] {
        b.goto(&s.url(target));
        b.find("main");
        // Give an injected handler (an image error, an onload) time to fire.
        std::thread::sleep(Duration::from_millis(300));
        assert_eq!(
            b.js("return typeof window.__pwned"),
            "undefined",
            "{target}"
        );
        // No element came from article text: one script (ours), no images,
        // no SVG but the timeline, no link to a javascript: address.
        assert_eq!(b.js("return document.scripts.length"), 1, "{target}");
        assert_eq!(b.js("return document.images.length"), 0, "{target}");
        assert_eq!(
            b.js("return document.querySelectorAll('svg:not(#timeline), iframe').length"),
            0,
            "{target}"
        );
        assert_eq!(
            b.js("return document.querySelectorAll('a[href^=\"javascript\" i]').length"),
            0,
            "{target}"
        );
    }
    // The hostile title is on the article page as the text it is.
    b.goto(&s.url("/doc/hostile/script-everywhere.json"));
    assert!(
        b.text("h1")
            .starts_with("<script>window.__pwned = 1</script>")
    );
    assert!(b.text("dl.meta").contains("javascript:window.__pwned=2"));
}
