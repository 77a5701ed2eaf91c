//! Data Integrity `eddsa-rdfc-2022` proofs: the W3C vc-di-eddsa test vectors, tampering, refusal of unknown
//! contexts and other cryptosuites, and credentials / presentations signed here with fresh keys by ssi itself.

use std::collections::HashMap;

use futures::executor::block_on;
use ldt_identity::data_integrity::{ASSERTION_METHOD, AUTHENTICATION, ProofError, verify};
use serde_json::{Value, json};
use ssi_data_integrity::suites::EdDsaRdfc2022;
use ssi_data_integrity::{CryptographicSuite, DataIntegrityDocument, ProofOptions};
use ssi_dids_core::ssi_json_ld::iref::{IriBuf, UriBuf};
use ssi_jwk::{JWK, Params};
use ssi_verification_methods::{Multikey, ProofPurpose, ReferenceOrOwned, SingleSecretSigner, ed25519_dalek};

/// The signed credential of the W3C vc-di-eddsa specification, appendix "Representation: eddsa-rdfc-2022"
/// (`TestVectors/eddsa-rdfc-2022/signedDataInt.json` of w3c/vc-di-eddsa): an AlumniCredential (VC 2.0) signed by
/// did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2.
const SPEC_SIGNED_CREDENTIAL: &str = include_str!("data/eddsa-rdfc-2022-signed-credential.json");

/// The signed Employment Authorization Document credential of the same appendix
/// (`TestVectors/eddsa-rdfc-2022/employ/signedDataInt.json`); its context `https://w3id.org/citizenship/v4rc1` is
/// not bundled with ssi.
const SPEC_SIGNED_EMPLOYMENT_CREDENTIAL: &str = include_str!("data/eddsa-rdfc-2022-signed-employment-credential.json");

const SPEC_METHOD: &str =
    "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2";

const WEB_METHOD: &str = "did:web:issuer.example#key-1";

fn spec_credential() -> Value {
    serde_json::from_str(SPEC_SIGNED_CREDENTIAL).unwrap()
}

fn no_keys() -> HashMap<String, Value> {
    HashMap::new()
}

fn check(document: &Value, keys: &HashMap<String, Value>, purpose: &str) -> Result<String, ProofError> {
    block_on(verify(document, keys, purpose))
}

fn public_jwk(jwk: &JWK) -> Value {
    serde_json::to_value(jwk.to_public()).unwrap()
}

/// Signs `document` with `jwk` as `method_id` (with the given purpose), with ssi's own signer.
fn sign(document: Value, jwk: &JWK, method_id: &str, purpose: ProofPurpose) -> Value {
    let Params::OKP(params) = &jwk.params else { panic!("not an OKP key") };
    let public_key = ed25519_dalek::VerifyingKey::try_from(params).unwrap();
    let id = IriBuf::new(method_id.to_owned()).unwrap();
    let controller = UriBuf::new(method_id.split('#').next().unwrap().as_bytes().to_vec()).unwrap();
    let method = Multikey::from_public_key(id.clone(), controller, &public_key);
    let resolver = HashMap::from([(id.clone(), method)]);

    let mut options = ProofOptions::from_method(ReferenceOrOwned::Reference(id));
    options.proof_purpose = purpose;
    let unsecured: DataIntegrityDocument = serde_json::from_value(document).unwrap();
    let signer = SingleSecretSigner::new(jwk.clone());
    let secured = block_on(EdDsaRdfc2022.sign(unsecured, &resolver, signer, options)).unwrap();
    serde_json::to_value(secured).unwrap()
}

/// A VC 2.0 credential of this data space, unsigned.
fn membership_credential() -> Value {
    json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://www.w3.org/ns/credentials/examples/v2"
        ],
        "id": "urn:uuid:0d6a8c1e-4f4e-4a53-9a3c-1c7f1f3b7d10",
        "type": ["VerifiableCredential", "MembershipCredential"],
        "issuer": "did:web:issuer.example",
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {
            "id": "did:web:participant.example",
            "membership": {"status": "active"}
        }
    })
}

#[test]
fn spec_vector_verifies() {
    let signer = check(&spec_credential(), &no_keys(), ASSERTION_METHOD).unwrap();
    assert_eq!(signer, SPEC_METHOD);
}

