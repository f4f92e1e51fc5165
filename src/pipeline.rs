//! One file through the whole indexing pipeline: read → decode → parse and
//! normalize → extract → `NewsDoc`s. Used by `index` (on worker threads) and
//! by `parse` (for a single file), so both see exactly the same documents.

use crate::article::budget::{self, Stop};
use crate::article::{self, ParseError, Warning};
use crate::corpus::{Entry, Reason, decode, read, walk};
use crate::document::{FileMeta, NewsDoc};
use crate::extract::{self, dates};
use std::path::{Path, PathBuf};

/// Settings that change what the pipeline does with a file.
#[derive(Clone, Debug)]
pub struct Options {
    pub max_file_size: u64,
    /// How long one file's parse may take (`None`: no limit). See
    /// [`budget`] for the work limits that always apply.
    pub max_file_time: Option<std::time::Duration>,
    /// Run minister and country extraction (off only to measure its cost).
    pub extract: bool,
    /// Compute near-duplicate fingerprints (off only to measure their cost;
    /// an index built without them folds nothing).
    pub fingerprint: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_file_size: read::DEFAULT_MAX_FILE_SIZE,
            max_file_time: Some(std::time::Duration::from_secs(budget::DEFAULT_MAX_SECONDS)),
            extract: true,
            fingerprint: true,
        }
    }
}

/// What the pipeline made of one file: its documents, and the parts of the
/// file that were skipped (a JSON Lines line that is not JSON). Warnings are
/// for the caller to print as `PATH: line N: problem` and count; they do not
/// stop the file's other documents.
#[derive(Clone, Debug)]
pub struct Processed {
    pub docs: Vec<NewsDoc>,
    pub warnings: Vec<Warning>,
}

/// Read and process one file, with its per-part warnings.
pub fn process(entry: &Entry, opts: &Options) -> Result<Processed, Reason> {
    let bytes = read::read(entry, opts.max_file_size)?;
    process_bytes(entry, &bytes, opts)
}

/// Read and process a file named on its own (`newsidx parse FILE`), as if
/// the corpus `root` had been walked to reach it (its id, section and date
/// from its path are then the ones `index` would store).
pub fn process_path(path: &Path, root: &Path, opts: &Options) -> Result<Processed, String> {
    let md = std::fs::metadata(path).map_err(|e| e.to_string())?;
    let full = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    let entry = Entry {
        path: path.to_path_buf(),
        rel: walk::rel_path(root, &full),
        size: md.len(),
        mtime: walk::mtime_nanos(&md),
    };
    process(&entry, opts).map_err(|r| r.to_string())
}

/// The path as `index` sees it: absolute, `.` and `..` resolved.
fn absolute(path: &Path) -> PathBuf {
    path.canonicalize()
        .unwrap_or_else(|_| std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()))
}

/// The corpus root `index` would have walked to reach `path`, so that
/// `parse` gives the id, section and date from the path that `index`
/// stores: `--corpus`; else the corpus of the index (`--index`, else the
/// default) if the file is in it; else the nearest folder above the file
/// that holds a `.newsidx` index; else the file's own folder.
pub fn corpus_root(given: Option<&Path>, index: &Path, path: &Path) -> PathBuf {
    if let Some(root) = given {
        return absolute(root);
    }
    let file = absolute(path);
    let indexed = crate::index::exists(index)
        .then(|| crate::index::NewsIndex::open(index).ok())
        .flatten()
        .and_then(|ix| ix.stamp.corpus)
        .map(|c| absolute(Path::new(&c)))
        .filter(|c| file.starts_with(c));
    if let Some(root) = indexed {
        return root;
    }
    if let Some(root) = file
        .ancestors()
        .skip(1)
        .find(|d| crate::index::exists(&d.join(".newsidx")))
    {
        return root.to_path_buf();
    }
    file.parent().map(Path::to_path_buf).unwrap_or_default()
}

/// Process bytes already read from `entry`, with per-part warnings, within
/// the file's budget: a file over it, or one that makes a parser panic, is
/// skipped with its reason and the caller goes on with the next file.
pub fn process_bytes(entry: &Entry, bytes: &[u8], opts: &Options) -> Result<Processed, Reason> {
    match budget::guarded(opts.max_file_time, || process_unguarded(entry, bytes, opts)) {
        Ok(r) => r,
        Err(Stop::TooComplex(what)) => Err(Reason::TooComplex { what }),
        Err(Stop::TooSlow(limit)) => Err(Reason::TooSlow {
            seconds: limit.as_secs().max(1),
        }),
        Err(Stop::Panicked(error)) => Err(Reason::Crashed { error }),
    }
}

fn process_unguarded(entry: &Entry, bytes: &[u8], opts: &Options) -> Result<Processed, Reason> {
    let decoded = decode::decode(bytes)?;
    let meta = FileMeta {
        rel: entry.rel.clone(),
        size: bytes.len() as u64,
        mtime: entry.mtime,
        hash: content_hash(bytes),
        encoding: decoded.encoding.to_string(),
    };
    let ext = entry
        .path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let out = article::parse(&decoded.text, &ext).map_err(|e| match e {
        ParseError::Empty => Reason::Empty,
        ParseError::Malformed(error) => Reason::Malformed { error },
        ParseError::TooComplex(what) => Reason::TooComplex { what },
    })?;
    let format = out.format;
    let docs = out
        .articles
        .into_iter()
        .map(|mut p| {
            // Every format's title is held to the length plain text's is:
            // a 1 MB `title` field would otherwise print on every hit.
            p.article.title = article::text::clip_title(&p.article.title);
            let extraction = if opts.extract {
                extract::extract(&p.article.title, &p.article.body)
            } else {
                extract::Extraction::default()
            };
            // Metadata beats the text, which beats the path; the text and
            // path are only read when the source had no date of its own.
            let date = match p.article.date {
                Some(_) => None,
                None => dates::find(&p.article.body, &meta.rel),
            };
            let mut doc = NewsDoc::new(&meta, p.line, format, p.article, date, extraction);
            if opts.fingerprint {
                doc.fingerprint = crate::fingerprint::Signature::of(&doc.body);
            }
            doc
        })
        .collect();
    Ok(Processed {
        docs,
        warnings: out.warnings,
    })
}

/// The content hash that incremental indexing compares.
pub fn content_hash(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}
