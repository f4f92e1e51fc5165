//! JSON renderers: the public contract described by the JSON Schemas in
//! `schema/`. Every top-level object carries `version`, bumped when the format
//! changes incompatibly.

use crate::search::hit::{Hit, Results};
use serde_json::{Value, json};
use std::io::{self, Write};

/// Version of the search output format (`schema/search-output.schema.json`).
pub const SEARCH_VERSION: u32 = 1;

pub fn hit_value(h: &Hit) -> Value {
    let d = &h.doc;
    json!({
        "rank": h.rank,
        "score": h.score,
        "id": d.id,
        "path": h.path,
        "title": d.title,
        "date": d.date.map(|d| d.format("%Y-%m-%d").to_string()),
        "section": d.section,
        "credit": d.credit,
        "byline": d.byline,
        "url": d.url,
        "ministers": d.ministers,
        "minister_roles": d.minister_roles,
        "countries": d.countries,
        "country_codes": d.country_codes,
        "snippet": {"text": h.snippet.text, "highlights": h.snippet.highlights},
        "title_highlights": h.title_highlights,
    })
}

pub fn results_value(r: &Results) -> Value {
    let mut v = json!({
        "version": SEARCH_VERSION,
        "query": r.query,
        "total_hits": r.total_hits,
        "took_ms": (r.took_ms * 1000.0).round() / 1000.0,
        "hits": r.hits.iter().map(hit_value).collect::<Vec<_>>(),
    });
    if !r.facets.is_empty() {
        let facets: serde_json::Map<String, Value> = r
            .facets
            .iter()
            .map(|(name, counts)| (name.clone(), json!(counts)))
            .collect();
        v["facets"] = Value::Object(facets);
    }
    if let Some(t) = &r.timeline {
        v["timeline"] = json!(t);
    }
    v
}

pub fn write_results(w: &mut dyn Write, r: &Results) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, &results_value(r))?;
    writeln!(w)
}

/// One hit object per line.
pub fn write_ndjson(w: &mut dyn Write, r: &Results) -> io::Result<()> {
    for h in &r.hits {
        serde_json::to_writer(&mut *w, &hit_value(h))?;
        writeln!(w)?;
    }
    Ok(())
}
