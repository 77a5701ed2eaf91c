//! `/transfers`: start a transfer under an agreement (as consumer), follow transfers (state, history, the data
//! address a provider gave: the endpoint data reference of a pull), and suspend, resume, complete or terminate them.
//! State changes also appear on the `/events` feed.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::created;
use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::listing::{ListQuery, Listing};
use super::negotiations::optional_reason;
use super::problem::Problem;
use crate::app::AppState;
use crate::store::transfers::{TransferRecord, TransferStep};
use crate::transfer::machine::{Kind, Role, State as TransferState};
use crate::transfer::message::DataAddress;
use crate::transfer::service::{self, Start, StartError};

/// A transfer to ask a provider for, under an agreement this connector holds as consumer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TransferRequest {
    /// The agreement (its `@id`).
    pub agreement_id: String,
    /// The format, one of the dataset's distributions, e.g. `HttpData-PULL`.
    pub format: String,
    /// For a push: where the provider delivers (a DSP `DataAddress`).
    #[serde(default)]
    #[schema(value_type = Object)]
    pub data_address: Option<Value>,
}

/// A transfer as the operator sees it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TransferView {
    /// Our process id.
    pub pid: String,
    /// The peer's process id, once known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peer_pid: Option<String>,
    /// Our role.
    pub role: Role,
    /// The current state.
    pub state: TransferState,
    /// The other participant.
    pub counter_party_id: String,
    /// Where its messages go.
    pub counter_party_address: String,
    /// The agreement.
    pub agreement_id: String,
    /// The dataset.
    pub dataset_id: String,
    /// The format.
    pub format: String,
    /// Where the data is: for a consumer of a pull, the provider's endpoint and token (endpoint data reference);
    /// for a push, where it is delivered.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Object)]
    pub data_address: Option<Value>,
    /// Why it was suspended or terminated, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Object)]
    pub explanation: Option<Value>,
    /// When it began.
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// When it last changed.
    pub updated_at: chrono::DateTime<chrono::Utc>,
    /// Its steps, oldest first (on single reads).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<TransferStep>>,
}

impl TransferView {
    /// The view of `record`, with its `history` when given.
    pub fn of(record: TransferRecord, history: Option<Vec<TransferStep>>) -> TransferView {
        let transfer = record.transfer;
        TransferView {
            pid: transfer.pid,
            peer_pid: transfer.peer_pid,
            role: transfer.role,
            state: transfer.state,
            counter_party_id: transfer.counter_party,
            counter_party_address: transfer.peer_address,
            agreement_id: transfer.agreement_id,
            dataset_id: record.dataset_id,
            format: transfer.format,
            data_address: transfer.data_address.and_then(|address| serde_json::to_value(address).ok()),
            explanation: record.explanation,
            created_at: record.created_at,
            updated_at: record.updated_at,
            history,
        }
    }
}

/// Ask the provider of an agreement for its data. The transfer is recorded and the request queued; the answer comes
/// before the provider starts it.
#[utoipa::path(post, path = "/transfers", tag = "transfers", request_body = TransferRequest,
    responses((status = 201, body = TransferView), (status = 400, body = Problem)))]
pub async fn start(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<TransferRequest>,
) -> Result<Response, Problem> {
    let data_address = request
        .data_address
        .map(serde_json::from_value::<DataAddress>)
        .transpose()
        .map_err(|error| Problem::invalid_field("/dataAddress", format!("not a DataAddress: {error}")))?;
    if request.format.trim().is_empty() {
        return Err(Problem::invalid_field("/format", "a format is needed, e.g. HttpData-PULL"));
    }
    let start = Start { agreement_id: request.agreement_id, format: request.format, data_address };
    let record = service::start(&state, start).await.map_err(|error| match error {
        StartError::UnknownAgreement(_) | StartError::UnknownNegotiation(_) => {
            Problem::invalid_field("/agreementId", error.to_string())
        }
        StartError::Store(error) => error.into(),
    })?;
    let pid = record.transfer.pid.clone();
    Ok(created("transfers", &pid, TransferView::of(record, None)))
}

/// List transfers, in either role.
#[utoipa::path(get, path = "/transfers", tag = "transfers", params(ListQuery),
    responses((status = 200, body = Listing<TransferView>), (status = 400, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<Listing<TransferView>>, Problem> {
    let (limit, cursor) = query.read()?;
    let listing: Listing<TransferRecord> = state.store.transfers(cursor.as_ref(), limit).await?.into();
    Ok(Json(listing.map(|record| TransferView::of(record, None))))
}

/// Read a transfer with its history and data address.
#[utoipa::path(get, path = "/transfers/{pid}", tag = "transfers", params(("pid" = String, Path)),
    responses((status = 200, body = TransferView), (status = 404, body = Problem)))]
pub async fn get(State(state): State<AppState>, ApiPath(pid): ApiPath<String>) -> Result<Json<TransferView>, Problem> {
    let (record, history) = state.store.transfer(&pid).await?;
    Ok(Json(TransferView::of(record, Some(history))))
}

/// What the operator does: `suspend`, `resume`, `complete` or `terminate` (with an optional reason told to the
/// peer).
#[utoipa::path(post, path = "/transfers/{pid}/{action}", tag = "transfers",
    params(("pid" = String, Path), ("action" = String, Path, description = "suspend, resume, complete or terminate")),
    request_body(content = super::negotiations::Reason, description = "optional"),
    responses((status = 200, body = TransferView), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn act(
    State(state): State<AppState>,
    ApiPath((pid, action)): ApiPath<(String, String)>,
    body: axum::body::Bytes,
) -> Result<Json<TransferView>, Problem> {
    let reason = optional_reason(&body)?;
    let kind = match action.as_str() {
        "suspend" => Kind::Suspension,
        "resume" => Kind::Start,
        "complete" => Kind::Completion,
        "terminate" => Kind::Termination,
        other => {
            return Err(Problem::new(
                StatusCode::NOT_FOUND,
                format!("`{other}` is not an action: suspend, resume, complete or terminate"),
            ));
        }
    };
    let record = service::operate(&state, &pid, kind, reason).await?;
    Ok(Json(TransferView::of(record, None)))
}
