//! DCP self-issued ID tokens: minted tokens verify against the sender's DID document, and every way a token can be
//! wrong is refused with its own error.

mod common;

use chrono::{DateTime, TimeDelta, Utc};
use common::{Party, b64, decode_part, jws, parts, raw_signer};
use ldt_identity::did::{DidDocument, DidError, MethodReference};
use ldt_identity::jwt::{CLOCK_SKEW, JwtError};
use ldt_identity::keys::{KeyAlgorithm, KeyRing, SigningKey};
use ldt_identity::token::{Audience, MAX_LIFETIME, SelfIssued, TokenError, Unverified, mint};
use serde_json::json;

const RECEIVER: &str = "did:web:receiver.example";

/// Now, in whole seconds, as token times are.
fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(Utc::now().timestamp(), 0).unwrap()
}

fn alice() -> Party {
    Party::new("alice.example", KeyAlgorithm::EdDsa)
}

/// Claims of a token from `did` to [`RECEIVER`], issued at `iat`, living `lifetime`.
fn claims(did: &str, iat: DateTime<Utc>, lifetime: TimeDelta) -> SelfIssued {
    SelfIssued {
        iss: did.to_owned(),
        sub: did.to_owned(),
        aud: Audience::One(RECEIVER.to_owned()),
        jti: uuid::Uuid::new_v4().to_string(),
        iat: iat.timestamp(),
        exp: (iat + lifetime).timestamp(),
        nbf: None,
        token: None,
    }
}

/// Verifies `token` with `document` at `at`, for [`RECEIVER`].
fn verify(token: &str, document: &DidDocument, at: DateTime<Utc>) -> Result<SelfIssued, TokenError> {
    Unverified::parse(token)?.verify(document, RECEIVER, at)
}

#[test]
fn a_minted_token_verifies_with_either_algorithm() {
    for algorithm in [KeyAlgorithm::EdDsa, KeyAlgorithm::Es256] {
        let sender = Party::new("sender.example", algorithm);
        let now = now();
        let token =
            mint(&sender.key, &sender.did, RECEIVER, Some("access-1".into()), now, TimeDelta::minutes(5)).unwrap();
        let header = decode_part(parts(&token)[0]);
        assert_eq!(header["alg"], algorithm.jose_name());
        assert_eq!(header["kid"], sender.kid());

        let unverified = Unverified::parse(&token).unwrap();
        assert_eq!(unverified.issuer(), sender.did);
        let claims = unverified.verify(&sender.document, RECEIVER, now).unwrap();
        assert_eq!(claims.iss, sender.did);
        assert_eq!(claims.sub, sender.did);
        assert!(claims.aud.contains(RECEIVER));
        assert_eq!(claims.token.as_deref(), Some("access-1"));
        assert_eq!(claims.iat, now.timestamp());
        assert_eq!(claims.exp - claims.iat, 300);
        assert!(!claims.jti.is_empty());

        // Still good just before it expires.
        verify(&token, &sender.document, now + TimeDelta::minutes(5) - TimeDelta::seconds(1)).unwrap();
    }
}

#[test]
fn every_minted_token_has_its_own_id() {
    let alice = alice();
    let now = now();
    let first = verify(&mint(&alice.key, &alice.did, RECEIVER, None, now, MAX_LIFETIME).unwrap(), &alice.document, now);
    let second =
        verify(&mint(&alice.key, &alice.did, RECEIVER, None, now, MAX_LIFETIME).unwrap(), &alice.document, now);
    assert_ne!(first.unwrap().jti, second.unwrap().jti);
}

#[test]
fn minting_caps_the_lifetime_at_the_maximum() {
    let alice = alice();
    let now = now();
    let token = mint(&alice.key, &alice.did, RECEIVER, None, now, TimeDelta::hours(1)).unwrap();
    let claims = verify(&token, &alice.document, now).unwrap();
    assert_eq!(claims.exp - claims.iat, MAX_LIFETIME.num_seconds());
}

#[test]
fn a_token_for_several_audiences_including_this_one_verifies() {
    let alice = alice();
    let now = now();
    let mut claims = claims(&alice.did, now, TimeDelta::minutes(5));
    claims.aud = Audience::Many(vec!["did:web:other.example".into(), RECEIVER.into()]);
    let token = alice.key.sign("JWT", &alice.kid(), &claims).unwrap();
    assert_eq!(verify(&token, &alice.document, now).unwrap(), claims);
}

