//! The tantivy side of `newsidx stats`: counts read from the index's columns
//! (documents, segments, size on disk, date range, sections, countries,
//! ministers) into plain values. Only live documents count: a document
//! deleted by an incremental update stays in its segment until a merge, so
//! every column walk skips what the segment's alive bitset rules out.

use super::NewsIndex;
use super::schema::date_from_tantivy;
use anyhow::{Context, Result};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::HashMap;
use std::path::Path;
use tantivy::columnar::StrColumn;
use tantivy::{DocAddress, ReloadPolicy, Searcher, SegmentReader, TantivyDocument};

/// How many documents carry one value of a field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ValueCount {
    pub value: String,
    /// The ISO code of a country (absent for other fields).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    pub count: u64,
}

/// What `newsidx stats` reports, as plain values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexStats {
    /// Live (searchable) documents.
    pub documents: u64,
    /// Deleted documents still held by segments until the next merge.
    pub deleted_documents: u64,
    pub segments: usize,
    /// Bytes of the files in the index folder.
    pub size_bytes: u64,
    /// Earliest and latest publication date among dated documents.
    pub date_range: Option<(NaiveDate, NaiveDate)>,
    /// Documents with a date.
    pub dated: u64,
    /// Every section, most documents first.
    pub sections: Vec<ValueCount>,
    /// Documents outside any section folder.
    pub unsectioned: u64,
    /// The most-named countries, most documents first, with their codes.
    pub countries: Vec<ValueCount>,
    /// Distinct countries in the index.
    pub distinct_countries: usize,
    /// The most-named ministers, most documents first.
    pub ministers: Vec<ValueCount>,
    /// Distinct ministers in the index.
    pub distinct_ministers: usize,
}

/// Read the statistics of `ix`, keeping the `top` most frequent countries and
/// ministers.
pub fn collect(ix: &NewsIndex, top: usize) -> Result<IndexStats> {
    let reader = ix
        .index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()
        .context("cannot open an index reader")?;
    let searcher = reader.searcher();
    let segs = searcher.segment_readers();

    let mut min: Option<NaiveDate> = None;
    let mut max: Option<NaiveDate> = None;
    let mut dated = 0u64;
    for seg in segs {
        let Some(col) = seg
            .fast_fields()
            .column_opt::<tantivy::DateTime>("date")
            .context("cannot read the date column")?
        else {
            continue;
        };
        for doc in seg.doc_ids_alive() {
            if let Some(d) = col.first(doc).and_then(date_from_tantivy) {
                dated += 1;
                min = Some(min.map_or(d, |m| m.min(d)));
                max = Some(max.map_or(d, |m| m.max(d)));
            }
        }
    }

    let documents = searcher.num_docs();
    let sections = count_values(&searcher, "section")?;
    let in_sections: u64 = sections.iter().map(|v| v.0.count).sum();
    let countries = count_values(&searcher, "countries")?;
    let ministers = count_values(&searcher, "ministers")?;
    let distinct_countries = countries.len();
    let distinct_ministers = ministers.len();
    let countries = with_country_codes(ix, &searcher, countries.into_iter().take(top))?;

    Ok(IndexStats {
        documents,
        deleted_documents: segs.iter().map(|s| u64::from(s.num_deleted_docs())).sum(),
        segments: segs.len(),
        size_bytes: dir_size(&ix.dir)?,
        date_range: min.zip(max),
        dated,
        unsectioned: documents.saturating_sub(in_sections),
        sections: sections.into_iter().map(|c| c.0).collect(),
        countries,
        distinct_countries,
        ministers: ministers.into_iter().take(top).map(|c| c.0).collect(),
        distinct_ministers,
    })
}

/// A value count and one live document that has the value.
struct Counted(ValueCount, DocAddress);

/// Documents per value of the raw fast column `field` over live documents,
/// most first (ties by value, so the output is stable).
fn count_values(searcher: &Searcher, field: &str) -> Result<Vec<Counted>> {
    let mut totals: HashMap<String, (u64, DocAddress)> = HashMap::new();
    for (seg_ord, seg) in searcher.segment_readers().iter().enumerate() {
        let Some(col) = str_column(seg, field)? else {
            continue;
        };
        // Per-segment counting by term ordinal; strings are looked up once
        // per distinct value, not once per document.
        let mut per_ord: Vec<(u64, u32)> = vec![(0, 0); col.num_terms()];
        for doc in seg.doc_ids_alive() {
            let mut last = None;
            for ord in col.term_ords(doc) {
                // A value repeated within one document counts once.
                if last == Some(ord) {
                    continue;
                }
                last = Some(ord);
                if let Some(slot) = usize::try_from(ord).ok().and_then(|i| per_ord.get_mut(i)) {
                    if slot.0 == 0 {
                        slot.1 = doc;
                    }
                    slot.0 += 1;
                }
            }
        }
        let mut term = String::new();
        for (ord, (n, first)) in per_ord.into_iter().enumerate() {
            if n == 0 || !col.ord_to_str(ord as u64, &mut term)? {
                continue;
            }
            let e = totals
                .entry(term.clone())
                .or_insert((0, DocAddress::new(seg_ord as u32, first)));
            e.0 += n;
        }
    }
    let mut out: Vec<Counted> = totals
        .into_iter()
        .map(|(value, (count, addr))| {
            Counted(
                ValueCount {
                    value,
                    code: None,
                    count,
                },
                addr,
            )
        })
        .collect();
    out.sort_by(|a, b| b.0.count.cmp(&a.0.count).then(a.0.value.cmp(&b.0.value)));
    Ok(out)
}

