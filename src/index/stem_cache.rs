//! The analyzers in one pass: the words of `words::Words` (possessives,
//! apostrophes, compounds and CJK pairs by its rules), words of 40 bytes or
//! more dropped, lower-cased and accents folded (tantivy's `LowerCaser` and
//! `AsciiFoldingFilter`), and for the news analyzer English Snowball stems
//! (CJK pairs are not stemmed), with a memory of the words it has seen.
//!
//! Analysis was over a third of the indexing thread's time, and that thread
//! sets the pace of `newsidx index`. News text repeats a small vocabulary
//! (Zipf): a word met once is met again in the next article. So each word
//! as written ("Exports") is looked up in a map to its term ("export"), and
//! only a word not seen before goes through the chain. tantivy gives every
//! indexing thread its own clone of the analyzer and lets `token_stream`
//! take `&mut self`, so the map lives in the tokenizer, across documents,
//! without locks. It is capped so memory stays fixed whatever the corpus:
//! when full it starts over, which keeps the frequent words (they come back
//! at once) and forgets the rare ones.

use super::words::{Piece, Words};
use rustc_hash::FxHashMap;
use std::borrow::Cow;
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, SimpleTokenizer, TextAnalyzer, Token, TokenStream, Tokenizer,
};

/// Words remembered per analyzer clone (one per indexing thread): a few
/// MiB. Reuters-21578 has 61,000 words as written, so that at 50,000 the
/// memory started over and the frequent words were stemmed again.
pub const CAPACITY: usize = 100_000;

/// Words this long or longer (in bytes, apostrophes removed) are not indexed.
pub const MAX_WORD_BYTES: usize = 40;

/// The news tokenizer (or, not stemming, the name tokenizer); see the
/// module documentation.
#[derive(Clone)]
pub struct NewsTokenizer {
    token: Token,
    /// Lower-casing and folding for a word not seen before.
    fold: TextAnalyzer,
    stemmer: Option<frostem::Stemmer>,
    /// Word (a piece's text) → its term.
    cache: FxHashMap<Box<str>, Box<str>>,
}

impl Default for NewsTokenizer {
    fn default() -> Self {
        NewsTokenizer::new(true)
    }
}

impl NewsTokenizer {
    /// `stem`: the news analyzer; else the name analyzer.
    pub fn new(stem: bool) -> Self {
        NewsTokenizer {
            token: Token::default(),
            fold: TextAnalyzer::builder(SimpleTokenizer::default())
                .filter(LowerCaser)
                .filter(AsciiFoldingFilter)
                .build(),
            stemmer: stem.then(|| frostem::Stemmer::new(frostem::Algorithm::English)),
            cache: FxHashMap::default(),
        }
    }

    /// The term of `piece` (letters and digits only, shorter than
    /// `MAX_WORD_BYTES`), computed by the chain itself (an ASCII word is
    /// only lower-cased, all the chain does to it).
    fn term_of(&mut self, piece: &Piece) -> Box<str> {
        let folded = if piece.text.is_ascii() {
            piece.text.to_ascii_lowercase()
        } else {
            let mut folded = String::new();
            let mut ts = self.fold.token_stream(&piece.text);
            while ts.advance() {
                folded.push_str(&ts.token().text);
            }
            folded
        };
        match &self.stemmer {
            Some(stemmer) if !piece.cjk => match stemmer.stem(&folded) {
                Cow::Borrowed(s) if s == folded => folded.into(),
                s => s.into(),
            },
            _ => folded.into(),
        }
    }
}

impl Tokenizer for NewsTokenizer {
    type TokenStream<'a> = NewsTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> NewsTokenStream<'a> {
        self.token.reset();
        NewsTokenStream {
            words: Words::new(text),
            tokenizer: self,
        }
    }
}

pub struct NewsTokenStream<'a> {
    words: Words<'a>,
    tokenizer: &'a mut NewsTokenizer,
}

