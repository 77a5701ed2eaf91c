//! How fast a DSP request's caller is verified, once every DID document and status list it needs is in hand (in the
//! connector's caches), for Ed25519 (`EdDSA`) and P-256 (`ES256`) keys: every key of the run (holder and issuer)
//! is of the one algorithm.
//!
//! - `token/<alg>`: a self-issued ID token (DCP 1.0 §4.3), read and verified against the sender's DID document
//!   already resolved (`token::Unverified::parse` + `verify`): one signature;
//! - `presentation/<alg>`: a VP-JWT (VC Data Model 2.0, `vp+jwt`) holding one enveloped `MembershipCredential`
//!   VC-JWT with a `BitstringStatusListEntry`, read and verified with the holder's and the issuer's DID documents
//!   and the issuer's status list already fetched and verified (`verify::Presentation::parse` + `verify`, driven
//!   with `futures::executor::block_on`): two signatures, the trust, date, subject and status checks;
//! - `token_and_presentation/<alg>`: the two together, what the connector does for a caller whose DID document is
//!   cached: "token plus presentation with the DID document cached", which must stay under 200 µs.
//!
//! Resolving DID documents, fetching status lists and verifying the status list credential are not measured.
//!
//! Run with `cargo bench -p ldt-identity --bench verify` (quicker: append `-- --warm-up-time 1 --measurement-time 3`).

use std::collections::HashMap;
use std::hint::black_box;

use chrono::{DateTime, TimeDelta, Utc};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use futures::executor::block_on;
use ldt_identity::did::DidDocument;
use ldt_identity::keys::{KeyAlgorithm, SigningKey};
use ldt_identity::status_list::{MIN_LIST_BITS, StatusList, StatusListKind, StatusPurpose, list_subject};
use ldt_identity::token::{self, Unverified};
use ldt_identity::trust::{TrustedIssuer, TrustedIssuers};
use ldt_identity::vc::{self, Credential, VcVersion};
use ldt_identity::verify::{FetchedStatus, Presentation, Verifier, verify_status_list};
use serde_json::json;

const VERIFIER: &str = "did:web:verifier.example";
const MEMBERSHIP: &str = "MembershipCredential";
const REVOCATIONS: &str = "https://authority.example/status/revocation";
/// The membership's bit in the revocation list.
const INDEX: usize = 94_567;

/// A participant with one key, `key-1`, and its DID document.
struct Party {
    did: String,
    key: SigningKey,
    document: DidDocument,
}

impl Party {
    fn new(host: &str, algorithm: KeyAlgorithm) -> Party {
        let did = format!("did:web:{host}");
        let key = SigningKey::generate("key-1", algorithm).expect("a new key");
        let document = DidDocument::new(&did, [(key.id(), key.public_jwk())], []);
        Party { did, key, document }
    }
}

/// What the verifier holds when a request arrives: the caller's token and presentation, and, cached, the DID
/// documents and the status list they need.
struct Case {
    now: DateTime<Utc>,
    caller: String,
    token: String,
    presentation: String,
    trusted: TrustedIssuers,
    documents: HashMap<String, DidDocument>,
    statuses: HashMap<String, FetchedStatus>,
}

