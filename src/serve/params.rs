//! The URL is the state: `/?q=…&country=JP&since=2011-01&sort=date&page=2`.
//! This module reads a query string into [`Params`] (with limits on what a
//! client may ask), turns them into the library's search [`Request`] with the
//! same resolution the CLI's flags get, and writes them back as links that
//! change one thing (a filter toggled, another page). Pure: no index.

use crate::search::batch::split_like;
use crate::search::build::Filters;
use crate::search::facets::Facet;
use crate::search::query::{COUNTRY_HINT, flag_date, resolve_country};
use crate::search::{DefaultOperator, Request, Sort};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

/// Characters of a query (the CLI has no limit; a web page needs one).
pub const MAX_QUERY_CHARS: usize = 1000;
/// Characters of any other parameter value.
const MAX_VALUE_CHARS: usize = 200;
/// Parameters in one query string.
const MAX_PARAMS: usize = 64;
/// Hits per results page.
pub const PAGE_SIZE: usize = 10;
/// Pages one can go to (a deeper page is a sign of a robot, not a reader).
pub const MAX_PAGE: usize = 1000;
/// Hits the API returns at most per request.
pub const MAX_LIMIT: usize = 1000;

/// What the URL asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Params {
    pub q: String,
    /// Country filters as given (ISO codes when set from the page).
    pub countries: Vec<String>,
    pub ministers: Vec<String>,
    pub sections: Vec<String>,
    pub since: Option<String>,
    pub until: Option<String>,
    pub sort_date: bool,
    pub or: bool,
    /// Only articles like the one with this id (`search --like ID`).
    pub like: Option<String>,
    /// 1-based results page.
    pub page: usize,
    // API only (the page always counts every facet and the timeline):
    pub facets: Vec<Facet>,
    pub timeline: bool,
    pub limit: Option<usize>,
    pub offset: Option<usize>,
    pub snippet_chars: Option<usize>,
    pub fragments: Option<usize>,
    /// `/api/stats`: countries and ministers listed.
    pub top: Option<usize>,
    /// `/api/search?format=csv`: the hits as `search --format csv` writes
    /// them.
    pub csv: bool,
}

/// A parameter the server cannot use: shown to the user as a 400.
#[derive(Debug, PartialEq, Eq)]
pub struct ParamError(pub String);

impl std::fmt::Display for ParamError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn err(msg: impl Into<String>) -> ParamError {
    ParamError(msg.into())
}

/// Decode one `application/x-www-form-urlencoded` component.
pub fn decode(s: &str) -> Result<String, ParamError> {
    let plus = s.replace('+', " ");
    percent_decode_str(&plus)
        .decode_utf8()
        .map(|c| c.into_owned())
        .map_err(|_| err("the URL holds bytes that are not UTF-8"))
}

/// A document id from the path after `/doc/`: percent-decoded, where a `+`
/// stays a `+`. The id is only ever looked up in the index, never joined to
/// a folder, so `..` in it can name nothing but a missing document.
pub fn decode_path(s: &str) -> Result<String, ParamError> {
    percent_decode_str(s)
        .decode_utf8()
        .map(|c| c.into_owned())
        .map_err(|_| err("the address holds bytes that are not UTF-8"))
}

/// Percent-encode everything but unreserved characters.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `s` as one query-string value.
pub fn encode(s: &str) -> String {
    utf8_percent_encode(s, COMPONENT).to_string()
}

/// A document id as a path below `/doc/`: each segment encoded, slashes kept
/// (so the address reads like the file's path).
pub fn encode_id(id: &str) -> String {
    id.split('/').map(encode).collect::<Vec<_>>().join("/")
}

fn number(key: &str, v: &str, max: usize) -> Result<usize, ParamError> {
    match v.trim().parse::<usize>() {
        Ok(n) if n <= max => Ok(n),
        Ok(_) => Err(err(format!("{key}: at most {max}"))),
        Err(_) => Err(err(format!("{key}: {v:?} is not a number"))),
    }
}

/// A value over its length limit (the query's or any other's) is an error.
fn check_length(k: &str, v: &str) -> Result<(), ParamError> {
    let max = if k == "q" {
        MAX_QUERY_CHARS
    } else {
        MAX_VALUE_CHARS
    };
    let n = v.chars().count();
    if n <= max {
        return Ok(());
    }
    Err(err(if k == "q" {
        format!("the query is too long: at most {MAX_QUERY_CHARS} characters, this one has {n}")
    } else {
        format!("{k}: at most {max} characters")
    }))
}

/// `facet=`'s value.
fn facet_of(v: &str) -> Result<Facet, ParamError> {
    match v {
        "country" => Ok(Facet::Country),
        "minister" => Ok(Facet::Minister),
        "section" => Ok(Facet::Section),
        _ => Err(err(format!(
            "facet: {v:?}: use country, minister or section"
        ))),
    }
}

