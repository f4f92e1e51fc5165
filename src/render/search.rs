//! `newsidx search`: hits as human text (rank, title, id, date, countries,
//! snippet, with matches in bold colour when colour is on; then facet counts
//! and a timeline bar chart when asked), as one JSON document
//! (`schema/search-output.schema.json`), as JSON Lines (one hit a line,
//! then a facets and a timeline record when asked) or as CSV (`csv.rs`).
//! Text and JSON Lines are written a hit at a time: a header (none today),
//! each hit, then the footer. Article text always goes through `sanitize`,
//! so no control character from a document reaches the terminal.

use super::{Color, date, round_ms, safe_char, sanitize, ser_date};
use crate::extract::MinisterRole;
use crate::search::Unit;
use crate::search::hit::{FacetCount, Hit, Marked, Results, TimelineBucket};
use crate::search::suggest::Suggestion;
use chrono::NaiveDate;
use serde::ser::{Serialize, SerializeMap, Serializer};
use std::io::{self, Write};

/// Version of the search output format (`schema/search-output.schema.json`).
pub const SEARCH_VERSION: u32 = 2;

/// `newsidx search --format json`.
#[derive(serde::Serialize)]
pub struct SearchOutput<'a> {
    pub version: u32,
    pub query: &'a str,
    /// Groups of near-duplicates or articles, as `unit` says.
    pub total_hits: usize,
    /// What `total_hits`, the facets and the timeline count.
    pub unit: Unit,
    pub total_articles: usize,
    pub took_ms: f64,
    /// A respelling that finds clearly more, when this found little.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<&'a Suggestion>,
    pub hits: Vec<HitOutput<'a>>,
    /// Present only when facets were asked for.
    #[serde(skip_serializing_if = "Facets::is_empty")]
    pub facets: Facets<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeline: Option<&'a [TimelineBucket]>,
}

impl<'a> SearchOutput<'a> {
    pub fn new(r: &'a Results) -> Self {
        SearchOutput {
            version: SEARCH_VERSION,
            query: &r.query,
            total_hits: r.total_hits,
            unit: r.unit,
            total_articles: r.total_articles,
            took_ms: round_ms(r.took_ms),
            suggestion: r.suggestion.as_ref(),
            hits: r.hits.iter().map(HitOutput::new).collect(),
            facets: Facets(&r.facets),
            timeline: r.timeline.as_deref(),
        }
    }
}

/// `newsidx search --count --format json|ndjson`
/// (`schema/search-count-output.schema.json`).
#[derive(serde::Serialize)]
pub struct CountOutput<'a> {
    pub version: u32,
    /// With `--queries`: the query's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query: Option<&'a str>,
    pub total_hits: usize,
    pub unit: Unit,
    pub total_articles: usize,
}

impl CountOutput<'_> {
    pub fn new(r: &Results) -> Self {
        CountOutput {
            version: SEARCH_VERSION,
            query: None,
            total_hits: r.total_hits,
            unit: r.unit,
            total_articles: r.total_articles,
        }
    }
}

/// One hit as JSON: the stored document's fields beside rank, score, path
/// and what matched; also each line of `--format ndjson`.
#[derive(serde::Serialize)]
pub struct HitOutput<'a> {
    pub rank: usize,
    /// The f32 score widened to f64, as the output has always printed it.
    pub score: f64,
    pub id: &'a str,
    pub path: &'a str,
    pub title: &'a str,
    #[serde(serialize_with = "ser_date")]
    pub date: Option<NaiveDate>,
    pub section: Option<&'a str>,
    pub credit: Option<&'a str>,
    pub byline: Option<&'a str>,
    pub url: Option<&'a str>,
    pub ministers: &'a [String],
    pub minister_roles: &'a [MinisterRole],
    pub countries: &'a [String],
    pub country_codes: &'a [String],
    pub snippet: &'a Marked,
    pub title_highlights: &'a [[usize; 2]],
    /// The near-duplicates folded into this hit, when there are any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duplicates: Option<Folded<'a>>,
}

/// `"duplicates": {"count": N, "ids": [...]}` of a hit.
#[derive(serde::Serialize)]
pub struct Folded<'a> {
    pub count: usize,
    pub ids: &'a [String],
}

