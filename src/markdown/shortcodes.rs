//! Shortcodes: small templates called from Markdown.
//!
//! Zola's syntax is the model: `{{ name(key="v") }}` inline, and
//! `{% name(key="v") %}body{% end %}` with a body. Hugo's is read too, so
//! Hugo content works with templates of the same names: `{{< name arg
//! key="v" >}}`, with a body up to `{{< /name >}}`, and `{{% name %}}` whose
//! output is Markdown. Positional arguments reach the template as `args`.
//!
//! Expansion happens on the Markdown text, before it is parsed, so what a
//! shortcode writes goes through the same pipeline as the rest of the page:
//! headings get anchors and enter the table of contents, `@/` links are
//! resolved and checked. Output of a `.md` template (or of a Hugo `{{% %}}`
//! call) is Markdown; output of an `.html` template is HTML, with blank
//! lines and indentation removed so Markdown keeps it as one HTML block.
//! Shortcode syntax inside code blocks and inline code is left alone, and
//! `{{/* name() */}}` (Zola) or `{{</* name */>}}` (Hugo) writes the call
//! itself.
//!
//! Hugo's built-in `ref` and `relref` (`[guide]({{< ref "guides/x.md" >}})`)
//! write the address of a content file, like an `@/` link, and its
//! `highlight` (`{{< highlight go >}}code{{< /highlight >}}`) a fenced code
//! block, when the site has no template of that name.
//!
//! This module parses and splices; the templates are rendered by whoever
//! implements [`ShortcodeTemplates`] (the render stage, with Tera).

use std::borrow::Cow;
use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use serde_json::Value;

use crate::markdown::links::LinkResolver;

/// The most shortcodes one body may call: a bound on untrusted text.
const MAX_CALLS: usize = 10_000;

/// What a shortcode template writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// HTML (`NAME.html`).
    Html,
    /// Markdown (`NAME.md`), parsed with the page.
    Markdown,
}

/// The site's shortcode templates, as the Markdown stage sees them.
pub trait ShortcodeTemplates: Sync {
    /// What the template of shortcode `name` writes, if there is one.
    fn output(&self, name: &str) -> Option<Output>;
    /// Every shortcode name, sorted (for the "unknown shortcode" error).
    fn names(&self) -> Vec<String>;
    /// Renders one call; the error is a message for the editor.
    fn render(&self, call: &Call) -> Result<String, String>;
    /// Changes whenever any shortcode template changes: bodies rendered
    /// with other templates are not reused (see `bodies::BodyCache`).
    fn fingerprint(&self) -> String;
}

/// `key=value` arguments, in the order written.
pub type Named = Vec<(String, Value)>;

/// One shortcode call, ready for its template.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// The shortcode's name.
    pub name: String,
    /// `key=value` arguments.
    pub named: Named,
    /// Positional arguments (Hugo), the template's `args`.
    pub positional: Vec<Value>,
    /// The text between the opening and closing tags, if any.
    pub body: Option<String>,
    /// How many calls of this shortcode the body had so far, from 1.
    pub nth: usize,
    /// The language of the page that calls it.
    pub lang: String,
}

/// A body with its shortcodes expanded.
#[derive(Debug, Default)]
pub struct Expanded<'a> {
    /// The Markdown to parse (the body itself when it calls no shortcode).
    pub text: Cow<'a, str>,
    /// Each replaced stretch: its range in `text` and in the original body,
    /// to locate diagnostics in the file the editor wrote.
    spans: Vec<(Range<usize>, Range<usize>)>,
    /// Problems, at offsets of the original body: (offset, message, help).
    pub errors: Vec<(usize, String, Option<String>)>,
}

