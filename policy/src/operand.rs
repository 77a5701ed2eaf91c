//! Typed operand values and the twelve ODRL 2.2 comparison operators.
//!
//! A constraint's right operand is a [`Literal`] as written in the policy; [`right_value`] gives its typed
//! [`Value`] (by its XML Schema datatype, or by the constraint's `odrl:dataType`). A left operand read from the
//! request context often arrives as text (a claim, a header); [`coerce`] gives it the type of the right operand when
//! it parses as that type. [`holds`] then applies an [`Operator`] to the two sides, failing closed: when the values
//! cannot be compared it answers [`Incomparable`], never a silent `false` or `true`.
//!
//! Choices where ODRL and XML Schema leave room:
//!
//! - an `xsd:dateTime` written without a time zone is taken as UTC; an `xsd:date` is a whole day in UTC, and a date
//!   with a time zone other than UTC (`Z`, `+00:00`) is refused, as its day would not be a UTC day;
//! - a date-time compared with a date is compared with the whole day `[00:00Z, next day 00:00Z)`: it is *equal* to
//!   the date when it falls on that day, *less* when it is before the day begins and *greater* when at or after the
//!   day ends, so `lteq 2025-06-30` includes all of 30 June and `lt`/`eq`/`gt` stay exactly one of three;
//! - durations are equal as XML Schema 1.1 says (the same months and the same seconds, a day being 86,400 s:
//!   `P1D` equals `PT24H`, `P1M` does not equal `P30D`); they are ordered only when that needs no reference date:
//!   both without months, or both only months (years and months);
//! - with several values on a side, `eq` means the two sets are equal (order and repeats do not matter) and `neq` is
//!   its negation; `hasPart` and `isAllOf` mean the left set contains every right value, `isPartOf` that every left
//!   value is in the right set, `isAnyOf` that the sets share a value and `isNoneOf` that they share none;
//! - every pair of values that an operator would compare must be comparable, so a set of mixed types fails
//!   closed whatever the answer on the comparable pairs.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, FixedOffset, Months, NaiveDate, NaiveTime, TimeDelta, TimeZone, Timelike, Utc};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::model::{Literal, Operator};

/// The XML Schema namespace.
pub const XSD: &str = "http://www.w3.org/2001/XMLSchema#";

/// A typed value of an operand.
///
/// The derived `PartialEq` compares structure (an [`Value::Iri`] never equals a [`Value::String`]); the typed
/// equality of ODRL's `eq` is [`holds`] with [`Operator::Eq`].
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// An `xsd:dateTime`: an instant with the offset it was written in.
    DateTime(DateTime<FixedOffset>),
    /// An `xsd:date`: a whole day (in UTC).
    Date(NaiveDate),
    /// An `xsd:duration`.
    Duration(Duration),
    /// A number: `xsd:decimal`, `xsd:integer` and its subtypes, `xsd:double`, `xsd:float`, or a JSON number.
    Decimal(Decimal),
    /// Text: `xsd:string` or a plain JSON string.
    String(String),
    /// An IRI: `{"@id": …}` or an `xsd:anyURI`.
    Iri(String),
    /// An `xsd:boolean` or a JSON boolean.
    Bool(bool),
}

impl Value {
    /// What kind of value this is, in words, for messages: `a date-time`, `a number`, `an IRI`…
    pub fn kind(&self) -> &'static str {
        match self {
            Value::DateTime(_) => "a date-time",
            Value::Date(_) => "a date",
            Value::Duration(_) => "a duration",
            Value::Decimal(_) => "a number",
            Value::String(_) => "a string",
            Value::Iri(_) => "an IRI",
            Value::Bool(_) => "a boolean",
        }
    }

    /// The text of a string or an IRI; `None` for other values.
    pub fn text(&self) -> Option<&str> {
        match self {
            Value::String(text) | Value::Iri(text) => Some(text),
            _ => None,
        }
    }
}

/// An `xsd:duration`, kept exactly: months (years count twelve) and days and seconds, which XML Schema cannot turn
/// into one another without a reference date. All three have the same sign.
///
/// Equality is XML Schema 1.1's: the same months and the same seconds, a day counting 86,400 s (`P1D == PT24H`,
/// `P1M != P30D`). The order is partial: two durations are ordered when both have no months, or both have only
/// months; otherwise `partial_cmp` is `None`.
///
/// ```
/// use ldt_policy::operand::Duration;
/// let day: Duration = "P1D".parse().unwrap();
/// assert_eq!(day, "PT24H".parse::<Duration>().unwrap());
/// assert!(day < "PT25H".parse::<Duration>().unwrap());
/// assert_eq!("P1M".parse::<Duration>().unwrap().partial_cmp(&"P30D".parse().unwrap()), None);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Duration {
    months: i64,
    days: i64,
    seconds: Decimal,
}

/// Seconds in a day, as XML Schema counts a duration's day.
const SECONDS_PER_DAY: i64 = 86_400;

/// The most fraction digits a duration's seconds may have: nanoseconds, what a date-time can hold.
const MAX_SECOND_DIGITS: u32 = 9;

impl Duration {
    /// The duration of `months`, `days` and `seconds`; `None` when their signs differ, when the seconds have more
    /// than nine fraction digits (finer than a date-time can hold), or when the days and seconds together would be
    /// too many seconds for a decimal.
    pub fn new(months: i64, days: i64, seconds: Decimal) -> Option<Duration> {
        let signs = [months.signum(), days.signum(), seconds_signum(seconds)];
        if signs.contains(&1) && signs.contains(&-1) {
            return None;
        }
        let seconds = seconds.normalize();
        if seconds.scale() > MAX_SECOND_DIGITS {
            return None;
        }
        Decimal::from(days).checked_mul(Decimal::from(SECONDS_PER_DAY))?.checked_add(seconds)?;
        Some(Duration { months, days, seconds })
    }

    /// The months, years counting twelve (negative for a negative duration).
    pub fn months(&self) -> i64 {
        self.months
    }

    /// The days (negative for a negative duration).
    pub fn days(&self) -> i64 {
        self.days
    }

    /// The seconds, hours and minutes included (negative for a negative duration).
    pub fn seconds(&self) -> Decimal {
        self.seconds
    }

    /// True for a duration less than zero (`-P1D`).
    pub fn is_negative(&self) -> bool {
        self.months < 0 || self.days < 0 || self.seconds.is_sign_negative() && !self.seconds.is_zero()
    }

    /// True for a duration of nothing (`PT0S`, `P0D`).
    pub fn is_zero(&self) -> bool {
        self.months == 0 && self.days == 0 && self.seconds.is_zero()
    }

    /// The days and seconds together, in seconds.
    fn day_time_seconds(&self) -> Decimal {
        // `new` checked that this does not overflow.
        Decimal::from(self.days) * Decimal::from(SECONDS_PER_DAY) + self.seconds
    }

    /// `at` plus this duration, with calendar arithmetic as XML Schema adds a duration to a date-time: first the
    /// months, the day of the month kept or, if the new month is shorter, its last day (`P1M` from 31 January is
    /// the end of February), then the days and the seconds. The offset of `at` is kept. `None` when the result is
    /// out of range.
    ///
    /// ```
    /// use chrono::DateTime;
    /// use ldt_policy::operand::Duration;
    /// let month: Duration = "P1M".parse().unwrap();
    /// let end_of_january = DateTime::parse_from_rfc3339("2025-01-31T10:00:00Z").unwrap();
    /// assert_eq!(month.add_to(end_of_january).unwrap().to_rfc3339(), "2025-02-28T10:00:00+00:00");
    /// ```
    pub fn add_to(&self, at: DateTime<FixedOffset>) -> Option<DateTime<FixedOffset>> {
        let months = Months::new(u32::try_from(self.months.unsigned_abs()).ok()?);
        let at = if self.months >= 0 { at.checked_add_months(months)? } else { at.checked_sub_months(months)? };
        let at = at.checked_add_signed(TimeDelta::try_days(self.days)?)?;
        let whole = self.seconds.trunc();
        let nanos = ((self.seconds - whole) * Decimal::from(1_000_000_000)).to_i64()?;
        let at = at.checked_add_signed(TimeDelta::try_seconds(whole.to_i64()?)?)?;
        at.checked_add_signed(TimeDelta::nanoseconds(nanos))
    }
}

/// -1, 0 or 1 as `seconds` is negative, zero or positive.
fn seconds_signum(seconds: Decimal) -> i64 {
    match seconds.cmp(&Decimal::ZERO) {
        Ordering::Less => -1,
        Ordering::Equal => 0,
        Ordering::Greater => 1,
    }
}

impl PartialEq for Duration {
    fn eq(&self, other: &Duration) -> bool {
        self.months == other.months && self.day_time_seconds() == other.day_time_seconds()
    }
}

impl Eq for Duration {}

impl PartialOrd for Duration {
    fn partial_cmp(&self, other: &Duration) -> Option<Ordering> {
        let only_months = |d: &Duration| d.days == 0 && d.seconds.is_zero();
        if self.months == 0 && other.months == 0 {
            Some(self.day_time_seconds().cmp(&other.day_time_seconds()))
        } else if only_months(self) && only_months(other) {
            Some(self.months.cmp(&other.months))
        } else {
            None
        }
    }
}

impl FromStr for Duration {
    type Err = TypeError;

