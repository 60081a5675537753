//! What syntax highlighting costs, per language and per grammar set, on the
//! code blocks of a real site (benches/highlight_cost.py runs it on the
//! shared reference site):
//!
//!     cargo run --profile profiling --example highlight_cost -- SITE_DIR
//!
//! For each grammar set (two-face's, which branchpress uses, and syntect's
//! own defaults) it prints the time to load the set, the first block of each
//! language (when syntect compiles that grammar's regexes) and every block
//! after it, per line. It highlights the way branchpress does (CSS classes),
//! on one thread.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

fn main() {
    let site = std::env::args().nth(1).expect("usage: highlight_cost SITE_DIR");
    let blocks = blocks_of(Path::new(&site).join("content").as_path());
    let lines: usize = blocks.iter().map(|(_, c)| c.lines().count()).sum();
    println!("{} fenced code blocks, {} lines, in {site}", blocks.len(), lines);
    type Loader = fn() -> SyntaxSet;
    let sets: [(&str, Loader); 2] = [
        ("two-face (bat) grammars, used by branchpress", two_face::syntax::extra_newlines),
        ("syntect defaults (Sublime Text 3 grammars)", SyntaxSet::load_defaults_newlines),
    ];
    for (name, load) in sets {
        let t = Instant::now();
        let set = load();
        println!("\n{name}: {} syntaxes, loaded in {:.1} ms", set.syntaxes().len(), ms(t.elapsed()));
        measure(&set, &blocks);
    }
}

/// Per language: the first block, then the rest.
fn measure(set: &SyntaxSet, blocks: &[(String, String)]) {
    let mut first: BTreeMap<&str, Duration> = BTreeMap::new();
    let mut rest: BTreeMap<&str, (usize, usize, Duration)> = BTreeMap::new();
    let mut total = Duration::ZERO;
    for (lang, code) in blocks {
        let Some(syntax) = set.find_syntax_by_token(lang) else { continue };
        let t = Instant::now();
        let mut generator =
            ClassedHTMLGenerator::new_with_class_style(syntax, set, ClassStyle::SpacedPrefixed { prefix: "hl-" });
        for line in LinesWithEndings::from(code) {
            generator.parse_html_for_line_which_includes_newline(line).expect("highlight");
        }
        std::hint::black_box(generator.finalize());
        let spent = t.elapsed();
        total += spent;
        if let std::collections::btree_map::Entry::Vacant(v) = first.entry(lang) {
            v.insert(spent);
            continue;
        }
        let r = rest.entry(lang).or_default();
        *r = (r.0 + 1, r.1 + code.lines().count(), r.2 + spent);
    }
    println!(
        "  {:<8} {:>12} {:>8} {:>8} {:>11} {:>10}",
        "language", "first block", "blocks", "lines", "per block", "per line"
    );
    for (lang, (n, lines, spent)) in &rest {
        println!(
            "  {lang:<8} {:>9.2} ms {n:>8} {lines:>8} {:>8.3} ms {:>7.1} µs",
            ms(first[lang]),
            ms(*spent) / *n as f64,
            ms(*spent) * 1000.0 / *lines as f64
        );
    }
    println!("  all blocks: {:.0} ms on one thread", ms(total));
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Every fenced block (```lang ... ```) of every Markdown file under `dir`.
fn blocks_of(dir: &Path) -> Vec<(String, String)> {
    let mut files: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    files.sort();
    let mut blocks = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read a content file");
        let mut open: Option<(String, String)> = None;
        for line in text.lines() {
            match (&mut open, line.strip_prefix("```")) {
                (None, Some(lang)) => open = Some((lang.trim().to_owned(), String::new())),
                (Some(_), Some(_)) => blocks.extend(open.take()),
                (Some((_, code)), None) => {
                    code.push_str(line);
                    code.push('\n');
                }
                (None, None) => {}
            }
        }
    }
    blocks
}
