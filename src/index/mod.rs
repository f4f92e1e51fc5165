//! The index on disk: creating and opening it, the stamp it carries (format
//! and schema versions, the corpus it was built from), its write lock, its
//! incremental state, and writing to it. Together with `search`, the only
//! code that uses tantivy.
//!
//! An index folder holds tantivy's files, `newsidx.lock` ([`lock`]) and
//! `newsidx-seen.json` ([`state`]); nothing else is ever written there, and a
//! folder holding anything else is never used as an index.

pub mod lock;
pub mod mapped;
pub mod schema;
pub mod state;
pub mod stats;
pub mod stem_cache;
pub mod terms;
pub mod words;
pub mod writer;

use crate::model::Model;
use anyhow::{Context, Result, bail};
use mapped::MappedDir;
use schema::Fields;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use tantivy::directory::MmapDirectory;
use tantivy::directory::error::OpenReadError;
use tantivy::{Index, IndexReader, ReloadPolicy};

/// Version of the on-disk layout beyond the field model (commit payload,
/// analyzers). Bump when an index written by an older build would be read
/// wrongly.
pub const FORMAT_VERSION: u32 = 1;

/// What every commit records about the index, as its payload.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    pub format_version: u32,
    pub schema_version: u32,
    /// Absolute path of the corpus root the index was built from.
    pub corpus: Option<String>,
    /// Every indexed file with an mtime older than this (ns since the epoch)
    /// was read after its last change, so its size and mtime can be trusted
    /// (see `state`). Absent: trust none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified_before: Option<i64>,
    /// Where the index folder is inside the corpus (`.newsidx`), when it is:
    /// then the corpus is wherever the index is now, so the index stays
    /// valid when the corpus folder is moved or renamed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index_in_corpus: Option<String>,
}

impl Stamp {
    pub fn current(corpus: Option<&Path>) -> Stamp {
        Stamp {
            format_version: FORMAT_VERSION,
            schema_version: Model::get().version,
            corpus: corpus.map(|p| p.display().to_string()),
            verified_before: None,
            index_in_corpus: None,
        }
    }

    /// This stamp for an index kept in `dir`: records where `dir` is in the
    /// corpus, if it is inside it.
    pub fn placed(mut self, dir: &Path) -> Stamp {
        self.index_in_corpus = self.corpus.as_deref().and_then(|c| {
            let (c, d) = (Path::new(c).canonicalize().ok()?, dir.canonicalize().ok()?);
            let rel = d.strip_prefix(&c).ok()?;
            let rel = rel.to_str()?;
            (!rel.is_empty()).then(|| rel.to_string())
        });
        self
    }

    /// The corpus root as it is now. An index inside its corpus finds the
    /// corpus from where the index is now (the folder may have been moved or
    /// renamed since the stamp was written); any other index has the path
    /// the stamp recorded.
    fn corpus_from(&self, dir: &Path) -> Option<String> {
        let recorded = self.corpus.clone();
        let Some(rel) = self.index_in_corpus.as_deref() else {
            return recorded;
        };
        let here = dir.canonicalize().ok()?;
        let mut root = here.as_path();
        for _ in Path::new(rel).components() {
            root = root.parent()?;
        }
        if here.strip_prefix(root).ok() != Some(Path::new(rel)) {
            return recorded;
        }
        Some(root.display().to_string())
    }
}

/// An opened newsidx index.
pub struct NewsIndex {
    pub index: Index,
    pub fields: Fields,
    pub stamp: Stamp,
    pub dir: PathBuf,
}

/// Bytes of stored documents compressed together. A search decompresses a
/// whole block for each hit it shows, so blocks of a few articles rather
/// than tantivy's default 16 KiB (about twenty) keep that cost low.
pub const DOCSTORE_BLOCK_BYTES: usize = 4096;

/// Decompressed document-store blocks a long-lived reader keeps (`serve`;
/// tantivy's default).
const DOCSTORE_CACHE_BLOCKS: usize = 100;

/// Whether `dir` holds an index (of any version).
pub fn exists(dir: &Path) -> bool {
    dir.join("meta.json").is_file()
}

/// Fail with how to make one unless `dir` holds an index.
fn must_exist(dir: &Path) -> Result<()> {
    if !exists(dir) {
        bail!(
            "no index at {}; build one first with `newsidx index CORPUS` (or point to one with --index or NEWSIDX_INDEX)",
            dir.display()
        );
    }
    Ok(())
}

