//! The preview's HTTP server: serves the output from memory, nothing else.
//!
//! A request path is percent-decoded and split into segments; any segment
//! that is `.`, `..`, empty in the middle, or holds a backslash or NUL is
//! refused with 404 (so `%2e%2e` and `..%2f` cannot climb anywhere). Only
//! files the build produced exist, so there are no symlinks to follow.
//! HTML gets the live-reload script; the reload socket lives at
//! [`reload::EVENTS_PATH`] under the site root.
//!
//! Requests for another host, and reload sockets opened by another site's
//! page, are refused (see `serve/host_check.rs`). Everything a
//! client can make the server hold is bounded, so a preview left running
//! cannot be worn down: hyper reads each request head into at most
//! [`MAX_HEAD_BYTES`] and within [`HEAD_TIMEOUT`] (which also closes idle
//! keep-alive connections), connections and reload sockets are capped with
//! the oldest closed to make room, and all of it runs as tasks on a runtime
//! of [`WORKER_THREADS`] threads, not a thread per connection.

use std::convert::Infallible;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{CACHE_CONTROL, CONTENT_TYPE, HOST, HeaderValue, LOCATION, ORIGIN};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use percent_encoding::percent_decode_str;
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::Runtime;

use crate::base::urls;
use crate::serve::capacity::Capacity;
use crate::serve::host_check::AllowedHosts;
use crate::serve::rebuild::Files;
use crate::serve::reload::{self, ReloadChannel};
use crate::serve::socket;

/// What the server serves: the current output, swapped after each rebuild.
pub type SharedFiles = Arc<RwLock<Arc<Files>>>;

/// Work done before answering for the search page or the search index (it
/// adds the index to the served files when a rebuild left it out).
pub type OnDemand = Arc<dyn Fn() + Send + Sync>;

/// Site paths whose answer needs the search index: the search page (its
/// script loads the index at once) and the index itself.
const NEEDS_SEARCH_INDEX: &[&str] = &["/search/", "/pagefind/"];

/// The largest request head (request line and headers) read; larger ones
/// get 431. Browsers send a few KiB, more with many `localhost` cookies.
pub const MAX_HEAD_BYTES: usize = 64 * 1024;
/// How long a client may take to send a request head, or stay idle
/// between requests, before its connection is closed.
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// Open HTTP connections at most; a new one closes the oldest.
pub const MAX_CONNECTIONS: usize = 512;
/// Open live-reload sockets at most (one per open tab); a new one closes the oldest.
pub const MAX_RELOAD_SOCKETS: usize = 64;
/// Threads answering requests.
pub const WORKER_THREADS: usize = 2;

const NO_SITE_YET: &[u8] =
    b"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not found</title></head><body><p>Nothing here (yet).</p></body></html>";

/// The running server; it stops when dropped.
pub struct PreviewServer {
    _runtime: Runtime,
}

/// What every request may use.
struct Shared {
    files: SharedFiles,
    /// The address the preview was built for (`http://127.0.0.1:1111`):
    /// a request that came in on another (a phone asking
    /// `http://192.168.1.20:1111`) gets its pages with that one instead.
    built_for: String,
    channel: ReloadChannel,
    hosts: AllowedHosts,
    sockets: Capacity,
    index_on_demand: OnDemand,
}

/// Starts answering on `listener` (already bound, so the caller has chosen
/// the port), serving `files` and telling pages what `channel` says.
pub fn start(
    listener: std::net::TcpListener,
    files: SharedFiles,
    channel: ReloadChannel,
    built_for: &str,
    index_on_demand: OnDemand,
) -> std::io::Result<PreviewServer> {
    let hosts = AllowedHosts::new(listener.local_addr()?);
    listener.set_nonblocking(true)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(WORKER_THREADS)
        .thread_name("branchpress-serve")
        .enable_all()
        .build()?;
    let listener = {
        let _inside = runtime.enter();
        TcpListener::from_std(listener)?
    };
    let shared = Arc::new(Shared {
        files,
        built_for: built_for.trim_end_matches('/').to_owned(),
        channel,
        hosts,
        sockets: Capacity::new(MAX_RELOAD_SOCKETS),
        index_on_demand,
    });
    runtime.spawn(accept(listener, shared, Capacity::new(MAX_CONNECTIONS)));
    Ok(PreviewServer { _runtime: runtime })
}

