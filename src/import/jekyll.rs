//! `branchpress import jekyll`: a Jekyll site folder to a new site.
//!
//! `_posts/YYYY-MM-DD-slug.md` go to `content/news/slug.md` (date from the
//! file name unless the front matter has one), `_drafts/` become drafts,
//! Markdown pages keep their place under `content/`, files without front
//! matter are static files. Each post's old URL (from `permalink`) is kept as
//! an alias. Liquid `{% highlight %}` becomes a fenced code block; other
//! Liquid tags are reported.

use std::path::Path;

use serde_json::Value as Json;

use super::peer::{self, Mapping, SourceFile, json_list, json_text};
use super::site::{ImportedPage, SiteSettings};
use super::{Plan, files_under};
use crate::error::Result;

/// Folders and files of a Jekyll site that are tooling, not content.
const NOT_CONTENT: &[&str] = &["Gemfile", "Gemfile.lock", "node_modules", "vendor", "README.md", "LICENSE"];

/// Reads the site at `source` and plans the new one.
pub fn plan(source: &Path) -> Result<Plan> {
    let mut plan = Plan::default();
    let config_file = source.join("_config.yml");
    let config = if config_file.is_file() { peer::read_config(&config_file)? } else { Json::Null };
    let mut settings = SiteSettings::default();
    settings.title = config.get("title").map(json_text).unwrap_or(settings.title);
    settings.description = config.get("description").map(json_text).unwrap_or_default();
    let url = format!(
        "{}{}",
        config.get("url").map(json_text).unwrap_or_default(),
        config.get("baseurl").map(json_text).unwrap_or_default()
    );
    settings.set_base_url(&url, &mut plan, "_config.yml `url`");
    let permalink = config.get("permalink").map(json_text).unwrap_or_else(|| "date".into());
    settings.menu.push(("News".into(), "news/".into()));
    for (rel, path) in files_under(source) {
        let first = rel.split('/').next().unwrap_or("");
        if first == "_posts" || first == "_drafts" {
            import_post(&mut plan, &settings, &permalink, &rel, &path)?;
        } else if !first.starts_with('_') && !NOT_CONTENT.contains(&first) {
            import_other(&mut plan, &mut settings, &rel, &path)?;
        } else if first != "_config.yml" && first != "_site" {
            plan.needs_human(format!("{rel}: Jekyll's own file (layouts, includes, data, sass): not imported"));
        }
    }
    settings.menu.push(("Tags".into(), "tags/".into()));
    plan.add_text("config.toml", settings.to_config_toml());
    if !plan.files.iter().any(|f| f.path == "content/_index.md") {
        plan.add_text("content/_index.md", super::site::home_page(&settings));
    }
    plan.add_text("content/news/_index.md", super::site::NEWS_SECTION.into());
    plan.add_text("static/.keep", String::new());
    Ok(plan)
}

/// A post or draft: `YYYY-MM-DD-slug.md`.
fn import_post(plan: &mut Plan, settings: &SiteSettings, permalink: &str, rel: &str, path: &Path) -> Result<()> {
    let Some(source) = page_source(plan, rel, path)? else { return Ok(()) };
    let stem = Path::new(rel).file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let (date, name) = match stem.get(..11) {
        Some(prefix) if stem.len() > 11 && prefix.get(..10).is_some_and(|d| d.parse::<jiff::civil::Date>().is_ok()) => {
            (&stem[..10], &stem[11..])
        }
        _ => ("", stem.as_str()),
    };
    let slug = crate::base::urls::slugify(name);
    let file = format!("news/{slug}.md");
    let mut page = ImportedPage { file: file.clone(), ..ImportedPage::default() };
    page.set_date("date", date);
    peer::map_keys(&mut page, &source, &Mapping { source_name: rel, taxonomies: &settings.taxonomies }, plan);
    if rel.starts_with("_drafts/") {
        page.front_matter.insert("draft".into(), true.into());
    } else if !source.keys.contains_key("permalink") && !date.is_empty() {
        let categories = source.keys.get("categories").map(json_list).unwrap_or_default();
        let old = post_url(permalink, date, &slug, &categories);
        page.add_alias(old);
    }
    page.remove_alias(&format!("/news/{slug}/"));
    page.body = convert_body(plan, rel, &source.body, path);
    plan.converted(format!("content/{file}: from {rel}"));
    plan.add_text(format!("content/{file}"), page.to_markdown());
    Ok(())
}

/// A page (Markdown or HTML with front matter) or a static file.
fn import_other(plan: &mut Plan, settings: &mut SiteSettings, rel: &str, path: &Path) -> Result<()> {
    let ext = Path::new(rel).extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    if !matches!(ext.as_str(), "md" | "markdown" | "html") {
        plan.add_copy(format!("static/{rel}"), path.to_path_buf());
        return Ok(());
    }
    let Some(source) = page_source(plan, rel, path)? else {
        plan.add_copy(format!("static/{rel}"), path.to_path_buf());
        return Ok(());
    };
    let stem = rel.rsplit_once('.').map_or(rel, |(s, _)| s);
    let is_home = stem == "index";
    let file = if is_home { "_index.md".to_owned() } else { format!("{}.md", stem.trim_end_matches("/index")) };
    let mut page = ImportedPage { file: file.clone(), ..ImportedPage::default() };
    peer::map_keys(&mut page, &source, &Mapping { source_name: rel, taxonomies: &settings.taxonomies }, plan);
    if is_home {
        page.front_matter.retain(|k, _| matches!(k, "title" | "description" | "extra"));
        // Pages at the top are undated: listed by weight, not by date.
        page.front_matter.insert("sort_by".into(), "weight".into());
    } else {
        let title = page.front_matter.get("title").and_then(|t| t.as_str()).unwrap_or(stem).to_owned();
        settings.menu.push((title, format!("{}/", file.trim_end_matches(".md"))));
        if !stem.ends_with("index") {
            page.add_alias(format!("/{stem}.html"));
        }
        page.remove_alias(&format!("/{}/", file.trim_end_matches(".md")));
    }
    page.body = convert_body(plan, rel, &source.body, path);
    plan.converted(format!("content/{file}: from {rel}"));
    plan.add_text(format!("content/{file}"), page.to_markdown());
    Ok(())
}

