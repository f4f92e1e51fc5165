//! The summary of an index run: the JSON that `index --format json` prints
//! (a public contract, `schema/index-summary.schema.json`) and the one line
//! `index` prints otherwise. The engine (`indexer`) fills a [`Summary`];
//! this module only writes it (the JSON with [`super::write_json`]).

use super::Size;
use crate::corpus::Skip;
use crate::remote::push::Summary as PushSummary;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{self, Write};

/// Version of the index summary JSON (`schema/index-summary.schema.json`).
pub const SUMMARY_VERSION: u32 = 1;

/// What an index run did. Files are counted in `added`…`unchanged`;
/// documents (several per JSON Lines file) in `indexed` and `documents`.
#[derive(Debug, Default, Serialize)]
pub struct Summary {
    pub version: u32,
    pub corpus: String,
    pub index: String,
    /// Whether the run started from an empty index (`--rebuild`, or a new
    /// index).
    pub rebuilt: bool,
    /// Files new to the index.
    pub added: usize,
    /// Files whose content changed, re-indexed.
    pub updated: usize,
    /// Files gone from the corpus, or no longer articles, taken out.
    pub removed: usize,
    /// Files left as they were.
    pub unchanged: usize,
    /// Documents written (from added and updated files).
    pub indexed: usize,
    /// Documents in the index after the run.
    pub documents: u64,
    /// Bytes of the files indexed, or read again to compare their hash.
    pub bytes: u64,
    pub skipped: usize,
    pub skipped_by_reason: BTreeMap<String, usize>,
    pub skips: Vec<Skip>,
    /// Commits made (0 when nothing changed).
    pub commits: usize,
    pub elapsed_ms: u64,
}

impl Summary {
    /// Count a file (or part of one) that was not indexed.
    pub fn count_skip(&mut self, skip: Skip) {
        *self
            .skipped_by_reason
            .entry(skip.reason.key().to_string())
            .or_default() += 1;
        self.skipped += 1;
        self.skips.push(skip);
    }

    /// Whether a file was skipped for a problem (not merely for not being
    /// an article): what `--strict` fails on.
    pub fn has_problems(&self) -> bool {
        self.skips.iter().any(|s| s.reason.is_problem())
    }
}

/// The summary as one line of text (see [`summary_line`]).
pub fn write_text(out: &mut impl Write, s: &Summary) -> io::Result<()> {
    writeln!(out, "{}", summary_line(s))
}

/// `indexed 2225 articles (4.8 MiB) in 2.9 s: added 3, updated 1, removed 0,
/// unchanged 2221; skipped 1 (not-article 1)`.
pub fn summary_line(s: &Summary) -> String {
    let mut line = format!(
        "indexed {} article{} ({}) in {:.1} s: added {}, updated {}, removed {}, unchanged {}",
        s.indexed,
        if s.indexed == 1 { "" } else { "s" },
        Size(s.bytes),
        s.elapsed_ms as f64 / 1000.0,
        s.added,
        s.updated,
        s.removed,
        s.unchanged,
    );
    line.push_str(&skipped_suffix(s.skipped as u64, &s.skipped_by_reason));
    line
}

/// `; skipped 3 (empty 1, not-article 2)`, or nothing when nothing was
/// skipped: the tail of both `index`'s and `push`'s line.
pub fn skipped_suffix<N: std::fmt::Display>(
    skipped: u64,
    by_reason: &BTreeMap<String, N>,
) -> String {
    if skipped == 0 {
        return String::new();
    }
    let reasons: Vec<String> = by_reason.iter().map(|(k, n)| format!("{k} {n}")).collect();
    format!("; skipped {skipped} ({})", reasons.join(", "))
}

/// The one line `push` prints: `pushed 21578 documents (19.1 MiB) to news
/// in 41.2 s (523 docs/s): 21578 files sent, 0 unchanged, 0 deleted, 0
/// refused; the remote index holds 21578 documents`.
pub fn push_line(s: &PushSummary) -> String {
    let secs = s.elapsed_ms as f64 / 1000.0;
    let mut line = format!(
        "pushed {} document{} ({:.1} MiB) to {} in {:.1} s ({:.0} docs/s): {} file{} sent, {} unchanged, {} deleted, {} refused; the remote index holds {} documents",
        s.sent,
        if s.sent == 1 { "" } else { "s" },
        s.bytes_sent as f64 / (1024.0 * 1024.0),
        s.name,
        secs,
        if secs > 0.0 {
            s.sent as f64 / secs
        } else {
            0.0
        },
        s.files_sent,
        if s.files_sent == 1 { "" } else { "s" },
        s.unchanged_files,
        s.deleted,
        s.failed,
        s.remote_documents,
    );
    line.push_str(&skipped_suffix(s.skipped, &s.skipped_by_reason));
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Reason;

    #[test]
    fn summary_line_counts_everything() {
        let mut s = Summary {
            indexed: 3,
            added: 2,
            updated: 1,
            removed: 4,
            unchanged: 5,
            ..Summary::default()
        };
        assert_eq!(
            summary_line(&s),
            "indexed 3 articles (0 bytes) in 0.0 s: added 2, updated 1, removed 4, unchanged 5"
        );
        s.bytes = 5 << 20;
        assert!(summary_line(&s).starts_with("indexed 3 articles (5 MiB) in"));
        s.skipped = 1;
        s.skipped_by_reason.insert("empty".into(), 1);
        assert!(summary_line(&s).ends_with("; skipped 1 (empty 1)"));
    }

    #[test]
    fn push_line_counts_everything_and_shares_the_skip_tail() {
        let mut s = PushSummary {
            name: "news".into(),
            sent: 1,
            files_sent: 1,
            unchanged_files: 2,
            remote_documents: 3,
            elapsed_ms: 2000,
            ..PushSummary::default()
        };
        assert_eq!(
            push_line(&s),
            "pushed 1 document (0.0 MiB) to news in 2.0 s (0 docs/s): 1 file sent, 2 unchanged, 0 deleted, 0 refused; the remote index holds 3 documents"
        );
        s.skipped = 3;
        s.skipped_by_reason.insert("not-article".into(), 2);
        s.skipped_by_reason.insert("empty".into(), 1);
        assert!(
            push_line(&s).ends_with("; skipped 3 (empty 1, not-article 2)"),
            "{}",
            push_line(&s)
        );
    }

    #[test]
    fn only_problems_count_for_strict() {
        let mut s = Summary::default();
        s.count_skip(Skip {
            path: "README".into(),
            reason: Reason::NotArticle,
        });
        assert!(!s.has_problems());
        s.count_skip(Skip {
            path: "a.txt".into(),
            reason: Reason::Empty,
        });
        assert!(s.has_problems());
        assert_eq!(s.skipped, 2);
        assert_eq!(s.skipped_by_reason["empty"], 1);
    }
}
