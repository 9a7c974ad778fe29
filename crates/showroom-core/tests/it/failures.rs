//! What the core does with a damaged or old data directory, on real files: a missing,
//! corrupted or other-version search index is rebuilt from SQLite on open and answers
//! searches afterwards; a database made by an earlier schema is migrated on open with
//! nothing lost.

use std::fs;
use std::path::{Path, PathBuf};

use showroom_core::{Config, Lang, SearchRequest, Showroom};

use crate::write_small_bundle;
use sqlx::Connection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};

/// A small valid bundle with no images, written into `dir`.
fn write_bundle(dir: &Path) {
    write_small_bundle(
        dir,
        "2026.11.1",
        &[
            r#"{"id": "honey-1", "exhibitor": "bee", "category": "food/honey", "country": "RU", "name": {"zh": "阿尔泰蜂蜜", "ru": "Алтайский мёд", "en": "Altai honey"}, "unit": "kg"}"#,
            r#"{"id": "tea-1", "exhibitor": "bee", "category": "food", "country": "RU", "name": {"en": "Ivan tea", "ru": "Иван-чай"}, "unit": "kg"}"#,
            r#"{"id": "jam-1", "exhibitor": "bee", "category": "food", "country": "RU", "name": {"en": "Sea buckthorn jam", "zh": "沙棘果酱"}, "unit": "kg"}"#,
        ],
    );
}

fn request(query: &str) -> SearchRequest {
    SearchRequest {
        query: query.into(),
        lang: Lang::En,
        limit: Some(10),
        ..Default::default()
    }
}

async fn ids(showroom: &Showroom, query: &str) -> Vec<String> {
    let response = showroom.search(request(query)).await.unwrap();
    // The matches (related goods of the same kind may follow them).
    let mut ids: Vec<String> = response
        .hits
        .into_iter()
        .filter(|h| !h.related)
        .map(|h| h.id)
        .collect();
    ids.sort();
    ids
}

/// A data directory holding the bundle above, imported and closed.
async fn imported() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let bundle = tmp.path().join("bundle");
    write_bundle(&bundle);
    let data = tmp.path().join("data");
    let showroom = Showroom::open(Config::new(&data)).await.unwrap();
    let report = showroom.import_bundle(&bundle, false).await.unwrap();
    assert_eq!(report.products, 3);
    assert_eq!(ids(&showroom, "honey").await, ["honey-1"]);
    showroom.close().await;
    (tmp, data)
}

/// The one index folder under `data/index`.
fn index_folder(data: &Path) -> PathBuf {
    let folders: Vec<PathBuf> = fs::read_dir(data.join("index"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    assert_eq!(folders.len(), 1, "{folders:?}");
    folders.into_iter().next().unwrap()
}

/// Opens `data` and checks that it answers as the imported catalog did, with a sound index.
async fn answers_as_before(data: &Path) -> Showroom {
    let showroom = Showroom::open(Config::new(data)).await.unwrap();
    assert_eq!(ids(&showroom, "honey").await, ["honey-1"]);
    assert_eq!(ids(&showroom, "мёд").await, ["honey-1"]);
    assert_eq!(ids(&showroom, "沙棘").await, ["jam-1"]);
    assert_eq!(showroom.search(request("")).await.unwrap().total, 3);
    let verification = showroom.verify().await.unwrap();
    assert!(verification.ok, "{verification:?}");
    assert_eq!(verification.indexed, 3);
    assert_eq!(showroom.product("tea-1").await.unwrap().id, "tea-1");
    showroom
}

#[tokio::test]
async fn a_missing_index_folder_is_rebuilt() {
    let (_tmp, data) = imported().await;
    fs::remove_dir_all(data.join("index")).unwrap();
    let showroom = answers_as_before(&data).await;
    showroom.close().await;
    // The rebuilt index is the one named in SQLite: the next open uses it as it is.
    let folder = index_folder(&data);
    let showroom = answers_as_before(&data).await;
    assert_eq!(index_folder(&data), folder);
    showroom.close().await;
}

#[tokio::test]
async fn an_index_of_garbage_is_rebuilt() {
    let (_tmp, data) = imported().await;
    let folder = index_folder(&data);
    let mut damaged = 0;
    for entry in fs::read_dir(&folder).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            let len = fs::metadata(&path).unwrap().len().max(64) as usize;
            let garbage: Vec<u8> = (0..len).map(|i| (i * 7919 % 251) as u8).collect();
            fs::write(&path, garbage).unwrap();
            damaged += 1;
        }
    }
    assert!(damaged > 2, "only {damaged} files in the index");
    let showroom = answers_as_before(&data).await;
    assert_ne!(index_folder(&data), folder, "the broken folder is replaced");
    showroom.close().await;
}

