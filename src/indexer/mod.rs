//! The incremental indexing engine: make the index match the corpus folder
//! as it is now — add new files, replace changed ones, remove deleted ones,
//! and leave unchanged ones unopened — or rebuild it from scratch.
//!
//! A run is an [`Update`], in phases, each a method or a module:
//!
//! 1. **open** ([`Update::open`]): refuse a wrong folder, take the lock,
//!    open or create the index, load what earlier runs vouched for.
//! 2. **decide** ([`decide`]): the walk lists the corpus on its own thread;
//!    the decider reads the index's state and settles from size and mtime
//!    alone which files need reading (`index::state`), sending those on as
//!    [`Job`]s.
//! 3. **parse workers** ([`parse`]): read → decode → normalize → extract,
//!    one [`Work`] per file, in a pool whose [`watchdog`] abandons a worker
//!    stuck on one file (a `too-slow` skip) and starts another.
//! 4. **apply** ([`apply`]): on the calling thread, the one tantivy writer
//!    takes each [`Work`]: deletes, adds, counts.
//! 5. **commit when due** ([`apply::Apply::commit_when_due`]): every
//!    `commit_docs` changes or `commit_every`, only between files, and also
//!    while the workers are busy on a slow file, so a killed run keeps its
//!    work and the next run finishes it.
//! 6. **finish** ([`Update::run`]): take out the files the walk did not
//!    meet, make the last commit, merge what a bulk run left to a few large
//!    segments (`index::writer::FINAL_MERGE_BYTES`), save the seen cache.
//!
//! Throughout, the index's memory maps are handed back to the kernel every
//! few hundred milliseconds (`index::mapped`): merges read whole segments,
//! and would otherwise hold them all in the process's resident memory.
//!
//! Threads hand over through bounded queues, so memory stays fixed whatever
//! the corpus size. No writer is made at all when nothing changed. What a
//! run did comes back as a [`Summary`], for `render::summary` to print.

pub mod apply;
pub mod decide;
pub mod parse;
pub mod watchdog;

use crate::corpus::walk::{self, Found, WalkOptions};
use crate::corpus::{Entry, Skip};
use crate::document::NewsDoc;
use crate::index::lock::{IndexLock, Locked};
use crate::index::mapped::MappedDir;
use crate::index::state::{self, IndexState, SeenCache, Snapshot, Verdict};
use crate::index::{self, NewsIndex, Stamp};
use crate::pipeline;
use crate::render::summary::{SUMMARY_VERSION, Summary};
use anyhow::{Context, Result, bail};
use apply::Apply;
use decide::WalkTally;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Changes (documents added, files removed) after which a run commits.
pub const DEFAULT_COMMIT_DOCS: usize = 50_000;

/// Seconds after which a run with pending changes commits.
pub const DEFAULT_COMMIT_SECS: u64 = 30;

/// How an index run behaves, resolved from the command line.
#[derive(Clone, Debug)]
pub struct Settings {
    pub pipeline: pipeline::Options,
    pub follow_links: bool,
    /// Start from an empty index (and accept another corpus root).
    pub rebuild: bool,
    /// Accept another corpus root for the index as it is: the corpus was
    /// moved, its files (and their ids) are the same.
    pub repoint: bool,
    /// Commit after this many changes (documents added, files removed);
    /// 0: never by count.
    pub commit_docs: usize,
    /// Commit when this much time passed since the last commit; zero: never
    /// by time.
    pub commit_every: Duration,
    pub progress: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            pipeline: pipeline::Options::default(),
            follow_links: false,
            rebuild: false,
            repoint: false,
            commit_docs: DEFAULT_COMMIT_DOCS,
            commit_every: Duration::from_secs(DEFAULT_COMMIT_SECS),
            progress: false,
        }
    }
}

/// A file the walk could not settle from its metadata: the decider's
/// message to the parse workers.
pub struct Job {
    pub entry: Entry,
    pub verdict: Verdict,
    /// Size and mtime the index holds for it, if any.
    pub indexed: Option<(u64, i64)>,
}

/// What a worker (or the decider, for skips) hands to the writer thread.
pub enum Work {
    /// New documents for a file; `replaces`: its old ones go first.
    Docs {
        entry: Entry,
        docs: Vec<NewsDoc>,
        replaces: bool,
        /// Parts of the file that were left out (bad JSON Lines lines…).
        warnings: Vec<Skip>,
        /// `path#N: value left out` lines: the document is indexed.
        notes: Vec<String>,
    },
    /// Read and hashed: the content is the one indexed. `moved`: under
    /// another size or mtime than the index holds (worth a cache entry).
    Same {
        entry: Entry,
        hash: u64,
        moved: bool,
    },
    /// Not indexable now; `indexed`: the index holds a version of it.
    Skipped { skip: Skip, indexed: bool },
}

