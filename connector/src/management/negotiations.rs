//! `/negotiations` and `/agreements`: start a contract negotiation from another connector's catalogue offer, follow
//! negotiations (state, history, the explanation of a refusal), terminate them, approve or reject requests in
//! operator-approval mode, read the agreements in force, and `/events`: a live feed of state changes.

use std::convert::Infallible;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio_stream::StreamExt as _;
use tokio_stream::wrappers::BroadcastStream;
use utoipa::ToSchema;

use super::created;
use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::listing::{ListQuery, Listing};
use super::problem::Problem;
use crate::app::AppState;
use crate::dsp::client::ClientError;
use crate::negotiation::machine::{Role, State as NegotiationState};
use crate::negotiation::service::{self, OperatorAction, OperatorError, Start, StartError};
use crate::store::negotiations::{Record, Step, StoredAgreement};

/// A contract to ask another connector for.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NegotiationRequest {
    /// The provider's connector: its root URL or DSP base URL.
    pub counter_party_address: String,
    /// The provider's participant id (DID); defaults to the `did:web` DID of `counterPartyAddress`.
    #[serde(default)]
    pub counter_party_id: Option<String>,
    /// The dataset.
    pub dataset_id: String,
    /// The `@id` of the offer in the provider's catalogue.
    pub offer_id: String,
    /// The purpose this participant declares (an IRI of the data space's purpose taxonomy).
    #[serde(default)]
    pub purpose: Option<String>,
}

/// A negotiation as the operator sees it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NegotiationView {
    /// Our process id.
    pub pid: String,
    /// The peer's process id, once known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peer_pid: Option<String>,
    /// Our role.
    pub role: Role,
    /// The current state.
    pub state: NegotiationState,
    /// The other participant.
    pub counter_party_id: String,
    /// Where its messages go.
    pub counter_party_address: String,
    /// The dataset.
    pub dataset_id: String,
    /// The latest offer.
    #[schema(value_type = Object)]
    pub offer: Value,
    /// The agreement, once there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Object)]
    pub agreement: Option<Value>,
    /// The declared purpose.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    /// Whether it waits for the operator (approve, reject, accept).
    pub awaiting_operator: bool,
    /// Why it was refused or terminated: `reason` in words and, for a policy refusal, the `decision` report.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Object)]
    pub explanation: Option<Value>,
    /// When it began.
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// When it last changed.
    pub updated_at: chrono::DateTime<chrono::Utc>,
    /// Its steps, oldest first (on single reads).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<Step>>,
}

impl NegotiationView {
    /// The view of `record`, with its `history` when given.
    pub fn of(record: Record, history: Option<Vec<Step>>) -> NegotiationView {
        let negotiation = record.negotiation;
        NegotiationView {
            pid: negotiation.pid,
            peer_pid: negotiation.peer_pid,
            role: negotiation.role,
            state: negotiation.state,
            counter_party_id: negotiation.counter_party,
            counter_party_address: negotiation.peer_address,
            dataset_id: negotiation.dataset_id,
            offer: negotiation.offer,
            agreement: negotiation.agreement,
            purpose: negotiation.purpose,
            awaiting_operator: record.awaiting.is_some(),
            explanation: record.explanation,
            created_at: record.created_at,
            updated_at: record.updated_at,
            history,
        }
    }
}

/// Ask another connector for a contract on one of its catalogue offers. The offer is read from the provider's
/// catalogue, the negotiation recorded and the request queued; the answer comes before the provider decides.
#[utoipa::path(post, path = "/negotiations", tag = "negotiations", request_body = NegotiationRequest,
    responses((status = 201, body = NegotiationView), (status = 400, body = Problem), (status = 424, body = Problem)))]
pub async fn start(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<NegotiationRequest>,
) -> Result<Response, Problem> {
    let record = begin(&state, request).await?;
    let pid = record.negotiation.pid.clone();
    Ok(created("negotiations", &pid, NegotiationView::of(record, None)))
}

/// Starts a negotiation; the problem names what went wrong.
pub async fn begin(state: &AppState, request: NegotiationRequest) -> Result<Record, Problem> {
    let start = Start {
        address: request.counter_party_address,
        counter_party: request.counter_party_id,
        dataset_id: request.dataset_id,
        offer_id: request.offer_id,
        purpose: request.purpose,
    };
    service::start(state, start).await.map_err(|error| match error {
        StartError::Provider(ClientError::BadAddress(address)) => {
            Problem::invalid_field("/counterPartyAddress", format!("`{address}` is not an http(s) URL"))
        }
        StartError::NoSuchOffer { .. } => Problem::invalid_field("/offerId", error.to_string()),
        StartError::Provider(error) => Problem::new(StatusCode::FAILED_DEPENDENCY, error.to_string()),
        StartError::Store(error) => error.into(),
    })
}

