//! Seeded fuzzing of everything an editor (or a followed branch) writes:
//! front matter in TOML and YAML, `config.toml`, Markdown bodies, templates
//! and feed files. Each case mutates one file of a small hub site (byte
//! flips, truncation, invalid UTF-8, BOM, CRLF, NUL, very long lines, deep
//! nesting of `[`, `{`, `>`, lists, Tera blocks, HTML) and runs the real
//! `branchpress build` as a child process, killed after a time bound, since a
//! stack overflow cannot be caught in-process. Every case must end in
//! success or a located error: never a panic, a backtrace, a death by
//! signal or a hang; and a failed build must leave the previous output
//! byte-identical.
//!
//! Environment: `BRANCHPRESS_FUZZ_CASES` (default 2000),
//! `BRANCHPRESS_FUZZ_SEED` (default [`DEFAULT_SEED`], so CI is repeatable;
//! `random` draws a new one, printed, to explore), `BRANCHPRESS_FUZZ_CASE`
//! (run that one case of the seed only, to reproduce a failure),
//! `BRANCHPRESS_FUZZ_TIMEOUT_SECS` (default `common::bounded::HANG`, the hang bound).

mod common;

use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::bounded::{Bounded, run_bounded};
use common::rng::{Rng, env_number};
use common::{Site, snapshot};

const CONFIG: &str = "title = \"Fuzz\"\nbase_url = \"https://fuzz.example.org\"\ntaxonomies = [{ name = \"tags\" }]\n\n[markdown]\nhighlight_code = true\n\n[branch]\nname = \"Fuzz Branch\"\n\n[extra]\nmenu = [{ name = \"Home\", url = \"/\" }, { name = \"News\", url = \"/news/\" }]\n\n[federation]\n\n[[federation.sources]]\nname = \"Peer\"\npath = \"peers/feed.xml\"\n";

const TOML_PAGE: &str = "+++\ntitle = \"Toml page\"\ndate = 2026-03-01T18:30:00+01:00\ntags = [\"food\"]\naliases = [\"/old/toml/\"]\n[extra]\nlist = [1, [2, 3], { a = \"b\", c = [\"d\"] }]\nquote = \"\"\"many\nlines\"\"\"\n+++\nBody with **bold** and a [link](https://example.org).\n";

const YAML_PAGE: &str = "---\ntitle: \"Yaml: page\"\ndate: 2026-02-01\ntags: [food, \"housing\"]\nextra:\n  nested: {a: [1, 2]}\n  list:\n    - one\n    - two: 2\n  text: |\n    block\n    text\n---\n## Heading\n\nText.\n";

const BODY_HEAD: &str = "+++\ntitle = \"Body\"\n+++\n";

const BODY: &str = "# Title {#custom}\n\nSome *emphasis*, `code`, <span class=\"x\">html</span> and a footnote[^1].\n\n> quote\n> > nested quote\n\n- a\n  - b\n    - c\n\n1. one\n2. two\n\n```rust\nfn main() { println!(\"hi\"); }\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nSee [the toml page](@/news/toml.md) and <https://example.org>.\n\n## Title\n\n## Title\n\n[^1]: the note\n";

const BASE_TEMPLATE: &str = "<!doctype html><html><head><title>{% block title %}{{ config.title }}{% endblock title %}</title></head><body>{% for m in config.extra.menu %}<a href=\"{{ m.url }}\">{{ m.name }}</a>{% endfor %}{% block content %}{% endblock content %}</body></html>\n";

const PAGE_TEMPLATE: &str = "{% extends \"base.html\" %}{% block content %}<h1>{{ page.title }}</h1>{% if page.toc %}<ul>{% for h in page.toc %}<li>{{ h.title }}{% for c in h.children %}{{ c.title }}{% endfor %}</li>{% endfor %}</ul>{% endif %}{% set tags = page.taxonomies.tags | default(value=[]) %}{% include \"tags.html\" %}{{ page.content | safe }}{% set s = get_section(path=\"news/_index.md\") %}{{ s.title }}{% endblock content %}";

const TAGS_TEMPLATE: &str =
    "{% for t in tags %}<a href=\"{{ get_taxonomy_url(kind='tags', name=t) }}\">{{ t | upper }}</a>{% endfor %}";

