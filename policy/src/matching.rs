//! Contract negotiation: does a consumer's contract request match the offer a provider published
//! ([`matches`](fn@matches)), and the agreement built from a matched offer ([`agreement`]).
//!
//! A request matches when it has the same rules as the offer, however it writes them. Both policies are brought to
//! a canonical form and compared:
//!
//! - **ignored**: `@id` (the request names the offer by it; the connector checks it), `@type`, the agreement
//!   `timestamp`, and `target`, `assigner` and `assignee` at every level (the connector checks the target is the
//!   dataset; the parties are set on agreement); a policy-level `action` counts through the rules the reader gave it;
//! - **sets** (order and repeats do not matter): the profiles, the permissions, prohibitions and obligations, and in
//!   each rule its constraints, its action's refinements, its duties, remedies and consequences; the operands of
//!   `and` and `or`; the values of a right operand;
//! - **`xone`**: order does not matter but repeats do (`xone(A, A)` never holds, `xone(A)` may);
//!   **`andSequence`**: order and repeats matter;
//! - **values** are compared as evaluation types them (the XML Schema datatype of a typed literal, the constraint's
//!   `odrl:dataType`, or the kind of value its left operand needs, so `dateTime lt "2030-01-01T00:00:00Z"` is an
//!   instant): a date-time as its instant in UTC, a number by its value (`5`, `5.0`, `"5"^^xsd:integer`), a duration
//!   by XML Schema equality (`P1D` = `PT24H`), a string and an IRI by their text; a literal that does not read as
//!   its datatype is compared as written (its text and datatype);
//! - no conflict strategy is `prohibit`, what ODRL applies when none is given.
//!
//! Nothing is simplified beyond that: `and(A)` is not `A`, and a constraint is not moved in or out of a logical one.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chrono::{DateTime, SecondsFormat, Utc};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::left_operand::right_values;
use crate::model::{
    ConflictStrategy, Constraint, Literal, LogicalOperator, Operator, Policy, PolicyKind, Rule, RuleKind, short_name,
};
use crate::operand::{Duration, Value, XSD};

