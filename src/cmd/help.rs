//! `branchpress help TOPIC`: the reference, printed from the binary, so an
//! error's help never points to a file the editor does not have.

use std::io::Write;
use std::process::ExitCode;

use clap::CommandFactory;

use super::Cli;

/// The configuration reference: `config.toml`, then front matter.
const CONFIGURATION: &str = include_str!("../../docs/configuration.md");
/// What templates can use.
const TEMPLATES: &str = include_str!("../../docs/templates.md");
/// Following other branches and what a branch publishes for them.
const FEDERATION: &str = include_str!("../../docs/federation.md");
/// Where the front matter part of [`CONFIGURATION`] starts.
const FRONT_MATTER_HEADING: &str = "\n## Front matter\n";

/// The topics besides the commands.
const TOPICS: &str = "\
Reference topics:
  branchpress help config        every key of config.toml, with its default
  branchpress help front-matter  every key of a page's or section's front matter
  branchpress help templates     what templates can use
  branchpress help federation    following other branches; what a branch publishes
  branchpress help COMMAND       a command's options (build, serve, check, ...)";

/// Prints a topic, a command's help, or the list of both.
pub(super) fn run(topic: Option<&str>) -> ExitCode {
    let text = match topic.map(|t| t.trim().to_ascii_lowercase()).as_deref() {
        None => {
            let mut cli = Cli::command();
            print(&format!("{}\n\n{TOPICS}", cli.render_help()));
            return ExitCode::SUCCESS;
        }
        Some("config" | "configuration" | "config.toml") => config_part(),
        Some("front-matter" | "frontmatter" | "front_matter") => front_matter_part(),
        Some("templates" | "template") => TEMPLATES,
        Some("federation" | "hub") => FEDERATION,
        Some(command) => return command_help(command),
    };
    print(text.trim_end());
    ExitCode::SUCCESS
}

/// Prints to stdout; a reader that stopped reading (`| head`) is not an error.
fn print(text: &str) {
    let _ = writeln!(std::io::stdout().lock(), "{text}");
}

fn config_part() -> &'static str {
    CONFIGURATION.split_once(FRONT_MATTER_HEADING).map_or(CONFIGURATION, |(config, _)| config)
}

fn front_matter_part() -> &'static str {
    CONFIGURATION.find(FRONT_MATTER_HEADING).map_or(CONFIGURATION, |at| &CONFIGURATION[at + 1..])
}

fn command_help(name: &str) -> ExitCode {
    let mut cli = Cli::command();
    // Built, so each command's usage line starts with `branchpress`.
    cli.build();
    match cli.find_subcommand_mut(name) {
        Some(command) => {
            print(&command.render_long_help().to_string());
            ExitCode::SUCCESS
        }
        None => {
            eprintln!("error: there is no help topic or command called `{name}`\n\n{TOPICS}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::front_matter::{PAGE_KEYS, SECTION_KEYS};

    #[test]
    fn the_two_parts_split_at_the_front_matter_heading() {
        assert!(config_part().contains("[markdown]") && !config_part().contains("### Pages"));
        assert!(front_matter_part().starts_with("## Front matter") && front_matter_part().contains("### Sections"));
    }

    /// Every key the front matter accepts has its row.
    #[test]
    fn every_front_matter_key_is_documented() {
        let text = front_matter_part();
        for key in PAGE_KEYS.iter().chain(SECTION_KEYS) {
            assert!(text.contains(&format!("`{key}`")), "docs/configuration.md does not document `{key}`");
        }
    }

    /// The documented config.toml is a valid configuration, so no key in it is misspelt or gone.
    #[test]
    fn the_documented_config_loads() {
        let start = config_part().find("```toml\n").expect("a toml block") + "```toml\n".len();
        let block = &config_part()[start..];
        let block = &block[..block.find("```").expect("the block's end")];
        let root = std::path::Path::new("/nonexistent-site");
        let config = crate::config::Config::parse(root, &root.join("config.toml"), block);
        assert!(config.is_ok(), "{config:?}");
    }
}
