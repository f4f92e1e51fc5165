//! `newsidx parse FILE…`: what the pipeline makes of files, without indexing.

use crate::cli::{ParseArgs, SummaryFormat};
use crate::document::StoredDoc;
use crate::exit::Outcome;
use crate::pipeline;
use crate::render::{self, document, sanitize};

pub fn run(a: ParseArgs) -> anyhow::Result<Outcome> {
    let opts = pipeline::Options::default();
    let mut docs = Vec::new();
    let mut failed = false;
    for path in &a.files {
        let shown = sanitize(&path.display().to_string(), false);
        let root = pipeline::corpus_root(a.corpus.as_deref(), &a.location.resolve(), path);
        match pipeline::process_path(path, &root, &opts) {
            Ok(p) => {
                for w in &p.warnings {
                    eprintln!("newsidx: {shown}: {w}");
                }
                docs.extend(p.docs);
            }
            Err(reason) => {
                eprintln!("newsidx: {shown}: {reason}");
                failed = true;
            }
        }
    }
    let mut out = std::io::stdout().lock();
    match a.format {
        SummaryFormat::Json => render::write_json(&mut out, &document::ParseOutput::new(&docs))?,
        SummaryFormat::Text => {
            let stored: Vec<StoredDoc> = docs.iter().map(StoredDoc::from).collect();
            document::write_texts(&mut out, &stored)?;
        }
    }
    Ok(if failed {
        Outcome::Error
    } else {
        Outcome::Success
    })
}
