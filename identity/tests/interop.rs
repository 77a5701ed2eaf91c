//! Interoperability with an independent implementation of VC-JWT and VP-JWT (VC Data Model 1.1, JWT encoding): the
//! npm package did-jwt-vc (with did-jwt and did-resolver), run by Node.js through `tests/interop/vc.mjs`. Issuers and
//! holders are did:jwk DIDs, which both sides resolve offline.
//!
//! did-jwt-vc's credentials and presentations verify here, and ours verify there, for ES256 (P-256) and EdDSA
//! (Ed25519) keys; a tampered credential or a presentation for another verifier is refused either way.
//!
//! The Node packages must be installed (`npm ci` in `tests/interop`): `scripts/test.sh` does it; these tests do not.

mod common;

use std::collections::HashMap;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use chrono::{DateTime, TimeDelta, Utc};
use common::{b64, decode_part, parts};
use futures::executor::block_on;
use ldt_identity::did::{DidDocument, resolve_offline};
use ldt_identity::jwt::JwtError;
use ldt_identity::keys::{KeyAlgorithm, SigningKey};
use ldt_identity::trust::{TrustedIssuer, TrustedIssuers};
use ldt_identity::vc::{self, Credential, VcVersion};
use ldt_identity::verify::{FetchedStatus, Presentation, PresentationError, Refusal, VerifiedCredential, Verifier};
use serde_json::{Value, json};

/// This connector, the verifier of presentations.
const VERIFIER: &str = "did:web:verifier.example";
const MEMBERSHIP: &str = "MembershipCredential";
const ALGORITHMS: [KeyAlgorithm; 2] = [KeyAlgorithm::Es256, KeyAlgorithm::EdDsa];

// -- the Node side ---------------------------------------------------------------------------------------------------

/// `tests/interop`, with `vc.mjs` and its installed packages.
fn interop_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests").join("interop");
    assert!(
        dir.join("node_modules").join("did-jwt-vc").is_dir(),
        "{} is missing: the did-jwt-vc interoperability tests need its Node packages installed. Run the tests with \
         scripts/test.sh, which installs them (`npm ci --no-audit --no-fund` in identity/tests/interop), or run that \
         command yourself",
        dir.join("node_modules").display()
    );
    dir
}

/// Runs `node vc.mjs <args>` with `stdin`: its exit status, standard output and standard error.
fn node(args: &[&str], stdin: Option<&str>) -> (bool, String, String) {
    let dir = interop_dir();
    let mut child = Command::new("node")
        .arg("vc.mjs")
        .args(args)
        .current_dir(&dir)
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|error| {
            panic!("cannot run `node` ({error}): install Node.js, or run the tests with scripts/test.sh, which does")
        });
    if let Some(input) = stdin {
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    }
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    // 2 is a usage error or a crash of the script itself, never a verdict.
    assert!(matches!(output.status.code(), Some(0 | 1)), "node vc.mjs {args:?}: {}\n{stderr}", output.status);
    (output.status.success(), stdout, stderr)
}

/// What `vc.mjs make` made: a did-jwt-vc credential of the issuer about the holder, in the holder's presentation.
struct Made {
    issuer: String,
    holder: String,
    credential: String,
    presentation: String,
}

/// An issuer and a holder with new `algorithm` keys, made by did-jwt-vc; the presentation is for `audience`.
fn made_by_did_jwt_vc(algorithm: KeyAlgorithm, audience: &str) -> Made {
    let (ok, stdout, stderr) = node(&["make", "--audience", audience, "--alg", algorithm.jose_name()], None);
    assert!(ok, "vc.mjs make: {stderr}");
    let made: Value = serde_json::from_str(&stdout).unwrap();
    let text = |name: &str| made[name].as_str().unwrap_or_else(|| panic!("no `{name}` in {made}")).to_owned();
    Made {
        issuer: text("issuer"),
        holder: text("holder"),
        credential: text("credential"),
        presentation: text("presentation"),
    }
}

