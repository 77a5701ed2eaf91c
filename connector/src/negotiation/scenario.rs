//! Test-only scenario driver (feature `scenarios`, never in a production build): scripted reactions for the
//! datasets a conformance suite seeds, one per CN / CN_C scenario of `CONFORMANCE.md` (dataset `cn-01-03` is
//! CN:01-03, `cn-c-02-05` is CN_C:02-05; any prefix before `cn-` is ignored).

use super::machine::{Kind, Role};
use super::react::{Reaction, terminate};

/// The scenario a dataset id stands for, e.g. `cn-01-03`.
fn scenario(dataset_id: &str) -> Option<&str> {
    dataset_id.rfind("cn-").map(|start| &dataset_id[start..])
}

fn send(kind: Kind) -> Reaction {
    Reaction::Send(kind, None)
}

fn scripted_termination() -> Reaction {
    terminate("terminated by the conformance scenario script".into())
}

/// The scripted reactions of `role` to `received` in the scenario of `dataset_id` (`first`: the message began the
/// process), or `None` when the dataset is no scenario's and the connector decides as usual.
pub fn script(role: Role, dataset_id: &str, received: Kind, first: bool) -> Option<Vec<Reaction>> {
    let scenario = scenario(dataset_id)?;
    let reactions = match (role, received, scenario) {
        (Role::Provider, Kind::Request, "cn-01-02" | "cn-03-04") if !first => match scenario {
            "cn-01-02" => vec![scripted_termination()],
            _ => vec![],
        },
        (Role::Provider, Kind::Request, scenario) => match scenario {
            "cn-01-01" | "cn-01-02" | "cn-01-03" | "cn-02-04" | "cn-02-06" | "cn-03-02" | "cn-03-03" | "cn-03-04" => {
                vec![send(Kind::Offer)]
            }
            "cn-01-04" | "cn-02-03" | "cn-02-07" | "cn-03-01" => vec![send(Kind::Agreement)],
            "cn-02-01" => vec![scripted_termination()],
            "cn-02-05" => vec![send(Kind::Offer), scripted_termination()],
            _ => vec![],
        },
        (Role::Provider, Kind::Accepted, "cn-01-03") => vec![send(Kind::Agreement)],
        (Role::Provider, Kind::Accepted, "cn-02-06") => vec![scripted_termination()],
        (Role::Provider, Kind::Verification, "cn-01-03" | "cn-01-04" | "cn-03-01") => vec![send(Kind::Finalized)],
        (Role::Provider, Kind::Verification, "cn-02-07") => vec![scripted_termination()],
        (Role::Consumer, Kind::Offer, "cn-c-01-01" | "cn-c-02-05" | "cn-c-03-04" | "cn-c-03-05" | "cn-c-03-06") => {
            vec![send(Kind::Accepted)]
        }
        (Role::Consumer, Kind::Offer, "cn-c-01-02") => vec![send(Kind::Request)],
        (Role::Consumer, Kind::Offer, "cn-c-01-03") => vec![scripted_termination()],
        (Role::Consumer, Kind::Agreement, "cn-c-01-01" | "cn-c-01-04" | "cn-c-02-06") => vec![send(Kind::Verification)],
        (Role::Consumer, Kind::Agreement, "cn-c-02-03") => vec![scripted_termination()],
        _ => vec![],
    };
    Some(reactions)
}

/// What a consumer does once its first request was acknowledged, in the scenario of `dataset_id`.
pub fn after_first_request(dataset_id: &str) -> Option<Reaction> {
    (scenario(dataset_id) == Some("cn-c-02-02")).then(scripted_termination)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_follow_the_scenario_tables() {
        assert_eq!(script(Role::Provider, "cn-01-01", Kind::Request, true), Some(vec![send(Kind::Offer)]));
        assert_eq!(script(Role::Provider, "x-cn-01-02", Kind::Request, false), Some(vec![scripted_termination()]));
        assert_eq!(script(Role::Provider, "cn-03-04", Kind::Request, false), Some(vec![]));
        assert_eq!(script(Role::Provider, "cn-02-02", Kind::Request, true), Some(vec![]));
        assert_eq!(script(Role::Consumer, "cn-c-01-02", Kind::Offer, false), Some(vec![send(Kind::Request)]));
        assert_eq!(script(Role::Consumer, "cn-c-03-06", Kind::Agreement, false), Some(vec![]));
        assert_eq!(script(Role::Provider, "traffic-counts", Kind::Request, true), None);
        assert!(after_first_request("cn-c-02-02").is_some() && after_first_request("cn-c-02-01").is_none());
    }
}
