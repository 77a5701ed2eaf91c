//! Laws the twelve operators keep on random values and sets (`ldt_policy::operand::holds`): `neq` is the negation of
//! `eq`, `isAnyOf` and `isNoneOf` are complements, the orderings mirror each other, set containment reads both ways,
//! and date-time equality does not depend on the offset. Where an operator fails closed (`Incomparable`), its
//! counterpart in the law fails closed too.

use chrono::{DateTime, FixedOffset, NaiveDate, TimeDelta, TimeZone};
use ldt_policy::model::{Literal, Operator};
use ldt_policy::operand::{Duration, Incomparable, Value as V, holds, right_value};
use proptest::collection::vec;
use proptest::prelude::*;
use rust_decimal::Decimal;

fn no_taxonomy(_: &str, _: &str) -> bool {
    false
}

fn check(operator: Operator, left: &[V], right: &[V]) -> Result<bool, Incomparable> {
    holds(operator, left, right, &no_taxonomy)
}

/// Numbers, small ones often so that equal values (`1.0` and `1`) turn up.
fn decimal() -> impl Strategy<Value = V> {
    prop_oneof![
        (-20_i64..20, 0_u32..3).prop_map(|(mantissa, scale)| V::Decimal(Decimal::new(mantissa, scale))),
        (any::<i64>(), 0_u32..=28).prop_map(|(mantissa, scale)| V::Decimal(Decimal::new(mantissa, scale))),
    ]
}

/// An offset of whole minutes within ±14 hours.
fn offset() -> impl Strategy<Value = FixedOffset> {
    (-14 * 60..=14 * 60).prop_map(|minutes: i32| FixedOffset::east_opt(minutes * 60).unwrap())
}

/// Instants, from a few seconds apart (so that some are equal) to centuries apart, in any offset.
fn instant() -> impl Strategy<Value = DateTime<FixedOffset>> {
    let seconds = prop_oneof![(0_i64..4).prop_map(|s| 1_735_689_600 + s * 1800), -10_000_000_000_i64..10_000_000_000,];
    let nanos = prop_oneof![Just(0_u32), 0_u32..1_000_000_000];
    (seconds, nanos, offset()).prop_map(|(seconds, nanos, offset)| offset.timestamp_opt(seconds, nanos).unwrap())
}

fn date_time() -> impl Strategy<Value = V> {
    instant().prop_map(V::DateTime)
}

/// Dates around the instants above.
fn date() -> impl Strategy<Value = V> {
    prop_oneof![(0_i64..3).prop_map(|d| 739_252 + d), 0_i64..1_000_000]
        .prop_map(|days| V::Date(NaiveDate::from_num_days_from_ce_opt(days as i32).unwrap()))
}

/// Durations of days and seconds, of months only, or of both (which order against no other kind).
fn duration() -> impl Strategy<Value = Duration> {
    let sign = prop_oneof![Just(1_i64), Just(-1_i64)];
    (sign, 0_i64..40, 0_i64..3, 0_i64..200_000, 0_u32..3).prop_map(|(sign, months, days, seconds, kind)| {
        let seconds = Decimal::from(seconds * sign) / Decimal::from(4);
        match kind {
            0 => Duration::new(0, days * sign, seconds),
            1 => Duration::new(months * sign, 0, Decimal::ZERO),
            _ => Duration::new(months * sign, days * sign, seconds),
        }
        .unwrap()
    })
}

/// Names and IRIs from a small alphabet, so that sets overlap.
fn text() -> impl Strategy<Value = V> {
    prop_oneof!["[a-c]{0,2}".prop_map(V::String), "urn:[a-c]".prop_map(V::String), "urn:[a-c]".prop_map(V::Iri)]
}

fn boolean() -> impl Strategy<Value = V> {
    any::<bool>().prop_map(V::Bool)
}

