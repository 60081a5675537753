//! What `branchpress serve` tells the terminal: warnings (an unknown code
//! language, a missing image, a broken followed feed) after every rebuild,
//! not only after the first build.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use common::{BASIC, Site};

const WAIT: Duration = Duration::from_secs(30);
const WARNING: &str = "no highlighting for the code language `nosuchlang`";

/// The running preview server, stopped on drop.
struct Serve(Child);

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `serve` on a free port; its stderr arrives line by line.
fn serve(site: &Site) -> (Serve, Receiver<String>) {
    let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("free port").port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_branchpress"))
        .args(["serve", ".", "--port", &port.to_string()])
        .current_dir(site.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start serve");
    let stderr = child.stderr.take().expect("stderr");
    let (send, receive) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if send.send(line).is_err() {
                break;
            }
        }
    });
    (Serve(child), receive)
}

/// The lines up to and including the first that starts with `prefix`.
fn lines_until(lines: &Receiver<String>, prefix: &str) -> Vec<String> {
    let deadline = Instant::now() + WAIT;
    let mut seen = Vec::new();
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match lines.recv_timeout(left) {
            Ok(line) => {
                let done = line.starts_with(prefix);
                seen.push(line);
                if done {
                    return seen;
                }
            }
            Err(_) => break,
        }
    }
    panic!("no line starting with {prefix:?} within {WAIT:?}; saw:\n{}", seen.join("\n"));
}

#[test]
fn warnings_show_after_every_rebuild() {
    let mut files: Vec<(&str, &str)> = BASIC.to_vec();
    let config = "title = \"Test Branch\"\nbase_url = \"https://test.example.org\"\ntaxonomies = [{ name = \"tags\" }]\n\n[markdown]\nhighlight_code = true\n";
    files.retain(|(path, _)| *path != "config.toml");
    files.push(("config.toml", config));
    files.push(("content/news/code.md", "+++\ntitle = \"Code\"\ndate = 2026-01-02\n+++\n```nosuchlang\nx = 1\n```\n"));
    let site = Site::new(&files);
    let (_server, lines) = serve(&site);

    let first = lines_until(&lines, "Built ");
    assert!(first.iter().any(|l| l.contains(WARNING)), "first build:\n{}", first.join("\n"));

    // An edit elsewhere: the warning is still true, so it shows again.
    site.write("content/news/third.md", "+++\ntitle = \"Third, edited\"\ndate = 2026-03-01\n+++\nThird.\n");
    let second = lines_until(&lines, "Rebuilt ");
    assert!(second.iter().any(|l| l.contains(WARNING)), "rebuild:\n{}", second.join("\n"));
    assert!(second.iter().any(|l| l.contains("code.md")), "the warning names the file:\n{}", second.join("\n"));

    // Fixed: it no longer shows.
    site.write("content/news/code.md", "+++\ntitle = \"Code\"\ndate = 2026-01-02\n+++\n```toml\nx = 1\n```\n");
    let third = lines_until(&lines, "Rebuilt ");
    assert!(!third.iter().any(|l| l.contains(WARNING)), "after the fix:\n{}", third.join("\n"));
}
