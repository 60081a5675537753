//! Lossless metadata removal: the EXIF, XMP, IPTC and comment segments of
//! a JPEG, the text and EXIF chunks of a PNG, the EXIF and XMP chunks of a
//! WebP, cut out without decoding the pixels (so a photo copied as it is
//! loses nothing but what it says about where and when it was taken).
//!
//! Kept: what the pixels need to be shown right (JFIF, the ICC colour
//! profile, Adobe's colour-transform segment).

use bytes::Bytes;
use img_parts::ImageEXIF;
use img_parts::jpeg::{Jpeg, markers};
use img_parts::png::Png;
use img_parts::webp::WebP;

use crate::images::format::Format;

/// JPEG segments kept: JFIF (APP0), the ICC profile (APP2) and Adobe's
/// colour transform (APP14). Every other APPn and every comment goes.
fn keep_jpeg_segment(marker: u8, contents: &[u8]) -> bool {
    match marker {
        markers::APP0 | markers::APP14 => true,
        markers::APP2 => contents.starts_with(b"ICC_PROFILE\0"),
        markers::APP1..=markers::APP15 | markers::COM => false,
        _ => true,
    }
}

/// PNG chunks that carry metadata rather than pixels.
const PNG_METADATA: [&[u8; 4]; 5] = [b"eXIf", b"tEXt", b"zTXt", b"iTXt", b"tIME"];

/// Whether `bytes` hold anything [`strip`] would remove.
pub fn has_metadata(bytes: &[u8], format: Format) -> bool {
    strip(bytes, format).is_ok_and(|s| s.is_some())
}

/// A JPEG without its metadata but for its orientation: an EXIF segment
/// holding the one Orientation field, so browsers still show it upright
/// and the pixels are not decoded and re-encoded (which would cost a
/// second per phone photo and some quality).
pub fn strip_jpeg_keeping_orientation(bytes: &[u8], orientation: u8) -> Result<Vec<u8>, String> {
    let bad = |e: img_parts::Error| format!("this image could not be read, it may be damaged ({e})");
    let mut jpeg = Jpeg::from_bytes(Bytes::copy_from_slice(bytes)).map_err(bad)?;
    jpeg.segments_mut().retain(|s| keep_jpeg_segment(s.marker(), s.contents()));
    jpeg.set_exif(Some(Bytes::from(orientation_only_exif(orientation))));
    Ok(jpeg.encoder().bytes().to_vec())
}

/// A little-endian TIFF structure with one IFD holding one field, the
/// orientation: what `set_exif` puts after the `Exif\0\0` header.
fn orientation_only_exif(orientation: u8) -> Vec<u8> {
    let mut tiff = b"II\x2a\x00\x08\x00\x00\x00".to_vec();
    tiff.extend(1u16.to_le_bytes());
    tiff.extend(0x0112u16.to_le_bytes()); // Orientation
    tiff.extend(3u16.to_le_bytes()); // SHORT
    tiff.extend(1u32.to_le_bytes());
    tiff.extend(u32::from(orientation).to_le_bytes());
    tiff.extend(0u32.to_le_bytes());
    tiff
}

/// `bytes` without their metadata; `None` when there was none (or the
/// container could not be parsed: the decoder reports that better).
pub fn strip(bytes: &[u8], format: Format) -> Result<Option<Vec<u8>>, String> {
    let b = Bytes::copy_from_slice(bytes);
    let bad = |e: img_parts::Error| format!("this image could not be read, it may be damaged ({e})");
    match format {
        Format::Jpeg => {
            let mut jpeg = Jpeg::from_bytes(b).map_err(bad)?;
            let before = jpeg.segments().len();
            jpeg.segments_mut().retain(|s| keep_jpeg_segment(s.marker(), s.contents()));
            Ok((jpeg.segments().len() != before).then(|| jpeg.encoder().bytes().to_vec()))
        }
        Format::Png => {
            let mut png = Png::from_bytes(b).map_err(bad)?;
            let before = png.chunks().len();
            png.chunks_mut().retain(|c| !PNG_METADATA.contains(&&c.kind()));
            Ok((png.chunks().len() != before).then(|| png.encoder().bytes().to_vec()))
        }
        Format::Webp => {
            let mut webp = WebP::from_bytes(b).map_err(bad)?;
            if webp.exif().is_none() && !webp.has_chunk(*b"XMP ") {
                return Ok(None);
            }
            webp.set_exif(None);
            webp.remove_chunks_by_id(*b"XMP ");
            Ok(Some(webp.encoder().bytes().to_vec()))
        }
    }
}

/// Whether a JPEG's data runs to its end marker: a file cut short (a
/// copy that stopped halfway) still decodes, as a grey lower part, so it
/// is refused here instead. The end marker cannot occur inside the
/// compressed data (an 0xFF there is always followed by 0x00 or a restart
/// marker), so finding it after the first scan is enough.
pub fn jpeg_is_complete(bytes: &[u8]) -> bool {
    let Ok(jpeg) = Jpeg::from_bytes(Bytes::copy_from_slice(bytes)) else { return false };
    let Some(scan) = jpeg.segments().iter().find(|s| s.has_entropy()) else { return false };
    let encoded = scan.clone().encoder().bytes();
    encoded.windows(2).any(|w| w == [0xFF, markers::EOI])
}
