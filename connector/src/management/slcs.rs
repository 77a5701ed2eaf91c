//! `/slcs`: the Surface-level components this LDT publishes, and the assessments of components against it —
//! one descriptor (`/slcs/assess`), or every component the data space's members publish (`/slcs/discover`).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ldt_catalog::slc::{Assessment, SlcDescriptor};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::authority::authority_of;
use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::listing::{ListQuery, Listing};
use super::problem::Problem;
use super::{created, same_id};
use crate::app::AppState;
use crate::slc::federation::{MemberStatus, Refresh};
use crate::slc::{self, Candidate};
use crate::store::slcs::{SlcRegistration, StoredSlc};

/// List the components this LDT publishes.
#[utoipa::path(get, path = "/slcs", tag = "slcs", params(ListQuery),
    responses((status = 200, body = Listing<StoredSlc>), (status = 400, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<Listing<StoredSlc>>, Problem> {
    let (limit, cursor) = query.read()?;
    Ok(Json(state.store.slcs(cursor.as_ref(), limit).await?.into()))
}

/// Register a component: it is published in the DSP catalogue as a `DataService` under the offers named.
#[utoipa::path(post, path = "/slcs", tag = "slcs", request_body = SlcRegistration,
    responses((status = 201, body = StoredSlc), (status = 400, body = Problem), (status = 409, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    ApiJson(registration): ApiJson<SlcRegistration>,
) -> Result<Response, Problem> {
    registration.validate().map_err(Problem::invalid)?;
    let stored = state.store.create_slc(&registration).await?;
    Ok(created("slcs", &registration.descriptor.id, stored))
}

/// Read a component.
#[utoipa::path(get, path = "/slcs/{id}", tag = "slcs", params(("id" = String, Path)),
    responses((status = 200, body = StoredSlc), (status = 404, body = Problem)))]
pub async fn get(State(state): State<AppState>, ApiPath(id): ApiPath<String>) -> Result<Json<StoredSlc>, Problem> {
    Ok(Json(state.store.slc(&id).await?))
}

/// Replace a component's descriptor and offers.
#[utoipa::path(put, path = "/slcs/{id}", tag = "slcs", params(("id" = String, Path)), request_body = SlcRegistration,
    responses((status = 200, body = StoredSlc), (status = 400, body = Problem), (status = 404, body = Problem)))]
pub async fn replace(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    ApiJson(registration): ApiJson<SlcRegistration>,
) -> Result<Json<StoredSlc>, Problem> {
    same_id(&id, &registration.descriptor.id)
        .map_err(|_| Problem::invalid_field("/descriptor/id", format!("differs from the id in the path, `{id}`")))?;
    registration.validate().map_err(Problem::invalid)?;
    Ok(Json(state.store.replace_slc(&registration).await?))
}

/// Withdraw a component from the catalogue.
#[utoipa::path(delete, path = "/slcs/{id}", tag = "slcs", params(("id" = String, Path)),
    responses((status = 204), (status = 404, body = Problem)))]
pub async fn delete(State(state): State<AppState>, ApiPath(id): ApiPath<String>) -> Result<Response, Problem> {
    state.store.delete_slc(&id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// A component to judge against this LDT.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AssessRequest {
    /// Its descriptor.
    pub descriptor: SlcDescriptor,
}

/// Judge a component against this LDT: each requirement satisfied, satisfiable with a named adaptation, or not,
/// with the reason; inputs missing here are looked for in the members' catalogues as last discovered, and the
/// offers that would fill them are proposed.
#[utoipa::path(post, path = "/slcs/assess", tag = "slcs", request_body = AssessRequest,
    responses((status = 200, body = Assessment), (status = 400, body = Problem)))]
pub async fn assess(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<AssessRequest>,
) -> Result<Json<Assessment>, Problem> {
    request.descriptor.validate_at("/descriptor").map_err(Problem::invalid)?;
    Ok(Json(slc::assess(&state, request.descriptor).await?))
}

/// Which authority's registry to discover the data space from, and whether to fetch anew.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DiscoverRequest {
    /// The authority's address (its connector's root URL); defaults to `slc.authority_address`.
    #[serde(default)]
    pub authority_address: Option<String>,
    /// The authority's DID; defaults to `slc.authority_id`, else the `did:web` DID of the address.
    #[serde(default)]
    pub authority_id: Option<String>,
    /// Fetch every member's catalogue now, however recently it was fetched.
    #[serde(default)]
    pub force: bool,
}

/// The components of the data space, ranked for this LDT.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Discovery {
    /// What the refresh of the members' catalogues did.
    pub refresh: Refresh,
    /// Each member's catalogue.
    pub members: Vec<MemberStatus>,
    /// The components, best first.
    pub candidates: Vec<Candidate>,
}

/// Which components of the data space work on this LDT? Refreshes the members' catalogues from the authority's
/// registry (incrementally), then judges every component they publish and ranks them.
#[utoipa::path(post, path = "/slcs/discover", tag = "slcs", request_body = DiscoverRequest,
    responses((status = 200, body = Discovery), (status = 400, body = Problem), (status = 424, body = Problem)))]
pub async fn discover(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<DiscoverRequest>,
) -> Result<Json<Discovery>, Problem> {
    let configured = &state.config.slc;
    let Some(address) = request.authority_address.or_else(|| configured.authority_address.clone()) else {
        return Err(Problem::invalid_field(
            "/authorityAddress",
            "name the data-space authority, here or as `slc.authority_address` in the configuration",
        ));
    };
    // The configured authority's DID goes with the configured address only, not with another one named here.
    let configured_id = || {
        configured.authority_id.clone().filter(|_| configured.authority_address.as_deref() == Some(address.as_str()))
    };
    let (base, authority) = authority_of(&address, request.authority_id.or_else(configured_id))?;
    let refresh = state
        .federation
        .refresh(&state, base, &authority, request.force)
        .await
        .map_err(|error| Problem::new(StatusCode::FAILED_DEPENDENCY, error))?;
    let candidates = slc::discover(&state).await?;
    Ok(Json(Discovery { refresh, members: state.federation.status(), candidates }))
}
