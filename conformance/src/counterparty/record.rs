//! The counter-party's side of one process (a negotiation or a transfer): its role, the pids,
//! the state, and the check of every message the connector under test sends for it.

use serde_json::Value;

use crate::negotiation::Negotiation;
use crate::process::{Pids, ProcessMessage, Protocol, Role};
use crate::transfer::Transfer;

/// One process of protocol `P` the counter-party takes part in, as provider or consumer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessRecord<P: Protocol> {
    /// The counter-party's role (the connector under test has the other one).
    pub role: Role,
    /// The consumer's pid.
    pub consumer_pid: String,
    /// The provider's pid; unknown while the counter-party, as consumer, awaits the ack of its
    /// initial request.
    pub provider_pid: Option<String>,
    /// The counter-party's view of the process state.
    pub state: P::State,
}

/// A contract negotiation of the counter-party.
pub type NegotiationRecord = ProcessRecord<Negotiation>;

/// A transfer process of the counter-party.
pub type TransferRecord = ProcessRecord<Transfer>;

impl<P: Protocol> ProcessRecord<P> {
    /// A process the counter-party requests as consumer under `consumer_pid` (initial state,
    /// provider pid not yet known).
    pub fn requested_by_us(consumer_pid: impl Into<String>) -> Self {
        Self { role: Role::Consumer, consumer_pid: consumer_pid.into(), provider_pid: None, state: P::INITIAL }
    }

    /// A process the connector requested from the counter-party, which provides it.
    pub fn requested_from_us(pids: Pids) -> Self {
        Self { role: Role::Provider, consumer_pid: pids.consumer, provider_pid: Some(pids.provider), state: P::INITIAL }
    }

    /// The pid the counter-party keeps the process under.
    pub fn own_pid(&self) -> Option<&str> {
        match self.role {
            Role::Consumer => Some(&self.consumer_pid),
            Role::Provider => self.provider_pid.as_deref(),
        }
    }

    /// Both pids, once known.
    pub fn pids(&self) -> Option<Pids> {
        let provider = self.provider_pid.clone()?;
        Some(Pids { consumer: self.consumer_pid.clone(), provider })
    }

