//! Bodies of the DSP messages the suite sends and its counter-party serves; every builder's
//! output validates against the 2025-1 schemas (see the tests).

pub mod catalog;
pub mod negotiation;
pub mod timestamp;
pub mod transfer;

use serde_json::{Map, Value, json};

use crate::jsonld::DSP_CONTEXT;
use crate::process::{Pids, ProcessState as _, Protocol};

/// A message of `@type` `message_type` carrying both pids.
pub fn with_pids(message_type: &str, pids: &Pids) -> Map<String, Value> {
    let mut message = Map::new();
    message.insert("@context".to_owned(), json!([DSP_CONTEXT]));
    message.insert("@type".to_owned(), json!(message_type));
    message.insert("providerPid".to_owned(), json!(pids.provider));
    message.insert("consumerPid".to_owned(), json!(pids.consumer));
    message
}

/// A message of `@type` `message_type` carrying both pids, a `code` and one `reason`
/// (terminations and suspensions).
pub fn with_reason(message_type: &str, pids: &Pids, code: &str, reason: &str) -> Value {
    let mut message = with_pids(message_type, pids);
    message.insert("code".to_owned(), json!(code));
    message.insert("reason".to_owned(), json!([reason]));
    Value::Object(message)
}

/// The process object (`ContractNegotiation`, `TransferProcess`) a side acknowledges with and
/// serves.
pub fn process<P: Protocol>(pids: &Pids, state: P::State) -> Value {
    let mut message = with_pids(P::PROCESS_TYPE, pids);
    message.insert("state".to_owned(), json!(state.as_str()));
    Value::Object(message)
}

