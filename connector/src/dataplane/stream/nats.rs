//! NATS core over async-nats: a subscription to a subject and a publisher on one subject. The client reconnects by
//! itself with backoff and renews its subscriptions; what the server publishes while the connection is down is not
//! received (NATS core keeps nothing).
//!
//! NATS has no backpressure towards the server: a subscriber that cannot keep up loses messages. A subscription
//! therefore takes every message off the connection at once into a queue bounded by bytes ([`BURST_BYTES`]), so a
//! burst faster than the reader is absorbed rather than dropped; only what exceeds the bound is lost.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use async_nats::{Client, ConnectErrorKind, ConnectOptions, Event, RequestErrorKind, Subject, Subscriber};
use bytes::Bytes;
use futures_util::StreamExt as _;
use tokio::sync::mpsc;
use tokio::time::timeout;
use tokio_util::task::AbortOnDropHandle;
use tracing::{debug, info, warn};

use super::connection::PublishError;
use super::names::SinkName;
use super::{BUFFER, Credentials, Endpoint, Message, ReceivedName, SETUP_TIMEOUT, STOP_GRACE, StreamError};

/// How many received messages the client's own queue holds for a subscription before it drops new ones. The
/// subscription empties it into its burst queue as they come, but the client parses what its socket has in one
/// go (up to tokio's budget of reads, some megabytes) before that can run, and on a busy machine the subscription's
/// task may wait its turn longer still: so that small messages are not dropped here before the byte bound behind
/// it is reached, this count is that bound over a small message's charge (192 bytes of subject and payload).
const SUBSCRIPTION_CAPACITY: usize = BURST_BYTES / (192 + MESSAGE_OVERHEAD);

/// How many bytes of received messages each subscription holds for a reader slower than its source before it
/// drops new ones: the amount a NATS server holds for a slow client by default before it cuts the connection.
const BURST_BYTES: usize = 64 * 1024 * 1024;

/// What a queued message is charged beyond its subject and payload (its allocations and bookkeeping).
const MESSAGE_OVERHEAD: usize = 64;

/// How long to wait for the server to confirm it has processed a new subscription.
const ROUND_TRIP_TIMEOUT: Duration = Duration::from_secs(2);

/// Connects to `endpoint` with its login: the server has accepted the connection when this returns.
async fn connect(endpoint: &Endpoint) -> Result<Client, StreamError> {
    let broker = endpoint.url().to_string();
    let options = ConnectOptions::new()
        .name("ldt-connector")
        .connection_timeout(SETUP_TIMEOUT)
        .reconnect_delay_callback(super::reconnect_delay)
        .subscription_capacity(SUBSCRIPTION_CAPACITY)
        .client_capacity(BUFFER)
        .event_callback(move |event| {
            let broker = broker.clone();
            async move { report(&broker, event) }
        });
    let options = match endpoint.credentials() {
        Some(Credentials::UserPassword { username, password }) => {
            options.user_and_password(username.clone(), password.clone())
        }
        Some(Credentials::Token(token)) => options.token(token.clone()),
        None => options,
    };
    let address = format!("nats://{}:{}", endpoint.host(), endpoint.port());
    options.connect(address).await.map_err(|error| match error.kind() {
        ConnectErrorKind::AuthorizationViolation | ConnectErrorKind::Authentication => endpoint.refused(error),
        _ => endpoint.unreachable(error),
    })
}

/// Logs what happens to a connection after its start.
fn report(broker: &str, event: Event) {
    match event {
        Event::Connected => info!(broker, "connected to the NATS server"),
        Event::Disconnected => warn!(broker, "lost the NATS connection; reconnecting"),
        Event::SlowConsumer(_) => warn!(broker, "dropped NATS messages: the stream's reader is slower than its source"),
        Event::ServerError(error) => warn!(broker, %error, "the NATS server reported an error"),
        event => debug!(broker, %event, "NATS connection event"),
    }
}

/// The messages published on a subject (wildcards allowed).
pub(crate) struct Subscription {
    messages: mpsc::UnboundedReceiver<Message>,
    queued: Arc<AtomicUsize>,
    _receiving: AbortOnDropHandle<()>,
}

