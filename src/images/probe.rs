//! What an image is before anything is done with it: its format, size,
//! EXIF orientation, content hash and whether it carries metadata. Read
//! from the file's header, with the pixel limits checked first, so a
//! decompression bomb is refused before a byte of it is decoded.

use std::io::Cursor;

use image::{ImageDecoder, ImageFormat, ImageReader};
use serde::{Deserialize, Serialize};

use crate::base::hash::fnv1a;
pub use crate::images::format::Format;

/// Widest or tallest image processed, in pixels.
pub const MAX_SIDE: u32 = 16_384;
/// Most pixels in one image: 100 megapixels (a 200 MP phone photo is
/// refused; at 4 bytes a pixel this bounds one decode to 400 MB).
pub const MAX_PIXELS: u64 = 100_000_000;
/// Most memory one decode may take (pixels plus the decoder's buffers).
pub const MAX_ALLOC: u64 = 512 * 1024 * 1024;

/// What a source image is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Probe {
    /// The format its bytes are in (not its extension).
    pub format: Format,
    /// Width as shown, after EXIF orientation.
    pub width: u32,
    /// Height as shown, after EXIF orientation.
    pub height: u32,
    /// The EXIF orientation (1-8; 1 means as stored).
    pub orientation: u8,
    /// Hash of the file's bytes.
    pub hash: u64,
    /// Whether it holds metadata to remove (EXIF, XMP, text chunks...),
    /// or an orientation to apply.
    pub metadata: bool,
}

/// The limits every decode runs under.
pub fn limits() -> image::Limits {
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    limits
}

/// A reader over `bytes` in `format`, with the limits set.
pub fn reader(bytes: &[u8], format: Format) -> ImageReader<Cursor<&[u8]>> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format.image_format());
    reader.limits(limits());
    reader
}

/// Reads what `bytes` are. The error is a sentence for an editor.
pub fn probe(bytes: &[u8]) -> Result<Probe, String> {
    let format = sniff(bytes)?;
    if format == Format::Jpeg && !crate::images::strip::jpeg_is_complete(bytes) {
        return Err(CUT_SHORT.into());
    }
    // Sizes are checked here rather than by the decoder, so the error can
    // say how large the image is.
    let mut header = ImageReader::with_format(Cursor::new(bytes), format.image_format());
    let mut header_limits = limits();
    header_limits.max_image_width = None;
    header_limits.max_image_height = None;
    header.limits(header_limits);
    let mut decoder = header.into_decoder().map_err(|e| explain(&e))?;
    let (w, h) = decoder.dimensions();
    check_size(w, h)?;
    let orientation = decoder.orientation().map(|o| o.to_exif()).unwrap_or(1);
    let (width, height) = if orientation >= 5 { (h, w) } else { (w, h) };
    let metadata = orientation != 1 || crate::images::strip::has_metadata(bytes, format);
    Ok(Probe { format, width, height, orientation, hash: fnv1a(bytes), metadata })
}

/// The format the bytes are in, from their first bytes.
fn sniff(bytes: &[u8]) -> Result<Format, String> {
    if bytes.get(4..12).is_some_and(|b| matches!(b, b"ftypheic" | b"ftypheix" | b"ftypmif1" | b"ftyphevc")) {
        return Err(HEIC.to_owned());
    }
    match image::guess_format(bytes) {
        Ok(ImageFormat::Jpeg) => Ok(Format::Jpeg),
        Ok(ImageFormat::Png) => Ok(Format::Png),
        Ok(ImageFormat::WebP) => Ok(Format::Webp),
        _ => Err("this file is not a JPEG, PNG or WebP image (it may be damaged, or another format renamed)".into()),
    }
}

/// Why a HEIC photo is refused, and what to do.
pub const HEIC: &str = "this is a HEIC photo, which branchpress cannot read yet (no maintained \
    pure-Rust decoder exists); convert it to JPEG first (on an iPhone: Settings > Camera > Formats > \
    Most Compatible; on a computer, open it and export or save it as JPEG)";

/// Why a truncated image is refused.
const CUT_SHORT: &str = "this image is cut short (the file is incomplete: copy or download it again)";

/// Refuses an image larger than the limits.
pub fn check_size(w: u32, h: u32) -> Result<(), String> {
    if w > MAX_SIDE || h > MAX_SIDE || u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(format!(
            "this image is {w} x {h} pixels, larger than branchpress processes \
             (at most {MAX_SIDE} pixels a side and {} megapixels); make it smaller first",
            MAX_PIXELS / 1_000_000
        ));
    }
    if w == 0 || h == 0 {
        return Err("this image has no pixels".into());
    }
    Ok(())
}

/// A decoding error in words.
pub fn explain(e: &image::ImageError) -> String {
    match e {
        image::ImageError::Limits(_) => {
            format!("this image needs more memory to open than branchpress allows ({} MB)", MAX_ALLOC >> 20)
        }
        image::ImageError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => CUT_SHORT.into(),
        other => format!("this image could not be read, it may be damaged ({other})"),
    }
}
