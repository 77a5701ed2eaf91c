//! Live streams against real brokers: relays between Mosquitto (`LDT_TEST_MQTT_URL`), NATS (`LDT_TEST_NATS_URL`)
//! and the embedded broker, within and across protocols; pulls as server-sent events; stopping (nothing arrives
//! after a relay stopped, checked against a reader of the source that does see the later messages);
//! reconnection after a broker restart; logins; unreachable brokers.
//!
//! Brokers of a test's own (for restarts and logins) are `nats-server` and `mosquitto` processes on free ports.
//! Every test uses topics and subjects of its own, so tests run in parallel.

mod common;

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use common::brokers::{ARRIVAL, Publisher, Received, SILENCE, STOP_BOUND, free_port, mosquitto, nats, reader, unique};
use ldt_connector::dataplane::stream::{
    Counts, Credentials, EmbeddedBroker, Endpoint, Progress, Protocol, RelayHandle, Sink, Source, StreamError, events,
    relay,
};
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

impl Drop for Publisher {
    fn drop(&mut self) {
        if let Publisher::Mqtt { events, .. } = self {
            events.abort();
        }
    }
}

/// Takes `count` messages, failing after [`ARRIVAL`].
async fn take(receiver: &mut mpsc::UnboundedReceiver<Received>, count: usize) -> Vec<Received> {
    let mut taken = Vec::with_capacity(count);
    let deadline = tokio::time::Instant::now() + ARRIVAL;
    while taken.len() < count {
        match tokio::time::timeout_at(deadline, receiver.recv()).await {
            Ok(Some(message)) => taken.push(message),
            Ok(None) => panic!("the reader ended after {} of {count} messages", taken.len()),
            Err(_) => panic!("only {} of {count} messages arrived within {ARRIVAL:?}: {taken:?}", taken.len()),
        }
    }
    taken
}

/// Asserts that nothing arrives within [`SILENCE`].
async fn assert_silent(receiver: &mut mpsc::UnboundedReceiver<Received>, why: &str) {
    if let Ok(Some(message)) = tokio::time::timeout(SILENCE, receiver.recv()).await {
        panic!("{why}, yet {message:?} arrived");
    }
}

/// `count` numbered messages under `prefix`, spread over two names below it, a binary payload among them.
fn numbered(prefix: &str, separator: char, count: usize) -> Vec<Received> {
    (0..count)
        .map(|i| {
            let name = if i % 2 == 0 {
                format!("{prefix}{separator}a7{separator}speed")
            } else {
                format!("{prefix}{separator}b")
            };
            let payload = if i == 1 {
                Bytes::from_static(&[0, 159, 146, 150, 255])
            } else {
                Bytes::from(format!("{{\"n\":{i}}}"))
            };
            (name, payload)
        })
        .collect()
}

/// The names the messages under `from` get under `to`.
fn renamed(messages: &[Received], from: (&str, char), to: (&str, char)) -> Vec<Received> {
    messages
        .iter()
        .map(|(name, payload)| {
            let suffix = name.strip_prefix(from.0).expect("a name under the prefix").replace(from.1, &to.1.to_string());
            (format!("{}{suffix}", to.0), payload.clone())
        })
        .collect()
}

fn payload_bytes(messages: &[Received]) -> u64 {
    messages.iter().map(|(_, payload)| payload.len() as u64).sum()
}

fn separator(endpoint: &Endpoint) -> char {
    match endpoint.protocol() {
        Protocol::Mqtt => '/',
        Protocol::Nats => '.',
    }
}

fn wildcard(endpoint: &Endpoint) -> &'static str {
    match endpoint.protocol() {
        Protocol::Mqtt => "#",
        Protocol::Nats => ">",
    }
}

/// Stops a relay by its token and returns how long it took to end.
async fn stop(cancel: &CancellationToken, handle: RelayHandle) -> Duration {
    let started = Instant::now();
    cancel.cancel();
    tokio::time::timeout(STOP_BOUND * 5, handle.stopped()).await.expect("the relay did not stop");
    started.elapsed()
}