impl Params {
    /// Read a query string. Unknown keys are ignored (links from elsewhere
    /// may carry tracking junk); bad values are errors naming the key.
    pub fn parse(query: &str) -> Result<Params, ParamError> {
        let mut p = Params {
            page: 1,
            ..Params::default()
        };
        let mut n = 0;
        for pair in query.split('&').filter(|s| !s.is_empty()) {
            n += 1;
            if n > MAX_PARAMS {
                return Err(err(format!("too many parameters (at most {MAX_PARAMS})")));
            }
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let k = decode(k)?;
            let v = decode(v)?;
            check_length(&k, &v)?;
            let opt = |v: String| (!v.trim().is_empty()).then_some(v);
            match k.as_str() {
                "q" => p.q = v,
                "country" => p.countries.extend(opt(v)),
                "minister" => p.ministers.extend(opt(v)),
                "section" => p.sections.extend(opt(v)),
                "since" => p.since = opt(v),
                "like" => p.like = opt(v),
                "until" => p.until = opt(v),
                "sort" => {
                    p.sort_date = match v.as_str() {
                        "" | "score" => false,
                        "date" => true,
                        _ => return Err(err(format!("sort: {v:?}: use score or date"))),
                    }
                }
                "op" | "default_operator" => {
                    p.or = match v.to_ascii_lowercase().as_str() {
                        "" | "and" => false,
                        "or" => true,
                        _ => return Err(err(format!("{k}: {v:?}: use and or or"))),
                    }
                }
                "page" if !v.is_empty() => p.page = number("page", &v, MAX_PAGE)?.max(1),
                "facet" => {
                    let f = facet_of(&v)?;
                    if !p.facets.contains(&f) {
                        p.facets.push(f);
                    }
                }
                "timeline" => p.timeline = !matches!(v.as_str(), "0" | "false" | "no"),
                "limit" | "n" => p.limit = Some(number("limit", &v, MAX_LIMIT)?),
                "offset" => p.offset = Some(number("offset", &v, MAX_PAGE * PAGE_SIZE)?),
                "snippet_chars" => p.snippet_chars = Some(number("snippet_chars", &v, 2000)?),
                "fragments" => p.fragments = Some(number("fragments", &v, 10)?),
                "top" => p.top = Some(number("top", &v, MAX_LIMIT)?),
                "format" => {
                    p.csv = match v.as_str() {
                        "" | "json" => false,
                        "csv" => true,
                        _ => return Err(err(format!("format: {v:?}: use json or csv"))),
                    }
                }
                _ => {}
            }
        }
        p.take_similar()?;
        Ok(p)
    }

    /// `similar:ID` at the head of the query box, read as the CLI reads it
    /// (`search 'similar:ID rest'`): the article to be like, as `like=`,
    /// and the rest of the query, if any. The page then shows the article
    /// as a filter chip that can be taken off.
    fn take_similar(&mut self) -> Result<(), ParamError> {
        let (Some(id), rest) = split_like(&self.q) else {
            return Ok(());
        };
        if id.is_empty() {
            return Err(err(
                "q: similar: needs an article id, as the results list them (similar:energy/a.txt)",
            ));
        }
        if self.like.is_some() {
            return Err(err(
                "give the article either as similar:ID in the query or as like=, not both",
            ));
        }
        self.like = Some(id);
        // Nothing (or `*`) after the id: the article alone, as `like=`.
        self.q = if rest == "*" { String::new() } else { rest };
        Ok(())
    }

    /// Whether there is anything to search for (else the page shows the
    /// archive's front page).
    pub fn is_search(&self) -> bool {
        !self.q.trim().is_empty() || self.has_filters() || self.like.is_some()
    }

    pub fn has_filters(&self) -> bool {
        !self.countries.is_empty()
            || !self.ministers.is_empty()
            || !self.sections.is_empty()
            || self.since.is_some()
            || self.until.is_some()
    }

    /// The query to run: filters (or `like`) without words search every
    /// article.
    pub fn query(&self) -> &str {
        if self.q.trim().is_empty() && (self.has_filters() || self.like.is_some()) {
            "*"
        } else {
            &self.q
        }
    }

