//! `showroom-platform`: the reference trade platform, started with one command.
//!
//! `showroom-platform --bind 127.0.0.1:8787 --data DIR --catalog BUNDLE --token TOKEN`
//! `[--fault-rate 0.3 --faults 500,503,429,hang,reset,drop --retry-after 1 --hang-ms 5000]`

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;
use showroom_platform::{Fault, Faults, Options};

#[derive(Parser)]
#[command(
    name = "showroom-platform",
    version,
    about = "Reference trade platform for SCO Showroom"
)]
struct Args {
    /// Address to listen on (port 0 picks a free one; the chosen address is printed).
    #[arg(long, default_value = "127.0.0.1:8787")]
    bind: SocketAddr,
    /// Where the platform keeps its SQLite database.
    #[arg(long)]
    data: PathBuf,
    /// A catalog bundle to publish on GET /v1/catalog.
    #[arg(long)]
    catalog: Option<PathBuf>,
    /// The Bearer token every client must send.
    #[arg(long, env = "SHOWROOM_PLATFORM_TOKEN")]
    token: String,
    /// Share of inquiry POSTs that get an injected fault (0.0 to 1.0).
    #[arg(long, default_value_t = 0.0)]
    fault_rate: f64,
    /// Faults to draw from: 500, 503, 429, hang, reset, drop.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "500,503,429,hang,reset,drop"
    )]
    faults: Vec<Fault>,
    /// Retry-After sent with 503 and 429, in seconds.
    #[arg(long, default_value_t = 1)]
    retry_after: u64,
    /// How long a `hang` fault keeps the client waiting, in milliseconds.
    #[arg(long, default_value_t = 5000)]
    hang_ms: u64,
    /// Inquiry bodies larger than this get 413.
    #[arg(long, default_value_t = 64 * 1024)]
    max_body_bytes: usize,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("SHOWROOM_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .init();
    let args = Args::parse();
    let mut options = Options::new(args.data, args.token);
    options.bind = args.bind;
    options.catalog = args.catalog;
    options.max_body_bytes = args.max_body_bytes;
    options.faults = Faults {
        rate: args.fault_rate.clamp(0.0, 1.0),
        kinds: args.faults,
        retry_after_secs: args.retry_after,
        hang_ms: args.hang_ms,
    };
    let running = showroom_platform::start(options).await?;
    println!("listening on http://{}", running.addr);
    tokio::signal::ctrl_c().await?;
    running.stop().await;
    Ok(())
}
