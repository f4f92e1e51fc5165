//! Our own highlighter: marks what the query really matched, phrase-aware,
//! with stemmed forms, fuzzy and prefix matches, and never a negated term.
//! (tantivy's SnippetGenerator marks each term alone and nothing for fuzzy or
//! prefix queries.) Text is tokenized with the same analyzers as the index
//! (`index::schema`), so a mark is exactly a place the index matched.
//! Ranges are character offsets (Unicode scalar values), half-open.

use super::hit::Marked;
use super::query::{Leaf, LeafKind, Node};
use crate::index::schema::{NAME_ANALYZER, name_analyzer, names, news_analyzer};
use crate::index::words::{Piece, Words};
use crate::model::{FieldDef, FieldType, Model};
use rustc_hash::FxHashMap;
use tantivy::tokenizer::{TextAnalyzer, TokenStream};

/// Which analyzer a pattern's words went through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Analyzer {
    News,
    Name,
}

impl Analyzer {
    /// The analyzer the model gives a field; `None` for a field that is not
    /// text (its value is one exact token).
    pub fn of(def: &FieldDef) -> Option<Analyzer> {
        (def.kind == FieldType::Text).then_some(match def.analyzer.as_deref() {
            Some(NAME_ANALYZER) => Analyzer::Name,
            _ => Analyzer::News,
        })
    }

    /// The tantivy analyzer that indexes the field's words.
    pub fn text_analyzer(self) -> TextAnalyzer {
        match self {
            Analyzer::News => news_analyzer(),
            Analyzer::Name => name_analyzer(),
        }
    }

    /// [`Analyzer::of`] the model's field called `name`.
    fn of_field(name: &str) -> Option<Analyzer> {
        Model::get().field(name).and_then(Analyzer::of)
    }
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

/// The patterns of a query, per displayed field, and the stems worked out
/// so far for the hits of this search.
#[derive(Clone, Debug, Default)]
pub struct Highlighter {
    title: Vec<Pattern>,
    body: Vec<Pattern>,
    stems: Stems,
}

/// A word of a text as the highlighter sees it: its name-analyzer form
/// (lower-cased, folded) and, for the news analyzer, its stem. Words no
/// pattern can match keep empty forms: neither is ever looked at.
#[derive(Debug, PartialEq, Eq)]
struct Word {
    position: usize,
    start: usize,
    end: usize,
    plain: String,
    stem: String,
}

impl Word {
    fn text(&self, a: Analyzer) -> &str {
        match a {
            Analyzer::News => &self.stem,
            Analyzer::Name => &self.plain,
        }
    }
}

/// The news analyzer is the name analyzer followed by the English Snowball
/// stemmer (frostem, as tantivy's `Stemmer` filter and `stem_cache` call
/// it); this is that last step alone, for one word, without the boxing and
/// token copies of a one-word `TextAnalyzer`.
fn stem(word: &str) -> String {
    frostem::Stemmer::new(frostem::Algorithm::English)
        .stem(word)
        .into_owned()
}

/// Stems worked out during one search, by name-analyzer form. The hits of a
/// search are about one subject and share much of their vocabulary, and the
/// stemmer costs a few thousand instructions a word, so each distinct word
/// is stemmed once. Capped, as `stem_cache` is, so a search showing very
/// many hits still uses bounded memory: when full it starts over.
#[derive(Clone, Debug, Default)]
struct Stems {
    memo: FxHashMap<String, String>,
}

/// Words remembered by `Stems`: far more than ten news bodies hold.
const STEMS_CAPACITY: usize = 20_000;

impl Stems {
    fn of(&mut self, plain: &str) -> String {
        if let Some(s) = self.memo.get(plain) {
            return s.clone();
        }
        let s = stem(plain);
        if self.memo.len() >= STEMS_CAPACITY {
            self.memo.clear();
        }
        self.memo.insert(plain.to_string(), s.clone());
        s
    }
}

/// Every word of `text` through analyzer `a` (both forms are its output).
fn tokens(a: &mut TextAnalyzer, text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut ts = a.token_stream(text);
    while ts.advance() {
        let t = ts.token();
        out.push(Word {
            position: t.position,
            start: t.offset_from,
            end: t.offset_to,
            plain: t.text.clone(),
            stem: t.text.clone(),
        });
    }
    out
}

/// The analyzed words of `text` with their positions: what `build` turns
/// into terms, so the two agree. A compound's joined form (the one word that
/// shares a position with the word before it) is left out: see [`joined`].
pub fn analyze(a: Analyzer, text: &str) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    for t in tokens(&mut a.text_analyzer(), text) {
        if out.last().is_some_and(|(p, _)| *p == t.position) {
            continue;
        }
        out.push((t.position, t.stem));
    }
    out
}

/// When `text` is one hyphenated compound (`co-operation`), the term of its
/// parts joined (`cooper`), which a word query also accepts.
pub fn joined(a: Analyzer, text: &str) -> Option<String> {
    let toks = tokens(&mut a.text_analyzer(), text);
    let first = toks.first()?;
    let last = toks.last()?;
    toks.windows(2)
        .find(|w| w[0].position == w[1].position)
        .map(|w| &w[1])
        .filter(|j| j.start == first.start && j.end == last.end && toks.len() > 2)
        .map(|j| j.stem.clone())
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

    /// A leaf is marked in the title and body it may have matched: bare
    /// words and their own field's words, and names (the extracted ministers
    /// and countries are written in the title or body). Its words go through
    /// the analyzer of the field searched: a bare word's through the title's
    /// and the body's.
    fn add(&mut self, l: &Leaf) {
        let (title, body) = match l.field.as_deref() {
            None => (true, true),
            Some(names::TITLE) => (true, false),
            Some(names::BODY) => (false, true),
            Some(names::MINISTERS | names::COUNTRIES) => (true, true),
            _ => return,
        };
        let shown = |field: &str| {
            Analyzer::of_field(l.field.as_deref().unwrap_or(field))
                .map(|a| patterns(l, a))
                .unwrap_or_default()
        };
        if title {
            self.title.extend(shown(names::TITLE));
        }
        if body {
            self.body.extend(shown(names::BODY));
        }
    }

    /// Character ranges of `title` that matched.
    pub fn title_marks(&mut self, title: &str) -> Vec<[usize; 2]> {
        let title = head(title, MAX_SCAN_BYTES);
        merge(char_spans(
            title,
            &find(&self.title, title, &mut self.stems),
        ))
        .into_iter()
        .map(|(s, e, _)| [s, e])
        .collect()
    }

    /// Character ranges of the whole of `body` that matched (for showing an
    /// article with every match marked).
    pub fn body_marks(&mut self, body: &str) -> Vec<[usize; 2]> {
        merge(char_spans(body, &find(&self.body, body, &mut self.stems)))
            .into_iter()
            .map(|(s, e, _)| [s, e])
            .collect()
    }

    /// The best passages of `body` (about `max_chars` characters each, at
    /// most `fragments` of them) with their matches marked, chosen from its
    /// first [`MAX_SCAN_BYTES`]: a 15 MB article with a match in every
    /// paragraph cost 26 s a search when all of it was scanned.
    pub fn snippet(&mut self, body: &str, max_chars: usize, fragments: usize) -> Marked {
        let body = head(body, MAX_SCAN_BYTES);
        let spans = find(&self.body, body, &mut self.stems);
        snippet(body, &spans, max_chars, fragments)
    }
}

