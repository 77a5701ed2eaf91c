//! Our DCP 1.0 messages against the official JSON schemas of Eclipse DCP v1.0.1, copied with their examples into
//! `tests/data/dcp-1.0/` (upstream layout kept; see its `NOTICE.md`).
//!
//! The schemas are validated offline, as the conformance crate validates the DSP schemas: every copied schema is
//! registered in a `jsonschema` registry under the address the others `$ref` it by (the prefixes
//! `https://w3id.org/dspace-dcp/v1.0/` and `https://identity.foundation/` both map to the data folder, as in the
//! upstream tests), and the validators are built `offline()`, so a reference outside the registry fails instead of
//! going to the network. The registry also holds the draft-07 meta-schema, which the DIF schemas `$ref` (a `filter`
//! is a JSON Schema) and which `jsonschema` does not supply to a 2019-09 root schema by itself.
//!
//! Upstream quirks, and how they are handled here:
//! - `common/context-schema.json` has the `$id` `…/v08/…`, while the other schemas `$ref` it at `…/v1.0/…`: it is
//!   registered under the `$ref`'s address (its own `$id` then only scopes its internal `#/definitions` reference);
//! - `issuance/credential-message-schema.json` has the `$id` `…/v1.0/presentation/…`, which its own `$ref` to
//!   `#/definitions/CredentialContainer` uses: nothing else refers to it, and as the root being compiled it takes
//!   that `$id`, so the reference is to itself;
//! - that schema requires `type` but constrains only a `credentialType` member (`const: CredentialMessage`) that no
//!   message carries, so as published it accepts any `type`. Every credential message is therefore validated twice:
//!   against the verbatim schema, and against a corrected copy made at test time in which that constraint is on
//!   `type`, where it was meant to be.

mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use chrono::{DateTime, TimeDelta, Utc};
use common::Party;
use jsonschema::{Registry, Validator};
use ldt_identity::dcp::{
    CredentialMessage, CredentialRequest, CredentialStatus, DCP_CONTEXT, IssuerMetadata, PresentationQuery,
    PresentationResponse, Scope,
};
use ldt_identity::keys::KeyAlgorithm;
use ldt_identity::status_list::{StatusListKind, StatusPurpose};
use ldt_identity::vc::{self, Credential, VcVersion};
use ldt_identity::verify::Presentation;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// The copied schemas and examples.
const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/dcp-1.0");

/// The address of the DCP schemas' folder.
const DCP_BASE: &str = "https://w3id.org/dspace-dcp/v1.0/";
/// The address of the DIF Presentation Exchange and claim format registry schemas' folder.
const DIF_BASE: &str = "https://identity.foundation/";

/// Every copied schema: the base its `$ref`s give it, and its path in the data folder and under that base.
const SCHEMAS: [(&str, &str); 12] = [
    (DCP_BASE, "common/context-schema.json"),
    (DCP_BASE, "issuance/issuer-metadata-schema.json"),
    (DCP_BASE, "issuance/credential-object-schema.json"),
    (DCP_BASE, "issuance/credential-request-message-schema.json"),
    (DCP_BASE, "issuance/credential-status-schema.json"),
    (DCP_BASE, "presentation/presentation-query-message-schema.json"),
    (DCP_BASE, "presentation/presentation-response-message-schema.json"),
    (DCP_BASE, "issuance/credential-message-schema.json"),
    (DIF_BASE, "presentation-exchange/schemas/presentation-definition.json"),
    (DIF_BASE, "presentation-exchange/schemas/presentation-submission.json"),
    (DIF_BASE, "claim-format-registry/schemas/presentation-definition-claim-format-designations.json"),
    (DIF_BASE, "claim-format-registry/schemas/presentation-submission-claim-format-designations.json"),
];

const QUERY_SCHEMA: &str = "presentation/presentation-query-message-schema.json";
const RESPONSE_SCHEMA: &str = "presentation/presentation-response-message-schema.json";
const CREDENTIAL_SCHEMA: &str = "issuance/credential-message-schema.json";

