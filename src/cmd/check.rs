//! `branchpress check`: every finding on stderr, a count on stdout.

use std::path::Path;
use std::process::ExitCode;

use crate::report;

/// Runs the check; fails when any finding is an error.
pub(super) fn run(site_dir: &Path, external: bool) -> ExitCode {
    match crate::check::check(site_dir, external) {
        Ok(report) => {
            for (level, d) in &report.findings {
                eprint!("{}", report::format_diagnostic(*level, d));
            }
            println!("checked {} links: {} broken", report.links_checked, report.broken);
            if report.has_errors() { ExitCode::FAILURE } else { ExitCode::SUCCESS }
        }
        Err(e) => super::fail(&e),
    }
}
