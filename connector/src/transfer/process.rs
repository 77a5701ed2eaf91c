//! One transfer process as one side holds it, and the ways it moves: a provider takes a consumer's request as a new
//! process ([`Transfer::from_request`]), a consumer asks ([`Transfer::first_request`]), and either side accepts a
//! message from the peer ([`Transfer::receive`]) or sends one ([`Transfer::send`], which also says where it goes).
//! Pure data and functions over it; the shell stores the record and queues what is sent in one transaction.

use super::machine::{Illegal, Kind, Role, State, TransferProcess, transition};
use super::message::{DataAddress, Incoming, Outgoing};
use crate::dsp::process_common::{self, check_peer_pid, pid_of, process_url};

/// A transfer process as this side holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct Transfer {
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
    /// The agreement the data is transferred under.
    pub agreement_id: String,
    /// The format asked for, e.g. `HttpData-PULL`.
    pub format: String,
    /// Where the data is, once known: the consumer's endpoint of a push transfer (from the request), or the
    /// provider's endpoint of a pull transfer (from the latest start).
    pub data_address: Option<DataAddress>,
}

/// Why a message from the peer is refused; nothing changes.
pub type Refusal = process_common::Refusal<TransferProcess>;

/// A transfer message to send: where, what, and the state it brings the process to.
pub type Envelope = process_common::Envelope<TransferProcess>;

impl Transfer {
    /// The provider's new process for `message`, a consumer's request sent by `counter_party`: under our `pid`, in
    /// REQUESTED, answering at the request's callback address. `None` when `message` is not a request.
    pub fn from_request(pid: String, counter_party: String, message: &Incoming) -> Option<Transfer> {
        let request = message.request.as_ref()?;
        Some(Transfer {
            pid,
            peer_pid: Some(message.consumer_pid.clone()),
            role: Role::Provider,
            state: State::Requested,
            counter_party,
            peer_address: request.callback_address.clone(),
            agreement_id: request.agreement_id.clone(),
            format: request.format.clone(),
            data_address: message.data_address.clone(),
        })
    }

    /// The consumer's process id, if known.
    pub fn consumer_pid(&self) -> Option<&str> {
        pid_of(Role::Consumer, self.role, &self.pid, self.peer_pid.as_deref())
    }

    /// The provider's process id, if known.
    pub fn provider_pid(&self) -> Option<&str> {
        pid_of(Role::Provider, self.role, &self.pid, self.peer_pid.as_deref())
    }

    /// Where the peer answers state queries about this process (`GET`), once its pid is known.
    pub fn peer_process_url(&self) -> Option<String> {
        let peer_pid = self.peer_pid.as_deref()?;
        Some(process_url(&self.peer_address, "transfers", Some(peer_pid), ""))
    }

    /// Accepts `message` from the peer: checks the move and the pids, then takes its state and the data address it
    /// carries. Returns the state before.
    pub fn receive(&mut self, message: &Incoming) -> Result<State, Refusal> {
        let to = transition(Some(self.state), self.role.peer(), message.kind).map_err(Refusal::Illegal)?;
        self.peer_pid = check_peer_pid(
            self.role,
            self.peer_pid.as_deref(),
            &message.consumer_pid,
            message.provider_pid.as_deref(),
        )?;
        if let Some(address) = &message.data_address {
            self.data_address = Some(address.clone());
        }
        Ok(std::mem::replace(&mut self.state, to))
    }

    /// Sends a message of `kind` (with `reason` for a suspension or termination; with `data_address` for a start:
    /// where the data now is, which the process keeps): moves the process and returns the message and where it
    /// goes.
    pub fn send(
        &mut self,
        kind: Kind,
        reason: Option<&str>,
        data_address: Option<DataAddress>,
    ) -> Result<Envelope, Illegal> {
        let target = transition(Some(self.state), self.role, kind)?;
        let given = data_address.filter(|_| kind == Kind::Start);
        let envelope = self.envelope(kind, target, reason, None, given.as_ref());
        if given.is_some() {
            self.data_address = given;
        }
        self.state = target;
        Ok(envelope)
    }

    /// The request of a consumer's new transfer (with the data address of a push transfer, when the process holds
    /// one): the process in REQUESTED and the message that asks; `callback` is our callback address.
    pub fn first_request(&mut self, callback: &str) -> Envelope {
        self.state = State::Requested;
        self.envelope(Kind::Request, State::Requested, None, Some(callback), self.data_address.as_ref())
    }

    /// The message of `kind` that brings both sides to `target`.
    fn envelope(
        &self,
        kind: Kind,
        target: State,
        reason: Option<&str>,
        callback: Option<&str>,
        data_address: Option<&DataAddress>,
    ) -> Envelope {
        let fields = Outgoing {
            consumer_pid: self.consumer_pid().unwrap_or_default(),
            provider_pid: self.provider_pid(),
            agreement_id: &self.agreement_id,
            format: &self.format,
            callback_address: callback,
            data_address,
            reason,
        };
        Envelope { kind, url: self.url_for(kind), body: fields.render(kind), target }
    }

