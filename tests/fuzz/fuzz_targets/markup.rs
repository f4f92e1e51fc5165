//! Any text as an HTML page or a Markdown article, within the per-file
//! budget (`article::budget`): an article, a clear error, or a budget
//! refusal, never a panic. Run it with libFuzzer's own per-input time and
//! memory limits set above the budget, so that an input the budget fails to
//! bound shows up as a timeout or an out-of-memory crash:
//!
//!   cargo +nightly fuzz run markup --fuzz-dir tests/fuzz -- \
//!       -timeout=15 -rss_limit_mb=1024 -max_len=400000 -max_total_time=300

#![no_main]

use libfuzzer_sys::fuzz_target;
use newsidx::article::budget::{self, Stop};
use newsidx::article::{ParseError, html, markdown};
use std::time::Duration;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(bytes);
    let parsed = budget::guarded(Some(Duration::from_secs(5)), || {
        if pick % 2 == 0 {
            html::parse(&text)
        } else {
            markdown::parse(&text)
        }
    });
    match parsed {
        Ok(Ok(a)) => assert!(!a.title.chars().any(char::is_control), "{:?}", a.title),
        Ok(Err(ParseError::Empty | ParseError::Malformed(_) | ParseError::TooComplex(_))) => {}
        Err(Stop::TooComplex(_) | Stop::TooSlow(_)) => {}
        Err(Stop::Panicked(m)) => panic!("a parser panicked: {m}"),
    }
});
