//! Photos from phones: every local raster image a page shows is published
//! small, upright and without what its metadata says (GPS position, camera,
//! time).
//!
//! 1. **probe** ([`probe`]): format, size, EXIF orientation, content hash,
//!    read from the header with the size limits checked first;
//! 2. **plan** ([`Images`]): Markdown images and the template functions ask
//!    for variants while the site renders; each gets an output path named
//!    by its source's content hash and the operation;
//! 3. **process** ([`process`]): after rendering, every planned variant not
//!    in the cache ([`cache`]) is made, one decode per source, sources in
//!    parallel;
//! 4. **strip** ([`strip`]): images copied as they are (`static/`, page
//!    bundles) lose their metadata losslessly, or are turned upright and
//!    re-encoded when their EXIF says they are rotated.
//!
//! Nothing here writes the output: it hands back files (in the cache) or
//! bytes, and the build copies them into its sink.

pub mod cache;
pub mod format;
pub mod html;
pub mod probe;
pub mod process;
pub mod strip;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use rayon::prelude::*;

use crate::base::hash::fnv1a;
use crate::config::{Config, ImagesConfig};
use crate::error::Diagnostic;
use cache::{Cache, Known, Stamp};
pub use html::Responsive;
use html::Srcset;
pub use probe::{Format, Probe};
pub use process::{Op, Operation};

/// Where processed images are published (Zola's folder name).
pub const FOLDER: &str = "processed_images";

/// The Markdown fragment that asks for an image to be published as it is
/// (metadata still removed): `![A map](map.png#original)`.
pub const ORIGINAL_FRAGMENT: &str = "#original";

/// A processed image, planned: what template functions return.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    /// Output path (`processed_images/photo-0123456789abcdef.jpg`).
    pub key: String,
    /// Its address.
    pub url: String,
    /// Its size.
    pub width: u32,
    /// Its size.
    pub height: u32,
    /// The source's size (upright).
    pub source: Probe,
}

/// Where the bytes of an output image are.
pub enum Ready {
    /// In this file (the original itself).
    File(PathBuf),
    /// In this file of the cache, which is never changed in place.
    Cached(PathBuf),
    /// Here (the cache could not be written).
    Bytes(Vec<u8>),
}

struct Planned {
    source: PathBuf,
    probe: Probe,
    op: Operation,
}

/// The images of one build: the settings, what the site's files are, what
/// has been planned, and the cache.
pub struct Images {
    settings: ImagesConfig,
    base_url: String,
    /// Output path to source file, of everything copied as it is.
    files: BTreeMap<String, PathBuf>,
    cache: Cache,
    probes: Mutex<HashMap<PathBuf, Known>>,
    /// A probe was added since they were loaded: save them.
    probed: AtomicBool,
    planned: Mutex<BTreeMap<String, Planned>>,
    /// Source file to the first Markdown file and line that shows it, so
    /// an image that fails to decode is reported where it is used.
    shown_at: Mutex<HashMap<PathBuf, (PathBuf, usize)>>,
    made: AtomicUsize,
    reused: AtomicUsize,
}

