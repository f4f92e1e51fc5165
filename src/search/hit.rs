//! Plain values that a search produces: what renderers receive. Nothing here
//! knows tantivy.

use crate::document::StoredDoc;
use serde::Serialize;

/// A passage of text with the character ranges (Unicode scalar values,
/// half-open) that matched the query.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Marked {
    pub text: String,
    pub highlights: Vec<[usize; 2]>,
}

/// One ranked result.
#[derive(Clone, Debug, Serialize)]
pub struct Hit {
    pub rank: usize,
    pub score: f32,
    pub doc: StoredDoc,
    /// Where the article's file is on disk (corpus root joined with its id).
    pub path: String,
    pub snippet: Marked,
    /// Character ranges of the title that matched.
    pub title_highlights: Vec<[usize; 2]>,
    /// Ids of the near-duplicates folded into this hit, best-ranked first
    /// (empty unless the search folds them).
    pub duplicates: Vec<String>,
}

/// The count of one value of a facet over all matching documents.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FacetCount {
    pub value: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    pub count: u64,
}

/// Hits per period, for `--timeline`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TimelineBucket {
    /// `YYYY-MM` or `YYYY`.
    pub period: String,
    pub count: u64,
}

/// Everything a search answers.
#[derive(Clone, Debug, Serialize)]
pub struct Results {
    pub query: String,
    /// Hits: groups of near-duplicates when they are folded, else articles
    /// (`unit` says which; facets and the timeline count the same).
    pub total_hits: usize,
    /// Matching articles, folded or not.
    pub total_articles: usize,
    pub unit: crate::search::Unit,
    pub took_ms: f64,
    pub hits: Vec<Hit>,
    /// Facet name ("country", "minister", "section") → counts, largest first.
    pub facets: Vec<(String, Vec<FacetCount>)>,
    pub timeline: Option<Vec<TimelineBucket>>,
    /// A respelling that finds clearly more, when this found too little
    /// (set by the caller that asks: see `search::suggest`).
    pub suggestion: Option<crate::search::suggest::Suggestion>,
}

impl Results {
    /// No query, no hits.
    pub fn empty() -> Results {
        Results {
            query: String::new(),
            total_hits: 0,
            total_articles: 0,
            unit: crate::search::Unit::Articles,
            took_ms: 0.0,
            hits: Vec::new(),
            facets: Vec::new(),
            timeline: None,
            suggestion: None,
        }
    }
}
