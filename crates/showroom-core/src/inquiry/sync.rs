//! Catalog sync from the trade platform: `GET /v1/catalog` (full, or a delta since the
//! version last synced, with the ETag kept in SQLite), images fetched by digest and
//! checked, then applied the one atomic way the core knows: a complete bundle is written
//! to a staging folder and imported with `Showroom::import_bundle`.

use std::collections::{BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use sqlx::Row;

use super::client::Platform;
use crate::error::{Error, Result};
use crate::model::{Booth, CatalogData, Category, Exhibitor, Hall, Manifest, Product};
use crate::{ImportReport, Showroom, blocking};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SyncMode {
    Full,
    Delta,
    NotModified,
}

#[derive(Clone, Debug, Serialize)]
pub struct SyncReport {
    pub mode: SyncMode,
    /// The catalog version now current (unchanged on 304).
    pub version: Option<String>,
    /// Objects changed by the platform's answer (upserts and deletes).
    pub operations: u32,
    pub media_fetched: u32,
    pub media_cached: u32,
    pub import: Option<ImportReport>,
}

fn bad(detail: impl Into<String>) -> Error {
    Error::Platform(format!("catalog: {}", detail.into()))
}

fn parse<T: serde::de::DeserializeOwned>(value: Value, what: &str) -> Result<T> {
    serde_json::from_value(value).map_err(|e| bad(format!("{what}: {e}")))
}

/// One kind's objects in their order, with each one's position by id, so that an upsert
/// or a delete costs O(1) and applying n lines O(n) (a linear search per line made a
/// 100,000-product full catalog quadratic).
struct Keyed<T> {
    items: Vec<Option<T>>,
    at: HashMap<String, usize>,
    id: fn(&T) -> &str,
}

impl<T> Keyed<T> {
    fn new(list: Vec<T>, id: fn(&T) -> &str) -> Self {
        let mut keyed = Keyed {
            items: Vec::with_capacity(list.len()),
            at: HashMap::with_capacity(list.len()),
            id,
        };
        for item in list {
            keyed.upsert(item);
        }
        keyed
    }

    /// Replaces the object with the same id where it stands, or appends it.
    fn upsert(&mut self, item: T) {
        let key = (self.id)(&item);
        match self.at.get(key) {
            Some(&i) => self.items[i] = Some(item),
            None => {
                self.at.insert(key.to_string(), self.items.len());
                self.items.push(Some(item));
            }
        }
    }

    fn remove(&mut self, key: &str) {
        if let Some(i) = self.at.remove(key) {
            self.items[i] = None;
        }
    }

    fn into_vec(self) -> Vec<T> {
        self.items.into_iter().flatten().collect()
    }
}

/// A catalog being changed by the platform's lines.
struct Working {
    categories: Keyed<Category>,
    exhibitors: Keyed<Exhibitor>,
    products: Keyed<Product>,
    halls: Keyed<Hall>,
    booths: Keyed<Booth>,
}

impl Working {
    fn new(data: CatalogData) -> Self {
        Working {
            categories: Keyed::new(data.categories, |c| &c.id),
            exhibitors: Keyed::new(data.exhibitors, |e| &e.id),
            products: Keyed::new(data.products, |p| &p.id),
            halls: Keyed::new(data.halls, |h| &h.id),
            booths: Keyed::new(data.booths, |b| &b.id),
        }
    }

    fn finish(self, manifest: Manifest) -> CatalogData {
        CatalogData {
            manifest: Some(manifest),
            categories: self.categories.into_vec(),
            exhibitors: self.exhibitors.into_vec(),
            products: self.products.into_vec(),
            halls: self.halls.into_vec(),
            booths: self.booths.into_vec(),
        }
    }
}

/// Applies one NDJSON operation line to `data`.
fn apply(data: &mut Working, mut line: Value) -> Result<()> {
    let kind = line["kind"].as_str().unwrap_or_default().to_string();
    let op = line["op"].as_str().unwrap_or_default().to_string();
    match op.as_str() {
        "upsert" => {
            let object = line["data"].take();
            match kind.as_str() {
                "category" => data.categories.upsert(parse(object, "category")?),
                "exhibitor" => data.exhibitors.upsert(parse(object, "exhibitor")?),
                "product" => data.products.upsert(parse(object, "product")?),
                "hall" => data.halls.upsert(parse(object, "hall")?),
                "booth" => data.booths.upsert(parse(object, "booth")?),
                // Kinds a later platform adds are ignored, as unknown fields are.
                _ => {}
            }
        }
        "delete" => {
            let id = line["id"]
                .as_str()
                .ok_or_else(|| bad("delete without id"))?;
            match kind.as_str() {
                "category" => data.categories.remove(id),
                "exhibitor" => data.exhibitors.remove(id),
                "product" => data.products.remove(id),
                "hall" => data.halls.remove(id),
                "booth" => data.booths.remove(id),
                _ => {}
            }
        }
        other => return Err(bad(format!("unknown op {other:?}"))),
    }
    Ok(())
}

/// The digest an image reference names: `media/<sha256>` from the platform, or
/// `images/<sha256>.<ext>` as an earlier sync stored it.
fn digest_of(reference: &str) -> Option<String> {
    let name = reference
        .strip_prefix("media/")
        .or_else(|| reference.strip_prefix("images/"))?;
    let digest = name.split('.').next()?;
    (digest.len() == 64 && digest.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| digest.to_ascii_lowercase())
}

fn extension(bytes: &[u8]) -> &'static str {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        "jpg"
    } else if bytes.starts_with(b"\x89PNG") {
        "png"
    } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        "webp"
    } else {
        "bin"
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |e| Error::io(path, e)
}

