//! Errors a user can act on.
//!
//! Every problem found in a site (a bad config key, broken front matter, a
//! missing template, a link to nowhere) becomes a [`Diagnostic`]: a message,
//! where it happened (file, line, column) and, when the fix is obvious, a hint.
//! Stages collect diagnostics rather than stopping at the first one, so an
//! editor sees every problem in one go. Formatting them for a terminal or a
//! browser is `report.rs`'s job, not this module's.

use std::fmt;
use std::path::{Path, PathBuf};

/// Where in a file something went wrong. Lines and columns count from 1.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Location {
    /// The file, as given to the build (usually relative to the site folder).
    pub path: PathBuf,
    /// 1-based line, or 0 when only the file is known.
    pub line: usize,
    /// 1-based column, or 0 when only the line is known.
    pub column: usize,
}

/// One problem found in a site, with enough context to fix it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    /// What is wrong, in plain words.
    pub message: String,
    /// Where it is wrong, when known.
    pub location: Option<Location>,
    /// The offending line of the source, when known.
    pub source_line: Option<String>,
    /// How to fix it, when the fix is obvious.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A problem with no particular place.
    pub fn new(message: impl Into<String>) -> Self {
        Diagnostic { message: message.into(), location: None, source_line: None, help: None }
    }

    /// A problem about a whole file.
    pub fn in_file(path: &Path, message: impl Into<String>) -> Self {
        Diagnostic::new(message).at(path, 0, 0)
    }

    /// Sets the place of the problem.
    pub fn at(mut self, path: &Path, line: usize, column: usize) -> Self {
        self.location = Some(Location { path: path.to_path_buf(), line, column });
        self
    }

    /// Sets the place of the problem from a byte offset into `source`, the
    /// full text of `path`, and keeps the offending line for the report.
    pub fn at_offset(self, path: &Path, source: &str, offset: usize) -> Self {
        let (line, column) = line_col(source, offset);
        self.at(path, line, column).with_source_line(source, line)
    }

    /// Keeps line `line` (1-based) of `source` to show under the message.
    pub fn with_source_line(mut self, source: &str, line: usize) -> Self {
        if line > 0 {
            self.source_line = source.lines().nth(line - 1).map(str::to_owned);
        }
        self
    }

    /// Adds a hint on how to fix the problem.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(loc) = &self.location {
            write!(f, "{}", loc.path.display())?;
            if loc.line > 0 {
                write!(f, ":{}", loc.line)?;
                if loc.column > 0 {
                    write!(f, ":{}", loc.column)?;
                }
            }
            write!(f, ": ")?;
        }
        write!(f, "{}", self.message)
    }
}

/// The bytes of the file at `path` as text, or an error at the line and
/// column of the first byte that is not UTF-8 (an editor can jump there).
pub fn utf8_text(path: &Path, bytes: Vec<u8>) -> Result<String> {
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        // Every byte before `valid` is kept as it is, so the offset holds.
        let whole = String::from_utf8_lossy(e.as_bytes());
        Diagnostic::new(format!("this file is not UTF-8 text (byte {valid} is invalid)"))
            .at_offset(path, &whole, valid)
            .with_help("save it as UTF-8 in your editor")
            .into()
    })
}

/// 1-based line and column (in characters) of a byte offset in `source`.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// The error type of every fallible branchpress operation: one or more
/// problems, each of which the user can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// Every problem found, in the order found (stages sort them by file).
    pub diagnostics: Vec<Diagnostic>,
}

impl Error {
    /// An error made of several problems.
    pub fn many(diagnostics: Vec<Diagnostic>) -> Self {
        Error { diagnostics }
    }

    /// A failed file operation, naming the file.
    pub fn io(path: &Path, action: &str, err: &std::io::Error) -> Self {
        Diagnostic::in_file(path, format!("could not {action}: {err}")).into()
    }
}

impl From<Diagnostic> for Error {
    fn from(d: Diagnostic) -> Self {
        Error { diagnostics: vec![d] }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// Result with branchpress's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Collects the problems of many independent items: the successes and,
/// separately, every diagnostic, so one bad file never hides the others.
pub fn partition_results<T>(results: Vec<Result<T>>) -> Result<Vec<T>> {
    let mut ok = Vec::with_capacity(results.len());
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok(v) => ok.push(v),
            Err(e) => errors.extend(e.diagnostics),
        }
    }
    if errors.is_empty() { Ok(ok) } else { Err(Error::many(errors)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one_in_chars() {
        let s = "ab\ncdé\nf";
        assert_eq!(line_col(s, 0), (1, 1));
        assert_eq!(line_col(s, 3), (2, 1));
        assert_eq!(line_col(s, 8), (3, 1));
        assert_eq!(line_col(s, 7), (2, 4));
        assert_eq!(line_col(s, 999), (3, 2));
    }

    #[test]
    fn invalid_utf8_is_located() {
        let err = utf8_text(Path::new("a.md"), b"ok\nab\xffc\n".to_vec()).unwrap_err();
        let d = &err.diagnostics[0];
        assert_eq!(d.to_string(), "a.md:2:3: this file is not UTF-8 text (byte 5 is invalid)");
        assert_eq!(d.source_line.as_deref(), Some("ab\u{fffd}c"));
        assert_eq!(utf8_text(Path::new("a.md"), b"fine".to_vec()).unwrap(), "fine");
    }

    #[test]
    fn display_names_file_line_and_column() {
        let d = Diagnostic::new("bad").at(Path::new("content/a.md"), 3, 7);
        assert_eq!(d.to_string(), "content/a.md:3:7: bad");
    }
}
