//! Bounds on TOML and YAML text (config, theme description, front matter),
//! checked with a cheap scan before the text reaches its parser.
//!
//! Why: the parsers cope with deep nesting in very different ways. `toml`
//! stops at its own recursion limit at once, but YAML's flow collections
//! (`title: [[[[…`) took 40 s to fail at 100,000 levels, superlinear in the
//! depth. A linear pre-scan that counts `[` and `{` outside strings and
//! comments refuses such text in milliseconds, with a located error that says
//! what the limit is. Block nesting in YAML (by indentation) is already cut
//! short by the YAML reader's own recursion limit, so it is not counted here.

use std::path::Path;

use crate::error::{Diagnostic, Result};

/// Deepest nesting of `[` and `{` accepted. Real front matter and config
/// use two or three levels; this leaves room for any hand-written data.
pub const MAX_DEPTH: usize = 64;

/// Largest block accepted (a config file, or one front matter block).
pub const MAX_BYTES: usize = 1024 * 1024;

/// The syntax of the text, which decides what starts a string or a comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// TOML: quotes always start a string, `#` always a comment.
    Toml,
    /// YAML: quotes start a string and `#` a comment only after a space,
    /// an indicator or the start of a line (`don't` is plain text).
    Yaml,
}

/// The text to check and where it sits in its file, for the error.
#[derive(Debug, Clone, Copy)]
pub struct Block<'a> {
    /// The file, as shown in errors.
    pub path: &'a Path,
    /// The whole file, for the line and column of an error.
    pub file_text: &'a str,
    /// Byte offset in `file_text` at which `text` starts.
    pub offset: usize,
    /// The TOML or YAML text to check.
    pub text: &'a str,
    /// Its syntax.
    pub syntax: Syntax,
}

/// Refuses `block` when it is larger than [`MAX_BYTES`] or nests `[`/`{`
/// deeper than [`MAX_DEPTH`]; the error points at the first bracket too many.
pub fn check(block: Block<'_>) -> Result<()> {
    if block.text.len() > MAX_BYTES {
        return Err(Diagnostic::new(format!(
            "this block is {} bytes long; branchpress reads at most {MAX_BYTES} bytes (1 MiB) of TOML or YAML",
            block.text.len()
        ))
        .at_offset(block.path, block.file_text, block.offset)
        .with_help("move large data into a data file or shorten it")
        .into());
    }
    match first_too_deep(block.text, block.syntax) {
        None => Ok(()),
        Some(at) => Err(Diagnostic::new(format!(
            "lists and tables nest deeper than {MAX_DEPTH} levels here; branchpress reads at most {MAX_DEPTH}"
        ))
        .at_offset(block.path, block.file_text, block.offset + at)
        .with_help("close the `[` and `{` you opened, or flatten the data")
        .into()),
    }
}

/// Byte offset of the first `[` or `{` that opens level [`MAX_DEPTH`] + 1,
/// outside strings and comments; None when the text stays within bounds.
pub fn first_too_deep(text: &str, syntax: Syntax) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    let mut prev = b'\n';
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if let Some(q) = quote {
            if b == b'\\' && q == b'"' {
                i += 1;
            } else if b == q || b == b'\n' {
                quote = None;
            }
        } else {
            match b {
                b'"' | b'\'' if starts_token(syntax, prev) => quote = Some(b),
                b'#' if starts_token(syntax, prev) => i = line_end(bytes, i),
                b'[' | b'{' => {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        return Some(i);
                    }
                }
                b']' | b'}' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        prev = bytes.get(i).copied().unwrap_or(b'\n');
        i += 1;
    }
    None
}

/// Whether a quote or `#` after the byte `prev` starts a string or comment.
fn starts_token(syntax: Syntax, prev: u8) -> bool {
    match syntax {
        Syntax::Toml => true,
        Syntax::Yaml => matches!(prev, b' ' | b'\t' | b'\n' | b'\r' | b'[' | b'{' | b',' | b':' | b'-' | b'?'),
    }
}

/// The offset of the newline ending the line that holds `i` (or the end).
fn line_end(bytes: &[u8], i: usize) -> usize {
    bytes[i..].iter().position(|&b| b == b'\n').map_or(bytes.len(), |n| i + n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_nesting_passes() {
        assert_eq!(first_too_deep("a = [[1, 2], [3]]\nb = { c = { d = 1 } }\n[[x]]\n", Syntax::Toml), None);
        assert_eq!(first_too_deep("tags: [a, [b, {c: d}]]\n", Syntax::Yaml), None);
    }

    #[test]
    fn deep_brackets_are_found_at_the_first_one_too_many() {
        let text = format!("title = {}", "[".repeat(100_000));
        assert_eq!(first_too_deep(&text, Syntax::Toml), Some(8 + MAX_DEPTH));
        let text = format!("title: {}", "{a: ".repeat(100));
        assert_eq!(first_too_deep(&text, Syntax::Yaml), Some(7 + 4 * MAX_DEPTH));
    }

    #[test]
    fn brackets_in_strings_and_comments_do_not_count() {
        let many = "[".repeat(200);
        assert_eq!(first_too_deep(&format!("a = \"{many}\" # {many}\nb = '{many}'\n"), Syntax::Toml), None);
        assert_eq!(first_too_deep(&format!("a: \"\\\"{many}\"\nb: '{many}' # {many}\n"), Syntax::Yaml), None);
    }

    #[test]
    fn a_quote_inside_a_yaml_word_does_not_hide_brackets() {
        let text = format!("a: [don't, {}", "[".repeat(100));
        assert!(first_too_deep(&text, Syntax::Yaml).is_some());
    }

    #[test]
    fn the_error_names_the_limit_and_the_place() {
        let file = format!("---\ntitle: {}\n---\n", "[".repeat(70));
        let block = Block {
            path: Path::new("content/a.md"),
            file_text: &file,
            offset: 4,
            text: &file[4..file.len() - 4],
            syntax: Syntax::Yaml,
        };
        let err = check(block).unwrap_err();
        let d = &err.diagnostics[0];
        assert!(d.message.contains("64 levels"), "{d:?}");
        let loc = d.location.as_ref().unwrap();
        assert_eq!((loc.line, loc.column), (2, 8 + MAX_DEPTH));
    }
}
