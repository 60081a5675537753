//! The image functions templates call, with Zola's names and arguments:
//! `resize_image(path, width, height, op, format, quality)` and
//! `get_image_metadata(path)`. They plan work (see [`crate::images`]);
//! the images are made after rendering, with the Markdown ones.

use std::sync::Arc;

use tera::{Kwargs, State, Tera, TeraResult, Value};

use crate::images::{Format, Images, Op, Operation, Probe};
use crate::render::functions::note_image;
use crate::render::values::map;

/// Zola's default quality for `resize_image`.
const DEFAULT_QUALITY: u8 = 75;

/// Registers `resize_image` and `get_image_metadata`.
pub fn register(tera: &mut Tera, images: &Arc<Images>) {
    let i = images.clone();
    tera.register_function("resize_image", move |kw: Kwargs, _: &State| resize_image(&i, &kw));
    let i = images.clone();
    tera.register_function("get_image_metadata", move |kw: Kwargs, _: &State| get_image_metadata(&i, &kw));
}

/// The output path of a file named as Zola names it: relative to the site
/// (`static/x.jpg`, `content/news/x.jpg`), to `static/` or to `content/`.
fn find<'a>(images: &Images, path: &'a str) -> Option<(String, &'a str)> {
    let trimmed = path.trim_start_matches('/');
    [trimmed, trimmed.strip_prefix("static/").unwrap_or(""), trimmed.strip_prefix("content/").unwrap_or("")]
        .into_iter()
        .find(|key| !key.is_empty() && images.source_of(key).is_some())
        .map(|key| (key.to_owned(), path))
}

fn source(images: &Images, kw: &Kwargs, function: &str) -> TeraResult<(String, Probe)> {
    let path: &str = kw.must_get("path")?;
    note_image(None);
    let (key, _) = find(images, path).ok_or_else(|| {
        tera::Error::message(format!(
            "{function}: there is no image `{path}` in static/ or content/ (write its path from either, like \"news/picnic/photo.jpg\")"
        ))
    })?;
    let file = images.source_of(&key).map(std::path::Path::to_path_buf).unwrap_or_default();
    let probe = images.probe(&file).map_err(|e| tera::Error::message(format!("{function}: {path}: {e}")))?;
    Ok((key, probe))
}

fn dimension(kw: &Kwargs, name: &str) -> TeraResult<Option<u32>> {
    let value: Option<i64> = kw.get(name)?;
    value
        .map(|v| {
            u32::try_from(v).map_err(|_| tera::Error::message(format!("resize_image: {name} = {v} is not a size")))
        })
        .transpose()
}

/// `resize_image(path, width, height, op="fill", format="auto", quality=75)`.
fn resize_image(images: &Images, kw: &Kwargs) -> TeraResult<Value> {
    let (key, probe) = source(images, kw, "resize_image")?;
    let op_name: &str = kw.get("op")?.unwrap_or("fill");
    let op = Op::parse(op_name).ok_or_else(|| {
        tera::Error::message(format!(
            "resize_image: unknown op `{op_name}` (use scale, fit_width, fit_height, fit or fill)"
        ))
    })?;
    let format = match kw.get::<&str>("format")?.unwrap_or("auto") {
        "auto" => probe.format,
        "jpg" | "jpeg" => Format::Jpeg,
        "png" => Format::Png,
        "webp" => Format::Webp,
        other => {
            return Err(tera::Error::message(format!(
                "resize_image: unknown format `{other}` (use auto, jpg, png or webp)"
            )));
        }
    };
    // As in Zola: WebP without a quality is lossless.
    let default = if format == Format::Webp { crate::images::process::LOSSLESS } else { DEFAULT_QUALITY };
    let quality: i64 = kw.get("quality")?.unwrap_or(i64::from(default));
    let quality = u8::try_from(quality.clamp(1, 100)).unwrap_or(DEFAULT_QUALITY);
    let (width, height) = (dimension(kw, "width")?, dimension(kw, "height")?);
    let fail = |e: String| tera::Error::message(format!("resize_image: {e}"));
    let size = crate::images::process::target_size(op, (probe.width, probe.height), width, height).map_err(fail)?;
    let operation = Operation { width: size.0, height: size.1, crop: op == Op::Fill, format, quality };
    let variant = images.plan(&key, operation).map_err(fail)?;
    note_image(Some(&variant.key));
    Ok(map([
        ("url", Value::from(variant.url)),
        ("static_path", Value::from(variant.key)),
        ("width", Value::from(u64::from(variant.width))),
        ("height", Value::from(u64::from(variant.height))),
        ("orig_width", Value::from(u64::from(probe.width))),
        ("orig_height", Value::from(u64::from(probe.height))),
    ]))
}

/// `get_image_metadata(path, allow_missing=false)`: `{width, height, format, mime}`
/// of the image as shown (after its EXIF orientation).
fn get_image_metadata(images: &Images, kw: &Kwargs) -> TeraResult<Value> {
    let allow_missing: bool = kw.get("allow_missing")?.unwrap_or(false);
    let (_, probe) = match source(images, kw, "get_image_metadata") {
        Ok(found) => found,
        Err(_) if allow_missing => return Ok(Value::none()),
        Err(e) => return Err(e),
    };
    Ok(map([
        ("width", Value::from(u64::from(probe.width))),
        ("height", Value::from(u64::from(probe.height))),
        ("format", Value::from(probe.format.extension())),
        ("mime", Value::from(probe.format.mime())),
    ]))
}
