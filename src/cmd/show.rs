//! `newsidx show ID`: one stored document.

use crate::cli::{ShowArgs, SummaryFormat};
use crate::exit::Outcome;
use crate::index::NewsIndex;
use crate::render::sanitize;
use std::io::Write;

pub fn run(a: ShowArgs) -> anyhow::Result<Outcome> {
    let ix = NewsIndex::open(&a.location.resolve())?;
    let Some(d) = crate::search::get_by_id(&ix, &a.id)? else {
        anyhow::bail!(
            "no document with id {:?} in the index; ids are paths relative to the corpus root, as `newsidx search` prints them",
            a.id
        );
    };
    let mut out = std::io::stdout().lock();
    match a.format {
        SummaryFormat::Json => {
            serde_json::to_writer_pretty(
                &mut out,
                &serde_json::json!({"version": 1, "document": d}),
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
            if !d.ministers.is_empty() {
                writeln!(
                    out,
                    "ministers: {}",
                    sanitize(&d.ministers.join(", "), false)
                )?;
            }
            if !d.countries.is_empty() {
                writeln!(
                    out,
                    "countries: {}",
                    sanitize(&d.countries.join(", "), false)
                )?;
            }
            writeln!(out, "\n{}", sanitize(&d.body, true))?;
        }
    }
    Ok(Outcome::Success)
}
