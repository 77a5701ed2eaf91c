//! The fake connector's contract negotiation: provider endpoints under `/dsp`, consumer
//! callbacks under `/cb`, the negotiation webhook at `/trigger`, and scripted reactions keyed
//! by dataset id (the "CUT acts" column of CONFORMANCE.md). State changes on acknowledged
//! messages, as DSP wants, so its reactions race with the suite like a real connector's.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State as Extract};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use ldt_conformance::config::DEFAULT_PARTICIPANT_ID;
use ldt_conformance::messages::negotiation::{self as bodies, AgreementTerms};
use ldt_conformance::messages::timestamp;
use ldt_conformance::negotiation::{Message, Pids, Role, State, fresh_id};
use ldt_conformance::urls;
use serde_json::{Value, json};
use url::Url;

use super::{authorised, json_response};

/// The webhook's API key.
pub const TRIGGER_KEY: &str = "trigger-key";

/// The fake's participant id (that of its example catalogue).
pub const PARTICIPANT: &str = "urn:example:DataProviderA";

/// Id of the fake's offer for dataset `dataset_id`.
pub fn offer_id(dataset_id: &str) -> String {
    format!("urn:fake:offer:{dataset_id}")
}

/// One negotiation of the fake, as provider or consumer.
#[derive(Debug, Clone)]
struct Process {
    /// The fake's role.
    role: Role,
    consumer_pid: String,
    provider_pid: Option<String>,
    state: State,
    dataset_id: String,
    /// The other side's base URL (its callbackAddress, or the provider's DSP address).
    peer: Url,
    /// The negotiated offer, with `target`.
    offer: Value,
}

impl Process {
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

/// The negotiating part of the fake connector.
pub struct Negotiator {
    /// Refuse illegal messages (a conforming connector) or take anything (a broken one).
    strict: bool,
    root: Url,
    processes: Mutex<HashMap<String, Process>>,
    http: reqwest::Client,
}

/// Routes of the negotiating fake at `root`.
pub fn router(root: Url, strict: bool) -> Router {
    let negotiator = Arc::new(Negotiator { strict, root, processes: Mutex::default(), http: reqwest::Client::new() });
    Router::new()
        .route("/dsp/negotiations/request", post(request))
        .route("/dsp/negotiations/{pid}", get(|s, h, p| state(s, h, p, Role::Provider)))
        .route("/dsp/negotiations/{pid}/{*rest}", post(|s, h, p, b| message(s, h, p, b, Role::Provider)))
        .route("/cb/negotiations/{pid}", get(|s, h, p| state(s, h, p, Role::Consumer)))
        .route("/cb/negotiations/{pid}/{*rest}", post(|s, h, p, b| message(s, h, p, b, Role::Consumer)))
        .route("/trigger", post(trigger))
        .with_state(negotiator)
}

/// What the fake does by itself in a negotiation about `dataset`, as `role`, after
/// `after` (`None`: after the initial request was acknowledged).
fn script(role: Role, dataset: &str, after: Option<Message>) -> &'static [Message] {
    use Message::*;
    match (role, dataset, after) {
        (Role::Provider, "cn-01-01" | "cn-01-02" | "cn-01-03" | "cn-02-04" | "cn-02-06", None) => &[Offer],
        (Role::Provider, "cn-03-02" | "cn-03-03" | "cn-03-04", None) => &[Offer],
        (Role::Provider, "cn-01-04" | "cn-02-03" | "cn-02-07" | "cn-03-01", None) => &[Agreement],
        (Role::Provider, "cn-02-01", None) => &[Termination],
        (Role::Provider, "cn-02-05", None) => &[Offer, Termination],
        (Role::Provider, "cn-01-02", Some(Request)) => &[Termination],
        (Role::Provider, "cn-01-03", Some(Accepted)) => &[Agreement],
        (Role::Provider, "cn-02-06", Some(Accepted)) => &[Termination],
        (Role::Provider, "cn-01-03" | "cn-01-04" | "cn-03-01", Some(Verification)) => &[Finalized],
        (Role::Provider, "cn-02-07", Some(Verification)) => &[Termination],
        (Role::Consumer, "cn-c-01-01" | "cn-c-02-05" | "cn-c-03-04" | "cn-c-03-05" | "cn-c-03-06", Some(Offer)) => {
            &[Accepted]
        }
        (Role::Consumer, "cn-c-01-02", Some(Offer)) => &[Request],
        (Role::Consumer, "cn-c-01-03", Some(Offer)) => &[Termination],
        (Role::Consumer, "cn-c-01-01" | "cn-c-01-04" | "cn-c-02-06", Some(Agreement)) => &[Verification],
        (Role::Consumer, "cn-c-02-03", Some(Agreement)) => &[Termination],
        (Role::Consumer, "cn-c-02-02", None) => &[Termination],
        _ => &[],
    }
}

