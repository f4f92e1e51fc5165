//! Counting over every matching document, not just the page shown: facet
//! values (from the fast string columns `countries`, `ministers`, `section`)
//! and hits per month (from the fast `date` column), in one collector that
//! runs only when `--facet` or `--timeline` asks for it.

use super::hit::FacetCount;
use crate::index::schema::names;
use std::collections::{BTreeMap, HashMap};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DateTime, DocId, Score, SegmentOrdinal, SegmentReader};

/// Values shown per facet.
pub const TOP: usize = 20;

/// A field to count values of (also a saved query's `top_facet` key).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Deserialize)]
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
    pub facets: Vec<HashMap<String, u64>>,
    /// Months as `year * 12 + month0`.
    pub months: BTreeMap<i32, u64>,
}

pub struct SegmentTally {
    columns: Vec<(Option<StrColumn>, Vec<u64>)>,
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
            columns.push((col, vec![0u64; n]));
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
            facets: vec![HashMap::new(); self.facets.len()],
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
        for (col, counts) in &mut self.columns {
            if let Some(col) = col {
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
        for (col, counts) in self.columns {
            let mut m = HashMap::new();
            if let Some(col) = col {
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

/// The `keep` largest counts, ties by value; countries carry their ISO code.
pub fn top(facet: Facet, counts: HashMap<String, u64>, keep: usize) -> Vec<FacetCount> {
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

    #[test]
    fn top_orders_by_count_then_value() {
        let m: HashMap<String, u64> = [("b", 2), ("a", 2), ("c", 5)]
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
