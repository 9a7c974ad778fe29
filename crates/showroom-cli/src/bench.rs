//! `showroom bench search` and `showroom eval`: speed and relevance, ours beside SQLite
//! FTS5 in the same run.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::Args;
use serde::Serialize;
use showroom_core::bench::{self, Fts5, Fts5Tokenizer, Keystroke};
use showroom_core::catalog::{self, Limits};
use showroom_core::model::CatalogData;
use showroom_core::relevance::{self, Judgment, Report};
use showroom_core::search::SearchIndex;
use showroom_core::{Lang, SearchRequest};

use crate::output::Output;

/// The sample catalog and judged queries of the source tree, for benchmarks run from it.
const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../catalog");
const JUDGMENTS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../showroom-core/tests/relevance/judgments.jsonl"
);

#[derive(Args)]
pub struct BenchArgs {
    /// Products in the generated catalog.
    #[arg(long, default_value_t = 100_000)]
    products: usize,
    /// Typing sequences to replay (each a few keystrokes), in zh, ru and en in turn.
    #[arg(long, default_value_t = 200)]
    sequences: usize,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Where generated catalogs and indexes are kept between runs (default DATA_DIR/bench).
    #[arg(long)]
    dir: Option<PathBuf>,
    /// The sample catalog the names are drawn from.
    #[arg(long, default_value = SAMPLE)]
    sample: PathBuf,
    /// Judged queries for the relevance columns.
    #[arg(long, default_value = JUDGMENTS)]
    judgments: PathBuf,
    /// The engines to run, of showroom, fts5-trigram and fts5-unicode61 (default: all).
    #[arg(long, value_delimiter = ',', default_values_t = ENGINES.map(String::from))]
    engines: Vec<String>,
    /// Write the keystrokes (`lang<TAB>text`, one a line) to this file and the generated
    /// catalog's folder to stdout, then stop: what the HTTP load benchmark replays.
    #[arg(long)]
    keystrokes_out: Option<PathBuf>,
    /// Also time searches through the one door (`Api`, the catalog imported into a data
    /// directory) with demand counting off and on, alternately, two rounds each; with it on,
    /// the last keystroke of each typed query is counted as the UI counts it (a settled
    /// search, beside the next searches).
    #[arg(long)]
    counting: bool,
}

const ENGINES: [&str; 3] = ["showroom", "fts5-trigram", "fts5-unicode61"];

#[derive(Args)]
pub struct EvalArgs {
    #[arg(long, default_value = JUDGMENTS)]
    judgments: PathBuf,
    /// The catalog the judgments were made on.
    #[arg(long, default_value = SAMPLE)]
    sample: PathBuf,
    /// showroom, fts5-trigram or fts5-unicode61.
    #[arg(long, default_value = "showroom")]
    engine: String,
}

#[derive(Serialize)]
struct EngineResult {
    name: &'static str,
    p50_ms: f64,
    p99_ms: f64,
    mean_ms: f64,
    max_ms: f64,
    build_s: f64,
    index_bytes: u64,
    /// Resident memory of the benchmark process after this engine was built and run.
    rss_bytes: Option<u64>,
    /// nDCG@10 on the judged queries (over the sample catalog).
    ndcg10: Option<f64>,
    slowest: Vec<bench::SlowKeystroke>,
}

#[derive(Serialize)]
struct BenchReport {
    products: usize,
    keystrokes: usize,
    engines: Vec<EngineResult>,
}

fn load(path: &Path) -> anyhow::Result<CatalogData> {
    load_within(path, &Limits::default())
}

fn load_within(path: &Path, limits: &Limits) -> anyhow::Result<CatalogData> {
    let bundle = catalog::load(path, limits, false);
    if let Some(problem) = bundle.problems.first() {
        anyhow::bail!("{}: {}", path.display(), problem.localize(Lang::En));
    }
    Ok(bundle.data)
}

