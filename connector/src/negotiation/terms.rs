//! The terms of a negotiation, pure: whether a consumer's request asks for exactly what was offered, the agreement
//! a provider makes of it, whether an agreement a consumer receives is the one it asked for, and the provider's
//! decision with its explanation.

use chrono::{DateTime, Utc};
use ldt_policy::eval::{Context, Decision, Environment, Outcome, Prepared};
use ldt_policy::matching::{agreement, matches};
use ldt_policy::validate::Scope;
use ldt_policy::{Policy, read_policy, write_policy};
use serde_json::Value;

/// Reads a policy from a message, or says which one could not be read and why (first problem).
fn read(document: &Value, what: &str) -> Result<Policy, String> {
    read_policy(document).map_err(|problems| {
        let first = problems.first().map(|problem| problem.to_string()).unwrap_or_default();
        format!("the {what} is not a policy this connector can read: {first}")
    })
}

/// The `target` of an offer or agreement.
fn target_of(policy: &Value) -> Option<&str> {
    policy.get("target").and_then(|target| target.as_str().or_else(|| target.get("@id")?.as_str()))
}

/// Checks that `requested` (the `offer` of a contract request) asks for `dataset_id` under exactly the rules of
/// `offered` (the offer as the catalogue publishes it). Returns the offered policy.
pub fn check_request(requested: &Value, offered: &Value, dataset_id: &str) -> Result<Policy, String> {
    match target_of(requested) {
        Some(target) if target == dataset_id => {}
        Some(target) => {
            return Err(format!("the request's target `{target}` is not the offer's dataset `{dataset_id}`"));
        }
        None => return Err("the requested offer needs a `target`: the dataset asked for".into()),
    }
    let wanted = read(requested, "requested offer")?;
    let offered = read(offered, "offer")?;
    matches(&wanted, &offered).map_err(|mismatch| mismatch.to_string())?;
    Ok(offered)
}

/// What the provider decides on a request whose terms match an offer.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// The caller meets the contract policy.
    Agree,
    /// It does not: the explanation in words, and the decision's report.
    Refuse {
        /// Why, in plain words.
        explanation: String,
        /// The full decision.
        decision: Box<Decision>,
    },
}

/// Evaluates the contract policy `offered` for a caller with `context` (its participant id, verified claims and
/// declared purpose) in the negotiation scope.
pub fn decide(offered: Policy, mut context: Context, environment: &Environment) -> Verdict {
    context.scope = Some(Scope::Negotiation);
    context.action.get_or_insert_with(|| "use".into());
    let prepared = Prepared::new(offered);
    if prepared.outcome(&context, environment) == Outcome::Permit {
        return Verdict::Agree;
    }
    let decision = prepared.evaluate(&context, environment);
    Verdict::Refuse { explanation: ldt_policy::explain::render(&decision), decision: Box::new(decision) }
}

/// The agreement (DSP compact JSON) on `offered` for `dataset_id` between `provider` and `consumer`, made `at`.
pub fn agreement_document(
    offered: &Policy,
    id: String,
    dataset_id: &str,
    provider: &str,
    consumer: &str,
    at: DateTime<Utc>,
) -> Value {
    let mut document =
        write_policy(&agreement(offered, id, dataset_id.to_owned(), provider.to_owned(), consumer.to_owned(), at));
    if let Some(object) = document.as_object_mut() {
        object.remove("@context");
    }
    document
}

