//! Who and where: the ministers and countries an article names, and its date.
//!
//! Pure functions over text; the gazetteers they use are data files in
//! `schema/`, parsed once on first use (never at start-up of a search that
//! does not need them).

pub mod dates;

use serde::{Deserialize, Serialize};

/// A minister the article names, with the office as written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MinisterRole {
    pub name: String,
    pub role: String,
    pub country_code: Option<String>,
}

/// A country the article refers to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Country {
    /// Canonical English short name ("United States").
    pub name: String,
    /// ISO 3166-1 alpha-2 code ("US"), or the withdrawn code of a former
    /// state ("SU").
    pub code: String,
}

/// Everything extracted from one article.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Extraction {
    /// One entry per person, in order of first mention.
    pub ministers: Vec<MinisterRole>,
    /// One entry per country, sorted by name.
    pub countries: Vec<Country>,
}

/// Extract ministers and countries from an article's title and body.
pub fn extract(title: &str, body: &str) -> Extraction {
    let _ = (title, body);
    Extraction::default()
}

/// Resolve what a user typed after `country:` ("japan", "JP", "Japanese",
/// "United States", "us") to an ISO code.
pub fn country_code(value: &str) -> Option<String> {
    let v = value.trim();
    if v.len() == 2 && v.chars().all(|c| c.is_ascii_alphabetic()) {
        return Some(v.to_ascii_uppercase());
    }
    None
}
