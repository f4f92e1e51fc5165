//! The OpenSearch backend: the same archive, queries and checks on a
//! cluster. [`push`] sends the documents the local pipeline makes;
//! [`Remote`] answers a search [`Request`] with the same [`Results`] the
//! local index gives, so renderers, `check` and `eval` cannot tell them
//! apart (see [`crate::backend`]).
//!
//! [`client`] is HTTP (retries, failover, credentials), [`mapping`] the index
//! settings generated from `schema/news.toml`, [`dsl`] the query translation,
//! [`stats`] what `stats --remote` counts.
//! Snippets and title marks are made here by the local highlighter from the
//! documents' text, so they are the same characters, with the same offsets,
//! as a local search marks.

pub mod client;
pub mod dsl;
pub mod feedback;
pub mod mapping;
pub mod push;
pub mod stats;

use crate::document::StoredDoc;
use crate::search::facets::{self, Facet};
use crate::search::highlight::Highlighter;
use crate::search::query;
use crate::search::{DefaultOperator, Hit, Request, Results, Sort, timeline};
use anyhow::{Context, Result, bail};
use client::{Client, Method, Reply};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

/// The default name of the remote index.
pub const DEFAULT_NAME: &str = "news";

/// An index on a cluster, opened for searching.
pub struct Remote {
    pub client: Client,
    pub name: String,
    /// The corpus folder of the last push, for hits' paths.
    corpus: Option<PathBuf>,
}

impl Remote {
    /// Open index `name` at `urls`: it must exist and have been made by a
    /// mapping this build reads.
    pub fn open(urls: &str, name: &str) -> Result<Remote> {
        check_name(name)?;
        let client = Client::new(urls)?;
        let reply = client.json(Method::Get, &format!("/{name}/_mapping"), None)?;
        if reply.status == 404 {
            bail!(
                "the remote index '{name}' does not exist at {}; send a corpus with `newsidx push CORPUS --to URL --name {name}`",
                client.node()
            );
        }
        let mappings = mappings_of(&reply, name)?;
        check_stamp(&mappings, name, "newsidx push CORPUS --to URL --rebuild")?;
        let corpus = mappings["_meta"]["newsidx"]["corpus"]
            .as_str()
            .map(PathBuf::from);
        Ok(Remote {
            client,
            name: name.to_string(),
            corpus,
        })
    }

    /// Run `req` on the cluster.
    pub fn search(&self, req: &Request) -> Result<Results> {
        let start = Instant::now();
        let root = query::parse(&req.query, req.default_operator)?;
        let mut q = dsl::query(&root, &req.filters)?;
        // As locally: an OR search is reordered by feedback; `--expand`
        // also lets the added words find articles (search::tantivy_query).
        let or = req.default_operator == DefaultOperator::Or;
        let required = !(req.expand && or);
        // A reordering cannot change a count: spare its two requests.
        if (req.expand || or) && !(required && req.count_only) {
            let expanded = feedback::expand(self, &q, dsl::unfiltered(&root)?, required)?;
            q = dsl::filtered(expanded, &req.filters)?;
        }
        let from = req.offset.min(mapping::RESULT_WINDOW);
        let size = if req.count_only {
            0
        } else {
            req.limit.min(mapping::RESULT_WINDOW - from)
        };
        let body = search_body(req, q, from, size);
        let r = &self.run(&body, true)?;
        let total = r["hits"]["total"]["value"].as_u64().unwrap_or(0) as usize;
        let hits = self.hits_of(r, &root, req, from);
        let facets = facets_of(r, req);
        let timeline = req.timeline.then(|| timeline_of(r));
        Ok(Results {
            query: req.query.clone(),
            total_hits: total,
            total_articles: total,
            unit: crate::search::Unit::Articles,
            took_ms: start.elapsed().as_secs_f64() * 1000.0,
            hits,
            facets,
            timeline,
            suggestion: None,
        })
    }

