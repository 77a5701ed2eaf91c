//! Test-only scenario driver (feature `scenarios`, never in a production build): scripted reactions for the
//! datasets a conformance suite seeds, one per TP / TP_C scenario of `CONFORMANCE.md` (the transfer's agreement is
//! on dataset `tp-01-04` for TP:01-04, `tp-c-02-03` for TP_C:02-03; any prefix before `tp-` is ignored).

use super::machine::{Kind, Role};
use super::service::Reaction;

/// The scenario a dataset id stands for, e.g. `tp-01-04`.
fn scenario(dataset_id: &str) -> Option<&str> {
    dataset_id.rfind("tp-").map(|start| &dataset_id[start..])
}

fn send(kind: Kind) -> Reaction {
    let reason = matches!(kind, Kind::Suspension | Kind::Termination)
        .then(|| format!("{} by the conformance scenario script", kind.as_str()));
    (kind, reason)
}

/// The scripted reactions of `role` to `received` in the scenario of `dataset_id`, or `None` when the dataset is no
/// scenario's and the connector acts as usual.
pub fn script(role: Role, dataset_id: &str, received: Kind) -> Option<Vec<Reaction>> {
    use Kind::{Completion, Start, Suspension, Termination};
    let scenario = scenario(dataset_id)?;
    let kinds: &[Kind] = match (role, received, scenario) {
        (Role::Provider, Kind::Request, "tp-01-01") => &[Start, Termination],
        (Role::Provider, Kind::Request, "tp-01-02") => &[Start, Completion],
        (Role::Provider, Kind::Request, "tp-01-03") => &[Start, Suspension, Termination],
        (Role::Provider, Kind::Request, "tp-01-04") => &[Start, Suspension, Start, Completion],
        (Role::Provider, Kind::Request, "tp-01-05") => &[Termination],
        (Role::Provider, Kind::Request, "tp-02-05" | "tp-03-01" | "tp-03-02") => &[],
        (Role::Provider, Kind::Request, _) => &[Start],
        (Role::Consumer, Kind::Start, "tp-c-02-01") => &[Termination],
        (Role::Consumer, Kind::Start, "tp-c-02-02") => &[Completion],
        (Role::Consumer, Kind::Start, "tp-c-02-03") => &[Suspension, Termination],
        (Role::Consumer, Kind::Start, "tp-c-02-04") => &[Suspension, Start, Completion],
        _ => &[],
    };
    Some(kinds.iter().copied().map(send).collect())
}

/// What a consumer does once its request was acknowledged, in the scenario of `dataset_id`.
pub fn after_request(dataset_id: &str) -> Option<Reaction> {
    (scenario(dataset_id) == Some("tp-c-02-05")).then(|| send(Kind::Termination))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_follow_the_scenario_tables() {
        let kinds = |role, dataset, received| -> Vec<Kind> {
            script(role, dataset, received).unwrap().into_iter().map(|(kind, _)| kind).collect()
        };
        assert_eq!(
            kinds(Role::Provider, "tp-01-04", Kind::Request),
            [Kind::Start, Kind::Suspension, Kind::Start, Kind::Completion]
        );
        assert_eq!(kinds(Role::Provider, "prefix-tp-03-03", Kind::Request), [Kind::Start]);
        assert_eq!(kinds(Role::Provider, "tp-03-01", Kind::Request), []);
        assert_eq!(kinds(Role::Consumer, "tp-c-02-03", Kind::Start), [Kind::Suspension, Kind::Termination]);
        assert_eq!(kinds(Role::Consumer, "tp-c-01-01", Kind::Start), []);
        assert_eq!(script(Role::Provider, "traffic-prediction", Kind::Request), None);
        assert!(after_request("tp-c-02-05").is_some() && after_request("tp-c-02-01").is_none());
        assert!(script(Role::Consumer, "tp-c-02-01", Kind::Start).unwrap()[0].1.is_some(), "a termination says why");
    }
}