impl<'a> Expanded<'a> {
    /// A body without shortcodes, as it is.
    pub fn unchanged(body: &'a str) -> Expanded<'a> {
        Expanded { text: Cow::Borrowed(body), ..Expanded::default() }
    }

    /// The offset in the original body of `offset` in the expanded text.
    pub fn original_offset(&self, offset: usize) -> usize {
        let mut shift: isize = 0;
        for (expanded, original) in &self.spans {
            if offset < expanded.start {
                break;
            }
            if offset < expanded.end {
                return original.start;
            }
            shift = original.end as isize - expanded.end as isize;
        }
        (offset as isize + shift).max(0) as usize
    }
}

/// Expands every shortcode call of `body` (see the module documentation).
/// `links` resolves Hugo's `ref` and `relref`.
pub fn expand<'a>(
    body: &'a str,
    options: Options,
    templates: &dyn ShortcodeTemplates,
    links: &dyn LinkResolver,
    lang: &str,
) -> Expanded<'a> {
    if !body.contains("{{") && !body.contains("{%") {
        return Expanded::unchanged(body);
    }
    let mut out = Expanded::default();
    let mut text = String::with_capacity(body.len());
    let code = code_ranges(body, options);
    let mut counts: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut copied = 0;
    let mut at = 0;
    let mut calls = 0;
    let mut unclosed = std::collections::HashSet::new();
    while let Some(found) = body[at..].find('{').map(|i| at + i) {
        // The ranges are in order: the first one not ending before `found`.
        let next_code = code.get(code.partition_point(|r| r.end <= found));
        if let Some(range) = next_code.filter(|r| r.start <= found) {
            at = range.end;
            continue;
        }
        let Some(parsed) = parse_at(body, found, &mut unclosed) else {
            at = found + 1;
            continue;
        };
        calls += 1;
        if calls > MAX_CALLS {
            out.errors.push((found, format!("more than {MAX_CALLS} shortcodes in one file"), None));
            break;
        }
        let replacement = match parsed.kind {
            Parsed::Escaped(text) => text,
            Parsed::Call { call, markdown } => {
                let nth = counts.entry(call.name.clone()).and_modify(|n| *n += 1).or_insert(1);
                render_call(Call { nth: *nth, lang: lang.to_owned(), ..call }, markdown, templates, links)
                    .unwrap_or_else(|(message, help)| {
                        out.errors.push((found, message, help));
                        String::new()
                    })
            }
            Parsed::Error(message, help) => {
                out.errors.push((found, message, help));
                String::new()
            }
        };
        text.push_str(&body[copied..found]);
        let start = text.len();
        text.push_str(&replacement);
        out.spans.push((start..text.len(), found..parsed.end));
        copied = parsed.end;
        at = parsed.end;
    }
    text.push_str(&body[copied..]);
    out.text = Cow::Owned(text);
    out
}

/// Renders one call with its template, as Markdown to splice in.
fn render_call(
    call: Call,
    markdown: bool,
    templates: &dyn ShortcodeTemplates,
    links: &dyn LinkResolver,
) -> Result<String, (String, Option<String>)> {
    let output = templates.output(&call.name);
    if output.is_none() && matches!(call.name.as_str(), "ref" | "relref") {
        return hugo_ref(&call, links);
    }
    if output.is_none() && call.name == "highlight" {
        return Ok(hugo_highlight(&call));
    }
    let Some(output) = output else {
        let names = templates.names();
        let help = if names.is_empty() {
            "there are no shortcodes: add templates/shortcodes/NAME.html (or NAME.md)".to_owned()
        } else {
            format!("the shortcodes are: {}", names.join(", "))
        };
        return Err((format!("unknown shortcode `{}`", call.name), Some(help)));
    };
    let text = templates.render(&call).map_err(|e| (format!("shortcode `{}`: {e}", call.name), None))?;
    Ok(match (output, markdown) {
        (Output::Markdown, _) | (_, true) => text,
        (Output::Html, false) => one_html_block(&text),
    })
}

/// Hugo's `ref "path"`: the address of a content file, found as Hugo finds
/// it (`/guides/x.md`, `guides/x`, `guides/x/` for a bundle or a section).
fn hugo_ref(call: &Call, links: &dyn LinkResolver) -> Result<String, (String, Option<String>)> {
    let target = call.positional.first().or_else(|| call.named.iter().find(|(k, _)| k == "path").map(|(_, v)| v));
    let Some(Value::String(target)) = target else {
        return Err((format!("`{}` needs the path of a content file", call.name), Some(REF_HELP.into())));
    };
    let (file, anchor) = match target.split_once('#') {
        Some((file, anchor)) => (file, Some(anchor)),
        None => (target.as_str(), None),
    };
    let file = file.trim().trim_matches('/');
    let candidates = [file.to_owned(), format!("{file}.md"), format!("{file}/index.md"), format!("{file}/_index.md")];
    let found =
        if file.is_empty() { links.permalink("_index.md") } else { candidates.iter().find_map(|c| links.permalink(c)) };
    match (found, anchor) {
        (Some(url), Some(anchor)) => Ok(format!("{url}#{anchor}")),
        (Some(url), None) => Ok(url.to_owned()),
        (None, _) => Err((format!("`{}`: no content file `{target}`", call.name), Some(REF_HELP.into()))),
    }
}

