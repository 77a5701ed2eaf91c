//! The contract negotiation endpoints of the HTTPS binding. As provider, under the DSP base:
//! `GET /negotiations/:providerPid`, `POST /negotiations/request`, `POST /negotiations/:providerPid/request`,
//! `…/events`, `…/agreement/verification`, `…/termination`. As consumer, under our callback address
//! (`<DSP base>/callback`): `GET /negotiations/:consumerPid`, `POST /negotiations/offers`, `…/:consumerPid/offers`,
//! `…/agreement`, `…/events`, `…/termination`. Each handler reads the message and hands it to the service.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};

use super::caller::Authenticated;
use super::error::DspError;
use super::message::{DspMessage, DspPath};
use crate::app::AppState;
use crate::negotiation::error::NegotiationError;
use crate::negotiation::machine::Role;
use crate::negotiation::message::{Expected, Wire, negotiation_object};
use crate::negotiation::service;
use crate::store::StoreError;

/// The provider's routes, relative to the DSP base.
pub fn provider_routes() -> Router<AppState> {
    Router::new()
        .route("/negotiations/request", post(provider_request))
        .route("/negotiations/{pid}", get(provider_get))
        .route("/negotiations/{pid}/request", post(provider_counter_request))
        .route("/negotiations/{pid}/events", post(provider_event))
        .route("/negotiations/{pid}/agreement/verification", post(provider_verification))
        .route("/negotiations/{pid}/termination", post(provider_termination))
}

/// The consumer's routes, relative to its callback address.
pub fn consumer_routes() -> Router<AppState> {
    Router::new()
        .route("/negotiations/offers", post(consumer_offer))
        .route("/negotiations/{pid}", get(consumer_get))
        .route("/negotiations/{pid}/offers", post(consumer_counter_offer))
        .route("/negotiations/{pid}/agreement", post(consumer_agreement))
        .route("/negotiations/{pid}/events", post(consumer_event))
        .route("/negotiations/{pid}/termination", post(consumer_termination))
}

type Message = Result<DspMessage<Wire>, DspError>;

/// Reads `message` as `expected` and hands it to the service for our `role` and `pid`.
async fn handle(
    state: &AppState,
    caller: &Authenticated,
    role: Role,
    pid: Option<&str>,
    expected: Expected,
    message: Message,
) -> Result<Response, NegotiationError> {
    let DspMessage(wire) = message?;
    let pids = (wire.consumer_pid.clone(), wire.provider_pid.clone());
    let incoming = wire.read(expected).map_err(|reason| {
        NegotiationError::bad_request("InvalidMessage", reason).with_pids(pids.0.as_deref(), pids.1.as_deref())
    })?;
    let (status, ack) = service::receive(state, &caller.0, role, pid, incoming).await?;
    Ok((status, Json(ack)).into_response())
}

/// `GET …/negotiations/:pid` for our `role`: the process, to its counter-party only.
async fn get_process(
    state: &AppState,
    caller: &Authenticated,
    role: Role,
    pid: &str,
) -> Result<Response, NegotiationError> {
    let record = match state.store.negotiation_record(pid).await {
        Ok(record) => record,
        Err(StoreError::NotFound { .. }) => return Err(NegotiationError::not_found(pid)),
        Err(other) => return Err(other.into()),
    };
    let negotiation = &record.negotiation;
    if negotiation.role != role || negotiation.counter_party != caller.0.participant_id {
        return Err(NegotiationError::not_found(pid));
    }
    // Until the provider's acknowledgement is recorded, the process has no provider pid to show.
    let (Some(consumer_pid), Some(provider_pid)) = (negotiation.consumer_pid(), negotiation.provider_pid()) else {
        return Err(NegotiationError::not_found(pid));
    };
    let body = negotiation_object(consumer_pid, provider_pid, negotiation.state);
    Ok(Json(body).into_response())
}

macro_rules! endpoint {
    ($name:ident, $role:expr, $expected:expr) => {
        async fn $name(
            State(state): State<AppState>,
            Extension(caller): Extension<Authenticated>,
            DspPath(pid): DspPath<String>,
            message: Message,
        ) -> Result<Response, NegotiationError> {
            handle(&state, &caller, $role, Some(&pid), $expected, message).await
        }
    };
}

endpoint!(provider_counter_request, Role::Provider, Expected::Request);
endpoint!(provider_event, Role::Provider, Expected::Event);
endpoint!(provider_verification, Role::Provider, Expected::Verification);
endpoint!(provider_termination, Role::Provider, Expected::Termination);
endpoint!(consumer_counter_offer, Role::Consumer, Expected::Offer);
endpoint!(consumer_agreement, Role::Consumer, Expected::Agreement);
endpoint!(consumer_event, Role::Consumer, Expected::Event);
endpoint!(consumer_termination, Role::Consumer, Expected::Termination);

async fn provider_request(
    State(state): State<AppState>,
    Extension(caller): Extension<Authenticated>,
    message: Message,
) -> Result<Response, NegotiationError> {
    handle(&state, &caller, Role::Provider, None, Expected::Request, message).await
}

async fn consumer_offer(
    State(state): State<AppState>,
    Extension(caller): Extension<Authenticated>,
    message: Message,
) -> Result<Response, NegotiationError> {
    handle(&state, &caller, Role::Consumer, None, Expected::Offer, message).await
}

async fn provider_get(
    State(state): State<AppState>,
    Extension(caller): Extension<Authenticated>,
    DspPath(pid): DspPath<String>,
) -> Result<Response, NegotiationError> {
    get_process(&state, &caller, Role::Provider, &pid).await
}

async fn consumer_get(
    State(state): State<AppState>,
    Extension(caller): Extension<Authenticated>,
    DspPath(pid): DspPath<String>,
) -> Result<Response, NegotiationError> {
    get_process(&state, &caller, Role::Consumer, &pid).await
}
