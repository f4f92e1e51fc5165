//! Walk a corpus directory and decide which files may be articles.
//!
//! Hidden files and folders (a leading dot: `.DS_Store`, `.git`, the default
//! `.newsidx` index) and the index folder itself are never entered. README,
//! licence and similar files are reported as `not-article`. Symbolic links are
//! not followed unless asked, and are then checked for loops by walkdir.

use super::{Entry, Reason, Skip};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;
use walkdir::WalkDir;

/// What the walker yields: a candidate article or a file skipped with a reason.
pub enum Found {
    File(Entry),
    Skipped(Skip),
}

pub struct WalkOptions {
    pub follow_links: bool,
    /// Folders never to enter, such as the index when it lives in the corpus.
    pub exclude: Vec<PathBuf>,
}

/// Walk `root` in a stable order (sorted by name).
pub fn walk(root: &Path, opts: &WalkOptions) -> impl Iterator<Item = Found> {
    let exclude: Vec<PathBuf> = opts
        .exclude
        .iter()
        .filter_map(|p| p.canonicalize().ok())
        .collect();
    let root_owned = root.to_path_buf();
    WalkDir::new(root)
        .follow_links(opts.follow_links)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(move |e| {
            if e.depth() == 0 {
                return true;
            }
            if is_hidden(e.file_name()) {
                return false;
            }
            if e.file_type().is_dir() && !exclude.is_empty() {
                if let Ok(c) = e.path().canonicalize() {
                    return !exclude.contains(&c);
                }
            }
            true
        })
        .filter_map(move |r| classify(&root_owned, r))
}

fn classify(root: &Path, r: walkdir::Result<walkdir::DirEntry>) -> Option<Found> {
    let e = match r {
        Ok(e) => e,
        Err(err) => {
            let path = err
                .path()
                .map(|p| rel_path(root, p))
                .unwrap_or_else(|| root.display().to_string());
            let reason = if err.loop_ancestor().is_some() {
                Reason::LinkLoop
            } else if let Some(io) = err.io_error() {
                if io.kind() == std::io::ErrorKind::NotFound {
                    Reason::BrokenLink
                } else {
                    Reason::Unreadable {
                        error: io.to_string(),
                    }
                }
            } else {
                Reason::Unreadable {
                    error: err.to_string(),
                }
            };
            return Some(Found::Skipped(Skip { path, reason }));
        }
    };
    let ft = e.file_type();
    if ft.is_dir() {
        return None;
    }
    let rel = rel_path(root, e.path());
    if ft.is_symlink() {
        // Only reached when links are not followed (walkdir resolves them
        // otherwise); a link whose target is missing says so.
        let reason = if std::fs::metadata(e.path()).is_err() {
            Reason::BrokenLink
        } else {
            Reason::Symlink
        };
        return Some(Found::Skipped(Skip { path: rel, reason }));
    }
    if !ft.is_file() {
        return None;
    }
    if is_not_article(e.file_name()) {
        return Some(Found::Skipped(Skip {
            path: rel,
            reason: Reason::NotArticle,
        }));
    }
    let md = match e.metadata() {
        Ok(md) => md,
        Err(err) => {
            let reason = match err.io_error().map(|i| i.kind()) {
                Some(std::io::ErrorKind::NotFound) => Reason::Vanished,
                _ => Reason::Unreadable {
                    error: err.to_string(),
                },
            };
            return Some(Found::Skipped(Skip { path: rel, reason }));
        }
    };
    Some(Found::File(Entry {
        path: e.path().to_path_buf(),
        rel,
        size: md.len(),
        mtime: mtime_nanos(&md),
    }))
}

/// Nanoseconds since the epoch; 0 if the platform cannot say.
pub fn mtime_nanos(md: &std::fs::Metadata) -> i64 {
    md.modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.as_encoded_bytes().first() == Some(&b'.')
}

/// Files archives keep next to their articles.
fn is_not_article(name: &std::ffi::OsStr) -> bool {
    let name = name.to_string_lossy().to_ascii_lowercase();
    let stem = name.split('.').next().unwrap_or("");
    matches!(
        stem,
        "readme"
            | "license"
            | "licence"
            | "copying"
            | "changelog"
            | "manifest"
            | "thumbs"
            | "desktop"
    )
}

/// `path` relative to `root`, '/'-separated, with bytes that are not UTF-8
/// escaped as `%XX` (and a literal '%' as `%25`) so that ids are lossless.
pub fn rel_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let mut out = String::new();
    for (i, comp) in rel.components().enumerate() {
        if i > 0 {
            out.push('/');
        }
        escape_into(comp.as_os_str().as_encoded_bytes(), &mut out);
    }
    out
}

fn escape_into(bytes: &[u8], out: &mut String) {
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            if c == '%' {
                out.push_str("%25");
            } else {
                out.push(c);
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("%{b:02X}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_articles() {
        for n in ["README", "README.TXT", "readme.md", "LICENSE", "Thumbs.db"] {
            assert!(is_not_article(n.as_ref()), "{n}");
        }
        for n in ["001.txt", "readmission-rates.txt", "story.html"] {
            assert!(!is_not_article(n.as_ref()), "{n}");
        }
    }

    #[test]
    fn rel_path_escapes_percent() {
        let root = Path::new("/c");
        assert_eq!(rel_path(root, Path::new("/c/a/b.txt")), "a/b.txt");
        assert_eq!(rel_path(root, Path::new("/c/100%.txt")), "100%25.txt");
    }

    #[cfg(unix)]
    #[test]
    fn rel_path_escapes_invalid_utf8() {
        use std::os::unix::ffi::OsStrExt;
        let p = Path::new("/c").join(std::ffi::OsStr::from_bytes(b"caf\xe9.txt"));
        assert_eq!(rel_path(Path::new("/c"), &p), "caf%E9.txt");
    }
}
