//! `newsidx push` and `--remote` against a real OpenSearch cluster, started
//! here from Maven Central artifacts by `tests/opensearch/start-node.sh` (a
//! single node, and a three-node cluster) on loopback ports and stopped at
//! the end. Without Java or Maven the tests say so loudly and skip, unless
//! `NEWSIDX_REQUIRE_ALL=1` (set by `.ci/run`), which turns the skip into a
//! failure.

use crate::common::{Indexed, index_folder, newsidx, sample_corpus};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// One cluster at a time: two would compete for the machine's cores.
static CLUSTERS: Mutex<()> = Mutex::new(());

struct Node {
    child: Option<Child>,
    http: u16,
    home: PathBuf,
}

struct Cluster {
    nodes: Vec<Node>,
    _dir: tempfile::TempDir,
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for n in &mut self.nodes {
            n.stop();
        }
    }
}

impl Node {
    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.http)
    }

    fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(self.home.join("node.log")).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }
}

impl Cluster {
    /// All node addresses, comma-separated (what `--to`/`--remote` take).
    fn urls(&self) -> String {
        self.nodes
            .iter()
            .map(Node::url)
            .collect::<Vec<_>>()
            .join(",")
    }
}

fn have(program: &str, arg: &str) -> bool {
    Command::new(program)
        .arg(arg)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Start `n` nodes (one: a single-node cluster), or `None` when Java or
/// Maven is missing and the caller may skip.
fn start(n: usize, heap: &str) -> Option<Cluster> {
    if !(have("java", "-version") && have("mvn", "-v")) {
        let msg = "Java 17 and Maven (mvn) are needed to start OpenSearch for the remote tests \
                   (apt-get install openjdk-17-jre-headless maven)";
        if std::env::var("NEWSIDX_REQUIRE_ALL").as_deref() == Ok("1") {
            panic!("NEWSIDX_REQUIRE_ALL=1 and {msg}");
        }
        eprintln!(
            "\n{}\n!!! SKIPPED: {msg}\n{}\n",
            "!".repeat(72),
            "!".repeat(72)
        );
        return None;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let ports: Vec<u16> = (0..2 * n).map(|_| free_port()).collect();
    let seeds = if n > 1 {
        ports[n..]
            .iter()
            .map(|p| p.to_string())
            .collect::<Vec<_>>()
            .join(",")
    } else {
        String::new()
    };
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/opensearch/start-node.sh");
    let dist = Path::new(env!("CARGO_TARGET_TMPDIR")).join("opensearch-dist");
    let mut nodes = Vec::new();
    for i in 0..n {
        let home = dir.path().join(format!("n{}", i + 1));
        std::fs::create_dir_all(&home).expect("node folder");
        let log = std::fs::File::create(home.join("node.log")).expect("node log");
        let child = Command::new("bash")
            .arg(&script)
            .arg(&home)
            .arg(format!("n{}", i + 1))
            .arg(ports[i].to_string())
            .arg(ports[n + i].to_string())
            .arg(&seeds)
            .env("OPENSEARCH_DIST", &dist)
            .env("OPENSEARCH_HEAP", heap)
            .env("OPENSEARCH_PARENT_PID", std::process::id().to_string())
            // C1 only: the JVM starts in about half the time, and the tests
            // send too little for the optimizing compiler to pay off. One
            // processor each: thread pools sized for a shared 2-core machine.
            .env("OPENSEARCH_JAVA_OPTS", "-XX:TieredStopAtLevel=1")
            .env("OPENSEARCH_PROCESSORS", "1")
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log handle"))
            .stderr(log)
            .spawn()
            .expect("start-node.sh starts");
        nodes.push(Node {
            child: Some(child),
            http: ports[i],
            home,
        });
    }
    let mut c = Cluster { nodes, _dir: dir };
    // The first start lays out the jars (maven); later ones take seconds.
    let deadline = Instant::now() + Duration::from_secs(420);
    loop {
        let health = get(&c.nodes[0].url(), "/_cluster/health");
        if health["number_of_nodes"].as_u64() == Some(n as u64) {
            return Some(c);
        }
        for node in &mut c.nodes {
            if let Some(Ok(Some(status))) = node.child.as_mut().map(|ch| ch.try_wait()) {
                panic!(
                    "an OpenSearch node exited ({status}) before the cluster formed:\n{}",
                    node.log_tail()
                );
            }
        }
        assert!(
            Instant::now() < deadline,
            "the OpenSearch cluster did not form in time:\n{}",
            c.nodes[0].log_tail()
        );
        std::thread::sleep(Duration::from_millis(500));
    }
}

/// A line on stderr with the seconds since `t0`: CI logs show where the
/// time of these slow tests goes.
fn step(t0: Instant, what: &str) {
    eprintln!("remote test: {:>6.1} s  {what}", t0.elapsed().as_secs_f64());
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

/// GET a JSON answer (`Null` when the node does not answer).
fn get(url: &str, path: &str) -> Value {
    match agent().get(format!("{url}{path}")).call() {
        Ok(mut r) => r
            .body_mut()
            .read_to_string()
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or(Value::Null),
        Err(_) => Value::Null,
    }
}

fn put(url: &str, path: &str, body: &Value) -> u16 {
    agent()
        .put(format!("{url}{path}"))
        .header("Content-Type", "application/json")
        .send(body.to_string())
        .map(|r| r.status().as_u16())
        .unwrap_or(0)
}

/// Documents in index `name`, after a refresh.
fn remote_count(url: &str, name: &str) -> u64 {
    let _ = agent().post(format!("{url}/{name}/_refresh")).send_empty();
    get(url, &format!("/{name}/_count"))["count"]
        .as_u64()
        .unwrap_or(0)
}

/// POST a JSON body, read the JSON answer.
fn post(url: &str, path: &str, body: &Value) -> Value {
    let mut r = agent()
        .post(format!("{url}{path}"))
        .header("Content-Type", "application/json")
        .send(body.to_string())
        .expect("the node answers");
    serde_json::from_str(&r.body_mut().read_to_string().expect("answer")).expect("JSON")
}

/// Every id in index `name`, sorted, with duplicates kept.
fn remote_ids(url: &str, name: &str) -> Vec<String> {
    let body = json!({ "size": 10_000, "_source": ["id"], "query": { "match_all": {} } });
    let v = post(url, &format!("/{name}/_search"), &body);
    let mut ids: Vec<String> = v["hits"]["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .filter_map(|h| h["_source"]["id"].as_str().map(str::to_string))
        .collect();
    ids.sort();
    ids
}

fn push(urls: &str, corpus: &Path, extra: &[&str]) -> Value {
    let out = newsidx()
        .env_remove("NEWSIDX_REMOTE")
        .env_remove("NEWSIDX_REMOTE_AUTH")
        .arg("push")
        .arg(corpus)
        .args(["--to", urls, "--format", "json"])
        .args(extra)
        .output()
        .expect("newsidx runs");
    assert!(
        out.status.success(),
        "push failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("push prints a JSON summary")
}

/// The sample corpus copied, so that a test may change it.
fn corpus_copy(dir: &Path) -> PathBuf {
    let to = dir.join("corpus");
    let status = Command::new("cp")
        .arg("-r")
        .arg(sample_corpus())
        .arg(&to)
        .status()
        .expect("cp runs");
    assert!(status.success());
    to
}

/// `n` generated articles (and one JSON Lines file of 50 records) under
/// `corpus/generated`.
fn generate(corpus: &Path, n: usize) {
    const WORDS: [&str; 16] = [
        "reactor",
        "tariff",
        "minister",
        "harvest",
        "election",
        "pipeline",
        "currency",
        "summit",
        "drought",
        "border",
        "satellite",
        "vaccine",
        "strike",
        "budget",
        "port",
        "treaty",
    ];
    let dir = corpus.join("generated");
    std::fs::create_dir_all(&dir).expect("generated folder");
    for i in 0..n {
        let w = |k: usize| WORDS[(i * 7 + k * 3) % WORDS.len()];
        let body: Vec<&str> = (0..40).map(|k| w(k + i % 5)).collect();
        let text = format!(
            "Report {i}: {} and {}\n\nPublished 2012-{:02}-{:02}. {}.\n",
            w(1),
            w(2),
            1 + i % 12,
            1 + i % 28,
            body.join(" ")
        );
        std::fs::write(dir.join(format!("a{i:05}.txt")), text).expect("write article");
    }
    let lines: Vec<String> = (0..50)
        .map(|i| json!({ "title": format!("Wire {i}"), "body": format!("Wire story {i} about the treaty.") }).to_string())
        .collect();
    std::fs::write(dir.join("wire.jsonl"), lines.join("\n") + "\n").expect("write jsonl");
}

/// Documents a local index of `corpus` holds.
fn local_count(corpus: &Path) -> u64 {
    let dir = tempfile::tempdir().expect("temp dir");
    index_folder(corpus, dir.path());
    let out = newsidx()
        .args(["stats", "--format", "json", "--index"])
        .arg(dir.path())
        .output()
        .expect("stats runs");
    let v: Value = serde_json::from_slice(&out.stdout).expect("stats JSON");
    v["documents"].as_u64().expect("documents")
}

fn search_json(cmd: &mut assert_cmd::Command) -> Value {
    let out = cmd.output().expect("newsidx runs");
    assert!(
        out.status.code() == Some(0) || out.status.code() == Some(1),
        "search failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("search prints JSON")
}

#[test]
fn single_node_push_search_check_eval_and_increments() {
    let _one = CLUSTERS.lock().unwrap_or_else(|e| e.into_inner());
    let t0 = Instant::now();
    let Some(cluster) = start(1, "384m") else {
        return;
    };
    step(t0, "node up");
    let url = cluster.urls();
    let work = tempfile::tempdir().expect("temp dir");
    let corpus = corpus_copy(work.path());
    let local = Indexed::sample();
    let want = local_count(&corpus);

    // First push: everything; second: nothing.
    let s = push(&url, &corpus, &[]);
    assert_eq!(s["created"], true);
    assert_eq!(s["sent"].as_u64(), Some(want), "{s}");
    assert_eq!(s["remote_documents"].as_u64(), Some(want), "{s}");
    let s = push(&url, &corpus, &[]);
    assert_eq!(
        (s["sent"].as_u64(), s["files_sent"].as_u64()),
        (Some(0), Some(0)),
        "{s}"
    );
    assert_eq!(s["unchanged_files"].as_u64(), Some(want), "{s}");

    step(t0, "pushed twice");
    // stats --remote counts what local stats counts (the storage figures
    // are the cluster's own).
    const STATS: [&str; 5] = ["stats", "--top", "5", "--format", "json"];
    let stats = |c: &mut assert_cmd::Command| -> Value {
        let out = c.output().expect("stats runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut v: Value = serde_json::from_slice(&out.stdout).expect("stats JSON");
        for k in [
            "index",
            "corpus",
            "format_version",
            "schema_version",
            "segments",
            "size_bytes",
            "deleted_documents",
        ] {
            assert!(v.get(k).is_some(), "{k} missing: {v:#}");
            v.as_object_mut().expect("object").remove(k);
        }
        v
    };
    let ls = stats(&mut local.cmd(&STATS));
    let rs = stats(newsidx().args(STATS).args(["--remote", &url]));
    assert_eq!(ls, rs);
    assert_eq!(rs["documents"].as_u64(), Some(want));
    assert!(rs["countries"][0]["code"].is_string(), "{rs:#}");
    newsidx()
        .args(["stats", "--remote", &url])
        .assert()
        .success()
        .stdout(predicates::str::contains(format!("documents   {want}")));
    // The saved queries pass remotely as they do locally.
    newsidx()
        .args(["check", "tests/data/sample-queries.toml", "--remote", &url])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .assert()
        .success()
        .stdout(predicates::str::contains("18 passed, 0 failed"));

    // Same matches, snippets, marks, facets and timeline as the local index.
    for q in [
        "nuclear",
        "\"rare earth\"",
        "country:japan",
        "minister:gemba",
        "nuclear -japan",
        "reactor OR tariff",
        "fuku*",
        "gemba~1",
        "date:2011",
        "*",
    ] {
        let extra = [
            "--format",
            "json",
            "--limit",
            "100",
            "--facet",
            "country",
            "--facet",
            "section",
            "--facet",
            "minister",
            "--timeline",
        ];
        // The remote index has no fingerprints: compare with every local
        // article, near-duplicates not folded.
        let l = search_json(
            local
                .cmd(&["search", q, "--duplicates", "show"])
                .args(extra),
        );
        let r = search_json(newsidx().args(["search", q, "--remote", &url]).args(extra));
        assert_eq!(l["total_hits"], r["total_hits"], "{q}");
        let by_id = |v: &Value| -> BTreeMap<String, Value> {
            v["hits"]
                .as_array()
                .expect("hits")
                .iter()
                .map(|h| {
                    (
                        h["id"].as_str().expect("id").to_string(),
                        json!([
                            h["snippet"],
                            h["title_highlights"],
                            h["date"],
                            h["countries"]
                        ]),
                    )
                })
                .collect()
        };
        assert_eq!(by_id(&l), by_id(&r), "{q}");
        assert_eq!(l["facets"], r["facets"], "{q}");
        assert_eq!(l["timeline"], r["timeline"], "{q}");
    }
    // Sorting by date and paging agree exactly (dates are unique enough;
    // ties fall back to score).
    let page = [
        "--format", "json", "--sort", "date", "--limit", "5", "--offset", "3",
    ];
    let l = search_json(
        local
            .cmd(&["search", "*", "--duplicates", "show"])
            .args(page),
    );
    let r = search_json(newsidx().args(["search", "*", "--remote", &url]).args(page));
    let dates = |v: &Value| -> Vec<Value> {
        v["hits"]
            .as_array()
            .expect("hits")
            .iter()
            .map(|h| h["date"].clone())
            .collect()
    };
    assert_eq!(dates(&l), dates(&r));
    assert_eq!(r["hits"][0]["rank"], 4);

    // Exit codes: no hits is 1, a bad query 2, as locally.
    newsidx()
        .args(["search", "zzzunfindable", "--remote", &url])
        .assert()
        .code(1);
    newsidx()
        .args(["search", "title:(", "--remote", &url])
        .assert()
        .code(2);

    // The cluster cuts words as the local analyzer does, initials too.
    let words: Vec<String> = {
        let r = post(
            &url,
            "/news/_analyze",
            &json!({ "analyzer": "news", "text":
                "Japan's U.S.-Japan talks: U.K envoys, e.g. J.P.Morgan and A.B.Cde, O'Neill" }),
        );
        r["tokens"]
            .as_array()
            .expect("tokens")
            .iter()
            .map(|t| t["token"].as_str().expect("token").to_string())
            .collect()
    };
    assert_eq!(
        words,
        [
            "japan", "us", "japan", "talk", "uk", "envoy", "eg", "j", "p", "morgan", "and", "a",
            "b", "cde", "oneil"
        ]
    );
    // Feedback as locally: an OR search with --expand adds the same words,
    // so it finds the same articles, more than without them.
    let ids = |v: &Value| -> BTreeSet<String> {
        v["hits"]
            .as_array()
            .expect("hits")
            .iter()
            .map(|h| h["id"].as_str().expect("id").to_string())
            .collect()
    };
    let or = [
        "--default-operator",
        "or",
        "--format",
        "json",
        "--limit",
        "100",
    ];
    for q in ["rare earth", "minister trade talks"] {
        let plain = search_json(newsidx().args(["search", q, "--remote", &url]).args(or));
        let l = search_json(
            local
                .cmd(&["search", q, "--expand", "--duplicates", "show"])
                .args(or),
        );
        let r = search_json(
            newsidx()
                .args(["search", q, "--expand", "--remote", &url])
                .args(or),
        );
        assert_eq!(ids(&l), ids(&r), "{q}");
        assert!(ids(&r).len() > ids(&plain).len(), "{q}: {r}");
    }

    // eval runs remotely and agrees with local on these judgments.
    let eval = |remote: bool| -> f64 {
        let mut c = if remote {
            let mut c = newsidx();
            c.args([
                "eval",
                "tests/data/eval/queries.tsv",
                "tests/data/eval/qrels.tsv",
                "--remote",
                &url,
            ]);
            c
        } else {
            local.cmd(&[
                "eval",
                "tests/data/eval/queries.tsv",
                "tests/data/eval/qrels.tsv",
            ])
        };
        let out = c
            .args(["--format", "json"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .expect("eval runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: Value = serde_json::from_slice(&out.stdout).expect("eval JSON");
        v["mean"]["map"].as_f64().expect("MAP")
    };
    let (lm, rm) = (eval(false), eval(true));
    assert!((lm - rm).abs() <= 0.05 * lm, "MAP local {lm} remote {rm}");

    step(t0, "parity checked");
    // Increments: a changed file is replaced, a removed one deleted, a new
    // one added; nothing else is sent.
    let changed = corpus.join("energy/india-japan-rare-earth-pact.txt");
    let mut text = std::fs::read_to_string(&changed).expect("read article");
    text.push_str("\nA late paragraph about zanzibarite.\n");
    std::fs::write(&changed, text).expect("write article");
    let removed = corpus.join("energy/germany-nuclear-exit-2022.txt");
    std::fs::remove_file(&removed).expect("remove article");
    std::fs::write(
        corpus.join("energy/new-one.txt"),
        "Zanzibarite found\n\nGeologists found zanzibarite.\n",
    )
    .expect("write article");
    let s = push(&url, &corpus, &[]);
    assert_eq!(s["sent"].as_u64(), Some(2), "{s}");
    assert_eq!(s["deleted"].as_u64(), Some(1), "{s}");
    assert_eq!(s["remote_documents"].as_u64(), Some(want + 1 - 1), "{s}");
    let r = search_json(newsidx().args([
        "search",
        "zanzibarite",
        "--remote",
        &url,
        "--format",
        "json",
    ]));
    assert_eq!(r["total_hits"], 2);

    step(t0, "increments checked");
    // kill -9 in the middle of a push, then a rerun: exactly the corpus.
    generate(&corpus, 1500);
    let want = local_count(&corpus);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_newsidx"))
        .arg("push")
        .arg(&corpus)
        .args(["--to", &url, "--batch-mib", "1"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("push starts");
    let start = remote_count(&url, "news");
    let deadline = Instant::now() + Duration::from_secs(120);
    while remote_count(&url, "news") <= start && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    let _ = child.wait();
    let mid = remote_count(&url, "news");
    assert!(
        mid < want,
        "the push ended before it could be killed ({mid} of {want})"
    );
    let s = push(&url, &corpus, &[]);
    assert_eq!(s["remote_documents"].as_u64(), Some(want), "{s}");
    let ids = remote_ids(&url, "news");
    let unique: BTreeSet<&String> = ids.iter().collect();
    assert_eq!(ids.len(), unique.len(), "duplicate documents");
    assert_eq!(ids.len() as u64, want);
    let s = push(&url, &corpus, &[]);
    assert_eq!(s["sent"].as_u64(), Some(0), "{s}");

    step(t0, "killed push repaired");
    // An index newsidx did not make is refused until --rebuild.
    assert_eq!(
        put(
            &cluster.nodes[0].url(),
            "/legacy",
            &json!({ "mappings": { "properties": { "x": { "type": "keyword" } } } })
        ),
        200
    );
    newsidx()
        .arg("push")
        .arg(sample_corpus())
        .args(["--to", &url, "--name", "legacy"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--rebuild"));
    newsidx()
        .args(["search", "nuclear", "--remote", &url, "--name", "legacy"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--rebuild"));
    let s = push(&url, &sample_corpus(), &["--name", "legacy", "--rebuild"]);
    assert_eq!(s["created"], true);
}

#[test]
fn three_nodes_lose_one_during_a_push_and_the_count_is_exact() {
    let _one = CLUSTERS.lock().unwrap_or_else(|e| e.into_inner());
    let t0 = Instant::now();
    let Some(mut cluster) = start(3, "256m") else {
        return;
    };
    step(t0, "three nodes up");
    let urls = cluster.urls();
    let work = tempfile::tempdir().expect("temp dir");
    let corpus = corpus_copy(work.path());
    generate(&corpus, 2000);
    let want = local_count(&corpus);

    let child = std::process::Command::new(env!("CARGO_BIN_EXE_newsidx"))
        .arg("push")
        .arg(&corpus)
        .args([
            "--to",
            &urls,
            "--shards",
            "3",
            "--replicas",
            "1",
            "--batch-mib",
            "1",
        ])
        .args(["--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("push starts");
    let first = cluster.nodes[0].url();
    let deadline = Instant::now() + Duration::from_secs(180);
    while remote_count(&first, "news") == 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    // Stop the third node in the middle of the push.
    step(t0, "push under way; stopping node 3");
    cluster.nodes[2].stop();
    let out = child.wait_with_output().expect("push ends");
    step(t0, "push done");
    assert!(
        out.status.success(),
        "the push did not survive a lost node: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let s: Value = serde_json::from_slice(&out.stdout).expect("push JSON");
    assert_eq!(s["failed"].as_u64(), Some(0), "{s}");
    assert_eq!(s["remote_documents"].as_u64(), Some(want), "{s}");
    assert_eq!(remote_count(&first, "news"), want);
    let ids = remote_ids(&first, "news");
    let unique: BTreeSet<&String> = ids.iter().collect();
    assert_eq!((ids.len(), unique.len()), (want as usize, want as usize));
    // The surviving nodes answer searches through the same addresses.
    newsidx()
        .args(["search", "*", "--count", "--remote", &urls])
        .assert()
        .success()
        .stdout(format!("{want}\n"));
}

#[test]
fn credentials_never_appear_in_errors() {
    // Nothing listens on port 9: the push fails at once, and neither the
    // password nor its base64 may be printed.
    let out = newsidx()
        .env("NEWSIDX_REMOTE_AUTH", "elastic:hunter2secret")
        .args(["search", "x", "--remote", "http://127.0.0.1:9"])
        .output()
        .expect("newsidx runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot reach http://127.0.0.1:9"), "{err}");
    assert!(
        !err.contains("hunter2secret") && !err.contains("aHVudGVy"),
        "{err}"
    );
    let out = newsidx()
        .args([
            "push",
            "sample-corpus",
            "--to",
            "http://elastic:hunter2secret@127.0.0.1:9",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("newsidx runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("NEWSIDX_REMOTE_AUTH"), "{err}");
    assert!(!err.contains("hunter2secret"), "{err}");
}
