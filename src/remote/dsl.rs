//! Our query tree ([`Node`]) and filters → the OpenSearch query DSL, built as
//! JSON values clause by clause: user text only ever becomes the value of a
//! `match_phrase`, `term`, `prefix` or `fuzzy` clause, never a query string.
//!
//! The translation follows `search::build` rule for rule, so both backends
//! match the same documents:
//! - a word or phrase is a `match_phrase` on a text field (one word is a
//!   term query; several words, as `10:30` or `"rare earth"`, a phrase), a
//!   `term` on a keyword field;
//! - a bare word that is one word once analyzed is a clause on the
//!   [`BM25F`] field (the default fields copied into one, weighted: BM25F
//!   as locally, with one length norm); one that is several words (`10:30`,
//!   `rare-earth`), and a quoted phrase, is the sum (`bool.should`) of its
//!   phrases on the model's default fields, each boosted as
//!   `schema/news.toml` says;
//! - `word~N` is a `fuzzy` clause and `word*` a `prefix` clause on the word
//!   lower-cased and folded (as local: not stemmed), several words with a
//!   trailing `*` a `match_phrase_prefix`;
//! - AND/OR/NOT/+/- are `bool` clauses with Lucene's rules (in an OR, `+x`
//!   is required and `-x` excluded); a group of exclusions alone excludes
//!   from every document;
//! - a leaf whose text has no words (a lone `&`) is left out of its group;
//! - filters are `bool.filter` clauses, which do not score.

use super::mapping::BM25F;
use crate::model::{FieldType, Model};
use crate::search::build::Filters;
use crate::search::highlight::{Analyzer, analyze};
use crate::search::query::{Leaf, LeafKind, Node};
use anyhow::{Result, anyhow, bail};
use chrono::NaiveDate;
use serde_json::{Map, Value, json};

/// Terms a fuzzy clause may expand to (the cluster's default is 50, which
/// would miss matches the local index finds; a bool query's clause limit is
/// 1,024).
const FUZZY_EXPANSIONS: u32 = 1000;

/// The query for `root` under `filters`.
pub fn query(root: &Node, filters: &Filters) -> Result<Value> {
    filtered(unfiltered(root)?, filters)
}

/// The query for `root` alone.
pub fn unfiltered(root: &Node) -> Result<Value> {
    Ok(node(root)?.unwrap_or_else(|| json!({ "match_none": {} })))
}

