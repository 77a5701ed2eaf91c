//! DCP self-issued ID tokens (DCP 1.0 §4.3): a participant's own signed statement "I am `iss`, talking to `aud`",
//! sent as `Authorization: Bearer` with every DSP request, carrying in `token` the access token with which the
//! verifier may query the sender's credential service.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::did::{DidDocument, DidError, Relationship, did_of};
use crate::jwt::{Jwt, JwtError, check_window};
use crate::keys::{KeyError, SigningKey};

/// The longest lifetime accepted for a self-issued token: replayed `jti`s need only be remembered this long.
pub const MAX_LIFETIME: TimeDelta = TimeDelta::minutes(10);

/// The claims of a self-issued ID token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SelfIssued {
    /// The issuer: the sender's DID.
    pub iss: String,
    /// The subject: the sender's DID, again.
    pub sub: String,
    /// The audience: the receiver's DID.
    pub aud: Audience,
    /// A unique id, never accepted twice.
    pub jti: String,
    /// Issued at (seconds since the epoch).
    pub iat: i64,
    /// Expires at (seconds since the epoch).
    pub exp: i64,
    /// Not before (seconds since the epoch).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    /// The access token for the sender's credential service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

/// A JWT audience: one value or several.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Audience {
    /// One audience.
    One(String),
    /// Several.
    Many(Vec<String>),
}

impl Audience {
    /// Whether `did` is among the audience.
    pub fn contains(&self, did: &str) -> bool {
        match self {
            Audience::One(one) => one == did,
            Audience::Many(many) => many.iter().any(|one| one == did),
        }
    }
}

/// Why a self-issued token was refused.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// The JWT itself: malformed, bad signature, expired…
    #[error(transparent)]
    Jwt(#[from] JwtError),
    /// `iss` and `sub` differ, or the key is not the issuer's.
    #[error("the token's issuer `{iss}`, subject `{sub}` and signing key `{kid}` do not name one participant")]
    NotSelfIssued {
        /// `iss`.
        iss: String,
        /// `sub`.
        sub: String,
        /// `kid`.
        kid: String,
    },
    /// Another receiver.
    #[error("the token is for {0:?}, not for this connector")]
    Audience(Audience),
    /// Longer-lived than accepted.
    #[error("the token lives longer than {} minutes", MAX_LIFETIME.num_minutes())]
    TooLong,
    /// The signing key is not in the sender's DID document, or not for this use.
    #[error(transparent)]
    Did(#[from] DidError),
    /// No `jti`.
    #[error("the token has no `jti`")]
    NoId,
}

/// Mints a self-issued token from `own_did` to `audience`, valid for `lifetime` (at most [`MAX_LIFETIME`]).
pub fn mint(
    key: &SigningKey,
    own_did: &str,
    audience: &str,
    access_token: Option<String>,
    now: DateTime<Utc>,
    lifetime: TimeDelta,
) -> Result<String, KeyError> {
    let claims = SelfIssued {
        iss: own_did.to_owned(),
        sub: own_did.to_owned(),
        aud: Audience::One(audience.to_owned()),
        jti: uuid::Uuid::new_v4().to_string(),
        iat: now.timestamp(),
        exp: (now + lifetime.min(MAX_LIFETIME)).timestamp(),
        nbf: None,
        token: access_token,
    };
    key.sign("JWT", &format!("{own_did}#{}", key.id()), &claims)
}

/// A self-issued token read but not yet verified: who claims to have sent it, to resolve their DID document.
#[derive(Debug)]
pub struct Unverified<'a>(Jwt<'a, SelfIssued>);

impl<'a> Unverified<'a> {
    /// Reads `token`.
    pub fn parse(token: &'a str) -> Result<Unverified<'a>, TokenError> {
        Ok(Unverified(Jwt::parse(token)?))
    }

    /// The DID the token claims to come from.
    pub fn issuer(&self) -> &str {
        &self.0.claims.iss
    }

    /// The id of the key it claims to be signed with (`kid`), if it names one.
    pub fn key_id(&self) -> Option<&str> {
        self.0.header.kid.as_deref()
    }

    /// Verifies the token against the sender's DID `document`, for the receiver `own_did`, at `now`: the key
    /// (`kid`) is the issuer's and listed for capability invocation, the signature holds, `iss` = `sub` = the
    /// document's DID, the audience is `own_did`, the time window holds with bounded skew, the lifetime is at most
    /// [`MAX_LIFETIME`], and there is a `jti`. Whether the `jti` was seen before is the caller's to check.
    pub fn verify(self, document: &DidDocument, own_did: &str, now: DateTime<Utc>) -> Result<SelfIssued, TokenError> {
        let jwt = self.0;
        let kid = jwt.kid()?;
        let claims = &jwt.claims;
        if claims.iss != claims.sub || did_of(kid) != claims.iss || document.id != claims.iss {
            return Err(TokenError::NotSelfIssued {
                iss: claims.iss.clone(),
                sub: claims.sub.clone(),
                kid: kid.into(),
            });
        }
        jwt.verify(&*document.key(kid, Relationship::CapabilityInvocation)?)?;
        if !claims.aud.contains(own_did) {
            return Err(TokenError::Audience(claims.aud.clone()));
        }
        check_window(now, Some(claims.exp), claims.nbf, Some(claims.iat))?;
        if claims.exp - claims.iat > MAX_LIFETIME.num_seconds() {
            return Err(TokenError::TooLong);
        }
        if claims.jti.is_empty() {
            return Err(TokenError::NoId);
        }
        Ok(jwt.claims)
    }
}
