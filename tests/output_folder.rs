//! The output folder: a build replaces only a folder it made (or an empty
//! one, or the site's default `public/`), never the site's own files, the
//! home folder or `/`; it never moves a user's file; a killed build leaves
//! nothing behind; two sources writing one output file is a located error.
//! Every case drives the real CLI. Every refused or failed build checks that
//! every file outside the output folder is byte-identical afterwards; the
//! cases of a killed build check instead that only branchpress's own
//! staging folder went away and the previous output came back.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{BASIC, Run, run_with_env};

/// A folder holding a site, a home folder, an unrelated folder of
/// documents and another site, as a volunteer's disk would.
struct Workspace {
    dir: tempfile::TempDir,
}

/// What a path in a snapshot is.
#[derive(Debug, PartialEq, Eq)]
enum Entry {
    File(Vec<u8>),
    Folder,
    Link(PathBuf),
}

impl Workspace {
    fn new() -> Workspace {
        let w = Workspace { dir: tempfile::tempdir().expect("temp dir") };
        for (path, text) in BASIC {
            w.write(&format!("site/{path}"), text);
        }
        w.write("site/themes/commons/theme.toml", "name = \"commons\"\n");
        w.write("site/themes/commons/templates/page.html", "{{ page.title }}");
        w.write("site/.branchpress/cache/alpha/feed.xml", "<feed/>");
        w.write("home/notes.txt", "my notes");
        w.write("Documents/letter.txt", "Dear council,");
        w.write("Documents/tax-2025.pdf", "%PDF-1.4 tax");
        w.write("other-site/config.toml", "title = \"Other\"\n");
        w.write("other-site/content/_index.md", "+++\ntitle = \"Other\"\n+++\n");
        w.write("other-site/themes/t/theme.toml", "name = \"t\"\n");
        w
    }

    fn path(&self) -> PathBuf {
        self.dir.path().canonicalize().expect("canonical temp dir")
    }

    fn site(&self) -> PathBuf {
        self.path().join("site")
    }

    fn write(&self, path: &str, text: &str) {
        let file = self.dir.path().join(path);
        std::fs::create_dir_all(file.parent().expect("parent")).expect("create dirs");
        std::fs::write(file, text).expect("write fixture file");
    }

    /// `branchpress ARGS` in the site folder, with HOME set to `home/`.
    fn run(&self, args: &[&str]) -> Run {
        let home = self.path().join("home");
        run_with_env(&self.site(), args, &[("HOME", &home)])
    }

    /// Every path under the workspace with what it holds.
    fn snapshot(&self) -> BTreeMap<PathBuf, Entry> {
        snapshot_tree(&self.path())
    }
}

/// Every path under `dir` (not following symlinks) with its bytes, so a
/// moved, renamed, changed or added file shows.
fn snapshot_tree(dir: &Path) -> BTreeMap<PathBuf, Entry> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.expect("walk"))
        .map(|e| {
            let entry = if e.path_is_symlink() {
                Entry::Link(std::fs::read_link(e.path()).expect("read link"))
            } else if e.file_type().is_dir() {
                Entry::Folder
            } else {
                Entry::File(std::fs::read(e.path()).expect("read file"))
            };
            (e.path().to_path_buf(), entry)
        })
        .collect()
}

/// Fails unless everything outside `output` is as it was. The folders the
/// build keeps for itself (`.branchpress/cache/search` and the like, see
/// `base::cache::BUILD_FOLDERS`) are made by branchpress and may change;
/// nothing else may, the fetched feeds beside them included.
fn assert_unchanged_outside(before: &BTreeMap<PathBuf, Entry>, after: &BTreeMap<PathBuf, Entry>, output: &Path) {
    let is_build_cache = |p: &Path| {
        branchpress::base::cache::BUILD_FOLDERS
            .iter()
            .any(|folder| p.ancestors().any(|a| a.ends_with(Path::new(".branchpress/cache").join(folder))))
    };
    let outside = |map: &BTreeMap<PathBuf, Entry>| -> Vec<(PathBuf, String)> {
        map.iter()
            .filter(|(p, _)| !p.starts_with(output) && !is_build_cache(p))
            .map(|(p, e)| (p.clone(), format!("{e:?}")))
            .collect()
    };
    let (before, after) = (outside(before), outside(after));
    let changed: Vec<_> =
        before.iter().filter(|e| !after.contains(e)).chain(after.iter().filter(|e| !before.contains(e))).collect();
    assert!(
        changed.is_empty(),
        "files outside {} changed: {:?}",
        output.display(),
        changed.iter().map(|e| &e.0).collect::<Vec<_>>()
    );
}

