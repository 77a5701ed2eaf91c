//! The counter-party's HTTP routes: DSP messages in, negotiation and transfer state out.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::store::{ReceivedMessage, Store};
use crate::checks;
use crate::jsonld::DSP_CONTEXT;
use crate::schema::DspSchema;

/// Routes of the counter-party server over `store`.
pub fn router(store: Arc<Store>) -> Router {
    Router::new()
        .route("/negotiations/{pid}", get(negotiation).post(receive))
        .route("/transfers/{pid}", get(transfer).post(receive))
        .route("/", post(receive))
        .route("/{*path}", post(receive))
        .with_state(store)
}

/// `GET /negotiations/:pid`: the stored negotiation, or 404.
async fn negotiation(State(store): State<Arc<Store>>, Path(pid): Path<String>) -> Response {
    match store.negotiation(&pid) {
        Some(body) => dsp_json(StatusCode::OK, &body),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// `GET /transfers/:pid`: the stored transfer process, or 404.
async fn transfer(State(store): State<Arc<Store>>, Path(pid): Path<String>) -> Response {
    match store.transfer(&pid) {
        Some(body) => dsp_json(StatusCode::OK, &body),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// `POST` anywhere: validate the DSP message by its `@type`, record it, and answer 200 when
/// it is valid or 400 with a typed DSP error naming the problems.
async fn receive(State(store): State<Arc<Store>>, uri: Uri, body: Bytes) -> Response {
    let path = uri.path_and_query().map_or_else(|| uri.path().to_owned(), |p| p.as_str().to_owned());
    let message = inspect(path, &body);
    let answer = if message.is_valid() {
        StatusCode::OK.into_response()
    } else {
        dsp_json(StatusCode::BAD_REQUEST, &error_body(&message))
    };
    tracing::debug!(path = %message.path, valid = message.is_valid(), "counter-party received");
    store.record(message);
    answer
}

/// Parses and validates a received body.
fn inspect(path: String, body: &[u8]) -> ReceivedMessage {
    let parsed: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(e) => {
            return ReceivedMessage {
                path,
                message_type: None,
                body: Value::Null,
                violations: vec![format!("body is not JSON: {e}")],
            };
        }
    };
    let message_type = parsed.get("@type").and_then(Value::as_str).map(str::to_owned);
    let violations = match message_type.as_deref().map(DspSchema::for_message_type) {
        None => vec!["message has no string @type".to_owned()],
        Some(None) => {
            vec![format!("@type {:?} is not a DSP 2025-1 message type", message_type.as_deref().unwrap_or_default())]
        }
        Some(Some(schema)) => checks::dsp_message(schema, &parsed).err().unwrap_or_default(),
    };
    ReceivedMessage { path, message_type, body: parsed, violations }
}

/// The DSP error object for an invalid message: a `TransferError` or
/// `ContractNegotiationError` (with the message's pids) by path, else a `CatalogError`.
fn error_body(message: &ReceivedMessage) -> Value {
    let error_type = if message.path.starts_with("/transfers") {
        "TransferError"
    } else if message.path.starts_with("/negotiations") {
        "ContractNegotiationError"
    } else {
        "CatalogError"
    };
    let mut body = json!({
        "@context": [DSP_CONTEXT],
        "@type": error_type,
        "code": "400",
        "reason": message.violations,
    });
    for pid in ["providerPid", "consumerPid"] {
        if error_type != "CatalogError"
            && let Some(value) = message.field(pid)
        {
            body[pid] = Value::from(value);
        }
    }
    body
}

/// A JSON answer with the DSP media type.
fn dsp_json(status: StatusCode, body: &Value) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response()
}
