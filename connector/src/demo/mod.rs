//! `ldt-connector demo`: a small data space in one process, on embedded SQLite — the data-space authority, the
//! traffic LDT and the air-quality LDT of one city, and an unknown connector that is refused. The air-quality LDT
//! finds the traffic LDT, reads its catalogue and negotiates a contract for the traffic prediction; it is refused one
//! for data it may not use for its purpose, pulls the prediction through the traffic LDT's data plane and sees the
//! next pull refused once the traffic LDT suspends the transfer; then it has the live traffic flow relayed to its own
//! MQTT broker and sees the stream stop when the traffic LDT suspends that transfer. Each step is a function that prints what it did; later capabilities add
//! steps.

mod components;
mod model;
mod print;
mod sensors;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use ldt_identity::trust::{TrustedIssuer, TrustedIssuers};
use serde_json::{Value, json};

use crate::app::{self, RunningConnector};
use crate::config::Config;

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

/// The purpose the air-quality LDT declares when it asks for a contract.
const AIR_QUALITY_MODELLING: &str = "https://w3id.org/ldt-connector/purpose/air-quality-modelling";

/// The traffic LDT's prediction, offered to members for air-quality modelling.
const PREDICTION: &str = "traffic-prediction-24h";

/// The traffic LDT's roadworks scenarios, offered to members for traffic management only.
const ROADWORKS_SCENARIOS: &str = "traffic-roadworks-scenarios";

/// The traffic LDT's live traffic flow, relayed from its sensors' MQTT topic.
const LIVE_FLOW: &str = "traffic-flow-live";

/// Where the air-quality LDT has the live traffic flow delivered on its own broker.
const INBOX_TOPIC: &str = "air-quality/traffic-flow";

/// How long the demo waits for a negotiation to end.
const NEGOTIATION_TIMEOUT: Duration = Duration::from_secs(10);

/// Runs the demo.
pub async fn run(args: DemoArgs) -> anyhow::Result<()> {
    let temporary = tempfile::tempdir()?;
    let root = args.data_dir.clone().unwrap_or_else(|| temporary.path().to_owned());

    print::heading("Starting the data-space authority and the traffic and air-quality LDTs of Eindhoven");
    let mut authority_config = connector_config(&root.join("authority"), "Data-space authority of Eindhoven");
    authority_config.authority.enabled = true;
    let authority = app::start(authority_config).await.context("starting the authority")?;
    let trusted = TrustedIssuers(vec![TrustedIssuer { issuer: authority.state.identity.did.clone(), types: vec![] }]);
    let start_ldt = async |dir: &str, name: &str| {
        let mut config = ldt_config(&root.join(dir), name);
        config.identity.trusted_issuers = trusted.clone();
        app::start(config).await.with_context(|| format!("starting the {name}"))
    };
    let traffic = start_ldt("traffic", "Traffic LDT of Eindhoven").await?;
    let air_quality = start_ldt("air-quality", "Air-quality LDT of Eindhoven").await?;
    let provider = start_ldt("slc-provider", "Urban Analytics Lab").await?;
    let stranger = start_ldt("stranger", "Unknown connector").await?;
    for (name, connector) in [
        ("authority", &authority),
        ("traffic LDT", &traffic),
        ("air-quality LDT", &air_quality),
        ("SLC provider", &provider),
        ("unknown", &stranger),
    ] {
        println!(
            "  {name:<16} {}  {}  (ready in {} ms)",
            connector.url(),
            connector.state.identity.did,
            connector.startup.as_millis()
        );
    }

    let ldt_roles = ["DataProviderCredential", "DataConsumerCredential"].as_slice();
    onboard(
        &authority,
        &[
            ("Traffic LDT of Eindhoven", "Municipality of Eindhoven", ldt_roles, &traffic),
            ("Air-quality LDT of Eindhoven", "Municipality of Eindhoven", ldt_roles, &air_quality),
            ("Urban Analytics Lab", "Urban Analytics Lab B.V.", &["ComponentProviderCredential"], &provider),
        ],
    )
    .await?;
    let model = model::start().await.context("starting the traffic model")?;
    seed(&traffic, "traffic LDT", &TRAFFIC_SEED.replace(model::SEEDED_ADDRESS, &model)).await?;
    seed(&air_quality, "air-quality LDT", components::AIR_QUALITY_SEED).await?;
    seed(&provider, "SLC provider (Urban Analytics Lab)", components::PROVIDER_SEED).await?;
    let traffic_ldt = find_in_registry(&air_quality, &authority, "Traffic LDT of Eindhoven").await?;
    let catalog = show_traffic_catalog(&air_quality, &traffic_ldt.address).await?;
    show_refusal(&stranger, &traffic).await?;
    let agreement = negotiate_prediction(&air_quality, &traffic_ldt, &catalog).await?;
    show_contract_refusal(&air_quality, &traffic_ldt, &catalog).await?;
    pull_prediction(&air_quality, &traffic, &agreement).await?;
    stream_traffic_flow(&air_quality, &traffic, &traffic_ldt, &catalog).await?;
    let discovery = components::discover(&air_quality, &authority).await?;
    components::negotiate_proposal(&air_quality, &traffic_ldt, &discovery).await?;

    let connectors = [
        ("authority", &authority),
        ("traffic LDT", &traffic),
        ("air-quality LDT", &air_quality),
        ("SLC provider", &provider),
    ];
    if args.keep_running {
        print::heading("Running — explore with curl, stop with Ctrl-C");
        for (name, connector) in connectors {
            println!(
                "  {name}: curl -H 'X-Api-Key: {}' {}/management/v1/datasets",
                connector.state.management_key,
                connector.url()
            );
        }
        tokio::signal::ctrl_c().await?;
    }
    for connector in [traffic, air_quality, provider, stranger, authority] {
        connector.stop().await?;
    }
    Ok(())
}