const SECTION_TEMPLATE: &str = "{% extends \"base.html\" %}{% block content %}<h1>{{ section.title }}</h1>{% for p in section.pages %}<li><a href=\"{{ p.permalink }}\">{{ p.title }}</a> {% if p.date %}{{ p.date | date(format=\"%Y-%m-%d\") }}{% endif %}</li>{% endfor %}{% endblock content %}";

const ATOM: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<title>Peer</title><id>https://peer.example.org/</id><link rel=\"alternate\" href=\"https://peer.example.org/\"/><updated>2026-03-02T10:00:00Z</updated>\n<entry><title>Repairs &amp; more</title><id>https://peer.example.org/a/</id><link rel=\"alternate\" href=\"https://peer.example.org/a/\"/><published>2026-03-01T10:00:00Z</published><updated>2026-03-01T10:00:00Z</updated><category term=\"news\"/>\n<summary type=\"html\">&lt;p&gt;Bring &lt;b&gt;photos&lt;/b&gt;.&lt;/p&gt;&lt;div&gt;&lt;ul&gt;&lt;li&gt;x&lt;/li&gt;&lt;/ul&gt;&lt;/div&gt;</summary>\n<content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Deep <em>content</em></p></div></content></entry>\n</feed>\n";

const RSS: &str = "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>Peer</title><link>https://peer.example.org/</link><description>d</description>\n<item><title>Rent strike</title><link>https://peer.example.org/b/</link><guid>https://peer.example.org/b/</guid><pubDate>Sun, 01 Feb 2026 10:00:00 GMT</pubDate><description><![CDATA[<p>We <b>won</b>.</p><blockquote><blockquote>x</blockquote></blockquote>]]></description></item>\n</channel></rss>\n";

const JSON_FEED: &str = "{\"version\": \"https://jsonfeed.org/version/1.1\", \"title\": \"Peer\", \"home_page_url\": \"https://peer.example.org/\", \"items\": [{\"id\": \"1\", \"url\": \"https://peer.example.org/c/\", \"title\": \"Food\", \"content_html\": \"<p>Soup <i>kitchen</i></p>\", \"date_published\": \"2026-01-01T10:00:00Z\", \"tags\": [\"food\"], \"_ext\": {\"a\": [1, {\"b\": [2]}]}}]}\n";

/// The files of the fuzzed site before any mutation.
fn site_files() -> Vec<(&'static str, String)> {
    vec![
        ("config.toml", CONFIG.to_owned()),
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\nWelcome.\n".to_owned()),
        ("content/news/_index.md", "+++\ntitle = \"News\"\nsort_by = \"date\"\n+++\n".to_owned()),
        ("content/news/toml.md", TOML_PAGE.to_owned()),
        ("content/news/yaml.md", YAML_PAGE.to_owned()),
        ("content/news/body.md", format!("{BODY_HEAD}{BODY}")),
        ("peers/feed.xml", ATOM.to_owned()),
        ("templates/base.html", BASE_TEMPLATE.to_owned()),
        ("templates/page.html", PAGE_TEMPLATE.to_owned()),
        ("templates/tags.html", TAGS_TEMPLATE.to_owned()),
        ("templates/section.html", SECTION_TEMPLATE.to_owned()),
        ("templates/index.html", SECTION_TEMPLATE.to_owned()),
        ("templates/taxonomy_list.html", "{% for t in terms %}<li>{{ t.name }}</li>{% endfor %}".to_owned()),
        ("templates/taxonomy_term.html", "{% for p in term.pages %}<li>{{ p.title }}</li>{% endfor %}".to_owned()),
    ]
}

/// What one case mutates: the file it writes, the text it starts from, the
/// text kept in front of the mutated part, and the tokens that nest.
struct Target {
    file: &'static str,
    seeds: &'static [&'static str],
    prefix: &'static str,
    nesting: &'static [&'static str],
    words: &'static [&'static str],
}

