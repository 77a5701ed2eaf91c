//! `/policies`: ODRL policy documents, stored as given (validation comes with the policy engine).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ldt_catalog::FieldError;
use ldt_catalog::product::Problems;
use ldt_policy::eval::{Context, Decision};
use ldt_policy::validate::{Usage, validate};
use ldt_policy::{Diagnostic, Policy, read_policy};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::listing::{ListQuery, Listing};
use super::offers::{access_usage, contract_usage};
use super::problem::Problem;
use super::{created, same_id};
use crate::app::AppState;
use crate::store::policies::{PolicyDocument, StoredPolicy};

/// List policies.
#[utoipa::path(get, path = "/policies", tag = "policies", params(ListQuery),
    responses((status = 200, body = Listing<StoredPolicy>), (status = 400, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<Listing<StoredPolicy>>, Problem> {
    let (limit, cursor) = query.read()?;
    Ok(Json(state.store.policies(cursor.as_ref(), limit).await?.into()))
}

/// Register a policy.
#[utoipa::path(post, path = "/policies", tag = "policies", request_body = PolicyDocument,
    responses((status = 201, body = StoredPolicy), (status = 400, body = Problem), (status = 409, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    ApiJson(document): ApiJson<PolicyDocument>,
) -> Result<Response, Problem> {
    check(&state, &document)?;
    let stored = state.store.create_policy(&document).await?;
    Ok(created("policies", &document.id, stored))
}

/// Read a policy.
#[utoipa::path(get, path = "/policies/{id}", tag = "policies", params(("id" = String, Path)),
    responses((status = 200, body = StoredPolicy), (status = 404, body = Problem)))]
pub async fn get(State(state): State<AppState>, ApiPath(id): ApiPath<String>) -> Result<Json<StoredPolicy>, Problem> {
    Ok(Json(state.store.policy(&id).await?))
}

/// Replace a policy; offers under it publish the new rules at once.
#[utoipa::path(put, path = "/policies/{id}", tag = "policies", params(("id" = String, Path)), request_body = PolicyDocument,
    responses((status = 200, body = StoredPolicy), (status = 400, body = Problem), (status = 404, body = Problem)))]
pub async fn replace(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    ApiJson(document): ApiJson<PolicyDocument>,
) -> Result<Json<StoredPolicy>, Problem> {
    same_id(&id, &document.id)?;
    check(&state, &document)?;
    check_for_offers(&state, &document).await?;
    Ok(Json(state.store.replace_policy(&document).await?))
}

/// Delete a policy; refused (409) while an offer uses it.
#[utoipa::path(delete, path = "/policies/{id}", tag = "policies", params(("id" = String, Path)),
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn delete(State(state): State<AppState>, ApiPath(id): ApiPath<String>) -> Result<Response, Problem> {
    state.store.delete_policy(&id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// A usable id and a valid ODRL policy, for use in any scope (the offers that use it check their scope).
fn check(state: &AppState, document: &PolicyDocument) -> Result<(), Problem> {
    let mut problems = Problems::default();
    problems.check_id("/id", &document.id);
    let mut errors = problems.into_result().err().unwrap_or_default();
    if let Err(diagnostics) =
        policy_problems(&document.policy, &Usage::anywhere(state.config.policy.claims.keys().cloned()))
    {
        errors.extend(under_policy(diagnostics));
    }
    if errors.is_empty() { Ok(()) } else { Err(Problem::invalid(errors)) }
}

/// A replacement policy stays usable where offers already use it: as an access policy, a contract policy, or both.
async fn check_for_offers(state: &AppState, document: &PolicyDocument) -> Result<(), Problem> {
    let (as_access, as_contract) = state.store.policy_uses(&document.id).await?;
    let usages = [(as_access, access_usage(state)), (as_contract, contract_usage(state))];
    let mut errors = Vec::new();
    for (_, usage) in usages.into_iter().filter(|(used, _)| *used) {
        if let Err(diagnostics) = policy_problems(&document.policy, &usage) {
            errors.extend(under_policy(diagnostics));
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(Problem::invalid(errors)) }
}

/// Diagnostics of the `policy` member of a request body, as field errors pointing into it.
fn under_policy(diagnostics: Vec<Diagnostic>) -> impl Iterator<Item = FieldError> {
    diagnostics.into_iter().map(|d| FieldError { pointer: format!("/policy{}", d.path), detail: d.problem.to_string() })
}

/// The problems of an ODRL document used as `usage` says: reading it, then validating it.
pub(crate) fn policy_problems(document: &serde_json::Value, usage: &Usage) -> Result<Policy, Vec<Diagnostic>> {
    let policy = read_policy(document)?;
    let problems = validate(&policy, usage);
    if problems.is_empty() { Ok(policy) } else { Err(problems) }
}

/// What to evaluate: a policy (given, or stored under an id) against a request context.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EvaluationRequest {
    /// The ODRL policy to evaluate.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub policy: Option<serde_json::Value>,
    /// Or the id of a stored policy.
    #[serde(default)]
    pub policy_id: Option<String>,
    /// The request: `action`, `now`, `caller`, `purpose`, `agreementStart`, `count`, `places`, `claims`, `facts`
    /// (see the README); `now` defaults to the current time.
    #[schema(value_type = Object)]
    pub context: Context,
}

/// A decision with its report and its explanation in words.
#[derive(Debug, Serialize, ToSchema)]
pub struct Evaluation {
    /// The decision: outcome, summary, each rule and constraint, duties.
    #[schema(value_type = Object)]
    pub decision: Decision,
    /// The decision in plain words.
    pub explanation: String,
}

/// Evaluate a policy against a request context, with the connector's purpose taxonomy, places and claim mapping.
#[utoipa::path(post, path = "/policies/evaluate", tag = "policies", request_body = EvaluationRequest,
    responses((status = 200, body = Evaluation), (status = 400, body = Problem), (status = 404, body = Problem)))]
pub async fn evaluate(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<EvaluationRequest>,
) -> Result<Json<Evaluation>, Problem> {
    let document = match (request.policy, request.policy_id) {
        (Some(policy), None) => policy,
        (None, Some(id)) => state.store.policy(&id).await?.document.policy,
        _ => return Err(Problem::invalid_field("/policy", "give either `policy` or `policyId`")),
    };
    let policy = read_policy(&document).map_err(|diagnostics| Problem::invalid(under_policy(diagnostics).collect()))?;
    let mut context = request.context;
    context.now.get_or_insert_with(|| chrono::Utc::now().fixed_offset());
    let decision = ldt_policy::eval::evaluate(&policy, &context, &state.config.policy);
    let explanation = ldt_policy::explain::render(&decision);
    Ok(Json(Evaluation { decision, explanation }))
}
