//! `ldt-conformance`: run the DSP 2025-1 conformance suite against a connector.
//!
//! Exit status: 0 when every scenario that ran passed, 1 when any failed, 2 on usage errors.

#![warn(missing_docs)]

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, ValueEnum};
use ldt_conformance::SuiteConfig;
use ldt_conformance::config::{DEFAULT_PARTICIPANT_ID, default_callback_bind};
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

    /// The suite's participant id, as the connector maps the token to it.
    #[arg(long, default_value = DEFAULT_PARTICIPANT_ID, env = "LDT_CONFORMANCE_PARTICIPANT_ID")]
    participant_id: String,

    /// The connector's participant id (default: the participantId of its catalogue).
    #[arg(long, env = "LDT_CONFORMANCE_CONNECTOR_PARTICIPANT_ID")]
    connector_participant_id: Option<String>,

    /// The connector's negotiation webhook; without it, the CN_C (connector as consumer)
    /// scenarios are skipped.
    #[arg(long, env = "LDT_CONFORMANCE_NEGOTIATION_TRIGGER")]
    negotiation_trigger: Option<Url>,

    /// The connector's transfer webhook; without it, the TP_C (connector as consumer) scenarios
    /// are skipped.
    #[arg(long, env = "LDT_CONFORMANCE_TRANSFER_TRIGGER")]
    transfer_trigger: Option<Url>,

    /// Sent as X-Api-Key to both webhooks.
    #[arg(long, env = "LDT_CONFORMANCE_TRIGGER_API_KEY", hide_env_values = true)]
    trigger_api_key: Option<String>,

    /// Prefix of the per-scenario dataset ids (CN:01-01 uses <PREFIX>cn-01-01).
    #[arg(long, default_value = "", env = "LDT_CONFORMANCE_DATASET_PREFIX")]
    dataset_prefix: String,

    /// Seconds to wait for a message the connector sends by itself or for an expected state.
    #[arg(long, value_name = "SECONDS", default_value = "10", value_parser = parse_seconds,
          env = "LDT_CONFORMANCE_WAIT_TIMEOUT")]
    wait_timeout: Duration,
}

/// A positive, finite number of seconds (decimals allowed).
fn parse_seconds(text: &str) -> Result<Duration, String> {
    let seconds: f64 = text.trim().parse().map_err(|e| format!("{text:?} is not a number of seconds: {e}"))?;
    if !seconds.is_finite() || seconds <= 0.0 {
        return Err(format!("{text:?} is not a positive number of seconds"));
    }
    Duration::try_from_secs_f64(seconds).map_err(|e| format!("{text:?}: {e}"))
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
        participant_id: cli.participant_id,
        connector_participant_id: cli.connector_participant_id,
        negotiation_trigger: cli.negotiation_trigger,
        transfer_trigger: cli.transfer_trigger,
        trigger_api_key: cli.trigger_api_key,
        dataset_prefix: cli.dataset_prefix,
        wait_timeout: cli.wait_timeout,
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
