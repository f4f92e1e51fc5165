//! Markdown articles, with or without a YAML front-matter block.
//!
//! Front matter (`---` … `---` at the top) gives `title`, `date` (or
//! `published`/`pubDate`), `author`/`authors`/`byline`, `tags`/`keywords`/
//! `categories` and `url`/`link`. The text is reduced to plain paragraphs:
//! headings, emphasis and links become their text, images are dropped, each
//! list item is a line of its own, code keeps its text. Without a title in the
//! front matter, the first heading (else the first line) is the title.

use super::{Article, ParseError, budget, clean_byline, collapse_ws};
use crate::extract::dates;
use crate::render::Size;
use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use serde_yaml_ng::Value;

/// Whether `start` opens with a front-matter block: a `---` line, then a
/// closing `---` or `...` line.
pub fn has_front_matter(start: &str) -> bool {
    split_front_matter(start).is_some()
}

/// Whether `start` opens a front-matter block that is never closed: a `---`
/// line followed by a `key: value` line, and no closing fence.
pub fn has_unclosed_front_matter(start: &str) -> bool {
    let Some(rest) = start
        .strip_prefix("---\r\n")
        .or_else(|| start.strip_prefix("---\n"))
    else {
        return false;
    };
    let first = rest.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let key_line = first.split_once(':').is_some_and(|(k, _)| {
        !k.is_empty()
            && k.chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
    });
    key_line && split_front_matter(start).is_none()
}

/// The YAML between the fences, and the text after them.
fn split_front_matter(text: &str) -> Option<(&str, &str)> {
    let rest = text
        .strip_prefix("---\r\n")
        .or_else(|| text.strip_prefix("---\n"))?;
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        let t = line.trim_end();
        if t == "---" || t == "..." {
            return Some((&rest[..offset], &rest[offset + line.len()..]));
        }
        offset += line.len();
    }
    None
}

pub fn parse(text: &str) -> Result<Article, ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text).trim_start();
    let (front, md) = match split_front_matter(text) {
        Some((yaml, md)) => (front_matter(yaml)?, md),
        None if has_unclosed_front_matter(text) => {
            return Err(ParseError::Malformed(
                "the front matter opened by `---` on line 1 is never closed; end it with a `---` line"
                    .to_string(),
            ));
        }
        None => (Front::default(), text),
    };
    let (heading, body) = plain(md);
    let mut paragraphs = body;
    let title = match front.title {
        Some(t) => t,
        None => match heading {
            Some(h) => h,
            None if !paragraphs.is_empty() => paragraphs.remove(0),
            None => return Err(ParseError::Empty),
        },
    };
    if paragraphs
        .first()
        .is_some_and(|p| p.eq_ignore_ascii_case(&title))
    {
        paragraphs.remove(0);
    }
    Ok(Article {
        title,
        body: paragraphs.join("\n\n"),
        credit: None,
        byline: front.byline,
        url: front.url,
        date: front.date,
        tags: front.tags,
    })
}

#[derive(Default)]
struct Front {
    title: Option<String>,
    date: Option<chrono::NaiveDate>,
    byline: Option<String>,
    url: Option<String>,
    tags: Vec<String>,
}

/// Front matter is a handful of `key: value` lines. The YAML parser takes
/// seconds on deeply nested flow collections (`[[[[…`), so front matter
/// larger or more nested than this is refused before it is parsed.
const MAX_FRONT_MATTER: usize = 64 * 1024;
const MAX_FLOW_DEPTH: usize = 32;

/// How deeply `[`/`{` nest in `yaml`, outside quoted strings and comments
/// (a rough reading of YAML, enough to bound what the parser is given).
fn flow_depth(yaml: &str) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    for line in yaml.lines() {
        let mut quote = None;
        for c in line.chars() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '#') => break,
                (None, '[' | '{') => {
                    depth += 1;
                    max = max.max(depth);
                }
                (None, ']' | '}') => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
    }
    max
}

/// Whether `yaml` uses an alias (`*name`) where a value begins (a rough
/// reading of YAML, as [`flow_depth`]'s). An alias repeats what its anchor
/// holds, and aliases of aliases multiply: 11 KB of front matter
/// (`b: &b [*a, *a…]`, `c: [*b, *b…]`) made the YAML parser build billions
/// of values, over a minute and gigabytes, beyond the reach of any time
/// check (serde_yaml_ng allows 100 alias jumps per event of the document).
/// An article's front matter has no use for them.
fn has_alias(yaml: &str) -> bool {
    for line in yaml.lines() {
        // Whether a value may begin here: at the line's start, after `: `,
        // `- `, `? `, `[`, `{` or `,`.
        let mut value_start = true;
        let mut quote = None;
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            let then_space = chars.peek().is_none_or(|n| n.is_whitespace());
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '#') if value_start => break,
                (None, ' ' | '\t') => {}
                (None, '*') if value_start && !then_space => return true,
                (None, '"' | '\'') if value_start => {
                    quote = Some(c);
                    value_start = false;
                }
                (None, '[' | '{' | ',') => value_start = true,
                (None, ':' | '-' | '?') if then_space => value_start = true,
                _ => value_start = false,
            }
        }
    }
    false
}

