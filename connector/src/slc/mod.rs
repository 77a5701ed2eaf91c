//! Surface-level components in the service: this LDT's capability profile (`home`), the federated view of the
//! members' catalogues (`federation`), and the assessments the management API and the CLI ask for. The judging
//! itself is the pure `ldt_catalog::slc`; it runs off the async threads.

pub mod federation;
mod home;

use std::sync::Arc;

use chrono::Utc;
use ldt_catalog::slc::profile::Participant;
use ldt_catalog::slc::{Assessment, Assessor, LdtProfile, Published, SlcDescriptor, ranking};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::app::AppState;
use crate::store::StoreError;

/// A component published by another member, judged against this LDT.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Candidate {
    /// Who publishes it.
    pub publisher: Participant,
    /// The offers it is under in the publisher's catalogue.
    pub offers: Vec<String>,
    /// How it fits this LDT.
    pub assessment: Assessment,
}

/// Judges `descriptor` against this LDT, looking for missing inputs in the members' catalogues as last fetched.
pub async fn assess(state: &AppState, descriptor: SlcDescriptor) -> Result<Assessment, StoreError> {
    with_assessor(state, move |assessor, _| assessor.assess(&descriptor)).await
}

/// Every component the other members publish (as last fetched), judged against this LDT and ranked best first.
pub async fn discover(state: &AppState) -> Result<Vec<Candidate>, StoreError> {
    with_assessor(state, |assessor, members| {
        let mut candidates: Vec<Candidate> = members
            .iter()
            .flat_map(|(publisher, components)| {
                components.iter().map(|component| Candidate {
                    publisher: publisher.participant.clone(),
                    offers: component.offers.iter().map(|offer| offer.id.clone()).collect(),
                    assessment: assessor.assess_offered(&component.descriptor, &component.offers),
                })
            })
            .collect();
        candidates.sort_by(|a, b| ranking(&a.assessment, &b.assessment));
        candidates
    })
    .await
}

/// Runs `work` on the blocking pool with an assessor for this LDT (its profile and claims read now, the members'
/// profiles as last fetched) and the members' components.
async fn with_assessor<T: Send + 'static>(
    state: &AppState,
    work: impl FnOnce(&Assessor, &[(Arc<LdtProfile>, Arc<[Published]>)]) -> T + Send + 'static,
) -> Result<T, StoreError> {
    let home = home::read(state).await?;
    let members = state.federation.snapshot();
    let config = Arc::clone(&state.config);
    let outcome = tokio::task::spawn_blocking(move || {
        let (home, claims) = home.profile();
        let others: Vec<Arc<LdtProfile>> = members.iter().map(|(profile, _)| Arc::clone(profile)).collect();
        let assessor =
            Assessor { home: &home, others: &others, environment: &config.policy, claims: &claims, now: Utc::now() };
        work(&assessor, &members)
    })
    .await;
    match outcome {
        Ok(value) => Ok(value),
        // A panic in the work is a panic here, as if it had run inline.
        Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
        Err(_) => Err(StoreError::Database(sea_orm::DbErr::Custom("the connector is shutting down".into()))),
    }
}
