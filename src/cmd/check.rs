//! `newsidx check QUERIES.toml`: run saved queries against the index and
//! report which met their expectations — a line per query and a closing
//! `N passed, N failed` (text), JUnit XML, or JSON
//! (`schema/check-output.schema.json`). Exit 0 when all pass, 1 when some
//! fail, 2 when the file or a query cannot be run.

use crate::backend::Backend;
use crate::check::{self, Observed, Operator, SavedQuery};
use crate::cli::{CheckArgs, CheckFormat};
use crate::exit::Outcome;
use crate::render::sanitize;
use crate::search::{DefaultOperator, Request};
use anyhow::Context;
use serde_json::{Value, json};
use std::io::Write;
use std::time::Instant;

/// Version of the check JSON; bumped when a key changes meaning or goes.
pub const CHECK_VERSION: u32 = 1;

/// How one saved query fared.
#[derive(Debug)]
pub struct Verdict {
    pub query: SavedQuery,
    pub total_hits: usize,
    /// Unmet expectations; empty when the query passed.
    pub failures: Vec<String>,
    /// Set when the query could not run at all (e.g. a syntax error).
    pub error: Option<String>,
    pub took_ms: f64,
}

impl Verdict {
    pub fn passed(&self) -> bool {
        self.error.is_none() && self.failures.is_empty()
    }
}

pub fn run(a: CheckArgs) -> anyhow::Result<Outcome> {
    let file = a.queries.display().to_string();
    let text = std::fs::read_to_string(&a.queries)
        .with_context(|| format!("cannot read saved queries from {file}"))?;
    let queries = check::parse_file(&text, &file)?;
    let ix = crate::cmd::backend(&a.location, &a.target)?;
    let start = Instant::now();
    let verdicts: Vec<Verdict> = queries
        .into_iter()
        .map(|q| run_one(ix.as_ref(), q))
        .collect();
    let elapsed = start.elapsed().as_secs_f64();

    let mut out = std::io::stdout().lock();
    match a.format {
        CheckFormat::Text => write_text(&mut out, &verdicts)?,
        CheckFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &check_value(&file, &verdicts, elapsed))?;
            writeln!(out)?;
        }
        CheckFormat::Junit => write_junit(&mut out, &file, &verdicts, elapsed)?,
    }
    out.flush()?;
    if a.format != CheckFormat::Text {
        // Scripts read stdout; a person watching CI logs still sees the tally.
        let (passed, failed) = tally(&verdicts);
        eprintln!("{passed} passed, {failed} failed");
    }
    Ok(if verdicts.iter().any(|v| v.error.is_some()) {
        Outcome::Error
    } else if verdicts.iter().all(Verdict::passed) {
        Outcome::Success
    } else {
        Outcome::NoMatch
    })
}

fn run_one(ix: &dyn Backend, q: SavedQuery) -> Verdict {
    let start = Instant::now();
    let (total_hits, failures, error) = match observe(ix, &q) {
        Ok(o) => (o.total_hits, check::judge(&q, &o), None),
        Err(e) => (0, Vec::new(), Some(format!("{e:#}"))),
    };
    Verdict {
        query: q,
        total_hits,
        failures,
        error,
        took_ms: start.elapsed().as_secs_f64() * 1000.0,
    }
}

/// Run the query, fetching as many ranked hits as its expectations need.
fn observe(ix: &dyn Backend, q: &SavedQuery) -> anyhow::Result<Observed> {
    let mut req = Request {
        query: q.q.clone(),
        limit: q.window(),
        default_operator: match q.default_operator {
            Some(Operator::Or) => DefaultOperator::Or,
            Some(Operator::And) | None => DefaultOperator::And,
        },
        // Judging never looks at snippets; keep them short and cheap.
        snippet_chars: 1,
        ..Request::default()
    };
    let mut results = ix.search(&req)?;
    if q.needs_all_hits() && results.total_hits > results.hits.len() {
        req.limit = results.total_hits;
        results = ix.search(&req)?;
    }
    let docs: Vec<&crate::document::StoredDoc> = results.hits.iter().map(|h| &h.doc).collect();
    let facets = q
        .top_facet
        .keys()
        .map(|f| (*f, check::facet_counts(&docs, *f)))
        .collect();
    let mut unknown_ids = std::collections::HashSet::new();
    for id in q.named_ids() {
        if ix.get_by_id(id)?.is_none() {
            unknown_ids.insert(id.clone());
        }
    }
    Ok(Observed {
        total_hits: results.total_hits,
        ranked: results.hits.iter().map(|h| h.doc.id.clone()).collect(),
        facets,
        unknown_ids,
    })
}

