//! The authority's administration (`/authority/members…`, when this connector is the data-space authority) and a
//! participant's own membership application (`/membership/apply`).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{TimeDelta, Utc};
use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::extract::{ApiJson, ApiPath};
use super::problem::Problem;
use crate::app::AppState;
use crate::authority::{ApplicationMessage, Challenge, Participant, ProofClaims, issue, read_registry};
use crate::store::authority::{Application, Member};

fn authority_only(state: &AppState) -> Result<(), Problem> {
    if state.config.authority.enabled {
        Ok(())
    } else {
        Err(Problem::new(StatusCode::NOT_FOUND, "this connector is not the data-space authority (authority.enabled)"))
    }
}

/// List the participants the authority knows: applicants, members, suspended and revoked ones.
#[utoipa::path(get, path = "/authority/members", tag = "authority",
    responses((status = 200, body = Vec<Member>), (status = 404, body = Problem)))]
pub async fn members(State(state): State<AppState>) -> Result<Json<Vec<Member>>, Problem> {
    authority_only(&state)?;
    Ok(Json(state.store.members(None).await?))
}

/// A decision on a participant.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum Decision {
    /// Approve an applicant: its credentials are issued and delivered to its credential service.
    Approve,
    /// Reject an applicant.
    Reject,
    /// Suspend a member: its credentials show as suspended in the status list.
    Suspend,
    /// Lift a suspension.
    Reinstate,
    /// Revoke a membership for good.
    Revoke,
}

/// Decide on a participant (approve, reject, suspend, reinstate, revoke).
///
/// Approving issues the `MembershipCredential` and the role credentials applied for and delivers them through the
/// DCP storage API; when the participant's credential service cannot be reached the answer is 424 and nothing
/// changes.
#[utoipa::path(post, path = "/authority/members/{did}/{decision}", tag = "authority",
    params(("did" = String, Path, description = "The participant's DID"),
           ("decision" = Decision, Path, description = "approve, reject, suspend, reinstate or revoke")),
    responses((status = 200, body = Member), (status = 404, body = Problem), (status = 409, body = Problem),
              (status = 424, body = Problem)))]
pub async fn decide(
    State(state): State<AppState>,
    ApiPath((did, decision)): ApiPath<(String, Decision)>,
) -> Result<Json<Member>, Problem> {
    authority_only(&state)?;
    let store = &state.store;
    let member = match decision {
        Decision::Approve => {
            issue::approve(&state, &did).await.map_err(|error| Problem::new(StatusCode::FAILED_DEPENDENCY, error))?
        }
        Decision::Reject => store.decide_member(&did, &["pending"], "rejected").await?,
        Decision::Suspend => store.decide_member(&did, &["approved"], "suspended").await?,
        Decision::Reinstate => store.decide_member(&did, &["suspended"], "approved").await?,
        Decision::Revoke => store.decide_member(&did, &["approved", "suspended"], "revoked").await?,
    };
    tracing::info!(%did, state = %member.state, "membership decided");
    Ok(Json(member))
}

/// An application for membership, sent by this connector to an authority.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MembershipRequest {
    /// The authority's address (its connector's root URL).
    pub authority_address: String,
    /// This participant's legal name.
    pub legal_name: String,
    /// The Local Digital Twin it runs.
    pub ldt: String,
    /// Whom to contact.
    pub contact: String,
    /// The role credentials asked for: `DataProviderCredential`, `DataConsumerCredential`,
    /// `ComponentProviderCredential`.
    #[serde(default)]
    pub roles: Vec<String>,
}

/// Apply to a data-space authority for membership: fetch its challenge, sign it with this connector's key, and
/// send the application. The authority's answer (the registry entry, `pending` or `approved`) is returned.
#[utoipa::path(post, path = "/membership/apply", tag = "authority", request_body = MembershipRequest,
    responses((status = 201, description = "The authority's registry entry", body = Object),
              (status = 400, body = Problem), (status = 424, body = Problem)))]