impl NewsIndex {
    /// Open the index in `dir` for reading or writing, refusing one made by an
    /// incompatible version.
    pub fn open(dir: &Path) -> Result<NewsIndex> {
        must_exist(dir)?;
        let mmap = MmapDirectory::open(dir)
            .with_context(|| format!("cannot open index folder {}", dir.display()))?;
        Self::open_in(dir, Box::new(mmap))
    }

    /// [`NewsIndex::open`] for an indexing run, through `maps`, whose pages
    /// the run hands back as it goes.
    pub fn open_mapped(dir: &Path, maps: &MappedDir) -> Result<NewsIndex> {
        Self::open_in(dir, Box::new(maps.clone()))
    }

    fn open_in(dir: &Path, directory: Box<dyn tantivy::Directory>) -> Result<NewsIndex> {
        must_exist(dir)?;
        let index = Index::open(directory).with_context(|| {
            format!(
                "cannot open the index at {}; if it was made by another version of newsidx, rebuild it with `newsidx index CORPUS --rebuild`",
                dir.display()
            )
        })?;
        let metas = read_commit(dir)?;
        let stamp: Option<Stamp> = metas
            .payload
            .as_deref()
            .and_then(|p| serde_json::from_str(p).ok());
        let want = Stamp::current(None);
        match &stamp {
            Some(s)
                if s.format_version == want.format_version
                    && s.schema_version == want.schema_version => {}
            Some(s) => bail!(
                "the index at {} was built by another version of newsidx (format {}, schema {}; this build reads format {}, schema {}); rebuild it with `newsidx index CORPUS --rebuild`",
                dir.display(),
                s.format_version,
                s.schema_version,
                want.format_version,
                want.schema_version
            ),
            // A run killed between creating the index and its first commit
            // leaves exactly this: an empty index, usable as such.
            None if metas.segments.is_empty() => {}
            None => bail!(
                "{} does not hold a newsidx index (no newsidx stamp in its metadata); rebuild it with `newsidx index CORPUS --rebuild`",
                dir.display()
            ),
        }
        let (want_schema, _) = schema::build(Model::get())?;
        if index.schema() != want_schema {
            bail!(
                "the index at {} has other fields than this build of newsidx defines (schema {}); rebuild it with `newsidx index CORPUS --rebuild`",
                dir.display(),
                want.schema_version
            );
        }
        let fields = Fields::from_schema(&index.schema())?;
        schema::register_analyzers(&index);
        let mut stamp = stamp.unwrap_or(want);
        stamp.corpus = stamp.corpus_from(dir);
        Ok(NewsIndex {
            index,
            fields,
            stamp,
            dir: dir.to_path_buf(),
        })
    }

    /// Create a new, empty index in `dir`, replacing any index files there
    /// (but not the lock, which the caller holds).
    pub fn create(dir: &Path, corpus: &Path) -> Result<NewsIndex> {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create index folder {}", dir.display()))?;
        let maps = MappedDir::open(dir)
            .with_context(|| format!("cannot open index folder {}", dir.display()))?;
        Self::create_mapped(dir, corpus, &maps)
    }

    /// [`NewsIndex::create`] for an indexing run, through `maps`.
    pub fn create_mapped(dir: &Path, corpus: &Path, maps: &MappedDir) -> Result<NewsIndex> {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create index folder {}", dir.display()))?;
        check_index_dir(dir)?;
        remove_index_files(dir)?;
        let (schema, fields) = schema::build(Model::get())?;
        let settings = tantivy::IndexSettings {
            docstore_blocksize: DOCSTORE_BLOCK_BYTES,
            ..tantivy::IndexSettings::default()
        };
        let index = Index::create(maps.clone(), schema, settings)
            .with_context(|| format!("cannot create an index in {}", dir.display()))?;
        schema::register_analyzers(&index);
        Ok(NewsIndex {
            index,
            fields,
            stamp: Stamp::current(Some(corpus)),
            dir: dir.to_path_buf(),
        })
    }

    /// A reader of the last commit that never reloads by itself (no watcher
    /// thread): one-shot commands want one consistent view. It keeps no
    /// decompressed blocks of the document store: a command reads each
    /// stored document about once, and each kept block was fresh heap
    /// memory, pages the kernel had to fault in.
    pub fn reader(&self) -> Result<IndexReader> {
        self.open_reader(ReloadPolicy::Manual, 0)
    }

    /// A reader with `policy`. Another process's commit may delete the
    /// files of the commit this reader just read `meta.json` from (tantivy
    /// keeps files alive only for readers in its own process): on a missing
    /// file, read the newer commit instead, a few times.
    pub fn reader_with(&self, policy: ReloadPolicy) -> Result<IndexReader> {
        self.open_reader(policy, DOCSTORE_CACHE_BLOCKS)
    }

