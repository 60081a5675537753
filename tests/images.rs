//! Photos from phones (issue 16): images made by the test (with hand-built
//! EXIF holding an orientation and a GPS position) go through the real CLI;
//! the published files are read back with independent parsers (`scraper`
//! for HTML, `kamadak-exif` for EXIF, `image` for pixels).

mod common;
#[path = "common/serve.rs"]
mod serve_process;

use std::collections::BTreeMap;
use std::io::{Cursor, Read, Write};
use std::path::Path;
use std::time::Duration;

use common::Site;
use image::{ImageEncoder, Rgb, RgbImage};

const CONFIG: &str = "title = \"Photos\"\nbase_url = \"https://photos.example.org/branch\"\ntaxonomies = []\n";
const TEMPLATES: &[(&str, &str)] = &[
    ("templates/index.html", "<!doctype html><title>home</title>{{ section.content | safe }}"),
    ("templates/section.html", "<!doctype html><title>s</title>{{ section.content | safe }}"),
    ("templates/page.html", "<!doctype html><title>{{ page.title }}</title><main>{{ page.content | safe }}</main>"),
];

/// A stored-landscape photo, left half red and right half blue.
fn halves(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, _| if x < width / 2 { Rgb([220, 20, 20]) } else { Rgb([20, 20, 220]) })
}

fn jpeg(image: &RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90).encode_image(image).unwrap();
    out
}

