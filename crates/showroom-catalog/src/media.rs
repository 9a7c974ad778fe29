//! Product images: content-addressed thumbnails (same source bytes, same files, made
//! once), from images the bundle's rules (`catalog::images`) have checked.

use std::collections::BTreeMap;
use std::fs;
use std::io::{Cursor, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use image::{DynamicImage, ImageDecoder, ImageReader, RgbImage};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use showroom_model::disk::write_atomically;

use crate::error::{Error, Result};
use crate::images::{check_header, decoder_limits};
use crate::model::Product;
use crate::{Limits, Problem, ProblemKind};

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
    /// A JPEG source not much larger than this is kept as it is, tags left out
    /// (`full_as_it_is`).
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

/// One image of one product, as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct ImageRow {
    pub product: String,
    pub position: u32,
    pub digest: String,
}

/// Where thumbnails live: `<dir>/<key>-<size>.jpg`, the key from the source's bytes
/// ([`thumbnail_key`]).
#[derive(Clone, Debug)]
pub struct MediaStore {
    dir: PathBuf,
    /// Thumbnails of one digest are made by one thread at a time (striped by digest), so
    /// two identical images in a bundle, or two imports, make them once.
    locks: Arc<[Mutex<()>]>,
}

/// How many locks the digests are spread over.
const LOCK_STRIPES: usize = 64;

/// The rules the thumbnails are made by. Changed whenever what a thumbnail holds changes
/// (2: the camera's orientation applied, a JPEG near the full size kept), so that no file,
/// and no browser's copy of an address cached for good, made by older rules is used again.
const RULES: &[u8] = b"showroom thumbnails 2\n";

/// The name of a source's thumbnails: the SHA-256 of the rules and the source's bytes.
pub fn thumbnail_key(source: &[u8]) -> String {
    hex::encode(
        Sha256::new()
            .chain_update(RULES)
            .chain_update(source)
            .finalize(),
    )
}

/// Whether the file at `path` is a whole JPEG: it starts with the SOI marker and ends with
/// the EOI marker. A file cut short (a crash, a full disk, a power loss before the data
/// reached the disk) or zero-filled does not.
fn is_whole_jpeg(path: &Path) -> bool {
    let check = || -> std::io::Result<bool> {
        let mut file = fs::File::open(path)?;
        if file.metadata()?.len() < 8 {
            return Ok(false);
        }
        let (mut head, mut tail) = ([0u8; 3], [0u8; 2]);
        file.read_exact(&mut head)?;
        file.seek(SeekFrom::End(-2))?;
        file.read_exact(&mut tail)?;
        Ok(head == [0xFF, 0xD8, 0xFF] && tail == [0xFF, 0xD9])
    };
    check().unwrap_or(false)
}

/// The same check on bytes read already.
pub fn is_whole_jpeg_bytes(bytes: &[u8]) -> bool {
    bytes.len() >= 8 && bytes.starts_with(&[0xFF, 0xD8, 0xFF]) && bytes.ends_with(&[0xFF, 0xD9])
}

impl MediaStore {
    pub fn open(dir: PathBuf) -> Result<Self> {
        fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        let locks: Vec<Mutex<()>> = (0..LOCK_STRIPES).map(|_| Mutex::new(())).collect();
        Ok(MediaStore {
            dir,
            locks: locks.into(),
        })
    }

