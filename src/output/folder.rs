//! Which folder a build may replace.
//!
//! A build replaces its output folder as a whole, so pointing it at the
//! wrong folder (`-o content`, `-o ~`, a typo through `..`) would delete a
//! volunteer's work. [`choose`] resolves the requested folder the way the
//! file system will (symlinks, `..` through folders that do not exist yet,
//! case-insensitive names) and accepts it only when branchpress made it
//! (it carries [`MARKER`]), it is empty or new, or it is the site's
//! default `public/`. Some folders are refused even with `--force`: the
//! site and anything above it, anything inside the site but the output,
//! another site, the home folder, `/`, and a path that is a file.
//!
//! Dot-entries (`.git`, `.well-known`, `.nojekyll`) and `CNAME` in the old
//! output that the build did not make are a deployment's files: kept with
//! `preserve_dotfiles_in_output = true`, otherwise the build is refused
//! rather than deleting them.

use std::ffi::{OsStr, OsString};
use std::path::{Component, Path, PathBuf};

use crate::config::Config;
use crate::error::{Diagnostic, Error, Result};

/// The file that says branchpress made a folder. It lists the top-level
/// entries the build wrote, so entries added later by someone else (a
/// deployment's `.git`) are told apart from the build's own.
pub const MARKER: &str = ".branchpress-output";

/// Where the previous output waits inside the staging folder during the
/// swap (see `sink::StagingDir::commit`).
pub const PREVIOUS: &str = ".branchpress-previous";

/// Folders and files of a site that are never an output folder, even when
/// they do not exist yet.
const SITE_ENTRIES: &[&str] =
    &["content", "templates", "static", "themes", "sass", ".branchpress", crate::config::CONFIG_FILE];

/// How many entries of a refused folder the error lists.
const LISTED_ENTRIES: usize = 5;

/// An output folder a build may replace.
#[derive(Debug, Clone)]
pub struct OutputFolder {
    /// The folder, absolute, with symlinks resolved.
    pub path: PathBuf,
    /// The folder as the editor named it (or the default `SITE/public`),
    /// for messages.
    pub requested: PathBuf,
    /// Entries of the current output to carry into the new one
    /// (a deployment's dot-entries, with `preserve_dotfiles_in_output`).
    pub keep: Vec<OsString>,
}

/// What the editor asked for.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// `--output-dir`, when given (relative to the working folder).
    pub requested: Option<&'a Path>,
    /// `--force`: replace a folder outside the site that branchpress did not make.
    pub force: bool,
}

/// Checks the requested output folder (default `SITE/public`) and says
/// which entries of it survive the build. The only change it makes is to
/// clear what killed builds left beside an acceptable output folder.
pub fn choose(config: &Config, request: Request<'_>) -> Result<OutputFolder> {
    let given = request.requested.map_or_else(|| config.paths.root.join("public"), Path::to_path_buf);
    let path = real_location(&given);
    let root = real_location(&config.paths.root);
    let refuse = |(why, help): (String, &str)| -> Error {
        Diagnostic::new(format!("will not use {} as the output folder: {why}", given.display())).with_help(help).into()
    };
    if let Some(why) = never_an_output(config, &path, &root) {
        return Err(refuse((why, "choose another --output-dir, e.g. public (the default) or a new folder")));
    }
    remove_leftovers(&path);
    let entries = match list(&path) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(Error::io(&given, "read the output folder", &e)),
    };
    let replaceable = Replaceable { path: &path, root: &root, entries: &entries, force: request.force };
    if let Some(refusal) = replaceable.refusal() {
        return Err(refuse(refusal));
    }
    let foreign = deployment_entries(&path, &entries);
    if !foreign.is_empty() && !config.preserve_dotfiles_in_output {
        let why = format!("it holds files a build did not make: {}", sample(&foreign));
        return Err(refuse((
            why,
            "to keep them (a GitHub Pages worktree's .git, .nojekyll, CNAME), set preserve_dotfiles_in_output = true \
             at the top of config.toml; otherwise move them away",
        )));
    }
    Ok(OutputFolder { path, requested: given, keep: foreign })
}

/// An existing output folder, to decide whether a build may replace it.
struct Replaceable<'a> {
    path: &'a Path,
    root: &'a Path,
    entries: &'a [OsString],
    force: bool,
}

