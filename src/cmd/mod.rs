//! Subcommands: the only code that wires pipeline stages together. Each
//! module takes its clap arguments, resolves them, runs, and returns an
//! [`Outcome`].

pub mod check;
pub mod completions;
pub mod eval;
pub mod index;
pub mod parse;
pub mod push;
pub mod schema;
pub mod search;
pub mod serve;
pub mod show;
pub mod stats;

use crate::cli::{Cli, Command, Deferred};
use crate::exit::Outcome;
use clap::Parser;
use std::process::ExitCode;

/// Parse the command line, run the command, print any error, exit.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    // The long runs allocate through mimalloc; a search keeps glibc's
    // cheaper start (src/alloc.rs). Before any thread starts.
    if matches!(
        cli.command,
        Command::Index(_) | Command::Push(_) | Command::Serve(_)
    ) {
        crate::alloc::use_mimalloc();
    }
    let outcome = match run(cli) {
        Ok(o) => o,
        Err(e) => {
            if is_broken_pipe(&e) {
                // `newsidx search x | head -1`: the reader is gone; leave quietly.
                return ExitCode::from(0);
            }
            eprintln!(
                "newsidx: {}",
                crate::render::sanitize(&format!("{e:#}"), true)
            );
            Outcome::Error
        }
    };
    outcome.into()
}

pub fn run(cli: Cli) -> anyhow::Result<Outcome> {
    match cli.command {
        Command::Index(Deferred(a)) => index::run(a),
        Command::Push(Deferred(a)) => push::run(a),
        Command::Search(Deferred(a)) => search::run(a),
        Command::Similar(Deferred(a)) => search::similar(a),
        Command::Parse(Deferred(a)) => parse::run(a),
        Command::Schema(Deferred(a)) => schema::run(a),
        Command::Show(Deferred(a)) => show::run(a),
        Command::Completions(Deferred(a)) => completions::run(a),
        Command::Stats(Deferred(a)) => stats::run(a),
        Command::Check(Deferred(a)) => check::run(a),
        Command::Eval(Deferred(a)) => eval::run(a),
        Command::Serve(Deferred(a)) => serve::run(a),
    }
}

/// The index a search-like command runs on: the remote one when `--remote`
/// is given, else the local index.
pub fn backend(
    location: &crate::cli::IndexLocation,
    target: &crate::cli::RemoteTarget,
) -> anyhow::Result<Box<dyn crate::backend::Backend>> {
    match target.urls().map_err(anyhow::Error::msg)? {
        Some(urls) => Ok(Box::new(crate::remote::Remote::open(
            &urls,
            &target.remote_name,
        )?)),
        None => Ok(Box::new(crate::index::NewsIndex::open(
            &location.resolve(),
        )?)),
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
