//! `newsidx parse FILE…`: what the pipeline makes of files, without indexing.

use crate::cli::{ParseArgs, SummaryFormat};
use crate::document::StoredDoc;
use crate::exit::Outcome;
use crate::pipeline;
use crate::render::{self, document, sanitize};
use std::path::{Path, PathBuf};

pub fn run(a: ParseArgs) -> anyhow::Result<Outcome> {
    let opts = pipeline::Options::default();
    let mut docs = Vec::new();
    let mut failed = false;
    for path in &a.files {
        let shown = sanitize(&path.display().to_string(), false);
        let root = corpus_root(a.corpus.as_deref(), &a.location.resolve(), path);
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

/// The path as `index` sees it: absolute, `.` and `..` resolved.
fn absolute(path: &Path) -> PathBuf {
    path.canonicalize()
        .unwrap_or_else(|_| std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()))
}

/// The corpus root `index` would have walked to reach `path`, so that
/// `parse` gives the id, section and date from the path that `index`
/// stores: `--corpus`; else the corpus of the index (`--index`, else the
/// default) if the file is in it; else the nearest folder above the file
/// that holds a `.newsidx` index; else the file's own folder.
fn corpus_root(given: Option<&Path>, index: &Path, path: &Path) -> PathBuf {
    if let Some(root) = given {
        return absolute(root);
    }
    let file = absolute(path);
    let indexed = crate::index::exists(index)
        .then(|| crate::index::NewsIndex::open(index).ok())
        .flatten()
        .and_then(|ix| ix.stamp.corpus)
        .map(|c| absolute(Path::new(&c)))
        .filter(|c| file.starts_with(c));
    if let Some(root) = indexed {
        return root;
    }
    if let Some(root) = file
        .ancestors()
        .skip(1)
        .find(|d| crate::index::exists(&d.join(".newsidx")))
    {
        return root.to_path_buf();
    }
    file.parent().map(Path::to_path_buf).unwrap_or_default()
}