const VERIFIER: &str = "did:web:verifier.example";
const MEMBERSHIP: &str = "MembershipCredential";
const REVOCATIONS: &str = "https://authority.example/status/revocation";

fn data(path: &str) -> PathBuf {
    Path::new(DATA).join(path)
}

fn read_json(path: &str) -> Value {
    let file = data(path);
    let text = std::fs::read_to_string(&file).unwrap_or_else(|error| {
        panic!("cannot read {} ({error}): the DCP schemas and examples belong in tests/data/dcp-1.0", file.display())
    });
    serde_json::from_str(&text).unwrap_or_else(|error| panic!("{} is not JSON: {error}", file.display()))
}

/// The validators of the message schemas, compiled once.
struct Schemas {
    metadata: Validator,
    request: Validator,
    status: Validator,
    query: Validator,
    response: Validator,
    credential: Validator,
    /// The credential message schema with its `credentialType` constraint moved to `type`.
    corrected_credential: Validator,
}

/// The verbatim credential message schema, corrected: the `const` it puts on a `credentialType` member is put on
/// `type`, the member the schema requires (and that the spec and the examples use).
fn corrected_credential_schema(verbatim: &Value) -> Value {
    let mut corrected = verbatim.clone();
    let properties = corrected["definitions"]["CredentialMessage"]["properties"]
        .as_object_mut()
        .expect("the credential message schema defines properties");
    let misplaced = properties.remove("credentialType").expect("the upstream quirk: a top-level `credentialType`");
    assert_eq!(misplaced, json!({"type": "string", "const": "CredentialMessage"}));
    assert!(properties.insert("type".into(), misplaced).is_none(), "upstream now constrains `type`");
    corrected
}

/// The draft-07 meta-schema, which the DIF schemas `$ref` (a `filter` is a JSON Schema).
const DRAFT7: &str = "http://json-schema.org/draft-07/schema";

fn schemas() -> &'static Schemas {
    static SCHEMAS_: OnceLock<Schemas> = OnceLock::new();
    SCHEMAS_.get_or_init(|| {
        let mut documents: Vec<(String, Value)> =
            SCHEMAS.iter().map(|(base, path)| (format!("{base}{path}"), read_json(path))).collect();
        documents.push((DRAFT7.to_owned(), Value::clone(&referencing::meta::DRAFT7)));
        let registry = Registry::new()
            .extend(documents.iter().cloned())
            .and_then(|builder| builder.prepare())
            .unwrap_or_else(|error| panic!("cannot register the DCP schemas: {error}"));
        let compile = |schema: &Value, name: &str| {
            jsonschema::options()
                .offline()
                .with_registry(&registry)
                .build(schema)
                .unwrap_or_else(|error| panic!("cannot compile {name}: {error}"))
        };
        let credential = read_json(CREDENTIAL_SCHEMA);
        let named = |path: &str| compile(&read_json(path), path);
        Schemas {
            metadata: named("issuance/issuer-metadata-schema.json"),
            request: named("issuance/credential-request-message-schema.json"),
            status: named("issuance/credential-status-schema.json"),
            query: compile(&read_json(QUERY_SCHEMA), QUERY_SCHEMA),
            response: compile(&read_json(RESPONSE_SCHEMA), RESPONSE_SCHEMA),
            corrected_credential: compile(
                &corrected_credential_schema(&credential),
                "the corrected credential message schema",
            ),
            credential: compile(&credential, CREDENTIAL_SCHEMA),
        }
    })
}

/// Every violation of `instance` against `validator`, with its JSON pointer.
fn violations(validator: &Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|error| {
            let pointer = error.instance_path().as_str();
            format!("at {}: {error}", if pointer.is_empty() { "/" } else { pointer })
        })
        .collect()
}

