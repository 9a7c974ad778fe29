//! The core on real SQLite files and a real tantivy index in temporary folders, fed the
//! repository's sample catalog and hand-made bad bundles.

use std::fs;
use std::path::{Path, PathBuf};

use showroom_core::catalog::{self, Limits, ProblemKind};

use crate::write_small_bundle;
use showroom_core::{
    Config, Error, Lang, QueryReading, RelatedBy, SearchRequest, Showroom, ThumbSize,
};

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../catalog")
}

fn request(query: &str, lang: Lang) -> SearchRequest {
    SearchRequest {
        query: query.into(),
        lang,
        limit: Some(10),
        ..Default::default()
    }
}

async fn top_ids(showroom: &Showroom, query: &str, lang: Lang) -> Vec<String> {
    let response = showroom.search(request(query, lang)).await.unwrap();
    response.hits.into_iter().map(|h| h.id).collect()
}

const HONEY: &str = r#"{"id": "honey-1", "exhibitor": "bee", "category": "food/honey", "country": "RU", "name": {"zh": "阿尔泰蜂蜜", "ru": "Алтайский мёд", "en": "Altai honey"}, "unit": "kg"}"#;
const TEA: &str = r#"{"id": "tea-1", "exhibitor": "bee", "category": "food", "country": "RU", "name": {"en": "Ivan tea"}, "unit": "kg"}"#;