/// Hugo's `highlight LANG`: its body as a fenced code block, highlighted
/// like any other. The fence is longer than any backtick run in the code.
fn hugo_highlight(call: &Call) -> String {
    let lang = match call.positional.first() {
        Some(Value::String(lang)) => lang.as_str(),
        _ => "",
    };
    let code = call.body.as_deref().unwrap_or("").trim_matches('\n');
    let longest = code.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    format!("\n{fence}{lang}\n{code}\n{fence}\n")
}

const REF_HELP: &str = "write the path inside content/, e.g. {{< ref \"guides/breakfast-club.md\" >}}";

/// HTML without blank lines or indentation, so Markdown neither ends the
/// HTML block early nor reads an indented line as code.
fn one_html_block(html: &str) -> String {
    let lines: Vec<&str> = html.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    lines.join("\n")
}

/// The byte ranges of code blocks and inline code: no shortcode there.
fn code_ranges(body: &str, options: Options) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let mut open: Option<usize> = None;
    for (event, range) in Parser::new_ext(body, options).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(_)) => open = Some(range.start),
            Event::End(TagEnd::CodeBlock) => {
                ranges.push(open.take().unwrap_or(range.start)..range.end);
            }
            Event::Code(_) => ranges.push(range),
            _ => {}
        }
    }
    ranges
}

/// What starts at an offset.
struct Found {
    kind: Parsed,
    /// Where the call (with its body and closing tag) ends.
    end: usize,
}

enum Parsed {
    /// An escaped call, written as the call itself.
    Escaped(String),
    /// A call; `markdown` when its output is Markdown whatever the template (Hugo `{{% %}}`).
    Call { call: Call, markdown: bool },
    /// A call that is broken: (message, help).
    Error(String, Option<String>),
}

/// Parses a shortcode call (or an escaped one) starting at `at`, if there
/// is one. `unclosed` names the Hugo shortcodes with no closing tag after
/// an earlier call, so none is looked for again (each look reads to the end).
fn parse_at(text: &str, at: usize, unclosed: &mut std::collections::HashSet<String>) -> Option<Found> {
    let rest = &text[at..];
    for (open, close, written_open, written_close) in ESCAPES {
        if let Some(inner) = rest.strip_prefix(open) {
            let end = inner.find(close)?;
            let escaped = format!("{written_open}{}{written_close}", &inner[..end]);
            return Some(Found { kind: Parsed::Escaped(escaped), end: at + open.len() + end + close.len() });
        }
    }
    if rest.starts_with("{{<") || rest.starts_with("{{%") {
        return Some(parse_hugo(text, at, unclosed));
    }
    if rest.starts_with("{{") || rest.starts_with("{%") {
        return parse_zola(text, at);
    }
    None
}

/// The escaped forms and what they write.
const ESCAPES: [(&str, &str, &str, &str); 4] = [
    ("{{</*", "*/>}}", "{{<", ">}}"),
    ("{{%/*", "*/%}}", "{{%", "%}}"),
    ("{{/*", "*/}}", "{{", "}}"),
    ("{%/*", "*/%}", "{%", "%}"),
];

/// A Zola call: `{{ name(args) }}`, or `{% name(args) %}body{% end %}`.
/// Anything else that starts with `{{` or `{%` is left as it is.
fn parse_zola(text: &str, at: usize) -> Option<Found> {
    let with_body = text[at..].starts_with("{%");
    let close = if with_body { "%}" } else { "}}" };
    let mut p = Cursor { text, at: at + 2 };
    p.skip_space();
    let name = p.identifier(false)?;
    p.skip_space();
    if !p.eat("(") {
        return None;
    }
    let named = match parse_zola_args(&mut p) {
        Ok(named) => named,
        Err(e) => return Some(Found { kind: Parsed::Error(e, Some(ZOLA_HELP.into())), end: p.at }),
    };
    p.skip_space();
    if !p.eat(close) {
        return None;
    }
    let mut call =
        Call { name: name.to_owned(), named, positional: Vec::new(), body: None, nth: 0, lang: String::new() };
    let mut end = p.at;
    if with_body {
        let Some((body, after)) = find_zola_end(text, end) else {
            let message = format!("the shortcode `{name}` has a body but no `{{% end %}}`");
            return Some(Found { kind: Parsed::Error(message, Some(ZOLA_HELP.into())), end });
        };
        call.body = Some(body.to_owned());
        end = after;
    }
    Some(Found { kind: Parsed::Call { call, markdown: false }, end })
}