/// Whether the rules a consumer requests (the `offer` of a ContractRequestMessage) are those of the `offered` policy.
///
/// Rules, constraints, and the operands of `and`, `or` and `xone` may come in any order and rules may repeat;
/// values may be written in any form of the same typed value (see the [module](self) for every choice). `@id`,
/// `@type`, targets and parties are not compared. On a difference, the [`Mismatch`] names the first one found.
///
/// ```
/// use ldt_policy::matching::matches;
/// use ldt_policy::read_policy;
/// use serde_json::json;
///
/// let offered = read_policy(&json!({"@id": "urn:offer:1", "@type": "Offer", "permission": [{"action": "use",
///     "constraint": [{"leftOperand": "dateTime", "operator": "lt", "rightOperand": "2030-01-01T00:00:00Z"},
///                    {"leftOperand": "purpose", "operator": "isA", "rightOperand": "research"}]}]})).unwrap();
/// let requested = read_policy(&json!({"@id": "urn:offer:1", "@type": "Offer", "target": "urn:dataset:1",
///     "permission": [{"action": "odrl:use", "constraint": [
///         {"leftOperand": "purpose", "operator": "isA", "rightOperand": "research"},
///         {"leftOperand": "dateTime", "operator": "lt",
///          "rightOperand": {"@value": "2030-01-01T00:00:00Z", "@type": "xsd:dateTime"}}]}]})).unwrap();
/// assert_eq!(matches(&requested, &offered), Ok(()));
///
/// let greedy = read_policy(&json!({"@type": "Offer", "permission": [{"action": "use"}]})).unwrap();
/// let mismatch = matches(&greedy, &offered).unwrap_err();
/// assert_eq!(
///     mismatch.to_string(),
///     "the request's permission to `use` differs from the offer's: it lacks constraint `dateTime lt \
///      2030-01-01T00:00:00Z` and constraint `purpose isA research` (at /permission/0 in the request)"
/// );
/// ```
pub fn matches(requested: &Policy, offered: &Policy) -> Result<(), Mismatch> {
    let requested = requested.clone().distributed();
    let offered = offered.clone().distributed();
    let (request, offer) = (canonical(&requested), canonical(&offered));
    if request.profiles != offer.profiles {
        return Err(Mismatch {
            difference: Difference::Profiles {
                requested: request.profiles.into_iter().collect(),
                offered: offer.profiles.into_iter().collect(),
            },
            side: Side::Request,
            path: "/profile".into(),
        });
    }
    if request.conflict != offer.conflict {
        return Err(Mismatch {
            difference: Difference::Conflict { requested: request.conflict, offered: offer.conflict },
            side: Side::Request,
            path: "/conflict".into(),
        });
    }
    for (list, kind) in LISTS.iter().enumerate() {
        let (in_request, in_offer) = (&request.rules[list], &offer.rules[list]);
        let missing: Vec<(&CanonicalRule, usize)> =
            in_offer.iter().filter(|(rule, _)| !in_request.contains_key(*rule)).map(|(r, i)| (r, *i)).collect();
        let extra: Vec<(&CanonicalRule, usize)> =
            in_request.iter().filter(|(rule, _)| !in_offer.contains_key(*rule)).map(|(r, i)| (r, *i)).collect();
        let key = list_key(*kind);
        // A rule of the request with the action of a missing one is that rule changed: say how.
        let changed = missing.iter().find_map(|(wanted, _)| {
            extra.iter().find(|(got, _)| got.action == wanted.action).map(|(got, index)| (*wanted, *got, *index))
        });
        if let Some((wanted, got, index)) = changed {
            let original = &rules_of(&requested, *kind)[index];
            return Err(changed_rule(*kind, wanted, got, original, &format!("/{key}/{index}")));
        }
        if let Some((rule, index)) = missing.first() {
            return Err(Mismatch {
                difference: Difference::MissingRule { kind: *kind, rule: describe_rule(rule) },
                side: Side::Offer,
                path: format!("/{key}/{index}"),
            });
        }
        if let Some((rule, index)) = extra.first() {
            return Err(Mismatch {
                difference: Difference::ExtraRule { kind: *kind, rule: describe_rule(rule) },
                side: Side::Request,
                path: format!("/{key}/{index}"),
            });
        }
    }
    Ok(())
}

/// The agreement on a matched offer: an `Agreement` with the given `@id`, `target`, parties and `timestamp`
/// (xsd:dateTime to the second, in UTC with `Z`), and the offer's profiles, conflict strategy, permissions,
/// prohibitions and obligations.
///
/// The offer's rules keep everything but their own `target`, `assigner` and `assignee`, which the agreement carries
/// for all of them; their duties, remedies and consequences are kept as they are. The offer's policy-level action
/// is not repeated: every rule names its own.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use ldt_policy::matching::{agreement, matches};
/// use ldt_policy::{read_policy, write_policy};
/// use serde_json::json;
///
/// let offer = read_policy(&json!({"@id": "urn:offer:1", "@type": "Offer",
///     "permission": [{"action": "use", "target": "urn:dataset:1"}]})).unwrap();
/// let agreed = agreement(&offer, "urn:agreement:1".into(), "urn:dataset:1".into(),
///     "did:web:provider".into(), "did:web:consumer".into(),
///     Utc.with_ymd_and_hms(2025, 6, 30, 12, 0, 0).unwrap());
/// assert_eq!(write_policy(&agreed), json!({
///     "@id": "urn:agreement:1", "@type": "Agreement", "assigner": "did:web:provider",
///     "assignee": "did:web:consumer", "target": "urn:dataset:1", "timestamp": "2025-06-30T12:00:00Z",
///     "permission": [{"action": "use"}]
/// }));
/// assert_eq!(matches(&agreed, &offer), Ok(()));
/// ```
pub fn agreement(
    offered: &Policy,
    id: String,
    target: String,
    assigner: String,
    assignee: String,
    timestamp: DateTime<Utc>,
) -> Policy {
    let without_parties = |rules: &[Rule]| -> Vec<Rule> {
        rules.iter().map(|rule| Rule { target: None, assigner: None, assignee: None, ..rule.clone() }).collect()
    };
    Policy {
        id: Some(id),
        kind: PolicyKind::Agreement,
        profiles: offered.profiles.clone(),
        assigner: Some(assigner),
        assignee: Some(assignee),
        target: Some(target),
        action: None,
        timestamp: Some(timestamp.to_rfc3339_opts(SecondsFormat::Secs, true)),
        conflict: offered.conflict,
        permissions: without_parties(&offered.permissions),
        prohibitions: without_parties(&offered.prohibitions),
        obligations: without_parties(&offered.obligations),
    }
}

