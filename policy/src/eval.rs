//! Evaluation: does a policy permit a request? Every decision carries a report of each rule and constraint —
//! what was compared with what and whether it held — so it can be explained ([`crate::explain`]).
//!
//! Semantics (closed world, fail closed):
//! - a permission *applies* when its action covers the requested one (the ODRL `includedIn` hierarchy: `use` covers
//!   `read`), its assignee (if any) is the caller, its target (if any) is the requested target, and every constraint
//!   and action refinement is satisfied;
//! - a prohibition applies under the same conditions;
//! - the request is permitted when a permission applies and no prohibition does — unless the policy's conflict
//!   strategy is `perm`; with `invalid` (ODRL's default) or `prohibit`, a conflict denies;
//! - constraints are judged in three-valued logic: satisfied, not satisfied, or unknown (the request lacks the value,
//!   or the values cannot be compared — reported with the reason, never skipped). Failing closed, a permission
//!   applies only when every constraint is satisfied, and a prohibition applies unless one is certainly not; `and`,
//!   `or` and `xone` combine unknowns as Kleene logic does (`xone` with an unknown part is unknown);
//! - a constraint of a later scope (see [`Context::scope`]) is deferred: it neither blocks a permission nor makes a
//!   prohibition apply now;
//! - duties of the permissions that apply are returned with a permit: they are obligations the caller takes on, to
//!   be stored on the agreement and enforced, not preconditions of this decision.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::left_operand::{Scope, resolvable, right_values};
use crate::model::{
    AtomicConstraint, ConflictStrategy, Constraint, LogicalOperator, Operator, Policy, Rule, RuleKind, short_name,
};
use crate::operand::{Value, coerce, holds};
use crate::vocabulary::includes;

/// What is known about a request when a policy is evaluated (the "context file" of `ldt-connector policy eval`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Context {
    /// The requested action; `use` when not given.
    #[serde(default)]
    pub action: Option<String>,
    /// The time of the request (`dateTime`); required to resolve `dateTime` and `elapsedTime`.
    #[serde(default)]
    pub now: Option<DateTime<FixedOffset>>,
    /// The calling participant (`recipient`), a DID or other IRI.
    #[serde(default)]
    pub caller: Option<String>,
    /// The requested asset, if the request names one.
    #[serde(default)]
    pub target: Option<String>,
    /// The purpose the caller declared (`purpose`), an IRI or name.
    #[serde(default)]
    pub purpose: Option<String>,
    /// When the agreement was made (`elapsedTime` is counted from it).
    #[serde(default)]
    pub agreement_start: Option<DateTime<FixedOffset>>,
    /// How often the agreement was used so far (`count`).
    #[serde(default)]
    pub count: Option<u64>,
    /// The caller's territory (`spatial`): place IRIs it declares.
    #[serde(default)]
    pub places: Vec<String>,
    /// The caller's position (`spatial`) as `[longitude, latitude]`, used when it declares no places: compared with
    /// regions by containment.
    #[serde(default)]
    pub coordinates: Option<[f64; 2]>,
    /// The caller's verified credential claims, read through [`Environment::claims`].
    #[serde(default)]
    pub claims: serde_json::Value,
    /// Any other left operand's value(s), by name or IRI (e.g. `{"resolution": 1000}`).
    #[serde(default)]
    pub facts: BTreeMap<String, serde_json::Value>,
    /// Where the policy is evaluated. Constraints whose left operand is only resolved in another scope are
    /// deferred there (e.g. `elapsedTime` of a contract policy is checked while transferring, not when
    /// negotiating). `None`: every constraint is evaluated now.
    #[serde(default)]
    pub scope: Option<Scope>,
}

/// What the engine is configured with.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Environment {
    /// The purpose taxonomy: each purpose with the broader purposes it is a kind of (`isA`).
    #[serde(default)]
    pub purposes: BTreeMap<String, Vec<String>>,
    /// The place hierarchy: each place with the larger places it lies in (`spatial isPartOf`).
    #[serde(default)]
    pub places: BTreeMap<String, Vec<String>>,
    /// Left operands read from the caller's claims: left operand IRI → JSON pointer into [`Context::claims`].
    #[serde(default)]
    pub claims: BTreeMap<String, String>,
    /// Named regions with their GeoJSON geometry, for `spatial` constraints on a caller's coordinates.
    #[serde(default)]
    pub regions: BTreeMap<String, serde_json::Value>,
}

