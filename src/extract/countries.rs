//! Countries an article refers to: the one-pass scan (shared with
//! `ministers`, which needs the title keywords it finds) and the rules that
//! turn raw gazetteer matches into country mentions — case and word
//! boundaries, blockers, people called Jordan, Georgia the US state, former
//! states' capitals. Pure: text in, spans out.

use super::gazetteer::{self, Alias, AliasKind, Pat, TitleKind};
use super::text::{self, char_after, char_before, is_word_char};

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

/// Turn raw hits into country mentions.
pub fn mentions(text: &str, hits: &[Hit]) -> Vec<Mention> {
    let g = gazetteer::countries();
    let m = gazetteer::matcher();
    let mut out: Vec<Mention> = Vec::with_capacity(hits.len());
    let mut persons: Vec<u16> = Vec::new();
    let mut former_pending: Vec<(usize, u16)> = Vec::new();
    let mut trapped: Vec<usize> = Vec::new();
    let mut ctx_trapped: Vec<usize> = Vec::new();
    for h in hits {
        let Some((_, pat)) = m.pats.get(h.pat as usize) else {
            continue;
        };
        match pat {
            Pat::Alias(i) => {
                let Some(a) = g.aliases.get(*i as usize) else {
                    continue;
                };
                if shouted(text, a, h.start, h.end) {
                    continue;
                }
                if a.person_trap {
                    if next_to_name(text, h.start, h.end) {
                        persons.push(a.country);
                        continue;
                    }
                    trapped.push(out.len());
                }
                if a.context_trap {
                    ctx_trapped.push(out.len());
                }
                if let Some(f) = a.former {
                    former_pending.push((out.len(), f));
                }
                out.push(Mention {
                    start: h.start,
                    end: h.end,
                    country: a.country,
                });
            }
            Pat::Multi(i) => {
                if let Some((_, codes)) = g.multi.get(*i as usize) {
                    for &c in codes {
                        out.push(Mention {
                            start: h.start,
                            end: h.end,
                            country: c,
                        });
                    }
                }
            }
            Pat::Block | Pat::Title(_) => {}
        }
    }
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
            out.get(i)
                .is_some_and(|m| context_rejects(text, m.country, &out))
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

/// A context word is a phrase of the text, or `@XX`: the article names XX.
fn context_rejects(text: &str, country: u16, found: &[Mention]) -> bool {
    let g = gazetteer::countries();
    let present = |w: &str| match w.strip_prefix('@') {
        Some(code) => g
            .index_of(code)
            .is_some_and(|i| found.iter().any(|m| m.country == i)),
        None => text.contains(w),
    };
    g.context
        .iter()
        .filter(|r| r.country == country)
        .any(|r| r.reject_if.iter().any(|w| present(w)) && !r.unless.iter().any(|w| present(w)))
}

/// Resolve what a user types after `country:` to a gazetteer code.
pub fn code_for(value: &str) -> Option<&'static str> {
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

/// The canonical name of a gazetteer code.
pub fn name_for(code: &str) -> Option<&'static str> {
    gazetteer::countries()
        .defs
        .iter()
        .find(|d| d.code.eq_ignore_ascii_case(code))
        .map(|d| d.name)
}
