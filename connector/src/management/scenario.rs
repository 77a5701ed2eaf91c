//! Test-only (feature `scenarios`): the conformance suite's webhooks. The suite plays a provider and asks us, as
//! consumer, to request one of its offers (`{"providerId", "offerId", "datasetId", "connectorAddress"}`), or the
//! data of an agreement we reached with it (`{"providerId", "agreementId", "format", "connectorAddress"}`).

use axum::Json;
use axum::extract::State;
use serde::Deserialize;

use super::extract::ApiJson;
use super::negotiations::{NegotiationRequest, NegotiationView, begin};
use super::problem::Problem;
use super::transfers::{TransferRequest, start};
use crate::app::AppState;

/// The webhook's body.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Trigger {
    /// The provider's participant id.
    pub provider_id: String,
    /// The offer's `@id`.
    pub offer_id: String,
    /// The dataset.
    pub dataset_id: String,
    /// The provider's DSP base.
    pub connector_address: String,
}

/// `POST /management/v1/scenario/negotiations`: starts a negotiation as the management API would.
pub async fn negotiation(
    State(state): State<AppState>,
    ApiJson(trigger): ApiJson<Trigger>,
) -> Result<Json<NegotiationView>, Problem> {
    let request = NegotiationRequest {
        counter_party_address: trigger.connector_address,
        counter_party_id: Some(trigger.provider_id),
        dataset_id: trigger.dataset_id,
        offer_id: trigger.offer_id,
        purpose: None,
    };
    let record = begin(&state, request).await?;
    Ok(Json(NegotiationView::of(record, None)))
}

/// The transfer webhook's body.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TransferTrigger {
    /// The provider's participant id.
    pub provider_id: String,
    /// The agreement.
    pub agreement_id: String,
    /// The format.
    pub format: String,
    /// The provider's DSP base.
    pub connector_address: String,
}

/// `POST /management/v1/scenario/transfers`: starts a transfer as the management API would (the provider is the
/// one the agreement was negotiated with).
pub async fn transfer(
    state: State<AppState>,
    ApiJson(trigger): ApiJson<TransferTrigger>,
) -> Result<axum::response::Response, Problem> {
    tracing::debug!(provider = %trigger.provider_id, address = %trigger.connector_address, "transfer webhook");
    let request = TransferRequest { agreement_id: trigger.agreement_id, format: trigger.format, data_address: None };
    start(state, ApiJson(request)).await
}
