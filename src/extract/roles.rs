//! The role phrase around a title keyword ("External Affairs Minister",
//! "Secretary of State for Health", "Japan's foreign minister") and whether
//! it is a ministerial office of a national government, by the rules of
//! `schema/ministers.toml`. Read in phases: portfolio words before the
//! keyword, which of them may qualify it ("deputy", "chief"), determiners and
//! countries before those, the portfolio after it ("of State", "for
//! Children, Young People and Families"), words after it that make it
//! something else, a bare title's need for a qualifier, then what the kind of
//! title requires. Who holds it is `ministers`' business. Pure.

use super::countries::{Mention, TitleHit};
use super::gazetteer::{self, Rules, TitleKind, Titles};
use super::text::{self, Tok, is_name_word, token_after, token_before};

/// A role phrase around a keyword.
pub struct Role {
    pub end: usize,
    /// Where determiners/countries before the role begin.
    pub prefix_start: usize,
    pub country: Option<u16>,
    pub text: String,
    /// A bare "Chancellor": ministerial only when the person is the UK's,
    /// which `ministers` decides once it knows who.
    pub chancellor: bool,
}

/// The country mention that ends in this token ("Japan's", "West German").
fn country_ending_at<'m>(countries: &'m [Mention], tok: &Tok<'_>) -> Option<&'m Mention> {
    countries
        .iter()
        .find(|m| m.start < tok.end() && tok.start < m.end && m.end <= tok.end())
}

pub fn is_country_word(countries: &[Mention], tok: &Tok<'_>) -> bool {
    countries
        .iter()
        .any(|m| m.start <= tok.start && tok.start < m.end)
}

pub fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Portfolio words right before the keyword, nearest first.
struct Before<'a> {
    start: usize,
    words: Vec<&'a str>,
    /// Lowercase, in reading order.
    lower: Vec<String>,
}

/// Phase 1: portfolio words before the keyword, adjacent, no punctuation
/// between ("Commerce and Industry Minister"); a trailing "and" is not one.
fn portfolio_before<'a>(
    text: &'a str,
    t: &Titles,
    countries: &[Mention],
    hit: &TitleHit,
) -> Before<'a> {
    let mut start = hit.start;
    let mut words: Vec<&str> = Vec::new();
    let mut starts: Vec<usize> = Vec::new();
    while let Some(tok) = token_before(text, start) {
        if tok.stop
            || tok.possessive
            || tok.raw_end + 2 < start && !text[tok.raw_end..start].trim().is_empty()
        {
            break;
        }
        if !t.is_portfolio(tok.word) || is_country_word(countries, &tok) {
            break;
        }
        // "Co-operation" is one token; hyphenated portfolio words come whole.
        words.push(tok.word);
        starts.push(tok.start);
        start = tok.start;
        if tok.lead_punct {
            break;
        }
    }
    // "and" cannot begin a role ("And Home Secretary").
    while words
        .last()
        .is_some_and(|w| w.eq_ignore_ascii_case("and") || *w == "&")
    {
        words.pop();
        starts.pop();
        start = starts.last().copied().unwrap_or(hit.start);
    }
    let lower = words.iter().rev().map(|w| w.to_ascii_lowercase()).collect();
    Before {
        start,
        words,
        lower,
    }
}

/// Phase 2: "deputy" and "chief" only in the combinations the rules allow
/// ("Deputy Prime Minister", "Chief Cabinet Secretary").
fn qualifiers_allowed(text: &str, r: &Rules, hit: &TitleHit, before: &Before<'_>) -> bool {
    let joined = before.lower.join(" ");
    if before.lower.iter().any(|w| w == "deputy")
        && !r.deputy_ok.iter().any(|d| joined.contains(d.as_str()))
    {
        return false;
    }
    if hit.kind != TitleKind::Exchequer && before.lower.iter().any(|w| w == "chief") {
        let tail = format!("{joined} {}", text[hit.start..hit.end].to_ascii_lowercase());
        return r.chief_ok.iter().any(|d| tail.contains(d.as_str()));
    }
    true
}

