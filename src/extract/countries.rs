//! Countries an article refers to: the one-pass scan (shared with
//! `ministers`, which needs the title keywords it finds) and the rules that
//! turn raw gazetteer matches into country mentions — case and word
//! boundaries, blockers, people called Jordan, Georgia the US state, former
//! states' capitals. Pure: text in, spans out.

use super::gazetteer::{self, Alias, AliasKind, Pat, TitleKind};
use super::text::{self, char_after, char_before, is_word_char};
use rustc_hash::{FxHashMap, FxHashSet};
use std::sync::OnceLock;

/// A gazetteer pattern found in the text (case and boundaries checked).
#[derive(Clone, Copy, Debug)]
pub struct Hit {
    pub start: usize,
    pub end: usize,
    pub pat: u32,
}

/// A country mention.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mention {
    pub start: usize,
    pub end: usize,
    pub country: u16,
}

/// A title keyword ("minister", "president") found by the scan.
#[derive(Clone, Copy, Debug)]
pub struct TitleHit {
    pub start: usize,
    pub end: usize,
    pub kind: TitleKind,
}

/// Every uppercase ASCII letter of the pattern is uppercase in the text
/// ("Turkey" is not "turkey"; "US" is not "us").
fn case_ok(pattern: &str, found: &str) -> bool {
    pattern.len() == found.len()
        && pattern
            .bytes()
            .zip(found.bytes())
            .all(|(p, f)| !p.is_ascii_uppercase() || f.is_ascii_uppercase())
}

/// One Aho-Corasick pass: country words, blockers and title keywords.
pub fn scan(text: &str) -> (Vec<Hit>, Vec<TitleHit>) {
    let m = gazetteer::matcher();
    let mut hits = Vec::new();
    let mut titles = Vec::new();
    let Some(ac) = &m.ac else {
        return (hits, titles);
    };
    for mat in ac.find_iter(text) {
        let (start, mut end) = (mat.start(), mat.end());
        let Some((pattern, pat)) = m.pats.get(mat.pattern().as_usize()) else {
            continue;
        };
        if char_before(text, start).is_some_and(is_word_char) {
            continue;
        }
        if let Pat::Title(kind) = pat {
            if char_after(text, end).is_some_and(is_word_char) {
                continue;
            }
            titles.push(TitleHit {
                start,
                end,
                kind: *kind,
            });
            continue;
        }
        if !case_ok(pattern, &text[start..end]) {
            continue;
        }
        if char_after(text, end).is_some_and(is_word_char) {
            // Plural adjectives and demonyms: "Indians", "Koreans".
            let plural = matches!(pat, Pat::Alias(i)
                if gazetteer::countries().aliases.get(*i as usize)
                    .is_some_and(|a| a.kind == AliasKind::Adjective));
            if plural
                && text.as_bytes().get(end) == Some(&b's')
                && !char_after(text, end + 1).is_some_and(is_word_char)
            {
                end += 1;
            } else {
                continue;
            }
        }
        if matches!(pat, Pat::Block) {
            continue;
        }
        hits.push(Hit {
            start,
            end,
            pat: mat.pattern().as_usize() as u32,
        });
    }
    (hits, titles)
}

/// A short all-caps abbreviation ("US", "UK") inside an all-caps headline
/// may be a plain word ("LET US").
fn shouted(text: &str, alias: &Alias, start: usize, end: usize) -> bool {
    let is_abbrev = alias.text.len() <= 4 && alias.text.bytes().all(|b| b.is_ascii_uppercase());
    if !is_abbrev {
        return false;
    }
    let caps = |t: Option<text::Tok<'_>>| {
        t.is_some_and(|t| {
            t.word.len() >= 2 && t.word.chars().all(|c| c.is_ascii_uppercase() || c == '\'')
        })
    };
    caps(text::token_before(text, start)) || caps(text::token_after(text, end))
}

/// "Michael Jordan", "Jordan Smith": the country word sits in a run of
/// capitalised name words.
fn next_to_name(text: &str, start: usize, end: usize) -> bool {
    let t = gazetteer::titles();
    if let Some(prev) = text::token_before(text, start)
        && prev.raw_end + 1 >= start
        && !prev.stop
        && !prev.possessive
        && text::is_name_word(prev.word)
        && !t.is_keyword(prev.word)
        && !t.is_portfolio(prev.word)
        && !text::sentence_starts_at(text, &prev)
        && !matches!(prev.word, "King" | "Queen" | "Kingdom" | "Republic")
    {
        return true;
    }
    if text[end..].starts_with(' ')
        && let Some(next) = text::token_after(text, end)
        && !next.lead_punct
        && text::is_name_word(next.word)
        && !t.is_keyword(next.word)
        && !t.is_portfolio(next.word)
        && !matches!(next.word, "River" | "Valley")
    {
        return true;
    }
    false
}

