//! The negotiation scripts of `CONFORMANCE.md`, one `static` per scenario.
//!
//! The initial request is implicit: for CN the suite sends it, for CN_C the connector sends
//! it after the webhook trigger. "Await" steps are exactly the table's "CUT acts" column.

use super::Step::{Await, Refused, Send};
use super::{Case, Step};
use crate::negotiation::Message::{Accepted, Agreement, Finalized, Offer, Request, Termination, Verification};
use crate::negotiation::Role;
use crate::negotiation::State::{self, Accepted as ACCEPTED, Agreed as AGREED, Finalized as FINALIZED};
use crate::negotiation::State::{Offered as OFFERED, Requested as REQUESTED, Terminated as TERMINATED};

/// A case where the connector is the provider.
const fn provider(id: &'static str, title: &'static str, steps: &'static [Step], end: State) -> Case {
    Case { id, title, cut: Role::Provider, steps, end }
}

/// A case where the connector is the consumer.
const fn consumer(id: &'static str, title: &'static str, steps: &'static [Step], end: State) -> Case {
    Case { id, title, cut: Role::Consumer, steps, end }
}

/// CN:01-01.
pub static CN_01_01: Case = provider(
    "CN:01-01",
    "Provider offers, consumer terminates: TERMINATED",
    &[Await(Offer), Send(Termination)],
    TERMINATED,
);
/// CN:01-02.
pub static CN_01_02: Case = provider(
    "CN:01-02",
    "Provider offers, consumer counter-requests, provider terminates: TERMINATED",
    &[Await(Offer), Send(Request), Await(Termination)],
    TERMINATED,
);
/// CN:01-03.
pub static CN_01_03: Case = provider(
    "CN:01-03",
    "Offer, ACCEPTED, agreement, verification, FINALIZED",
    &[Await(Offer), Send(Accepted), Await(Agreement), Send(Verification), Await(Finalized)],
    FINALIZED,
);
/// CN:01-04.
pub static CN_01_04: Case = provider(
    "CN:01-04",
    "Provider agrees at once, consumer verifies, FINALIZED",
    &[Await(Agreement), Send(Verification), Await(Finalized)],
    FINALIZED,
);
/// CN:02-01.
pub static CN_02_01: Case =
    provider("CN:02-01", "Provider terminates the request: TERMINATED", &[Await(Termination)], TERMINATED);
/// CN:02-02.
pub static CN_02_02: Case =
    provider("CN:02-02", "Consumer terminates its own request: TERMINATED", &[Send(Termination)], TERMINATED);
/// CN:02-03.
pub static CN_02_03: Case = provider(
    "CN:02-03",
    "Provider agrees, consumer terminates: TERMINATED",
    &[Await(Agreement), Send(Termination)],
    TERMINATED,
);
/// CN:02-04.
pub static CN_02_04: Case = provider(
    "CN:02-04",
    "Provider offers, consumer terminates the offer: TERMINATED",
    &[Await(Offer), Send(Termination)],
    TERMINATED,
);
/// CN:02-05.
pub static CN_02_05: Case = provider(
    "CN:02-05",
    "Provider offers, then terminates: TERMINATED",
    &[Await(Offer), Await(Termination)],
    TERMINATED,
);
/// CN:02-06.
pub static CN_02_06: Case = provider(
    "CN:02-06",
    "Provider offers, consumer accepts, provider terminates: TERMINATED",
    &[Await(Offer), Send(Accepted), Await(Termination)],
    TERMINATED,
);
/// CN:02-07.
pub static CN_02_07: Case = provider(
    "CN:02-07",
    "Provider agrees, consumer verifies, provider terminates: TERMINATED",
    &[Await(Agreement), Send(Verification), Await(Termination)],
    TERMINATED,
);
/// CN:03-01.
pub static CN_03_01: Case = provider(
    "CN:03-01",
    "Termination of a FINALIZED negotiation is refused; it stays FINALIZED",
    &[Await(Agreement), Send(Verification), Await(Finalized), Refused(Termination)],
    FINALIZED,
);
/// CN:03-02.
pub static CN_03_02: Case = provider(
    "CN:03-02",
    "Verification of an offer is refused; it stays OFFERED",
    &[Await(Offer), Refused(Verification)],
    OFFERED,
);
/// CN:03-03.
pub static CN_03_03: Case = provider(
    "CN:03-03",
    "Verification before any agreement is refused; it stays ACCEPTED",
    &[Await(Offer), Send(Accepted), Refused(Verification)],
    ACCEPTED,
);
/// CN:03-04.
pub static CN_03_04: Case = provider(
    "CN:03-04",
    "A second counter-request in a row is refused; it stays REQUESTED",
    &[Await(Offer), Send(Request), Refused(Request)],
    REQUESTED,
);

