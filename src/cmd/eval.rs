//! `newsidx eval QUERIES QRELS`: run judged queries against the index and
//! report P@k, MRR, MAP and nDCG@k per query and on average, as text or JSON
//! (`schema/eval-output.schema.json`); `--min-*` thresholds turn a drop in
//! ranking quality into exit 1 for CI. File formats and metrics: `crate::eval`.

use crate::backend::Backend;
use crate::cli::{EvalArgs, Operator, SummaryFormat};
use crate::eval::{self, Metrics, Topic};
use crate::exit::Outcome;
use crate::render::sanitize;
use crate::search::{DefaultOperator, Request};
use anyhow::Context;
use serde_json::{Value, json};
use std::io::Write;

/// Version of the eval JSON; bumped when a key changes meaning or goes.
pub const EVAL_VERSION: u32 = 1;

/// One evaluated query.
struct Scored {
    topic: Topic,
    total_hits: usize,
    judged: usize,
    relevant: usize,
    metrics: Metrics,
    /// The first k ids and their grades (None: not judged), to see why a
    /// metric moved.
    top: Vec<(String, Option<u32>)>,
}

/// A `--min-*` threshold and how the mean fared against it.
struct Threshold {
    metric: &'static str,
    min: f64,
    value: f64,
}

impl Threshold {
    fn passed(&self) -> bool {
        // Means are rounded to 4 places when shown; compare like that, so a
        // printed 0.8000 never fails --min-ndcg 0.8.
        round4(self.value) >= self.min
    }
}

pub fn run(a: EvalArgs) -> anyhow::Result<Outcome> {
    let qfile = a.queries.display().to_string();
    let rfile = a.qrels.display().to_string();
    let qtext = std::fs::read_to_string(&a.queries)
        .with_context(|| format!("cannot read queries from {qfile}"))?;
    let rtext = std::fs::read_to_string(&a.qrels)
        .with_context(|| format!("cannot read judgments from {rfile}"))?;
    let topics = eval::parse_queries(&qtext, &qfile)?;
    let qrels = eval::parse_qrels(&rtext, &rfile)?;
    for qid in qrels.keys() {
        if !topics.iter().any(|t| &t.id == qid) {
            eprintln!(
                "newsidx: {rfile}: judgments for query {} which {qfile} lacks; ignored",
                sanitize(qid, false)
            );
        }
    }
    let ix = crate::cmd::backend(&a.location, &a.target)?;
    warn_unknown_docs(ix.as_ref(), &qrels, &rfile)?;
    let k = usize::try_from(a.k).unwrap_or(usize::MAX);
    let depth = usize::try_from(a.depth).unwrap_or(usize::MAX).max(k);

    let mut scored = Vec::new();
    let mut skipped = Vec::new();
    for t in topics {
        let Some(judged) = qrels.get(&t.id) else {
            skipped.push((t, "no judgments".to_string()));
            continue;
        };
        let relevant = judged.values().filter(|g| **g > 0).count();
        if relevant == 0 {
            skipped.push((t, "no document judged relevant (grade > 0)".to_string()));
            continue;
        }
        let req = Request {
            query: t.query.clone(),
            limit: depth,
            default_operator: match a.default_operator {
                Operator::And => DefaultOperator::And,
                Operator::Or => DefaultOperator::Or,
            },
            snippet_chars: 1,
            ..Request::default()
        };
        let results = ix
            .search(&req)
            .with_context(|| format!("{qfile}:{}: query {}", t.line, t.id))?;
        let ranked: Vec<String> = results.hits.iter().map(|h| h.doc.id.clone()).collect();
        scored.push(Scored {
            metrics: Metrics::of(&ranked, judged, k),
            top: ranked
                .iter()
                .take(k)
                .map(|id| (id.clone(), judged.get(id).copied()))
                .collect(),
            total_hits: results.total_hits,
            judged: judged.len(),
            relevant,
            topic: t,
        });
    }
    for (t, why) in &skipped {
        eprintln!(
            "newsidx: {qfile}:{}: query {} skipped: {why}",
            t.line,
            sanitize(&t.id, false)
        );
    }
    if scored.is_empty() {
        anyhow::bail!(
            "no query of {qfile} has a relevant judgment in {rfile}; nothing to evaluate (are the query ids the same in both files?)"
        );
    }
    let mean = Metrics::mean(&scored.iter().map(|s| s.metrics).collect::<Vec<_>>());
    let thresholds: Vec<Threshold> = [
        ("precision", a.min_precision, mean.precision),
        ("mrr", a.min_mrr, mean.reciprocal_rank),
        ("map", a.min_map, mean.average_precision),
        ("ndcg", a.min_ndcg, mean.ndcg),
    ]
    .into_iter()
    .filter_map(|(metric, min, value)| min.map(|min| Threshold { metric, min, value }))
    .collect();

    let mut out = std::io::stdout().lock();
    match a.format {
        SummaryFormat::Json => {
            let v = eval_value(k, depth, &scored, &skipped, &mean, &thresholds);
            serde_json::to_writer_pretty(&mut out, &v)?;
            writeln!(out)?;
        }
        SummaryFormat::Text => write_text(&mut out, k, &scored, &mean, &thresholds)?,
    }
    out.flush()?;
    Ok(if thresholds.iter().all(Threshold::passed) {
        Outcome::Success
    } else {
        Outcome::NoMatch
    })
}

