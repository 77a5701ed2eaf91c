//! Contract negotiation scenarios: CN (connector under test as provider, the suite as
//! consumer) and CN_C (connector as consumer, triggered through its webhook; the suite as
//! provider).
//!
//! A scenario is a [`Case`]: a short script of [`Step`]s after the negotiation is opened, and
//! the state the connector must report at the end. One driver ([`run`]) plays every script;
//! only opening the negotiation differs by role (see `open`).

pub mod cases;
mod open;
mod session;

use std::fmt;

use crate::context::Context;
use crate::negotiation::{Message, Role, State};
use crate::verdict::Verdict;

/// One step of a negotiation script after the negotiation exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The suite sends the message; the connector must acknowledge it with 200.
    Send(Message),
    /// The connector must send the message by itself, next, to the suite's counter-party.
    Await(Message),
    /// The suite sends the message, illegal in the current state: the connector must refuse it
    /// with a 4xx other than 404 and a `ContractNegotiationError`, and keep its state.
    Refused(Message),
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Send(message) => write!(f, "the suite sends {message}"),
            Step::Await(message) => write!(f, "the connector sends {message}"),
            Step::Refused(message) => write!(f, "the suite sends {message}, which must be refused"),
        }
    }
}

/// A negotiation scenario.
#[derive(Debug, Clone, Copy)]
pub struct Case {
    /// Scenario id, e.g. `CN:01-01`; also names the dataset the connector is seeded with.
    pub id: &'static str,
    /// One-line description.
    pub title: &'static str,
    /// The connector's role (the suite plays the other one).
    pub cut: Role,
    /// What happens after the initial request was acknowledged.
    pub steps: &'static [Step],
    /// The state the connector must report at the end.
    pub end: State,
}

/// Plays `case` against the connector: opens the negotiation, runs every step, then checks
/// the connector's end state and that it sent nothing beyond the script.
pub async fn run(ctx: &Context, case: &Case) -> Verdict {
    let mut session = match case.cut {
        Role::Provider => open::as_consumer(ctx, case).await?,
        Role::Consumer => open::as_provider(ctx, case).await?,
    };
    let total = case.steps.len();
    for (index, step) in case.steps.iter().enumerate() {
        let label = format!("step {}/{total} ({step})", index + 1);
        session.step(*step).await.map_err(|reasons| session.failure(&label, reasons))?;
    }
    let label = format!("end state {}", case.end);
    session.expect_state(case.end).await.map_err(|reasons| session.failure(&label, reasons))?;
    session.nothing_unexpected().map_err(|reasons| session.failure("after the script", reasons))
}

/// Registers a negotiation [`Case`] (a `static`) as a [`Scenario`](crate::scenario::Scenario).
#[macro_export]
macro_rules! negotiation_scenario {
    ($case:path) => {
        $crate::scenario::Scenario {
            id: $case.id,
            title: $case.title,
            check: |ctx| ::std::boxed::Box::pin($crate::scenarios::negotiation::run(ctx, &$case)),
        }
    };
}