/// The patterns of a leaf: its words, and for a word that is a compound
/// its joined form too (as `build` searches both).
fn patterns(l: &Leaf, a: Analyzer) -> Vec<Pattern> {
    let mut out: Vec<Pattern> = pattern(l, a).into_iter().collect();
    if l.kind == LeafKind::Word
        && let Some(j) = joined(a, &l.text)
    {
        out.push(Pattern {
            analyzer: a,
            steps: vec![(0, Pred::Exact(j))],
        });
    }
    out
}

/// How much of a text highlighting looks at: far more than any news story
/// (a long feature is 50 KB), so a snippet comes from the story's text
/// whatever its length, and the work per hit is bounded.
pub const MAX_SCAN_BYTES: usize = 256 * 1024;

/// The first `max` bytes of `s`, cut at a character boundary.
fn head(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
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

// The analyzers' limit: words of this many bytes or more are not indexed.
use crate::index::stem_cache::MAX_WORD_BYTES;

/// Which words of a text are worth analyzing, judged by their first one or
/// two characters as written: a word that cannot begin like the word of
/// some pattern step matches no step, so leaving it out changes no match.
///
/// This is exact because of what the analyzers do to the start of a word
/// whose first two characters are ASCII:
/// - The name analyzer lower-cases and folds character by character, and
///   folding leaves ASCII alone, so its form begins with those two
///   characters lower-cased.
/// - The English Snowball stemmer (Snowball 3, as frostem implements it)
///   leaves words of under three characters alone, and otherwise changes a
///   word only from its third character on, with one exception. Its fixed
///   exceptions (skis, skies, idly, gently, ugly, early, only, singly) keep
///   their first two letters. Step 1a replaces "ies"/"ied" by "i" only after
///   two or more letters, else by "ie" (keeping the "i"), and deletes a
///   final "s" only after a vowel two or more letters back. Step 1c turns a
///   final y into i only after a consonant that is not the first letter.
///   Steps 2 to 5 work inside R1 or R2, which start at the third character
///   at the earliest. Step 1b deletes "ed"/"ing"/... after a part with a
///   vowel: when that part is a single letter the stem is that letter alone
///   (nothing is added back: an "e" is added only after "at", "bl", "iz" or
///   when the part ends exactly at R1), else the deletion and any double
///   letter removed or "e" added lie from the third character on. The
///   prelude's y → Y marks are undone by its postlude. The exception is
///   step 1b's consonant + "ying" → consonant + "ie" (dying → die, lying →
///   lie, tying → tie), which changes the second character: a word whose
///   second character is y is judged on its first alone.
///
/// So a stem of two or more characters begins with the first two
/// characters of the word, and a shorter stem is a prefix of it. A word can
/// then equal (or, for a prefix step, begin with) a step's word `w` only if
/// it begins with the first two characters of `w`, or with `w` itself when
/// `w` is one character. Words that do not begin with two ASCII characters
/// are judged on their first alone if it is ASCII, and else always
/// analyzed. `prefilter_never_rejects_a_match` checks all this on every word
/// of the sample corpus and on generated words.
#[derive(Clone, Debug)]
struct Prefilter {
    /// Every word must be analyzed: a fuzzy step may differ anywhere, even
    /// in its first letter.
    all: bool,
    /// ASCII bytes, in either case, that the word of some step begins with.
    first: [bool; 128],
    /// Lower-case ASCII first letters of some step's word that has a single
    /// character or a non-ASCII second one: the second character of a word
    /// beginning so says nothing.
    any_second: [bool; 128],
    /// The first two characters, lower-cased, of the steps' words whose
    /// first two characters are ASCII.
    pairs: Vec<[u8; 2]>,
}

impl Prefilter {
    fn new(patterns: &[Pattern]) -> Prefilter {
        let mut f = Prefilter {
            all: false,
            first: [false; 128],
            any_second: [false; 128],
            pairs: Vec::new(),
        };
        let all = Prefilter {
            all: true,
            ..f.clone()
        };
        for p in patterns {
            for (_, pred) in &p.steps {
                let w = match pred {
                    Pred::Exact(w) | Pred::Prefix(w) => w,
                    Pred::Fuzzy(..) => return all,
                };
                let mut chars = w.chars();
                let Some(c0) = chars.next() else {
                    return all;
                };
                // A word beginning with a non-ASCII character can only be
                // matched by a word that does too, and those are analyzed.
                if !c0.is_ascii() {
                    continue;
                }
                let b0 = c0 as u8;
                f.first[usize::from(b0.to_ascii_lowercase())] = true;
                f.first[usize::from(b0.to_ascii_uppercase())] = true;
                let l0 = b0.to_ascii_lowercase();
                match chars.next() {
                    Some(c1) if c1.is_ascii() => {
                        f.pairs.push([l0, (c1 as u8).to_ascii_lowercase()])
                    }
                    _ => f.any_second[usize::from(l0)] = true,
                }
            }
        }
        f
    }

    /// The bytes a word that `wants` lets through may begin with, as
    /// written: an ASCII first letter of a step's word (in either case), or
    /// the first byte of any non-ASCII character (folding may make it
    /// anything). A word's text begins with its first run of letters and
    /// digits (apostrophes and initials' stops come after a letter, a
    /// compound's joined form begins with its first part), so a word whose
    /// first byte is not one of these is not wanted.
    fn may_begin(&self) -> [bool; 256] {
        let mut t = [true; 256];
        if !self.all {
            t[..128].copy_from_slice(&self.first);
            // UTF-8 lead bytes stay; 0x80..0xC0 only continue a character.
            t[0x80..0xC0].fill(false);
        }
        t
    }

    /// Whether the word `word` (a run of alphanumeric characters, as
    /// written) may match a step, and so must be analyzed.
    fn wants(&self, word: &[u8]) -> bool {
        if self.all {
            return true;
        }
        let Some(&b0) = word.first() else {
            return false;
        };
        // Folding may turn a non-ASCII character into anything.
        if !b0.is_ascii() {
            return true;
        }
        if !self.first[usize::from(b0)] {
            return false;
        }
        let l0 = b0.to_ascii_lowercase();
        match word.get(1) {
            Some(&b1) if b1.is_ascii() && !self.any_second[usize::from(l0)] => {
                let l1 = b1.to_ascii_lowercase();
                // y: the stemmer may make it an i (dying → die).
                l1 == b'y' || self.pairs.contains(&[l0, l1])
            }
            _ => true,
        }
    }
}

/// The words of `text` that `patterns` could match, analyzed only as far as
/// they need. The text is split into words by the analyzers' own splitter
/// (`index::words`: the same words at the same positions), and only words
/// the `Prefilter` lets through go through the analyzers. This spares the
/// analyzer chain nearly every word of a body.
///
/// Most of a body is not even split: see [`glance`]. The splitter runs on
/// the chunks (stretches between ASCII white space) that may hold a wanted
/// word or whose words it alone can count, each chunk on its own. That
/// gives the words the whole text would: no word holds white space, and
/// the splitter decides nothing by what lies past white space that it would
/// decide otherwise at the end of a text (`words_by_chunks_are_the_whole_texts`
/// checks this on the sample corpus and on generated text).
///
/// When every pattern is one word, no match looks at positions (a word
/// matches alone), so they are not counted: the scan jumps from one byte
/// that may begin a wanted word to the next ([`Prefilter::may_begin`]), and
/// only the chunks around those are looked at. A word's position is then
/// its place in its chunk alone.
fn words(patterns: &[Pattern], text: &str, stems: &mut Stems) -> Vec<Word> {
    let filter = Prefilter::new(patterns);
    let mut analyze = PieceAnalyzer::new(patterns);
    let one_word = !filter.all && patterns.iter().all(|p| p.steps.len() == 1);
    let begins = filter.may_begin();
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    // The position of the next chunk's first word (counted unless one_word).
    let mut position = 0;
    // The end of the last chunk looked at.
    let mut done = 0;
    let mut i = 0;
    while i < bytes.len() {
        let start = if one_word {
            // The next byte a wanted word may begin with, at the start of a
            // run of ASCII letters and digits (inside one it begins no word:
            // the run's first byte was judged already); then its chunk.
            let Some(k) = bytes[i..].iter().position(|&b| begins[usize::from(b)]) else {
                break;
            };
            let at = i + k;
            if bytes[at].is_ascii() && at > i && bytes[at - 1].is_ascii_alphanumeric() {
                i = at + 1;
                continue;
            }
            // Back to the chunk's start: no further than the last chunk's
            // end, which is white space or the text's start.
            let mut start = at;
            while start > done && CLASS[usize::from(bytes[start - 1])] != SPACE {
                start -= 1;
            }
            start
        } else if CLASS[usize::from(bytes[i])] == SPACE {
            i += 1;
            continue;
        } else {
            i
        };
        let (end, skip) = glance(bytes, start, &filter);
        i = end;
        done = end;
        if let Some(n) = skip {
            position += n;
            continue;
        }
        // ASCII white space is never inside a character, so this is a str.
        let chunk = &text[start..end];
        let mut next = position;
        for piece in Words::new(chunk) {
            next = position + piece.position + 1;
            if filter.wants(piece.text.as_bytes())
                && let Some(w) = analyze.word(&piece, start, position, stems)
            {
                out.push(w);
            }
        }
        position = if one_word { 0 } else { next };
    }
    out
}

/// A quick look at the chunk of `text` from byte `start` (not white space)
/// to the next ASCII white space: where it ends, and `Some(n)` when the
/// splitter would find exactly `n` words in it and the prefilter would want
/// none of them, so it need not be split (`None` when it must).
///
/// A chunk of ASCII with no apostrophe and no letter or digit alone before
/// a full stop (where initials such as `U.S.` begin) has for words exactly
/// its runs of letters and digits, each at a position of its own (a
/// hyphen between two runs makes them a compound, whose joined form shares
/// the first part's position). The joined form begins with the first
/// part's first letter, and with its first two when the part has two, so a
/// prefilter that wants none of the runs wants none of the words.
fn glance(text: &[u8], start: usize, filter: &Prefilter) -> (usize, Option<usize>) {
    let mut runs = Some(0);
    let mut i = start;
    while let Some(&b) = text.get(i) {
        match CLASS[usize::from(b)] {
            SPACE => break,
            WORD => {
                let from = i;
                i += 1;
                while text.get(i).is_some_and(|&b| CLASS[usize::from(b)] == WORD) {
                    i += 1;
                }
                if let Some(n) = runs.as_mut() {
                    *n += 1;
                    let run = &text[from..i];
                    if filter.wants(run) || (run.len() == 1 && text.get(i) == Some(&b'.')) {
                        runs = None;
                    }
                }
            }
            SPLIT => {
                runs = None;
                i += 1;
            }
            _ => i += 1,
        }
    }
    (i, runs)
}

/// What `glance` makes of a byte: ASCII white space, an ASCII letter or
/// digit, a byte that only the splitter can judge (an apostrophe, any
/// byte of a non-ASCII character), or other ASCII (punctuation: it only
/// separates runs).
const SPACE: u8 = 0;
const WORD: u8 = 1;
const SPLIT: u8 = 2;
const OTHER: u8 = 3;
const CLASS: [u8; 256] = {
    let mut t = [SPLIT; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = if c.is_ascii_whitespace() {
            SPACE
        } else if c.is_ascii_alphanumeric() {
            WORD
        } else if c == b'\'' {
            SPLIT
        } else {
            OTHER
        };
        b += 1;
    }
    t
};

/// Turns the splitter's words into the highlighter's: the analyzers' work
/// on one word at a time.
struct PieceAnalyzer {
    /// Whether some pattern is news-analyzed (and so wants stems).
    news: bool,
    name: TextAnalyzer,
}

impl PieceAnalyzer {
    fn new(patterns: &[Pattern]) -> PieceAnalyzer {
        PieceAnalyzer {
            news: patterns.iter().any(|p| p.analyzer == Analyzer::News),
            name: name_analyzer(),
        }
    }

    /// The word `piece` of a chunk that begins at byte `offset` of the
    /// text, and at the text's word position `position`; `None` for a word
    /// the analyzers drop.
    fn word(
        &mut self,
        piece: &Piece,
        offset: usize,
        position: usize,
        stems: &mut Stems,
    ) -> Option<Word> {
        let word = piece.text.as_ref();
        let plain = if word.is_ascii() {
            // What the name analyzer does to an ASCII word, without its
            // per-call boxing: drop it if too long, else lower-case it
            // (folding leaves ASCII alone).
            if word.len() >= MAX_WORD_BYTES {
                return None;
            }
            word.to_ascii_lowercase()
        } else {
            // The whole of the analyzer chain on one word: the splitter
            // finds exactly this word again, the length filter may drop it.
            let mut ts = self.name.token_stream(word);
            if !ts.advance() {
                return None;
            }
            ts.token().text.clone()
        };
        let stem = if !self.news {
            String::new()
        } else if piece.cjk {
            plain.clone()
        } else {
            stems.of(&plain)
        };
        Some(Word {
            position: position + piece.position,
            start: offset + piece.start,
            end: offset + piece.end,
            plain,
            stem,
        })
    }
}

/// Every place in `text` where one of `patterns` matches.
fn find(patterns: &[Pattern], text: &str, stems: &mut Stems) -> Vec<Span> {
    let mut out = Vec::new();
    if patterns.is_empty() {
        return out;
    }
    let toks = words(patterns, text, stems);
    for (pi, p) in patterns.iter().enumerate() {
        for i in 0..toks.len() {
            if let Some(end) = match_at(&toks, i, p) {
                out.push(Span {
                    start: toks[i].start,
                    end,
                    pattern: pi,
                });
            }
        }
    }
    out.sort_by_key(|s| (s.start, s.end));
    out
}

/// The byte end of the match of `p` starting at word `i`, if any. Several
/// words may share a position (a compound's parts joined sit at its first
/// part's): a step matches any of them, and the first step word `i` itself.
fn match_at(toks: &[Word], i: usize, p: &Pattern) -> Option<usize> {
    let base = toks[i].position;
    let mut end = toks[i].end;
    let mut j = i;
    for (k, (off, pred)) in p.steps.iter().enumerate() {
        let want = base + off;
        while j < toks.len() && toks[j].position < want {
            j += 1;
        }
        let t = if k == 0 {
            toks.get(i).filter(|t| pred.test(t.text(p.analyzer)))?
        } else {
            toks[j..]
                .iter()
                .take_while(|t| t.position == want)
                .find(|t| pred.test(t.text(p.analyzer)))?
        };
        end = end.max(t.end);
    }
    Some(end)
}

/// `spans` as character ranges of `text`, with their patterns. One pass
/// over the bytes up to the last match, and no table as long as the text.
fn char_spans(text: &str, spans: &[Span]) -> Vec<(usize, usize, usize)> {
    let bytes = text.as_bytes();
    // A character starts at every byte that is not a UTF-8 continuation byte.
    let chars_in = |a: usize, b: usize| bytes[a..b].iter().filter(|&&x| x & 0xC0 != 0x80).count();
    let mut order: Vec<&Span> = spans.iter().collect();
    order.sort_by_key(|s| s.start);
    let (mut byte, mut char) = (0, 0);
    let mut out = Vec::with_capacity(spans.len());
    for s in order {
        let start = s.start.min(bytes.len());
        let end = s.end.clamp(start, bytes.len());
        char += chars_in(byte, start);
        byte = start;
        out.push((char, char + chars_in(start, end), s.pattern));
    }
    out
}

/// Sorted, overlapping ranges joined; the pattern set kept as a bit mask.
fn merge(mut v: Vec<(usize, usize, usize)>) -> Vec<Mark> {
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

/// A text's characters by character index. Passages are chosen in
/// characters, and decoding a whole body into a `Vec<char>` cost more than
/// choosing; for an ASCII text (most news) a byte is a character, so its
/// bytes serve as they are. The two give the same characters, so the same
/// passages.
trait Chars {
    fn len(&self) -> usize;
    fn at(&self, i: usize) -> char;
}

impl Chars for [char] {
    fn len(&self) -> usize {
        <[char]>::len(self)
    }
    fn at(&self, i: usize) -> char {
        self[i]
    }
}

/// The bytes of an ASCII text.
struct Ascii<'a>(&'a [u8]);

impl Chars for Ascii<'_> {
    fn len(&self) -> usize {
        self.0.len()
    }
    fn at(&self, i: usize) -> char {
        char::from(self.0[i])
    }
}

