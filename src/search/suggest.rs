//! "Did you mean": when a query finds fewer than [`FEW`] articles, try the
//! index's own terms within edit distance 1–2 of each bare word and
//! `minister:` value (distance 1 for words under five letters), closest as
//! written first, then most frequent, and offer the spelling that finds
//! clearly more: more than twice as many when the query found under
//! [`ENOUGH`], [`MUCH_MORE`] times as many when it found a few ("goverment"
//! finds 9 Reuters articles, "government" 2,000). Runs only for a query that
//! found too little; each candidate costs one count.
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
/// finds more than twice as many.
pub const ENOUGH: usize = 3;

/// A query finding fewer articles than this (but at least [`ENOUGH`]) gets
/// a suggestion only if one finds [`MUCH_MORE`] times as many: a rare word
/// spelt right is usually next to no frequent one.
pub const FEW: usize = 10;

/// See [`FEW`].
const MUCH_MORE: usize = 20;

/// Candidates tried per word (each costs a count).
const TRIES: usize = 3;

/// Terms per word looked up as written (each costs a stored document).
const CANDIDATES: usize = 8;

/// Endings a misspelt word keeps on the suggested stem ("reactrs" →
/// "reactors"): inflections, which a stem takes back. Any other ending
/// would make words no text has ("cofee" → "come" + "e").
const ENDINGS: [&str; 7] = ["s", "es", "ed", "ing", "er", "ers", "'s"];

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
    if total >= FEW {
        return Ok(None);
    }
    let factor = if total < ENOUGH { 2 } else { MUCH_MORE };
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
        let mut cands: Vec<(usize, u64, String)> = terms::near(ix, searcher, vocab, &term, |t| {
            t != term && distance(t, &term, max).is_some()
        })?
        .into_iter()
        .filter_map(|(t, freq)| Some((distance(&t, &term, max)?, freq, t)))
        .collect();
        cands.sort_by(closest_first);
        // Terms are stems: the distance that ranks them is between the
        // words as written ("cofee" is one letter from "coffee" but also
        // from "come"'s stem with an "e" added, which no text writes).
        let lower = word.to_lowercase();
        let mut spelled = Vec::new();
        for (_, freq, cand) in cands.into_iter().take(CANDIDATES) {
            let Some(w) = spelling(ix, searcher, vocab, &lower, &term, &cand)? else {
                continue;
            };
            if let Some(d) = distance(&w, &lower, max) {
                spelled.push((d, freq, w));
            }
        }
        spelled.sort_by(closest_first);
        let base = best
            .as_ref()
            .map_or(req.query.as_str(), |s| s.query.as_str());
        let floor = best.as_ref().map_or(total, |s| s.total_hits);
        let mut here: Option<Suggestion> = None;
        for (_, _, spelled) in spelled.into_iter().take(TRIES) {
            let Some(q) = replace_word(base, &word, &spelled) else {
                continue;
            };
            let n = count(ix, searcher, req, &q)?;
            if n >= ENOUGH && n > factor * floor && here.as_ref().is_none_or(|h| n > h.total_hits) {
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

/// How to write `cand` (an indexed term) in place of `word` (lower-cased,
/// indexed as `term`): the word's inflection on the candidate's stem when
/// that indexes as `cand` ("reactrs" → "reactors"), else the candidate as
/// the archive writes it ("enrgy" → "energy", not the stem "energi").
/// Ministers' names are not stemmed: their terms are their spellings.
fn spelling(
    ix: &NewsIndex,
    searcher: &Searcher,
    vocab: Vocabulary,
    word: &str,
    term: &str,
    cand: &str,
) -> Result<Option<String>> {
    if vocab == Vocabulary::Ministers {
        return Ok(Some(cand.to_string()));
    }
    if let Some(rest) = word.strip_prefix(term).filter(|r| ENDINGS.contains(r)) {
        let s = format!("{cand}{rest}");
        if terms::term_of(vocab, &s).as_deref() == Some(cand) {
            return Ok(Some(s));
        }
    }
    terms::surface(ix, searcher, cand)
}

/// Candidates `(distance, frequency, text)`: the closest first, then the
/// most frequent, then by text.
fn closest_first(a: &(usize, u64, String), b: &(usize, u64, String)) -> std::cmp::Ordering {
    a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2))
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
/// `a` and `b` when at most `max`, else `None`. Called for every term of a
/// stretch of the dictionary: words of up to [`SHORT`] characters take
/// three rows on the stack, no allocation.
pub fn distance(a: &str, b: &str, max: usize) -> Option<usize> {
    let (la, lb) = (a.chars().count(), b.chars().count());
    if la.abs_diff(lb) > max {
        return None;
    }
    if la < SHORT && lb < SHORT {
        let mut ca = ['\0'; SHORT];
        let mut cb = ['\0'; SHORT];
        a.chars().zip(ca.iter_mut()).for_each(|(c, s)| *s = c);
        b.chars().zip(cb.iter_mut()).for_each(|(c, s)| *s = c);
        return osa(&ca[..la], &cb[..lb], max);
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    osa(&a, &b, max)
}

/// Words this long or longer are compared on the heap.
const SHORT: usize = 48;

/// Optimal string alignment distance of `a` and `b` if at most `max`, by
/// rows (the one before last is kept for swaps); stops when a whole row is
/// over `max`.
fn osa(a: &[char], b: &[char], max: usize) -> Option<usize> {
    let w = b.len() + 1;
    let mut stack = [[0usize; SHORT + 1]; 3];
    let mut heap;
    let [prev2, prev, row]: [&mut [usize]; 3] = if w <= SHORT + 1 {
        let [x, y, z] = &mut stack;
        [&mut x[..w], &mut y[..w], &mut z[..w]]
    } else {
        heap = vec![0usize; 3 * w];
        let (x, rest) = heap.split_at_mut(w);
        let (y, z) = rest.split_at_mut(w);
        [x, y, z]
    };
    let (mut prev2, mut prev, mut row) = (prev2, prev, row);
    for (j, cell) in prev.iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        row[0] = i;
        let mut row_min = i;
        for j in 1..w {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(row[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            row[j] = v;
            row_min = row_min.min(v);
        }
        if row_min > max {
            return None;
        }
        (prev2, prev, row) = (prev, row, prev2);
    }
    let v = prev[b.len()];
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
        assert_eq!(distance("", "ab", 2), Some(2));
        assert_eq!(distance("été", "ete", 2), Some(2));
        // Past the words compared on the stack, the same answers.
        let long = "x".repeat(60);
        assert_eq!(
            distance(&format!("{long}ab"), &format!("{long}ba"), 2),
            Some(1)
        );
        assert_eq!(distance(&format!("{long}abc"), &long, 2), None);
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
}