#[test]
fn spec_vector_with_a_changed_claim_fails_on_the_signature() {
    let mut credential = spec_credential();
    credential["credentialSubject"]["alumniOf"] = json!("The School of Forgeries");
    assert!(matches!(check(&credential, &no_keys(), ASSERTION_METHOD), Err(ProofError::InvalidSignature)));

    // A changed proof option is covered by the signature too.
    let mut credential = spec_credential();
    credential["proof"]["created"] = json!("2024-02-24T23:36:38Z");
    assert!(matches!(check(&credential, &no_keys(), ASSERTION_METHOD), Err(ProofError::InvalidSignature)));

    // So is the proof value itself.
    let mut credential = spec_credential();
    let forged = credential["proof"]["proofValue"].as_str().unwrap().replacen("z2Yw", "z2Yx", 1);
    credential["proof"]["proofValue"] = json!(forged);
    assert!(matches!(check(&credential, &no_keys(), ASSERTION_METHOD), Err(ProofError::InvalidSignature)));
}

#[test]
fn unknown_context_is_refused_without_fetching() {
    let employment: Value = serde_json::from_str(SPEC_SIGNED_EMPLOYMENT_CREDENTIAL).unwrap();
    match check(&employment, &no_keys(), ASSERTION_METHOD) {
        Err(ProofError::UnknownContext(context)) => assert_eq!(context, "https://w3id.org/citizenship/v4rc1"),
        other => panic!("expected an unknown context, got {other:?}"),
    }

    // An unknown context anywhere, here in the proof, is refused as well.
    let mut credential = spec_credential();
    credential["proof"]["@context"] = json!(["https://contexts.invalid/never-fetched/v1"]);
    match check(&credential, &no_keys(), ASSERTION_METHOD) {
        Err(ProofError::UnknownContext(context)) => {
            assert_eq!(context, "https://contexts.invalid/never-fetched/v1")
        }
        other => panic!("expected an unknown context, got {other:?}"),
    }
}

#[test]
fn other_cryptosuites_are_unsupported() {
    let mut credential = spec_credential();
    credential["proof"]["cryptosuite"] = json!("ecdsa-rdfc-2019");
    match check(&credential, &no_keys(), ASSERTION_METHOD) {
        Err(ProofError::UnsupportedCryptosuite(suite)) => assert_eq!(suite, "ecdsa-rdfc-2019"),
        other => panic!("expected an unsupported cryptosuite, got {other:?}"),
    }

    let mut credential = spec_credential();
    credential["proof"]["type"] = json!("Ed25519Signature2020");
    credential["proof"].as_object_mut().unwrap().remove("cryptosuite");
    match check(&credential, &no_keys(), ASSERTION_METHOD) {
        Err(ProofError::UnsupportedCryptosuite(suite)) => assert_eq!(suite, "Ed25519Signature2020"),
        other => panic!("expected an unsupported cryptosuite, got {other:?}"),
    }
}

#[test]
fn missing_proof_wrong_purpose_and_embedded_keys_are_refused() {
    let mut credential = spec_credential();
    credential.as_object_mut().unwrap().remove("proof");
    assert!(matches!(check(&credential, &no_keys(), ASSERTION_METHOD), Err(ProofError::NoProof)));

    match check(&spec_credential(), &no_keys(), AUTHENTICATION) {
        Err(ProofError::WrongProofPurpose { expected, found }) => {
            assert_eq!((expected.as_str(), found.as_str()), (AUTHENTICATION, ASSERTION_METHOD))
        }
        other => panic!("expected a wrong proof purpose, got {other:?}"),
    }

    let mut credential = spec_credential();
    credential["proof"]["verificationMethod"] = json!({
        "id": SPEC_METHOD,
        "type": "Multikey",
        "controller": "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
        "publicKeyMultibase": "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
    });
    assert!(matches!(check(&credential, &no_keys(), ASSERTION_METHOD), Err(ProofError::Malformed(_))));

    let mut credential = spec_credential();
    credential["proof"]["expires"] = json!("2024-01-01T00:00:00Z");
    assert!(matches!(check(&credential, &no_keys(), ASSERTION_METHOD), Err(ProofError::Expired(_))));
}

