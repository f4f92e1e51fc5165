//! Helpers shared by the integration tests.

#![allow(dead_code)]

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// A check this machine cannot make (a program or a system feature it needs
/// is missing): said loudly, and skipped, or a failure under
/// `NEWSIDX_REQUIRE_ALL=1` (which `.ci/run` sets), so CI never passes a
/// check it did not make.
pub fn skip(why: &str) {
    if std::env::var_os("NEWSIDX_REQUIRE_ALL").is_some_and(|v| v == "1") {
        panic!("NEWSIDX_REQUIRE_ALL=1, but {why}");
    }
    eprintln!("\n*** SKIPPED: {why} ***\n");
}

/// The repository's sample corpus.
pub fn sample_corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-corpus")
}

/// Copy the folder `from`, subfolders and all, into `to`.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("list a folder to copy") {
        let e = e.expect("entry");
        let target = to.join(e.file_name());
        if e.file_type().expect("type").is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).expect("copy");
        }
    }
}

/// A `newsidx` command that does not depend on the caller's environment.
pub fn newsidx() -> Command {
    let mut c = Command::cargo_bin("newsidx").expect("the newsidx binary is built");
    c.env_remove("NEWSIDX_INDEX")
        .env_remove("NEWSIDX_REMOTE")
        .env_remove("NEWSIDX_REMOTE_AUTH")
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE");
    c
}

/// `newsidx index CORPUS --index INDEX`, which must succeed.
pub fn index_folder(corpus: &Path, index: &Path) {
    newsidx()
        .args(["index", "--no-progress"])
        .arg(corpus)
        .arg("--index")
        .arg(index)
        .assert()
        .success();
}

/// A temporary index of the sample corpus, built once per test that asks.
pub struct Indexed {
    pub dir: tempfile::TempDir,
}

impl Indexed {
    pub fn sample() -> Indexed {
        let dir = tempfile::tempdir().expect("temp dir");
        index_folder(&sample_corpus(), dir.path());
        Indexed { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `newsidx ARGS… --index DIR`.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut c = newsidx();
        c.args(args).arg("--index").arg(self.path());
        c
    }

    /// Run a JSON search and return the parsed output.
    pub fn search_json(&self, query: &str, extra: &[&str]) -> serde_json::Value {
        let out = self
            .cmd(&["search", query, "--format", "json"])
            .args(extra)
            .output()
            .expect("newsidx runs");
        assert!(
            out.status.code() == Some(0) || out.status.code() == Some(1),
            "search {query:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("search prints JSON")
    }
}

/// Ids of the hits of a JSON search result, in rank order.
pub fn ids(v: &serde_json::Value) -> Vec<String> {
    v["hits"]
        .as_array()
        .map(|hits| {
            hits.iter()
                .filter_map(|h| h["id"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// The JSON Schema `schema/NAME.schema.json`.
pub fn output_schema(name: &str) -> serde_json::Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("schema")
        .join(format!("{name}.schema.json"));
    serde_json::from_str(&std::fs::read_to_string(path).expect("schema exists")).expect("JSON")
}

/// `schema` with its top level replaced by a reference to `$defs/def`.
pub fn def_of(mut schema: serde_json::Value, def: &str) -> serde_json::Value {
    for key in ["type", "required", "additionalProperties"] {
        schema.as_object_mut().map(|o| o.remove(key));
    }
    schema["$ref"] = serde_json::Value::from(format!("#/$defs/{def}"));
    schema
}

/// Fails the test with every error when `v` does not match `schema`.
pub fn assert_valid(schema: &serde_json::Value, v: &serde_json::Value) {
    let validator = jsonschema::validator_for(schema).expect("the schema compiles");
    let errors: Vec<String> = validator.iter_errors(v).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}\n{v:#}");
}

/// What `newsidx ARGS` prints on `ix`, which must succeed.
pub fn stdout(ix: &Indexed, args: &[&str]) -> String {
    let out = ix.cmd(args).output().expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}
