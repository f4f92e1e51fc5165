//! `newsidx search QUERY` (and `--queries FILE`, and `newsidx similar ID`):
//! resolve the flags, bring the index up to date when
//! `--corpus` is given, search, render, and turn the hit count into an exit
//! code.

use crate::cli::{ColorChoice, OutputFormat, SearchArgs, SimilarArgs};
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
    let base = request(&a, a.query.as_deref().unwrap_or("*"))?;
    if let Some(urls) = a.target.urls().map_err(anyhow::Error::msg)? {
        anyhow::ensure!(
            a.corpus.is_none() && a.queries.is_none(),
            "--corpus and --queries run on the local index; with --remote, give one query (and send a corpus with `newsidx push`)"
        );
        let remote = crate::remote::Remote::open(&urls, &a.target.remote_name)?;
        let mut head = remote.search(&base)?;
        let hits = std::mem::take(&mut head.hits);
        let total_hits = head.total_hits;
        let stdout = std::io::stdout();
        let color = resolve_color(a.color, stdout.is_terminal());
        let mut out = std::io::BufWriter::new(stdout.lock());
        emit(&a, head, hits.into_iter().map(Ok), None, &mut out, color)?;
        out.flush()?;
        return Ok(if total_hits >= a.min_hits.unwrap_or(1) {
            Outcome::Success
        } else {
            Outcome::NoMatch
        });
    }
    let batch = match &a.queries {
        Some(file) => Some(read_queries(file, &base)?),
        None => None,
    };
    let (_, ix) = crate::indexer::open_for_search(
        a.location.index.as_deref(),
        a.corpus.as_deref(),
        &a.location.resolve(),
    )?;

    let stdout = std::io::stdout();
    let color = resolve_color(a.color, stdout.is_terminal());
    let mut out = std::io::BufWriter::new(stdout.lock());
    let min = a.min_hits.unwrap_or(1);
    let Some(batch) = batch else {
        let total_hits = one(&a, &ix, &base, None, &mut out, color)?;
        out.flush()?;
        return Ok(if total_hits >= min {
            Outcome::Success
        } else {
            Outcome::NoMatch
        });
    };
    // A batch: one block per query; success when any query found enough.
    let mut any = false;
    if a.format == OutputFormat::Csv {
        if a.count {
            writeln!(out, "query,total_hits")?;
            for (name, req) in &batch {
                let n = search::find(&ix, req)?.results.total_hits;
                any |= n >= min;
                let mut w = csv::Writer::from_writer(Vec::new());
                w.write_record([render::csv::cell(name), n.to_string()])?;
                out.write_all(&w.into_inner().map_err(|e| anyhow!("{e}"))?)?;
            }
        } else {
            let mut rows = render::csv::CsvHits::new(&mut out, true)?;
            for (name, req) in &batch {
                let mut found = search::find(&ix, req)?;
                any |= found.results.total_hits >= min;
                for h in found.hits() {
                    rows.row(name, &h?)?;
                }
            }
            rows.finish()?;
        }
    } else {
        for (i, (name, req)) in batch.iter().enumerate() {
            if a.format == OutputFormat::Text && !a.count {
                if i > 0 {
                    writeln!(out)?;
                }
                writeln!(out, "=== {} ===", render::sanitize(name, false))?;
            }
            any |= one(&a, &ix, req, Some(name), &mut out, color)? >= min;
        }
    }
    out.flush()?;
    Ok(if any {
        Outcome::Success
    } else {
        Outcome::NoMatch
    })
}

/// Search `req` and write its block (`tag`: the query's name in a batch);
/// the number of articles it found.
fn one(
    a: &SearchArgs,
    ix: &NewsIndex,
    req: &Request,
    tag: Option<&str>,
    out: &mut dyn Write,
    color: Color,
) -> anyhow::Result<usize> {
    // Hits are read and written one at a time: `-n 1000000` holds one.
    let mut found = search::find(ix, req)?;
    let total_hits = found.results.total_hits;
    if tag.is_none() {
        found.results.suggestion = search::suggest::suggest(ix, found.searcher(), req, total_hits)?;
    }
    let head = std::mem::replace(&mut found.results, search::Results::empty());
    if let Some(line) = render::search::suggestion_line(&head) {
        eprintln!("{line}");
    }
    emit(a, head, found.hits(), tag, out, color)?;
    Ok(total_hits)
}