    /// The peer endpoint a message of `kind` goes to.
    fn url_for(&self, kind: Kind) -> String {
        let suffix = match kind {
            Kind::Request => "request",
            Kind::Start => "start",
            Kind::Suspension => "suspension",
            Kind::Completion => "completion",
            Kind::Termination => "termination",
        };
        process_url(&self.peer_address, "transfers", self.peer_pid.as_deref(), suffix)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::transfer::message::{AUTHORIZATION, EndpointProperty, Wire};

    fn consumer() -> Transfer {
        Transfer {
            pid: "urn:uuid:c".into(),
            peer_pid: None,
            role: Role::Consumer,
            state: State::Requested,
            counter_party: "did:web:provider".into(),
            peer_address: "https://provider/dsp/".into(),
            agreement_id: "urn:uuid:a".into(),
            format: "HttpData-PULL".into(),
            data_address: None,
        }
    }

    fn address(token: &str) -> DataAddress {
        DataAddress {
            endpoint_type: "https://w3id.org/idsa/v4.1/HTTP".into(),
            endpoint: Some("https://provider/data".into()),
            endpoint_properties: vec![EndpointProperty { name: AUTHORIZATION.into(), value: token.into() }],
        }
    }

    /// A message from the provider `provider_pid` to the consumer `urn:uuid:c`.
    fn from_provider(kind: Kind, provider_pid: &str) -> Incoming {
        Incoming {
            kind,
            consumer_pid: "urn:uuid:c".into(),
            provider_pid: Some(provider_pid.into()),
            request: None,
            data_address: None,
            reason: None,
        }
    }

    /// The provider's process for a consumer's pull request with our pid `urn:uuid:p`.
    fn provider() -> Transfer {
        let mut consumer = consumer();
        let envelope = consumer.first_request("https://consumer/dsp/callback");
        let request = serde_json::from_value::<Wire>(envelope.body).unwrap().read(Kind::Request).unwrap();
        Transfer::from_request("urn:uuid:p".into(), "did:web:consumer".into(), &request).unwrap()
    }

    #[test]
    fn a_first_request_goes_to_the_request_endpoint_with_the_callback() {
        let mut transfer = consumer();
        let envelope = transfer.first_request("https://consumer/dsp/callback");
        assert_eq!((envelope.url.as_str(), envelope.kind), ("https://provider/dsp/transfers/request", Kind::Request));
        assert_eq!(envelope.body["callbackAddress"], "https://consumer/dsp/callback");
        assert_eq!(
            (&envelope.body["agreementId"], &envelope.body["format"]),
            (&json!("urn:uuid:a"), &json!("HttpData-PULL"))
        );
        assert!(envelope.body.get("providerPid").is_none() && envelope.body.get("dataAddress").is_none());

        let mut push = Transfer { format: "HttpData-PUSH".into(), data_address: Some(address("sink")), ..consumer() };
        let envelope = push.first_request("https://consumer/dsp/callback");
        assert_eq!(envelope.body["dataAddress"]["endpointProperties"][0]["value"], "sink");
    }

    #[test]
    fn a_provider_takes_a_request_as_a_new_process_and_answers_at_the_callback() {
        let mut provider = provider();
        assert_eq!((provider.role, provider.state), (Role::Provider, State::Requested));
        assert_eq!(Ok(provider.state), transition(None, Role::Consumer, Kind::Request), "as the machine says");
        assert_eq!((provider.consumer_pid(), provider.provider_pid()), (Some("urn:uuid:c"), Some("urn:uuid:p")));
        assert_eq!(
            (provider.agreement_id.as_str(), provider.counter_party.as_str()),
            ("urn:uuid:a", "did:web:consumer")
        );
        assert_eq!(provider.peer_process_url().as_deref(), Some("https://consumer/dsp/callback/transfers/urn:uuid:c"));

        let envelope = provider.send(Kind::Start, None, Some(address("token-1"))).unwrap();
        assert_eq!(envelope.url, "https://consumer/dsp/callback/transfers/urn:uuid:c/start");
        assert_eq!((envelope.target, provider.state), (State::Started, State::Started));
        assert_eq!(envelope.body["dataAddress"]["endpoint"], "https://provider/data");
        assert_eq!(provider.data_address, Some(address("token-1")), "the provider keeps what it gave");

        let not_a_request = from_provider(Kind::Start, "urn:uuid:p");
        assert_eq!(Transfer::from_request("x".into(), "did:web:c".into(), &not_a_request), None);
    }

    #[test]
    fn the_consumer_learns_the_provider_pid_and_the_data_address_from_the_start_and_holds_it_to_the_pid() {
        let mut transfer = consumer();
        let mut start = from_provider(Kind::Start, "urn:uuid:p");
        start.data_address = Some(address("token-1"));
        assert_eq!(transfer.receive(&start), Ok(State::Requested));
        assert_eq!((transfer.state, transfer.peer_pid.as_deref()), (State::Started, Some("urn:uuid:p")));
        assert_eq!(transfer.data_address.as_ref().and_then(DataAddress::authorization), Some("token-1"));

        let before = transfer.clone();
        let stranger = from_provider(Kind::Termination, "urn:uuid:other");
        let refusal = transfer.receive(&stranger).unwrap_err();
        assert!(matches!(refusal, Refusal::OtherProcess { .. }));
        assert_eq!(
            refusal.to_string(),
            "the message names the peer's process `urn:uuid:other`, but this transfer process is with `urn:uuid:p`"
        );
        assert_eq!(transfer, before, "a refusal changes nothing");

        let envelope = transfer.send(Kind::Completion, None, None).unwrap();
        assert_eq!(envelope.url, "https://provider/dsp/transfers/urn:uuid:p/completion");
        assert_eq!((envelope.body["providerPid"].as_str(), envelope.target), (Some("urn:uuid:p"), State::Completed));
    }

    #[test]
    fn a_provider_holds_the_consumer_to_the_pid_of_its_request() {
        let mut provider = provider();
        provider.send(Kind::Start, None, Some(address("token-1"))).unwrap();
        let before = provider.clone();
        let other = Incoming {
            kind: Kind::Suspension,
            consumer_pid: "urn:uuid:someone-else".into(),
            provider_pid: Some("urn:uuid:p".into()),
            request: None,
            data_address: None,
            reason: None,
        };
        assert!(matches!(provider.receive(&other), Err(Refusal::OtherProcess { .. })));
        assert_eq!(provider, before);
        let own = Incoming { consumer_pid: "urn:uuid:c".into(), ..other };
        assert_eq!(provider.receive(&own), Ok(State::Started));
        assert_eq!(provider.state, State::Suspended);
    }

    #[test]
    fn either_side_suspends_and_resumes_and_a_new_start_replaces_the_data_address() {
        // TP:01-04 from the provider's side: start, suspend, resume with a fresh token, complete.
        let mut provider = provider();
        provider.send(Kind::Start, None, Some(address("token-1"))).unwrap();
        let suspension = provider.send(Kind::Suspension, Some("maintenance"), None).unwrap();
        assert_eq!((suspension.body["reason"].clone(), suspension.target), (json!(["maintenance"]), State::Suspended));
        assert!(
            provider.send(Kind::Completion, None, None).is_err(),
            "TP:03-03: a suspended transfer is not completed"
        );
        provider.send(Kind::Start, None, Some(address("token-2"))).unwrap();
        assert_eq!(provider.data_address.as_ref().and_then(DataAddress::authorization), Some("token-2"));
        assert_eq!(provider.send(Kind::Completion, None, None).unwrap().target, State::Completed);

        // TP_C:02-04 from the consumer's side: it suspends and resumes itself; the provider's start is a new address.
        let mut consumer = consumer();
        consumer.receive(&from_provider(Kind::Start, "urn:uuid:p")).unwrap();
        consumer.send(Kind::Suspension, None, None).unwrap();
        let resume = consumer.send(Kind::Start, None, None).unwrap();
        assert_eq!(
            (resume.url.as_str(), resume.target),
            ("https://provider/dsp/transfers/urn:uuid:p/start", State::Started)
        );
        assert!(resume.body.get("dataAddress").is_none());
        let mut restart = from_provider(Kind::Start, "urn:uuid:p");
        consumer.send(Kind::Suspension, None, None).unwrap();
        restart.data_address = Some(address("token-3"));
        assert_eq!(consumer.receive(&restart), Ok(State::Suspended));
        assert_eq!(consumer.data_address, Some(address("token-3")));
    }

    #[test]
    fn illegal_moves_are_refused_either_way_and_change_nothing() {
        let mut transfer = consumer();
        let before = transfer.clone();
        // TP_C:03-01, 03-02: the provider completes or suspends a transfer it never started.
        assert!(transfer.receive(&from_provider(Kind::Completion, "urn:uuid:p")).is_err());
        assert!(transfer.receive(&from_provider(Kind::Suspension, "urn:uuid:p")).is_err());
        // Only the provider starts a requested transfer; a data address given with another message is not kept.
        assert!(transfer.send(Kind::Start, None, Some(address("t"))).is_err());
        assert!(transfer.send(Kind::Request, None, None).is_err());
        assert_eq!(transfer, before);

        transfer.send(Kind::Termination, Some("no longer needed"), None).unwrap();
        let after = transfer.clone();
        // TP_C:03-04..06: nothing follows a termination.
        for kind in [Kind::Start, Kind::Suspension, Kind::Completion, Kind::Termination] {
            let refusal = transfer.receive(&from_provider(kind, "urn:uuid:p")).unwrap_err();
            assert!(refusal.to_string().starts_with("the transfer process has ended (TERMINATED)"), "{refusal}");
        }
        assert!(transfer.send(Kind::Completion, None, None).is_err());
        assert_eq!(transfer, after);

        let with_address = Transfer { data_address: Some(address("kept")), ..provider() };
        let mut started = with_address.clone();
        let envelope = started.send(Kind::Termination, None, Some(address("ignored"))).unwrap();
        assert!(envelope.body.get("dataAddress").is_none());
        assert_eq!(started.data_address, with_address.data_address, "only a start gives a data address");
    }
}
