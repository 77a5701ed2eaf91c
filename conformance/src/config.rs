//! What the suite is pointed at and which scenarios it runs.

use std::net::{Ipv4Addr, SocketAddr};

use url::Url;

/// Configuration of one suite run against a connector under test.
#[derive(Debug, Clone)]
pub struct SuiteConfig {
    /// Root URL of the connector; `/.well-known/dspace-version` is resolved against it.
    pub base_url: Url,
    /// Credential for DSP requests: sent verbatim as the `Authorization` value when it contains
    /// a space (e.g. `"Basic abc"`), otherwise as `Bearer <token>`.
    pub token: Option<String>,
    /// Id of a dataset the connector under test is seeded with.
    pub dataset_id: Option<String>,
    /// Scenario id prefixes to run (e.g. `"CAT"` or `"CAT:01-02"`); `None` runs every scenario.
    pub scenarios: Option<Vec<String>>,
    /// Address the suite's own counter-party DSP server binds to.
    pub callback_bind: SocketAddr,
}

impl SuiteConfig {
    /// A configuration for `base_url` with no token, no seeded dataset, every scenario and the
    /// counter-party server on an ephemeral loopback port.
    pub fn new(base_url: Url) -> Self {
        Self { base_url, token: None, dataset_id: None, scenarios: None, callback_bind: default_callback_bind() }
    }

    /// The `Authorization` header value DSP requests carry, if a token is configured.
    pub fn authorization(&self) -> Option<String> {
        self.token.as_deref().map(authorization_value)
    }

    /// Whether the scenario `id` is selected by the [`scenarios`](Self::scenarios) filter.
    pub fn selects(&self, id: &str) -> bool {
        self.scenarios.as_ref().is_none_or(|prefixes| prefixes.iter().any(|prefix| id.starts_with(prefix.trim())))
    }
}

/// The default counter-party address: `127.0.0.1:0` (an ephemeral loopback port).
pub fn default_callback_bind() -> SocketAddr {
    SocketAddr::from((Ipv4Addr::LOCALHOST, 0))
}

/// Turns a token into an `Authorization` value: verbatim if it already names a scheme
/// (contains a space), else as a bearer token.
pub fn authorization_value(token: &str) -> String {
    let token = token.trim();
    if token.contains(' ') { token.to_owned() } else { format!("Bearer {token}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_tokens_become_bearer_tokens() {
        assert_eq!(authorization_value("abc"), "Bearer abc");
        assert_eq!(authorization_value("Basic dXNlcg=="), "Basic dXNlcg==");
    }

    #[test]
    fn scenario_filter_matches_by_prefix() -> Result<(), url::ParseError> {
        let mut config = SuiteConfig::new(Url::parse("http://127.0.0.1:1/")?);
        assert!(config.selects("CAT:01-01"));
        config.scenarios = Some(vec!["CAT:01-02".to_owned(), "MET".to_owned()]);
        assert!(config.selects("CAT:01-02"));
        assert!(config.selects("MET:01-01"));
        assert!(!config.selects("CAT:01-01"));
        Ok(())
    }
}
