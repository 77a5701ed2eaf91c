//! A subscription to a [`Source`] or a publisher to a [`Sink`], whichever its broker's protocol.

use super::address::{Protocol, Sink, Source};
use super::names::SinkName;
use super::{Message, StreamError, mqtt, nats};

/// Why a message was not published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PublishError {
    /// The message is larger than the sink takes; the connection goes on.
    TooLarge,
    /// The connection is gone for good.
    Closed,
}

/// The messages of a source, in the order its broker sent them.
pub(crate) enum Subscription {
    Mqtt(mqtt::Subscription),
    Nats(nats::Subscription),
}

impl Subscription {
    /// Subscribes to `source`: its broker has accepted the subscription when this returns, so every message
    /// published after it is received.
    pub(crate) async fn open(source: &Source) -> Result<Self, StreamError> {
        let endpoint = source.endpoint();
        Ok(match endpoint.protocol() {
            Protocol::Mqtt => Subscription::Mqtt(mqtt::Subscription::open(endpoint, source.filter()).await?),
            Protocol::Nats => Subscription::Nats(nats::Subscription::open(endpoint, source.filter()).await?),
        })
    }

    /// The next message; `None` once the connection is gone for good.
    pub(crate) async fn next(&mut self) -> Option<Message> {
        match self {
            Subscription::Mqtt(subscription) => subscription.next().await,
            Subscription::Nats(subscription) => subscription.next().await,
        }
    }
}

/// Publishes on a sink's broker.
pub(crate) enum Publisher {
    Mqtt(mqtt::Publisher),
    Nats(nats::Publisher),
}

impl Publisher {
    /// Connects to `sink`'s broker: it has accepted the connection when this returns.
    pub(crate) async fn connect(sink: &Sink) -> Result<Self, StreamError> {
        let endpoint = sink.endpoint();
        Ok(match endpoint.protocol() {
            Protocol::Mqtt => Publisher::Mqtt(mqtt::Publisher::connect(endpoint, sink.topic()).await?),
            Protocol::Nats => Publisher::Nats(nats::Publisher::connect(endpoint, sink.topic()).await?),
        })
    }

    /// Hands `message` to the connection to be published on `name`, waiting while the connection's queue is full.
    pub(crate) async fn publish(&self, name: SinkName, message: Message) -> Result<(), PublishError> {
        match self {
            Publisher::Mqtt(publisher) => publisher.publish(name, message).await,
            Publisher::Nats(publisher) => publisher.publish(name, message).await,
        }
    }

    /// Sends what was handed over and closes the connection, in a bounded time.
    pub(crate) async fn close(self) {
        match self {
            Publisher::Mqtt(publisher) => publisher.close().await,
            Publisher::Nats(publisher) => publisher.close().await,
        }
    }
}