    fn open_reader(&self, policy: ReloadPolicy, cache_blocks: usize) -> Result<IndexReader> {
        let mut tries = 0u32;
        loop {
            let builder = self.index.reader_builder();
            match builder
                .reload_policy(policy)
                .doc_store_cache_num_blocks(cache_blocks)
                .try_into()
            {
                Ok(r) => return Ok(r),
                Err(tantivy::TantivyError::OpenReadError(OpenReadError::FileDoesNotExist(_)))
                    if tries < READER_TRIES =>
                {
                    tries += 1;
                    std::thread::sleep(std::time::Duration::from_millis(5 << tries));
                }
                Err(e) => {
                    return Err(e).with_context(|| {
                        format!(
                            "cannot open a reader of the index at {}",
                            self.dir.display()
                        )
                    });
                }
            }
        }
    }

    /// Number of live documents at the last commit.
    pub fn num_docs(&self) -> Result<u64> {
        Ok(self.reader()?.searcher().num_docs())
    }

    /// The ids of all live documents (duplicates kept, so tests can look for
    /// them).
    pub fn ids(&self) -> Result<Vec<String>> {
        state::ids(&self.reader()?.searcher())
    }
}

/// How often [`NewsIndex::reader_with`] reads a newer commit when another
/// process removed the files of the one it read (waits 10, 20, … 320 ms).
const READER_TRIES: u32 = 6;

/// What `open` needs of the last commit's `meta.json`.
#[derive(Deserialize)]
struct Commit {
    #[serde(default)]
    segments: Vec<serde::de::IgnoredAny>,
    #[serde(default)]
    payload: Option<String>,
}

/// The last commit's segment count and payload. tantivy parses `meta.json`
/// (schema included) when opening the index and again for each reader; this
/// reads only the two keys `open` needs, skipping the rest without building
/// it, instead of a third full parse.
fn read_commit(dir: &Path) -> Result<Commit> {
    let path = dir.join("meta.json");
    let text = std::fs::read(&path)
        .with_context(|| format!("cannot read the index metadata {}", path.display()))?;
    serde_json::from_slice(&text).with_context(|| {
        format!(
            "the index metadata {} is damaged; rebuild the index with `newsidx index CORPUS --rebuild`",
            path.display()
        )
    })
}

/// Refuse to use `dir` as an index folder if it holds anything that is not
/// an index's: a folder given by mistake must never be written to or wiped.
/// A missing or empty folder is fine.
pub fn check_index_dir(dir: &Path) -> Result<()> {
    if exists(dir) {
        return Ok(());
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => {
            bail!(
                "{} is a file, not an index folder; give a new or empty folder with --index",
                dir.display()
            )
        }
        Err(e) => {
            return Err(anyhow::Error::new(e).context(format!("cannot list {}", dir.display())));
        }
    };
    for e in entries {
        let e = e.with_context(|| format!("cannot list {}", dir.display()))?;
        let name = e.file_name();
        if !is_index_file(&name.to_string_lossy()) {
            bail!(
                "{} is not empty and does not hold a newsidx index (it has {:?}); refusing to write an index into it: give a new or empty folder with --index",
                dir.display(),
                name
            );
        }
    }
    Ok(())
}

/// Names that tantivy or newsidx put in an index folder.
fn is_index_file(name: &str) -> bool {
    name == "meta.json"
        || name == ".managed.json"
        || name.starts_with(".tantivy-")
        || name.starts_with(".tmp")
        || name == lock::LOCK_FILE
        || name.starts_with(state::SEEN_FILE)
        || is_segment_file(name)
}

/// Remove what tantivy and newsidx keep in an index folder, and nothing else
/// (the folder may be a user's directory given by mistake).
fn remove_index_files(dir: &Path) -> Result<()> {
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))?;
    for e in entries {
        let e = e.with_context(|| format!("cannot list {}", dir.display()))?;
        let name = e.file_name();
        let name = name.to_string_lossy();
        // The lock stays: the caller holds it, and another process that
        // found it gone would lock a new file and write beside us.
        // tantivy's own lock files are harmless and may be held by a reader.
        if is_index_file(&name) && name != lock::LOCK_FILE && !name.starts_with(".tantivy-") {
            std::fs::remove_file(e.path())
                .with_context(|| format!("cannot remove {}", e.path().display()))?;
        }
    }
    Ok(())
}

/// tantivy segment files: 32 hex digits, a dot, an extension.
fn is_segment_file(name: &str) -> bool {
    let (stem, _) = name.split_once('.').unwrap_or((name, ""));
    stem.len() == 32 && stem.bytes().all(|b| b.is_ascii_hexdigit())
}
