//! The SQLite store: the source of truth for the catalog. Every catalog change is one
//! transaction; readers see the old catalog or the new one, never a mix.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{AssertSqlSafe, Row, Sqlite, Transaction};

use crate::error::{Error, Result};
use crate::media::ImageRow;
use crate::model::{Booth, CatalogData, Category, Exhibitor, Hall, Manifest, Product};

/// The catalog row: which catalog is current and which index belongs to it.
#[derive(Clone, Debug)]
pub struct CatalogRow {
    pub manifest: Manifest,
    pub index_dir: String,
}

#[derive(Clone, Debug)]
pub struct Store {
    pool: SqlitePool,
    /// Opened on a full disk: readable, and every write says the disk is full.
    read_only: bool,
}

fn to_json<T: Serialize>(value: &T) -> Result<String> {
    Ok(serde_json::to_string(value)?)
}

fn from_json<T: DeserializeOwned>(text: &str) -> Result<T> {
    Ok(serde_json::from_str(text)?)
}

/// The tables whose ids are pages of the online show.
#[derive(Clone, Copy, Debug)]
pub enum IdTable {
    Product,
    Exhibitor,
    Category,
}

impl Store {
    /// Opens (creating if needed) the database file and brings its schema up to date.
    ///
    /// On a full disk SQLite cannot even make its shared-memory file, so the database is
    /// then opened read-only (`immutable`: no shared memory, no locks; a write-ahead log
    /// left by a crash is not read) when its schema is current: the catalog stays
    /// searchable, and writes fail with the disk-full error until the next start.
    pub async fn open(path: &Path) -> Result<Self> {
        match Self::open_writable(path).await {
            Err(error) if error.is_disk_full() && path.is_file() => {
                match Self::open_read_only(path).await {
                    Ok(store) => {
                        tracing::warn!(%error, "the disk is full: the database is read-only until the next start");
                        Ok(store)
                    }
                    Err(second) => {
                        tracing::warn!(%second, "the database cannot be read either");
                        Err(error)
                    }
                }
            }
            other => other,
        }
    }

