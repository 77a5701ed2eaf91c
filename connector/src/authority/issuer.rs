//! The authority's issuer service (DCP 1.0 credential issuance, §6): `GET metadata` (what it issues),
//! `POST credentials` (a member asks for credentials with a `CredentialRequestMessage` and its self-issued token:
//! 201 with the request's `Location`, then the credentials arrive in its credential service through the storage
//! API) and `GET requests/{id}` (the request's status, for the member that made it).

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use ldt_identity::dcp::{CredentialRequest, CredentialStatus, IssuerMetadata};

use super::issue::{deliver, member_credentials};
use super::{AUTHORITY_PATH, AuthorityError};
use crate::app::AppState;
use crate::config::ROLE_CREDENTIALS;
use crate::dcp::service::bearer_peer;

/// The issuer service's path, below the authority's.
pub const ISSUER_PATH: &str = "/issuer";

/// The issuer service's routes, relative to [`AUTHORITY_PATH`].
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(&format!("{ISSUER_PATH}/metadata"), get(metadata))
        .route(&format!("{ISSUER_PATH}/credentials"), post(request_credentials))
        .route(&format!("{ISSUER_PATH}/requests/{{id}}"), get(request_status))
}

/// The credential types the authority issues.
fn issued() -> Vec<&'static str> {
    std::iter::once("MembershipCredential").chain(ROLE_CREDENTIALS).collect()
}

async fn metadata(State(state): State<AppState>) -> Json<IssuerMetadata> {
    let schemas = format!("{}{AUTHORITY_PATH}/schemas", state.public_url);
    Json(IssuerMetadata::new(&state.identity.did, &issued(), &schemas))
}

async fn request_credentials(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, AuthorityError> {
    let holder = bearer_peer(&state, &headers).await.map_err(|error| AuthorityError(error.0, error.1))?.iss;
    let request: CredentialRequest = serde_json::from_slice(&body)
        .map_err(|error| AuthorityError(StatusCode::BAD_REQUEST, format!("not a CredentialRequestMessage: {error}")))?;
    if request.kind != "CredentialRequestMessage" || request.credentials.is_empty() {
        return Err(AuthorityError(StatusCode::BAD_REQUEST, "a CredentialRequestMessage names credentials".into()));
    }
    let member = state.store.member(&holder).await?;
    if member.state != "approved" {
        return Err(AuthorityError(StatusCode::FORBIDDEN, format!("`{holder}` is {}, not a member", member.state)));
    }
    let entitled = member_credentials(&member);
    let kinds: Vec<String> = request.credentials.iter().map(|reference| reference.id.clone()).collect();
    if let Some(kind) = kinds.iter().find(|kind| !entitled.contains(kind)) {
        return Err(AuthorityError(StatusCode::FORBIDDEN, format!("`{holder}` is not entitled to `{kind}`")));
    }
    let id = state.store.add_issuance_request(&holder, &request.holder_pid, &kinds).await?;
    let issuing = state.clone();
    let (issuer_pid, holder_pid) = (id.clone(), request.holder_pid);
    tokio::spawn(async move {
        let status = match deliver(&issuing, &member, &kinds, issuer_pid.clone(), holder_pid).await {
            Ok(()) => "ISSUED",
            Err(reason) => {
                tracing::warn!(holder = %member.application.did, %reason, "requested credentials not delivered");
                "REJECTED"
            }
        };
        if let Err(error) = issuing.store.set_issuance_status(&issuer_pid, status).await {
            tracing::error!(%error, "the status of a credential request could not be kept");
        }
    });
    let location = format!("{AUTHORITY_PATH}{ISSUER_PATH}/requests/{id}");
    Ok((StatusCode::CREATED, [(header::LOCATION, location)]).into_response())
}

async fn request_status(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<CredentialStatus>, AuthorityError> {
    let holder = bearer_peer(&state, &headers).await.map_err(|error| AuthorityError(error.0, error.1))?.iss;
    let request = state.store.issuance_request(&id).await?;
    if request.holder_did != holder {
        return Err(AuthorityError(StatusCode::NOT_FOUND, format!("credential request `{id}` does not exist")));
    }
    Ok(Json(CredentialStatus::new(request.id, request.holder_pid, request.status)))
}
