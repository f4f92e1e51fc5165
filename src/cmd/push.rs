//! `newsidx push CORPUS --to URL`: resolve the flags, push, print the
//! summary (a line on stderr, or JSON on stdout).

use crate::cli::{PushArgs, SummaryFormat};
use crate::exit::Outcome;
use crate::pipeline;
use crate::remote::client::Client;
use crate::remote::mapping::Layout;
use crate::remote::push::{self, Settings, Summary};
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
    };
    let summary = push::push(&client, &corpus, &settings)?;
    match a.format {
        SummaryFormat::Json => {
            let mut out = std::io::stdout().lock();
            serde_json::to_writer_pretty(&mut out, &summary)?;
            writeln!(out)?;
        }
        SummaryFormat::Text => eprintln!("{}", summary_line(&summary)),
    }
    let problems =
        summary.failed > 0 || summary.skipped_by_reason.keys().any(|k| k != "not-article");
    Ok(if a.strict && problems {
        Outcome::Error
    } else {
        Outcome::Success
    })
}

/// `pushed 21578 documents (19.1 MiB) to news in 41.2 s: 523 docs/s; 21578
/// files sent, 0 unchanged, 0 deleted, 0 refused; the remote index holds
/// 21578 documents`.
pub fn summary_line(s: &Summary) -> String {
    let secs = s.elapsed_ms as f64 / 1000.0;
    let mut line = format!(
        "pushed {} document{} ({:.1} MiB) to {} in {:.1} s ({:.0} docs/s): {} file{} sent, {} unchanged, {} deleted, {} refused; the remote index holds {} documents",
        s.sent,
        if s.sent == 1 { "" } else { "s" },
        s.bytes_sent as f64 / (1024.0 * 1024.0),
        s.name,
        secs,
        if secs > 0.0 {
            s.sent as f64 / secs
        } else {
            0.0
        },
        s.files_sent,
        if s.files_sent == 1 { "" } else { "s" },
        s.unchanged_files,
        s.deleted,
        s.failed,
        s.remote_documents,
    );
    if s.skipped > 0 {
        let reasons: Vec<String> = s
            .skipped_by_reason
            .iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect();
        line.push_str(&format!("; skipped {} ({})", s.skipped, reasons.join(", ")));
    }
    line
}
