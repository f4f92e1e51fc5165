//! Counting over every matching document, not just the page shown: facet
//! values (from the fast string columns `countries`, `ministers`, `section`)
//! and hits per month (from the fast `date` column), in one collector that
//! runs only when `--facet` or `--timeline` asks for it.

use super::hit::FacetCount;
use crate::index::schema::names;
use rustc_hash::FxHashMap;
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock, RwLock};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::index::SegmentId;
use tantivy::{DateTime, DocId, Score, SegmentOrdinal, SegmentReader};

/// Values shown per facet.
pub const TOP: usize = 20;

/// A field to count values of (also a saved query's `top_facet` key).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Facet {
    Country,
    Minister,
    Section,
}

impl Facet {
    pub fn name(self) -> &'static str {
        match self {
            Facet::Country => "country",
            Facet::Minister => "minister",
            Facet::Section => "section",
        }
    }

    fn column(self) -> &'static str {
        match self {
            Facet::Country => names::COUNTRIES,
            Facet::Minister => names::MINISTERS,
            Facet::Section => names::SECTION,
        }
    }
}

/// Collects facet counts and, when asked, a month index → count map.
pub struct Tally {
    pub facets: Vec<Facet>,
    pub timeline: bool,
}

/// What [`Tally`] gathered over all segments.
#[derive(Default)]
pub struct Tallied {
    /// One map per requested facet, in request order.
    pub facets: Vec<FxHashMap<String, u64>>,
    /// Months as `year * 12 + month0`.
    pub months: BTreeMap<i32, u64>,
}

pub struct SegmentTally {
    /// Per facet: the column, counts by value ordinal, and its values and
    /// documents' ordinals when they are kept (see [`keep_values`]).
    columns: Vec<(Option<StrColumn>, Vec<u64>, Option<Values>)>,
    dates: Option<Column<DateTime>>,
    months: MonthCounter,
}

/// Hits per month, cheap per document: a segment's documents come in the
/// order their files were walked, so neighbours mostly share a day (the
/// month is worked out once per day) and a month (counted as a run, put
/// into the map when the month changes). Per-document date arithmetic and
/// map updates were a ninth of `market --timeline` on a 10x Reuters index.
#[derive(Default)]
struct MonthCounter {
    months: BTreeMap<i32, u64>,
    /// The last day seen (days since 1970) and its month.
    day: Option<(i64, Option<i32>)>,
    /// The month of the current run and its length.
    run: Option<(i32, u64)>,
}

impl MonthCounter {
    fn add(&mut self, secs: i64) {
        let day = secs.div_euclid(86_400);
        let month = match self.day {
            Some((d, m)) if d == day => m,
            _ => {
                let m = super::timeline::month_of(secs);
                self.day = Some((day, m));
                m
            }
        };
        let Some(month) = month else { return };
        match &mut self.run {
            Some((m, n)) if *m == month => *n += 1,
            run => {
                if let Some((m, n)) = run.replace((month, 1)) {
                    *self.months.entry(m).or_default() += n;
                }
            }
        }
    }

    fn finish(mut self) -> BTreeMap<i32, u64> {
        if let Some((m, n)) = self.run.take() {
            *self.months.entry(m).or_default() += n;
        }
        self.months
    }
}

