//! What the authority issues: membership and role credentials for an approved member, delivered through the DCP
//! storage API into its credential service, and the status list credentials that say which are revoked or
//! suspended.

use chrono::{TimeDelta, Utc};
use ldt_identity::dcp::CredentialMessage;
use ldt_identity::status_list::{StatusList, StatusListKind, StatusPurpose, list_subject};
use ldt_identity::vc::{Credential, VcVersion, issue};
use serde_json::{Value, json};

use super::{AUTHORITY_PATH, AuthorityError};
use crate::app::AppState;
use crate::store::authority::Member;

/// The status lists' length: the specification's minimum, 131,072 members.
const STATUS_LIST_BITS: usize = 131_072;

/// Approves the applicant `did`: issues its credentials and delivers them; only once they are delivered is it
/// recorded as approved. Reinstating a suspended member does not need new credentials.
pub async fn approve(state: &AppState, did: &str) -> Result<Member, String> {
    let member = state.store.member(did).await.map_err(|error| error.to_string())?;
    if member.state != "pending" && member.state != "rejected" {
        return Err(format!("`{did}` is {}; only applicants are approved", member.state));
    }
    let kinds = member_credentials(&member);
    let pid = uuid::Uuid::new_v4().to_string();
    deliver(state, &member, &kinds, pid.clone(), pid).await?;
    let member =
        state.store.decide_member(did, &["pending", "rejected"], "approved").await.map_err(|e| e.to_string())?;
    tracing::info!(%did, "member approved and credentials issued");
    Ok(member)
}

/// The credential types `member` holds: `MembershipCredential` and its roles.
pub fn member_credentials(member: &Member) -> Vec<String> {
    std::iter::once("MembershipCredential".to_owned()).chain(member.application.roles.iter().cloned()).collect()
}

/// The credentials of `kinds` (among [`member_credentials`]) for `member`, signed by the authority.
fn credentials(state: &AppState, member: &Member, kinds: &[String]) -> Result<Vec<(String, String)>, String> {
    let authority = &state.identity.did;
    let now = Utc::now();
    let validity = TimeDelta::days(i64::from(state.config.authority.credential_validity_days));
    let status = |purpose: &str| {
        let list = status_list_url(state, purpose);
        json!({"id": format!("{list}#{}", member.status_index), "type": "BitstringStatusListEntry",
               "statusPurpose": purpose, "statusListIndex": member.status_index.to_string(),
               "statusListCredential": list})
    };
    let membership = json!({"id": member.application.did, "memberOf": authority, "status": "active", "legalName": member.application.legal_name,
                            "ldt": member.application.ldt, "since": now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)});
    let subject = |kind: &str| match kind {
        "MembershipCredential" => membership.clone(),
        role => json!({"id": member.application.did, "role": role, "memberOf": authority}),
    };
    kinds
        .iter()
        .map(|kind| (kind.clone(), subject(kind)))
        .map(|(kind, subject)| {
            let credential = Credential {
                id: Some(format!("urn:uuid:{}", uuid::Uuid::new_v4())),
                types: vec!["VerifiableCredential".into(), kind.clone()],
                issuer: authority.clone(),
                subject,
                valid_from: now,
                valid_until: Some(now + validity),
                status: Some(json!([status("revocation"), status("suspension")])),
            };
            let jwt = issue(&credential, VcVersion::V2, state.identity.key()).map_err(|error| error.to_string())?;
            Ok((kind, jwt))
        })
        .collect()
}

/// Sends `member` its credentials of `kinds`: to the credential service of its DID document, with a self-issued
/// token (the last step of DCP issuance, the storage API).
pub async fn deliver(
    state: &AppState,
    member: &Member,
    kinds: &[String],
    issuer_pid: String,
    holder_pid: String,
) -> Result<(), String> {
    let message = CredentialMessage::issued(issuer_pid, holder_pid, credentials(state, member, kinds)?);
    let did = &member.application.did;
    let response = crate::dcp::post_to_service(state, did, "CredentialService", "/credentials", &message).await?;
    if !response.status().is_success() {
        let status = response.status();
        let body = response.text().await.unwrap_or_default();
        return Err(format!(
            "{did} refused the credentials ({status}): {}",
            body.chars().take(300).collect::<String>()
        ));
    }
    Ok(())
}

/// The URL of the authority's status list of `purpose`.
pub fn status_list_url(state: &AppState, purpose: &str) -> String {
    format!("{}{AUTHORITY_PATH}/status/{purpose}", state.public_url)
}

/// The status list credential of `purpose` (`revocation` or `suspension`), signed now.
pub async fn status_list_credential(state: &AppState, purpose: &str) -> Result<String, AuthorityError> {
    let (purpose, members_state) = match purpose {
        "revocation" => (StatusPurpose::Revocation, "revoked"),
        "suspension" => (StatusPurpose::Suspension, "suspended"),
        _ => return Err(AuthorityError(axum::http::StatusCode::NOT_FOUND, "no such status list".into())),
    };
    let mut list = StatusList::new(STATUS_LIST_BITS).map_err(internal)?;
    for index in state.store.status_indexes(members_state).await? {
        let index = usize::try_from(index).map_err(internal)?;
        list.set(index, true).map_err(internal)?;
    }
    let id = status_list_url(state, purpose.as_str());
    let now = Utc::now();
    let credential = Credential {
        id: Some(id.clone()),
        types: vec!["VerifiableCredential".into(), "BitstringStatusListCredential".into()],
        issuer: state.identity.did.clone(),
        subject: list_subject(&format!("{id}#list"), StatusListKind::Bitstring, purpose, &list),
        valid_from: now - TimeDelta::minutes(1),
        valid_until: Some(now + TimeDelta::days(1)),
        status: None::<Value>,
    };
    issue(&credential, VcVersion::V2, state.identity.key()).map_err(internal)
}

fn internal(error: impl std::fmt::Display) -> AuthorityError {
    tracing::error!(%error, "the authority could not make a status list");
    AuthorityError(axum::http::StatusCode::SERVICE_UNAVAILABLE, "the status list could not be made".into())
}
