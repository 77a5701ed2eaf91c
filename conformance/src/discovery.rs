//! Version discovery: `GET <root>/.well-known/dspace-version` and the DSP base it yields.

use reqwest::StatusCode;
use serde_json::Value;
use url::Url;

use crate::checks;
use crate::http::{Auth, DspClient};
use crate::schema::{self, DspSchema};
use crate::urls;
use crate::verdict::Findings;

/// Path of the version metadata endpoint below the connector root.
pub const VERSION_PATH: &str = "/.well-known/dspace-version";

/// The protocol version this suite tests.
pub const DSP_VERSION: &str = "2025-1";

/// Fetches the version metadata (without credentials), checks it, and returns
/// `<root> + path` of the first `2025-1` HTTPS entry as the DSP base URL.
pub async fn discover(root: &Url, client: &DspClient) -> Result<Url, Vec<String>> {
    let url = urls::join_path(root, VERSION_PATH).map_err(|e| vec![e])?;
    let exchange = client.get(&url, Auth::Omit).await.map_err(|e| vec![e])?;
    let mut findings = Findings::default();
    if !checks::status(&mut findings, &exchange, StatusCode::OK) {
        return Err(findings.into_reasons());
    }
    checks::json_media_type(&mut findings, &exchange);
    let body = match exchange.json() {
        Ok(body) => body,
        Err(reason) => {
            findings.add(reason);
            return Err(findings.into_reasons());
        }
    };
    if let Err(violations) = schema::validate(DspSchema::ProtocolVersion, &body) {
        let prefix = exchange.describe();
        findings.extend(violations.into_iter().map(|v| format!("{prefix}: {v}")));
    }
    let base = match version_path(&body) {
        Some(path) => findings.take(urls::join_path(root, path).map_err(|e| vec![e])),
        None => {
            findings.add(format!(
                "{}: no protocolVersions entry with version \"{DSP_VERSION}\", binding \"HTTPS\" \
                 and a path",
                exchange.describe()
            ));
            None
        }
    };
    match base {
        Some(base) if findings.is_empty() => Ok(base),
        _ => Err(findings.into_reasons()),
    }
}

/// The `path` of the first `2025-1` entry with the HTTPS binding.
fn version_path(body: &Value) -> Option<&str> {
    body.get("protocolVersions")?
        .as_array()?
        .iter()
        .filter(|entry| entry.get("version").and_then(Value::as_str) == Some(DSP_VERSION))
        .filter(|entry| entry.get("binding").and_then(Value::as_str) == Some("HTTPS"))
        .find_map(|entry| entry.get("path").and_then(Value::as_str))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn picks_the_first_2025_1_https_entry() {
        let body = json!({"protocolVersions": [
            {"version": "2024-1", "path": "/old", "binding": "HTTPS"},
            {"version": "2025-1", "path": "/dsp", "binding": "HTTPS"},
            {"version": "2025-1", "path": "/other", "binding": "HTTPS"}
        ]});
        assert_eq!(version_path(&body), Some("/dsp"));
        assert_eq!(version_path(&json!({"protocolVersions": []})), None);
        assert_eq!(version_path(&json!([])), None);
    }
}
