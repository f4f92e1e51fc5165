//! `Article`: the contract between reading a file and indexing it.
//!
//! Parsers for each source format live in submodules and turn decoded text
//! into articles; they are pure (text in, values out): no filesystem, no
//! tantivy, so they are tested with tables of strings.

pub mod boilerplate;
pub mod text;

use chrono::NaiveDate;
use serde::Serialize;

/// One article as its source gave it, normalized.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Article {
    /// Headline, white space collapsed.
    pub title: String,
    /// Paragraphs separated by one blank line, white space collapsed inside
    /// each, boilerplate removed.
    pub body: String,
    /// The image-credit line without its label.
    pub credit: Option<String>,
    pub byline: Option<String>,
    pub url: Option<String>,
    /// Publication date from the source's metadata, if it has any. Dates found
    /// in the text or path are added later by `extract::dates`.
    pub date: Option<NaiveDate>,
    pub tags: Vec<String>,
}

/// The source formats newsidx reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Text,
    Markdown,
    Html,
    Json,
    Jsonl,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Markdown => "markdown",
            Format::Html => "html",
            Format::Json => "json",
            Format::Jsonl => "jsonl",
        }
    }
}

/// An article together with where inside its file it came from: `line` is
/// the 1-based line of a JSON Lines record, `None` for whole-file formats.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parsed {
    pub line: Option<usize>,
    pub article: Article,
}

/// Why a file's text could not be made into an article.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ParseError {
    #[error("no text: the file holds only white space")]
    Empty,
    #[error("{0}")]
    Malformed(String),
}

/// Recognise the format of `text` and parse it into articles. `ext` is the
/// file's extension (lower case, without the dot), used only when the content
/// does not say what it is.
pub fn parse(text: &str, ext: &str) -> Result<(Format, Vec<Parsed>), ParseError> {
    let format = Format::Text;
    let _ = ext;
    let article = text::parse(text)?;
    Ok((
        format,
        vec![Parsed {
            line: None,
            article,
        }],
    ))
}

/// Collapse runs of white space to one space and trim; drop control
/// characters (they must never reach a terminal or the index).
pub fn collapse_ws(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
        } else if c.is_control() || is_invisible(c) {
            continue;
        } else {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
    out
}

/// Zero-width and byte-order marks that survive decoding in scraped text.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{feff}' | '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collapse_ws_table() {
        for (input, want) in [
            ("  a  b\t\tc  ", "a b c"),
            ("a\u{0}b", "ab"),
            ("a\u{1b}[31mred", "a[31mred"),
            ("\u{feff}Title", "Title"),
            ("non\u{a0}breaking", "non breaking"),
            ("", ""),
        ] {
            assert_eq!(collapse_ws(input), want, "input {input:?}");
        }
    }
}
