//! Writing documents: a tantivy IndexWriter with a fixed memory budget,
//! adds, deletes by file, and commits that carry the index stamp.
//!
//! A file's delete and its new documents are always sent before the same
//! commit (callers commit only between files), so every commit, and thus
//! every state a crash can leave, holds each file exactly once.

use super::lock::Locked;
use super::{NewsIndex, Stamp};
use crate::document::NewsDoc;
use anyhow::{Context, Result};
use tantivy::{IndexWriter, TantivyDocument, Term};

/// Memory the writer may use for its in-memory segments, in all.
pub const WRITER_HEAP_BYTES: usize = 64 * 1024 * 1024;

pub struct Writer {
    w: IndexWriter<TantivyDocument>,
    fields: super::schema::Fields,
    stamp: Stamp,
}

pub use super::lock::LOCKED;

impl Writer {
    pub fn new(ix: &NewsIndex, stamp: Stamp) -> Result<Writer> {
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .clamp(1, 2);
        let w = ix
            .index
            .writer_with_num_threads(threads, WRITER_HEAP_BYTES)
            .map_err(|e| match e {
                // Another program writing with tantivy itself (an older
                // newsidx, tantivy-cli): the same story for the user.
                tantivy::TantivyError::LockFailure(..) => Locked {
                    dir: ix.dir.clone(),
                }
                .into(),
                e => anyhow::Error::new(e)
                    .context(format!("cannot write to the index at {}", ix.dir.display())),
            })?;
        Ok(Writer {
            w,
            fields: ix.fields.clone(),
            stamp,
        })
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
        Ok(())
    }

    /// The stamp later commits carry.
    pub fn set_stamp(&mut self, stamp: Stamp) {
        self.stamp = stamp;
    }

    /// Persist everything added so far, with the stamp as payload.
    pub fn commit(&mut self) -> Result<()> {
        let payload = serde_json::to_string(&self.stamp)?;
        let mut prepared = self.w.prepare_commit().context("cannot prepare a commit")?;
        prepared.set_payload(&payload);
        prepared.commit().context("cannot commit to the index")?;
        Ok(())
    }

    /// Wait for background merges, so the process leaves a tidy index.
    pub fn finish(self) -> Result<()> {
        self.w
            .wait_merging_threads()
            .context("index merge failed")?;
        Ok(())
    }
}