/// Why a request does not match an offer: the first difference found, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// What differs.
    pub difference: Difference,
    /// The policy [`path`](Mismatch::path) points into.
    pub side: Side,
    /// A JSON pointer to the differing member, as [`write_policy`](crate::write_policy) writes the policy (rules in
    /// the order they were read): `/permission/0/constraint/1`.
    pub path: String,
}

/// One of the two policies compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// The consumer's request.
    Request,
    /// The published offer.
    Offer,
}

/// A difference between a request and an offer. Rules, constraints and values are described in words, in the
/// canonical form they were compared in (`purpose isA research`, `dateTime lt 2030-01-01T00:00:00Z`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Difference {
    /// The two name different profiles (each sorted, without repeats).
    Profiles {
        /// The request's.
        requested: Vec<String>,
        /// The offer's.
        offered: Vec<String>,
    },
    /// The two resolve conflicts differently (no strategy being `prohibit`).
    Conflict {
        /// The request's.
        requested: ConflictStrategy,
        /// The offer's.
        offered: ConflictStrategy,
    },
    /// A rule of the offer is not in the request, nor any rule with its action.
    MissingRule {
        /// Permission, prohibition, or obligation ([`RuleKind::Duty`] at policy level).
        kind: RuleKind,
        /// The rule in words: ``to `use` with constraint `purpose isA research` ``.
        rule: String,
    },
    /// A rule of the request is not in the offer, nor any rule with its action.
    ExtraRule {
        /// Permission, prohibition, or obligation ([`RuleKind::Duty`] at policy level).
        kind: RuleKind,
        /// The rule in words.
        rule: String,
    },
    /// A rule of the request has the action of a rule of the offer, but differs from it in one part.
    ChangedRule {
        /// Permission, prohibition, or obligation ([`RuleKind::Duty`] at policy level).
        kind: RuleKind,
        /// The action both rules are about.
        action: String,
        /// The first part in which they differ.
        part: Part,
        /// What the offer's rule has in that part and the request's lacks, in words.
        missing: Vec<String>,
        /// What the request's rule has in that part and the offer's lacks, in words.
        extra: Vec<String>,
    },
}

/// A part of a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Part {
    /// The refinements of its action.
    Refinement,
    /// Its constraints.
    Constraint,
    /// Its duties (of a permission).
    Duty,
    /// Its remedies (of a prohibition).
    Remedy,
    /// Its consequences (of a duty).
    Consequence,
}

impl Part {
    /// The part in words, singular: `constraint`, `duty`…
    pub fn as_str(self) -> &'static str {
        match self {
            Part::Refinement => "refinement",
            Part::Constraint => "constraint",
            Part::Duty => "duty",
            Part::Remedy => "remedy",
            Part::Consequence => "consequence",
        }
    }
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let side = match self.side {
            Side::Request => "request",
            Side::Offer => "offer",
        };
        write!(f, "{} (at {} in the {side})", self.difference, self.path)
    }
}

