//! The highlight cache (`.branchpress/cache/highlight/`): a warm build
//! highlights only the code blocks that changed, writes exactly what a cold
//! build writes, and the cache keeps only the blocks the last build used.

mod common;

use common::{BASIC, Site, snapshot};
use std::path::{Path, PathBuf};

/// A page with four highlighted blocks, a plain one and one in an unknown
/// language (never highlighted, so never cached).
fn code_page(marker: &str) -> String {
    format!(
        "+++\ntitle = \"Code\"\ndate = 2026-01-05\n+++\n\
         ```rust\nfn {marker}() -> u32 {{ 42 }}\n```\n\n\
         ```toml\n[event]\nname = \"repair cafe\"\n```\n\n\
         ```bash\nfor f in *.csv; do cp \"$f\" /srv/; done\n```\n\n\
         ```python\ndef rota(names):\n    return names[::-1]\n```\n\n\
         ```text\nplain\n```\n\n\
         ```klingon\nQapla'\n```\n"
    )
}

fn site() -> Site {
    let site = Site::new(BASIC);
    site.write("content/news/code.md", &code_page("first_marker"));
    site.write("content/guides/more.md", "+++\ntitle = \"More\"\n+++\n```rust\nlet shared = 1;\n```\n");
    site
}

/// `build --timings` into `out`; returns (blocks highlighted, blocks from the cache).
fn build(site: &Site, out: &Path) -> (usize, usize) {
    let run = site.run(&["build", "--timings", "-o", out.to_str().expect("utf-8 path")]).success();
    let all = format!("{}{}", run.stdout, run.stderr);
    all.split("(highlighting ")
        .nth(1)
        .and_then(|rest| {
            let (_, rest) = rest.split_once(": ")?;
            let (made, rest) = rest.split_once(" blocks highlighted, ")?;
            let (reused, _) = rest.split_once(" from the cache")?;
            Some((made.parse().ok()?, reused.parse().ok()?))
        })
        .unwrap_or_else(|| panic!("no highlight counts in the timings:\n{all}"))
}

fn cache_file(site: &Site) -> PathBuf {
    site.path().join(".branchpress/cache/highlight/blocks.bin")
}

#[test]
fn a_warm_build_highlights_nothing_and_writes_the_same_bytes() {
    let site = site();
    let outs = tempfile::tempdir().unwrap();
    let cold = outs.path().join("cold");
    assert_eq!(build(&site, &cold), (5, 0), "four blocks on one page, one on another");
    assert!(cache_file(&site).is_file());
    let html = std::fs::read_to_string(cold.join("news/code/index.html")).unwrap();
    assert!(html.contains("class=\"hl-"), "{html}");

    let warm = outs.path().join("warm");
    assert_eq!(build(&site, &warm), (0, 5));
    assert!(snapshot(&cold) == snapshot(&warm), "a warm build wrote other bytes than a cold one");
}

#[test]
fn one_changed_block_is_highlighted_and_the_output_equals_a_cold_build() {
    let site = site();
    let outs = tempfile::tempdir().unwrap();
    build(&site, &outs.path().join("first"));

    site.write("content/news/code.md", &code_page("second_marker"));
    let warm = outs.path().join("warm");
    assert_eq!(build(&site, &warm), (1, 4), "only the changed rust block is highlighted");

    std::fs::remove_dir_all(site.path().join(".branchpress/cache/highlight")).unwrap();
    let cold = outs.path().join("cold");
    assert_eq!(build(&site, &cold), (5, 0));
    assert!(snapshot(&cold) == snapshot(&warm), "a warm build wrote other bytes than a cold one");
}

#[test]
fn the_cache_keeps_only_blocks_the_last_build_used() {
    let site = site();
    let outs = tempfile::tempdir().unwrap();
    build(&site, &outs.path().join("0"));
    let first_size = std::fs::metadata(cache_file(&site)).unwrap().len();
    for i in 1..=12 {
        site.write("content/news/code.md", &code_page(&format!("edit_number_{i}")));
        build(&site, &outs.path().join(i.to_string()));
    }
    let bytes = std::fs::read(cache_file(&site)).unwrap();
    let has = |needle: &str| bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
    assert!(has("edit_number_12"), "the block of the last build is kept");
    assert!(!has("first_marker") && !has("edit_number_11"), "blocks no longer in the site are dropped");
    let size = bytes.len() as u64;
    assert!(size <= first_size + 64, "the cache grew from {first_size} to {size} bytes over 12 edits");

    // A removed page takes its blocks with it.
    site.remove("content/news/code.md");
    assert_eq!(build(&site, &outs.path().join("removed")), (0, 1));
    let size = std::fs::metadata(cache_file(&site)).unwrap().len();
    assert!(size < first_size / 2, "the cache kept the removed page's blocks ({size} of {first_size} bytes)");
}

#[test]
fn a_broken_cache_file_is_a_cold_build() {
    let site = site();
    let outs = tempfile::tempdir().unwrap();
    let first = outs.path().join("first");
    build(&site, &first);
    std::fs::write(cache_file(&site), b"\x00\x01garbage").unwrap();
    let second = outs.path().join("second");
    assert_eq!(build(&site, &second), (5, 0));
    assert!(snapshot(&first) == snapshot(&second));
}
