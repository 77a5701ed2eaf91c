//! Participant identity for ldt-connector: who is calling.
//!
//! The connector decides a caller's identity in exactly one place and hands the result around as a [`Caller`];
//! policies are evaluated against it.

use serde::{Deserialize, Serialize};

/// A verified caller of this connector's Dataspace Protocol endpoints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Caller {
    /// The caller's participant id (a DID or another stable IRI).
    pub participant_id: String,
    /// The claims of the caller's verified credentials (e.g. `{"membership": {"status": "active"}}`); policies
    /// read them through the connector's claim mapping.
    pub claims: serde_json::Value,
}