/// A set of values of one comparable family.
fn set() -> impl Strategy<Value = Vec<V>> {
    prop_oneof![
        vec(decimal(), 0..4),
        vec(date_time(), 0..4),
        vec(prop_oneof![date_time(), date()], 0..4),
        vec(duration().prop_map(V::Duration), 0..4),
        vec(text(), 0..4),
        vec(boolean(), 0..4),
    ]
}

/// Two sets of the same family.
fn two_sets() -> impl Strategy<Value = (Vec<V>, Vec<V>)> {
    prop_oneof![
        (vec(decimal(), 0..4), vec(decimal(), 0..4)),
        (vec(date_time(), 0..4), vec(date_time(), 0..4)),
        (vec(prop_oneof![date_time(), date()], 0..4), vec(prop_oneof![date_time(), date()], 0..4)),
        (vec(text(), 0..4), vec(text(), 0..4)),
        (vec(boolean(), 0..4), vec(boolean(), 0..4)),
    ]
}

/// Any single value, of any kind: pairs of these are often incomparable.
fn any_value() -> impl Strategy<Value = V> {
    prop_oneof![decimal(), date_time(), date(), duration().prop_map(V::Duration), text(), boolean()]
}

/// Two single values, mostly of one family so that most pairs compare.
fn two_values() -> impl Strategy<Value = (V, V)> {
    prop_oneof![
        (decimal(), decimal()),
        (date_time(), date_time()),
        (prop_oneof![date_time(), date()], prop_oneof![date_time(), date()]),
        (duration().prop_map(V::Duration), duration().prop_map(V::Duration)),
        (text(), text()),
        (any_value(), any_value()),
    ]
}

/// Both fail closed, or both answer the same.
fn same(a: Result<bool, Incomparable>, b: Result<bool, Incomparable>) -> Result<(), TestCaseError> {
    prop_assert_eq!(a.ok(), b.ok());
    Ok(())
}