/// Runs a build that must be refused, and checks that nothing anywhere
/// changed and the error names the folder and says nothing was changed.
fn assert_refused(w: &Workspace, args: &[&str], named: &str) -> String {
    let before = w.snapshot();
    let run = w.run(args).failure();
    assert_unchanged_outside(&before, &w.snapshot(), Path::new("/nonexistent-output"));
    assert!(run.stderr.contains("will not use"), "{}", run.stderr);
    assert!(run.stderr.contains(named), "error should name {named}: {}", run.stderr);
    assert!(run.stderr.contains("nothing was changed in the output folder"), "{}", run.stderr);
    run.stderr
}

#[test]
fn a_content_section_is_refused_even_with_force() {
    let w = Workspace::new();
    assert_refused(&w, &["build", "-o", "content/news"], "content/news");
    assert_refused(&w, &["build", "-o", "content/news", "--force"], "content/news");
}

#[test]
fn dot_dot_through_a_missing_folder_is_resolved_before_the_check() {
    let w = Workspace::new();
    let err = assert_refused(&w, &["build", "-o", "nonexist/../content", "--force"], "nonexist/../content");
    assert!(err.contains("site's own folders"), "{err}");
}

#[test]
fn another_site_is_refused_even_with_force() {
    let w = Workspace::new();
    let other = w.path().join("other-site");
    let other = other.to_str().unwrap();
    let err = assert_refused(&w, &["build", "-o", other], other);
    assert!(err.contains("`config.toml`") && err.contains("`content`"), "lists what is in it: {err}");
    let err = assert_refused(&w, &["build", "-o", other, "--force"], "another site");
    assert!(err.contains("`themes`"), "lists what is in it: {err}");
}

#[test]
fn a_page_bundle_is_refused() {
    let w = Workspace::new();
    assert_refused(&w, &["build", "-o", "content/guides/bundle", "--force"], "content/guides/bundle");
}

#[test]
fn themes_and_a_theme_are_refused() {
    let w = Workspace::new();
    assert_refused(&w, &["build", "-o", "themes", "--force"], "themes");
    assert_refused(&w, &["build", "-o", "themes/commons", "--force"], "themes/commons");
    assert_refused(&w, &["build", "-o", "templates"], "templates");
}

#[test]
fn an_unrelated_folder_with_files_is_refused_and_named_with_its_files() {
    let w = Workspace::new();
    let err = assert_refused(&w, &["build", "-o", "../Documents"], "../Documents");
    assert!(err.contains("letter.txt") && err.contains("tax-2025.pdf"), "{err}");
    assert!(err.contains("--force"), "says how to override: {err}");
}

#[test]
fn the_federation_cache_is_refused() {
    let w = Workspace::new();
    assert_refused(&w, &["build", "-o", ".branchpress", "--force"], ".branchpress");
    assert_refused(&w, &["build", "-o", ".branchpress/cache"], ".branchpress/cache");
}

#[test]
fn a_file_is_refused_and_never_moved() {
    let w = Workspace::new();
    let err = assert_refused(&w, &["build", "-o", "config.toml", "--force"], "config.toml");
    assert!(err.contains("is a file"), "{err}");
    assert!(!w.site().join(".config.toml.old").exists());
    w.run(&["build"]).success();
}

#[test]
fn an_output_nested_in_the_sites_static_folder_is_refused() {
    let w = Workspace::new();
    assert_refused(&w, &["build", "-o", "static/public"], "static/public");
}

#[test]
fn the_site_folder_and_folders_above_it_are_refused() {
    let w = Workspace::new();
    assert_refused(&w, &["build", "-o", ".", "--force"], "site folder");
    assert_refused(&w, &["build", "-o", "..", "--force"], "or holds it");
    assert_refused(&w, &["build", "-o", "../site", "--force"], "site folder");
}

#[test]
fn a_case_variant_of_a_site_folder_is_refused() {
    let w = Workspace::new();
    assert_refused(&w, &["build", "-o", "Content", "--force"], "Content");
    assert_refused(&w, &["build", "-o", "STATIC/x", "--force"], "STATIC/x");
}

