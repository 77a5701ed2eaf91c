//! What the two DSP process protocols — contract negotiation ([`crate::negotiation`]) and transfer process
//! ([`crate::transfer`]) — share, so that each states only its own rules: the [`Protocol`] trait that describes one,
//! the legal-move check around its table ([`transition`], [`has_reached`]) with its refusals ([`Illegal`],
//! [`Refusal`]), the message to send ([`Envelope`]), the process ids and where messages go ([`pid_of`],
//! [`check_peer_pid`], [`process_url`]), and the wire pieces every message, process object and error body has
//! ([`message_head`], [`read_pid`], [`reason_text`], …). Pure: no IO.

use std::fmt;

use serde_json::{Map, Value, json};
use url::Url;

use super::jsonld::DSP_CONTEXT;
use crate::negotiation::machine::Role;

/// A DSP process protocol: its states, its messages and the moves it allows. Implemented by a marker type per
/// protocol; the generic types and functions of this module take it as their parameter.
pub trait Protocol {
    /// What one process is called in sentences, e.g. `negotiation`.
    const PROCESS: &'static str;
    /// The `@type` of the process object that acknowledges messages and answers state queries, e.g.
    /// `ContractNegotiation`.
    const OBJECT_TYPE: &'static str;
    /// The `@type` of the body a refused message is answered with, e.g. `ContractNegotiationError`.
    const ERROR_TYPE: &'static str;
    /// The states of a process.
    type State: Copy + Eq + fmt::Debug + fmt::Display;
    /// The messages, by what they do.
    type Kind: Copy + Eq + fmt::Debug;

    /// Who may send a message of `kind`; `None`: either side (the state may still allow only one, see
    /// [`Protocol::next`]).
    fn sender(kind: Self::Kind) -> Option<Role>;

    /// What a message of `kind` is called in sentences, e.g. `an agreement`.
    fn described(kind: Self::Kind) -> &'static str;

    /// Whether nothing can follow `state`.
    fn is_terminal(state: Self::State) -> bool;

    /// The state a process in `from` (`None`: none yet; never a terminal state) reaches when `sender` (one allowed
    /// by [`Protocol::sender`]) sends `kind`, or `None` when the protocol has no such move.
    fn next(from: Option<Self::State>, sender: Role, kind: Self::Kind) -> Option<Self::State>;

    /// The name of a message kind as stored and logged, e.g. `agreement`.
    fn kind_name(kind: Self::Kind) -> &'static str;

    /// The DSP name of a state, e.g. `FINALIZED`.
    fn state_name(state: Self::State) -> &'static str;

    /// The message kind named `name` (as [`Protocol::kind_name`] writes it).
    fn parse_kind(name: &str) -> Option<Self::Kind>;

    /// The state named `name` (as [`Protocol::state_name`] writes it).
    fn parse_state(name: &str) -> Option<Self::State>;

    /// How far along the protocol's one-way path `state` is: a peer in a state of higher rank has received every
    /// message that leads to a state of lower rank. `None` for a state that proves nothing either way (one that
    /// can be left and entered again, or reached from anywhere).
    fn rank(state: Self::State) -> Option<u8>;
}

/// Why a message may not be sent or accepted; changes nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Illegal<P: Protocol> {
    /// The message is one only the other side sends.
    WrongSender {
        /// The message.
        kind: P::Kind,
        /// Who sent it.
        sender: Role,
    },
    /// The process has ended.
    Ended {
        /// Its terminal state.
        state: P::State,
        /// The message.
        kind: P::Kind,
    },
    /// The message does not follow from the current state.
    OutOfOrder {
        /// The current state; `None` when there is no process yet.
        state: Option<P::State>,
        /// The message.
        kind: P::Kind,
    },
}

impl<P: Protocol> fmt::Display for Illegal<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Illegal::WrongSender { kind, sender } => {
                write!(f, "a {} does not send {}", sender.as_str(), P::described(kind))
            }
            Illegal::Ended { state, kind } => {
                write!(f, "the {} has ended ({state}); {} cannot follow", P::PROCESS, P::described(kind))
            }
            Illegal::OutOfOrder { state: None, kind } => {
                write!(f, "{} cannot start a {}", P::described(kind), P::PROCESS)
            }
            Illegal::OutOfOrder { state: Some(state), kind } => {
                write!(f, "{} cannot follow {state}", P::described(kind))
            }
        }
    }
}

/// The state a process in `from` (`None`: none yet) reaches when `sender` sends `kind`, or why it may not: the
/// message must be one `sender` sends, the process must not have ended, and the protocol must have the move.
pub fn transition<P: Protocol>(from: Option<P::State>, sender: Role, kind: P::Kind) -> Result<P::State, Illegal<P>> {
    if P::sender(kind).is_some_and(|allowed| allowed != sender) {
        return Err(Illegal::WrongSender { kind, sender });
    }
    if let Some(state) = from.filter(|state| P::is_terminal(*state)) {
        return Err(Illegal::Ended { state, kind });
    }
    P::next(from, sender, kind).ok_or(Illegal::OutOfOrder { state: from, kind })
}