impl Case {
    fn new(algorithm: KeyAlgorithm) -> Case {
        let now = DateTime::from_timestamp(Utc::now().timestamp(), 0).expect("now");
        let authority = Party::new("authority.example", algorithm);
        let alice = Party::new("alice.example", algorithm);
        let kind = StatusListKind::Bitstring;

        let membership = Credential {
            id: Some("urn:uuid:7f7cf5a4-2a41-4a57-9b0e-9d0c0c0b7f31".into()),
            types: vec!["VerifiableCredential".into(), MEMBERSHIP.into()],
            issuer: authority.did.clone(),
            subject: json!({"id": alice.did, "membership": {"status": "active", "since": "2024-01-01"}}),
            valid_from: now - TimeDelta::days(30),
            valid_until: Some(now + TimeDelta::days(365)),
            status: Some(json!({"id": format!("{REVOCATIONS}#{INDEX}"), "type": kind.entry_type(),
                                "statusPurpose": StatusPurpose::Revocation.as_str(),
                                "statusListIndex": INDEX.to_string(), "statusListCredential": REVOCATIONS})),
        };
        let membership = vc::issue(&membership, VcVersion::V2, &authority.key).expect("issued");
        let presentation =
            vc::present(&alice.did, &alice.key, VERIFIER, &[membership], VcVersion::V2, now, TimeDelta::minutes(5))
                .expect("presented");
        let token = token::mint(&alice.key, &alice.did, VERIFIER, Some("access".into()), now, TimeDelta::minutes(5))
            .expect("minted");

        // The revocation list, a few other credentials revoked, fetched and verified once.
        let mut list = StatusList::new(MIN_LIST_BITS).expect("a list");
        for revoked in [3, 1_000, INDEX + 1] {
            list.set(revoked, true).expect("in the list");
        }
        let list_credential = Credential {
            id: Some(REVOCATIONS.into()),
            types: vec!["VerifiableCredential".into(), kind.credential_type().into()],
            issuer: authority.did.clone(),
            subject: list_subject(&format!("{REVOCATIONS}#list"), kind, StatusPurpose::Revocation, &list),
            valid_from: now - TimeDelta::days(1),
            valid_until: Some(now + TimeDelta::days(1)),
            status: None,
        };
        let list_credential = vc::issue(&list_credential, VcVersion::V2, &authority.key).expect("issued");
        let fetched = verify_status_list(&list_credential, &authority.document, now).expect("a valid list");

        let trusted =
            TrustedIssuers(vec![TrustedIssuer { issuer: authority.did.clone(), types: vec![MEMBERSHIP.into()] }]);
        let case = Case {
            now,
            caller: alice.did.clone(),
            token,
            presentation,
            trusted,
            documents: HashMap::from([
                (alice.did.clone(), alice.document),
                (authority.did.clone(), authority.document),
            ]),
            statuses: HashMap::from([(REVOCATIONS.to_owned(), fetched)]),
        };
        // What is measured succeeds.
        assert_eq!(case.verify_token(), case.caller);
        assert_eq!(case.verify_presentation(), 1);
        case
    }

    /// The token, verified: the caller's DID.
    fn verify_token(&self) -> String {
        let unverified = Unverified::parse(&self.token).expect("a token");
        let document = &self.documents[unverified.issuer()];
        unverified.verify(document, VERIFIER, self.now).expect("a valid token").sub
    }

    /// The presentation, verified: how many credentials.
    fn verify_presentation(&self) -> usize {
        let verifier = Verifier { own_did: VERIFIER, now: self.now, trusted: &self.trusted };
        let presentation = Presentation::parse(&self.presentation).expect("a presentation");
        block_on(presentation.verify(&self.caller, verifier, &self.documents, &self.statuses))
            .expect("a valid presentation")
            .len()
    }
}

fn bench(c: &mut Criterion) {
    let cases = [KeyAlgorithm::EdDsa, KeyAlgorithm::Es256].map(|algorithm| (algorithm, Case::new(algorithm)));

    let mut group = c.benchmark_group("token");
    for (algorithm, case) in &cases {
        group.bench_with_input(BenchmarkId::from_parameter(algorithm.jose_name()), case, |b, case| {
            b.iter(|| black_box(case).verify_token())
        });
    }
    group.finish();

    let mut group = c.benchmark_group("presentation");
    for (algorithm, case) in &cases {
        group.bench_with_input(BenchmarkId::from_parameter(algorithm.jose_name()), case, |b, case| {
            b.iter(|| black_box(case).verify_presentation())
        });
    }
    group.finish();

    let mut group = c.benchmark_group("token_and_presentation");
    for (algorithm, case) in &cases {
        group.bench_with_input(BenchmarkId::from_parameter(algorithm.jose_name()), case, |b, case| {
            b.iter(|| {
                let case = black_box(case);
                (case.verify_token(), case.verify_presentation())
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
