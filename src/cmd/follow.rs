//! `branchpress follow` and `unfollow`: what was found and written, in words
//! a coordinator can check against the branch's own site.

use std::path::Path;
use std::process::ExitCode;

use crate::follow::discover::Found;
use crate::follow::{Followed, OpmlImport};

/// `follow --help`: what is looked for, in which order.
pub(super) const FOLLOW_HELP: &str = "\
What follow looks for at the address, in this order:
  1. the branch's branch.json (its name, all its feeds, whether it is a hub)
  2. a feed (Atom, RSS or JSON Feed) at the address itself
  3. a feed the page advertises (<link rel=\"alternate\" type=\"application/atom+xml\" ...>)
It adds one [[federation.sources]] entry to config.toml and changes nothing else in the file.
Run `branchpress fetch` afterwards to read it.";

/// `branchpress follow ADDRESS` or `follow --opml FILE`.
pub(super) fn run_follow(site: &Path, address: Option<&str>, opml: Option<&Path>, name: Option<&str>) -> ExitCode {
    let outcome = match (address, opml) {
        (_, Some(file)) => crate::follow::follow_opml(site, file).map(|r| describe_opml(&r)),
        (Some(address), None) => crate::follow::follow(site, address, name).map(|f| describe_followed(&f)),
        (None, None) => return ExitCode::FAILURE, // clap requires one of them
    };
    match outcome {
        Ok(text) => {
            println!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => super::fail(&e),
    }
}

/// `branchpress unfollow NAME`.
pub(super) fn run_unfollow(site: &Path, name: &str) -> ExitCode {
    match crate::follow::unfollow(site, name) {
        Ok(removed) => {
            println!("No longer following {}. Its entries leave the network pages at the next build.", removed.label());
            ExitCode::SUCCESS
        }
        Err(e) => super::fail(&e),
    }
}

fn describe_followed(followed: &Followed) -> String {
    let d = &followed.discovery;
    let how = match &d.found {
        Found::Branch { feeds, hub } => {
            let what = if *hub { "a hub: its" } else { "its" };
            format!("{what} branch.json lists {}", count(*feeds, "feed"))
        }
        Found::Feed => "the address is a feed".to_owned(),
        Found::Advertised { page, feeds } => {
            let also = if feeds.len() > 1 {
                format!(" (it advertises {}; the first is used)", count(feeds.len(), "feed"))
            } else {
                String::new()
            };
            format!("no branch.json, but {page} advertises this feed{also}")
        }
    };
    format!(
        "Following {} at {}: {how}.\nAdded to config.toml; run `branchpress fetch` to read it.",
        followed.name, d.url
    )
}

fn describe_opml(report: &OpmlImport) -> String {
    let mut lines = vec![format!("Added {} of the subscriptions to config.toml.", report.added.len())];
    lines.extend(report.added.iter().map(|(name, url)| format!("  + {name} ({url})")));
    if !report.skipped.is_empty() {
        lines.push(format!("Left out {}:", report.skipped.len()));
        lines.extend(report.skipped.iter().map(|(name, why)| format!("  - {name}: {why}")));
    }
    lines.join("\n")
}

fn count(n: usize, thing: &str) -> String {
    if n == 1 { format!("1 {thing}") } else { format!("{n} {thing}s") }
}
