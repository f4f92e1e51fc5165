//! JSON and JSON Lines records as news scrapers write them (news-please,
//! newspaper, trafilatura, RSS-to-JSON tools).
//!
//! A record is a JSON object with a title or a text under one of the common
//! key names (matched without regard to case):
//!
//! | field  | keys, first present wins |
//! |--------|--------------------------|
//! | title  | `title`, `headline` |
//! | body   | `text`, `maintext`, `body`, `content`, `article`, `articleBody`, then `description`, `summary` |
//! | date   | `date`, `date_publish`, `published`, `pubDate`, `datePublished`, `published_at`, `publishedAt`, `date_published` |
//! | byline | `authors`, `author`, `byline`, `creator` |
//! | url    | `url`, `link`, `canonical_url` |
//! | tags   | `tags`, `keywords`, `categories` |
//!
//! `source`/`source_domain` are recognised as news keys but have no field of
//! their own (the section comes from the folder). A JSON file holds one record
//! (id = the path) or an array of records (id = `path#N`, N counting records
//! from 1); a JSON Lines file holds one record per line (id = `path#LINE`).
//! Parts that are not records are skipped with a warning; a file with no
//! record at all is malformed.

use super::{
    Article, Format, Output, ParseError, Parsed, Unit, Warning, clean_byline, collapse_ws, html,
};
use crate::extract::dates;
use chrono::NaiveDate;
use serde_json::{Map, Value};

const TITLE: &[&str] = &["title", "headline"];
const TEXT: &[&str] = &[
    "text",
    "maintext",
    "body",
    "content",
    "article",
    "articlebody",
];
/// Summaries, used only when a record has no full text.
const SUMMARY: &[&str] = &["description", "summary"];
const DATE: &[&str] = &[
    "date",
    "date_publish",
    "published",
    "pubdate",
    "datepublished",
    "published_at",
    "publishedat",
    "date_published",
];
const BYLINE: &[&str] = &["authors", "author", "byline", "creator"];
const URL: &[&str] = &["url", "link", "canonical_url"];
const TAGS: &[&str] = &["tags", "keywords", "categories"];

const EXPECTED: &str = "expected a news record: a JSON object with a \"title\"/\"headline\" or a \"text\"/\"maintext\"/\"body\"/\"content\" key";

/// Whether text that starts with `{` or `[` is JSON or JSON Lines, or
/// neither (`None`: then it is treated as the extension says).
pub fn sniff(start: &str, lines_by_ext: bool) -> Option<Format> {
    if start.starts_with('{') {
        if lines_by_ext {
            return Some(Format::Jsonl);
        }
        let mut lines = start.lines().map(str::trim).filter(|l| !l.is_empty());
        let first = lines.next()?;
        let first_is_object = serde_json::from_str::<Map<String, Value>>(first).is_ok();
        if first_is_object && lines.next().is_some_and(|l| l.starts_with('{')) {
            return Some(Format::Jsonl);
        }
    }
    if serde_json::from_str::<serde::de::IgnoredAny>(start).is_ok() {
        return Some(Format::Json);
    }
    None
}

/// A `.json` file: one record, or an array of records.
pub fn parse_json(text: &str) -> Result<Output, ParseError> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        ParseError::Malformed(format!(
            "not valid JSON ({e}); {EXPECTED}, or an array of them"
        ))
    })?;
    match value {
        Value::Object(map) => {
            let article = record(&map).map_err(ParseError::Malformed)?;
            Ok(Output {
                format: Format::Json,
                articles: vec![Parsed {
                    line: None,
                    article,
                }],
                warnings: Vec::new(),
            })
        }
        Value::Array(items) => {
            let mut out = Output {
                format: Format::Json,
                articles: Vec::new(),
                warnings: Vec::new(),
            };
            for (i, item) in items.iter().enumerate() {
                let n = i + 1;
                let result = item
                    .as_object()
                    .ok_or_else(|| not_object(item))
                    .and_then(record);
                out.push(n, Unit::Record, result);
            }
            if out.articles.is_empty() {
                let why = out
                    .warnings
                    .first()
                    .map(|w| format!(" (first problem, {w})"))
                    .unwrap_or_else(|| " (the array is empty)".to_string());
                return Err(ParseError::Malformed(format!(
                    "no news record in the JSON array{why}; {EXPECTED}"
                )));
            }
            Ok(out)
        }
        other => Err(ParseError::Malformed(format!(
            "the JSON is {}; {EXPECTED}, or an array of them",
            kind(&other)
        ))),
    }
}

impl Output {
    /// Record part `n` of a file: its article, or why it was left out.
    fn push(&mut self, n: usize, unit: Unit, result: Result<Article, String>) {
        match result {
            Ok(article) => self.articles.push(Parsed {
                line: Some(n),
                article,
            }),
            Err(message) => self.warnings.push(Warning {
                n,
                unit,
                message: format!("{message}; skipped"),
            }),
        }
    }
}