/// did-jwt-vc's verdict on `vp` as a presentation for `audience`: what it verified, or why it refused.
fn verified_by_did_jwt_vc(vp: &str, audience: &str) -> Result<Value, String> {
    let (ok, stdout, stderr) = node(&["verify", "--audience", audience], Some(vp));
    if ok { Ok(serde_json::from_str(&stdout).unwrap()) } else { Err(stderr) }
}

// -- our side --------------------------------------------------------------------------------------------------------

/// A participant known by the did:jwk of its key, whose id is therefore `0`.
struct Party {
    did: String,
    key: SigningKey,
}

impl Party {
    fn new(algorithm: KeyAlgorithm) -> Party {
        let key = SigningKey::generate("0", algorithm).unwrap();
        Party { did: format!("did:jwk:{}", b64(key.public_jwk().to_string().as_bytes())), key }
    }
}

/// Now, to the second (JWT times are whole seconds).
fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(Utc::now().timestamp(), 0).unwrap()
}

/// A membership of `holder` issued by `issuer` (VC-JWT 1.1), valid from a day ago for a year.
fn our_membership(issuer: &Party, holder: &Party) -> String {
    let credential = Credential {
        id: Some(format!("urn:uuid:{}", uuid::Uuid::new_v4())),
        types: vec!["VerifiableCredential".into(), MEMBERSHIP.into()],
        issuer: issuer.did.clone(),
        subject: json!({"id": holder.did, "membership": {"status": "active", "since": "2024-01-01"}}),
        valid_from: now() - TimeDelta::days(1),
        valid_until: Some(now() + TimeDelta::days(365)),
        status: None,
    };
    vc::issue(&credential, VcVersion::V1, &issuer.key).unwrap()
}

/// `holder`'s presentation (VP-JWT 1.1) of `credentials` to `audience`.
fn our_presentation(holder: &Party, audience: &str, credentials: &[String]) -> String {
    vc::present(&holder.did, &holder.key, audience, credentials, VcVersion::V1, now(), TimeDelta::minutes(5)).unwrap()
}

/// Our verdict on `vp` as the presentation of `caller` to [`VERIFIER`], `issuer` trusted for memberships; the DID
/// documents of the presentation's DIDs are resolved offline.
fn verified_here(vp: &str, caller: &str, issuer: &str) -> Result<Vec<VerifiedCredential>, PresentationError> {
    let presentation = Presentation::parse(vp)?;
    let documents: HashMap<String, DidDocument> = presentation
        .issuers()
        .into_iter()
        .map(|did| {
            let document = block_on(resolve_offline(did))
                .unwrap_or_else(|| panic!("{did} does not resolve offline"))
                .unwrap_or_else(|error| panic!("{did} does not resolve: {error}"));
            (did.to_owned(), document)
        })
        .collect();
    let trusted = TrustedIssuers(vec![TrustedIssuer { issuer: issuer.to_owned(), types: vec![MEMBERSHIP.into()] }]);
    let verifier = Verifier { own_did: VERIFIER, now: now(), trusted: &trusted };
    block_on(presentation.verify(caller, verifier, &documents, &HashMap::<String, FetchedStatus>::new()))
}

/// `jwt` with its claims changed by `change` and its signature kept.
fn tampered(jwt: &str, change: impl FnOnce(&mut Value)) -> String {
    let [header, payload, signature] = parts(jwt);
    let mut claims = decode_part(payload);
    change(&mut claims);
    format!("{header}.{}.{signature}", b64(claims.to_string().as_bytes()))
}

// -- the tests -------------------------------------------------------------------------------------------------------