#[test]
fn an_expired_token_is_refused_beyond_the_clock_skew() {
    let alice = alice();
    let now = now();
    let issued = now - TimeDelta::minutes(20);
    let token = mint(&alice.key, &alice.did, RECEIVER, None, issued, TimeDelta::minutes(5)).unwrap();
    let exp = issued + TimeDelta::minutes(5);
    assert!(matches!(
        verify(&token, &alice.document, now),
        Err(TokenError::Jwt(JwtError::Expired(at))) if at == exp
    ));

    // At the edge: accepted until the skew has passed too.
    verify(&token, &alice.document, exp + CLOCK_SKEW - TimeDelta::seconds(1)).unwrap();
    assert!(matches!(
        verify(&token, &alice.document, exp + CLOCK_SKEW),
        Err(TokenError::Jwt(JwtError::Expired(at))) if at == exp
    ));
}

#[test]
fn a_token_issued_in_the_future_is_not_yet_valid() {
    let alice = alice();
    let now = now();
    let issued = now + TimeDelta::minutes(2);
    let token = mint(&alice.key, &alice.did, RECEIVER, None, issued, TimeDelta::minutes(5)).unwrap();
    assert!(matches!(
        verify(&token, &alice.document, now),
        Err(TokenError::Jwt(JwtError::NotYetValid(at))) if at == issued
    ));

    // A sender's clock slightly ahead is tolerated.
    let ahead = now + CLOCK_SKEW - TimeDelta::seconds(1);
    let token = mint(&alice.key, &alice.did, RECEIVER, None, ahead, TimeDelta::minutes(5)).unwrap();
    verify(&token, &alice.document, now).unwrap();
}

#[test]
fn a_token_before_its_not_before_time_is_not_yet_valid() {
    let alice = alice();
    let now = now();
    let mut claims = claims(&alice.did, now, TimeDelta::minutes(8));
    let nbf = now + TimeDelta::minutes(5);
    claims.nbf = Some(nbf.timestamp());
    let token = alice.key.sign("JWT", &alice.kid(), &claims).unwrap();
    assert!(matches!(
        verify(&token, &alice.document, now),
        Err(TokenError::Jwt(JwtError::NotYetValid(at))) if at == nbf
    ));
    verify(&token, &alice.document, nbf).unwrap();
}

#[test]
fn a_token_for_another_audience_is_refused() {
    let alice = alice();
    let now = now();
    let token = mint(&alice.key, &alice.did, "did:web:other.example", None, now, TimeDelta::minutes(5)).unwrap();
    assert!(matches!(
        verify(&token, &alice.document, now),
        Err(TokenError::Audience(Audience::One(aud))) if aud == "did:web:other.example"
    ));
}

#[test]
fn a_token_whose_subject_is_not_its_issuer_is_refused() {
    let alice = alice();
    let now = now();
    let mut claims = claims(&alice.did, now, TimeDelta::minutes(5));
    claims.sub = "did:web:bob.example".into();
    let token = alice.key.sign("JWT", &alice.kid(), &claims).unwrap();
    match verify(&token, &alice.document, now) {
        Err(TokenError::NotSelfIssued { iss, sub, kid }) => {
            assert_eq!(iss, alice.did);
            assert_eq!(sub, "did:web:bob.example");
            assert_eq!(kid, alice.kid());
        }
        other => panic!("accepted or refused for another reason: {other:?}"),
    }
}

#[test]
fn a_token_with_the_key_of_another_did_is_refused() {
    let alice = alice();
    let bob = Party::new("bob.example", KeyAlgorithm::EdDsa);
    let now = now();

    // Alice's claims under Bob's key id, signed by Alice.
    let token = alice.key.sign("JWT", &bob.kid(), &claims(&alice.did, now, TimeDelta::minutes(5))).unwrap();
    assert!(matches!(
        verify(&token, &alice.document, now),
        Err(TokenError::NotSelfIssued { kid, .. }) if kid == bob.kid()
    ));

    // Bob signing, with his own key id, a token that says it is Alice's.
    let token = bob.key.sign("JWT", &bob.kid(), &claims(&alice.did, now, TimeDelta::minutes(5))).unwrap();
    assert!(matches!(verify(&token, &alice.document, now), Err(TokenError::NotSelfIssued { .. })));
    assert!(matches!(verify(&token, &bob.document, now), Err(TokenError::NotSelfIssued { .. })));

    // A relative key id names no DID.
    let token = alice.key.sign("JWT", "#key-1", &claims(&alice.did, now, TimeDelta::minutes(5))).unwrap();
    assert!(matches!(verify(&token, &alice.document, now), Err(TokenError::NotSelfIssued { .. })));
}

