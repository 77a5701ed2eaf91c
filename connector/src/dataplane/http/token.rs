//! The data plane's bearer tokens: compact JWTs signed with HS256 under the connector's own secret, each naming one
//! transfer (`sub`), its expiry (`exp`) and its kind (`kind`: an access token opens the data, a refresh token gets a
//! new pair). No IO: the caller passes the time.

use std::time::{Duration, SystemTime};

use josekit::JoseError;
use josekit::jws::alg::hmac::HmacJwsSigner;
use josekit::jws::{HS256, JwsAlgorithm, JwsHeader, JwsSigner, JwsVerifier};
use josekit::jwt::{self, JwtPayload};
use subtle::ConstantTimeEq;

/// What a token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// Presented as `Authorization: Bearer …` to read the transfer's data.
    Access,
    /// Exchanged at the refresh endpoint for a new access and refresh token.
    Refresh,
}

impl TokenKind {
    /// The value of the `kind` claim.
    fn as_str(self) -> &'static str {
        match self {
            TokenKind::Access => "access",
            TokenKind::Refresh => "refresh",
        }
    }
}

/// Why a token was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// Not a JWT we signed: malformed, another algorithm, a bad signature, or claims missing.
    #[error("the token is not one this data plane issued")]
    Invalid,
    /// A token of the other kind.
    #[error("the token is of the wrong kind: an {} token was expected", .0.as_str())]
    WrongKind(TokenKind),
    /// `exp` has passed.
    #[error("the token has expired")]
    Expired,
}

/// Signs and verifies the data plane's tokens with one HS256 secret.
#[derive(Debug, Clone)]
pub struct TokenKeys {
    signer: HmacJwsSigner,
    verifier: ConstantTimeHmac,
}

impl TokenKeys {
    /// Keys from `secret`, which must be at least 32 bytes (e.g. a secret of `crate::secrets::load_or_create`, as
    /// its bytes).
    pub fn new(secret: &[u8]) -> Result<TokenKeys, JoseError> {
        let signer = HS256.signer_from_bytes(secret)?;
        Ok(TokenKeys { verifier: ConstantTimeHmac(signer.clone()), signer })
    }

    /// A token of `kind` for `transfer_id`, valid from `now` for `lifetime`, both rounded down to whole seconds:
    /// `iat` and `exp` are integers (josekit's time setters write floats, which do not read back exactly and which
    /// many JWT readers refuse).
    pub fn sign(&self, transfer_id: &str, kind: TokenKind, now: SystemTime, lifetime: Duration) -> String {
        let issued_at = now.duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default().as_secs();
        let mut payload = JwtPayload::new();
        payload.set_subject(transfer_id);
        for (claim, value) in [
            ("iat", issued_at.into()),
            ("exp", (issued_at + lifetime.as_secs()).into()),
            ("kind", kind.as_str().into()),
        ] {
            payload.set_claim(claim, Some(value)).expect("a non-negative number, or a claim that is not registered");
        }
        let mut header = JwsHeader::new();
        header.set_token_type("JWT");
        jwt::encode_with_signer(&payload, &header, &self.signer).expect("HMAC signing with a key of accepted length")
    }

    /// The transfer id of `token` if we signed it, it is of `kind`, and it has not expired at `now`.
    pub fn verify(&self, token: &str, kind: TokenKind, now: SystemTime) -> Result<String, TokenError> {
        let (payload, _) = jwt::decode_with_verifier(token, &self.verifier).map_err(|_| TokenError::Invalid)?;
        let expires_at = payload.expires_at().ok_or(TokenError::Invalid)?;
        let transfer_id = payload.subject().ok_or(TokenError::Invalid)?;
        match payload.claim("kind").and_then(|kind| kind.as_str()) {
            Some(found) if found == kind.as_str() => {}
            Some(_) => return Err(TokenError::WrongKind(kind)),
            None => return Err(TokenError::Invalid),
        }
        if now >= expires_at {
            return Err(TokenError::Expired);
        }
        Ok(transfer_id.to_owned())
    }
}

