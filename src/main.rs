//! The `branchpress` command.

use clap::Parser;

/// Rendering allocates many short-lived strings on every thread; mimalloc
/// handles that pattern far better than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    branchpress::cmd::run(branchpress::cmd::Cli::parse())
}