/// List negotiations, in either role.
#[utoipa::path(get, path = "/negotiations", tag = "negotiations", params(ListQuery),
    responses((status = 200, body = Listing<NegotiationView>), (status = 400, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<Listing<NegotiationView>>, Problem> {
    let (limit, cursor) = query.read()?;
    let page = state.store.negotiations(cursor.as_ref(), limit).await?;
    let listing: Listing<Record> = page.into();
    Ok(Json(listing.map(|record| NegotiationView::of(record, None))))
}

/// Read a negotiation with its history.
#[utoipa::path(get, path = "/negotiations/{pid}", tag = "negotiations", params(("pid" = String, Path)),
    responses((status = 200, body = NegotiationView), (status = 404, body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    ApiPath(pid): ApiPath<String>,
) -> Result<Json<NegotiationView>, Problem> {
    let (record, history) = state.store.negotiation(&pid).await?;
    Ok(Json(NegotiationView::of(record, Some(history))))
}

/// Why, when ending or refusing.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reason {
    /// Told to the peer.
    #[serde(default)]
    pub reason: Option<String>,
}

impl From<OperatorError> for Problem {
    fn from(error: OperatorError) -> Problem {
        match error {
            OperatorError::NotFound(..) => Problem::new(StatusCode::NOT_FOUND, error.to_string()),
            OperatorError::Conflict(_) => Problem::new(StatusCode::CONFLICT, error.to_string()),
            OperatorError::Store(error) => error.into(),
        }
    }
}

/// The reason of an operator's action body, which may be empty.
pub fn optional_reason(body: &[u8]) -> Result<Option<String>, Problem> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let reason =
        serde_json::from_slice::<Reason>(body).map_err(|error| Problem::invalid_field("", error.to_string()))?;
    Ok(reason.reason)
}

/// What the operator does: `terminate`, `approve` or `reject` (a request waiting in operator-approval mode), or
/// `accept` (a provider's unsolicited offer).
#[utoipa::path(post, path = "/negotiations/{pid}/{action}", tag = "negotiations",
    params(("pid" = String, Path), ("action" = String, Path, description = "terminate, approve, reject or accept")),
    request_body(content = Reason, description = "optional"),
    responses((status = 200, body = NegotiationView), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn act(
    State(state): State<AppState>,
    ApiPath((pid, action)): ApiPath<(String, String)>,
    body: axum::body::Bytes,
) -> Result<Json<NegotiationView>, Problem> {
    let reason = optional_reason(&body)?;
    let action = match action.as_str() {
        "terminate" => OperatorAction::Terminate(reason),
        "approve" => OperatorAction::Approve,
        "reject" => OperatorAction::Reject(reason),
        "accept" => OperatorAction::Accept,
        other => {
            return Err(Problem::new(
                StatusCode::NOT_FOUND,
                format!("`{other}` is not an action: terminate, approve, reject or accept"),
            ));
        }
    };
    let record = service::operate(&state, &pid, action).await?;
    Ok(Json(NegotiationView::of(record, None)))
}

/// List the agreements in force (finalized), in either role.
#[utoipa::path(get, path = "/agreements", tag = "negotiations", params(ListQuery),
    responses((status = 200, body = Listing<StoredAgreement>), (status = 400, body = Problem)))]
pub async fn agreements(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<Listing<StoredAgreement>>, Problem> {
    let (limit, cursor) = query.read()?;
    Ok(Json(state.store.agreements(cursor.as_ref(), limit).await?.into()))
}

/// Read an agreement: its policy (with duties), parties and timestamps.
#[utoipa::path(get, path = "/agreements/{id}", tag = "negotiations", params(("id" = String, Path)),
    responses((status = 200, body = StoredAgreement), (status = 404, body = Problem)))]
pub async fn agreement(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<StoredAgreement>, Problem> {
    Ok(Json(state.store.agreement(&id).await?))
}

/// A live feed of process state changes (server-sent events, one JSON `ProcessEvent` per `state` event); it ends
/// when the connector stops.
#[utoipa::path(get, path = "/events", tag = "negotiations",
    responses((status = 200, description = "text/event-stream of ProcessEvent", content_type = "text/event-stream")))]
pub async fn events(State(state): State<AppState>) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let stream = BroadcastStream::new(state.processes.subscribe()).filter_map(|event| {
        let event = event.ok()?;
        Event::default().event("state").json_data(&event).ok().map(Ok)
    });
    let stream = futures_util::StreamExt::take_until(stream, state.processes.stopped());
    Sse::new(stream).keep_alive(KeepAlive::default())
}
