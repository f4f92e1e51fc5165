//! The HTML pages, as maud templates: maud escapes every interpolation
//! unless told otherwise (and nothing here tells it otherwise), so article
//! text, titles, ids, paths and queries can never become markup. Links are
//! built from [`Params`], so every state of the page is a URL. Pure: values
//! in, markup out; no index.

use super::assets;
use super::chart;
use super::params::{PAGE_SIZE, Params, encode_id};
use crate::document::StoredDoc;
use crate::index::stats::IndexStats;
use crate::search::hit::{FacetCount, Hit, Marked, Results};
use maud::{DOCTYPE, Markup, html};

/// The frame around every page: search box (keeping the filters), query
/// syntax a click away, the keyboard help.
fn layout(title: &str, p: &Params, main: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                link rel="stylesheet" href=(assets::css());
                link rel="icon" href=(assets::icon()) type="image/svg+xml";
                script src=(assets::js()) defer {}
            }
            body {
                header.top {
                    a.brand href="/" { "newsidx" }
                    form.search action="/" method="get" role="search" {
                        input #q type="search" name="q" value=(p.q) maxlength="1000"
                            placeholder="Search the archive — press / to type here"
                            aria-label="Query" autocomplete="off";
                        // A new query keeps the filters and the order.
                        @for c in &p.countries { input type="hidden" name="country" value=(c); }
                        @for m in &p.ministers { input type="hidden" name="minister" value=(m); }
                        @for s in &p.sections { input type="hidden" name="section" value=(s); }
                        @if let Some(s) = &p.since { input type="hidden" name="since" value=(s); }
                        @if let Some(u) = &p.until { input type="hidden" name="until" value=(u); }
                        @if p.sort_date { input type="hidden" name="sort" value="date"; }
                        @if p.or { input type="hidden" name="op" value="or"; }
                        button type="submit" { "Search" }
                    }
                    (syntax_help())
                    button.keys-btn type="button" data-keys title="Keyboard shortcuts (?)" { "?" }
                }
                main { (main) }
                div #keys hidden role="dialog" aria-label="Keyboard shortcuts" {
                    strong { "Keys" }
                    table {
                        tr { td { kbd { "/" } } td { "search box" } }
                        tr { td { kbd { "j" } " " kbd { "k" } } td { "next / previous hit" } }
                        tr { td { kbd { "Enter" } } td { "open the selected hit" } }
                        tr { td { kbd { "n" } " " kbd { "p" } } td { "next / previous match in an article" } }
                        tr { td { kbd { "?" } } td { "show or hide this list" } }
                        tr { td { kbd { "Esc" } } td { "leave the search box, close this list" } }
                    }
                }
            }
        }
    }
}

fn syntax_help() -> Markup {
    const ROWS: [(&str, &str); 12] = [
        ("rare earth", "both words (AND)"),
        ("\"rare earth\"", "the phrase (also finds \"rare earths\")"),
        (
            "nuclear OR atomic",
            "either word; also AND, NOT, +word, -word, ( )",
        ),
        (
            "title:fukushima",
            "one field: title, body, byline, credit, url, section",
        ),
        (
            "country:japan  country:JP",
            "articles referring to a country",
        ),
        ("minister:gemba", "articles naming a minister"),
        ("gemba~1", "fuzzy: one edit away (~2: two)"),
        ("fuku*", "prefix"),
        ("date:2011-03", "a year, month or day"),
        ("*", "every article (with filters)"),
        (
            "similar:energy/a.txt",
            "articles like that one (at the start; more words narrow it)",
        ),
        ("-china", "without the word"),
    ];
    html! {
        details.syntax {
            summary { "Query syntax" }
            table {
                @for (q, what) in ROWS {
                    tr { td { code { (q) } } td { (what) } }
                }
            }
        }
    }
}

