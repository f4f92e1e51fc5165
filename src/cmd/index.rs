//! `newsidx index CORPUS`: make the index match the corpus folder as it is
//! now — add new files, replace changed ones, remove deleted ones, and leave
//! unchanged ones unopened — and `--rebuild` from scratch.
//!
//! The walk decides from size and mtime alone which files need reading
//! (`index::state`); those go to worker threads (read → decode → normalize →
//! extract), whose documents feed the one tantivy writer on this thread
//! through bounded queues, so memory stays fixed whatever the corpus size.
//! Commits come every `--commit-docs` changes or `--commit-secs` seconds and
//! only between files, so a killed run keeps its work and the next run
//! finishes it. No writer is made at all when nothing changed.

use crate::article::Unit;
use crate::cli::{IndexArgs, SummaryFormat};
use crate::corpus::walk::{self, Found, WalkOptions};
use crate::corpus::{Entry, Reason, Skip, read};
use crate::document::NewsDoc;
use crate::exit::Outcome;
use crate::index::lock::{IndexLock, Locked};
use crate::index::state::{self, FileState, IndexState, Seen, SeenCache, Verdict};
use crate::index::writer::Writer;
use crate::index::{self, NewsIndex, Stamp};
use crate::pipeline;
use crate::render::sanitize;
use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Version of the index summary JSON (`schema/index-summary.schema.json`).
pub const SUMMARY_VERSION: u32 = 1;

/// What an index run did. Files are counted in `added`…`unchanged`;
/// documents (several per JSON Lines file) in `indexed` and `documents`.
#[derive(Debug, Default, Serialize)]
pub struct Summary {
    pub version: u32,
    pub corpus: String,
    pub index: String,
    /// Whether the run started from an empty index (`--rebuild`, or a new
    /// index).
    pub rebuilt: bool,
    /// Files new to the index.
    pub added: usize,
    /// Files whose content changed, re-indexed.
    pub updated: usize,
    /// Files gone from the corpus, or no longer articles, taken out.
    pub removed: usize,
    /// Files left as they were.
    pub unchanged: usize,
    /// Documents written (from added and updated files).
    pub indexed: usize,
    /// Documents in the index after the run.
    pub documents: u64,
    /// Bytes of the files indexed, or read again to compare their hash.
    pub bytes: u64,
    pub skipped: usize,
    pub skipped_by_reason: BTreeMap<String, usize>,
    pub skips: Vec<Skip>,
    /// Commits made (0 when nothing changed).
    pub commits: usize,
    pub elapsed_ms: u64,
}

impl Summary {
    /// Count a file (or part of one) that was not indexed.
    fn count_skip(&mut self, skip: Skip) {
        *self
            .skipped_by_reason
            .entry(skip.reason.key().to_string())
            .or_default() += 1;
        self.skipped += 1;
        self.skips.push(skip);
    }
}

/// How an index run behaves, resolved from the command line.
#[derive(Clone, Debug)]
pub struct Settings {
    pub pipeline: pipeline::Options,
    pub follow_links: bool,
    /// Start from an empty index (and accept another corpus root).
    pub rebuild: bool,
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
            commit_docs: 50_000,
            commit_every: Duration::from_secs(30),
            progress: false,
        }
    }
}

pub fn run(a: IndexArgs) -> Result<Outcome> {
    let index_dir = a.location.resolve();
    let corpus = resolve_corpus(&a.corpus)?;
    let settings = Settings {
        pipeline: pipeline::Options {
            max_file_size: a.max_file_size,
            max_file_time: (a.max_file_secs > 0).then(|| Duration::from_secs(a.max_file_secs)),
            extract: !a.no_extract,
        },
        follow_links: a.follow_links,
        rebuild: a.rebuild,
        commit_docs: a.commit_docs,
        commit_every: Duration::from_secs(a.commit_secs),
        progress: !a.no_progress && std::io::stderr().is_terminal(),
    };
    let summary = index_corpus(&corpus, &index_dir, &settings)?;

    match a.format {
        SummaryFormat::Json => {
            let mut out = std::io::stdout().lock();
            serde_json::to_writer_pretty(&mut out, &summary)?;
            writeln!(out)?;
        }
        SummaryFormat::Text => eprintln!("{}", summary_line(&summary)),
    }
    Ok(
        if a.strict && summary.skips.iter().any(|s| s.reason.is_problem()) {
            Outcome::Error
        } else {
            Outcome::Success
        },
    )
}

