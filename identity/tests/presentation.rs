//! Presentations (DCP 1.0 §5) of VC Data Model 1.1 and 2.0: a membership credential from a trusted authority, in a
//! presentation of its subject, verifies; every way it can be wrong is refused with its own error. And DIDs that
//! resolve offline.

mod common;

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, TimeDelta, Utc};
use common::{Party, b64, decode_part, parts};
use futures::executor::block_on;
use ldt_identity::did::{DidDocument, DidError, MethodReference, Relationship, resolve_offline};
use ldt_identity::jwt::{Jwt, JwtError};
use ldt_identity::keys::{KeyAlgorithm, SigningKey};
use ldt_identity::status_list::{StatusList, StatusListKind, StatusPurpose, list_subject};
use ldt_identity::trust::{TrustedIssuer, TrustedIssuers};
use ldt_identity::vc::{self, Credential, VcVersion};
use ldt_identity::verify::{
    FetchedStatus, Presentation, PresentationError, Refusal, VerifiedCredential, Verifier, verify_status_list,
};
use serde_json::{Value, json};

const VERIFIER: &str = "did:web:verifier.example";
const REVOCATIONS: &str = "https://authority.example/status/revocation";
const SUSPENSIONS: &str = "https://authority.example/status/suspension";
/// The bit of the membership credentials in both lists.
const INDEX: usize = 94_567;
const MEMBERSHIP: &str = "MembershipCredential";

/// The data space of a test: an authority that issues memberships, two participants, and the verifier's view.
struct World {
    version: VcVersion,
    now: DateTime<Utc>,
    authority: Party,
    alice: Party,
    bob: Party,
    trusted: TrustedIssuers,
}

impl World {
    fn new(version: VcVersion) -> World {
        let authority = Party::new("authority.example", KeyAlgorithm::Es256);
        let trusted =
            TrustedIssuers(vec![TrustedIssuer { issuer: authority.did.clone(), types: vec![MEMBERSHIP.into()] }]);
        World {
            version,
            now: DateTime::from_timestamp(Utc::now().timestamp(), 0).unwrap(),
            authority,
            alice: Party::new("alice.example", KeyAlgorithm::EdDsa),
            bob: Party::new("bob.example", KeyAlgorithm::Es256),
            trusted,
        }
    }

    /// Both versions, each with the status list kind that goes with it.
    fn each() -> [World; 2] {
        [World::new(VcVersion::V1), World::new(VcVersion::V2)]
    }

    fn kind(&self) -> StatusListKind {
        match self.version {
            VcVersion::V1 => StatusListKind::StatusList2021,
            VcVersion::V2 => StatusListKind::Bitstring,
        }
    }

    fn status_entry(&self, purpose: StatusPurpose, list: &str) -> Value {
        json!({"id": format!("{list}#{INDEX}"), "type": self.kind().entry_type(), "statusPurpose": purpose.as_str(),
               "statusListIndex": INDEX.to_string(), "statusListCredential": list})
    }

    /// A membership of `subject`, issued by the authority, valid from a month ago for a year, with a revocation and
    /// a suspension entry.
    fn membership(&self, subject: &str) -> Credential {
        Credential {
            id: Some(format!("urn:uuid:{}", uuid::Uuid::new_v4())),
            types: vec!["VerifiableCredential".into(), MEMBERSHIP.into()],
            issuer: self.authority.did.clone(),
            subject: json!({"id": subject, "membership": {"status": "active", "since": "2024-01-01"}}),
            valid_from: self.now - TimeDelta::days(30),
            valid_until: Some(self.now + TimeDelta::days(365)),
            status: Some(json!([
                self.status_entry(StatusPurpose::Revocation, REVOCATIONS),
                self.status_entry(StatusPurpose::Suspension, SUSPENSIONS)
            ])),
        }
    }

    /// `credential` signed by the authority.
    fn issue(&self, credential: &Credential) -> String {
        vc::issue(credential, self.version, &self.authority.key).unwrap()
    }

    /// A presentation by `holder` of `credentials` to `audience`.
    fn present_to(&self, holder: &Party, key: &SigningKey, audience: &str, credentials: &[String]) -> String {
        vc::present(&holder.did, key, audience, credentials, self.version, self.now, TimeDelta::minutes(5)).unwrap()
    }

    /// A presentation by `holder` of `credentials` to the verifier.
    fn present(&self, holder: &Party, credentials: &[String]) -> String {
        self.present_to(holder, &holder.key, VERIFIER, credentials)
    }

    /// Alice's presentation of her membership.
    fn alices_membership(&self) -> String {
        self.present(&self.alice, &[self.issue(&self.membership(&self.alice.did))])
    }