/// A management API call to `connector`; the answer's JSON, or an error with what it said.
async fn manage(connector: &RunningConnector, path: &str, body: &Value) -> anyhow::Result<Value> {
    answer(path, request(connector, reqwest::Method::POST, path).json(body)).await
}

/// A management API read from `connector`; the answer's JSON, or an error with what it said.
async fn look_up(connector: &RunningConnector, path: &str) -> anyhow::Result<Value> {
    answer(path, request(connector, reqwest::Method::GET, path)).await
}

/// A management API request to `connector`, with its key.
fn request(connector: &RunningConnector, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
    reqwest::Client::new()
        .request(method, format!("{}/management/v1{path}", connector.url()))
        .header("x-api-key", &*connector.state.management_key)
}

/// Sends `request` (to `path`); the answer's JSON, or an error with what it said.
async fn answer(path: &str, request: reqwest::RequestBuilder) -> anyhow::Result<Value> {
    let response = request.send().await?;
    let status = response.status();
    let answer: Value = response.json().await.unwrap_or(Value::Null);
    if !status.is_success() {
        bail!("{path}: {}", answer["detail"].as_str().unwrap_or(&answer.to_string()));
    }
    Ok(answer)
}

/// Step: each participant (name, legal name, the role credentials it asks for) applies for membership, proving
/// control of its DID; the authority's administrator approves, and the authority issues the credentials into the
/// participant's credential service.
async fn onboard(
    authority: &RunningConnector,
    participants: &[(&str, &str, &[&str], &RunningConnector)],
) -> anyhow::Result<()> {
    print::heading("The participants join the data space: apply, prove their DID, get approved, receive credentials");
    for (name, legal_name, roles, ldt) in participants {
        let application = json!({"authorityAddress": authority.url(), "legalName": format!("{legal_name} ({name})"),
            "ldt": name, "contact": "digital-twin@eindhoven.example", "roles": roles});
        let entry = manage(ldt, "/membership/apply", &application).await?;
        println!("  {name} applied: {}", entry["state"].as_str().unwrap_or_default());
        let did: String = url::form_urlencoded::byte_serialize(ldt.state.identity.did.as_bytes()).collect();
        let decided = manage(authority, &format!("/authority/members/{did}/approve"), &json!({})).await?;
        let held = ldt.state.store.held_credentials(&[]).await?;
        let kinds: Vec<&str> = held.iter().map(|credential| credential.kind.as_str()).collect();
        println!(
            "  the authority {} it; it now holds {}",
            decided["state"].as_str().unwrap_or_default(),
            kinds.join(", ")
        );
    }
    Ok(())
}

/// Step: a connector that never joined asks for the traffic LDT's catalogue and is refused.
async fn show_refusal(stranger: &RunningConnector, traffic: &RunningConnector) -> anyhow::Result<()> {
    print::heading("An unknown connector asks for the traffic LDT's catalogue");
    match manage(stranger, "/catalog/request", &json!({"counterPartyAddress": traffic.url()})).await {
        Ok(_) => bail!("the unknown connector was served; it should have been refused"),
        Err(refusal) => println!("  refused: {refusal}"),
    }
    Ok(())
}

