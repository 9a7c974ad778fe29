//! A bundle's images as its rules see them: inside the bundle, within the byte limit, a
//! JPEG, PNG or WebP by content, and within the pixel limits, all told from the header
//! before any pixel is decoded, so `catalog check` and import refuse the same images.

use std::io::Cursor;
use std::path::Path;

use image::{ImageDecoder, ImageFormat, ImageReader};

use super::{Limits, ProblemKind};

const ACCEPTED: [ImageFormat; 3] = [ImageFormat::Jpeg, ImageFormat::Png, ImageFormat::WebP];

pub(crate) fn decoder_limits(limits: &Limits) -> image::Limits {
    let mut out = image::Limits::default();
    out.max_image_width = Some(limits.max_image_side);
    out.max_image_height = Some(limits.max_image_side);
    out.max_alloc = Some(limits.max_image_alloc);
    out
}

/// Checks one image of a bundle without decoding its pixels: inside the bundle, within
/// the byte limit, a JPEG, PNG or WebP by content, and within the pixel limit.
pub fn probe(root: &Path, rel: &str, limits: &Limits) -> Result<(), ProblemKind> {
    let value = || rel.to_string();
    let bytes =
        super::read_bundle_bytes(root, rel, limits.max_image_bytes).map_err(|kind| match kind {
            ProblemKind::FileMissing => ProblemKind::ImageMissing { value: value() },
            other => other,
        })?;
    check_header(&bytes, rel, limits).map(|_| ())
}

pub(crate) fn check_header(
    bytes: &[u8],
    rel: &str,
    limits: &Limits,
) -> Result<ImageFormat, ProblemKind> {
    let format = image::guess_format(bytes)
        .ok()
        .filter(|f| ACCEPTED.contains(f))
        .ok_or_else(|| ProblemKind::ImageFormat { value: rel.into() })?;
    // The header alone tells the size; the limits are checked here, before any pixel
    // is decoded, so `catalog check` and import refuse the same images.
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(image::Limits::no_limits());
    let decoder = reader
        .into_decoder()
        .map_err(|e| ProblemKind::ImageDecode {
            value: rel.into(),
            detail: e.to_string(),
        })?;
    let (width, height) = decoder.dimensions();
    if width > limits.max_image_side || height > limits.max_image_side {
        return Err(ProblemKind::ImageTooLarge {
            value: rel.into(),
            width,
            height,
            max: limits.max_image_side,
        });
    }
    let needed = decoder.total_bytes();
    if needed > limits.max_image_alloc {
        const MB: u64 = 1024 * 1024;
        return Err(ProblemKind::ImageMemory {
            value: rel.into(),
            width,
            height,
            megabytes: needed.div_ceil(MB),
            max_megabytes: limits.max_image_alloc / MB,
        });
    }
    Ok(format)
}
