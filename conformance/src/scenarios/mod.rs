//! The registry of conformance scenarios.
//!
//! Adding a scenario: write `async fn x(ctx: &Context) -> Verdict` in the module of its area
//! and add one `scenario!(id, title, module::x)` line below.

pub mod catalog;
pub mod metadata;

use crate::scenario;
use crate::scenario::Scenario;

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
    ]
}
