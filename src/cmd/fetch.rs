//! `branchpress fetch`: refresh the federation cache, the table on stdout,
//! progress on stderr, and an exit status a scheduled job can alert on.

use std::path::Path;
use std::process::ExitCode;

use crate::build::{self, BuildOptions};
use crate::config::Config;
use crate::error::Result;
use crate::federation::{FetchReport, ProgressEvent};

/// `fetch --help`: what a scheduled job can rely on (also in the README).
pub(super) const FETCH_EXIT_STATUS: &str = "\
Exit status:
  0  every source answered (with new entries, \"not modified\", or asked to wait by its server)
  1  nothing could be done: config.toml is wrong, or the cache folder cannot be written
  2  some sources failed; the table says which, and their last good copy is kept for the build";

/// A source failing this long gets its own warning line, not only a table cell.
const LONG_QUIET_DAYS: u64 = 3;

/// `branchpress fetch` exit status when some sources failed (1 is for "nothing could be done").
const SOME_SOURCES_FAILED: u8 = 2;

/// `branchpress fetch`: the table on stdout, and an exit status a scheduled job can alert on.
pub(super) fn run(site_dir: &Path, stale: bool) -> ExitCode {
    let report = build::load_config(site_dir, &BuildOptions::default()).and_then(|config| {
        build::check_cache_writable(&config)?;
        fetch_sources(&config, stale)
    });
    match report {
        Ok(report) => {
            println!("{report}");
            for quiet in report.sources.iter().filter(|s| s.quiet_for_days(LONG_QUIET_DAYS)) {
                eprintln!(
                    "warning: {}: no answer for {}; ask them whether their address changed \
                     (`branchpress unfollow` stops following it)",
                    quiet.label,
                    quiet.quiet_for().unwrap_or_default()
                );
            }
            if report.all_answered() {
                return ExitCode::SUCCESS;
            }
            eprintln!(
                "warning: not every source could be fetched (see the table); the build keeps their last good entries"
            );
            ExitCode::from(SOME_SOURCES_FAILED)
        }
        Err(e) => super::fail(&e),
    }
}

/// `branchpress fetch` and `build --fetch`: refreshes the federation cache
/// (only sources older than `refresh` when `stale_only`), printing progress
/// on stderr: a bar on a terminal, a line per source otherwise.
pub(super) fn fetch_sources(config: &Config, stale_only: bool) -> Result<FetchReport> {
    let on_terminal = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let progress = |event: ProgressEvent<'_>| {
        if on_terminal {
            eprint!("{}", progress_bar(&event));
        } else {
            eprintln!("{event}");
        }
    };
    build::fetch_sources(config, stale_only, &progress)
}

/// One frame of the fetch progress bar, for a terminal: it redraws its
/// own line, and ends the line when the last source is done.
fn progress_bar(event: &ProgressEvent<'_>) -> String {
    const WIDTH: usize = 30;
    let (done, total) = match event {
        ProgressEvent::Begin { total } => (0, *total),
        ProgressEvent::Finished { done, total, .. } => (*done, *total),
    };
    let filled = (done * WIDTH).checked_div(total).unwrap_or(WIDTH);
    let end = if done == total { "\n" } else { "" };
    format!("\r[{}{}] {done}/{total} sources{end}", "#".repeat(filled), " ".repeat(WIDTH - filled))
}
