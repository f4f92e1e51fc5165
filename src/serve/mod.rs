//! `newsidx serve`: the archive in a browser, and a JSON API that answers
//! exactly what the CLI prints. A thin layer over the library: [`http`]
//! speaks HTTP, [`params`] reads the URL into the same search `Request` the
//! CLI's flags make, [`pages`] and [`chart`] render HTML (escaped by maud),
//! [`assets`] holds the embedded stylesheet and script. This file routes.
//!
//! Work on the index runs on a small pool of threads, and a request waits
//! for its answer at most `search_timeout`: a search that takes longer is cut
//! off with a message (its thread finishes it in the background; the pool's
//! queue is bounded, so such work cannot pile up). The index is read through
//! one reader that follows commits: while `newsidx index` runs on the same
//! index, pages answer from the last commit and show new articles after the
//! next one, without a restart. Nothing here writes anywhere.

pub mod assets;
pub mod chart;
pub mod http;
pub mod pages;
pub mod params;

use crate::index::NewsIndex;
use crate::index::stats;
use crate::render::csv::CsvHits;
use crate::render::document::ShowOutput;
use crate::render::search::SearchOutput;
use crate::render::stats::StatsOutput;
use crate::search::highlight::Highlighter;
use crate::search::query::{self, QueryError};
use crate::search::{self, DefaultOperator, Hit, Request, Results, suggest};
use anyhow::{Context, Result};
use crossbeam_channel::{Sender, TrySendError, bounded};
use http::Response;
use params::{ParamError, Params};
use serde_json::json;
use std::net::TcpListener;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tantivy::{IndexReader, ReloadPolicy, Searcher};

/// Version of the API's error object (`schema/serve-error.schema.json`).
pub const ERROR_VERSION: u32 = 1;

/// How the server runs.
#[derive(Clone, Debug)]
pub struct Config {
    /// How long a request waits for the index's answer before it is cut off.
    pub search_timeout: Duration,
    /// Threads that work on the index.
    pub workers: usize,
    pub limits: http::Limits,
}

impl Default for Config {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Config {
            search_timeout: Duration::from_secs(5),
            workers: (cores * 2).max(4),
            limits: http::Limits::default(),
        }
    }
}

/// The state every request reads.
pub struct App {
    ix: NewsIndex,
    reader: IndexReader,
    /// Whether the listener is on a loopback address (then only requests
    /// addressed to a loopback host are answered: see [`host_allowed`]).
    loopback: bool,
    timeout: Duration,
    pool: Sender<Job>,
}

impl App {
    pub fn new(ix: NewsIndex, loopback: bool, config: &Config) -> Result<Arc<App>> {
        let reader = ix.reader_with(ReloadPolicy::OnCommitWithDelay)?;
        // Every search counts facets: their values are read once.
        search::facets::keep_values();
        Ok(Arc::new(App {
            ix,
            reader,
            loopback,
            timeout: config.search_timeout,
            pool: pool(config.workers)?,
        }))
    }

    /// Answer one request (from any thread).
    pub fn handle(self: &Arc<App>, req: &http::Request) -> Response {
        let resp = if self.loopback && !host_allowed(req.header("host")) {
            Response::text(
                403,
                "newsidx: this server answers only requests addressed to localhost\n",
            )
        } else {
            self.route(req)
        };
        secure(resp)
    }

