//! The transfer process state machine of DSP 2025-1, as data and pure functions: which message may be sent by whom
//! in which state, and the state it leads to. No IO.
//!
//! Both sides hold the same state: a side moves its process when it sends a message and when it accepts one from
//! its peer. Every other message is refused with an [`Illegal`] that says why in plain words, and refusals change
//! nothing. The sides are the negotiation's ([`Role`]).

use std::fmt;

use serde::{Deserialize, Serialize};

pub use crate::negotiation::machine::Role;

use crate::dsp::process_common::{self, Protocol};

/// The states of a transfer process (DSP 2025-1 names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum State {
    /// The consumer asked for the data under an agreement, and the provider acknowledged it.
    Requested,
    /// The data is available to the consumer, or the provider pushes it.
    Started,
    /// Either side paused the transfer; either may start it again.
    Suspended,
    /// Either side completed the transfer. Terminal.
    Completed,
    /// Either side ended the transfer. Terminal.
    Terminated,
}

impl State {
    /// Every state, in protocol order.
    pub const ALL: [State; 5] =
        [State::Requested, State::Started, State::Suspended, State::Completed, State::Terminated];

    /// The DSP name, e.g. `STARTED`.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Requested => "REQUESTED",
            State::Started => "STARTED",
            State::Suspended => "SUSPENDED",
            State::Completed => "COMPLETED",
            State::Terminated => "TERMINATED",
        }
    }

    /// The state named `name` (DSP name, as stored).
    pub fn parse(name: &str) -> Option<State> {
        State::ALL.into_iter().find(|state| state.as_str() == name)
    }

    /// Whether nothing can follow this state.
    pub fn is_terminal(self) -> bool {
        matches!(self, State::Completed | State::Terminated)
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The transfer messages, by what they do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum Kind {
    /// `TransferRequestMessage`: the consumer asks for the data of an agreement (first message).
    Request,
    /// `TransferStartMessage`: the provider starts the transfer, or either side resumes a suspended one.
    Start,
    /// `TransferSuspensionMessage`: either side pauses a started transfer.
    Suspension,
    /// `TransferCompletionMessage`: either side completes a started transfer.
    Completion,
    /// `TransferTerminationMessage`: either side ends the transfer.
    Termination,
}

impl Kind {
    /// Every kind.
    pub const ALL: [Kind; 5] = [Kind::Request, Kind::Start, Kind::Suspension, Kind::Completion, Kind::Termination];

    /// The name used in the state history and logs, e.g. `suspension`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Request => "request",
            Kind::Start => "start",
            Kind::Suspension => "suspension",
            Kind::Completion => "completion",
            Kind::Termination => "termination",
        }
    }

    /// The kind named `name` (as [`Kind::as_str`] writes it).
    pub fn parse(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|kind| kind.as_str() == name)
    }
}

/// The transfer process as a [`Protocol`]: the rules the shared process code applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransferProcess;

/// Why a transfer message may not be sent or accepted; changes nothing.
pub type Illegal = process_common::Illegal<TransferProcess>;

impl Protocol for TransferProcess {
    const PROCESS: &'static str = "transfer process";
    const OBJECT_TYPE: &'static str = "TransferProcess";
    const ERROR_TYPE: &'static str = "TransferError";
    type State = State;
    type Kind = Kind;

    fn sender(kind: Kind) -> Option<Role> {
        match kind {
            Kind::Request => Some(Role::Consumer),
            // Only the provider starts a requested transfer, but either side resumes a suspended one.
            Kind::Start | Kind::Suspension | Kind::Completion | Kind::Termination => None,
        }
    }

    fn described(kind: Kind) -> &'static str {
        match kind {
            Kind::Request => "a transfer request",
            Kind::Start => "a transfer start",
            Kind::Suspension => "a suspension",
            Kind::Completion => "a completion",
            Kind::Termination => "a termination",
        }
    }

    fn kind_name(kind: Kind) -> &'static str {
        kind.as_str()
    }

    fn state_name(state: State) -> &'static str {
        state.as_str()
    }

    fn parse_kind(name: &str) -> Option<Kind> {
        Kind::parse(name)
    }

    fn parse_state(name: &str) -> Option<State> {
        State::parse(name)
    }

    fn is_terminal(state: State) -> bool {
        state.is_terminal()
    }

    fn next(from: Option<State>, sender: Role, kind: Kind) -> Option<State> {
        Some(match (from, sender, kind) {
            (None, _, Kind::Request) => State::Requested,
            (Some(State::Requested), Role::Provider, Kind::Start) | (Some(State::Suspended), _, Kind::Start) => {
                State::Started
            }
            (Some(State::Started), _, Kind::Suspension) => State::Suspended,
            (Some(State::Started), _, Kind::Completion) => State::Completed,
            (Some(_), _, Kind::Termination) => State::Terminated,
            _ => return None,
        })
    }

    fn rank(state: State) -> Option<u8> {
        match state {
            State::Requested => Some(0),
            // STARTED and SUSPENDED alternate, and COMPLETED follows either's path: past REQUESTED is all they prove.
            State::Started | State::Suspended | State::Completed => Some(1),
            // A termination comes from anywhere.
            State::Terminated => None,
        }
    }
}

