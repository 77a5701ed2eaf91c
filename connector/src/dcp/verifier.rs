//! Who is calling: the DCP verification of a DSP request's bearer token (DCP 1.0 §4–5). The token is verified with
//! the caller's DID document, its `jti` accepted only once (persisted), then the caller's credential service is
//! asked for a presentation of the required credentials, which is verified with the issuers' documents and status
//! lists. The verified credentials become the caller's claims for policy evaluation.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use ldt_identity::Caller;
use ldt_identity::dcp::{PresentationQuery, PresentationResponse, Scope};
use ldt_identity::token::{SelfIssued, Unverified};
use ldt_identity::verify::{FetchedStatus, Presentation, VerifiedCredential, Verifier, verify_status_list};
use serde_json::{Map, Value};

use super::Identity;
use super::cache::TtlCache;
use super::resolver::{DidResolver, read_limited};
use crate::config::IdentityConfig;
use crate::store::Store;

/// The largest presentation response or status list read, in bytes.
const MAX_ANSWER_BYTES: usize = 1 << 20;

/// Verifies DSP callers.
#[derive(Debug)]
pub struct CallerVerifier {
    identity: Arc<Identity>,
    resolver: Arc<DidResolver>,
    http: reqwest::Client,
    store: Store,
    config: IdentityConfig,
    statuses: TtlCache<FetchedStatus>,
    callers: TtlCache<Caller>,
}

impl CallerVerifier {
    /// A verifier for this connector's `identity`.
    pub fn new(
        identity: Arc<Identity>,
        resolver: Arc<DidResolver>,
        http: reqwest::Client,
        store: Store,
        config: IdentityConfig,
    ) -> CallerVerifier {
        CallerVerifier {
            statuses: TtlCache::new(Duration::from_secs(config.status_cache_secs)),
            callers: TtlCache::new(Duration::from_secs(config.presentation_cache_secs)),
            identity,
            resolver,
            http,
            store,
            config,
        }
    }

    /// The caller presenting the self-issued `token`, with the claims of its verified credentials, or why not.
    pub async fn identify(&self, token: &str) -> Result<Caller, String> {
        let claims = self.verify_token(token).await?;
        let did = claims.iss;
        if let Some(caller) = self.callers.get(&did).await {
            return Ok((*caller).clone());
        }
        let access = claims.token.ok_or("the token grants no access to the caller's credentials (`token` claim)")?;
        let document = self.resolver.resolve(&did).await?;
        let credentials = self.credentials_of(&did, &document, access, Utc::now()).await?;
        let caller = Caller { participant_id: did.clone(), claims: claims_of(&credentials) };
        Ok((*self.callers.put(&did, caller).await).clone())
    }

    /// Verifies a self-issued `token` sent to this connector: signed with a key of its issuer's DID document, for
    /// this connector, in date, and never seen before (its `jti` is then remembered).
    pub async fn verify_token(&self, token: &str) -> Result<SelfIssued, String> {
        let now = Utc::now();
        let unverified = Unverified::parse(token).map_err(|error| format!("the token: {error}"))?;
        let mut document = self.resolver.resolve(unverified.issuer()).await?;
        if let Some(kid) = unverified.key_id()
            && !document.verification_method.iter().any(|method| method.id == kid)
        {
            // Signed with a key the cached document does not have yet: the caller may have rotated its keys.
            document = self.resolver.refresh(unverified.issuer()).await?;
        }
        let claims =
            unverified.verify(&document, &self.identity.did, now).map_err(|error| format!("the token: {error}"))?;
        let expires = DateTime::from_timestamp(claims.exp, 0).unwrap_or(now);
        let fresh = self
            .store
            .accept_token_once(&claims.iss, &claims.jti, expires)
            .await
            .map_err(|error| format!("could not check the token for replay: {error}"))?;
        if !fresh {
            return Err("the token was used before (replay)".into());
        }
        Ok(claims)
    }

    /// The DID resolver.
    pub fn resolver(&self) -> &DidResolver {
        &self.resolver
    }