/// The error (`ContractNegotiationError`, `TransferError`) a side refuses a message with.
pub fn process_error<P: Protocol>(pids: &Pids, code: &str, reasons: &[String]) -> Value {
    let mut message = with_pids(P::ERROR_TYPE, pids);
    message.insert("code".to_owned(), json!(code));
    if !reasons.is_empty() {
        message.insert("reason".to_owned(), json!(reasons));
    }
    Value::Object(message)
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};
    use url::Url;

    use super::{catalog, negotiation, timestamp, transfer};
    use crate::checks;
    use crate::negotiation::{Message, Negotiation, Pids, State};
    use crate::schema::DspSchema;
    use crate::transfer::{Message as TransferMessage, State as TransferState, Transfer};

    fn pids() -> Pids {
        Pids { consumer: "urn:uuid:c".to_owned(), provider: "urn:uuid:p".to_owned() }
    }

    fn message_offer() -> Value {
        negotiation::message_offer(&catalog::offer("cn-c-01-01"), "cn-c-01-01").expect("an offer")
    }

    fn assert_valid(schema: DspSchema, message: &Value) {
        assert_eq!(checks::dsp_message(schema, message), Ok(()), "{message:#}");
    }

    #[test]
    fn every_builder_validates_against_its_schema() {
        let pids = pids();
        let offer = message_offer();
        let endpoint = Url::parse("http://127.0.0.1:1/").expect("URL");
        let terms = negotiation::AgreementTerms {
            id: "urn:uuid:a",
            target: "cn-c-01-01",
            assigner: "urn:ldt-conformance:suite",
            assignee: "did:web:cut",
            timestamp: &timestamp::now(),
        };
        let agreement = negotiation::agreement(&offer, &terms);
        let reasons = ["illegal".to_owned()];
        let cases = [
            (DspSchema::CatalogRequestMessage, catalog::catalog_request()),
            (DspSchema::Dataset, catalog::dataset("cn-c-01-01", &endpoint)),
            (DspSchema::ContractRequestMessage, negotiation::initial_request("urn:uuid:c", &offer, "http://h/cb/")),
            (DspSchema::ContractRequestMessage, negotiation::counter_request(&pids, &offer)),
            (DspSchema::ContractOfferMessage, negotiation::offer(&pids, &offer)),
            (DspSchema::ContractAgreementMessage, negotiation::agreement_message(&pids, &agreement)),
            (DspSchema::ContractAgreementVerificationMessage, negotiation::verification(&pids)),
            (DspSchema::ContractNegotiationEventMessage, negotiation::event(&pids, Message::Accepted).expect("event")),
            (DspSchema::ContractNegotiationEventMessage, negotiation::event(&pids, Message::Finalized).expect("event")),
            (DspSchema::ContractNegotiationTerminationMessage, negotiation::termination(&pids, "done")),
            (DspSchema::ContractNegotiation, super::process::<Negotiation>(&pids, State::Requested)),
            (DspSchema::ContractNegotiationError, super::process_error::<Negotiation>(&pids, "400", &reasons)),
            (DspSchema::ContractNegotiationError, super::process_error::<Negotiation>(&pids, "404", &[])),
        ];
        for (schema, message) in cases {
            assert_valid(schema, &message);
        }
        assert_eq!(negotiation::event(&pids, Message::Offer), None);
    }

    #[test]
    fn every_transfer_builder_validates_against_its_schema() {
        let pids = pids();
        let address = transfer::data_address("http://127.0.0.1:1/data/p", "token");
        let reasons = ["illegal".to_owned()];
        let message = |kind| transfer::message(&pids, kind, Some(&address), "why");
        let cases = [
            (DspSchema::TransferRequestMessage, transfer::request("urn:uuid:c", "urn:uuid:a", "http://h/cb")),
            (DspSchema::TransferStartMessage, message(TransferMessage::Start)),
            (DspSchema::TransferStartMessage, transfer::message(&pids, TransferMessage::Start, None, "why")),
            (DspSchema::TransferSuspensionMessage, message(TransferMessage::Suspension)),
            (DspSchema::TransferCompletionMessage, message(TransferMessage::Completion)),
            (DspSchema::TransferTerminationMessage, message(TransferMessage::Termination)),
            (DspSchema::TransferProcess, super::process::<Transfer>(&pids, TransferState::Suspended)),
            (DspSchema::TransferError, super::process_error::<Transfer>(&pids, "400", &reasons)),
        ];
        for (schema, message) in cases {
            assert_valid(schema, &message);
        }
        assert_eq!(message(TransferMessage::Start)["dataAddress"], address);
        assert!(message(TransferMessage::Completion).get("dataAddress").is_none(), "only a start carries one");
        assert_eq!(message(TransferMessage::Suspension)["reason"], json!(["why"]));
        assert_eq!(
            address["endpointProperties"][0],
            json!({"@type": "EndpointProperty", "name": "authorization", "value": "token"})
        );
    }

    #[test]
    fn the_agreement_copies_the_offer_rules_and_terms() {
        let offer = message_offer();
        let terms = negotiation::AgreementTerms {
            id: "urn:uuid:a",
            target: "ds",
            assigner: "urn:p",
            assignee: "urn:c",
            timestamp: "2025-01-01T00:00:00Z",
        };
        let agreement = negotiation::agreement(&offer, &terms);
        assert_eq!(agreement["permission"], json!([{"action": "use"}]));
        assert_eq!(agreement["@type"], "Agreement");
        assert_eq!(agreement["assignee"], "urn:c");
        assert!(agreement.get("prohibition").is_none());
    }

    #[test]
    fn message_offers_gain_a_target_and_lose_rule_targets() {
        let catalog_offer = json!({
            "@id": "urn:offer:1",
            "permission": [{"action": "use", "target": "x"}],
            "prohibition": [{"action": "distribute"}]
        });
        let offer = negotiation::message_offer(&catalog_offer, "ds-1").expect("an offer");
        assert_eq!(offer["@id"], "urn:offer:1");
        assert_eq!(offer["@type"], "Offer");
        assert_eq!(offer["target"], "ds-1");
        assert_eq!(offer["permission"], json!([{"action": "use"}]));
        assert_eq!(offer["prohibition"], json!([{"action": "distribute"}]));
        assert!(negotiation::message_offer(&json!({"permission": []}), "ds").unwrap_err().contains("@id"));
        assert!(negotiation::message_offer(&json!("urn:offer:1"), "ds").is_err());
    }

    #[test]
    fn the_counter_party_offer_is_named_after_its_dataset() {
        assert_eq!(catalog::offer_id("cn-c-02-05"), "urn:ldt-conformance:offer:cn-c-02-05");
        assert!(catalog::offer("x").get("target").is_none());
    }
}
