//! The fake connector's contract negotiation: its webhook at `/trigger`, its scripted
//! reactions (for the CN and CN_C datasets as CONFORMANCE.md wants them; for the TP and TP_C
//! datasets it agrees at once as provider and verifies as consumer), and the agreements.

use ldt_conformance::config::DEFAULT_PARTICIPANT_ID;
use ldt_conformance::messages::negotiation::{self as bodies, AgreementTerms};
use ldt_conformance::messages::timestamp;
use ldt_conformance::negotiation::{Message, Negotiation, Pids, Role, fresh_id};
use serde_json::{Value, json};
use url::Url;

use super::Fake;
use super::process::{Agreements, Process, Scripted};

/// The fake's participant id (that of its example catalogue).
pub const PARTICIPANT: &str = "urn:example:DataProviderA";

/// Id of the fake's offer for dataset `dataset_id`.
pub fn offer_id(dataset_id: &str) -> String {
    format!("urn:fake:offer:{dataset_id}")
}

/// Whether `dataset` is that of a transfer scenario, which needs only an agreement.
fn for_transfer(dataset: &str) -> bool {
    dataset.starts_with("tp-")
}

impl Scripted for Negotiation {
    const TRIGGER: &'static str = "/trigger";

    fn script(role: Role, dataset: &str, after: Option<Message>) -> &'static [Message] {
        use Message::*;
        match (role, dataset, after) {
            (Role::Provider, "cn-01-01" | "cn-01-02" | "cn-01-03" | "cn-02-04" | "cn-02-06", None) => &[Offer],
            (Role::Provider, "cn-03-02" | "cn-03-03" | "cn-03-04", None) => &[Offer],
            (Role::Provider, "cn-01-04" | "cn-02-03" | "cn-02-07" | "cn-03-01", None) => &[Agreement],
            (Role::Provider, "cn-02-01", None) => &[Termination],
            (Role::Provider, "cn-02-05", None) => &[Offer, Termination],
            (Role::Provider, "cn-01-02", Some(Request)) => &[Termination],
            (Role::Provider, "cn-01-03", Some(Accepted)) => &[Agreement],
            (Role::Provider, "cn-02-06", Some(Accepted)) => &[Termination],
            (Role::Provider, "cn-01-03" | "cn-01-04" | "cn-03-01", Some(Verification)) => &[Finalized],
            (Role::Provider, "cn-02-07", Some(Verification)) => &[Termination],
            (Role::Provider, transfer, None) if for_transfer(transfer) => &[Agreement],
            (Role::Provider, transfer, Some(Verification)) if for_transfer(transfer) => &[Finalized],
            (Role::Consumer, "cn-c-01-01" | "cn-c-02-05" | "cn-c-03-04" | "cn-c-03-05" | "cn-c-03-06", Some(Offer)) => {
                &[Accepted]
            }
            (Role::Consumer, "cn-c-01-02", Some(Offer)) => &[Request],
            (Role::Consumer, "cn-c-01-03", Some(Offer)) => &[Termination],
            (Role::Consumer, "cn-c-01-01" | "cn-c-01-04" | "cn-c-02-06", Some(Agreement)) => &[Verification],
            (Role::Consumer, transfer, Some(Agreement)) if for_transfer(transfer) => &[Verification],
            (Role::Consumer, "cn-c-02-03", Some(Agreement)) => &[Termination],
            (Role::Consumer, "cn-c-02-02", None) => &[Termination],
            _ => &[],
        }
    }

    /// The offer must be the fake's for the dataset it targets.
    fn requested(body: &Value, _agreements: &Agreements) -> Result<(String, Value), String> {
        let offer = &body["offer"];
        let dataset_id = offer["target"].as_str().unwrap_or_default().to_owned();
        if offer["@id"] != offer_id(&dataset_id).as_str() {
            return Err("unknown offer".to_owned());
        }
        Ok((dataset_id, offer.clone()))
    }

    /// `offerId` on `datasetId`.
    fn triggered(body: &Value, _agreements: &Agreements) -> Option<(String, Value)> {
        let (offer_id, dataset_id) = (body["offerId"].as_str()?, body["datasetId"].as_str()?);
        let offer = json!({"@id": offer_id, "@type": "Offer", "target": dataset_id, "permission": [{"action": "use"}]});
        Some((dataset_id.to_owned(), offer))
    }

    fn initial_request(process: &Process<Self>, callback: &str) -> Value {
        bodies::initial_request(&process.consumer_pid, &process.subject, callback)
    }

    fn body(process: &Process<Self>, pids: &Pids, message: Message, _flavour: Fake, _root: &Url) -> Value {
        let offer = &process.subject;
        match message {
            Message::Request => bodies::counter_request(pids, offer),
            Message::Offer => bodies::offer(pids, offer),
            Message::Accepted | Message::Finalized => bodies::event(pids, message).unwrap_or_default(),
            Message::Agreement => {
                let terms = AgreementTerms {
                    id: &fresh_id(),
                    target: &process.dataset_id,
                    assigner: PARTICIPANT,
                    assignee: DEFAULT_PARTICIPANT_ID,
                    timestamp: &timestamp::now(),
                };
                bodies::agreement_message(pids, &bodies::agreement(offer, &terms))
            }
            Message::Verification => bodies::verification(pids),
            Message::Termination => bodies::termination(pids, "the fake's script"),
        }
    }

    /// An agreement must name the fake as assignee and the negotiated dataset.
    fn check(process: &Process<Self>, message: Message, body: &Value) -> Result<(), String> {
        let agreement = &body["agreement"];
        if message == Message::Agreement
            && (agreement["assignee"] != PARTICIPANT || agreement["target"] != process.dataset_id.as_str())
        {
            return Err(format!("not our agreement: {agreement}"));
        }
        Ok(())
    }

    /// Agreements made or received are remembered for transfers.
    fn exchanged(process: &Process<Self>, message: Message, body: &Value, agreements: &Agreements) {
        if let (Message::Agreement, Some(id)) = (message, body.pointer("/agreement/@id").and_then(Value::as_str)) {
            agreements.insert(id, &process.dataset_id);
        }
    }
}
