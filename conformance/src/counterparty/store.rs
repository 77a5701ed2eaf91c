//! Per-run record of what the connector under test sent to the counter-party server.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use serde::Serialize;
use serde_json::Value;
use tokio::sync::watch;

use super::negotiation::NegotiationRecord;
use crate::messages;
use crate::negotiation::State;

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
}

/// What the counter-party has seen and what it answers to state queries.
#[derive(Debug, Default)]
struct Inner {
    messages: Vec<ReceivedMessage>,
    negotiations: HashMap<String, NegotiationRecord>,
    transfers: HashMap<String, Value>,
}

/// Shared store of one suite run: received messages, the negotiations the counter-party takes
/// part in (keyed by its own pid, so concurrent scenarios never meet), and the transfer
/// objects `GET /transfers/:pid` answers with.
#[derive(Debug)]
pub struct Store {
    inner: Mutex<Inner>,
    changes: watch::Sender<u64>,
}

impl Default for Store {
    fn default() -> Self {
        Self { inner: Mutex::default(), changes: watch::Sender::new(0) }
    }
}

impl Store {
    /// Locks the state; a panic elsewhere while holding the lock does not poison the run.
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Records a received message and wakes everyone waiting for one.
    pub fn record(&self, message: ReceivedMessage) {
        self.lock().messages.push(message);
        self.changes.send_modify(|count| *count += 1);
    }

    /// Every message received so far, oldest first.
    pub fn messages(&self) -> Vec<ReceivedMessage> {
        self.lock().messages.clone()
    }

    /// The messages from index `start` on, oldest first.
    pub fn messages_from(&self, start: usize) -> Vec<ReceivedMessage> {
        self.lock().messages.iter().skip(start).cloned().collect()
    }

    /// Number of messages received so far (an index for [`wait_for_from`](Self::wait_for_from)).
    pub fn message_count(&self) -> usize {
        self.lock().messages.len()
    }

    /// Starts keeping `record` under the counter-party's own pid (ignored while that is unknown).
    pub fn open_negotiation(&self, record: NegotiationRecord) {
        if let Some(pid) = record.own_pid().map(str::to_owned) {
            self.lock().negotiations.insert(pid, record);
        }
    }

    /// The negotiation the counter-party keeps under `pid`.
    pub fn negotiation_record(&self, pid: &str) -> Option<NegotiationRecord> {
        self.lock().negotiations.get(pid).cloned()
    }

    /// The `ContractNegotiation` served at `GET /negotiations/:pid`, once both pids are known.
    pub fn negotiation(&self, pid: &str) -> Option<Value> {
        let record = self.negotiation_record(pid)?;
        Some(messages::negotiation::negotiation(&record.pids()?, record.state))
    }

    /// Applies `update` to the negotiation kept under `pid`; `None` if there is none.
    pub fn update_negotiation<T>(&self, pid: &str, update: impl FnOnce(&mut NegotiationRecord) -> T) -> Option<T> {
        self.lock().negotiations.get_mut(pid).map(update)
    }

    /// Moves the negotiation kept under `pid` to `state` (the suite is about to send the
    /// message that causes it; set first so the connector's quick reaction finds it).
    pub fn set_negotiation_state(&self, pid: &str, state: State) {
        self.update_negotiation(pid, |record| record.state = state);
    }

    /// Sets the `TransferProcess` object served at `GET /transfers/:pid`.
    pub fn set_transfer(&self, pid: impl Into<String>, transfer: Value) {
        self.lock().transfers.insert(pid.into(), transfer);
    }

    /// The transfer object stored for `pid`.
    pub fn transfer(&self, pid: &str) -> Option<Value> {
        self.lock().transfers.get(pid).cloned()
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
                let found = self
                    .lock()
                    .messages
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
