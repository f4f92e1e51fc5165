//! `newsidx check QUERIES.toml`: run saved queries against the index and
//! report which met their expectations (`crate::check`), as text, JUnit XML
//! or JSON (`render::check`). Exit 0 when all pass, 1 when some fail, 2 when
//! the file or a query cannot be run.

use crate::check;
use crate::cli::{CheckArgs, CheckFormat};
use crate::exit::Outcome;
use crate::render::{self, check::CheckOutput};
use anyhow::Context;
use std::io::Write;

pub fn run(a: CheckArgs) -> anyhow::Result<Outcome> {
    let file = a.queries.display().to_string();
    let text = std::fs::read_to_string(&a.queries)
        .with_context(|| format!("cannot read saved queries from {file}"))?;
    let queries = check::parse_file(&text, &file)?;
    let ix = crate::cmd::backend(&a.location, &a.target)?;
    let report = check::run(ix.as_ref(), queries);

    let mut out = std::io::stdout().lock();
    match a.format {
        CheckFormat::Text => render::check::write_text(&mut out, &report)?,
        CheckFormat::Json => render::write_json(&mut out, &CheckOutput::new(&file, &report))?,
        CheckFormat::Junit => render::check::write_junit(&mut out, &file, &report)?,
    }
    out.flush()?;
    if a.format != CheckFormat::Text {
        // Scripts read stdout; a person watching CI logs still sees the tally.
        eprintln!("{}", render::check::tally(&report));
    }
    Ok(if report.errors() > 0 {
        Outcome::Error
    } else if report.failed() == 0 {
        Outcome::Success
    } else {
        Outcome::NoMatch
    })
}
