//! The whole suite against small fake connectors served on 127.0.0.1: a conforming one must
//! pass, misbehaving ones must fail (never crash) with reasons that say why.

mod support;

use std::sync::Arc;

use ldt_conformance::scenarios::{negotiation, transfer};
use ldt_conformance::{Outcome, Report, SuiteConfig, run};
use support::{DATASET, Fake, TOKEN, TRIGGER_KEY, serve, transfer_trigger_url, trigger_url};

async fn run_against(fake: Fake, dataset_id: Option<&str>) -> Report {
    let mut config = SuiteConfig::new(serve(fake).await);
    config.token = Some(TOKEN.to_owned());
    config.dataset_id = dataset_id.map(str::to_owned);
    run(&config).await
}

/// A configuration for `fake` with its negotiation and transfer webhooks, selecting
/// `scenarios`.
async fn with_trigger(fake: Fake, scenarios: &[&str]) -> SuiteConfig {
    let root = serve(fake).await;
    let mut config = SuiteConfig::new(root.clone());
    config.token = Some(TOKEN.to_owned());
    config.dataset_id = Some(DATASET.to_owned());
    config.negotiation_trigger = Some(trigger_url(&root));
    config.transfer_trigger = Some(transfer_trigger_url(&root));
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
    let negotiations = negotiation::cases::ALL.iter().map(|c| c.id);
    let processes: Vec<&str> = negotiations.chain(transfer::cases::ALL.iter().map(|c| c.id)).collect();
    assert_eq!(ids[4..], processes[..]);
    assert!(report.scenarios.iter().all(|s| s.outcome == Outcome::Passed), "{}", report.render_text());
}

/// Asserts that the scenarios of `report` whose ids start with a prefix of `skipped` were
/// skipped for a reason naming its option, and that all others passed.
fn assert_skipped(report: &Report, skipped: &[(&str, &str)]) {
    for scenario in &report.scenarios {
        match skipped.iter().find(|(prefix, _)| scenario.id.starts_with(prefix)) {
            Some((_, option)) => assert!(
                matches!(&scenario.outcome, Outcome::Skipped { why } if why.contains(option)),
                "{}",
                report.render_text()
            ),
            None => assert_eq!(scenario.outcome, Outcome::Passed, "{}", report.render_text()),
        }
    }
}

#[tokio::test]
async fn without_a_trigger_the_consumer_scenarios_are_skipped() {
    let report = run_against(Fake::Good, Some(DATASET)).await;
    assert!(report.passed(), "{}", report.render_text());
    assert_skipped(&report, &[("CN_C:", "--negotiation-trigger"), ("TP_C:", "--transfer-trigger")]);
    assert_eq!(report.scenarios.iter().filter(|s| s.id.starts_with("TP_C:")).count(), 16);
}

#[tokio::test]
async fn the_transfer_consumer_scenarios_need_both_triggers() {
    let mut config = with_trigger(Fake::Good, &["CN_C:01-01", "TP_C:01-01", "TP_C:03-04", "TP:01-01"]).await;
    config.transfer_trigger = None;
    let report = run(&config).await;
    assert_eq!(report.scenarios.len(), 4);
    assert_skipped(&report, &[("TP_C:", "--transfer-trigger")]);

    config.transfer_trigger = config.negotiation_trigger.take();
    let report = run(&config).await;
    assert_skipped(&report, &[("CN_C:", "--negotiation-trigger"), ("TP_C:", "--negotiation-trigger")]);
    assert!(matches!(outcome(&report, "TP_C:01-01"), Outcome::Skipped { why } if why.starts_with("agreement: ")));
}

/// Asserts that exactly the negative scenarios (`:03-`) of `report` failed, at the step whose
/// illegal message the connector took.
fn assert_only_the_negative_scenarios_fail(report: &Report) {
    for scenario in &report.scenarios {
        if scenario.id.contains(":03-") {
            let reasons = reasons(report, &scenario.id);
            assert!(reasons.contains("expected a 4xx status other than 404, got 200 OK"), "{reasons}");
            assert!(reasons.contains("which must be refused"), "names the step: {reasons}");
        } else {
            assert_eq!(scenario.outcome, Outcome::Passed, "{}", report.render_text());
        }
    }
}

#[tokio::test]
async fn a_connector_taking_illegal_negotiation_messages_fails_exactly_the_negative_scenarios() {
    let report = run(&with_trigger(Fake::Lax, &["CN"]).await).await;
    assert_only_the_negative_scenarios_fail(&report);
    assert_eq!(report.scenarios.len(), 31);
}

#[tokio::test]
async fn a_connector_taking_illegal_transfer_messages_fails_exactly_the_negative_scenarios() {
    let report = run(&with_trigger(Fake::Lax, &["TP"]).await).await;
    assert_only_the_negative_scenarios_fail(&report);
    assert_eq!(report.scenarios.len(), 32);
    for (id, step) in [("TP:03-01", "step 1/1"), ("TP_C:03-04", "step 3/3")] {
        let reasons = reasons(&report, id);
        assert!(reasons.contains(step) && reasons.contains("/transfers/"), "{id}: {reasons}");
    }
    for id in ["TP:01-04", "TP_C:01-01"] {
        assert_eq!(outcome(&report, id), &Outcome::Passed);
    }
}

#[tokio::test]
async fn a_provider_starting_without_a_pull_data_address_fails() {
    let mut config = SuiteConfig::new(serve(Fake::Sloppy).await);
    config.token = Some(TOKEN.to_owned());
    config.scenarios = Some(vec!["TP:01-04".to_owned(), "TP:02-05".to_owned()]);
    let report = run(&config).await;
    let reasons = reasons(&report, "TP:01-04");
    assert!(reasons.contains("step 1/4 (the connector sends TransferStartMessage)"), "{reasons}");
    assert!(reasons.contains("dataAddress: endpointType is \"HTTP\""), "{reasons}");
    assert!(reasons.contains("endpointProperties has no \"authType\""), "{reasons}");
    assert_eq!(outcome(&report, "TP:02-05"), &Outcome::Passed, "no start, nothing to check");
}

#[tokio::test]
async fn a_refused_trigger_fails_the_consumer_scenarios() {
    let mut config = with_trigger(Fake::Good, &["CN_C:01-01"]).await;
    config.trigger_api_key = Some("wrong".to_owned());
    let report = run(&config).await;
    let refused = reasons(&report, "CN_C:01-01");
    assert!(refused.contains("opening (trigger)") && refused.contains("401"), "{refused}");

    config.trigger_api_key = Some(TRIGGER_KEY.to_owned());
    config.scenarios = Some(vec!["TP_C:01-02".to_owned()]);
    config.transfer_trigger = config.transfer_trigger.map(|url| url.join("/nowhere").expect("url"));
    let reasons = reasons(&run(&config).await, "TP_C:01-02");
    assert!(reasons.starts_with("opening (trigger)") && reasons.contains("transfer trigger answered 404"), "{reasons}");
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
    for id in ["CAT:01-01", "CAT:01-02", "CAT:01-03", "CN:01-01", "CN:03-04", "TP:01-01", "TP:03-06"] {
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
