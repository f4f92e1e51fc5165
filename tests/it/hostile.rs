//! Issue 16: hostile input. Each reproduction of the issue is generated here
//! (no committed megabytes) beside ordinary articles, and indexed in one
//! run: the good files are all indexed, each hostile one is skipped with its
//! reason or indexed with the right values, and the run ends in bounded
//! time. A property checks that no generated page outlives its budget.

use crate::common::*;
use newsidx::article::budget::{self, Stop};
use newsidx::article::{ParseError, html, markdown};
use proptest::prelude::*;
use serde_json::Value;
use std::path::Path;
use std::time::{Duration, Instant};

fn write(root: &Path, rel: &str, bytes: impl AsRef<[u8]>) {
    let p = root.join(rel);
    if let Some(dir) = p.parent() {
        std::fs::create_dir_all(dir).expect("folder");
    }
    std::fs::write(p, bytes).expect("file");
}

fn page(body: &str) -> String {
    format!(
        "<!DOCTYPE html><html><head><title>A</title></head><body>{body}<p>Closing words.</p></body></html>"
    )
}

/// What a run must make of one file of the hostile corpus.
enum Expect {
    /// Skipped with this kind of reason, and named on stderr.
    Skipped(&'static str),
    /// Indexed: the query finds exactly these ids (in any order).
    Found(&'static str, Vec<&'static str>),
    /// Indexed along with other files of the table: checked by their rows.
    Written,
}

/// One row of the table: a file of the issue, made here, and its outcome.
struct Case {
    path: &'static str,
    bytes: Vec<u8>,
    expect: Expect,
}

fn case(path: &'static str, bytes: impl Into<Vec<u8>>, expect: Expect) -> Case {
    Case {
        path,
        bytes: bytes.into(),
        expect,
    }
}

/// The files: a crash, stalls, and wrong values, beside ordinary
/// articles (the `good/` rows), in one table.
fn hostile_cases() -> Vec<Case> {
    let good = |path, topic: &str, q| {
        let text = format!("The {topic} report\n\nTraders said the {topic} market was calm.\n");
        case(path, text, Expect::Found(q, vec![path]))
    };
    let adoption: String = (0..1999).map(|i| format!("<b id={i}>")).collect();
    let anchors: String = (0..2500).map(|i| format!("<a name=n{i}>x ")).collect();
    let mut mixed = b"<html><head><meta charset=\"utf-8\"><title>Mixed caf\xc3\xa9 story</title></head><body><p>Cr\xe8me story text.</p></body></html>".to_vec();
    mixed.push(b'\n');
    vec![
        good("good/0.txt", "harbour", "harbour"),
        good("good/1.txt", "granary", "granary"),
        good("good/2.txt", "tin", "tin"),
        good("good/3.txt", "rubber", "rubber"),
        good("good/4.txt", "cocoa", "cocoa"),
        // Crash: the adoption agency.
        case(
            "c/amp.html",
            page(&format!(
                "<div>{adoption}</div>{}",
                "<div>ampword</div>".repeat(16_000)
            )),
            Expect::Skipped("too-complex"),
        ),
        // Stalls.
        case(
            "c/divs.html",
            page(&"<div/>".repeat(100_000)),
            Expect::Skipped("too-complex"),
        ),
        case(
            "c/unclosed-b.html",
            page(&"<div></b>".repeat(50_000)),
            Expect::Skipped("too-complex"),
        ),
        case(
            "c/brackets.md",
            format!(
                "---\nx: {}{}\n---\nBody\n",
                "[".repeat(100_000),
                "]".repeat(100_000)
            ),
            Expect::Skipped("too-complex"),
        ),
        // YAML aliases of aliases: 11 KB that ran the YAML parser for over a
        // minute, its memory growing, past every time check.
        case(
            "c/laughs.md",
            format!(
                "---\ntitle: Laughs\na: &a [{}]\nb: &b [{}]\nc: [{}]\n---\nText.\n",
                ["x"; 1000].join(","),
                ["*a"; 1000].join(","),
                ["*b"; 2000].join(",")
            ),
            Expect::Skipped("too-complex"),
        ),
        // A flat page the old depth scan refused.
        case(
            "flat/anchors.html",
            page(&format!("<p>Anchored {anchors}</p>")),
            Expect::Found("anchored", vec!["flat/anchors.html"]),
        ),
        // Wrong values.
        case(
            "v/dates.jsonl",
            "{\"title\":\"Far future\",\"text\":\"x\",\"date\":99999999999999}\n\
             {\"title\":\"Far past\",\"text\":\"x\",\"date\":-99999999999999}\n\
             {\"title\":\"Compact\",\"text\":\"x\",\"date\":20111112}\n\
             \u{feff}{\"title\":\"After a BOM\",\"text\":\"bomword\"}\n",
            Expect::Found("bomword", vec!["v/dates.jsonl#4"]),
        ),
        case(
            "v/mixed.html",
            mixed,
            Expect::Found("mixed", vec!["v/mixed.html"]),
        ),
        case(
            "v/a#b.txt",
            "Hash name\n\nhashword\n",
            Expect::Found("hashword", vec!["v/a#b.txt"]),
        ),
        case(
            "v/100% pure.txt",
            "Percent name\n\npercentword\n",
            Expect::Found("percentword", vec!["v/100% pure.txt"]),
        ),
        case(
            "v/x.json",
            "[{\"title\":\"Record one\",\"text\":\"recordword\"}]",
            Expect::Found("recordword", vec!["v/x.json#1", "v/x.json%231"]),
        ),
        case(
            "v/x.json#1",
            "{\"title\":\"Hash one\",\"text\":\"recordword\"}",
            Expect::Written,
        ),
        case(
            "v/bidi.json",
            "{\"title\":\"evil\u{202e}txt.exe\",\"text\":\"bidiword\"}",
            Expect::Found("bidiword", vec!["v/bidi.json"]),
        ),
        case(
            "v/long-title.json",
            format!(
                "{{\"title\":\"{}\",\"text\":\"longword\"}}",
                "t".repeat(100_000)
            ),
            Expect::Found("longword", vec!["v/long-title.json"]),
        ),
        case(
            "v/unclosed.md",
            "---\ntitle: Never closed\n\nText of the story.\n",
            Expect::Skipped("malformed"),
        ),
    ]
}

/// Run `cmd`, which must succeed; its output.
fn ok(cmd: &mut assert_cmd::Command) -> std::process::Output {
    let out = cmd.output().expect("newsidx runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Run `cmd`, which must succeed and print JSON; that JSON.
fn json(cmd: &mut assert_cmd::Command) -> Value {
    serde_json::from_slice(&ok(cmd).stdout).expect("JSON on stdout")
}

fn index(corpus: &Path, index: &Path) -> (Value, String) {
    let out = newsidx()
        .args(["index", "--no-progress", "--format", "json"])
        .arg(corpus)
        .arg("--index")
        .arg(index)
        .timeout(Duration::from_secs(600))
        .output()
        .expect("newsidx runs");
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    (
        serde_json::from_slice(&out.stdout).expect("summary JSON"),
        stderr,
    )
}

fn skip_kind(summary: &Value, path: &str) -> Option<String> {
    summary["skips"].as_array()?.iter().find_map(|s| {
        (s["path"] == path).then(|| s["reason"]["kind"].as_str().unwrap_or("").to_string())
    })
}

#[test]
fn one_run_over_hostile_files_indexes_the_good_and_reports_the_rest() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (corpus, ix) = (dir.path().join("corpus"), dir.path().join("ix"));
    let cases = hostile_cases();
    for c in &cases {
        write(&corpus, c.path, &c.bytes);
    }
    // A folder 200 deep: the walk stops at its limit.
    write(
        &corpus,
        &format!("{}lost.txt", "d/".repeat(200)),
        "Lost story\n\nDeep.\n",
    );
    let (summary, stderr) = index(&corpus, &ix);

    let cmd = |args: &[&str]| {
        let mut c = newsidx();
        c.args(args).arg("--index").arg(&ix);
        c
    };
    let search = |q: &str| json(&mut cmd(&["search", q, "--format", "json", "-n", "50"]));
    for c in &cases {
        match &c.expect {
            Expect::Skipped(kind) => {
                let path = c.path;
                assert_eq!(
                    skip_kind(&summary, path).as_deref(),
                    Some(*kind),
                    "{path}: {stderr}"
                );
                assert!(
                    stderr.contains(&format!("newsidx: {path}: ")),
                    "{path}: {stderr}"
                );
            }
            Expect::Found(q, want) => {
                let mut got = ids(&search(q));
                got.sort();
                assert_eq!(&got, want, "{}: search {q}", c.path);
            }
            Expect::Written => {}
        }
    }
    let deep_skip = summary["skips"]
        .as_array()
        .and_then(|s| {
            s.iter()
                .find(|s| s["path"].as_str().is_some_and(|p| p.starts_with("d/d/")))
        })
        .expect("the deep folder is reported");
    assert_eq!(deep_skip["reason"]["kind"], "too-complex");

    // Dates: never wrapped, notes rather than skips; 20111112 is a date.
    for line in [
        "v/dates.jsonl#1: date 99999999999999",
        "v/dates.jsonl#2: date -99999999999999",
    ] {
        assert!(stderr.contains(line), "{line}: {stderr}");
    }
    for h in search("title:far OR title:compact")["hits"]
        .as_array()
        .expect("hits")
    {
        let want = match h["title"] == "Compact" {
            true => Value::from("2011-11-12"),
            false => Value::Null,
        };
        assert_eq!(h["date"], want, "{h}");
    }
    // A stray byte in a UTF-8 page leaves the rest UTF-8.
    assert_eq!(search("mixed")["hits"][0]["title"], "Mixed caf\u{e9} story");
    // Paths of odd names are files that exist.
    for h in search("hashword OR percentword OR recordword")["hits"]
        .as_array()
        .expect("hits")
    {
        let path = h["path"].as_str().expect("path");
        assert!(Path::new(path).is_file(), "{path}");
    }
    // `show` takes the id, the absolute path, or the path relative to the
    // folder it runs in.
    let abs = corpus.join("v/a#b.txt").display().to_string();
    for (arg, cwd) in [
        ("v/a#b.txt", dir.path().to_path_buf()),
        (abs.as_str(), dir.path().to_path_buf()),
        ("v/a#b.txt", corpus.clone()),
        ("a#b.txt", corpus.join("v")),
    ] {
        let out = ok(cmd(&["show", arg]).current_dir(&cwd));
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("Hash name"),
            "show {arg} in {}",
            cwd.display()
        );
    }
    // Titles: bidi controls never reach the terminal; every title capped.
    let out = ok(&mut cmd(&["search", "bidiword"]));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("eviltxt.exe") && !text.contains('\u{202e}'),
        "{text}"
    );
    let long = search("longword");
    let title = long["hits"][0]["title"].as_str().expect("title");
    assert!(title.chars().count() <= 201, "{}", title.len());
}

