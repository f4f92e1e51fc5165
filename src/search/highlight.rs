//! Our own highlighter: marks what the query really matched, phrase-aware,
//! with stemmed forms, fuzzy and prefix matches, and never a negated term.
//! (tantivy's SnippetGenerator marks each term alone and nothing for fuzzy or
//! prefix queries.) Text is tokenized with the same analyzers as the index
//! (`index::schema`), so a mark is exactly a place the index matched.
//! Ranges are character offsets (Unicode scalar values), half-open.

use super::hit::Marked;
use super::query::{Leaf, LeafKind, Node};
use crate::index::schema::{name_analyzer, news_analyzer};
use tantivy::tokenizer::{TextAnalyzer, TokenStream};

/// Which analyzer a pattern's words went through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Analyzer {
    News,
    Name,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Pred {
    Exact(String),
    Fuzzy(String, u8),
    Prefix(String),
}

impl Pred {
    fn test(&self, token: &str) -> bool {
        match self {
            Pred::Exact(t) => t == token,
            Pred::Prefix(p) => token.starts_with(p.as_str()),
            Pred::Fuzzy(t, d) => within_distance(t, token, *d),
        }
    }
}

/// A sequence of token tests at relative positions (one step for a word).
#[derive(Clone, Debug)]
struct Pattern {
    analyzer: Analyzer,
    steps: Vec<(usize, Pred)>,
}

/// A matched stretch of text: byte offsets and the pattern that matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub pattern: usize,
}

/// The patterns of a query, per displayed field.
#[derive(Clone, Debug, Default)]
pub struct Highlighter {
    title: Vec<Pattern>,
    body: Vec<Pattern>,
}

/// A token of analyzed text.
struct Tok {
    position: usize,
    start: usize,
    end: usize,
    text: String,
}

fn analyzer(a: Analyzer) -> TextAnalyzer {
    match a {
        Analyzer::News => news_analyzer(),
        Analyzer::Name => name_analyzer(),
    }
}

fn tokens(a: &mut TextAnalyzer, text: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut ts = a.token_stream(text);
    while ts.advance() {
        let t = ts.token();
        out.push(Tok {
            position: t.position,
            start: t.offset_from,
            end: t.offset_to,
            text: t.text.clone(),
        });
    }
    out
}

/// The analyzed words of `text` with their positions: what `build` turns
/// into terms, so the two agree.
pub fn analyze(a: Analyzer, text: &str) -> Vec<(usize, String)> {
    tokens(&mut analyzer(a), text)
        .into_iter()
        .map(|t| (t.position, t.text))
        .collect()
}

impl Highlighter {
    pub fn new(root: &Node) -> Highlighter {
        let mut h = Highlighter::default();
        h.collect(root);
        h
    }

    fn collect(&mut self, n: &Node) {
        match n {
            Node::Leaf(l) => self.add(l),
            Node::And(v) | Node::Or(v) => v.iter().for_each(|c| self.collect(c)),
            Node::Must(c) => self.collect(c),
            Node::Not(_) | Node::Date(..) | Node::All => {}
        }
    }

    fn add(&mut self, l: &Leaf) {
        let (title, body, a) = match l.field.as_deref() {
            None => (true, true, Analyzer::News),
            Some("title") => (true, false, Analyzer::News),
            Some("body") => (false, true, Analyzer::News),
            Some("ministers" | "countries") => (true, true, Analyzer::Name),
            _ => return,
        };
        let Some(p) = pattern(l, a) else { return };
        if title {
            self.title.push(p.clone());
        }
        if body {
            self.body.push(p);
        }
    }

    /// Character ranges of `title` that matched.
    pub fn title_marks(&self, title: &str) -> Vec<[usize; 2]> {
        let spans = find(&self.title, title);
        let b2c = byte_to_char(title);
        merge(
            spans
                .iter()
                .map(|s| (b2c[s.start], b2c[s.end], s.pattern))
                .collect(),
        )
        .into_iter()
        .map(|(s, e, _)| [s, e])
        .collect()
    }