/// CN_C:01-01.
pub static CN_C_01_01: Case = consumer(
    "CN_C:01-01",
    "Consumer accepts the offer and verifies the agreement: FINALIZED",
    &[Send(Offer), Await(Accepted), Send(Agreement), Await(Verification), Send(Finalized)],
    FINALIZED,
);
/// CN_C:01-02.
pub static CN_C_01_02: Case = consumer(
    "CN_C:01-02",
    "Consumer counter-requests the offer, provider terminates: TERMINATED",
    &[Send(Offer), Await(Request), Send(Termination)],
    TERMINATED,
);
/// CN_C:01-03.
pub static CN_C_01_03: Case = consumer(
    "CN_C:01-03",
    "Consumer terminates on the offer: TERMINATED",
    &[Send(Offer), Await(Termination)],
    TERMINATED,
);
/// CN_C:01-04.
pub static CN_C_01_04: Case = consumer(
    "CN_C:01-04",
    "Provider agrees at once, consumer verifies, FINALIZED",
    &[Send(Agreement), Await(Verification), Send(Finalized)],
    FINALIZED,
);
/// CN_C:02-01.
pub static CN_C_02_01: Case =
    consumer("CN_C:02-01", "Provider terminates the request: TERMINATED", &[Send(Termination)], TERMINATED);
/// CN_C:02-02.
pub static CN_C_02_02: Case =
    consumer("CN_C:02-02", "Consumer terminates its own request: TERMINATED", &[Await(Termination)], TERMINATED);
/// CN_C:02-03.
pub static CN_C_02_03: Case = consumer(
    "CN_C:02-03",
    "Consumer terminates on the agreement: TERMINATED",
    &[Send(Agreement), Await(Termination)],
    TERMINATED,
);
/// CN_C:02-04.
pub static CN_C_02_04: Case = consumer(
    "CN_C:02-04",
    "Provider offers, then terminates: TERMINATED",
    &[Send(Offer), Send(Termination)],
    TERMINATED,
);
/// CN_C:02-05.
pub static CN_C_02_05: Case = consumer(
    "CN_C:02-05",
    "Consumer accepts the offer, provider terminates: TERMINATED",
    &[Send(Offer), Await(Accepted), Send(Termination)],
    TERMINATED,
);
/// CN_C:02-06.
pub static CN_C_02_06: Case = consumer(
    "CN_C:02-06",
    "Consumer verifies the agreement, provider terminates: TERMINATED",
    &[Send(Agreement), Await(Verification), Send(Termination)],
    TERMINATED,
);
/// CN_C:03-01.
pub static CN_C_03_01: Case = consumer(
    "CN_C:03-01",
    "FINALIZED right after the request is refused; it stays REQUESTED",
    &[Refused(Finalized)],
    REQUESTED,
);
/// CN_C:03-02.
pub static CN_C_03_02: Case = consumer(
    "CN_C:03-02",
    "An agreement on an offer not accepted is refused; it stays OFFERED",
    &[Send(Offer), Refused(Agreement)],
    OFFERED,
);
/// CN_C:03-03.
pub static CN_C_03_03: Case = consumer(
    "CN_C:03-03",
    "FINALIZED on an offer is refused; it stays OFFERED",
    &[Send(Offer), Refused(Finalized)],
    OFFERED,
);
/// CN_C:03-04.
pub static CN_C_03_04: Case = consumer(
    "CN_C:03-04",
    "FINALIZED after ACCEPTED is refused; it stays ACCEPTED",
    &[Send(Offer), Await(Accepted), Refused(Finalized)],
    ACCEPTED,
);
/// CN_C:03-05.
pub static CN_C_03_05: Case = consumer(
    "CN_C:03-05",
    "A new offer after ACCEPTED is refused; it stays ACCEPTED",
    &[Send(Offer), Await(Accepted), Refused(Offer)],
    ACCEPTED,
);
/// CN_C:03-06.
pub static CN_C_03_06: Case = consumer(
    "CN_C:03-06",
    "FINALIZED without verification is refused; it stays AGREED",
    &[Send(Offer), Await(Accepted), Send(Agreement), Refused(Finalized)],
    AGREED,
);

