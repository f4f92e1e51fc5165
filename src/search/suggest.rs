//! "Did you mean": when a query finds fewer than [`ENOUGH`] articles, try
//! the index's own terms within edit distance 1–2 of each bare word and
//! `minister:` value (distance 1 for words under five letters), most
//! frequent first, and offer the spelling that finds clearly more. Runs only
//! for a query that found too little; each candidate costs one count.
//! (`country:` values are checked against the gazetteer when the query is
//! read: see [`closest`] and `query::resolve_country`.)

use super::query::{self, LeafKind, Node};
use super::{Request, build};
use crate::index::NewsIndex;
use crate::index::schema::names;
use crate::index::terms::{self, Vocabulary};
use anyhow::Result;
use tantivy::Searcher;
use tantivy::collector::Count;

/// A query finding fewer articles than this gets a suggestion, if one
/// finds more.
pub const ENOUGH: usize = 3;

/// Candidates tried per word (each costs a count).
const TRIES: usize = 3;

/// Words of a query looked at.
const WORDS: usize = 4;

/// A better spelling of the query.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Suggestion {
    /// The whole query, respelled.
    pub query: String,
    /// Articles it finds (with the same filters).
    pub total_hits: usize,
}

/// The suggestion for `req`, which found `total` articles; `None` when it
/// found enough or nothing close finds clearly more.
pub fn suggest(
    ix: &NewsIndex,
    searcher: &Searcher,
    req: &Request,
    total: usize,
) -> Result<Option<Suggestion>> {
    if total >= ENOUGH {
        return Ok(None);
    }
    let Ok(root) = query::parse(&req.query, req.default_operator) else {
        return Ok(None);
    };
    let mut words = Vec::new();
    leaves(&root, &mut words);
    let mut best: Option<Suggestion> = None;
    for (vocab, word) in words.into_iter().take(WORDS) {
        let Some(term) = terms::term_of(vocab, &word) else {
            continue;
        };
        let max = if term.chars().count() < 5 { 1 } else { 2 };
        let mut cands = terms::near(ix, searcher, vocab, &term, |t| {
            t != term && distance(t, &term, max).is_some()
        })?;
        cands.sort_by(|a, b| {
            let (da, db) = (distance(&a.0, &term, max), distance(&b.0, &term, max));
            da.cmp(&db).then(b.1.cmp(&a.1)).then(a.0.cmp(&b.0))
        });
        let base = best
            .as_ref()
            .map_or(req.query.as_str(), |s| s.query.as_str());
        let floor = best.as_ref().map_or(total, |s| s.total_hits);
        let mut here: Option<Suggestion> = None;
        for (cand, _) in cands.into_iter().take(TRIES) {
            let spelled = surface(vocab, &word, &term, &cand);
            let Some(q) = replace_word(base, &word, &spelled) else {
                continue;
            };
            let n = count(ix, searcher, req, &q)?;
            if n >= ENOUGH && n > 2 * floor && here.as_ref().is_none_or(|h| n > h.total_hits) {
                here = Some(Suggestion {
                    query: q,
                    total_hits: n,
                });
            }
        }
        if here.is_some() {
            best = here;
        }
    }
    Ok(best)
}

/// Bare words and `minister:` words of the query, in order (not under NOT).
fn leaves(n: &Node, out: &mut Vec<(Vocabulary, String)>) {
    match n {
        Node::Leaf(l) if l.kind == LeafKind::Word => match l.field.as_deref() {
            None => out.push((Vocabulary::Words, l.text.clone())),
            Some(names::MINISTERS) => out.push((Vocabulary::Ministers, l.text.clone())),
            _ => {}
        },
        Node::And(v) | Node::Or(v) => v.iter().for_each(|c| leaves(c, out)),
        Node::Must(c) => leaves(c, out),
        _ => {}
    }
}

fn count(ix: &NewsIndex, searcher: &Searcher, req: &Request, q: &str) -> Result<usize> {
    let root = query::parse(q, req.default_operator)?;
    let q = build::build(&ix.index.schema(), &root, &req.filters)?;
    Ok(searcher.search(&q, &Count)?)
}

