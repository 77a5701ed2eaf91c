//! When an agreement stops allowing use: the time bounds of its permissions — `dateTime` before an instant,
//! `elapsedTime` within a duration of the agreement's start — so the data plane can stop a transfer the moment the
//! agreement ends, not only refuse the next request.

use chrono::{DateTime, FixedOffset};

use crate::model::{AtomicConstraint, Constraint, LogicalOperator, Operator, Policy};
use crate::operand::{Value, right_value};

/// The instant after which no permission of `policy` allows anything, for an agreement made at `start`: for each
/// permission the earliest bound its constraints set (every one of them must hold), and the latest of those over
/// the permissions (any one permits). `None` when some permission has no time bound: the agreement does not end.
///
/// ```
/// use chrono::DateTime;
/// use ldt_policy::{expiry::valid_until, read_policy};
/// let policy = read_policy(&serde_json::json!({"@type": "Agreement", "permission": [{"action": "use",
///     "constraint": [{"leftOperand": "elapsedTime", "operator": "lteq", "rightOperand":
///         {"@value": "P30D", "@type": "xsd:duration"}}]}]})).unwrap();
/// let start = DateTime::parse_from_rfc3339("2026-12-01T00:00:00Z").unwrap();
/// assert_eq!(valid_until(&policy, start).unwrap().to_rfc3339(), "2026-12-31T00:00:00+00:00");
/// ```
pub fn valid_until(policy: &Policy, start: DateTime<FixedOffset>) -> Option<DateTime<FixedOffset>> {
    let mut latest: Option<DateTime<FixedOffset>> = None;
    for permission in &policy.permissions {
        let bound = permission.constraints.iter().filter_map(|constraint| bound_of(constraint, start)).min()?;
        latest = Some(latest.map_or(bound, |latest| latest.max(bound)));
    }
    latest
}

/// The time bound `constraint` sets, if it sets one: an atomic bound, or the earliest bound of an `and`.
fn bound_of(constraint: &Constraint, start: DateTime<FixedOffset>) -> Option<DateTime<FixedOffset>> {
    match constraint {
        Constraint::Atomic(atomic) => atomic_bound(atomic, start),
        Constraint::Logical(logical)
            if matches!(logical.operator, LogicalOperator::And | LogicalOperator::AndSequence) =>
        {
            logical.constraints.iter().filter_map(|constraint| bound_of(constraint, start)).min()
        }
        Constraint::Logical(_) => None,
    }
}

fn atomic_bound(constraint: &AtomicConstraint, start: DateTime<FixedOffset>) -> Option<DateTime<FixedOffset>> {
    if !matches!(constraint.operator, Operator::Lt | Operator::Lteq) {
        return None;
    }
    let [literal] = constraint.right.as_slice() else { return None };
    let value = right_value(literal, constraint.data_type.as_deref()).ok()?;
    match (constraint.left.as_str(), value) {
        ("dateTime", Value::DateTime(at)) => Some(at),
        ("dateTime", Value::Date(day)) => {
            let midnight = day.and_hms_opt(0, 0, 0)?.and_utc().fixed_offset();
            // `lteq` a date allows that whole day.
            if constraint.operator == Operator::Lteq {
                midnight.checked_add_days(chrono::Days::new(1))
            } else {
                Some(midnight)
            }
        }
        ("elapsedTime", Value::Duration(duration)) => duration.add_to(start),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::read_policy;

    fn at(text: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(text).unwrap()
    }

    fn until(permissions: serde_json::Value) -> Option<String> {
        let policy = read_policy(&json!({"@type": "Agreement", "permission": permissions})).unwrap();
        valid_until(&policy, at("2026-12-01T00:00:00Z")).map(|at| at.to_rfc3339())
    }

    fn constraint(left: &str, operator: &str, value: &str, datatype: &str) -> serde_json::Value {
        json!({"leftOperand": left, "operator": operator, "rightOperand": {"@value": value, "@type": datatype}})
    }

    #[test]
    fn an_agreement_ends_at_its_earliest_bound_of_the_latest_permission() {
        let thirty_days = constraint("elapsedTime", "lteq", "P30D", "xsd:duration");
        let new_year = constraint("dateTime", "lt", "2027-01-01T00:00:00Z", "xsd:dateTime");
        let christmas = constraint("dateTime", "lteq", "2026-12-25", "xsd:date");
        assert_eq!(
            until(json!([{"action": "use", "constraint": [thirty_days]}])).as_deref(),
            Some("2026-12-31T00:00:00+00:00")
        );
        assert_eq!(
            until(json!([{"action": "use", "constraint": [new_year.clone(), christmas.clone()]}])).as_deref(),
            Some("2026-12-26T00:00:00+00:00"),
            "both must hold: the earlier; a date bound with lteq includes the day"
        );
        assert_eq!(
            until(json!([{"action": "use", "constraint": [christmas.clone()]}, {"action": "read", "constraint": [new_year.clone()]}]))
                .as_deref(),
            Some("2027-01-01T00:00:00+00:00"),
            "either permits: the later"
        );
        let and = json!({"and": [christmas.clone(), new_year.clone()]});
        assert_eq!(
            until(json!([{"action": "use", "constraint": [and]}])).as_deref(),
            Some("2026-12-26T00:00:00+00:00")
        );
    }

    #[test]
    fn no_bound_means_no_end() {
        let purpose = json!({"leftOperand": "purpose", "operator": "eq", "rightOperand": "research"});
        let after = constraint("dateTime", "gt", "2026-01-01T00:00:00Z", "xsd:dateTime");
        let bounded = constraint("dateTime", "lt", "2027-01-01T00:00:00Z", "xsd:dateTime");
        assert_eq!(until(json!([{"action": "use"}])), None);
        assert_eq!(until(json!([{"action": "use", "constraint": [purpose, after]}])), None);
        assert_eq!(
            until(json!([{"action": "use", "constraint": [bounded]}, {"action": "read"}])),
            None,
            "one permission without end"
        );
        let or = json!({"or": [constraint("dateTime", "lt", "2027-01-01T00:00:00Z", "xsd:dateTime")]});
        assert_eq!(until(json!([{"action": "use", "constraint": [or]}])), None, "an or sets no bound of its own");
    }
}