fn resolve_corpus(corpus: &Path) -> Result<PathBuf> {
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

/// `indexed 2225 articles (4.8 MiB) in 2.9 s: added 3, updated 1, removed 0,
/// unchanged 2221; skipped 1 (not-article 1)`.
pub fn summary_line(s: &Summary) -> String {
    let mut line = format!(
        "indexed {} article{} ({:.1} MiB) in {:.1} s: added {}, updated {}, removed {}, unchanged {}",
        s.indexed,
        if s.indexed == 1 { "" } else { "s" },
        s.bytes as f64 / (1024.0 * 1024.0),
        s.elapsed_ms as f64 / 1000.0,
        s.added,
        s.updated,
        s.removed,
        s.unchanged,
    );
    if s.skipped > 0 {
        let reasons: Vec<String> = s
            .skipped_by_reason
            .iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect();
        line.push_str(&format!("; skipped {} ({})", s.skipped, reasons.join(", ")));
    }
    line
}

/// A file the walk could not settle from its metadata.
struct Job {
    entry: Entry,
    verdict: Verdict,
    /// Size and mtime the index holds for it, if any.
    indexed: Option<(u64, i64)>,
}

/// What a worker (or the decider, for skips) hands to the writer thread.
enum Work {
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

/// What the decider settled by itself.
#[derive(Default)]
struct WalkTally {
    /// By `FileState::slot`: indexed files the walk met (as files or skips).
    found: Vec<bool>,
    unchanged: usize,
    /// Cache entries that vouched for a file and still hold.
    kept_seen: Vec<(String, Seen)>,
    /// Files whose metadata could not be trusted and had to be read.
    checked: usize,
}

/// Whether a file that cannot be indexed now keeps its indexed version. Only
/// for problems that may well pass (an I/O error, a permission being fixed,
/// a file being written): a search archive had better show a slightly stale
/// article than lose it, and the next run that can read the file updates it.
/// Everything else — the file is gone, empty, binary, too large, no longer
/// an article, no longer parses — takes it out, so the index matches what
/// the same run would index from scratch.
fn keeps_indexed_version(r: &Reason) -> bool {
    matches!(r, Reason::Unreadable { .. } | Reason::Changed)
}

/// Index `corpus` (an absolute path) into `index_dir`, incrementally unless
/// `settings.rebuild`.
pub fn index_corpus(corpus: &Path, index_dir: &Path, settings: &Settings) -> Result<Summary> {
    let start = Instant::now();
    let start_ns = state::now_ns();
    let corpus_name = corpus.display().to_string();

    // The lock comes before anything is read or written, so two runs never
    // interleave; but an unrelated folder is refused before even that.
    index::check_index_dir(index_dir)?;
    std::fs::create_dir_all(index_dir)
        .with_context(|| format!("cannot create index folder {}", index_dir.display()))?;
    if index_dir.canonicalize().is_ok_and(|d| d == corpus) {
        bail!(
            "the index folder {} is the corpus folder itself; give another folder with --index (a hidden one inside the corpus, such as CORPUS/.newsidx, is fine)",
            index_dir.display()
        );
    }
    let _lock = IndexLock::acquire(index_dir)?;

    let (ix, fresh) = open_for_update(index_dir, corpus, settings.rebuild)?;
    let reader = if fresh { None } else { Some(ix.reader()?) };
    let searcher = reader.as_ref().map(|r| r.searcher());
    let empty_at_start = searcher.as_ref().is_none_or(|s| s.num_docs() == 0);
    let seen = if fresh {
        SeenCache::default()
    } else {
        SeenCache::load(index_dir, &corpus_name)
    };
    let cutoff = if fresh {
        None
    } else {
        state::later(ix.stamp.verified_before, seen.verified_before)
    };
    // Commits before the end may claim only what was true at the start, or,
    // for an index filled by this run alone, what this run's reads prove.
    let stamp_during = Stamp {
        verified_before: if empty_at_start {
            Some(state::cutoff_for_run(start_ns))
        } else {
            cutoff
        },
        ..Stamp::current(Some(corpus))
    };

    let mut writer: Option<Writer> = None;
    if fresh {
        let mut w = Writer::new(&ix, stamp_during.clone())?;
        if settings.rebuild {
            w.delete_all()?;
        }
        writer = Some(w);
    }

    let progress = progress_bar(settings.progress);
    let mut summary = Summary {
        version: SUMMARY_VERSION,
        corpus: corpus_name.clone(),
        index: index_dir.display().to_string(),
        rebuilt: fresh,
        ..Summary::default()
    };
    let mut new_seen: BTreeMap<String, Seen> = BTreeMap::new();
    // Paths whose indexed files stay despite not being read (see
    // `keeps_indexed_version`); a folder protects all under it.
    let mut kept: Vec<String> = Vec::new();
    let mut changes_since_commit = 0usize;
    let mut last_commit = Instant::now();

    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .max(1);
    // Parse workers leave one core to tantivy's indexing thread, which sets
    // the pace (see `yield_to_the_writer`): on 2 cores one worker indexed
    // Reuters in 560 ms against 618 ms with two (hyperfine, same run).
    let workers = cores.saturating_sub(1).max(1);
    // The walk runs ahead while the decider reads the index's state: on an
    // unchanged corpus these two are nearly all the work, on two threads.
    let (found_tx, found_rx) = crossbeam_channel::bounded::<Vec<Found>>(32);
    // Jobs and results travel in small batches: handing them over one by
    // one woke a sleeping thread per file (12,900 context switches to index
    // Reuters), on cores the indexing thread needs.
    let (job_tx, job_rx) = crossbeam_channel::bounded::<Vec<Job>>(256 / JOB_BATCH);
    let (work_tx, work_rx) = crossbeam_channel::bounded::<Vec<Work>>(256 / JOB_BATCH);
    let walk_opts = WalkOptions {
        follow_links: settings.follow_links,
        exclude: vec![PathBuf::from(index_dir)],
    };

    let (state, tally) = std::thread::scope(|s| -> Result<(IndexState, WalkTally)> {
        s.spawn(move || walk::walk_batched(corpus, &walk_opts, cores, &found_tx));
        let decider = {
            let work_tx = work_tx.clone();
            let (seen, progress) = (&seen, progress.clone());
            s.spawn(move || -> Result<(IndexState, WalkTally)> {
                let state = match &searcher {
                    Some(searcher) => state::read(searcher)?,
                    None => IndexState::default(),
                };
                let tally =
                    decide_all(found_rx, &state, seen, cutoff, &job_tx, &work_tx, &progress);
                Ok((state, tally))
            })
        };
        for _ in 0..workers {
            let rx = job_rx.clone();
            let tx = work_tx.clone();
            let opts = &settings.pipeline;
            s.spawn(move || {
                yield_to_the_writer();
                for jobs in rx {
                    let done: Vec<Work> = jobs.into_iter().map(|j| work_on(j, opts)).collect();
                    if tx.send(done).is_err() {
                        break;
                    }
                }
            });
        }
        drop(job_rx);
        drop(work_tx);

        for w in work_rx.into_iter().flatten() {
            progress.inc(1);
            match w {
                Work::Docs {
                    entry,
                    docs,
                    replaces,
                    warnings,
                    notes,
                } => {
                    for note in notes {
                        progress.suspend(|| eprintln!("newsidx: {}", sanitize(&note, false)));
                    }
                    for skip in warnings {
                        progress.suspend(|| {
                            eprintln!("newsidx: {}: {}", sanitize(&skip.path, false), skip.reason)
                        });
                        summary.count_skip(skip);
                    }
                    let wr = writer_for(&mut writer, &ix, &stamp_during)?;
                    if replaces {
                        wr.delete_file(&entry.rel);
                    }
                    for d in &docs {
                        wr.add(d)?;
                    }
                    match (replaces, docs.is_empty()) {
                        (true, true) => summary.removed += 1,
                        (true, false) => summary.updated += 1,
                        (false, false) => summary.added += 1,
                        (false, true) => {}
                    }
                    summary.indexed += docs.len();
                    summary.bytes += entry.size;
                    changes_since_commit += docs.len() + usize::from(replaces);
                }
                Work::Same { entry, hash, moved } => {
                    summary.unchanged += 1;
                    summary.bytes += entry.size;
                    if moved {
                        new_seen.insert(
                            entry.rel,
                            Seen {
                                size: entry.size,
                                mtime: entry.mtime,
                                hash,
                            },
                        );
                    }
                }
                Work::Skipped { skip, indexed } => {
                    if skip.reason.is_problem() {
                        progress.suspend(|| {
                            eprintln!("newsidx: {}: {}", sanitize(&skip.path, false), skip.reason)
                        });
                    }
                    if keeps_indexed_version(&skip.reason) {
                        kept.push(skip.path.clone());
                    } else if indexed {
                        writer_for(&mut writer, &ix, &stamp_during)?.delete_file(&skip.path);
                        summary.removed += 1;
                        changes_since_commit += 1;
                    }
                    summary.count_skip(skip);
                }
            }
            if let Some(w) = writer.as_mut() {
                let by_count =
                    settings.commit_docs > 0 && changes_since_commit >= settings.commit_docs;
                let by_time = !settings.commit_every.is_zero()
                    && last_commit.elapsed() >= settings.commit_every;
                if changes_since_commit > 0 && (by_count || by_time) {
                    w.commit()?;
                    summary.commits += 1;
                    changes_since_commit = 0;
                    last_commit = Instant::now();
                }
            }
        }
        match decider.join() {
            Ok(r) => r,
            Err(_) => bail!("the corpus walk failed unexpectedly"),
        }
    })?;

    summary.unchanged += tally.unchanged;
    let gone: Vec<&String> = state
        .files
        .iter()
        .filter(|(rel, f)| {
            !tally.found.get(f.slot as usize).copied().unwrap_or(false) && !is_kept(rel, &kept)
        })
        .map(|(rel, _)| rel)
        .collect();
    if !gone.is_empty() {
        let w = writer_for(&mut writer, &ix, &stamp_during)?;
        for rel in gone {
            w.delete_file(rel);
            summary.removed += 1;
        }
    }

    if let Some(mut w) = writer {
        w.set_stamp(Stamp {
            verified_before: Some(state::cutoff_for_run(start_ns)),
            ..stamp_during.clone()
        });
        w.commit()?;
        summary.commits += 1;
        w.finish()?;
        summary.documents = ix.num_docs()?;
    } else {
        summary.documents = state.documents;
    }

    let mut cache = SeenCache {
        corpus: corpus_name,
        verified_before: Some(state::cutoff_for_run(start_ns)),
        files: new_seen,
    };
    cache.files.extend(tally.kept_seen);
    // A run that changed nothing and trusted everything leaves the folder
    // untouched.
    if summary.commits > 0 || tally.checked > 0 || cache.files != seen.files {
        cache.save(index_dir)?;
    }

    progress.finish_and_clear();
    // The walk runs in parallel; the report lists skips in path order.
    summary.skips.sort_by(|a, b| a.path.cmp(&b.path));
    summary.elapsed_ms = start.elapsed().as_millis() as u64;
    Ok(summary)
}

/// Open the index in `dir` for an update of `corpus`, or make a new one.
/// Returns whether the index starts empty.
fn open_for_update(dir: &Path, corpus: &Path, rebuild: bool) -> Result<(NewsIndex, bool)> {
    if rebuild {
        SeenCache::remove(dir)?;
        if index::exists(dir) {
            // Keep a readable index and clear it in the first commit, so a
            // killed rebuild leaves the old index rather than nothing.
            if let Ok(ix) = NewsIndex::open(dir) {
                return Ok((ix, true));
            }
        }
        return Ok((NewsIndex::create(dir, corpus)?, true));
    }
    if !index::exists(dir) {
        return Ok((NewsIndex::create(dir, corpus)?, true));
    }
    let ix = NewsIndex::open(dir)?;
    match &ix.stamp.corpus {
        Some(root) if Path::new(root) != corpus => bail!(
            "the index at {} was built from {}, not {}; give another --index for this corpus, or re-point this index with `newsidx index {} --index {} --rebuild`",
            dir.display(),
            root,
            corpus.display(),
            corpus.display(),
            dir.display()
        ),
        _ => {}
    }
    let empty = ix.stamp.corpus.is_none() && ix.num_docs()? == 0;
    Ok((ix, empty))
}

/// The writer, made on first need: a run that changes nothing never pays
/// for one (its memory arena and threads).
fn writer_for<'w>(
    writer: &'w mut Option<Writer>,
    ix: &NewsIndex,
    stamp: &Stamp,
) -> Result<&'w mut Writer> {
    if writer.is_none() {
        *writer = Some(Writer::new(ix, stamp.clone())?);
    }
    writer
        .as_mut()
        .context("the index writer could not be made")
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

/// The decider thread: settle what metadata can settle, send the rest to
/// the workers and skips straight to the writer thread.
fn decide_all(
    found_rx: crossbeam_channel::Receiver<Vec<Found>>,
    state: &IndexState,
    seen: &SeenCache,
    cutoff: Option<i64>,
    job_tx: &crossbeam_channel::Sender<Vec<Job>>,
    work_tx: &crossbeam_channel::Sender<Vec<Work>>,
    progress: &ProgressBar,
) -> WalkTally {
    let mut t = WalkTally {
        found: vec![false; state.files.len()],
        ..WalkTally::default()
    };
    let show = !progress.is_hidden();
    let mut jobs: Vec<Job> = Vec::with_capacity(JOB_BATCH);
    for found in found_rx.into_iter().flatten() {
        let rel = match &found {
            Found::File(e) => e.rel.as_str(),
            Found::Skipped(s) => s.path.as_str(),
        };
        let indexed: Option<&FileState> = state.files.get(rel);
        if let Some(slot) = indexed.and_then(|f| t.found.get_mut(f.slot as usize)) {
            *slot = true;
        }
        let sent = match found {
            Found::Skipped(skip) => work_tx
                .send(vec![Work::Skipped {
                    skip,
                    indexed: indexed.is_some(),
                }])
                .is_ok(),
            Found::File(entry) => {
                let cached = seen.files.get(&entry.rel);
                let verdict = state::decide(entry.size, entry.mtime, indexed, cached, cutoff);
                match verdict {
                    Verdict::Unchanged | Verdict::UnchangedSeen => {
                        t.unchanged += 1;
                        if show {
                            progress.inc(1);
                        }
                        if let (Verdict::UnchangedSeen, Some(s)) = (verdict, cached) {
                            t.kept_seen.push((entry.rel, *s));
                        }
                        true
                    }
                    Verdict::Check { .. } | Verdict::New | Verdict::Replace => {
                        t.checked += usize::from(matches!(verdict, Verdict::Check { .. }));
                        jobs.push(Job {
                            entry,
                            verdict,
                            indexed: indexed.map(|f| (f.size, f.mtime)),
                        });
                        jobs.len() < JOB_BATCH
                            || job_tx
                                .send(std::mem::replace(&mut jobs, Vec::with_capacity(JOB_BATCH)))
                                .is_ok()
                    }
                }
            }
        };
        if !sent {
            return t;
        }
    }
    if !jobs.is_empty() {
        let _ = job_tx.send(jobs);
    }
    t
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
fn yield_to_the_writer() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority has no memory effects; on Linux, PRIO_PROCESS
    // with `who` 0 names the calling thread. Failure leaves the priority
    // as it was, which is harmless.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, NICE_WORKERS);
    }
}

