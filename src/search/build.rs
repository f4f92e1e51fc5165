//! Query tree → tantivy query. Bare words search the model's default fields
//! with their boosts; each field's words go through that field's analyzer
//! (the same [`highlight::analyze`] the highlighter uses, so marks agree with
//! matches). Filters (`--since`, `--country`, …) are added as non-scoring
//! clauses.

use super::bm25f::{Bm25fQuery, FieldTerm};
use super::highlight::{Analyzer, analyze, joined};
use super::query::{Leaf, LeafKind, Node, is_stop_word};
use super::union::FieldUnion;
use crate::index::schema::{date_to_tantivy, names};
use crate::model::Model;
use anyhow::{Result, anyhow, bail};
use chrono::NaiveDate;
use std::ops::Bound;
use tantivy::Term;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, FuzzyTermQuery, Occur,
    PhrasePrefixQuery, PhraseQuery, Query, RangeQuery, RegexQuery, TermQuery,
};
use tantivy::schema::{Field, FieldType as TField, IndexRecordOption, Schema};

/// Filters that narrow a search without changing its ranking.
#[derive(Clone, Debug, Default)]
pub struct Filters {
    pub since: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
    /// ISO codes; every one must be present.
    pub countries: Vec<String>,
    /// Names; every one must be present.
    pub ministers: Vec<String>,
    /// Sections (first folders); a document is in one, so two never match.
    pub sections: Vec<String>,
}

/// Build the tantivy query for `root` under `filters`.
pub fn build(schema: &Schema, root: &Node, filters: &Filters) -> Result<Box<dyn Query>> {
    let main = Builder { schema }
        .node(root)?
        .unwrap_or_else(|| Box::new(EmptyQuery));
    filtered(schema, main, filters)
}

/// `main` with `filters` applied: only what they let through matches, and
/// they add nothing to the score.
pub fn filtered(
    schema: &Schema,
    main: Box<dyn Query>,
    filters: &Filters,
) -> Result<Box<dyn Query>> {
    let b = Builder { schema };
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    if filters.since.is_some() || filters.until.is_some() {
        clauses.push((Occur::Must, b.date_range(filters.since, filters.until)?));
    }
    for code in &filters.countries {
        let f = b.field(names::COUNTRY_CODES)?;
        clauses.push((
            Occur::Must,
            Box::new(TermQuery::new(
                Term::from_field_text(f, code),
                IndexRecordOption::Basic,
            )),
        ));
    }
    for name in &filters.ministers {
        let leaf = Leaf {
            field: Some(names::MINISTERS.into()),
            kind: LeafKind::Phrase,
            text: name.clone(),
        };
        let q = b
            .leaf(&leaf)?
            .ok_or_else(|| anyhow!("--minister {name:?} has no words to search for"))?;
        clauses.push((Occur::Must, q));
    }
    for section in &filters.sections {
        let leaf = Leaf {
            field: Some(names::SECTION.into()),
            kind: LeafKind::Word,
            text: section.clone(),
        };
        let q = b
            .leaf(&leaf)?
            .ok_or_else(|| anyhow!("section {section:?} is empty"))?;
        clauses.push((Occur::Must, q));
    }
    if clauses.is_empty() {
        return Ok(main);
    }
    // Filters score zero, so the ranking is that of the query alone.
    let mut all: Vec<(Occur, Box<dyn Query>)> = clauses
        .into_iter()
        .map(|(o, q)| (o, Box::new(ConstScoreQuery::new(q, 0.0)) as Box<dyn Query>))
        .collect();
    all.push((Occur::Must, main));
    Ok(Box::new(BooleanQuery::new(all)))
}

/// How far apart (in words, beyond adjacent) two query words may be in a
/// body for the proximity bonus.
const PROXIMITY_SLOP: u32 = 4;

struct Builder<'a> {
    schema: &'a Schema,
}