impl std::error::Error for Mismatch {}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Difference::Profiles { requested, offered } => write!(
                f,
                "the request names the profiles [{}] but the offer [{}]",
                requested.join(", "),
                offered.join(", ")
            ),
            Difference::Conflict { requested, offered } => write!(
                f,
                "the request resolves conflicts by `{}` but the offer by `{}`",
                requested.as_str(),
                offered.as_str()
            ),
            Difference::MissingRule { kind, rule } => {
                write!(f, "the request has no {} {rule}: the offer's {0} is missing from it", list_key(*kind))
            }
            Difference::ExtraRule { kind, rule } => {
                let article = if *kind == RuleKind::Duty { "an" } else { "a" };
                write!(f, "the request has {article} {} {rule}, which the offer has not", list_key(*kind))
            }
            Difference::ChangedRule { kind, action, part, missing, extra } => {
                write!(f, "the request's {} to `{action}` differs from the offer's: it", list_key(*kind))?;
                let listed = |items: &[String]| {
                    items.iter().map(|item| format!("{} {item}", part.as_str())).collect::<Vec<_>>().join(" and ")
                };
                if !missing.is_empty() {
                    write!(f, " lacks {}", listed(missing))?;
                }
                if !missing.is_empty() && !extra.is_empty() {
                    f.write_str(" and")?;
                }
                if !extra.is_empty() {
                    write!(f, " adds {}", listed(extra))?;
                }
                Ok(())
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// The canonical form.

/// The rule lists of a policy, in the order they are compared.
const LISTS: [RuleKind; 3] = [RuleKind::Permission, RuleKind::Prohibition, RuleKind::Duty];

/// What of a policy is compared: sets as sorted collections. The rules map to the index of their first occurrence
/// in the policy, for paths; compare their keys.
struct CanonicalPolicy {
    profiles: BTreeSet<String>,
    conflict: ConflictStrategy,
    rules: [BTreeMap<CanonicalRule, usize>; 3],
}

/// A rule without target and parties; every list sorted and without repeats.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct CanonicalRule {
    action: String,
    refinements: Vec<CanonicalConstraint>,
    constraints: Vec<CanonicalConstraint>,
    duties: Vec<CanonicalRule>,
    remedies: Vec<CanonicalRule>,
    consequences: Vec<CanonicalRule>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum CanonicalConstraint {
    Atomic { left: String, operator: Operator, right: Vec<CanonicalValue>, unit: Option<String> },
    Logical { operator: LogicalOperator, operands: Vec<CanonicalConstraint> },
}

/// A typed value as text: two values are the same when their kind and text are.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct CanonicalValue {
    kind: ValueKind,
    text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum ValueKind {
    DateTime,
    Date,
    Duration,
    Number,
    /// A string or an IRI: equal when their text is.
    Text,
    Bool,
    /// A literal that does not read as its datatype (given here), compared as written.
    AsWritten(String),
}

fn canonical(policy: &Policy) -> CanonicalPolicy {
    let indexed = |rules: &[Rule]| {
        let mut first = BTreeMap::new();
        for (index, rule) in rules.iter().enumerate() {
            first.entry(canonical_rule(rule)).or_insert(index);
        }
        first
    };
    CanonicalPolicy {
        profiles: policy.profiles.iter().cloned().collect(),
        conflict: policy.conflict.unwrap_or(ConflictStrategy::Prohibit),
        rules: LISTS.map(|kind| indexed(rules_of(policy, kind))),
    }
}

fn rules_of(policy: &Policy, kind: RuleKind) -> &[Rule] {
    match kind {
        RuleKind::Permission => &policy.permissions,
        RuleKind::Prohibition => &policy.prohibitions,
        RuleKind::Duty => &policy.obligations,
    }
}

/// `items` sorted, without repeats.
fn set<T: Ord>(items: impl IntoIterator<Item = T>) -> Vec<T> {
    let mut items: Vec<T> = items.into_iter().collect();
    items.sort();
    items.dedup();
    items
}

fn canonical_rule(rule: &Rule) -> CanonicalRule {
    CanonicalRule {
        action: rule.action.name.clone(),
        refinements: set(rule.action.refinements.iter().map(canonical_constraint)),
        constraints: set(rule.constraints.iter().map(canonical_constraint)),
        duties: set(rule.duties.iter().map(canonical_rule)),
        remedies: set(rule.remedies.iter().map(canonical_rule)),
        consequences: set(rule.consequences.iter().map(canonical_rule)),
    }
}

fn canonical_constraint(constraint: &Constraint) -> CanonicalConstraint {
    match constraint {
        Constraint::Atomic(atomic) => CanonicalConstraint::Atomic {
            left: atomic.left.clone(),
            operator: atomic.operator,
            right: set(atomic.right.iter().zip(right_values(atomic)).map(|(literal, value)| match value {
                Ok(value) => canonical_value(value),
                Err(_) => as_written(literal, atomic.data_type.as_deref()),
            })),
            unit: atomic.unit.as_deref().map(short_name),
        },
        Constraint::Logical(logical) => {
            let operands = logical.constraints.iter().map(canonical_constraint);
            let operands = match logical.operator {
                LogicalOperator::And | LogicalOperator::Or => set(operands),
                LogicalOperator::Xone => {
                    let mut operands: Vec<_> = operands.collect();
                    operands.sort();
                    operands
                }
                LogicalOperator::AndSequence => operands.collect(),
            };
            CanonicalConstraint::Logical { operator: logical.operator, operands }
        }
    }
}

fn canonical_value(value: Value) -> CanonicalValue {
    let (kind, text) = match value {
        Value::DateTime(at) => (ValueKind::DateTime, Value::DateTime(at.to_utc().fixed_offset()).to_string()),
        Value::Date(_) => (ValueKind::Date, value.to_string()),
        Value::Duration(duration) => (ValueKind::Duration, canonical_duration(duration).to_string()),
        Value::Decimal(number) => (ValueKind::Number, number.normalize().to_string()),
        Value::String(text) | Value::Iri(text) => (ValueKind::Text, text),
        Value::Bool(flag) => (ValueKind::Bool, flag.to_string()),
    };
    CanonicalValue { kind, text }
}

/// The duration with its days and seconds balanced as whole days and less than a day of seconds, so that durations
/// XML Schema holds equal (`P1D`, `PT24H`) are written the same.
fn canonical_duration(duration: Duration) -> Duration {
    let day = Decimal::from(86_400);
    let balanced = Decimal::from(duration.days())
        .checked_mul(day)
        .and_then(|s| s.checked_add(duration.seconds()))
        .and_then(|total| {
            let days = (total / day).trunc();
            Duration::new(duration.months(), days.to_i64()?, total - days * day)
        });
    balanced.unwrap_or(duration)
}

/// A literal that has no typed value, as written: its text, and its datatype or form.
fn as_written(literal: &Literal, data_type: Option<&str>) -> CanonicalValue {
    let (text, form) = match literal {
        Literal::String(text) => (text.clone(), "string"),
        Literal::Number(number) => (number.to_string(), "number"),
        Literal::Bool(flag) => (flag.to_string(), "boolean"),
        Literal::Iri(iri) => (iri.clone(), "IRI"),
        Literal::Typed { value, datatype } => (value.clone(), datatype.as_str()),
    };
    let datatype = data_type.unwrap_or(form);
    let datatype = datatype.strip_prefix("xsd:").map_or_else(|| datatype.to_owned(), |local| format!("{XSD}{local}"));
    CanonicalValue { kind: ValueKind::AsWritten(datatype), text }
}

// ---------------------------------------------------------------------------------------------------------------
// Differences in words.

/// The key of a rule list in a policy document, and the kind of its rules in words.
fn list_key(kind: RuleKind) -> &'static str {
    match kind {
        RuleKind::Permission => "permission",
        RuleKind::Prohibition => "prohibition",
        RuleKind::Duty => "obligation",
    }
}

