//! The preview server facing hostile clients, on 127.0.0.1: requests under
//! another host name (DNS rebinding) and reload sockets opened by another
//! site are refused; an oversized request head, thousands of half-open
//! connections and closed reload sockets cost bounded memory, threads and
//! files, measured from /proc, while a normal request is still answered.

mod common;
#[path = "common/serve.rs"]
mod serve_process;

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::{BASIC, Site};
use serve_process::{Serve, serve};

/// Far longer than any of these answers should take; only a hang hits it.
const PATIENCE: Duration = Duration::from_secs(5);

/// A number from the server's /proc/PID/status, e.g. `VmRSS` (KiB) or `Threads`.
fn proc_status(server: &Serve, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{}/status", server.pid())).expect("/proc status");
    let line = status.lines().find(|l| l.starts_with(&format!("{field}:"))).expect("field in /proc status");
    line.split_whitespace().nth(1).and_then(|n| n.parse().ok()).expect("a number")
}

/// How many files (sockets included) the server holds open.
fn open_files(server: &Serve) -> usize {
    std::fs::read_dir(format!("/proc/{}/fd", server.pid())).expect("/proc fd").count()
}

/// The open-file count once it stops moving (the first build and the
/// last request may still be closing files).
fn settled_open_files(server: &Serve) -> usize {
    let mut last = open_files(server);
    for _ in 0..50 {
        std::thread::sleep(Duration::from_millis(200));
        let now = open_files(server);
        if now == last {
            return now;
        }
        last = now;
    }
    last
}

/// Waits (boundedly) until `done` holds; whether it did.
fn eventually(mut done: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(10) {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    done()
}

fn connect(port: u16) -> TcpStream {
    let stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream.set_read_timeout(Some(PATIENCE)).expect("timeout");
    stream.set_write_timeout(Some(PATIENCE)).expect("timeout");
    stream
}

/// Reads an answer's head; the status code and the whole text read.
fn read_head(stream: &mut TcpStream) -> (u16, String) {
    let mut bytes = Vec::new();
    let mut buf = [0u8; 4096];
    while !bytes.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => bytes.extend_from_slice(&buf[..n]),
        }
    }
    let text = String::from_utf8_lossy(&bytes).into_owned();
    (text.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0), text)
}

/// Sends a request head as given and returns the status and the answer.
fn request(port: u16, head: &str) -> (u16, String) {
    let mut stream = connect(port);
    stream.write_all(head.as_bytes()).expect("send");
    let (code, mut text) = read_head(&mut stream);
    let _ = stream.read_to_string(&mut text);
    (code, text)
}

fn get(port: u16, host: &str) -> (u16, String) {
    request(port, &format!("GET /news/second/ HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"))
}

