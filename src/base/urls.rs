//! The one place that knows how a site path (`/news/food-bank/`) becomes a
//! permalink, an output file, or a URL relative to another page.
//!
//! Paths here always start with `/`. A path ending in `/` is a folder served
//! through its `index.html` (clean URLs); anything else is a file.

/// The site path of a bundle asset: beside its page (`/news/x/` and
/// `map.svg` give `/news/x/map.svg`).
pub fn asset_path(page_path: &str, asset: &std::path::Path) -> String {
    let mut path = page_path.to_owned();
    let parts: Vec<String> = asset.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    path.push_str(&parts.join("/"));
    path
}

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
            _ if url.starts_with('/') && !url.starts_with("//") => site_path_of(url, base_url).to_owned(),
            _ => return None,
        };
        Some(relative_url(page_path, &site_path))
    })
}

/// The path part of a base URL: `/eastfield` for
/// `https://user.github.io/eastfield`, empty for a site at a host's root.
pub fn base_path(base_url: &str) -> &str {
    let after_scheme = base_url.split_once("://").map_or(base_url, |(_, rest)| rest);
    after_scheme.find('/').map_or("", |at| after_scheme[at..].trim_end_matches('/'))
}

/// The site path of a root-relative address: without the base URL's
/// sub-path when it starts with it (`/eastfield/about/` is `/about/`).
pub fn site_path_of<'u>(url: &'u str, base_url: &str) -> &'u str {
    let sub = base_path(base_url);
    match url.strip_prefix(sub) {
        Some(rest) if !sub.is_empty() && rest.starts_with('/') => rest,
        Some("") if !sub.is_empty() => "/",
        _ => url,
    }
}

/// A root-relative address written by an editor (`/about/`, `/logo.svg`)
/// as it must be published when the site lives under a sub-path
/// (`/eastfield/about/`): the editor writes addresses of the site, the
/// browser reads addresses of the host. Left alone: a site at the host's
/// root, `//host` addresses, and addresses already under the sub-path.
pub fn under_base_path(url: &str, base_url: &str) -> Option<String> {
    let sub = base_path(base_url);
    let root_relative = url.starts_with('/') && !url.starts_with("//");
    let already = url.strip_prefix(sub).is_some_and(|rest| rest.is_empty() || rest.starts_with(['/', '?', '#']));
    (!sub.is_empty() && root_relative && !already).then(|| format!("{sub}{url}"))
}

/// Splits `/a/b/?q#f` into `/a/b/` and `?q#f`.
fn split_suffix(url: &str) -> (&str, &str) {
    match url.find(['?', '#']) {
        Some(i) => (&url[..i], &url[i..]),
        None => (url, ""),
    }
}

/// Query parameters that only track clicks; they never change what a link points at.
fn is_tracking_param(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name.starts_with("utm_") || matches!(name.as_str(), "fbclid" | "gclid" | "mc_cid" | "mc_eid" | "ref")
}

/// A link in the one spelling two copies of the same entry share: scheme and
/// host in lower case (the `url` crate does that), no fragment, no tracking
/// parameters, and no trailing slash on the path.
pub fn canonical_link(url: &url::Url) -> String {
    let mut url = url.clone();
    url.set_fragment(None);
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| !is_tracking_param(k))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if kept.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(kept);
    }
    let mut text = url.to_string();
    if url.query().is_none() && text.ends_with('/') && url.path() != "/" {
        text.pop();
    }
    if url.path() == "/" && url.query().is_none() {
        text.pop();
    }
    text
}

/// Which output file a site path is served from (see [`find_output_file`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutputMatch {
    /// The file at exactly this path, or a folder's `index.html` asked
    /// for with its trailing slash.
    Exact(String),
    /// A folder's `index.html`, asked for without the trailing slash (a
    /// server answers with a redirect to the folder).
    FolderIndex(String),
}

/// The output key that `site_path` (`/news/x/`, `/map.svg`; leading
/// slashes ignored, no query or fragment) is served from, by `exists`: a
/// path ending in `/` (or the root) is its folder's `index.html`; any
/// other path is that file, else the folder of that name. `check` (for
/// links) and the preview server (for requests) both find files this way,
/// so a link `check` accepts is one the server serves.
pub fn find_output_file(site_path: &str, exists: impl Fn(&str) -> bool) -> Option<OutputMatch> {
    let trimmed = site_path.trim_start_matches('/');
    if trimmed.is_empty() || trimmed.ends_with('/') {
        let index = format!("{trimmed}index.html");
        return exists(&index).then_some(OutputMatch::Exact(index));
    }
    if exists(trimmed) {
        return Some(OutputMatch::Exact(trimmed.to_owned()));
    }
    let index = format!("{trimmed}/index.html");
    exists(&index).then_some(OutputMatch::FolderIndex(index))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_paths_find_a_file_or_a_folder_index() {
        let keys = ["index.html", "news/index.html", "map.svg"];
        let find = |path| find_output_file(path, |key| keys.contains(&key));
        assert_eq!(find("/"), Some(OutputMatch::Exact("index.html".into())));
        assert_eq!(find("/news/"), Some(OutputMatch::Exact("news/index.html".into())));
        assert_eq!(find("/news"), Some(OutputMatch::FolderIndex("news/index.html".into())));
        assert_eq!(find("/map.svg"), Some(OutputMatch::Exact("map.svg".into())));
        assert_eq!(find("/map.svg/"), None);
        assert_eq!(find("/nope"), None);
    }

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

    #[test]
    fn root_relative_addresses_get_the_sub_path() {
        assert_eq!(base_path("https://user.github.io/eastfield"), "/eastfield");
        assert_eq!(base_path("https://riverside.example.org"), "");
        assert_eq!(base_path(""), "");
        let base = "https://user.github.io/eastfield";
        assert_eq!(under_base_path("/about/", base).as_deref(), Some("/eastfield/about/"));
        assert_eq!(under_base_path("/logo.svg#x", base).as_deref(), Some("/eastfield/logo.svg#x"));
        assert_eq!(under_base_path("/eastfield/about/", base), None);
        assert_eq!(under_base_path("/eastfieldish/", base).as_deref(), Some("/eastfield/eastfieldish/"));
        assert_eq!(under_base_path("//cdn.example/x", base), None);
        assert_eq!(under_base_path("about/", base), None);
        assert_eq!(under_base_path("/about/", "https://riverside.example.org"), None);
    }
}