fn file_bytes(path: &Path) -> u64 {
    ["", "-wal", "-shm"]
        .iter()
        .filter_map(|suffix| std::fs::metadata(format!("{}{suffix}", path.display())).ok())
        .map(|m| m.len())
        .sum()
}

fn ours(index: &SearchIndex, key: &Keystroke, limit: usize) -> showroom_core::Result<Vec<String>> {
    let response = index.search(&SearchRequest {
        query: key.text.clone(),
        lang: key.lang,
        limit: Some(limit),
        ..Default::default()
    })?;
    Ok(response.hits.into_iter().map(|h| h.id).collect())
}

fn evaluate_ours(index: &SearchIndex, judgments: &[Judgment]) -> anyhow::Result<Report> {
    Ok(relevance::evaluate(judgments, |query, lang| {
        ours(
            index,
            &Keystroke {
                text: query.into(),
                lang,
            },
            10,
        )
    })?)
}

fn evaluate_fts5(fts: &Fts5, judgments: &[Judgment]) -> anyhow::Result<Report> {
    let handle = tokio::runtime::Handle::current();
    Ok(tokio::task::block_in_place(|| {
        relevance::evaluate(judgments, |query, _| {
            Ok(handle.block_on(fts.search(query, 10))?.0)
        })
    })?)
}

