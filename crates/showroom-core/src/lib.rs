//! SCO Showroom's core: all behaviour of the app, the CLI and the online show, with no
//! dependency on Tauri or a web view.
//!
//! [`Showroom`] is the one facade: cheap to clone, safe to share, every method a single
//! operation a command or a CLI verb maps to. It owns the SQLite store and the search
//! index and wires the parts together, each a crate of its own: the shared types and
//! errors (`showroom-model`), bundles and thumbnails (`showroom-catalog`), search
//! (`showroom-search`), inquiries and the platform's client (`showroom-trade`), the
//! kiosk's PIN and supervision (`showroom-kiosk`). [`api::Api`] is the one door the
//! app's commands and the online show's handlers go through.

pub mod api;
pub mod bindings;
pub mod inquiry;
pub mod insights;
pub mod qr;
pub mod settings;
pub mod showcase;
pub mod store;

// The parts the facade is built on, under the names its callers know them by.
pub use showroom_catalog as catalog;
pub use showroom_catalog::{generate, media};
pub use showroom_kiosk as kiosk;
pub use showroom_kiosk::{guard, supervise};
pub use showroom_model as model;
pub use showroom_model::disk::create_data_dir;
pub use showroom_model::{disk, error, i18n, process};
pub use showroom_search as search;
pub use showroom_search::{bench, relevance};

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Instant;

use arc_swap::ArcSwapOption;
use serde::Serialize;

pub use error::{ApiError, Error, ErrorCode, Result};
pub use i18n::Lang;
pub use media::ThumbSize;
pub use search::{QueryReading, RelatedBy, SearchRequest, SearchResponse};

use catalog::{Limits, Problem};
use media::MediaStore;
use model::{CatalogInfo, CatalogStats, CategoryRef, ExhibitorRef, ProductView};
use search::SearchIndex;
use store::Store;

/// Everything the core needs to know about its surroundings; the shell or the CLI
/// resolves it (the core reads no environment).
#[derive(Clone, Debug)]
pub struct Config {
    /// Holds `showroom.db`, `index/` and `media/`.
    pub data_dir: PathBuf,
    pub limits: Limits,
}

impl Config {
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Config {
            data_dir: data_dir.into(),
            limits: Limits::default(),
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct ImportReport {
    pub catalog_id: String,
    pub version: String,
    /// False when this version was already the current catalog (nothing was done).
    pub changed: bool,
    pub products: u32,
    pub exhibitors: u32,
    pub categories: u32,
    pub images: u32,
    /// The problems of the products left out by `skip_invalid`: the first
    /// [`catalog::MAX_LISTED`].
    pub skipped: Vec<Problem>,
    /// How many problems the products left out had, listed or not.
    pub skipped_total: usize,
    pub seconds: f64,
}

/// What an import is doing, for a progress bar: the stage, and how far it is when that can
/// be counted (photos: distinct source images made; `total` 0 when not counted).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ImportProgress {
    pub stage: ImportStage,
    #[ts(type = "number")]
    pub done: u64,
    #[ts(type = "number")]
    pub total: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ImportStage {
    /// Reading and checking the bundle's files.
    Checking,
    /// Making the thumbnails of its photos.
    Photos,
    /// Building the search index.
    Index,
    /// Storing the catalog.
    Saving,
}

/// Told of an import's progress; called from the import's threads.
pub type OnProgress = Arc<dyn Fn(ImportProgress) + Send + Sync>;

#[derive(Clone, Debug, Serialize)]
pub struct Verification {
    pub ok: bool,
    /// What SQLite's `PRAGMA integrity_check` said (`ok` when sound).
    pub integrity: String,
    pub products: u32,
    pub indexed: u64,
}

/// Every page the online show has, by id.
#[derive(Clone, Debug, Default)]
pub struct PageIds {
    pub products: Vec<String>,
    pub exhibitors: Vec<String>,
    pub categories: Vec<String>,
}

#[derive(Clone)]
pub struct Showroom {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    store: Store,
    media: MediaStore,
    index: ArcSwapOption<SearchIndex>,
    /// One catalog change at a time within this process.
    import_lock: tokio::sync::Mutex<()>,
    started: Instant,
    /// When (ms after `started`) the store was last asked for a newer catalog.
    last_refresh: AtomicU64,
    /// When (Unix seconds) the catalog was last pulled from the platform; 0: never.
    last_sync: AtomicI64,
    /// The last hour whose visits' session ids were deleted (insights).
    insights_forgotten: AtomicI64,
    /// The home screen and the hall map of the current catalog, made once per catalog
    /// (keyed by [`Showroom::catalog_stamp`]) rather than from the whole catalog per call.
    shown: std::sync::Mutex<Option<showcase::Shown>>,
}

fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    Ok(tokio::task::spawn_blocking(f).await?)
}

impl Showroom {
    /// Opens the data directory, creating it if needed, and makes sure the current
    /// catalog's index is there (rebuilding it from SQLite when it is not).
    pub async fn open(config: Config) -> Result<Showroom> {
        let dir = &config.data_dir;
        create_data_dir(dir)?;
        fs::create_dir_all(dir.join("index")).map_err(|e| Error::io(dir, e))?;
        let store = Store::open(&dir.join("showroom.db")).await?;
        let media = MediaStore::open(dir.join("media"))?;
        let showroom = Showroom {
            inner: Arc::new(Inner {
                config,
                store,
                media,
                index: ArcSwapOption::empty(),
                import_lock: tokio::sync::Mutex::new(()),
                started: Instant::now(),
                last_refresh: AtomicU64::new(0),
                last_sync: AtomicI64::new(0),
                insights_forgotten: AtomicI64::new(i64::MIN),
                shown: std::sync::Mutex::new(None),
            }),
        };
        if let Some(row) = showroom.inner.store.catalog().await? {
            let path = showroom.index_root().join(&row.index_dir);
            let opened = blocking(move || SearchIndex::open(&path)).await?;
            match opened {
                Ok(index) => showroom.inner.index.store(Some(Arc::new(index))),
                Err(error) => {
                    tracing::warn!(%error, "search index unusable, rebuilding from the database");
                    showroom.rebuild_index().await?;
                }
            }
        }
        showroom.remove_stale_indexes().await;
        Ok(showroom)
    }

