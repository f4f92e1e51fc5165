//! Publication dates: read from a metadata value, found near the top of an
//! article's text, or taken from its path.
//!
//! The order of trust is the caller's (`pipeline`): a date from the source's
//! metadata beats one found in the text, which beats one in the path. This
//! module only reads dates; it never guesses. Numeric dates are taken only
//! when they cannot be misread: `2011-11-12`, `2011/11/12`, and `12/11/2011`
//! only when one of the two small numbers is over 12 (or both are equal), so
//! that day-first and month-first readings agree. Dates in the text are looked
//! for only in the first lines of the body, so a date the story mentions
//! deep inside ("the accident of March 1979") is never taken.

use chrono::NaiveDate;
use regex::Regex;
use std::sync::OnceLock;

/// How much of the body is "the top": the first `TOP_LINES` non-empty lines,
/// and at most `TOP_CHARS` characters of each.
const TOP_LINES: usize = 3;
const TOP_CHARS: usize = 300;

/// Years outside this range are taken as misreadings, not dates. Every date
/// this module gives is inside it, well within what the index can store
/// (nanoseconds since 1970 in an i64: 1677 to 2262).
pub const YEARS: std::ops::RangeInclusive<i32> = 1800..=2100;

/// Whether `d` is in [`YEARS`].
pub fn in_range(d: NaiveDate) -> bool {
    use chrono::Datelike;
    YEARS.contains(&d.year())
}

const MONTH: &str = r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";

struct Patterns {
    /// A date at the start of a string, in any accepted form; groups name the
    /// parts.
    date: Regex,
    /// What may stand before a date on a dateline or a "Published" line.
    lead: Regex,
    /// `…/2011/11/12/…` in a path.
    path_slashes: Regex,
    /// `2011-11-12` at the start of a path segment.
    path_dashes: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| {
        let weekday = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?";
        let date = format!(
            r"(?ix)^{weekday}(?:
                (?P<iy>\d{{4}})[-/](?P<im>\d{{1,2}})[-/](?P<id>\d{{1,2}})(?:\b|T)
              | (?P<dd>\d{{1,2}})(?:st|nd|rd|th)?\s+{MONTH}\.?,?\s+(?P<dy>\d{{4}})\b
              | (?P<mon2>{m2})\.?\s+(?P<md>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<my>\d{{4}})\b
              | (?P<na>\d{{1,2}})[/.](?P<nb>\d{{1,2}})[/.](?P<ny>\d{{4}})\b
            )",
            m2 = MONTH.replace("?P<mon>", "")
        );
        let build = |p: &str| match Regex::new(p) {
            Ok(r) => r,
            Err(e) => panic!("built-in date pattern does not compile: {e}"),
        };
        Patterns {
            date: build(&date),
            // "Published", "Updated on", "Posted:" — or a dateline's place in
            // capitals ("NEW DELHI,", "RIO DE JANEIRO,", "WASHINGTON (AP),").
            lead: build(
                r"(?x)^(?:
                    (?i:(?:first\s+)?(?:published|updated|posted|dated?)(?:\s+on)?\s*:?\s*)
                  | \p{Lu}[\p{Lu}\p{M}.'’\ -]*\p{Lu}\.?(?:\s*\([^)]{1,30}\))?\s*,\s*
                )",
            ),
            path_slashes: build(r"(?:^|/)(\d{4})/(\d{1,2})/(\d{1,2})(?:/|$)"),
            path_dashes: build(r"(?:^|/)(\d{4})-(\d{2})-(\d{2})(?:[-_./]|$)"),
        }
    })
}

fn month_number(name: &str) -> Option<u32> {
    let n = name.get(..3)?.to_ascii_lowercase();
    let m = match n.as_str() {
        "jan" => 1,
        "feb" => 2,
        "mar" => 3,
        "apr" => 4,
        "may" => 5,
        "jun" => 6,
        "jul" => 7,
        "aug" => 8,
        "sep" => 9,
        "oct" => 10,
        "nov" => 11,
        "dec" => 12,
        _ => return None,
    };
    Some(m)
}

fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    if !YEARS.contains(&y) {
        return None;
    }
    NaiveDate::from_ymd_opt(y, m, d)
}

