//! The one module that turns the document model (`schema/news.toml`) into
//! tantivy fields, registers the analyzers, and converts documents to and
//! from tantivy's representation.

use super::stem_cache::NewsTokenizer;
use crate::document::{NewsDoc, StoredDoc};
use crate::extract::MinisterRole;
use crate::fingerprint::Signature;
use crate::model::{FieldDef, FieldType, Model};
use anyhow::{Context, Result};
use chrono::NaiveDate;
use tantivy::columnar::Column;
use tantivy::schema::{
    DateOptions, DateTimePrecision, Field, IndexRecordOption, NumericOptions, Schema,
    TextFieldIndexing, TextOptions, Value,
};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DateTime, DocAddress, Index, Searcher, TantivyDocument};

/// The names of the model's fields (`schema/news.toml` is the data; these are
/// the names code relies on). Code outside `index/` that must name a field,
/// such as a fast column to read or a filter's field, names it through these.
pub mod names {
    pub const ID: &str = "id";
    pub const FILE: &str = "file";
    pub const TITLE: &str = "title";
    pub const BODY: &str = "body";
    pub const CREDIT: &str = "credit";
    pub const BYLINE: &str = "byline";
    pub const URL: &str = "url";
    pub const SECTION: &str = "section";
    pub const DATE: &str = "date";
    pub const MINISTERS: &str = "ministers";
    pub const MINISTER_ROLES: &str = "minister_roles";
    pub const COUNTRIES: &str = "countries";
    pub const COUNTRY_CODES: &str = "country_codes";
    pub const FORMAT: &str = "format";
    pub const ENCODING: &str = "encoding";
    pub const SIZE: &str = "size";
    pub const MTIME: &str = "mtime";
    pub const HASH: &str = "hash";
    pub const DUP_BANDS: &str = "dup_bands";
    pub const MINHASH: &str = "minhash";
}

/// The analyzers a text field of the model may name (registered under these
/// names by [`register_analyzers`]); a text field that names none is `news`.
pub const NEWS_ANALYZER: &str = "news";
pub const NAME_ANALYZER: &str = "name";

/// Handles to every field of the model.
#[derive(Clone, Debug)]
pub struct Fields {
    pub id: Field,
    pub file: Field,
    pub title: Field,
    pub body: Field,
    pub credit: Field,
    pub byline: Field,
    pub url: Field,
    pub section: Field,
    pub date: Field,
    pub ministers: Field,
    pub minister_roles: Field,
    pub countries: Field,
    pub country_codes: Field,
    pub format: Field,
    pub encoding: Field,
    pub size: Field,
    pub mtime: Field,
    pub hash: Field,
    pub dup_bands: Field,
    pub minhash: Field,
}

/// The news analyzer: words, lower-cased, accents folded, English stems
/// (in one pass, with a memory: `stem_cache`).
pub fn news_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(NewsTokenizer::default()).build()
}

/// The name analyzer: the same words, lower-cased, accents folded, not
/// stemmed.
pub fn name_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(NewsTokenizer::new(false)).build()
}

/// Custom analyzers are not persisted by tantivy: call this on every index
/// opened or created, before writing or querying.
pub fn register_analyzers(index: &Index) {
    let m = index.tokenizers();
    m.register(NEWS_ANALYZER, news_analyzer());
    m.register(NAME_ANALYZER, name_analyzer());
}

/// Build the tantivy schema for `model`.
pub fn build(model: &Model) -> Result<(Schema, Fields)> {
    let mut b = Schema::builder();
    for f in &model.fields {
        add_field(&mut b, f);
    }
    let schema = b.build();
    let fields = Fields::from_schema(&schema)?;
    Ok((schema, fields))
}