/// Relays a wildcard source at `from` to a sink at `to`: every message arrives in order with its name extended
/// and its payload untouched, the progress counts them, and after the stop no message arrives although the source
/// still publishes.
async fn relays_in_order_until_stopped(from: Endpoint, to: Endpoint) {
    let id = unique();
    let (from_sep, to_sep) = (separator(&from), separator(&to));
    let source_prefix = format!("{id}{from_sep}src");
    let sink_prefix = format!("{id}{to_sep}dst");
    let source = Source::new(from.clone(), format!("{source_prefix}{from_sep}{}", wildcard(&from))).unwrap();
    let sink = Sink::new(to.clone(), sink_prefix.clone()).unwrap();
    let mut sink_reader = reader(&to, &format!("{sink_prefix}{to_sep}{}", wildcard(&to))).await;
    let mut source_reader = reader(&from, source.filter()).await;

    let cancel = CancellationToken::new();
    let progress = Arc::new(Progress::default());
    let handle = relay(&source, &sink, cancel.clone(), progress.clone()).await.expect("the relay starts");
    let publisher = Publisher::connect(&from).await;
    let messages = numbered(&source_prefix, from_sep, 300);
    publisher.publish_all(&messages).await;

    let expected = renamed(&messages, (&source_prefix, from_sep), (&sink_prefix, to_sep));
    assert_eq!(take(&mut sink_reader, expected.len()).await, expected, "relayed in order, payloads untouched");
    assert_eq!(take(&mut source_reader, messages.len()).await, messages);
    assert_eq!(progress.counts(), Counts { messages: 300, bytes: payload_bytes(&messages), skipped: 0 });

    let delay = stop(&cancel, handle).await;
    assert!(delay < STOP_BOUND, "the relay took {delay:?} to stop");
    let later = numbered(&source_prefix, from_sep, 10);
    publisher.publish_all(&later).await;
    assert_eq!(take(&mut source_reader, later.len()).await, later, "the source still publishes");
    assert_silent(&mut sink_reader, "the relay was stopped").await;
    assert_eq!(progress.counts().messages, 300);
}

#[tokio::test]
async fn relays_mqtt_to_mqtt_in_order_until_stopped() {
    relays_in_order_until_stopped(mosquitto(), mosquitto()).await;
}

#[tokio::test]
async fn relays_nats_to_nats_in_order_until_stopped() {
    relays_in_order_until_stopped(nats(), nats()).await;
}

#[tokio::test]
async fn relays_mqtt_to_nats_in_order_until_stopped() {
    relays_in_order_until_stopped(mosquitto(), nats()).await;
}

#[tokio::test]
async fn relays_nats_to_mqtt_in_order_until_stopped() {
    relays_in_order_until_stopped(nats(), mosquitto()).await;
}

#[tokio::test]
async fn relays_from_the_embedded_broker() {
    let broker = EmbeddedBroker::start("127.0.0.1:0".parse().unwrap()).await.expect("the embedded broker starts");
    assert_eq!(broker.endpoint().url().as_str(), format!("mqtt://{}", broker.address()));
    relays_in_order_until_stopped(broker.endpoint().clone(), mosquitto()).await;
    let address = broker.address();
    broker.stop().await;
    assert!(TcpStream::connect(address).is_err(), "the stopped broker still listens");
}

#[tokio::test]
async fn a_fixed_source_goes_to_the_sink_topic_itself() {
    let id = unique();
    let source = Source::new(nats(), format!("{id}.speed")).unwrap();
    let sink = Sink::new(mosquitto(), format!("{id}/in")).unwrap();
    let mut sink_reader = reader(&mosquitto(), &format!("{id}/#")).await;
    let cancel = CancellationToken::new();
    let handle = relay(&source, &sink, cancel.clone(), Arc::default()).await.expect("the relay starts");
    Publisher::connect(&nats()).await.publish(&format!("{id}.speed"), &Bytes::from_static(b"48")).await;
    assert_eq!(take(&mut sink_reader, 1).await, [(format!("{id}/in"), Bytes::from_static(b"48"))]);
    stop(&cancel, handle).await;
}

