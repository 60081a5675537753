//! The image work itself: decode (under the limits), turn upright by the
//! EXIF orientation, resize (fast_image_resize, SIMD Lanczos), encode.
//! Encoders here write no metadata at all, so every processed image is
//! clean by construction.

use std::io::Cursor;

use fast_image_resize::{FilterType, ResizeAlg, ResizeOptions, Resizer};
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType as PngFilter, PngEncoder};
use image::codecs::webp::WebPEncoder;
use image::metadata::Orientation;
use image::{DynamicImage, ImageEncoder};
use serde::{Deserialize, Serialize};

use crate::images::probe::{self, Format, Probe};

/// How to fit an image into a width and height (Zola's `op` names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Op {
    /// Exactly `width` x `height`, ignoring the aspect ratio.
    Scale,
    /// `width` wide, the height following the aspect ratio.
    FitWidth,
    /// `height` high, the width following the aspect ratio.
    FitHeight,
    /// Inside `width` x `height`, keeping the aspect ratio; never enlarged.
    Fit,
    /// Covers `width` x `height`, keeping the aspect ratio, cropped to it
    /// around the centre.
    Fill,
}

impl Op {
    /// Zola's name for `op`.
    pub fn parse(name: &str) -> Option<Op> {
        Some(match name {
            "scale" => Op::Scale,
            "fit_width" => Op::FitWidth,
            "fit_height" => Op::FitHeight,
            "fit" => Op::Fit,
            "fill" => Op::Fill,
            _ => return None,
        })
    }
}

/// One output image: its size and how to make it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Operation {
    /// Output width.
    pub width: u32,
    /// Output height.
    pub height: u32,
    /// Crop to the output's aspect ratio (around the centre) before resizing.
    pub crop: bool,
    /// The output format.
    pub format: Format,
    /// JPEG and WebP quality (1-100); WebP at 100 is written lossless
    /// (screenshots, drawings), below 100 lossy (photos), as in Zola.
    pub quality: u8,
}

/// The output size of `op` on an image of `from` size, given the wanted
/// `width` and `height` (each op needs its own: the error says which).
pub fn target_size(op: Op, from: (u32, u32), width: Option<u32>, height: Option<u32>) -> Result<(u32, u32), String> {
    let (ow, oh) = (f64::from(from.0), f64::from(from.1));
    let need = |v: Option<u32>, name: &str| {
        v.filter(|v| *v > 0).ok_or_else(|| format!("`{op:?}` needs a {name} above 0")).map(f64::from)
    };
    let (w, h) = match op {
        Op::Scale | Op::Fill => (need(width, "width")?, need(height, "height")?),
        Op::FitWidth => {
            let w = need(width, "width")?;
            (w, oh * w / ow)
        }
        Op::FitHeight => {
            let h = need(height, "height")?;
            (ow * h / oh, h)
        }
        Op::Fit => {
            let (w, h) = (need(width, "width")?, need(height, "height")?);
            let factor = (w / ow).min(h / oh).min(1.0);
            (ow * factor, oh * factor)
        }
    };
    let round = |v: f64| (v.round() as u32).max(1);
    let (w, h) = (round(w), round(h));
    probe::check_size(w, h)?;
    Ok((w, h))
}

/// Decodes `bytes` once and makes every operation of `ops` from it.
/// Each output is resized as stored and turned upright afterwards, so only
/// the small images are turned, never the 12-megapixel original.
pub fn run(bytes: &[u8], source: &Probe, ops: &[Operation]) -> Result<Vec<Vec<u8>>, String> {
    let stored = decode(bytes, source)?;
    let orientation = Orientation::from_exif(source.orientation).filter(|_| source.orientation != 1);
    let sideways = source.orientation >= 5;
    ops.iter()
        .map(|op| {
            let as_stored = if sideways { Operation { width: op.height, height: op.width, ..*op } } else { *op };
            let mut image = resize(&stored, &as_stored)?;
            if let Some(orientation) = orientation {
                image.apply_orientation(orientation);
            }
            encode(&image, op)
        })
        .collect()
}

/// The pixels as stored, as 8-bit RGB or RGBA.
fn decode(bytes: &[u8], source: &Probe) -> Result<DynamicImage, String> {
    let image = probe::reader(bytes, source.format).decode().map_err(|e| probe::explain(&e))?;
    Ok(if image.color().has_alpha() {
        DynamicImage::ImageRgba8(image.into_rgba8())
    } else {
        DynamicImage::ImageRgb8(image.into_rgb8())
    })
}

