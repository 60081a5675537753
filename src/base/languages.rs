//! Language tags (`en`, `cy`, `ar`, `pa-Arab`) and the direction their
//! script is written in, for `lang` and `dir` on every page.
//!
//! A browser does not mirror a page by itself: `dir="rtl"` must be on the
//! page, and only the site knows which language a page is in. The list is
//! by language (the primary subtag) with the script subtag winning when one
//! is given, as CLDR's likely scripts would say for these languages.

/// Writing direction of a language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Left to right.
    Ltr,
    /// Right to left.
    Rtl,
}

impl Direction {
    /// `ltr` or `rtl`, as HTML's `dir` attribute takes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Ltr => "ltr",
            Direction::Rtl => "rtl",
        }
    }
}

/// Languages written right to left in their usual script: Arabic, Hebrew,
/// Persian and Dari, Urdu, Pashto, Sindhi, Uyghur, Yiddish, Dhivehi,
/// Central and Southern Kurdish, Syriac, N'Ko, Western Punjabi,
/// South Azerbaijani, Balochi, Kashmiri, Mazanderani, Gilaki, Northern
/// Luri, and the old codes `iw` and `ji`.
const RTL_LANGUAGES: &[&str] = &[
    "ar", "arc", "azb", "bal", "bqi", "ckb", "dv", "fa", "glk", "he", "iw", "ji", "khw", "ks", "lrc", "mzn", "nqo",
    "pnb", "prs", "ps", "sd", "sdh", "skr", "syr", "ug", "ur", "yi",
];

/// Scripts written right to left (ISO 15924), for tags such as `pa-Arab`.
const RTL_SCRIPTS: &[&str] =
    &["adlm", "arab", "aran", "hebr", "mand", "mend", "nkoo", "rohg", "samr", "syrc", "thaa", "yezi"];

/// The language of `tag` without script or region (`cy` for `cy-GB`,
/// `pa` for `pa_Arab`), as written.
pub fn primary(tag: &str) -> &str {
    tag.split(['-', '_']).next().unwrap_or_default()
}

/// The direction of text in the language `tag`.
pub fn direction(tag: &str) -> Direction {
    let mut parts = tag.split(['-', '_']);
    let language = parts.next().unwrap_or_default().to_ascii_lowercase();
    // A script subtag is the 4-letter one after the language.
    if let Some(script) = parts.next().filter(|s| s.len() == 4 && s.chars().all(|c| c.is_ascii_alphabetic())) {
        let script = script.to_ascii_lowercase();
        return if RTL_SCRIPTS.contains(&script.as_str()) { Direction::Rtl } else { Direction::Ltr };
    }
    if RTL_LANGUAGES.contains(&language.as_str()) { Direction::Rtl } else { Direction::Ltr }
}

/// Why `tag` is not a language tag, if it is not one: a language of 2 or 3
/// letters (or 5 to 8), then subtags of 1 to 8 letters or digits, joined
/// by `-` (BCP 47's shape; the registry itself is not consulted, so a
/// private tag such as `cy-x-gwent` is accepted).
pub fn check_tag(tag: &str) -> Result<(), String> {
    let mut parts = tag.split('-');
    let language = parts.next().unwrap_or_default();
    let language_ok = matches!(language.len(), 2 | 3 | 5..=8) && language.chars().all(|c| c.is_ascii_alphabetic());
    let rest_ok = parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()));
    if language_ok && rest_ok { Ok(()) } else { Err(format!("`{tag}` is not a language tag")) }
}

/// Languages by their own name, for lists a reader picks a language from
/// (the language switcher, the network's language filter): the languages
/// of the British Isles and those most spoken by its communities. A tag not
/// listed is shown as it is.
const NAMES: &[(&str, &str)] = &[
    ("am", "አማርኛ"),
    ("ar", "العربية"),
    ("bn", "বাংলা"),
    ("ckb", "کوردیی ناوەندی"),
    ("cy", "Cymraeg"),
    ("de", "Deutsch"),
    ("en", "English"),
    ("es", "Español"),
    ("fa", "فارسی"),
    ("fr", "Français"),
    ("ga", "Gaeilge"),
    ("gd", "Gàidhlig"),
    ("gu", "ગુજરાતી"),
    ("gv", "Gaelg"),
    ("he", "עברית"),
    ("hi", "हिन्दी"),
    ("it", "Italiano"),
    ("ku", "Kurdî"),
    ("kw", "Kernewek"),
    ("lt", "Lietuvių"),
    ("nl", "Nederlands"),
    ("pa", "ਪੰਜਾਬੀ"),
    ("pl", "Polski"),
    ("ps", "پښتو"),
    ("pt", "Português"),
    ("ro", "Română"),
    ("ru", "Русский"),
    ("so", "Soomaali"),
    ("ta", "தமிழ்"),
    ("ti", "ትግርኛ"),
    ("tr", "Türkçe"),
    ("uk", "Українська"),
    ("ur", "اردو"),
    ("zh", "中文"),
];

/// The language of `tag` in its own words ("Cymraeg" for `cy-GB`), or the
/// tag itself for a language not in the list.
pub fn name(tag: &str) -> String {
    let primary = primary(tag).to_ascii_lowercase();
    NAMES.iter().find(|(code, _)| *code == primary).map_or_else(|| tag.to_owned(), |(_, name)| (*name).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn right_to_left_by_language_and_by_script() {
        for tag in ["ar", "he", "fa", "ur", "ps", "sd", "ug", "yi", "dv", "ckb", "ar-EG", "pa-Arab", "az-Arab"] {
            assert_eq!(direction(tag), Direction::Rtl, "{tag}");
        }
        for tag in ["en", "cy", "pl", "so", "gd", "pa", "ku", "az", "en-GB", "ur-Latn", "zh-Hant-TW"] {
            assert_eq!(direction(tag), Direction::Ltr, "{tag}");
        }
    }

    #[test]
    fn languages_are_named_in_themselves() {
        assert_eq!(name("cy"), "Cymraeg");
        assert_eq!(name("cy-GB"), "Cymraeg");
        assert_eq!(name("en-GB"), "English");
        assert_eq!(name("ar"), "العربية");
        assert_eq!(name("x-klingon"), "x-klingon");
        assert!(NAMES.windows(2).all(|w| w[0].0 < w[1].0), "sorted, one line each");
    }

    #[test]
    fn tags_are_checked_for_their_shape() {
        for tag in ["en", "cy", "ckb", "pt-BR", "zh-Hant-TW", "cy-x-gwent", "es-419"] {
            assert!(check_tag(tag).is_ok(), "{tag}");
        }
        for tag in ["", "e", "english language", "en_GB", "en-", "../x", "ar-مصر"] {
            assert!(check_tag(tag).is_err(), "{tag}");
        }
    }
}
