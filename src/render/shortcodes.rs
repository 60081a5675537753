//! The shortcode templates (`templates/shortcodes/NAME.html` or `NAME.md`,
//! the site's or the theme's), rendered with Tera for the Markdown stage.
//!
//! Shortcodes are expanded while bodies are rendered, before the site's
//! values exist, so they get their own Tera with only these templates: a
//! template sees its arguments by name, `args` (positional arguments, as
//! Hugo writes them), `body` (for a call with a body), `nth` (the call's
//! number for this shortcode in the file) and `config`; Tera's built-in
//! filters and `urlencode`, not the site functions such as `get_url`.

use std::collections::BTreeMap;

use tera::{Context, Kwargs, State, Tera, Value};

use crate::config::Config;
use crate::error::{Error, Result};
use crate::markdown::shortcodes::{Call, Output, ShortcodeTemplates};
use crate::render::templates::{SHORTCODES_FOLDER as FOLDER, TemplateSources};

/// The site's shortcodes, ready to render.
pub struct SiteShortcodes {
    tera: Tera,
    /// Name to (template name, what it writes).
    by_name: BTreeMap<String, (String, Output)>,
    fingerprint: String,
}

impl SiteShortcodes {
    /// Parses the shortcode templates among `sources`. A name with both an
    /// `.html` and an `.md` template uses the `.html` one.
    pub fn new(config: &Config, sources: &TemplateSources) -> Result<SiteShortcodes> {
        let mut by_name = BTreeMap::new();
        let mut fingerprint = String::new();
        let mut texts = Vec::new();
        for src in sources.iter().filter(|s| s.name.starts_with(FOLDER)) {
            let file = &src.name[FOLDER.len()..];
            let (name, output) = match (file.strip_suffix(".html"), file.strip_suffix(".md")) {
                (Some(name), _) => (name, Output::Html),
                (None, Some(name)) => (name, Output::Markdown),
                _ => continue,
            };
            if output == Output::Markdown && by_name.contains_key(name) {
                continue;
            }
            by_name.insert(name.to_owned(), (src.name.clone(), output));
            fingerprint.push_str(&format!("{}\0{}\0", src.name, src.text));
            texts.push((src.name.as_str(), src.text.as_str()));
        }
        let mut tera = Tera::new();
        tera.register_filter("urlencode", urlencode);
        // A shortcode writes its own words (a video's "Watch") in the page's language.
        super::translations::Translations::load(config)?.register(&mut tera);
        tera.add_raw_templates(texts).map_err(|e| Error::many(sources.diagnostics(&e, None)))?;
        tera.global_context().insert_value("config", crate::render::values::config_value(config));
        Ok(SiteShortcodes { tera, by_name, fingerprint })
    }
}

impl ShortcodeTemplates for SiteShortcodes {
    fn output(&self, name: &str) -> Option<Output> {
        self.by_name.get(name).map(|(_, output)| *output)
    }

    fn names(&self) -> Vec<String> {
        self.by_name.keys().cloned().collect()
    }

    fn render(&self, call: &Call) -> std::result::Result<String, String> {
        let Some((template, _)) = self.by_name.get(&call.name) else {
            return Err(format!("no template for `{}`", call.name));
        };
        let mut ctx = Context::new();
        for (key, value) in &call.named {
            ctx.insert_value(key.clone(), Value::from_serializable(value));
        }
        ctx.insert_value("args", Value::from_serializable(&call.positional));
        if let Some(body) = &call.body {
            ctx.insert_value("body", Value::from(body.as_str()));
        }
        ctx.insert_value("nth", Value::from(call.nth));
        ctx.insert_value("lang", Value::from(call.lang.as_str()));
        self.tera.render(template, &ctx).map_err(|e| first_line(&e.to_string()))
    }

    fn fingerprint(&self) -> String {
        self.fingerprint.clone()
    }
}

fn first_line(text: &str) -> String {
    text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("the template failed").to_owned()
}

/// `urlencode`: text made safe inside a URL (a map search, a video page).
fn urlencode(text: &str, _: Kwargs, _: &State) -> String {
    percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC).to_string()
}
