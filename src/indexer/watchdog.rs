//! The parse workers' pool and its watchdog: the one bound on time that
//! does not depend on the parser's cooperation.
//!
//! `article::budget` stops a parse from inside, at the checks the parsers
//! reach. A parser that loops without reaching one (serde_yaml_ng on a
//! small but nasty front matter, dom_smoothie's scoring, a bug of ours) is
//! not stopped by it. So each worker tells the pool which file it is on and
//! since when; the apply loop asks the pool, whenever it wakes and at the
//! earliest moment a file could be overdue, whether a worker has been on one
//! file for [`WATCHDOG_FACTOR`] times `--max-file-secs`. Such a worker is
//! *abandoned*: its file becomes a `too-slow` skip, the results it had
//! finished and the jobs it had not started yet go on (to the apply loop
//! and to a new worker that takes its place), and the thread is left to
//! finish or spin on its own. It owns nothing the run needs: its channel
//! ends are taken from it, so the run's end (every sender gone) does not
//! wait for it, and when its parse does return, the result is dropped,
//! never written. The process exits without joining it.
//!
//! Why threads and not a process per batch: a thread cannot be killed, but
//! one that is stuck costs a core and what it holds, which a bounded number
//! of them ([`MAX_ABANDONED`]) can afford; a worker process per batch would
//! survive anything, but costs a spawn per batch and every document copied
//! back through a pipe, for every file of every run, to guard against what
//! the budget's own checks already catch in all cases we know. Its cost per
//! file here is two uncontended lock round trips.
//!
//! The cooperative checks fire first (at the limit itself), so a parse they
//! can stop is unwound cleanly and its memory freed; the watchdog, at twice
//! the limit, is for the rest.

use super::{Job, Work};
use crate::corpus::{Reason, Skip};
use crate::pipeline;
use crossbeam_channel::{Receiver, Sender};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// A worker is abandoned after this many times the per-file time limit on
/// one file.
pub const WATCHDOG_FACTOR: u32 = 2;

/// Abandoned workers that may still be running at once. Each one stuck in a
/// loop takes a core (at the workers' lower priority) and holds its memory;
/// past this many the run stops, committing what it finished, instead of
/// piling up more.
pub const MAX_ABANDONED: usize = 8;

/// What a worker does with one job (`parse::work_on`; tests put in a parser
/// that hangs).
pub type WorkFn = fn(Job, &pipeline::Options) -> Work;

/// The run stopped because too many files hung their parsers.
#[derive(Debug, thiserror::Error)]
#[error(
    "stopped: {} files are still stuck in their parse after {seconds} s each ({}); what was read before them is committed. Move those files out of the corpus, or raise --max-file-secs if they are only slow",
    .paths.len(),
    .paths.join(", ")
)]
pub struct TooManyStuck {
    pub paths: Vec<String>,
    pub seconds: u64,
}

/// A worker's ends of the run's two queues: jobs in, results out.
type Ends = (Receiver<Vec<Job>>, Sender<Vec<Work>>);

/// The parse workers of one run.
pub struct Pool {
    /// The workers in service (abandoned ones are dropped from here).
    slots: Vec<Arc<Slot>>,
    opts: Arc<pipeline::Options>,
    work: WorkFn,
    /// How long a worker may stay on one file; `None`: no watchdog.
    patience: Option<Duration>,
    /// Abandoned workers still running (each decrements it as it ends).
    stuck: Arc<AtomicUsize>,
    /// Files whose workers were abandoned in this run.
    abandoned: Vec<String>,
}

/// What one worker and the pool share.
#[derive(Default)]
struct Slot(Mutex<SlotState>);

#[derive(Default)]
struct SlotState {
    /// The worker's channel ends; taken away when it is abandoned, and
    /// dropped when it ends, so that the run's queues close without it.
    ends: Option<Ends>,
    /// Jobs of its batch not started yet.
    pending: VecDeque<Job>,
    /// The file it is on, and since when.
    current: Option<Current>,
    /// Results of its batch not sent yet.
    done: Vec<Work>,
    abandoned: bool,
}