    /// A status list credential of `purpose` at `url`, signed by `issuer`, with the bits `set`.
    fn list_credential(&self, issuer: &Party, url: &str, purpose: StatusPurpose, set: &[usize]) -> String {
        let mut list = StatusList::new(ldt_identity::status_list::MIN_LIST_BITS).unwrap();
        for index in set {
            list.set(*index, true).unwrap();
        }
        let credential = Credential {
            id: Some(url.to_owned()),
            types: vec!["VerifiableCredential".into(), self.kind().credential_type().into()],
            issuer: issuer.did.clone(),
            subject: list_subject(&format!("{url}#list"), self.kind(), purpose, &list),
            valid_from: self.now - TimeDelta::days(1),
            valid_until: Some(self.now + TimeDelta::days(1)),
            status: None,
        };
        vc::issue(&credential, self.version, &issuer.key).unwrap()
    }

    /// The authority's list of `purpose` at `url`, with the bits `set`, fetched and verified.
    fn fetched(&self, url: &str, purpose: StatusPurpose, set: &[usize]) -> FetchedStatus {
        let jwt = self.list_credential(&self.authority, url, purpose, set);
        verify_status_list(&jwt, &self.authority.document, self.now).unwrap()
    }

    /// Both of the authority's lists, with the bits `revoked` and `suspended` set.
    fn statuses(&self, revoked: &[usize], suspended: &[usize]) -> HashMap<String, FetchedStatus> {
        HashMap::from([
            (REVOCATIONS.to_owned(), self.fetched(REVOCATIONS, StatusPurpose::Revocation, revoked)),
            (SUSPENSIONS.to_owned(), self.fetched(SUSPENSIONS, StatusPurpose::Suspension, suspended)),
        ])
    }

    /// Every participant's DID document.
    fn documents(&self) -> HashMap<String, DidDocument> {
        [&self.authority, &self.alice, &self.bob].iter().map(|p| (p.did.clone(), p.document.clone())).collect()
    }

    /// Verifies `vp` as the presentation of `caller` with every document and `statuses`.
    fn verify_with(
        &self,
        vp: &str,
        caller: &str,
        documents: &HashMap<String, DidDocument>,
        statuses: &HashMap<String, FetchedStatus>,
    ) -> Result<Vec<VerifiedCredential>, PresentationError> {
        let verifier = Verifier { own_did: VERIFIER, now: self.now, trusted: &self.trusted };
        block_on(Presentation::parse(vp)?.verify(caller, verifier, documents, statuses))
    }

    /// Verifies `vp` as the presentation of `caller`, with every document and both lists, no bit set.
    fn verify(&self, vp: &str, caller: &str) -> Result<Vec<VerifiedCredential>, PresentationError> {
        self.verify_with(vp, caller, &self.documents(), &self.statuses(&[], &[]))
    }
}

/// The refusal of the first credential, a membership.
fn refusal(result: Result<Vec<VerifiedCredential>, PresentationError>) -> Refusal {
    match result {
        Err(PresentationError::Credential { index: 0, kind, refusal }) => {
            assert_eq!(kind, MEMBERSHIP);
            refusal
        }
        other => panic!("not refused for its first credential: {other:?}"),
    }
}

/// `jwt` with its claims changed by `change`, re-signed by `key` under `kid` with the same `typ`.
fn resign(jwt: &str, key: &SigningKey, kid: &str, change: impl FnOnce(&mut Value)) -> String {
    let [header, payload, _] = parts(jwt);
    let typ = decode_part(header)["typ"].as_str().unwrap().to_owned();
    let mut claims = decode_part(payload);
    change(&mut claims);
    key.sign(&typ, kid, &claims).unwrap()
}

/// The credential document in a VC-JWT's claims: the `vc` claim (1.1) or the claims themselves (2.0).
fn document_of(claims: &mut Value) -> &mut Value {
    if claims.get("vc").is_some() { &mut claims["vc"] } else { claims }
}

#[test]
fn a_membership_from_a_trusted_authority_verifies() {
    for world in World::each() {
        let credential = world.membership(&world.alice.did);
        let vp = world.present(&world.alice, &[world.issue(&credential)]);
        let verified = world.verify(&vp, &world.alice.did).unwrap();
        assert_eq!(verified.len(), 1, "{:?}", world.version);
        assert_eq!(verified[0].issuer, world.authority.did);
        assert_eq!(verified[0].types, credential.types);
        assert_eq!(verified[0].kind(), MEMBERSHIP);
        assert_eq!(verified[0].subject, credential.subject);
        assert_eq!(verified[0].subject["membership"]["status"], "active");
    }
}