/// A `.jsonl`/`.ndjson` file: one record per non-blank line.
pub fn parse_lines(text: &str) -> Result<Output, ParseError> {
    let mut out = Output {
        format: Format::Jsonl,
        articles: Vec::new(),
        warnings: Vec::new(),
    };
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let result = serde_json::from_str::<Value>(line)
            .map_err(|e| format!("not valid JSON ({e})"))
            .and_then(|v| match v {
                Value::Object(map) => record(&map),
                other => Err(not_object(&other)),
            });
        out.push(n, Unit::Line, result);
    }
    if out.articles.is_empty() {
        let why = out
            .warnings
            .first()
            .map(|w| format!(" (first problem, {w})"))
            .unwrap_or_default();
        return Err(ParseError::Malformed(format!(
            "no line is a news record{why}; JSON Lines needs one record per line: {EXPECTED}"
        )));
    }
    Ok(out)
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn not_object(v: &Value) -> String {
    format!("{} where a record was expected; {EXPECTED}", kind(v))
}

/// The value under the first of `keys` the object has (any case) that is not
/// null or blank.
fn get<'a>(map: &'a Map<String, Value>, keys: &[&str]) -> Option<&'a Value> {
    keys.iter().find_map(|want| {
        map.iter()
            .find(|(k, v)| k.eq_ignore_ascii_case(want) && !is_blank(v))
            .map(|(_, v)| v)
    })
}

fn is_blank(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(a) => a.iter().all(is_blank),
        _ => false,
    }
}

/// A scalar, a name object (`{"name": …}`), or a list of them, as text.
fn as_text(v: &Value) -> Option<String> {
    let s = match v {
        Value::String(s) => collapse_ws(s),
        Value::Number(n) => n.to_string(),
        Value::Object(o) => o
            .get("name")
            .or_else(|| o.get("@value"))
            .and_then(as_text)?,
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().filter_map(as_text).collect();
            parts.join(", ")
        }
        _ => return None,
    };
    (!s.is_empty()).then_some(s)
}

fn as_list(v: &Value) -> Vec<String> {
    match v {
        Value::Array(items) => items.iter().filter_map(as_text).collect(),
        Value::String(s) => s
            .split([',', ';'])
            .map(collapse_ws)
            .filter(|t| !t.is_empty())
            .collect(),
        other => as_text(other).into_iter().collect(),
    }
}

fn as_date(v: &Value) -> Option<NaiveDate> {
    match v {
        Value::String(s) => dates::parse_date(s),
        // Unix time, in seconds or (when too large for seconds) milliseconds.
        Value::Number(n) => {
            let t = n.as_i64()?;
            let secs = if t.abs() > 100_000_000_000 {
                t / 1000
            } else {
                t
            };
            chrono::DateTime::from_timestamp(secs, 0).map(|d| d.date_naive())
        }
        _ => None,
    }
}

