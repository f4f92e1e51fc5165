//! The `markup` fuzz target on stable Rust, without cargo-fuzz: mutated and
//! generated HTML and Markdown through the parsers under the per-file
//! budget, each input held to a time and a memory limit from outside the
//! budget (a thread left behind, a counting allocator), as libFuzzer's
//! `-timeout` and `-rss_limit_mb` would. An input over the time limit is
//! saved as `OUT/hang-N.bin` and the run goes on (up to 3); one over the
//! memory limit, or a panic, ends the run with the input in
//! `OUT/current.bin`.
//!
//! Not coverage-guided: inputs are seed files (the format fixtures) and
//! hostile pieces, mutated by flips, splices and — what finds superlinear
//! parsers — long repeats of a piece or of a dictionary token.
//!
//!   cargo build --release --manifest-path tests/fuzz/Cargo.toml --bin markup-stable
//!   tests/fuzz/target/release/markup-stable --secs 600 --out /tmp/fuzz-out \
//!       tests/fixtures/formats sample-corpus

use newsidx_fuzz::{MARKUP_BUDGET, Outcome, markup};
use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Heap bytes in use, their peak since the last reset, and the limit.
static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static LIMIT: AtomicUsize = AtomicUsize::new(usize::MAX);

struct Counting;

// SAFETY: every call goes to the system allocator unchanged; only counters
// are kept beside it.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        // SAFETY: the caller's layout, passed on.
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        // SAFETY: as above.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() {
            grew(new_size - layout.size());
        } else {
            CURRENT.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
        }
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

fn grew(by: usize) {
    let now = CURRENT.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(now, Ordering::Relaxed);
    if now > LIMIT.load(Ordering::Relaxed) {
        // No allocation from here on: a fixed message, then abort.
        let _ = std::io::stderr()
            .write_all(b"\nOUT OF MEMORY LIMIT: one input's parse went over --max-mb; it is in OUT/current.bin\n");
        std::process::abort();
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Inputs over the hard time limit after which the run stops (each leaves
/// a thread spinning).
const MAX_HANGS: usize = 3;

/// A thread that parses inputs, so that one the budget fails to stop can be
/// left behind (as the indexer's watchdog does).
struct Worker {
    tx: std::sync::mpsc::Sender<(u8, Vec<u8>)>,
    rx: std::sync::mpsc::Receiver<Outcome>,
}

impl Worker {
    fn start() -> Worker {
        let (tx, jobs) = std::sync::mpsc::channel::<(u8, Vec<u8>)>();
        let (done, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for (pick, data) in jobs {
                if done.send(markup(pick, &data)).is_err() {
                    return;
                }
            }
        });
        Worker { tx, rx }
    }

    /// The input's outcome, or `None` if it ran over `limit`. A panic in
    /// the check ends the run (the panic message is on stderr).
    fn run(&self, pick: u8, data: Vec<u8>, limit: Duration) -> Option<Outcome> {
        if self.tx.send((pick, data)).is_err() {
            std::process::exit(1);
        }
        match self.rx.recv_timeout(limit) {
            Ok(o) => Some(o),
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => None,
            Err(_) => {
                eprintln!("a check failed; the input is in OUT/current.bin");
                std::process::exit(1)
            }
        }
    }
}

/// xorshift64*: enough randomness for mutations, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Tokens that make HTML tree builders and Markdown parsers work.
const DICT: &[&str] = &[
    "<div>",
    "</div>",
    "<div/>",
    "<b>",
    "</b>",
    "<i>",
    "<a name=x>",
    "<a href=#>",
    "</a>",
    "<font>",
    "<nobr>",
    "<p>",
    "</p>",
    "<table>",
    "<tr>",
    "<td>",
    "</td>",
    "<th>",
    "<tbody>",
    "<caption>",
    "<colgroup>",
    "<select>",
    "<option>",
    "<optgroup>",
    "<li>",
    "<ul>",
    "<ol>",
    "<dl>",
    "<dt>",
    "<dd>",
    "<h1>",
    "<h2>",
    "<pre>",
    "<textarea>",
    "<template>",
    "</template>",
    "<svg>",
    "<math>",
    "<mi>",
    "<foreignObject>",
    "<script>",
    "</script>",
    "<style>",
    "<noscript>",
    "<iframe>",
    "<frameset>",
    "<plaintext>",
    "<form>",
    "<button>",
    "<applet>",
    "<marquee>",
    "<object>",
    "<img>",
    "<br>",
    "<hr>",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "<!DOCTYPE html>",
    "&amp;",
    "&#x10FFFF;",
    "&lt;",
    "<article>",
    "<main>",
    "<section>",
    "<span>",
    "</span>",
    "<meta property=og:title content=x>",
    "<title>",
    "</title>",
    " x=/",
    "\"",
    "'",
    "=",
    "[",
    "]",
    "(",
    ")",
    "![",
    "](",
    "> ",
    "* ",
    "- ",
    "+ ",
    "1. ",
    "```",
    "~~~",
    "    ",
    "\t",
    "|",
    "| --- |",
    "---\n",
    "*",
    "_",
    "**",
    "__",
    "`",
    "\\",
    "\n",
    "\n\n",
    "[a]: /b",
    "<http://x>",
    "# ",
    "## ",
    "=====",
    "title: ",
    "{",
    "}",
    "&",
    "#",
    ":",
    "- [",
];

/// Built-in hostile seeds, beside the files given on the command line.
fn builtin_seeds() -> Vec<Vec<u8>> {
    let page = |body: &str| {
        format!("<!DOCTYPE html><html><head><title>A</title></head><body>{body}</body></html>")
    };
    vec![
        page("<div><b id=1><b id=2><b id=3></div><div>word</div><div>word</div>").into_bytes(),
        page("<table><tr><td><a name=x>x<table><tr><td>y</td></tr></table>").into_bytes(),
        page("<p>Text <span>more</span> <b>bold</b> <a href=#>link</a></p>").into_bytes(),
        "---\ntitle: A\ndate: 2011-11-12\ntags: [a, b]\n---\n# Head\n\nText *em* **strong** [l](u)\n\n> q\n\n* a\n* b\n"
            .as_bytes()
            .to_vec(),
        "Title\n=====\n\n1. a\n   > b\n   > * c\n\n```\ncode\n```\n| a | b |\n| - | - |\n| 1 | 2 |\n"
            .as_bytes()
            .to_vec(),
    ]
}

fn read_seeds(dirs: &[PathBuf], seeds: &mut Vec<Vec<u8>>) {
    for dir in dirs {
        let mut stack = vec![dir.clone()];
        while let Some(d) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&d) else {
                continue;
            };
            for e in entries.flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| {
                    ["html", "htm", "md", "markdown"].contains(&&*x.to_string_lossy())
                }) && let Ok(b) = std::fs::read(&p)
                {
                    seeds.push(b);
                }
            }
        }
    }
}