fn png_with_text(image: &RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(image.as_raw(), image.width(), image.height(), image::ExtendedColorType::Rgb8)
        .unwrap();
    // A tEXt chunk after IHDR (8-byte signature + 25-byte IHDR chunk).
    let data = b"Comment\0taken at 12 Weir Lane";
    let mut chunk = (data.len() as u32).to_be_bytes().to_vec();
    let typed: Vec<u8> = b"tEXt".iter().chain(data.iter()).copied().collect();
    chunk.extend(&typed);
    chunk.extend(crc32(&typed).to_be_bytes());
    out.splice(33..33, chunk);
    out
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// An EXIF APP1 segment (little-endian TIFF) with an orientation and a
/// GPS latitude, as a phone writes them.
fn exif_segment(orientation: u16) -> Vec<u8> {
    let mut t = b"II\x2a\x00\x08\x00\x00\x00".to_vec();
    let entry = |t: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: u32| {
        t.extend(tag.to_le_bytes());
        t.extend(kind.to_le_bytes());
        t.extend(count.to_le_bytes());
        t.extend(value.to_le_bytes());
    };
    t.extend(2u16.to_le_bytes()); // IFD0 at 8: orientation, GPS pointer
    entry(&mut t, 0x0112, 3, 1, u32::from(orientation));
    entry(&mut t, 0x8825, 4, 1, 38);
    t.extend(0u32.to_le_bytes());
    t.extend(2u16.to_le_bytes()); // GPS IFD at 38: latitude ref and latitude
    entry(&mut t, 0x0001, 2, 2, u32::from_le_bytes(*b"N\0\0\0"));
    entry(&mut t, 0x0002, 5, 3, 68);
    t.extend(0u32.to_le_bytes());
    for (n, d) in [(51u32, 1u32), (30, 1), (1234, 100)] {
        t.extend(n.to_le_bytes());
        t.extend(d.to_le_bytes());
    }
    let mut seg = vec![0xFF, 0xE1];
    seg.extend(((t.len() + 8) as u16).to_be_bytes());
    seg.extend(b"Exif\0\0");
    seg.extend(t);
    seg
}

/// A phone-like JPEG: EXIF (orientation, GPS) and a comment after SOI.
fn phone_jpeg(image: &RgbImage, orientation: u16) -> Vec<u8> {
    let plain = jpeg(image);
    let mut out = plain[..2].to_vec();
    out.extend(exif_segment(orientation));
    out.extend([0xFF, 0xFE, 0x00, 0x0E]);
    out.extend(b"Weir Lane\0\0\0");
    out.extend(&plain[2..]);
    out
}

fn write_bytes(site: &Site, path: &str, bytes: &[u8]) {
    let file = site.path().join(path);
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(file, bytes).unwrap();
}

fn photo_site(page: &str) -> Site {
    let mut files = vec![("config.toml", CONFIG), ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n")];
    files.extend_from_slice(TEMPLATES);
    files.push(("content/news/_index.md", "+++\ntitle = \"News\"\n+++\n"));
    files.push(("content/news/picnic/index.md", page));
    let site = Site::new(&files);
    write_bytes(&site, "content/news/picnic/photo.jpg", &phone_jpeg(&halves(1200, 600), 6));
    site
}

const PICNIC: &str = "+++\ntitle = \"Picnic\"\n+++\nWe met.\n\n![Neighbours at the picnic](photo.jpg)\n";

/// Every image file of `dir`, by output path.
fn images_in(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    common::snapshot(dir)
        .into_iter()
        .filter(|(k, _)| [".jpg", ".jpeg", ".png", ".webp"].iter().any(|e| k.ends_with(e)))
        .collect()
}

fn has_exif(bytes: &[u8]) -> bool {
    exif::Reader::new().read_from_container(&mut Cursor::new(bytes)).is_ok()
}

/// The EXIF fields of `bytes` other than the orientation (which a copied
/// JPEG keeps, for the browser to show it upright).
fn metadata_left(bytes: &[u8]) -> Vec<exif::Tag> {
    match exif::Reader::new().read_from_container(&mut Cursor::new(bytes)) {
        Ok(exif) => exif.fields().map(|f| f.tag).filter(|t| *t != exif::Tag::Orientation).collect(),
        Err(_) => Vec::new(),
    }
}

/// (srcset widths, width, height, alt, loading, decoding) of the page's `<img>`.
fn picture_of(html: &str) -> (Vec<(String, u32)>, Vec<String>, [String; 5]) {
    let doc = scraper::Html::parse_document(html);
    let img =
        doc.select(&scraper::Selector::parse("picture > img").unwrap()).next().expect("a <picture> with an <img>");
    let attr = |n: &str| img.value().attr(n).unwrap_or("").to_owned();
    let candidates = attr("srcset")
        .split(", ")
        .map(|c| {
            let (url, w) = c.rsplit_once(' ').expect("url and width");
            (url.to_owned(), w.trim_end_matches('w').parse().expect("a width"))
        })
        .collect();
    let sources =
        doc.select(&scraper::Selector::parse("picture > source").unwrap()).map(|s| s.html()).collect::<Vec<_>>();
    (candidates, sources, [attr("width"), attr("height"), attr("alt"), attr("loading"), attr("decoding")])
}

/// The (url, width) candidates of the `<source type="image/webp">` among `sources`.
fn webp_candidates(sources: &[String]) -> Vec<(String, u32)> {
    let webp = sources.iter().find(|s| s.contains("type=\"image/webp\"")).map_or("", String::as_str);
    let fragment = scraper::Html::parse_fragment(&format!("<picture>{webp}</picture>"));
    let source = fragment.select(&scraper::Selector::parse("source").unwrap()).next();
    let srcset = source.and_then(|s| s.value().attr("srcset")).unwrap_or("");
    srcset
        .split(", ")
        .filter(|c| !c.is_empty())
        .map(|c| {
            let (url, w) = c.rsplit_once(' ').expect("url and width");
            (url.to_owned(), w.trim_end_matches('w').parse().expect("a width"))
        })
        .collect()
}

#[test]
fn a_phone_photo_is_published_upright_small_and_without_metadata() {
    let site = photo_site(PICNIC);
    write_bytes(&site, "static/banner.jpg", &phone_jpeg(&halves(64, 32), 1));
    write_bytes(&site, "static/turned.jpg", &phone_jpeg(&halves(64, 32), 6));
    write_bytes(&site, "static/logo.png", &png_with_text(&halves(32, 32)));
    assert!(has_exif(&phone_jpeg(&halves(8, 8), 6)), "the fixture itself carries EXIF");
    site.run(&["build"]).success();

    let (candidates, sources, [width, height, alt, loading, decoding]) =
        picture_of(&site.output("news/picnic/index.html"));
    // Stored 1200x600, turned a quarter: 600x1200. 960 and 1600 would be
    // enlargements, so the original width stands in for them.
    assert_eq!(candidates.iter().map(|(_, w)| *w).collect::<Vec<_>>(), [480, 600]);
    // A photo is offered as a lossy WebP first, at the same widths.
    let webp = webp_candidates(&sources);
    assert_eq!(webp.iter().map(|(_, w)| *w).collect::<Vec<_>>(), [480, 600], "{sources:?}");
    assert_eq!([width.as_str(), height.as_str()], ["600", "1200"]);
    assert_eq!(alt, "Neighbours at the picnic");
    assert_eq!([loading.as_str(), decoding.as_str()], ["lazy", "async"]);

    for (url, w) in candidates.iter().chain(&webp) {
        let key = url.strip_prefix("https://photos.example.org/branch/").expect("under the base URL");
        let bytes = std::fs::read(site.public().join(key)).unwrap();
        let format = image::guess_format(&bytes).unwrap();
        let expected = if key.ends_with(".webp") { image::ImageFormat::WebP } else { image::ImageFormat::Jpeg };
        assert_eq!(format, expected, "{key}");
        if format == image::ImageFormat::WebP {
            assert_eq!(&bytes[12..16], b"VP8 ", "{key}: a photo's WebP is lossy (VP8), not lossless (VP8L)");
        }
        let img = image::load_from_memory(&bytes).unwrap().to_rgb8();
        assert_eq!((img.width(), img.height()), (*w, *w * 2), "{key}");
        // Stored left (red) is shown on top once turned; right (blue) at the bottom.
        let (top, bottom) = (img.get_pixel(w / 2, w / 4).0, img.get_pixel(w / 2, w * 2 - w / 4).0);
        assert!(top[0] > 150 && top[2] < 100, "top is red: {top:?}");
        assert!(bottom[2] > 150 && bottom[0] < 100, "bottom is blue: {bottom:?}");
    }

    let published = images_in(&site.public());
    assert!(published.contains_key("banner.jpg") && published.contains_key("logo.png"), "{:?}", published.keys());
    for (path, bytes) in &published {
        assert_eq!(metadata_left(bytes), [], "{path} still has EXIF");
        if path.starts_with("processed_images/") {
            assert!(!has_exif(bytes), "{path}: a processed image has no EXIF at all");
        }
        assert!(!bytes.windows(9).any(|w| w == b"Weir Lane"), "{path} still has its comment or text");
    }
    // Copied as it is, so it keeps one EXIF field, its orientation (for
    // the browser to turn it), and nothing else: no GPS.
    let exif = exif::Reader::new().read_from_container(&mut Cursor::new(&published["turned.jpg"])).unwrap();
    let fields: Vec<(exif::Tag, String)> = exif.fields().map(|f| (f.tag, f.display_value().to_string())).collect();
    assert_eq!(fields, [(exif::Tag::Orientation, "row 0 at right and column 0 at top".to_owned())]);
    let turned = image::load_from_memory(&published["turned.jpg"]).unwrap().to_rgb8();
    assert_eq!(turned, image::load_from_memory(&phone_jpeg(&halves(64, 32), 6)).unwrap().to_rgb8(), "lossless");
    // Lossless: the banner's pixels are the original's, byte for byte.
    let original = image::load_from_memory(&phone_jpeg(&halves(64, 32), 1)).unwrap().to_rgb8();
    assert_eq!(image::load_from_memory(&published["banner.jpg"]).unwrap().to_rgb8(), original);
}

#[test]
fn widths_formats_and_the_original_link_follow_the_config() {
    let site = photo_site("+++\ntitle = \"Picnic\"\n+++\n![The rota](rota%20chart.png)\n");
    write_bytes(&site, "content/news/picnic/rota chart.png", &png_with_text(&halves(400, 200)));
    site.write("config.toml", &format!("{CONFIG}[images]\nwidths = [100, 300]\nlink_original = true\n"));
    site.run(&["build"]).success();
    let html = site.output("news/picnic/index.html");
    let (candidates, sources, [width, height, ..]) = picture_of(&html);
    assert_eq!(candidates.iter().map(|(_, w)| *w).collect::<Vec<_>>(), [100, 300]);
    assert!(candidates.iter().all(|(u, _)| u.ends_with(".png")), "{candidates:?}");
    assert_eq!([width.as_str(), height.as_str()], ["300", "150"]);
    // A PNG also gets a (lossless) WebP, offered first.
    assert_eq!(sources.len(), 1);
    assert!(sources[0].contains("type=\"image/webp\"") && sources[0].contains(" 100w") && sources[0].contains(" 300w"));
    assert!(
        html.contains("<a class=\"original\" href=\"https://photos.example.org/branch/news/picnic/rota%20chart.png\">"),
        "{html}"
    );
    for (_, bytes) in images_in(&site.public()) {
        assert_eq!(metadata_left(&bytes), []);
    }

    // Relative URLs: every candidate is relative and leads to its file.
    site.run(&["build", "--relative-urls", "-o", "relative"]).success();
    let html = std::fs::read_to_string(site.path().join("relative/news/picnic/index.html")).unwrap();
    let (candidates, ..) = picture_of(&html);
    for (url, _) in candidates {
        assert!(url.starts_with("../../processed_images/"), "{url}");
        assert!(site.path().join("relative/news/picnic").join(&url).is_file(), "{url}");
    }
    // And `check` follows every srcset candidate.
    site.run(&["check"]).success();
}

#[test]
fn a_photo_in_the_figure_shortcode_is_published_responsively_with_its_caption() {
    let page = "+++\ntitle = \"Picnic\"\n+++\n{{ figure(image=\"photo.jpg\", alt=\"Neighbours at the picnic\", caption=\"Weir Lane, June\", credit=\"Photo: Sam\") }}\n";
    let site = photo_site(page);
    site.copy_commons_theme();
    site.write("config.toml", &format!("theme = \"commons\"\n{CONFIG}"));
    site.run(&["build"]).success();
    let html = site.output("news/picnic/index.html");
    let doc = scraper::Html::parse_document(&html);
    let figure = doc.select(&scraper::Selector::parse("figure.figure").unwrap()).next().expect("a <figure>");
    let img = figure.select(&scraper::Selector::parse("picture > img").unwrap()).next().expect("a <picture> inside");
    assert_eq!(img.value().attr("alt"), Some("Neighbours at the picnic"));
    assert_eq!(img.value().attr("width"), Some("600"));
    assert!(img.value().attr("srcset").is_some_and(|s| s.contains("processed_images/")), "{html}");
    let caption = figure.select(&scraper::Selector::parse("figcaption").unwrap()).next().expect("a caption");
    assert_eq!(caption.text().collect::<String>(), "Weir Lane, June Photo: Sam");
    for (path, bytes) in images_in(&site.public()) {
        assert_eq!(metadata_left(&bytes), [], "{path}");
    }
}

#[test]
fn an_image_marked_original_is_kept_as_written() {
    let site = photo_site("+++\ntitle = \"Picnic\"\n+++\n![A map](photo.jpg#original)\n");
    site.run(&["build"]).success();
    let html = site.output("news/picnic/index.html");
    assert!(html.contains("<img src=\"photo.jpg\" alt=\"A map\""), "{html}");
    assert!(!html.contains("<picture>"));
    assert_eq!(metadata_left(&std::fs::read(site.public().join("news/picnic/photo.jpg")).unwrap()), []);
}

/// Each cached file's name and modification time.
fn cache_state(site: &Site) -> BTreeMap<String, std::time::SystemTime> {
    std::fs::read_dir(site.path().join(".branchpress/cache/images"))
        .unwrap()
        .flatten()
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.metadata().unwrap().modified().unwrap()))
        .filter(|(name, _)| name != "probes.json")
        .collect()
}

