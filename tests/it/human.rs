//! Help and human output, pinned by insta snapshots in `tests/it/snapshots/`:
//! any change to what a person reads shows up as a snapshot diff in review
//! (`INSTA_UPDATE=always cargo test --test it human`, then read the diff).
//! What differs between runs is scrubbed first: temporary paths, the
//! checkout's path, timings and sizes on disk.

use crate::common::*;
use std::path::Path;

const SUBCOMMANDS: [&str; 12] = [
    "index",
    "push",
    "search",
    "similar",
    "parse",
    "schema",
    "show",
    "stats",
    "check",
    "eval",
    "serve",
    "completions",
];

/// Exit code, stdout and stderr of a finished command, as one text, with
/// what differs between runs scrubbed: `index` (a temporary folder), the
/// checkout's path, timings and sizes.
fn transcript(cmd: &mut assert_cmd::Command, index: Option<&Path>) -> String {
    let out = cmd.output().expect("newsidx runs");
    let mut text = format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        out.status
            .code()
            .map_or_else(|| "signal".to_string(), |c| c.to_string()),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if let Some(dir) = index {
        text = text.replace(&dir.display().to_string(), "[INDEX]");
    }
    text = text.replace(env!("CARGO_MANIFEST_DIR"), "[REPO]");
    for (pattern, with) in [
        (r"\d+(\.\d+)? ms\b", "[T] ms"),
        (r"\d+(\.\d+)? (bytes|KiB|MiB|GiB|TiB)\b", "[SIZE]"),
        (r"in \d+(\.\d+)? s\b", "in [T] s"),
    ] {
        let re = regex::Regex::new(pattern).expect("a valid pattern");
        text = re.replace_all(&text, with).into_owned();
    }
    text
}

/// `--help` of newsidx and of every subcommand, at a fixed width.
#[test]
fn help_pages() {
    let help = |args: &[&str]| {
        let mut c = newsidx();
        c.args(args).env("COLUMNS", "100");
        transcript(&mut c, None)
    };
    insta::assert_snapshot!("help", help(&["--help"]));
    for sub in SUBCOMMANDS {
        insta::assert_snapshot!(format!("help_{sub}"), help(&[sub, "--help"]));
    }
}

/// What a person reads from search, show, parse, stats, check and eval on
/// the sample corpus.
#[test]
fn human_output_on_the_sample_corpus() {
    let ix = Indexed::sample();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let run = |args: &[&str]| transcript(&mut ix.cmd(args), Some(ix.path()));

    insta::assert_snapshot!("search", run(&["search", "\"rare earth\""]));
    insta::assert_snapshot!(
        "search_facets_timeline",
        run(&[
            "search",
            "nuclear OR japan",
            "-n",
            "3",
            "--facet",
            "country",
            "--facet",
            "section",
            "--timeline"
        ])
    );
    insta::assert_snapshot!("search_no_hits", run(&["search", "zzzzqqq"]));
    insta::assert_snapshot!("search_bad_query", run(&["search", "title:("]));
    insta::assert_snapshot!(
        "show",
        run(&["show", "energy/india-japan-rare-earth-pact.txt"])
    );
    insta::assert_snapshot!("stats", run(&["stats"]));

    let queries = data.join("sample-queries.toml");
    let mut check = ix.cmd(&["check"]);
    check.arg(&queries);
    insta::assert_snapshot!("check", transcript(&mut check, Some(ix.path())));
    let mut eval = ix.cmd(&["eval", "--min-map", "0.5"]);
    eval.arg(data.join("eval/queries.tsv"))
        .arg(data.join("eval/qrels.tsv"));
    insta::assert_snapshot!("eval", transcript(&mut eval, Some(ix.path())));
}

/// The line `index` ends with, and what it says about files it skips.
#[test]
fn index_summary_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ix = dir.path().join("ix");
    let mut c = newsidx();
    c.args(["index", "--no-progress"])
        .arg(sample_corpus())
        .arg("--index")
        .arg(&ix);
    insta::assert_snapshot!("index", transcript(&mut c, Some(&ix)));
}

/// `parse` prints a file as `show` prints it once indexed.
#[test]
fn parse_output() {
    // The file's folder as the corpus root, given: without it, `parse` takes
    // the root of an index it finds (./.newsidx, after README's first
    // command), and the id would depend on what ran before the test.
    let mut c = newsidx();
    c.arg("parse")
        .arg(sample_corpus().join("diplomacy/2010-07-23-clinton-hanoi-south-china-sea.txt"))
        .arg("--corpus")
        .arg(sample_corpus().join("diplomacy"));
    insta::assert_snapshot!("parse", transcript(&mut c, None));
}
