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
            let (article, note) = record(&map).map_err(ParseError::Malformed)?;
            Ok(Output {
                format: Format::Json,
                articles: vec![Parsed {
                    line: None,
                    article,
                }],
                warnings: note.map(Warning::file_note).into_iter().collect(),
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
    /// Record part `n` of a file: its article (and a note on a value left
    /// out of it), or why it was left out.
    fn push(&mut self, n: usize, unit: Unit, result: Result<(Article, Option<String>), String>) {
        match result {
            Ok((article, note)) => {
                self.articles.push(Parsed {
                    line: Some(n),
                    article,
                });
                if let Some(message) = note {
                    self.warnings.push(Warning {
                        n,
                        unit,
                        message,
                        skipped: false,
                    });
                }
            }
            Err(message) => self.warnings.push(Warning {
                n,
                unit,
                message: format!("{message}; skipped"),
                skipped: true,
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
        // Files glued together from others keep each one's byte-order mark.
        let line = line.trim().trim_start_matches('\u{feff}').trim_start();
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

/// A record's date, or why its value was left out. Strings are read by
/// [`dates::parse_date`]. Numbers are Unix time in seconds, or in
/// milliseconds when too large for seconds (over 10^11), except an 8-digit
/// number that is a valid `YYYYMMDD` date (`20111112`), which is that date.
/// A date outside the years [`dates::YEARS`] is left out, never wrapped.
fn as_date(v: &Value) -> Result<Option<NaiveDate>, String> {
    let shown = || {
        let s = v.to_string();
        match s.char_indices().nth(40) {
            Some((i, _)) => format!("{}…", &s[..i]),
            None => s,
        }
    };
    let date = match v {
        Value::String(s) => dates::parse_date(s),
        Value::Number(n) => match n.as_i64() {
            Some(t) if (10_000_000..100_000_000).contains(&t) && compact_date(t).is_some() => {
                compact_date(t)
            }
            Some(t) => {
                let secs = if t.unsigned_abs() > 100_000_000_000 {
                    t / 1000
                } else {
                    t
                };
                chrono::DateTime::from_timestamp(secs, 0)
                    .map(|d| d.date_naive())
                    .filter(|d| dates::in_range(*d))
            }
            None => None,
        },
        _ => None,
    };
    date.map(Some).ok_or_else(|| {
        format!(
            "date {} is not a date newsidx reads (a date from {} to {}, as text or Unix time); indexed without a date",
            shown(),
            dates::YEARS.start(),
            dates::YEARS.end()
        )
    })
}

/// `20111112` as 2011-11-12, if it is a date in range.
fn compact_date(t: i64) -> Option<NaiveDate> {
    let (y, md) = (t / 10_000, t % 10_000);
    let y = i32::try_from(y).ok()?;
    let d = NaiveDate::from_ymd_opt(
        y,
        u32::try_from(md / 100).ok()?,
        u32::try_from(md % 100).ok()?,
    )?;
    dates::in_range(d).then_some(d)
}

/// Plain paragraphs from a record's text: blank-line separated when the
/// scraper kept blank lines, else one paragraph per line; HTML fragments
/// (some scrapers keep the markup) are reduced to their text.
pub fn paragraphs(text: &str) -> Result<String, String> {
    if html::looks_like_fragment(text) {
        return html::fragment_text(text).map_err(|e| e.to_string());
    }
    let text = text.replace("\r\n", "\n");
    let blocks: Vec<String> = if text.contains("\n\n") {
        text.split("\n\n").map(collapse_ws).collect()
    } else {
        text.lines().map(collapse_ws).collect()
    };
    Ok(blocks
        .into_iter()
        .filter(|b| !b.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n"))
}

/// A record's article, and a note on a value that was left out of it.
fn record(map: &Map<String, Value>) -> Result<(Article, Option<String>), String> {
    let title = get(map, TITLE).and_then(as_text);
    let text = get(map, TEXT)
        .or_else(|| get(map, SUMMARY))
        .and_then(|v| v.as_str())
        .map(paragraphs)
        .transpose()?
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
    let (date, note) = match get(map, DATE).map(as_date) {
        None => (None, None),
        Some(Ok(d)) => (d, None),
        Some(Err(note)) => (None, Some(note)),
    };
    let article = Article {
        title,
        body,
        credit: None,
        byline: get(map, BYLINE)
            .and_then(as_text)
            .and_then(|b| clean_byline(&b)),
        url: get(map, URL).and_then(as_text),
        date,
        tags: get(map, TAGS).map(as_list).unwrap_or_default(),
    };
    Ok((article, note))
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
            let (a, note) = record(&map).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(note, None, "{input}");
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
        let Err(e) = record(&map) else {
            panic!("a record")
        };
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

    /// Issue 16: numbers are Unix time as documented, or `YYYYMMDD`; any
    /// other number is no date (with a note), never a wrapped-around one.
    #[test]
    fn numeric_dates_are_read_as_documented_or_left_out() {
        for (json, want) in [
            ("1321084800", d(2011, 11, 12)),
            ("1321084800000", d(2011, 11, 12)),
            ("20111112", d(2011, 11, 12)),
            ("-2208988800", d(1900, 1, 1)),
            ("-7000000000", None),
            ("99999999999999", None),
            ("-99999999999999", None),
            ("9223372036854775807", None),
            ("1.5e300", None),
            ("\"next Tuesday\"", None),
            ("\"99999-01-01\"", None),
        ] {
            let input = format!(r#"{{"title":"T","text":"x","date":{json}}}"#);
            let map: Map<String, Value> = serde_json::from_str(&input).unwrap();
            let (a, note) = record(&map).unwrap();
            assert_eq!(a.date, want, "{json}");
            assert_eq!(note.is_some(), want.is_none(), "{json}: {note:?}");
        }
    }

    /// Issue 16: a line that starts with a byte-order mark is still a record.
    #[test]
    fn a_json_lines_line_may_start_with_a_bom() {
        let out = parse_lines(
            "{\"title\":\"A\",\"text\":\"a\"}\n\u{feff}{\"title\":\"B\",\"text\":\"b\"}\n",
        )
        .unwrap();
        assert_eq!(out.articles.len(), 2, "{:?}", out.warnings);
        assert!(out.warnings.is_empty());
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
