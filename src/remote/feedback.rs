//! Pseudo-relevance feedback on the cluster, as a local search does it
//! (RM3, [`crate::search::expand`], whose pure parts this reuses): the query
//! runs once for its best `expansion.docs` documents; their title and body,
//! read from `_source` with our own analyzers, make the relevance model;
//! the most probable words that are not in more than `MAX_DF_SHARE` of the
//! documents (frequencies counted by the cluster) are added to the query as
//! `term` clauses on the [`BM25F`] field (the bare-word field), each boosted
//! by its share of `expansion.weight`.
//!
//! A search so costs three requests instead of one: the first run, one
//! `filters` aggregation counting the candidate words' documents (a second
//! one only when most of the first batch were too common), the final run.
//! The added words are our analyzer's terms, sent as `term` values: no user
//! text reaches the cluster as query syntax.

use super::Remote;
use super::mapping::BM25F;
use crate::model::Model;
use crate::search::expand::{self, MAX_DF_SHARE, Words};
use crate::search::highlight::Analyzer;
use anyhow::{Result, bail};
use rustc_hash::FxHashMap;
use serde_json::{Value, json};
use tantivy::tokenizer::TextAnalyzer;

/// Candidate words whose document frequencies one request counts.
const DF_BATCH: usize = 30;

/// `main` with the words of the best documents of `first` (the query with
/// its filters) added; `main` itself when those documents give no words.
/// `required`: `main` must still match (an AND search is reordered, not
/// widened).
pub fn expand(remote: &Remote, first: &Value, main: Value, required: bool) -> Result<Value> {
    let model = Model::get();
    let mut fields: Vec<(String, TextAnalyzer)> = model
        .default_fields()
        .filter_map(|(def, _)| Analyzer::of(def).map(|a| (def.name.clone(), a.text_analyzer())))
        .collect();
    let names: Vec<&str> = fields.iter().map(|(n, _)| n.as_str()).collect();
    let body = json!({
        "query": first,
        "size": model.expansion.docs.max(1),
        "track_total_hits": false,
        "_source": names,
    });
    let top = remote.run(&body, true)?;
    let empty = Vec::new();
    let hits = top["hits"]["hits"].as_array().unwrap_or(&empty);
    let total: f64 = hits.iter().map(|h| score(h).max(0.0)).sum();
    if total <= 0.0 {
        return Ok(main);
    }
    let mut relevance = FxHashMap::default();
    for h in hits {
        let mut words = Words::default();
        for (name, analyzer) in fields.iter_mut() {
            for text in texts(&h["_source"][name.as_str()]) {
                words.read(analyzer, text);
            }
        }
        expand::add_document(&mut relevance, score(h).max(0.0) / total, words);
    }
    let ranked = expand::candidates(relevance);
    let order: Vec<String> = ranked.iter().map(|(w, _)| w.clone()).collect();
    let names: Vec<String> = fields.into_iter().map(|(n, _)| n).collect();
    let mut df = Frequencies::default();
    let mut at = 0;
    let chosen = expand::choose(ranked, model.expansion.terms as usize, |w| {
        if !df.known.contains_key(w) {
            let batch = &order[at..(at + DF_BATCH).min(order.len())];
            df.count(remote, &names, batch)?;
        }
        at += 1;
        let n = df.known.get(w).copied().unwrap_or(0);
        Ok(n as f64 / df.docs.max(1) as f64 > MAX_DF_SHARE)
    })?;
    let added = expand::weights(chosen, model.expansion.weight);
    if added.is_empty() {
        return Ok(main);
    }
    let extra: Vec<Value> = added
        .into_iter()
        .map(|(w, boost)| json!({ "term": { BM25F: { "value": w, "boost": boost } } }))
        .collect();
    let extra = json!({ "bool": { "should": extra } });
    Ok(if required {
        json!({ "bool": { "must": [main], "should": [extra] } })
    } else {
        json!({ "bool": { "should": [main, extra] } })
    })
}

fn score(hit: &Value) -> f64 {
    hit["_score"].as_f64().unwrap_or(0.0)
}

/// A `_source` value's texts (one string, or an array of them).
fn texts(v: &Value) -> Vec<&str> {
    match v {
        Value::String(s) => vec![s.as_str()],
        Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// Document frequencies counted so far, and the documents in the index.
#[derive(Default)]
struct Frequencies {
    /// A word's largest document frequency among the default fields (as
    /// local: the field where it is most common decides).
    known: FxHashMap<String, u64>,
    docs: u64,
}

impl Frequencies {
    /// Count the documents of `words` in each of `fields`, in one request.
    fn count(&mut self, remote: &Remote, fields: &[String], words: &[String]) -> Result<()> {
        let mut aggs = serde_json::Map::new();
        for f in fields {
            let filters: Vec<Value> = words
                .iter()
                .map(|w| json!({ "term": { f.as_str(): w } }))
                .collect();
            aggs.insert(f.clone(), json!({ "filters": { "filters": filters } }));
        }
        let body = json!({
            "size": 0,
            "track_total_hits": true,
            "query": { "match_all": {} },
            "aggs": aggs,
        });
        let r = remote.run(&body, false)?;
        self.docs = r["hits"]["total"]["value"].as_u64().unwrap_or(0);
        for (i, w) in words.iter().enumerate() {
            let mut df = 0;
            for f in fields {
                let Some(n) = r["aggregations"][f.as_str()]["buckets"][i]["doc_count"].as_u64()
                else {
                    bail!("the cluster's answer counting words has no count for one of them");
                };
                df = df.max(n);
            }
            self.known.insert(w.clone(), df);
        }
        Ok(())
    }
}
