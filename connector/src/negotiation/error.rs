//! Refusals of negotiation messages: an HTTP status and a `ContractNegotiationError` with both pids.

use super::machine::ContractNegotiation;
use crate::dsp::process_error::ProcessError;

/// A refused negotiation message.
pub type NegotiationError = ProcessError<ContractNegotiation>;
