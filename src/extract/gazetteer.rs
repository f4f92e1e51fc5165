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
const GIVEN_NAMES: &str = include_str!("../../schema/given-names.txt");

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
    /// Words that end a firm's name ("Corp", "Tobacco"): a country word
    /// followed by capitalised words up to one of these names a firm.
    pub firm_words: Vec<&'static str>,
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

/// The columns of one country line.
/// One line of `countries.tsv`, its columns as written; the columns after
/// the name are split only when asked for (a lookup by code or name never
/// needs them).
pub struct CountryLine {
    pub code: &'static str,
    pub name: &'static str,
    rest: &'static str,
}

impl CountryLine {
    /// Whether the line defines a country (not a blocker, firm-word,
    /// context or several-countries line).
    fn is_country(&self) -> bool {
        !(self.code == "-"
            || self.code == "="
            || self.code.starts_with('?')
            || self.code.contains('+'))
    }

    /// Every spelling the gazetteer takes as one of the country's names
    /// (its aliases of kind [`AliasKind::Name`]): the canonical name and
    /// the names column, without trap marks and former-state suffixes.
    pub fn name_spellings(&self) -> impl Iterator<Item = &'static str> {
        std::iter::once(self.name).chain(list(self.names()).map(|n| alias_text(n).0))
    }

    /// Other names and abbreviations.
    fn names(&self) -> Option<&'static str> {
        self.rest.split('\t').next()
    }

    /// Adjectives and demonyms.
    fn adjs(&self) -> Option<&'static str> {
        self.rest.split('\t').nth(1)
    }

    /// Capitals.
    fn caps(&self) -> Option<&'static str> {
        self.rest.split('\t').nth(2)
    }
}

/// An alias as written (`!` or `~` marks a trap; `^XX` names the former
/// state it stands for): its text, and the former state's code.
fn alias_text(raw: &'static str) -> (&'static str, Option<&'static str>) {
    let text = raw.trim_start_matches(['!', '~']);
    match text.split_once('^') {
        Some((t, former)) => (t, Some(former)),
        None => (text, None),
    }
}

/// The lines of a countries table that are neither comments nor blank.
fn lines(src: &'static str) -> impl Iterator<Item = CountryLine> {
    src.lines()
        .filter(|line| !(line.starts_with('#') || line.trim().is_empty()))
        .map(|line| {
            let (code, rest) = line.split_once('\t').unwrap_or((line, ""));
            let (name, rest) = rest.split_once('\t').unwrap_or((rest, ""));
            CountryLine { code, name, rest }
        })
}

/// The countries of `countries.tsv` line by line, without building the
/// gazetteer (for a lookup that needs only codes and names).
pub fn country_lines() -> impl Iterator<Item = CountryLine> {
    lines(COUNTRIES_TSV).filter(CountryLine::is_country)
}