#[tokio::test]
async fn names_invalid_on_the_sink_are_skipped_and_counted() {
    let id = unique();
    let source = Source::new(mosquitto(), format!("{id}/src/#")).unwrap();
    let sink = Sink::new(nats(), format!("{id}.dst")).unwrap();
    let mut sink_reader = reader(&nats(), &format!("{id}.dst.>")).await;
    let cancel = CancellationToken::new();
    let progress = Arc::new(Progress::default());
    let handle = relay(&source, &sink, cancel.clone(), progress.clone()).await.expect("the relay starts");
    let publisher = Publisher::connect(&mosquitto()).await;
    // A space and an empty level make no NATS subject; the message after them still passes.
    publisher.publish(&format!("{id}/src/a b"), &Bytes::from_static(b"1")).await;
    publisher.publish(&format!("{id}/src//x"), &Bytes::from_static(b"2")).await;
    publisher.publish(&format!("{id}/src/ok"), &Bytes::from_static(b"3")).await;
    assert_eq!(take(&mut sink_reader, 1).await, [(format!("{id}.dst.ok"), Bytes::from_static(b"3"))]);
    assert_eq!(progress.counts(), Counts { messages: 1, bytes: 1, skipped: 2 });
    stop(&cancel, handle).await;
}

#[tokio::test]
async fn dropping_the_handle_stops_the_relay() {
    let id = unique();
    let source = Source::new(nats(), format!("{id}.src")).unwrap();
    let sink = Sink::new(nats(), format!("{id}.dst")).unwrap();
    let mut sink_reader = reader(&nats(), &format!("{id}.dst")).await;
    let mut source_reader = reader(&nats(), &format!("{id}.src")).await;
    let handle = relay(&source, &sink, CancellationToken::new(), Arc::default()).await.expect("the relay starts");
    let publisher = Publisher::connect(&nats()).await;
    let first = (format!("{id}.src"), Bytes::from_static(b"first"));
    publisher.publish_all(std::slice::from_ref(&first)).await;
    assert_eq!(take(&mut sink_reader, 1).await[0].1, first.1);
    drop(handle);
    tokio::time::sleep(Duration::from_millis(100)).await;
    publisher.publish(&first.0, &Bytes::from_static(b"later")).await;
    assert_eq!(take(&mut source_reader, 2).await[1].1, Bytes::from_static(b"later"));
    assert_silent(&mut sink_reader, "the relay's handle was dropped").await;
}

/// Serves `events` for one source on a free port; the tests stop it with the token.
async fn serve_events(source: Source, cancel: CancellationToken, progress: Arc<Progress>) -> SocketAddr {
    async fn handler(State((source, cancel, progress)): State<(Source, CancellationToken, Arc<Progress>)>) -> Response {
        match events(&source, cancel, progress).await {
            Ok(sse) => sse.into_response(),
            Err(error) => (StatusCode::BAD_GATEWAY, error.to_string()).into_response(),
        }
    }
    let app = axum::Router::new().route("/events", axum::routing::get(handler)).with_state((source, cancel, progress));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move { axum::serve(listener, app).await });
    address
}

/// Reads server-sent events: the data of each `message` event as JSON, until `count` or the end of the response.
async fn read_events(response: &mut reqwest::Response, count: usize) -> Vec<Value> {
    read_events_within(response, count, ARRIVAL).await.expect("events in time")
}

/// Reads server-sent events as [`read_events`] does, and when no more came within `wait`, those read so far as
/// an error.
async fn read_events_within(
    response: &mut reqwest::Response,
    count: usize,
    wait: Duration,
) -> Result<Vec<Value>, Vec<Value>> {
    let mut text = String::new();
    let mut found = Vec::new();
    while found.len() < count {
        let Ok(chunk) = tokio::time::timeout(wait, response.chunk()).await else { return Err(found) };
        let Some(chunk) = chunk.expect("body") else { break };
        text.push_str(std::str::from_utf8(&chunk).expect("UTF-8 events"));
        while let Some(end) = text.find("\n\n") {
            let block: String = text.drain(..end + 2).collect();
            let mut lines = block.lines();
            if lines.next() == Some("event: message") {
                let data = lines.next().and_then(|line| line.strip_prefix("data: ")).expect("a data line");
                found.push(serde_json::from_str(data).expect("JSON data"));
            }
        }
    }
    Ok(found)
}