#[test]
fn credential_signed_by_ssi_verifies_with_a_key_given_for_a_did_web_method() {
    let jwk = JWK::generate_ed25519().unwrap();
    let credential = sign(membership_credential(), &jwk, WEB_METHOD, ProofPurpose::Assertion);
    assert_eq!(credential["proof"]["cryptosuite"], "eddsa-rdfc-2022");

    let keys = HashMap::from([(WEB_METHOD.to_owned(), public_jwk(&jwk))]);
    assert_eq!(check(&credential, &keys, ASSERTION_METHOD).unwrap(), WEB_METHOD);

    // Without the key, a did:web method is not resolved here.
    assert!(matches!(
        check(&credential, &no_keys(), ASSERTION_METHOD),
        Err(ProofError::UnresolvableVerificationMethod { .. })
    ));

    // Another key under the same id does not verify it.
    let other = JWK::generate_ed25519().unwrap();
    let keys = HashMap::from([(WEB_METHOD.to_owned(), public_jwk(&other))]);
    assert!(matches!(check(&credential, &keys, ASSERTION_METHOD), Err(ProofError::InvalidSignature)));

    // Nor does a key that is not Ed25519.
    let keys = HashMap::from([(
        WEB_METHOD.to_owned(),
        json!({"kty": "EC", "crv": "P-256", "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}),
    )]);
    assert!(matches!(
        check(&credential, &keys, ASSERTION_METHOD),
        Err(ProofError::UnresolvableVerificationMethod { .. })
    ));
}

#[test]
fn presentation_vc_1_1_signed_by_ssi_with_did_jwk_verifies_for_authentication() {
    let jwk = JWK::generate_ed25519().unwrap();
    let method = did_jwk::DIDJWK::generate_url(&jwk.to_public()).to_string();
    let holder = method.split('#').next().unwrap().to_owned();
    let presentation = json!({
        "@context": [
            "https://www.w3.org/2018/credentials/v1",
            "https://w3id.org/security/data-integrity/v2"
        ],
        "id": "urn:uuid:6f1c2f5e-3a0f-4d8e-9d4b-5c2a1b0e9f11",
        "type": ["VerifiablePresentation"],
        "holder": holder
    });
    let presentation = sign(presentation, &jwk, &method, ProofPurpose::Authentication);

    assert_eq!(check(&presentation, &no_keys(), AUTHENTICATION).unwrap(), method);

    let mut changed = presentation.clone();
    changed["holder"] = json!("did:web:someone-else.example");
    assert!(matches!(check(&changed, &no_keys(), AUTHENTICATION), Err(ProofError::InvalidSignature)));
}

#[test]
fn presentation_vc_2_0_embedding_the_spec_credential_verifies_with_did_key() {
    let jwk = JWK::generate_ed25519().unwrap();
    let method = did_method_key::DIDKey::generate_url(&jwk.to_public()).unwrap().to_string();
    let holder = method.split('#').next().unwrap().to_owned();
    let presentation = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": holder,
        "verifiableCredential": [spec_credential()]
    });
    let presentation = sign(presentation, &jwk, &method, ProofPurpose::Authentication);

    assert_eq!(check(&presentation, &no_keys(), AUTHENTICATION).unwrap(), method);
    // The embedded credential keeps its own proof, verified on its own.
    let credential = &presentation["verifiableCredential"][0];
    assert_eq!(check(credential, &no_keys(), ASSERTION_METHOD).unwrap(), SPEC_METHOD);

    // The presentation's signature covers the embedded credential.
    let mut changed = presentation.clone();
    changed["verifiableCredential"][0]["credentialSubject"]["alumniOf"] = json!("The School of Forgeries");
    assert!(matches!(check(&changed, &no_keys(), AUTHENTICATION), Err(ProofError::InvalidSignature)));
}

/// The connector awaits `verify` inside its (multi-threaded) request handlers: the future must be `Send`.
#[test]
fn verification_future_is_send() {
    fn assert_send<T: Send>(_: T) {}
    let doc = spec_credential();
    let keys = no_keys();
    assert_send(verify(&doc, &keys, ASSERTION_METHOD));
}
