//! `ldt-connector demo`: a small data space in one process, on embedded SQLite — the traffic LDT and the
//! air-quality LDT of one city. Each step is a function that prints what it did; later capabilities add steps.

mod print;

use std::path::PathBuf;

use anyhow::{Context as _, bail};
use base64::Engine;
use rand::Rng;
use serde_json::{Value, json};

use crate::app::{self, RunningConnector};
use crate::config::{Config, StaticToken};

/// Options of the demo.
#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Keep the connectors running after the demo, to explore them with curl (stop with Ctrl-C).
    #[arg(long)]
    pub keep_running: bool,
    /// Where the connectors keep their databases; a fresh temporary directory by default.
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
}

/// The traffic LDT's data products, policies and offers, as its operator registers them.
const TRAFFIC_SEED: &str = include_str!("traffic-ldt.json");

/// The left operand the demo's policies read from a caller's `membership.status` claim.
const MEMBERSHIP_CLAIM: &str = "https://w3id.org/ldt-connector/claims/membership";

/// The participant id of the traffic LDT.
pub const TRAFFIC_LDT: &str = "did:web:traffic.eindhoven.example";
/// The participant id of the air-quality LDT.
pub const AIR_QUALITY_LDT: &str = "did:web:air-quality.eindhoven.example";

/// Runs the demo.
pub async fn run(args: DemoArgs) -> anyhow::Result<()> {
    let temporary = tempfile::tempdir()?;
    let root = args.data_dir.clone().unwrap_or_else(|| temporary.path().to_owned());
    let air_quality_token = random_token();

    print::heading("Starting the traffic LDT and the air-quality LDT of Eindhoven");
    let traffic = app::start(ldt_config(
        &root.join("traffic"),
        TRAFFIC_LDT,
        "Traffic LDT of Eindhoven",
        vec![StaticToken {
            token: air_quality_token.clone(),
            participant: AIR_QUALITY_LDT.into(),
            claims: serde_json::json!({"membership": {"status": "active"}}),
        }],
        None,
    ))
    .await
    .context("starting the traffic LDT")?;
    let air_quality = app::start(ldt_config(
        &root.join("air-quality"),
        AIR_QUALITY_LDT,
        "Air-quality LDT of Eindhoven",
        Vec::new(),
        Some(air_quality_token),
    ))
    .await
    .context("starting the air-quality LDT")?;
    for (name, connector) in [("traffic LDT", &traffic), ("air-quality LDT", &air_quality)] {
        println!("  {name:<16} {}  (ready in {} ms)", connector.url(), connector.startup.as_millis());
    }

    seed_traffic_ldt(&traffic).await?;
    show_traffic_catalog(&air_quality, &traffic).await?;

    if args.keep_running {
        print::heading("Running — explore with curl, stop with Ctrl-C");
        for (name, connector) in [("traffic LDT", &traffic), ("air-quality LDT", &air_quality)] {
            println!(
                "  {name}: curl -H 'X-Api-Key: {}' {}/management/v1/datasets",
                connector.state.management_key,
                connector.url()
            );
        }
        tokio::signal::ctrl_c().await?;
    }
    traffic.stop().await?;
    air_quality.stop().await?;
    Ok(())
}

/// Step: the traffic LDT's operator registers its policies, data products and offers through the management API.
async fn seed_traffic_ldt(traffic: &RunningConnector) -> anyhow::Result<()> {
    print::heading("The traffic LDT's operator registers data products through the management API");
    let seed: Value = serde_json::from_str(TRAFFIC_SEED)?;
    let client = reqwest::Client::new();
    for (collection, label) in [("policies", "policy"), ("datasets", "data product"), ("offers", "offer")] {
        for item in seed[collection].as_array().into_iter().flatten() {
            let response = client
                .post(format!("{}/management/v1/{collection}", traffic.url()))
                .header("x-api-key", &*traffic.state.management_key)
                .json(item)
                .send()
                .await?;
            if !response.status().is_success() {
                bail!("registering {label} {}: {}", item["id"], response.text().await?);
            }
            println!("  registered {label:<13} {}", item["id"].as_str().unwrap_or_default());
        }
    }
    Ok(())
}

/// Step: the air-quality LDT reads the traffic LDT's catalogue over DSP and shows it.
async fn show_traffic_catalog(air_quality: &RunningConnector, traffic: &RunningConnector) -> anyhow::Result<()> {
    print::heading("The air-quality LDT reads the traffic LDT's catalogue over the Dataspace Protocol");
    let response = reqwest::Client::new()
        .post(format!("{}/management/v1/catalog/request", air_quality.url()))
        .header("x-api-key", &*air_quality.state.management_key)
        .json(&json!({"counterPartyAddress": traffic.url()}))
        .send()
        .await?;
    if !response.status().is_success() {
        bail!("reading the traffic LDT's catalogue: {}", response.text().await?);
    }
    let catalog: Value = response.json().await?;
    print!("{}", print::catalog(&catalog));
    Ok(())
}

fn ldt_config(
    data_dir: &std::path::Path,
    participant: &str,
    name: &str,
    tokens: Vec<StaticToken>,
    outbound_token: Option<String>,
) -> Config {
    let mut config = Config { data_dir: data_dir.to_owned(), ..Config::default() };
    config.server.bind = ([127, 0, 0, 1], 0).into();
    config.participant.id = participant.into();
    config.participant.name = name.into();
    config.catalog.title = [("en".to_owned(), format!("Data products of the {name}"))].into();
    config.dsp.tokens = tokens;
    config.policy.claims.insert(MEMBERSHIP_CLAIM.into(), "/membership/status".into());
    config.policy.purposes.insert(
        "https://w3id.org/ldt-connector/purpose/air-quality-modelling".into(),
        vec!["https://w3id.org/ldt-connector/purpose/environmental-research".into()],
    );
    config.dsp.outbound_token = outbound_token;
    config
}

fn random_token() -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(rand::rng().random::<[u8; 24]>())
}
