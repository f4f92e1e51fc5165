//! The document model, read from `schema/news.toml` (embedded in the binary).
//! A search needs it at every start, so the shipped file is read by a small
//! reader of the plain subset of TOML it is written in; anything outside that
//! subset goes to the full TOML parser (which costs as much as the rest of a
//! search's start-up).
//!
//! This module only describes fields; `index::schema` is the one place that
//! turns the description into tantivy fields.

use serde::Deserialize;
use std::sync::OnceLock;

/// The model's source text, as shipped in `schema/news.toml`.
pub const SOURCE: &str = include_str!("../schema/news.toml");

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
    /// Weight of the words `search --expand` adds (see `search::expand`).
    #[serde(default)]
    pub expansion: f32,
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

fn default_k1() -> f32 {
    1.2
}

impl Model {
    /// The model in force. The embedded file is checked by a unit test, so a
    /// parse failure here is a build defect, not bad input.
    pub fn get() -> &'static Model {
        static MODEL: OnceLock<Model> = OnceLock::new();
        MODEL.get_or_init(|| match plain_toml(SOURCE) {
            Some(m) => m,
            None => match toml::from_str(SOURCE) {
                Ok(m) => m,
                Err(e) => panic!("schema/news.toml embedded in this build is invalid: {e}"),
            },
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

/// A field's keys without a default: name, type, description.
type Required = (Option<String>, Option<FieldType>, Option<String>);

/// Fill the last field's required keys from `partial`; `None` if one is missing.
fn close(partial: &mut Option<Required>, fields: &mut [FieldDef]) -> Option<()> {
    if let Some((name, kind, description)) = partial.take() {
        let f = fields.last_mut()?;
        f.name = name?;
        f.kind = kind?;
        f.description = description?;
    }
    Some(())
}

/// The model from `src` if it keeps to the plain subset of TOML the shipped
/// file uses: comment lines, `version = N`, `[[field]]` tables of
/// `key = value` lines with a value that is `"text"` (no escapes, no quotes
/// inside), `true`, `false` or a number, and no trailing comments. `None` for
/// anything else, which the full parser then reads (and judges); the unit
/// test checks both give the same model for the shipped file.
fn plain_toml(src: &str) -> Option<Model> {
    let mut version = None;
    let mut k1 = default_k1();
    let mut proximity = 0.0;
    let mut expansion = 0.0;
    let mut fields: Vec<FieldDef> = Vec::new();
    // The keys seen in the current table, to refuse a duplicate as TOML does.
    let mut seen: Vec<&str> = Vec::new();
    let mut partial: Option<Required> = None;
    for line in src.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line == "[[field]]" {
            close(&mut partial, &mut fields)?;
            seen.clear();
            partial = Some((None, None, None));
            fields.push(FieldDef {
                name: String::new(),
                kind: FieldType::Text,
                analyzer: None,
                indexed: false,
                stored: false,
                fast: false,
                multi: false,
                boost: None,
                b: None,
                description: String::new(),
            });
            continue;
        }
        let (key, value) = line.split_once('=')?;
        let (key, value) = (key.trim(), value.trim());
        if seen.contains(&key) {
            return None;
        }
        seen.push(key);
        let text = || {
            let inner = value.strip_prefix('"')?.strip_suffix('"')?;
            (!inner.contains(['"', '\\'])).then(|| inner.to_string())
        };
        let flag = || match value {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        };
        // TOML reads a float as f64; serde narrows it to an f32 field.
        let float = || Some(value.parse::<f64>().ok().filter(|b| b.is_finite())? as f32);
        let Some((name, kind, description)) = partial.as_mut() else {
            match key {
                "version" => version = Some(value.parse::<u32>().ok()?),
                "k1" => k1 = float()?,
                "proximity" => proximity = float()?,
                "expansion" => expansion = float()?,
                _ => return None,
            }
            continue;
        };
        let f = fields.last_mut()?;
        match key {
            "name" => *name = Some(text()?),
            "description" => *description = Some(text()?),
            "type" => {
                *kind = Some(match text()?.as_str() {
                    "text" => FieldType::Text,
                    "string" => FieldType::String,
                    "date" => FieldType::Date,
                    "u64" => FieldType::U64,
                    "i64" => FieldType::I64,
                    _ => return None,
                })
            }
            "analyzer" => f.analyzer = Some(text()?),
            "indexed" => f.indexed = flag()?,
            "stored" => f.stored = flag()?,
            "fast" => f.fast = flag()?,
            "multi" => f.multi = flag()?,
            "boost" => f.boost = Some(float()?),
            "b" => f.b = Some(float()?),
            _ => return None,
        }
    }
    close(&mut partial, &mut fields)?;
    Some(Model {
        version: version?,
        k1,
        proximity,
        expansion,
        fields,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_reader_reads_the_shipped_model_as_toml_does() {
        let full: Model = toml::from_str(SOURCE).expect("schema/news.toml parses");
        assert_eq!(plain_toml(SOURCE), Some(full));
    }

    #[test]
    fn plain_reader_leaves_anything_else_to_toml() {
        let field = "[[field]]\nname = \"a\"\ntype = \"text\"\ndescription = \"d\"\n";
        assert!(plain_toml(&format!("version = 1\n{field}")).is_some());
        let table = [
            "version = 1 # trailing comment\n",
            "version = 1\n[[field]]\nname = \"a\\tb\"\ntype = \"text\"\ndescription = \"d\"\n",
            "version = 1\n[[field]]\nname = 'a'\ntype = \"text\"\ndescription = \"d\"\n",
            "version = 1\n[[field]]\nname = \"a\"\nname = \"b\"\ntype = \"text\"\ndescription = \"d\"\n",
            "version = 1\n[[field]]\nname = \"a\"\ntype = \"blob\"\ndescription = \"d\"\n",
            "version = 1\n[[field]]\nname = \"a\"\ntype = \"text\"\n",
            "version = 1\n[[field]]\nname = \"a\"\ntype = \"text\"\ndescription = \"d\"\nboost = inf\n",
            "version = 1\n[[field]]\nname = \"a\"\ntype = \"text\"\ndescription = \"d\"\nweight = 2\n",
            "version = 1\n[other]\n",
            "[[field]]\nname = \"a\"\ntype = \"text\"\ndescription = \"d\"\n",
            "version = \"\"\"1\"\"\"\n",
        ];
        for src in table {
            assert_eq!(plain_toml(src), None, "{src}");
        }
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
