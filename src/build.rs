//! Build script: the document model as Rust, and how the binary is linked.
//!
//! **The model.** A search needs `schema/news.toml` at every start, and
//! reading it with the TOML parser at run time is a fifth of a search's
//! instructions (see `model.rs`). So the file is read here, into the
//! model's own types (`src/model/def.rs`), and written out as the Rust
//! expression that `Model::get` evaluates: a model that does not parse fails
//! the build, not a search.
//!
//! **Linking.** On Linux with the GNU toolchain the `newsidx` binary is a
//! position-dependent executable. A search is a short process, so start-up
//! counts. As a position-independent executable (the default), the loader
//! must first patch 45,000 pointers in 1 MiB of tables (vtables, static
//! string tables of the HTML parser, stemmers, encodings): about 500 page
//! faults, a third of a search's system time. Linked at a fixed address
//! these pointers are final in the file and their pages are only read when
//! used. The cost is address-space randomisation of the binary's own code
//! (libraries and the heap are still randomised), which a local
//! command-line tool can spare.

#[path = "model/def.rs"]
mod def;

use std::fmt::Write as _;
use std::path::Path;

const MODEL: &str = "schema/news.toml";

fn main() {
    println!("cargo:rerun-if-changed=src/build.rs");
    println!("cargo:rerun-if-changed=src/model/def.rs");
    println!("cargo:rerun-if-changed={MODEL}");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
    let out = std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR for build scripts");
    let src = std::fs::read_to_string(MODEL).unwrap_or_else(|e| panic!("cannot read {MODEL}: {e}"));
    let model: def::Model =
        toml::from_str(&src).unwrap_or_else(|e| panic!("{MODEL} is not a valid model: {e}"));
    let rust = model_as_rust(&model);
    std::fs::write(Path::new(&out).join("model.rs"), rust)
        .unwrap_or_else(|e| panic!("cannot write the generated model: {e}"));
}

/// `model` as a Rust expression of type `Model` (with `Model`, `FieldDef`
/// and `FieldType` in scope). Every field of every struct is written out,
/// so a field added to `def.rs` but not here fails to compile.
fn model_as_rust(model: &def::Model) -> String {
    let def::Model {
        version,
        k1,
        proximity,
        expansion,
        fields,
    } = model;
    let def::Expansion {
        weight,
        docs,
        terms,
    } = expansion;
    let mut s = format!(
        "Model {{\n    version: {version},\n    k1: {},\n    proximity: {},\n    \
         expansion: Expansion {{ weight: {}, docs: {docs}, terms: {terms} }},\n    \
         fields: vec![\n",
        float(*k1, "k1"),
        float(*proximity, "proximity"),
        float(*weight, "expansion.weight"),
    );
    for f in fields {
        let def::FieldDef {
            name,
            kind,
            analyzer,
            indexed,
            stored,
            fast,
            multi,
            boost,
            b,
            description,
        } = f;
        let analyzer = match analyzer {
            Some(a) => format!("Some(String::from({a:?}))"),
            None => "None".into(),
        };
        let optional = |v: &Option<f32>, key: &str| match v {
            Some(v) => format!("Some({})", float(*v, &format!("field {name}: {key}"))),
            None => "None".into(),
        };
        // `{:?}` of a string is a Rust string literal (quotes and escapes).
        let _ = writeln!(
            s,
            "        FieldDef {{ name: String::from({name:?}), kind: FieldType::{kind:?}, \
             analyzer: {analyzer}, indexed: {indexed}, stored: {stored}, fast: {fast}, \
             multi: {multi}, boost: {}, b: {}, description: String::from({description:?}) }},",
            optional(boost, "boost"),
            optional(b, "b"),
        );
    }
    s.push_str("    ],\n}\n");
    s
}

/// `v` as an `f32` literal (`{:?}` writes the shortest form that reads back
/// as the same number).
fn float(v: f32, what: &str) -> String {
    if !v.is_finite() {
        panic!("{MODEL}: {what} = {v} is not a number");
    }
    format!("{v:?}_f32")
}
