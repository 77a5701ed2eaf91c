//! Data Integrity proofs with the `eddsa-rdfc-2022` cryptosuite (W3C "Data Integrity EdDSA Cryptosuites v1.0").
//!
//! [`verify`] checks the proof of a verifiable credential or presentation given as JSON (VC Data Model 1.1 or
//! 2.0): the document is canonicalized with RDFC-1.0, hashed with SHA-256 together with the proof configuration,
//! and the Ed25519 signature in `proofValue` is checked against the key of the proof's `verificationMethod`.
//!
//! Pure and offline:
//! - JSON-LD contexts are never fetched. Only the contexts bundled with the `ssi` crates are known (among them the
//!   W3C credentials v1 and v2 contexts, the Data Integrity v1 and v2 contexts, the Multikey and DID v1 contexts
//!   and the W3C examples contexts); a document that names any other context is refused with
//!   [`ProofError::UnknownContext`].
//! - The verification method is resolved from a `did:key` or `did:jwk` URL itself, or taken from the keys the
//!   caller passes (e.g. from `did:web` documents the connector resolved). Keys embedded in the proof are never
//!   trusted.
//!
//! What is left to the caller: that the returned verification method belongs to the issuer (or, for a
//! presentation, the holder), the credential's own validity period and status, and the `challenge` / `domain` of
//! a presentation's proof.

use std::borrow::Cow;
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use did_jwk::DIDJWK;
use did_method_key::DIDKey;
use serde_json::{Map, Value};
use ssi_claims_core::{Invalid, ProofValidationError, VerificationParameters};
use ssi_data_integrity::suites::EdDsaRdfc2022;
use ssi_data_integrity::{DataIntegrity, DataIntegrityDocument};
use ssi_dids_core::ssi_json_ld::iref::{Iri, IriBuf, UriBuf};
use ssi_dids_core::ssi_json_ld::{ContextLoader, Loader};
use ssi_dids_core::{DIDResolver, DIDURL};
use ssi_jwk::{JWK, Params};
use ssi_verification_methods::{
    GenericVerificationMethod, Multikey, ProofPurpose, ReferenceOrOwnedRef, ResolutionOptions,
    VerificationMethodResolutionError, VerificationMethodResolver, ed25519_dalek,
};

/// The only cryptosuite accepted here.
pub const CRYPTOSUITE: &str = "eddsa-rdfc-2022";

/// The proof purpose expected on a verifiable credential's proof.
pub const ASSERTION_METHOD: &str = "assertionMethod";

/// The proof purpose expected on a verifiable presentation's proof.
pub const AUTHENTICATION: &str = "authentication";

/// Why a Data Integrity proof was not accepted.
#[derive(Debug, thiserror::Error)]
pub enum ProofError {
    /// The document has no `proof`.
    #[error("the document has no proof")]
    NoProof,
    /// The proof is not a `DataIntegrityProof` with the `eddsa-rdfc-2022` cryptosuite; holds what it is instead.
    #[error("the proof uses {0}, but only DataIntegrityProof with the eddsa-rdfc-2022 cryptosuite is accepted")]
    UnsupportedCryptosuite(String),
    /// The document names a JSON-LD context that is not bundled here; contexts are never fetched.
    #[error("the JSON-LD context {0} is not known here, and contexts are never fetched")]
    UnknownContext(String),
    /// The document or its proof is not well formed.
    #[error("the document is malformed: {0}")]
    Malformed(String),
    /// The key of the proof's verification method could not be found or used.
    #[error("the verification method {id} cannot be resolved: {reason}")]
    UnresolvableVerificationMethod {
        /// The verification method id named by the proof.
        id: String,
        /// Why it could not be resolved.
        reason: String,
    },
    /// The signature does not match the document and the key.
    #[error("the signature is invalid: the document was changed or was not signed with this key")]
    InvalidSignature,
    /// The proof was made for another purpose than the one expected.
    #[error("the proof purpose is {found}, but {expected} was expected")]
    WrongProofPurpose {
        /// The purpose the caller expected.
        expected: String,
        /// The purpose the proof states.
        found: String,
    },
    /// The proof's `expires` time has passed.
    #[error("the proof expired at {0}")]
    Expired(String),
}

