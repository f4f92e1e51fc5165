//! `newsidx search QUERY`: open the index, search, render.

use crate::cli::{OutputFormat, SearchArgs};
use crate::exit::Outcome;
use crate::index::NewsIndex;
use crate::render::{self, Color};
use crate::search::{self, DefaultOperator, Request};
use std::io::{IsTerminal, Write};

pub fn run(a: SearchArgs) -> anyhow::Result<Outcome> {
    let ix = NewsIndex::open(&a.location.resolve())?;
    let req = Request {
        query: a.query.clone(),
        limit: a.limit,
        offset: a.offset,
        default_operator: match a.default_operator {
            crate::cli::Operator::And => DefaultOperator::And,
            crate::cli::Operator::Or => DefaultOperator::Or,
        },
        snippet_chars: a.snippet_chars,
    };
    let results = search::search(&ix, &req)?;
    let stdout = std::io::stdout();
    let color = Color::resolve(a.color, stdout.is_terminal());
    let mut out = std::io::BufWriter::new(stdout.lock());
    if a.count {
        writeln!(out, "{}", results.total_hits)?;
    } else {
        match a.format {
            OutputFormat::Text => render::text::write_results(&mut out, &results, color)?,
            OutputFormat::Json => render::json::write_results(&mut out, &results)?,
            OutputFormat::Ndjson => render::json::write_ndjson(&mut out, &results)?,
        }
    }
    out.flush()?;
    let min = a.min_hits.unwrap_or(1);
    Ok(if results.total_hits >= min {
        Outcome::Success
    } else {
        Outcome::NoMatch
    })
}
