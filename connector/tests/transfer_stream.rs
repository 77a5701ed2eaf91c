//! Live-stream transfers between two of our connectors, with DCP: the provider relays its private MQTT topic (on
//! Mosquitto) or NATS subject (on nats-server) to the consumer's broker while the transfer is STARTED; after a
//! suspension nothing more arrives — checked against a reader of the source that does see the later messages —
//! and after the resumption it flows again, until the consumer terminates the transfer; a stream stops by itself
//! when its agreement ends; a pulled stream (`MQTT-PULL`) is read from the provider's data plane as server-sent
//! events, which end with the suspension.

mod common;

use std::time::{Duration, Instant};

use bytes::Bytes;
use common::Db;
use common::authority::TestAuthority;
use common::brokers::{ARRIVAL, Publisher, Received, SILENCE, mosquitto, nats, reader, unique};
use common::connector::{TestConnector, enc};
use common::contract::{DATASET, agreement, consumer, members_contract, provider_of, reaches};
use ldt_catalog::LdtKind;
use ldt_catalog::product::Backend;
use ldt_connector::config::Approval;
use ldt_connector::dataplane::stream::{Endpoint, Protocol};
use ldt_connector::transfer::movers::BROKER_ENDPOINT_TYPE;
use serde_json::json;
use tokio::sync::mpsc::UnboundedReceiver;

/// Publishes numbered messages at `name` until one reaches `sink` (the relay subscribes after the transfer started,
/// so the first messages may come too early); then no message of this warm-up is left on the way.
async fn until_flowing(source: &Publisher, name: &str, sink: &mut UnboundedReceiver<Received>) {
    let deadline = Instant::now() + ARRIVAL;
    for n in 0.. {
        assert!(Instant::now() < deadline, "nothing was relayed within {ARRIVAL:?}");
        source.publish(name, &Bytes::from(format!("warm-up {n}"))).await;
        if tokio::time::timeout(Duration::from_millis(100), sink.recv()).await.is_ok() {
            break;
        }
    }
    while tokio::time::timeout(SILENCE, sink.recv()).await.is_ok() {}
}

/// The next `count` payloads at `sink`, as text.
async fn next(sink: &mut UnboundedReceiver<Received>, count: usize) -> Vec<String> {
    let mut payloads = Vec::new();
    while payloads.len() < count {
        let (_, payload) = tokio::time::timeout(ARRIVAL, sink.recv()).await.expect("in time").expect("a message");
        payloads.push(String::from_utf8_lossy(&payload).into_owned());
    }
    payloads
}

async fn act(connector: &TestConnector, pid: &str, action: &str) {
    let answer = connector.post(&format!("/transfers/{}/{action}", enc(pid)), &json!({"reason": "test"})).await;
    assert_eq!(answer.status, 200, "{action}: {}", answer.text());
}

/// A stream transfer under way: both connectors, the transfer on each side, a publisher at the provider's source,
/// a reader of the consumer's sink and one of the source itself.
struct Streaming {
    provider: TestConnector,
    consumer: TestConnector,
    pid: String,
    provider_pid: String,
    source: Publisher,
    segment: String,
    sink: UnboundedReceiver<Received>,
    source_reader: UnboundedReceiver<Received>,
}

