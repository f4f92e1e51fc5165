//! The `newsidx` binary: parse the command line, run, exit. Nothing else.

fn main() -> std::process::ExitCode {
    newsidx::cmd::main()
}
