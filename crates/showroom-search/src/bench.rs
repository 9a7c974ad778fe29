//! Search benchmarks: keystroke sequences replayed against our index and, in the same
//! run, against SQLite FTS5 (trigram and unicode61) over the same products, with facets
//! counted by both. Percentiles are reported, never asserted.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use serde::Serialize;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};
use sqlx::{AssertSqlSafe, Row};

use crate::analysis;
use crate::error::{Error, Result};
use crate::i18n::Lang;
use crate::model::{CatalogData, pick};

/// One benchmark query: what is in the box after a keystroke.
#[derive(Clone, Debug)]
pub struct Keystroke {
    pub text: String,
    pub lang: Lang,
}

/// Typing sequences in all three languages: the first words of `count` random product
/// names, one keystroke at a time ("h", "ho", "hon", ...).
pub fn keystrokes(data: &CatalogData, count: usize, seed: u64) -> Vec<Keystroke> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut out = Vec::new();
    if data.products.is_empty() {
        return out;
    }
    for i in 0..count {
        let lang = Lang::ALL[i % 3];
        let product = &data.products[rng.usize(..data.products.len())];
        let Some((code, name)) = pick(&product.name, lang) else {
            continue;
        };
        let lang = Lang::parse(code).unwrap_or(lang);
        // Two words of Latin or Cyrillic, four characters of Chinese: what people type
        // before they find it.
        let typed: String = if name.chars().any(analysis::is_cjk) {
            name.chars()
                .filter(|c| analysis::is_cjk(*c))
                .take(4)
                .collect()
        } else {
            let words = analysis::words(name);
            let end = words.get(1).or(words.first()).map_or(0, |w| w.1);
            name[..end].to_string()
        };
        let mut prefix = String::new();
        for c in typed.chars() {
            prefix.push(c);
            if !c.is_whitespace() {
                out.push(Keystroke {
                    text: prefix.clone(),
                    lang,
                });
            }
        }
    }
    out
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Timing {
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub mean_ms: f64,
    pub max_ms: f64,
    /// The slowest keystrokes, slowest first (filled by [`replay`]).
    pub slowest: Vec<SlowKeystroke>,
}

#[derive(Clone, Debug, Serialize)]
pub struct SlowKeystroke {
    pub text: String,
    pub ms: f64,
}

/// How many of the slowest keystrokes a replay names.
const SLOWEST: usize = 5;

pub fn timing(mut samples: Vec<Duration>) -> Timing {
    if samples.is_empty() {
        return Timing::default();
    }
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let at = |q: f64| ms(samples[((samples.len() - 1) as f64 * q).round() as usize]);
    Timing {
        p50_ms: at(0.50),
        p99_ms: at(0.99),
        mean_ms: samples.iter().map(|d| ms(*d)).sum::<f64>() / samples.len() as f64,
        max_ms: ms(*samples.last().unwrap_or(&Duration::ZERO)),
        slowest: Vec::new(),
    }
}

/// The process's resident memory, where the platform tells it.
pub fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fts5Tokenizer {
    Trigram,
    Unicode61,
}

impl Fts5Tokenizer {
    pub fn name(self) -> &'static str {
        match self {
            Fts5Tokenizer::Trigram => "fts5-trigram",
            Fts5Tokenizer::Unicode61 => "fts5-unicode61",
        }
    }
}

/// SQLite FTS5 over the same products: names per language and the other text, with the
/// country stored beside them for facet counts.
pub struct Fts5 {
    pool: SqlitePool,
    tokenizer: Fts5Tokenizer,
}

impl Fts5 {
    pub async fn build(path: &Path, data: &CatalogData, tokenizer: Fts5Tokenizer) -> Result<Fts5> {
        let _ = std::fs::remove_file(path);
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await?;
        let tokenize = match tokenizer {
            Fts5Tokenizer::Trigram => "trigram",
            Fts5Tokenizer::Unicode61 => "unicode61 remove_diacritics 2",
        };
        sqlx::query(AssertSqlSafe(format!(
            "CREATE VIRTUAL TABLE doc USING fts5(id UNINDEXED, country UNINDEXED, \
             name_zh, name_ru, name_en, body, tokenize = '{tokenize}')"
        )))
        .execute(&pool)
        .await?;
        let categories: BTreeMap<&str, String> = data
            .categories
            .iter()
            .map(|c| {
                (
                    c.id.as_str(),
                    c.name.values().cloned().collect::<Vec<_>>().join(" "),
                )
            })
            .collect();
        let mut tx = pool.begin().await?;
        for p in &data.products {
            let mut body = Vec::new();
            if let Some(d) = &p.description {
                body.extend(d.values().cloned());
            }
            if let Some(k) = &p.keywords {
                body.extend(k.values().flatten().cloned());
            }
            body.extend(categories.get(p.category.as_str()).cloned());
            sqlx::query("INSERT INTO doc (id, country, name_zh, name_ru, name_en, body) VALUES (?, ?, ?, ?, ?, ?)")
                .bind(&p.id)
                .bind(&p.country)
                .bind(p.name.get("zh"))
                .bind(p.name.get("ru"))
                .bind(p.name.get("en"))
                .bind(body.join("\n"))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        sqlx::query("INSERT INTO doc(doc) VALUES('optimize')")
            .execute(&pool)
            .await?;
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&pool)
            .await?;
        Ok(Fts5 { pool, tokenizer })
    }

