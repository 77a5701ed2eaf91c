//! The left operands this connector resolves: in which scopes, and what kind of right operand each compares with
//! (so that `"rightOperand": "2030-01-01T00:00:00Z"` is read as the instant it means).

use crate::model::{AtomicConstraint, Literal};
use crate::operand::{TypeError, Value, right_value};

/// Where a policy is evaluated; decides which left operands can be resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Scope {
    /// Building the catalogue: is a dataset shown to this caller (an offer's access policy).
    Catalogue,
    /// Negotiating: may this caller get an agreement (an offer's contract policy).
    Negotiation,
    /// Transferring: is the agreement valid now, at start and while data flows.
    Transfer,
}

impl Scope {
    /// The scope in words, completing "when the policy is used …".
    pub fn describe(self) -> &'static str {
        match self {
            Scope::Catalogue => "to decide who sees a dataset in the catalogue",
            Scope::Negotiation => "to decide who may get a contract",
            Scope::Transfer => "while data is transferred",
        }
    }
}

const EVERYWHERE: &[Scope] = &[Scope::Catalogue, Scope::Negotiation, Scope::Transfer];

/// An ODRL left operand the connector resolves from the request itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Known {
    DateTime,
    ElapsedTime,
    Count,
    Purpose,
    Spatial,
    Recipient,
}

/// What the connector knows of a left operand it resolves: which one it is, the scopes it is resolved in and the
/// kind of right operand it compares with (`None`: any).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Resolvable {
    pub(crate) operand: Known,
    pub(crate) scopes: &'static [Scope],
    pub(crate) expected: Option<Expected>,
}

const fn known(operand: Known, scopes: &'static [Scope], expected: Option<Expected>) -> Resolvable {
    Resolvable { operand, scopes, expected }
}

/// The ODRL left operands the connector resolves.
const RESOLVABLE: &[(&str, Resolvable)] = &[
    ("dateTime", known(Known::DateTime, EVERYWHERE, Some(Expected::Instant))),
    ("elapsedTime", known(Known::ElapsedTime, &[Scope::Transfer], Some(Expected::Duration))),
    ("count", known(Known::Count, &[Scope::Transfer], Some(Expected::Number))),
    ("purpose", known(Known::Purpose, &[Scope::Negotiation, Scope::Transfer], None)),
    ("spatial", known(Known::Spatial, EVERYWHERE, None)),
    ("recipient", known(Known::Recipient, EVERYWHERE, None)),
];

/// What the connector knows of the ODRL left operand `left`, if it resolves it at all.
pub(crate) fn resolvable(left: &str) -> Option<Resolvable> {
    RESOLVABLE.iter().find(|(name, _)| *name == left).map(|(_, resolvable)| *resolvable)
}

/// The kind of right operand a left operand needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Expected {
    Instant,
    Duration,
    Number,
}

impl Expected {
    /// The XML Schema types a plain string right operand is read as, in order.
    fn datatypes(self) -> &'static [&'static str] {
        match self {
            Expected::Instant => &["xsd:dateTime", "xsd:date"],
            Expected::Duration => &["xsd:duration"],
            Expected::Number => &["xsd:decimal"],
        }
    }

    /// True if `value` is of this kind.
    pub(crate) fn accepts(self, value: &Value) -> bool {
        match self {
            Expected::Instant => matches!(value, Value::DateTime(_) | Value::Date(_)),
            Expected::Duration => matches!(value, Value::Duration(_)),
            Expected::Number => matches!(value, Value::Decimal(_)),
        }
    }

    /// The kind in words.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Expected::Instant => "an xsd:dateTime or xsd:date",
            Expected::Duration => "an xsd:duration such as P30D",
            Expected::Number => "a number",
        }
    }
}

/// The typed values of a constraint's right operand. A plain string is read as the kind its left operand needs
/// when it can be (`dateTime lt "2030-01-01T00:00:00Z"`), unless the constraint gives an `odrl:dataType`.
pub(crate) fn right_values(atomic: &AtomicConstraint) -> Vec<Result<Value, TypeError>> {
    let expected = resolvable(&atomic.left).and_then(|known| known.expected).filter(|_| atomic.data_type.is_none());
    atomic
        .right
        .iter()
        .map(|literal| {
            let as_expected = match (expected, literal) {
                (Some(expected), Literal::String(_)) => {
                    expected.datatypes().iter().find_map(|datatype| right_value(literal, Some(datatype)).ok())
                }
                _ => None,
            };
            as_expected.map_or_else(|| right_value(literal, atomic.data_type.as_deref()), Ok)
        })
        .collect()
}
