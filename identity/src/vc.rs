//! Verifiable credentials and presentations as JWTs: VC Data Model 1.1 (`vc` / `vp` claims, `typ: JWT`) and 2.0
//! (VC-JOSE-COSE: the credential is the payload, `typ: vc+jwt` / `vp+jwt`, credentials enveloped in a presentation).

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::keys::{KeyError, SigningKey};

/// The VC Data Model 1.1 context.
pub const CREDENTIALS_V1: &str = "https://www.w3.org/2018/credentials/v1";
/// The VC Data Model 2.0 context.
pub const CREDENTIALS_V2: &str = "https://www.w3.org/ns/credentials/v2";

/// A version of the VC Data Model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum VcVersion {
    /// 1.1: JWT with `vc` / `vp` claims.
    #[serde(rename = "1.1")]
    V1,
    /// 2.0: VC-JOSE-COSE `vc+jwt` / `vp+jwt`.
    #[serde(rename = "2.0")]
    V2,
}

/// A credential's content, whatever its version and securing.
#[derive(Debug, Clone, PartialEq)]
pub struct Credential {
    /// `id`.
    pub id: Option<String>,
    /// `type`, `VerifiableCredential` included.
    pub types: Vec<String>,
    /// The issuer's DID.
    pub issuer: String,
    /// `credentialSubject`; its `id` is the holder's DID.
    pub subject: Value,
    /// From when it is valid (`validFrom` / `issuanceDate`).
    pub valid_from: DateTime<Utc>,
    /// Until when (`validUntil` / `expirationDate`).
    pub valid_until: Option<DateTime<Utc>>,
    /// `credentialStatus`, if any.
    pub status: Option<Value>,
}

/// Why a credential or presentation was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CredentialError {
    /// Not a credential (or presentation) this connector can read.
    #[error("malformed: {0}")]
    Malformed(String),
}

fn malformed(what: impl Into<String>) -> CredentialError {
    CredentialError::Malformed(what.into())
}

impl Credential {
    /// The holder's DID: the subject's `id`.
    pub fn subject_id(&self) -> Option<&str> {
        self.subject.get("id").and_then(Value::as_str)
    }

