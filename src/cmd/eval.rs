//! `newsidx eval QUERIES QRELS`: run judged queries against the index and
//! report P@k, MRR, MAP and nDCG@k per query and on average, as text or JSON
//! (`schema/eval-output.schema.json`); `--min-*` thresholds turn a drop in
//! ranking quality into exit 1 for CI. File formats, metrics and the run:
//! `crate::eval`; the output: `render::eval`.

use crate::cli::{EvalArgs, SummaryFormat};
use crate::eval::{self, Minimums, Settings, Threshold};
use crate::exit::Outcome;
use crate::render::{self, eval::EvalOutput, sanitize};
use anyhow::Context;
use std::io::Write;

pub fn run(a: EvalArgs) -> anyhow::Result<Outcome> {
    let qfile = a.queries.display().to_string();
    let rfile = a.qrels.display().to_string();
    let qtext = std::fs::read_to_string(&a.queries)
        .with_context(|| format!("cannot read queries from {qfile}"))?;
    let rtext = std::fs::read_to_string(&a.qrels)
        .with_context(|| format!("cannot read judgments from {rfile}"))?;
    let topics = eval::parse_queries(&qtext, &qfile)?;
    let qrels = eval::parse_qrels(&rtext, &rfile)?;
    for qid in eval::orphan_judgments(&topics, &qrels) {
        eprintln!(
            "newsidx: {rfile}: judgments for query {} which {qfile} lacks; ignored",
            sanitize(qid, false)
        );
    }
    let ix = crate::cmd::backend(&a.location, &a.target)?;
    let missing = eval::missing_relevant(ix.as_ref(), &qrels)?;
    if let Some(first) = missing.first() {
        let one = missing.len() == 1;
        eprintln!(
            "newsidx: {rfile}: {} document{} judged relevant {} not in the index (e.g. {}); they count as not retrieved",
            missing.len(),
            if one { "" } else { "s" },
            if one { "is" } else { "are" },
            sanitize(first, false),
        );
    }
    let k = usize::try_from(a.k).unwrap_or(usize::MAX);
    let settings = Settings {
        k,
        depth: usize::try_from(a.depth).unwrap_or(usize::MAX).max(k),
        default_operator: a.default_operator.into(),
        expand: a.expand,
    };
    let e = eval::evaluate(ix.as_ref(), topics, &qrels, settings, &qfile)?;
    for s in &e.skipped {
        eprintln!(
            "newsidx: {qfile}:{}: query {} skipped: {}",
            s.topic.line,
            sanitize(&s.topic.id, false),
            s.reason
        );
    }
    anyhow::ensure!(
        !e.scored.is_empty(),
        "no query of {qfile} has a relevant judgment in {rfile}; nothing to evaluate (are the query ids the same in both files?)"
    );
    let minimums = Minimums {
        precision: a.min_precision,
        mrr: a.min_mrr,
        map: a.min_map,
        ndcg: a.min_ndcg,
    };
    let thresholds = minimums.against(&e.mean);
    let mut out = std::io::stdout().lock();
    match a.format {
        SummaryFormat::Json => render::write_json(&mut out, &EvalOutput::new(&e, &thresholds))?,
        SummaryFormat::Text => render::eval::write_text(&mut out, &e, &thresholds)?,
    }
    out.flush()?;
    Ok(if thresholds.iter().all(Threshold::passed) {
        Outcome::Success
    } else {
        Outcome::NoMatch
    })
}
