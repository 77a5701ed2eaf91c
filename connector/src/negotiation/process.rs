//! One negotiation as one side holds it, and the two ways it moves: accepting a message from the peer
//! ([`Negotiation::receive`]) and sending one ([`Negotiation::send`], which also says where it goes). Pure data and
//! functions over it; the shell stores the record and queues what is sent in one transaction.

use serde_json::Value;

use super::machine::{ContractNegotiation, Illegal, Kind, Role, State, transition};
use super::message::{Incoming, Outgoing};
/// `address` with path segments appended (see [`process_common::join_segments`]).
pub use crate::dsp::process_common::join_segments;
use crate::dsp::process_common::{self, check_peer_pid, pid_of, process_url};

/// A negotiation as this side holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct Negotiation {
    /// Our process id (`providerPid` when we provide, `consumerPid` when we consume).
    pub pid: String,
    /// The peer's process id, once known.
    pub peer_pid: Option<String>,
    /// Our side.
    pub role: Role,
    /// The current state.
    pub state: State,
    /// The peer's participant id (its DID), which every message of the process must come from.
    pub counter_party: String,
    /// Where messages to the peer go: the provider's DSP base, or the consumer's callback address.
    pub peer_address: String,
    /// The dataset negotiated for.
    pub dataset_id: String,
    /// The latest offer, with its `@id` and `target`.
    pub offer: Value,
    /// The agreement, once there is one.
    pub agreement: Option<Value>,
    /// The purpose the consumer declared, if any.
    pub purpose: Option<String>,
}

/// Why a message from the peer is refused; nothing changes.
pub type Refusal = process_common::Refusal<ContractNegotiation>;

/// A negotiation message to send: where, what, and the state it brings the process to.
pub type Envelope = process_common::Envelope<ContractNegotiation>;

impl Negotiation {
    /// The consumer's process id, if known.
    pub fn consumer_pid(&self) -> Option<&str> {
        pid_of(Role::Consumer, self.role, &self.pid, self.peer_pid.as_deref())
    }

    /// The provider's process id, if known.
    pub fn provider_pid(&self) -> Option<&str> {
        pid_of(Role::Provider, self.role, &self.pid, self.peer_pid.as_deref())
    }

    /// Accepts `message` from the peer: checks the move and the pids, then takes its state, offer or agreement.
    /// Returns the state before.
    pub fn receive(&mut self, message: &Incoming) -> Result<State, Refusal> {
        let to = transition(Some(self.state), self.role.peer(), message.kind).map_err(Refusal::Illegal)?;
        self.peer_pid = check_peer_pid(
            self.role,
            self.peer_pid.as_deref(),
            &message.consumer_pid,
            message.provider_pid.as_deref(),
        )?;
        if let Some(offer) = &message.offer {
            self.offer = offer.clone();
        }
        if let Some(agreement) = &message.agreement {
            self.agreement = Some(agreement.clone());
        }
        let from = self.state;
        self.state = to;
        Ok(from)
    }

    /// Sends a message of `kind` (with `reason` for a termination, `callback` — our callback address — for a
    /// first request): moves the process and returns the message and where it goes.
    pub fn send(&mut self, kind: Kind, reason: Option<&str>, callback: Option<&str>) -> Result<Envelope, Illegal> {
        let target = transition(Some(self.state), self.role, kind)?;
        let envelope = self.envelope(kind, target, reason, callback);
        self.state = target;
        Ok(envelope)
    }

    /// The first request of a consumer's new negotiation: the process in REQUESTED and the message that asks.
    pub fn first_request(&mut self, callback: &str) -> Envelope {
        self.state = State::Requested;
        self.envelope(Kind::Request, State::Requested, None, Some(callback))
    }

    /// The message of `kind` that brings both sides to `target`.
    fn envelope(&self, kind: Kind, target: State, reason: Option<&str>, callback: Option<&str>) -> Envelope {
        let fields = Outgoing {
            consumer_pid: self.consumer_pid().unwrap_or_default(),
            provider_pid: self.provider_pid(),
            offer: matches!(kind, Kind::Request | Kind::Offer).then_some(&self.offer),
            agreement: self.agreement.as_ref().filter(|_| kind == Kind::Agreement),
            // Only the first request, sent before the peer named its process, says where to answer.
            callback_address: callback.filter(|_| kind == Kind::Request && self.peer_pid.is_none()),
            purpose: self.purpose.as_deref(),
            reason,
        };
        Envelope { kind, url: self.url_for(kind), body: fields.render(kind), target }
    }