fn is_sentence_start<C: Chars + ?Sized>(chars: &C, p: usize) -> bool {
    if p == 0 {
        return true;
    }
    if chars.at(p).is_whitespace() || !chars.at(p - 1).is_whitespace() {
        return false;
    }
    let mut k = p;
    let mut newline = false;
    while k > 0 && chars.at(k - 1).is_whitespace() {
        newline |= chars.at(k - 1) == '\n';
        k -= 1;
    }
    if newline || k == 0 {
        return true;
    }
    match chars.at(k - 1) {
        '!' | '?' | '…' | '"' | '”' => true,
        '.' => !abbreviation(chars, k - 1),
        _ => false,
    }
}

/// Whether the word ending at character `end` is a short capitalised
/// abbreviation ("No", "Mr", "U.S", "Gen") whose full stop does not end a
/// sentence. The word is the run of letters and full stops before `end`.
fn abbreviation<C: Chars + ?Sized>(chars: &C, end: usize) -> bool {
    let mut letters = 0;
    let mut stop = false;
    let mut first = None;
    for i in (0..end).rev() {
        let c = chars.at(i);
        if c.is_alphabetic() {
            letters += 1;
        } else if c == '.' {
            stop = true;
        } else {
            break;
        }
        first = Some(c);
    }
    first.is_some_and(|c| c.is_uppercase()) && (letters <= 3 || stop)
}

