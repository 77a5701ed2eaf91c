//! DID documents: the model (verification methods with their public JWKs, verification relationships, services),
//! this connector's own document, `did:web` addresses, and `did:key` / `did:jwk`, which resolve without a network
//! (the ssi crates `did-method-key` and `did-jwk`). Fetching a `did:web` document is the connector's job.

use std::fmt;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use url::Url;

use crate::keys::{KeyError, VerifyingKey};

/// The DID Core v1 context.
pub const DID_CONTEXT: &str = "https://www.w3.org/ns/did/v1";

/// The JSON Web Key 2020 context, for `JsonWebKey2020` verification methods.
pub const JWS_2020_CONTEXT: &str = "https://w3id.org/security/suites/jws-2020/v1";

/// A DID document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DidDocument {
    /// `@context`.
    #[serde(rename = "@context", default, skip_serializing_if = "serde_json::Value::is_null")]
    pub context: serde_json::Value,
    /// The DID.
    pub id: String,
    /// The keys.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub verification_method: Vec<VerificationMethod>,
    /// Keys that authenticate the subject.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authentication: Vec<MethodReference>,
    /// Keys that sign credentials the subject issues.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assertion_method: Vec<MethodReference>,
    /// Keys the subject invokes capabilities with: DCP's self-issued tokens.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub capability_invocation: Vec<MethodReference>,
    /// Endpoints of the subject: its DSP connector, its credential service.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub service: Vec<Service>,
    /// The keys already read from the methods' JWKs.
    #[serde(skip)]
    keys: KeyCache,
}

/// Keys read from a document's JWKs, with the JWK each was read from: a document resolved once and kept in a cache
/// does not decode its keys again on every verification, and a changed JWK is never answered from here.
#[derive(Clone, Default)]
struct KeyCache(Arc<Mutex<Vec<CachedKey>>>);

/// A method id, the JWK read, and the key.
type CachedKey = (String, serde_json::Value, Arc<VerifyingKey>);

impl PartialEq for KeyCache {
    /// A cache says nothing about the document: any two are equal.
    fn eq(&self, _: &KeyCache) -> bool {
        true
    }
}

impl fmt::Debug for KeyCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KeyCache")
    }
}

impl KeyCache {
    /// The key of method `id` read from `jwk`, from the cache or read now.
    fn key(&self, id: &str, jwk: &serde_json::Value) -> Result<Arc<VerifyingKey>, KeyError> {
        let cached = |entries: &Vec<CachedKey>| {
            entries.iter().find(|(kid, seen, _)| kid == id && seen == jwk).map(|(_, _, key)| key.clone())
        };
        if let Some(key) = cached(&self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())) {
            return Ok(key);
        }
        let key = Arc::new(VerifyingKey::from_jwk(jwk)?);
        let mut entries = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if entries.len() >= MAX_CACHED_KEYS {
            entries.clear();
        }
        entries.push((id.to_owned(), jwk.clone(), key.clone()));
        Ok(key)
    }
}

/// The most keys a document keeps read (a document may list many methods; few are used).
const MAX_CACHED_KEYS: usize = 16;

/// A verification method: a public key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VerificationMethod {
    /// Its DID URL (`did:web:example.org#key-1`) or a reference relative to the document (`#key-1`).
    pub id: String,
    /// `JsonWebKey2020`, `JsonWebKey`, `Multikey`, …
    #[serde(rename = "type")]
    pub kind: String,
    /// The DID that controls it.
    pub controller: String,
    /// The key as a JWK.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key_jwk: Option<serde_json::Value>,
    /// The key as a multibase `Multikey`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key_multibase: Option<String>,
}

/// A verification relationship's entry: a reference to a method of the document, or an embedded method.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum MethodReference {
    /// A DID URL or relative reference.
    Reference(String),
    /// A method given in place.
    Embedded(VerificationMethod),
}

/// A service endpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Service {
    /// Its id (`did:web:example.org#dsp`).
    pub id: String,
    /// Its type: `DataService` (DSP), `CredentialService` (DCP), `IssuerService`, …
    #[serde(rename = "type")]
    pub kind: String,
    /// Its address.
    pub service_endpoint: String,
}

/// What a key is used for: the verification relationship it must be listed under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relationship {
    /// Authentication (presentations).
    Authentication,
    /// Assertions (credentials).
    AssertionMethod,
    /// Capability invocation (DCP self-issued tokens).
    CapabilityInvocation,
}

