//! Files copied to the output as they are: the theme's `static/`, the
//! site's `static/` (which wins over the theme's, file by file), loose files
//! in `content/`, and each page bundle's files beside its page.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::content::library::Library;
use crate::content::walk::files_under;
use crate::error::{Diagnostic, Error, Result};

/// Output path (`images/logo.svg`) to the file it is copied from.
pub type StaticFiles = BTreeMap<String, PathBuf>;

/// Everything to copy. The site's `static/` overrides the theme's file by
/// file; any other two files on one output path (`static/news/map.svg` and
/// a bundle's `map.svg`) are an error naming both, never "last one wins".
pub fn collect(config: &Config, library: &Library) -> Result<StaticFiles> {
    let mut files = StaticFiles::new();
    if let Some(theme) = &config.paths.theme {
        add_folder(&mut files, &theme.join("static"))?;
    }
    add_folder(&mut files, &config.paths.static_dir)?;
    let mut copies: Vec<(String, PathBuf)> =
        library.assets.iter().map(|asset| (asset.relative.clone(), asset.path.clone())).collect();
    for page in &library.pages {
        let Some(bundle) = &page.file.bundle_dir else { continue };
        for asset in &page.assets {
            let out = crate::render::values::asset_path(page, asset);
            copies.push((out.trim_start_matches('/').to_owned(), bundle.join(asset)));
        }
    }
    let theme_static = config.paths.theme.as_ref().map(|t| t.join("static"));
    let mut clashes = Vec::new();
    for (key, from) in copies {
        if let Some(earlier) = files.insert(key.clone(), from.clone())
            && theme_static.as_ref().is_none_or(|t| !earlier.starts_with(t))
        {
            clashes.push(
                Diagnostic::in_file(
                    &from,
                    format!("two files are copied to `{key}`: this one and {}", earlier.display()),
                )
                .with_help("rename or remove one of them"),
            );
        }
    }
    if clashes.is_empty() { Ok(files) } else { Err(Error::many(clashes)) }
}

fn add_folder(files: &mut StaticFiles, dir: &Path) -> Result<()> {
    files.extend(files_under(dir, "this folder")?);
    Ok(())
}
