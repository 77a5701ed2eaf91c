//! Figures of the live-stream relay against real brokers — NATS (`LDT_TEST_NATS_URL`) and Mosquitto
//! (`LDT_TEST_MQTT_URL`), by default on 127.0.0.1 — for a NATS→NATS and an MQTT→MQTT relay on one broker, and for
//! an MQTT relay between two Mosquitto processes of the bench's own configured with `set_tcp_nodelay true` (as a
//! broker serving live feeds should be; Debian's default leaves Nagle's algorithm on, which delays small messages
//! by up to tens of milliseconds):
//!
//! - burst: 200 000 messages of 100 bytes published as fast as one publisher can, relayed (QoS 0 on MQTT),
//!   next to the same messages read directly at the source (the publisher's and broker's own limit);
//! - sustained: messages of 100 bytes published for 2 s at a steady offered rate (100 000 and 200 000 per second),
//!   how many of them the relay delivers and at what rate — NATS has no backpressure, so a relay slower than its
//!   source loses messages once its burst queue is full;
//! - added latency: messages paced at 1 000/s, each read both directly at the source and after the relay; the
//!   relay adds the difference (p50 and p99 over the messages);
//! - stop delay: from cancelling a relay carrying a flood of messages until `RelayHandle::stopped` returns.
//!
//! Goals: ≥ 100 000 messages/s, added p99 ≤ 2 ms, stop < 100 ms.
//!
//! `cargo bench -p ldt-connector --bench stream_relay`

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use ldt_connector::dataplane::stream::{Endpoint, Progress, Protocol, Sink, Source, relay};
use rumqttc::{AsyncClient, Event, MqttOptions, Packet, QoS};
use tokio::sync::mpsc;
use tokio::time::{Instant, MissedTickBehavior, interval, sleep, timeout};
use tokio_util::sync::CancellationToken;

const THROUGHPUT_MESSAGES: usize = 200_000;
const OFFERED_RATES: [usize; 2] = [100_000, 200_000];
const SUSTAINED: Duration = Duration::from_secs(2);
const LATENCY_MESSAGES: usize = 2_000;
const PAYLOAD_BYTES: usize = 100;
const STOP_RUNS: usize = 20;
/// How long a reader waits for the next message before the run counts what arrived.
const QUIET: Duration = Duration::from_secs(5);

fn endpoint(var: &str, default: &str) -> Endpoint {
    let url = std::env::var(var).unwrap_or_else(|_| default.to_owned());
    Endpoint::parse(&url, None).unwrap_or_else(|error| panic!("{var}: {error}"))
}

fn separator(endpoint: &Endpoint) -> char {
    match endpoint.protocol() {
        Protocol::Mqtt => '/',
        Protocol::Nats => '.',
    }
}

/// A payload of [`PAYLOAD_BYTES`] starting with `index`.
fn payload(index: usize) -> Bytes {
    let mut bytes = vec![b'x'; PAYLOAD_BYTES];
    bytes[..8].copy_from_slice(&(index as u64).to_be_bytes());
    Bytes::from(bytes)
}

fn index_of(payload: &[u8]) -> usize {
    u64::from_be_bytes(payload[..8].try_into().expect("an indexed payload")) as usize
}

/// Everything published on `name` from the moment this returns, with the time each message was read.
async fn reader(endpoint: &Endpoint, name: &str) -> mpsc::UnboundedReceiver<(Instant, Bytes)> {
    let (sender, receiver) = mpsc::unbounded_channel();
    match endpoint.protocol() {
        Protocol::Mqtt => {
            let (client, mut events) = mqtt_client(endpoint).await;
            client.subscribe(name, QoS::AtMostOnce).await.expect("subscribe");
            while !matches!(events.poll().await.expect("reader connection"), Event::Incoming(Packet::SubAck(_))) {}
            tokio::spawn(async move {
                let _client = client;
                while let Ok(event) = events.poll().await {
                    if let Event::Incoming(Packet::Publish(publish)) = event
                        && sender.send((Instant::now(), publish.payload)).is_err()
                    {
                        return;
                    }
                }
            });
        }
        Protocol::Nats => {
            let client = nats_client(endpoint).await;
            let mut subscriber = client.subscribe(name.to_owned()).await.expect("subscribe");
            let _ = client.request(client.new_inbox(), Bytes::new()).await;
            tokio::spawn(async move {
                let _client = client;
                while let Some(message) = futures_util::StreamExt::next(&mut subscriber).await {
                    if sender.send((Instant::now(), message.payload)).is_err() {
                        return;
                    }
                }
            });
        }
    }
    receiver
}

