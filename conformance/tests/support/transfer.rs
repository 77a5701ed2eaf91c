//! The fake connector's transfer processes (HTTP pull only): its webhook at
//! `/transfer-trigger`, and its scripted reactions for the TP and TP_C datasets (the agreement
//! a transfer is for names its dataset).

use ldt_conformance::messages::transfer as bodies;
use ldt_conformance::process::{Pids, Role};
use ldt_conformance::transfer::{FORMAT, Message, Transfer};
use serde_json::{Value, json};
use url::Url;

use super::Fake;
use super::process::{Agreements, Process, Scripted};

/// The token the fake hands out in its data addresses.
const DATA_TOKEN: &str = "fake-data-token";

/// The dataset of the agreement `body` names, and the agreement id as subject, for a request
/// of the fake's only format.
fn agreed(body: &Value, agreements: &Agreements) -> Result<(String, Value), String> {
    let agreement_id = body["agreementId"].as_str().unwrap_or_default();
    let dataset_id = agreements.dataset(agreement_id).ok_or_else(|| format!("no agreement {agreement_id:?}"))?;
    if body["format"] != FORMAT {
        return Err(format!("only {FORMAT} is offered, not {}", body["format"]));
    }
    Ok((dataset_id, json!(agreement_id)))
}

impl Scripted for Transfer {
    const TRIGGER: &'static str = "/transfer-trigger";

    fn script(role: Role, dataset: &str, after: Option<Message>) -> &'static [Message] {
        use Message::*;
        match (role, dataset, after) {
            (Role::Provider, "tp-01-01", None) => &[Start, Termination],
            (Role::Provider, "tp-01-02", None) => &[Start, Completion],
            (Role::Provider, "tp-01-03", None) => &[Start, Suspension, Termination],
            (Role::Provider, "tp-01-04", None) => &[Start, Suspension, Start, Completion],
            (Role::Provider, "tp-01-05", None) => &[Termination],
            (Role::Provider, "tp-02-01" | "tp-02-02" | "tp-02-03" | "tp-02-04", None) => &[Start],
            (Role::Provider, "tp-03-03" | "tp-03-04" | "tp-03-05" | "tp-03-06", None) => &[Start],
            (Role::Consumer, "tp-c-02-01", Some(Start)) => &[Termination],
            (Role::Consumer, "tp-c-02-02", Some(Start)) => &[Completion],
            (Role::Consumer, "tp-c-02-03", Some(Start)) => &[Suspension, Termination],
            (Role::Consumer, "tp-c-02-04", Some(Start)) => &[Suspension, Start, Completion],
            (Role::Consumer, "tp-c-02-05", None) => &[Termination],
            _ => &[],
        }
    }

    /// The agreement must be one the fake made, the format HTTP pull.
    fn requested(body: &Value, agreements: &Agreements) -> Result<(String, Value), String> {
        agreed(body, agreements)
    }

    /// `agreementId` must be an agreement the fake received, `format` HTTP pull.
    fn triggered(body: &Value, agreements: &Agreements) -> Option<(String, Value)> {
        agreed(body, agreements).ok()
    }

    fn initial_request(process: &Process<Self>, callback: &str) -> Value {
        bodies::request(&process.consumer_pid, process.subject.as_str().unwrap_or_default(), callback)
    }

    /// As provider, every start hands out a data address under `<root>/data` (not served:
    /// the suite does not pull); a sloppy fake's names no HTTP endpoint type and no `authType`.
    fn body(process: &Process<Self>, pids: &Pids, message: Message, flavour: Fake, root: &Url) -> Value {
        let address = (process.role == Role::Provider).then(|| {
            let mut address = bodies::data_address(&format!("{root}data/{}", pids.provider), DATA_TOKEN);
            if flavour == Fake::Sloppy {
                address["endpointType"] = json!("HTTP");
                if let Some(properties) = address["endpointProperties"].as_array_mut() {
                    properties.truncate(1);
                }
            }
            address
        });
        bodies::message(pids, message, address.as_ref(), "the fake's script")
    }

    /// The provider's start must say where to pull the data from.
    fn check(process: &Process<Self>, message: Message, body: &Value) -> Result<(), String> {
        if message == Message::Start && process.role == Role::Consumer && body.get("dataAddress").is_none() {
            return Err("a start of a pull transfer needs a dataAddress".to_owned());
        }
        Ok(())
    }
}
