//! `GET /.well-known/dspace-version`: the protocol versions this connector speaks and where. Unauthenticated.

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

use crate::app::AppState;

/// The path of the DSP endpoints, below the connector's public URL.
pub const DSP_PATH: &str = "/dsp";

/// Lists DSP 2025-1 over HTTPS at this connector's DSP path.
pub async fn versions(State(state): State<AppState>) -> Json<Value> {
    Json(json!({
        "protocolVersions": [{
            "version": "2025-1",
            "path": &*state.dsp_path,
            "binding": "HTTPS",
            "serviceId": state.catalog_info.service.id,
        }]
    }))
}