/// A stream transfer of `broker`'s protocol (MQTT or NATS) started under a contract with `extra` constraints, with
/// messages already flowing to the consumer.
async fn streaming(broker: Endpoint, extra: &[serde_json::Value]) -> Streaming {
    let prefix = unique();
    let (protocol, separator, wildcard) = match broker.protocol() {
        Protocol::Mqtt => ("MQTT", "/", "+"),
        Protocol::Nats => ("NATS", ".", "*"),
    };
    let join = |parts: &[&str]| parts.join(separator);
    let format = format!("{protocol}-PUSH");
    let mut product = common::product(DATASET, LdtKind::ModelOutput, &["traffic"]);
    let filter = join(&[&prefix, "flow", wildcard]);
    product.distributions[0].format = format.clone();
    product.distributions[0].backend = match broker.protocol() {
        Protocol::Mqtt => Backend::Mqtt { topic: filter },
        Protocol::Nats => Backend::Nats { subject: filter },
    };
    let url = broker.url().as_str().trim_end_matches('/').to_owned();
    let authority = TestAuthority::start().await;
    let contract = members_contract(extra);
    let provider = provider_of(Db::Sqlite, &authority, Approval::Auto, product, contract, |config| {
        config.dataplane.mqtt_broker = Some(mosquitto().url().to_string());
        config.dataplane.nats_server = Some(nats().url().to_string());
    })
    .await;
    let consumer = consumer(Db::Sqlite, &authority).await;
    let agreement = agreement(&consumer, &provider).await;

    let sink_name = join(&[&prefix, "received"]);
    let mut sink = reader(&broker, &join(&[&sink_name, if protocol == "MQTT" { "#" } else { ">" }])).await;
    let mut source_reader = reader(&broker, &join(&[&prefix, "flow", wildcard])).await;
    let name_field = broker.protocol().name_field();
    let destination = json!({"@type": "DataAddress", "endpointType": BROKER_ENDPOINT_TYPE, "endpoint": url,
        "endpointProperties": [{"@type": "EndpointProperty", "name": name_field, "value": sink_name}]});
    let answer = consumer
        .post("/transfers", &json!({"agreementId": agreement, "format": format, "dataAddress": destination}))
        .await;
    assert_eq!(answer.status, 201, "{}", answer.text());
    let pid = answer.json()["pid"].as_str().unwrap().to_owned();
    let started = reaches(&consumer, "transfers", &pid, "STARTED").await;
    let provider_pid = started["peerPid"].as_str().unwrap().to_owned();

    let source = Publisher::connect(&broker).await;
    let segment = join(&[&prefix, "flow", "a7"]);
    until_flowing(&source, &segment, &mut sink).await;
    while source_reader.try_recv().is_ok() {}
    Streaming { provider, consumer, pid, provider_pid, source, segment, sink, source_reader }
}

/// The stream of `broker` (MQTT or NATS) flows to the consumer while the transfer runs, and stops when suspended.
async fn a_stream_flows_while_the_transfer_runs(broker: Endpoint) {
    let Streaming { provider, consumer, pid, provider_pid, source, segment, mut sink, mut source_reader } =
        streaming(broker, &[]).await;
    let flowing: Vec<Received> = (0..20).map(|n| (segment.clone(), Bytes::from(format!("flow {n}")))).collect();
    source.publish_all(&flowing).await;
    let expected: Vec<String> = (0..20).map(|n| format!("flow {n}")).collect();
    assert_eq!(next(&mut sink, 20).await, expected, "every message, in order");
    while source_reader.try_recv().is_ok() {}

    // Suspended by the provider: from the moment its operator's call returns, nothing more is relayed.
    act(&provider, &provider_pid, "suspend").await;
    let later: Vec<Received> = (0..20).map(|n| (segment.clone(), Bytes::from(format!("later {n}")))).collect();
    source.publish_all(&later).await;
    assert_eq!(next(&mut source_reader, 20).await.len(), 20, "the source has the later messages");
    assert!(
        tokio::time::timeout(SILENCE, sink.recv()).await.is_err(),
        "nothing reached the consumer after the suspension"
    );
    reaches(&consumer, "transfers", &pid, "SUSPENDED").await;

    // Resumed, it flows again; terminated by the consumer, it stops for good.
    act(&provider, &provider_pid, "resume").await;
    reaches(&consumer, "transfers", &pid, "STARTED").await;
    until_flowing(&source, &segment, &mut sink).await;
    act(&consumer, &pid, "terminate").await;
    reaches(&provider, "transfers", &provider_pid, "TERMINATED").await;
    source.publish(&segment, &Bytes::from_static(b"after the end")).await;
    assert!(tokio::time::timeout(SILENCE, sink.recv()).await.is_err(), "nothing after the termination");
    consumer.stop().await;
    provider.stop().await;
}

#[tokio::test]
async fn a_stream_stops_when_its_agreement_ends() {
    let end = (chrono::Utc::now() + chrono::TimeDelta::seconds(5)).to_rfc3339();
    let until = json!({"leftOperand": "dateTime", "operator": "lt",
        "rightOperand": {"@value": end, "@type": "xsd:dateTime"}});
    let Streaming { provider, consumer, pid, source, segment, mut sink, mut source_reader, .. } =
        streaming(mosquitto(), &[until]).await;
    let ended = reaches(&consumer, "transfers", &pid, "TERMINATED").await;
    assert!(ended["explanation"]["reason"].as_str().unwrap().contains("agreement ended"), "{ended}");
    while sink.try_recv().is_ok() {}
    source.publish(&segment, &Bytes::from_static(b"after the agreement")).await;
    assert_eq!(next(&mut source_reader, 1).await.len(), 1, "the source goes on");
    assert!(tokio::time::timeout(SILENCE, sink.recv()).await.is_err(), "nothing after the agreement ended");
    consumer.stop().await;
    provider.stop().await;
}

