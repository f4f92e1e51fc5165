//! More like this: the query for articles like a given one — the terms
//! that weigh most in its title and body (tantivy's MoreLikeThis: frequent
//! in the article, rare in the index), the article itself excluded.

use crate::index::NewsIndex;
use anyhow::{Context, Result};
use tantivy::Searcher;
use tantivy::query::{BooleanQuery, MoreLikeThisQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, OwnedValue};

/// Terms taken from the article.
const TERMS: usize = 25;

/// Articles like the one with id `id` (not it): an error when the index
/// has no such article.
pub fn like(ix: &NewsIndex, searcher: &Searcher, id: &str) -> Result<Box<dyn Query>> {
    let doc = super::get_by_id_in(ix, searcher, id)?
        .with_context(|| format!("no article with id {id:?} in the index (ids are as `search` prints them)"))?;
    let mlt = MoreLikeThisQuery::builder()
        .with_min_doc_frequency(2)
        .with_min_term_frequency(1)
        .with_min_word_length(3)
        .with_max_query_terms(TERMS)
        .with_document_fields(vec![
            (ix.fields.title, vec![OwnedValue::Str(doc.title.clone())]),
            (ix.fields.body, vec![OwnedValue::Str(doc.body.clone())]),
        ]);
    let itself = TermQuery::new(
        tantivy::Term::from_field_text(ix.fields.id, id),
        IndexRecordOption::Basic,
    );
    Ok(Box::new(BooleanQuery::new(vec![
        (Occur::Should, Box::new(mlt) as Box<dyn Query>),
        (Occur::MustNot, Box::new(itself)),
    ])))
}
