//! The index's own vocabulary near a word: candidates for "did you mean".

use super::NewsIndex;
use super::schema::news_analyzer;
use anyhow::Result;
use std::collections::HashMap;
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::tokenizer::TokenStream;
use tantivy::{DocAddress, DocSet, Searcher, TERMINATED, TantivyDocument, Term};

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

/// How `term` (a stemmed body term) is written in the archive: the first
/// word of an article that indexes as it, lower-cased ("coffe" is written
/// "coffee", "energi" "energy"). `None` when no article has the term. Costs
/// one stored document and its analysis: for "did you mean", which shows
/// words, not stems, and measures its distances on them.
pub fn surface(ix: &NewsIndex, searcher: &Searcher, term: &str) -> Result<Option<String>> {
    let field = ix.fields.body;
    let t = Term::from_field_text(field, term);
    for (ord, seg) in searcher.segment_readers().iter().enumerate() {
        let inverted = seg.inverted_index(field)?;
        let Some(postings) = inverted.read_postings(&t, IndexRecordOption::Basic)? else {
            continue;
        };
        let doc = postings.doc();
        if doc == TERMINATED {
            continue;
        }
        let stored: TantivyDocument = searcher.doc(DocAddress::new(ord as u32, doc))?;
        let Some(body) = stored.get_first(field).and_then(|v| v.as_str()) else {
            continue;
        };
        if let Some(word) = written_as(body, term) {
            return Ok(Some(word));
        }
    }
    Ok(None)
}

/// The first word of `text` that the news analyzer indexes as `term`,
/// lower-cased.
fn written_as(text: &str, term: &str) -> Option<String> {
    let mut a = news_analyzer();
    let mut s = a.token_stream(text);
    while s.advance() {
        let t = s.token();
        if t.text == term {
            return text.get(t.offset_from..t.offset_to).map(str::to_lowercase);
        }
    }
    None
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stem_is_shown_as_the_text_wrote_it() {
        let text = "Energy prices rose. Coffee exports fell; the coffee harvest was late.";
        let coffe = term_of(Vocabulary::Words, "coffee").expect("one word");
        assert_eq!(written_as(text, &coffe).as_deref(), Some("coffee"));
        let energi = term_of(Vocabulary::Words, "energy").expect("one word");
        assert_ne!(
            energi, "energy",
            "the test needs a word that stems differently"
        );
        assert_eq!(written_as(text, &energi).as_deref(), Some("energy"));
        assert_eq!(written_as(text, "wheat"), None);
    }
}