proptest! {
    #[test]
    fn neq_is_the_negation_of_eq((left, right) in two_sets()) {
        let eq = check(Operator::Eq, &left, &right);
        prop_assert!(eq.is_ok(), "{:?}", eq);
        same(check(Operator::Neq, &left, &right), eq.map(|eq| !eq))?;
    }

    #[test]
    fn neq_is_the_negation_of_eq_on_any_pair((left, right) in two_values()) {
        let (left, right) = ([left], [right]);
        same(check(Operator::Neq, &left, &right), check(Operator::Eq, &left, &right).map(|eq| !eq))?;
    }

    #[test]
    fn is_any_of_and_is_none_of_are_complements((left, right) in two_sets()) {
        let any = check(Operator::IsAnyOf, &left, &right);
        prop_assert!(any.is_ok());
        same(check(Operator::IsNoneOf, &left, &right), any.map(|any| !any))?;
    }

    #[test]
    fn orderings_mirror_with_sides_swapped((a, b) in two_values()) {
        let (a, b) = ([a], [b]);
        same(check(Operator::Lt, &a, &b), check(Operator::Gt, &b, &a))?;
        same(check(Operator::Lteq, &a, &b), check(Operator::Gteq, &b, &a))?;
    }

    #[test]
    fn lteq_is_lt_or_eq((a, b) in two_values()) {
        let (a, b) = ([a], [b]);
        let lt = check(Operator::Lt, &a, &b);
        let gt = check(Operator::Gt, &a, &b);
        match (lt.clone(), gt.clone(), check(Operator::Eq, &a, &b)) {
            (Ok(lt), Ok(gt), Ok(eq)) => {
                prop_assert_eq!(check(Operator::Lteq, &a, &b).ok(), Some(lt || eq));
                prop_assert_eq!(check(Operator::Gteq, &a, &b).ok(), Some(gt || eq));
                // Exactly one of the three.
                prop_assert_eq!(u8::from(lt) + u8::from(eq) + u8::from(gt), 1);
            }
            _ => {
                prop_assert!(lt.is_err() && gt.is_err());
                prop_assert!(check(Operator::Lteq, &a, &b).is_err());
                prop_assert!(check(Operator::Gteq, &a, &b).is_err());
            }
        }
    }

    #[test]
    fn numbers_and_date_times_always_order((a, b) in prop_oneof![(decimal(), decimal()), (date_time(), date_time())]) {
        prop_assert!(check(Operator::Lt, &[a], &[b]).is_ok());
    }

    #[test]
    fn strings_never_order((a, b) in (text(), text())) {
        let (a, b) = ([a], [b]);
        prop_assert!(check(Operator::Lt, &a, &b).is_err());
        prop_assert!(check(Operator::Gteq, &a, &b).is_err());
    }

    #[test]
    fn a_set_is_all_of_itself(values in set()) {
        prop_assert_eq!(check(Operator::IsAllOf, &values, &values).ok(), Some(true));
        prop_assert_eq!(check(Operator::Eq, &values, &values).ok(), Some(true));
        prop_assert_eq!(check(Operator::IsAnyOf, &values, &values).ok(), Some(!values.is_empty()));
    }

    #[test]
    fn has_part_is_is_part_of_reversed((a, b) in two_sets()) {
        same(check(Operator::HasPart, &a, &b), check(Operator::IsPartOf, &b, &a))?;
        same(check(Operator::HasPart, &a, &b), check(Operator::IsAllOf, &a, &b))?;
    }

    #[test]
    fn set_equality_is_containment_both_ways((a, b) in two_sets()) {
        let both = check(Operator::HasPart, &a, &b).unwrap() && check(Operator::IsPartOf, &a, &b).unwrap();
        prop_assert_eq!(check(Operator::Eq, &a, &b).unwrap(), both);
    }

    #[test]
    fn date_time_equality_does_not_depend_on_the_offset(at in instant(), other in instant(), shift in offset()) {
        let (original, moved) = ([V::DateTime(at)], [V::DateTime(at.with_timezone(&shift))]);
        prop_assert_eq!(check(Operator::Eq, &original, &moved).ok(), Some(true));
        prop_assert_eq!(check(Operator::Neq, &moved, &original).ok(), Some(false));
        prop_assert_eq!(check(Operator::Lt, &moved, &original).ok(), Some(false));
        let (a, b) = ([V::DateTime(at)], [V::DateTime(other.with_timezone(&shift))]);
        prop_assert_eq!(check(Operator::Eq, &a, &b).ok(), Some(at.to_utc() == other.to_utc()));
        prop_assert_eq!(check(Operator::Lt, &a, &b).ok(), Some(at.to_utc() < other.to_utc()));
    }

    #[test]
    fn values_read_back_from_their_display(value in prop_oneof![decimal(), date_time(), date(), duration().prop_map(V::Duration)]) {
        let datatype = match value {
            V::Decimal(_) => "xsd:decimal",
            V::DateTime(_) => "xsd:dateTime",
            V::Date(_) => "xsd:date",
            _ => "xsd:duration",
        };
        let written = value.to_string();
        let read = right_value(&Literal::Typed { value: written.clone(), datatype: datatype.into() }, None);
        prop_assert!(read.is_ok(), "{} as {}: {:?}", written, datatype, read);
        let read = read.unwrap();
        prop_assert_eq!(read.to_string(), written);
        prop_assert_eq!(check(Operator::Eq, &[read], &[value]).ok(), Some(true));
    }

    #[test]
    fn a_day_time_duration_adds_its_seconds(
        at in instant(),
        negative in any::<bool>(),
        days in 0_i64..1000,
        quarter_seconds in 0_i64..1_000_000,
    ) {
        let sign = if negative { -1 } else { 1 };
        let seconds = Decimal::from(quarter_seconds * sign) / Decimal::from(4);
        let duration = Duration::new(0, days * sign, seconds).unwrap();
        let millis: i64 = (seconds * Decimal::from(1000)).try_into().unwrap();
        let expected = at + TimeDelta::days(days * sign) + TimeDelta::milliseconds(millis);
        prop_assert_eq!(duration.add_to(at), Some(expected));
    }
}
