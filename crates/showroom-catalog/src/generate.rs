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
    /// Exhibitors to make, each at a booth of a generated hall map (0: the sample's own
    /// exhibitors, without booths or a hall map).
    pub exhibitors: usize,
    pub seed: u64,
}

/// Booths in a row of a generated hall, and rows in a hall.
const BOOTHS_PER_ROW: usize = 20;
const ROWS_PER_HALL: usize = 12;
/// A booth's side and the aisle around it, in metres.
const BOOTH_SIDE: f64 = 3.5;
const BOOTH_PITCH: f64 = 4.5;

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

    // The sample's exhibitors without booths, or as many as asked, each the sample's
    // exhibitor k % n again (its country, city and goods), at a booth of its own.
    let made = if options.exhibitors == 0 {
        sample.exhibitors.len()
    } else {
        options.exhibitors
    };
    let n = sample.exhibitors.len().max(1);
    let mut exhibitors = String::new();
    for k in 0..made {
        let Some(base) = sample.exhibitors.get(k % n) else {
            break;
        };
        let mut e = base.clone();
        e.booth = None;
        if options.exhibitors > 0 {
            e.id = format!("gen-ex-{k:05}");
            e.booth = Some(booth_id(k));
            if k >= n {
                for name in e.name.values_mut() {
                    *name = format!("{name} {}", k / n + 1);
                }
            }
        }
        exhibitors.push_str(&serde_json::to_string(&e)?);
        exhibitors.push('\n');
    }
    let path = out.join("exhibitors.jsonl");
    fs::write(&path, exhibitors).map_err(io(&path))?;
    if options.exhibitors > 0 {
        write_hall(options.exhibitors, out)?;
    }
    // A product of the sample's exhibitor i goes to one of that exhibitor's copies.
    let index: HashMap<&str, usize> = sample
        .exhibitors
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.as_str(), i))
        .collect();

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
        if options.exhibitors > 0
            && let Some(&first) = index.get(base.exhibitor.as_str())
        {
            let k = if first < options.exhibitors {
                let copies = (options.exhibitors - first).div_ceil(n);
                first + n * rng.usize(..copies)
            } else {
                first % options.exhibitors
            };
            product.exhibitor = format!("gen-ex-{k:05}");
        }
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

fn booth_id(k: usize) -> String {
    let per_hall = BOOTHS_PER_ROW * ROWS_PER_HALL;
    format!("G{}-{:03}", k / per_hall + 1, k % per_hall + 1)
}

/// `hall.toml` with enough halls for `booths` booths in rows, aisles between them.
fn write_hall(booths: usize, out: &Path) -> Result<()> {
    let per_hall = BOOTHS_PER_ROW * ROWS_PER_HALL;
    let margin = BOOTH_PITCH - BOOTH_SIDE;
    let width = margin + BOOTHS_PER_ROW as f64 * BOOTH_PITCH;
    let height = margin + ROWS_PER_HALL as f64 * BOOTH_PITCH;
    let mut text = String::new();
    for h in 0..booths.div_ceil(per_hall) {
        let _ = writeln!(
            text,
            "[[hall]]\nid = \"G{n}\"\nname = {{ zh = \"G{n}馆\", ru = \"Павильон G{n}\", en = \"Hall G{n}\" }}\n\
             width = {width:.1}\nheight = {height:.1}\n",
            n = h + 1
        );
    }
    for k in 0..booths {
        let at = k % per_hall;
        let (row, col) = (at / BOOTHS_PER_ROW, at % BOOTHS_PER_ROW);
        let _ = writeln!(
            text,
            "[[booth]]\nid = \"{}\"\nhall = \"G{}\"\nx = {:.1}\ny = {:.1}\nw = {BOOTH_SIDE:.1}\nh = {BOOTH_SIDE:.1}\n",
            booth_id(k),
            k / per_hall + 1,
            margin + col as f64 * BOOTH_PITCH,
            margin + row as f64 * BOOTH_PITCH,
        );
    }
    let path = out.join("hall.toml");
    fs::write(&path, text).map_err(io(&path))
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
    use crate::{Limits, load};

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
            exhibitors: 0,
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

    #[test]
    fn hundreds_of_exhibitors_stand_at_booths_of_a_valid_hall_map() {
        let sample_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../catalog");
        let sample = crate::load(&sample_dir, &crate::Limits::default(), false);
        let dir = tempfile::tempdir().unwrap();
        for exhibitors in [500, 10] {
            let out = dir.path().join(format!("e{exhibitors}"));
            let options = Options {
                sample: &sample.data,
                sample_dir: &sample_dir,
                products: 2000,
                images: 0,
                exhibitors,
                seed: 3,
            };
            write_bundle(&options, &out).unwrap();
            let bundle = crate::load(&out, &crate::Limits::default(), false);
            assert!(
                bundle.is_valid(),
                "{:?}",
                &bundle.problems[..bundle.problems.len().min(3)]
            );
            assert_eq!(bundle.data.exhibitors.len(), exhibitors);
            assert_eq!(bundle.data.booths.len(), exhibitors);
            assert_eq!(bundle.data.halls.len(), exhibitors.div_ceil(240));
            let used: std::collections::HashSet<&str> = bundle
                .data
                .products
                .iter()
                .map(|p| p.exhibitor.as_str())
                .collect();
            assert!(
                used.len() > exhibitors * 9 / 10,
                "{} of {exhibitors} have goods",
                used.len()
            );
        }
    }
}