/// The words that introduce a place rather than a person.
fn place_preposition(text: &str, start: usize) -> bool {
    text::token_before(text, start).is_some_and(|p| {
        matches!(
            p.word.to_ascii_lowercase().as_str(),
            "in" | "to" | "from" | "of" | "and" | "with" | "visit" | "visited" | "visiting"
        )
    })
}

/// Reuters marks company names with angle brackets ("<Georgia Gulf Corp>",
/// "<E.C. Jordan and Co>"): a country word inside names no country.
fn in_company_mark(text: &str, start: usize, end: usize) -> bool {
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    // Bytes, not chars: the marks are ASCII, and a search for a set of
    // chars decodes every char on the way.
    let open = text.as_bytes()[line_start..start]
        .iter()
        .rposition(|&b| b == b'<' || b == b'>')
        .is_some_and(|i| text.as_bytes()[line_start + i] == b'<');
    open && text[end..]
        .split('\n')
        .next()
        .is_some_and(|rest| rest.find('>').is_some_and(|i| !rest[..i].contains('<')))
}

/// "Jordan and Co", "Jordan & Co.": a firm.
fn firm_after(text: &str, end: usize) -> bool {
    let rest = &text[end..];
    [
        "and Co",
        "& Co",
        "and Company",
        "& Company",
        "and Sons",
        "& Sons",
    ]
    .iter()
    .any(|f| {
        rest.strip_prefix(' ')
            .and_then(|r| r.strip_prefix(f))
            .is_some_and(|r| !r.starts_with(char::is_alphanumeric))
    })
}

/// "Swiss Bank Corp", "American Nursery Products", "British American
/// Tobacco": the country word opens a run of capitalised words that ends in
/// a firm word (`=` in countries.tsv, any case) or in a Reuters ticker
/// ("AMERICAN REALTY <ARB>"), so it names a firm, not a country. "Indian
/// Petroleum Minister" is no firm: the run goes on past "Petroleum".
fn in_firm_name(text: &str, end: usize) -> bool {
    let firm = &gazetteer::countries().firm_words;
    let is_firm = |w: &str| firm.iter().any(|f| f.eq_ignore_ascii_case(w));
    let mut at = end;
    for _ in 0..4 {
        let Some(next) = text::token_after(text, at) else {
            return false;
        };
        if next.raw_start != at + 1 || !text[at..].starts_with(' ') || next.lead_punct {
            return false;
        }
        if !capitalised(next.word) {
            return false;
        }
        let after = text::token_after(text, next.raw_end)
            .filter(|n| n.raw_start == next.raw_end + 1 && !next.stop && !next.possessive);
        match after {
            Some(n) if text[n.raw_start..n.raw_end].starts_with('<') => return true,
            Some(n) if !n.lead_punct && capitalised(n.word) => at = next.raw_end,
            _ => return is_firm(next.word),
        }
    }
    false
}

/// "SHELL CANADA SEES BETTER PROFIT" over a story about "<Shell Canada Ltd>",
/// "American Video shareholders" after "<American Video Group Inc>": a
/// country word whose neighbour is also its neighbour inside one of the
/// article's company marks is that company's name.
fn echoes_company_mark(text: &str, start: usize, end: usize, marks: &[&str]) -> bool {
    if marks.is_empty() {
        return false;
    }
    let word = &text[start..end];
    let prev = text::token_before(text, start)
        .filter(|p| p.raw_end + 1 == start && !p.stop)
        .map(|p| p.word);
    let next = text::token_after(text, end)
        .filter(|n| n.raw_start == end + 1 && !n.lead_punct)
        .map(|n| n.word);
    let same =
        |a: Option<&str>, b: Option<&str>| a.zip(b).is_some_and(|(a, b)| a.eq_ignore_ascii_case(b));
    marks.iter().any(|mark| {
        let mut before = None;
        let mut words = mark.split_whitespace().peekable();
        while let Some(w) = words.next() {
            if w.eq_ignore_ascii_case(word)
                && (same(prev, before) || same(next, words.peek().copied()))
            {
                return true;
            }
            before = Some(w);
        }
        false
    })
}

