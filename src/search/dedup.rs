//! Near-duplicate folding, at search time, from the fingerprints the index
//! keeps (`crate::fingerprint`: the `dup_bands` terms, and the `minhash`
//! signature, a fast column).
//!
//! Only the page is folded. The ranked matches are walked from the top: a
//! match that no better-ranked hit has taken leads a group, and takes every
//! near-duplicate of it that ranks lower: the articles sharing one of its
//! LSH band keys (a term lookup), confirmed by the whole fingerprint, and
//! matching the query. So every folded article is a near-duplicate of the
//! article shown for it, the shown article is the group's best-ranked, and
//! a folded copy is found however far down the ranking it is. The walk
//! stops when the page is full: its cost grows with the page, not with the
//! number of matches, and the counts (`total_hits`, facets, timeline) are
//! of articles. Groups are made from the index as it is at search time: an
//! article changed or removed by an incremental run leaves or joins groups
//! with nothing else to update.

use crate::fingerprint::Signature;
use crate::index::NewsIndex;
use crate::index::schema::Signatures as SignatureColumns;
use crate::index::schema::names;
use anyhow::Result;
use rustc_hash::{FxHashMap, FxHashSet};
use tantivy::columnar::StrColumn;
use tantivy::query::Weight;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocId, DocSet, Score, Searcher, TERMINATED, TantivyDocument, Term};

/// What a search does with near-duplicate articles (`--duplicates`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Duplicates {
    /// Every matching article is a hit (the library's default: `check`,
    /// `eval` and the judged sets rank articles).
    #[default]
    Show,
    /// One hit per group of near-duplicates on the page, the best-ranked,
    /// carrying the others' ids (`newsidx search`'s default).
    Fold,
}

/// What the counts of a search count: articles, whether or not the page
/// folds near-duplicates (the output's `"unit"`, kept so that a reader of
/// the JSON never has to guess).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    #[default]
    Articles,
}

/// A group of near-duplicates on the page: the leader's place in the
/// ranking, and the other members, best-ranked first.
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    pub leader: usize,
    pub members: Vec<DocAddress>,
    /// The leader's stored document, read for its signature (the page
    /// shows it: it is not read twice).
    pub doc: TantivyDocument,
}

/// The signatures of the documents folding looks at, each read once.
struct Signatures {
    columns: SignatureColumns,
    read: FxHashMap<DocAddress, Option<Signature>>,
}

impl Signatures {
    fn open(searcher: &Searcher) -> Result<Signatures> {
        Ok(Signatures {
            columns: SignatureColumns::open(searcher)?,
            read: FxHashMap::default(),
        })
    }

    fn get(&mut self, a: DocAddress) -> Option<Signature> {
        self.read
            .entry(a)
            .or_insert_with(|| self.columns.get(a))
            .clone()
    }

    /// Whether the document at `a` is a near-duplicate of one signed `s`.
    fn copies(&mut self, a: DocAddress, s: &Signature) -> bool {
        self.get(a).is_some_and(|o| s.near_duplicate(&o))
    }
}

/// Fold the ranked matches `top` (best first, a prefix of the ranking of
/// `weight`'s query) into groups, until `want` groups are made or `top`
/// runs out; the caller asks again with a longer prefix when it ran out
/// before the ranking did.
pub fn fold(
    ix: &NewsIndex,
    searcher: &Searcher,
    weight: &dyn Weight,
    top: &[(Score, DocAddress)],
    want: usize,
) -> Result<Vec<Group>> {
    let mut signatures = Signatures::open(searcher)?;
    let place: FxHashMap<DocAddress, usize> =
        top.iter().enumerate().map(|(i, (_, a))| (*a, i)).collect();
    let mut taken = vec![false; top.len()];
    let mut taken_below: FxHashSet<DocAddress> = FxHashSet::default();
    let mut groups = Vec::new();
    for (i, (_, leader)) in top.iter().enumerate() {
        if groups.len() >= want {
            break;
        }
        if taken[i] {
            continue;
        }
        let mut members = Vec::new();
        let mut below = Vec::new();
        let doc: TantivyDocument = searcher.doc(*leader)?;
        let sig = signatures.get(*leader);
        if let Some(sig) = &sig {
            for (c, far) in candidates(ix, searcher, &sig.bands())? {
                match place.get(&c) {
                    Some(&j) if j > i && !taken[j] && signatures.copies(c, sig) => {
                        taken[j] = true;
                        members.push(j);
                    }
                    Some(_) => {}
                    None if far && !taken_below.contains(&c) => below.push(c),
                    None => {}
                }
            }
        }
        members.sort_unstable();
        let mut members: Vec<DocAddress> = members.into_iter().map(|j| top[j].1).collect();
        // The query first, from its postings, then the fingerprint of what
        // it matches: most candidates share a band key by chance and do not
        // match the query, and at 100x Reuters each fingerprint read from
        // the column was a page fault of its own.
        for (_, c) in matching(searcher, weight, below)? {
            if sig.as_ref().is_some_and(|s| signatures.copies(c, s)) {
                taken_below.insert(c);
                members.push(c);
            }
        }
        groups.push(Group {
            leader: i,
            members,
            doc,
        });
    }
    Ok(groups)
}

