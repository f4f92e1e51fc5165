//! The document model's types, as `schema/news.toml` writes them. Shared
//! with the build script (`src/build.rs`), which reads the file into these
//! types and writes them out as Rust, so the keys, their defaults and the
//! checks are stated once, here.

use serde::Deserialize;

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Model {
    /// Bumped whenever a change makes old indexes unreadable or wrong.
    pub version: u32,
    /// BM25F term-frequency saturation of bare-word scoring (see
    /// `search::bm25f`).
    #[serde(default = "default_k1")]
    pub k1: f32,
    /// Weight of the proximity bonus of bare-word queries of several words.
    #[serde(default)]
    pub proximity: f32,
    /// Pseudo-relevance feedback (`search --expand`, see `search::expand`).
    #[serde(default)]
    pub expansion: Expansion,
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

#[derive(Clone, Debug, Deserialize, PartialEq)]
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
    /// BM25F length normalisation of the field, 0 to 1 (default 0.75).
    #[serde(default)]
    pub b: Option<f32>,
    pub description: String,
}

/// How `search --expand` widens a query.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Expansion {
    /// Weight of the added words, all together (the query's own words
    /// weigh 1 each).
    pub weight: f32,
    /// Best documents of the first run taken as relevant.
    pub docs: u32,
    /// Words added.
    pub terms: u32,
}

impl Default for Expansion {
    fn default() -> Expansion {
        Expansion {
            weight: 1.0,
            docs: 10,
            terms: 10,
        }
    }
}

fn default_k1() -> f32 {
    1.2
}
