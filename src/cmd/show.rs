//! `newsidx show ID`: one stored document, as text or as JSON
//! (`schema/show-output.schema.json`).

use crate::cli::{ShowArgs, SummaryFormat};
use crate::exit::Outcome;
use crate::index::NewsIndex;
use crate::render::{self, document};

pub fn run(a: ShowArgs) -> anyhow::Result<Outcome> {
    let ix = NewsIndex::open(&a.location.resolve())?;
    let Some(d) = crate::search::find_document(&ix, &a.id)? else {
        anyhow::bail!(
            "no document with id {:?} in the index; give an id as `newsidx search` prints it (the path relative to the corpus root), or a path to the file",
            a.id
        );
    };
    let mut out = std::io::stdout().lock();
    match a.format {
        SummaryFormat::Json => render::write_json(&mut out, &document::ShowOutput::new(&d))?,
        SummaryFormat::Text => document::write_text(&mut out, &d)?,
    }
    Ok(Outcome::Success)
}
