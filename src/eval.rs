//! Ranking quality from relevance judgments (`newsidx eval`): the two TSV
//! file formats, the metrics (pure), and [`evaluate`], which runs each judged
//! query through `search` and scores its ranking. `render::eval` prints it.
//!
//! Files are UTF-8, one record a line, fields separated by a TAB; blank lines
//! and lines starting with `#` are ignored, and a first line whose first field
//! is `query_id` is a header.
//! - queries: `query_id<TAB>query` — the query in `newsidx search` syntax.
//! - qrels:   `query_id<TAB>doc_id<TAB>grade` — `doc_id` as `newsidx search`
//!   prints it (path relative to the corpus root), `grade` an integer ≥ 0:
//!   0 not relevant, 1 relevant, 2 highly relevant, and so on. Documents
//!   without a judgment count as not relevant.
//!
//! Metrics, for a ranking cut at `depth` and a cutoff `k`:
//! - P@k: relevant (grade > 0) documents among the first k, divided by k.
//! - MRR: 1 / rank of the first relevant document (0 when none is ranked).
//! - AP: the mean, over every relevant judged document, of the precision at
//!   its rank (0 for one not ranked); MAP is its mean over queries.
//! - nDCG@k: DCG@k / ideal DCG@k, with gain 2^grade − 1 and discount
//!   log2(rank + 1); the ideal ranking orders all judged documents by grade.

use crate::backend::Backend;
use crate::search::{DefaultOperator, Request};
use anyhow::Context;
use std::collections::{BTreeMap, HashMap};
use std::fmt;

/// A query to evaluate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Topic {
    pub id: String,
    pub query: String,
    pub line: usize,
}

/// Grades per document id, per query id.
pub type Qrels = BTreeMap<String, HashMap<String, u32>>;

/// A problem with an eval input file, displayed as `FILE:LINE: …`.
#[derive(Debug, PartialEq, Eq)]
pub struct FileError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(f, "{}:{}: {}", self.file, self.line, self.message)
        }
    }
}

impl std::error::Error for FileError {}

/// The data lines of a TSV file: (line number, fields), without comments,
/// blank lines and a header.
fn records(text: &str) -> Vec<(usize, Vec<&str>)> {
    let mut out = Vec::new();
    let mut first = true;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let line = if i == 0 {
            line.strip_prefix('\u{feff}').unwrap_or(line)
        } else {
            line
        };
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').map(str::trim).collect();
        let is_header = first && fields[0].eq_ignore_ascii_case("query_id");
        first = false;
        if !is_header {
            out.push((i + 1, fields));
        }
    }
    out
}

/// Parse a queries file: `query_id<TAB>query`.
pub fn parse_queries(text: &str, file: &str) -> Result<Vec<Topic>, FileError> {
    let err = |line, message: String| FileError {
        file: file.to_string(),
        line,
        message,
    };
    let mut out: Vec<Topic> = Vec::new();
    for (line, f) in records(text) {
        if f.len() != 2 {
            return Err(err(
                line,
                format!(
                    "expected 2 tab-separated fields (query_id, query), found {}",
                    f.len()
                ),
            ));
        }
        if f[0].is_empty() || f[1].is_empty() {
            return Err(err(line, "query_id and query must not be empty".into()));
        }
        if let Some(prev) = out.iter().find(|t| t.id == f[0]) {
            return Err(err(
                line,
                format!(
                    "query id {:?} is already used on line {}; ids must be unique",
                    f[0], prev.line
                ),
            ));
        }
        out.push(Topic {
            id: f[0].to_string(),
            query: f[1].to_string(),
            line,
        });
    }
    if out.is_empty() {
        return Err(err(
            0,
            "no queries; write lines of `query_id<TAB>query`".into(),
        ));
    }
    Ok(out)
}

/// Parse a judgments file: `query_id<TAB>doc_id<TAB>grade`.
pub fn parse_qrels(text: &str, file: &str) -> Result<Qrels, FileError> {
    let err = |line, message: String| FileError {
        file: file.to_string(),
        line,
        message,
    };
    let mut out = Qrels::new();
    for (line, f) in records(text) {
        if f.len() != 3 {
            return Err(err(
                line,
                format!(
                    "expected 3 tab-separated fields (query_id, doc_id, grade), found {}",
                    f.len()
                ),
            ));
        }
        if f[0].is_empty() || f[1].is_empty() {
            return Err(err(line, "query_id and doc_id must not be empty".into()));
        }
        let grade: u32 = f[2].parse().map_err(|_| {
            err(
                line,
                format!(
                    "grade {:?} is not a whole number ≥ 0 (0 = not relevant, 1 = relevant, 2 = highly relevant …)",
                    f[2]
                ),
            )
        })?;
        if out
            .entry(f[0].to_string())
            .or_default()
            .insert(f[1].to_string(), grade)
            .is_some()
        {
            return Err(err(
                line,
                format!("{} is judged twice for query {}", f[1], f[0]),
            ));
        }
    }
    if out.is_empty() {
        return Err(err(
            0,
            "no judgments; write lines of `query_id<TAB>doc_id<TAB>grade`".into(),
        ));
    }
    Ok(out)
}