const TARGETS: &[Target] = &[
    Target {
        file: "content/news/toml.md",
        seeds: &[TOML_PAGE],
        prefix: "",
        nesting: &["[", "{a=", "[[", "{ a = [", "\"\"\""],
        words: &["+++", "\n+++\n", "=", "\"", "'", "[extra]", "[[x]]", "date = 2026-99-99", "\\u0000", "#", ",]"],
    },
    Target {
        file: "content/news/yaml.md",
        seeds: &[YAML_PAGE],
        prefix: "",
        nesting: &["[", "{", "{a: ", "- ", "  ", "? ", "&a [*a, "],
        words: &[
            "---",
            "\n---\n",
            ":",
            ": ",
            "&a",
            "*a",
            "!!binary",
            "!!python/object",
            "|",
            ">",
            "\t",
            "%YAML 1.2\n",
            "<<: *a",
        ],
    },
    Target {
        file: "config.toml",
        seeds: &[CONFIG],
        prefix: "",
        nesting: &["[", "{a=", "[[", "{ a = ["],
        words: &[
            "[federation]",
            "path = \"/dev/zero\"",
            "theme = \"../../\"",
            "base_url = \"\"",
            "=",
            "\"",
            "[extra]",
            "title = 1",
        ],
    },
    Target {
        file: "content/news/body.md",
        seeds: &[BODY],
        prefix: BODY_HEAD,
        nesting: &[">", "> ", "- ", "  - ", "1. ", "*", "_", "[", "![", "<div>", "`", "~~~\n", "    ", "[^1]: "],
        words: &[
            "{#",
            "#",
            "\n\n",
            "](@/news/gone.md)",
            "](@/",
            "<script>",
            "]]>",
            "|",
            "---",
            "```",
            "\t",
            "&#0;",
            "&#x110000;",
        ],
    },
    Target {
        file: "templates/page.html",
        seeds: &[PAGE_TEMPLATE, TAGS_TEMPLATE, SECTION_TEMPLATE],
        prefix: "",
        nesting: &[
            "{% if true %}",
            "{% for a in [1] %}",
            "{% block b %}",
            "{{ (",
            "(",
            "[",
            "{% filter upper %}",
            "{% raw %}",
        ],
        words: &[
            "{{",
            "}}",
            "{%",
            "%}",
            "{#",
            "#}",
            "{% endif %}",
            "{% endblock %}",
            "| safe",
            "{{ page.nope }}",
            "{% include \"page.html\" %}",
            "{% extends \"page.html\" %}",
        ],
    },
    Target {
        file: "peers/feed.xml",
        seeds: &[ATOM, RSS, JSON_FEED],
        prefix: "",
        nesting: &["<a>", "<div>", "&lt;div&gt;", "[", "{\"a\":", "<![CDATA[", "<entry>"],
        words: &[
            "<!DOCTYPE x [<!ENTITY a \"aaaa\">]>",
            "&a;",
            "&#0;",
            "<?xml",
            "]]>",
            "\"",
            "<",
            ">",
            "&",
            "\u{0}",
            "\u{FEFF}",
            "encoding=\"utf-16\"",
        ],
    },
];

