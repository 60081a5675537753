//! `branchpress serve`: the preview runs until the process is stopped.

use std::process::ExitCode;

use crate::serve::ServeOptions;

/// Runs the preview; only a failure to start it ends the command.
pub(super) fn run(options: &ServeOptions) -> ExitCode {
    match crate::serve::run(options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => super::fail(&e),
    }
}
