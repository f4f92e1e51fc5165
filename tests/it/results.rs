//! Issue 12, "Results that save a reader's time": CSV, every hit
//! (`--all`), counts as JSON, facets and timeline in JSON Lines, flags that
//! cannot apply refused.

use crate::common::*;
use serde_json::Value;

fn count(ix: &Indexed, q: &str) -> usize {
    stdout(ix, &["search", q, "--count"])
        .trim()
        .parse()
        .expect("a number")
}

#[test]
fn csv_has_a_header_and_a_row_per_hit() {
    let ix = Indexed::sample();
    let text = stdout(&ix, &["search", "\"rare earth\"", "--format", "csv"]);
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = r
        .headers()
        .expect("a header")
        .iter()
        .map(String::from)
        .collect();
    assert_eq!(
        header,
        [
            "rank",
            "score",
            "id",
            "path",
            "title",
            "date",
            "section",
            "byline",
            "url",
            "ministers",
            "countries",
            "snippet",
            "duplicates"
        ]
    );
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.expect("a row")).collect();
    assert_eq!(rows.len(), count(&ix, "\"rare earth\"").min(10));
    let first = &rows[0];
    assert_eq!(&first[0], "1");
    assert_eq!(&first[2], "energy/india-japan-rare-earth-pact.txt");
    assert!(first[3].ends_with("sample-corpus/energy/india-japan-rare-earth-pact.txt"));
    assert_eq!(&first[6], "energy");
    // Countries joined with `;`, the snippet without any mark.
    assert!(first[10].split(';').any(|c| c == "Japan"), "{first:?}");
    assert!(first[11].to_lowercase().contains("rare earth"), "{first:?}");
    assert!(!first[11].contains('\x1b'));
}

#[test]
fn all_and_limit_zero_give_every_hit() {
    let ix = Indexed::sample();
    let total = count(&ix, "*");
    assert!(total > 10, "the sample corpus has more than a page");
    for flag in [&["--all"][..], &["--limit", "0"][..]] {
        let mut args = vec!["search", "*", "--format", "ndjson", "--duplicates", "show"];
        args.extend_from_slice(flag);
        let text = stdout(&ix, &args);
        let ranks: Vec<u64> = text
            .lines()
            .map(|l| {
                serde_json::from_str::<Value>(l).expect("JSON")["rank"]
                    .as_u64()
                    .expect("rank")
            })
            .collect();
        assert_eq!(ranks, (1..=total as u64).collect::<Vec<_>>(), "{flag:?}");
    }
    let mut args = vec![
        "search",
        "*",
        "--format",
        "csv",
        "--all",
        "--duplicates",
        "show",
    ];
    let csv_rows = stdout(&ix, &args).lines().count();
    assert_eq!(csv_rows, total + 1);
    // With --offset, every hit after it.
    args.extend(["--offset", "5"]);
    assert_eq!(stdout(&ix, &args).lines().count(), total - 5 + 1);
}

#[test]
fn count_as_json_has_a_version() {
    let ix = Indexed::sample();
    let n = count(&ix, "fukushima");
    let v: Value = serde_json::from_str(&stdout(
        &ix,
        &["search", "fukushima", "--count", "--format", "json"],
    ))
    .expect("JSON");
    assert_eq!(
        v,
        serde_json::json!({"version": 2, "total_hits": n, "unit": "articles", "total_articles": n})
    );
    assert_valid(&output_schema("search-count-output"), &v);
    let line = stdout(
        &ix,
        &["search", "fukushima", "--count", "--format", "ndjson"],
    );
    assert_eq!(
        line,
        format!(
            "{{\"version\":2,\"total_hits\":{n},\"unit\":\"articles\",\"total_articles\":{n}}}\n"
        )
    );
    let csv = stdout(&ix, &["search", "fukushima", "--count", "--format", "csv"]);
    assert_eq!(csv, format!("total_hits\n{n}\n"));
}

#[test]
fn ndjson_ends_with_facets_and_timeline_records() {
    let ix = Indexed::sample();
    let text = stdout(
        &ix,
        &[
            "search",
            "nuclear",
            "--format",
            "ndjson",
            "-n",
            "2",
            "--facet",
            "country",
            "--facet",
            "section",
            "--timeline",
        ],
    );
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    assert_eq!(lines.len(), 4, "{text}");
    let whole = ix.search_json(
        "nuclear",
        &[
            "-n",
            "2",
            "--facet",
            "country",
            "--facet",
            "section",
            "--timeline",
        ],
    );
    assert_eq!(
        lines[2],
        serde_json::json!({"facets": whole["facets"], "unit": "articles"})
    );
    assert_eq!(
        lines[3],
        serde_json::json!({"timeline": whole["timeline"], "unit": "articles"})
    );
    let s = output_schema("search-output");
    assert_valid(&def_of(s.clone(), "facets_record"), &lines[2]);
    assert_valid(&def_of(s, "timeline_record"), &lines[3]);
}

