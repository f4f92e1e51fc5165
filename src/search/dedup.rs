//! Near-duplicate folding, at search time, from the fingerprints the index
//! stores (`crate::fingerprint`: the `dup_bands` and `minhash` fast columns).
//!
//! The matches are walked in rank order. A match joins the group of the
//! best-ranked earlier leader that it shares an LSH band with and is a
//! near-duplicate of (by the full fingerprint); otherwise it leads a group
//! of its own. So every folded article is a near-duplicate of the article
//! shown for it, never only of another folded one, and the shown article is
//! the group's best-ranked. Groups are made from the index as it is at
//! search time: an article changed or removed by an incremental run leaves
//! or joins groups with nothing else to update.
//!
//! The walk reads 16 band keys per match and sorts them; only keys that
//! two matches share are looked up, and a fingerprint is read only for a
//! match that shares a band with a leader.

use super::facets::{Tallied, Tally};
use crate::fingerprint::Fingerprint;
use crate::index::NewsIndex;
use crate::index::schema::names;
use anyhow::Result;
use rustc_hash::FxHashMap;
use tantivy::collector::{Collector, DocSetCollector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{DateTime, DocAddress, DocId, Score, Searcher, SegmentOrdinal, SegmentReader, Term};

/// What a search does with near-duplicate articles (`--duplicates`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Duplicates {
    /// Every matching article is a hit (the library's default: `check`,
    /// `eval` and the judged sets rank articles).
    #[default]
    Show,
    /// One hit per group of near-duplicates, the best-ranked, carrying the
    /// others' ids (`newsidx search`'s default).
    Fold,
}

/// What the counts of a search count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    #[default]
    Articles,
    /// Groups of near-duplicates (an article with none is a group of one).
    Groups,
}

/// One matching article and the key it ranks by (larger first).
#[derive(Clone, Copy, Debug)]
pub struct Match {
    pub addr: DocAddress,
    /// The date (seconds; `i64::MIN` when undated) when sorting by date,
    /// else 0; then the score.
    pub key: (i64, Score),
}

/// Collects every match with its rank key.
pub struct AllMatches {
    pub by_date: bool,
}

pub struct SegmentMatches {
    segment: SegmentOrdinal,
    dates: Option<Column<DateTime>>,
    out: Vec<Match>,
}

impl Collector for AllMatches {
    type Fruit = Vec<Match>;
    type Child = SegmentMatches;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentMatches> {
        let dates = if self.by_date {
            reader.fast_fields().column_opt::<DateTime>(names::DATE)?
        } else {
            None
        };
        Ok(SegmentMatches {
            segment,
            dates,
            out: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Vec<Match>>) -> tantivy::Result<Vec<Match>> {
        let mut all: Vec<Match> = fruits.into_iter().flatten().collect();
        // As TopDocs orders: the key, larger first; ties by address.
        all.sort_by(|a, b| {
            b.key
                .0
                .cmp(&a.key.0)
                .then_with(|| b.key.1.total_cmp(&a.key.1))
                .then_with(|| a.addr.cmp(&b.addr))
        });
        Ok(all)
    }
}

impl SegmentCollector for SegmentMatches {
    type Fruit = Vec<Match>;

    fn collect(&mut self, doc: DocId, score: Score) {
        let secs = match &self.dates {
            Some(c) => c.first(doc).map_or(i64::MIN, |d| d.into_timestamp_secs()),
            None => 0,
        };
        self.out.push(Match {
            addr: DocAddress::new(self.segment, doc),
            key: (secs, score),
        });
    }

    fn harvest(self) -> Vec<Match> {
        self.out
    }
}

/// A group of near-duplicates among the matches: indexes into the ranked
/// matches, the leader first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    pub leader: usize,
    pub members: Vec<usize>,
}

/// The fast columns of one segment that folding reads.
struct SegmentColumns {
    bands: Option<Column<u64>>,
    minhash: Option<Column<u64>>,
}

impl SegmentColumns {
    fn of(reader: &SegmentReader) -> Result<SegmentColumns> {
        let ff = reader.fast_fields();
        Ok(SegmentColumns {
            bands: ff.u64(names::DUP_BANDS).ok(),
            minhash: ff.u64(names::MINHASH).ok(),
        })
    }