async fn mqtt_client(endpoint: &Endpoint) -> (AsyncClient, rumqttc::EventLoop) {
    let id = format!("bench-{}", &uuid::Uuid::new_v4().simple().to_string()[..17]);
    let host = endpoint.url().host_str().expect("a host").to_owned();
    let options = MqttOptions::new(id, host, endpoint.url().port().unwrap_or(1883));
    let (client, mut events) = AsyncClient::new(options, 1_000);
    let mut network = rumqttc::NetworkOptions::new();
    network.set_tcp_nodelay(true);
    events.set_network_options(network);
    match events.poll().await {
        Ok(Event::Incoming(Packet::ConnAck(_))) => (client, events),
        other => panic!("cannot connect to the MQTT broker at {}: {other:?}", endpoint.url()),
    }
}

/// A NATS client whose subscriptions hold a whole burst (the default drops beyond 65 536 waiting messages: the
/// readers here must not lose what the relay delivered).
async fn nats_client(endpoint: &Endpoint) -> async_nats::Client {
    async_nats::ConnectOptions::new()
        .subscription_capacity(1 << 20)
        .connect(endpoint.url().as_str())
        .await
        .unwrap_or_else(|error| panic!("cannot connect to the NATS server at {}: {error}", endpoint.url()))
}

/// Publishes at a broker with QoS 0 (MQTT).
enum Publisher {
    Mqtt(AsyncClient, tokio::task::JoinHandle<()>),
    Nats(async_nats::Client),
}

impl Publisher {
    async fn connect(endpoint: &Endpoint) -> Publisher {
        match endpoint.protocol() {
            Protocol::Mqtt => {
                let (client, mut events) = mqtt_client(endpoint).await;
                Publisher::Mqtt(client, tokio::spawn(async move { while events.poll().await.is_ok() {} }))
            }
            Protocol::Nats => Publisher::Nats(nats_client(endpoint).await),
        }
    }

    async fn publish(&self, name: &str, payload: Bytes) {
        match self {
            Publisher::Mqtt(client, _) => {
                client.publish_bytes(name, QoS::AtMostOnce, false, payload).await.expect("publish")
            }
            Publisher::Nats(client) => client.publish(name.to_owned(), payload).await.expect("publish"),
        }
    }

    async fn flush(&self) {
        if let Publisher::Nats(client) = self {
            client.flush().await.expect("flush");
        }
    }
}

impl Drop for Publisher {
    fn drop(&mut self) {
        if let Publisher::Mqtt(_, task) = self {
            task.abort();
        }
    }
}

/// The brokers of a relay: where messages are published, where the relay publishes them again.
struct Brokers {
    label: &'static str,
    from: Endpoint,
    to: Endpoint,
}

/// A relay from `<id>/src` to `<id>/dst` (or `.` on NATS), with the names.
struct Run {
    source: String,
    sink: String,
    cancel: CancellationToken,
    handle: ldt_connector::dataplane::stream::RelayHandle,
}

async fn start(brokers: &Brokers) -> Run {
    let id = format!("bench-{}", uuid::Uuid::new_v4().simple());
    let sep = separator(&brokers.from);
    let (source, sink) = (format!("{id}{sep}src"), format!("{id}{sep}dst"));
    let cancel = CancellationToken::new();
    let handle = relay(
        &Source::new(brokers.from.clone(), source.clone()).expect("a source"),
        &Sink::new(brokers.to.clone(), sink.clone()).expect("a sink"),
        cancel.clone(),
        Arc::new(Progress::default()),
    )
    .await
    .unwrap_or_else(|error| panic!("the relay does not start: {error}"));
    Run { source, sink, cancel, handle }
}

/// Counts what `reader` receives until `expected` arrived or it is quiet for [`QUIET`]; returns the count and
/// the time of the last message.
async fn count(mut reader: mpsc::UnboundedReceiver<(Instant, Bytes)>, expected: usize) -> (usize, Instant) {
    let (mut received, mut last) = (0, Instant::now());
    while received < expected {
        match timeout(QUIET, reader.recv()).await {
            Ok(Some((at, _))) => (received, last) = (received + 1, at),
            _ => break,
        }
    }
    (received, last)
}