    /// The answer to `_search` body `body`. `dfs`: term statistics from
    /// every shard first, so that scores do not depend on how documents
    /// fell into shards (a local index has one).
    fn run(&self, body: &Value, dfs: bool) -> Result<Value> {
        let search_type = if dfs {
            "?search_type=dfs_query_then_fetch"
        } else {
            ""
        };
        let reply = self.client.json(
            Method::Post,
            &format!("/{}/_search{search_type}", self.name),
            Some(body),
        )?;
        if !reply.ok() {
            bail!(
                "the search failed on {}: {}",
                self.client.node(),
                reply.reason()
            );
        }
        Ok(reply.body)
    }

    /// The page of hits in reply `r`, with our snippets and marks.
    fn hits_of(
        &self,
        r: &serde_json::Value,
        root: &query::Node,
        req: &Request,
        from: usize,
    ) -> Vec<Hit> {
        let mut hits = Vec::new();
        let empty = Vec::new();
        let found = r["hits"]["hits"].as_array().unwrap_or(&empty);
        if !found.is_empty() {
            let mut hl = Highlighter::new(root);
            for (i, h) in found.iter().enumerate() {
                let doc = mapping::stored(&h["_source"]);
                let snippet = hl.snippet(&doc.body, req.snippet_chars, req.fragments);
                let title_highlights = hl.title_marks(&doc.title);
                hits.push(Hit {
                    rank: from + i + 1,
                    score: h["_score"].as_f64().unwrap_or(0.0) as f32,
                    path: self.path_of(&doc),
                    doc,
                    snippet,
                    title_highlights,
                    // The remote index has no fingerprints: nothing folds.
                    duplicates: Vec::new(),
                });
            }
        }
        hits
    }

    /// The stored document with this id, if the remote index has one.
    pub fn get_by_id(&self, id: &str) -> Result<Option<StoredDoc>> {
        let body = json!({
            "query": { "term": { "id": id } },
            "size": 1,
            "_source": mapping::stored_fields(),
        });
        let reply = self.client.json(
            Method::Post,
            &format!("/{}/_search", self.name),
            Some(&body),
        )?;
        if !reply.ok() {
            bail!("cannot look up a document: {}", reply.reason());
        }
        Ok(reply.body["hits"]["hits"]
            .as_array()
            .and_then(|a| a.first())
            .map(|h| mapping::stored(&h["_source"])))
    }

    /// The corpus folder of the last push, if it recorded one.
    pub fn corpus(&self) -> Option<&std::path::Path> {
        self.corpus.as_deref()
    }

    /// Documents in the remote index (as of its last refresh).
    pub fn count(&self) -> Result<u64> {
        let reply = self
            .client
            .json(Method::Get, &format!("/{}/_count", self.name), None)?;
        if !reply.ok() {
            bail!("cannot count the remote documents: {}", reply.reason());
        }
        reply.body["count"]
            .as_u64()
            .context("the cluster's count answer has no count")
    }

    /// Where the document's file is, as a local hit says it.
    fn path_of(&self, doc: &StoredDoc) -> String {
        let file = crate::corpus::walk::id_file(&doc.id);
        match &self.corpus {
            Some(r) => crate::corpus::walk::id_to_path(r, file)
                .display()
                .to_string(),
            None => file.to_string(),
        }
    }
}

fn buckets(agg: &Value) -> impl Iterator<Item = &Value> {
    agg["buckets"].as_array().into_iter().flatten()
}

/// Index names the cluster accepts, checked before any request so that a
/// name never becomes part of another path.
pub fn check_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 255
        && !name.starts_with(['_', '-', '+', '.'])
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_-.".contains(&b));
    if !ok {
        bail!(
            "'{}' is not a valid remote index name: lower-case letters, digits, '_', '-' and '.', not first '_', '-' or '.'",
            crate::render::sanitize(name, false)
        );
    }
    Ok(())
}

/// The mappings object of index `name` in a `GET NAME/_mapping` answer.
fn mappings_of(reply: &Reply, name: &str) -> Result<Value> {
    if !reply.ok() {
        bail!(
            "cannot read the mapping of the remote index '{name}': {}",
            reply.reason()
        );
    }
    // The answer is keyed by the concrete index name (an alias resolves).
    reply
        .body
        .as_object()
        .and_then(|m| m.values().next())
        .map(|v| v["mappings"].clone())
        .context("the cluster's mapping answer has no mappings")
}

