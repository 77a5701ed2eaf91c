//! The transfers the provider's data plane carries out by itself once they start: an HTTP push of the backend's
//! data to the consumer's endpoint (`HttpData-PUSH`, completed when delivered), and a live stream relayed from the
//! backend's MQTT topic or NATS subject to the consumer's broker (`MQTT-PUSH`, `NATS-PUSH`, running until the
//! transfer leaves STARTED). Each runs as a task with a cancellation token kept in [`Movers`]; leaving STARTED
//! cancels it, and a relay stops within its flush time (50 ms).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Utc};
use ldt_catalog::product::Backend;
use tokio_util::sync::CancellationToken;
use url::Url;

use super::machine::Kind;
use super::message::DataAddress;
use crate::app::AppState;
use crate::dataplane::http::{self as http_plane, Destination, PushError, Retry};
use crate::dataplane::stream::{self, Credentials, Endpoint, Progress, Sink, Source};
use crate::store::history::BY_US;

/// The format of an HTTP push: the provider delivers the data to the consumer's endpoint.
pub const HTTP_PUSH: &str = "HttpData-PUSH";
/// The format of an MQTT stream relayed to the consumer's broker.
pub const MQTT_PUSH: &str = "MQTT-PUSH";
/// The format of a NATS stream relayed to the consumer's broker.
pub const NATS_PUSH: &str = "NATS-PUSH";
/// The `endpointType` of a broker data address (MQTT or NATS, told by the endpoint's scheme).
pub const BROKER_ENDPOINT_TYPE: &str = "https://w3id.org/ldt-connector/endpoint/broker";

/// What a started transfer's task moves.
#[derive(Debug, Clone)]
pub enum Mover {
    /// The backend's answer, pushed to the destination.
    Push {
        /// The private backend.
        backend: Url,
        /// The consumer's endpoint.
        destination: Destination,
    },
    /// The backend's stream, relayed to the consumer's broker.
    Relay {
        /// The private stream.
        source: Source,
        /// The consumer's topic or subject.
        sink: Sink,
    },
}

impl Mover {
    /// The mover of a transfer in `format` from `backend` to the consumer's `address`; `None` for a format the
    /// consumer reads itself (a pull); why not, when the request cannot be served.
    pub fn of(
        state: &AppState,
        format: &str,
        backend: &Backend,
        address: Option<&DataAddress>,
    ) -> Result<Option<Mover>, String> {
        let address = || address.ok_or_else(|| format!("a {format} transfer needs a dataAddress: where to deliver"));
        Ok(Some(match (format, backend) {
            (HTTP_PUSH, Backend::Http { url }) => Mover::Push {
                backend: Url::parse(url).map_err(|error| format!("the backend URL is invalid: {error}"))?,
                destination: destination(address()?)?,
            },
            (MQTT_PUSH, Backend::Mqtt { .. }) | (NATS_PUSH, Backend::Nats { .. }) => Mover::Relay {
                source: Source::from_backend(backend, &state.brokers).map_err(|error| error.to_string())?,
                sink: sink(address()?)?,
            },
            _ => return Ok(None),
        }))
    }

    /// Runs the transfer `pid` until it is done (a push), it is cancelled, it fails, or its agreement ends at
    /// `valid_until`; then completes or terminates the transfer, unless it was cancelled (the transfer left STARTED).
    async fn run(
        self,
        state: AppState,
        pid: String,
        run: u64,
        valid_until: Option<DateTime<Utc>>,
        cancel: CancellationToken,
    ) {
        let work = self.carry_out(&state, &pid, &cancel);
        let ending = match valid_until {
            None => work.await,
            Some(end) => tokio::select! {
                ending = work => ending,
                () = tokio::time::sleep((end - Utc::now()).to_std().unwrap_or_default()) => {
                    cancel.cancel();
                    Some((Kind::Termination, Some(format!("the contract agreement ended at {end}"))))
                }
            },
        };
        state.movers.finished(&pid, run);
        if let Some((kind, reason)) = ending
            && let Err(error) = super::service::act(&state, &pid, kind, reason, BY_US).await
        {
            tracing::warn!(%pid, %error, "a transfer's end could not be recorded");
        }
    }

