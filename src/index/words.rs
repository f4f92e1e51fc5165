//! Where the words of a text are: the one word splitter of both analyzers
//! (`news` and `name`), used alike to index, to read a query and to
//! highlight, so a mark is exactly a place the index matched. Pure.
//!
//! The rules (`schema/news.toml` states them for other engines):
//! - A word is a run of letters and digits (Unicode alphanumerics) outside
//!   the CJK scripts.
//! - An apostrophe (`'` or `’`) between two letters is inside the word. A
//!   final `'s` is a possessive and is dropped (`Japan's` → `Japan`,
//!   `Jones's` → `Jones`); any other apostrophe is removed and the word
//!   joined (`O'Neill` → `ONeill`, `D'Estaing` → `DEstaing`, `don't` →
//!   `dont`). An apostrophe elsewhere separates words.
//! - A hyphen (`-`, U+2010, U+2011) between two letters or digits makes a
//!   compound: each part is a word of its own, at consecutive positions
//!   (`rare-earth` is the words `rare` `earth`, as in `rare earth`), and
//!   when the compound has a letter, its parts joined are one more word at
//!   the position of the first part (`co-operation` is also `cooperation`).
//! - Initials are one word: two or more single letters each followed by a
//!   full stop (the last stop may be missing) and then no word character
//!   (`U.S.` → `US`, `U.K.` → `UK`), so `us` and `US` find `U.S.`.
//! - Runs of CJK characters (Han, Hiragana, Katakana, Hangul) are cut into
//!   overlapping pairs of characters, one word per pair at consecutive
//!   positions, as Lucene's CJK bigram filter does (`東京で地震` → `東京`
//!   `京で` `で地` `地震`); a CJK character alone is a word of one.
//! - Every word takes a position, counting from 0 (the joined form of a
//!   compound shares its first part's); the analyzers then drop words of
//!   `MAX_WORD_BYTES` or more, lower-case, fold accents and (news) stem.
//!   A CJK character that is not a letter or digit (an unassigned code
//!   point) separates words.

use std::borrow::Cow;

/// One word of a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Piece<'a> {
    /// Byte range of the text the word covers, as written (a possessive's
    /// `'s` is left out; a compound's joined form covers the compound).
    pub start: usize,
    pub end: usize,
    pub position: usize,
    /// The word with apostrophes removed and a compound's parts joined: what
    /// the analyzers lower-case, fold and stem.
    pub text: Cow<'a, str>,
    /// A compound's parts joined (a second word at its first part's place).
    pub joined: bool,
    /// A CJK pair (or single character): not stemmed.
    pub cjk: bool,
}

/// Whether `c` belongs to a script written without spaces between words
/// (cut into pairs of characters).
pub fn is_cjk(c: char) -> bool {
    matches!(u32::from(c),
        0x1100..=0x11FF      // Hangul Jamo
        | 0x3040..=0x309F    // Hiragana
        | 0x30A0..=0x30FF    // Katakana
        | 0x3130..=0x318F    // Hangul compatibility Jamo
        | 0x31F0..=0x31FF    // Katakana phonetic extensions
        | 0x3400..=0x4DBF    // CJK extension A
        | 0x4E00..=0x9FFF    // CJK unified ideographs
        | 0xA960..=0xA97F    // Hangul Jamo extended A
        | 0xAC00..=0xD7AF    // Hangul syllables
        | 0xF900..=0xFAFF    // CJK compatibility ideographs
        | 0xFF66..=0xFF9F    // half-width Katakana
        | 0x20000..=0x3FFFF) // CJK extensions B and later
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '’'
}

fn is_hyphen(c: char) -> bool {
    c == '-' || c == '\u{2010}' || c == '\u{2011}'
}

/// Whether a byte is an ASCII letter or digit, by table: one load a byte
/// in the loops that read most of a text.
static ASCII_ALNUM: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    t
};

/// The character at byte `i` of `text` and its width (ASCII first).
#[inline]
fn char_at(text: &str, i: usize) -> Option<(char, usize)> {
    let b = *text.as_bytes().get(i)?;
    if b.is_ascii() {
        return Some((char::from(b), 1));
    }
    text[i..].chars().next().map(|c| (c, c.len_utf8()))
}

/// A word character outside the CJK scripts.
#[inline]
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        c.is_alphanumeric() && !is_cjk(c)
    }
}

