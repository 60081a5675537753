//! `branchpress init --ci github|gitlab|forgejo`: a ready deployment
//! workflow. It installs branchpress from its released binaries (no Rust
//! needed), builds, runs `check`, and publishes to the host's Pages; for a
//! hub it also runs every hour with `build --fetch`, keeping the federation
//! cache between runs so conditional requests work.

use std::path::Path;

use crate::error::{Diagnostic, Error, Result};

/// Where the release installer is (see the release workflow and the README).
const INSTALLER: &str = "https://github.com/branchpress/branchpress/releases/latest/download/branchpress-installer.sh";

/// The forges `--ci` writes a workflow for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Forge {
    /// GitHub Actions, publishing to GitHub Pages.
    Github,
    /// GitLab CI, publishing to GitLab Pages.
    Gitlab,
    /// Forgejo Actions (Codeberg), publishing to the `pages` branch.
    Forgejo,
}

impl Forge {
    /// The workflow file, inside the site folder.
    pub fn file(self) -> &'static str {
        match self {
            Forge::Github => ".github/workflows/publish.yml",
            Forge::Gitlab => ".gitlab-ci.yml",
            Forge::Forgejo => ".forgejo/workflows/publish.yml",
        }
    }

    /// The workflow's text; `hub` adds the hourly fetch.
    pub fn workflow(self, hub: bool) -> String {
        match self {
            Forge::Github => github(hub),
            Forge::Gitlab => gitlab(hub),
            Forge::Forgejo => forgejo(hub),
        }
    }
}

/// Writes the workflow for `forge` into `site_dir`; an existing file is never replaced.
pub fn write_workflow(site_dir: &Path, forge: Forge, hub: bool) -> Result<()> {
    let file = site_dir.join(forge.file());
    if file.exists() {
        return Err(Diagnostic::in_file(&file, "this workflow already exists; it was left as it is")
            .with_help("move it away to have branchpress write a new one")
            .into());
    }
    if let Some(folder) = file.parent() {
        std::fs::create_dir_all(folder).map_err(|e| Error::io(folder, "create", &e))?;
    }
    let mut new = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&file)
        .map_err(|e| Error::io(&file, "create", &e))?;
    std::io::Write::write_all(&mut new, forge.workflow(hub).as_bytes()).map_err(|e| Error::io(&file, "write", &e))
}

/// The build command: with `--fetch` for a hub, then `check`.
fn build_steps(hub: bool) -> (&'static str, &'static str) {
    (if hub { "branchpress build --fetch" } else { "branchpress build" }, "branchpress check")
}

/// The hub's hourly run, for GitHub and Forgejo.
const SCHEDULE: &str = "  schedule:\n    - cron: \"17 * * * *\"   # every hour: fetch the branches this hub follows\n";

/// The hub's federation cache kept between runs, for GitHub and Forgejo.
const ACTIONS_CACHE: &str = r#"      - uses: actions/cache@v4
        with:
          path: .branchpress/cache
          key: federation-${{ github.run_id }}
          restore-keys: federation-
"#;

/// The name and triggers of a GitHub or Forgejo workflow (`SCHEDULE` is the hub's hourly run).
const TRIGGERS: &str = "name: Publish the site\non:\n  push:\n    branches: [main]\n  workflow_dispatch:\nSCHEDULE\n";

/// Fills a template: `TRIGGERS`, `SCHEDULE`, `CACHE`, `INSTALLER`, `BUILD`, `CHECK`.
fn fill(template: &str, hub: bool, schedule: &str, cache: &str) -> String {
    let (build, check) = build_steps(hub);
    template
        .replace("TRIGGERS\n", TRIGGERS)
        .replace("SCHEDULE\n", if hub { schedule } else { "" })
        .replace("CACHE\n", if hub { cache } else { "" })
        .replace("INSTALLER", INSTALLER)
        .replace("BUILD", build)
        .replace("CHECK", check)
}

fn github(hub: bool) -> String {
    let template = r#"# Builds the site and publishes it to GitHub Pages (Settings > Pages > Source: GitHub Actions).
TRIGGERS
permissions:
  contents: read
  pages: write
  id-token: write
concurrency:
  group: pages
  cancel-in-progress: false
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
CACHE
      - name: Install branchpress
        run: curl --proto '=https' --tlsv1.2 -LsSf INSTALLER | sh
      - name: Build
        run: BUILD
      - name: Check links
        run: CHECK
      - uses: actions/upload-pages-artifact@v3
        with:
          path: public
  deploy:
    needs: build
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: ${{ steps.deployment.outputs.page_url }}
    steps:
      - id: deployment
        uses: actions/deploy-pages@v4
"#;
    fill(template, hub, SCHEDULE, ACTIONS_CACHE)
}

fn gitlab(hub: bool) -> String {
    let template = r#"# Builds the site and publishes it to GitLab Pages.
pages:
  image: debian:stable-slim
CACHE
  script:
    - apt-get update -qq && apt-get install -y -qq curl ca-certificates >/dev/null
    - curl --proto '=https' --tlsv1.2 -LsSf INSTALLER | sh
    - export PATH="$HOME/.cargo/bin:$PATH"
    - BUILD
    - CHECK
  artifacts:
    paths:
      - public
  rules:
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
SCHEDULE
"#;
    let cache = "  cache:\n    key: federation\n    paths:\n      - .branchpress/cache/\n";
    // GitLab schedules are set in the web interface (Build > Pipeline schedules).
    let schedule =
        "    - if: $CI_PIPELINE_SOURCE == \"schedule\"   # add an hourly schedule under Build > Pipeline schedules\n";
    fill(template, hub, schedule, cache)
}

fn forgejo(hub: bool) -> String {
    let template = r#"# Builds the site and publishes it to the `pages` branch (Codeberg Pages and other Forgejo hosts).
TRIGGERS
jobs:
  publish:
    runs-on: docker
    container:
      image: node:20-bookworm
    steps:
      - uses: actions/checkout@v4
CACHE
      - name: Install branchpress
        run: curl --proto '=https' --tlsv1.2 -LsSf INSTALLER | sh
      - name: Build
        run: export PATH="$HOME/.cargo/bin:$PATH" && BUILD && CHECK
      - name: Publish to the pages branch
        run: |
          cd public
          git init -q -b pages
          git add -A
          git -c user.name=branchpress -c user.email=branchpress@localhost commit -qm "Publish ${{ github.sha }}"
          server="${{ github.server_url }}"
          git push -f "${server%%://*}://x-access-token:${{ secrets.GITHUB_TOKEN }}@${server#*://}/${{ github.repository }}.git" pages
"#;
    fill(template, hub, SCHEDULE, ACTIONS_CACHE)
}