    /// The peer endpoint a message of `kind` goes to.
    fn url_for(&self, kind: Kind) -> String {
        let suffix = match kind {
            Kind::Request => "request",
            Kind::Offer => "offers",
            Kind::Accepted | Kind::Finalized => "events",
            Kind::Agreement => "agreement",
            Kind::Verification => "agreement/verification",
            Kind::Termination => "termination",
        };
        process_url(&self.peer_address, "negotiations", self.peer_pid.as_deref(), suffix)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn consumer() -> Negotiation {
        Negotiation {
            pid: "urn:uuid:c".into(),
            peer_pid: None,
            role: Role::Consumer,
            state: State::Requested,
            counter_party: "did:web:provider".into(),
            peer_address: "http://provider/dsp/".into(),
            dataset_id: "d".into(),
            offer: json!({"@id": "o", "@type": "Offer", "target": "d", "permission": [{"action": "use"}]}),
            agreement: None,
            purpose: Some("research".into()),
        }
    }

    fn incoming(kind: Kind, provider_pid: &str) -> Incoming {
        Incoming {
            kind,
            consumer_pid: "urn:uuid:c".into(),
            provider_pid: Some(provider_pid.into()),
            offer: None,
            agreement: None,
            callback_address: None,
            purpose: None,
            reason: None,
        }
    }

    #[test]
    fn a_first_request_goes_to_the_request_endpoint_with_the_callback() {
        let mut negotiation = consumer();
        let envelope = negotiation.first_request("http://consumer/dsp");
        assert_eq!(envelope.url, "http://provider/dsp/negotiations/request");
        assert_eq!(envelope.body["callbackAddress"], "http://consumer/dsp");
        assert_eq!(envelope.body["https://w3id.org/ldt-connector/terms#purpose"], "research");
        assert!(envelope.body.get("providerPid").is_none());
    }

    #[test]
    fn the_consumer_learns_the_provider_pid_from_its_first_message_and_holds_it_to_it() {
        let mut negotiation = consumer();
        let mut agreement = incoming(Kind::Agreement, "urn:uuid:p");
        agreement.agreement = Some(json!({"@id": "a"}));
        assert_eq!(negotiation.receive(&agreement), Ok(State::Requested));
        assert_eq!((negotiation.state, negotiation.peer_pid.as_deref()), (State::Agreed, Some("urn:uuid:p")));
        assert_eq!(negotiation.agreement, Some(json!({"@id": "a"})));

        let before = negotiation.clone();
        let stranger = incoming(Kind::Termination, "urn:uuid:other");
        assert!(matches!(negotiation.receive(&stranger), Err(Refusal::OtherProcess { .. })));
        assert_eq!(negotiation, before, "a refusal changes nothing");

        let envelope = negotiation.send(Kind::Verification, None, None).unwrap();
        assert_eq!(envelope.url, "http://provider/dsp/negotiations/urn:uuid:p/agreement/verification");
        assert_eq!((envelope.body["providerPid"].as_str(), envelope.target), (Some("urn:uuid:p"), State::Verified));
        assert_eq!(negotiation.state, State::Verified);
    }

    #[test]
    fn illegal_moves_are_refused_either_way_and_change_nothing() {
        let mut negotiation = consumer();
        let before = negotiation.clone();
        assert!(negotiation.receive(&incoming(Kind::Finalized, "urn:uuid:p")).is_err());
        assert!(negotiation.send(Kind::Offer, None, None).is_err());
        assert!(negotiation.send(Kind::Verification, None, None).is_err());
        assert_eq!(negotiation, before);
    }

    #[test]
    fn a_provider_answers_at_the_consumer_callback() {
        let mut negotiation = Negotiation {
            pid: "urn:uuid:p".into(),
            peer_pid: Some("c 1".into()),
            role: Role::Provider,
            peer_address: "https://consumer/callback".into(),
            ..consumer()
        };
        let envelope = negotiation.send(Kind::Termination, Some("not a member"), None).unwrap();
        assert_eq!(envelope.url, "https://consumer/callback/negotiations/c%201/termination");
        assert_eq!(envelope.body["reason"], json!(["not a member"]));
        assert_eq!(envelope.body["consumerPid"], "c 1");
    }
}
