//! MQTT 3.1.1 over rumqttc: a subscription to a topic filter and a publisher on one topic, each one connection
//! whose event loop runs in a task of its own, aborted when it is dropped. A connection lost after the start is made
//! again with backoff, and the subscription renewed; the session is clean, so what the source broker publishes
//! while the connection is down is not received.

use rumqttc::{
    AsyncClient, ConnectReturnCode, ConnectionError, Event, EventLoop, MqttOptions, NetworkOptions, Outgoing, Packet,
    QoS, SubAck, SubscribeReasonCode,
};
use tokio::sync::mpsc;
use tokio::time::{sleep, timeout};
use tokio_util::task::AbortOnDropHandle;
use tracing::{info, warn};
use url::Url;

use super::connection::PublishError;
use super::names::SinkName;
use super::{
    BUFFER, Credentials, Endpoint, MAX_MESSAGE_BYTES, Message, ReceivedName, SETUP_TIMEOUT, STOP_GRACE, StreamError,
    reconnect_delay,
};

/// How often an idle connection pings its broker.
const KEEP_ALIVE: std::time::Duration = std::time::Duration::from_secs(30);

/// Bytes of an MQTT PUBLISH packet besides its topic and payload, at most (fixed header, lengths, packet id).
const PUBLISH_OVERHEAD: usize = 9;

/// A client and its event loop for `endpoint`, not connected yet; its client id is new (clean sessions only).
fn client(endpoint: &Endpoint) -> (AsyncClient, EventLoop) {
    // MQTT 3.1.1 servers must accept client ids of up to 23 characters.
    let id = format!("ldt-{}", &uuid::Uuid::new_v4().simple().to_string()[..19]);
    let mut options = MqttOptions::new(id, endpoint.host(), endpoint.port());
    options
        .set_keep_alive(KEEP_ALIVE)
        .set_max_packet_size(MAX_MESSAGE_BYTES, MAX_MESSAGE_BYTES)
        .set_clean_session(true);
    if let Some(Credentials::UserPassword { username, password }) = endpoint.credentials() {
        options.set_credentials(username, password);
    }
    let (client, mut events) = AsyncClient::new(options, BUFFER);
    let mut network = NetworkOptions::new();
    network.set_tcp_nodelay(true);
    network.set_connection_timeout(SETUP_TIMEOUT.as_secs());
    events.set_network_options(network);
    (client, events)
}

/// Connects to `endpoint`: the broker has accepted the connection when this returns.
async fn connect(endpoint: &Endpoint) -> Result<(AsyncClient, EventLoop), StreamError> {
    let (client, mut events) = client(endpoint);
    match events.poll().await {
        Ok(Event::Incoming(Packet::ConnAck(_))) => Ok((client, events)),
        Ok(event) => Err(endpoint.unreachable(format!("it answered {event:?} to CONNECT"))),
        Err(ConnectionError::ConnectionRefused(code)) => Err(endpoint.refused(refusal(code))),
        Err(error) => Err(endpoint.unreachable(error)),
    }
}

fn refusal(code: ConnectReturnCode) -> &'static str {
    match code {
        ConnectReturnCode::BadUserNamePassword => "bad user name or password",
        ConnectReturnCode::NotAuthorized => "not authorised",
        ConnectReturnCode::ServiceUnavailable => "service unavailable",
        ConnectReturnCode::BadClientId => "client id rejected",
        ConnectReturnCode::RefusedProtocolVersion => "MQTT 3.1.1 is not supported",
        ConnectReturnCode::Success => "no reason given",
    }
}

/// Whether the broker accepted every filter of a subscription.
fn granted(ack: &SubAck) -> bool {
    ack.return_codes.iter().all(|code| matches!(code, SubscribeReasonCode::Success(_)))
}

/// Whether `endpoint` is an MQTT broker accepting connections: connects, and disconnects.
pub(crate) async fn answers(endpoint: &Endpoint) -> bool {
    let Ok((client, mut events)) = connect(endpoint).await else {
        return false;
    };
    if client.try_disconnect().is_ok() {
        while !matches!(events.poll().await, Ok(Event::Outgoing(Outgoing::Disconnect)) | Err(_)) {}
    }
    true
}

/// The messages published under a topic filter, subscribed with QoS 1 (each message comes with the QoS its
/// publisher chose, at most 1).
pub(crate) struct Subscription {
    messages: mpsc::Receiver<Message>,
    _events: AbortOnDropHandle<()>,
}

