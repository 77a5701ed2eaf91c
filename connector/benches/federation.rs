//! The federated catalogue view of SLC discovery: a data space of an authority and `LDT_BENCH_MEMBERS` (20) member
//! connectors, each with `LDT_BENCH_PRODUCTS` (500) data products and 5 components, all in this process on SQLite,
//! talking real HTTP with real DCP (every catalogue request carries a self-issued token; the provider verifies it
//! and the caller's membership credential, presentations cached as configured). One more member asks. Measured:
//!
//! - a cold refresh: the registry read from the authority, then every member's whole catalogue fetched over DSP (all
//!   pages, `slc.fetch_concurrency` at a time) and read into profiles and components — a fresh federation each time;
//! - a forced refresh of unchanged catalogues (fetched, recognised by their digest, not read again);
//! - a refresh within the TTL (nothing fetched: only the registry read);
//! - discovery: every component of the data space (100) judged against the asking LDT, with composition over all
//!   members' products.
//!
//! `cargo bench -p ldt-connector --bench federation`

use std::time::{Duration, Instant};

use ldt_catalog::DataProduct;
use ldt_catalog::offer::{DatasetSelector, Offer};
use ldt_catalog::slc::SlcDescriptor;
use ldt_connector::app::{self, RunningConnector};
use ldt_connector::config::Config;
use ldt_connector::slc::{self, federation::Federation};
use ldt_connector::store::policies::PolicyDocument;
use ldt_connector::store::slcs::SlcRegistration;
use ldt_identity::trust::{TrustedIssuer, TrustedIssuers};
use serde_json::json;

const ROUNDS: usize = 5;

fn number(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|value| value.trim().parse().ok()).filter(|n| *n > 0).unwrap_or(default)
}

/// A connector on a free port with its data in `dir`, speaking DCP over plain HTTP.
fn config(dir: &std::path::Path, name: &str) -> Config {
    let mut config = Config { data_dir: dir.to_owned(), ..Config::default() };
    config.server.bind = ([127, 0, 0, 1], 0).into();
    config.participant.name = name.into();
    config.identity.did_web_https = false;
    config.catalog.page_size = 500;
    config
}

fn product(member: usize, index: usize) -> DataProduct {
    serde_json::from_value(json!({
        "id": format!("m{member}-product-{index}"),
        "title": {"en": format!("Product {index} of member {member}")},
        "description": {"en": "A benchmark product."},
        "keywords": {"en": ["bench"]},
        "conformsTo": [{"id": format!("https://smartdatamodels.org/dataModel.Bench/Model{}", (member * 7 + index) % 60),
            "version": "0.3.0"}],
        "attributes": ["temperature", "intensity", "no2"],
        "ldtKind": "raw",
        "spatial": {"geometry": {"type": "Polygon", "coordinates": [[[5.4, 51.4], [5.5, 51.4], [5.5, 51.5], [5.4, 51.5], [5.4, 51.4]]]}},
        "temporal": {"start": "2022-01-01T00:00:00Z"},
        "accrualPeriodicity": "http://publications.europa.eu/resource/authority/frequency/HOURLY",
        "distributions": [{"id": "csv", "format": "HttpData-PULL", "mediaType": "text/csv",
            "backend": {"type": "http", "url": "http://backend.internal/x.csv"}}]
    }))
    .expect("a valid product")
}

fn component(member: usize, index: usize) -> SlcDescriptor {
    serde_json::from_value(json!({
        "id": format!("m{member}-component-{index}"), "title": {"en": format!("Component {index}")},
        "description": {"en": "A benchmark component."}, "kind": "analysis",
        "provider": {"name": format!("Member {member}")}, "version": "1.0.0",
        "inputs": [{"name": "data", "dataModel": {"id": format!("https://smartdatamodels.org/dataModel.Bench/Model{}",
            (member + index * 11) % 60), "versions": ["0.3"]}, "attributes": ["temperature"], "maxStaleness": "PT1H"}],
        "usage": {"purpose": "https://w3id.org/ldt-connector/purpose/urban-planning"},
        "deployment": {"operatedBy": "provider"}
    }))
    .expect("a valid descriptor")
}