#[test]
fn the_presentation_jwt_has_the_shape_of_its_version() {
    for world in World::each() {
        let vp = world.alices_membership();
        let header = decode_part(parts(&vp)[0]);
        let claims = decode_part(parts(&vp)[1]);
        assert_eq!(header["kid"], world.alice.kid());
        match world.version {
            VcVersion::V1 => {
                assert_eq!(header["typ"], "JWT");
                let credential = claims["vp"]["verifiableCredential"][0].as_str().unwrap();
                assert_eq!(decode_part(parts(credential)[0])["typ"], "JWT");
                assert_eq!(decode_part(parts(credential)[1])["vc"]["issuer"], world.authority.did);
            }
            VcVersion::V2 => {
                assert_eq!(header["typ"], "vp+jwt");
                let enveloped = &claims["verifiableCredential"][0];
                assert_eq!(enveloped["type"], "EnvelopedVerifiableCredential");
                let credential = enveloped["id"].as_str().unwrap().strip_prefix("data:application/vc+jwt,").unwrap();
                assert_eq!(decode_part(parts(credential)[0])["typ"], "vc+jwt");
                assert_eq!(decode_part(parts(credential)[1])["issuer"], world.authority.did);
            }
        }
    }
}

#[test]
fn a_credential_without_status_needs_no_status_list() {
    for world in World::each() {
        let mut credential = world.membership(&world.alice.did);
        credential.status = None;
        let vp = world.present(&world.alice, &[world.issue(&credential)]);
        let presentation = Presentation::parse(&vp).unwrap();
        assert!(presentation.status_lists().is_empty());
        let verified = world.verify_with(&vp, &world.alice.did, &world.documents(), &HashMap::new()).unwrap();
        assert_eq!(verified[0].subject["id"], world.alice.did);
    }
}

#[test]
fn issuers_and_status_lists_name_exactly_what_verify_needs() {
    for world in World::each() {
        // A second credential, of another issuer with a list of its own.
        let guild = Party::new("guild.example", KeyAlgorithm::EdDsa);
        let guild_list = "https://guild.example/status/1";
        let mut world = world;
        world.trusted.0.push(TrustedIssuer { issuer: guild.did.clone(), types: vec![] });
        let mut badge = world.membership(&world.alice.did);
        badge.types = vec!["VerifiableCredential".into(), "GuildBadgeCredential".into()];
        badge.issuer = guild.did.clone();
        badge.status = Some(world.status_entry(StatusPurpose::Revocation, guild_list));
        let badge = vc::issue(&badge, world.version, &guild.key).unwrap();
        let vp = world.present(&world.alice, &[world.issue(&world.membership(&world.alice.did)), badge]);

        let presentation = Presentation::parse(&vp).unwrap();
        let issuers: BTreeSet<String> = presentation.issuers().into_iter().map(str::to_owned).collect();
        assert_eq!(issuers, BTreeSet::from([world.alice.did.clone(), world.authority.did.clone(), guild.did.clone()]));
        assert_eq!(
            presentation.status_lists(),
            BTreeSet::from([REVOCATIONS.to_owned(), SUSPENSIONS.to_owned(), guild_list.to_owned()])
        );

        // What they name, and nothing else, is enough.
        let mut all_documents = world.documents();
        all_documents.insert(guild.did.clone(), guild.document.clone());
        let mut all_statuses = world.statuses(&[], &[]);
        let guild_status = verify_status_list(
            &world.list_credential(&guild, guild_list, StatusPurpose::Revocation, &[]),
            &guild.document,
            world.now,
        )
        .unwrap();
        all_statuses.insert(guild_list.to_owned(), guild_status);
        let documents: HashMap<String, DidDocument> =
            issuers.iter().map(|did| (did.clone(), all_documents[did].clone())).collect();
        let statuses: HashMap<String, FetchedStatus> =
            presentation.status_lists().into_iter().map(|url| (url.clone(), all_statuses[&url].clone())).collect();
        assert_eq!(documents.len(), 3);
        let verified = world.verify_with(&vp, &world.alice.did, &documents, &statuses).unwrap();
        assert_eq!(
            verified.iter().map(VerifiedCredential::kind).collect::<Vec<_>>(),
            [MEMBERSHIP, "GuildBadgeCredential"]
        );

        // And each is needed.
        for did in &issuers {
            let mut fewer = documents.clone();
            fewer.remove(did);
            let result = world.verify_with(&vp, &world.alice.did, &fewer, &statuses);
            if *did == world.alice.did {
                assert!(matches!(result, Err(PresentationError::Did(DidError::UnknownKey(_)))), "{result:?}");
            } else {
                assert!(
                    matches!(&result, Err(PresentationError::Credential { refusal: Refusal::IssuerUnknown(issuer), .. })
                        if issuer == did),
                    "{result:?}"
                );
            }
        }
        for url in presentation.status_lists() {
            let mut fewer = statuses.clone();
            fewer.remove(&url);
            let result = world.verify_with(&vp, &world.alice.did, &documents, &fewer);
            assert!(
                matches!(&result, Err(PresentationError::Credential { refusal: Refusal::StatusUnknown(missing), .. })
                    if *missing == url),
                "{result:?}"
            );
        }
    }
}