fn assert_valid(validator: &Validator, instance: &Value, what: &str) {
    let violations = violations(validator, instance);
    assert!(violations.is_empty(), "{what} violates its schema: {violations:#?}\n{instance:#}");
}

fn assert_invalid(validator: &Validator, instance: &Value, what: &str) -> Vec<String> {
    let violations = violations(validator, instance);
    assert!(!violations.is_empty(), "{what} is accepted by its schema:\n{instance:#}");
    violations
}

/// A credential message against the verbatim schema and the corrected one.
fn assert_valid_credential_message(instance: &Value, what: &str) {
    assert_valid(&schemas().credential, instance, what);
    assert_valid(&schemas().corrected_credential, instance, &format!("{what} (corrected schema)"));
}

fn to_json(message: &impl Serialize) -> Value {
    serde_json::to_value(message).expect("a DCP message serialises")
}

/// An issuer, a holder and the time: the parties of real VC-JWTs and VP-JWTs.
struct World {
    now: DateTime<Utc>,
    authority: Party,
    alice: Party,
}

impl World {
    fn new() -> World {
        World {
            now: DateTime::from_timestamp(Utc::now().timestamp(), 0).unwrap(),
            authority: Party::new("authority.example", KeyAlgorithm::Es256),
            alice: Party::new("alice.example", KeyAlgorithm::EdDsa),
        }
    }

    /// Alice's membership, signed by the authority as a VC-JWT of `version`, with a revocation entry of the status
    /// list kind of the version's profile (`vc20-bssl/jwt`, `vc11-sl2021/jwt`).
    fn membership(&self, version: VcVersion) -> String {
        let kind = match version {
            VcVersion::V1 => StatusListKind::StatusList2021,
            VcVersion::V2 => StatusListKind::Bitstring,
        };
        let credential = Credential {
            id: Some("urn:uuid:7f7cf5a4-2a41-4a57-9b0e-9d0c0c0b7f31".into()),
            types: vec!["VerifiableCredential".into(), MEMBERSHIP.into()],
            issuer: self.authority.did.clone(),
            subject: json!({"id": self.alice.did, "membership": {"status": "active"}}),
            valid_from: self.now - TimeDelta::days(30),
            valid_until: Some(self.now + TimeDelta::days(365)),
            status: Some(json!({"id": format!("{REVOCATIONS}#42"), "type": kind.entry_type(),
                                "statusPurpose": StatusPurpose::Revocation.as_str(), "statusListIndex": "42",
                                "statusListCredential": REVOCATIONS})),
        };
        vc::issue(&credential, version, &self.authority.key).unwrap()
    }

    /// Alice's presentation of her membership to the verifier, a VP-JWT of `version`.
    fn presentation(&self, version: VcVersion) -> String {
        let credentials = [self.membership(version)];
        vc::present(&self.alice.did, &self.alice.key, VERIFIER, &credentials, version, self.now, TimeDelta::minutes(5))
            .unwrap()
    }
}

#[test]
fn every_schema_compiles_offline() {
    schemas();
}

#[test]
fn a_presentation_query_for_scopes_validates() {
    for scopes in [
        vec![Scope::of_type(MEMBERSHIP)],
        vec![Scope::of_type(MEMBERSHIP), "org.eclipse.dspace.dcp.vc.id:urn:uuid:1".to_owned()],
    ] {
        let query = to_json(&PresentationQuery::for_scopes(scopes));
        assert_eq!(query["@context"], json!([DCP_CONTEXT]));
        assert_eq!(query["type"], "PresentationQueryMessage");
        assert_valid(&schemas().query, &query, "PresentationQuery::for_scopes");
    }
}

