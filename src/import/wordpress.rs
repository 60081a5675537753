//! `branchpress import wordpress`: a WXR export to a new site.
//!
//! Posts go to `content/news/`, pages to `content/`; each keeps its old
//! addresses as aliases; uploads are linked from `/media/…` (the
//! `wp-content/uploads/` layout kept) and copied from `--media DIR`.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::site::{ImportedPage, SiteSettings, alias_of_old_address};
use super::wp_shortcodes::{self, ShortcodeCounts};
use super::wxr::{Channel, Item};
use super::{Plan, html_to_markdown};
use crate::error::Result;

/// What every post's conversion needs to know about the whole export.
struct Context {
    base_url: String,
    /// Uploads referenced by any post, as paths under `uploads/`.
    media_used: RefCell<BTreeSet<String>>,
    shortcodes: RefCell<ShortcodeCounts>,
    /// File names already given, to keep them unique.
    taken: RefCell<BTreeSet<String>>,
}

/// Reads the export at `source` and plans the site.
pub fn plan(source: &Path, media: Option<&Path>) -> Result<Plan> {
    let text = super::read_text(source)?;
    let channel = super::wxr::read(source, &text)?;
    let mut plan = Plan::default();
    let mut settings = SiteSettings { title: channel.title.trim().to_owned(), ..SiteSettings::default() };
    settings.description = channel.description.trim().to_owned();
    settings.set_base_url(&channel.link, &mut plan, "the export's <link>");
    if let Some(lang) = channel.language.split('-').next().filter(|l| !l.is_empty()) {
        settings.language = lang.to_ascii_lowercase();
    }
    let cx = Context {
        base_url: settings.base_url.clone(),
        media_used: RefCell::default(),
        shortcodes: RefCell::default(),
        taken: RefCell::new(["news", "tags", "categories", "media"].map(String::from).into()),
    };
    settings.menu.push(("News".into(), "news/".into()));
    for item in &channel.items {
        import_item(&mut plan, &cx, &mut settings, item);
    }
    settings.menu.push(("Tags".into(), "tags/".into()));
    report_skipped(&mut plan, &channel);
    report_shortcodes(&mut plan, &cx.shortcodes.borrow());
    plan_media(&mut plan, &channel, &cx.media_used.borrow(), media);
    plan.add_text("config.toml", settings.to_config_toml());
    plan.add_text("content/_index.md", super::site::home_page(&settings));
    plan.add_text("content/news/_index.md", super::site::NEWS_SECTION.into());
    plan.add_text("static/.keep", String::new());
    Ok(plan)
}

/// Converts one post or page; other item types are counted by [`report_skipped`].
fn import_item(plan: &mut Plan, cx: &Context, settings: &mut SiteSettings, item: &Item) {
    let is_post = item.post_type == "post";
    if !(is_post || item.post_type == "page") || matches!(item.status.as_str(), "trash" | "auto-draft" | "inherit") {
        return;
    }
    let slug = unique_slug(cx, item);
    let file = if is_post { format!("news/{slug}.md") } else { format!("{slug}.md") };
    let new_path = if is_post { format!("/news/{slug}/") } else { format!("/{slug}/") };
    let mut page = ImportedPage { file: file.clone(), ..ImportedPage::default() };
    set_front_matter(&mut page, item);
    if item.title.trim().is_empty() {
        page.set_text("title", &format!("Untitled ({})", item.post_id));
        plan.needs_human(format!("content/{file}: had no title; it is called \"Untitled ({})\"", item.post_id));
    }
    let draft = !matches!(item.status.as_str(), "publish");
    if draft {
        page.front_matter.insert("draft".into(), true.into());
        plan.converted(format!("content/{file}: kept as a draft (it was `{}` in WordPress)", item.status));
    } else if !is_post && item.post_parent.trim_start_matches('0').is_empty() {
        settings.menu.push((item.title.trim().to_owned(), format!("{slug}/")));
    }
    add_aliases(plan, cx, &mut page, item, &new_path);
    page.body = convert_body(plan, cx, &file, &item.content);
    plan.converted(format!("content/{file}: {} \"{}\"", item.post_type, item.title.trim()));
    plan.add_text(format!("content/{file}"), page.to_markdown());
}

