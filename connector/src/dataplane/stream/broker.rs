//! The embedded MQTT broker (rumqttd, MQTT 3.1.1) inside this process: the default for streams when no broker is
//! installed. It asks for no login, so bind it to loopback or a private network.

use std::net::{SocketAddr, TcpListener};
use std::thread::JoinHandle;
use std::time::Duration;

use rumqttd::protocol::v4::V4;
use rumqttd::{ConnectionSettings, LinkType, Router, RouterConfig, Server, ServerSettings};
use tokio::sync::oneshot;
use tokio::time::sleep;

use super::{Endpoint, MAX_MESSAGE_BYTES, SETUP_TIMEOUT, StreamError, mqtt};

/// A running embedded broker. Dropping it stops it too.
///
/// It serves on a thread of its own; stopping closes its listener and every connection. (rumqttd's message
/// router cannot be stopped: its thread stays, idle and holding no socket, until the process ends.)
#[derive(Debug)]
pub struct EmbeddedBroker {
    endpoint: Endpoint,
    address: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl EmbeddedBroker {
    /// Starts a broker listening on `bind` (port 0: a free port); it accepts MQTT connections when this returns.
    pub async fn start(bind: SocketAddr) -> Result<EmbeddedBroker, StreamError> {
        let failed = |reason: String| StreamError::BrokerStart { address: bind.to_string(), reason };
        let address = concrete(bind).map_err(|error| failed(error.to_string()))?;
        let endpoint =
            Endpoint::parse(&format!("mqtt://{address}"), None).map_err(|error| failed(error.to_string()))?;
        let mut server = Server::new(server_settings(address), Router::new(0, router_config()).spawn(), V4);
        let (stop, stopped) = oneshot::channel::<()>();
        let (report_failure, failure) = oneshot::channel::<String>();
        let thread = std::thread::Builder::new()
            .name("mqtt-broker".into())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                    Ok(runtime) => runtime,
                    Err(error) => return drop(report_failure.send(error.to_string())),
                };
                // Dropping the runtime at the end drops the listener and every connection task.
                runtime.block_on(async move {
                    tokio::select! {
                        Err(error) = server.start(LinkType::Remote) => drop(report_failure.send(error.to_string())),
                        _ = stopped => {}
                    }
                });
            })
            .map_err(|error| failed(error.to_string()))?;
        let broker = EmbeddedBroker { endpoint, address, stop: Some(stop), thread: Some(thread) };
        let probe = broker.endpoint.clone();
        let answering = async move {
            while !mqtt::answers(&probe).await {
                sleep(Duration::from_millis(5)).await;
            }
        };
        tokio::select! {
            () = answering => Ok(broker),
            Ok(reason) = failure => Err(failed(reason)),
            () = sleep(SETUP_TIMEOUT) => Err(failed("it did not answer".into())),
        }
    }

    /// Where it listens.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Its endpoint (`mqtt://<address>`, no login), for sources and sinks.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// Stops it: when this returns, its port is free and its connections are closed.
    pub async fn stop(mut self) {
        self.signal_stop();
        if let Some(thread) = self.thread.take() {
            let _ = tokio::task::spawn_blocking(move || thread.join()).await;
        }
    }

    fn signal_stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl Drop for EmbeddedBroker {
    fn drop(&mut self) {
        self.signal_stop();
    }
}

/// `bind` with a free port in place of port 0.
fn concrete(bind: SocketAddr) -> std::io::Result<SocketAddr> {
    if bind.port() != 0 {
        return Ok(bind);
    }
    TcpListener::bind(bind)?.local_addr()
}

fn server_settings(address: SocketAddr) -> ServerSettings {
    ServerSettings {
        name: "ldt-embedded".into(),
        listen: address,
        tls: None,
        next_connection_delay_ms: 0,
        connections: ConnectionSettings {
            connection_timeout_ms: 10_000,
            max_payload_size: MAX_MESSAGE_BYTES,
            max_inflight_count: 100,
            auth: None,
            external_auth: None,
            dynamic_filters: true,
        },
    }
}

/// Each subscription filter keeps at most four segments of recent messages.
fn router_config() -> RouterConfig {
    RouterConfig {
        max_connections: 1024,
        max_outgoing_packet_count: 200,
        max_segment_size: MAX_MESSAGE_BYTES,
        max_segment_count: 4,
        ..RouterConfig::default()
    }
}
