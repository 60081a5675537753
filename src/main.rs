//! The `branchpress` command.

fn main() {}
