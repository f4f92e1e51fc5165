//! `newsidx serve` over plain HTTP: status codes, content types, caching and
//! security headers, the API's JSON against the CLI's and the schemas,
//! escaping of hostile articles, ids that try to leave the index, limits on
//! what a client may send, cut-off searches, and an index that changes under
//! a running server. (Chromium drives the page in `browser.rs`.)

use super::common::{Indexed, index_folder};
use super::web::{HOSTILE_FILE, Server, hostile_corpus, index_of, repo_file};
use serde_json::Value;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// Validate `v` against `schema/FILE`, listing every error.
fn assert_schema(file: &str, v: &Value) {
    let text = std::fs::read_to_string(repo_file(&format!("schema/{file}"))).expect("schema");
    let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("a valid JSON Schema");
    let errors: Vec<String> = validator.iter_errors(v).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{file}: {errors:#?}\n{v:#}");
}

fn cli_json(ix: &Indexed, args: &[&str]) -> Value {
    let out = ix.cmd(args).output().expect("newsidx runs");
    serde_json::from_slice(&out.stdout).expect("the CLI prints JSON")
}

fn without_took(mut v: Value) -> Value {
    if let Some(o) = v.as_object_mut() {
        o.remove("took_ms");
    }
    v
}

#[test]
fn pages_assets_and_their_headers() {
    let ix = Indexed::sample();
    let s = Server::start(ix.path(), &[]);

    let front = s.get("/");
    assert_eq!(front.status, 200);
    assert_eq!(
        front.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(front.header("cache-control"), Some("no-cache"));
    assert_eq!(front.header("x-content-type-options"), Some("nosniff"));
    let csp = front.header("content-security-policy").unwrap_or_default();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert!(front.body.contains("Search the archive"), "{}", front.body);
    assert!(
        front.body.contains("49"),
        "the front page counts the articles"
    );

    // The stylesheet and script the page links, by content-hashed names.
    for (ext, ctype) in [(".css", "text/css"), (".js", "text/javascript")] {
        let href = front
            .body
            .split('"')
            .find(|a| a.starts_with("/assets/") && a.ends_with(ext))
            .unwrap_or_else(|| panic!("the page links a {ext}"));
        let a = s.get(href);
        assert_eq!(a.status, 200, "{href}");
        assert!(
            a.header("content-type")
                .unwrap_or_default()
                .starts_with(ctype)
        );
        assert_eq!(
            a.header("cache-control"),
            Some("public, max-age=31536000, immutable")
        );
        assert!(
            !a.body.contains("http://") && !a.body.contains("https://"),
            "{href} reaches out"
        );
    }
    assert_eq!(s.get("/assets/app.css").status, 404);
    assert_eq!(s.get("/nowhere").status, 404);
    assert_eq!(s.get("/api/nowhere").status, 404);

    // Results: the count the CLI gives, every hit linking to its page.
    let cli = ix.search_json("Fukushima", &["--duplicates", "show"]);
    let page = s.get("/?q=Fukushima");
    assert_eq!(page.status, 200);
    let total = cli["total_hits"].as_u64().expect("total");
    assert!(
        page.body.contains(&format!("{total} articles")),
        "{}",
        page.body
    );
    let first = cli["hits"][0]["id"].as_str().expect("id");
    assert!(
        page.body
            .contains(&format!("href=\"/doc/{first}?q=Fukushima\"")),
        "{}",
        page.body
    );
    // Facets, timeline and sort links are there, and the state is in them.
    assert!(page.body.contains("data-facet=\"country\""));
    assert!(page.body.contains("id=\"timeline\""));
    assert!(page.body.contains("href=\"/?q=Fukushima&amp;sort=date\""));

    // HEAD: the headers of GET, no body.
    let head = s.raw(&format!(
        "HEAD /?q=Fukushima HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        s.addr
    ));
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert!(head.header("content-length").is_some_and(|l| l != "0"));
}

#[test]
fn the_api_answers_exactly_what_the_cli_prints() {
    let ix = Indexed::sample();
    let s = Server::start(ix.path(), &[]);

    let api = s.json(
        "/api/search?q=%22rare+earth%22&facet=country&facet=section&facet=minister&timeline=1&limit=5",
        200,
    );
    assert_schema("search-output.schema.json", &api);
    let cli = cli_json(
        &ix,
        &[
            "search",
            "\"rare earth\"",
            "--facet",
            "country",
            "--facet",
            "section",
            "--facet",
            "minister",
            "--timeline",
            "-n",
            "5",
            "--format",
            "json",
            // The page lists every article; near-duplicates are folded by
            // the CLI only.
            "--duplicates",
            "show",
        ],
    );
    assert_eq!(without_took(api), without_took(cli));

    // Filters and paging as the CLI's flags.
    let api = s.json(
        "/api/search?q=nuclear&country=japan&since=2011-03&until=2011&sort=date&offset=1&limit=3",
        200,
    );
    let cli = cli_json(
        &ix,
        &[
            "search",
            "nuclear",
            "--country",
            "japan",
            "--since",
            "2011-03",
            "--until",
            "2011",
            "--sort",
            "date",
            "--offset",
            "1",
            "-n",
            "3",
            "--format",
            "json",
            "--duplicates",
            "show",
        ],
    );
    assert_eq!(without_took(api), without_took(cli));

    let id = "energy/india-japan-rare-earth-pact.txt";
    let doc = s.json(&format!("/api/doc/{id}"), 200);
    assert_schema("show-output.schema.json", &doc);
    assert_eq!(doc, cli_json(&ix, &["show", id, "--format", "json"]));

    let stats = s.json("/api/stats?top=5", 200);
    assert_schema("stats-output.schema.json", &stats);
    assert_eq!(
        stats,
        cli_json(&ix, &["stats", "--top", "5", "--format", "json"])
    );
}

#[test]
fn errors_say_what_is_wrong_with_the_right_status() {
    let ix = Indexed::sample();
    let s = Server::start(ix.path(), &[]);

    // A query error points at its column, on the page and in the API.
    let page = s.get("/?q=nuclear+AND+%28japan");
    assert_eq!(page.status, 400);
    assert!(page.body.contains("column"), "{}", page.body);
    assert!(page.body.contains("nuclear AND (japan\n"), "{}", page.body);
    let e = s.json("/api/search?q=title%3A", 400);
    assert_schema("serve-error.schema.json", &e);
    assert_eq!(e["error"]["status"], 400);
    assert!(e["error"]["column"].as_u64().is_some(), "{e}");
    let e = s.json("/api/search?q=nuclear&sort=size", 400);
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .starts_with("sort:"),
        "{e}"
    );
    let e = s.json("/api/search?q=x&country=Atlantis", 400);
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("Atlantis"),
        "{e}"
    );
    let long = "a".repeat(1001);
    let e = s.json(&format!("/api/search?q={long}"), 400);
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("too long"),
        "{e}"
    );
    let e = s.json("/api/doc/no/such.txt", 404);
    assert_schema("serve-error.schema.json", &e);

    // Nothing matches: a page that says so, status 200 (it is an answer).
    let none = s.get("/?q=zzzqqqxxx");
    assert_eq!(none.status, 200);
    assert!(none.body.contains("No articles match"), "{}", none.body);
}

