//! Any file name (bytes, '/' as the separator) has a printable id that leads
//! back to exactly those bytes; any typed id unescapes without a panic.

#![no_main]

use libfuzzer_sys::fuzz_target;
use newsidx::corpus::walk::{rel_path, unescape_id};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        let _ = unescape_id(s);
    }
    // A relative path: no NUL, no empty, `.` or `..` components.
    let parts: Vec<&[u8]> = data.split(|&b| b == b'/').collect();
    if data.contains(&0) || parts.iter().any(|p| p.is_empty() || *p == b"." || *p == b"..") {
        return;
    }
    let root = Path::new("/corpus");
    let id = rel_path(root, &root.join(std::ffi::OsStr::from_bytes(data)));
    assert!(!id.chars().any(char::is_control), "{id:?}");
    assert_eq!(unescape_id(&id), data);
});
