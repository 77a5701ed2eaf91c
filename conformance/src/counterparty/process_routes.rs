//! The counter-party's process endpoints, for negotiations and transfers alike: as consumer
//! (callbacks of the processes the suite requests) and as provider (processes the connector
//! requests).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use url::Url;

use super::record::ProcessRecord;
use super::routes::{Shared, dsp_json, error_body, inspect};
use super::store::{Kept, ReceivedMessage, Store};
use crate::messages::{self, catalog};
use crate::negotiation::Negotiation;
use crate::process::{Pids, Protocol, fresh_id};
use crate::transfer::{FORMAT, Transfer};

/// A protocol whose processes the counter-party provides: what it requires of an initial
/// request beyond its schema, its `@type`, no `providerPid` and an http(s) `callbackAddress`.
pub trait Provided: Kept {
    /// What is wrong with the schema-valid initial request `body` for this protocol.
    fn request_problems(body: &Value, store: &Store) -> Vec<String>;
}

impl Provided for Negotiation {
    /// The offer must be the counter-party's offer for the dataset it targets.
    fn request_problems(body: &Value, _store: &Store) -> Vec<String> {
        let offer = body.get("offer");
        let offer_id = offer.and_then(|offer| offer.get("@id")).and_then(Value::as_str);
        match offer.and_then(|offer| offer.get("target")).and_then(Value::as_str) {
            Some(target) if offer_id == Some(catalog::offer_id(target).as_str()) => Vec::new(),
            Some(target) => vec![format!(
                "offer @id {offer_id:?} is not the counter-party's offer for dataset {target:?} ({:?})",
                catalog::offer_id(target)
            )],
            None => vec!["offer.target (the dataset id) is missing".to_owned()],
        }
    }
}

impl Provided for Transfer {
    /// The agreement must be one the counter-party made, the format its HTTP pull, and a pull
    /// request carries no `dataAddress`.
    fn request_problems(body: &Value, store: &Store) -> Vec<String> {
        let mut problems = Vec::new();
        match body.get("agreementId").and_then(Value::as_str) {
            Some(id) if store.agreement_dataset(id).is_some() => {}
            id => problems.push(format!("agreementId {id:?} is no agreement the counter-party made")),
        }
        let format = body.get("format").and_then(Value::as_str);
        if format != Some(FORMAT) {
            problems.push(format!("format is {format:?}; the counter-party offers only {FORMAT:?}"));
        }
        if body.get("dataAddress").is_some() {
            problems.push(format!("a {FORMAT} request carries no dataAddress (only push transfers do)"));
        }
        problems
    }
}

/// `GET /<processes>/:pid`: the process kept under `pid`, or 404.
pub async fn process<P: Kept>(State(shared): State<Shared>, Path(pid): Path<String>) -> Response {
    match shared.store.processes::<P>().object(&pid) {
        Some(body) => dsp_json(StatusCode::OK, &body),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// `POST /<processes>/request`: the connector, as consumer, starts a process with the
/// counter-party as provider. A valid request is answered 201 with the process object in its
/// initial state under a fresh provider pid.
pub async fn initial_request<P: Provided>(State(shared): State<Shared>, uri: Uri, body: Bytes) -> Response {
    let mut message = inspect(&uri, &body);
    if message.is_valid() {
        message.violations = request_problems::<P>(&message.body, &shared.store);
    }
    let answer = match (message.is_valid(), message.field("consumerPid")) {
        (true, Some(consumer)) => {
            let pids = Pids { consumer: consumer.to_owned(), provider: fresh_id() };
            message.process = Some(pids.provider.clone());
            let ack = messages::process::<P>(&pids, P::INITIAL);
            shared.store.processes::<P>().open(ProcessRecord::requested_from_us(pids));
            dsp_json(StatusCode::CREATED, &ack)
        }
        _ => dsp_json(StatusCode::BAD_REQUEST, &error_body(P::ERROR_TYPE, &message)),
    };
    tracing::debug!(valid = message.is_valid(), "counter-party received an initial {} request", P::NAME);
    shared.store.record(message);
    answer
}

/// What is wrong with a schema-valid initial request of protocol `P` sent to the
/// counter-party as provider.
fn request_problems<P: Provided>(body: &Value, store: &Store) -> Vec<String> {
    let mut problems = Vec::new();
    if body.get("@type").and_then(Value::as_str) != Some(P::REQUEST_TYPE) {
        problems.push(format!("only a {} starts a {} at {}/request", P::REQUEST_TYPE, P::NAME, P::PATH));
    }
    if body.get("providerPid").is_some() {
        problems.push(format!("an initial {} carries no providerPid", P::REQUEST_TYPE));
    }
    match body.get("callbackAddress").and_then(Value::as_str).map(Url::parse) {
        Some(Ok(url)) if matches!(url.scheme(), "http" | "https") => {}
        Some(_) => problems.push("callbackAddress is not an http(s) URL".to_owned()),
        None => problems.push("callbackAddress is missing".to_owned()),
    }
    problems.extend(P::request_problems(body, store));
    problems
}

/// `POST /<processes>/:pid/<rest>`: a message of the connector within a process the
/// counter-party keeps under `pid`; 200 when accepted, 404 for an unknown `pid`, 400 with the
/// protocol's error when invalid or illegal now (state unchanged).
pub async fn message<P: Kept>(
    State(shared): State<Shared>,
    Path((pid, rest)): Path<(String, String)>,
    uri: Uri,
    body: Bytes,
) -> Response {
    let mut message = inspect(&uri, &body);
    let outcome = shared.store.processes::<P>().update(&pid, |record| {
        let outcome = if message.is_valid() { record.receive(&rest, &message.body) } else { Ok(()) };
        (outcome, record.pids())
    });
    let answer = match outcome {
        None => {
            message.violations.push(format!("the counter-party has no {} {pid:?}", P::NAME));
            StatusCode::NOT_FOUND.into_response()
        }
        Some((outcome, pids)) => {
            message.process = Some(pid);
            if let Err(reasons) = outcome {
                message.violations.extend(reasons);
            }
            refusal::<P>(&message, pids.as_ref()).unwrap_or_else(|| StatusCode::OK.into_response())
        }
    };
    tracing::debug!(path = %message.path, valid = message.is_valid(), "counter-party received");
    shared.store.record(message);
    answer
}

/// The 400 answer to a message with violations (pids from the process when known).
fn refusal<P: Protocol>(message: &ReceivedMessage, pids: Option<&Pids>) -> Option<Response> {
    if message.is_valid() {
        return None;
    }
    let body = match pids {
        Some(pids) => messages::process_error::<P>(pids, "400", &message.violations),
        None => error_body(P::ERROR_TYPE, message),
    };
    Some(dsp_json(StatusCode::BAD_REQUEST, &body))
}