#[test]
fn hostile_articles_are_shown_as_text() {
    let corpus = hostile_corpus();
    let idx = index_of(corpus.path());
    let s = Server::start(idx.path(), &[]);

    let page = s.get("/?q=reactor+leak");
    assert_eq!(page.status, 200);
    assert!(
        page.body
            .contains("&lt;script&gt;window.__pwned = 1&lt;/script&gt;"),
        "{}",
        page.body
    );
    for raw in [
        "<script>window",
        "<img src=x",
        "<svg onload",
        "javascript:window",
    ] {
        assert!(
            !page.body.contains(raw),
            "{raw:?} reached the page:\n{}",
            page.body
        );
    }

    let doc = s.get("/doc/hostile/script-everywhere.json?q=reactor");
    assert_eq!(doc.status, 200);
    for raw in [
        "<script>window",
        "<img src=x",
        "<svg onload",
        "href=\"javascript:",
    ] {
        assert!(
            !doc.body.contains(raw),
            "{raw:?} reached the article page:\n{}",
            doc.body
        );
    }
    // The url is there, as text; the path is text too, never a file:// link.
    assert!(
        doc.body.contains("javascript:window.__pwned=2"),
        "{}",
        doc.body
    );
    assert!(!doc.body.contains("file://"));
    assert!(
        doc.body.contains("<mark id=\"m1\">"),
        "matches are marked: {}",
        doc.body
    );

    // A file name with markup: escaped in the page, encoded in links, found.
    let page = s.get("/?q=hostile+name");
    assert!(
        !page.body.contains("<img src=x onerror=window.__pwned=6>"),
        "{}",
        page.body
    );
    let href = "/doc/hostile/%3Cimg%20src%3Dx%20onerror%3Dwindow.__pwned%3D6%3E.json";
    assert!(page.body.contains(href), "{}", page.body);
    assert_eq!(s.get(href).status, 200);
    let api = s.json(&format!("/api/doc{}", &href[4..]), 200);
    assert_eq!(api["document"]["id"], format!("hostile/{HOSTILE_FILE}"));
}

