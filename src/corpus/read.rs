//! Read one file's bytes, within a size limit, noticing files that vanish or
//! change while they are read.

use super::walk::mtime_nanos;
use super::{Entry, Reason};
use std::fs::File;
use std::io::{ErrorKind, Read};

/// Default `--max-file-size`: 16 MiB.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 16 * 1024 * 1024;

/// The bytes of `entry`, or why they could not be had.
pub fn read(entry: &Entry, max_size: u64) -> Result<Vec<u8>, Reason> {
    let mut f = File::open(&entry.path).map_err(io_reason)?;
    let md = f.metadata().map_err(io_reason)?;
    if md.len() > max_size {
        return Err(Reason::TooLarge {
            size: md.len(),
            limit: max_size,
        });
    }
    let mut buf = Vec::with_capacity(md.len() as usize);
    // Read one byte past the limit so a file that grew is caught.
    f.by_ref()
        .take(max_size + 1)
        .read_to_end(&mut buf)
        .map_err(io_reason)?;
    if buf.len() as u64 > max_size {
        return Err(Reason::TooLarge {
            size: buf.len() as u64,
            limit: max_size,
        });
    }
    let after = f.metadata().map_err(io_reason)?;
    if after.len() != buf.len() as u64 || mtime_nanos(&after) != mtime_nanos(&md) {
        return Err(Reason::Changed);
    }
    Ok(buf)
}

fn io_reason(e: std::io::Error) -> Reason {
    match e.kind() {
        ErrorKind::NotFound => Reason::Vanished,
        _ => Reason::Unreadable {
            error: e.to_string(),
        },
    }
}