impl Collector for Tally {
    type Fruit = Tallied;
    type Child = SegmentTally;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentTally> {
        let ff = reader.fast_fields();
        let mut columns = Vec::new();
        for f in &self.facets {
            let col = ff.str(f.column())?;
            let n = col.as_ref().map_or(0, |c| c.num_terms());
            let values = col
                .as_ref()
                .and_then(|c| kept_values(reader.segment_id(), *f, c, reader.max_doc()));
            columns.push((col, vec![0u64; n], values));
        }
        let dates = if self.timeline {
            ff.column_opt::<DateTime>(names::DATE)?
        } else {
            None
        };
        Ok(SegmentTally {
            columns,
            dates,
            months: MonthCounter::default(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Tallied>) -> tantivy::Result<Tallied> {
        let mut out = Tallied {
            facets: vec![FxHashMap::default(); self.facets.len()],
            months: BTreeMap::new(),
        };
        for f in fruits {
            for (acc, m) in out.facets.iter_mut().zip(f.facets) {
                for (k, v) in m {
                    *acc.entry(k).or_default() += v;
                }
            }
            for (k, v) in f.months {
                *out.months.entry(k).or_default() += v;
            }
        }
        Ok(out)
    }
}

impl SegmentCollector for SegmentTally {
    type Fruit = Tallied;

    fn collect(&mut self, doc: DocId, _: Score) {
        for (col, counts, kept) in &mut self.columns {
            if let Some(ords) = kept.as_ref().and_then(|k| k.ords_of(doc)) {
                for &ord in ords {
                    if let Some(c) = counts.get_mut(ord as usize) {
                        *c += 1;
                    }
                }
            } else if let Some(col) = col {
                for ord in col.term_ords(doc) {
                    if let Some(c) = counts.get_mut(ord as usize) {
                        *c += 1;
                    }
                }
            }
        }
        if let Some(d) = self.dates.as_ref().and_then(|c| c.first(doc)) {
            self.months.add(d.into_timestamp_secs());
        }
    }

    fn harvest(self) -> Tallied {
        let mut facets = Vec::with_capacity(self.columns.len());
        for (col, counts, values) in self.columns {
            let mut m = FxHashMap::default();
            if let Some(kept) = values {
                for (n, value) in counts.iter().zip(kept.values.iter()) {
                    if let (n @ 1.., Some(value)) = (*n, value) {
                        m.insert(value.to_string(), n);
                    }
                }
            } else if let Some(col) = col {
                // One pass over the dictionary's blocks for all the values
                // found: looking each ordinal up alone decompresses its block
                // again (half of a served search's CPU went there).
                let ords: Vec<u64> = (0..counts.len() as u64)
                    .filter(|&o| counts.get(o as usize).is_some_and(|&n| n > 0))
                    .collect();
                let mut at = ords.iter();
                let _ = col.dictionary().sorted_ords_to_term_cb(&ords, |bytes| {
                    let n = at.next().and_then(|&o| counts.get(o as usize).copied());
                    if let (Some(n), Ok(value)) = (n, std::str::from_utf8(bytes)) {
                        m.insert(value.to_string(), n);
                    }
                });
            }
            facets.push(m);
        }
        Tallied {
            facets,
            months: self.months.finish(),
        }
    }
}

/// What is kept of a segment's facet column.
type Values = Arc<Kept>;

struct Kept {
    /// The values by ordinal (`None` for one that is not UTF-8, which is
    /// not counted).
    values: Vec<Option<Box<str>>>,
    /// Each document's value ordinals, `ords[starts[doc]..starts[doc + 1]]`
    /// (read through the column, an optional index costs a rank search per
    /// document: a tenth of a served search's CPU); both empty for a
    /// segment of more than `KEEP_MAX_DOCS` documents.
    starts: Vec<u32>,
    ords: Vec<u32>,
}

impl Kept {
    fn ords_of(&self, doc: DocId) -> Option<&[u32]> {
        let d = doc as usize;
        let (a, b) = (*self.starts.get(d)?, *self.starts.get(d + 1)?);
        self.ords.get(a as usize..b as usize)
    }

    /// Numbers and values held, for the bound on memory.
    fn size(&self) -> usize {
        self.values.len() + self.starts.len() + self.ords.len()
    }
}

/// Whether facet values are kept in memory once read ([`keep_values`]).
static KEEP: AtomicBool = AtomicBool::new(false);

/// The values kept, by segment and facet.
static KEPT: OnceLock<RwLock<HashMap<(SegmentId, Facet), Values>>> = OnceLock::new();

/// Columns with more values than this are read for each search as before.
const KEEP_MAX_VALUES: usize = 100_000;
/// Segments with more documents than this keep only their values.
const KEEP_MAX_DOCS: u32 = 1_000_000;
/// Numbers and values kept at most, over all segments and facets (a few
/// tens of MB at worst); past that the memory starts over, which also drops
/// the entries of segments merged away.
const KEEP_MAX_TOTAL: usize = 8_000_000;

/// From now on, keep each segment's facet values in memory once read, so
/// that a later search counting the same facet reads no dictionary block
/// (`newsidx serve` calls this: a served search spent a tenth of its CPU
/// decompressing the same dictionary blocks again). A segment never
/// changes, so neither do its values. A one-off CLI search does not keep
/// them: reading every value once costs more than reading the few it needs.
pub fn keep_values() {
    KEEP.store(true, Ordering::Relaxed);
}

/// The values and ordinals of `col`, facet `facet` of segment `segment`
/// (of `max_doc` documents), when they are kept: read now if they were not
/// yet.
fn kept_values(segment: SegmentId, facet: Facet, col: &StrColumn, max_doc: u32) -> Option<Values> {
    if !KEEP.load(Ordering::Relaxed) || col.num_terms() > KEEP_MAX_VALUES {
        return None;
    }
    let kept = KEPT.get_or_init(Default::default);
    if let Some(v) = kept.read().ok()?.get(&(segment, facet)) {
        return Some(Arc::clone(v));
    }
    // Ordinals number the dictionary's values in its order.
    let mut values = Vec::with_capacity(col.num_terms());
    let mut stream = col.dictionary().stream().ok()?;
    while stream.advance() {
        values.push(std::str::from_utf8(stream.key()).ok().map(Box::from));
    }
    let (mut starts, mut ords) = (Vec::new(), Vec::new());
    if max_doc <= KEEP_MAX_DOCS {
        starts.reserve(max_doc as usize + 1);
        starts.push(0);
        for doc in 0..max_doc {
            ords.extend(col.term_ords(doc).map(|o| o as u32));
            starts.push(u32::try_from(ords.len()).ok()?);
        }
    }
    let values = Arc::new(Kept {
        values,
        starts,
        ords,
    });
    let mut kept = kept.write().ok()?;
    let total: usize = kept.values().map(|v| v.size()).sum();
    if total + values.size() > KEEP_MAX_TOTAL {
        kept.clear();
    }
    kept.insert((segment, facet), Arc::clone(&values));
    Some(values)
}

/// The `keep` largest counts, ties by value; countries carry their ISO code.
pub fn top(facet: Facet, counts: FxHashMap<String, u64>, keep: usize) -> Vec<FacetCount> {
    let mut v: Vec<(String, u64)> = counts.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v.truncate(keep);
    v.into_iter()
        .map(|(value, count)| FacetCount {
            code: match facet {
                Facet::Country => crate::extract::country_code(&value),
                _ => None,
            },
            value,
            count,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_counter_counts_as_month_of_does() {
        let day = 86_400;
        let mar14 = 1_300_060_800; // 2011-03-14
        // Runs, a return to an earlier month, a day before 1970, one time
        // per day and several in one day.
        let times = [
            mar14,
            mar14 + 5,
            mar14 + day,
            mar14 + 20 * day,
            mar14 + 20 * day,
            mar14,
            -3 * day,
            mar14 + 400 * day,
        ];
        let mut c = MonthCounter::default();
        let mut want: BTreeMap<i32, u64> = BTreeMap::new();
        for t in times {
            c.add(t);
            *want
                .entry(super::super::timeline::month_of(t).unwrap())
                .or_default() += 1;
        }
        let got = c.finish();
        assert_eq!(got, want);
        assert_eq!(got.get(&(2011 * 12 + 2)), Some(&4));
        assert_eq!(got.get(&(2011 * 12 + 3)), Some(&2));
    }

    /// Kept values are the column's, ordinal for ordinal, in each segment,
    /// and a search counts the same with them as without.
    #[test]
    fn kept_values_are_the_dictionarys_by_ordinal() {
        use crate::document::NewsDoc;
        use crate::index::schema;
        let (s, fields) = schema::build(crate::model::Model::get()).unwrap();
        let index = tantivy::Index::create_in_ram(s);
        schema::register_analyzers(&index);
        let mut w = index.writer_with_num_threads(1, 15_000_000).unwrap();
        let docs = [
            (
                "a.txt",
                &[("Japan", "JP"), ("India", "IN")][..],
                &["Koichiro Gemba"][..],
            ),
            (
                "b.txt",
                &[("Vietnam", "VN")][..],
                &["Hillary Clinton", "Naoto Kan"][..],
            ),
            ("c.txt", &[("Japan", "JP")][..], &[][..]),
        ];
        // Two segments with values in different orders.
        for (i, (id, countries, ministers)) in docs.iter().enumerate() {
            let d =
                NewsDoc::for_test(id, "Title", "Body text.").with_facts(None, countries, ministers);
            w.add_document(fields.to_doc(&d)).unwrap();
            if i == 0 {
                w.commit().unwrap();
            }
        }
        w.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        assert_eq!(searcher.segment_readers().len(), 2);
        let tally = Tally {
            facets: vec![Facet::Country, Facet::Minister],
            timeline: false,
        };
        let all = tantivy::query::AllQuery;
        let read = searcher.search(&all, &tally).unwrap().facets;
        keep_values();
        for seg in searcher.segment_readers() {
            for f in [Facet::Country, Facet::Minister] {
                let col = seg.fast_fields().str(f.column()).unwrap().unwrap();
                let kept = kept_values(seg.segment_id(), f, &col, seg.max_doc()).expect("kept");
                assert_eq!(kept.values.len(), col.num_terms());
                for doc in 0..seg.max_doc() {
                    let ords: Vec<u32> = col.term_ords(doc).map(|o| o as u32).collect();
                    assert_eq!(kept.ords_of(doc), Some(ords.as_slice()));
                }
                assert_eq!(kept.ords_of(seg.max_doc()), None);
                for (ord, v) in kept.values.iter().enumerate() {
                    let mut s = String::new();
                    assert!(col.ord_to_str(ord as u64, &mut s).unwrap());
                    assert_eq!(v.as_deref(), Some(s.as_str()));
                }
            }
        }
        let kept = searcher.search(&all, &tally).unwrap().facets;
        assert_eq!(kept, read);
        assert_eq!(kept[0].get("Japan"), Some(&2));
        assert_eq!(kept[1].get("Naoto Kan"), Some(&1));
    }

    #[test]
    fn top_orders_by_count_then_value() {
        let m: FxHashMap<String, u64> = [("b", 2), ("a", 2), ("c", 5)]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        let got: Vec<(String, u64)> = top(Facet::Section, m, TOP)
            .into_iter()
            .map(|f| (f.value, f.count))
            .collect();
        assert_eq!(
            got,
            [("c".to_string(), 5), ("a".into(), 2), ("b".into(), 2)]
        );
    }
}
