//! What contract negotiations and transfer processes have in common, as data: two roles,
//! two pids, states, messages that move a process from one state to the next, and the DSP
//! types a process is served and refused with.
//!
//! The counter-party server, the scenario driver and the scripts' consistency checks are
//! written once against [`Protocol`]; [`crate::negotiation`] and [`crate::transfer`] fill it in.

use std::fmt;

use serde_json::Value;

use crate::schema::DspSchema;

/// A side of a process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Offers datasets; keeps the process under its `providerPid`.
    Provider,
    /// Requests datasets; keeps the process under its `consumerPid`.
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

/// The two process ids of a process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pids {
    /// The consumer's `consumerPid`.
    pub consumer: String,
    /// The provider's `providerPid`.
    pub provider: String,
}

impl Pids {
    /// The pid `role` keeps the process under.
    pub fn of(&self, role: Role) -> &str {
        match role {
            Role::Provider => &self.provider,
            Role::Consumer => &self.consumer,
        }
    }
}

/// A fresh process, agreement or policy id, `urn:uuid:<v4>`.
pub fn fresh_id() -> String {
    format!("urn:uuid:{}", uuid::Uuid::new_v4())
}

/// Implements `Display` for a process state or message kind by the text its method `$text`
/// returns (its wire name, or its description).
macro_rules! display_by {
    ($type:ty, $text:ident) => {
        impl ::std::fmt::Display for $type {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.$text())
            }
        }
    };
}
pub(crate) use display_by;

/// A state of a process (the `state` of its process object).
pub trait ProcessState: Copy + Eq + fmt::Debug + fmt::Display + Send + Sync + 'static {
    /// Every state.
    const ALL: &'static [Self];

    /// The state's name on the wire, e.g. `"REQUESTED"`.
    fn as_str(self) -> &'static str;

    /// True for the states no message leaves.
    fn is_terminal(self) -> bool;

    /// The state named `name` on the wire.
    fn parse(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|state| state.as_str() == name)
    }
}

/// A kind of message sent within a process that exists (the initial request creates one and
/// is not a kind).
pub trait ProcessMessage: Copy + Eq + fmt::Debug + fmt::Display + Send + Sync + 'static {
    /// The states the messages move a process between.
    type State: ProcessState;

    /// Every kind.
    const ALL: &'static [Self];

    /// The compact `@type` of the message.
    fn message_type(self) -> &'static str;

    /// The `eventType` telling kinds of one `@type` apart, if any.
    fn event_type(self) -> Option<&'static str> {
        None
    }

    /// Who may send the message; `None` when either side may.
    fn sender(self) -> Option<Role>;

    /// The path segments after `<processes>/<pid>/` where the recipient (`<pid>` being its
    /// own pid) takes the message.
    fn path(self) -> &'static [&'static str];

    /// The state the message leads to when it is legal.
    fn resulting_state(self) -> Self::State;

    /// Whether `sender` may send the message in the non-terminal state `from`.
    fn allowed(self, from: Self::State, sender: Role) -> bool;

    /// Whether `role` may send the message in some state.
    fn may_be_sent_by(self, role: Role) -> bool {
        self.sender().is_none_or(|sender| sender == role)
    }

    /// A readable name, e.g. `ContractNegotiationEventMessage ACCEPTED`.
    fn describe(self) -> String {
        match self.event_type() {
            Some(event) => format!("{} {event}", self.message_type()),
            None => self.message_type().to_owned(),
        }
    }

    /// The kind of the message `body` (by `@type` and `eventType`).
    fn of(body: &Value) -> Option<Self> {
        let message_type = body.get("@type").and_then(Value::as_str)?;
        let event_type = body.get("eventType").and_then(Value::as_str);
        Self::ALL.iter().copied().find(|kind| {
            kind.message_type() == message_type && kind.event_type().is_none_or(|event| Some(event) == event_type)
        })
    }

    /// The state the message, sent by `sender`, moves a process in `from` to, or why it may
    /// not be sent then.
    fn transition(self, from: Self::State, sender: Role) -> Result<Self::State, String> {
        if !self.may_be_sent_by(sender) {
            return Err(format!("a {self} cannot come from the {}", sender.name()));
        }
        if from.is_terminal() || !self.allowed(from, sender) {
            let by = if self.sender().is_none() { format!(" from the {}", sender.name()) } else { String::new() };
            return Err(format!("a {self}{by} is not allowed in state {from}"));
        }
        Ok(self.resulting_state())
    }
}

/// A DSP process protocol: its states, its messages and how its processes are served.
pub trait Protocol: fmt::Debug + Copy + Eq + Send + Sync + 'static {
    /// The process states.
    type State: ProcessState;
    /// The messages within a process.
    type Message: ProcessMessage<State = Self::State>;

    /// What a process is called in reasons, e.g. `"negotiation"`.
    const NAME: &'static str;
    /// The path segment the processes are served under, e.g. `"negotiations"`.
    const PATH: &'static str;
    /// The state a process is created in.
    const INITIAL: Self::State;
    /// The `@type` of the message that creates a process.
    const REQUEST_TYPE: &'static str;
    /// The `@type` of the process object (acks and state queries).
    const PROCESS_TYPE: &'static str;
    /// The `@type` of the error a refused message is answered with.
    const ERROR_TYPE: &'static str;
    /// The schema of the process object.
    const PROCESS_SCHEMA: DspSchema;
    /// The schema of the error.
    const ERROR_SCHEMA: DspSchema;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_and_pids() {
        let pids = Pids { consumer: "urn:c".to_owned(), provider: "urn:p".to_owned() };
        assert_eq!(pids.of(Role::Consumer), "urn:c");
        assert_eq!(pids.of(Role::Provider.other()), "urn:c");
        assert_eq!(Role::Consumer.other().name(), "provider");
        assert!(fresh_id().starts_with("urn:uuid:"));
        assert_ne!(fresh_id(), fresh_id());
    }
}
