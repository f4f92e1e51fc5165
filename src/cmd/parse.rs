//! `newsidx parse FILE…`: what the pipeline makes of files, without indexing.

use crate::cli::{ParseArgs, SummaryFormat};
use crate::corpus::{Entry, walk};
use crate::document::NewsDoc;
use crate::exit::Outcome;
use crate::pipeline;
use crate::render::sanitize;
use std::io::Write;

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
        let parent = path.parent().unwrap_or(std::path::Path::new(""));
        let entry = Entry {
            path: path.clone(),
            rel: walk::rel_path(parent, path),
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
