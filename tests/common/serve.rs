//! `branchpress serve` running on a fixture site, for the preview tests.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use crate::common::Site;

/// The running preview server, stopped on drop.
pub struct Serve {
    child: Child,
    /// The port it listens on, on 127.0.0.1.
    pub port: u16,
}

impl Serve {
    /// The server's process id, to read its use of memory, threads and
    /// files from /proc.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `branchpress serve` on `site` at `port` (0: any free port) and
/// waits until it prints its address.
pub fn serve(site: &Site, port: u16) -> Serve {
    let mut child = Command::new(env!("CARGO_BIN_EXE_branchpress"))
        .args(["serve", ".", "--port", &port.to_string()])
        .current_dir(site.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start serve");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).expect("serve prints its URL");
    let address = line.split("http://127.0.0.1:").nth(1).unwrap_or_else(|| panic!("no address in {line:?}"));
    let bound: u16 = address.split('/').next().and_then(|p| p.parse().ok()).expect("a port");
    assert!(port == 0 || bound == port, "{line}");
    Serve { child, port: bound }
}
