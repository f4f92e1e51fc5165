//! `newsidx completions SHELL`: shell completions or man pages, generated
//! from the clap definitions so they never drift from the real flags.

use crate::cli::{Cli, CompletionsArgs, Shell};
use crate::exit::Outcome;
use anyhow::Context;
use clap::CommandFactory;
use std::io::Write;

pub fn run(a: CompletionsArgs) -> anyhow::Result<Outcome> {
    let mut cmd = Cli::command();
    let shell = match a.shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
        Shell::Elvish => clap_complete::Shell::Elvish,
        Shell::Powershell => clap_complete::Shell::PowerShell,
        Shell::Man => {
            match &a.out_dir {
                Some(dir) => {
                    std::fs::create_dir_all(dir)
                        .with_context(|| format!("cannot create {}", dir.display()))?;
                    // The main page lists `newsidx-search(1)` and so on: write those too.
                    clap_mangen::generate_to(cmd, dir).with_context(|| {
                        format!("cannot write man pages into {}", dir.display())
                    })?;
                    eprintln!("newsidx: wrote man pages into {}", dir.display());
                }
                None => {
                    let mut out = std::io::stdout().lock();
                    clap_mangen::Man::new(cmd).render(&mut out)?;
                    out.flush()?;
                }
            }
            return Ok(Outcome::Success);
        }
    };
    match &a.out_dir {
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            let path = clap_complete::generate_to(shell, &mut cmd, "newsidx", dir)
                .with_context(|| format!("cannot write completions into {}", dir.display()))?;
            eprintln!("newsidx: wrote {}", path.display());
        }
        None => {
            let mut out = std::io::stdout().lock();
            clap_complete::generate(shell, &mut cmd, "newsidx", &mut out);
            out.flush()?;
        }
    }
    Ok(Outcome::Success)
}