    fn route(self: &Arc<App>, req: &http::Request) -> Response {
        let path = req.path.as_str();
        if let Some(a) = assets::find(path) {
            return Response::new(200, a.content_type, a.body)
                .with("Cache-Control", "public, max-age=31536000, immutable");
        }
        let api = path.starts_with("/api/");
        let p = match Params::parse(&req.query) {
            Ok(p) => p,
            Err(e) => return bad_params(api, &Params::default(), &e),
        };
        if !(path == "/"
            || path.starts_with("/doc/")
            || path == "/api/search"
            || path == "/api/stats"
            || path.starts_with("/api/doc/"))
        {
            return if api {
                api_error(404, &format!("no such endpoint: {path}"), None)
            } else {
                html(
                    404,
                    pages::not_found(&p, "There is no page at this address."),
                )
            };
        }
        // Everything else reads the index: on the pool, within the timeout.
        let asked = Instant::now();
        let (tx, rx) = bounded(1);
        let app = Arc::clone(self);
        let path = path.to_string();
        let job_p = p.clone();
        let job = Box::new(move || {
            // A bug in a search costs its request a 500, not the server a
            // thread (the panic's message goes to stderr first).
            let resp = std::panic::catch_unwind(AssertUnwindSafe(|| {
                app.index_route(&path, &job_p)
            }))
            .unwrap_or_else(|_| {
                let why = anyhow::anyhow!(
                    "newsidx failed on this request (a bug: please report it with the address); other requests are not affected"
                );
                internal(api, &job_p, &why)
            });
            let _ = tx.send(resp);
        });
        match self.pool.try_send(job) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => {
                return unavailable(
                    api,
                    &p,
                    "the server is busy with other searches; try again in a moment",
                );
            }
            Err(TrySendError::Disconnected(_)) => {
                return unavailable(api, &p, "the search threads have stopped");
            }
        }
        match rx.recv_timeout(self.timeout) {
            // An answer that came in just as the wait ended is late all the
            // same: the limit is the same whichever side of it checks.
            Ok(resp) if asked.elapsed() <= self.timeout => resp,
            _ => unavailable(
                api,
                &p,
                &format!(
                    "the search took longer than {} and was cut off; narrow it with more words, a phrase, a date range or a filter",
                    human_duration(self.timeout)
                ),
            ),
        }
    }

    /// The routes that read the index (run on the pool).
    fn index_route(&self, path: &str, p: &Params) -> Response {
        let searcher = self.reader.searcher();
        if path == "/api/search" {
            return match p.request(false) {
                Err(e) => bad_params(true, p, &e),
                Ok(req) if p.csv => match search::search_in(&self.ix, &searcher, &req) {
                    Ok(r) => csv_response(&r),
                    Err(e) => search_error(true, p, &e),
                },
                Ok(req) => match self.search(&searcher, &req) {
                    Ok(r) => json_response(200, &SearchOutput::new(&r)),
                    Err(e) => search_error(true, p, &e),
                },
            };
        }
        if path == "/api/stats" {
            return match stats::collect(&self.ix, p.top.unwrap_or(10)) {
                Ok(s) => json_response(200, &StatsOutput::new(&self.ix.dir, &self.ix.stamp, &s)),
                Err(e) => internal(true, p, &e),
            };
        }
        if let Some(raw) = path
            .strip_prefix("/api/doc/")
            .or(path.strip_prefix("/doc/"))
        {
            let api = path.starts_with("/api/");
            let id = match params::decode_path(raw) {
                Ok(id) => id,
                Err(e) => return bad_params(api, p, &e),
            };
            let doc = match search::get_by_id_in(&self.ix, &searcher, &id) {
                Ok(Some(d)) => d,
                Ok(None) => {
                    let msg = format!("no document with id {id:?} in the index");
                    return if api {
                        api_error(404, &msg, None)
                    } else {
                        html(404, pages::not_found(p, &msg))
                    };
                }
                Err(e) => return internal(api, p, &e),
            };
            if api {
                return json_response(200, &ShowOutput::new(&doc));
            }
            let (title_marks, body_marks) = match query::parse(p.query(), op(p)) {
                Ok(root) if p.is_search() => {
                    let mut h = Highlighter::new(&root);
                    (h.title_marks(&doc.title), h.body_marks(&doc.body))
                }
                _ => (Vec::new(), Vec::new()),
            };
            let similar = self.similar(&searcher, &doc.id);
            let file = doc.id.split('#').next().unwrap_or(&doc.id);
            let path = match &self.ix.stamp.corpus {
                Some(root) => PathBuf::from(root).join(file).display().to_string(),
                None => file.to_string(),
            };
            return html(
                200,
                pages::document(p, &doc, &path, &title_marks, &body_marks, &similar),
            );
        }
        // The results page, or the front page when nothing is asked.
        if !p.is_search() {
            return match stats::collect(&self.ix, 12) {
                Ok(s) => html(200, pages::landing(p, &s)),
                Err(e) => internal(false, p, &e),
            };
        }
        match p.request(true) {
            Err(e) => bad_params(false, p, &e),
            Ok(req) => match self.search(&searcher, &req) {
                Ok(r) => html(200, pages::results(p, &r)),
                Err(e) => search_error(false, p, &e),
            },
        }
    }
}

