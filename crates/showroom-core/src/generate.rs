//! Synthetic but realistic catalogs for benchmarks: products named from the sample
//! catalog's own vocabulary in all three languages, varied by grade, size and origin, in
//! the bundle format, reproducible from a seed.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use image::RgbImage;
use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::model::{CatalogData, LocalizedText, Price, PriceTier, Product};

/// What to generate.
#[derive(Clone, Debug)]
pub struct Options<'a> {
    /// A valid catalog whose names, categories and exhibitors are reused.
    pub sample: &'a CatalogData,
    /// Where the sample's images are, when pictures are wanted.
    pub sample_dir: &'a Path,
    pub products: usize,
    /// Distinct pictures to make (0 for none): variations of the sample product's own
    /// cover, at camera size, so import does real decoding and thumbnail work.
    pub images: usize,
    pub seed: u64,
}

/// The long side of generated pictures, in pixels: larger than every thumbnail size.
const PICTURE_SIDE: u32 = 2000;

/// Grades a name may take, in en, ru, zh.
const GRADES: [(&str, &str, &str); 8] = [
    ("Premium", "Премиум", "特级"),
    ("Organic", "Органический", "有机"),
    ("Select", "Отборный", "精选"),
    ("Classic", "Классический", "经典"),
    ("Farm", "Фермерский", "农家"),
    ("Mountain", "Горный", "高山"),
    ("Export", "Экспортный", "出口级"),
    ("Gift", "Подарочный", "礼品装"),
];
const SIZES: [&str; 8] = [
    "100 g", "250 g", "500 g", "1 kg", "2 kg", "5 kg", "0.5 l", "1 l",
];

fn io(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |e| Error::io(path, e)
}

/// Writes a bundle of `options.products` products to `out`, drawing names, categories and
/// exhibitors from the sample, with `options.images` distinct pictures.
pub fn write_bundle(options: &Options, out: &Path) -> Result<()> {
    let Options {
        sample,
        products,
        seed,
        ..
    } = *options;
    if sample.products.is_empty() {
        return Err(Error::BadRequest(
            "the sample catalog has no products".into(),
        ));
    }
    let mut rng = fastrand::Rng::with_seed(seed);
    fs::create_dir_all(out).map_err(io(out))?;
    let manifest = format!(
        "format = 1\nid = \"generated-{products}\"\nversion = \"gen-{seed}-{products}\"\n\
         title = {{ zh = \"生成目录\", ru = \"Сгенерированный каталог\", en = \"Generated catalog\" }}\n\
         default_currency = \"CNY\"\npublished_at = \"2026-11-26T00:00:00Z\"\n"
    );
    let path = out.join("catalog.toml");
    fs::write(&path, manifest).map_err(io(&path))?;

    let mut categories = String::new();
    for c in &sample.categories {
        let names: Vec<String> = c
            .name
            .iter()
            .map(|(k, v)| format!("{k} = {}", toml_string(v)))
            .collect();
        let _ = writeln!(
            categories,
            "[[category]]\nid = \"{}\"\nname = {{ {} }}\n",
            c.id,
            names.join(", ")
        );
    }
    let path = out.join("categories.toml");
    fs::write(&path, categories).map_err(io(&path))?;

    // Exhibitors without booths: a generated bundle has no hall map.
    let mut exhibitors = String::new();
    for e in &sample.exhibitors {
        let mut e = e.clone();
        e.booth = None;
        exhibitors.push_str(&serde_json::to_string(&e)?);
        exhibitors.push('\n');
    }
    let path = out.join("exhibitors.jsonl");
    fs::write(&path, exhibitors).map_err(io(&path))?;

    let path = out.join("products.jsonl");
    let mut file = std::io::BufWriter::new(fs::File::create(&path).map_err(io(&path))?);
    // The first products each get a new picture of their own kind; later ones reuse a
    // picture of the same kind, as a catalog reuses photographs across pack sizes.
    let mut pictures: Vec<(String, PathBuf, u64)> = Vec::new();
    let mut by_base: HashMap<usize, Vec<String>> = HashMap::new();
    for i in 0..products {
        let b = rng.usize(..sample.products.len());
        let base = &sample.products[b];
        let mut product = variant(base, i, &mut rng);
        if let Some(cover) = base.images.first().filter(|_| options.images > 0) {
            let made = by_base.entry(b).or_default();
            if pictures.len() < options.images {
                let rel = format!("images/gen-{:07}.jpg", pictures.len());
                pictures.push((rel.clone(), options.sample_dir.join(cover), rng.u64(..)));
                made.push(rel);
            }
            if !made.is_empty() {
                product.images = vec![made[rng.usize(..made.len())].clone()];
            }
        }
        let line = serde_json::to_string(&product)?;
        std::io::Write::write_all(&mut file, line.as_bytes()).map_err(io(&path))?;
        std::io::Write::write_all(&mut file, b"\n").map_err(io(&path))?;
    }
    std::io::Write::flush(&mut file).map_err(io(&path))?;
    write_pictures(&pictures, out)
}