#[test]
fn a_rebuild_takes_every_image_from_the_cache_and_prunes_what_no_page_uses() {
    let site = photo_site(PICNIC);
    write_bytes(&site, "static/banner.jpg", &phone_jpeg(&halves(64, 32), 1));
    let first = site.run(&["build", "--timings"]).success();
    // Two widths of the photo in two formats (WebP, JPEG), and clean copies of the photo and the banner.
    assert!(first.stderr.contains("(6 made, 0 from the cache)"), "{}", first.stderr);
    let cached = cache_state(&site);
    assert_eq!(cached.len(), 6, "{cached:?}");
    let output = common::snapshot(&site.public());

    std::thread::sleep(Duration::from_millis(20));
    let second = site.run(&["build", "--timings"]).success();
    assert!(second.stderr.contains("(0 made, 6 from the cache)"), "{}", second.stderr);
    assert_eq!(cache_state(&site), cached, "nothing in the cache was written again");
    assert_eq!(common::snapshot(&site.public()), output);

    site.write("content/news/picnic/index.md", "+++\ntitle = \"Picnic\"\n+++\nNo photo any more.\n");
    site.run(&["build"]).success();
    let left = cache_state(&site);
    assert_eq!(left.len(), 2, "only the clean copies are still used: {left:?}");
    assert!(!site.public().join("processed_images").exists());
}