/// Pulls a wildcard source at `from` as server-sent events: text payloads as text, others in base64, names below
/// the filter's fixed levels; the response ends when the token is cancelled.
async fn pulls_as_server_sent_events(from: Endpoint) {
    let id = unique();
    let sep = separator(&from);
    let prefix = format!("{id}{sep}src");
    let source = Source::new(from.clone(), format!("{prefix}{sep}{}", wildcard(&from))).unwrap();
    let cancel = CancellationToken::new();
    let progress = Arc::new(Progress::default());
    let address = serve_events(source, cancel.clone(), progress.clone()).await;
    let mut response = reqwest::get(format!("http://{address}/events")).await.expect("GET /events");
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/event-stream");

    let messages = numbered(&prefix, sep, 50);
    Publisher::connect(&from).await.publish_all(&messages).await;
    let expected: Vec<Value> = messages
        .iter()
        .map(|(name, payload)| {
            let topic = name.strip_prefix(&format!("{prefix}{sep}")).expect("a name under the prefix");
            match std::str::from_utf8(payload) {
                Ok(text) => json!({"topic": topic, "payload": text}),
                Err(_) => json!({"topic": topic, "payloadBase64": "AJ+Slv8="}),
            }
        })
        .collect();
    assert_eq!(read_events(&mut response, messages.len()).await, expected);
    assert_eq!(progress.counts(), Counts { messages: 50, bytes: payload_bytes(&messages), skipped: 0 });

    let started = Instant::now();
    cancel.cancel();
    let rest = read_events(&mut response, 1).await;
    assert!(rest.is_empty(), "events after the cancellation: {rest:?}");
    assert!(started.elapsed() < STOP_BOUND, "the response took {:?} to end", started.elapsed());
}

#[tokio::test]
async fn pulls_mqtt_as_server_sent_events() {
    pulls_as_server_sent_events(mosquitto()).await;
}

#[tokio::test]
async fn pulls_nats_as_server_sent_events() {
    pulls_as_server_sent_events(nats()).await;
}

/// A NATS pull from `server` whose reader does not read yet, and a burst of `count` messages of `size` bytes
/// published to it: the response and the kernel hold back the stream, so the burst waits in the subscription's
/// queue. Returns once the server has the burst, with the response, the subject and the publisher.
async fn burst_to_a_stalled_nats_pull(
    server: &Endpoint,
    count: usize,
    size: usize,
) -> (reqwest::Response, String, Publisher) {
    let subject = format!("{}.burst", unique());
    let source = Source::new(server.clone(), subject.clone()).unwrap();
    let address = serve_events(source, CancellationToken::new(), Arc::default()).await;
    let response = reqwest::get(format!("http://{address}/events")).await.expect("GET /events");
    assert_eq!(response.status(), 200);
    let publisher = Publisher::connect(server).await;
    let payload = Bytes::from(vec![b'x'; size]);
    for _ in 0..count {
        publisher.queue(&subject, &payload).await;
    }
    publisher.taken().await;
    (response, subject, publisher)
}

#[tokio::test]
async fn a_nats_burst_faster_than_its_reader_is_held_not_dropped() {
    const BURST: usize = 100_000;
    let (mut response, ..) = burst_to_a_stalled_nats_pull(&nats(), BURST, 100).await;
    // NATS has no backpressure: a queue of a few thousand messages (as the client's own) would drop most of these.
    let events = read_events(&mut response, BURST).await;
    assert_eq!(events.len(), BURST, "messages of the burst were dropped");
}