/// Issue 16: `parse` shows the date `index` takes from the path.
#[test]
fn parse_shows_the_date_from_the_path_as_index_does() {
    let dir = tempfile::tempdir().expect("temp dir");
    write(
        dir.path(),
        "2011/11/12/tide-gauges.txt",
        "Tide gauges\n\nA quiet revolution in sea level records.\n",
    );
    // Indexed in place (`index .`: the index inside the corpus), parse
    // finds the corpus root as index did, from the corpus or below it.
    newsidx()
        .args(["index", ".", "--no-progress"])
        .current_dir(dir.path())
        .assert()
        .success();
    let v = json(
        newsidx()
            .args(["parse", "2011/11/12/tide-gauges.txt", "--format", "json"])
            .current_dir(dir.path()),
    );
    assert_eq!(v["documents"][0]["date"], "2011-11-12", "{v}");
    assert_eq!(v["documents"][0]["id"], "2011/11/12/tide-gauges.txt");
    let v = json(
        newsidx()
            .args([
                "parse",
                "tide-gauges.txt",
                "--format",
                "json",
                "--corpus",
                "../../..",
            ])
            .current_dir(dir.path().join("2011/11/12")),
    );
    assert_eq!(v["documents"][0]["date"], "2011-11-12", "{v}");
}

