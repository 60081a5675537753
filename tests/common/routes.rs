//! A test server with routes: handlers mounted by path prefix (the longest
//! wins, so a test can replace one file of a served site with a fault), and
//! folders served as a static web host would, with validators and 304s.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use branchpress::base::hash::fnv1a;

use super::http_server::{Handler, HttpServer, Request, reply};

/// The test server (`common::http_server`), with handlers mounted by path prefix.
pub struct Server {
    /// The server.
    pub http: HttpServer,
    routes: Arc<Mutex<Vec<(String, Handler)>>>,
}

impl Server {
    /// Starts a server with no route.
    pub fn start() -> Server {
        let routes: Arc<Mutex<Vec<(String, Handler)>>> = Arc::default();
        let table = routes.clone();
        let http = HttpServer::start(move |request, stream| {
            let handler = table
                .lock()
                .unwrap()
                .iter()
                .find(|(p, _)| request.path.starts_with(p.as_str()))
                .map(|(_, h)| h.clone());
            match handler {
                Some(handler) => handler(request, stream),
                None => reply(stream, "404 Not Found", &[], b"not found"),
            }
        });
        Server { http, routes }
    }

    /// `http://127.0.0.1:PORT{path}`.
    pub fn url(&self, path: &str) -> String {
        self.http.url(path)
    }

    /// Routes requests whose path starts with `prefix` to `handler` (longest prefix wins).
    pub fn mount(&self, prefix: &str, handler: Handler) {
        let mut routes = self.routes.lock().unwrap();
        routes.push((prefix.to_owned(), handler));
        routes.sort_by_key(|(p, _)| std::cmp::Reverse(p.len()));
    }

    /// Serves the files under `dir` at `prefix` (`/a/` → `dir/index.html`).
    pub fn mount_dir(&self, prefix: &str, dir: &Path) {
        self.mount(prefix, serve_dir(prefix, dir.to_path_buf()));
    }

    /// Every request seen so far, in order.
    pub fn requests(&self) -> Vec<Request> {
        self.http.all_requests()
    }
}

/// The `Last-Modified` every served file claims.
pub const LAST_MODIFIED: &str = "Mon, 02 Mar 2026 10:00:00 GMT";

/// A static file handler with validators: `ETag` from the bytes, a fixed `Last-Modified`, 304 on a match.
pub fn serve_dir(prefix: &str, dir: PathBuf) -> Handler {
    let prefix = prefix.to_owned();
    Arc::new(move |request: &Request, stream: &mut TcpStream| {
        let rel = request.path.strip_prefix(prefix.as_str()).unwrap_or_default();
        if rel.split('/').any(|part| part == ".." || part.contains('\\')) {
            return reply(stream, "404 Not Found", &[], b"not found");
        }
        let mut file = dir.join(rel);
        if rel.is_empty() || rel.ends_with('/') {
            file = file.join("index.html");
        }
        let Ok(bytes) = std::fs::read(&file) else {
            return reply(stream, "404 Not Found", &[], b"not found");
        };
        let etag = format!("\"{:016x}\"", fnv1a(&bytes));
        let validators = vec![("ETag", etag.clone()), ("Last-Modified", LAST_MODIFIED.to_owned())];
        if request.headers.get("if-none-match") == Some(&etag) {
            return reply(stream, "304 Not Modified", &validators, b"");
        }
        let mut headers = validators;
        headers.push(("Content-Type", media_type(&file).to_owned()));
        reply(stream, "200 OK", &headers, &bytes);
    })
}

fn media_type(file: &Path) -> &'static str {
    let name = file.to_string_lossy();
    match file.extension().and_then(|e| e.to_str()).unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "json" if name.ends_with("branch.json") => "application/json",
        "json" => "application/feed+json",
        "xml" if name.ends_with("rss.xml") => "application/rss+xml",
        "xml" if name.ends_with("feed.xml") => "application/atom+xml",
        "xml" => "application/xml",
        "css" => "text/css",
        "svg" => "image/svg+xml",
        "ics" => "text/calendar",
        _ => "application/octet-stream",
    }
}
