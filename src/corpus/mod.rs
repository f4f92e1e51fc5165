//! The corpus on disk: which files are articles ([`walk`]), and their bytes
//! decoded to text ([`read`], [`decode`]). Every problem with one file is a
//! [`Skip`] with a reason; nothing here stops a run.

pub mod decode;
pub mod read;
pub mod walk;

use serde::Serialize;
use std::fmt;
use std::path::PathBuf;

/// A file the walker found that may be an article.
#[derive(Clone, Debug)]
pub struct Entry {
    /// Path to open (the corpus root joined with `rel`).
    pub path: PathBuf,
    /// Path relative to the corpus root, '/'-separated; bytes that are not
    /// valid UTF-8 are written `%XX`, so the id is lossless and printable.
    pub rel: String,
    pub size: u64,
    /// Modification time, nanoseconds since the Unix epoch.
    pub mtime: i64,
}

/// Why a file was not indexed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Reason {
    /// README, licence and similar files that archives keep beside articles.
    NotArticle,
    Empty,
    Binary,
    TooLarge {
        size: u64,
        limit: u64,
    },
    Unreadable {
        error: String,
    },
    Symlink,
    BrokenLink,
    LinkLoop,
    Vanished,
    Changed,
    Malformed {
        error: String,
    },
}

impl Reason {
    /// A stable key for counting by reason (also the JSON `kind`).
    pub fn key(&self) -> &'static str {
        match self {
            Reason::NotArticle => "not-article",
            Reason::Empty => "empty",
            Reason::Binary => "binary",
            Reason::TooLarge { .. } => "too-large",
            Reason::Unreadable { .. } => "unreadable",
            Reason::Symlink => "symlink",
            Reason::BrokenLink => "broken-link",
            Reason::LinkLoop => "link-loop",
            Reason::Vanished => "vanished",
            Reason::Changed => "changed",
            Reason::Malformed { .. } => "malformed",
        }
    }

    /// Whether this is worth a line on stderr. Files that are simply not
    /// articles are only counted.
    pub fn is_problem(&self) -> bool {
        !matches!(self, Reason::NotArticle)
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::NotArticle => write!(f, "not an article (README or similar), skipped"),
            Reason::Empty => write!(f, "empty file, skipped"),
            Reason::Binary => write!(f, "binary file, skipped"),
            Reason::TooLarge { size, limit } => write!(
                f,
                "file is {size} bytes, over the {limit}-byte limit; skipped (raise it with --max-file-size)"
            ),
            Reason::Unreadable { error } => write!(f, "cannot read: {error}; skipped"),
            Reason::Symlink => write!(
                f,
                "symbolic link, not followed (use --follow-links to index its target)"
            ),
            Reason::BrokenLink => write!(
                f,
                "broken symbolic link (its target does not exist), skipped"
            ),
            Reason::LinkLoop => write!(f, "symbolic link loop, skipped"),
            Reason::Vanished => write!(f, "file vanished while indexing, skipped"),
            Reason::Changed => write!(
                f,
                "file changed while it was read, skipped (the next run will index it)"
            ),
            Reason::Malformed { error } => write!(f, "{error}; skipped"),
        }
    }
}

/// A file that was not indexed, and why.
#[derive(Clone, Debug, Serialize)]
pub struct Skip {
    /// Path relative to the corpus root (or as walked, if outside it).
    pub path: String,
    pub reason: Reason,
}
