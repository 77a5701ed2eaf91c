//! The contract negotiation state machine of DSP 2025-1, as data and pure functions: which message may be sent by
//! whom in which state, and the state it leads to. No IO; the shell ([`super::service`]) persists and sends.
//!
//! Both sides hold the same state: a side moves its process when it sends a message (the message leaves through
//! the outbox in the same transaction) and when it accepts one from its peer. Every other message is refused with
//! an [`Illegal`] that says why in plain words, and refusals change nothing.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::dsp::process_common::{self, Protocol};

/// The two sides of a negotiation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The side that offers a dataset.
    Provider,
    /// The side that asks for it.
    Consumer,
}

impl Role {
    /// The other side.
    pub fn peer(self) -> Role {
        match self {
            Role::Provider => Role::Consumer,
            Role::Consumer => Role::Provider,
        }
    }

    /// `provider` or `consumer`, as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Provider => "provider",
            Role::Consumer => "consumer",
        }
    }

    /// The role named `name` (as [`Role::as_str`] writes it).
    pub fn parse(name: &str) -> Option<Role> {
        [Role::Provider, Role::Consumer].into_iter().find(|role| role.as_str() == name)
    }
}

/// The states of a contract negotiation (DSP 2025-1 names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum State {
    /// The consumer asked for an agreement on an offer.
    Requested,
    /// The provider offered terms.
    Offered,
    /// The consumer accepted the provider's latest offer.
    Accepted,
    /// The provider sent the agreement.
    Agreed,
    /// The consumer verified the agreement.
    Verified,
    /// The provider confirmed: the agreement is in force. Terminal.
    Finalized,
    /// Either side ended the negotiation. Terminal.
    Terminated,
}

impl State {
    /// Every state, in protocol order.
    pub const ALL: [State; 7] = [
        State::Requested,
        State::Offered,
        State::Accepted,
        State::Agreed,
        State::Verified,
        State::Finalized,
        State::Terminated,
    ];

    /// The DSP name, e.g. `REQUESTED`.
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

    /// The state named `name` (DSP name, as stored).
    pub fn parse(name: &str) -> Option<State> {
        State::ALL.into_iter().find(|state| state.as_str() == name)
    }

    /// Whether nothing can follow this state.
    pub fn is_terminal(self) -> bool {
        matches!(self, State::Finalized | State::Terminated)
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The negotiation messages, by what they do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum Kind {
    /// `ContractRequestMessage`: the consumer asks for an offer (first message, or a counter-request).
    Request,
    /// `ContractOfferMessage`: the provider offers terms (first message, or a counter-offer).
    Offer,
    /// `ContractNegotiationEventMessage` `ACCEPTED`: the consumer accepts the provider's offer.
    Accepted,
    /// `ContractAgreementMessage`: the provider agrees.
    Agreement,
    /// `ContractAgreementVerificationMessage`: the consumer verifies the agreement.
    Verification,
    /// `ContractNegotiationEventMessage` `FINALIZED`: the provider confirms.
    Finalized,
    /// `ContractNegotiationTerminationMessage`: either side ends the negotiation.
    Termination,
}

impl Kind {
    /// Every kind.
    pub const ALL: [Kind; 7] = [
        Kind::Request,
        Kind::Offer,
        Kind::Accepted,
        Kind::Agreement,
        Kind::Verification,
        Kind::Finalized,
        Kind::Termination,
    ];

    /// The name used in the state history and logs, e.g. `agreement`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Request => "request",
            Kind::Offer => "offer",
            Kind::Accepted => "accepted",
            Kind::Agreement => "agreement",
            Kind::Verification => "verification",
            Kind::Finalized => "finalized",
            Kind::Termination => "termination",
        }
    }

    /// The kind named `name` (as [`Kind::as_str`] writes it).
    pub fn parse(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|kind| kind.as_str() == name)
    }
}

/// Contract negotiation as a [`Protocol`]: the rules the shared process code applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContractNegotiation;

/// Why a negotiation message may not be sent or accepted; changes nothing.
pub type Illegal = process_common::Illegal<ContractNegotiation>;

impl Protocol for ContractNegotiation {
    const PROCESS: &'static str = "negotiation";
    const OBJECT_TYPE: &'static str = "ContractNegotiation";
    const ERROR_TYPE: &'static str = "ContractNegotiationError";
    type State = State;
    type Kind = Kind;

    fn sender(kind: Kind) -> Option<Role> {
        match kind {
            Kind::Request | Kind::Accepted | Kind::Verification => Some(Role::Consumer),
            Kind::Offer | Kind::Agreement | Kind::Finalized => Some(Role::Provider),
            Kind::Termination => None,
        }
    }

