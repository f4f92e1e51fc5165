//! The remote index's settings and mappings, generated from the document
//! model (`schema/news.toml`), and documents to and from their `_source`.
//! This is the only module that names OpenSearch field types and analyzers,
//! as `index::schema` is for tantivy.
//!
//! - `text` fields get an analyzer built to match ours (see [`analysis`]);
//!   the `fast` ones (ministers, countries) also get a `raw` keyword
//!   sub-field, which facets count.
//! - `string` fields are `keyword`: exact values for filters and counts.
//! - `date` is a date (day precision); `u64`/`i64` are `unsigned_long`/`long`.
//! - Boosts are not in the mapping: they are applied at query time
//!   ([`super::dsl`]), as the local index does.
//!
//! Besides the model's fields each document carries `pushed`, the time (ns
//! since the epoch) it was sent, and `file_docs`, how many documents its file
//! made: incremental pushes trust a file's size and mtime only when that
//! mtime is older than the push that recorded it (as the local index does
//! with its "verified before" cutoff) and all its documents are there.

use crate::document::{NewsDoc, StoredDoc};
use crate::extract::MinisterRole;
use crate::model::{FieldType, Model};
use anyhow::{Result, bail};
use chrono::NaiveDate;
use serde_json::{Map, Value, json};

/// Bumped when this module's output changes in a way an existing remote
/// index cannot follow (a field's type, an analyzer). The model's own
/// `version` is recorded beside it; either differing asks for `--rebuild`.
/// 3: the [`BM25F`] field. 4: initials are one word. 5: one character
/// filter for apostrophes and initials.
pub const MAPPING_VERSION: u32 = 5;

/// The field bare words are scored on: the model's default fields (those
/// with a `boost`) copied into one text field, each as many times as its
/// boost (rounded; at least once), under one BM25 with the model's `k1` and
/// the largest field's `b`. Lucene then scores a word once over the sum of
/// its weighted frequencies with one length norm, which is BM25F with a
/// shared length normalisation (OpenSearch 2.x has no `combined_fields`
/// query; it came in 3.2). Not stored, not in `_source`: only searched.
pub const BM25F: &str = "bm25f";

/// The extra field recording when a document was sent.
pub const PUSHED: &str = "pushed";
/// The extra field recording how many documents the document's file made.
pub const FILE_DOCS: &str = "file_docs";

/// What an index records about the mapping it was made with (`_meta`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp {
    pub mapping: u32,
    pub model: u32,
}

impl Stamp {
    pub fn current() -> Stamp {
        Stamp {
            mapping: MAPPING_VERSION,
            model: Model::get().version,
        }
    }

    /// The stamp in a `GET INDEX/_mapping` answer's mappings object.
    pub fn from_mappings(m: &Value) -> Option<Stamp> {
        let meta = &m["_meta"]["newsidx"];
        Some(Stamp {
            mapping: u32::try_from(meta["mapping_version"].as_u64()?).ok()?,
            model: u32::try_from(meta["model_version"].as_u64()?).ok()?,
        })
    }
}

/// Shards and replicas for a new index; `None` = the cluster's default.
#[derive(Clone, Copy, Debug, Default)]
pub struct Layout {
    pub shards: Option<u32>,
    pub replicas: Option<u32>,
}

/// The deepest page a search may ask for (`from + size`). The cluster's
/// default is 10,000; `check` may need every match of a query.
pub const RESULT_WINDOW: usize = 100_000;