/// The metrics of one query.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Metrics {
    pub precision: f64,
    pub reciprocal_rank: f64,
    pub average_precision: f64,
    pub ndcg: f64,
}

impl Metrics {
    /// Every metric of a ranking against one query's judgments.
    pub fn of(ranked: &[String], judged: &HashMap<String, u32>, k: usize) -> Metrics {
        Metrics {
            precision: precision_at(ranked, judged, k),
            reciprocal_rank: reciprocal_rank(ranked, judged),
            average_precision: average_precision(ranked, judged),
            ndcg: ndcg_at(ranked, judged, k),
        }
    }

    /// The mean of each metric (all zero for no queries).
    pub fn mean(all: &[Metrics]) -> Metrics {
        if all.is_empty() {
            return Metrics::default();
        }
        let n = all.len() as f64;
        let sum = |f: fn(&Metrics) -> f64| all.iter().map(f).sum::<f64>() / n;
        Metrics {
            precision: sum(|m| m.precision),
            reciprocal_rank: sum(|m| m.reciprocal_rank),
            average_precision: sum(|m| m.average_precision),
            ndcg: sum(|m| m.ndcg),
        }
    }
}

fn grade(judged: &HashMap<String, u32>, id: &str) -> u32 {
    judged.get(id).copied().unwrap_or(0)
}

/// Relevant documents among the first `k`, over `k`.
pub fn precision_at(ranked: &[String], judged: &HashMap<String, u32>, k: usize) -> f64 {
    if k == 0 {
        return 0.0;
    }
    let rel = ranked
        .iter()
        .take(k)
        .filter(|id| grade(judged, id) > 0)
        .count();
    rel as f64 / k as f64
}

pub fn reciprocal_rank(ranked: &[String], judged: &HashMap<String, u32>) -> f64 {
    ranked
        .iter()
        .position(|id| grade(judged, id) > 0)
        .map_or(0.0, |i| 1.0 / (i + 1) as f64)
}

pub fn average_precision(ranked: &[String], judged: &HashMap<String, u32>) -> f64 {
    let relevant = judged.values().filter(|g| **g > 0).count();
    if relevant == 0 {
        return 0.0;
    }
    let mut hits = 0usize;
    let mut sum = 0.0;
    for (i, id) in ranked.iter().enumerate() {
        if grade(judged, id) > 0 {
            hits += 1;
            sum += hits as f64 / (i + 1) as f64;
        }
    }
    sum / relevant as f64
}

fn gain(grade: u32) -> f64 {
    // Capped so an absurd grade cannot overflow to infinity.
    2f64.powi(grade.min(60) as i32) - 1.0
}

fn dcg(grades: impl Iterator<Item = u32>) -> f64 {
    grades
        .enumerate()
        .map(|(i, g)| gain(g) / ((i + 2) as f64).log2())
        .sum()
}

pub fn ndcg_at(ranked: &[String], judged: &HashMap<String, u32>, k: usize) -> f64 {
    let mut ideal: Vec<u32> = judged.values().copied().collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let idcg = dcg(ideal.into_iter().take(k));
    if idcg == 0.0 {
        return 0.0;
    }
    dcg(ranked.iter().take(k).map(|id| grade(judged, id))) / idcg
}

/// How to run and cut each ranking.
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    /// The cutoff of P@k and nDCG@k.
    pub k: usize,
    /// How many hits of each query to rank (at least `k`).
    pub depth: usize,
    pub default_operator: DefaultOperator,
    /// Search with pseudo-relevance feedback (`search --expand`).
    pub expand: bool,
}

/// One evaluated query.
#[derive(Clone, Debug)]
pub struct Scored {
    pub topic: Topic,
    pub total_hits: usize,
    /// Documents judged for the query, and how many of them with grade > 0.
    pub judged: usize,
    pub relevant: usize,
    pub metrics: Metrics,
    /// The first k ids and their grades (None: not judged), to see why a
    /// metric moved.
    pub top: Vec<(String, Option<u32>)>,
}