/// Where a passage showing a match at `s` begins: a sentence start shortly
/// before, else a word start a little before.
fn window_start<C: Chars + ?Sized>(chars: &C, s: usize, max: usize) -> usize {
    let floor = s.saturating_sub(max / 3);
    if let Some(p) = (floor..=s).rev().find(|&p| is_sentence_start(chars, p)) {
        return p;
    }
    let mut p = s.saturating_sub(max / 6);
    while p < s && p > 0 && !chars.at(p - 1).is_whitespace() {
        p += 1;
    }
    while p < s && chars.at(p).is_whitespace() {
        p += 1;
    }
    p
}

/// Where a passage from `start` ends: about `max` characters on, at the end
/// of a word, trailing space dropped.
fn window_end<C: Chars + ?Sized>(chars: &C, start: usize, max: usize) -> usize {
    let n = chars.len();
    let mut e = start.saturating_add(max).min(n);
    if e < n {
        let mut k = e;
        while k > start && !chars.at(k).is_whitespace() {
            k -= 1;
        }
        if k > start {
            e = k;
        }
    }
    while e > start && chars.at(e - 1).is_whitespace() {
        e -= 1;
    }
    e
}

/// Choose the passages with the most distinct matches (then the most
/// matches), cut at word boundaries, whitespace collapsed to single spaces.
pub fn snippet(text: &str, spans: &[Span], max_chars: usize, fragments: usize) -> Marked {
    if text.is_ascii() {
        // Byte offsets are character offsets.
        let marks = spans.iter().map(|s| {
            let start = s.start.min(text.len());
            (start, s.end.clamp(start, text.len()), s.pattern)
        });
        passages(
            &Ascii(text.as_bytes()),
            merge(marks.collect()),
            max_chars,
            fragments,
        )
    } else {
        let chars: Vec<char> = text.chars().collect();
        passages(
            chars.as_slice(),
            merge(char_spans(text, spans)),
            max_chars,
            fragments,
        )
    }
}