/// The text inside an article's first 64 company marks (`<` to the next
/// `>` or line break), read once per article for [`echoes_company_mark`].
fn company_marks(text: &str) -> Vec<&str> {
    let mut marks = Vec::new();
    let mut rest = text;
    while marks.len() < 64 {
        let Some(open) = rest.find('<') else {
            break;
        };
        // `>` and the line break are ASCII: search bytes, which a search
        // for a set of chars would decode one by one.
        let Some(close) = rest.as_bytes()[open..]
            .iter()
            .position(|&b| b == b'>' || b == b'\n')
        else {
            break;
        };
        marks.push(&rest[open + 1..open + close]);
        rest = &rest[open + close..];
    }
    marks
}

/// "Power Corp of Canada", "Aluminum Company of America": the country ends
/// a firm's name after "of" (or "of the"), the capitalised words before it
/// holding a firm word. "Bank of England", "Union Bank of Switzerland" hold
/// none, and stay the country.
fn firm_of(text: &str, start: usize) -> bool {
    let firm = &gazetteer::countries().firm_words;
    let mut at = start;
    let mut prev = text::token_before(text, at);
    if prev.as_ref().is_some_and(|p| p.word == "the") {
        at = prev.as_ref().map_or(at, |p| p.raw_start);
        prev = text::token_before(text, at);
    }
    if prev.as_ref().is_none_or(|p| p.word != "of" || p.stop) {
        return false;
    }
    at = prev.map_or(at, |p| p.raw_start);
    for _ in 0..4 {
        let Some(p) = text::token_before(text, at) else {
            return false;
        };
        if p.stop || !capitalised(p.word) {
            return false;
        }
        if firm.iter().any(|f| f.eq_ignore_ascii_case(p.word)) {
            return true;
        }
        at = p.raw_start;
    }
    false
}

