//! The catalogue scope of the policy engine: which offers' access policies a caller satisfies, and so which
//! datasets it is shown. A policy that cannot be read or evaluated shows nothing (fail closed).

use chrono::Utc;
use ldt_identity::Caller;
use ldt_policy::eval::{Context, Outcome, Prepared};
use ldt_policy::validate::Scope;

use crate::app::AppState;
use crate::store::StoreError;

/// The ids of the access policies in use that `caller` satisfies now.
pub async fn visible_access_policies(state: &AppState, caller: &Caller) -> Result<Vec<String>, StoreError> {
    let context = Context {
        action: Some("use".into()),
        now: Some(Utc::now().fixed_offset()),
        caller: Some(caller.participant_id.clone()),
        claims: caller.claims.clone(),
        scope: Some(Scope::Catalogue),
        ..Context::default()
    };
    let policies = state.store.access_policies().await?;
    Ok(policies
        .into_iter()
        .filter(|(id, document)| match ldt_policy::read_policy(document) {
            Ok(policy) => Prepared::new(policy).outcome(&context, &state.config.policy) == Outcome::Permit,
            Err(problems) => {
                tracing::warn!(policy = %id, problems = problems.len(), "an access policy cannot be read; it shows nothing");
                false
            }
        })
        .map(|(id, _)| id)
        .collect())
}
