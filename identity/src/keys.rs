//! Signing keys as JWKs (Ed25519 with `EdDSA`, P-256 with `ES256`; josekit), the key ring a participant signs with
//! and rotates, and public keys that verify signatures.
//!
//! A private key never leaves this module in readable form except through [`KeyRing::to_json`] (for the key store
//! file); `Debug` shows only ids and algorithms.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use josekit::jwk::Jwk;
use josekit::jwk::alg::ec::EcCurve;
use josekit::jwk::alg::ed::EdCurve;
use josekit::jws::{ES256, EdDSA, JwsHeader, JwsSigner};
use serde::{Deserialize, Serialize};

/// A signature algorithm of this connector's keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum KeyAlgorithm {
    /// Ed25519 (`OKP` keys), JOSE `EdDSA`.
    #[serde(rename = "EdDSA")]
    EdDsa,
    /// ECDSA on P-256 (`EC` keys), JOSE `ES256`.
    #[serde(rename = "ES256")]
    Es256,
}

impl KeyAlgorithm {
    /// The JOSE `alg` name.
    pub fn jose_name(self) -> &'static str {
        match self {
            KeyAlgorithm::EdDsa => "EdDSA",
            KeyAlgorithm::Es256 => "ES256",
        }
    }

    /// The algorithm of a public or private JWK, from its `kty` and `crv`.
    pub fn of_jwk(jwk: &serde_json::Value) -> Result<KeyAlgorithm, KeyError> {
        match (jwk.get("kty").and_then(|v| v.as_str()), jwk.get("crv").and_then(|v| v.as_str())) {
            (Some("OKP"), Some("Ed25519")) => Ok(KeyAlgorithm::EdDsa),
            (Some("EC"), Some("P-256")) => Ok(KeyAlgorithm::Es256),
            (kty, crv) => Err(KeyError::Unsupported(format!(
                "a `{}` key on `{}` (supported: OKP Ed25519, EC P-256)",
                kty.unwrap_or("?"),
                crv.unwrap_or("?")
            ))),
        }
    }
}

/// Why a key could not be made, read or used.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The key's type or curve is not one this connector uses.
    #[error("unsupported key: {0}")]
    Unsupported(String),
    /// The JWK is malformed.
    #[error("malformed key: {0}")]
    Malformed(String),
    /// Signing failed.
    #[error("cannot sign: {0}")]
    Signing(String),
}

fn malformed(error: impl fmt::Display) -> KeyError {
    KeyError::Malformed(error.to_string())
}

/// A private key that signs JWS, with the id it is published under in the DID document (`key-1`).
pub struct SigningKey {
    id: String,
    algorithm: KeyAlgorithm,
    private: Jwk,
    public: serde_json::Value,
    signer: Box<dyn JwsSigner>,
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey").field("id", &self.id).field("algorithm", &self.algorithm).finish_non_exhaustive()
    }
}

impl SigningKey {
    /// A new random key.
    pub fn generate(id: impl Into<String>, algorithm: KeyAlgorithm) -> Result<SigningKey, KeyError> {
        let private = match algorithm {
            KeyAlgorithm::EdDsa => Jwk::generate_ed_key(EdCurve::Ed25519),
            KeyAlgorithm::Es256 => Jwk::generate_ec_key(EcCurve::P256),
        }
        .map_err(malformed)?;
        SigningKey::from_private_jwk(id, private)
    }

    /// The key of a private JWK.
    pub fn from_private_jwk(id: impl Into<String>, private: Jwk) -> Result<SigningKey, KeyError> {
        let algorithm = KeyAlgorithm::of_jwk(&serde_json::Value::Object(private.as_ref().clone()))?;
        let signer: Box<dyn JwsSigner> = match algorithm {
            KeyAlgorithm::EdDsa => Box::new(EdDSA.signer_from_jwk(&private).map_err(malformed)?),
            KeyAlgorithm::Es256 => Box::new(ES256.signer_from_jwk(&private).map_err(malformed)?),
        };
        let public = serde_json::Value::Object(private.to_public_key().map_err(malformed)?.into());
        Ok(SigningKey { id: id.into(), algorithm, private, public, signer })
    }

    /// The id the key is published under, relative to the DID (`key-1`).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The signature algorithm.
    pub fn algorithm(&self) -> KeyAlgorithm {
        self.algorithm
    }

    /// The public half as a JWK.
    pub fn public_jwk(&self) -> &serde_json::Value {
        &self.public
    }

