//! What the browser tests need, and what happens when it is missing.
//!
//! A browser test never passes by skipping: when Chromium, its WebDriver
//! (`chromedriver`), Node, Java or `tests/browser/node_modules` is missing,
//! the test FAILS and says what to install. Only a person who opts out on
//! purpose, with `BRANCHPRESS_SKIP_BROWSER_TESTS=1` (named in the README),
//! gets a skip, printed loudly. `.ci/run` never sets it.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The environment variable that lets a browser test skip when its tools are missing.
pub const OPT_OUT: &str = "BRANCHPRESS_SKIP_BROWSER_TESTS";

/// Where Debian installs the browser and its driver.
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// Debian's `chromium-driver`.
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// One thing a browser test needs.
pub struct Tool {
    /// What it is, for the message.
    name: String,
    /// Whether it is there.
    present: bool,
    /// How to get it.
    install: &'static str,
}

fn file_tool(name: &str, path: &Path, install: &'static str) -> Tool {
    Tool { name: format!("{name} ({})", path.display()), present: path.exists(), install }
}

/// Headless Chromium.
pub fn chromium() -> Tool {
    file_tool("Chromium", Path::new(CHROMIUM), "apt-get install chromium")
}

/// The WebDriver for Chromium.
pub fn chromedriver() -> Tool {
    file_tool("chromedriver, the WebDriver", Path::new(CHROMEDRIVER), "apt-get install chromium-driver")
}

/// The pinned npm packages of `tests/browser` (axe-core, the Nu Html Checker, playwright-core).
pub fn node_modules() -> Tool {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/browser/node_modules");
    Tool {
        name: format!("the npm packages of tests/browser ({})", path.display()),
        present: path.is_dir(),
        install: "(cd tests/browser && npm ci --no-audit --no-fund)",
    }
}

/// A program on the PATH that answers `program version_flag`.
fn program(program: &str, version_flag: &str, install: &'static str) -> Tool {
    let runs = Command::new(program)
        .arg(version_flag)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    Tool { name: format!("`{program}`"), present: runs, install }
}

/// Node 20 or newer, which runs the scripts of `tests/browser`.
pub fn node() -> Tool {
    program("node", "--version", "apt-get install nodejs")
}

/// A Java runtime, which runs the Nu Html Checker.
pub fn java() -> Tool {
    program("java", "-version", "apt-get install default-jre-headless")
}

/// True when every tool `test` needs is there. When some are missing, false if
/// the person running the tests opted out with [`OPT_OUT`]`=1`; otherwise the
/// test fails with what to install.
pub fn available(test: &str, tools: &[Tool]) -> bool {
    let missing: Vec<&Tool> = tools.iter().filter(|t| !t.present).collect();
    if missing.is_empty() {
        return true;
    }
    let list: String = missing.iter().map(|t| format!("\n  - {}: install with `{}`", t.name, t.install)).collect();
    if std::env::var(OPT_OUT).is_ok_and(|v| v == "1") {
        eprintln!("\n!! SKIPPED {test}, as {OPT_OUT}=1 asks; it needs:{list}\n");
        return false;
    }
    panic!(
        "{test} cannot run, it needs:{list}\n\
         Install them (.ci/run does), or skip the browser tests on this machine on purpose with {OPT_OUT}=1."
    );
}