/// Applies one random mutation to `bytes`; returns what it did, for reports.
fn mutate(rng: &mut Rng, target: &Target, bytes: &mut Vec<u8>) -> String {
    let at = rng.below(bytes.len() + 1);
    match rng.below(13) {
        0 if !bytes.is_empty() => {
            let i = at.min(bytes.len() - 1);
            bytes[i] = rng.next() as u8;
            format!("byte {i} set to {:#04x}", bytes[i])
        }
        1 if !bytes.is_empty() => {
            let i = at.min(bytes.len() - 1);
            bytes[i] ^= 1 << rng.below(8);
            format!("bit flipped in byte {i}")
        }
        2 => {
            bytes.truncate(at);
            format!("truncated to {at} bytes")
        }
        3 => {
            const BAD: &[&[u8]] = &[b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xe2\x82"];
            let bad = *rng.pick(BAD);
            bytes.splice(at..at, bad.iter().copied());
            format!("invalid UTF-8 {bad:?} at {at}")
        }
        4 => {
            bytes.splice(0..0, "\u{FEFF}".bytes());
            "BOM added".to_owned()
        }
        5 => {
            *bytes = String::from_utf8_lossy(bytes).replace('\n', "\r\n").into_bytes();
            "CRLF line ends".to_owned()
        }
        6 => {
            bytes.insert(at, 0);
            format!("NUL at {at}")
        }
        7 => {
            let len = *rng.pick(&[1_000, 100_000, 1_000_000]);
            bytes.splice(at..at, std::iter::repeat_n(b'a', len));
            format!("line of {len} bytes at {at}")
        }
        8 | 9 => {
            let token = rng.pick(target.nesting);
            let count = *rng.pick(&[10, 100, 1_000, 10_000, 100_000]);
            bytes.splice(at..at, token.repeat(count).into_bytes());
            format!("{token:?} x {count} at {at}")
        }
        10 => {
            let word = rng.pick(target.words);
            bytes.splice(at..at, word.bytes());
            format!("{word:?} at {at}")
        }
        11 => {
            let end = (at + rng.below(64)).min(bytes.len());
            bytes.drain(at..end);
            format!("bytes {at}..{end} deleted")
        }
        _ => {
            let end = (at + rng.below(64)).min(bytes.len());
            let copy = bytes[at..end].to_vec();
            let to = rng.below(bytes.len() + 1);
            bytes.splice(to..to, copy);
            format!("bytes {at}..{end} copied to {to}")
        }
    }
}

/// One generated input: which file gets which bytes, and how they were made.
struct Case {
    index: usize,
    file: &'static str,
    bytes: Vec<u8>,
    description: String,
}

fn generate(seed: u64, index: usize) -> Case {
    let mut rng = Rng(seed ^ (index as u64).wrapping_mul(0xA076_1D64_78BD_642F));
    let target = rng.pick(TARGETS);
    let mut bytes = rng.pick(target.seeds).as_bytes().to_vec();
    let mut steps = Vec::new();
    for _ in 0..1 + rng.below(3) {
        steps.push(mutate(&mut rng, target, &mut bytes));
    }
    let mut full = target.prefix.as_bytes().to_vec();
    full.extend(bytes);
    Case { index, file: target.file, bytes: full, description: format!("{}: {}", target.file, steps.join(", ")) }
}

/// How one case ended, when it broke a rule.
struct Finding {
    case: usize,
    description: String,
    problem: String,
}

/// The run's settings, from the environment.
struct Settings {
    seed: u64,
    cases: usize,
    only: Option<usize>,
    timeout: Duration,
}

/// The seed a plain `cargo test` uses: a run with a random seed that finds
/// a new problem should fail the person exploring, not a CI run of unrelated
/// work. This one found the over-long tag and slug names
/// (`tests/bad_input.rs`); new finds become named tests there.
const DEFAULT_SEED: u64 = 1_796_053_901_915_653_881;

fn settings() -> Settings {
    let var = env_number;
    let clock = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64);
    let random = std::env::var("BRANCHPRESS_FUZZ_SEED").is_ok_and(|v| v == "random");
    Settings {
        seed: if random { clock } else { var("BRANCHPRESS_FUZZ_SEED").unwrap_or(DEFAULT_SEED) },
        cases: var("BRANCHPRESS_FUZZ_CASES").map_or(2000, |n| n as usize).max(1),
        only: var("BRANCHPRESS_FUZZ_CASE").map(|n| n as usize),
        timeout: var("BRANCHPRESS_FUZZ_TIMEOUT_SECS").map_or(common::bounded::HANG, Duration::from_secs),
    }
}

/// Whether every `error:` line of stderr names a file (`error: PATH:…: …`).
fn errors_are_located(stderr: &str) -> bool {
    let errors: Vec<&str> = stderr.lines().filter_map(|l| l.strip_prefix("error: ")).collect();
    !errors.is_empty()
        && errors
            .iter()
            .all(|e| e.split_once(": ").is_some_and(|(place, _)| place.starts_with("./") && !place.contains(' ')))
}

/// The rules one outcome must keep; None when it kept them all.
fn broken_rule(outcome: &Bounded, timeout: Duration) -> Option<String> {
    let stderr = &outcome.run.stderr;
    let tail = || stderr.chars().take(2000).collect::<String>();
    if outcome.timed_out {
        return Some(format!("still running after {timeout:?} (a hang)"));
    }
    if stderr.contains("panicked at") || stderr.contains("RUST_BACKTRACE") || stderr.contains("stack backtrace") {
        return Some(format!("a panic:\n{}", tail()));
    }
    match outcome.run.code {
        None => Some(format!("killed by a signal (a stack overflow?):\n{}", tail())),
        Some(0) => None,
        Some(1) if errors_are_located(stderr) => None,
        Some(1) => Some(format!("an error that names no file:\n{}", tail())),
        Some(code) => Some(format!("exit code {code}:\n{}", tail())),
    }
}

