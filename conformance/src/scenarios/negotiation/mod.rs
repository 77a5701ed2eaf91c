//! Contract negotiation scenarios: CN (connector under test as provider, the suite as
//! consumer) and CN_C (connector as consumer, triggered through its webhook; the suite as
//! provider).
//!
//! A scenario is a [`Case`]: a short script of [`Step`]s after the negotiation is opened, and
//! the state the connector must report at the end. The generic session plays every script;
//! only opening the negotiation differs by role (see `open`). Transfer scenarios get their
//! agreement from here too (`agreement`).

pub(crate) mod agreement;
pub mod cases;
mod open;
mod terms;

use super::script;
use crate::context::Context;
use crate::negotiation::{Message, Negotiation, Role};
use crate::verdict::Verdict;

/// A negotiation scenario.
pub type Case = script::Case<Negotiation>;

/// One step of a negotiation script.
pub type Step = script::Step<Message>;

/// Plays `case` against the connector: opens the negotiation, runs every step, then checks
/// the connector's end state and that it sent nothing beyond the script.
pub async fn run(ctx: &Context, case: &Case) -> Verdict {
    let session = match case.cut {
        Role::Provider => open::as_consumer(ctx, case).await?,
        Role::Consumer => open::as_provider(ctx, case).await?,
    };
    session.play().await
}
