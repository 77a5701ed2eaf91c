//! The fake connector's processes, whatever their protocol: provider endpoints under `/dsp`,
//! consumer callbacks under `/cb`, a webhook, and scripted reactions keyed by dataset id (the
//! "CUT acts" column of CONFORMANCE.md). State changes on acknowledged messages, as DSP
//! wants, so its reactions race with the suite like a real connector's.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State as Extract};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use ldt_conformance::config::DEFAULT_PARTICIPANT_ID;
use ldt_conformance::messages;
use ldt_conformance::process::{Pids, ProcessMessage as _, Protocol, Role, fresh_id};
use ldt_conformance::urls;
use serde_json::Value;
use url::Url;

use super::{Fake, authorised, json_response};

/// The webhooks' API key.
pub const TRIGGER_KEY: &str = "trigger-key";

/// Locks `mutex`; a panic elsewhere while holding the lock does not poison the fake.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The agreements the fake made or received: agreement id → dataset id. Negotiations fill
/// it, transfers read it.
#[derive(Clone, Default)]
pub struct Agreements(Arc<Mutex<HashMap<String, String>>>);

impl Agreements {
    /// Remembers the agreement `id` on `dataset_id`.
    pub fn insert(&self, id: &str, dataset_id: &str) {
        lock(&self.0).insert(id.to_owned(), dataset_id.to_owned());
    }

    /// The dataset of the agreement `id`.
    pub fn dataset(&self, id: &str) -> Option<String> {
        lock(&self.0).get(id).cloned()
    }
}

/// One process of the fake, as provider or consumer.
#[derive(Debug, Clone)]
pub struct Process<P: Protocol> {
    /// The fake's role.
    pub role: Role,
    /// The consumer's pid.
    pub consumer_pid: String,
    /// The provider's pid, once known.
    provider_pid: Option<String>,
    state: P::State,
    /// The dataset the process is about; it keys the fake's script.
    pub dataset_id: String,
    /// The other side's base URL (its callbackAddress, or the provider's DSP address).
    peer: Url,
    /// What else the process is about: the negotiated offer, or the agreement transferred.
    pub subject: Value,
}

impl<P: Protocol> Process<P> {
    fn own_pid(&self) -> Option<String> {
        match self.role {
            Role::Consumer => Some(self.consumer_pid.clone()),
            Role::Provider => self.provider_pid.clone(),
        }
    }

    fn pids(&self) -> Option<Pids> {
        Some(Pids { consumer: self.consumer_pid.clone(), provider: self.provider_pid.clone()? })
    }
}

/// What a protocol's fake does beyond following the state machine.
pub trait Scripted: Protocol {
    /// Where the protocol's webhook is served.
    const TRIGGER: &'static str;

    /// What the fake does by itself as `role` in a process about `dataset`, after receiving
    /// `after` (`None`: once the process exists).
    fn script(role: Role, dataset: &str, after: Option<Self::Message>) -> &'static [Self::Message];

    /// The dataset and subject of the initial request `body` to the fake as provider, or why
    /// it is refused.
    fn requested(body: &Value, agreements: &Agreements) -> Result<(String, Value), String>;

    /// The dataset and subject the webhook `body` asks the fake to request; `None` when it
    /// asks for nothing the fake can request.
    fn triggered(body: &Value, agreements: &Agreements) -> Option<(String, Value)>;

    /// The fake's initial request of `process`, answered at `callback`.
    fn initial_request(process: &Process<Self>, callback: &str) -> Value;

    /// The body of the fake's `message` in `process` (`pids` known) when it is `flavour`
    /// and serves at `root`.
    fn body(process: &Process<Self>, pids: &Pids, message: Self::Message, flavour: Fake, root: &Url) -> Value;

    /// Why a legal `message` of the suite in `process` is refused for its content, if it is.
    fn check(process: &Process<Self>, message: Self::Message, body: &Value) -> Result<(), String>;

    /// Notes the `message` (`body`) `process` exchanged, sent or received.
    fn exchanged(_process: &Process<Self>, _message: Self::Message, _body: &Value, _agreements: &Agreements) {}
}

/// The fake's side of one protocol.
struct Engine<P: Protocol> {
    /// How the fake behaves: [`Fake::Lax`] takes anything, the others refuse illegal messages.
    flavour: Fake,
    root: Url,
    processes: Mutex<HashMap<String, Process<P>>>,
    agreements: Agreements,
    http: reqwest::Client,
}

