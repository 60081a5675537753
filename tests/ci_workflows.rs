//! `branchpress init --ci github|gitlab|forgejo`: the written workflow is
//! valid for its forge (checked against the published JSON schemas, kept
//! in tests/data/schemas for offline use), builds, checks and publishes, and
//! for a hub also runs hourly with the federation cache kept.

mod common;

use std::path::Path;

use common::run_in;

fn schema(name: &str) -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/schemas").join(name);
    let schema: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

fn yaml_as_json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_norway::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}\n{text}", path.display()))
}

fn assert_valid(validator: &jsonschema::Validator, path: &Path) -> String {
    let workflow = yaml_as_json(path);
    let errors: Vec<String> =
        validator.iter_errors(&workflow).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{}:\n{}", path.display(), errors.join("\n"));
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn every_forge_gets_a_valid_workflow_for_a_branch_and_a_hub() {
    let github = schema("github-workflows.json");
    let gitlab = schema("gitlab-ci.json");
    // The schemas do refuse a broken workflow.
    assert!(!github.is_valid(&serde_json::json!({"on": "push", "jobs": {"build": {"steps": 3}}})));
    assert!(!gitlab.is_valid(&serde_json::json!({"pages": {"script": 3}})));
    for hub in [false, true] {
        for (forge, file) in [
            ("github", ".github/workflows/publish.yml"),
            ("gitlab", ".gitlab-ci.yml"),
            ("forgejo", ".forgejo/workflows/publish.yml"),
        ] {
            let dir = tempfile::tempdir().unwrap();
            let mut args = vec!["init", "site", "--ci", forge];
            if hub {
                args.push("--hub");
            }
            run_in(dir.path(), &args).success();
            let path = dir.path().join("site").join(file);
            let text = assert_valid(if forge == "gitlab" { &gitlab } else { &github }, &path);
            assert!(text.contains("branchpress-installer.sh"), "{forge}: installs the released binary:\n{text}");
            assert!(text.contains("branchpress check"), "{forge}:\n{text}");
            assert_eq!(text.contains("branchpress build --fetch"), hub, "{forge} hub={hub}:\n{text}");
            assert_eq!(text.contains(".branchpress/cache"), hub, "{forge} hub={hub}: the cache is kept between runs");
            if forge != "gitlab" {
                assert_eq!(text.contains("cron:"), hub, "{forge} hub={hub}:\n{text}");
            }
            // The site it was written for builds.
            run_in(&dir.path().join("site"), &["build"]).success();
        }
    }
}

#[test]
fn an_existing_site_gets_only_the_workflow_and_an_existing_one_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    run_in(dir.path(), &["init", "site"]).success();
    let site = dir.path().join("site");
    std::fs::write(
        site.join("config.toml"),
        format!("{}\n[federation]\n", std::fs::read_to_string(site.join("config.toml")).unwrap()),
    )
    .unwrap();
    let before = common::snapshot(&site);
    run_in(&site, &["init", ".", "--ci", "github"]).success();
    let after = common::snapshot(&site);
    let added: Vec<&String> = after.keys().filter(|k| !before.contains_key(*k)).collect();
    assert_eq!(added, [".github/workflows/publish.yml"]);
    assert!(before.iter().all(|(k, v)| after.get(k) == Some(v)), "nothing else changed");
    let text = std::fs::read_to_string(site.join(".github/workflows/publish.yml")).unwrap();
    assert!(text.contains("build --fetch"), "a site with [federation] is a hub:\n{text}");

    std::fs::write(site.join(".github/workflows/publish.yml"), "# mine\n").unwrap();
    let run = run_in(&site, &["init", ".", "--ci", "github"]).failure();
    assert!(run.stderr.contains("already exists"), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(site.join(".github/workflows/publish.yml")).unwrap(), "# mine\n");
}

/// The release workflow (issue 13): `.github/workflows/release.yml`, written
/// by cargo-dist (`dist init`, `dist generate`), is a valid GitHub workflow
/// that runs on a version tag and publishes the installer that `init --ci`
/// workflows download, with binaries for the five targets a volunteer may
/// have; the binaries are built stripped.
#[test]
fn the_release_workflow_builds_stripped_binaries_for_every_platform_on_a_version_tag() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let path = root.join(".github/workflows/release.yml");
    let text = assert_valid(&schema("github-workflows.json"), &path);
    let workflow = yaml_as_json(&path);
    let tags = &workflow["on"]["push"]["tags"];
    assert_eq!(tags, &serde_json::json!(["**[0-9]+.[0-9]+.[0-9]+*"]), "runs on a pushed version tag");
    assert!(text.contains("dist build") && text.contains("dist host"), "{text}");

    let dist: toml::Table = std::fs::read_to_string(root.join("dist-workspace.toml")).unwrap().parse().unwrap();
    let dist = &dist["dist"];
    let version = dist["cargo-dist-version"].as_str().unwrap();
    assert!(text.contains(&format!("cargo-dist/releases/download/v{version}/")), "the workflow is dist {version}'s");
    let mut targets: Vec<&str> = dist["targets"].as_array().unwrap().iter().map(|t| t.as_str().unwrap()).collect();
    targets.sort_unstable();
    assert_eq!(
        targets,
        [
            "aarch64-apple-darwin",
            "aarch64-unknown-linux-gnu",
            "x86_64-apple-darwin",
            "x86_64-pc-windows-msvc",
            "x86_64-unknown-linux-gnu"
        ]
    );
    let installers: Vec<&str> = dist["installers"].as_array().unwrap().iter().map(|t| t.as_str().unwrap()).collect();
    assert_eq!(installers, ["shell", "powershell"]);

    // `dist` builds with [profile.dist], which inherits the stripped release profile.
    let cargo: toml::Table = std::fs::read_to_string(root.join("Cargo.toml")).unwrap().parse().unwrap();
    let profiles = cargo["profile"].as_table().unwrap();
    assert_eq!(profiles["dist"]["inherits"].as_str(), Some("release"));
    assert!(profiles["dist"].get("strip").is_none(), "[profile.dist] keeps the release profile's strip");
    assert_eq!(profiles["release"]["strip"].as_bool(), Some(true));
    assert_eq!(
        cargo["package"]["repository"].as_str(),
        Some("https://github.com/branchpress/branchpress"),
        "the installer's address, which `init --ci` workflows and the README use, is under this repository"
    );
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    assert!(
        readme.contains("https://github.com/branchpress/branchpress/releases/latest/download/branchpress-installer.sh")
    );
    assert!(
        readme
            .contains("https://github.com/branchpress/branchpress/releases/latest/download/branchpress-installer.ps1")
    );
}
