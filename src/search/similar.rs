//! More like this: the query for articles like a given one. Its terms are
//! those that weigh most in the article's title and body — frequent in it,
//! rare in the index (tf × BM25 idf) — each searched in title and body,
//! boosted by its weight; the article itself and its near-duplicates
//! (`dedup::near_duplicates_of`: its corrected or repeated copies, which
//! would otherwise top the list) are excluded. Written here
//! rather than with tantivy's MoreLikeThis, whose choice among terms of
//! equal weight follows a hash map's order and so changed from run to run.

use crate::index::NewsIndex;
use crate::index::terms;
use anyhow::{Context, Result};
use std::collections::BTreeMap;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{Searcher, Term};

/// Terms taken from the article.
const TERMS: usize = 25;

/// Shortest term taken (shorter ones are mostly function words and codes).
const MIN_CHARS: usize = 3;

/// Articles like the one with id `id` (not it): an error when the index
/// has no such article.
pub fn like(ix: &NewsIndex, searcher: &Searcher, id: &str) -> Result<Box<dyn Query>> {
    let doc = super::get_by_id_in(ix, searcher, id)?.with_context(|| {
        format!("no article with id {id:?} in the index (ids are as `search` prints them)")
    })?;
    let mut tf: BTreeMap<String, u32> = BTreeMap::new();
    for t in terms::analyze(&doc.title)
        .into_iter()
        .chain(terms::analyze(&doc.body))
    {
        if t.chars().count() >= MIN_CHARS {
            *tf.entry(t).or_default() += 1;
        }
    }
    let n = searcher.num_docs() as f32;
    let mut weighted: Vec<(f32, String)> = Vec::new();
    for (t, f) in tf {
        let df = searcher.doc_freq(&Term::from_field_text(ix.fields.body, &t))? as f32;
        // A term only this article has finds nothing else.
        if df < 2.0 {
            continue;
        }
        let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
        weighted.push((f as f32 * idf, t));
    }
    // Heaviest first; equal weights in term order, so the query is the
    // same every run.
    weighted.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    weighted.truncate(TERMS);
    let top = weighted.first().map_or(1.0, |w| w.0.max(f32::MIN_POSITIVE));
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for (w, t) in &weighted {
        for field in [ix.fields.title, ix.fields.body] {
            let q = TermQuery::new(
                Term::from_field_text(field, t),
                IndexRecordOption::WithFreqs,
            );
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(q), w / top)),
            ));
        }
    }
    let copies = super::dedup::near_duplicates_of(ix, searcher, &doc.body)?;
    let mut excluded = super::dedup::ids(searcher, copies.into_iter())?;
    excluded.push(id.to_string());
    for other in excluded {
        let q = TermQuery::new(
            Term::from_field_text(ix.fields.id, &other),
            IndexRecordOption::Basic,
        );
        clauses.push((Occur::MustNot, Box::new(q)));
    }
    Ok(Box::new(BooleanQuery::new(clauses)))
}