#[cfg(unix)]
#[test]
fn a_symlink_to_content_is_refused() {
    let w = Workspace::new();
    std::os::unix::fs::symlink(w.site().join("content"), w.site().join("out")).unwrap();
    std::os::unix::fs::symlink(w.site().join("content"), w.path().join("outside-link")).unwrap();
    assert_refused(&w, &["build", "-o", "out", "--force"], "out");
    assert_refused(&w, &["build", "-o", "../outside-link", "--force"], "outside-link");
    assert_refused(&w, &["build", "-o", "../outside-link/new", "--force"], "outside-link/new");
}

#[test]
fn the_home_folder_is_refused_even_with_force() {
    let w = Workspace::new();
    let home = w.path().join("home");
    let err = assert_refused(&w, &["build", "-o", home.to_str().unwrap(), "--force"], "home folder");
    assert!(err.contains(home.to_str().unwrap()), "{err}");
}

#[test]
fn the_root_folder_is_refused_even_with_force() {
    let w = Workspace::new();
    assert_refused(&w, &["build", "-o", "/", "--force"], "top of the file system");
}

#[test]
fn force_replaces_a_folder_outside_the_site() {
    let w = Workspace::new();
    w.write("old-build/stale.html", "stale");
    let target = w.path().join("old-build");
    assert_refused(&w, &["build", "-o", "../old-build"], "../old-build");
    let before = w.snapshot();
    w.run(&["build", "-o", "../old-build", "--force"]).success();
    assert_unchanged_outside(&before, &w.snapshot(), &target);
    assert!(!target.join("stale.html").exists());
    assert!(target.join("index.html").is_file() && target.join(".branchpress-output").is_file());
    // Now branchpress made it: no --force needed any more.
    w.run(&["build", "-o", "../old-build"]).success();
}

#[test]
fn an_empty_or_new_folder_is_used() {
    let w = Workspace::new();
    std::fs::create_dir(w.path().join("empty")).unwrap();
    // A new output's missing parent folders are created (`new/`), nothing else.
    for (arg, target, made) in
        [("../empty", "empty", "empty"), ("../new/deeper", "new/deeper", "new"), ("docs", "site/docs", "site/docs")]
    {
        let target = w.path().join(target);
        let before = w.snapshot();
        w.run(&["build", "-o", arg]).success();
        assert_unchanged_outside(&before, &w.snapshot(), &w.path().join(made));
        assert!(target.join("news/index.html").is_file(), "{arg}");
    }
}

#[test]
fn a_marked_folder_is_replaced_whole() {
    let w = Workspace::new();
    let public = w.site().join("public");
    w.run(&["build"]).success();
    let marker = std::fs::read_to_string(public.join(".branchpress-output")).unwrap();
    assert!(marker.lines().any(|l| l == "index.html") && marker.lines().any(|l| l == "news"), "{marker}");
    std::fs::write(public.join("stale.html"), "left by an older build").unwrap();
    let before = w.snapshot();
    w.run(&["build"]).success();
    assert_unchanged_outside(&before, &w.snapshot(), &public);
    assert!(!public.join("stale.html").exists());
}

#[test]
fn a_git_worktree_in_public_is_refused_without_preserve_dotfiles() {
    let w = Workspace::new();
    w.run(&["build"]).success();
    w.write("site/public/.git/HEAD", "ref: refs/heads/gh-pages\n");
    w.write("site/public/CNAME", "riverside.example.org\n");
    let err = assert_refused(&w, &["build"], "public");
    assert!(err.contains("`.git`") && err.contains("`CNAME`"), "{err}");
    assert!(err.contains("preserve_dotfiles_in_output = true"), "{err}");
}