impl Replaceable<'_> {
    /// Why and what to do instead, unless the folder is empty, marked as
    /// made by branchpress, the site's `public/`, or outside the site with
    /// `--force`.
    fn refusal(&self) -> Option<(String, &'static str)> {
        let inside = within(self.path, self.root);
        let ours = self.entries.is_empty()
            || self.entries.iter().any(|e| e == MARKER)
            || same_place(self.path, &self.root.join("public"));
        if ours || (self.force && !inside) {
            return None;
        }
        let why = format!("it was not made by branchpress and holds {}", sample(self.entries));
        let help = if inside {
            "inside the site only public/ or a folder branchpress made can be the output; choose a new folder"
        } else {
            "choose a new or empty folder; --force replaces this one and deletes everything in it"
        };
        Some((why, help))
    }
}

/// Why `path` can never be an output folder, if it cannot.
fn never_an_output(config: &Config, path: &Path, root: &Path) -> Option<String> {
    if path.parent().is_none() {
        return Some("it is the top of the file system".into());
    }
    if std::fs::metadata(path).is_ok_and(|m| !m.is_dir()) {
        return Some("it is a file, not a folder".into());
    }
    if let Some(home) = std::env::var_os("HOME").filter(|h| !h.is_empty()).map(|h| real_location(Path::new(&h)))
        && within(&home, path)
    {
        return Some("it is your home folder, or holds it".into());
    }
    if within(root, path) {
        return Some("it is the site folder, or holds it".into());
    }
    let sources = [&config.paths.content, &config.paths.templates, &config.paths.static_dir];
    if sources
        .into_iter()
        .chain(config.paths.theme.as_ref())
        .any(|p| within(path, &real_location(p)) || within(&real_location(p), path))
    {
        return Some("it is one of the site's own folders, or inside one".into());
    }
    if within(path, root) {
        return inside_site(path, root);
    }
    if path.join(crate::config::CONFIG_FILE).exists() {
        let entries = sample(&list(path).unwrap_or_default());
        return Some(format!("it looks like another site: it holds {entries}"));
    }
    None
}

/// Inside the site, the output is a folder directly in the site folder
/// that is none of the site's own entries.
fn inside_site(path: &Path, root: &Path) -> Option<String> {
    let parent = path.parent()?;
    if !same_place(parent, root) {
        return Some("it is inside a folder of the site; the output must sit directly in the site folder".into());
    }
    let name = path.file_name().map(OsStr::to_string_lossy).unwrap_or_default();
    let taken = SITE_ENTRIES.iter().any(|e| e.eq_ignore_ascii_case(&name));
    taken.then(|| format!("`{name}` is one of the site's own folders or files"))
}

/// The deployment's entries in an output folder: dot-entries and `CNAME`
/// the marker does not list as the build's own.
fn deployment_entries(path: &Path, entries: &[OsString]) -> Vec<OsString> {
    let made = made_by_build(path);
    entries
        .iter()
        .filter(|e| e.to_str().is_none_or(|name| is_deployment_entry(name) && !made.iter().any(|m| m == name)))
        .cloned()
        .collect()
}

fn is_deployment_entry(name: &str) -> bool {
    (name.starts_with('.') && name != MARKER && name != PREVIOUS) || name == "CNAME"
}

/// The top-level entries the marker of `dir` lists as the build's own.
fn made_by_build(dir: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(dir.join(MARKER)).unwrap_or_default();
    text.lines().filter(|l| !l.starts_with('#')).map(str::to_owned).collect()
}

/// The text of a marker for a folder whose own top-level entries are `made`.
pub fn marker_text(made: &[OsString]) -> String {
    let mut text = String::from("# branchpress made this folder and replaces it on every build.\n");
    for name in made.iter().filter_map(|n| n.to_str()).filter(|n| *n != MARKER) {
        text.push_str(name);
        text.push('\n');
    }
    text
}

/// The entries of a folder, sorted.
pub fn list(dir: &Path) -> std::io::Result<Vec<OsString>> {
    let mut names = std::fs::read_dir(dir)?.map(|e| e.map(|e| e.file_name())).collect::<std::io::Result<Vec<_>>>()?;
    names.sort();
    Ok(names)
}

/// A few entry names for an error message.
fn sample(entries: &[OsString]) -> String {
    let mut text: Vec<String> =
        entries.iter().take(LISTED_ENTRIES).map(|e| format!("`{}`", e.to_string_lossy())).collect();
    if entries.len() > LISTED_ENTRIES {
        text.push(format!("and {} more", entries.len() - LISTED_ENTRIES));
    }
    text.join(", ")
}