#[tokio::test]
async fn an_mqtt_stream_flows_while_the_transfer_runs() {
    a_stream_flows_while_the_transfer_runs(mosquitto()).await;
}

#[tokio::test]
async fn a_nats_stream_flows_while_the_transfer_runs() {
    a_stream_flows_while_the_transfer_runs(nats()).await;
}

#[tokio::test]
async fn a_pulled_stream_is_read_as_server_sent_events_until_suspended() {
    let prefix = unique();
    let mut product = common::product(DATASET, LdtKind::ModelOutput, &["traffic"]);
    product.distributions[0].format = "MQTT-PULL".into();
    product.distributions[0].backend = Backend::Mqtt { topic: format!("{prefix}/flow/+") };
    let authority = TestAuthority::start().await;
    let provider = provider_of(Db::Sqlite, &authority, Approval::Auto, product, members_contract(&[]), |config| {
        config.dataplane.mqtt_broker = Some(mosquitto().url().to_string());
    })
    .await;
    let consumer = consumer(Db::Sqlite, &authority).await;
    let agreement = agreement(&consumer, &provider).await;
    let answer = consumer.post("/transfers", &json!({"agreementId": agreement, "format": "MQTT-PULL"})).await;
    assert_eq!(answer.status, 201, "{}", answer.text());
    let pid = answer.json()["pid"].as_str().unwrap().to_owned();
    let started = reaches(&consumer, "transfers", &pid, "STARTED").await;
    let endpoint = started["dataAddress"]["endpoint"].as_str().unwrap().to_owned();
    let token = started["dataAddress"]["endpointProperties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|property| property["name"] == "authorization")
        .and_then(|property| property["value"].as_str())
        .unwrap()
        .to_owned();

    let head = reqwest::Client::new().head(&endpoint).bearer_auth(&token).send().await.unwrap();
    assert_eq!((head.status().as_u16(), head.headers()["allow"].to_str().unwrap()), (405, "GET"));
    let response = reqwest::Client::new().get(&endpoint).bearer_auth(&token).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/event-stream"));
    let (chunks, mut events) = tokio::sync::mpsc::unbounded_channel::<Option<String>>();
    tokio::spawn(async move {
        let mut body = response.bytes_stream();
        while let Some(Ok(chunk)) = futures_util::StreamExt::next(&mut body).await {
            let _ = chunks.send(Some(String::from_utf8_lossy(&chunk).into_owned()));
        }
        let _ = chunks.send(None);
    });
    let source = Publisher::connect(&mosquitto()).await;
    let deadline = Instant::now() + ARRIVAL;
    'flowing: for n in 0.. {
        assert!(Instant::now() < deadline, "no event within {ARRIVAL:?}");
        source.publish(&format!("{prefix}/flow/a7"), &Bytes::from(format!("{{\"kmh\":{n}}}"))).await;
        while let Ok(Some(Some(chunk))) = tokio::time::timeout(Duration::from_millis(100), events.recv()).await {
            if chunk.contains("event: message") && chunk.contains("kmh") {
                assert!(chunk.contains(r#""topic":"a7""#), "the name below the filter's fixed levels: {chunk}");
                break 'flowing;
            }
        }
    }

    // Suspended by the provider: the event stream ends, and the token opens it no more.
    let provider_pid = started["peerPid"].as_str().unwrap();
    act(&provider, provider_pid, "suspend").await;
    let ended = tokio::time::timeout(ARRIVAL, async { while let Some(Some(_)) = events.recv().await {} });
    assert!(ended.await.is_ok(), "the event stream ended with the suspension");
    let again = reqwest::Client::new().get(&endpoint).bearer_auth(&token).send().await.unwrap();
    assert_eq!(again.status(), 403);
    consumer.stop().await;
    provider.stop().await;
}
