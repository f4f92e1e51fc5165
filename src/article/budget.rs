//! The budget one file's parse may spend, as Recoll's `filtermaxseconds` and
//! `filtermaxmbytes` bound its filters: a time limit, and limits on the work
//! a parser builds up (HTML elements and nesting, YAML nesting), so that no
//! single file can crash, stall or exhaust the memory of a whole run.
//!
//! Why this mechanism: the parsers we use (html5ever through dom_query,
//! serde_yaml_ng, pulldown-cmark) cannot be told to stop half way, and a
//! thread cannot be killed. So the limits are checked from *inside* the work
//! — the HTML tree sink counts every element it is asked to create, the
//! Markdown and YAML readers count what they read — and a parse over its
//! budget is abandoned by unwinding out of the parser with
//! [`std::panic::resume_unwind`] (which, unlike `panic!`, prints nothing),
//! caught by [`guarded`] around each file. The same `catch_unwind` turns a
//! real panic in a parser into a skip of that file. A process per file would
//! also survive an `abort`, but costs a fork and a copy of every document
//! back through a pipe for each of hundreds of thousands of small files; an
//! unwinding check costs a counter increment and, every few thousand steps,
//! a clock read.
//!
//! This needs unwinding: the release profile must not set `panic = "abort"`.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::time::{Duration, Instant};

/// Default time one file's parse may take (`--max-file-secs`). A news page
/// parses in milliseconds; ten seconds is room for a 16 MiB page on a slow,
/// busy machine.
pub const DEFAULT_MAX_SECONDS: u64 = 10;

/// Why a file's parse was abandoned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stop {
    /// Over a work limit: what was counted, and the limit.
    TooComplex(String),
    /// Over the time limit.
    TooSlow(Duration),
    /// The parser panicked: its message.
    Panicked(String),
}

/// The payload a budget check unwinds with.
struct OverBudget(Stop);

thread_local! {
    /// The current file's deadline on this thread, and its limit.
    static DEADLINE: Cell<Option<(Instant, Duration)>> = const { Cell::new(None) };
}

/// Run `f` (one file's parse) with `limit` as its time budget, turning a
/// budget check that failed, or any panic, into a [`Stop`].
pub fn guarded<R>(limit: Option<Duration>, f: impl FnOnce() -> R) -> Result<R, Stop> {
    let previous = DEADLINE.with(|d| d.replace(limit.map(|l| (Instant::now() + l, l))));
    let result = catch_unwind(AssertUnwindSafe(f));
    DEADLINE.with(|d| d.set(previous));
    result.map_err(|payload| match payload.downcast::<OverBudget>() {
        Ok(over) => over.0,
        Err(payload) => Stop::Panicked(panic_message(payload.as_ref())),
    })
}

/// Abandon the current parse if its time is up. Parsers call this every so
/// many steps; it does nothing outside [`guarded`] or without a limit.
pub fn check_time() {
    if let Some((deadline, limit)) = DEADLINE.with(Cell::get)
        && Instant::now() > deadline
    {
        resume_unwind(Box::new(OverBudget(Stop::TooSlow(limit))));
    }
}

/// Abandon the current parse as too complex: `what` says what was counted
/// and the limit (`HTML with over 200000 elements`).
pub fn too_complex(what: String) -> ! {
    resume_unwind(Box::new(OverBudget(Stop::TooComplex(what))))
}

/// Run `f`, turning a [`too_complex`] inside it into `Err` while letting a
/// timeout or a panic unwind on to the [`guarded`] around the file: for
/// parsers (HTML) that report their own work limit as a parse error.
pub fn catch_complex<R>(f: impl FnOnce() -> R) -> Result<R, String> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => Ok(r),
        Err(payload) => match payload.downcast::<OverBudget>() {
            Ok(over) => match over.0 {
                Stop::TooComplex(what) => Err(what),
                other => resume_unwind(Box::new(OverBudget(other))),
            },
            Err(payload) => resume_unwind(payload),
        },
    }
}

/// Counts steps of work and reads the clock only every `EVERY` steps.
#[derive(Default)]
pub struct Ticker(Cell<u32>);

impl Ticker {
    const EVERY: u32 = 4096;

    pub fn tick(&self) {
        let n = self.0.get().wrapping_add(1);
        self.0.set(n);
        if n.is_multiple_of(Self::EVERY) {
            check_time();
        }
    }
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_a_stop_and_the_thread_goes_on() {
        let r: Result<(), Stop> = guarded(None, || panic!("parser bug on line 3"));
        assert_eq!(r, Err(Stop::Panicked("parser bug on line 3".into())));
        assert_eq!(guarded(None, || 7), Ok(7));
    }

    #[test]
    fn time_runs_out_only_inside_a_limit() {
        let spin = || {
            let t = Ticker::default();
            let start = Instant::now();
            while start.elapsed() < Duration::from_millis(300) {
                t.tick();
            }
            "finished"
        };
        assert_eq!(
            guarded(Some(Duration::from_millis(20)), spin),
            Err(Stop::TooSlow(Duration::from_millis(20)))
        );
        // No limit: the same work runs to its end.
        assert_eq!(guarded(None, spin), Ok("finished"));
    }

    #[test]
    fn too_complex_is_caught_by_the_parser_or_by_the_guard() {
        let r = guarded(None, || catch_complex(|| too_complex("x".into())));
        assert_eq!(r, Ok(Err("x".into())));
        let r: Result<(), Stop> = guarded(None, || too_complex("y".into()));
        assert_eq!(r, Err(Stop::TooComplex("y".into())));
    }
}