/// How the request's rule `got` (at `path`, read as `original`) differs from the offer's `wanted`, with the same
/// action: the first part that differs.
fn changed_rule(kind: RuleKind, wanted: &CanonicalRule, got: &CanonicalRule, original: &Rule, path: &str) -> Mismatch {
    let constraints = |wanted: &[CanonicalConstraint], got: &[CanonicalConstraint], originals: &[Constraint]| {
        let (missing, extra) = difference(wanted, got);
        let position =
            extra.first().and_then(|first| originals.iter().position(|c| canonical_constraint(c) == **first));
        (words(&missing, |c| format!("`{c}`")), words(&extra, |c| format!("`{c}`")), position)
    };
    let rules = |wanted: &[CanonicalRule], got: &[CanonicalRule], originals: &[Rule]| {
        let (missing, extra) = difference(wanted, got);
        let position = extra.first().and_then(|first| originals.iter().position(|r| canonical_rule(r) == **first));
        (words(&missing, describe_rule), words(&extra, describe_rule), position)
    };
    let parts = [
        (
            Part::Refinement,
            "action/refinement",
            constraints(&wanted.refinements, &got.refinements, &original.action.refinements),
        ),
        (Part::Constraint, "constraint", constraints(&wanted.constraints, &got.constraints, &original.constraints)),
        (Part::Duty, "duty", rules(&wanted.duties, &got.duties, &original.duties)),
        (Part::Remedy, "remedy", rules(&wanted.remedies, &got.remedies, &original.remedies)),
        (Part::Consequence, "consequence", rules(&wanted.consequences, &got.consequences, &original.consequences)),
    ];
    let (part, key, (missing, extra, position)) = parts
        .into_iter()
        .find(|(_, _, (missing, extra, _))| !missing.is_empty() || !extra.is_empty())
        .expect("two different rules with the same action differ in a part");
    let path = match position {
        Some(index) => format!("{path}/{key}/{index}"),
        None => path.to_owned(),
    };
    Mismatch {
        difference: Difference::ChangedRule { kind, action: wanted.action.clone(), part, missing, extra },
        side: Side::Request,
        path,
    }
}

