//! The transfer scripts of `CONFORMANCE.md`, one `static` per scenario, plus TP:02-04 and
//! TP_C:02-04 (resumption by the consumer: disabled in the Eclipse TCK, legal in DSP).
//!
//! The initial `TransferRequestMessage` is implicit: for TP the suite sends it, for TP_C the
//! connector sends it after the transfer webhook trigger. "Await" steps are exactly the
//! table's "CUT acts" column; TP_C:01-xx and 03-xx mirror TP:01-xx and 03-xx with the suite as
//! provider, TP_C:02-xx have the connector, as consumer, act as TP:02-xx have the suite act.

use super::Case;
use crate::scenarios::script::Step::{Await, Refused, Send};
use crate::scenarios::script::cases;
use crate::transfer::Message::{Completion, Start, Suspension, Termination};
use crate::transfer::State::Terminated as TERMINATED;
use crate::transfer::State::{Completed as COMPLETED, Requested as REQUESTED, Suspended as SUSPENDED};

cases! {
    TP_01_01 = Provider("TP:01-01", "Provider starts, then terminates: TERMINATED",
        [Await(Start), Await(Termination)], TERMINATED);
    TP_01_02 = Provider("TP:01-02", "Provider starts, then completes: COMPLETED",
        [Await(Start), Await(Completion)], COMPLETED);
    TP_01_03 = Provider("TP:01-03", "Provider starts, suspends, then terminates: TERMINATED",
        [Await(Start), Await(Suspension), Await(Termination)], TERMINATED);
    TP_01_04 = Provider("TP:01-04", "Provider starts, suspends, resumes, then completes: COMPLETED",
        [Await(Start), Await(Suspension), Await(Start), Await(Completion)], COMPLETED);
    TP_01_05 = Provider("TP:01-05", "Provider terminates the request: TERMINATED", [Await(Termination)], TERMINATED);
    TP_02_01 = Provider("TP:02-01", "Provider starts, consumer terminates: TERMINATED",
        [Await(Start), Send(Termination)], TERMINATED);
    TP_02_02 = Provider("TP:02-02", "Provider starts, consumer completes: COMPLETED",
        [Await(Start), Send(Completion)], COMPLETED);
    TP_02_03 = Provider("TP:02-03", "Provider starts, consumer suspends, then terminates: TERMINATED",
        [Await(Start), Send(Suspension), Send(Termination)], TERMINATED);
    TP_02_04 = Provider("TP:02-04", "Provider starts, consumer suspends, resumes, then completes: COMPLETED",
        [Await(Start), Send(Suspension), Send(Start), Send(Completion)], COMPLETED);
    TP_02_05 = Provider("TP:02-05", "Consumer terminates its own request: TERMINATED", [Send(Termination)], TERMINATED);
    TP_03_01 = Provider("TP:03-01", "Completion of a requested transfer is refused; it stays REQUESTED",
        [Refused(Completion)], REQUESTED);
    TP_03_02 = Provider("TP:03-02", "Suspension of a requested transfer is refused; it stays REQUESTED",
        [Refused(Suspension)], REQUESTED);
    TP_03_03 = Provider("TP:03-03", "Completion of a suspended transfer is refused; it stays SUSPENDED",
        [Await(Start), Send(Suspension), Refused(Completion)], SUSPENDED);
    TP_03_04 = Provider("TP:03-04", "A start after termination is refused; it stays TERMINATED",
        [Await(Start), Send(Termination), Refused(Start)], TERMINATED);
    TP_03_05 = Provider("TP:03-05", "A suspension after termination is refused; it stays TERMINATED",
        [Await(Start), Send(Termination), Refused(Suspension)], TERMINATED);
    TP_03_06 = Provider("TP:03-06", "A completion after termination is refused; it stays TERMINATED",
        [Await(Start), Send(Termination), Refused(Completion)], TERMINATED);
    TP_C_01_01 = Consumer("TP_C:01-01", "Provider starts, then terminates: TERMINATED",
        [Send(Start), Send(Termination)], TERMINATED);
    TP_C_01_02 = Consumer("TP_C:01-02", "Provider starts, then completes: COMPLETED",
        [Send(Start), Send(Completion)], COMPLETED);
    TP_C_01_03 = Consumer("TP_C:01-03", "Provider starts, suspends, then terminates: TERMINATED",
        [Send(Start), Send(Suspension), Send(Termination)], TERMINATED);
    TP_C_01_04 = Consumer("TP_C:01-04", "Provider starts, suspends, resumes, then completes: COMPLETED",
        [Send(Start), Send(Suspension), Send(Start), Send(Completion)], COMPLETED);
    TP_C_01_05 = Consumer("TP_C:01-05", "Provider terminates the request: TERMINATED", [Send(Termination)], TERMINATED);
    TP_C_02_01 = Consumer("TP_C:02-01", "Provider starts, consumer terminates: TERMINATED",
        [Send(Start), Await(Termination)], TERMINATED);
    TP_C_02_02 = Consumer("TP_C:02-02", "Provider starts, consumer completes: COMPLETED",
        [Send(Start), Await(Completion)], COMPLETED);
    TP_C_02_03 = Consumer("TP_C:02-03", "Provider starts, consumer suspends, then terminates: TERMINATED",
        [Send(Start), Await(Suspension), Await(Termination)], TERMINATED);
    TP_C_02_04 = Consumer("TP_C:02-04", "Provider starts, consumer suspends, resumes, then completes: COMPLETED",
        [Send(Start), Await(Suspension), Await(Start), Await(Completion)], COMPLETED);
    TP_C_02_05 = Consumer("TP_C:02-05", "Consumer terminates its own request: TERMINATED",
        [Await(Termination)], TERMINATED);
    TP_C_03_01 = Consumer("TP_C:03-01", "Completion of a requested transfer is refused; it stays REQUESTED",
        [Refused(Completion)], REQUESTED);
    TP_C_03_02 = Consumer("TP_C:03-02", "Suspension of a requested transfer is refused; it stays REQUESTED",
        [Refused(Suspension)], REQUESTED);
    TP_C_03_03 = Consumer("TP_C:03-03", "Completion of a suspended transfer is refused; it stays SUSPENDED",
        [Send(Start), Send(Suspension), Refused(Completion)], SUSPENDED);
    TP_C_03_04 = Consumer("TP_C:03-04", "A start after termination is refused; it stays TERMINATED",
        [Send(Start), Send(Termination), Refused(Start)], TERMINATED);
    TP_C_03_05 = Consumer("TP_C:03-05", "A suspension after termination is refused; it stays TERMINATED",
        [Send(Start), Send(Termination), Refused(Suspension)], TERMINATED);
    TP_C_03_06 = Consumer("TP_C:03-06", "A completion after termination is refused; it stays TERMINATED",
        [Send(Start), Send(Termination), Refused(Completion)], TERMINATED);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::process::Role;
    use crate::scenarios::script::Step;
    use crate::scenarios::script::tests::simulate;

    #[test]
    fn the_consumer_cases_mirror_the_provider_cases() {
        let (provider, consumer): (Vec<&Case>, Vec<&Case>) = ALL.iter().partition(|c| c.cut == Role::Provider);
        assert_eq!((provider.len(), consumer.len()), (16, 16));
        for (p, c) in provider.iter().zip(&consumer) {
            assert_eq!(c.id, p.id.replace("TP:", "TP_C:"));
            assert_eq!((c.title, c.end), (p.title, p.end), "{}", c.id);
            // What one side does the other does: the connector's moves become the suite's and
            // back, except in negative cases, where the suite makes every move.
            let negative = p.id.starts_with("TP:03-");
            let expected: Vec<Step<_>> = p
                .steps
                .iter()
                .map(|step| match *step {
                    Refused(m) => Refused(m),
                    Await(m) => Send(m),
                    Send(m) if negative => Send(m),
                    Send(m) => Await(m),
                })
                .collect();
            assert_eq!(c.steps, &expected[..], "{}", c.id);
        }
    }

    #[test]
    fn a_consumer_cannot_start_a_requested_transfer() {
        let steps = &[Await(Start)];
        let early = Case { id: "X", title: "x", cut: Role::Consumer, steps, end: crate::transfer::State::Started };
        let reason = simulate(&early).unwrap_err();
        assert!(reason.contains("from the consumer is not allowed in state REQUESTED"), "{reason}");
    }
}
