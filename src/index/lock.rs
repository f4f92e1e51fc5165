//! The index folder's write lock: at most one `newsidx index` per index at a
//! time. It is an OS advisory lock on `newsidx.lock`, taken without waiting
//! before anything else is read or written, so a second run fails at once
//! instead of queueing behind a long one; the OS releases it when its holder
//! dies, even by `kill -9`, so a crash never leaves a stale lock behind.
//! Searches take no lock: they read the last commit.

use anyhow::{Context, Result};
use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

/// The lock file's name inside the index folder.
pub const LOCK_FILE: &str = "newsidx.lock";

/// What a run says when another one holds the index.
pub const LOCKED: &str = "index is locked by another newsidx process; try again later";

/// The index is being written by another process. A type of its own so that
/// `search --corpus` can tell it apart and search the last commit instead.
#[derive(Debug, thiserror::Error)]
#[error("{}: {LOCKED}", .dir.display())]
pub struct Locked {
    pub dir: PathBuf,
}

/// Held for the whole of a run; dropping it releases the lock.
#[derive(Debug)]
pub struct IndexLock {
    _file: File,
}

impl IndexLock {
    /// Take the lock of the index folder `dir` (which must exist), or fail
    /// with [`Locked`] if another process holds it.
    pub fn acquire(dir: &Path) -> Result<IndexLock> {
        let path = dir.join(LOCK_FILE);
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .with_context(|| format!("cannot open the index lock file {}", path.display()))?;
        match file.try_lock() {
            Ok(()) => Ok(IndexLock { _file: file }),
            Err(TryLockError::WouldBlock) => Err(Locked {
                dir: dir.to_path_buf(),
            }
            .into()),
            Err(TryLockError::Error(e)) => Err(anyhow::Error::new(e).context(format!(
                "cannot lock the index lock file {}",
                path.display()
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_lock_fails_until_the_first_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let first = IndexLock::acquire(dir.path()).unwrap();
        let err = IndexLock::acquire(dir.path()).unwrap_err();
        assert!(err.downcast_ref::<Locked>().is_some());
        assert!(err.to_string().contains(LOCKED), "{err}");
        drop(first);
        IndexLock::acquire(dir.path()).unwrap();
    }
}
