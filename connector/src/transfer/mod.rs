//! Transfer processes (DSP 2025-1), both roles: the pure core — [`machine`] (states and legal moves; the sides are
//! the negotiation's [`Role`](machine::Role)), [`message`] (the wire messages, the data address, the process object
//! and error bodies), [`process`] (one transfer and how it moves: taken from a request, asked for, received, sent).
//! What it shares with contract negotiation — refusals, envelopes, pids, peer URLs, message heads and error bodies —
//! is in [`crate::dsp::process_common`]. No IO, no async, no database: the shell stores a [`process::Transfer`] and
//! queues each [`process::Envelope`] in one transaction.

pub mod error;
pub mod flow;
pub mod machine;
pub mod message;
pub mod movers;
pub mod process;
#[cfg(feature = "scenarios")]
pub mod scenario;
pub mod service;
