//! The gazetteers as data: `schema/countries.tsv` (names, abbreviations,
//! adjectives, capitals, former states, traps) and `schema/ministers.toml`
//! (title keywords and the rules around them), embedded in the binary and
//! parsed once, lazily, on first use. Also the one Aho-Corasick automaton that
//! finds country words and title keywords in a single pass over an article.
//! Owns parsing only; what a match means is decided in `countries` and
//! `ministers`.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use serde::Deserialize;
use std::sync::OnceLock;

const COUNTRIES_TSV: &str = include_str!("../../schema/countries.tsv");
const MINISTERS_TOML: &str = include_str!("../../schema/ministers.toml");

/// How an alias names its country.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AliasKind {
    Name,
    Adjective,
    Capital,
}

/// One way of writing a country.
#[derive(Clone, Debug)]
pub struct Alias {
    pub text: &'static str,
    pub country: u16,
    pub kind: AliasKind,
    /// Also a person's name ("Jordan", "Chad").
    pub person_trap: bool,
    /// Rejected when the country's context rule says "something else".
    pub context_trap: bool,
    /// The former state this capital stands for when the article names it.
    pub former: Option<u16>,
}

/// A country of the gazetteer.
#[derive(Clone, Debug)]
pub struct CountryDef {
    pub code: &'static str,
    pub name: &'static str,
}

/// Words that turn a `~` alias into something else, or confirm it.
#[derive(Clone, Debug, Default)]
pub struct ContextRule {
    pub country: u16,
    pub reject_if: Vec<&'static str>,
    pub unless: Vec<&'static str>,
}

