//! Synthetic but realistic catalogs for benchmarks: products named from the sample
//! catalog's own vocabulary in all three languages, varied by grade, size and origin, in
//! the bundle format, reproducible from a seed.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use crate::error::{Error, Result};
use crate::model::{CatalogData, LocalizedText, Price, PriceTier, Product};

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

/// Writes a bundle of `products` products to `out`, drawing names, categories and
/// exhibitors from `sample` (a valid catalog). Images are not written: a generated
/// bundle measures catalog and search work, not image decoding.
pub fn write_bundle(sample: &CatalogData, products: usize, seed: u64, out: &Path) -> Result<()> {
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
        exhibitors
            .push_str(&serde_json::to_string(&e).map_err(|e| Error::Internal(e.to_string()))?);
        exhibitors.push('\n');
    }
    let path = out.join("exhibitors.jsonl");
    fs::write(&path, exhibitors).map_err(io(&path))?;

    let path = out.join("products.jsonl");
    let mut file = std::io::BufWriter::new(fs::File::create(&path).map_err(io(&path))?);
    for i in 0..products {
        let base = &sample.products[rng.usize(..sample.products.len())];
        let product = variant(base, i, &mut rng);
        let line = serde_json::to_string(&product).map_err(|e| Error::Internal(e.to_string()))?;
        std::io::Write::write_all(&mut file, line.as_bytes()).map_err(io(&path))?;
        std::io::Write::write_all(&mut file, b"\n").map_err(io(&path))?;
    }
    std::io::Write::flush(&mut file).map_err(io(&path))?;
    Ok(())
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
        write_bundle(&sample.data, 300, 7, &dir.path().join("a")).unwrap();
        write_bundle(&sample.data, 300, 7, &dir.path().join("b")).unwrap();
        let a = fs::read(dir.path().join("a/products.jsonl")).unwrap();
        assert_eq!(a, fs::read(dir.path().join("b/products.jsonl")).unwrap());
        let loaded = load(&dir.path().join("a"), &Limits::default(), false);
        assert!(
            loaded.problems.is_empty(),
            "{:?}",
            &loaded.problems[..loaded.problems.len().min(3)]
        );
        assert_eq!(loaded.data.products.len(), 300);
        assert!(
            loaded
                .data
                .products
                .iter()
                .any(|p| p.name.get("zh").is_some_and(|n| n.contains('（')))
        );
    }
}