/// Routes of the `P` processes of the fake `flavour` at `root`, sharing `agreements` with
/// its other protocol.
pub fn router<P: Scripted>(root: Url, flavour: Fake, agreements: Agreements) -> Router {
    let http = reqwest::Client::new();
    let fake = Arc::new(Engine::<P> { flavour, root, processes: Mutex::default(), agreements, http });
    let path = P::PATH;
    Router::new()
        .route(&format!("/dsp/{path}/request"), post(request::<P>))
        .route(&format!("/dsp/{path}/{{pid}}"), get(|s, h, p| state::<P>(s, h, p, Role::Provider)))
        .route(&format!("/dsp/{path}/{{pid}}/{{*rest}}"), post(|s, h, p, b| message::<P>(s, h, p, b, Role::Provider)))
        .route(&format!("/cb/{path}/{{pid}}"), get(|s, h, p| state::<P>(s, h, p, Role::Consumer)))
        .route(&format!("/cb/{path}/{{pid}}/{{*rest}}"), post(|s, h, p, b| message::<P>(s, h, p, b, Role::Consumer)))
        .route(P::TRIGGER, post(trigger::<P>))
        .with_state(fake)
}

impl<P: Scripted> Engine<P> {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, Process<P>>> {
        lock(&self.processes)
    }

    /// Checks a message the suite sent to the fake's process `pid` (the fake being `role`)
    /// and applies it; its kind, `None` for an unknown process, or the refusal reason.
    fn receive(&self, role: Role, pid: &str, rest: &str, body: &Value) -> Result<Option<P::Message>, String> {
        let mut processes = self.lock();
        let Some(process) = processes.get_mut(pid).filter(|p| p.role == role) else {
            return Ok(None);
        };
        let kind = P::Message::of(body).ok_or_else(|| format!("not a {} message: {body}", P::NAME))?;
        let field = |name: &str| body.get(name).and_then(Value::as_str).map(str::to_owned);
        if self.flavour != Fake::Lax {
            if rest != kind.path().join("/") || !kind.may_be_sent_by(role.other()) {
                return Err(format!("{kind} does not belong at {rest}"));
            }
            if field("consumerPid").as_ref() != Some(&process.consumer_pid)
                || (process.provider_pid.is_some() && field("providerPid") != process.provider_pid)
            {
                return Err("wrong pids".to_owned());
            }
            P::check(process, kind, body)?;
            process.state = kind.transition(process.state, role.other())?;
        } else {
            process.state = kind.resulting_state();
        }
        process.provider_pid = process.provider_pid.clone().or_else(|| field("providerPid"));
        P::exchanged(process, kind, body, &self.agreements);
        Ok(Some(kind))
    }

    /// Plays the fake's script after `after` in process `pid`, in the background.
    fn react(self: &Arc<Self>, pid: String, after: Option<P::Message>) {
        let Some(process) = self.lock().get(&pid).cloned() else {
            return;
        };
        let messages = P::script(process.role, &process.dataset_id, after);
        if messages.is_empty() {
            return;
        }
        let fake = Arc::clone(self);
        tokio::spawn(async move {
            for message in messages {
                tokio::time::sleep(Duration::from_millis(20)).await;
                if !fake.send(&pid, *message).await {
                    break;
                }
            }
        });
    }

    /// Sends the fake's `message` in process `pid`; moves the state when the peer acks.
    async fn send(&self, pid: &str, message: P::Message) -> bool {
        let Some(process) = self.lock().get(pid).cloned() else {
            return false;
        };
        let Some(pids) = process.pids() else {
            return false;
        };
        let body = P::body(&process, &pids, message, self.flavour, &self.root);
        let peer_pid = pids.of(process.role.other()).to_owned();
        let mut path = vec![P::PATH, peer_pid.as_str()];
        path.extend_from_slice(message.path());
        let Ok(url) = urls::with_segments(&process.peer, &path) else {
            return false;
        };
        let acked = self.http.post(url).json(&body).send().await.is_ok_and(|r| r.status().is_success());
        if acked && let Some(process) = self.lock().get_mut(pid) {
            P::exchanged(process, message, &body, &self.agreements);
            // A quick answer of the suite (a termination) may have moved the state on already.
            if let Ok(next) = message.transition(process.state, process.role) {
                process.state = next;
            }
        }
        acked
    }
}

/// 404 for a caller without the suite's token (DSP: unauthorised looks like unknown).
fn unauthorised(headers: &HeaderMap) -> Option<Response> {
    (!authorised(headers)).then(|| StatusCode::NOT_FOUND.into_response())
}

/// The protocol's error with the pids known for the refused message.
fn refusal<P: Protocol>(reason: &str, body: &Value, process: Option<&Process<P>>) -> Response {
    let known = process.and_then(Process::pids);
    let field = |name: &str| body.get(name).and_then(Value::as_str).unwrap_or_default().to_owned();
    let pids = known.unwrap_or_else(|| Pids { consumer: field("consumerPid"), provider: field("providerPid") });
    json_response(StatusCode::BAD_REQUEST, &messages::process_error::<P>(&pids, "400", &[reason.to_owned()]))
}

