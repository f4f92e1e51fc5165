//! One word searched in several fields: a union that scores a document as
//! the sum of its fields' scores, like a `BooleanQuery` of SHOULD clauses,
//! but that moves only as far as it is asked to.
//!
//! tantivy's union scorer works in windows of 4,096 documents: each `seek`
//! past its window scores every document of the next window in every field.
//! A bare word becomes such a union (title, body, names, countries), and a
//! query of several words is an intersection of them, which seeks: for
//! `oil prices` on Reuters, a fifth of a search's instructions went to
//! scoring documents the other word then ruled out. Here a seek moves each
//! field's postings to the target and nothing is scored until asked. With
//! two to four fields a linear scan for the smallest document is cheapest.
//!
//! Scores are the same, bit for bit: the fields' scores are added in clause
//! order, starting from zero, as tantivy's sum combiner does.

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, Term};

/// The union of `clauses`, each a query on one field.
#[derive(Debug)]
pub struct FieldUnion {
    clauses: Vec<Box<dyn Query>>,
}

impl FieldUnion {
    pub fn new(clauses: Vec<Box<dyn Query>>) -> FieldUnion {
        FieldUnion { clauses }
    }
}

impl Clone for FieldUnion {
    fn clone(&self) -> Self {
        FieldUnion {
            clauses: self.clauses.iter().map(|q| q.box_clone()).collect(),
        }
    }
}

impl Query for FieldUnion {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let weights = self
            .clauses
            .iter()
            .map(|q| q.weight(scoring))
            .collect::<tantivy::Result<Vec<_>>>()?;
        Ok(Box::new(UnionWeight { weights }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for q in &self.clauses {
            q.query_terms(visitor);
        }
    }
}

struct UnionWeight {
    weights: Vec<Box<dyn Weight>>,
}

impl Weight for UnionWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut scorers = Vec::with_capacity(self.weights.len());
        for w in &self.weights {
            let s = w.scorer(reader, boost)?;
            // A field without the word is not part of the union.
            if s.doc() != TERMINATED {
                scorers.push(s);
            }
        }
        Ok(match scorers.len() {
            1 => scorers.swap_remove(0),
            _ => Box::new(UnionScorer::new(scorers)),
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} does not match"
            )));
        }
        let mut e = Explanation::new("sum of the fields that match", scorer.score());
        for w in &self.weights {
            if let Ok(sub) = w.explain(reader, doc) {
                e.add_detail(sub);
            }
        }
        Ok(e)
    }
}

struct UnionScorer {
    /// Each field's postings; an exhausted one is at `TERMINATED`.
    scorers: Vec<Box<dyn Scorer>>,
    doc: DocId,
}

impl UnionScorer {
    fn new(scorers: Vec<Box<dyn Scorer>>) -> UnionScorer {
        let mut u = UnionScorer {
            scorers,
            doc: TERMINATED,
        };
        u.settle();
        u
    }

    /// Put the union on the smallest document of its fields.
    fn settle(&mut self) -> DocId {
        self.doc = self
            .scorers
            .iter()
            .map(|s| s.doc())
            .min()
            .unwrap_or(TERMINATED);
        self.doc
    }
}

impl DocSet for UnionScorer {
    fn advance(&mut self) -> DocId {
        let at = self.doc;
        if at == TERMINATED {
            return TERMINATED;
        }
        for s in &mut self.scorers {
            if s.doc() == at {
                s.advance();
            }
        }
        self.settle()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        for s in &mut self.scorers {
            if s.doc() < target {
                s.seek(target);
            }
        }
        self.settle()
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.scorers
            .iter()
            .map(|s| s.size_hint())
            .max()
            .unwrap_or(0)
    }

    fn cost(&self) -> u64 {
        self.scorers.iter().map(|s| s.cost()).sum()
    }
}