#[tokio::test]
async fn an_index_with_damaged_segments_is_rebuilt() {
    let (_tmp, data) = imported().await;
    let folder = index_folder(&data);
    // The index's own descriptions stay readable; the data they point to does not.
    let mut damaged = 0;
    for entry in fs::read_dir(&folder).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_file() && !name.ends_with(".json") && !name.starts_with('.') {
            let len = fs::metadata(&path).unwrap().len() as usize;
            fs::write(&path, vec![0xA5u8; len]).unwrap();
            damaged += 1;
        }
    }
    assert!(damaged > 0, "no segment files in {}", folder.display());
    let showroom = answers_as_before(&data).await;
    assert_ne!(index_folder(&data), folder, "the broken folder is replaced");
    showroom.close().await;
}

#[tokio::test]
async fn an_index_damaged_inside_its_files_is_rebuilt() {
    let (_tmp, data) = imported().await;
    let folder = index_folder(&data);
    let damaged = damage_segment_files(&folder);
    assert!(damaged > 0, "no segment files in {}", folder.display());
    let showroom = answers_as_before(&data).await;
    assert_ne!(index_folder(&data), folder, "the broken folder is replaced");
    showroom.close().await;
}

/// Flips bytes in the middle of every segment file in `folder`, headers and footers
/// intact, so only the checksums tell; returns how many files it damaged.
fn damage_segment_files(folder: &Path) -> usize {
    let mut damaged = 0;
    for entry in fs::read_dir(folder).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_file() && !name.ends_with(".json") && !name.starts_with('.') {
            let mut bytes = fs::read(&path).unwrap();
            if bytes.len() > 64 {
                let middle = bytes.len() / 2;
                for byte in &mut bytes[middle - 8..middle + 8] {
                    *byte ^= 0x5A;
                }
                fs::write(&path, bytes).unwrap();
                damaged += 1;
            }
        }
    }
    damaged
}

#[tokio::test]
async fn a_damaged_or_missing_vocabulary_is_rebuilt() {
    let (_tmp, data) = imported().await;
    let folder = index_folder(&data);
    assert!(damage_segment_files(&folder.join("vocabulary")) > 0);
    let showroom = answers_as_before(&data).await;
    let rebuilt = index_folder(&data);
    assert_ne!(rebuilt, folder, "the broken folder is replaced");
    showroom.close().await;

    fs::remove_dir_all(rebuilt.join("vocabulary")).unwrap();
    let showroom = answers_as_before(&data).await;
    assert_ne!(
        index_folder(&data),
        rebuilt,
        "the incomplete folder is replaced"
    );
    showroom.close().await;
}

#[tokio::test]
async fn an_index_of_another_schema_version_is_rebuilt() {
    let (_tmp, data) = imported().await;
    let folder = index_folder(&data);
    let meta_path = folder.join("showroom-index.json");
    let mut meta: serde_json::Value =
        serde_json::from_slice(&fs::read(&meta_path).unwrap()).unwrap();
    let version = meta["schema_version"].as_u64().unwrap();
    meta["schema_version"] = (version - 1).into();
    fs::write(&meta_path, serde_json::to_vec(&meta).unwrap()).unwrap();
    let showroom = answers_as_before(&data).await;
    let rebuilt = index_folder(&data);
    assert_ne!(rebuilt, folder);
    let meta: serde_json::Value =
        serde_json::from_slice(&fs::read(rebuilt.join("showroom-index.json")).unwrap()).unwrap();
    assert_eq!(meta["schema_version"].as_u64(), Some(version));
    showroom.close().await;
}