#[test]
fn a_broken_photo_is_an_error_at_the_markdown_line_that_shows_it() {
    let site = photo_site("+++\ntitle = \"Picnic\"\n+++\nWe met.\n\n![Neighbours](photo.jpg)\n");
    let whole = phone_jpeg(&halves(1200, 600), 6);
    write_bytes(&site, "content/news/picnic/photo.jpg", &whole[..whole.len() / 3]);
    site.run(&["build"]).failure();
    std::fs::create_dir_all(site.public()).unwrap();
    std::fs::write(site.public().join("index.html"), "the last good build").unwrap();
    let before = common::snapshot(&site.public());
    let run = site.run(&["build"]).failure();
    assert!(run.stderr.contains("content/news/picnic/index.md:6"), "{}", run.stderr);
    assert!(run.stderr.contains("content/news/picnic/photo.jpg") && run.stderr.contains("cut short"), "{}", run.stderr);
    assert_eq!(common::snapshot(&site.public()), before, "a failed build leaves the output as it was");
    // Not garbage either: a file that is no image at all.
    write_bytes(&site, "content/news/picnic/photo.jpg", b"<html>not a photo</html>");
    let run = site.run(&["build"]).failure();
    assert!(run.stderr.contains("index.md:6") && run.stderr.contains("not a JPEG, PNG or WebP"), "{}", run.stderr);
    // A PNG whose header is fine but whose pixels are damaged fails when
    // it is decoded, after the Markdown: still reported at the line.
    let mut png = png_with_text(&halves(400, 200));
    let middle = png.len() / 2;
    png[middle..middle + 16].fill(0x55);
    site.remove("content/news/picnic/photo.jpg");
    site.write("content/news/picnic/index.md", "+++\ntitle = \"Picnic\"\n+++\nWe met.\n\n![Neighbours](chart.png)\n");
    write_bytes(&site, "content/news/picnic/chart.png", &png);
    let run = site.run(&["build"]).failure();
    assert!(run.stderr.contains("index.md:6") && run.stderr.contains("chart.png"), "{}", run.stderr);
    // A HEIC photo from an iPhone: refused, with how to convert it.
    let mut heic = vec![0, 0, 0, 24];
    heic.extend(b"ftypheic\0\0\0\0mif1heic");
    write_bytes(&site, "content/news/picnic/chart.png", &png_with_text(&halves(40, 20)));
    write_bytes(&site, "content/news/picnic/IMG_0001.HEIC", &heic);
    site.write("content/news/picnic/index.md", "+++\ntitle = \"Picnic\"\n+++\n![Us](IMG_0001.HEIC)\n");
    let run = site.run(&["build"]).failure();
    assert!(run.stderr.contains("index.md:4") && run.stderr.contains("convert it to JPEG"), "{}", run.stderr);
    site.write("content/news/picnic/index.md", "+++\ntitle = \"Picnic\"\n+++\nNo photo.\n");
    let run = site.run(&["build"]).failure();
    assert!(run.stderr.contains("IMG_0001.HEIC") && run.stderr.contains("convert it to JPEG"), "{}", run.stderr);
    // The same file copied from static/ without a page showing it: named too.
    let site = photo_site("+++\ntitle = \"Picnic\"\n+++\nNo photo.\n");
    write_bytes(&site, "static/cut.jpg", &whole[..whole.len() / 2]);
    let run = site.run(&["build"]).failure();
    assert!(run.stderr.contains("static/cut.jpg") && run.stderr.contains("cut short"), "{}", run.stderr);
}