/// Phase 3: determiners and countries before the role ("Japan's", "the
/// former", "West German"): where they start and the country they name.
/// `None` when a word there rules the title out ("shadow", "Ontario").
fn prefix(
    text: &str,
    t: &Titles,
    countries: &[Mention],
    hit: &TitleHit,
    start: usize,
) -> Option<(usize, Option<u16>)> {
    let mut prefix_start = start;
    let mut country = None;
    while let Some(tok) = token_before(text, prefix_start) {
        if tok.stop && !tok.possessive || !text[tok.raw_end..prefix_start].trim().is_empty() {
            break;
        }
        // "Vice-Premier": the word before the hyphen qualifies the title.
        if t.is_reject_before(tok.word.trim_end_matches('-')) {
            return None;
        }
        if let Some(m) = country_ending_at(countries, &tok) {
            country.get_or_insert(m.country);
            // Step back over the whole country ("West German").
            prefix_start = m.start;
            if tok.lead_punct {
                break;
            }
            continue;
        }
        if t.is_determiner(tok.word) && !tok.possessive {
            prefix_start = tok.start;
            if tok.lead_punct {
                break;
            }
            continue;
        }
        // "Ontario Premier", "Labour Party Secretary": a capitalised
        // qualifier that is not a country makes it sub-national or not
        // governmental at all.
        let qualifier = prefix_start == start
            && tok.is_capitalized()
            && !tok.possessive
            && is_name_word(tok.word)
            && !text::sentence_starts_at(text, &tok)
            && matches!(
                hit.kind,
                TitleKind::Premier | TitleKind::Minister | TitleKind::Secretary
            );
        if qualifier {
            return None;
        }
        break;
    }
    Some((prefix_start, country))
}

/// Does a portfolio phrase go on past `tok` (which ends in a comma)? Only
/// into another portfolio word: "for Children, Young People and Families"
/// but not "of Regional and Industrial Expansion, Michel Cote".
fn portfolio_goes_on(text: &str, t: &Titles, tok: &Tok<'_>) -> bool {
    text[tok.end()..tok.raw_end] == *","
        && token_after(text, tok.raw_end).is_some_and(|n| {
            !n.lead_punct
                && n.is_capitalized()
                && (t.is_portfolio(n.word) || t.is_portfolio_tail(n.word))
        })
}

/// Phase 4a: the portfolio after "Minister"/"Secretary"/"Chancellor":
/// "of State", "for Energy and Mineral Resources", "to the Treasury".
fn portfolio_after(text: &str, t: &Titles, countries: &[Mention], hit: &TitleHit) -> usize {
    let end = hit.end;
    let Some(first) = token_after(text, end) else {
        return end;
    };
    let opens = matches!(
        hit.kind,
        TitleKind::Minister | TitleKind::Secretary | TitleKind::Chancellor
    ) && !first.lead_punct
        && text[end..first.raw_start].trim().is_empty()
        && matches!(first.word, "of" | "for" | "to")
        && !first.stop;
    if !opens {
        return end;
    }
    let mut at = first.raw_end;
    let mut last_end = None;
    while let Some(tok) = token_after(text, at) {
        if tok.lead_punct {
            break;
        }
        let lw = tok.word.to_ascii_lowercase();
        // Words such as "Children" or "Relations" continue a capitalised
        // portfolio but are no portfolio on their own.
        let tail = tok.is_capitalized() && t.is_portfolio_tail(&lw);
        let ok = (t.is_portfolio(&lw) || tail) && !is_country_word(countries, &tok)
            || lw == "the" && last_end.is_none();
        if !ok {
            break;
        }
        if lw != "the" && lw != "and" {
            last_end = Some(tok.end());
        }
        at = tok.raw_end;
        if tok.possessive || tok.stop && !portfolio_goes_on(text, t, &tok) {
            break;
        }
    }
    last_end.unwrap_or(end)
}

/// Phase 4b: "the minister in charge of the nuclear crisis": a bare
/// minister with a portfolio described in lowercase words.
fn portfolio_in_words(text: &str, hit: &TitleHit, end: usize) -> usize {
    let rest = &text[hit.end..];
    let lead = ["in charge of ", "responsible for ", "for ", "of "]
        .iter()
        .any(|p| rest.strip_prefix(' ').is_some_and(|r| r.starts_with(*p)));
    if !lead {
        return end;
    }
    let mut end = end;
    let mut at = hit.end;
    let mut n = 0;
    while let Some(tok) = token_after(text, at) {
        if tok.lead_punct || n == 8 || !tok.word.chars().all(|c| c.is_lowercase()) {
            break;
        }
        end = tok.end();
        n += 1;
        if tok.stop {
            break;
        }
        at = tok.raw_end;
    }
    end
}

