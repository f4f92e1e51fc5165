//! Saved queries with expectations (`newsidx check QUERIES.toml`): the file
//! format, the judgment of one query's plain results against its
//! expectations (pure), and [`run`], which asks `search` for what judging
//! needs — the hits in the window, facet counts over every match — and
//! returns a [`Verdict`] per query for `render::check`.
//!
//! ```toml
//! [[query]]
//! name = "rare earth pact ranks first"
//! q = '"rare earth"'
//! min_hits = 3                       # at least this many matching documents
//! max_hits = 10                      # at most this many
//! first = "energy/india-japan-rare-earth-pact.txt"   # the top hit
//! top_k = 5                          # window for must_include (default 10)
//! must_include = ["energy/japan-vietnam-nuclear-rare-earth-deal.txt"]
//! must_not_include = ["economy/thanksgiving-turkey-prices-record.txt"]  # anywhere
//! default_operator = "or"            # how bare terms combine (default and)
//! top_facet = { section = "energy" } # most frequent value among all hits
//! ```

use crate::backend::Backend;
use crate::search::facets::Facet;
use crate::search::hit::FacetCount;
use crate::search::{self, DefaultOperator, Request};
use serde::Deserialize;
use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::time::Instant;

/// One saved query and what its results must look like.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SavedQuery {
    pub name: String,
    pub q: String,
    /// 1-based line of the query's `name` in the file.
    pub line: usize,
    pub default_operator: Option<DefaultOperator>,
    pub min_hits: Option<usize>,
    pub max_hits: Option<usize>,
    pub first: Option<String>,
    pub top_k: usize,
    pub must_include: Vec<String>,
    pub must_not_include: Vec<String>,
    pub top_facet: BTreeMap<Facet, String>,
}

impl SavedQuery {
    /// Every document id the expectations name.
    pub fn named_ids(&self) -> impl Iterator<Item = &String> {
        self.first
            .iter()
            .chain(&self.must_include)
            .chain(&self.must_not_include)
    }

    /// Whether judging this query needs the ids of every matching document,
    /// not only the first `top_k` (facets are counted over every match
    /// without them).
    pub fn needs_all_hits(&self) -> bool {
        !self.must_not_include.is_empty()
    }

    /// How many ranked hits judging needs when not all of them.
    pub fn window(&self) -> usize {
        let k = if self.must_include.is_empty() {
            0
        } else {
            self.top_k
        };
        // For `first`, a few more hits let a failure say where the id ranked.
        let first = if self.first.is_some() {
            DEFAULT_TOP_K
        } else {
            0
        };
        k.max(first).max(1)
    }
}

pub const DEFAULT_TOP_K: usize = 10;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    query: Vec<RawQuery>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuery {
    name: toml::Spanned<String>,
    q: String,
    default_operator: Option<DefaultOperator>,
    min_hits: Option<usize>,
    max_hits: Option<usize>,
    first: Option<String>,
    top_k: Option<usize>,
    #[serde(default)]
    must_include: Vec<String>,
    #[serde(default)]
    must_not_include: Vec<String>,
    #[serde(default)]
    top_facet: BTreeMap<Facet, String>,
}

/// A problem with a saved-queries file; displayed as `FILE: …` with a line.
#[derive(Debug, PartialEq, Eq)]
pub struct FileError {
    pub file: String,
    pub message: String,
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file, self.message)
    }
}

impl std::error::Error for FileError {}

/// Parse a saved-queries file; `file` names it in error messages.
pub fn parse_file(text: &str, file: &str) -> Result<Vec<SavedQuery>, FileError> {
    let err = |message: String| FileError {
        file: file.to_string(),
        message,
    };
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        // toml's message already names the line and column and draws the spot.
        err(format!("{}", e).trim_end().to_string())
    })?;
    if raw.query.is_empty() {
        return Err(err(
            "no saved queries; add at least one `[[query]]` table with `name` and `q`".into(),
        ));
    }
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for r in raw.query {
        let line = line_of(text, r.name.span().start);
        let problem = contradiction(&r);
        let name = r.name.into_inner();
        let at = |msg: String| err(format!("line {line}: query {name:?}: {msg}"));
        if name.trim().is_empty() {
            return Err(err(format!("line {line}: a query has an empty `name`")));
        }
        if !seen.insert(name.clone()) {
            return Err(at(
                "a query of this name comes earlier; names must be unique".into(),
            ));
        }
        problem.map_err(at)?;
        out.push(SavedQuery {
            name,
            q: r.q,
            line,
            default_operator: r.default_operator,
            min_hits: r.min_hits,
            max_hits: r.max_hits,
            first: r.first,
            top_k: r.top_k.unwrap_or(DEFAULT_TOP_K),
            must_include: r.must_include,
            must_not_include: r.must_not_include,
            top_facet: r.top_facet,
        });
    }
    Ok(out)
}

