//! Issue: search that scripts and CI can rely on — `stats`, `show`, `check`,
//! `eval`, `completions`, `schema`, `parse`: their output contracts, exit
//! codes, and the JSON Schemas in `schema/` validated against real output.

use crate::common::*;
use predicates::prelude::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(rel)
}

fn schema_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("schema")
        .join(format!("{name}-output.schema.json"))
}

/// Validate `v` against `schema/NAME-output.schema.json`, listing every error.
fn validate(name: &str, v: &Value) {
    let text = std::fs::read_to_string(schema_file(name)).expect("schema file reads");
    let schema: Value = serde_json::from_str(&text).expect("schema file is JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema is a valid JSON Schema");
    let errors: Vec<String> = validator
        .iter_errors(v)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{name} output does not match its schema:\n{}\n{v:#}",
        errors.join("\n")
    );
}

fn json_of(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn stdout_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn stats_reports_documents_sections_and_size() {
    let ix = Indexed::sample();
    let out = ix.cmd(&["stats", "--format", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v = json_of(&out);
    validate("stats", &v);
    assert_eq!(v["version"], 1);
    assert_eq!(v["documents"], 49, "the incremental issue reads this key");
    assert!(v["segments"].as_u64().unwrap() >= 1);
    assert!(v["size_bytes"].as_u64().unwrap() > 10_000);
    let sections: Vec<(String, u64)> = v["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["value"].as_str().unwrap().to_string(),
                s["count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        sections,
        [
            ("economy".to_string(), 15),
            ("energy".to_string(), 12),
            ("diplomacy".to_string(), 11),
            ("science".to_string(), 11)
        ]
    );

    ix.cmd(&["stats"])
        .assert()
        .code(0)
        .stdout(predicate::str::is_match(r"(?m)^documents +49$").unwrap())
        .stdout(predicate::str::contains("diplomacy"))
        .stdout(predicate::str::contains("countries"))
        .stdout(predicate::str::contains("ministers"));

    newsidx()
        .args(["stats", "--index"])
        .arg(ix.path().join("missing"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("newsidx index"));
}

#[test]
fn show_prints_one_document_as_text_or_json() {
    let ix = Indexed::sample();
    let id = "energy/india-japan-rare-earth-pact.txt";
    ix.cmd(&["show", id])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with(
            "India and Japan Seal a Rare Earth Pact\n",
        ))
        .stdout(predicate::str::contains(format!("id:        {id}")))
        .stdout(predicate::str::contains("Manmohan Singh"));
    let out = ix.cmd(&["show", id, "--format", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v = json_of(&out);
    validate("show", &v);
    assert_eq!(v["document"]["id"], id);
    assert_eq!(v["document"]["section"], "energy");

    ix.cmd(&["show", "energy/no-such-story.txt"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("no document with id"));
}

#[test]
fn parse_and_schema_json_match_their_schemas() {
    let file = sample_corpus().join("diplomacy/hague-osborne-delhi-trade-mission.txt");
    let out = newsidx()
        .args(["parse", "--format", "json"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v = json_of(&out);
    validate("parse", &v);
    assert_eq!(v["documents"].as_array().map(Vec::len), Some(1));

    let out = newsidx()
        .args(["schema", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v = json_of(&out);
    validate("schema", &v);
    assert!(v["model_version"].as_u64().unwrap() >= 1);
}

#[test]
fn schemas_reject_outputs_that_break_the_contract() {
    // The validation above would be worthless if the schemas accepted anything.
    let good = serde_json::json!({"version": 1, "documents": []});
    validate("parse", &good);
    for (name, bad) in [
        ("parse", serde_json::json!({"version": 2, "documents": []})),
        ("parse", serde_json::json!({"documents": []})),
        (
            "show",
            serde_json::json!({"version": 1, "document": {"id": "a"}}),
        ),
        ("stats", serde_json::json!({"version": 1})),
        ("check", serde_json::json!({"version": 1, "passed": "all"})),
    ] {
        let text = std::fs::read_to_string(schema_file(name)).unwrap();
        let schema: Value = serde_json::from_str(&text).unwrap();
        let validator = jsonschema::validator_for(&schema).unwrap();
        assert!(!validator.is_valid(&bad), "{name} accepted {bad}");
    }
}

#[test]
fn check_runs_the_shipped_saved_queries() {
    let ix = Indexed::sample();
    let file = data("sample-queries.toml");
    let out = ix.cmd(&["check"]).arg(&file).output().unwrap();
    let text = stdout_of(&out);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines.iter().filter(|l| l.starts_with("PASS ")).count() >= 10,
        "{text}"
    );
    assert_eq!(lines.last().copied(), Some("18 passed, 0 failed"), "{text}");

    let out = ix
        .cmd(&["check", "--format", "json"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v = json_of(&out);
    validate("check", &v);
    assert_eq!(v["passed"], 18);
    assert_eq!(v["failed"], 0);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("18 passed, 0 failed"),
        "the tally goes to stderr when stdout is JSON"
    );

    let out = ix
        .cmd(&["check", "--format", "junit"])
        .arg(&file)
        .output()
        .unwrap();
    let xml = stdout_of(&out);
    assert!(
        xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"),
        "{xml}"
    );
    assert!(
        xml.contains(r#"<testsuite name=""#)
            && xml.contains(r#"tests="18" failures="0" errors="0""#),
        "{xml}"
    );
    assert_eq!(xml.matches("<testcase ").count(), 18);
    assert!(
        xml.contains("Krishna is the minister, not ISRO&apos;s Radhakrishnan"),
        "names are XML-escaped: {xml}"
    );
}

#[test]
fn check_reports_failures_and_exits_1() {
    let ix = Indexed::sample();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("q.toml");
    std::fs::write(
        &file,
        r#"
[[query]]
name = "passes"
q = "Fukushima"
min_hits = 1
top_facet = { country = "JP" }

[[query]]
name = "wrong <first> & too few"
q = '"rare earth"'
min_hits = 50
first = "science/pacific-seabed-mud-mineral-deposits.txt"

[[query]]
name = "excluded document matches"
q = "Krishna"
must_not_include = ["energy/india-japan-rare-earth-pact.txt"]
top_facet = { section = "science" }

[[query]]
name = "a typo in an excluded id"
q = "Krishna"
must_not_include = ["diplomacy/brics-sumit-new-delhi.txt"]
"#,
    )
    .unwrap();
    let out = ix.cmd(&["check"]).arg(&file).output().unwrap();
    let text = stdout_of(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("PASS passes ("), "{text}");
    assert!(text.contains("FAIL wrong <first> & too few: 7 hits, expected at least 50; science/pacific-seabed-mud-mineral-deposits.txt is ranked"), "{text}");
    assert!(
        text.contains("energy/india-japan-rare-earth-pact.txt matches (rank"),
        "{text}"
    );
    assert!(
        text.contains("top section is diplomacy (3), expected science (0)"),
        "{text}"
    );
    assert!(
        text.contains("FAIL a typo in an excluded id: no document in the index has the id diplomacy/brics-sumit-new-delhi.txt"),
        "{text}"
    );
    assert!(text.ends_with("1 passed, 3 failed\n"), "{text}");

    let out = ix
        .cmd(&["check", "--format", "junit"])
        .arg(&file)
        .output()
        .unwrap();
    let xml = stdout_of(&out);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(xml.matches("<failure ").count(), 3, "{xml}");
    assert!(xml.contains("wrong &lt;first&gt; &amp; too few"), "{xml}");
}

#[test]
fn check_file_and_query_errors_exit_2() {
    let ix = Indexed::sample();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.toml");
    std::fs::write(
        &file,
        "[[query]]\nname = \"a\"\nq = \"x\"\nmust_inclde = [\"a\"]\n",
    )
    .unwrap();
    ix.cmd(&["check"])
        .arg(&file)
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("bad.toml"))
        .stderr(predicate::str::contains("line 4"))
        .stderr(predicate::str::contains("must_inclde"));

    std::fs::write(&file, "[[query]]\nname = \"broken\"\nq = 'title:(unclosed'\n[[query]]\nname = \"fine\"\nq = \"Fukushima\"\n").unwrap();
    let out = ix.cmd(&["check"]).arg(&file).output().unwrap();
    let text = stdout_of(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(text.contains("ERROR broken: invalid query"), "{text}");
    assert!(text.contains("PASS fine"), "{text}");
    assert!(text.ends_with("1 passed, 1 failed\n"), "{text}");

    ix.cmd(&["check"])
        .arg(dir.path().join("missing.toml"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing.toml"));
}

fn eval_files() -> (PathBuf, PathBuf) {
    (data("eval/queries.tsv"), data("eval/qrels.tsv"))
}

#[test]
fn eval_computes_metrics_on_the_judged_set() {
    let ix = Indexed::sample();
    let (q, r) = eval_files();
    let out = ix
        .cmd(&["eval", "--format", "json"])
        .arg(&q)
        .arg(&r)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json_of(&out);
    validate("eval", &v);
    assert_eq!(v["k"], 10);
    assert_eq!(v["evaluated"], 8);
    let by_id = |id: &str| -> Value {
        v["queries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|q| q["id"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("no {id} in {v:#}"))
    };
    // Values that do not depend on the order of the hits, computed by hand:
    // every hit of "Krishna" (4) and of "rare earth" (7) is relevant…
    assert_eq!(by_id("krishna")["precision_at_k"], 0.4);
    assert_eq!(by_id("rare-earth")["precision_at_k"], 0.7);
    assert_eq!(by_id("rare-earth")["average_precision"], 1.0);
    // …and "mining tax" finds both grade-2 stories but not the third relevant one.
    assert_eq!(by_id("mining-tax")["average_precision"], 0.6667);
    let top = by_id("krishna")["top"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(top.len(), 4, "all four hits, each with its grade");
    assert!(
        top.iter()
            .all(|h| h["grade"].as_u64().is_some_and(|g| g > 0)),
        "{top:?}"
    );
    for m in ["precision_at_k", "mrr", "map", "ndcg_at_k"] {
        let x = v["mean"][m].as_f64().unwrap();
        assert!(x > 0.0 && x <= 1.0, "{m} = {x}");
    }

    let out = ix.cmd(&["eval"]).arg(&q).arg(&r).output().unwrap();
    let text = stdout_of(&out);
    assert_eq!(out.status.code(), Some(0));
    assert!(text.starts_with("query "), "{text}");
    assert!(
        text.contains("krishna ") && text.contains("mean "),
        "{text}"
    );
    assert!(
        text.contains("MRR ") && text.contains("MAP ") && text.contains("nDCG@10 "),
        "{text}"
    );
}

#[test]
fn eval_thresholds_fail_ci_and_bad_files_are_errors() {
    let ix = Indexed::sample();
    let (q, r) = eval_files();
    ix.cmd(&["eval", "--min-map", "0.5", "--min-ndcg", "0.5"])
        .arg(&q)
        .arg(&r)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("PASS map"));
    ix.cmd(&["eval", "--min-precision", "0.99"])
        .arg(&q)
        .arg(&r)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("FAIL precision"));
    ix.cmd(&["eval", "--min-ndcg", "1.5"])
        .arg(&q)
        .arg(&r)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("from 0 to 1"));

    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("qrels.tsv");
    std::fs::write(
        &bad,
        "krishna\tdiplomacy/brics-summit-new-delhi.txt\tvery\n",
    )
    .unwrap();
    ix.cmd(&["eval"])
        .arg(&q)
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("qrels.tsv:1: grade \"very\""));
    std::fs::write(&bad, "krishna\tdiplomacy/brics-sumit-new-delhi.txt\t1\n").unwrap();
    ix.cmd(&["eval"])
        .arg(&q)
        .arg(&bad)
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "1 document judged relevant is not in the index (e.g. diplomacy/brics-sumit-new-delhi.txt)",
        ));
    std::fs::write(&bad, "nobody\tdiplomacy/brics-summit-new-delhi.txt\t1\n").unwrap();
    ix.cmd(&["eval"])
        .arg(&q)
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nothing to evaluate"));
}

const SUBCOMMANDS: [&str; 9] = [
    "index",
    "search",
    "parse",
    "schema",
    "show",
    "stats",
    "check",
    "eval",
    "completions",
];

#[test]
fn completions_and_man_page_cover_every_subcommand() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell", "man"] {
        let out = newsidx().args(["completions", shell]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let text = stdout_of(&out);
        assert!(text.len() > 500, "{shell}: {text}");
        for sub in SUBCOMMANDS {
            assert!(text.contains(sub), "{shell} output lacks {sub}");
        }
        if shell == "man" {
            assert!(text.contains(".TH newsidx"), "not a roff man page: {text}");
        }
    }
    newsidx().args(["completions", "tcsh"]).assert().code(2);

    let dir = tempfile::tempdir().unwrap();
    newsidx()
        .args(["completions", "man", "--out-dir"])
        .arg(dir.path())
        .assert()
        .code(0);
    for sub in SUBCOMMANDS {
        let page = std::fs::read_to_string(dir.path().join(format!("newsidx-{sub}.1")))
            .unwrap_or_else(|e| panic!("no man page for {sub}: {e}"));
        assert!(
            page.contains(".TH newsidx-") && page.contains("Example"),
            "{sub}: {page}"
        );
    }
    assert!(dir.path().join("newsidx.1").is_file());
}

#[test]
fn every_subcommand_help_has_examples() {
    for sub in SUBCOMMANDS {
        newsidx()
            .args([sub, "--help"])
            .assert()
            .code(0)
            .stdout(predicate::str::contains("Example"));
    }
}
