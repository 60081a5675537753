//! The preview's HTTP server: serves the output from memory, nothing else.
//!
//! A request path is percent-decoded and split into segments; any segment
//! that is `.`, `..`, empty in the middle, or holds a backslash or NUL is
//! refused with 404 (so `%2e%2e` and `..%2f` cannot climb anywhere). Only
//! files the build produced exist, so there are no symlinks to follow.
//! HTML gets the live-reload script; the reload socket lives at
//! [`reload::EVENTS_PATH`] under the site root.

use std::io::Read;
use std::sync::{Arc, RwLock};

use percent_encoding::percent_decode_str;
use tiny_http::{Header, Request, Response, Server, StatusCode};

use crate::serve::rebuild::Files;
use crate::serve::reload::{self, Hub};

/// What the server serves: the current output, swapped after each rebuild.
pub type SharedFiles = Arc<RwLock<Arc<Files>>>;

const NO_SITE_YET: &[u8] =
    b"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not found</title></head><body><p>Nothing here (yet).</p></body></html>";

/// Answers requests until the server is dropped. Each request gets its own
/// thread (reload sockets stay open for as long as the page is).
pub fn serve(server: Arc<Server>, files: SharedFiles, hub: Hub) {
    for request in server.incoming_requests() {
        let files = files.clone();
        let hub = hub.clone();
        std::thread::spawn(move || handle(request, &files, &hub));
    }
}

fn handle(request: Request, files: &SharedFiles, hub: &Hub) {
    let raw = request.url().split(['?', '#']).next().unwrap_or("/").to_owned();
    if raw.trim_start_matches('/') == reload::EVENTS_PATH {
        return socket(request, hub);
    }
    let current = files.read().map(|f| f.clone()).unwrap_or_else(|p| p.into_inner().clone());
    let response = match resolve(&raw, &current) {
        Resolved::File(key) => file_response(&current, &key, &raw, 200),
        Resolved::Redirect(to) => {
            Response::from_data(Vec::new()).with_status_code(StatusCode(301)).with_header(header("Location", &to))
        }
        Resolved::NotFound => match current.contains_key("404.html") {
            true => file_response(&current, "404.html", &raw, 404),
            // No build yet (the first one failed): a bare page that still
            // carries the reload script, so the error overlay shows.
            false => Response::from_data(reload::inject(NO_SITE_YET, "*", &raw))
                .with_status_code(StatusCode(404))
                .with_header(header("Content-Type", "text/html; charset=utf-8")),
        },
    };
    let _ = request.respond(response);
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes())
        .unwrap_or_else(|_| Header::from_bytes(&b"X-Invalid"[..], &b"1"[..]).expect("static header"))
}

fn file_response(files: &Files, key: &str, request_path: &str, status: u16) -> Response<std::io::Cursor<Vec<u8>>> {
    let bytes = files.get(key).map(|b| b.as_slice()).unwrap_or_default();
    let kind = content_type(key);
    let me = if status == 404 { "*" } else { key };
    let body = if kind.starts_with("text/html") { reload::inject(bytes, me, request_path) } else { bytes.to_vec() };
    Response::from_data(body)
        .with_status_code(StatusCode(status))
        .with_header(header("Content-Type", kind))
        .with_header(header("Cache-Control", "no-store"))
}

/// What a request path maps to.
#[derive(Debug, PartialEq, Eq)]
pub enum Resolved {
    /// An output file, by key.
    File(String),
    /// A folder asked for without its trailing slash.
    Redirect(String),
    /// Nothing (or a path that tries to leave the output).
    NotFound,
}

/// Maps a URL path to an output file.
pub fn resolve(raw: &str, files: &Files) -> Resolved {
    let Some(segments) = safe_segments(raw) else {
        return Resolved::NotFound;
    };
    let joined = segments.join("/");
    let folder = if joined.is_empty() { "index.html".to_owned() } else { format!("{joined}/index.html") };
    if raw.ends_with('/') || joined.is_empty() {
        return if files.contains_key(&folder) { Resolved::File(folder) } else { Resolved::NotFound };
    }
    if files.contains_key(&joined) {
        Resolved::File(joined)
    } else if files.contains_key(&folder) {
        Resolved::Redirect(format!("{raw}/"))
    } else {
        Resolved::NotFound
    }
}

