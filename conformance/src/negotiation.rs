//! The contract negotiation protocol as data: roles, states, message kinds, the paths they are
//! posted to and the legal state transitions (DSP 2025-1, `negotiation/`).
//!
//! Shared by the counter-party server (which refuses illegal messages from the connector under
//! test) and the negotiation scenarios (whose scripts are checked against it in tests).

use std::fmt;

use serde_json::Value;

/// A side of a contract negotiation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Offers datasets; keeps the negotiation under its `providerPid`.
    Provider,
    /// Requests datasets; keeps the negotiation under its `consumerPid`.
    Consumer,
}

impl Role {
    /// The other side.
    pub fn other(self) -> Role {
        match self {
            Role::Provider => Role::Consumer,
            Role::Consumer => Role::Provider,
        }
    }

    /// `"provider"` or `"consumer"`.
    pub fn name(self) -> &'static str {
        match self {
            Role::Provider => "provider",
            Role::Consumer => "consumer",
        }
    }
}

/// The two process ids of a negotiation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pids {
    /// The consumer's `consumerPid`.
    pub consumer: String,
    /// The provider's `providerPid`.
    pub provider: String,
}

impl Pids {
    /// The pid `role` keeps the negotiation under.
    pub fn of(&self, role: Role) -> &str {
        match role {
            Role::Provider => &self.provider,
            Role::Consumer => &self.consumer,
        }
    }
}

/// A fresh process or policy id, `urn:uuid:<v4>`.
pub fn fresh_id() -> String {
    format!("urn:uuid:{}", uuid::Uuid::new_v4())
}

/// A contract negotiation state (the `state` of a `ContractNegotiation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum State {
    /// `REQUESTED`.
    Requested,
    /// `OFFERED`.
    Offered,
    /// `ACCEPTED`.
    Accepted,
    /// `AGREED`.
    Agreed,
    /// `VERIFIED`.
    Verified,
    /// `FINALIZED` (terminal).
    Finalized,
    /// `TERMINATED` (terminal).
    Terminated,
}