#[test]
fn a_token_checked_against_another_participants_document_is_refused() {
    let alice = alice();
    let bob = Party::new("bob.example", KeyAlgorithm::EdDsa);
    let now = now();
    let token = mint(&alice.key, &alice.did, RECEIVER, None, now, TimeDelta::minutes(5)).unwrap();
    assert!(matches!(verify(&token, &bob.document, now), Err(TokenError::NotSelfIssued { .. })));
}

#[test]
fn a_token_signed_by_a_key_id_not_in_the_senders_document_is_refused() {
    let alice = alice();
    let now = now();
    let rogue = SigningKey::generate("key-2", KeyAlgorithm::EdDsa).unwrap();
    let token = mint(&rogue, &alice.did, RECEIVER, None, now, TimeDelta::minutes(5)).unwrap();
    let result = verify(&token, &alice.document, now);
    assert!(
        matches!(&result, Err(TokenError::Did(DidError::UnknownKey(kid))) if *kid == format!("{}#key-2", alice.did)),
        "{result:?}"
    );
}

#[test]
fn a_token_signed_by_another_key_under_the_published_key_id_is_refused() {
    let alice = alice();
    let now = now();

    // The published key id, but another key.
    let rogue = SigningKey::generate("key-1", KeyAlgorithm::EdDsa).unwrap();
    let token = mint(&rogue, &alice.did, RECEIVER, None, now, TimeDelta::minutes(5)).unwrap();
    assert!(matches!(verify(&token, &alice.document, now), Err(TokenError::Jwt(JwtError::Signature))));

    // The published key id, another key of the other algorithm.
    let rogue = SigningKey::generate("key-1", KeyAlgorithm::Es256).unwrap();
    let token = mint(&rogue, &alice.did, RECEIVER, None, now, TimeDelta::minutes(5)).unwrap();
    assert!(matches!(
        verify(&token, &alice.document, now),
        Err(TokenError::Jwt(JwtError::Algorithm { expected: "EdDSA", found })) if found == "ES256"
    ));
}

#[test]
fn a_key_not_listed_for_capability_invocation_is_refused() {
    let did = "did:web:alice.example";
    let invoking = SigningKey::generate("key-1", KeyAlgorithm::EdDsa).unwrap();
    let authenticating = SigningKey::generate("key-2", KeyAlgorithm::Es256).unwrap();
    let mut document = DidDocument::new(
        did,
        [(invoking.id(), invoking.public_jwk()), (authenticating.id(), authenticating.public_jwk())],
        [],
    );
    document.capability_invocation = vec![MethodReference::Reference(format!("{did}#key-1"))];
    let now = now();

    let token = mint(&invoking, did, RECEIVER, None, now, TimeDelta::minutes(5)).unwrap();
    verify(&token, &document, now).unwrap();

    let token = mint(&authenticating, did, RECEIVER, None, now, TimeDelta::minutes(5)).unwrap();
    assert!(matches!(
        verify(&token, &document, now),
        Err(TokenError::Did(DidError::NotFor { kid, relationship: "capabilityInvocation" }))
            if kid == format!("{did}#key-2")
    ));

    // Listed by a relative reference: the same.
    document.capability_invocation = vec![MethodReference::Reference("#key-1".into())];
    assert!(matches!(verify(&token, &document, now), Err(TokenError::Did(DidError::NotFor { .. }))));
    document.capability_invocation = vec![MethodReference::Reference("#key-2".into())];
    verify(&token, &document, now).unwrap();
}

#[test]
fn a_token_living_longer_than_the_maximum_is_refused() {
    let alice = alice();
    let now = now();
    let token = alice.key.sign("JWT", &alice.kid(), &claims(&alice.did, now, MAX_LIFETIME)).unwrap();
    verify(&token, &alice.document, now).unwrap();

    let too_long = claims(&alice.did, now, MAX_LIFETIME + TimeDelta::seconds(1));
    let token = alice.key.sign("JWT", &alice.kid(), &too_long).unwrap();
    assert!(matches!(verify(&token, &alice.document, now), Err(TokenError::TooLong)));

    let a_day = claims(&alice.did, now, TimeDelta::days(1));
    let token = alice.key.sign("JWT", &alice.kid(), &a_day).unwrap();
    assert!(matches!(verify(&token, &alice.document, now), Err(TokenError::TooLong)));
}