/// Whether a peer in `peer_state` has evidently received the message that leads to `target`: it is there, or past
/// it on a path that cannot lead back (used to recognise a message delivered before a crash when it is sent again).
pub fn has_reached<P: Protocol>(target: P::State, peer_state: P::State) -> bool {
    peer_state == target
        || matches!((P::rank(target), P::rank(peer_state)), (Some(target), Some(peer)) if peer > target)
}

/// Why a message from the peer is refused; nothing changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal<P: Protocol> {
    /// The protocol does not allow it now.
    Illegal(Illegal<P>),
    /// It names another process of the peer than the one this process is with.
    OtherProcess {
        /// The pid this process knows.
        known: String,
        /// The pid the message names.
        named: String,
    },
}

impl<P: Protocol> fmt::Display for Refusal<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Illegal(illegal) => illegal.fmt(f),
            Refusal::OtherProcess { known, named } => {
                write!(f, "the message names the peer's process `{named}`, but this {} is with `{known}`", P::PROCESS)
            }
        }
    }
}

/// A message to send: where, what, and the state it brings the process to.
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope<P: Protocol> {
    /// What it does.
    pub kind: P::Kind,
    /// The peer endpoint it is POSTed to.
    pub url: String,
    /// The DSP message.
    pub body: Value,
    /// The state both sides are in once it is delivered.
    pub target: P::State,
}

/// The pid of `side` in a process that `role` holds as `pid`, with the peer's `peer_pid` once known.
pub fn pid_of<'a>(side: Role, role: Role, pid: &'a str, peer_pid: Option<&'a str>) -> Option<&'a str> {
    if side == role { Some(pid) } else { peer_pid }
}

/// The peer's pid a process held by `role` knows after accepting a message that names `consumer_pid` and
/// `provider_pid`: the one it knew, else the one the message names. Refused when the message names another.
pub fn check_peer_pid<P: Protocol>(
    role: Role,
    known: Option<&str>,
    consumer_pid: &str,
    provider_pid: Option<&str>,
) -> Result<Option<String>, Refusal<P>> {
    let named = match role {
        Role::Provider => Some(consumer_pid),
        Role::Consumer => provider_pid,
    };
    match (known, named) {
        (Some(known), Some(named)) if known != named => {
            Err(Refusal::OtherProcess { known: known.to_owned(), named: named.to_owned() })
        }
        (known, named) => Ok(known.or(named).map(str::to_owned)),
    }
}

/// The peer endpoint of a message: `collection` (`negotiations`, `transfers`) under the peer's `address`, then the
/// peer's pid when known (only a process's first message goes out before), then `path` (e.g.
/// `agreement/verification`; empty: nothing more).
pub fn process_url(address: &str, collection: &str, peer_pid: Option<&str>, path: &str) -> String {
    let mut segments = vec![collection];
    segments.extend(peer_pid);
    segments.extend(path.split('/').filter(|segment| !segment.is_empty()));
    join_segments(address, &segments)
}

/// `address` with `segments` appended, each percent-encoded; a trailing `/` on the address is ignored.
pub fn join_segments(address: &str, segments: &[&str]) -> String {
    match Url::parse(address) {
        Ok(mut url) if !url.cannot_be_a_base() => {
            if let Ok(mut path) = url.path_segments_mut() {
                path.pop_if_empty().extend(segments);
            }
            url.to_string()
        }
        _ => format!("{}/{}", address.trim_end_matches('/'), segments.join("/")),
    }
}

/// Whether `address` is an http(s) URL: the callback addresses a peer may give.
pub fn is_http_url(address: &str) -> bool {
    Url::parse(address).is_ok_and(|url| matches!(url.scheme(), "http" | "https"))
}

/// The start of every message, process object and error body: the DSP `@context`, the `@type`, and the pids known.
pub fn message_head(message_type: &str, consumer_pid: Option<&str>, provider_pid: Option<&str>) -> Map<String, Value> {
    let mut message = Map::new();
    message.insert("@context".into(), json!([DSP_CONTEXT]));
    message.insert("@type".into(), message_type.into());
    for (key, pid) in [("providerPid", provider_pid), ("consumerPid", consumer_pid)] {
        if let Some(pid) = pid {
            message.insert(key.into(), pid.into());
        }
    }
    message
}