/// Step: a participant's operator registers its policies, data products, offers and components (`seed`, JSON)
/// through the management API.
async fn seed(connector: &RunningConnector, who: &str, seed: &str) -> anyhow::Result<()> {
    print::heading(&format!("The {who}'s operator registers what it offers through the management API"));
    let seed: Value = serde_json::from_str(seed)?;
    for (collection, label) in
        [("policies", "policy"), ("datasets", "data product"), ("offers", "offer"), ("slcs", "component")]
    {
        for item in seed[collection].as_array().into_iter().flatten() {
            let id = item.get("descriptor").unwrap_or(item)["id"].as_str().unwrap_or_default();
            manage(connector, &format!("/{collection}"), item)
                .await
                .with_context(|| format!("registering {label} {id}"))?;
            println!("  registered {label:<13} {id}");
        }
    }
    Ok(())
}

/// A member of the data space, as the authority's registry lists it.
struct Member {
    /// Its participant id.
    did: String,
    /// Its DSP address.
    address: String,
}

/// Step: the air-quality LDT looks the LDT `ldt` up in the authority's participant registry.
async fn find_in_registry(
    air_quality: &RunningConnector,
    authority: &RunningConnector,
    ldt: &str,
) -> anyhow::Result<Member> {
    print::heading("The air-quality LDT looks up the data space's members in the authority's registry");
    let members = manage(air_quality, "/participants/request", &json!({"authorityAddress": authority.url()})).await?;
    let mut found = None;
    for member in members.as_array().into_iter().flatten() {
        let text = |key: &str| member[key].as_str().unwrap_or_default().to_owned();
        println!("  {:<30} {}  {}", text("ldt"), text("did"), text("dspAddress"));
        if text("ldt") == ldt {
            found = Some(Member { did: text("did"), address: text("dspAddress") });
        }
    }
    found.with_context(|| format!("{ldt} is not in the registry"))
}

/// Step: the air-quality LDT reads the traffic LDT's catalogue over DSP and shows it; the catalogue.
async fn show_traffic_catalog(air_quality: &RunningConnector, traffic: &str) -> anyhow::Result<Value> {
    print::heading("The air-quality LDT reads the traffic LDT's catalogue over the Dataspace Protocol (DCP tokens)");
    let catalog = manage(air_quality, "/catalog/request", &json!({"counterPartyAddress": traffic}))
        .await
        .context("reading the traffic LDT's catalogue")?;
    print!("{}", print::catalog(&catalog));
    Ok(catalog)
}

/// Step: the air-quality LDT negotiates a contract for the traffic prediction, declaring air-quality modelling; it
/// meets the policy (member, that purpose) and gets the agreement, whose id it returns.
async fn negotiate_prediction(
    air_quality: &RunningConnector,
    traffic: &Member,
    catalog: &Value,
) -> anyhow::Result<String> {
    print::heading("The air-quality LDT negotiates a contract for the traffic prediction, for air-quality modelling");
    let negotiation = negotiate(air_quality, traffic, catalog, PREDICTION).await?;
    if negotiation["state"] != "FINALIZED" {
        bail!("the traffic LDT did not agree to the prediction: {}", negotiation["explanation"]["reason"]);
    }
    println!("  The traffic LDT agreed: it checked membership and purpose now; the 30 days run from the agreement's");
    println!("  timestamp and are checked whenever data is transferred under it.\n");
    print!("{}", print::agreement(&negotiation["agreement"]));
    negotiation["agreement"]["@id"].as_str().map(str::to_owned).context("the agreement has no @id")
}

