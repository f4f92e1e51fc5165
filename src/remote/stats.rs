//! `newsidx stats --remote`: the counts `index::stats` reads from the local
//! index's columns, asked of the cluster as aggregations (one search of
//! size 0), plus the index's own `_stats` for documents awaiting a merge,
//! segments and size. The values are the same plain [`IndexStats`], in the
//! same order (most documents first, ties by value), so the output cannot
//! tell the backends apart.

use super::Remote;
use super::client::Method;
use crate::index::stats::{IndexStats, ValueCount};
use anyhow::{Result, bail};
use chrono::NaiveDate;
use serde_json::{Value, json};

/// Terms kept per aggregation: every value, so that the distinct counts and
/// the ties at the cut are exact (as many as the facets ask for).
const ALL: u32 = 65_536;

impl Remote {
    /// What the remote index holds, keeping the `top` most named countries
    /// and ministers.
    pub fn stats(&self, top: usize) -> Result<IndexStats> {
        let terms = |field: &str| json!({ "terms": { "field": field, "size": ALL } });
        let body = json!({
            "size": 0,
            "track_total_hits": true,
            "query": { "match_all": {} },
            "aggs": {
                "first": { "min": { "field": "date", "format": "strict_date" } },
                "last": { "max": { "field": "date", "format": "strict_date" } },
                "dated": { "value_count": { "field": "date" } },
                "sections": terms("section"),
                "countries": terms("countries.raw"),
                "ministers": terms("ministers.raw"),
            },
        });
        let r = self.ask(Method::Post, &format!("/{}/_search", self.name), &body)?;
        let documents = r["hits"]["total"]["value"].as_u64().unwrap_or(0);
        let aggs = &r["aggregations"];
        let day = |a: &Value| {
            a["value_as_string"]
                .as_str()
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        };
        let sections = ranked(&aggs["sections"]);
        let countries = ranked(&aggs["countries"]);
        let ministers = ranked(&aggs["ministers"]);
        let in_sections: u64 = sections.iter().map(|v| v.count).sum();
        let (distinct_countries, distinct_ministers) = (countries.len(), ministers.len());
        let countries = self.with_codes(countries.into_iter().take(top).collect())?;

        let s = self.ask(
            Method::Get,
            &format!("/{}/_stats/docs,store,segments", self.name),
            &Value::Null,
        )?;
        let primaries = &s["_all"]["primaries"];
        Ok(IndexStats {
            documents,
            deleted_documents: primaries["docs"]["deleted"].as_u64().unwrap_or(0),
            segments: primaries["segments"]["count"].as_u64().unwrap_or(0) as usize,
            size_bytes: primaries["store"]["size_in_bytes"].as_u64().unwrap_or(0),
            date_range: day(&aggs["first"]).zip(day(&aggs["last"])),
            dated: aggs["dated"]["value"].as_u64().unwrap_or(0),
            unsectioned: documents.saturating_sub(in_sections),
            sections,
            countries,
            distinct_countries,
            ministers: ministers.into_iter().take(top).collect(),
            distinct_ministers,
        })
    }

    /// The ISO code of each listed country, from one document that names
    /// it (countries and their codes are stored side by side, as locally).
    fn with_codes(&self, mut countries: Vec<ValueCount>) -> Result<Vec<ValueCount>> {
        if countries.is_empty() {
            return Ok(countries);
        }
        let names: Vec<&str> = countries.iter().map(|c| c.value.as_str()).collect();
        let body = json!({
            "size": 0,
            "query": { "terms": { "countries.raw": names } },
            "aggs": { "countries": {
                "terms": { "field": "countries.raw", "include": names, "size": names.len() },
                "aggs": { "one": { "top_hits": {
                    "size": 1, "_source": ["countries", "country_codes"]
                } } },
            } },
        });
        let r = self.ask(Method::Post, &format!("/{}/_search", self.name), &body)?;
        for b in super::buckets(&r["aggregations"]["countries"]) {
            let Some(name) = b["key"].as_str() else {
                continue;
            };
            let src = &b["one"]["hits"]["hits"][0]["_source"];
            let doc = super::mapping::stored(src);
            let code = doc
                .countries
                .iter()
                .position(|n| n == name)
                .and_then(|i| doc.country_codes.get(i).cloned());
            if let Some(c) = countries.iter_mut().find(|c| c.value == name) {
                c.code = code;
            }
        }
        Ok(countries)
    }

    /// A request whose failure is an error naming the node.
    fn ask(&self, method: Method, path: &str, body: &Value) -> Result<Value> {
        let body = (!body.is_null()).then_some(body);
        let reply = self.client.json(method, path, body)?;
        if !reply.ok() {
            bail!(
                "cannot read the statistics of the remote index '{}' on {}: {}",
                self.name,
                self.client.node(),
                reply.reason()
            );
        }
        Ok(reply.body)
    }
}

/// A terms aggregation's buckets as value counts, most documents first and
/// ties by value (the local order; the cluster breaks ties by value too,
/// but that is its choice, not a contract).
fn ranked(agg: &Value) -> Vec<ValueCount> {
    let mut out: Vec<ValueCount> = super::buckets(agg)
        .filter_map(|b| {
            Some(ValueCount {
                value: b["key"].as_str()?.to_string(),
                code: None,
                count: b["doc_count"].as_u64()?,
            })
        })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then(a.value.cmp(&b.value)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_rank_by_count_then_value() {
        let agg = json!({ "buckets": [
            { "key": "Japan", "doc_count": 2 },
            { "key": "China", "doc_count": 5 },
            { "key": "India", "doc_count": 2 },
            { "doc_count": 9 },
        ] });
        let got: Vec<(String, u64)> = ranked(&agg)
            .into_iter()
            .map(|v| (v.value, v.count))
            .collect();
        assert_eq!(
            got,
            [
                ("China".into(), 5),
                ("India".into(), 2),
                ("Japan".into(), 2)
            ]
        );
        assert!(ranked(&Value::Null).is_empty());
    }
}
