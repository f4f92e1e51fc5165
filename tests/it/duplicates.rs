//! Issue 12, must-have 1: near-duplicates folded. The sample corpus holds a
//! wire story about frost in Brazil's coffee belt three times (the first
//! copy misspelling "arabica", a corrected copy, an updated copy with one
//! more paragraph) and a story about a Kazakh pipeline filed to two desks
//! (`economy/…txt` and `energy/…html`, other headlines).

use crate::common::*;
use serde_json::Value;

const FROST: &str = "economy/2013-07-24-brazil-coffee-frost.txt";
const FROST_CORRECTED: &str = "economy/2013-07-24-brazil-coffee-frost-corrected.txt";
const FROST_UPDATE: &str = "economy/2013-07-25-brazil-coffee-frost-update.txt";
const PIPELINE_TXT: &str = "economy/kazakh-pipeline-reopens.txt";
const PIPELINE_HTML: &str = "energy/kazakh-pipeline-reopens.html";

fn folded_ids(hit: &Value) -> Vec<String> {
    hit["duplicates"]["ids"]
        .as_array()
        .map(|a| a.iter().map(|v| v.as_str().unwrap().to_string()).collect())
        .unwrap_or_default()
}

#[test]
fn near_duplicates_fold_into_the_best_ranked_copy() {
    let ix = Indexed::sample();
    let v = ix.search_json("frost coffee", &[]);
    assert_valid(&output_schema("search-output"), &v);
    assert_eq!(v["unit"], "articles");
    assert_eq!(v["total_hits"], 3, "{v:#}");
    assert_eq!(v["total_articles"], 3);
    let hits = v["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0]["duplicates"]["count"], 2);
    let mut all = folded_ids(&hits[0]);
    all.push(hits[0]["id"].as_str().unwrap().to_string());
    all.sort();
    assert_eq!(all, [FROST_CORRECTED, FROST, FROST_UPDATE]);

    // `--duplicates show`: every copy a hit, in the same order, counted as
    // articles; the first is the one folding showed.
    let shown = ix.search_json("frost coffee", &["--duplicates", "show"]);
    assert_valid(&output_schema("search-output"), &shown);
    assert_eq!(shown["unit"], "articles");
    assert_eq!(shown["total_hits"], 3);
    assert_eq!(shown["total_articles"], 3);
    let ids = ids(&shown);
    assert_eq!(ids.len(), 3);
    assert_eq!(ids[0], hits[0]["id"].as_str().unwrap());
    assert_eq!(ids[1..], folded_ids(&hits[0])[..]);
    assert!(
        shown["hits"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h.get("duplicates").is_none())
    );
}

#[test]
fn a_copy_is_folded_only_where_the_query_finds_it() {
    // Only the updated copy has the roasters' paragraph: the other two
    // copies are its near-duplicates but do not match, so nothing is folded
    // into it (folding checks the query before the fingerprints).
    let ix = Indexed::sample();
    let v = ix.search_json("roasters", &[]);
    assert_eq!(v["total_hits"], 1, "{v:#}");
    assert_eq!(v["hits"][0]["id"], FROST_UPDATE);
    assert!(v["hits"][0].get("duplicates").is_none(), "{v:#}");
    // Either word: all three copies match, and they fold into one hit.
    let v = ix.search_json("roasters OR arabica", &[]);
    assert_eq!(v["total_hits"], 3, "{v:#}");
    assert_eq!(v["hits"].as_array().unwrap().len(), 1, "{v:#}");
    assert_eq!(v["hits"][0]["duplicates"]["count"], 2, "{v:#}");
}

#[test]
fn the_same_item_on_two_desks_is_one_hit() {
    let ix = Indexed::sample();
    let v = ix.search_json("Karachaganak", &["--facet", "section"]);
    assert_eq!(v["hits"].as_array().unwrap().len(), 1, "{v:#}");
    let hit = &v["hits"][0];
    let mut both = folded_ids(hit);
    both.push(hit["id"].as_str().unwrap().to_string());
    both.sort();
    assert_eq!(both, [PIPELINE_TXT, PIPELINE_HTML]);
    // Counts and facets are of articles, folded or not: both desks.
    assert_eq!(v["total_hits"], 2, "{v:#}");
    let shown = ix.search_json(
        "Karachaganak",
        &["--facet", "section", "--duplicates", "show"],
    );
    assert_eq!(shown["hits"].as_array().unwrap().len(), 2, "{shown:#}");
    for r in [&v, &shown] {
        let sections = r["facets"]["section"].as_array().unwrap();
        assert_eq!(sections.len(), 2, "{r:#}");
    }
}

#[test]
fn text_says_plus_n_similar_and_what_was_folded() {
    let ix = Indexed::sample();
    let text = stdout(&ix, &["search", "frost coffee", "--color", "never"]);
    let similar = text
        .lines()
        .find(|l| l.trim_start().starts_with("+2 similar: "))
        .unwrap_or_else(|| panic!("no +2 similar line in:\n{text}"));
    assert!(similar.contains("brazil-coffee-frost"), "{similar}");
    assert!(
        text.contains("3 hits, shown as 1 with 2 near-duplicates folded ("),
        "{text}"
    );
    let text = stdout(
        &ix,
        &[
            "search",
            "frost coffee",
            "--duplicates",
            "show",
            "--color",
            "never",
        ],
    );
    assert!(!text.contains("similar:"), "{text}");
    assert!(text.contains("3 hits ("), "{text}");
}

#[test]
fn counts_are_of_articles_whether_or_not_the_page_folds() {
    let ix = Indexed::sample();
    let n = |extra: &[&str]| -> usize {
        let mut args = vec!["search", "*", "--count"];
        args.extend_from_slice(extra);
        stdout(&ix, &args).trim().parse().expect("a number")
    };
    let articles = n(&["--duplicates", "show"]);
    assert_eq!(n(&[]), articles);
    let v: Value = serde_json::from_str(&stdout(
        &ix,
        &["search", "*", "--count", "--format", "json"],
    ))
    .expect("JSON");
    assert_valid(&output_schema("search-count-output"), &v);
    assert_eq!(
        v,
        serde_json::json!({"version": 2, "total_hits": articles, "unit": "articles", "total_articles": articles})
    );
    // Every article is a hit or folded into one: three fold away (two
    // copies of the frost story, one of the pipeline story).
    let all = ix.search_json("*", &["--all"]);
    let hits = all["hits"].as_array().unwrap();
    let folded: usize = hits.iter().map(|h| folded_ids(h).len()).sum();
    assert_eq!((hits.len(), folded), (articles - 3, 3), "{all:#}");
}

#[test]
fn timeline_and_ndjson_records_count_articles() {
    let ix = Indexed::sample();
    let months = |v: &Value| -> u64 {
        let months = v["timeline"].as_array().unwrap();
        months.iter().map(|b| b["count"].as_u64().unwrap()).sum()
    };
    let v = ix.search_json("frost coffee", &["--timeline"]);
    assert_eq!(months(&v), 3, "{v:#}");
    let shown = ix.search_json("frost coffee", &["--timeline", "--duplicates", "show"]);
    assert_eq!(months(&shown), 3, "{shown:#}");

    let text = stdout(
        &ix,
        &[
            "search",
            "frost coffee",
            "--timeline",
            "--facet",
            "country",
            "--format",
            "ndjson",
        ],
    );
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert_eq!(lines.len(), 3, "{text}");
    let s = output_schema("search-output");
    let def = |name: &str, v: &Value| assert_valid(&def_of(s.clone(), name), v);
    def("hit", &lines[0]);
    assert_eq!(lines[0]["duplicates"]["count"], 2);
    def("facets_record", &lines[1]);
    assert_eq!(lines[1]["unit"], "articles");
    def("timeline_record", &lines[2]);
    assert_eq!(lines[2]["unit"], "articles");
}

#[test]
fn csv_lists_the_folded_ids() {
    let ix = Indexed::sample();
    let text = stdout(&ix, &["search", "Karachaganak", "--format", "csv"]);
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header = r.headers().expect("a header").clone();
    let at = header
        .iter()
        .position(|h| h == "duplicates")
        .expect("a duplicates column");
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.expect("a row")).collect();
    assert_eq!(rows.len(), 1);
    let shown = &rows[0][2];
    let other = if shown == PIPELINE_TXT {
        PIPELINE_HTML
    } else {
        PIPELINE_TXT
    };
    assert_eq!(&rows[0][at], other);
}