    /// Reads the lexical form of an `xsd:duration` (`P1Y2M3DT4H5M6.5S`, `-P30D`, `PT36H`).
    fn from_str(text: &str) -> Result<Duration, TypeError> {
        parse_duration(text.trim_matches(XSD_SPACE))
            .map(|(duration, _)| duration)
            .map_err(|flaw| flaw.into_error(text, "xsd:duration"))
    }
}

impl fmt::Display for Duration {
    /// The duration in XML Schema's canonical form: `P30D`, `PT36H`, `P1Y6M`, `-PT1.5S`, `PT0S`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_zero() {
            return f.write_str("PT0S");
        }
        if self.is_negative() {
            f.write_str("-")?;
        }
        f.write_str("P")?;
        let months = self.months.unsigned_abs();
        let (years, months) = (months / 12, months % 12);
        let days = self.days.unsigned_abs();
        for (amount, designator) in [(years, 'Y'), (months, 'M'), (days, 'D')] {
            if amount > 0 {
                write!(f, "{amount}{designator}")?;
            }
        }
        let seconds = self.seconds.abs();
        if !seconds.is_zero() {
            f.write_str("T")?;
            let whole = seconds.trunc().to_u128().unwrap_or_default();
            let (hours, minutes, rest) = (whole / 3600, whole % 3600 / 60, whole % 60);
            for (amount, designator) in [(hours, 'H'), (minutes, 'M')] {
                if amount > 0 {
                    write!(f, "{amount}{designator}")?;
                }
            }
            let rest = (Decimal::from(rest) + seconds.fract()).normalize();
            if !rest.is_zero() {
                write!(f, "{rest}S")?;
            }
        }
        Ok(())
    }
}

/// Why a literal has no typed value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeError {
    /// The text is not a lexical form of the datatype (`2023-13-01` as an `xsd:date`).
    Invalid {
        /// The text as written.
        value: String,
        /// The datatype, as `xsd:name`.
        datatype: String,
    },
    /// The text is of the datatype, but the engine cannot hold or compare it exactly (`INF` as an `xsd:double`, a
    /// decimal of more than 28 digits).
    Unsupported {
        /// The text as written.
        value: String,
        /// The datatype, as `xsd:name`.
        datatype: String,
        /// Why, in plain words.
        reason: &'static str,
    },
    /// The datatype is not one the engine knows.
    UnknownDatatype {
        /// The text as written.
        value: String,
        /// The datatype as written.
        datatype: String,
    },
}

impl fmt::Display for TypeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TypeError::Invalid { value, datatype } => write!(f, "`{value}` is not an {datatype}"),
            TypeError::Unsupported { value, datatype, reason } => {
                write!(f, "`{value}` is an {datatype} this engine cannot use: {reason}")
            }
            TypeError::UnknownDatatype { value, datatype } => {
                write!(f, "`{value}` has the datatype `{datatype}`, which this engine does not know")
            }
        }
    }
}

impl std::error::Error for TypeError {}

/// The typed value of a right operand.
///
/// A typed literal (`{"@value": "2025-01-01", "@type": "xsd:date"}`) is read by its datatype, written with the
/// `xsd:` prefix or as the full XML Schema IRI: `dateTime`, `dateTimeStamp`, `date`, `duration`,
/// `dayTimeDuration`, `yearMonthDuration`, `decimal`, `double`, `float`, `integer` and its subtypes (`int`, `long`,
/// `short`, `byte`, `nonNegativeInteger`, `positiveInteger`, `negativeInteger`, `nonPositiveInteger`, the
/// `unsigned` ones, each with its range checked), `string`, `normalizedString`, `token`, `boolean` and `anyURI`.
/// A JSON number is a [`Value::Decimal`], a JSON boolean a [`Value::Bool`], `{"@id": …}` a [`Value::Iri`] and a
/// plain string a [`Value::String`]. When `data_type` (the constraint's `odrl:dataType`) is given, the literal's
/// text is read as that datatype instead, whatever the literal's own form.
///
/// Surrounding white space is ignored for every datatype but the string ones, as XML Schema does. A
/// date-time without a time zone is taken as UTC.
///
/// ```
/// use ldt_policy::model::Literal;
/// use ldt_policy::operand::{right_value, Value};
/// let typed = Literal::Typed { value: "2023-13-01".into(), datatype: "xsd:date".into() };
/// assert_eq!(right_value(&typed, None).unwrap_err().to_string(), "`2023-13-01` is not an xsd:date");
/// let plain = Literal::String("42".into());
/// assert_eq!(right_value(&plain, Some("xsd:integer")).unwrap(), Value::Decimal(42.into()));
/// ```
pub fn right_value(literal: &Literal, data_type: Option<&str>) -> Result<Value, TypeError> {
    if let Some(datatype) = data_type {
        return typed_value(&lexical_form(literal), datatype);
    }
    match literal {
        Literal::String(text) => Ok(Value::String(text.clone())),
        Literal::Number(number) => typed_value(&number.to_string(), "xsd:double"),
        Literal::Bool(flag) => Ok(Value::Bool(*flag)),
        Literal::Typed { value, datatype } => typed_value(value, datatype),
        Literal::Iri(iri) => Ok(Value::Iri(iri.clone())),
    }
}

/// The text of a literal, whatever its form (as people write it).
pub(crate) fn lexical_form(literal: &Literal) -> String {
    match literal {
        Literal::String(text) | Literal::Iri(text) => text.clone(),
        Literal::Number(number) => number.to_string(),
        Literal::Bool(flag) => flag.to_string(),
        Literal::Typed { value, .. } => value.clone(),
    }
}

/// `value` read as `datatype` (prefixed or full IRI).
fn typed_value(value: &str, datatype: &str) -> Result<Value, TypeError> {
    let local = datatype.strip_prefix("xsd:").or_else(|| datatype.strip_prefix(XSD));
    let Some((name, kind)) = local.and_then(|local| DATATYPES.iter().find(|(name, _)| *name == local)) else {
        return Err(TypeError::UnknownDatatype { value: value.to_owned(), datatype: datatype.to_owned() });
    };
    let collapsed = value.trim_matches(XSD_SPACE);
    let read = match kind {
        Datatype::String => return Ok(Value::String(value.to_owned())),
        Datatype::AnyUri => return Ok(Value::Iri(collapsed.to_owned())),
        Datatype::DateTime { stamp } => parse_date_time(collapsed)
            .and_then(|(at, zoned)| if *stamp && !zoned { Err(Flaw::Invalid) } else { Ok(Value::DateTime(at)) }),
        Datatype::Date => parse_date(collapsed).map(Value::Date),
        Datatype::Duration(only) => parse_duration(collapsed).and_then(|(duration, parts)| {
            let allowed = match only {
                DurationParts::Any => true,
                DurationParts::DayTime => !parts.year_month,
                DurationParts::YearMonth => !parts.day_time,
            };
            if allowed { Ok(Value::Duration(duration)) } else { Err(Flaw::Invalid) }
        }),
        Datatype::Decimal => parse_number(collapsed, Numeral::Decimal).map(Value::Decimal),
        Datatype::Double => parse_number(collapsed, Numeral::Double).map(Value::Decimal),
        Datatype::Integer { min, max } => parse_number(collapsed, Numeral::Integer).and_then(|number| {
            let within = min.is_none_or(|min| number >= Decimal::from(min))
                && max.is_none_or(|max| number <= Decimal::from(max));
            if within { Ok(Value::Decimal(number)) } else { Err(Flaw::Invalid) }
        }),
        Datatype::Boolean => parse_boolean(collapsed).map(Value::Bool),
    };
    read.map_err(|flaw| flaw.into_error(value, &format!("xsd:{name}")))
}

/// A left value coerced to the type of the right value `like`, for comparing the two.
///
/// A value of the same type, or of a type [`holds`] compares with `like`'s as it is (a date with a date-time, a
/// string with an IRI), is returned as it is (a string or an IRI taking `like`'s kind). A string is parsed as
/// `like`'s type: as a date-time or a date when `like` is either, as a duration, as a number (decimal, integer or
/// double form), or as a boolean; surrounding white space is ignored. `None` when the value cannot be coerced:
/// comparing the original then fails closed with [`Incomparable`].
///
/// ```
/// use ldt_policy::operand::{coerce, Value};
/// let like = Value::Decimal(5.into());
/// assert_eq!(coerce(&Value::String("42".into()), &like), Some(Value::Decimal(42.into())));
/// assert_eq!(coerce(&Value::String("many".into()), &like), None);
/// ```
pub fn coerce(value: &Value, like: &Value) -> Option<Value> {
    match (value, like) {
        (Value::String(text) | Value::Iri(text), Value::Iri(_)) => Some(Value::Iri(text.clone())),
        (Value::String(text) | Value::Iri(text), Value::String(_)) => Some(Value::String(text.clone())),
        (Value::DateTime(_) | Value::Date(_), Value::DateTime(_) | Value::Date(_))
        | (Value::Duration(_), Value::Duration(_))
        | (Value::Decimal(_), Value::Decimal(_))
        | (Value::Bool(_), Value::Bool(_)) => Some(value.clone()),
        (Value::String(text), _) => {
            let text = text.trim_matches(XSD_SPACE);
            let date_time = || parse_date_time(text).ok().map(|(at, _)| Value::DateTime(at));
            let date = || parse_date(text).ok().map(Value::Date);
            match like {
                Value::DateTime(_) => date_time().or_else(date),
                Value::Date(_) => date().or_else(date_time),
                Value::Duration(_) => parse_duration(text).ok().map(|(duration, _)| Value::Duration(duration)),
                Value::Decimal(_) => parse_number(text, Numeral::Double).ok().map(Value::Decimal),
                Value::Bool(_) => parse_boolean(text).ok().map(Value::Bool),
                Value::String(_) | Value::Iri(_) => None,
            }
        }
        _ => None,
    }
}

