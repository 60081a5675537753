//! A minimal W3C WebDriver client for the browser tests: Debian's
//! `chromedriver` driving headless `chromium`, spoken to over HTTP with the
//! crate's own HTTP client. Only what the tests need: open a page, run a
//! script, wait for a condition.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// A headless Chromium session.
pub struct Browser {
    driver: Child,
    base: String,
    session: String,
    _profile: tempfile::TempDir,
}

/// Where Debian installs the browser and its driver.
const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// A free port on 127.0.0.1.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("free port")
}

impl Browser {
    /// Starts chromedriver and a fresh headless Chromium. Returns None when
    /// they are not installed, unless `BRANCHPRESS_REQUIRE_BROWSER` is set
    /// (as `.ci/run` does), in which case their absence fails the test.
    pub fn start() -> Option<Browser> {
        if !std::path::Path::new(CHROMIUM).exists() || !std::path::Path::new(CHROMEDRIVER).exists() {
            if std::env::var_os("BRANCHPRESS_REQUIRE_BROWSER").is_some() {
                panic!("chromium and chromium-driver are required (apt install chromium chromium-driver)");
            }
            eprintln!("SKIPPED: browser test needs Debian's chromium and chromium-driver (.ci/run installs them)");
            return None;
        }
        let port = free_port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let base = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        while get(&format!("{base}/status")).is_none() {
            assert!(started.elapsed() < Duration::from_secs(20), "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        let profile = tempfile::tempdir().expect("profile dir");
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage",
                    format!("--user-data-dir={}", profile.path().display()),
                ],
            },
        }}});
        let answer = post(&format!("{base}/session"), &capabilities);
        let session =
            answer["value"]["sessionId"].as_str().unwrap_or_else(|| panic!("no session: {answer}")).to_owned();
        Some(Browser { driver, base, session, _profile: profile })
    }

    fn url(&self, path: &str) -> String {
        format!("{}/session/{}/{path}", self.base, self.session)
    }

    /// Opens `url` and waits for it to load.
    pub fn goto(&self, url: &str) {
        post(&self.url("url"), &json!({ "url": url }));
    }

    /// Runs `script` (a function body) in the page and returns its result.
    pub fn eval(&self, script: &str) -> Value {
        post(&self.url("execute/sync"), &json!({ "script": script, "args": [] }))["value"].clone()
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
        let _ = ureq::delete(&format!("{}/session/{}", self.base, self.session)).call();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn get(url: &str) -> Option<String> {
    ureq::get(url).call().ok()?.into_body().read_to_string().ok()
}

fn post(url: &str, body: &Value) -> Value {
    let answer = ureq::post(url)
        .config()
        .http_status_as_error(false)
        .build()
        .header("Content-Type", "application/json")
        .send(body.to_string())
        .unwrap_or_else(|e| panic!("webdriver {url}: {e}"));
    let text = answer.into_body().read_to_string().unwrap_or_default();
    serde_json::from_str(&text).unwrap_or(Value::Null)
}