/// Pieces that make parsers work hard when repeated.
fn hostile_markup() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("<div/>".to_string()),
        Just("<div></b>".to_string()),
        Just("<div><!--</div>-->".to_string()),
        Just("<div x=/>".to_string()),
        Just("<table><tr><td>".to_string()),
        Just("<a name=x>".to_string()),
        (0u16..3000).prop_map(|i| format!("<b id={i}>")),
        Just("<div>word</div>".to_string()),
        Just("<span>".to_string()),
        Just("[".to_string()),
        Just("> ".to_string()),
        Just("* ".to_string()),
        Just("\n".to_string()),
        "[a-z ]{1,8}",
    ];
    (
        prop::collection::vec((piece, 1usize..4000), 1..6),
        any::<bool>(),
    )
        .prop_map(|(runs, md)| {
            let body: String = runs.iter().map(|(p, n)| p.repeat(*n)).collect();
            if md {
                format!("---\ntitle: t\n---\n{body}")
            } else {
                page(&body)
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(24)
    ))]

    /// No generated page takes longer than its budget: it is read, refused
    /// as too complex, or stopped as too slow, within the limit plus the
    /// time to notice (generous: debug build, shared machine).
    #[test]
    fn no_generated_file_outlives_its_budget(text in hostile_markup()) {
        let limit = Duration::from_secs(2);
        let start = Instant::now();
        let r = budget::guarded(Some(limit), || {
            if text.starts_with("---") { markdown::parse(&text) } else { html::parse(&text) }
        });
        let took = start.elapsed();
        prop_assert!(took < limit * 5, "{took:?}");
        match r {
            Err(Stop::Panicked(m)) => prop_assert!(false, "panicked: {}", m),
            Ok(Err(ParseError::Empty)) | Ok(Err(ParseError::Malformed(_))) | Ok(Err(ParseError::TooComplex(_))) | Ok(Ok(_)) | Err(_) => {}
        }
    }
}