fn front_matter(yaml: &str) -> Result<Front, ParseError> {
    if yaml.trim().is_empty() {
        return Ok(Front::default());
    }
    if yaml.len() > MAX_FRONT_MATTER {
        return Err(ParseError::TooComplex(format!(
            "front matter of {} (the limit is {})",
            Size(yaml.len() as u64),
            Size(MAX_FRONT_MATTER as u64)
        )));
    }
    let depth = flow_depth(yaml);
    if depth > MAX_FLOW_DEPTH {
        return Err(ParseError::TooComplex(format!(
            "front matter with brackets nested {depth} deep (the limit is {MAX_FLOW_DEPTH})"
        )));
    }
    if has_alias(yaml) {
        return Err(ParseError::TooComplex(
            "front matter with YAML aliases (`*name`); write the values out".to_string(),
        ));
    }
    let value: Value = serde_yaml_ng::from_str(yaml).map_err(|e| {
        ParseError::Malformed(format!(
            "the front matter (between the `---` lines) is not valid YAML: {e}; write it as `key: value` lines"
        ))
    })?;
    let Value::Mapping(map) = value else {
        return Err(ParseError::Malformed(
            "the front matter (between the `---` lines) is not a set of `key: value` lines"
                .to_string(),
        ));
    };
    let get = |keys: &[&str]| {
        keys.iter().find_map(|want| {
            map.iter()
                .find(|(k, _)| k.as_str().is_some_and(|k| k.eq_ignore_ascii_case(want)))
                .map(|(_, v)| v)
        })
    };
    Ok(Front {
        title: get(&["title", "headline"]).and_then(scalar),
        date: get(&[
            "date",
            "published",
            "pubdate",
            "date_published",
            "publishdate",
        ])
        .and_then(scalar)
        .and_then(|s| dates::parse_date(&s)),
        byline: get(&["author", "authors", "byline", "by"]).and_then(|v| {
            let names = list(v);
            clean_byline(&names.join(", "))
        }),
        url: get(&["url", "link", "canonical", "permalink"]).and_then(scalar),
        tags: get(&["tags", "keywords", "categories"])
            .map(list)
            .unwrap_or_default(),
    })
}

fn scalar(v: &Value) -> Option<String> {
    let s = match v {
        Value::String(s) => collapse_ws(s),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Mapping(m) => m.get("name").and_then(scalar)?,
        _ => return None,
    };
    (!s.is_empty()).then_some(s)
}

fn list(v: &Value) -> Vec<String> {
    match v {
        Value::Sequence(items) => items.iter().filter_map(scalar).collect(),
        Value::String(s) => s
            .split(',')
            .map(collapse_ws)
            .filter(|t| !t.is_empty())
            .collect(),
        other => scalar(other).into_iter().collect(),
    }
}

/// The first top-level heading (if it comes before any text) and the plain
/// paragraphs of the rest.
fn plain(md: &str) -> (Option<String>, Vec<String>) {
    let mut paragraphs: Vec<String> = Vec::new();
    let mut heading = None;
    let mut current = String::new();
    let mut image_depth = 0usize;
    let mut in_h1 = false;
    let ticker = budget::Ticker::default();
    for event in Parser::new(md) {
        ticker.tick();
        match event {
            Event::Start(Tag::Image { .. }) => image_depth += 1,
            Event::End(TagEnd::Image) => image_depth = image_depth.saturating_sub(1),
            _ if image_depth > 0 => {}
            Event::Start(Tag::Heading { level, .. }) => {
                push(&mut current, &mut paragraphs);
                in_h1 = level == pulldown_cmark::HeadingLevel::H1
                    && heading.is_none()
                    && paragraphs.is_empty();
            }
            Event::End(TagEnd::Heading(_)) => {
                if in_h1 {
                    let h = collapse_ws(&std::mem::take(&mut current));
                    heading = (!h.is_empty()).then_some(h);
                    in_h1 = false;
                } else {
                    push(&mut current, &mut paragraphs);
                }
            }
            Event::Start(Tag::Item) | Event::End(TagEnd::Item) => {
                push(&mut current, &mut paragraphs)
            }
            Event::End(
                TagEnd::Paragraph | TagEnd::BlockQuote(_) | TagEnd::CodeBlock | TagEnd::TableRow,
            ) => push(&mut current, &mut paragraphs),
            Event::Text(t) | Event::Code(t) => current.push_str(&t),
            Event::SoftBreak | Event::HardBreak => current.push(' '),
            Event::End(TagEnd::TableCell) => current.push(' '),
            // Raw HTML, footnote markers, rules: not text.
            _ => {}
        }
    }
    push(&mut current, &mut paragraphs);
    (heading, paragraphs)
}

