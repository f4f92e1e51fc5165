//! Walk a corpus directory and decide which files may be articles; and the
//! ids of files: their paths relative to the corpus root, escaped so that
//! any file name (not UTF-8, with control characters) has a lossless,
//! printable id that leads back to the file ([`rel_path`], [`id_to_path`]).
//!
//! Hidden files and folders (a leading dot: `.DS_Store`, `.git`, the default
//! `.newsidx` index) and the index folder itself are never entered. README,
//! licence and similar files are reported as `not-article`. Named pipes,
//! sockets and devices are reported and never opened. Symbolic links are not
//! followed unless asked (a link can point anywhere on the machine); either
//! way each link has one outcome: indexed under its own path when followed,
//! or reported (not followed, broken, or a loop). Opens no file.

use super::{Entry, Reason, Skip};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;
use walkdir::WalkDir;

/// What the walker yields: a candidate article or a file skipped with a reason.
pub enum Found {
    File(Entry),
    Skipped(Skip),
}

pub struct WalkOptions {
    pub follow_links: bool,
    /// Folders never to enter, such as the index when it lives in the corpus.
    pub exclude: Vec<PathBuf>,
}

/// How deep the walk goes below the corpus root. Archives file articles by
/// section and date, a handful of levels; a folder at this depth is reported
/// (`too-complex`) and not entered, so that a chain of thousands of nested
/// folders cannot hold a run (each level costs more than the one above it:
/// every path is longer).
pub const MAX_FOLDER_DEPTH: usize = 64;

/// Walk `root` in a stable order (sorted by name).
pub fn walk(root: &Path, opts: &WalkOptions) -> impl Iterator<Item = Found> {
    steps(root, opts, true).map(Step::finish)
}

/// Walk `root`, looking up files' sizes and times on `stat_threads` threads,
/// and send what is found to `tx` in batches. On a corpus that has not
/// changed, these lookups are most of an index run's work; a flat folder of
/// 20,000 files gains from them running side by side like any other.
/// Batches arrive in no particular order, and folders are listed unsorted.
pub fn walk_batched(
    root: &Path,
    opts: &WalkOptions,
    stat_threads: usize,
    tx: &crossbeam_channel::Sender<Vec<Found>>,
) {
    const BATCH: usize = 256;
    std::thread::scope(|s| {
        // Created inside the scope so that it is dropped before the scope
        // waits for the stat threads: they end when it disconnects.
        let (step_tx, step_rx) = crossbeam_channel::bounded::<Vec<Step>>(16);
        for _ in 0..stat_threads.max(1) {
            let rx = step_rx.clone();
            s.spawn(move || {
                let mut dir = DirCache::default();
                for batch in rx {
                    let found: Vec<Found> =
                        batch.into_iter().map(|st| st.finish_in(&mut dir)).collect();
                    if tx.send(found).is_err() {
                        break;
                    }
                }
            });
        }
        drop(step_rx);
        let mut batch = Vec::with_capacity(BATCH);
        for step in steps(root, opts, false) {
            batch.push(step);
            if batch.len() == BATCH
                && step_tx
                    .send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)))
                    .is_err()
            {
                return;
            }
        }
        if !batch.is_empty() {
            let _ = step_tx.send(batch);
        }
    });
}

/// What the walk settled from the directory listing alone, or a regular
/// file whose size and time are still to be looked up.
enum Step {
    Done(Found),
    Stat {
        path: PathBuf,
        rel: String,
        follow: bool,
    },
}

impl Step {
    fn finish(self) -> Found {
        self.finish_in(&mut DirCache::default())
    }

    /// Look up the file's size and time; `dir` keeps the last folder open,
    /// so that a file is looked up by its name in it rather than by a full
    /// path that the system resolves again component by component.
    fn finish_in(self, dir: &mut DirCache) -> Found {
        let (path, rel, follow) = match self {
            Step::Done(f) => return f,
            Step::Stat { path, rel, follow } => (path, rel, follow),
        };
        let looked_up = if follow {
            stat_by_path(&path, true)
        } else {
            dir.size_and_mtime(&path)
        };
        match looked_up {
            Ok((size, mtime)) => Found::File(Entry {
                size,
                mtime,
                path,
                rel,
            }),
            Err(io) => Found::Skipped(Skip {
                path: rel,
                reason: super::read::io_reason(&io),
            }),
        }
    }
}