/// Judged ids the index lacks are most often typos or an index of another
/// corpus; they quietly lower every metric, so say so.
fn warn_unknown_docs(ix: &dyn Backend, qrels: &eval::Qrels, rfile: &str) -> anyhow::Result<()> {
    let mut ids: Vec<&String> = qrels
        .values()
        .flat_map(|j| j.iter().filter(|(_, g)| **g > 0).map(|(id, _)| id))
        .collect();
    ids.sort();
    ids.dedup();
    let mut missing = Vec::new();
    for id in ids {
        if ix.get_by_id(id)?.is_none() {
            missing.push(sanitize(id, false));
        }
    }
    if let Some(first) = missing.first() {
        eprintln!(
            "newsidx: {rfile}: {} document{} judged relevant {} not in the index (e.g. {first}); they count as not retrieved",
            missing.len(),
            if missing.len() == 1 { "" } else { "s" },
            if missing.len() == 1 { "is" } else { "are" },
        );
    }
    Ok(())
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

fn metrics_value(m: &Metrics, mean: bool) -> Value {
    let (rr, ap) = if mean {
        ("mrr", "map")
    } else {
        ("reciprocal_rank", "average_precision")
    };
    json!({
        "precision_at_k": round4(m.precision),
        rr: round4(m.reciprocal_rank),
        ap: round4(m.average_precision),
        "ndcg_at_k": round4(m.ndcg),
    })
}

fn eval_value(
    k: usize,
    depth: usize,
    scored: &[Scored],
    skipped: &[(Topic, String)],
    mean: &Metrics,
    thresholds: &[Threshold],
) -> Value {
    let queries: Vec<Value> = scored
        .iter()
        .map(|s| {
            let mut v = json!({
                "id": s.topic.id,
                "query": s.topic.query,
                "total_hits": s.total_hits,
                "judged": s.judged,
                "relevant": s.relevant,
                "top": s.top.iter().map(|(id, g)| json!({"id": id, "grade": g})).collect::<Vec<_>>(),
            });
            if let (Value::Object(o), Value::Object(m)) = (&mut v, metrics_value(&s.metrics, false))
            {
                o.extend(m);
            }
            v
        })
        .collect();
    json!({
        "version": EVAL_VERSION,
        "k": k,
        "depth": depth,
        "evaluated": scored.len(),
        "mean": metrics_value(mean, true),
        "queries": queries,
        "skipped": skipped.iter().map(|(t, why)| json!({"id": t.id, "query": t.query, "reason": why})).collect::<Vec<_>>(),
        "thresholds": thresholds.iter().map(|t| json!({
            "metric": t.metric,
            "min": t.min,
            "value": round4(t.value),
            "passed": t.passed(),
        })).collect::<Vec<_>>(),
        "passed": thresholds.iter().all(Threshold::passed),
    })
}

fn write_text(
    out: &mut dyn Write,
    k: usize,
    scored: &[Scored],
    mean: &Metrics,
    thresholds: &[Threshold],
) -> std::io::Result<()> {
    let ids: Vec<String> = scored
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
    for (id, s) in ids.iter().zip(scored) {
        let m = &s.metrics;
        writeln!(
            out,
            "{id:<w$}  {:>7.4}  {:>7.4}  {:>7.4}  {:>8.4}  {:>6}  {:>8}",
            m.precision, m.reciprocal_rank, m.average_precision, m.ndcg, s.total_hits, s.relevant
        )?;
    }
    writeln!(
        out,
        "{:<w$}  {:>7.4}  {:>7.4}  {:>7.4}  {:>8.4}",
        "mean", mean.precision, mean.reciprocal_rank, mean.average_precision, mean.ndcg
    )?;
    writeln!(
        out,
        "\n{pk} {:.4}  MRR {:.4}  MAP {:.4}  {nk} {:.4}  ({} quer{})",
        mean.precision,
        mean.reciprocal_rank,
        mean.average_precision,
        mean.ndcg,
        scored.len(),
        if scored.len() == 1 { "y" } else { "ies" }
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