/// One part of a compound: its span and its text without apostrophes.
struct Part {
    start: usize,
    end: usize,
    /// Byte offsets of apostrophes removed inside the part.
    joined_at: Vec<usize>,
}

/// The words of a text, in order; see the module documentation.
pub struct Words<'a> {
    text: &'a str,
    at: usize,
    /// Position of the next word.
    position: usize,
    /// Words found but not yet handed out (the rest of a compound, of a
    /// CJK run), in reverse order.
    queue: Vec<Piece<'a>>,
    /// Take plain ASCII words by [`Words::plain_ascii`] (off only in tests,
    /// to check it against the general rules).
    shortcut: bool,
}

impl<'a> Words<'a> {
    pub fn new(text: &'a str) -> Words<'a> {
        Words {
            text,
            at: 0,
            position: 0,
            queue: Vec::new(),
            shortcut: true,
        }
    }

    /// The words by the general rules alone, without the shortcut.
    #[cfg(test)]
    fn general(text: &'a str) -> Words<'a> {
        Words {
            shortcut: false,
            ..Words::new(text)
        }
    }

    /// The part starting at byte `start` (a word character): up to the end
    /// of the run, through inner apostrophes, without a final `'s`.
    /// Returns the part and the byte where scanning goes on.
    fn part(&self, start: usize) -> (Part, usize) {
        let text = self.text;
        let mut i = start;
        let mut joined_at = Vec::new();
        loop {
            match char_at(text, i) {
                Some((c, w)) if is_word_char(c) => i += w,
                Some((c, w)) if is_apostrophe(c) => {
                    let Some((n, nw)) = char_at(text, i + w) else {
                        break;
                    };
                    let before_letter = text[..i]
                        .chars()
                        .next_back()
                        .is_some_and(char::is_alphabetic);
                    if !before_letter || !n.is_alphabetic() || is_cjk(n) {
                        break;
                    }
                    let after = char_at(text, i + w + nw).map(|(c, _)| c);
                    if (n == 's' || n == 'S') && !after.is_some_and(is_word_char) {
                        // Possessive: the word ends here, the 's is skipped.
                        return (
                            Part {
                                start,
                                end: i,
                                joined_at,
                            },
                            i + w + nw,
                        );
                    }
                    joined_at.push(i);
                    i += w;
                }
                _ => break,
            }
        }
        (
            Part {
                start,
                end: i,
                joined_at,
            },
            i,
        )
    }

    /// The text of a part: its bytes without the apostrophes removed.
    fn part_text(&self, p: &Part) -> Cow<'a, str> {
        let text = self.text;
        if p.joined_at.is_empty() {
            return Cow::Borrowed(&text[p.start..p.end]);
        }
        let mut s = String::with_capacity(p.end - p.start);
        let mut from = p.start;
        for &a in &p.joined_at {
            s.push_str(&text[from..a]);
            from = a + char_at(text, a).map_or(1, |(_, w)| w);
        }
        s.push_str(&text[from..p.end]);
        Cow::Owned(s)
    }

    /// Initials starting at byte `start`: two or more single letters, each
    /// followed by a full stop (the last one's may be missing), the next
    /// character not a word character (`U.S.`, `U.K.`, `e.g.`). Returns
    /// the letters and the byte after the last one's stop.
    fn initials(&self, start: usize) -> Option<(String, usize)> {
        let text = self.text;
        // Nearly every word fails here, before anything is allocated.
        let (_, w) = char_at(text, start)?;
        if text.as_bytes().get(start + w) != Some(&b'.') {
            return None;
        }
        let mut letters = String::new();
        let mut i = start;
        loop {
            let (c, w) = char_at(text, i).filter(|(c, _)| c.is_alphabetic() && !is_cjk(*c))?;
            letters.push(c);
            i += w;
            match char_at(text, i) {
                Some(('.', 1)) => i += 1,
                Some((c, _)) if is_word_char(c) || is_apostrophe(c) || is_hyphen(c) => {
                    return None;
                }
                _ => break,
            }
            match char_at(text, i) {
                Some((c, _)) if is_word_char(c) => {}
                _ => break,
            }
        }
        (letters.chars().count() >= 2).then_some((letters, i))
    }

    /// Where the next part of a compound starts when the part that ended at
    /// `end` (the word going on at `next`) is followed by a hyphen between
    /// two word characters; `None` when the word ends there (a possessive
    /// ended it when `next` is past `end`).
    fn hyphen_joins(&self, end: usize, next: usize) -> Option<usize> {
        let text = self.text;
        if next != end {
            return None;
        }
        let (h, hw) = char_at(text, next)?;
        if !is_hyphen(h) || !text[..next].chars().next_back().is_some_and(is_word_char) {
            return None;
        }
        match char_at(text, next + hw) {
            Some((c, _)) if is_word_char(c) => Some(next + hw),
            _ => None,
        }
    }

    /// The word starting at byte `start` (an ASCII letter or digit) when it
    /// is a run of ASCII letters and digits that no rule goes on from: the
    /// next byte is ASCII and none of an apostrophe, a hyphen, or the full
    /// stop after a single character (initials). Most words of a news text
    /// are, and this tight loop finds them without the general machinery of
    /// [`Words::compound`], which gives the same piece (`None` sends the
    /// word there).
    #[inline]
    fn plain_ascii(&mut self, start: usize) -> Option<Piece<'a>> {
        let bytes = self.text.as_bytes();
        let mut end = start + 1;
        while end < bytes.len() && ASCII_ALNUM[usize::from(bytes[end])] {
            end += 1;
        }
        match bytes.get(end) {
            Some(&b) if !b.is_ascii() || b == b'\'' || b == b'-' => return None,
            Some(b'.') if end == start + 1 => return None,
            _ => {}
        }
        self.at = end;
        let position = self.position;
        self.position += 1;
        Some(Piece {
            start,
            end,
            position,
            text: Cow::Borrowed(&self.text[start..end]),
            joined: false,
            cjk: false,
        })
    }

