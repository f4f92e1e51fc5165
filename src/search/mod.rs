//! Query → rank → highlight: turns a [`Request`] into [`hit::Results`].
//!
//! [`query`] reads the user's query (pure), [`build`] makes a tantivy query
//! of it, [`highlight`] marks what matched, [`facets`] and [`timeline`] count
//! over all matches when asked. Results are plain values for `render`.
//! Work is proportional to what is shown: stored documents are read only for
//! the page, counting runs only for `--facet`/`--timeline`.

pub mod build;
pub mod facets;
pub mod highlight;
pub mod hit;
pub mod query;
pub mod timeline;

use crate::index::NewsIndex;
use anyhow::{Context, Result};
use build::Filters;
use facets::{Facet, Tally};
use highlight::Highlighter;
pub use hit::{Hit, Results};
use std::path::PathBuf;
use std::time::Instant;
use tantivy::collector::{Count, TopDocs};
use tantivy::{DateTime, DocAddress, ReloadPolicy, Score, SegmentReader, TantivyDocument};

/// How bare terms combine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum DefaultOperator {
    #[default]
    And,
    Or,
}

/// The order of hits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    Score,
    /// Newest first; undated documents last.
    Date,
}

/// What to search for and how to present it.
#[derive(Clone, Debug)]
pub struct Request {
    pub query: String,
    pub limit: usize,
    pub offset: usize,
    pub default_operator: DefaultOperator,
    pub sort: Sort,
    pub filters: Filters,
    pub facets: Vec<Facet>,
    pub timeline: bool,
    /// Characters of body text per snippet passage.
    pub snippet_chars: usize,
    /// Passages per snippet.
    pub fragments: usize,
    /// Skip reading documents (for `--count`).
    pub count_only: bool,
}

impl Default for Request {
    fn default() -> Self {
        Request {
            query: String::new(),
            limit: 10,
            offset: 0,
            default_operator: DefaultOperator::And,
            sort: Sort::Score,
            filters: Filters::default(),
            facets: Vec::new(),
            timeline: false,
            snippet_chars: 200,
            fragments: 1,
            count_only: false,
        }
    }
}

/// Run `req` against `ix`.
pub fn search(ix: &NewsIndex, req: &Request) -> Result<Results> {
    let start = Instant::now();
    let root = query::parse(&req.query, req.default_operator)?;
    let q = build::build(&ix.index.schema(), &root, &req.filters)?;
    let reader = ix
        .index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()
        .context("cannot open an index reader")?;
    let searcher = reader.searcher();

    let tally = (!req.facets.is_empty() || req.timeline).then(|| Tally {
        facets: req.facets.clone(),
        timeline: req.timeline,
    });
    let limit = if req.count_only { 0 } else { req.limit };
    let (top, total, tallied): (Vec<(Score, DocAddress)>, usize, _) = if limit == 0 {
        let (total, t) = searcher.search(&q, &(Count, tally))?;
        (Vec::new(), total, t)
    } else {
        let page = TopDocs::with_limit(limit).and_offset(req.offset);
        match req.sort {
            Sort::Score => searcher.search(&q, &(page.order_by_score(), Count, tally))?,
            Sort::Date => {
                let by_date = page.tweak_score(|seg: &SegmentReader| {
                    let dates = seg
                        .fast_fields()
                        .column_opt::<DateTime>("date")
                        .ok()
                        .flatten();
                    move |doc, score: Score| {
                        let secs = dates
                            .as_ref()
                            .and_then(|c| c.first(doc))
                            .map_or(i64::MIN, |d| d.into_timestamp_secs());
                        (secs, score)
                    }
                });
                let (top, total, t) = searcher.search(&q, &(by_date, Count, tally))?;
                let top = top.into_iter().map(|((_, s), a)| (s, a)).collect();
                (top, total, t)
            }
        }
    };

    let mut hits = Vec::with_capacity(top.len());
    if !top.is_empty() {
        let hl = Highlighter::new(&root);
        let f = &ix.fields;
        let corpus = ix.stamp.corpus.clone().map(PathBuf::from);
        for (i, (score, addr)) in top.into_iter().enumerate() {
            let tdoc: TantivyDocument = searcher
                .doc(addr)
                .context("cannot read a document from the index")?;
            let doc = f.read(&tdoc);
            let snippet = hl.snippet(&doc.body, req.snippet_chars, req.fragments);
            let title_highlights = hl.title_marks(&doc.title);
            let file = doc.id.split('#').next().unwrap_or(&doc.id);
            let path = match &corpus {
                Some(r) => r.join(file).display().to_string(),
                None => file.to_string(),
            };
            hits.push(Hit {
                rank: req.offset + i + 1,
                score,
                path,
                doc,
                snippet,
                title_highlights,
            });
        }
    }

    let (facets, timeline) = match tallied {
        Some(t) => (
            req.facets
                .iter()
                .zip(t.facets)
                .map(|(f, counts)| (f.name().to_string(), facets::top(*f, counts)))
                .collect(),
            req.timeline.then(|| timeline::buckets(&t.months)),
        ),
        None => (Vec::new(), None),
    };
    Ok(Results {
        query: req.query.clone(),
        total_hits: total,
        took_ms: start.elapsed().as_secs_f64() * 1000.0,
        hits,
        facets,
        timeline,
    })
}

/// The stored document with this id, if the index has one.
pub fn get_by_id(ix: &NewsIndex, id: &str) -> Result<Option<crate::document::StoredDoc>> {
    let reader = ix.index.reader().context("cannot open an index reader")?;
    let searcher = reader.searcher();
    let term = tantivy::Term::from_field_text(ix.fields.id, id);
    let q = tantivy::query::TermQuery::new(term, tantivy::schema::IndexRecordOption::Basic);
    let top = searcher.search(&q, &TopDocs::with_limit(1).order_by_score())?;
    match top.first() {
        Some((_, addr)) => {
            let d: TantivyDocument = searcher.doc(*addr)?;
            Ok(Some(ix.fields.read(&d)))
        }
        None => Ok(None),
    }
}
