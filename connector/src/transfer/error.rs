//! Refusals of transfer messages: an HTTP status and a `TransferError` with both pids.

use super::machine::TransferProcess;
use crate::dsp::process_error::ProcessError;

/// A refused transfer message.
pub type TransferError = ProcessError<TransferProcess>;