    /// A compound (or a plain word) starting at byte `start`.
    fn compound(&mut self, start: usize) -> Option<Piece<'a>> {
        if let Some((letters, end)) = self.initials(start) {
            self.at = end;
            let position = self.position;
            self.position += 1;
            return Some(Piece {
                start,
                end,
                position,
                text: Cow::Owned(letters),
                joined: false,
                cjk: false,
            });
        }
        let (first, mut next) = self.part(start);
        let Some(mut from) = self.hyphen_joins(first.end, next) else {
            // A plain word, nearly every word of a text: no lists to build.
            self.at = next;
            let position = self.position;
            self.position += 1;
            return Some(Piece {
                start: first.start,
                end: first.end,
                position,
                text: self.part_text(&first),
                joined: false,
                cjk: false,
            });
        };
        let mut parts = vec![first];
        // More parts while a hyphen joins two word characters.
        loop {
            let (p, n) = self.part(from);
            let end = p.end;
            parts.push(p);
            next = n;
            match self.hyphen_joins(end, next) {
                Some(f) => from = f,
                None => break,
            }
        }
        self.at = next;
        let base = self.position;
        self.position += parts.len();
        let mut pieces: Vec<Piece<'a>> = parts
            .iter()
            .enumerate()
            .map(|(k, p)| Piece {
                start: p.start,
                end: p.end,
                position: base + k,
                text: self.part_text(p),
                joined: false,
                cjk: false,
            })
            .collect();
        if pieces.len() > 1
            && pieces
                .iter()
                .any(|p| p.text.chars().any(char::is_alphabetic))
        {
            let joined: String = pieces.iter().map(|p| p.text.as_ref()).collect();
            let end = pieces[pieces.len() - 1].end;
            pieces.insert(
                1,
                Piece {
                    start,
                    end,
                    position: base,
                    text: Cow::Owned(joined),
                    joined: true,
                    cjk: false,
                },
            );
        }
        self.hand_out(pieces)
    }

    /// A run of CJK characters starting at byte `start`, as pairs.
    fn cjk_run(&mut self, start: usize) -> Option<Piece<'a>> {
        let text = self.text;
        let mut bounds = vec![start];
        let mut i = start;
        while let Some((c, w)) = char_at(text, i) {
            if !is_cjk(c) || !c.is_alphanumeric() {
                break;
            }
            i += w;
            bounds.push(i);
        }
        self.at = i;
        let chars = bounds.len() - 1;
        let base = self.position;
        let pieces: Vec<Piece<'a>> = if chars == 1 {
            vec![Piece {
                start,
                end: i,
                position: base,
                text: Cow::Borrowed(&text[start..i]),
                joined: false,
                cjk: true,
            }]
        } else {
            (0..chars - 1)
                .map(|k| Piece {
                    start: bounds[k],
                    end: bounds[k + 2],
                    position: base + k,
                    text: Cow::Borrowed(&text[bounds[k]..bounds[k + 2]]),
                    joined: false,
                    cjk: true,
                })
                .collect()
        };
        self.position += pieces.len();
        self.hand_out(pieces)
    }

    /// The first of `pieces`, queueing the rest.
    fn hand_out(&mut self, mut pieces: Vec<Piece<'a>>) -> Option<Piece<'a>> {
        pieces.reverse();
        let first = pieces.pop();
        self.queue = pieces;
        first
    }
}