/// `POST /dsp/<processes>/request`: a new process with the fake as provider.
async fn request<P: Scripted>(
    Extract(fake): Extract<Arc<Engine<P>>>,
    headers: HeaderMap,
    axum::Json(body): axum::Json<Value>,
) -> Response {
    if let Some(denied) = unauthorised(&headers) {
        return denied;
    }
    let (Some(consumer_pid), Some(peer)) =
        (body["consumerPid"].as_str(), body["callbackAddress"].as_str().and_then(|a| Url::parse(a).ok()))
    else {
        return refusal::<P>("consumerPid and callbackAddress are required", &body, None);
    };
    let (dataset_id, subject) = match P::requested(&body, &fake.agreements) {
        Ok(requested) => requested,
        Err(reason) => return refusal::<P>(&reason, &body, None),
    };
    let process = Process::<P> {
        role: Role::Provider,
        consumer_pid: consumer_pid.to_owned(),
        provider_pid: Some(fresh_id()),
        state: P::INITIAL,
        dataset_id,
        peer,
        subject,
    };
    let Some((pid, pids)) = process.own_pid().zip(process.pids()) else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    fake.lock().insert(pid.clone(), process);
    fake.react(pid, None);
    json_response(StatusCode::CREATED, &messages::process::<P>(&pids, P::INITIAL))
}

/// `GET …/<processes>/:pid` of the fake as `role`.
async fn state<P: Scripted>(
    Extract(fake): Extract<Arc<Engine<P>>>,
    headers: HeaderMap,
    Path(pid): Path<String>,
    role: Role,
) -> Response {
    if let Some(denied) = unauthorised(&headers) {
        return denied;
    }
    let process = fake.lock().get(&pid).filter(|p| p.role == role).cloned();
    match process.as_ref().and_then(|p| p.pids().map(|pids| (pids, p.state))) {
        Some((pids, state)) => json_response(StatusCode::OK, &messages::process::<P>(&pids, state)),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// `POST …/<processes>/:pid/<rest>` to the fake as `role`.
async fn message<P: Scripted>(
    Extract(fake): Extract<Arc<Engine<P>>>,
    headers: HeaderMap,
    Path((pid, rest)): Path<(String, String)>,
    axum::Json(body): axum::Json<Value>,
    role: Role,
) -> Response {
    if let Some(denied) = unauthorised(&headers) {
        return denied;
    }
    match fake.receive(role, &pid, &rest, &body) {
        Ok(Some(kind)) => {
            fake.react(pid, Some(kind));
            StatusCode::OK.into_response()
        }
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(reason) => {
            let process = fake.lock().get(&pid).cloned();
            refusal(&reason, &body, process.as_ref())
        }
    }
}

/// `POST <P::TRIGGER>`: the fake, as consumer, requests what the webhook asks for from the
/// provider at `connectorAddress`, with `<root>/cb` (no trailing slash) as its callback
/// address.
async fn trigger<P: Scripted>(
    Extract(fake): Extract<Arc<Engine<P>>>,
    headers: HeaderMap,
    axum::Json(body): axum::Json<Value>,
) -> Response {
    if headers.get("x-api-key").and_then(|v| v.to_str().ok()) != Some(TRIGGER_KEY) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let peer = body["connectorAddress"].as_str().and_then(|a| Url::parse(a).ok());
    let asked = P::triggered(&body, &fake.agreements);
    let (Some(peer), Some((dataset_id, subject)), true) = (peer, asked, body["providerId"] == DEFAULT_PARTICIPANT_ID)
    else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let consumer_pid = fresh_id();
    let process = Process::<P> {
        role: Role::Consumer,
        consumer_pid: consumer_pid.clone(),
        provider_pid: None,
        state: P::INITIAL,
        dataset_id,
        peer: peer.clone(),
        subject,
    };
    let request = P::initial_request(&process, &format!("{}cb", fake.root));
    fake.lock().insert(consumer_pid.clone(), process);
    let fake = Arc::clone(&fake);
    tokio::spawn(async move {
        let Ok(url) = urls::with_segments(&peer, &[P::PATH, "request"]) else {
            return;
        };
        let Ok(answer) = fake.http.post(url).json(&request).send().await else {
            return;
        };
        if answer.status() != StatusCode::CREATED {
            return;
        }
        let ack: Value = answer.json().await.unwrap_or_default();
        if let Some(process) = fake.lock().get_mut(&consumer_pid) {
            process.provider_pid =
                process.provider_pid.clone().or_else(|| ack["providerPid"].as_str().map(str::to_owned));
        }
        fake.react(consumer_pid, None);
    });
    StatusCode::ACCEPTED.into_response()
}