/// `text` with the character ranges `marks` (half-open, sorted or not)
/// wrapped in `<mark>`; with `ids`, the marks are numbered `m1`, `m2`, … for
/// in-page links.
pub fn marked(text: &str, marks: &[[usize; 2]], ids: bool) -> Markup {
    let mut spans: Vec<[usize; 2]> = marks.iter().copied().filter(|m| m[0] < m[1]).collect();
    spans.sort();
    // Byte offset of each mark boundary, in one walk over the characters.
    let mut bounds: Vec<usize> = spans.iter().flat_map(|m| [m[0], m[1]]).collect();
    bounds.sort();
    let mut byte_at = std::collections::HashMap::new();
    let mut want = bounds.iter().peekable();
    for (ci, (bi, _)) in text.char_indices().enumerate() {
        while let Some(&&w) = want.peek() {
            if w > ci {
                break;
            }
            byte_at.insert(w, bi);
            want.next();
        }
    }
    let byte = |c: usize| byte_at.get(&c).copied().unwrap_or(text.len());
    let mut parts: Vec<(&str, bool)> = Vec::new();
    let mut at = 0;
    for m in &spans {
        let (s, e) = (byte(m[0]).max(at), byte(m[1]));
        if s >= e {
            continue;
        }
        parts.push((&text[at..s], false));
        parts.push((&text[s..e], true));
        at = e;
    }
    parts.push((&text[at..], false));
    let mut n = 0;
    html! {
        @for (t, is_mark) in parts {
            @if is_mark {
                @if ids {
                    ({ n += 1; html! { mark id=(format!("m{n}")) { (t) } } })
                } @else {
                    mark { (t) }
                }
            } @else {
                (t)
            }
        }
    }
}

fn snippet(s: &Marked) -> Markup {
    marked(&s.text, &s.highlights, false)
}

/// An article's `url` as a link only when it is a web address; anything
/// else (`javascript:`, `data:`, `file:`) is shown as text.
fn web_link(url: &str) -> Markup {
    let u = url.trim();
    let lower = u.to_ascii_lowercase();
    let web = (lower.starts_with("http://") || lower.starts_with("https://"))
        && !u.chars().any(|c| c.is_control() || c.is_whitespace());
    html! {
        @if web { a href=(u) rel="noopener noreferrer nofollow" target="_blank" { (u) } }
        @else { code.url-text { (u) } }
    }
}

/// The address of a document's page, carrying the search it was found by.
pub fn doc_url(id: &str, p: &Params) -> String {
    let q = p.to_query();
    if q.is_empty() {
        format!("/doc/{}", encode_id(id))
    } else {
        format!("/doc/{}?{q}", encode_id(id))
    }
}

fn chips(d: &StoredDoc, p: &Params) -> Markup {
    html! {
        @for m in &d.ministers {
            a.chip.minister href=(p.toggle_minister(m).url()) title="filter by this minister" { (m) }
        }
        @for (i, c) in d.countries.iter().enumerate() {
            @let code = d.country_codes.get(i).map_or(c.as_str(), |s| s.as_str());
            a.chip.country href=(p.toggle_country(code).url()) title="filter by this country" { (c) }
        }
    }
}

fn hit(h: &Hit, p: &Params) -> Markup {
    let d = &h.doc;
    html! {
        article.hit data-rank=(h.rank) {
            h2 {
                a.title href=(doc_url(&d.id, p)) {
                    @if d.title.trim().is_empty() { "(untitled)" }
                    @else { (marked(&d.title, &h.title_highlights, false)) }
                }
            }
            div.meta {
                @if let Some(date) = d.date { time datetime=(date) { (date) } " · " }
                @if let Some(s) = &d.section {
                    a href=(p.toggle_section(s).url()) { (s) } " · "
                }
                @if let Some(b) = &d.byline { (b) " · " }
                span.id { (d.id) }
            }
            p.snippet { (snippet(&h.snippet)) }
            div.chips { (chips(d, p)) }
        }
    }
}

fn facet(title: &str, counts: &[FacetCount], p: &Params, kind: &str) -> Markup {
    html! {
        @if !counts.is_empty() {
            h3 { (title) }
            ul.facet data-facet=(kind) {
                @for c in counts {
                    @let (on, next) = match kind {
                        "country" => {
                            let code = c.code.as_deref().unwrap_or(&c.value);
                            (p.has_country(code), p.toggle_country(code))
                        }
                        "minister" => (p.ministers.iter().any(|m| m == &c.value), p.toggle_minister(&c.value)),
                        _ => (p.sections.iter().any(|s| s == &c.value), p.toggle_section(&c.value)),
                    };
                    li {
                        a.on[on] href=(next.url()) { (c.value) }
                        span.count { (c.count) }
                    }
                }
            }
        }
    }
}

