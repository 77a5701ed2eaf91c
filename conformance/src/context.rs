//! What every scenario gets: configuration, HTTP client, the discovered DSP base and the
//! counter-party server.

use tokio::sync::OnceCell;
use url::Url;

use crate::config::SuiteConfig;
use crate::counterparty::CounterParty;
use crate::discovery;
use crate::http::DspClient;
use crate::participant;
use crate::urls;
use crate::verdict::Stop;

/// Shared state of one suite run.
#[derive(Debug)]
pub struct Context {
    config: SuiteConfig,
    client: DspClient,
    discovery: OnceCell<Result<Url, Vec<String>>>,
    connector_participant_id: OnceCell<Result<String, Stop>>,
    counter_party: Result<CounterParty, String>,
}

impl Context {
    /// Builds the client and starts the counter-party server on `config.callback_bind`.
    /// Fails only when the configured token cannot be sent as a header.
    pub async fn new(config: SuiteConfig) -> Result<Self, String> {
        let client = DspClient::new(config.authorization().as_deref())?;
        let counter_party = CounterParty::start(config.callback_bind)
            .await
            .map_err(|e| format!("the counter-party server cannot bind {}: {e}", config.callback_bind));
        Ok(Self {
            config,
            client,
            discovery: OnceCell::new(),
            connector_participant_id: OnceCell::new(),
            counter_party,
        })
    }

    /// The run's configuration.
    pub fn config(&self) -> &SuiteConfig {
        &self.config
    }

    /// The client for requests to the connector under test.
    pub fn client(&self) -> &DspClient {
        &self.client
    }

    /// The seeded dataset id, if one was configured.
    pub fn dataset_id(&self) -> Option<&str> {
        self.config.dataset_id.as_deref()
    }

    /// Result of version discovery (MET:01-01), performed once per run on first use.
    pub async fn discovery(&self) -> &Result<Url, Vec<String>> {
        self.discovery.get_or_init(|| discovery::discover(&self.config.base_url, &self.client)).await
    }

    /// The DSP base URL; skips the calling scenario when discovery failed.
    pub async fn dsp_base(&self) -> Result<&Url, Stop> {
        self.discovery().await.as_ref().map_err(|reasons| {
            let first = reasons.first().map_or("", String::as_str);
            let more = match reasons.len() {
                0 | 1 => String::new(),
                n => format!(" (and {} more)", n - 1),
            };
            Stop::skip(format!("the DSP base URL is unknown: version discovery (MET:01-01) failed: {first}{more}"))
        })
    }

    /// `<DSP base>/<segment>/…`, each segment percent-encoded.
    pub async fn dsp_url(&self, segments: &[&str]) -> Result<Url, Stop> {
        let base = self.dsp_base().await?;
        urls::with_segments(base, segments).map_err(Stop::fail)
    }

    /// The connector's participant id: as configured, else read once per run from its
    /// catalogue (skips the caller when the DSP base is unknown, fails it when the catalogue
    /// does not say).
    pub async fn connector_participant_id(&self) -> Result<&str, Stop> {
        if let Some(id) = &self.config.connector_participant_id {
            return Ok(id);
        }
        let lookup = self
            .connector_participant_id
            .get_or_init(|| async {
                let base = self.dsp_base().await?;
                participant::from_catalog(&self.client, base).await.map_err(|reason| {
                    Stop::fail(format!(
                        "cannot learn the connector's participant id from its catalogue \
                         (configure --connector-participant-id): {reason}"
                    ))
                })
            })
            .await;
        lookup.as_deref().map_err(Clone::clone)
    }

    /// The counter-party server; fails the calling scenario when it could not start.
    pub fn counter_party(&self) -> Result<&CounterParty, Stop> {
        self.counter_party.as_ref().map_err(|e| Stop::fail(e.clone()))
    }
}
