//! The contract negotiation messages of the DSP 2025-1 HTTPS binding: reading the ones peers send (already
//! normalised to the compact form at the edge) into one [`Incoming`] shape, and writing the ones we send. Pure.

use serde::Deserialize;
use serde_json::{Value, json};

use super::machine::{ContractNegotiation, Kind, State};
use crate::dsp::process_common::{
    Protocol as _, expect_type, insert_reason, message_head, process_error, process_object, read_pid, reason_text,
};

/// The property under which a consumer declares its purpose in a `ContractRequestMessage` (an extension: DSP has
/// none; peers that do not know it ignore it).
pub const PURPOSE: &str = "https://w3id.org/ldt-connector/terms#purpose";

/// Any negotiation message as received, in compact form. Which fields must be present depends on the kind.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Wire {
    /// The message type, e.g. `ContractRequestMessage`.
    #[serde(rename = "@type")]
    pub message_type: String,
    /// The consumer's process id.
    #[serde(default)]
    pub consumer_pid: Option<String>,
    /// The provider's process id.
    #[serde(default)]
    pub provider_pid: Option<String>,
    /// The offer of a request or an offer message.
    #[serde(default)]
    pub offer: Option<Value>,
    /// The agreement of an agreement message.
    #[serde(default)]
    pub agreement: Option<Value>,
    /// Where the sender receives messages (first message of a process).
    #[serde(default)]
    pub callback_address: Option<String>,
    /// `ACCEPTED` or `FINALIZED` in an event message.
    #[serde(default)]
    pub event_type: Option<String>,
    /// A termination's or error's code.
    #[serde(default)]
    pub code: Option<String>,
    /// A termination's reasons.
    #[serde(default)]
    pub reason: Option<Value>,
    /// The purpose a consumer declares (extension, see [`PURPOSE`]).
    #[serde(default, rename = "https://w3id.org/ldt-connector/terms#purpose")]
    pub purpose: Option<String>,
}

/// A negotiation message a peer sent, checked for the fields its kind needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Incoming {
    /// What it does.
    pub kind: Kind,
    /// The consumer's process id (always present).
    pub consumer_pid: String,
    /// The provider's process id (absent only on a consumer's first request).
    pub provider_pid: Option<String>,
    /// The offer (request and offer messages).
    pub offer: Option<Value>,
    /// The agreement (agreement messages).
    pub agreement: Option<Value>,
    /// The sender's callback address (first messages).
    pub callback_address: Option<String>,
    /// The declared purpose (requests, optional).
    pub purpose: Option<String>,
    /// Why, for a termination: its code and reasons in words.
    pub reason: Option<String>,
}

/// What the binding expects at an endpoint: a message type and, for the events endpoint, an event type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    /// `ContractRequestMessage`.
    Request,
    /// `ContractOfferMessage`.
    Offer,
    /// `ContractNegotiationEventMessage` (`ACCEPTED` or `FINALIZED`).
    Event,
    /// `ContractAgreementMessage`.
    Agreement,
    /// `ContractAgreementVerificationMessage`.
    Verification,
    /// `ContractNegotiationTerminationMessage`.
    Termination,
}

impl Expected {
    fn message_type(self) -> &'static str {
        message_type(match self {
            Expected::Request => Kind::Request,
            Expected::Offer => Kind::Offer,
            Expected::Event => Kind::Accepted,
            Expected::Agreement => Kind::Agreement,
            Expected::Verification => Kind::Verification,
            Expected::Termination => Kind::Termination,
        })
    }
}

/// The DSP message type that carries a message of `kind`.
fn message_type(kind: Kind) -> &'static str {
    match kind {
        Kind::Request => "ContractRequestMessage",
        Kind::Offer => "ContractOfferMessage",
        Kind::Accepted | Kind::Finalized => "ContractNegotiationEventMessage",
        Kind::Agreement => "ContractAgreementMessage",
        Kind::Verification => "ContractAgreementVerificationMessage",
        Kind::Termination => "ContractNegotiationTerminationMessage",
    }
}

