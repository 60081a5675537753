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
use std::sync::{Arc, RwLock};

use crate::error::{Diagnostic, Error, Result};
use crate::report::{self, Level};
use rebuild::{Files, Preview};
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

/// Runs the preview until the process is stopped.
pub fn run(options: &ServeOptions) -> Result<()> {
    let site_dir =
        options.site_dir.canonicalize().map_err(|e| Error::io(&options.site_dir, "open the site folder", &e))?;
    let (listener, address) = listen(options.bind, options.port)?;
    if !options.bind.is_loopback() {
        eprintln!(
            "warning: listening on {}: anyone who can reach this computer can see the preview, drafts included",
            options.bind
        );
    }
    let host = if options.bind.is_unspecified() { "127.0.0.1".to_owned() } else { address.ip().to_string() };
    let host = if host.contains(':') { format!("[{host}]") } else { host };
    let base_url = format!("http://{host}:{}", address.port());

    // Watch before the first build, so a save during it is not lost.
    let theme = crate::config::Config::load(&site_dir).ok().and_then(|c| c.paths.theme);
    let ignored = vec![site_dir.join("public"), site_dir.join(".branchpress")];
    let watcher = watch::SiteWatcher::new(&site_dir, theme.as_deref(), ignored)?;
    let mut preview = Preview::new(&site_dir, &base_url, options.drafts);
    let channel = ReloadChannel::default();
    let files: http::SharedFiles = Arc::new(RwLock::new(Arc::new(Files::new())));
    rebuild_and_tell(&mut preview, &files, &channel, None);

    let _server = http::start(listener, files.clone(), channel.clone())
        .map_err(|e| Diagnostic::new(format!("could not start the preview server: {e}")))?;
    println!("Serving {} at {base_url}/ (press Ctrl+C to stop)", site_dir.display());
    if options.open {
        open_browser(&format!("{base_url}/"));
    }

    while let Some(batch) = watcher.next_batch() {
        if !batch.is_empty() {
            let changed: HashSet<PathBuf> = batch.into_iter().collect();
            rebuild_and_tell(&mut preview, &files, &channel, Some(&changed));
        }
    }
    Ok(())
}

/// Rebuilds, swaps the served files, and tells the open pages and the terminal.
fn rebuild_and_tell(
    preview: &mut Preview,
    files: &http::SharedFiles,
    channel: &ReloadChannel,
    changed: Option<&HashSet<PathBuf>>,
) {
    let first = changed.is_none();
    match preview.rebuild(changed) {
        Ok(update) => {
            if let Ok(mut current) = files.write() {
                *current = update.files.clone();
            }
            channel.send(&Message::reload(update.changed.clone()));
            // Every time, not only after the first build: a warning is still
            // true until its cause is fixed, and the last lines in the
            // terminal are the ones an editor reads.
            for w in &update.warnings {
                eprint!("{}", report::format_diagnostic(Level::Warning, w));
            }
            if first {
                eprintln!("Built {} files in {} ms.", update.files.len(), update.elapsed.as_millis());
            } else {
                eprintln!(
                    "Rebuilt in {} ms: {} file{} changed ({} rendered).",
                    update.elapsed.as_millis(),
                    update.changed.len(),
                    if update.changed.len() == 1 { "" } else { "s" },
                    update.rendered
                );
            }
            for url in &update.new_pages {
                eprintln!("New page: {url}");
            }
        }
        Err(err) => {
            eprint!("{}", report::format_error(&err, "the preview keeps showing the last good version"));
            channel.send(&Message::errors(&err.diagnostics));
        }
    }
}

/// Binds the asked port, or one of the next few when it is taken.
fn listen(bind: IpAddr, port: u16) -> Result<(TcpListener, SocketAddr)> {
    let mut last_error = String::new();
    for candidate in port..port.saturating_add(PORT_TRIES) {
        let address = SocketAddr::new(bind, candidate);
        match TcpListener::bind(address) {
            Ok(listener) => {
                if candidate != port {
                    eprintln!("Port {port} is in use; using {candidate} instead (choose one with --port).");
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
fn open_browser(url: &str) {
    let command = if cfg!(target_os = "macos") {
        ("open", vec![url])
    } else if cfg!(windows) {
        ("cmd", vec!["/C", "start", url])
    } else {
        ("xdg-open", vec![url])
    };
    if std::process::Command::new(command.0).args(&command.1).spawn().is_err() {
        eprintln!("Could not open a browser; open {url} yourself.");
    }
}
