//! `newsidx serve`: resolve the index (bringing a `--corpus` up to date
//! first, as `search --corpus` does), bind, say where, warn when the address
//! is reachable from other machines, and hand over to `crate::serve`.

use crate::cli::ServeArgs;
use crate::exit::Outcome;
use crate::index::NewsIndex;
use crate::serve::{self, Config};
use anyhow::Context;
use std::net::TcpListener;
use std::time::Duration;

pub fn run(a: ServeArgs) -> anyhow::Result<Outcome> {
    let index_dir =
        crate::indexer::index_for_search(a.location.index.as_deref(), a.corpus.as_deref(), || {
            a.location.resolve()
        })?;
    let ix = NewsIndex::open(&index_dir)?;
    let listener =
        TcpListener::bind(a.bind).with_context(|| format!("cannot listen on {}", a.bind))?;
    let addr = listener.local_addr()?;
    let url = format!("http://{addr}/");
    if !addr.ip().is_loopback() {
        eprintln!(
            "newsidx: warning: listening on {addr}: anyone who can reach this address can read the whole archive"
        );
    }
    eprintln!(
        "newsidx: serving {} at {url} (Ctrl-C stops)",
        crate::render::sanitize(&index_dir.display().to_string(), false)
    );
    if a.open {
        open_browser(&url);
    }
    let mut config = Config {
        search_timeout: Duration::from_millis(a.search_timeout),
        ..Config::default()
    };
    config.limits.head_timeout = Duration::from_millis(a.head_timeout);
    serve::run(ix, listener, config)?;
    Ok(Outcome::Success)
}

/// Ask the desktop to open `url`; a failure is a warning (the address has
/// been printed).
fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    let spawned = std::process::Command::new(opener)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if let Err(e) = spawned {
        eprintln!(
            "newsidx: warning: cannot open a browser with {opener}: {e}; open {url} yourself"
        );
    }
}