#[test]
fn similar_leaves_out_the_articles_near_duplicates() {
    let ix = Indexed::sample();
    let v: Value = serde_json::from_str(&stdout(
        &ix,
        &["similar", FROST, "--format", "json", "-n", "50"],
    ))
    .expect("JSON");
    let got = ids(&v);
    assert!(!got.is_empty());
    for copy in [FROST, FROST_CORRECTED, FROST_UPDATE] {
        assert!(!got.contains(&copy.to_string()), "{copy} in {got:?}");
    }
}

#[test]
fn the_misspelt_wire_copy_suggests_the_right_spelling() {
    let ix = Indexed::sample();
    let out = ix
        .cmd(&["search", "arabcia", "--format", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(ids(&v), [FROST]);
    assert_eq!(v["suggestion"]["query"], "arabica", "{v:#}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("did you mean \"arabica\"?"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Groups are made from the index as it is: a member rewritten or removed
/// by an incremental run leaves its group, one restored joins again.
#[test]
fn incremental_runs_keep_groups_right() {
    let corpus = tempfile::tempdir().unwrap();
    let src = sample_corpus();
    for rel in [FROST, FROST_CORRECTED, FROST_UPDATE, PIPELINE_TXT] {
        let to = corpus.path().join(rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(src.join(rel), &to).unwrap();
    }
    let index = tempfile::tempdir().unwrap();
    let run_index = || index_folder(corpus.path(), index.path());
    let groups = || -> Vec<Vec<String>> {
        let out = newsidx()
            .args(["search", "frost", "--format", "json", "--index"])
            .arg(index.path())
            .output()
            .unwrap();
        let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
        let mut g: Vec<Vec<String>> = v["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| {
                let mut ids = folded_ids(h);
                ids.push(h["id"].as_str().unwrap().to_string());
                ids.sort();
                ids
            })
            .collect();
        g.sort();
        g
    };
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    run_index();
    assert_eq!(groups(), [s(&[FROST_CORRECTED, FROST, FROST_UPDATE])]);

    // The update is rewritten into another story about frost.
    std::fs::write(
        corpus.path().join(FROST_UPDATE),
        "Frost forecast for the orange groves\n\n\
         Growers of oranges in the south of the state were told to light \
         burners in their groves tonight as forecasters warned of a frost \
         that could damage the fruit still on the trees, the week after a \
         cold spell hurt the coffee farms further north. Packers said juice \
         plants would run through the weekend to take fruit picked early.\n",
    )
    .unwrap();
    run_index();
    assert_eq!(
        groups(),
        [s(&[FROST_CORRECTED, FROST]), s(&[FROST_UPDATE])],
        "a rewritten member leaves its group"
    );

    std::fs::remove_file(corpus.path().join(FROST_CORRECTED)).unwrap();
    run_index();
    assert_eq!(
        groups(),
        [s(&[FROST]), s(&[FROST_UPDATE])],
        "a removed member is gone from its group"
    );

    std::fs::copy(
        src.join(FROST_CORRECTED),
        corpus.path().join("economy/frost-copy-again.txt"),
    )
    .unwrap();
    run_index();
    assert_eq!(
        groups(),
        [
            s(&[FROST, "economy/frost-copy-again.txt"]),
            s(&[FROST_UPDATE])
        ],
        "a new copy joins"
    );
}

#[test]
fn a_thousand_copies_of_one_text_fold_into_one_hit() {
    // Every band key of the text is shared by more articles than
    // `HOT_BAND`: such a key finds candidates only near the page, unless an
    // article shares two keys with the hit, as copies do. So all the copies
    // still fold into one hit, however far down they rank.
    let copies = 1_050;
    assert!(newsidx::search::dedup::HOT_BAND < copies);
    let work = tempfile::tempdir().expect("tmp");
    let corpus = work.path().join("corpus");
    let body = "Readers who subscribe to the print edition can read this article \
        online by signing in with the number printed on their delivery note. \
        Subscriptions start at four pounds a month and can be cancelled at any \
        time by calling the number below or writing to the circulation office.";
    for i in 0..copies {
        let dir = corpus.join(format!("d{:02}", i % 20));
        std::fs::create_dir_all(&dir).expect("mkdir");
        std::fs::write(
            dir.join(format!("notice-{i:04}.txt")),
            format!("Subscriber notice {i}\n\n{body}\n"),
        )
        .expect("write");
    }
    let index = work.path().join("ix");
    index_folder(&corpus, &index);
    let out = newsidx()
        .args([
            "search",
            "circulation office",
            "--format",
            "json",
            "--index",
        ])
        .arg(&index)
        .output()
        .expect("runs");
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["total_hits"], copies, "{v:#}");
    let hits = v["hits"].as_array().expect("hits");
    assert_eq!(hits.len(), 1, "one hit for one text: {v:#}");
    assert_eq!(hits[0]["duplicates"]["count"], copies - 1);
}
