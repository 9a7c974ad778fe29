//! Product images: probing a bundle's images under strict limits, and making
//! content-addressed thumbnails (same source bytes, same files, made once).

use std::collections::BTreeMap;
use std::fs;
use std::io::Cursor;
use std::path::{Path, PathBuf};

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, RgbImage};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::catalog::{Limits, Problem, ProblemKind};
use crate::error::{Error, Result};
use crate::model::Product;

/// The sizes the UI asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum ThumbSize {
    /// Cards in the results grid.
    Grid,
    /// The product page.
    Detail,
    /// The kiosk's full-screen gallery. Made only from sources larger than `Detail`;
    /// otherwise the detail file is that image at its own size and serves here too.
    Full,
}

impl ThumbSize {
    pub const ALL: [ThumbSize; 3] = [ThumbSize::Grid, ThumbSize::Detail, ThumbSize::Full];

    pub fn pixels(self) -> u32 {
        match self {
            ThumbSize::Grid => 360,
            ThumbSize::Detail => 1080,
            ThumbSize::Full => 1920,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ThumbSize::Grid => "grid",
            ThumbSize::Detail => "detail",
            ThumbSize::Full => "full",
        }
    }

    pub fn parse(text: &str) -> Option<ThumbSize> {
        ThumbSize::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

const ACCEPTED: [ImageFormat; 3] = [ImageFormat::Jpeg, ImageFormat::Png, ImageFormat::WebP];

fn decoder_limits(limits: &Limits) -> image::Limits {
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
        crate::catalog::read_bundle_bytes(root, rel, limits.max_image_bytes).map_err(|kind| {
            match kind {
                ProblemKind::FileMissing => ProblemKind::ImageMissing { value: value() },
                other => other,
            }
        })?;
    check_header(&bytes, rel, limits).map(|_| ())
}

fn check_header(bytes: &[u8], rel: &str, limits: &Limits) -> Result<ImageFormat, ProblemKind> {
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

/// One image of one product, as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct ImageRow {
    pub product: String,
    pub position: u32,
    pub digest: String,
}

/// Where thumbnails live: `<dir>/<sha256 of the source>-<size>.jpg`.
#[derive(Clone, Debug)]
pub struct MediaStore {
    dir: PathBuf,
}

impl MediaStore {
    pub fn open(dir: PathBuf) -> Result<Self> {
        fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        Ok(MediaStore { dir })
    }

    pub fn path(&self, digest: &str, size: ThumbSize) -> PathBuf {
        self.dir.join(format!("{digest}-{}.jpg", size.as_str()))
    }

    pub fn read(&self, digest: &str, size: ThumbSize) -> Result<Vec<u8>> {
        let path = self.path(digest, size);
        match fs::read(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && size == ThumbSize::Full => {
                self.read(digest, ThumbSize::Detail)
            }
            other => other.map_err(|e| Error::io(path, e)),
        }
    }

    /// The sizes made for an image of this many pixels.
    fn sizes_for(width: u32, height: u32) -> impl Iterator<Item = ThumbSize> {
        let large = width.max(height) > ThumbSize::Detail.pixels();
        ThumbSize::ALL
            .into_iter()
            .filter(move |s| *s != ThumbSize::Full || large)
    }

    /// Makes the thumbnails of every product image, on all cores; each distinct source
    /// is decoded once. Returns the rows to store, or the problems of the images that
    /// could not be made.
    pub fn prepare(
        &self,
        root: &Path,
        products: &[Product],
        limits: &Limits,
    ) -> std::result::Result<Vec<ImageRow>, Vec<Problem>> {
        let mut sources: BTreeMap<&str, Vec<(&str, u32)>> = BTreeMap::new();
        for product in products {
            for (i, rel) in product.images.iter().enumerate() {
                sources
                    .entry(rel)
                    .or_default()
                    .push((&product.id, i as u32));
            }
        }
        type Made<'a> = (
            Vec<(&'a str, u32)>,
            std::result::Result<String, ProblemKind>,
        );
        let results: Vec<Made<'_>> = sources
            .into_par_iter()
            .map(|(rel, users)| (users, self.make(root, rel, limits)))
            .collect();
        let mut rows = Vec::new();
        let mut problems = Vec::new();
        for (users, result) in results {
            match result {
                Ok(digest) => rows.extend(users.into_iter().map(|(product, position)| ImageRow {
                    product: product.to_string(),
                    position,
                    digest: digest.clone(),
                })),
                Err(kind) => {
                    problems.extend(users.into_iter().map(|(product, position)| Problem {
                        file: "products.jsonl".into(),
                        line: None,
                        field: format!("{product}.images[{position}]"),
                        kind: kind.clone(),
                    }))
                }
            }
        }
        if problems.is_empty() {
            rows.sort_by(|a, b| (&a.product, a.position).cmp(&(&b.product, b.position)));
            Ok(rows)
        } else {
            Err(problems)
        }
    }

    fn make(
        &self,
        root: &Path,
        rel: &str,
        limits: &Limits,
    ) -> std::result::Result<String, ProblemKind> {
        let bytes = crate::catalog::read_bundle_bytes(root, rel, limits.max_image_bytes)?;
        let digest = hex::encode(Sha256::digest(&bytes));
        // Grid and detail exist for every image; their presence means it was made.
        if [ThumbSize::Grid, ThumbSize::Detail]
            .iter()
            .all(|s| self.path(&digest, *s).exists())
        {
            return Ok(digest);
        }
        let format = check_header(&bytes, rel, limits)?;
        let mut reader = ImageReader::with_format(Cursor::new(&bytes), format);
        reader.limits(decoder_limits(limits));
        let decode_error = |e: image::ImageError| ProblemKind::ImageDecode {
            value: rel.into(),
            detail: e.to_string(),
        };
        let mut image = reader.decode().map_err(decode_error)?;
        // Largest first, each size scaled from the one before: far less filtering work
        // than scaling the camera-size source three times.
        let mut sizes: Vec<ThumbSize> = Self::sizes_for(image.width(), image.height()).collect();
        sizes.sort_by_key(|s| std::cmp::Reverse(s.pixels()));
        for size in sizes {
            image = fit(image, size.pixels()).map_err(decode_error)?;
            let jpeg = thumbnail_jpeg(&image).map_err(decode_error)?;
            let path = self.path(&digest, size);
            write_atomically(&path, &jpeg).map_err(|e| ProblemKind::ImageDecode {
                value: rel.into(),
                detail: e.to_string(),
            })?;
        }
        Ok(digest)
    }
}

/// The image fitted in a `max`×`max` box, never enlarged; bilinear (triangle) filtering
/// with SIMD.
fn fit(image: DynamicImage, max: u32) -> image::ImageResult<DynamicImage> {
    let (w, h) = (image.width(), image.height());
    if w <= max && h <= max {
        return Ok(image);
    }
    let scale = f64::from(max) / f64::from(w.max(h));
    let side = |v: u32| ((f64::from(v) * scale).round() as u32).clamp(1, max);
    // Colour types the resizer lacks are made 8-bit RGB(A) first.
    let image = match image {
        DynamicImage::ImageLuma8(_)
        | DynamicImage::ImageLumaA8(_)
        | DynamicImage::ImageRgb8(_)
        | DynamicImage::ImageRgba8(_) => image,
        other if other.color().has_alpha() => DynamicImage::ImageRgba8(other.to_rgba8()),
        other => DynamicImage::ImageRgb8(other.to_rgb8()),
    };
    let mut out = DynamicImage::new(side(w), side(h), image.color());
    let options = fast_image_resize::ResizeOptions::new().resize_alg(
        fast_image_resize::ResizeAlg::Convolution(fast_image_resize::FilterType::Bilinear),
    );
    fast_image_resize::Resizer::new()
        .resize(&image, &mut out, &options)
        .map_err(|e| {
            image::ImageError::Parameter(image::error::ParameterError::from_kind(
                image::error::ParameterErrorKind::Generic(e.to_string()),
            ))
        })?;
    Ok(out)
}

/// Flattens transparency onto white and encodes a JPEG.
fn thumbnail_jpeg(fitted: &DynamicImage) -> image::ImageResult<Vec<u8>> {
    let rgb = if fitted.color().has_alpha() {
        let rgba = fitted.to_rgba8();
        let mut rgb = RgbImage::new(rgba.width(), rgba.height());
        for (out, px) in rgb.pixels_mut().zip(rgba.pixels()) {
            let alpha = px[3] as u32;
            for c in 0..3 {
                out[c] = ((px[c] as u32 * alpha + 255 * (255 - alpha)) / 255) as u8;
            }
        }
        rgb
    } else {
        fitted.to_rgb8()
    };
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 82).encode_image(&rgb)?;
    Ok(bytes)
}

/// Writes through a temporary file and a rename, so a crash never leaves half a file
/// under the final name.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    fs::write(&tmp, bytes)?;
    fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fitting_keeps_the_shape_and_never_enlarges() {
        let wide =
            DynamicImage::ImageRgb8(RgbImage::from_pixel(3000, 1000, image::Rgb([200, 40, 10])));
        let fitted = fit(wide, 360).unwrap();
        assert_eq!((fitted.width(), fitted.height()), (360, 120));
        // A flat colour stays that colour through the filter.
        assert_eq!(fitted.to_rgb8().get_pixel(180, 60).0, [200, 40, 10]);

        let tall16 = DynamicImage::ImageRgba16(image::ImageBuffer::from_pixel(
            500,
            2000,
            image::Rgba([65535, 0, 0, 65535]),
        ));
        let fitted = fit(tall16, 1080).unwrap();
        assert_eq!((fitted.width(), fitted.height()), (270, 1080));
        assert!(fitted.color().has_alpha());

        let small = DynamicImage::ImageLuma8(image::GrayImage::new(100, 80));
        let fitted = fit(small, 360).unwrap();
        assert_eq!((fitted.width(), fitted.height()), (100, 80));
    }
}