/// Why an operator cannot be applied to two values, in plain words (`cannot order `research` (a string) against
/// `5` (a number)`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incomparable {
    reason: String,
}

impl Incomparable {
    /// An `Incomparable` with `reason`, for operators evaluated elsewhere (e.g. spatial ones).
    pub fn new(reason: impl Into<String>) -> Incomparable {
        Incomparable { reason: reason.into() }
    }

    /// The reason, in plain words.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl fmt::Display for Incomparable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for Incomparable {}

/// True if `left operator right` holds; [`Incomparable`] when the values cannot be compared (fail closed).
///
/// - `eq` / `neq`: typed equality (the same instant in any offset; `1.0` equals `1`; a string equals an IRI of the
///   same text; a date-time equals a date it falls on); with several values, `eq` means the two sets are equal and
///   `neq` is always its negation;
/// - `lt`, `lteq`, `gt`, `gteq`: exactly one value each side, of date-times and dates, numbers, or durations that
///   need no reference date to be ordered; strings, IRIs and booleans have no order;
/// - `isA`: one value each side, names or IRIs: equal, or `is_a(left, right)` (the caller's taxonomy, e.g.
///   `traffic-modelling` is a `mobility-research`);
/// - `hasPart` and `isAllOf`: the left set contains every right value; `isPartOf`: every left value is in the
///   right set; `isAnyOf`: the sets share a value; `isNoneOf`: they share none (the exact complement of
///   `isAnyOf`). Membership is typed equality.
///
/// Every pair of values that the operator compares must be comparable, else the answer is [`Incomparable`].
///
/// ```
/// use ldt_policy::model::{Literal, Operator};
/// use ldt_policy::operand::{coerce, holds, right_value, Value};
///
/// let taxonomy = |narrow: &str, broad: &str| narrow == "traffic-modelling" && broad == "mobility-research";
///
/// // `dateTime lt "2025-06-30T00:00:00Z"^^xsd:dateTime`, with the request time given as text.
/// let deadline = Literal::Typed { value: "2025-06-30T00:00:00Z".into(), datatype: "xsd:dateTime".into() };
/// let right = [right_value(&deadline, None).unwrap()];
/// let now = [coerce(&Value::String("2025-01-01T12:00:00+01:00".into()), &right[0]).unwrap()];
/// assert!(holds(Operator::Lt, &now, &right, &taxonomy).unwrap());
///
/// // A purpose narrower than the one permitted.
/// let purpose = [Value::String("traffic-modelling".into())];
/// assert!(holds(Operator::IsA, &purpose, &[Value::String("mobility-research".into())], &taxonomy).unwrap());
///
/// // Roles as sets.
/// let roles = [Value::String("operator".into()), Value::String("researcher".into())];
/// assert!(holds(Operator::IsAnyOf, &roles, &[Value::String("researcher".into())], &taxonomy).unwrap());
/// assert!(!holds(Operator::Eq, &roles, &[Value::String("researcher".into())], &taxonomy).unwrap());
///
/// // Fail closed.
/// let error = holds(Operator::Lt, &[Value::String("research".into())], &[Value::Decimal(5.into())], &taxonomy);
/// assert_eq!(error.unwrap_err().to_string(), "cannot order `research` (a string) against `5` (a number)");
/// ```
pub fn holds(
    operator: Operator,
    left: &[Value],
    right: &[Value],
    is_a: &dyn Fn(&str, &str) -> bool,
) -> Result<bool, Incomparable> {
    match operator {
        Operator::Eq => Ok(Matches::of(left, right)?.sets_equal()),
        Operator::Neq => Ok(!Matches::of(left, right)?.sets_equal()),
        Operator::Lt => ordered(operator, left, right).map(Ordering::is_lt),
        Operator::Lteq => ordered(operator, left, right).map(Ordering::is_le),
        Operator::Gt => ordered(operator, left, right).map(Ordering::is_gt),
        Operator::Gteq => ordered(operator, left, right).map(Ordering::is_ge),
        Operator::IsA => {
            let (narrow, broad) = single(operator, left, right)?;
            match (narrow.text(), broad.text()) {
                (Some(narrow), Some(broad)) => Ok(narrow == broad || is_a(narrow, broad)),
                _ => {
                    let odd = if narrow.text().is_none() { narrow } else { broad };
                    Err(Incomparable::new(format!("`isA` applies to names and IRIs, not to `{odd}` ({})", odd.kind())))
                }
            }
        }
        Operator::HasPart | Operator::IsAllOf => Ok(Matches::of(left, right)?.left_has_every_right()),
        Operator::IsPartOf => Ok(Matches::of(left, right)?.right_has_every_left()),
        Operator::IsAnyOf => Ok(Matches::of(left, right)?.any()),
        Operator::IsNoneOf => Ok(!Matches::of(left, right)?.any()),
    }
}

/// Which left value equals which right value: `equal[i][j]` for `left[i]` and `right[j]`.
struct Matches {
    equal: Vec<Vec<bool>>,
    right_len: usize,
}

impl Matches {
    /// Compares every left value with every right value; the first pair that cannot be compared is the error.
    fn of(left: &[Value], right: &[Value]) -> Result<Matches, Incomparable> {
        let equal = left
            .iter()
            .map(|l| right.iter().map(|r| equal(l, r)).collect::<Result<Vec<bool>, Incomparable>>())
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Matches { equal, right_len: right.len() })
    }

    fn right_has_every_left(&self) -> bool {
        self.equal.iter().all(|row| row.iter().any(|&e| e))
    }

    fn left_has_every_right(&self) -> bool {
        (0..self.right_len).all(|j| self.equal.iter().any(|row| row[j]))
    }

    fn sets_equal(&self) -> bool {
        self.right_has_every_left() && self.left_has_every_right()
    }

    fn any(&self) -> bool {
        self.equal.iter().flatten().any(|&e| e)
    }
}

/// The one left and one right value of an operator that takes exactly one each side.
fn single<'a>(
    operator: Operator,
    left: &'a [Value],
    right: &'a [Value],
) -> Result<(&'a Value, &'a Value), Incomparable> {
    match (left, right) {
        ([left], [right]) => Ok((left, right)),
        _ => Err(Incomparable::new(format!(
            "`{operator}` compares exactly one value with one value, not {} with {}",
            left.len(),
            right.len()
        ))),
    }
}

/// How the one left value is ordered against the one right value.
fn ordered(operator: Operator, left: &[Value], right: &[Value]) -> Result<Ordering, Incomparable> {
    let (left, right) = single(operator, left, right)?;
    order(left, right)
}

/// Typed equality of two values.
fn equal(a: &Value, b: &Value) -> Result<bool, Incomparable> {
    if let Some(ordering) = temporal_order(a, b) {
        return Ok(ordering.is_eq());
    }
    match (a, b) {
        (Value::Duration(x), Value::Duration(y)) => Ok(x == y),
        (Value::Decimal(x), Value::Decimal(y)) => Ok(x == y),
        (Value::String(x) | Value::Iri(x), Value::String(y) | Value::Iri(y)) => Ok(x == y),
        (Value::Bool(x), Value::Bool(y)) => Ok(x == y),
        _ => Err(Incomparable::new(format!("cannot compare `{a}` ({}) with `{b}` ({})", a.kind(), b.kind()))),
    }
}

/// How `a` is ordered against `b`.
fn order(a: &Value, b: &Value) -> Result<Ordering, Incomparable> {
    if let Some(ordering) = temporal_order(a, b) {
        return Ok(ordering);
    }
    let cannot =
        |why: &str| Incomparable::new(format!("cannot order `{a}` ({}) against `{b}` ({}){why}", a.kind(), b.kind()));
    match (a, b) {
        (Value::Decimal(x), Value::Decimal(y)) => Ok(x.cmp(y)),
        (Value::Duration(x), Value::Duration(y)) => x.partial_cmp(y).ok_or_else(|| {
            cannot(": one counts months and the other days or seconds, so their order depends on a reference date")
        }),
        (Value::String(_) | Value::Iri(_), Value::String(_) | Value::Iri(_)) | (Value::Bool(_), Value::Bool(_)) => {
            Err(cannot(": only date-times, dates, numbers and durations have an order"))
        }
        _ => Err(cannot("")),
    }
}

/// The order of two date-times or dates, a date being its whole day in UTC; `None` unless both are one of these.
fn temporal_order(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::DateTime(x), Value::DateTime(y)) => Some(x.cmp(y)),
        (Value::Date(x), Value::Date(y)) => Some(x.cmp(y)),
        (Value::DateTime(at), Value::Date(day)) => Some(instant_against_day(at.to_utc(), *day)),
        (Value::Date(day), Value::DateTime(at)) => Some(instant_against_day(at.to_utc(), *day).reverse()),
        _ => None,
    }
}