/// The body of `PUT INDEX`: settings (analysis) and mappings.
pub fn index_body(model: &Model, layout: Layout) -> Result<Value> {
    let mut index = Map::new();
    if let Some(n) = layout.shards {
        index.insert("number_of_shards".into(), json!(n));
    }
    if let Some(n) = layout.replicas {
        index.insert("number_of_replicas".into(), json!(n));
    }
    index.insert("max_result_window".into(), json!(RESULT_WINDOW));
    let mut analyzers = Vec::new();
    let mut properties = Map::new();
    let (bm25f, similarity) = bm25f_field(model)?;
    for f in &model.fields {
        let mut p = match f.kind {
            FieldType::Text => {
                let a = f.analyzer.as_deref().unwrap_or("news");
                if !analyzers.contains(&a) {
                    analyzers.push(a);
                }
                let mut p = json!({ "type": "text", "analyzer": a });
                if f.fast {
                    p["fields"] = json!({ "raw": { "type": "keyword" } });
                }
                if let Some((_, w)) = model.default_fields().find(|(d, _)| d.name == f.name) {
                    p["copy_to"] = json!(vec![BM25F; copies(w)]);
                }
                p
            }
            FieldType::String => {
                json!({ "type": "keyword", "index": f.indexed, "doc_values": f.fast })
            }
            FieldType::Date => json!({ "type": "date", "format": "strict_date" }),
            FieldType::U64 => json!({ "type": "unsigned_long" }),
            FieldType::I64 => json!({ "type": "long" }),
        };
        if !matches!(f.kind, FieldType::Text | FieldType::String) && !f.indexed {
            p["index"] = json!(false);
        }
        properties.insert(f.name.clone(), p);
    }
    properties.insert(BM25F.into(), bm25f);
    properties.insert(PUSHED.into(), json!({ "type": "long", "index": false }));
    properties.insert(FILE_DOCS.into(), json!({ "type": "long", "index": false }));
    let stamp = Stamp::current();
    Ok(json!({
        "settings": {
            "index": index,
            "analysis": analysis(&analyzers)?,
            "similarity": similarity,
        },
        "mappings": {
            "dynamic": "strict",
            "_meta": { "newsidx": {
                "mapping_version": stamp.mapping,
                "model_version": stamp.model,
            } },
            "properties": properties,
        }
    }))
}

/// How many copies of a field with weight `w` go into [`BM25F`].
fn copies(w: f32) -> usize {
    (w.round() as usize).max(1)
}

/// The [`BM25F`] field's mapping and the similarity it names.
fn bm25f_field(model: &Model) -> Result<(Value, Value)> {
    let mut analyzer = None;
    let mut b: f32 = 0.0;
    for (f, _) in model.default_fields() {
        let a = f.analyzer.as_deref().unwrap_or("news");
        if analyzer.is_some_and(|x| x != a) {
            bail!(
                "the fields with a boost in schema/news.toml use different analyzers; the remote {BM25F} field needs one"
            );
        }
        analyzer = Some(a);
        b = b.max(f.b.unwrap_or(0.75));
    }
    let analyzer = analyzer.unwrap_or("news");
    Ok((
        json!({ "type": "text", "analyzer": analyzer, "similarity": "newsidx_bm25f" }),
        json!({ "newsidx_bm25f": { "type": "BM25", "k1": model.k1, "b": b } }),
    ))
}

/// OpenSearch analyzers built to the rules `schema/news.toml` states for
/// ours, by name:
///
/// - a final `'s` after a letter is dropped and an apostrophe between two
///   letters removed (a character filter, before the words are cut);
/// - words are runs of alphabetic and numeric characters (Rust's
///   `char::is_alphanumeric`; Java's `\p{IsAlphabetic}` and `\p{N}` are the
///   same two Unicode properties), so a hyphenated compound gives its parts
///   at consecutive positions;
/// - initials are one word (`U.S.` = `US`): a full stop is removed
///   between two single letters of a run of two or more, each followed by
///   a stop (the last one's may be missing) and then no word character
///   (a character filter; the regex looks at the run on both sides);
/// - words of 40 bytes or more are dropped (40 characters here: the length
///   filter counts characters);
/// - lower-cased, accents folded (Lucene's ASCII folding, which tantivy's
///   filter is a port of); `news` then takes English Snowball stems
///   (Porter2, as frostem).
///
/// Not reproduced (README, "Scaling out"): the joined form of a compound
/// (`co-operation` also as `cooperation`) and CJK bigrams.
fn analysis(names: &[&str]) -> Result<Value> {
    let mut analyzer = Map::new();
    for name in names {
        let filter = match *name {
            "news" => json!([
                "newsidx_long",
                "lowercase",
                "asciifolding",
                "newsidx_english"
            ]),
            "name" => json!(["newsidx_long", "lowercase", "asciifolding"]),
            other => bail!(
                "schema/news.toml names the analyzer '{other}', which the OpenSearch mapping does not define"
            ),
        };
        analyzer.insert(
            name.to_string(),
            json!({
                "type": "custom",
                "char_filter": ["newsidx_chars"],
                "tokenizer": "newsidx_words",
                "filter": filter,
            }),
        );
    }
    Ok(json!({
        "char_filter": {
            // One pass over the text: each character filter copies it
            // whole (two took ~8% more of the node's indexing CPU).
            "newsidx_chars": {
                "type": "pattern_replace",
                "pattern": format!("{}|{}", apostrophe_pattern(), initials_pattern()),
                "replacement": "",
            }
        },
        "tokenizer": {
            "newsidx_words": { "type": "pattern", "pattern": "[^\\p{IsAlphabetic}\\p{N}]+" }
        },
        "filter": {
            "newsidx_english": { "type": "snowball", "language": "English" },
            "newsidx_long": { "type": "length", "max": 39 }
        },
        "analyzer": analyzer,
    }))
}

