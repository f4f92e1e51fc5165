//! `newsidx index CORPUS`: walk → read/decode → normalize → extract on worker
//! threads, feeding one tantivy writer through bounded queues, so memory stays
//! fixed whatever the corpus size.

use crate::cli::{IndexArgs, SummaryFormat};
use crate::corpus::walk::{self, Found, WalkOptions};
use crate::corpus::{Entry, Skip};
use crate::document::NewsDoc;
use crate::exit::Outcome;
use crate::index::writer::Writer;
use crate::index::{NewsIndex, Stamp};
use crate::pipeline;
use crate::render::sanitize;
use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Version of the index summary JSON (`schema/index-summary.schema.json`).
pub const SUMMARY_VERSION: u32 = 1;

/// What an index run did.
#[derive(Debug, Default, Serialize)]
pub struct Summary {
    pub version: u32,
    pub corpus: String,
    pub index: String,
    /// Documents written (new and updated).
    pub indexed: usize,
    pub added: usize,
    pub updated: usize,
    pub removed: usize,
    pub unchanged: usize,
    /// Bytes of the files read.
    pub bytes: u64,
    pub skipped: usize,
    pub skipped_by_reason: BTreeMap<String, usize>,
    pub skips: Vec<Skip>,
    pub elapsed_ms: u64,
}

pub fn run(a: IndexArgs) -> Result<Outcome> {
    let index_dir = a.location.resolve();
    let corpus = a
        .corpus
        .canonicalize()
        .with_context(|| format!("cannot open corpus folder {}", a.corpus.display()))?;
    anyhow::ensure!(
        corpus.is_dir(),
        "{} is not a folder; give the folder that holds the articles",
        a.corpus.display()
    );
    let opts = pipeline::Options {
        max_file_size: a.max_file_size,
        extract: !a.no_extract,
    };
    let show_progress = !a.no_progress && std::io::stderr().is_terminal();
    let summary = index_corpus(&corpus, &index_dir, &opts, a.follow_links, show_progress)?;

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

/// `indexed 2225 articles (4.8 MiB) in 2.9 s; skipped 1 (not-article 1)`.
pub fn summary_line(s: &Summary) -> String {
    let mut line = format!(
        "indexed {} article{} ({:.1} MiB) in {:.1} s",
        s.indexed,
        if s.indexed == 1 { "" } else { "s" },
        s.bytes as f64 / (1024.0 * 1024.0),
        s.elapsed_ms as f64 / 1000.0
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

enum Work {
    Docs(Entry, Vec<NewsDoc>),
    Skipped(Skip),
}

/// Index `corpus` into `index_dir`, from scratch.
pub fn index_corpus(
    corpus: &Path,
    index_dir: &Path,
    opts: &pipeline::Options,
    follow_links: bool,
    show_progress: bool,
) -> Result<Summary> {
    let start = Instant::now();
    let ix = NewsIndex::create(index_dir, corpus)?;
    let mut writer = Writer::new(&ix, Stamp::current(Some(corpus)))?;
    writer.delete_all()?;

    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .max(1);
    let (entry_tx, entry_rx) = crossbeam_channel::bounded::<Found>(256);
    let (work_tx, work_rx) = crossbeam_channel::bounded::<Work>(256);
    let walk_opts = WalkOptions {
        follow_links,
        exclude: vec![PathBuf::from(index_dir)],
    };

    let progress = if show_progress {
        let pb = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        pb.set_style(
            ProgressStyle::with_template(
                "{spinner} {pos} files {bytes_per_sec} {elapsed} {wide_msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        pb.enable_steady_tick(Duration::from_millis(120));
        pb
    } else {
        ProgressBar::hidden()
    };

    let mut summary = Summary {
        version: SUMMARY_VERSION,
        corpus: corpus.display().to_string(),
        index: index_dir.display().to_string(),
        ..Summary::default()
    };

    std::thread::scope(|s| -> Result<()> {
        let root = corpus.to_path_buf();
        s.spawn(move || {
            for found in walk::walk(&root, &walk_opts) {
                if entry_tx.send(found).is_err() {
                    break;
                }
            }
        });
        for _ in 0..workers {
            let rx = entry_rx.clone();
            let tx = work_tx.clone();
            s.spawn(move || {
                for found in rx {
                    let w = match found {
                        Found::Skipped(skip) => Work::Skipped(skip),
                        Found::File(entry) => match pipeline::process(&entry, opts) {
                            Ok(docs) => Work::Docs(entry, docs),
                            Err(reason) => Work::Skipped(Skip {
                                path: entry.rel.clone(),
                                reason,
                            }),
                        },
                    };
                    if tx.send(w).is_err() {
                        break;
                    }
                }
            });
        }
        drop(entry_rx);
        drop(work_tx);

        for w in work_rx {
            match w {
                Work::Docs(entry, docs) => {
                    summary.bytes += entry.size;
                    progress.inc(1);
                    for d in &docs {
                        writer.add(d)?;
                    }
                    summary.indexed += docs.len();
                    summary.added += docs.len();
                }
                Work::Skipped(skip) => {
                    progress.inc(1);
                    if skip.reason.is_problem() {
                        progress.suspend(|| {
                            eprintln!("newsidx: {}: {}", sanitize(&skip.path, false), skip.reason)
                        });
                    }
                    *summary
                        .skipped_by_reason
                        .entry(skip.reason.key().to_string())
                        .or_default() += 1;
                    summary.skipped += 1;
                    summary.skips.push(skip);
                }
            }
        }
        Ok(())
    })?;

    writer.commit()?;
    writer.finish()?;
    progress.finish_and_clear();
    summary.elapsed_ms = start.elapsed().as_millis() as u64;
    Ok(summary)
}

/// Bring the index of `corpus` in `index_dir` up to date before a search
/// (`newsidx search --corpus DIR`), quietly: problems with single files are
/// reported on stderr, as `index` does, but no summary is printed.
pub fn refresh_for_search(corpus: &Path, index_dir: &Path) -> Result<()> {
    let corpus = corpus
        .canonicalize()
        .with_context(|| format!("cannot open corpus folder {}", corpus.display()))?;
    index_corpus(&corpus, index_dir, &pipeline::Options::default(), false, false)?;
    Ok(())
}