/// A query that could not be evaluated, and why.
#[derive(Clone, Debug)]
pub struct Skipped {
    pub topic: Topic,
    pub reason: &'static str,
}

/// Every query's metrics and their means.
#[derive(Clone, Debug)]
pub struct Evaluation {
    pub settings: Settings,
    pub scored: Vec<Scored>,
    pub skipped: Vec<Skipped>,
    /// The mean over `scored` (all zero when nothing was scored).
    pub mean: Metrics,
}

/// Run every topic with a relevant judgment against `ix` and score its
/// ranking; `qfile` names the queries file in the error of a query that
/// cannot run.
pub fn evaluate(
    ix: &dyn Backend,
    topics: Vec<Topic>,
    qrels: &Qrels,
    settings: Settings,
    qfile: &str,
) -> anyhow::Result<Evaluation> {
    let mut scored = Vec::new();
    let mut skipped = Vec::new();
    for topic in topics {
        let Some(judged) = qrels.get(&topic.id) else {
            skipped.push(Skipped {
                topic,
                reason: "no judgments",
            });
            continue;
        };
        let relevant = judged.values().filter(|g| **g > 0).count();
        if relevant == 0 {
            skipped.push(Skipped {
                topic,
                reason: "no document judged relevant (grade > 0)",
            });
            continue;
        }
        let req = Request {
            query: topic.query.clone(),
            limit: settings.depth,
            default_operator: settings.default_operator,
            // Ranking quality never looks at snippets; keep them cheap.
            snippet_chars: 1,
            expand: settings.expand,
            ..Request::default()
        };
        let results = ix
            .search(&req)
            .with_context(|| format!("{qfile}:{}: query {}", topic.line, topic.id))?;
        let ranked: Vec<String> = results.hits.into_iter().map(|h| h.doc.id).collect();
        scored.push(Scored {
            metrics: Metrics::of(&ranked, judged, settings.k),
            top: ranked
                .iter()
                .take(settings.k)
                .map(|id| (id.clone(), judged.get(id).copied()))
                .collect(),
            total_hits: results.total_hits,
            judged: judged.len(),
            relevant,
            topic,
        });
    }
    let mean = Metrics::mean(&scored.iter().map(|s| s.metrics).collect::<Vec<_>>());
    Ok(Evaluation {
        settings,
        scored,
        skipped,
        mean,
    })
}

/// Query ids judged in `qrels` that no topic has: their judgments are unused.
pub fn orphan_judgments<'a>(topics: &[Topic], qrels: &'a Qrels) -> Vec<&'a String> {
    qrels
        .keys()
        .filter(|qid| !topics.iter().any(|t| &t.id == *qid))
        .collect()
}

/// Ids judged relevant that the index lacks, sorted: most often typos or an
/// index of another corpus, which quietly lower every metric.
pub fn missing_relevant(ix: &dyn Backend, qrels: &Qrels) -> anyhow::Result<Vec<String>> {
    let mut ids: Vec<&String> = qrels
        .values()
        .flat_map(|j| j.iter().filter(|(_, g)| **g > 0).map(|(id, _)| id))
        .collect();
    ids.sort();
    ids.dedup();
    let mut missing = Vec::new();
    for id in ids {
        if ix.get_by_id(id)?.is_none() {
            missing.push(id.clone());
        }
    }
    Ok(missing)
}

/// The `--min-*` thresholds: a minimum per mean metric.
#[derive(Clone, Copy, Debug, Default)]
pub struct Minimums {
    pub precision: Option<f64>,
    pub mrr: Option<f64>,
    pub map: Option<f64>,
    pub ndcg: Option<f64>,
}

/// A minimum and how the mean fared against it.
#[derive(Clone, Debug, PartialEq)]
pub struct Threshold {
    pub metric: &'static str,
    pub min: f64,
    pub value: f64,
}

impl Threshold {
    pub fn passed(&self) -> bool {
        // Means are rounded to 4 places when shown; compare like that, so a
        // printed 0.8000 never fails --min-ndcg 0.8.
        round4(self.value) >= self.min
    }
}

impl Minimums {
    /// The thresholds given, each with the mean it is held against.
    pub fn against(&self, mean: &Metrics) -> Vec<Threshold> {
        [
            ("precision", self.precision, mean.precision),
            ("mrr", self.mrr, mean.reciprocal_rank),
            ("map", self.map, mean.average_precision),
            ("ndcg", self.ndcg, mean.ndcg),
        ]
        .into_iter()
        .filter_map(|(metric, min, value)| min.map(|min| Threshold { metric, min, value }))
        .collect()
    }
}

