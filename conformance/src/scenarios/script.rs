//! Scenario scripts for any process protocol: a [`Case`] is a short script of [`Step`]s after
//! the process is opened, and the state the connector must report at the end.

use std::fmt;

use crate::process::{Protocol, Role};

/// One step of a script after the process exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step<M> {
    /// The suite sends the message; the connector must acknowledge it with 200.
    Send(M),
    /// The connector must send the message by itself, next, to the suite's counter-party.
    Await(M),
    /// The suite sends the message, illegal in the current state: the connector must refuse it
    /// with a 4xx other than 404 and the protocol's error, and keep its state.
    Refused(M),
}

impl<M: Copy> Step<M> {
    /// The message the step is about.
    pub fn message(self) -> M {
        match self {
            Step::Send(message) | Step::Await(message) | Step::Refused(message) => message,
        }
    }
}

impl<M: fmt::Display> fmt::Display for Step<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Send(message) => write!(f, "the suite sends {message}"),
            Step::Await(message) => write!(f, "the connector sends {message}"),
            Step::Refused(message) => write!(f, "the suite sends {message}, which must be refused"),
        }
    }
}

/// A scenario of protocol `P`.
#[derive(Debug, Clone, Copy)]
pub struct Case<P: Protocol> {
    /// Scenario id, e.g. `CN:01-01`; also names the dataset the scenario is about (see
    /// [`crate::config::scenario_dataset_id`]).
    pub id: &'static str,
    /// One-line description.
    pub title: &'static str,
    /// The connector's role (the suite plays the other one).
    pub cut: Role,
    /// What happens after the initial request was acknowledged.
    pub steps: &'static [Step<P::Message>],
    /// The state the connector must report at the end.
    pub end: P::State,
}

/// Declares the cases of a protocol area in its `cases` module, where `Case` names the
/// area's [`Case`] type and the area's `run(ctx, case)` plays one: a `pub static` per case,
/// `ALL` of them in order, and `scenarios()` registering them. Each case reads
/// `NAME = Role(id, title, [steps…], end state);`, `Role` being the connector's.
macro_rules! cases {
    ($($name:ident = $cut:ident($id:literal, $title:literal, [$($step:expr),* $(,)?], $end:expr $(,)?);)+) => {
        $(
            #[doc = concat!("`", $id, "`: ", $title, ".")]
            pub static $name: Case = $crate::scenarios::script::Case {
                id: $id,
                title: $title,
                cut: $crate::process::Role::$cut,
                steps: &[$($step),*],
                end: $end,
            };
        )+

        /// Every case, in registry order.
        pub static ALL: &[&Case] = &[$(&$name),+];

        /// Every case as a scenario, in order.
        pub fn scenarios() -> ::std::vec::Vec<$crate::scenario::Scenario> {
            ::std::vec![$($crate::scenario::Scenario {
                id: $id,
                title: $title,
                check: |ctx| ::std::boxed::Box::pin(super::run(ctx, &$name)),
            }),+]
        }
    };
}
pub(crate) use cases;

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::process::ProcessMessage as _;

    /// Plays `case` on the protocol's state machine: who sends each message, whether it is
    /// legal, and where the process ends.
    pub(crate) fn simulate<P: Protocol>(case: &Case<P>) -> Result<P::State, String> {
        let suite = case.cut.other();
        let mut state = P::INITIAL;
        for step in case.steps {
            let (sender, legal) = match *step {
                Step::Send(_) => (suite, true),
                Step::Refused(_) => (suite, false),
                Step::Await(_) => (case.cut, true),
            };
            match (step.message().transition(state, sender), legal) {
                (Ok(next), true) => state = next,
                (Err(_), false) if step.message().may_be_sent_by(sender) => {}
                (Ok(_), false) => return Err(format!("{}: {step} is legal in {state}", case.id)),
                (Err(reason), _) => return Err(format!("{}: {step}: {reason}", case.id)),
            }
        }
        Ok(state)
    }

    /// Checks every case of a protocol against its state machine and the scenario naming:
    /// negative cases (`:03-`) end with exactly one refusal, others have none.
    fn assert_consistent<P: Protocol>(cases: &[&Case<P>]) {
        for case in cases {
            assert_eq!(simulate(case), Ok(case.end), "{}", case.id);
            let refusals: Vec<usize> =
                (0..case.steps.len()).filter(|index| matches!(case.steps[*index], Step::Refused(_))).collect();
            let expected = if case.id.contains(":03-") { vec![case.steps.len() - 1] } else { Vec::new() };
            assert_eq!(refusals, expected, "{}: negative cases end with their one refusal", case.id);
        }
    }

    #[test]
    fn every_script_is_consistent_with_its_protocol() {
        assert_consistent(crate::scenarios::negotiation::cases::ALL);
        assert_consistent(crate::scenarios::transfer::cases::ALL);
    }
}