/// The folder a stat thread looked in last, open.
#[derive(Default)]
struct DirCache {
    #[cfg(target_os = "linux")]
    open: Option<(PathBuf, std::os::fd::OwnedFd)>,
}

impl DirCache {
    /// Size and mtime (ns) of `path`, not following a final link, as
    /// `symlink_metadata` gives them.
    #[cfg(target_os = "linux")]
    fn size_and_mtime(&mut self, path: &Path) -> std::io::Result<(u64, i64)> {
        use rustix::fs::{AtFlags, Mode, OFlags};
        let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else {
            return stat_by_path(path, false);
        };
        if self.open.as_ref().is_none_or(|(p, _)| p != parent) {
            let flags = OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC;
            self.open = rustix::fs::open(parent, flags, Mode::empty())
                .ok()
                .map(|fd| (parent.to_path_buf(), fd));
        }
        let Some((_, dir)) = &self.open else {
            return stat_by_path(path, false);
        };
        let st = rustix::fs::statat(dir, name, AtFlags::SYMLINK_NOFOLLOW)?;
        // As `mtime_nanos` has it: 0 before the epoch. (The fields' types
        // differ between targets, hence the conversions.)
        #[allow(clippy::useless_conversion, clippy::unnecessary_fallible_conversions)]
        let (secs, nanos, size) = (
            i64::try_from(st.st_mtime).unwrap_or(i64::MAX),
            i64::try_from(st.st_mtime_nsec).unwrap_or(0),
            u64::try_from(st.st_size).unwrap_or(0),
        );
        let mtime = secs.saturating_mul(1_000_000_000).saturating_add(nanos);
        Ok((size, mtime.max(0)))
    }

    #[cfg(not(target_os = "linux"))]
    fn size_and_mtime(&mut self, path: &Path) -> std::io::Result<(u64, i64)> {
        stat_by_path(path, false)
    }
}

/// Size and mtime (ns) of `path` looked up by its full path, following a
/// final link or not.
fn stat_by_path(path: &Path, follow: bool) -> std::io::Result<(u64, i64)> {
    let md = if follow {
        std::fs::metadata(path)
    } else {
        std::fs::symlink_metadata(path)
    }?;
    Ok((md.len(), mtime_nanos(&md)))
}

/// The walk's steps; `sorted` lists each folder by name (walkdir compares
/// names by re-parsing paths, a cost worth skipping when order is lost
/// anyway, as in [`walk_batched`]).
fn steps(root: &Path, opts: &WalkOptions, sorted: bool) -> impl Iterator<Item = Step> {
    let exclude: Vec<PathBuf> = opts
        .exclude
        .iter()
        .filter_map(|p| p.canonicalize().ok())
        .collect();
    let root_owned = root.to_path_buf();
    let follow = opts.follow_links;
    let mut w = WalkDir::new(root)
        .follow_links(follow)
        .max_depth(MAX_FOLDER_DEPTH);
    if sorted {
        w = w.sort_by_file_name();
    }
    w.into_iter()
        .filter_entry(move |e| {
            if e.depth() == 0 {
                return true;
            }
            if is_hidden(e.file_name()) {
                return false;
            }
            if e.file_type().is_dir()
                && !exclude.is_empty()
                && let Ok(c) = e.path().canonicalize()
            {
                return !exclude.contains(&c);
            }
            true
        })
        .filter_map(move |r| classify(&root_owned, r, follow))
}