    fn index_root(&self) -> PathBuf {
        self.inner.config.data_dir.join("index")
    }

    pub(crate) fn insights_forgotten(&self) -> &AtomicI64 {
        &self.inner.insights_forgotten
    }

    pub(crate) fn store(&self) -> &Store {
        &self.inner.store
    }

    pub fn data_dir(&self) -> &Path {
        &self.inner.config.data_dir
    }

    fn new_index_name() -> String {
        let nanos = time::OffsetDateTime::now_utc().unix_timestamp_nanos();
        format!("v{}-{nanos:x}", search::analysis::SCHEMA_VERSION)
    }

    /// Rebuilds the current catalog's index from SQLite into a new folder and switches to it.
    pub async fn rebuild_index(&self) -> Result<()> {
        let _guard = self.inner.import_lock.lock().await;
        let data = self.inner.store.load_all().await?;
        let images = self.inner.store.first_images().await?;
        let name = Self::new_index_name();
        let dir = self.index_root().join(&name);
        let index = blocking(move || {
            let images: HashMap<&str, &str> = images
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            SearchIndex::build(&dir, &data, &images)
        })
        .await??;
        self.inner.store.set_index_dir(&name).await?;
        self.inner.index.store(Some(Arc::new(index)));
        Ok(())
    }

    /// Deletes index folders other than the current one (left by a crash mid-import or
    /// by a replaced catalog).
    async fn remove_stale_indexes(&self) {
        let current = self.inner.index.load_full().map(|i| i.dir().to_path_buf());
        let Ok(entries) = fs::read_dir(self.index_root()) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if Some(&path) != current.as_ref()
                && path.is_dir()
                && let Err(error) = fs::remove_dir_all(&path)
            {
                tracing::warn!(%error, path = %path.display(), "could not remove an old index");
            }
        }
    }

    /// Validates a bundle without changing anything.
    pub async fn check_bundle(&self, bundle: &Path) -> Result<catalog::Bundle> {
        let limits = self.inner.config.limits.clone();
        let bundle = bundle.to_path_buf();
        blocking(move || catalog::load(&bundle, &limits, false)).await
    }

    /// Validates and applies a bundle atomically: thumbnails and a new index are made
    /// first, then one SQLite transaction switches catalog and index together. Until then
    /// searches see the old catalog; a crash before the commit leaves it untouched.
    pub async fn import_bundle(&self, bundle: &Path, skip_invalid: bool) -> Result<ImportReport> {
        self.import_bundle_with(bundle, skip_invalid, None).await
    }

