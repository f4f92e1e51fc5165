//! `newsidx push CORPUS --to URL`: resolve the flags, push, print the
//! summary (a line on stderr, written by `render::summary`, or JSON on
//! stdout).

use crate::cli::{PushArgs, SummaryFormat};
use crate::exit::Outcome;
use crate::pipeline;
use crate::remote::client::Client;
use crate::remote::mapping::Layout;
use crate::remote::push::{self, Settings};
use crate::render;
use anyhow::{Context, Result};
use std::io::Write;

pub fn run(a: PushArgs) -> Result<Outcome> {
    let corpus = a
        .corpus
        .canonicalize()
        .with_context(|| format!("cannot open corpus folder {}", a.corpus.display()))?;
    anyhow::ensure!(
        corpus.is_dir(),
        "{} is not a folder; give the folder that holds the articles",
        a.corpus.display()
    );
    let client = Client::new(&a.to)?;
    let settings = Settings {
        name: a.name.clone(),
        rebuild: a.rebuild,
        layout: Layout {
            shards: a.shards,
            replicas: a.replicas,
        },
        pipeline: pipeline::Options {
            max_file_size: a.max_file_size,
            ..pipeline::Options::default()
        },
        follow_links: a.follow_links,
        batch_bytes: (a.batch_mib as usize) << 20,
        in_flight: a.in_flight as usize,
    };
    let summary = push::push(&client, &corpus, &settings)?;
    match a.format {
        SummaryFormat::Json => {
            let mut out = std::io::stdout().lock();
            serde_json::to_writer_pretty(&mut out, &summary)?;
            writeln!(out)?;
        }
        SummaryFormat::Text => eprintln!("{}", render::summary::push_line(&summary)),
    }
    let problems =
        summary.failed > 0 || summary.skipped_by_reason.keys().any(|k| k != "not-article");
    Ok(if a.strict && problems {
        Outcome::Error
    } else {
        Outcome::Success
    })
}
