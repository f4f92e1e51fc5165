//! `newsidx search QUERY` (and `--queries FILE`, and `newsidx similar ID`):
//! resolve the flags, bring the index up to date when `--corpus` is given,
//! search, render, and turn the hit count into an exit code.

use crate::cli::{ColorChoice, SearchArgs, SimilarArgs};
use crate::exit::Outcome;
use crate::index::NewsIndex;
use crate::render::Color;
use crate::render::results::ResultsWriter;
use crate::search::{self, Request};
use std::io::{IsTerminal, Write};

pub fn run(a: SearchArgs) -> anyhow::Result<Outcome> {
    let base = a.request(a.query.as_deref().unwrap_or("*"))?;
    let min = a.min_hits.unwrap_or(1);
    let stdout = std::io::stdout();
    let color = resolve_color(a.color, stdout.is_terminal());
    let mut out = std::io::BufWriter::new(stdout.lock());
    if let Some(urls) = a.target.urls().map_err(anyhow::Error::msg)? {
        anyhow::ensure!(
            a.corpus.is_none() && a.queries.is_none(),
            "--corpus and --queries run on the local index; with --remote, give one query (and send a corpus with `newsidx push`)"
        );
        let remote = crate::remote::Remote::open(&urls, &a.target.remote_name)?;
        let mut head = remote.search(&base)?;
        let hits = std::mem::take(&mut head.hits);
        let mut w = ResultsWriter::new(&mut out, a.format.into(), a.count, color, false);
        w.write(&head.query, &head, hits.into_iter().map(Ok))?;
        out.flush()?;
        return Ok(outcome(head.total_hits >= min));
    }
    let batch = match &a.queries {
        Some(file) => Some(search::batch::read_queries(file, &base)?),
        None => None,
    };
    let (_, ix) = crate::indexer::open_for_search(
        a.location.index.as_deref(),
        a.corpus.as_deref(),
        &a.location.resolve(),
    )?;
    let mut w = ResultsWriter::new(&mut out, a.format.into(), a.count, color, batch.is_some());
    let any = match batch {
        None => one(&ix, &base, None, &mut w)? >= min,
        // A batch: one block per query; success when any query found enough.
        Some(batch) => {
            let mut any = false;
            for (name, req) in &batch {
                any |= one(&ix, req, Some(name), &mut w)? >= min;
            }
            any
        }
    };
    out.flush()?;
    Ok(outcome(any))
}

/// Search `req` and write its block (`name`: the query's name in a batch;
/// did-you-mean only for a lone query); the number of articles it found.
/// Hits are read and written one at a time: `-n 1000000` holds one.
fn one(
    ix: &NewsIndex,
    req: &Request,
    name: Option<&str>,
    w: &mut ResultsWriter,
) -> anyhow::Result<usize> {
    let mut found = search::find(ix, req)?;
    let total_hits = found.results.total_hits;
    if name.is_none() {
        found.results.suggestion = search::suggest::suggest(ix, found.searcher(), req, total_hits)?;
    }
    let head = std::mem::replace(&mut found.results, search::Results::empty());
    if let Some(line) = crate::render::search::suggestion_line(&head) {
        eprintln!("{line}");
    }
    w.write(name.unwrap_or(&head.query), &head, found.hits())?;
    Ok(total_hits)
}

/// `newsidx similar ID`: `newsidx search '*' --like ID`.
pub fn similar(a: SimilarArgs) -> anyhow::Result<Outcome> {
    run(a.into_search())
}

fn outcome(found_enough: bool) -> Outcome {
    if found_enough {
        Outcome::Success
    } else {
        Outcome::NoMatch
    }
}

/// `--color`: `auto` means colour on a terminal unless `NO_COLOR` is set.
fn resolve_color(choice: ColorChoice, is_terminal: bool) -> Color {
    match choice {
        ColorChoice::Always => Color::Always,
        ColorChoice::Never => Color::Never,
        ColorChoice::Auto => {
            let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
            if is_terminal && !no_color {
                Color::Always
            } else {
                Color::Never
            }
        }
    }
}