#[test]
fn preserve_dotfiles_keeps_a_deployments_files_across_builds() {
    let w = Workspace::new();
    let config = std::fs::read_to_string(w.site().join("config.toml")).unwrap();
    w.write("site/config.toml", &format!("preserve_dotfiles_in_output = true\n{config}"));
    w.run(&["build"]).success();
    w.write("site/public/.git/HEAD", "ref: refs/heads/gh-pages\n");
    w.write("site/public/.git/objects/ab/cdef", "object");
    w.write("site/public/.nojekyll", "");
    w.write("site/public/CNAME", "riverside.example.org\n");
    w.write("site/public/stale.html", "an old page");
    let public = w.site().join("public");
    let kept = |snapshot: &BTreeMap<PathBuf, Entry>| -> Vec<(PathBuf, String)> {
        let names = [".git", ".nojekyll", "CNAME"];
        let is_kept = |p: &Path| names.iter().any(|n| p.starts_with(public.join(n)));
        snapshot.iter().filter(|(p, _)| is_kept(p)).map(|(p, e)| (p.clone(), format!("{e:?}"))).collect()
    };
    for _ in 0..2 {
        let before = w.snapshot();
        w.run(&["build"]).success();
        let after = w.snapshot();
        assert_unchanged_outside(&before, &after, &public);
        assert_eq!(kept(&before), kept(&after), "deployment files byte-identical");
        assert_eq!(kept(&after).len(), 7, "{:?}", kept(&after));
    }
    assert!(!public.join("stale.html").exists());
    let marker = std::fs::read_to_string(public.join(".branchpress-output")).unwrap();
    assert!(!marker.lines().any(|l| l == ".git" || l == "CNAME"), "{marker}");

    // A CNAME the site itself publishes (static/CNAME) wins over the kept one.
    w.write("site/static/CNAME", "new.example.org\n");
    w.run(&["build"]).success();
    assert_eq!(std::fs::read_to_string(public.join("CNAME")).unwrap(), "new.example.org\n");
    assert!(public.join(".git/objects/ab/cdef").is_file());
    let marker = std::fs::read_to_string(public.join(".branchpress-output")).unwrap();
    assert!(marker.lines().any(|l| l == "CNAME"), "{marker}");
}

#[test]
fn check_writes_nothing() {
    let w = Workspace::new();
    let before = w.snapshot();
    w.run(&["check"]).success();
    assert_unchanged_outside(&before, &w.snapshot(), Path::new("/nonexistent-output"));
}

#[test]
fn init_refuses_a_folder_that_is_not_empty_and_a_file() {
    let w = Workspace::new();
    let before = w.snapshot();
    let documents = w.path().join("Documents");
    w.run(&["init", documents.to_str().unwrap()]).failure();
    w.run(&["init", "config.toml"]).failure();
    assert_unchanged_outside(&before, &w.snapshot(), Path::new("/nonexistent-output"));
}

/// The id of a process that has ended.
fn dead_pid() -> u32 {
    let mut child = std::process::Command::new("true").spawn().expect("run true");
    let pid = child.id();
    child.wait().expect("wait");
    pid
}

#[test]
fn a_killed_build_leaves_nothing_behind_after_the_next_build() {
    let w = Workspace::new();
    for i in 0..1000 {
        w.write(
            &format!("site/content/news/p{i}.md"),
            &format!("+++\ntitle = \"P{i}\"\ndate = 2026-01-01\n+++\nBody {i}.\n"),
        );
    }
    w.run(&["build"]).success();
    let site = w.site();
    let public_before = snapshot_tree(&site.join("public"));
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_branchpress"))
        .args(["build", "--drafts"])
        .current_dir(&site)
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start build");
    let staging = site.join(format!(".public.building-{}", child.id()));
    let started = std::time::Instant::now();
    while !staging.join(".branchpress-output").exists() {
        assert!(child.try_wait().unwrap().is_none(), "the build ended before it could be killed; make the site bigger");
        assert!(started.elapsed().as_secs() < 60, "no staging folder appeared");
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(staging.is_dir(), "the killed build left its staging folder");
    assert_eq!(snapshot_tree(&site.join("public")), public_before, "the previous output is untouched");

    // Killed between creating its staging folder and marking it: empty.
    let empty = site.join(format!(".public.building-{}", dead_pid()));
    std::fs::create_dir(&empty).unwrap();
    // Not ours: named like a staging folder of a dead build but unmarked.
    let foreign = site.join(format!(".public.building-{}", dead_pid()));
    w.write(&format!("site/{}/keep.txt", foreign.file_name().unwrap().to_str().unwrap()), "mine");
    w.run(&["build"]).success();
    assert!(!staging.exists(), "the killed build's staging folder is removed");
    assert!(!empty.exists(), "an empty staging folder of a dead build is removed");
    assert!(foreign.join("keep.txt").is_file(), "an unmarked folder is never removed");
    let leftovers: Vec<_> = std::fs::read_dir(&site)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".building-") && *n != foreign.file_name().unwrap().to_string_lossy())
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_swap_killed_half_way_is_undone_by_the_next_build() {
    let w = Workspace::new();
    let config = std::fs::read_to_string(w.site().join("config.toml")).unwrap();
    w.write("site/config.toml", &format!("preserve_dotfiles_in_output = true\n{config}"));
    // What `commit` leaves when killed after moving the old output (with a
    // deployment's .git) inside the staging folder and .git out of it.
    let staging = format!("site/.public.building-{}", dead_pid());
    w.write(&format!("{staging}/.branchpress-output"), "# branchpress\nindex.html\n");
    w.write(&format!("{staging}/index.html"), "new");
    w.write(&format!("{staging}/.git/HEAD"), "ref: refs/heads/gh-pages\n");
    w.write(&format!("{staging}/.branchpress-previous/.branchpress-output"), "# branchpress\nold.html\n");
    w.write(&format!("{staging}/.branchpress-previous/old.html"), "old");
    w.run(&["build"]).success();
    let public = w.site().join("public");
    assert_eq!(std::fs::read_to_string(public.join(".git/HEAD")).unwrap(), "ref: refs/heads/gh-pages\n");
    assert!(!public.join("old.html").exists() && public.join("news/index.html").is_file());
    assert!(!w.path().join(staging).exists());
}

