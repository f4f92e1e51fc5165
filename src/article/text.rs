//! Plain-text articles in the two layouts archives use.
//!
//! Layout B (BBC, Reuters): title line, blank line, paragraphs (possibly
//! hard-wrapped). Layout A (The Diplomat): title, `Image Credit: …`, the title
//! again, paragraphs with subscription boilerplate inside and after them.
//! Both come out the same way: title from the first non-empty line, the
//! repeated title dropped, the credit moved to `credit`, boilerplate removed,
//! paragraphs joined by one blank line with white space collapsed inside.

use super::boilerplate::Boilerplate;
use super::{Article, ParseError, collapse_ws, collapse_ws_into};

/// Parse a plain-text article (already decoded; CRLF or CR line ends and a
/// leading BOM are accepted).
pub fn parse(text: &str) -> Result<Article, ParseError> {
    parse_with(text, Boilerplate::get())
}

pub fn parse_with(text: &str, bp: &Boilerplate) -> Result<Article, ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // CRLF (DOS) and bare CR (old Mac) line ends become LF.
    let text: std::borrow::Cow<str> = if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n").into()
    } else {
        text.into()
    };
    let mut lines = text.split('\n');

    let first = loop {
        match lines.next() {
            Some(l) => {
                let t = collapse_ws(l);
                if !t.is_empty() {
                    break t;
                }
            }
            None => return Err(ParseError::Empty),
        }
    };
    // A first line longer than any headline (a file with no line breaks at
    // all) is body text: the title is only its opening words.
    let (title, mut current) = if first.chars().count() > TITLE_MAX_CHARS {
        (clip_title(&first), first)
    } else {
        (first, String::new())
    };

    let mut credit = None;
    let mut paragraphs: Vec<String> = Vec::new();
    // The repeated title may only appear before the first paragraph.
    let mut before_body = current.is_empty();

    // One buffer for all lines rather than a String per line.
    let mut t = String::new();
    for line in lines {
        t.clear();
        collapse_ws_into(line, &mut t);
        let t = t.as_str();
        if t.is_empty() {
            flush(&mut current, &mut paragraphs);
            continue;
        }
        if credit.is_none()
            && paragraphs.is_empty()
            && current.is_empty()
            && let Some(c) = bp.credit(t)
        {
            credit = Some(c.to_string());
            continue;
        }
        if before_body && current.is_empty() && t.eq_ignore_ascii_case(&title) {
            continue;
        }
        if bp.is_boilerplate(t) {
            flush(&mut current, &mut paragraphs);
            continue;
        }
        before_body = false;
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(t);
    }
    flush(&mut current, &mut paragraphs);

    Ok(Article {
        title,
        body: paragraphs.join("\n\n"),
        credit,
        ..Article::default()
    })
}

/// Longest title kept whole, in characters.
pub const TITLE_MAX_CHARS: usize = 200;

/// The opening words of `s`, at most [`TITLE_MAX_CHARS`] characters, cut at a
/// word boundary where there is one in the second half, and marked with `…`.
pub fn clip_title(s: &str) -> String {
    let Some((end, _)) = s.char_indices().nth(TITLE_MAX_CHARS) else {
        return s.to_string();
    };
    let head = &s[..end];
    let cut = match head.rfind(' ') {
        Some(i) if head[..i].chars().count() >= TITLE_MAX_CHARS / 2 => i,
        _ => end,
    };
    format!("{}\u{2026}", head[..cut].trim_end())
}

