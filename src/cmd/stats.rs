//! `newsidx stats`: what the index holds — documents, size, segments, date
//! range, sections, top countries and ministers — as text or JSON
//! (`schema/stats-output.schema.json`). The counting is `index::stats`.

use crate::cli::{StatsArgs, SummaryFormat};
use crate::exit::Outcome;
use crate::index::{NewsIndex, stats};
use crate::render::{self, stats::StatsOutput};
use std::io::Write;

pub fn run(a: StatsArgs) -> anyhow::Result<Outcome> {
    let ix = NewsIndex::open(&a.location.resolve())?;
    let s = stats::collect(&ix, a.top)?;
    let view = StatsOutput::new(&ix.dir, &ix.stamp, &s);
    let mut out = std::io::stdout().lock();
    match a.format {
        SummaryFormat::Json => render::write_json(&mut out, &view)?,
        SummaryFormat::Text => render::stats::write_text(&mut out, &view)?,
    }
    out.flush()?;
    Ok(Outcome::Success)
}
