//! `newsidx stats`: what the index holds, as text or as JSON
//! (`schema/stats-output.schema.json`). The counting is `index::stats`.

use super::{Size, date, sanitize};
use crate::index::Stamp;
use crate::index::stats::{IndexStats, ValueCount};
use serde::Serialize;
use std::io::{self, Write};
use std::path::Path;

/// Version of the stats JSON; bumped when a key changes meaning or goes.
pub const STATS_VERSION: u32 = 1;

/// `newsidx stats --format json`; the text output reads the same values.
#[derive(Serialize)]
pub struct StatsOutput<'a> {
    pub version: u32,
    pub index: String,
    pub corpus: Option<&'a str>,
    pub format_version: u32,
    pub schema_version: u32,
    pub documents: u64,
    pub deleted_documents: u64,
    pub segments: usize,
    pub size_bytes: u64,
    pub date_range: Option<DateRange>,
    pub dated_documents: u64,
    pub sections: &'a [ValueCount],
    pub unsectioned_documents: u64,
    pub countries: &'a [ValueCount],
    pub distinct_countries: usize,
    pub ministers: &'a [ValueCount],
    pub distinct_ministers: usize,
}

/// The earliest and latest publication day, `YYYY-MM-DD`.
#[derive(Serialize)]
pub struct DateRange {
    pub from: String,
    pub to: String,
}

impl<'a> StatsOutput<'a> {
    /// The statistics of the local index in `dir`.
    pub fn new(dir: &Path, stamp: &'a Stamp, s: &'a IndexStats) -> Self {
        Self::of(
            dir.display().to_string(),
            stamp.corpus.as_deref(),
            (stamp.format_version, stamp.schema_version),
            s,
        )
    }

    /// The statistics of any index: `index` names it (a folder, or a
    /// remote node and index name), `versions` are its format and document
    /// model versions.
    pub fn of(
        index: String,
        corpus: Option<&'a str>,
        versions: (u32, u32),
        s: &'a IndexStats,
    ) -> Self {
        StatsOutput {
            version: STATS_VERSION,
            index,
            corpus,
            format_version: versions.0,
            schema_version: versions.1,
            documents: s.documents,
            deleted_documents: s.deleted_documents,
            segments: s.segments,
            size_bytes: s.size_bytes,
            date_range: s.date_range.map(|(from, to)| DateRange {
                from: date(from).to_string(),
                to: date(to).to_string(),
            }),
            dated_documents: s.dated,
            sections: &s.sections,
            unsectioned_documents: s.unsectioned,
            countries: &s.countries,
            distinct_countries: s.distinct_countries,
            ministers: &s.ministers,
            distinct_ministers: s.distinct_ministers,
        }
    }
}

pub fn write_text(out: &mut dyn Write, s: &StatsOutput) -> io::Result<()> {
    let line = |out: &mut dyn Write, k: &str, v: &str| writeln!(out, "{k:<11} {v}");
    line(out, "index", &sanitize(&s.index, false))?;
    if let Some(c) = s.corpus {
        line(out, "corpus", &sanitize(c, false))?;
    }
    let mut docs = s.documents.to_string();
    if s.deleted_documents > 0 {
        docs.push_str(&format!(
            " (+{} deleted, reclaimed at the next merge)",
            s.deleted_documents
        ));
    }
    line(out, "documents", &docs)?;
    line(
        out,
        "size",
        &format!(
            "{} in {} segment{}",
            Size(s.size_bytes),
            s.segments,
            if s.segments == 1 { "" } else { "s" }
        ),
    )?;
    let dates = match &s.date_range {
        Some(r) => format!(
            "{} to {} ({} of {} dated)",
            r.from, r.to, s.dated_documents, s.documents
        ),
        None => "none dated".to_string(),
    };
    line(out, "dates", &dates)?;

    let mut sections = s.sections.to_vec();
    if s.unsectioned_documents > 0 {
        sections.push(ValueCount {
            value: "(no section)".into(),
            code: None,
            count: s.unsectioned_documents,
        });
    }
    write_table(out, "sections", &sections, sections.len())?;
    write_table(out, "countries", s.countries, s.distinct_countries)?;
    write_table(out, "ministers", s.ministers, s.distinct_ministers)
}

/// A titled, aligned list of counts; the title says "top N of M" when the
/// list is cut.
fn write_table(
    out: &mut dyn Write,
    title: &str,
    rows: &[ValueCount],
    distinct: usize,
) -> io::Result<()> {
    if rows.len() < distinct {
        writeln!(out, "\n{title} (top {} of {distinct})", rows.len())?;
    } else {
        writeln!(out, "\n{title}")?;
    }
    if rows.is_empty() {
        return writeln!(out, "  (none)");
    }
    let labels: Vec<String> = rows
        .iter()
        .map(|r| match &r.code {
            Some(c) => format!("{} ({c})", sanitize(&r.value, false)),
            None => sanitize(&r.value, false),
        })
        .collect();
    let width = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    for (label, r) in labels.iter().zip(rows) {
        let pad = width - label.chars().count();
        writeln!(out, "  {label}{:pad$}  {:>6}", "", r.count)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_tables_say_how_many_there_are() {
        let rows = vec![ValueCount {
            value: "Japan".into(),
            code: Some("JP".into()),
            count: 26,
        }];
        let mut buf = Vec::new();
        write_table(&mut buf, "countries", &rows, 40).unwrap();
        let s = String::from_utf8(buf).unwrap();
        assert!(s.contains("countries (top 1 of 40)"), "{s}");
        assert!(s.contains("Japan (JP)") && s.contains("26"), "{s}");
    }
}