/// The state a transfer in `from` (`None`: none yet) reaches when `sender` sends `kind`, or why it may not.
///
/// The legal moves: a consumer's request starts a transfer (REQUESTED); REQUESTED → STARTED (provider only);
/// STARTED → SUSPENDED or COMPLETED (either side); SUSPENDED → STARTED (either side resumes); either side terminates
/// any transfer that has not ended. Nothing follows COMPLETED or TERMINATED; a suspended transfer is not completed
/// (it is resumed first).
pub fn transition(from: Option<State>, sender: Role, kind: Kind) -> Result<State, Illegal> {
    process_common::transition(from, sender, kind)
}

/// Whether a peer in `peer_state` has evidently received the message that leads to `target`: it is there, or past
/// it on a path that cannot lead back (used to recognise a message delivered before a crash when it is sent again).
pub fn has_reached(target: State, peer_state: State) -> bool {
    process_common::has_reached::<TransferProcess>(target, peer_state)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The legal transitions of the DSP 2025-1 transfer state machine (CONFORMANCE.md, with resumption by either
    /// side), written out move by move as a table independent of [`TransferProcess::next`].
    const LEGAL: &[(Option<State>, Role, Kind, State)] = &[
        (None, Role::Consumer, Kind::Request, State::Requested),
        (Some(State::Requested), Role::Provider, Kind::Start, State::Started),
        (Some(State::Requested), Role::Provider, Kind::Termination, State::Terminated),
        (Some(State::Requested), Role::Consumer, Kind::Termination, State::Terminated),
        (Some(State::Started), Role::Provider, Kind::Suspension, State::Suspended),
        (Some(State::Started), Role::Consumer, Kind::Suspension, State::Suspended),
        (Some(State::Started), Role::Provider, Kind::Completion, State::Completed),
        (Some(State::Started), Role::Consumer, Kind::Completion, State::Completed),
        (Some(State::Started), Role::Provider, Kind::Termination, State::Terminated),
        (Some(State::Started), Role::Consumer, Kind::Termination, State::Terminated),
        (Some(State::Suspended), Role::Provider, Kind::Start, State::Started),
        (Some(State::Suspended), Role::Consumer, Kind::Start, State::Started),
        (Some(State::Suspended), Role::Provider, Kind::Termination, State::Terminated),
        (Some(State::Suspended), Role::Consumer, Kind::Termination, State::Terminated),
    ];

    #[test]
    fn every_state_sender_and_message_is_decided_as_the_table_says() {
        let mut checked = 0;
        let starts = std::iter::once(None).chain(State::ALL.into_iter().map(Some));
        for from in starts {
            for sender in [Role::Provider, Role::Consumer] {
                for kind in Kind::ALL {
                    let expected = LEGAL
                        .iter()
                        .find(|(f, s, k, _)| *f == from && *s == sender && *k == kind)
                        .map(|(_, _, _, to)| *to);
                    let got = transition(from, sender, kind);
                    assert_eq!(got.ok(), expected, "{from:?} + {kind:?} from the {sender:?}: {got:?}");
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 6 * 2 * 5);
    }

    #[test]
    fn the_conformance_refusals_say_why() {
        // TP:03-01 and TP:03-02: nothing but a start or a termination follows a request.
        let early = transition(Some(State::Requested), Role::Consumer, Kind::Completion).unwrap_err();
        assert_eq!(early.to_string(), "a completion cannot follow REQUESTED");
        assert!(transition(Some(State::Requested), Role::Consumer, Kind::Suspension).is_err());
        // Only the provider starts; the consumer only resumes.
        let consumer_start = transition(Some(State::Requested), Role::Consumer, Kind::Start).unwrap_err();
        assert_eq!(consumer_start.to_string(), "a transfer start cannot follow REQUESTED");
        // TP:03-03: a suspended transfer is not completed.
        let suspended = transition(Some(State::Suspended), Role::Consumer, Kind::Completion).unwrap_err();
        assert_eq!(suspended.to_string(), "a completion cannot follow SUSPENDED");
        // TP:03-04..06: nothing follows a termination.
        let ended = transition(Some(State::Terminated), Role::Consumer, Kind::Start).unwrap_err();
        assert_eq!(ended.to_string(), "the transfer process has ended (TERMINATED); a transfer start cannot follow");
        let wrong = transition(None, Role::Provider, Kind::Request).unwrap_err();
        assert_eq!(wrong.to_string(), "a provider does not send a transfer request");
        let start = transition(None, Role::Provider, Kind::Start).unwrap_err();
        assert_eq!(start.to_string(), "a transfer start cannot start a transfer process");
    }

    #[test]
    fn a_peer_past_a_message_has_received_it_unless_the_path_can_loop() {
        assert!(has_reached(State::Requested, State::Requested));
        assert!(has_reached(State::Requested, State::Started));
        assert!(has_reached(State::Requested, State::Completed));
        assert!(!has_reached(State::Requested, State::Terminated), "a termination comes from anywhere");
        assert!(has_reached(State::Started, State::Started));
        assert!(!has_reached(State::Started, State::Suspended), "a resumption may not have arrived");
        assert!(!has_reached(State::Suspended, State::Started));
        assert!(!has_reached(State::Suspended, State::Completed), "the peer may have completed before suspending");
        assert!(!has_reached(State::Completed, State::Terminated));
        assert!(has_reached(State::Terminated, State::Terminated));
    }

    #[test]
    fn names_round_trip() {
        for state in State::ALL {
            assert_eq!(State::parse(state.as_str()), Some(state));
            assert_eq!(serde_json::to_value(state).unwrap(), state.as_str());
        }
        for kind in Kind::ALL {
            assert_eq!(Kind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(State::parse("PAUSED"), None);
    }
}