#[test]
fn sample_catalog_is_valid_and_real() {
    let bundle = catalog::load(&sample(), &Limits::default(), false);
    let problems: Vec<String> = bundle
        .problems
        .iter()
        .map(|p| p.localize(Lang::En))
        .collect();
    assert!(problems.is_empty(), "{problems:#?}");
    let data = &bundle.data;
    assert!(
        data.products.len() >= 30,
        "{} products",
        data.products.len()
    );
    let countries: std::collections::BTreeSet<&str> =
        data.products.iter().map(|p| p.country.as_str()).collect();
    assert!(countries.len() >= 8, "{countries:?}");
    let trilingual = data
        .products
        .iter()
        .filter(|p| ["zh", "ru", "en"].iter().all(|l| p.name.contains_key(*l)))
        .count();
    assert!(
        trilingual * 10 >= data.products.len() * 8,
        "{trilingual} of {} in three languages",
        data.products.len()
    );
    assert!(
        data.products.iter().all(|p| !p.images.is_empty()),
        "every product has a picture"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn sample_catalog_imports_and_answers_in_three_languages() {
    let data = tempfile::tempdir().unwrap();
    let showroom = Showroom::open(Config::new(data.path())).await.unwrap();
    let report = showroom.import_bundle(&sample(), false).await.unwrap();
    assert!(report.changed);
    assert!(report.images > 0);

    for (query, lang) in [
        ("мёд", Lang::Ru),
        ("honey", Lang::En),
        ("蜂蜜", Lang::Zh),
        ("hon", Lang::En),
        ("мёда", Lang::Ru),
    ] {
        let ids = top_ids(&showroom, query, lang).await;
        assert!(
            ids.iter().take(3).all(|id| id.contains("honey")) && !ids.is_empty(),
            "{query}: {ids:?}"
        );
    }
    let ids = top_ids(&showroom, "шоколад Алёнка", Lang::Ru).await;
    assert_eq!(
        ids.first().map(String::as_str),
        Some("ru-alenka-milk-chocolate-100g"),
        "{ids:?}"
    );

    // An English plural in -ves finds the singular in -fe.
    let ids = top_ids(&showroom, "knives", Lang::En).await;
    assert_eq!(
        ids.first().map(String::as_str),
        Some("uz-chust-pichoq-knife"),
        "{ids:?}"
    );
    // Keys typed in the Latin layout that reach a catalog word only by a typo ("kerev" is
    // one letter from Yerevan) are read in the Russian layout when that is a word: лукум.
    let lokum = showroom.search(request("kerev", Lang::Ru)).await.unwrap();
    assert_eq!(lokum.corrected.as_deref(), Some("лукум"));
    assert_eq!(lokum.hits[0].id, "tr-rose-lokum", "{:?}", lokum.hits);

    // Facets count every match; a filter narrows the hits to it.
    let all = showroom.search(request("", Lang::En)).await.unwrap();
    assert_eq!(all.total as u32, report.products);
    assert_eq!(all.facets.country.values().sum::<u64>(), all.total);
    let by_country = showroom
        .search(SearchRequest {
            country: Some("UZ".into()),
            ..request("", Lang::En)
        })
        .await
        .unwrap();
    assert!(by_country.total > 0 && by_country.hits.iter().all(|h| h.country == "UZ"));

    // Highlights cover the whole name and mark the typed word.
    let hit = showroom
        .search(request("мёд", Lang::Ru))
        .await
        .unwrap()
        .hits
        .remove(0);
    let ru = &hit.highlight["ru"];
    assert_eq!(
        ru.iter().map(|s| s.text.as_str()).collect::<String>(),
        hit.name["ru"]
    );
    assert!(ru.iter().any(|s| s.hit));

    // Product page and its thumbnail.
    let product = showroom.product(&hit.id).await.unwrap();
    assert!(product.image_count >= 1);
    let jpeg = showroom
        .product_image(&hit.id, 0, ThumbSize::Grid)
        .await
        .unwrap();
    assert_eq!(&jpeg[..3], &[0xFF, 0xD8, 0xFF]);
    assert!(matches!(
        showroom.product("no-such").await,
        Err(Error::NotFound { .. })
    ));

    // The same version again changes nothing.
    let again = showroom.import_bundle(&sample(), false).await.unwrap();
    assert!(!again.changed);
    showroom.close().await;

    // The index is derived data: delete it and it is rebuilt from SQLite on open.
    fs::remove_dir_all(data.path().join("index")).unwrap();
    let reopened = Showroom::open(Config::new(data.path())).await.unwrap();
    assert_eq!(
        reopened.search(request("", Lang::En)).await.unwrap().total as u32,
        report.products
    );
    assert!(!top_ids(&reopened, "honey", Lang::En).await.is_empty());
}

/// A query that matches few goods is followed by the closest others, marked related and
/// not counted; one that matches nothing has no results at all, only related goods apart;
/// a full page, or a later page, has no related goods.
#[tokio::test(flavor = "multi_thread")]
async fn few_matches_are_followed_by_related_goods_of_their_kind() {
    let data = tempfile::tempdir().unwrap();
    let showroom = Showroom::open(Config::new(data.path())).await.unwrap();
    showroom.import_bundle(&sample(), false).await.unwrap();

    let reply = showroom
        .search(request("Altai mountain wildflower honey (1 kg)", Lang::En))
        .await
        .unwrap();
    let matches: Vec<_> = reply.hits.iter().filter(|h| !h.related).collect();
    let related: Vec<_> = reply.hits.iter().filter(|h| h.related).collect();
    assert_eq!(
        matches.len() as u64,
        reply.total,
        "related goods are not counted"
    );
    assert_eq!(matches[0].id, "ru-altai-mountain-honey-1kg");
    assert!(
        reply.hits.iter().skip(matches.len()).all(|h| h.related),
        "related goods come after every match"
    );
    // Every other good of the kind (the sample has six honeys), those sharing words first.
    assert_eq!(reply.hits.len(), 6, "{:?}", reply.hits);
    let kinds: Vec<&str> = matches.iter().map(|h| h.category.as_str()).collect();
    assert!(related.iter().all(|h| kinds.contains(&h.category.as_str())));
    let ids: Vec<&str> = related.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids.first(), Some(&"ru-altai-buckwheat-honey"), "{ids:?}");
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "no good twice: {ids:?}");

    // Nothing matches every word: no results, related goods apart, none in `hits`.
    let absent = showroom
        .search(request("сыр с плесенью", Lang::Ru))
        .await
        .unwrap();
    assert_eq!(absent.total, 0);
    assert!(absent.hits.is_empty(), "{:?}", absent.hits);
    assert_eq!(absent.related_by, Some(RelatedBy::SomeWords));

    // A full page, and any page after the first, are matches only.
    let full = showroom
        .search(SearchRequest {
            limit: Some(3),
            ..request("мёд", Lang::Ru)
        })
        .await
        .unwrap();
    assert!(full.total > 3 && full.hits.iter().all(|h| !h.related));
    let later = showroom
        .search(SearchRequest {
            offset: Some(1),
            ..request("Altai mountain wildflower honey (1 kg)", Lang::En)
        })
        .await
        .unwrap();
    assert!(later.hits.iter().all(|h| !h.related), "{:?}", later.hits);
}