/// Issue 16: an index inside its corpus stays valid when the corpus folder
/// is moved, and its paths follow the folder.
#[test]
fn an_index_inside_its_corpus_survives_a_move() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mv1, mv2) = (dir.path().join("mv1"), dir.path().join("mv2"));
    write(&mv1, "a/tin.txt", "Tin talks\n\nThe tin council met.\n");
    newsidx()
        .args(["index", ".", "--no-progress"])
        .current_dir(&mv1)
        .assert()
        .success();
    std::fs::rename(&mv1, &mv2).expect("move");
    let v = json(
        newsidx()
            .args(["search", "tin", "--format", "json"])
            .current_dir(&mv2),
    );
    let path = v["hits"][0]["path"].as_str().expect("a path");
    assert!(Path::new(path).is_file(), "{path}");
    assert!(path.contains("mv2"), "{path}");
    // Updating it in its new place is an update, not a rebuild.
    let s = json(
        newsidx()
            .args(["index", ".", "--no-progress", "--format", "json"])
            .current_dir(&mv2),
    );
    assert_eq!(s["unchanged"], 1, "{s}");
    assert_eq!(s["rebuilt"], false, "{s}");
}

/// Issue 16: an index kept elsewhere says how to re-point it at a moved
/// corpus, and `--repoint` does it without reindexing.
#[test]
fn an_index_elsewhere_is_re_pointed_without_reindexing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (c1, c2, ix) = (
        dir.path().join("c1"),
        dir.path().join("c2"),
        dir.path().join("ix"),
    );
    write(&c1, "a/tin.txt", "Tin talks\n\nThe tin council met.\n");
    write(&c1, "b/rubber.txt", "Rubber pact\n\nGrowers agreed.\n");
    index(&c1, &ix);
    std::fs::rename(&c1, &c2).expect("move");
    let out = newsidx()
        .args(["index", "--no-progress"])
        .arg(&c2)
        .arg("--index")
        .arg(&ix)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--repoint") && err.contains("without reindexing"),
        "{err}"
    );
    let s = json(
        newsidx()
            .args(["index", "--no-progress", "--repoint", "--format", "json"])
            .arg(&c2)
            .arg("--index")
            .arg(&ix),
    );
    assert_eq!(
        (s["unchanged"].as_u64(), s["indexed"].as_u64()),
        (Some(2), Some(0)),
        "{s}"
    );
    // Re-pointed for good: a plain update and search paths use the new place.
    index(&c2, &ix);
    let v = json(
        newsidx()
            .args(["search", "tin", "--format", "json", "--index"])
            .arg(&ix),
    );
    let path = v["hits"][0]["path"].as_str().expect("path");
    assert!(Path::new(path).is_file() && path.contains("c2"), "{path}");
}

/// Issue 16: a file whose parse outlives `--max-file-secs` is a `too-slow`
/// skip (here a large but legal page against a limit of a millisecond).
#[test]
fn a_slow_file_is_skipped_as_too_slow() {
    use newsidx::corpus::{Entry, Reason};
    use newsidx::pipeline;
    let html = page(&"<p><span>some words</span> <b>more</b></p>".repeat(8_000));
    let entry = Entry {
        path: "c/slow.html".into(),
        rel: "slow.html".into(),
        size: html.len() as u64,
        mtime: 0,
    };
    let opts = pipeline::Options {
        max_file_time: Some(Duration::from_millis(1)),
        ..pipeline::Options::default()
    };
    let r = pipeline::process_bytes(&entry, html.as_bytes(), &opts).map(|p| p.docs.len());
    assert_eq!(r, Err(Reason::TooSlow { seconds: 1 }));
    // Without the limit the same page is read.
    let opts = pipeline::Options {
        max_file_time: None,
        ..pipeline::Options::default()
    };
    assert_eq!(
        pipeline::process_bytes(&entry, html.as_bytes(), &opts).map(|p| p.docs.len()),
        Ok(1)
    );
}