/// What makes a saved query impossible to judge or to pass: the message
/// (without the query's name and line, which the caller adds).
fn contradiction(r: &RawQuery) -> Result<(), String> {
    if r.q.trim().is_empty() {
        return Err("`q` is empty; write the query to run".into());
    }
    if let (Some(lo), Some(hi)) = (r.min_hits, r.max_hits)
        && lo > hi
    {
        return Err(format!(
            "min_hits ({lo}) is larger than max_hits ({hi}); no result could pass"
        ));
    }
    if r.top_k == Some(0) {
        return Err("top_k must be at least 1".into());
    }
    if r.top_k.is_some() && r.must_include.is_empty() {
        return Err("top_k is the window of must_include, which this query lacks".into());
    }
    if let Some(id) = r
        .must_include
        .iter()
        .find(|id| r.must_not_include.contains(id))
    {
        return Err(format!(
            "{id:?} is in both must_include and must_not_include"
        ));
    }
    if let Some((facet, _)) = r.top_facet.iter().find(|(_, v)| v.trim().is_empty()) {
        return Err(format!("top_facet.{} is empty", facet.name()));
    }
    if let Some(v) = r.top_facet.get(&Facet::Country)
        && let Err(e) = search::query::resolve_country(v.trim())
    {
        return Err(format!(
            "top_facet.country: {e} ({})",
            search::query::COUNTRY_HINT
        ));
    }
    Ok(())
}

fn line_of(text: &str, byte: usize) -> usize {
    text.get(..byte)
        .map_or(0, |s| s.bytes().filter(|b| *b == b'\n').count())
        + 1
}

/// What a search answered, as far as judging needs it.
#[derive(Clone, Debug, Default)]
pub struct Observed {
    pub total_hits: usize,
    /// Ids of the ranked hits fetched (all of them when the query
    /// [`needs_all_hits`](SavedQuery::needs_all_hits)).
    pub ranked: Vec<String>,
    /// Counts of every value per facet over all matching documents, largest
    /// first, as `search` counts them.
    pub facets: BTreeMap<Facet, Vec<FacetCount>>,
    /// Ids named by the expectations that no document of the index has:
    /// most likely typos, which must not let a query pass unnoticed.
    pub unknown_ids: HashSet<String>,
}

/// Why a query failed, one reason per unmet expectation; empty means pass.
pub fn judge(q: &SavedQuery, o: &Observed) -> Vec<String> {
    let mut why = Vec::new();
    if let Some(lo) = q.min_hits
        && o.total_hits < lo
    {
        why.push(format!("{} hits, expected at least {lo}", o.total_hits));
    }
    if let Some(hi) = q.max_hits
        && o.total_hits > hi
    {
        why.push(format!("{} hits, expected at most {hi}", o.total_hits));
    }
    let unknown = |id: &String| o.unknown_ids.contains(id);
    for id in q.named_ids().filter(|id| unknown(id)) {
        why.push(format!(
            "no document in the index has the id {id} (ids are paths relative to the corpus root)"
        ));
    }
    if let Some(first) = q.first.as_ref().filter(|id| !unknown(id)) {
        match o.ranked.first() {
            Some(top) if top == first => {}
            Some(top) => match rank_of(&o.ranked, first) {
                Some(r) => why.push(format!(
                    "{first} is ranked {r}, expected 1 (first is {top})"
                )),
                None => why.push(format!("{first} is not first (first is {top})")),
            },
            None => why.push(format!("{first} is not first: no hits")),
        }
    }
    let top: Vec<&String> = o.ranked.iter().take(q.top_k).collect();
    for id in q.must_include.iter().filter(|id| !unknown(id)) {
        if !top.contains(&id) {
            match rank_of(&o.ranked, id) {
                Some(r) => why.push(format!(
                    "{id} is ranked {r}, expected in the top {}",
                    q.top_k
                )),
                None => why.push(format!("{id} is not in the top {}", q.top_k)),
            }
        }
    }
    for id in &q.must_not_include {
        if let Some(r) = rank_of(&o.ranked, id) {
            why.push(format!("{id} matches (rank {r}), expected it not to"));
        }
    }
    for (facet, want) in &q.top_facet {
        let counts = o.facets.get(facet).map(Vec::as_slice).unwrap_or(&[]);
        let Some(max) = counts.first().map(|c| c.count) else {
            why.push(format!(
                "top {} is none (no hit has one), expected {want}",
                facet.name()
            ));
            continue;
        };
        // A tie for the top place passes: each tied value is "the" top value.
        let tops: Vec<&FacetCount> = counts.iter().filter(|c| c.count == max).collect();
        if !tops.iter().any(|c| is_wanted(*facet, c, want)) {
            let got: Vec<String> = tops
                .iter()
                .map(|c| format!("{} ({})", c.value, c.count))
                .collect();
            let own = counts
                .iter()
                .find(|c| is_wanted(*facet, c, want))
                .map_or(0, |c| c.count);
            why.push(format!(
                "top {} is {}, expected {want} ({own})",
                facet.name(),
                got.join(", ")
            ));
        }
    }
    why
}