#[test]
fn ids_cannot_reach_files_outside_the_index() {
    let ix = Indexed::sample();
    let s = Server::start(ix.path(), &[]);
    for target in [
        "/doc/../../etc/passwd",
        "/doc/..%2F..%2F..%2Fetc%2Fpasswd",
        "/doc/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/doc/%252e%252e%252fetc%252fpasswd",
        "/doc//etc/passwd",
        "/api/doc/../../../etc/passwd",
        "/api/doc/%2Fetc%2Fpasswd",
        "/assets/../../../../etc/passwd",
        "/assets/%2e%2e%2f%2e%2e%2fCargo.toml",
        "/../../../etc/passwd",
    ] {
        let r = s.raw(&format!(
            "GET {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            s.addr
        ));
        assert!(r.status == 404 || r.status == 400, "{target}: {}", r.status);
        assert!(!r.body.contains("root:"), "{target} read /etc/passwd");
        assert!(!r.body.contains("[package]"), "{target} read Cargo.toml");
    }
}

#[test]
fn requests_over_the_limits_are_refused() {
    let ix = Indexed::sample();
    let s = Server::start(ix.path(), &["--head-timeout", "300"]);
    let host = format!("Host: {}\r\n", s.addr);

    let post = s.raw(&format!(
        "POST /api/search HTTP/1.1\r\n{host}Content-Length: 2\r\n\r\n{{}}"
    ));
    assert_eq!(post.status, 405);
    assert_eq!(post.header("allow"), Some("GET, HEAD"));
    let body = s.raw(&format!(
        "GET / HTTP/1.1\r\n{host}Content-Length: 5\r\n\r\nhello"
    ));
    assert_eq!(body.status, 413);
    let uri = s.raw(&format!(
        "GET /?q={} HTTP/1.1\r\n{host}\r\n",
        "a".repeat(20_000)
    ));
    assert_eq!(uri.status, 414);
    let headers = s.raw(&format!(
        "GET / HTTP/1.1\r\n{host}X-Pad: {}\r\n\r\n",
        "a".repeat(20_000)
    ));
    assert_eq!(headers.status, 431);
    let garbage = s.raw("\u{16}\u{3}\u{1}\u{2}\u{0}hello\r\n\r\n");
    assert_eq!(garbage.status, 400);
    // Safe by default: a name that is not loopback is refused (DNS rebinding).
    let rebound = s.raw("GET / HTTP/1.1\r\nHost: archive.example.com\r\nConnection: close\r\n\r\n");
    assert_eq!(rebound.status, 403);

    // A client that trickles its request is cut off.
    let mut c = TcpStream::connect(&s.addr).expect("connect");
    c.write_all(b"GET / HTTP/1.1\r\n").expect("send");
    let t = Instant::now();
    c.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let mut buf = Vec::new();
    let _ = c.read_to_end(&mut buf);
    let r = super::web::Reply::parse(&buf);
    assert_eq!(r.status, 408, "{}", String::from_utf8_lossy(&buf));
    assert!(t.elapsed() < Duration::from_secs(5));

    // Keep-alive: two requests on one connection.
    let mut c = TcpStream::connect(&s.addr).expect("connect");
    c.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let get = format!("GET /api/stats HTTP/1.1\r\n{host}\r\n");
    c.write_all(get.as_bytes()).expect("send");
    c.write_all(format!("GET /api/stats HTTP/1.1\r\n{host}Connection: close\r\n\r\n").as_bytes())
        .expect("send");
    let mut buf = Vec::new();
    let _ = c.read_to_end(&mut buf);
    let text = String::from_utf8_lossy(&buf);
    assert_eq!(text.matches("HTTP/1.1 200 OK").count(), 2, "{text}");
}

#[test]
fn slow_searches_are_cut_off_with_a_message() {
    let ix = Indexed::sample();
    // Every search takes longer than no time at all.
    let s = Server::start(ix.path(), &["--search-timeout", "0"]);
    let page = s.get("/?q=reactor");
    assert_eq!(page.status, 503);
    assert!(page.body.contains("cut off"), "{}", page.body);
    assert_eq!(page.header("retry-after"), Some("1"));
    let e = s.json("/api/search?q=reactor", 503);
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("cut off"),
        "{e}"
    );
    // What needs no index is still served.
    assert_eq!(s.get("/nowhere").status, 404);
}

