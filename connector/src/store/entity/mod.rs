//! sea-orm entities: one module per table.

pub mod dataset;
pub mod dataset_term;
pub mod distribution;
pub mod held_credential;
pub mod issuance_request;
pub mod member;
pub mod membership_challenge;
pub mod offer;
pub mod offer_dataset;
pub mod policy;
pub mod seen_token;