/// Adds the `code` and, when there is one, the `reason` (one sentence) of a termination, suspension or error.
pub fn insert_reason(message: &mut Map<String, Value>, code: &str, reason: Option<&str>) {
    message.insert("code".into(), code.into());
    if let Some(reason) = reason {
        message.insert("reason".into(), json!([reason]));
    }
}

/// The process object of `object_type` (`ContractNegotiation`, `TransferProcess`) that acknowledges a message and
/// answers a state query.
pub fn process_object(object_type: &str, consumer_pid: &str, provider_pid: &str, state: &str) -> Value {
    let mut object = message_head(object_type, Some(consumer_pid), Some(provider_pid));
    object.insert("state".into(), state.into());
    Value::Object(object)
}

/// An error body of `error_type` (`ContractNegotiationError`, `TransferError`) with the pids known, a code and a
/// reason.
pub fn process_error(
    error_type: &str,
    consumer_pid: Option<&str>,
    provider_pid: Option<&str>,
    code: &str,
    reason: &str,
) -> Value {
    let mut error = message_head(error_type, consumer_pid, provider_pid);
    insert_reason(&mut error, code, Some(reason));
    Value::Object(error)
}

/// Refuses a message of another type than the endpoint takes.
pub fn expect_type(expected: &str, got: &str) -> Result<(), String> {
    if got == expected { Ok(()) } else { Err(format!("expected a {expected}, got `{got}`")) }
}

/// The pid `name` (`consumerPid`, `providerPid`) of a message; an empty one counts as none, which is refused when
/// the pid is `required`.
pub fn read_pid(pid: Option<String>, name: &str, required: bool) -> Result<Option<String>, String> {
    match pid.filter(|pid| !pid.is_empty()) {
        None if required => Err(format!("the message needs a `{name}`")),
        pid => Ok(pid),
    }
}

/// A termination's (or suspension's) reasons as one sentence, or its code when it gave no reason.
pub fn reason_text(code: Option<&str>, reason: Option<&Value>) -> Option<String> {
    let texts: Vec<String> = match reason {
        Some(Value::Array(items)) => items.iter().map(text_of).collect(),
        Some(other) => vec![text_of(other)],
        None => Vec::new(),
    };
    if texts.is_empty() { code.map(|code| format!("code {code}")) } else { Some(texts.join("; ")) }
}

fn text_of(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Object(object) => object.get("@value").map_or_else(|| value.to_string(), text_of),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_joined_under_the_address_with_or_without_a_trailing_slash() {
        for address in ["https://peer/dsp", "https://peer/dsp/"] {
            assert_eq!(process_url(address, "transfers", None, "request"), "https://peer/dsp/transfers/request");
            assert_eq!(
                process_url(address, "negotiations", Some("p 1"), "agreement/verification"),
                "https://peer/dsp/negotiations/p%201/agreement/verification"
            );
            assert_eq!(
                process_url(address, "transfers", Some("urn:uuid:p"), ""),
                "https://peer/dsp/transfers/urn:uuid:p"
            );
        }
        assert_eq!(join_segments("not a url/", &["a", "b"]), "not a url/a/b");
        assert!(is_http_url("https://consumer/callback") && is_http_url("http://127.0.0.1:9/cb"));
        assert!(!is_http_url("ftp://consumer/cb") && !is_http_url("/callback") && !is_http_url("mailto:a@b"));
    }

    #[test]
    fn pids_are_read_and_known_per_side() {
        assert_eq!(read_pid(Some("c".into()), "consumerPid", true), Ok(Some("c".into())));
        assert_eq!(read_pid(Some(String::new()), "providerPid", false), Ok(None));
        assert_eq!(read_pid(None, "providerPid", true), Err("the message needs a `providerPid`".into()));
        assert_eq!(pid_of(Role::Consumer, Role::Consumer, "mine", Some("theirs")), Some("mine"));
        assert_eq!(pid_of(Role::Provider, Role::Consumer, "mine", None), None);
    }

    #[test]
    fn bodies_carry_the_context_the_type_and_the_pids_known() {
        let error = process_error("TransferError", Some("c"), None, "NotFound", "no such process");
        assert_eq!(
            error,
            json!({"@context": [DSP_CONTEXT], "@type": "TransferError", "consumerPid": "c", "code": "NotFound",
                "reason": ["no such process"]})
        );
        let object = process_object("TransferProcess", "c", "p", "STARTED");
        assert_eq!((&object["providerPid"], &object["state"]), (&json!("p"), &json!("STARTED")));
        assert_eq!(expect_type("A", "B"), Err("expected a A, got `B`".into()));
        assert_eq!(reason_text(Some("7"), None).as_deref(), Some("code 7"));
        assert_eq!(reason_text(None, Some(&json!({"@value": "late"}))).as_deref(), Some("late"));
        assert_eq!(reason_text(None, None), None);
    }
}