/// A real word no name holds finds nothing, not the real word one letter away; a word
/// only descriptions mention finds nothing; either gives its goods apart, labelled. A
/// slip, a long variant spelling and a diminutive still find what was meant.
#[tokio::test(flavor = "multi_thread")]
async fn real_words_are_meant_and_descriptions_only_relate() {
    let data = tempfile::tempdir().unwrap();
    let showroom = Showroom::open(Config::new(data.path())).await.unwrap();
    showroom.import_bundle(&sample(), false).await.unwrap();
    let search = |query: &'static str, lang| {
        let showroom = &showroom;
        async move { showroom.search(request(query, lang)).await.unwrap() }
    };

    // "водка" (vodka) is one letter from "вода" (water): nothing, the waters related.
    let vodka = search("водка", Lang::Ru).await;
    assert_eq!((vodka.total, vodka.hits.len()), (0, 0), "{:?}", vodka.hits);
    assert_eq!(vodka.reading, QueryReading::Related);
    assert_eq!(vodka.related_by, Some(RelatedBy::Spelling));
    assert!(
        vodka.related.iter().any(|h| h.id.contains("water")),
        "{:?}",
        vodka.related
    );
    // Coffee is in the dark beer's description ("caramel and coffee notes") only.
    let coffee = search("咖啡", Lang::Zh).await;
    assert_eq!(
        (coffee.total, coffee.hits.len()),
        (0, 0),
        "{:?}",
        coffee.hits
    );
    assert_eq!(coffee.related_by, Some(RelatedBy::Description));
    let related: Vec<&str> = coffee.related.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(related, ["cn-qingdao-dark-beer-500ml"]);

    // A slip that is no word, a long variant spelling, a diminutive with a slip in it.
    for (query, lang, want) in [
        ("chocolatte", Lang::En, "ru-alenka-milk-chocolate-100g"),
        ("cardamon", Lang::En, "in-idukki-green-cardamom"),
        ("шоколадка", Lang::Ru, "ru-alenka-milk-chocolate-100g"),
        ("шоколодка", Lang::Ru, "ru-alenka-milk-chocolate-100g"),
    ] {
        let reply = search(query, lang).await;
        assert_eq!(reply.reading, QueryReading::AsTyped, "{query}");
        assert_eq!(
            reply.hits.first().map(|h| h.id.as_str()),
            Some(want),
            "{query}"
        );
    }
    // Characters no name has together, typed with a pinyin input method: read by sound,
    // and said so (桥麦 for 荞麦, buckwheat).
    let buckwheat = search("桥麦", Lang::Zh).await;
    assert!(buckwheat.total > 0);
    assert_eq!(buckwheat.reading, QueryReading::Sound);
    assert_eq!(buckwheat.corrected.as_deref(), Some("桥麦"));
    assert!(
        buckwheat.hits[0].name["zh"].contains("荞麦"),
        "{:?}",
        buckwheat.hits[0]
    );
    let honey = search("蜂蜜", Lang::Zh).await;
    assert_eq!(
        (honey.reading, honey.corrected),
        (QueryReading::AsTyped, None)
    );
    // A four-letter slip that makes no word: one typo too.
    let hony = search("hony", Lang::En).await;
    assert!(hony.total > 0, "{:?}", hony.reading);
    assert!(hony.hits[0].id.contains("honey"), "{:?}", hony.hits[0]);
}