impl TokenStream for NewsTokenStream<'_> {
    fn advance(&mut self) -> bool {
        loop {
            let Some(piece) = self.words.next() else {
                return false;
            };
            if piece.text.len() >= MAX_WORD_BYTES {
                continue;
            }
            let t = &mut self.tokenizer;
            t.token.position = piece.position;
            t.token.offset_from = piece.start;
            t.token.offset_to = piece.end;
            t.token.text.clear();
            if let Some(term) = t.cache.get(piece.text.as_ref()) {
                t.token.text.push_str(term);
                return true;
            }
            let term = t.term_of(&piece);
            if term.is_empty() {
                continue;
            }
            t.token.text.push_str(&term);
            if t.cache.len() >= CAPACITY {
                t.cache.clear();
            }
            t.cache.insert(piece.text.as_ref().into(), term);
            return true;
        }
    }

    fn token(&self) -> &Token {
        &self.tokenizer.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokenizer.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::tokenizer::{Language, RemoveLongFilter, Stemmer};

    /// tantivy's chain, as the analyzer was before it knew possessives,
    /// compounds and CJK: the same tokens wherever those do not occur.
    fn chain(stem: bool) -> TextAnalyzer {
        let b = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(40))
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter);
        if stem {
            b.filter(Stemmer::new(Language::English)).build()
        } else {
            b.build()
        }
    }

    /// The analyzer without its memory: every piece of `Words` through
    /// tantivy's chain on its own (not stemmed when CJK).
    fn uncached(text: &str, stem: bool) -> Vec<Token> {
        let mut out = Vec::new();
        for p in Words::new(text) {
            let mut a = chain(stem && !p.cjk);
            let mut ts = a.token_stream(&p.text);
            let mut term = String::new();
            while ts.advance() {
                term.push_str(&ts.token().text);
            }
            if term.is_empty() {
                continue;
            }
            out.push(Token {
                offset_from: p.start,
                offset_to: p.end,
                position: p.position,
                text: term,
                position_length: 1,
            });
        }
        out
    }

    fn cached() -> TextAnalyzer {
        crate::index::schema::news_analyzer()
    }

    fn tokens(a: &mut TextAnalyzer, text: &str) -> Vec<Token> {
        let mut out = Vec::new();
        a.token_stream(text)
            .process(&mut |t: &Token| out.push(t.clone()));
        out
    }

    const WORDS: &str = "running runs ran runner easily fairly generously \
        Exports exported exporting export's markets MARKETS marketing \
        Café cafés naïve naïvety Zürich Ångström Straße façade résumé résumés \
        Δοκιμή καλημέρα Москва москвы 東京 北京市 🙂 emoji🙂s \
        ministers minister ministerial ministries agreed agreement agreements \
        the a an of is was be been being was's o'neill don't \
        1987 1,234.5 3rd 10th km² ½ x86_64 e-mail co-operation \
        caresses ponies ties caress cats feed agreed plastered motoring sing \
        conditional rational valenci hesit digitizer conformabl radicalli \
        generalization oscillator triplicate formative formalize electriciti \
        electrical hopeful goodness revival allowance inference airliner \
        gyroscopic adjustable defensible irritant replacement adjustment \
        dependent adoption homologou communism activate angulariti homologous \
        effective bowdlerize probate rate cease controll roll";

    #[test]
    fn same_tokens_as_the_uncached_chain() {
        let mut fast = cached();
        // Twice: the second pass is answered from the cache.
        for _ in 0..2 {
            assert_eq!(tokens(&mut fast, WORDS), uncached(WORDS, true));
        }
        for w in WORDS.split_whitespace() {
            assert_eq!(tokens(&mut fast, w), uncached(w, true), "word {w:?}");
        }
    }

    #[test]
    fn plain_words_are_tokenized_as_tantivy_does() {
        let text =
            "Exports of rare earths rose 3.5% in 1987, Zürich naïve café; the ministers agreed";
        assert_eq!(tokens(&mut cached(), text), tokens(&mut chain(true), text));
        let mut name = crate::index::schema::name_analyzer();
        assert_eq!(tokens(&mut name, text), tokens(&mut chain(false), text));
    }

    #[test]
    fn the_rules_in_terms() {
        let terms = |text: &str| -> Vec<(usize, String)> {
            tokens(&mut cached(), text)
                .into_iter()
                .map(|t| (t.position, t.text))
                .collect()
        };
        let w = |v: &[(usize, &str)]| -> Vec<(usize, String)> {
            v.iter().map(|(p, s)| (*p, s.to_string())).collect()
        };
        assert_eq!(terms("Japan's"), terms("Japan"));
        assert_eq!(terms("O'Neill"), w(&[(0, "oneil")]));
        assert_eq!(terms("Café"), terms("cafe"));
        assert_eq!(
            terms("co-operation"),
            w(&[(0, "co"), (0, "cooper"), (1, "oper")])
        );
        assert_eq!(terms("cooperation"), w(&[(0, "cooper")]));
        assert_eq!(
            terms("東京で地震"),
            w(&[(0, "東京"), (1, "京で"), (2, "で地"), (3, "地震")])
        );
    }

    proptest::proptest! {
        /// Any text, word characters of any script mixed with anything
        /// else, gives the uncached chain's tokens: texts, offsets and
        /// positions.
        #[test]
        fn any_text_gives_the_chains_tokens(
            text in "([a-zA-Z0-9]{1,45}|[ÀÉÎõüßÆØΣσςДЖ東京🙂½²-]{1,3}|[ .,'’\\-\n\t]{1,3}|.){0,40}"
        ) {
            let mut fast = cached();
            for _ in 0..2 {
                proptest::prop_assert_eq!(tokens(&mut fast, &text), uncached(&text, true));
            }
        }
    }

    /// A regression proptest once found: a supplementary-plane CJK
    /// character alone.
    #[test]
    fn a_lone_supplementary_cjk_character_gives_the_chains_tokens() {
        let mut fast = cached();
        assert_eq!(tokens(&mut fast, "\u{3347a}"), uncached("\u{3347a}", true));
    }

    #[test]
    fn a_full_cache_starts_over_and_stays_correct() {
        let mut fast = cached();
        let text: String = (0..CAPACITY + 10)
            .map(|i| format!("w{i}ing "))
            .collect::<String>()
            + WORDS;
        assert_eq!(tokens(&mut fast, &text), uncached(&text, true));
        assert_eq!(tokens(&mut fast, WORDS), uncached(WORDS, true));
    }
}
