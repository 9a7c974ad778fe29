//! `showroom`: the operator's command line over the same core as the app (cli.md).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use showroom_core::i18n::{n, s, tr};
use showroom_core::model::pick;
use showroom_core::{Config, Error, Lang, SearchRequest, Showroom};

/// Where the app and the CLI keep their data unless told otherwise; the same folder the
/// desktop app uses (its bundle identifier under the platform's data directory).
const APP_ID: &str = "cn.qingdao.sco-showroom";

#[derive(Parser)]
#[command(
    name = "showroom",
    version,
    about = "SCO Showroom: catalog, search and operations"
)]
struct Cli {
    /// Where the database, search index and thumbnails live.
    #[arg(long, env = "SHOWROOM_DATA_DIR", global = true)]
    data_dir: Option<PathBuf>,
    /// Language of messages and of search: zh, ru or en (default: from the system).
    #[arg(long, global = true)]
    lang: Option<String>,
    /// Machine-readable output, the same in every language.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate a catalog bundle and apply it atomically.
    Import {
        bundle: PathBuf,
        /// Import the valid products and list the invalid ones instead of refusing all.
        #[arg(long)]
        skip_invalid: bool,
    },
    /// Catalog bundles and the current catalog.
    Catalog {
        #[command(subcommand)]
        command: CatalogCommand,
    },
    /// Search the current catalog.
    Search {
        query: String,
        #[arg(long, default_value_t = 10)]
        limit: usize,
        #[arg(long)]
        country: Option<String>,
        #[arg(long)]
        category: Option<String>,
    },
}

#[derive(Subcommand)]
enum CatalogCommand {
    /// Validate a bundle without importing it; exit 1 when it is invalid.
    Check { bundle: PathBuf },
    /// Counts of the current catalog.
    Stats,
}

fn system_lang() -> Lang {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|var| std::env::var(var).ok())
        .find(|v| !v.is_empty())
        .and_then(|v| Lang::parse(&v))
        .unwrap_or_default()
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("SHOWROOM_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .init();
    let lang = match cli.lang.as_deref() {
        None => system_lang(),
        Some(tag) => match Lang::parse(tag) {
            Some(lang) => lang,
            None => {
                eprintln!("error: --lang must be zh, ru or en, not {tag:?}");
                return ExitCode::from(2);
            }
        },
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli, lang)) {
        Ok(code) => code,
        Err(error) => {
            report_error(&error, lang);
            ExitCode::FAILURE
        }
    }
}

fn report_error(error: &anyhow::Error, lang: Lang) {
    match error.downcast_ref::<Error>() {
        Some(core) => {
            if let Error::InvalidBundle(problems) = core {
                for problem in problems {
                    eprintln!("{}", problem.localize(lang));
                }
            }
            eprintln!(
                "{}",
                tr(lang, "cli-error", &[s("message", core.localize(lang))])
            );
            tracing::debug!(detail = %core, "error detail");
        }
        None => eprintln!(
            "{}",
            tr(lang, "cli-error", &[s("message", format!("{error:#}"))])
        ),
    }
}

fn data_dir(cli: &Cli) -> anyhow::Result<PathBuf> {
    if let Some(dir) = &cli.data_dir {
        return Ok(dir.clone());
    }
    let base = directories::BaseDirs::new()
        .ok_or_else(|| anyhow::anyhow!("no home directory: pass --data-dir"))?;
    Ok(base.data_dir().join(APP_ID))
}

fn print_json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

async fn run(cli: Cli, lang: Lang) -> anyhow::Result<ExitCode> {
    // `catalog check` never touches the data directory.
    if let Command::Catalog {
        command: CatalogCommand::Check { bundle },
    } = &cli.command
    {
        let limits = showroom_core::catalog::Limits::default();
        let loaded = showroom_core::catalog::load(bundle, &limits, false);
        if cli.json {
            print_json(&serde_json::json!({
                "valid": loaded.is_valid(),
                "products": loaded.data.products.len(),
                "problems": loaded.problems,
            }))?;
        } else if loaded.is_valid() {
            println!(
                "{}",
                tr(
                    lang,
                    "cli-check-ok",
                    &[
                        s("bundle", bundle.display().to_string()),
                        n("count", loaded.data.products.len() as f64)
                    ]
                )
            );
        } else {
            for problem in &loaded.problems {
                println!("{}", problem.localize(lang));
            }
        }
        return Ok(if loaded.is_valid() {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        });
    }

    let showroom = Showroom::open(Config::new(data_dir(&cli)?)).await?;
    let result = dispatch(&cli, &showroom, lang).await;
    showroom.close().await;
    result
}

