//! `newsidx push`: the corpus through the same pipeline as `index`
//! (walk → read → decode → parse → extract → `NewsDoc`), sent to a remote
//! index in `_bulk` batches, incrementally.
//!
//! The state of what was pushed lives in the remote index itself: every
//! document carries its file's size, mtime and content hash, the number of
//! documents its file made (`file_docs`) and when it was sent (`pushed`). A
//! push reads that state back first, so it is exactly as fresh as what a
//! search sees, whoever pushed and whatever happened to the last push:
//! - a file whose size and mtime match, recorded by a push that began after
//!   the mtime (plus slack, as local `index` does with racy timestamps), and
//!   whose documents all agree and are all there, is not read;
//! - a file read again whose hash matches is not sent again;
//! - anything else is sent whole (`index` operations by `_id` = our id, so
//!   a resend replaces), and ids of its that it no longer makes are deleted;
//! - ids of files no longer in the corpus are deleted.
//!
//! A push killed at any point leaves documents that either describe their
//! file completely and correctly or disagree (a hash, a count), and the next
//! push resends exactly those: a rerun leaves the corpus on the cluster, no
//! duplicates (ids are unique), nothing missing.

use super::client::{Client, Method};
use super::mapping::{self, FILE_DOCS, Layout, PUSHED};
use super::{check_name, check_stamp, mappings_of};
use crate::corpus::walk::{self, Found, WalkOptions};
use crate::corpus::{Entry, Reason, Skip, read};
use crate::document::NewsDoc;
use crate::model::Model;
use crate::pipeline;
use anyhow::{Context, Result, anyhow, bail};
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Attempts at sending a document the cluster refused for a passing reason
/// (429, 5xx, a shard moving) before it is counted as failed.
const ITEM_ATTEMPTS: u32 = 6;

/// How far before the recording push a file's mtime must be for its size and
/// mtime to be trusted (as local `index`: whole-second and FAT timestamps).
const RACY_SLACK_NS: i64 = 2_000_000_000;

/// What to push and how.
#[derive(Clone, Debug)]
pub struct Settings {
    pub name: String,
    pub rebuild: bool,
    pub layout: Layout,
    pub pipeline: pipeline::Options,
    pub follow_links: bool,
    /// Bytes of `_bulk` body per request (the cluster refuses over 100 MB).
    pub batch_bytes: usize,
    /// `_bulk` requests sent at once.
    pub in_flight: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            name: super::DEFAULT_NAME.to_string(),
            rebuild: false,
            layout: Layout::default(),
            pipeline: pipeline::Options::default(),
            follow_links: false,
            batch_bytes: 8 << 20,
            in_flight: 2,
        }
    }
}

/// What a push did.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Summary {
    pub remote: String,
    pub name: String,
    pub created: bool,
    /// Documents sent (added or replaced).
    pub sent: u64,
    pub bytes_sent: u64,
    /// Files whose documents were sent.
    pub files_sent: u64,
    pub unchanged_files: u64,
    pub deleted: u64,
    /// Documents the cluster refused for good (per-document errors).
    pub failed: u64,
    pub skipped: u64,
    pub skipped_by_reason: BTreeMap<String, u64>,
    /// Documents in the remote index at the end.
    pub remote_documents: u64,
    pub elapsed_ms: u64,
    pub bulk_requests: u64,
}

/// A file as the remote index knows it.
#[derive(Debug, Default)]
struct RemoteFile {
    size: u64,
    mtime: i64,
    hash: u64,
    /// The earliest `pushed` among its documents.
    pushed: i64,
    /// `file_docs` as recorded (all documents must agree).
    file_docs: u64,
    ids: Vec<String>,
    consistent: bool,
}

impl RemoteFile {
    fn complete(&self) -> bool {
        self.consistent && self.ids.len() as u64 == self.file_docs
    }
}

