//! `branchpress import FORMAT SOURCE SITE_DIR`: a new site from another
//! generator's site or a WordPress export, and a report of what was
//! converted and what needs a human (printed, and kept in the new site as
//! `IMPORT-REPORT.md`, since a terminal's scroll-back is easily lost).

use std::path::Path;
use std::process::ExitCode;

use crate::import::{FileSource, ImportOptions, ImportReport, NewFile};

/// Runs the import.
pub(super) fn run(options: &ImportOptions, site_dir: &Path) -> ExitCode {
    let example = format!("branchpress import {} SOURCE my-branch-site", format_name(options));
    if let Err(e) = super::init::refuse_non_empty(site_dir, &example) {
        return super::fail(&e);
    }
    let mut plan = match crate::import::plan(options) {
        Ok(plan) => plan,
        Err(e) => return super::fail(&e),
    };
    let report = report_text(&plan.report);
    plan.files
        .push(NewFile { path: "IMPORT-REPORT.md".into(), source: FileSource::Bytes(report.clone().into_bytes()) });
    if let Err(e) = super::init::write_new_site(site_dir, plan.files) {
        return super::fail(&e);
    }
    print!("{report}");
    println!(
        "\nCreated a new site in {}.\nCheck it with: branchpress check {}\nBuild it with: branchpress build {}",
        site_dir.display(),
        site_dir.display(),
        site_dir.display()
    );
    ExitCode::SUCCESS
}

fn format_name(options: &ImportOptions) -> &'static str {
    match options.format {
        crate::import::Format::Wordpress => "wordpress",
        crate::import::Format::Jekyll => "jekyll",
        crate::import::Format::Hugo => "hugo",
    }
}

/// The report as Markdown text: what was converted, then what needs a human.
fn report_text(report: &ImportReport) -> String {
    let mut text = format!("# Import report\n\n## Converted ({})\n\n", report.converted.len());
    for line in &report.converted {
        text.push_str(&format!("- {line}\n"));
    }
    text.push_str(&format!("\n## Needs a human ({})\n\n", report.needs_human.len()));
    if report.needs_human.is_empty() {
        text.push_str("Nothing.\n");
    }
    for line in &report.needs_human {
        text.push_str(&format!("- {line}\n"));
    }
    text
}