impl Wire {
    /// The message as an [`Incoming`] of the kind the endpoint `expected` takes, or why it is not one.
    pub fn read(self, expected: Expected) -> Result<Incoming, String> {
        expect_type(expected.message_type(), &self.message_type)?;
        let kind = match expected {
            Expected::Request => Kind::Request,
            Expected::Offer => Kind::Offer,
            Expected::Agreement => Kind::Agreement,
            Expected::Verification => Kind::Verification,
            Expected::Termination => Kind::Termination,
            Expected::Event => match self.event_type.as_deref().map(short) {
                Some("ACCEPTED") => Kind::Accepted,
                Some("FINALIZED") => Kind::Finalized,
                Some(other) => return Err(format!("unknown eventType `{other}`: ACCEPTED or FINALIZED")),
                None => return Err("an event message needs an eventType".into()),
            },
        };
        let required_object = |value: Option<Value>, name: &str| match value {
            Some(value @ Value::Object(_)) => Ok(Some(value)),
            Some(_) => Err(format!("`{name}` must be an object")),
            None => Err(format!("a {} needs `{name}`", expected.message_type())),
        };
        let offer = match kind {
            Kind::Request | Kind::Offer => required_object(self.offer, "offer")?,
            _ => None,
        };
        if let Some(offer) = &offer
            && !offer.get("@id").is_some_and(Value::is_string)
        {
            return Err("the offer needs an `@id`".into());
        }
        let agreement = match kind {
            Kind::Agreement => required_object(self.agreement, "agreement")?,
            _ => None,
        };
        // A provider's first offer creates the consumer's process; the consumer picks its pid.
        let consumer_pid = read_pid(self.consumer_pid, "consumerPid", kind != Kind::Offer)?.unwrap_or_default();
        let provider_pid = read_pid(self.provider_pid, "providerPid", kind != Kind::Request)?;
        let reason = (kind == Kind::Termination).then(|| reason_text(self.code.as_deref(), self.reason.as_ref()));
        Ok(Incoming {
            kind,
            consumer_pid,
            provider_pid,
            offer,
            agreement,
            callback_address: self.callback_address,
            purpose: self.purpose,
            reason: reason.flatten(),
        })
    }
}

/// `dspace:ACCEPTED` or a full IRI read as `ACCEPTED`.
fn short(name: &str) -> &str {
    name.rsplit([':', '/', '#']).next().unwrap_or(name)
}

/// The body of a message of `kind` between the processes `consumer_pid` and `provider_pid`.
#[derive(Debug, Clone, Default)]
pub struct Outgoing<'a> {
    /// The consumer's process id.
    pub consumer_pid: &'a str,
    /// The provider's process id; `None` on a consumer's first request.
    pub provider_pid: Option<&'a str>,
    /// The offer (requests and offers).
    pub offer: Option<&'a Value>,
    /// The agreement (agreement messages).
    pub agreement: Option<&'a Value>,
    /// Our callback address (first messages).
    pub callback_address: Option<&'a str>,
    /// The purpose we declare (requests).
    pub purpose: Option<&'a str>,
    /// Why (terminations).
    pub reason: Option<&'a str>,
}

impl Outgoing<'_> {
    /// The DSP message of `kind` with these fields.
    pub fn render(&self, kind: Kind) -> Value {
        let mut message = message_head(message_type(kind), Some(self.consumer_pid), self.provider_pid);
        match kind {
            Kind::Request | Kind::Offer => {
                message.insert("offer".into(), self.offer.cloned().unwrap_or_else(|| json!({})));
                if let Some(callback) = self.callback_address {
                    message.insert("callbackAddress".into(), callback.into());
                }
                if let Some(purpose) = self.purpose.filter(|_| kind == Kind::Request) {
                    message.insert(PURPOSE.into(), purpose.into());
                }
            }
            Kind::Agreement => {
                message.insert("agreement".into(), self.agreement.cloned().unwrap_or_else(|| json!({})));
            }
            Kind::Accepted => {
                message.insert("eventType".into(), "ACCEPTED".into());
            }
            Kind::Finalized => {
                message.insert("eventType".into(), "FINALIZED".into());
            }
            Kind::Verification => {}
            Kind::Termination => insert_reason(&mut message, "TERMINATED", self.reason),
        }
        Value::Object(message)
    }
}