/// Chips for the filters in force, each a link that removes it.
fn active_filters(p: &Params) -> Markup {
    html! {
        @if p.has_filters() || p.like.is_some() {
            div.filters {
                @if let Some(id) = &p.like {
                    a.chip.remove href=(p.changed(|p| p.like = None).url()) { "like: " (id) }
                }
                @for c in &p.countries {
                    a.chip.remove href=(p.toggle_country(c).url()) { "country: " (c) }
                }
                @for m in &p.ministers {
                    a.chip.remove href=(p.toggle_minister(m).url()) { "minister: " (m) }
                }
                @for s in &p.sections {
                    a.chip.remove href=(p.toggle_section(s).url()) { "section: " (s) }
                }
                @if p.since.is_some() || p.until.is_some() {
                    a.chip.remove href=(p.changed(|p| { p.since = None; p.until = None; }).url()) {
                        "dates: " (p.since.as_deref().unwrap_or("…")) " to " (p.until.as_deref().unwrap_or("…"))
                    }
                }
            }
        }
    }
}

fn pages(total: usize, p: &Params) -> Markup {
    let last = total.div_ceil(PAGE_SIZE).min(super::params::MAX_PAGE);
    let lo = p.page.saturating_sub(4).max(1);
    let hi = (lo + 8).min(last);
    html! {
        @if last > 1 {
            nav.pages aria-label="Pages" {
                @if p.page > 1 { a rel="prev" href=(p.at_page(p.page - 1).url()) { "‹ previous" } }
                @for n in lo..=hi {
                    @if n == p.page { span.on aria-current="page" { (n) } }
                    @else { a href=(p.at_page(n).url()) { (n) } }
                }
                @if p.page < last { a rel="next" href=(p.at_page(p.page + 1).url()) { "next ›" } }
            }
        }
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The results of a search.
pub fn results(p: &Params, r: &Results) -> Markup {
    let facet_of = |name: &str| {
        r.facets
            .iter()
            .find(|(n, _)| n == name)
            .map_or(&[][..], |(_, c)| c.as_slice())
    };
    let shown = if !p.q.trim().is_empty() {
        p.q.as_str()
    } else if p.like.is_some() {
        "articles like this one"
    } else {
        "every article"
    };
    let main = html! {
        (active_filters(p))
        div.layout {
            aside.facets {
                (facet("Countries", facet_of("country"), p, "country"))
                (facet("Ministers", facet_of("minister"), p, "minister"))
                (facet("Sections", facet_of("section"), p, "section"))
            }
            section.results {
                p.summary {
                    span #count {
                        strong { (plural(r.total_hits, "article", "articles")) }
                        " for " q { (shown) }
                    }
                    span.took { (format!("{:.1} ms", r.took_ms)) }
                    @if r.total_hits > 0 {
                        a.csv href=(p.csv_url()) download="newsidx.csv"
                            title=(format!("the first {} hits of this search as CSV, as `newsidx search --format csv` writes them", super::params::MAX_LIMIT)) { "CSV" }
                    }
                    span.sort {
                        "sort: "
                        a.on[!p.sort_date] href=(p.changed(|p| p.sort_date = false).url()) { "relevance" }
                        " · "
                        a.on[p.sort_date] href=(p.changed(|p| p.sort_date = true).url()) { "newest first" }
                    }
                }
                (suggestion(p, r))
                @if let Some(t) = &r.timeline {
                    @if !t.is_empty() { (chart::timeline(t, p)) }
                }
                @if r.hits.is_empty() {
                    (nothing(p, r))
                } @else {
                    div.hits { @for h in &r.hits { (hit(h, p)) } }
                    (pages(r.total_hits, p))
                }
            }
        }
    };
    layout(&format!("{} — newsidx", p.q), p, main)
}

/// "Did you mean": the respelled query as a link (filters kept), when the
/// search found too little and a respelling finds clearly more.
fn suggestion(p: &Params, r: &Results) -> Markup {
    html! {
        @if let Some(s) = &r.suggestion {
            p.suggestion #suggestion {
                "Did you mean "
                a href=(p.changed(|p| p.q = s.query.clone()).url()) { (s.query) }
                "? (" (plural(s.total_hits, "article", "articles")) ")"
            }
        }
    }
}

