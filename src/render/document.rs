//! One document, as `newsidx show` prints a stored one and `newsidx parse`
//! a freshly parsed one: the same text layout for both (a `parse` shows what
//! `show` will once the file is indexed), and their JSON contracts
//! (`schema/show-output.schema.json`, `schema/parse-output.schema.json`).

use super::{date, sanitize};
use crate::document::{NewsDoc, StoredDoc};
use serde::Serialize;
use std::io::{self, Write};

/// Version of the show JSON; bumped when a key changes meaning or goes.
pub const SHOW_VERSION: u32 = 1;

/// Version of the parse JSON; bumped when a key changes meaning or goes.
pub const PARSE_VERSION: u32 = 1;

/// `newsidx show --format json`.
#[derive(Serialize)]
pub struct ShowOutput<'a> {
    pub version: u32,
    pub document: &'a StoredDoc,
}

impl<'a> ShowOutput<'a> {
    pub fn new(document: &'a StoredDoc) -> Self {
        ShowOutput {
            version: SHOW_VERSION,
            document,
        }
    }
}

/// `newsidx parse --format json`: every field of each document, including
/// the file's identity (`file`, `mtime`, `hash`) that the index keeps apart.
#[derive(Serialize)]
pub struct ParseOutput<'a> {
    pub version: u32,
    pub documents: &'a [NewsDoc],
}

impl<'a> ParseOutput<'a> {
    pub fn new(documents: &'a [NewsDoc]) -> Self {
        ParseOutput {
            version: PARSE_VERSION,
            documents,
        }
    }
}

/// Documents one after the other, separated by a `---` line.
pub fn write_texts(w: &mut dyn Write, docs: &[StoredDoc]) -> io::Result<()> {
    for (i, d) in docs.iter().enumerate() {
        if i > 0 {
            writeln!(w, "\n---\n")?;
        }
        write_text(w, d)?;
    }
    Ok(())
}

/// The title, one `key: value` line per known fact, then the body.
pub fn write_text(w: &mut dyn Write, d: &StoredDoc) -> io::Result<()> {
    let line = |w: &mut dyn Write, k: &str, v: &str| {
        writeln!(w, "{:<10} {}", format!("{k}:"), sanitize(v, false))
    };
    writeln!(w, "{}", sanitize(&d.title, false))?;
    line(w, "id", &d.id)?;
    if let Some(day) = d.date {
        line(w, "date", &date(day).to_string())?;
    }
    for (k, v) in [
        ("section", &d.section),
        ("credit", &d.credit),
        ("byline", &d.byline),
        ("url", &d.url),
    ] {
        if let Some(v) = v {
            line(w, k, v)?;
        }
    }
    let ministers = ministers(d);
    if !ministers.is_empty() {
        line(w, "ministers", &ministers.join("; "))?;
    }
    if !d.countries.is_empty() {
        line(w, "countries", &countries(d).join(", "))?;
    }
    line(
        w,
        "format",
        &format!("{}, {}, {} bytes", d.format, d.encoding, d.size),
    )?;
    writeln!(w, "\n{}", sanitize(&d.body, true))
}

/// Ministers with role and country code when the index has them, bare names
/// otherwise (an index from before roles were stored).
fn ministers(d: &StoredDoc) -> Vec<String> {
    if d.minister_roles.is_empty() {
        return d.ministers.clone();
    }
    d.minister_roles
        .iter()
        .map(|m| match &m.country_code {
            Some(c) => format!("{} ({}, {c})", m.name, m.role),
            None => format!("{} ({})", m.name, m.role),
        })
        .collect()
}

/// Countries with their ISO codes when every one has one.
fn countries(d: &StoredDoc) -> Vec<String> {
    if d.country_codes.len() != d.countries.len() {
        return d.countries.clone();
    }
    d.countries
        .iter()
        .zip(&d.country_codes)
        .map(|(n, c)| format!("{n} ({c})"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::MinisterRole;

    #[test]
    fn text_shows_known_facts_and_skips_absent_ones() {
        let d = StoredDoc {
            id: "energy/a.txt".into(),
            title: "Pact \u{1b}[2J signed".into(),
            body: "First.\n\nSecond.".into(),
            section: Some("energy".into()),
            date: chrono::NaiveDate::from_ymd_opt(2011, 3, 4),
            ministers: vec!["Koichiro Gemba".into()],
            minister_roles: vec![MinisterRole {
                name: "Koichiro Gemba".into(),
                role: "foreign minister".into(),
                country_code: Some("JP".into()),
            }],
            countries: vec!["Japan".into(), "India".into()],
            country_codes: vec!["JP".into(), "IN".into()],
            format: "text".into(),
            encoding: "UTF-8".into(),
            size: 42,
            ..StoredDoc::default()
        };
        let mut out = Vec::new();
        write_text(&mut out, &d).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "Pact \u{fffd}[2J signed\n\
             id:        energy/a.txt\n\
             date:      2011-03-04\n\
             section:   energy\n\
             ministers: Koichiro Gemba (foreign minister, JP)\n\
             countries: Japan (JP), India (IN)\n\
             format:    text, UTF-8, 42 bytes\n\
             \nFirst.\n\nSecond.\n"
        );
    }
}