pub async fn apply(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<MembershipRequest>,
) -> Result<(StatusCode, Json<Value>), Problem> {
    let base = authority_url(&request.authority_address)?;
    let base = base.as_str().trim_end_matches('/');
    let http = state.dsp_client.http();
    let failed = |error: String| Problem::new(StatusCode::FAILED_DEPENDENCY, error);
    let did = &state.identity.did;
    let challenge: Challenge = http
        .post(format!("{base}/authority/challenge"))
        .json(&serde_json::json!({"did": did}))
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .map_err(|error| failed(format!("the authority gave no challenge: {error}")))?
        .json()
        .await
        .map_err(|error| failed(format!("the authority's challenge is unreadable: {error}")))?;
    let now = Utc::now();
    let claims = ProofClaims {
        iss: did.clone(),
        aud: challenge.authority,
        nonce: challenge.challenge,
        iat: now.timestamp(),
        exp: (now + TimeDelta::minutes(5)).timestamp(),
    };
    let key = state.identity.key();
    let proof = key.sign("JWT", &format!("{did}#{}", key.id()), &claims).map_err(|e| failed(e.to_string()))?;
    let application = ApplicationMessage {
        application: Application {
            did: did.clone(),
            legal_name: request.legal_name,
            ldt: request.ldt,
            contact: request.contact,
            dsp_address: state.public_url.to_string(),
            roles: request.roles,
        },
        proof,
    };
    let response = http
        .post(format!("{base}/authority/applications"))
        .json(&application)
        .send()
        .await
        .map_err(|error| failed(format!("could not reach the authority: {error}")))?;
    let status = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    if !status.is_success() {
        return Err(failed(format!("the authority refused the application ({status}): {body}")));
    }
    Ok((StatusCode::CREATED, Json(body)))
}

/// Which authority's registry to read.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RegistryRequest {
    /// The authority's address (its connector's root URL).
    pub authority_address: String,
    /// The authority's DID; defaults to the `did:web` DID of `authorityAddress`.
    #[serde(default)]
    pub authority_id: Option<String>,
}

/// Read the data space's participant registry from its authority (members only: this connector authenticates with
/// its DCP token and membership credential): each member's DID, name, LDT, roles and connector address — where to
/// ask for catalogues.
#[utoipa::path(post, path = "/participants/request", tag = "authority", request_body = RegistryRequest,
    responses((status = 200, description = "The members", body = Vec<Participant>), (status = 400, body = Problem),
              (status = 424, body = Problem)))]
pub async fn registry(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<RegistryRequest>,
) -> Result<Json<Vec<Participant>>, Problem> {
    let (base, authority) = authority_of(&request.authority_address, request.authority_id)?;
    let members = read_registry(&state, base, &authority)
        .await
        .map_err(|error| Problem::new(StatusCode::FAILED_DEPENDENCY, error))?;
    Ok(Json(members))
}

/// The authority at `address`, and its DID: `id`, or the `did:web` DID of `address`.
pub fn authority_of(address: &str, id: Option<String>) -> Result<(url::Url, String), Problem> {
    let base = authority_url(address)?;
    let did = match id {
        Some(did) => did,
        None => ldt_identity::did::did_web(&base)
            .map_err(|error| Problem::invalid_field("/authorityAddress", error.to_string()))?,
    };
    Ok((base, did))
}

/// The authority's address as a URL, or a problem naming the field.
fn authority_url(address: &str) -> Result<url::Url, Problem> {
    url::Url::parse(address).map_err(|_| Problem::invalid_field("/authorityAddress", "must be an http(s) URL"))
}

/// A request for credentials to an authority's issuer service.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CredentialsRequest {
    /// The authority's address (its connector's root URL).
    pub authority_address: String,
    /// The authority's DID; defaults to the `did:web` DID of `authorityAddress`.
    #[serde(default)]
    pub authority_id: Option<String>,
    /// The credential types asked for, e.g. `["MembershipCredential"]` to renew a membership.
    pub credentials: Vec<String>,
}

/// Ask the authority's issuer service for credentials (DCP credential issuance): the answer carries the request's
/// status address; the credentials arrive in this connector's credential service when issued.
#[utoipa::path(post, path = "/membership/credentials/request", tag = "authority", request_body = CredentialsRequest,
    responses((status = 201, description = "`{\"location\": …}` of the request's status", body = Object),
              (status = 400, body = Problem), (status = 424, body = Problem)))]
pub async fn request_credentials(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<CredentialsRequest>,
) -> Result<(StatusCode, Json<Value>), Problem> {
    let (_, authority) = authority_of(&request.authority_address, request.authority_id)?;
    let failed = |error: String| Problem::new(StatusCode::FAILED_DEPENDENCY, error);
    let message = ldt_identity::dcp::CredentialRequest::new(uuid::Uuid::new_v4().to_string(), request.credentials);
    let response = crate::dcp::post_to_service(&state, &authority, "IssuerService", "/credentials", &message)
        .await
        .map_err(failed)?;
    let status = response.status();
    let location =
        response.headers().get(axum::http::header::LOCATION).and_then(|value| value.to_str().ok()).map(str::to_owned);
    if status != StatusCode::CREATED {
        let body = response.text().await.unwrap_or_default();
        return Err(failed(format!("the issuer service answered {status}: {body}")));
    }
    Ok((StatusCode::CREATED, Json(serde_json::json!({"location": location, "holderPid": message.holder_pid}))))
}