fn add_field(b: &mut tantivy::schema::SchemaBuilder, f: &FieldDef) {
    match f.kind {
        FieldType::Text | FieldType::String => {
            let (tokenizer, record) = match f.kind {
                FieldType::Text => (
                    f.analyzer.as_deref().unwrap_or(NEWS_ANALYZER),
                    IndexRecordOption::WithFreqsAndPositions,
                ),
                _ => ("raw", IndexRecordOption::Basic),
            };
            let mut o = TextOptions::default();
            if f.indexed || f.kind == FieldType::Text {
                o = o.set_indexing_options(
                    TextFieldIndexing::default()
                        .set_tokenizer(tokenizer)
                        .set_index_option(record),
                );
            }
            if f.stored {
                o = o.set_stored();
            }
            if f.fast {
                o = o.set_fast("raw");
            }
            b.add_text_field(&f.name, o);
        }
        FieldType::Date => {
            let mut o = DateOptions::default().set_precision(DateTimePrecision::Seconds);
            if f.indexed {
                o = o.set_indexed();
            }
            if f.stored {
                o = o.set_stored();
            }
            if f.fast {
                o = o.set_fast();
            }
            b.add_date_field(&f.name, o);
        }
        FieldType::U64 | FieldType::I64 => {
            let mut o = NumericOptions::default();
            if f.indexed {
                o = o.set_indexed();
            }
            if f.stored {
                o = o.set_stored();
            }
            if f.fast {
                o = o.set_fast();
            }
            if f.kind == FieldType::U64 {
                b.add_u64_field(&f.name, o);
            } else {
                b.add_i64_field(&f.name, o);
            }
        }
    }
}

impl Fields {
    pub fn from_schema(s: &Schema) -> Result<Fields> {
        let g = |name: &str| {
            s.get_field(name).with_context(|| {
                format!(
                    "the index has no field `{name}`; rebuild it with `newsidx index --rebuild`"
                )
            })
        };
        Ok(Fields {
            id: g(names::ID)?,
            file: g(names::FILE)?,
            title: g(names::TITLE)?,
            body: g(names::BODY)?,
            credit: g(names::CREDIT)?,
            byline: g(names::BYLINE)?,
            url: g(names::URL)?,
            section: g(names::SECTION)?,
            date: g(names::DATE)?,
            ministers: g(names::MINISTERS)?,
            minister_roles: g(names::MINISTER_ROLES)?,
            countries: g(names::COUNTRIES)?,
            country_codes: g(names::COUNTRY_CODES)?,
            format: g(names::FORMAT)?,
            encoding: g(names::ENCODING)?,
            size: g(names::SIZE)?,
            mtime: g(names::MTIME)?,
            hash: g(names::HASH)?,
            dup_bands: g(names::DUP_BANDS)?,
            minhash: g(names::MINHASH)?,
        })
    }

    /// The tantivy document for `d`.
    pub fn to_doc(&self, d: &NewsDoc) -> TantivyDocument {
        let mut doc = TantivyDocument::default();
        doc.add_text(self.id, &d.id);
        doc.add_text(self.file, &d.file);
        doc.add_text(self.title, &d.title);
        doc.add_text(self.body, &d.body);
        let opt = |doc: &mut TantivyDocument, f: Field, v: &Option<String>| {
            if let Some(v) = v {
                doc.add_text(f, v);
            }
        };
        opt(&mut doc, self.credit, &d.credit);
        opt(&mut doc, self.byline, &d.byline);
        opt(&mut doc, self.url, &d.url);
        opt(&mut doc, self.section, &d.section);
        if let Some(date) = d.date {
            doc.add_date(self.date, date_to_tantivy(date));
        }
        for m in &d.ministers {
            doc.add_text(self.ministers, m);
        }
        if !d.minister_roles.is_empty()
            && let Ok(json) = serde_json::to_string(&d.minister_roles)
        {
            doc.add_text(self.minister_roles, json);
        }
        for c in &d.countries {
            doc.add_text(self.countries, c);
        }
        for c in &d.country_codes {
            doc.add_text(self.country_codes, c);
        }
        doc.add_text(self.format, d.format.as_str());
        doc.add_text(self.encoding, &d.encoding);
        doc.add_u64(self.size, d.size);
        doc.add_i64(self.mtime, d.mtime);
        doc.add_u64(self.hash, d.hash);
        if let Some(f) = &d.fingerprint {
            for key in f.bands() {
                doc.add_u64(self.dup_bands, key);
            }
            for v in f.to_values() {
                doc.add_u64(self.minhash, v);
            }
        }
        doc
    }