fn classify(root: &Path, r: walkdir::Result<walkdir::DirEntry>, follow: bool) -> Option<Step> {
    let e = match r {
        Ok(e) => e,
        Err(err) => {
            let at = err.path().unwrap_or(root);
            let path = match rel_path(root, at) {
                // The corpus folder itself: name it in full.
                p if p.is_empty() => root.display().to_string(),
                p => p,
            };
            let reason = if err.loop_ancestor().is_some() {
                Reason::LinkLoop
            } else if is_symlink(at) {
                link_trouble(at)
            } else if let Some(io) = err.io_error() {
                super::read::io_reason(io)
            } else {
                Reason::Unreadable {
                    error: err.to_string(),
                }
            };
            return Some(Step::Done(Found::Skipped(Skip { path, reason })));
        }
    };
    let ft = e.file_type();
    if ft.is_dir() && e.depth() < MAX_FOLDER_DEPTH {
        return None;
    }
    let rel = rel_path(root, e.path());
    if ft.is_dir() {
        return Some(Step::Done(Found::Skipped(Skip {
            path: rel,
            reason: Reason::TooComplex {
                what: format!(
                    "a folder {MAX_FOLDER_DEPTH} levels below the corpus root; its contents are not indexed"
                ),
            },
        })));
    }
    let skip = |reason| {
        Some(Step::Done(Found::Skipped(Skip {
            path: rel.clone(),
            reason,
        })))
    };
    if ft.is_symlink() {
        // Only reached when links are not followed: walkdir resolves them
        // otherwise, and reports broken ones and loops as errors (above).
        let reason = match std::fs::metadata(e.path()) {
            Ok(_) => Reason::Symlink {
                target: link_target(e.path()),
            },
            Err(_) => link_trouble(e.path()),
        };
        return skip(reason);
    }
    if !ft.is_file() {
        return skip(Reason::Special {
            file_type: special_kind(&ft).to_string(),
        });
    }
    if is_not_article(e.file_name()) {
        return skip(Reason::NotArticle);
    }
    Some(Step::Stat {
        path: e.into_path(),
        rel,
        follow,
    })
}

fn is_symlink(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

/// Where the link at `path` points, as written in it, escaped like an id so
/// that a hostile target cannot put control characters on a terminal.
fn link_target(path: &Path) -> String {
    match std::fs::read_link(path) {
        Ok(t) => {
            let mut out = String::new();
            escape_into(t.as_os_str().as_encoded_bytes(), &mut out);
            out
        }
        Err(e) => format!("(unreadable: {e})"),
    }
}

/// Why the link at `path` cannot be followed: it leads back to itself (the
/// system gives up after too many hops), or its target is missing.
fn link_trouble(path: &Path) -> Reason {
    match std::fs::metadata(path) {
        #[cfg(unix)]
        Err(e) if e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error()) => {
            Reason::LinkLoop
        }
        _ => Reason::BrokenLink {
            target: link_target(path),
        },
    }
}

/// What a file that is neither a folder, a regular file nor a link is.
pub(super) fn special_kind(ft: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "named pipe (FIFO)";
        }
        if ft.is_socket() {
            return "socket";
        }
        if ft.is_block_device() {
            return "block device";
        }
        if ft.is_char_device() {
            return "character device";
        }
    }
    let _ = ft;
    "special file"
}

/// Nanoseconds since the epoch; 0 if the platform cannot say.
pub fn mtime_nanos(md: &std::fs::Metadata) -> i64 {
    md.modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.as_encoded_bytes().first() == Some(&b'.')
}

/// Files archives keep next to their articles.
fn is_not_article(name: &std::ffi::OsStr) -> bool {
    let name = name.to_string_lossy().to_ascii_lowercase();
    let stem = name.split('.').next().unwrap_or("");
    matches!(
        stem,
        "readme"
            | "license"
            | "licence"
            | "copying"
            | "changelog"
            | "manifest"
            | "thumbs"
            | "desktop"
    )
}