    fn described(kind: Kind) -> &'static str {
        match kind {
            Kind::Request => "a contract request",
            Kind::Offer => "a contract offer",
            Kind::Accepted => "an ACCEPTED event",
            Kind::Agreement => "an agreement",
            Kind::Verification => "an agreement verification",
            Kind::Finalized => "a FINALIZED event",
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

    fn next(from: Option<State>, _sender: Role, kind: Kind) -> Option<State> {
        Some(match (from, kind) {
            (None, Kind::Request) | (Some(State::Offered), Kind::Request) => State::Requested,
            (None, Kind::Offer) | (Some(State::Requested), Kind::Offer) => State::Offered,
            (Some(State::Offered), Kind::Accepted) => State::Accepted,
            (Some(State::Requested | State::Accepted), Kind::Agreement) => State::Agreed,
            (Some(State::Agreed), Kind::Verification) => State::Verified,
            (Some(State::Verified), Kind::Finalized) => State::Finalized,
            (Some(_), Kind::Termination) => State::Terminated,
            _ => return None,
        })
    }

    fn rank(state: State) -> Option<u8> {
        match state {
            // REQUESTED and OFFERED alternate in counter-offers, and a termination comes from anywhere.
            State::Requested | State::Offered | State::Terminated => None,
            State::Accepted => Some(1),
            State::Agreed => Some(2),
            State::Verified => Some(3),
            State::Finalized => Some(4),
        }
    }
}

/// The state a negotiation in `from` (`None`: none yet) reaches when `sender` sends `kind`, or why it may not.
///
/// The legal moves: a consumer's request starts a negotiation (REQUESTED) and a provider's offer does (OFFERED);
/// REQUESTED → OFFERED or AGREED (provider); OFFERED → REQUESTED (counter-request) or ACCEPTED (consumer);
/// ACCEPTED → AGREED (provider); AGREED → VERIFIED (consumer); VERIFIED → FINALIZED (provider); either side
/// terminates any negotiation that has not ended.
pub fn transition(from: Option<State>, sender: Role, kind: Kind) -> Result<State, Illegal> {
    process_common::transition(from, sender, kind)
}

/// Whether a peer in `peer_state` has evidently received the message that leads to `target`: it is there, or past
/// it on a path that cannot lead back (used to recognise a message delivered before a crash when it is sent again).
pub fn has_reached(target: State, peer_state: State) -> bool {
    process_common::has_reached::<ContractNegotiation>(target, peer_state)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The legal transitions of CONFORMANCE.md, written out as a table independent of [`transition`]'s match.
    const LEGAL: &[(Option<State>, Role, Kind, State)] = &[
        (None, Role::Consumer, Kind::Request, State::Requested),
        (None, Role::Provider, Kind::Offer, State::Offered),
        (Some(State::Requested), Role::Provider, Kind::Offer, State::Offered),
        (Some(State::Requested), Role::Provider, Kind::Agreement, State::Agreed),
        (Some(State::Offered), Role::Consumer, Kind::Request, State::Requested),
        (Some(State::Offered), Role::Consumer, Kind::Accepted, State::Accepted),
        (Some(State::Accepted), Role::Provider, Kind::Agreement, State::Agreed),
        (Some(State::Agreed), Role::Consumer, Kind::Verification, State::Verified),
        (Some(State::Verified), Role::Provider, Kind::Finalized, State::Finalized),
    ];

    fn starts() -> impl Iterator<Item = Option<State>> {
        std::iter::once(None).chain(State::ALL.into_iter().map(Some))
    }

    #[test]
    fn every_state_sender_and_message_is_decided_as_the_table_says() {
        let mut checked = 0;
        for from in starts() {
            for sender in [Role::Provider, Role::Consumer] {
                for kind in Kind::ALL {
                    let expected = LEGAL
                        .iter()
                        .find(|(f, s, k, _)| *f == from && *s == sender && *k == kind)
                        .map(|(_, _, _, to)| *to)
                        .or_else(|| {
                            (kind == Kind::Termination && from.is_some_and(|state| !state.is_terminal()))
                                .then_some(State::Terminated)
                        });
                    let got = transition(from, sender, kind);
                    assert_eq!(got.ok(), expected, "{from:?} + {kind:?} from the {sender:?}: {got:?}");
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 8 * 2 * 7);
    }

    #[test]
    fn refusals_say_why() {
        let wrong = transition(Some(State::Requested), Role::Consumer, Kind::Offer).unwrap_err();
        assert_eq!(wrong.to_string(), "a consumer does not send a contract offer");
        let ended = transition(Some(State::Finalized), Role::Consumer, Kind::Termination).unwrap_err();
        assert_eq!(ended.to_string(), "the negotiation has ended (FINALIZED); a termination cannot follow");
        let order = transition(Some(State::Offered), Role::Consumer, Kind::Verification).unwrap_err();
        assert_eq!(order.to_string(), "an agreement verification cannot follow OFFERED");
        let start = transition(None, Role::Provider, Kind::Agreement).unwrap_err();
        assert_eq!(start.to_string(), "an agreement cannot start a negotiation");
        // A second counter-request in a row (CN:03-04) and an event after the end are refused.
        assert!(transition(Some(State::Requested), Role::Consumer, Kind::Request).is_err());
        assert!(transition(Some(State::Terminated), Role::Provider, Kind::Finalized).is_err());
    }

    #[test]
    fn a_peer_past_a_message_has_received_it_unless_the_path_can_loop() {
        assert!(has_reached(State::Verified, State::Verified));
        assert!(has_reached(State::Verified, State::Finalized));
        assert!(has_reached(State::Agreed, State::Finalized));
        assert!(!has_reached(State::Verified, State::Agreed));
        assert!(!has_reached(State::Verified, State::Terminated));
        assert!(has_reached(State::Terminated, State::Terminated));
        assert!(!has_reached(State::Requested, State::Offered), "an offer may answer or precede the request");
        assert!(!has_reached(State::Offered, State::Accepted));
    }

    #[test]
    fn names_round_trip() {
        for state in State::ALL {
            assert_eq!(State::parse(state.as_str()), Some(state));
        }
        for kind in Kind::ALL {
            assert_eq!(Kind::parse(kind.as_str()), Some(kind));
        }
        for role in [Role::Provider, Role::Consumer] {
            assert_eq!(Role::parse(role.as_str()), Some(role));
            assert_eq!(role.peer().peer(), role);
        }
    }
}
