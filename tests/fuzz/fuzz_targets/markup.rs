//! Any text as an HTML page or a Markdown article, within the per-file
//! budget (`article::budget`): an article, a clear error, or a budget
//! refusal, never a panic. Run it with libFuzzer's own per-input time and
//! memory limits set above the budget, so that an input the budget fails to
//! bound shows up as a timeout or an out-of-memory crash:
//!
//!   cargo +nightly fuzz run markup --fuzz-dir tests/fuzz -- \
//!       -timeout=15 -rss_limit_mb=1024 -max_len=400000 -max_total_time=300
//!
//! Without cargo-fuzz, `src/bin/markup-stable.rs` makes the same check on
//! stable Rust (see Cargo.toml).

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some((&pick, bytes)) = data.split_first() {
        newsidx_fuzz::markup(pick, bytes);
    }
});
