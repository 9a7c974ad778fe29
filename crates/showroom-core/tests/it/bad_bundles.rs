//! One case per rule of the bundle format (../shared/design/catalog-format.md): a valid
//! bundle with one thing broken is refused with that thing's file, line and field, and a
//! catalog stored before it stays whole. The valid variants (BOM, CRLF, unknown fields,
//! markup as text) are accepted.

use std::fs;
use std::path::{Path, PathBuf};

use showroom_core::catalog::{self, Limits};
use showroom_core::{Config, Error, Lang, SearchRequest, Showroom};

const MANIFEST: &str = "format = 1\nid = \"test\"\nversion = \"1\"\n\
    title = { en = \"Test\", ru = \"Тест\", zh = \"测试\" }\n\
    default_currency = \"CNY\"\npublished_at = \"2026-11-24T09:00:00Z\"\n";
const CATEGORIES: &str = "[[category]]\nid = \"food\"\n\
    name = { en = \"Food\", ru = \"Продукты\", zh = \"食品\" }\n\
    [[category]]\nid = \"food/honey\"\nname = { en = \"Honey\", ru = \"Мёд\", zh = \"蜂蜜\" }\n";
const EXHIBITORS: &str = "{\"id\": \"bee\", \"name\": {\"en\": \"Bee Farm\"}, \"country\": \"RU\", \"booth\": \"A-1\"}\n\
    {\"id\": \"tea-house\", \"name\": {\"zh\": \"茶行\"}, \"country\": \"CN\"}\n";
const HALL: &str = "[[hall]]\nid = \"A\"\nname = { en = \"Hall A\" }\nwidth = 50.0\nheight = 30.0\n\
    [[booth]]\nid = \"A-1\"\nhall = \"A\"\nx = 2.0\ny = 3.0\nw = 4.0\nh = 3.0\n";
const HONEY: &str = r#"{"id": "honey-1", "exhibitor": "bee", "category": "food/honey", "country": "RU", "city": {"en": "Barnaul"}, "name": {"zh": "阿尔泰蜂蜜", "ru": "Алтайский мёд", "en": "Altai honey"}, "description": {"en": "Mountain honey."}, "keywords": {"ru": ["мёд"]}, "hs_code": "0409.00", "unit": "kg", "moq": 200, "price": {"currency": "CNY", "tiers": [{"min_qty": 200, "unit_price": 68.0}, {"min_qty": 1000, "unit_price": 59.5}]}, "certifications": ["organic"], "storage": "ambient", "shelf_life_days": 730, "images": ["images/honey.png"], "tags": ["featured"], "updated_at": "2026-11-20T08:00:00Z"}"#;
const TEA: &str = r#"{"id": "tea-1", "exhibitor": "tea-house", "category": "food", "country": "CN", "name": {"zh": "红茶"}, "unit": "box"}"#;

/// A complete valid bundle: manifest, categories, two exhibitors, hall map, two products,
/// one real PNG.
fn write_bundle(dir: &Path) {
    fs::create_dir_all(dir.join("images")).unwrap();
    fs::write(dir.join("catalog.toml"), MANIFEST).unwrap();
    fs::write(dir.join("categories.toml"), CATEGORIES).unwrap();
    fs::write(dir.join("exhibitors.jsonl"), EXHIBITORS).unwrap();
    fs::write(dir.join("hall.toml"), HALL).unwrap();
    fs::write(dir.join("products.jsonl"), format!("{HONEY}\n{TEA}\n")).unwrap();
    image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([x as u8 * 3, y as u8 * 5, 90]))
        .save(dir.join("images/honey.png"))
        .unwrap();
}

fn edit(dir: &Path, file: &str, change: impl Fn(&str) -> String) {
    let path = dir.join(file);
    let text = fs::read_to_string(&path).unwrap();
    let changed = change(&text);
    assert_ne!(text, changed, "the case changes nothing in {file}");
    fs::write(path, changed).unwrap();
}

