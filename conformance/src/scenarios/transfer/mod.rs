//! Transfer process scenarios: TP (connector under test as provider, the suite as consumer)
//! and TP_C (connector as consumer, triggered through its transfer webhook; the suite as
//! provider), all of `HttpData-PULL` transfers.
//!
//! A scenario is a [`Case`] played by the same session as the negotiation scenarios; only
//! opening the transfer differs by role (see `open`), and every opening first obtains a
//! finalized agreement for the scenario's dataset through a negotiation between the same
//! two roles.

pub mod cases;
mod open;
mod terms;

use super::script;
use crate::context::Context;
use crate::process::Role;
use crate::transfer::Transfer;
use crate::verdict::Verdict;

/// A transfer scenario.
pub type Case = script::Case<Transfer>;

/// Plays `case` against the connector: obtains an agreement, opens the transfer, runs every
/// step, then checks the connector's end state and that it sent nothing beyond the script.
pub async fn run(ctx: &Context, case: &Case) -> Verdict {
    let session = match case.cut {
        Role::Provider => open::as_consumer(ctx, case).await?,
        Role::Consumer => open::as_provider(ctx, case).await?,
    };
    session.play().await
}