    /// The FTS5 query for what was typed: every word required, the last one as a prefix
    /// (unicode61); with trigrams, words of three or more characters (shorter ones cannot
    /// be matched by a trigram index and are left to a scan).
    fn match_expr(&self, text: &str) -> (Option<String>, Vec<String>) {
        let words: Vec<String> = analysis::words(text)
            .into_iter()
            .map(|(a, b)| text[a..b].replace('"', "\"\""))
            .collect();
        match self.tokenizer {
            Fts5Tokenizer::Unicode61 => {
                let last = words.len().saturating_sub(1);
                let parts: Vec<String> = words
                    .iter()
                    .enumerate()
                    .map(|(i, w)| {
                        if i == last {
                            format!("\"{w}\"*")
                        } else {
                            format!("\"{w}\"")
                        }
                    })
                    .collect();
                ((!parts.is_empty()).then(|| parts.join(" ")), Vec::new())
            }
            Fts5Tokenizer::Trigram => {
                let (long, short): (Vec<String>, Vec<String>) =
                    words.into_iter().partition(|w| w.chars().count() >= 3);
                let parts: Vec<String> = long.iter().map(|w| format!("\"{w}\"")).collect();
                ((!parts.is_empty()).then(|| parts.join(" ")), short)
            }
        }
    }

    /// The top `limit` ids by BM25 and the match count per country.
    pub async fn search(
        &self,
        text: &str,
        limit: usize,
    ) -> Result<(Vec<String>, BTreeMap<String, u64>)> {
        let (expr, short) = self.match_expr(text);
        let mut conditions = Vec::new();
        if expr.is_some() {
            conditions.push("doc MATCH ?1".to_string());
        }
        for i in 0..short.len() {
            let n = i + 2;
            conditions.push(format!(
                "(name_zh LIKE ?{n} OR name_ru LIKE ?{n} OR name_en LIKE ?{n})"
            ));
        }
        if conditions.is_empty() {
            return Ok((Vec::new(), BTreeMap::new()));
        }
        let filter = conditions.join(" AND ");
        let order = if expr.is_some() { "ORDER BY rank" } else { "" };
        let bind = |sql: String| {
            let mut q = sqlx::query(AssertSqlSafe(sql)).bind(expr.clone().unwrap_or_default());
            for w in &short {
                q = q.bind(format!("%{w}%"));
            }
            q
        };
        let rows = bind(format!(
            "SELECT id FROM doc WHERE {filter} {order} LIMIT {limit}"
        ))
        .fetch_all(&self.pool)
        .await
        .map_err(|e| Error::BadRequest(e.to_string()))?;
        let ids = rows.iter().map(|r| r.get::<String, _>("id")).collect();
        let facets = bind(format!(
            "SELECT country, COUNT(*) AS n FROM doc WHERE {filter} GROUP BY country"
        ))
        .fetch_all(&self.pool)
        .await
        .map_err(|e| Error::BadRequest(e.to_string()))?
        .iter()
        .map(|r| (r.get::<String, _>("country"), r.get::<i64, _>("n") as u64))
        .collect();
        Ok((ids, facets))
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Times `f` over every keystroke.
pub async fn replay<F, Fut>(keys: &[Keystroke], mut f: F) -> Result<Timing>
where
    F: FnMut(Keystroke) -> Fut,
    Fut: Future<Output = Result<()>>,
{
    let mut samples = Vec::with_capacity(keys.len());
    for key in keys {
        let started = Instant::now();
        f(key.clone()).await?;
        samples.push(started.elapsed());
    }
    let mut by_time: Vec<(Duration, &Keystroke)> = samples.iter().copied().zip(keys).collect();
    by_time.sort_by_key(|&(d, _)| std::cmp::Reverse(d));
    let mut out = timing(samples);
    out.slowest = by_time
        .into_iter()
        .take(SLOWEST)
        .map(|(d, key)| SlowKeystroke {
            text: key.text.clone(),
            ms: d.as_secs_f64() * 1000.0,
        })
        .collect();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles() {
        let t = timing((1..=100).map(Duration::from_millis).collect());
        assert!(
            (t.p50_ms - 51.0).abs() < 1.01 && (t.p99_ms - 99.0).abs() < 1.01 && t.max_ms == 100.0
        );
    }
}
