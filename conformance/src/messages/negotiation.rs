//! Contract negotiation bodies: the messages the suite sends, the acks and errors its
//! counter-party answers with, and the policies they carry.

use serde_json::{Map, Value, json};

use super::{with_pids, with_reason};
use crate::jsonld::DSP_CONTEXT;
use crate::negotiation::{Message, Pids, ProcessMessage as _};

/// The ODRL rule lists a policy may carry.
const RULE_LISTS: [&str; 3] = ["permission", "prohibition", "obligation"];

/// The offer of a negotiation message made from a catalogue offer: the same `@id` and rules,
/// plus `target` (the dataset id), with no `target` inside any rule.
pub fn message_offer(catalog_offer: &Value, target: &str) -> Result<Value, String> {
    let Some(fields) = catalog_offer.as_object() else {
        return Err(format!("the offer is not a JSON object: {catalog_offer}"));
    };
    if !fields.get("@id").is_some_and(Value::is_string) {
        return Err(format!("the offer has no string @id: {catalog_offer}"));
    }
    let mut offer = fields.clone();
    offer.insert("@type".to_owned(), json!("Offer"));
    offer.insert("target".to_owned(), json!(target));
    for list in RULE_LISTS {
        if let Some(Value::Array(rules)) = offer.get_mut(list) {
            for rule in rules.iter_mut().filter_map(Value::as_object_mut) {
                rule.remove("target");
            }
        }
    }
    Ok(Value::Object(offer))
}

/// Who agrees on what, for [`agreement`].
#[derive(Debug, Clone)]
pub struct AgreementTerms<'a> {
    /// The agreement's `@id`.
    pub id: &'a str,
    /// The dataset id.
    pub target: &'a str,
    /// The provider's participant id.
    pub assigner: &'a str,
    /// The consumer's participant id.
    pub assignee: &'a str,
    /// When it was agreed, as an `xsd:dateTime`.
    pub timestamp: &'a str,
}

/// An `Agreement` with the rules of `offer` (a message offer) and `terms`.
pub fn agreement(offer: &Value, terms: &AgreementTerms<'_>) -> Value {
    let mut agreement = Map::new();
    agreement.insert("@id".to_owned(), json!(terms.id));
    agreement.insert("@type".to_owned(), json!("Agreement"));
    agreement.insert("target".to_owned(), json!(terms.target));
    agreement.insert("assigner".to_owned(), json!(terms.assigner));
    agreement.insert("assignee".to_owned(), json!(terms.assignee));
    agreement.insert("timestamp".to_owned(), json!(terms.timestamp));
    for list in RULE_LISTS {
        if let Some(rules) = offer.get(list) {
            agreement.insert(list.to_owned(), rules.clone());
        }
    }
    Value::Object(agreement)
}

/// The initial `ContractRequestMessage`: a new negotiation under `consumer_pid`, answered at
/// `callback_address`.
pub fn initial_request(consumer_pid: &str, offer: &Value, callback_address: &str) -> Value {
    json!({
        "@context": [DSP_CONTEXT],
        "@type": "ContractRequestMessage",
        "consumerPid": consumer_pid,
        "offer": offer,
        "callbackAddress": callback_address
    })
}

/// A `ContractRequestMessage` within the negotiation `pids` (a counter-offer): no
/// `callbackAddress`, which the schema allows only on the initial request.
pub fn counter_request(pids: &Pids, offer: &Value) -> Value {
    let mut message = with_pids(Message::Request.message_type(), pids);
    message.insert("offer".to_owned(), offer.clone());
    Value::Object(message)
}

/// A `ContractOfferMessage` within the negotiation `pids` (no `callbackAddress`).
pub fn offer(pids: &Pids, offer: &Value) -> Value {
    let mut message = with_pids(Message::Offer.message_type(), pids);
    message.insert("offer".to_owned(), offer.clone());
    Value::Object(message)
}

/// A `ContractAgreementMessage` carrying `agreement`.
pub fn agreement_message(pids: &Pids, agreement: &Value) -> Value {
    let mut message = with_pids(Message::Agreement.message_type(), pids);
    message.insert("agreement".to_owned(), agreement.clone());
    Value::Object(message)
}

/// A `ContractAgreementVerificationMessage`.
pub fn verification(pids: &Pids) -> Value {
    Value::Object(with_pids(Message::Verification.message_type(), pids))
}

/// A `ContractNegotiationEventMessage` of `event` (`Accepted` or `Finalized`); `None` for
/// other kinds.
pub fn event(pids: &Pids, event: Message) -> Option<Value> {
    let event_type = event.event_type()?;
    let mut message = with_pids(event.message_type(), pids);
    message.insert("eventType".to_owned(), json!(event_type));
    Some(Value::Object(message))
}

/// A `ContractNegotiationTerminationMessage` with a code and `reason`.
pub fn termination(pids: &Pids, reason: &str) -> Value {
    with_reason(Message::Termination.message_type(), pids, "ldt-conformance:terminated", reason)
}