/// A date at the very start of `s`, and the byte length it took.
fn date_at_start(s: &str) -> Option<(NaiveDate, usize)> {
    let c = patterns().date.captures(s)?;
    let end = c.get(0)?.end();
    let num = |name: &str| c.name(name).and_then(|m| m.as_str().parse::<u32>().ok());
    let year = |name: &str| c.name(name).and_then(|m| m.as_str().parse::<i32>().ok());
    let date = if let Some(y) = year("iy") {
        ymd(y, num("im")?, num("id")?)
    } else if let Some(y) = year("dy") {
        ymd(y, month_number(c.name("mon")?.as_str())?, num("dd")?)
    } else if let Some(y) = year("my") {
        ymd(y, month_number(c.name("mon2")?.as_str())?, num("md")?)
    } else {
        let (a, b, y) = (num("na")?, num("nb")?, year("ny")?);
        // Day-first and month-first must give the same date.
        match (a > 12, b > 12) {
            (true, false) => ymd(y, b, a),
            (false, true) => ymd(y, a, b),
            (false, false) if a == b => ymd(y, a, b),
            _ => None,
        }
    }?;
    Some((date, end))
}

/// A date given as a metadata value: ISO 8601 (`2011-11-12`,
/// `2011-11-12T07:45:00+09:00`: the date as written, not moved to UTC),
/// RFC 2822 (`Sat, 12 Nov 2011 10:00:00 GMT`), or a written date
/// (`12 November 2011`, `Nov. 12, 2011`).
pub fn parse_date(value: &str) -> Option<NaiveDate> {
    date_at_start(value.trim()).map(|(d, _)| d)
}

/// Whether what follows a date on its line lets the line be a dateline or a
/// date line, rather than a sentence that starts with a date.
fn ends_date_line(rest: &str) -> bool {
    let rest = rest.trim_start();
    match rest.chars().next() {
        None => true,
        Some(c) => {
            matches!(c, '-' | '—' | '–' | ':' | '|' | ',' | '(' | '/' | '·')
                || (c.is_ascii_digit() && rest.get(..5).is_some_and(|t| t.contains(':')))
        }
    }
}

/// The publication date written near the top of `body`: a dateline
/// (`TOKYO, Nov. 12, 2011 -`), a `Published 30 April 2012` line, or a line
/// holding only a date.
pub fn in_text(body: &str) -> Option<NaiveDate> {
    let p = patterns();
    body.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(TOP_LINES)
        .find_map(|line| {
            let line = match line.char_indices().nth(TOP_CHARS) {
                Some((i, _)) => &line[..i],
                None => line,
            };
            // Every accepted date has a four-digit year; most lines have
            // none, and this check is far cheaper than the patterns.
            if !has_four_digits(line) {
                return None;
            }
            let rest = match p.lead.find(line) {
                Some(m) => &line[m.end()..],
                None => line,
            };
            let (date, len) = date_at_start(rest)?;
            ends_date_line(&rest[len..]).then_some(date)
        })
}

fn has_four_digits(s: &str) -> bool {
    let mut run = 0;
    for b in s.bytes() {
        run = if b.is_ascii_digit() { run + 1 } else { 0 };
        if run == 4 {
            return true;
        }
    }
    false
}

/// A date in the path relative to the corpus root: `…/2011/11/12/…` or a
/// segment starting `2011-11-12`.
pub fn in_path(rel: &str) -> Option<NaiveDate> {
    let p = patterns();
    [&p.path_slashes, &p.path_dashes].iter().find_map(|re| {
        re.captures_iter(rel).find_map(|c| {
            let n = |i: usize| c.get(i)?.as_str().parse::<u32>().ok();
            ymd(i32::try_from(n(1)?).ok()?, n(2)?, n(3)?)
        })
    })
}