/// `path` relative to `root`, '/'-separated: the document id. A path that
/// is valid UTF-8 is its own id, but for three escapes, as `%XX`, that keep
/// every id printable, lossless and distinct from a record's id (`FILE#N`):
/// bytes that are not UTF-8 and control characters; a '%' followed by two
/// hex digits (else `%41` in a name would read back as `A`); and a '#'
/// followed by nothing but digits to the end (`x.json#1` is the id of
/// record 1 of `x.json`; a file of that name is `x.json%231`).
/// [`id_to_path`] reverses it.
pub fn rel_path(root: &Path, path: &Path) -> String {
    // The walker's paths are the root joined with names: the plain byte
    // prefix is the common case, and much cheaper than comparing components.
    let (pb, rb) = (
        path.as_os_str().as_encoded_bytes(),
        root.as_os_str().as_encoded_bytes(),
    );
    if let Some(rest) = pb.strip_prefix(rb)
        && let Some(rest) = rest.strip_prefix(b"/")
        && !rest.is_empty()
        && !rest.starts_with(b"/")
        && rest.is_ascii()
        && !rest
            .split(|&b| b == b'/')
            .any(|c| c.is_empty() || c == b"." || c == b"..")
    {
        let mut out = String::with_capacity(rest.len());
        escape_into(rest, &mut out);
        escape_record_like_end(&mut out);
        return out;
    }
    let rel = path.strip_prefix(root).unwrap_or(path);
    let mut out = String::new();
    for (i, comp) in rel.components().enumerate() {
        if i > 0 {
            out.push('/');
        }
        escape_into(comp.as_os_str().as_encoded_bytes(), &mut out);
    }
    escape_record_like_end(&mut out);
    out
}

/// `name#12` at the end of an id would read as record 12 of `name`.
fn escape_record_like_end(id: &mut String) {
    if let Some(i) = record_suffix_start(id) {
        id.replace_range(i..=i, "%23");
    }
}

/// Where `#N` (N all digits) starts at the end of `id`, if it does.
fn record_suffix_start(id: &str) -> Option<usize> {
    let i = id.rfind('#')?;
    let n = &id[i + 1..];
    (!n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())).then_some(i)
}

/// The id of the file at `path` (relative to the current folder, or
/// absolute) in the corpus at `root`, if it is a file inside it.
pub fn id_for_path(root: &Path, path: &Path) -> Option<String> {
    let root = root.canonicalize().ok()?;
    let path = path.canonicalize().ok()?;
    if !path.is_file() {
        return None;
    }
    let rel = path.strip_prefix(&root).ok()?;
    (!rel.as_os_str().is_empty()).then(|| rel_path(&root, &path))
}

/// The file part of a document id: `x.jsonl` for `x.jsonl#3` (record 3 of
/// it), the id itself for a file with one document.
pub fn id_file(id: &str) -> &str {
    match record_suffix_start(id) {
        Some(i) => &id[..i],
        None => id,
    }
}

fn escape_into(bytes: &[u8], out: &mut String) {
    for chunk in bytes.utf8_chunks() {
        let valid = chunk.valid();
        for (i, c) in valid.char_indices() {
            let percent_escape = c == '%' && {
                let next = valid.as_bytes().get(i + 1..i + 3);
                next.is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit))
            };
            if percent_escape || c.is_control() {
                for b in c.encode_utf8(&mut [0; 4]).bytes() {
                    out.push_str(&format!("%{b:02X}"));
                }
            } else {
                out.push(c);
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("%{b:02X}"));
        }
    }
}