async fn accept(listener: TcpListener, shared: Arc<Shared>, connections: Capacity) {
    loop {
        match listener.accept().await {
            Ok((stream, _)) => connections.spawn(connection(stream, shared.clone())),
            // Out of file descriptors or the like: wait for some to close
            // rather than spin.
            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
}

/// Answers the requests of one connection, within the bounds above.
async fn connection(stream: TcpStream, shared: Arc<Shared>) {
    let service = service_fn(move |request| {
        let response = answer(request, &shared);
        async move { Ok::<_, Infallible>(response) }
    });
    let _ = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEAD_TIMEOUT)
        .max_buf_size(MAX_HEAD_BYTES)
        .serve_connection(TokioIo::new(stream), service)
        .with_upgrades()
        .await;
}

fn answer(request: Request<Incoming>, shared: &Shared) -> Response<Full<Bytes>> {
    let host = request
        .uri()
        .authority()
        .map(|a| a.as_str())
        .or_else(|| request.headers().get(HOST).and_then(|v| v.to_str().ok()))
        .unwrap_or_default()
        .to_owned();
    if !shared.hosts.allows(&host) {
        return plain(
            StatusCode::FORBIDDEN,
            "Refused: this preview answers only at the address branchpress serve printed, not under another host name.",
        );
    }
    let path = request.uri().path().to_owned();
    if path.trim_start_matches('/') == reload::EVENTS_PATH {
        return reload_socket(request, shared, &host);
    }
    if request.method() != Method::GET && request.method() != Method::HEAD {
        let mut response = plain(StatusCode::METHOD_NOT_ALLOWED, "The preview only answers GET and HEAD.");
        response.headers_mut().insert(hyper::header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    if NEEDS_SEARCH_INDEX.iter().any(|p| path.starts_with(p)) {
        // Indexing takes a while on a large site: let the other requests
        // use this worker thread meanwhile.
        tokio::task::block_in_place(|| (shared.index_on_demand)());
    }
    let current = shared.files.read().map(|f| f.clone()).unwrap_or_else(|p| p.into_inner().clone());
    let asked_at = format!("http://{host}");
    let readdress = Readdress { built_for: &shared.built_for, asked_at: &asked_at };
    file_or_redirect(&path, &current, &readdress)
}

/// The preview's own address and the one a request came in on: when they
/// differ (a phone on the same network asking `http://192.168.1.20:1111`),
/// text files are served with the second, so every link of a page leads
/// back to this computer, not to the phone itself.
struct Readdress<'a> {
    built_for: &'a str,
    asked_at: &'a str,
}

impl Readdress<'_> {
    /// `bytes` with the address swapped, when it needs to be and is text.
    fn apply(&self, bytes: &[u8], kind: &str) -> Option<Vec<u8>> {
        const TEXT: &[&str] = &[
            "text/",
            "application/xml",
            "application/atom",
            "application/rss",
            "application/json",
            "application/feed",
            "image/svg",
        ];
        let needed = !self.asked_at.eq_ignore_ascii_case(self.built_for) && TEXT.iter().any(|t| kind.starts_with(t));
        needed.then(|| String::from_utf8_lossy(bytes).replace(self.built_for, self.asked_at).into_bytes())
    }
}

/// The reload socket, for pages this preview served only: the events carry
/// the build's errors, absolute paths included.
fn reload_socket(request: Request<Incoming>, shared: &Shared, host: &str) -> Response<Full<Bytes>> {
    let origin = request.headers().get(ORIGIN).and_then(|v| v.to_str().ok());
    if !origin.is_some_and(|origin| shared.hosts.allows_origin(origin, host)) {
        return plain(StatusCode::FORBIDDEN, "Refused: the live-reload socket is only for pages this preview served.");
    }
    socket::upgrade(request, &shared.channel, &shared.sockets).unwrap_or_else(|why| plain(StatusCode::BAD_REQUEST, why))
}

fn file_or_redirect(path: &str, files: &Files, readdress: &Readdress<'_>) -> Response<Full<Bytes>> {
    match route(path, files) {
        Resolved::File(key) => file_response(files, &key, path, StatusCode::OK, readdress),
        Resolved::Redirect(to) => {
            let mut response = Response::new(Full::default());
            *response.status_mut() = StatusCode::MOVED_PERMANENTLY;
            if let Ok(value) = HeaderValue::from_str(&to) {
                response.headers_mut().insert(LOCATION, value);
            }
            response
        }
        Resolved::NotFound if files.contains_key("404.html") => {
            file_response(files, "404.html", path, StatusCode::NOT_FOUND, readdress)
        }
        // No build yet (the first one failed): a bare page that still
        // carries the reload script, so the error overlay shows.
        Resolved::NotFound => {
            let body = Bytes::from(reload::inject(NO_SITE_YET, "*", path));
            with_type(Response::new(Full::new(body)), StatusCode::NOT_FOUND, "text/html; charset=utf-8")
        }
    }
}

/// A short plain-text answer.
fn plain(status: StatusCode, text: &str) -> Response<Full<Bytes>> {
    with_type(Response::new(Full::new(Bytes::from(format!("{text}\n")))), status, "text/plain; charset=utf-8")
}

fn with_type(mut response: Response<Full<Bytes>>, status: StatusCode, kind: &str) -> Response<Full<Bytes>> {
    *response.status_mut() = status;
    if let Ok(value) = HeaderValue::from_str(kind) {
        response.headers_mut().insert(CONTENT_TYPE, value);
    }
    response
}

/// An output file's bytes, shared with the output rather than copied.
struct OutputBytes(Arc<Vec<u8>>);

impl AsRef<[u8]> for OutputBytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

fn file_response(
    files: &Files,
    key: &str,
    request_path: &str,
    status: StatusCode,
    readdress: &Readdress<'_>,
) -> Response<Full<Bytes>> {
    let kind = content_type(key);
    let me = if status == StatusCode::NOT_FOUND { "*" } else { key };
    let body = match files.get(key) {
        Some(bytes) => match readdress.apply(bytes, &kind) {
            Some(swapped) if kind.starts_with("text/html") => Bytes::from(reload::inject(&swapped, me, request_path)),
            Some(swapped) => Bytes::from(swapped),
            None if kind.starts_with("text/html") => Bytes::from(reload::inject(bytes, me, request_path)),
            None => Bytes::from_owner(OutputBytes(bytes.clone())),
        },
        None => Bytes::new(),
    };
    let mut response = with_type(Response::new(Full::new(body)), status, &kind);
    response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
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
pub fn route(raw: &str, files: &Files) -> Resolved {
    let Some(segments) = safe_segments(raw) else {
        return Resolved::NotFound;
    };
    let slash = if raw.ends_with('/') { "/" } else { "" };
    let path = format!("{}{slash}", segments.join("/"));
    match urls::find_output_file(&path, |key| files.contains_key(key)) {
        Some(urls::OutputMatch::Exact(key)) => Resolved::File(key),
        Some(urls::OutputMatch::FolderIndex(_)) => Resolved::Redirect(format!("{raw}/")),
        None => Resolved::NotFound,
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

/// The content type of an output file: by extension (`mime_guess`), with
/// the feed types told apart by name, and UTF-8 named for text.
pub fn content_type(path: &str) -> String {
    let feeds = [
        ("feed.xml", "application/atom+xml"),
        ("rss.xml", "application/rss+xml"),
        ("feed.json", "application/feed+json"),
    ];
    if let Some((_, kind)) = feeds.iter().find(|(name, _)| path.ends_with(name)) {
        return format!("{kind}; charset=utf-8");
    }
    let guess = mime_guess::from_path(path).first_or_octet_stream();
    let text =
        guess.type_() == mime_guess::mime::TEXT || matches!(guess.subtype().as_str(), "json" | "xml" | "javascript");
    if text { format!("{}; charset=utf-8", guess.essence_str()) } else { guess.essence_str().to_owned() }
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
        assert_eq!(route("/", &f), Resolved::File("index.html".into()));
        assert_eq!(route("/news/x/", &f), Resolved::File("news/x/index.html".into()));
        assert_eq!(route("/news/x/index.html", &f), Resolved::File("news/x/index.html".into()));
        assert_eq!(route("/news", &f), Resolved::Redirect("/news/".into()));
        assert_eq!(route("/commons.css", &f), Resolved::File("commons.css".into()));
        assert_eq!(route("/nope/", &f), Resolved::NotFound);
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
            assert_eq!(route(path, &f), Resolved::NotFound, "{path}");
        }
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("feed.xml"), "application/atom+xml; charset=utf-8");
        assert_eq!(content_type("sitemap.xml"), "text/xml; charset=utf-8");
        assert_eq!(content_type("search.js"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("feed.json"), "application/feed+json; charset=utf-8");
        assert_eq!(content_type("x.SVG"), "image/svg+xml");
        assert_eq!(content_type("rss.xml"), "application/rss+xml; charset=utf-8");
        assert_eq!(content_type("site.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("branch.json"), "application/json; charset=utf-8");
        assert_eq!(content_type("a/map.png"), "image/png");
        assert_eq!(content_type("fonts/x.woff2"), "font/woff2");
        assert_eq!(content_type("guide.pdf"), "application/pdf");
        assert_eq!(content_type("no-extension"), "application/octet-stream");
    }
}