    /// A compact JWS of `claims` with the header `typ` and `kid` (the verification method's DID URL).
    pub fn sign(&self, typ: &str, kid: &str, claims: &impl Serialize) -> Result<String, KeyError> {
        let payload = serde_json::to_vec(claims).map_err(|error| KeyError::Signing(error.to_string()))?;
        let mut header = JwsHeader::new();
        header.set_token_type(typ);
        header.set_key_id(kid);
        josekit::jws::serialize_compact(&payload, &header, self.signer.as_ref())
            .map_err(|error| KeyError::Signing(error.to_string()))
    }
}

/// A public key that verifies JWS signatures: Ed25519 with `ed25519-dalek`, P-256 with `ring` (both measured several
/// times faster here than OpenSSL 3.0 through josekit, which looks up its providers on every call). Signing stays
/// with josekit.
pub struct VerifyingKey {
    algorithm: KeyAlgorithm,
    verifier: Verifier,
}

enum Verifier {
    Ed25519(ed25519_dalek::VerifyingKey),
    /// The uncompressed point (`04 || x || y`), as ring reads it.
    P256(Vec<u8>),
}

impl fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyingKey").field("algorithm", &self.algorithm).finish_non_exhaustive()
    }
}

impl VerifyingKey {
    /// The key of a public JWK (`OKP` Ed25519 or `EC` P-256); private members, if any, are ignored.
    pub fn from_jwk(jwk: &serde_json::Value) -> Result<VerifyingKey, KeyError> {
        let algorithm = KeyAlgorithm::of_jwk(jwk)?;
        let verifier = match algorithm {
            KeyAlgorithm::EdDsa => {
                let x = jwk.get("x").and_then(|x| x.as_str()).ok_or_else(|| malformed("an OKP key has no `x`"))?;
                let bytes: [u8; 32] = URL_SAFE_NO_PAD
                    .decode(x)
                    .ok()
                    .and_then(|bytes| bytes.try_into().ok())
                    .ok_or_else(|| malformed("`x` is not 32 bytes of base64url"))?;
                Verifier::Ed25519(ed25519_dalek::VerifyingKey::from_bytes(&bytes).map_err(malformed)?)
            }
            KeyAlgorithm::Es256 => {
                let mut point = vec![4];
                for name in ["x", "y"] {
                    let text =
                        jwk.get(name).and_then(|c| c.as_str()).ok_or_else(|| malformed(format!("no `{name}`")))?;
                    let bytes = URL_SAFE_NO_PAD.decode(text).ok().filter(|bytes| bytes.len() == 32);
                    point.extend(bytes.ok_or_else(|| malformed(format!("`{name}` is not 32 bytes of base64url")))?);
                }
                Verifier::P256(point)
            }
        };
        Ok(VerifyingKey { algorithm, verifier })
    }

    /// The signature algorithm.
    pub fn algorithm(&self) -> KeyAlgorithm {
        self.algorithm
    }

    /// Whether `signature` is this key's signature of `message` (JWS form: raw `R || S` for both algorithms).
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        match &self.verifier {
            Verifier::Ed25519(key) => ed25519_dalek::Signature::from_slice(signature)
                .is_ok_and(|signature| key.verify_strict(message, &signature).is_ok()),
            Verifier::P256(point) => {
                ring::signature::UnparsedPublicKey::new(&ring::signature::ECDSA_P256_SHA256_FIXED, point)
                    .verify(message, signature)
                    .is_ok()
            }
        }
    }
}

/// One key of a [`KeyRing`], as stored.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredKey {
    id: String,
    created: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    retired: Option<DateTime<Utc>>,
    private_jwk: serde_json::Map<String, serde_json::Value>,
}

/// The keys a participant signs with: the newest signs; older ones, once rotated out, stay published (so tokens
/// and credentials they signed keep verifying) until they are forgotten.
#[derive(Debug)]
pub struct KeyRing {
    keys: Vec<RingKey>,
}

#[derive(Debug)]
struct RingKey {
    key: SigningKey,
    created: DateTime<Utc>,
    retired: Option<DateTime<Utc>>,
}

impl KeyRing {
    /// A ring of one new key, `key-1`.
    pub fn generate(algorithm: KeyAlgorithm, now: DateTime<Utc>) -> Result<KeyRing, KeyError> {
        let key = SigningKey::generate("key-1", algorithm)?;
        Ok(KeyRing { keys: vec![RingKey { key, created: now, retired: None }] })
    }

    /// The key that signs now.
    pub fn active(&self) -> &SigningKey {
        // `generate`, `from_json` and `rotate` keep at least one key, the last being the active one.
        &self.keys[self.keys.len() - 1].key
    }

