//! Per-run record of what the connector under test sent to the counter-party server.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use serde::Serialize;
use serde_json::Value;
use tokio::sync::watch;

/// One message the connector under test POSTed to the counter-party server.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReceivedMessage {
    /// Request path (and query), e.g. `/negotiations/abc/offers`.
    pub path: String,
    /// The body's compact `@type`, when it had a string one.
    pub message_type: Option<String>,
    /// The body (`null` when it was not JSON).
    pub body: Value,
    /// Why the message is not a valid DSP message; empty when it is.
    pub violations: Vec<String>,
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
    negotiations: HashMap<String, Value>,
    transfers: HashMap<String, Value>,
}

/// Shared store of one suite run: received messages, plus the negotiation and transfer
/// objects `GET /negotiations/:pid` and `GET /transfers/:pid` answer with.
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

    /// Sets the `ContractNegotiation` object served at `GET /negotiations/:pid`.
    pub fn set_negotiation(&self, pid: impl Into<String>, negotiation: Value) {
        self.lock().negotiations.insert(pid.into(), negotiation);
    }

    /// The negotiation object stored for `pid`.
    pub fn negotiation(&self, pid: &str) -> Option<Value> {
        self.lock().negotiations.get(pid).cloned()
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
        // Subscribe before looking, so a message recorded in between still wakes us.
        let mut changes = self.changes.subscribe();
        let search = async {
            loop {
                if let Some(found) = self.lock().messages.iter().find(|m| predicate(m)).cloned() {
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