/// How much image work a build did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Work {
    /// Images decoded and encoded (or stripped) by this build.
    pub made: usize,
    /// Images taken from the cache.
    pub reused: usize,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Images {
    /// The images of a site whose copied files are `files`. With
    /// `previous` (the last build of a preview), sources it probed are
    /// not read again.
    pub fn new(config: &Config, files: &BTreeMap<String, PathBuf>, previous: Option<&Images>) -> Images {
        let cache = Cache::new(cache::dir(&config.paths.root));
        let probes = match previous {
            Some(p) => lock(&p.probes).clone(),
            None => cache.load_probes(),
        };
        Images {
            settings: config.images.clone(),
            base_url: config.base_url.clone(),
            files: files.clone(),
            cache,
            probes: Mutex::new(probes),
            probed: AtomicBool::new(false),
            planned: Mutex::default(),
            shown_at: Mutex::default(),
            made: AtomicUsize::new(0),
            reused: AtomicUsize::new(0),
        }
    }

    /// The `[images]` settings.
    pub fn settings(&self) -> &ImagesConfig {
        &self.settings
    }

    /// The source file of an output path, if it is a file copied as it is.
    pub fn source_of(&self, key: &str) -> Option<&Path> {
        self.files.get(key).map(PathBuf::as_path)
    }

    /// Notes that the Markdown `file` shows the image at output path `key` on `line`.
    pub fn shown_at(&self, key: &str, file: &Path, line: usize) {
        if let Some(source) = self.files.get(key) {
            lock(&self.shown_at).entry(source.clone()).or_insert_with(|| (file.to_owned(), line));
        }
    }

    /// An error about the image `source`: at the Markdown line showing it
    /// when there is one, else at the file itself.
    fn error_about(&self, source: &Path, message: String) -> Diagnostic {
        match lock(&self.shown_at).get(source) {
            Some((file, line)) => {
                Diagnostic::new(format!("the image {} cannot be published: {message}", source.display()))
                    .at(file, *line, 0)
            }
            None => Diagnostic::in_file(source, message),
        }
    }

    /// What the image at `path` is (remembered by size and modification time).
    pub fn probe(&self, path: &Path) -> Result<Probe, String> {
        let stamp = Stamp::of(path).ok_or_else(|| "this file could not be read".to_owned())?;
        if let Some(known) = lock(&self.probes).get(path).filter(|k| k.stamp == stamp) {
            return Ok(known.probe);
        }
        let bytes = std::fs::read(path).map_err(|e| format!("this file could not be read ({e})"))?;
        let probe = probe::probe(&bytes)?;
        lock(&self.probes).insert(path.to_owned(), Known { stamp, probe });
        self.probed.store(true, Ordering::Relaxed);
        Ok(probe)
    }

    /// Plans `op` on the copied file at output path `key`.
    pub fn plan(&self, key: &str, op: Operation) -> Result<Variant, String> {
        let source = self.source_of(key).ok_or_else(|| format!("no file `{key}` in static/ or content/"))?;
        let probe = self.probe(source)?;
        let stem = key.rsplit('/').next().unwrap_or(key).rsplit_once('.').map_or(key, |(s, _)| s);
        let stem: String = crate::base::urls::slugify(stem).chars().take(40).collect();
        let id = fnv1a(format!("{:016x}{op:?}", probe.hash).as_bytes());
        let out = format!("{FOLDER}/{stem}-{id:016x}.{}", op.format.extension());
        let url = format!("{}/{out}", self.base_url);
        lock(&self.planned).insert(out.clone(), Planned { source: source.to_owned(), probe, op });
        Ok(Variant { key: out, url, width: op.width, height: op.height, source: probe })
    }

    /// The responsive variants of the image at output path `key`, for a
    /// Markdown image: `None` when `key` is not a raster file of the site
    /// (an SVG, a file that does not exist: `check` reports those).
    pub fn responsive(&self, key: &str) -> Option<Result<Responsive, String>> {
        if Format::is_heic(key) && self.files.contains_key(key) {
            return Some(Err(probe::HEIC.to_owned()));
        }
        let source = self.files.get(key)?;
        Format::of_name(key)?;
        Some(self.probe(source).and_then(|probe| self.plan_responsive(key, &probe)))
    }

    fn plan_responsive(&self, key: &str, probe: &Probe) -> Result<Responsive, String> {
        let widths = self.widths_for(probe.width);
        let formats = self.formats_for(probe.format);
        let mut sets = Vec::new();
        for format in formats {
            let mut candidates = Vec::new();
            for &w in &widths {
                let (width, height) = process::target_size(Op::FitWidth, (probe.width, probe.height), Some(w), None)?;
                let quality = match (format, probe.format) {
                    // A photo's WebP is lossy; a drawing's (PNG, WebP) lossless.
                    (Format::Webp, Format::Png | Format::Webp) => process::LOSSLESS,
                    _ => self.settings.quality,
                };
                let op = Operation { width, height, crop: false, format, quality };
                let v = self.plan(key, op)?;
                candidates.push((v.url, width));
            }
            sets.push(Srcset { format, candidates });
        }
        let fallback = sets.pop().ok_or_else(|| "no image format configured".to_owned())?;
        let (width, height) = {
            let top = widths.last().copied().unwrap_or(probe.width);
            process::target_size(Op::FitWidth, (probe.width, probe.height), Some(top), None)?
        };
        let original = self.settings.link_original.then(|| format!("{}/{}", self.base_url, key.replace(' ', "%20")));
        Ok(Responsive { width, height, sources: sets, fallback, original })
    }

    /// The configured widths narrower than `original`, and `original`
    /// itself when a configured width is wider (never enlarged).
    fn widths_for(&self, original: u32) -> Vec<u32> {
        let mut widths: Vec<u32> = self.settings.widths.iter().copied().filter(|w| *w < original).collect();
        if self.settings.widths.iter().any(|w| *w >= original) {
            widths.push(original);
        }
        widths.sort_unstable();
        widths.dedup();
        widths
    }

    /// The formats to publish a `source` image in, the fallback last.
    fn formats_for(&self, source: Format) -> Vec<Format> {
        let mut formats: Vec<Format> = Vec::new();
        for name in &self.settings.formats {
            let format = match name.as_str() {
                "webp" => Format::Webp,
                "jpeg" => Format::Jpeg,
                "png" => Format::Png,
                _ => source,
            };
            if !formats.contains(&format) {
                formats.push(format);
            }
        }
        formats
    }

    /// Every planned output path.
    pub fn planned_keys(&self) -> Vec<String> {
        lock(&self.planned).keys().cloned().collect()
    }

    /// Makes every planned variant not already in the cache (one decode
    /// per source, sources in parallel) and returns where each output's
    /// bytes are. `skip` leaves out outputs the caller already has.
    pub fn publish(&self, skip: &(dyn Fn(&str) -> bool + Sync)) -> Vec<Result<(String, Ready), Diagnostic>> {
        let planned = lock(&self.planned);
        let mut by_source: BTreeMap<&Path, Vec<(&String, &Planned)>> = BTreeMap::new();
        for (key, p) in planned.iter().filter(|(k, _)| !skip(k)) {
            by_source.entry(p.source.as_path()).or_default().push((key, p));
        }
        let groups: Vec<_> = by_source.into_iter().collect();
        groups.into_par_iter().flat_map_iter(|(source, outputs)| self.publish_source(source, &outputs)).collect()
    }

    fn publish_source(
        &self,
        source: &Path,
        outputs: &[(&String, &Planned)],
    ) -> Vec<Result<(String, Ready), Diagnostic>> {
        let name = |key: &str| key.rsplit('/').next().unwrap_or(key).to_owned();
        let mut results = Vec::with_capacity(outputs.len());
        let mut missing = Vec::new();
        for (key, p) in outputs {
            match self.cache.get(&name(key)) {
                Some(path) => {
                    self.reused.fetch_add(1, Ordering::Relaxed);
                    results.push(Ok(((*key).clone(), Ready::Cached(path))));
                }
                None => missing.push((*key, *p)),
            }
        }
        if missing.is_empty() {
            return results;
        }
        let located = |msg: String| self.error_about(source, msg);
        let made = std::fs::read(source).map_err(|e| located(format!("this file could not be read ({e})"))).and_then(
            |bytes| {
                let ops: Vec<Operation> = missing.iter().map(|(_, p)| p.op).collect();
                process::run(&bytes, &missing[0].1.probe, &ops).map_err(located)
            },
        );
        match made {
            Ok(images) => {
                self.made.fetch_add(images.len(), Ordering::Relaxed);
                for ((key, _), bytes) in missing.into_iter().zip(images) {
                    results.push(Ok((key.clone(), self.keep(&name(key), bytes))));
                }
            }
            Err(e) => results.push(Err(e)),
        }
        results
    }

    /// Stores `bytes` in the cache; the bytes themselves when it cannot be written.
    fn keep(&self, name: &str, bytes: Vec<u8>) -> Ready {
        match self.cache.put(name, &bytes) {
            Ok(path) => Ready::Cached(path),
            Err(_) => Ready::Bytes(bytes),
        }
    }

    /// Where the published bytes of a copied file are: the file itself,
    /// unless it is a raster image with metadata, which is published
    /// stripped (losslessly), or upright and re-encoded when its EXIF
    /// says it is rotated.
    pub fn copied(&self, key: &str, from: &Path) -> Result<Ready, Diagnostic> {
        if self.settings.keep_metadata {
            return Ok(Ready::File(from.to_owned()));
        }
        let located = |msg: String| self.error_about(from, msg);
        if Format::is_heic(key) {
            return Err(located(probe::HEIC.to_owned()));
        }
        let Some(format) = Format::of_name(key) else { return Ok(Ready::File(from.to_owned())) };
        let probe = self.probe(from).map_err(located)?;
        if !probe.metadata {
            return Ok(Ready::File(from.to_owned()));
        }
        let name = format!("clean-{:016x}.{}", probe.hash, format.extension());
        if let Some(path) = self.cache.get(&name) {
            self.reused.fetch_add(1, Ordering::Relaxed);
            return Ok(Ready::Cached(path));
        }
        let bytes = std::fs::read(from).map_err(|e| located(format!("this file could not be read ({e})")))?;
        let clean = self.clean(&bytes, &probe).map_err(located)?;
        self.made.fetch_add(1, Ordering::Relaxed);
        Ok(self.keep(&name, clean))
    }

    /// `bytes` without metadata, shown upright: a JPEG keeps only its
    /// orientation (lossless), other formats are turned and re-encoded.
    fn clean(&self, bytes: &[u8], probe: &Probe) -> Result<Vec<u8>, String> {
        if probe.orientation == 1 {
            return Ok(strip::strip(bytes, probe.format)?.unwrap_or_else(|| bytes.to_vec()));
        }
        if probe.format == Format::Jpeg {
            return strip::strip_jpeg_keeping_orientation(bytes, probe.orientation);
        }
        let image = process::decode_upright(bytes, probe)?;
        let quality = self.settings.quality.max(90);
        let op = Operation { width: probe.width, height: probe.height, crop: false, format: probe.format, quality };
        process::encode(&image, &op)
    }

    /// What this build did so far.
    pub fn work(&self) -> Work {
        Work { made: self.made.load(Ordering::Relaxed), reused: self.reused.load(Ordering::Relaxed) }
    }

    /// The warning `keep_metadata = true` gives on every build.
    pub fn warnings(&self, config_file: &Path) -> Vec<Diagnostic> {
        if !self.settings.keep_metadata {
            return Vec::new();
        }
        vec![
            Diagnostic::in_file(
                config_file,
                "[images] keep_metadata = true: images are published with their metadata, which often \
                 holds the GPS position where a photo was taken",
            )
            .with_help("remove keep_metadata unless every image's metadata is safe to publish"),
        ]
    }

    /// Remembers the probes for the next build and, after a whole build
    /// (`prune`), deletes cached images no page used.
    pub fn finish(&self, prune: bool) {
        let mut probes = lock(&self.probes);
        let before = probes.len();
        if prune {
            let sources: std::collections::HashSet<&PathBuf> = self.files.values().collect();
            probes.retain(|path, _| sources.contains(path));
        }
        // A site without images (or with none new) writes nothing.
        if self.probed.load(Ordering::Relaxed) || probes.len() != before {
            self.cache.save_probes(&probes);
        }
        if prune {
            self.cache.prune();
        }
    }
}
