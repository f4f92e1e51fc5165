//! Throughput of the pure indexing stages, in bytes of article files per
//! second, so that a regression shows up in the stage that made it: decode
//! (bytes → text), parse (format detection, normalization, boilerplate),
//! extract (ministers, countries) and the whole of `process_bytes`, which adds
//! hashing and building the `NewsDoc`. No filesystem inside the timed loops
//! and no tantivy: the corpus is read into memory first.
//!
//! The corpus is `NEWSIDX_BENCH_CORPUS` (default: the repository's
//! `sample-corpus/`); `NEWSIDX_BENCH_MAX_MIB` caps how much of it is loaded
//! (default 8), so a big corpus still gives a short run.
//!
//!   cargo bench --bench pipeline
//!   NEWSIDX_BENCH_CORPUS=/path/to/reuters cargo bench --bench pipeline -- parse

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use newsidx::article::{self, Parsed};
use newsidx::corpus::walk::{self, Found, WalkOptions};
use newsidx::corpus::{Entry, decode, read};
use newsidx::{extract, pipeline};
use std::hint::black_box;
use std::path::PathBuf;

struct Loaded {
    files: Vec<(Entry, Vec<u8>)>,
    bytes: u64,
}

fn load() -> Loaded {
    let root = std::env::var_os("NEWSIDX_BENCH_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample-corpus"));
    let max_mib: u64 = std::env::var("NEWSIDX_BENCH_MAX_MIB")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(8);
    let opts = WalkOptions {
        follow_links: false,
        exclude: Vec::new(),
    };
    let mut files = Vec::new();
    let mut bytes = 0;
    for found in walk::walk(&root, &opts) {
        let Found::File(entry) = found else { continue };
        let Ok(data) = read::read(&entry, read::DEFAULT_MAX_FILE_SIZE) else {
            continue;
        };
        bytes += data.len() as u64;
        files.push((entry, data));
        if bytes >= max_mib * 1024 * 1024 {
            break;
        }
    }
    assert!(
        !files.is_empty(),
        "no article files under {}; set NEWSIDX_BENCH_CORPUS to a corpus folder",
        root.display()
    );
    eprintln!(
        "pipeline bench: {} files, {:.1} MiB from {}",
        files.len(),
        bytes as f64 / (1024.0 * 1024.0),
        root.display()
    );
    Loaded { files, bytes }
}

fn ext_of(e: &Entry) -> String {
    e.path
        .extension()
        .map(|x| x.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

fn stages(c: &mut Criterion) {
    let corpus = load();
    let texts: Vec<(String, String)> = corpus
        .files
        .iter()
        .filter_map(|(e, b)| decode::decode(b).ok().map(|d| (d.text, ext_of(e))))
        .collect();
    let parsed: Vec<Parsed> = texts
        .iter()
        .filter_map(|(t, ext)| article::parse(t, ext).ok())
        .flat_map(|out| out.articles)
        .collect();

    let mut g = c.benchmark_group("pipeline");
    // Every stage is measured against the same number: bytes of the files,
    // so the stage rates add up as 1/rate.
    g.throughput(Throughput::Bytes(corpus.bytes));
    g.sample_size(10);

    g.bench_function("decode", |b| {
        b.iter(|| {
            for (_, bytes) in &corpus.files {
                let _ = black_box(decode::decode(black_box(bytes)));
            }
        })
    });
    g.bench_function("parse", |b| {
        b.iter(|| {
            for (text, ext) in &texts {
                let _ = black_box(article::parse(black_box(text), ext));
            }
        })
    });
    g.bench_function("extract", |b| {
        b.iter(|| {
            for p in &parsed {
                black_box(extract::extract(
                    black_box(&p.article.title),
                    black_box(&p.article.body),
                ));
            }
        })
    });
    let opts = pipeline::Options::default();
    g.bench_function("process_bytes", |b| {
        b.iter(|| {
            for (entry, bytes) in &corpus.files {
                let _ = black_box(pipeline::process_bytes(entry, black_box(bytes), &opts));
            }
        })
    });
    g.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