async fn throughput(brokers: &Brokers) {
    let (label, run) = (brokers.label, start(brokers).await);
    let relayed = tokio::spawn(count(reader(&brokers.to, &run.sink).await, THROUGHPUT_MESSAGES));
    let direct = tokio::spawn(count(reader(&brokers.from, &run.source).await, THROUGHPUT_MESSAGES));
    let publisher = Publisher::connect(&brokers.from).await;
    let started = Instant::now();
    for index in 0..THROUGHPUT_MESSAGES {
        publisher.publish(&run.source, payload(index)).await;
    }
    publisher.flush().await;
    let published = started.elapsed();
    let (direct, relayed) = (direct.await.expect("direct reader"), relayed.await.expect("relayed reader"));
    let rate = |(received, last): (usize, Instant)| received as f64 / (last - started).as_secs_f64();
    println!(
        "{label:<6} burst       relayed {:>9.0} msg/s ({} of {THROUGHPUT_MESSAGES})   direct {:>9.0} msg/s ({})   \
         published in {:.2} s   goal >= 100000 msg/s",
        rate(relayed),
        relayed.0,
        rate(direct),
        direct.0,
        published.as_secs_f64()
    );
    run.cancel.cancel();
    run.handle.stopped().await;
}

/// Publishes at `rate` messages per second for [`SUSTAINED`] (a batch each millisecond) and reports what the relay
/// delivered.
async fn sustained(brokers: &Brokers, rate: usize) {
    let (label, run) = (brokers.label, start(brokers).await);
    let expected = rate * SUSTAINED.as_millis() as usize / 1000;
    let relayed = tokio::spawn(count(reader(&brokers.to, &run.sink).await, expected));
    let publisher = Publisher::connect(&brokers.from).await;
    let mut pace = interval(Duration::from_millis(1));
    pace.set_missed_tick_behavior(MissedTickBehavior::Burst);
    let started = Instant::now();
    let mut published = 0;
    while published < expected {
        pace.tick().await;
        let due = (rate as f64 * started.elapsed().as_secs_f64()) as usize;
        while published < due.min(expected) {
            publisher.publish(&run.source, payload(published)).await;
            published += 1;
        }
    }
    publisher.flush().await;
    let publishing = started.elapsed().as_secs_f64();
    let (received, last) = relayed.await.expect("relayed reader");
    println!(
        "{label:<6} sustained   offered {rate:>7} msg/s (published at {:>7.0})   relayed {:>9.0} msg/s ({received} of \
         {expected})",
        expected as f64 / publishing,
        received as f64 / (last - started).as_secs_f64(),
    );
    run.cancel.cancel();
    run.handle.stopped().await;
}

/// Arrival times by message index.
async fn arrivals(mut reader: mpsc::UnboundedReceiver<(Instant, Bytes)>) -> Vec<Option<Instant>> {
    let mut times = vec![None; LATENCY_MESSAGES];
    let mut received = 0;
    while received < LATENCY_MESSAGES {
        match timeout(QUIET, reader.recv()).await {
            Ok(Some((at, payload))) => {
                times[index_of(&payload)] = Some(at);
                received += 1;
            }
            _ => break,
        }
    }
    times
}

fn percentile(sorted: &[Duration], fraction: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * fraction).round() as usize]
}

