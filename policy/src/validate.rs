//! Validation: is a policy meaningful, and usable where it is meant to be used? Every problem is a
//! [`Diagnostic`] with a JSON pointer into the policy's DSP form and a plain sentence.

use std::collections::BTreeSet;

use crate::diagnostic::{Diagnostic, Problem};
pub use crate::left_operand::Scope;
use crate::left_operand::{Expected, resolvable, right_values};
use crate::model::{Constraint, Operator, Policy, Rule};
use crate::vocabulary::{is_action, is_left_operand};

/// What a policy is checked against: where it is used, and the left operands the connector maps to credential
/// claims (full IRIs, e.g. `https://w3id.org/ldt-connector/claims/membership`).
#[derive(Debug, Clone)]
pub struct Usage {
    /// Where the policy is used: a left operand must be resolvable in at least one of these scopes (a contract
    /// policy is checked when negotiating and while transferring). Empty: anywhere.
    pub scopes: Vec<Scope>,
    /// True for the rules of a catalogue offer (DSP forbids a `target` on them).
    pub catalogue_offer: bool,
    /// Left operands resolved from the caller's verified claims.
    pub claims: BTreeSet<String>,
}

impl Usage {
    /// For use in any scope, with `claims` as the left operands read from credentials.
    pub fn anywhere(claims: impl IntoIterator<Item = String>) -> Usage {
        Usage::within(&[], claims)
    }

    /// For use in `scopes`, with `claims` as the left operands read from credentials.
    pub fn within(scopes: &[Scope], claims: impl IntoIterator<Item = String>) -> Usage {
        Usage { scopes: scopes.to_vec(), catalogue_offer: false, claims: claims.into_iter().collect() }
    }
}

/// Every problem of `policy` when used as `usage` says.
pub fn validate(policy: &Policy, usage: &Usage) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    if policy.permissions.is_empty() && policy.prohibitions.is_empty() {
        problems.push(Diagnostic::new("", Problem::NoPermissionOrProhibition));
    }
    for (key, rules) in [
        ("permission", &policy.permissions),
        ("prohibition", &policy.prohibitions),
        ("obligation", &policy.obligations),
    ] {
        for (index, rule) in rules.iter().enumerate() {
            let path = format!("/{key}/{index}");
            if usage.catalogue_offer && rule.target.is_some() {
                problems.push(Diagnostic::new(format!("{path}/target"), Problem::TargetInCatalogueOffer));
            }
            check_rule(rule, &path, usage, &mut problems);
        }
    }
    problems
}

fn check_rule(rule: &Rule, path: &str, usage: &Usage, problems: &mut Vec<Diagnostic>) {
    if !is_action(&rule.action.name) {
        problems.push(Diagnostic::new(
            format!("{path}/action"),
            Problem::UnknownAction { action: rule.action.name.clone() },
        ));
    }
    check_constraints(&rule.action.refinements, &format!("{path}/action/odrl:refinement"), usage, problems);
    check_constraints(&rule.constraints, &format!("{path}/constraint"), usage, problems);
    for (key, nested) in
        [("duty", &rule.duties), ("odrl:remedy", &rule.remedies), ("odrl:consequence", &rule.consequences)]
    {
        for (index, nested) in nested.iter().enumerate() {
            check_rule(nested, &format!("{path}/{key}/{index}"), usage, problems);
        }
    }
}

fn check_constraints(constraints: &[Constraint], path: &str, usage: &Usage, problems: &mut Vec<Diagnostic>) {
    for (index, constraint) in constraints.iter().enumerate() {
        let path = format!("{path}/{index}");
        match constraint {
            Constraint::Logical(logical) => {
                let nested = format!("{path}/{}", logical.operator.as_str());
                check_constraints(&logical.constraints, &nested, usage, problems);
            }
            Constraint::Atomic(atomic) => {
                let left = atomic.left.as_str();
                let expected = match resolvable(left) {
                    _ if usage.claims.contains(left) => None,
                    Some(known)
                        if usage.scopes.is_empty() || usage.scopes.iter().any(|scope| known.scopes.contains(scope)) =>
                    {
                        known.expected
                    }
                    _ => {
                        let problem = if is_left_operand(left) {
                            let scope = match usage.scopes.as_slice() {
                                [] => "by this connector".to_owned(),
                                scopes => scopes.iter().map(|scope| scope.describe()).collect::<Vec<_>>().join(" or "),
                            };
                            Problem::UnresolvableLeftOperand { left_operand: left.to_owned(), scope }
                        } else {
                            Problem::UnknownLeftOperand { left_operand: left.to_owned() }
                        };
                        problems.push(Diagnostic::new(format!("{path}/leftOperand"), problem));
                        None
                    }
                };
                check_right_operand(atomic, expected, &path, problems);
            }
        }
    }
}

