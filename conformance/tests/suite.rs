//! The whole suite against small fake connectors served on 127.0.0.1: a conforming one must
//! pass, misbehaving ones must fail (never crash) with reasons that say why.

mod support;

use std::sync::Arc;

use ldt_conformance::scenarios::negotiation::cases;
use ldt_conformance::{Outcome, Report, SuiteConfig, run};
use support::negotiation::TRIGGER_KEY;
use support::{DATASET, Fake, TOKEN, serve, trigger_url};

async fn run_against(fake: Fake, dataset_id: Option<&str>) -> Report {
    let mut config = SuiteConfig::new(serve(fake).await);
    config.token = Some(TOKEN.to_owned());
    config.dataset_id = dataset_id.map(str::to_owned);
    run(&config).await
}

/// A configuration for `fake` with its negotiation webhook, selecting `scenarios`.
async fn with_trigger(fake: Fake, scenarios: &[&str]) -> SuiteConfig {
    let root = serve(fake).await;
    let mut config = SuiteConfig::new(root.clone());
    config.token = Some(TOKEN.to_owned());
    config.dataset_id = Some(DATASET.to_owned());
    config.negotiation_trigger = Some(trigger_url(&root));
    config.trigger_api_key = Some(TRIGGER_KEY.to_owned());
    config.scenarios = (!scenarios.is_empty()).then(|| scenarios.iter().map(|s| (*s).to_owned()).collect());
    config
}

fn outcome<'a>(report: &'a Report, id: &str) -> &'a Outcome {
    &report.scenarios.iter().find(|s| s.id == id).unwrap_or_else(|| panic!("{id} missing from {report:?}")).outcome
}

fn reasons(report: &Report, id: &str) -> String {
    match outcome(report, id) {
        Outcome::Failed { reasons } => reasons.join("\n"),
        other => panic!("{id} should have failed: {other:?}\n{}", report.render_text()),
    }
}

#[tokio::test]
async fn a_conforming_connector_passes_every_scenario() {
    let report = run(&with_trigger(Fake::Good, &[]).await).await;
    assert!(report.passed(), "{}", report.render_text());
    let ids: Vec<&str> = report.scenarios.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids[..4], ["MET:01-01", "CAT:01-01", "CAT:01-02", "CAT:01-03"]);
    assert_eq!(ids[4..], cases::ALL.iter().map(|c| c.id).collect::<Vec<_>>()[..]);
    assert!(report.scenarios.iter().all(|s| s.outcome == Outcome::Passed), "{}", report.render_text());
}

#[tokio::test]
async fn without_a_trigger_the_consumer_scenarios_are_skipped() {
    let report = run_against(Fake::Good, Some(DATASET)).await;
    assert!(report.passed(), "{}", report.render_text());
    for scenario in &report.scenarios {
        if scenario.id.starts_with("CN_C:") {
            assert!(
                matches!(&scenario.outcome, Outcome::Skipped { why } if why.contains("--negotiation-trigger")),
                "{}",
                report.render_text()
            );
        } else {
            assert_eq!(scenario.outcome, Outcome::Passed, "{}", report.render_text());
        }
    }
}

#[tokio::test]
async fn a_connector_taking_illegal_negotiation_messages_fails_exactly_the_negative_scenarios() {
    let report = run(&with_trigger(Fake::Lax, &["CN"]).await).await;
    for scenario in &report.scenarios {
        if scenario.id.contains(":03-") {
            let reasons = reasons(&report, &scenario.id);
            assert!(reasons.contains("expected a 4xx status other than 404, got 200 OK"), "{reasons}");
            assert!(reasons.contains("which must be refused"), "names the step: {reasons}");
        } else {
            assert_eq!(scenario.outcome, Outcome::Passed, "{}", report.render_text());
        }
    }
    assert_eq!(report.scenarios.len(), 31);
}

