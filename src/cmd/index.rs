//! `newsidx index CORPUS`: the command line into [`indexer::Settings`], one
//! run of the engine ([`indexer`]), its summary out — JSON on stdout, or one
//! line on stderr — and `--strict` into the exit code.

use crate::cli::{IndexArgs, SummaryFormat};
use crate::exit::Outcome;
use crate::indexer::{self, Settings};
use crate::pipeline;
use crate::render::{self, summary};
use anyhow::Result;
use std::io::IsTerminal;
use std::time::Duration;

pub fn run(a: IndexArgs) -> Result<Outcome> {
    let index_dir = a.location.resolve();
    let corpus = indexer::resolve_corpus(&a.corpus)?;
    let settings = Settings {
        pipeline: pipeline::Options {
            max_file_size: a.max_file_size,
            max_file_time: (a.max_file_secs > 0).then(|| Duration::from_secs(a.max_file_secs)),
            extract: !a.no_extract,
            fingerprint: !a.no_fingerprint,
        },
        follow_links: a.follow_links,
        rebuild: a.rebuild,
        repoint: a.repoint,
        commit_docs: a.commit_docs,
        commit_every: Duration::from_secs(a.commit_secs),
        progress: !a.no_progress && std::io::stderr().is_terminal(),
    };
    let summary = indexer::index_corpus(&corpus, &index_dir, &settings)?;

    match a.format {
        SummaryFormat::Json => render::write_json(&mut std::io::stdout().lock(), &summary)?,
        SummaryFormat::Text => summary::write_text(&mut std::io::stderr().lock(), &summary)?,
    }
    Ok(if a.strict && summary.has_problems() {
        Outcome::Error
    } else {
        Outcome::Success
    })
}