fn capitalised(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

/// "Subs: Macken, Weaver, Onuoha, Jordan": a list of surnames, in which a
/// country word that is also a name is one of them.
fn in_name_list(text: &str, start: usize, found: &[Mention]) -> bool {
    text::token_before(text, start).is_some_and(|p| {
        text[p.start + p.word.len()..p.raw_end].starts_with(',')
            && text::is_name_word(p.word)
            && !found.iter().any(|m| m.start <= p.start && p.start < m.end)
            && !gazetteer::titles().is_keyword(p.word)
    })
}

/// What a trap alias ("!Jordan", "~Georgia") is at this hit.
#[derive(PartialEq, Eq)]
enum Trap {
    /// The country, as far as the words around it tell.
    Country,
    /// A person ("Michael Jordan", "Onuoha, Jordan").
    Person,
    /// A firm or other name ("Georgia Gulf", "Jordan and Co").
    Other,
}

fn trap_at(text: &str, a: &Alias, h: &Hit, found: &[Mention]) -> Trap {
    if !(a.person_trap || a.context_trap) {
        return Trap::Country;
    }
    // "GEORGIA GULF SAYS": capitals hide what the word is.
    if !text[h.start..h.end].chars().any(char::is_lowercase) {
        return Trap::Other;
    }
    let named = next_to_name(text, h.start, h.end);
    if a.person_trap && (named || in_name_list(text, h.start, found)) {
        return Trap::Person;
    }
    if named || firm_after(text, h.end) {
        return Trap::Other;
    }
    Trap::Country
}

/// Country mentions before the article-wide rules, with what those rules
/// need: which are trap aliases, which capitals may stand for a former state.
#[derive(Default)]
struct Raw {
    out: Vec<Mention>,
    persons: Vec<u16>,
    former_pending: Vec<(usize, u16)>,
    trapped: Vec<usize>,
    ctx_trapped: Vec<usize>,
}

fn raw_mentions(text: &str, hits: &[Hit]) -> Raw {
    let g = gazetteer::countries();
    let m = gazetteer::matcher();
    let mut r = Raw {
        out: Vec::with_capacity(hits.len()),
        ..Raw::default()
    };
    let mut marks = None;
    for h in hits {
        let Some((_, pat)) = m.pats.get(h.pat as usize) else {
            continue;
        };
        let mention = |country| Mention {
            start: h.start,
            end: h.end,
            country,
        };
        match pat {
            Pat::Alias(i) => {
                let Some(a) = g.aliases.get(*i as usize) else {
                    continue;
                };
                if shouted(text, a, h.start, h.end)
                    || in_company_mark(text, h.start, h.end)
                    || in_firm_name(text, h.end)
                    || firm_of(text, h.start)
                    || echoes_company_mark(
                        text,
                        h.start,
                        h.end,
                        marks.get_or_insert_with(|| company_marks(text)),
                    )
                {
                    continue;
                }
                match trap_at(text, a, h, &r.out) {
                    Trap::Person => {
                        r.persons.push(a.country);
                        continue;
                    }
                    Trap::Other => continue,
                    Trap::Country => {}
                }
                if a.person_trap {
                    r.trapped.push(r.out.len());
                }
                if a.context_trap {
                    r.ctx_trapped.push(r.out.len());
                }
                if let Some(f) = a.former {
                    r.former_pending.push((r.out.len(), f));
                }
                r.out.push(mention(a.country));
            }
            Pat::Multi(i) => {
                if let Some((_, codes)) = g.multi.get(*i as usize) {
                    r.out.extend(codes.iter().map(|&c| mention(c)));
                }
            }
            Pat::Block | Pat::Title(_) => {}
        }
    }
    r
}

/// Turn raw hits into country mentions.
pub fn mentions(text: &str, hits: &[Hit]) -> Vec<Mention> {
    let Raw {
        mut out,
        persons,
        former_pending,
        trapped,
        ctx_trapped,
    } = raw_mentions(text, hits);
    // "Moscow" is the Soviet Union in an article that names it.
    for (i, f) in former_pending {
        if out.iter().any(|m| m.country == f)
            && let Some(m) = out.get_mut(i)
        {
            m.country = f;
        }
    }
    // "Georgia" is the US state when the article says so, or talks of the
    // United States without a word of the Caucasus.
    let mut drop: Vec<usize> = ctx_trapped
        .into_iter()
        .filter(|&i| {
            out.get(i).is_some_and(|m| {
                context_rejects(text, m.country, &out) && !listed_with_country(text, m, &out)
            })
        })
        .collect();
    // Once "Michael Jordan" is seen, a bare "Jordan" is him too, unless it
    // is plainly a place ("in Jordan").
    if !persons.is_empty() {
        drop.extend(trapped.into_iter().filter(|&i| {
            out.get(i)
                .is_some_and(|m| persons.contains(&m.country) && !place_preposition(text, m.start))
        }));
    }
    if !drop.is_empty() {
        let mut k = 0;
        out.retain(|_| {
            let keep = !drop.contains(&k);
            k += 1;
            keep
        });
    }
    out
}

/// "Georgia and Russia", "Russia, Georgia": a country word in a list with
/// another country is one too.
fn listed_with_country(text: &str, m: &Mention, found: &[Mention]) -> bool {
    let other = |pos: usize| {
        found
            .iter()
            .any(|o| o.country != m.country && o.start <= pos && pos < o.end.max(o.start + 1))
    };
    let joined = |between: &str| {
        let b = between.trim();
        b == "," || b == "and" || b == "or" || b == "&"
    };
    let before = text::token_before(text, m.start).and_then(|p| {
        let prev = if p.word == "and" || p.word == "or" {
            text::token_before(text, p.raw_start)?
        } else {
            p
        };
        Some(joined(&text[prev.end()..m.start]) && other(prev.start))
    });
    let after = text::token_after(text, m.end).and_then(|n| {
        let next = if n.word == "and" || n.word == "or" {
            text::token_after(text, n.raw_end)?
        } else {
            n
        };
        Some(joined(&text[m.end..next.start]) && other(next.start))
    });
    before == Some(true) || after == Some(true)
}

/// A context word is a phrase of the text, `@XX`: the article names XX, or
/// `*`: always.
fn context_rejects(text: &str, country: u16, found: &[Mention]) -> bool {
    let g = gazetteer::countries();
    let present = |w: &str| match w.strip_prefix('@') {
        Some(code) => g
            .index_of(code)
            .is_some_and(|i| found.iter().any(|m| m.country == i)),
        None => w == "*" || text.contains(w),
    };
    g.context
        .iter()
        .filter(|r| r.country == country)
        .any(|r| r.reject_if.iter().any(|w| present(w)) && !r.unless.iter().any(|w| present(w)))
}

/// Resolve what a user types after `country:` to a gazetteer code.
pub fn code_for(value: &str) -> Option<&'static str> {
    let v = value.trim().trim_start_matches("the ").trim();
    if v.is_empty() {
        return None;
    }
    // Codes and names from the lines of countries.tsv, read once into a
    // table: building the whole gazetteer for one `country:` value was a
    // sixth of such a search (680,000 instructions), and reading the lines
    // again for each value was a sixth of `serve`'s CPU (every search's
    // country facet asks for ten codes).
    let by = codes_and_names();
    if v.len() == 2
        && let Some(&code) = by.codes.get(v.to_ascii_uppercase().as_str())
    {
        return Some(code);
    }
    // A canonical name, as stored in the index (every country facet value)
    // or typed in any case (`country:japan`): found before scanning the
    // aliases.
    if let Some(code) = by.names.get(v.to_lowercase().as_str()) {
        return Some(code);
    }
    let lines = gazetteer::country_lines;
    let spelt =
        |t: &str| t.eq_ignore_ascii_case(v) || t.trim_start_matches("the ").eq_ignore_ascii_case(v);
    if let Some(l) = lines().find(|l| l.name_spellings().any(spelt)) {
        return Some(l.code);
    }
    let g = gazetteer::countries();
    let by = |kind: AliasKind| {
        g.aliases
            .iter()
            .filter(|a| a.kind == kind)
            .find(|a| spelt(a.text))
            .and_then(|a| g.defs.get(a.country as usize))
            .map(|d| d.code)
    };
    by(AliasKind::Adjective).or_else(|| by(AliasKind::Capital))
}

