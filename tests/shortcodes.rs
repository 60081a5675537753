//! Shortcodes through the CLI (issue 12, part 2): Zola's and Hugo's call
//! syntax, the commons theme's shortcodes, errors located in the file, and
//! shortcode output going through anchors, the table of contents and `@/`
//! links like the rest of the page.

mod common;

use common::Site;

/// A site made by `branchpress init` (so the commons theme and its
/// shortcodes are the embedded copy) with `files` added.
fn commons_site(files: &[(&str, &str)]) -> Site {
    let site = Site::new(&[]);
    site.run(&["init", "."]).success();
    for (path, text) in files {
        site.write(path, text);
    }
    site
}

/// The page's article content (between the theme's content markers).
fn content(html: &str) -> &str {
    let start = html.find("<div class=\"content\">").expect("content start");
    let end = html[start..].find("</article>").expect("content end") + start;
    &html[start..end]
}

#[test]
fn the_commons_shortcodes_render_without_third_party_requests() {
    let site = commons_site(&[(
        "content/guides/hall/index.md",
        "+++\ntitle = \"The hall\"\n+++\n## Before\n\n## Also before\n\nIntro {{ button(url=\"/join/\", text=\"Join us\") }} inline.\n\n\
{{ figure(image=\"hall.svg\", alt=\"The hall, set up\", caption=\"Weir Lane [hall]\", credit=\"Photo: Sam\") }}\n\n\
{{ youtube(id=\"abc123\", title=\"How it works\") }}\n\n\
{{ video(src=\"/media/m.mp4\", title=\"Meeting\") }}\n\n\
{{ video(url=\"https://vimeo.com/1\", title=\"Our year\") }}\n\n\
{% notice(type=\"warning\") %}\n## Bring ID\n\nThe hall asks for a **photo ID**, see [the news](@/news/_index.md).\n{% end %}\n\n\
{% details(summary=\"What if I cannot come?\") %}Tell the *rota lead*.{% end %}\n\n\
{{ map(address=\"Weir Lane Hall, Riverside\") }}\n\n{{ map(lat=51.5, lon=-0.12, label=\"The garden\") }}\n",
    )]);
    site.write("content/guides/hall/hall.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
    site.write("content/news/_index.md", "+++\ntitle = \"News\"\n+++\n");
    site.run(&["build"]).success();
    let html = site.output("guides/hall/index.html");
    let body = content(&html);
    assert!(body.contains("<a class=\"button\" href=\"/join/\">Join us</a> inline."), "{body}");
    // figure: a Markdown image (path as a Markdown image's), caption and credit.
    assert!(
        body.contains("<figure class=\"figure\">\n<p><img src=\"hall.svg\" alt=\"The hall, set up\" /></p>"),
        "{body}"
    );
    assert!(body.contains("<figcaption>Weir Lane [hall] <span class=\"figure-credit\">Photo: Sam</span></figcaption>"));
    // Videos: a plain link to the video's page; nothing embedded from the host.
    assert!(body.contains("href=\"https://www.youtube.com/watch?v=abc123\">Watch “How it works” on YouTube</a>"));
    assert!(body.contains("href=\"https://vimeo.com/1\">Watch “Our year”</a>"));
    assert!(body.contains("<video controls preload=\"none\" src=\"/media/m.mp4\""), "{body}");
    for embedded in ["<iframe", "<script", "youtube-nocookie", "i.ytimg.com", "<img src=\"http"] {
        assert!(!body.contains(embedded), "{embedded}: {body}");
    }
    // notice: its Markdown body is rendered; its heading has an anchor and is in the toc.
    assert!(body.contains("<aside class=\"notice notice-warning\" aria-label=\"Warning\">"), "{body}");
    assert!(body.contains("<h2 id=\"bring-id\">Bring ID <a class=\"anchor\" href=\"#bring-id\""), "{body}");
    assert!(body.contains("<strong>photo ID</strong>, see <a href=\"https://example.org/news/\">"), "{body}");
    let toc = &html[html.find("<nav class=\"toc\"").expect("a table of contents")..];
    assert!(toc[..toc.find("</nav>").unwrap()].contains("href=\"#bring-id\">Bring ID</a>"), "toc: {toc}");
    assert!(body.contains(
        "<details class=\"details\">\n<summary>What if I cannot come?</summary>\n<p>Tell the <em>rota lead</em>.</p>"
    ));
    assert!(body.contains("href=\"https://www.openstreetmap.org/search?query=Weir%20Lane%20Hall%2C%20Riverside\""));
    assert!(
        body.contains(
            "href=\"https://www.openstreetmap.org/?mlat=51.5&amp;mlon=-0.12#map=17/51.5/-0.12\">The garden</a>"
        )
    );
    // `check` follows the links shortcodes write, and names the line of the call.
    let check = site.run(&["check"]).failure();
    assert!(check.stderr.contains("hall/index.md:8: /join/: no page at /join/"), "{}", check.stderr);
    assert!(check.stderr.contains("hall/index.md:14: /media/m.mp4: no file"), "{}", check.stderr);
    site.write("content/join.md", "+++\ntitle = \"Join\"\n+++\n");
    site.write("static/media/m.mp4", "not really a video");
    let check = site.run(&["check"]).success();
    assert!(!check.stderr.contains("error"), "{}", check.stderr);
}

#[test]
fn hugo_content_works_with_templates_of_the_same_names() {
    let site = commons_site(&[
        ("templates/shortcodes/pageref.html", "<a href=\"{{ args | first }}\">{{ text | default(value=\"see\") }}</a>"),
        ("templates/shortcodes/highlight.html", "<pre class=\"hl\">{{ body }}</pre>"),
        (
            "content/h.md",
            "---\ntitle: Hugo\n---\n{{< youtube w7Ft2ymGmfc >}}\n\n{{% notice info %}}\nA *Markdown* body.\n{{% /notice %}}\n\n\
Read {{< pageref \"/about/\" text=\"about us\" >}} now.\n\n{{< highlight >}}a < b{{< /highlight >}}\n\n{{< figure src=\"/images/x.png\" alt=\"X\" attr=\"Photo: Al\" >}}\n\n\
See [the news]({{< relref \"/news\" >}}) and [this]({{< ref \"h.md#top\" >}}).\n",
        ),
        ("content/news/_index.md", "---\ntitle: News\n---\n"),
    ]);
    let run = site.run(&["build"]).success();
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    let html = site.output("h/index.html");
    let body = content(&html);
    assert!(body.contains("href=\"https://www.youtube.com/watch?v=w7Ft2ymGmfc\""), "{body}");
    assert!(body.contains("<p>A <em>Markdown</em> body.</p>"), "{body}");
    assert!(body.contains("Read <a href=\"/about/\">about us</a> now."), "{body}");
    assert!(body.contains("<pre class=\"hl\">a &lt; b</pre>"), "{body}");
    assert!(body.contains("<img src=\"/images/x.png\" alt=\"X\" />") && body.contains("Photo: Al"), "{body}");
    // Hugo's built-in ref and relref write a content file's address.
    assert!(body.contains("See <a href=\"https://example.org/news/\">the news</a> and <a href=\"https://example.org/h/#top\">this</a>."), "{body}");
}

#[test]
fn code_and_escapes_are_left_alone() {
    let site = commons_site(&[(
        "content/c.md",
        "+++\ntitle = \"Code\"\n+++\nInline `{{ nope() }}`.\n\n```\n{{< nope >}}\n{% nope() %}x{% end %}\n```\n\nEscaped: {{/* button(url=\"/x/\") */}} and {{</* youtube abc */>}}.\n",
    )]);
    site.run(&["build"]).success();
    let body = site.output("c/index.html");
    assert!(body.contains("<code>{{ nope() }}</code>"), "{body}");
    assert!(body.contains("{{&lt; nope &gt;}}\n{% nope() %}x{% end %}"), "{body}");
    assert!(body.contains("Escaped: {{ button(url=“/x/”) }} and {{&lt; youtube abc &gt;}}."), "{body}");
}

#[test]
fn an_unknown_or_broken_shortcode_is_located_and_lists_the_shortcodes() {
    let site = commons_site(&[
        ("content/a.md", "+++\ntitle = \"A\"\n+++\nFirst line.\n\nSee {{ galery(dir=\"x\") }} here.\n"),
        ("content/b.md", "---\ntitle: B\n---\n{{< notice >}}never closed\n\n{{< youtub abc >}}\n"),
        ("content/c.md", "+++\ntitle = \"C\"\n+++\n{% details(summary=\"x\") %}no end\n"),
    ]);
    let run = site.run(&["build"]).failure();
    assert!(run.stderr.contains("a.md:6:5: unknown shortcode `galery`"), "{}", run.stderr);
    assert!(
        run.stderr.contains("the shortcodes are: button, details, figure, map, notice, video, youtube"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("b.md:6:1: unknown shortcode `youtub`"), "{}", run.stderr);
    assert!(run.stderr.contains("c.md:4:1: the shortcode `details` has a body but no `{% end %}`"), "{}", run.stderr);
}

#[test]
fn a_site_shortcode_overrides_the_themes_and_md_output_is_markdown() {
    let site = commons_site(&[
        ("templates/shortcodes/button.html", "<a class=\"mine\" href=\"{{ url }}\">{{ text }}</a>"),
        ("templates/shortcodes/section_links.md", "## Also read\n\n[{{ text }}](@/{{ target }})\n"),
        ("content/news/_index.md", "+++\ntitle = \"News\"\n+++\n"),
        (
            "content/b.md",
            "+++\ntitle = \"B\"\n+++\n{{ button(url=\"/join/\", text=\"Join\") }}\n\n{{ section_links(text=\"News\", target=\"news/_index.md\") }}\n\n{{ section_links(text=\"Gone\", target=\"missing.md\") }}\n",
        ),
    ]);
    let run = site.run(&["build"]).failure();
    // The @/ link inside a shortcode's Markdown is checked like any other.
    assert!(run.stderr.contains("points to `content/missing.md`, which does not exist"), "{}", run.stderr);
    site.write(
        "content/b.md",
        "+++\ntitle = \"B\"\n+++\n{{ button(url=\"/join/\", text=\"Join\") }}\n\n{{ section_links(text=\"News\", target=\"news/_index.md\") }}\n",
    );
    site.run(&["build"]).success();
    let body = site.output("b/index.html");
    assert!(body.contains("<a class=\"mine\" href=\"/join/\">Join</a>"), "{body}");
    assert!(body.contains("<h2 id=\"also-read\">"), "{body}");
    assert!(body.contains("<a href=\"https://example.org/news/\">News</a>"), "{body}");
}

#[test]
fn hugos_built_in_highlight_is_a_highlighted_code_block() {
    let site = commons_site(&[(
        "content/code.md",
        "---\ntitle: Code\n---\n{{< highlight toml >}}\ntitle = \"x\"\n{{< /highlight >}}\n",
    )]);
    site.run(&["build"]).success();
    let body = site.output("code/index.html");
    assert!(body.contains("<pre class=\"code\" data-lang=\"toml\"><code class=\"language-toml\">"), "{body}");
    assert!(body.contains("class=\"hl-"), "highlighted: {body}");
}
