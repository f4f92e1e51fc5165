//! Printers for results and documents: human text, JSON and JSON Lines.
//! They write to any `io::Write` and know nothing of tantivy.

pub mod json;
pub mod summary;
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
        .map(|c| {
            if c == '\n' && keep_newlines {
                c
            } else {
                safe_char(c)
            }
        })
        .collect()
}

/// One character of article text made safe for a terminal, as `sanitize`
/// does without keeping line breaks (for callers that walk characters).
pub fn safe_char(c: char) -> char {
    if c == '\n' || c == '\t' {
        ' '
    } else if c.is_control() {
        '\u{fffd}'
    } else {
        c
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
}
