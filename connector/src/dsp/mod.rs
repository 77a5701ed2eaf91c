//! The Dataspace Protocol HTTPS binding: version discovery, the catalogue (provider side), contract negotiation
//! (both sides; consumer endpoints under `/callback`), and the client that talks to other connectors. Incoming JSON-LD is normalised at the edge ([`jsonld`]);
//! the caller is identified in one place ([`caller`]); what the negotiation and transfer cores share is in
//! [`process_common`].

pub mod caller;
pub mod catalog;
pub mod client;
pub mod error;
pub mod jsonld;
pub mod message;
pub mod negotiation;
pub mod process_common;
pub mod process_error;
pub mod transfer;
pub mod version;

use axum::Router;
use axum::routing::{get, post};

use crate::app::AppState;

/// The DSP routes, relative to the DSP base path; every one of them authenticated.
pub fn routes(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/catalog/request", post(catalog::request_catalog))
        .route("/catalog/datasets/{id}", get(catalog::get_dataset))
        .merge(negotiation::provider_routes())
        .merge(transfer::provider_routes())
        .nest("/callback", negotiation::consumer_routes().merge(transfer::consumer_routes()))
        .route_layer(axum::middleware::from_fn_with_state(state, caller::authenticate))
}
