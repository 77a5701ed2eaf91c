//! The counter-party's negotiation endpoints, as consumer (callbacks of the negotiations the
//! suite requests) and as provider (datasets, and negotiations the connector requests).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use url::Url;

use super::negotiation::NegotiationRecord;
use super::routes::{Shared, dsp_json, error_body, inspect};
use super::store::ReceivedMessage;
use crate::messages::{catalog, negotiation as bodies};
use crate::negotiation::{Pids, State as NegotiationState, fresh_id};

/// `GET|POST /catalog/datasets/:id`: the counter-party offers any dataset id (one offer each).
pub async fn dataset(State(shared): State<Shared>, Path(id): Path<String>) -> Response {
    dsp_json(StatusCode::OK, &catalog::dataset(&id, &shared.base_url))
}

/// `GET /negotiations/:pid`: the negotiation kept under `pid`, or 404.
pub async fn negotiation(State(shared): State<Shared>, Path(pid): Path<String>) -> Response {
    match shared.store.negotiation(&pid) {
        Some(body) => dsp_json(StatusCode::OK, &body),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// `POST /negotiations/request`: the connector, as consumer, starts a negotiation with the
/// counter-party as provider. A valid request for a known offer is answered 201 with a
/// `ContractNegotiation` in `REQUESTED` under a fresh provider pid.
pub async fn initial_request(State(shared): State<Shared>, uri: Uri, body: Bytes) -> Response {
    let mut message = inspect(&uri, &body);
    if message.is_valid() {
        message.violations = initial_request_problems(&message.body);
    }
    let answer = match (message.is_valid(), message.field("consumerPid")) {
        (true, Some(consumer)) => {
            let pids = Pids { consumer: consumer.to_owned(), provider: fresh_id() };
            message.process = Some(pids.provider.clone());
            let ack = bodies::negotiation(&pids, NegotiationState::Requested);
            shared.store.open_negotiation(NegotiationRecord::requested_from_us(pids));
            dsp_json(StatusCode::CREATED, &ack)
        }
        _ => dsp_json(StatusCode::BAD_REQUEST, &error_body(&message)),
    };
    tracing::debug!(valid = message.is_valid(), "counter-party received an initial contract request");
    shared.store.record(message);
    answer
}

/// What is wrong with a schema-valid initial `ContractRequestMessage` sent to the
/// counter-party as provider.
fn initial_request_problems(body: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    if body.get("@type").and_then(Value::as_str) != Some("ContractRequestMessage") {
        problems.push("only a ContractRequestMessage starts a negotiation at negotiations/request".to_owned());
    }
    if body.get("providerPid").is_some() {
        problems.push("an initial ContractRequestMessage carries no providerPid".to_owned());
    }
    match body.get("callbackAddress").and_then(Value::as_str).map(Url::parse) {
        Some(Ok(url)) if matches!(url.scheme(), "http" | "https") => {}
        Some(_) => problems.push("callbackAddress is not an http(s) URL".to_owned()),
        None => problems.push("callbackAddress is missing".to_owned()),
    }
    let offer = body.get("offer");
    let offer_id = offer.and_then(|offer| offer.get("@id")).and_then(Value::as_str);
    match offer.and_then(|offer| offer.get("target")).and_then(Value::as_str) {
        Some(target) if offer_id == Some(catalog::offer_id(target).as_str()) => {}
        Some(target) => problems.push(format!(
            "offer @id {offer_id:?} is not the counter-party's offer for dataset {target:?} ({:?})",
            catalog::offer_id(target)
        )),
        None => problems.push("offer.target (the dataset id) is missing".to_owned()),
    }
    problems
}

/// `POST /negotiations/:pid/<rest>`: a message of the connector within a negotiation the
/// counter-party keeps under `pid`; 200 when accepted, 404 for an unknown `pid`, 400 with a
/// `ContractNegotiationError` when invalid or illegal now (state unchanged).
pub async fn message(
    State(shared): State<Shared>,
    Path((pid, rest)): Path<(String, String)>,
    uri: Uri,
    body: Bytes,
) -> Response {
    let mut message = inspect(&uri, &body);
    let outcome = shared.store.update_negotiation(&pid, |record| {
        let outcome = if message.is_valid() { record.receive(&rest, &message.body) } else { Ok(()) };
        (outcome, record.pids())
    });
    let answer = match outcome {
        None => {
            message.violations.push(format!("the counter-party has no negotiation {pid:?}"));
            StatusCode::NOT_FOUND.into_response()
        }
        Some((outcome, pids)) => {
            message.process = Some(pid);
            if let Err(reasons) = outcome {
                message.violations.extend(reasons);
            }
            refusal(&message, pids.as_ref()).unwrap_or_else(|| StatusCode::OK.into_response())
        }
    };
    tracing::debug!(path = %message.path, valid = message.is_valid(), "counter-party received");
    shared.store.record(message);
    answer
}

/// The 400 answer to a message with violations (pids from the negotiation when known).
fn refusal(message: &ReceivedMessage, pids: Option<&Pids>) -> Option<Response> {
    if message.is_valid() {
        return None;
    }
    let body = match pids {
        Some(pids) => bodies::negotiation_error(pids, "400", &message.violations),
        None => error_body(message),
    };
    Some(dsp_json(StatusCode::BAD_REQUEST, &body))
}