/// Files a queue between two phases holds, in all (in batches of
/// [`parse::JOB_BATCH`]).
const QUEUE_FILES: usize = 256;

/// Walk batches queued for the decider.
const QUEUE_WALK_BATCHES: usize = 32;

/// Index `corpus` (an absolute path, see [`resolve_corpus`]) into
/// `index_dir`, incrementally unless `settings.rebuild`.
pub fn index_corpus(corpus: &Path, index_dir: &Path, settings: &Settings) -> Result<Summary> {
    Update::open(corpus, index_dir, settings)?.run()
}

/// Bring the index of `corpus` in `index_dir` up to date before a search
/// (`newsidx search --corpus DIR`), quietly: problems with single files are
/// reported on stderr, as `index` does, but no summary is printed. If another
/// process is updating the index, say so and leave the search to its last
/// commit rather than fail or wait.
pub fn refresh_for_search(corpus: &Path, index_dir: &Path) -> Result<()> {
    let corpus = resolve_corpus(corpus)?;
    match index_corpus(&corpus, index_dir, &Settings::default()) {
        Ok(_) => Ok(()),
        Err(e) if e.downcast_ref::<Locked>().is_some() && index::exists(index_dir) => {
            eprintln!(
                "newsidx: {} is being updated by another newsidx process; searching its last commit",
                index_dir.display()
            );
            Ok(())
        }
        Err(e) => Err(e),
    }
}

/// The index that `search` and `serve` read, and where it is: `index` when
/// given, else the `.newsidx` folder of `corpus`, else `default`. With a
/// corpus, the index is first brought up to date ([`refresh_for_search`]).
pub fn open_for_search(
    index: Option<&Path>,
    corpus: Option<&Path>,
    default: &Path,
) -> Result<(PathBuf, NewsIndex)> {
    let index_dir = match (index, corpus) {
        (Some(dir), _) => dir.to_path_buf(),
        (None, Some(corpus)) => corpus.join(".newsidx"),
        (None, None) => default.to_path_buf(),
    };
    if let Some(corpus) = corpus {
        refresh_for_search(corpus, &index_dir).with_context(|| {
            format!("cannot bring the index of {} up to date", corpus.display())
        })?;
    }
    let ix = NewsIndex::open(&index_dir)?;
    Ok((index_dir, ix))
}

/// The absolute path of a corpus folder given on the command line.
pub fn resolve_corpus(corpus: &Path) -> Result<PathBuf> {
    let abs = corpus
        .canonicalize()
        .with_context(|| format!("cannot open corpus folder {}", corpus.display()))?;
    anyhow::ensure!(
        abs.is_dir(),
        "{} is not a folder; give the folder that holds the articles",
        corpus.display()
    );
    Ok(abs)
}

/// One index run, between [`Update::open`] and the end of [`Update::run`].
/// It holds the index's lock throughout.
pub struct Update {
    corpus: PathBuf,
    index_dir: PathBuf,
    settings: Settings,
    started: Instant,
    /// The run's start, in the clock of file mtimes.
    start_ns: i64,
    _lock: IndexLock,
    /// The index folder's maps, released while the run goes on.
    maps: MappedDir,
    /// The last commit, for the decider to read the index's state from;
    /// `None` when the run starts from an empty index.
    last_commit: Option<Snapshot>,
    /// Files earlier runs read and found unchanged under new metadata.
    seen: SeenCache,
    /// Indexed files with an mtime before this are trusted by metadata.
    cutoff: Option<i64>,
    apply: Apply,
    /// What a parse worker does with a file (tests put in a parser that
    /// hangs).
    work: watchdog::WorkFn,
}