/// The home screen and the hall map are made once per catalog and follow a new one.
#[tokio::test(flavor = "multi_thread")]
async fn the_home_screen_and_hall_map_follow_a_new_catalog() {
    let data = tempfile::tempdir().unwrap();
    let showroom = Showroom::open(Config::new(data.path())).await.unwrap();
    showroom.import_bundle(&sample(), false).await.unwrap();
    let first = showroom.showcase().await.unwrap();
    assert!(first.countries.len() > 5, "{:?}", first.countries);
    assert!(!showroom.hall_map().await.unwrap().booths.is_empty());
    // The sample's partner cities, where the map draws them, with their exhibitors; the
    // cities list marks the same ones.
    let partners: Vec<(&str, u32)> = first
        .partner_cities
        .iter()
        .map(|p| (p.name["en"].as_str(), p.exhibitors))
        .collect();
    assert_eq!(
        partners,
        [("St Petersburg", 2), ("Almaty", 1), ("Namangan", 1)]
    );
    let almaty = &first.partner_cities[1];
    assert_eq!(
        (almaty.country.as_str(), almaty.lat, almaty.lon),
        ("KZ", 43.24, 76.95)
    );
    let mut marked: Vec<&str> = first
        .cities
        .iter()
        .filter(|c| c.partner)
        .map(|c| c.name["en"].as_str())
        .collect();
    marked.sort();
    assert_eq!(marked, ["Almaty", "Namangan", "St Petersburg"]);
    // Asked again: the same answer.
    let again = showroom.showcase().await.unwrap();
    assert_eq!(again.countries.len(), first.countries.len());

    let small = data.path().join("small");
    write_small_bundle(&small, "2", &[HONEY, TEA]);
    showroom.import_bundle(&small, false).await.unwrap();
    let now = showroom.showcase().await.unwrap();
    let countries: Vec<&str> = now.countries.iter().map(|c| c.country.as_str()).collect();
    assert_eq!(countries, ["RU"], "the new catalog's countries");
    assert!(now.partner_cities.is_empty(), "none in the new catalog");
    assert!(
        showroom.hall_map().await.unwrap().booths.is_empty(),
        "no hall.toml now"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn any_text_is_a_valid_query() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("bundle");
    write_small_bundle(&bundle, "1", &[HONEY, TEA]);
    let showroom = Showroom::open(Config::new(dir.path().join("data")))
        .await
        .unwrap();
    showroom.import_bundle(&bundle, false).await.unwrap();
    let long = "мёд ".repeat(500);
    for query in [
        "a:(^",
        "\"",
        "AND OR NOT",
        "*",
        "honey~2",
        "\\",
        "+-&&||!(){}[]^~*?:/",
        "   ",
        &long,
        "\u{0}",
    ] {
        showroom
            .search(request(query, Lang::En))
            .await
            .unwrap_or_else(|e| panic!("{query:?}: {e}"));
    }
    assert_eq!(top_ids(&showroom, "Алтайский", Lang::Ru).await, ["honey-1"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_bundle_is_refused_whole_and_the_old_catalog_stays() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good");
    write_small_bundle(&good, "1", &[HONEY, TEA]);
    let showroom = Showroom::open(Config::new(dir.path().join("data")))
        .await
        .unwrap();
    showroom.import_bundle(&good, false).await.unwrap();

    let bad = dir.path().join("bad");
    let broken_unit = TEA
        .replace("\"unit\": \"kg\"", "\"unit\": \"bucket\"")
        .replace("tea-1", "tea-2");
    write_small_bundle(&bad, "2", &[HONEY, "{not json", &broken_unit, HONEY]);
    let Err(Error::InvalidBundle { problems, .. }) = showroom.import_bundle(&bad, false).await
    else {
        panic!("the bad bundle was accepted");
    };
    let located: Vec<(Option<usize>, &str)> = problems
        .iter()
        .map(|p| (p.line, p.field.as_str()))
        .collect();
    assert!(located.contains(&(Some(2), "")), "{located:?}");
    assert!(located.contains(&(Some(3), "unit")), "{located:?}");
    assert!(
        located.contains(&(Some(4), "id")),
        "duplicate id: {located:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| matches!(p.kind, ProblemKind::Unit { .. }))
    );
    // Messages are localised.
    let ru = problems
        .iter()
        .find(|p| p.line == Some(3))
        .unwrap()
        .localize(Lang::Ru);
    assert!(ru.starts_with("products.jsonl:3: unit: «bucket»"), "{ru}");

    // Nothing of the bad bundle arrived; the old catalog is whole.
    assert_eq!(showroom.catalog_info().await.unwrap().version, "1");
    assert_eq!(
        showroom.search(request("", Lang::En)).await.unwrap().total,
        2
    );

    // With --skip-invalid the valid rest is imported and the rest listed.
    let report = showroom.import_bundle(&bad, true).await.unwrap();
    assert_eq!(report.products, 1);
    assert_eq!(report.skipped.len(), 3);
    assert_eq!(showroom.catalog_info().await.unwrap().version, "2");
    assert!(
        top_ids(&showroom, "tea", Lang::En).await.is_empty(),
        "products absent from the new version are gone"
    );
}

#[test]
fn format_rules_are_enforced() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("b");
    let bad_tiers = r#"{"id": "x", "exhibitor": "bee", "category": "food", "country": "XX", "name": {"en": ""}, "unit": "kg", "hs_code": "12", "price": {"currency": "RUR", "tiers": [{"min_qty": 10, "unit_price": 1}, {"min_qty": 5, "unit_price": 0}]}, "images": ["../../etc/passwd"], "storage": "warm", "certifications": ["tasty"]}"#;
    write_small_bundle(&bundle, "1", &[bad_tiers]);
    fs::write(bundle.join("catalog.toml"), "format = 2\nid = \"Bad Id\"\n").unwrap();
    let loaded = catalog::load(&bundle, &Limits::default(), false);
    let fields: Vec<String> = loaded
        .problems
        .iter()
        .map(|p| format!("{}:{}", p.file, p.field))
        .collect();
    for expected in [
        "catalog.toml:format",
        "catalog.toml:id",
        "catalog.toml:version",
        "products.jsonl:country",
        "products.jsonl:name.en",
        "products.jsonl:hs_code",
        "products.jsonl:price.currency",
        "products.jsonl:price.tiers[1].min_qty",
        "products.jsonl:price.tiers[1].unit_price",
        "products.jsonl:images[0]",
        "products.jsonl:storage",
        "products.jsonl:certifications[0]",
    ] {
        assert!(
            fields.iter().any(|f| f == expected),
            "{expected} not in {fields:#?}"
        );
    }

    // A missing manifest, and a folder that is not a bundle.
    fs::remove_file(bundle.join("catalog.toml")).unwrap();
    let loaded = catalog::load(&bundle, &Limits::default(), false);
    assert!(
        loaded
            .problems
            .iter()
            .any(|p| p.file == "catalog.toml" && p.kind == ProblemKind::FileMissing)
    );
    let loaded = catalog::load(&dir.path().join("nothing"), &Limits::default(), false);
    assert!(matches!(
        loaded.problems[0].kind,
        ProblemKind::NotADirectory
    ));
}

#[test]
fn hostile_images_are_refused_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("b");
    let with_image = |id: &str, path: &str| {
        format!(
            r#"{{"id": "{id}", "exhibitor": "bee", "category": "food", "country": "RU", "name": {{"en": "x"}}, "unit": "kg", "images": ["{path}"]}}"#
        )
    };
    let lines = [
        with_image("not-image", "images/text.jpg"),
        with_image("bomb", "images/bomb.png"),
        with_image("missing", "images/none.jpg"),
    ];
    write_small_bundle(
        &bundle,
        "1",
        &lines.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    fs::create_dir(bundle.join("images")).unwrap();
    fs::write(bundle.join("images/text.jpg"), b"<script>alert(1)</script>").unwrap();
    // A PNG header claiming 100000 x 100000 pixels: refused before any pixel is decoded.
    let mut png = Vec::new();
    png.extend_from_slice(b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR");
    png.extend_from_slice(&100_000u32.to_be_bytes());
    png.extend_from_slice(&100_000u32.to_be_bytes());
    png.extend_from_slice(&[8, 6, 0, 0, 0]);
    let crc = crc32(&png[12..]);
    png.extend_from_slice(&crc.to_be_bytes());
    fs::write(bundle.join("images/bomb.png"), &png).unwrap();

    let loaded = catalog::load(&bundle, &Limits::default(), false);
    let kinds: Vec<&ProblemKind> = loaded.problems.iter().map(|p| &p.kind).collect();
    assert!(
        kinds
            .iter()
            .any(|k| matches!(k, ProblemKind::ImageFormat { .. })),
        "{kinds:?}"
    );
    assert!(
        kinds.iter().any(|k| matches!(
            k,
            ProblemKind::ImageTooLarge { .. } | ProblemKind::ImageDecode { .. }
        )),
        "{kinds:?}"
    );
    assert!(
        kinds
            .iter()
            .any(|k| matches!(k, ProblemKind::ImageMissing { .. })),
        "{kinds:?}"
    );
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A bundle whose products show byte-identical images under different names.
fn write_bundle_with_twin_images(dir: &Path, version: &str, twins: usize) {
    let products: Vec<String> = (0..twins)
        .map(|i| {
            format!(
                r#"{{"id": "honey-{i}", "exhibitor": "bee", "category": "food/honey", "country": "RU", "name": {{"en": "Honey {i}"}}, "unit": "kg", "images": ["images/twin-{i}.png"]}}"#
            )
        })
        .collect();
    let refs: Vec<&str> = products.iter().map(String::as_str).collect();
    write_small_bundle(dir, version, &refs);
    fs::create_dir_all(dir.join("images")).unwrap();
    let picture = image::RgbImage::from_fn(1400, 1000, |x, y| {
        image::Rgb([(x % 251) as u8, (y % 241) as u8, ((x + y) % 7) as u8])
    });
    let mut png = Vec::new();
    picture
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    for i in 0..twins {
        fs::write(dir.join(format!("images/twin-{i}.png")), &png).unwrap();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn twin_images_make_one_set_of_thumbnails_and_a_broken_one_is_made_again() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let showroom = Showroom::open(Config::new(&data)).await.unwrap();
    let twins = 6;
    write_bundle_with_twin_images(&dir.path().join("v1"), "v1", twins);
    // The twins are made on all cores at once: one digest, one set of files.
    showroom
        .import_bundle(&dir.path().join("v1"), false)
        .await
        .unwrap();
    let media = data.join("media");
    let mut thumbs: Vec<PathBuf> = fs::read_dir(&media)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    thumbs.sort();
    assert_eq!(
        thumbs.len(),
        3,
        "grid, detail, full and nothing else: {thumbs:?}"
    );

    // A crash (or a full disk) left the thumbnails cut short; the next import mends them.
    let whole: Vec<Vec<u8>> = thumbs.iter().map(|p| fs::read(p).unwrap()).collect();
    for (path, bytes) in thumbs.iter().zip(&whole) {
        fs::write(path, &bytes[..bytes.len() / 3]).unwrap();
    }
    write_bundle_with_twin_images(&dir.path().join("v2"), "v2", twins);
    showroom
        .import_bundle(&dir.path().join("v2"), false)
        .await
        .unwrap();
    for i in 0..twins {
        for size in ThumbSize::ALL {
            let jpeg = showroom
                .product_image(&format!("honey-{i}"), 0, size)
                .await
                .unwrap();
            image::load_from_memory(&jpeg).unwrap_or_else(|e| panic!("honey-{i} {size:?}: {e}"));
        }
    }
    // The same source makes the same bytes: each file is whole again.
    for (path, bytes) in thumbs.iter().zip(&whole) {
        assert!(
            &fs::read(path).unwrap() == bytes,
            "{} not whole",
            path.display()
        );
    }
    assert_eq!(fs::read_dir(&media).unwrap().count(), 3);
    showroom.close().await;
}

#[tokio::test]
async fn an_import_tells_its_progress_stage_by_stage() {
    use showroom_core::{ImportProgress, ImportStage};
    use std::sync::{Arc, Mutex};
    let data = tempfile::tempdir().unwrap();
    let showroom = Showroom::open(Config::new(data.path())).await.unwrap();
    let seen: Arc<Mutex<Vec<ImportProgress>>> = Arc::default();
    let record = Arc::clone(&seen);
    let report = showroom
        .import_bundle_with(
            &sample(),
            false,
            Some(Arc::new(move |p| record.lock().unwrap().push(p))),
        )
        .await
        .unwrap();
    showroom.close().await;
    let seen = seen.lock().unwrap().clone();
    let stages: Vec<ImportStage> = seen.iter().map(|p| p.stage).fold(Vec::new(), |mut v, s| {
        if v.last() != Some(&s) {
            v.push(s);
        }
        v
    });
    assert_eq!(
        stages,
        [
            ImportStage::Checking,
            ImportStage::Photos,
            ImportStage::Index,
            ImportStage::Saving
        ]
    );
    let photos: Vec<&ImportProgress> = seen
        .iter()
        .filter(|p| p.stage == ImportStage::Photos)
        .collect();
    let last = photos.iter().map(|p| p.done).max().unwrap();
    assert_eq!(last, photos[0].total, "every photo counted");
    // Counted by source file: a few of the sample's files hold the same picture.
    assert!(photos[0].total >= u64::from(report.images) && report.images > 0);
}

/// An exhibitor with more products than a page: the page holds the first
/// `EXHIBITOR_PAGE`, the total counts all, and the pages from each offset follow on
/// without a gap or a repeat.
#[tokio::test(flavor = "multi_thread")]
async fn an_exhibitors_products_come_a_page_at_a_time() {
    use showroom_core::showcase::EXHIBITOR_PAGE;
    let dir = tempfile::tempdir().unwrap();
    let sample_dir = sample();
    let loaded = catalog::load(&sample_dir, &Limits::default(), false);
    let bundle = dir.path().join("bundle");
    showroom_core::generate::write_bundle(
        &showroom_core::generate::Options {
            sample: &loaded.data,
            sample_dir: &sample_dir,
            products: 3000,
            images: 0,
            exhibitors: 0,
            seed: 7,
        },
        &bundle,
    )
    .unwrap();
    let showroom = Showroom::open(Config::new(dir.path().join("data")))
        .await
        .unwrap();
    showroom.import_bundle(&bundle, false).await.unwrap();
    let generated = catalog::load(&bundle, &Limits::default(), false).data;
    let mut counts = std::collections::HashMap::<&str, usize>::new();
    for p in &generated.products {
        *counts.entry(p.exhibitor.as_str()).or_default() += 1;
    }
    let (id, total) = counts.into_iter().max_by_key(|(_, n)| *n).unwrap();
    assert!(total > 2 * EXHIBITOR_PAGE, "{total}");
    let expected: Vec<&str> = generated
        .products
        .iter()
        .filter(|p| p.exhibitor == id)
        .map(|p| p.id.as_str())
        .collect();

    let mut seen = Vec::new();
    let mut offset = 0;
    loop {
        let page = showroom.exhibitor_page(id, offset).await.unwrap();
        assert_eq!(page.products_total as usize, total);
        assert_eq!(page.offset as usize, offset);
        if page.products.is_empty() {
            break;
        }
        assert!(page.products.len() <= EXHIBITOR_PAGE);
        assert!(page.products.iter().all(|h| h.exhibitor == id));
        offset += page.products.len();
        seen.extend(page.products.into_iter().map(|h| h.id));
    }
    assert_eq!(seen, expected, "every product once, in catalog order");
    // Past the end: no products, the same total.
    let past = showroom.exhibitor_page(id, total + 100).await.unwrap();
    assert!(past.products.is_empty());
    assert_eq!(past.offset as usize, total);
}
