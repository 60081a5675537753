//! Runs Pagefind's indexer over [`Record`]s and returns its files.
//!
//! Pagefind's API is async (it moves each record onto tokio's blocking
//! pool); the build is not. The indexer runs on a runtime of its own, on a
//! thread of its own, so it works the same from `build` and from inside the
//! preview server's runtime (where a nested `block_on` would panic).

use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;

use super::Record;

/// The folder of the output that holds the index and Pagefind's script.
pub const BUNDLE_DIR: &str = "pagefind";

/// Pagefind's ready-made interfaces: the theme draws its own results, so
/// these (about 400 KB) are not published.
const UNUSED_FILES: &[&str] = &[
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-highlight.js",
];

/// One file of the index: its output path (under [`BUNDLE_DIR`]) and bytes.
pub struct IndexFile {
    /// Output path, `/`-separated, e.g. `pagefind/pagefind.js`.
    pub path: String,
    /// The bytes to write.
    pub bytes: Vec<u8>,
}

/// Indexes `records` as one language (`language`, the site's): a hub's
/// entries in other languages are found from the same search box, and their
/// language is a filter instead of a separate index per language.
pub fn index(records: Vec<Record>, language: &str) -> Result<Vec<IndexFile>, String> {
    let language = language.to_owned();
    std::thread::scope(|scope| {
        let worker = scope.spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| format!("could not start the indexer: {e}"))?;
            runtime.block_on(run(records, language))
        });
        worker.join().unwrap_or_else(|_| Err("the search indexer stopped unexpectedly".into()))
    })
}

async fn run(records: Vec<Record>, language: String) -> Result<Vec<IndexFile>, String> {
    let options = PagefindServiceConfig::builder().force_language(language.clone()).build();
    let mut index = PagefindIndex::new(Some(options)).map_err(|e| format!("could not start the indexer: {e}"))?;
    for record in records {
        let Record { url, content, meta, filters, sort } = record;
        index
            .add_custom_record(url.clone(), content, language.clone(), Some(meta), Some(filters), Some(sort))
            .await
            .map_err(|e| format!("could not index {url}: {e}"))?;
    }
    let files = index.get_files().await.map_err(|e| format!("could not write the search index: {e}"))?;
    Ok(files
        .into_iter()
        .filter_map(|file| {
            let name = file.filename.to_string_lossy().replace('\\', "/");
            (!UNUSED_FILES.contains(&name.as_str()))
                .then(|| IndexFile { path: format!("{BUNDLE_DIR}/{name}"), bytes: file.contents })
        })
        .collect())
}
