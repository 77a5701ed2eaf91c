//! The transfer process endpoints of the HTTPS binding. As provider, under the DSP base:
//! `GET /transfers/:providerPid`, `POST /transfers/request`, `…/:providerPid/start`, `…/suspension`,
//! `…/completion`, `…/termination`. As consumer, under our callback address (`<DSP base>/callback`):
//! `GET /transfers/:consumerPid`, `…/:consumerPid/start`, `…/suspension`, `…/completion`, `…/termination`. Each
//! handler reads the message and hands it to the service.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};

use super::caller::Authenticated;
use super::error::DspError;
use super::message::{DspMessage, DspPath};
use crate::app::AppState;
use crate::store::StoreError;
use crate::transfer::error::TransferError;
use crate::transfer::machine::{Kind, Role};
use crate::transfer::message::{Wire, transfer_object};
use crate::transfer::service;

/// The provider's routes, relative to the DSP base.
pub fn provider_routes() -> Router<AppState> {
    Router::new()
        .route("/transfers/request", post(provider_request))
        .route("/transfers/{pid}", get(provider_get))
        .route("/transfers/{pid}/start", post(provider_start))
        .route("/transfers/{pid}/suspension", post(provider_suspension))
        .route("/transfers/{pid}/completion", post(provider_completion))
        .route("/transfers/{pid}/termination", post(provider_termination))
}

/// The consumer's routes, relative to its callback address.
pub fn consumer_routes() -> Router<AppState> {
    Router::new()
        .route("/transfers/{pid}", get(consumer_get))
        .route("/transfers/{pid}/start", post(consumer_start))
        .route("/transfers/{pid}/suspension", post(consumer_suspension))
        .route("/transfers/{pid}/completion", post(consumer_completion))
        .route("/transfers/{pid}/termination", post(consumer_termination))
}

type Message = Result<DspMessage<Wire>, DspError>;

/// Reads `message` as `expected` and hands it to the service for our `role` and `pid`.
async fn handle(
    state: &AppState,
    caller: &Authenticated,
    role: Role,
    pid: Option<&str>,
    expected: Kind,
    message: Message,
) -> Result<Response, TransferError> {
    let DspMessage(wire) = message?;
    let pids = (wire.consumer_pid.clone(), wire.provider_pid.clone());
    let incoming = wire.read(expected).map_err(|reason| {
        TransferError::bad_request("InvalidMessage", reason).with_pids(pids.0.as_deref(), pids.1.as_deref())
    })?;
    let (status, ack) = service::receive(state, &caller.0, role, pid, incoming).await?;
    Ok((status, Json(ack)).into_response())
}

/// `GET …/transfers/:pid` for our `role`: the process, to its counter-party only.
async fn get_process(
    state: &AppState,
    caller: &Authenticated,
    role: Role,
    pid: &str,
) -> Result<Response, TransferError> {
    let record = match state.store.transfer_record(pid).await {
        Ok(record) => record,
        Err(StoreError::NotFound { .. }) => return Err(TransferError::not_found(pid)),
        Err(other) => return Err(other.into()),
    };
    let transfer = &record.transfer;
    if transfer.role != role || transfer.counter_party != caller.0.participant_id {
        return Err(TransferError::not_found(pid));
    }
    // Until the provider's acknowledgement is recorded, the process has no provider pid to show.
    let (Some(consumer_pid), Some(provider_pid)) = (transfer.consumer_pid(), transfer.provider_pid()) else {
        return Err(TransferError::not_found(pid));
    };
    Ok(Json(transfer_object(consumer_pid, provider_pid, transfer.state)).into_response())
}

macro_rules! endpoint {
    ($name:ident, $role:expr, $expected:expr) => {
        async fn $name(
            State(state): State<AppState>,
            Extension(caller): Extension<Authenticated>,
            DspPath(pid): DspPath<String>,
            message: Message,
        ) -> Result<Response, TransferError> {
            handle(&state, &caller, $role, Some(&pid), $expected, message).await
        }
    };
}

endpoint!(provider_start, Role::Provider, Kind::Start);
endpoint!(provider_suspension, Role::Provider, Kind::Suspension);
endpoint!(provider_completion, Role::Provider, Kind::Completion);
endpoint!(provider_termination, Role::Provider, Kind::Termination);
endpoint!(consumer_start, Role::Consumer, Kind::Start);
endpoint!(consumer_suspension, Role::Consumer, Kind::Suspension);
endpoint!(consumer_completion, Role::Consumer, Kind::Completion);
endpoint!(consumer_termination, Role::Consumer, Kind::Termination);

async fn provider_request(
    State(state): State<AppState>,
    Extension(caller): Extension<Authenticated>,
    message: Message,
) -> Result<Response, TransferError> {
    handle(&state, &caller, Role::Provider, None, Kind::Request, message).await
}

async fn provider_get(
    State(state): State<AppState>,
    Extension(caller): Extension<Authenticated>,
    DspPath(pid): DspPath<String>,
) -> Result<Response, TransferError> {
    get_process(&state, &caller, Role::Provider, &pid).await
}

async fn consumer_get(
    State(state): State<AppState>,
    Extension(caller): Extension<Authenticated>,
    DspPath(pid): DspPath<String>,
) -> Result<Response, TransferError> {
    get_process(&state, &caller, Role::Consumer, &pid).await
}