    /// Checks a message the connector posted to `<processes>/<own pid>/<path>` and applies its
    /// transition; on refusal the state is unchanged and the reasons say why.
    pub fn receive(&mut self, path: &str, body: &Value) -> Result<(), Vec<String>> {
        let Some(kind) = P::Message::of(body) else {
            return Err(vec![format!(
                "@type {} (eventType {}) is not a {} message the {} takes",
                body.get("@type").unwrap_or(&Value::Null),
                body.get("eventType").unwrap_or(&Value::Null),
                P::NAME,
                self.role.name()
            )]);
        };
        let expected_path = kind.path().join("/");
        if path.trim_end_matches('/') != expected_path {
            return Err(vec![format!(
                "a {kind} belongs at {}/<pid>/{expected_path}, not {}/<pid>/{path}",
                P::PATH,
                P::PATH
            )]);
        }
        let mut reasons = Vec::new();
        let consumer_pid = body.get("consumerPid").and_then(Value::as_str);
        if consumer_pid != Some(self.consumer_pid.as_str()) {
            reasons.push(format!("consumerPid is {consumer_pid:?}, expected {:?}", self.consumer_pid));
        }
        let provider_pid = body.get("providerPid").and_then(Value::as_str);
        match (&self.provider_pid, provider_pid) {
            (_, None) => reasons.push("providerPid is missing".to_owned()),
            (Some(known), Some(sent)) if known != sent => {
                reasons.push(format!("providerPid is {sent:?}, expected {known:?}"));
            }
            _ => {}
        }
        let sender = self.role.other();
        match kind.transition(self.state, sender) {
            Ok(next) if reasons.is_empty() => {
                if self.provider_pid.is_none() {
                    self.provider_pid = provider_pid.map(str::to_owned);
                }
                self.state = next;
                Ok(())
            }
            Ok(_) => Err(reasons),
            Err(reason) => {
                reasons.push(format!("{reason} (the connector under test is the {} here)", sender.name()));
                Err(reasons)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::negotiation::State;
    use crate::transfer::State as TransferState;
    use serde_json::json;

    fn message(message_type: &str, provider: &str, extra: Value) -> Value {
        let mut body = json!({"@type": message_type, "consumerPid": "urn:c", "providerPid": provider});
        if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
            body.extend(extra.clone());
        }
        body
    }

    #[test]
    fn as_consumer_it_learns_the_provider_pid_and_follows_the_provider() {
        let mut record = NegotiationRecord::requested_by_us("urn:c");
        assert_eq!(record.pids(), None);
        assert_eq!(record.receive("offers", &message("ContractOfferMessage", "urn:p", json!({}))), Ok(()));
        assert_eq!(record.state, State::Offered);
        assert_eq!(record.provider_pid.as_deref(), Some("urn:p"));
        let wrong =
            record.receive("termination", &message("ContractNegotiationTerminationMessage", "urn:x", json!({})));
        assert!(wrong.unwrap_err()[0].contains("providerPid is \"urn:x\""));
        let early = record
            .receive("events", &message("ContractNegotiationEventMessage", "urn:p", json!({"eventType": "FINALIZED"})));
        assert!(early.unwrap_err()[0].contains("not allowed in state OFFERED"));
        assert_eq!(record.state, State::Offered);
    }

    #[test]
    fn as_provider_it_refuses_provider_messages_and_wrong_paths() {
        let pids = Pids { consumer: "urn:c".to_owned(), provider: "urn:p".to_owned() };
        let mut record = NegotiationRecord::requested_from_us(pids);
        let offer = record.receive("offers", &message("ContractOfferMessage", "urn:p", json!({})));
        assert!(offer.unwrap_err()[0].contains("cannot come from the consumer"));
        let misplaced = record.receive("events", &message("ContractNegotiationTerminationMessage", "urn:p", json!({})));
        assert!(misplaced.unwrap_err()[0].contains("negotiations/<pid>/termination"));
        let accepted = message("ContractNegotiationEventMessage", "urn:p", json!({"eventType": "ACCEPTED"}));
        assert!(record.receive("events", &accepted).is_err(), "ACCEPTED is illegal in REQUESTED");
        record.state = State::Offered;
        assert_eq!(record.receive("events", &accepted), Ok(()));
        assert_eq!(record.state, State::Accepted);
        let unknown = record.receive("events", &json!({"@type": "Nope"}));
        assert!(unknown.unwrap_err()[0].contains("not a negotiation message"));
    }

    #[test]
    fn a_transfer_is_started_only_by_its_provider_but_resumed_by_either_side() {
        let pids = Pids { consumer: "urn:c".to_owned(), provider: "urn:p".to_owned() };
        let mut as_provider = TransferRecord::requested_from_us(pids);
        let start = message("TransferStartMessage", "urn:p", json!({}));
        let refused = as_provider.receive("start", &start).unwrap_err();
        assert!(refused[0].contains("from the consumer is not allowed in state REQUESTED"), "{refused:?}");
        as_provider.state = TransferState::Suspended;
        assert_eq!(as_provider.receive("start", &start), Ok(()));
        assert_eq!(as_provider.state, TransferState::Started);
        let misplaced = as_provider.receive("completion", &message("TransferSuspensionMessage", "urn:p", json!({})));
        assert!(misplaced.unwrap_err()[0].contains("transfers/<pid>/suspension"));

        let mut as_consumer = TransferRecord::requested_by_us("urn:c");
        assert_eq!(as_consumer.receive("start", &start), Ok(()));
        assert_eq!((as_consumer.state, as_consumer.provider_pid.as_deref()), (TransferState::Started, Some("urn:p")));
        let completion = message("TransferCompletionMessage", "urn:p", json!({}));
        assert_eq!(as_consumer.receive("completion", &completion), Ok(()));
        let after_the_end = as_consumer.receive("completion", &completion).unwrap_err();
        assert!(after_the_end[0].contains("not allowed in state COMPLETED"), "{after_the_end:?}");
    }
}
