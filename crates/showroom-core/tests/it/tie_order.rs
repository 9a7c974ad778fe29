//! Products that score the same come in the catalog's order, page after page, across the
//! index's segments. The index is built by several threads into a few segments, searched
//! side by side; equal scores rank by document address, so the parts must be merged and
//! the segments listed in catalog order, or the order of equal scores would be the order
//! the threads happened to write, different from one build to the next.

use std::fs;
use std::path::Path;

use showroom_core::{Config, Lang, SearchRequest, Showroom};

const PRODUCTS: usize = 3000;

fn write_bundle(dir: &Path) {
    fs::create_dir_all(dir).unwrap();
    fs::write(
        dir.join("catalog.toml"),
        "format = 1\nid = \"ties\"\nversion = \"1\"\n\
         title = { en = \"Ties\" }\ndefault_currency = \"CNY\"\n\
         published_at = \"2026-11-24T09:00:00Z\"\n",
    )
    .unwrap();
    fs::write(
        dir.join("categories.toml"),
        "[[category]]\nid = \"food\"\nname = { en = \"Food\" }\n",
    )
    .unwrap();
    fs::write(
        dir.join("exhibitors.jsonl"),
        "{\"id\": \"bee\", \"name\": {\"en\": \"Bee Farm\"}, \"country\": \"RU\"}\n",
    )
    .unwrap();
    // The same text for every product: every one scores the same for "honey".
    let mut lines = String::new();
    for i in 0..PRODUCTS {
        lines.push_str(&format!(
            "{{\"id\": \"honey-{i:05}\", \"exhibitor\": \"bee\", \"category\": \"food\", \
             \"country\": \"RU\", \"name\": {{\"en\": \"Altai honey\"}}, \"unit\": \"kg\"}}\n"
        ));
    }
    fs::write(dir.join("products.jsonl"), lines).unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn equal_scores_come_in_catalog_order_on_every_page() {
    let root = tempfile::tempdir().unwrap();
    let bundle = root.path().join("bundle");
    write_bundle(&bundle);
    let showroom = Showroom::open(Config::new(root.path().join("data")))
        .await
        .unwrap();
    showroom.import_bundle(&bundle, false).await.unwrap();

    let mut seen = Vec::new();
    // Every page, to the last: the later pages come from the later segments.
    for page in 0..PRODUCTS.div_ceil(200) {
        let found = showroom
            .search(SearchRequest {
                query: "honey".into(),
                lang: Lang::En,
                limit: Some(200),
                offset: Some(page * 200),
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(found.total, PRODUCTS as u64);
        let scores: Vec<f32> = found.hits.iter().map(|h| h.score).collect();
        assert!(
            scores.windows(2).all(|w| w[0] == w[1]),
            "the case needs equal scores: {scores:?}"
        );
        seen.extend(found.hits.into_iter().map(|h| h.id));
    }
    let expected: Vec<String> = (0..PRODUCTS).map(|i| format!("honey-{i:05}")).collect();
    assert_eq!(seen, expected);
}