/// `main` under `filters`.
pub fn filtered(main: Value, filters: &Filters) -> Result<Value> {
    let mut filter = Vec::new();
    if filters.since.is_some() || filters.until.is_some() {
        filter.push(date_range(filters.since, filters.until));
    }
    for code in &filters.countries {
        filter.push(json!({ "term": { "country_codes": code } }));
    }
    for section in &filters.sections {
        filter.push(json!({ "term": { "section": section } }));
    }
    for name in &filters.ministers {
        let leaf = Leaf {
            field: Some("ministers".into()),
            kind: LeafKind::Phrase,
            text: name.clone(),
        };
        filter.push(
            on_field("ministers", &leaf, None)?
                .ok_or_else(|| anyhow!("--minister {name:?} has no words to search for"))?,
        );
    }
    if filter.is_empty() {
        return Ok(main);
    }
    Ok(json!({ "bool": { "must": [main], "filter": filter } }))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Occur {
    Must,
    Should,
    MustNot,
}

fn node(n: &Node) -> Result<Option<Value>> {
    Ok(match n {
        Node::Leaf(l) => leaf(l)?,
        Node::Date(from, to) => Some(date_range(Some(*from), Some(*to))),
        Node::All => Some(json!({ "match_all": {} })),
        Node::Must(c) => node(c)?,
        Node::Not(c) => node(c)?.map(|q| boolean(vec![(Occur::MustNot, q)])),
        Node::And(v) => group(v, Occur::Must)?,
        Node::Or(v) => group(v, Occur::Should)?,
    })
}

fn group(children: &[Node], occur: Occur) -> Result<Option<Value>> {
    let mut clauses = Vec::new();
    for c in children {
        let (o, inner) = match c {
            Node::Not(x) => (Occur::MustNot, &**x),
            Node::Must(x) => (Occur::Must, &**x),
            x => (occur, x),
        };
        if let Some(q) = node(inner)? {
            clauses.push((o, q));
        }
    }
    Ok((!clauses.is_empty()).then(|| boolean(clauses)))
}

/// A `bool` of `clauses`; one clause that is not an exclusion stands alone,
/// and exclusions alone exclude from every document.
fn boolean(mut clauses: Vec<(Occur, Value)>) -> Value {
    if clauses.iter().all(|(o, _)| *o == Occur::MustNot) {
        clauses.push((Occur::Must, json!({ "match_all": {} })));
    }
    if clauses.len() == 1 && clauses[0].0 != Occur::MustNot {
        return clauses.remove(0).1;
    }
    let mut b = Map::new();
    for (occur, key) in [
        (Occur::Must, "must"),
        (Occur::Should, "should"),
        (Occur::MustNot, "must_not"),
    ] {
        let these: Vec<Value> = clauses
            .iter()
            .filter(|(o, _)| *o == occur)
            .map(|(_, q)| q.clone())
            .collect();
        if !these.is_empty() {
            b.insert(key.into(), Value::Array(these));
        }
    }
    json!({ "bool": b })
}

fn leaf(l: &Leaf) -> Result<Option<Value>> {
    let Some(name) = &l.field else {
        // reuters-topics, words ORed, MAP: local 0.433; remote per-field
        // sum 0.391, this 0.419 (README, "Scaling out").
        if l.kind == LeafKind::Word && analyze(Analyzer::News, &l.text).len() == 1 {
            return Ok(Some(clause(
                "match_phrase",
                BM25F,
                params(&[("query", json!(l.text))]),
                None,
            )));
        }
        let mut should = Vec::new();
        for (def, boost) in Model::get().default_fields() {
            if let Some(q) = on_field(&def.name, l, Some(boost))? {
                should.push(q);
            }
        }
        return Ok(match should.len() {
            0 => None,
            1 => should.pop(),
            _ => Some(json!({ "bool": { "should": should } })),
        });
    };
    on_field(name, l, None)
}

/// `{ kind: { field: params } }`, with the boost among the params.
fn clause(kind: &str, field: &str, mut params: Map<String, Value>, boost: Option<f32>) -> Value {
    if let Some(b) = boost.filter(|b| *b != 1.0) {
        params.insert("boost".into(), json!(b));
    }
    let mut inner = Map::new();
    inner.insert(field.to_string(), Value::Object(params));
    let mut outer = Map::new();
    outer.insert(kind.to_string(), Value::Object(inner));
    Value::Object(outer)
}

fn params(pairs: &[(&str, Value)]) -> Map<String, Value> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

fn on_field(name: &str, l: &Leaf, boost: Option<f32>) -> Result<Option<Value>> {
    let def = Model::get()
        .field(name)
        .ok_or_else(|| anyhow!("unknown field `{name}`"))?;
    if def.kind != FieldType::Text {
        let (kind, p) = match l.kind {
            LeafKind::Word | LeafKind::Phrase => ("term", params(&[("value", json!(l.text))])),
            LeafKind::Fuzzy(d) => ("fuzzy", fuzzy_params(&l.text, d)),
            LeafKind::Prefix => ("prefix", params(&[("value", json!(l.text))])),
        };
        return Ok(Some(clause(kind, name, p, boost)));
    }
    let a = match def.analyzer.as_deref() {
        Some("name") => Analyzer::Name,
        _ => Analyzer::News,
    };
    let words = analyze(a, &l.text);
    if words.is_empty() {
        return Ok(None);
    }
    let q = match l.kind {
        LeafKind::Fuzzy(d) => {
            let raw = analyze(Analyzer::Name, &l.text);
            let [(_, w)] = raw.as_slice() else {
                bail!("a fuzzy term is one word: '{}~' has {}", l.text, raw.len());
            };
            clause("fuzzy", name, fuzzy_params(w, d), boost)
        }
        LeafKind::Prefix => {
            let raw = analyze(Analyzer::Name, &l.text);
            match (words.len(), raw.last()) {
                (1, Some((_, w))) => clause("prefix", name, params(&[("value", json!(w))]), boost),
                (_, Some(_)) => clause(
                    "match_phrase_prefix",
                    name,
                    params(&[("query", json!(l.text))]),
                    boost,
                ),
                _ => return Ok(None),
            }
        }
        LeafKind::Word | LeafKind::Phrase => clause(
            "match_phrase",
            name,
            params(&[("query", json!(l.text))]),
            boost,
        ),
    };
    Ok(Some(q))
}

fn fuzzy_params(value: &str, distance: u8) -> Map<String, Value> {
    params(&[
        ("value", json!(value)),
        ("fuzziness", json!(distance)),
        ("transpositions", json!(true)),
        ("max_expansions", json!(FUZZY_EXPANSIONS)),
    ])
}

/// Inclusive days (dates are indexed as days).
fn date_range(from: Option<NaiveDate>, to: Option<NaiveDate>) -> Value {
    let mut p = Map::new();
    if let Some(d) = from {
        p.insert("gte".into(), json!(d.format("%Y-%m-%d").to_string()));
    }
    if let Some(d) = to {
        p.insert("lte".into(), json!(d.format("%Y-%m-%d").to_string()));
    }
    p.insert("format".into(), json!("strict_date"));
    json!({ "range": { "date": p } })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::DefaultOperator;
    use crate::search::query::parse;

    fn q(text: &str) -> Value {
        query(
            &parse(text, DefaultOperator::And).unwrap(),
            &Filters::default(),
        )
        .unwrap()
    }

    /// The bare-word clause on the default fields, as the model boosts them.
    fn bare(kind: &str, params: Value) -> Value {
        let should: Vec<Value> = Model::get()
            .default_fields()
            .map(|(def, boost)| {
                let mut p = params.clone();
                if boost != 1.0 {
                    p["boost"] = json!(boost);
                }
                json!({ kind: { def.name.clone(): p } })
            })
            .collect();
        match should.len() {
            1 => should[0].clone(),
            _ => json!({ "bool": { "should": should } }),
        }
    }

    #[test]
    fn translates_the_grammar() {
        let phrase = |t: &str| bare("match_phrase", json!({ "query": t }));
        let table: Vec<(&str, Value)> = vec![
            // One bare word: BM25F over the default fields (mapping::BM25F).
            (
                "fukushima",
                json!({ "match_phrase": { BM25F: { "query": "fukushima" } } }),
            ),
            // A bare word of several words: a phrase per field, summed.
            // (`U.S.` is one word since initials are, schema version 3.)
            ("10:30", phrase("10:30")),
            ("\"rare earth\"", phrase("rare earth")),
            (
                "title:reactor",
                json!({ "match_phrase": { "title": { "query": "reactor" } } }),
            ),
            (
                "section:energy",
                json!({ "term": { "section": { "value": "energy" } } }),
            ),
            (
                "country:japan",
                json!({ "term": { "country_codes": { "value": "JP" } } }),
            ),
            (
                "minister:gemba",
                json!({ "match_phrase": { "ministers": { "query": "gemba" } } }),
            ),
            (
                "title:Fuku*",
                json!({ "prefix": { "title": { "value": "fuku" } } }),
            ),
            (
                "title:rare-ear*",
                json!({ "match_phrase_prefix": { "title": { "query": "rare-ear" } } }),
            ),
            (
                "title:Gemba~2",
                json!({ "fuzzy": { "title": { "value": "gemba", "fuzziness": 2,
                    "transpositions": true, "max_expansions": FUZZY_EXPANSIONS } } }),
            ),
            (
                "date:2011-03",
                json!({ "range": { "date": { "gte": "2011-03-01", "lte": "2011-03-31",
                    "format": "strict_date" } } }),
            ),
            ("*", json!({ "match_all": {} })),
            (
                "title:a title:b",
                json!({ "bool": { "must": [
                    { "match_phrase": { "title": { "query": "a" } } },
                    { "match_phrase": { "title": { "query": "b" } } },
                ] } }),
            ),
            (
                "title:a OR title:b -title:c",
                json!({ "bool": { "should": [
                    { "match_phrase": { "title": { "query": "a" } } },
                    { "bool": { "must": [
                        { "match_phrase": { "title": { "query": "b" } } },
                    ], "must_not": [
                        { "match_phrase": { "title": { "query": "c" } } },
                    ] } },
                ] } }),
            ),
            (
                "NOT title:c",
                json!({ "bool": { "must": [ { "match_all": {} } ], "must_not": [
                    { "match_phrase": { "title": { "query": "c" } } },
                ] } }),
            ),
            // A word with no letters or digits is left out of its group.
            (
                "title:a title:&",
                json!({ "match_phrase": { "title": { "query": "a" } } }),
            ),
            ("title:&", json!({ "match_none": {} })),
        ];
        for (text, want) in table {
            assert_eq!(q(text), want, "{text}");
        }
    }

    fn phrase_of(t: &str) -> Value {
        bare("match_phrase", json!({ "query": t }))
    }

    #[test]
    fn user_text_is_only_a_clause_value() {
        // Query-string syntax in user text stays literal text of a phrase.
        let got = q("\"title:x AND (y OR z)\"");
        let s = got.to_string();
        assert!(!s.contains("query_string"), "{s}");
        assert_eq!(got, phrase_of("title:x AND (y OR z)"));
    }

    #[test]
    fn filters_do_not_score() {
        let root = parse("title:reactor", DefaultOperator::And).unwrap();
        let f = Filters {
            since: NaiveDate::from_ymd_opt(2011, 3, 1),
            until: None,
            countries: vec!["JP".into()],
            ministers: vec!["Koichiro Gemba".into()],
            sections: vec!["energy".into()],
        };
        let got = query(&root, &f).unwrap();
        assert_eq!(
            got,
            json!({ "bool": {
                "must": [ { "match_phrase": { "title": { "query": "reactor" } } } ],
                "filter": [
                    { "range": { "date": { "gte": "2011-03-01", "format": "strict_date" } } },
                    { "term": { "country_codes": "JP" } },
                    { "term": { "section": "energy" } },
                    { "match_phrase": { "ministers": { "query": "Koichiro Gemba" } } },
                ]
            } })
        );
    }
}
