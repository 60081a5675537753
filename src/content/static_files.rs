//! Files copied to the output as they are: the theme's `static/`, the
//! site's `static/` (which wins over the theme's, file by file), loose files
//! in `content/`, and each page bundle's files beside its page.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::content::library::Library;
use crate::content::walk::files_under;
use crate::error::Result;

/// Output path (`images/logo.svg`) to the file it is copied from.
pub type StaticFiles = BTreeMap<String, PathBuf>;

/// Everything to copy, later sources overriding earlier ones.
pub fn collect(config: &Config, library: &Library) -> Result<StaticFiles> {
    let mut files = StaticFiles::new();
    if let Some(theme) = &config.paths.theme {
        add_folder(&mut files, &theme.join("static"))?;
    }
    add_folder(&mut files, &config.paths.static_dir)?;
    for asset in &library.assets {
        files.insert(asset.relative.clone(), asset.path.clone());
    }
    for page in &library.pages {
        let Some(bundle) = &page.file.bundle_dir else { continue };
        for asset in &page.assets {
            let out = crate::base::urls::asset_path(&page.path, asset);
            files.insert(out.trim_start_matches('/').to_owned(), bundle.join(asset));
        }
    }
    Ok(files)
}

fn add_folder(files: &mut StaticFiles, dir: &Path) -> Result<()> {
    files.extend(files_under(dir, "this folder")?);
    Ok(())
}