fn tally(v: &[Verdict]) -> (usize, usize) {
    let passed = v.iter().filter(|v| v.passed()).count();
    (passed, v.len() - passed)
}

fn write_text(out: &mut dyn Write, verdicts: &[Verdict]) -> std::io::Result<()> {
    for v in verdicts {
        let name = sanitize(&v.query.name, false);
        if let Some(e) = &v.error {
            writeln!(out, "ERROR {name}: {}", sanitize(e, false))?;
        } else if v.failures.is_empty() {
            let s = if v.total_hits == 1 { "" } else { "s" };
            writeln!(out, "PASS {name} ({} hit{s})", v.total_hits)?;
        } else {
            writeln!(
                out,
                "FAIL {name}: {}",
                sanitize(&v.failures.join("; "), false)
            )?;
        }
    }
    let (passed, failed) = tally(verdicts);
    writeln!(out, "{passed} passed, {failed} failed")
}

pub fn check_value(file: &str, verdicts: &[Verdict], elapsed_secs: f64) -> Value {
    let (passed, failed) = tally(verdicts);
    let queries: Vec<Value> = verdicts
        .iter()
        .map(|v| {
            json!({
                "name": v.query.name,
                "query": v.query.q,
                "line": v.query.line,
                "status": if v.error.is_some() { "error" } else if v.passed() { "pass" } else { "fail" },
                "total_hits": v.total_hits,
                "failures": v.failures,
                "error": v.error,
                "took_ms": round3(v.took_ms),
            })
        })
        .collect();
    json!({
        "version": CHECK_VERSION,
        "file": file,
        "passed": passed,
        "failed": failed,
        "errors": verdicts.iter().filter(|v| v.error.is_some()).count(),
        "took_ms": round3(elapsed_secs * 1000.0),
        "queries": queries,
    })
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// JUnit XML as Jenkins, GitLab and GitHub test reporters read it: one
/// testsuite per file, one testcase per saved query.
fn write_junit(
    out: &mut dyn Write,
    file: &str,
    verdicts: &[Verdict],
    elapsed_secs: f64,
) -> std::io::Result<()> {
    use check::xml_escape as x;
    let errors = verdicts.iter().filter(|v| v.error.is_some()).count();
    let failures = verdicts
        .iter()
        .filter(|v| v.error.is_none() && !v.failures.is_empty())
        .count();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="newsidx check" tests="{}" failures="{failures}" errors="{errors}" time="{elapsed_secs:.3}">"#,
        verdicts.len()
    )?;
    writeln!(
        out,
        r#"  <testsuite name="{}" tests="{}" failures="{failures}" errors="{errors}" skipped="0" time="{elapsed_secs:.3}">"#,
        x(file),
        verdicts.len()
    )?;
    for v in verdicts {
        let open = format!(
            r#"    <testcase name="{}" classname="{}" time="{:.3}""#,
            x(&v.query.name),
            x(&format!("newsidx.check.{}", file)),
            v.took_ms / 1000.0
        );
        if let Some(e) = &v.error {
            writeln!(out, "{open}>")?;
            writeln!(
                out,
                r#"      <error message="{}" type="query">{}</error>"#,
                x(e),
                x(&format!("query: {}\n{e}", v.query.q))
            )?;
            writeln!(out, "    </testcase>")?;
        } else if !v.failures.is_empty() {
            writeln!(out, "{open}>")?;
            writeln!(
                out,
                r#"      <failure message="{}" type="expectation">{}</failure>"#,
                x(&v.failures.join("; ")),
                x(&format!(
                    "query: {}\n{} hits\n{}",
                    v.query.q,
                    v.total_hits,
                    v.failures.join("\n")
                ))
            )?;
            writeln!(out, "    </testcase>")?;
        } else {
            writeln!(out, "{open}/>")?;
        }
    }
    writeln!(out, "  </testsuite>")?;
    writeln!(out, "</testsuites>")
}