/// What of the sorted `wanted` is not in the sorted `got`, and what of `got` is not in `wanted`.
fn difference<'a, T: Ord>(wanted: &'a [T], got: &'a [T]) -> (Vec<&'a T>, Vec<&'a T>) {
    let missing = wanted.iter().filter(|item| got.binary_search(item).is_err()).collect();
    let extra = got.iter().filter(|item| wanted.binary_search(item).is_err()).collect();
    (missing, extra)
}

fn words<T>(items: &[&T], describe: impl Fn(&T) -> String) -> Vec<String> {
    items.iter().map(|item| describe(item)).collect()
}

/// A rule in words, after its kind: ``to `use` with constraint `purpose isA research` and duty to `delete` ``.
fn describe_rule(rule: &CanonicalRule) -> String {
    let mut text = format!("to `{}`", rule.action);
    if !rule.refinements.is_empty() {
        text.push_str(&format!(" refined by {}", quoted(&rule.refinements)));
    }
    let mut with = Vec::new();
    for constraint in &rule.constraints {
        with.push(format!("constraint `{constraint}`"));
    }
    for (word, rules) in [("duty", &rule.duties), ("remedy", &rule.remedies), ("consequence", &rule.consequences)] {
        with.extend(rules.iter().map(|rule| format!("{word} {}", describe_rule(rule))));
    }
    if !with.is_empty() {
        text.push_str(" with ");
        text.push_str(&with.join(" and "));
    }
    text
}

fn quoted(constraints: &[CanonicalConstraint]) -> String {
    constraints.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(" and ")
}

impl fmt::Display for CanonicalConstraint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CanonicalConstraint::Atomic { left, operator, right, unit } => {
                write!(f, "{left} {operator} ")?;
                match right.as_slice() {
                    [one] => write!(f, "{one}")?,
                    many => write!(f, "[{}]", many.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "))?,
                }
                match unit {
                    Some(unit) => write!(f, " (unit {unit})"),
                    None => Ok(()),
                }
            }
            CanonicalConstraint::Logical { operator, operands } => {
                write!(f, "{operator}({})", operands.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))
            }
        }
    }
}

impl fmt::Display for CanonicalValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ValueKind::AsWritten(datatype) => write!(f, "\"{}\"^^{datatype}", self.text),
            _ => f.write_str(&self.text),
        }
    }
}