    /// The best passages of `body` (about `max_chars` characters each, at
    /// most `fragments` of them) with their matches marked.
    pub fn snippet(&self, body: &str, max_chars: usize, fragments: usize) -> Marked {
        snippet(body, &find(&self.body, body), max_chars, fragments)
    }
}

fn pattern(l: &Leaf, a: Analyzer) -> Option<Pattern> {
    let words = analyze(a, &l.text);
    let first = words.first()?.0;
    let mut steps: Vec<(usize, Pred)> = words
        .iter()
        .map(|(p, w)| (p - first, Pred::Exact(w.clone())))
        .collect();
    match l.kind {
        LeafKind::Word | LeafKind::Phrase => {}
        // Fuzzy and prefix words are not stemmed (a stem of a misspelling or a
        // fragment means nothing); build.rs does the same.
        LeafKind::Fuzzy(d) => {
            let raw = analyze(Analyzer::Name, &l.text);
            if let ([(_, w)], Some(last)) = (raw.as_slice(), steps.last_mut()) {
                last.1 = Pred::Fuzzy(w.clone(), d);
            }
        }
        LeafKind::Prefix => {
            let raw = analyze(Analyzer::Name, &l.text);
            if let (Some((_, w)), Some(last)) = (raw.last(), steps.last_mut()) {
                last.1 = Pred::Prefix(w.clone());
            }
        }
    }
    Some(Pattern { analyzer: a, steps })
}

/// Every place in `text` where one of `patterns` matches.
fn find(patterns: &[Pattern], text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    for a in [Analyzer::News, Analyzer::Name] {
        if !patterns.iter().any(|p| p.analyzer == a) {
            continue;
        }
        let toks = tokens(&mut analyzer(a), text);
        for (pi, p) in patterns.iter().enumerate() {
            if p.analyzer != a {
                continue;
            }
            for i in 0..toks.len() {
                if let Some(end) = match_at(&toks, i, &p.steps) {
                    out.push(Span {
                        start: toks[i].start,
                        end,
                        pattern: pi,
                    });
                }
            }
        }
    }
    out.sort_by_key(|s| (s.start, s.end));
    out
}

/// The byte end of the match of `steps` starting at token `i`, if any.
fn match_at(toks: &[Tok], i: usize, steps: &[(usize, Pred)]) -> Option<usize> {
    let base = toks[i].position;
    let mut end = toks[i].end;
    let mut j = i;
    for (off, pred) in steps {
        let want = base + off;
        while j < toks.len() && toks[j].position < want {
            j += 1;
        }
        let t = toks.get(j).filter(|t| t.position == want)?;
        if !pred.test(&t.text) {
            return None;
        }
        end = end.max(t.end);
    }
    Some(end)
}

/// Character index of every byte offset of `text` (and of its end).
fn byte_to_char(text: &str) -> Vec<usize> {
    let mut map = vec![0; text.len() + 1];
    let mut ci = 0;
    for (bi, c) in text.char_indices() {
        for slot in &mut map[bi..bi + c.len_utf8()] {
            *slot = ci;
        }
        ci += 1;
    }
    map[text.len()] = ci;
    map
}

/// Sorted, overlapping ranges joined; the pattern set kept as a bit mask.
fn merge(mut v: Vec<(usize, usize, usize)>) -> Vec<(usize, usize, u64)> {
    v.sort();
    let mut out: Vec<(usize, usize, u64)> = Vec::new();
    for (s, e, p) in v {
        let bit = 1u64 << (p % 64);
        match out.last_mut() {
            Some(last) if s < last.1 => {
                last.1 = last.1.max(e);
                last.2 |= bit;
            }
            _ => out.push((s, e, bit)),
        }
    }
    out
}