fn push(current: &mut String, paragraphs: &mut Vec<String>) {
    let p = collapse_ws(current);
    current.clear();
    if !p.is_empty() {
        paragraphs.push(p);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn front_matter_and_markup() {
        let text = "---\ntitle: \"Tide gauges: a quiet revolution\"\ndate: 2011-11-12\nauthor: [Ana Ruiz, Ben Ode]\ntags:\n  - oceans\n  - sensors\nurl: https://example.org/tides\n---\n\n# Tide gauges: a quiet revolution\n\nThe **first** gauge went in at [Port Elle](https://x) in *1990*.\n\n![a gauge](g.jpg)\n\n## Why it matters\n\n- cheaper\n- faster\n\n> Quoted line.\n";
        let a = parse(text).unwrap();
        assert_eq!(a.title, "Tide gauges: a quiet revolution");
        assert_eq!(a.date, NaiveDate::from_ymd_opt(2011, 11, 12));
        assert_eq!(a.byline.as_deref(), Some("Ana Ruiz, Ben Ode"));
        assert_eq!(a.url.as_deref(), Some("https://example.org/tides"));
        assert_eq!(a.tags, vec!["oceans", "sensors"]);
        assert_eq!(
            a.body,
            "The first gauge went in at Port Elle in 1990.\n\nWhy it matters\n\ncheaper\n\nfaster\n\nQuoted line."
        );
    }

    #[test]
    fn without_front_matter_the_heading_is_the_title() {
        let a = parse("# Heading here\n\nBody _text_.\n").unwrap();
        assert_eq!(a.title, "Heading here");
        assert_eq!(a.body, "Body text.");
        assert_eq!(a.date, None);
        let a = parse("First line\nis a paragraph.\n\nSecond.").unwrap();
        assert_eq!(a.title, "First line is a paragraph.");
        assert_eq!(a.body, "Second.");
    }

    #[test]
    fn bad_front_matter_is_malformed_with_a_hint() {
        match parse("---\ntitle: [unclosed\n---\nBody") {
            Err(ParseError::Malformed(m)) => assert!(m.contains("front matter"), "{m}"),
            other => panic!("{other:?}"),
        }
    }

    /// Issue 16: 100k `[` took 26 s in the YAML parser before it failed.
    #[test]
    fn deeply_nested_front_matter_is_refused_at_once() {
        let text = format!(
            "---\nx: {}{}\n---\nBody",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        let start = std::time::Instant::now();
        match parse(&text) {
            Err(ParseError::TooComplex(m)) => assert!(m.contains("front matter"), "{m}"),
            other => panic!("{other:?}"),
        }
        assert!(start.elapsed().as_secs() < 5, "{:?}", start.elapsed());
        assert_eq!(flow_depth("a: [1, [2, {b: 3}]] # [[[[\nc: \"[[[[\""), 3);
    }

    /// Issue 16: 11 KB of nested YAML aliases ran the YAML parser for over
    /// a minute, its memory growing, past every time check.
    #[test]
    fn front_matter_with_aliases_is_refused_at_once() {
        let list = |item: &str, n| vec![item; n].join(",");
        let yaml = format!(
            "title: Laughs\na: &a [{}]\nb: &b [{}]\nc: [{}]\n",
            list("x", 1000),
            list("*a", 1000),
            list("*b", 2000)
        );
        let start = std::time::Instant::now();
        match parse(&format!("---\n{yaml}---\n# Laughs\n\nText.\n")) {
            Err(ParseError::TooComplex(m)) => assert!(m.contains("aliases"), "{m}"),
            other => panic!("{other:?}"),
        }
        assert!(start.elapsed().as_secs() < 5, "{:?}", start.elapsed());
        for (yaml, alias) in [
            ("a: *x", true),
            ("a: [1, *x]", true),
            ("- *x", true),
            ("{a: *x}", true),
            ("*x : 1", true),
            ("title: Big *news* today", false),
            ("title: 5 * 3", false),
            ("title: \"*quoted\"", false),
            ("title: '*quoted'", false),
            ("title: x # *comment", false),
            ("tags: [a, b*c]", false),
            ("title: AT&T and R&D", false),
        ] {
            assert_eq!(has_alias(yaml), alias, "{yaml}");
        }
        // Plain front matter is read as before.
        let a = parse("---\ntitle: Big *news* today\ntags: [a, b]\n---\nBody.\n").unwrap();
        assert_eq!(a.title, "Big *news* today");
    }

    /// Issue 16: front matter that is never closed must not become the title.
    #[test]
    fn unclosed_front_matter_is_malformed() {
        match parse("---\ntitle: Never closed\ndate: 2011-11-12\n\nThe body.\n") {
            Err(ParseError::Malformed(m)) => assert!(m.contains("never closed"), "{m}"),
            other => panic!("{other:?}"),
        }
        // A rule at the top of a plain Markdown text is no front matter.
        assert!(parse("---\n\nJust a rule, then text.\n").is_ok());
    }

    #[test]
    fn front_matter_detection() {
        assert!(has_front_matter("---\ntitle: x\n---\nbody"));
        assert!(has_front_matter("---\r\ntitle: x\r\n...\r\nbody"));
        assert!(!has_front_matter("--- not front matter\n"));
        assert!(!has_front_matter("---\ntitle: never closed\n"));
    }
}
