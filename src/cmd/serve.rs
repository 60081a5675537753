//! `branchpress serve`: the preview runs until the process is stopped;
//! this prints what it reports.

use std::process::ExitCode;

use crate::report::{self, Level};
use crate::serve::{ServeEvent, ServeOptions};

/// Runs the preview; only a failure to start it ends the command.
pub(super) fn run(options: &ServeOptions) -> ExitCode {
    match crate::serve::run(options, &print) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => super::fail(&e),
    }
}

/// One event, in the terminal: results on stdout, the rest on stderr.
fn print(event: ServeEvent<'_>) {
    match event {
        ServeEvent::ReachableFromOthers { bind, drafts } => eprintln!("{}", reachable_warning(bind, drafts)),
        ServeEvent::PortTaken { asked, used } => {
            eprintln!("Port {asked} is in use; using {used} instead (choose one with --port).")
        }
        ServeEvent::Built { update, first } => print_build(update, first),
        ServeEvent::Failed(err) => {
            eprint!("{}", report::format_error(err, "the preview keeps showing the last good version"))
        }
        ServeEvent::Serving { site_dir, url } => {
            println!("Serving {} at {url} (press Ctrl+C to stop)", site_dir.display())
        }
        ServeEvent::BrowserNotOpened(url) => eprintln!("Could not open a browser; open {url} yourself."),
    }
}

/// A finished build. Warnings every time, not only after the first build:
/// a warning is still true until its cause is fixed, and the last lines in
/// the terminal are the ones an editor reads.
fn print_build(update: &crate::serve::rebuild::Update, first: bool) {
    for w in &update.warnings {
        eprint!("{}", report::format_diagnostic(Level::Warning, w));
    }
    if first {
        eprintln!("Built {} files in {} ms.", update.files.len(), update.elapsed.as_millis());
    } else {
        eprintln!(
            "Rebuilt in {} ms: {} file{} changed ({} rendered).",
            update.elapsed.as_millis(),
            update.changed.len(),
            if update.changed.len() == 1 { "" } else { "s" },
            update.rendered
        );
    }
    for url in &update.new_pages {
        eprintln!("New page: {url}");
    }
}

/// The warning for a preview other computers can reach: true about drafts.
fn reachable_warning(bind: std::net::IpAddr, drafts: bool) -> String {
    let drafts = if drafts { ", drafts included" } else { " (drafts are not shown without --drafts)" };
    format!("warning: listening on {bind}: anyone who can reach this computer can see the preview{drafts}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_warning_says_whether_drafts_are_shown() {
        let all = std::net::IpAddr::from([0, 0, 0, 0]);
        assert!(reachable_warning(all, true).ends_with("drafts included"));
        assert!(reachable_warning(all, false).ends_with("(drafts are not shown without --drafts)"));
    }
}
