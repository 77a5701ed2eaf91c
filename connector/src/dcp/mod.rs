//! The Decentralized Claims Protocol (DCP 1.0) in the connector: this participant's DID and keys, its DID
//! document, the Secure Token Service minting its self-issued tokens, its credential service, and the verification
//! of every DSP caller's token and credentials. The judging itself is `ldt_identity`'s; this module fetches,
//! caches and persists around it.

pub mod cache;
pub mod resolver;
pub mod service;
pub mod verifier;

use std::path::Path;

use anyhow::Context as _;
use chrono::{TimeDelta, Utc};
use ldt_identity::did::{DidDocument, Relationship, did_web};
use ldt_identity::jwt::{Jwt, check_window};
use ldt_identity::keys::{KeyRing, SigningKey};
use ldt_identity::token;
use serde::{Deserialize, Serialize};
use url::Url;

use crate::config::Config;

/// The file of the key store, in the data directory.
pub const KEY_STORE: &str = "keys.json";

/// How long the self-issued tokens this connector mints live.
const TOKEN_LIFETIME: TimeDelta = TimeDelta::minutes(5);

/// This participant's identity: its DID, its keys and its DID document.
#[derive(Debug)]
pub struct Identity {
    /// The DID.
    pub did: String,
    keys: KeyRing,
    /// The DID document this connector serves.
    pub document: DidDocument,
}

/// The claims of an access token to this connector's credential service, handed to a verifier in the `token` claim
/// of a self-issued token.
#[derive(Debug, Serialize, Deserialize)]
struct AccessClaims {
    iss: String,
    sub: String,
    aud: String,
    jti: String,
    iat: i64,
    exp: i64,
}

impl Identity {
    /// The identity of the connector at `public_url`: keys from the key store in the data directory (created, mode
    /// 0600, on first start), the DID configured or the `did:web` of `public_url`.
    pub async fn load(config: &Config, public_url: &Url) -> anyhow::Result<Identity> {
        let keys = load_keys(&config.data_dir, config).await?;
        let did = match &config.identity.did {
            Some(did) => did.clone(),
            None => did_web(public_url)?,
        };
        let base = public_url.as_str().trim_end_matches('/');
        let mut services = vec![
            ("dsp", "DataService", format!("{base}/.well-known/dspace-version")),
            ("credential-service", "CredentialService", format!("{base}{}", service::DCP_PATH)),
        ];
        if config.authority.enabled {
            let issuer = format!("{base}{}{}", crate::authority::AUTHORITY_PATH, crate::authority::issuer::ISSUER_PATH);
            services.push(("issuer-service", "IssuerService", issuer));
        }
        let document = DidDocument::new(&did, keys.published(), services);
        Ok(Identity { did, keys, document })
    }

    /// The key that signs now.
    pub fn key(&self) -> &SigningKey {
        self.keys.active()
    }

    /// A self-issued token for a request to `audience`, granting it `access` to this connector's credential service
    /// when given.
    pub fn self_issued(&self, audience: &str, access: Option<String>) -> anyhow::Result<String> {
        Ok(token::mint(self.key(), &self.did, audience, access, Utc::now(), TOKEN_LIFETIME)?)
    }

    /// A self-issued token for a DSP request to `audience`, carrying an access token with which `audience` may query
    /// this connector's credential service.
    pub fn dsp_token(&self, audience: &str) -> anyhow::Result<String> {
        let now = Utc::now();
        let access = AccessClaims {
            iss: self.did.clone(),
            sub: audience.to_owned(),
            aud: self.did.clone(),
            jti: uuid::Uuid::new_v4().to_string(),
            iat: now.timestamp(),
            exp: (now + TOKEN_LIFETIME).timestamp(),
        };
        let access = self.key().sign("JWT", &format!("{}#{}", self.did, self.key().id()), &access)?;
        self.self_issued(audience, Some(access))
    }

    /// Checks that `access` is an access token this connector handed to `verifier`, still valid.
    pub fn check_access(&self, access: &str, verifier: &str) -> Result<(), String> {
        let jwt: Jwt<AccessClaims> = Jwt::parse(access).map_err(|error| format!("the access token: {error}"))?;
        let kid = jwt.kid().map_err(|error| error.to_string())?;
        let key = self.document.key(kid, Relationship::CapabilityInvocation).map_err(|error| error.to_string())?;
        jwt.verify(&key).map_err(|error| format!("the access token: {error}"))?;
        let claims = &jwt.claims;
        if claims.iss != self.did || claims.aud != self.did {
            return Err("the access token was not issued by this connector".into());
        }
        if claims.sub != verifier {
            return Err(format!("the access token was handed to `{}`, not to `{verifier}`", claims.sub));
        }
        check_window(Utc::now(), Some(claims.exp), None, Some(claims.iat)).map_err(|e| format!("the access token: {e}"))
    }
}

/// POSTs `body` as JSON to `path` below the `service` endpoint (`CredentialService`, `IssuerService`) of `peer`'s
/// DID document, with a self-issued token for `peer`; the peer's answer, or why there is none.
pub async fn post_to_service(
    state: &crate::app::AppState,
    peer: &str,
    service: &str,
    path: &str,
    body: &impl Serialize,
) -> Result<reqwest::Response, String> {
    let document = state.callers.resolver().resolve(peer).await?;
    let endpoint =
        document.service_endpoint(service).ok_or_else(|| format!("`{peer}` has no {service} in its DID document"))?;
    let token = state.identity.self_issued(peer, None).map_err(|error| error.to_string())?;
    let url = format!("{}{path}", endpoint.trim_end_matches('/'));
    state
        .dsp_client
        .http()
        .post(&url)
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .map_err(|error| format!("could not reach {url}: {error}"))
}

/// Rotates this connector's key (in the key store of `config`'s data directory): a new key of `algorithm` signs
/// from the next start; the previous one stays published, so what it signed keeps verifying. Keys retired before
/// `forget_before` are forgotten. Returns the new key's id.
pub async fn rotate_keys(
    config: &Config,
    algorithm: ldt_identity::keys::KeyAlgorithm,
    forget_before: Option<chrono::DateTime<Utc>>,
) -> anyhow::Result<String> {
    let path = config.data_dir.join(KEY_STORE);
    let text = tokio::fs::read_to_string(&path).await.with_context(|| format!("the key store {}", path.display()))?;
    let mut ring = KeyRing::from_json(&text)?;
    let id = ring.rotate(algorithm, Utc::now())?.id().to_owned();
    if let Some(before) = forget_before {
        ring.forget_retired(before);
    }
    let staged = format!("{KEY_STORE}.new");
    let _ = tokio::fs::remove_file(config.data_dir.join(&staged)).await;
    crate::secrets::write_private(&config.data_dir, &staged, &ring.to_json()).await?;
    tokio::fs::rename(config.data_dir.join(&staged), &path).await?;
    Ok(id)
}

/// The key ring of the key store file, generated with the configured algorithm when there is none.
async fn load_keys(dir: &Path, config: &Config) -> anyhow::Result<KeyRing> {
    let path = dir.join(KEY_STORE);
    match tokio::fs::read_to_string(&path).await {
        Ok(text) => return KeyRing::from_json(&text).with_context(|| format!("the key store {}", path.display())),
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => return Err(error.into()),
        Err(_) => {}
    }
    let ring = KeyRing::generate(config.identity.key_algorithm, Utc::now())?;
    crate::secrets::write_private(dir, KEY_STORE, &ring.to_json()).await?;
    tracing::info!(file = %path.display(), "generated this connector's signing key");
    Ok(ring)
}