impl App {
    /// A search as `newsidx search` answers it: with the did-you-mean
    /// suggestion when it found too little.
    fn search(&self, searcher: &Searcher, req: &Request) -> anyhow::Result<Results> {
        let mut r = search::search_in(&self.ix, searcher, req)?;
        r.suggestion = suggest::suggest(&self.ix, searcher, req, r.total_hits)?;
        Ok(r)
    }

    /// The stories most like article `id` (`newsidx similar ID`), for its
    /// page; none when they cannot be found (the page still shows the
    /// article).
    fn similar(&self, searcher: &Searcher, id: &str) -> Vec<Hit> {
        let req = Request {
            query: "*".into(),
            like: Some(id.to_string()),
            limit: SIMILAR,
            ..Request::default()
        };
        match search::search_in(&self.ix, searcher, &req) {
            Ok(r) => r.hits,
            Err(e) => {
                eprintln!(
                    "newsidx: serve: no similar stories for {}: {}",
                    crate::render::sanitize(id, false),
                    crate::render::sanitize(&format!("{e:#}"), false)
                );
                Vec::new()
            }
        }
    }
}

/// Similar stories listed on an article's page.
const SIMILAR: usize = 5;

fn op(p: &Params) -> DefaultOperator {
    if p.or {
        DefaultOperator::Or
    } else {
        DefaultOperator::And
    }
}

/// Bound to loopback, answer only requests addressed to a loopback name, so
/// a web page elsewhere cannot reach the archive through DNS rebinding.
pub fn host_allowed(host: Option<&str>) -> bool {
    let Some(host) = host else { return false };
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        host.rsplit_once(':').map_or(host, |(h, _)| h)
    };
    let name = name.to_ascii_lowercase();
    name == "localhost"
        || name.ends_with(".localhost")
        || name == "::1"
        || name
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|a| a.is_loopback())
}

/// Headers every response carries: no script but ours, no framing, no
/// sniffing, no referrer leaving with an article's address.
fn secure(resp: Response) -> Response {
    let resp = resp
        .with(
            "Content-Security-Policy",
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
             connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
        )
        .with("X-Content-Type-Options", "nosniff")
        .with("Referrer-Policy", "no-referrer")
        .with("X-Frame-Options", "DENY");
    if resp.header("Cache-Control").is_some() {
        resp
    } else {
        // Pages and API answers change with every commit.
        resp.with("Cache-Control", "no-cache")
    }
}

fn html(status: u16, m: maud::Markup) -> Response {
    Response::new(status, "text/html; charset=utf-8", m.into_string())
}

/// The hits as `search --format csv` writes them, as a download.
fn csv_response(r: &Results) -> Response {
    let mut body = Vec::new();
    let written = CsvHits::new(&mut body, false).and_then(|mut rows| {
        for h in &r.hits {
            rows.row(&r.query, h)?;
        }
        rows.finish()
    });
    match written {
        Ok(()) => Response::new(200, "text/csv; charset=utf-8", body).with(
            "Content-Disposition",
            "attachment; filename=\"newsidx.csv\"",
        ),
        Err(e) => Response::text(500, format!("newsidx: cannot write CSV: {e}\n")),
    }
}

/// JSON written as the CLI writes it (the same renderer), byte for byte.
fn json_response(status: u16, v: &impl serde::Serialize) -> Response {
    let mut body = Vec::new();
    match crate::render::write_json(&mut body, v) {
        Ok(()) => Response::new(status, "application/json", body),
        Err(e) => Response::text(500, format!("newsidx: cannot write JSON: {e}\n")),
    }
}

fn api_error(status: u16, message: &str, column: Option<usize>) -> Response {
    let mut e = json!({"status": status, "message": message});
    if let Some(c) = column {
        e["column"] = json!(c);
    }
    json_response(status, &json!({"version": ERROR_VERSION, "error": e}))
}

