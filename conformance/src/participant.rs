//! The connector's participant id, as its catalogue states it.

use reqwest::StatusCode;
use serde_json::Value;
use url::Url;

use crate::http::{Auth, DspClient};
use crate::messages::catalog;
use crate::urls;

/// `participantId` of the catalogue `POST <dsp_base>/catalog/request` answers with (first
/// page only; the catalogue's conformance is checked by CAT:01-01, not here).
pub async fn from_catalog(client: &DspClient, dsp_base: &Url) -> Result<String, String> {
    let url = urls::with_segments(dsp_base, &["catalog", "request"])?;
    let exchange = client.post_json(&url, &catalog::catalog_request(), Auth::Send).await?;
    if exchange.status != StatusCode::OK {
        return Err(format!(
            "{}: expected status 200 OK, got {}: {:?}",
            exchange.describe(),
            exchange.status,
            exchange.body_snippet(300)
        ));
    }
    let catalog = exchange.json()?;
    catalog
        .get("participantId")
        .and_then(Value::as_str)
        .filter(|id| !id.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| format!("{}: the catalogue has no string participantId", exchange.describe()))
}
