//! The index folder as a tantivy [`Directory`] whose memory maps an
//! indexing run can hand back to the kernel.
//!
//! tantivy reads segments through memory maps, and every page a merge has
//! read stays in the process's resident set until the map goes: a merge of
//! 1 GiB of segments would show as 1 GiB more peak RSS, though the pages
//! are the page cache's (clean, and reclaimable). [`MappedDir::release`]
//! drops them from the process's page tables (`madvise(MADV_DONTNEED)`); a
//! later read maps the same page again from the page cache, so nothing is
//! lost and nothing is read from disk twice. An indexing run calls it every
//! [`RELEASE_EVERY`] ([`MappedDir::releasing`]), so its memory stays bounded
//! whatever the size of its merges. Searches use the same directory and
//! never release (they live too briefly to need it).
//!
//! Everything but reading is tantivy's own `MmapDirectory`.

use std::fs::File;
use std::io;
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;
use tantivy::Directory;
use tantivy::directory::error::{
    DeleteError, LockError, OpenDirectoryError, OpenReadError, OpenWriteError,
};
use tantivy::directory::{
    DirectoryLock, FileHandle, Lock, MmapDirectory, OwnedBytes, WatchCallback, WatchHandle,
    WritePtr,
};

/// How often an indexing run hands its mapped pages back. A merge copies a
/// segment's document store at a few hundred MB/s: on a 10x Reuters (190 k
/// articles), whose bulk run ends with merges of up to 170 MB, peak RSS was
/// 272 MiB without releasing, 224 MiB releasing every 200 ms, 188 MiB every
/// 20 ms, 156 MiB every 5 ms (139 MiB without those merges).
pub const RELEASE_EVERY: Duration = Duration::from_millis(5);

/// Maps smaller than this are never released: together they are little, and
/// what they hold (dictionaries' roots, skip lists) is read again and again.
const RELEASE_MIN_BYTES: usize = 256 * 1024;

/// One file's read-only map.
struct Map(memmap2::Mmap);

/// The bytes of a [`Map`], shared by every slice tantivy takes of it.
struct MapBytes(Arc<Map>);

impl Deref for MapBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.0.0
    }
}

// SAFETY: the bytes live in the map, which the Arc keeps in place: moving
// a `MapBytes` never moves them.
unsafe impl stable_deref_trait::StableDeref for MapBytes {}

/// The index folder, read through memory maps it can release.
#[derive(Clone)]
pub struct MappedDir {
    inner: MmapDirectory,
    root: PathBuf,
    /// Every map still in use by someone (tantivy holds the strong ends).
    maps: Arc<Mutex<Vec<Weak<Map>>>>,
}

impl std::fmt::Debug for MappedDir {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MappedDir({})", self.root.display())
    }
}

impl MappedDir {
    pub fn open(root: &Path) -> Result<MappedDir, OpenDirectoryError> {
        Ok(MappedDir {
            inner: MmapDirectory::open(root)?,
            root: root.to_path_buf(),
            maps: Arc::default(),
        })
    }

    /// Take every mapped page out of the process's resident set; the maps
    /// stay valid and fault their pages back in on the next read. Returns
    /// the bytes of the maps released.
    pub fn release(&self) -> u64 {
        let live: Vec<Arc<Map>> = match self.maps.lock() {
            Ok(mut maps) => {
                maps.retain(|m| m.strong_count() > 0);
                maps.iter()
                    .filter_map(Weak::upgrade)
                    .filter(|m| m.0.len() >= RELEASE_MIN_BYTES)
                    .collect()
            }
            Err(_) => return 0,
        };
        let mut bytes = 0;
        for m in live {
            // SAFETY: a read-only shared map of a file: MADV_DONTNEED only
            // drops its page-table entries, and the next access maps the
            // file's page again, with the same content. The Arc keeps the
            // map alive while this runs, so the range is still this map.
            if unsafe { m.0.unchecked_advise(memmap2::UncheckedAdvice::DontNeed) }.is_ok() {
                bytes += m.0.len() as u64;
            }
        }
        bytes
    }

    /// Run `f` while a thread calls [`MappedDir::release`] every
    /// [`RELEASE_EVERY`].
    pub fn releasing<T>(&self, f: impl FnOnce() -> T) -> T {
        let (stop_tx, stop_rx) = crossbeam_channel::bounded::<()>(0);
        std::thread::scope(|s| {
            s.spawn(move || {
                while let Err(crossbeam_channel::RecvTimeoutError::Timeout) =
                    stop_rx.recv_timeout(RELEASE_EVERY)
                {
                    self.release();
                }
            });
            let out = f();
            drop(stop_tx);
            out
        })
    }

    fn map(&self, path: &Path) -> Result<OwnedBytes, OpenReadError> {
        let full = self.root.join(path);
        let io_err = |e: io::Error| match e.kind() {
            io::ErrorKind::NotFound => OpenReadError::FileDoesNotExist(path.to_path_buf()),
            _ => OpenReadError::wrap_io_error(e, full.clone()),
        };
        let file = File::open(&full).map_err(io_err)?;
        if file.metadata().map_err(io_err)?.len() == 0 {
            return Ok(OwnedBytes::empty());
        }
        // SAFETY: tantivy never changes a file once written (segment files
        // are immutable; meta.json is replaced by a rename), the same
        // assumption its own MmapDirectory makes.
        let mmap = unsafe { memmap2::Mmap::map(&file) }.map_err(io_err)?;
        let map = Arc::new(Map(mmap));
        if let Ok(mut maps) = self.maps.lock() {
            maps.push(Arc::downgrade(&map));
        }
        Ok(OwnedBytes::new(MapBytes(map)))
    }
}

impl Directory for MappedDir {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        Ok(Arc::new(self.map(path)?))
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.inner.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.inner.open_write(path)
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.inner.atomic_write(path, data)
    }

    fn sync_directory(&self) -> io::Result<()> {
        self.inner.sync_directory()
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        self.inner.acquire_lock(lock)
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(watch_callback)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A released map still reads the file's bytes: releasing costs a page
    /// fault, never data.
    #[test]
    fn a_released_map_reads_the_same_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let data: Vec<u8> = (0..400_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(dir.path().join("seg.store"), &data).unwrap();
        std::fs::write(dir.path().join("empty"), b"").unwrap();
        let d = MappedDir::open(dir.path()).unwrap();
        let bytes = d
            .get_file_handle(Path::new("seg.store"))
            .unwrap()
            .read_bytes(0..data.len())
            .unwrap();
        assert_eq!(bytes.as_slice(), &data[..]);
        assert_eq!(d.release(), data.len() as u64);
        assert_eq!(bytes.as_slice(), &data[..]);
        let empty = d.get_file_handle(Path::new("empty")).unwrap();
        assert_eq!(empty.len(), 0);
        assert!(matches!(
            d.get_file_handle(Path::new("missing")),
            Err(OpenReadError::FileDoesNotExist(_))
        ));
        drop(bytes);
        assert_eq!(d.release(), 0, "a map nobody holds is gone");
    }
}
