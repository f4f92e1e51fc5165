//! `newsidx schema`: the document model in force, as its TOML source or as
//! JSON (`schema/schema-output.schema.json`).

use crate::cli::{SchemaArgs, SummaryFormat};
use crate::exit::Outcome;
use crate::model::{Model, SOURCE};
use std::io::Write;

/// Version of the JSON output's layout. The model's own version, which
/// changes when the fields do, is `model_version`.
pub const SCHEMA_OUTPUT_VERSION: u32 = 1;

pub fn run(a: SchemaArgs) -> anyhow::Result<Outcome> {
    let mut out = std::io::stdout().lock();
    match a.format {
        SummaryFormat::Text => out.write_all(SOURCE.as_bytes())?,
        SummaryFormat::Json => {
            let m = Model::get();
            let fields: Vec<_> = m
                .fields
                .iter()
                .map(|f| {
                    serde_json::json!({
                        "name": f.name,
                        "type": format!("{:?}", f.kind).to_lowercase(),
                        "analyzer": f.analyzer,
                        "indexed": f.indexed || f.analyzer.is_some(),
                        "stored": f.stored,
                        "fast": f.fast,
                        "multi": f.multi,
                        "boost": f.boost,
                        "description": f.description,
                    })
                })
                .collect();
            serde_json::to_writer_pretty(
                &mut out,
                &serde_json::json!({
                    "version": SCHEMA_OUTPUT_VERSION,
                    "model_version": m.version,
                    "fields": fields,
                }),
            )?;
            writeln!(out)?;
        }
    }
    Ok(Outcome::Success)
}
