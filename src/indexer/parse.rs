//! A parse worker's work: each [`Job`] becomes a [`Work`] — read the file,
//! compare its hash when only its metadata changed, and run the pipeline
//! (decode → normalize → extract) on what is new. Workers touch neither the
//! index nor the summary; they run in the pool of [`super::watchdog`].
//!
//! Each file's limits — its work and time budget, a panic turned into a
//! skip — apply inside `pipeline::process_bytes` (`article::budget`), the
//! one call per file in [`work_on`], so one bad file becomes a
//! [`Work::Skipped`] instead of ending the run; a parse that never reaches
//! a budget check is the watchdog's.

use super::{Job, Work};
use crate::article::Unit;
use crate::corpus::{Entry, Reason, Skip, read};
use crate::index::state::Verdict;
use crate::pipeline;

/// Files handed to a worker at once.
pub const JOB_BATCH: usize = 16;

/// A worker's part for one file: read what must be read, and process what
/// changed.
pub fn work_on(job: Job, opts: &pipeline::Options) -> Work {
    let Job {
        entry,
        verdict,
        indexed,
    } = job;
    let skip = |entry: &Entry, reason| Work::Skipped {
        skip: Skip {
            path: entry.rel.clone(),
            reason,
        },
        indexed: indexed.is_some(),
    };
    let bytes = match read::read(&entry, opts.max_file_size) {
        Ok(b) => b,
        Err(reason) => return skip(&entry, reason),
    };
    let replaces = match verdict {
        Verdict::Check { hash } if pipeline::content_hash(&bytes) == hash => {
            let moved = indexed != Some((entry.size, entry.mtime));
            return Work::Same { entry, hash, moved };
        }
        Verdict::Check { .. } => true,
        _ => verdict == Verdict::Replace,
    };
    match pipeline::process_bytes(&entry, &bytes, opts) {
        Ok(p) => Work::Docs {
            notes: p
                .warnings
                .iter()
                .filter(|w| !w.skipped)
                .map(|w| match w.unit {
                    Unit::File => format!("{}: {}", entry.rel, w.message),
                    _ => format!("{}#{}: {}", entry.rel, w.n, w.message),
                })
                .collect(),
            warnings: p
                .warnings
                .into_iter()
                .filter(|w| w.skipped)
                .map(|w| Skip {
                    path: format!("{}#{}", entry.rel, w.n),
                    reason: Reason::Malformed {
                        error: w.message.trim_end_matches("; skipped").to_string(),
                    },
                })
                .collect(),
            entry,
            docs: p.docs,
            replaces,
        },
        Err(reason) => skip(&entry, reason),
    }
}

/// Lower this thread's scheduling priority a little (Linux: nice +5 for
/// this thread only), so that parse workers give way to tantivy's indexing
/// thread.
///
/// That one thread sets the pace of a run. On two cores with two workers,
/// the workers ran ahead of it and took most of both cores for the first
/// half of a Reuters run (the indexing thread got 15-75% of a core), and
/// then the indexing thread finished its backlog alone on one core while the
/// other idled. Hence one worker fewer than cores, and a lower priority, so
/// that the indexing thread keeps a core; when it waits for documents, the
/// workers still get every core.
pub(super) fn yield_to_the_writer() {
    // On Linux, PRIO_PROCESS with no pid names the calling thread. Failure
    // leaves the priority as it was, which is harmless.
    #[cfg(target_os = "linux")]
    let _ = rustix::process::setpriority_process(None, NICE_WORKERS);
}

/// The parse workers' nice value (see [`yield_to_the_writer`]).
#[cfg(target_os = "linux")]
const NICE_WORKERS: i32 = 5;
