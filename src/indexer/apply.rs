//! The apply phase, on the thread that called the engine: the one tantivy
//! writer takes each [`Work`] as it arrives — a file's old documents out
//! and its new ones in, skips counted, files found the same remembered —
//! and commits when due. Also the end of a run: files the walk did not
//! meet go, and the last commit.
//!
//! Each file's changes reach the writer together, so commits fall between
//! files and every commit holds each file exactly once (`index::writer`).

use super::watchdog::Pool;
use super::{Settings, Work};
use crate::corpus::{Entry, Reason, Skip};
use crate::document::NewsDoc;
use crate::index::state::{IndexState, Seen, SeenCache};
use crate::index::writer::Writer;
use crate::index::{NewsIndex, Stamp};
use crate::render::sanitize;
use crate::render::summary::Summary;
use anyhow::{Context, Result};
use crossbeam_channel::{Receiver, RecvTimeoutError};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// The writer side of a run, and what it has counted.
pub struct Apply {
    ix: NewsIndex,
    /// The stamp of commits before the last one.
    stamp: Stamp,
    /// Made on first need: a run that changes nothing never pays for one
    /// (its memory arena and threads).
    writer: Option<Writer>,
    pub summary: Summary,
    /// Files read and found the same under another size or mtime than the
    /// index holds.
    new_seen: BTreeMap<String, Seen>,
    /// Paths whose indexed files stay despite not being read (see
    /// [`keeps_indexed_version`]); a folder protects all under it.
    kept: Vec<String>,
    commit_docs: usize,
    commit_every: Duration,
    changes_since_commit: usize,
    last_commit: Instant,
    progress: ProgressBar,
}

impl Apply {
    /// The apply side of a run on `ix`. A `fresh` index gets its writer at
    /// once (a rebuild clears the index in its first commit).
    pub fn new(
        ix: NewsIndex,
        stamp: Stamp,
        fresh: bool,
        settings: &Settings,
        summary: Summary,
    ) -> Result<Apply> {
        let mut writer = None;
        // A re-pointed index commits its new corpus even if no file changed.
        if fresh || settings.repoint {
            let mut w = Writer::new(&ix, stamp.clone())?;
            if settings.rebuild {
                w.delete_all()?;
            }
            writer = Some(w);
        }
        Ok(Apply {
            ix,
            stamp,
            writer,
            summary,
            new_seen: BTreeMap::new(),
            kept: Vec::new(),
            commit_docs: settings.commit_docs,
            commit_every: settings.commit_every,
            changes_since_commit: 0,
            last_commit: Instant::now(),
            progress: progress_bar(settings.progress),
        })
    }

    /// The progress bar, for the decider to count unchanged files on.
    pub fn progress(&self) -> ProgressBar {
        self.progress.clone()
    }

    /// Apply everything the workers and the decider send, until they are
    /// done, committing when due. The wait for work times out when a commit
    /// falls due, so that a worker stuck on one slow file does not hold
    /// back the commit of what came before it, and when a worker could be
    /// overdue on its file, for the `watchdog` to abandon it.
    pub fn apply_all(
        &mut self,
        rx: Receiver<Vec<Work>>,
        mut watchdog: Option<&mut Pool>,
    ) -> Result<()> {
        loop {
            let overdue_at = watchdog.as_deref().and_then(Pool::deadline);
            let received = match earliest(self.commit_deadline(), overdue_at) {
                Some(deadline) => rx.recv_deadline(deadline),
                None => rx.recv().map_err(RecvTimeoutError::from),
            };
            match received {
                Ok(batch) => {
                    for work in batch {
                        self.apply(work)?;
                        self.commit_when_due()?;
                    }
                }
                Err(RecvTimeoutError::Timeout) => self.commit_when_due()?,
                Err(RecvTimeoutError::Disconnected) => return Ok(()),
            }
            if let Some(pool) = watchdog.as_deref_mut() {
                match pool.abandon_overdue(Instant::now()) {
                    Ok(rescued) => {
                        for work in rescued {
                            self.apply(work)?;
                        }
                    }
                    Err(stuck) => {
                        // What finished is kept; the run ends with the error.
                        if self.changes_since_commit > 0
                            && let Some(w) = self.writer.as_mut()
                        {
                            w.commit()?;
                            self.summary.commits += 1;
                            self.changes_since_commit = 0;
                        }
                        return Err(stuck.into());
                    }
                }
            }
        }
    }

    /// When the pending changes are due for a commit by time, if any are.
    fn commit_deadline(&self) -> Option<Instant> {
        if self.changes_since_commit == 0 || self.commit_every.is_zero() {
            return None;
        }
        self.last_commit.checked_add(self.commit_every)
    }

