//! `ldt-conformance`: run the DSP 2025-1 conformance suite against a connector.
//!
//! Exit status: 0 when every scenario that ran passed, 1 when any failed, 2 on usage errors.

#![warn(missing_docs)]

use std::net::SocketAddr;
use std::process::ExitCode;

use clap::{Parser, ValueEnum};
use ldt_conformance::{SuiteConfig, config::default_callback_bind};
use tracing_subscriber::EnvFilter;
use url::Url;

/// Black-box Dataspace Protocol 2025-1 conformance suite.
#[derive(Debug, Parser)]
#[command(name = "ldt-conformance", version, about)]
struct Cli {
    /// Root URL of the connector under test (where /.well-known/dspace-version lives).
    #[arg(long, env = "LDT_CONFORMANCE_BASE_URL")]
    base_url: Url,

    /// Token for DSP requests: sent as "Bearer <token>", or verbatim if it contains a space.
    #[arg(long, env = "LDT_CONFORMANCE_TOKEN", hide_env_values = true)]
    token: Option<String>,

    /// Id of a dataset the connector is seeded with.
    #[arg(long, env = "LDT_CONFORMANCE_DATASET_ID")]
    dataset_id: Option<String>,

    /// Run only scenarios whose id starts with PREFIX (repeatable, e.g. CAT or CAT:01-02).
    #[arg(long = "scenario", value_name = "PREFIX", env = "LDT_CONFORMANCE_SCENARIO", value_delimiter = ',')]
    scenarios: Vec<String>,

    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Text, env = "LDT_CONFORMANCE_FORMAT")]
    format: Format,

    /// Address of the suite's own counter-party DSP server.
    #[arg(long, default_value_t = default_callback_bind(), env = "LDT_CONFORMANCE_CALLBACK_BIND")]
    callback_bind: SocketAddr,
}

/// How the report is printed.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    /// One line per scenario with PASS/FAIL/SKIP and indented reasons.
    Text,
    /// The report as JSON.
    Json,
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn")))
        .with_writer(std::io::stderr)
        .init();

    let config = SuiteConfig {
        base_url: cli.base_url,
        token: cli.token,
        dataset_id: cli.dataset_id,
        scenarios: (!cli.scenarios.is_empty()).then_some(cli.scenarios),
        callback_bind: cli.callback_bind,
    };
    if let Some(value) = config.authorization()
        && reqwest::header::HeaderValue::from_str(&value).is_err()
    {
        eprintln!("error: the token cannot be sent as an HTTP header value");
        return ExitCode::from(2);
    }
    let report = ldt_conformance::run(&config).await;
    if report.scenarios.is_empty() {
        eprintln!("error: no scenario matches --scenario {}", config.scenarios.unwrap_or_default().join(", "));
        return ExitCode::from(2);
    }
    match cli.format {
        Format::Text => print!("{}", report.render_text()),
        Format::Json => match serde_json::to_string_pretty(&report) {
            Ok(json) => println!("{json}"),
            Err(e) => {
                eprintln!("error: cannot render the report as JSON: {e}");
                return ExitCode::FAILURE;
            }
        },
    }
    if report.passed() { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}