/// One worker: its own site, built once, then case after case; each case
/// writes one mutated file, builds, checks, and puts the file back.
struct Worker {
    site: Site,
    previous: std::collections::BTreeMap<String, Vec<u8>>,
}

impl Worker {
    fn new(timeout: Duration) -> Worker {
        let site = Site::new(&[]);
        for (path, text) in site_files() {
            site.write(path, &text);
        }
        let first = run_bounded(site.path(), &["build"], timeout).finished();
        assert_eq!(first.code, Some(0), "the unmutated fuzz site must build:\n{}", first.stderr);
        let previous = snapshot(&site.public());
        Worker { site, previous }
    }

    fn run(&mut self, case: &Case, timeout: Duration) -> (Duration, Option<String>) {
        let file = self.site.path().join(case.file);
        let original = std::fs::read(&file).unwrap();
        std::fs::write(&file, &case.bytes).unwrap();
        let staged_before = self.staging_folders();
        let outcome = run_bounded(self.site.path(), &["build"], timeout);
        let mut problem = broken_rule(&outcome, timeout);
        if outcome.run.code == Some(0) {
            self.previous = snapshot(&self.site.public());
        } else if problem.is_none() {
            if snapshot(&self.site.public()) != self.previous {
                problem = Some("the failed build changed the previous output".to_owned());
            } else if self.staging_folders() != staged_before {
                problem = Some("the failed build left a staging folder behind".to_owned());
            }
        }
        std::fs::write(&file, original).unwrap();
        (outcome.took, problem)
    }

    /// The build's staging folders in the site folder (a killed build may
    /// leave one; a failed build must not).
    fn staging_folders(&self) -> Vec<String> {
        let names = std::fs::read_dir(self.site.path()).unwrap().filter_map(Result::ok);
        names.map(|e| e.file_name().to_string_lossy().into_owned()).filter(|n| n.contains("building")).collect()
    }
}

/// Keeps a failing input where a developer can find it; returns the path.
fn keep_input(seed: u64, case: &Case) -> String {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("fuzz-{seed}-{}", case.index));
    std::fs::write(&path, &case.bytes).unwrap();
    path.display().to_string()
}

#[test]
fn bad_input_never_panics_hangs_or_changes_the_previous_output() {
    let s = settings();
    let indices: Vec<usize> = match s.only {
        Some(i) => vec![i],
        None => (0..s.cases).collect(),
    };
    let next = AtomicUsize::new(0);
    let findings = Mutex::new(Vec::<Finding>::new());
    let slowest = Mutex::new((Duration::ZERO, String::new()));
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(2, 4).min(indices.len());
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                let mut worker = Worker::new(s.timeout);
                while let Some(&index) = indices.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let case = generate(s.seed, index);
                    let (took, problem) = worker.run(&case, s.timeout);
                    let mut slow = slowest.lock().unwrap();
                    if took > slow.0 {
                        *slow = (took, format!("case {index}: {}", case.description));
                    }
                    drop(slow);
                    if let Some(problem) = problem {
                        let kept = keep_input(s.seed, &case);
                        let description = format!("{} (input kept in {kept})", case.description);
                        findings.lock().unwrap().push(Finding { case: index, description, problem });
                    }
                }
            });
        }
    });
    let (slow_time, slow_case) = slowest.into_inner().unwrap();
    println!(
        "fuzz: {} cases in {:.1?} on {threads} threads, seed {}; slowest {slow_time:.2?}: {slow_case}",
        indices.len(),
        started.elapsed(),
        s.seed
    );
    let findings = findings.into_inner().unwrap();
    let report: Vec<String> = findings
        .iter()
        .map(|f| {
            format!(
                "case {} ({}): {}\n  replay: BRANCHPRESS_FUZZ_SEED={} BRANCHPRESS_FUZZ_CASE={}",
                f.case, f.description, f.problem, s.seed, f.case
            )
        })
        .collect();
    assert!(
        findings.is_empty(),
        "{} of {} cases broke a rule (seed {}):\n{}",
        findings.len(),
        indices.len(),
        s.seed,
        report.join("\n\n")
    );
}