/// Every negotiation case, in registry order.
pub static ALL: [&Case; 31] = [
    &CN_01_01,
    &CN_01_02,
    &CN_01_03,
    &CN_01_04,
    &CN_02_01,
    &CN_02_02,
    &CN_02_03,
    &CN_02_04,
    &CN_02_05,
    &CN_02_06,
    &CN_02_07,
    &CN_03_01,
    &CN_03_02,
    &CN_03_03,
    &CN_03_04,
    &CN_C_01_01,
    &CN_C_01_02,
    &CN_C_01_03,
    &CN_C_01_04,
    &CN_C_02_01,
    &CN_C_02_02,
    &CN_C_02_03,
    &CN_C_02_04,
    &CN_C_02_05,
    &CN_C_02_06,
    &CN_C_03_01,
    &CN_C_03_02,
    &CN_C_03_03,
    &CN_C_03_04,
    &CN_C_03_05,
    &CN_C_03_06,
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::negotiation::Message;

    /// Plays `case` on the protocol's state machine: who sends each message, whether it is
    /// legal, and where the negotiation ends.
    fn simulate(case: &Case) -> Result<State, String> {
        let suite = case.cut.other();
        let mut state = State::Requested;
        for step in case.steps {
            let (message, sender, legal) = match *step {
                Send(message) => (message, suite, true),
                Refused(message) => (message, suite, false),
                Await(message) => (message, case.cut, true),
            };
            if !message.may_be_sent_by(sender) {
                return Err(format!("{}: {step}: the {} cannot send {message}", case.id, sender.name()));
            }
            match (message.transition(state), legal) {
                (Ok(next), true) => state = next,
                (Err(_), false) => {}
                (Ok(_), false) => return Err(format!("{}: {step} is legal in {state}", case.id)),
                (Err(reason), true) => return Err(format!("{}: {step}: {reason}", case.id)),
            }
        }
        Ok(state)
    }

    #[test]
    fn every_script_is_consistent_with_the_protocol() {
        for case in ALL {
            assert_eq!(simulate(case), Ok(case.end), "{}", case.id);
            let refusals = case.steps.iter().filter(|step| matches!(step, Refused(_))).count();
            assert_eq!(
                refusals,
                usize::from(case.id.contains(":03-")),
                "{}: negative cases end with a refusal",
                case.id
            );
        }
    }

    #[test]
    fn ids_are_those_of_conformance_md_with_the_right_roles() {
        let provider: Vec<&str> = ALL.iter().filter(|c| c.cut == Role::Provider).map(|c| c.id).collect();
        let consumer: Vec<&str> = ALL.iter().filter(|c| c.cut == Role::Consumer).map(|c| c.id).collect();
        assert_eq!(
            provider,
            [
                "CN:01-01", "CN:01-02", "CN:01-03", "CN:01-04", "CN:02-01", "CN:02-02", "CN:02-03", "CN:02-04",
                "CN:02-05", "CN:02-06", "CN:02-07", "CN:03-01", "CN:03-02", "CN:03-03", "CN:03-04"
            ]
        );
        assert_eq!(
            consumer,
            [
                "CN_C:01-01",
                "CN_C:01-02",
                "CN_C:01-03",
                "CN_C:01-04",
                "CN_C:02-01",
                "CN_C:02-02",
                "CN_C:02-03",
                "CN_C:02-04",
                "CN_C:02-05",
                "CN_C:02-06",
                "CN_C:03-01",
                "CN_C:03-02",
                "CN_C:03-03",
                "CN_C:03-04",
                "CN_C:03-05",
                "CN_C:03-06"
            ]
        );
    }

    #[test]
    fn a_broken_script_is_caught() {
        let broken = provider("X", "x", &[Await(Offer), Refused(Message::Accepted)], OFFERED);
        assert!(simulate(&broken).unwrap_err().contains("is legal in OFFERED"));
        let wrong_sender = consumer("Y", "y", &[Await(Offer)], OFFERED);
        assert!(simulate(&wrong_sender).unwrap_err().contains("consumer cannot send"));
    }
}