/// Is this facet value the one a saved query names? A country goes through
/// the gazetteer like `--country` and `country:` ("BR", "Brazil" and
/// "brazilian" are one country).
fn is_wanted(facet: Facet, c: &FacetCount, want: &str) -> bool {
    let want = want.trim();
    if c.value.eq_ignore_ascii_case(want) {
        return true;
    }
    facet == Facet::Country
        && c.code.as_deref().is_some_and(|code| {
            search::query::resolve_country(want).is_ok_and(|w| w.eq_ignore_ascii_case(code))
        })
}

fn rank_of(ranked: &[String], id: &str) -> Option<usize> {
    ranked.iter().position(|r| r == id).map(|i| i + 1)
}

/// How one saved query fared.
#[derive(Debug)]
pub struct Verdict {
    pub query: SavedQuery,
    pub total_hits: usize,
    /// Unmet expectations; empty when the query passed.
    pub failures: Vec<String>,
    /// Set when the query could not run at all (e.g. a syntax error).
    pub error: Option<String>,
    pub took_ms: f64,
}

impl Verdict {
    pub fn passed(&self) -> bool {
        self.error.is_none() && self.failures.is_empty()
    }
}

/// Every saved query's verdict, and how long they took together.
#[derive(Debug)]
pub struct Report {
    pub verdicts: Vec<Verdict>,
    pub took_ms: f64,
}

impl Report {
    pub fn passed(&self) -> usize {
        self.verdicts.iter().filter(|v| v.passed()).count()
    }

    pub fn failed(&self) -> usize {
        self.verdicts.len() - self.passed()
    }

    /// Queries that could not run (each also counts as failed).
    pub fn errors(&self) -> usize {
        self.verdicts.iter().filter(|v| v.error.is_some()).count()
    }
}

/// Run each saved query against `ix` and judge it; a query that cannot run
/// is an error verdict, not the end of the run.
pub fn run(ix: &dyn Backend, queries: Vec<SavedQuery>) -> Report {
    let start = Instant::now();
    let verdicts = queries.into_iter().map(|q| run_one(ix, q)).collect();
    Report {
        verdicts,
        took_ms: start.elapsed().as_secs_f64() * 1000.0,
    }
}

fn run_one(ix: &dyn Backend, q: SavedQuery) -> Verdict {
    let start = Instant::now();
    let (total_hits, failures, error) = match observe(ix, &q) {
        Ok(o) => (o.total_hits, judge(&q, &o), None),
        Err(e) => (0, Vec::new(), Some(format!("{e:#}"))),
    };
    Verdict {
        query: q,
        total_hits,
        failures,
        error,
        took_ms: start.elapsed().as_secs_f64() * 1000.0,
    }
}