/// The bytes of the relative path an id names: `%XX` back to the byte. A
/// '%' not followed by two hex digits is taken literally, so an id typed by
/// hand without escapes still works when it has no such sequence.
pub fn unescape_id(id: &str) -> Vec<u8> {
    let b = id.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(v) = b
                .get(i + 1..i + 3)
                // Two hex digits exactly: `from_str_radix` alone would
                // also take a sign, reading the file name `%+0` as NUL.
                .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

/// The file an id names, under the corpus `root`: the reverse of
/// [`rel_path`], byte for byte on Unix (file names need not be UTF-8 there).
pub fn id_to_path(root: &Path, id: &str) -> PathBuf {
    let bytes = unescape_id(id);
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        root.join(std::ffi::OsStr::from_bytes(&bytes))
    }
    #[cfg(not(unix))]
    {
        root.join(String::from_utf8_lossy(&bytes).as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(f: &Found) -> (String, Option<u64>) {
        match f {
            Found::File(e) => (e.rel.clone(), Some(e.size)),
            Found::Skipped(s) => (s.path.clone(), None),
        }
    }

    /// The batched walk finds what the plain walk finds, and ends (its stat
    /// threads must see the walk finish).
    #[test]
    fn batched_walk_matches_plain_walk() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        for i in 0..600 {
            let sub = dir.path().join(format!("s{}", i % 3));
            std::fs::create_dir_all(&sub)?;
            std::fs::write(sub.join(format!("{i}.txt")), "x".repeat(i))?;
        }
        std::fs::write(dir.path().join("README"), "about")?;
        let opts = WalkOptions {
            follow_links: false,
            exclude: Vec::new(),
        };
        let mut plain: Vec<_> = walk(dir.path(), &opts).map(|f| outcome(&f)).collect();
        let (tx, rx) = crossbeam_channel::unbounded();
        walk_batched(dir.path(), &opts, 2, &tx);
        drop(tx);
        let mut batched: Vec<_> = rx.into_iter().flatten().map(|f| outcome(&f)).collect();
        plain.sort();
        batched.sort();
        assert_eq!(plain.len(), 601);
        assert_eq!(batched, plain);
        Ok(())
    }

    /// Looking a file up by name in its open folder gives what
    /// `symlink_metadata` gives, whichever folder came before; a link is
    /// not followed; a file gone is an error, not a wrong answer.
    #[test]
    fn lookups_in_an_open_folder_match_the_metadata() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::create_dir_all(&a)?;
        std::fs::create_dir_all(&b)?;
        std::fs::write(a.join("1.txt"), "one")?;
        std::fs::write(b.join("2.txt"), "second")?;
        #[cfg(unix)]
        std::os::unix::fs::symlink("../a/1.txt", b.join("link.txt"))?;
        let mut cache = DirCache::default();
        let mut paths = vec![a.join("1.txt"), b.join("2.txt"), a.join("1.txt")];
        #[cfg(unix)]
        paths.push(b.join("link.txt"));
        for p in paths {
            let md = std::fs::symlink_metadata(&p)?;
            assert_eq!(
                cache.size_and_mtime(&p)?,
                (md.len(), mtime_nanos(&md)),
                "{}",
                p.display()
            );
        }
        let gone = cache.size_and_mtime(&a.join("gone.txt"));
        assert_eq!(
            gone.map_err(|e| e.kind()),
            Err(std::io::ErrorKind::NotFound)
        );
        Ok(())
    }

    /// Issue 16: a chain of nested folders held a run for minutes; the walk
    /// stops at the depth limit and says where.
    #[test]
    fn folders_nested_too_deep_are_reported_not_entered() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let mut deep = dir.path().to_path_buf();
        for _ in 0..200 {
            deep.push("d");
        }
        std::fs::create_dir_all(&deep)?;
        std::fs::write(deep.join("lost.txt"), "Deep story\n\nText.")?;
        std::fs::write(dir.path().join("d/top.txt"), "Top story\n\nText.")?;
        let opts = WalkOptions {
            follow_links: false,
            exclude: Vec::new(),
        };
        let found: Vec<_> = walk(dir.path(), &opts).collect();
        let files: Vec<_> = found
            .iter()
            .filter_map(|f| match f {
                Found::File(e) => Some(e.rel.as_str()),
                Found::Skipped(_) => None,
            })
            .collect();
        assert_eq!(files, vec!["d/top.txt"]);
        let skips: Vec<_> = found
            .iter()
            .filter_map(|f| match f {
                Found::Skipped(s) => Some(s),
                Found::File(_) => None,
            })
            .collect();
        assert_eq!(skips.len(), 1);
        assert_eq!(skips[0].reason.key(), "too-complex");
        assert_eq!(skips[0].path.split('/').count(), MAX_FOLDER_DEPTH);
        Ok(())
    }

    #[test]
    fn not_articles() {
        for n in ["README", "README.TXT", "readme.md", "LICENSE", "Thumbs.db"] {
            assert!(is_not_article(n.as_ref()), "{n}");
        }
        for n in ["001.txt", "readmission-rates.txt", "story.html"] {
            assert!(!is_not_article(n.as_ref()), "{n}");
        }
    }

    #[test]
    fn rel_path_escapes_percent() {
        let root = Path::new("/c");
        assert_eq!(rel_path(root, Path::new("/c/a/b.txt")), "a/b.txt");
        assert_eq!(rel_path(root, Path::new("/c/100%.txt")), "100%.txt");
        assert_eq!(
            rel_path(root, Path::new("/c/100% pure.txt")),
            "100% pure.txt"
        );
        assert_eq!(rel_path(root, Path::new("/c/50%AB.txt")), "50%25AB.txt");
        assert_eq!(rel_path(root, Path::new("/c/%2")), "%2");
    }

    /// Issue 16: `#` in a name is kept unless the id would read as a record.
    #[test]
    fn ids_of_files_never_look_like_records() {
        let root = Path::new("/c");
        assert_eq!(rel_path(root, Path::new("/c/a#b.txt")), "a#b.txt");
        assert_eq!(rel_path(root, Path::new("/c/x.json#1")), "x.json%231");
        assert_eq!(rel_path(root, Path::new("/c/n#12/y.txt")), "n#12/y.txt");
        assert_eq!(id_file("x.json#1"), "x.json");
        assert_eq!(id_file("x.json%231"), "x.json%231");
        assert_eq!(id_file("a#b.txt"), "a#b.txt");
        assert_eq!(id_file("a#"), "a#");
        assert_eq!(id_to_path(root, "x.json%231"), Path::new("/c/x.json#1"));
    }

    #[test]
    fn rel_path_escapes_control_characters() {
        let root = Path::new("/c");
        assert_eq!(rel_path(root, Path::new("/c/a\tb\n.txt")), "a%09b%0A.txt");
        assert_eq!(rel_path(root, Path::new("/c/x\u{7f}")), "x%7F");
        assert_eq!(rel_path(root, Path::new("/c/c1\u{85}")), "c1%C2%85");
    }

    #[test]
    fn unescape_id_table() {
        for (id, bytes) in [
            ("a/b.txt", &b"a/b.txt"[..]),
            ("100%25.txt", b"100%.txt"),
            ("caf%E9.txt", b"caf\xe9.txt"),
            ("caf%e9.txt", b"caf\xe9.txt"),
            ("a%09b", b"a\tb"),
            // Not an escape: kept as typed.
            ("100%.txt", b"100%.txt"),
            ("50%zz", b"50%zz"),
            ("end%4", b"end%4"),
            ("%", b"%"),
            // A sign is not a hex digit (proptest found `%+0` read as NUL).
            ("%+0.txt", b"%+0.txt"),
            ("%-1", b"%-1"),
        ] {
            assert_eq!(unescape_id(id), bytes, "{id}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn ids_lead_back_to_their_files() {
        use std::os::unix::ffi::OsStrExt;
        let root = Path::new("/corpus");
        for name in [
            &b"sport/199.txt"[..],
            b"caf\xe9/\xff\xfe.txt",
            b"100%/%25.txt",
            b"tab\there",
            b"x.json#1",
            b"%%41%",
        ] {
            let path = root.join(std::ffi::OsStr::from_bytes(name));
            let id = rel_path(root, &path);
            assert!(!id.chars().any(char::is_control), "{id:?}");
            assert_eq!(id_to_path(root, &id), path, "{id}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn rel_path_escapes_invalid_utf8() {
        use std::os::unix::ffi::OsStrExt;
        let p = Path::new("/c").join(std::ffi::OsStr::from_bytes(b"caf\xe9.txt"));
        assert_eq!(rel_path(Path::new("/c"), &p), "caf%E9.txt");
    }
}
