//! Build script: link the `newsidx` binary as a position-dependent
//! executable on Linux with the GNU toolchain.
//!
//! A search is a short process, so start-up counts. As a position-
//! independent executable (the default), the loader must first patch 45,000
//! pointers in 1 MiB of tables (vtables, static string tables of the HTML
//! parser, stemmers, encodings): about 500 page faults, a third of a search's
//! system time. Linked at a fixed address these pointers are final in the
//! file and their pages are only read when used. The cost is address-space
//! randomisation of the binary's own code (libraries and the heap are still
//! randomised), which a local command-line tool can spare.

fn main() {
    println!("cargo:rerun-if-changed=src/build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
