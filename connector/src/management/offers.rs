//! `/offers`: which data products are offered under which access and contract policies.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ldt_catalog::FieldError;
use ldt_catalog::offer::Offer;
use ldt_policy::validate::{Scope, Usage};

use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::listing::{ListQuery, Listing};
use super::policies::policy_problems;
use super::problem::Problem;
use super::{created, same_id};
use crate::app::AppState;
use crate::store::StoreError;
use crate::store::offers::StoredOffer;

/// List offers.
#[utoipa::path(get, path = "/offers", tag = "offers", params(ListQuery),
    responses((status = 200, body = Listing<StoredOffer>), (status = 400, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<Listing<StoredOffer>>, Problem> {
    let (limit, cursor) = query.read()?;
    Ok(Json(state.store.offers(cursor.as_ref(), limit).await?.into()))
}

/// Register an offer; the products it selects appear in the catalogue under it.
#[utoipa::path(post, path = "/offers", tag = "offers", request_body = Offer,
    responses((status = 201, body = StoredOffer), (status = 400, body = Problem), (status = 409, body = Problem)))]
pub async fn create(State(state): State<AppState>, ApiJson(offer): ApiJson<Offer>) -> Result<Response, Problem> {
    offer.validate().map_err(Problem::invalid)?;
    check_policies(&state, &offer).await?;
    let stored = state.store.create_offer(&offer).await?;
    Ok(created("offers", &offer.id, stored))
}

/// Read an offer.
#[utoipa::path(get, path = "/offers/{id}", tag = "offers", params(("id" = String, Path)),
    responses((status = 200, body = StoredOffer), (status = 404, body = Problem)))]
pub async fn get(State(state): State<AppState>, ApiPath(id): ApiPath<String>) -> Result<Json<StoredOffer>, Problem> {
    Ok(Json(state.store.offer(&id).await?))
}

/// Replace an offer; which products it covers is worked out again.
#[utoipa::path(put, path = "/offers/{id}", tag = "offers", params(("id" = String, Path)), request_body = Offer,
    responses((status = 200, body = StoredOffer), (status = 400, body = Problem), (status = 404, body = Problem)))]
pub async fn replace(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    ApiJson(offer): ApiJson<Offer>,
) -> Result<Json<StoredOffer>, Problem> {
    same_id(&id, &offer.id)?;
    offer.validate().map_err(Problem::invalid)?;
    check_policies(&state, &offer).await?;
    Ok(Json(state.store.replace_offer(&offer).await?))
}

/// Withdraw an offer.
#[utoipa::path(delete, path = "/offers/{id}", tag = "offers", params(("id" = String, Path)),
    responses((status = 204), (status = 404, body = Problem)))]
pub async fn delete(State(state): State<AppState>, ApiPath(id): ApiPath<String>) -> Result<Response, Problem> {
    state.store.delete_offer(&id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The offer's policies are usable where the offer puts them: its access policy decides who sees the products in
/// the catalogue, its contract policy becomes the catalogue offer (no `target` on its rules) and the contract. A
/// policy that does not exist is left to the store, which names the field.
async fn check_policies(state: &AppState, offer: &Offer) -> Result<(), Problem> {
    let access = offer.access_policy_id.as_ref().map(|id| ("/accessPolicyId", id, access_usage(state)));
    let contract = Some(("/contractPolicyId", &offer.contract_policy_id, contract_usage(state)));
    let mut errors = Vec::new();
    for (pointer, id, usage) in access.into_iter().chain(contract) {
        let document = match state.store.policy(id).await {
            Ok(stored) => stored.document.policy,
            Err(StoreError::NotFound { .. }) => continue,
            Err(other) => return Err(other.into()),
        };
        if let Err(diagnostics) = policy_problems(&document, &usage) {
            errors.extend(diagnostics.into_iter().map(|diagnostic| FieldError {
                pointer: pointer.to_owned(),
                detail: format!("policy `{id}` {}: {}", diagnostic.path, diagnostic.problem),
            }));
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(Problem::invalid(errors)) }
}

/// How an offer uses its access policy: to decide who sees its products in the catalogue.
pub(crate) fn access_usage(state: &AppState) -> Usage {
    Usage::within(&[Scope::Catalogue], state.config.policy.claims.keys().cloned())
}

/// How an offer uses its contract policy: as the catalogue offer (no `target`), when negotiating, and as the
/// agreement while transferring.
pub(crate) fn contract_usage(state: &AppState) -> Usage {
    let claims = state.config.policy.claims.keys().cloned();
    Usage { catalogue_offer: true, ..Usage::within(&[Scope::Negotiation, Scope::Transfer], claims) }
}