#[tokio::test]
async fn a_nats_burst_beyond_64_mib_is_cut_and_the_stream_goes_on() {
    const MESSAGES: usize = 120;
    // A server of its own that holds 512 MB for a slow client: the default 64 MB could cut the connection of a
    // starved test process before the subscription's own bound is reached.
    let (port, monitor) = (free_port(), free_port());
    let config = tempfile::NamedTempFile::new().expect("a configuration file");
    std::fs::write(config.path(), "max_pending: 536870912\n").expect("the configuration");
    let config_path = config.path().to_string_lossy().into_owned();
    let _server = BrokerProcess::nats(port, &["-c", &config_path, "-m", &monitor.to_string()]);
    let server = Endpoint::parse(&format!("nats://127.0.0.1:{port}"), None).unwrap();
    let (mut response, subject, publisher) = burst_to_a_stalled_nats_pull(&server, MESSAGES, 1_000_000).await;
    // The server has sent the subscription every message (its monitoring counts them) while nobody read.
    delivered_by(monitor, MESSAGES).await;
    // 64 MiB are held (a few more messages sit in socket buffers); the rest of the 120 MB is dropped.
    let held = read_events_within(&mut response, MESSAGES, SILENCE).await.expect_err("some were dropped");
    assert!((64..MESSAGES).contains(&held.len()), "{} of {MESSAGES} megabyte messages arrived", held.len());
    publisher.publish(&subject, &Bytes::from_static(b"after")).await;
    let after = read_events(&mut response, 1).await;
    assert_eq!(after, [json!({"payload": "after"})], "the stream goes on after the overflow");
}

/// Waits until the NATS server whose monitoring listens on `monitor` has sent `count` messages to one connection.
async fn delivered_by(monitor: u16, count: usize) {
    let deadline = Instant::now() + ARRIVAL;
    loop {
        let connections: Value = reqwest::get(format!("http://127.0.0.1:{monitor}/connz"))
            .await
            .expect("the NATS monitoring answers")
            .json()
            .await
            .expect("JSON");
        let sent = connections["connections"].as_array().into_iter().flatten().map(|c| c["out_msgs"].as_u64());
        if sent.flatten().max().unwrap_or(0) >= count as u64 {
            return;
        }
        assert!(Instant::now() < deadline, "the server did not send {count} messages in time: {connections}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A broker process of a test's own on a free port, killed when dropped.
struct BrokerProcess {
    child: Child,
    _dir: tempfile::TempDir,
}

impl BrokerProcess {
    /// `nats-server` on 127.0.0.1:`port` with further arguments (a login).
    fn nats(port: u16, arguments: &[&str]) -> BrokerProcess {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let mut command = Command::new("nats-server");
        command.args(["-a", "127.0.0.1", "-p", &port.to_string()]).args(arguments);
        BrokerProcess::spawn(command, port, dir)
    }

    /// `mosquitto` on 127.0.0.1:`port`, taking only the login `username` / `password`.
    fn mosquitto(port: u16, username: &str, password: &str) -> BrokerProcess {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let passwords = dir.path().join("passwords");
        let made = Command::new("mosquitto_passwd")
            .arg("-b")
            .arg("-c")
            .arg(&passwords)
            .args([username, password])
            .status()
            .expect("mosquitto_passwd is not installed (scripts/test.sh installs Mosquitto)");
        assert!(made.success(), "mosquitto_passwd failed");
        let config = dir.path().join("mosquitto.conf");
        let text = format!(
            "listener {port} 127.0.0.1\nallow_anonymous false\npassword_file {}\npersistence false\nuser root\n",
            passwords.display()
        );
        std::fs::write(&config, text).expect("write the Mosquitto configuration");
        let mut command = Command::new("mosquitto");
        command.arg("-c").arg(&config);
        BrokerProcess::spawn(command, port, dir)
    }

    fn spawn(mut command: Command, port: u16, dir: tempfile::TempDir) -> BrokerProcess {
        let program = command.get_program().to_string_lossy().into_owned();
        let child = command
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|error| panic!("cannot run {program} ({error}); scripts/test.sh installs it"));
        let process = BrokerProcess { child, _dir: dir };
        let deadline = Instant::now() + ARRIVAL;
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "{program} does not listen on port {port}");
            std::thread::sleep(Duration::from_millis(10));
        }
        process
    }
}

