//! Shared helpers for the integration tests: fixture sites written into
//! temporary folders, and the real `branchpress` binary run on them.

#![allow(dead_code)]

pub mod bounded;
pub mod http_server;
pub mod rng;
pub mod routes;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A site in a temporary folder.
pub struct Site {
    dir: tempfile::TempDir,
}

/// A minimal theme-less site: config, templates, a few pages.
pub const BASIC: &[(&str, &str)] = &[
    (
        "config.toml",
        "title = \"Test Branch\"\nbase_url = \"https://test.example.org\"\ntaxonomies = [{ name = \"tags\" }]\n\n[branch]\nname = \"Test Branch\"\n",
    ),
    ("content/_index.md", "+++\ntitle = \"Home\"\n+++\nWelcome.\n"),
    ("content/news/_index.md", "+++\ntitle = \"News\"\nsort_by = \"date\"\npaginate_by = 2\n+++\n"),
    (
        "content/news/2026-01-10-first.md",
        "+++\ntitle = \"First\"\ntags = [\"Food\", \"housing\"]\n+++\nThe first. See [the second](@/news/second.md#details).\n",
    ),
    (
        "content/news/second.md",
        "---\ntitle: Second\ndate: 2026-02-01\ntags: [food]\naliases: [\"/old/second/\"]\n---\n## Details\n\nText.\n",
    ),
    ("content/news/third.md", "+++\ntitle = \"Third\"\ndate = 2026-03-01T18:30:00+01:00\n+++\nThird.\n"),
    ("content/news/draft.md", "+++\ntitle = \"Not yet\"\ndate = 2026-04-01\ndraft = true\n+++\nDraft.\n"),
    ("content/guides/bundle/index.md", "+++\ntitle = \"Bundle\"\n+++\n![a map](map.svg)\n"),
    ("content/guides/bundle/map.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
    ("static/site.css", "body{}"),
    (
        "templates/base.html",
        "<!doctype html><html><head><title>{% block title %}{{ config.title }}{% endblock title %}</title></head><body>{% block content %}{% endblock content %}</body></html>\n",
    ),
    (
        "templates/index.html",
        "{% extends \"base.html\" %}{% block content %}<h1>{{ section.title }}</h1>{% for s in section.subsections %}{% set sec = get_section(path=s) %}<a href=\"{{ sec.permalink }}\">{{ sec.title }}</a>{% endfor %}{% endblock content %}",
    ),
    (
        "templates/section.html",
        "{% extends \"base.html\" %}{% block content %}<h1>{{ section.title }}</h1>{% if paginator %}{% for p in paginator.pages %}<li>{{ p.title }}|{% if p.date %}{{ p.date | date(format=\"%Y-%m-%d\") }}{% endif %}</li>{% endfor %}<p>pager {{ paginator.current_index }}/{{ paginator.number_pagers }} next={{ paginator.next }}</p>{% else %}{% for p in section.pages %}<li>{{ p.title }}</li>{% endfor %}{% endif %}{% endblock content %}",
    ),
    (
        "templates/page.html",
        "{% extends \"base.html\" %}{% block content %}<h1>{{ page.title }}</h1>{% for t in page.taxonomies.tags | default(value=[]) %}<a class=\"tag\" href=\"{{ get_taxonomy_url(kind='tags', name=t) }}\">{{ t }}</a>{% endfor %}{{ page.content | safe }}{% if page.previous %}prev={{ page.previous.title }}{% endif %}{% if page.next %}next={{ page.next.title }}{% endif %}<link href=\"{{ get_url(path='site.css', cachebust=true) }}\">{% endblock content %}",
    ),
    ("templates/taxonomy_list.html", "{% for t in terms %}<li>{{ t.name }}={{ t.page_count }}</li>{% endfor %}"),
    (
        "templates/taxonomy_term.html",
        "<h1>{{ term.name }}</h1>{% for p in term.pages %}<li>{{ p.title }}</li>{% endfor %}",
    ),
];

impl Site {
    /// Writes `files` into a new temporary folder.
    pub fn new(files: &[(&str, &str)]) -> Site {
        let site = Site { dir: tempfile::tempdir().expect("temp dir") };
        for (path, text) in files {
            site.write(path, text);
        }
        site
    }

    /// The site folder.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The default output folder.
    pub fn public(&self) -> PathBuf {
        self.path().join("public")
    }

    /// Writes (or replaces) one file.
    pub fn write(&self, path: &str, text: &str) {
        let file = self.path().join(path);
        std::fs::create_dir_all(file.parent().expect("parent")).expect("create dirs");
        std::fs::write(file, text).expect("write fixture file");
    }

    /// Copies the repository's `themes/commons` into the site's `themes/`.
    #[allow(dead_code)] // not every test file uses it
    pub fn copy_commons_theme(&self) {
        copy_commons_theme(self.path());
    }

    /// Removes one file.
    pub fn remove(&self, path: &str) {
        std::fs::remove_file(self.path().join(path)).expect("remove fixture file");
    }

    /// Runs `branchpress ARGS` in the site folder.
    pub fn run(&self, args: &[&str]) -> Run {
        run_in(self.path(), args)
    }

    /// A file of the output, as text.
    pub fn output(&self, path: &str) -> String {
        let file = self.public().join(path);
        std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
    }
}

/// The result of running the CLI.
pub struct Run {
    /// Exit code.
    pub code: Option<i32>,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Run {
    /// Panics with the output unless the command succeeded.
    pub fn success(self) -> Run {
        assert_eq!(self.code, Some(0), "command failed:\n{}\n{}", self.stdout, self.stderr);
        self
    }

    /// Panics unless the command failed with exit code 1.
    pub fn failure(self) -> Run {
        assert_eq!(self.code, Some(1), "expected exit 1:\n{}\n{}", self.stdout, self.stderr);
        assert!(!self.stderr.contains("panicked"), "panic: {}", self.stderr);
        assert!(!self.stderr.contains("RUST_BACKTRACE"), "backtrace hint: {}", self.stderr);
        self
    }
}

/// Runs the real binary in `dir`.
pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    run_with_env(dir, args, &[])
}

/// Runs the real binary in `dir` with extra environment variables.
pub fn run_with_env(dir: &Path, args: &[&str], env: &[(&str, &Path)]) -> Run {
    let out: Output = Command::new(env!("CARGO_BIN_EXE_branchpress"))
        .args(args)
        .current_dir(dir)
        .env_remove("RUST_BACKTRACE")
        .envs(env.iter().copied())
        .output()
        .expect("run branchpress");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Every file under `dir`, by relative path, with its bytes.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).expect("inside").to_string_lossy().replace('\\', "/");
            (rel, std::fs::read(e.path()).expect("read output"))
        })
        .collect()
}

/// Copies the repository's `themes/commons` into `site/themes/commons`.
#[allow(dead_code)] // not every test file uses it
pub fn copy_commons_theme(site: &Path) {
    let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/commons");
    for entry in walkdir::WalkDir::new(&theme).into_iter().map(|e| e.expect("walk the theme")) {
        let target = site.join("themes/commons").join(entry.path().strip_prefix(&theme).expect("inside"));
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("create theme folder");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy theme file");
        }
    }
}