/// The parsed country gazetteer.
#[derive(Debug, Default)]
pub struct Countries {
    pub defs: Vec<CountryDef>,
    pub aliases: Vec<Alias>,
    /// Phrases naming several countries ("two Koreas").
    pub multi: Vec<(&'static str, Vec<u16>)>,
    /// Phrases that contain a country word but name no country.
    pub blockers: Vec<&'static str>,
    pub context: Vec<ContextRule>,
}

impl Countries {
    pub fn index_of(&self, code: &str) -> Option<u16> {
        self.defs
            .iter()
            .position(|d| d.code.eq_ignore_ascii_case(code))
            .map(|i| i as u16)
    }
}

fn list(col: Option<&'static str>) -> impl Iterator<Item = &'static str> {
    col.unwrap_or("")
        .split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// Parse the embedded TSV. The file is ours and checked by tests, so a bad
/// line is skipped rather than reported (there is no user to report to).
fn parse_countries(src: &'static str) -> Countries {
    let mut c = Countries::default();
    let mut pending_context: Vec<(&'static str, &'static str, &'static str)> = Vec::new();
    let mut pending_former: Vec<(usize, &'static str)> = Vec::new();
    // Several countries under one name (`KR+KP`): resolved once all are known.
    let mut pending_multi: Vec<(&'static str, Option<&'static str>)> = Vec::new();
    for line in src.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let mut cols = line.split('\t');
        let Some(code) = cols.next() else { continue };
        let name = cols.next().unwrap_or("");
        let names = cols.next();
        let adjs = cols.next();
        let caps = cols.next();
        if code == "-" {
            c.blockers.extend(list(names));
            continue;
        }
        if let Some(target) = code.strip_prefix('?') {
            pending_context.push((target, names.unwrap_or(""), adjs.unwrap_or("")));
            continue;
        }
        if code.contains('+') {
            pending_multi.push((code, names));
            continue;
        }
        let idx = c.defs.len() as u16;
        c.defs.push(CountryDef { code, name });
        // The canonical name is an alias unless a flagged spelling of it
        // follows in the names column.
        let flagged = list(names).any(|n| n.trim_start_matches(['!', '~']) == name && n != name);
        let all = (!flagged)
            .then_some((name, AliasKind::Name))
            .into_iter()
            .chain(list(names).map(|n| (n, AliasKind::Name)))
            .chain(list(adjs).map(|a| (a, AliasKind::Adjective)))
            .chain(list(caps).map(|k| (k, AliasKind::Capital)));
        for (raw, kind) in all {
            let mut text = raw;
            let person_trap = text.starts_with('!');
            let context_trap = text.starts_with('~');
            text = text.trim_start_matches(['!', '~']);
            if let Some((t, f)) = text.split_once('^') {
                text = t;
                // Former states are listed after their successors.
                pending_former.push((c.aliases.len(), f));
            }
            c.aliases.push(Alias {
                text,
                country: idx,
                kind,
                person_trap,
                context_trap,
                former: None,
            });
        }
    }
    for (codes, names) in pending_multi {
        let idx: Vec<u16> = codes.split('+').filter_map(|k| c.index_of(k)).collect();
        for alias in list(names) {
            c.multi.push((alias, idx.clone()));
        }
    }
    for (alias, code) in pending_former {
        let idx = c.index_of(code);
        if let Some(a) = c.aliases.get_mut(alias) {
            a.former = idx;
        }
    }
    for (target, reject, unless) in pending_context {
        if let Some(country) = c.index_of(target) {
            c.context.push(ContextRule {
                country,
                reject_if: list(Some(reject)).collect(),
                unless: list(Some(unless)).collect(),
            });
        }
    }
    c
}

/// The country gazetteer, parsed on first use.
pub fn countries() -> &'static Countries {
    static C: OnceLock<Countries> = OnceLock::new();
    C.get_or_init(|| parse_countries(COUNTRIES_TSV))
}

/// What a title keyword is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TitleKind {
    Minister,
    Secretary,
    Premier,
    Treasurer,
    Chancellor,
    Exchequer,
    Counterpart,
    Head,
}

#[derive(Debug, Deserialize)]
struct Keyword {
    word: String,
    kind: TitleKind,
}

#[derive(Debug, Deserialize)]
pub struct RoleCountry {
    pub role: String,
    pub code: String,
    #[serde(default)]
    pub prefix: bool,
    #[serde(default)]
    pub if_named: bool,
}

/// Rules around title keywords (see `schema/ministers.toml`).
#[derive(Debug, Default, Deserialize)]
pub struct Rules {
    pub portfolio: Vec<String>,
    pub reject_before: Vec<String>,
    pub deputy_ok: Vec<String>,
    pub chief_ok: Vec<String>,
    pub reject_roles: Vec<String>,
    pub secretary_after: Vec<String>,
    pub reject_after: Vec<String>,
    pub honorifics: Vec<String>,
    pub determiners: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct MinistersFile {
    keyword: Vec<Keyword>,
    rules: Rules,
    #[serde(default)]
    role_country: Vec<RoleCountry>,
}

/// The ministerial-title gazetteer.
#[derive(Debug, Default)]
pub struct Titles {
    pub keywords: Vec<(String, TitleKind)>,
    pub rules: Rules,
    pub role_country: Vec<RoleCountry>,
}

impl Titles {
    fn in_list(list: &[String], word: &str) -> bool {
        list.iter().any(|w| w.eq_ignore_ascii_case(word))
    }
    pub fn is_portfolio(&self, word: &str) -> bool {
        Self::in_list(&self.rules.portfolio, word)
    }
    pub fn is_determiner(&self, word: &str) -> bool {
        Self::in_list(&self.rules.determiners, word)
    }
    pub fn is_reject_before(&self, word: &str) -> bool {
        Self::in_list(&self.rules.reject_before, word)
    }
    pub fn is_honorific(&self, word: &str) -> bool {
        self.rules.honorifics.iter().any(|w| w == word)
    }
    pub fn is_keyword(&self, word: &str) -> bool {
        self.keywords
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case(word))
    }
    /// The country a role implies when the article does not say;
    /// `named` tells whether the article names a country code.
    pub fn country_of_role(&self, role_lower: &str, named: impl Fn(&str) -> bool) -> Option<&str> {
        self.role_country
            .iter()
            .find(|r| {
                if r.prefix {
                    role_lower.starts_with(&r.role)
                } else {
                    role_lower == r.role
                }
            })
            .filter(|r| !r.if_named || named(&r.code))
            .map(|r| r.code.as_str())
    }
}

/// The ministerial-title gazetteer, parsed on first use. The file is embedded
/// and covered by tests; were it ever broken, extraction finds no ministers
/// rather than panicking.
pub fn titles() -> &'static Titles {
    static T: OnceLock<Titles> = OnceLock::new();
    T.get_or_init(|| match toml::from_str::<MinistersFile>(MINISTERS_TOML) {
        Ok(f) => Titles {
            keywords: f
                .keyword
                .into_iter()
                .map(|k| (k.word.to_ascii_lowercase(), k.kind))
                .collect(),
            rules: f.rules,
            role_country: f
                .role_country
                .into_iter()
                .map(|mut r| {
                    r.role = r.role.to_ascii_lowercase();
                    r
                })
                .collect(),
        },
        Err(_) => Titles::default(),
    })
}

/// What a pattern of the automaton stands for.
#[derive(Clone, Debug)]
pub enum Pat {
    Alias(u32),
    Multi(u32),
    Block,
    Title(TitleKind),
}

/// The one automaton over country words and title keywords.
pub struct Matcher {
    pub ac: Option<AhoCorasick>,
    pub pats: Vec<(&'static str, Pat)>,
}

/// The matcher, built on first use.
pub fn matcher() -> &'static Matcher {
    static M: OnceLock<Matcher> = OnceLock::new();
    M.get_or_init(|| {
        let c = countries();
        let t = titles();
        let mut pats: Vec<(&'static str, Pat)> = Vec::new();
        for (i, a) in c.aliases.iter().enumerate() {
            pats.push((a.text, Pat::Alias(i as u32)));
        }
        for (i, (m, _)) in c.multi.iter().enumerate() {
            pats.push((m, Pat::Multi(i as u32)));
        }
        for b in &c.blockers {
            pats.push((b, Pat::Block));
        }
        for (k, kind) in &t.keywords {
            pats.push((k.as_str(), Pat::Title(*kind)));
        }
        // A DFA: a few milliseconds and a few MB to build, once per process
        // that extracts, for a scan several times faster than the NFA's.
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .ascii_case_insensitive(true)
            .kind(Some(AhoCorasickKind::DFA))
            .build(pats.iter().map(|(p, _)| *p))
            .ok();
        Matcher { ac, pats }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A name for several countries may come before the countries it names.
    #[test]
    fn multi_country_names_do_not_depend_on_line_order() {
        let c = parse_countries("KR+KP\tKoreas\ttwo Koreas\nKP\tNorth Korea\nKR\tSouth Korea\n");
        let [(alias, idx)] = c.multi.as_slice() else {
            panic!("one multi-country name expected: {:?}", c.multi);
        };
        assert_eq!(*alias, "two Koreas");
        let codes: Vec<&str> = idx.iter().map(|&i| c.defs[usize::from(i)].code).collect();
        assert_eq!(codes, ["KR", "KP"]);
    }
}
