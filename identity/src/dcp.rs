//! DCP 1.0 messages (presentation query and response, credential request and storage) and presentation scopes.

use serde::{Deserialize, Serialize};

/// The DCP 1.0 JSON-LD context.
pub const DCP_CONTEXT: &str = "https://w3id.org/dspace-dcp/v1.0/dcp.jsonld";

/// The DCP 1.0 credential-type scope alias.
pub const TYPE_ALIAS: &str = "org.eclipse.dspace.dcp.vc.type";
/// The DCP 1.0 credential-id scope alias.
pub const ID_ALIAS: &str = "org.eclipse.dspace.dcp.vc.id";
/// The alias of older EDC versions, accepted as [`TYPE_ALIAS`].
pub const EDC_TYPE_ALIAS: &str = "org.eclipse.edc.vc.type";

fn dcp_context() -> Vec<String> {
    vec![DCP_CONTEXT.to_owned()]
}

/// `PresentationQueryMessage`: a verifier asks a credential service for presentations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PresentationQuery {
    /// `@context`.
    #[serde(rename = "@context", default = "dcp_context")]
    pub context: Vec<String>,
    /// `PresentationQueryMessage`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The scopes asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<Vec<String>>,
    /// A DIF presentation definition (not supported: answered 501).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub presentation_definition: Option<serde_json::Value>,
}

impl PresentationQuery {
    /// A query for `scopes`.
    pub fn for_scopes(scopes: Vec<String>) -> PresentationQuery {
        PresentationQuery {
            context: dcp_context(),
            kind: "PresentationQueryMessage".into(),
            scope: Some(scopes),
            presentation_definition: None,
        }
    }
}

/// `PresentationResponseMessage`: the presentations a credential service answers with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PresentationResponse {
    /// `@context`.
    #[serde(rename = "@context", default = "dcp_context")]
    pub context: Vec<String>,
    /// `PresentationResponseMessage`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The presentations: VP-JWTs or JSON-LD presentations.
    pub presentation: Vec<serde_json::Value>,
}

impl PresentationResponse {
    /// A response with `presentations`.
    pub fn new(presentations: Vec<serde_json::Value>) -> PresentationResponse {
        PresentationResponse {
            context: dcp_context(),
            kind: "PresentationResponseMessage".into(),
            presentation: presentations,
        }
    }
}

/// `CredentialMessage`: an issuer delivers credentials to a holder's credential service (storage API).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CredentialMessage {
    /// `@context`.
    #[serde(rename = "@context", default = "dcp_context")]
    pub context: Vec<String>,
    /// `CredentialMessage`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The issuer's id of the issuance process.
    pub issuer_pid: String,
    /// The holder's id of the issuance process.
    pub holder_pid: String,
    /// `ISSUED` or `REJECTED`.
    pub status: String,
    /// The credentials.
    #[serde(default)]
    pub credentials: Vec<CredentialContainer>,
    /// Why issuance was rejected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejection_reason: Option<String>,
}

/// A credential of a [`CredentialMessage`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CredentialContainer {
    /// Its type, e.g. `MembershipCredential`.
    pub credential_type: String,
    /// The credential: a VC-JWT string (`jwt`) or a JSON-LD object (`json-ld`).
    pub payload: serde_json::Value,
    /// `jwt` or `json-ld`.
    pub format: String,
}

impl CredentialMessage {
    /// An `ISSUED` message with `credentials` (type, VC-JWT).
    pub fn issued(issuer_pid: String, holder_pid: String, credentials: Vec<(String, String)>) -> CredentialMessage {
        CredentialMessage {
            context: dcp_context(),
            kind: "CredentialMessage".into(),
            issuer_pid,
            holder_pid,
            status: "ISSUED".into(),
            credentials: credentials
                .into_iter()
                .map(|(kind, jwt)| CredentialContainer {
                    credential_type: kind,
                    payload: serde_json::Value::String(jwt),
                    format: "jwt".into(),
                })
                .collect(),
            rejection_reason: None,
        }
    }
}

/// `CredentialRequestMessage`: a holder asks an issuer service for credentials (by the ids of its
/// `credentialsSupported`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CredentialRequest {
    /// `@context`.
    #[serde(rename = "@context", default = "dcp_context")]
    pub context: Vec<String>,
    /// `CredentialRequestMessage`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The holder's id of the request.
    pub holder_pid: String,
    /// The credential objects asked for, by id.
    pub credentials: Vec<CredentialReference>,
}

/// A reference to a `CredentialObject` of an issuer's metadata.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CredentialReference {
    /// The credential object's id.
    pub id: String,
}

impl CredentialRequest {
    /// A request for the credential objects `ids`.
    pub fn new(holder_pid: String, ids: impl IntoIterator<Item = String>) -> CredentialRequest {
        CredentialRequest {
            context: dcp_context(),
            kind: "CredentialRequestMessage".into(),
            holder_pid,
            credentials: ids.into_iter().map(|id| CredentialReference { id }).collect(),
        }
    }
}

