//! Writing documents: a tantivy IndexWriter with a fixed memory budget,
//! adds, deletes by file, and commits that carry the index stamp.
//!
//! Merges follow `BoundedMergePolicy`: peak memory stays fixed whatever the
//! corpus size, and the index ends with few segments.
//!
//! A file's delete and its new documents are always sent before the same
//! commit (callers commit only between files), so every commit, and thus
//! every state a crash can leave, holds each file exactly once.

use super::lock::Locked;
use super::{NewsIndex, Stamp};
use crate::document::NewsDoc;
use anyhow::{Context, Result};
use std::path::PathBuf;
use tantivy::index::{SegmentComponent, SegmentId, SegmentMeta};
use tantivy::indexer::{IndexWriterOptions, MergeCandidate, MergePolicy};
use tantivy::{IndexWriter, TantivyDocument, Term};

/// Memory the writer may use for its in-memory segments, in all.
pub const WRITER_HEAP_BYTES: usize = 64 * 1024 * 1024;

/// Largest merge, in bytes of the segments it reads. A merge maps and reads
/// its inputs whole, so they count in the process's memory while it runs:
/// with the writer's heap this bounds peak memory whatever the corpus size.
pub const MAX_MERGE_BYTES: u64 = 32 * 1024 * 1024;

/// Largest merge once a run has added all its documents: a bulk run ends
/// with segments of up to this size, so a search opens a few segments
/// rather than one per `MAX_MERGE_BYTES` (opening them was most of a search
/// at 100x Reuters). The merge's memory maps are released as it reads
/// them (`index::mapped`), so its size does not count in peak memory.
pub const FINAL_MERGE_BYTES: u64 = 1024 * 1024 * 1024;

/// Merge segments of about the same size, never more than
/// `MAX_MERGE_BYTES` at once, one merge at a time.
///
/// Segments are taken smallest first; a group grows while the next segment
/// is at most twice the group so far (so each byte is rewritten a few
/// times, not once per commit), and stops before `max_bytes`. So a bulk run
/// ends with the segments near `max_bytes` plus a few smaller ones, and a
/// small incremental commit merges only with segments as small as itself
/// instead of rewriting a big index.
/// A segment a quarter deleted (files updated or removed) is rewritten on its
/// own, if it fits.
#[derive(Debug)]
pub struct BoundedMergePolicy {
    /// The index folder, to size the segments' files.
    pub dir: PathBuf,
    pub max_bytes: u64,
}

impl BoundedMergePolicy {
    /// Bytes of the live documents of `m`, estimated from its files.
    fn live_bytes(&self, m: &SegmentMeta) -> u64 {
        let total: u64 = [
            SegmentComponent::Postings,
            SegmentComponent::Positions,
            SegmentComponent::Terms,
            SegmentComponent::Store,
            SegmentComponent::FastFields,
            SegmentComponent::FieldNorms,
        ]
        .into_iter()
        .filter_map(|c| std::fs::metadata(self.dir.join(m.relative_path(c))).ok())
        .map(|md| md.len())
        .sum();
        let max_doc = u64::from(m.max_doc().max(1));
        total * u64::from(m.num_docs()) / max_doc
    }
}

impl MergePolicy for BoundedMergePolicy {
    fn compute_merge_candidates(&self, segments: &[SegmentMeta]) -> Vec<MergeCandidate> {
        let sized: Vec<(u64, &SegmentMeta)> =
            segments.iter().map(|m| (self.live_bytes(m), m)).collect();
        let sizes: Vec<u64> = sized.iter().map(|(b, _)| *b).collect();
        let mut out = Vec::new();
        let mut order: Vec<usize> = (0..sized.len()).collect();
        order.sort_by_key(|&i| sizes[i]);
        let groups = plan_merges(
            &order.iter().map(|&i| sizes[i]).collect::<Vec<_>>(),
            self.max_bytes,
        );
        let mut merged = vec![false; sized.len()];
        for g in groups {
            let ids: Vec<SegmentId> = g
                .map(|k| {
                    merged[order[k]] = true;
                    sized[order[k]].1.id()
                })
                .collect();
            out.push(MergeCandidate(ids));
        }
        for (i, (bytes, m)) in sized.iter().enumerate() {
            let mostly_deleted = u64::from(m.num_deleted_docs()) * 4 >= u64::from(m.max_doc());
            if !merged[i] && m.has_deletes() && mostly_deleted && *bytes <= self.max_bytes {
                out.push(MergeCandidate(vec![m.id()]));
            }
        }
        out
    }
}