/// Makes every picture on all cores, decoding each sample cover once.
fn write_pictures(pictures: &[(String, PathBuf, u64)], out: &Path) -> Result<()> {
    if pictures.is_empty() {
        return Ok(());
    }
    let dir = out.join("images");
    fs::create_dir_all(&dir).map_err(io(&dir))?;
    let mut sources: Vec<&PathBuf> = pictures.iter().map(|(_, source, _)| source).collect();
    sources.sort();
    sources.dedup();
    let decoded: HashMap<&PathBuf, RgbImage> = sources
        .par_iter()
        .map(|source| {
            let image = image::open(source)
                .map_err(|e| Error::internal_from(source.display().to_string(), e))?;
            Ok((*source, image.into_rgb8()))
        })
        .collect::<Result<_>>()?;
    pictures.par_iter().try_for_each(|(rel, source, seed)| {
        let picture = vary(&decoded[source], *seed);
        let path = out.join(rel);
        let mut bytes = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 85)
            .encode_image(&picture)
            .map_err(|e| Error::internal_from(format!("the JPEG of {rel}"), e))?;
        fs::write(&path, bytes).map_err(io(&path))
    })
}

/// A different photograph of the same thing: another crop, scale, mirror and light.
fn vary(source: &RgbImage, seed: u64) -> RgbImage {
    let mut rng = fastrand::Rng::with_seed(seed);
    let (w, h) = source.dimensions();
    let keep = 0.7 + rng.f32() * 0.3;
    let (cw, ch) = (
        ((w as f32 * keep) as u32).max(1),
        ((h as f32 * keep) as u32).max(1),
    );
    let (x, y) = (rng.u32(0..=w - cw), rng.u32(0..=h - ch));
    let cropped = image::imageops::crop_imm(source, x, y, cw, ch).to_image();
    let short = |side: u32| ((side as f32 * PICTURE_SIDE as f32 / cw.max(ch) as f32) as u32).max(1);
    let (width, height) = if cw >= ch {
        (PICTURE_SIDE, short(ch))
    } else {
        (short(cw), PICTURE_SIDE)
    };
    let mut out = image::imageops::resize(
        &cropped,
        width,
        height,
        image::imageops::FilterType::Triangle,
    );
    if rng.bool() {
        image::imageops::flip_horizontal_in_place(&mut out);
    }
    let light: [i16; 3] = std::array::from_fn(|_| rng.i16(-24..=24));
    for pixel in out.pixels_mut() {
        for (channel, shift) in pixel.0.iter_mut().zip(light) {
            *channel = (i16::from(*channel) + shift).clamp(0, 255) as u8;
        }
    }
    out
}

fn toml_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into())
}

fn variant(base: &Product, i: usize, rng: &mut fastrand::Rng) -> Product {
    let (en, ru, zh) = GRADES[rng.usize(..GRADES.len())];
    let size = SIZES[rng.usize(..SIZES.len())];
    let mut name = LocalizedText::new();
    for (lang, text) in &base.name {
        let graded = match lang.as_str() {
            "en" => format!("{en} {text}, {size}"),
            "ru" => format!("{ru} — {text}, {size}"),
            "zh" => format!("{zh}{text}（{size}）"),
            _ => format!("{text} {size}"),
        };
        name.insert(lang.clone(), graded.chars().take(200).collect());
    }
    let factor = 0.6 + rng.f64() * 0.8;
    let price = base.price.as_ref().map(|p| Price {
        currency: p.currency.clone(),
        tiers: p
            .tiers
            .iter()
            .map(|t| PriceTier {
                min_qty: t.min_qty,
                unit_price: ((t.unit_price * factor) * 100.0).round().max(1.0) / 100.0,
            })
            .collect(),
    });
    let day = 1 + rng.u32(0..28);
    Product {
        id: format!("gen-{i:07}"),
        name,
        price,
        images: Vec::new(),
        tags: match rng.u8(..20) {
            0 => vec!["featured".into()],
            1 => vec!["new".into()],
            _ => Vec::new(),
        },
        updated_at: Some(format!("2026-{:02}-{day:02}T08:00:00Z", 1 + rng.u32(0..11))),
        ..base.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Limits, load};

    #[test]
    fn generated_bundles_are_valid_and_reproducible() {
        let sample = load(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("../../catalog"),
            &Limits::default(),
            false,
        );
        let dir = tempfile::tempdir().unwrap();
        let options = Options {
            sample: &sample.data,
            sample_dir: &Path::new(env!("CARGO_MANIFEST_DIR")).join("../../catalog"),
            products: 300,
            images: 3,
            seed: 7,
        };
        write_bundle(&options, &dir.path().join("a")).unwrap();
        write_bundle(&options, &dir.path().join("b")).unwrap();
        let a = fs::read(dir.path().join("a/products.jsonl")).unwrap();
        assert_eq!(a, fs::read(dir.path().join("b/products.jsonl")).unwrap());
        let loaded = load(&dir.path().join("a"), &Limits::default(), false);
        assert!(
            loaded.problems.is_empty(),
            "{:?}",
            &loaded.problems[..loaded.problems.len().min(3)]
        );
        assert_eq!(loaded.data.products.len(), 300);
        let mut pictures: Vec<&String> = loaded
            .data
            .products
            .iter()
            .flat_map(|p| &p.images)
            .collect();
        let with_picture = pictures.len();
        pictures.sort();
        pictures.dedup();
        assert_eq!(pictures.len(), 3, "as many distinct pictures as asked");
        assert!(with_picture > 3, "pictures are reused across products");
        let first = dir.path().join("a").join(pictures[0]);
        let size = image::image_dimensions(&first).unwrap();
        assert_eq!(size.0.max(size.1), PICTURE_SIDE);
        assert!(
            loaded
                .data
                .products
                .iter()
                .any(|p| p.name.get("zh").is_some_and(|n| n.contains('（')))
        );
    }
}
