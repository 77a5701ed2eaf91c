//! The contract negotiation protocol as data: states, message kinds, the paths they are
//! posted to and the legal state transitions (DSP 2025-1, `negotiation/`).
//!
//! Shared by the counter-party server (which refuses illegal messages from the connector under
//! test) and the negotiation scenarios (whose scripts are checked against it in tests).

pub use crate::process::{Pids, ProcessMessage, ProcessState, Role, fresh_id};
use crate::process::{Protocol, display_by};
use crate::schema::DspSchema;

/// The contract negotiation protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Negotiation;

impl Protocol for Negotiation {
    type State = State;
    type Message = Message;
    const NAME: &'static str = "negotiation";
    const PATH: &'static str = "negotiations";
    const INITIAL: State = State::Requested;
    const REQUEST_TYPE: &'static str = "ContractRequestMessage";
    const PROCESS_TYPE: &'static str = "ContractNegotiation";
    const ERROR_TYPE: &'static str = "ContractNegotiationError";
    const PROCESS_SCHEMA: DspSchema = DspSchema::ContractNegotiation;
    const ERROR_SCHEMA: DspSchema = DspSchema::ContractNegotiationError;
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

impl ProcessState for State {
    const ALL: &'static [State] = &[
        State::Requested,
        State::Offered,
        State::Accepted,
        State::Agreed,
        State::Verified,
        State::Finalized,
        State::Terminated,
    ];

    fn as_str(self) -> &'static str {
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

    fn is_terminal(self) -> bool {
        matches!(self, State::Finalized | State::Terminated)
    }
}

display_by!(State, as_str);

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

impl ProcessMessage for Message {
    type State = State;

    const ALL: &'static [Message] = &[
        Message::Request,
        Message::Offer,
        Message::Accepted,
        Message::Agreement,
        Message::Verification,
        Message::Finalized,
        Message::Termination,
    ];

    fn message_type(self) -> &'static str {
        match self {
            Message::Request => "ContractRequestMessage",
            Message::Offer => "ContractOfferMessage",
            Message::Accepted | Message::Finalized => "ContractNegotiationEventMessage",
            Message::Agreement => "ContractAgreementMessage",
            Message::Verification => "ContractAgreementVerificationMessage",
            Message::Termination => "ContractNegotiationTerminationMessage",
        }
    }

    fn event_type(self) -> Option<&'static str> {
        match self {
            Message::Accepted => Some("ACCEPTED"),
            Message::Finalized => Some("FINALIZED"),
            _ => None,
        }
    }

    fn sender(self) -> Option<Role> {
        match self {
            Message::Request | Message::Accepted | Message::Verification => Some(Role::Consumer),
            Message::Offer | Message::Agreement | Message::Finalized => Some(Role::Provider),
            Message::Termination => None,
        }
    }

    fn path(self) -> &'static [&'static str] {
        match self {
            Message::Request => &["request"],
            Message::Offer => &["offers"],
            Message::Accepted | Message::Finalized => &["events"],
            Message::Agreement => &["agreement"],
            Message::Verification => &["agreement", "verification"],
            Message::Termination => &["termination"],
        }
    }

    fn resulting_state(self) -> State {
        match self {
            Message::Request => State::Requested,
            Message::Offer => State::Offered,
            Message::Accepted => State::Accepted,
            Message::Agreement => State::Agreed,
            Message::Verification => State::Verified,
            Message::Finalized => State::Finalized,
            Message::Termination => State::Terminated,
        }
    }

    fn allowed(self, from: State, _sender: Role) -> bool {
        matches!(
            (self, from),
            (Message::Termination, _)
                | (Message::Request, State::Offered)
                | (Message::Offer, State::Requested)
                | (Message::Accepted, State::Offered)
                | (Message::Agreement, State::Requested | State::Accepted)
                | (Message::Verification, State::Agreed)
                | (Message::Finalized, State::Verified)
        )
    }
}

display_by!(Message, describe);

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
        for &message in Message::ALL {
            for &from in State::ALL {
                for sender in [Role::Provider, Role::Consumer] {
                    let expected = if !message.may_be_sent_by(sender) {
                        None
                    } else if message == M::Termination && !from.is_terminal() {
                        Some(S::Terminated)
                    } else {
                        legal.iter().find(|(m, f, _)| *m == message && *f == from).map(|(_, _, to)| *to)
                    };
                    assert_eq!(message.transition(from, sender).ok(), expected, "{message} by {sender:?} in {from}");
                }
            }
        }
        let illegal = M::Verification.transition(S::Offered, Role::Consumer).unwrap_err();
        assert_eq!(illegal, "a ContractAgreementVerificationMessage is not allowed in state OFFERED");
        let wrong_sender = M::Offer.transition(S::Requested, Role::Consumer).unwrap_err();
        assert_eq!(wrong_sender, "a ContractOfferMessage cannot come from the consumer");
        let terminal = M::Termination.transition(S::Finalized, Role::Provider).unwrap_err();
        assert!(terminal.contains("from the provider is not allowed in state FINALIZED"), "{terminal}");
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
        assert_eq!(Message::Accepted.to_string(), "ContractNegotiationEventMessage ACCEPTED");
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
