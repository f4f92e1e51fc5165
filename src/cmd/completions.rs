//! `newsidx completions SHELL`: shell completions or a man page, generated
//! from the clap definitions so they never drift from the real flags.

use crate::cli::{Cli, CompletionsArgs, Shell};
use crate::exit::Outcome;
use clap::CommandFactory;

pub fn run(a: CompletionsArgs) -> anyhow::Result<Outcome> {
    let mut cmd = Cli::command();
    let mut out = std::io::stdout().lock();
    let shell = match a.shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
        Shell::Elvish => clap_complete::Shell::Elvish,
        Shell::Powershell => clap_complete::Shell::PowerShell,
        Shell::Man => {
            clap_mangen::Man::new(cmd).render(&mut out)?;
            return Ok(Outcome::Success);
        }
    };
    clap_complete::generate(shell, &mut cmd, "newsidx", &mut out);
    Ok(Outcome::Success)
}
