//! Judging a caller's presentation (DCP 1.0 §5): the presentation is the caller's, for this connector, in date; each
//! credential is signed by its issuer's key, the issuer is trusted for its types, it is in date, about the caller,
//! and neither revoked nor suspended.
//!
//! Sans IO, in two steps: [`Presentation::parse`] says which DID documents ([`Presentation::issuers`]) and status
//! lists ([`Presentation::status_lists`]) are needed; the connector fetches them (with its caches) and calls
//! [`Presentation::verify`].

use std::borrow::Borrow;
use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::did::{DidDocument, DidError, Relationship, did_of};
use crate::jwt::{CLOCK_SKEW, Jwt, JwtError, check_window};
use crate::status_list::{StatusEntry, StatusListCredential, StatusPurpose};
use crate::trust::TrustedIssuers;
use crate::vc::{Credential, CredentialError, JwtClaims, Presented, presented};

/// What the verifier brings: who it is, the time, whom it trusts.
#[derive(Debug, Clone, Copy)]
pub struct Verifier<'a> {
    /// This connector's DID: the audience of presentations.
    pub own_did: &'a str,
    /// The time of the request.
    pub now: DateTime<Utc>,
    /// The trusted issuers.
    pub trusted: &'a TrustedIssuers,
}

/// A status list the connector fetched and verified.
#[derive(Debug, Clone)]
pub struct FetchedStatus {
    /// The DID of the list's issuer.
    pub issuer: String,
    /// The list.
    pub list: StatusListCredential,
}

