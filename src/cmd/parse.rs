//! `newsidx parse FILE…`: what the pipeline makes of files, without indexing.

use crate::cli::{ParseArgs, SummaryFormat};
use crate::corpus::{Entry, walk};
use crate::document::NewsDoc;
use crate::exit::Outcome;
use crate::pipeline;
use crate::render::sanitize;
use std::io::Write;
use std::path::{Path, PathBuf};

pub fn run(a: ParseArgs) -> anyhow::Result<Outcome> {
    let mut out = std::io::stdout().lock();
    let opts = pipeline::Options::default();
    let mut all = Vec::new();
    let mut failed = false;
    for path in &a.files {
        let md = match std::fs::metadata(path) {
            Ok(md) => md,
            Err(e) => {
                eprintln!("newsidx: {}: {e}", path.display());
                failed = true;
                continue;
            }
        };
        let root = corpus_root(a.corpus.as_deref(), &a.location.resolve(), path);
        let entry = Entry {
            path: path.clone(),
            rel: walk::rel_path(&root, &absolute(path)),
            size: md.len(),
            mtime: walk::mtime_nanos(&md),
        };
        match pipeline::process(&entry, &opts) {
            Ok(p) => {
                for w in &p.warnings {
                    eprintln!(
                        "newsidx: {}: {w}",
                        sanitize(&path.display().to_string(), false)
                    );
                }
                all.extend(p.docs);
            }
            Err(reason) => {
                eprintln!(
                    "newsidx: {}: {reason}",
                    sanitize(&path.display().to_string(), false)
                );
                failed = true;
            }
        }
    }
    match a.format {
        SummaryFormat::Json => {
            let v = serde_json::json!({"version": 1, "documents": all});
            serde_json::to_writer_pretty(&mut out, &v)?;
            writeln!(out)?;
        }
        SummaryFormat::Text => {
            for (i, d) in all.iter().enumerate() {
                if i > 0 {
                    writeln!(out, "\n---\n")?;
                }
                write_doc(&mut out, d)?;
            }
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

fn write_doc(out: &mut dyn Write, d: &NewsDoc) -> std::io::Result<()> {
    let line =
        |out: &mut dyn Write, k: &str, v: &str| writeln!(out, "{k:<10} {}", sanitize(v, false));
    line(out, "id", &d.id)?;
    line(out, "title", &d.title)?;
    line(
        out,
        "date",
        &d.date.map(|d| d.to_string()).unwrap_or_default(),
    )?;
    line(out, "section", d.section.as_deref().unwrap_or(""))?;
    line(out, "credit", d.credit.as_deref().unwrap_or(""))?;
    line(out, "byline", d.byline.as_deref().unwrap_or(""))?;
    line(out, "url", d.url.as_deref().unwrap_or(""))?;
    let roles: Vec<String> = d
        .minister_roles
        .iter()
        .map(|m| match &m.country_code {
            Some(c) => format!("{} ({}, {c})", m.name, m.role),
            None => format!("{} ({})", m.name, m.role),
        })
        .collect();
    line(out, "ministers", &roles.join("; "))?;
    let countries: Vec<String> = d
        .countries
        .iter()
        .zip(&d.country_codes)
        .map(|(n, c)| format!("{n} ({c})"))
        .collect();
    line(out, "countries", &countries.join(", "))?;
    line(out, "format", d.format.as_str())?;
    line(out, "encoding", &d.encoding)?;
    writeln!(out, "\n{}", sanitize(&d.body, true))
}