/// A data directory whose index was made before search cards carried their first photo's
/// digest (schema 7, the release before): on open the index is rebuilt from SQLite, and cards,
/// the product and the thumbnails by digest all name the photo by its source's SHA-256.
#[tokio::test]
async fn an_index_made_before_cards_named_their_photo_is_rebuilt_with_it() {
    let tmp = tempfile::tempdir().unwrap();
    let bundle = tmp.path().join("bundle");
    write_bundle(&bundle);
    let photo = fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../catalog/images/ru-altai-mountain-honey-1kg.jpg"),
    )
    .unwrap();
    fs::create_dir_all(bundle.join("images")).unwrap();
    fs::write(bundle.join("images/honey.jpg"), &photo).unwrap();
    let products = fs::read_to_string(bundle.join("products.jsonl"))
        .unwrap()
        .replacen(
            r#""unit": "kg"}"#,
            r#""unit": "kg", "images": ["images/honey.jpg"]}"#,
            1,
        );
    fs::write(bundle.join("products.jsonl"), products).unwrap();
    let digest = showroom_core::media::thumbnail_key(&photo);

    let data = tmp.path().join("data");
    let showroom = Showroom::open(Config::new(&data)).await.unwrap();
    showroom.import_bundle(&bundle, false).await.unwrap();
    showroom.close().await;
    let folder = index_folder(&data);
    let meta_path = folder.join("showroom-index.json");
    let mut meta: serde_json::Value =
        serde_json::from_slice(&fs::read(&meta_path).unwrap()).unwrap();
    assert_eq!(
        meta["schema_version"].as_u64(),
        Some(u64::from(showroom_core::search::analysis::SCHEMA_VERSION))
    );
    meta["schema_version"] = 7.into();
    fs::write(&meta_path, serde_json::to_vec(&meta).unwrap()).unwrap();

    let showroom = answers_as_before(&data).await;
    assert_ne!(index_folder(&data), folder, "the old index was rebuilt");
    let hits = showroom.search(request("")).await.unwrap().hits;
    let images: Vec<(&str, Option<&str>, bool)> = hits
        .iter()
        .map(|h| (h.id.as_str(), h.image.as_deref(), h.has_image))
        .collect();
    assert!(
        images.contains(&("honey-1", Some(digest.as_str()), true)),
        "{images:?}"
    );
    assert!(images.contains(&("tea-1", None, false)), "{images:?}");
    assert_eq!(
        showroom.product("honey-1").await.unwrap().images,
        vec![digest.clone()]
    );
    let page = showroom.exhibitor_page("bee", 0).await.unwrap();
    let honey = page.products.iter().find(|p| p.id == "honey-1").unwrap();
    assert_eq!(honey.image.as_deref(), Some(digest.as_str()));

    // The thumbnails by digest: the catalog's own only.
    for size in showroom_core::ThumbSize::ALL {
        let bytes = showroom.image_by_digest(&digest, size).await.unwrap();
        assert!(bytes.starts_with(&[0xFF, 0xD8, 0xFF]) && bytes.ends_with(&[0xFF, 0xD9]));
    }
    for wrong in [
        "0".repeat(64),
        digest.to_uppercase(),
        digest[..63].to_string(),
        format!("../{}", &digest[3..]),
    ] {
        let error = showroom
            .image_by_digest(&wrong, showroom_core::ThumbSize::Grid)
            .await
            .unwrap_err();
        assert!(
            matches!(error, showroom_core::Error::NotFound { .. }),
            "{wrong}: {error:?}"
        );
    }
    showroom.close().await;
}

