//! The counter-party's HTTP routes: DSP messages in, negotiation and transfer state out, and
//! the data of the transfers it provides.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use url::Url;

use super::process_routes;
use super::store::{ReceivedMessage, Store};
use crate::checks;
use crate::jsonld::DSP_CONTEXT;
use crate::messages::catalog;
use crate::negotiation::Negotiation;
use crate::process::ProcessState as _;
use crate::schema::DspSchema;
use crate::transfer::{State as TransferState, Transfer};

/// Where the counter-party serves the data of the transfers it provides:
/// `<base>/data/<providerPid>`.
pub const DATA_PATH: &str = "/data";

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
        .route("/catalog/datasets/{id}", get(dataset).post(dataset))
        .route("/negotiations/request", post(process_routes::initial_request::<Negotiation>))
        .route("/negotiations/{pid}", get(process_routes::process::<Negotiation>))
        .route("/negotiations/{pid}/{*rest}", post(process_routes::message::<Negotiation>))
        .route("/transfers/request", post(process_routes::initial_request::<Transfer>))
        .route("/transfers/{pid}", get(process_routes::process::<Transfer>))
        .route("/transfers/{pid}/{*rest}", post(process_routes::message::<Transfer>))
        .route(&format!("{DATA_PATH}/{{pid}}"), get(data))
        .route("/", post(receive))
        .route("/{*path}", post(receive))
        .with_state(shared)
}

/// `GET|POST /catalog/datasets/:id`: the counter-party offers any dataset id (one offer each).
async fn dataset(State(shared): State<Shared>, Path(id): Path<String>) -> Response {
    dsp_json(StatusCode::OK, &catalog::dataset(&id, &shared.base_url))
}

/// `GET <DATA_PATH>/:pid` with `Authorization: Bearer <token>`: the data of a started transfer
/// the counter-party provides, for the token its `TransferStartMessage` handed out. 404 for a
/// token that grants nothing here, 409 while the transfer is not `STARTED`.
async fn data(State(shared): State<Shared>, Path(pid): Path<String>, headers: HeaderMap) -> Response {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "));
    let Some(grant) = token.and_then(|token| shared.store.granted(token)).filter(|grant| grant.provider_pid == pid)
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let state = shared.store.processes::<Transfer>().get(&pid).map(|record| record.state);
    if state != Some(TransferState::Started) {
        let state = state.map_or("unknown", |state| state.as_str());
        return (StatusCode::CONFLICT, format!("the transfer is {state}, not STARTED")).into_response();
    }
    dsp_json(StatusCode::OK, &json!({"dataset": grant.dataset_id, "providerPid": grant.provider_pid}))
}

/// `POST` anywhere else: validate the DSP message by its `@type`, record it, and answer 200
/// when it is valid or 400 with a typed DSP error naming the problems.
async fn receive(State(shared): State<Shared>, uri: Uri, body: Bytes) -> Response {
    let message = inspect(&uri, &body);
    let answer = if message.is_valid() {
        StatusCode::OK.into_response()
    } else {
        dsp_json(StatusCode::BAD_REQUEST, &error_body("CatalogError", &message))
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

/// The DSP error object of `error_type` (`CatalogError`, or a process protocol's error, which
/// carries the message's pids) for an invalid message.
pub(super) fn error_body(error_type: &str, message: &ReceivedMessage) -> Value {
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
