//! `branchpress init`: a new site folder a volunteer can build at once.
//!
//! The default theme is compiled into the binary and copied into the new
//! site's `themes/commons/`, so a site made anywhere builds without a
//! branchpress checkout beside it, and the branch owns (and may edit) its copy.

use std::path::Path;
use std::process::ExitCode;

use crate::error::{Diagnostic, Error, Result};
use crate::import::{FileSource, NewFile};

const CONFIG: &str = r#"# Your site's settings. `branchpress help config` explains every key.
title = NAME
description = "News, guides and best practice from our branch."
# The address the site will be published at.
base_url = ADDRESS
language = "en"
theme = "commons"

[branch]
name = NAME
locality = LOCALITY
contact = "hello@example.org"
# The time zone of your events (an IANA name).
timezone = TIMEZONE

[markdown]
highlight_code = true
smart_punctuation = true
"#;

const HOME: &str = "+++\ntitle = \"Welcome\"\n+++\nWelcome to our branch's new website. Edit `content/_index.md` to change this text.\n\nEach section has a sample article marked `draft = true`: see them with\n`branchpress serve --drafts`, then copy one, and delete the `draft` line to publish it.\n";

/// What marks a sample article as a draft.
const DRAFT_LINE: &str = "# A sample to copy: delete this line to publish it.\ndraft = true\n";
/// The kinds of writing a branch publishes, each a section with one sample
/// article to copy: (folder, section front matter, article file, article).
/// The samples are drafts, so a new site publishes no placeholder article
/// into its feeds (and no hub fills with "Our new website" from every new
/// branch); `serve --drafts` shows them.
const SECTIONS: &[(&str, &str, &str, &str)] = &[
    (
        "news",
        "+++\ntitle = \"News\"\ndescription = \"What is happening in our branch.\"\nsort_by = \"date\"\npaginate_by = 10\n+++\n",
        "our-new-website.md",
        "+++\ntitle = \"Our new website\"\ndate = DATE\nDRAFTtags = [\"announcements\"]\n+++\nWe have a new website. Every article is a Markdown file in `content/`.\n",
    ),
    (
        "guides",
        "+++\ntitle = \"Guides\"\ndescription = \"How we do things, step by step.\"\nsort_by = \"title\"\n+++\n",
        "running-a-meeting.md",
        "+++\ntitle = \"Running a meeting\"\ndate = DATE\nDRAFTtags = [\"meetings\"]\n+++\n## Before\n\nBook a room and tell people.\n\n## On the day\n\nStart on time.\n",
    ),
    (
        "practice",
        "+++\ntitle = \"Best practice\"\ndescription = \"What worked for us, and what did not.\"\nsort_by = \"date\"\n+++\n",
        "what-we-learned.md",
        "+++\ntitle = \"What we learned from our first year\"\ndate = DATE\nDRAFTtags = [\"meetings\"]\n+++\nShort meetings brought more people back.\n",
    ),
    (
        "events",
        "+++\ntitle = \"Events\"\ndescription = \"Meetings and actions: come along.\"\nsort_by = \"date\"\ntemplate = \"events.html\"\n+++\n",
        "first-meeting.md",
        "+++\ntitle = \"Our first meeting\"\ndate = DATE\nDRAFTdescription = \"Meet the branch and plan what comes next.\"\n\n[event]\nstart = NEXT_WEEKT19:00:00\nduration = \"2h\"\nlocation = { name = \"Our meeting room\", address = \"1 High Street\" }\n# recurrence = { every = \"2nd tuesday\" }   # to repeat it\n+++\nEverybody is welcome. Tea and biscuits.\n",
    ),
];