#[test]
fn flags_that_cannot_apply_are_refused() {
    let ix = Indexed::sample();
    for (args, says) in [
        (
            &["search", "x", "--count", "--facet", "country"][..],
            "--facet",
        ),
        (&["search", "x", "--count", "--timeline"][..], "--timeline"),
        (&["search", "x", "--count", "--limit", "3"][..], "--limit"),
        (&["search", "x", "--all", "--limit", "3"][..], "--limit"),
        (
            &["search", "x", "--format", "csv", "--facet", "country"][..],
            "CSV",
        ),
        (&["search", "x", "--format", "csv", "--timeline"][..], "CSV"),
    ] {
        let out = ix.cmd(args).output().expect("runs");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
    }
}

#[test]
fn a_misspelt_query_gets_a_suggestion_with_its_count() {
    let ix = Indexed::sample();
    let n = count(&ix, "fukushima");
    assert!(n >= 3);
    let out = ix.cmd(&["search", "fukushma"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!(
            "no hits for \"fukushma\"; did you mean \"fukushima\"? ({n} hits)"
        )),
        "{err}"
    );
    let v = ix.search_json("fukushma reactor", &[]);
    assert_eq!(v["total_hits"], 0);
    assert_eq!(v["suggestion"]["query"], "fukushima reactor");
    assert_eq!(
        v["suggestion"]["total_hits"].as_u64(),
        Some(count(&ix, "fukushima reactor") as u64)
    );
    assert_valid(&output_schema("search-output"), &v);
    // A suffix survives the respelling: the stem is what was mistyped.
    let v = ix.search_json("reactrs", &[]);
    assert_eq!(v["suggestion"]["query"], "reactors", "{v:#}");
    // Minister values too.
    let v = ix.search_json("minister:gemab", &[]);
    assert_eq!(v["suggestion"]["query"], "minister:gemba", "{v:#}");
    // A word as the articles write it, never a stem or a stem with the
    // typo's ending on it: "cofee" was once "comee" ("come" + "e", one
    // letter from "cofee"), "enrgy" the stem "energi".
    for (typo, word) in [
        ("cofee", "coffee"),
        ("enrgy", "energy"),
        ("ministr", "minister"),
    ] {
        let v = ix.search_json(typo, &[]);
        assert_eq!(v["suggestion"]["query"], word, "{v:#}");
        assert_eq!(
            v["suggestion"]["total_hits"].as_u64(),
            Some(count(&ix, word) as u64)
        );
    }
}

/// A corpus of `n` one-line articles saying `word`, numbered from `from`.
fn say(dir: &std::path::Path, word: &str, from: usize, n: usize) {
    for i in from..from + n {
        let text = format!(
            "Report {i}\n\nThe {word} said on day {i} that talks would go on into the week.\n"
        );
        std::fs::write(dir.join(format!("{i}.txt")), text).expect("write");
    }
}

#[test]
fn a_query_with_a_few_hits_gets_a_suggestion_only_when_a_respelling_finds_far_more() {
    let corpus = tempfile::tempdir().expect("temp dir");
    say(corpus.path(), "goverment", 0, 4);
    say(corpus.path(), "government", 4, 90);
    say(corpus.path(), "ministre", 94, 4);
    say(corpus.path(), "minister", 98, 30);
    let ix = tempfile::tempdir().expect("temp dir");
    index_folder(corpus.path(), ix.path());
    let search = |q: &str| -> Value {
        let out = newsidx()
            .args(["search", q, "--format", "json", "--index"])
            .arg(ix.path())
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(0), "{q}");
        serde_json::from_slice(&out.stdout).expect("JSON")
    };
    // 4 hits, and 90 (more than 20 times as many) one letter away.
    let v = search("goverment");
    assert_eq!(v["total_hits"], 4);
    assert_eq!(v["suggestion"]["query"], "government", "{v:#}");
    assert_eq!(v["suggestion"]["total_hits"], 90);
    // 4 hits, and only 30 close by: a rare spelling is left alone.
    let v = search("ministre");
    assert_eq!(v["total_hits"], 4);
    assert!(v.get("suggestion").is_none(), "{v:#}");
}