fn check_right_operand(
    atomic: &crate::model::AtomicConstraint,
    expected: Option<Expected>,
    path: &str,
    problems: &mut Vec<Diagnostic>,
) {
    let single = !matches!(
        atomic.operator,
        Operator::IsAllOf | Operator::IsAnyOf | Operator::IsNoneOf | Operator::HasPart | Operator::IsPartOf
    );
    if single && atomic.right.len() != 1 {
        problems.push(Diagnostic::new(
            format!("{path}/rightOperand"),
            Problem::WrongOperandType {
                expected: format!("one value for `{}`", atomic.operator),
                found: format!("{} values", atomic.right.len()),
            },
        ));
    }
    for (index, value) in right_values(atomic).into_iter().enumerate() {
        let at = if atomic.right.len() == 1 {
            format!("{path}/rightOperand")
        } else {
            format!("{path}/rightOperand/{index}")
        };
        match value {
            Err(error) => problems.push(Diagnostic::new(
                at,
                Problem::WrongOperandType { expected: "a well-formed value".into(), found: error.to_string() },
            )),
            Ok(value) => {
                if let Some(expected) = expected.filter(|expected| !expected.accepts(&value)) {
                    problems.push(Diagnostic::new(
                        at,
                        Problem::WrongOperandType { expected: expected.describe().into(), found: format!("`{value}`") },
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read_policy;
    use serde_json::json;

    fn usage(scope: Scope) -> Usage {
        Usage {
            scopes: vec![scope],
            catalogue_offer: false,
            claims: ["https://w3id.org/ldt-connector/claims/membership".to_owned()].into(),
        }
    }

    fn problems(policy: serde_json::Value, usage: &Usage) -> Vec<(String, Problem)> {
        let policy = read_policy(&policy).expect("the policy reads");
        validate(&policy, usage).into_iter().map(|d| (d.path, d.problem)).collect()
    }

    #[test]
    fn a_sound_contract_policy_has_no_problems() {
        let policy = json!({"@type": "Set", "permission": [{"action": "use", "constraint": [
            {"leftOperand": "purpose", "operator": "isA", "rightOperand": "https://w3id.org/ldt-connector/purpose/research"},
            {"leftOperand": "dateTime", "operator": "lt", "rightOperand": {"@value": "2030-01-01T00:00:00Z", "@type": "xsd:dateTime"}},
            {"leftOperand": "https://w3id.org/ldt-connector/claims/membership", "operator": "eq", "rightOperand": "active"}
        ]}], "prohibition": [{"action": "distribute"}]});
        assert_eq!(problems(policy, &usage(Scope::Negotiation)), []);
    }

    #[test]
    fn each_problem_is_found_where_it_is() {
        let policy = json!({"@type": "Offer", "permission": [{"action": "teleport", "target": "ds1", "constraint": [
            {"leftOperand": "favouriteColour", "operator": "eq", "rightOperand": "blue"},
            {"or": [{"leftOperand": "elapsedTime", "operator": "lteq", "rightOperand": "P30D"}]},
            {"leftOperand": "dateTime", "operator": "lt", "rightOperand": "soon"},
            {"leftOperand": "dateTime", "operator": "lt", "rightOperand": ["2030-01-01", "2031-01-01"]}
        ]}]});
        let found = problems(policy, &Usage { catalogue_offer: true, ..usage(Scope::Catalogue) });
        let paths: Vec<&str> = found.iter().map(|(path, _)| path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "/permission/0/target",
                "/permission/0/action",
                "/permission/0/constraint/0/leftOperand",
                "/permission/0/constraint/1/or/0/leftOperand",
                "/permission/0/constraint/2/rightOperand",
                "/permission/0/constraint/3/rightOperand",
            ]
        );
        assert!(matches!(found[2].1, Problem::UnknownLeftOperand { .. }));
        assert!(matches!(found[3].1, Problem::UnresolvableLeftOperand { .. }), "elapsedTime needs an agreement");
        assert!(found[4].1.to_string().contains("xsd:dateTime"), "{}", found[4].1);
    }

    #[test]
    fn a_policy_needs_a_permission_or_prohibition() {
        let found = problems(json!({"@type": "Set", "obligation": [{"action": "delete"}]}), &usage(Scope::Transfer));
        assert_eq!(found, [(String::new(), Problem::NoPermissionOrProhibition)]);
    }

    #[test]
    fn duration_and_count_are_checked_in_the_transfer_scope() {
        let policy = json!({"@type": "Agreement", "permission": [{"action": "use", "constraint": [
            {"leftOperand": "elapsedTime", "operator": "lteq", "rightOperand": {"@value": "P30D", "@type": "xsd:duration"}},
            {"leftOperand": "count", "operator": "lt", "rightOperand": 100},
            {"leftOperand": "count", "operator": "lt", "rightOperand": {"@value": "P1D", "@type": "xsd:duration"}}
        ]}]});
        let found = problems(policy, &usage(Scope::Transfer));
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "/permission/0/constraint/2/rightOperand");
    }
}