#[test]
fn a_token_without_an_id_is_refused() {
    let alice = alice();
    let now = now();
    let mut claims = claims(&alice.did, now, TimeDelta::minutes(5));
    claims.jti = String::new();
    let token = alice.key.sign("JWT", &alice.kid(), &claims).unwrap();
    assert!(matches!(verify(&token, &alice.document, now), Err(TokenError::NoId)));
}

#[test]
fn a_tampered_token_is_refused() {
    for algorithm in [KeyAlgorithm::EdDsa, KeyAlgorithm::Es256] {
        let sender = Party::new("sender.example", algorithm);
        let now = now();
        let token =
            mint(&sender.key, &sender.did, RECEIVER, Some("access-1".into()), now, TimeDelta::minutes(5)).unwrap();
        let [header, payload, signature] = parts(&token);

        // Another access token in the claims, everything else as signed.
        let mut claims = decode_part(payload);
        claims["token"] = json!("access-2");
        let tampered = format!("{header}.{}.{signature}", b64(claims.to_string().as_bytes()));
        assert!(matches!(verify(&tampered, &sender.document, now), Err(TokenError::Jwt(JwtError::Signature))));

        // The same claims, re-encoded with padding-free base64 of other bytes (whitespace).
        let reencoded = serde_json::to_string_pretty(&decode_part(payload)).unwrap();
        let tampered = format!("{header}.{}.{signature}", b64(reencoded.as_bytes()));
        assert!(matches!(verify(&tampered, &sender.document, now), Err(TokenError::Jwt(JwtError::Signature))));

        // Another `typ` in the header.
        let mut other_header = decode_part(header);
        other_header["typ"] = json!("vp+jwt");
        let tampered = format!("{}.{payload}.{signature}", b64(other_header.to_string().as_bytes()));
        assert!(matches!(verify(&tampered, &sender.document, now), Err(TokenError::Jwt(JwtError::Signature))));

        // A flipped bit in the signature.
        let mut bytes = base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, signature).unwrap();
        bytes[0] ^= 1;
        let tampered = format!("{header}.{payload}.{}", b64(&bytes));
        assert!(matches!(verify(&tampered, &sender.document, now), Err(TokenError::Jwt(JwtError::Signature))));

        // No signature at all.
        let tampered = format!("{header}.{payload}.");
        assert!(matches!(verify(&tampered, &sender.document, now), Err(TokenError::Jwt(JwtError::Signature))));

        // The untouched token still verifies.
        verify(&token, &sender.document, now).unwrap();
    }
}

#[test]
fn a_header_algorithm_other_than_the_keys_is_refused() {
    let now = now();
    for (algorithm, lie) in [(KeyAlgorithm::EdDsa, "ES256"), (KeyAlgorithm::Es256, "EdDSA")] {
        let did = "did:web:alice.example";
        let (key, signer) = raw_signer("key-1", algorithm);
        let document = DidDocument::new(did, [(key.id(), key.public_jwk())], []);
        let claims = serde_json::to_value(claims(did, now, TimeDelta::minutes(5))).unwrap();
        let kid = format!("{did}#key-1");

        // Hand-made with the true `alg`: the construction itself is sound.
        let honest = jws(&json!({"alg": algorithm.jose_name(), "typ": "JWT", "kid": kid}), &claims, signer.as_ref());
        verify(&honest, &document, now).unwrap();

        // A genuine signature by the key, under a header naming another algorithm.
        let lying = jws(&json!({"alg": lie, "typ": "JWT", "kid": kid}), &claims, signer.as_ref());
        match verify(&lying, &document, now) {
            Err(TokenError::Jwt(JwtError::Algorithm { expected, found })) => {
                assert_eq!(expected, algorithm.jose_name());
                assert_eq!(found, lie);
            }
            other => panic!("accepted or refused for another reason: {other:?}"),
        }

        // `none`, unsigned.
        let payload = parts(&honest)[1];
        let none =
            format!("{}.{payload}.", b64(json!({"alg": "none", "typ": "JWT", "kid": kid}).to_string().as_bytes()));
        assert!(matches!(
            verify(&none, &document, now),
            Err(TokenError::Jwt(JwtError::Algorithm { found, .. })) if found == "none"
        ));

        // An HMAC with the public key as secret (the classic confusion).
        let hs256 = jws(&json!({"alg": "HS256", "typ": "JWT", "kid": kid}), &claims, signer.as_ref());
        assert!(matches!(
            verify(&hs256, &document, now),
            Err(TokenError::Jwt(JwtError::Algorithm { found, .. })) if found == "HS256"
        ));
    }
}