/// A metric as it is shown: 4 decimal places.
pub fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranked(ids: &[&str]) -> Vec<String> {
        ids.iter().map(|s| s.to_string()).collect()
    }

    fn judged(g: &[(&str, u32)]) -> HashMap<String, u32> {
        g.iter().map(|(d, n)| (d.to_string(), *n)).collect()
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn metrics_against_hand_computed_values() {
        // Relevant: a (grade 2), c (1), e (1, never ranked); b judged 0; d unjudged.
        let r = ranked(&["a", "b", "c", "d"]);
        let j = judged(&[("a", 2), ("b", 0), ("c", 1), ("e", 1)]);
        let m = Metrics::of(&r, &j, 3);
        // P@3 = |{a, c}| / 3.
        assert!(close(m.precision, 2.0 / 3.0), "{m:?}");
        assert!(close(m.reciprocal_rank, 1.0), "{m:?}");
        // AP = (1/1 + 2/3 + 0) / 3.
        assert!(close(m.average_precision, (1.0 + 2.0 / 3.0) / 3.0), "{m:?}");
        // DCG@3 = 3/log2(2) + 0 + 1/log2(4) = 3.5; ideal = 3/1 + 1/log2(3) + 1/2.
        let ideal = 3.0 + 1.0 / 3f64.log2() + 0.5;
        assert!(close(m.ndcg, 3.5 / ideal), "{m:?}");
    }

    #[test]
    fn metric_edge_cases() {
        let j = judged(&[("x", 1)]);
        let none = Metrics::of(&[], &j, 10);
        assert_eq!(none, Metrics::default());
        let late = Metrics::of(&ranked(&["a", "b", "x"]), &j, 10);
        assert!(close(late.reciprocal_rank, 1.0 / 3.0));
        assert!(close(late.precision, 0.1));
        assert!(close(late.average_precision, 1.0 / 3.0));
        assert!(close(late.ndcg, 1.0 / 2.0), "1/log2(4) over 1/log2(2)");
        let perfect = Metrics::of(&ranked(&["x"]), &j, 10);
        assert!(close(perfect.ndcg, 1.0) && close(perfect.average_precision, 1.0));
        // Nothing relevant judged: every metric is 0, never NaN.
        let zero = Metrics::of(&ranked(&["a"]), &judged(&[("a", 0)]), 10);
        assert_eq!(zero, Metrics::default());
        assert_eq!(precision_at(&ranked(&["x"]), &j, 0), 0.0);
        let m = Metrics::mean(&[perfect, late]);
        assert!(close(m.reciprocal_rank, (1.0 + 1.0 / 3.0) / 2.0));
    }

    #[test]
    fn files_parse_with_comments_and_header() {
        let q = "\u{feff}query_id\tquery\n# a comment\n\nq1\t\"rare earth\"\r\nq2\tFukushima\n";
        let topics = parse_queries(q, "q.tsv").unwrap();
        assert_eq!(topics.len(), 2);
        assert_eq!(topics[0].query, "\"rare earth\"");
        assert_eq!(topics[1].line, 5);
        let r = "query_id\tdoc_id\tgrade\nq1\ta.txt\t2\nq1\tb.txt\t0\nq2\tc.txt\t1\n";
        let qrels = parse_qrels(r, "r.tsv").unwrap();
        assert_eq!(qrels["q1"]["a.txt"], 2);
        assert_eq!(qrels["q2"].len(), 1);
    }

    #[test]
    fn file_errors_name_file_and_line() {
        let cases: [(&str, bool, &str); 7] = [
            (
                "q1 rare earth\n",
                true,
                "q.tsv:1: expected 2 tab-separated fields",
            ),
            (
                "q1\ta\nq1\tb\n",
                true,
                "q.tsv:2: query id \"q1\" is already used on line 1",
            ),
            ("# only a comment\n", true, "q.tsv: no queries"),
            (
                "q1\ta.txt\n",
                false,
                "q.tsv:1: expected 3 tab-separated fields",
            ),
            (
                "q1\ta.txt\thigh\n",
                false,
                "q.tsv:1: grade \"high\" is not a whole number",
            ),
            ("q1\ta.txt\t-1\n", false, "q.tsv:1: grade \"-1\""),
            (
                "q1\ta.txt\t1\nq1\ta.txt\t2\n",
                false,
                "q.tsv:2: a.txt is judged twice",
            ),
        ];
        for (text, queries, want) in cases {
            let e = if queries {
                parse_queries(text, "q.tsv").unwrap_err()
            } else {
                parse_qrels(text, "q.tsv").unwrap_err()
            };
            assert!(e.to_string().starts_with(want), "{text:?}: {e}");
        }
    }
}
