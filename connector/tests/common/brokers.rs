//! Real brokers for stream tests: Mosquitto at `LDT_TEST_MQTT_URL` and NATS at `LDT_TEST_NATS_URL` (`.ci/run`
//! sets both), readers that see everything published under a filter, and publishers that wait until the broker has
//! taken their messages.

use std::net::TcpListener;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use ldt_connector::dataplane::stream::{Credentials, Endpoint, Protocol};
use rumqttc::{AsyncClient, Event, MqttOptions, Packet, QoS};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

/// How long a test waits for messages that should arrive.
pub const ARRIVAL: Duration = Duration::from_secs(10);
/// How long a test waits to be sure a message does not arrive.
pub const SILENCE: Duration = Duration::from_millis(500);
/// The stop delay asserted (generous: the goal, under 100 ms, is measured by `benches/stream_relay.rs`).
pub const STOP_BOUND: Duration = Duration::from_secs(2);

/// The broker whose URL is in the environment variable `var`; fails the test, saying so, when it is not set.
pub fn endpoint_from(var: &str) -> Endpoint {
    let url = std::env::var(var).unwrap_or_else(|_| {
        panic!("{var} is not set: run the tests through scripts/test.sh, which starts the broker and sets it")
    });
    Endpoint::parse(&url, None).unwrap_or_else(|error| panic!("{var}: {error}"))
}

/// The Mosquitto broker at `LDT_TEST_MQTT_URL`.
pub fn mosquitto() -> Endpoint {
    endpoint_from("LDT_TEST_MQTT_URL")
}

/// The NATS server at `LDT_TEST_NATS_URL`.
pub fn nats() -> Endpoint {
    endpoint_from("LDT_TEST_NATS_URL")
}

/// A name prefix no other test uses, valid as an MQTT topic level and a NATS token.
pub fn unique() -> String {
    format!("ldt-test-{}", uuid::Uuid::new_v4().simple())
}

/// A port free on loopback now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|listener| listener.local_addr()).expect("a free port").port()
}

/// A message as a reader of the sink sees it: its name and payload.
pub type Received = (String, Bytes);

/// A reader of a broker: everything published under `filter`, received from the moment this returns.
pub async fn reader(endpoint: &Endpoint, filter: &str) -> mpsc::UnboundedReceiver<Received> {
    let (sender, receiver) = mpsc::unbounded_channel();
    match endpoint.protocol() {
        Protocol::Mqtt => {
            let (client, mut events) = mqtt_client(endpoint).await;
            client.subscribe(filter, QoS::AtLeastOnce).await.expect("subscribe");
            loop {
                match events.poll().await.expect("the test reader's MQTT connection") {
                    Event::Incoming(Packet::SubAck(_)) => break,
                    _ => continue,
                }
            }
            tokio::spawn(async move {
                let _client = client;
                while let Ok(event) = events.poll().await {
                    if let Event::Incoming(Packet::Publish(publish)) = event
                        && sender.send((publish.topic, publish.payload)).is_err()
                    {
                        return;
                    }
                }
            });
        }
        Protocol::Nats => {
            let client = nats_client(endpoint).await;
            let mut subscriber = client.subscribe(filter.to_owned()).await.expect("subscribe");
            // A request nobody answers comes back after the subscription is in place.
            let _ = client.request(client.new_inbox(), Bytes::new()).await;
            tokio::spawn(async move {
                let _client = client;
                while let Some(message) = futures_util::StreamExt::next(&mut subscriber).await {
                    if sender.send((message.subject.to_string(), message.payload)).is_err() {
                        return;
                    }
                }
            });
        }
    }
    receiver
}