/// Plain paragraphs from a record's text: blank-line separated when the
/// scraper kept blank lines, else one paragraph per line; HTML fragments
/// (some scrapers keep the markup) are reduced to their text.
pub fn paragraphs(text: &str) -> String {
    if html::looks_like_fragment(text) {
        return html::fragment_text(text);
    }
    let text = text.replace("\r\n", "\n");
    let blocks: Vec<String> = if text.contains("\n\n") {
        text.split("\n\n").map(collapse_ws).collect()
    } else {
        text.lines().map(collapse_ws).collect()
    };
    blocks
        .into_iter()
        .filter(|b| !b.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn record(map: &Map<String, Value>) -> Result<Article, String> {
    let title = get(map, TITLE).and_then(as_text);
    let text = get(map, TEXT)
        .or_else(|| get(map, SUMMARY))
        .and_then(|v| v.as_str())
        .map(paragraphs)
        .filter(|b| !b.is_empty());
    if title.is_none() && text.is_none() {
        let mut keys: Vec<&str> = map.keys().map(String::as_str).take(8).collect();
        if map.len() > keys.len() {
            keys.push("…");
        }
        let found = if keys.is_empty() {
            "the object is empty".to_string()
        } else {
            format!("found keys: {}", keys.join(", "))
        };
        return Err(format!("{EXPECTED}; {found}"));
    }
    let body = text.unwrap_or_default();
    let title = title.unwrap_or_else(|| first_sentence(&body));
    Ok(Article {
        title,
        body,
        credit: None,
        byline: get(map, BYLINE)
            .and_then(as_text)
            .and_then(|b| clean_byline(&b)),
        url: get(map, URL).and_then(as_text),
        date: get(map, DATE).and_then(as_date),
        tags: get(map, TAGS).map(as_list).unwrap_or_default(),
    })
}

/// A stand-in title for a record that has only text: its first sentence, cut
/// at a word boundary if long.
fn first_sentence(body: &str) -> String {
    const MAX: usize = 100;
    let para = body.split("\n\n").next().unwrap_or("");
    let end = para.find(". ").map(|i| i + 1).unwrap_or(para.len());
    let s = &para[..end];
    if s.chars().count() <= MAX {
        return s.to_string();
    }
    let cut: String = s.chars().take(MAX).collect();
    match cut.rfind(' ') {
        Some(i) => format!("{}…", &cut[..i]),
        None => format!("{cut}…"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, day)
    }

    #[test]
    fn key_names_scrapers_use() {
        for (input, title, body, date, byline, url) in [
            (
                r#"{"title":"T1","maintext":"One.\nTwo.","date_publish":"2011-11-12 08:00:00","authors":["A B","C D"],"url":"http://x/1","source_domain":"x"}"#,
                "T1",
                "One.\n\nTwo.",
                d(2011, 11, 12),
                Some("A B, C D"),
                Some("http://x/1"),
            ),
            (
                r#"{"Headline":"T2","Body":"Para one\nstill one.\n\nPara two.","pubDate":"Sat, 12 Nov 2011 10:00:00 GMT","byline":"By Jo"}"#,
                "T2",
                "Para one still one.\n\nPara two.",
                d(2011, 11, 12),
                Some("Jo"),
                None,
            ),
            (
                r#"{"headline":"T3","content":"<p>First <b>bold</b>.</p><p>Second.</p>","published":1321084800,"author":{"name":"Ann"},"link":"http://x/3"}"#,
                "T3",
                "First bold.\n\nSecond.",
                d(2011, 11, 12),
                Some("Ann"),
                Some("http://x/3"),
            ),
            (
                r#"{"title":null,"text":"Only text here. More text."}"#,
                "Only text here.",
                "Only text here. More text.",
                None,
                None,
                None,
            ),
        ] {
            let map: Map<String, Value> = serde_json::from_str(input).unwrap();
            let a = record(&map).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(a.title, title, "{input}");
            assert_eq!(a.body, body, "{input}");
            assert_eq!(a.date, date, "{input}");
            assert_eq!(a.byline.as_deref(), byline, "{input}");
            assert_eq!(a.url.as_deref(), url, "{input}");
        }
    }

    #[test]
    fn a_record_without_news_keys_is_named_in_the_error() {
        let map: Map<String, Value> =
            serde_json::from_str(r#"{"name":"pkg","version":"1.0"}"#).unwrap();
        let e = record(&map).unwrap_err();
        assert!(e.contains("expected a news record"), "{e}");
        assert!(e.contains("found keys: name, version"), "{e}");
    }

    #[test]
    fn arrays_number_their_records_and_skip_the_rest() {
        let out = parse_json(r#"[{"title":"A","text":"a"}, 5, {"title":"B","text":"b"}]"#).unwrap();
        let lines: Vec<_> = out.articles.iter().map(|p| p.line).collect();
        assert_eq!(lines, vec![Some(1), Some(3)]);
        assert_eq!(out.warnings.len(), 1);
        assert_eq!(out.warnings[0].to_string().get(..9), Some("record 2:"));
        assert!(matches!(parse_json("[]"), Err(ParseError::Malformed(_))));
        assert!(matches!(parse_json("42"), Err(ParseError::Malformed(_))));
    }

    #[test]
    fn json_lines_skip_bad_lines_with_their_number() {
        let text = "{\"title\":\"A\",\"text\":\"a\"}\n\n{broken\n{\"foo\":1}\n{\"title\":\"B\",\"text\":\"b\"}\n";
        let out = parse_lines(text).unwrap();
        let lines: Vec<_> = out.articles.iter().map(|p| p.line).collect();
        assert_eq!(lines, vec![Some(1), Some(5)]);
        let at: Vec<_> = out.warnings.iter().map(|w| (w.unit, w.n)).collect();
        assert_eq!(at, vec![(Unit::Line, 3), (Unit::Line, 4)]);
        assert!(out.warnings[0].message.starts_with("not valid JSON"));
        match parse_lines("{bad\n") {
            Err(ParseError::Malformed(m)) => assert!(m.contains("line 1"), "{m}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn sniffing() {
        assert_eq!(sniff("{\"a\":1}", false), Some(Format::Json));
        assert_eq!(sniff("{\"a\":1}\n{\"a\":2}\n", false), Some(Format::Jsonl));
        assert_eq!(sniff("{\"a\":1}", true), Some(Format::Jsonl));
        assert_eq!(sniff("[1,2]", false), Some(Format::Json));
        assert_eq!(sniff("[Reuters] Grain prices", false), None);
        assert_eq!(sniff("{not json at all", false), None);
    }
}