#[test]
fn an_alias_onto_the_home_page_is_a_located_error_every_time() {
    let w = Workspace::new();
    w.write(
        "site/content/news/moved.md",
        "+++\ntitle = \"Moved\"\ndate = 2026-01-05\naliases = [\"/index.html\"]\n+++\nx\n",
    );
    let mut errors = Vec::new();
    for _ in 0..3 {
        let before = w.snapshot();
        let run = w.run(&["build"]).failure();
        assert_unchanged_outside(&before, &w.snapshot(), Path::new("/nonexistent-output"));
        errors.push(run.stderr);
    }
    let err = &errors[0];
    assert!(err.contains("content/news/moved.md:4"), "alias file and line: {err}");
    assert!(err.contains("the alias `/index.html`") && err.contains("content/_index.md"), "both sources: {err}");
    assert!(err.contains("two sources write `index.html`"), "{err}");
    assert!(errors.iter().all(|e| e == err), "deterministic: {errors:?}");
    assert!(!w.site().join("public").exists());
    let check = w.run(&["check"]).failure();
    assert!(check.stderr.contains("two sources write `index.html`"), "check finds it too: {}", check.stderr);
}

#[test]
fn two_pages_or_a_static_file_on_one_path_are_located_errors() {
    let w = Workspace::new();
    w.write("site/content/news/copy.md", "+++\ntitle = \"Copy\"\nslug = \"third\"\n+++\nx\n");
    let before = w.snapshot();
    let err = w.run(&["build"]).failure().stderr;
    assert_unchanged_outside(&before, &w.snapshot(), Path::new("/nonexistent-output"));
    assert!(err.contains("content/news/copy.md") && err.contains("content/news/third.md"), "{err}");
    w.write("site/content/news/copy.md", "+++\ntitle = \"Copy\"\naliases = [\"/news/third/\"]\n+++\nx\n");
    let before = w.snapshot();
    let err = w.run(&["build"]).failure().stderr;
    assert_unchanged_outside(&before, &w.snapshot(), Path::new("/nonexistent-output"));
    assert!(err.contains("content/news/copy.md") && err.contains("content/news/third.md"), "{err}");
    std::fs::remove_file(w.site().join("content/news/copy.md")).unwrap();

    w.write("site/static/guides/bundle/index.html", "<p>static</p>");
    w.write("site/content/news/file-alias.md", "+++\ntitle = \"F\"\naliases = [\"/news\"]\n+++\nx\n");
    let before = w.snapshot();
    let err = w.run(&["build"]).failure().stderr;
    assert_unchanged_outside(&before, &w.snapshot(), Path::new("/nonexistent-output"));
    assert!(err.contains("static/guides/bundle/index.html") && err.contains("content/guides/bundle/index.md"), "{err}");
    assert!(err.contains("writes the file `news`, but") && err.contains("content/news/file-alias.md:3"), "{err}");
}

#[test]
fn a_static_file_and_a_bundle_file_on_one_path_are_a_located_error() {
    let w = Workspace::new();
    w.write(
        "site/static/guides/bundle/map.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><title>static</title></svg>",
    );
    let before = w.snapshot();
    let err = w.run(&["build"]).failure().stderr;
    assert_unchanged_outside(&before, &w.snapshot(), Path::new("/nonexistent-output"));
    assert!(err.contains("two files are copied to `guides/bundle/map.svg`"), "{err}");
    assert!(err.contains("content/guides/bundle/map.svg") && err.contains("static/guides/bundle/map.svg"), "{err}");
}
