//! Any bytes, under any of the extensions the pipeline knows, through
//! decode → normalize → extract: documents or a reason, never a panic.

#![no_main]

use libfuzzer_sys::fuzz_target;
use newsidx::corpus::{Entry, Reason};
use newsidx::pipeline;
use std::path::PathBuf;

const EXTS: [&str; 8] = ["txt", "md", "html", "htm", "json", "jsonl", "xml", ""];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let ext = EXTS[usize::from(pick) % EXTS.len()];
    let entry = Entry {
        path: PathBuf::from(format!("corpus/story.{ext}")),
        rel: format!("story.{ext}"),
        size: bytes.len() as u64,
        mtime: 0,
    };
    match pipeline::process_bytes(&entry, bytes, &pipeline::Options::default()) {
        Ok(p) => {
            for d in p.docs {
                assert!(!d.title.chars().any(char::is_control), "{:?}", d.title);
                assert!(!d.body.contains('\0'));
            }
        }
        // The pipeline turns a panic into a skip; here it must be a failure.
        Err(Reason::Crashed { error }) => panic!("the pipeline crashed: {error}"),
        Err(reason) => assert!(!reason.to_string().is_empty()),
    }
});
