//! The command line: parses arguments and runs one command, one file per
//! command. Only this module and the preview's loop print: output for the
//! editor goes to stderr (progress, problems) and stdout (results).

mod build;
mod check;
pub mod ci;
mod fetch;
mod follow;
mod help;
mod import;
pub mod init;
mod serve;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub use build::BuildArgs;
use fetch::FETCH_EXIT_STATUS;

/// branchpress: build a branch's website from a folder of Markdown.
#[derive(Debug, Parser)]
#[command(name = "branchpress", version, about, long_about = None, disable_help_subcommand = true)]
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
        /// Who the branch is (asked on a terminal when not given).
        #[command(flatten)]
        answers: init::InitAnswers,
        /// Also write a deployment workflow for this forge (into an existing site too).
        #[arg(long, value_name = "FORGE")]
        ci: Option<ci::Forge>,
        /// The site is a hub: the workflow also runs every hour to fetch the branches it follows.
        #[arg(long)]
        hub: bool,
    },
    /// Make a new site from a WordPress export, a Jekyll site or a Hugo site, and say
    /// what was converted and what needs a human.
    Import {
        /// What to import from.
        #[arg(value_enum)]
        format: crate::import::Format,
        /// The WordPress export file (.xml), or the Jekyll or Hugo site folder.
        source: PathBuf,
        /// The new site's folder (must not exist, or be empty).
        site_dir: PathBuf,
        /// WordPress: a folder of the old site's uploads (wp-content/uploads, or the
        /// folder holding it), copied into static/media/.
        #[arg(long)]
        media: Option<PathBuf>,
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
        /// Only fetch sources older than `refresh` in the `[federation]` table.
        #[arg(long, help = "Only fetch sources older than `refresh` in [federation]")]
        stale: bool,
    },
    /// Follow another branch: finds its branch.json or feed and adds it to config.toml.
    #[command(after_help = follow::FOLLOW_HELP)]
    Follow {
        /// The branch's address: its home page, its branch.json or a feed.
        #[arg(required_unless_present = "opml", conflicts_with = "opml")]
        address: Option<String>,
        /// Follow every feed of a feed reader's subscriptions (an OPML export) instead.
        #[arg(long, value_name = "FILE")]
        opml: Option<PathBuf>,
        /// The name to show for it (default: the name the branch gives itself).
        #[arg(long, conflicts_with = "opml")]
        name: Option<String>,
        /// The site folder (holding config.toml).
        #[arg(long, default_value = ".")]
        site: PathBuf,
    },
    /// Stop following a branch: removes it from config.toml (its cached entries go at the next build).
    Unfollow {
        /// The source's name as config.toml gives it (or its address).
        name: String,
        /// The site folder (holding config.toml).
        #[arg(long, default_value = ".")]
        site: PathBuf,
    },
    /// Print the reference: `help config`, `help front-matter`, `help templates`, or `help COMMAND`.
    Help {
        /// config, front-matter, templates, federation, or a command's name.
        topic: Option<String>,
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

/// Runs the parsed command and says how it went.
pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Init { site_dir, answers, ci, hub } => init::run(&site_dir, &answers, ci, hub),
        Command::Import { format, source, site_dir, media } => {
            import::run(&crate::import::ImportOptions { format, source, media }, &site_dir)
        }
        Command::Check { site_dir, external } => check::run(&site_dir, external),
        Command::Fetch { site_dir, stale } => fetch::run(&site_dir, stale),
        Command::Follow { address, opml, name, site } => {
            follow::run_follow(&site, address.as_deref(), opml.as_deref(), name.as_deref())
        }
        Command::Help { topic } => help::run(topic.as_deref()),
        Command::Unfollow { name, site } => follow::run_unfollow(&site, &name),
        Command::Serve { site_dir, port, bind, open, drafts } => {
            serve::run(&crate::serve::ServeOptions { site_dir, port, bind, open, drafts })
        }
        Command::Build { site_dir, options } => build::run(&site_dir, &options),
    }
}

/// Prints a failed command's problems, closing with "nothing was changed".
fn fail(err: &crate::error::Error) -> ExitCode {
    eprint!("{}", crate::report::format_error(err, "nothing was changed"));
    ExitCode::FAILURE
}