fn migrations() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations")
}

#[tokio::test]
async fn a_database_of_the_first_schema_is_migrated_with_nothing_lost() {
    let (tmp, data) = imported().await;
    let mut files: Vec<PathBuf> = fs::read_dir(migrations())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    files.sort();
    assert!(files.len() >= 2, "only one migration: nothing to migrate");

    // The database as the first release made it: its one migration, applied by sqlx
    // exactly as that release did, holding the catalog the current import stored.
    let first = tmp.path().join("first-migration");
    fs::create_dir_all(&first).unwrap();
    fs::copy(&files[0], first.join(files[0].file_name().unwrap())).unwrap();
    let old_db = tmp.path().join("old.db");
    let mut conn = SqliteConnection::connect_with(
        &SqliteConnectOptions::new()
            .filename(&old_db)
            .create_if_missing(true),
    )
    .await
    .unwrap();
    sqlx::migrate::Migrator::new(first.as_path())
        .await
        .unwrap()
        .run(&mut conn)
        .await
        .unwrap();
    let tables: Vec<String> =
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .fetch_all(&mut conn)
            .await
            .unwrap();
    assert!(!tables.contains(&"outbox".to_string()), "{tables:?}");
    sqlx::query("ATTACH DATABASE ? AS current")
        .bind(data.join("showroom.db").to_string_lossy().into_owned())
        .execute(&mut conn)
        .await
        .unwrap();
    for table in [
        "catalog",
        "category",
        "exhibitor",
        "product",
        "hall",
        "booth",
        "product_image",
    ] {
        // The table names are the fixed list above.
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO main.{table} SELECT * FROM current.{table}"
        )))
        .execute(&mut conn)
        .await
        .unwrap();
    }
    sqlx::query("DETACH DATABASE current")
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    for suffix in ["", "-wal", "-shm"] {
        let _ = fs::remove_file(data.join(format!("showroom.db{suffix}")));
    }
    fs::copy(&old_db, data.join("showroom.db")).unwrap();

    let showroom = answers_as_before(&data).await;
    let stats = showroom.stats().await.unwrap();
    assert_eq!(stats.version, "2026.11.1");
    // The later migrations' tables are there and usable.
    assert!(showroom.outbox().await.unwrap().is_empty());
    showroom.close().await;

    let mut conn = SqliteConnection::connect_with(
        &SqliteConnectOptions::new().filename(data.join("showroom.db")),
    )
    .await
    .unwrap();
    let applied: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE success = 1")
            .fetch_one(&mut conn)
            .await
            .unwrap();
    assert_eq!(applied as usize, files.len());
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(integrity, "ok");
    conn.close().await.unwrap();
}

/// What an HTTP client or the web view is told of a failure with a path in it: the code and
/// a sentence, no path; the operator's message (the CLI) still names the file.
#[tokio::test]
async fn errors_sent_to_clients_carry_no_path() {
    let dir = tempfile::tempdir().unwrap();
    // A data directory that is a file: opening it fails on the file system.
    let data = dir.path().join("private-data-dir");
    fs::write(&data, "not a folder").unwrap();
    let error = match Showroom::open(Config::new(&data)).await {
        Ok(_) => panic!("a file opened as a data directory"),
        Err(error) => error,
    };
    let root = dir.path().to_string_lossy().into_owned();
    for lang in Lang::ALL {
        let api = showroom_core::ApiError::new(&error, lang);
        assert_eq!(api.code, showroom_core::ErrorCode::Storage);
        assert!(!api.message.is_empty());
        for leak in [root.as_str(), "private-data-dir", "/tmp", "os error"] {
            assert!(
                !api.message.contains(leak),
                "{lang:?}: {leak:?} in {:?}",
                api.message
            );
        }
        let json = serde_json::to_string(&api).unwrap();
        assert!(!json.contains(&root), "{json}");
        assert!(
            error.localize(lang).contains("private-data-dir"),
            "the operator is told which file: {}",
            error.localize(lang)
        );
    }
}