impl<'a> Iterator for Words<'a> {
    type Item = Piece<'a>;

    fn next(&mut self) -> Option<Piece<'a>> {
        if let Some(p) = self.queue.pop() {
            return Some(p);
        }
        let text = self.text;
        let bytes = text.as_bytes();
        let mut i = self.at;
        while i < bytes.len() {
            let b = bytes[i];
            // ASCII is nearly all of any news text: test it byte by byte.
            if b.is_ascii() {
                if ASCII_ALNUM[usize::from(b)] {
                    if self.shortcut
                        && let Some(p) = self.plain_ascii(i)
                    {
                        return Some(p);
                    }
                    return self.compound(i);
                }
                i += 1;
                continue;
            }
            let (c, w) = char_at(text, i)?;
            if is_cjk(c) && c.is_alphanumeric() {
                return self.cjk_run(i);
            }
            if c.is_alphanumeric() {
                return self.compound(i);
            }
            i += w;
        }
        self.at = bytes.len();
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<(usize, String)> {
        Words::new(text)
            .map(|p| (p.position, p.text.into_owned()))
            .collect()
    }

    fn spans(text: &str) -> Vec<&str> {
        Words::new(text).map(|p| &text[p.start..p.end]).collect()
    }

    fn w(v: &[(usize, &str)]) -> Vec<(usize, String)> {
        v.iter().map(|(p, s)| (*p, s.to_string())).collect()
    }

    #[test]
    fn plain_words_and_positions() {
        assert_eq!(
            words("Rare earths, 1987!"),
            w(&[(0, "Rare"), (1, "earths"), (2, "1987")])
        );
        assert_eq!(words(""), w(&[]));
        assert_eq!(words(" -- ' ’ "), w(&[]));
        assert_eq!(words("naïve Zürich"), w(&[(0, "naïve"), (1, "Zürich")]));
    }

    #[test]
    fn possessives_are_dropped() {
        assert_eq!(words("Japan's exports"), w(&[(0, "Japan"), (1, "exports")]));
        assert_eq!(words("Japan’s"), w(&[(0, "Japan")]));
        assert_eq!(words("Jones's car"), w(&[(0, "Jones"), (1, "car")]));
        assert_eq!(words("ministers' pay"), w(&[(0, "ministers"), (1, "pay")]));
        assert_eq!(spans("Brown's budget"), ["Brown", "budget"]);
        // Not a possessive: more letters follow.
        assert_eq!(words("Japan'sx"), w(&[(0, "Japansx")]));
    }

    #[test]
    fn other_apostrophes_join() {
        assert_eq!(words("O'Neill"), w(&[(0, "ONeill")]));
        assert_eq!(words("D’Estaing said"), w(&[(0, "DEstaing"), (1, "said")]));
        assert_eq!(words("don't"), w(&[(0, "dont")]));
        assert_eq!(spans("O'Neill"), ["O'Neill"]);
        // Quotes around words are not apostrophes inside them.
        assert_eq!(words("'rare' 'earth'"), w(&[(0, "rare"), (1, "earth")]));
        assert_eq!(words("the '80s"), w(&[(0, "the"), (1, "80s")]));
    }

    #[test]
    fn compounds_are_parts_and_joined() {
        assert_eq!(
            words("co-operation talks"),
            w(&[
                (0, "co"),
                (0, "cooperation"),
                (1, "operation"),
                (2, "talks")
            ])
        );
        assert_eq!(
            spans("rare-earth deal"),
            ["rare", "rare-earth", "earth", "deal"]
        );
        assert_eq!(
            words("state-of-the-art"),
            w(&[
                (0, "state"),
                (0, "stateoftheart"),
                (1, "of"),
                (2, "the"),
                (3, "art")
            ])
        );
        // Numbers alone are not joined; a hyphen not between words splits.
        assert_eq!(words("1987-88"), w(&[(0, "1987"), (1, "88")]));
        assert_eq!(words("F-16"), w(&[(0, "F"), (0, "F16"), (1, "16")]));
        assert_eq!(
            words("oil - gas -x y-"),
            w(&[(0, "oil"), (1, "gas"), (2, "x"), (3, "y")])
        );
        assert_eq!(words("Japan's-biggest"), w(&[(0, "Japan"), (1, "biggest")]));
        assert_eq!(
            words("O'Neill-Smith"),
            w(&[(0, "ONeill"), (0, "ONeillSmith"), (1, "Smith")])
        );
    }

