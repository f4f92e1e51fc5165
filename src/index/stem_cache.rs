//! The news analyzer in one pass: words (runs of alphanumeric characters),
//! words of 40 bytes or more dropped, lower-cased, accents folded, English
//! Snowball stems — the same tokens as tantivy's chain `SimpleTokenizer` →
//! `RemoveLongFilter(40)` → `LowerCaser` → `AsciiFoldingFilter` → `Stemmer`,
//! with a memory of the words it has seen.
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

use rustc_hash::FxHashMap;
use std::borrow::Cow;
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, SimpleTokenizer, TextAnalyzer, Token, TokenStream, Tokenizer,
};

/// Words remembered per analyzer clone (one per indexing thread): a few MiB.
pub const CAPACITY: usize = 50_000;

/// Words this long or longer (in bytes, as written) are not indexed.
pub const MAX_WORD_BYTES: usize = 40;

/// The news tokenizer; see the module documentation.
#[derive(Clone)]
pub struct NewsTokenizer {
    token: Token,
    /// Lower-casing and folding for a word not seen before.
    fold: TextAnalyzer,
    stemmer: frostem::Stemmer,
    /// Word as written → its term.
    cache: FxHashMap<Box<str>, Box<str>>,
}

impl Default for NewsTokenizer {
    fn default() -> Self {
        NewsTokenizer {
            token: Token::default(),
            fold: TextAnalyzer::builder(SimpleTokenizer::default())
                .filter(LowerCaser)
                .filter(AsciiFoldingFilter)
                .build(),
            stemmer: frostem::Stemmer::new(frostem::Algorithm::English),
            cache: FxHashMap::default(),
        }
    }
}

impl NewsTokenizer {
    /// The term of `word` (one run of alphanumeric characters, shorter than
    /// `MAX_WORD_BYTES`), computed by the chain itself.
    fn term_of(&mut self, word: &str) -> Box<str> {
        let mut folded = String::new();
        let mut ts = self.fold.token_stream(word);
        if ts.advance() {
            folded.push_str(&ts.token().text);
        }
        match self.stemmer.stem(&folded) {
            Cow::Borrowed(s) if s == folded => folded.into(),
            s => s.into(),
        }
    }
}

impl Tokenizer for NewsTokenizer {
    type TokenStream<'a> = NewsTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> NewsTokenStream<'a> {
        self.token.reset();
        NewsTokenStream {
            text,
            at: 0,
            tokenizer: self,
        }
    }
}

pub struct NewsTokenStream<'a> {
    text: &'a str,
    /// Byte offset where the search for the next word starts.
    at: usize,
    tokenizer: &'a mut NewsTokenizer,
}

impl NewsTokenStream<'_> {
    /// The next run of alphanumeric characters at or after `self.at`, as
    /// byte offsets (as `SimpleTokenizer` splits).
    fn next_word(&mut self) -> Option<(usize, usize)> {
        let bytes = self.text.as_bytes();
        let mut i = self.at;
        let mut start = None;
        while i < bytes.len() {
            // ASCII is nearly all of any news text: test it byte by byte.
            let (alnum, width) = match bytes[i] {
                b if b.is_ascii() => (b.is_ascii_alphanumeric(), 1),
                _ => match self.text[i..].chars().next() {
                    Some(c) => (c.is_alphanumeric(), c.len_utf8()),
                    None => break,
                },
            };
            match (alnum, start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    self.at = i + width;
                    return Some((s, i));
                }
                _ => {}
            }
            i += width;
        }
        self.at = bytes.len();
        start.map(|s| (s, bytes.len()))
    }
}

impl TokenStream for NewsTokenStream<'_> {
    fn advance(&mut self) -> bool {
        loop {
            let Some((from, to)) = self.next_word() else {
                return false;
            };
            // Every word takes a position, even one too long to index, as
            // the tokenizer numbers words before the length filter drops any.
            let t = &mut self.tokenizer;
            t.token.position = t.token.position.wrapping_add(1);
            if to - from >= MAX_WORD_BYTES {
                continue;
            }
            let word = &self.text[from..to];
            t.token.offset_from = from;
            t.token.offset_to = to;
            t.token.text.clear();
            if let Some(term) = t.cache.get(word) {
                t.token.text.push_str(term);
                return true;
            }
            let term = t.term_of(word);
            t.token.text.push_str(&term);
            if t.cache.len() >= CAPACITY {
                t.cache.clear();
            }
            t.cache.insert(word.into(), term);
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
    use tantivy::tokenizer::{
        AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
        TextAnalyzer,
    };

    fn uncached() -> TextAnalyzer {
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(40))
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .filter(Stemmer::new(Language::English))
            .build()
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
    fn same_tokens_as_the_uncached_stemmer() {
        let (mut plain, mut fast) = (uncached(), cached());
        // Twice: the second pass is answered from the cache.
        for _ in 0..2 {
            assert_eq!(tokens(&mut fast, WORDS), tokens(&mut plain, WORDS));
        }
        for w in WORDS.split_whitespace() {
            assert_eq!(tokens(&mut fast, w), tokens(&mut plain, w), "word {w:?}");
        }
    }

    proptest::proptest! {
        /// Any text, word characters of any script mixed with anything
        /// else, gives the chain's tokens: texts, offsets and positions.
        #[test]
        fn any_text_gives_the_chains_tokens(
            text in "([a-zA-Z0-9]{1,45}|[ÀÉÎõüßÆØΣσςДЖ東京🙂½²-]{1,3}|[ .,'\\-\n\t]{1,3}|.){0,40}"
        ) {
            let (mut plain, mut fast) = (uncached(), cached());
            for _ in 0..2 {
                proptest::prop_assert_eq!(tokens(&mut fast, &text), tokens(&mut plain, &text));
            }
        }
    }

    #[test]
    fn a_full_cache_starts_over_and_stays_correct() {
        let (mut plain, mut fast) = (uncached(), cached());
        let text: String = (0..CAPACITY + 10)
            .map(|i| format!("w{i}ing "))
            .collect::<String>()
            + WORDS;
        assert_eq!(tokens(&mut fast, &text), tokens(&mut plain, &text));
        assert_eq!(tokens(&mut fast, WORDS), tokens(&mut plain, WORDS));
    }
}
