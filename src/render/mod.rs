//! Every output of newsidx, one module per command: a `Serialize` struct that
//! is the JSON contract (its version a named const beside it, described by a
//! JSON Schema in `schema/`) and a text writer over any `io::Write`.
//! Renderers receive plain values (hits, documents, counts), never a
//! searcher, and know nothing of tantivy or of clap: colour comes resolved.
//!
//! Here too the few helpers every output shares: terminal-safe text
//! ([`sanitize`]), the one way a date ([`date`]) and a byte count ([`Size`])
//! are written.

pub mod check;
pub mod csv;
pub mod document;
pub mod eval;
pub mod results;
pub mod schema;
pub mod search;
pub mod stats;
pub mod summary;

use chrono::NaiveDate;
use serde::{Serialize, Serializer};
use std::fmt;
use std::io::{self, Write};

/// Whether to colour human output; settled once by the command from
/// `--color` and the environment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Color {
    Always,
    Never,
}

/// Text from an article, made safe for a terminal: control characters
/// (escape sequences above all) replaced, line breaks as given by `keep_newlines`.
pub fn sanitize(s: &str, keep_newlines: bool) -> String {
    s.chars()
        .filter_map(|c| {
            if c == '\n' && keep_newlines {
                Some(c)
            } else {
                safe_char(c)
            }
        })
        .collect()
}

/// One character of article text made safe for a terminal, as `sanitize`
/// does without keeping line breaks (for callers that walk characters):
/// `None` for an invisible format control, which is dropped.
pub fn safe_char(c: char) -> Option<char> {
    if c == '\n' || c == '\t' {
        Some(' ')
    } else if c.is_control() {
        Some('\u{fffd}')
    } else if is_format_control(c) {
        None
    } else {
        Some(c)
    }
}

/// Invisible characters that change how a terminal shows the text around
/// them: bidirectional overrides and isolates (U+202E turns `txt.exe` into
/// `exe.txt`), zero-width spaces and joiners that hide words, tag
/// characters. The joiners U+200C/U+200D stay: Persian and emoji need them.
fn is_format_control(c: char) -> bool {
    matches!(c,
        '\u{061c}'
        | '\u{200b}'
        | '\u{200e}'..='\u{200f}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{206f}'
        | '\u{feff}'
        | '\u{fff9}'..='\u{fffb}'
        | '\u{e0000}'..='\u{e007f}')
}

/// Pretty JSON and a final newline, as every JSON output is written.
pub fn write_json(w: &mut dyn Write, v: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, v)?;
    writeln!(w)
}

/// Milliseconds as JSON outputs give them: to the microsecond.
pub fn round_ms(ms: f64) -> f64 {
    (ms * 1000.0).round() / 1000.0
}

/// A day as every output writes it: `2011-03-14`.
pub fn date(d: NaiveDate) -> impl fmt::Display {
    d.format("%Y-%m-%d")
}

/// [`date`] for serde: `"2011-03-14"`, or `null` for no date.
pub fn ser_date<S: Serializer>(d: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.collect_str(&date(*d)),
        None => s.serialize_none(),
    }
}

/// A count of bytes as a person reads it: `512 bytes`, `16 MiB`, `1.5 KiB`.
/// The alternate form (`{:#}`) keeps the exact count where rounding hides
/// it, for messages about a limit: `2.9 KiB (3006 bytes)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Size(pub u64);

impl fmt::Display for Size {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
        let n = self.0;
        if n < 1024 {
            return write!(f, "{n} bytes");
        }
        let mut v = n as f64 / 1024.0;
        let mut unit = UNITS[0];
        for u in &UNITS[1..] {
            if v < 1024.0 {
                break;
            }
            v /= 1024.0;
            unit = u;
        }
        if v.fract() == 0.0 {
            write!(f, "{v:.0} {unit}")
        } else if f.alternate() {
            write!(f, "{v:.1} {unit} ({n} bytes)")
        } else {
            write!(f, "{v:.1} {unit}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_strips_escapes() {
        assert_eq!(sanitize("a\u{1b}[2Jb", false), "a\u{fffd}[2Jb");
        assert_eq!(sanitize("a\nb", false), "a b");
        assert_eq!(sanitize("a\nb", true), "a\nb");
    }

    /// Issue 16: bidi controls in a title must not reach the terminal.
    #[test]
    fn sanitize_drops_bidi_and_format_controls() {
        assert_eq!(sanitize("evil\u{202e}txt.exe", false), "eviltxt.exe");
        assert_eq!(
            sanitize("\u{2066}a\u{2067}b\u{2068}c\u{2069}\u{200b}\u{feff}", false),
            "abc"
        );
        assert_eq!(sanitize("a\u{200d}b", false), "a\u{200d}b");
    }

    #[test]
    fn sizes_read_as_people_write_them() {
        for (n, short, exact) in [
            (0, "0 bytes", "0 bytes"),
            (1023, "1023 bytes", "1023 bytes"),
            (1024, "1 KiB", "1 KiB"),
            (1536, "1.5 KiB", "1.5 KiB (1536 bytes)"),
            (16 << 20, "16 MiB", "16 MiB"),
            ((17 << 20) + 1, "17.0 MiB", "17.0 MiB (17825793 bytes)"),
            (3 << 30, "3 GiB", "3 GiB"),
        ] {
            assert_eq!(Size(n).to_string(), short, "{n}");
            assert_eq!(format!("{:#}", Size(n)), exact, "{n}");
        }
    }

    #[test]
    fn dates_are_iso_days() {
        let d = NaiveDate::from_ymd_opt(2011, 3, 4).unwrap();
        assert_eq!(date(d).to_string(), "2011-03-04");
    }
}