/// `path` made absolute the way the file system sees it: each existing
/// part is canonicalised (symlinks, `..` after a symlink), the parts that
/// do not exist yet are applied as written (`nonexist/../content` is
/// `content`).
pub fn real_location(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut current = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::Prefix(_) | Component::RootDir => current.push(component),
            Component::CurDir => {}
            Component::ParentDir => {
                current.pop();
            }
            Component::Normal(name) => {
                current.push(name);
                if let Ok(real) = current.canonicalize() {
                    current = real;
                }
            }
        }
    }
    current
}

/// Whether resolved `path` is `dir` or inside it, comparing existing
/// folders by identity too (case-insensitive file systems, bind mounts).
fn within(path: &Path, dir: &Path) -> bool {
    path.ancestors().any(|a| same_place(a, dir))
}

fn same_place(a: &Path, b: &Path) -> bool {
    a == b || same_file(a, b)
}

#[cfg(unix)]
fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(a: &Path, b: &Path) -> bool {
    a.to_string_lossy().eq_ignore_ascii_case(&b.to_string_lossy())
}

/// How staging folders for the output folder `name` begin; the process id
/// follows, so the next build can tell whose they are.
pub fn staging_prefix(name: &str) -> String {
    format!(".{name}.building-")
}

/// Removes the staging folders of builds that were killed: folders beside
/// `target` named after it and a process that no longer runs, which
/// carry the marker. A swap that was killed half-way is finished
/// backwards first: the previous output goes back to `target`. Without
/// the marker such a folder is removed only when empty (killed before it
/// was marked); anything else is left alone.
fn remove_leftovers(target: &Path) {
    let (Some(parent), Some(name)) = (target.parent(), target.file_name()) else { return };
    let prefix = staging_prefix(&name.to_string_lossy());
    let Ok(entries) = std::fs::read_dir(parent) else { return };
    for entry in entries.filter_map(std::result::Result::ok) {
        let file_name = entry.file_name();
        let Some(pid) = file_name.to_str().and_then(|n| n.strip_prefix(&prefix)).and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        let dir = entry.path();
        if !process_is_gone(pid) {
            continue;
        }
        if dir.join(MARKER).is_file() {
            if restore_previous(&dir, target) {
                let _ = std::fs::remove_dir_all(&dir);
            }
        } else {
            // Killed before it was marked: removed only when empty.
            let _ = std::fs::remove_dir(&dir);
        }
    }
}

/// Puts back the previous output a killed swap left inside `staging`.
/// False when it could not, and `staging` must be kept.
fn restore_previous(staging: &Path, target: &Path) -> bool {
    let previous = staging.join(PREVIOUS);
    if !previous.exists() {
        return true;
    }
    if std::fs::symlink_metadata(target).is_ok() {
        return false;
    }
    let made = made_by_build(staging);
    for name in list(staging).unwrap_or_default() {
        let own = name.to_str().is_some_and(|n| n == MARKER || n == PREVIOUS || made.iter().any(|m| m == n));
        if !own && std::fs::rename(staging.join(&name), previous.join(&name)).is_err() {
            return false;
        }
    }
    std::fs::rename(&previous, target).is_ok()
}

/// Whether no process with this id runs. Only known where `/proc` exists;
/// elsewhere every process counts as running, so nothing is removed.
fn process_is_gone(pid: u32) -> bool {
    pid != std::process::id() && Path::new("/proc/self").exists() && !Path::new(&format!("/proc/{pid}")).exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_applies_dot_dot_through_missing_folders_and_symlinks() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir(root.join("content")).unwrap();
        assert_eq!(real_location(&root.join("nonexist/../content")), root.join("content"));
        assert_eq!(real_location(&root.join("a/b/../../content/x")), root.join("content/x"));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(root.join("content"), root.join("link")).unwrap();
            assert_eq!(real_location(&root.join("link/new")), root.join("content/new"));
        }
    }

    #[test]
    fn marker_lists_the_builds_own_entries() {
        let text = marker_text(&[".nojekyll".into(), "index.html".into(), MARKER.into()]);
        assert_eq!(text.lines().filter(|l| !l.starts_with('#')).collect::<Vec<_>>(), [".nojekyll", "index.html"]);
    }
}