/// The Java regex of what rule 2 removes: an apostrophe after a letter that
/// is a possessive's (with its `s`) or has a letter after it. The
/// apostrophe first: a lookbehind first would run at every character.
fn apostrophe_pattern() -> &'static str {
    "['\u{2019}](?<=\\p{L}['\u{2019}])(?:[sS](?![\\p{IsAlphabetic}\\p{N}])|(?=\\p{L}))"
}

/// The Java regex of a full stop inside initials (`words.rs`' rule 4): a
/// single letter before it, reached from a word's start by letters each
/// followed by a stop, and after it more such letters up to the last one,
/// followed by a stop and no word character, or by nothing of a word.
fn initials_pattern() -> String {
    // The stop first, then what follows it (a sentence's stop fails there,
    // at once), then what precedes it: the lookbehind tries up to 128
    // starting points, so it must run at few places, never at every one.
    // Letters outside the CJK scripts (those are cut into pairs locally).
    let letter = r"[\p{IsAlphabetic}&&[^\p{IsHan}\p{IsHiragana}\p{IsKatakana}\p{IsHangul}]]";
    let word = r"[\p{IsAlphabetic}\p{N}]";
    // After a last letter without its stop: not a stop, a word character,
    // an apostrophe or a hyphen (those would make it part of a word).
    let joins = "[.'\u{2019}\\-\u{2010}\u{2011}\\p{IsAlphabetic}\\p{N}]";
    format!(
        r"\.(?=(?:{letter}\.)*{letter}(?:\.(?!{word})|(?!{joins})))(?<=(?:^|[^\p{{IsAlphabetic}}\p{{N}}])(?:{letter}\.){{0,63}}{letter}\.)"
    )
}

/// A document's `_source`: the model's fields as `NewsDoc` serializes them,
/// `minister_roles` as the JSON text the local index stores, `pushed` and
/// `file_docs`.
pub fn source(doc: &NewsDoc, pushed_ns: i64, file_docs: usize) -> Value {
    let mut v = serde_json::to_value(doc).unwrap_or(Value::Null);
    if let Some(m) = v.as_object_mut() {
        m.insert(
            "minister_roles".into(),
            Value::String(serde_json::to_string(&doc.minister_roles).unwrap_or_default()),
        );
        m.insert(PUSHED.into(), json!(pushed_ns));
        m.insert(FILE_DOCS.into(), json!(file_docs));
    }
    v
}

/// The stored document in a hit's `_source` (fields missing from it are
/// left empty, as the local reader does).
pub fn stored(src: &Value) -> StoredDoc {
    let s = |k: &str| src[k].as_str().map(str::to_string);
    let all = |k: &str| -> Vec<String> {
        match &src[k] {
            Value::Array(a) => a
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            Value::String(one) => vec![one.clone()],
            _ => Vec::new(),
        }
    };
    let minister_roles: Vec<MinisterRole> = src["minister_roles"]
        .as_str()
        .and_then(|j| serde_json::from_str(j).ok())
        .unwrap_or_default();
    StoredDoc {
        id: s("id").unwrap_or_default(),
        title: s("title").unwrap_or_default(),
        body: s("body").unwrap_or_default(),
        credit: s("credit"),
        byline: s("byline"),
        url: s("url"),
        section: s("section"),
        date: src["date"]
            .as_str()
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()),
        ministers: all("ministers"),
        minister_roles,
        countries: all("countries"),
        country_codes: all("country_codes"),
        format: s("format").unwrap_or_default(),
        encoding: s("encoding").unwrap_or_default(),
        size: src["size"].as_u64().unwrap_or(0),
    }
}

