//! One word searched in several fields, scored as BM25F: the word's
//! frequency in each field, weighted by the field's weight and normalised
//! by the field's own length, is summed into one frequency, which is then
//! saturated once (Robertson, Zaragoza and Taylor, "Simple BM25 extension to
//! multiple weighted fields", CIKM 2004):
//!
//! ```text
//! tf~   = Σ_f  w_f · tf_f / (1 − b_f + b_f · len_f / avglen_f)
//! score = idf · tf~ · (k1 + 1) / (k1 + tf~)
//! idf   = ln(1 + (N − df + 0.5) / (df + 0.5)),  df = the largest of the fields' document frequencies
//! ```
//!
//! Summing BM25 scores field by field (what a boolean union of per-field
//! term queries does) saturates every field on its own, so a word met once
//! in a short field (a title, a list of country names) is worth nearly a
//! full BM25 score of its own on top of the body's: an article that merely
//! names the United States outranked one about the query when a query word
//! was "states". Here a field adds to the word's frequency, and the
//! frequency saturates once.
//!
//! Like `union::FieldUnion`, the scorer moves only as far as it is asked to:
//! a seek moves each field's postings to the target and nothing is scored
//! until asked.

use std::sync::Arc;
use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, Term};

/// How one field takes part: its term, weight and length normalisation.
#[derive(Clone, Debug)]
pub struct FieldTerm {
    pub term: Term,
    /// The field's weight w_f (a frequency multiplier).
    pub weight: f32,
    /// Length normalisation b_f, 0 (none) to 1 (full).
    pub b: f32,
}

/// One word over several fields; see the module documentation.
#[derive(Clone, Debug)]
pub struct Bm25fQuery {
    fields: Vec<FieldTerm>,
    k1: f32,
}

impl Bm25fQuery {
    pub fn new(fields: Vec<FieldTerm>, k1: f32) -> Bm25fQuery {
        Bm25fQuery { fields, k1 }
    }
}

fn idf(doc_freq: u64, docs: u64) -> Score {
    let df = doc_freq.min(docs) as Score;
    let x = (docs as Score - df + 0.5) / (df + 0.5);
    (1.0 + x).ln()
}

impl Query for Bm25fQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let mut parts = Vec::with_capacity(self.fields.len());
        let mut idf_value: Score = 1.0;
        match scoring {
            EnableScoring::Enabled {
                statistics_provider: stats,
                ..
            } => {
                let docs = stats.total_num_docs()?.max(1);
                let mut df = 0u64;
                for f in &self.fields {
                    df = df.max(stats.doc_freq(&f.term)?);
                    let tokens = stats.total_num_tokens(f.term.field())?;
                    let avg = (tokens as Score / docs as Score).max(1.0);
                    parts.push((f.clone(), norm_cache(f.weight, f.b, avg)));
                }
                idf_value = idf(df, docs);
            }
            EnableScoring::Disabled { .. } => {
                for f in &self.fields {
                    parts.push((f.clone(), norm_cache(f.weight, 0.0, 1.0)));
                }
            }
        }
        Ok(Box::new(Bm25fWeight {
            parts,
            idf: idf_value,
            k1: self.k1,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for f in &self.fields {
            visitor(&f.term, false);
        }
    }
}

/// w_f / (1 − b + b · len / avglen) for every fieldnorm id.
fn norm_cache(weight: f32, b: f32, avg: Score) -> Arc<[Score; 256]> {
    let mut cache = [0.0; 256];
    for (id, slot) in cache.iter_mut().enumerate() {
        let len = FieldNormReader::id_to_fieldnorm(id as u8) as Score;
        *slot = weight / (1.0 - b + b * len / avg);
    }
    Arc::new(cache)
}

struct Bm25fWeight {
    parts: Vec<(FieldTerm, Arc<[Score; 256]>)>,
    idf: Score,
    k1: Score,
}

impl Weight for Bm25fWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut parts = Vec::with_capacity(self.parts.len());
        for (f, cache) in &self.parts {
            let field = f.term.field();
            let Some(postings) = reader
                .inverted_index(field)?
                .read_postings(&f.term, IndexRecordOption::WithFreqs)?
            else {
                continue;
            };
            if postings.doc() == TERMINATED {
                continue;
            }
            parts.push(Part {
                postings,
                norms: reader.get_fieldnorms_reader(field)?,
                cache: cache.clone(),
            });
        }
        if parts.is_empty() {
            return Ok(Box::new(EmptyScorer));
        }
        let mut s = Bm25fScorer {
            parts,
            doc: TERMINATED,
            factor: boost * self.idf * (self.k1 + 1.0),
            k1: self.k1,
        };
        s.settle();
        Ok(Box::new(s))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} does not match"
            )));
        }
        let mut e = Explanation::new("BM25F: idf · tf~ · (k1 + 1) / (k1 + tf~)", scorer.score());
        e.add_const("idf", self.idf);
        e.add_const("k1", self.k1);
        Ok(e)
    }
}

struct Part {
    postings: SegmentPostings,
    norms: FieldNormReader,
    cache: Arc<[Score; 256]>,
}

struct Bm25fScorer {
    /// Each field's postings; an exhausted one is at `TERMINATED`.
    parts: Vec<Part>,
    doc: DocId,
    /// boost · idf · (k1 + 1).
    factor: Score,
    k1: Score,
}

impl Bm25fScorer {
    fn settle(&mut self) -> DocId {
        self.doc = self
            .parts
            .iter()
            .map(|p| p.postings.doc())
            .min()
            .unwrap_or(TERMINATED);
        self.doc
    }

    /// The weighted, length-normalised frequency tf~ of the current document.
    fn tf(&self) -> Score {
        let at = self.doc;
        let mut tf: Score = 0.0;
        for p in &self.parts {
            if p.postings.doc() == at {
                tf += p.postings.term_freq() as Score
                    * p.cache[usize::from(p.norms.fieldnorm_id(at))];
            }
        }
        tf
    }
}

impl DocSet for Bm25fScorer {
    fn advance(&mut self) -> DocId {
        let at = self.doc;
        if at == TERMINATED {
            return TERMINATED;
        }
        for p in &mut self.parts {
            if p.postings.doc() == at {
                p.postings.advance();
            }
        }
        self.settle()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        for p in &mut self.parts {
            if p.postings.doc() < target {
                p.postings.seek(target);
            }
        }
        self.settle()
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.parts
            .iter()
            .map(|p| p.postings.size_hint())
            .max()
            .unwrap_or(0)
    }

    fn cost(&self) -> u64 {
        self.parts.iter().map(|p| p.postings.cost()).sum()
    }
}

impl Scorer for Bm25fScorer {
    fn score(&mut self) -> Score {
        let tf = self.tf();
        self.factor * tf / (self.k1 + tf)
    }
}