fn flush(current: &mut String, paragraphs: &mut Vec<String>) {
    if !current.is_empty() {
        paragraphs.push(std::mem::take(current));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Case {
        name: &'static str,
        input: &'static str,
        title: &'static str,
        credit: Option<&'static str>,
        body: &'static str,
    }

    const CASES: &[Case] = &[
        Case {
            name: "layout B: title, blank, paragraphs",
            input: "Grain prices climb\n\nWheat rose 3% on Monday.\n\nTraders  blamed   drought.\n",
            title: "Grain prices climb",
            credit: None,
            body: "Wheat rose 3% on Monday.\n\nTraders blamed drought.",
        },
        Case {
            name: "layout B hard-wrapped wire copy joins lines of a paragraph",
            input: "Tin talks resume\n\nDelegates met in London\nto discuss the buffer\nstock.\n\nNo deal was reached.",
            title: "Tin talks resume",
            credit: None,
            body: "Delegates met in London to discuss the buffer stock.\n\nNo deal was reached.",
        },
        Case {
            name: "layout A: credit, repeated title, boilerplate inside and after",
            input: "Ports Race Ahead\nImage Credit: Harbour Authority\n\nPorts Race Ahead\n\n\nFirst paragraph.\n\nEnjoying this article? Click here to subscribe for full access. Just $5 a month.\n\nSecond paragraph.\n\nSign up for our weekly newsletter\nThe Diplomat Brief",
            title: "Ports Race Ahead",
            credit: Some("Harbour Authority"),
            body: "First paragraph.\n\nSecond paragraph.",
        },
        Case {
            name: "CRLF, BOM and leading blank lines",
            input: "\u{feff}\r\n\r\nHeadline here\r\n\r\nBody line one\r\ncontinues.\r\n",
            title: "Headline here",
            credit: None,
            body: "Body line one continues.",
        },
        Case {
            name: "a title repeated later in the body is kept",
            input: "Budget Day\n\nIt was Budget Day again.\n\nBudget Day\n",
            title: "Budget Day",
            credit: None,
            body: "It was Budget Day again.\n\nBudget Day",
        },
        Case {
            name: "title only",
            input: "Just a headline\n",
            title: "Just a headline",
            credit: None,
            body: "",
        },
        Case {
            name: "old Mac CR line ends",
            input: "Mac headline\r\rFirst.\rSecond line.\r\rNext para.",
            title: "Mac headline",
            credit: None,
            body: "First. Second line.\n\nNext para.",
        },
    ];

    #[test]
    fn normalization_table() {
        for c in CASES {
            let a = parse(c.input).unwrap_or_else(|e| panic!("{}: {e}", c.name));
            assert_eq!(a.title, c.title, "{}", c.name);
            assert_eq!(a.credit.as_deref(), c.credit, "{}", c.name);
            assert_eq!(a.body, c.body, "{}", c.name);
        }
    }

    #[test]
    fn a_huge_first_line_gives_a_clipped_title_and_stays_in_the_body() {
        let line = "word ".repeat(200_000);
        let a = parse(&line).unwrap_or_default();
        assert!(a.title.ends_with("word\u{2026}"), "{:?}", a.title);
        assert!(a.title.chars().count() <= TITLE_MAX_CHARS + 1);
        assert!(a.title.chars().count() > TITLE_MAX_CHARS / 2);
        assert_eq!(a.body.len(), line.trim_end().len());
        // No space to cut at: cut inside the word.
        let a = parse(&"x".repeat(1000)).unwrap_or_default();
        assert_eq!(a.title.chars().count(), TITLE_MAX_CHARS + 1);
    }

    #[test]
    fn blank_text_is_empty_error() {
        assert_eq!(parse(" \n\t\r\n"), Err(ParseError::Empty));
        assert_eq!(parse(""), Err(ParseError::Empty));
    }

    /// Fixture files in both layouts, written for the project, with the
    /// article each must become.
    #[test]
    fn fixture_files() {
        let cases: &[(&str, &str, &str, Option<&str>, &str)] = &[
            (
                "layout-a.txt",
                include_str!("../../tests/fixtures/normalize/layout-a.txt"),
                "Tokyo and Canberra Talk Gas",
                Some("Australian Department of Resources"),
                "Australia’s resources minister was in Tokyo this week, and his pitch was simple – more gas, sooner.\n\n\
                 Officials from both sides said a long-term supply framework could be ready by spring.\n\n\
                 Japanese utilities, short of fuel since the spring, welcomed the talks.",
            ),
            (
                "layout-b-wrapped-crlf.txt",
                include_str!("../../tests/fixtures/normalize/layout-b-wrapped-crlf.txt"),
                "Tin Council Talks Stall in London",
                None,
                "Delegates of the International Tin Council met in London on Tuesday but failed to agree on a rescue plan for the buffer stock, officials said.\n\n\
                 The council will meet again next month.",
            ),
            (
                "layout-b-bom.txt",
                include_str!("../../tests/fixtures/normalize/layout-b-bom.txt"),
                "Coffee Quotas Return",
                None,
                "Producers agreed on Friday to restore export quotas.",
            ),
        ];
        for (name, input, title, credit, body) in cases {
            let a = parse(input).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(a.title, *title, "{name}");
            assert_eq!(a.credit.as_deref(), *credit, "{name}");
            assert_eq!(a.body, *body, "{name}");
        }
    }
}
