//! The core's integration tests in one binary (linked once): each module is one area,
//! on real SQLite files and real tantivy indexes in temporary folders. The import's
//! memory test stays a binary of its own (`tests/import_memory.rs`): it counts every
//! allocation of its process.

mod bad_bundles;
mod bindings;
mod catalog;
mod failures;
mod inquiry;
mod insights;
mod locales;
mod properties;
mod relevance;
mod tie_order;

use std::fs;
use std::path::Path;

/// A small valid bundle with no images, written into `dir`: one exhibitor, a category
/// and its child, the given products (a line of `products.jsonl` each).
pub(crate) fn write_small_bundle(dir: &Path, version: &str, products: &[&str]) {
    fs::create_dir_all(dir).unwrap();
    fs::write(
        dir.join("catalog.toml"),
        format!(
            "format = 1\nid = \"test\"\nversion = \"{version}\"\ntitle = {{ en = \"Test\" }}\n\
             default_currency = \"CNY\"\npublished_at = \"2026-11-24T09:00:00Z\"\n"
        ),
    )
    .unwrap();
    fs::write(
        dir.join("categories.toml"),
        "[[category]]\nid = \"food\"\nname = { en = \"Food\", ru = \"Продукты\", zh = \"食品\" }\n\
         [[category]]\nid = \"food/honey\"\nname = { en = \"Honey\", ru = \"Мёд\", zh = \"蜂蜜\" }\n",
    )
    .unwrap();
    fs::write(
        dir.join("exhibitors.jsonl"),
        "{\"id\": \"bee\", \"name\": {\"en\": \"Bee Farm\"}, \"country\": \"RU\"}\n",
    )
    .unwrap();
    fs::write(dir.join("products.jsonl"), products.join("\n")).unwrap();
}
