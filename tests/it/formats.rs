//! Issue: Real archives — formats and dates. Indexes tests/fixtures/formats
//! (one file per case) and checks what each file became, and that the sample
//! corpus gets its written dates.

use crate::common::*;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats")
}

/// The fixtures indexed once, with the index command's stderr.
struct Fixtures {
    ix: Indexed,
    stderr: String,
}

fn index_fixtures() -> Fixtures {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = newsidx()
        .args(["index", "--no-progress"])
        .arg(fixtures())
        .arg("--index")
        .arg(dir.path())
        .output()
        .expect("newsidx runs");
    assert!(out.status.success(), "index failed: {out:?}");
    Fixtures {
        ix: Indexed { dir },
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

impl Fixtures {
    fn doc(&self, id: &str) -> serde_json::Value {
        let out = self
            .ix
            .cmd(&["show", id, "--format", "json"])
            .output()
            .expect("newsidx runs");
        assert!(
            out.status.success(),
            "show {id}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("show prints JSON");
        v["document"].clone()
    }
}

struct Want {
    id: &'static str,
    format: &'static str,
    title: &'static str,
    date: Option<&'static str>,
    byline: Option<&'static str>,
    url: Option<&'static str>,
    /// Text the body must contain.
    has: &'static [&'static str],
    /// Text the body must not contain (furniture, markup, skipped parts).
    lacks: &'static [&'static str],
}

const WANT: &[Want] = &[
    Want {
        id: "text-layout-a.txt",
        format: "text",
        title: "Lighthouse Keepers Return to Cape Orrin",
        date: Some("2013-06-03"),
        byline: None,
        url: None,
        has: &["For the first time in thirty years"],
        lacks: &["subscribe", "Image Credit"],
    },
    Want {
        id: "text-layout-b.txt",
        format: "text",
        title: "Ferry operators agree winter timetable",
        date: Some("2011-11-12"),
        byline: None,
        url: None,
        has: &["serving the outer islands agreed"],
        lacks: &[],
    },
    Want {
        id: "2013-09-02-salt-marsh-survey.txt",
        format: "text",
        title: "Salt marsh survey counts record number of waders",
        date: Some("2013-09-02"),
        byline: None,
        url: None,
        has: &["nine thousand wading birds"],
        lacks: &[],
    },
    Want {
        id: "2012/05/17/tidal-turbine-trial.txt",
        format: "text",
        title: "Tidal turbine trial starts in the sound",
        date: Some("2012-05-17"),
        byline: None,
        url: None,
        has: &["four metres a second"],
        lacks: &[],
    },
    Want {
        id: "ambiguous-numeric-date.txt",
        format: "text",
        title: "Council approves new bus lanes",
        date: None,
        byline: None,
        url: None,
        has: &["bus lanes on three main roads"],
        lacks: &[],
    },
    Want {
        id: "date-deep-in-story.txt",
        format: "text",
        title: "Mill reopens as a museum",
        date: None,
        byline: None,
        url: None,
        has: &["a consignment of blankets"],
        lacks: &[],
    },
    Want {
        id: "saved-page-with-txt-extension.txt",
        format: "html",
        title: "Rail bridge repairs finish early",
        date: Some("2015-08-14"),
        byline: None,
        url: None,
        has: &["four days ahead of schedule", "replacement buses"],
        lacks: &["Home", "<p>", "Northern Post"],
    },
    Want {
        id: "news-article.html",
        format: "html",
        title: "Harbour pilots strike over night shifts",
        date: Some("2014-03-09"),
        byline: Some("Mara Quell"),
        url: Some("https://ledger.example/2014/03/09/harbour-pilots-strike"),
        has: &[
            "walked out at midnight on Sunday",
            "unsafe in any weather",
            "Talks are due to resume",
        ],
        lacks: &[
            "cookies",
            "Business",
            "ADVERTISEMENT",
            "Share on",
            "Related stories",
            "Ferry fares",
            "Disgraceful",
            "All rights reserved",
            "dataLayer",
            "querySelectorAll",
            "position:fixed",
        ],
    },
    Want {
        id: "jsonld-div-soup.html",
        format: "html",
        title: "Orchard growers count frost losses",
        date: Some("2016-04-22"),
        byline: Some("Tobias Wren, Ines Calloway"),
        url: None,
        has: &["Apple and cherry growers", "disaster declaration"],
        lacks: &[
            "Subscribe",
            "Obituaries",
            "newsletter",
            "You may also like",
            "Most read",
            "Sponsored",
            "12 comments",
            "Copyright",
            "disqus",
        ],
    },
    Want {
        id: "wordpress-style.html",
        format: "html",
        title: "Island States Seek Seat at Fisheries Table",
        date: Some("2013-07-18"),
        byline: Some("Sefa Leota"),
        url: Some("https://atoll.example/2013/07/island-states-fisheries/"),
        has: &[
            "Leaders of nine Pacific island states",
            "meets again in December",
        ],
        lacks: &[
            "Skip to content",
            "Share this",
            "Post navigation",
            "Previous:",
            "About time",
            "Leave a Reply",
            "Recent Posts",
            "WordPress",
            "Posted in",
        ],
    },
    Want {
        id: "data-attribute-layout.html",
        format: "html",
        title: "Rivers swell as storm moves north",
        date: Some("2019-02-10"),
        byline: Some("Ola Berg"),
        url: Some("https://tide.example/environment/2019/feb/10/rivers-swell"),
        has: &[
            "Rivers across the north rose quickly",
            "pumps ready to move where needed",
        ],
        lacks: &[
            "Skip to main content",
            "Sign in",
            "Opinion",
            "shares",
            "Read more",
            "paywall",
            "Topics",
            "Most viewed",
            "My street flooded",
            "© 2019",
            "window.tide",
        ],
    },
    Want {
        id: "front-matter.md",
        format: "markdown",
        title: "Seed bank opens its vaults to farmers",
        date: Some("2014-10-06"),
        byline: Some("Priya Anand"),
        url: Some("https://example.org/seed-bank"),
        has: &[
            "The regional seed bank will lend old varieties of barley and oats to local farmers this autumn.",
            "five kilograms of seed\n\nadvice on sowing",
        ],
        lacks: &["**", "](", "vault.jpg", "The vault door", "# "],
    },
    Want {
        id: "heading-only.markdown",
        format: "markdown",
        title: "Choir wins national title",
        date: None,
        byline: None,
        url: None,
        has: &["a programme of folk songs arranged"],
        lacks: &["*"],
    },
    Want {
        id: "record.json",
        format: "json",
        title: "Glassworks wins export award",
        date: Some("2016-02-11"),
        byline: Some("Tom Reyes, Lena Fisk"),
        url: Some("https://example.org/glassworks"),
        has: &["coloured bottles.\n\nMost of its output"],
        lacks: &[],
    },
    Want {
        id: "records.json#1",
        format: "json",
        title: "Library extends opening hours",
        date: Some("2017-03-01"),
        byline: Some("Ada Moss"),
        url: None,
        has: &["until nine in the evening"],
        lacks: &[],
    },
    Want {
        id: "records.json#3",
        format: "json",
        title: "Harbour wall repaired",
        date: Some("2017-03-09"),
        byline: None,
        url: None,
        has: &["Masons finished the harbour wall.\n\nThe path along it"],
        lacks: &["<p>"],
    },
    Want {
        id: "feed.jsonl#1",
        format: "jsonl",
        title: "Wind farm gets planning consent",
        date: Some("2018-06-05"),
        byline: Some("Sam Hale"),
        url: Some("https://example.org/wind"),
        has: &["offshore wind farm"],
        lacks: &[],
    },
    Want {
        id: "feed.jsonl#5",
        format: "jsonl",
        title: "Cheese fair draws crowds",
        date: Some("2018-06-09"),
        byline: None,
        url: None,
        has: &["Forty producers"],
        lacks: &[],
    },
    Want {
        id: "wire.ndjson#1",
        format: "jsonl",
        title: "Port strike ends after pay deal",
        date: Some("2019-01-22"),
        byline: Some("Kim Bell"),
        url: None,
        has: &["four percent rise"],
        lacks: &[],
    },
];

#[test]
fn every_fixture_becomes_the_document_it_should() {
    let fx = index_fixtures();
    assert!(
        fx.stderr
            .contains(&format!("indexed {} articles", WANT.len())),
        "{}",
        fx.stderr
    );
    for w in WANT {
        let d = fx.doc(w.id);
        let id = w.id;
        assert_eq!(d["format"], w.format, "{id}: format");
        assert_eq!(d["title"], w.title, "{id}: title");
        assert_eq!(d["date"].as_str(), w.date, "{id}: date");
        assert_eq!(d["byline"].as_str(), w.byline, "{id}: byline");
        assert_eq!(d["url"].as_str(), w.url, "{id}: url");
        let body = d["body"].as_str().unwrap_or_default();
        for s in w.has {
            assert!(body.contains(s), "{id}: body lacks {s:?}:\n{body}");
        }
        for s in w.lacks {
            assert!(!body.contains(s), "{id}: body has {s:?}:\n{body}");
        }
    }
}

#[test]
fn files_that_are_not_articles_are_skipped_with_a_reason() {
    let fx = index_fixtures();
    let err = &fx.stderr;
    assert!(
        err.contains("skipped 6 (malformed 5, not-article 1)"),
        "{err}"
    );
    assert!(
        err.contains(
            "bad-front-matter.md: the front matter (between the `---` lines) is not valid YAML"
        ),
        "{err}"
    );
    assert!(
        err.contains(
            "not-news.json: expected a news record: a JSON object with a \"title\"/\"headline\""
        ),
        "{err}"
    );
    assert!(
        err.contains("found keys: name, version, dependencies"),
        "{err}"
    );
    // The bad lines of feed.jsonl and the non-record in records.json are
    // reported as `path#N` and left out; their neighbours are not.
    for id in ["feed.jsonl#2", "feed.jsonl#3", "records.json#2"] {
        assert!(err.contains(&format!("newsidx: {id}: ")), "{id}: {err}");
        fx.ix.cmd(&["show", id]).assert().code(2);
    }
}

#[test]
fn byline_is_searchable() {
    let fx = index_fixtures();
    let v = fx.ix.search_json("byline:quell", &[]);
    assert_eq!(ids(&v), vec!["news-article.html"]);
}

#[test]
fn sample_corpus_dates_as_written() {
    let ix = Indexed::sample();
    for (id, date) in [
        // dateline with an abbreviated month and a dash
        ("energy/india-japan-rare-earth-pact.txt", Some("2011-12-28")),
        // dateline with an em dash
        (
            "energy/brazil-libra-pre-salt-auction.txt",
            Some("2013-10-21"),
        ),
        // `Published 30 April 2012` line in Layout A
        (
            "diplomacy/japan-india-indian-ocean-dialogue.txt",
            Some("2012-04-30"),
        ),
        // a lone ISO date line
        (
            "energy/south-korea-reactor-parts-scandal.txt",
            Some("2012-11-05"),
        ),
        // a lone written date line, in a CRLF file
        (
            "energy/2012-05-05-japan-switches-off-last-reactor.txt",
            Some("2012-05-05"),
        ),
        // no date anywhere
        ("energy/niger-uranium-nigeria-blackouts.txt", None),
    ] {
        let out = ix
            .cmd(&["show", id, "--format", "json"])
            .output()
            .expect("newsidx runs");
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("show prints JSON");
        assert_eq!(v["document"]["date"].as_str(), date, "{id}");
    }
}

/// Per-line problems come back from the pipeline as warnings (the index
/// command prints them; see `pipeline::Processed`).
#[test]
fn bad_json_lines_and_array_elements_are_warned_about_by_number() {
    use newsidx::corpus::Entry;
    use newsidx::pipeline::{Options, process};
    let run = |rel: &str| {
        let entry = Entry {
            path: fixtures().join(rel),
            rel: rel.to_string(),
            size: 0,
            mtime: 0,
        };
        match process(&entry, &Options::default()) {
            Ok(p) => p,
            Err(reason) => panic!("{rel}: {reason}"),
        }
    };
    let p = run("feed.jsonl");
    let ids: Vec<&str> = p.docs.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["feed.jsonl#1", "feed.jsonl#5"]);
    let warnings: Vec<String> = p.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(
        warnings[0].starts_with("line 2: not valid JSON (") && warnings[0].ends_with("; skipped"),
        "{warnings:?}"
    );
    assert!(
        warnings[1].starts_with("line 3: expected a news record")
            && warnings[1].contains("found keys: id, kind"),
        "{warnings:?}"
    );
    let p = run("records.json");
    let warnings: Vec<String> = p.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(p.docs.len(), 2);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].starts_with("record 2: a string where a record was expected"),
        "{warnings:?}"
    );
}