fn is_sentence_start(chars: &[char], p: usize) -> bool {
    if p == 0 {
        return true;
    }
    if chars[p].is_whitespace() || !chars[p - 1].is_whitespace() {
        return false;
    }
    let mut k = p;
    let mut newline = false;
    while k > 0 && chars[k - 1].is_whitespace() {
        newline |= chars[k - 1] == '\n';
        k -= 1;
    }
    if newline || k == 0 {
        return true;
    }
    match chars[k - 1] {
        '!' | '?' | '…' | '"' | '”' => true,
        '.' => !abbreviation(&chars[..k - 1]),
        _ => false,
    }
}

/// Whether the word ending here is a short capitalised abbreviation ("No",
/// "Mr", "U.S", "Gen") whose full stop does not end a sentence.
fn abbreviation(before: &[char]) -> bool {
    let word: Vec<char> = before
        .iter()
        .rev()
        .take_while(|c| c.is_alphabetic() || **c == '.')
        .copied()
        .collect();
    let letters = word.iter().filter(|c| c.is_alphabetic()).count();
    word.last().is_some_and(|c| c.is_uppercase()) && (letters <= 3 || word.contains(&'.'))
}

/// Where a passage showing a match at `s` begins: a sentence start shortly
/// before, else a word start a little before.
fn window_start(chars: &[char], s: usize, max: usize) -> usize {
    let floor = s.saturating_sub(max / 3);
    if let Some(p) = (floor..=s).rev().find(|&p| is_sentence_start(chars, p)) {
        return p;
    }
    let mut p = s.saturating_sub(max / 6);
    while p < s && p > 0 && !chars[p - 1].is_whitespace() {
        p += 1;
    }
    while p < s && chars[p].is_whitespace() {
        p += 1;
    }
    p
}

/// Where a passage from `start` ends: about `max` characters on, at the end
/// of a word, trailing space dropped.
fn window_end(chars: &[char], start: usize, max: usize) -> usize {
    let n = chars.len();
    let mut e = start.saturating_add(max).min(n);
    if e < n {
        let mut k = e;
        while k > start && !chars[k].is_whitespace() {
            k -= 1;
        }
        if k > start {
            e = k;
        }
    }
    while e > start && chars[e - 1].is_whitespace() {
        e -= 1;
    }
    e
}

/// Choose the passages with the most distinct matches (then the most
/// matches), cut at word boundaries, whitespace collapsed to single spaces.
pub fn snippet(text: &str, spans: &[Span], max_chars: usize, fragments: usize) -> Marked {
    let chars: Vec<char> = text.chars().collect();
    let b2c = byte_to_char(text);
    let max = max_chars.max(20);
    let marks = merge(
        spans
            .iter()
            .map(|s| (b2c[s.start], b2c[s.end], s.pattern))
            .collect(),
    );
    let mut used = vec![false; marks.len()];
    let mut chosen: Vec<(usize, usize)> = Vec::new();
    for _ in 0..fragments.max(1) {
        let mut best: Option<(u64, usize, usize)> = None;
        for (i, m) in marks.iter().enumerate() {
            if used[i] {
                continue;
            }
            let start = window_start(&chars, m.0, max);
            let end = window_end(&chars, start, max);
            if chosen.iter().any(|c| start < c.1 && c.0 < end) {
                continue;
            }
            let mut mask = 0u64;
            let mut count = 0u64;
            for (j, n) in marks.iter().enumerate() {
                if !used[j] && n.0 >= start && n.1 <= end {
                    mask |= n.2;
                    count += 1;
                }
            }
            let score = u64::from(mask.count_ones()) * 1_000_000 + count;
            if best.is_none_or(|b| score > b.0) {
                best = Some((score, start, end));
            }
        }
        let Some((_, start, end)) = best else { break };
        for (j, n) in marks.iter().enumerate() {
            if n.0 >= start && n.1 <= end {
                used[j] = true;
            }
        }
        chosen.push((start, end));
    }
    if chosen.is_empty() {
        let start = (0..chars.len())
            .find(|&i| !chars[i].is_whitespace())
            .unwrap_or(0);
        chosen.push((start, window_end(&chars, start, max)));
    }
    chosen.sort();

    let mut out = String::new();
    let mut len = 0usize;
    let mut highlights = Vec::new();
    let push = |out: &mut String, len: &mut usize, s: &str| {
        out.push_str(s);
        *len += s.chars().count();
    };
    if chosen[0].0 > 0 {
        push(&mut out, &mut len, "… ");
    }
    for (k, &(s, e)) in chosen.iter().enumerate() {
        if k > 0 {
            push(&mut out, &mut len, " … ");
        }
        // Output position of each char of the passage, and after its last.
        let mut at = Vec::with_capacity(e - s + 1);
        let mut last_space = false;
        for &c in &chars[s..e] {
            at.push(len);
            if c.is_whitespace() {
                if !last_space {
                    out.push(' ');
                    len += 1;
                }
                last_space = true;
            } else {
                out.push(c);
                len += 1;
                last_space = false;
            }
        }
        at.push(len);
        for m in &marks {
            if m.0 >= s && m.1 <= e && m.0 < m.1 {
                highlights.push([at[m.0 - s], at[m.1 - s]]);
            }
        }
    }
    if chosen.last().is_some_and(|c| c.1 < chars.len()) {
        push(&mut out, &mut len, " …");
    }
    Marked {
        text: out,
        highlights,
    }
}

