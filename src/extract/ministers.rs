//! Ministers an article names: for each title keyword the scan found,
//! `roles` reads the role phrase and decides whether it is ministerial; here
//! the person it names is attached ("Foreign Minister X", "X, Japan's
//! foreign minister", "Japan's foreign minister, X", "his Japanese
//! counterpart, X"), checked to be a person (never a place, a company or a
//! portfolio word), a bare "Chancellor" is kept only when the person is the
//! UK's, and the mentions of one person are merged under the fullest name
//! the article gives, with one country code. Pure: text and scan results
//! in, values out.

use super::MinisterRole;
use super::countries::{Mention, TitleHit};
use super::gazetteer::{self, TitleKind, Titles};
use super::roles::{self, Role, is_country_word};
use super::text::{self, Tok, is_name_particle, is_name_word, token_after, token_before};

/// One mention of a minister before merging.
#[derive(Clone, Debug)]
pub struct Found {
    pub name: Vec<String>,
    pub role: String,
    pub country: Option<u16>,
    /// Named only as someone's counterpart: a later title is better.
    pub counterpart: bool,
    /// An honorific stood before the name ("Mr Brown").
    pub titled: bool,
}

fn country_starting_at(countries: &[Mention], pos: usize) -> Option<&Mention> {
    countries.iter().find(|m| m.start == pos)
}

/// A name word that is not a country, title, portfolio or organisation word
/// (nor "Vice-Premier").
fn name_word(t: &Titles, countries: &[Mention], tok: &Tok<'_>) -> bool {
    is_name_word(tok.word)
        && !is_country_word(countries, tok)
        && !tok.word.split('-').any(|w| t.is_keyword(w))
        && !t.is_portfolio(tok.word)
        && !t.is_not_name(tok.word)
}

/// An organisation word right after `end` ("Microwave Corp", "Auction
/// Services"): what came before is no person.
fn org_follows(text: &str, t: &Titles, end: usize) -> bool {
    text[end..].starts_with(' ')
        && token_after(text, end).is_some_and(|n| t.is_org_after(n.word) || t.is_not_name(n.word))
}

/// A name read from the text.
struct Name {
    words: Vec<String>,
    end: usize,
    titled: bool,
}