#[tokio::test]
async fn a_refused_trigger_fails_the_consumer_scenarios() {
    let mut config = with_trigger(Fake::Good, &["CN_C:01-01"]).await;
    config.trigger_api_key = Some("wrong".to_owned());
    let report = run(&config).await;
    let reasons = reasons(&report, "CN_C:01-01");
    assert!(reasons.contains("opening (trigger)") && reasons.contains("401"), "{reasons}");
}

#[tokio::test]
async fn a_connector_without_the_scenario_dataset_fails_at_the_dataset_request() {
    let mut config = with_trigger(Fake::Good, &["CN:01-01"]).await;
    config.dataset_prefix = "missing-".to_owned();
    let report = run(&config).await;
    let reasons = reasons(&report, "CN:01-01");
    assert!(
        reasons.contains("opening (dataset request)") && reasons.contains("/dsp/catalog/datasets/missing-cn-01-01"),
        "{reasons}"
    );
}

#[tokio::test]
async fn a_missing_dataset_fails_the_catalogue_scenarios() {
    let report = run_against(Fake::Good, Some("urn:not-seeded")).await;
    assert!(reasons(&report, "CAT:01-01").contains("does not list the seeded dataset"));
    assert!(reasons(&report, "CAT:01-02").contains("expected status 200 OK, got 404"));
}

#[tokio::test]
async fn without_a_dataset_id_the_dataset_scenario_is_skipped() {
    let report = run_against(Fake::Good, None).await;
    assert!(report.passed(), "{}", report.render_text());
    assert!(matches!(outcome(&report, "CAT:01-02"), Outcome::Skipped { why } if why.contains("--dataset-id")));
    assert_eq!(outcome(&report, "CAT:01-01"), &Outcome::Passed);
}

#[tokio::test]
async fn a_broken_connector_fails_with_reasons_instead_of_crashing() {
    let report = run_against(Fake::Broken, Some(DATASET)).await;
    assert!(!report.passed());
    assert_eq!(outcome(&report, "MET:01-01"), &Outcome::Passed);
    assert!(reasons(&report, "CAT:01-01").contains("got 500 Internal Server Error"));
    assert!(reasons(&report, "CAT:01-02").contains("not JSON"));
    assert!(reasons(&report, "CAT:01-03").contains("expected a 4xx status"));
}

#[tokio::test]
async fn a_missing_version_endpoint_skips_everything_else() {
    let report = run_against(Fake::NoVersion, Some(DATASET)).await;
    assert!(reasons(&report, "MET:01-01").contains("404"));
    for id in ["CAT:01-01", "CAT:01-02", "CAT:01-03", "CN:01-01", "CN:03-04"] {
        assert!(
            matches!(outcome(&report, id), Outcome::Skipped { why } if why.contains("MET:01-01")),
            "{}",
            report.render_text()
        );
    }
}

#[tokio::test]
async fn schema_violations_name_the_schema_and_pointer() {
    let report = run_against(Fake::Sloppy, Some(DATASET)).await;
    let catalog = reasons(&report, "CAT:01-01");
    assert!(catalog.contains("catalog/catalog-schema.json: at /:") && catalog.contains("participantId"), "{catalog}");
    assert!(reasons(&report, "CAT:01-03").contains("empty response body"));
}

#[tokio::test]
async fn the_scenario_filter_selects_by_prefix() {
    let mut config = SuiteConfig::new(serve(Fake::Good).await);
    config.token = Some(TOKEN.to_owned());
    config.scenarios = Some(vec!["CAT:01-03".to_owned()]);
    let report = run(&config).await;
    assert_eq!(report.scenarios.len(), 1);
    assert_eq!(outcome(&report, "CAT:01-03"), &Outcome::Passed);

    config.scenarios = Some(vec!["NOPE".to_owned()]);
    assert!(run(&config).await.scenarios.is_empty());
}

#[tokio::test]
async fn the_run_future_can_be_spawned() {
    let config = Arc::new(SuiteConfig::new(serve(Fake::Good).await));
    let report = tokio::spawn(async move { run(&config).await }).await.expect("join");
    assert_eq!(outcome(&report, "MET:01-01"), &Outcome::Passed);
}