/// The state a message leads to when a lax fake takes it whatever the state.
fn lax_target(message: Message) -> State {
    match message {
        Message::Request => State::Requested,
        Message::Offer => State::Offered,
        Message::Accepted => State::Accepted,
        Message::Agreement => State::Agreed,
        Message::Verification => State::Verified,
        Message::Finalized => State::Finalized,
        Message::Termination => State::Terminated,
    }
}

impl Negotiator {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, Process>> {
        self.processes.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Checks a message the suite sent to the fake's process `pid` (the fake being `role`)
    /// and applies it; the refusal reason otherwise.
    fn receive(&self, role: Role, pid: &str, rest: &str, body: &Value) -> Result<Option<Process>, String> {
        let mut processes = self.lock();
        let Some(process) = processes.get_mut(pid).filter(|p| p.role == role) else {
            return Ok(None);
        };
        let kind = Message::of(body).ok_or_else(|| format!("not a negotiation message: {body}"))?;
        if !self.strict {
            process.state = lax_target(kind);
            return Ok(Some(process.clone()));
        }
        if rest != kind.path().join("/") || !kind.may_be_sent_by(role.other()) {
            return Err(format!("{kind} does not belong at {rest}"));
        }
        let field = |name: &str| body.get(name).and_then(Value::as_str).map(str::to_owned);
        if field("consumerPid").as_ref() != Some(&process.consumer_pid)
            || (process.provider_pid.is_some() && field("providerPid") != process.provider_pid)
        {
            return Err("wrong pids".to_owned());
        }
        if kind == Message::Agreement {
            let agreement = &body["agreement"];
            if agreement["assignee"] != PARTICIPANT || agreement["target"] != process.dataset_id.as_str() {
                return Err(format!("not our agreement: {agreement}"));
            }
        }
        process.state = kind.transition(process.state)?;
        process.provider_pid = process.provider_pid.clone().or_else(|| field("providerPid"));
        Ok(Some(process.clone()))
    }

    /// Plays the fake's script after `after` in process `pid`, in the background.
    fn react(self: &Arc<Self>, pid: String, after: Option<Message>) {
        let Some(process) = self.lock().get(&pid).cloned() else {
            return;
        };
        let messages = script(process.role, &process.dataset_id, after);
        if messages.is_empty() {
            return;
        }
        let negotiator = Arc::clone(self);
        tokio::spawn(async move {
            for message in messages {
                tokio::time::sleep(Duration::from_millis(20)).await;
                if !negotiator.send(&pid, *message).await {
                    break;
                }
            }
        });
    }