/// Optimal-string-alignment distance of `a` and `b` is at most `d`
/// (a transposition costs one, as in tantivy's fuzzy queries).
pub fn within_distance(a: &str, b: &str, d: u8) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let d = usize::from(d);
    if a.len().abs_diff(b.len()) > d {
        return false;
    }
    let w = b.len() + 1;
    let mut m = vec![0usize; (a.len() + 1) * w];
    for i in 0..=a.len() {
        m[i * w] = i;
    }
    for (j, slot) in m.iter_mut().enumerate().take(w) {
        *slot = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (m[(i - 1) * w + j] + 1)
                .min(m[i * w + j - 1] + 1)
                .min(m[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(m[(i - 2) * w + j - 2] + 1);
            }
            m[i * w + j] = v;
        }
    }
    m[a.len() * w + b.len()] <= d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::DefaultOperator;
    use crate::search::query::parse;

    fn marked_words(query: &str, text: &str) -> Vec<String> {
        let h = Highlighter::new(&parse(query, DefaultOperator::And).unwrap());
        let chars: Vec<char> = text.chars().collect();
        h.title_marks(text)
            .iter()
            .map(|[s, e]| chars[*s..*e].iter().collect())
            .collect()
    }

    #[test]
    fn marks_what_the_query_matched() {
        let text =
            "Rare earths: a rare find. The rare earth pact, rare-earth deals; Gemba met Fukushima.";
        let table: Vec<(&str, Vec<&str>)> = vec![
            (
                "\"rare earth\"",
                vec!["Rare earths", "rare earth", "rare-earth"],
            ),
            ("rare", vec!["Rare", "rare", "rare", "rare"]),
            (
                "\"rare earth\" -pact",
                vec!["Rare earths", "rare earth", "rare-earth"],
            ),
            ("rare NOT find", vec!["Rare", "rare", "rare", "rare"]),
            ("gemba~1", vec!["Gemba"]),
            ("gembo~1", vec!["Gemba"]),
            ("gembo~0", vec![]),
            ("fuku*", vec!["Fukushima"]),
            ("minister:gemba", vec!["Gemba"]),
            ("country:JP", vec![]),
            ("section:energy", vec![]),
            ("title:deals", vec!["deals"]),
            ("body:deals", vec![]),
            ("pacts", vec!["pact"]),
        ];
        for (q, want) in table {
            assert_eq!(marked_words(q, text), want, "{q}");
        }
    }

    #[test]
    fn char_offsets_count_scalar_values() {
        let text = "Café «Gemba» — Gemba";
        assert_eq!(marked_words("gemba", text), ["Gemba", "Gemba"]);
        let h = Highlighter::new(&parse("gemba", DefaultOperator::And).unwrap());
        assert_eq!(h.title_marks(text), vec![[6, 11], [15, 20]]);
    }

    #[test]
    fn snippet_picks_the_densest_passage_and_collapses_breaks() {
        let filler = "Nothing to see in this sentence at all. ".repeat(10);
        let text = format!("{filler}Rare items.\n\nThe rare earth pact was signed. {filler}End.");
        let h = Highlighter::new(&parse("\"rare earth\"", DefaultOperator::And).unwrap());
        let m = h.snippet(&text, 80, 1);
        assert!(m.text.starts_with("… "), "{}", m.text);
        assert!(m.text.ends_with(" …"), "{}", m.text);
        assert!(!m.text.contains('\n'));
        let chars: Vec<char> = m.text.chars().collect();
        let got: Vec<String> = m
            .highlights
            .iter()
            .map(|[s, e]| chars[*s..*e].iter().collect())
            .collect();
        assert_eq!(got, ["rare earth"]);
        assert!(m.text.chars().count() <= 80 + 4, "{}", m.text);
    }

    #[test]
    fn fragments_are_joined_in_text_order() {
        let filler = "Nothing to see in this sentence at all. ".repeat(8);
        let text = format!("Gemba spoke. {filler}Then Fukushima came. {filler}");
        let h = Highlighter::new(&parse("gemba OR fukushima", DefaultOperator::And).unwrap());
        let m = h.snippet(&text, 40, 2);
        assert!(m.text.starts_with("Gemba spoke."), "{}", m.text);
        assert!(m.text.contains(" … Then Fukushima"), "{}", m.text);
        assert_eq!(m.highlights.len(), 2);
        let one = h.snippet(&text, 40, 1);
        assert_eq!(one.highlights.len(), 1);
    }

    #[test]
    fn huge_sizes_do_not_overflow() {
        let h = Highlighter::new(&parse("gemba", DefaultOperator::And).unwrap());
        let m = h.snippet("Gemba spoke.\n\nThen left.", usize::MAX, usize::MAX);
        assert_eq!(m.text, "Gemba spoke. Then left.");
        assert_eq!(m.highlights, vec![[0, 5]]);
    }

    #[test]
    fn no_match_gives_the_opening() {
        let h = Highlighter::new(&parse("minister:nobody", DefaultOperator::And).unwrap());
        let m = h.snippet("First words here.\n\nSecond paragraph.", 200, 1);
        assert_eq!(m.text, "First words here. Second paragraph.");
        assert!(m.highlights.is_empty());
    }

    #[test]
    fn passages_start_at_sentences_not_abbreviations() {
        let text = "Earlier news. A blast hit the No. 3 reactor at Fukushima today.";
        let chars: Vec<char> = text.chars().collect();
        let at = text.find("Fukushima").unwrap();
        assert_eq!(window_start(&chars, at, 200), 14);
        assert!(is_sentence_start(&chars, 14));
        assert!(!is_sentence_start(&chars, 34), "after No.");
        let us = "Talks with the U.S. resumed.".chars().collect::<Vec<_>>();
        assert!(!is_sentence_start(&us, 20));
    }

    #[test]
    fn distances() {
        let table = [
            ("gemba", "gemba", 0, true),
            ("gemba", "gembo", 1, true),
            ("gemba", "gmeba", 1, true),
            ("gemba", "gem", 1, false),
            ("gemba", "gem", 2, true),
            ("nuclear", "nucleus", 1, false),
        ];
        for (a, b, d, want) in table {
            assert_eq!(within_distance(a, b, d), want, "{a} {b} {d}");
        }
    }
}
