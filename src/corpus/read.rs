//! Read one file's bytes, within a size limit, noticing files that vanish or
//! change while they are read, and never blocking on a named pipe that took a
//! file's place after the walk.

use super::walk::mtime_nanos;
use super::{Entry, Reason};
use std::fs::{File, Metadata};
use std::io::{ErrorKind, Read};

/// Default `--max-file-size`: 16 MiB.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 16 * 1024 * 1024;

/// The bytes of `entry`, or why they could not be had.
pub fn read(entry: &Entry, max_size: u64) -> Result<Vec<u8>, Reason> {
    read_with(entry, max_size, || {})
}

/// [`read`], calling `after_read` between reading the bytes and checking
/// that the file did not change meanwhile: the seam through which tests
/// change a file at exactly the moment that matters, without a race.
fn read_with(entry: &Entry, max_size: u64, after_read: impl FnOnce()) -> Result<Vec<u8>, Reason> {
    let mut f = open(entry)?;
    let before = f.metadata().map_err(|e| io_reason(&e))?;
    if before.is_dir() {
        return Err(Reason::Unreadable {
            error: "it is a folder, not a file".into(),
        });
    }
    if !before.is_file() {
        return Err(Reason::Special {
            file_type: super::walk::special_kind(&before.file_type()).into(),
        });
    }
    if before.len() > max_size {
        return Err(Reason::TooLarge {
            size: before.len(),
            limit: max_size,
        });
    }
    let mut buf = Vec::with_capacity(usize::try_from(before.len()).unwrap_or(0));
    // Read one byte past the limit so a file that grew is caught.
    f.by_ref()
        .take(max_size.saturating_add(1))
        .read_to_end(&mut buf)
        .map_err(|e| io_reason(&e))?;
    if buf.len() as u64 > max_size {
        return Err(Reason::TooLarge {
            size: buf.len() as u64,
            limit: max_size,
        });
    }
    after_read();
    let after = f.metadata().map_err(|e| io_reason(&e))?;
    if changed(&before, &after) || after.len() != buf.len() as u64 {
        return Err(Reason::Changed);
    }
    Ok(buf)
}

fn changed(before: &Metadata, after: &Metadata) -> bool {
    before.len() != after.len() || mtime_nanos(before) != mtime_nanos(after)
}

/// Open without blocking: if a named pipe has taken the file's place since
/// the walk, a plain open would wait forever for a writer.
fn open(entry: &Entry) -> Result<File, Reason> {
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as std::ffi::c_int);
    }
    opts.open(&entry.path).map_err(|e| io_reason(&e))
}

/// The reason for an I/O error on a file or folder that the walk found.
pub(super) fn io_reason(e: &std::io::Error) -> Reason {
    match e.kind() {
        ErrorKind::NotFound => Reason::Vanished,
        ErrorKind::PermissionDenied => Reason::Unreadable {
            error: format!("{e} (the user running newsidx may not read it)"),
        },
        _ => Reason::Unreadable {
            error: e.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::path::Path;

    fn entry(path: &Path) -> Entry {
        Entry {
            path: path.to_path_buf(),
            rel: "f.txt".into(),
            size: 0,
            mtime: 0,
        }
    }

    #[test]
    fn reads_within_the_limit_and_refuses_beyond_it() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let p = dir.path().join("f.txt");
        std::fs::write(&p, b"0123456789")?;
        assert_eq!(read(&entry(&p), 10).as_deref(), Ok(&b"0123456789"[..]));
        assert_eq!(
            read(&entry(&p), 9),
            Err(Reason::TooLarge { size: 10, limit: 9 })
        );
        Ok(())
    }

    #[test]
    fn a_file_deleted_after_the_walk_has_vanished() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let p = dir.path().join("gone.txt");
        assert_eq!(read(&entry(&p), 100), Err(Reason::Vanished));
        Ok(())
    }

    #[test]
    fn a_file_that_grows_while_read_has_changed() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let p = dir.path().join("f.txt");
        std::fs::write(&p, b"first version\n")?;
        let append = || {
            if let Ok(mut f) = std::fs::OpenOptions::new().append(true).open(&p) {
                let _ = f.write_all(b"a line written during the read\n");
            }
        };
        assert_eq!(read_with(&entry(&p), 1000, append), Err(Reason::Changed));
        // Untouched, the same file reads fine.
        assert!(read_with(&entry(&p), 1000, || {}).is_ok());
        Ok(())
    }

    #[test]
    fn a_file_rewritten_to_the_same_size_has_changed() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let p = dir.path().join("f.txt");
        std::fs::write(&p, b"version one\n")?;
        let f = File::options().write(true).open(&p)?;
        let old = f.metadata()?.modified()?;
        let rewrite = || {
            let _ = std::fs::write(&p, b"version two\n");
            // Make the change visible even where timestamps are coarse.
            let _ = f.set_modified(old + std::time::Duration::from_secs(2));
        };
        assert_eq!(read_with(&entry(&p), 1000, rewrite), Err(Reason::Changed));
        Ok(())
    }

    /// Fails for root too (unlike a mode-000 file): a folder opens but
    /// cannot be read as a file.
    #[test]
    fn a_folder_is_unreadable_as_a_file() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let r = read(&entry(dir.path()), 1000);
        assert!(
            matches!(&r, Err(Reason::Unreadable { error }) if error.contains("folder")),
            "{r:?}"
        );
        Ok(())
    }

    /// A check this machine cannot make is skipped loudly, or fails under
    /// `NEWSIDX_REQUIRE_ALL=1` (as `.ci/run` sets) so CI never passes a check
    /// it did not make.
    #[cfg(unix)]
    fn skip(why: &str) {
        if std::env::var_os("NEWSIDX_REQUIRE_ALL").is_some_and(|v| v == "1") {
            panic!("NEWSIDX_REQUIRE_ALL=1, but {why}");
        }
        eprintln!("\n*** SKIPPED: {why} ***\n");
    }

    /// A named pipe that appears where the walk saw a file is refused at
    /// once instead of blocking the run.
    #[cfg(unix)]
    #[test]
    fn a_named_pipe_is_refused_without_blocking() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let p = dir.path().join("pipe.txt");
        let status = std::process::Command::new("mkfifo").arg(&p).status();
        if !status.is_ok_and(|s| s.success()) {
            skip("mkfifo is not available here: the FIFO case is not checked");
            return Ok(());
        }
        assert_eq!(
            read(&entry(&p), 1000),
            Err(Reason::Special {
                file_type: "named pipe (FIFO)".into()
            })
        );
        Ok(())
    }

    /// A read that fails with an I/O error even for root.
    #[cfg(target_os = "linux")]
    #[test]
    fn an_io_error_while_reading_is_unreadable() {
        let p = Path::new("/proc/self/mem");
        if !p.exists() {
            skip("/proc is not mounted: the I/O error case is not checked");
            return;
        }
        let r = read(&entry(p), 1000);
        assert!(matches!(r, Err(Reason::Unreadable { .. })), "{r:?}");
    }

    #[test]
    fn permission_denied_says_who_may_not_read() {
        let r = io_reason(&std::io::Error::from(ErrorKind::PermissionDenied));
        assert!(
            matches!(&r, Reason::Unreadable { error } if error.contains("may not read")),
            "{r:?}"
        );
    }
}
