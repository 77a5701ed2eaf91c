//! The demo runs to its end as the `ldt-connector demo` command: the authority onboards both LDTs, the air-quality
//! LDT reads the traffic LDT's catalogue with DCP tokens, the unknown connector is refused (the demo fails if it is
//! served), the air-quality LDT gets a contract for the traffic prediction and is refused one for the roadworks
//! scenarios, with the traffic LDT's explanation; it pulls the prediction, and is refused the next pull once the
//! traffic LDT suspends the transfer. Then it discovers the components a third participant publishes, ranked and
//! explained, and negotiates the contract proposed for the input it lacks.

use std::process::Command;

#[test]
fn the_demo_runs_to_its_end() {
    let data = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_ldt-connector"))
        .arg("demo")
        .arg("--data-dir")
        .arg(data.path())
        .output()
        .expect("the demo starts");
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "the demo fails: {}\n{printed}", String::from_utf8_lossy(&output.stderr));
    for connector in ["authority", "traffic", "air-quality", "slc-provider", "stranger"] {
        assert!(data.path().join(connector).join("keys.json").is_file(), "{connector} has its key store");
    }
    for shown in [
        // The agreement on the prediction, with its rules.
        "Agreement urn:uuid:",
        "data product traffic-prediction-24h",
        "permits      use if membership eq active and purpose isA air-quality-modelling and elapsedTime lteq P30D",
        "prohibits    distribute",
        "agreed at    ",
        // The refusal of the roadworks scenarios, with the traffic LDT's explanation.
        "The traffic LDT refused",
        "terminated by the provider: the request does not meet the contract policy",
        "purpose `air-quality-modelling` is not a kind of `traffic-management`",
        // The prediction pulled through the traffic LDT's data plane, then the pull refused after the suspension.
        "pulled       A2 Eindhoven-Noord",
        "the next pull is refused at once: 403 Forbidden",
        "is SUSPENDED: suspended by the provider: model retraining",
        // The live traffic flow relayed to the air-quality LDT's broker, stopping with the suspension.
        "relayed to   mqtt://127.0.0.1:",
        "readings in the second after the suspension: the stream stopped",
        // The components of the data space, discovered and explained for the air-quality LDT.
        "2 components, best first:",
        "Traffic-congestion prediction 1.4.2 (ai model, by Urban Analytics Lab): works with adaptations",
        "Urban heat-island dashboard 2.3.0 (visualisation, by Urban Analytics Lab): works with adaptations",
        "map 0.2.1 to 0.3 [data-model version mapping, low effort]",
        "input traffic-counts: `traffic-counts-hourly` of Traffic LDT of Eindhoven",
        // The contract proposed for the missing input, and negotiated.
        "offer        urn:ldt:offer:members-traffic-data:traffic-counts-hourly",
        "fits         yes",
        "the model's input is covered",
    ] {
        assert!(printed.contains(shown), "the demo shows `{shown}`:\n{printed}");
    }
}