/// A symbolic link at `link` to a file outside the bundle.
fn symlink_outside(link: &Path) {
    #[cfg(unix)]
    std::os::unix::fs::symlink("/etc/hostname", link).unwrap();
    #[cfg(windows)]
    std::os::windows::fs::symlink_file(r"C:\Windows\win.ini", link).unwrap();
}

fn honey_with(dir: &Path, from: &str, to: &str) {
    edit(dir, "products.jsonl", |t| t.replacen(from, to, 1));
}

type Break = fn(&Path);

/// (case, how the valid bundle is broken, the expected "file:line:field").
fn cases() -> Vec<(&'static str, Break, &'static str)> {
    vec![
        (
            "manifest missing",
            |d| fs::remove_file(d.join("catalog.toml")).unwrap(),
            "catalog.toml::",
        ),
        (
            "format 2",
            |d| edit(d, "catalog.toml", |t| t.replace("format = 1", "format = 2")),
            "catalog.toml::format",
        ),
        (
            "format missing",
            |d| edit(d, "catalog.toml", |t| t.replace("format = 1\n", "")),
            "catalog.toml::format",
        ),
        (
            "manifest id",
            |d| {
                edit(d, "catalog.toml", |t| {
                    t.replace("\"test\"", "\"Test Bundle\"")
                })
            },
            "catalog.toml::id",
        ),
        (
            "version missing",
            |d| edit(d, "catalog.toml", |t| t.replace("version = \"1\"\n", "")),
            "catalog.toml::version",
        ),
        (
            "partner city latitude",
            |d| {
                edit(d, "catalog.toml", |t| {
                    format!(
                        "{t}[[partner_city]]\nname = {{ en = \"Barnaul\" }}\ncountry = \"RU\"\nlat = 91\nlon = 83.8\n"
                    )
                })
            },
            "catalog.toml::partner_city[0].lat",
        ),
        (
            "partner city country",
            |d| {
                edit(d, "catalog.toml", |t| {
                    format!(
                        "{t}[[partner_city]]\nname = {{ en = \"Barnaul\" }}\ncountry = \"XX\"\nlat = 53.3\nlon = 83.8\n"
                    )
                })
            },
            "catalog.toml::partner_city[0].country",
        ),
        (
            "partner city name",
            |d| {
                edit(d, "catalog.toml", |t| {
                    format!("{t}[[partner_city]]\ncountry = \"RU\"\nlat = 53.3\nlon = 83.8\n")
                })
            },
            "catalog.toml::partner_city[0].name",
        ),
        (
            "partner city twice",
            |d| {
                edit(d, "catalog.toml", |t| {
                    let city = |name: &str| {
                        format!(
                            "[[partner_city]]\nname = {{ en = \"{name}\" }}\ncountry = \"RU\"\nlat = 53.3\nlon = 83.8\n"
                        )
                    };
                    format!("{t}{}{}", city("Barnaul"), city("barnaul"))
                })
            },
            "catalog.toml::partner_city[1].name",
        ),
        (
            "manifest currency",
            |d| edit(d, "catalog.toml", |t| t.replace("\"CNY\"", "\"YUAN\"")),
            "catalog.toml::default_currency",
        ),
        (
            "published_at",
            |d| {
                edit(d, "catalog.toml", |t| {
                    t.replace("2026-11-24T09:00:00Z", "yesterday")
                })
            },
            "catalog.toml::published_at",
        ),
        (
            "manifest not TOML",
            |d| edit(d, "catalog.toml", |t| format!("{t}[[[\n")),
            "catalog.toml::",
        ),
        (
            "categories missing",
            |d| fs::remove_file(d.join("categories.toml")).unwrap(),
            "categories.toml::",
        ),
        (
            "category id",
            |d| {
                edit(d, "categories.toml", |t| {
                    t.replace("id = \"food\"\n", "id = \"Food!\"\n")
                })
            },
            "categories.toml::category[0].id",
        ),
        (
            "category parent missing",
            |d| {
                edit(d, "categories.toml", |t| {
                    t.replace("food/honey", "drinks/honey")
                })
            },
            "categories.toml::category[1].id",
        ),
        (
            "category name empty",
            |d| {
                edit(d, "categories.toml", |t| {
                    t.replace(
                        "name = { en = \"Food\", ru = \"Продукты\", zh = \"食品\" }",
                        "name = {}",
                    )
                })
            },
            "categories.toml::category[0].name",
        ),
        (
            "exhibitors missing",
            |d| fs::remove_file(d.join("exhibitors.jsonl")).unwrap(),
            "exhibitors.jsonl::",
        ),
        (
            "exhibitor duplicate",
            |d| edit(d, "exhibitors.jsonl", |t| t.replace("tea-house", "bee")),
            "exhibitors.jsonl:2:id",
        ),
        (
            "exhibitor country",
            |d| edit(d, "exhibitors.jsonl", |t| t.replacen("\"RU\"", "\"XX\"", 1)),
            "exhibitors.jsonl:1:country",
        ),
        (
            "exhibitor country missing",
            |d| {
                edit(d, "exhibitors.jsonl", |t| {
                    t.replacen(", \"country\": \"CN\"", "", 1)
                })
            },
            "exhibitors.jsonl:2:country",
        ),
        (
            "exhibitor booth unknown",
            |d| edit(d, "exhibitors.jsonl", |t| t.replace("A-1", "Z-9")),
            "exhibitors.jsonl:1:booth",
        ),
        (
            "products missing",
            |d| fs::remove_file(d.join("products.jsonl")).unwrap(),
            "products.jsonl::",
        ),
        (
            "broken JSON line",
            |d| {
                edit(d, "products.jsonl", |t| {
                    t.replacen("{\"id\": \"tea-1\"", "{\"id\" \"tea-1\"", 1)
                })
            },
            "products.jsonl:2:",
        ),
        (
            "product duplicate id",
            |d| edit(d, "products.jsonl", |t| t.replace("tea-1", "honey-1")),
            "products.jsonl:2:id",
        ),
        (
            "product id",
            |d| honey_with(d, "honey-1", "Honey 1"),
            "products.jsonl:1:id",
        ),
        (
            "unknown exhibitor",
            |d| honey_with(d, "\"exhibitor\": \"bee\"", "\"exhibitor\": \"wasp\""),
            "products.jsonl:1:exhibitor",
        ),
        (
            "unknown category",
            |d| honey_with(d, "\"food/honey\"", "\"food/jam\""),
            "products.jsonl:1:category",
        ),
        (
            "bad country",
            |d| honey_with(d, "\"country\": \"RU\"", "\"country\": \"SU\""),
            "products.jsonl:1:country",
        ),
        (
            "name missing",
            |d| {
                edit(d, "products.jsonl", |t| {
                    t.replace(", \"name\": {\"zh\": \"红茶\"}", "")
                })
            },
            "products.jsonl:2:name",
        ),
        (
            "name no language",
            |d| {
                edit(d, "products.jsonl", |t| {
                    t.replace("{\"zh\": \"红茶\"}", "{}")
                })
            },
            "products.jsonl:2:name",
        ),
        (
            "name empty",
            |d| honey_with(d, "\"en\": \"Altai honey\"", "\"en\": \"\""),
            "products.jsonl:1:name.en",
        ),
        (
            "name too long",
            |d| honey_with(d, "Altai honey", &"Altai honey ".repeat(20)),
            "products.jsonl:1:name.en",
        ),
        (
            "huge description",
            |d| honey_with(d, "Mountain honey.", &"Mountain honey. ".repeat(400)),
            "products.jsonl:1:description.en",
        ),
        (
            "huge line",
            |d| {
                edit(d, "products.jsonl", |t| {
                    t.replace(
                        "\"tea-1\",",
                        &format!("\"tea-1\", \"padding\": \"{}\",", "x".repeat(2 << 20)),
                    )
                })
            },
            "products.jsonl:2:",
        ),
        (
            // Reported at its line, and the other lines are still read.
            "a line not UTF-8",
            |d| {
                let path = d.join("products.jsonl");
                let text = fs::read_to_string(&path).unwrap();
                let (before, after) = text.split_once("红茶").unwrap();
                fs::write(
                    &path,
                    [before.as_bytes(), b"\xff\xfe", after.as_bytes()].concat(),
                )
                .unwrap();
            },
            "products.jsonl:2:",
        ),
        (
            // More problems than are listed: the first are, all are counted.
            "thousands of bad lines",
            |d| {
                edit(d, "products.jsonl", |t| {
                    // Six problems each: every required field is missing.
                    format!("{t}{}", "{}\n".repeat(3000))
                })
            },
            "products.jsonl:3:id",
        ),
        (
            "keywords not a list",
            |d| honey_with(d, "[\"мёд\"]", "\"мёд\""),
            "products.jsonl:1:keywords.ru",
        ),
        (
            "hs code",
            |d| honey_with(d, "0409.00", "04"),
            "products.jsonl:1:hs_code",
        ),
        (
            "wrong unit",
            |d| honey_with(d, "\"unit\": \"kg\"", "\"unit\": \"bucket\""),
            "products.jsonl:1:unit",
        ),
        (
            "unit of wrong type",
            |d| honey_with(d, "\"unit\": \"kg\"", "\"unit\": 5"),
            "products.jsonl:1:unit",
        ),
        (
            "moq not positive",
            |d| honey_with(d, "\"moq\": 200", "\"moq\": -5"),
            "products.jsonl:1:moq",
        ),
        (
            "price currency",
            |d| honey_with(d, "\"currency\": \"CNY\"", "\"currency\": \"RUR\""),
            "products.jsonl:1:price.currency",
        ),
        (
            "price tiers empty",
            |d| {
                honey_with(
                    d,
                    r#"[{"min_qty": 200, "unit_price": 68.0}, {"min_qty": 1000, "unit_price": 59.5}]"#,
                    "[]",
                )
            },
            "products.jsonl:1:price.tiers",
        ),
        (
            "descending tiers",
            |d| honey_with(d, "\"min_qty\": 1000", "\"min_qty\": 100"),
            "products.jsonl:1:price.tiers[1].min_qty",
        ),
        (
            "unit price zero",
            |d| honey_with(d, "59.5", "0"),
            "products.jsonl:1:price.tiers[1].unit_price",
        ),
        (
            "certification",
            |d| honey_with(d, "\"organic\"", "\"tasty\""),
            "products.jsonl:1:certifications[0]",
        ),
        (
            "storage",
            |d| honey_with(d, "\"ambient\"", "\"warm\""),
            "products.jsonl:1:storage",
        ),
        (
            "shelf life",
            |d| honey_with(d, "730", "0"),
            "products.jsonl:1:shelf_life_days",
        ),
        (
            "shelf life fraction",
            |d| honey_with(d, "730", "7.5"),
            "products.jsonl:1:shelf_life_days",
        ),
        (
            "updated_at",
            |d| honey_with(d, "2026-11-20T08:00:00Z", "20.11.2026"),
            "products.jsonl:1:updated_at",
        ),
        (
            "tags not strings",
            |d| honey_with(d, "[\"featured\"]", "[1]"),
            "products.jsonl:1:tags[0]",
        ),
        (
            "path escape",
            |d| honey_with(d, "images/honey.png", "images/../../honey.png"),
            "products.jsonl:1:images[0]",
        ),
        (
            "absolute path",
            |d| honey_with(d, "images/honey.png", "/etc/passwd"),
            "products.jsonl:1:images[0]",
        ),
        (
            "outside images folder",
            |d| honey_with(d, "images/honey.png", "catalog.toml"),
            "products.jsonl:1:images[0]",
        ),
        (
            "symbolic link escape",
            |d| {
                symlink_outside(&d.join("images/link.png"));
                honey_with(d, "images/honey.png", "images/link.png");
            },
            "products.jsonl:1:images[0]",
        ),
        (
            "missing image",
            |d| honey_with(d, "images/honey.png", "images/none.png"),
            "products.jsonl:1:images[0]",
        ),
        (
            "non-image",
            |d| {
                fs::write(
                    d.join("images/page.png"),
                    "<html><script>alert(1)</script></html>",
                )
                .unwrap();
                honey_with(d, "images/honey.png", "images/page.png");
            },
            "products.jsonl:1:images[0]",
        ),
        (
            "decompression bomb",
            |d| {
                // 6000 x 6000 pixels of 16-bit RGBA zeros: a few hundred kilobytes of PNG
                // that would need 288 MB to decode.
                fs::write(d.join("images/bomb.png"), bomb_png(6000, 6000)).unwrap();
                honey_with(d, "images/honey.png", "images/bomb.png");
            },
            "products.jsonl:1:images[0]",
        ),
        (
            "image too many bytes",
            |d| {
                let mut bytes = fs::read(d.join("images/honey.png")).unwrap();
                bytes.resize(40 << 20, 0);
                fs::write(d.join("images/big.png"), bytes).unwrap();
                honey_with(d, "images/honey.png", "images/big.png");
            },
            "products.jsonl:1:images[0]",
        ),
        (
            "booth in unknown hall",
            |d| {
                edit(d, "hall.toml", |t| {
                    t.replace("hall = \"A\"", "hall = \"B\"")
                })
            },
            "hall.toml::booth[0].hall",
        ),
        (
            "hall not TOML",
            |d| {
                edit(d, "hall.toml", |t| {
                    t.replace("width = 50.0", "width = fifty")
                })
            },
            "hall.toml::",
        ),
    ]
}

