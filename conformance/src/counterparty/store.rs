//! Per-run record of what the connector under test sent to the counter-party server.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use serde::Serialize;
use serde_json::Value;
use tokio::sync::watch;

use super::record::ProcessRecord;
use crate::messages;
use crate::negotiation::Negotiation;
use crate::process::Protocol;
use crate::transfer::Transfer;

/// One message the connector under test POSTed to the counter-party server.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReceivedMessage {
    /// Request path (and query), e.g. `/negotiations/abc/offers`.
    pub path: String,
    /// The body's compact `@type`, when it had a string one.
    pub message_type: Option<String>,
    /// The body (`null` when it was not JSON).
    pub body: Value,
    /// Why the message is not a valid DSP message, or why the counter-party refused it;
    /// empty when it was accepted.
    pub violations: Vec<String>,
    /// The counter-party's own pid of the process the message belongs to (decoded from the
    /// path, or the pid it created for an initial request), when it knows that process.
    pub process: Option<String>,
}

impl ReceivedMessage {
    /// True when the message validated against its schema and expanded as JSON-LD.
    pub fn is_valid(&self) -> bool {
        self.violations.is_empty()
    }

    /// The string value of the body's top-level property `name` (e.g. `consumerPid`).
    pub fn field(&self, name: &str) -> Option<&str> {
        self.body.get(name).and_then(Value::as_str)
    }

    /// `ContractNegotiationEventMessage ACCEPTED to /negotiations/x/events (refused: …)`, for
    /// reasons.
    pub fn describe(&self) -> String {
        let mut text = match (&self.message_type, self.field("eventType")) {
            (Some(message_type), Some(event)) => format!("{message_type} {event}"),
            (Some(message_type), None) => message_type.clone(),
            (None, _) => "a message without @type".to_owned(),
        };
        text.push_str(" to ");
        text.push_str(&self.path);
        if !self.is_valid() {
            text.push_str(&format!(" (refused: {})", self.violations.join("; ")));
        }
        text
    }
}

/// What the counter-party grants at its data endpoint for one token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// The counter-party's (the provider's) pid of the transfer.
    pub provider_pid: String,
    /// The dataset transferred.
    pub dataset_id: String,
}

/// Shared store of one suite run: received messages, the processes the counter-party takes
/// part in (keyed by its own pid, so concurrent scenarios never meet), the agreements it made
/// as provider and the data access it granted.
#[derive(Debug)]
pub struct Store {
    messages: Mutex<Vec<ReceivedMessage>>,
    changes: watch::Sender<u64>,
    negotiations: Processes<Negotiation>,
    transfers: Processes<Transfer>,
    /// Agreement id → dataset id, for the agreements the counter-party made as provider.
    agreements: Mutex<HashMap<String, String>>,
    /// Bearer token → what it grants at the data endpoint.
    grants: Mutex<HashMap<String, Grant>>,
}

impl Default for Store {
    fn default() -> Self {
        Self {
            messages: Mutex::default(),
            changes: watch::Sender::new(0),
            negotiations: Processes::default(),
            transfers: Processes::default(),
            agreements: Mutex::default(),
            grants: Mutex::default(),
        }
    }
}

/// Locks `mutex`; a panic elsewhere while holding the lock does not poison the run.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A protocol whose processes the counter-party keeps in its [`Store`].
pub trait Kept: Protocol + Sized {
    /// The store's processes of this protocol.
    fn processes(store: &Store) -> &Processes<Self>;
}

impl Kept for Negotiation {
    fn processes(store: &Store) -> &Processes<Self> {
        &store.negotiations
    }
}

impl Kept for Transfer {
    fn processes(store: &Store) -> &Processes<Self> {
        &store.transfers
    }
}

/// The counter-party's processes of protocol `P`, by its own pid.
#[derive(Debug)]
pub struct Processes<P: Protocol> {
    records: Mutex<HashMap<String, ProcessRecord<P>>>,
}

impl<P: Protocol> Default for Processes<P> {
    fn default() -> Self {
        Self { records: Mutex::default() }
    }
}

impl<P: Protocol> Processes<P> {
    /// Starts keeping `record` under the counter-party's own pid (ignored while that is unknown).
    pub fn open(&self, record: ProcessRecord<P>) {
        if let Some(pid) = record.own_pid().map(str::to_owned) {
            lock(&self.records).insert(pid, record);
        }
    }