impl Update {
    /// The open phase: check the folders, take the lock, open the index (or
    /// make it) and read what earlier runs vouched for. Nothing is written
    /// yet, except a new index's empty folder.
    pub fn open(corpus: &Path, index_dir: &Path, settings: &Settings) -> Result<Update> {
        let started = Instant::now();
        let start_ns = state::now_ns();
        let lock = lock_index_dir(corpus, index_dir)?;
        let maps = MappedDir::open(index_dir)
            .with_context(|| format!("cannot open index folder {}", index_dir.display()))?;
        let (ix, fresh) = open_for_update(index_dir, corpus, settings, &maps)?;
        let last_commit = match fresh {
            true => None,
            false => Some(Snapshot::of(&ix)?),
        };
        let empty_at_start = last_commit.as_ref().is_none_or(|s| s.num_docs() == 0);
        let corpus_name = corpus.display().to_string();
        let (seen, cutoff) = match fresh {
            true => (SeenCache::default(), None),
            false => {
                let seen = SeenCache::load(index_dir, &corpus_name);
                let cutoff = state::later(ix.stamp.verified_before, seen.verified_before);
                (seen, cutoff)
            }
        };
        // Commits before the end may claim only what was true at the start,
        // or, for an index filled by this run alone, what its reads prove.
        let stamp_during = Stamp {
            verified_before: match empty_at_start {
                true => Some(state::cutoff_for_run(start_ns)),
                false => cutoff,
            },
            ..Stamp::current(Some(corpus))
        };
        let summary = Summary {
            version: SUMMARY_VERSION,
            corpus: corpus_name,
            index: index_dir.display().to_string(),
            rebuilt: fresh,
            ..Summary::default()
        };
        let apply = Apply::new(ix, stamp_during, fresh, settings, summary)?;
        Ok(Update {
            corpus: corpus.to_path_buf(),
            index_dir: index_dir.to_path_buf(),
            settings: settings.clone(),
            started,
            start_ns,
            _lock: lock,
            maps,
            last_commit,
            seen,
            cutoff,
            apply,
            work: parse::work_on,
        })
    }

    /// Run the remaining phases: walk, decide, parse, apply and commit as
    /// due (all at once, on their threads), then finish.
    pub fn run(mut self) -> Result<Summary> {
        let maps = self.maps.clone();
        maps.releasing(|| {
            let (state, tally) = self.scan()?;
            self.finish(&state, tally)
        })
    }

    /// The walk, the decider and the parse workers on their threads, and
    /// the apply loop on this one, until every file is settled.
    fn scan(&mut self) -> Result<(IndexState, WalkTally)> {
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .max(1);
        // Parse workers leave one core to tantivy's indexing thread, which
        // sets the pace (see `parse::yield_to_the_writer`): on 2 cores one
        // worker indexed Reuters in 560 ms against 618 ms with two
        // (hyperfine, same run).
        let workers = cores.saturating_sub(1).max(1);
        // The walk runs ahead while the decider reads the index's state: on
        // an unchanged corpus these two are nearly all the work, on two
        // threads.
        let (found_tx, found_rx) = crossbeam_channel::bounded::<Vec<Found>>(QUEUE_WALK_BATCHES);
        // Jobs and results travel in small batches: handing them over one by
        // one woke a sleeping thread per file (12,900 context switches to
        // index Reuters), on cores the indexing thread needs.
        let batches = QUEUE_FILES / parse::JOB_BATCH;
        let (job_tx, job_rx) = crossbeam_channel::bounded::<Vec<Job>>(batches);
        let (work_tx, work_rx) = crossbeam_channel::bounded::<Vec<Work>>(batches);
        let walk_opts = WalkOptions {
            follow_links: self.settings.follow_links,
            exclude: vec![self.index_dir.clone()],
        };
        let last_commit = self.last_commit.take();
        let progress = self.apply.progress();
        let decider =
            decide::Decider::new(&self.seen, self.cutoff, job_tx, work_tx.clone(), progress);
        let (corpus, settings, apply, work) =
            (&self.corpus, &self.settings, &mut self.apply, self.work);

        std::thread::scope(|s| -> Result<(IndexState, WalkTally)> {
            s.spawn(move || walk::walk_batched(corpus, &walk_opts, cores, &found_tx));
            let decider = s.spawn(move || decider.run(last_commit.as_ref(), found_rx));
            // Not scoped: a worker the watchdog abandons is never joined.
            let mut pool =
                watchdog::Pool::start(workers, job_rx, work_tx, &settings.pipeline, work);
            apply.apply_all(work_rx, Some(&mut pool))?;
            match decider.join() {
                Ok(r) => r,
                Err(_) => bail!("the corpus walk failed unexpectedly"),
            }
        })
    }

    /// The finish phase: take out what the walk did not meet, make the last
    /// commit (whose stamp vouches for this run's reads), save the seen
    /// cache.
    fn finish(self, state: &IndexState, tally: WalkTally) -> Result<Summary> {
        let Update {
            index_dir,
            started,
            start_ns,
            _lock,
            seen,
            mut apply,
            ..
        } = self;
        apply.summary.unchanged += tally.unchanged;
        apply.remove_gone(state, &tally.found)?;
        let verified_before = state::cutoff_for_run(start_ns);
        let (mut summary, mut cache) = apply.finish(verified_before, state.documents)?;
        cache.files.extend(tally.kept_seen);
        // A run that changed nothing and trusted everything leaves the
        // folder untouched.
        if summary.commits > 0 || tally.checked > 0 || cache.files != seen.files {
            cache.save(&index_dir)?;
        }
        // The walk runs in parallel; the report lists skips in path order.
        summary.skips.sort_by(|a, b| a.path.cmp(&b.path));
        summary.elapsed_ms = started.elapsed().as_millis() as u64;
        Ok(summary)
    }
}