    /// The verified credentials `did` presents from its credential service.
    async fn credentials_of(
        &self,
        did: &str,
        document: &ldt_identity::did::DidDocument,
        access: String,
        now: DateTime<Utc>,
    ) -> Result<Vec<VerifiedCredential>, String> {
        let endpoint = document
            .service_endpoint("CredentialService")
            .ok_or_else(|| format!("`{did}` has no CredentialService in its DID document"))?;
        let scopes = self.config.required_credentials.iter().chain(&self.config.requested_credentials);
        let query = PresentationQuery::for_scopes(scopes.map(|kind| Scope::of_type(kind)).collect());
        let url = format!("{}/presentations/query", endpoint.trim_end_matches('/'));
        let token = self.identity.self_issued(did, Some(access)).map_err(|error| error.to_string())?;
        let response = self
            .http
            .post(&url)
            .bearer_auth(token)
            .json(&query)
            .send()
            .await
            .map_err(|error| format!("could not query the caller's credential service {url}: {error}"))?;
        if !response.status().is_success() {
            return Err(format!("the caller's credential service {url} answered {}", response.status()));
        }
        let body = read_limited(response, MAX_ANSWER_BYTES).await?;
        let answer: PresentationResponse =
            serde_json::from_slice(&body).map_err(|error| format!("the caller's presentation response: {error}"))?;
        let verifier = Verifier { own_did: &self.identity.did, now, trusted: &self.config.trusted_issuers };
        let mut verified = Vec::new();
        for presentation in &answer.presentation {
            let text = presentation.as_str().ok_or("a presentation is not a VP-JWT")?;
            let presentation = Presentation::parse(text).map_err(|error| error.to_string())?;
            let mut documents = HashMap::new();
            for issuer in presentation.issuers() {
                if let Ok(document) = self.resolver.resolve(issuer).await {
                    documents.insert(issuer.to_owned(), document);
                }
            }
            let mut statuses = HashMap::new();
            for list in presentation.status_lists() {
                if let Some(status) = self.status_list(&list, now).await {
                    statuses.insert(list, status);
                }
            }
            verified.extend(
                presentation.verify(did, verifier, &documents, &statuses).await.map_err(|error| error.to_string())?,
            );
        }
        for required in &self.config.required_credentials {
            if !verified.iter().any(|credential| credential.types.contains(required)) {
                return Err(format!("the caller presented no valid {required}"));
            }
        }
        Ok(verified)
    }

    /// The status list credential at `url`, fetched, verified with its issuer's document and cached; `None` when it
    /// cannot be had (the credentials using it are then refused).
    async fn status_list(&self, url: &str, now: DateTime<Utc>) -> Option<Arc<FetchedStatus>> {
        if let Some(status) = self.statuses.get(url).await {
            return Some(status);
        }
        let fetched = async {
            let response = self.http.get(url).send().await.map_err(|error| error.to_string())?;
            if !response.status().is_success() {
                return Err(format!("answered {}", response.status()));
            }
            let body = read_limited(response, MAX_ANSWER_BYTES).await?;
            let text = String::from_utf8(body).map_err(|error| error.to_string())?;
            let jwt = text.trim().trim_matches('"');
            let issuer = ldt_identity::did::did_of(
                ldt_identity::jwt::Jwt::<Value>::parse(jwt)
                    .map_err(|e| e.to_string())?
                    .kid()
                    .map_err(|e| e.to_string())?,
            )
            .to_owned();
            let document = self.resolver.resolve(&issuer).await?;
            verify_status_list(jwt, &document, now).map_err(|error| error.to_string())
        }
        .await;
        match fetched {
            Ok(status) => Some(self.statuses.put(url, status).await),
            Err(reason) => {
                tracing::warn!(%url, %reason, "a status list could not be fetched or verified");
                None
            }
        }
    }
}

/// The name under which a credential of type `kind` is read: `MembershipCredential` as `membership`,
/// `DataProviderCredential` as `dataProvider`.
pub(crate) fn claim_key(kind: &str) -> String {
    let name = kind.strip_suffix("Credential").unwrap_or(kind);
    let mut chars = name.chars();
    chars.next().map(|c| c.to_lowercase().chain(chars).collect()).unwrap_or_default()
}

/// The claims policies read: each credential's subject under its type's name, `MembershipCredential` as
/// `membership`, `DataProviderCredential` as `dataProvider`; and `credentials`, the list of types.
pub(crate) fn claims_of(credentials: &[VerifiedCredential]) -> Value {
    let mut claims = Map::new();
    let mut kinds = Vec::new();
    for credential in credentials {
        let kind = credential.kind();
        kinds.push(Value::String(kind.to_owned()));
        claims.insert(claim_key(kind), credential.subject.clone());
    }
    claims.insert("credentials".into(), Value::Array(kinds));
    Value::Object(claims)
}
