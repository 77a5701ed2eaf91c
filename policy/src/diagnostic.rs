//! Problems found in a policy, as typed data with a JSON pointer, rendered in plain words.

use std::fmt;

use serde::Serialize;

/// One problem of a policy document: where (an RFC 6901 JSON pointer into the document) and what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Where, e.g. `/permission/0/constraint/1/operator`.
    pub path: String,
    /// What.
    pub problem: Problem,
}

/// What is wrong with a part of a policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Problem {
    /// The part does not have the JSON shape ODRL gives it.
    Malformed {
        /// What was expected, e.g. "an object".
        expected: String,
    },
    /// A required member is missing.
    Missing {
        /// The member.
        member: String,
    },
    /// The policy's `@type` is not `Set`, `Offer` or `Agreement`.
    UnknownPolicyType {
        /// The type given.
        found: String,
    },
    /// The action is not in the ODRL vocabulary nor a configured one.
    UnknownAction {
        /// The action.
        action: String,
    },
    /// The operator is not one of the twelve ODRL operators.
    UnknownOperator {
        /// The operator.
        operator: String,
    },
    /// The left operand is not in the ODRL vocabulary nor a configured claim.
    UnknownLeftOperand {
        /// The left operand.
        left_operand: String,
    },
    /// The left operand exists but cannot be resolved where the policy is used.
    UnresolvableLeftOperand {
        /// The left operand.
        left_operand: String,
        /// Where the policy is used.
        scope: String,
    },
    /// The right operand does not have the type the left operand and operator need.
    WrongOperandType {
        /// What was expected, e.g. "an xsd:dateTime".
        expected: String,
        /// What was found.
        found: String,
    },
    /// The conflict strategy is not `perm`, `prohibit` or `invalid`.
    UnknownConflictStrategy {
        /// The strategy given.
        found: String,
    },
    /// A rule of a catalogue offer names a `target` (DSP: the target of a catalogue offer is its dataset).
    TargetInCatalogueOffer,
    /// The policy has neither a permission nor a prohibition.
    NoPermissionOrProhibition,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Malformed { expected } => write!(f, "expected {expected}"),
            Problem::Missing { member } => write!(f, "`{member}` is missing"),
            Problem::UnknownPolicyType { found } => {
                write!(f, "`{found}` is not a policy type; use Set, Offer or Agreement")
            }
            Problem::UnknownAction { action } => write!(f, "`{action}` is not an ODRL action this connector knows"),
            Problem::UnknownOperator { operator } => write!(f, "`{operator}` is not an ODRL operator"),
            Problem::UnknownLeftOperand { left_operand } => {
                write!(f, "`{left_operand}` is not a left operand this connector knows")
            }
            Problem::UnresolvableLeftOperand { left_operand, scope } => {
                write!(f, "`{left_operand}` cannot be resolved when the policy is used {scope}")
            }
            Problem::WrongOperandType { expected, found } => write!(f, "expected {expected}, found {found}"),
            Problem::UnknownConflictStrategy { found } => {
                write!(f, "`{found}` is not a conflict strategy; use perm, prohibit or invalid")
            }
            Problem::TargetInCatalogueOffer => {
                f.write_str("a rule of a catalogue offer must not name a target: the dataset carrying it is the target")
            }
            Problem::NoPermissionOrProhibition => f.write_str("a policy needs at least one permission or prohibition"),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() { "/" } else { &self.path };
        write!(f, "{path}: {}", self.problem)
    }
}

impl Diagnostic {
    /// A diagnostic at `path`.
    pub fn new(path: impl Into<String>, problem: Problem) -> Diagnostic {
        Diagnostic { path: path.into(), problem }
    }
}