    /// The stored fields of a document read back from the index.
    pub fn read(&self, doc: &TantivyDocument) -> StoredDoc {
        let s = |f: Field| {
            doc.get_first(f)
                .and_then(|v| v.as_str())
                .map(str::to_string)
        };
        let all = |f: Field| {
            doc.get_all(f)
                .filter_map(|v| v.as_str())
                .map(str::to_string)
                .collect::<Vec<_>>()
        };
        let minister_roles: Vec<MinisterRole> = s(self.minister_roles)
            .and_then(|j| serde_json::from_str(&j).ok())
            .unwrap_or_default();
        StoredDoc {
            id: s(self.id).unwrap_or_default(),
            title: s(self.title).unwrap_or_default(),
            body: s(self.body).unwrap_or_default(),
            credit: s(self.credit),
            byline: s(self.byline),
            url: s(self.url),
            section: s(self.section),
            date: doc
                .get_first(self.date)
                .and_then(|v| v.as_datetime())
                .and_then(date_from_tantivy),
            ministers: all(self.ministers),
            minister_roles,
            countries: all(self.countries),
            country_codes: all(self.country_codes),
            format: s(self.format).unwrap_or_default(),
            encoding: s(self.encoding).unwrap_or_default(),
            size: doc
                .get_first(self.size)
                .and_then(|v| v.as_u64())
                .unwrap_or(0),
        }
    }
}

/// Dates are whole days, stored as midnight UTC.
pub fn date_to_tantivy(d: NaiveDate) -> DateTime {
    let secs = d
        .and_hms_opt(0, 0, 0)
        .map(|dt| dt.and_utc().timestamp())
        .unwrap_or(0);
    DateTime::from_timestamp_secs(secs)
}

pub fn date_from_tantivy(d: DateTime) -> Option<NaiveDate> {
    chrono::DateTime::from_timestamp(d.into_timestamp_secs(), 0).map(|dt| dt.date_naive())
}

/// The near-duplicate signatures of a searcher's articles, read from each
/// segment's `minhash` fast column: twelve values an article, where the
/// document store cost a block's decompression and a whole document's
/// decoding.
pub struct Signatures(Vec<Option<Column<u64>>>);

impl Signatures {
    pub fn open(searcher: &Searcher) -> Result<Signatures> {
        let columns = searcher
            .segment_readers()
            .iter()
            .map(|r| r.fast_fields().column_opt::<u64>(names::MINHASH))
            .collect::<tantivy::Result<_>>()
            .context("cannot read the near-duplicate fingerprints")?;
        Ok(Signatures(columns))
    }

    /// The signature of the article at `a`, if its body had one.
    pub fn get(&self, a: DocAddress) -> Option<Signature> {
        let column = self.0.get(a.segment_ord as usize)?.as_ref()?;
        Signature::from_values(column.values_for_doc(a.doc_id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::tokenizer::TokenStream;

    fn tokens(mut a: TextAnalyzer, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut ts = a.token_stream(text);
        while ts.advance() {
            out.push(ts.token().text.clone());
        }
        out
    }

    #[test]
    fn news_analyzer_stems_and_folds() {
        assert_eq!(tokens(news_analyzer(), "Rare Earths"), ["rare", "earth"]);
        assert_eq!(tokens(news_analyzer(), "Café exports"), ["cafe", "export"]);
    }

    #[test]
    fn name_analyzer_keeps_words() {
        assert_eq!(tokens(name_analyzer(), "S.M. Krishna"), ["sm", "krishna"]);
    }

    #[test]
    fn every_model_field_has_a_handle() {
        let (schema, _) = build(Model::get()).unwrap();
        assert_eq!(schema.fields().count(), Model::get().fields.len());
    }

    #[test]
    fn date_round_trips() {
        let d = NaiveDate::from_ymd_opt(2011, 11, 12).unwrap();
        assert_eq!(date_from_tantivy(date_to_tantivy(d)), Some(d));
    }
}