/// Why a DID or a key in a DID document is not usable.
#[derive(Debug, thiserror::Error)]
pub enum DidError {
    /// Not a DID of a method this connector resolves.
    #[error("`{0}` is not a did:web, did:key or did:jwk DID")]
    UnsupportedMethod(String),
    /// A malformed DID.
    #[error("`{did}` is malformed: {reason}")]
    Malformed {
        /// The DID.
        did: String,
        /// Why.
        reason: String,
    },
    /// The document is of another DID.
    #[error("the document is of `{found}`, not of `{expected}`")]
    WrongSubject {
        /// The DID asked for.
        expected: String,
        /// The document's id.
        found: String,
    },
    /// The key id names no key of the document.
    #[error("`{0}` is not a verification method of the DID document")]
    UnknownKey(String),
    /// The key is not listed for this use.
    #[error("`{kid}` is not listed under `{relationship}` in the DID document")]
    NotFor {
        /// The key id.
        kid: String,
        /// The relationship it lacks.
        relationship: &'static str,
    },
    /// The key itself is unusable.
    #[error("the key `{kid}` cannot be used: {error}")]
    Key {
        /// The key id.
        kid: String,
        /// Why.
        error: KeyError,
    },
}

impl Relationship {
    fn name(self) -> &'static str {
        match self {
            Relationship::Authentication => "authentication",
            Relationship::AssertionMethod => "assertionMethod",
            Relationship::CapabilityInvocation => "capabilityInvocation",
        }
    }
}

impl DidDocument {
    /// A document for `did` with `keys` (id relative to the DID, public JWK) usable for every relationship, and
    /// `services` (id fragment, type, endpoint).
    pub fn new<'a>(
        did: &str,
        keys: impl IntoIterator<Item = (&'a str, &'a serde_json::Value)>,
        services: impl IntoIterator<Item = (&'a str, &'a str, String)>,
    ) -> DidDocument {
        let verification_method: Vec<VerificationMethod> = keys
            .into_iter()
            .map(|(id, jwk)| VerificationMethod {
                id: format!("{did}#{id}"),
                kind: "JsonWebKey2020".into(),
                controller: did.to_owned(),
                public_key_jwk: Some(jwk.clone()),
                public_key_multibase: None,
            })
            .collect();
        let references: Vec<MethodReference> =
            verification_method.iter().map(|method| MethodReference::Reference(method.id.clone())).collect();
        DidDocument {
            context: serde_json::json!([DID_CONTEXT, JWS_2020_CONTEXT]),
            id: did.to_owned(),
            verification_method,
            authentication: references.clone(),
            assertion_method: references.clone(),
            capability_invocation: references,
            service: services
                .into_iter()
                .map(|(fragment, kind, endpoint)| Service {
                    id: format!("{did}#{fragment}"),
                    kind: kind.to_owned(),
                    service_endpoint: endpoint,
                })
                .collect(),
            keys: KeyCache::default(),
        }
    }

    /// The endpoint of the first service of type `kind`.
    pub fn service_endpoint(&self, kind: &str) -> Option<&str> {
        self.service.iter().find(|service| service.kind == kind).map(|service| service.service_endpoint.as_str())
    }

    /// The key `kid` (a DID URL of this document, or a fragment reference `#key-1`) for `relationship`.
    ///
    /// A document that lists methods under the relationship must list this one there; a document that lists
    /// none under it (many publish only `verificationMethod`) accepts any of its methods.
    pub fn key(&self, kid: &str, relationship: Relationship) -> Result<Arc<VerifyingKey>, DidError> {
        let wanted = self.absolute(kid);
        let listed = match relationship {
            Relationship::Authentication => &self.authentication,
            Relationship::AssertionMethod => &self.assertion_method,
            Relationship::CapabilityInvocation => &self.capability_invocation,
        };
        let embedded = listed.iter().find_map(|reference| match reference {
            MethodReference::Embedded(method) if self.absolute(&method.id) == wanted => Some(method),
            _ => None,
        });
        let method = match embedded {
            Some(method) => method,
            None => {
                let method = self
                    .verification_method
                    .iter()
                    .find(|method| self.absolute(&method.id) == wanted)
                    .ok_or_else(|| DidError::UnknownKey(kid.to_owned()))?;
                let in_list = listed.iter().any(|reference| match reference {
                    MethodReference::Reference(id) => self.absolute(id) == wanted,
                    MethodReference::Embedded(_) => false,
                });
                if !listed.is_empty() && !in_list {
                    return Err(DidError::NotFor { kid: kid.to_owned(), relationship: relationship.name() });
                }
                method
            }
        };
        let key = |error| DidError::Key { kid: kid.to_owned(), error };
        let jwk = method
            .public_key_jwk
            .as_ref()
            .ok_or_else(|| key(KeyError::Unsupported("the method has no `publicKeyJwk`".into())))?;
        self.keys.key(&wanted, jwk).map_err(key)
    }

    /// `id` as a DID URL of this document.
    fn absolute(&self, id: &str) -> String {
        match id.strip_prefix('#') {
            Some(fragment) => format!("{}#{fragment}", self.id),
            None => id.to_owned(),
        }
    }
}

/// The DID of the key id `kid` (the part before `#`).
pub fn did_of(kid: &str) -> &str {
    kid.split_once('#').map_or(kid, |(did, _)| did)
}