/// Groups to merge, as ranges of `sizes` (sorted ascending): each run of two
/// or more where every next size is at most twice the sum before it and the
/// total stays within `max_bytes`.
fn plan_merges(sizes: &[u64], max_bytes: u64) -> Vec<std::ops::Range<usize>> {
    let mut groups = Vec::new();
    let mut i = 0;
    while i < sizes.len() {
        let mut acc = sizes[i];
        let mut j = i + 1;
        while j < sizes.len() && sizes[j] <= 2 * acc.max(1) && acc + sizes[j] <= max_bytes {
            acc += sizes[j];
            j += 1;
        }
        if j - i >= 2 {
            groups.push(i..j);
        }
        i = j;
    }
    groups
}

pub struct Writer {
    w: IndexWriter<TantivyDocument>,
    fields: super::schema::Fields,
    stamp: Stamp,
    /// The index folder, for the stamp's `index_in_corpus`.
    dir: std::path::PathBuf,
}

pub use super::lock::LOCKED;

impl Writer {
    pub fn new(ix: &NewsIndex, stamp: Stamp) -> Result<Writer> {
        // One indexing thread with the whole heap: one segment per commit
        // or per full heap (Reuters-21578 ends as a single segment, no merge
        // needed), while the parse workers keep the other cores busy. Two
        // threads made two half-size segments that then had to be merged:
        // more CPU, and merges that read big segments pushed peak memory on a
        // 20x Reuters from 121 to 253 MiB. One merge thread: merges come one
        // at a time, so they add one `MAX_MERGE_BYTES` at most.
        let options = IndexWriterOptions::builder()
            .num_worker_threads(1)
            .memory_budget_per_thread(WRITER_HEAP_BYTES)
            .num_merge_threads(1)
            .build();
        let w = ix.index.writer_with_options(options).map_err(|e| match e {
            // Another program writing with tantivy itself (an older
            // newsidx, tantivy-cli): the same story for the user.
            tantivy::TantivyError::LockFailure(..) => Locked {
                dir: ix.dir.clone(),
            }
            .into(),
            e => anyhow::Error::new(e)
                .context(format!("cannot write to the index at {}", ix.dir.display())),
        })?;
        w.set_merge_policy(Box::new(BoundedMergePolicy {
            dir: ix.dir.clone(),
            max_bytes: MAX_MERGE_BYTES,
        }));
        // A run killed after writing a file and before committing it left
        // the file behind, unreferenced. This run's operations get the same
        // opstamps as the killed run's, so its first commit would write a
        // segment's deletes under the same name and fail ("File already
        // exists: '….3763.del'"), and every run after it too. tantivy only
        // collects such files after a commit: collect them before the first.
        w.garbage_collect_files().wait().map_err(|e| {
            anyhow::Error::new(e).context(format!(
                "cannot remove what an interrupted run left in the index at {}",
                ix.dir.display()
            ))
        })?;
        let writer = Writer {
            w,
            fields: ix.fields.clone(),
            stamp: stamp.placed(&ix.dir),
            dir: ix.dir.clone(),
        };
        writer.burn_committed_opstamp();
        Ok(writer)
    }

    pub fn add(&self, d: &NewsDoc) -> Result<()> {
        self.w
            .add_document(self.fields.to_doc(d))
            .context("cannot add a document")?;
        Ok(())
    }

