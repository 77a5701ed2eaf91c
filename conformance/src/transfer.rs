//! The transfer process protocol as data: states, message kinds, the paths they are posted
//! to and the legal state transitions (DSP 2025-1, `transfer/`).
//!
//! Unlike a negotiation's, a transfer's legal moves depend on who sends the message: only the
//! provider starts a requested transfer, but either side resumes a suspended one.

use crate::process::{ProcessMessage, ProcessState, Protocol, Role, display_by};
use crate::schema::DspSchema;

/// The one transfer format the suite asks for and offers: HTTP pull.
pub const FORMAT: &str = "HttpData-PULL";

/// The `endpointType` of the data addresses the suite hands out (plain HTTP).
pub const HTTP_ENDPOINT_TYPE: &str = "https://w3id.org/idsa/v4.1/HTTP";

/// The transfer process protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transfer;

impl Protocol for Transfer {
    type State = State;
    type Message = Message;
    const NAME: &'static str = "transfer process";
    const PATH: &'static str = "transfers";
    const INITIAL: State = State::Requested;
    const REQUEST_TYPE: &'static str = "TransferRequestMessage";
    const PROCESS_TYPE: &'static str = "TransferProcess";
    const ERROR_TYPE: &'static str = "TransferError";
    const PROCESS_SCHEMA: DspSchema = DspSchema::TransferProcess;
    const ERROR_SCHEMA: DspSchema = DspSchema::TransferError;
}

/// A transfer process state (the `state` of a `TransferProcess`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum State {
    /// `REQUESTED`.
    Requested,
    /// `STARTED`.
    Started,
    /// `SUSPENDED`.
    Suspended,
    /// `COMPLETED` (terminal).
    Completed,
    /// `TERMINATED` (terminal).
    Terminated,
}

impl ProcessState for State {
    const ALL: &'static [State] =
        &[State::Requested, State::Started, State::Suspended, State::Completed, State::Terminated];

    fn as_str(self) -> &'static str {
        match self {
            State::Requested => "REQUESTED",
            State::Started => "STARTED",
            State::Suspended => "SUSPENDED",
            State::Completed => "COMPLETED",
            State::Terminated => "TERMINATED",
        }
    }

    fn is_terminal(self) -> bool {
        matches!(self, State::Completed | State::Terminated)
    }
}

display_by!(State, as_str);

/// A kind of transfer message sent after the process exists (the `TransferRequestMessage`
/// creates it and is not one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Message {
    /// `TransferStartMessage`: the provider starts, or either side resumes.
    Start,
    /// `TransferSuspensionMessage`.
    Suspension,
    /// `TransferCompletionMessage`.
    Completion,
    /// `TransferTerminationMessage`.
    Termination,
}

impl ProcessMessage for Message {
    type State = State;

    const ALL: &'static [Message] = &[Message::Start, Message::Suspension, Message::Completion, Message::Termination];

    fn message_type(self) -> &'static str {
        match self {
            Message::Start => "TransferStartMessage",
            Message::Suspension => "TransferSuspensionMessage",
            Message::Completion => "TransferCompletionMessage",
            Message::Termination => "TransferTerminationMessage",
        }
    }

    fn sender(self) -> Option<Role> {
        None
    }

    fn path(self) -> &'static [&'static str] {
        match self {
            Message::Start => &["start"],
            Message::Suspension => &["suspension"],
            Message::Completion => &["completion"],
            Message::Termination => &["termination"],
        }
    }

    fn resulting_state(self) -> State {
        match self {
            Message::Start => State::Started,
            Message::Suspension => State::Suspended,
            Message::Completion => State::Completed,
            Message::Termination => State::Terminated,
        }
    }

    fn allowed(self, from: State, sender: Role) -> bool {
        match (self, from) {
            (Message::Start, State::Requested) => sender == Role::Provider,
            (Message::Start, State::Suspended) | (Message::Suspension | Message::Completion, State::Started) => true,
            (Message::Termination, _) => true,
            _ => false,
        }
    }
}

display_by!(Message, describe);

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn states_round_trip_through_their_names() {
        for name in ["REQUESTED", "STARTED", "SUSPENDED", "COMPLETED", "TERMINATED"] {
            assert_eq!(State::parse(name).map(State::as_str), Some(name));
        }
        assert_eq!(State::parse("OFFERED"), None);
        assert!(State::Completed.is_terminal() && State::Terminated.is_terminal() && !State::Suspended.is_terminal());
    }

    #[test]
    fn the_legal_transitions_are_exactly_those_of_the_spec() {
        use Message as M;
        use State as S;
        // (message, from, sender) → to, from CONFORMANCE.md "Legal transitions".
        let legal = [
            (M::Start, S::Requested, Role::Provider, S::Started),
            (M::Start, S::Suspended, Role::Provider, S::Started),
            (M::Start, S::Suspended, Role::Consumer, S::Started),
            (M::Suspension, S::Started, Role::Provider, S::Suspended),
            (M::Suspension, S::Started, Role::Consumer, S::Suspended),
            (M::Completion, S::Started, Role::Provider, S::Completed),
            (M::Completion, S::Started, Role::Consumer, S::Completed),
        ];
        for &message in Message::ALL {
            for &from in State::ALL {
                for sender in [Role::Provider, Role::Consumer] {
                    let expected = if message == M::Termination && !from.is_terminal() {
                        Some(S::Terminated)
                    } else {
                        legal
                            .iter()
                            .find(|(m, f, s, _)| *m == message && *f == from && *s == sender)
                            .map(|(_, _, _, to)| *to)
                    };
                    assert_eq!(message.transition(from, sender).ok(), expected, "{message} by {sender:?} in {from}");
                }
            }
        }
        assert_eq!(
            M::Start.transition(S::Requested, Role::Consumer).unwrap_err(),
            "a TransferStartMessage from the consumer is not allowed in state REQUESTED"
        );
    }

    #[test]
    fn kinds_are_read_from_bodies_and_posted_to_their_paths() {
        assert_eq!(Message::of(&json!({"@type": "TransferSuspensionMessage"})), Some(Message::Suspension));
        assert_eq!(Message::of(&json!({"@type": "TransferRequestMessage"})), None);
        assert_eq!(Message::Completion.path(), ["completion"]);
        assert!(Message::ALL.iter().all(|m| m.may_be_sent_by(Role::Provider) && m.may_be_sent_by(Role::Consumer)));
    }
}