fn malformed(reason: impl std::fmt::Display) -> ProofError {
    ProofError::Malformed(reason.to_string())
}

fn unresolvable(id: &str, reason: impl std::fmt::Display) -> ProofError {
    ProofError::UnresolvableVerificationMethod { id: id.to_owned(), reason: reason.to_string() }
}

/// Verifies the `eddsa-rdfc-2022` Data Integrity proof of `document` (a credential or presentation as JSON).
///
/// The proof's `verificationMethod` must be a reference (a string). It is resolved from `keys` first (verification
/// method id -> public JWK, an OKP Ed25519 JWK as `serde_json::Value`, which the connector fills from the `did:web`
/// documents it resolved), else from a `did:key` or `did:jwk` URL itself; for those two the DID document must also
/// list the method under `expected_purpose`. No other DID method is resolved, and nothing is fetched.
///
/// `expected_purpose` is the proof purpose the caller requires: [`ASSERTION_METHOD`] for credentials,
/// [`AUTHENTICATION`] for presentations. Exactly one proof is accepted; a proof whose `expires` has passed is
/// refused.
///
/// Returns the verification method id that signed it (the caller checks it belongs to the issuer).
pub async fn verify(
    document: &Value,
    keys: &HashMap<String, Value>,
    expected_purpose: &str,
) -> Result<String, ProofError> {
    let object = document.as_object().ok_or_else(|| malformed("it is not a JSON object"))?;
    let proof = single_proof(object)?;
    check_cryptosuite(proof)?;

    let purpose =
        proof.get("proofPurpose").and_then(Value::as_str).ok_or_else(|| malformed("the proof has no proofPurpose"))?;
    if purpose != expected_purpose {
        return Err(ProofError::WrongProofPurpose { expected: expected_purpose.to_owned(), found: purpose.to_owned() });
    }
    let method_id = match proof.get("verificationMethod") {
        Some(Value::String(id)) => id.as_str(),
        Some(_) => {
            return Err(malformed("the proof's verificationMethod must be a reference, embedded keys are not trusted"));
        }
        None => return Err(malformed("the proof has no verificationMethod")),
    };
    check_expiry(proof, Utc::now())?;
    check_contexts(document).await?;

    let method = resolve_method(method_id, keys, purpose).await?;
    let secured: DataIntegrity<DataIntegrityDocument, EdDsaRdfc2022> =
        serde_json::from_value(document.clone()).map_err(malformed)?;
    let params = VerificationParameters::from_resolver(OnlyMethod(method));
    match secured.verify(&params).await {
        Ok(Ok(())) => Ok(method_id.to_owned()),
        Ok(Err(Invalid::Proof(_))) | Err(ProofValidationError::InvalidSignature) => Err(ProofError::InvalidSignature),
        Ok(Err(Invalid::Claims(reason))) => Err(malformed(reason)),
        Err(reason) => Err(malformed(reason)),
    }
}

/// The single proof object of the document.
fn single_proof(document: &Map<String, Value>) -> Result<&Map<String, Value>, ProofError> {
    let proof = match document.get("proof") {
        None | Some(Value::Null) => return Err(ProofError::NoProof),
        Some(Value::Array(proofs)) => match proofs.as_slice() {
            [] => return Err(ProofError::NoProof),
            [proof] => proof,
            _ => return Err(malformed("it has more than one proof, only a single proof is accepted")),
        },
        Some(proof) => proof,
    };
    proof.as_object().ok_or_else(|| malformed("the proof is not a JSON object"))
}

