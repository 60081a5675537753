//! How a file name, a `slug` or a taxonomy term becomes one segment of an
//! address, as `[slugify]` in config.toml chooses (Zola's setting and names).
//!
//! `on` (the default) transliterates to lower-case ASCII words, so
//! `خبر` becomes `khbr`: safe everywhere, but a site written in Arabic,
//! Welsh or Polish loses its words. `safe` keeps the letters of every script
//! and drops only what breaks an address. `off` keeps the text as written
//! (Zola sites that relied on it move unchanged), minus what could leave the
//! folder. Every strategy keeps a segment inside its folder: no `/`, `\`,
//! control character, `.` or `..` ever comes out.

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

/// One `[slugify]` choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SlugStrategy {
    /// Lower-case ASCII words joined by `-` (transliterated).
    #[default]
    On,
    /// Letters and digits of any script, lower-cased; spaces become `-`.
    Safe,
    /// As written, minus what could leave the folder.
    Off,
}

/// The segment for `text` under `strategy`; empty when nothing usable is
/// left (callers fall back or skip, as for `on`).
pub fn slug(text: &str, strategy: SlugStrategy) -> String {
    match strategy {
        SlugStrategy::On => slug::slugify(text),
        SlugStrategy::Safe => safe(text),
        SlugStrategy::Off => off(text),
    }
}

/// Characters that break an address written in HTML, a feed or a file
/// name on Windows: URL delimiters, quotes, and what NTFS refuses.
const BREAKS_ADDRESS: &[char] = &[
    '/', '\\', '?', '#', '%', '<', '>', ':', '"', '\'', '`', '|', '*', '[', ']', '{', '}', '^', '&', '=', '+', ';',
    ',', '!', '$', '(', ')', '@',
];

/// Invisible format characters (soft hyphen, zero-width and bidi
/// controls): in an address they only make two look-alike addresses differ.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{AD}' | '\u{61C}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{FEFF}')
}

/// `safe`: NFC, lower-case, each run of whitespace or dashes one `-`;
/// punctuation that breaks an address and invisible characters dropped;
/// no `-` or `.` at either end. Unlike
/// Zola's `safe` it lower-cases and dashes spaces: a space is not allowed
/// in an HTML link, and two terms differing only in case would be one
/// folder on a Windows or macOS disk.
fn safe(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.nfc().flat_map(char::to_lowercase) {
        if c.is_whitespace() || c == '-' {
            if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
        } else if !(c.is_control() || is_invisible(c) || BREAKS_ADDRESS.contains(&c)) {
            out.push(c);
        }
    }
    trim_ends(out.trim_end_matches('-'))
}

/// `off`: NFC, as written, without `/`, `\` and control characters.
fn off(text: &str) -> String {
    let kept: String = text.nfc().filter(|c| !(c.is_control() || matches!(c, '/' | '\\'))).collect();
    trim_ends(kept.trim())
}

/// No leading or trailing dots or dashes, and never `.` or `..` alone
/// (Windows drops a trailing dot, and `..` leaves the folder).
fn trim_ends(text: &str) -> String {
    let mut out = text.trim_matches(|c| c == '.' || c == '-').to_owned();
    while out.contains("..") {
        out = out.replace("..", ".");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn on_transliterates() {
        assert_eq!(slug("خبر", SlugStrategy::On), "khbr");
        assert_eq!(slug("Food Bank", SlugStrategy::On), "food-bank");
    }

    #[test]
    fn safe_keeps_letters_of_every_script() {
        assert_eq!(slug("خبر عاجل", SlugStrategy::Safe), "خبر-عاجل");
        assert_eq!(slug("Newyddion Caerdydd", SlugStrategy::Safe), "newyddion-caerdydd");
        assert_eq!(slug("Café «ouvert»?", SlugStrategy::Safe), "café-«ouvert»");
        assert_eq!(slug("a/../b#c", SlugStrategy::Safe), "a.bc");
        assert_eq!(slug("..", SlugStrategy::Safe), "");
        assert_eq!(slug("\u{202E}txt", SlugStrategy::Safe), "txt");
        // NFD (as macOS writes file names) and NFC give one slug.
        assert_eq!(slug("cafe\u{301}", SlugStrategy::Safe), slug("caf\u{e9}", SlugStrategy::Safe));
    }

    #[test]
    fn off_keeps_text_inside_the_folder() {
        assert_eq!(slug("Mutual Aid", SlugStrategy::Off), "Mutual Aid");
        assert_eq!(slug("../x", SlugStrategy::Off), "x");
        assert_eq!(slug("..", SlugStrategy::Off), "");
    }
}
