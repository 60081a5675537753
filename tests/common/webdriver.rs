//! Headless Chromium for the browser tests: Debian's `chromedriver` driving
//! `chromium`, through the `fantoccini` WebDriver client. The tests are
//! synchronous, so this wraps the async client in a small runtime and offers
//! only what they need: open a page, run a script, wait for a condition.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::wd::Capabilities;
use fantoccini::{Client, ClientBuilder};
use serde_json::{Value, json};

#[path = "browser_tools.rs"]
pub mod browser_tools;

use browser_tools::{CHROMEDRIVER, CHROMIUM};

/// A free port on 127.0.0.1.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("free port")
}

/// A headless Chromium session.
pub struct Browser {
    runtime: tokio::runtime::Runtime,
    client: Option<Client>,
    driver: Child,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver and a fresh headless Chromium for `test`. When
    /// they are not installed the test fails saying what to install; None
    /// only when the person running it opted out ([`browser_tools::available`]).
    pub fn start(test: &str) -> Option<Browser> {
        if !browser_tools::available(test, &[browser_tools::chromium(), browser_tools::chromedriver()]) {
            return None;
        }
        let port = free_port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let profile = tempfile::tempdir().expect("profile dir");
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        let mut capabilities = Capabilities::new();
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": CHROMIUM,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage",
                    format!("--user-data-dir={}", profile.path().display()),
                ],
            }),
        );
        let url = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        let client = loop {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            let attempt =
                runtime.block_on(ClientBuilder::new(connector).capabilities(capabilities.clone()).connect(&url));
            match attempt {
                Ok(client) => break client,
                Err(e) if started.elapsed() > Duration::from_secs(20) => panic!("chromedriver did not start: {e}"),
                Err(_) => std::thread::sleep(Duration::from_millis(100)),
            }
        };
        Some(Browser { runtime, client: Some(client), driver, _profile: profile })
    }

    fn client(&self) -> &Client {
        self.client.as_ref().expect("session open")
    }

    /// Opens `url` and waits for it to load.
    pub fn goto(&self, url: &str) {
        self.runtime.block_on(self.client().goto(url)).unwrap_or_else(|e| panic!("open {url}: {e}"));
    }

    /// Runs `script` (a function body) in the page and returns its result.
    pub fn eval(&self, script: &str) -> Value {
        self.runtime.block_on(self.client().execute(script, vec![])).unwrap_or(Value::Null)
    }

    /// Polls `script` until it returns true; false after `timeout`.
    pub fn wait_for(&self, script: &str, timeout: Duration) -> bool {
        let started = Instant::now();
        while started.elapsed() < timeout {
            if self.eval(script) == Value::Bool(true) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if let Some(client) = self.client.take() {
            let _ = self.runtime.block_on(client.close());
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