/// Starts a member trusting `authority`, seeds it and has it join the data space.
async fn member(
    root: &std::path::Path,
    authority: &RunningConnector,
    index: usize,
    products: usize,
) -> RunningConnector {
    let mut config = config(&root.join(format!("member-{index}")), &format!("Member {index}"));
    config.identity.trusted_issuers =
        TrustedIssuers(vec![TrustedIssuer { issuer: authority.state.identity.did.clone(), types: vec![] }]);
    let connector = app::start(config).await.expect("a member starts");
    let store = &connector.state.store;
    let seeded: Vec<DataProduct> = (0..products).map(|n| product(index, n)).collect();
    store.create_products(&seeded).await.expect("products");
    let policy = json!({"id": "open", "policy": {"@type": "Set", "permission": [{"action": "use"}]}});
    store.create_policy(&serde_json::from_value::<PolicyDocument>(policy).unwrap()).await.expect("policy");
    let offer = Offer {
        id: "open".into(),
        access_policy_id: None,
        contract_policy_id: "open".into(),
        datasets: DatasetSelector::Matching(vec![serde_json::from_value(json!({"keyword": "bench"})).unwrap()]),
    };
    store.create_offer(&offer).await.expect("offer");
    for n in 0..5 {
        let registration = SlcRegistration { descriptor: component(index, n), offers: vec!["open".into()] };
        store.create_slc(&registration).await.expect("component");
    }
    let application = json!({"authorityAddress": authority.url(), "legalName": format!("Member {index}"),
        "ldt": format!("Member {index}"), "contact": "bench@city.example", "roles": ["DataConsumerCredential"]});
    let answer = reqwest::Client::new()
        .post(format!("{}/management/v1/membership/apply", connector.url()))
        .header("x-api-key", &*connector.state.management_key)
        .json(&application)
        .send()
        .await
        .expect("the application is sent");
    assert_eq!(answer.status(), 201, "member {index} joins: {}", answer.text().await.unwrap_or_default());
    connector
}

fn summary(label: &str, times: &mut [Duration]) {
    times.sort();
    let millis = |d: Duration| d.as_secs_f64() * 1000.0;
    let mean = times.iter().map(|d| millis(*d)).sum::<f64>() / times.len() as f64;
    println!(
        "{label:<58} median {:>8.1} ms   min {:>8.1} ms   mean {:>8.1} ms",
        millis(times[times.len() / 2]),
        millis(times[0]),
        mean
    );
}

#[tokio::main]
async fn main() {
    let members = number("LDT_BENCH_MEMBERS", 20);
    let products = number("LDT_BENCH_PRODUCTS", 500);
    let root = tempfile::tempdir().expect("a temporary directory");
    let mut authority_config = config(&root.path().join("authority"), "Authority");
    authority_config.authority.enabled = true;
    authority_config.authority.auto_approve = vec!["did:web:127.0.0.1".into()];
    let authority = app::start(authority_config).await.expect("the authority starts");
    let started = Instant::now();
    let mut connectors = Vec::new();
    for index in 0..members {
        connectors.push(member(root.path(), &authority, index, products).await);
    }
    let asking = member(root.path(), &authority, members, 0).await;
    println!(
        "data space: {members} members × {products} products and 5 components, set up in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let state = &asking.state;
    let address = url::Url::parse(authority.url()).expect("the authority's URL");
    let authority_did = authority.state.identity.did.clone();

    let mut cold = Vec::new();
    for _ in 0..ROUNDS {
        let federation = Federation::default();
        let started = Instant::now();
        let report = federation.refresh(state, address.clone(), &authority_did, true).await.expect("a refresh");
        cold.push(started.elapsed());
        assert_eq!((report.changed, report.failed), (members, 0), "{report:?}");
    }
    summary(&format!("cold refresh: {members} catalogues fetched and read"), &mut cold);

    state.federation.refresh(state, address.clone(), &authority_did, true).await.expect("a refresh");
    let mut unchanged = Vec::new();
    let mut fresh = Vec::new();
    for _ in 0..ROUNDS {
        let started = Instant::now();
        let report = state.federation.refresh(state, address.clone(), &authority_did, true).await.expect("a refresh");
        unchanged.push(started.elapsed());
        assert_eq!(report.unchanged, members, "{report:?}");
        let started = Instant::now();
        let report = state.federation.refresh(state, address.clone(), &authority_did, false).await.expect("a refresh");
        fresh.push(started.elapsed());
        assert_eq!(report.fresh, members, "{report:?}");
    }
    summary("forced refresh, every catalogue unchanged", &mut unchanged);
    summary("refresh within the TTL (registry only)", &mut fresh);

    let mut discovery = Vec::new();
    for _ in 0..ROUNDS {
        let started = Instant::now();
        let candidates = slc::discover(state).await.expect("discovery");
        discovery.push(started.elapsed());
        assert_eq!(candidates.len(), members * 5);
    }
    summary(
        &format!("discovery: {} components judged, {} products in the space", members * 5, members * products),
        &mut discovery,
    );

    for connector in connectors.into_iter().chain([asking, authority]) {
        connector.stop().await.expect("a connector stops");
    }
}
