//! Printers for results and documents: human text, JSON and JSON Lines.
//! They write to any `io::Write` and know nothing of tantivy.

pub mod json;
pub mod text;

/// Whether to colour human output; settled once from `--color` and the
/// environment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Color {
    Always,
    Never,
}

impl Color {
    /// `auto` means colour on a terminal unless `NO_COLOR` is set.
    pub fn resolve(choice: crate::cli::ColorChoice, is_terminal: bool) -> Color {
        use crate::cli::ColorChoice;
        match choice {
            ColorChoice::Always => Color::Always,
            ColorChoice::Never => Color::Never,
            ColorChoice::Auto => {
                let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
                if is_terminal && !no_color {
                    Color::Always
                } else {
                    Color::Never
                }
            }
        }
    }
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
}