impl<'a> HitOutput<'a> {
    pub fn new(h: &'a Hit) -> Self {
        let d = &h.doc;
        HitOutput {
            rank: h.rank,
            score: f64::from(h.score),
            id: &d.id,
            path: &h.path,
            title: &d.title,
            date: d.date,
            section: d.section.as_deref(),
            credit: d.credit.as_deref(),
            byline: d.byline.as_deref(),
            url: d.url.as_deref(),
            ministers: &d.ministers,
            minister_roles: &d.minister_roles,
            countries: &d.countries,
            country_codes: &d.country_codes,
            snippet: &h.snippet,
            title_highlights: &h.title_highlights,
            duplicates: (!h.duplicates.is_empty()).then(|| Folded {
                count: h.duplicates.len(),
                ids: &h.duplicates,
            }),
        }
    }
}

/// Facet name → counts, a JSON object in the order the facets were asked.
pub struct Facets<'a>(pub &'a [(String, Vec<FacetCount>)]);

impl Facets<'_> {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for Facets<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (name, counts) in self.0 {
            m.serialize_entry(name, counts)?;
        }
        m.end()
    }
}

/// The whole result as one pretty JSON document.
pub fn write_json(w: &mut dyn Write, r: &Results) -> io::Result<()> {
    super::write_json(w, &SearchOutput::new(r))
}

/// [`write_json`] with the hits written as they come, one at a time, so
/// that a page of a million hits is never held: the same bytes as
/// `write_json` of the same results. `head` gives everything but the hits.
pub fn stream_json<E>(
    w: &mut dyn Write,
    head: &Results,
    hits: impl Iterator<Item = Result<Hit, E>>,
) -> Result<(), E>
where
    E: From<io::Error>,
{
    let out = SearchOutput::new(head);
    // serde_json's pretty printer indents a value by its depth only, so a
    // value printed alone and indented by two spaces a level is what it
    // prints inside the document.
    let field = |w: &mut dyn Write, key: &str, v: &dyn erased::Value| -> io::Result<()> {
        write!(w, "  {}: ", serde_json::to_string(key)?)?;
        w.write_all(&indent(&v.pretty()?, "  "))
    };
    writeln!(w, "{{")?;
    field(w, "version", &out.version)?;
    writeln!(w, ",")?;
    field(w, "query", &out.query)?;
    writeln!(w, ",")?;
    field(w, "total_hits", &out.total_hits)?;
    writeln!(w, ",")?;
    field(w, "unit", &out.unit)?;
    writeln!(w, ",")?;
    field(w, "total_articles", &out.total_articles)?;
    writeln!(w, ",")?;
    field(w, "took_ms", &out.took_ms)?;
    writeln!(w, ",")?;
    if let Some(s) = out.suggestion {
        field(w, "suggestion", &s)?;
        writeln!(w, ",")?;
    }
    write!(w, "  \"hits\": [")?;
    let mut any = false;
    for h in hits {
        let h = h?;
        w.write_all(if any { b",\n    " } else { b"\n    " })?;
        any = true;
        let text = serde_json::to_vec_pretty(&HitOutput::new(&h)).map_err(io::Error::from)?;
        w.write_all(&indent(&text, "    "))?;
    }
    w.write_all(if any { b"\n  ]" } else { b"]" })?;
    if !out.facets.is_empty() {
        writeln!(w, ",")?;
        field(w, "facets", &out.facets)?;
    }
    if let Some(t) = out.timeline {
        writeln!(w, ",")?;
        field(w, "timeline", &t)?;
    }
    writeln!(w, "\n}}")?;
    Ok(())
}

/// Pretty JSON text with every line after the first indented by `by`.
fn indent(pretty: &[u8], by: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(pretty.len() + pretty.len() / 8);
    for &b in pretty {
        out.push(b);
        if b == b'\n' {
            out.extend_from_slice(by.as_bytes());
        }
    }
    out
}

/// Pretty-printing values of any type through one closure.
mod erased {
    pub trait Value {
        fn pretty(&self) -> std::io::Result<Vec<u8>>;
    }

    impl<T: serde::Serialize> Value for T {
        fn pretty(&self) -> std::io::Result<Vec<u8>> {
            serde_json::to_vec_pretty(self).map_err(std::io::Error::from)
        }
    }
}

