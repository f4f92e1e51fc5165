//! The English stemmer of the news analyzer, with a memory of the words it
//! has stemmed: the same tokens as tantivy's `Stemmer`, at a fraction of the
//! cost.
//!
//! Stemming was 44% of the instructions of `newsidx index`, and news text
//! repeats a small vocabulary (Zipf): a word met once is met again in the
//! next article. tantivy gives every indexing thread its own clone of the
//! analyzer and lets `token_stream` take `&mut self`, so the map lives in the
//! tokenizer, across documents, without locks. It is capped so memory stays
//! fixed whatever the corpus: when full it starts over, which keeps the
//! frequent words (they come back at once) and forgets the rare ones.

use rustc_hash::FxHashMap;
use std::borrow::Cow;
use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

/// Words remembered per analyzer clone (one per indexing thread): a few MiB.
pub const CAPACITY: usize = 50_000;

/// Token filter: English Snowball stems, remembered. Expects lower-cased
/// tokens, like tantivy's `Stemmer`.
#[derive(Clone, Copy, Debug, Default)]
pub struct CachedEnglishStemmer;

impl TokenFilter for CachedEnglishStemmer {
    type Tokenizer<T: Tokenizer> = CachedStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> CachedStemmerFilter<T> {
        CachedStemmerFilter {
            inner: tokenizer,
            stemmer: frostem::Stemmer::new(frostem::Algorithm::English),
            cache: FxHashMap::default(),
        }
    }
}

#[derive(Clone)]
pub struct CachedStemmerFilter<T> {
    inner: T,
    stemmer: frostem::Stemmer,
    /// Word → stem, for words whose stem differs; `None` marks a word that
    /// is its own stem (most of them), so those cost no second string.
    cache: FxHashMap<Box<str>, Option<Box<str>>>,
}

impl<T: Tokenizer> Tokenizer for CachedStemmerFilter<T> {
    type TokenStream<'a> = CachedStemmerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        CachedStemmerStream {
            tail: self.inner.token_stream(text),
            stemmer: &self.stemmer,
            cache: &mut self.cache,
        }
    }
}

pub struct CachedStemmerStream<'a, S> {
    tail: S,
    stemmer: &'a frostem::Stemmer,
    cache: &'a mut FxHashMap<Box<str>, Option<Box<str>>>,
}

impl<S: TokenStream> TokenStream for CachedStemmerStream<'_, S> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if let Some(known) = self.cache.get(token.text.as_str()) {
            if let Some(stem) = known {
                token.text.clear();
                token.text.push_str(stem);
            }
            return true;
        }
        let stem: Option<Box<str>> = match self.stemmer.stem(&token.text) {
            Cow::Borrowed(s) if s == token.text => None,
            s => Some(s.into()),
        };
        if self.cache.len() >= CAPACITY {
            self.cache.clear();
        }
        let word: Box<str> = token.text.as_str().into();
        if let Some(s) = &stem {
            token.text.clear();
            token.text.push_str(s);
        }
        self.cache.insert(word, stem);
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
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
