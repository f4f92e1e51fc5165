//! `newsidx show ID`: one stored document, as text or as JSON
//! (`schema/show-output.schema.json`).

use crate::cli::{ShowArgs, SummaryFormat};
use crate::corpus::walk;
use crate::exit::Outcome;
use crate::index::NewsIndex;
use crate::render::{self, document};

pub fn run(a: ShowArgs) -> anyhow::Result<Outcome> {
    let ix = NewsIndex::open(&a.location.resolve())?;
    // An id as printed, else a path to the file (relative to here, or the
    // absolute `path` that search prints), with its `#N` if it has one.
    let by_path = || {
        let root = std::path::PathBuf::from(ix.stamp.corpus.as_deref()?);
        let file = walk::id_file(&a.id);
        let suffix = &a.id[file.len()..];
        let id = walk::id_for_path(&root, std::path::Path::new(file))?;
        Some(format!("{id}{suffix}"))
    };
    let found = match crate::search::get_by_id(&ix, &a.id)? {
        Some(d) => Some(d),
        None => match by_path() {
            Some(id) => crate::search::get_by_id(&ix, &id)?,
            None => None,
        },
    };
    let Some(d) = found else {
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