/// A mark: start and end character, and the bit of each pattern it shows.
type Mark = (usize, usize, u64);

/// `snippet` on the characters of the text, its marks merged.
fn passages<C: Chars + ?Sized>(
    chars: &C,
    marks: Vec<Mark>,
    max_chars: usize,
    fragments: usize,
) -> Marked {
    let max = max_chars.max(20);
    let mut chosen = choose_windows(chars, &marks, max, fragments);
    if chosen.is_empty() {
        chosen.push(opening(chars, max));
    }
    chosen.sort();
    write_passages(chars, &marks, &chosen)
}

/// Up to `fragments` windows that do not overlap, each the best for the
/// marks not yet shown.
fn choose_windows<C: Chars + ?Sized>(
    chars: &C,
    marks: &[Mark],
    max: usize,
    fragments: usize,
) -> Vec<(usize, usize)> {
    let mut used = vec![false; marks.len()];
    let mut chosen: Vec<(usize, usize)> = Vec::new();
    for _ in 0..fragments.max(1) {
        let Some((start, end)) = best_window(chars, marks, &used, &chosen, max) else {
            break;
        };
        for (j, n) in marks.iter().enumerate() {
            if n.0 >= start && n.1 <= end {
                used[j] = true;
            }
        }
        chosen.push((start, end));
    }
    chosen
}