/// No hits: say so, and what to try.
fn nothing(p: &Params, r: &Results) -> Markup {
    html! {
        div.message.nothing {
            @if r.total_hits > 0 {
                p { "No more results: this page is past the last one." }
                a href=(p.at_page(1).url()) { "Back to the first page" }
            } @else {
                p { strong { "No articles match " q { (p.q) } } @if p.has_filters() { " with these filters" } "." }
                ul {
                    @if p.has_filters() {
                        li { a href=(Params { q: p.q.clone(), page: 1, sort_date: p.sort_date, or: p.or, ..Params::default() }.url()) { "Search without the filters" } }
                    }
                    @if !p.or && p.q.split_whitespace().count() > 1 {
                        li { a href=(p.changed(|p| p.or = true).url()) { "Match any of the words instead of all" } }
                    }
                    li { "Try fewer or other words, a prefix (" code { "fuku*" } ") or a fuzzy word (" code { "gemba~1" } ")." }
                }
            }
        }
    }
}

/// A query the parser refused, shown as the CLI shows it: the message, the
/// query, a caret under the column.
pub fn query_error(p: &Params, message: &str, column: Option<usize>, hint: Option<&str>) -> Markup {
    let main = html! {
        div.message.error role="alert" {
            strong { "The query is not valid: " (message) }
            @if let Some(col) = column {
                " (column " (col) ")"
                pre.caret { (p.q) "\n" (" ".repeat(col.saturating_sub(1))) "^" }
            }
            @if let Some(h) = hint { p { (h) } }
        }
    };
    layout("Query error — newsidx", p, main)
}

/// Any other problem the user can fix or should know about.
pub fn message(p: &Params, title: &str, text: &str) -> Markup {
    let main = html! {
        div.message.error role="alert" {
            strong { (title) }
            p { (text) }
        }
    };
    layout(&format!("{title} — newsidx"), p, main)
}

/// The front page: what the archive holds, with ways in.
pub fn landing(p: &Params, s: &IndexStats) -> Markup {
    let main = html! {
        section.landing {
            h1 { "Search the archive" }
            dl {
                dt { "articles" } dd { (s.documents) }
                @if let Some((from, to)) = s.date_range {
                    dt { "dates" } dd { (from) " to " (to) " (" (s.dated) " dated)" }
                }
                dt { "sections" }
                dd { @for v in &s.sections { a.chip href=(p.toggle_section(&v.value).url()) { (v.value) " " (v.count) } } }
                dt { "countries" }
                dd { @for v in &s.countries {
                    a.chip.country href=(p.toggle_country(v.code.as_deref().unwrap_or(&v.value)).url()) { (v.value) " " (v.count) }
                } }
                dt { "ministers" }
                dd { @for v in &s.ministers { a.chip href=(p.toggle_minister(&v.value).url()) { (v.value) " " (v.count) } } }
            }
            p { "Type words above; " kbd { "?" } " lists the keys." }
        }
    };
    layout("newsidx", p, main)
}

