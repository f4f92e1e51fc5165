//! `newsidx search QUERY`: resolve the flags, bring the index up to date when
//! `--corpus` is given, search, render, and turn the hit count into an exit
//! code.

use crate::cli::{ColorChoice, OutputFormat, SearchArgs};
use crate::exit::Outcome;
use crate::index::NewsIndex;
use crate::render::{self, Color};
use crate::search::build::Filters;
use crate::search::facets::Facet;
use crate::search::query::{COUNTRY_HINT, flag_date, resolve_country};
use crate::search::{self, Hit, Request, Results};
use anyhow::{Context, anyhow};
use std::io::{IsTerminal, Write};

pub fn run(a: SearchArgs) -> anyhow::Result<Outcome> {
    let req = request(&a)?;
    if let Some(urls) = a.target.urls().map_err(anyhow::Error::msg)? {
        anyhow::ensure!(
            a.corpus.is_none(),
            "--corpus brings a local index up to date; with --remote, send the corpus with `newsidx push` instead"
        );
        let remote = crate::remote::Remote::open(&urls, &a.target.remote_name)?;
        let mut head = remote.search(&req)?;
        let hits = std::mem::take(&mut head.hits);
        return write(&a, head, hits.into_iter().map(Ok));
    }
    let index_dir = match (&a.location.index, &a.corpus) {
        (Some(dir), _) => dir.clone(),
        (None, Some(corpus)) => corpus.join(".newsidx"),
        (None, None) => a.location.resolve(),
    };
    if let Some(corpus) = &a.corpus {
        crate::indexer::refresh_for_search(corpus, &index_dir).with_context(|| {
            format!("cannot bring the index of {} up to date", corpus.display())
        })?;
    }
    let ix = NewsIndex::open(&index_dir)?;
    // Hits are read and written one at a time: `-n 1000000` holds one.
    let mut found = search::find(&ix, &req)?;
    let head = std::mem::replace(&mut found.results, search::Results::empty());
    write(&a, head, found.hits())
}

/// Print the results (`head`: totals, facets, timeline; `hits`: the page)
/// and turn the count into an exit code.
fn write(
    a: &SearchArgs,
    head: Results,
    hits: impl Iterator<Item = anyhow::Result<Hit>>,
) -> anyhow::Result<Outcome> {
    let total_hits = head.total_hits;
    let stdout = std::io::stdout();
    let color = resolve_color(a.color, stdout.is_terminal());
    let mut out = std::io::BufWriter::new(stdout.lock());
    if a.count {
        writeln!(out, "{total_hits}")?;
    } else {
        match a.format {
            OutputFormat::Text => render::search::stream_text(&mut out, &head, hits, color)?,
            OutputFormat::Json => render::search::stream_json(&mut out, &head, hits)?,
            OutputFormat::Ndjson => render::search::stream_ndjson(&mut out, hits)?,
        }
    }
    out.flush()?;
    let min = a.min_hits.unwrap_or(1);
    Ok(if total_hits >= min {
        Outcome::Success
    } else {
        Outcome::NoMatch
    })
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

/// The library's request from the command line; bad flag values are errors
/// that name the flag.
fn request(a: &SearchArgs) -> anyhow::Result<Request> {
    let date = |flag: &str, v: &Option<String>, last: bool| {
        v.as_deref()
            .map(|s| flag_date(s, last).map_err(|e| anyhow!("--{flag}: {e}")))
            .transpose()
    };
    let filters = Filters {
        since: date("since", &a.since, false)?,
        until: date("until", &a.until, true)?,
        countries: a
            .country
            .iter()
            .map(|c| resolve_country(c).map_err(|e| anyhow!("--country: {e}; {COUNTRY_HINT}")))
            .collect::<anyhow::Result<_>>()?,
        ministers: a.minister.clone(),
        sections: Vec::new(),
    };
    if let (Some(s), Some(u)) = (filters.since, filters.until) {
        anyhow::ensure!(
            s <= u,
            "--since {s} is after --until {u}: nothing can match"
        );
    }
    let mut facets: Vec<Facet> = Vec::new();
    for f in a.facet.iter().map(|f| Facet::from(*f)) {
        if !facets.contains(&f) {
            facets.push(f);
        }
    }
    Ok(Request {
        query: a.query.clone(),
        limit: a.limit,
        offset: a.offset,
        default_operator: a.default_operator.into(),
        sort: a.sort.into(),
        filters,
        facets,
        facet_values: crate::search::facets::TOP,
        timeline: a.timeline,
        snippet_chars: a.snippet_chars,
        fragments: a.fragments.max(1),
        expand: a.expand,
        count_only: a.count,
    })
}
