//! Pseudo-relevance feedback (RM3, Lavrenko and Croft 2001; Abdul-Jaleel et
//! al. 2004): the query is run once, its best `FEEDBACK_DOCS` documents are
//! taken as relevant, and the words they share most become extra query
//! words. A category-like query (`grain`) then also finds the articles that
//! say "wheat", "tonnes" and "harvest" but never "grain".
//!
//! The relevance model weighs each word w by
//! `P(w|R) = Σ_d score(d) / Σ score · tf(w, d) / |d|` over the feedback
//! documents d (title and body, news analyzer). Words in more than
//! `MAX_DF_SHARE` of all documents (function words), words of fewer than
//! three characters and numbers are not used. The best `EXPANSION_TERMS`
//! words, their weights scaled to sum to 1, are searched as BM25F words
//! (title and body) and added to the query with `weight` times their share.

use super::bm25f::{Bm25fQuery, FieldTerm};
use crate::index::schema::{Fields, names, news_analyzer};
use crate::model::Model;
use anyhow::Result;
use rustc_hash::FxHashMap;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query};
use tantivy::tokenizer::TokenStream;
use tantivy::{Searcher, TantivyDocument, Term};

/// Documents taken as relevant.
pub const FEEDBACK_DOCS: usize = 10;
/// Words added to the query.
pub const EXPANSION_TERMS: usize = 10;
/// Words in more than this share of the documents are not added.
pub const MAX_DF_SHARE: f64 = 0.1;

/// `query` with the words of its best documents added (weighted by
/// `weight`), or `query` as it is when it finds nothing. `required`: the
/// original query must still match (an AND search is reordered, not
/// widened).
pub fn expand(
    searcher: &Searcher,
    fields: &Fields,
    query: Box<dyn Query>,
    weight: f32,
    required: bool,
) -> Result<Box<dyn Query>> {
    let top = searcher.search(
        query.as_ref(),
        &TopDocs::with_limit(FEEDBACK_DOCS).order_by_score(),
    )?;
    let total: f32 = top.iter().map(|(s, _)| s.max(0.0)).sum();
    if top.is_empty() || total <= 0.0 {
        return Ok(query);
    }
    let mut model: FxHashMap<String, f64> = FxHashMap::default();
    let mut analyzer = news_analyzer();
    for (score, addr) in &top {
        let doc: TantivyDocument = searcher.doc(*addr)?;
        let stored = fields.read(&doc);
        let mut tf: FxHashMap<String, u32> = FxHashMap::default();
        let mut len = 0u32;
        for text in [&stored.title, &stored.body] {
            let mut ts = analyzer.token_stream(text);
            while ts.advance() {
                len += 1;
                *tf.entry(ts.token().text.clone()).or_default() += 1;
            }
        }
        if len == 0 {
            continue;
        }
        let share = f64::from(score.max(0.0) / total);
        for (w, n) in tf {
            *model.entry(w).or_default() += share * f64::from(n) / f64::from(len);
        }
    }
    let docs = searcher.num_docs().max(1) as f64;
    let mut ranked: Vec<(String, f64)> = model
        .into_iter()
        .filter(|(w, _)| w.chars().count() >= 3 && !w.chars().all(|c| c.is_ascii_digit()))
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let model_def = Model::get();
    let b_of = |name: &str| model_def.field(name).and_then(|f| f.b).unwrap_or(0.75);
    let boost_of = |name: &str| model_def.field(name).and_then(|f| f.boost).unwrap_or(1.0);
    let mut chosen: Vec<(String, f64)> = Vec::new();
    for (w, p) in ranked {
        if chosen.len() == EXPANSION_TERMS {
            break;
        }
        let df = searcher.doc_freq(&Term::from_field_text(fields.body, &w))? as f64;
        if df / docs > MAX_DF_SHARE {
            continue;
        }
        chosen.push((w, p));
    }
    let sum: f64 = chosen.iter().map(|(_, p)| p).sum();
    if chosen.is_empty() || sum <= 0.0 {
        return Ok(query);
    }
    let mut extra: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for (w, p) in chosen {
        let q = Bm25fQuery::new(
            vec![
                FieldTerm {
                    term: Term::from_field_text(fields.title, &w),
                    weight: boost_of(names::TITLE),
                    b: b_of(names::TITLE),
                },
                FieldTerm {
                    term: Term::from_field_text(fields.body, &w),
                    weight: boost_of(names::BODY),
                    b: b_of(names::BODY),
                },
            ],
            model_def.k1,
        );
        let share = (p / sum) as f32 * weight;
        extra.push((Occur::Should, Box::new(BoostQuery::new(Box::new(q), share))));
    }
    let original = if required { Occur::Must } else { Occur::Should };
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(original, query)];
    clauses.push((Occur::Should, Box::new(BooleanQuery::new(extra))));
    Ok(Box::new(BooleanQuery::new(clauses)))
}