impl Subscription {
    /// Subscribes to `filter` at `endpoint`: the broker has granted the subscription when this returns.
    pub(crate) async fn open(endpoint: &Endpoint, filter: &str) -> Result<Self, StreamError> {
        let (client, mut events) = connect(endpoint).await?;
        client.try_subscribe(filter, QoS::AtLeastOnce).map_err(|error| endpoint.unreachable(error))?;
        let acknowledged = timeout(SETUP_TIMEOUT, async {
            loop {
                match events.poll().await {
                    Ok(Event::Incoming(Packet::SubAck(ack))) => return Ok(granted(&ack)),
                    Ok(_) => {}
                    Err(error) => return Err(endpoint.unreachable(error)),
                }
            }
        });
        match acknowledged.await {
            Ok(Ok(true)) => {}
            Ok(Ok(false)) => return Err(endpoint.subscription_refused(filter)),
            Ok(Err(error)) => return Err(error),
            Err(_) => return Err(endpoint.unreachable("no answer to SUBSCRIBE")),
        }
        let (sender, messages) = mpsc::channel(BUFFER);
        let task = tokio::spawn(receive(client, events, filter.to_owned(), sender, endpoint.url().clone()));
        Ok(Subscription { messages, _events: AbortOnDropHandle::new(task) })
    }

    /// The next message, in the order the broker sent them.
    pub(crate) async fn next(&mut self) -> Option<Message> {
        self.messages.recv().await
    }
}

/// Runs a subscription's event loop: hands each message on (waiting while the queue is full), reconnects with
/// backoff and subscribes again after a lost connection.
async fn receive(
    client: AsyncClient,
    mut events: EventLoop,
    filter: String,
    messages: mpsc::Sender<Message>,
    broker: Url,
) {
    let mut failures = 0;
    loop {
        match events.poll().await {
            Ok(Event::Incoming(Packet::Publish(publish))) => {
                let message = Message {
                    acknowledged: publish.qos != QoS::AtMostOnce,
                    name: ReceivedName::Mqtt(publish.topic),
                    payload: publish.payload,
                };
                if messages.send(message).await.is_err() {
                    return;
                }
            }
            Ok(Event::Incoming(Packet::ConnAck(_))) => {
                failures = 0;
                info!(%broker, %filter, "reconnected to the MQTT source");
                if let Err(error) = client.try_subscribe(&filter, QoS::AtLeastOnce) {
                    warn!(%broker, %filter, %error, "cannot renew the MQTT subscription");
                }
            }
            Ok(Event::Incoming(Packet::SubAck(ack))) if !granted(&ack) => {
                warn!(%broker, %filter, "the MQTT broker refused the renewed subscription");
            }
            Ok(_) => {}
            Err(error) => {
                failures += 1;
                warn!(%broker, %error, "lost the MQTT source connection; reconnecting");
                sleep(reconnect_delay(failures)).await;
            }
        }
    }
}

/// Publishes on one broker, with QoS 1 for messages that came with it and QoS 0 otherwise, never retained.
pub(crate) struct Publisher {
    client: AsyncClient,
    topic: String,
    events: AbortOnDropHandle<()>,
}

impl Publisher {
    /// Connects to `endpoint` to publish on `topic` (or names below it): the broker has accepted the connection
    /// when this returns.
    pub(crate) async fn connect(endpoint: &Endpoint, topic: &str) -> Result<Self, StreamError> {
        let (client, events) = connect(endpoint).await?;
        let task = tokio::spawn(send(events, endpoint.url().clone()));
        Ok(Publisher { client, topic: topic.to_owned(), events: AbortOnDropHandle::new(task) })
    }

    /// Hands `message` to the connection, waiting while [`BUFFER`] messages wait for it already.
    pub(crate) async fn publish(&self, name: SinkName, message: Message) -> Result<(), PublishError> {
        let topic = match name {
            SinkName::Base => self.topic.clone(),
            SinkName::Extended(topic) => topic,
        };
        if topic.len() + message.payload.len() + PUBLISH_OVERHEAD > MAX_MESSAGE_BYTES {
            return Err(PublishError::TooLarge);
        }
        let qos = if message.acknowledged { QoS::AtLeastOnce } else { QoS::AtMostOnce };
        self.client.publish_bytes(topic, qos, false, message.payload).await.map_err(|_| PublishError::Closed)
    }

    /// Sends what was handed over and disconnects, or drops the connection after [`STOP_GRACE`].
    pub(crate) async fn close(self) {
        let Publisher { client, events, .. } = self;
        let disconnected = async move {
            if client.disconnect().await.is_ok() {
                let _ = events.await;
            }
        };
        let _ = timeout(STOP_GRACE, disconnected).await;
    }
}

/// Runs a publisher's event loop until it has sent DISCONNECT, reconnecting with backoff after a lost connection
/// (the session is clean: what was in flight or queued when the connection was lost is not sent again).
async fn send(mut events: EventLoop, broker: Url) {
    let mut failures = 0;
    loop {
        match events.poll().await {
            Ok(Event::Outgoing(Outgoing::Disconnect)) => return,
            Ok(Event::Incoming(Packet::ConnAck(_))) => {
                failures = 0;
                info!(%broker, "reconnected to the MQTT sink");
            }
            Ok(_) => {}
            Err(error) => {
                failures += 1;
                warn!(%broker, %error, "lost the MQTT sink connection; reconnecting");
                sleep(reconnect_delay(failures)).await;
            }
        }
    }
}
