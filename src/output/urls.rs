//! The one place that knows how a site path (`/news/food-bank/`) becomes a
//! permalink, an output file, or a URL relative to another page.
//!
//! Paths here always start with `/`. A path ending in `/` is a folder served
//! through its `index.html` (clean URLs); anything else is a file.

/// Slug of a title, term or file name: lower-case ASCII words joined by `-`.
pub fn slugify(text: &str) -> String {
    slug::slugify(text)
}

/// Absolute URL of a site path. `base_url` has no trailing slash.
pub fn permalink(base_url: &str, path: &str) -> String {
    let mut url = String::with_capacity(base_url.len() + path.len());
    url.push_str(base_url);
    url.push_str(path);
    url
}

/// The file, relative to the output folder and with `/` separators (the
/// key every [`Sink`](crate::output::sink::Sink) takes), that serves `path`:
/// `/news/x/` -> `news/x/index.html`.
pub fn output_file(path: &str) -> String {
    let trimmed = path.trim_start_matches('/');
    if trimmed.is_empty() || trimmed.ends_with('/') { format!("{trimmed}index.html") } else { trimmed.to_owned() }
}

/// Joins path segments into a clean folder path: `["news", "x"]` -> `/news/x/`.
pub fn folder_path<'a>(segments: impl IntoIterator<Item = &'a str>) -> String {
    let mut path = String::from("/");
    for s in segments {
        if s.is_empty() {
            continue;
        }
        path.push_str(s);
        path.push('/');
    }
    path
}

/// Whether a slug given by an editor is safe to use as one path segment:
/// nothing a page says may write outside its folder or the output.
pub fn is_safe_segment(segment: &str) -> bool {
    !segment.is_empty()
        && segment != "."
        && segment != ".."
        && !segment.contains(['/', '\\', '\0'])
        && !segment.contains("..")
}

/// The URL of `target` written relative to the page at `from` (both site
/// paths), so the output works from disk or under any sub-path.
pub fn relative_url(from: &str, target: &str) -> String {
    let from_dir = match from.rfind('/') {
        Some(i) => &from[..=i],
        None => "/",
    };
    let from_parts: Vec<&str> = from_dir.split('/').filter(|s| !s.is_empty()).collect();
    let (target_path, suffix) = split_suffix(target);
    let target_parts: Vec<&str> = target_path.split('/').filter(|s| !s.is_empty()).collect();
    let common = from_parts.iter().zip(&target_parts).take_while(|(a, b)| a == b).count();
    let mut out = String::new();
    for _ in common..from_parts.len() {
        out.push_str("../");
    }
    out.push_str(&target_parts[common..].join("/"));
    let is_folder = target_path.ends_with('/');
    if is_folder && common < target_parts.len() {
        out.push('/');
    }
    if is_folder {
        out.push_str("index.html");
    }
    if out.is_empty() {
        out.push_str("./");
    }
    out.push_str(suffix);
    out
}

/// Rewrites the site's own URLs in a page's HTML (absolute ones under
/// `base_url`, and root-relative ones) as URLs relative to the page at
/// `page_path`, so the output works from disk or under any sub-path.
/// Links to other sites are left alone.
pub fn make_relative(html: &str, page_path: &str, base_url: &str) -> String {
    crate::html::rewrite_urls(html, |url| {
        let site_path = match url.strip_prefix(base_url) {
            Some(rest) if !base_url.is_empty() && (rest.is_empty() || rest.starts_with(['/', '?', '#'])) => {
                if rest.starts_with('/') { rest.to_owned() } else { format!("/{rest}") }
            }
            _ if url.starts_with('/') && !url.starts_with("//") => url.to_owned(),
            _ => return None,
        };
        Some(relative_url(page_path, &site_path))
    })
}

/// Splits `/a/b/?q#f` into `/a/b/` and `?q#f`.
fn split_suffix(url: &str) -> (&str, &str) {
    match url.find(['?', '#']) {
        Some(i) => (&url[..i], &url[i..]),
        None => (url, ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_files_are_clean_urls() {
        assert_eq!(output_file("/"), "index.html");
        assert_eq!(output_file("/news/x/"), "news/x/index.html");
        assert_eq!(output_file("/feed.xml"), "feed.xml");
    }

    #[test]
    fn folder_paths_join_segments() {
        assert_eq!(folder_path(["news", "x"]), "/news/x/");
        assert_eq!(folder_path([]), "/");
        assert_eq!(folder_path(["", "tags"]), "/tags/");
    }

    #[test]
    fn unsafe_segments_are_refused() {
        for bad in ["..", "../x", "a/b", "a\\b", "", "x..y"] {
            assert!(!is_safe_segment(bad), "{bad}");
        }
        assert!(is_safe_segment("food-bank-opens"));
    }

    #[test]
    fn slugs_are_ascii_words() {
        assert_eq!(slugify("Food Bank: Opens!"), "food-bank-opens");
        assert_eq!(slugify("Café Ça"), "cafe-ca");
    }

    #[test]
    fn pages_get_relative_links_to_their_own_site_only() {
        let html = r#"<a href="https://s.example/news/">n</a><img src="/img/a.png"><a href="https://other.example/x">o</a><a href="https://s.example">h</a><a href="https://s.examplex/">x</a>"#;
        let out = make_relative(html, "/news/food/", "https://s.example");
        assert_eq!(
            out,
            r#"<a href="../index.html">n</a><img src="../../img/a.png"><a href="https://other.example/x">o</a><a href="../../index.html">h</a><a href="https://s.examplex/">x</a>"#
        );
    }

    #[test]
    fn relative_urls_walk_up_and_down() {
        assert_eq!(relative_url("/news/x/", "/guides/y/"), "../../guides/y/index.html");
        assert_eq!(relative_url("/", "/news/"), "news/index.html");
        assert_eq!(relative_url("/news/", "/news/"), "index.html");
        assert_eq!(relative_url("/news/x/", "/commons.css"), "../../commons.css");
        assert_eq!(relative_url("/news/x/", "/news/x/a.png"), "a.png");
        assert_eq!(relative_url("/news/x/", "/news/y/#top"), "../y/index.html#top");
        assert_eq!(relative_url("/a/", "/"), "../index.html");
    }
}