    /// The credential as a JSON document of `version`.
    pub fn to_json(&self, version: VcVersion) -> Value {
        let (context, from, until_member) = match version {
            VcVersion::V1 => (CREDENTIALS_V1, "issuanceDate", "expirationDate"),
            VcVersion::V2 => (CREDENTIALS_V2, "validFrom", "validUntil"),
        };
        let mut document = json!({"@context": [context], "type": self.types, "issuer": self.issuer,
                                  from: self.valid_from.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                                  "credentialSubject": self.subject});
        if let Some(id) = &self.id {
            document["id"] = json!(id);
        }
        if let Some(until) = self.valid_until {
            document[until_member] = json!(until.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
        }
        if let Some(status) = &self.status {
            document["credentialStatus"] = status.clone();
        }
        document
    }

    /// Reads the credential a VC-JWT of either version carries, its signature not checked (what verifies it is the
    /// caller's business: [`crate::verify`] for presented credentials; none for those one holds oneself).
    pub fn from_claims(claims: &JwtClaims) -> Result<Credential, CredentialError> {
        match &claims.vc {
            Some(vc) => Credential::from_json(vc, Some(claims)),
            None => Credential::from_json(&Value::Object(claims.document.clone()), Some(claims)),
        }
    }

    /// Reads a credential document of either version. `jwt` gives the claims of a VC-JWT 1.1 that stand for
    /// members the `vc` claim may leave out (`iss`, `sub`, `jti`, `nbf`, `exp`).
    pub fn from_json(document: &Value, jwt: Option<&JwtClaims>) -> Result<Credential, CredentialError> {
        let types = match document.get("type") {
            Some(Value::String(one)) => vec![one.clone()],
            Some(Value::Array(many)) => {
                many.iter().map(|t| t.as_str().map(str::to_owned)).collect::<Option<Vec<_>>>().unwrap_or_default()
            }
            _ => Vec::new(),
        };
        if !types.iter().any(|t| t == "VerifiableCredential") {
            return Err(malformed("its `type` does not include `VerifiableCredential`"));
        }
        let issuer = match document.get("issuer") {
            Some(Value::String(issuer)) => Some(issuer.clone()),
            Some(Value::Object(issuer)) => issuer.get("id").and_then(Value::as_str).map(str::to_owned),
            _ => None,
        }
        .or_else(|| jwt.and_then(|claims| claims.iss.clone()))
        .ok_or_else(|| malformed("it names no issuer"))?;
        let mut subject = match document.get("credentialSubject") {
            Some(Value::Array(subjects)) if subjects.len() == 1 => subjects[0].clone(),
            Some(subject @ Value::Object(_)) => subject.clone(),
            _ => return Err(malformed("it has no single `credentialSubject`")),
        };
        if subject.get("id").is_none()
            && let Some(sub) = jwt.and_then(|claims| claims.sub.clone())
        {
            subject["id"] = json!(sub);
        }
        let date = |name: &str| -> Result<Option<DateTime<Utc>>, CredentialError> {
            document
                .get(name)
                .and_then(Value::as_str)
                .map(|text| {
                    DateTime::parse_from_rfc3339(text)
                        .map(|at| at.to_utc())
                        .map_err(|_| malformed(format!("`{name}` is not a date-time")))
                })
                .transpose()
        };
        let seconds = |at: Option<i64>| at.and_then(|s| DateTime::from_timestamp(s, 0));
        let valid_from = date("validFrom")?
            .or(date("issuanceDate")?)
            .or_else(|| seconds(jwt.and_then(|claims| claims.nbf)))
            .ok_or_else(|| malformed("it says from when it is valid"))?;
        let valid_until =
            date("validUntil")?.or(date("expirationDate")?).or_else(|| seconds(jwt.and_then(|claims| claims.exp)));
        let id = document
            .get("id")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| jwt.and_then(|claims| claims.jti.clone()));
        Ok(Credential {
            id,
            types,
            issuer,
            subject,
            valid_from,
            valid_until,
            status: document.get("credentialStatus").cloned(),
        })
    }
}

/// The registered claims of a VC-JWT or VP-JWT, and the `vc` / `vp` claim of version 1.1.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct JwtClaims {
    /// `iss`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    /// `sub`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    /// `aud`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aud: Option<crate::token::Audience>,
    /// `jti`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jti: Option<String>,
    /// `iat`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iat: Option<i64>,
    /// `nbf`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    /// `exp`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exp: Option<i64>,
    /// `nonce`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    /// The credential (VC-JWT 1.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vc: Option<Value>,
    /// The presentation (VP-JWT 1.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vp: Option<Value>,
    /// Everything else: the credential or presentation itself, for version 2.0.
    #[serde(flatten)]
    pub document: serde_json::Map<String, Value>,
}

/// Signs `credential` as a JWT of `version` with the issuer's `key`.
pub fn issue(credential: &Credential, version: VcVersion, key: &SigningKey) -> Result<String, KeyError> {
    let kid = format!("{}#{}", credential.issuer, key.id());
    let document = credential.to_json(version);
    match version {
        VcVersion::V1 => {
            let claims = JwtClaims {
                iss: Some(credential.issuer.clone()),
                sub: credential.subject_id().map(str::to_owned),
                jti: credential.id.clone(),
                nbf: Some(credential.valid_from.timestamp()),
                exp: credential.valid_until.map(|at| at.timestamp()),
                vc: Some(document),
                ..JwtClaims::default()
            };
            key.sign("JWT", &kid, &claims)
        }
        VcVersion::V2 => {
            let mut claims = document;
            claims["iss"] = json!(credential.issuer);
            if let Some(subject) = credential.subject_id() {
                claims["sub"] = json!(subject);
            }
            key.sign("vc+jwt", &kid, &claims)
        }
    }
}