/// [`write_ndjson`] with the hits written as they come; `head` gives the
/// facets and timeline for the closing records.
/// `tag` (with `--queries`) adds `"query": name` to every line.
pub fn stream_ndjson<E>(
    w: &mut dyn Write,
    head: &Results,
    tag: Option<&str>,
    hits: impl Iterator<Item = Result<Hit, E>>,
) -> Result<(), E>
where
    E: From<io::Error>,
{
    for h in hits {
        line(w, tag, &HitOutput::new(&h?))?;
    }
    write_ndjson_tail(w, head, tag)?;
    Ok(())
}

/// One JSON line of `value`, with `"query": tag` first when tagged.
fn line(w: &mut dyn Write, tag: Option<&str>, value: &impl Serialize) -> io::Result<()> {
    #[derive(serde::Serialize)]
    struct Tagged<'a, T> {
        #[serde(skip_serializing_if = "Option::is_none")]
        query: Option<&'a str>,
        #[serde(flatten)]
        value: &'a T,
    }
    serde_json::to_writer(&mut *w, &Tagged { query: tag, value })?;
    writeln!(w)
}

/// The records after the hits of JSON Lines: `{"facets": {…}}` with
/// `--facet`, then `{"timeline": […]}` with `--timeline`, one line each.
pub fn write_ndjson_tail(w: &mut dyn Write, r: &Results, tag: Option<&str>) -> io::Result<()> {
    #[derive(serde::Serialize)]
    struct FacetsRecord<'a> {
        facets: Facets<'a>,
        unit: Unit,
    }
    #[derive(serde::Serialize)]
    struct TimelineRecord<'a> {
        timeline: &'a [TimelineBucket],
        unit: Unit,
    }
    let unit = r.unit;
    if !r.facets.is_empty() {
        let facets = Facets(&r.facets);
        line(w, tag, &FacetsRecord { facets, unit })?;
    }
    if let Some(timeline) = &r.timeline {
        line(w, tag, &TimelineRecord { timeline, unit })?;
    }
    Ok(())
}

/// The stderr line of a search that found too little when a respelling
/// finds more: `no hits for "cofee"; did you mean "coffee"? (194 hits)`.
pub fn suggestion_line(r: &Results) -> Option<String> {
    let s = r.suggestion.as_ref()?;
    let found = match r.total_hits {
        0 => "no hits".to_string(),
        n => format!("{n} hit{}", plural(n)),
    };
    Some(format!(
        "{found} for \"{}\"; did you mean \"{}\"? ({} hit{})",
        sanitize(&r.query, false),
        sanitize(&s.query, false),
        s.total_hits,
        plural(s.total_hits)
    ))
}

/// `--count`: the number alone as text, `{"version", "total_hits"}` as
/// JSON (pretty) or JSON Lines (one line).
pub fn write_count(w: &mut dyn Write, c: &CountOutput, pretty: bool) -> io::Result<()> {
    if pretty {
        super::write_json(w, c)
    } else {
        serde_json::to_writer(&mut *w, c)?;
        writeln!(w)
    }
}

/// [`write_text`] with the hits written as they come; `head` gives the
/// counts, facets and timeline for the footer.
pub fn stream_text<E>(
    w: &mut dyn Write,
    head: &Results,
    hits: impl Iterator<Item = Result<Hit, E>>,
    color: Color,
) -> Result<(), E>
where
    E: From<io::Error>,
{
    let mut shown = Shown::default();
    for h in hits {
        let h = h?;
        shown.add(&h);
        write_hit(w, &h, color)?;
    }
    write_footer_of(w, head, shown, color)?;
    Ok(())
}

/// JSON Lines: one hit object per line, then the facets and timeline
/// records when asked.
pub fn write_ndjson(w: &mut dyn Write, r: &Results) -> io::Result<()> {
    for h in &r.hits {
        write_ndjson_hit(w, h)?;
    }
    write_ndjson_tail(w, r, None)
}

/// One line of JSON Lines.
pub fn write_ndjson_hit(w: &mut dyn Write, h: &Hit) -> io::Result<()> {
    serde_json::to_writer(&mut *w, &HitOutput::new(h))?;
    writeln!(w)
}

const MATCH_ON: &str = "\x1b[1;31m";
const DIM_ON: &str = "\x1b[2m";
const BOLD_ON: &str = "\x1b[1m";
const OFF: &str = "\x1b[0m";

/// Every hit, then the footer.
pub fn write_text(w: &mut dyn Write, r: &Results, color: Color) -> io::Result<()> {
    for h in &r.hits {
        write_hit(w, h, color)?;
    }
    write_footer(w, r, color)
}