#[test]
fn a_decompression_bomb_is_refused_before_it_is_decoded() {
    let site = photo_site("+++\ntitle = \"Picnic\"\n+++\nWe met.\n\n![Neighbours](huge.png)\n");
    // A PNG header claiming 30,000 x 30,000 pixels (3.6 GB of RGBA).
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend(30_000u32.to_be_bytes());
    ihdr.extend(30_000u32.to_be_bytes());
    ihdr.extend([8, 6, 0, 0, 0]);
    png.extend(13u32.to_be_bytes());
    png.extend(&ihdr);
    png.extend(crc32(&ihdr).to_be_bytes());
    for (kind, data) in [(&b"IDAT"[..], &b"\x78\x9c\x03\x00\x00\x00\x00\x01"[..]), (b"IEND", b"")] {
        let typed: Vec<u8> = kind.iter().chain(data).copied().collect();
        png.extend((data.len() as u32).to_be_bytes());
        png.extend(&typed);
        png.extend(crc32(&typed).to_be_bytes());
    }
    write_bytes(&site, "content/news/picnic/huge.png", &png);
    let run = site.run(&["build"]).failure();
    assert!(run.stderr.contains("content/news/picnic/index.md:6"), "{}", run.stderr);
    assert!(run.stderr.contains("huge.png") && run.stderr.contains("30000 x 30000"), "{}", run.stderr);
    assert!(!site.public().exists());
}