fn str_column(seg: &SegmentReader, field: &str) -> Result<Option<StrColumn>> {
    seg.fast_fields()
        .str(field)
        .with_context(|| format!("cannot read the `{field}` column"))
}

/// Columns hold the countries and their codes as two sorted sets, so the
/// pairing is lost there; the stored document keeps them side by side. One
/// document read per listed country recovers each code.
fn with_country_codes(
    ix: &NewsIndex,
    searcher: &Searcher,
    countries: impl Iterator<Item = Counted>,
) -> Result<Vec<ValueCount>> {
    let mut out = Vec::new();
    for Counted(mut c, addr) in countries {
        let doc: TantivyDocument = searcher
            .doc(addr)
            .context("cannot read a stored document")?;
        let stored = ix.fields.read(&doc);
        c.code = stored
            .countries
            .iter()
            .position(|n| *n == c.value)
            .and_then(|i| stored.country_codes.get(i).cloned());
        out.push(c);
    }
    Ok(out)
}

/// Bytes of the regular files directly in `dir` (tantivy keeps no subfolders).
fn dir_size(dir: &Path) -> Result<u64> {
    let mut total = 0;
    for e in std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))? {
        let e = e.with_context(|| format!("cannot list {}", dir.display()))?;
        let md = e
            .metadata()
            .with_context(|| format!("cannot read {}", e.path().display()))?;
        if md.is_file() {
            total += md.len();
        }
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::NewsDoc;
    use crate::index::Stamp;
    use crate::index::writer::Writer;

    fn doc(
        file: &str,
        date: Option<(i32, u32, u32)>,
        countries: &[(&str, &str)],
        ministers: &[&str],
    ) -> NewsDoc {
        NewsDoc::for_test(file, &format!("title of {file}"), "body")
            .with_facts(date, countries, ministers)
    }

    #[test]
    fn counts_live_documents_from_the_columns() {
        let dir = tempfile::tempdir().unwrap();
        let ix = NewsIndex::create(dir.path(), Path::new("/corpus")).unwrap();
        let mut w = Writer::new(&ix, Stamp::current(Some(Path::new("/corpus")))).unwrap();
        // Codes deliberately not in the countries' alphabetical order: the
        // pairing must come from the stored document, not the columns.
        let jp_us = [("United States", "US"), ("Japan", "JP")];
        w.add(&doc(
            "energy/a.txt",
            Some((2011, 3, 14)),
            &jp_us,
            &["Naoto Kan"],
        ))
        .unwrap();
        w.add(&doc(
            "energy/b.txt",
            Some((2010, 7, 23)),
            &[("Japan", "JP")],
            &["Naoto Kan", "Naoto Kan"],
        ))
        .unwrap();
        w.add(&doc("science/c.txt", None, &[("China", "CN")], &[]))
            .unwrap();
        w.add(&doc(
            "loose.txt",
            Some((2013, 2, 15)),
            &[("China", "CN")],
            &[],
        ))
        .unwrap();
        w.commit().unwrap();
        // A second segment, and a deleted document whose values must not count.
        w.add(&doc(
            "science/d.txt",
            Some((2012, 1, 1)),
            &[("Japan", "JP")],
            &["Koichiro Gemba"],
        ))
        .unwrap();
        w.delete_file("loose.txt");
        w.commit().unwrap();
        w.finish().unwrap();

        let ix = NewsIndex::open(dir.path()).unwrap();
        let s = collect(&ix, 2).unwrap();
        assert_eq!(s.documents, 4);
        assert!(s.segments >= 1);
        assert!(s.size_bytes > 0);
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        assert_eq!(s.date_range, Some((d(2010, 7, 23), d(2012, 1, 1))));
        assert_eq!(s.dated, 3);
        let vc = |v: &str, code: Option<&str>, count| ValueCount {
            value: v.to_string(),
            code: code.map(str::to_string),
            count,
        };
        assert_eq!(s.sections, [vc("energy", None, 2), vc("science", None, 2)]);
        assert_eq!(s.unsectioned, 0);
        assert_eq!(
            s.countries,
            [vc("Japan", Some("JP"), 3), vc("China", Some("CN"), 1)]
        );
        assert_eq!(s.distinct_countries, 3);
        assert_eq!(
            s.ministers,
            [vc("Naoto Kan", None, 2), vc("Koichiro Gemba", None, 1)]
        );
        assert_eq!(s.distinct_ministers, 2);
    }
}