/// `showroom.toml` holds the trade platform's token; a broken file is reported by line,
/// column and key, never by quoting the line (toml's own message does).
#[test]
fn a_broken_settings_file_never_echoes_its_token() {
    use showroom_core::error::ErrorCode;
    use showroom_core::settings::Settings;
    const SECRET: &str = "s3cr3t-7f2a9";
    let broken = [
        // An unterminated string.
        format!(
            "kiosk = true\n[platform]\nurl = \"https://trade.example.cn/\"\ntoken = \"{SECRET}\n"
        ),
        // A bare word.
        format!("[platform]\nurl = \"https://trade.example.cn/\"\ntoken = {SECRET}\n"),
        // The token's text under a key that wants a number.
        format!("[platform]\nurl = \"https://trade.example.cn/\"\ntimeout_secs = \"{SECRET}\"\n"),
        // ...or one of a few words.
        format!("[device]\nkind = \"{SECRET}\"\n"),
        // The online show's operator token where a number goes.
        format!("[serve]\nburst = \"{SECRET}\"\n"),
    ];
    for (i, text) in broken.iter().enumerate() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("showroom.toml"), text).unwrap();
        // One reader for the whole file: the screens, the supervision, the online show
        // and the trade all see the same refusal.
        let error = Settings::load(dir.path()).expect_err("the settings are refused");
        assert_eq!(error.code(), ErrorCode::Config, "case {i}");
        let errors = [
            error.to_string(),
            error.localize(Lang::Ru),
            error.localize_for_client(Lang::En),
        ];
        let line = text.lines().position(|l| l.contains(SECRET)).unwrap() + 1;
        for error in &errors {
            assert!(
                !error.contains(SECRET),
                "case {i}: the token is echoed: {error}"
            );
        }
        // The operator's messages say where; the client's says only that the settings
        // have a mistake.
        assert!(!errors[2].contains("line"), "case {i}: {}", errors[2]);
        for error in &errors[..2] {
            assert!(
                error.contains(&format!("line {line}")),
                "case {i}: no line {line}: {error}"
            );
            assert!(error.contains("showroom.toml"), "case {i}: {error}");
            let key = text
                .lines()
                .nth(line - 1)
                .unwrap()
                .split('=')
                .next()
                .unwrap()
                .trim();
            assert!(error.contains(key), "case {i}: no key {key}: {error}");
        }
    }
}

/// The data directory, the database with its WAL and shared memory, and the admin PIN's
/// hash are made readable by their owner only.
#[cfg(unix)]
#[tokio::test]
async fn the_data_directory_and_its_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("new").join("data");
    let bundle = dir.path().join("bundle");
    write_bundle(&bundle);
    let showroom = Showroom::open(Config::new(&data)).await.unwrap();
    showroom.import_bundle(&bundle, false).await.unwrap();
    showroom_core::kiosk::AdminPin::new(&data)
        .set("2468")
        .unwrap();
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&data), 0o700, "the data directory");
    assert!(data.join("showroom.db-wal").exists(), "WAL while open");
    for file in [
        "showroom.db",
        "showroom.db-wal",
        "showroom.db-shm",
        "kiosk-pin.toml",
    ] {
        assert_eq!(mode(&data.join(file)), 0o600, "{file}");
    }
    showroom.close().await;
    // A data directory that exists already keeps its mode (the operator's choice).
    let shared = dir.path().join("shared");
    fs::create_dir(&shared).unwrap();
    fs::set_permissions(&shared, fs::Permissions::from_mode(0o750)).unwrap();
    let showroom = Showroom::open(Config::new(&shared)).await.unwrap();
    assert_eq!(mode(&shared), 0o750);
    assert_eq!(mode(&shared.join("showroom.db")), 0o600);
    showroom.close().await;
}
