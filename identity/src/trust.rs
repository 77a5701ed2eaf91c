//! Which issuers are trusted for which credential types.

use serde::{Deserialize, Serialize};

/// An issuer trusted for some credential types.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrustedIssuer {
    /// The issuer's DID.
    pub issuer: String,
    /// The credential types it is trusted for (`MembershipCredential`); empty: any.
    #[serde(default)]
    pub types: Vec<String>,
}

/// The trusted issuers of a connector.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TrustedIssuers(pub Vec<TrustedIssuer>);

/// Credential types every credential has, which say nothing an issuer must be trusted for.
const BASE_TYPES: [&str; 1] = ["VerifiableCredential"];

impl TrustedIssuers {
    /// Whether `issuer` is trusted for every type of a credential with `types`.
    pub fn trusts(&self, issuer: &str, types: &[String]) -> bool {
        let has_specific = types.iter().any(|t| !BASE_TYPES.contains(&t.as_str()));
        self.0.iter().any(|trusted| {
            trusted.issuer == issuer
                && (trusted.types.is_empty()
                    || has_specific
                        && types
                            .iter()
                            .filter(|t| !BASE_TYPES.contains(&t.as_str()))
                            .all(|t| trusted.types.contains(t)))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_issuer_is_trusted_only_for_its_types() {
        let trusted = TrustedIssuers(vec![TrustedIssuer {
            issuer: "did:web:authority".into(),
            types: vec!["MembershipCredential".into()],
        }]);
        let membership = ["VerifiableCredential".to_owned(), "MembershipCredential".to_owned()];
        assert!(trusted.trusts("did:web:authority", &membership));
        assert!(!trusted.trusts("did:web:other", &membership));
        assert!(
            !trusted.trusts("did:web:authority", &["VerifiableCredential".into(), "DataProviderCredential".into()])
        );
        let any = TrustedIssuers(vec![TrustedIssuer { issuer: "did:web:authority".into(), types: vec![] }]);
        assert!(any.trusts("did:web:authority", &["VerifiableCredential".into(), "DataProviderCredential".into()]));
    }
}