const ZOLA_HELP: &str = "write {{ name(key=\"value\") }}, or {% name(key=\"value\") %}text{% end %}";

/// `key=value, key=value` up to `)`.
fn parse_zola_args(p: &mut Cursor<'_>) -> Result<Named, String> {
    let mut named = Vec::new();
    loop {
        p.skip_space();
        if p.eat(")") {
            return Ok(named);
        }
        let key = p.identifier(false).ok_or("expected an argument name")?;
        p.skip_space();
        if !p.eat("=") {
            return Err(format!("expected `=` after `{key}`"));
        }
        p.skip_space();
        let value = p
            .value(false)
            .ok_or_else(|| format!("the value of `{key}` is not a string, number, true/false or list"))?;
        named.push((key.to_owned(), value));
        p.skip_space();
        if !p.eat(",") && !p.text[p.at..].starts_with(')') {
            return Err("expected `,` or `)` between arguments".into());
        }
    }
}

/// The body up to the next `{% end %}`, and the offset after it.
fn find_zola_end(text: &str, from: usize) -> Option<(&str, usize)> {
    let mut at = from;
    while let Some(i) = text[at..].find("{%") {
        let start = at + i;
        let mut p = Cursor { text, at: start + 2 };
        p.skip_space();
        if p.eat("end") {
            p.skip_space();
            if p.eat("%}") {
                return Some((&text[from..start], p.at));
            }
        }
        at = start + 2;
    }
    None
}

/// A Hugo call: `{{< name args >}}` or `{{% name args %}}`, with a body up
/// to a matching closing tag when there is one.
fn parse_hugo(text: &str, at: usize, unclosed: &mut std::collections::HashSet<String>) -> Found {
    let markdown = text[at..].starts_with("{{%");
    let close = if markdown { "%}}" } else { ">}}" };
    let Some(len) = text[at + 3..].find(close) else {
        let message = format!("this shortcode call is never closed with `{close}`");
        return Found { kind: Parsed::Error(message, Some(HUGO_HELP.into())), end: text.len() };
    };
    let end = at + 3 + len + close.len();
    let inner = text[at + 3..at + 3 + len].trim();
    let self_closing = inner.ends_with('/');
    let inner = inner.trim_end_matches('/').trim();
    if let Some(name) = inner.strip_prefix('/') {
        let message = format!("`{}` closes the shortcode `{}`, which was not opened", &text[at..end], name.trim());
        return Found { kind: Parsed::Error(message, Some(HUGO_HELP.into())), end };
    }
    let mut p = Cursor { text: inner, at: 0 };
    let Some(name) = p.identifier(true) else {
        return Found { kind: Parsed::Error("a shortcode call needs a name".into(), Some(HUGO_HELP.into())), end };
    };
    let (named, positional) = match parse_hugo_args(&mut p) {
        Ok(args) => args,
        Err(e) => return Found { kind: Parsed::Error(e, Some(HUGO_HELP.into())), end },
    };
    let mut call = Call { name: name.to_owned(), named, positional, body: None, nth: 0, lang: String::new() };
    let mut end = end;
    if !self_closing && !unclosed.contains(name) {
        match find_hugo_close(text, end, name) {
            Some((body, after)) => {
                call.body = Some(body.to_owned());
                end = after;
            }
            None => {
                unclosed.insert(name.to_owned());
            }
        }
    }
    Found { kind: Parsed::Call { call, markdown }, end }
}

const HUGO_HELP: &str = "write {{< name \"value\" key=\"value\" >}}, with a body up to {{< /name >}}";

/// Hugo arguments: `key=value` or positional values, separated by spaces.
fn parse_hugo_args(p: &mut Cursor<'_>) -> Result<(Named, Vec<Value>), String> {
    let (mut named, mut positional) = (Vec::new(), Vec::new());
    loop {
        p.skip_space();
        if p.at >= p.text.len() {
            return Ok((named, positional));
        }
        let start = p.at;
        if let Some(key) = p.identifier(false)
            && p.eat("=")
        {
            let value = p.value(true).ok_or_else(|| format!("the value of `{key}` is missing"))?;
            named.push((key.to_owned(), value));
            continue;
        }
        p.at = start;
        positional.push(p.value(true).ok_or("an argument could not be read")?);
    }
}