/// `CredentialStatus`: where a credential request stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CredentialStatus {
    /// `@context`.
    #[serde(rename = "@context", default = "dcp_context")]
    pub context: Vec<String>,
    /// `CredentialStatus`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The issuer's id of the request.
    pub issuer_pid: String,
    /// The holder's id of the request.
    pub holder_pid: String,
    /// `RECEIVED`, `REJECTED` or `ISSUED`.
    pub status: String,
}

impl CredentialStatus {
    /// The status of a request.
    pub fn new(issuer_pid: String, holder_pid: String, status: String) -> CredentialStatus {
        CredentialStatus { context: dcp_context(), kind: "CredentialStatus".into(), issuer_pid, holder_pid, status }
    }
}

/// `IssuerMetadata`: what an issuer service issues.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IssuerMetadata {
    /// `@context`.
    #[serde(rename = "@context", default = "dcp_context")]
    pub context: Vec<String>,
    /// `IssuerMetadata`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The issuer's DID.
    pub issuer: String,
    /// The credentials it issues.
    pub credentials_supported: Vec<CredentialObject>,
}

/// A `CredentialObject`: one kind of credential an issuer issues, with every member DCP requires in metadata.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CredentialObject {
    /// Its id, used in requests.
    pub id: String,
    /// `CredentialObject`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The credential type, e.g. `MembershipCredential`.
    pub credential_type: String,
    /// Where its schema is.
    pub credential_schema: String,
    /// Why it is offered.
    pub offer_reason: String,
    /// The DID methods a holder may bind it to.
    pub binding_methods: Vec<String>,
    /// The DCP profile: `vc20-bssl/jwt`.
    pub profile: String,
    /// What a holder must present to get it (a DIF presentation definition).
    pub issuance_policy: serde_json::Value,
}

impl IssuerMetadata {
    /// The metadata of `issuer`, issuing `credentials` (id = type) as VC 2.0 JWTs with Bitstring status lists.
    pub fn new(issuer: &str, credentials: &[&str], schema_base: &str) -> IssuerMetadata {
        IssuerMetadata {
            context: dcp_context(),
            kind: "IssuerMetadata".into(),
            issuer: issuer.to_owned(),
            credentials_supported: credentials
                .iter()
                .map(|kind| CredentialObject {
                    id: (*kind).to_owned(),
                    kind: "CredentialObject".into(),
                    credential_type: (*kind).to_owned(),
                    credential_schema: format!("{schema_base}/{kind}"),
                    offer_reason: "reissue".into(),
                    binding_methods: vec!["did:web".into()],
                    profile: "vc20-bssl/jwt".into(),
                    issuance_policy: serde_json::json!({"id": format!("{kind}-policy"), "input_descriptors": []}),
                })
                .collect(),
        }
    }
}

/// What a presentation scope asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Credentials of a type (`org.eclipse.dspace.dcp.vc.type:MembershipCredential`).
    Type(String),
    /// The credential with an id (`org.eclipse.dspace.dcp.vc.id:…`).
    Id(String),
}

impl Scope {
    /// Reads a scope: `alias:discriminator` (DCP 1.0), also with the `:read` suffix of DCP 0.8 and EDC, and the
    /// older EDC alias `org.eclipse.edc.vc.type`. `None` for anything else.
    pub fn parse(scope: &str) -> Option<Scope> {
        let (alias, rest) = scope.split_once(':')?;
        let discriminator = rest.strip_suffix(":read").unwrap_or(rest);
        if discriminator.is_empty() || discriminator.contains(':') && alias != ID_ALIAS {
            return None;
        }
        match alias {
            TYPE_ALIAS | EDC_TYPE_ALIAS => Some(Scope::Type(discriminator.to_owned())),
            ID_ALIAS => Some(Scope::Id(discriminator.to_owned())),
            _ => None,
        }
    }

    /// The DCP 1.0 form of a type scope.
    pub fn of_type(kind: &str) -> String {
        format!("{TYPE_ALIAS}:{kind}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scope_form_in_use_is_read() {
        let membership = Some(Scope::Type("MembershipCredential".into()));
        assert_eq!(Scope::parse("org.eclipse.dspace.dcp.vc.type:MembershipCredential"), membership);
        assert_eq!(Scope::parse("org.eclipse.dspace.dcp.vc.type:MembershipCredential:read"), membership);
        assert_eq!(Scope::parse("org.eclipse.edc.vc.type:MembershipCredential:read"), membership);
        assert_eq!(Scope::parse("org.eclipse.dspace.dcp.vc.id:urn:uuid:1"), Some(Scope::Id("urn:uuid:1".into())));
        assert_eq!(Scope::parse("org.example:MembershipCredential"), None);
        assert_eq!(Scope::parse("org.eclipse.dspace.dcp.vc.type:"), None);
        assert_eq!(Scope::parse("MembershipCredential"), None);
        assert_eq!(Scope::of_type("MembershipCredential"), "org.eclipse.dspace.dcp.vc.type:MembershipCredential");
    }
}
