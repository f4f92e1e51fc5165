//! Pseudo-relevance feedback (RM3, Lavrenko and Croft 2001; Abdul-Jaleel et
//! al. 2004): the query is run once, its best documents (the model's
//! `expansion.docs`) are taken as relevant, and the words they share most
//! become extra query words. A category-like query (`grain`) then also finds
//! the articles that say "wheat", "tonnes" and "harvest" but never "grain".
//!
//! The relevance model weighs each word w by
//! `P(w|R) = Σ_d score(d) / Σ score · tf(w, d) / |d|` over the feedback
//! documents d, whose words are those of the fields a bare word searches
//! (each read with its own analyzer from the model). Words in more than
//! `MAX_DF_SHARE` of all documents (function words), words of fewer than
//! three characters and numbers are not used. The best `expansion.terms`
//! words, their weights scaled to sum to 1, are searched as bare words are
//! (BM25F over the same fields) and added to the query with
//! `expansion.weight` times their share.

use super::bm25f::{Bm25fQuery, FieldTerm};
use super::highlight::Analyzer;
use crate::model::{FieldDef, Model};
use anyhow::{Result, anyhow};
use rustc_hash::FxHashMap;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query};
use tantivy::schema::{Field, Value};
use tantivy::tokenizer::{TextAnalyzer, TokenStream};
use tantivy::{DocAddress, Score, Searcher, TantivyDocument, Term};

/// Words in more than this share of the documents are not added.
pub const MAX_DF_SHARE: f64 = 0.1;

/// A field a bare word searches: where its words are read and searched.
struct Scored<'m> {
    field: Field,
    def: &'m FieldDef,
    weight: f32,
    analyzer: TextAnalyzer,
}

/// `query` with the words of `feedback`'s best documents added (the same
/// query, filtered), or `query` as it is when those are none. `required`:
/// the original query must still match (an AND search is reordered, not
/// widened).
pub fn expand(
    searcher: &Searcher,
    feedback: &dyn Query,
    query: Box<dyn Query>,
    required: bool,
) -> Result<Box<dyn Query>> {
    let model = Model::get();
    let docs = usize::try_from(model.expansion.docs).unwrap_or(usize::MAX);
    let top = searcher.search(feedback, &TopDocs::with_limit(docs.max(1)).order_by_score())?;
    let mut fields = scored_fields(searcher, model)?;
    let relevance = relevance_model(searcher, &mut fields, &top)?;
    let docs = searcher.num_docs().max(1) as f64;
    let chosen = choose(candidates(relevance), model.expansion.terms as usize, |w| {
        let mut df = 0u64;
        for f in &fields {
            df = df.max(searcher.doc_freq(&Term::from_field_text(f.field, w))?);
        }
        Ok(df as f64 / docs > MAX_DF_SHARE)
    })?;
    let added = weights(chosen, model.expansion.weight);
    if added.is_empty() {
        return Ok(query);
    }
    let extra: Vec<(Occur, Box<dyn Query>)> = added
        .into_iter()
        .map(|(w, share)| {
            let q = Bm25fQuery::new(
                fields
                    .iter()
                    .map(|f| FieldTerm {
                        term: Term::from_field_text(f.field, &w),
                        weight: f.weight,
                        b: f.def.b.unwrap_or(0.75),
                    })
                    .collect(),
                model.k1,
            );
            (
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(q), share)) as Box<dyn Query>,
            )
        })
        .collect();
    let original = if required { Occur::Must } else { Occur::Should };
    Ok(Box::new(BooleanQuery::new(vec![
        (original, query),
        (Occur::Should, Box::new(BooleanQuery::new(extra))),
    ])))
}

/// The model's bare-word fields that are text, each with its analyzer.
fn scored_fields<'m>(searcher: &Searcher, model: &'m Model) -> Result<Vec<Scored<'m>>> {
    let schema = searcher.schema();
    let mut out = Vec::new();
    for (def, weight) in model.default_fields() {
        let Some(a) = Analyzer::of(def) else {
            continue;
        };
        let field = schema.get_field(&def.name).map_err(|_| {
            anyhow!(
                "the index has no field `{}`; rebuild it with `newsidx index --rebuild`",
                def.name
            )
        })?;
        out.push(Scored {
            field,
            def,
            weight,
            analyzer: a.text_analyzer(),
        });
    }
    Ok(out)
}

/// P(w|R) of every word of the feedback documents `top` (with their
/// scores), unordered.
fn relevance_model(
    searcher: &Searcher,
    fields: &mut [Scored<'_>],
    top: &[(Score, DocAddress)],
) -> Result<FxHashMap<String, f64>> {
    let total: f32 = top.iter().map(|(s, _)| s.max(0.0)).sum();
    let mut model: FxHashMap<String, f64> = FxHashMap::default();
    if total <= 0.0 {
        return Ok(model);
    }
    for (score, addr) in top {
        let doc: TantivyDocument = searcher.doc(*addr)?;
        let mut words = Words::default();
        for f in fields.iter_mut() {
            for text in doc.get_all(f.field).filter_map(|v| v.as_str()) {
                words.read(&mut f.analyzer, text);
            }
        }
        add_document(&mut model, f64::from(score.max(0.0) / total), words);
    }
    Ok(model)
}

/// The words of one feedback document: how often each occurs, and how many
/// there are in all.
#[derive(Default)]
pub struct Words {
    tf: FxHashMap<String, u32>,
    len: u32,
}

impl Words {
    /// Count the words of `text` as `analyzer` (its field's) reads them.
    pub fn read(&mut self, analyzer: &mut TextAnalyzer, text: &str) {
        let mut ts = analyzer.token_stream(text);
        while ts.advance() {
            self.len += 1;
            *self.tf.entry(ts.token().text.clone()).or_default() += 1;
        }
    }
}

/// Add to the relevance model a feedback document with `share` of the
/// feedback documents' summed score.
pub fn add_document(model: &mut FxHashMap<String, f64>, share: f64, words: Words) {
    if words.len == 0 {
        return;
    }
    let len = f64::from(words.len);
    for (w, n) in words.tf {
        *model.entry(w).or_default() += share * f64::from(n) / len;
    }
}

/// The words of a relevance model that may be added, most probable first:
/// not numbers, not shorter than three characters.
pub fn candidates(relevance: FxHashMap<String, f64>) -> Vec<(String, f64)> {
    let mut ranked: Vec<(String, f64)> = relevance
        .into_iter()
        .filter(|(w, _)| w.chars().count() >= 3 && !w.chars().all(|c| c.is_ascii_digit()))
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    ranked
}

/// The first `terms` of `ranked` that `too_common` (in more than
/// `MAX_DF_SHARE` of the documents) does not reject.
pub fn choose(
    ranked: Vec<(String, f64)>,
    terms: usize,
    mut too_common: impl FnMut(&str) -> Result<bool>,
) -> Result<Vec<(String, f64)>> {
    let mut chosen = Vec::new();
    for (w, p) in ranked {
        if chosen.len() >= terms {
            break;
        }
        if !too_common(&w)? {
            chosen.push((w, p));
        }
    }
    Ok(chosen)
}

/// The boost of each chosen word: `weight` shared in proportion to their
/// probabilities (nothing when they have none).
pub fn weights(chosen: Vec<(String, f64)>, weight: f32) -> Vec<(String, f32)> {
    let sum: f64 = chosen.iter().map(|(_, p)| p).sum();
    if sum <= 0.0 {
        return Vec::new();
    }
    chosen
        .into_iter()
        .map(|(w, p)| {
            let share = (p / sum) as f32 * weight;
            (w, share)
        })
        .collect()
}
