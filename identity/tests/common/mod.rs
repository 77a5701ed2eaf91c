//! Helpers shared by the integration tests: participants with real keys and DID documents, and hand-made JWS.

#![allow(dead_code)]

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use josekit::jwk::Jwk;
use josekit::jwk::alg::ec::EcCurve;
use josekit::jwk::alg::ed::EdCurve;
use josekit::jws::{ES256, EdDSA, JwsSigner};
use ldt_identity::did::DidDocument;
use ldt_identity::keys::{KeyAlgorithm, SigningKey};
use serde_json::Value;

/// A participant: its DID, the key it signs with (published as `key-1`) and its DID document.
pub struct Party {
    pub did: String,
    pub key: SigningKey,
    pub document: DidDocument,
}

impl Party {
    /// A `did:web` participant with one new key of `algorithm`, usable for every relationship.
    pub fn new(host: &str, algorithm: KeyAlgorithm) -> Party {
        let did = format!("did:web:{host}");
        let key = SigningKey::generate("key-1", algorithm).unwrap();
        let document = DidDocument::new(&did, [(key.id(), key.public_jwk())], []);
        Party { did, key, document }
    }

    /// The DID URL of its key.
    pub fn kid(&self) -> String {
        format!("{}#{}", self.did, self.key.id())
    }
}

/// A private JWK of `algorithm` with its raw JOSE signer, to sign bytes under any header; and the [`SigningKey`] of
/// the same key, for its public JWK.
pub fn raw_signer(id: &str, algorithm: KeyAlgorithm) -> (SigningKey, Box<dyn JwsSigner>) {
    let private = match algorithm {
        KeyAlgorithm::EdDsa => Jwk::generate_ed_key(EdCurve::Ed25519).unwrap(),
        KeyAlgorithm::Es256 => Jwk::generate_ec_key(EcCurve::P256).unwrap(),
    };
    let signer: Box<dyn JwsSigner> = match algorithm {
        KeyAlgorithm::EdDsa => Box::new(EdDSA.signer_from_jwk(&private).unwrap()),
        KeyAlgorithm::Es256 => Box::new(ES256.signer_from_jwk(&private).unwrap()),
    };
    (SigningKey::from_private_jwk(id, private).unwrap(), signer)
}

/// base64url without padding.
pub fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A compact JWS of `header` and `claims`, signed as given by `signer` whatever the header says.
pub fn jws(header: &Value, claims: &Value, signer: &dyn JwsSigner) -> String {
    let signed = format!("{}.{}", b64(header.to_string().as_bytes()), b64(claims.to_string().as_bytes()));
    let signature = signer.sign(signed.as_bytes()).unwrap();
    format!("{signed}.{}", b64(&signature))
}

/// The three parts of a compact JWS.
pub fn parts(token: &str) -> [&str; 3] {
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "{token} is not three parts");
    [parts[0], parts[1], parts[2]]
}

/// The decoded JSON of a JWS part.
pub fn decode_part(part: &str) -> Value {
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
}
