//! The data-space authority role: participants apply for membership and prove control of their DID by signing a
//! challenge; an administrator (management API) or a configured rule approves; the authority then issues a
//! `MembershipCredential` and the role credentials asked for, through the DCP storage API, into the participant's
//! credential service; it suspends and revokes through its status lists and keeps the participant registry.
//!
//! Public routes under `/authority`: `POST challenge`, `POST applications`, `GET status/{revocation|suspension}`;
//! `GET participants` (the registry) is for members only, verified like any DSP caller.

pub mod issue;
pub mod issuer;

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{TimeDelta, Utc};
use ldt_identity::did::{Relationship, did_of};
use ldt_identity::jwt::{Jwt, check_window};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::app::AppState;
use crate::config::ROLE_CREDENTIALS;
use crate::dsp::caller::{Authenticated, authenticate};
use crate::management::extract::ApiJson;
use crate::store::authority::{Application, Member};

/// The base path of the authority's public routes.
pub const AUTHORITY_PATH: &str = "/authority";

/// How long a challenge may be answered.
const CHALLENGE_LIFETIME: TimeDelta = TimeDelta::minutes(10);

/// The authority's public routes (empty unless the role is enabled).
pub fn routes(state: &AppState) -> Router<AppState> {
    if !state.config.authority.enabled {
        return Router::new();
    }
    let members_only = Router::new()
        .route("/participants", get(participants))
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), authenticate));
    Router::new().nest(
        AUTHORITY_PATH,
        Router::new()
            .route("/challenge", post(challenge))
            .route("/applications", post(apply))
            .route("/status/{purpose}", get(status_list))
            .merge(issuer::routes())
            .merge(members_only),
    )
}

/// A refusal: a status and a reason, as `{"error": reason}`.
#[derive(Debug)]
pub struct AuthorityError(pub StatusCode, pub String);

impl IntoResponse for AuthorityError {
    fn into_response(self) -> Response {
        (self.0, Json(json!({"error": self.1}))).into_response()
    }
}

impl From<crate::store::StoreError> for AuthorityError {
    fn from(error: crate::store::StoreError) -> AuthorityError {
        match error {
            crate::store::StoreError::Conflict(reason) => AuthorityError(StatusCode::CONFLICT, reason),
            crate::store::StoreError::NotFound { .. } => AuthorityError(StatusCode::NOT_FOUND, error.to_string()),
            other => {
                tracing::error!(error = %other, "the authority's store failed");
                AuthorityError(StatusCode::SERVICE_UNAVAILABLE, "the authority's database failed".into())
            }
        }
    }
}

fn bad_request(reason: impl Into<String>) -> AuthorityError {
    AuthorityError(StatusCode::BAD_REQUEST, reason.into())
}

/// `POST /authority/challenge` body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ChallengeRequest {
    did: String,
}

/// A challenge to sign.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Challenge {
    /// The random text to sign.
    pub challenge: String,
    /// The authority's DID: the audience of the proof.
    pub authority: String,
    /// Until when it may be answered.
    pub expires_at: chrono::DateTime<Utc>,
}

async fn challenge(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<ChallengeRequest>,
) -> Result<Json<Challenge>, AuthorityError> {
    if !request.did.starts_with("did:") || request.did.len() > 2000 {
        return Err(bad_request("`did` must be a DID"));
    }
    let challenge = uuid::Uuid::new_v4().simple().to_string() + &uuid::Uuid::new_v4().simple().to_string();
    let expires_at = Utc::now() + CHALLENGE_LIFETIME;
    state.store.add_challenge(&challenge, &request.did, expires_at).await?;
    Ok(Json(Challenge { challenge, authority: state.identity.did.clone(), expires_at }))
}

/// A membership application: what the applicant says about itself, and its proof of controlling its DID.
#[derive(Debug, Serialize, Deserialize)]
pub struct ApplicationMessage {
    /// What it says about itself.
    #[serde(flatten)]
    pub application: Application,
    /// A JWS by a key of the DID's document (authentication) of `{iss: did, aud: authority DID, nonce: challenge,
    /// iat, exp}`.
    pub proof: String,
}

/// The claims of an application's proof.
#[derive(Debug, Serialize, Deserialize)]
pub struct ProofClaims {
    /// The applicant's DID.
    pub iss: String,
    /// The authority's DID.
    pub aud: String,
    /// The challenge.
    pub nonce: String,
    /// Issued at.
    pub iat: i64,
    /// Expires at.
    pub exp: i64,
}

