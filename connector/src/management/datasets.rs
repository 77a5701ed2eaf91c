//! `/datasets`: the LDT's data products.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ldt_catalog::DataProduct;

use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::listing::{ListQuery, Listing};
use super::problem::Problem;
use super::{created, same_id};
use crate::app::AppState;
use crate::store::products::StoredProduct;

/// List data products.
#[utoipa::path(get, path = "/datasets", tag = "datasets", params(ListQuery),
    responses((status = 200, body = Listing<StoredProduct>), (status = 400, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<Listing<StoredProduct>>, Problem> {
    let (limit, cursor) = query.read()?;
    Ok(Json(state.store.products(cursor.as_ref(), limit).await?.into()))
}

/// Register a data product.
#[utoipa::path(post, path = "/datasets", tag = "datasets", request_body = DataProduct,
    responses((status = 201, body = StoredProduct), (status = 400, body = Problem), (status = 409, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    ApiJson(product): ApiJson<DataProduct>,
) -> Result<Response, Problem> {
    product.validate().map_err(Problem::invalid)?;
    let stored = state.store.create_product(&product).await?;
    Ok(created("datasets", &product.id, stored))
}

/// Read a data product.
#[utoipa::path(get, path = "/datasets/{id}", tag = "datasets", params(("id" = String, Path)),
    responses((status = 200, body = StoredProduct), (status = 404, body = Problem)))]
pub async fn get(State(state): State<AppState>, ApiPath(id): ApiPath<String>) -> Result<Json<StoredProduct>, Problem> {
    Ok(Json(state.store.product(&id).await?))
}

/// Replace a data product with a new version.
#[utoipa::path(put, path = "/datasets/{id}", tag = "datasets", params(("id" = String, Path)), request_body = DataProduct,
    responses((status = 200, body = StoredProduct), (status = 400, body = Problem), (status = 404, body = Problem)))]
pub async fn replace(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    ApiJson(product): ApiJson<DataProduct>,
) -> Result<Json<StoredProduct>, Problem> {
    same_id(&id, &product.id)?;
    product.validate().map_err(Problem::invalid)?;
    Ok(Json(state.store.replace_product(&product).await?))
}

/// Delete a data product; it leaves every offer.
#[utoipa::path(delete, path = "/datasets/{id}", tag = "datasets", params(("id" = String, Path)),
    responses((status = 204), (status = 404, body = Problem)))]
pub async fn delete(State(state): State<AppState>, ApiPath(id): ApiPath<String>) -> Result<Response, Problem> {
    state.store.delete_product(&id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