/// Opens a live-reload socket with this `Origin` (none if empty).
fn open_reload_socket(port: u16, origin: &str) -> (u16, TcpStream) {
    let mut stream = connect(port);
    let origin = if origin.is_empty() { String::new() } else { format!("Origin: {origin}\r\n") };
    let head = format!(
        "GET /__branchpress/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{origin}Upgrade: websocket\r\n\
         Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).expect("send");
    let (code, _) = read_head(&mut stream);
    (code, stream)
}

#[test]
fn a_request_under_another_host_name_is_refused() {
    let site = Site::new(BASIC);
    let server = serve(&site, 0);
    let port = server.port;
    for host in [format!("127.0.0.1:{port}"), format!("localhost:{port}"), format!("[::1]:{port}")] {
        let (code, body) = get(port, &host);
        assert_eq!(code, 200, "{host}: {body}");
    }
    for host in [
        format!("evil.example:{port}"),
        format!("127.0.0.1.nip.io:{port}"),
        format!("localhost.evil.example:{port}"),
        format!("127.0.0.1:{}", port.wrapping_add(1)),
        "127.0.0.1".to_owned(),
    ] {
        let (code, body) = get(port, &host);
        assert_eq!(code, 403, "{host}: {body}");
        assert!(body.contains("Refused: this preview answers only at the address"), "{body}");
        assert!(!body.contains("Details"), "no content leaks: {body}");
    }
    // No Host at all (HTTP/1.0), and an absolute target naming another host.
    let (code, _) = request(port, "GET /news/second/ HTTP/1.0\r\n\r\n");
    assert_eq!(code, 403);
    let absolute =
        format!("GET http://evil.example:{port}/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
    assert_eq!(request(port, &absolute).0, 403);
}

#[test]
fn a_reload_socket_from_another_site_is_refused() {
    let site = Site::new(BASIC);
    let server = serve(&site, 0);
    let port = server.port;
    for origin in [
        "http://evil.example".to_owned(),
        format!("http://evil.example:{port}"),
        format!("https://127.0.0.1:{port}"),
        format!("http://localhost:{port}"),
        "null".to_owned(),
        String::new(),
    ] {
        let (code, _) = open_reload_socket(port, &origin);
        assert_eq!(code, 403, "Origin {origin:?}");
    }
    let (code, _) = open_reload_socket(port, &format!("http://127.0.0.1:{port}"));
    assert_eq!(code, 101, "the preview's own pages get their socket");
}

#[test]
fn an_oversized_request_head_is_refused_early_with_bounded_memory() {
    let site = Site::new(BASIC);
    let server = serve(&site, 0);
    let port = server.port;
    let peak_before = proc_status(&server, "VmHWM");
    let mut stream = connect(port);
    stream.write_all(format!("GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Big: ").as_bytes()).expect("send");
    let chunk = vec![b'a'; 1 << 20];
    let (mut sent_mib, mut stopped_by) = (0, None);
    while sent_mib < 256 {
        if let Err(e) = stream.write_all(&chunk) {
            stopped_by = Some(e.kind());
            break;
        }
        sent_mib += 1;
    }
    let (code, _) = read_head(&mut stream);
    assert!(
        code == 431 || matches!(stopped_by, Some(ErrorKind::ConnectionReset | ErrorKind::BrokenPipe)),
        "the server neither answered 431 nor closed the connection (status {code}, write stopped by {stopped_by:?})"
    );
    assert!(sent_mib < 16, "the server read {sent_mib} MiB of one header before refusing it");
    let peak_after = proc_status(&server, "VmHWM");
    assert!(
        peak_after < peak_before + 32 * 1024,
        "peak memory grew from {peak_before} KiB to {peak_after} KiB for one oversized header"
    );
    assert_eq!(get(port, &format!("127.0.0.1:{port}")).0, 200, "and it still answers");
}

#[test]
fn thousands_of_half_open_connections_leave_room_for_a_normal_request() {
    let site = Site::new(BASIC);
    let server = serve(&site, 0);
    let port = server.port;
    let rss_before = proc_status(&server, "VmRSS");
    let mut held = Vec::new();
    for i in 0..2000 {
        let mut stream = TcpStream::connect(("127.0.0.1", port))
            .unwrap_or_else(|e| panic!("connection {i}: {e} (this test needs `ulimit -n` above 2100)"));
        if i % 2 == 1 {
            stream.write_all(format!("GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Slow: ").as_bytes()).expect("send");
        }
        held.push(stream);
    }
    let start = Instant::now();
    let (code, body) = get(port, &format!("127.0.0.1:{port}"));
    let took = start.elapsed();
    eprintln!("a normal request behind 2,000 half-open connections took {} ms", took.as_millis());
    assert_eq!(code, 200, "{body}");
    assert!(body.contains("Details"));
    let (threads, files, rss) = (proc_status(&server, "Threads"), open_files(&server), proc_status(&server, "VmRSS"));
    eprintln!("server: {threads} threads, {files} open files, RSS {rss} KiB (was {rss_before} KiB)");
    assert!(threads < 32, "{threads} threads");
    assert!(files < 1000, "{files} open files: connections are not capped");
    assert!(rss < rss_before + 128 * 1024, "RSS grew from {rss_before} KiB to {rss} KiB");
}

#[test]
fn a_reload_socket_is_released_when_its_page_closes_it_or_goes_away() {
    let site = Site::new(BASIC);
    let server = serve(&site, 0);
    let port = server.port;
    let origin = format!("http://127.0.0.1:{port}");
    assert_eq!(get(port, &format!("127.0.0.1:{port}")).0, 200);
    let idle = settled_open_files(&server);
    let threads = proc_status(&server, "Threads");

    // A page that closes its socket properly: a masked close frame, no payload.
    let (code, mut closing) = open_reload_socket(port, &origin);
    assert_eq!(code, 101);
    assert!(eventually(|| open_files(&server) == idle + 1), "the open socket is not held: {}", open_files(&server));
    closing.write_all(&[0x88, 0x80, 1, 2, 3, 4]).expect("close frame");
    assert!(eventually(|| open_files(&server) == idle), "still {} open files, {idle} before", open_files(&server));

    // A tab that vanishes: the connection just ends.
    let (code, vanishing) = open_reload_socket(port, &origin);
    assert_eq!(code, 101);
    assert!(eventually(|| open_files(&server) == idle + 1));
    drop(vanishing);
    assert!(eventually(|| open_files(&server) == idle), "still {} open files, {idle} before", open_files(&server));
    assert_eq!(proc_status(&server, "Threads"), threads, "sockets cost no threads");
}

/// A page asked for at another of this computer's addresses (a phone on the
/// same network, here `localhost`) links back to that address, never to
/// the one the preview was built for.
#[test]
fn pages_link_to_the_address_they_were_asked_at() {
    let site = Site::new(BASIC);
    let server = serve(&site, 0);
    let port = server.port;
    let (code, page) = get(port, &format!("localhost:{port}"));
    assert_eq!(code, 200, "{page}");
    assert!(page.contains(&format!("http://localhost:{port}/tags/")), "{page}");
    assert!(!page.contains(&format!("127.0.0.1:{port}")), "{page}");
    let (_, page) = get(port, &format!("127.0.0.1:{port}"));
    assert!(page.contains(&format!("http://127.0.0.1:{port}/tags/")), "{page}");
}
