//! The index's own vocabulary near a word: candidates for "did you mean".

use super::NewsIndex;
use super::schema::news_analyzer;
use anyhow::Result;
use std::collections::HashMap;
use tantivy::Searcher;
use tantivy::tokenizer::TokenStream;

/// Which words a suggestion may come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Vocabulary {
    /// Article text (bodies: every title word is in most bodies too),
    /// stemmed as the news analyzer stems.
    Words,
    /// Ministers' names, lower-cased, not stemmed.
    Ministers,
}

/// `word` as `vocab` indexes it: the one term it becomes, or `None` when it
/// is not one word.
pub fn term_of(vocab: Vocabulary, word: &str) -> Option<String> {
    let mut a = match vocab {
        Vocabulary::Words => news_analyzer(),
        Vocabulary::Ministers => super::schema::name_analyzer(),
    };
    let mut s = a.token_stream(word);
    let mut out = Vec::new();
    while s.advance() {
        out.push(s.token().text.clone());
    }
    (out.len() == 1).then(|| out.remove(0))
}

/// Terms of `vocab` that `keep` accepts, among those starting with the
/// first character of `term` (spelling mistakes rarely hit the first
/// letter, and it keeps the scan to a small range of the dictionary), with
/// their document frequencies summed over segments.
pub fn near(
    ix: &NewsIndex,
    searcher: &Searcher,
    vocab: Vocabulary,
    term: &str,
    mut keep: impl FnMut(&str) -> bool,
) -> Result<Vec<(String, u64)>> {
    let field = match vocab {
        Vocabulary::Words => ix.fields.body,
        Vocabulary::Ministers => ix.fields.ministers,
    };
    let Some(first) = term.chars().next() else {
        return Ok(Vec::new());
    };
    let lo = first.to_string();
    let hi = char::from_u32(first as u32 + 1).map(String::from);
    let mut found: HashMap<String, u64> = HashMap::new();
    for seg in searcher.segment_readers() {
        let inverted = seg.inverted_index(field)?;
        let dict = inverted.terms();
        let mut range = dict.range().ge(lo.as_bytes());
        if let Some(hi) = &hi {
            range = range.lt(hi.as_bytes());
        }
        let mut stream = range.into_stream()?;
        while stream.advance() {
            let Ok(key) = std::str::from_utf8(stream.key()) else {
                continue;
            };
            if keep(key) {
                *found.entry(key.to_string()).or_default() += u64::from(stream.value().doc_freq);
            }
        }
    }
    Ok(found.into_iter().collect())
}

/// The terms `text` is indexed as in title and body (stemmed, with
/// repeats, in order).
pub fn analyze(text: &str) -> Vec<String> {
    let mut a = news_analyzer();
    let mut s = a.token_stream(text);
    let mut out = Vec::new();
    while s.advance() {
        out.push(s.token().text.clone());
    }
    out
}