/// Articles sharing a band key beyond which the key finds candidates only
/// on the ranked prefix that folding holds (see [`candidates`]).
///
/// A key that many articles share tells nothing about any two of them. It
/// comes from short bodies: a body of 40 words leaves about half of the 64
/// MinHash bins empty, an empty bin borrows its neighbour's value, and so a
/// band of three bins can hang on one shingle, a phrase like "the company
/// said". At 100x Reuters 67 keys were shared by more than 1,000 articles
/// (one by 15,608), whose fingerprints folding read one by one, a page
/// fault each: 200 MiB mapped for a `*` search. Copies at Jaccard 0.8 share
/// two bands of four on average, so another band still finds them; and
/// copies under a common key only are still folded where they rank near
/// the page, just not fetched from far below it (unless they share two
/// keys: a thousand copies of one text still fold into one hit). Reuters
/// itself has no key this common (the most shared is in 158 articles).
pub const HOT_BAND: u32 = 1_000;

/// The articles that have one of the LSH band keys `bands`, in order, each
/// with whether folding may fetch it from beyond the ranked prefix it
/// holds: it shares a key of at most [`HOT_BAND`] articles over the whole
/// index, or two keys or more. (Read from each segment's postings directly:
/// a query and a collector per lookup cost more than the lookup.)
fn candidates(
    ix: &NewsIndex,
    searcher: &Searcher,
    bands: &[u64],
) -> Result<Vec<(DocAddress, bool)>> {
    let readers = searcher.segment_readers();
    let mut inverted = Vec::with_capacity(readers.len());
    for reader in readers {
        inverted.push(reader.inverted_index(ix.fields.dup_bands)?);
    }
    // Each article once per key it shares, marked when the key is rare.
    let mut found: Vec<(DocAddress, bool)> = Vec::new();
    for &key in bands {
        let term = Term::from_field_u64(ix.fields.dup_bands, key);
        let mut infos = Vec::with_capacity(readers.len());
        let mut articles = 0u32;
        for (ord, inv) in inverted.iter().enumerate() {
            if let Some(info) = inv.get_term_info(&term)? {
                articles = articles.saturating_add(info.doc_freq);
                infos.push((ord, info));
            }
        }
        let rare = articles <= HOT_BAND;
        for (ord, info) in infos {
            let alive = readers[ord].alive_bitset();
            let mut postings =
                inverted[ord].read_postings_from_terminfo(&info, IndexRecordOption::Basic)?;
            let mut doc = postings.doc();
            while doc != TERMINATED {
                if alive.is_none_or(|a| a.is_alive(doc)) {
                    found.push((DocAddress::new(ord as u32, doc), rare));
                }
                doc = postings.advance();
            }
        }
    }
    found.sort_unstable();
    Ok(found
        .chunk_by(|a, b| a.0 == b.0)
        .map(|run| {
            (
                run[0].0,
                run.len() >= 2 || run.iter().any(|&(_, rare)| rare),
            )
        })
        .collect())
}

/// Those of `addrs` that `weight`'s query matches, with their scores, best
/// first.
fn matching(
    searcher: &Searcher,
    weight: &dyn Weight,
    mut addrs: Vec<DocAddress>,
) -> Result<Vec<(Score, DocAddress)>> {
    addrs.sort_unstable();
    let mut out = Vec::new();
    for run in addrs.chunk_by(|a, b| a.segment_ord == b.segment_ord) {
        let reader = searcher.segment_reader(run[0].segment_ord);
        let mut scorer = weight.scorer(reader, 1.0)?;
        for a in run {
            let d: DocId = if scorer.doc() < a.doc_id {
                scorer.seek(a.doc_id)
            } else {
                scorer.doc()
            };
            if d == TERMINATED {
                break;
            }
            if d == a.doc_id {
                out.push((scorer.score(), *a));
            }
        }
    }
    out.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    Ok(out)
}

/// The ids of the documents at `addrs`, from the fast `id` column.
pub fn ids(searcher: &Searcher, addrs: impl Iterator<Item = DocAddress>) -> Result<Vec<String>> {
    Ids::new(searcher).of(addrs)
}

/// The `id` columns of a searcher's segments, each opened when a document
/// of its segment is first asked for: opening one reads its dictionary's
/// index, and at 100x Reuters opening every segment's for each hit of the
/// page was a fifth of a search's page faults, most of them for groups
/// with no member there (or none at all).
pub struct Ids<'a> {
    searcher: &'a Searcher,
    columns: Vec<Option<Option<StrColumn>>>,
}

impl<'a> Ids<'a> {
    pub fn new(searcher: &'a Searcher) -> Ids<'a> {
        Ids {
            searcher,
            columns: vec![None; searcher.segment_readers().len()],
        }
    }

    pub fn of(&mut self, addrs: impl Iterator<Item = DocAddress>) -> Result<Vec<String>> {
        let mut out = Vec::new();
        let mut buf = String::new();
        for a in addrs {
            let seg = a.segment_ord as usize;
            let Some(slot) = self.columns.get_mut(seg) else {
                continue;
            };
            if slot.is_none() {
                *slot = Some(
                    self.searcher
                        .segment_reader(a.segment_ord)
                        .fast_fields()
                        .str(names::ID)?,
                );
            }
            buf.clear();
            if let Some(Some(col)) = slot
                && let Some(ord) = col.term_ords(a.doc_id).next()
                && col.ord_to_str(ord, &mut buf)?
            {
                out.push(buf.clone());
            }
        }
        Ok(out)
    }
}

/// The near-duplicates in the index of an article whose body is `body`
/// (found by its band keys as terms, then checked by their fingerprints).
pub fn near_duplicates_of(
    ix: &NewsIndex,
    searcher: &Searcher,
    body: &str,
) -> Result<Vec<DocAddress>> {
    let Some(sig) = Signature::of(body) else {
        return Ok(Vec::new());
    };
    let mut signatures = Signatures::open(searcher)?;
    let mut out = Vec::new();
    for (a, _) in candidates(ix, searcher, &sig.bands())? {
        if signatures.copies(a, &sig) {
            out.push(a);
        }
    }
    Ok(out)
}