/// Of the windows around each unused mark that overlap no chosen one, the
/// one showing the most distinct patterns, then the most marks (the first
/// such in text order).
fn best_window<C: Chars + ?Sized>(
    chars: &C,
    marks: &[Mark],
    used: &[bool],
    chosen: &[(usize, usize)],
    max: usize,
) -> Option<(usize, usize)> {
    let mut best: Option<(u64, usize, usize)> = None;
    for (i, m) in marks.iter().enumerate() {
        if used[i] {
            continue;
        }
        let start = window_start(chars, m.0, max);
        let end = window_end(chars, start, max);
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
    best.map(|(_, start, end)| (start, end))
}

/// The passage shown when nothing is marked: the text's opening words.
fn opening<C: Chars + ?Sized>(chars: &C, max: usize) -> (usize, usize) {
    let start = (0..chars.len())
        .find(|&i| !chars.at(i).is_whitespace())
        .unwrap_or(0);
    (start, window_end(chars, start, max))
}

/// The snippet text being written, and its length in characters (where the
/// next mark would start).
#[derive(Default)]
struct Out {
    text: String,
    len: usize,
}

impl Out {
    fn push_str(&mut self, s: &str) {
        self.text.push_str(s);
        self.len += s.chars().count();
    }

    fn push(&mut self, c: char) {
        self.text.push(c);
        self.len += 1;
    }
}

/// The `chosen` windows (sorted) joined by ellipses, whitespace collapsed to
/// single spaces, with the marks inside them moved to output positions.
fn write_passages<C: Chars + ?Sized>(
    chars: &C,
    marks: &[Mark],
    chosen: &[(usize, usize)],
) -> Marked {
    let mut out = Out::default();
    let mut highlights = Vec::new();
    if chosen.first().is_some_and(|c| c.0 > 0) {
        out.push_str("… ");
    }
    for (k, &(s, e)) in chosen.iter().enumerate() {
        if k > 0 {
            out.push_str(" … ");
        }
        let at = write_window(chars, s, e, &mut out);
        for m in marks {
            if m.0 >= s && m.1 <= e && m.0 < m.1 {
                highlights.push([at[m.0 - s], at[m.1 - s]]);
            }
        }
    }
    if chosen.last().is_some_and(|c| c.1 < chars.len()) {
        out.push_str(" …");
    }
    Marked {
        text: out.text,
        highlights,
    }
}

/// Write characters `s..e` with runs of whitespace as one space; returns the
/// output position of each character, and of the end.
fn write_window<C: Chars + ?Sized>(chars: &C, s: usize, e: usize, out: &mut Out) -> Vec<usize> {
    let mut at = Vec::with_capacity(e - s + 1);
    let mut last_space = false;
    for c in (s..e).map(|i| chars.at(i)) {
        at.push(out.len);
        if c.is_whitespace() {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
        } else {
            out.push(c);
            last_space = false;
        }
    }
    at.push(out.len);
    at
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
        let mut h = Highlighter::new(&parse(query, DefaultOperator::And).unwrap());
        let chars: Vec<char> = text.chars().collect();
        h.title_marks(text)
            .iter()
            .map(|[s, e]| chars[*s..*e].iter().collect())
            .collect()
    }

    /// Issue 16: the work per hit is bounded: only the head of a huge body
    /// is scanned for passages.
    #[test]
    fn snippets_come_from_a_bounded_head_of_the_body() {
        let mut h = Highlighter::new(&parse("needle", DefaultOperator::And).unwrap());
        let filler = "Plain words about the harbour and its cranes.\n\n".repeat(20_000);
        assert!(filler.len() > MAX_SCAN_BYTES);
        let late = format!("{filler}The needle is here.");
        let s = h.snippet(&late, 200, 1);
        assert!(s.highlights.is_empty(), "{s:?}");
        assert!(s.text.starts_with("Plain words"), "{}", s.text);
        let early = format!("The needle is here.\n\n{filler}");
        assert_eq!(h.snippet(&early, 200, 1).highlights.len(), 1);
        assert_eq!(head("ab\u{e9}", 3), "ab");
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

    /// `find` as it was before it skipped words: every word through the
    /// full analyzer of its pattern.
    fn find_by_full_analysis(patterns: &[Pattern], text: &str) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for p in patterns {
            let words = tokens(&mut p.analyzer.text_analyzer(), text);
            for i in 0..words.len() {
                if let Some(end) = match_at(&words, i, p) {
                    out.push((words[i].start, end));
                }
            }
        }
        out.sort();
        out
    }

    #[test]
    fn skipping_words_finds_what_full_analysis_finds() {
        let text = "Ministers met in Tokyo: rare earths, rarer earthly ores, Rare-Earth \
            pacts and exporting nations. Yesterday's yields rose; dying trade, \
            skies, news, generously generalized generations. Gemba, Gembo and \
            Fukushima's élan: cafés, Café, 1987 prices, 12.5 pct, \
            connected connections connecting, Japan's Japanese minister Edano. \
            Élan ÉLAN İstanbul Ærø æther ﬁnance Ｒare rare \
            supercalifragilisticexpialidociousandthensomemorewords rare earth \
            rareaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa rarebbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.";
        let queries = [
            "rare",
            "\"rare earth\"",
            "earthly",
            "export nation",
            "yesterday yield",
            "dying OR sky OR news",
            "generous general generation",
            "gembo~1",
            "fuku* OR japan*",
            "elan cafe",
            "1987 price pct",
            "connect",
            "minister:edano OR country:japan",
            "title:\"rare earths\" OR body:ores",
            "\"japanese minister\"",
            "istanbul OR aero OR aether OR finance",
            "\"ores pacts\" OR \"nations yesterday\"",
            // A query word of 40 bytes or more is a query error; the text's
            // long words still take their positions.
            "rare* OR \"rare earth\"",
        ];
        // One memory of stems for all of them, as for the hits of a search.
        let mut stems = Stems::default();
        for q in queries {
            let h = Highlighter::new(&parse(q, DefaultOperator::Or).unwrap());
            for patterns in [&h.title, &h.body] {
                let mut got: Vec<(usize, usize)> = find(patterns, text, &mut stems)
                    .iter()
                    .map(|s| (s.start, s.end))
                    .collect();
                got.sort();
                assert_eq!(got, find_by_full_analysis(patterns, text), "{q}");
            }
            assert!(
                !find(&h.title, text, &mut stems).is_empty(),
                "{q} matches nothing"
            );
        }
    }

    #[test]
    fn stem_keeps_the_first_character() {
        let text = "a I yes yellow yesterday's you're yéll ski skis skies sky dying lying \
            tying idly gently ugly early only singly news howe atlas cosmos bias andes \
            generously generalization communism arsenal universal organizations 1980s \
            3rd été über αλφα 日本語 xs zz eed eedly ing ed ational ies sses ss us abeyance";
        for (_, w) in analyze(Analyzer::Name, text) {
            let stemmed = stem(&w);
            assert_eq!(stemmed.chars().next(), w.chars().next(), "{w} -> {stemmed}");
        }
        // The one-word stemmer is the news analyzer's last step.
        let news: Vec<String> = analyze(Analyzer::News, text)
            .into_iter()
            .map(|t| t.1)
            .collect();
        let each: Vec<String> = analyze(Analyzer::Name, text)
            .into_iter()
            .map(|t| stem(&t.1))
            .collect();
        assert_eq!(news, each);
    }

    /// Words to try the prefilter on: every word of the sample corpus as
    /// the splitter hands it to the prefilter (as written, less apostrophes
    /// and initials' stops), every word of up to three letters, and every two-character
    /// start followed by the endings the stemmer rewrites (with and without
    /// a letter between, to land on both sides of R1).
    fn prefilter_words() -> Vec<String> {
        let mut out = Vec::new();
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/sample-corpus");
        for e in walkdir::WalkDir::new(dir).into_iter().flatten() {
            if let Ok(text) = std::fs::read_to_string(e.path()) {
                out.extend(Words::new(&text).map(|p| p.text.into_owned()));
            }
        }
        let letters: Vec<char> = ('a'..='z').collect();
        for a in &letters {
            out.push(a.to_string());
            for b in &letters {
                out.push(format!("{a}{b}"));
                for c in &letters {
                    out.push(format!("{a}{b}{c}"));
                }
            }
        }
        let endings = [
            "", "s", "es", "ies", "ied", "sses", "ss", "us", "ed", "eed", "ing", "edly", "eedly",
            "ingly", "ly", "li", "y", "e", "l", "ll", "al", "ational", "tional", "ation",
            "ization", "izer", "ator", "iveness", "fulness", "ousness", "ogist", "ogi", "bli",
            "abli", "alli", "fulli", "lessli", "ousli", "entli", "aliti", "biliti", "iviti",
            "alism", "icate", "ative", "alize", "iciti", "ical", "ful", "ness", "ic", "ance",
            "ence", "able", "ible", "ate", "ive", "ize", "iti", "ism", "ion", "sion", "er", "ous",
            "ant", "ent", "ment", "ement", "at", "bl", "iz", "bb", "dd", "tt", "ying",
        ];
        let starts: Vec<char> = ('a'..='z').chain(['1']).collect();
        for a in &starts {
            for b in &starts {
                for mid in ["", "a", "t"] {
                    for e in endings {
                        out.push(format!("{a}{b}{mid}{e}"));
                    }
                }
            }
        }
        // The stemmer's own exceptions, and words with the prefixes that
        // move R1, capitalised as a headline would have them.
        for w in [
            "Skis",
            "SKIES",
            "Dying",
            "LYING",
            "Tying",
            "Vying",
            "Idly",
            "Gently",
            "Ugly",
            "Early",
            "Only",
            "Singly",
            "News",
            "Howe",
            "Atlas",
            "Cosmos",
            "Bias",
            "Andes",
            "Succeeding",
            "Proceeded",
            "Exceedingly",
            "Evening",
            "Canning",
            "Inning",
            "Earring",
            "Herring",
            "Outing",
            "Generously",
            "Communism",
            "Arsenal",
            "Emerging",
            "Interest",
            "Laterally",
            "Organizations",
            "Pasting",
            "Universal",
            "Pasted",
        ] {
            out.push(w.to_string());
        }
        out
    }

    #[test]
    fn prefilter_never_rejects_a_match() {
        let words = prefilter_words();
        assert!(words.len() > 100_000);
        let pattern = |analyzer, pred| Pattern {
            analyzer,
            steps: vec![(0, pred)],
        };
        let mut stems = Stems::default();
        for raw in &words {
            let Some((_, plain)) = analyze(Analyzer::Name, raw).into_iter().next() else {
                continue;
            };
            let stemmed = stems.of(&plain);
            let mut tries = vec![
                pattern(Analyzer::News, Pred::Exact(stemmed.clone())),
                pattern(Analyzer::Name, Pred::Exact(plain.clone())),
            ];
            // Every prefix step the stem (news) or the word (name) meets.
            for (a, form) in [(Analyzer::News, &stemmed), (Analyzer::Name, &plain)] {
                for (i, _) in form.char_indices().skip(1).take(3) {
                    tries.push(pattern(a, Pred::Prefix(form[..i].to_string())));
                }
                tries.push(pattern(a, Pred::Prefix(form.clone())));
            }
            for p in tries {
                assert!(
                    Prefilter::new(std::slice::from_ref(&p)).wants(raw.as_bytes()),
                    "{raw} ({plain} -> {stemmed}) rejected for {p:?}"
                );
            }
        }
        // And it does reject: the point of it.
        let f = Prefilter::new(&[pattern(Analyzer::News, Pred::Exact("price".into()))]);
        for (w, want) in [
            ("prices", true),
            ("Pricing", true),
            ("pct", false),
            ("per", false),
            ("py", true),
            ("oil", false),
            ("über", true),
        ] {
            assert_eq!(f.wants(w.as_bytes()), want, "{w}");
        }
    }

    /// `words` without chunks: the splitter over the whole text, every
    /// word it hands out tried on the prefilter.
    fn words_whole(patterns: &[Pattern], text: &str, stems: &mut Stems) -> Vec<Word> {
        let filter = Prefilter::new(patterns);
        let mut analyze = PieceAnalyzer::new(patterns);
        Words::new(text)
            .filter(|p| filter.wants(p.text.as_bytes()))
            .filter_map(|p| analyze.word(&p, 0, 0, stems))
            .collect()
    }

    /// Words as `find` uses them: when every pattern is one word, no match
    /// looks at positions, and `words` does not count them.
    fn comparable(patterns: &[Pattern], mut words: Vec<Word>) -> Vec<Word> {
        if patterns.iter().all(|p| p.steps.len() == 1) {
            words.iter_mut().for_each(|w| w.position = 0);
        }
        words
    }

    /// Texts where chunks and their words meet in every way the splitter
    /// knows: initials, apostrophes, compounds, CJK, white space of each
    /// kind, words at the very start and end.
    const CHUNK_EDGES: &str = "U.S. envoys met U.K. and e.g. Mr. A. Smith in the '80s; \
        Japan's O'Neill-Smith said don't, Jones's car, ministers' pay, Japan'sx. \
        rare-earth co-operation state-of-the-art 1987-88 F-16 oil - gas -x y- \
        3.5 a.1 bbc.co.uk J.P.Morgan U.S.-Japan U.S.A and U.K\tTokyo東京 地 震 \
        東京で地震 서울 시장 naïve Zürich D’Estaing ’s 21ß wörrying Ärare \
        '\r\nrare\u{a0}earth\u{b}rates \
        interest-rates interest rates INTEREST RATES. Interest, rates! pct.\n\nx.";

    /// Queries whose patterns exercise the prefilter, phrases across
    /// chunks and compounds.
    const CHUNK_QUERIES: &[&str] = &[
        "rare",
        "\"rare earth\"",
        "\"interest rates\"",
        "\"envoys met\" OR \"u.s. envoys\"",
        "us OR uk OR eg",
        "cooperation OR operation OR \"state of the art\"",
        "f16 OR 16 OR 1987 OR 88",
        "oneill OR smith OR dont OR japan",
        "東京 OR 地震 OR 서울",
        "zurich OR naive OR destaing",
        "pct OR x OR a",
        "inter* OR ra*",
        "gas~1",
        "title:\"oil gas\" OR body:\"jones car\"",
        "minister:smith OR country:japan",
    ];

    #[test]
    fn words_by_chunks_are_the_whole_texts() {
        let mut texts = vec![CHUNK_EDGES.to_string(), String::new(), " \t\n".into()];
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/sample-corpus");
        for e in walkdir::WalkDir::new(dir).into_iter().flatten() {
            if let Ok(text) = std::fs::read_to_string(e.path()) {
                texts.push(text);
            }
        }
        assert!(texts.len() > 40);
        let mut stems = Stems::default();
        let mut queries: Vec<String> = CHUNK_QUERIES.iter().map(|q| q.to_string()).collect();
        // And phrases of three words of each text, wherever they fall.
        for t in &texts {
            let all: Vec<String> = Words::new(t).map(|p| p.text.into_owned()).collect();
            for w in all.chunks(3).step_by(37).filter(|w| w.len() == 3) {
                queries.push(format!("\"{}\"", w.join(" ")));
            }
        }
        let mut found = 0;
        for q in &queries {
            let Ok(root) = parse(q, DefaultOperator::Or) else {
                continue;
            };
            let h = Highlighter::new(&root);
            for patterns in [&h.title, &h.body] {
                for t in &texts {
                    let whole = words_whole(patterns, t, &mut stems);
                    assert_eq!(
                        comparable(patterns, words(patterns, t, &mut stems)),
                        comparable(patterns, whole),
                        "{q}"
                    );
                    found += find(patterns, t, &mut stems).len();
                }
            }
        }
        // The queries do match: the words compared are the ones that count.
        assert!(found > 1000, "{found}");
    }

    proptest::proptest! {
        /// Generated text: the chunks give the whole text's words.
        #[test]
        fn words_by_chunks_on_generated_text(
            text in "([a-zA-Z0-9]{1,6}|['’\\-\u{2010}. ]{1,2}|[ \t\n\r\u{b}\u{a0}]|[東京で지진éß]{1,3}|.){0,40}",
            q in 0..CHUNK_QUERIES.len(),
        ) {
            let h = Highlighter::new(&parse(CHUNK_QUERIES[q], DefaultOperator::Or).unwrap());
            let mut stems = Stems::default();
            for patterns in [&h.title, &h.body] {
                let whole = words_whole(patterns, &text, &mut stems);
                proptest::prop_assert_eq!(
                    comparable(patterns, words(patterns, &text, &mut stems)),
                    comparable(patterns, whole)
                );
            }
        }
    }

    #[test]
    fn char_spans_convert_byte_offsets() {
        let text = "Café «Gemba» — Gemba, 日本";
        let span = |w: &str, nth: usize, pattern: usize| {
            let start = text.match_indices(w).nth(nth).unwrap().0;
            Span {
                start,
                end: start + w.len(),
                pattern,
            }
        };
        // Out of order on purpose: the conversion sorts.
        let spans = [
            span("日本", 0, 2),
            span("Café", 0, 0),
            span("Gemba", 1, 1),
            span("Gemba", 0, 1),
        ];
        assert_eq!(
            char_spans(text, &spans),
            vec![(0, 4, 0), (6, 11, 1), (15, 20, 1), (22, 24, 2)]
        );
    }

    #[test]
    fn char_offsets_count_scalar_values() {
        let text = "Café «Gemba» — Gemba";
        assert_eq!(marked_words("gemba", text), ["Gemba", "Gemba"]);
        let mut h = Highlighter::new(&parse("gemba", DefaultOperator::And).unwrap());
        assert_eq!(h.title_marks(text), vec![[6, 11], [15, 20]]);
    }

    #[test]
    fn snippet_picks_the_densest_passage_and_collapses_breaks() {
        let filler = "Nothing to see in this sentence at all. ".repeat(10);
        let text = format!("{filler}Rare items.\n\nThe rare earth pact was signed. {filler}End.");
        let mut h = Highlighter::new(&parse("\"rare earth\"", DefaultOperator::And).unwrap());
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
        let mut h = Highlighter::new(&parse("gemba OR fukushima", DefaultOperator::And).unwrap());
        let m = h.snippet(&text, 40, 2);
        assert!(m.text.starts_with("Gemba spoke."), "{}", m.text);
        assert!(m.text.contains(" … Then Fukushima"), "{}", m.text);
        assert_eq!(m.highlights.len(), 2);
        let one = h.snippet(&text, 40, 1);
        assert_eq!(one.highlights.len(), 1);
    }

    #[test]
    fn huge_sizes_do_not_overflow() {
        let mut h = Highlighter::new(&parse("gemba", DefaultOperator::And).unwrap());
        let m = h.snippet("Gemba spoke.\n\nThen left.", usize::MAX, usize::MAX);
        assert_eq!(m.text, "Gemba spoke. Then left.");
        assert_eq!(m.highlights, vec![[0, 5]]);
    }

    #[test]
    fn no_match_gives_the_opening() {
        let mut h = Highlighter::new(&parse("minister:nobody", DefaultOperator::And).unwrap());
        let m = h.snippet("First words here.\n\nSecond paragraph.", 200, 1);
        assert_eq!(m.text, "First words here. Second paragraph.");
        assert!(m.highlights.is_empty());
    }

    #[test]
    fn passages_start_at_sentences_not_abbreviations() {
        let text = "Earlier news. A blast hit the No. 3 reactor at Fukushima today.";
        let chars: Vec<char> = text.chars().collect();
        let at = text.find("Fukushima").unwrap();
        assert_eq!(window_start(chars.as_slice(), at, 200), 14);
        assert!(is_sentence_start(chars.as_slice(), 14));
        assert!(!is_sentence_start(chars.as_slice(), 34), "after No.");
        let us = "Talks with the U.S. resumed.".chars().collect::<Vec<_>>();
        assert!(!is_sentence_start(us.as_slice(), 20));
        // The same on the bytes of the ASCII texts.
        assert_eq!(window_start(&Ascii(text.as_bytes()), at, 200), 14);
        assert!(!is_sentence_start(&Ascii(text.as_bytes()), 34));
        assert!(!is_sentence_start(
            &Ascii(b"Talks with the U.S. resumed."),
            20
        ));
    }

    #[test]
    fn ascii_bytes_and_decoded_characters_give_the_same_passages() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/sample-corpus");
        let mut texts: Vec<String> = walkdir::WalkDir::new(dir)
            .into_iter()
            .flatten()
            .filter_map(|e| std::fs::read_to_string(e.path()).ok())
            .filter(|t| t.is_ascii())
            .collect();
        texts.push("No. 3 reactor. Mr. Gemba met U.S. envoys.\n\n  Gemba left!  ".into());
        assert!(texts.len() > 5);
        let mut stems = Stems::default();
        for q in [
            "rare earth",
            "japan OR nuclear",
            "\"prime minister\"",
            "gemba",
            "the",
        ] {
            let h = Highlighter::new(&parse(q, DefaultOperator::Or).unwrap());
            for text in &texts {
                let spans = find(&h.body, text, &mut stems);
                let chars: Vec<char> = text.chars().collect();
                for (max, n) in [(200, 1), (120, 3), (20, 2), (1000, 5)] {
                    let decoded =
                        passages(chars.as_slice(), merge(char_spans(text, &spans)), max, n);
                    assert_eq!(snippet(text, &spans, max, n), decoded, "{q} {max} {n}");
                }
            }
        }
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
