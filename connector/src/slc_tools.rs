//! `ldt-connector slc assess|discover|schema`: Surface-level components for operators, through a running
//! connector's management API; readable by people (`--format text`) or JSON for tools.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use ldt_catalog::slc::{Assessment, render};
use serde_json::{Value, json};

use crate::management::slcs::Discovery;
use crate::management::{API_KEY_HEADER, MANAGEMENT_PATH};
use crate::policy_tools::Format;

/// The JSON Schema of an SLC descriptor.
pub const DESCRIPTOR_SCHEMA: &str = include_str!("../../assets/slc/slc-descriptor.schema.json");

/// How to reach the connector's management API.
#[derive(Debug, Clone, clap::Args)]
pub struct Target {
    /// The connector's root URL.
    #[arg(long, env = "LDT_CONNECTOR_URL", default_value = "http://127.0.0.1:8181")]
    pub connector: String,
    /// Its management API key; by default read from `<data dir>/management-api-key`.
    #[arg(long, env = "LDT_API_KEY")]
    pub api_key: Option<String>,
    /// The connector's data directory, where its generated API key is.
    #[arg(long, default_value = "ldt-data")]
    pub data_dir: PathBuf,
}

impl Target {
    async fn post(&self, path: &str, body: &Value) -> anyhow::Result<Value> {
        let key = match &self.api_key {
            Some(key) => key.clone(),
            None => {
                let file = self.data_dir.join("management-api-key");
                tokio::fs::read_to_string(&file)
                    .await
                    .with_context(|| format!("no --api-key given and {} cannot be read", file.display()))?
                    .trim()
                    .to_owned()
            }
        };
        let url = format!("{}{MANAGEMENT_PATH}{path}", self.connector.trim_end_matches('/'));
        let response = reqwest::Client::new()
            .post(&url)
            .header(API_KEY_HEADER, key)
            .json(body)
            .send()
            .await
            .with_context(|| format!("could not reach {url}"))?;
        let status = response.status();
        let answer: Value = response.json().await.unwrap_or(Value::Null);
        if !status.is_success() {
            let detail = answer.get("detail").and_then(Value::as_str).unwrap_or("");
            let fields = answer.get("errors").map(|errors| format!(" {errors}")).unwrap_or_default();
            bail!("{url} answered {status}: {detail}{fields}");
        }
        Ok(answer)
    }
}

/// Judges the descriptor in `file` against the connector's LDT; returns what to print.
pub async fn assess(target: &Target, file: &Path, format: Format) -> anyhow::Result<String> {
    let text = tokio::fs::read_to_string(file).await.with_context(|| format!("reading {}", file.display()))?;
    let descriptor: Value = serde_json::from_str(&text).with_context(|| format!("{} is not JSON", file.display()))?;
    let answer = target.post("/slcs/assess", &json!({ "descriptor": descriptor })).await?;
    match format {
        Format::Json => Ok(serde_json::to_string_pretty(&answer)?),
        Format::Text => Ok(render(&serde_json::from_value::<Assessment>(answer)?)),
    }
}

/// Asks the connector which components of the data space work on its LDT; returns what to print.
pub async fn discover(
    target: &Target,
    authority: Option<String>,
    authority_id: Option<String>,
    force: bool,
    format: Format,
) -> anyhow::Result<String> {
    let request = json!({ "authorityAddress": authority, "authorityId": authority_id, "force": force });
    let answer = target.post("/slcs/discover", &request).await?;
    match format {
        Format::Json => Ok(serde_json::to_string_pretty(&answer)?),
        Format::Text => Ok(discovery_text(&serde_json::from_value(answer)?)),
    }
}

/// A discovery in words: the members read, then the components best first, each explained.
pub fn discovery_text(discovery: &Discovery) -> String {
    let refresh = &discovery.refresh;
    let mut out = format!(
        "{} members: {} catalogues read anew, {} unchanged, {} fresh, {} failed, {} to retry later ({} ms)\n",
        refresh.members,
        refresh.changed,
        refresh.unchanged,
        refresh.fresh,
        refresh.failed,
        refresh.retry_later,
        refresh.millis
    );
    for member in &discovery.members {
        let problem = member.error.as_deref().map(|error| format!(" — {error}")).unwrap_or_default();
        let _ = writeln!(
            out,
            "  {} ({}): {} products, {} components{problem}",
            member.participant.name, member.participant.id, member.products, member.components
        );
    }
    let _ = writeln!(out, "\n{} components, best first:", discovery.candidates.len());
    for (rank, candidate) in discovery.candidates.iter().enumerate() {
        let _ = write!(out, "\n{}. from {}: {}", rank + 1, candidate.publisher.name, render(&candidate.assessment));
    }
    out
}
