//! ODRL 2.2 as the Dataspace Protocol 2025-1 uses it: policies (`Set`, `Offer`, `Agreement`), their rules
//! (permissions, prohibitions, obligations, duties), actions with refinements, and atomic and logical constraints.
//!
//! Names from the ODRL vocabulary are kept in their short form whatever form they arrived in (`use`, `odrl:use` and
//! `http://www.w3.org/ns/odrl/2/use` are all [`Action::name`] `use`); names from other vocabularies keep their IRI.

use std::fmt;

/// The ODRL 2.2 namespace.
pub const ODRL: &str = "http://www.w3.org/ns/odrl/2/";

/// A policy.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// `@id`.
    pub id: Option<String>,
    /// `@type`.
    pub kind: PolicyKind,
    /// `profile`: the ODRL profiles the policy conforms to.
    pub profiles: Vec<String>,
    /// Policy-level `assigner`, shared by every rule that names none.
    pub assigner: Option<String>,
    /// Policy-level `assignee`, shared by every rule that names none.
    pub assignee: Option<String>,
    /// Policy-level `target`, shared by every rule that names none.
    pub target: Option<String>,
    /// Policy-level `action`, shared by every rule that names none.
    pub action: Option<Action>,
    /// The agreement's `timestamp` (xsd:dateTime), for agreements.
    pub timestamp: Option<String>,
    /// How conflicts between permissions and prohibitions are resolved.
    pub conflict: Option<ConflictStrategy>,
    /// `permission`s.
    pub permissions: Vec<Rule>,
    /// `prohibition`s.
    pub prohibitions: Vec<Rule>,
    /// `obligation`s.
    pub obligations: Vec<Rule>,
}

/// The type of a policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PolicyKind {
    /// `Set`: rules without parties, e.g. an operator's policy.
    Set,
    /// `Offer`: what a provider proposes.
    Offer,
    /// `Agreement`: what both parties agreed.
    Agreement,
}

/// How conflicts between a permission and a prohibition are resolved (`odrl:conflict`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConflictStrategy {
    /// `perm`: permissions win.
    Perm,
    /// `prohibit`: prohibitions win (also what applies when no strategy is given).
    Prohibit,
    /// `invalid`: the policy is void when a conflict arises.
    Invalid,
}

/// What kind of rule a [`Rule`] is; decides which nested rules it may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RuleKind {
    /// A permission.
    Permission,
    /// A prohibition.
    Prohibition,
    /// An obligation at policy level, or a duty of a permission.
    Duty,
}

/// A permission, prohibition, obligation or duty.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// The action the rule is about.
    pub action: Action,
    /// `target`, if the rule names one.
    pub target: Option<String>,
    /// `assigner`, if the rule names one.
    pub assigner: Option<String>,
    /// `assignee`, if the rule names one.
    pub assignee: Option<String>,
    /// `constraint`s: all must be satisfied for the rule to apply.
    pub constraints: Vec<Constraint>,
    /// `duty` (of a permission): what must be done for the permission to hold.
    pub duties: Vec<Rule>,
    /// `remedy` (of a prohibition): what must be done if it is violated.
    pub remedies: Vec<Rule>,
    /// `consequence` (of a duty): what must be done if it is not fulfilled.
    pub consequences: Vec<Rule>,
}

impl Rule {
    /// A rule about `action` with nothing else set.
    pub fn new(action: impl Into<Action>) -> Rule {
        Rule {
            action: action.into(),
            target: None,
            assigner: None,
            assignee: None,
            constraints: Vec::new(),
            duties: Vec::new(),
            remedies: Vec::new(),
            consequences: Vec::new(),
        }
    }
}

/// An action, optionally refined (`{"rdf:value": "print", "odrl:refinement": [...]}`).
#[derive(Debug, Clone, PartialEq)]
pub struct Action {
    /// The action's name: short for ODRL actions (`use`, `read`), else its IRI.
    pub name: String,
    /// Constraints that narrow the action, e.g. a resolution for `print`.
    pub refinements: Vec<Constraint>,
}

impl From<&str> for Action {
    fn from(name: &str) -> Action {
        Action { name: short_name(name), refinements: Vec::new() }
    }
}

/// A constraint: a single comparison, or several combined.
#[derive(Debug, Clone, PartialEq)]
pub enum Constraint {
    /// `leftOperand operator rightOperand`.
    Atomic(AtomicConstraint),
    /// `and`, `or`, `xone` or `andSequence` of constraints.
    Logical(LogicalConstraint),
}

/// A comparison of something about the request (the left operand) with a value (the right operand).
#[derive(Debug, Clone, PartialEq)]
pub struct AtomicConstraint {
    /// What is compared: short for ODRL left operands (`purpose`, `dateTime`), else its IRI.
    pub left: String,
    /// How.
    pub operator: Operator,
    /// With what: one value or a list.
    pub right: Vec<Literal>,
    /// `odrl:unit` of the right operand, if given.
    pub unit: Option<String>,
    /// `odrl:dataType` of the right operand, if given.
    pub data_type: Option<String>,
}

