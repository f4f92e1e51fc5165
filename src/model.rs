//! The document model, `schema/news.toml`. A search needs it at every start,
//! and reading it with the TOML parser was a fifth of a whole search's
//! instructions (390,000 of 1.8 million for `search x --count` on the sample
//! corpus, callgrind). So the build script (`src/build.rs`) reads the file
//! into the model's types (`model/def.rs`) and writes it out as Rust, which
//! [`Model::get`] evaluates: no parsing at run time, and a model that does
//! not parse fails the build.
//!
//! This module only describes fields; `index::schema` is the one place that
//! turns the description into tantivy fields.

mod def;

pub use def::{Expansion, FieldDef, FieldType, Model};
use std::sync::OnceLock;

/// The model's source text, as shipped in `schema/news.toml`.
pub const SOURCE: &str = include_str!("../schema/news.toml");

impl Model {
    /// The model in force: `schema/news.toml` as the build script read it.
    pub fn get() -> &'static Model {
        static MODEL: OnceLock<Model> = OnceLock::new();
        MODEL.get_or_init(|| include!(concat!(env!("OUT_DIR"), "/model.rs")))
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

    /// What the build script wrote out is what the TOML parser reads from
    /// the shipped file (strings with quotes or escapes, boosts, defaults).
    #[test]
    fn built_model_is_the_shipped_file() {
        let parsed: Model = toml::from_str(SOURCE).expect("schema/news.toml parses");
        assert_eq!(*Model::get(), parsed);
    }

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