    /// Pushes or relays until done, cancelled or failed; how the transfer ends, if not by cancellation.
    async fn carry_out(
        self,
        state: &AppState,
        pid: &str,
        cancel: &CancellationToken,
    ) -> Option<(Kind, Option<String>)> {
        match self {
            Mover::Push { backend, destination } => {
                match http_plane::push(&state.data_client, &backend, &destination, &Retry::default(), cancel).await {
                    Ok(report) => {
                        tracing::info!(%pid, bytes = report.bytes, attempts = report.attempts, "pushed");
                        Some((Kind::Completion, None))
                    }
                    Err(PushError::Cancelled { .. }) => None,
                    Err(error) => Some((Kind::Termination, Some(format!("the push failed: {error}")))),
                }
            }
            Mover::Relay { source, sink } => {
                let progress = Arc::new(Progress::default());
                match stream::relay(&source, &sink, cancel.clone(), progress.clone()).await {
                    Ok(handle) => {
                        handle.stopped().await;
                        tracing::info!(%pid, counts = ?progress.counts(), "relay stopped");
                        (!cancel.is_cancelled()).then(|| (Kind::Termination, Some("the stream ended".to_owned())))
                    }
                    Err(error) => Some((Kind::Termination, Some(format!("the stream could not start: {error}")))),
                }
            }
        }
    }
}

/// The consumer's HTTP endpoint of a push.
fn destination(address: &DataAddress) -> Result<Destination, String> {
    Destination::from_data_address(address).map_err(|error| error.to_string())
}

/// The consumer's broker and topic (or subject) of a relayed stream: `endpoint` `mqtt://…` or `nats://…`, the
/// property `topic` or `subject`, and a login in `username` and `password` (or `token`, NATS).
fn sink(address: &DataAddress) -> Result<Sink, String> {
    if address.endpoint_type != BROKER_ENDPOINT_TYPE {
        return Err(format!("the dataAddress's endpointType must be `{BROKER_ENDPOINT_TYPE}`"));
    }
    let credentials = match (address.property("username"), address.property("password"), address.property("token")) {
        (Some(username), Some(password), _) => {
            Some(Credentials::UserPassword { username: username.into(), password: password.into() })
        }
        (_, _, Some(token)) => Some(Credentials::Token(token.into())),
        _ => None,
    };
    let url = address.endpoint.as_deref().ok_or("the dataAddress needs the broker as its endpoint")?;
    let endpoint = Endpoint::parse(url, credentials).map_err(|error| error.to_string())?;
    let name = endpoint.protocol().name_field();
    let topic = address.property(name).ok_or_else(|| format!("the dataAddress needs the {name} to publish on"))?;
    Sink::new(endpoint, topic).map_err(|error| error.to_string())
}

/// The tasks of the started transfers that the data plane moves by itself, by transfer: the number of each run and
/// its cancellation token.
#[derive(Debug, Default)]
pub struct Movers {
    running: Mutex<HashMap<String, (u64, CancellationToken)>>,
    runs: AtomicU64,
}

impl Movers {
    /// Starts `mover` for the transfer `pid` under an agreement that ends at `valid_until` (a task of its own; one
    /// still running for it is cancelled first).
    pub fn start(&self, state: &AppState, pid: &str, mover: Mover, valid_until: Option<DateTime<Utc>>) {
        let (run, cancel) = (self.runs.fetch_add(1, Ordering::Relaxed), CancellationToken::new());
        if let Some((_, previous)) = self.lock().insert(pid.to_owned(), (run, cancel.clone())) {
            previous.cancel();
        }
        tokio::spawn(mover.run(state.clone(), pid.to_owned(), run, valid_until, cancel));
    }

    /// Stops the task of the transfer `pid`, if one runs.
    pub fn stop(&self, pid: &str) {
        if let Some((_, cancel)) = self.lock().remove(pid) {
            cancel.cancel();
        }
    }

    /// Stops every task (the connector is stopping; started transfers are resumed at the next start).
    pub fn stop_all(&self) {
        self.lock().drain().for_each(|(_, (_, cancel))| cancel.cancel());
    }

    /// Forgets the task `run` of `pid`, once it ended by itself.
    fn finished(&self, pid: &str, run: u64) {
        let mut running = self.lock();
        if running.get(pid).is_some_and(|(current, _)| *current == run) {
            running.remove(pid);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (u64, CancellationToken)>> {
        self.running.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
