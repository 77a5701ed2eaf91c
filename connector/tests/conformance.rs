//! Runs the black-box DSP conformance suite (`ldt-conformance`) against our own connector, on SQLite and on
//! PostgreSQL, seeded with realistic data products — the same checks a third party would run. The negotiation
//! and transfer scenarios run in both roles: as provider on one dataset per CN and TP scenario (the connector's
//! test-only scenario driver scripts its reactions), as consumer through the negotiation and transfer webhooks.

mod common;

use common::Db;
use common::connector::{API_KEY, DSP_TOKEN, PEER_ID, start, start_with};
use ldt_catalog::LdtKind;
use ldt_catalog::offer::DatasetSelector;
use ldt_conformance::config::scenario_dataset_id;
use ldt_conformance::{Outcome, SuiteConfig};
use serde_json::json;

/// The scenarios this suite must run and pass against us; none may be skipped.
fn expected() -> Vec<&'static str> {
    ldt_conformance::scenarios::registry().iter().map(|scenario| scenario.id).collect()
}

async fn the_suite_passes(db: Db) {
    let connector = start_with(db, |config| {
        // The suite accepts any token on its own endpoints.
        config.dsp.outbound_token = Some("conformance-suite-accepts-any".into());
        config.negotiation.retry_initial_ms = 20;
    })
    .await;
    // One dataset per scenario where we provide: its id tells the scenario driver what to do.
    let scenario_datasets: Vec<_> = expected()
        .into_iter()
        .filter(|id| id.starts_with("CN:") || id.starts_with("TP:"))
        .map(|id| common::product(&scenario_dataset_id("", id), LdtKind::Raw, &["conformance"]))
        .collect();
    assert_eq!(scenario_datasets.len(), 15 + 16);
    connector.seed_products(&scenario_datasets).await;
    let products: Vec<_> = (0..120)
        .map(|i| common::product(&format!("urn:ldt:traffic:segment-{i:03}"), LdtKind::Raw, &["traffic"]))
        .collect();
    connector.seed_products(&products).await;
    connector.seed_policy("use", json!({"@type": "Set", "permission": [{"action": "use"}]})).await;
    connector.seed_offer("members", "use", DatasetSelector::Matching(vec![])).await;

    let mut config = SuiteConfig::new(connector.url().parse().expect("a URL"));
    config.token = Some(DSP_TOKEN.to_owned());
    // Past the first page (100 datasets), so finding it exercises `Link` paging too.
    config.dataset_id = Some("urn:ldt:traffic:segment-117".to_owned());
    config.participant_id = PEER_ID.to_owned();
    config.negotiation_trigger =
        Some(format!("{}/management/v1/scenario/negotiations", connector.url()).parse().unwrap());
    config.transfer_trigger = Some(format!("{}/management/v1/scenario/transfers", connector.url()).parse().unwrap());
    config.trigger_api_key = Some(API_KEY.to_owned());
    let report = ldt_conformance::run(&config).await;

    let ran: Vec<&str> = report.scenarios.iter().map(|scenario| scenario.id.as_str()).collect();
    for id in expected() {
        assert!(ran.contains(&id), "scenario {id} did not run; ran {ran:?}");
    }
    for scenario in &report.scenarios {
        assert!(matches!(scenario.outcome, Outcome::Passed), "{}", report.render_text());
    }
    connector.stop().await;
}

#[tokio::test]
async fn the_suite_passes_on_sqlite() {
    the_suite_passes(Db::Sqlite).await;
}

#[tokio::test]
async fn the_suite_passes_on_postgres() {
    the_suite_passes(Db::Postgres).await;
}

/// The suite is not a rubber stamp: against our connector without a token, the catalogue scenarios fail.
#[tokio::test]
async fn the_suite_fails_a_caller_it_cannot_serve() {
    let connector = start(Db::Sqlite).await;
    let mut config = SuiteConfig::new(connector.url().parse().expect("a URL"));
    config.token = Some("not-a-token-the-connector-knows".to_owned());
    config.dataset_id = Some("anything".to_owned());
    let report = ldt_conformance::run(&config).await;
    assert!(!report.passed(), "{}", report.render_text());
    let failed = |id: &str| {
        report.scenarios.iter().any(|scenario| scenario.id == id && matches!(scenario.outcome, Outcome::Failed { .. }))
    };
    assert!(failed("CAT:01-01") && failed("CAT:01-02"), "{}", report.render_text());
    connector.stop().await;
}