#[test]
fn new_articles_appear_after_the_next_commit_without_a_restart() {
    let corpus = tempfile::tempdir().expect("temp dir");
    let dir = corpus.path().join("energy");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(
        dir.join("first.txt"),
        "Reactor restarts\n\nThe reactor restarted today.\n",
    )
    .expect("write");
    let idx = index_of(corpus.path());
    let s = Server::start(idx.path(), &[]);
    let count = |q: &str| s.json(&format!("/api/search?q={q}"), 200)["total_hits"].as_u64();
    assert_eq!(count("reactor"), Some(1));
    assert_eq!(count("zeolite"), Some(0));

    std::fs::write(
        dir.join("second.txt"),
        "Zeolite filters installed\n\nZeolite filters now clean the reactor water.\n",
    )
    .expect("write");
    index_folder(corpus.path(), idx.path());
    let t = Instant::now();
    while count("zeolite") != Some(1) {
        assert!(
            t.elapsed() < Duration::from_secs(15),
            "the new article never showed"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(count("reactor"), Some(2));
    let page = s.get("/?q=zeolite");
    assert!(
        page.body
            .contains("href=\"/doc/energy/second.txt?q=zeolite\""),
        "{}",
        page.body
    );
}

#[test]
fn serve_corpus_indexes_it_first() {
    // As the README's first command: `serve --corpus DIR` builds DIR's
    // index (in DIR/.newsidx) and serves it.
    let corpus = tempfile::tempdir().expect("temp dir");
    let dir = corpus.path().join("energy");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(
        dir.join("a.txt"),
        "Reactor restarts\n\nThe reactor restarted today.\n",
    )
    .expect("write");
    let s = Server::start_with(&["--corpus".into(), corpus.path().into()]);
    assert!(corpus.path().join(".newsidx/meta.json").is_file());
    let page = s.get("/?q=reactor");
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("href=\"/doc/energy/a.txt?q=reactor\""),
        "{}",
        page.body
    );
}

#[test]
fn open_starts_the_browser_in_dollar_browser_with_the_address() {
    // `--open` runs $BROWSER (the first of its colon-separated commands,
    // the address appended); here a script that writes down what it got.
    let ix = Indexed::sample();
    let dir = tempfile::tempdir().expect("temp dir");
    let got = dir.path().join("opened");
    let script = dir.path().join("browser.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$@\" > '{0}.tmp' && mv '{0}.tmp' '{0}'\n",
            got.display()
        ),
    )
    .expect("write the script");
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    let browser = format!("{}:/nonexistent/second-choice", script.display());
    let s = Server::start_env(
        &["--index".into(), ix.path().into(), "--open".into()],
        &[("BROWSER", std::ffi::OsStr::new(&browser))],
    );
    let t = Instant::now();
    while !got.exists() {
        assert!(
            t.elapsed() < Duration::from_secs(20),
            "--open never ran $BROWSER"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let opened = std::fs::read_to_string(&got).expect("read what was opened");
    assert_eq!(opened.trim_end(), s.url("/"), "one argument: the address");
    // The page at that address answers.
    assert_eq!(s.get("/").status, 200);
}

#[test]
fn suggestions_similar_stories_and_csv_as_the_cli_gives_them() {
    let ix = Indexed::sample();
    let s = Server::start(ix.path(), &[]);

    // Did you mean: the API carries the CLI's suggestion, the page offers
    // it as a link that keeps the filters.
    let api = s.json("/api/search?q=fukushma+reactor", 200);
    assert_schema("search-output.schema.json", &api);
    assert_eq!(api["suggestion"]["query"], "fukushima reactor", "{api:#}");
    // The server lists every article: the CLI's `--duplicates show`.
    let cli = cli_json(
        &ix,
        &[
            "search",
            "fukushma reactor",
            "--format",
            "json",
            "--duplicates",
            "show",
        ],
    );
    assert_eq!(without_took(api.clone()), without_took(cli));
    let page = s.get("/?q=fukushma+reactor&country=JP");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("id=\"suggestion\""), "{}", page.body);
    assert!(
        page.body
            .contains("href=\"/?q=fukushima%20reactor&amp;country=JP\""),
        "{}",
        page.body
    );
    // No suggestion when the query finds enough.
    assert!(
        s.json("/api/search?q=fukushima", 200)
            .get("suggestion")
            .is_none()
    );
    assert!(!s.get("/?q=fukushima").body.contains("id=\"suggestion\""));

    // Similar stories: the article page lists `newsidx similar ID`'s top
    // hits, linked; the API's `like` is `--like`.
    const FUKU: &str = "science/2011-04-12-fukushima-raised-to-level-seven.txt";
    let cli = cli_json(&ix, &["similar", FUKU, "--format", "json", "-n", "5"]);
    assert_eq!(cli["unit"], "articles");
    let want: Vec<&str> = cli["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|h| h["id"].as_str().expect("id"))
        .collect();
    assert_eq!(want.len(), 5);
    let doc = s.get(&format!("/doc/{FUKU}?q=reactor"));
    assert_eq!(doc.status, 200);
    let similar = doc
        .body
        .split("id=\"similar\"")
        .nth(1)
        .expect("a similar-stories section");
    let linked: Vec<&str> = similar
        .split("href=\"/doc/")
        .skip(1)
        .filter_map(|rest| rest.split('?').next())
        .collect();
    assert_eq!(linked, want, "in the CLI's order, carrying the search");
    assert!(similar.contains(&format!("href=\"/?like={}\"", FUKU.replace('/', "%2F"))));
    let api = s.json(&format!("/api/search?like={FUKU}&limit=5"), 200);
    assert_eq!(
        without_took(api),
        without_took(cli_json(
            &ix,
            &[
                "search",
                "*",
                "--like",
                FUKU,
                "--format",
                "json",
                "-n",
                "5",
                "--duplicates",
                "show"
            ]
        ))
    );
    let page = s.get(&format!("/?like={FUKU}"));
    assert_eq!(page.status, 200);
    assert!(page.body.contains("like: science/"), "{}", page.body);
    assert_eq!(s.get("/api/search?like=nope.txt").status, 400);

    // `similar:ID` in the query box and the API's `q`, as the CLI reads it
    // in its query: the same JSON, alone or with more words.
    for q in [format!("similar:{FUKU}"), format!("similar:{FUKU} reactor")] {
        let api = s.json(
            &format!("/api/search?q={}&limit=5", q.replace(' ', "+")),
            200,
        );
        assert_schema("search-output.schema.json", &api);
        assert!(!api["hits"].as_array().expect("hits").is_empty(), "{api:#}");
        let cli = cli_json(
            &ix,
            &[
                "search",
                &q,
                "--format",
                "json",
                "-n",
                "5",
                "--duplicates",
                "show",
            ],
        );
        assert_eq!(without_took(api), without_took(cli), "{q}");
    }
    // The page: the article as a chip that can be taken off, and its
    // similar stories as hits.
    let page = s.get(&format!("/?q=similar%3A{}", FUKU.replace('/', "%2F")));
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("like: science/"), "{}", page.body);
    assert!(
        page.body.contains(&format!("href=\"/doc/{}", want[0])),
        "{}",
        page.body
    );
    // An id that is missing or unknown, or given twice, is a 400 that says so.
    let r = s.json("/api/search?q=similar:", 400);
    assert!(
        r["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("needs an article id")),
        "{r:#}"
    );
    assert_eq!(s.get("/api/search?q=similar:nope.txt").status, 400);
    let r = s.json(&format!("/api/search?q=similar:{FUKU}&like={FUKU}"), 400);
    assert!(r.to_string().contains("not both"), "{r:#}");
    let page = s.get("/?q=similar%3Anope.txt");
    assert_eq!(page.status, 400);
    assert!(page.body.contains("nope.txt"), "{}", page.body);

    // CSV of the current search: the bytes `search --format csv` prints,
    // as a download; the page links it with its filters.
    let r = s.get("/api/search?q=nuclear&country=JP&sort=date&format=csv&limit=1000");
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.header("content-type"), Some("text/csv; charset=utf-8"));
    assert!(
        r.header("content-disposition")
            .is_some_and(|d| d.starts_with("attachment")),
        "{:?}",
        r.headers
    );
    let out = ix
        .cmd(&[
            "search",
            "nuclear",
            "--country",
            "JP",
            "--sort",
            "date",
            "-n",
            "1000",
            "--format",
            "csv",
            "--duplicates",
            "show",
        ])
        .output()
        .expect("newsidx runs");
    assert_eq!(r.body, String::from_utf8_lossy(&out.stdout));
    assert!(r.body.lines().count() > 2, "{}", r.body);
    let page = s.get("/?q=nuclear&country=JP&sort=date&page=2");
    assert!(
        page.body.contains(
            "href=\"/api/search?q=nuclear&amp;country=JP&amp;sort=date&amp;format=csv&amp;limit=1000\""
        ),
        "{}",
        page.body
    );
    // Facets have no place in CSV; a wrong format is a 400.
    let r = s.get("/api/search?q=nuclear&facet=country&format=csv");
    assert_eq!(r.status, 200);
    assert!(r.body.starts_with("rank,score,id,path,"), "{}", r.body);
    assert_eq!(s.get("/api/search?q=nuclear&format=xml").status, 400);
}