impl Scorer for UnionScorer {
    fn score(&mut self) -> Score {
        let at = self.doc;
        let mut sum: Score = 0.0;
        for s in &mut self.scorers {
            if s.doc() == at {
                sum += s.score();
            }
        }
        sum
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::{Count, TopDocs};
    use tantivy::query::{BooleanQuery, BoostQuery, Occur, TermQuery};
    use tantivy::schema::{IndexRecordOption, STORED, Schema, TEXT};
    use tantivy::{Index, TantivyDocument, doc};

    /// The same documents, scores and count as a `BooleanQuery` of SHOULD
    /// clauses, alone and inside an intersection, over several segments and
    /// with deletes.
    #[test]
    fn same_hits_and_scores_as_a_boolean_union() -> tantivy::Result<()> {
        let mut b = Schema::builder();
        let title = b.add_text_field("title", TEXT | STORED);
        let body = b.add_text_field("body", TEXT);
        let index = Index::create_in_ram(b.build());
        let mut w = index.writer::<TantivyDocument>(15_000_000)?;
        let words = ["oil", "prices", "rose", "fell", "gold", "wheat"];
        for i in 0..400usize {
            let pick = |k: usize| words[(i * 7 + k * 3 + i / 5) % words.len()];
            let t = format!("{} {}", pick(0), pick(1));
            let bd = format!("{} {} {} {}", pick(2), pick(3), pick(4), pick(i % 3));
            w.add_document(doc!(title => t, body => bd))?;
            if i % 100 == 99 {
                w.commit()?;
            }
        }
        w.delete_term(Term::from_field_text(title, "gold"));
        w.commit()?;
        let searcher = index.reader()?.searcher();
        assert!(searcher.segment_readers().len() > 1);

        let clauses = |word: &str| -> Vec<Box<dyn Query>> {
            vec![
                Box::new(BoostQuery::new(
                    Box::new(TermQuery::new(
                        Term::from_field_text(title, word),
                        IndexRecordOption::WithFreqs,
                    )),
                    3.0,
                )),
                Box::new(TermQuery::new(
                    Term::from_field_text(body, word),
                    IndexRecordOption::WithFreqs,
                )),
            ]
        };
        let ours = |word: &str| -> Box<dyn Query> { Box::new(FieldUnion::new(clauses(word))) };
        let theirs = |word: &str| -> Box<dyn Query> {
            Box::new(BooleanQuery::new(
                clauses(word)
                    .into_iter()
                    .map(|q| (Occur::Should, q))
                    .collect(),
            ))
        };
        let and = |f: &dyn Fn(&str) -> Box<dyn Query>, a: &str, c: &str| -> Box<dyn Query> {
            Box::new(BooleanQuery::new(vec![
                (Occur::Must, f(a)),
                (Occur::Must, f(c)),
            ]))
        };
        let cases: Vec<(Box<dyn Query>, Box<dyn Query>)> = vec![
            (ours("oil"), theirs("oil")),
            (ours("wheat"), theirs("wheat")),
            (and(&ours, "oil", "prices"), and(&theirs, "oil", "prices")),
            (and(&ours, "rose", "gold"), and(&theirs, "rose", "gold")),
            (and(&ours, "fell", "absent"), and(&theirs, "fell", "absent")),
        ];
        let mut matched = 0;
        for (a, b) in cases {
            let top = || TopDocs::with_limit(1000).order_by_score();
            let (mine, n) = searcher.search(a.as_ref(), &(top(), Count))?;
            let (want, m) = searcher.search(b.as_ref(), &(top(), Count))?;
            assert_eq!(n, m);
            matched += n;
            let key = |v: Vec<(Score, tantivy::DocAddress)>| {
                let mut v: Vec<(u32, tantivy::DocAddress)> =
                    v.into_iter().map(|(s, d)| (s.to_bits(), d)).collect();
                v.sort_by_key(|(_, d)| (d.segment_ord, d.doc_id));
                v
            };
            assert_eq!(key(mine), key(want), "{a:?}");
            assert_eq!(a.count(&searcher)?, b.count(&searcher)?);
        }
        assert!(matched > 100, "the cases match documents: {matched}");
        Ok(())
    }
}
