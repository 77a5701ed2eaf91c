//! The `ldt-connector` command: run one connector, or the demo data space.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use ldt_connector::config::Config;
use ldt_connector::{app, demo, policy_tools, slc_tools};
use ldt_policy::validate::Scope;
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
    /// Run the data space's authority: a connector with the authority role enabled (onboarding, credential issuance,
    /// status lists, the participant registry).
    Authority {
        /// A TOML configuration file; `LDT_` environment variables override it.
        #[arg(long, short)]
        config: Option<PathBuf>,
    },
    /// Run a small data space in one process: a traffic LDT and an air-quality LDT of one city.
    Demo(demo::DemoArgs),
    /// Check and try ODRL policies with this connector's policy engine.
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Surface-level components: judge one against this LDT, or discover which of the data space's work on it.
    #[command(subcommand)]
    Slc(SlcCommand),
    /// Rotate this connector's signing key (takes effect at the next start; the old key stays published).
    RotateKey {
        /// A TOML configuration file; `LDT_` environment variables override it.
        #[arg(long, short)]
        config: Option<PathBuf>,
        /// The new key's algorithm.
        #[arg(long, value_enum, default_value = "ed-dsa")]
        algorithm: AlgorithmArg,
        /// Forget keys retired more than this many days ago (what they signed stops verifying).
        #[arg(long)]
        forget_retired_days: Option<u32>,
    },
}

/// A key algorithm.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum AlgorithmArg {
    /// Ed25519.
    EdDsa,
    /// P-256.
    Es256,
}

#[derive(Debug, Subcommand)]
enum PolicyCommand {
    /// Validate a policy; exits 1 when it has problems.
    Validate {
        /// The policy (ODRL JSON in DSP compact form).
        file: PathBuf,
        /// Where it will be used (the left operands it may use depend on it); any scope when not given.
        #[arg(long, value_enum)]
        scope: Option<ScopeArg>,
        /// The connector configuration whose claim mapping applies.
        #[arg(long, short)]
        config: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value = "json")]
        format: policy_tools::Format,
    },
    /// Evaluate a policy against a request context; prints the decision and why, and exits 0 whatever it is.
    Eval {
        /// The policy (ODRL JSON in DSP compact form).
        #[arg(long)]
        policy: PathBuf,
        /// The request context (JSON; see the README).
        #[arg(long)]
        context: PathBuf,
        /// The connector configuration whose purpose taxonomy, places and claim mapping apply.
        #[arg(long, short)]
        config: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value = "json")]
        format: policy_tools::Format,
    },
}

#[derive(Debug, Subcommand)]
enum SlcCommand {
    /// Judge a component (its descriptor file) against the connector's LDT: each requirement satisfied, satisfiable
    /// with an adaptation, or not, and the contracts that would fill missing inputs.
    Assess {
        /// The component's descriptor (JSON; see `ldt-connector slc schema`).
        file: PathBuf,
        #[command(flatten)]
        target: slc_tools::Target,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: policy_tools::Format,
    },
    /// Which components of the data space work on the connector's LDT? Reads the members' catalogues (from the
    /// authority's registry) and ranks their components, explained.
    Discover {
        /// The data-space authority's address; defaults to the connector's `slc.authority_address`.
        #[arg(long)]
        authority: Option<String>,
        /// The authority's DID; defaults to the `did:web` DID of its address.
        #[arg(long)]
        authority_id: Option<String>,
        /// Fetch every member's catalogue now, however recently it was fetched.
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        target: slc_tools::Target,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: policy_tools::Format,
    },
    /// Print the JSON Schema of a component descriptor.
    Schema,
}

/// Where a policy is used.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum ScopeArg {
    /// Who sees a dataset in the catalogue.
    Catalogue,
    /// Who may get a contract.
    Negotiation,
    /// Whether an agreement is valid during a transfer.
    Transfer,
}

impl From<ScopeArg> for Scope {
    fn from(scope: ScopeArg) -> Scope {
        match scope {
            ScopeArg::Catalogue => Scope::Catalogue,
            ScopeArg::Negotiation => Scope::Negotiation,
            ScopeArg::Transfer => Scope::Transfer,
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let filter = EnvFilter::try_from_env("LDT_LOG").unwrap_or_else(|_| match cli.command {
        // The embedded MQTT broker reports a client's ordinary disconnection as an error; the demo's readers
        // disconnect when it ends.
        Command::Demo(_) => EnvFilter::new("warn,rumqttd=off"),
        Command::Policy(_) | Command::RotateKey { .. } | Command::Slc(_) => EnvFilter::new("warn"),
        Command::Serve { .. } | Command::Authority { .. } => EnvFilter::new("info"),
    });
    tracing_subscriber::fmt().with_env_filter(filter).with_target(false).init();
    let outcome = match cli.command {
        Command::Serve { config } => serve(config, false).await,
        Command::Authority { config } => serve(config, true).await,
        Command::Demo(args) => demo::run(args).await,
        Command::Policy(command) => return policy(command),
        Command::Slc(command) => slc(command).await,
        Command::RotateKey { config, algorithm, forget_retired_days } => {
            rotate_key(config, algorithm, forget_retired_days).await
        }
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn policy(command: PolicyCommand) -> ExitCode {
    let outcome = match command {
        PolicyCommand::Validate { file, scope, config, format } => Config::load(config.as_deref())
            .map_err(anyhow::Error::from)
            .and_then(|config| policy_tools::validate_file(&file, scope.map(Scope::from), &config, format)),
        PolicyCommand::Eval { policy, context, config, format } => Config::load(config.as_deref())
            .map_err(anyhow::Error::from)
            .and_then(|config| policy_tools::eval_files(&policy, &context, &config, format))
            .map(|output| (output, true)),
    };
    match outcome {
        Ok((output, valid)) => {
            println!("{output}");
            if valid { ExitCode::SUCCESS } else { ExitCode::from(1) }
        }
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}

async fn slc(command: SlcCommand) -> anyhow::Result<()> {
    let output = match command {
        SlcCommand::Assess { file, target, format } => slc_tools::assess(&target, &file, format).await?,
        SlcCommand::Discover { authority, authority_id, force, target, format } => {
            slc_tools::discover(&target, authority, authority_id, force, format).await?
        }
        SlcCommand::Schema => slc_tools::DESCRIPTOR_SCHEMA.to_owned(),
    };
    println!("{}", output.trim_end());
    Ok(())
}

async fn rotate_key(config: Option<PathBuf>, algorithm: AlgorithmArg, forget_days: Option<u32>) -> anyhow::Result<()> {
    let config = Config::load(config.as_deref())?;
    let algorithm = match algorithm {
        AlgorithmArg::EdDsa => ldt_identity::keys::KeyAlgorithm::EdDsa,
        AlgorithmArg::Es256 => ldt_identity::keys::KeyAlgorithm::Es256,
    };
    let before = forget_days.map(|days| chrono::Utc::now() - chrono::TimeDelta::days(days.into()));
    let id = ldt_connector::dcp::rotate_keys(&config, algorithm, before).await?;
    println!("new signing key `{id}`; it signs from the next start, and the previous key stays published");
    Ok(())
}

async fn serve(config: Option<PathBuf>, authority: bool) -> anyhow::Result<()> {
    let mut config = Config::load(config.as_deref())?;
    config.authority.enabled |= authority;
    let connector = app::start(config).await?;
    connector.run_until_signal().await
}