/// The date to use when the source's metadata gave none: the text's, else
/// the path's.
pub fn find(body: &str, rel: &str) -> Option<NaiveDate> {
    in_text(body).or_else(|| in_path(rel))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, day)
    }

    #[test]
    fn metadata_values() {
        for (input, want) in [
            ("2011-11-12", d(2011, 11, 12)),
            ("2011-11-12T23:30:00+09:00", d(2011, 11, 12)),
            ("2014-03-09T07:45:00Z", d(2014, 3, 9)),
            ("  2011/11/12 ", d(2011, 11, 12)),
            ("Sat, 12 Nov 2011 10:00:00 GMT", d(2011, 11, 12)),
            ("12 November 2011", d(2011, 11, 12)),
            ("12th November, 2011", d(2011, 11, 12)),
            ("Nov. 12, 2011", d(2011, 11, 12)),
            ("November 12, 2011", d(2011, 11, 12)),
            ("Sept. 3, 2012", d(2012, 9, 3)),
            ("Monday, March 14, 2011", d(2011, 3, 14)),
            ("12/11/2011", None),
            ("25/12/2011", d(2011, 12, 25)),
            ("12/25/2011", d(2011, 12, 25)),
            ("05/05/2012", d(2012, 5, 5)),
            ("2011-02-30", None),
            ("0001-01-01", None),
            ("next Tuesday", None),
            ("", None),
            ("1700000000", None),
        ] {
            assert_eq!(parse_date(input), want, "input {input:?}");
        }
    }

    #[test]
    fn dates_near_the_top_of_the_text() {
        for (body, want) in [
            (
                "TOKYO, Nov. 12, 2011 - The government said…",
                d(2011, 11, 12),
            ),
            (
                "NEW DELHI, Dec. 28, 2011 — India and Japan agreed…",
                d(2011, 12, 28),
            ),
            (
                "RIO DE JANEIRO, Oct. 21, 2013 — Brazil auctioned…",
                d(2013, 10, 21),
            ),
            ("WASHINGTON (AP), Aug. 6, 2011 - Ratings…", d(2011, 8, 6)),
            (
                "Published 30 April 2012\n\nJapan's foreign minister…",
                d(2012, 4, 30),
            ),
            ("Updated on: 5 May 2012, 10:15 GMT\n\nText.", d(2012, 5, 5)),
            ("September 24, 2010\n\nProsecutors said…", d(2010, 9, 24)),
            ("2012-11-05\n\nSouth Korea shut down…", d(2012, 11, 5)),
            ("By Jane Roe\n12 November 2011\n\nText.", d(2011, 11, 12)),
            (
                "Reporting from Hanoi\n\n25/12/2011\n\nText.",
                d(2011, 12, 25),
            ),
            ("12/11/2011\n\nAmbiguous numeric date.", None),
            ("March 14, 2011 was the day the reactor exploded.", None),
            ("One.\n\nTwo.\n\nThree.\n\nPublished 30 April 2012", None),
            (
                "The plant opened. It was shut on November 12, 2011 - a Saturday.",
                None,
            ),
            ("The meteor was not 2012 DA14, officials said.", None),
            ("", None),
        ] {
            assert_eq!(in_text(body), want, "body {body:?}");
        }
    }

    #[test]
    fn a_date_deep_in_a_long_first_line_is_not_taken() {
        let body = format!("{} NEW DELHI, Dec. 28, 2011 - late", "word ".repeat(80));
        assert_eq!(in_text(&body), None);
    }

    #[test]
    fn dates_in_paths() {
        for (rel, want) in [
            ("world/2011/11/12/story.html", d(2011, 11, 12)),
            ("2011/11/12/story.html", d(2011, 11, 12)),
            (
                "energy/2011-03-14-fukushima-reactor-blast.txt",
                d(2011, 3, 14),
            ),
            ("2011-03-14.txt", d(2011, 3, 14)),
            ("archive/2011-03-14/a.txt", d(2011, 3, 14)),
            ("energy/germany-nuclear-exit-2022.txt", None),
            ("reuters/12345.txt", None),
            ("x/2011/13/40/a.txt", None),
            ("a/v2011-03-14.txt", None),
        ] {
            assert_eq!(in_path(rel), want, "path {rel:?}");
        }
    }

    #[test]
    fn text_beats_path() {
        assert_eq!(
            find("May 5, 2012\n\nBody.", "2011-01-01-x.txt"),
            d(2012, 5, 5)
        );
        assert_eq!(find("Body only.", "2011-01-01-x.txt"), d(2011, 1, 1));
        assert_eq!(find("Body only.", "x.txt"), None);
    }
}
