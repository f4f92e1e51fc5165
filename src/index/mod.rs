//! The index on disk: creating and opening it, the stamp it carries (format
//! and schema versions, the corpus it was built from), and writing to it.
//! Together with `search`, the only code that uses tantivy.

pub mod schema;
pub mod stats;
pub mod writer;

use crate::model::Model;
use anyhow::{Context, Result, bail};
use schema::Fields;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use tantivy::Index;
use tantivy::directory::MmapDirectory;

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
}

impl Stamp {
    pub fn current(corpus: Option<&Path>) -> Stamp {
        Stamp {
            format_version: FORMAT_VERSION,
            schema_version: Model::get().version,
            corpus: corpus.map(|p| p.display().to_string()),
        }
    }
}

/// An opened newsidx index.
pub struct NewsIndex {
    pub index: Index,
    pub fields: Fields,
    pub stamp: Stamp,
    pub dir: PathBuf,
}

/// Whether `dir` holds an index (of any version).
pub fn exists(dir: &Path) -> bool {
    dir.join("meta.json").is_file()
}

impl NewsIndex {
    /// Open the index in `dir` for reading or writing, refusing one made by an
    /// incompatible version.
    pub fn open(dir: &Path) -> Result<NewsIndex> {
        if !exists(dir) {
            bail!(
                "no index at {}; build one first with `newsidx index CORPUS` (or point to one with --index or NEWSIDX_INDEX)",
                dir.display()
            );
        }
        let mmap = MmapDirectory::open(dir)
            .with_context(|| format!("cannot open index folder {}", dir.display()))?;
        let index = Index::open(mmap)
            .with_context(|| format!("cannot open the index at {}", dir.display()))?;
        let metas = index
            .load_metas()
            .with_context(|| format!("cannot read the index metadata in {}", dir.display()))?;
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
            None => bail!(
                "{} does not hold a newsidx index (no newsidx stamp in its metadata); rebuild it with `newsidx index CORPUS --rebuild`",
                dir.display()
            ),
        }
        let fields = Fields::from_schema(&index.schema())?;
        schema::register_analyzers(&index);
        Ok(NewsIndex {
            index,
            fields,
            stamp: stamp.unwrap_or(want),
            dir: dir.to_path_buf(),
        })
    }

    /// Create a new, empty index in `dir`, replacing any index files there.
    pub fn create(dir: &Path, corpus: &Path) -> Result<NewsIndex> {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create index folder {}", dir.display()))?;
        remove_index_files(dir)?;
        let (schema, fields) = schema::build(Model::get())?;
        let mmap = MmapDirectory::open(dir)
            .with_context(|| format!("cannot open index folder {}", dir.display()))?;
        let index = Index::create(mmap, schema, tantivy::IndexSettings::default())
            .with_context(|| format!("cannot create an index in {}", dir.display()))?;
        schema::register_analyzers(&index);
        Ok(NewsIndex {
            index,
            fields,
            stamp: Stamp::current(Some(corpus)),
            dir: dir.to_path_buf(),
        })
    }
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
        let ours = name == "meta.json"
            || name == ".managed.json"
            || name.ends_with(".lock")
            || is_segment_file(&name);
        if ours {
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
