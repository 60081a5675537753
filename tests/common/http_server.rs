//! The real HTTP/1.1 server the federation and link tests talk to: one
//! thread per connection, one request per connection (`Connection:
//! close`), on a loopback address. It logs every request and counts every
//! connection; what it answers is up to the test's handler, which writes
//! the whole response (usually with [`reply`]), so a handler may also be
//! slow, stream a huge body or answer nonsense.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// One request as the server read it.
#[derive(Debug, Clone)]
pub struct Request {
    /// The request target as sent, query included.
    pub target: String,
    /// The target without its query or fragment.
    pub path: String,
    /// The headers, names in lower case.
    pub headers: HashMap<String, String>,
    /// The server's port, for answers that link back to it.
    pub port: u16,
}

/// Answers one request by writing the whole response to the stream.
pub type Handler = Arc<dyn Fn(&Request, &mut TcpStream) + Send + Sync>;

/// A running server; it stops when dropped (or on [`HttpServer::stop`]).
pub struct HttpServer {
    ip: &'static str,
    port: u16,
    seen: Arc<Mutex<Vec<Request>>>,
    connections: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    accept: Option<thread::JoinHandle<()>>,
}

impl HttpServer {
    /// Starts a server on 127.0.0.1 and a free port.
    pub fn start(handler: impl Fn(&Request, &mut TcpStream) + Send + Sync + 'static) -> HttpServer {
        HttpServer::start_on("127.0.0.1", handler)
    }

    /// Starts a server on `ip` (any loopback address) and a free port.
    pub fn start_on(
        ip: &'static str,
        handler: impl Fn(&Request, &mut TcpStream) + Send + Sync + 'static,
    ) -> HttpServer {
        let listener = TcpListener::bind((ip, 0)).unwrap_or_else(|e| panic!("bind {ip}: {e}"));
        let port = listener.local_addr().expect("local address").port();
        let handler: Handler = Arc::new(handler);
        let seen: Arc<Mutex<Vec<Request>>> = Arc::default();
        let connections = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (seen2, connections2, stop2) = (seen.clone(), connections.clone(), stop.clone());
        let accept = thread::spawn(move || {
            for stream in listener.incoming() {
                if stop2.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                connections2.fetch_add(1, Ordering::SeqCst);
                let (handler, seen) = (handler.clone(), seen2.clone());
                thread::spawn(move || handle(stream, port, &handler, &seen));
            }
        });
        HttpServer { ip, port, seen, connections, stop, accept: Some(accept) }
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://IP:PORT{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}:{}{path}", self.ip, self.port)
    }

    /// Every request read so far, in order.
    pub fn all_requests(&self) -> Vec<Request> {
        self.seen.lock().unwrap().clone()
    }

    /// The requests read so far whose target is `target`, in order.
    pub fn requests(&self, target: &str) -> Vec<Request> {
        self.seen.lock().unwrap().iter().filter(|r| r.target == target).cloned().collect()
    }

    /// How many connections were accepted, whether or not a request came.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    /// Stops accepting connections (answers in progress finish).
    pub fn stop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect((self.ip, self.port));
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
    }
}

impl Drop for HttpServer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn handle(mut stream: TcpStream, port: u16, handler: &Handler, seen: &Mutex<Vec<Request>>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(10)));
    let Some((target, headers)) = read_request(&stream) else { return };
    let path = target.split(['?', '#']).next().unwrap_or("/").to_owned();
    let request = Request { target, path, headers, port };
    seen.lock().unwrap().push(request.clone());
    handler(&request, &mut stream);
}

/// Writes a whole response; errors (the client went away) are ignored.
pub fn reply(stream: &mut TcpStream, status: &str, headers: &[(&str, String)], body: &[u8]) {
    let mut head = format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n", body.len());
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body);
    let _ = stream.flush();
}

/// The request line's target (path and query, as sent) and the headers
/// (names in lower case) of one HTTP request read from `stream`. None when
/// the stream cannot be read.
fn read_request(stream: &TcpStream) -> Option<(String, HashMap<String, String>)> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let target = line.split_whitespace().nth(1).unwrap_or("/").to_owned();
    let mut headers = HashMap::new();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap_or(0) == 0 || header.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = header.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
        }
    }
    Some((target, headers))
}