/// Writes `data` as a catalog bundle in `dir`, with each image's bytes from the cache.
fn write_bundle(dir: &Path, data: &CatalogData, cache: &Path) -> Result<()> {
    #[derive(Serialize)]
    struct Categories<'a> {
        category: &'a [Category],
    }
    #[derive(Serialize)]
    struct HallFile<'a> {
        hall: &'a [Hall],
        booth: &'a [Booth],
    }
    let toml_err = Error::from;
    let json_err = Error::from;
    fs::create_dir_all(dir.join("images")).map_err(io(dir))?;
    let manifest = data.manifest.as_ref().ok_or_else(|| bad("no manifest"))?;
    let write = |name: &str, text: String| {
        let path = dir.join(name);
        fs::write(&path, text).map_err(|e| Error::io(&path, e))
    };
    write("catalog.toml", toml::to_string(manifest).map_err(toml_err)?)?;
    write(
        "categories.toml",
        toml::to_string(&Categories {
            category: &data.categories,
        })
        .map_err(toml_err)?,
    )?;
    let mut lines = String::new();
    for exhibitor in &data.exhibitors {
        lines.push_str(&serde_json::to_string(exhibitor).map_err(json_err)?);
        lines.push('\n');
    }
    write("exhibitors.jsonl", lines)?;
    if !data.halls.is_empty() || !data.booths.is_empty() {
        write(
            "hall.toml",
            toml::to_string(&HallFile {
                hall: &data.halls,
                booth: &data.booths,
            })
            .map_err(toml_err)?,
        )?;
    }
    let mut lines = String::new();
    // Each image once, however many products show it.
    let mut named: HashMap<String, String> = HashMap::new();
    for product in &data.products {
        let mut product = product.clone();
        for image in product.images.iter_mut() {
            let digest = digest_of(image).ok_or_else(|| bad(format!("image {image:?}")))?;
            if let Some(name) = named.get(&digest) {
                *image = name.clone();
                continue;
            }
            let source = cache.join(&digest);
            let bytes = fs::read(&source).map_err(io(&source))?;
            let name = format!("images/{digest}.{}", extension(&bytes));
            let target = dir.join(&name);
            if !target.exists() && fs::hard_link(&source, &target).is_err() {
                fs::write(&target, &bytes).map_err(io(&target))?;
            }
            named.insert(digest, name.clone());
            *image = name;
        }
        lines.push_str(&serde_json::to_string(&product).map_err(json_err)?);
        lines.push('\n');
    }
    write("products.jsonl", lines)
}