    fn fingerprint(&self, doc: DocId) -> Option<Fingerprint> {
        Fingerprint::from_values(self.minhash.as_ref()?.values_for_doc(doc))
    }
}

/// The groups a band key was seen in, best-ranked first (almost always one).
enum Seen {
    One(u32),
    Many(Vec<u32>),
}

/// Fold the ranked `matches` into groups, in rank order of their leaders.
///
/// Most band keys belong to one match only and can make no candidate: the
/// keys of all matches are sorted first, and only those that two or more
/// matches share go through the walk's hash map (on Reuters, a query of
/// 3,825 matches has 61,000 keys, of which a few hundred are shared).
pub fn group(searcher: &Searcher, matches: &[Match]) -> Result<Vec<Group>> {
    let columns = searcher
        .segment_readers()
        .iter()
        .map(SegmentColumns::of)
        .collect::<Result<Vec<_>>>()?;
    let (keys, start, shared) = band_keys(&columns, matches);

    let mut groups: Vec<Group> = Vec::new();
    let mut leaders: Vec<Option<Fingerprint>> = Vec::new();
    let mut loaded: Vec<bool> = Vec::new();
    let mut by_band: FxHashMap<u64, Seen> = FxHashMap::default();
    let mut candidates: Vec<u32> = Vec::new();
    for (i, m) in matches.iter().enumerate() {
        let mine = &keys[start[i]..start[i + 1]];
        candidates.clear();
        for k in mine.iter().filter(|k| shared.contains(k)) {
            match by_band.get(k) {
                Some(Seen::One(g)) => candidates.push(*g),
                Some(Seen::Many(gs)) => candidates.extend(gs),
                None => {}
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
        let mut joined = None;
        let cols = &columns[m.addr.segment_ord as usize];
        if !candidates.is_empty()
            && let Some(fp) = cols.fingerprint(m.addr.doc_id)
        {
            for &g in &candidates {
                let g = g as usize;
                if !loaded[g] {
                    let leader = matches[groups[g].leader].addr;
                    leaders[g] = columns[leader.segment_ord as usize].fingerprint(leader.doc_id);
                    loaded[g] = true;
                }
                if leaders[g].as_ref().is_some_and(|l| fp.near_duplicate(l)) {
                    joined = Some(g);
                    break;
                }
            }
        }
        match joined {
            Some(g) => groups[g].members.push(i),
            None => {
                let g = u32::try_from(groups.len())?;
                groups.push(Group {
                    leader: i,
                    members: Vec::new(),
                });
                leaders.push(None);
                loaded.push(false);
                for k in mine.iter().filter(|k| shared.contains(k)) {
                    match by_band.get_mut(k) {
                        None => {
                            by_band.insert(*k, Seen::One(g));
                        }
                        Some(Seen::One(first)) => {
                            let first = *first;
                            by_band.insert(*k, Seen::Many(vec![first, g]));
                        }
                        Some(Seen::Many(gs)) => gs.push(g),
                    }
                }
            }
        }
    }
    Ok(groups)
}

/// Every match's band keys, one run after another (`start[i]..start[i +
/// 1]` are match i's), and the keys that two or more matches share.
fn band_keys(
    columns: &[SegmentColumns],
    matches: &[Match],
) -> (Vec<u64>, Vec<usize>, rustc_hash::FxHashSet<u64>) {
    let mut keys: Vec<u64> = Vec::with_capacity(matches.len() * crate::fingerprint::BANDS);
    let mut start: Vec<usize> = Vec::with_capacity(matches.len() + 1);
    for m in matches {
        start.push(keys.len());
        if let Some(c) = &columns[m.addr.segment_ord as usize].bands {
            keys.extend(c.values_for_doc(m.addr.doc_id));
        }
    }
    start.push(keys.len());
    let mut sorted = keys.clone();
    sorted.sort_unstable();
    let shared: rustc_hash::FxHashSet<u64> = sorted
        .chunk_by(|a, b| a == b)
        .filter(|run| run.len() > 1)
        .map(|run| run[0])
        .collect();

    (keys, start, shared)
}

/// The facet and timeline tallies over the leaders of `groups` only.
pub fn tally_leaders(
    searcher: &Searcher,
    tally: &Tally,
    matches: &[Match],
    groups: &[Group],
) -> Result<Tallied> {
    let readers = searcher.segment_readers();
    let mut children = Vec::with_capacity(readers.len());
    for (ord, reader) in readers.iter().enumerate() {
        children.push(tally.for_segment(ord as SegmentOrdinal, reader)?);
    }
    for g in groups {
        let a = matches[g.leader].addr;
        children[a.segment_ord as usize].collect(a.doc_id, 0.0);
    }
    let fruits = children.into_iter().map(|c| c.harvest()).collect();
    Ok(tally.merge_fruits(fruits)?)
}

/// The ids of the documents at `addrs`, from the fast `id` column.
pub fn ids(searcher: &Searcher, addrs: impl Iterator<Item = DocAddress>) -> Result<Vec<String>> {
    let columns: Vec<Option<StrColumn>> = searcher
        .segment_readers()
        .iter()
        .map(|r| r.fast_fields().str(names::ID))
        .collect::<tantivy::Result<_>>()?;
    let mut out = Vec::new();
    let mut buf = String::new();
    for a in addrs {
        buf.clear();
        if let Some(col) = &columns[a.segment_ord as usize]
            && let Some(ord) = col.term_ords(a.doc_id).next()
            && col.ord_to_str(ord, &mut buf)?
        {
            out.push(buf.clone());
        }
    }
    Ok(out)
}

/// The near-duplicates in the index of an article whose body is `body`
/// (found by its band keys as terms, then checked by their fingerprints).
pub fn near_duplicates_of(
    ix: &NewsIndex,
    searcher: &Searcher,
    body: &str,
) -> Result<Vec<DocAddress>> {
    let Some(fp) = Fingerprint::of(body) else {
        return Ok(Vec::new());
    };
    let columns = searcher
        .segment_readers()
        .iter()
        .map(SegmentColumns::of)
        .collect::<Result<Vec<_>>>()?;
    let mut seen: Vec<DocAddress> = Vec::new();
    for key in fp.bands() {
        let q = TermQuery::new(
            Term::from_field_u64(ix.fields.dup_bands, key),
            IndexRecordOption::Basic,
        );
        seen.extend(searcher.search(&q, &DocSetCollector)?);
    }
    seen.sort_unstable();
    seen.dedup();
    Ok(seen
        .into_iter()
        .filter(|a| {
            columns[a.segment_ord as usize]
                .fingerprint(a.doc_id)
                .is_some_and(|other| fp.near_duplicate(&other))
        })
        .collect())
}