/// Phase 5: words after the keyword that make it something else
/// ("Secretary-General", "Secretary of the party").
fn rejected_after(text: &str, r: &Rules, hit: &TitleHit) -> bool {
    let after_kw = text[hit.end..].trim_start_matches([' ']);
    let after_lower = after_kw
        .get(..after_kw.len().min(16))
        .unwrap_or("")
        .to_ascii_lowercase();
    let raw_after = text
        .get(hit.end..(hit.end + 9).min(text.len()))
        .unwrap_or("")
        .to_ascii_lowercase();
    r.reject_after.iter().any(|w| {
        if w.starts_with('-') {
            raw_after.starts_with(w.as_str())
        } else {
            after_lower.starts_with(w.as_str())
        }
    })
}

/// Phase 6: a bare "minister" or "Secretary" is too vague unless the
/// article qualifies it: by a country ("Japan's minister"), a capital
/// "Minister" before a name ("Minister Richard Caborn"), or "former",
/// "junior", "ex-" before a name ("former minister Clare Short").
fn specific_enough(
    text: &str,
    r: &Rules,
    hit: &TitleHit,
    start: usize,
    role_lower: &str,
    country: Option<u16>,
) -> bool {
    if !r.reject_roles.iter().any(|x| x == role_lower) || hit.kind == TitleKind::Premier {
        return true;
    }
    let named_next =
        token_after(text, hit.end).is_some_and(|n| is_name_word(n.word) && !n.lead_punct);
    let qualified = country.is_some()
        || named_next && text[hit.start..].starts_with('M')
        || named_next
            && token_before(text, start).is_some_and(|p| {
                matches!(
                    p.word.to_ascii_lowercase().as_str(),
                    "former" | "junior" | "ex-" | "ex"
                )
            });
    hit.kind == TitleKind::Minister && role_lower == "minister" && qualified
}

fn has_other(words: &[String], but: &str) -> bool {
    words.iter().any(|w| w != but && w != "and")
}

/// Phase 7: what each kind of title needs. `Some(true)` for a bare
/// "Chancellor", whose holder decides.
fn kind_allows(
    text: &str,
    r: &Rules,
    hit: &TitleHit,
    before: &Before<'_>,
    end: usize,
    au_context: bool,
) -> Option<bool> {
    match hit.kind {
        TitleKind::Secretary => {
            let rest = collapse(&text[hit.end..end].trim().to_ascii_lowercase());
            let has_portfolio = !before.words.is_empty();
            if !has_portfolio
                && !r
                    .secretary_after
                    .iter()
                    .any(|s| rest.starts_with(s.as_str()))
            {
                return None;
            }
            if before.lower.iter().any(|w| w == "state") && !has_other(&before.lower, "state") {
                return None;
            }
            Some(false)
        }
        TitleKind::Treasurer if !au_context => None,
        // "Chancellor of the university" is no minister.
        TitleKind::Chancellor => (end == hit.end).then_some(true),
        TitleKind::Head => None,
        _ => Some(false),
    }
}

/// Read the role phrase around `hit` and decide whether it is ministerial.
/// `au_context`: the article names Australia (whose Treasurer is a minister).
pub fn role_at(
    text: &str,
    t: &Titles,
    countries: &[Mention],
    hit: &TitleHit,
    au_context: bool,
) -> Option<Role> {
    let r = &t.rules;
    if hit.kind == TitleKind::Exchequer {
        return Some(Role {
            end: hit.end,
            prefix_start: hit.start,
            country: gazetteer::countries().index_of("GB"),
            text: collapse(&text[hit.start..hit.end]),
            chancellor: false,
        });
    }
    let before = portfolio_before(text, t, countries, hit);
    if !qualifiers_allowed(text, r, hit, &before) {
        return None;
    }
    let (prefix_start, country) = prefix(text, t, countries, hit, before.start)?;
    let mut end = portfolio_after(text, t, countries, hit);
    if hit.kind == TitleKind::Minister && before.words.is_empty() && end == hit.end {
        end = portfolio_in_words(text, hit, end);
    }
    if rejected_after(text, r, hit) {
        return None;
    }
    let role_text = collapse(&text[before.start..end]);
    let role_lower = role_text.to_ascii_lowercase();
    if !specific_enough(text, r, hit, before.start, &role_lower, country) {
        return None;
    }
    let chancellor = kind_allows(text, r, hit, &before, end, au_context)?;
    Some(Role {
        end,
        prefix_start,
        country,
        text: role_text,
        chancellor,
    })
}