const MAX_LEN: usize = 400_000;

/// One input: a seed under 1 to 8 mutations, and which parser reads it.
fn mutate(rng: &mut Rng, seeds: &[Vec<u8>]) -> (u8, Vec<u8>) {
    let mut data = seeds[rng.below(seeds.len())].clone();
    for _ in 0..1 + rng.below(8) {
        let at = rng.below(data.len() + 1);
        match rng.below(7) {
            0 if !data.is_empty() => {
                let i = rng.below(data.len());
                data[i] ^= 1 << rng.below(8);
            }
            1 => {
                let t = DICT[rng.below(DICT.len())].as_bytes();
                data.splice(at..at, t.iter().copied());
            }
            2 => {
                // A token repeated: unclosed tags, nesting, runs of markers.
                let t = DICT[rng.below(DICT.len())].as_bytes();
                let most = match rng.below(3) {
                    0 => 10,
                    1 => 1_000,
                    _ => 50_000,
                };
                let n = 1 + rng.below(most);
                data.splice(at..at, t.repeat(n));
            }
            3 if !data.is_empty() => {
                // A piece of the input repeated.
                let from = rng.below(data.len());
                let len = 1 + rng.below((data.len() - from).min(64));
                let piece = data[from..from + len].to_vec();
                let n = 1 + rng.below(20_000);
                data.splice(at..at, piece.repeat(n));
            }
            4 => {
                let other = &seeds[rng.below(seeds.len())];
                let from = rng.below(other.len() + 1);
                let to = from + rng.below(other.len() - from + 1);
                data.splice(at..at, other[from..to].iter().copied());
            }
            5 if !data.is_empty() => {
                let to = at + rng.below(data.len() - at.min(data.len()) + 1);
                data.drain(at.min(data.len())..to.min(data.len()));
            }
            _ => {
                let t = DICT[rng.below(DICT.len())].as_bytes();
                let (a, b) = (DICT[rng.below(DICT.len())].as_bytes(), t);
                let n = 1 + rng.below(5_000);
                let pair = [a, b].concat();
                data.splice(at..at, pair.repeat(n));
            }
        }
        data.truncate(MAX_LEN);
    }
    let pick = match data.first() {
        Some(b'<') => (rng.below(4) != 0) as u8 * 2,
        Some(b'-' | b'#') => 1,
        _ => rng.below(2) as u8,
    };
    (pick, data)
}

struct Args {
    secs: u64,
    seed: u64,
    out: PathBuf,
    max_mb: usize,
    dirs: Vec<PathBuf>,
}

