//! What the suite is pointed at and which scenarios it runs.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use url::Url;

/// Who the suite is unless configured otherwise (`--participant-id`).
pub const DEFAULT_PARTICIPANT_ID: &str = "urn:ldt-conformance:suite";

/// How long the suite waits for the connector's own messages and end states by default.
pub const DEFAULT_WAIT_TIMEOUT: Duration = Duration::from_secs(10);

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
    /// The suite's participant id, as the connector knows it (it maps [`token`](Self::token)
    /// to this id); the suite is `assigner` of the agreements it makes as provider.
    pub participant_id: String,
    /// The connector's participant id; when `None` it is read once per run from the
    /// `participantId` of the connector's catalogue.
    pub connector_participant_id: Option<String>,
    /// The connector's negotiation webhook (CN_C and TP_C scenarios, where it is the
    /// consumer); without it, those scenarios are skipped.
    ///
    /// The suite POSTs `{"providerId", "offerId", "datasetId", "connectorAddress"}` (plain
    /// JSON: its participant id, the offer of its dataset, the dataset id, its DSP base URL);
    /// the connector answers 2xx and sends a `ContractRequestMessage` for that offer to
    /// `<connectorAddress>/negotiations/request`.
    pub negotiation_trigger: Option<Url>,
    /// The connector's transfer webhook (TP_C scenarios, where it is the consumer); without
    /// it, those scenarios are skipped.
    ///
    /// Once the connector has a finalized agreement with the suite, the suite POSTs
    /// `{"providerId", "agreementId", "format": "HttpData-PULL", "connectorAddress"}`; the
    /// connector answers 2xx and sends a `TransferRequestMessage` for that agreement to
    /// `<connectorAddress>/transfers/request`.
    pub transfer_trigger: Option<Url>,
    /// Sent as `X-Api-Key` to both webhooks.
    pub trigger_api_key: Option<String>,
    /// Prefix of the dataset ids the negotiation and transfer scenarios use (see
    /// [`scenario_dataset_id`]).
    pub dataset_prefix: String,
    /// How long to wait for a message the connector sends by itself, or for an expected state.
    pub wait_timeout: Duration,
}

impl SuiteConfig {
    /// A configuration for `base_url` with no token, no seeded dataset, every scenario and the
    /// counter-party server on an ephemeral loopback port.
    ///
    /// The suite is [`DEFAULT_PARTICIPANT_ID`], waits [`DEFAULT_WAIT_TIMEOUT`], has no
    /// webhooks and reads the connector's participant id from its catalogue.
    pub fn new(base_url: Url) -> Self {
        Self {
            base_url,
            token: None,
            dataset_id: None,
            scenarios: None,
            callback_bind: default_callback_bind(),
            participant_id: DEFAULT_PARTICIPANT_ID.to_owned(),
            connector_participant_id: None,
            negotiation_trigger: None,
            transfer_trigger: None,
            trigger_api_key: None,
            dataset_prefix: String::new(),
            wait_timeout: DEFAULT_WAIT_TIMEOUT,
        }
    }

    /// The id of the dataset the connector is seeded with for scenario `scenario_id`.
    pub fn scenario_dataset_id(&self, scenario_id: &str) -> String {
        scenario_dataset_id(&self.dataset_prefix, scenario_id)
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

/// The dataset id of scenario `scenario_id`: `prefix` followed by the id in lower case with
/// `:` and `_` turned into `-` (`CN_C:02-05` → `cn-c-02-05`, `TP:01-04` → `tp-01-04`).
///
/// For CN and TP scenarios the connector is seeded with that dataset and scripts its own
/// actions by it; for CN_C and TP_C ones the suite offers it and the connector scripts its
/// actions as consumer by it.
pub fn scenario_dataset_id(prefix: &str, scenario_id: &str) -> String {
    let id: String =
        scenario_id.chars().map(|c| if c == ':' || c == '_' { '-' } else { c.to_ascii_lowercase() }).collect();
    format!("{prefix}{id}")
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
    fn dataset_ids_follow_the_scenario_ids() -> Result<(), url::ParseError> {
        assert_eq!(scenario_dataset_id("", "CN:01-01"), "cn-01-01");
        assert_eq!(scenario_dataset_id("", "CN_C:02-05"), "cn-c-02-05");
        assert_eq!(scenario_dataset_id("urn:ldt:", "CN_C:03-06"), "urn:ldt:cn-c-03-06");
        assert_eq!(scenario_dataset_id("", "TP_C:02-04"), "tp-c-02-04");
        let mut config = SuiteConfig::new(Url::parse("http://127.0.0.1:1/")?);
        assert_eq!(config.scenario_dataset_id("CN:03-04"), "cn-03-04");
        config.dataset_prefix = "x-".to_owned();
        assert_eq!(config.scenario_dataset_id("CN:03-04"), "x-cn-03-04");
        assert_eq!(config.participant_id, DEFAULT_PARTICIPANT_ID);
        assert_eq!(config.wait_timeout, Duration::from_secs(10));
        Ok(())
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