/// `Less` if `at` is before `day` begins (UTC), `Equal` if it falls on it, `Greater` if at or after its end.
fn instant_against_day(at: DateTime<Utc>, day: NaiveDate) -> Ordering {
    if at < day.and_time(NaiveTime::MIN).and_utc() {
        return Ordering::Less;
    }
    match day.succ_opt() {
        Some(next) if at >= next.and_time(NaiveTime::MIN).and_utc() => Ordering::Greater,
        _ => Ordering::Equal,
    }
}

impl fmt::Display for Value {
    /// The value as people write it: `2025-01-01T00:00:00Z`, `2025-01-01`, `P30D`, `12.5`, `marketing`, `true`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::DateTime(at) => {
                write_date(f, at.date_naive())?;
                write!(f, "T{}", at.format("%H:%M:%S"))?;
                let nanos = at.nanosecond();
                if nanos > 0 {
                    let fraction = format!("{nanos:09}");
                    write!(f, ".{}", fraction.trim_end_matches('0'))?;
                }
                let offset = at.offset().local_minus_utc();
                if offset == 0 {
                    f.write_str("Z")
                } else {
                    let sign = if offset < 0 { '-' } else { '+' };
                    let minutes = offset.unsigned_abs() / 60;
                    write!(f, "{sign}{:02}:{:02}", minutes / 60, minutes % 60)
                }
            }
            Value::Date(day) => write_date(f, *day),
            Value::Duration(duration) => duration.fmt(f),
            Value::Decimal(number) => number.fmt(f),
            Value::String(text) | Value::Iri(text) => f.write_str(text),
            Value::Bool(flag) => flag.fmt(f),
        }
    }
}

/// Writes `day` as an XML Schema date: `2025-01-01`, `-0044-03-15`, `12025-01-01`.
fn write_date(f: &mut fmt::Formatter<'_>, day: NaiveDate) -> fmt::Result {
    use chrono::Datelike;
    let year = day.year();
    let sign = if year < 0 { "-" } else { "" };
    write!(f, "{sign}{:04}-{:02}-{:02}", year.unsigned_abs(), day.month(), day.day())
}

// ---------------------------------------------------------------------------------------------------------------
// Datatypes and their lexical forms.

/// The white space XML Schema collapses around non-string values.
const XSD_SPACE: [char; 4] = [' ', '\t', '\n', '\r'];

/// What a datatype's values become.
#[derive(Clone, Copy)]
enum Datatype {
    DateTime { stamp: bool },
    Date,
    Duration(DurationParts),
    Decimal,
    Double,
    Integer { min: Option<i128>, max: Option<i128> },
    String,
    Boolean,
    AnyUri,
}

/// Which parts a duration datatype allows.
#[derive(Clone, Copy)]
enum DurationParts {
    Any,
    DayTime,
    YearMonth,
}

/// An integer datatype with its range.
const fn integer(min: Option<i128>, max: Option<i128>) -> Datatype {
    Datatype::Integer { min, max }
}

/// The XML Schema datatypes the engine reads, by local name.
const DATATYPES: &[(&str, Datatype)] = &[
    ("dateTime", Datatype::DateTime { stamp: false }),
    ("dateTimeStamp", Datatype::DateTime { stamp: true }),
    ("date", Datatype::Date),
    ("duration", Datatype::Duration(DurationParts::Any)),
    ("dayTimeDuration", Datatype::Duration(DurationParts::DayTime)),
    ("yearMonthDuration", Datatype::Duration(DurationParts::YearMonth)),
    ("decimal", Datatype::Decimal),
    ("double", Datatype::Double),
    ("float", Datatype::Double),
    ("integer", integer(None, None)),
    ("nonNegativeInteger", integer(Some(0), None)),
    ("positiveInteger", integer(Some(1), None)),
    ("nonPositiveInteger", integer(None, Some(0))),
    ("negativeInteger", integer(None, Some(-1))),
    ("long", integer(Some(i64::MIN as i128), Some(i64::MAX as i128))),
    ("int", integer(Some(i32::MIN as i128), Some(i32::MAX as i128))),
    ("short", integer(Some(i16::MIN as i128), Some(i16::MAX as i128))),
    ("byte", integer(Some(i8::MIN as i128), Some(i8::MAX as i128))),
    ("unsignedLong", integer(Some(0), Some(u64::MAX as i128))),
    ("unsignedInt", integer(Some(0), Some(u32::MAX as i128))),
    ("unsignedShort", integer(Some(0), Some(u16::MAX as i128))),
    ("unsignedByte", integer(Some(0), Some(u8::MAX as i128))),
    ("string", Datatype::String),
    ("normalizedString", Datatype::String),
    ("token", Datatype::String),
    ("boolean", Datatype::Boolean),
    ("anyURI", Datatype::AnyUri),
];

/// What is wrong with a lexical form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flaw {
    /// Not a lexical form of the datatype.
    Invalid,
    /// A lexical form of the datatype that the engine cannot hold exactly.
    Unsupported(&'static str),
}

impl Flaw {
    fn into_error(self, value: &str, datatype: &str) -> TypeError {
        let (value, datatype) = (value.to_owned(), datatype.to_owned());
        match self {
            Flaw::Invalid => TypeError::Invalid { value, datatype },
            Flaw::Unsupported(reason) => TypeError::Unsupported { value, datatype, reason },
        }
    }
}

const TOO_PRECISE: Flaw = Flaw::Unsupported("it has more digits than a 96-bit decimal holds (28 or 29)");
const FINER_THAN_NANOSECONDS: Flaw = Flaw::Unsupported("its seconds are finer than nanoseconds");

/// Splits `text` after its leading ASCII digits.
fn digits(text: &str) -> (&str, &str) {
    text.split_at(text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len()))
}

/// Exactly `count` digits at the start of `text`, as a number, and the rest.
fn fixed_digits(text: &str, count: usize) -> Result<(u32, &str), Flaw> {
    let (number, rest) = digits(text);
    if number.len() != count {
        return Err(Flaw::Invalid);
    }
    Ok((number.parse().map_err(|_| Flaw::Invalid)?, rest))
}

/// The date at the start of `text` (`-?YYYY-MM-DD`, the year of four digits or more without a leading zero), and
/// the rest.
fn date_prefix(text: &str) -> Result<(NaiveDate, &str), Flaw> {
    let (negative, text) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (year, text) = digits(text);
    if year.len() < 4 || year.len() > 4 && year.starts_with('0') {
        return Err(Flaw::Invalid);
    }
    let year: i32 = year.parse().map_err(|_| Flaw::Unsupported("its year is out of range"))?;
    if negative && year == 0 {
        return Err(Flaw::Invalid);
    }
    let year = if negative { -year } else { year };
    let (month, text) = fixed_digits(text.strip_prefix('-').ok_or(Flaw::Invalid)?, 2)?;
    let (day, text) = fixed_digits(text.strip_prefix('-').ok_or(Flaw::Invalid)?, 2)?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return Err(Flaw::Invalid);
    }
    match NaiveDate::from_ymd_opt(year, month, day) {
        Some(date) => Ok((date, text)),
        // A 30 February is no date; a year beyond chrono's range is one it cannot hold.
        None if NaiveDate::from_ymd_opt(2000, month, day).is_none() => Err(Flaw::Invalid),
        None if year.abs() > 200_000 => Err(Flaw::Unsupported("its year is out of range")),
        None => Err(Flaw::Invalid),
    }
}

/// A time zone (`Z`, `+hh:mm`, `-hh:mm`, up to 14 hours) filling all of `text`; `None` for an empty `text`.
fn time_zone(text: &str) -> Result<Option<FixedOffset>, Flaw> {
    if text.is_empty() {
        return Ok(None);
    }
    if text == "Z" {
        return Ok(FixedOffset::east_opt(0));
    }
    let (sign, text) = match text.split_at_checked(1) {
        Some(("+", rest)) => (1, rest),
        Some(("-", rest)) => (-1, rest),
        _ => return Err(Flaw::Invalid),
    };
    let (hours, text) = fixed_digits(text, 2)?;
    let (minutes, text) = fixed_digits(text.strip_prefix(':').ok_or(Flaw::Invalid)?, 2)?;
    if !text.is_empty() || minutes > 59 || hours > 14 || hours == 14 && minutes > 0 {
        return Err(Flaw::Invalid);
    }
    let seconds = i32::try_from(hours * 3600 + minutes * 60).map_err(|_| Flaw::Invalid)?;
    Ok(FixedOffset::east_opt(sign * seconds))
}

/// An `xsd:dateTime` (a missing time zone taken as UTC), and whether it had a time zone.
fn parse_date_time(text: &str) -> Result<(DateTime<FixedOffset>, bool), Flaw> {
    let (mut date, text) = date_prefix(text)?;
    let text = text.strip_prefix('T').ok_or(Flaw::Invalid)?;
    let (hour, text) = fixed_digits(text, 2)?;
    let (minute, text) = fixed_digits(text.strip_prefix(':').ok_or(Flaw::Invalid)?, 2)?;
    let (second, text) = fixed_digits(text.strip_prefix(':').ok_or(Flaw::Invalid)?, 2)?;
    let (fraction, text) = match text.strip_prefix('.') {
        Some(rest) => {
            let (fraction, rest) = digits(rest);
            if fraction.is_empty() {
                return Err(Flaw::Invalid);
            }
            (fraction, rest)
        }
        None => ("", text),
    };
    let zone = time_zone(text)?;
    let (nanos, finer) = fraction.split_at(fraction.len().min(MAX_SECOND_DIGITS as usize));
    let nanos: u32 = format!("{nanos:0<9}").parse().map_err(|_| Flaw::Invalid)?;
    if minute > 59 || second > 59 || hour > 24 || hour == 24 && (minute > 0 || second > 0 || nanos > 0) {
        return Err(Flaw::Invalid);
    }
    if finer.bytes().any(|digit| digit != b'0') {
        return Err(FINER_THAN_NANOSECONDS);
    }
    let hour = if hour == 24 {
        // 24:00:00 is the first instant of the next day.
        date = date.succ_opt().ok_or(Flaw::Unsupported("its year is out of range"))?;
        0
    } else {
        hour
    };
    let local = date.and_hms_nano_opt(hour, minute, second, nanos).ok_or(Flaw::Invalid)?;
    let offset = zone.or(FixedOffset::east_opt(0)).ok_or(Flaw::Invalid)?;
    let at = offset.from_local_datetime(&local).single().ok_or(Flaw::Unsupported("it is out of range"))?;
    Ok((at, zone.is_some()))
}

