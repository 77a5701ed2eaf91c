//! The negotiation scripts of `CONFORMANCE.md`, one `static` per scenario (see `cases!`).
//!
//! The initial request is implicit: for CN the suite sends it, for CN_C the connector sends
//! it after the webhook trigger. "Await" steps are exactly the table's "CUT acts" column.

use super::Case;
use crate::negotiation::Message::{Accepted, Agreement, Finalized, Offer, Request, Termination, Verification};
use crate::negotiation::State::{Accepted as ACCEPTED, Agreed as AGREED, Finalized as FINALIZED};
use crate::negotiation::State::{Offered as OFFERED, Requested as REQUESTED, Terminated as TERMINATED};
use crate::scenarios::script::Step::{Await, Refused, Send};
use crate::scenarios::script::cases;

cases! {
    CN_01_01 = Provider("CN:01-01", "Provider offers, consumer terminates: TERMINATED",
        [Await(Offer), Send(Termination)], TERMINATED);
    CN_01_02 = Provider("CN:01-02", "Provider offers, consumer counter-requests, provider terminates: TERMINATED",
        [Await(Offer), Send(Request), Await(Termination)], TERMINATED);
    CN_01_03 = Provider("CN:01-03", "Offer, ACCEPTED, agreement, verification, FINALIZED",
        [Await(Offer), Send(Accepted), Await(Agreement), Send(Verification), Await(Finalized)], FINALIZED);
    CN_01_04 = Provider("CN:01-04", "Provider agrees at once, consumer verifies, FINALIZED",
        [Await(Agreement), Send(Verification), Await(Finalized)], FINALIZED);
    CN_02_01 = Provider("CN:02-01", "Provider terminates the request: TERMINATED", [Await(Termination)], TERMINATED);
    CN_02_02 = Provider("CN:02-02", "Consumer terminates its own request: TERMINATED", [Send(Termination)], TERMINATED);
    CN_02_03 = Provider("CN:02-03", "Provider agrees, consumer terminates: TERMINATED",
        [Await(Agreement), Send(Termination)], TERMINATED);
    CN_02_04 = Provider("CN:02-04", "Provider offers, consumer terminates the offer: TERMINATED",
        [Await(Offer), Send(Termination)], TERMINATED);
    CN_02_05 = Provider("CN:02-05", "Provider offers, then terminates: TERMINATED",
        [Await(Offer), Await(Termination)], TERMINATED);
    CN_02_06 = Provider("CN:02-06", "Provider offers, consumer accepts, provider terminates: TERMINATED",
        [Await(Offer), Send(Accepted), Await(Termination)], TERMINATED);
    CN_02_07 = Provider("CN:02-07", "Provider agrees, consumer verifies, provider terminates: TERMINATED",
        [Await(Agreement), Send(Verification), Await(Termination)], TERMINATED);
    CN_03_01 = Provider("CN:03-01", "Termination of a FINALIZED negotiation is refused; it stays FINALIZED",
        [Await(Agreement), Send(Verification), Await(Finalized), Refused(Termination)], FINALIZED);
    CN_03_02 = Provider("CN:03-02", "Verification of an offer is refused; it stays OFFERED",
        [Await(Offer), Refused(Verification)], OFFERED);
    CN_03_03 = Provider("CN:03-03", "Verification before any agreement is refused; it stays ACCEPTED",
        [Await(Offer), Send(Accepted), Refused(Verification)], ACCEPTED);
    CN_03_04 = Provider("CN:03-04", "A second counter-request in a row is refused; it stays REQUESTED",
        [Await(Offer), Send(Request), Refused(Request)], REQUESTED);
    CN_C_01_01 = Consumer("CN_C:01-01", "Consumer accepts the offer and verifies the agreement: FINALIZED",
        [Send(Offer), Await(Accepted), Send(Agreement), Await(Verification), Send(Finalized)], FINALIZED);
    CN_C_01_02 = Consumer("CN_C:01-02", "Consumer counter-requests the offer, provider terminates: TERMINATED",
        [Send(Offer), Await(Request), Send(Termination)], TERMINATED);
    CN_C_01_03 = Consumer("CN_C:01-03", "Consumer terminates on the offer: TERMINATED",
        [Send(Offer), Await(Termination)], TERMINATED);
    CN_C_01_04 = Consumer("CN_C:01-04", "Provider agrees at once, consumer verifies, FINALIZED",
        [Send(Agreement), Await(Verification), Send(Finalized)], FINALIZED);
    CN_C_02_01 = Consumer("CN_C:02-01", "Provider terminates the request: TERMINATED", [Send(Termination)], TERMINATED);
    CN_C_02_02 = Consumer("CN_C:02-02", "Consumer terminates its own request: TERMINATED",
        [Await(Termination)], TERMINATED);
    CN_C_02_03 = Consumer("CN_C:02-03", "Consumer terminates on the agreement: TERMINATED",
        [Send(Agreement), Await(Termination)], TERMINATED);
    CN_C_02_04 = Consumer("CN_C:02-04", "Provider offers, then terminates: TERMINATED",
        [Send(Offer), Send(Termination)], TERMINATED);
    CN_C_02_05 = Consumer("CN_C:02-05", "Consumer accepts the offer, provider terminates: TERMINATED",
        [Send(Offer), Await(Accepted), Send(Termination)], TERMINATED);
    CN_C_02_06 = Consumer("CN_C:02-06", "Consumer verifies the agreement, provider terminates: TERMINATED",
        [Send(Agreement), Await(Verification), Send(Termination)], TERMINATED);
    CN_C_03_01 = Consumer("CN_C:03-01", "FINALIZED right after the request is refused; it stays REQUESTED",
        [Refused(Finalized)], REQUESTED);
    CN_C_03_02 = Consumer("CN_C:03-02", "An agreement on an offer not accepted is refused; it stays OFFERED",
        [Send(Offer), Refused(Agreement)], OFFERED);
    CN_C_03_03 = Consumer("CN_C:03-03", "FINALIZED on an offer is refused; it stays OFFERED",
        [Send(Offer), Refused(Finalized)], OFFERED);
    CN_C_03_04 = Consumer("CN_C:03-04", "FINALIZED after ACCEPTED is refused; it stays ACCEPTED",
        [Send(Offer), Await(Accepted), Refused(Finalized)], ACCEPTED);
    CN_C_03_05 = Consumer("CN_C:03-05", "A new offer after ACCEPTED is refused; it stays ACCEPTED",
        [Send(Offer), Await(Accepted), Refused(Offer)], ACCEPTED);
    CN_C_03_06 = Consumer("CN_C:03-06", "FINALIZED without verification is refused; it stays AGREED",
        [Send(Offer), Await(Accepted), Send(Agreement), Refused(Finalized)], AGREED);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::negotiation::{Message, Role};
    use crate::scenarios::script::tests::simulate;

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
        let steps = &[Await(Offer), Refused(Message::Accepted)];
        let broken = Case { id: "X", title: "x", cut: Role::Provider, steps, end: OFFERED };
        assert!(simulate(&broken).unwrap_err().contains("is legal in OFFERED"));
        let wrong_sender = Case { id: "Y", title: "y", cut: Role::Consumer, steps: &[Await(Offer)], end: OFFERED };
        assert!(simulate(&wrong_sender).unwrap_err().contains("cannot come from the consumer"));
    }
}