/// The body up to `{{< /name >}}` or `{{% /name %}}`, and the offset after it.
fn find_hugo_close<'t>(text: &'t str, from: usize, name: &str) -> Option<(&'t str, usize)> {
    let mut at = from;
    while let Some(i) = text[at..].find("{{") {
        let start = at + i;
        let rest = &text[start..];
        let close = if rest.starts_with("{{<") {
            ">}}"
        } else if rest.starts_with("{{%") {
            "%}}"
        } else {
            at = start + 2;
            continue;
        };
        let len = rest[3..].find(close)?;
        let inner = rest[3..3 + len].trim();
        if inner.strip_prefix('/').map(str::trim) == Some(name) {
            return Some((&text[from..start], start + 3 + len + close.len()));
        }
        at = start + 3;
    }
    None
}

/// A position in text being parsed.
struct Cursor<'t> {
    text: &'t str,
    at: usize,
}

impl<'t> Cursor<'t> {
    fn rest(&self) -> &'t str {
        &self.text[self.at..]
    }

    fn skip_space(&mut self) {
        let rest = self.rest();
        self.at += rest.len() - rest.trim_start().len();
    }

    fn eat(&mut self, s: &str) -> bool {
        let found = self.rest().starts_with(s);
        if found {
            self.at += s.len();
        }
        found
    }

    /// A name: letters, digits and `_` (Hugo's also `-`, `/` and `.`), not
    /// starting with a digit.
    fn identifier(&mut self, hugo: bool) -> Option<&'t str> {
        let rest = self.rest();
        let ok = |c: char| c.is_ascii_alphanumeric() || c == '_' || (hugo && matches!(c, '-' | '/' | '.'));
        let len = rest.find(|c: char| !ok(c)).unwrap_or(rest.len());
        let name = &rest[..len];
        if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
            return None;
        }
        self.at += len;
        Some(name)
    }

    /// A string (in `"`, `'` or `` ` ``), a number, `true`/`false`, or a
    /// list `[...]`; with `bare`, a word without quotes is a string (Hugo).
    fn value(&mut self, bare: bool) -> Option<Value> {
        let rest = self.rest();
        let first = rest.chars().next()?;
        if matches!(first, '"' | '\'' | '`') {
            return self.quoted(first);
        }
        if first == '[' && !bare {
            return self.list();
        }
        let len =
            rest.find(|c: char| c.is_whitespace() || (!bare && matches!(c, ',' | ')' | ']'))).unwrap_or(rest.len());
        let word = &rest[..len];
        if word.is_empty() {
            return None;
        }
        self.at += len;
        Some(match word {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => match (word.parse::<i64>(), word.parse::<f64>()) {
                (Ok(n), _) => Value::from(n),
                (_, Ok(f)) if !bare => Value::from(f),
                _ if bare => Value::from(word),
                _ => return None,
            },
        })
    }

    fn quoted(&mut self, quote: char) -> Option<Value> {
        let mut out = String::new();
        let mut chars = self.rest().char_indices().skip(1);
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' if quote != '`' => out.push(chars.next()?.1),
                c if c == quote => {
                    self.at += i + c.len_utf8();
                    return Some(Value::from(out));
                }
                c => out.push(c),
            }
        }
        None
    }

    fn list(&mut self) -> Option<Value> {
        self.at += 1;
        let mut items = Vec::new();
        loop {
            self.skip_space();
            if self.eat("]") {
                return Some(Value::Array(items));
            }
            items.push(self.value(false)?);
            self.skip_space();
            if !self.eat(",") && !self.rest().starts_with(']') {
                return None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fake;

    impl ShortcodeTemplates for Fake {
        fn output(&self, name: &str) -> Option<Output> {
            match name {
                "hello" => Some(Output::Html),
                "note" => Some(Output::Markdown),
                _ => None,
            }
        }
        fn names(&self) -> Vec<String> {
            vec!["hello".into(), "note".into()]
        }
        fn render(&self, call: &Call) -> Result<String, String> {
            Ok(format!("[{}:{:?}:{:?}:{:?}:{}]", call.name, call.named, call.positional, call.body, call.nth))
        }
        fn fingerprint(&self) -> String {
            String::new()
        }
    }

    fn expand_text(body: &str) -> Expanded<'_> {
        let links: std::collections::HashMap<String, String> =
            [("guides/x/index.md".to_owned(), "https://e.org/guides/x/".to_owned())].into();
        expand(body, Options::empty(), &Fake, &links, "en")
    }

    #[test]
    fn hugo_highlight_is_a_fenced_code_block() {
        let e = expand_text("{{< highlight go \"linenos=table\" >}}\nfmt.Println(\"`hi`\")\n{{< /highlight >}}");
        assert_eq!(e.text, "\n```go\nfmt.Println(\"`hi`\")\n```\n");
    }

    #[test]
    fn hugo_ref_writes_a_content_files_address() {
        let e = expand_text(
            "[x]({{< ref \"/guides/x\" >}}) [y]({{< relref \"guides/x/index.md#top\" >}}) {{< ref \"nope.md\" >}}",
        );
        assert_eq!(e.text, "[x](https://e.org/guides/x/) [y](https://e.org/guides/x/#top) ");
        assert!(e.errors[0].1.contains("no content file `nope.md`"), "{:?}", e.errors);
    }

    #[test]
    fn zola_calls_inline_and_with_a_body() {
        let e = expand_text("A {{ hello(name=\"Sam\", n=2, ok=true, l=[1, 'x']) }} B\n{% note() %}\n*hi*\n{% end %}\n");
        assert!(e.errors.is_empty(), "{:?}", e.errors);
        assert!(e.text.contains(r#"[hello:[("name", String("Sam")), ("n", Number(2)), ("ok", Bool(true)), ("l", Array [Number(1), String("x")])]:[]:None:1]"#), "{}", e.text);
        assert!(e.text.contains(r#"[note:[]:[]:Some("\n*hi*\n"):1]"#), "{}", e.text);
    }

    #[test]
    fn hugo_calls_with_positional_and_named_arguments_and_bodies() {
        let e = expand_text("{{< hello abc key=\"v w\" 3 >}} {{% note info %}}Body{{% /note %}} {{< hello />}}");
        assert!(e.errors.is_empty(), "{:?}", e.errors);
        assert!(e.text.contains(r#"[hello:[("key", String("v w"))]:[String("abc"), Number(3)]:None:1]"#), "{}", e.text);
        assert!(e.text.contains(r#"[note:[]:[String("info")]:Some("Body"):1]"#), "{}", e.text);
        assert!(e.text.contains(":None:2]"), "{}", e.text);
    }

    #[test]
    fn code_is_left_alone_and_escapes_write_the_call() {
        let body = "`{{ hello() }}`\n\n```\n{{< hello >}}\n```\n\n{{/* hello() */}} {{</* hello x */>}}\n";
        let e = expand_text(body);
        assert!(e.errors.is_empty(), "{:?}", e.errors);
        assert!(e.text.starts_with("`{{ hello() }}`\n\n```\n{{< hello >}}\n```"), "{}", e.text);
        assert!(e.text.contains("{{ hello() }} {{< hello x >}}"), "{}", e.text);
    }

    #[test]
    fn other_braces_are_text_and_unknown_names_are_located_errors() {
        let e = expand_text("{{ not a call }} {% if x %}\nline two {{ nope() }}");
        assert_eq!(e.text, "{{ not a call }} {% if x %}\nline two ");
        assert_eq!(e.errors.len(), 1);
        let (offset, message, help) = &e.errors[0];
        assert_eq!(*offset, 37);
        assert!(message.contains("unknown shortcode `nope`"));
        assert!(help.as_deref().unwrap().contains("hello, note"));
    }

    #[test]
    fn broken_calls_are_errors_not_panics() {
        for body in
            ["{% note() %} no end", "{{< hello", "{{< /hello >}}", "{{ hello(x=) }}", "{{< >}}", "{{ hello(x=\"é"]
        {
            let e = expand_text(body);
            assert!(!e.errors.is_empty() || e.text == body, "{body}: {e:?}");
        }
    }

    #[test]
    fn offsets_map_back_to_the_original() {
        let e = expand_text("ab{{ hello() }}cd\nef");
        let cd = e.text.find("cd").unwrap();
        assert_eq!(e.original_offset(cd), 15);
        assert_eq!(e.original_offset(1), 1);
        assert_eq!(e.original_offset(3), 2);
    }
}