    /// The thumbnails of `digest` exist and are whole: grid and detail always, full
    /// when it was made (only for large sources).
    fn complete(&self, digest: &str) -> bool {
        let full = self.path(digest, ThumbSize::Full);
        is_whole_jpeg(&self.path(digest, ThumbSize::Grid))
            && is_whole_jpeg(&self.path(digest, ThumbSize::Detail))
            && (!full.exists() || is_whole_jpeg(&full))
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
    /// is decoded once, and `progress(done, total)` told after each. Returns the rows to
    /// store, or the problems of the images that could not be made.
    pub fn prepare(
        &self,
        root: &Path,
        products: &[Product],
        limits: &Limits,
        progress: &(dyn Fn(u64, u64) + Sync),
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
        let total = sources.len() as u64;
        let done = std::sync::atomic::AtomicU64::new(0);
        progress(0, total);
        let results: Vec<Made<'_>> = sources
            .into_par_iter()
            .map(|(rel, users)| {
                let made = self.make(root, rel, limits);
                progress(
                    done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1,
                    total,
                );
                (users, made)
            })
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

    /// Makes the thumbnails of `rel` in the bundle folder `root`, which must be canonical
    /// (as `catalog::load` hands it on), or nothing inside it is found inside it.
    fn make(
        &self,
        root: &Path,
        rel: &str,
        limits: &Limits,
    ) -> std::result::Result<String, ProblemKind> {
        let bytes = crate::read_bundle_bytes(root, rel, limits.max_image_bytes)?;
        let digest = thumbnail_key(&bytes);
        // Made before and whole: nothing to do. A broken file (cut short) is made again.
        if self.complete(&digest) {
            return Ok(digest);
        }
        let stripe = usize::from(Sha256::digest(digest.as_bytes())[0]) % self.locks.len();
        let _one_at_a_time = self.locks[stripe]
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // Another thread may have made them while this one waited.
        if self.complete(&digest) {
            return Ok(digest);
        }
        let format = check_header(&bytes, rel, limits)?;
        let mut reader = ImageReader::with_format(Cursor::new(&bytes), format);
        reader.limits(decoder_limits(limits));
        let decode_error = |e: image::ImageError| ProblemKind::ImageDecode {
            value: rel.into(),
            detail: e.to_string(),
        };
        let write_error = |e: std::io::Error| ProblemKind::ImageDecode {
            value: rel.into(),
            detail: e.to_string(),
        };
        let mut decoder = reader.into_decoder().map_err(decode_error)?;
        // A camera's "rotate me" tag is applied here: the thumbnails carry no tags.
        let orientation = decoder
            .orientation()
            .unwrap_or(image::metadata::Orientation::NoTransforms);
        let mut image = DynamicImage::from_decoder(decoder).map_err(decode_error)?;
        image.apply_orientation(orientation);
        // Largest first, each size scaled from the one before: far less filtering work
        // than scaling the camera-size source three times.
        let mut sizes: Vec<ThumbSize> = Self::sizes_for(image.width(), image.height()).collect();
        sizes.sort_by_key(|s| std::cmp::Reverse(s.pixels()));
        for size in sizes {
            let path = self.path(&digest, size);
            if size == ThumbSize::Full
                && format == image::ImageFormat::Jpeg
                && orientation == image::metadata::Orientation::NoTransforms
                && let Some(kept) = full_as_it_is(&bytes, image.width(), image.height())
            {
                write_atomically(&path, &kept).map_err(write_error)?;
                continue;
            }
            image = fit(image, size.pixels()).map_err(decode_error)?;
            let jpeg = thumbnail_jpeg(&image).map_err(decode_error)?;
            write_atomically(&path, &jpeg).map_err(write_error)?;
        }
        Ok(digest)
    }
}

/// How far past [`ThumbSize::Full`] a JPEG source may be and still serve as the full-size
/// image itself: scaling 2,000 px down to 1,920 and encoding it again costs half of an
/// import's time per photograph and buys nothing a screen shows.
const FULL_SLACK: f64 = 1.1;

/// The bytes of a JPEG source `width`×`height` to keep as its full-size image, when it
/// may be: at most [`FULL_SLACK`] past the full size, no heavier than a photograph of
/// that size needs to be (3/8 of a byte per pixel), and a plain JPEG (Huffman coded,
/// grey or YCbCr). Everything but the picture is left out: camera and location tags,
/// colour profiles, comments, and anything after the end of the image.
fn full_as_it_is(bytes: &[u8], width: u32, height: u32) -> Option<Vec<u8>> {
    let full = f64::from(ThumbSize::Full.pixels());
    if f64::from(width.max(height)) > full * FULL_SLACK {
        return None;
    }
    let budget = u64::from(width) * u64::from(height) * 3 / 8;
    let kept = jpeg_picture_only(bytes)?;
    (kept.len() as u64 <= budget).then_some(kept)
}

/// The segments of a JPEG that make its picture (tables, frame, scans) under a plain JFIF
/// header of our own, without anything else (EXIF, XMP, ICC, other headers, comments,
/// trailing bytes); or `None` when it is not a JPEG this can vouch for: arithmetic coded,
/// lossless, CMYK, two frames, malformed, or one whose colours a browser could read other
/// than our decoder does (RGB-coded, by an Adobe transform other than YCbCr or by
/// components named R, G, B): the browser, seeing JFIF, reads three components as YCbCr.
pub(crate) fn jpeg_picture_only(bytes: &[u8]) -> Option<Vec<u8>> {
    const SOI: u8 = 0xD8;
    const EOI: u8 = 0xD9;
    const SOS: u8 = 0xDA;
    /// JFIF 1.01, no units, square pixels, no thumbnail.
    const JFIF: [u8; 18] = [
        0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00,
        0x01, 0x00, 0x00,
    ];
    let mut out = Vec::with_capacity(bytes.len());
    if bytes.get(..2)? != [0xFF, SOI] {
        return None;
    }
    out.extend_from_slice(&[0xFF, SOI]);
    out.extend_from_slice(&JFIF);
    let mut at = 2;
    let mut frame = false;
    loop {
        if *bytes.get(at)? != 0xFF {
            return None;
        }
        // Fill bytes before a marker.
        while *bytes.get(at + 1)? == 0xFF {
            at += 1;
        }
        let marker = bytes[at + 1];
        if marker == EOI {
            out.extend_from_slice(&[0xFF, EOI]);
            return frame.then_some(out);
        }
        let length = usize::from(u16::from_be_bytes([
            *bytes.get(at + 2)?,
            *bytes.get(at + 3)?,
        ]));
        if length < 2 {
            return None;
        }
        let segment = bytes.get(at..at + 2 + length)?;
        at += 2 + length;
        match marker {
            // Baseline, extended and progressive frames, Huffman coded, 1 or 3 components,
            // and only one frame.
            0xC0..=0xC2 => {
                if frame {
                    return None;
                }
                match segment.get(9) {
                    Some(1) => {}
                    Some(3) => {
                        let ids = [*segment.get(10)?, *segment.get(13)?, *segment.get(16)?];
                        if ids == *b"RGB" {
                            return None;
                        }
                    }
                    _ => return None,
                }
                frame = true;
                out.extend_from_slice(segment);
            }
            // Other frame types: lossless, hierarchical, arithmetic.
            0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => return None,
            // Adobe: only its YCbCr transform (1) reads as JFIF's does; not kept.
            0xEE if segment.get(4..9) == Some(b"Adobe") => {
                if segment.get(15) != Some(&1) {
                    return None;
                }
            }
            // Tables and the restart interval.
            0xC4 | 0xDB | 0xDD | 0xCC => out.extend_from_slice(segment),
            SOS => {
                if !frame {
                    return None;
                }
                out.extend_from_slice(segment);
                // The entropy-coded data runs to the next marker that is neither a
                // stuffed 0xFF00 nor a restart.
                let start = at;
                loop {
                    let next = at + bytes.get(at..)?.iter().position(|&b| b == 0xFF)?;
                    match *bytes.get(next + 1)? {
                        0x00 | 0xD0..=0xD7 | 0xFF => at = next + 1,
                        _ => {
                            at = next;
                            break;
                        }
                    }
                }
                out.extend_from_slice(&bytes[start..at]);
            }
            // Every other application segment (the source's own JFIF header too) and
            // comments are left out.
            0xE0..=0xEF | 0xFE => {}
            _ => return None,
        }
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

/// Flattens transparency onto white and encodes a JPEG (quality 82, chroma halved both
/// ways as cameras do). `jpeg-encoder` with SIMD takes about a fifth of the time of the
/// `image` crate's encoder, which spent most of an import's time on photographs.
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
    let (Ok(width), Ok(height)) = (u16::try_from(rgb.width()), u16::try_from(rgb.height())) else {
        return Err(encode_error("a thumbnail larger than a JPEG can be"));
    };
    let mut bytes = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut bytes, 82);
    encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_2_0);
    encoder
        .encode(rgb.as_raw(), width, height, jpeg_encoder::ColorType::Rgb)
        .map_err(|e| encode_error(&e.to_string()))?;
    Ok(bytes)
}

fn encode_error(detail: &str) -> image::ImageError {
    image::ImageError::Encoding(image::error::EncodingError::new(
        image::error::ImageFormatHint::Exact(image::ImageFormat::Jpeg),
        detail.to_string(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A bundle folder with one PNG of `w`×`h` pixels at `images/a.png`.
    fn bundle_with_image(w: u32, h: u32) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("images")).unwrap();
        let image = RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
        });
        image.save(dir.path().join("images/a.png")).unwrap();
        dir
    }