/// Step: under its agreement the air-quality LDT pulls the prediction through the traffic LDT's data plane; the
/// traffic LDT's operator suspends the transfer, and the next pull is refused at once.
async fn pull_prediction(
    air_quality: &RunningConnector,
    traffic: &RunningConnector,
    agreement: &str,
) -> anyhow::Result<()> {
    print::heading(
        "Under the agreement, the air-quality LDT pulls the prediction through the traffic LDT's data plane",
    );
    let requested =
        manage(air_quality, "/transfers", &json!({"agreementId": agreement, "format": "HttpData-PULL"})).await?;
    let pid = requested["pid"].as_str().context("the transfer has no pid")?;
    let transfer = until_state(air_quality, "transfers", pid, &["STARTED", "TERMINATED"]).await?;
    if transfer["state"] != "STARTED" {
        bail!("the traffic LDT did not start the transfer: {}", transfer["explanation"]["reason"]);
    }
    let address = &transfer["dataAddress"];
    let endpoint = address["endpoint"].as_str().context("the data address has no endpoint")?;
    let token = address["endpointProperties"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|property| property["name"] == "authorization")
        .and_then(|property| property["value"].as_str())
        .context("the data address has no token")?;
    println!(
        "  transfer     {pid}, started by the traffic LDT\n  endpoint     {endpoint}\n  token        {}…",
        &token[..16.min(token.len())]
    );
    let pull = async || reqwest::Client::new().get(endpoint).bearer_auth(token).send().await;
    let response = pull().await?.error_for_status()?;
    let rows: Value = response.json().await?;
    for row in rows.as_array().into_iter().flatten() {
        println!(
            "  pulled       {:<22} {} vehicles/h, {}",
            row["segment"].as_str().unwrap_or_default(),
            row["vehicles"],
            row["congestion"].as_str().unwrap_or_default()
        );
    }
    let theirs = transfer["peerPid"].as_str().context("the transfer has no provider pid")?;
    let path =
        format!("/transfers/{}/suspend", url::form_urlencoded::byte_serialize(theirs.as_bytes()).collect::<String>());
    manage(traffic, &path, &json!({"reason": "model retraining"})).await?;
    println!("  the traffic LDT's operator suspends the transfer (model retraining)");
    let refused = pull().await?;
    println!("  the next pull is refused at once: {}", refused.status());
    let suspended = until_state(air_quality, "transfers", pid, &["SUSPENDED"]).await?;
    println!(
        "  the air-quality LDT's transfer is {}: {}",
        suspended["state"].as_str().unwrap_or_default(),
        suspended["explanation"]["reason"].as_str().unwrap_or_default()
    );
    Ok(())
}

/// Step: the air-quality LDT asks for the roadworks scenarios, which the traffic LDT shares for traffic management
/// only; the traffic LDT refuses and says why.
async fn show_contract_refusal(
    air_quality: &RunningConnector,
    traffic: &Member,
    catalog: &Value,
) -> anyhow::Result<()> {
    print::heading(
        "The air-quality LDT asks for the roadworks scenarios, which are shared for traffic management only",
    );
    let negotiation = negotiate(air_quality, traffic, catalog, ROADWORKS_SCENARIOS).await?;
    if negotiation["state"] != "TERMINATED" {
        bail!("the traffic LDT agreed to the roadworks scenarios; it should have refused");
    }
    println!("  The traffic LDT refused: detours the city has not decided on yet may only be used to manage traffic,");
    println!("  and the air-quality LDT declared air-quality modelling. Its explanation:");
    print!("{}", print::refusal(negotiation["explanation"]["reason"].as_str().unwrap_or("no reason given")));
    Ok(())
}

/// The air-quality LDT asks `traffic` for a contract on `dataset` under the offer `catalog` shows for it, declaring
/// air-quality modelling; the negotiation once it has ended, as the air-quality LDT's management API shows it.
async fn negotiate(
    air_quality: &RunningConnector,
    traffic: &Member,
    catalog: &Value,
    dataset: &str,
) -> anyhow::Result<Value> {
    let offer =
        print::offer_of(catalog, dataset).with_context(|| format!("the catalogue has no offer for {dataset}"))?;
    let request = json!({"counterPartyAddress": traffic.address, "counterPartyId": traffic.did, "datasetId": dataset,
        "offerId": offer, "purpose": AIR_QUALITY_MODELLING});
    let started = manage(air_quality, "/negotiations", &request).await?;
    println!("  asks for     {dataset}, for air-quality-modelling\n  under offer  {offer}");
    let pid = started["pid"].as_str().context("the started negotiation has no pid")?;
    until_ended(air_quality, pid).await
}