/// The parse workers' nice value (see [`yield_to_the_writer`]).
#[cfg(target_os = "linux")]
const NICE_WORKERS: libc::c_int = 5;

/// Files handed to a worker at once.
const JOB_BATCH: usize = 16;

/// A worker's part: read what must be read, and process what changed.
fn work_on(job: Job, opts: &pipeline::Options) -> Work {
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
    let (bytes, replaces) = match verdict {
        Verdict::Check { hash } => match read::read(&entry, opts.max_file_size) {
            Ok(b) if pipeline::content_hash(&b) == hash => {
                let moved = indexed != Some((entry.size, entry.mtime));
                return Work::Same { entry, hash, moved };
            }
            Ok(b) => (b, true),
            Err(reason) => return skip(&entry, reason),
        },
        _ => match read::read(&entry, opts.max_file_size) {
            Ok(b) => (b, verdict == Verdict::Replace),
            Err(reason) => return skip(&entry, reason),
        },
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

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn summary_line_counts_everything() {
        let mut s = Summary {
            indexed: 3,
            added: 2,
            updated: 1,
            removed: 4,
            unchanged: 5,
            ..Summary::default()
        };
        assert_eq!(
            summary_line(&s),
            "indexed 3 articles (0.0 MiB) in 0.0 s: added 2, updated 1, removed 4, unchanged 5"
        );
        s.skipped = 1;
        s.skipped_by_reason.insert("empty".into(), 1);
        assert!(summary_line(&s).ends_with("; skipped 1 (empty 1)"));
    }
}
