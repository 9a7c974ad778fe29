//! `showroom`: the operator's command line over the same core as the app (cli.md).

use std::path::PathBuf;
use std::process::ExitCode;

mod bench;
mod catalog;
mod insights;
mod kiosk;
mod output;
mod search;
mod serve;
mod trade;

use clap::{Parser, Subcommand};
use showroom_core::i18n::{s, tr};
use showroom_core::{Config, Error, Lang, Showroom};

use output::Output;

// Building the search index makes many small allocations on every core; mimalloc serves
// them at a fraction of the system allocator's cost (`showroom bench search` measures it).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    Search(search::SearchArgs),
    /// Benchmarks.
    Bench {
        #[command(subcommand)]
        command: BenchCommand,
    },
    /// Relevance of an engine on the judged queries: nDCG@10, recall@10, MRR per kind.
    Eval(bench::EvalArgs),
    /// Order inquiries to the trade platform.
    Inquiry {
        #[command(subcommand)]
        command: InquiryCommand,
    },
    /// The outbox of inquiries waiting for the trade platform.
    Outbox {
        #[command(subcommand)]
        command: OutboxCommand,
    },
    /// Pull catalog updates from the trade platform once.
    Sync,
    /// Serve the online show: the web UI and its JSON API over HTTP.
    Serve(serve::ServeArgs),
    /// What visitors searched for (and found nothing for), viewed, shortlisted and inquired
    /// about, counted on this device without personal data.
    Insights(insights::InsightsArgs),
    /// The kiosk's admin PIN (`DATA_DIR/kiosk-pin.toml`), for an operator with local access,
    /// and the guard that keeps a kiosk app running where no systemd does (Windows).
    Kiosk {
        #[command(subcommand)]
        command: KioskCommand,
    },
}

#[derive(Subcommand)]
enum KioskCommand {
    /// Set the admin PIN (4 to 12 digits, one line on stdin); clears failures and any lockout.
    SetPin,
    /// Lift a lockout of the admin PIN and clear its failure count; the PIN stays.
    Unlock,
    /// Keep the kiosk app running on the rules of the Linux unit: start it, end and start
    /// it again when it stops drawing, start it again when it exits (but for status 0).
    Guard(kiosk::GuardArgs),
}

#[derive(Subcommand)]
enum InquiryCommand {
    /// Validate an inquiry (JSON) and store it in the outbox; prints its client_ref.
    Submit { file: PathBuf },
}

#[derive(Subcommand)]
enum OutboxCommand {
    /// Each inquiry's reference, state, tries, next try and last error.
    List,
    /// Deliver what is due, retrying with backoff until nothing is undelivered or the
    /// wait is over; exit 0 when nothing is left undelivered.
    Flush {
        #[arg(long, default_value_t = 0.0)]
        wait: f64,
    },
}

#[derive(Subcommand)]
enum BenchCommand {
    /// Per-keystroke search latency at N products, beside SQLite FTS5.
    Search(bench::BenchArgs),
}

