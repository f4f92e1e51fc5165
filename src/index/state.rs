//! The incremental state: what the index holds about each file, and the
//! decision, per file the walker finds, whether it must be read again.
//!
//! The state is the index's own fast columns (`file`, `size`, `mtime`,
//! `hash`) as of the last commit, so it can never disagree with what a search
//! sees, even after a crash. One small side file, `newsidx-seen.json`, is only
//! a cache: it remembers files whose size or mtime changed but whose content
//! did not (a `touch`, a copy without `-p`), so they are not re-read on every
//! run. Every claim it makes is checked against the index's hash before use,
//! so a stale or lost cache costs reading time, never a wrong answer.
//!
//! Size and mtime are trusted only for files whose mtime is older than a
//! cutoff ("verified before"), as git does for its racy entries: a file
//! changed again within the same timestamp tick as it was read would otherwise
//! look unchanged forever.

use super::NewsIndex;
use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use tantivy::Searcher;

/// The cache file's name inside the index folder.
pub const SEEN_FILE: &str = "newsidx-seen.json";

/// How far before a run's start a file's mtime must be for its size and mtime
/// to be trusted by later runs: covers filesystems with whole-second (and
/// FAT's two-second) timestamps.
pub const RACY_SLACK_NS: i64 = 2_000_000_000;

/// What the index holds about one file (all its documents: one for most
/// formats, one per record for JSON Lines).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileState {
    pub size: u64,
    pub mtime: i64,
    pub hash: u64,
    pub docs: u32,
    /// False if the file's documents disagree about size, mtime or hash,
    /// which a correct run never leaves; such a file is simply re-indexed.
    pub consistent: bool,
    /// Position in the order files were first read (0..files.len()), so a
    /// run can mark files it met in a plain `Vec<bool>`.
    pub slot: u32,
}

/// The index's files as of the last commit.
#[derive(Debug, Default)]
pub struct IndexState {
    pub files: HashMap<String, FileState, FastHash>,
    /// Live documents in the index.
    pub documents: u64,
}

/// An index's last commit as an update run reads it: its document count,
/// then (on the decider's thread) its state.
pub struct Snapshot(Searcher);

impl Snapshot {
    /// The last commit of `ix`.
    pub fn of(ix: &NewsIndex) -> Result<Snapshot> {
        Ok(Snapshot(ix.reader()?.searcher()))
    }

    /// Live documents.
    pub fn num_docs(&self) -> u64 {
        self.0.num_docs()
    }

    /// What the commit holds about each file (see [`read`]).
    pub fn read_state(&self) -> Result<IndexState> {
        read(&self.0)
    }
}

/// Read the state from the fast columns of every live document.
pub fn read(searcher: &Searcher) -> Result<IndexState> {
    let mut state = IndexState::default();
    state
        .files
        .reserve(usize::try_from(searcher.num_docs()).unwrap_or(0));
    for seg in searcher.segment_readers() {
        if seg.num_docs() == 0 {
            continue;
        }
        let ff = seg.fast_fields();
        let col = |e: tantivy::TantivyError| {
            anyhow::Error::new(e).context(
                "cannot read the index's file columns; rebuild it with `newsidx index CORPUS --rebuild`",
            )
        };
        let Some(file) = ff.str("file").map_err(col)? else {
            bail!(
                "the index has documents without a file column; rebuild it with `newsidx index CORPUS --rebuild`"
            );
        };
        let size = ff.u64("size").map_err(col)?;
        let mtime = ff.i64("mtime").map_err(col)?;
        let hash = ff.u64("hash").map_err(col)?;
        // The dictionary streams in ordinal order, so a Vec maps ord → name
        // and each name is decoded once per segment, not once per document.
        let mut names = Vec::with_capacity(file.dictionary().num_terms());
        let mut terms = file
            .dictionary()
            .stream()
            .context("cannot read the index's file names")?;
        while terms.advance() {
            names.push(String::from_utf8_lossy(terms.key()).into_owned());
        }
        for doc in seg.doc_ids_alive() {
            state.documents += 1;
            let name = file
                .ords()
                .first(doc)
                .and_then(|ord| usize::try_from(ord).ok())
                .and_then(|ord| names.get(ord));
            let Some(name) = name else {
                bail!(
                    "the index has a document without a file name; rebuild it with `newsidx index CORPUS --rebuild`"
                );
            };
            let this = FileState {
                size: size.first(doc).unwrap_or(0),
                mtime: mtime.first(doc).unwrap_or(0),
                hash: hash.first(doc).unwrap_or(0),
                docs: 1,
                consistent: true,
                slot: u32::try_from(state.files.len()).unwrap_or(u32::MAX),
            };
            match state.files.get_mut(name.as_str()) {
                Some(prev) => {
                    prev.docs += 1;
                    prev.consistent &=
                        (prev.size, prev.mtime, prev.hash) == (this.size, this.mtime, this.hash);
                }
                None => {
                    state.files.insert(name.clone(), this);
                }
            }
        }
    }
    Ok(state)
}

