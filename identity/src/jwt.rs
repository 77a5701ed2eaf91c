//! Compact JWS/JWT: reading the header and claims of a token, checking its signature with a [`VerifyingKey`], and
//! checking its time window. One parse per token: the signature is checked over the bytes as received.

use std::borrow::Cow;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, TimeDelta, Utc};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::keys::VerifyingKey;

/// How far clocks may disagree when checking `exp`, `nbf` and `iat`.
pub const CLOCK_SKEW: TimeDelta = TimeDelta::seconds(30);

/// The protected header of a JWS.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Header {
    /// `alg`.
    pub alg: String,
    /// `kid`: the DID URL of the signing key.
    #[serde(default)]
    pub kid: Option<String>,
    /// `typ`.
    #[serde(default)]
    pub typ: Option<String>,
}

/// Why a JWT was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum JwtError {
    /// Not a compact JWS of JSON header and claims.
    #[error("not a well-formed JWT: {0}")]
    Malformed(String),
    /// The header's `alg` is not the key's.
    #[error("the token is signed with `{found}`, but the key is for `{expected}`")]
    Algorithm {
        /// The key's algorithm.
        expected: &'static str,
        /// The header's.
        found: String,
    },
    /// The signature does not verify.
    #[error("the signature does not verify with the signer's key")]
    Signature,
    /// `exp` has passed.
    #[error("the token expired at {0}")]
    Expired(DateTime<Utc>),
    /// `nbf` or `iat` is in the future.
    #[error("the token is not valid before {0}")]
    NotYetValid(DateTime<Utc>),
}

/// A compact JWS, split and decoded but not verified.
#[derive(Debug)]
pub struct Jwt<'a, C> {
    /// The header.
    pub header: Header,
    /// The claims.
    pub claims: C,
    /// `header.claims`, the signed bytes.
    signed: Cow<'a, str>,
    signature: Vec<u8>,
}

impl<'a, C: DeserializeOwned> Jwt<'a, C> {
    /// Splits and decodes `token`; nothing is verified yet.
    pub fn parse(token: &'a str) -> Result<Jwt<'a, C>, JwtError> {
        let (header, claims, signed_len, signature) = Jwt::<C>::decode(token)?;
        Ok(Jwt { header, claims, signed: Cow::Borrowed(&token[..signed_len]), signature })
    }

    /// [`Jwt::parse`] of a token held by the result.
    pub fn parse_owned(mut token: String) -> Result<Jwt<'static, C>, JwtError> {
        let (header, claims, signed_len, signature) = Jwt::<C>::decode(&token)?;
        token.truncate(signed_len);
        Ok(Jwt { header, claims, signed: Cow::Owned(token), signature })
    }

    /// The header, the claims, the length of the signed part and the signature of `token`.
    fn decode(token: &str) -> Result<(Header, C, usize, Vec<u8>), JwtError> {
        let malformed = |what: &str| JwtError::Malformed(what.to_owned());
        let (signed, signature) = token.rsplit_once('.').ok_or_else(|| malformed("it has no signature part"))?;
        let (header, claims) = signed.split_once('.').ok_or_else(|| malformed("it is not three parts"))?;
        let decode = |part: &str, what: &str| {
            URL_SAFE_NO_PAD.decode(part).map_err(|_| JwtError::Malformed(format!("its {what} is not base64url")))
        };
        let header: Header = serde_json::from_slice(&decode(header, "header")?)
            .map_err(|error| JwtError::Malformed(format!("its header: {error}")))?;
        let claims: C = serde_json::from_slice(&decode(claims, "claims")?)
            .map_err(|error| JwtError::Malformed(format!("its claims: {error}")))?;
        Ok((header, claims, signed.len(), decode(signature, "signature")?))
    }
}

impl<C> Jwt<'_, C> {
    /// The header's `kid`, required to find the signing key.
    pub fn kid(&self) -> Result<&str, JwtError> {
        self.header.kid.as_deref().ok_or_else(|| JwtError::Malformed("its header has no `kid`".into()))
    }

    /// Checks the signature with `key`; the header's `alg` must be the key's.
    pub fn verify(&self, key: &VerifyingKey) -> Result<(), JwtError> {
        let expected = key.algorithm().jose_name();
        if self.header.alg != expected {
            return Err(JwtError::Algorithm { expected, found: self.header.alg.clone() });
        }
        if key.verify(self.signed.as_bytes(), &self.signature) { Ok(()) } else { Err(JwtError::Signature) }
    }
}

/// Checks a time window at `now`, clocks allowed to differ by [`CLOCK_SKEW`]: `exp` must not have passed, `nbf` and
/// `iat` must not be in the future.
pub fn check_window(now: DateTime<Utc>, exp: Option<i64>, nbf: Option<i64>, iat: Option<i64>) -> Result<(), JwtError> {
    let at = |seconds: i64| {
        DateTime::from_timestamp(seconds, 0).ok_or_else(|| JwtError::Malformed(format!("`{seconds}` is not a time")))
    };
    if let Some(exp) = exp.map(at).transpose()?
        && exp + CLOCK_SKEW <= now
    {
        return Err(JwtError::Expired(exp));
    }
    for start in [nbf, iat].into_iter().flatten() {
        let start = at(start)?;
        if start - CLOCK_SKEW > now {
            return Err(JwtError::NotYetValid(start));
        }
    }
    Ok(())
}