impl Environment {
    /// True if `narrower` is `broader` or, transitively, a kind of it in `taxonomy`.
    fn within(taxonomy: &BTreeMap<String, Vec<String>>, narrower: &str, broader: &str) -> bool {
        let mut seen = BTreeSet::new();
        let mut pending = vec![narrower];
        while let Some(current) = pending.pop() {
            if current == broader {
                return true;
            }
            if seen.insert(current) {
                pending.extend(taxonomy.get(current).into_iter().flatten().map(String::as_str));
            }
        }
        false
    }
}

/// Permit or deny.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    /// The request is permitted.
    Permit,
    /// The request is denied.
    Deny,
}

/// A decision and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Decision {
    /// The outcome.
    pub outcome: Outcome,
    /// The requested action.
    pub action: String,
    /// Why, in one sentence.
    pub summary: String,
    /// Each rule: whether it applies, and each of its constraints.
    pub rules: Vec<RuleReport>,
    /// With a permit: the duties of the permissions that apply, to be stored on the agreement.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub duties: Vec<DutyReport>,
}

/// A duty that comes with a permit.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DutyReport {
    /// Where it is in the policy.
    pub path: String,
    /// The action to perform, e.g. `attribute` or `delete`.
    pub action: String,
    /// Its constraints in words (e.g. when it falls due).
    pub constraints: Vec<ConstraintReport>,
}

/// How one rule was judged.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleReport {
    /// Where it is in the policy, e.g. `/permission/0`.
    pub path: String,
    /// Permission, prohibition or duty.
    #[serde(serialize_with = "rule_kind")]
    pub kind: RuleKind,
    /// Its action.
    pub action: String,
    /// Whether it applies to this request.
    pub applies: bool,
    /// Why it does not apply, when the reason is not a constraint (another action, assignee or target).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_applicable: Option<String>,
    /// Each constraint and action refinement.
    pub constraints: Vec<ConstraintReport>,
}

fn rule_kind<S: serde::Serializer>(kind: &RuleKind, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(match kind {
        RuleKind::Permission => "permission",
        RuleKind::Prohibition => "prohibition",
        RuleKind::Duty => "duty",
    })
}

/// How one constraint was judged.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase", tag = "type")]
pub enum ConstraintReport {
    /// A comparison.
    Atomic {
        /// Where it is in the policy.
        path: String,
        /// The left operand.
        left: String,
        /// The operator.
        operator: Operator,
        /// The right operand's values, as written for people.
        right: Vec<String>,
        /// The values the request had for the left operand, if it had any.
        #[serde(skip_serializing_if = "Option::is_none")]
        actual: Option<Vec<String>>,
        /// The verdict.
        verdict: Verdict,
    },
    /// A logical combination.
    Logical {
        /// Where it is in the policy.
        path: String,
        /// The operator.
        operator: LogicalOperator,
        /// The combination's truth.
        truth: Truth,
        /// Its operands.
        parts: Vec<ConstraintReport>,
    },
}

/// The truth of a constraint in three-valued logic, plus "decided in another scope".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Truth {
    /// It holds.
    True,
    /// It does not hold.
    False,
    /// It cannot be decided with what the request says.
    Unknown,
    /// It is decided in another scope.
    Deferred,
}

impl Truth {
    /// The Kleene combination of `parts` under `operator`; deferred parts take no part in it.
    fn combine(operator: LogicalOperator, parts: impl Iterator<Item = Truth>) -> Truth {
        let (mut held, mut unknown, mut decided, mut deferred) = (0, 0, 0, 0);
        for part in parts {
            match part {
                Truth::True => held += 1,
                Truth::Unknown => unknown += 1,
                Truth::False => {}
                Truth::Deferred => {
                    deferred += 1;
                    continue;
                }
            }
            decided += 1;
        }
        if decided == 0 && deferred > 0 {
            return Truth::Deferred;
        }
        let certain = |holds: bool| if holds { Truth::True } else { Truth::False };
        match operator {
            LogicalOperator::And | LogicalOperator::AndSequence if held == decided => Truth::True,
            LogicalOperator::And | LogicalOperator::AndSequence if held + unknown == decided => Truth::Unknown,
            LogicalOperator::And | LogicalOperator::AndSequence => Truth::False,
            LogicalOperator::Or if held > 0 => Truth::True,
            LogicalOperator::Or if unknown > 0 => Truth::Unknown,
            LogicalOperator::Or => Truth::False,
            LogicalOperator::Xone if held > 1 => Truth::False,
            LogicalOperator::Xone if unknown > 0 => Truth::Unknown,
            LogicalOperator::Xone => certain(held == 1),
        }
    }
}