/// Why a presentation was refused.
#[derive(Debug, thiserror::Error)]
pub enum PresentationError {
    /// The presentation JWT.
    #[error("the presentation: {0}")]
    Jwt(#[from] JwtError),
    /// Not a presentation.
    #[error("the presentation is {0}")]
    Malformed(#[from] CredentialError),
    /// The holder's key.
    #[error("the presentation's key: {0}")]
    Did(#[from] DidError),
    /// Another participant's presentation.
    #[error("the presentation is of `{holder}`, not of the caller `{caller}`")]
    NotTheCaller {
        /// The presentation's holder.
        holder: String,
        /// The caller.
        caller: String,
    },
    /// For another verifier.
    #[error("the presentation is for another verifier")]
    Audience,
    /// A credential.
    #[error("credential {index} ({kind}): {refusal}")]
    Credential {
        /// Its position in the presentation.
        index: usize,
        /// Its most specific type.
        kind: String,
        /// Why.
        refusal: Refusal,
    },
}

/// Why a credential of a presentation was refused.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// Unreadable.
    #[error("{0}")]
    Malformed(String),
    /// The signature.
    #[error("{0}")]
    Jwt(#[from] JwtError),
    /// The issuer's key.
    #[error("{0}")]
    Did(#[from] DidError),
    /// The issuer's DID document was not available.
    #[error("the issuer `{0}`'s DID document could not be resolved")]
    IssuerUnknown(String),
    /// The issuer is not trusted for the credential's types.
    #[error("the issuer `{0}` is not trusted for this credential type")]
    Untrusted(String),
    /// Not yet valid.
    #[error("it is not valid before {0}")]
    NotYetValid(DateTime<Utc>),
    /// Expired.
    #[error("it expired at {0}")]
    Expired(DateTime<Utc>),
    /// About someone else.
    #[error("it is about `{0}`, not about the caller")]
    WrongSubject(String),
    /// Revoked.
    #[error("it is revoked")]
    Revoked,
    /// Suspended.
    #[error("it is suspended")]
    Suspended,
    /// Its status could not be checked.
    #[error("its status list `{0}` could not be fetched or verified")]
    StatusUnknown(String),
    /// Its status list is not its issuer's or not of its purpose.
    #[error("its status list: {0}")]
    Status(String),
    /// A Data Integrity proof.
    #[error("its proof: {0}")]
    Proof(String),
}

/// A credential of a presentation, read.
#[derive(Debug)]
struct Offered<'a> {
    securing: Securing<'a>,
    credential: Credential,
}

#[derive(Debug)]
enum Securing<'a> {
    Jwt(Box<Jwt<'a, JwtClaims>>),
    Embedded(Value),
}

/// A presentation read, not yet verified.
#[derive(Debug)]
pub struct Presentation<'a> {
    jwt: Jwt<'a, JwtClaims>,
    holder: String,
    credentials: Vec<Result<Offered<'a>, (usize, Refusal)>>,
}

/// A credential that passed every check.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedCredential {
    /// Its types.
    pub types: Vec<String>,
    /// Its issuer.
    pub issuer: String,
    /// Its subject.
    pub subject: Value,
}

impl VerifiedCredential {
    /// Its most specific type: the last that is not `VerifiableCredential`.
    pub fn kind(&self) -> &str {
        most_specific(&self.types)
    }
}

/// The most specific of a credential's `types`: the last that is not `VerifiableCredential`.
fn most_specific(types: &[String]) -> &str {
    types.iter().rev().find(|t| *t != "VerifiableCredential").map_or("VerifiableCredential", |t| t)
}

impl<'a> Presentation<'a> {
    /// Reads a VP-JWT and the credentials in it.
    pub fn parse(vp: &'a str) -> Result<Presentation<'a>, PresentationError> {
        let jwt: Jwt<JwtClaims> = Jwt::parse(vp)?;
        let (holder, entries) = presented(&jwt.claims)?;
        let credentials = entries
            .into_iter()
            .enumerate()
            .map(|(index, entry)| offered(entry).map_err(|refusal| (index, refusal)))
            .collect();
        Ok(Presentation { jwt, holder, credentials })
    }

    /// The DIDs whose documents [`Presentation::verify`] needs: the holder's and the issuers'.
    pub fn issuers(&self) -> BTreeSet<&str> {
        let issuers = self.credentials.iter().filter_map(|c| c.as_ref().ok()).map(|c| c.credential.issuer.as_str());
        std::iter::once(self.holder.as_str()).chain(issuers).collect()
    }

    /// The status list credentials [`Presentation::verify`] needs.
    pub fn status_lists(&self) -> BTreeSet<String> {
        self.credentials
            .iter()
            .filter_map(|c| c.as_ref().ok())
            .flat_map(|c| status_entries(&c.credential).unwrap_or_default())
            .map(|entry| entry.list_credential)
            .collect()
    }

    /// Verifies the presentation of `caller` with the DID `documents` and `statuses` fetched for it (held as they
    /// are, or shared from a cache: `Arc<DidDocument>`, `Arc<FetchedStatus>`).
    pub async fn verify<D: Borrow<DidDocument>, S: Borrow<FetchedStatus>>(
        self,
        caller: &str,
        verifier: Verifier<'_>,
        documents: &HashMap<String, D>,
        statuses: &HashMap<String, S>,
    ) -> Result<Vec<VerifiedCredential>, PresentationError> {
        if self.holder != caller || self.jwt.claims.iss.as_deref().is_some_and(|iss| iss != caller) {
            return Err(PresentationError::NotTheCaller { holder: self.holder, caller: caller.to_owned() });
        }
        let kid = self.jwt.kid()?;
        if did_of(kid) != caller {
            return Err(PresentationError::NotTheCaller { holder: did_of(kid).to_owned(), caller: caller.to_owned() });
        }
        let document = documents.get(caller).ok_or_else(|| DidError::UnknownKey(kid.to_owned()))?.borrow();
        self.jwt.verify(&*document.key(kid, Relationship::Authentication)?)?;
        // A presentation is for one verifier and short-lived: both `aud` and `exp` are required.
        if !self.jwt.claims.aud.as_ref().is_some_and(|audience| audience.contains(verifier.own_did)) {
            return Err(PresentationError::Audience);
        }
        if self.jwt.claims.exp.is_none() {
            return Err(PresentationError::Malformed(CredentialError::Malformed("it has no expiry (`exp`)".into())));
        }
        check_window(verifier.now, self.jwt.claims.exp, self.jwt.claims.nbf, self.jwt.claims.iat)?;
        let mut verified = Vec::with_capacity(self.credentials.len());
        for (index, offered) in self.credentials.into_iter().enumerate() {
            let refuse = |kind: &str, refusal| PresentationError::Credential { index, kind: kind.to_owned(), refusal };
            let offered = offered.map_err(|(index, refusal)| PresentationError::Credential {
                index,
                kind: "unreadable".into(),
                refusal,
            })?;
            let kind = most_specific(&offered.credential.types).to_owned();
            check_credential(&offered, caller, verifier, documents, statuses).await.map_err(|r| refuse(&kind, r))?;
            let Credential { types, issuer, subject, .. } = offered.credential;
            verified.push(VerifiedCredential { types, issuer, subject });
        }
        Ok(verified)
    }
}

/// Reads one entry of a presentation.
fn offered(entry: Presented) -> Result<Offered<'static>, Refusal> {
    match entry {
        Presented::Jwt(text) => {
            let jwt: Jwt<JwtClaims> = Jwt::parse_owned(text)?;
            let credential =
                Credential::from_claims(&jwt.claims).map_err(|error| Refusal::Malformed(error.to_string()))?;
            Ok(Offered { securing: Securing::Jwt(Box::new(jwt)), credential })
        }
        Presented::Embedded(document) => {
            let credential = Credential::from_json(&document, None).map_err(|e| Refusal::Malformed(e.to_string()))?;
            Ok(Offered { securing: Securing::Embedded(document), credential })
        }
    }
}

fn status_entries(credential: &Credential) -> Result<Vec<StatusEntry>, Refusal> {
    StatusEntry::from_status(credential.status.as_ref()).map_err(|error| Refusal::Status(error.to_string()))
}

async fn check_credential<D: Borrow<DidDocument>, S: Borrow<FetchedStatus>>(
    offered: &Offered<'_>,
    caller: &str,
    verifier: Verifier<'_>,
    documents: &HashMap<String, D>,
    statuses: &HashMap<String, S>,
) -> Result<(), Refusal> {
    let credential = &offered.credential;
    let issuer = &credential.issuer;
    let document = documents.get(issuer).ok_or_else(|| Refusal::IssuerUnknown(issuer.clone()))?.borrow();
    match &offered.securing {
        Securing::Jwt(jwt) => {
            let kid = jwt.kid()?;
            if did_of(kid) != issuer {
                return Err(Refusal::Did(DidError::UnknownKey(kid.to_owned())));
            }
            jwt.verify(&*document.key(kid, Relationship::AssertionMethod)?)?;
        }
        Securing::Embedded(json) => {
            let keys: HashMap<String, Value> = document
                .verification_method
                .iter()
                .filter_map(|method| Some((method.id.clone(), method.public_key_jwk.clone()?)))
                .collect();
            let method = crate::data_integrity::verify(json, &keys, "assertionMethod")
                .await
                .map_err(|error| Refusal::Proof(error.to_string()))?;
            if did_of(&method) != issuer {
                return Err(Refusal::Proof(format!("it is signed by `{method}`, not by its issuer")));
            }
        }
    }
    if !verifier.trusted.trusts(issuer, &credential.types) {
        return Err(Refusal::Untrusted(issuer.clone()));
    }
    if credential.valid_from - CLOCK_SKEW > verifier.now {
        return Err(Refusal::NotYetValid(credential.valid_from));
    }
    if let Some(until) = credential.valid_until
        && until + CLOCK_SKEW <= verifier.now
    {
        return Err(Refusal::Expired(until));
    }
    if let Securing::Jwt(jwt) = &offered.securing {
        // The JWT's own `exp` and `nbf` bind too (RFC 7519), whatever the document's dates say.
        check_window(verifier.now, jwt.claims.exp, jwt.claims.nbf, None)?;
    }
    match credential.subject_id() {
        Some(subject) if subject == caller => {}
        other => return Err(Refusal::WrongSubject(other.unwrap_or("nobody").to_owned())),
    }
    for entry in status_entries(credential)? {
        let fetched = statuses
            .get(&entry.list_credential)
            .ok_or_else(|| Refusal::StatusUnknown(entry.list_credential.clone()))?
            .borrow();
        if &fetched.issuer != issuer {
            return Err(Refusal::Status(format!(
                "the list is issued by `{}`, not by the credential's issuer",
                fetched.issuer
            )));
        }
        let on =
            crate::status_list::check(&entry, &fetched.list).map_err(|error| Refusal::Status(error.to_string()))?;
        if on {
            return Err(match entry.purpose {
                StatusPurpose::Revocation => Refusal::Revoked,
                StatusPurpose::Suspension => Refusal::Suspended,
            });
        }
    }
    Ok(())
}

/// Reads and verifies a status list credential (a VC-JWT of either version) signed by its issuer, whose DID
/// `document` the connector resolved.
pub fn verify_status_list(jwt: &str, document: &DidDocument, now: DateTime<Utc>) -> Result<FetchedStatus, Refusal> {
    let parsed: Jwt<JwtClaims> = Jwt::parse(jwt)?;
    let kid = parsed.kid()?;
    if did_of(kid) != document.id {
        return Err(Refusal::Did(DidError::UnknownKey(kid.to_owned())));
    }
    parsed.verify(&*document.key(kid, Relationship::AssertionMethod)?)?;
    let json = match &parsed.claims.vc {
        Some(vc) => vc.clone(),
        None => Value::Object(parsed.claims.document.clone()),
    };
    let credential =
        Credential::from_json(&json, Some(&parsed.claims)).map_err(|e| Refusal::Malformed(e.to_string()))?;
    if credential.issuer != document.id {
        return Err(Refusal::Status(format!("the list is issued by `{}`", credential.issuer)));
    }
    if let Some(until) = credential.valid_until
        && until + CLOCK_SKEW <= now
    {
        return Err(Refusal::Expired(until));
    }
    if credential.valid_from - CLOCK_SKEW > now {
        return Err(Refusal::NotYetValid(credential.valid_from));
    }
    check_window(now, parsed.claims.exp, parsed.claims.nbf, None)?;
    let list = crate::status_list::read_list_credential(&json).map_err(|error| Refusal::Status(error.to_string()))?;
    Ok(FetchedStatus { issuer: credential.issuer, list })
}
