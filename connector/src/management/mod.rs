//! The management API of the LDT operator, under `/management/v1`: plain JSON, API-key authentication, RFC 9457
//! problems, cursor-paginated lists, and an OpenAPI 3.1 document generated from these handlers.

pub mod authority;
pub mod catalog;
pub mod datasets;
pub mod extract;
pub mod listing;
pub mod negotiations;
pub mod offers;
pub mod policies;
pub mod problem;
#[cfg(feature = "scenarios")]
pub mod scenario;
pub mod slcs;
pub mod transfers;

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use subtle::ConstantTimeEq;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;
use problem::Problem;

/// The path under which the management API is served.
pub const MANAGEMENT_PATH: &str = "/management/v1";

/// The header that carries the API key.
pub const API_KEY_HEADER: &str = "x-api-key";

#[derive(OpenApi)]
#[openapi(
    info(title = "ldt-connector management API", description = "Manage the data products, policies and offers of a \
        Local Digital Twin, and read other connectors' catalogues."),
    servers((url = "/management/v1")),
    modifiers(&ApiKeySecurity),
    security(("api_key" = [])),
    tags((name = "datasets", description = "Data products (DCAT-AP 3 datasets) and their distributions"),
         (name = "policies", description = "ODRL policies"),
         (name = "offers", description = "Which datasets are offered under which policies"),
         (name = "catalog", description = "Other connectors' catalogues"),
         (name = "authority", description = "Data-space membership: applying, and the authority's decisions"),
         (name = "negotiations", description = "Contract negotiations, agreements and the live event feed"),
         (name = "transfers", description = "Transfer processes under agreements, and their data addresses"),
         (name = "slcs", description = "Surface-level components: publication, assessment against this LDT, discovery \
             across the data space"))
)]
struct ApiDoc;

struct ApiKeySecurity;

impl Modify for ApiKeySecurity {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components
            .add_security_scheme("api_key", SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("X-Api-Key"))));
    }
}

/// The management routes, relative to [`MANAGEMENT_PATH`], every one behind the API key.
pub fn routes(state: AppState) -> Router<AppState> {
    let (router, api) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(datasets::list, datasets::create))
        .routes(routes!(datasets::get, datasets::replace, datasets::delete))
        .routes(routes!(policies::list, policies::create))
        .routes(routes!(policies::get, policies::replace, policies::delete))
        .routes(routes!(policies::evaluate))
        .routes(routes!(offers::list, offers::create))
        .routes(routes!(offers::get, offers::replace, offers::delete))
        .routes(routes!(catalog::request))
        .routes(routes!(authority::members))
        .routes(routes!(authority::decide))
        .routes(routes!(authority::apply))
        .routes(routes!(authority::registry))
        .routes(routes!(authority::request_credentials))
        .routes(routes!(negotiations::list, negotiations::start))
        .routes(routes!(negotiations::get))
        .routes(routes!(negotiations::act))
        .routes(routes!(negotiations::agreements))
        .routes(routes!(negotiations::agreement))
        .routes(routes!(negotiations::events))
        .routes(routes!(transfers::list, transfers::start))
        .routes(routes!(transfers::get))
        .routes(routes!(transfers::act))
        .routes(routes!(slcs::list, slcs::create))
        .routes(routes!(slcs::get, slcs::replace, slcs::delete))
        .routes(routes!(slcs::assess))
        .routes(routes!(slcs::discover))
        .split_for_parts();
    #[cfg(feature = "scenarios")]
    let router = router
        .route("/scenario/negotiations", axum::routing::post(scenario::negotiation))
        .route("/scenario/transfers", axum::routing::post(scenario::transfer));
    let document: Arc<[u8]> =
        api.to_json().map(|json| json.into_bytes().into()).unwrap_or_else(|_| Arc::from(&b"{}"[..]));
    router
        .route("/openapi.json", get(move || openapi_json(document.clone())))
        .fallback(|| async { Problem::new(StatusCode::NOT_FOUND, "there is no such management endpoint") })
        .route_layer(axum::middleware::from_fn_with_state(state, require_api_key))
}

async fn openapi_json(document: Arc<[u8]>) -> Response {
    ([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], document.to_vec()).into_response()
}

/// Middleware: lets the request through only with the configured API key in `X-Api-Key`.
async fn require_api_key(State(state): State<AppState>, request: Request, next: Next) -> Result<Response, Problem> {
    let presented = request.headers().get(API_KEY_HEADER).map(HeaderValue::as_bytes).unwrap_or_default();
    if bool::from(presented.ct_eq(state.management_key.as_bytes())) {
        Ok(next.run(request).await)
    } else {
        Err(Problem::new(StatusCode::UNAUTHORIZED, "send the management API key in the X-Api-Key header"))
    }
}

/// 201 with `Location: <collection>/<id>` and the stored record.
fn created(collection: &str, id: &str, body: impl Serialize) -> Response {
    let encoded = url::form_urlencoded::byte_serialize(id.as_bytes()).collect::<String>();
    let location = format!("{MANAGEMENT_PATH}/{collection}/{encoded}");
    let mut response = (StatusCode::CREATED, Json(body)).into_response();
    if let Ok(location) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

/// A problem unless the id in the body is the id in the path.
fn same_id(path_id: &str, body_id: &str) -> Result<(), Problem> {
    if path_id == body_id {
        Ok(())
    } else {
        Err(Problem::invalid_field("/id", format!("`{body_id}` differs from the id in the path, `{path_id}`")))
    }
}
