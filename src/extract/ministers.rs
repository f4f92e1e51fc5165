//! Ministers an article names: from the title keywords found by the scan,
//! read the role phrase around each ("External Affairs Minister",
//! "Secretary of State", "Japan's foreign minister"), decide whether it is a
//! ministerial office of a national government (rules in
//! `schema/ministers.toml`), attach the person it names ("Foreign Minister
//! X", "X, Japan's foreign minister", "Japan's foreign minister, X", "his
//! Japanese counterpart, X"), then merge mentions of one person under the
//! fullest name the article gives. Pure: text and scan results in, values out.

use super::countries::{Mention, TitleHit};
use super::gazetteer::{self, TitleKind, Titles};
use super::text::{self, Tok, is_name_particle, is_name_word, token_after, token_before};

/// One mention of a minister before merging.
#[derive(Clone, Debug)]
pub struct Found {
    pub name: Vec<String>,
    pub role: String,
    pub country: Option<u16>,
    /// Named only as someone's counterpart: a later title is better.
    pub counterpart: bool,
}

/// The country mention that ends in this token ("Japan's", "West German").
fn country_ending_at<'m>(countries: &'m [Mention], tok: &Tok<'_>) -> Option<&'m Mention> {
    countries
        .iter()
        .find(|m| m.start < tok.end() && tok.start < m.end && m.end <= tok.end())
}

fn country_starting_at(countries: &[Mention], pos: usize) -> Option<&Mention> {
    countries.iter().find(|m| m.start == pos)
}

fn is_country_word(countries: &[Mention], tok: &Tok<'_>) -> bool {
    countries
        .iter()
        .any(|m| m.start <= tok.start && tok.start < m.end)
}

/// A name word that is not a country, title or portfolio word.
fn name_word(t: &Titles, countries: &[Mention], tok: &Tok<'_>) -> bool {
    is_name_word(tok.word)
        && !is_country_word(countries, tok)
        && !t.is_keyword(tok.word)
        && !t.is_portfolio(tok.word)
}

/// Read a name forward from `pos`: honorifics skipped, up to four words.
fn name_after(
    text: &str,
    t: &Titles,
    countries: &[Mention],
    pos: usize,
) -> Option<(Vec<String>, usize)> {
    let mut at = pos;
    let mut words: Vec<String> = Vec::new();
    let mut end = pos;
    let mut first = true;
    while let Some(tok) = token_after(text, at) {
        if first && tok.lead_punct {
            return None;
        }
        if words.is_empty() && t.is_honorific(tok.word) {
            at = tok.raw_end;
            first = false;
            continue;
        }
        first = false;
        let particle = !words.is_empty()
            && is_name_particle(tok.word)
            && !tok.stop
            && token_after(text, tok.raw_end).is_some_and(|n| name_word(t, countries, &n));
        if !(particle || name_word(t, countries, &tok)) {
            break;
        }
        words.push(tok.word.to_string());
        end = tok.end();
        if tok.stop || tok.possessive || words.len() == 4 {
            break;
        }
        at = tok.raw_end;
    }
    // A lone particle or nothing is no name.
    while words.last().is_some_and(|w| is_name_particle(w)) {
        words.pop();
    }
    (!words.is_empty()).then_some((words, end))
}

/// Read a name backward from `end` (exclusive), up to four words.
fn name_before(text: &str, t: &Titles, countries: &[Mention], end: usize) -> Option<Vec<String>> {
    let mut at = end;
    let mut words: Vec<&str> = Vec::new();
    while let Some(tok) = token_before(text, at) {
        if words.is_empty() && tok.end() != end {
            // Punctuation or a possessive between the name and `end`.
            break;
        }
        if !words.is_empty() && (tok.stop || tok.possessive) {
            break;
        }
        if t.is_honorific(tok.word) {
            break;
        }
        let particle = !words.is_empty() && is_name_particle(tok.word);
        if !(particle || name_word(t, countries, &tok)) {
            break;
        }
        words.push(tok.word);
        if words.len() == 4 || tok.lead_punct || text::sentence_starts_at(text, &tok) {
            break;
        }
        at = tok.raw_start;
    }
    while words.last().is_some_and(|w| is_name_particle(w)) {
        words.pop();
    }
    words.reverse();
    (!words.is_empty()).then(|| words.into_iter().map(str::to_string).collect())
}