/// What comes after the hits: how many there are (or why there are none),
/// then facet counts and the timeline when asked.
pub fn write_footer(w: &mut dyn Write, r: &Results, color: Color) -> io::Result<()> {
    let mut shown = Shown::default();
    r.hits.iter().for_each(|h| shown.add(h));
    write_footer_of(w, r, shown, color)
}

/// What the page showed: how many hits from which rank, and how many
/// near-duplicates they fold.
#[derive(Clone, Copy, Debug, Default)]
struct Shown {
    count: usize,
    from: usize,
    folded: usize,
}

impl Shown {
    fn add(&mut self, h: &Hit) {
        if self.count == 0 {
            self.from = h.rank;
        }
        self.count += 1;
        self.folded += h.duplicates.len();
    }
}

/// [`write_footer`] for the `shown` hits (written as they came and gone).
fn write_footer_of(w: &mut dyn Write, r: &Results, shown: Shown, color: Color) -> io::Result<()> {
    let summary = summary_line(r, shown);
    match color {
        Color::Always => writeln!(w, "{DIM_ON}{summary}{OFF}")?,
        Color::Never => writeln!(w, "{summary}")?,
    }
    for (name, counts) in &r.facets {
        write_facet(w, name, counts, color)?;
    }
    if let Some(t) = &r.timeline {
        write_timeline(w, t, color)?;
    }
    Ok(())
}

/// How many hits there are and which are shown, or why there are none,
/// and how many near-duplicates the shown hits fold (the count is of
/// articles: folding changes the page, not the counts).
fn summary_line(r: &Results, shown: Shown) -> String {
    let Shown {
        count,
        from,
        folded,
    } = shown;
    let total = r.total_hits;
    let ms = r.took_ms;
    let folding = |n: usize| format!("{n} near-duplicate{} folded", plural(n));
    if count == 0 && total > 0 {
        format!("no hits on this page ({total} in all; lower --offset)")
    } else if count == 0 {
        format!("no hits for {}", sanitize(&r.query, false))
    } else if count + folded == total && folded > 0 {
        format!(
            "{total} hits, shown as {count} with {} ({ms:.1} ms)",
            folding(folded)
        )
    } else if count == total {
        format!("{total} hit{} ({ms:.1} ms)", plural(total))
    } else if folded > 0 {
        let to = from + count - 1;
        format!(
            "hits {from}-{to} of {total}, {} ({ms:.1} ms)",
            folding(folded)
        )
    } else {
        format!("hits {from}-{} of {total} ({ms:.1} ms)", from + count - 1)
    }
}

fn heading(w: &mut dyn Write, text: &str, color: Color) -> io::Result<()> {
    writeln!(w)?;
    match color {
        Color::Always => writeln!(w, "{BOLD_ON}{text}{OFF}"),
        Color::Never => writeln!(w, "{text}"),
    }
}

/// `country` facet: one value per line, counts right-aligned.
fn write_facet(
    w: &mut dyn Write,
    name: &str,
    counts: &[FacetCount],
    color: Color,
) -> io::Result<()> {
    heading(w, &format!("{name} (documents)"), color)?;
    if counts.is_empty() {
        return writeln!(w, "  (none)");
    }
    let labels: Vec<String> = counts
        .iter()
        .map(|c| match &c.code {
            Some(code) => sanitize(&format!("{} ({code})", c.value), false),
            None => sanitize(&c.value, false),
        })
        .collect();
    let width = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    let digits = counts
        .iter()
        .map(|c| c.count.to_string().len())
        .max()
        .unwrap_or(1);
    for (label, c) in labels.iter().zip(counts) {
        let pad = width - label.chars().count();
        writeln!(w, "  {label}{}  {:>digits$}", " ".repeat(pad), c.count)?;
    }
    Ok(())
}

/// Widest bar of the timeline, in characters.
const BAR: u64 = 40;

