//! `newsidx stats`: what the index holds — documents, size, segments, date
//! range, sections, top countries and ministers — as text or JSON
//! (`schema/stats-output.schema.json`). The counting is `index::stats`.

use crate::cli::{StatsArgs, SummaryFormat};
use crate::exit::Outcome;
use crate::index::NewsIndex;
use crate::index::stats::{self, IndexStats, ValueCount};
use crate::render::sanitize;
use serde_json::{Value, json};
use std::io::Write;

/// Version of the stats JSON; bumped when a key changes meaning or goes.
pub const STATS_VERSION: u32 = 1;

pub fn run(a: StatsArgs) -> anyhow::Result<Outcome> {
    let ix = NewsIndex::open(&a.location.resolve())?;
    let s = stats::collect(&ix, a.top)?;
    let mut out = std::io::stdout().lock();
    match a.format {
        SummaryFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &stats_value(&ix, &s))?;
            writeln!(out)?;
        }
        SummaryFormat::Text => write_text(&mut out, &ix, &s)?,
    }
    out.flush()?;
    Ok(Outcome::Success)
}

pub fn stats_value(ix: &NewsIndex, s: &IndexStats) -> Value {
    json!({
        "version": STATS_VERSION,
        "index": ix.dir.display().to_string(),
        "corpus": ix.stamp.corpus,
        "format_version": ix.stamp.format_version,
        "schema_version": ix.stamp.schema_version,
        "documents": s.documents,
        "deleted_documents": s.deleted_documents,
        "segments": s.segments,
        "size_bytes": s.size_bytes,
        "date_range": s.date_range.map(|(from, to)| json!({
            "from": from.format("%Y-%m-%d").to_string(),
            "to": to.format("%Y-%m-%d").to_string(),
        })),
        "dated_documents": s.dated,
        "sections": s.sections,
        "unsectioned_documents": s.unsectioned,
        "countries": s.countries,
        "distinct_countries": s.distinct_countries,
        "ministers": s.ministers,
        "distinct_ministers": s.distinct_ministers,
    })
}

fn write_text(out: &mut dyn Write, ix: &NewsIndex, s: &IndexStats) -> std::io::Result<()> {
    let line = |out: &mut dyn Write, k: &str, v: &str| writeln!(out, "{k:<11} {v}");
    line(
        out,
        "index",
        &sanitize(&ix.dir.display().to_string(), false),
    )?;
    if let Some(c) = &ix.stamp.corpus {
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
            human_bytes(s.size_bytes),
            s.segments,
            if s.segments == 1 { "" } else { "s" }
        ),
    )?;
    let dates = match s.date_range {
        Some((from, to)) => format!("{from} to {to} ({} of {} dated)", s.dated, s.documents),
        None => "none dated".to_string(),
    };
    line(out, "dates", &dates)?;

    let mut sections = s.sections.clone();
    if s.unsectioned > 0 {
        sections.push(ValueCount {
            value: "(no section)".into(),
            code: None,
            count: s.unsectioned,
        });
    }
    write_table(out, "sections", &sections, sections.len())?;
    write_table(out, "countries", &s.countries, s.distinct_countries)?;
    write_table(out, "ministers", &s.ministers, s.distinct_ministers)
}

/// A titled, aligned list of counts; the title says "top N of M" when the
/// list is cut.
fn write_table(
    out: &mut dyn Write,
    title: &str,
    rows: &[ValueCount],
    distinct: usize,
) -> std::io::Result<()> {
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

fn human_bytes(n: u64) -> String {
    const KIB: f64 = 1024.0;
    let f = n as f64;
    if f < KIB {
        format!("{n} B")
    } else if f < KIB * KIB {
        format!("{:.1} KiB", f / KIB)
    } else if f < KIB * KIB * KIB {
        format!("{:.1} MiB", f / (KIB * KIB))
    } else {
        format!("{:.2} GiB", f / (KIB * KIB * KIB))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_read_as_people_write_them() {
        for (n, want) in [
            (0, "0 B"),
            (1023, "1023 B"),
            (1536, "1.5 KiB"),
            (5 << 20, "5.0 MiB"),
            (3 << 30, "3.00 GiB"),
        ] {
            assert_eq!(human_bytes(n), want, "{n}");
        }
    }

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