/// HS256 verification comparing MACs in constant time (josekit's own HMAC verifier compares with `!=`, which tells
/// a forger through timing how much of a guessed MAC is right).
#[derive(Debug, Clone)]
struct ConstantTimeHmac(HmacJwsSigner);

impl JwsVerifier for ConstantTimeHmac {
    fn algorithm(&self) -> &dyn JwsAlgorithm {
        self.0.algorithm()
    }

    fn key_id(&self) -> Option<&str> {
        None
    }

    fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), JoseError> {
        let expected = self.0.sign(message)?;
        if bool::from(expected.ct_eq(signature)) {
            Ok(())
        } else {
            Err(JoseError::InvalidSignature(anyhow::anyhow!("the MAC does not match")))
        }
    }

    fn box_clone(&self) -> Box<dyn JwsVerifier> {
        Box::new(self.clone())
    }
}

#[cfg(test)]
mod tests {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    use super::*;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";
    const HOUR: Duration = Duration::from_secs(3600);

    fn keys() -> TokenKeys {
        TokenKeys::new(SECRET).unwrap()
    }

    #[test]
    fn a_token_names_its_transfer_until_it_expires() {
        let now = SystemTime::now();
        let token = keys().sign("urn:uuid:t1", TokenKind::Access, now, HOUR);
        assert_eq!(keys().verify(&token, TokenKind::Access, now).unwrap(), "urn:uuid:t1");
        let almost = now + HOUR - Duration::from_secs(2);
        assert_eq!(keys().verify(&token, TokenKind::Access, almost).unwrap(), "urn:uuid:t1");
    }

    #[test]
    fn a_token_of_the_other_kind_is_refused() {
        let now = SystemTime::now();
        let refresh = keys().sign("t", TokenKind::Refresh, now, HOUR);
        assert_eq!(keys().verify(&refresh, TokenKind::Access, now), Err(TokenError::WrongKind(TokenKind::Access)));
        let access = keys().sign("t", TokenKind::Access, now, HOUR);
        assert_eq!(keys().verify(&access, TokenKind::Refresh, now), Err(TokenError::WrongKind(TokenKind::Refresh)));
    }

    #[test]
    fn an_expired_token_is_refused() {
        let issued = SystemTime::UNIX_EPOCH + Duration::new(1_760_000_000, 999_999_999);
        let token = keys().sign("t", TokenKind::Access, issued, HOUR);
        assert_eq!(keys().verify(&token, TokenKind::Access, issued + HOUR), Err(TokenError::Expired));
        let whole_second_before = SystemTime::UNIX_EPOCH + Duration::from_secs(1_760_000_000 + 3599);
        assert_eq!(keys().verify(&token, TokenKind::Access, whole_second_before).unwrap(), "t");
        let payload = token.split('.').nth(1).unwrap();
        let claims: serde_json::Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
        assert_eq!((claims["iat"].as_u64(), claims["exp"].as_u64()), (Some(1_760_000_000), Some(1_760_003_600)));
    }

    #[test]
    fn a_forged_or_foreign_token_is_refused() {
        let now = SystemTime::now();
        let token = keys().sign("t", TokenKind::Access, now, HOUR);
        let other = TokenKeys::new(b"another secret, also 32 bytes ok").unwrap();
        assert_eq!(other.verify(&token, TokenKind::Access, now), Err(TokenError::Invalid));
        let (signed, signature) = token.rsplit_once('.').unwrap();
        let flipped = if signature.starts_with('A') { "B" } else { "A" };
        let tampered = format!("{signed}.{flipped}{}", &signature[1..]);
        assert_eq!(keys().verify(&tampered, TokenKind::Access, now), Err(TokenError::Invalid));
        let payload = signed.split_once('.').unwrap().1;
        let unsigned = format!("{}.{payload}.", URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#));
        for garbage in ["", "abc", "a.b.c", &unsigned] {
            assert_eq!(keys().verify(garbage, TokenKind::Access, now), Err(TokenError::Invalid), "{garbage}");
        }
    }

    #[test]
    fn a_short_secret_is_refused() {
        assert!(TokenKeys::new(b"too short").is_err());
    }
}