/// An `xsd:date` without a time zone or in UTC.
fn parse_date(text: &str) -> Result<NaiveDate, Flaw> {
    let (date, rest) = date_prefix(text)?;
    match time_zone(rest)? {
        Some(offset) if offset.local_minus_utc() != 0 => {
            Err(Flaw::Unsupported("only dates without a time zone or in UTC (`Z`) are supported"))
        }
        _ => Ok(date),
    }
}

/// Which parts a duration was written with.
#[derive(Debug, Clone, Copy, Default)]
struct WrittenParts {
    /// Years or months.
    year_month: bool,
    /// Days, hours, minutes or seconds.
    day_time: bool,
}

/// An `xsd:duration`: `-?P(nY)?(nM)?(nD)?(T(nH)?(nM)?(n(.n)?S)?)?` with at least one part, and at least one
/// after a `T`.
fn parse_duration(text: &str) -> Result<(Duration, WrittenParts), Flaw> {
    const TOO_LONG: Flaw = Flaw::Unsupported("it is too long to count");
    let (negative, text) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let mut text = text.strip_prefix('P').ok_or(Flaw::Invalid)?;
    let (mut months, mut days, mut seconds) = (0_i64, 0_i64, Decimal::ZERO);
    let mut parts = WrittenParts::default();
    // The designators still allowed, in order: a part may only follow the parts before it.
    let mut date_designators = "YMD";
    while !text.is_empty() && !text.starts_with('T') {
        let (number, rest) = digits(text);
        let designator = rest.chars().next().ok_or(Flaw::Invalid)?;
        let position = date_designators.find(designator).ok_or(Flaw::Invalid)?;
        if number.is_empty() {
            return Err(Flaw::Invalid);
        }
        let number: i64 = number.parse().map_err(|_| TOO_LONG)?;
        match designator {
            'Y' => months = number.checked_mul(12).and_then(|m| m.checked_add(months)).ok_or(TOO_LONG)?,
            'M' => months = months.checked_add(number).ok_or(TOO_LONG)?,
            _ => days = number,
        }
        if designator == 'D' {
            parts.day_time = true;
        } else {
            parts.year_month = true;
        }
        date_designators = &date_designators[position + 1..];
        text = &rest[1..];
    }
    if let Some(time) = text.strip_prefix('T') {
        text = time;
        if text.is_empty() {
            return Err(Flaw::Invalid);
        }
        let mut time_designators = "HMS";
        while !text.is_empty() {
            let (whole, rest) = digits(text);
            let (fraction, rest) = match rest.strip_prefix('.') {
                Some(after) => {
                    let (fraction, after) = digits(after);
                    if fraction.is_empty() {
                        return Err(Flaw::Invalid);
                    }
                    (Some(fraction), after)
                }
                None => (None, rest),
            };
            let designator = rest.chars().next().ok_or(Flaw::Invalid)?;
            let position = time_designators.find(designator).ok_or(Flaw::Invalid)?;
            if whole.is_empty() || fraction.is_some() && designator != 'S' {
                return Err(Flaw::Invalid);
            }
            let amount = match fraction {
                Some(fraction) => {
                    let (kept, finer) = fraction.split_at(fraction.len().min(MAX_SECOND_DIGITS as usize));
                    if finer.bytes().any(|digit| digit != b'0') {
                        return Err(FINER_THAN_NANOSECONDS);
                    }
                    parse_number(&format!("{whole}.{kept}"), Numeral::Decimal).map_err(|_| TOO_LONG)?
                }
                None => parse_number(whole, Numeral::Integer).map_err(|_| TOO_LONG)?,
            };
            let unit = match designator {
                'H' => 3600,
                'M' => 60,
                _ => 1,
            };
            let amount = amount.checked_mul(Decimal::from(unit)).ok_or(TOO_LONG)?;
            seconds = seconds.checked_add(amount).ok_or(TOO_LONG)?;
            parts.day_time = true;
            time_designators = &time_designators[position + 1..];
            text = &rest[1..];
        }
    } else if !parts.year_month && !parts.day_time {
        return Err(Flaw::Invalid);
    }
    let duration =
        if negative { Duration::new(-months, -days, -seconds) } else { Duration::new(months, days, seconds) };
    Ok((duration.ok_or(TOO_LONG)?, parts))
}

/// Which numerals a number datatype allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Numeral {
    /// `[+-]?[0-9]+`.
    Integer,
    /// `[+-]?([0-9]+(.[0-9]*)?|.[0-9]+)`.
    Decimal,
    /// A decimal with an optional exponent (`1.5E-3`); `INF`, `-INF` and `NaN` are refused as unsupported.
    Double,
}

/// A number written as `numeral` allows, exactly.
fn parse_number(text: &str, numeral: Numeral) -> Result<Decimal, Flaw> {
    if numeral == Numeral::Double && matches!(text, "INF" | "+INF" | "-INF" | "NaN") {
        return Err(Flaw::Unsupported("infinities and NaN are not numbers it can compare"));
    }
    let (negative, text) = match text.split_at_checked(1) {
        Some(("-", rest)) => (true, rest),
        Some(("+", rest)) => (false, rest),
        _ => (false, text),
    };
    let (whole, text) = digits(text);
    let (fraction, text) = match text.strip_prefix('.') {
        Some(rest) if numeral != Numeral::Integer => digits(rest),
        Some(_) => return Err(Flaw::Invalid),
        None => ("", text),
    };
    if whole.is_empty() && fraction.is_empty() {
        return Err(Flaw::Invalid);
    }
    let exponent: i64 = match text.strip_prefix(['e', 'E']) {
        None if text.is_empty() => 0,
        Some(exponent) if numeral == Numeral::Double => {
            let unsigned = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
            if unsigned.is_empty() || !unsigned.bytes().all(|b| b.is_ascii_digit()) {
                return Err(Flaw::Invalid);
            }
            exponent.strip_prefix('+').unwrap_or(exponent).parse().map_err(|_| TOO_PRECISE)?
        }
        _ => return Err(Flaw::Invalid),
    };
    // Trailing zeros beyond what a decimal's scale holds change nothing; dropping them keeps more numbers exact.
    let fraction = if fraction.len() > Decimal::MAX_SCALE as usize { fraction.trim_end_matches('0') } else { fraction };
    // The digits as one integer, and the power of ten it is divided by.
    let significant = format!("{whole}{fraction}");
    let significant = significant.trim_start_matches('0');
    let mut mantissa: i128 = if significant.is_empty() { 0 } else { significant.parse().map_err(|_| TOO_PRECISE)? };
    let mut scale =
        i64::try_from(fraction.len()).ok().and_then(|digits| digits.checked_sub(exponent)).ok_or(TOO_PRECISE)?;
    while scale < 0 {
        mantissa = mantissa.checked_mul(10).ok_or(TOO_PRECISE)?;
        scale += 1;
    }
    while scale > i64::from(Decimal::MAX_SCALE) && mantissa % 10 == 0 {
        mantissa /= 10;
        scale -= 1;
    }
    let scale = u32::try_from(scale).map_err(|_| TOO_PRECISE)?;
    let number = Decimal::try_from_i128_with_scale(mantissa, scale).map_err(|_| TOO_PRECISE)?;
    // Zero keeps its scale (`0.00`), never a sign.
    Ok(if negative && !number.is_zero() { -number } else { number })
}

/// An `xsd:boolean`: `true`, `false`, `1` or `0`.
fn parse_boolean(text: &str) -> Result<bool, Flaw> {
    match text {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        _ => Err(Flaw::Invalid),
    }
}

#[cfg(test)]
mod tests {
    use std::slice;

    use super::*;

    fn typed(value: &str, datatype: &str) -> Result<Value, TypeError> {
        right_value(&Literal::Typed { value: value.into(), datatype: datatype.into() }, None)
    }

    fn ok(value: &str, datatype: &str) -> Value {
        typed(value, datatype).unwrap_or_else(|error| panic!("{error}"))
    }

    fn bad(value: &str, datatype: &str) -> String {
        match typed(value, datatype) {
            Ok(read) => panic!("`{value}` read as {datatype} {read:?}"),
            Err(error) => error.to_string(),
        }
    }

    fn at(text: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(text).unwrap()
    }

    fn date_time(text: &str) -> Value {
        Value::DateTime(at(text))
    }

    fn date(text: &str) -> Value {
        Value::Date(text.parse().unwrap())
    }

