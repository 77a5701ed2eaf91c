//! This connector's DID document and its DCP credential service: `POST /dcp/presentations/query` (a verifier asks
//! for presentations; DCP 1.0 §5.4) and `POST /dcp/credentials` (an issuer delivers credentials; the storage API of
//! DCP 1.0 §6.5).

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{TimeDelta, Utc};
use ldt_identity::dcp::{CredentialMessage, PresentationQuery, PresentationResponse, Scope};
use ldt_identity::did::{Relationship, did_of};
use ldt_identity::jwt::Jwt;
use ldt_identity::token::SelfIssued;
use ldt_identity::vc::{Credential, JwtClaims, VcVersion, present};
use serde_json::{Value, json};

use crate::app::AppState;

/// The base path of the credential service.
pub const DCP_PATH: &str = "/dcp";

/// How long a presentation this connector makes is valid.
const PRESENTATION_LIFETIME: TimeDelta = TimeDelta::minutes(5);

/// The DID document routes (unauthenticated) and the credential service routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/.well-known/did.json", get(did_document))
        .route("/did.json", get(did_document))
        .route(&format!("{DCP_PATH}/presentations/query"), post(query_presentations))
        .route(&format!("{DCP_PATH}/credentials"), post(store_credentials))
}

/// A refusal of the credential service: a status and a reason, as `{"error": reason}`.
#[derive(Debug)]
pub struct DcpError(pub StatusCode, pub String);

impl IntoResponse for DcpError {
    fn into_response(self) -> Response {
        tracing::info!(status = self.0.as_u16(), reason = %self.1, "DCP request refused");
        (self.0, Json(json!({"error": self.1}))).into_response()
    }
}

fn bad_request(reason: impl Into<String>) -> DcpError {
    DcpError(StatusCode::BAD_REQUEST, reason.into())
}

/// `GET /.well-known/did.json`: this connector's DID document.
async fn did_document(State(state): State<AppState>) -> Response {
    ([(header::CONTENT_TYPE, "application/did+json")], Json(&state.identity.document)).into_response()
}

/// The verified self-issued token of the request's `Authorization` header (its `jti` is then used up).
pub async fn bearer_peer(state: &AppState, headers: &HeaderMap) -> Result<SelfIssued, DcpError> {
    let unauthorized = |reason: &str| DcpError(StatusCode::UNAUTHORIZED, reason.to_owned());
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .ok_or_else(|| unauthorized("the request has no Authorization header"))?;
    let token = authorization.strip_prefix("Bearer ").ok_or_else(|| unauthorized("not a Bearer token"))?;
    state.callers.verify_token(token.trim()).await.map_err(|reason| unauthorized(&reason))
}

