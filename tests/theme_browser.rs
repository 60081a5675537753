//! The example site in a real browser (issue 6): accessibility, HTML validity
//! and privacy of the `commons` theme.
//!
//! Builds `example-site/` with the real CLI into a temporary folder, for
//! `http://127.0.0.1:<free port>`, then runs the Node scripts of
//! `tests/browser/`: `axe.mjs` (axe-core in headless Chromium, light and dark
//! schemes, no request to any other host) and `vnu.mjs` (the Nu Html Checker
//! on one page of each kind), then `weight.mjs` (what a phone downloads for
//! the article with a photo). Each prints a readable list of what failed.
//!
//! The scripts need `tests/browser/node_modules` (`cd tests/browser && npm ci`),
//! Node, Debian's `chromium` and a Java runtime. Without any of them the test
//! fails saying what to install, unless the person running it opted out with
//! `BRANCHPRESS_SKIP_BROWSER_TESTS=1` (`.ci/run` never does).

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

#[path = "common/browser_tools.rs"]
mod browser_tools;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A port on 127.0.0.1 that was free a moment ago.
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port on 127.0.0.1");
    listener.local_addr().expect("local address").port()
}

/// Runs `program args` from the repository root; panics with its output when it fails.
fn run_script(program: &str, args: &[&Path]) {
    let output = Command::new(program)
        .args(args)
        .current_dir(root())
        .output()
        .unwrap_or_else(|e| panic!("could not start `{program}` (is it installed?): {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    eprintln!("{stdout}{stderr}");
    assert!(output.status.success(), "`{program} {args:?}` failed:\n{stdout}\n{stderr}");
}

#[test]
fn example_site_passes_axe_and_the_nu_html_checker() {
    let tools =
        [browser_tools::node_modules(), browser_tools::node(), browser_tools::java(), browser_tools::chromium()];
    if !browser_tools::available("theme_browser", &tools) {
        return;
    }
    let browser = root().join("tests/browser");
    let out = tempfile::tempdir().expect("temporary folder");
    let public = out.path().join("public");
    let base_url = format!("http://127.0.0.1:{}", free_port());
    let build = Command::new(env!("CARGO_BIN_EXE_branchpress"))
        .arg("build")
        .arg(root().join("example-site"))
        .arg("--output-dir")
        .arg(&public)
        .args(["--base-url", &base_url])
        .output()
        .expect("run branchpress");
    assert!(build.status.success(), "building example-site failed:\n{}", String::from_utf8_lossy(&build.stderr));

    // Issue 17: the Arabic article is laid out right to left, and axe.mjs
    // checks it as its "right-to-left article" (mirrored list included).
    let arabic = std::fs::read_to_string(public.join("news/arabic-help-desk/index.html")).expect("the Arabic article");
    assert!(arabic.contains("<html lang=\"ar\" dir=\"rtl\">"), "{}", &arabic[..300.min(arabic.len())]);
    run_script("node", &[&browser.join("axe.mjs"), &public]);
    run_script("node", &[&browser.join("vnu.mjs"), &public]);
    // Issue 16: an article with a photo stays under 300 KB for a phone's
    // first view, and Chromium is given the photo as WebP.
    let article = Path::new("/guides/breakfast-club/");
    run_script("node", &[&browser.join("weight.mjs"), &public, article, Path::new("300")]);
}