/// One stored article with every match of the search highlighted.
pub fn document(
    p: &Params,
    d: &StoredDoc,
    path: &str,
    title_marks: &[[usize; 2]],
    body_marks: &[[usize; 2]],
    similar: &[Hit],
) -> Markup {
    let back = p.url();
    let main = html! {
        article.doc {
            @if p.is_search() { a.back href=(back) { "← results for " q { (p.query()) } } }
            @else { a.back href="/" { "← search" } }
            h1 { @if d.title.trim().is_empty() { "(untitled)" } @else { (marked(&d.title, title_marks, false)) } }
            dl.meta {
                @if let Some(date) = d.date { dt { "date" } dd { time datetime=(date) { (date) } } }
                @if let Some(s) = &d.section { dt { "section" } dd { a href=(p.toggle_section(s).url()) { (s) } } }
                @if let Some(b) = &d.byline { dt { "byline" } dd { (b) } }
                @if let Some(c) = &d.credit { dt { "credit" } dd { (c) } }
                @if let Some(u) = &d.url { dt { "url" } dd { (web_link(u)) } }
                @if !d.minister_roles.is_empty() {
                    dt { "ministers" }
                    dd { @for m in &d.minister_roles {
                        a.chip.minister href=(p.toggle_minister(&m.name).url()) title=(m.role) { (m.name) }
                    } }
                } @else if !d.ministers.is_empty() {
                    dt { "ministers" } dd { (chips(&StoredDoc { countries: vec![], ..d.clone() }, p)) }
                }
                @if !d.countries.is_empty() {
                    dt { "countries" } dd { (chips(&StoredDoc { ministers: vec![], ..d.clone() }, p)) }
                }
                dt { "id" } dd { code { (d.id) } }
                dt { "path" } dd { code.path { (path) } }
                dt { "file" } dd { (d.format) ", " (d.encoding) ", " (d.size) " bytes" }
                dt { "JSON" } dd { a href=(format!("/api/doc/{}", encode_id(&d.id))) { "this article as JSON" } }
            }
            @if !body_marks.is_empty() {
                div.matches {
                    (plural(body_marks.len(), "match", "matches")) " of the query · "
                    a href="#m1" { "first" }
                    span #match-pos {}
                    button type="button" data-prev title="previous match (p)" { "‹" }
                    button type="button" data-next title="next match (n)" { "›" }
                }
            }
            div.doc-body { (marked(&d.body, body_marks, true)) }
            @if !similar.is_empty() {
                section.similar #similar {
                    h2 { "Similar stories" }
                    ol {
                        @for h in similar {
                            li {
                                a href=(doc_url(&h.doc.id, p)) {
                                    @if h.doc.title.trim().is_empty() { "(untitled)" } @else { (h.doc.title) }
                                }
                                @if let Some(date) = h.doc.date { " · " time datetime=(date) { (date) } }
                                @if let Some(s) = &h.doc.section { " · " (s) }
                            }
                        }
                    }
                    a.more href=(Params { like: Some(d.id.clone()), page: 1, ..Params::default() }.url()) { "all similar stories" }
                }
            }
        }
    };
    layout(&format!("{} — newsidx", d.title), p, main)
}

/// A page that is not there.
pub fn not_found(p: &Params, what: &str) -> Markup {
    message(p, "Not found", what)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_wrap_character_ranges() {
        let m = marked("Café «Gemba» <b>", &[[6, 11]], false).into_string();
        assert_eq!(m, "Café «<mark>Gemba</mark>» &lt;b&gt;");
        let m = marked("a b a", &[[4, 5], [0, 1]], true).into_string();
        assert_eq!(m, r#"<mark id="m1">a</mark> b <mark id="m2">a</mark>"#);
        // Ranges past the end or overlapping never panic nor duplicate text.
        let m = marked("abc", &[[1, 9], [2, 3], [5, 7]], false).into_string();
        assert_eq!(m, "a<mark>bc</mark>");
    }

    #[test]
    fn only_web_addresses_become_links() {
        let s = web_link("https://example.com/a?b=1").into_string();
        assert!(
            s.starts_with("<a href=\"https://example.com/a?b=1\""),
            "{s}"
        );
        for bad in [
            "javascript:alert(1)",
            " JavaScript:alert(1)",
            "data:text/html,x",
            "file:///etc/passwd",
            "http://x y",
        ] {
            let s = web_link(bad).into_string();
            assert!(!s.contains("href"), "{bad}: {s}");
        }
    }

    #[test]
    fn doc_links_carry_the_search() {
        let p = Params::parse("q=gemba&country=JP").unwrap();
        assert_eq!(
            doc_url("diplomacy/a b.txt", &p),
            "/doc/diplomacy/a%20b.txt?q=gemba&country=JP"
        );
        assert_eq!(doc_url("x.jsonl#3", &Params::default()), "/doc/x.jsonl%233");
    }
}
