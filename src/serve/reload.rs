//! Telling open pages to reload.
//!
//! Every served HTML page gets a small script that opens a WebSocket at
//! `__branchpress/events` (a URL relative to the page, so it works behind a
//! proxy or under a sub-path). After each rebuild the server
//! sends one message: which output files changed, or the build's errors.
//! A page reloads when its own file changed, swaps stylesheets when only CSS
//! changed, and shows errors in an overlay until the next good build.

use std::sync::{Arc, Mutex};

use serde::Serialize;
use tokio::sync::broadcast;

use crate::error::Diagnostic;

/// The path of the event stream, relative to the site root.
pub const EVENTS_PATH: &str = "__branchpress/events";

/// One message to the open pages.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Message {
    /// A rebuild finished: these output files changed.
    Reload {
        /// Output paths (`news/x/index.html`).
        changed: Vec<String>,
        /// Only stylesheets changed.
        css_only: bool,
    },
    /// The last rebuild failed.
    Error {
        /// One entry per problem.
        errors: Vec<ErrorLine>,
    },
}

/// A problem, as the overlay shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ErrorLine {
    /// `content/news/x.md:3:8`, or empty.
    pub place: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it, if known.
    pub help: String,
}

impl Message {
    /// The message for a failed rebuild.
    pub fn errors(diagnostics: &[Diagnostic]) -> Message {
        let errors = diagnostics
            .iter()
            .map(|d| ErrorLine {
                place: d
                    .location
                    .as_ref()
                    .map(|l| match (l.line, l.column) {
                        (0, _) => l.path.display().to_string(),
                        (line, 0) => format!("{}:{line}", l.path.display()),
                        (line, col) => format!("{}:{line}:{col}", l.path.display()),
                    })
                    .unwrap_or_default(),
                message: d.message.clone(),
                help: d.help.clone().unwrap_or_default(),
            })
            .collect();
        Message::Error { errors }
    }

    /// The message after a good rebuild.
    pub fn reload(changed: Vec<String>) -> Message {
        let css_only = !changed.is_empty() && changed.iter().all(|p| p.ends_with(".css"));
        Message::Reload { changed, css_only }
    }

    fn to_event(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".into())
    }
}

/// How many messages a page may fall behind before it skips to the newest
/// (each message is a whole state, so only the newest matters).
const BACKLOG: usize = 16;

/// The channel from the rebuild loop to the open pages' sockets. It also
/// keeps the last error, for pages opened while the site is broken.
#[derive(Clone)]
pub struct ReloadChannel {
    inner: Arc<Mutex<ChannelState>>,
}

struct ChannelState {
    sender: broadcast::Sender<Arc<str>>,
    last_error: Option<Arc<str>>,
}

/// One open page's view of the channel.
pub struct Subscription {
    /// The current error, to send first, if the site is broken.
    pub current_error: Option<Arc<str>>,
    /// The messages after it.
    pub updates: broadcast::Receiver<Arc<str>>,
}

impl Default for ReloadChannel {
    fn default() -> ReloadChannel {
        let (sender, _) = broadcast::channel(BACKLOG);
        ReloadChannel { inner: Arc::new(Mutex::new(ChannelState { sender, last_error: None })) }
    }
}

impl ReloadChannel {
    /// A new page's stream: the current error, if any, then every message.
    pub fn subscribe(&self) -> Subscription {
        let state = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        Subscription { current_error: state.last_error.clone(), updates: state.sender.subscribe() }
    }

    /// Sends a message to every open page (none open is fine).
    pub fn send(&self, message: &Message) {
        let event: Arc<str> = message.to_event().into();
        let mut state = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        state.last_error = matches!(message, Message::Error { .. }).then(|| event.clone());
        let _ = state.sender.send(event);
    }

    /// How many pages are listening.
    #[cfg(test)]
    pub fn listeners(&self) -> usize {
        self.inner.lock().unwrap_or_else(|p| p.into_inner()).sender.receiver_count()
    }
}

