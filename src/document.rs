//! `NewsDoc`: one indexed document — an article, what was extracted from it,
//! and the identity of the file it came from. `parse` prints it, the index
//! stores it, `show` reads it back; the field names are those of
//! `schema/news.toml`.

use crate::article::{Article, Format};
use crate::extract::{Extraction, MinisterRole};
use crate::fingerprint::Signature;
use crate::render::ser_date;
use chrono::NaiveDate;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NewsDoc {
    /// Path relative to the corpus root; `file#line` for JSON Lines records.
    pub id: String,
    /// The file, relative to the corpus root.
    pub file: String,
    pub title: String,
    pub body: String,
    pub credit: Option<String>,
    pub byline: Option<String>,
    pub url: Option<String>,
    pub section: Option<String>,
    #[serde(serialize_with = "ser_date")]
    pub date: Option<NaiveDate>,
    pub ministers: Vec<String>,
    pub minister_roles: Vec<MinisterRole>,
    pub countries: Vec<String>,
    pub country_codes: Vec<String>,
    pub format: Format,
    pub encoding: String,
    pub size: u64,
    /// Nanoseconds since the Unix epoch.
    pub mtime: i64,
    pub hash: u64,
    /// The body's near-duplicate fingerprint (none for a short body):
    /// stored for folding, never printed.
    #[serde(skip)]
    pub fingerprint: Option<Signature>,
}

/// Where a document's file is and what it looked like when read.
#[derive(Clone, Debug)]
pub struct FileMeta {
    /// Path relative to the corpus root, '/'-separated.
    pub rel: String,
    pub size: u64,
    pub mtime: i64,
    pub hash: u64,
    pub encoding: String,
}

impl NewsDoc {
    /// A plain text document of `file` for unit tests, to adjust with
    /// struct update syntax.
    #[cfg(test)]
    pub fn for_test(file: &str, title: &str, body: &str) -> NewsDoc {
        NewsDoc {
            id: file.to_string(),
            file: file.to_string(),
            title: title.to_string(),
            body: body.to_string(),
            credit: None,
            byline: None,
            url: None,
            section: section_of(file),
            date: None,
            ministers: Vec::new(),
            minister_roles: Vec::new(),
            countries: Vec::new(),
            country_codes: Vec::new(),
            format: Format::Text,
            encoding: "UTF-8".to_string(),
            size: 4,
            mtime: 0,
            hash: 0,
            fingerprint: Signature::of(body),
        }
    }

    /// `self` with a date (y, m, d), countries (name, code) and ministers,
    /// for unit tests.
    #[cfg(test)]
    pub fn with_facts(
        self,
        date: Option<(i32, u32, u32)>,
        countries: &[(&str, &str)],
        ministers: &[&str],
    ) -> NewsDoc {
        NewsDoc {
            date: date.and_then(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d)),
            ministers: ministers.iter().map(|s| s.to_string()).collect(),
            countries: countries.iter().map(|c| c.0.to_string()).collect(),
            country_codes: countries.iter().map(|c| c.1.to_string()).collect(),
            ..self
        }
    }

    pub fn new(
        meta: &FileMeta,
        line: Option<usize>,
        format: Format,
        article: Article,
        date: Option<NaiveDate>,
        extraction: Extraction,
    ) -> NewsDoc {
        let id = match line {
            Some(n) => format!("{}#{n}", meta.rel),
            None => meta.rel.clone(),
        };
        NewsDoc {
            id,
            file: meta.rel.clone(),
            section: section_of(&meta.rel),
            title: article.title,
            body: article.body,
            credit: article.credit,
            byline: article.byline,
            url: article.url,
            date: article.date.or(date),
            ministers: extraction
                .ministers
                .iter()
                .map(|m| m.name.clone())
                .collect(),
            countries: extraction
                .countries
                .iter()
                .map(|c| c.name.clone())
                .collect(),
            country_codes: extraction
                .countries
                .iter()
                .map(|c| c.code.clone())
                .collect(),
            minister_roles: extraction.ministers,
            format,
            encoding: meta.encoding.clone(),
            size: meta.size,
            mtime: meta.mtime,
            hash: meta.hash,
            fingerprint: None,
        }
    }
}

/// The first folder of a relative path, if the file is inside one.
pub fn section_of(rel: &str) -> Option<String> {
    let (first, rest) = rel.split_once('/')?;
    (!first.is_empty() && !rest.is_empty()).then(|| first.to_string())
}

/// A document as the index stores it (what `show` and search hits carry).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct StoredDoc {
    pub id: String,
    pub title: String,
    pub body: String,
    pub credit: Option<String>,
    pub byline: Option<String>,
    pub url: Option<String>,
    pub section: Option<String>,
    #[serde(serialize_with = "ser_date")]
    pub date: Option<NaiveDate>,
    pub ministers: Vec<String>,
    pub minister_roles: Vec<MinisterRole>,
    pub countries: Vec<String>,
    pub country_codes: Vec<String>,
    pub format: String,
    pub encoding: String,
    pub size: u64,
}

impl From<&NewsDoc> for StoredDoc {
    /// What the index keeps of a document: `parse` shows a fresh document
    /// exactly as `show` will once it is indexed.
    fn from(d: &NewsDoc) -> StoredDoc {
        StoredDoc {
            id: d.id.clone(),
            title: d.title.clone(),
            body: d.body.clone(),
            credit: d.credit.clone(),
            byline: d.byline.clone(),
            url: d.url.clone(),
            section: d.section.clone(),
            date: d.date,
            ministers: d.ministers.clone(),
            minister_roles: d.minister_roles.clone(),
            countries: d.countries.clone(),
            country_codes: d.country_codes.clone(),
            format: d.format.as_str().to_string(),
            encoding: d.encoding.clone(),
            size: d.size,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn section_is_first_folder() {
        assert_eq!(section_of("energy/a.txt").as_deref(), Some("energy"));
        assert_eq!(section_of("energy/2011/a.txt").as_deref(), Some("energy"));
        assert_eq!(section_of("a.txt"), None);
    }
}
