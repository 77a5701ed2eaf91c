//! `/policies`: ODRL policy documents, stored as given (validation comes with the policy engine).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ldt_catalog::product::Problems;

use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::listing::{ListQuery, Listing};
use super::problem::Problem;
use super::{created, same_id};
use crate::app::AppState;
use crate::store::policies::{PolicyDocument, StoredPolicy};

/// List policies.
#[utoipa::path(get, path = "/policies", tag = "policies", params(ListQuery),
    responses((status = 200, body = Listing<StoredPolicy>), (status = 400, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<Listing<StoredPolicy>>, Problem> {
    let (limit, cursor) = query.read()?;
    Ok(Json(state.store.policies(cursor.as_ref(), limit).await?.into()))
}

/// Register a policy.
#[utoipa::path(post, path = "/policies", tag = "policies", request_body = PolicyDocument,
    responses((status = 201, body = StoredPolicy), (status = 400, body = Problem), (status = 409, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    ApiJson(document): ApiJson<PolicyDocument>,
) -> Result<Response, Problem> {
    check(&document)?;
    let stored = state.store.create_policy(&document).await?;
    Ok(created("policies", &document.id, stored))
}

/// Read a policy.
#[utoipa::path(get, path = "/policies/{id}", tag = "policies", params(("id" = String, Path)),
    responses((status = 200, body = StoredPolicy), (status = 404, body = Problem)))]
pub async fn get(State(state): State<AppState>, ApiPath(id): ApiPath<String>) -> Result<Json<StoredPolicy>, Problem> {
    Ok(Json(state.store.policy(&id).await?))
}

/// Replace a policy; offers under it publish the new rules at once.
#[utoipa::path(put, path = "/policies/{id}", tag = "policies", params(("id" = String, Path)), request_body = PolicyDocument,
    responses((status = 200, body = StoredPolicy), (status = 400, body = Problem), (status = 404, body = Problem)))]
pub async fn replace(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    ApiJson(document): ApiJson<PolicyDocument>,
) -> Result<Json<StoredPolicy>, Problem> {
    same_id(&id, &document.id)?;
    check(&document)?;
    Ok(Json(state.store.replace_policy(&document).await?))
}

/// Delete a policy; refused (409) while an offer uses it.
#[utoipa::path(delete, path = "/policies/{id}", tag = "policies", params(("id" = String, Path)),
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn delete(State(state): State<AppState>, ApiPath(id): ApiPath<String>) -> Result<Response, Problem> {
    state.store.delete_policy(&id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The checks a policy passes before the policy engine validates ODRL: a usable id and a JSON object.
fn check(document: &PolicyDocument) -> Result<(), Problem> {
    let mut problems = Problems::default();
    problems.check_id("/id", &document.id);
    if !document.policy.is_object() {
        problems.add("/policy", "must be an ODRL policy object");
    }
    problems.into_result().map_err(Problem::invalid)
}