async fn dispatch(cli: &Cli, showroom: &Showroom, lang: Lang) -> anyhow::Result<ExitCode> {
    match &cli.command {
        Command::Import {
            bundle,
            skip_invalid,
        } => {
            let report = showroom.import_bundle(bundle, *skip_invalid).await?;
            if cli.json {
                print_json(&report)?;
                return Ok(ExitCode::SUCCESS);
            }
            if !report.skipped.is_empty() {
                eprintln!(
                    "{}",
                    tr(
                        lang,
                        "cli-import-skipped",
                        &[n("count", report.skipped.len() as f64)]
                    )
                );
                for problem in &report.skipped {
                    eprintln!("  {}", problem.localize(lang));
                }
            }
            let id = if report.changed {
                "cli-import-done"
            } else {
                "cli-import-unchanged"
            };
            println!(
                "{}",
                tr(
                    lang,
                    id,
                    &[
                        s("catalog", report.catalog_id.as_str()),
                        s("version", report.version.as_str()),
                        n("products", report.products),
                        n("exhibitors", report.exhibitors),
                        n("categories", report.categories),
                        n("images", report.images),
                        s("seconds", format!("{:.2}", report.seconds)),
                    ]
                )
            );
        }
        Command::Catalog {
            command: CatalogCommand::Stats,
        } => {
            let stats = showroom.stats().await?;
            if cli.json {
                print_json(&stats)?;
                return Ok(ExitCode::SUCCESS);
            }
            println!(
                "{}",
                tr(
                    lang,
                    "cli-stats-header",
                    &[
                        s("catalog", stats.id.as_str()),
                        s("version", stats.version.as_str())
                    ]
                )
            );
            println!(
                "{}",
                tr(
                    lang,
                    "cli-stats-counts",
                    &[
                        n("products", stats.products),
                        n("exhibitors", stats.exhibitors),
                        n("categories", stats.categories),
                        n("images", stats.images),
                    ]
                )
            );
            println!("{}", tr(lang, "cli-stats-countries", &[]));
            for (country, count) in &stats.per_country {
                println!("  {country}  {count}");
            }
            println!("{}", tr(lang, "cli-stats-languages", &[]));
            for (code, count) in &stats.name_languages {
                println!("  {code}  {count}");
            }
        }
        Command::Search {
            query,
            limit,
            country,
            category,
        } => {
            let response = showroom
                .search(SearchRequest {
                    query: query.clone(),
                    lang,
                    limit: Some(*limit),
                    offset: None,
                    country: country.clone(),
                    category: category.clone(),
                })
                .await?;
            if cli.json {
                print_json(&response)?;
                return Ok(ExitCode::SUCCESS);
            }
            if response.hits.is_empty() {
                println!(
                    "{}",
                    tr(lang, "cli-search-none", &[s("query", query.as_str())])
                );
                return Ok(ExitCode::SUCCESS);
            }
            for (rank, hit) in response.hits.iter().enumerate() {
                let name = pick(&hit.name, lang).map(|(_, t)| t).unwrap_or(&hit.id);
                println!("{:>3}. {name}  [{}]  {}", rank + 1, hit.id, hit.country);
            }
            println!(
                "{}",
                tr(
                    lang,
                    "cli-search-summary",
                    &[
                        n("total", response.total as f64),
                        s("ms", format!("{:.1}", response.took_ms))
                    ]
                )
            );
        }
        Command::Catalog {
            command: CatalogCommand::Check { .. },
        } => unreachable!("handled before the data directory is opened"),
    }
    Ok(ExitCode::SUCCESS)
}