#[test]
fn malformed_tokens_are_refused_as_malformed() {
    let alice = alice();
    let now = now();
    let token = mint(&alice.key, &alice.did, RECEIVER, None, now, TimeDelta::minutes(5)).unwrap();
    let [header, payload, signature] = parts(&token);
    let not_json = b64(b"not json");
    let incomplete_claims = b64(json!({"iss": alice.did}).to_string().as_bytes());
    let malformed = [
        String::new(),
        "abc".into(),
        format!("{header}.{payload}"),
        format!("{header}{payload}{signature}"),
        format!("{header}.{payload}.{signature}.{signature}"),
        format!("!!!.{payload}.{signature}"),
        format!("{header}.{payload}===.{signature}"),
        format!("{header}.{payload}.%%%"),
        format!("{header}.+{payload}.{signature}"),
        format!("{not_json}.{payload}.{signature}"),
        format!("{header}.{not_json}.{signature}"),
        format!("{header}.{incomplete_claims}.{signature}"),
    ];
    for bad in &malformed {
        assert!(
            matches!(Unverified::parse(bad), Err(TokenError::Jwt(JwtError::Malformed(_)))),
            "{bad:?} not refused as malformed"
        );
    }
}

#[test]
fn a_token_without_a_key_id_is_refused_as_malformed() {
    let alice = alice();
    let now = now();
    let (key, signer) = raw_signer("key-1", KeyAlgorithm::EdDsa);
    let document = DidDocument::new(&alice.did, [(key.id(), key.public_jwk())], []);
    let claims = serde_json::to_value(claims(&alice.did, now, TimeDelta::minutes(5))).unwrap();
    let token = jws(&json!({"alg": "EdDSA", "typ": "JWT"}), &claims, signer.as_ref());
    assert!(matches!(verify(&token, &document, now), Err(TokenError::Jwt(JwtError::Malformed(_)))));
}

#[test]
fn tokens_signed_by_a_rotated_out_key_verify_while_it_is_published() {
    let did = "did:web:alice.example";
    let t0 = now();
    let mut ring = KeyRing::generate(KeyAlgorithm::EdDsa, t0).unwrap();
    let old = mint(ring.active(), did, RECEIVER, None, t0, TimeDelta::minutes(5)).unwrap();
    ring.rotate(KeyAlgorithm::Es256, t0).unwrap();
    let new = mint(ring.active(), did, RECEIVER, None, t0, TimeDelta::minutes(5)).unwrap();
    assert_eq!(decode_part(parts(&new)[0])["kid"], format!("{did}#key-2"));

    let document = DidDocument::new(did, ring.published(), []);
    verify(&old, &document, t0).unwrap();
    verify(&new, &document, t0).unwrap();

    assert_eq!(ring.forget_retired(t0 + TimeDelta::seconds(1)), 1);
    let document = DidDocument::new(did, ring.published(), []);
    // Refused for its key (which error exactly is the business of the test of unknown key ids).
    assert!(matches!(verify(&old, &document, t0), Err(TokenError::Did(_))));
    verify(&new, &document, t0).unwrap();
}

#[test]
fn a_token_from_a_did_jwk_verifies_against_its_offline_document() {
    for algorithm in [KeyAlgorithm::EdDsa, KeyAlgorithm::Es256] {
        let key = SigningKey::generate("0", algorithm).unwrap();
        let did = format!("did:jwk:{}", b64(key.public_jwk().to_string().as_bytes()));
        let document = futures::executor::block_on(ldt_identity::did::resolve_offline(&did)).unwrap().unwrap();
        let now = now();
        let token = mint(&key, &did, RECEIVER, None, now, TimeDelta::minutes(5)).unwrap();
        assert_eq!(verify(&token, &document, now).unwrap().iss, did);

        let impostor = SigningKey::generate("0", algorithm).unwrap();
        let token = mint(&impostor, &did, RECEIVER, None, now, TimeDelta::minutes(5)).unwrap();
        assert!(matches!(verify(&token, &document, now), Err(TokenError::Jwt(JwtError::Signature))));
    }
}