/// The `_source` fields a search reads back.
pub fn stored_fields() -> Vec<&'static str> {
    vec![
        "id",
        "title",
        "body",
        "credit",
        "byline",
        "url",
        "section",
        "date",
        "ministers",
        "minister_roles",
        "countries",
        "country_codes",
        "format",
        "encoding",
        "size",
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_model_field_is_mapped_with_its_kind() {
        let body = index_body(
            Model::get(),
            Layout {
                shards: Some(3),
                replicas: Some(1),
            },
        )
        .unwrap();
        let props = &body["mappings"]["properties"];
        for f in &Model::get().fields {
            assert!(props[&f.name].is_object(), "{} is not mapped", f.name);
        }
        assert_eq!(props["title"]["analyzer"], "news");
        assert_eq!(props["ministers"]["analyzer"], "name");
        assert_eq!(props["ministers"]["fields"]["raw"]["type"], "keyword");
        assert_eq!(props["country_codes"]["type"], "keyword");
        assert_eq!(props["date"]["type"], "date");
        assert_eq!(props["hash"]["type"], "unsigned_long");
        assert_eq!(body["settings"]["index"]["number_of_shards"], 3);
        assert_eq!(
            Stamp::from_mappings(&body["mappings"]),
            Some(Stamp::current())
        );
        assert_eq!(
            props["title"]["copy_to"],
            json!(vec![
                BM25F;
                copies(
                    Model::get().field("title").unwrap().boost.unwrap()
                )
            ])
        );
        assert_eq!(props["body"]["copy_to"], json!([BM25F]));
        assert!(props["ministers"].get("copy_to").is_none());
        assert_eq!(props[BM25F]["similarity"], "newsidx_bm25f");
        let sim = &body["settings"]["similarity"]["newsidx_bm25f"];
        assert_eq!(sim["k1"].as_f64(), Some(f64::from(Model::get().k1)));
        let analyzers = &body["settings"]["analysis"]["analyzer"];
        assert!(analyzers["news"].is_object() && analyzers["name"].is_object());
    }

    #[test]
    fn documents_round_trip_through_source() {
        let mut d = NewsDoc::for_test("energy/a.txt", "Title", "Body text.").with_facts(
            Some((2011, 3, 14)),
            &[("Japan", "JP")],
            &["Yukio Edano"],
        );
        d.minister_roles = vec![MinisterRole {
            name: "Yukio Edano".into(),
            role: "chief cabinet secretary".into(),
            country_code: Some("JP".into()),
        }];
        d.hash = u64::MAX;
        let src = source(&d, 7, 1);
        assert_eq!(src["hash"].as_u64(), Some(u64::MAX));
        assert_eq!(src[PUSHED], 7);
        assert!(src["minister_roles"].is_string());
        let back = stored(&src);
        assert_eq!(back.id, "energy/a.txt");
        assert_eq!(back.date, NaiveDate::from_ymd_opt(2011, 3, 14));
        assert_eq!(back.country_codes, ["JP"]);
        assert_eq!(back.minister_roles, d.minister_roles);
        assert_eq!(back.section.as_deref(), Some("energy"));
        assert_eq!(back.format, "text");
        // Every field `source` writes is one the mapping knows (the remote
        // index is `dynamic: strict` and would refuse the document).
        let body = index_body(Model::get(), Layout::default()).unwrap();
        for k in src.as_object().unwrap().keys() {
            assert!(
                body["mappings"]["properties"][k].is_object(),
                "{k} is not mapped"
            );
        }
    }
}
