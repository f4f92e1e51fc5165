//! The checks the fuzz targets make, shared by the libFuzzer targets
//! (`fuzz_targets/`, cargo-fuzz on nightly) and the stable-Rust harness
//! (`src/bin/markup-stable.rs`), so both hold the code to the same promise.

use newsidx::article::budget::{self, Stop};
use newsidx::article::{ParseError, html, markdown};
use std::time::Duration;

/// The time budget one input's parse is given (the index's default is 10 s;
/// less here so that a run tries more inputs).
pub const MARKUP_BUDGET: Duration = Duration::from_secs(5);

/// How one input ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    Article,
    Empty,
    Malformed,
    TooComplex,
    TooSlow,
}

/// Any text as an HTML page (`pick` even) or a Markdown article (odd),
/// within the per-file budget: an article, a clear error, or a budget
/// refusal. A parser panic, or a control character in a title, fails.
pub fn markup(pick: u8, bytes: &[u8]) -> Outcome {
    let text = String::from_utf8_lossy(bytes);
    let parsed = budget::guarded(Some(MARKUP_BUDGET), || {
        if pick % 2 == 0 {
            html::parse(&text)
        } else {
            markdown::parse(&text)
        }
    });
    match parsed {
        Ok(Ok(a)) => {
            assert!(!a.title.chars().any(char::is_control), "{:?}", a.title);
            Outcome::Article
        }
        Ok(Err(ParseError::Empty)) => Outcome::Empty,
        Ok(Err(ParseError::Malformed(_))) => Outcome::Malformed,
        Ok(Err(ParseError::TooComplex(_))) | Err(Stop::TooComplex(_)) => Outcome::TooComplex,
        Err(Stop::TooSlow(_)) => Outcome::TooSlow,
        Err(Stop::Panicked(m)) => panic!("a parser panicked: {m}"),
    }
}