/// The `ContractNegotiation` object that acknowledges a message and answers a state query.
pub fn negotiation_object(consumer_pid: &str, provider_pid: &str, state: State) -> Value {
    process_object(ContractNegotiation::OBJECT_TYPE, consumer_pid, provider_pid, state.as_str())
}

/// A `ContractNegotiationError` with both pids (those known), a code and a reason.
pub fn negotiation_error(consumer_pid: Option<&str>, provider_pid: Option<&str>, code: &str, reason: &str) -> Value {
    process_error(ContractNegotiation::ERROR_TYPE, consumer_pid, provider_pid, code, reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wire(value: Value) -> Wire {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn reads_each_kind_and_refuses_missing_fields() {
        let request = wire(json!({"@type": "ContractRequestMessage", "consumerPid": "c",
            "offer": {"@id": "o", "target": "d"}, "callbackAddress": "http://x/cb", PURPOSE: "research"}));
        let read = request.read(Expected::Request).unwrap();
        assert_eq!((read.kind, read.provider_pid, read.purpose.as_deref()), (Kind::Request, None, Some("research")));

        let accepted = wire(json!({"@type": "ContractNegotiationEventMessage", "consumerPid": "c",
            "providerPid": "p", "eventType": "dspace:ACCEPTED"}));
        assert_eq!(accepted.read(Expected::Event).unwrap().kind, Kind::Accepted);

        let no_offer_id = wire(json!({"@type": "ContractRequestMessage", "consumerPid": "c", "offer": {}}));
        assert_eq!(no_offer_id.read(Expected::Request).unwrap_err(), "the offer needs an `@id`");
        let wrong_type = wire(json!({"@type": "ContractOfferMessage", "consumerPid": "c", "providerPid": "p"}));
        assert!(wrong_type.read(Expected::Agreement).unwrap_err().contains("expected a ContractAgreementMessage"));
        let no_provider = wire(json!({"@type": "ContractAgreementVerificationMessage", "consumerPid": "c"}));
        assert_eq!(no_provider.read(Expected::Verification).unwrap_err(), "the message needs a `providerPid`");
        let odd_event =
            wire(json!({"@type": "ContractNegotiationEventMessage", "consumerPid": "c", "providerPid": "p",
                "eventType": "PAUSED"}));
        assert!(odd_event.read(Expected::Event).unwrap_err().contains("unknown eventType"));
    }

    #[test]
    fn termination_reasons_become_one_sentence() {
        let termination = wire(json!({"@type": "ContractNegotiationTerminationMessage", "consumerPid": "c",
            "providerPid": "p", "code": "42", "reason": ["no budget", {"@value": "try later"}]}));
        let read = termination.read(Expected::Termination).unwrap();
        assert_eq!(read.reason.as_deref(), Some("no budget; try later"));
    }

    #[test]
    fn rendered_messages_carry_what_their_kind_needs() {
        let offer = json!({"@id": "o", "@type": "Offer", "target": "d", "permission": [{"action": "use"}]});
        let fields = Outgoing {
            consumer_pid: "c",
            provider_pid: Some("p"),
            offer: Some(&offer),
            reason: Some("no longer needed"),
            ..Outgoing::default()
        };
        assert_eq!(fields.render(Kind::Offer)["offer"], offer);
        assert_eq!(fields.render(Kind::Finalized)["eventType"], "FINALIZED");
        assert_eq!(fields.render(Kind::Termination)["reason"], json!(["no longer needed"]));
        assert!(fields.render(Kind::Verification).get("offer").is_none());
        let first = Outgoing { provider_pid: None, callback_address: Some("http://c/dsp"), ..fields };
        let request = first.render(Kind::Request);
        assert_eq!((request.get("providerPid"), &request["callbackAddress"]), (None, &json!("http://c/dsp")));
    }
}
