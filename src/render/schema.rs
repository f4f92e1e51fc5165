//! `newsidx schema --format json`: the document model in force
//! (`schema/schema-output.schema.json`). The text form is the model's TOML
//! source as shipped.

use crate::model::Model;
use serde::Serialize;

/// Version of the JSON output's layout. The model's own version, which
/// changes when the fields do, is `model_version`.
pub const SCHEMA_OUTPUT_VERSION: u32 = 1;

#[derive(Serialize)]
pub struct SchemaOutput<'a> {
    pub version: u32,
    pub model_version: u32,
    pub fields: Vec<FieldOutput<'a>>,
}

/// One field of the model.
#[derive(Serialize)]
pub struct FieldOutput<'a> {
    pub name: &'a str,
    /// `text`, `string`, `date`, `u64` or `i64`.
    #[serde(rename = "type")]
    pub kind: String,
    pub analyzer: Option<&'a str>,
    /// Searchable: declared indexed, or analyzed.
    pub indexed: bool,
    pub stored: bool,
    pub fast: bool,
    pub multi: bool,
    /// The f32 boost widened to f64, as the output has always printed it.
    pub boost: Option<f64>,
    pub description: &'a str,
}

impl<'a> SchemaOutput<'a> {
    pub fn new(m: &'a Model) -> Self {
        SchemaOutput {
            version: SCHEMA_OUTPUT_VERSION,
            model_version: m.version,
            fields: m
                .fields
                .iter()
                .map(|f| FieldOutput {
                    name: &f.name,
                    kind: format!("{:?}", f.kind).to_lowercase(),
                    analyzer: f.analyzer.as_deref(),
                    indexed: f.indexed || f.analyzer.is_some(),
                    stored: f.stored,
                    fast: f.fast,
                    multi: f.multi,
                    boost: f.boost.map(f64::from),
                    description: &f.description,
                })
                .collect(),
        }
    }
}
