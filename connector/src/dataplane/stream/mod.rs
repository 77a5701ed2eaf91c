//! Live streams from MQTT topics and NATS subjects: relayed to the consumer's broker, or read from a scoped endpoint.
//!
//! - [`address`]: where a stream comes from ([`Source`]: a broker and a filter, wildcards allowed) and goes to
//!   ([`Sink`]: a broker, one topic or subject, a login). Pure.
//! - `names`: validity of topics and subjects, the name a relayed message gets on the sink. Pure.
//! - [`relay`](mod@relay) (`MQTT-PUSH`, `NATS-PUSH`): every message of a source published on a sink, in order,
//!   until cancelled; [`pull`] (`MQTT-PULL`, `NATS-PULL`): a source as server-sent events.
//! - `connection`: a subscription to a source or a publisher to a sink on either protocol, over `mqtt` (rumqttc)
//!   and `nats` (async-nats); connections lost after the start come back by themselves, with backoff.
//! - [`broker`]: the embedded MQTT broker (rumqttd), the default when no broker is installed.
//!
//! Buffering is bounded everywhere: at most [`BUFFER`] messages wait between a source and a sink in each queue (a
//! full queue stops reading, and MQTT brokers see TCP backpressure), except that each NATS subscription (one per
//! relay or pull) holds up to 64 MiB of a burst its reader cannot keep up with (NATS core has no backpressure;
//! beyond that it drops, as a NATS server does for a slow consumer); no message is larger than
//! [`MAX_MESSAGE_BYTES`].

pub mod address;
pub mod broker;
mod connection;
mod mqtt;
mod names;
mod nats;
pub mod pull;
pub mod relay;

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;

pub use address::{AddressError, Credentials, Endpoint, Protocol, Sink, Source, StreamBrokers};
pub use broker::EmbeddedBroker;
pub use pull::events;
pub use relay::{RelayHandle, relay};

/// How many messages at most wait in each queue between a source and a sink.
pub const BUFFER: usize = 256;

/// The largest message a stream carries (MQTT packets and NATS payloads); a larger one is refused by the brokers
/// or closes the MQTT connection that carried it.
pub const MAX_MESSAGE_BYTES: usize = 4 * 1024 * 1024;

/// How long to wait for a broker to accept a connection or a subscription at the start.
const SETUP_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a stopping stream waits for its sink to take what was handed to it before closing the connection.
const STOP_GRACE: Duration = Duration::from_millis(50);

/// How long to wait before the `attempt`-th reconnection after a lost connection (the first is immediate):
/// doubling from 100 ms, at most 5 s.
fn reconnect_delay(attempt: usize) -> Duration {
    const FIRST: Duration = Duration::from_millis(100);
    const LONGEST: Duration = Duration::from_secs(5);
    match attempt {
        0 | 1 => Duration::ZERO,
        n => FIRST.saturating_mul(1 << (n - 2).min(16)).min(LONGEST),
    }
}

/// The name a message was received on, as its protocol's client gave it (no copy).
#[derive(Debug, Clone)]
pub(crate) enum ReceivedName {
    /// An MQTT topic.
    Mqtt(String),
    /// A NATS subject.
    Nats(async_nats::Subject),
}

impl ReceivedName {
    fn as_str(&self) -> &str {
        match self {
            ReceivedName::Mqtt(topic) => topic,
            ReceivedName::Nats(subject) => subject,
        }
    }
}

/// One message of a stream: where it was published, its payload (never copied), and whether its publisher asked
/// for acknowledged delivery (MQTT QoS 1 or 2, kept as QoS 1 on an MQTT sink).
#[derive(Debug, Clone)]
pub(crate) struct Message {
    pub(crate) name: ReceivedName,
    pub(crate) payload: Bytes,
    pub(crate) acknowledged: bool,
}

/// Counts of a stream's messages, updated as they pass; the caller reads them at any time with
/// [`Progress::counts`].
#[derive(Debug, Default)]
pub struct Progress {
    messages: AtomicU64,
    bytes: AtomicU64,
    skipped: AtomicU64,
}

/// A snapshot of a [`Progress`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    /// Messages passed on: handed to the sink's connection (relay), or to the reader's response (pull).
    pub messages: u64,
    /// Payload bytes of those messages.
    pub bytes: u64,
    /// Messages not relayed: their name makes no valid name on the sink's protocol, or they are larger than the
    /// sink takes.
    pub skipped: u64,
}

impl Progress {
    /// The counts so far.
    pub fn counts(&self) -> Counts {
        Counts {
            messages: self.messages.load(Ordering::Relaxed),
            bytes: self.bytes.load(Ordering::Relaxed),
            skipped: self.skipped.load(Ordering::Relaxed),
        }
    }

    fn delivered(&self, bytes: usize) {
        self.messages.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(bytes as u64, Ordering::Relaxed);
    }

    fn skipped(&self) {
        self.skipped.fetch_add(1, Ordering::Relaxed);
    }
}

/// Why a stream could not start or went on no longer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StreamError {
    /// The broker could not be reached (refused connection, DNS, timeout, not a broker of that protocol).
    #[error("cannot reach the {protocol} broker at {broker}: {reason}")]
    Unreachable {
        /// `MQTT` or `NATS`.
        protocol: &'static str,
        /// The broker's URL.
        broker: String,
        /// What went wrong, in plain words.
        reason: String,
    },
    /// The broker refused the login.
    #[error("the {protocol} broker at {broker} refused the connection: {reason}")]
    Refused {
        /// `MQTT` or `NATS`.
        protocol: &'static str,
        /// The broker's URL.
        broker: String,
        /// The broker's reason.
        reason: String,
    },
    /// The broker refused the subscription (e.g. not authorised for that filter).
    #[error("the {protocol} broker at {broker} refused the subscription to `{filter}`")]
    SubscriptionRefused {
        /// `MQTT` or `NATS`.
        protocol: &'static str,
        /// The broker's URL.
        broker: String,
        /// The filter.
        filter: String,
    },
    /// The embedded broker did not start.
    #[error("the embedded MQTT broker did not start on {address}: {reason}")]
    BrokerStart {
        /// Where it was to listen.
        address: String,
        /// What went wrong.
        reason: String,
    },
}

impl Endpoint {
    fn unreachable(&self, reason: impl ToString) -> StreamError {
        StreamError::Unreachable {
            protocol: self.protocol().name(),
            broker: self.url().to_string(),
            reason: reason.to_string(),
        }
    }

    fn refused(&self, reason: impl ToString) -> StreamError {
        StreamError::Refused {
            protocol: self.protocol().name(),
            broker: self.url().to_string(),
            reason: reason.to_string(),
        }
    }

    fn subscription_refused(&self, filter: &str) -> StreamError {
        StreamError::SubscriptionRefused {
            protocol: self.protocol().name(),
            broker: self.url().to_string(),
            filter: filter.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reconnections_back_off_to_a_ceiling() {
        let delays: Vec<u64> = (1..=10).map(|attempt| reconnect_delay(attempt).as_millis() as u64).collect();
        assert_eq!(delays, [0, 100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000]);
        assert_eq!(reconnect_delay(usize::MAX), Duration::from_secs(5));
    }

    #[test]
    fn progress_counts_what_passed() {
        let progress = Progress::default();
        progress.delivered(100);
        progress.delivered(28);
        progress.skipped();
        assert_eq!(progress.counts(), Counts { messages: 2, bytes: 128, skipped: 1 });
    }
}