/// How to write `cand` (an indexed term) in place of `word` (which is
/// indexed as `term`): the word with its stem swapped when that indexes as
/// `cand` ("cofee" → "coffee"), else the term itself.
fn surface(vocab: Vocabulary, word: &str, term: &str, cand: &str) -> String {
    let lower = word.to_lowercase();
    if let Some(rest) = lower.strip_prefix(term) {
        let s = format!("{cand}{rest}");
        if terms::term_of(vocab, &s).as_deref() == Some(cand) {
            return s;
        }
    }
    cand.to_string()
}

/// `query` with its first whole-word `word` replaced by `by`.
fn replace_word(query: &str, word: &str, by: &str) -> Option<String> {
    let mut from = 0;
    while let Some(i) = query[from..].find(word).map(|i| i + from) {
        let end = i + word.len();
        let before = query[..i].chars().next_back();
        let after = query[end..].chars().next();
        if !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric) {
            return Some(format!("{}{by}{}", &query[..i], &query[end..]));
        }
        from = end;
    }
    None
}

/// Edit distance (Levenshtein, a swap of neighbours counting one) between
/// `a` and `b` when at most `max`, else `None`.
pub fn distance(a: &str, b: &str, max: usize) -> Option<usize> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for (j, cell) in d.iter_mut().take(w).enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        d[i * w] = i;
        let mut row_min = i;
        for j in 1..w {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * w + j] + 1)
                .min(d[i * w + j - 1] + 1)
                .min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = v;
            row_min = row_min.min(v);
        }
        if row_min > max {
            return None;
        }
    }
    let v = d[a.len() * w + b.len()];
    (v <= max).then_some(v)
}

/// The candidate of `names` closest to `value` (case-insensitive, within
/// distance 1 under five letters, else 2), for an unknown name.
pub fn closest<'a>(value: &str, names: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let v = value.to_lowercase();
    let max = if v.chars().count() < 5 { 1 } else { 2 };
    names
        .filter_map(|n| distance(&n.to_lowercase(), &v, max).map(|d| (d, n)))
        .min_by_key(|(d, _)| *d)
        .map(|(_, n)| n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_counts_edits_and_swaps_and_stops_early() {
        assert_eq!(distance("coffee", "cofee", 2), Some(1));
        assert_eq!(distance("japan", "jpaan", 2), Some(1));
        assert_eq!(distance("gemba", "gmeab", 2), Some(2));
        assert_eq!(distance("nuclear", "unclear", 1), Some(1));
        assert_eq!(distance("nuclear", "unclean", 1), None);
        assert_eq!(distance("a", "abcd", 2), None);
        assert_eq!(distance("same", "same", 0), Some(0));
    }

    #[test]
    fn words_are_replaced_whole() {
        assert_eq!(
            replace_word("cofeehouse cofee minister:gemb", "cofee", "coffee").as_deref(),
            Some("cofeehouse coffee minister:gemb")
        );
        assert_eq!(
            replace_word("minister:gemb", "gemb", "gemba").as_deref(),
            Some("minister:gemba")
        );
        assert_eq!(replace_word("gembas", "gemb", "gemba"), None);
    }

    #[test]
    fn the_closest_name_wins() {
        let names = ["Japan", "Jordan", "Panama"];
        assert_eq!(closest("japn", names.into_iter()), Some("Japan"));
        assert_eq!(closest("JAPAM", names.into_iter()), Some("Japan"));
        assert_eq!(closest("xyzzy", names.into_iter()), None);
    }

    #[test]
    fn a_respelling_keeps_the_ending_when_it_stems_back() {
        let t = terms::term_of(Vocabulary::Words, "cofee").expect("one word");
        let c = terms::term_of(Vocabulary::Words, "coffee").expect("one word");
        assert_eq!(surface(Vocabulary::Words, "cofee", &t, &c), "coffee");
    }
}
