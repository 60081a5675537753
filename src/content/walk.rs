//! Walks `content/` in a stable order and sorts each file into a section
//! (`_index.md`), a page (`*.md`, or a bundle's `index.md`), a bundle asset
//! (any other file inside a bundle folder) or a plain asset (any other file).
//! It reads no file contents.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::content::page::FileInfo;
use crate::error::{Error, Result};

/// A file under `content/` that is not Markdown, copied to the same place in
/// the output (e.g. `content/news/flyer.pdf` -> `public/news/flyer.pdf`).
#[derive(Debug, Clone)]
pub struct Asset {
    /// The file on disk.
    pub path: PathBuf,
    /// Path inside `content/`, with `/` separators.
    pub relative: String,
}

/// Everything found under `content/`, sorted by path.
#[derive(Debug, Default, Clone)]
pub struct ContentFiles {
    /// `_index.md` files.
    pub sections: Vec<FileInfo>,
    /// Page files with, for bundles, their assets (relative to the bundle).
    pub pages: Vec<(FileInfo, Vec<PathBuf>)>,
    /// Other files outside bundles.
    pub assets: Vec<Asset>,
}

/// Names of files an editor or the system leaves around, never content:
/// hidden files, editor swap and backup files, Vim's `4913` probe.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.ends_with(".bak")
        || name == "4913"
}

/// Every file under `dir` (none when it does not exist), by name, without
/// hidden and editor files: (path relative to `dir` with `/`, path).
/// `what` names the folder in an error ("the templates folder").
pub fn files_under(dir: &Path, what: &str) -> Result<Vec<(String, PathBuf)>> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let walker = WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy()));
    let mut out = Vec::new();
    for entry in walker {
        let entry = entry.map_err(|e| {
            let io = e.into_io_error().unwrap_or_else(|| std::io::Error::other("filesystem loop"));
            Error::io(dir, &format!("read {what}"), &io)
        })?;
        if entry.file_type().is_file() {
            let path = entry.into_path();
            let relative = relative_string(dir, &path);
            out.push((relative, path));
        }
    }
    Ok(out)
}

/// Lists `content_dir`. `default_language` is the site's default language
/// when it has others (`[languages.cy]`): only then is `name.xx.md` a file
/// in language `xx`, as in Zola (a one-language site may have dots in its
/// file names).
pub fn walk(content_dir: &Path, default_language: Option<&str>) -> Result<ContentFiles> {
    let mut files = Vec::new();
    let walker = WalkDir::new(content_dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy()));
    for entry in walker {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(content_dir).to_path_buf();
            let io = e.into_io_error().unwrap_or_else(|| std::io::Error::other("filesystem loop"));
            Error::io(&path, "read this folder", &io)
        })?;
        if entry.file_type().is_file() {
            files.push(entry.into_path());
        }
    }
    Ok(classify(content_dir, files, default_language))
}

/// A Markdown file's name without `.md`, split into its own name and its
/// language: `hello.cy.md` is (`hello`, `cy`); the default language's
/// suffix (`hello.en.md`) and any file of a one-language site give no language.
fn split_language<'a>(file_name: &'a str, default_language: Option<&str>) -> (&'a str, Option<&'a str>) {
    let stem = file_name.strip_suffix(".md").unwrap_or(file_name);
    let Some(default) = default_language else { return (stem, None) };
    match stem.rsplit_once('.') {
        Some((name, code)) if !name.is_empty() && crate::base::languages::check_tag(code).is_ok() => {
            (name, (code != default).then_some(code))
        }
        _ => (stem, None),
    }
}

/// Whether `name` is a bundle's page: `index.md`, or `index.cy.md`.
fn is_bundle_index(name: &str, default_language: Option<&str>) -> bool {
    name.ends_with(".md") && split_language(name, default_language).0 == "index"
}

fn classify(content_dir: &Path, files: Vec<PathBuf>, default_language: Option<&str>) -> ContentFiles {
    let file_name = |p: &Path| p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let bundle_dirs: HashSet<PathBuf> = files
        .iter()
        .filter(|p| is_bundle_index(&file_name(p), default_language))
        .filter_map(|p| p.parent().map(Path::to_path_buf))
        .collect();
    let mut out = ContentFiles::default();
    let mut bundle_assets: Vec<(PathBuf, PathBuf)> = Vec::new();
    for path in files {
        let relative = relative_string(content_dir, &path);
        let name = file_name(&path);
        let (stem, lang) = split_language(&name, default_language);
        let lang = lang.map(str::to_owned);
        if let Some(bundle) = enclosing_bundle(&path, &bundle_dirs, content_dir) {
            if is_bundle_index(&name, default_language) && path.parent() == Some(bundle.as_path()) {
                out.pages.push((bundle_page(content_dir, &path, &bundle, relative, lang), Vec::new()));
            } else if let Ok(rel) = path.strip_prefix(&bundle) {
                bundle_assets.push((bundle.clone(), rel.to_path_buf()));
            }
        } else if name.ends_with(".md") && stem == "_index" {
            out.sections.push(file_info(content_dir, &path, relative, stem, lang));
        } else if name.ends_with(".md") {
            out.pages.push((file_info(content_dir, &path, relative, stem, lang), Vec::new()));
        } else {
            out.assets.push(Asset { path, relative });
        }
    }
    // Every language's version of a bundle publishes its files beside it.
    for (bundle, asset) in bundle_assets {
        for (_, assets) in out.pages.iter_mut().filter(|(f, _)| f.bundle_dir.as_ref() == Some(&bundle)) {
            assets.push(asset.clone());
        }
    }
    out
}

