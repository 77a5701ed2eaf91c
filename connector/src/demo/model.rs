//! The traffic LDT's own prediction service, inside its network: the private backend its data product points to.
//! The demo runs it on loopback; the air-quality LDT never sees its address, only the traffic LDT's data plane.

use std::net::SocketAddr;

use axum::Router;
use axum::routing::get;

/// The address the seed data uses for the prediction service; the demo replaces it with the running one.
pub const SEEDED_ADDRESS: &str = "http://traffic-model.internal:9000";

/// Today's prediction: vehicles per hour on three segments, as the service answers it.
const PREDICTION: &str = r#"[
  {"segment": "A2 Eindhoven-Noord", "hour": "2026-12-06T08:00:00+01:00", "vehicles": 5240, "congestion": "heavy"},
  {"segment": "Kennedylaan", "hour": "2026-12-06T08:00:00+01:00", "vehicles": 1630, "congestion": "moderate"},
  {"segment": "Vestdijk", "hour": "2026-12-06T08:00:00+01:00", "vehicles": 910, "congestion": "light"}
]"#;

/// Starts the service on a free loopback port; its base URL (it serves `/predictions/latest`).
pub async fn start() -> anyhow::Result<String> {
    let app = Router::new().route(
        "/predictions/latest",
        get(|| async { ([(axum::http::header::CONTENT_TYPE, "application/json")], PREDICTION) }),
    );
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
    let address = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(format!("http://{address}"))
}
