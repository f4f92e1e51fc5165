//! `newsidx eval`: per-query and mean metrics as an aligned table, or as
//! JSON (`schema/eval-output.schema.json`). The numbers are `crate::eval`'s.

use super::sanitize;
use crate::eval::{Evaluation, Metrics, Threshold, round4};
use serde::Serialize;
use std::io::{self, Write};

/// Version of the eval JSON; bumped when a key changes meaning or goes.
pub const EVAL_VERSION: u32 = 1;

/// `newsidx eval --format json`.
#[derive(Serialize)]
pub struct EvalOutput<'a> {
    pub version: u32,
    pub k: usize,
    pub depth: usize,
    pub evaluated: usize,
    pub mean: Mean,
    pub queries: Vec<QueryOutput<'a>>,
    pub skipped: Vec<SkippedOutput<'a>>,
    pub thresholds: Vec<ThresholdOutput>,
    pub passed: bool,
}

/// The mean metrics, rounded to 4 places.
#[derive(Serialize)]
pub struct Mean {
    pub precision_at_k: f64,
    pub mrr: f64,
    pub map: f64,
    pub ndcg_at_k: f64,
}

/// One evaluated query, its metrics rounded to 4 places.
#[derive(Serialize)]
pub struct QueryOutput<'a> {
    pub id: &'a str,
    pub query: &'a str,
    pub total_hits: usize,
    pub judged: usize,
    pub relevant: usize,
    pub top: Vec<Graded<'a>>,
    pub precision_at_k: f64,
    pub reciprocal_rank: f64,
    pub average_precision: f64,
    pub ndcg_at_k: f64,
}

/// A ranked id and its grade (`null`: not judged).
#[derive(Serialize)]
pub struct Graded<'a> {
    pub id: &'a str,
    pub grade: Option<u32>,
}

#[derive(Serialize)]
pub struct SkippedOutput<'a> {
    pub id: &'a str,
    pub query: &'a str,
    pub reason: &'a str,
}

#[derive(Serialize)]
pub struct ThresholdOutput {
    pub metric: &'static str,
    pub min: f64,
    pub value: f64,
    pub passed: bool,
}

impl<'a> EvalOutput<'a> {
    pub fn new(e: &'a Evaluation, thresholds: &[Threshold]) -> Self {
        let m = &e.mean;
        EvalOutput {
            version: EVAL_VERSION,
            k: e.settings.k,
            depth: e.settings.depth,
            evaluated: e.scored.len(),
            mean: Mean {
                precision_at_k: round4(m.precision),
                mrr: round4(m.reciprocal_rank),
                map: round4(m.average_precision),
                ndcg_at_k: round4(m.ndcg),
            },
            queries: e
                .scored
                .iter()
                .map(|s| QueryOutput {
                    id: &s.topic.id,
                    query: &s.topic.query,
                    total_hits: s.total_hits,
                    judged: s.judged,
                    relevant: s.relevant,
                    top: s
                        .top
                        .iter()
                        .map(|(id, grade)| Graded { id, grade: *grade })
                        .collect(),
                    precision_at_k: round4(s.metrics.precision),
                    reciprocal_rank: round4(s.metrics.reciprocal_rank),
                    average_precision: round4(s.metrics.average_precision),
                    ndcg_at_k: round4(s.metrics.ndcg),
                })
                .collect(),
            skipped: e
                .skipped
                .iter()
                .map(|s| SkippedOutput {
                    id: &s.topic.id,
                    query: &s.topic.query,
                    reason: s.reason,
                })
                .collect(),
            thresholds: thresholds
                .iter()
                .map(|t| ThresholdOutput {
                    metric: t.metric,
                    min: t.min,
                    value: round4(t.value),
                    passed: t.passed(),
                })
                .collect(),
            passed: thresholds.iter().all(Threshold::passed),
        }
    }
}

/// One line per query, the means, then a verdict per threshold.
pub fn write_text(out: &mut dyn Write, e: &Evaluation, thresholds: &[Threshold]) -> io::Result<()> {
    let k = e.settings.k;
    let ids: Vec<String> = e
        .scored
        .iter()
        .map(|s| sanitize(&s.topic.id, false))
        .collect();
    let w = ids
        .iter()
        .map(|i| i.chars().count())
        .chain([5])
        .max()
        .unwrap_or(5);
    let pk = format!("P@{k}");
    let nk = format!("nDCG@{k}");
    writeln!(
        out,
        "{:<w$}  {pk:>7}  {:>7}  {:>7}  {nk:>8}  {:>6}  {:>8}",
        "query", "RR", "AP", "hits", "relevant"
    )?;
    for (id, s) in ids.iter().zip(&e.scored) {
        let m = &s.metrics;
        writeln!(
            out,
            "{id:<w$}  {:>7.4}  {:>7.4}  {:>7.4}  {:>8.4}  {:>6}  {:>8}",
            m.precision, m.reciprocal_rank, m.average_precision, m.ndcg, s.total_hits, s.relevant
        )?;
    }
    let Metrics {
        precision: p,
        reciprocal_rank: rr,
        average_precision: ap,
        ndcg,
    } = e.mean;
    writeln!(
        out,
        "{:<w$}  {p:>7.4}  {rr:>7.4}  {ap:>7.4}  {ndcg:>8.4}",
        "mean"
    )?;
    let n = e.scored.len();
    writeln!(
        out,
        "\n{pk} {p:.4}  MRR {rr:.4}  MAP {ap:.4}  {nk} {ndcg:.4}  ({n} quer{})",
        if n == 1 { "y" } else { "ies" }
    )?;
    for t in thresholds {
        writeln!(
            out,
            "{} {}: {:.4} {} minimum {}",
            if t.passed() { "PASS" } else { "FAIL" },
            t.metric,
            t.value,
            if t.passed() { "meets" } else { "is below" },
            t.min
        )?;
    }
    Ok(())
}