    #[test]
    fn initials_are_one_word() {
        assert_eq!(
            words("the U.S. dollar"),
            w(&[(0, "the"), (1, "US"), (2, "dollar")])
        );
        assert_eq!(spans("U.S. envoys"), ["U.S.", "envoys"]);
        assert_eq!(
            words("U.S.A and U.K"),
            w(&[(0, "USA"), (1, "and"), (2, "UK")])
        );
        assert_eq!(words("U.S.-Japan"), w(&[(0, "US"), (1, "Japan")]));
        // One letter, or letters run into a word, are not initials.
        assert_eq!(
            words("Mr. A. Smith"),
            w(&[(0, "Mr"), (1, "A"), (2, "Smith")])
        );
        assert_eq!(words("bbc.co.uk"), w(&[(0, "bbc"), (1, "co"), (2, "uk")]));
        assert_eq!(words("J.P.Morgan"), w(&[(0, "J"), (1, "P"), (2, "Morgan")]));
        assert_eq!(
            words("3.5 a.1"),
            w(&[(0, "3"), (1, "5"), (2, "a"), (3, "1")])
        );
    }

    #[test]
    fn cjk_runs_are_pairs() {
        assert_eq!(
            words("東京で地震"),
            w(&[(0, "東京"), (1, "京で"), (2, "で地"), (3, "地震")])
        );
        assert_eq!(words("東京"), w(&[(0, "東京")]));
        assert_eq!(words("地 震"), w(&[(0, "地"), (1, "震")]));
        assert_eq!(
            words("Tokyo東京 quake"),
            w(&[(0, "Tokyo"), (1, "東京"), (2, "quake")])
        );
        assert_eq!(words("서울 시장"), w(&[(0, "서울"), (1, "시장")]));
        assert!(Words::new("東京").all(|p| p.cjk));
    }

    #[test]
    fn the_shortcut_leaves_the_rules_to_the_general_path() {
        for text in [
            "U.S. U.K U.S.A. a.1 3.5 e.g. Mr. A. Smith J.P.Morgan x. y",
            "Japan's O'Neill ministers' don't rock-n-roll 1987-88 F-16 Zürich",
            "abc’s co‐operation naïve x\u{2011}y 東京abc abc東京 end",
            "a",
            "ab",
            "a.",
            "ab.",
            "a-",
            "a'",
            "",
        ] {
            let fast: Vec<Piece> = Words::new(text).collect();
            let general: Vec<Piece> = Words::general(text).collect();
            assert_eq!(fast, general, "{text:?}");
        }
    }

    proptest::proptest! {
        /// The shortcut for plain ASCII words gives what the general rules
        /// give, in any text.
        #[test]
        fn the_shortcut_changes_nothing(text in "([a-zA-Z0-9]{1,8}|[a-zA-Z0-9][.'’\\-]|['’\\-\u{2010}\u{2011} .,;:]{1,2}|[東京で지진éßÆ]{1,3}|.){0,40}") {
            let fast: Vec<Piece> = Words::new(&text).collect();
            let general: Vec<Piece> = Words::general(&text).collect();
            proptest::prop_assert_eq!(fast, general);
        }

        /// Spans lie on character boundaries, in order, within the text;
        /// positions never go back.
        #[test]
        fn spans_are_sound(text in "([a-zA-Z0-9]{1,8}|['’\\-\u{2010} .]{1,2}|[東京で지진éß]{1,3}|.){0,30}") {
            let mut last_pos = 0;
            for p in Words::new(&text) {
                proptest::prop_assert!(p.start <= p.end && p.end <= text.len());
                proptest::prop_assert!(text.is_char_boundary(p.start) && text.is_char_boundary(p.end));
                proptest::prop_assert!(p.position >= last_pos);
                proptest::prop_assert!(!p.text.is_empty());
                last_pos = p.position;
            }
        }
    }
}