fn bad_params(api: bool, p: &Params, e: &ParamError) -> Response {
    if api {
        api_error(400, &e.0, None)
    } else {
        html(400, pages::message(p, "This search cannot be run", &e.0))
    }
}

/// A failed search: a query error (with its column) is the user's to fix;
/// anything else is ours.
fn search_error(api: bool, p: &Params, e: &anyhow::Error) -> Response {
    if let Some(q) = e.downcast_ref::<QueryError>() {
        return if api {
            let msg = match &q.hint {
                Some(h) => format!("{}; {h}", q.message),
                None => q.message.clone(),
            };
            api_error(400, &msg, Some(q.column))
        } else {
            html(
                400,
                pages::query_error(p, &q.message, Some(q.column), q.hint.as_deref()),
            )
        };
    }
    // Errors from building the query (a fuzzy term of two words, …) are
    // about the query too: the user can fix them.
    let msg = format!("{e:#}");
    if api {
        api_error(400, &msg, None)
    } else {
        html(400, pages::query_error(p, &msg, None, None))
    }
}

fn internal(api: bool, p: &Params, e: &anyhow::Error) -> Response {
    let msg = format!("{e:#}");
    eprintln!("newsidx: serve: {}", crate::render::sanitize(&msg, false));
    if api {
        api_error(500, &msg, None)
    } else {
        html(500, pages::message(p, "The index could not be read", &msg))
    }
}

fn unavailable(api: bool, p: &Params, msg: &str) -> Response {
    let r = if api {
        api_error(503, msg, None)
    } else {
        html(503, pages::message(p, "No answer in time", msg))
    };
    r.with("Retry-After", "1")
}

fn human_duration(d: Duration) -> String {
    if d.as_millis() < 1000 {
        format!("{} ms", d.as_millis())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

/// What a search thread runs.
type Job = Box<dyn FnOnce() + Send>;

/// `workers` threads running the jobs sent to them; a job that panics ends,
/// not its thread.
fn pool(workers: usize) -> Result<Sender<Job>> {
    let (tx, rx) = bounded::<Job>(workers * 16);
    for i in 0..workers {
        let rx = rx.clone();
        std::thread::Builder::new()
            .name(format!("newsidx-search-{i}"))
            .spawn(move || {
                for job in rx {
                    let _ = std::panic::catch_unwind(AssertUnwindSafe(job));
                }
            })
            .context("cannot start a search thread")?;
    }
    Ok(tx)
}

/// Serve `ix` on `listener` until the process ends.
pub fn run(ix: NewsIndex, listener: TcpListener, config: Config) -> Result<()> {
    let loopback = listener.local_addr()?.ip().is_loopback();
    let app = App::new(ix, loopback, &config)?;
    let handler = Arc::new(move |req: &http::Request| app.handle(req));
    http::serve(listener, config.limits, handler).context("the server stopped")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_that_panics_leaves_its_thread_to_the_next() {
        let tx = pool(1).expect("a thread");
        let (done_tx, done_rx) = bounded(2);
        let first = done_tx.clone();
        tx.send(Box::new(move || {
            let _ = first.send(1);
            panic!("a bug in one request");
        }))
        .expect("queued");
        tx.send(Box::new(move || {
            let _ = done_tx.send(2);
        }))
        .expect("queued");
        let got: Vec<i32> = (0..2)
            .map(|_| done_rx.recv_timeout(Duration::from_secs(5)).expect("ran"))
            .collect();
        assert_eq!(got, [1, 2]);
    }

    #[test]
    fn only_loopback_hosts_pass() {
        for ok in [
            "localhost:7700",
            "127.0.0.1:7700",
            "127.0.0.1",
            "[::1]:7700",
            "LOCALHOST",
            "app.localhost:1",
        ] {
            assert!(host_allowed(Some(ok)), "{ok}");
        }
        for bad in [
            "evil.example:7700",
            "192.168.1.2:7700",
            "localhost.evil.com",
            "",
            "[::2]:1",
        ] {
            assert!(!host_allowed(Some(bad)), "{bad}");
        }
        assert!(!host_allowed(None));
    }
}