#[test]
fn a_presentation_response_with_a_real_vp_jwt_validates() {
    let world = World::new();
    for version in [VcVersion::V2, VcVersion::V1] {
        let vp = world.presentation(version);
        let response = to_json(&PresentationResponse::new(vec![Value::String(vp.clone())]));
        assert_valid(&schemas().response, &response, &format!("a PresentationResponse with a VP-JWT {version:?}"));
        // What was validated is the presentation itself, readable by a verifier.
        let presented = response["presentation"][0].as_str().unwrap();
        assert_eq!(presented, vp);
        let presentation = Presentation::parse(presented).unwrap();
        assert!(presentation.issuers().contains(world.authority.did.as_str()));
        assert_eq!(presentation.status_lists().into_iter().collect::<Vec<_>>(), [REVOCATIONS]);
    }
    // No presentation at all (no credential matched the scopes) is still a valid answer.
    assert_valid(&schemas().response, &to_json(&PresentationResponse::new(vec![])), "an empty PresentationResponse");
}

#[test]
fn a_credential_message_with_a_real_vc_jwt_validates() {
    let world = World::new();
    for version in [VcVersion::V2, VcVersion::V1] {
        let message = CredentialMessage::issued(
            "urn:uuid:issuer-process-1".into(),
            "urn:uuid:holder-process-1".into(),
            vec![(MEMBERSHIP.into(), world.membership(version))],
        );
        let message = to_json(&message);
        assert_eq!(message["type"], "CredentialMessage");
        assert_eq!(message["credentials"][0]["format"], "jwt");
        assert_valid_credential_message(&message, &format!("CredentialMessage::issued with a VC-JWT {version:?}"));
    }
}

#[test]
fn a_presentation_query_without_scope_or_definition_is_rejected() {
    let mut query = PresentationQuery::for_scopes(vec![Scope::of_type(MEMBERSHIP)]);
    query.scope = None;
    let json = to_json(&query);
    assert!(json.get("scope").is_none() && json.get("presentationDefinition").is_none(), "{json}");
    assert_invalid(&schemas().query, &json, "a PresentationQuery with neither scope nor definition");

    // An empty scope is no scope (`minItems: 1`).
    query.scope = Some(vec![]);
    let violations = assert_invalid(&schemas().query, &to_json(&query), "a PresentationQuery with an empty scope");
    assert!(violations.iter().any(|v| v.starts_with("at /scope:")), "{violations:#?}");

    // Another type, or without the DCP context.
    let mut query = to_json(&PresentationQuery::for_scopes(vec![Scope::of_type(MEMBERSHIP)]));
    query["type"] = json!("PresentationResponseMessage");
    let violations = assert_invalid(&schemas().query, &query, "a PresentationQuery of another type");
    assert!(violations.iter().any(|v| v.starts_with("at /type:")), "{violations:#?}");
    let mut query = to_json(&PresentationQuery::for_scopes(vec![Scope::of_type(MEMBERSHIP)]));
    query["@context"] = json!(["https://w3id.org/dspace/2025/1/context.jsonld"]);
    let violations = assert_invalid(&schemas().query, &query, "a PresentationQuery without the DCP context");
    assert!(violations.iter().any(|v| v.starts_with("at /@context:")), "{violations:#?}");

    // The DIF presentation definition schema is followed: a definition without `input_descriptors` is refused.
    let mut query = read_json("presentation/example/presentation-query-message-w-presentation-definition.json");
    query["presentationDefinition"].as_object_mut().unwrap().remove("input_descriptors");
    let violations = assert_invalid(&schemas().query, &query, "a presentation definition without input descriptors");
    assert!(violations.iter().any(|v| v.starts_with("at /presentationDefinition:")), "{violations:#?}");
}