/// A valid PNG of `width` x `height` 16-bit RGBA pixels, all zero.
fn bomb_png(width: u32, height: u32) -> Vec<u8> {
    use std::io::Write;
    let chunk = |out: &mut Vec<u8>, kind: &[u8], data: &[u8]| {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        out.extend_from_slice(&crc.sum().to_be_bytes());
    };
    let mut header = Vec::new();
    header.extend_from_slice(&width.to_be_bytes());
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&[16, 6, 0, 0, 0]);
    let mut pixels = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    let row = vec![0u8; 1 + width as usize * 8];
    for _ in 0..height {
        pixels.write_all(&row).unwrap();
    }
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut png, b"IHDR", &header);
    chunk(&mut png, b"IDAT", &pixels.finish().unwrap());
    chunk(&mut png, b"IEND", &[]);
    png
}

fn located(problems: &[catalog::Problem]) -> Vec<String> {
    problems
        .iter()
        .map(|p| {
            let line = p.line.map(|l| l.to_string()).unwrap_or_default();
            format!("{}:{line}:{}", p.file, p.field)
        })
        .collect()
}

#[test]
fn every_rule_is_enforced_with_its_location() {
    let root = tempfile::tempdir().unwrap();
    let valid = root.path().join("valid");
    write_bundle(&valid);
    let loaded = catalog::load(&valid, &Limits::default(), false);
    assert!(
        loaded.problems.is_empty(),
        "{:#?}",
        located(&loaded.problems)
    );
    assert_eq!(loaded.data.products.len(), 2);

    let mut failures = Vec::new();
    for (i, (case, break_it, expected)) in cases().into_iter().enumerate() {
        let dir = root.path().join(format!("case-{i}"));
        write_bundle(&dir);
        break_it(&dir);
        let loaded = catalog::load(&dir, &Limits::default(), false);
        let got = located(&loaded.problems);
        if !got.iter().any(|g| g == expected) {
            failures.push(format!("{case}: expected {expected}, got {got:?}"));
        }
        if case == "decompression bomb" {
            assert!(
                matches!(
                    loaded.problems[0].kind,
                    catalog::ProblemKind::ImageMemory { megabytes: 275, .. }
                ),
                "refused from its header, before decoding: {:?}",
                loaded.problems
            );
        }
        // Each message names the place in every language.
        for problem in &loaded.problems {
            for lang in Lang::ALL {
                let text = problem.localize(lang);
                assert!(text.starts_with(&problem.file), "{case}: {text}");
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn tolerated_variants_are_accepted() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("b");
    write_bundle(&dir);
    // BOM and CRLF in every text file, blank lines, unknown fields, markup as text.
    for file in ["catalog.toml", "categories.toml", "hall.toml"] {
        edit(&dir, file, |t| {
            format!("\u{feff}{}", t.replace('\n', "\r\n"))
        });
    }
    edit(&dir, "exhibitors.jsonl", |t| {
        format!("\u{feff}\r\n{}", t.replace('\n', "\r\n\r\n"))
    });
    honey_with(
        &dir,
        "Mountain honey.",
        "<script>alert('x')</script> & <b>mountain</b> honey",
    );
    honey_with(
        &dir,
        "\"unit\": \"kg\"",
        "\"unit\": \"kg\", \"grade\": {\"future\": [1, 2]}",
    );
    edit(&dir, "catalog.toml", |t| {
        format!("{t}future_field = \"ignored\"\r\n")
    });
    let loaded = catalog::load(&dir, &Limits::default(), false);
    assert!(
        loaded.problems.is_empty(),
        "{:#?}",
        located(&loaded.problems)
    );
    let honey = &loaded.data.products[0];
    assert!(
        honey.description.as_ref().unwrap()["en"].starts_with("<script>"),
        "markup is kept as text, to be shown as characters"
    );
    assert_eq!(loaded.data.exhibitors.len(), 2);
}

fn count_request() -> SearchRequest {
    SearchRequest {
        query: String::new(),
        lang: Lang::En,
        limit: Some(10),
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_bad_bundle_leaves_the_stored_catalog_whole() {
    let root = tempfile::tempdir().unwrap();
    let good = root.path().join("good");
    write_bundle(&good);
    // The stored catalog is version 0; every bad bundle is a new version 1.
    edit(&good, "catalog.toml", |t| {
        t.replace("version = \"1\"", "version = \"0\"")
    });
    let showroom = Showroom::open(Config::new(root.path().join("data")))
        .await
        .unwrap();
    showroom.import_bundle(&good, false).await.unwrap();
    let before = showroom.catalog_info().await.unwrap();

    for (i, (case, break_it, _)) in cases().into_iter().enumerate() {
        let dir: PathBuf = root.path().join(format!("case-{i}"));
        write_bundle(&dir);
        break_it(&dir);
        match showroom.import_bundle(&dir, false).await {
            Err(Error::InvalidBundle { problems, total }) => {
                assert!(!problems.is_empty() && total >= problems.len(), "{case}");
                assert!(problems.len() <= catalog::MAX_LISTED, "{case}");
                if case == "thousands of bad lines" {
                    assert_eq!((problems.len(), total), (catalog::MAX_LISTED, 3000 * 6));
                }
            }
            other => panic!("{case}: the bad bundle was not refused: {other:?}"),
        }
        let info = showroom.catalog_info().await.unwrap();
        assert_eq!(info.version, before.version, "{case}");
        assert_eq!(info.products, before.products, "{case}");
        let all = showroom.search(count_request()).await.unwrap();
        assert_eq!(all.total, 2, "{case}");
        let honey = showroom
            .search(SearchRequest {
                query: "мёд".into(),
                lang: Lang::Ru,
                ..count_request()
            })
            .await
            .unwrap();
        assert_eq!(
            honey.hits.first().map(|h| h.id.as_str()),
            Some("honey-1"),
            "{case}"
        );
    }
    let verify = showroom.verify().await.unwrap();
    assert!(verify.ok, "{verify:?}");
}

#[cfg(unix)]
fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The repository's sample catalog copied to `dir`, as version `version`.
#[cfg(unix)]
fn copy_sample(dir: &Path, version: &str) {
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../../catalog"),
        dir,
    );
    edit(dir, "catalog.toml", |t| {
        let start = t.find("\nversion = \"").unwrap() + 1;
        let end = start + t[start..].find('\n').unwrap();
        format!("{}version = \"{version}\"{}", &t[..start], &t[end..])
    });
}

/// Runs `work` on a thread of its own and fails the test when it has not returned within
/// half a minute, as when opening the named pipe `fifo` blocked it. That pipe is then
/// opened for writing and closed, so the stuck reader wakes and the test can end.
#[cfg(unix)]
fn within_half_a_minute<T: Send + 'static>(
    fifo: &Path,
    work: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (done, result) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(work());
    });
    match result.recv_timeout(std::time::Duration::from_secs(30)) {
        Ok(value) => value,
        Err(_) => {
            let writer = fifo.to_path_buf();
            std::thread::spawn(move || drop(fs::OpenOptions::new().write(true).open(writer)));
            panic!("{}: the import blocked on a named pipe", fifo.display());
        }
    }
}

/// Named pipes, sockets and devices in a bundle are refused from their metadata: opening
/// a named pipe would wait for a writer for ever. The stored catalog stays whole.
#[cfg(unix)]
#[test]
fn a_named_pipe_in_a_bundle_is_refused_at_once_and_the_stored_catalog_stays() {
    let root = tempfile::tempdir().unwrap();
    let good = root.path().join("good");
    copy_sample(&good, "0");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let showroom = runtime
        .block_on(Showroom::open(Config::new(root.path().join("data"))))
        .unwrap();
    let before = runtime
        .block_on(showroom.import_bundle(&good, false))
        .unwrap();
    let stored = || {
        let info = runtime.block_on(showroom.catalog_info()).unwrap();
        let all = runtime.block_on(showroom.search(count_request())).unwrap();
        (info.version, info.products, all.total)
    };
    let whole = stored();
    assert_eq!(whole.1, before.products);

    // The first product with a picture, and its line.
    let products = fs::read_to_string(good.join("products.jsonl")).unwrap();
    let (line, image) = products
        .lines()
        .enumerate()
        .find_map(|(i, text)| {
            let product: serde_json::Value = serde_json::from_str(text).ok()?;
            let first = product["images"].get(0)?.as_str()?.to_string();
            Some((i + 1, first))
        })
        .unwrap();

    let files = [
        "catalog.toml",
        "categories.toml",
        "hall.toml",
        "exhibitors.jsonl",
        "products.jsonl",
        image.as_str(),
    ];
    for (i, file) in files.into_iter().enumerate() {
        for skip_invalid in [false, true] {
            let dir = root.path().join(format!("fifo-{i}-{skip_invalid}"));
            copy_sample(&dir, "1");
            let fifo = dir.join(file);
            fs::remove_file(&fifo).unwrap();
            let made = std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap();
            assert!(made.success());
            let importer = showroom.clone();
            let handle = runtime.handle().clone();
            let result = within_half_a_minute(&fifo, move || {
                handle.block_on(importer.import_bundle(&dir, skip_invalid))
            });
            let expected = catalog::ProblemKind::NotRegularFile {
                value: file.to_string(),
                file_type: "fifo",
            };
            if file == image && skip_invalid {
                // Only the product with that picture is left out (the last case: this
                // one changes the stored catalog).
                let report = result.unwrap();
                assert_eq!(report.products, before.products - 1);
                assert_eq!(report.skipped_total, 1);
                let skipped = &report.skipped[0];
                assert_eq!(
                    (skipped.line, skipped.field.as_str(), &skipped.kind),
                    (Some(line), "images[0]", &expected)
                );
                continue;
            }
            let Err(Error::InvalidBundle { problems, total }) = result else {
                panic!("{file}: the bundle was not refused: {result:?}");
            };
            assert!(total >= 1 && !problems.is_empty(), "{file}");
            let refused = problems
                .iter()
                .find(|p| p.kind == expected)
                .unwrap_or_else(|| panic!("{file}: {problems:#?}"));
            if file == image {
                assert_eq!(
                    (refused.file.as_str(), refused.line),
                    ("products.jsonl", Some(line))
                );
            } else {
                assert_eq!((refused.file.as_str(), refused.line), (file, None));
            }
            for lang in Lang::ALL {
                let text = refused.localize(lang);
                assert!(text.contains(file) && text.contains("FIFO"), "{text}");
            }
            assert_eq!(stored(), whole, "{file}: the stored catalog changed");
        }
    }
    runtime.block_on(showroom.close());
}
