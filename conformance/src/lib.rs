//! Black-box Dataspace Protocol (DSP) 2025-1 conformance suite.
//!
//! Point it at any connector's root URL: it discovers the DSP base from
//! `/.well-known/dspace-version`, plays the counter-party, and checks every answer against
//! the official 2025-1 JSON schemas and JSON-LD context (bundled, nothing fetched).
//!
//! Contract negotiation scenarios (CN, CN_C) need the connector seeded with one dataset per
//! scenario (see [`SuiteConfig::scenario_dataset_id`]) and a test-only scripted reaction per
//! dataset; the CN_C ones (connector as consumer) also need its negotiation webhook
//! ([`SuiteConfig::negotiation_trigger`]) and are skipped without it.
//!
//! Transfer scenarios (TP, TP_C; HTTP pull) first negotiate a finalized agreement on the
//! scenario's dataset between the same two roles, then transfer under it: for TP the
//! connector provides (seeded with the dataset, scripting its transfer reactions by it), for
//! TP_C it consumes, triggered through both webhooks ([`SuiteConfig::transfer_trigger`] too;
//! skipped without either).
//!
//! ```no_run
//! # async fn example() -> Result<(), url::ParseError> {
//! let mut config = ldt_conformance::SuiteConfig::new("http://127.0.0.1:8080/".parse()?);
//! config.dataset_id = Some("urn:dataset:1".into());
//! let report = ldt_conformance::run(&config).await;
//! assert!(report.passed(), "{}", report.render_text());
//! # Ok(())
//! # }
//! ```

#![warn(missing_docs)]

pub mod checks;
pub mod config;
pub mod context;
pub mod counterparty;
pub mod discovery;
pub mod http;
pub mod jsonld;
pub mod links;
pub mod messages;
pub mod negotiation;
pub mod participant;
pub mod process;
pub mod report;
pub mod retry;
pub mod scenario;
pub mod scenarios;
pub mod schema;
pub mod transfer;
pub mod trigger;
pub mod urls;
pub mod verdict;

pub use config::SuiteConfig;
pub use counterparty::CounterParty;
pub use report::{Outcome, Report, ScenarioResult};

/// Runs every scenario `config` selects against the connector it points at.
///
/// Never panics on a misbehaving connector: errors, timeouts and bad answers become
/// [`Outcome::Failed`] reasons.
pub async fn run(config: &SuiteConfig) -> Report {
    scenario::run_scenarios(config, &scenarios::registry()).await
}
