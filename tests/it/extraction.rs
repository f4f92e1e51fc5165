//! Extraction quality on our labelled set (tests/data/extraction/): the
//! sample-corpus articles plus short passages for every pattern and trap.
//! Computes precision and recall for ministers and countries and fails
//! under the targets of the extraction issue.

use crate::common::sample_corpus;
use newsidx::extract::{self, Extraction};
use serde::Deserialize;
use std::collections::BTreeSet;
use std::path::Path;

const MINISTERS_P: f64 = 0.95;
const MINISTERS_R: f64 = 0.92;
const COUNTRIES_P: f64 = 0.95;
const COUNTRIES_R: f64 = 0.95;

#[derive(Deserialize)]
struct ArticleLabel {
    file: String,
    ministers: Vec<String>,
    countries: Vec<String>,
}

#[derive(Deserialize)]
struct PassageLabel {
    text: String,
    ministers: Vec<String>,
    countries: Vec<String>,
    #[serde(default)]
    roles: Vec<String>,
}

#[derive(Deserialize)]
struct ArticlesFile {
    article: Vec<ArticleLabel>,
}

#[derive(Deserialize)]
struct PassagesFile {
    passage: Vec<PassageLabel>,
}

fn data(name: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/extraction")
        .join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[derive(Default)]
struct Score {
    tp: usize,
    fp: usize,
    fn_: usize,
}

impl Score {
    fn add(
        &mut self,
        what: &str,
        got: &BTreeSet<String>,
        want: &BTreeSet<String>,
        log: &mut Vec<String>,
    ) {
        for g in got {
            if want.contains(g) {
                self.tp += 1;
            } else {
                self.fp += 1;
                log.push(format!("{what}: extra {g}"));
            }
        }
        for w in want.difference(got) {
            self.fn_ += 1;
            log.push(format!("{what}: missed {w}"));
        }
    }
    fn precision(&self) -> f64 {
        self.tp as f64 / ((self.tp + self.fp).max(1)) as f64
    }
    fn recall(&self) -> f64 {
        self.tp as f64 / ((self.tp + self.fn_).max(1)) as f64
    }
}

fn sets(x: &Extraction) -> (BTreeSet<String>, BTreeSet<String>) {
    (
        x.ministers.iter().map(|m| m.name.clone()).collect(),
        x.countries.iter().map(|c| c.code.clone()).collect(),
    )
}

fn sample_article(rel: &str) -> Extraction {
    let path = sample_corpus().join(rel);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let text = String::from_utf8(bytes).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let text = text.trim_start_matches('\u{feff}');
    let out = newsidx::article::parse(text, "txt").unwrap_or_else(|e| panic!("{rel}: {e}"));
    let a = &out.articles[0].article;
    extract::extract(&a.title, &a.body)
}

#[test]
fn labelled_set_meets_precision_and_recall_targets() {
    let articles: ArticlesFile =
        toml::from_str(&data("sample-corpus.toml")).expect("sample-corpus.toml parses");
    let passages: PassagesFile =
        toml::from_str(&data("passages.toml")).expect("passages.toml parses");
    assert!(articles.article.len() + passages.passage.len() >= 40);

    let (mut ms, mut cs) = (Score::default(), Score::default());
    let mut log = Vec::new();
    let mut role_errors = Vec::new();
    let mut run = |label: &str, x: &Extraction, ministers: &[String], countries: &[String]| {
        let (gm, gc) = sets(x);
        let wm: BTreeSet<String> = ministers.iter().cloned().collect();
        let wc: BTreeSet<String> = countries.iter().cloned().collect();
        let mut l = Vec::new();
        ms.add("minister", &gm, &wm, &mut l);
        cs.add("country", &gc, &wc, &mut l);
        log.extend(l.into_iter().map(|m| format!("{label}: {m}")));
    };
    for a in &articles.article {
        let x = sample_article(&a.file);
        run(&a.file, &x, &a.ministers, &a.countries);
    }
    for (i, p) in passages.passage.iter().enumerate() {
        let x = extract::extract("", &p.text);
        run(
            &format!("passage {}", i + 1),
            &x,
            &p.ministers,
            &p.countries,
        );
        for r in &p.roles {
            let got = x.ministers.iter().any(|m| {
                format!(
                    "{}|{}|{}",
                    m.name,
                    m.role,
                    m.country_code.as_deref().unwrap_or("")
                ) == *r
            });
            if !got {
                role_errors.push(format!(
                    "passage {}: want {r}, got {:?}",
                    i + 1,
                    x.ministers
                ));
            }
        }
    }
    let report = format!(
        "ministers P={:.3} R={:.3}; countries P={:.3} R={:.3}\n{}",
        ms.precision(),
        ms.recall(),
        cs.precision(),
        cs.recall(),
        log.join("\n")
    );
    eprintln!("{report}");
    assert!(role_errors.is_empty(), "{}", role_errors.join("\n"));
    assert!(ms.precision() >= MINISTERS_P, "{report}");
    assert!(ms.recall() >= MINISTERS_R, "{report}");
    assert!(cs.precision() >= COUNTRIES_P, "{report}");
    assert!(cs.recall() >= COUNTRIES_R, "{report}");
}

/// The Diplomat article's pattern ("Indian External Affairs Minister",
/// "his Japanese counterpart, X", "Indian Defense Minister A.K. Antony’s"),
/// in our own words.
#[test]
fn diplomat_like_passage() {
    let x = extract::extract(
        "India Comes Calling",
        "Indian External Affairs Minister S.M. Krishna was in Tokyo, and New Delhi wants closer ties.\n\n\
         During a meeting with his Japanese counterpart, Koichiro Gemba, the two agreed on trilateral \
         talks with the United States. Indian Defense Minister A.K. Antony’s visit follows. Beijing \
         watches.\n\n“I discussed with Foreign Minister Gemba the status of talks,” Krishna said.",
    );
    let got: Vec<String> = x
        .ministers
        .iter()
        .map(|m| {
            format!(
                "{}|{}|{}",
                m.name,
                m.role,
                m.country_code.as_deref().unwrap_or("")
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            "S.M. Krishna|External Affairs Minister|IN",
            "Koichiro Gemba|Foreign Minister|JP",
            "A.K. Antony|Defense Minister|IN"
        ]
    );
    let codes: Vec<&str> = x.countries.iter().map(|c| c.code.as_str()).collect();
    assert_eq!(codes, ["CN", "IN", "JP", "US"]);
}

#[test]
fn country_code_resolves_what_users_type() {
    for (typed, code) in [
        ("japan", Some("JP")),
        ("JP", Some("JP")),
        ("jp", Some("JP")),
        ("Japanese", Some("JP")),
        ("United States", Some("US")),
        ("us", Some("US")),
        ("U.S.", Some("US")),
        ("britain", Some("GB")),
        ("uk", Some("GB")),
        ("Soviet Union", Some("SU")),
        ("su", Some("SU")),
        ("west germany", Some("DE")),
        ("burma", Some("MM")),
        ("narnia", None),
        ("xx", None),
        ("", None),
    ] {
        assert_eq!(extract::country_code(typed).as_deref(), code, "{typed}");
    }
    assert_eq!(extract::country_name("JP"), Some("Japan"));
    assert_eq!(extract::country_name("su"), Some("Soviet Union"));
    assert_eq!(extract::country_name("XX"), None);
}
