//! The registry of conformance scenarios.
//!
//! Adding a scenario: write `async fn x(ctx: &Context) -> Verdict` in the module of its area
//! and add one `scenario!(id, title, module::x)` line below; a negotiation scenario is a
//! `Case` in `negotiation::cases` and one `negotiation_scenario!(cases::X)` line.

pub mod catalog;
pub mod metadata;
pub mod negotiation;

use crate::scenario::Scenario;
use crate::{negotiation_scenario, scenario};
use negotiation::cases;

/// Every scenario, in the order a run executes them.
pub fn registry() -> Vec<Scenario> {
    vec![
        scenario!("MET:01-01", "Version metadata lists DSP 2025-1 over HTTPS", metadata::version_endpoint),
        scenario!(
            "CAT:01-01",
            "Catalog request returns a valid Catalog holding the seeded dataset",
            catalog::catalog_request
        ),
        scenario!("CAT:01-02", "Dataset request returns the seeded Dataset", catalog::dataset_request),
        scenario!("CAT:01-03", "Dataset request for an unknown id returns a CatalogError", catalog::unknown_dataset),
        negotiation_scenario!(cases::CN_01_01),
        negotiation_scenario!(cases::CN_01_02),
        negotiation_scenario!(cases::CN_01_03),
        negotiation_scenario!(cases::CN_01_04),
        negotiation_scenario!(cases::CN_02_01),
        negotiation_scenario!(cases::CN_02_02),
        negotiation_scenario!(cases::CN_02_03),
        negotiation_scenario!(cases::CN_02_04),
        negotiation_scenario!(cases::CN_02_05),
        negotiation_scenario!(cases::CN_02_06),
        negotiation_scenario!(cases::CN_02_07),
        negotiation_scenario!(cases::CN_03_01),
        negotiation_scenario!(cases::CN_03_02),
        negotiation_scenario!(cases::CN_03_03),
        negotiation_scenario!(cases::CN_03_04),
        negotiation_scenario!(cases::CN_C_01_01),
        negotiation_scenario!(cases::CN_C_01_02),
        negotiation_scenario!(cases::CN_C_01_03),
        negotiation_scenario!(cases::CN_C_01_04),
        negotiation_scenario!(cases::CN_C_02_01),
        negotiation_scenario!(cases::CN_C_02_02),
        negotiation_scenario!(cases::CN_C_02_03),
        negotiation_scenario!(cases::CN_C_02_04),
        negotiation_scenario!(cases::CN_C_02_05),
        negotiation_scenario!(cases::CN_C_02_06),
        negotiation_scenario!(cases::CN_C_03_01),
        negotiation_scenario!(cases::CN_C_03_02),
        negotiation_scenario!(cases::CN_C_03_03),
        negotiation_scenario!(cases::CN_C_03_04),
        negotiation_scenario!(cases::CN_C_03_05),
        negotiation_scenario!(cases::CN_C_03_06),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_negotiation_case_is_registered_once_in_order() {
        let registry = registry();
        let ids: Vec<&str> = registry.iter().map(|s| s.id).collect();
        let negotiation: Vec<&str> = cases::ALL.iter().map(|c| c.id).collect();
        assert_eq!(ids[..4], ["MET:01-01", "CAT:01-01", "CAT:01-02", "CAT:01-03"]);
        assert_eq!(ids[4..], negotiation[..]);
        assert_eq!(negotiation.len(), 31);
        for (scenario, case) in registry[4..].iter().zip(cases::ALL) {
            assert_eq!(scenario.title, case.title);
        }
    }
}