#[test]
fn no_suggestion_when_the_query_found_enough_or_nothing_is_close() {
    let ix = Indexed::sample();
    let v = ix.search_json("fukushima", &[]);
    assert!(v.get("suggestion").is_none());
    let out = ix.cmd(&["search", "fukushima"]).output().expect("runs");
    assert!(!String::from_utf8_lossy(&out.stderr).contains("did you mean"));
    let v = ix.search_json("zzyzxnotaword", &[]);
    assert!(v.get("suggestion").is_none(), "{v:#}");
}

#[test]
fn a_misspelt_country_is_an_error_that_names_the_country() {
    let ix = Indexed::sample();
    let out = ix.cmd(&["search", "country:japn"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unknown country 'japn'; did you mean Japan?"),
        "{err}"
    );
}

#[test]
fn similar_ranks_articles_like_one_and_leaves_it_out() {
    let ix = Indexed::sample();
    const FUKU: &str = "science/2011-04-12-fukushima-raised-to-level-seven.txt";
    let out = ix
        .cmd(&["similar", FUKU, "--format", "json", "-n", "5"])
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let got = ids(&v);
    assert_eq!(got.len(), 5);
    assert!(!got.iter().any(|id| id == FUKU), "{got:?}");
    // The most alike are the other Fukushima stories.
    assert!(
        got[..3]
            .iter()
            .all(|id| id.contains("fukushima") || id.contains("reactor")),
        "{got:?}"
    );
    // The query form and the flag say the same.
    let q = ix.search_json(&format!("similar:{FUKU}"), &["-n", "5"]);
    assert_eq!(ids(&q), got);
    let f = ix.search_json("*", &["--like", FUKU, "-n", "5"]);
    assert_eq!(ids(&f), got);
    // With a query: only the alike that match it.
    let jp = ix.search_json(&format!("similar:{FUKU} thyroid"), &[]);
    assert!(!ids(&jp).is_empty() && ids(&jp).len() < v["total_hits"].as_u64().unwrap() as usize);
    let out = ix.cmd(&["similar", "nope.txt"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no article with id \"nope.txt\""));
}

#[test]
fn a_batch_runs_every_query_of_a_file() {
    let ix = Indexed::sample();
    let file = ix.path().join("queries.tsv");
    std::fs::write(
        &file,
        "# names to check\nfuku\tfukushima\n\ngemba\nnobody\tzzyzxnotaword\n",
    )
    .expect("write");
    let file = file.to_str().expect("UTF-8 path");
    let counts = stdout(&ix, &["search", "--queries", file, "--count"]);
    assert_eq!(
        counts,
        format!(
            "fuku\t{}\ngemba\t{}\nnobody\t0\n",
            count(&ix, "fukushima"),
            count(&ix, "gemba")
        )
    );
    let lines = stdout(
        &ix,
        &["search", "--queries", file, "--count", "--format", "ndjson"],
    );
    let first: Value = serde_json::from_str(lines.lines().next().expect("a line")).expect("JSON");
    assert_eq!(first["query"], "fuku");
    assert_valid(&output_schema("search-count-output"), &first);
    let nd = stdout(
        &ix,
        &["search", "--queries", file, "--format", "ndjson", "-n", "2"],
    );
    let tags: Vec<String> = nd
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).expect("JSON")["query"]
                .as_str()
                .expect("tagged")
                .to_string()
        })
        .collect();
    assert_eq!(tags, ["fuku", "fuku", "gemba", "gemba"]);
    let csv_text = stdout(
        &ix,
        &["search", "--queries", file, "--format", "csv", "-n", "2"],
    );
    let mut r = csv::Reader::from_reader(csv_text.as_bytes());
    assert_eq!(&r.headers().expect("header")[0], "query");
    assert_eq!(r.records().count(), 4);
    let text = stdout(&ix, &["search", "--queries", file, "-n", "1"]);
    assert!(
        text.contains("=== fuku ===") && text.contains("=== nobody ===\nno hits for zzyzxnotaword"),
        "{text}"
    );
    // Mistakes are found before anything runs.
    std::fs::write(ix.path().join("bad.tsv"), "ok\tjapan\nbad\ttitle:(\n").expect("write");
    let out = ix
        .cmd(&[
            "search",
            "--queries",
            ix.path().join("bad.tsv").to_str().unwrap(),
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad.tsv:2: query \"bad\""));
    let out = ix
        .cmd(&["search", "--queries", file, "--format", "json"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
}