fn check_cryptosuite(proof: &Map<String, Value>) -> Result<(), ProofError> {
    let proof_type = proof.get("type").and_then(Value::as_str).unwrap_or("no proof type");
    if proof_type != "DataIntegrityProof" {
        return Err(ProofError::UnsupportedCryptosuite(proof_type.to_owned()));
    }
    match proof.get("cryptosuite").and_then(Value::as_str) {
        Some(CRYPTOSUITE) => Ok(()),
        Some(other) => Err(ProofError::UnsupportedCryptosuite(other.to_owned())),
        None => Err(ProofError::UnsupportedCryptosuite("a DataIntegrityProof without cryptosuite".to_owned())),
    }
}

fn check_expiry(proof: &Map<String, Value>, now: DateTime<Utc>) -> Result<(), ProofError> {
    let Some(expires) = proof.get("expires") else {
        return Ok(());
    };
    let text = expires.as_str().ok_or_else(|| malformed("the proof's expires is not a string"))?;
    let at = DateTime::parse_from_rfc3339(text).map_err(|_| malformed("the proof's expires is not a date-time"))?;
    if at <= now {
        return Err(ProofError::Expired(text.to_owned()));
    }
    Ok(())
}

/// Refuses the document if any `@context` it names (at any depth, the proof's and embedded credentials' included)
/// is not bundled, before anything would try to load it.
async fn check_contexts(document: &Value) -> Result<(), ProofError> {
    let mut named = Vec::new();
    collect_contexts(document, &mut named);
    let loader = ContextLoader::default();
    for context in named {
        let known = match Iri::new(context) {
            Ok(iri) => loader.load(iri).await.is_ok(),
            Err(_) => false,
        };
        if !known {
            return Err(ProofError::UnknownContext(context.to_owned()));
        }
    }
    Ok(())
}

fn collect_contexts<'a>(value: &'a Value, named: &mut Vec<&'a str>) {
    match value {
        Value::Object(object) => {
            for (key, value) in object {
                if key == "@context" {
                    collect_context_entries(value, named);
                }
                collect_contexts(value, named);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_contexts(item, named)),
        _ => {}
    }
}

fn collect_context_entries<'a>(context: &'a Value, named: &mut Vec<&'a str>) {
    match context {
        Value::String(iri) => named.push(iri),
        Value::Array(entries) => entries.iter().for_each(|entry| collect_context_entries(entry, named)),
        // An inline context may import another one.
        Value::Object(definition) => {
            if let Some(Value::String(iri)) = definition.get("@import") {
                named.push(iri);
            }
        }
        _ => {}
    }
}

/// The Multikey for `method_id`: from the caller's keys, else from did:key / did:jwk.
async fn resolve_method(method_id: &str, keys: &HashMap<String, Value>, purpose: &str) -> Result<Multikey, ProofError> {
    let jwk = if let Some(jwk) = keys.get(method_id) {
        serde_json::from_value::<JWK>(jwk.clone())
            .map_err(|e| unresolvable(method_id, format!("the given key is not a JWK ({e})")))?
    } else if method_id.starts_with("did:key:") || method_id.starts_with("did:jwk:") {
        resolve_did_key(method_id, purpose).await?
    } else {
        return Err(unresolvable(method_id, "no key was given for it, and only did:key and did:jwk are resolved here"));
    };
    let key = ed25519_key(&jwk).map_err(|reason| unresolvable(method_id, reason))?;
    let id = IriBuf::new(method_id.to_owned()).map_err(|_| unresolvable(method_id, "it is not an IRI"))?;
    let controller_id = method_id.split_once('#').map_or(method_id, |(controller, _)| controller);
    let controller =
        UriBuf::new(controller_id.as_bytes().to_vec()).map_err(|_| unresolvable(method_id, "it is not a URI"))?;
    Ok(Multikey::from_public_key(id, controller, &key))
}

