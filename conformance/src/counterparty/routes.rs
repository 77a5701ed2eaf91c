//! The counter-party's HTTP routes: DSP messages in, negotiation and transfer state out.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use url::Url;

use super::negotiation_routes;
use super::store::{ReceivedMessage, Store};
use crate::checks;
use crate::jsonld::DSP_CONTEXT;
use crate::schema::DspSchema;

/// What every handler sees: the run's store and the server's own root URL.
#[derive(Debug, Clone)]
pub struct Shared {
    /// Received messages and served state.
    pub store: Arc<Store>,
    /// Root URL of the counter-party server.
    pub base_url: Url,
}

/// Routes of the counter-party server over `shared`.
pub fn router(shared: Shared) -> Router {
    Router::new()
        .route("/catalog/datasets/{id}", get(negotiation_routes::dataset).post(negotiation_routes::dataset))
        .route("/negotiations/request", post(negotiation_routes::initial_request))
        .route("/negotiations/{pid}", get(negotiation_routes::negotiation))
        .route("/negotiations/{pid}/{*rest}", post(negotiation_routes::message))
        .route("/transfers/{pid}", get(transfer).post(receive))
        .route("/", post(receive))
        .route("/{*path}", post(receive))
        .with_state(shared)
}

/// `GET /transfers/:pid`: the stored transfer process, or 404.
async fn transfer(State(shared): State<Shared>, Path(pid): Path<String>) -> Response {
    match shared.store.transfer(&pid) {
        Some(body) => dsp_json(StatusCode::OK, &body),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// `POST` anywhere else: validate the DSP message by its `@type`, record it, and answer 200
/// when it is valid or 400 with a typed DSP error naming the problems.
async fn receive(State(shared): State<Shared>, uri: Uri, body: Bytes) -> Response {
    let message = inspect(&uri, &body);
    let answer = if message.is_valid() {
        StatusCode::OK.into_response()
    } else {
        dsp_json(StatusCode::BAD_REQUEST, &error_body(&message))
    };
    tracing::debug!(path = %message.path, valid = message.is_valid(), "counter-party received");
    shared.store.record(message);
    answer
}

/// Parses a received body and validates it against the schema of its `@type`.
pub(super) fn inspect(uri: &Uri, body: &[u8]) -> ReceivedMessage {
    let path = uri.path_and_query().map_or_else(|| uri.path().to_owned(), |p| p.as_str().to_owned());
    let parsed: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(e) => {
            return ReceivedMessage {
                path,
                message_type: None,
                body: Value::Null,
                violations: vec![format!("body is not JSON: {e}")],
                process: None,
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
    ReceivedMessage { path, message_type, body: parsed, violations, process: None }
}

/// The DSP error object for an invalid message: a `TransferError` or
/// `ContractNegotiationError` (with the message's pids) by path, else a `CatalogError`.
pub(super) fn error_body(message: &ReceivedMessage) -> Value {
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
pub(super) fn dsp_json(status: StatusCode, body: &Value) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response()
}