struct Current {
    rel: String,
    indexed: bool,
    since: Instant,
}

impl Slot {
    fn lock(&self) -> MutexGuard<'_, SlotState> {
        // A worker never panics while holding the lock; if one did, the
        // state is still consistent (each step is a single assignment).
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Pool {
    /// Start `workers` parse workers on `jobs`, sending to `results`. The
    /// pool keeps no channel end itself.
    pub fn start(
        workers: usize,
        jobs: Receiver<Vec<Job>>,
        results: Sender<Vec<Work>>,
        opts: &pipeline::Options,
        work: WorkFn,
    ) -> Pool {
        let mut pool = Pool {
            slots: Vec::new(),
            opts: Arc::new(opts.clone()),
            work,
            patience: opts.max_file_time.map(|t| t * WATCHDOG_FACTOR),
            stuck: Arc::new(AtomicUsize::new(0)),
            abandoned: Vec::new(),
        };
        for _ in 0..workers {
            pool.spawn((jobs.clone(), results.clone()), VecDeque::new());
        }
        pool
    }

    fn spawn(&mut self, ends: Ends, pending: VecDeque<Job>) {
        let slot = Arc::new(Slot(Mutex::new(SlotState {
            ends: Some(ends),
            pending,
            ..SlotState::default()
        })));
        self.slots.push(slot.clone());
        let (opts, work, stuck) = (self.opts.clone(), self.work, self.stuck.clone());
        // Detached: a run never waits for its workers' threads, only for
        // their channel ends to close.
        std::thread::spawn(move || worker(&slot, &opts, work, &stuck));
    }

    /// When to look again (`None`: no watchdog): when the earliest worker
    /// on a file is overdue, and at least every half of the patience, for a
    /// file begun after this look (so a stuck file is noticed between one
    /// and one and a half times the patience).
    pub fn deadline(&self) -> Option<Instant> {
        let patience = self.patience?;
        let poll = Instant::now() + patience / 2;
        let overdue = self
            .slots
            .iter()
            .filter_map(|s| s.lock().current.as_ref().map(|c| c.since + patience))
            .min();
        Some(overdue.map_or(poll, |o| o.min(poll)))
    }

    /// Abandon every worker that has been on one file too long: returns the
    /// `too-slow` skip of each such file, with the results its worker had
    /// finished, for the apply loop; its unstarted jobs go to a new worker.
    pub fn abandon_overdue(&mut self, now: Instant) -> Result<Vec<Work>, TooManyStuck> {
        let Some(patience) = self.patience else {
            return Ok(Vec::new());
        };
        let overdue = |st: &SlotState| {
            st.current
                .as_ref()
                .filter(|c| now >= c.since + patience)
                .map(|c| c.rel.clone())
        };
        let late: Vec<String> = self
            .slots
            .iter()
            .filter_map(|s| overdue(&s.lock()))
            .collect();
        if late.is_empty() {
            return Ok(Vec::new());
        }
        if self.stuck.load(Ordering::SeqCst) + late.len() > MAX_ABANDONED {
            return Err(TooManyStuck {
                paths: self.abandoned.iter().cloned().chain(late).collect(),
                seconds: patience.as_secs().max(1),
            });
        }
        let mut out = Vec::new();
        let mut i = 0;
        while i < self.slots.len() {
            let mut st = self.slots[i].lock();
            if overdue(&st).is_none() {
                i += 1;
                continue;
            }
            st.abandoned = true;
            self.stuck.fetch_add(1, Ordering::SeqCst);
            let ends = st.ends.take();
            let pending = std::mem::take(&mut st.pending);
            out.append(&mut st.done);
            if let Some(c) = st.current.take() {
                self.abandoned.push(c.rel.clone());
                out.push(Work::Skipped {
                    skip: Skip {
                        path: c.rel,
                        reason: Reason::TooSlow {
                            seconds: self.opts.max_file_time.map_or(0, |t| t.as_secs().max(1)),
                        },
                    },
                    indexed: c.indexed,
                });
            }
            drop(st);
            self.slots.swap_remove(i);
            if let Some(ends) = ends {
                self.spawn(ends, pending);
            }
        }
        Ok(out)
    }
}

/// A worker's loop: take a batch, work on each job, send the batch's
/// results; until the jobs run out, the results are no longer wanted, or
/// the pool abandons it.
fn worker(slot: &Slot, opts: &pipeline::Options, work: WorkFn, stuck: &AtomicUsize) {
    super::parse::yield_to_the_writer();
    // However the thread ends, its channel ends go, so the run's end never
    // waits for it.
    struct Release<'a>(&'a Slot);
    impl Drop for Release<'_> {
        fn drop(&mut self) {
            self.0.lock().ends = None;
        }
    }
    let _release = Release(slot);
    loop {
        let mut st = slot.lock();
        let Some(job) = st.pending.pop_front() else {
            // Between batches: send what is done, wait for more. The lock
            // is not held while waiting, and the pool abandons only a
            // worker that is on a file.
            let done = std::mem::take(&mut st.done);
            let Some((rx, tx)) = st.ends.clone() else {
                return;
            };
            drop(st);
            if !done.is_empty() && tx.send(done).is_err() {
                return;
            }
            drop(tx);
            let Ok(batch) = rx.recv() else {
                return;
            };
            slot.lock().pending.extend(batch);
            continue;
        };
        st.current = Some(Current {
            rel: job.entry.rel.clone(),
            indexed: job.indexed.is_some(),
            since: Instant::now(),
        });
        drop(st);
        let result = work(job, opts);
        let mut st = slot.lock();
        if st.abandoned {
            // Too late: the file was reported as too slow and the run went
            // on; this result is never written.
            drop(st);
            stuck.fetch_sub(1, Ordering::SeqCst);
            return;
        }
        st.current = None;
        st.done.push(result);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Entry;
    use crate::document::NewsDoc;
    use crate::index::state::Verdict;

    fn job(rel: &str) -> Job {
        Job {
            entry: Entry {
                path: rel.into(),
                rel: rel.into(),
                size: 1,
                mtime: 1,
            },
            verdict: Verdict::New,
            indexed: None,
        }
    }

    /// Files named `slow*` take 300 ms, `hang*` an hour, without ever
    /// reaching a budget check; the rest are read at once.
    fn test_work(job: Job, _: &pipeline::Options) -> Work {
        let rel = job.entry.rel.clone();
        if rel.starts_with("hang") {
            std::thread::sleep(Duration::from_secs(3600));
        } else if rel.starts_with("slow") {
            std::thread::sleep(Duration::from_millis(300));
        }
        Work::Docs {
            docs: vec![NewsDoc::for_test(&rel, "Title", "Body")],
            entry: job.entry,
            replaces: false,
            warnings: Vec::new(),
            notes: Vec::new(),
        }
    }

    fn opts(limit_ms: u64) -> pipeline::Options {
        pipeline::Options {
            max_file_time: Some(Duration::from_millis(limit_ms)),
            ..pipeline::Options::default()
        }
    }

    fn paths(works: &[Work]) -> Vec<String> {
        works
            .iter()
            .map(|w| match w {
                Work::Docs { entry, .. } => entry.rel.clone(),
                Work::Skipped { skip, .. } => format!("{} ({})", skip.path, skip.reason.key()),
                Work::Same { entry, .. } => entry.rel.clone(),
            })
            .collect()
    }

    /// Drive a pool the way the apply loop does, until every sender is gone.
    fn run(pool: &mut Pool, rx: &Receiver<Vec<Work>>, give_up: Duration) -> Vec<Work> {
        let end = Instant::now() + give_up;
        let mut got = Vec::new();
        loop {
            let wake = pool.deadline().map_or(end, |d| d.min(end));
            match rx.recv_deadline(wake) {
                Ok(batch) => got.extend(batch),
                Err(crossbeam_channel::RecvTimeoutError::Disconnected) => return got,
                Err(_) if Instant::now() >= end => panic!("the run did not end: {:?}", paths(&got)),
                Err(_) => {}
            }
            got.extend(pool.abandon_overdue(Instant::now()).expect("under the cap"));
        }
    }

    #[test]
    fn a_hung_parse_is_a_too_slow_skip_and_its_batch_goes_on() {
        let (job_tx, job_rx) = crossbeam_channel::bounded(4);
        let (work_tx, work_rx) = crossbeam_channel::bounded(4);
        let mut pool = Pool::start(1, job_rx, work_tx, &opts(50), test_work);
        let start = Instant::now();
        job_tx
            .send(vec![job("a.txt"), job("hang.txt"), job("b.txt")])
            .expect("send");
        job_tx.send(vec![job("c.txt")]).expect("send");
        drop(job_tx);
        let got = run(&mut pool, &work_rx, Duration::from_secs(30));
        let mut got = paths(&got);
        got.sort();
        assert_eq!(
            got,
            ["a.txt", "b.txt", "c.txt", "hang.txt (too-slow)"],
            "the finished file before it, the jobs after it, the next batch"
        );
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{:?}",
            start.elapsed()
        );
        assert_eq!(pool.stuck.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn a_late_result_of_an_abandoned_worker_is_never_sent() {
        let (job_tx, job_rx) = crossbeam_channel::bounded(4);
        let (work_tx, work_rx) = crossbeam_channel::bounded(4);
        // 300 ms of work against a watchdog at 2 × 20 ms.
        let mut pool = Pool::start(1, job_rx, work_tx, &opts(20), test_work);
        job_tx.send(vec![job("slow.txt")]).expect("send");
        let mut got = Vec::new();
        while got.is_empty() {
            std::thread::sleep(Duration::from_millis(10));
            got = pool.abandon_overdue(Instant::now()).expect("under the cap");
        }
        assert_eq!(paths(&got), ["slow.txt (too-slow)"]);
        // The replacement goes on with new jobs; the old worker's parse ends
        // meanwhile, and its thread with it, without a word.
        job_tx.send(vec![job("next.txt")]).expect("send");
        drop(job_tx);
        let got = run(&mut pool, &work_rx, Duration::from_secs(30));
        assert_eq!(paths(&got), ["next.txt"]);
        let gone = Instant::now() + Duration::from_secs(10);
        while pool.stuck.load(Ordering::SeqCst) > 0 && Instant::now() < gone {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert_eq!(pool.stuck.load(Ordering::SeqCst), 0, "the old worker ended");
        assert!(work_rx.try_recv().is_err(), "and sent nothing");
    }

    #[test]
    fn past_the_cap_the_pool_names_the_stuck_files() {
        let (job_tx, job_rx) = crossbeam_channel::bounded(MAX_ABANDONED + 2);
        let (work_tx, _work_rx) = crossbeam_channel::bounded(MAX_ABANDONED + 2);
        let mut pool = Pool::start(1, job_rx, work_tx, &opts(5), test_work);
        for i in 0..=MAX_ABANDONED {
            job_tx
                .send(vec![job(&format!("hang{i}.txt"))])
                .expect("send");
        }
        let end = Instant::now() + Duration::from_secs(30);
        let err = loop {
            assert!(Instant::now() < end, "the cap was never reached");
            std::thread::sleep(Duration::from_millis(5));
            if let Err(e) = pool.abandon_overdue(Instant::now()) {
                break e;
            }
        };
        assert_eq!(err.paths.len(), MAX_ABANDONED + 1);
        assert!(err.to_string().contains("hang0.txt"), "{err}");
    }

    #[test]
    fn without_a_time_limit_there_is_no_watchdog() {
        let (_job_tx, job_rx) = crossbeam_channel::bounded::<Vec<Job>>(1);
        let (work_tx, _work_rx) = crossbeam_channel::bounded(1);
        let opts = pipeline::Options {
            max_file_time: None,
            ..pipeline::Options::default()
        };
        let mut pool = Pool::start(1, job_rx, work_tx, &opts, test_work);
        assert_eq!(pool.deadline(), None, "the apply loop never wakes for it");
        assert!(pool.abandon_overdue(Instant::now()).expect("ok").is_empty());
    }
}
