//! The command line: parses arguments and runs one command. Output for the
//! editor goes to stderr (progress, problems) and stdout (results).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};

use crate::build::{self, BuildOptions};
use crate::report;

/// branchpress: build a branch's website from a folder of Markdown.
#[derive(Debug, Parser)]
#[command(name = "branchpress", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new site folder with a config, a theme and a first page.
    Init {
        /// The folder to create.
        site_dir: PathBuf,
    },
    /// Build the site into static files (default: SITE_DIR/public).
    Build {
        /// The site folder (holding config.toml).
        #[arg(default_value = ".")]
        site_dir: PathBuf,
        /// Build options.
        #[command(flatten)]
        options: BuildArgs,
    },
    /// Check the site without writing anything: broken links and anchors, missing images,
    /// pages without titles, undated pages in dated sections, tags spelt two ways.
    Check {
        /// The site folder (holding config.toml).
        #[arg(default_value = ".")]
        site_dir: PathBuf,
        /// Also check links to other sites (needs the network).
        #[arg(long)]
        external: bool,
    },
    /// Fetch the feeds of the branches this site follows into its cache (.branchpress/cache/).
    #[command(after_help = FETCH_EXIT_STATUS)]
    Fetch {
        /// The site folder (holding config.toml).
        #[arg(default_value = ".")]
        site_dir: PathBuf,
        /// Only fetch sources older than `refresh` in [federation].
        #[arg(long)]
        stale: bool,
    },
    /// Preview the site while you edit it: rebuilds on every save and reloads the browser.
    Serve {
        /// The site folder (holding config.toml).
        #[arg(default_value = ".")]
        site_dir: PathBuf,
        /// The port to listen on (the next free one is used if it is taken).
        #[arg(long, short = 'p', default_value_t = 1111)]
        port: u16,
        /// The address to listen on. Anything but 127.0.0.1 lets other computers see the preview.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Open the site in your web browser.
        #[arg(long)]
        open: bool,
        /// Include drafts.
        #[arg(long)]
        drafts: bool,
    },
}

/// `fetch --help`: what a scheduled job can rely on (also in the README).
const FETCH_EXIT_STATUS: &str = "\
Exit status:
  0  every source answered (with new entries, \"not modified\", or asked to wait by its server)
  1  nothing could be done: config.toml is wrong, or the cache folder cannot be written
  2  some sources failed; the table says which, and their last good copy is kept for the build";

/// `branchpress fetch` exit status when some sources failed (1 is for "nothing could be done").
const SOME_SOURCES_FAILED: u8 = 2;

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
            fetch: self.fetch,
            strict: self.strict,
            relative_urls: self.relative_urls,
            force: self.force,
        }
    }
}

/// Runs the parsed command and says how it went.
pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Init { site_dir } => match crate::init::create(&site_dir) {
            Ok(()) => {
                println!(
                    "Created a new site in {}.\nBuild it with: branchpress build {}",
                    site_dir.display(),
                    site_dir.display()
                );
                ExitCode::SUCCESS
            }
            Err(e) => fail(&e),
        },
        Command::Check { site_dir, external } => match crate::check::check(&site_dir, external) {
            Ok(report) => {
                for (level, d) in &report.findings {
                    eprint!("{}", report::format_diagnostic(*level, d));
                }
                println!("checked {} links: {} broken", report.links_checked, report.broken);
                if report.has_errors() { ExitCode::FAILURE } else { ExitCode::SUCCESS }
            }
            Err(e) => fail(&e),
        },
        Command::Fetch { site_dir, stale } => fetch(&site_dir, stale),
        Command::Serve { site_dir, port, bind, open, drafts } => {
            match crate::serve::run(&crate::serve::ServeOptions { site_dir, port, bind, open, drafts }) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(&e),
            }
        }
        Command::Build { site_dir, options } => {
            let started = Instant::now();
            match build::build(&site_dir, &options.options()) {
                Ok(r) => {
                    eprint!("{}", report::format_build(&r, started.elapsed()));
                    if options.timings {
                        eprint!("{}", report::format_timings(&r.timings));
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => fail_build(&e),
            }
        }
    }
}

/// `branchpress fetch`: the table on stdout, and an exit status a scheduled job can alert on.
fn fetch(site_dir: &std::path::Path, stale: bool) -> ExitCode {
    let report = build::load_config(site_dir, &BuildOptions::default()).and_then(|config| {
        build::check_cache_writable(&config)?;
        build::fetch_sources(&config, stale)
    });
    match report {
        Ok(report) => {
            println!("{report}");
            if report.all_answered() {
                return ExitCode::SUCCESS;
            }
            eprintln!(
                "warning: not every source could be fetched (see the table); the build keeps their last good entries"
            );
            ExitCode::from(SOME_SOURCES_FAILED)
        }
        Err(e) => fail(&e),
    }
}

fn fail(err: &crate::error::Error) -> ExitCode {
    eprint!("{}", report::format_error(err, "nothing was changed"));
    ExitCode::FAILURE
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