impl ConstraintReport {
    /// The constraint's truth.
    pub fn truth(&self) -> Truth {
        match self {
            ConstraintReport::Atomic { verdict: Verdict::Satisfied, .. } => Truth::True,
            ConstraintReport::Atomic { verdict: Verdict::NotSatisfied, .. } => Truth::False,
            ConstraintReport::Atomic { verdict: Verdict::Unresolved(_), .. } => Truth::Unknown,
            ConstraintReport::Atomic { verdict: Verdict::Deferred(_), .. } => Truth::Deferred,
            ConstraintReport::Logical { truth, .. } => *truth,
        }
    }

    /// Whether the constraint certainly holds now.
    pub fn satisfied(&self) -> bool {
        self.truth() == Truth::True
    }
}

/// The verdict on one comparison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "state", content = "reason")]
pub enum Verdict {
    /// It holds.
    Satisfied,
    /// It does not hold.
    NotSatisfied,
    /// It could not be decided (so it is not satisfied); why.
    Unresolved(String),
    /// It is checked in another scope (so it does not stand in the way now); which.
    Deferred(Scope),
}

/// Evaluates `policy` for the request `context` describes.
///
/// ```
/// use ldt_policy::eval::{Context, Environment, Outcome, evaluate};
/// let policy = ldt_policy::read_policy(&serde_json::json!({"@type": "Set", "permission": [{"action": "use",
///     "constraint": [{"leftOperand": "purpose", "operator": "isA", "rightOperand": "research"}]}]})).unwrap();
/// let environment = Environment {
///     purposes: [("traffic-research".to_owned(), vec!["research".to_owned()])].into(),
///     ..Environment::default()
/// };
/// let mut context = Context { purpose: Some("traffic-research".into()), ..Context::default() };
/// assert_eq!(evaluate(&policy, &context, &environment).outcome, Outcome::Permit);
/// context.purpose = Some("marketing".into());
/// assert_eq!(evaluate(&policy, &context, &environment).outcome, Outcome::Deny);
/// ```
pub fn evaluate(policy: &Policy, context: &Context, environment: &Environment) -> Decision {
    let action = context.action.as_deref().map_or_else(|| "use".to_owned(), short_name);
    let evaluator = Evaluator { context, environment, action: &action, policy };
    let permissions: Vec<RuleReport> = policy
        .permissions
        .iter()
        .enumerate()
        .map(|(i, rule)| evaluator.rule(rule, RuleKind::Permission, &format!("/permission/{i}")))
        .collect();
    let prohibitions: Vec<RuleReport> = policy
        .prohibitions
        .iter()
        .enumerate()
        .map(|(i, rule)| evaluator.rule(rule, RuleKind::Prohibition, &format!("/prohibition/{i}")))
        .collect();
    let permitted = permissions.iter().any(|report| report.applies);
    let prohibited = prohibitions.iter().any(|report| report.applies);
    let action = evaluator.action.to_owned();
    let (outcome, summary) = match (permitted, prohibited, policy.conflict) {
        (false, _, _) => (Outcome::Deny, format!("no permission allows `{action}` for this request")),
        (true, false, _) => (Outcome::Permit, format!("a permission allows `{action}` and no prohibition forbids it")),
        (true, true, Some(ConflictStrategy::Perm)) => (
            Outcome::Permit,
            format!("a permission and a prohibition both apply to `{action}`; the policy lets permissions win"),
        ),
        (true, true, Some(ConflictStrategy::Prohibit)) => (
            Outcome::Deny,
            format!("a prohibition forbids `{action}`, and the policy lets prohibitions win over permissions"),
        ),
        (true, true, _) => {
            (Outcome::Deny, format!("a permission and a prohibition both apply to `{action}`, which voids the policy"))
        }
    };
    let duties = if outcome == Outcome::Permit {
        policy
            .permissions
            .iter()
            .zip(&permissions)
            .filter(|(_, report)| report.applies)
            .flat_map(|(rule, report)| {
                rule.duties.iter().enumerate().map(move |(i, duty)| (format!("{}/duty/{i}", report.path), duty))
            })
            .chain(policy.obligations.iter().enumerate().map(|(i, duty)| (format!("/obligation/{i}"), duty)))
            .map(|(path, duty)| DutyReport {
                constraints: evaluator.constraints(&duty.constraints, &format!("{path}/constraint")),
                action: duty.action.name.clone(),
                path,
            })
            .collect()
    } else {
        Vec::new()
    };
    Decision { outcome, action, summary, rules: permissions.into_iter().chain(prohibitions).collect(), duties }
}

