//! `Article`: the contract between reading a file and indexing it.
//!
//! Parsers for each source format live in submodules and turn decoded text
//! into articles; they are pure (text in, values out): no filesystem, no
//! tantivy, so they are tested with tables of strings.

pub mod boilerplate;
pub mod budget;
pub mod html;
pub mod json;
pub mod markdown;
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
/// the 1-based line of a JSON Lines record, or the 1-based position of a
/// record in a JSON array; `None` for formats with one article per file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parsed {
    pub line: Option<usize>,
    pub article: Article,
}

/// A problem with one part of a file whose other parts were still read (a
/// JSON Lines line that is not JSON, an array element that is not a record).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// The part's number, the `N` its document would have had in `path#N`.
    pub n: usize,
    pub unit: Unit,
    /// What is wrong: ending in "; skipped" when the part was left out, else
    /// saying which value was left out of its document.
    pub message: String,
    /// Whether the part was left out (else only a value of it was).
    pub skipped: bool,
}

impl Warning {
    /// A note on a value left out of the only document of a file.
    pub fn file_note(message: String) -> Warning {
        Warning {
            n: 1,
            unit: Unit::File,
            message,
            skipped: false,
        }
    }
}

/// What a warning's number counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    /// A line of a JSON Lines file.
    Line,
    /// An element of a JSON array.
    Record,
    /// The file as a whole (its one document).
    File,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let unit = match self.unit {
            Unit::Line => "line",
            Unit::Record => "record",
            Unit::File => return write!(f, "{}", self.message),
        };
        write!(f, "{unit} {}: {}", self.n, self.message)
    }
}

/// What `parse` made of one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Output {
    pub format: Format,
    pub articles: Vec<Parsed>,
    /// Parts of the file that were skipped; the articles above are still good.
    pub warnings: Vec<Warning>,
}

impl Output {
    fn one(format: Format, article: Article) -> Output {
        Output {
            format,
            articles: vec![Parsed {
                line: None,
                article,
            }],
            warnings: Vec::new(),
        }
    }
}

/// Why a file's text could not be made into an article.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ParseError {
    #[error("no text: the file holds only white space")]
    Empty,
    #[error("{0}")]
    Malformed(String),
    /// Over a work limit of [`budget`] (what was counted, and the limit).
    #[error("{0}")]
    TooComplex(String),
}

/// Recognise the format of `text` and parse it into articles.
///
/// The content decides first: a page that opens with HTML markup is HTML, a
/// `---` front-matter block is Markdown, text that opens with `{` or `[` and
/// parses as JSON is JSON (one object per line: JSON Lines). Only when the
/// content does not say is `ext` (the file's extension, lower case, without
/// the dot) used: `md`/`markdown`, `html`/`htm`, `json`, `jsonl`/`ndjson`;
/// anything else is plain text. Looking costs a glance at the first bytes, so
/// plain-text corpora pay nearly nothing for it.
pub fn parse(text: &str, ext: &str) -> Result<Output, ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let start = text.trim_start();
    if start.is_empty() {
        return Err(ParseError::Empty);
    }
    match detect(start, ext) {
        Format::Text => text::parse(text).map(|a| Output::one(Format::Text, a)),
        Format::Markdown => markdown::parse(text).map(|a| Output::one(Format::Markdown, a)),
        Format::Html => html::parse(text).map(|a| Output::one(Format::Html, a)),
        Format::Json => json::parse_json(start),
        Format::Jsonl => json::parse_lines(text),
    }
}

/// The format of a file whose text (leading white space removed) is `start`.
pub fn detect(start: &str, ext: &str) -> Format {
    let by_ext = match ext {
        "md" | "markdown" | "mdown" | "mkd" => Some(Format::Markdown),
        "html" | "htm" | "xhtml" => Some(Format::Html),
        "json" => Some(Format::Json),
        "jsonl" | "ndjson" => Some(Format::Jsonl),
        _ => None,
    };
    match start.as_bytes().first() {
        // Markdown may open with inline HTML; only a whole page overrides
        // its extension.
        Some(b'<')
            if html::looks_like_html(start)
                && (by_ext != Some(Format::Markdown) || html::is_page(start)) =>
        {
            return Format::Html;
        }
        Some(b'-')
            if markdown::has_front_matter(start) || markdown::has_unclosed_front_matter(start) =>
        {
            return Format::Markdown;
        }
        Some(b'{') | Some(b'[') => {
            if let Some(f) = json::sniff(start, by_ext == Some(Format::Jsonl)) {
                return f;
            }
        }
        _ => {}
    }
    by_ext.unwrap_or(Format::Text)
}