/// Refuse an index made by another mapping or model version.
fn check_stamp(mappings: &Value, name: &str, remedy: &str) -> Result<()> {
    let want = mapping::Stamp::current();
    match mapping::Stamp::from_mappings(mappings) {
        Some(s) if s == want => Ok(()),
        Some(s) => bail!(
            "the remote index '{name}' was made with mapping version {} of document model {}; this newsidx uses mapping {} of model {}: recreate it with `{remedy}`",
            s.mapping,
            s.model,
            want.mapping,
            want.model
        ),
        None => bail!(
            "the remote index '{name}' was not made by newsidx (its mapping has no newsidx version); push to another --name, or replace it with `{remedy}`"
        ),
    }
}

/// The `_search` body of `req`: the query `q`, the page, the sort and
/// the aggregations for facets and timeline.
fn search_body(req: &Request, q: serde_json::Value, from: usize, size: usize) -> serde_json::Value {
    let mut body = json!({
        "query": q,
        "from": from,
        "size": size,
        "track_total_hits": true,
        "_source": mapping::stored_fields(),
    });
    body["sort"] = match req.sort {
        Sort::Score => json!([{ "_score": "desc" }, { "id": "asc" }]),
        Sort::Date => {
            body["track_scores"] = json!(true);
            json!([
                { "date": { "order": "desc", "missing": "_last" } },
                { "_score": "desc" },
                { "id": "asc" }
            ])
        }
    };
    let mut aggs = serde_json::Map::new();
    for f in &req.facets {
        let field = match f {
            Facet::Country => "countries.raw",
            Facet::Minister => "ministers.raw",
            Facet::Section => "section",
        };
        // Every value, so that ties at the cut are settled as locally.
        aggs.insert(
            f.name().to_string(),
            json!({ "terms": { "field": field, "size": 65_536 } }),
        );
    }
    if req.timeline {
        aggs.insert(
            "timeline".into(),
            json!({ "date_histogram": {
                "field": "date", "calendar_interval": "month", "min_doc_count": 1
            } }),
        );
    }
    if !aggs.is_empty() {
        body["aggs"] = serde_json::Value::Object(aggs);
    }
    body
}

/// The facet counts of reply `r`, cut as a local search cuts them.
fn facets_of(
    r: &serde_json::Value,
    req: &Request,
) -> Vec<(String, Vec<crate::search::hit::FacetCount>)> {
    req.facets
        .iter()
        .map(|f| {
            let counts: rustc_hash::FxHashMap<String, u64> = buckets(&r["aggregations"][f.name()])
                .filter_map(|b| Some((b["key"].as_str()?.to_string(), b["doc_count"].as_u64()?)))
                .collect();
            (
                f.name().to_string(),
                facets::top(*f, counts, req.facet_values),
            )
        })
        .collect()
}

/// The timeline of reply `r`, in calendar months.
fn timeline_of(r: &serde_json::Value) -> Vec<crate::search::hit::TimelineBucket> {
    let mut months: BTreeMap<i32, u64> = BTreeMap::new();
    for b in buckets(&r["aggregations"]["timeline"]) {
        if let (Some(ms), Some(n)) = (b["key"].as_i64(), b["doc_count"].as_u64())
            && let Some(m) = timeline::month_of(ms.div_euclid(1000))
        {
            *months.entry(m).or_default() += n;
        }
    }
    timeline::buckets(&months)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_names() {
        for ok in ["news", "news-2024", "a.b_c"] {
            assert!(check_name(ok).is_ok(), "{ok}");
        }
        for bad in ["", "News", "_all", "a/b", "a?b", "-x", "a b", "..", "a%2F"] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn stamps_must_match() {
        let cur = mapping::Stamp::current();
        let m = |mapping: u32, model: u32| json!({ "_meta": { "newsidx": { "mapping_version": mapping, "model_version": model } } });
        assert!(check_stamp(&m(cur.mapping, cur.model), "news", "x").is_ok());
        let e = check_stamp(&m(cur.mapping + 1, cur.model), "news", "push --rebuild").unwrap_err();
        assert!(e.to_string().contains("push --rebuild"), "{e}");
        assert!(check_stamp(&json!({}), "news", "x").is_err());
    }
}
