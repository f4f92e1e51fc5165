//! The decide phase, on a thread of its own: read the index's state, then
//! settle each file the walk finds from its size and mtime alone where
//! these can be trusted (`index::state::decide`), and send the rest on to
//! the parse workers as [`Job`]s; the walk's skips go straight to the apply
//! loop. It opens no file.

use super::parse::JOB_BATCH;
use super::{Job, Work};
use crate::corpus::Entry;
use crate::corpus::walk::Found;
use crate::index::state::{self, FileState, IndexState, Seen, SeenCache, Snapshot, Verdict};
use anyhow::Result;
use crossbeam_channel::{Receiver, Sender};
use indicatif::ProgressBar;

/// What the decider settled by itself.
#[derive(Default)]
pub struct WalkTally {
    /// By `FileState::slot`: indexed files the walk met (as files or skips).
    pub found: Vec<bool>,
    pub unchanged: usize,
    /// Cache entries that vouched for a file and still hold.
    pub kept_seen: Vec<(String, Seen)>,
    /// Files whose metadata could not be trusted and had to be read.
    pub checked: usize,
}

/// The decider: what it reads, where it sends, and what it has settled.
pub struct Decider<'a> {
    seen: &'a SeenCache,
    cutoff: Option<i64>,
    job_tx: Sender<Vec<Job>>,
    work_tx: Sender<Vec<Work>>,
    progress: ProgressBar,
    /// Whether the progress bar is drawn (asked once: it takes a lock).
    show: bool,
    /// Jobs not yet sent, up to [`JOB_BATCH`].
    jobs: Vec<Job>,
    tally: WalkTally,
}

impl<'a> Decider<'a> {
    pub fn new(
        seen: &'a SeenCache,
        cutoff: Option<i64>,
        job_tx: Sender<Vec<Job>>,
        work_tx: Sender<Vec<Work>>,
        progress: ProgressBar,
    ) -> Decider<'a> {
        Decider {
            seen,
            cutoff,
            job_tx,
            work_tx,
            show: !progress.is_hidden(),
            progress,
            jobs: Vec::with_capacity(JOB_BATCH),
            tally: WalkTally::default(),
        }
    }

    /// Read the state of `last_commit` (none: an empty index), then decide
    /// on everything the walk sends. Returns early, with what it has, when
    /// the apply loop stops listening.
    pub fn run(
        mut self,
        last_commit: Option<&Snapshot>,
        found_rx: Receiver<Vec<Found>>,
    ) -> Result<(IndexState, WalkTally)> {
        let state = match last_commit {
            Some(commit) => commit.read_state()?,
            None => IndexState::default(),
        };
        self.tally.found = vec![false; state.files.len()];
        for found in found_rx.into_iter().flatten() {
            if !self.decide(&state, found) {
                return Ok((state, self.tally));
            }
        }
        if !self.jobs.is_empty() {
            let _ = self.job_tx.send(self.jobs);
        }
        Ok((state, self.tally))
    }

    /// Settle or pass on one thing the walk found; false once nobody
    /// listens any more.
    fn decide(&mut self, state: &IndexState, found: Found) -> bool {
        let rel = match &found {
            Found::File(e) => e.rel.as_str(),
            Found::Skipped(s) => s.path.as_str(),
        };
        let indexed: Option<&FileState> = state.files.get(rel);
        if let Some(slot) = indexed.and_then(|f| self.tally.found.get_mut(f.slot as usize)) {
            *slot = true;
        }
        match found {
            Found::Skipped(skip) => {
                let indexed = indexed.is_some();
                self.work_tx
                    .send(vec![Work::Skipped { skip, indexed }])
                    .is_ok()
            }
            Found::File(entry) => self.decide_file(entry, indexed),
        }
    }

    /// A file: count it unchanged, or queue a job to read it.
    fn decide_file(&mut self, entry: Entry, indexed: Option<&FileState>) -> bool {
        let cached = self.seen.files.get(&entry.rel);
        let verdict = state::decide(entry.size, entry.mtime, indexed, cached, self.cutoff);
        match verdict {
            Verdict::Unchanged | Verdict::UnchangedSeen => {
                self.tally.unchanged += 1;
                if self.show {
                    self.progress.inc(1);
                }
                if let (Verdict::UnchangedSeen, Some(s)) = (verdict, cached) {
                    self.tally.kept_seen.push((entry.rel, *s));
                }
                true
            }
            Verdict::Check { .. } | Verdict::New | Verdict::Replace => {
                self.tally.checked += usize::from(matches!(verdict, Verdict::Check { .. }));
                self.jobs.push(Job {
                    entry,
                    verdict,
                    indexed: indexed.map(|f| (f.size, f.mtime)),
                });
                self.jobs.len() < JOB_BATCH || self.send_jobs()
            }
        }
    }

    /// Send the batch of jobs; false if the workers are gone.
    fn send_jobs(&mut self) -> bool {
        let batch = std::mem::replace(&mut self.jobs, Vec::with_capacity(JOB_BATCH));
        self.job_tx.send(batch).is_ok()
    }
}
