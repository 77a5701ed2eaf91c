//! The `ldt-connector` command: run one connector, or the demo data space.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use ldt_connector::config::Config;
use ldt_connector::{app, demo};
use tracing_subscriber::EnvFilter;

/// A Dataspace Protocol connector for Local Digital Twins.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run one connector (embedded SQLite under ./ldt-data on 127.0.0.1:8181 unless configured otherwise).
    Serve {
        /// A TOML configuration file; `LDT_` environment variables override it.
        #[arg(long, short)]
        config: Option<PathBuf>,
    },
    /// Run a small data space in one process: a traffic LDT and an air-quality LDT of one city.
    Demo(demo::DemoArgs),
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let filter = EnvFilter::try_from_env("LDT_LOG").unwrap_or_else(|_| match cli.command {
        Command::Demo(_) => EnvFilter::new("warn"),
        Command::Serve { .. } => EnvFilter::new("info"),
    });
    tracing_subscriber::fmt().with_env_filter(filter).with_target(false).init();
    let outcome = match cli.command {
        Command::Serve { config } => serve(config).await,
        Command::Demo(args) => demo::run(args).await,
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(config: Option<PathBuf>) -> anyhow::Result<()> {
    let config = Config::load(config.as_deref())?;
    let connector = app::start(config).await?;
    connector.run_until_signal().await
}
