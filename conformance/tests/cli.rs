//! The `ldt-conformance` binary: output formats and exit status.

#[allow(dead_code)]
mod support;

use std::process::{Command, Output};

use ldt_conformance::{Outcome, Report};
use support::{DATASET, Fake, TOKEN, TRIGGER_KEY, serve, transfer_trigger_url, trigger_url};

/// Runs the binary with `args` (and `envs`) off the async runtime, so the fake connector
/// keeps serving meanwhile.
async fn cli(args: &[&str], envs: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ldt-conformance"));
    command.args(args);
    for (name, _) in std::env::vars() {
        if name.starts_with("LDT_CONFORMANCE_") {
            command.env_remove(name);
        }
    }
    command.envs(envs.iter().copied());
    tokio::task::spawn_blocking(move || command.output()).await.expect("join").expect("the binary runs")
}

#[tokio::test]
async fn usage_errors_exit_with_2() {
    assert_eq!(cli(&[], &[]).await.status.code(), Some(2));
    let wrong_format = cli(&["--base-url", "http://127.0.0.1:1", "--format", "xml"], &[]).await;
    assert_eq!(wrong_format.status.code(), Some(2));
    let bad_timeout = cli(&["--base-url", "http://127.0.0.1:1", "--wait-timeout", "-1"], &[]).await;
    assert_eq!(bad_timeout.status.code(), Some(2));
    let no_match = cli(&["--base-url", "http://127.0.0.1:1", "--scenario", "NOPE"], &[]).await;
    assert_eq!(no_match.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&no_match.stderr).contains("no scenario matches"));
}

#[tokio::test]
async fn a_passing_run_prints_text_and_exits_0() {
    let base = serve(Fake::Good).await;
    let trigger = trigger_url(&base);
    let transfer_trigger = transfer_trigger_url(&base);
    let output = cli(
        &[
            "--base-url",
            base.as_str(),
            "--dataset-id",
            DATASET,
            "--negotiation-trigger",
            trigger.as_str(),
            "--transfer-trigger",
            transfer_trigger.as_str(),
            "--wait-timeout",
            "5.5",
            "--participant-id",
            "urn:ldt-conformance:suite",
        ],
        &[("LDT_CONFORMANCE_TOKEN", TOKEN), ("LDT_CONFORMANCE_TRIGGER_API_KEY", TRIGGER_KEY)],
    )
    .await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    let ids = ["MET:01-01", "CAT:01-01", "CAT:01-02", "CAT:01-03", "CN:01-03", "CN_C:01-01", "CN_C:03-06"];
    for id in ids.into_iter().chain(["TP:01-04", "TP_C:01-01", "TP_C:03-06"]) {
        assert!(stdout.contains(&format!("PASS {id} ")), "{stdout}");
    }
}

#[tokio::test]
async fn a_failing_run_prints_json_and_exits_1() {
    let base = serve(Fake::NoVersion).await;
    let output =
        cli(&["--base-url", base.as_str(), "--format", "json", "--scenario", "MET", "--scenario", "CAT:01-03"], &[])
            .await;
    assert_eq!(output.status.code(), Some(1));
    let report: Report = serde_json::from_slice(&output.stdout).expect("a JSON report");
    let ids: Vec<&str> = report.scenarios.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["MET:01-01", "CAT:01-03"]);
    assert!(matches!(report.scenarios[0].outcome, Outcome::Failed { .. }));
    assert!(matches!(report.scenarios[1].outcome, Outcome::Skipped { .. }));
}
