//! Tera's error messages, said the way a volunteer editing a template
//! needs them: which value has no such field and what it probably meant,
//! and which tag was left open where.

/// Tags that need an `end…` tag.
const BLOCK_TAGS: &[&str] = &["for", "if", "block", "macro", "filter", "raw"];

/// A better message and help for Tera's `message` at `line`:`column` (1-based)
/// of `text`, when there is one.
pub fn explain(message: &str, text: &str, line: usize, column: usize) -> Option<(String, String)> {
    if let Some(rest) = message.strip_prefix("Field `") {
        return unknown_field(rest, text, line, column);
    }
    if message.starts_with("Unknown tag") || message.starts_with("Unexpected end of input") {
        return unclosed_tag(text, offset_of(text, line, column));
    }
    None
}

/// `Field `titel` is not defined. Available fields: a, b` at `{{ p.titel }}`.
fn unknown_field(rest: &str, text: &str, line: usize, column: usize) -> Option<(String, String)> {
    let (field, rest) = rest.split_once('`')?;
    let available: Vec<&str> = rest.split_once("Available fields:").map_or(Vec::new(), |(_, list)| {
        list.split(',').map(|f| f.trim().trim_end_matches('.')).filter(|f| !f.is_empty()).collect()
    });
    let object = object_before(text.lines().nth(line.checked_sub(1)?)?, column, field);
    let owner = object.map_or_else(|| "this value".to_owned(), |o| format!("`{o}`"));
    let guess = closest(field, &available).map(|g| format!(" (did you mean `{g}`?)")).unwrap_or_default();
    let help = if available.is_empty() {
        "check the spelling; to use a value only when it exists, wrap it in {% if ... %}".to_owned()
    } else {
        format!("its fields are: {}", available.join(", "))
    };
    Some((format!("{owner} has no field `{field}`{guess}"), help))
}

/// The expression a field was read from: `p` for `p.titel` near `column`.
fn object_before(source_line: &str, column: usize, field: &str) -> Option<String> {
    let needle = format!(".{field}");
    let from = source_line.char_indices().nth(column.saturating_sub(1)).map_or(0, |(i, _)| i);
    let at = source_line[from..].find(&needle).map(|i| i + from).or_else(|| source_line.find(&needle))?;
    let is_part = |c: char| c.is_alphanumeric() || c == '_' || c == '.';
    let start = source_line[..at].rfind(|c: char| !is_part(c)).map_or(0, |i| i + 1);
    let object = &source_line[start..at];
    (!object.is_empty()).then(|| object.to_owned())
}

/// The nearest of `names` to `word`, if it is near enough to be a typo.
fn closest<'n>(word: &str, names: &[&'n str]) -> Option<&'n str> {
    names
        .iter()
        .map(|n| (strsim::levenshtein(word, n), *n))
        .filter(|(d, n)| *d <= 2.max(n.len() / 4))
        .min()
        .map(|(_, n)| n)
}

/// The tag left open before `offset` (where Tera stopped), if any.
fn unclosed_tag(text: &str, offset: usize) -> Option<(String, String)> {
    let mut open: Vec<(&str, usize)> = Vec::new();
    let mut rest_at = 0;
    while let Some(found) = text[rest_at..offset.min(text.len())].find("{%") {
        let start = rest_at + found;
        let code = text[start + 2..].trim_start_matches(['-', ' ', '\t', '\n']);
        let word: &str = code.split(|c: char| !c.is_alphanumeric() && c != '_').next().unwrap_or("");
        if BLOCK_TAGS.contains(&word) {
            open.push((word, start));
        } else if let Some(closed) = word.strip_prefix("end") {
            if open.last().is_some_and(|(w, _)| *w == closed) {
                open.pop();
            } else if let Some(&(tag, at)) = open.last() {
                let (line, column) = crate::error::line_col(text, at);
                return Some((
                    format!(
                        "`{{% end{closed} %}}` closes `{{% {closed} %}}`, but the `{{% {tag} %}}` at line {line}, column {column} is still open"
                    ),
                    format!("add `{{% end{tag} %}}` before it"),
                ));
            }
        }
        rest_at = start + 2;
    }
    let &(tag, at) = open.last()?;
    let (line, column) = crate::error::line_col(text, at);
    Some((
        format!("the `{{% {tag} %}}` at line {line}, column {column} is never closed"),
        format!("add `{{% end{tag} %}}` where it should end"),
    ))
}

/// The byte offset of a 1-based line and column.
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start: usize = text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum();
    let in_line =
        text[line_start.min(text.len())..].chars().take(column.saturating_sub(1)).map(char::len_utf8).sum::<usize>();
    (line_start + in_line).min(text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_misspelt_field_names_the_value_and_the_likely_field() {
        let text = "{% for p in section.pages %}{{ p.titel }}{% endfor %}";
        let message = "Field `titel` is not defined. Available fields: content, date, title, toc";
        let (said, help) = explain(message, text, 1, 32).unwrap();
        assert_eq!(said, "`p` has no field `titel` (did you mean `title`?)");
        assert_eq!(help, "its fields are: content, date, title, toc");
        let (said, _) =
            explain("Field `zzzz` is not defined. Available fields: title", "{{ page.zzzz }}", 1, 4).unwrap();
        assert_eq!(said, "`page` has no field `zzzz`");
    }

    #[test]
    fn an_unclosed_tag_is_named_with_where_it_opened() {
        let text = "{% block content %}\n{% for p in section.pages %}\n{{ p.title }}\n{% endblock content %}\n";
        let (said, help) = explain("Unknown tag", text, 4, 4).unwrap();
        assert!(said.contains("`{% for %}` at line 2, column 1 is still open"), "{said}");
        assert_eq!(help, "add `{% endfor %}` before it");
        let text = "<p>{% if x %}\n{{ x }}\n";
        let (said, _) = explain("Unexpected end of input", text, 3, 1).unwrap();
        assert_eq!(said, "the `{% if %}` at line 1, column 4 is never closed");
    }
}