/// The hasher of the state's map: file names are the user's own, so the
/// DoS resistance of std's SipHash buys nothing, and on the no-change path,
/// where a run does little else than stat files and look them up, hashing
/// showed in profiles. rustc's Fx hash.
pub type FastHash = rustc_hash::FxBuildHasher;

/// The ids of all live documents, in no particular order (duplicates kept,
/// so a caller can check there are none).
pub fn ids(searcher: &Searcher) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for seg in searcher.segment_readers() {
        let Some(col) = seg
            .fast_fields()
            .str("id")
            .context("cannot read the index's id column")?
        else {
            continue;
        };
        let mut buf = String::new();
        for doc in seg.doc_ids_alive() {
            for ord in col.ords().values_for_doc(doc) {
                if col.ord_to_str(ord, &mut buf).context("cannot read an id")? {
                    out.push(buf.clone());
                }
            }
        }
    }
    Ok(out)
}

/// A file's size and mtime at which its content was found to have the given
/// hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seen {
    pub size: u64,
    pub mtime: i64,
    pub hash: u64,
}

/// The side cache of `newsidx-seen.json`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeenCache {
    /// The corpus root the claims are about.
    pub corpus: String,
    /// Every file of the index with an mtime older than this (ns) was read
    /// after its last change; see [`RACY_SLACK_NS`].
    pub verified_before: Option<i64>,
    pub files: BTreeMap<String, Seen>,
}

impl SeenCache {
    /// The cache in `index_dir` if it is about `corpus`; an empty one if it
    /// is missing, unreadable or about another corpus (it is only a cache).
    pub fn load(index_dir: &Path, corpus: &str) -> SeenCache {
        std::fs::read(index_dir.join(SEEN_FILE))
            .ok()
            .and_then(|b| serde_json::from_slice::<SeenCache>(&b).ok())
            .filter(|c| c.corpus == corpus)
            .unwrap_or_else(|| SeenCache {
                corpus: corpus.to_string(),
                ..SeenCache::default()
            })
    }

    /// Replace the cache file atomically (write aside, then rename).
    pub fn save(&self, index_dir: &Path) -> Result<()> {
        let path = index_dir.join(SEEN_FILE);
        let tmp = index_dir.join(format!("{SEEN_FILE}.tmp"));
        let bytes = serde_json::to_vec(self)?;
        std::fs::write(&tmp, bytes).with_context(|| format!("cannot write {}", tmp.display()))?;
        std::fs::rename(&tmp, &path)
            .with_context(|| format!("cannot replace {}", path.display()))?;
        Ok(())
    }

    /// Remove the cache file (for `--rebuild`).
    pub fn remove(index_dir: &Path) -> Result<()> {
        let path = index_dir.join(SEEN_FILE);
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(anyhow::Error::new(e).context(format!("cannot remove {}", path.display())))
            }
            _ => Ok(()),
        }
    }
}

/// What to do with a file the walker found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Not in the index: read and add.
    New,
    /// Trusted as indexed, by size and mtime: do not open it.
    Unchanged,
    /// Trusted by the cache: do not open it, and keep the cache entry.
    UnchangedSeen,
    /// Size or mtime cannot be trusted: read it; if its hash is still
    /// `hash`, it is unchanged, otherwise re-index it.
    Check { hash: u64 },
    /// In the index but inconsistent there: read and replace.
    Replace,
}

/// Decide from the walker's size and mtime alone. `cutoff` is the
/// "verified before" time: only mtimes older than it are trusted.
pub fn decide(
    size: u64,
    mtime: i64,
    indexed: Option<&FileState>,
    seen: Option<&Seen>,
    cutoff: Option<i64>,
) -> Verdict {
    let Some(ix) = indexed else {
        return Verdict::New;
    };
    if !ix.consistent {
        return Verdict::Replace;
    }
    let trusted = cutoff.is_some_and(|c| mtime < c);
    if trusted && (size, mtime) == (ix.size, ix.mtime) {
        return Verdict::Unchanged;
    }
    if trusted
        && seen.is_some_and(|s| {
            *s == Seen {
                size,
                mtime,
                hash: ix.hash,
            }
        })
    {
        return Verdict::UnchangedSeen;
    }
    Verdict::Check { hash: ix.hash }
}