    /// [`Showroom::import_bundle`], telling `progress` how far it is.
    pub async fn import_bundle_with(
        &self,
        bundle: &Path,
        skip_invalid: bool,
        progress: Option<OnProgress>,
    ) -> Result<ImportReport> {
        let tell = |stage, done, total| {
            if let Some(progress) = &progress {
                progress(ImportProgress { stage, done, total });
            }
        };
        tell(ImportStage::Checking, 0, 0);
        let started = Instant::now();
        let _guard = self.inner.import_lock.lock().await;
        let limits = self.inner.config.limits.clone();
        let path = bundle.to_path_buf();
        let loaded = blocking(move || catalog::load(&path, &limits, skip_invalid)).await?;
        if !loaded.is_valid() {
            return Err(Error::InvalidBundle {
                problems: loaded.problems,
                total: loaded.problems_total,
            });
        }
        let manifest = loaded
            .data
            .manifest
            .clone()
            .ok_or_else(|| Error::internal("a valid bundle without its manifest"))?;
        let counts = (
            loaded.data.products.len() as u32,
            loaded.data.exhibitors.len() as u32,
            loaded.data.categories.len() as u32,
        );
        let skipped_total = loaded.skipped_total;
        let report = |changed: bool, images: u32, skipped: Vec<Problem>| ImportReport {
            catalog_id: manifest.id.clone(),
            version: manifest.version.clone(),
            changed,
            products: counts.0,
            exhibitors: counts.1,
            categories: counts.2,
            images,
            skipped,
            skipped_total,
            seconds: started.elapsed().as_secs_f64(),
        };
        if let Some(current) = self.inner.store.catalog().await?
            && current.manifest.id == manifest.id
            && current.manifest.version == manifest.version
            && self.inner.index.load().is_some()
        {
            let (_, _, _, images) = self.inner.store.counts().await?;
            return Ok(report(false, images, loaded.skipped.clone()));
        }

        let media = self.inner.media.clone();
        let limits = self.inner.config.limits.clone();
        let name = Self::new_index_name();
        let dir = self.index_root().join(&name);
        let loaded = Arc::new(loaded);
        let work = Arc::clone(&loaded);
        let on_progress = progress.clone();
        let (images, index) = blocking(move || -> Result<_> {
            let photos = |done: u64, total: u64| {
                if let Some(progress) = &on_progress {
                    progress(ImportProgress {
                        stage: ImportStage::Photos,
                        done,
                        total,
                    });
                }
            };
            let images = media
                .prepare(&work.root, &work.data.products, &limits, &photos)
                .map_err(Error::invalid_bundle)?;
            if let Some(progress) = &on_progress {
                progress(ImportProgress {
                    stage: ImportStage::Index,
                    done: 0,
                    total: work.data.products.len() as u64,
                });
            }
            let first: HashMap<&str, &str> = images
                .iter()
                .filter(|row| row.position == 0)
                .map(|row| (row.product.as_str(), row.digest.as_str()))
                .collect();
            let index = SearchIndex::build(&dir, &work.data, &first)?;
            Ok((images, index))
        })
        .await??;

        tell(ImportStage::Saving, 0, 0);
        if let Err(error) = self
            .inner
            .store
            .replace_catalog(&loaded.data, &images, &name, &now_rfc3339())
            .await
        {
            drop(index);
            let _ = fs::remove_dir_all(self.index_root().join(&name));
            return Err(error);
        }
        self.inner.index.store(Some(Arc::new(index)));
        self.remove_stale_indexes().await;
        let distinct: std::collections::HashSet<&str> =
            images.iter().map(|r| r.digest.as_str()).collect();
        Ok(report(true, distinct.len() as u32, loaded.skipped.clone()))
    }

    /// Imports `bundle` when no catalog is stored yet; `None` when one already is.
    pub async fn ensure_catalog(&self, bundle: &Path) -> Result<Option<ImportReport>> {
        self.ensure_catalog_with(bundle, None).await
    }

    /// [`Showroom::ensure_catalog`], telling `progress` how far the import is.
    pub async fn ensure_catalog_with(
        &self,
        bundle: &Path,
        progress: Option<OnProgress>,
    ) -> Result<Option<ImportReport>> {
        if self.inner.store.catalog().await?.is_some() && self.inner.index.load().is_some() {
            return Ok(None);
        }
        self.import_bundle_with(bundle, false, progress)
            .await
            .map(Some)
    }

