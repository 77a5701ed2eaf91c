//! `/catalog/request`: read another connector's DSP catalogue.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::extract::ApiJson;
use super::problem::Problem;
use crate::app::AppState;
use crate::dsp::client::ClientError;

/// Which catalogue to read.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CatalogRequest {
    /// The other connector's address: its root URL (its DSP base is found through `/.well-known/dspace-version`)
    /// or its DSP base URL.
    pub counter_party_address: String,
    /// The other participant's DID, the audience of this connector's token; defaults to the `did:web` DID of
    /// `counterPartyAddress`.
    #[serde(default)]
    pub counter_party_id: Option<String>,
    /// DSP filters passed on as they are, e.g. `[{"keyword": "traffic"}]` for another ldt-connector.
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub filter: Vec<Value>,
}

/// Read another connector's catalogue: every page, merged into one DSP `Catalog`.
///
/// When the other connector cannot be reached or answers badly, the answer is 424 (Failed Dependency) with what it
/// did.
#[utoipa::path(post, path = "/catalog/request", tag = "catalog", request_body = CatalogRequest,
    responses((status = 200, description = "The DSP Catalog, all pages merged", body = Object),
              (status = 400, body = Problem), (status = 424, body = Problem)))]
pub async fn request(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<CatalogRequest>,
) -> Result<Json<Value>, Problem> {
    match state
        .dsp_client
        .catalog(&request.counter_party_address, request.counter_party_id.as_deref(), &request.filter)
        .await
    {
        Ok(catalog) => Ok(Json(catalog)),
        Err(ClientError::BadAddress(address)) => {
            Err(Problem::invalid_field("/counterPartyAddress", format!("`{address}` is not an http(s) URL")))
        }
        Err(error) => Err(Problem::new(StatusCode::FAILED_DEPENDENCY, error.to_string())),
    }
}
