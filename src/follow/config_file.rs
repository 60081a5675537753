//! `config.toml`'s list of followed sources, edited in place.
//!
//! The file is the editor's: `follow` and `unfollow` change only the
//! `[[federation.sources]]` entries they add or remove, keeping every
//! comment, blank line and the order of everything else (toml_edit keeps
//! the document as written). The new text must still load as a config
//! before it replaces the old one, and it replaces it in one step (a
//! temporary file renamed over it), so an interrupted command leaves the
//! old file or the new one, never half of one.

use std::io::Write;
use std::path::{Path, PathBuf};

use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, value};

use crate::config::{CONFIG_FILE, Config};
use crate::error::{Diagnostic, Error, Result};

/// A followed source as `config.toml` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedSource {
    /// `name`, if set.
    pub name: Option<String>,
    /// `url`, if set.
    pub url: Option<String>,
    /// `path`, if set.
    pub path: Option<String>,
}

impl ListedSource {
    /// How the source is shown: its name, else its address or path.
    pub fn label(&self) -> &str {
        self.name.as_deref().or(self.url.as_deref()).or(self.path.as_deref()).unwrap_or("(unnamed)")
    }
}

/// A site's `config.toml`, open for editing its sources.
pub struct SourcesFile {
    site_root: PathBuf,
    path: PathBuf,
    document: DocumentMut,
}

impl SourcesFile {
    /// Opens `SITE/config.toml`; it must load as a config as it is.
    pub fn open(site_root: &Path) -> Result<SourcesFile> {
        let path = site_root.join(CONFIG_FILE);
        Config::load(site_root)?;
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, "read", &e))?;
        let document = text.parse::<DocumentMut>().map_err(|e| Diagnostic::in_file(&path, e.to_string()))?;
        Ok(SourcesFile { site_root: site_root.to_path_buf(), path, document })
    }

    /// The sources listed now, in file order.
    pub fn sources(&self) -> Vec<ListedSource> {
        let Some(list) = self.list() else { return Vec::new() };
        list.iter()
            .map(|t| {
                let text = |key: &str| t.get(key).and_then(Item::as_str).map(str::to_owned);
                ListedSource { name: text("name"), url: text("url"), path: text("path") }
            })
            .collect()
    }

    /// Adds `[[federation.sources]]` with `name` and `url` at the end of the list.
    pub fn add(&mut self, name: &str, url: &str) {
        let federation = self.document.entry("federation").or_insert_with(|| {
            let mut t = Table::new();
            t.set_implicit(true);
            Item::Table(t)
        });
        let Some(federation) = federation.as_table_like_mut() else { return };
        let sources = federation.entry("sources").or_insert(Item::ArrayOfTables(ArrayOfTables::new()));
        let Some(sources) = sources.as_array_of_tables_mut() else { return };
        let mut entry = Table::new();
        entry.insert("name", value(name));
        entry.insert("url", value(url));
        sources.push(entry);
    }

    /// Removes the source at `index` (of [`SourcesFile::sources`]).
    pub fn remove(&mut self, index: usize) {
        if let Some(list) = self.list_mut()
            && index < list.len()
        {
            list.remove(index);
        }
    }

    /// Writes the file back, once the new text loads as a config.
    pub fn save(&self) -> Result<()> {
        let text = self.document.to_string();
        let config = Config::parse(&self.site_root, &self.path, &text)?;
        crate::build::federation_config(&config)?;
        let folder = self.path.parent().unwrap_or(Path::new("."));
        let mut temporary =
            tempfile::NamedTempFile::new_in(folder).map_err(|e| Error::io(&self.path, "write beside", &e))?;
        temporary.write_all(text.as_bytes()).map_err(|e| Error::io(&self.path, "write", &e))?;
        if let Ok(meta) = std::fs::metadata(&self.path) {
            // The editor's permissions stay, not the temporary file's 0600.
            let _ = std::fs::set_permissions(temporary.path(), meta.permissions());
        }
        temporary.persist(&self.path).map_err(|e| Error::io(&self.path, "replace", &e.error))?;
        Ok(())
    }

    fn list(&self) -> Option<&ArrayOfTables> {
        self.document.get("federation")?.as_table_like()?.get("sources")?.as_array_of_tables()
    }

    fn list_mut(&mut self) -> Option<&mut ArrayOfTables> {
        self.document.get_mut("federation")?.as_table_like_mut()?.get_mut("sources")?.as_array_of_tables_mut()
    }
}