    pub async fn catalog_info(&self) -> Result<CatalogInfo> {
        let row = self.inner.store.catalog().await?.ok_or(Error::NoCatalog)?;
        let (products, exhibitors, categories, _) = self.inner.store.counts().await?;
        let category_names = self
            .inner
            .store
            .categories()
            .await?
            .into_iter()
            .map(|c| (c.id, c.name))
            .collect();
        Ok(CatalogInfo {
            id: row.manifest.id,
            version: row.manifest.version,
            title: row.manifest.title,
            products,
            exhibitors,
            categories,
            category_names,
        })
    }

    pub async fn stats(&self) -> Result<CatalogStats> {
        let row = self.inner.store.catalog().await?.ok_or(Error::NoCatalog)?;
        let (products, exhibitors, categories, images) = self.inner.store.counts().await?;
        let all = self.inner.store.load_all().await?;
        Ok(CatalogStats {
            id: row.manifest.id,
            version: row.manifest.version,
            products,
            exhibitors,
            categories,
            images,
            per_country: self.inner.store.per_country().await?,
            name_languages: catalog::name_languages(&all.products),
        })
    }

    /// Searches the current catalog. Runs on a blocking thread; callers await it.
    pub async fn search(&self, request: SearchRequest) -> Result<SearchResponse> {
        self.refresh_now_and_then().await;
        let index = self.inner.index.load_full().ok_or(Error::NoCatalog)?;
        blocking(move || index.search(&request)).await?
    }

    /// The same search, on the calling thread (for benchmarks and synchronous callers).
    pub fn search_blocking(&self, request: &SearchRequest) -> Result<SearchResponse> {
        let index = self.inner.index.load_full().ok_or(Error::NoCatalog)?;
        index.search(request)
    }

    pub async fn product(&self, id: &str) -> Result<ProductView> {
        let store = &self.inner.store;
        let not_found = || Error::NotFound {
            kind: "product",
            id: id.to_string(),
        };
        let p = store.product(id).await?.ok_or_else(not_found)?;
        let exhibitor = store.exhibitor(&p.exhibitor).await?.ok_or_else(not_found)?;
        let category = store.category(&p.category).await?.ok_or_else(not_found)?;
        let images = store.image_digests(id).await?;
        Ok(ProductView {
            id: p.id,
            exhibitor: ExhibitorRef {
                id: exhibitor.id,
                name: exhibitor.name,
                country: exhibitor.country,
                city: exhibitor.city,
                booth: exhibitor.booth,
            },
            category: CategoryRef {
                id: category.id,
                name: category.name,
            },
            country: p.country,
            city: p.city,
            name: p.name,
            description: p.description,
            hs_code: p.hs_code,
            unit: p.unit,
            moq: p.moq,
            price: p.price,
            certifications: p.certifications,
            storage: p.storage,
            shelf_life_days: p.shelf_life_days,
            image_count: images.len() as u32,
            images,
            tags: p.tags,
            updated_at: p.updated_at,
        })
    }

    /// The JPEG bytes of image `position` of a product, looked up by catalog id (never by
    /// a path from the caller).
    pub async fn product_image(
        &self,
        product: &str,
        position: u32,
        size: ThumbSize,
    ) -> Result<Vec<u8>> {
        let digest = self
            .inner
            .store
            .image_digest(product, position)
            .await?
            .ok_or_else(|| Error::NotFound {
                kind: "image",
                id: format!("{product}/{position}"),
            })?;
        let media = self.inner.media.clone();
        blocking(move || media.read(&digest, size)).await?
    }

    /// The JPEG bytes of the thumbnail of an image of the stored catalog, by the digest of
    /// its source. Not found for anything but a digest of the catalog's images whose
    /// thumbnail is whole: the same address always answers with the same bytes.
    pub async fn image_by_digest(&self, digest: &str, size: ThumbSize) -> Result<Vec<u8>> {
        let not_found = || Error::NotFound {
            kind: "image",
            id: digest.chars().take(64).collect(),
        };
        let well_formed = digest.len() == 64
            && digest
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !well_formed || !self.inner.store.has_image_digest(digest).await? {
            return Err(not_found());
        }
        let media = self.inner.media.clone();
        let wanted = digest.to_string();
        let bytes = blocking(move || media.read(&wanted, size))
            .await?
            .map_err(|_| not_found())?;
        if !media::is_whole_jpeg_bytes(&bytes) {
            return Err(not_found());
        }
        Ok(bytes)
    }