    async fn open_read_only(path: &Path) -> Result<Self> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .read_only(true)
            .immutable(true)
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await?;
        let migrator = sqlx::migrate!("./migrations");
        let applied: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE success = 1")
                .fetch_one(&pool)
                .await?;
        if applied != migrator.migrations.len() as i64 {
            return Err(Error::internal(format!(
                "{}: the schema needs a migration, which a full disk does not allow",
                path.display()
            )));
        }
        Ok(Store {
            pool,
            read_only: true,
        })
    }

    /// The disk-full error when the database was opened read-only on a full disk.
    pub(crate) fn check_writable(&self) -> Result<()> {
        if self.read_only {
            return Err(Error::io(
                "showroom.db",
                std::io::Error::from(std::io::ErrorKind::StorageFull),
            ));
        }
        Ok(())
    }

    /// Takes SQLite's write lock and lets it go, writing nothing: fails when the database
    /// cannot be written (read-only file or folder, locked past the busy timeout).
    pub(crate) async fn probe_write(&self) -> Result<()> {
        let mut conn = self.pool.acquire().await?;
        sqlx::query("BEGIN IMMEDIATE").execute(&mut *conn).await?;
        sqlx::query("ROLLBACK").execute(&mut *conn).await?;
        Ok(())
    }

    async fn open_writable(path: &Path) -> Result<Self> {
        // SQLite would create the file with the process's umask (usually world-readable);
        // made here first, empty and 0600, it is a new database to SQLite, and the -wal and
        // -shm files SQLite makes beside it take the same mode.
        if !path.exists()
            && let Err(error) = crate::disk::create_private(path)
        {
            tracing::debug!(%error, "the database file could not be made ahead of SQLite");
        }
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        Ok(Store {
            pool,
            read_only: false,
        })
    }

    pub(crate) fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    pub async fn catalog(&self) -> Result<Option<CatalogRow>> {
        let row = sqlx::query("SELECT manifest, index_dir FROM catalog WHERE singleton = 1")
            .fetch_optional(&self.pool)
            .await?;
        row.map(|row| {
            Ok(CatalogRow {
                manifest: from_json(row.get::<&str, _>("manifest"))?,
                index_dir: row.get("index_dir"),
            })
        })
        .transpose()
    }

    /// Replaces the whole catalog and names its index, in one transaction.
    pub async fn replace_catalog(
        &self,
        data: &CatalogData,
        images: &[ImageRow],
        index_dir: &str,
        now: &str,
    ) -> Result<()> {
        let manifest = data
            .manifest
            .as_ref()
            .ok_or_else(|| Error::internal("a catalog without its manifest"))?;
        self.check_writable()?;
        let mut tx = self.pool.begin().await?;
        for table in [
            "product_image",
            "product",
            "exhibitor",
            "category",
            "booth",
            "hall",
            "catalog",
        ] {
            // Table names come from the fixed list above, never from input.
            sqlx::query(AssertSqlSafe(format!("DELETE FROM {table}")))
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query(
            "INSERT INTO catalog (singleton, id, version, manifest, index_dir, imported_at) \
             VALUES (1, ?, ?, ?, ?, ?)",
        )
        .bind(&manifest.id)
        .bind(&manifest.version)
        .bind(to_json(manifest)?)
        .bind(index_dir)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        insert_all(
            &mut tx,
            "category",
            data.categories.iter().map(|c| (&c.id, c)),
        )
        .await?;
        insert_all(
            &mut tx,
            "exhibitor",
            data.exhibitors.iter().map(|e| (&e.id, e)),
        )
        .await?;
        insert_all(&mut tx, "hall", data.halls.iter().map(|h| (&h.id, h))).await?;
        insert_all(&mut tx, "booth", data.booths.iter().map(|b| (&b.id, b))).await?;
        for (position, product) in data.products.iter().enumerate() {
            sqlx::query(
                "INSERT INTO product (id, position, exhibitor, category, country, data) \
                 VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(&product.id)
            .bind(position as i64)
            .bind(&product.exhibitor)
            .bind(&product.category)
            .bind(&product.country)
            .bind(to_json(product)?)
            .execute(&mut *tx)
            .await?;
        }
        for image in images {
            sqlx::query("INSERT INTO product_image (product, position, digest) VALUES (?, ?, ?)")
                .bind(&image.product)
                .bind(image.position as i64)
                .bind(&image.digest)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Points the current catalog at a rebuilt index.
    pub async fn set_index_dir(&self, index_dir: &str) -> Result<()> {
        sqlx::query("UPDATE catalog SET index_dir = ? WHERE singleton = 1")
            .bind(index_dir)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The whole catalog, to rebuild the index from.
    pub async fn load_all(&self) -> Result<CatalogData> {
        Ok(CatalogData {
            manifest: self.catalog().await?.map(|c| c.manifest),
            categories: self.load_table::<Category>("category").await?,
            exhibitors: self.load_table::<Exhibitor>("exhibitor").await?,
            products: self.load_table::<Product>("product").await?,
            halls: self.load_table::<Hall>("hall").await?,
            booths: self.load_table::<Booth>("booth").await?,
        })
    }

    async fn load_table<T: DeserializeOwned>(&self, table: &'static str) -> Result<Vec<T>> {
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT data FROM {table} ORDER BY position"
        )))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| from_json(r.get::<&str, _>("data")))
            .collect()
    }

    async fn get_one<T: DeserializeOwned>(
        &self,
        table: &'static str,
        id: &str,
    ) -> Result<Option<T>> {
        let row = sqlx::query(AssertSqlSafe(format!(
            "SELECT data FROM {table} WHERE id = ?"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| from_json(r.get::<&str, _>("data"))).transpose()
    }

    pub async fn categories(&self) -> Result<Vec<Category>> {
        self.load_table("category").await
    }

    /// The ids of one table (`product`, `exhibitor` or `category`) in catalog order.
    pub async fn ids(&self, table: IdTable) -> Result<Vec<String>> {
        let sql = match table {
            IdTable::Product => "SELECT id FROM product ORDER BY position",
            IdTable::Exhibitor => "SELECT id FROM exhibitor ORDER BY position",
            IdTable::Category => "SELECT id FROM category ORDER BY position",
        };
        let rows = sqlx::query(sql).fetch_all(&self.pool).await?;
        Ok(rows.iter().map(|r| r.get::<String, _>("id")).collect())
    }

    pub async fn product(&self, id: &str) -> Result<Option<Product>> {
        self.get_one("product", id).await
    }

    pub async fn exhibitor(&self, id: &str) -> Result<Option<Exhibitor>> {
        self.get_one("exhibitor", id).await
    }

    pub async fn category(&self, id: &str) -> Result<Option<Category>> {
        self.get_one("category", id).await
    }

    /// The digest of image `position` of a product.
    pub async fn image_digest(&self, product: &str, position: u32) -> Result<Option<String>> {
        let row =
            sqlx::query("SELECT digest FROM product_image WHERE product = ? AND position = ?")
                .bind(product)
                .bind(position as i64)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(|r| r.get("digest")))
    }

    /// The digests of a product's images, in order.
    pub async fn image_digests(&self, product: &str) -> Result<Vec<String>> {
        let rows =
            sqlx::query("SELECT digest FROM product_image WHERE product = ? ORDER BY position")
                .bind(product)
                .fetch_all(&self.pool)
                .await?;
        Ok(rows.iter().map(|r| r.get("digest")).collect())
    }

    /// The digest of every product's first image, by product.
    pub async fn first_images(&self) -> Result<BTreeMap<String, String>> {
        let rows = sqlx::query("SELECT product, digest FROM product_image WHERE position = 0")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .iter()
            .map(|r| (r.get::<String, _>("product"), r.get::<String, _>("digest")))
            .collect())
    }

    /// Whether an image of the stored catalog has this digest.
    pub async fn has_image_digest(&self, digest: &str) -> Result<bool> {
        let row = sqlx::query("SELECT 1 FROM product_image WHERE digest = ? LIMIT 1")
            .bind(digest)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.is_some())
    }

    pub async fn image_counts(&self) -> Result<BTreeMap<String, u32>> {
        let rows = sqlx::query("SELECT product, COUNT(*) AS n FROM product_image GROUP BY product")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .iter()
            .map(|r| (r.get::<String, _>("product"), r.get::<i64, _>("n") as u32))
            .collect())
    }

    pub async fn counts(&self) -> Result<(u32, u32, u32, u32)> {
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM product) AS p, (SELECT COUNT(*) FROM exhibitor) AS e, \
             (SELECT COUNT(*) FROM category) AS c, (SELECT COUNT(DISTINCT digest) FROM product_image) AS i",
        )
        .fetch_one(&self.pool)
        .await?;
        let get = |name: &str| row.get::<i64, _>(name) as u32;
        Ok((get("p"), get("e"), get("c"), get("i")))
    }

    pub async fn per_country(&self) -> Result<BTreeMap<String, u32>> {
        let rows = sqlx::query("SELECT country, COUNT(*) AS n FROM product GROUP BY country")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .iter()
            .map(|r| (r.get::<String, _>("country"), r.get::<i64, _>("n") as u32))
            .collect())
    }

    /// SQLite's own consistency check; `ok` when the file is sound.
    pub async fn integrity_check(&self) -> Result<String> {
        let rows = sqlx::query("PRAGMA integrity_check")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .iter()
            .map(|r| r.get::<String, _>(0))
            .collect::<Vec<_>>()
            .join("; "))
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

async fn insert_all<'a, T: Serialize + 'a>(
    tx: &mut Transaction<'_, Sqlite>,
    table: &'static str,
    rows: impl Iterator<Item = (&'a String, &'a T)>,
) -> Result<()> {
    let sql = format!("INSERT INTO {table} (id, position, data) VALUES (?, ?, ?)");
    for (position, (id, value)) in rows.enumerate() {
        sqlx::query(AssertSqlSafe(sql.clone()))
            .bind(id)
            .bind(position as i64)
            .bind(to_json(value)?)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}