/// `POST /dcp/presentations/query`: presentations of the credentials asked for by scope.
async fn query_presentations(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Json<PresentationResponse>, DcpError> {
    let verifier = bearer_peer(&state, &headers).await?;
    let access =
        verifier.token.as_deref().ok_or_else(|| DcpError(StatusCode::UNAUTHORIZED, "no access token".into()))?;
    state.identity.check_access(access, &verifier.iss).map_err(|reason| DcpError(StatusCode::FORBIDDEN, reason))?;
    let query: PresentationQuery = serde_json::from_slice(&body)
        .map_err(|error| bad_request(format!("not a PresentationQueryMessage: {error}")))?;
    if query.kind != "PresentationQueryMessage" {
        return Err(bad_request("the message's type is not PresentationQueryMessage"));
    }
    let scopes = match (query.scope, query.presentation_definition) {
        (Some(_), Some(_)) => return Err(bad_request("a query has a scope or a presentation definition, not both")),
        (None, Some(_)) => {
            return Err(DcpError(StatusCode::NOT_IMPLEMENTED, "presentation definitions are not supported".into()));
        }
        (None, None) => return Err(bad_request("the query has no scope")),
        (Some(scopes), None) if scopes.is_empty() => return Err(bad_request("the query's scope is empty")),
        (Some(scopes), None) => scopes,
    };
    let scopes: Vec<Scope> = scopes.iter().filter_map(|scope| Scope::parse(scope)).collect();
    let held = state
        .store
        .held_credentials(&[])
        .await
        .map_err(|error| DcpError(StatusCode::SERVICE_UNAVAILABLE, error.to_string()))?;
    let asked = |kind: &str, id: &str| {
        scopes.iter().any(|scope| match scope {
            Scope::Type(asked) => asked == kind,
            Scope::Id(asked) => asked == id,
        })
    };
    let mut presentations = Vec::new();
    for (format, version) in [("jwt", VcVersion::V1), ("vc+jwt", VcVersion::V2)] {
        let credentials: Vec<String> =
            held.iter().filter(|c| c.format == format && asked(&c.kind, &c.id)).map(|c| c.payload.clone()).collect();
        if credentials.is_empty() {
            continue;
        }
        let identity = &state.identity;
        let vp = present(
            &identity.did,
            identity.key(),
            &verifier.iss,
            &credentials,
            version,
            Utc::now(),
            PRESENTATION_LIFETIME,
        )
        .map_err(|error| DcpError(StatusCode::SERVICE_UNAVAILABLE, error.to_string()))?;
        presentations.push(Value::String(vp));
    }
    Ok(Json(PresentationResponse::new(presentations)))
}

/// `POST /dcp/credentials`: an issuer delivers credentials issued to this connector. Only credentials about this
/// connector, signed by the issuer that sends them, from an issuer trusted for their types, are kept.
async fn store_credentials(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<StatusCode, DcpError> {
    let issuer = bearer_peer(&state, &headers).await?.iss;
    let message: CredentialMessage =
        serde_json::from_slice(&body).map_err(|error| bad_request(format!("not a CredentialMessage: {error}")))?;
    if message.kind != "CredentialMessage" {
        return Err(bad_request("the message's type is not CredentialMessage"));
    }
    if message.status != "ISSUED" {
        tracing::info!(%issuer, reason = message.rejection_reason.as_deref().unwrap_or(""), "credential issuance rejected");
        return Ok(StatusCode::OK);
    }
    let document = state.callers.resolver().resolve(&issuer).await.map_err(bad_request)?;
    let mut accepted = Vec::new();
    for (index, container) in message.credentials.iter().enumerate() {
        let refuse = |reason: String| bad_request(format!("credential {index}: {reason}"));
        let Value::String(payload) = &container.payload else {
            return Err(refuse(format!("format `{}` is not supported; send VC-JWTs", container.format)));
        };
        let jwt: Jwt<JwtClaims> = Jwt::parse(payload).map_err(|error| refuse(error.to_string()))?;
        let kid = jwt.kid().map_err(|error| refuse(error.to_string()))?;
        if did_of(kid) != issuer {
            return Err(refuse(format!("it is signed by `{kid}`, not by the sender")));
        }
        let key = document.key(kid, Relationship::AssertionMethod).map_err(|error| refuse(error.to_string()))?;
        jwt.verify(&key).map_err(|error| refuse(error.to_string()))?;
        let content = jwt.claims.vc.clone().unwrap_or_else(|| Value::Object(jwt.claims.document.clone()));
        let credential =
            Credential::from_json(&content, Some(&jwt.claims)).map_err(|error| refuse(error.to_string()))?;
        if credential.issuer != issuer || credential.subject_id() != Some(state.identity.did.as_str()) {
            return Err(refuse("it is not issued by the sender to this connector".into()));
        }
        if !state.config.identity.trusted_issuers.trusts(&issuer, &credential.types) {
            return Err(DcpError(
                StatusCode::FORBIDDEN,
                format!("credential {index}: its issuer is not trusted for it"),
            ));
        }
        let format = if jwt.header.typ.as_deref() == Some("vc+jwt") { "vc+jwt" } else { "jwt" };
        let kind = credential.types.last().cloned().unwrap_or_default();
        let id = credential.id.clone().unwrap_or_else(|| format!("urn:uuid:{}", uuid::Uuid::new_v4()));
        accepted.push((id, kind, format, payload.clone()));
    }
    for (id, kind, format, payload) in accepted {
        state
            .store
            .hold_credential(&id, &kind, &issuer, format, &payload)
            .await
            .map_err(|error| DcpError(StatusCode::SERVICE_UNAVAILABLE, error.to_string()))?;
        tracing::info!(%issuer, %kind, "credential received");
    }
    Ok(StatusCode::OK)
}
