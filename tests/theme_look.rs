//! Changing the commons theme's look without copying it: colours and
//! stylesheets from config.toml (checked where they are written), a logo,
//! and a site template that extends the theme's and overrides one block.

mod common;

use common::Site;

fn site(extra: &str) -> Site {
    let site = Site::new(&[
        (
            "config.toml",
            &format!("title = \"T\"\nbase_url = \"https://t.example\"\ntheme = \"commons\"\n\n[extra]\n{extra}"),
        ),
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
        ("content/news/_index.md", "+++\ntitle = \"News\"\n+++\n"),
        ("content/news/a.md", "+++\ntitle = \"A\"\ndate = 2026-01-01\n+++\nx\n"),
        ("static/custom.css", ".site-header { border: 0 }"),
        ("static/logo.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
    ]);
    site.copy_commons_theme();
    site
}

#[test]
fn colours_stylesheets_and_logo_reach_every_page() {
    let site =
        site("accent = \"#2f6f3e\"\nlink = \"darkgreen\"\nstylesheets = [\"custom.css\"]\nlogo = \"logo.svg\"\n");
    site.run(&["build"]).success();
    for page in ["index.html", "news/a/index.html", "404.html"] {
        let html = site.output(page);
        assert!(html.contains("<style>:root { --accent: #2f6f3e; --link: darkgreen; }</style>"), "{page}: {html}");
        let theme_css = html.find("commons.css").unwrap();
        let own_css = html.find("custom.css?h=").expect("the site's stylesheet, cache-busted");
        assert!(own_css > theme_css, "{page}: the site's stylesheet comes after the theme's");
        assert!(html.contains("logo.svg"), "{page}");
    }
}

#[test]
fn a_colour_or_file_that_is_wrong_is_one_error_at_its_line() {
    let run = site("accent = \"dark green\"\n").run(&["build"]).failure();
    assert!(run.stderr.contains("config.toml:6:1: [extra] accent = \"dark green\" is not a colour"), "{}", run.stderr);
    assert!(run.stderr.contains("accent = \"darkgreen\""), "the help gives the fix: {}", run.stderr);
    let run = site("text = \"#12345\"\n").run(&["build"]).failure();
    assert!(run.stderr.contains("[extra] text = \"#12345\" is not a colour"), "{}", run.stderr);
    let run = site("stylesheets = [\"missing.css\"]\n").run(&["build"]).failure();
    assert!(
        run.stderr.contains("config.toml:6:1: [extra] stylesheets: \"missing.css\" is not a file in static/"),
        "{}",
        run.stderr
    );
    let run = site("logo = \"logo.png\"\n").run(&["check"]).failure();
    assert!(run.stderr.contains("[extra] logo: \"logo.png\" is not a file in static/"), "{}", run.stderr);
    assert_eq!(run.stderr.matches("error:").count(), 1, "{}", run.stderr);
}

#[test]
fn a_site_template_extends_the_themes_and_overrides_one_block() {
    let site = site("");
    site.write(
        "templates/base.html",
        "{% extends \"commons/base.html\" %}\n{% block head %}<meta name=\"x-branch\" content=\"ours\">{% endblock head %}\n",
    );
    site.run(&["build"]).success();
    for page in ["index.html", "news/index.html", "news/a/index.html"] {
        let html = site.output(page);
        assert!(html.contains("<meta name=\"x-branch\" content=\"ours\">"), "{page}");
        assert!(html.contains("class=\"site-header\""), "{page} keeps the theme's layout");
    }
    // Zola's spelling of the same.
    site.write(
        "templates/base.html",
        "{% extends \"commons/templates/base.html\" %}\n{% block head %}<meta name=\"x-z\">{% endblock head %}\n",
    );
    site.run(&["build"]).success();
    assert!(site.output("news/a/index.html").contains("<meta name=\"x-z\">"));
}
