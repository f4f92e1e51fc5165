//! The `newsidx` binary: parse the command line, run, exit. Nothing else.

#[global_allocator]
static GLOBAL: newsidx::alloc::Hybrid = newsidx::alloc::Hybrid;

fn main() -> std::process::ExitCode {
    // The long runs allocate through mimalloc; a search keeps glibc's
    // cheaper start (src/alloc.rs). Decided before anything else runs.
    let command = std::env::args_os()
        .skip(1)
        .find(|a| !a.to_string_lossy().starts_with('-'));
    if command.is_some_and(|c| c == "index" || c == "serve" || c == "push") {
        newsidx::alloc::use_mimalloc();
    }
    newsidx::cmd::main()
}
