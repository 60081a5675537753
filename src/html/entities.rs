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

/// Decodes every HTML5 named character reference (`&eacute;`, `&nbsp;`)
/// and numeric ones; anything else (an unknown name, a lone `&`) is kept
/// as written.
pub(super) fn decode_entities(raw: &str) -> Cow<'_, str> {
    if !raw.contains('&') {
        return Cow::Borrowed(raw);
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let tail = &rest[amp..];
        let decoded = tail
            .bytes()
            .take(LONGEST_REFERENCE)
            .position(|b| b == b';')
            .and_then(|semi| Some((entity(&tail[1..semi])?, semi)));
        match decoded {
            Some(((first, second), semi)) => {
                out.push(first);
                out.extend(second);
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

/// What one character reference stands for: one character, or two for the
/// few named references that are a letter and a combining mark.
type Decoded = (char, Option<char>);

/// Bytes from `&` to `;` of the longest reference
/// (`&CounterClockwiseContourIntegral;` is 33).
const LONGEST_REFERENCE: usize = 40;

/// A named reference (any of HTML5's, from html5ever's table) or a numeric
/// one; never NUL.
fn entity(name: &str) -> Option<Decoded> {
    let Some(number) = name.strip_prefix('#') else {
        let key = format!("{name};");
        let &(first, second) = markup5ever::data::NAMED_ENTITIES.get(key.as_str())?;
        let first = char::from_u32(first).filter(|c| *c != '\0')?;
        return Some((first, char::from_u32(second).filter(|c| *c != '\0')));
    };
    let code = match number.strip_prefix(['x', 'X']) {
        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
        None => number.parse().ok()?,
    };
    char::from_u32(code).filter(|c| *c != '\0').map(|c| (c, None))
}