    /// Remove every document that came from `file` (one for most formats,
    /// one per record for JSON Lines).
    pub fn delete_file(&self, file: &str) {
        self.w
            .delete_term(Term::from_field_text(self.fields.file, file));
    }

    pub fn delete_all(&mut self) -> Result<()> {
        self.w
            .delete_all_documents()
            .context("cannot clear the index")?;
        self.burn_committed_opstamp();
        Ok(())
    }

    /// Spend the opstamp of the last commit on a delete that matches
    /// nothing, so no real delete carries it.
    ///
    /// tantivy (0.27) numbers a new writer's first operation — and the first
    /// after `delete_all_documents` — with the opstamp of the last commit,
    /// which segments deleted at that commit already record as done. A merge
    /// of such segments that starts before this writer's first commit takes
    /// its delete cursor from another segment, which did apply that first
    /// operation: so if the first operation was a real delete (a changed
    /// file's old version), the merged segment brought that version back
    /// beside the new one. The kill test found it as a duplicated id.
    fn burn_committed_opstamp(&self) {
        self.w.delete_term(Term::from_field_text(
            self.fields.file,
            "\u{0}no file has this name",
        ));
    }

    /// The stamp later commits carry.
    pub fn set_stamp(&mut self, stamp: Stamp) {
        self.stamp = stamp.placed(&self.dir);
    }

    /// Persist everything added so far, with the stamp as payload.
    pub fn commit(&mut self) -> Result<()> {
        let payload = serde_json::to_string(&self.stamp)?;
        let mut prepared = self.w.prepare_commit().context("cannot prepare a commit")?;
        prepared.set_payload(&payload);
        prepared.commit().context("cannot commit to the index")?;
        Ok(())
    }

    /// From the next commit on, merge up to [`FINAL_MERGE_BYTES`]: for the
    /// last commit of a run. The same size rule holds, so a small update
    /// still merges only with segments as small as itself.
    pub fn merge_for_search(&self) {
        self.w.set_merge_policy(Box::new(BoundedMergePolicy {
            dir: self.dir.clone(),
            max_bytes: FINAL_MERGE_BYTES,
        }));
    }

    /// Merge as `policy` says, for tests that need segments laid out just so.
    #[cfg(test)]
    fn merging_by(&self, policy: Box<dyn MergePolicy>) {
        self.w.set_merge_policy(policy);
    }

    /// Wait for background merges, so the process leaves a tidy index.
    pub fn finish(self) -> Result<()> {
        self.w
            .wait_merging_threads()
            .context("index merge failed")?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::state;
    use std::path::Path;

    fn count(ix: &NewsIndex, file: &str) -> usize {
        let searcher = ix.reader().unwrap().searcher();
        state::ids(&searcher)
            .unwrap()
            .iter()
            .filter(|id| *id == file)
            .count()
    }

    /// Merge all committed segments, those without deletes first.
    #[derive(Debug)]
    struct CleanFirst;

    impl MergePolicy for CleanFirst {
        fn compute_merge_candidates(&self, segments: &[SegmentMeta]) -> Vec<MergeCandidate> {
            if segments.len() < 2 {
                return Vec::new();
            }
            let mut ids: Vec<(bool, SegmentId)> =
                segments.iter().map(|m| (m.has_deletes(), m.id())).collect();
            ids.sort_by_key(|(deletes, _)| *deletes);
            vec![MergeCandidate(ids.into_iter().map(|(_, id)| id).collect())]
        }
    }

    /// The regression the kill test found (see `burn_committed_opstamp`):
    /// a changed file's old version came back when a merge of committed
    /// segments started before the writer's first commit.
    #[test]
    fn a_replaced_file_stays_replaced_when_old_segments_merge() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = Path::new("/corpus");
        let ix = NewsIndex::create(dir.path(), corpus).unwrap();
        let stamp = || Stamp::current(Some(corpus));
        let doc = |f: &str, v: u32| {
            NewsDoc::for_test(f, &format!("{f} version {v}"), "Ministers met on Monday.")
        };
        // Segment A: files one of which is replaced at the next commit, so
        // A records its deletes as of that commit. Segment B: new files. No
        // merges yet.
        let mut w = Writer::new(&ix, stamp()).unwrap();
        w.merging_by(Box::new(tantivy::indexer::NoMergePolicy));
        for f in ["a1", "a2", "a3", "a4", "a5"] {
            w.add(&doc(f, 1)).unwrap();
        }
        w.commit().unwrap();
        w.delete_file("a1");
        for (f, v) in [("a1", 2), ("b1", 1), ("b2", 1)] {
            w.add(&doc(f, v)).unwrap();
        }
        w.commit().unwrap();
        w.finish().unwrap();
        assert_eq!(ix.reader().unwrap().searcher().segment_readers().len(), 2);

        // A new writer whose first operation replaces a file of A; its
        // commit starts a merge of A and B, B first.
        let mut w = Writer::new(&ix, stamp()).unwrap();
        w.merging_by(Box::new(CleanFirst));
        w.delete_file("a2");
        w.add(&doc("a2", 2)).unwrap();
        w.commit().unwrap();
        w.finish().unwrap();

        let searcher = ix.reader().unwrap().searcher();
        assert_eq!(searcher.segment_readers().len(), 1, "A and B merged");
        assert_eq!(count(&ix, "a2"), 1, "a2 once, not its old version too");
        assert_eq!(count(&ix, "a1"), 1);
        assert_eq!(searcher.num_docs(), 7);
    }