async fn latency(brokers: &Brokers) {
    let (label, run) = (brokers.label, start(brokers).await);
    let relayed = tokio::spawn(arrivals(reader(&brokers.to, &run.sink).await));
    let direct = tokio::spawn(arrivals(reader(&brokers.from, &run.source).await));
    let publisher = Publisher::connect(&brokers.from).await;
    let mut sent = Vec::with_capacity(LATENCY_MESSAGES);
    let mut pace = interval(Duration::from_millis(1));
    pace.set_missed_tick_behavior(MissedTickBehavior::Delay);
    for index in 0..LATENCY_MESSAGES {
        pace.tick().await;
        sent.push(Instant::now());
        publisher.publish(&run.source, payload(index)).await;
        publisher.flush().await;
    }
    let (direct, relayed) = (direct.await.expect("direct reader"), relayed.await.expect("relayed reader"));
    let (mut direct_latency, mut relayed_latency, mut added) = (Vec::new(), Vec::new(), Vec::new());
    for ((sent, direct), relayed) in sent.iter().zip(&direct).zip(&relayed) {
        if let (Some(direct), Some(relayed)) = (direct, relayed) {
            direct_latency.push(*direct - *sent);
            relayed_latency.push(*relayed - *sent);
            added.push(relayed.saturating_duration_since(*direct));
        }
    }
    for samples in [&mut direct_latency, &mut relayed_latency, &mut added] {
        samples.sort();
    }
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    println!(
        "{label:<6} latency     direct p50 {:>6.0} µs p99 {:>6.0} µs   relayed p50 {:>6.0} µs p99 {:>6.0} µs   \
         added p50 {:>6.0} µs p99 {:>6.0} µs ({} of {LATENCY_MESSAGES} messages)   goal added p99 <= 2000 µs",
        us(percentile(&direct_latency, 0.5)),
        us(percentile(&direct_latency, 0.99)),
        us(percentile(&relayed_latency, 0.5)),
        us(percentile(&relayed_latency, 0.99)),
        us(percentile(&added, 0.5)),
        us(percentile(&added, 0.99)),
        added.len()
    );
    run.cancel.cancel();
    run.handle.stopped().await;
}

async fn stop_delay(brokers: &Brokers) {
    let label = brokers.label;
    let mut delays = Vec::with_capacity(STOP_RUNS);
    for _ in 0..STOP_RUNS {
        let run = start(brokers).await;
        let publisher = Publisher::connect(&brokers.from).await;
        let flooding = CancellationToken::new();
        let flood = {
            let (flooding, source) = (flooding.clone(), run.source.clone());
            tokio::spawn(async move {
                let mut index = 0;
                while !flooding.is_cancelled() {
                    publisher.publish(&source, payload(index)).await;
                    index += 1;
                    if index % 64 == 0 {
                        tokio::task::yield_now().await;
                    }
                }
            })
        };
        sleep(Duration::from_millis(200)).await;
        let cancelled = Instant::now();
        run.cancel.cancel();
        run.handle.stopped().await;
        delays.push(cancelled.elapsed());
        flooding.cancel();
        flood.await.expect("flood");
    }
    delays.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "{label:<6} stop delay  median {:>6.2} ms   max {:>6.2} ms   under a flood of messages ({STOP_RUNS} runs)   \
         goal < 100 ms",
        ms(percentile(&delays, 0.5)),
        ms(delays[delays.len() - 1])
    );
}

/// A Mosquitto process of the bench's own on a free port, with `set_tcp_nodelay true`; killed when dropped.
struct Mosquitto {
    process: std::process::Child,
    endpoint: Endpoint,
    _config: tempfile::NamedTempFile,
}

impl Mosquitto {
    async fn start() -> Mosquitto {
        use std::io::Write as _;
        let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port();
        let mut config = tempfile::NamedTempFile::new().expect("a configuration file");
        writeln!(config, "listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\nset_tcp_nodelay true")
            .expect("the configuration");
        let mut command = std::process::Command::new("mosquitto");
        command.arg("-c").arg(config.path()).stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null());
        let process = command.spawn().expect("mosquitto is installed (scripts/test.sh installs it)");
        let address = format!("127.0.0.1:{port}");
        while tokio::net::TcpStream::connect(&address).await.is_err() {
            sleep(Duration::from_millis(20)).await;
        }
        let endpoint = Endpoint::parse(&format!("mqtt://{address}"), None).expect("an endpoint");
        Mosquitto { process, endpoint, _config: config }
    }
}

impl Drop for Mosquitto {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

#[tokio::main]
async fn main() {
    let nats = endpoint("LDT_TEST_NATS_URL", "nats://127.0.0.1:4222");
    let mqtt = endpoint("LDT_TEST_MQTT_URL", "mqtt://127.0.0.1:1883");
    let (source, sink) = (Mosquitto::start().await, Mosquitto::start().await);
    let runs = [
        Brokers { label: "NATS", from: nats.clone(), to: nats },
        Brokers { label: "MQTT", from: mqtt.clone(), to: mqtt },
        Brokers { label: "MQTT×2", from: source.endpoint.clone(), to: sink.endpoint.clone() },
    ];
    for brokers in &runs {
        throughput(brokers).await;
        for rate in OFFERED_RATES {
            sustained(brokers, rate).await;
        }
        latency(brokers).await;
        stop_delay(brokers).await;
    }
}
