//! The corpus on disk: which files are articles ([`walk`]), and their bytes
//! decoded to text ([`read`], [`decode`]). Every problem with one file is a
//! [`Skip`] with a reason; nothing here stops a run.

pub mod decode;
pub mod read;
pub mod walk;

use crate::render::Size;
use serde::Serialize;
use std::fmt;
use std::path::PathBuf;

/// A file the walker found that may be an article.
#[derive(Clone, Debug)]
pub struct Entry {
    /// Path to open (the corpus root joined with `rel`).
    pub path: PathBuf,
    /// Path relative to the corpus root, '/'-separated: the document id.
    /// Bytes that are not valid UTF-8, control characters and '%' are
    /// written `%XX`, so the id is lossless and printable
    /// ([`walk::id_to_path`] leads back to the file).
    pub rel: String,
    pub size: u64,
    /// Modification time, nanoseconds since the Unix epoch.
    pub mtime: i64,
}

/// Why a file was not indexed. `key()` and the JSON `kind` are stable;
/// the Display text is the line a person reads after `newsidx: PATH: `, so it
/// says what is wrong and, where there is something to do, what.
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
    /// A symbolic link, not followed (the default).
    Symlink {
        /// Where the link points, as written in the link.
        target: String,
    },
    /// A symbolic link whose target does not exist.
    BrokenLink {
        target: String,
    },
    /// A link that leads back to itself, or to a folder above it.
    LinkLoop,
    /// A named pipe, socket or device: never opened (opening a pipe blocks).
    Special {
        /// `named pipe (FIFO)`, `socket`, `block device`, `character device`.
        file_type: String,
    },
    Vanished,
    Changed,
    Malformed {
        error: String,
    },
    /// Over a parse work limit (elements, nesting, YAML nodes).
    TooComplex {
        what: String,
    },
    /// Its parse took longer than `--max-file-secs`.
    TooSlow {
        seconds: u64,
    },
    /// The parser panicked on it: a bug in newsidx, but only this file is
    /// lost.
    Crashed {
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
            Reason::Symlink { .. } => "symlink",
            Reason::BrokenLink { .. } => "broken-link",
            Reason::LinkLoop => "link-loop",
            Reason::Special { .. } => "special",
            Reason::Vanished => "vanished",
            Reason::Changed => "changed",
            Reason::Malformed { .. } => "malformed",
            Reason::TooComplex { .. } => "too-complex",
            Reason::TooSlow { .. } => "too-slow",
            Reason::Crashed { .. } => "crashed",
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
            Reason::NotArticle => write!(f, "not an article (README, licence or similar), skipped"),
            Reason::Empty => write!(f, "empty file (no text), skipped"),
            Reason::Binary => write!(f, "binary file, skipped"),
            Reason::TooLarge { size, limit } => write!(
                f,
                "file is {:#}, over the {:#} limit; skipped (raise the limit with --max-file-size)",
                Size(*size),
                Size(*limit)
            ),
            Reason::Unreadable { error } => write!(f, "cannot read it: {error}; skipped"),
            Reason::Symlink { target } => write!(
                f,
                "symbolic link to '{target}', not followed; skipped (use --follow-links to index what it points to)"
            ),
            Reason::BrokenLink { target } => write!(
                f,
                "broken symbolic link: its target '{target}' does not exist; skipped"
            ),
            Reason::LinkLoop => write!(
                f,
                "symbolic link loop (the link leads back to itself or to a folder that contains it); skipped"
            ),
            Reason::Special { file_type } => {
                write!(
                    f,
                    "a {file_type}, not a regular file; skipped without opening it"
                )
            }
            Reason::Vanished => write!(
                f,
                "file vanished before it could be read (deleted or moved during the run); skipped"
            ),
            Reason::Changed => write!(
                f,
                "file changed while it was read; skipped (run index again to pick it up)"
            ),
            Reason::Malformed { error } => write!(f, "{error}; skipped"),
            Reason::TooComplex { what } => write!(f, "too complex to read: {what}; skipped"),
            Reason::TooSlow { seconds } => write!(
                f,
                "reading it took over {seconds} s; skipped (raise the limit with --max-file-secs)"
            ),
            Reason::Crashed { error } => write!(
                f,
                "newsidx crashed reading it ({error}); skipped, the run goes on (please report this file)"
            ),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_kebab_case_json_kinds() {
        for r in [
            Reason::NotArticle,
            Reason::TooLarge { size: 2, limit: 1 },
            Reason::Symlink { target: "x".into() },
            Reason::Special {
                file_type: "socket".into(),
            },
        ] {
            let v = serde_json::to_value(&r).unwrap_or_default();
            assert_eq!(v["kind"], r.key());
        }
    }
}
