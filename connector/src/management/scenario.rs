//! Test-only (feature `scenarios`): the conformance suite's negotiation webhook. The suite plays a provider and
//! asks us, as consumer, to request one of its offers: `{"providerId", "offerId", "datasetId", "connectorAddress"}`.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;

use super::extract::ApiJson;
use super::negotiations::{NegotiationRequest, NegotiationView, begin};
use super::problem::Problem;
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
