//! The traffic LDT's road sensors: they publish a `TrafficFlowObserved` reading per segment on its own MQTT broker
//! (`eindhoven/traffic/flow/<segment>`) — the private stream behind its live traffic-flow data product — and a
//! reader of the air-quality LDT's broker that counts what arrives there.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use rumqttc::{AsyncClient, Event, MqttOptions, Packet, QoS};
use tokio_util::sync::CancellationToken;

use crate::dataplane::stream::Endpoint;

/// The segments the sensors watch.
const SEGMENTS: [&str; 3] = ["a2-eindhoven-noord", "kennedylaan", "vestdijk"];

/// An MQTT client `name` of the broker at `endpoint`, connected; a task drives its connection, counting each
/// message received in `received`, until `cancel` fires.
async fn connect(
    endpoint: &Endpoint,
    name: &str,
    received: Arc<AtomicU64>,
    cancel: CancellationToken,
) -> anyhow::Result<AsyncClient> {
    let url = endpoint.url();
    let (host, port) = (url.host_str().unwrap_or("127.0.0.1"), url.port().unwrap_or(1883));
    let (client, mut events) = AsyncClient::new(MqttOptions::new(name, host, port), 64);
    match tokio::time::timeout(Duration::from_secs(5), events.poll()).await {
        Ok(Ok(Event::Incoming(Packet::ConnAck(_)))) => {}
        other => anyhow::bail!("cannot reach the MQTT broker at {url}: {other:?}"),
    }
    tokio::spawn(async move {
        loop {
            tokio::select! {
                () = cancel.cancelled() => return,
                event = events.poll() => match event {
                    Ok(Event::Incoming(Packet::Publish(_))) => {
                        received.fetch_add(1, Ordering::Relaxed);
                    }
                    Ok(_) => {}
                    Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
                },
            }
        }
    });
    Ok(client)
}

/// Starts the sensors on the traffic LDT's broker: a reading per segment every 50 ms until `cancel` fires.
pub async fn start(broker: &Endpoint, cancel: CancellationToken) -> anyhow::Result<()> {
    let client = connect(broker, "traffic-sensors", Arc::default(), cancel.clone()).await?;
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_millis(50));
        for round in 0u64.. {
            tokio::select! {
                () = cancel.cancelled() => return,
                _ = tick.tick() => {}
            }
            for (index, segment) in (0u64..).zip(SEGMENTS) {
                let reading = serde_json::json!({"type": "TrafficFlowObserved", "refRoadSegment": segment,
                    "intensity": 600 + (round * 7 + index * 131) % 400, "averageVehicleSpeed": 30 + round % 20});
                let topic = format!("eindhoven/traffic/flow/{segment}");
                let _ = client.try_publish(topic, QoS::AtMostOnce, false, reading.to_string());
            }
        }
    });
    Ok(())
}

/// Counts the messages that arrive under `filter` at the broker at `endpoint`, from when this returns until
/// `cancel` fires.
pub async fn count(endpoint: &Endpoint, filter: &str, cancel: CancellationToken) -> anyhow::Result<Arc<AtomicU64>> {
    let received = Arc::new(AtomicU64::new(0));
    let client = connect(endpoint, "air-quality-reader", received.clone(), cancel).await?;
    client.subscribe(filter, QoS::AtMostOnce).await?;
    // The subscription is in place once the broker acknowledged it; a moment is enough on loopback.
    tokio::time::sleep(Duration::from_millis(100)).await;
    Ok(received)
}