    /// A new key becomes the active one; the previous one is retired but stays published. Returns the new key.
    pub fn rotate(&mut self, algorithm: KeyAlgorithm, now: DateTime<Utc>) -> Result<&SigningKey, KeyError> {
        let next = self.keys.iter().filter_map(|k| k.key.id.strip_prefix("key-")?.parse::<u64>().ok()).max();
        let key = SigningKey::generate(format!("key-{}", next.unwrap_or(0) + 1), algorithm)?;
        if let Some(previous) = self.keys.last_mut() {
            previous.retired.get_or_insert(now);
        }
        self.keys.push(RingKey { key, created: now, retired: None });
        Ok(self.active())
    }

    /// Forgets the keys retired before `before`: they no longer verify anything. Returns how many.
    pub fn forget_retired(&mut self, before: DateTime<Utc>) -> usize {
        let count = self.keys.len();
        self.keys.retain(|k| k.retired.is_none_or(|retired| retired >= before));
        count - self.keys.len()
    }

    /// Every published key, the active one last: its id and public JWK.
    pub fn published(&self) -> impl Iterator<Item = (&str, &serde_json::Value)> {
        self.keys.iter().map(|k| (k.key.id(), k.key.public_jwk()))
    }

    /// The ring as the key store file holds it. Contains private keys.
    pub fn to_json(&self) -> String {
        let stored: Vec<StoredKey> = self
            .keys
            .iter()
            .map(|k| StoredKey {
                id: k.key.id.clone(),
                created: k.created,
                retired: k.retired,
                private_jwk: k.key.private.as_ref().clone(),
            })
            .collect();
        serde_json::to_string_pretty(&stored).unwrap_or_default()
    }

    /// The ring of a key store file.
    pub fn from_json(text: &str) -> Result<KeyRing, KeyError> {
        let stored: Vec<StoredKey> = serde_json::from_str(text).map_err(malformed)?;
        let keys = stored
            .into_iter()
            .map(|s| {
                let private = Jwk::from_map(s.private_jwk).map_err(malformed)?;
                Ok(RingKey {
                    key: SigningKey::from_private_jwk(s.id, private)?,
                    created: s.created,
                    retired: s.retired,
                })
            })
            .collect::<Result<Vec<_>, KeyError>>()?;
        if keys.is_empty() {
            return Err(malformed("the key store holds no key"));
        }
        Ok(KeyRing { keys })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rotated_ring_keeps_publishing_the_old_key_until_it_is_forgotten() {
        let t0 = Utc::now();
        let mut ring = KeyRing::generate(KeyAlgorithm::EdDsa, t0).unwrap();
        let first = ring.active().public_jwk().clone();
        ring.rotate(KeyAlgorithm::Es256, t0 + chrono::TimeDelta::days(1)).unwrap();
        assert_eq!(ring.active().id(), "key-2");
        assert_eq!(ring.active().algorithm(), KeyAlgorithm::Es256);
        let published: Vec<_> = ring.published().map(|(id, _)| id.to_owned()).collect();
        assert_eq!(published, ["key-1", "key-2"]);
        let reread = KeyRing::from_json(&ring.to_json()).unwrap();
        assert_eq!(reread.published().next().unwrap().1, &first);
        let mut reread = reread;
        assert_eq!(reread.forget_retired(t0), 0, "retired after t0");
        assert_eq!(reread.forget_retired(t0 + chrono::TimeDelta::days(2)), 1);
        assert_eq!(reread.published().count(), 1);
    }

    #[test]
    fn debug_never_shows_the_private_key() {
        let key = SigningKey::generate("key-1", KeyAlgorithm::EdDsa).unwrap();
        let d = key.private.parameter("d").and_then(|d| d.as_str()).unwrap().to_owned();
        assert!(!format!("{key:?}").contains(&d));
        let ring = KeyRing { keys: vec![RingKey { key, created: Utc::now(), retired: None }] };
        assert!(!format!("{ring:?}").contains(&d));
    }

    #[test]
    fn a_signature_verifies_with_the_public_key_only() {
        for algorithm in [KeyAlgorithm::EdDsa, KeyAlgorithm::Es256] {
            let key = SigningKey::generate("key-1", algorithm).unwrap();
            let jws = key.sign("JWT", "did:example:a#key-1", &serde_json::json!({"a": 1})).unwrap();
            let verifying = VerifyingKey::from_jwk(key.public_jwk()).unwrap();
            assert!(key.public_jwk().get("d").is_none());
            let (signed, signature) = jws.rsplit_once('.').unwrap();
            let signature = URL_SAFE_NO_PAD.decode(signature).unwrap();
            assert!(verifying.verify(signed.as_bytes(), &signature));
            assert!(!verifying.verify(format!("{signed}x").as_bytes(), &signature));
            let other = VerifyingKey::from_jwk(SigningKey::generate("k", algorithm).unwrap().public_jwk()).unwrap();
            assert!(!other.verify(signed.as_bytes(), &signature));
        }
    }
}