/// A presentation to send: signed by the holder for `audience`, holding `credentials` (VC-JWTs of one version).
pub fn present(
    holder: &str,
    key: &SigningKey,
    audience: &str,
    credentials: &[String],
    version: VcVersion,
    now: DateTime<Utc>,
    lifetime: TimeDelta,
) -> Result<String, KeyError> {
    let kid = format!("{holder}#{}", key.id());
    let presentation = match version {
        VcVersion::V1 => json!({"@context": [CREDENTIALS_V1], "type": ["VerifiablePresentation"], "holder": holder,
                                "verifiableCredential": credentials}),
        VcVersion::V2 => {
            let enveloped: Vec<Value> = credentials
                .iter()
                .map(|jwt| {
                    json!({"@context": [CREDENTIALS_V2], "type": "EnvelopedVerifiableCredential",
                                   "id": format!("data:application/vc+jwt,{jwt}")})
                })
                .collect();
            json!({"@context": [CREDENTIALS_V2], "type": ["VerifiablePresentation"], "holder": holder,
                   "verifiableCredential": enveloped})
        }
    };
    let mut claims = JwtClaims {
        iss: Some(holder.to_owned()),
        sub: Some(holder.to_owned()),
        aud: Some(crate::token::Audience::One(audience.to_owned())),
        jti: Some(uuid::Uuid::new_v4().to_string()),
        iat: Some(now.timestamp()),
        nbf: Some(now.timestamp()),
        exp: Some((now + lifetime).timestamp()),
        ..JwtClaims::default()
    };
    let typ = match version {
        VcVersion::V1 => {
            claims.vp = Some(presentation);
            "JWT"
        }
        VcVersion::V2 => {
            if let Value::Object(members) = presentation {
                claims.document = members;
            }
            "vp+jwt"
        }
    };
    key.sign(typ, &kid, &claims)
}

/// The credentials of a presentation's `verifiableCredential`: VC-JWT strings (1.1), enveloped VC-JWTs (2.0), or
/// embedded JSON credentials (secured with a Data Integrity proof).
#[derive(Debug, Clone, PartialEq)]
pub enum Presented {
    /// A VC-JWT.
    Jwt(String),
    /// A JSON credential with an embedded proof.
    Embedded(Value),
}

/// The holder's DID and the credentials of a presentation's claims.
pub fn presented(claims: &JwtClaims) -> Result<(String, Vec<Presented>), CredentialError> {
    let empty = serde_json::Map::new();
    let presentation = match &claims.vp {
        Some(Value::Object(vp)) => vp,
        Some(_) => return Err(malformed("its `vp` claim is not an object")),
        None => &claims.document,
    };
    let presentation = if presentation.is_empty() { &empty } else { presentation };
    let types = presentation.get("type");
    let is_presentation = match types {
        Some(Value::String(t)) => t == "VerifiablePresentation",
        Some(Value::Array(ts)) => ts.iter().any(|t| t == "VerifiablePresentation"),
        _ => false,
    };
    if !is_presentation {
        return Err(malformed("it is not a `VerifiablePresentation`"));
    }
    let holder = presentation
        .get("holder")
        .and_then(|h| h.as_str().or_else(|| h.get("id").and_then(Value::as_str)))
        .map(str::to_owned)
        .or_else(|| claims.iss.clone())
        .ok_or_else(|| malformed("it names no holder"))?;
    let entries = match presentation.get("verifiableCredential") {
        None => Vec::new(),
        Some(Value::Array(entries)) => entries.iter().collect(),
        Some(one) => vec![one],
    };
    let credentials = entries
        .into_iter()
        .map(|entry| match entry {
            Value::String(jwt) => Ok(Presented::Jwt(jwt.clone())),
            Value::Object(object)
                if object.get("type").and_then(Value::as_str) == Some("EnvelopedVerifiableCredential") =>
            {
                let id = object.get("id").and_then(Value::as_str).unwrap_or_default();
                let jwt = id
                    .strip_prefix("data:application/vc+jwt,")
                    .or_else(|| id.strip_prefix("data:application/vc+sd-jwt,"))
                    .ok_or_else(|| malformed("an enveloped credential is not a `data:application/vc+jwt,` URL"))?;
                Ok(Presented::Jwt(jwt.to_owned()))
            }
            Value::Object(_) => Ok(Presented::Embedded(entry.clone())),
            _ => Err(malformed("a `verifiableCredential` entry is neither a JWT nor an object")),
        })
        .collect::<Result<_, _>>()?;
    Ok((holder, credentials))
}