impl Subscription {
    /// Subscribes to `filter` at `endpoint`: the server has processed the subscription when this returns (unless it
    /// did not confirm within [`ROUND_TRIP_TIMEOUT`]).
    pub(crate) async fn open(endpoint: &Endpoint, filter: &str) -> Result<Self, StreamError> {
        let client = connect(endpoint).await?;
        let subscriber = client.subscribe(filter.to_owned()).await.map_err(|error| endpoint.unreachable(error))?;
        round_trip(&client, endpoint).await;
        let (sender, messages) = mpsc::unbounded_channel();
        let queued = Arc::new(AtomicUsize::new(0));
        let receiving = tokio::spawn(receive(client, subscriber, sender, queued.clone(), endpoint.url().to_string()));
        Ok(Subscription { messages, queued, _receiving: AbortOnDropHandle::new(receiving) })
    }

    /// The next message, in the order the server sent them.
    pub(crate) async fn next(&mut self) -> Option<Message> {
        let message = self.messages.recv().await?;
        self.queued.fetch_sub(charge(&message), Ordering::Relaxed);
        Some(message)
    }
}

/// The bytes a queued message counts for against [`BURST_BYTES`].
fn charge(message: &Message) -> usize {
    message.name.as_str().len() + message.payload.len() + MESSAGE_OVERHEAD
}

/// Moves every message off the connection into the subscription's queue while it holds less than
/// [`BURST_BYTES`], dropping what does not fit: reported when dropping starts, and with the count once the queue
/// is half empty again (not once a message, while a reader just slower than its source keeps it full).
async fn receive(
    _client: Client,
    mut subscriber: Subscriber,
    messages: mpsc::UnboundedSender<Message>,
    queued: Arc<AtomicUsize>,
    broker: String,
) {
    let mut dropped = 0_u64;
    while let Some(received) = subscriber.next().await {
        let message =
            Message { name: ReceivedName::Nats(received.subject), payload: received.payload, acknowledged: false };
        let charge = charge(&message);
        let held = queued.load(Ordering::Relaxed);
        if held + charge > BURST_BYTES {
            if dropped == 0 {
                warn!(broker, "dropping NATS messages: the stream's reader is slower than its source");
            }
            dropped += 1;
            continue;
        }
        if dropped > 0 && held < BURST_BYTES / 2 {
            warn!(broker, dropped, "the stream's reader caught up after NATS messages were dropped");
            dropped = 0;
        }
        queued.fetch_add(charge, Ordering::Relaxed);
        if messages.send(message).is_err() {
            return;
        }
    }
}

/// Waits until the server has processed everything sent before: a request nobody answers is answered by the
/// server itself ("no responders") after it. Servers that forbid requests leave it unconfirmed, after a timeout.
async fn round_trip(client: &Client, endpoint: &Endpoint) {
    match timeout(ROUND_TRIP_TIMEOUT, client.request(client.new_inbox(), Bytes::new())).await {
        Ok(Ok(_)) => {}
        Ok(Err(error)) if error.kind() == RequestErrorKind::NoResponders => {}
        Ok(Err(error)) => debug!(broker = %endpoint.url(), %error, "NATS subscription not confirmed"),
        Err(_) => debug!(broker = %endpoint.url(), "NATS subscription not confirmed in time"),
    }
}

/// Publishes on one server.
pub(crate) struct Publisher {
    client: Client,
    subject: Subject,
}

impl Publisher {
    /// Connects to `endpoint` to publish on `subject` (or subjects below it): the server has accepted the
    /// connection when this returns.
    pub(crate) async fn connect(endpoint: &Endpoint, subject: &str) -> Result<Self, StreamError> {
        Ok(Publisher { client: connect(endpoint).await?, subject: Subject::from(subject) })
    }

    /// Hands `message` to the connection, waiting while [`BUFFER`] commands wait for it already.
    pub(crate) async fn publish(&self, name: SinkName, message: Message) -> Result<(), PublishError> {
        let subject = match name {
            SinkName::Base => self.subject.clone(),
            SinkName::Extended(subject) => Subject::from(subject),
        };
        self.client.publish(subject, message.payload).await.map_err(|error| match error.kind() {
            async_nats::client::PublishErrorKind::MaxPayloadExceeded => PublishError::TooLarge,
            _ => PublishError::Closed,
        })
    }

    /// Sends what was handed over and closes the connection, waiting at most [`STOP_GRACE`].
    pub(crate) async fn close(self) {
        if timeout(STOP_GRACE, self.client.drain()).await.is_err() {
            debug!("the NATS sink did not drain in time");
        }
    }
}