    /// Sends the fake's `message` in process `pid`; moves the state when the peer acks.
    async fn send(&self, pid: &str, message: Message) -> bool {
        let Some(process) = self.lock().get(pid).cloned() else {
            return false;
        };
        let Some(pids) = process.pids() else {
            return false;
        };
        let body = match message {
            Message::Request => bodies::counter_request(&pids, &process.offer),
            Message::Offer => bodies::offer(&pids, &process.offer),
            Message::Accepted | Message::Finalized => bodies::event(&pids, message).unwrap_or_default(),
            Message::Agreement => {
                let terms = AgreementTerms {
                    id: &fresh_id(),
                    target: &process.dataset_id,
                    assigner: PARTICIPANT,
                    assignee: DEFAULT_PARTICIPANT_ID,
                    timestamp: &timestamp::now(),
                };
                bodies::agreement_message(&pids, &bodies::agreement(&process.offer, &terms))
            }
            Message::Verification => bodies::verification(&pids),
            Message::Termination => bodies::termination(&pids, "the fake's script"),
        };
        let peer_pid = pids.of(process.role.other()).to_owned();
        let mut path = vec!["negotiations", peer_pid.as_str()];
        path.extend_from_slice(message.path());
        let Ok(url) = urls::with_segments(&process.peer, &path) else {
            return false;
        };
        let acked = self.http.post(url).json(&body).send().await.is_ok_and(|r| r.status().is_success());
        // A quick answer of the suite (a termination) may have moved the state on already.
        if acked
            && let Some(process) = self.lock().get_mut(pid)
            && let Ok(next) = message.transition(process.state)
        {
            process.state = next;
        }
        acked
    }
}

/// 404 for a caller without the suite's token (DSP: unauthorised looks like unknown).
fn unauthorised(headers: &HeaderMap) -> Option<Response> {
    (!authorised(headers)).then(|| StatusCode::NOT_FOUND.into_response())
}

/// A `ContractNegotiationError` with the pids known for the refused message.
fn refusal(reason: &str, body: &Value, process: Option<&Process>) -> Response {
    let known = process.and_then(Process::pids);
    let field = |name: &str| body.get(name).and_then(Value::as_str).unwrap_or_default().to_owned();
    let pids = known.unwrap_or_else(|| Pids { consumer: field("consumerPid"), provider: field("providerPid") });
    json_response(StatusCode::BAD_REQUEST, &bodies::negotiation_error(&pids, "400", &[reason.to_owned()]))
}

/// `POST /dsp/negotiations/request`: a new negotiation with the fake as provider.
async fn request(
    Extract(negotiator): Extract<Arc<Negotiator>>,
    headers: HeaderMap,
    axum::Json(body): axum::Json<Value>,
) -> Response {
    if let Some(denied) = unauthorised(&headers) {
        return denied;
    }
    let offer = &body["offer"];
    let dataset_id = offer["target"].as_str().unwrap_or_default().to_owned();
    let (Some(consumer_pid), Some(peer)) =
        (body["consumerPid"].as_str(), body["callbackAddress"].as_str().and_then(|a| Url::parse(a).ok()))
    else {
        return refusal("consumerPid and callbackAddress are required", &body, None);
    };
    if offer["@id"] != offer_id(&dataset_id).as_str() {
        return refusal("unknown offer", &body, None);
    }
    let process = Process {
        role: Role::Provider,
        consumer_pid: consumer_pid.to_owned(),
        provider_pid: Some(fresh_id()),
        state: State::Requested,
        dataset_id,
        peer,
        offer: offer.clone(),
    };
    let Some((pid, pids)) = process.own_pid().zip(process.pids()) else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    negotiator.lock().insert(pid.clone(), process);
    negotiator.react(pid, None);
    json_response(StatusCode::CREATED, &bodies::negotiation(&pids, State::Requested))
}

/// `GET …/negotiations/:pid` of the fake as `role`.
async fn state(
    Extract(negotiator): Extract<Arc<Negotiator>>,
    headers: HeaderMap,
    Path(pid): Path<String>,
    role: Role,
) -> Response {
    if let Some(denied) = unauthorised(&headers) {
        return denied;
    }
    let process = negotiator.lock().get(&pid).filter(|p| p.role == role).cloned();
    match process.as_ref().and_then(|p| p.pids().map(|pids| (pids, p.state))) {
        Some((pids, state)) => json_response(StatusCode::OK, &bodies::negotiation(&pids, state)),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// `POST …/negotiations/:pid/<rest>` to the fake as `role`.
async fn message(
    Extract(negotiator): Extract<Arc<Negotiator>>,
    headers: HeaderMap,
    Path((pid, rest)): Path<(String, String)>,
    axum::Json(body): axum::Json<Value>,
    role: Role,
) -> Response {
    if let Some(denied) = unauthorised(&headers) {
        return denied;
    }
    match negotiator.receive(role, &pid, &rest, &body) {
        Ok(Some(_)) => {
            negotiator.react(pid, Message::of(&body));
            StatusCode::OK.into_response()
        }
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(reason) => {
            let process = negotiator.lock().get(&pid).cloned();
            refusal(&reason, &body, process.as_ref())
        }
    }
}

/// `POST /trigger`: the fake, as consumer, requests `offerId` from the provider at
/// `connectorAddress`, with `<root>/cb` (no trailing slash) as its callback address.
async fn trigger(
    Extract(negotiator): Extract<Arc<Negotiator>>,
    headers: HeaderMap,
    axum::Json(body): axum::Json<Value>,
) -> Response {
    if headers.get("x-api-key").and_then(|v| v.to_str().ok()) != Some(TRIGGER_KEY) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let (Some(offer_id), Some(dataset_id), Some(peer)) = (
        body["offerId"].as_str(),
        body["datasetId"].as_str(),
        body["connectorAddress"].as_str().and_then(|a| Url::parse(a).ok()),
    ) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    if body["providerId"] != DEFAULT_PARTICIPANT_ID {
        return StatusCode::BAD_REQUEST.into_response();
    }
    let consumer_pid = fresh_id();
    let offer = json!({"@id": offer_id, "@type": "Offer", "target": dataset_id, "permission": [{"action": "use"}]});
    let process = Process {
        role: Role::Consumer,
        consumer_pid: consumer_pid.clone(),
        provider_pid: None,
        state: State::Requested,
        dataset_id: dataset_id.to_owned(),
        peer: peer.clone(),
        offer: offer.clone(),
    };
    negotiator.lock().insert(consumer_pid.clone(), process);
    let callback = format!("{}cb", negotiator.root);
    let negotiator = Arc::clone(&negotiator);
    tokio::spawn(async move {
        let request = bodies::initial_request(&consumer_pid, &offer, &callback);
        let Ok(url) = urls::with_segments(&peer, &["negotiations", "request"]) else {
            return;
        };
        let Ok(answer) = negotiator.http.post(url).json(&request).send().await else {
            return;
        };
        if answer.status() != StatusCode::CREATED {
            return;
        }
        let ack: Value = answer.json().await.unwrap_or_default();
        if let Some(process) = negotiator.lock().get_mut(&consumer_pid) {
            process.provider_pid =
                process.provider_pid.clone().or_else(|| ack["providerPid"].as_str().map(str::to_owned));
        }
        negotiator.react(consumer_pid, None);
    });
    StatusCode::ACCEPTED.into_response()
}
