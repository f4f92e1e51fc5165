//! One query's results, or one block per query of a batch, in the format
//! the user chose: the whole of `search`'s output (and `similar`'s) behind
//! one writer, whichever backend found the hits.

use super::Color;
use super::csv::CsvHits;
use super::search::{self, CountOutput};
use crate::search::{Hit, Results};
use std::io::Write;

/// The output formats of `search` (the command line's `--format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Ndjson,
    Csv,
}

/// Writes result blocks: one for a single query, one per query for
/// `--queries` (`batch`), where text gets a `=== name ===` header, NDJSON
/// lines a `query` tag and CSV one header with a `query` column.
pub struct ResultsWriter<'w> {
    out: &'w mut dyn Write,
    format: Format,
    count: bool,
    color: Color,
    batch: bool,
    blocks: usize,
}

impl<'w> ResultsWriter<'w> {
    /// `count`: the number of hits instead of the hits (`--count`).
    pub fn new(
        out: &'w mut dyn Write,
        format: Format,
        count: bool,
        color: Color,
        batch: bool,
    ) -> Self {
        ResultsWriter {
            out,
            format,
            count,
            color,
            batch,
            blocks: 0,
        }
    }

    /// One query's block: `head` has the totals, facets and timeline, `hits`
    /// the page, written as they come; `name` is the query's name in a batch.
    pub fn write(
        &mut self,
        name: &str,
        head: &Results,
        hits: impl Iterator<Item = anyhow::Result<Hit>>,
    ) -> anyhow::Result<()> {
        let first = self.blocks == 0;
        self.blocks += 1;
        let tag = self.batch.then_some(name);
        if self.count {
            return self.write_count(tag, head, first);
        }
        let out = &mut *self.out;
        match self.format {
            Format::Text => {
                if let Some(name) = tag {
                    if !first {
                        writeln!(out)?;
                    }
                    writeln!(out, "=== {} ===", super::sanitize(name, false))?;
                }
                search::stream_text(out, head, hits, self.color)
            }
            Format::Json => search::stream_json(out, head, hits),
            Format::Ndjson => search::stream_ndjson(out, head, tag, hits),
            Format::Csv => {
                let mut rows = if first {
                    CsvHits::new(out, self.batch)?
                } else {
                    CsvHits::continuing(out, self.batch)
                };
                for h in hits {
                    rows.row(name, &h?)?;
                }
                Ok(rows.finish()?)
            }
        }
    }

    fn write_count(
        &mut self,
        tag: Option<&str>,
        head: &Results,
        first: bool,
    ) -> anyhow::Result<()> {
        let out = &mut *self.out;
        let n = head.total_hits;
        let mut count = CountOutput::new(head);
        count.query = tag;
        match (self.format, tag) {
            (Format::Text, None) => writeln!(out, "{n}")?,
            (Format::Text, Some(name)) => writeln!(out, "{}\t{n}", super::sanitize(name, false))?,
            (Format::Json, _) => search::write_count(out, &count, true)?,
            (Format::Ndjson, _) => search::write_count(out, &count, false)?,
            (Format::Csv, None) => writeln!(out, "total_hits\n{n}")?,
            (Format::Csv, Some(name)) => {
                if first {
                    writeln!(out, "query,total_hits")?;
                }
                let mut w = csv::Writer::from_writer(Vec::new());
                w.write_record([super::csv::cell(name), n.to_string()])?;
                out.write_all(&w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?)?;
            }
        }
        Ok(())
    }
}