#[test]
fn a_credential_of_an_untrusted_issuer_is_refused() {
    for mut world in World::each() {
        let vp = world.alices_membership();
        world.trusted = TrustedIssuers(vec![TrustedIssuer { issuer: "did:web:other.example".into(), types: vec![] }]);
        assert!(matches!(
            refusal(world.verify(&vp, &world.alice.did)),
            Refusal::Untrusted(issuer) if issuer == world.authority.did
        ));

        // A membership Alice issued herself.
        let mut own = world.membership(&world.alice.did);
        own.issuer = world.alice.did.clone();
        let own = vc::issue(&own, world.version, &world.alice.key).unwrap();
        let vp = world.present(&world.alice, &[own]);
        assert!(matches!(
            refusal(world.verify(&vp, &world.alice.did)),
            Refusal::Untrusted(issuer) if issuer == world.alice.did
        ));
    }
}

#[test]
fn an_issuer_trusted_only_for_another_type_is_refused() {
    for mut world in World::each() {
        let vp = world.alices_membership();
        world.trusted = TrustedIssuers(vec![TrustedIssuer {
            issuer: world.authority.did.clone(),
            types: vec!["DataProviderCredential".into()],
        }]);
        assert!(matches!(
            refusal(world.verify(&vp, &world.alice.did)),
            Refusal::Untrusted(issuer) if issuer == world.authority.did
        ));

        // Trusted for memberships, but the credential claims a second type too.
        world.trusted.0[0].types = vec![MEMBERSHIP.into()];
        let mut credential = world.membership(&world.alice.did);
        credential.types.push("DataProviderCredential".into());
        let vp = world.present(&world.alice, &[world.issue(&credential)]);
        match world.verify(&vp, &world.alice.did) {
            Err(PresentationError::Credential { refusal: Refusal::Untrusted(_), kind, .. }) => {
                assert_eq!(kind, "DataProviderCredential")
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn an_expired_credential_is_refused() {
    for world in World::each() {
        let mut credential = world.membership(&world.alice.did);
        let until = world.now - TimeDelta::days(1);
        credential.valid_until = Some(until);
        let vp = world.present(&world.alice, &[world.issue(&credential)]);
        assert!(matches!(refusal(world.verify(&vp, &world.alice.did)), Refusal::Expired(at) if at == until));
    }
}

#[test]
fn a_credential_not_yet_valid_is_refused() {
    for world in World::each() {
        let mut credential = world.membership(&world.alice.did);
        let from = world.now + TimeDelta::days(1);
        credential.valid_from = from;
        let vp = world.present(&world.alice, &[world.issue(&credential)]);
        assert!(matches!(refusal(world.verify(&vp, &world.alice.did)), Refusal::NotYetValid(at) if at == from));
    }
}

#[test]
fn a_credential_about_another_participant_is_refused() {
    for world in World::each() {
        // Alice presents Bob's membership.
        let vp = world.present(&world.alice, &[world.issue(&world.membership(&world.bob.did))]);
        assert!(matches!(
            refusal(world.verify(&vp, &world.alice.did)),
            Refusal::WrongSubject(subject) if subject == world.bob.did
        ));

        // A credential about nobody.
        let mut credential = world.membership(&world.alice.did);
        credential.subject = json!({"membership": {"status": "active"}});
        let vp = world.present(&world.alice, &[world.issue(&credential)]);
        assert!(matches!(
            refusal(world.verify(&vp, &world.alice.did)),
            Refusal::WrongSubject(subject) if subject == "nobody"
        ));
    }
}

#[test]
fn a_presentation_of_another_holder_than_the_caller_is_refused() {
    for world in World::each() {
        // Bob calls with Alice's presentation.
        let vp = world.alices_membership();
        match world.verify(&vp, &world.bob.did) {
            Err(PresentationError::NotTheCaller { holder, caller }) => {
                assert_eq!(holder, world.alice.did);
                assert_eq!(caller, world.bob.did);
            }
            other => panic!("{other:?}"),
        }

        // Bob's own presentation, holding Alice's membership.
        let vp = world.present(&world.bob, &[world.issue(&world.membership(&world.alice.did))]);
        assert!(matches!(
            refusal(world.verify(&vp, &world.bob.did)),
            Refusal::WrongSubject(subject) if subject == world.alice.did
        ));

        // A presentation naming Bob as holder but signed by Alice with her key.
        let vp = resign(&world.present(&world.bob, &[]), &world.alice.key, &world.alice.kid(), |_| {});
        assert!(matches!(
            world.verify(&vp, &world.bob.did),
            Err(PresentationError::NotTheCaller { holder, .. }) if holder == world.alice.did
        ));

        // A presentation naming Bob as holder whose `iss` is Alice.
        let vp = resign(&world.present(&world.bob, &[]), &world.bob.key, &world.bob.kid(), |claims| {
            claims["iss"] = json!(world.alice.did)
        });
        assert!(matches!(world.verify(&vp, &world.bob.did), Err(PresentationError::NotTheCaller { .. })));
    }
}

#[test]
fn a_presentation_signed_by_a_key_id_not_in_the_holders_document_is_refused() {
    for world in World::each() {
        let credentials = [world.issue(&world.membership(&world.alice.did))];
        let rogue = SigningKey::generate("key-2", KeyAlgorithm::EdDsa).unwrap();
        let vp = world.present_to(&world.alice, &rogue, VERIFIER, &credentials);
        let result = world.verify(&vp, &world.alice.did);
        assert!(
            matches!(&result, Err(PresentationError::Did(DidError::UnknownKey(kid)))
                if *kid == format!("{}#key-2", world.alice.did)),
            "{result:?}"
        );
    }
}

#[test]
fn a_presentation_signed_by_another_key_under_the_holders_key_id_is_refused() {
    for world in World::each() {
        let credentials = [world.issue(&world.membership(&world.alice.did))];

        // Alice's key id, another key.
        let rogue = SigningKey::generate("key-1", KeyAlgorithm::EdDsa).unwrap();
        let vp = world.present_to(&world.alice, &rogue, VERIFIER, &credentials);
        assert!(matches!(world.verify(&vp, &world.alice.did), Err(PresentationError::Jwt(JwtError::Signature))));

        // Alice's key id, a key of another algorithm.
        let rogue = SigningKey::generate("key-1", KeyAlgorithm::Es256).unwrap();
        let vp = world.present_to(&world.alice, &rogue, VERIFIER, &credentials);
        assert!(matches!(
            world.verify(&vp, &world.alice.did),
            Err(PresentationError::Jwt(JwtError::Algorithm { expected: "EdDSA", .. }))
        ));
    }
}

#[test]
fn a_presentation_key_not_listed_for_authentication_is_refused() {
    for world in World::each() {
        let second = SigningKey::generate("key-2", KeyAlgorithm::EdDsa).unwrap();
        let did = &world.alice.did;
        let mut document = DidDocument::new(
            did,
            [(world.alice.key.id(), world.alice.key.public_jwk()), ("key-2", second.public_jwk())],
            [],
        );
        document.authentication = vec![MethodReference::Reference(world.alice.kid())];
        let mut documents = world.documents();
        documents.insert(did.clone(), document);
        let statuses = world.statuses(&[], &[]);
        let credentials = [world.issue(&world.membership(did))];

        let vp = world.present(&world.alice, &credentials);
        world.verify_with(&vp, did, &documents, &statuses).unwrap();
        let vp = world.present_to(&world.alice, &second, VERIFIER, &credentials);
        assert!(matches!(
            world.verify_with(&vp, did, &documents, &statuses),
            Err(PresentationError::Did(DidError::NotFor { relationship: "authentication", .. }))
        ));
    }
}

#[test]
fn a_presentation_for_another_verifier_is_refused() {
    for world in World::each() {
        let credentials = [world.issue(&world.membership(&world.alice.did))];
        let vp = world.present_to(&world.alice, &world.alice.key, "did:web:other.example", &credentials);
        assert!(matches!(world.verify(&vp, &world.alice.did), Err(PresentationError::Audience)));
    }
}

#[test]
fn an_expired_presentation_is_refused() {
    for world in World::each() {
        let credentials = [world.issue(&world.membership(&world.alice.did))];
        let issued = world.now - TimeDelta::hours(1);
        let vp = vc::present(
            &world.alice.did,
            &world.alice.key,
            VERIFIER,
            &credentials,
            world.version,
            issued,
            TimeDelta::minutes(5),
        )
        .unwrap();
        assert!(matches!(
            world.verify(&vp, &world.alice.did),
            Err(PresentationError::Jwt(JwtError::Expired(at))) if at == issued + TimeDelta::minutes(5)
        ));
    }
}

#[test]
fn a_tampered_presentation_is_refused() {
    for world in World::each() {
        let vp = world.alices_membership();
        let [header, payload, signature] = parts(&vp);
        let mut claims = decode_part(payload);
        claims["exp"] = json!(world.now.timestamp() + 86_400);
        let tampered = format!("{header}.{}.{signature}", b64(claims.to_string().as_bytes()));
        assert!(matches!(world.verify(&tampered, &world.alice.did), Err(PresentationError::Jwt(JwtError::Signature))));
    }
}

#[test]
fn a_revoked_credential_is_refused() {
    for world in World::each() {
        let vp = world.alices_membership();
        let statuses = world.statuses(&[INDEX], &[]);
        assert!(matches!(
            refusal(world.verify_with(&vp, &world.alice.did, &world.documents(), &statuses)),
            Refusal::Revoked
        ));

        // Other credentials' bits say nothing about this one.
        let statuses = world.statuses(&[INDEX - 1, INDEX + 1], &[INDEX + 8]);
        world.verify_with(&vp, &world.alice.did, &world.documents(), &statuses).unwrap();
    }
}

#[test]
fn a_suspended_credential_is_refused() {
    for world in World::each() {
        let vp = world.alices_membership();
        let statuses = world.statuses(&[], &[INDEX]);
        assert!(matches!(
            refusal(world.verify_with(&vp, &world.alice.did, &world.documents(), &statuses)),
            Refusal::Suspended
        ));
    }
}

#[test]
fn a_credential_whose_status_list_was_not_fetched_is_refused() {
    for world in World::each() {
        let vp = world.alices_membership();
        let mut statuses = world.statuses(&[], &[]);
        statuses.remove(SUSPENSIONS);
        assert!(matches!(
            refusal(world.verify_with(&vp, &world.alice.did, &world.documents(), &statuses)),
            Refusal::StatusUnknown(url) if url == SUSPENSIONS
        ));
        assert!(matches!(
            refusal(world.verify_with(&vp, &world.alice.did, &world.documents(), &HashMap::new())),
            Refusal::StatusUnknown(_)
        ));
    }
}

#[test]
fn a_status_list_of_another_issuer_is_refused() {
    for world in World::each() {
        let vp = world.alices_membership();
        // Bob's own list, properly signed by Bob, put where the authority's revocation list should be.
        let bobs = world.list_credential(&world.bob, REVOCATIONS, StatusPurpose::Revocation, &[]);
        let bobs = verify_status_list(&bobs, &world.bob.document, world.now).unwrap();
        assert_eq!(bobs.issuer, world.bob.did);
        let mut statuses = world.statuses(&[], &[]);
        statuses.insert(REVOCATIONS.to_owned(), bobs);
        assert!(matches!(
            refusal(world.verify_with(&vp, &world.alice.did, &world.documents(), &statuses)),
            Refusal::Status(_)
        ));
    }
}

#[test]
fn a_status_list_of_another_purpose_is_refused() {
    for world in World::each() {
        let vp = world.alices_membership();
        let mut statuses = world.statuses(&[], &[]);
        statuses.insert(REVOCATIONS.to_owned(), world.fetched(REVOCATIONS, StatusPurpose::Suspension, &[]));
        assert!(matches!(
            refusal(world.verify_with(&vp, &world.alice.did, &world.documents(), &statuses)),
            Refusal::Status(_)
        ));
    }
}

#[test]
fn a_status_list_credential_is_verified_before_it_is_used() {
    for world in World::each() {
        let jwt = world.list_credential(&world.authority, REVOCATIONS, StatusPurpose::Revocation, &[INDEX]);
        let fetched = verify_status_list(&jwt, &world.authority.document, world.now).unwrap();
        assert_eq!(fetched.issuer, world.authority.did);
        assert_eq!(fetched.list.kind, world.kind());
        assert_eq!(fetched.list.purposes, [StatusPurpose::Revocation]);
        assert!(fetched.list.list.get(INDEX).unwrap());
        assert!(!fetched.list.list.get(INDEX + 1).unwrap());

        // Checked against another issuer's document.
        assert!(matches!(
            verify_status_list(&jwt, &world.bob.document, world.now),
            Err(Refusal::Did(DidError::UnknownKey(_)))
        ));

        // Signed by another key under the authority's key id.
        let forged =
            resign(&jwt, &SigningKey::generate("key-1", KeyAlgorithm::Es256).unwrap(), &world.authority.kid(), |_| {});
        assert!(matches!(
            verify_status_list(&forged, &world.authority.document, world.now),
            Err(Refusal::Jwt(JwtError::Signature))
        ));

        // Signed by Bob, but naming the authority as its issuer.
        let mut lie = world.list_credential(&world.bob, REVOCATIONS, StatusPurpose::Revocation, &[]);
        lie = resign(&lie, &world.bob.key, &world.bob.kid(), |claims| {
            document_of(claims)["issuer"] = json!(world.authority.did);
        });
        assert!(matches!(verify_status_list(&lie, &world.bob.document, world.now), Err(Refusal::Status(_))));

        // Expired.
        assert!(matches!(
            verify_status_list(&jwt, &world.authority.document, world.now + TimeDelta::days(2)),
            Err(Refusal::Expired(_))
        ));

        // A credential that is not a status list.
        let membership = world.issue(&world.membership(&world.alice.did));
        assert!(matches!(
            verify_status_list(&membership, &world.authority.document, world.now),
            Err(Refusal::Status(_))
        ));
    }
}

#[test]
fn a_credential_with_a_forged_signature_is_refused() {
    for world in World::each() {
        let genuine = world.issue(&world.membership(&world.alice.did));

        // Re-signed by another key claiming the authority's key id.
        let rogue = SigningKey::generate("key-1", KeyAlgorithm::Es256).unwrap();
        let forged = vc::issue(&world.membership(&world.alice.did), world.version, &rogue).unwrap();
        assert_eq!(decode_part(parts(&forged)[0])["kid"], world.authority.kid());
        let vp = world.present(&world.alice, &[forged]);
        assert!(matches!(refusal(world.verify(&vp, &world.alice.did)), Refusal::Jwt(JwtError::Signature)));

        // The genuine credential's claims, re-signed so.
        let forged = resign(&genuine, &rogue, &world.authority.kid(), |_| {});
        let vp = world.present(&world.alice, &[forged]);
        assert!(matches!(refusal(world.verify(&vp, &world.alice.did)), Refusal::Jwt(JwtError::Signature)));

        // The genuine signature over altered claims.
        let [header, payload, signature] = parts(&genuine);
        let mut claims = decode_part(payload);
        document_of(&mut claims)["credentialSubject"]["membership"]["status"] = json!("honorary");
        let tampered = format!("{header}.{}.{signature}", b64(claims.to_string().as_bytes()));
        let vp = world.present(&world.alice, &[tampered]);
        assert!(matches!(refusal(world.verify(&vp, &world.alice.did)), Refusal::Jwt(JwtError::Signature)));

        // Alice signing a credential in the authority's name with her own key id.
        let forged = resign(&genuine, &world.alice.key, &world.alice.kid(), |_| {});
        let vp = world.present(&world.alice, &[forged]);
        assert!(matches!(
            refusal(world.verify(&vp, &world.alice.did)),
            Refusal::Did(DidError::UnknownKey(kid)) if kid == world.alice.kid()
        ));
    }
}

#[test]
fn a_credential_key_not_listed_for_assertions_is_refused() {
    for world in World::each() {
        let second = SigningKey::generate("key-2", KeyAlgorithm::Es256).unwrap();
        let did = &world.authority.did;
        let mut document = DidDocument::new(
            did,
            [(world.authority.key.id(), world.authority.key.public_jwk()), ("key-2", second.public_jwk())],
            [],
        );
        document.assertion_method = vec![MethodReference::Reference(world.authority.kid())];
        let mut documents = world.documents();
        documents.insert(did.clone(), document);
        let credential = vc::issue(&world.membership(&world.alice.did), world.version, &second).unwrap();
        let vp = world.present(&world.alice, &[credential]);
        assert!(matches!(
            refusal(world.verify_with(&vp, &world.alice.did, &documents, &HashMap::new())),
            Refusal::Did(DidError::NotFor { relationship: "assertionMethod", .. })
        ));
    }
}

#[test]
fn a_refused_credential_is_reported_at_its_position() {
    for world in World::each() {
        let good = world.issue(&world.membership(&world.alice.did));
        let mut expired = world.membership(&world.alice.did);
        expired.valid_until = Some(world.now - TimeDelta::days(1));
        let vp = world.present(&world.alice, &[good, world.issue(&expired)]);
        assert!(matches!(
            world.verify(&vp, &world.alice.did),
            Err(PresentationError::Credential { index: 1, refusal: Refusal::Expired(_), .. })
        ));

        let vp = world.present(&world.alice, &["not a credential".to_owned()]);
        assert!(matches!(
            world.verify(&vp, &world.alice.did),
            Err(PresentationError::Credential { index: 0, refusal: Refusal::Jwt(JwtError::Malformed(_)), .. })
        ));
    }
}

#[test]
fn a_holder_with_a_did_jwk_is_verified_with_its_offline_document() {
    for world in World::each() {
        let key = SigningKey::generate("0", KeyAlgorithm::Es256).unwrap();
        let did = format!("did:jwk:{}", b64(key.public_jwk().to_string().as_bytes()));
        let document = block_on(resolve_offline(&did)).unwrap().unwrap();
        let holder = Party { did: did.clone(), key, document: document.clone() };
        let vp = world.present(&holder, &[world.issue(&world.membership(&did))]);
        let mut documents = world.documents();
        documents.insert(did.clone(), document);
        let verified = world.verify_with(&vp, &did, &documents, &world.statuses(&[], &[])).unwrap();
        assert_eq!(verified[0].subject["id"], did);
    }
}

/// The did:key of the Ed25519 test vector of the did:key method specification.
const DID_KEY: &str = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK";

#[test]
fn a_did_key_resolves_offline() {
    let document = block_on(resolve_offline(DID_KEY)).unwrap().unwrap();
    assert_eq!(document.id, DID_KEY);
    let fragment = DID_KEY.strip_prefix("did:key:").unwrap();
    let kid = format!("{DID_KEY}#{fragment}");
    assert_eq!(document.verification_method.len(), 1);
    let jwk = document.verification_method[0].public_key_jwk.as_ref().unwrap();
    assert_eq!(jwk["kty"], "OKP");
    assert_eq!(jwk["crv"], "Ed25519");
    for relationship in
        [Relationship::Authentication, Relationship::AssertionMethod, Relationship::CapabilityInvocation]
    {
        let key = document.key(&kid, relationship).unwrap();
        assert_eq!(key.algorithm(), KeyAlgorithm::EdDsa);
    }
    assert!(document.key(&format!("{DID_KEY}#other"), Relationship::Authentication).is_err());
}

#[test]
fn a_did_jwk_resolves_offline_to_its_key() {
    for algorithm in [KeyAlgorithm::EdDsa, KeyAlgorithm::Es256] {
        let key = SigningKey::generate("0", algorithm).unwrap();
        let did = format!("did:jwk:{}", b64(key.public_jwk().to_string().as_bytes()));
        let document = block_on(resolve_offline(&did)).unwrap().unwrap();
        assert_eq!(document.id, did);
        let kid = format!("{did}#0");
        let published = document.verification_method.iter().find(|m| m.id == kid || m.id == "#0").unwrap();
        let jwk = published.public_key_jwk.as_ref().unwrap();
        for member in ["kty", "crv", "x", "y"] {
            assert_eq!(jwk.get(member), key.public_jwk().get(member), "{member}");
        }
        for relationship in
            [Relationship::Authentication, Relationship::AssertionMethod, Relationship::CapabilityInvocation]
        {
            let verifying = document.key(&kid, relationship).unwrap();
            assert_eq!(verifying.algorithm(), algorithm);
            // The resolved key verifies the key's signature, and only its.
            let signed = key.sign("JWT", &kid, &json!({"hello": "world"})).unwrap();
            Jwt::<Value>::parse(&signed).unwrap().verify(&verifying).unwrap();
            let other =
                SigningKey::generate("0", algorithm).unwrap().sign("JWT", &kid, &json!({"hello": "world"})).unwrap();
            assert_eq!(Jwt::<Value>::parse(&other).unwrap().verify(&verifying), Err(JwtError::Signature));
        }
    }
}

#[test]
fn other_dids_do_not_resolve_offline() {
    assert!(block_on(resolve_offline("did:web:alice.example")).is_none());
    assert!(block_on(resolve_offline("did:example:123")).is_none());
    assert!(matches!(block_on(resolve_offline("did:key:not-a-key")), Some(Err(DidError::Malformed { .. }))));
    assert!(matches!(block_on(resolve_offline("did:jwk:bm90IGEgandr")), Some(Err(DidError::Malformed { .. }))));
}

#[test]
fn a_credential_jwt_past_its_exp_claim_is_refused() {
    for world in World::each() {
        // The issuer signed a JWT that expired yesterday, over a credential whose own dates still hold: RFC 7519
        // §4.1.4 says it must not be accepted.
        let genuine = world.issue(&world.membership(&world.alice.did));
        let exp = world.now - TimeDelta::days(1);
        let expired = resign(&genuine, &world.authority.key, &world.authority.kid(), |claims| {
            claims["exp"] = json!(exp.timestamp());
        });
        let vp = world.present(&world.alice, &[expired]);
        let refusal = refusal(world.verify(&vp, &world.alice.did));
        assert!(
            matches!(refusal, Refusal::Expired(at) | Refusal::Jwt(JwtError::Expired(at)) if at == exp),
            "{:?}: {refusal:?}",
            world.version
        );
    }
}

#[test]
fn a_credential_jwt_before_its_nbf_claim_is_refused() {
    for world in World::each() {
        // RFC 7519 §4.1.5: not to be accepted before `nbf`, whatever the credential's own dates say.
        let genuine = world.issue(&world.membership(&world.alice.did));
        let nbf = world.now + TimeDelta::days(1);
        let early = resign(&genuine, &world.authority.key, &world.authority.kid(), |claims| {
            claims["nbf"] = json!(nbf.timestamp());
        });
        let vp = world.present(&world.alice, &[early]);
        let refusal = refusal(world.verify(&vp, &world.alice.did));
        assert!(
            matches!(refusal, Refusal::NotYetValid(at) | Refusal::Jwt(JwtError::NotYetValid(at)) if at == nbf),
            "{:?}: {refusal:?}",
            world.version
        );
    }
}