/// Hits per period as horizontal bars, scaled to the busiest period.
fn write_timeline(w: &mut dyn Write, t: &[TimelineBucket], color: Color) -> io::Result<()> {
    let period = if t.first().is_some_and(|b| b.period.len() == 4) {
        "year"
    } else {
        "month"
    };
    heading(w, &format!("timeline (hits per {period})"), color)?;
    if t.is_empty() {
        return writeln!(w, "  (no dated hits)");
    }
    let max = t.iter().map(|b| b.count).max().unwrap_or(0).max(1);
    for b in t {
        // A period with hits always shows at least one block.
        let len = if b.count == 0 {
            0
        } else {
            (b.count * BAR).div_ceil(max)
        };
        let bar = "█".repeat(len as usize);
        match color {
            Color::Always => writeln!(w, "  {:<7} {MATCH_ON}{bar}{OFF} {}", b.period, b.count)?,
            Color::Never => writeln!(w, "  {:<7} {bar} {}", b.period, b.count)?,
        }
    }
    Ok(())
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// One hit: rank and title, id · date · countries, the snippet.
pub fn write_hit(w: &mut dyn Write, h: &Hit, color: Color) -> io::Result<()> {
    let d = &h.doc;
    let title = marked(&d.title, &h.title_highlights, color, BOLD_ON);
    writeln!(w, "{:>2}. {title}", h.rank)?;
    let mut meta = vec![sanitize(&d.id, false)];
    if let Some(day) = d.date {
        meta.push(date(day).to_string());
    }
    if !d.countries.is_empty() {
        meta.push(sanitize(&d.countries.join(", "), false));
    }
    let meta = meta.join(" · ");
    match color {
        Color::Always => writeln!(w, "    {DIM_ON}{meta}{OFF}")?,
        Color::Never => writeln!(w, "    {meta}")?,
    }
    if !h.snippet.text.is_empty() {
        let s = marked(&h.snippet.text, &h.snippet.highlights, color, "");
        writeln!(w, "    {s}")?;
    }
    if !h.duplicates.is_empty() {
        let similar = similar_line(&h.duplicates);
        match color {
            Color::Always => writeln!(w, "    {DIM_ON}{similar}{OFF}")?,
            Color::Never => writeln!(w, "    {similar}")?,
        }
    }
    writeln!(w)
}

/// Ids named on a hit's "+N similar" line before the rest are counted.
const SIMILAR_IDS: usize = 3;

/// `+2 similar: economy/a.txt, economy/b.txt` (the first few ids).
fn similar_line(ids: &[String]) -> String {
    let mut named: Vec<String> = ids
        .iter()
        .take(SIMILAR_IDS)
        .map(|id| sanitize(id, false))
        .collect();
    if ids.len() > SIMILAR_IDS {
        named.push(format!("{} more", ids.len() - SIMILAR_IDS));
    }
    format!("+{} similar: {}", ids.len(), named.join(", "))
}

/// `text` with the character ranges `marks` emphasised; `base` is the style
/// of the unmarked text, restored after each mark. Runs of characters that
/// print as they are are copied as slices, not one character at a time.
fn marked(text: &str, marks: &[[usize; 2]], color: Color, base: &str) -> String {
    let mut out = String::with_capacity(text.len() + marks.len() * 12);
    let on = color == Color::Always;
    if on {
        out.push_str(base);
    }
    let mut next = marks.iter().peekable();
    let mut inside_until: Option<usize> = None;
    // Where the text not yet copied to `out` starts (a byte offset).
    let mut copied = 0;
    for (i, (at, c)) in text.char_indices().enumerate() {
        if inside_until == Some(i) {
            out.push_str(&text[copied..at]);
            copied = at;
            if on {
                out.push_str(OFF);
                out.push_str(base);
            }
            inside_until = None;
        }
        if inside_until.is_none() {
            while next.peek().is_some_and(|m| m[1] <= i) {
                next.next();
            }
            if let Some(m) = next.peek().filter(|m| m[0] == i) {
                out.push_str(&text[copied..at]);
                copied = at;
                if on {
                    out.push_str(MATCH_ON);
                }
                inside_until = Some(m[1]);
                next.next();
            }
        }
        // Printable ASCII, most of any text, needs no check.
        if !(' '..='~').contains(&c) {
            let safe = safe_char(c);
            if safe != Some(c) {
                out.push_str(&text[copied..at]);
                out.extend(safe);
                copied = at + c.len_utf8();
            }
        }
    }
    out.push_str(&text[copied..]);
    if on {
        out.push_str(OFF);
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::document::StoredDoc;

    fn results(n: usize, facets: bool) -> Results {
        let hits = (0..n)
            .map(|i| Hit {
                rank: i + 1,
                score: 1.5 / (i + 1) as f32,
                doc: StoredDoc {
                    id: format!("s/{i}.txt"),
                    title: format!("Story \"{i}\"\u{e9}"),
                    countries: vec!["Japan".into()],
                    ..StoredDoc::default()
                },
                path: format!("/c/s/{i}.txt"),
                snippet: Marked {
                    text: "a match here".into(),
                    highlights: vec![[2, 7]],
                },
                title_highlights: vec![[0, 5]],
                duplicates: Vec::new(),
            })
            .collect();
        Results {
            query: "match".into(),
            total_hits: n + 3,
            total_articles: n + 3,
            unit: crate::search::Unit::Articles,
            took_ms: 1.25,
            hits,
            facets: if facets {
                vec![(
                    "country".into(),
                    vec![FacetCount {
                        value: "Japan".into(),
                        code: Some("JP".into()),
                        count: 4,
                    }],
                )]
            } else {
                Vec::new()
            },
            timeline: facets.then(|| {
                vec![TimelineBucket {
                    period: "2011-03".into(),
                    count: 4,
                }]
            }),
            suggestion: None,
        }
    }

    /// Streaming writes the same bytes as the whole document at once.
    #[test]
    fn streamed_json_is_the_json_document() {
        for (n, facets) in [(0, false), (1, false), (3, true), (0, true)] {
            let r = results(n, facets);
            let mut whole = Vec::new();
            write_json(&mut whole, &r).unwrap();
            let mut head = r.clone();
            let hits = std::mem::take(&mut head.hits);
            let mut streamed = Vec::new();
            stream_json::<io::Error>(&mut streamed, &head, hits.into_iter().map(Ok)).unwrap();
            assert_eq!(
                String::from_utf8_lossy(&streamed),
                String::from_utf8_lossy(&whole),
                "{n} hits, facets {facets}"
            );
            let mut text_whole = Vec::new();
            write_text(&mut text_whole, &r, Color::Never).unwrap();
            let mut text_streamed = Vec::new();
            stream_text::<io::Error>(
                &mut text_streamed,
                &head,
                r.hits.clone().into_iter().map(Ok),
                Color::Never,
            )
            .unwrap();
            assert_eq!(text_streamed, text_whole);
        }
    }

    use super::*;

    #[test]
    fn marks_ranges_with_colour() {
        let s = marked("rare earth metals", &[[0, 10]], Color::Always, "");
        assert_eq!(s, "\x1b[1;31mrare earth\x1b[0m metals\x1b[0m");
        assert_eq!(
            marked("rare earth", &[[0, 4]], Color::Never, ""),
            "rare earth"
        );
    }

    #[test]
    fn marks_count_characters_and_clean_control_characters_between_them() {
        // Marks are character ranges: "ünï" is 3 characters, 5 bytes.
        let s = marked("a\tb \u{202e}ünï x", &[[2, 3], [5, 8]], Color::Always, "B");
        let (on, off) = ("\x1b[1;31m", "\x1b[0m");
        assert_eq!(s, format!("Ba {on}b{off}B {on}ünï{off}B x{off}"));
        assert_eq!(
            marked("tab\there\u{7}", &[[4, 8]], Color::Never, ""),
            "tab here\u{fffd}"
        );
    }

    #[test]
    fn timeline_bars_scale_to_the_busiest_period() {
        let t = [("2011-03", 4), ("2011-04", 0), ("2011-05", 1)].map(|(p, c)| TimelineBucket {
            period: p.into(),
            count: c,
        });
        let mut out = Vec::new();
        write_timeline(&mut out, &t, Color::Never).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[1], "timeline (hits per month)");
        assert_eq!(lines[2], format!("  2011-03 {} 4", "█".repeat(40)));
        assert_eq!(lines[3], "  2011-04  0");
        assert_eq!(lines[4], format!("  2011-05 {} 1", "█".repeat(10)));
    }

    #[test]
    fn facet_values_are_aligned_with_codes() {
        let counts = [
            FacetCount {
                value: "Japan".into(),
                code: Some("JP".into()),
                count: 12,
            },
            FacetCount {
                value: "South Korea".into(),
                code: Some("KR".into()),
                count: 3,
            },
        ];
        let mut out = Vec::new();
        write_facet(&mut out, "country", &counts, Color::Never).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "\ncountry (documents)\n  Japan (JP)        12\n  South Korea (KR)   3\n"
        );
    }

    #[test]
    fn control_characters_never_reach_the_terminal() {
        let s = marked("evil\x1b]0;title\x07 text", &[], Color::Never, "");
        assert!(!s.contains('\x1b') && !s.contains('\x07'), "{s:?}");
    }
}
