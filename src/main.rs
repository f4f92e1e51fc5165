//! The `newsidx` binary: parse the command line, run, exit. Nothing else.

#[global_allocator]
static GLOBAL: newsidx::alloc::Hybrid = newsidx::alloc::Hybrid;

fn main() -> std::process::ExitCode {
    newsidx::cmd::main()
}