#[test]
fn template_functions_resize_and_describe_images_as_zola_does() {
    let site = photo_site(PICNIC);
    site.write(
        "templates/page.html",
        "<!doctype html><title>{{ page.title }}</title>\
         {% set m = get_image_metadata(path=\"news/picnic/photo.jpg\") %}<p id=meta>{{ m.width }}x{{ m.height }} {{ m.mime }}</p>\
         {% for op in [\"scale\", \"fit_width\", \"fit_height\", \"fit\", \"fill\"] %}\
         {% set r = resize_image(path=\"content/news/picnic/photo.jpg\", width=100, height=150, op=op, format=\"png\") %}\
         <img class={{ op }} src=\"{{ r.url }}\" width={{ r.width }} height={{ r.height }} data-orig=\"{{ r.orig_width }}x{{ r.orig_height }}\" data-path=\"{{ r.static_path }}\" alt=\"\">{% endfor %}",
    );
    site.run(&["build"]).success();
    let html = site.output("news/picnic/index.html");
    let doc = scraper::Html::parse_document(&html);
    let meta = doc.select(&scraper::Selector::parse("#meta").unwrap()).next().unwrap().inner_html();
    assert_eq!(meta, "600x1200 image/jpeg", "the size as shown, after the EXIF orientation");
    // Shown 600x1200; asked for 100x150.
    for (op, size) in [
        ("scale", (100, 150)),
        ("fit_width", (100, 200)),
        ("fit_height", (75, 150)),
        ("fit", (75, 150)),
        ("fill", (100, 150)),
    ] {
        let img = doc.select(&scraper::Selector::parse(&format!("img.{op}")).unwrap()).next().unwrap();
        let attr = |n| img.value().attr(n).unwrap().to_owned();
        assert_eq!((attr("width"), attr("height")), (size.0.to_string(), size.1.to_string()), "{op}");
        assert_eq!(attr("data-orig"), "600x1200");
        let key = attr("data-path");
        assert!(key.starts_with("processed_images/") && key.ends_with(".png"), "{key}");
        assert_eq!(attr("src"), format!("https://photos.example.org/branch/{key}"));
        let made = image::open(site.public().join(&key)).unwrap().to_rgb8();
        assert_eq!((made.width(), made.height()), size, "{op}");
        // Upright: red on top, blue below (fill crops the middle, still red over blue).
        assert!(made.get_pixel(made.width() / 2, 2).0[0] > 150, "{op} top is red");
        assert!(made.get_pixel(made.width() / 2, made.height() - 3).0[2] > 150, "{op} bottom is blue");
    }

    site.write("templates/page.html", "{{ resize_image(path=\"news/picnic/photo.jpg\", width=100, op=\"squash\") }}");
    let run = site.run(&["build"]).failure();
    assert!(run.stderr.contains("unknown op `squash`"), "{}", run.stderr);
}

#[test]
fn check_reports_gps_in_published_images_and_images_without_alt_text() {
    let site = photo_site("+++\ntitle = \"Picnic\"\n+++\nWe met.\n\n![](photo.jpg)\n");
    write_bytes(&site, "static/banner.jpg", &phone_jpeg(&halves(64, 32), 1));
    let run = site.run(&["check"]).success();
    assert!(run.stderr.contains("index.md:6") && run.stderr.contains("no alt text"), "{}", run.stderr);
    assert!(!run.stderr.contains("GPS"), "{}", run.stderr);

    site.write("config.toml", &format!("{CONFIG}[images]\nkeep_metadata = true\n"));
    let run = site.run(&["check"]).failure();
    assert!(run.stderr.contains("static/banner.jpg") && run.stderr.contains("GPS"), "{}", run.stderr);
    assert!(run.stderr.contains("content/news/picnic/photo.jpg") && run.stderr.contains("GPS"), "{}", run.stderr);
    // Processed images never carry any.
    assert!(!run.stderr.contains("processed_images"), "{}", run.stderr);
    let build = site.run(&["build"]).success();
    assert!(build.stderr.contains("keep_metadata = true") && build.stderr.contains("GPS"), "{}", build.stderr);
    assert!(has_exif(&std::fs::read(site.public().join("banner.jpg")).unwrap()));
}