async fn apply(
    State(state): State<AppState>,
    ApiJson(ApplicationMessage { application, proof }): ApiJson<ApplicationMessage>,
) -> Result<Response, AuthorityError> {
    let fields = [&application.legal_name, &application.ldt, &application.contact, &application.dsp_address];
    if fields.iter().any(|field| field.trim().is_empty() || field.len() > 1000) {
        return Err(bad_request("legalName, ldt, contact and dspAddress are required (at most 1000 characters)"));
    }
    if let Some(role) = application.roles.iter().find(|role| !ROLE_CREDENTIALS.contains(&role.as_str())) {
        return Err(bad_request(format!(
            "`{role}` is not a role this authority issues ({})",
            ROLE_CREDENTIALS.join(", ")
        )));
    }
    url::Url::parse(&application.dsp_address).map_err(|_| bad_request("dspAddress must be a URL"))?;
    let proof: Jwt<ProofClaims> = Jwt::parse(&proof).map_err(|error| bad_request(format!("proof: {error}")))?;
    let unauthorized = |reason: String| AuthorityError(StatusCode::UNAUTHORIZED, format!("proof: {reason}"));
    let kid = proof.kid().map_err(|error| unauthorized(error.to_string()))?;
    if proof.claims.iss != application.did || did_of(kid) != application.did {
        return Err(unauthorized("it is not signed by the applicant's DID".into()));
    }
    if proof.claims.aud != state.identity.did {
        return Err(unauthorized("it is for another authority".into()));
    }
    check_window(Utc::now(), Some(proof.claims.exp), None, Some(proof.claims.iat))
        .map_err(|error| unauthorized(error.to_string()))?;
    let document = state.callers.resolver().resolve(&application.did).await.map_err(unauthorized)?;
    let key = document.key(kid, Relationship::Authentication).map_err(|error| unauthorized(error.to_string()))?;
    proof.verify(&key).map_err(|error| unauthorized(error.to_string()))?;
    if !state.store.take_challenge(&proof.claims.nonce, &application.did).await? {
        return Err(unauthorized("the challenge is unknown, used or expired".into()));
    }
    let member = state.store.add_applicant(&application).await?;
    let did = &application.did;
    tracing::info!(%did, "membership application received");
    let automatic = state.config.authority.auto_approve.iter().any(|prefix| did.starts_with(prefix.as_str()));
    let member = if automatic {
        issue::approve(&state, did).await.map_err(|error| AuthorityError(StatusCode::FAILED_DEPENDENCY, error))?
    } else {
        member
    };
    Ok((StatusCode::CREATED, Json(member)).into_response())
}

async fn status_list(State(state): State<AppState>, Path(purpose): Path<String>) -> Result<Response, AuthorityError> {
    let jwt = issue::status_list_credential(&state, &purpose).await?;
    Ok(([(header::CONTENT_TYPE, "application/vc+jwt")], jwt).into_response())
}

/// A member as the registry shows it to other members.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Participant {
    /// Its DID.
    pub did: String,
    /// Its legal name.
    pub legal_name: String,
    /// The Local Digital Twin it runs.
    pub ldt: String,
    /// Its connector's address.
    pub dsp_address: String,
    /// Its roles.
    pub roles: Vec<String>,
}

impl From<Member> for Participant {
    fn from(member: Member) -> Participant {
        let Application { did, legal_name, ldt, dsp_address, roles, .. } = member.application;
        Participant { did, legal_name, ldt, dsp_address, roles }
    }
}

/// The registry of the authority at `base` (its connector's root URL) whose DID is `authority`, read as a member:
/// with this connector's DCP token, so its membership credential is checked. The error says what went wrong.
pub async fn read_registry(state: &AppState, mut base: url::Url, authority: &str) -> Result<Vec<Participant>, String> {
    let token = state.identity.dsp_token(authority).map_err(|error| error.to_string())?;
    let path = format!("{}{AUTHORITY_PATH}/participants", base.path().trim_end_matches('/'));
    base.set_path(&path);
    let response = state
        .dsp_client
        .http()
        .get(base.clone())
        .bearer_auth(token)
        .send()
        .await
        .map_err(|error| format!("could not reach the authority: {error}"))?;
    let status = response.status();
    if !status.is_success() {
        let body = response.text().await.unwrap_or_default();
        return Err(format!("{base} answered {status}: {body}"));
    }
    response.json().await.map_err(|error| format!("the registry at {base} is unreadable: {error}"))
}

async fn participants(
    State(state): State<AppState>,
    _caller: axum::Extension<Authenticated>,
) -> Result<Json<Vec<Participant>>, AuthorityError> {
    let members = state.store.members(Some("approved")).await?;
    Ok(Json(members.into_iter().map(Participant::from).collect()))
}
