//! Query → rank → highlight: turns a request into [`hit::Results`].
//!
//! [`query`] reads the user's query, [`build`] makes tantivy queries of it,
//! [`highlight`] marks what matched. Results are plain values for `render`.

pub mod hit;

use crate::index::NewsIndex;
use anyhow::{Context, Result, anyhow};
use hit::{Hit, Marked, Results};
use std::path::PathBuf;
use std::time::Instant;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::QueryParser;
use tantivy::snippet::SnippetGenerator;
use tantivy::{ReloadPolicy, TantivyDocument};

/// How bare terms combine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum DefaultOperator {
    #[default]
    And,
    Or,
}

/// What to search for and how to present it.
#[derive(Clone, Debug)]
pub struct Request {
    pub query: String,
    pub limit: usize,
    pub offset: usize,
    pub default_operator: DefaultOperator,
    /// Characters of body text in a snippet.
    pub snippet_chars: usize,
}

impl Default for Request {
    fn default() -> Self {
        Request {
            query: String::new(),
            limit: 10,
            offset: 0,
            default_operator: DefaultOperator::And,
            snippet_chars: 200,
        }
    }
}

/// Run `req` against `ix`.
pub fn search(ix: &NewsIndex, req: &Request) -> Result<Results> {
    let start = Instant::now();
    let reader = ix
        .index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()
        .context("cannot open an index reader")?;
    let searcher = reader.searcher();
    let f = &ix.fields;
    let mut parser =
        QueryParser::for_index(&ix.index, vec![f.title, f.body, f.ministers, f.countries]);
    for (def, boost) in crate::model::Model::get().default_fields() {
        if let Ok(field) = ix.index.schema().get_field(&def.name) {
            parser.set_field_boost(field, boost);
        }
    }
    if req.default_operator == DefaultOperator::And {
        parser.set_conjunction_by_default();
    }
    let query = parser
        .parse_query(&req.query)
        .map_err(|e| anyhow!("invalid query {:?}: {e}", req.query))?;
    let (top, total) = searcher.search(
        &query,
        &(
            TopDocs::with_limit(req.limit.max(1))
                .and_offset(req.offset)
                .order_by_score(),
            Count,
        ),
    )?;
    let mut body_gen = SnippetGenerator::create(&searcher, &*query, f.body)?;
    body_gen.set_max_num_chars(req.snippet_chars);
    let title_gen = SnippetGenerator::create(&searcher, &*query, f.title)?;
    let root = ix.stamp.corpus.clone().map(PathBuf::from);
    let mut hits = Vec::new();
    for (i, (score, addr)) in top.into_iter().take(req.limit).enumerate() {
        let tdoc: TantivyDocument = searcher.doc(addr)?;
        let doc = f.read(&tdoc);
        let snip = body_gen.snippet(&doc.body);
        let snippet = Marked {
            text: snip.fragment().to_string(),
            highlights: char_ranges(snip.fragment(), snip.highlighted()),
        };
        let mut tgen = title_gen.snippet(&doc.title);
        tgen.set_snippet_prefix_postfix("", "");
        let title_highlights = if tgen.fragment() == doc.title {
            char_ranges(&doc.title, tgen.highlighted())
        } else {
            Vec::new()
        };
        let path = match &root {
            Some(r) => r
                .join(doc.id.split('#').next().unwrap_or(&doc.id))
                .display()
                .to_string(),
            None => doc.id.clone(),
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
    Ok(Results {
        query: req.query.clone(),
        total_hits: total,
        took_ms: start.elapsed().as_secs_f64() * 1000.0,
        hits,
        facets: Vec::new(),
        timeline: None,
    })
}

/// Byte ranges into `text` as character ranges.
pub fn char_ranges(text: &str, ranges: &[std::ops::Range<usize>]) -> Vec<[usize; 2]> {
    ranges
        .iter()
        .filter(|r| text.is_char_boundary(r.start) && text.is_char_boundary(r.end))
        .map(|r| {
            [
                text[..r.start].chars().count(),
                text[..r.end].chars().count(),
            ]
        })
        .collect()
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