/// Make sure `index_dir` may hold the index of `corpus`, and lock it. The
/// lock comes before anything is read or written, so two runs never
/// interleave; but an unrelated folder is refused before even that.
fn lock_index_dir(corpus: &Path, index_dir: &Path) -> Result<IndexLock> {
    index::check_index_dir(index_dir)?;
    std::fs::create_dir_all(index_dir)
        .with_context(|| format!("cannot create index folder {}", index_dir.display()))?;
    if index_dir.canonicalize().is_ok_and(|d| d == corpus) {
        bail!(
            "the index folder {} is the corpus folder itself; give another folder with --index (a hidden one inside the corpus, such as CORPUS/.newsidx, is fine)",
            index_dir.display()
        );
    }
    IndexLock::acquire(index_dir)
}

/// Open the index in `dir` for an update of `corpus`, or make a new one.
/// Returns whether the index starts empty.
fn open_for_update(
    dir: &Path,
    corpus: &Path,
    settings: &Settings,
    maps: &MappedDir,
) -> Result<(NewsIndex, bool)> {
    if settings.rebuild {
        SeenCache::remove(dir)?;
        if index::exists(dir) {
            // Keep a readable index and clear it in the first commit, so a
            // killed rebuild leaves the old index rather than nothing.
            if let Ok(ix) = NewsIndex::open_mapped(dir, maps) {
                return Ok((ix, true));
            }
        }
        return Ok((NewsIndex::create_mapped(dir, corpus, maps)?, true));
    }
    if !index::exists(dir) {
        return Ok((NewsIndex::create_mapped(dir, corpus, maps)?, true));
    }
    let ix = NewsIndex::open_mapped(dir, maps)?;
    match &ix.stamp.corpus {
        Some(root) if Path::new(root) != corpus && !settings.repoint => bail!(
            "the index at {dir} was built from {root}, not {new}. If {new} is that corpus moved or renamed (the same files), re-point the index without reindexing: `newsidx index {new} --index {dir} --repoint` (only changed files are read again). For another corpus, give another --index, or replace this index with --rebuild.",
            dir = dir.display(),
            new = corpus.display(),
        ),
        _ => {}
    }
    let empty = ix.stamp.corpus.is_none() && ix.num_docs()? == 0;
    Ok((ix, empty))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `work_on`, except that files named `hang*` never come back, and never
    /// reach a budget check either: what the watchdog is for.
    fn work_or_hang(job: Job, opts: &pipeline::Options) -> Work {
        if job.entry.rel.starts_with("hang") {
            loop {
                std::thread::sleep(Duration::from_secs(3600));
            }
        }
        parse::work_on(job, opts)
    }

    /// Issue 16: a parse that hangs where the budget cannot see it costs
    /// its file, not the run: the file is a `too-slow` skip, every other
    /// file is committed, and the run ends while the parse still hangs.
    #[test]
    fn a_run_goes_on_without_a_file_that_hangs_its_parser() {
        let dir = tempfile::tempdir().expect("tmp");
        let corpus = dir.path().join("corpus");
        std::fs::create_dir_all(&corpus).expect("corpus");
        let mut files = vec!["hang.txt".to_string()];
        files.extend((0..40).map(|i| format!("story{i:02}.txt")));
        for f in &files {
            let text = format!("Story {f}\n\nThe harbour board met about {f}.\n");
            std::fs::write(corpus.join(f), text).expect("file");
        }
        let settings = Settings {
            pipeline: pipeline::Options {
                // Room for a debug build's first file (it loads the
                // gazetteers), on a busy machine.
                max_file_time: Some(Duration::from_secs(2)),
                ..pipeline::Options::default()
            },
            ..Settings::default()
        };
        let mut update = Update::open(&corpus, &dir.path().join("ix"), &settings).expect("open");
        update.work = work_or_hang;
        // On a thread of its own, so that a run that never ends fails the
        // test rather than hangs it.
        let (tx, rx) = crossbeam_channel::bounded(1);
        std::thread::spawn(move || {
            let _ = tx.send(update.run());
        });
        let summary = rx
            .recv_timeout(Duration::from_secs(120))
            .expect("the run ends while the parse still hangs")
            .expect("the run succeeds");
        let skipped: Vec<_> = summary
            .skips
            .iter()
            .map(|s| (s.path.as_str(), s.reason.key()))
            .collect();
        assert_eq!(skipped, [("hang.txt", "too-slow")]);
        assert_eq!((summary.added, summary.documents), (40, 40));
        let ix = NewsIndex::open(&dir.path().join("ix")).expect("index");
        assert_eq!(ix.num_docs().expect("docs"), 40);
    }
}
