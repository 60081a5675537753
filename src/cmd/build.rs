//! `branchpress build`: fetch (with `--fetch`), then build, then say how it went.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use crate::build::{self, BuildOptions, BuildReport};
use crate::error::Result;
use crate::report;

/// Options shared by commands that build.
#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    /// Where to write the site.
    #[arg(long, short = 'o')]
    pub output_dir: Option<PathBuf>,
    /// Use this base URL instead of the one in config.toml.
    #[arg(long)]
    pub base_url: Option<String>,
    /// Include drafts.
    #[arg(long)]
    pub drafts: bool,
    /// Include pages whose `expiryDate` has passed.
    #[arg(long)]
    pub expired: bool,
    /// Fetch followed branches older than `refresh` before building (otherwise the cache is used).
    #[arg(long)]
    pub fetch: bool,
    /// Fail when a followed branch could not be read, instead of using its cached entries.
    #[arg(long)]
    pub strict: bool,
    /// Write links between the site's own pages as relative URLs, so the site works
    /// from a folder on disk, under any sub-path or on a mirror (feeds keep absolute URLs).
    #[arg(long)]
    pub relative_urls: bool,
    /// Replace an output folder outside the site even though branchpress did not make it
    /// (everything in it is deleted). Never allowed for the site's own folders or your home folder.
    #[arg(long)]
    pub force: bool,
    /// Also print how long each stage of the build took.
    #[arg(long)]
    pub timings: bool,
}

impl BuildArgs {
    fn options(&self) -> BuildOptions {
        BuildOptions {
            output_dir: self.output_dir.clone(),
            base_url: self.base_url.clone(),
            drafts: self.drafts,
            expired: self.expired,
            strict: self.strict,
            relative_urls: self.relative_urls,
            force: self.force,
        }
    }
}

/// `branchpress build`: the warnings and a summary line on stderr.
pub(super) fn run(site_dir: &Path, args: &BuildArgs) -> ExitCode {
    let started = Instant::now();
    match fetch_and_build(site_dir, args) {
        Ok(r) => {
            eprint!("{}", report::format_build(&r, started.elapsed()));
            if args.timings {
                eprint!("{}", report::format_timings(&r.timings));
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail_build(&e),
    }
}

/// With `--fetch`, refreshes stale sources (printing the table) once the
/// output folder is known to be usable, then builds.
fn fetch_and_build(site_dir: &Path, args: &BuildArgs) -> Result<BuildReport> {
    let options = args.options();
    let target = build::Target::choose(site_dir, &options)?;
    if args.fetch {
        eprint!("{}", super::fetch::fetch_sources(&target.config, true)?);
    }
    build::build(target, &options)
}

fn fail_build(err: &crate::error::Error) -> ExitCode {
    let moved = err.diagnostics.iter().any(|d| d.message.starts_with(crate::output::sink::NOT_PUT_BACK));
    let outcome = if moved {
        "the previous output was moved aside (see above)"
    } else {
        "nothing was changed in the output folder"
    };
    eprint!("{}", report::format_error(err, outcome));
    ExitCode::FAILURE
}