/// The countries' codes (as countries.tsv writes them, upper case), and
/// their canonical names (lower-cased), each to its code.
struct CodesAndNames {
    codes: FxHashSet<&'static str>,
    names: FxHashMap<String, &'static str>,
}

fn codes_and_names() -> &'static CodesAndNames {
    static TABLE: OnceLock<CodesAndNames> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = CodesAndNames {
            codes: FxHashSet::default(),
            names: FxHashMap::default(),
        };
        for l in gazetteer::country_lines() {
            t.codes.insert(l.code);
            t.names.entry(l.name.to_lowercase()).or_insert(l.code);
        }
        t
    })
}

/// The canonical name of a gazetteer code.
pub fn name_for(code: &str) -> Option<&'static str> {
    gazetteer::countries()
        .defs
        .iter()
        .find(|d| d.code.eq_ignore_ascii_case(code))
        .map(|d| d.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `code_for` as it was before it read the lines itself: every step
    /// from the built gazetteer.
    fn code_by_gazetteer(value: &str) -> Option<&'static str> {
        let g = gazetteer::countries();
        let v = value.trim().trim_start_matches("the ").trim();
        if v.is_empty() {
            return None;
        }
        if v.len() == 2
            && let Some(d) = g.defs.iter().find(|d| d.code.eq_ignore_ascii_case(v))
        {
            return Some(d.code);
        }
        if let Some(d) = g.defs.iter().find(|d| d.name == v) {
            return Some(d.code);
        }
        let by = |kind: AliasKind| {
            g.aliases
                .iter()
                .filter(|a| a.kind == kind)
                .find(|a| {
                    a.text.eq_ignore_ascii_case(v)
                        || a.text.trim_start_matches("the ").eq_ignore_ascii_case(v)
                })
                .and_then(|a| g.defs.get(a.country as usize))
                .map(|d| d.code)
        };
        by(AliasKind::Name)
            .or_else(|| by(AliasKind::Adjective))
            .or_else(|| by(AliasKind::Capital))
            .or_else(|| {
                g.defs
                    .iter()
                    .find(|d| d.name.eq_ignore_ascii_case(v))
                    .map(|d| d.code)
            })
    }

    #[test]
    fn resolving_from_the_lines_agrees_with_the_gazetteer_on_every_spelling() {
        let g = gazetteer::countries();
        let mut inputs: Vec<String> = vec!["".into(), "  ".into(), "the".into(), "atlantis".into()];
        for d in &g.defs {
            inputs.extend([
                d.code.to_string(),
                d.code.to_lowercase(),
                d.name.to_string(),
                d.name.to_lowercase(),
                d.name.to_uppercase(),
            ]);
        }
        for a in &g.aliases {
            let t = a.text;
            inputs.extend([
                t.to_string(),
                t.to_lowercase(),
                t.to_uppercase(),
                format!("the {t}"),
                format!("  {t} "),
            ]);
        }
        for v in &inputs {
            assert_eq!(code_for(v), code_by_gazetteer(v), "country:{v:?}");
        }
        assert_eq!(code_for("japan"), Some("JP"));
        assert_eq!(code_for("Japanese"), Some("JP"));
        assert_eq!(code_for("tokyo"), Some("JP"));
    }
}
