//! `xsd:dateTime` values in UTC, e.g. `2025-03-01T12:00:00Z`, without a date library.

use std::time::{SystemTime, UNIX_EPOCH};

/// The current time as an `xsd:dateTime` in UTC with a `Z` suffix (whole seconds).
pub fn now() -> String {
    let seconds = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |elapsed| elapsed.as_secs());
    from_unix_seconds(seconds)
}

/// `seconds` after the Unix epoch as an `xsd:dateTime` in UTC, e.g. `1970-01-01T00:00:00Z`.
pub fn from_unix_seconds(seconds: u64) -> String {
    let days = seconds / 86_400;
    let in_day = seconds % 86_400;
    let (year, month, day) = civil_date(days);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", in_day / 3600, in_day % 3600 / 60, in_day % 60)
}

/// The proleptic Gregorian (year, month, day) of `days` after 1970-01-01 (H. Hinnant's
/// `civil_from_days`, for non-negative day counts).
fn civil_date(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let day_of_era = z % 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 { shifted_month + 3 } else { shifted_month - 9 };
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_instants_format_as_xsd_date_times() {
        assert_eq!(from_unix_seconds(0), "1970-01-01T00:00:00Z");
        assert_eq!(from_unix_seconds(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(from_unix_seconds(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(from_unix_seconds(4_102_444_799), "2099-12-31T23:59:59Z");
    }

    #[test]
    fn now_is_after_2024() {
        assert!(now().as_str() > "2024-01-01T00:00:00Z", "{}", now());
        assert!(now().ends_with('Z'));
    }
}
