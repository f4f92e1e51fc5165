//! `newsidx show ID`: one stored document, as text or as JSON
//! (`schema/show-output.schema.json`).

use crate::cli::{ShowArgs, SummaryFormat};
use crate::corpus::walk;
use crate::exit::Outcome;
use crate::index::NewsIndex;
use crate::render::sanitize;
use std::io::Write;

/// Version of the show JSON; bumped when a key changes meaning or goes.
pub const SHOW_VERSION: u32 = 1;

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
        SummaryFormat::Json => {
            serde_json::to_writer_pretty(
                &mut out,
                &serde_json::json!({"version": SHOW_VERSION, "document": d}),
            )?;
            writeln!(out)?;
        }
        SummaryFormat::Text => {
            writeln!(out, "{}", sanitize(&d.title, false))?;
            writeln!(out, "id:        {}", sanitize(&d.id, false))?;
            if let Some(date) = d.date {
                writeln!(out, "date:      {date}")?;
            }
            for (k, v) in [
                ("section", &d.section),
                ("credit", &d.credit),
                ("byline", &d.byline),
                ("url", &d.url),
            ] {
                if let Some(v) = v {
                    writeln!(out, "{:<10} {}", format!("{k}:"), sanitize(v, false))?;
                }
            }
            // Roles and codes when the index has them, bare names otherwise.
            let ministers: Vec<String> = if d.minister_roles.is_empty() {
                d.ministers.clone()
            } else {
                d.minister_roles
                    .iter()
                    .map(|m| match &m.country_code {
                        Some(c) => format!("{} ({}, {c})", m.name, m.role),
                        None => format!("{} ({})", m.name, m.role),
                    })
                    .collect()
            };
            if !ministers.is_empty() {
                writeln!(out, "ministers: {}", sanitize(&ministers.join("; "), false))?;
            }
            if !d.countries.is_empty() {
                let countries: Vec<String> = if d.country_codes.len() == d.countries.len() {
                    d.countries
                        .iter()
                        .zip(&d.country_codes)
                        .map(|(n, c)| format!("{n} ({c})"))
                        .collect()
                } else {
                    d.countries.clone()
                };
                writeln!(out, "countries: {}", sanitize(&countries.join(", "), false))?;
            }
            writeln!(
                out,
                "format:    {}, {}, {} bytes",
                sanitize(&d.format, false),
                sanitize(&d.encoding, false),
                d.size
            )?;
            writeln!(out, "\n{}", sanitize(&d.body, true))?;
        }
    }
    Ok(Outcome::Success)
}