pub(crate) async fn sync(showroom: &Showroom, platform: &Platform) -> Result<SyncReport> {
    let pool = showroom.store().pool().clone();
    let state = sqlx::query("SELECT etag, version FROM sync_state WHERE singleton = 1")
        .fetch_optional(&pool)
        .await?;
    let (etag, synced_version) = match state {
        Some(row) => (
            row.get::<Option<String>, _>("etag"),
            row.get::<Option<String>, _>("version"),
        ),
        None => (None, None),
    };
    let current = showroom
        .store()
        .catalog()
        .await?
        .map(|c| c.manifest.version);
    // A delta (and the ETag) only makes sense on top of the catalog the last sync made.
    let on_synced = current.is_some() && current == synced_version;
    let (since, etag) = if on_synced {
        (synced_version.as_deref(), etag.as_deref())
    } else {
        (None, None)
    };
    let Some((new_etag, body)) = platform.catalog(since, etag).await? else {
        return Ok(SyncReport {
            mode: SyncMode::NotModified,
            version: current,
            operations: 0,
            media_fetched: 0,
            media_cached: 0,
            import: None,
        });
    };

    let text = String::from_utf8(body).map_err(|_| bad("not UTF-8"))?;
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let mut head: Value = serde_json::from_str(lines.next().ok_or_else(|| bad("empty answer"))?)
        .map_err(|e| bad(format!("manifest line: {e}")))?;
    let mode = match head
        .as_object_mut()
        .and_then(|o| o.remove("mode"))
        .as_ref()
        .and_then(Value::as_str)
    {
        Some("full") => SyncMode::Full,
        Some("delta") if on_synced => SyncMode::Delta,
        Some("delta") => return Err(bad("a delta was sent for a full request")),
        other => return Err(bad(format!("mode {other:?}"))),
    };
    let manifest: Manifest = parse(head, "manifest")?;
    let mut working = Working::new(if mode == SyncMode::Delta {
        showroom.store().load_all().await?
    } else {
        CatalogData::default()
    });
    let mut operations = 0;
    for line in lines {
        let value: Value = serde_json::from_str(line).map_err(|e| bad(format!("line: {e}")))?;
        apply(&mut working, value)?;
        operations += 1;
    }
    let version = manifest.version.clone();
    let data = working.finish(manifest);

    // Images: every digest the new catalog names, from the cache or the platform.
    let sync_dir = showroom.data_dir().join("sync");
    let cache = sync_dir.join("media");
    fs::create_dir_all(&cache).map_err(io(&cache))?;
    let mut wanted = BTreeSet::new();
    for product in &data.products {
        for image in &product.images {
            wanted.insert(digest_of(image).ok_or_else(|| bad(format!("image {image:?}")))?);
        }
    }
    let (mut fetched, mut cached) = (0, 0);
    for digest in &wanted {
        let path = cache.join(digest);
        if let Ok(bytes) = fs::read(&path)
            && sha256_hex(&bytes) == *digest
        {
            cached += 1;
            continue;
        }
        let bytes = platform.media(digest).await?;
        if sha256_hex(&bytes) != *digest {
            return Err(bad(format!(
                "media {digest}: the bytes do not match the digest"
            )));
        }
        crate::disk::write_atomically(&path, &bytes).map_err(io(&path))?;
        fetched += 1;
    }

    let nanos = time::OffsetDateTime::now_utc().unix_timestamp_nanos();
    let staging: PathBuf = sync_dir.join(format!("staging-{nanos:x}"));
    let work = (staging.clone(), cache.clone());
    let written = blocking(move || write_bundle(&work.0, &data, &work.1)).await?;
    let imported = match written {
        Ok(()) => showroom.import_bundle(&staging, false).await,
        Err(e) => Err(e),
    };
    Showroom::remove_dir_quietly(staging).await;
    let report = imported?;

    sqlx::query(
        "INSERT INTO sync_state (singleton, etag, version, synced_at) VALUES (1, ?, ?, ?) \
         ON CONFLICT (singleton) DO UPDATE SET etag = excluded.etag, \
         version = excluded.version, synced_at = excluded.synced_at",
    )
    .bind(new_etag)
    .bind(&version)
    .bind(super::rfc3339(time::OffsetDateTime::now_utc()))
    .execute(&pool)
    .await?;
    // Inquiries the platform held back for a product its catalog lacked may go now.
    super::outbox::release_held(
        &pool,
        super::FailureReason::UnknownProduct,
        time::OffsetDateTime::now_utc(),
    )
    .await?;

    // Cached images no product names any more are dropped.
    if let Ok(entries) = fs::read_dir(&cache) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !wanted.contains(&name) {
                let _ = fs::remove_file(entry.path());
            }
        }
    }
    Ok(SyncReport {
        mode,
        version: Some(version),
        operations,
        media_fetched: fetched,
        media_cached: cached,
        import: Some(report),
    })
}
