//! The catalogue scope of the policy engine: which offers' access policies a caller satisfies, and so which
//! datasets it is shown. A policy that cannot be read or evaluated shows nothing (fail closed).

use chrono::Utc;
use ldt_identity::Caller;
use ldt_policy::eval::{Context, Outcome, Prepared};
use ldt_policy::validate::Scope;
use serde_json::Value;

use crate::app::AppState;
use crate::store::StoreError;

/// The ids of the access policies in use that `caller` satisfies now.
pub async fn visible_access_policies(state: &AppState, caller: &Caller) -> Result<Vec<String>, StoreError> {
    let context = catalogue_context(caller);
    let policies = state.store.access_policies().await?;
    Ok(policies
        .into_iter()
        .filter(|(id, document)| satisfied(state, &context, id, document))
        .map(|(id, _)| id)
        .collect())
}

/// Whether `caller` satisfies now the access policy `id` with `document`.
pub fn satisfies_access_policy(state: &AppState, caller: &Caller, id: &str, document: &Value) -> bool {
    satisfied(state, &catalogue_context(caller), id, document)
}

/// What an access policy is evaluated against: `caller` using the catalogue now.
fn catalogue_context(caller: &Caller) -> Context {
    Context {
        action: Some("use".into()),
        now: Some(Utc::now().fixed_offset()),
        caller: Some(caller.participant_id.clone()),
        claims: caller.claims.clone(),
        scope: Some(Scope::Catalogue),
        ..Context::default()
    }
}

/// Whether the access policy `id` with `document` permits in `context`; one that cannot be read permits nothing.
fn satisfied(state: &AppState, context: &Context, id: &str, document: &Value) -> bool {
    match ldt_policy::read_policy(document) {
        Ok(policy) => Prepared::new(policy).outcome(context, &state.config.policy) == Outcome::Permit,
        Err(problems) => {
            tracing::warn!(policy = %id, problems = problems.len(), "an access policy cannot be read; it shows nothing");
            false
        }
    }
}