struct Evaluator<'a> {
    context: &'a Context,
    environment: &'a Environment,
    action: &'a str,
    policy: &'a Policy,
}

impl Evaluator<'_> {
    fn rule(&self, rule: &Rule, kind: RuleKind, path: &str) -> RuleReport {
        // Policy-level parties and target are shared by every rule that names none (ODRL 2.2 §2.1).
        let assignee = rule.assignee.as_ref().or(self.policy.assignee.as_ref());
        let target = rule.target.as_deref().or(self.policy.target.as_deref());
        let not_applicable = if !includes(&rule.action.name, self.action) {
            Some(format!("it is about `{}`, which does not cover `{}`", rule.action.name, self.action))
        } else if let Some(assignee) = assignee
            && self.context.caller.as_deref() != Some(assignee.as_str())
        {
            Some(format!("it is assigned to `{assignee}`, not to the caller"))
        } else if let (Some(target), Some(requested)) = (target, &self.context.target)
            && target != requested
        {
            Some(format!("it is about `{target}`, not `{requested}`"))
        } else {
            None
        };
        let mut constraints = self.constraints(&rule.action.refinements, &format!("{path}/action/odrl:refinement"));
        constraints.extend(self.constraints(&rule.constraints, &format!("{path}/constraint")));
        let applies = not_applicable.is_none()
            && match kind {
                // Fail closed: a permission needs every constraint to hold; a prohibition applies unless one
                // certainly does not.
                RuleKind::Prohibition => constraints.iter().all(|c| matches!(c.truth(), Truth::True | Truth::Unknown)),
                _ => constraints.iter().all(|c| matches!(c.truth(), Truth::True | Truth::Deferred)),
            };
        RuleReport {
            path: path.to_owned(),
            kind,
            action: rule.action.name.clone(),
            applies,
            not_applicable,
            constraints,
        }
    }

    fn constraints(&self, constraints: &[Constraint], path: &str) -> Vec<ConstraintReport> {
        constraints
            .iter()
            .enumerate()
            .map(|(i, constraint)| self.constraint(constraint, &format!("{path}/{i}")))
            .collect()
    }

    fn constraint(&self, constraint: &Constraint, path: &str) -> ConstraintReport {
        match constraint {
            Constraint::Logical(logical) => {
                let parts = self.constraints(&logical.constraints, &format!("{path}/{}", logical.operator.as_str()));
                let truth = Truth::combine(logical.operator, parts.iter().map(ConstraintReport::truth));
                ConstraintReport::Logical { path: path.to_owned(), operator: logical.operator, truth, parts }
            }
            Constraint::Atomic(atomic) => self.atomic(atomic, path),
        }
    }

    fn atomic(&self, atomic: &AtomicConstraint, path: &str) -> ConstraintReport {
        let right_words: Vec<String> = atomic.right.iter().map(literal_words).collect();
        let report = |actual: Option<Vec<String>>, verdict| ConstraintReport::Atomic {
            path: path.to_owned(),
            left: atomic.left.clone(),
            operator: atomic.operator,
            right: right_words.clone(),
            actual,
            verdict,
        };
        if let Some(scope) = self.context.scope
            && let Some((scopes, _)) = resolvable(&atomic.left)
            && !scopes.contains(&scope)
            && let Some(later) = scopes.first()
        {
            return report(None, Verdict::Deferred(*later));
        }
        if atomic.left == "spatial"
            && self.context.places.is_empty()
            && let Some(point) = self.context.coordinates
        {
            let actual = Some(vec![format!("[{}, {}]", point[0], point[1])]);
            let verdict = match crate::spatial::holds(atomic.operator, point, &atomic.right, &self.environment.regions)
            {
                Ok(true) => Verdict::Satisfied,
                Ok(false) => Verdict::NotSatisfied,
                Err(reason) => Verdict::Unresolved(reason),
            };
            return report(actual, verdict);
        }
        let left = match self.left_values(atomic) {
            Ok(values) => values,
            Err(reason) => return report(None, Verdict::Unresolved(reason)),
        };
        let actual = Some(match (atomic.left.as_str(), self.context.agreement_start, self.context.now) {
            ("elapsedTime", Some(start), Some(now)) => vec![elapsed(start, now)],
            _ => left.iter().map(ToString::to_string).collect(),
        });
        let right = match right_values(atomic).into_iter().collect() {
            Ok(values) => values,
            Err(error) => return report(actual, Verdict::Unresolved(error.to_string())),
        };
        let (left, right) = self.comparable(atomic, left, right);
        let taxonomy = match atomic.left.as_str() {
            "spatial" => &self.environment.places,
            _ => &self.environment.purposes,
        };
        let is_a = |narrower: &str, broader: &str| Environment::within(taxonomy, narrower, broader);
        let verdict = match holds(atomic.operator, &left, &right, &is_a) {
            Ok(true) => Verdict::Satisfied,
            Ok(false) => Verdict::NotSatisfied,
            Err(incomparable) => Verdict::Unresolved(incomparable.to_string()),
        };
        report(actual, verdict)
    }

    /// `left` and `right` made comparable: request values coerced to the right operand's type, and for
    /// `elapsedTime` the comparison moved onto instants (elapsed ≤ D ⇔ now ≤ start + D).
    fn comparable(&self, atomic: &AtomicConstraint, left: Vec<Value>, right: Vec<Value>) -> (Vec<Value>, Vec<Value>) {
        if atomic.left == "elapsedTime"
            && let (Some(start), [Value::Duration(duration)]) = (self.context.agreement_start, right.as_slice())
            && let Some(deadline) = duration.add_to(start)
        {
            let now = self.context.now.map(Value::DateTime).into_iter().collect();
            return (now, vec![Value::DateTime(deadline)]);
        }
        let left = match right.first() {
            Some(like) => left.into_iter().map(|value| coerce(&value, like).unwrap_or(value)).collect(),
            None => left,
        };
        (left, right)
    }

    /// The request's values for the constraint's left operand, or why there are none.
    fn left_values(&self, atomic: &AtomicConstraint) -> Result<Vec<Value>, String> {
        let context = self.context;
        let missing = |what: &str| Err(format!("the request does not say {what}"));
        match atomic.left.as_str() {
            "dateTime" => context.now.map(|now| vec![Value::DateTime(now)]).map_or_else(|| missing("the time"), Ok),
            "elapsedTime" => match (context.agreement_start, context.now) {
                (Some(_), Some(now)) => Ok(vec![Value::DateTime(now)]),
                (None, _) => missing("when the agreement was made"),
                (_, None) => missing("the time"),
            },
            "count" => context
                .count
                .map(|count| vec![Value::Decimal(count.into())])
                .map_or_else(|| missing("how often the agreement was used"), Ok),
            "purpose" => context
                .purpose
                .clone()
                .map(|purpose| vec![Value::String(purpose)])
                .map_or_else(|| missing("a purpose"), Ok),
            "recipient" => context
                .caller
                .clone()
                .map(|caller| vec![Value::Iri(caller)])
                .map_or_else(|| missing("who is calling"), Ok),
            "spatial" if !context.places.is_empty() => Ok(context.places.iter().cloned().map(Value::Iri).collect()),
            "spatial" => missing("where the caller is"),
            other => {
                if let Some(pointer) = self.environment.claims.get(other) {
                    return match context.claims.pointer(pointer) {
                        Some(value) => Ok(json_values(value)),
                        None => Err(format!("the caller's credentials have no claim `{pointer}`")),
                    };
                }
                match context.facts.get(other) {
                    Some(value) => Ok(json_values(value)),
                    None => Err(format!("the connector cannot resolve `{other}` for this request")),
                }
            }
        }
    }
}