/// The decoded path segments, or none if any of them is unsafe.
fn safe_segments(raw: &str) -> Option<Vec<String>> {
    if !raw.starts_with('/') {
        return None;
    }
    let decoded = percent_decode_str(raw).decode_utf8().ok()?;
    let trimmed = decoded.trim_start_matches('/');
    let trimmed = trimmed.strip_suffix('/').unwrap_or(trimmed);
    if trimmed.is_empty() {
        return Some(Vec::new());
    }
    let mut out = Vec::new();
    for segment in trimmed.split('/') {
        let bad = segment.is_empty()
            || segment == "."
            || segment == ".."
            || segment.contains(['\\', '\0', ':'])
            || segment.starts_with('.') && segment.len() <= 2;
        if bad {
            return None;
        }
        out.push(segment.to_owned());
    }
    Some(out)
}

/// The content type of an output file, by extension.
pub fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" if path.ends_with("feed.json") => "application/feed+json; charset=utf-8",
        "json" => "application/json; charset=utf-8",
        "xml" if path.ends_with("feed.xml") => "application/atom+xml; charset=utf-8",
        "xml" if path.ends_with("rss.xml") => "application/rss+xml; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        "ogg" => "audio/ogg",
        _ => "application/octet-stream",
    }
}

/// Upgrades the request to a WebSocket and forwards reload messages to it
/// until the page goes away.
fn socket(request: Request, hub: &Hub) {
    let Some(key) = request.headers().iter().find(|h| h.field.equiv("Sec-WebSocket-Key")).map(|h| h.value.to_string())
    else {
        let _ = request.respond(Response::from_string("expected a WebSocket").with_status_code(StatusCode(400)));
        return;
    };
    let accept = tungstenite::handshake::derive_accept_key(key.as_bytes());
    let response = Response::new_empty(StatusCode(101)).with_header(header("Sec-WebSocket-Accept", &accept));
    let stream = request.upgrade("websocket", response);
    let mut socket = tungstenite::WebSocket::from_raw_socket(Stream(stream), tungstenite::protocol::Role::Server, None);
    let messages = hub.subscribe();
    while let Ok(text) = messages.recv() {
        if socket.send(tungstenite::Message::text(text)).is_err() {
            break;
        }
    }
}

/// tiny_http's upgraded stream, as the `Read + Write` tungstenite wants.
struct Stream(Box<dyn tiny_http::ReadWrite + Send>);

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.0.read(buf)
    }
}

impl std::io::Write for Stream {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> Files {
        ["index.html", "news/index.html", "news/x/index.html", "commons.css", "404.html"]
            .into_iter()
            .map(|k| (k.to_owned(), Arc::new(b"x".to_vec())))
            .collect()
    }

    #[test]
    fn folders_files_and_redirects() {
        let f = files();
        assert_eq!(resolve("/", &f), Resolved::File("index.html".into()));
        assert_eq!(resolve("/news/x/", &f), Resolved::File("news/x/index.html".into()));
        assert_eq!(resolve("/news/x/index.html", &f), Resolved::File("news/x/index.html".into()));
        assert_eq!(resolve("/news", &f), Resolved::Redirect("/news/".into()));
        assert_eq!(resolve("/commons.css", &f), Resolved::File("commons.css".into()));
        assert_eq!(resolve("/nope/", &f), Resolved::NotFound);
    }

    #[test]
    fn traversal_in_any_spelling_is_not_found() {
        let f = files();
        for path in [
            "/../etc/passwd",
            "/news/../index.html",
            "/%2e%2e/etc/passwd",
            "/%2E%2E%2fetc%2fpasswd",
            "/news/..%2f..%2fetc",
            "/news%5c..%5cindex.html",
            "/./index.html",
            "//etc/passwd",
            "etc/passwd",
            "/news/x/%00",
            "/C:/windows",
        ] {
            assert_eq!(resolve(path, &f), Resolved::NotFound, "{path}");
        }
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("feed.xml"), "application/atom+xml; charset=utf-8");
        assert_eq!(content_type("sitemap.xml"), "application/xml; charset=utf-8");
        assert_eq!(content_type("feed.json"), "application/feed+json; charset=utf-8");
        assert_eq!(content_type("x.SVG"), "image/svg+xml");
    }
}