#[test]
fn a_presentation_response_without_presentation_is_rejected() {
    let world = World::new();
    let mut response = to_json(&PresentationResponse::new(vec![Value::String(world.presentation(VcVersion::V2))]));
    response.as_object_mut().unwrap().remove("presentation");
    let violations = assert_invalid(&schemas().response, &response, "a PresentationResponse without `presentation`");
    assert!(violations.iter().any(|v| v.contains("presentation")), "{violations:#?}");
    // Our type refuses it too.
    assert!(serde_json::from_value::<PresentationResponse>(response).is_err());

    // A presentation is a string (a VP-JWT) or an object (a JSON-LD presentation), nothing else.
    let numbers = to_json(&PresentationResponse::new(vec![json!(42)]));
    let violations = assert_invalid(&schemas().response, &numbers, "a PresentationResponse with a number");
    assert!(violations.iter().any(|v| v.starts_with("at /presentation/0:")), "{violations:#?}");

    // The DIF presentation submission schema is followed: a submission without `descriptor_map` is refused.
    let mut response = read_json("presentation/example/presentation-response-message-w-presentation-submission.json");
    response["presentationSubmission"].as_object_mut().unwrap().remove("descriptor_map");
    let violations = assert_invalid(&schemas().response, &response, "a presentation submission without descriptors");
    assert!(violations.iter().any(|v| v.starts_with("at /presentationSubmission:")), "{violations:#?}");
}

#[test]
fn the_credential_message_schema_checks_type_only_once_corrected() {
    let world = World::new();
    let message = CredentialMessage::issued(
        "urn:uuid:issuer-process-1".into(),
        "urn:uuid:holder-process-1".into(),
        vec![(MEMBERSHIP.into(), world.membership(VcVersion::V2))],
    );
    let mut wrong = to_json(&message);
    wrong["type"] = json!("CredentialOfferMessage");
    // The upstream quirk: the verbatim schema requires `type` and accepts any. If this starts failing, upstream
    // fixed the schema, and the correction in this file can go.
    assert_valid(&schemas().credential, &wrong, "a CredentialMessage of another type (verbatim schema)");
    let violations = assert_invalid(&schemas().corrected_credential, &wrong, "a CredentialMessage of another type");
    assert!(violations.iter().any(|v| v.starts_with("at /type:")), "{violations:#?}");

    // Without `type`, `issuerPid` or a valid `status`, both refuse it.
    for (member, change) in [
        ("type", None),
        ("issuerPid", None),
        ("status", Some(json!("PENDING"))),
        ("credentials", Some(json!([{"credentialType": MEMBERSHIP, "format": "jwt"}]))),
    ] {
        let mut broken = to_json(&message);
        match change {
            None => {
                broken.as_object_mut().unwrap().remove(member);
            }
            Some(value) => broken[member] = value,
        }
        assert_invalid(&schemas().credential, &broken, &format!("a CredentialMessage with a bad `{member}`"));
        assert_invalid(&schemas().corrected_credential, &broken, &format!("a CredentialMessage with a bad `{member}`"));
    }

    // A payload is a string: a JSON-LD credential (`format: json-ld`) must be sent serialised, not as an object,
    // although our `CredentialContainer` would carry either.
    let mut json_ld = to_json(&message);
    json_ld["credentials"][0]["payload"] = json!({"@context": [vc::CREDENTIALS_V2], "type": ["VerifiableCredential"]});
    json_ld["credentials"][0]["format"] = json!("json-ld");
    let violations = assert_invalid(&schemas().credential, &json_ld, "a CredentialMessage with an object payload");
    assert!(violations.iter().any(|v| v.starts_with("at /credentials/0/payload:")), "{violations:#?}");
}

/// Reads an official example into our type `T`, checks that our serialisation of it keeps every member of the
/// example but those in `dropped` and adds none but those in `added`, and returns both.
fn read_example<T: DeserializeOwned + Serialize>(path: &str, dropped: &[&str], added: &[&str]) -> (Value, Value) {
    let example = read_json(path);
    let ours: T = serde_json::from_value(example.clone())
        .unwrap_or_else(|error| panic!("{path} does not deserialise into our type: {error}"));
    let ours = to_json(&ours);
    let (example_members, our_members) = (example.as_object().unwrap(), ours.as_object().unwrap());
    for (member, value) in example_members {
        if dropped.contains(&member.as_str()) {
            assert!(!our_members.contains_key(member), "{path}: `{member}` is now kept: update the test");
        } else {
            assert_eq!(our_members.get(member), Some(value), "{path}: `{member}` is not kept as it was");
        }
    }
    for member in our_members.keys() {
        assert!(
            example_members.contains_key(member) || added.contains(&member.as_str()),
            "{path}: our serialisation adds `{member}`"
        );
    }
    (example, ours)
}