/// What `init` asks (or takes from its flags): who the branch is.
#[derive(Debug, Default, Clone, clap::Args)]
pub struct InitAnswers {
    /// The branch's name, e.g. "Riverside Mutual Aid".
    #[arg(long)]
    pub name: Option<String>,
    /// Where it is, e.g. "Riverside, Millbrook".
    #[arg(long)]
    pub locality: Option<String>,
    /// The address the site will be published at, e.g. `https://riverside.example.org`
    #[arg(long)]
    pub address: Option<String>,
    /// The time zone of its events (an IANA name such as Europe/London; default: this computer's).
    #[arg(long)]
    pub timezone: Option<String>,
}

/// `branchpress init`: asks what the flags did not say (on a terminal),
/// creates the site and says how to build it.
pub(super) fn run(site_dir: &Path, answers: &InitAnswers, ci: Option<super::ci::Forge>, hub: bool) -> ExitCode {
    // An existing site only gets the workflow.
    if let Some(forge) = ci.filter(|_| site_dir.join(crate::config::CONFIG_FILE).is_file()) {
        let hub = hub || crate::config::Config::load(site_dir).is_ok_and(|c| c.federation.is_some());
        return match super::ci::write_workflow(site_dir, forge, hub) {
            Ok(()) => {
                println!(
                    "Wrote {}: commit it, and it publishes the site on every push.",
                    site_dir.join(forge.file()).display()
                );
                ExitCode::SUCCESS
            }
            Err(e) => super::fail(&e),
        };
    }
    let answers = if std::io::IsTerminal::is_terminal(&std::io::stdin()) { ask(answers) } else { answers.clone() };
    let created = create_with(site_dir, &answers)
        .and_then(|()| ci.map_or(Ok(()), |forge| super::ci::write_workflow(site_dir, forge, hub)));
    match created {
        Ok(()) => {
            println!(
                "Created a new site in {}.\nBuild it with: branchpress build {}",
                site_dir.display(),
                site_dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => super::fail(&e),
    }
}

/// Asks on the terminal for each answer the flags left out; Enter keeps the default.
fn ask(given: &InitAnswers) -> InitAnswers {
    let question = |flag: &Option<String>, text: &str| {
        flag.clone().or_else(|| {
            eprint!("{text}: ");
            let mut line = String::new();
            std::io::stdin().read_line(&mut line).ok()?;
            Some(line.trim().to_owned()).filter(|l| !l.is_empty())
        })
    };
    InitAnswers {
        name: question(&given.name, "Your branch's name (Enter: \"Our branch\")"),
        locality: question(&given.locality, "Where it is, e.g. a town or district (Enter: skip)"),
        address: question(&given.address, "The address the site will have (Enter: decide later)"),
        timezone: question(&given.timezone, "Your time zone, e.g. Europe/London (Enter: this computer's)"),
    }
}

/// The new site's `config.toml` from the answers, each checked as the build
/// would check it, so a mistake is said now, not at the first build.
fn config_text(answers: &InitAnswers) -> Result<String> {
    let quoted = |s: &str| toml::Value::String(s.to_owned()).to_string();
    let address = match answers.address.as_deref().map(str::trim) {
        Some(a) => crate::config::normalise_base_url(a).map_err(|e| {
            Diagnostic::new(e).with_help("give the whole address, such as --address https://riverside.example.org")
        })?,
        None => "https://example.org".to_owned(),
    };
    // The computer's zone when it has an IANA name (not a bare offset), else UTC.
    let zone = match answers.timezone.as_deref().map(str::trim) {
        Some(z) => {
            jiff::tz::TimeZone::get(z).map_err(|_| {
                Diagnostic::new(format!("`{z}` is not a time zone name"))
                    .with_help("use an IANA name such as Europe/London or America/New_York")
            })?;
            z.to_owned()
        }
        None => jiff::tz::TimeZone::system().iana_name().map(str::to_owned).unwrap_or_else(|| "UTC".into()),
    };
    let name = answers.name.as_deref().map(str::trim).filter(|n| !n.is_empty()).unwrap_or("Our branch");
    let locality = answers.locality.as_deref().map(str::trim).unwrap_or("Our town");
    Ok(CONFIG
        .replace("NAME", &quoted(name))
        .replace("LOCALITY", &quoted(locality))
        .replace("ADDRESS", &quoted(&address))
        .replace("TIMEZONE", &quoted(&zone)))
}

/// Creates `site_dir` with the defaults (no questions): see [`create_with`].
pub fn create(site_dir: &Path) -> Result<()> {
    create_with(site_dir, &InitAnswers::default())
}

/// Creates `site_dir` with a config from `answers`, a welcome page and a
/// sample article (a draft) per section. Refuses a folder that already has
/// files in it.
pub fn create_with(site_dir: &Path, answers: &InitAnswers) -> Result<()> {
    refuse_non_empty(site_dir, "branchpress init my-branch-site")?;
    let config = config_text(answers)?;
    let now = jiff::Zoned::now();
    let today = now.date().to_string();
    let next_week = now.date().checked_add(jiff::Span::new().days(7)).unwrap_or(now.date()).to_string();
    let mut files: Vec<(String, Vec<u8>)> = vec![
        ("config.toml".into(), config.into_bytes()),
        ("content/_index.md".into(), HOME.into()),
        ("static/.keep".into(), Vec::new()),
    ];
    for (folder, section, article_file, article) in SECTIONS {
        files.push((format!("content/{folder}/_index.md"), section.as_bytes().to_vec()));
        files.push((
            format!("content/{folder}/{article_file}"),
            article.replace("NEXT_WEEK", &next_week).replace("DATE", &today).replace("DRAFT", DRAFT_LINE).into_bytes(),
        ));
    }
    let files = files.into_iter().map(|(path, bytes)| NewFile { path, source: FileSource::Bytes(bytes) });
    write_new_site(site_dir, files.collect())
}

/// Refuses a `site_dir` that exists and has files in it: a new site is
/// never written over anyone's files. `example` is the command to suggest.
pub fn refuse_non_empty(site_dir: &Path, example: &str) -> Result<()> {
    if site_dir.exists() && std::fs::read_dir(site_dir).map(|mut d| d.next().is_some()).unwrap_or(true) {
        return Err(Diagnostic::in_file(site_dir, "this folder already exists and is not empty")
            .with_help(format!("choose a new folder name: {example}"))
            .into());
    }
    Ok(())
}

/// Writes a new site's `files`, plus an empty `templates/` and the default
/// theme, into `site_dir` (checked empty by [`refuse_non_empty`] first).
/// Used by `init` and `import`.
pub fn write_new_site(site_dir: &Path, mut files: Vec<NewFile>) -> Result<()> {
    let theme = crate::theme::COMMONS_THEME.iter().map(|(p, bytes)| (format!("themes/commons/{p}"), bytes.to_vec()));
    let extra = std::iter::once(("templates/.keep".to_owned(), Vec::new())).chain(theme);
    files.extend(extra.map(|(path, bytes)| NewFile { path, source: FileSource::Bytes(bytes) }));
    for file in files {
        let target = site_dir.join(&file.path);
        if let Some(dir) = target.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, "create this folder", &e))?;
        }
        // `create_new`: a file that appeared since the emptiness check is never overwritten.
        let mut out = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&target)
            .map_err(|e| Error::io(&target, "create this file", &e))?;
        write_contents(&mut out, &file.source, &target)?;
    }
    Ok(())
}

/// Fills a new file from bytes made by the command or from a file copied.
fn write_contents(out: &mut std::fs::File, source: &FileSource, target: &Path) -> Result<()> {
    match source {
        FileSource::Bytes(bytes) => {
            std::io::Write::write_all(out, bytes).map_err(|e| Error::io(target, "write this file", &e))
        }
        FileSource::Copy(from) => {
            let mut input = std::fs::File::open(from).map_err(|e| Error::io(from, "read this file", &e))?;
            std::io::copy(&mut input, out).map(|_| ()).map_err(|e| Error::io(target, "write this file", &e))
        }
    }
}