fn args() -> Args {
    let mut a = Args {
        secs: 60,
        seed: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64 | 1),
        out: std::env::temp_dir().join("newsidx-fuzz-markup"),
        max_mb: 1024,
        dirs: Vec::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| usage(&arg));
        match arg.as_str() {
            "--secs" => a.secs = value().parse().unwrap_or_else(|_| usage("--secs")),
            "--seed" => a.seed = value().parse().unwrap_or_else(|_| usage("--seed")),
            "--max-mb" => a.max_mb = value().parse().unwrap_or_else(|_| usage("--max-mb")),
            "--out" => a.out = value().into(),
            s if s.starts_with('-') => usage(s),
            dir => a.dirs.push(dir.into()),
        }
    }
    a
}

fn usage(what: &str) -> ! {
    eprintln!(
        "markup-stable: bad argument {what}\nusage: markup-stable [--secs N] [--seed N] [--max-mb N] [--out DIR] [SEED_DIR…]"
    );
    std::process::exit(2)
}

fn save(dir: &Path, name: &str, pick: u8, data: &[u8]) {
    let mut bytes = vec![pick];
    bytes.extend_from_slice(data);
    if let Err(e) = std::fs::write(dir.join(name), bytes) {
        eprintln!(
            "markup-stable: cannot write {}: {e}",
            dir.join(name).display()
        );
    }
}

fn main() {
    let a = args();
    std::fs::create_dir_all(&a.out).unwrap_or_else(|e| {
        eprintln!("markup-stable: cannot make {}: {e}", a.out.display());
        std::process::exit(2)
    });
    let mut seeds = builtin_seeds();
    read_seeds(&a.dirs, &mut seeds);
    let mut rng = Rng(a.seed);
    let hard_limit = MARKUP_BUDGET * 3;
    let run_start = Instant::now();
    LIMIT.store(a.max_mb << 20, Ordering::SeqCst);
    println!(
        "markup-stable: seed {} · {} seed inputs · {} s · budget {MARKUP_BUDGET:?}, hard limits {hard_limit:?} and {} MiB per input",
        a.seed,
        seeds.len(),
        a.secs,
        a.max_mb
    );
    let mut outcomes: BTreeMap<Outcome, usize> = BTreeMap::new();
    let (mut n, mut bytes) = (0u64, 0usize);
    let mut slowest: Vec<(Duration, usize, u8, Vec<u8>)> = Vec::new();
    let mut max_mem = (0usize, 0usize);
    let mut hangs = 0;
    let mut worker = Worker::start();
    while run_start.elapsed() < Duration::from_secs(a.secs) {
        let (pick, data) = mutate(&mut rng, &seeds);
        save(&a.out, "current.bin", pick, &data);
        let base = CURRENT.load(Ordering::SeqCst);
        PEAK.store(base, Ordering::SeqCst);
        let t = Instant::now();
        let Some(outcome) = worker.run(pick, data.clone(), hard_limit) else {
            // Over the hard limit: the budget did not stop it. Keep the
            // input, leave the thread to it, go on with a new one.
            hangs += 1;
            let name = format!("hang-{hangs}.bin");
            save(&a.out, &name, pick, &data);
            println!(
                "HANG: a {} byte input ran over {hard_limit:?} (budget {MARKUP_BUDGET:?}); saved as {name}",
                data.len()
            );
            if hangs >= MAX_HANGS {
                println!("stopping after {MAX_HANGS} hangs");
                break;
            }
            worker = Worker::start();
            continue;
        };
        let took = t.elapsed();
        let mem = PEAK.load(Ordering::SeqCst).saturating_sub(base);
        if mem > max_mem.0 {
            max_mem = (mem, data.len());
        }
        *outcomes.entry(outcome).or_default() += 1;
        n += 1;
        bytes += data.len();
        if slowest.len() < 5 || took > slowest[slowest.len() - 1].0 {
            slowest.push((took, data.len(), pick, data));
            slowest.sort_by(|x, y| y.0.cmp(&x.0));
            slowest.truncate(5);
        }
    }
    let _ = std::fs::remove_file(a.out.join("current.bin"));
    println!(
        "{n} inputs ({:.1} MB) in {:.0?}; no panic, none over {} MiB; {hangs} over {hard_limit:?}",
        bytes as f64 / 1e6,
        run_start.elapsed(),
        a.max_mb
    );
    println!("outcomes: {outcomes:?}");
    println!(
        "largest heap peak of one input: {:.1} MiB (a {} byte input)",
        max_mem.0 as f64 / (1 << 20) as f64,
        max_mem.1
    );
    for (i, (took, len, pick, data)) in slowest.iter().enumerate() {
        let kind = if pick % 2 == 0 { "html" } else { "markdown" };
        println!(
            "slowest {}: {took:.2?}, {len} bytes as {kind} (saved as slow-{}.bin)",
            i + 1,
            i + 1
        );
        save(&a.out, &format!("slow-{}.bin", i + 1), *pick, data);
    }
}