    /// The process kept under `pid`.
    pub fn get(&self, pid: &str) -> Option<ProcessRecord<P>> {
        lock(&self.records).get(pid).cloned()
    }

    /// The process object served at `GET /<processes>/:pid`, once both pids are known.
    pub fn object(&self, pid: &str) -> Option<Value> {
        let record = self.get(pid)?;
        Some(messages::process::<P>(&record.pids()?, record.state))
    }

    /// Applies `update` to the process kept under `pid`; `None` if there is none.
    pub fn update<T>(&self, pid: &str, update: impl FnOnce(&mut ProcessRecord<P>) -> T) -> Option<T> {
        lock(&self.records).get_mut(pid).map(update)
    }

    /// Moves the process kept under `pid` to `state` (the suite is about to send the message
    /// that causes it; set first so the connector's quick reaction finds it).
    pub fn set_state(&self, pid: &str, state: P::State) {
        self.update(pid, |record| record.state = state);
    }
}

impl Store {
    /// Records a received message and wakes everyone waiting for one.
    pub fn record(&self, message: ReceivedMessage) {
        lock(&self.messages).push(message);
        self.changes.send_modify(|count| *count += 1);
    }

    /// Every message received so far, oldest first.
    pub fn messages(&self) -> Vec<ReceivedMessage> {
        lock(&self.messages).clone()
    }

    /// The messages from index `start` on, oldest first.
    pub fn messages_from(&self, start: usize) -> Vec<ReceivedMessage> {
        lock(&self.messages).iter().skip(start).cloned().collect()
    }

    /// Number of messages received so far (an index for [`wait_for_from`](Self::wait_for_from)).
    pub fn message_count(&self) -> usize {
        lock(&self.messages).len()
    }

    /// The processes of protocol `P`.
    pub fn processes<P: Kept>(&self) -> &Processes<P> {
        P::processes(self)
    }

    /// Remembers that the counter-party, as provider, agreed `agreement_id` on `dataset_id`.
    pub fn add_agreement(&self, agreement_id: &str, dataset_id: &str) {
        lock(&self.agreements).insert(agreement_id.to_owned(), dataset_id.to_owned());
    }

    /// The dataset of the counter-party's agreement `agreement_id`.
    pub fn agreement_dataset(&self, agreement_id: &str) -> Option<String> {
        lock(&self.agreements).get(agreement_id).cloned()
    }

    /// Lets the bearer of `token` read `grant` at the data endpoint.
    pub fn grant(&self, token: &str, grant: Grant) {
        lock(&self.grants).insert(token.to_owned(), grant);
    }

    /// What `token` grants at the data endpoint.
    pub fn granted(&self, token: &str) -> Option<Grant> {
        lock(&self.grants).get(token).cloned()
    }

    /// The first received message (already recorded or arriving within `timeout`) that
    /// matches `predicate`; `None` when none did in time.
    pub async fn wait_for(
        &self,
        timeout: Duration,
        predicate: impl Fn(&ReceivedMessage) -> bool,
    ) -> Option<ReceivedMessage> {
        self.wait_for_from(0, timeout, predicate).await.map(|(_, message)| message)
    }

    /// Like [`wait_for`](Self::wait_for), among the messages from index `start` on; returns
    /// the message with its index.
    pub async fn wait_for_from(
        &self,
        start: usize,
        timeout: Duration,
        predicate: impl Fn(&ReceivedMessage) -> bool,
    ) -> Option<(usize, ReceivedMessage)> {
        // Subscribe before looking, so a message recorded in between still wakes us.
        let mut changes = self.changes.subscribe();
        let search = async {
            loop {
                let found = lock(&self.messages)
                    .iter()
                    .enumerate()
                    .skip(start)
                    .find(|(_, m)| predicate(m))
                    .map(|(index, m)| (index, m.clone()));
                if let Some(found) = found {
                    return found;
                }
                if changes.changed().await.is_err() {
                    // The store (and so the sender) is gone: nothing more will arrive.
                    std::future::pending::<()>().await;
                }
            }
        };
        tokio::time::timeout(timeout, search).await.ok()
    }
}
