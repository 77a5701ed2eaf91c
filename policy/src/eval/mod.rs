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

mod record;
mod typed;
mod walk;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::left_operand::Scope;
use crate::model::{ConflictStrategy, LogicalOperator, Operator, Policy, Rule, RuleKind, short};
use record::{Path, Record, Report, Truths};
use typed::{TypedPolicy, TypedRule};
use walk::Evaluator;

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
        // Nothing is allocated until a search needs to go beyond the direct parents.
        let (mut seen, mut pending) = (BTreeSet::new(), Vec::new());
        let mut current = narrower;
        loop {
            if current == broader {
                return true;
            }
            let parents = taxonomy.get(current).map_or(&[][..], Vec::as_slice);
            if parents.iter().any(|parent| parent == broader) {
                return true;
            }
            if seen.insert(current) {
                pending.extend(parents.iter().map(String::as_str));
            }
            match pending.pop() {
                Some(next) => current = next,
                None => return false,
            }
        }
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

impl ConstraintReport {
    /// The constraint's truth.
    pub fn truth(&self) -> Truth {
        match self {
            ConstraintReport::Atomic { verdict, .. } => verdict.truth(),
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

impl Verdict {
    /// The verdict as a truth value.
    pub fn truth(&self) -> Truth {
        match self {
            Verdict::Satisfied => Truth::True,
            Verdict::NotSatisfied => Truth::False,
            Verdict::Unresolved(_) => Truth::Unknown,
            Verdict::Deferred(_) => Truth::Deferred,
        }
    }
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
    decide(policy, &TypedPolicy::of(policy), context, environment)
}

/// A policy ready to be evaluated many times (a contract policy on every transfer, an access policy for every
/// catalogue request): its right operands are typed once, here, instead of on every evaluation.
///
/// ```
/// use ldt_policy::eval::{Context, Environment, Outcome, Prepared};
/// let policy = ldt_policy::read_policy(&serde_json::json!({"@type": "Set", "permission": [{"action": "use",
///     "constraint": [{"leftOperand": "dateTime", "operator": "lt", "rightOperand": "2030-01-01T00:00:00Z"}]}]})).unwrap();
/// let prepared = Prepared::new(policy);
/// let context = Context { now: Some("2029-06-01T00:00:00Z".parse().unwrap()), ..Context::default() };
/// assert_eq!(prepared.outcome(&context, &Environment::default()), Outcome::Permit);
/// assert_eq!(prepared.evaluate(&context, &Environment::default()).outcome, Outcome::Permit);
/// ```
#[derive(Debug, Clone)]
pub struct Prepared {
    policy: Policy,
    typed: TypedPolicy,
}

impl Prepared {
    /// Prepares `policy`.
    pub fn new(policy: Policy) -> Prepared {
        let typed = TypedPolicy::of(&policy);
        Prepared { policy, typed }
    }

    /// The policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Evaluates the policy with a full report, as [`evaluate`] does.
    pub fn evaluate(&self, context: &Context, environment: &Environment) -> Decision {
        decide(&self.policy, &self.typed, context, environment)
    }

    /// Only the outcome of [`Prepared::evaluate`], decided by the same evaluator without building a report: for
    /// callers that need no explanation, such as filtering a catalogue.
    pub fn outcome(&self, context: &Context, environment: &Environment) -> Outcome {
        let action = requested_action(context);
        let evaluator = Evaluator { context, environment, action, policy: &self.policy };
        judge::<Truths>(&evaluator, &self.typed).resolution(self.policy.conflict).outcome()
    }
}

impl From<Policy> for Prepared {
    fn from(policy: Policy) -> Prepared {
        Prepared::new(policy)
    }
}

/// The requested action's short name; `use` when the request names none.
fn requested_action(context: &Context) -> &str {
    context.action.as_deref().map_or("use", short)
}

/// Every permission and prohibition judged, keeping what `R` asks for.
struct Judgement<R: Record> {
    permitted: bool,
    prohibited: bool,
    permissions: Vec<R::Rule>,
    prohibitions: Vec<R::Rule>,
}

fn judge<R: Record>(evaluator: &Evaluator, typed: &TypedPolicy) -> Judgement<R> {
    let rules = |rules: &[Rule], typed: &[TypedRule], kind, name| {
        let list = Path::root(name);
        let mut any = false;
        let kept = rules
            .iter()
            .zip(typed)
            .enumerate()
            .map(|(index, (rule, typed))| {
                let (applies, kept) = evaluator.rule::<R>(rule, typed, kind, &list.index(index));
                any |= applies;
                kept
            })
            .collect();
        (any, kept)
    };
    let policy = evaluator.policy;
    let (permitted, permissions) = rules(&policy.permissions, &typed.permissions, RuleKind::Permission, "permission");
    let (prohibited, prohibitions) =
        rules(&policy.prohibitions, &typed.prohibitions, RuleKind::Prohibition, "prohibition");
    Judgement { permitted, prohibited, permissions, prohibitions }
}

impl<R: Record> Judgement<R> {
    fn resolution(&self, conflict: Option<ConflictStrategy>) -> Resolution {
        match (self.permitted, self.prohibited, conflict) {
            (false, _, _) => Resolution::NoPermission,
            (true, false, _) => Resolution::Permitted,
            (true, true, Some(ConflictStrategy::Perm)) => Resolution::PermissionsWin,
            (true, true, Some(ConflictStrategy::Prohibit)) => Resolution::ProhibitionsWin,
            (true, true, _) => Resolution::Void,
        }
    }
}

/// How the rules that apply decide the request.
#[derive(Clone, Copy)]
enum Resolution {
    NoPermission,
    Permitted,
    PermissionsWin,
    ProhibitionsWin,
    Void,
}

impl Resolution {
    fn outcome(self) -> Outcome {
        match self {
            Resolution::Permitted | Resolution::PermissionsWin => Outcome::Permit,
            Resolution::NoPermission | Resolution::ProhibitionsWin | Resolution::Void => Outcome::Deny,
        }
    }

    /// The decision in one sentence.
    fn summary(self, action: &str) -> String {
        match self {
            Resolution::NoPermission => format!("no permission allows `{action}` for this request"),
            Resolution::Permitted => format!("a permission allows `{action}` and no prohibition forbids it"),
            Resolution::PermissionsWin => {
                format!("a permission and a prohibition both apply to `{action}`; the policy lets permissions win")
            }
            Resolution::ProhibitionsWin => {
                format!("a prohibition forbids `{action}`, and the policy lets prohibitions win over permissions")
            }
            Resolution::Void => {
                format!("a permission and a prohibition both apply to `{action}`, which voids the policy")
            }
        }
    }
}

/// The evaluation with its full report.
fn decide(policy: &Policy, typed: &TypedPolicy, context: &Context, environment: &Environment) -> Decision {
    let action = requested_action(context);
    let evaluator = Evaluator { context, environment, action, policy };
    let judgement = judge::<Report>(&evaluator, typed);
    let resolution = judgement.resolution(policy.conflict);
    let outcome = resolution.outcome();
    let duties =
        if outcome == Outcome::Permit { duties(&evaluator, typed, &judgement.permissions) } else { Vec::new() };
    Decision {
        outcome,
        summary: resolution.summary(action),
        action: action.to_owned(),
        rules: judgement.permissions.into_iter().chain(judgement.prohibitions).collect(),
        duties,
    }
}

/// The duties of the permissions that apply, and the policy's obligations.
fn duties(evaluator: &Evaluator, typed: &TypedPolicy, permissions: &[RuleReport]) -> Vec<DutyReport> {
    let policy = evaluator.policy;
    let duty = |path: &Path, rule: &Rule, typed: &TypedRule| {
        let mut constraints = Vec::new();
        evaluator.constraints::<Report>(
            &rule.constraints,
            &typed.constraints,
            &path.name("constraint"),
            &mut constraints,
        );
        DutyReport { path: path.to_string(), action: rule.action.name.clone(), constraints }
    };
    let mut duties = Vec::new();
    let permission_list = Path::root("permission");
    for (index, ((rule, typed), report)) in
        policy.permissions.iter().zip(&typed.permissions).zip(permissions).enumerate()
    {
        if report.applies {
            let permission = permission_list.index(index);
            let duty_list = permission.name("duty");
            for (index, (rule, typed)) in rule.duties.iter().zip(&typed.duties).enumerate() {
                duties.push(duty(&duty_list.index(index), rule, typed));
            }
        }
    }
    let obligation_list = Path::root("obligation");
    for (index, (rule, typed)) in policy.obligations.iter().zip(&typed.obligations).enumerate() {
        duties.push(duty(&obligation_list.index(index), rule, typed));
    }
    duties
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