    /// Apply one file's work.
    fn apply(&mut self, work: Work) -> Result<()> {
        self.progress.inc(1);
        match work {
            Work::Docs {
                entry,
                docs,
                replaces,
                warnings,
                notes,
            } => {
                for note in notes {
                    self.progress
                        .suspend(|| eprintln!("newsidx: {}", sanitize(&note, false)));
                }
                for skip in warnings {
                    self.report(&skip);
                    self.summary.count_skip(skip);
                }
                self.write_docs(&entry, &docs, replaces)
            }
            Work::Same { entry, hash, moved } => {
                self.same(entry, hash, moved);
                Ok(())
            }
            Work::Skipped { skip, indexed } => self.skipped(skip, indexed),
        }
    }

    /// A file's new documents, after its old ones if it `replaces` them.
    fn write_docs(&mut self, entry: &Entry, docs: &[NewsDoc], replaces: bool) -> Result<()> {
        let w = self.writer()?;
        if replaces {
            w.delete_file(&entry.rel);
        }
        for d in docs {
            w.add(d)?;
        }
        let s = &mut self.summary;
        match (replaces, docs.is_empty()) {
            (true, true) => s.removed += 1,
            (true, false) => s.updated += 1,
            (false, false) => s.added += 1,
            (false, true) => {}
        }
        s.indexed += docs.len();
        s.bytes += entry.size;
        self.changes_since_commit += docs.len() + usize::from(replaces);
        Ok(())
    }

    /// A file read again and found as indexed.
    fn same(&mut self, entry: Entry, hash: u64, moved: bool) {
        self.summary.unchanged += 1;
        self.summary.bytes += entry.size;
        if moved {
            let seen = Seen {
                size: entry.size,
                mtime: entry.mtime,
                hash,
            };
            self.new_seen.insert(entry.rel, seen);
        }
    }

    /// A file not indexable now: its indexed version stays or goes.
    fn skipped(&mut self, skip: Skip, indexed: bool) -> Result<()> {
        if skip.reason.is_problem() {
            self.report(&skip);
        }
        if keeps_indexed_version(&skip.reason) {
            self.kept.push(skip.path.clone());
        } else if indexed {
            self.writer()?.delete_file(&skip.path);
            self.summary.removed += 1;
            self.changes_since_commit += 1;
        }
        self.summary.count_skip(skip);
        Ok(())
    }

    /// `newsidx: PATH: reason` on stderr, above the progress bar.
    fn report(&self, skip: &Skip) {
        self.progress
            .suspend(|| eprintln!("newsidx: {}: {}", sanitize(&skip.path, false), skip.reason));
    }

    /// The commit-when-due phase: commit the pending changes once there are
    /// `commit_docs` of them or `commit_every` has passed since the last
    /// commit. Called only between files.
    pub fn commit_when_due(&mut self) -> Result<()> {
        let Some(w) = self.writer.as_mut() else {
            return Ok(());
        };
        let by_count = self.commit_docs > 0 && self.changes_since_commit >= self.commit_docs;
        let by_time =
            !self.commit_every.is_zero() && self.last_commit.elapsed() >= self.commit_every;
        if self.changes_since_commit > 0 && (by_count || by_time) {
            w.commit()?;
            self.summary.commits += 1;
            self.changes_since_commit = 0;
            self.last_commit = Instant::now();
        }
        Ok(())
    }

    /// Take out the indexed files the walk did not meet (`found`, by
    /// `FileState::slot`), unless a transient problem keeps them.
    pub fn remove_gone(&mut self, state: &IndexState, found: &[bool]) -> Result<()> {
        let gone: Vec<&String> = state
            .files
            .iter()
            .filter(|(rel, f)| {
                !found.get(f.slot as usize).copied().unwrap_or(false) && !is_kept(rel, &self.kept)
            })
            .map(|(rel, _)| rel)
            .collect();
        if gone.is_empty() {
            return Ok(());
        }
        let w = self.writer()?;
        for rel in &gone {
            w.delete_file(rel);
        }
        self.summary.removed += gone.len();
        Ok(())
    }

    /// The last commit, whose stamp says every file with an mtime before
    /// `verified_before` was read after its last change. Returns the
    /// summary (with the documents in the index: `documents_before` when
    /// nothing was written) and the seen cache of what this run read.
    pub fn finish(
        mut self,
        verified_before: i64,
        documents_before: u64,
    ) -> Result<(Summary, SeenCache)> {
        match self.writer.take() {
            Some(mut w) => {
                w.set_stamp(Stamp {
                    verified_before: Some(verified_before),
                    ..self.stamp.clone()
                });
                w.merge_for_search();
                w.commit()?;
                self.summary.commits += 1;
                w.finish()?;
                self.summary.documents = self.ix.num_docs()?;
            }
            None => self.summary.documents = documents_before,
        }
        self.progress.finish_and_clear();
        let cache = SeenCache {
            corpus: self.summary.corpus.clone(),
            verified_before: Some(verified_before),
            files: self.new_seen,
        };
        Ok((self.summary, cache))
    }