/// The later of two cutoffs: each is a true statement on its own, so the
/// stronger one holds.
pub fn later(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

/// The cutoff a run that started at `start_ns` may claim once it completes.
pub fn cutoff_for_run(start_ns: i64) -> i64 {
    start_ns.saturating_sub(RACY_SLACK_NS)
}

/// Now, in nanoseconds since the Unix epoch (0 if the clock is before it).
pub fn now_ns() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const IX: FileState = FileState {
        size: 100,
        mtime: 1_000,
        hash: 7,
        docs: 1,
        consistent: true,
        slot: 0,
    };

    #[test]
    fn verdicts() {
        let broken = FileState {
            consistent: false,
            ..IX
        };
        let seen_ok = Seen {
            size: 120,
            mtime: 1_500,
            hash: 7,
        };
        let seen_old_hash = Seen { hash: 8, ..seen_ok };
        // size, mtime, indexed, cached, cutoff → verdict
        type Row<'a> = (
            u64,
            i64,
            Option<&'a FileState>,
            Option<&'a Seen>,
            Option<i64>,
            Verdict,
        );
        #[rustfmt::skip]
        let table: &[Row] = &[
            // not indexed
            (100, 1_000, None, None, Some(5_000), Verdict::New),
            // same size and mtime, old enough to trust
            (100, 1_000, Some(&IX), None, Some(5_000), Verdict::Unchanged),
            // same size and mtime but racy (mtime not before the cutoff), or no cutoff at all
            (100, 1_000, Some(&IX), None, Some(1_000), Verdict::Check { hash: 7 }),
            (100, 1_000, Some(&IX), None, None, Verdict::Check { hash: 7 }),
            // mtime changed: read and compare hashes
            (100, 2_000, Some(&IX), None, Some(5_000), Verdict::Check { hash: 7 }),
            // size changed
            (101, 1_000, Some(&IX), None, Some(5_000), Verdict::Check { hash: 7 }),
            // the cache vouches for the new size and mtime with the indexed hash
            (120, 1_500, Some(&IX), Some(&seen_ok), Some(5_000), Verdict::UnchangedSeen),
            // ... but not when racy
            (120, 1_500, Some(&IX), Some(&seen_ok), Some(1_500), Verdict::Check { hash: 7 }),
            // ... nor for another hash than the index holds
            (120, 1_500, Some(&IX), Some(&seen_old_hash), Some(5_000), Verdict::Check { hash: 7 }),
            // ... nor for another size or mtime
            (120, 1_501, Some(&IX), Some(&seen_ok), Some(5_000), Verdict::Check { hash: 7 }),
            // inconsistent documents are replaced whatever the metadata says
            (100, 1_000, Some(&broken), None, Some(5_000), Verdict::Replace),
        ];
        for (i, (size, mtime, ix, seen, cutoff, want)) in table.iter().enumerate() {
            assert_eq!(decide(*size, *mtime, *ix, *seen, *cutoff), *want, "row {i}");
        }
    }

    #[test]
    fn fast_hash_tells_names_apart() {
        use std::hash::BuildHasher;
        let h = |s: &str| FastHash::default().hash_one(s);
        assert_eq!(h("s00/a0001.txt"), h("s00/a0001.txt"));
        let names = [
            "",
            "a",
            "b",
            "ab",
            "a/b.txt",
            "a/b.txu",
            "s00/a0001.txt",
            "s00/a0002.txt",
        ];
        let distinct: std::collections::HashSet<u64> = names.iter().map(|n| h(n)).collect();
        assert_eq!(distinct.len(), names.len());
    }

    #[test]
    fn later_cutoff_wins() {
        assert_eq!(later(None, None), None);
        assert_eq!(later(Some(3), None), Some(3));
        assert_eq!(later(None, Some(4)), Some(4));
        assert_eq!(later(Some(3), Some(4)), Some(4));
    }

    #[test]
    fn seen_cache_round_trips_and_ignores_other_corpora() {
        let dir = tempfile::tempdir().unwrap();
        let mut c = SeenCache::load(dir.path(), "/a");
        assert_eq!(c.files.len(), 0);
        c.verified_before = Some(42);
        c.files.insert(
            "x.txt".into(),
            Seen {
                size: 1,
                mtime: 2,
                hash: 3,
            },
        );
        c.save(dir.path()).unwrap();
        assert_eq!(SeenCache::load(dir.path(), "/a"), c);
        assert_eq!(SeenCache::load(dir.path(), "/b").files.len(), 0);
        std::fs::write(dir.path().join(SEEN_FILE), "not json").unwrap();
        assert_eq!(SeenCache::load(dir.path(), "/a").verified_before, None);
        SeenCache::remove(dir.path()).unwrap();
        SeenCache::remove(dir.path()).unwrap();
    }
}
