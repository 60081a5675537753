//! A site published under a sub-path (GitHub Pages: `user.github.io/eastfield/`):
//! root-relative links written in Markdown get the sub-path, the published
//! files answer at those addresses, and `check` reports a hard-coded
//! root-relative link that would leave the site.

mod common;

use std::path::Path;

use common::{BASIC, Site};

/// The `href` and `src` values of an HTML file.
fn addresses(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attr in ["href=\"", "src=\""] {
        for part in html.split(attr).skip(1) {
            found.push(part.split('"').next().unwrap_or_default().to_owned());
        }
    }
    found
}

fn sub_path_site() -> Site {
    let site = Site::new(BASIC);
    site.write(
        "config.toml",
        "title = \"Eastfield\"\nbase_url = \"https://user.github.io/eastfield/\"\ntaxonomies = [{ name = \"tags\" }]\n",
    );
    site.write("static/logo.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
    site.write(
        "content/about.md",
        "+++\ntitle = \"About\"\n+++\nSee [the news](/news/), our ![logo](/logo.svg) and [second](/news/second/#details).\n",
    );
    site
}

#[test]
fn markdown_root_relative_links_get_the_sub_path_and_answer_there() {
    let site = sub_path_site();
    let host = tempfile::tempdir().unwrap();
    let published = host.path().join("eastfield");
    site.run(&["build", "-o", published.to_str().unwrap()]).success();
    let about = std::fs::read_to_string(published.join("about/index.html")).unwrap();
    let ours: Vec<String> = addresses(&about).into_iter().filter(|a| a.starts_with('/')).collect();
    assert_eq!(ours, ["/eastfield/news/", "/eastfield/news/second/#details", "/eastfield/logo.svg"], "{about}");
    // Each address answers on a static host serving `host/` at its root.
    for address in &ours {
        let path = address.split('#').next().unwrap().trim_start_matches('/');
        let file = if path.ends_with('/') { host.path().join(path).join("index.html") } else { host.path().join(path) };
        assert!(file.is_file(), "{address} does not answer: no {}", file.display());
    }
    site.run(&["check"]).success();
}

#[test]
fn check_reports_a_root_relative_link_that_leaves_the_sub_path() {
    let site = sub_path_site();
    site.write(
        "templates/page.html",
        "<html><body><a href=\"/contact/\">Contact</a>{{ page.content | safe }}</body></html>",
    );
    let run = site.run(&["check"]).failure();
    assert!(
        run.stderr.contains("/contact/: outside the site, which lives at https://user.github.io/eastfield/"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("templates/page.html"), "{}", run.stderr);
    assert!(run.stderr.contains("/eastfield/contact/"), "the help shows the fix: {}", run.stderr);
}

#[test]
fn relative_urls_under_a_sub_path_stay_inside_the_site() {
    let site = sub_path_site();
    site.run(&["build", "--relative-urls"]).success();
    let about = site.output("about/index.html");
    for address in addresses(&about).iter().filter(|a| !a.starts_with("http")) {
        assert!(!address.starts_with('/'), "{address} in {about}");
        let path = address.split(['#', '?']).next().unwrap();
        let target = Path::new(&site.public().join("about")).join(path);
        let file = if path.ends_with('/') || path.is_empty() { target.join("index.html") } else { target };
        assert!(file.exists(), "{address} from /about/ does not exist: {}", file.display());
    }
}