/// Checks, on the consumer's side, that `agreement` is what it asked for: an `Agreement` with an `@id` and a
/// `timestamp`, on `dataset_id`, from `provider` to `consumer`, with the rules of `requested` (compared
/// canonically, not as JSON text).
pub fn verify_agreement(
    agreement: &Value,
    requested: &Value,
    dataset_id: &str,
    provider: &str,
    consumer: &str,
) -> Result<(), String> {
    let field =
        |name: &str| agreement.get(name).and_then(|value| value.as_str().or_else(|| value.get("@id")?.as_str()));
    if field("@type") != Some("Agreement") {
        return Err("the agreement's @type is not Agreement".into());
    }
    if field("@id").is_none_or(str::is_empty) {
        return Err("the agreement has no @id".into());
    }
    if agreement.get("timestamp").is_none() {
        return Err("the agreement has no timestamp".into());
    }
    if target_of(agreement) != Some(dataset_id) {
        return Err(format!("the agreement is not on the dataset `{dataset_id}` that was asked for"));
    }
    if field("assigner") != Some(provider) {
        return Err(format!("the agreement's assigner is not the provider `{provider}` this negotiation is with"));
    }
    if field("assignee") != Some(consumer) {
        return Err(format!("the agreement's assignee is not this participant `{consumer}`"));
    }
    let agreed = read(agreement, "agreement")?;
    let asked = read(requested, "requested offer")?;
    matches(&agreed, &asked).map_err(|mismatch| format!("the agreement differs from the offer asked for: {mismatch}"))
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use serde_json::json;

    use super::*;

    fn offer() -> Value {
        json!({"@id": "urn:ldt:offer:o:d", "@type": "Offer", "permission": [{"action": "use", "constraint": [
            {"leftOperand": "purpose", "operator": "isA", "rightOperand": "air-quality-modelling"}]}],
            "prohibition": [{"action": "distribute"}]})
    }

    fn requested() -> Value {
        let mut requested = offer();
        requested["target"] = json!("d");
        // The same rules in another order and form.
        requested["prohibition"] = json!([{"action": "odrl:distribute"}]);
        requested
    }

    #[test]
    fn a_request_must_name_the_dataset_and_the_offered_rules() {
        assert!(check_request(&requested(), &offer(), "d").is_ok());
        assert!(check_request(&requested(), &offer(), "other").unwrap_err().contains("not the offer's dataset"));
        let mut greedy = requested();
        greedy.as_object_mut().unwrap().remove("prohibition");
        assert!(check_request(&greedy, &offer(), "d").unwrap_err().contains("prohibition"));
        let mut untargeted = requested();
        untargeted.as_object_mut().unwrap().remove("target");
        assert!(check_request(&untargeted, &offer(), "d").unwrap_err().contains("needs a `target`"));
    }

    #[test]
    fn the_provider_agrees_only_when_the_caller_meets_the_policy_and_says_why_not() {
        let policy = check_request(&requested(), &offer(), "d").unwrap();
        let environment = Environment::default();
        let context = |purpose: Option<&str>| Context {
            now: Some(Utc::now().fixed_offset()),
            purpose: purpose.map(str::to_owned),
            ..Context::default()
        };
        assert_eq!(decide(policy.clone(), context(Some("air-quality-modelling")), &environment), Verdict::Agree);
        let Verdict::Refuse { explanation, .. } = decide(policy.clone(), context(Some("marketing")), &environment)
        else {
            panic!("another purpose must be refused");
        };
        assert!(explanation.contains("purpose"), "{explanation}");
        assert!(matches!(decide(policy, context(None), &environment), Verdict::Refuse { .. }));
    }

    #[test]
    fn an_agreement_is_verified_against_what_was_asked() {
        let policy = check_request(&requested(), &offer(), "d").unwrap();
        let at = Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).unwrap();
        let agreement = agreement_document(&policy, "urn:uuid:a".into(), "d", "did:web:p", "did:web:c", at);
        assert_eq!(agreement["timestamp"], "2026-11-25T12:00:00Z");
        assert!(verify_agreement(&agreement, &requested(), "d", "did:web:p", "did:web:c").is_ok());

        let wrong = |key: &str, value: Value| {
            let mut changed = agreement.clone();
            changed[key] = value;
            verify_agreement(&changed, &requested(), "d", "did:web:p", "did:web:c").unwrap_err()
        };
        assert!(wrong("assigner", json!("did:web:mallory")).contains("assigner"));
        assert!(wrong("assignee", json!("did:web:other")).contains("assignee"));
        assert!(wrong("target", json!("e")).contains("dataset"));
        assert!(wrong("permission", json!([{"action": "use"}])).contains("differs"));
        assert!(wrong("@type", json!("Offer")).contains("@type"));
    }
}