    fn duration(text: &str) -> Duration {
        text.parse().unwrap_or_else(|error| panic!("{error}"))
    }

    fn number(text: &str) -> Value {
        Value::Decimal(text.parse().unwrap())
    }

    fn string(text: &str) -> Value {
        Value::String(text.into())
    }

    fn iri(text: &str) -> Value {
        Value::Iri(text.into())
    }

    fn no_taxonomy(_: &str, _: &str) -> bool {
        false
    }

    fn check(operator: Operator, left: &[Value], right: &[Value]) -> Result<bool, Incomparable> {
        holds(operator, left, right, &no_taxonomy)
    }

    fn yes(operator: Operator, left: &[Value], right: &[Value]) -> bool {
        check(operator, left, right).unwrap_or_else(|error| panic!("{operator}: {error}"))
    }

    fn incomparable(operator: Operator, left: &[Value], right: &[Value]) -> String {
        match check(operator, left, right) {
            Ok(answer) => panic!("{operator} answered {answer}"),
            Err(error) => error.to_string(),
        }
    }

    // ---- datatypes

    #[test]
    fn date_times_parse() {
        assert_eq!(ok("2025-01-01T00:00:00Z", "xsd:dateTime"), date_time("2025-01-01T00:00:00Z"));
        assert_eq!(ok("2025-01-01T01:30:00+01:30", "xsd:dateTime"), date_time("2025-01-01T01:30:00+01:30"));
        assert_eq!(ok("2025-01-01T00:00:00", "xsd:dateTime"), date_time("2025-01-01T00:00:00Z"));
        assert_eq!(ok(" 2025-01-01T00:00:00.25-05:00\n", "xsd:dateTime"), date_time("2025-01-01T00:00:00.25-05:00"));
        assert_eq!(ok("2024-12-31T24:00:00Z", "xsd:dateTime"), date_time("2025-01-01T00:00:00Z"));
        assert_eq!(
            ok("2025-01-01T00:00:00.123456789000Z", "xsd:dateTime"),
            date_time("2025-01-01T00:00:00.123456789Z")
        );
        assert_eq!(
            ok("2025-01-01T00:00:00Z", "http://www.w3.org/2001/XMLSchema#dateTime"),
            date_time("2025-01-01T00:00:00Z")
        );
        assert_eq!(ok("2025-01-01T00:00:00+14:00", "xsd:dateTimeStamp"), date_time("2025-01-01T00:00:00+14:00"));
        for text in [
            "2023-13-01T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "2023-01-01",
            "2023-01-01 00:00:00Z",
            "2023-01-01t00:00:00Z",
            "2023-01-01T00:00Z",
            "2023-01-01T25:00:00Z",
            "2023-01-01T24:00:01Z",
            "2023-01-01T12:60:00Z",
            "2023-01-01T12:00:60Z",
            "2023-01-01T12:00:00.Z",
            "2023-01-01T12:00:00+15:00",
            "2023-01-01T12:00:00+0100",
            "2023-01-01T12:00:00z",
            "23-01-01T12:00:00Z",
            "02023-01-01T12:00:00Z",
            "",
        ] {
            assert_eq!(bad(text, "xsd:dateTime"), format!("`{text}` is not an xsd:dateTime"));
        }
        assert_eq!(
            bad("2025-01-01T00:00:00", "xsd:dateTimeStamp"),
            "`2025-01-01T00:00:00` is not an xsd:dateTimeStamp"
        );
        assert_eq!(
            bad("2025-01-01T00:00:00.0000000001Z", "xsd:dateTime"),
            "`2025-01-01T00:00:00.0000000001Z` is an xsd:dateTime this engine cannot use: its seconds are finer \
             than nanoseconds"
        );
    }

    #[test]
    fn dates_parse() {
        assert_eq!(ok("2025-06-30", "xsd:date"), date("2025-06-30"));
        assert_eq!(ok("2025-06-30Z", "xsd:date"), date("2025-06-30"));
        assert_eq!(ok("2024-02-29", "xsd:date"), date("2024-02-29"));
        assert_eq!(ok("-0044-03-15", "xsd:date"), Value::Date(NaiveDate::from_ymd_opt(-44, 3, 15).unwrap()));
        assert_eq!(ok("12025-01-01", "xsd:date"), Value::Date(NaiveDate::from_ymd_opt(12025, 1, 1).unwrap()));
        for text in
            ["2023-13-01", "2023-02-29", "2023-1-01", "2023-01-1", "2023/01/01", "-0000-01-01", "2023-01-01T00:00:00Z"]
        {
            assert_eq!(bad(text, "xsd:date"), format!("`{text}` is not an xsd:date"));
        }
        assert!(bad("2025-06-30+02:00", "xsd:date").contains("only dates without a time zone or in UTC"));
    }

    #[test]
    fn durations_parse() {
        let full = duration("P1Y2M3DT4H5M6.5S");
        assert_eq!((full.months(), full.days(), full.seconds()), (14, 3, "14706.5".parse().unwrap()));
        let negative = duration("-P1DT1S");
        assert_eq!((negative.months(), negative.days(), negative.seconds()), (0, -1, Decimal::from(-1)));
        assert!(negative.is_negative());
        assert_eq!(ok("PT36H", "xsd:duration"), Value::Duration(Duration::new(0, 0, Decimal::from(129_600)).unwrap()));
        assert_eq!(ok("P30D", "xsd:dayTimeDuration"), Value::Duration(Duration::new(0, 30, Decimal::ZERO).unwrap()));
        assert_eq!(ok("P1Y", "xsd:yearMonthDuration"), Value::Duration(Duration::new(12, 0, Decimal::ZERO).unwrap()));
        assert!(!duration("-P0D").is_negative());
        for text in [
            "P", "PT", "-P", "P1DT", "1D", "P1H", "PT1D", "P1.5D", "PT1.5H", "PT1.S", "PT.5S", "P1M2Y", "P1D1D",
            "PT1S2M", "P-1D", "P1Y T1H", "p1d", "P1DT1H1", "",
        ] {
            assert_eq!(bad(text, "xsd:duration"), format!("`{text}` is not an xsd:duration"));
        }
        assert_eq!(bad("P1Y", "xsd:dayTimeDuration"), "`P1Y` is not an xsd:dayTimeDuration");
        assert_eq!(bad("P1YT1S", "xsd:yearMonthDuration"), "`P1YT1S` is not an xsd:yearMonthDuration");
        assert!(bad("P99999999999999999999Y", "xsd:duration").contains("too long"));
        assert!(bad("PT0.0000000001S", "xsd:duration").contains("finer than nanoseconds"));
        assert_eq!(duration("PT0.5000000000S").seconds(), "0.5".parse().unwrap());
    }

    #[test]
    fn durations_display_canonically() {
        for (written, shown) in [
            ("P30D", "P30D"),
            ("PT36H", "PT36H"),
            ("P18M", "P1Y6M"),
            ("P1Y", "P1Y"),
            ("-P1D", "-P1D"),
            ("P0D", "PT0S"),
            ("-PT1.50S", "-PT1.5S"),
            ("PT90M", "PT1H30M"),
            ("P1Y2M3DT4H5M6.5S", "P1Y2M3DT4H5M6.5S"),
            ("PT3600.25S", "PT1H0.25S"),
        ] {
            assert_eq!(duration(written).to_string(), shown, "{written}");
            assert_eq!(duration(shown), duration(written));
        }
    }

    #[test]
    fn durations_add_by_the_calendar() {
        let add = |d: &str, to: &str| duration(d).add_to(at(to)).unwrap().to_rfc3339();
        assert_eq!(add("P1M", "2025-01-31T10:00:00Z"), "2025-02-28T10:00:00+00:00");
        assert_eq!(add("P1M", "2024-01-31T10:00:00Z"), "2024-02-29T10:00:00+00:00");
        assert_eq!(add("P1Y", "2024-02-29T00:00:00+02:00"), "2025-02-28T00:00:00+02:00");
        assert_eq!(add("PT36H", "2025-01-01T00:00:00Z"), "2025-01-02T12:00:00+00:00");
        assert_eq!(add("P1DT0.5S", "2025-01-01T00:00:00Z"), "2025-01-02T00:00:00.500+00:00");
        assert_eq!(add("-P1M", "2025-03-31T00:00:00Z"), "2025-02-28T00:00:00+00:00");
        assert_eq!(add("-PT1.5S", "2025-01-01T00:00:00Z"), "2024-12-31T23:59:58.500+00:00");
        assert_eq!(add("P1M1D", "2025-01-31T00:00:00Z"), "2025-03-01T00:00:00+00:00");
        assert_eq!(add("P1M", "2025-01-31T23:30:00-05:00"), "2025-02-28T23:30:00-05:00");
        assert!(duration("P99999999Y").add_to(at("2025-01-01T00:00:00Z")).is_none());
    }

    #[test]
    fn durations_compare_without_a_reference_date_only() {
        assert_eq!(duration("P1D"), duration("PT24H"));
        assert_ne!(duration("P1M"), duration("P30D"));
        assert_eq!(duration("P1Y"), duration("P12M"));
        assert!(duration("P1Y") > duration("P11M"));
        assert!(duration("PT1H") < duration("P1D"));
        assert!(duration("-P1D") < duration("PT0S"));
        assert_eq!(duration("P1M").partial_cmp(&duration("P30D")), None);
        assert_eq!(duration("P0D").partial_cmp(&duration("P1M")), Some(Ordering::Less));
        assert!(Duration::new(1, -1, Decimal::ZERO).is_none());
        assert!(Duration::new(0, 0, "0.0000000001".parse().unwrap()).is_none());
    }