    #[test]
    fn threads_making_the_same_thumbnails_all_succeed() {
        let bundle = bundle_with_image(1300, 900);
        // Canonical, as `catalog::load` hands it on (on Windows, a `\\?\` path).
        let root = bundle.path().canonicalize().unwrap();
        let limits = Limits::default();
        for round in 0..12 {
            let media = tempfile::tempdir().unwrap();
            let threads = 4;
            let barrier = std::sync::Barrier::new(threads);
            let results: Vec<_> = std::thread::scope(|scope| {
                let handles: Vec<_> = (0..threads)
                    .map(|_| {
                        // Separate stores on one folder, as two imports (or two
                        // processes) would have.
                        let store = MediaStore::open(media.path().to_path_buf()).unwrap();
                        let (barrier, limits, root) = (&barrier, &limits, &root);
                        scope.spawn(move || {
                            barrier.wait();
                            store.make(root, "images/a.png", limits)
                        })
                    })
                    .collect();
                handles.into_iter().map(|h| h.join().unwrap()).collect()
            });
            for result in &results {
                assert!(result.is_ok(), "round {round}: {result:?}");
            }
            let names: Vec<String> = fs::read_dir(media.path())
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            assert_eq!(
                names.len(),
                3,
                "round {round}: one file per size, no leftovers: {names:?}"
            );
            for name in &names {
                let bytes = fs::read(media.path().join(name)).unwrap();
                image::load_from_memory(&bytes).unwrap();
            }
        }
    }