/// Run the query once, with as many ranked hits as its expectations need
/// and every value of the facets they name counted over all matches; a
/// second time for every ranked id only when `must_not_include` needs them.
fn observe(ix: &dyn Backend, q: &SavedQuery) -> anyhow::Result<Observed> {
    let facets: Vec<Facet> = q.top_facet.keys().copied().collect();
    let mut req = Request {
        query: q.q.clone(),
        limit: q.window(),
        default_operator: q.default_operator.unwrap_or_default(),
        facets: facets.clone(),
        facet_values: usize::MAX,
        // Judging never looks at snippets; keep them short and cheap.
        snippet_chars: 1,
        ..Request::default()
    };
    let mut results = ix.search(&req)?;
    let counted = std::mem::take(&mut results.facets);
    if q.needs_all_hits() && results.total_hits > results.hits.len() {
        req.limit = results.total_hits;
        req.facets.clear();
        results = ix.search(&req)?;
    }
    let mut unknown_ids = HashSet::new();
    for id in q.named_ids() {
        if ix.get_by_id(id)?.is_none() {
            unknown_ids.insert(id.clone());
        }
    }
    Ok(Observed {
        total_hits: results.total_hits,
        ranked: results.hits.into_iter().map(|h| h.doc.id).collect(),
        // `search` answers the facets in the order they were asked.
        facets: facets
            .into_iter()
            .zip(counted)
            .map(|(f, (_, counts))| (f, counts))
            .collect(),
        unknown_ids,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(extra: &str) -> SavedQuery {
        let text = format!("[[query]]\nname = \"t\"\nq = \"x\"\n{extra}\n");
        let mut v = parse_file(&text, "t.toml").expect("parses");
        v.remove(0)
    }

    fn seen(total: usize, ranked: &[&str]) -> Observed {
        Observed {
            total_hits: total,
            ranked: ranked.iter().map(|s| s.to_string()).collect(),
            facets: BTreeMap::new(),
            unknown_ids: HashSet::new(),
        }
    }

    #[test]
    fn a_full_query_parses() {
        let s = q(r#"min_hits = 2
max_hits = 9
first = "a"
top_k = 3
must_include = ["b"]
must_not_include = ["z"]
default_operator = "or"
top_facet = { country = "Japan", section = "energy" }"#);
        assert_eq!(s.min_hits, Some(2));
        assert_eq!(s.max_hits, Some(9));
        assert_eq!(s.first.as_deref(), Some("a"));
        assert_eq!(s.top_k, 3);
        assert_eq!(s.default_operator, Some(DefaultOperator::Or));
        assert_eq!(
            s.top_facet.get(&Facet::Country).map(String::as_str),
            Some("Japan")
        );
        assert_eq!(s.line, 2);
        assert!(s.needs_all_hits());
    }

    #[test]
    fn file_errors_name_the_file_and_line() {
        let cases = [
            (
                "[[query]]\nname = \"a\"\nq = \"x\"\nmin_hit = 1\n",
                "line 4",
            ),
            (
                "[[query]]\nname = \"a\"\nq = \"x\"\nmin_hits = \"one\"\n",
                "line 4",
            ),
            ("[[query]]\nname = \"a\"\n", "missing field `q`"),
            ("[[query]\n", "line 1"),
            ("title = 1\n", "unknown field `title`"),
            ("", "no saved queries"),
            (
                "[[query]]\nname = \"a\"\nq = \"x\"\n[[query]]\nname = \"a\"\nq = \"y\"\n",
                "line 5",
            ),
            (
                "[[query]]\nname = \"a\"\nq = \"x\"\nmin_hits = 5\nmax_hits = 2\n",
                "larger than max_hits",
            ),
            ("[[query]]\nname = \"a\"\nq = \" \"\n", "`q` is empty"),
            (
                "[[query]]\nname = \"a\"\nq = \"x\"\ntop_k = 3\n",
                "top_k is the window",
            ),
            (
                "[[query]]\nname = \"a\"\nq = \"x\"\ntop_facet = { colour = \"red\" }\n",
                "unknown variant `colour`",
            ),
            (
                "[[query]]\nname = \"a\"\nq = \"x\"\ntop_facet = { country = \"narnia\" }\n",
                "top_facet.country: unknown country 'narnia'",
            ),
            (
                "[[query]]\nname = \"a\"\nq = \"x\"\ndefault_operator = \"xor\"\n",
                "unknown variant `xor`",
            ),
        ];
        for (text, want) in cases {
            let e = parse_file(text, "saved.toml").expect_err(text).to_string();
            assert!(e.starts_with("saved.toml: "), "{e}");
            assert!(e.contains(want), "{text:?}: {e}");
        }
    }

    #[test]
    fn judging_table() {
        let cases: Vec<(&str, Observed, Vec<&str>)> = vec![
            ("min_hits = 3", seen(3, &["a"]), vec![]),
            (
                "min_hits = 3",
                seen(2, &["a"]),
                vec!["2 hits, expected at least 3"],
            ),
            (
                "max_hits = 1",
                seen(2, &["a"]),
                vec!["2 hits, expected at most 1"],
            ),
            ("first = \"a\"", seen(2, &["a", "b"]), vec![]),
            (
                "first = \"b\"",
                seen(2, &["a", "b"]),
                vec!["b is ranked 2, expected 1 (first is a)"],
            ),
            (
                "first = \"b\"",
                seen(0, &[]),
                vec!["b is not first: no hits"],
            ),
            (
                "must_include = [\"b\"]\ntop_k = 2",
                seen(3, &["a", "b", "c"]),
                vec![],
            ),
            (
                "must_include = [\"c\"]\ntop_k = 2",
                seen(3, &["a", "b", "c"]),
                vec!["c is ranked 3, expected in the top 2"],
            ),
            (
                "must_include = [\"z\"]",
                seen(3, &["a", "b", "c"]),
                vec!["z is not in the top 10"],
            ),
            (
                "must_not_include = [\"c\"]",
                seen(3, &["a", "b", "c"]),
                vec!["c matches (rank 3), expected it not to"],
            ),
            (
                "must_not_include = [\"z\"]",
                seen(3, &["a", "b", "c"]),
                vec![],
            ),
            (
                "min_hits = 5\nfirst = \"b\"",
                seen(1, &["a"]),
                vec!["1 hits, expected at least 5", "b is not first (first is a)"],
            ),
        ];
        for (extra, o, want) in cases {
            assert_eq!(judge(&q(extra), &o), want, "{extra}");
        }
    }

    fn counts(pairs: &[(&str, u64)]) -> Vec<FacetCount> {
        pairs
            .iter()
            .map(|(v, n)| FacetCount {
                value: v.to_string(),
                code: None,
                count: *n,
            })
            .collect()
    }

    #[test]
    fn ids_missing_from_the_index_always_fail() {
        let mut o = seen(2, &["a", "b"]);
        o.unknown_ids.insert("typo".to_string());
        let want = [
            "no document in the index has the id typo (ids are paths relative to the corpus root)",
        ];
        assert_eq!(judge(&q("must_not_include = [\"typo\"]"), &o), want);
        assert_eq!(judge(&q("must_include = [\"typo\"]"), &o), want);
        assert_eq!(judge(&q("first = \"typo\""), &o), want);
    }

    #[test]
    fn top_facets_accept_ties() {
        let mut o = seen(3, &[]);
        o.facets
            .insert(Facet::Country, counts(&[("China", 2), ("Japan", 2)]));
        o.facets
            .insert(Facet::Section, counts(&[("energy", 2), ("science", 1)]));
        assert!(judge(&q("top_facet = { country = \"japan\" }"), &o).is_empty());
        assert!(judge(&q("top_facet = { section = \"energy\" }"), &o).is_empty());
        assert_eq!(
            judge(&q("top_facet = { section = \"science\" }"), &o),
            ["top section is energy (2), expected science (1)"]
        );
        assert_eq!(
            judge(&q("top_facet = { minister = \"Kan\" }"), &o),
            ["top minister is none (no hit has one), expected Kan"]
        );
    }

    #[test]
    fn top_country_resolves_through_the_gazetteer() {
        let mut o = seen(3, &[]);
        let country = |value: &str, code: &str, count| FacetCount {
            value: value.to_string(),
            code: Some(code.to_string()),
            count,
        };
        o.facets.insert(
            Facet::Country,
            vec![country("Brazil", "BR", 86), country("Japan", "JP", 3)],
        );
        for want in ["BR", "br", "Brazil", "brazilian"] {
            let toml = format!("top_facet = {{ country = \"{want}\" }}");
            assert!(judge(&q(&toml), &o).is_empty(), "{want}");
        }
        assert_eq!(
            judge(&q("top_facet = { country = \"JP\" }"), &o),
            ["top country is Brazil (86), expected JP (3)"]
        );
    }
}