/// Title, dates, author, excerpt and terms.
fn set_front_matter(page: &mut ImportedPage, item: &Item) {
    page.set_text("title", &item.title);
    let date = wordpress_date(&item.post_date_gmt, true).or_else(|| wordpress_date(&item.post_date, false));
    if let Some(date) = &date {
        page.set_date("date", date);
    }
    if let Some(updated) = wordpress_date(&item.modified_gmt, true).filter(|u| Some(u) != date.as_ref()) {
        page.set_date("updated", &updated);
    }
    if !item.creator.trim().is_empty() {
        page.front_matter.insert("authors".into(), toml::Value::Array(vec![item.creator.trim().into()]));
    }
    let excerpt = html_to_markdown::plain_text(&item.excerpt);
    page.set_text("description", &excerpt);
    let mut terms: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (domain, name) in &item.terms {
        let taxonomy = match domain.as_str() {
            "category" if name != "Uncategorized" => "categories",
            "post_tag" => "tags",
            _ => continue,
        };
        terms.entry(taxonomy.into()).or_default().push(name.clone());
    }
    page.set_taxonomies(terms);
}

/// `2024-03-14 10:00:00` as TOML's `2024-03-14T10:00:00` (with `Z` for GMT
/// dates); None for WordPress's "no date", `0000-00-00 00:00:00`.
fn wordpress_date(text: &str, gmt: bool) -> Option<String> {
    let text = text.trim();
    if text.is_empty() || text.starts_with("0000") {
        return None;
    }
    let iso = text.replacen(' ', "T", 1);
    Some(if gmt && iso.len() == 19 { format!("{iso}Z") } else { iso })
}

/// The slug WordPress gave, else one from the title, else `post-ID`; made
/// unique among the new site's files.
fn unique_slug(cx: &Context, item: &Item) -> String {
    let decoded = percent_encoding::percent_decode_str(item.post_name.trim()).decode_utf8_lossy().into_owned();
    let mut slug = crate::base::urls::slugify(&decoded);
    if slug.is_empty() {
        slug = crate::base::urls::slugify(&item.title);
    }
    if slug.is_empty() {
        slug = format!("post-{}", item.post_id.trim());
    }
    let mut taken = cx.taken.borrow_mut();
    if taken.contains(&slug) {
        slug = format!("{slug}-{}", item.post_id.trim());
    }
    taken.insert(slug.clone());
    slug
}

/// The old addresses as aliases: the post's `<link>` and, for a dated post,
/// `/YYYY/MM/slug/` (WordPress's common "month and name" permalinks).
/// `/?p=123` cannot be a static file: it is reported with its new address.
fn add_aliases(plan: &mut Plan, cx: &Context, page: &mut ImportedPage, item: &Item, new_path: &str) {
    let mut old = vec![item.link.trim().to_owned()];
    let name = item.post_name.trim();
    if item.post_type == "post"
        && !name.is_empty()
        && let Some(date) = wordpress_date(&item.post_date, false)
        && let (Some(year), Some(month)) = (date.get(..4), date.get(5..7))
    {
        old.push(format!("/{year}/{month}/{name}/"));
    }
    for address in old {
        if let Some(alias) = alias_of_old_address(&address, &cx.base_url).filter(|a| a != new_path) {
            page.add_alias(alias);
        }
    }
    if !item.post_id.trim().is_empty() {
        plan.needs_human(format!(
            "content/{}: the old address /?p={} cannot be a static page; ask your host to redirect it to {new_path}",
            page.file,
            item.post_id.trim()
        ));
    }
}

/// The HTML body as Markdown: shortcodes converted, addresses on the old
/// site made site paths, uploads pointed at `/media/`.
fn convert_body(plan: &mut Plan, cx: &Context, file: &str, html: &str) -> String {
    let html = crate::html::rewrite_urls(html, |url| rewrite_address(cx, url));
    let (html, calls) = wp_shortcodes::convert(&html, &mut cx.shortcodes.borrow_mut());
    let markdown = match html_to_markdown::convert(&html) {
        Ok(markdown) => markdown,
        Err(reason) => {
            plan.needs_human(format!("content/{file}: {reason}; its plain text was kept, without formatting"));
            html_to_markdown::plain_text(&html)
        }
    };
    wp_shortcodes::restore(&markdown, &calls)
}

/// An address of the old site as a site path (`/media/…` for uploads).
fn rewrite_address(cx: &Context, url: &str) -> Option<String> {
    let path = url.strip_prefix(cx.base_url.as_str()).filter(|p| p.starts_with('/')).unwrap_or(url);
    if !path.starts_with('/') || path.starts_with("//") {
        return None;
    }
    if let Some(upload) = upload_path(path) {
        cx.media_used.borrow_mut().insert(upload.clone());
        return Some(format!("/media/{upload}"));
    }
    (path.len() != url.len()).then(|| path.to_owned())
}