#[test]
fn a_did_jwt_vc_presentation_verifies_here() {
    for algorithm in ALGORITHMS {
        let made = made_by_did_jwt_vc(algorithm, VERIFIER);
        assert_ne!(made.issuer, made.holder);
        let verified = verified_here(&made.presentation, &made.holder, &made.issuer)
            .unwrap_or_else(|error| panic!("{algorithm:?}: {error}"));
        assert_eq!(verified.len(), 1, "{algorithm:?}");
        assert_eq!(verified[0].issuer, made.issuer);
        assert_eq!(verified[0].kind(), MEMBERSHIP);
        assert_eq!(verified[0].types, ["VerifiableCredential", MEMBERSHIP]);
        // did-jwt-vc moves the subject's `id` to `sub` (and `issuer` to `iss`, `issuanceDate` to `nbf`), leaving them
        // out of `vc`; they come back from the claims.
        let claims = decode_part(parts(&made.credential)[1]);
        assert!(claims["vc"]["credentialSubject"].get("id").is_none() && claims["vc"].get("issuer").is_none());
        assert_eq!(claims["sub"], made.holder.as_str());
        assert_eq!(verified[0].subject["id"], made.holder.as_str());
        assert_eq!(verified[0].subject["membership"], json!({"status": "active", "since": "2024-01-01"}));
        // And did-jwt-vc accepts what it made: the two agree.
        assert!(verified_by_did_jwt_vc(&made.presentation, VERIFIER).is_ok());
    }
}

#[test]
fn our_presentation_verifies_in_did_jwt_vc() {
    for algorithm in ALGORITHMS {
        let (issuer, holder) = (Party::new(algorithm), Party::new(algorithm));
        let vp = our_presentation(&holder, VERIFIER, &[our_membership(&issuer, &holder)]);
        let verified =
            verified_by_did_jwt_vc(&vp, VERIFIER).unwrap_or_else(|refusal| panic!("{algorithm:?}: {refusal}"));
        assert_eq!(verified["holder"], holder.did.as_str(), "{algorithm:?}");
        let credentials = verified["credentials"].as_array().unwrap();
        assert_eq!(credentials.len(), 1);
        assert_eq!(credentials[0]["issuer"], issuer.did.as_str());
        assert_eq!(credentials[0]["type"], json!(["VerifiableCredential", MEMBERSHIP]));
        assert_eq!(credentials[0]["subject"]["id"], holder.did.as_str());
        assert_eq!(credentials[0]["subject"]["membership"]["status"], "active");
        // And ours accepts it too.
        assert!(verified_here(&vp, &holder.did, &issuer.did).is_ok());
    }
}

#[test]
fn a_tampered_credential_in_our_presentation_is_refused_by_did_jwt_vc() {
    for algorithm in ALGORITHMS {
        let (issuer, holder) = (Party::new(algorithm), Party::new(algorithm));
        let credential = tampered(&our_membership(&issuer, &holder), |claims| {
            claims["vc"]["credentialSubject"]["membership"]["status"] = json!("honorary");
        });
        // The holder signs the presentation afresh: only the credential's signature is wrong.
        let vp = our_presentation(&holder, VERIFIER, &[credential]);
        let refusal = verified_by_did_jwt_vc(&vp, VERIFIER).expect_err("did-jwt-vc accepted a tampered credential");
        assert!(refusal.contains("invalid_signature"), "{algorithm:?}: {refusal}");
        assert!(matches!(
            verified_here(&vp, &holder.did, &issuer.did),
            Err(PresentationError::Credential { index: 0, refusal: Refusal::Jwt(JwtError::Signature), .. })
        ));
    }
}

#[test]
fn a_presentation_for_another_verifier_is_refused_either_way() {
    for algorithm in ALGORITHMS {
        let made = made_by_did_jwt_vc(algorithm, "did:web:another-verifier.example");
        assert!(
            matches!(verified_here(&made.presentation, &made.holder, &made.issuer), Err(PresentationError::Audience)),
            "{algorithm:?}"
        );

        let (issuer, holder) = (Party::new(algorithm), Party::new(algorithm));
        let vp = our_presentation(&holder, "did:web:another-verifier.example", &[our_membership(&issuer, &holder)]);
        let refusal = verified_by_did_jwt_vc(&vp, VERIFIER).expect_err("did-jwt-vc accepted another's presentation");
        assert!(refusal.contains("audience"), "{algorithm:?}: {refusal}");
    }
}