/// The time from `start` to `now` as an xsd:duration in days and seconds, e.g. `P12DT3H`.
fn elapsed(start: DateTime<FixedOffset>, now: DateTime<FixedOffset>) -> String {
    let span = now - start;
    let days = span.num_days();
    let seconds = (span - chrono::TimeDelta::days(days)).num_seconds();
    match crate::operand::Duration::new(0, days, seconds.into()) {
        Some(duration) => duration.to_string(),
        None => format!("{} s", span.num_seconds()),
    }
}

/// The typed values of a JSON claim or fact: one per array element.
fn json_values(value: &serde_json::Value) -> Vec<Value> {
    match value {
        serde_json::Value::Array(items) => items.iter().flat_map(json_values).collect(),
        serde_json::Value::String(text) => vec![Value::String(text.clone())],
        serde_json::Value::Bool(flag) => vec![Value::Bool(*flag)],
        serde_json::Value::Number(number) => number.to_string().parse().map(Value::Decimal).into_iter().collect(),
        serde_json::Value::Object(object) => match object.get("@id").or_else(|| object.get("@value")) {
            Some(inner) => json_values(inner),
            None => Vec::new(),
        },
        serde_json::Value::Null => Vec::new(),
    }
}

/// A right operand value as people write it.
fn literal_words(literal: &crate::model::Literal) -> String {
    use crate::model::Literal;
    match literal {
        Literal::String(text) | Literal::Iri(text) => text.clone(),
        Literal::Number(number) => number.to_string(),
        Literal::Bool(flag) => flag.to_string(),
        Literal::Typed { value, .. } => value.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Data for callers inside the city: a caller's coordinates are checked against the city's configured outline.
    #[test]
    fn a_position_is_checked_against_a_named_region() {
        let city = "https://sws.geonames.org/2756253/";
        let policy = crate::read_policy(&json!({"@type": "Set", "permission": [{"action": "use", "constraint": [
            {"leftOperand": "spatial", "operator": "isPartOf", "rightOperand": {"@id": city}}]}]}))
        .unwrap();
        let outline = json!({"type": "Polygon", "coordinates": [[[5.40, 51.40], [5.53, 51.40], [5.53, 51.49], [5.40, 51.49], [5.40, 51.40]]]});
        let environment = Environment { regions: [(city.to_owned(), outline)].into(), ..Environment::default() };
        let at = |coordinates| Context { coordinates: Some(coordinates), ..Context::default() };
        assert_eq!(evaluate(&policy, &at([5.4697, 51.4416]), &environment).outcome, Outcome::Permit);
        let outside = evaluate(&policy, &at([4.9041, 52.3676]), &environment);
        assert_eq!(outside.outcome, Outcome::Deny);
        let sentence = crate::explain::sentence(&outside.rules[0].constraints[0]);
        assert_eq!(sentence, format!("spatial `[4.9041, 52.3676]` is not part of `{city}`"));
        let unknown = evaluate(&policy, &at([5.4697, 51.4416]), &Environment::default());
        assert!(matches!(
            &unknown.rules[0].constraints[0],
            ConstraintReport::Atomic { verdict: Verdict::Unresolved(_), .. }
        ));
    }

    /// A contract valid for 30 days: granted when negotiating (the period starts with the agreement), enforced
    /// while transferring.
    #[test]
    fn constraints_of_a_later_scope_are_deferred_to_it() {
        let policy = crate::read_policy(&json!({"@type": "Set", "permission": [{"action": "use", "constraint": [
            {"leftOperand": "elapsedTime", "operator": "lteq", "rightOperand": {"@value": "P30D", "@type": "xsd:duration"}}
        ]}]}))
        .unwrap();
        let now: DateTime<FixedOffset> = "2026-03-01T00:00:00Z".parse().unwrap();
        let negotiating = Context { now: Some(now), scope: Some(Scope::Negotiation), ..Context::default() };
        let decision = evaluate(&policy, &negotiating, &Environment::default());
        assert_eq!(decision.outcome, Outcome::Permit);
        assert!(matches!(
            &decision.rules[0].constraints[0],
            ConstraintReport::Atomic { verdict: Verdict::Deferred(Scope::Transfer), .. }
        ));
        let sentence = crate::explain::sentence(&decision.rules[0].constraints[0]);
        assert_eq!(sentence, "elapsedTime lteq `P30D` is checked while data is transferred");

        let late = Context {
            now: Some(now),
            agreement_start: Some("2026-01-01T00:00:00Z".parse().unwrap()),
            scope: Some(Scope::Transfer),
            ..Context::default()
        };
        assert_eq!(evaluate(&policy, &late, &Environment::default()).outcome, Outcome::Deny);
        let unscoped = Context { scope: None, ..late };
        assert_eq!(evaluate(&policy, &unscoped, &Environment::default()).outcome, Outcome::Deny, "no scope: all now");
    }
}