pub async fn search(out: &Output, data_dir: &Path, args: &BenchArgs) -> anyhow::Result<ExitCode> {
    if let Some(unknown) = args.engines.iter().find(|e| !ENGINES.contains(&e.as_str())) {
        anyhow::bail!(
            "--engines: unknown engine {unknown:?} (of {})",
            ENGINES.join(", ")
        );
    }
    let wanted = |name: &str| args.engines.iter().any(|e| e == name);
    let dir = args.dir.clone().unwrap_or_else(|| data_dir.join("bench"));
    let generated = dir.join(format!("catalog-{}-{}", args.products, args.seed));
    let sample = load(&args.sample)?;
    if !generated.join("products.jsonl").exists() {
        eprintln!(
            "generating {} products in {}",
            args.products,
            generated.display()
        );
        let options = showroom_core::generate::Options {
            sample: &sample,
            sample_dir: &args.sample,
            products: args.products,
            images: 0,
            exhibitors: 0,
            seed: args.seed,
        };
        showroom_core::generate::write_bundle(&options, &generated)?;
    }
    // The generated catalog is ours: a million products pass the 1 GiB a bundle's
    // products file may have.
    let limits = Limits {
        max_jsonl_bytes: (args.products as u64 * 4096).max(Limits::default().max_jsonl_bytes),
        ..Limits::default()
    };
    let data = load_within(&generated, &limits)?;
    let keys = bench::keystrokes(&data, args.sequences, args.seed);
    if let Some(path) = &args.keystrokes_out {
        let lines: String = keys
            .iter()
            .map(|k| format!("{}\t{}\n", k.lang.code(), k.text))
            .collect();
        std::fs::write(path, lines)?;
        println!("{}", generated.display());
        return Ok(ExitCode::SUCCESS);
    }
    let judgments = std::fs::read_to_string(&args.judgments)
        .ok()
        .map(|t| relevance::parse_judgments(&t))
        .transpose()?;
    let scratch = tempfile::tempdir_in(&dir)?;
    let mut engines = Vec::new();

    // Ours.
    if wanted("showroom") {
        let index_dir = scratch.path().join("index");
        let started = Instant::now();
        let index = SearchIndex::build(&index_dir, &data, &HashMap::new())?;
        let build_s = started.elapsed().as_secs_f64();
        let timing = bench::replay(&keys, |key| {
            let result = ours(&index, &key, 20).map(|_| ());
            async move { result }
        })
        .await?;
        let ndcg10 = match &judgments {
            Some(j) => {
                let small = SearchIndex::build(
                    &scratch.path().join("sample-index"),
                    &sample,
                    &HashMap::new(),
                )?;
                Some(evaluate_ours(&small, j)?.overall.ndcg10)
            }
            None => None,
        };
        engines.push(EngineResult {
            name: "showroom",
            p50_ms: timing.p50_ms,
            p99_ms: timing.p99_ms,
            mean_ms: timing.mean_ms,
            max_ms: timing.max_ms,
            build_s,
            index_bytes: index.size_bytes(),
            rss_bytes: bench::resident_bytes(),
            ndcg10,
            slowest: timing.slowest,
        });
        drop(index);
    }

    if args.counting {
        engines.extend(counting(&scratch.path().join("api"), &generated, &limits, &keys).await?);
    }

    // SQLite FTS5, same products, same keystrokes.
    for tokenizer in [Fts5Tokenizer::Trigram, Fts5Tokenizer::Unicode61] {
        if !wanted(tokenizer.name()) {
            continue;
        }
        let path = scratch.path().join(format!("{}.db", tokenizer.name()));
        let started = Instant::now();
        let fts = Fts5::build(&path, &data, tokenizer).await?;
        let build_s = started.elapsed().as_secs_f64();
        let timing = bench::replay(&keys, |key| {
            let fts = &fts;
            async move { fts.search(&key.text, 20).await.map(|_| ()) }
        })
        .await?;
        fts.close().await;
        let ndcg10 = match &judgments {
            Some(j) => {
                let small =
                    Fts5::build(&scratch.path().join("sample.db"), &sample, tokenizer).await?;
                let report = evaluate_fts5(&small, j)?;
                small.close().await;
                Some(report.overall.ndcg10)
            }
            None => None,
        };
        engines.push(EngineResult {
            name: tokenizer.name(),
            p50_ms: timing.p50_ms,
            p99_ms: timing.p99_ms,
            mean_ms: timing.mean_ms,
            max_ms: timing.max_ms,
            build_s,
            index_bytes: file_bytes(&path),
            rss_bytes: bench::resident_bytes(),
            ndcg10,
            slowest: timing.slowest,
        });
    }

    let report = BenchReport {
        products: data.products.len(),
        keystrokes: keys.len(),
        engines,
    };
    if out.json {
        out.json(&report)?;
    } else {
        println!(
            "{} products, {} keystrokes (top 20 with country facets per keystroke)",
            report.products, report.keystrokes
        );
        println!(
            "{:<16} {:>8} {:>8} {:>8} {:>9} {:>12} {:>10} {:>8}",
            "engine", "p50 ms", "p99 ms", "max ms", "build s", "index bytes", "RSS MiB", "nDCG@10"
        );
        for e in &report.engines {
            println!(
                "{:<16} {:>8.2} {:>8.2} {:>8.2} {:>9.2} {:>12} {:>10.0} {:>8}",
                e.name,
                e.p50_ms,
                e.p99_ms,
                e.max_ms,
                e.build_s,
                e.index_bytes,
                e.rss_bytes.unwrap_or(0) as f64 / 1048576.0,
                e.ndcg10.map_or("-".into(), |v| format!("{v:.3}")),
            );
        }
        println!("slowest keystrokes:");
        for e in &report.engines {
            let slowest: Vec<String> = e
                .slowest
                .iter()
                .map(|k| format!("{:?} {:.1}", k.text, k.ms))
                .collect();
            println!("{:<16} {}", e.name, slowest.join(", "));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Searches through `Api` with insights counting off and on, off/on/off/on, on one store.
async fn counting(
    dir: &Path,
    bundle: &Path,
    limits: &Limits,
    keys: &[Keystroke],
) -> anyhow::Result<Vec<EngineResult>> {
    use showroom_core::api::{Api, FrontEnd};
    use showroom_core::inquiry::{InsightSettings, Source, TradeSettings};
    use showroom_core::insights::{InsightEvent, InsightRecord};
    use showroom_core::{Config, Showroom};

    let mut config = Config::new(dir);
    config.limits = limits.clone();
    let showroom = Showroom::open(config).await?;
    let started = Instant::now();
    showroom.import_bundle(bundle, false).await?;
    let build_s = started.elapsed().as_secs_f64();
    let door = |count: bool| {
        let trade = TradeSettings {
            source: Source::default(),
            platform: None,
            sync_interval: None,
            status_interval: None,
            insights: InsightSettings { count, send: false },
        };
        Api::new(
            showroom.clone(),
            FrontEnd::Browser,
            Default::default(),
            trade,
        )
    };
    let (off, on) = (door(false), door(true));
    // The keystroke a visitor settles on: the next one does not extend it.
    let settled: Vec<bool> = (0..keys.len())
        .map(|i| {
            keys.get(i + 1)
                .is_none_or(|next| !next.text.starts_with(&keys[i].text))
        })
        .collect();
    let mut rows = Vec::new();
    for (round, name, api) in [
        (1, "api, counting off", &off),
        (1, "api, counting on", &on),
        (2, "api, counting off", &off),
        (2, "api, counting on", &on),
    ] {
        let mut n = 0usize;
        let timing = bench::replay(keys, |key| {
            let counted = settled[n];
            n += 1;
            let api = api.clone();
            let session = format!("bench-{round}-{n:08}");
            async move {
                let request = SearchRequest {
                    query: key.text.clone(),
                    lang: key.lang,
                    limit: Some(20),
                    ..SearchRequest::default()
                };
                let found = api
                    .search(request)
                    .await
                    .map_err(|e| showroom_core::Error::internal(e.message))?;
                if !counted {
                    return Ok(());
                }
                // The count is the UI's separate call: it runs beside the next searches.
                let record = InsightRecord {
                    session,
                    lang: key.lang,
                    event: InsightEvent::Search {
                        query: key.text,
                        results: found.total as u32,
                    },
                };
                tokio::spawn(async move { api.record_insight(record, key.lang).await });
                Ok(())
            }
        })
        .await?;
        rows.push(EngineResult {
            name,
            p50_ms: timing.p50_ms,
            p99_ms: timing.p99_ms,
            mean_ms: timing.mean_ms,
            max_ms: timing.max_ms,
            build_s,
            index_bytes: 0,
            rss_bytes: bench::resident_bytes(),
            ndcg10: None,
            slowest: timing.slowest,
        });
    }
    let counted = showroom
        .insights_report(
            time::OffsetDateTime::now_utc() - time::Duration::hours(2),
            time::OffsetDateTime::now_utc() + time::Duration::hours(1),
        )
        .await?;
    eprintln!(
        "counted while timing: {} searches ({} found nothing)",
        counted.funnel.searches + counted.funnel.zero_result_searches,
        counted.funnel.zero_result_searches
    );
    showroom.close().await;
    Ok(rows)
}

pub async fn eval(out: &Output, args: &EvalArgs) -> anyhow::Result<ExitCode> {
    let judgments = relevance::parse_judgments(&std::fs::read_to_string(&args.judgments)?)?;
    let sample = load(&args.sample)?;
    let scratch = tempfile::tempdir()?;
    let report = match args.engine.as_str() {
        "showroom" => evaluate_ours(
            &SearchIndex::build(&scratch.path().join("index"), &sample, &HashMap::new())?,
            &judgments,
        )?,
        name => {
            let tokenizer = [Fts5Tokenizer::Trigram, Fts5Tokenizer::Unicode61]
                .into_iter()
                .find(|t| t.name() == name)
                .ok_or_else(|| {
                    anyhow::anyhow!("--engine must be showroom, fts5-trigram or fts5-unicode61")
                })?;
            let fts = Fts5::build(&scratch.path().join("fts.db"), &sample, tokenizer).await?;
            let report = evaluate_fts5(&fts, &judgments)?;
            fts.close().await;
            report
        }
    };
    if out.json {
        out.json(&report)?;
        return Ok(ExitCode::SUCCESS);
    }
    print!("{}", report.table());
    Ok(ExitCode::SUCCESS)
}