/// The public JWK of a did:key or did:jwk verification method, if its DID document lists it for `purpose`.
async fn resolve_did_key(method_id: &str, purpose: &str) -> Result<JWK, ProofError> {
    let url = DIDURL::new(method_id.as_bytes()).map_err(|_| unresolvable(method_id, "it is not a DID URL"))?;
    let output = match url.did().method_name() {
        "key" => DIDKey.resolve(url.did()).await,
        "jwk" => DIDJWK.resolve(url.did()).await,
        other => return Err(unresolvable(method_id, format!("did:{other} is not resolved here"))),
    }
    .map_err(|e| unresolvable(method_id, format!("its DID does not resolve ({e})")))?;
    let document = output.document.into_document();

    let proof_purpose: ProofPurpose = serde_json::from_value(Value::String(purpose.to_owned()))
        .map_err(|_| malformed(format!("{purpose} is not a known proof purpose")))?;
    if !document.verification_relationships.contains(&document.id, url, proof_purpose.into()) {
        return Err(unresolvable(method_id, format!("its DID document does not list it under {purpose}")));
    }
    let method = document
        .verification_method
        .into_iter()
        .find(|method| *method.id == *url)
        .ok_or_else(|| unresolvable(method_id, "its DID document has no such verification method"))?;

    let method = GenericVerificationMethod::from(method);
    match method.type_.as_str() {
        "Multikey" => Multikey::try_from(method)
            .ok()
            .and_then(|multikey| multikey.public_key_jwk())
            .ok_or_else(|| unresolvable(method_id, "its publicKeyMultibase cannot be decoded")),
        _ => {
            let jwk = method
                .properties
                .get("publicKeyJwk")
                .ok_or_else(|| unresolvable(method_id, "its verification method has no usable public key"))?;
            serde_json::from_value(jwk.clone()).map_err(|_| unresolvable(method_id, "its publicKeyJwk is not a JWK"))
        }
    }
}

fn ed25519_key(jwk: &JWK) -> Result<ed25519_dalek::VerifyingKey, String> {
    match &jwk.params {
        Params::OKP(params) if params.curve == "Ed25519" => ed25519_dalek::VerifyingKey::try_from(params)
            .map_err(|e| format!("its Ed25519 public key is invalid ({e})")),
        _ => Err("its key is not an Ed25519 key (OKP, crv Ed25519), as eddsa-rdfc-2022 requires".to_owned()),
    }
}

/// Resolves exactly the one verification method already resolved by [`resolve_method`]; anything else, an
/// embedded method included, is unknown.
struct OnlyMethod(Multikey);

impl VerificationMethodResolver for OnlyMethod {
    type Method = Multikey;

    async fn resolve_verification_method_with(
        &'_ self,
        _issuer: Option<&Iri>,
        method: Option<ReferenceOrOwnedRef<'_, Multikey>>,
        _options: ResolutionOptions,
    ) -> Result<Cow<'_, Multikey>, VerificationMethodResolutionError> {
        match method {
            Some(ReferenceOrOwnedRef::Reference(id)) if id == self.0.id.as_iri() => Ok(Cow::Borrowed(&self.0)),
            Some(_) => Err(VerificationMethodResolutionError::UnknownKey),
            None => Err(VerificationMethodResolutionError::MissingVerificationMethod),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_is_checked_against_the_given_time() {
        let proof = serde_json::json!({"expires": "2030-01-01T00:00:00Z"});
        let proof = proof.as_object().unwrap();
        let before = DateTime::parse_from_rfc3339("2029-12-31T23:59:59Z").unwrap().to_utc();
        let after = DateTime::parse_from_rfc3339("2030-01-01T00:00:01Z").unwrap().to_utc();
        assert!(check_expiry(proof, before).is_ok());
        assert!(matches!(check_expiry(proof, after), Err(ProofError::Expired(_))));
    }

    #[test]
    fn contexts_are_collected_at_any_depth() {
        let document = serde_json::json!({
            "@context": ["https://a.example/1", {"@import": "https://a.example/2", "x": "https://x.example/"}],
            "verifiableCredential": [{"@context": "https://a.example/3", "proof": {"@context": ["https://a.example/4"]}}]
        });
        let mut named = Vec::new();
        collect_contexts(&document, &mut named);
        named.sort_unstable();
        assert_eq!(named, ["https://a.example/1", "https://a.example/2", "https://a.example/3", "https://a.example/4"]);
    }
}