    /// The library's request, resolved as the CLI resolves its flags.
    /// `page` asks for what the results page shows: every facet and the
    /// timeline, `PAGE_SIZE` hits of page `page`.
    pub fn request(&self, page: bool) -> Result<Request, ParamError> {
        let date = |key: &str, v: &Option<String>, last: bool| {
            v.as_deref()
                .map(|s| flag_date(s.trim(), last).map_err(|e| err(format!("{key}: {e}"))))
                .transpose()
        };
        let filters = Filters {
            since: date("since", &self.since, false)?,
            until: date("until", &self.until, true)?,
            countries: self
                .countries
                .iter()
                .map(|c| {
                    resolve_country(c).map_err(|e| err(format!("country: {e}; {COUNTRY_HINT}")))
                })
                .collect::<Result<_, _>>()?,
            ministers: self.ministers.clone(),
            sections: self.sections.clone(),
        };
        if let (Some(s), Some(u)) = (filters.since, filters.until)
            && s > u
        {
            return Err(err(format!(
                "since {s} is after until {u}: nothing can match"
            )));
        }
        let defaults = Request::default();
        let (limit, offset, mut facets, mut timeline) = if page {
            (
                PAGE_SIZE,
                (self.page - 1) * PAGE_SIZE,
                vec![Facet::Country, Facet::Minister, Facet::Section],
                true,
            )
        } else {
            (
                self.limit.unwrap_or(defaults.limit),
                self.offset.unwrap_or(0),
                self.facets.clone(),
                self.timeline,
            )
        };
        // CSV is one row per hit: no place for counts (as the CLI says).
        if self.csv && !page {
            facets.clear();
            timeline = false;
        }
        Ok(Request {
            query: self.query().to_string(),
            limit,
            offset,
            default_operator: if self.or {
                DefaultOperator::Or
            } else {
                DefaultOperator::And
            },
            sort: if self.sort_date {
                Sort::Date
            } else {
                Sort::Score
            },
            filters,
            facets,
            timeline,
            snippet_chars: self.snippet_chars.unwrap_or(defaults.snippet_chars),
            fragments: self.fragments.unwrap_or(defaults.fragments).max(1),
            like: self.like.clone(),
            ..defaults
        })
    }

    /// The page's query string for this state (page state only; the API's
    /// own keys are not carried into links).
    pub fn to_query(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        let mut add = |k: &str, v: &str| parts.push(format!("{k}={}", encode(v)));
        if !self.q.is_empty() {
            add("q", &self.q);
        }
        for c in &self.countries {
            add("country", c);
        }
        for m in &self.ministers {
            add("minister", m);
        }
        for s in &self.sections {
            add("section", s);
        }
        if let Some(s) = &self.since {
            add("since", s);
        }
        if let Some(u) = &self.until {
            add("until", u);
        }
        if self.sort_date {
            add("sort", "date");
        }
        if self.or {
            add("op", "or");
        }
        if let Some(id) = &self.like {
            add("like", id);
        }
        if self.page > 1 {
            add("page", &self.page.to_string());
        }
        parts.join("&")
    }

    /// `/?…` for this state.
    pub fn url(&self) -> String {
        let q = self.to_query();
        if q.is_empty() {
            "/".to_string()
        } else {
            format!("/?{q}")
        }
    }

    /// `/api/search?…&format=csv` for this search: up to [`MAX_LIMIT`] hits
    /// from the first, whatever page is shown.
    pub fn csv_url(&self) -> String {
        let q = self.at_page(1).to_query();
        let sep = if q.is_empty() { "" } else { "&" };
        format!("/api/search?{q}{sep}format=csv&limit={MAX_LIMIT}")
    }

    /// This state on another page.
    pub fn at_page(&self, page: usize) -> Params {
        Params {
            page,
            ..self.clone()
        }
    }

    /// A new search (back to page 1) with `f` applied.
    pub fn changed(&self, f: impl FnOnce(&mut Params)) -> Params {
        let mut p = self.clone();
        p.page = 1;
        f(&mut p);
        p
    }

    pub fn toggle_country(&self, code: &str) -> Params {
        self.changed(|p| toggle(&mut p.countries, code))
    }

    pub fn toggle_minister(&self, name: &str) -> Params {
        self.changed(|p| toggle(&mut p.ministers, name))
    }

    pub fn toggle_section(&self, name: &str) -> Params {
        self.changed(|p| toggle(&mut p.sections, name))
    }

    /// Whether a filter value is on (countries compare case-insensitively:
    /// `jp` and `JP` are one filter).
    pub fn has_country(&self, code: &str) -> bool {
        self.countries.iter().any(|c| c.eq_ignore_ascii_case(code))
    }
}