/// `…/wp-content/uploads/2024/03/x.jpg` -> `2024/03/x.jpg`, when every
/// segment is safe as a file name.
fn upload_path(url: &str) -> Option<String> {
    let (_, rest) = url.split_once("/wp-content/uploads/")?;
    let rest = rest.split(['?', '#']).next().unwrap_or("");
    let safe = !rest.is_empty()
        && rest
            .split('/')
            .all(|s| crate::base::urls::is_safe_segment(&percent_encoding::percent_decode_str(s).decode_utf8_lossy()));
    safe.then(|| rest.to_owned())
}

/// Attachments and uploads used by posts: copied from `media` when given,
/// else listed for the editor to download.
fn plan_media(plan: &mut Plan, channel: &Channel, used: &BTreeSet<String>, media: Option<&Path>) {
    let mut wanted = used.clone();
    wanted.extend(
        channel.items.iter().filter(|i| i.post_type == "attachment").filter_map(|i| upload_path(&i.attachment_url)),
    );
    let root = media.map(uploads_root);
    for upload in wanted {
        let file_name = percent_encoding::percent_decode_str(&upload).decode_utf8_lossy().into_owned();
        let target = format!("static/media/{file_name}");
        match &root {
            Some(root) if root.join(&file_name).is_file() => {
                plan.add_copy(target.clone(), root.join(&file_name));
                plan.converted(format!("{target}: copied from the media folder"));
            }
            Some(root) => plan.needs_human(format!(
                "{target}: not found in {}; copy it there by hand (pages link to /media/{upload})",
                root.display()
            )),
            None => plan.needs_human(format!(
                "{target}: download wp-content/uploads/{upload} from the old site, or import again with --media"
            )),
        }
    }
}

/// The folder holding `2024/03/x.jpg`: `DIR/wp-content/uploads`,
/// `DIR/uploads` or `DIR` itself, whichever the editor downloaded.
fn uploads_root(dir: &Path) -> PathBuf {
    ["wp-content/uploads", "uploads"]
        .iter()
        .map(|p| dir.join(p))
        .find(|p| p.is_dir())
        .unwrap_or_else(|| dir.to_path_buf())
}

/// Items that are neither posts, pages nor attachments (menus, revisions,
/// custom types), and trashed ones.
fn report_skipped(plan: &mut Plan, channel: &Channel) {
    let mut skipped: BTreeMap<&str, usize> = BTreeMap::new();
    for item in &channel.items {
        let kept = matches!(item.post_type.as_str(), "post" | "page" | "attachment");
        if !kept || matches!(item.status.as_str(), "trash" | "auto-draft") && item.post_type != "attachment" {
            let kind = if kept { item.status.as_str() } else { item.post_type.as_str() };
            *skipped.entry(kind).or_default() += 1;
        }
    }
    let comments: usize = channel.items.iter().map(|i| i.comments).sum();
    if comments > 0 {
        plan.needs_human(format!(
            "the export: {comments} comment(s) were not imported (a static site has no comments)"
        ));
    }
    for (kind, count) in skipped {
        plan.needs_human(format!("the export: {count} item(s) of type `{kind}` were not imported"));
    }
}

fn report_shortcodes(plan: &mut Plan, counts: &ShortcodeCounts) {
    for (name, count) in &counts.converted {
        let to = if name.contains("caption") { "an image and an italic caption line" } else { "a plain link" };
        plan.converted(format!("[{name}] shortcodes: {count}, each written as {to}"));
    }
    for (name, count) in &counts.left {
        plan.needs_human(format!("[{name}] shortcodes: {count} left as text in the pages; replace them by hand"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_uploads() {
        assert_eq!(wordpress_date("2024-03-14 10:00:00", true).as_deref(), Some("2024-03-14T10:00:00Z"));
        assert_eq!(wordpress_date("0000-00-00 00:00:00", true), None);
        assert_eq!(
            upload_path("https://x.org/wp-content/uploads/2024/03/a%20b.jpg?v=1").as_deref(),
            Some("2024/03/a%20b.jpg")
        );
        assert_eq!(upload_path("https://x.org/wp-content/uploads/../../etc/passwd"), None);
    }
}