/// Add a country and its aliases; a capital's former state (`^XX`) is
/// noted in `pending_former`, as former states are listed after their
/// successors.
fn push_country(
    c: &mut Countries,
    l: &CountryLine,
    pending_former: &mut Vec<(usize, &'static str)>,
) {
    let idx = c.defs.len() as u16;
    c.defs.push(CountryDef {
        code: l.code,
        name: l.name,
    });
    // The canonical name is an alias unless a flagged spelling of it
    // follows in the names column.
    let flagged =
        list(l.names()).any(|n| n.trim_start_matches(['!', '~']) == l.name && n != l.name);
    let all = (!flagged)
        .then_some((l.name, AliasKind::Name))
        .into_iter()
        .chain(list(l.names()).map(|n| (n, AliasKind::Name)))
        .chain(list(l.adjs()).map(|a| (a, AliasKind::Adjective)))
        .chain(list(l.caps()).map(|k| (k, AliasKind::Capital)));
    for (raw, kind) in all {
        let (text, former) = alias_text(raw);
        if let Some(f) = former {
            pending_former.push((c.aliases.len(), f));
        }
        c.aliases.push(Alias {
            text,
            country: idx,
            kind,
            person_trap: raw.starts_with('!'),
            context_trap: raw.starts_with('~'),
            former: None,
        });
    }
}

/// Parse the embedded TSV. The file is ours and checked by tests, so a bad
/// line is skipped rather than reported (there is no user to report to).
/// Former states, context rules and multi-country phrases refer to codes
/// by name, so they are resolved once every country is known.
fn parse_countries(src: &'static str) -> Countries {
    let mut c = Countries::default();
    let mut pending_context: Vec<(&'static str, &'static str, &'static str)> = Vec::new();
    let mut pending_former: Vec<(usize, &'static str)> = Vec::new();
    let mut pending_multi: Vec<(&'static str, &'static str)> = Vec::new();
    for l in lines(src) {
        let code = l.code;
        if code == "-" {
            c.blockers.extend(list(l.names()));
        } else if code == "=" {
            c.firm_words.extend(list(l.names()));
        } else if let Some(target) = code.strip_prefix('?') {
            pending_context.push((target, l.names().unwrap_or(""), l.adjs().unwrap_or("")));
        } else if code.contains('+') {
            pending_multi.extend(list(l.names()).map(|alias| (alias, code)));
        } else {
            push_country(&mut c, &l, &mut pending_former);
        }
    }
    for (alias, codes) in pending_multi {
        let idx = codes.split('+').filter_map(|k| c.index_of(k)).collect();
        c.multi.push((alias, idx));
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
    /// Words that may continue a portfolio after "Minister of/for" without
    /// being portfolio words elsewhere ("Young People and Families").
    #[serde(default)]
    pub portfolio_tail: Vec<String>,
    /// Capitalised words that are never part of a person's name.
    #[serde(default)]
    pub not_name: Vec<String>,
    /// Words right after a name that make it an organisation ("Corp").
    #[serde(default)]
    pub org_after: Vec<String>,
    /// Words right before "X, the minister" that make X a place ("in").
    #[serde(default)]
    pub place_before: Vec<String>,
    /// Verbs whose subject is a person ("Subroto said").
    #[serde(default)]
    pub speech_verbs: Vec<String>,
}

/// A well-known office holder: the country a bare title stands for when it
/// is theirs ("Chancellor Helmut Kohl" is Germany's, so not a minister).
#[derive(Debug, Deserialize)]
pub struct Holder {
    pub name: String,
    pub code: String,
}

#[derive(Debug, Deserialize)]
struct MinistersFile {
    keyword: Vec<Keyword>,
    rules: Rules,
    #[serde(default)]
    role_country: Vec<RoleCountry>,
    #[serde(default)]
    holder: Vec<Holder>,
}

/// The ministerial-title gazetteer.
#[derive(Debug, Default)]
pub struct Titles {
    pub keywords: Vec<(String, TitleKind)>,
    pub rules: Rules,
    pub role_country: Vec<RoleCountry>,
    pub holders: Vec<Holder>,
    /// Given names (`schema/given-names.txt`).
    pub given: std::collections::HashSet<&'static str>,
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
    pub fn is_portfolio_tail(&self, word: &str) -> bool {
        Self::in_list(&self.rules.portfolio_tail, word)
    }
    pub fn is_not_name(&self, word: &str) -> bool {
        self.rules.not_name.iter().any(|w| w == word)
    }
    pub fn is_org_after(&self, word: &str) -> bool {
        self.rules.org_after.iter().any(|w| w == word)
    }
    pub fn is_place_before(&self, word: &str) -> bool {
        Self::in_list(&self.rules.place_before, word)
    }
    pub fn is_speech_verb(&self, word: &str) -> bool {
        self.rules.speech_verbs.iter().any(|w| w == word)
    }
    pub fn is_given(&self, word: &str) -> bool {
        self.given.contains(word)
    }
    /// The country of a well-known office holder: by full name, or by a lone
    /// surname whose holders all share one country.
    pub fn holder_code(&self, name: &[String]) -> Option<&str> {
        let last = name.last()?;
        let full = name.join(" ");
        if let Some(h) = self.holders.iter().find(|h| h.name == full) {
            return Some(&h.code);
        }
        if name.len() > 1 {
            return None;
        }
        // A lone surname: the code all holders of that surname share.
        let mut codes = self
            .holders
            .iter()
            .filter(|h| h.name.rsplit(' ').next() == Some(last.as_str()))
            .map(|h| h.code.as_str());
        let first = codes.next()?;
        codes.all(|c| c == first).then_some(first)
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
            holders: f.holder,
            given: given_names(),
        },
        Err(_) => Titles::default(),
    })
}

fn given_names() -> std::collections::HashSet<&'static str> {
    GIVEN_NAMES
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
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