fn toggle(v: &mut Vec<String>, value: &str) {
    let before = v.len();
    v.retain(|x| !x.eq_ignore_ascii_case(value));
    if v.len() == before {
        v.push(value.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_holds_the_state() {
        let p = Params::parse(
            "q=%22rare+earth%22&country=JP&since=2011-01&sort=date&page=2&utm_source=x",
        )
        .unwrap();
        assert_eq!(p.q, "\"rare earth\"");
        assert_eq!(p.countries, ["JP"]);
        assert_eq!(p.since.as_deref(), Some("2011-01"));
        assert!(p.sort_date);
        assert_eq!(p.page, 2);
        // Written back, read again: the same state.
        assert_eq!(Params::parse(&p.to_query()).unwrap(), p);
        assert_eq!(
            p.url(),
            "/?q=%22rare%20earth%22&country=JP&since=2011-01&sort=date&page=2"
        );
    }

    #[test]
    fn requests_resolve_like_the_cli_flags() {
        let p = Params::parse("q=&country=japan&until=2011&page=3").unwrap();
        let r = p.request(true).unwrap();
        assert_eq!(r.query, "*", "filters alone search every article");
        assert_eq!(r.filters.countries, ["JP"]);
        assert_eq!(
            r.filters.until.map(|d| d.to_string()).as_deref(),
            Some("2011-12-31")
        );
        assert_eq!((r.limit, r.offset), (PAGE_SIZE, 20));
        assert!(r.timeline && r.facets.len() == 3);
        let api = Params::parse("q=x&facet=country&facet=country&limit=5&offset=2")
            .unwrap()
            .request(false)
            .unwrap();
        assert_eq!((api.limit, api.offset), (5, 2));
        assert_eq!(api.facets, [Facet::Country]);
        assert!(!api.timeline);
    }

    #[test]
    fn bad_values_name_their_key() {
        let e = |q: &str| match Params::parse(q) {
            Err(e) => e.0,
            Ok(p) => p.request(true).err().map(|e| e.0).unwrap_or_default(),
        };
        assert!(e("sort=size").starts_with("sort:"), "{}", e("sort=size"));
        assert!(e("page=x").starts_with("page:"));
        assert!(e("page=99999").contains("at most"));
        assert!(e("since=yesterday").starts_with("since:"));
        assert!(e("country=Atlantis").starts_with("country: unknown country"));
        assert!(e("since=2012&until=2011").contains("after"));
        assert!(e("q=%FF").contains("UTF-8"));
        let long = format!("q={}", "a".repeat(MAX_QUERY_CHARS + 1));
        assert!(e(&long).contains("too long"));
        let many = "country=JP&".repeat(MAX_PARAMS + 1);
        assert!(e(&many).contains("too many"));
    }

    #[test]
    fn like_and_csv_are_state_and_format() {
        let p = Params::parse("like=energy%2Fa.txt&page=2").unwrap();
        assert!(p.is_search());
        let r = p.request(true).unwrap();
        assert_eq!(
            (r.query.as_str(), r.like.as_deref()),
            ("*", Some("energy/a.txt"))
        );
        assert_eq!(Params::parse(&p.to_query()).unwrap(), p);
        assert_eq!(
            p.csv_url(),
            format!("/api/search?like=energy%2Fa.txt&format=csv&limit={MAX_LIMIT}")
        );
        // `similar:ID` in the query box is `like=ID` (and the rest).
        let s = Params::parse("q=+similar%3Aenergy%2Fa.txt").unwrap();
        assert_eq!(
            (s.q.as_str(), s.like.as_deref()),
            ("", Some("energy/a.txt"))
        );
        assert_eq!(s.request(true).unwrap().query, "*");
        assert_eq!(s.url(), "/?like=energy%2Fa.txt");
        let s = Params::parse("q=similar%3Ab.txt+japan+trade&country=JP").unwrap();
        assert_eq!(
            (s.q.as_str(), s.like.as_deref()),
            ("japan trade", Some("b.txt"))
        );
        let e = |q: &str| Params::parse(q).err().map(|e| e.0).unwrap_or_default();
        assert!(e("q=similar%3A").contains("needs an article id"));
        assert!(e("q=similar%3A+japan").contains("needs an article id"));
        assert!(e("q=similar%3Aa.txt&like=b.txt").contains("not both"));
        // Only at the head, as the CLI: elsewhere it is a field the query
        // parser judges.
        assert_eq!(Params::parse("q=japan+similar%3Aa").unwrap().like, None);
        let csv = Params::parse("q=x&facet=country&timeline=1&format=csv").unwrap();
        let r = csv.request(false).unwrap();
        assert!(csv.csv && r.facets.is_empty() && !r.timeline);
        assert!(Params::parse("format=xml").is_err());
    }

    #[test]
    fn toggles_add_remove_and_reset_the_page() {
        let p = Params::parse("q=x&country=JP&page=4").unwrap();
        let off = p.toggle_country("jp");
        assert!(off.countries.is_empty());
        assert_eq!(off.page, 1);
        let on = p.toggle_country("IN");
        assert_eq!(on.countries, ["JP", "IN"]);
        assert_eq!(p.toggle_section("energy").sections, ["energy"]);
    }

    #[test]
    fn ids_keep_their_slashes_and_nothing_else() {
        assert_eq!(
            encode_id("energy/a b#3.txt"),
            "energy/a%20b%233.txt".to_string()
        );
        assert_eq!(encode_id("x/../y?"), "x/../y%3F");
        assert_eq!(decode("a%2Fb+c").unwrap(), "a/b c");
    }
}