impl State {
    /// The state's name on the wire, e.g. `"REQUESTED"`.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Requested => "REQUESTED",
            State::Offered => "OFFERED",
            State::Accepted => "ACCEPTED",
            State::Agreed => "AGREED",
            State::Verified => "VERIFIED",
            State::Finalized => "FINALIZED",
            State::Terminated => "TERMINATED",
        }
    }

    /// The state named `name` on the wire.
    pub fn parse(name: &str) -> Option<State> {
        [
            State::Requested,
            State::Offered,
            State::Accepted,
            State::Agreed,
            State::Verified,
            State::Finalized,
            State::Terminated,
        ]
        .into_iter()
        .find(|state| state.as_str() == name)
    }

    /// True for `FINALIZED` and `TERMINATED`, which no message leaves.
    pub fn is_terminal(self) -> bool {
        matches!(self, State::Finalized | State::Terminated)
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A kind of negotiation message sent after the negotiation exists (the initial
/// `ContractRequestMessage` is not one: it creates the negotiation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Message {
    /// `ContractRequestMessage` with a `providerPid` (the consumer's counter-offer).
    Request,
    /// `ContractOfferMessage` with a `consumerPid`.
    Offer,
    /// `ContractNegotiationEventMessage` with `eventType` `ACCEPTED`.
    Accepted,
    /// `ContractAgreementMessage`.
    Agreement,
    /// `ContractAgreementVerificationMessage`.
    Verification,
    /// `ContractNegotiationEventMessage` with `eventType` `FINALIZED`.
    Finalized,
    /// `ContractNegotiationTerminationMessage`.
    Termination,
}

impl Message {
    /// Every message kind.
    pub const ALL: [Message; 7] = [
        Message::Request,
        Message::Offer,
        Message::Accepted,
        Message::Agreement,
        Message::Verification,
        Message::Finalized,
        Message::Termination,
    ];

    /// The compact `@type` of the message.
    pub fn message_type(self) -> &'static str {
        match self {
            Message::Request => "ContractRequestMessage",
            Message::Offer => "ContractOfferMessage",
            Message::Accepted | Message::Finalized => "ContractNegotiationEventMessage",
            Message::Agreement => "ContractAgreementMessage",
            Message::Verification => "ContractAgreementVerificationMessage",
            Message::Termination => "ContractNegotiationTerminationMessage",
        }
    }

    /// The `eventType` of an event message.
    pub fn event_type(self) -> Option<&'static str> {
        match self {
            Message::Accepted => Some("ACCEPTED"),
            Message::Finalized => Some("FINALIZED"),
            _ => None,
        }
    }

    /// Who may send the message; `None` when either side may (termination).
    pub fn sender(self) -> Option<Role> {
        match self {
            Message::Request | Message::Accepted | Message::Verification => Some(Role::Consumer),
            Message::Offer | Message::Agreement | Message::Finalized => Some(Role::Provider),
            Message::Termination => None,
        }
    }

    /// Whether `role` may send the message.
    pub fn may_be_sent_by(self, role: Role) -> bool {
        self.sender().is_none_or(|sender| sender == role)
    }

    /// The path segments after `negotiations/<pid>/` where the recipient (the side that may
    /// receive it, `<pid>` being its own pid) takes the message.
    pub fn path(self) -> &'static [&'static str] {
        match self {
            Message::Request => &["request"],
            Message::Offer => &["offers"],
            Message::Accepted | Message::Finalized => &["events"],
            Message::Agreement => &["agreement"],
            Message::Verification => &["agreement", "verification"],
            Message::Termination => &["termination"],
        }
    }

    /// A readable name, e.g. `ContractNegotiationEventMessage ACCEPTED`.
    pub fn describe(self) -> String {
        match self.event_type() {
            Some(event) => format!("{} {event}", self.message_type()),
            None => self.message_type().to_owned(),
        }
    }

    /// The kind of the message `body` (by `@type` and, for events, `eventType`).
    pub fn of(body: &Value) -> Option<Message> {
        let message_type = body.get("@type").and_then(Value::as_str)?;
        let event_type = body.get("eventType").and_then(Value::as_str);
        Message::ALL.into_iter().find(|kind| {
            kind.message_type() == message_type && (kind.event_type().is_none() || kind.event_type() == event_type)
        })
    }

    /// The state the message moves a negotiation in `from` to, or why it may not be sent then.
    pub fn transition(self, from: State) -> Result<State, String> {
        let to = match (self, from) {
            (_, from) if from.is_terminal() => None,
            (Message::Termination, _) => Some(State::Terminated),
            (Message::Request, State::Offered) => Some(State::Requested),
            (Message::Offer, State::Requested) => Some(State::Offered),
            (Message::Accepted, State::Offered) => Some(State::Accepted),
            (Message::Agreement, State::Requested | State::Accepted) => Some(State::Agreed),
            (Message::Verification, State::Agreed) => Some(State::Verified),
            (Message::Finalized, State::Verified) => Some(State::Finalized),
            _ => None,
        };
        to.ok_or_else(|| format!("a {} is not allowed in state {from}", self.describe()))
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn states_round_trip_through_their_names() {
        for name in ["REQUESTED", "OFFERED", "ACCEPTED", "AGREED", "VERIFIED", "FINALIZED", "TERMINATED"] {
            assert_eq!(State::parse(name).map(State::as_str), Some(name));
        }
        assert_eq!(State::parse("requested"), None);
    }

    #[test]
    fn the_legal_transitions_are_exactly_those_of_the_spec() {
        use Message as M;
        use State as S;
        let legal = [
            (M::Request, S::Offered, S::Requested),
            (M::Offer, S::Requested, S::Offered),
            (M::Accepted, S::Offered, S::Accepted),
            (M::Agreement, S::Requested, S::Agreed),
            (M::Agreement, S::Accepted, S::Agreed),
            (M::Verification, S::Agreed, S::Verified),
            (M::Finalized, S::Verified, S::Finalized),
        ];
        let states = [S::Requested, S::Offered, S::Accepted, S::Agreed, S::Verified, S::Finalized, S::Terminated];
        for message in Message::ALL {
            for from in states {
                let expected = if message == M::Termination && !from.is_terminal() {
                    Some(S::Terminated)
                } else {
                    legal.iter().find(|(m, f, _)| *m == message && *f == from).map(|(_, _, to)| *to)
                };
                assert_eq!(message.transition(from).ok(), expected, "{message} in {from}");
            }
        }
        assert!(M::Verification.transition(S::Offered).unwrap_err().contains("in state OFFERED"));
    }

    #[test]
    fn kinds_are_read_from_bodies() {
        assert_eq!(
            Message::of(&json!({"@type": "ContractNegotiationEventMessage", "eventType": "ACCEPTED"})),
            Some(Message::Accepted)
        );
        assert_eq!(
            Message::of(&json!({"@type": "ContractNegotiationEventMessage", "eventType": "FINALIZED"})),
            Some(Message::Finalized)
        );
        assert_eq!(Message::of(&json!({"@type": "ContractNegotiationEventMessage", "eventType": "NOPE"})), None);
        assert_eq!(Message::of(&json!({"@type": "ContractOfferMessage"})), Some(Message::Offer));
        assert_eq!(Message::of(&json!({"type": "ContractOfferMessage"})), None);
    }

    #[test]
    fn senders_and_paths() {
        assert!(Message::Termination.may_be_sent_by(Role::Provider));
        assert!(Message::Termination.may_be_sent_by(Role::Consumer));
        assert!(!Message::Offer.may_be_sent_by(Role::Consumer));
        assert!(!Message::Verification.may_be_sent_by(Role::Provider));
        assert_eq!(Message::Verification.path(), ["agreement", "verification"]);
        assert_eq!(Message::Finalized.path(), ["events"]);
    }
}