/// The front matter and body, or None (with a note) for a file Jekyll would
/// copy as it is.
fn page_source(plan: &mut Plan, rel: &str, path: &Path) -> Result<Option<SourceFile>> {
    let source = peer::read(path)?;
    if source.is_none() && !rel.starts_with('_') {
        return Ok(None);
    }
    if source.is_none() {
        plan.needs_human(format!("{rel}: no front matter, so Jekyll would not publish it; not imported"));
    }
    Ok(source)
}

/// The body as Markdown: HTML pages converted, Liquid tags handled.
fn convert_body(plan: &mut Plan, rel: &str, body: &str, path: &Path) -> String {
    let body = convert_liquid(plan, rel, body);
    if path.extension().is_some_and(|e| e == "html") {
        return super::html_to_markdown::convert(&body).unwrap_or_else(|reason| {
            plan.needs_human(format!("{rel}: {reason}; kept as HTML"));
            body
        });
    }
    body
}

/// `{% highlight lang %}…{% endhighlight %}` to a fenced block; any other
/// Liquid tag (`{% include %}`, `{% if %}`, `{{ site.x }}`) is shown as inline
/// code, so a reader sees it and it cannot be taken for a shortcode, and
/// reported.
fn convert_liquid(plan: &mut Plan, rel: &str, body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    let mut others = Vec::new();
    while let Some(at) = rest.find("{%") {
        out.push_str(&rest[..at]);
        let Some(end) = rest[at..].find("%}").map(|e| at + e + 2) else {
            rest = &rest[at..];
            break;
        };
        let tag = rest[at + 2..end - 2].trim();
        if let Some(lang) = tag.strip_prefix("highlight") {
            let code_end = rest[end..].find("{% endhighlight %}").map_or(rest.len(), |e| end + e);
            let lang = lang.split_whitespace().next().unwrap_or("");
            out.push_str(&format!("```{lang}\n{}\n```", rest[end..code_end].trim_matches('\n')));
            rest = &rest[(code_end + "{% endhighlight %}".len()).min(rest.len())..];
            continue;
        }
        others.push(tag.split_whitespace().next().unwrap_or("").to_owned());
        out.push_str(&format!("`{{% {tag} %}}`"));
        rest = &rest[end..];
    }
    out.push_str(rest);
    if !others.is_empty() {
        plan.needs_human(format!("{rel}: Liquid tags left as inline code: {}", others.join(", ")));
    }
    if out.contains("{{") {
        plan.needs_human(format!("{rel}: Liquid `{{{{ … }}}}` output tags left as text"));
    }
    out
}

/// A post's URL under Jekyll's `permalink` setting (a named style or a
/// pattern of `:year`, `:month`, `:day`, `:title`, `:categories`...).
fn post_url(permalink: &str, date: &str, slug: &str, categories: &[String]) -> String {
    let pattern = match permalink {
        "date" => "/:categories/:year/:month/:day/:title.html",
        "pretty" => "/:categories/:year/:month/:day/:title/",
        "ordinal" => "/:categories/:year/:y_day/:title.html",
        "none" => "/:categories/:title.html",
        other => other,
    };
    let cats: Vec<String> = categories.iter().map(|c| crate::base::urls::slugify(c)).collect();
    let url = pattern
        .replace(":categories", &cats.join("/"))
        .replace(":year", &date[..4])
        .replace(":month", &date[5..7])
        .replace(":day", &date[8..10])
        .replace(":title", slug)
        .replace(":slug", slug)
        .replace(":output_ext", ".html");
    let mut clean = String::from("/");
    clean.push_str(&url.split('/').filter(|s| !s.is_empty()).collect::<Vec<_>>().join("/"));
    if url.ends_with('/') {
        clean.push('/');
    }
    clean
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn post_urls_follow_the_permalink_setting() {
        let cats = vec!["Local News".to_owned()];
        assert_eq!(post_url("date", "2024-03-14", "x", &cats), "/local-news/2024/03/14/x.html");
        assert_eq!(post_url("pretty", "2024-03-14", "x", &[]), "/2024/03/14/x/");
        assert_eq!(post_url("/blog/:year/:title/", "2024-03-14", "x", &[]), "/blog/2024/x/");
    }

    #[test]
    fn highlight_becomes_a_fence_and_includes_are_reported() {
        let mut plan = Plan::default();
        let out = convert_liquid(
            &mut plan,
            "a.md",
            "A\n{% highlight ruby %}\nputs 1\n{% endhighlight %}\n{% include map.html %}\n",
        );
        assert!(out.contains("```ruby\nputs 1\n```"), "{out}");
        assert!(out.contains("`{% include map.html %}`"), "{out}");
        assert_eq!(plan.report.needs_human.len(), 1);
    }
}