    /// The last commit of a run merges what the run left into few
    /// segments, and every document is still there once.
    #[test]
    fn the_last_commit_merges_a_bulk_runs_segments() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = Path::new("/corpus");
        let ix = NewsIndex::create(dir.path(), corpus).unwrap();
        let mut w = Writer::new(&ix, Stamp::current(Some(corpus))).unwrap();
        w.merging_by(Box::new(tantivy::indexer::NoMergePolicy));
        for seg in 0..4 {
            for i in 0..5 {
                let f = format!("s{seg}-{i}");
                w.add(&NewsDoc::for_test(&f, &f, "Ministers met on Monday."))
                    .unwrap();
            }
            w.commit().unwrap();
        }
        let segments = || ix.reader().unwrap().searcher().segment_readers().len();
        assert_eq!(segments(), 4);
        w.merge_for_search();
        w.commit().unwrap();
        w.finish().unwrap();
        assert_eq!(segments(), 1);
        assert_eq!(count(&ix, "s3-4"), 1);
        assert_eq!(ix.reader().unwrap().searcher().num_docs(), 20);
    }

    #[test]
    #[allow(clippy::single_range_in_vec_init)] // lists of groups, some of one
    fn merges_group_similar_sizes_within_the_budget() {
        for (sizes, max, want) in [
            (vec![], 100, vec![]),
            (vec![10], 100, vec![]),
            (vec![10, 10], 100, vec![0..2]),
            // A small commit does not rewrite a big segment.
            (vec![1, 50], 100, vec![]),
            (vec![1, 1, 50], 100, vec![0..2]),
            // Binary counter: 1+1 -> 2, then 2+2 with it.
            (vec![1, 1, 2], 100, vec![0..3]),
            // The budget caps a group; what is left may form another.
            (vec![30, 30, 30, 30], 100, vec![0..3]),
            (vec![30, 30, 40, 40], 70, vec![0..2]),
            (vec![30, 30, 40, 40], 80, vec![0..2, 2..4]),
            (vec![60, 60], 100, vec![]),
            (vec![10, 15], 100, vec![0..2]),
            (vec![10, 25], 100, vec![]),
            (vec![0, 0, 5], 100, vec![0..2]),
        ] {
            let want: Vec<std::ops::Range<usize>> = want;
            assert_eq!(plan_merges(&sizes, max), want, "sizes {sizes:?} max {max}");
        }
    }
}
