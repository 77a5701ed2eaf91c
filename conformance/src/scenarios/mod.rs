//! The registry of conformance scenarios.
//!
//! Adding a scenario: write `async fn x(ctx: &Context) -> Verdict` in the module of its area
//! and add one `scenario!(id, title, module::x)` line below; a negotiation or transfer
//! scenario is one line of `cases!` in `negotiation::cases` or `transfer::cases`.

pub mod catalog;
pub mod metadata;
pub mod negotiation;
pub mod opening;
pub mod script;
pub mod session;
pub mod transfer;

use crate::scenario;
use crate::scenario::Scenario;

/// Every scenario, in the order a run executes them.
pub fn registry() -> Vec<Scenario> {
    let mut registry = vec![
        scenario!("MET:01-01", "Version metadata lists DSP 2025-1 over HTTPS", metadata::version_endpoint),
        scenario!(
            "CAT:01-01",
            "Catalog request returns a valid Catalog holding the seeded dataset",
            catalog::catalog_request
        ),
        scenario!("CAT:01-02", "Dataset request returns the seeded Dataset", catalog::dataset_request),
        scenario!("CAT:01-03", "Dataset request for an unknown id returns a CatalogError", catalog::unknown_dataset),
    ];
    registry.extend(negotiation::cases::scenarios());
    registry.extend(transfer::cases::scenarios());
    registry
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_process_case_is_registered_once_in_order() {
        let registry = registry();
        let ids: Vec<&str> = registry.iter().map(|s| s.id).collect();
        assert_eq!(ids[..4], ["MET:01-01", "CAT:01-01", "CAT:01-02", "CAT:01-03"]);
        let cases: Vec<(&str, &str)> = negotiation::cases::ALL
            .iter()
            .map(|c| (c.id, c.title))
            .chain(transfer::cases::ALL.iter().map(|c| (c.id, c.title)))
            .collect();
        let registered: Vec<(&str, &str)> = registry[4..].iter().map(|s| (s.id, s.title)).collect();
        assert_eq!(registered, cases);
        assert_eq!((negotiation::cases::ALL.len(), transfer::cases::ALL.len()), (31, 32));
        let mut unique = ids.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), ids.len(), "scenario ids are unique");
    }
}
