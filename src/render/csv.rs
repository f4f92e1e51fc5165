//! `newsidx search --format csv`: a header, then one row per hit, quoted by
//! the csv crate's rules (RFC 4180), so that the file opens in a
//! spreadsheet. Lists (ministers, countries) are joined with `;`; the
//! snippet is its text without marks; `duplicates` holds the ids of the
//! near-duplicates folded into the hit, joined with `;`. Rows are written as hits come, so
//! `--all` streams.
//!
//! Text that a spreadsheet would read as a formula (a cell starting with
//! `=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading `'`, as
//! OWASP advises against CSV injection: an article's title is never run.

use super::{date, safe_char};
use crate::search::hit::Hit;
use std::io::{self, Write};

/// The columns, in order (after `query` when the batch adds it).
pub const COLUMNS: [&str; 13] = [
    "rank",
    "score",
    "id",
    "path",
    "title",
    "date",
    "section",
    "byline",
    "url",
    "ministers",
    "countries",
    "snippet",
    "duplicates",
];

/// Rows of hits over any writer; `with_query` adds a first `query` column
/// (for `--queries`).
pub struct CsvHits<'w> {
    out: csv::Writer<&'w mut dyn Write>,
    with_query: bool,
}

impl<'w> CsvHits<'w> {
    /// Writes the header at once.
    pub fn new(w: &'w mut dyn Write, with_query: bool) -> io::Result<Self> {
        let mut rows = CsvHits::continuing(w, with_query);
        if with_query {
            rows.out.write_field("query").map_err(to_io)?;
        }
        rows.out.write_record(COLUMNS).map_err(to_io)?;
        Ok(rows)
    }

    /// More rows under a header written before (the next query of a batch).
    pub fn continuing(w: &'w mut dyn Write, with_query: bool) -> Self {
        let out = csv::WriterBuilder::new().from_writer(w);
        CsvHits { out, with_query }
    }

    /// One row; `query` fills the `query` column when there is one.
    pub fn row(&mut self, query: &str, h: &Hit) -> io::Result<()> {
        let d = &h.doc;
        let mut fields: Vec<String> = Vec::with_capacity(COLUMNS.len() + 1);
        if self.with_query {
            fields.push(cell(query));
        }
        fields.push(h.rank.to_string());
        fields.push(format!("{:.4}", h.score));
        fields.push(cell(&d.id));
        fields.push(cell(&h.path));
        fields.push(cell(&d.title));
        fields.push(d.date.map(|x| date(x).to_string()).unwrap_or_default());
        fields.push(cell(d.section.as_deref().unwrap_or("")));
        fields.push(cell(d.byline.as_deref().unwrap_or("")));
        fields.push(cell(d.url.as_deref().unwrap_or("")));
        fields.push(cell(&d.ministers.join(";")));
        fields.push(cell(&d.countries.join(";")));
        fields.push(cell(&h.snippet.text));
        fields.push(cell(&h.duplicates.join(";")));
        self.out.write_record(&fields).map_err(to_io)
    }

    /// Flush what the csv writer buffers.
    pub fn finish(mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// A text cell: control characters out (a newline inside a title is a
/// space), a formula's first character defused.
pub fn cell(s: &str) -> String {
    let clean: String = s.chars().filter_map(safe_char).collect();
    if clean.starts_with(['=', '+', '-', '@']) {
        format!("'{clean}")
    } else {
        clean
    }
}

fn to_io(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::StoredDoc;
    use crate::search::hit::Marked;

    fn hit(title: &str) -> Hit {
        Hit {
            rank: 3,
            score: 1.25,
            doc: StoredDoc {
                id: "energy/a.txt".into(),
                title: title.into(),
                ministers: vec!["Koichiro Gemba".into(), "S.M. Krishna".into()],
                countries: vec!["India".into(), "Japan".into()],
                date: chrono::NaiveDate::from_ymd_opt(2011, 12, 28),
                ..StoredDoc::default()
            },
            path: "/c/energy/a.txt".into(),
            snippet: Marked {
                text: "a \"rare earth\" pact, signed".into(),
                highlights: vec![[3, 13]],
            },
            title_highlights: Vec::new(),
            duplicates: Vec::new(),
        }
    }

    fn rows(with_query: bool, hits: &[Hit]) -> Vec<csv::StringRecord> {
        let mut buf = Vec::new();
        let mut w = CsvHits::new(&mut buf, with_query).unwrap();
        for h in hits {
            w.row("q1", h).unwrap();
        }
        w.finish().unwrap();
        csv::Reader::from_reader(&buf[..])
            .records()
            .map(|r| r.unwrap())
            .collect()
    }

    #[test]
    fn quotes_commas_and_quotes_and_joins_lists() {
        let r = rows(false, &[hit("Japan, India sign \"rare earth\" pact\nnow")]);
        assert_eq!(r.len(), 1);
        let r = &r[0];
        assert_eq!(r.len(), COLUMNS.len());
        assert_eq!(&r[0], "3");
        assert_eq!(&r[1], "1.2500");
        assert_eq!(&r[4], "Japan, India sign \"rare earth\" pact now");
        assert_eq!(&r[5], "2011-12-28");
        assert_eq!(&r[9], "Koichiro Gemba;S.M. Krishna");
        assert_eq!(&r[10], "India;Japan");
        assert_eq!(&r[11], "a \"rare earth\" pact, signed");
    }

    #[test]
    fn formulas_are_defused_and_the_query_column_leads() {
        let r = rows(true, &[hit("=HYPERLINK(\"http://x\")")]);
        assert_eq!(&r[0][0], "q1");
        assert_eq!(&r[0][5], "'=HYPERLINK(\"http://x\")");
    }
}
