//! The `branchpress` command.

use clap::Parser;

fn main() -> std::process::ExitCode {
    branchpress::cli::run(branchpress::cli::Cli::parse())
}