/// Print one query's results (`head`: totals, facets, timeline; `hits`:
/// the page), from either backend.
fn emit(
    a: &SearchArgs,
    head: Results,
    hits: impl Iterator<Item = anyhow::Result<Hit>>,
    tag: Option<&str>,
    out: &mut dyn Write,
    color: Color,
) -> anyhow::Result<()> {
    let total_hits = head.total_hits;
    if a.count {
        let mut count = render::search::CountOutput::new(&head);
        count.query = tag;
        match (a.format, tag) {
            (OutputFormat::Text, None) => writeln!(out, "{total_hits}")?,
            (OutputFormat::Text, Some(name)) => {
                writeln!(out, "{}\t{total_hits}", render::sanitize(name, false))?
            }
            (OutputFormat::Json, _) => render::search::write_count(out, &count, true)?,
            (OutputFormat::Ndjson, _) => render::search::write_count(out, &count, false)?,
            (OutputFormat::Csv, _) => writeln!(out, "total_hits\n{total_hits}")?,
        }
    } else {
        match a.format {
            OutputFormat::Text => render::search::stream_text(out, &head, hits, color)?,
            OutputFormat::Json => render::search::stream_json(out, &head, hits)?,
            OutputFormat::Ndjson => render::search::stream_ndjson(out, &head, tag, hits)?,
            OutputFormat::Csv => {
                let mut rows = render::csv::CsvHits::new(out, false)?;
                for h in hits {
                    rows.row(&head.query, &h?)?;
                }
                rows.finish()?;
            }
        }
    }
    Ok(())
}

/// `--queries FILE`: one query a line, or `name<TAB>query`; blank lines
/// and `#` comments skipped. Every query is read before any runs, so a
/// mistake on line 300 costs nothing.
fn read_queries(file: &std::path::Path, base: &Request) -> anyhow::Result<Vec<(String, Request)>> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("cannot read the queries in {}", file.display()))?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let at = || format!("{}:{}", file.display(), i + 1);
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let (name, q) = match line.split_once('\t') {
            Some((name, q)) => (name.trim(), q.trim()),
            None => (line.trim(), line.trim()),
        };
        anyhow::ensure!(!q.is_empty(), "{}: no query after the name {name:?}", at());
        anyhow::ensure!(
            !name.is_empty(),
            "{}: a query needs a name before the tab",
            at()
        );
        let (like, query) = split_like(q);
        crate::search::query::parse(&query, base.default_operator)
            .map_err(|e| anyhow!("{}: query {name:?}: {e}", at()))?;
        out.push((
            name.to_string(),
            Request {
                query,
                like: like.or_else(|| base.like.clone()),
                ..base.clone()
            },
        ));
    }
    anyhow::ensure!(!out.is_empty(), "{} holds no query", file.display());
    Ok(out)
}

/// `similar:ID rest…`: the id apart, the rest the query (`*` if none).
fn split_like(q: &str) -> (Option<String>, String) {
    match q.trim_start().strip_prefix("similar:") {
        Some(rest) => {
            let (id, more) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
            let more = more.trim();
            (
                Some(id.to_string()),
                if more.is_empty() {
                    "*".into()
                } else {
                    more.to_string()
                },
            )
        }
        None => (None, q.to_string()),
    }
}

/// `newsidx similar ID`: `newsidx search '*' --like ID`.
pub fn similar(a: SimilarArgs) -> anyhow::Result<Outcome> {
    run(a.into_search())
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
fn request(a: &SearchArgs, query: &str) -> anyhow::Result<Request> {
    let (like, query) = split_like(query);
    if like.is_some() && a.like.is_some() {
        anyhow::bail!("give the article either as similar:ID in the query or as --like, not both");
    }
    if a.queries.is_some() && a.format == OutputFormat::Json {
        anyhow::bail!(
            "--queries writes one block per query: use --format ndjson (each line tagged with its query), csv (a query column) or text"
        );
    }
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
    if a.format == OutputFormat::Csv && (!a.facet.is_empty() || a.timeline) {
        anyhow::bail!(
            "--facet and --timeline have no place in CSV (one row per hit): use --format json or ndjson, or run them apart"
        );
    }
    let mut facets: Vec<Facet> = Vec::new();
    for f in a.facet.iter().map(|f| Facet::from(*f)) {
        if !facets.contains(&f) {
            facets.push(f);
        }
    }
    Ok(Request {
        query,
        like: like.or_else(|| a.like.clone()),
        // `--all` and `--limit 0`: every hit, read and written one at a time.
        limit: if a.all || a.limit == 0 {
            usize::MAX
        } else {
            a.limit
        },
        offset: a.offset,
        default_operator: a.default_operator.into(),
        sort: a.sort.into(),
        duplicates: a.duplicates.into(),
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
