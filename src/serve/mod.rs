//! `branchpress serve`: build into memory, serve on 127.0.0.1, rebuild what
//! changed when a file is saved, and reload the open pages.
//!
//! watch (`watch.rs`) -> rebuild ([`rebuild`]) -> reload (`reload.rs`), with
//! `http.rs` serving the latest good output throughout. `public/` is never
//! touched, and the federation cache is only read, never refreshed.

mod capacity;
mod host_check;
mod http;
pub mod rebuild;
mod reload;
mod socket;
mod watch;

use std::collections::HashSet;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};

use crate::error::{Diagnostic, Error, Result};
use rebuild::{Files, Preview, Update};
use reload::{Message, ReloadChannel};

/// How many ports after the asked one are tried when it is taken.
const PORT_TRIES: u16 = 10;

/// The options of `branchpress serve`.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site folder.
    pub site_dir: PathBuf,
    /// The port to listen on (the next free one if it is taken).
    pub port: u16,
    /// The address to listen on.
    pub bind: IpAddr,
    /// Open the site in the default browser.
    pub open: bool,
    /// Include drafts.
    pub drafts: bool,
}

/// What the preview tells the person running it; `cmd` prints it. The
/// library prints nothing, so the same loop could report elsewhere.
pub enum ServeEvent<'a> {
    /// Listening on an address other computers can reach.
    ReachableFromOthers {
        /// The address.
        bind: IpAddr,
        /// Whether drafts are shown (`--drafts`).
        drafts: bool,
    },
    /// The asked port was taken; another is used.
    PortTaken {
        /// The port asked for.
        asked: u16,
        /// The port used.
        used: u16,
    },
    /// The first build, or a rebuild, finished.
    Built {
        /// What it did.
        update: &'a Update,
        /// Whether it was the first build.
        first: bool,
    },
    /// A build failed; the preview keeps the last good version.
    Failed(&'a Error),
    /// The server is up.
    Serving {
        /// The site folder.
        site_dir: &'a std::path::Path,
        /// The preview's address, ending in `/`.
        url: &'a str,
    },
    /// `--open` could not start a browser.
    BrowserNotOpened(&'a str),
}

/// Runs the preview until the process is stopped, telling `tell` what
/// happens.
pub fn run(options: &ServeOptions, tell: &dyn Fn(ServeEvent<'_>)) -> Result<()> {
    let site_dir =
        options.site_dir.canonicalize().map_err(|e| Error::io(&options.site_dir, "open the site folder", &e))?;
    let (listener, address) = listen(options.bind, options.port, tell)?;
    if !options.bind.is_loopback() {
        tell(ServeEvent::ReachableFromOthers { bind: options.bind, drafts: options.drafts });
    }
    let host = if options.bind.is_unspecified() { "127.0.0.1".to_owned() } else { address.ip().to_string() };
    let host = if host.contains(':') { format!("[{host}]") } else { host };
    let base_url = format!("http://{host}:{}", address.port());

    // Watch before the first build, so a save during it is not lost.
    let theme = crate::config::Config::load(&site_dir).ok().and_then(|c| c.paths.theme);
    let ignored = vec![site_dir.join("public"), site_dir.join(".branchpress")];
    let cache = crate::federation::cache_dir(&site_dir);
    let watcher = watch::SiteWatcher::new(&site_dir, theme.as_deref(), ignored, cache)?;
    let preview = Arc::new(Mutex::new(Preview::new(&site_dir, &base_url, options.drafts)));
    let channel = ReloadChannel::default();
    let files: http::SharedFiles = Arc::new(RwLock::new(Arc::new(Files::new())));
    rebuild_and_tell(&preview, &files, &channel, None, tell);

    let index_on_demand = search_on_demand(preview.clone(), files.clone(), channel.clone());
    let _server = http::start(listener, files.clone(), channel.clone(), &base_url, index_on_demand)
        .map_err(|e| Diagnostic::new(format!("could not start the preview server: {e}")))?;
    let url = format!("{base_url}/");
    tell(ServeEvent::Serving { site_dir: &site_dir, url: &url });
    if options.open {
        open_browser(&url, tell);
    }

    while let Some(batch) = watcher.next_batch() {
        if !batch.is_empty() {
            let changed: HashSet<PathBuf> = batch.into_iter().collect();
            rebuild_and_tell(&preview, &files, &channel, Some(&changed), tell);
        }
    }
    Ok(())
}

/// What the server calls before answering for the search page or the
/// index: adds the last build's search index to the served files when it
/// is not there yet (see [`Preview::search_index`]). The records are taken
/// under the preview's lock, then indexed without it, so a save during
/// indexing is rebuilt and reloaded at once (and that index, for an older
/// build, is dropped). One index is made at a time; a failure shows in the
/// open pages like a build error.
fn search_on_demand(preview: Arc<Mutex<Preview>>, files: http::SharedFiles, channel: ReloadChannel) -> http::OnDemand {
    let one_at_a_time = Mutex::new(());
    Arc::new(move || {
        let _turn = one_at_a_time.lock().unwrap_or_else(|p| p.into_inner());
        let job = preview.lock().unwrap_or_else(|p| p.into_inner()).search_job();
        let Some(job) = job else { return };
        let build = job.build();
        match crate::build::index_records(job.records, &job.language, &job.site_root) {
            Ok(index) => {
                let added = preview.lock().unwrap_or_else(|p| p.into_inner()).add_search_index(build, index);
                if let (Some(indexed), Ok(mut current)) = (added, files.write()) {
                    *current = indexed;
                }
            }
            Err(err) => channel.send(&Message::errors(&err.diagnostics)),
        }
    })
}

/// Rebuilds, swaps the served files, and tells the open pages and the terminal.
fn rebuild_and_tell(
    preview: &Mutex<Preview>,
    files: &http::SharedFiles,
    channel: &ReloadChannel,
    changed: Option<&HashSet<PathBuf>>,
    tell: &dyn Fn(ServeEvent<'_>),
) {
    let first = changed.is_none();
    let result = preview.lock().unwrap_or_else(|p| p.into_inner()).rebuild(changed);
    match result {
        Ok(update) => {
            if let Ok(mut current) = files.write() {
                *current = update.files.clone();
            }
            channel.send(&Message::reload(update.changed.clone()));
            tell(ServeEvent::Built { update: &update, first });
        }
        Err(err) => {
            tell(ServeEvent::Failed(&err));
            channel.send(&Message::errors(&err.diagnostics));
        }
    }
}

/// Binds the asked port, or one of the next few when it is taken.
fn listen(bind: IpAddr, port: u16, tell: &dyn Fn(ServeEvent<'_>)) -> Result<(TcpListener, SocketAddr)> {
    let mut last_error = String::new();
    for candidate in port..port.saturating_add(PORT_TRIES) {
        let address = SocketAddr::new(bind, candidate);
        match TcpListener::bind(address) {
            Ok(listener) => {
                if candidate != port {
                    tell(ServeEvent::PortTaken { asked: port, used: candidate });
                }
                let address = listener.local_addr().unwrap_or(address);
                return Ok((listener, address));
            }
            Err(e) => last_error = e.to_string(),
        }
    }
    Err(Diagnostic::new(format!(
        "could not listen on {bind} ports {port} to {}: {last_error}",
        port.saturating_add(PORT_TRIES - 1)
    ))
    .with_help("choose another port with --port, e.g. --port 8080")
    .into())
}

/// Opens `url` in the default browser, best effort.
fn open_browser(url: &str, tell: &dyn Fn(ServeEvent<'_>)) {
    let command = if cfg!(target_os = "macos") {
        ("open", vec![url])
    } else if cfg!(windows) {
        ("cmd", vec!["/C", "start", url])
    } else {
        ("xdg-open", vec![url])
    };
    if std::process::Command::new(command.0).args(&command.1).spawn().is_err() {
        tell(ServeEvent::BrowserNotOpened(url));
    }
}
