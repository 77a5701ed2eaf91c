//! sea-orm entities: one module per table.

pub mod agreement;
pub mod dataset;
pub mod dataset_term;
pub mod distribution;
pub mod held_credential;
pub mod issuance_request;
pub mod member;
pub mod membership_challenge;
pub mod negotiation;
pub mod offer;
pub mod offer_dataset;
pub mod outbox;
pub mod policy;
pub mod process_event;
pub mod seen_token;
pub mod slc;
pub mod slc_offer;
pub mod transfer;