/// The script added to every served HTML page. `path` is the page's output
/// path (`news/x/index.html`), or `*` for a "not found" answer (which
/// reloads on any change, so a page being created shows up as soon as it
/// exists); `root` is the relative way up to the site root.
pub fn script(path: &str, root: &str) -> String {
    let path = serde_json::to_string(path).unwrap_or_else(|_| "\"\"".into());
    let events = serde_json::to_string(&format!("{root}{EVENTS_PATH}")).unwrap_or_default();
    format!("<script>/* branchpress live reload */{CLIENT}bpLiveReload({path},{events});</script>")
}

/// The client side: WebSocket, reload, stylesheet swap, error overlay.
const CLIENT: &str = r#"
function bpLiveReload(me, url) {
  var box = null;
  function overlay(errors) {
    if (!box) {
      box = document.createElement("div");
      box.id = "branchpress-error-overlay";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;padding:2rem;" +
        "background:rgba(20,20,20,.95);color:#fff;font:16px/1.5 monospace;white-space:pre-wrap";
      document.body.appendChild(box);
    }
    box.textContent = "The site could not be rebuilt. Fix this and save again:\n\n" + errors.map(function (e) {
      return (e.place ? e.place + "\n  " : "") + e.message + (e.help ? "\n  help: " + e.help : "");
    }).join("\n\n");
  }
  function swapCss() {
    document.querySelectorAll('link[rel="stylesheet"]').forEach(function (l) {
      var u = new URL(l.href); u.searchParams.set("bp-reload", Date.now()); l.href = u.toString();
    });
  }
  var socket = new WebSocket(new URL(url, location.href).href.replace(/^http/, "ws"));
  socket.onmessage = function (event) {
    var m = JSON.parse(event.data);
    if (m.kind === "error") { overlay(m.errors); return; }
    if (box) { box.remove(); box = null; if (!m.css_only) { location.reload(); return; } }
    if (m.css_only) { swapCss(); return; }
    if (me === "*" ? m.changed.length > 0 : m.changed.indexOf(me) >= 0) location.reload();
  };
}
"#;

/// Adds the script to an HTML page, before `</body>` (or at the end).
/// `file` is the output file served, `request_path` the URL path asked for
/// (they differ for folders and for the 404 page).
pub fn inject(html: &[u8], file: &str, request_path: &str) -> Vec<u8> {
    let depth = request_path.matches('/').count().saturating_sub(1);
    let root = "../".repeat(depth);
    let script = script(file, &root);
    let text = String::from_utf8_lossy(html);
    let mut out = String::with_capacity(text.len() + script.len());
    match text.rfind("</body>") {
        Some(at) => {
            out.push_str(&text[..at]);
            out.push_str(&script);
            out.push_str(&text[at..]);
        }
        None => {
            out.push_str(&text);
            out.push_str(&script);
        }
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_goes_before_body_end_with_a_relative_event_url() {
        let html = inject(b"<html><body><p>x</p></body></html>", "news/x/index.html", "/news/x/");
        let html = String::from_utf8(html).unwrap();
        assert!(html.ends_with("</script></body></html>"), "{html}");
        assert!(html.contains("\"../../__branchpress/events\""), "{html}");
        assert!(html.contains("bpLiveReload(\"news/x/index.html\""));
        let home = String::from_utf8(inject(b"<p>x</p>", "index.html", "/")).unwrap();
        assert!(home.contains("\"__branchpress/events\""), "{home}");
    }

    #[test]
    fn css_only_changes_are_marked() {
        assert!(matches!(Message::reload(vec!["a.css".into()]), Message::Reload { css_only: true, .. }));
        assert!(matches!(
            Message::reload(vec!["a.css".into(), "index.html".into()]),
            Message::Reload { css_only: false, .. }
        ));
    }

    #[test]
    fn new_subscribers_see_the_current_error() {
        let channel = ReloadChannel::default();
        channel.send(&Message::errors(&[Diagnostic::new("broken")]));
        let mut page = channel.subscribe();
        assert!(page.current_error.unwrap().contains("broken"));
        channel.send(&Message::reload(vec![]));
        assert!(page.updates.try_recv().unwrap().contains("reload"));
        assert!(channel.subscribe().current_error.is_none(), "a good build clears the error");
    }

    #[test]
    fn a_closed_page_stops_listening() {
        let channel = ReloadChannel::default();
        let page = channel.subscribe();
        assert_eq!(channel.listeners(), 1);
        drop(page);
        assert_eq!(channel.listeners(), 0);
    }
}
