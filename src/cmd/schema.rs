//! `newsidx schema`: the document model in force, as its TOML source or as
//! JSON (`schema/schema-output.schema.json`).

use crate::cli::{SchemaArgs, SummaryFormat};
use crate::exit::Outcome;
use crate::model::{Model, SOURCE};
use crate::render::{self, schema::SchemaOutput};
use std::io::Write;

pub fn run(a: SchemaArgs) -> anyhow::Result<Outcome> {
    let mut out = std::io::stdout().lock();
    match a.format {
        SummaryFormat::Text => out.write_all(SOURCE.as_bytes())?,
        SummaryFormat::Json => render::write_json(&mut out, &SchemaOutput::new(Model::get()))?,
    }
    Ok(Outcome::Success)
}
