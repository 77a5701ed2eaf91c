//! Contract negotiation (DSP 2025-1), both roles: the pure core — [`machine`] (states and legal moves),
//! [`message`] (the wire messages), [`process`] (one negotiation and how it moves), [`terms`] (matching, agreements,
//! the policy decision), [`react`] (what a side does by itself) — and the shell: [`service`] (one transaction per
//! step, with the outbox) and [`dispatch`] (delivering the outbox). The HTTP endpoints are in
//! [`crate::dsp::negotiation`] and [`crate::management::negotiations`].

#[cfg(feature = "scenarios")]
pub mod crash;
pub mod dispatch;
pub mod error;
pub mod machine;
pub mod message;
pub mod process;
pub mod react;
#[cfg(feature = "scenarios")]
pub mod scenario;
pub mod service;
pub mod terms;

use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio::sync::{Notify, broadcast, watch};

use crate::store::negotiations::Record;
use crate::store::outbox::{NEGOTIATION, TRANSFER};
use crate::store::transfers::TransferRecord;
use machine::{Role, State};

/// The state of a negotiation or a transfer; written as its DSP name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum ProcessState {
    /// A contract negotiation's.
    Negotiation(State),
    /// A transfer process's.
    Transfer(crate::transfer::machine::State),
}

impl ProcessState {
    /// Whether nothing can follow this state.
    pub fn is_terminal(self) -> bool {
        match self {
            ProcessState::Negotiation(state) => state.is_terminal(),
            ProcessState::Transfer(state) => state.is_terminal(),
        }
    }
}

/// A change of a process's state, as the event feed reports it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProcessEvent {
    /// `negotiation` or `transfer`.
    pub process: &'static str,
    /// Our process id.
    pub pid: String,
    /// Our role.
    pub role: Role,
    /// The state it is now in.
    pub state: ProcessState,
    /// Whether it waits for the operator.
    pub awaiting_operator: bool,
    /// When.
    pub at: DateTime<Utc>,
}

/// What the process shell shares: the dispatcher's wake-up and the event feed.
#[derive(Debug)]
pub struct Processes {
    /// Wakes the dispatcher when a message falls due that nobody is sending (after a failed attempt).
    pub wake: Notify,
    events: broadcast::Sender<ProcessEvent>,
    stopping: watch::Sender<bool>,
}

impl Default for Processes {
    fn default() -> Self {
        Processes { wake: Notify::new(), events: broadcast::Sender::new(1024), stopping: watch::Sender::new(false) }
    }
}

impl Processes {
    /// Reports the state the negotiation `record` was committed in.
    pub fn publish(&self, record: &Record) {
        self.send(ProcessEvent {
            process: NEGOTIATION,
            pid: record.negotiation.pid.clone(),
            role: record.negotiation.role,
            state: ProcessState::Negotiation(record.negotiation.state),
            awaiting_operator: record.awaiting.is_some(),
            at: record.updated_at,
        });
    }

    /// Reports the state the transfer `record` was committed in.
    pub fn publish_transfer(&self, record: &TransferRecord) {
        self.send(ProcessEvent {
            process: TRANSFER,
            pid: record.transfer.pid.clone(),
            role: record.transfer.role,
            state: ProcessState::Transfer(record.transfer.state),
            awaiting_operator: record.awaiting.is_some(),
            at: record.updated_at,
        });
    }

    fn send(&self, event: ProcessEvent) {
        // Nobody listening is fine.
        let _ = self.events.send(event);
    }

    /// Tells the dispatcher and every event feed to end (the connector is stopping).
    pub fn stop(&self) {
        self.stopping.send_replace(true);
    }

    /// Resolves once [`Processes::stop`] was called.
    pub fn stopped(&self) -> impl Future<Output = ()> + Send + 'static + use<> {
        let mut stopping = self.stopping.subscribe();
        async move {
            let _ = stopping.wait_for(|stopping| *stopping).await;
        }
    }

    /// A receiver of the events published from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<ProcessEvent> {
        self.events.subscribe()
    }
}