/// The `did:web` DID of a connector reachable at `base` (`https://ldt.example.org:8443/eindhoven` →
/// `did:web:ldt.example.org%3A8443:eindhoven`).
pub fn did_web(base: &Url) -> Result<String, DidError> {
    let host = base
        .host_str()
        .ok_or_else(|| DidError::Malformed { did: base.to_string(), reason: "the address has no host".into() })?;
    let mut did = format!("did:web:{host}");
    if let Some(port) = base.port() {
        did.push_str(&format!("%3A{port}"));
    }
    for segment in base.path_segments().into_iter().flatten().filter(|s| !s.is_empty()) {
        did.push(':');
        did.push_str(segment);
    }
    Ok(did)
}

/// Where the document of a `did:web` DID is: `https://host[:port]/.well-known/did.json`, or
/// `https://host/path/did.json` for a DID with a path. `https` is `false` only for local development and tests.
pub fn did_web_url(did: &str, https: bool) -> Result<Url, DidError> {
    let malformed = |reason: &str| DidError::Malformed { did: did.to_owned(), reason: reason.to_owned() };
    let specific = did.strip_prefix("did:web:").ok_or_else(|| DidError::UnsupportedMethod(did.to_owned()))?;
    let mut parts = specific.split(':');
    let authority = parts.next().filter(|a| !a.is_empty()).ok_or_else(|| malformed("no host"))?;
    let authority = authority.replace("%3A", ":").replace("%3a", ":");
    let path: Vec<&str> = parts.collect();
    if path.iter().any(|segment| segment.is_empty() || segment.contains(['/', '?', '#'])) {
        return Err(malformed("a path segment is empty or holds `/`, `?` or `#`"));
    }
    let scheme = if https { "https" } else { "http" };
    let address = match path.as_slice() {
        [] => format!("{scheme}://{authority}/.well-known/did.json"),
        path => format!("{scheme}://{authority}/{}/did.json", path.join("/")),
    };
    Url::parse(&address).map_err(|error| malformed(&error.to_string()))
}

/// The document of a `did:key` or `did:jwk` DID, which the DID itself holds; `None` for other methods.
pub async fn resolve_offline(did: &str) -> Option<Result<DidDocument, DidError>> {
    use ssi_dids_core::DIDMethodResolver;
    use ssi_dids_core::resolution::{Options, Parameters};

    let options = || Options {
        accept: None,
        parameters: Parameters { public_key_format: Some("JsonWebKey2020".into()), ..Parameters::default() },
    };
    let malformed = |reason: String| DidError::Malformed { did: did.to_owned(), reason };
    let output = if let Some(id) = did.strip_prefix("did:key:") {
        did_method_key::DIDKey.resolve_method_representation(id, options()).await
    } else if let Some(id) = did.strip_prefix("did:jwk:") {
        did_jwk::DIDJWK.resolve_method_representation(id, options()).await
    } else {
        return None;
    };
    Some(
        output
            .map_err(|error| malformed(error.to_string()))
            .and_then(|output| serde_json::from_slice(&output.document).map_err(|error| malformed(error.to_string()))),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_web_addresses_follow_the_method_spec() {
        assert_eq!(
            did_web_url("did:web:w3c-ccg.github.io", true).unwrap().as_str(),
            "https://w3c-ccg.github.io/.well-known/did.json"
        );
        assert_eq!(
            did_web_url("did:web:w3c-ccg.github.io:user:alice", true).unwrap().as_str(),
            "https://w3c-ccg.github.io/user/alice/did.json"
        );
        assert_eq!(
            did_web_url("did:web:example.com%3A3000", false).unwrap().as_str(),
            "http://example.com:3000/.well-known/did.json"
        );
        assert!(did_web_url("did:key:z6Mk", true).is_err());
        assert!(did_web_url("did:web:", true).is_err());
        let base = Url::parse("http://127.0.0.1:8181/eindhoven").unwrap();
        assert_eq!(did_web(&base).unwrap(), "did:web:127.0.0.1%3A8181:eindhoven");
        assert_eq!(
            did_web_url(&did_web(&base).unwrap(), false).unwrap().as_str(),
            "http://127.0.0.1:8181/eindhoven/did.json"
        );
    }

    #[test]
    fn a_key_must_be_listed_for_its_use() {
        let key = crate::keys::SigningKey::generate("key-1", crate::keys::KeyAlgorithm::EdDsa).unwrap();
        let mut document = DidDocument::new("did:web:a.example", [("key-1", key.public_jwk())], []);
        assert!(document.key("did:web:a.example#key-1", Relationship::CapabilityInvocation).is_ok());
        assert!(document.key("#key-1", Relationship::Authentication).is_ok());
        assert!(matches!(
            document.key("did:web:a.example#key-2", Relationship::Authentication),
            Err(DidError::UnknownKey(_))
        ));
        document.capability_invocation = vec![MethodReference::Reference("#other".into())];
        assert!(matches!(
            document.key("did:web:a.example#key-1", Relationship::CapabilityInvocation),
            Err(DidError::NotFor { .. })
        ));
        document.capability_invocation.clear();
        assert!(document.key("did:web:a.example#key-1", Relationship::CapabilityInvocation).is_ok(), "none listed");
    }
}