/// A role phrase around a keyword.
struct Role {
    end: usize,
    /// Where determiners/countries before the role begin.
    prefix_start: usize,
    country: Option<u16>,
    text: String,
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Read the role phrase around `hit` and decide whether it is ministerial.
fn role_at(
    text: &str,
    t: &Titles,
    countries: &[Mention],
    hit: &TitleHit,
    gb_context: bool,
    au_context: bool,
) -> Option<Role> {
    let r = &t.rules;
    // Left: portfolio words, adjacent, no punctuation between.
    let mut start = hit.start;
    let mut words_before: Vec<&str> = Vec::new();
    let mut starts_before: Vec<usize> = Vec::new();
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
        words_before.push(tok.word);
        starts_before.push(tok.start);
        start = tok.start;
        if tok.lead_punct {
            break;
        }
    }
    // "and" cannot begin a role ("And Home Secretary").
    while words_before
        .last()
        .is_some_and(|w| w.eq_ignore_ascii_case("and") || *w == "&")
    {
        words_before.pop();
        start = starts_before.pop().map_or(hit.start, |_| {
            starts_before.last().copied().unwrap_or(hit.start)
        });
    }
    let lower_before: Vec<String> = words_before
        .iter()
        .rev()
        .map(|w| w.to_ascii_lowercase())
        .collect();
    let joined_before = lower_before.join(" ");
    if lower_before.iter().any(|w| w == "deputy")
        && !r
            .deputy_ok
            .iter()
            .any(|d| joined_before.contains(d.as_str()))
    {
        return None;
    }
    if hit.kind != TitleKind::Exchequer
        && lower_before.iter().any(|w| w == "chief")
        && !r.chief_ok.iter().any(|d| {
            let tail = format!(
                "{joined_before} {}",
                text[hit.start..hit.end].to_ascii_lowercase()
            );
            tail.contains(d.as_str())
        })
    {
        return None;
    }
    // Prefix: determiners and countries ("Japan's", "the former", "German").
    let mut prefix_start = start;
    let mut country = None;
    let mut qualifier_blocked = false;
    while let Some(tok) = token_before(text, prefix_start) {
        if tok.stop && !tok.possessive || !text[tok.raw_end..prefix_start].trim().is_empty() {
            break;
        }
        if t.is_reject_before(tok.word) {
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
        if prefix_start == start
            && tok.is_capitalized()
            && !tok.possessive
            && is_name_word(tok.word)
            && !text::sentence_starts_at(text, &tok)
            && matches!(
                hit.kind,
                TitleKind::Premier | TitleKind::Minister | TitleKind::Secretary
            )
        {
            qualifier_blocked = true;
        }
        break;
    }
    if qualifier_blocked {
        return None;
    }
    // Right: "of State", "for Energy and Mineral Resources", "to the Treasury".
    let mut end = hit.end;
    if matches!(
        hit.kind,
        TitleKind::Minister | TitleKind::Secretary | TitleKind::Chancellor
    ) && let Some(first) = token_after(text, end)
        && !first.lead_punct
        && text[end..first.raw_start].trim().is_empty()
        && matches!(first.word, "of" | "for" | "to")
        && !first.stop
    {
        let mut at = first.raw_end;
        let mut last_end = None;
        while let Some(tok) = token_after(text, at) {
            if tok.lead_punct {
                break;
            }
            let lw = tok.word.to_ascii_lowercase();
            let ok = t.is_portfolio(&lw) && !is_country_word(countries, &tok)
                || lw == "the" && last_end.is_none();
            if !ok {
                break;
            }
            if lw != "the" && lw != "and" {
                last_end = Some(tok.end());
            }
            at = tok.raw_end;
            if tok.stop || tok.possessive {
                break;
            }
        }
        if let Some(e) = last_end {
            end = e;
        }
    }
    // "the minister in charge of the nuclear crisis": a bare minister with
    // a portfolio described in words.
    if hit.kind == TitleKind::Minister && words_before.is_empty() && end == hit.end {
        let rest = &text[hit.end..];
        let lead = ["in charge of ", "responsible for ", "for ", "of "]
            .iter()
            .find(|p| rest.strip_prefix(' ').is_some_and(|r| r.starts_with(*p)));
        if lead.is_some() {
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
        }
    }
    let after_kw = text[hit.end..].trim_start_matches([' ']);
    let after_lower = after_kw
        .get(..after_kw.len().min(16))
        .unwrap_or("")
        .to_ascii_lowercase();
    let raw_after = text
        .get(hit.end..(hit.end + 9).min(text.len()))
        .unwrap_or("")
        .to_ascii_lowercase();
    if r.reject_after.iter().any(|w| {
        if w.starts_with('-') {
            raw_after.starts_with(w.as_str())
        } else {
            after_lower.starts_with(w.as_str())
        }
    }) {
        return None;
    }
    let role_text = collapse(&text[start..end]);
    let role_lower = role_text.to_ascii_lowercase();
    if r.reject_roles.contains(&role_lower) && hit.kind != TitleKind::Premier {
        // A bare "minister" or "Secretary" still names a minister when the
        // article qualifies it with a country ("Japan's minister for …" is
        // handled by the right extension), otherwise it is too vague.
        // "Former minister Clare Short": bare, but plainly an office held.
        // "Minister Richard Caborn": the capitalised title before a name.
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
        if !(hit.kind == TitleKind::Minister && role_lower == "minister" && qualified) {
            return None;
        }
    }
    match hit.kind {
        TitleKind::Secretary => {
            let has_portfolio = !words_before.is_empty();
            let rest = text[hit.end..end].trim().to_ascii_lowercase();
            let rest = collapse(&rest);
            if !has_portfolio
                && !r
                    .secretary_after
                    .iter()
                    .any(|s| rest.starts_with(s.as_str()))
            {
                return None;
            }
            if lower_before.iter().any(|w| w == "state") && !has_other(&lower_before, "state") {
                return None;
            }
        }
        TitleKind::Treasurer if !au_context => return None,
        TitleKind::Chancellor => {
            if end != hit.end || !gb_context {
                return None;
            }
            if let Some(c) = country {
                let code = gazetteer::countries().defs.get(c as usize).map(|d| d.code);
                if code != Some("GB") {
                    return None;
                }
            }
        }
        TitleKind::Head => return None,
        _ => {}
    }
    Some(Role {
        end,
        prefix_start,
        country,
        text: role_text,
    })
}

fn has_other(words: &[String], but: &str) -> bool {
    words.iter().any(|w| w != but && w != "and")
}

/// Country named right after: "Prime Minister Naoto Kan of Japan".
fn of_country(text: &str, countries: &[Mention], pos: usize) -> Option<(u16, usize)> {
    let tok = token_after(text, pos)?;
    if tok.word != "of" || !text[pos..tok.raw_start].trim().is_empty() || tok.stop {
        return None;
    }
    let next = token_after(text, tok.raw_end)?;
    let m = country_starting_at(countries, next.start)?;
    Some((m.country, m.end))
}

/// Find the ministers mentioned in `text`.
pub fn find(text: &str, titles_found: &[TitleHit], countries: &[Mention]) -> Vec<Found> {
    let t = gazetteer::titles();
    let g = gazetteer::countries();
    let code_present = |code: &str| {
        g.index_of(code)
            .is_some_and(|i| countries.iter().any(|m| m.country == i))
    };
    // A bare "chancellor" is the UK's unless the article is about Germany
    // or Austria, whose chancellors head the government.
    let gb_context = !code_present("DE") && !code_present("AT") && !code_present("DD");
    let au_context = code_present("AU");
    let mut found: Vec<Found> = Vec::new();
    // Which keyword hits named a minister (for "counterpart").
    let mut ministerial: Vec<(usize, bool)> = Vec::new();
    for hit in titles_found {
        if hit.kind == TitleKind::Counterpart {
            let prior = ministerial
                .iter()
                .rev()
                .find(|(p, _)| *p + 1500 >= hit.start)
                .map(|(_, m)| *m);
            if prior != Some(true) {
                continue;
            }
        }
        let role = if hit.kind == TitleKind::Exchequer {
            Some(Role {
                end: hit.end,
                prefix_start: hit.start,
                country: g.index_of("GB"),
                text: collapse(&text[hit.start..hit.end]),
            })
        } else {
            role_at(text, t, countries, hit, gb_context, au_context)
        };
        let Some(mut role) = role else {
            if hit.kind != TitleKind::Counterpart {
                ministerial.push((hit.start, false));
            }
            continue;
        };
        if hit.kind != TitleKind::Counterpart {
            ministerial.push((hit.start, true));
        }
        // "Foreign Minister of Japan Koichiro Gemba".
        let mut after = role.end;
        if let Some((c, e)) = of_country(text, countries, role.end) {
            role.country.get_or_insert(c);
            after = e;
        }
        // A: role then name ("Foreign Minister Koichiro Gemba").
        let mut name = None;
        if !text[after..].starts_with([',', ';', ':', '.', ')'])
            && let Some((n, e)) = name_after(text, t, countries, after)
        {
            if let Some((c, _)) = of_country(text, countries, e) {
                role.country.get_or_insert(c);
            }
            name = Some(n);
        }
        // B: "Koichiro Gemba, Japan's foreign minister".
        if name.is_none() {
            let before = text[..role.prefix_start].trim_end();
            if before.ends_with(',') {
                name = name_before(text, t, countries, before.len() - 1);
            }
        }
        // C: "Japan's foreign minister, Koichiro Gemba".
        if name.is_none()
            && text[after..].starts_with(',')
            && let Some((n, e)) = name_after(text, t, countries, after + 1)
        {
            // The name must end the apposition: punctuation or a verb follows.
            let ends = text[e..].starts_with([',', '.', ';', ')', '’', '\''])
                || token_after(text, e)
                    .is_none_or(|nx| nx.lead_punct || nx.word.starts_with(char::is_lowercase));
            if ends {
                name = Some(n);
            }
        }
        let Some(name) = name else { continue };
        found.push(Found {
            name,
            role: role.text,
            country: role.country,
            counterpart: hit.kind == TitleKind::Counterpart,
        });
    }
    found
}

/// The fullest form of `name` the article gives: the longest run of name
/// words ending in the same words ("Gemba" → "Koichiro Gemba").
pub fn fullest(text: &str, countries: &[Mention], name: &[String]) -> Vec<String> {
    let t = gazetteer::titles();
    let Some(last) = name.last() else {
        return name.to_vec();
    };
    let mut best = name.to_vec();
    for (i, _) in text.match_indices(last.as_str()) {
        let end = i + last.len();
        if text::char_before(text, i).is_some_and(|c| c.is_alphanumeric() || c == '-' || c == '.')
            || text::char_after(text, end).is_some_and(|c| c.is_alphanumeric() || c == '-')
        {
            continue;
        }
        let Some(cand) = name_before(text, t, countries, end) else {
            continue;
        };
        if cand.len() > best.len() && cand.ends_with(name) {
            best = cand;
        }
    }
    best
}