/// The pixels, turned as the EXIF orientation says, as 8-bit RGB or RGBA.
pub fn decode_upright(bytes: &[u8], source: &Probe) -> Result<DynamicImage, String> {
    let mut image = decode(bytes, source)?;
    if let Some(orientation) = Orientation::from_exif(source.orientation) {
        image.apply_orientation(orientation);
    }
    Ok(image)
}

fn resize(image: &DynamicImage, op: &Operation) -> Result<DynamicImage, String> {
    if (image.width(), image.height()) == (op.width, op.height) {
        return Ok(image.clone());
    }
    let mut out = DynamicImage::new(op.width, op.height, image.color());
    let mut options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    if op.crop {
        options = options.fit_into_destination(Some((0.5, 0.5)));
    }
    Resizer::new().resize(image, &mut out, &options).map_err(|e| format!("this image could not be resized ({e})"))?;
    Ok(out)
}

/// Encodes `image` as `op` says, with no metadata.
pub fn encode(image: &DynamicImage, op: &Operation) -> Result<Vec<u8>, String> {
    let mut out = Cursor::new(Vec::new());
    let (w, h) = (image.width(), image.height());
    let result = match op.format {
        Format::Jpeg => {
            // JPEG has no alpha: flatten onto white rather than black.
            let rgb = if image.color().has_alpha() { flatten(image) } else { image.to_rgb8() };
            JpegEncoder::new_with_quality(&mut out, op.quality.clamp(1, 100)).encode_image(&rgb)
        }
        Format::Png => PngEncoder::new_with_quality(&mut out, CompressionType::Default, PngFilter::Adaptive)
            .write_image(image.as_bytes(), w, h, image.color().into()),
        Format::Webp if op.quality < LOSSLESS => return lossy_webp(image, op.quality),
        Format::Webp => WebPEncoder::new_lossless(&mut out).write_image(image.as_bytes(), w, h, image.color().into()),
    };
    result.map_err(|e| format!("this image could not be written as {} ({e})", op.format.extension()))?;
    Ok(out.into_inner())
}

/// WebP quality that means lossless.
pub const LOSSLESS: u8 = 100;

/// A lossy WebP (libwebp, built from source by its crate: the image crate's
/// pure-Rust encoder writes lossless only, which makes a photo larger than
/// its JPEG). libwebp writes no metadata unless given some.
fn lossy_webp(image: &DynamicImage, quality: u8) -> Result<Vec<u8>, String> {
    let (w, h) = (image.width(), image.height());
    let encoder = match image {
        DynamicImage::ImageRgba8(rgba) => webp::Encoder::from_rgba(rgba.as_raw(), w, h),
        DynamicImage::ImageRgb8(rgb) => webp::Encoder::from_rgb(rgb.as_raw(), w, h),
        _ => return Err("this image could not be written as webp (not 8-bit RGB)".to_owned()),
    };
    let encoded = encoder
        .encode_simple(false, f32::from(quality.clamp(1, LOSSLESS - 1)))
        .map_err(|e| format!("this image could not be written as webp ({e:?})"))?;
    Ok(encoded.to_vec())
}

fn flatten(image: &DynamicImage) -> image::RgbImage {
    let rgba = image.to_rgba8();
    image::RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let p = rgba.get_pixel(x, y).0;
        let a = u16::from(p[3]);
        let mix = |c: u8| ((u16::from(c) * a + 255 * (255 - a)) / 255) as u8;
        image::Rgb([mix(p[0]), mix(p[1]), mix(p[2])])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_op_sizes_as_zola_does() {
        let size = |op, w, h| target_size(op, (4000, 3000), w, h);
        assert_eq!(size(Op::Scale, Some(100), Some(100)), Ok((100, 100)));
        assert_eq!(size(Op::FitWidth, Some(1000), None), Ok((1000, 750)));
        assert_eq!(size(Op::FitHeight, None, Some(300)), Ok((400, 300)));
        assert_eq!(size(Op::Fit, Some(1000), Some(1000)), Ok((1000, 750)));
        assert_eq!(size(Op::Fit, Some(8000), Some(8000)), Ok((4000, 3000)), "fit never enlarges");
        assert_eq!(size(Op::Fill, Some(500), Some(500)), Ok((500, 500)));
        assert!(size(Op::Fill, Some(500), None).unwrap_err().contains("height"));
        assert!(size(Op::Scale, Some(40_000), Some(10)).unwrap_err().contains("40000 x 10"));
    }
}