/// Step: the air-quality LDT gets a contract for the live traffic flow and has it relayed to its own MQTT broker;
/// the demo counts the readings arriving there, then the traffic LDT suspends the transfer and the stream stops.
async fn stream_traffic_flow(
    air_quality: &RunningConnector,
    traffic: &RunningConnector,
    traffic_ldt: &Member,
    catalog: &Value,
) -> anyhow::Result<()> {
    print::heading("The air-quality LDT subscribes to the live traffic flow: relayed to its own MQTT broker");
    let brokers = |connector: &RunningConnector| connector.state.brokers.mqtt.clone().context("no MQTT broker");
    let (sensor_broker, inbox_broker) = (brokers(traffic)?, brokers(air_quality)?);
    let running = tokio_util::sync::CancellationToken::new();
    let _stop_sensors = running.clone().drop_guard();
    sensors::start(&sensor_broker, running.clone()).await?;
    let negotiation = negotiate(air_quality, traffic_ldt, catalog, LIVE_FLOW).await?;
    let agreement = negotiation["agreement"]["@id"].as_str().context("no agreement on the live traffic flow")?;
    let received = sensors::count(&inbox_broker, &format!("{INBOX_TOPIC}/#"), running.clone()).await?;
    let inbox = json!({"@type": "DataAddress", "endpointType": crate::transfer::movers::BROKER_ENDPOINT_TYPE,
        "endpoint": inbox_broker.url().as_str(), "endpointProperties": [
            {"@type": "EndpointProperty", "name": "topic", "value": INBOX_TOPIC}]});
    let request = json!({"agreementId": agreement, "format": "MQTT-PUSH", "dataAddress": inbox});
    let requested = manage(air_quality, "/transfers", &request).await?;
    let pid = requested["pid"].as_str().context("the transfer has no pid")?;
    let started = until_state(air_quality, "transfers", pid, &["STARTED", "TERMINATED"]).await?;
    if started["state"] != "STARTED" {
        bail!("the traffic LDT did not start the stream: {}", started["explanation"]["reason"]);
    }
    println!("  relayed to   {} topic {INBOX_TOPIC}/<segment>", inbox_broker.url());
    for _ in 0..4 {
        tokio::time::sleep(Duration::from_millis(500)).await;
        println!("  received     {:>4} readings", received.load(std::sync::atomic::Ordering::Relaxed));
    }
    let theirs = started["peerPid"].as_str().context("the transfer has no provider pid")?;
    let path =
        format!("/transfers/{}/suspend", url::form_urlencoded::byte_serialize(theirs.as_bytes()).collect::<String>());
    manage(traffic, &path, &json!({"reason": "sensor maintenance"})).await?;
    let at_suspension = received.load(std::sync::atomic::Ordering::Relaxed);
    println!("  the traffic LDT's operator suspends the transfer (sensor maintenance)");
    tokio::time::sleep(Duration::from_secs(1)).await;
    let after = received.load(std::sync::atomic::Ordering::Relaxed) - at_suspension;
    println!("  received     {after:>4} readings in the second after the suspension: the stream stopped");
    Ok(())
}

/// `connector`'s negotiation `pid` once it is finalized or terminated, or an error after [`NEGOTIATION_TIMEOUT`].
async fn until_ended(connector: &RunningConnector, pid: &str) -> anyhow::Result<Value> {
    until_state(connector, "negotiations", pid, &["FINALIZED", "TERMINATED"]).await
}

/// `connector`'s process `pid` in `collection` once it is in one of `states`, or an error after
/// [`NEGOTIATION_TIMEOUT`].
async fn until_state(
    connector: &RunningConnector,
    collection: &str,
    pid: &str,
    states: &[&str],
) -> anyhow::Result<Value> {
    let path = format!("/{collection}/{}", url::form_urlencoded::byte_serialize(pid.as_bytes()).collect::<String>());
    let deadline = Instant::now() + NEGOTIATION_TIMEOUT;
    loop {
        let process = look_up(connector, &path).await?;
        if states.iter().any(|state| process["state"] == *state) {
            return Ok(process);
        }
        if Instant::now() > deadline {
            bail!("{pid} has not reached {states:?} after {NEGOTIATION_TIMEOUT:?}: it is {}", process["state"]);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A connector on a free local port with its data in `data_dir`, speaking DCP over plain HTTP (local demo).
fn connector_config(data_dir: &std::path::Path, name: &str) -> Config {
    let mut config = Config { data_dir: data_dir.to_owned(), ..Config::default() };
    config.server.bind = ([127, 0, 0, 1], 0).into();
    config.participant.name = name.into();
    config.identity.did_web_https = false;
    config
}

/// An LDT connector: its catalogue, its claim mapping and purpose taxonomy.
fn ldt_config(data_dir: &std::path::Path, name: &str) -> Config {
    let mut config = connector_config(data_dir, name);
    config.catalog.title = [("en".to_owned(), format!("Data products of the {name}"))].into();
    // Each LDT's own MQTT broker, embedded: the traffic LDT's sensors publish on it, the air-quality LDT receives.
    config.dataplane.embedded_mqtt = Some(([127, 0, 0, 1], 0).into());
    config.policy.claims.insert(MEMBERSHIP_CLAIM.into(), "/membership/status".into());
    // What each LDT's infrastructure can run: containers, a few cores (its capability profile for components).
    config.slc.deployment = ldt_catalog::slc::profile::DeploymentCapabilities {
        oci: true,
        cpu: 4.0,
        memory_mib: 8192,
        ..Default::default()
    };
    config.policy.purposes.insert(
        AIR_QUALITY_MODELLING.into(),
        vec!["https://w3id.org/ldt-connector/purpose/environmental-research".into()],
    );
    config
}
