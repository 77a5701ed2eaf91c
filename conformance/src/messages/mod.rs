//! Bodies of the DSP messages the suite sends and its counter-party serves; every builder's
//! output validates against the 2025-1 schemas (see the tests).

pub mod catalog;
pub mod negotiation;
pub mod timestamp;

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};
    use url::Url;

    use super::{catalog, negotiation, timestamp};
    use crate::checks;
    use crate::negotiation::{Message, Pids, State};
    use crate::schema::DspSchema;

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
            (DspSchema::ContractNegotiation, negotiation::negotiation(&pids, State::Requested)),
            (DspSchema::ContractNegotiationError, negotiation::negotiation_error(&pids, "400", &reasons)),
            (DspSchema::ContractNegotiationError, negotiation::negotiation_error(&pids, "404", &[])),
        ];
        for (schema, message) in cases {
            assert_valid(schema, &message);
        }
        assert_eq!(negotiation::event(&pids, Message::Offer), None);
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
