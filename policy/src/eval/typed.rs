//! A policy's left operands recognised and right operands typed once, in a tree that mirrors the policy's rules and constraints, so that
//! evaluating does not parse `"2026-01-01T00:00:00Z"` again on every request.

use crate::left_operand::{Resolvable, resolvable, right_values};
use crate::model::{Constraint, Policy, Rule};
use crate::operand::Value;

/// The typed right operands of a policy, rule by rule.
#[derive(Debug, Clone)]
pub(super) struct TypedPolicy {
    pub(super) permissions: Vec<TypedRule>,
    pub(super) prohibitions: Vec<TypedRule>,
    pub(super) obligations: Vec<TypedRule>,
}

/// The typed right operands of a rule's refinements, constraints and duties.
#[derive(Debug, Clone)]
pub(super) struct TypedRule {
    pub(super) refinements: Vec<TypedConstraint>,
    pub(super) constraints: Vec<TypedConstraint>,
    pub(super) duties: Vec<TypedRule>,
}

/// What is prepared of an atomic constraint, or of a logical constraint's parts.
#[derive(Debug, Clone)]
pub(super) enum TypedConstraint {
    Atomic(TypedAtomic),
    Logical(Vec<TypedConstraint>),
}

/// An atomic constraint's left operand, if the connector resolves it itself, and its typed right operand (or why
/// it has none).
#[derive(Debug, Clone)]
pub(super) struct TypedAtomic {
    pub(super) known: Option<Resolvable>,
    pub(super) right: Result<Vec<Value>, String>,
}

impl TypedPolicy {
    pub(super) fn of(policy: &Policy) -> TypedPolicy {
        let rules = |rules: &[Rule]| rules.iter().map(TypedRule::of).collect();
        TypedPolicy {
            permissions: rules(&policy.permissions),
            prohibitions: rules(&policy.prohibitions),
            obligations: rules(&policy.obligations),
        }
    }
}

impl TypedRule {
    fn of(rule: &Rule) -> TypedRule {
        TypedRule {
            refinements: TypedConstraint::all(&rule.action.refinements),
            constraints: TypedConstraint::all(&rule.constraints),
            duties: rule.duties.iter().map(TypedRule::of).collect(),
        }
    }
}

impl TypedConstraint {
    fn all(constraints: &[Constraint]) -> Vec<TypedConstraint> {
        constraints.iter().map(TypedConstraint::of).collect()
    }

    fn of(constraint: &Constraint) -> TypedConstraint {
        match constraint {
            Constraint::Atomic(atomic) => TypedConstraint::Atomic(TypedAtomic {
                known: resolvable(&atomic.left),
                right: right_values(atomic).into_iter().collect::<Result<_, _>>().map_err(|error| error.to_string()),
            }),
            Constraint::Logical(logical) => TypedConstraint::Logical(TypedConstraint::all(&logical.constraints)),
        }
    }
}