/// Collapse runs of white space to one space and trim; drop control
/// characters (they must never reach a terminal or the index).
pub fn collapse_ws(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    collapse_ws_into(s, &mut out);
    out
}

/// `collapse_ws`, appended to `out` (callers that go line by line reuse one
/// buffer). Runs of printable ASCII with single spaces, nearly all of an
/// English article, are copied whole; only other characters are looked at
/// one by one.
pub fn collapse_ws_into(s: &str, out: &mut String) {
    let start = out.len();
    let bytes = s.as_bytes();
    let mut pending_space = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_graphic() {
            // The run goes on through single spaces between printable
            // characters, which the output keeps as they are: most lines
            // are then copied in one piece.
            let run = i;
            loop {
                while i < bytes.len() && bytes[i].is_ascii_graphic() {
                    i += 1;
                }
                if bytes.get(i) == Some(&b' ') && bytes.get(i + 1).is_some_and(u8::is_ascii_graphic)
                {
                    i += 1;
                } else {
                    break;
                }
            }
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            // Both ends are at ASCII bytes, so on character boundaries.
            out.push_str(&s[run..i]);
            continue;
        }
        let Some(c) = s[i..].chars().next() else {
            break;
        };
        i += c.len_utf8();
        if c.is_whitespace() {
            pending_space = out.len() > start;
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
}

/// `By Jane Roe` → `Jane Roe`; URLs (some sites put the author's page in
/// `article:author`) are not names.
pub fn clean_byline(raw: &str) -> Option<String> {
    let s = collapse_ws(raw);
    if s.starts_with("http://") || s.starts_with("https://") {
        return None;
    }
    let s = match s.get(..3) {
        Some(p) if p.eq_ignore_ascii_case("by ") => s[3..].trim().to_string(),
        _ => s,
    };
    (!s.is_empty()).then_some(s)
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
    fn detection_by_content_then_extension() {
        for (start, ext, want) in [
            ("Grain prices climb\n\nWheat rose.", "txt", Format::Text),
            ("Grain prices climb", "", Format::Text),
            ("<!DOCTYPE html><html><p>x</p></html>", "txt", Format::Html),
            ("<html><body>x</body></html>", "", Format::Html),
            ("Saved without markup at the top", "html", Format::Html),
            (
                "<div>inline html</div>\n\n# Heading",
                "md",
                Format::Markdown,
            ),
            ("<!doctype html><p>page</p>", "md", Format::Html),
            ("---\ntitle: x\n---\nbody", "txt", Format::Markdown),
            ("# Heading\n\nbody", "markdown", Format::Markdown),
            ("{\"title\": \"x\"}", "txt", Format::Json),
            (
                "{\"title\": \"x\"}\n{\"title\": \"y\"}",
                "json",
                Format::Jsonl,
            ),
            ("{\"title\": \"x\"}", "ndjson", Format::Jsonl),
            ("{broken", "json", Format::Json),
            ("{broken", "txt", Format::Text),
            ("[1, 2]", "", Format::Json),
            ("[Reuters] wire copy", "txt", Format::Text),
        ] {
            assert_eq!(detect(start, ext), want, "{start:?} .{ext}");
        }
    }

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

    /// The character-by-character definition the ASCII fast path must match.
    fn collapse_ws_slow(s: &str) -> String {
        let mut out = String::new();
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

    #[test]
    fn collapse_ws_fast_path_matches_the_definition() {
        for input in [
            "Plain ASCII line, with punctuation: 1.5% (up)!",
            " \t lead\x0b\x0cand\r\ntrail \u{85}\u{a0} ",
            "caf\u{e9}\u{200b} na\u{ef}ve\u{3000}\u{6771}\u{4eac} \u{1f642}x",
            "\u{1c}\u{1f}\u{7f}del\u{80}c1\u{2028}sep\u{feff}",
            "\u{a0}\u{a0}",
            "x",
        ] {
            assert_eq!(
                collapse_ws(input),
                collapse_ws_slow(input),
                "input {input:?}"
            );
            let mut buf = String::from("kept");
            collapse_ws_into(input, &mut buf);
            assert_eq!(buf, format!("kept{}", collapse_ws_slow(input)));
        }
    }

    proptest::proptest! {
        #[test]
        fn collapse_ws_matches_the_definition_on_any_text(s in "[ a-z\t\n\u{0}-\u{1f}\u{7f}-\u{a0}\u{200b}\u{2028}\u{feff}\u{e9}\u{3000}\u{1f642}]{0,40}") {
            proptest::prop_assert_eq!(collapse_ws(&s), collapse_ws_slow(&s));
        }
    }
}
