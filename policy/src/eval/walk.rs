//! The evaluator: judges each rule and constraint of a policy against a request, keeping what its [`Record`] asks
//! for. The semantics are described in [`super`].

use std::borrow::Cow;
use std::mem::discriminant;

use chrono::{DateTime, FixedOffset};

use super::record::{NotApplicable, Path, Record};
use super::typed::{TypedAtomic, TypedConstraint, TypedRule};
use super::{Context, Environment, Verdict};
use crate::left_operand::Known;
use crate::model::{AtomicConstraint, Constraint, Policy, Rule, RuleKind};
use crate::operand::{Value, coerce, holds};
use crate::vocabulary::includes;

/// One evaluation: a policy, the request and the engine's configuration.
pub(super) struct Evaluator<'a> {
    pub(super) context: &'a Context,
    pub(super) environment: &'a Environment,
    /// The requested action's short name.
    pub(super) action: &'a str,
    pub(super) policy: &'a Policy,
}

impl Evaluator<'_> {
    /// Judges `rule`: whether it applies, and what `R` keeps of it.
    pub(super) fn rule<R: Record>(
        &self,
        rule: &Rule,
        typed: &TypedRule,
        kind: RuleKind,
        path: &Path,
    ) -> (bool, R::Rule) {
        // Policy-level parties and target are shared by every rule that names none (ODRL 2.2 §2.1).
        let assignee = rule.assignee.as_deref().or(self.policy.assignee.as_deref());
        let target = rule.target.as_deref().or(self.policy.target.as_deref());
        let not_applicable = if !includes(&rule.action.name, self.action) {
            Some(NotApplicable::Action { rule: &rule.action.name, requested: self.action })
        } else if let Some(assignee) = assignee
            && self.context.caller.as_deref() != Some(assignee)
        {
            Some(NotApplicable::Assignee(assignee))
        } else if let (Some(target), Some(requested)) = (target, self.context.target.as_deref())
            && target != requested
        {
            Some(NotApplicable::Target { rule: target, requested })
        } else {
            None
        };
        let mut constraints = R::Constraints::default();
        let action = path.name("action");
        self.constraints::<R>(
            &rule.action.refinements,
            &typed.refinements,
            &action.name("odrl:refinement"),
            &mut constraints,
        );
        self.constraints::<R>(&rule.constraints, &typed.constraints, &path.name("constraint"), &mut constraints);
        let tally = R::tally(&constraints);
        let applies = not_applicable.is_none()
            && match kind {
                RuleKind::Prohibition => tally.forbids(),
                _ => tally.permits(),
            };
        (applies, R::rule(path, kind, rule, applies, not_applicable, constraints))
    }

    /// Judges each of `constraints` (the list at `path`) into `into`.
    pub(super) fn constraints<R: Record>(
        &self,
        constraints: &[Constraint],
        typed: &[TypedConstraint],
        path: &Path,
        into: &mut R::Constraints,
    ) {
        for (index, (constraint, typed)) in constraints.iter().zip(typed).enumerate() {
            into.extend(Some(self.constraint::<R>(constraint, typed, &path.index(index))));
        }
    }

    fn constraint<R: Record>(&self, constraint: &Constraint, typed: &TypedConstraint, path: &Path) -> R::Constraint {
        match (constraint, typed) {
            (Constraint::Logical(logical), TypedConstraint::Logical(typed)) => {
                let mut parts = R::Constraints::default();
                self.constraints::<R>(&logical.constraints, typed, &path.name(logical.operator.as_str()), &mut parts);
                let truth = R::tally(&parts).combine(logical.operator);
                R::logical(path, logical.operator, truth, parts)
            }
            (Constraint::Atomic(atomic), TypedConstraint::Atomic(typed)) => self.atomic::<R>(atomic, typed, path),
            // `TypedPolicy::of` mirrors the policy, so this does not happen; should it, fail closed.
            (Constraint::Atomic(atomic), TypedConstraint::Logical(_)) => {
                R::atomic(path, atomic, Verdict::Unresolved("its right operand was not prepared".into()), || None)
            }
            (Constraint::Logical(logical), TypedConstraint::Atomic(_)) => {
                R::logical(path, logical.operator, super::Truth::Unknown, R::Constraints::default())
            }
        }
    }

    fn atomic<R: Record>(&self, atomic: &AtomicConstraint, typed: &TypedAtomic, path: &Path) -> R::Constraint {
        let known = typed.known.map(|resolvable| resolvable.operand);
        if let (Some(scope), Some(resolvable)) = (self.context.scope, typed.known)
            && !resolvable.scopes.contains(&scope)
            && let Some(later) = resolvable.scopes.first()
        {
            return R::atomic(path, atomic, Verdict::Deferred(*later), || None);
        }
        if known == Some(Known::Spatial)
            && self.context.places.is_empty()
            && let Some(point) = self.context.coordinates
        {
            let verdict = match crate::spatial::holds(atomic.operator, point, &atomic.right, &self.environment.regions)
            {
                Ok(true) => Verdict::Satisfied,
                Ok(false) => Verdict::NotSatisfied,
                Err(reason) => Verdict::Unresolved(reason),
            };
            return R::atomic(path, atomic, verdict, || Some(vec![format!("[{}, {}]", point[0], point[1])]));
        }
        let left = match self.left_values(&atomic.left, known) {
            Ok(values) => values,
            Err(reason) => return R::atomic(path, atomic, Verdict::Unresolved(reason), || None),
        };
        let right = match &typed.right {
            Ok(values) => values,
            Err(reason) => {
                return R::atomic(path, atomic, Verdict::Unresolved(reason.clone()), || {
                    Some(self.actual(known, &left))
                });
            }
        };
        let (left, right) = self.comparable(known, left, right);
        let taxonomy = match known {
            Some(Known::Spatial) => &self.environment.places,
            _ => &self.environment.purposes,
        };
        let is_a = |narrower: &str, broader: &str| Environment::within(taxonomy, narrower, broader);
        let verdict = match holds(atomic.operator, &left, &right, &is_a) {
            Ok(true) => Verdict::Satisfied,
            Ok(false) => Verdict::NotSatisfied,
            Err(incomparable) => Verdict::Unresolved(incomparable.to_string()),
        };
        R::atomic(path, atomic, verdict, || Some(self.actual(known, &left)))
    }

    /// The request's values in words, as a report shows them.
    fn actual(&self, known: Option<Known>, left: &[Value]) -> Vec<String> {
        match (known, self.context.agreement_start, self.context.now) {
            (Some(Known::ElapsedTime), Some(start), Some(now)) => vec![elapsed(start, now)],
            _ => left.iter().map(ToString::to_string).collect(),
        }
    }

    /// `left` and `right` made comparable: request values coerced to the right operand's type, and for
    /// `elapsedTime` the comparison moved onto instants (elapsed ≤ D ⇔ now ≤ start + D).
    fn comparable<'r>(
        &self,
        known: Option<Known>,
        left: Vec<Value>,
        right: &'r [Value],
    ) -> (Vec<Value>, Cow<'r, [Value]>) {
        if known == Some(Known::ElapsedTime)
            && let (Some(start), [Value::Duration(duration)]) = (self.context.agreement_start, right)
            && let Some(deadline) = duration.add_to(start)
        {
            let now = self.context.now.map(Value::DateTime).into_iter().collect();
            return (now, Cow::Owned(vec![Value::DateTime(deadline)]));
        }
        let left = match right.first() {
            // A value of the right operand's kind is kept as it is (`coerce` would copy it).
            Some(like) => left
                .into_iter()
                .map(|value| match discriminant(&value) == discriminant(like) {
                    true => value,
                    false => coerce(&value, like).unwrap_or(value),
                })
                .collect(),
            None => left,
        };
        (left, Cow::Borrowed(right))
    }

    /// The request's values for the left operand `left` (`known` if the connector resolves it itself), or why
    /// there are none.
    fn left_values(&self, left: &str, known: Option<Known>) -> Result<Vec<Value>, String> {
        let context = self.context;
        let missing = |what: &str| Err(format!("the request does not say {what}"));
        let Some(known) = known else {
            if let Some(pointer) = self.environment.claims.get(left) {
                return match claim(&context.claims, pointer) {
                    Some(value) => Ok(json_values(value)),
                    None => Err(format!("the caller's credentials have no claim `{pointer}`")),
                };
            }
            return match context.facts.get(left) {
                Some(value) => Ok(json_values(value)),
                None => Err(format!("the connector cannot resolve `{left}` for this request")),
            };
        };
        match known {
            Known::DateTime => {
                context.now.map(|now| vec![Value::DateTime(now)]).map_or_else(|| missing("the time"), Ok)
            }
            Known::ElapsedTime => match (context.agreement_start, context.now) {
                (Some(_), Some(now)) => Ok(vec![Value::DateTime(now)]),
                (None, _) => missing("when the agreement was made"),
                (_, None) => missing("the time"),
            },
            Known::Count => context
                .count
                .map(|count| vec![Value::Decimal(count.into())])
                .map_or_else(|| missing("how often the agreement was used"), Ok),
            Known::Purpose => context
                .purpose
                .clone()
                .map(|purpose| vec![Value::String(purpose)])
                .map_or_else(|| missing("a purpose"), Ok),
            Known::Recipient => context
                .caller
                .clone()
                .map(|caller| vec![Value::Iri(caller)])
                .map_or_else(|| missing("who is calling"), Ok),
            Known::Spatial if !context.places.is_empty() => {
                Ok(context.places.iter().cloned().map(Value::Iri).collect())
            }
            Known::Spatial => missing("where the caller is"),
        }
    }
}

/// The claim at the JSON `pointer` in `claims`. Plain object paths (`/membership/status`, the usual claim mapping)
/// are followed without the copies `serde_json::Value::pointer` makes of each token; anything else goes to it.
fn claim<'c>(claims: &'c serde_json::Value, pointer: &str) -> Option<&'c serde_json::Value> {
    let Some(tokens) = pointer.strip_prefix('/').filter(|tokens| !tokens.contains('~')) else {
        return claims.pointer(pointer);
    };
    tokens.split('/').try_fold(claims, |value, token| match value {
        serde_json::Value::Object(members) => members.get(token),
        _ => value.pointer(&format!("/{token}")),
    })
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
