//! `newsidx serve`: resolve the index (bringing a `--corpus` up to date
//! first, as `search --corpus` does), bind, say where, warn when the address
//! is reachable from other machines, and hand over to `crate::serve`.

use crate::cli::ServeArgs;
use crate::exit::Outcome;
use crate::serve::{self, Config};
use anyhow::Context;
use std::net::TcpListener;
use std::time::Duration;

pub fn run(a: ServeArgs) -> anyhow::Result<Outcome> {
    let (index_dir, ix) = crate::indexer::open_for_search(
        a.location.index.as_deref(),
        a.corpus.as_deref(),
        &a.location.resolve(),
    )?;
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

/// Open `url` in a browser: the command in `$BROWSER` when it is set (the
/// convention xdg-open, Python's webbrowser and man-db follow: a
/// colon-separated list of commands, the first one used here, `%s` standing
/// for the address or else the address appended), otherwise the desktop's
/// opener (`xdg-open`, `open` on macOS). A failure is a warning: the
/// address has been printed.
fn open_browser(url: &str) {
    let (program, args) = match browser_command(std::env::var("BROWSER").ok().as_deref(), url) {
        Some(c) => c,
        None => (default_opener().to_string(), vec![url.to_string()]),
    };
    let spawned = std::process::Command::new(&program)
        .args(&args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if let Err(e) = spawned {
        eprintln!(
            "newsidx: warning: cannot open a browser with {}: {e}; open {url} yourself",
            crate::render::sanitize(&program, false)
        );
    }
}

fn default_opener() -> &'static str {
    if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    }
}

/// The program and arguments `$BROWSER` (`browser`) asks for, if it names
/// one.
fn browser_command(browser: Option<&str>, url: &str) -> Option<(String, Vec<String>)> {
    let first = browser?.split(':').map(str::trim).find(|c| !c.is_empty())?;
    let mut words = first.split_whitespace().map(str::to_string);
    let program = words.next()?;
    let mut args: Vec<String> = words.collect();
    if args.iter().any(|a| a.contains("%s")) {
        for a in &mut args {
            *a = a.replace("%s", url);
        }
    } else {
        args.push(url.to_string());
    }
    Some((program, args))
}

#[cfg(test)]
mod tests {
    use super::browser_command;

    #[test]
    fn browser_env_picks_the_first_command() {
        let u = "http://127.0.0.1:7700/";
        assert_eq!(browser_command(None, u), None);
        assert_eq!(browser_command(Some(" : "), u), None);
        assert_eq!(
            browser_command(Some("firefox:chromium"), u),
            Some(("firefox".into(), vec![u.into()]))
        );
        assert_eq!(
            browser_command(Some("w3m -o x=1 %s"), u),
            Some(("w3m".into(), vec!["-o".into(), "x=1".into(), u.into()]))
        );
    }
}