/// Read a name forward from `pos`: honorifics skipped, up to four words.
/// "Said" inside a name is one ("Mana Said al-Oteiba").
fn name_after(text: &str, t: &Titles, countries: &[Mention], pos: usize) -> Option<Name> {
    let mut at = pos;
    let mut words: Vec<String> = Vec::new();
    let mut end = pos;
    let mut first = true;
    let mut titled = false;
    while let Some(tok) = token_after(text, at) {
        if first && tok.lead_punct {
            return None;
        }
        if words.is_empty() && t.is_honorific(tok.word) {
            at = tok.raw_end;
            first = false;
            titled = true;
            continue;
        }
        first = false;
        let inner = !words.is_empty()
            && (is_name_particle(tok.word) || tok.word == "Said")
            && !tok.stop
            && token_after(text, tok.raw_end).is_some_and(|n| name_word(t, countries, &n));
        if !(inner || name_word(t, countries, &tok)) {
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
    // "Premier Microwave Corp": a company, not a person.
    (!words.is_empty() && !org_follows(text, t, end)).then_some(Name { words, end, titled })
}

/// Read a name backward from `end` (exclusive), up to four words; with
/// where it starts.
fn name_before(
    text: &str,
    t: &Titles,
    countries: &[Mention],
    end: usize,
) -> Option<(Vec<String>, usize)> {
    let mut at = end;
    let mut start = end;
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
        start = tok.start;
        if words.len() == 4 || tok.lead_punct || text::sentence_starts_at(text, &tok) {
            break;
        }
        at = tok.raw_start;
    }
    while words.last().is_some_and(|w| is_name_particle(w)) {
        words.pop();
    }
    words.reverse();
    if words.is_empty() {
        return None;
    }
    if let Some(w) = words.first()
        && let Some(i) = text[start..].find(w)
    {
        start += i;
    }
    Some((words.into_iter().map(str::to_string).collect(), start))
}

/// An honorific right before `pos` ("Mr Brown").
fn titled_at(text: &str, t: &Titles, pos: usize) -> bool {
    token_before(text, pos).is_some_and(|p| t.is_honorific(p.word) && p.raw_end + 1 >= pos)
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

/// Is a bare "Chancellor" naming `name` the UK's (a minister) rather than
/// Germany's or Austria's (heads of government)? By the country the words
/// around the title give, else by who the person is, else by the nearest of
/// those countries the article names; the UK when it names none.
fn uk_chancellor(
    t: &Titles,
    countries: &[Mention],
    role: &Role,
    name: &[String],
    at: usize,
) -> bool {
    let g = gazetteer::countries();
    let code = |c: u16| g.defs.get(c as usize).map(|d| d.code);
    if let Some(c) = role.country {
        return code(c) == Some("GB");
    }
    if let Some(h) = t.holder_code(name) {
        return h == "GB";
    }
    countries
        .iter()
        .filter(|m| matches!(code(m.country), Some("GB" | "DE" | "AT" | "DD")))
        .min_by_key(|m| m.start.abs_diff(at))
        .is_none_or(|m| code(m.country) == Some("GB"))
}

/// The person a ministerial role names, in one of three patterns.
fn name_of_role(text: &str, t: &Titles, countries: &[Mention], role: &mut Role) -> Option<Name> {
    // "Foreign Minister of Japan Koichiro Gemba".
    let mut after = role.end;
    if let Some((c, e)) = of_country(text, countries, role.end) {
        role.country.get_or_insert(c);
        after = e;
    }
    // A: role then name ("Foreign Minister Koichiro Gemba").
    if !text[after..].starts_with([',', ';', ':', '.', ')'])
        && let Some(n) = name_after(text, t, countries, after)
    {
        if let Some((c, _)) = of_country(text, countries, n.end) {
            role.country.get_or_insert(c);
        }
        return Some(n);
    }
    // B: "Koichiro Gemba, Japan's foreign minister"; not "in Gateshead, the
    // prime minister".
    let before = text[..role.prefix_start].trim_end();
    if before.ends_with(',') {
        let end = before.len() - 1;
        if let Some((words, start)) = name_before(text, t, countries, end) {
            let place =
                token_before(text, start).is_some_and(|p| !p.stop && t.is_place_before(p.word));
            if place {
                return None;
            }
            let titled = titled_at(text, t, start);
            return Some(Name { words, end, titled });
        }
    }
    // C: "Japan's foreign minister, Koichiro Gemba".
    if text[after..].starts_with(',')
        && let Some(n) = name_after(text, t, countries, after + 1)
    {
        // The name must end the apposition: punctuation or a verb follows.
        let e = n.end;
        let ends = text[e..].starts_with([',', '.', ';', ')', '’', '\''])
            || token_after(text, e)
                .is_none_or(|nx| nx.lead_punct || nx.word.starts_with(char::is_lowercase));
        if ends {
            return Some(n);
        }
    }
    None
}

/// Find the ministers mentioned in `text`.
pub fn find(text: &str, titles_found: &[TitleHit], countries: &[Mention]) -> Vec<Found> {
    let t = gazetteer::titles();
    let g = gazetteer::countries();
    let au_context = g
        .index_of("AU")
        .is_some_and(|i| countries.iter().any(|m| m.country == i));
    let mut found: Vec<Found> = Vec::new();
    // Which keyword hits named a minister (for "counterpart").
    let mut ministerial: Vec<(usize, bool)> = Vec::new();
    for hit in titles_found {
        let counterpart = hit.kind == TitleKind::Counterpart;
        if counterpart {
            let prior = ministerial
                .iter()
                .rev()
                .find(|(p, _)| *p + 1500 >= hit.start)
                .map(|(_, m)| *m);
            if prior != Some(true) {
                continue;
            }
        }
        let mut role = roles::role_at(text, t, countries, hit, au_context);
        let name = role
            .as_mut()
            .and_then(|r| name_of_role(text, t, countries, r));
        if let (Some(r), Some(n)) = (&mut role, &name)
            && r.chancellor
        {
            if !uk_chancellor(t, countries, r, &n.words, hit.start) {
                role = None;
            } else {
                r.country = r.country.or_else(|| g.index_of("GB"));
            }
        }
        if !counterpart {
            ministerial.push((hit.start, role.is_some()));
        }
        let (Some(role), Some(name)) = (role, name) else {
            continue;
        };
        found.push(Found {
            name: name.words,
            role: role.text,
            country: role.country,
            counterpart,
            titled: name.titled,
        });
    }
    found
}

/// Drop words before the first given name when none of them is one
/// ("Staff Donald Regan" from "Chief of Staff Donald Regan"); a surname that
/// is also a given name ("Trevor Manuel") stays whole.
fn from_given_name(t: &Titles, words: Vec<String>) -> Vec<String> {
    match words.iter().position(|w| t.is_given(w)) {
        Some(k) if k > 0 && k + 1 < words.len() && !words[..k].iter().any(|w| w.contains('.')) => {
            words[k..].to_vec()
        }
        _ => words,
    }
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
        if org_follows(text, t, end) {
            continue;
        }
        let Some((cand, _)) = name_before(text, t, countries, end) else {
            continue;
        };
        let cand = from_given_name(t, cand);
        if cand.len() > best.len() && cand.ends_with(name) {
            best = cand;
        }
    }
    best
}

/// Is there evidence that `name` is a person? Two or more name words are;
/// one word only with an honorific before it somewhere ("Mr Brown") or as
/// the subject of a speech verb elsewhere ("Subroto said", "said Subroto"):
/// a lone capitalised word after a title is as often a place or a portfolio.
fn is_person(text: &str, t: &Titles, name: &[String], titled: bool) -> bool {
    if name.iter().any(|w| t.is_not_name(w)) {
        return false;
    }
    let [one] = name else {
        return !name.is_empty();
    };
    let speaks = |start: usize, end: usize| {
        let next = token_after(text, end)
            .filter(|n| n.raw_start == end + 1 && !n.lead_punct)
            .is_some_and(|n| t.is_speech_verb(n.word));
        let prev = token_before(text, start)
            .filter(|p| p.raw_end + 1 == start && !p.stop)
            .is_some_and(|p| t.is_speech_verb(p.word));
        next || prev
    };
    titled
        || text.match_indices(one.as_str()).any(|(i, _)| {
            let end = i + one.len();
            !text::char_after(text, end).is_some_and(text::is_word_char)
                && !text::char_before(text, i).is_some_and(text::is_word_char)
                && (titled_at(text, t, i) || speaks(i, end))
        })
}

/// One entry per person under the fullest name the article gives, in order
/// of first mention; the first explicit title wins over "counterpart"; one
/// country code per person: the role's, else the office holder's, else the
/// one the role implies.
pub fn merge(text: &str, mentions: &[Mention], found: Vec<Found>) -> Vec<MinisterRole> {
    let t = gazetteer::titles();
    let defs = &gazetteer::countries().defs;
    let named = |code: &str| {
        mentions
            .iter()
            .any(|m| defs.get(m.country as usize).is_some_and(|d| d.code == code))
    };
    let mut people: Vec<(Vec<String>, Found)> = Vec::new();
    for f in found {
        let full = from_given_name(t, fullest(text, mentions, &f.name));
        if !is_person(text, t, &full, f.titled) {
            continue;
        }
        let same = people
            .iter_mut()
            .find(|(n, _)| n.ends_with(&full) || full.ends_with(n) && !n.is_empty());
        let Some((n, p)) = same else {
            people.push((full, f));
            continue;
        };
        if full.len() > n.len() {
            *n = full;
        }
        if p.counterpart && !f.counterpart {
            p.role = f.role;
            p.counterpart = false;
            if f.country.is_some() {
                p.country = f.country;
            }
        }
        if p.country.is_none() {
            p.country = f.country;
        }
    }
    people
        .into_iter()
        .map(|(name, f)| {
            let code = f
                .country
                .and_then(|c| defs.get(c as usize))
                .map(|d| d.code)
                .or_else(|| t.holder_code(&name))
                .or_else(|| t.country_of_role(&f.role.to_ascii_lowercase(), named));
            MinisterRole {
                name: name.join(" "),
                role: f.role,
                country_code: code.map(str::to_string),
            }
        })
        .collect()
}