/// A connected MQTT client of `endpoint` and its event loop.
pub async fn mqtt_client(endpoint: &Endpoint) -> (AsyncClient, rumqttc::EventLoop) {
    let id = format!("test-{}", &uuid::Uuid::new_v4().simple().to_string()[..18]);
    let port = endpoint.url().port().unwrap_or(1883);
    let host = endpoint.url().host_str().expect("a host").to_owned();
    let mut options = MqttOptions::new(id, host, port);
    options.set_max_packet_size(1 << 20, 1 << 20);
    if let Some(Credentials::UserPassword { username, password }) = endpoint.credentials() {
        options.set_credentials(username, password);
    }
    let (client, mut events) = AsyncClient::new(options, 1000);
    match events.poll().await {
        Ok(Event::Incoming(Packet::ConnAck(_))) => (client, events),
        other => panic!("cannot connect to the MQTT broker at {}: {other:?}", endpoint.url()),
    }
}

/// A connected NATS client of `endpoint`.
pub async fn nats_client(endpoint: &Endpoint) -> async_nats::Client {
    let options = match endpoint.credentials() {
        Some(Credentials::UserPassword { username, password }) => {
            async_nats::ConnectOptions::with_user_and_password(username.clone(), password.clone())
        }
        Some(Credentials::Token(token)) => async_nats::ConnectOptions::with_token(token.clone()),
        None => async_nats::ConnectOptions::new(),
    };
    options
        .connect(endpoint.url().as_str())
        .await
        .unwrap_or_else(|error| panic!("cannot connect to the NATS server at {}: {error}", endpoint.url()))
}

/// Publishes test messages at a broker, in order (MQTT with QoS 1). Publishing returns once the broker has taken
/// the messages (MQTT: each acknowledged with PUBACK; NATS: flushed), so a publisher may be dropped right after:
/// rumqttc's `publish` only queues a message for the event loop, which dropping the publisher aborts.
pub enum Publisher {
    Mqtt { client: AsyncClient, queued: AtomicU64, acknowledged: watch::Receiver<u64>, events: JoinHandle<()> },
    Nats(async_nats::Client),
}

impl Publisher {
    /// A publisher connected to `endpoint`.
    pub async fn connect(endpoint: &Endpoint) -> Publisher {
        match endpoint.protocol() {
            Protocol::Mqtt => {
                let (client, mut events) = mqtt_client(endpoint).await;
                let (acknowledge, acknowledged) = watch::channel(0);
                let events = tokio::spawn(async move {
                    while let Ok(event) = events.poll().await {
                        if let Event::Incoming(Packet::PubAck(_)) = event {
                            acknowledge.send_modify(|count| *count += 1);
                        }
                    }
                });
                Publisher::Mqtt { client, queued: AtomicU64::new(0), acknowledged, events }
            }
            Protocol::Nats => Publisher::Nats(nats_client(endpoint).await),
        }
    }

    /// Hands one message to the connection.
    pub async fn queue(&self, name: &str, payload: &Bytes) {
        match self {
            Publisher::Mqtt { client, queued, .. } => {
                client.publish_bytes(name, QoS::AtLeastOnce, false, payload.clone()).await.expect("publish");
                queued.fetch_add(1, Ordering::Relaxed);
            }
            Publisher::Nats(client) => client.publish(name.to_owned(), payload.clone()).await.expect("publish"),
        }
    }

    /// Waits until the broker has taken every message queued so far.
    pub async fn taken(&self) {
        match self {
            Publisher::Mqtt { queued, acknowledged, .. } => {
                let queued = queued.load(Ordering::Relaxed);
                let mut acknowledged = acknowledged.clone();
                tokio::time::timeout(ARRIVAL, acknowledged.wait_for(|count| *count >= queued))
                    .await
                    .expect("the MQTT broker acknowledged the messages in time")
                    .expect("the test publisher's MQTT connection");
            }
            Publisher::Nats(client) => client.flush().await.expect("flush"),
        }
    }

    /// Publishes one message and waits until the broker has it.
    pub async fn publish(&self, name: &str, payload: &Bytes) {
        self.publish_all(&[(name.to_owned(), payload.clone())]).await;
    }

    /// Publishes `messages` in order and waits until the broker has them all.
    pub async fn publish_all(&self, messages: &[Received]) {
        for (name, payload) in messages {
            self.queue(name, payload).await;
        }
        self.taken().await;
    }
}