    #[test]
    fn numbers_parse() {
        assert_eq!(ok("12.5", "xsd:decimal"), number("12.5"));
        assert_eq!(ok("-.5", "xsd:decimal"), number("-0.5"));
        assert_eq!(ok("+1.", "xsd:decimal"), number("1"));
        assert_eq!(ok(" 007 ", "xsd:decimal"), number("7"));
        assert_eq!(ok("1E3", "xsd:double"), number("1000"));
        assert_eq!(ok("1.5e-2", "xsd:float"), number("0.015"));
        assert_eq!(ok("-0", "xsd:integer"), number("0"));
        assert_eq!(ok("42", "xsd:int"), number("42"));
        assert_eq!(ok("2147483647", "xsd:int"), number("2147483647"));
        assert_eq!(ok("18446744073709551615", "xsd:unsignedLong"), number("18446744073709551615"));
        assert_eq!(ok("0", "xsd:nonNegativeInteger"), number("0"));
        assert_eq!(ok("1.000000000000000000000000000000000", "xsd:decimal"), number("1"));
        assert_eq!(ok("0.00", "xsd:decimal").to_string(), "0.00");
        assert_eq!(ok("-0.0", "xsd:decimal").to_string(), "0.0");
        assert_eq!(ok("-0.0", "xsd:decimal"), number("0"));
        for (text, datatype) in [
            ("1e3", "xsd:decimal"),
            ("1_000", "xsd:decimal"),
            ("", "xsd:decimal"),
            (".", "xsd:decimal"),
            ("1.2.3", "xsd:decimal"),
            ("0x10", "xsd:decimal"),
            ("1e", "xsd:double"),
            ("e3", "xsd:double"),
            ("inf", "xsd:double"),
            ("4.2", "xsd:integer"),
            ("2147483648", "xsd:int"),
            ("-1", "xsd:nonNegativeInteger"),
            ("0", "xsd:positiveInteger"),
            ("0", "xsd:negativeInteger"),
            ("1", "xsd:nonPositiveInteger"),
            ("256", "xsd:unsignedByte"),
            ("-129", "xsd:byte"),
            ("32768", "xsd:short"),
            ("9223372036854775808", "xsd:long"),
        ] {
            assert_eq!(bad(text, datatype), format!("`{text}` is not an {datatype}"));
        }
        assert_eq!(
            bad("INF", "xsd:double"),
            "`INF` is an xsd:double this engine cannot use: infinities and NaN are not numbers it can compare"
        );
        assert!(bad("NaN", "xsd:float").contains("infinities and NaN"));
        assert!(bad("123456789012345678901234567890", "xsd:decimal").contains("96-bit"));
        assert!(bad("1e400", "xsd:double").contains("96-bit"));
        assert!(bad("0.00000000000000000000000000001", "xsd:decimal").contains("96-bit"));
    }

    #[test]
    fn strings_booleans_and_iris_parse() {
        assert_eq!(ok(" spaced ", "xsd:string"), string(" spaced "));
        assert_eq!(ok("a b", "xsd:token"), string("a b"));
        assert_eq!(ok("true", "xsd:boolean"), Value::Bool(true));
        assert_eq!(ok("0", "xsd:boolean"), Value::Bool(false));
        assert_eq!(bad("yes", "xsd:boolean"), "`yes` is not an xsd:boolean");
        assert_eq!(bad("True", "xsd:boolean"), "`True` is not an xsd:boolean");
        assert_eq!(ok("https://example.org/x", "xsd:anyURI"), iri("https://example.org/x"));
        assert_eq!(
            bad("x", "https://example.org/myType"),
            "`x` has the datatype `https://example.org/myType`, which this engine does not know"
        );
        assert!(matches!(typed("1", "decimal"), Err(TypeError::UnknownDatatype { .. })));
    }

    #[test]
    fn plain_literals_and_the_constraint_data_type() {
        let json = |value: serde_json::Value| match value {
            serde_json::Value::Number(number) => Literal::Number(number),
            _ => unreachable!(),
        };
        assert_eq!(right_value(&Literal::String("marketing".into()), None).unwrap(), string("marketing"));
        assert_eq!(right_value(&json(serde_json::json!(5)), None).unwrap(), number("5"));
        assert_eq!(right_value(&json(serde_json::json!(12.5)), None).unwrap(), number("12.5"));
        assert_eq!(right_value(&json(serde_json::json!(-3)), None).unwrap(), number("-3"));
        assert_eq!(right_value(&Literal::Bool(true), None).unwrap(), Value::Bool(true));
        assert_eq!(right_value(&Literal::Iri("urn:x".into()), None).unwrap(), iri("urn:x"));
        assert_eq!(right_value(&Literal::String("2025-06-30".into()), Some("xsd:date")).unwrap(), date("2025-06-30"));
        assert_eq!(right_value(&json(serde_json::json!(5)), Some("xsd:string")).unwrap(), string("5"));
        assert_eq!(right_value(&Literal::Iri("urn:x".into()), Some("xsd:string")).unwrap(), string("urn:x"));
        assert_eq!(
            right_value(&Literal::String("P30D".into()), Some(&format!("{XSD}duration"))).unwrap(),
            Value::Duration(duration("P30D"))
        );
        let typed_date = Literal::Typed { value: "2025-06-30".into(), datatype: "xsd:date".into() };
        assert_eq!(
            right_value(&typed_date, Some("xsd:dateTime")).unwrap_err().to_string(),
            "`2025-06-30` is not an xsd:dateTime"
        );
        assert_eq!(
            right_value(&Literal::Bool(true), Some("xsd:integer")).unwrap_err().to_string(),
            "`true` is not an xsd:integer"
        );
    }

    #[test]
    fn values_display_as_written() {
        assert_eq!(date_time("2025-01-01T00:00:00Z").to_string(), "2025-01-01T00:00:00Z");
        assert_eq!(date_time("2025-01-01T00:00:00+00:00").to_string(), "2025-01-01T00:00:00Z");
        assert_eq!(date_time("2025-01-01T08:15:00.250-05:30").to_string(), "2025-01-01T08:15:00.25-05:30");
        assert_eq!(date("2025-06-30").to_string(), "2025-06-30");
        assert_eq!(Value::Date(NaiveDate::from_ymd_opt(-44, 3, 15).unwrap()).to_string(), "-0044-03-15");
        assert_eq!(Value::Duration(duration("P30D")).to_string(), "P30D");
        assert_eq!(number("12.5").to_string(), "12.5");
        assert_eq!(ok("1E3", "xsd:double").to_string(), "1000");
        assert_eq!(string("marketing").to_string(), "marketing");
        assert_eq!(iri("urn:x").to_string(), "urn:x");
        assert_eq!(Value::Bool(false).to_string(), "false");
        for (text, datatype) in [
            ("2025-01-01T08:15:00.25-05:30", "xsd:dateTime"),
            ("0001-01-01", "xsd:date"),
            ("-P1Y2M3DT4H5M6.5S", "xsd:duration"),
            ("-12.50", "xsd:decimal"),
        ] {
            assert_eq!(ok(text, datatype).to_string(), text);
        }
    }

    // ---- coercion

    #[test]
    fn left_strings_take_the_right_type() {
        let like_date_time = date_time("2025-01-01T00:00:00Z");
        assert_eq!(coerce(&string("2025-01-01T00:00:00Z"), &like_date_time), Some(date_time("2025-01-01T00:00:00Z")));
        assert_eq!(coerce(&string("2025-01-01"), &like_date_time), Some(date("2025-01-01")));
        assert_eq!(
            coerce(&string("2025-01-01T10:00:00Z"), &date("2025-01-01")),
            Some(date_time("2025-01-01T10:00:00Z"))
        );
        assert_eq!(coerce(&string(" 42 "), &number("5")), Some(number("42")));
        assert_eq!(coerce(&string("4.2e1"), &number("5")), Some(number("42")));
        assert_eq!(coerce(&string("P1D"), &Value::Duration(duration("PT1H"))), Some(Value::Duration(duration("P1D"))));
        assert_eq!(coerce(&string("true"), &Value::Bool(false)), Some(Value::Bool(true)));
        assert_eq!(coerce(&string("urn:x"), &iri("urn:y")), Some(iri("urn:x")));
        assert_eq!(coerce(&iri("urn:x"), &string("y")), Some(string("urn:x")));
        assert_eq!(coerce(&number("1"), &number("2")), Some(number("1")));
        assert_eq!(coerce(&date("2025-01-01"), &like_date_time), Some(date("2025-01-01")));
        assert_eq!(coerce(&string("soon"), &like_date_time), None);
        assert_eq!(coerce(&string("42"), &like_date_time), None);
        assert_eq!(coerce(&number("42"), &string("42")), None);
        assert_eq!(coerce(&iri("42"), &number("42")), None);
        assert_eq!(coerce(&Value::Bool(true), &number("1")), None);
    }

    // ---- operators

