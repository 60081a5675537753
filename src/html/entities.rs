//! Character references in and out: escaping text for HTML, and decoding
//! the entities of attribute values and text before they are read.

use std::borrow::Cow;

/// Text escaped for HTML content or a quoted attribute (`&`, `<`, `>`, quotes).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let _ = pulldown_cmark_escape::escape_html(&mut out, text);
    out
}

/// Escapes a value for a double-quoted attribute.
pub(super) fn escape_attribute(value: &str) -> Cow<'_, str> {
    if !value.contains(['&', '"']) {
        return Cow::Borrowed(value);
    }
    Cow::Owned(value.replace('&', "&amp;").replace('"', "&quot;"))
}

/// Decodes the XML entities, `&nbsp;` and numeric character references;
/// anything else (other named entities, a lone `&`) is kept as written.
pub(super) fn decode_entities(raw: &str) -> Cow<'_, str> {
    expand_references(raw, entity)
}

/// Replaces every `&name;` that `lookup` knows (a named or numeric
/// reference, at most 10 characters) by its character, leaving anything
/// else as written.
fn expand_references(raw: &str, lookup: impl Fn(&str) -> Option<char>) -> Cow<'_, str> {
    if !raw.contains('&') {
        return Cow::Borrowed(raw);
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let tail = &rest[amp..];
        let decoded =
            tail.bytes().take(12).position(|b| b == b';').and_then(|semi| Some((lookup(&tail[1..semi])?, semi)));
        match decoded {
            Some((c, semi)) => {
                out.push(c);
                rest = &tail[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

fn entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some('\u{a0}'),
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code).filter(|c| *c != '\0')
        }
    }
}