/// The nearest folder at or above `path`'s folder that holds an `index.md`.
fn enclosing_bundle(path: &Path, bundles: &HashSet<PathBuf>, content_dir: &Path) -> Option<PathBuf> {
    let mut dir = path.parent();
    while let Some(d) = dir {
        if d == content_dir || !d.starts_with(content_dir) {
            return None;
        }
        if bundles.contains(d) {
            return Some(d.to_path_buf());
        }
        dir = d.parent();
    }
    None
}

fn relative_string(base: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(base).unwrap_or(path);
    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

fn folder_components(content_dir: &Path, dir: Option<&Path>) -> Vec<String> {
    dir.and_then(|d| d.strip_prefix(content_dir).ok())
        .map(|rel| rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect())
        .unwrap_or_default()
}

fn file_info(content_dir: &Path, path: &Path, relative: String, name: &str, lang: Option<String>) -> FileInfo {
    FileInfo {
        components: folder_components(content_dir, path.parent()),
        name: name.to_owned(),
        path: path.to_path_buf(),
        relative,
        bundle_dir: None,
        lang,
    }
}

fn bundle_page(content_dir: &Path, path: &Path, bundle: &Path, relative: String, lang: Option<String>) -> FileInfo {
    FileInfo {
        components: folder_components(content_dir, bundle.parent()),
        name: bundle.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default(),
        path: path.to_path_buf(),
        relative,
        bundle_dir: Some(bundle.to_path_buf()),
        lang,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_sections_pages_bundles_and_assets() {
        let c = PathBuf::from("/c");
        let files = [
            "/c/_index.md",
            "/c/news/_index.md",
            "/c/news/a.md",
            "/c/news/flyer.pdf",
            "/c/news/b/index.md",
            "/c/news/b/map.svg",
            "/c/news/b/img/x.png",
        ]
        .map(PathBuf::from)
        .to_vec();
        let out = classify(&c, files, None);
        assert_eq!(out.sections.len(), 2);
        assert_eq!(out.sections[1].components, ["news"]);
        let rels: Vec<_> = out.pages.iter().map(|(f, _)| f.relative.as_str()).collect();
        assert_eq!(rels, ["news/a.md", "news/b/index.md"]);
        let bundle = &out.pages[1];
        assert_eq!(bundle.0.name, "b");
        assert_eq!(bundle.0.components, ["news"]);
        assert_eq!(bundle.1, [PathBuf::from("map.svg"), PathBuf::from("img/x.png")]);
        assert_eq!(out.assets.len(), 1);
        assert_eq!(out.assets[0].relative, "news/flyer.pdf");
    }

    #[test]
    fn language_suffixes_on_a_site_with_several_languages() {
        let c = PathBuf::from("/c");
        let files = ["/c/_index.cy.md", "/c/news/a.cy.md", "/c/news/a.en.md", "/c/news/v1.2.md", "/c/b/index.cy.md"];
        let out = classify(&c, files.map(PathBuf::from).to_vec(), Some("en"));
        assert_eq!(out.sections[0].lang.as_deref(), Some("cy"));
        let pages: Vec<_> = out.pages.iter().map(|(f, _)| (f.name.as_str(), f.lang.as_deref())).collect();
        assert_eq!(pages, [("a", Some("cy")), ("a", None), ("v1.2", None), ("b", Some("cy"))]);
        let one_language = classify(&c, vec![PathBuf::from("/c/news/a.cy.md")], None);
        assert_eq!((one_language.pages[0].0.name.as_str(), one_language.pages[0].0.lang.as_deref()), ("a.cy", None));
    }

    #[test]
    fn editor_files_are_ignored() {
        for n in [".a.md.swp", "a.md~", "#a.md#", "4913", ".DS_Store"] {
            assert!(is_ignored_name(n), "{n}");
        }
        assert!(!is_ignored_name("a.md"));
    }
}
