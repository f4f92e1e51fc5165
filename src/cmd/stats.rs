//! `newsidx stats`: what the index holds — documents, size, segments, date
//! range, sections, top countries and ministers — as text or JSON
//! (`schema/stats-output.schema.json`). The counting is `index::stats`, or
//! `remote::stats` with `--remote`; both give the same values.

use crate::cli::{StatsArgs, SummaryFormat};
use crate::exit::Outcome;
use crate::index::{NewsIndex, stats};
use crate::remote::{Remote, mapping};
use crate::render::{self, stats::StatsOutput};
use std::io::Write;

pub fn run(a: StatsArgs) -> anyhow::Result<Outcome> {
    let mut out = std::io::stdout().lock();
    let write = |out: &mut dyn Write, view: &StatsOutput| -> anyhow::Result<()> {
        match a.format {
            SummaryFormat::Json => render::write_json(out, view)?,
            SummaryFormat::Text => render::stats::write_text(out, view)?,
        }
        Ok(())
    };
    if let Some(urls) = a.target.urls().map_err(anyhow::Error::msg)? {
        let remote = Remote::open(&urls, &a.target.remote_name)?;
        let s = remote.stats(a.top)?;
        let corpus = remote.corpus().map(|c| c.display().to_string());
        let stamp = mapping::Stamp::current();
        let view = StatsOutput::of(
            format!("{}/{}", remote.client.node(), remote.name),
            corpus.as_deref(),
            (stamp.mapping, stamp.model),
            &s,
        );
        write(&mut out, &view)?;
    } else {
        let ix = NewsIndex::open(&a.location.resolve())?;
        let s = stats::collect(&ix, a.top)?;
        write(&mut out, &StatsOutput::new(&ix.dir, &ix.stamp, &s))?;
    }
    out.flush()?;
    Ok(Outcome::Success)
}
