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
title = "Our branch"
description = "News, guides and best practice from our branch."
# The address the site will be published at.
base_url = "https://example.org"
language = "en"
theme = "commons"

[branch]
name = "Our branch"
locality = "Our town"
contact = "hello@example.org"
# The time zone of your events (an IANA name), set from this computer's.
timezone = "TIMEZONE"

[markdown]
highlight_code = true
smart_punctuation = true
"#;

const HOME: &str =
    "+++\ntitle = \"Welcome\"\n+++\nThis is the home page. Edit `content/_index.md` to change this text.\n";
/// The three kinds of writing a branch publishes, each a section with one
/// sample article: (folder, section front matter, article file, article).
const SECTIONS: &[(&str, &str, &str, &str)] = &[
    (
        "news",
        "+++\ntitle = \"News\"\ndescription = \"What is happening in our branch.\"\nsort_by = \"date\"\npaginate_by = 10\n+++\n",
        "our-new-website.md",
        "+++\ntitle = \"Our new website\"\ndate = DATE\ntags = [\"announcements\"]\n+++\nWe have a new website. Every article is a Markdown file in `content/`.\n",
    ),
    (
        "guides",
        "+++\ntitle = \"Guides\"\ndescription = \"How we do things, step by step.\"\nsort_by = \"title\"\n+++\n",
        "running-a-meeting.md",
        "+++\ntitle = \"Running a meeting\"\ndate = DATE\ntags = [\"meetings\"]\n+++\n## Before\n\nBook a room and tell people.\n\n## On the day\n\nStart on time.\n",
    ),
    (
        "practice",
        "+++\ntitle = \"Best practice\"\ndescription = \"What worked for us, and what did not.\"\nsort_by = \"date\"\n+++\n",
        "what-we-learned.md",
        "+++\ntitle = \"What we learned from our first year\"\ndate = DATE\ntags = [\"meetings\"]\n+++\nShort meetings brought more people back.\n",
    ),
    (
        "events",
        "+++\ntitle = \"Events\"\ndescription = \"Meetings and actions: come along.\"\nsort_by = \"date\"\ntemplate = \"events.html\"\n+++\n",
        "first-meeting.md",
        "+++\ntitle = \"Our first meeting\"\ndate = DATE\ndescription = \"Meet the branch and plan what comes next.\"\n\n[event]\nstart = NEXT_WEEKT19:00:00\nduration = \"2h\"\nlocation = { name = \"Our meeting room\", address = \"1 High Street\" }\n# recurrence = { every = \"2nd tuesday\" }   # to repeat it\n+++\nEverybody is welcome. Tea and biscuits.\n",
    ),
];

/// `branchpress init`: creates the site and says how to build it.
pub(super) fn run(site_dir: &Path) -> ExitCode {
    match create(site_dir) {
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

/// Creates `site_dir` with a config, the default theme and a first article.
/// Refuses a folder that already has files in it.
pub fn create(site_dir: &Path) -> Result<()> {
    refuse_non_empty(site_dir, "branchpress init my-branch-site")?;
    let now = jiff::Zoned::now();
    let today = now.date().to_string();
    let next_week = now.date().checked_add(jiff::Span::new().days(7)).unwrap_or(now.date()).to_string();
    // The computer's zone when it has an IANA name (not a bare offset), else UTC.
    let zone = jiff::tz::TimeZone::system().iana_name().map(str::to_owned).unwrap_or_else(|| "UTC".into());
    let mut files: Vec<(String, Vec<u8>)> = vec![
        ("config.toml".into(), CONFIG.replace("TIMEZONE", &zone).into_bytes()),
        ("content/_index.md".into(), HOME.into()),
        ("static/.keep".into(), Vec::new()),
    ];
    for (folder, section, article_file, article) in SECTIONS {
        files.push((format!("content/{folder}/_index.md"), section.as_bytes().to_vec()));
        files.push((
            format!("content/{folder}/{article_file}"),
            article.replace("NEXT_WEEK", &next_week).replace("DATE", &today).into_bytes(),
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
