//! The default theme, `commons`, compiled into the binary.
//!
//! `init` copies it into a new site's `themes/commons/`, so the branch owns
//! (and may edit) its copy. A site that names `theme = "commons"` without
//! having that folder (an example site copied elsewhere, a site whose
//! theme folder was deleted) still builds: the compiled-in copy is written
//! once into `.branchpress/themes/` and used from there.

use std::path::{Path, PathBuf};

/// The name of the compiled-in theme.
pub const COMMONS: &str = "commons";

/// The files of the default theme, by path inside `themes/commons/`.
pub const COMMONS_THEME: &[(&str, &[u8])] = &[
    ("README.md", include_bytes!("../themes/commons/README.md")),
    ("i18n/ar.toml", include_bytes!("../themes/commons/i18n/ar.toml")),
    ("i18n/cy.toml", include_bytes!("../themes/commons/i18n/cy.toml")),
    ("i18n/en.toml", include_bytes!("../themes/commons/i18n/en.toml")),
    ("static/commons.css", include_bytes!("../themes/commons/static/commons.css")),
    ("static/favicon.svg", include_bytes!("../themes/commons/static/favicon.svg")),
    ("static/search.js", include_bytes!("../themes/commons/static/search.js")),
    ("templates/events.html", include_bytes!("../themes/commons/templates/events.html")),
    ("templates/404.html", include_bytes!("../themes/commons/templates/404.html")),
    ("templates/base.html", include_bytes!("../themes/commons/templates/base.html")),
    ("templates/index.html", include_bytes!("../themes/commons/templates/index.html")),
    ("templates/network.html", include_bytes!("../themes/commons/templates/network.html")),
    ("templates/network_events.html", include_bytes!("../themes/commons/templates/network_events.html")),
    ("templates/network_branches.html", include_bytes!("../themes/commons/templates/network_branches.html")),
    ("templates/network_tags.html", include_bytes!("../themes/commons/templates/network_tags.html")),
    ("templates/page.html", include_bytes!("../themes/commons/templates/page.html")),
    (
        "templates/partials/network-branch-facts.html",
        include_bytes!("../themes/commons/templates/partials/network-branch-facts.html"),
    ),
    (
        "templates/partials/network-entry.html",
        include_bytes!("../themes/commons/templates/partials/network-entry.html"),
    ),
    (
        "templates/partials/network-feeds.html",
        include_bytes!("../themes/commons/templates/partials/network-feeds.html"),
    ),
    (
        "templates/partials/network-event.html",
        include_bytes!("../themes/commons/templates/partials/network-event.html"),
    ),
    ("templates/partials/network-head.html", include_bytes!("../themes/commons/templates/partials/network-head.html")),
    ("templates/partials/network-nav.html", include_bytes!("../themes/commons/templates/partials/network-nav.html")),
    ("templates/partials/event.html", include_bytes!("../themes/commons/templates/partials/event.html")),
    ("templates/partials/event-list.html", include_bytes!("../themes/commons/templates/partials/event-list.html")),
    ("templates/partials/page-card.html", include_bytes!("../themes/commons/templates/partials/page-card.html")),
    ("templates/shortcodes/button.html", include_bytes!("../themes/commons/templates/shortcodes/button.html")),
    ("templates/shortcodes/details.md", include_bytes!("../themes/commons/templates/shortcodes/details.md")),
    ("templates/shortcodes/figure.md", include_bytes!("../themes/commons/templates/shortcodes/figure.md")),
    ("templates/shortcodes/map.html", include_bytes!("../themes/commons/templates/shortcodes/map.html")),
    ("templates/shortcodes/notice.md", include_bytes!("../themes/commons/templates/shortcodes/notice.md")),
    ("templates/shortcodes/video.html", include_bytes!("../themes/commons/templates/shortcodes/video.html")),
    ("templates/shortcodes/youtube.html", include_bytes!("../themes/commons/templates/shortcodes/youtube.html")),
    ("templates/partials/page-list.html", include_bytes!("../themes/commons/templates/partials/page-list.html")),
    ("templates/partials/pagination.html", include_bytes!("../themes/commons/templates/partials/pagination.html")),
    ("templates/partials/tags.html", include_bytes!("../themes/commons/templates/partials/tags.html")),
    ("templates/search.html", include_bytes!("../themes/commons/templates/search.html")),
    ("templates/section.html", include_bytes!("../themes/commons/templates/section.html")),
    ("templates/taxonomy_list.html", include_bytes!("../themes/commons/templates/taxonomy_list.html")),
    ("templates/taxonomy_term.html", include_bytes!("../themes/commons/templates/taxonomy_term.html")),
    ("theme.toml", include_bytes!("../themes/commons/theme.toml")),
];

/// The compiled-in theme as a folder: `.branchpress/themes/commons-<hash>/`
/// of `site_root`, written on first use (into a temporary folder renamed
/// into place, so a half-written copy is never used).
pub fn compiled_in_folder(site_root: &Path) -> std::io::Result<PathBuf> {
    let themes = site_root.join(".branchpress").join("themes");
    let folder = themes.join(format!("{COMMONS}-{:016x}", content_hash()));
    if folder.is_dir() {
        return Ok(folder);
    }
    std::fs::create_dir_all(&themes)?;
    let staging = tempfile::Builder::new().prefix(".theme-").tempdir_in(&themes)?;
    for (path, bytes) in COMMONS_THEME {
        let file = staging.path().join(path);
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(file, bytes)?;
    }
    match std::fs::rename(staging.path(), &folder) {
        Ok(()) => Ok(folder),
        // Another build got there first: its copy is the same.
        Err(_) if folder.is_dir() => Ok(folder),
        Err(e) => Err(e),
    }
}

/// A hash of every file of the theme, so a newer branchpress writes its own copy.
fn content_hash() -> u64 {
    static HASH: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *HASH.get_or_init(|| {
        let mut all = Vec::new();
        for (path, bytes) in COMMONS_THEME {
            all.extend_from_slice(path.as_bytes());
            all.push(0);
            all.extend_from_slice(bytes);
        }
        crate::base::hash::fnv1a(&all)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The embedded theme must list every file of themes/commons/.
    #[test]
    fn embedded_theme_matches_the_folder() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/commons");
        let mut on_disk: Vec<String> = walkdir::WalkDir::new(&dir)
            .into_iter()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_file())
            .map(|e| e.path().strip_prefix(&dir).unwrap().to_string_lossy().replace('\\', "/"))
            .collect();
        on_disk.sort();
        let mut embedded: Vec<String> = COMMONS_THEME.iter().map(|(p, _)| (*p).to_owned()).collect();
        embedded.sort();
        assert_eq!(embedded, on_disk, "update COMMONS_THEME in src/theme.rs");
    }

    #[test]
    fn the_compiled_in_copy_is_written_once_and_whole() {
        let site = tempfile::tempdir().unwrap();
        let folder = compiled_in_folder(site.path()).unwrap();
        assert!(folder.join("templates/base.html").is_file() && folder.join("theme.toml").is_file());
        assert_eq!(compiled_in_folder(site.path()).unwrap(), folder);
        let entries: Vec<_> = std::fs::read_dir(folder.parent().unwrap()).unwrap().collect();
        assert_eq!(entries.len(), 1, "no staging folder is left behind");
    }
}