    #[test]
    fn eq_and_neq_are_typed() {
        use Operator::{Eq, Neq};
        assert!(yes(Eq, &[date_time("2025-01-01T01:00:00+01:00")], &[date_time("2025-01-01T00:00:00Z")]));
        assert!(!yes(Neq, &[date_time("2025-01-01T01:00:00+01:00")], &[date_time("2025-01-01T00:00:00Z")]));
        assert!(yes(Eq, &[number("1.0")], &[number("1")]));
        assert!(yes(Neq, &[number("1.5")], &[number("1")]));
        assert!(yes(Eq, &[string("urn:x")], &[iri("urn:x")]));
        assert!(yes(Eq, &[string("marketing")], &[string("marketing")]));
        assert!(!yes(Eq, &[string("Marketing")], &[string("marketing")]));
        assert!(yes(Eq, &[Value::Bool(true)], &[Value::Bool(true)]));
        assert!(yes(Eq, &[Value::Duration(duration("P1D"))], &[Value::Duration(duration("PT24H"))]));
        assert!(yes(Neq, &[Value::Duration(duration("P1M"))], &[Value::Duration(duration("P30D"))]));
        assert!(yes(Eq, &[date_time("2025-06-30T23:59:59Z")], &[date("2025-06-30")]));
        assert!(yes(Eq, &[date("2025-06-30")], &[date_time("2025-06-30T00:00:00Z")]));
        assert!(!yes(Eq, &[date_time("2025-07-01T00:00:00Z")], &[date("2025-06-30")]));
        assert!(!yes(Eq, &[date_time("2025-06-30T23:00:00-02:00")], &[date("2025-06-30")]));
    }

    #[test]
    fn eq_on_several_values_is_set_equality() {
        use Operator::{Eq, Neq};
        let roles = [string("operator"), string("researcher")];
        assert!(yes(Eq, &roles, &[string("researcher"), string("operator")]));
        assert!(yes(Eq, &roles, &[string("researcher"), string("operator"), string("researcher")]));
        assert!(!yes(Eq, &roles, &[string("researcher")]));
        assert!(yes(Neq, &roles, &[string("researcher")]));
        assert!(!yes(Eq, &[string("researcher")], &roles));
        assert!(yes(Eq, &[], &[]));
        assert!(!yes(Eq, &[], &[string("researcher")]));
    }

    #[test]
    fn orderings() {
        use Operator::{Gt, Gteq, Lt, Lteq};
        let (early, late) = (date_time("2025-01-01T00:00:00Z"), date_time("2025-01-01T01:30:00+01:00"));
        let table = [
            (&early, &late, [true, true, false, false]),
            (&late, &early, [false, false, true, true]),
            (&early, &early, [false, true, false, true]),
        ];
        for (left, right, expected) in table {
            for (operator, expected) in [Lt, Lteq, Gt, Gteq].into_iter().zip(expected) {
                assert_eq!(
                    yes(operator, slice::from_ref(left), slice::from_ref(right)),
                    expected,
                    "{left} {operator} {right}"
                );
            }
        }
        assert!(yes(Lt, &[number("9.99")], &[number("10")]));
        assert!(yes(Lteq, &[number("10.0")], &[number("10")]));
        assert!(yes(Gt, &[number("-1")], &[number("-2")]));
        assert!(yes(Gteq, &[number("0")], &[number("0")]));
        assert!(yes(Lt, &[date("2025-06-29")], &[date("2025-06-30")]));
        assert!(yes(Lt, &[Value::Duration(duration("PT23H"))], &[Value::Duration(duration("P1D"))]));
        assert!(yes(Gteq, &[Value::Duration(duration("P1Y"))], &[Value::Duration(duration("P12M"))]));
        assert!(yes(Gt, &[Value::Duration(duration("PT0S"))], &[Value::Duration(duration("-P1M"))]));
    }

    #[test]
    fn a_date_is_its_whole_day() {
        use Operator::{Gt, Gteq, Lt, Lteq};
        let day = date("2025-06-30");
        let cases = [
            ("2025-06-29T23:59:59.999Z", [true, true, false, false]),
            ("2025-06-30T00:00:00Z", [false, true, false, true]),
            ("2025-06-30T23:59:59Z", [false, true, false, true]),
            ("2025-06-30T20:00:00-05:00", [false, false, true, true]),
            ("2025-07-01T00:00:00Z", [false, false, true, true]),
        ];
        for (instant, expected) in cases {
            for (operator, expected) in [Lt, Lteq, Gt, Gteq].into_iter().zip(expected) {
                assert_eq!(
                    yes(operator, &[date_time(instant)], slice::from_ref(&day)),
                    expected,
                    "{instant} {operator}"
                );
                // And the mirror: `day gt instant` exactly when `instant lt day`.
                let mirror = match operator {
                    Lt => Gt,
                    Lteq => Gteq,
                    Gt => Lt,
                    _ => Lteq,
                };
                assert_eq!(
                    yes(mirror, slice::from_ref(&day), &[date_time(instant)]),
                    expected,
                    "mirror {instant} {operator}"
                );
            }
        }
    }

    #[test]
    fn is_a_uses_the_taxonomy() {
        let taxonomy = |narrow: &str, broad: &str| narrow == "traffic-modelling" && broad == "mobility-research";
        let is_a = |left: Value, right: Value| holds(Operator::IsA, &[left], &[right], &taxonomy);
        assert!(is_a(string("traffic-modelling"), string("mobility-research")).unwrap());
        assert!(is_a(string("mobility-research"), string("mobility-research")).unwrap());
        assert!(is_a(iri("urn:p"), string("urn:p")).unwrap());
        assert!(!is_a(string("mobility-research"), string("traffic-modelling")).unwrap());
        assert!(!is_a(string("marketing"), string("mobility-research")).unwrap());
        assert_eq!(
            is_a(number("5"), string("x")).unwrap_err().to_string(),
            "`isA` applies to names and IRIs, not to `5` (a number)"
        );
        assert_eq!(
            holds(Operator::IsA, &[string("a"), string("b")], &[string("c")], &taxonomy).unwrap_err().to_string(),
            "`isA` compares exactly one value with one value, not 2 with 1"
        );
    }

    #[test]
    fn set_operators() {
        use Operator::{HasPart, IsAllOf, IsAnyOf, IsNoneOf, IsPartOf};
        let (a, b, c) = (string("a"), string("b"), iri("c"));
        let table = [
            // left, right, [hasPart, isPartOf, isAllOf, isAnyOf, isNoneOf]
            (vec![a.clone(), b.clone()], vec![a.clone()], [true, false, true, true, false]),
            (vec![a.clone()], vec![a.clone(), b.clone()], [false, true, false, true, false]),
            (vec![a.clone(), b.clone()], vec![b.clone(), a.clone()], [true, true, true, true, false]),
            (vec![a.clone()], vec![b.clone(), c.clone()], [false, false, false, false, true]),
            (vec![a.clone(), string("c")], vec![c.clone()], [true, false, true, true, false]),
            (vec![], vec![a.clone()], [false, true, false, false, true]),
        ];
        for (left, right, expected) in table {
            for (operator, expected) in [HasPart, IsPartOf, IsAllOf, IsAnyOf, IsNoneOf].into_iter().zip(expected) {
                assert_eq!(yes(operator, &left, &right), expected, "{left:?} {operator} {right:?}");
            }
        }
        assert!(yes(IsAnyOf, &[number("1.0")], &[number("2"), number("1")]));
        assert!(yes(IsPartOf, &[date_time("2025-06-30T12:00:00Z")], &[date("2025-06-30")]));
    }

    #[test]
    fn incomparable_values_fail_closed() {
        use Operator::*;
        assert_eq!(
            incomparable(Lt, &[string("research")], &[number("5")]),
            "cannot order `research` (a string) against `5` (a number)"
        );
        assert_eq!(
            incomparable(Lt, &[string("a")], &[string("b")]),
            "cannot order `a` (a string) against `b` (a string): only date-times, dates, numbers and durations \
             have an order"
        );
        assert!(incomparable(Gteq, &[iri("urn:a")], &[iri("urn:b")]).contains("have an order"));
        assert!(incomparable(Lt, &[Value::Bool(false)], &[Value::Bool(true)]).contains("have an order"));
        assert_eq!(
            incomparable(Eq, &[date("2025-01-01")], &[number("5")]),
            "cannot compare `2025-01-01` (a date) with `5` (a number)"
        );
        assert_eq!(
            incomparable(Lt, &[Value::Duration(duration("P1M"))], &[Value::Duration(duration("P30D"))]),
            "cannot order `P1M` (a duration) against `P30D` (a duration): one counts months and the other days or \
             seconds, so their order depends on a reference date"
        );
        assert!(
            incomparable(Lt, &[Value::Duration(duration("P1D"))], &[date("2025-01-01")]).starts_with("cannot order")
        );
        assert_eq!(
            incomparable(Lt, &[number("1"), number("2")], &[number("3")]),
            "`lt` compares exactly one value with one value, not 2 with 1"
        );
        assert!(incomparable(Gt, &[], &[number("3")]).contains("not 0 with 1"));
        for operator in [Eq, Neq, HasPart, IsPartOf, IsAllOf, IsAnyOf, IsNoneOf] {
            // A mixed set fails closed even though one pair matches.
            let error = incomparable(operator, &[string("a"), number("1")], &[string("a")]);
            assert_eq!(error, "cannot compare `1` (a number) with `a` (a string)", "{operator}");
            assert!(check(operator, &[Value::Bool(true)], &[string("true")]).is_err());
        }
        assert_eq!(Incomparable::new("outside").reason(), "outside");
    }
}