/// Push `corpus` (an absolute folder) to the cluster behind `client`.
pub fn push(client: &Client, corpus: &Path, s: &Settings) -> Result<Summary> {
    let start = Instant::now();
    let start_ns = now_ns();
    check_name(&s.name)?;
    let mut summary = Summary {
        remote: client.node().to_string(),
        name: s.name.clone(),
        ..Summary::default()
    };
    summary.created = prepare(client, corpus, s)?;
    let mut remote = if summary.created {
        HashMap::new()
    } else {
        read_state(client, &s.name)?
    };

    // Walk, settling what needs reading from the remote state alone.
    let (jobs, met) = plan(corpus, s, &remote, &mut summary);
    // Full batches go to `in_flight` threads that send them, so the
    // cluster indexes one batch while the next is sent or built.
    let (batch_tx, batch_rx) = crossbeam_channel::bounded::<Batch>(0);
    let stop = AtomicBool::new(false);
    let counts = std::thread::scope(|scope| -> Result<Counts> {
        let senders: Vec<_> = (0..s.in_flight.max(1))
            .map(|_| {
                let (rx, stop) = (batch_rx.clone(), &stop);
                scope.spawn(move || -> Result<Counts> {
                    let mut c = Counts::default();
                    for batch in rx {
                        if let Err(e) = send_batch(client, &s.name, batch, &mut c) {
                            stop.store(true, Ordering::Relaxed);
                            return Err(e);
                        }
                    }
                    Ok(c)
                })
            })
            .collect();
        drop(batch_rx);
        let mut bulk = Bulk::new(batch_tx, s.batch_bytes, &stop);
        let built = build(&mut bulk, s, jobs, met, &mut remote, &mut summary, start_ns)
            .and_then(|()| bulk.flush());
        drop(bulk);
        let mut counts = Counts::default();
        let mut failure = None;
        for h in senders {
            match h.join() {
                Ok(Ok(c)) => counts.add(&c),
                Ok(Err(e)) => {
                    failure.get_or_insert(e);
                }
                Err(_) => {
                    failure.get_or_insert(anyhow!("a thread sending documents failed"));
                }
            }
        }
        // A sender's error is the cause of the builder's.
        match (failure, built) {
            (Some(e), _) | (None, Err(e)) => Err(e),
            (None, Ok(())) => Ok(counts),
        }
    })?;
    finish(client, &s.name, &counts, &mut summary)?;
    summary.elapsed_ms = start.elapsed().as_millis() as u64;
    Ok(summary)
}

