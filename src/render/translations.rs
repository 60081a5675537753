//! The words a theme writes around the content ("Skip to content", "Page 2
//! of 5", month order in dates), in the language of the page, through
//! Zola's `trans(key=..., lang=...)`.
//!
//! A theme ships its strings as `i18n/<lang>.toml` (one `key = "text"` per
//! line; the commons theme has `en`, `cy` and `ar`). A site overrides any of
//! them in config.toml, as in Zola: `[translations]` for the site's own
//! language, `[languages.cy.translations]` for another. A key a language
//! lacks falls back to the language without its region (`pt-BR` to `pt`),
//! then the site's language, then English, so a theme used in a language it
//! was not translated into still says something; a key no language has is an
//! error naming it, like a missing variable, unless the call gives a
//! `default` (a branchpress addition, for keys made from data such as
//! `"taxonomy_" ~ taxonomy.name`).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

use tera::{Kwargs, State, Tera};

use crate::config::Config;
use crate::error::{Error, Result};

/// Every string, by language, then key.
#[derive(Debug, Default)]
pub struct Translations {
    by_lang: HashMap<String, HashMap<String, String>>,
    /// The site's language: what `trans` uses without `lang`.
    default_lang: String,
}

impl Translations {
    /// The theme's `i18n/*.toml` files, overlaid with the site's own
    /// strings from config.toml.
    pub fn load(config: &Config) -> Result<Translations> {
        let mut by_lang: HashMap<String, HashMap<String, String>> = HashMap::new();
        if let Some(theme) = &config.paths.theme {
            for (lang, strings) in read_folder(&theme.join("i18n"))? {
                by_lang.insert(lang, strings);
            }
        }
        for (lang, strings) in &config.translations {
            let own = by_lang.entry(lang.to_ascii_lowercase()).or_default();
            own.extend(strings.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        Ok(Translations { by_lang, default_lang: config.language.to_ascii_lowercase() })
    }

    /// The string `key` in `lang` (or its fallbacks).
    pub fn get(&self, key: &str, lang: &str) -> Option<&str> {
        let lang = lang.to_ascii_lowercase();
        let primary = crate::base::languages::primary(&lang);
        [lang.as_str(), primary, self.default_lang.as_str(), "en"]
            .into_iter()
            .find_map(|l| self.by_lang.get(l).and_then(|s| s.get(key)))
            .map(String::as_str)
    }

    /// Registers `trans(key, lang)`.
    pub fn register(self, tera: &mut Tera) {
        let this = Arc::new(self);
        tera.register_function("trans", move |kw: Kwargs, _: &State| {
            let key: &str = kw.must_get("key")?;
            let lang: Option<&str> = kw.get("lang")?;
            let lang = lang.unwrap_or(&this.default_lang);
            // `default`: for keys made from data (`"taxonomy_" ~ name`).
            let fallback: Option<&str> = kw.get("default")?;
            this.get(key, lang).or(fallback).map(str::to_owned).ok_or_else(|| {
                tera::Error::message(format!(
                    "trans: no language has the string `{key}`; add it to config.toml's [translations] \
                     (or [languages.{lang}.translations]), or to the theme's i18n/{lang}.toml"
                ))
            })
        });
    }
}

/// `i18n/<lang>.toml` files of a folder, sorted by name; none when it is missing.
fn read_folder(dir: &Path) -> Result<BTreeMap<String, HashMap<String, String>>> {
    let mut out = BTreeMap::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(Error::io(dir, "read the theme's translations", &e)),
    };
    for entry in entries {
        let path = entry.map_err(|e| Error::io(dir, "read the theme's translations", &e))?.path();
        let Some(lang) =
            path.file_stem().and_then(|s| s.to_str()).filter(|_| path.extension() == Some("toml".as_ref()))
        else {
            continue;
        };
        let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, "read the translations", &e))?;
        let text = crate::error::utf8_text(&path, bytes)?;
        let strings: HashMap<String, String> = crate::config::parse_toml(&path, &text)?;
        out.insert(lang.to_ascii_lowercase(), strings);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(pairs: &[(&str, &[(&str, &str)])]) -> Translations {
        let by_lang = pairs
            .iter()
            .map(|(l, s)| (l.to_string(), s.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()))
            .collect();
        Translations { by_lang, default_lang: "cy".into() }
    }

    #[test]
    fn a_missing_string_falls_back_to_the_region_less_language_then_the_site_then_english() {
        let t = strings(&[
            ("en", &[("skip", "Skip to content"), ("only_en", "E")]),
            ("cy", &[("skip", "Neidio i'r cynnwys")]),
            ("pt", &[("skip", "Saltar")]),
        ]);
        assert_eq!(t.get("skip", "pt-BR"), Some("Saltar"));
        assert_eq!(t.get("skip", "pl"), Some("Neidio i'r cynnwys"));
        assert_eq!(t.get("only_en", "cy"), Some("E"));
        assert_eq!(t.get("nowhere", "cy"), None);
    }

    #[test]
    fn the_commons_theme_says_everything_in_each_of_its_languages() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/commons/i18n");
        let files = read_folder(&dir).expect("the theme's strings");
        let keys = |lang: &str| -> std::collections::BTreeSet<&String> { files[lang].keys().collect() };
        assert!(files.len() >= 3, "{:?}", files.keys());
        for lang in files.keys() {
            assert_eq!(keys(lang), keys("en"), "i18n/{lang}.toml has other keys than en.toml");
        }
    }
}