#[test]
fn the_official_presentation_query_examples_are_read_and_written_valid() {
    for path in [
        "presentation/example/presentation-query-message.json",
        "presentation/example/presentation-query-message-w-presentation-definition.json",
    ] {
        let (example, ours) = read_example::<PresentationQuery>(path, &[], &[]);
        assert_valid(&schemas().query, &example, path);
        assert_valid(&schemas().query, &ours, &format!("our serialisation of {path}"));
    }
}

#[test]
fn the_official_presentation_response_examples_are_read_and_written_valid() {
    let path = "presentation/example/presentation-response-message.json";
    let (example, ours) = read_example::<PresentationResponse>(path, &[], &[]);
    assert_valid(&schemas().response, &example, path);
    assert_valid(&schemas().response, &ours, &format!("our serialisation of {path}"));

    // We do not support presentation definitions (a query with one is answered 501), so our response has no
    // `presentationSubmission`: reading one drops it, and what we write is still valid.
    let path = "presentation/example/presentation-response-message-w-presentation-submission.json";
    let (example, ours) = read_example::<PresentationResponse>(path, &["presentationSubmission"], &[]);
    assert_valid(&schemas().response, &example, path);
    assert_valid(&schemas().response, &ours, &format!("our serialisation of {path}"));
}

#[test]
fn the_official_credential_message_examples_are_read_and_written_valid() {
    let path = "issuance/example/credential-message.json";
    let (example, ours) = read_example::<CredentialMessage>(path, &[], &[]);
    assert_valid_credential_message(&example, path);
    assert_valid_credential_message(&ours, &format!("our serialisation of {path}"));

    // A rejection has no credentials; we write an empty `credentials` array, which the schema allows.
    let path = "issuance/example/credential-message-rejected.json";
    let (example, ours) = read_example::<CredentialMessage>(path, &[], &["credentials"]);
    assert_eq!(ours["credentials"], json!([]));
    assert_eq!(ours["rejectionReason"], "final approval not granted");
    assert_valid_credential_message(&example, path);
    assert_valid_credential_message(&ours, &format!("our serialisation of {path}"));
}

/// The issuance messages of the authority's issuer service validate, and the schemas can refuse them.
#[test]
fn the_issuance_messages_validate() {
    let kinds = ["MembershipCredential", "DataProviderCredential"];
    let metadata =
        to_json(&IssuerMetadata::new("did:web:authority.example", &kinds, "https://authority.example/schemas"));
    assert_valid(&schemas().metadata, &metadata, "IssuerMetadata::new");
    let mut incomplete = metadata.clone();
    incomplete["credentialsSupported"][0].as_object_mut().unwrap().remove("profile");
    assert_invalid(&schemas().metadata, &incomplete, "a credential object without profile");

    let request = to_json(&CredentialRequest::new("holder-1".into(), ["MembershipCredential".to_owned()]));
    assert_valid(&schemas().request, &request, "CredentialRequest::new");
    let mut anonymous = request.clone();
    anonymous.as_object_mut().unwrap().remove("holderPid");
    assert_invalid(&schemas().request, &anonymous, "a request without holderPid");

    let status = to_json(&CredentialStatus::new("issuer-1".into(), "holder-1".into(), "ISSUED".into()));
    assert_valid(&schemas().status, &status, "CredentialStatus::new");
    let odd = to_json(&CredentialStatus::new("issuer-1".into(), "holder-1".into(), "DONE".into()));
    assert_invalid(&schemas().status, &odd, "a status that is not RECEIVED, REJECTED or ISSUED");
}