impl Builder<'_> {
    fn field(&self, name: &str) -> Result<Field> {
        self.schema.get_field(name).map_err(|_| {
            anyhow!("the index has no field `{name}`; rebuild it with `newsidx index --rebuild`")
        })
    }

    /// `None` when the node has no words that any field can match (e.g. a
    /// lone punctuation mark): it is then left out of its group.
    fn node(&self, n: &Node) -> Result<Option<Box<dyn Query>>> {
        Ok(match n {
            Node::Leaf(l) => self.leaf(l)?,
            Node::Date(from, to) => Some(self.date_range(Some(*from), Some(*to))?),
            Node::All => Some(Box::new(AllQuery)),
            Node::Must(c) => self.node(c)?,
            Node::Not(c) => self.node(c)?.map(|q| boolean(vec![(Occur::MustNot, q)])),
            Node::And(v) => self.group(v, Occur::Must)?,
            Node::Or(v) => self.group(v, Occur::Should)?,
        })
    }

    fn group(&self, children: &[Node], occur: Occur) -> Result<Option<Box<dyn Query>>> {
        let mut clauses = Vec::new();
        for c in children {
            let (o, inner) = match c {
                Node::Not(x) => (Occur::MustNot, &**x),
                Node::Must(x) => (Occur::Must, &**x),
                x => (occur, x),
            };
            if let Some(q) = self.node(inner)? {
                clauses.push((o, q));
            }
        }
        if !clauses.is_empty() {
            clauses.extend(self.proximity(children)?);
        }
        Ok((!clauses.is_empty()).then(|| boolean(clauses)))
    }

    /// For bare words side by side in a group (`oil prices`, `crude OR
    /// oil`): a bonus for documents whose body has each neighbouring pair
    /// close together (within `PROXIMITY_SLOP` words, in either order), as a
    /// scoring-only clause weighted by the model's `proximity`.
    fn proximity(&self, children: &[Node]) -> Result<Vec<(Occur, Box<dyn Query>)>> {
        let weight = Model::get().proximity;
        if weight <= 0.0 {
            return Ok(Vec::new());
        }
        let body = self.field(names::BODY)?;
        let Some(analyzer) = Model::get().field(names::BODY).and_then(Analyzer::of) else {
            return Ok(Vec::new());
        };
        let mut words: Vec<String> = Vec::new();
        for c in children {
            if let Node::Leaf(l) = c
                && l.field.is_none()
                && l.kind == LeafKind::Word
                && !is_stop_word(&l.text)
                && let [(_, w)] = analyze(analyzer, &l.text).as_slice()
            {
                words.push(w.clone());
            }
        }
        let mut out: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for pair in words.windows(2) {
            if pair[0] == pair[1] {
                continue;
            }
            let phrase = PhraseQuery::new_with_offset_and_slop(
                vec![
                    (0, Term::from_field_text(body, &pair[0])),
                    (1, Term::from_field_text(body, &pair[1])),
                ],
                PROXIMITY_SLOP,
            );
            out.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(phrase), weight)),
            ));
        }
        Ok(out)
    }

    fn leaf(&self, l: &Leaf) -> Result<Option<Box<dyn Query>>> {
        let Some(name) = &l.field else {
            if l.kind == LeafKind::Word
                && let Some(q) = self.bm25f(l)?
            {
                return Ok(Some(q));
            }
            let mut should: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            for (def, boost) in Model::get().default_fields() {
                if let Some(q) = self.on_field(&def.name, l)? {
                    let q: Box<dyn Query> = if boost == 1.0 {
                        q
                    } else {
                        Box::new(BoostQuery::new(q, boost))
                    };
                    should.push((Occur::Should, q));
                }
            }
            return Ok(match should.len() {
                0 => None,
                1 => should.pop().map(|(_, q)| q),
                _ => Some(Box::new(FieldUnion::new(
                    should.into_iter().map(|(_, q)| q).collect(),
                ))),
            });
        };
        self.on_field(name, l)
    }

    /// A bare word that is one word in every default field: one BM25F
    /// query over them (`None` when some field makes more than one word of
    /// it, which is then a phrase per field).
    fn bm25f(&self, l: &Leaf) -> Result<Option<Box<dyn Query>>> {
        let model = Model::get();
        let mut fields = Vec::new();
        for (def, weight) in model.default_fields() {
            let Some(a) = Analyzer::of(def) else {
                continue;
            };
            let words = analyze(a, &l.text);
            match words.as_slice() {
                [] => {}
                [(_, w)] => {
                    if weight > 0.0 {
                        fields.push(FieldTerm {
                            term: Term::from_field_text(self.field(&def.name)?, w),
                            weight,
                            b: def.b.unwrap_or(0.75),
                        });
                    }
                }
                _ => return Ok(None),
            }
        }
        Ok((!fields.is_empty())
            .then(|| Box::new(Bm25fQuery::new(fields, model.k1)) as Box<dyn Query>))
    }

    fn on_field(&self, name: &str, l: &Leaf) -> Result<Option<Box<dyn Query>>> {
        let def = Model::get()
            .field(name)
            .ok_or_else(|| anyhow!("unknown field `{name}`"))?;
        let field = self.field(name)?;
        let Some(a) = Analyzer::of(def) else {
            return Ok(Some(self.exact(field, l)?));
        };
        let words = analyze(a, &l.text);
        let Some(&(first, _)) = words.first() else {
            return Ok(None);
        };
        let term = |w: &str| Term::from_field_text(field, w);
        let q: Box<dyn Query> = match l.kind {
            LeafKind::Fuzzy(d) => {
                let raw = analyze(Analyzer::Name, &l.text);
                let [(_, w)] = raw.as_slice() else {
                    bail!("a fuzzy term is one word: '{}~' has {}", l.text, raw.len());
                };
                Box::new(FuzzyTermQuery::new(term(w), d, true))
            }
            LeafKind::Prefix => {
                let raw = analyze(Analyzer::Name, &l.text);
                match (words.len(), raw.last()) {
                    (1, Some((_, w))) => prefix_query(field, w)?,
                    (_, Some((_, w))) => {
                        let mut terms: Vec<(usize, Term)> = words[..words.len() - 1]
                            .iter()
                            .map(|(p, w)| (p - first, term(w)))
                            .collect();
                        let last = words.last().map(|(p, _)| p - first).unwrap_or(0);
                        terms.push((last, term(w)));
                        self.need_positions(field, name)?;
                        Box::new(PhrasePrefixQuery::new_with_offset(terms))
                    }
                    _ => return Ok(None),
                }
            }
            LeafKind::Word | LeafKind::Phrase => {
                if words.len() == 1 {
                    Box::new(TermQuery::new(
                        term(&words[0].1),
                        IndexRecordOption::WithFreqs,
                    ))
                } else {
                    self.need_positions(field, name)?;
                    let phrase: Box<dyn Query> = Box::new(PhraseQuery::new_with_offset(
                        words.iter().map(|(p, w)| (p - first, term(w))).collect(),
                    ));
                    // A compound typed as a word (`co-operation`) also finds
                    // its parts written as one word (`cooperation`).
                    match (l.kind, joined(a, &l.text)) {
                        (LeafKind::Word, Some(j)) => Box::new(BooleanQuery::new(vec![
                            (
                                Occur::Should,
                                Box::new(TermQuery::new(term(&j), IndexRecordOption::WithFreqs))
                                    as Box<dyn Query>,
                            ),
                            (Occur::Should, phrase),
                        ])),
                        _ => phrase,
                    }
                }
            }
        };
        Ok(Some(q))
    }

    fn need_positions(&self, field: Field, name: &str) -> Result<()> {
        let entry = self.schema.get_field_entry(field);
        let ok = match entry.field_type() {
            TField::Str(o) => o
                .get_indexing_options()
                .is_some_and(|i| i.index_option().has_positions()),
            _ => false,
        };
        if !ok {
            bail!("field {name} keeps no word positions, so it cannot match a phrase");
        }
        Ok(())
    }

    /// String fields hold one untokenized value: the text must match it
    /// whole (or as a prefix / within a distance).
    fn exact(&self, field: Field, l: &Leaf) -> Result<Box<dyn Query>> {
        let t = Term::from_field_text(field, &l.text);
        Ok(match l.kind {
            LeafKind::Word | LeafKind::Phrase => {
                Box::new(TermQuery::new(t, IndexRecordOption::Basic))
            }
            LeafKind::Fuzzy(d) => Box::new(FuzzyTermQuery::new(t, d, true)),
            LeafKind::Prefix => prefix_query(field, &l.text)?,
        })
    }

    fn date_range(&self, from: Option<NaiveDate>, to: Option<NaiveDate>) -> Result<Box<dyn Query>> {
        let f = self.field(names::DATE)?;
        let term = |d: NaiveDate| Term::from_field_date_for_search(f, date_to_tantivy(d));
        let lower = from.map_or(Bound::Unbounded, |d| Bound::Included(term(d)));
        // Dates are midnights: up to and including `to` = before the next day.
        let upper = match to {
            None => Bound::Unbounded,
            Some(d) => match d.succ_opt() {
                Some(next) => Bound::Excluded(term(next)),
                None => Bound::Included(term(d)),
            },
        };
        Ok(Box::new(RangeQuery::new(lower, upper)))
    }
}

fn prefix_query(field: Field, prefix: &str) -> Result<Box<dyn Query>> {
    let pattern = format!("{}.*", regex::escape(prefix));
    Ok(Box::new(
        RegexQuery::from_pattern(&pattern, field)
            .map_err(|e| anyhow!("cannot search for the prefix '{prefix}*': {e}"))?,
    ))
}

/// A boolean query; one made only of exclusions excludes from every document
/// (tantivy would otherwise match nothing).
fn boolean(mut clauses: Vec<(Occur, Box<dyn Query>)>) -> Box<dyn Query> {
    if clauses.iter().all(|(o, _)| *o == Occur::MustNot) {
        clauses.push((Occur::Must, Box::new(AllQuery)));
    }
    if clauses.len() == 1
        && clauses[0].0 != Occur::MustNot
        && let Some((_, q)) = clauses.pop()
    {
        return q;
    }
    Box::new(BooleanQuery::new(clauses))
}
