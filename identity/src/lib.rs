//! Participant identity for ldt-connector: who is calling, and what the data-space authority vouches for.
//!
//! Pure: keys and JWKs, DID documents, self-issued ID tokens (DCP 1.0), verifiable credentials and presentations,
//! status lists and trusted issuers. Fetching a DID document or a status list is the connector's job; this crate
//! only judges what it is given.
//!
//! The connector decides a caller's identity in exactly one place and hands the result around as a [`Caller`];
//! policies are evaluated against it.

pub mod data_integrity;
pub mod dcp;
pub mod did;
pub mod jwt;
pub mod keys;
pub mod status_list;
pub mod token;
pub mod trust;
pub mod vc;
pub mod verify;

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
