//! One file through the whole indexing pipeline: read → decode → parse and
//! normalize → extract → `NewsDoc`s. Used by `index` (on worker threads) and
//! by `parse` (for a single file), so both see exactly the same documents.

use crate::article::{self, ParseError, Warning};
use crate::corpus::{Entry, Reason, decode, read, walk};
use crate::document::{FileMeta, NewsDoc};
use crate::extract::{self, dates};
use std::path::Path;

/// Settings that change what the pipeline does with a file.
#[derive(Clone, Debug)]
pub struct Options {
    pub max_file_size: u64,
    /// Run minister and country extraction (off only to measure its cost).
    pub extract: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_file_size: read::DEFAULT_MAX_FILE_SIZE,
            extract: true,
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
/// its folder were the corpus root: its id is its file name.
pub fn process_path(path: &Path, opts: &Options) -> Result<Processed, String> {
    let md = std::fs::metadata(path).map_err(|e| e.to_string())?;
    let parent = path.parent().unwrap_or(Path::new(""));
    let entry = Entry {
        path: path.to_path_buf(),
        rel: walk::rel_path(parent, path),
        size: md.len(),
        mtime: walk::mtime_nanos(&md),
    };
    process(&entry, opts).map_err(|r| r.to_string())
}

/// Process bytes already read from `entry`, with per-part warnings.
pub fn process_bytes(entry: &Entry, bytes: &[u8], opts: &Options) -> Result<Processed, Reason> {
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
    })?;
    let format = out.format;
    let docs = out
        .articles
        .into_iter()
        .map(|p| {
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
            NewsDoc::new(&meta, p.line, format, p.article, date, extraction)
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