impl Drop for BrokerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Publishes `probe` on `name` until the relay passes one to `reader` (what a source publishes while a relay
/// reconnects is lost), then checks that messages pass in order again.
async fn relays_again(publisher: &Publisher, name: &str, reader: &mut mpsc::UnboundedReceiver<Received>) {
    let probe = Bytes::from_static(b"probe");
    let deadline = Instant::now() + ARRIVAL;
    loop {
        assert!(Instant::now() < deadline, "the relay did not come back within {ARRIVAL:?}");
        publisher.publish(name, &probe).await;
        if let Ok(Some(_)) = tokio::time::timeout(Duration::from_millis(100), reader.recv()).await {
            break;
        }
    }
    let messages: Vec<Bytes> = (0..20).map(|i| Bytes::from(format!("after-{i}"))).collect();
    for payload in &messages {
        publisher.publish(name, payload).await;
    }
    // Probes still in flight come first; the messages follow them in order.
    let mut received = Vec::new();
    while received.len() < messages.len() {
        let (_, payload) = take(reader, 1).await.remove(0);
        if payload != probe {
            received.push(payload);
        }
    }
    assert_eq!(received, messages);
}

#[tokio::test]
async fn relays_again_after_the_source_broker_restarts() {
    let broker = EmbeddedBroker::start("127.0.0.1:0".parse().unwrap()).await.expect("the embedded broker starts");
    let address = broker.address();
    let id = unique();
    let source = Source::new(broker.endpoint().clone(), format!("{id}/src")).unwrap();
    let sink = Sink::new(mosquitto(), format!("{id}/dst")).unwrap();
    let mut sink_reader = reader(&mosquitto(), &format!("{id}/dst")).await;
    let cancel = CancellationToken::new();
    let handle = relay(&source, &sink, cancel.clone(), Arc::default()).await.expect("the relay starts");
    let publisher = Publisher::connect(broker.endpoint()).await;
    publisher.publish(&format!("{id}/src"), &Bytes::from_static(b"before")).await;
    assert_eq!(take(&mut sink_reader, 1).await[0].1, Bytes::from_static(b"before"));

    drop(publisher);
    broker.stop().await;
    let broker = EmbeddedBroker::start(address).await.expect("the embedded broker starts again");
    let publisher = Publisher::connect(broker.endpoint()).await;
    relays_again(&publisher, &format!("{id}/src"), &mut sink_reader).await;
    stop(&cancel, handle).await;
}

#[tokio::test]
async fn relays_again_after_the_sink_broker_restarts() {
    let port = free_port();
    let server = BrokerProcess::nats(port, &[]);
    let to = Endpoint::parse(&format!("nats://127.0.0.1:{port}"), None).unwrap();
    let id = unique();
    let source = Source::new(nats(), format!("{id}.src")).unwrap();
    let sink = Sink::new(to.clone(), format!("{id}.dst")).unwrap();
    let mut sink_reader = reader(&to, &format!("{id}.dst")).await;
    let cancel = CancellationToken::new();
    let handle = relay(&source, &sink, cancel.clone(), Arc::default()).await.expect("the relay starts");
    let publisher = Publisher::connect(&nats()).await;
    publisher.publish(&format!("{id}.src"), &Bytes::from_static(b"before")).await;
    assert_eq!(take(&mut sink_reader, 1).await[0].1, Bytes::from_static(b"before"));

    drop(server);
    drop(sink_reader);
    let _server = BrokerProcess::nats(port, &[]);
    let mut sink_reader = reader(&to, &format!("{id}.dst")).await;
    relays_again(&publisher, &format!("{id}.src"), &mut sink_reader).await;
    stop(&cancel, handle).await;
}

/// With the right login a relay from and to `right` works; the wrong one is refused, at the source and at the sink.
async fn logs_in(right: Endpoint, wrong: Endpoint) {
    let id = unique();
    let sep = separator(&right);
    let (from, to) = (format!("{id}{sep}src"), format!("{id}{sep}dst"));
    for (source, sink) in [(&wrong, &right), (&right, &wrong)] {
        let source = Source::new(source.clone(), from.clone()).unwrap();
        let sink = Sink::new(sink.clone(), to.clone()).unwrap();
        match relay(&source, &sink, CancellationToken::new(), Arc::default()).await {
            Err(error @ StreamError::Refused { .. }) => {
                assert!(error.to_string().contains(wrong.url().as_str()), "{error}")
            }
            other => panic!("a wrong login gave {other:?}"),
        }
    }
    let mut sink_reader = reader(&right, &to).await;
    let source = Source::new(right.clone(), from.clone()).unwrap();
    let sink = Sink::new(right.clone(), to.clone()).unwrap();
    let cancel = CancellationToken::new();
    let handle = relay(&source, &sink, cancel.clone(), Arc::default()).await.expect("the right login is taken");
    Publisher::connect(&right).await.publish(&from, &Bytes::from_static(b"in")).await;
    assert_eq!(take(&mut sink_reader, 1).await, [(to, Bytes::from_static(b"in"))]);
    stop(&cancel, handle).await;
}

fn user_password(password: &str) -> Option<Credentials> {
    Some(Credentials::UserPassword { username: "relay".into(), password: password.into() })
}

#[tokio::test]
async fn nats_logins_with_user_and_password() {
    let port = free_port();
    let _server = BrokerProcess::nats(port, &["--user", "relay", "--pass", "s3cret"]);
    let url = format!("nats://127.0.0.1:{port}");
    logs_in(
        Endpoint::parse(&url, user_password("s3cret")).unwrap(),
        Endpoint::parse(&url, user_password("x")).unwrap(),
    )
    .await;
}

#[tokio::test]
async fn nats_logins_with_a_token() {
    let port = free_port();
    let _server = BrokerProcess::nats(port, &["--auth", "tok3n"]);
    let url = format!("nats://127.0.0.1:{port}");
    let token = |token: &str| Some(Credentials::Token(token.into()));
    logs_in(Endpoint::parse(&url, token("tok3n")).unwrap(), Endpoint::parse(&url, token("x")).unwrap()).await;
}

#[tokio::test]
async fn mqtt_logins_with_user_and_password() {
    let port = free_port();
    let _server = BrokerProcess::mosquitto(port, "relay", "s3cret");
    let url = format!("mqtt://127.0.0.1:{port}");
    logs_in(
        Endpoint::parse(&url, user_password("s3cret")).unwrap(),
        Endpoint::parse(&url, user_password("x")).unwrap(),
    )
    .await;
}

#[tokio::test]
async fn unreachable_brokers_are_errors_naming_the_broker() {
    let closed = free_port();
    for url in [format!("mqtt://127.0.0.1:{closed}"), format!("nats://127.0.0.1:{closed}")] {
        let endpoint = Endpoint::parse(&url, None).unwrap();
        let source = Source::new(endpoint.clone(), "a").unwrap();
        let started = Instant::now();
        let error = relay(&source, &Sink::new(nats(), "a").unwrap(), CancellationToken::new(), Arc::default())
            .await
            .expect_err("no broker listens");
        assert!(matches!(error, StreamError::Unreachable { .. }), "{error:?}");
        assert!(error.to_string().contains(&url), "{error}");
        assert!(started.elapsed() < STOP_BOUND, "the failure took {:?}", started.elapsed());
        let sink = Sink::new(endpoint, "a").unwrap();
        let error = relay(&Source::new(nats(), "a").unwrap(), &sink, CancellationToken::new(), Arc::default())
            .await
            .expect_err("no broker listens");
        assert!(matches!(error, StreamError::Unreachable { .. }), "{error:?}");

        let address = serve_events(source, CancellationToken::new(), Arc::default()).await;
        let response = reqwest::get(format!("http://{address}/events")).await.expect("GET /events");
        assert_eq!(response.status(), 502);
        assert!(response.text().await.expect("a body").contains(&url));
    }
}

#[tokio::test]
async fn the_embedded_broker_reports_a_port_in_use() {
    let taken = TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = taken.local_addr().expect("address");
    match EmbeddedBroker::start(address).await {
        Err(error @ StreamError::BrokerStart { .. }) => assert!(error.to_string().contains(&address.to_string())),
        other => panic!("a taken port gave {other:?}"),
    }
}
