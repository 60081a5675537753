//! Telling the editor what happened, on the terminal.
//!
//! Every problem is printed the way compilers print them, so an editor (and
//! their text editor) can jump to it:
//!
//! ```text
//! error: content/news/food-bank.md:3:9: `date` is not a date: ...
//!   3 | date = 2026-13-01
//!   help: write dates as 2026-03-14 or 2026-03-14T18:30:00+01:00
//! ```

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Duration;

use crate::error::{Diagnostic, Error};

/// How long each stage took.
#[derive(Debug, Clone, Default)]
pub struct Timings {
    /// Reading config and content.
    pub load: Duration,
    /// Markdown and highlighting (and template values).
    pub markdown: Duration,
    /// A hub's network index and calendars, read from the federation cache.
    pub network: Duration,
    /// Templates, including writing the HTML.
    pub render: Duration,
    /// Static files and stylesheets.
    pub copy: Duration,
    /// Processed images (resizing, or taking them from the cache).
    pub images: Duration,
    /// The search index (`[search]`).
    pub search: Duration,
    /// Images decoded and encoded, or stripped of metadata, by this build.
    pub images_made: usize,
    /// Images taken from the cache.
    pub images_reused: usize,
    /// Time in syntax highlighting (part of `markdown`), summed over
    /// threads: CPU time, so compare it with `markdown` times the threads.
    pub highlight: Duration,
    /// Code blocks highlighted by this build.
    pub blocks_highlighted: usize,
    /// Code blocks taken from the highlight cache.
    pub blocks_reused: usize,
}

/// What a build did.
#[derive(Debug, Clone, Default)]
pub struct BuildReport {
    /// Pages rendered.
    pub pages: usize,
    /// Sections rendered.
    pub sections: usize,
    /// Taxonomy terms rendered.
    pub terms: usize,
    /// Files written, HTML and static.
    pub files: usize,
    /// Problems that did not stop the build.
    pub warnings: Vec<Diagnostic>,
    /// The warnings about followed branches that could not be read (also in
    /// `warnings`), so `--strict` need not recognise them by their wording.
    pub source_problems: Vec<Diagnostic>,
    /// Per stage.
    pub timings: Timings,
    /// Where the output went.
    pub output_dir: PathBuf,
}

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Stops the build.
    Error,
    /// Worth fixing, but the site was built.
    Warning,
}

/// One diagnostic, formatted for the terminal.
pub fn format_diagnostic(level: Level, d: &Diagnostic) -> String {
    let label = match level {
        Level::Error => "error",
        Level::Warning => "warning",
    };
    let mut out = format!("{label}: {d}\n");
    if let (Some(line), Some(loc)) = (&d.source_line, &d.location) {
        let number = loc.line.to_string();
        let (line, column) = visible_part(line, loc.column);
        let _ = writeln!(out, "  {number} | {line}");
        if column > 0 {
            let pad = " ".repeat(number.len() + 3 + line.chars().take(column - 1).count());
            let _ = writeln!(out, "  {pad}^");
        }
    }
    if let Some(help) = &d.help {
        let _ = writeln!(out, "  help: {help}");
    }
    out
}

/// Longest source line shown under a message, in characters: a generated
/// file or a hostile one can hold a line of megabytes.
const SHOWN_LINE_CHARS: usize = 120;

/// The part of `line` around the 1-based `column` (0: none) that fits in
/// [`SHOWN_LINE_CHARS`], with `…` where it was cut, and the column in it.
fn visible_part(line: &str, column: usize) -> (String, usize) {
    let total = line.chars().count();
    if total <= SHOWN_LINE_CHARS {
        return (line.to_owned(), column);
    }
    let start = column.saturating_sub(1 + SHOWN_LINE_CHARS / 2).min(total - SHOWN_LINE_CHARS);
    let mut shown: String = if start > 0 { "…".to_owned() } else { String::new() };
    shown.extend(line.chars().skip(start).take(SHOWN_LINE_CHARS));
    if start + SHOWN_LINE_CHARS < total {
        shown.push('…');
    }
    let column = if column == 0 { 0 } else { column - start + usize::from(start > 0) };
    (shown, column)
}

/// Every diagnostic of a failed command, and a closing line that ends
/// with `outcome` (what the failure left as it was).
pub fn format_error(err: &Error, outcome: &str) -> String {
    let mut out: String = err.diagnostics.iter().map(|d| format_diagnostic(Level::Error, d)).collect();
    let n = err.diagnostics.len();
    let _ = writeln!(out, "{n} problem{} found; {outcome}.", plural(n));
    out
}

/// Warnings, then a one-line summary of a successful build.
pub fn format_build(report: &BuildReport, elapsed: std::time::Duration) -> String {
    let mut out: String = report.warnings.iter().map(|d| format_diagnostic(Level::Warning, d)).collect();
    let _ = writeln!(
        out,
        "Built {} page{}, {} section{} and {} taxonomy term{} ({} files) into {} in {} ms{}.",
        report.pages,
        plural(report.pages),
        report.sections,
        plural(report.sections),
        report.terms,
        plural(report.terms),
        report.files,
        report.output_dir.display(),
        elapsed.as_millis(),
        match report.warnings.len() {
            0 => String::new(),
            n => format!(", {n} warning{}", plural(n)),
        }
    );
    out
}

/// Time per stage, one line each.
pub fn format_timings(t: &Timings) -> String {
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    format!(
        "  load {:.0} ms, markdown {:.0} ms (highlighting {:.0} ms of CPU: {} blocks highlighted, {} from the cache), network {:.0} ms, templates and HTML {:.0} ms, images {:.0} ms ({} made, {} from the cache), static files {:.0} ms, search index {:.0} ms\n",
        ms(t.load),
        ms(t.markdown),
        ms(t.highlight),
        t.blocks_highlighted,
        t.blocks_reused,
        ms(t.network),
        ms(t.render),
        ms(t.images),
        t.images_made,
        t.images_reused,
        ms(t.copy),
        ms(t.search)
    )
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn long_source_lines_are_cut_around_the_column() {
        let line = format!("{}X{}", "a".repeat(100_000), "b".repeat(100_000));
        let d = Diagnostic::new("bad").at(Path::new("a.md"), 2, 100_001).with_source_line(&format!("x\n{line}"), 2);
        let text = format_diagnostic(Level::Error, &d);
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            lines[1].chars().count() < 140 && lines[1].starts_with("  2 | …a") && lines[1].ends_with("b…"),
            "{text}"
        );
        let caret = lines[2].chars().count() - 1;
        assert_eq!(lines[1].chars().nth(caret), Some('X'), "{text}");
        let (short, column) = visible_part("short", 3);
        assert_eq!((short.as_str(), column), ("short", 3));
    }
    #[test]
    fn diagnostics_show_place_source_caret_and_help() {
        let d = Diagnostic::new("`date` is not a date")
            .at(Path::new("content/a.md"), 3, 8)
            .with_source_line("+++\ntitle = \"x\"\ndate = 2026-13-01\n", 3)
            .with_help("write dates as 2026-03-14");
        let text = format_diagnostic(Level::Error, &d);
        assert_eq!(
            text,
            "error: content/a.md:3:8: `date` is not a date\n  3 | date = 2026-13-01\n             ^\n  help: write dates as 2026-03-14\n"
        );
    }
}