#[derive(Subcommand)]
enum CatalogCommand {
    /// Write a synthetic multilingual bundle drawn from the sample catalog's vocabulary.
    Generate {
        #[arg(long)]
        products: usize,
        /// Distinct pictures, varied from the sample's photographs at 2000 px, shared
        /// among products of the same kind (0: a bundle without images).
        #[arg(long, default_value_t = 0)]
        images: usize,
        /// Exhibitors, each at a booth of a generated hall map (0: the sample's, without
        /// booths).
        #[arg(long, default_value_t = 0)]
        exhibitors: usize,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The catalog whose names, categories and exhibitors are used.
        #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/../../catalog"))]
        sample: PathBuf,
    },
    /// Validate a bundle without importing it; exit 1 when it is invalid.
    Check { bundle: PathBuf },
    /// Counts of the current catalog.
    Stats,
    /// Check the data directory: database integrity, index complete; exit 1 if not.
    Verify,
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
    showroom_core::process::small_pages();
    let cli = Cli::parse();
    // Long-running commands outlive a closed terminal.
    if !matches!(
        cli.command,
        Command::Serve(_)
            | Command::Kiosk {
                command: KioskCommand::Guard(_)
            }
    ) {
        showroom_core::process::end_on_broken_pipe();
    }
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
    // The guard runs on the main thread, without the runtime: the app it starts gets the
    // parent-death signal of the thread that started it, which must live as long as the guard.
    if let Command::Kiosk {
        command: KioskCommand::Guard(args),
    } = &cli.command
    {
        let out = Output {
            lang,
            json: cli.json,
        };
        return match data_dir(&cli).and_then(|dir| kiosk::guard(&out, &dir, args)) {
            Ok(code) => code,
            Err(error) => {
                report_error(&error, lang);
                ExitCode::FAILURE
            }
        };
    }
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
            if let Error::InvalidBundle { problems, total } = core {
                for problem in problems {
                    eprintln!("{}", problem.localize(lang));
                }
                if let Some(more) = catalog::more(lang, problems.len(), *total) {
                    eprintln!("{more}");
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

async fn run(cli: Cli, lang: Lang) -> anyhow::Result<ExitCode> {
    let out = Output {
        lang,
        json: cli.json,
    };
    // `catalog check` never touches the data directory.
    if let Command::Catalog {
        command: CatalogCommand::Check { bundle },
    } = &cli.command
    {
        return catalog::check(&out, bundle);
    }
    // Neither do these: they work in folders of their own.
    match &cli.command {
        Command::Catalog {
            command:
                CatalogCommand::Generate {
                    products,
                    images,
                    exhibitors,
                    out: dir,
                    seed,
                    sample,
                },
        } => {
            let sizes = (*products, *images, *exhibitors);
            return catalog::generate(&out, sample, sizes, dir, *seed);
        }
        Command::Eval(args) => return bench::eval(&out, args).await,
        Command::Kiosk { command } => {
            let dir = data_dir(&cli)?;
            return match command {
                KioskCommand::SetPin => kiosk::set_pin(&out, &dir),
                KioskCommand::Unlock => kiosk::unlock(&out, &dir),
                KioskCommand::Guard(_) => unreachable!("run before the runtime starts"),
            };
        }
        Command::Bench {
            command: BenchCommand::Search(args),
        } => return bench::search(&out, &data_dir(&cli)?, args).await,
        _ => {}
    }

    let showroom = Showroom::open(Config::new(data_dir(&cli)?)).await?;
    let result = dispatch(&cli, &showroom, &out).await;
    showroom.close().await;
    result
}

async fn dispatch(cli: &Cli, showroom: &Showroom, out: &Output) -> anyhow::Result<ExitCode> {
    match &cli.command {
        Command::Import {
            bundle,
            skip_invalid,
        } => catalog::import(showroom, out, bundle, *skip_invalid).await,
        Command::Catalog {
            command: CatalogCommand::Stats,
        } => catalog::stats(showroom, out).await,
        Command::Catalog {
            command: CatalogCommand::Verify,
        } => catalog::verify(showroom, out).await,
        Command::Search(args) => search::search(showroom, out, args).await,
        Command::Inquiry {
            command: InquiryCommand::Submit { file },
        } => trade::submit(showroom, &trade::config(showroom.data_dir())?, out, file).await,
        Command::Outbox {
            command: OutboxCommand::List,
        } => trade::list(showroom, out).await,
        Command::Outbox {
            command: OutboxCommand::Flush { wait },
        } => trade::flush(showroom, &trade::config(showroom.data_dir())?, out, *wait).await,
        Command::Sync => trade::sync(showroom, &trade::config(showroom.data_dir())?, out).await,
        Command::Serve(args) => serve::serve(showroom, out, args).await,
        Command::Insights(args) => insights::insights(showroom, out, args).await,
        Command::Catalog {
            command: CatalogCommand::Check { .. } | CatalogCommand::Generate { .. },
        }
        | Command::Eval(_)
        | Command::Kiosk { .. }
        | Command::Bench { .. } => unreachable!("handled before the data directory is opened"),
    }
}