    /// The writer, made on first need.
    fn writer(&mut self) -> Result<&mut Writer> {
        if self.writer.is_none() {
            self.writer = Some(Writer::new(&self.ix, self.stamp.clone())?);
        }
        self.writer
            .as_mut()
            .context("the index writer could not be made")
    }
}

/// Whether a file that cannot be indexed now keeps its indexed version. Only
/// for problems that may well pass (an I/O error, a permission being fixed,
/// a file being written): a search archive had better show a slightly stale
/// article than lose it, and the next run that can read the file updates it.
/// Everything else — the file is gone, empty, binary, too large, no longer
/// an article, no longer parses — takes it out, so the index matches what
/// the same run would index from scratch.
pub fn keeps_indexed_version(r: &Reason) -> bool {
    matches!(r, Reason::Unreadable { .. } | Reason::Changed)
}

/// The earlier of two optional moments.
fn earliest(a: Option<Instant>, b: Option<Instant>) -> Option<Instant> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn is_kept(rel: &str, kept: &[String]) -> bool {
    kept.iter().any(|k| {
        k.is_empty()
            || rel == k
            || rel
                .strip_prefix(k.as_str())
                .is_some_and(|rest| rest.starts_with('/'))
    })
}

fn progress_bar(show: bool) -> ProgressBar {
    if !show {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    pb.set_style(
        ProgressStyle::with_template("{spinner} {pos} files {per_sec} {elapsed} {wide_msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    pb.enable_steady_tick(Duration::from_millis(120));
    pb
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A worker busy on one slow file must not hold back the commit of the
    /// files before it: the apply loop commits on its timer meanwhile.
    #[test]
    fn commits_on_time_while_a_worker_is_still_busy() {
        let dir = tempfile::tempdir().expect("tmp");
        let ix_dir = dir.path().join("ix");
        let ix = NewsIndex::create(&ix_dir, dir.path()).expect("index");
        let settings = Settings {
            commit_every: Duration::from_millis(50),
            commit_docs: 0,
            ..Settings::default()
        };
        let stamp = Stamp::current(Some(dir.path()));
        let mut apply = Apply::new(ix, stamp, true, &settings, Summary::default()).expect("apply");
        let (tx, rx) = crossbeam_channel::bounded(1);
        let entry = Entry {
            path: dir.path().join("a.txt"),
            rel: "a.txt".into(),
            size: 10,
            mtime: 1,
        };
        let docs = vec![NewsDoc::for_test("a.txt", "Title", "Some body text")];
        let work = Work::Docs {
            entry,
            docs,
            replaces: false,
            warnings: Vec::new(),
            notes: Vec::new(),
        };
        tx.send(vec![work]).expect("send");
        let committed = std::thread::scope(|s| {
            // The channel stays open, as while a worker is still busy,
            // until the document shows in the index (or long after).
            let watcher = s.spawn(|| {
                let give_up = Instant::now() + Duration::from_secs(20);
                let mut docs = 0;
                while docs == 0 && Instant::now() < give_up {
                    std::thread::sleep(Duration::from_millis(20));
                    docs = NewsIndex::open(&ix_dir)
                        .and_then(|ix| ix.num_docs())
                        .unwrap_or(0);
                }
                drop(tx);
                docs
            });
            apply.apply_all(rx, None).expect("apply");
            watcher.join().expect("watcher")
        });
        assert_eq!(committed, 1, "no commit while the channel was open");
        assert_eq!(apply.summary.commits, 1);
        assert_eq!(apply.summary.added, 1);
    }

    #[test]
    fn kept_paths_protect_themselves_and_what_is_under_them() {
        let kept = vec!["a/b".to_string(), "c.txt".to_string()];
        assert!(is_kept("a/b", &kept));
        assert!(is_kept("a/b/x.txt", &kept));
        assert!(is_kept("c.txt", &kept));
        assert!(!is_kept("a/bc.txt", &kept));
        assert!(!is_kept("c.txt2", &kept));
        assert!(is_kept("anything", &[String::new()]));
    }

    #[test]
    fn transient_problems_keep_the_indexed_version() {
        assert!(keeps_indexed_version(&Reason::Changed));
        assert!(keeps_indexed_version(&Reason::Unreadable {
            error: "EIO".into()
        }));
        for r in [
            Reason::Vanished,
            Reason::Empty,
            Reason::Binary,
            Reason::NotArticle,
            Reason::TooLarge { size: 2, limit: 1 },
        ] {
            assert!(!keeps_indexed_version(&r), "{r:?}");
        }
    }
}
