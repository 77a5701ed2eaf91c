//! The counter-party's side of one contract negotiation: its role, the pids, the state, and
//! the check of every message the connector under test sends for it.

use serde_json::Value;

use crate::negotiation::{Message, Pids, Role, State};

/// One negotiation the counter-party takes part in, as provider or consumer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NegotiationRecord {
    /// The counter-party's role (the connector under test has the other one).
    pub role: Role,
    /// The consumer's pid.
    pub consumer_pid: String,
    /// The provider's pid; unknown while the counter-party, as consumer, awaits the ack of its
    /// initial request.
    pub provider_pid: Option<String>,
    /// The counter-party's view of the negotiation state.
    pub state: State,
}

impl NegotiationRecord {
    /// A negotiation the counter-party requests as consumer under `consumer_pid` (state
    /// `REQUESTED`, provider pid not yet known).
    pub fn requested_by_us(consumer_pid: impl Into<String>) -> Self {
        Self { role: Role::Consumer, consumer_pid: consumer_pid.into(), provider_pid: None, state: State::Requested }
    }

    /// A negotiation the connector requested from the counter-party, which provides it.
    pub fn requested_from_us(pids: Pids) -> Self {
        Self {
            role: Role::Provider,
            consumer_pid: pids.consumer,
            provider_pid: Some(pids.provider),
            state: State::Requested,
        }
    }

    /// The pid the counter-party keeps the negotiation under.
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

    /// Checks a message the connector posted to `negotiations/<own pid>/<path>` and applies its
    /// transition; on refusal the state is unchanged and the reasons say why.
    pub fn receive(&mut self, path: &str, body: &Value) -> Result<(), Vec<String>> {
        let Some(kind) = Message::of(body) else {
            return Err(vec![format!(
                "@type {} (eventType {}) is not a negotiation message the {} takes",
                body.get("@type").unwrap_or(&Value::Null),
                body.get("eventType").unwrap_or(&Value::Null),
                self.role.name()
            )]);
        };
        let expected_path = kind.path().join("/");
        if path.trim_end_matches('/') != expected_path {
            return Err(vec![format!(
                "a {kind} belongs at negotiations/<pid>/{expected_path}, not negotiations/<pid>/{path}"
            )]);
        }
        let sender = self.role.other();
        if !kind.may_be_sent_by(sender) {
            return Err(vec![format!(
                "a {kind} cannot come from the {} (the connector under test is the {} here)",
                sender.name(),
                sender.name()
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
        let next = kind.transition(self.state).map_err(|reason| vec![reason]);
        match next {
            Ok(next) if reasons.is_empty() => {
                if self.provider_pid.is_none() {
                    self.provider_pid = provider_pid.map(str::to_owned);
                }
                self.state = next;
                Ok(())
            }
            Ok(_) => Err(reasons),
            Err(more) => {
                reasons.extend(more);
                Err(reasons)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
}