    #[test]
    fn a_broken_thumbnail_is_made_again() {
        let bundle = bundle_with_image(1300, 900);
        let root = bundle.path().canonicalize().unwrap();
        let limits = Limits::default();
        let media = tempfile::tempdir().unwrap();
        let store = MediaStore::open(media.path().to_path_buf()).unwrap();
        let digest = store.make(&root, "images/a.png", &limits).unwrap();
        for size in ThumbSize::ALL {
            let path = store.path(&digest, size);
            let whole = fs::read(&path).unwrap();
            // Cut short, as a crash or a full disk leaves it.
            fs::write(&path, &whole[..whole.len() / 2]).unwrap();
            store.make(&root, "images/a.png", &limits).unwrap();
            let again = fs::read(&path).unwrap();
            assert_eq!(again.len(), whole.len(), "{size:?}");
            image::load_from_memory(&again).unwrap();
            // Zero-filled, as a power loss can leave it.
            fs::write(&path, vec![0u8; whole.len()]).unwrap();
            store.make(&root, "images/a.png", &limits).unwrap();
            image::load_from_memory(&store.read(&digest, size).unwrap()).unwrap();
        }
    }

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
    /// A photograph-like JPEG of `w`×`h` (quality 85), with an EXIF segment whose
    /// orientation is `orientation` and which names a place, and a comment.
    fn camera_jpeg(w: u32, h: u32, orientation: u16) -> Vec<u8> {
        let pixels = RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([
                (x / 8 % 256) as u8,
                (y / 8 % 256) as u8,
                ((x + y) / 16 % 256) as u8,
            ])
        });
        let mut exif = b"Exif\0\0MM\0*\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01".to_vec();
        exif.extend_from_slice(&orientation.to_be_bytes());
        exif.extend_from_slice(b"\0\0\0\0\0\0GPS 36.07N 120.38E");
        let mut bytes = Vec::new();
        let mut encoder = jpeg_encoder::Encoder::new(&mut bytes, 85);
        encoder.add_app_segment(1, &exif).unwrap();
        encoder
            .encode(
                pixels.as_raw(),
                w as u16,
                h as u16,
                jpeg_encoder::ColorType::Rgb,
            )
            .unwrap();
        // A comment, and bytes past the end of the picture.
        let mut out = bytes[..2].to_vec();
        out.extend_from_slice(&[0xFF, 0xFE, 0x00, 0x0A]);
        out.extend_from_slice(b"Qingdao!");
        out.extend_from_slice(&bytes[2..]);
        out.extend_from_slice(b"<script>trailing</script>");
        out
    }

    fn made(bytes: &[u8]) -> (tempfile::TempDir, MediaStore, String) {
        let bundle = tempfile::tempdir().unwrap();
        fs::create_dir_all(bundle.path().join("images")).unwrap();
        fs::write(bundle.path().join("images/a.jpg"), bytes).unwrap();
        let root = bundle.path().canonicalize().unwrap();
        let media = tempfile::tempdir().unwrap();
        let store = MediaStore::open(media.path().to_path_buf()).unwrap();
        let digest = store
            .make(&root, "images/a.jpg", &Limits::default())
            .unwrap();
        // The bundle may go; the thumbnails stay in `media`.
        drop(bundle);
        (media, store, digest)
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn a_jpeg_near_the_full_size_is_kept_as_it_is_without_its_tags() {
        let source = camera_jpeg(2000, 1500, 1);
        assert!(contains(&source, b"GPS") && contains(&source, b"Qingdao"));
        let (_media, store, digest) = made(&source);
        let full = store.read(&digest, ThumbSize::Full).unwrap();
        assert!(is_whole_jpeg_bytes(&full));
        for tag in [&b"Exif"[..], b"GPS", b"Qingdao", b"script"] {
            assert!(!contains(&full, tag), "{}", String::from_utf8_lossy(tag));
        }
        // The same picture, pixel for pixel, at its own size.
        let before = image::load_from_memory(&source).unwrap().to_rgb8();
        let after = image::load_from_memory(&full).unwrap().to_rgb8();
        assert_eq!(after.dimensions(), (2000, 1500));
        assert!(before == after);
        let detail =
            image::load_from_memory(&store.read(&digest, ThumbSize::Detail).unwrap()).unwrap();
        assert_eq!((detail.width(), detail.height()), (1080, 810));
        assert!(!contains(
            &store.read(&digest, ThumbSize::Grid).unwrap(),
            b"GPS"
        ));
    }

    #[test]
    fn a_much_larger_or_turned_jpeg_is_made_again() {
        // Well past the full size: scaled to it.
        let (_media, store, digest) = made(&camera_jpeg(2400, 1200, 1));
        let full = image::load_from_memory(&store.read(&digest, ThumbSize::Full).unwrap()).unwrap();
        assert_eq!((full.width(), full.height()), (1920, 960));

        // Taken with the camera on its side (EXIF orientation 6: turn 90° clockwise): every
        // size is upright and carries no tag to turn it again.
        let (_media, store, digest) = made(&camera_jpeg(2000, 1500, 6));
        for (size, want) in [
            (ThumbSize::Full, (1440, 1920)),
            (ThumbSize::Detail, (810, 1080)),
            (ThumbSize::Grid, (270, 360)),
        ] {
            let bytes = store.read(&digest, size).unwrap();
            assert!(!contains(&bytes, b"Exif"), "{size:?}");
            let image = image::load_from_memory(&bytes).unwrap();
            assert_eq!((image.width(), image.height()), want, "{size:?}");
        }
    }

    #[test]
    fn only_plain_light_jpegs_are_kept() {
        let source = camera_jpeg(400, 300, 1);
        assert!(jpeg_picture_only(&source).is_some());
        // Heavier than a photograph of its size needs: made again.
        assert!(full_as_it_is(&source, 40, 30).is_none());
        assert!(full_as_it_is(&source, 400, 300).is_some());
        // CMYK (four components), cut short, or not a JPEG: not vouched for.
        let sof = source.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
        let mut cmyk = source.clone();
        cmyk[sof + 9] = 4;
        assert!(jpeg_picture_only(&cmyk).is_none());
        assert!(jpeg_picture_only(&source[..source.len() / 2]).is_none());
        // Colours a browser could read other than our decoder: components named R, G, B,
        // or an Adobe transform other than YCbCr. Adobe's YCbCr is what JFIF says: kept,
        // under our own JFIF header alone.
        let mut rgb = source.clone();
        rgb[sof + 10] = b'R';
        rgb[sof + 13] = b'G';
        rgb[sof + 16] = b'B';
        assert!(jpeg_picture_only(&rgb).is_none());
        let adobe = |transform: u8| {
            let mut with = source[..2].to_vec();
            with.extend_from_slice(&[0xFF, 0xEE, 0x00, 0x0E]);
            with.extend_from_slice(b"Adobe\x00\x64\x00\x00\x00\x00");
            with.push(transform);
            with.extend_from_slice(&source[2..]);
            with
        };
        assert!(jpeg_picture_only(&adobe(0)).is_none());
        let kept = jpeg_picture_only(&adobe(1)).unwrap();
        assert!(!contains(&kept, b"Adobe"));
        assert_eq!(kept.windows(2).filter(|w| *w == [0xFF, 0xE0]).count(), 1);
        assert_eq!(&kept[6..11], b"JFIF\0");
        // Two frames in one file.
        let frame_end =
            sof + 2 + usize::from(u16::from_be_bytes([source[sof + 2], source[sof + 3]]));
        let mut twice = source[..frame_end].to_vec();
        twice.extend_from_slice(&source[sof..]);
        assert!(jpeg_picture_only(&twice).is_none());
        assert!(jpeg_picture_only(b"GIF89a").is_none());
        assert!(jpeg_picture_only(&[]).is_none());
    }
}