/// GET `path` from the preview on `port`: (status, body).
fn get(port: u16, path: &str) -> (u16, Vec<u8>) {
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n").unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let split = answer.windows(4).position(|w| w == b"\r\n\r\n").expect("a response head");
    let head = String::from_utf8_lossy(&answer[..split]).into_owned();
    let status = head.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let body = answer[split + 4..].to_vec();
    let chunked = head.to_ascii_lowercase().contains("transfer-encoding: chunked");
    (status, if chunked { dechunk(&body) } else { body })
}

fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = body.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(String::from_utf8_lossy(&body[..end]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        out.extend(&body[end + 2..end + 2 + size]);
        body = &body[end + 4 + size..];
    }
    out
}

#[test]
fn a_photo_added_while_previewing_is_processed_without_a_restart_as_a_build_would() {
    let site = photo_site("+++\ntitle = \"Picnic\"\n+++\nWe met.\n");
    let server = serve_process::serve(&site, 0);
    let port = server.port;
    assert_eq!(get(port, "/news/picnic/").0, 200);

    write_bytes(&site, "content/news/picnic/table.jpg", &phone_jpeg(&halves(1000, 500), 6));
    site.write("content/news/picnic/index.md", "+++\ntitle = \"Picnic\"\n+++\nWe met.\n\n![The table](table.jpg)\n");
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let html = loop {
        let (_, body) = get(port, "/news/picnic/");
        let html = String::from_utf8_lossy(&body).into_owned();
        if html.contains("<picture>") {
            break html;
        }
        assert!(std::time::Instant::now() < deadline, "the preview never showed the photo: {html}");
        std::thread::sleep(Duration::from_millis(100));
    };

    let base = format!("http://127.0.0.1:{port}");
    let built = site.path().join("built");
    let out = built.to_str().unwrap();
    site.run(&["build", "-o", out, "--base-url", &base]).success();
    let page = std::fs::read_to_string(built.join("news/picnic/index.html")).unwrap();
    let strip_reload = |h: &str| h.split("<script").next().unwrap_or(h).to_owned();
    assert_eq!(strip_reload(&html), strip_reload(&page), "the preview's page is the build's");
    let (candidates, _, [width, height, ..]) = picture_of(&html);
    assert_eq!(candidates.iter().map(|(_, w)| *w).collect::<Vec<_>>(), [480, 500]);
    assert_eq!([width.as_str(), height.as_str()], ["500", "1000"]);
    for (url, _) in &candidates {
        let path = url.strip_prefix(&base).unwrap();
        let (status, bytes) = get(port, path);
        assert_eq!(status, 200, "{path}");
        assert!(!has_exif(&bytes));
        assert_eq!(bytes, std::fs::read(built.join(path.trim_start_matches('/'))).unwrap(), "{path}");
    }
    let (_, original) = get(port, "/news/picnic/table.jpg");
    assert!(!original.is_empty() && metadata_left(&original).is_empty(), "the original is clean in the preview too");

    // Written into the page first, the photo copied in afterwards.
    site.write(
        "content/news/picnic/index.md",
        "+++\ntitle = \"Picnic\"\n+++\n![The table](table.jpg)\n\n![Later](later.jpg)\n",
    );
    let wait_for = |needle: &str| loop {
        let html = String::from_utf8_lossy(&get(port, "/news/picnic/").1).into_owned();
        if html.contains(needle) {
            return html;
        }
        assert!(std::time::Instant::now() < deadline + Duration::from_secs(30), "never saw {needle}: {html}");
        std::thread::sleep(Duration::from_millis(100));
    };
    wait_for("src=\"later.jpg\"");
    write_bytes(&site, "content/news/picnic/later.jpg", &phone_jpeg(&halves(300, 200), 1));
    let html = wait_for("alt=\"Later\" loading=\"lazy\"");
    let doc = scraper::Html::parse_document(&html);
    assert_eq!(doc.select(&scraper::Selector::parse("picture").unwrap()).count(), 2, "{html}");
    drop(server);
}