/// Queue the deletes of files gone and the documents of files new or
/// changed (read and parsed on worker threads) into `bulk`.
#[allow(clippy::too_many_arguments)]
fn build(
    bulk: &mut Bulk<'_>,
    s: &Settings,
    jobs: Vec<Entry>,
    met: HashSet<String>,
    remote: &mut HashMap<String, RemoteFile>,
    summary: &mut Summary,
    start_ns: i64,
) -> Result<()> {
    // Files gone from the corpus.
    let gone: Vec<String> = remote
        .keys()
        .filter(|f| !met.contains(*f))
        .cloned()
        .collect();
    for f in gone {
        if let Some(r) = remote.remove(&f) {
            for id in r.ids {
                bulk.delete(&id)?;
            }
        }
    }

    // Read and parse on worker threads; this thread makes the batches.
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .max(1);
    let (job_tx, job_rx) = crossbeam_channel::bounded::<Entry>(256);
    let (out_tx, out_rx) =
        crossbeam_channel::bounded::<(Entry, Result<pipeline::Processed, Reason>)>(256);
    // The remote index keeps no fingerprints (nothing folds there), so
    // none are computed: they would cost every document for nothing sent.
    let opts = &pipeline::Options {
        fingerprint: false,
        ..s.pipeline.clone()
    };
    std::thread::scope(|scope| -> Result<()> {
        scope.spawn(move || {
            for j in jobs {
                if job_tx.send(j).is_err() {
                    break;
                }
            }
        });
        for _ in 0..workers {
            let (rx, tx) = (job_rx.clone(), out_tx.clone());
            scope.spawn(move || {
                for entry in rx {
                    let r = read::read(&entry, opts.max_file_size)
                        .and_then(|bytes| pipeline::process_bytes(&entry, &bytes, opts));
                    if tx.send((entry, r)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(out_tx);
        drop(job_rx);
        for (entry, r) in out_rx {
            let old = remote.remove(&entry.rel);
            apply(bulk, summary, entry, r, old, start_ns)?;
        }
        Ok(())
    })?;
    Ok(())
}

/// The counts taken, the remote index refreshed so that searches see the
/// push, and its document count read back.
fn finish(client: &Client, name: &str, counts: &Counts, summary: &mut Summary) -> Result<()> {
    summary.sent = counts.sent;
    summary.deleted = counts.deleted;
    summary.failed = counts.failed;
    summary.bytes_sent = counts.bytes;
    summary.bulk_requests = counts.requests;

    let refresh = client.json(Method::Post, &format!("/{}/_refresh", name), None)?;
    if !refresh.ok() {
        bail!("cannot refresh the remote index: {}", refresh.reason());
    }
    let count = client.json(Method::Get, &format!("/{}/_count", name), None)?;
    summary.remote_documents = count.body["count"].as_u64().unwrap_or(0);
    Ok(())
}

/// Walk the corpus: the files to read and send (new or changed since
/// their push), and every path met (what is not met is gone).
fn plan(
    corpus: &Path,
    s: &Settings,
    remote: &HashMap<String, RemoteFile>,
    summary: &mut Summary,
) -> (Vec<Entry>, HashSet<String>) {
    let walk_opts = WalkOptions {
        follow_links: s.follow_links,
        exclude: Vec::new(),
    };
    let mut jobs: Vec<Entry> = Vec::new();
    let mut met: HashSet<String> = HashSet::new();
    for found in walk::walk(corpus, &walk_opts) {
        match found {
            Found::File(entry) => {
                met.insert(entry.rel.clone());
                match remote.get(&entry.rel) {
                    Some(r)
                        if r.complete()
                            && r.size == entry.size
                            && r.mtime == entry.mtime
                            && entry.mtime < r.pushed - RACY_SLACK_NS =>
                    {
                        summary.unchanged_files += 1
                    }
                    _ => jobs.push(entry),
                }
            }
            Found::Skipped(skip) => {
                // As `index`: a file that cannot be read just now keeps its
                // pushed version; anything else takes it out.
                if matches!(skip.reason, Reason::Unreadable { .. } | Reason::Changed) {
                    met.insert(skip.path.clone());
                }
                count_skip(summary, &skip);
            }
        }
    }
    (jobs, met)
}

/// What one file's read and parse give: its documents sent (replacing
/// the old version), or a skip that takes the old version out unless the
/// file could just not be read now.
fn apply(
    bulk: &mut Bulk,
    summary: &mut Summary,
    entry: Entry,
    r: Result<pipeline::Processed, Reason>,
    old: Option<RemoteFile>,
    start_ns: i64,
) -> Result<()> {
    match r {
        Err(reason) => {
            let keep = matches!(reason, Reason::Unreadable { .. } | Reason::Changed);
            if !keep && let Some(old) = old {
                for id in old.ids {
                    bulk.delete(&id)?;
                }
            }
            count_skip(
                summary,
                &Skip {
                    path: entry.rel.clone(),
                    reason,
                },
            );
        }
        Ok(p) => {
            for w in &p.warnings {
                count_skip(
                    summary,
                    &Skip {
                        path: format!("{}#{}", entry.rel, w.n),
                        reason: Reason::Malformed {
                            error: w.message.trim_end_matches("; skipped").to_string(),
                        },
                    },
                );
            }
            send_file(bulk, summary, p.docs, old, start_ns)?;
        }
    }
    Ok(())
}

/// Send one file's documents unless the remote index has them all already.
fn send_file(
    bulk: &mut Bulk,
    summary: &mut Summary,
    docs: Vec<NewsDoc>,
    old: Option<RemoteFile>,
    pushed_ns: i64,
) -> Result<()> {
    let ids: HashSet<&str> = docs.iter().map(|d| d.id.as_str()).collect();
    if let (Some(o), Some(first)) = (&old, docs.first())
        && o.complete()
        && o.hash == first.hash
        && o.ids.len() == docs.len()
        && o.ids.iter().all(|i| ids.contains(i.as_str()))
    {
        // Same bytes (a touch, a copy): nothing to send. The recorded mtime
        // stays, so the file is read again next time; refreshing it would
        // cost a resend of every document.
        summary.unchanged_files += 1;
        return Ok(());
    }
    if let Some(o) = old {
        for id in o.ids.iter().filter(|i| !ids.contains(i.as_str())) {
            bulk.delete(id)?;
        }
    }
    if docs.is_empty() {
        return Ok(());
    }
    summary.files_sent += 1;
    for d in &docs {
        let src = mapping::source(d, pushed_ns, docs.len());
        bulk.index(&d.id, &d.file, &src)?;
    }
    Ok(())
}

fn count_skip(summary: &mut Summary, skip: &Skip) {
    summary.skipped += 1;
    *summary
        .skipped_by_reason
        .entry(skip.reason.key().to_string())
        .or_default() += 1;
    if skip.reason.is_problem() {
        eprintln!(
            "newsidx: {}: {}",
            crate::render::sanitize(&skip.path, true),
            skip.reason
        );
    }
}

/// Create the index if absent (or replace it on `--rebuild`), check the
/// mapping of one that exists, and record the corpus folder. True if created.
fn prepare(client: &Client, corpus: &Path, s: &Settings) -> Result<bool> {
    let name = &s.name;
    let reply = client.json(Method::Get, &format!("/{name}/_mapping"), None)?;
    let exists = reply.status != 404;
    if exists && !s.rebuild {
        let mappings = mappings_of(&reply, name)?;
        check_stamp(&mappings, name, "newsidx push CORPUS --to URL --rebuild")?;
    }
    let created = !exists || s.rebuild;
    if exists && s.rebuild {
        let del = client.json(Method::Delete, &format!("/{name}"), None)?;
        if !del.ok() && del.status != 404 {
            bail!("cannot delete the remote index '{name}': {}", del.reason());
        }
    }
    if created {
        let body = mapping::index_body(Model::get(), s.layout)?;
        let put = client.json(Method::Put, &format!("/{name}"), Some(&body))?;
        if !put.ok() {
            bail!("cannot create the remote index '{name}': {}", put.reason());
        }
        let Some(health) = wait_for(client, name, "yellow")? else {
            bail!("the remote index '{name}' was created but its shards did not start within 60 s");
        };
        // A node lost before a shard's replica has recovered takes the
        // shard's only copy with it, and the documents sent to it are
        // refused for good: where the cluster has the nodes for the
        // replicas, wait for them (a CI run on a loaded machine lost a third
        // of a push that way).
        let replicas = s.layout.replicas.unwrap_or(1);
        let data_nodes = health["number_of_data_nodes"].as_u64().unwrap_or(1);
        if replicas > 0
            && data_nodes > u64::from(replicas)
            && wait_for(client, name, "green")?.is_none()
        {
            eprintln!(
                "newsidx: warning: the replicas of the remote index '{}' did not start within 60 s; \
                 until they do, a node lost loses the documents sent to it",
                crate::render::sanitize(name, true)
            );
        }
    }
    let meta = json!({ "_meta": { "newsidx": {
        "mapping_version": mapping::MAPPING_VERSION,
        "model_version": Model::get().version,
        "corpus": corpus.display().to_string(),
    } } });
    let put = client.json(Method::Put, &format!("/{name}/_mapping"), Some(&meta))?;
    if !put.ok() {
        bail!(
            "cannot record the corpus in the remote index '{name}': {}",
            put.reason()
        );
    }
    Ok(created)
}

/// Wait up to 60 s for index `name` to reach `status` (`yellow`: its
/// primary shards started; `green`: its replicas too): the cluster's
/// health answer, or `None` when the wait ran out.
fn wait_for(client: &Client, name: &str, status: &str) -> Result<Option<Value>> {
    let health = client.json(
        Method::Get,
        &format!("/_cluster/health/{name}?wait_for_status={status}&timeout=60s"),
        None,
    )?;
    Ok((health.ok() && health.body["timed_out"] != json!(true)).then_some(health.body))
}

/// What the remote index holds, by file (after a refresh, so that documents
/// of an interrupted push are seen).
fn read_state(client: &Client, name: &str) -> Result<HashMap<String, RemoteFile>> {
    let r = client.json(Method::Post, &format!("/{name}/_refresh"), None)?;
    if !r.ok() {
        bail!("cannot refresh the remote index '{name}': {}", r.reason());
    }
    let mut files: HashMap<String, RemoteFile> = HashMap::new();
    let mut after: Option<Value> = None;
    loop {
        let mut body = json!({
            "size": 10_000,
            "_source": false,
            "track_total_hits": false,
            "query": { "match_all": {} },
            "docvalue_fields": ["id", "file", "size", "mtime", "hash", PUSHED, FILE_DOCS],
            "sort": [{ "id": "asc" }],
        });
        if let Some(a) = &after {
            body["search_after"] = a.clone();
        }
        let reply = client.json(Method::Post, &format!("/{name}/_search"), Some(&body))?;
        if !reply.ok() {
            bail!(
                "cannot read what the remote index '{name}' holds: {}",
                reply.reason()
            );
        }
        let empty = Vec::new();
        let hits = reply.body["hits"]["hits"].as_array().unwrap_or(&empty);
        if hits.is_empty() {
            break;
        }
        for h in hits {
            let f = &h["fields"];
            let text = |k: &str| f[k][0].as_str().map(str::to_string);
            let (Some(id), Some(file)) = (text("id"), text("file")) else {
                continue;
            };
            let size = number(&f["size"][0]).unwrap_or(0) as u64;
            let mtime = number(&f["mtime"][0]).unwrap_or(0) as i64;
            let hash = number(&f["hash"][0]).unwrap_or(0) as u64;
            let pushed = number(&f[PUSHED][0]).unwrap_or(0) as i64;
            let file_docs = number(&f[FILE_DOCS][0]).unwrap_or(0) as u64;
            let e = files.entry(file).or_insert_with(|| RemoteFile {
                size,
                mtime,
                hash,
                pushed,
                file_docs,
                ids: Vec::new(),
                consistent: true,
            });
            if e.size != size || e.mtime != mtime || e.hash != hash || e.file_docs != file_docs {
                e.consistent = false;
            }
            e.pushed = e.pushed.min(pushed);
            e.ids.push(id);
        }
        after = hits.last().map(|h| h["sort"].clone());
    }
    Ok(files)
}

/// A doc value as the cluster gives it: a number, or for an
/// `unsigned_long` past 2^63 a number JSON readers see as u64, or a string.
fn number(v: &Value) -> Option<i128> {
    v.as_i64()
        .map(i128::from)
        .or_else(|| v.as_u64().map(i128::from))
        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
}

/// `_bulk` bodies under a size limit, handed to the sending threads as they
/// fill.
struct Bulk<'a> {
    tx: crossbeam_channel::Sender<Batch>,
    limit: usize,
    body: Vec<u8>,
    ops: Vec<Op>,
    /// Set by a sending thread that failed: stop building.
    stop: &'a AtomicBool,
}

/// One `_bulk` request's body and its operations, in order.
struct Batch {
    body: Vec<u8>,
    ops: Vec<Op>,
}

struct Op {
    id: String,
    /// The action line, and for an index its source line.
    lines: Vec<u8>,
    /// `None` for a delete; for an index its file (for messages).
    file: Option<String>,
}

/// What the sending threads counted.
#[derive(Default)]
struct Counts {
    sent: u64,
    deleted: u64,
    failed: u64,
    bytes: u64,
    requests: u64,
}

impl Counts {
    fn add(&mut self, o: &Counts) {
        self.sent += o.sent;
        self.deleted += o.deleted;
        self.failed += o.failed;
        self.bytes += o.bytes;
        self.requests += o.requests;
    }
}

impl<'a> Bulk<'a> {
    fn new(tx: crossbeam_channel::Sender<Batch>, limit: usize, stop: &'a AtomicBool) -> Bulk<'a> {
        Bulk {
            tx,
            limit: limit.max(1),
            body: Vec::new(),
            ops: Vec::new(),
            stop,
        }
    }

    fn index(&mut self, id: &str, file: &str, src: &Value) -> Result<()> {
        let mut lines = json!({ "index": { "_id": id } }).to_string().into_bytes();
        lines.push(b'\n');
        serde_json::to_writer(&mut lines, src)?;
        lines.push(b'\n');
        self.add(Op {
            id: id.to_string(),
            lines,
            file: Some(file.to_string()),
        })
    }

    fn delete(&mut self, id: &str) -> Result<()> {
        let mut lines = json!({ "delete": { "_id": id } }).to_string().into_bytes();
        lines.push(b'\n');
        self.add(Op {
            id: id.to_string(),
            lines,
            file: None,
        })
    }

    fn add(&mut self, op: Op) -> Result<()> {
        if !self.body.is_empty() && self.body.len() + op.lines.len() > self.limit {
            self.flush()?;
        }
        self.body.extend_from_slice(&op.lines);
        self.ops.push(op);
        Ok(())
    }

    /// Hand the batch so far to a sending thread (waiting for one to be
    /// free).
    fn flush(&mut self) -> Result<()> {
        if self.stop.load(Ordering::Relaxed) {
            bail!("sending documents failed");
        }
        if self.ops.is_empty() {
            return Ok(());
        }
        let batch = Batch {
            body: std::mem::take(&mut self.body),
            ops: std::mem::take(&mut self.ops),
        };
        if self.tx.send(batch).is_err() {
            bail!("sending documents failed");
        }
        Ok(())
    }
}

/// Send one batch; documents refused for a passing reason (429, 5xx, a
/// shard moving) are sent again, with growing waits, and those refused for
/// good are reported and counted.
fn send_batch(client: &Client, name: &str, batch: Batch, c: &mut Counts) -> Result<()> {
    let Batch { mut body, mut ops } = batch;
    let mut wait = Duration::from_millis(200);
    for attempt in 1..=ITEM_ATTEMPTS {
        if ops.is_empty() {
            return Ok(());
        }
        c.requests += 1;
        c.bytes += body.len() as u64;
        let reply = client
            .send(
                Method::Post,
                &format!("/{name}/_bulk"),
                Some(&body),
                "application/x-ndjson",
            )
            .context("cannot send documents")?;
        if !reply.ok() {
            bail!(
                "the cluster refused a batch of documents: {}",
                reply.reason()
            );
        }
        let empty = Vec::new();
        let items = reply.body["items"].as_array().unwrap_or(&empty);
        if items.len() != ops.len() {
            bail!(
                "the cluster answered {} results for {} documents",
                items.len(),
                ops.len()
            );
        }
        let mut retry = Vec::new();
        for (op, item) in ops.into_iter().zip(items) {
            let r = item
                .as_object()
                .and_then(|o| o.values().next())
                .cloned()
                .unwrap_or(Value::Null);
            let status = r["status"].as_u64().unwrap_or(0);
            match (op.file.is_some(), status) {
                (true, 200..=299) => c.sent += 1,
                (false, 200..=299) => c.deleted += 1,
                // Already gone: what a delete wanted.
                (false, 404) => {}
                (_, 429) | (_, 500..) if attempt < ITEM_ATTEMPTS => retry.push(op),
                _ => {
                    c.failed += 1;
                    let why = r["error"]["reason"]
                        .as_str()
                        .unwrap_or("no reason given")
                        .to_string();
                    let what = if op.file.is_some() { "index" } else { "delete" };
                    eprintln!(
                        "newsidx: {}: the cluster refused to {what} it (HTTP {status}: {})",
                        crate::render::sanitize(&op.id, true),
                        crate::render::sanitize(&why, true)
                    );
                }
            }
        }
        if retry.is_empty() {
            return Ok(());
        }
        std::thread::sleep(wait);
        wait *= 2;
        body = retry.iter().flat_map(|o| o.lines.iter().copied()).collect();
        ops = retry;
    }
    Ok(())
}

/// Nanoseconds since the Unix epoch.
fn now_ns() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