    /// Checks that the data directory is sound: SQLite's integrity check, and an index
    /// holding exactly the stored products.
    pub async fn verify(&self) -> Result<Verification> {
        let integrity = self.inner.store.integrity_check().await?;
        let (products, _, _, _) = self.inner.store.counts().await?;
        let indexed = self.inner.index.load_full().map_or(0, |i| i.num_docs());
        Ok(Verification {
            ok: integrity == "ok" && indexed == products as u64,
            integrity,
            products,
            indexed,
        })
    }

    /// [`Showroom::refresh`] at most every two seconds, so a long-running app follows
    /// imports made by the CLI without a query per keystroke.
    async fn refresh_now_and_then(&self) {
        let now = self.inner.started.elapsed().as_millis() as u64;
        let last = self.inner.last_refresh.load(Ordering::Relaxed);
        if now.saturating_sub(last) < 2000
            || self
                .inner
                .last_refresh
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_err()
        {
            return;
        }
        if let Err(error) = self.refresh().await {
            tracing::warn!(%error, "could not check for a new catalog");
        }
    }

    /// Switches to the current catalog's index when another process (the CLI, a sync)
    /// has imported a new catalog into the same data directory.
    pub async fn refresh(&self) -> Result<bool> {
        let Some(row) = self.inner.store.catalog().await? else {
            return Ok(false);
        };
        let current = self.inner.index.load_full();
        let wanted = self.index_root().join(&row.index_dir);
        if current.as_ref().is_some_and(|i| i.dir() == wanted) {
            return Ok(false);
        }
        let _guard = self.inner.import_lock.lock().await;
        let opened = blocking(move || SearchIndex::open(&wanted)).await?;
        match opened {
            Ok(index) => {
                self.inner.index.store(Some(Arc::new(index)));
                Ok(true)
            }
            Err(error) => {
                tracing::warn!(%error, "the new catalog's index is unusable; keeping the current one");
                Ok(false)
            }
        }
    }

    /// Records a successful catalog pull (a 304 counts: the catalog is known current).
    pub(crate) fn note_sync(&self) {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        self.inner.last_sync.store(now, Ordering::Relaxed);
    }

    /// Seconds since the catalog was last pulled from the platform by this process;
    /// `None` when it never was.
    pub fn sync_age_secs(&self) -> Option<u64> {
        let at = self.inner.last_sync.load(Ordering::Relaxed);
        (at > 0).then(|| (time::OffsetDateTime::now_utc().unix_timestamp() - at).max(0) as u64)
    }

    /// The ids of every product, exhibitor and category, in catalog order (the online
    /// show's pages, for its sitemap).
    pub async fn page_ids(&self) -> Result<PageIds> {
        use store::IdTable;
        let store = &self.inner.store;
        Ok(PageIds {
            products: store.ids(IdTable::Product).await?,
            exhibitors: store.ids(IdTable::Exhibitor).await?,
            categories: store.ids(IdTable::Category).await?,
        })
    }

    /// A name that changes whenever the current catalog does (its index folder): what a
    /// cached answer about the catalog is valid for. `None` before any catalog.
    pub fn catalog_stamp(&self) -> Option<String> {
        self.inner.index.load().as_ref().and_then(|index| {
            index
                .dir()
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
        })
    }

    /// A category by id.
    pub async fn category(&self, id: &str) -> Result<model::Category> {
        self.inner
            .store
            .category(id)
            .await?
            .ok_or_else(|| Error::NotFound {
                kind: "category",
                id: id.to_string(),
            })
    }

    /// Whether a catalog and its index are loaded (searches can be answered).
    pub fn catalog_loaded(&self) -> bool {
        self.inner.index.load().is_some()
    }

    /// Whether the database accepts writes now (a new inquiry would be stored).
    pub async fn writable(&self) -> Result<()> {
        self.inner.store.check_writable()?;
        self.inner.store.probe_write().await
    }

    /// Lets go of the data directory: the database's connections and the search index's
    /// files. Windows refuses to delete or replace a file that is open, so the index is
    /// dropped here rather than with the last clone of this `Showroom` (a search still
    /// running keeps its own reference to the end).
    pub async fn close(&self) {
        self.inner.index.store(None);
        self.inner.store.close().await;
    }
}