/// Constraints combined by a logical operator.
#[derive(Debug, Clone, PartialEq)]
pub struct LogicalConstraint {
    /// The operator.
    pub operator: LogicalOperator,
    /// The operands.
    pub constraints: Vec<Constraint>,
}

/// A value of a right operand.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// A plain string.
    String(String),
    /// A JSON number.
    Number(serde_json::Number),
    /// A JSON boolean.
    Bool(bool),
    /// A typed literal `{"@value": …, "@type": …}`; the type is kept as written (`xsd:dateTime`).
    Typed {
        /// The lexical value.
        value: String,
        /// The datatype.
        datatype: String,
    },
    /// A reference `{"@id": …}`.
    Iri(String),
}

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($(#[$variant_meta:meta])* $variant:ident = $text:literal),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$variant_meta])* $variant),*
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The short ODRL name.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),*
                }
            }

            /// The value named `name` (short, `odrl:` or full IRI form), if any.
            pub fn parse(name: &str) -> Option<$name> {
                let short = short_name(name);
                $name::ALL.iter().copied().find(|value| value.as_str() == short)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
    };
}

vocabulary!(
    /// The twelve ODRL comparison operators.
    Operator {
        /// Equal to.
        Eq = "eq",
        /// Not equal to.
        Neq = "neq",
        /// Less than.
        Lt = "lt",
        /// Less than or equal to.
        Lteq = "lteq",
        /// Greater than.
        Gt = "gt",
        /// Greater than or equal to.
        Gteq = "gteq",
        /// Is an instance or a narrower concept of.
        IsA = "isA",
        /// Contains (a region contains a point, a set an element).
        HasPart = "hasPart",
        /// Is contained in.
        IsPartOf = "isPartOf",
        /// Has every one of.
        IsAllOf = "isAllOf",
        /// Has at least one of.
        IsAnyOf = "isAnyOf",
        /// Has none of.
        IsNoneOf = "isNoneOf",
    }
);

vocabulary!(
    /// The ODRL logical constraint operators.
    LogicalOperator {
        /// Every operand holds.
        And = "and",
        /// At least one operand holds.
        Or = "or",
        /// Exactly one operand holds.
        Xone = "xone",
        /// Every operand holds, checked in order.
        AndSequence = "andSequence",
    }
);

/// The short name of an ODRL term (`odrl:use` or `http://www.w3.org/ns/odrl/2/use` → `use`); other names as given.
pub fn short_name(name: &str) -> String {
    short(name).to_owned()
}

/// [`short_name`], borrowed.
pub(crate) fn short(name: &str) -> &str {
    name.strip_prefix("odrl:").or_else(|| name.strip_prefix(ODRL)).unwrap_or(name)
}

impl PolicyKind {
    /// The `@type` as written in DSP.
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyKind::Set => "Set",
            PolicyKind::Offer => "Offer",
            PolicyKind::Agreement => "Agreement",
        }
    }

    /// The kind named `name` (short, `odrl:` or full IRI form), if any.
    pub fn parse(name: &str) -> Option<PolicyKind> {
        match short_name(name).as_str() {
            "Set" | "Policy" => Some(PolicyKind::Set),
            "Offer" => Some(PolicyKind::Offer),
            "Agreement" => Some(PolicyKind::Agreement),
            _ => None,
        }
    }
}

impl ConflictStrategy {
    /// The ODRL name.
    pub fn as_str(self) -> &'static str {
        match self {
            ConflictStrategy::Perm => "perm",
            ConflictStrategy::Prohibit => "prohibit",
            ConflictStrategy::Invalid => "invalid",
        }
    }

    /// The strategy named `name` (short, `odrl:` or full IRI form), if any.
    pub fn parse(name: &str) -> Option<ConflictStrategy> {
        match short_name(name).as_str() {
            "perm" => Some(ConflictStrategy::Perm),
            "prohibit" => Some(ConflictStrategy::Prohibit),
            "invalid" => Some(ConflictStrategy::Invalid),
            _ => None,
        }
    }
}

impl Policy {
    /// An empty policy of `kind`.
    pub fn new(kind: PolicyKind) -> Policy {
        Policy {
            id: None,
            kind,
            profiles: Vec::new(),
            assigner: None,
            assignee: None,
            target: None,
            action: None,
            timestamp: None,
            conflict: None,
            permissions: Vec::new(),
            prohibitions: Vec::new(),
            obligations: Vec::new(),
        }
    }

    /// The policy with its policy-level `target`, `assigner` and `assignee` copied onto every top-level rule that
    /// names none of its own (ODRL 2.2 §2.1: they are shared by the policy's rules). A rule without an action takes
    /// the policy-level action when it is read.
    pub fn distributed(mut self) -> Policy {
        for rule in self.permissions.iter_mut().chain(&mut self.prohibitions).chain(&mut self.obligations) {
            for (own, shared) in [
                (&mut rule.target, &self.target),
                (&mut rule.assigner, &self.assigner),
                (&mut rule.assignee, &self.assignee),
            ] {
                if own.is_none() {
                    own.clone_from(shared);
                }
            }
        }
        self
    }
}
