//! The document model, read from `schema/news.toml` (embedded in the binary).
//!
//! This module only describes fields; `index::schema` is the one place that
//! turns the description into tantivy fields.

use serde::Deserialize;
use std::sync::OnceLock;

/// The model's source text, as shipped in `schema/news.toml`.
pub const SOURCE: &str = include_str!("../schema/news.toml");

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Model {
    /// Bumped whenever a change makes old indexes unreadable or wrong.
    pub version: u32,
    #[serde(rename = "field")]
    pub fields: Vec<FieldDef>,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum FieldType {
    Text,
    String,
    Date,
    U64,
    I64,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: FieldType,
    #[serde(default)]
    pub analyzer: Option<String>,
    #[serde(default)]
    pub indexed: bool,
    #[serde(default)]
    pub stored: bool,
    #[serde(default)]
    pub fast: bool,
    #[serde(default)]
    pub multi: bool,
    #[serde(default)]
    pub boost: Option<f32>,
    pub description: String,
}

impl Model {
    /// The model in force. The embedded file is checked by a unit test, so a
    /// parse failure here is a build defect, not bad input.
    pub fn get() -> &'static Model {
        static MODEL: OnceLock<Model> = OnceLock::new();
        MODEL.get_or_init(|| match toml::from_str(SOURCE) {
            Ok(m) => m,
            Err(e) => panic!("schema/news.toml embedded in this build is invalid: {e}"),
        })
    }

    pub fn field(&self, name: &str) -> Option<&FieldDef> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// Fields searched by a bare term, with their boosts, in model order.
    pub fn default_fields(&self) -> impl Iterator<Item = (&FieldDef, f32)> {
        self.fields.iter().filter_map(|f| f.boost.map(|b| (f, b)))
    }

    /// Names a user can put before a colon in a query.
    pub fn searchable_names(&self) -> Vec<&str> {
        self.fields
            .iter()
            .filter(|f| f.indexed || f.kind == FieldType::Text)
            .map(|f| f.name.as_str())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_model_parses_and_is_consistent() {
        let m: Model = toml::from_str(SOURCE).expect("schema/news.toml parses");
        assert!(m.version >= 1);
        for f in &m.fields {
            assert!(
                !f.description.trim().is_empty(),
                "{} lacks a description",
                f.name
            );
            match f.kind {
                FieldType::Text => assert!(
                    matches!(f.analyzer.as_deref(), Some("news" | "name")),
                    "{}: text fields need the news or name analyzer",
                    f.name
                ),
                _ => assert!(
                    f.analyzer.is_none(),
                    "{}: only text fields take an analyzer",
                    f.name
                ),
            }
            if f.boost.is_some() {
                assert_eq!(
                    f.kind,
                    FieldType::Text,
                    "{}: only text fields are searched by default",
                    f.name
                );
            }
        }
        for required in [
            "id",
            "title",
            "body",
            "credit",
            "section",
            "date",
            "ministers",
            "countries",
            "country_codes",
            "size",
            "mtime",
            "hash",
        ] {
            assert!(m.field(required).is_some(), "model lacks {required}");
        }
        assert!(m.field("title").unwrap().boost > m.field("body").unwrap().boost);
    }
}
