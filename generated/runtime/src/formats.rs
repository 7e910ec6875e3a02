//! The string formats of Stripe's v2 API: `date-time` ([`DateTime`]) and `decimal`
//! ([`Decimal`]).
//!
//! Both keep the text exactly as it was sent or given, so a value decoded from Stripe encodes
//! back unchanged: v1 sends times as Unix seconds ([`Timestamp`](super::Timestamp)), v2 as
//! RFC 3339 strings such as `2024-09-30T21:15:00.000Z`, and v2 sends decimals as strings
//! (`"12.50"`) so that no digit is lost to a float.
//!
//! Decoding keeps any string, valid or not: a format Stripe extends (more fraction digits, a
//! new spelling) must not make a whole response fail to decode. The constructors users call
//! ([`DateTime::new`], [`Decimal::new`], `FromStr`) validate; reading a kept text that is not
//! valid ([`DateTime::to_unix`], [`Decimal::to_f64`]) reports it instead.

use std::fmt::{self, Write as _};
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::json::{Decode, DecodeError, Reader};
use super::{Form, JsonWriter, ToForm, ToJson};

/// A date and time as Stripe's v2 API sends it: an RFC 3339 string such as
/// `2024-09-30T21:15:00.000Z`, kept exactly as sent ([`as_str`](Self::as_str), `Display`,
/// `Debug`).
///
/// Read it as a point in time with [`to_system_time`](Self::to_system_time) or
/// [`to_unix`](Self::to_unix); make one for a parameter with [`DateTime::new`] (validated
/// text), [`DateTime::from_unix`] or [`DateTime::from_system_time`] (written in UTC, `Z`).
///
/// Equality and hashing compare the text: `2024-01-01T00:00:00Z` and
/// `2024-01-01T00:00:00.000Z` are the same instant but different values; compare
/// [`to_unix`](Self::to_unix) for instants.
///
/// A decoded value keeps whatever string Stripe sent, valid or not: a format Stripe extends
/// must not make a whole response fail to decode. So reading it can fail where
/// [`DateTime::new`] would have refused it.
///
/// ```
/// use stripe_typed_runtime::DateTime;
///
/// let t = DateTime::new("2024-09-30T21:15:00.5+02:00").unwrap();
/// assert_eq!(t.to_unix().unwrap(), (1_727_723_700, 500_000_000));
/// assert_eq!(DateTime::from_unix(1_727_723_700).unwrap().as_str(), "2024-09-30T19:15:00Z");
/// assert!(DateTime::new("2024-02-30T00:00:00Z").is_err());
/// ```
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DateTime(String);

/// Why a text is not an RFC 3339 date-time, or a time cannot be written as one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DateTimeError {
    reason: &'static str,
}

impl DateTimeError {
    /// What is wrong, such as "the day does not exist in that month".
    pub fn reason(&self) -> &'static str {
        self.reason
    }
}

impl fmt::Display for DateTimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not an RFC 3339 date-time: {}", self.reason)
    }
}

impl std::error::Error for DateTimeError {}

fn invalid(reason: &'static str) -> DateTimeError {
    DateTimeError { reason }
}

/// The earliest and latest Unix seconds written with a four-digit year:
/// `0000-01-01T00:00:00Z` and `9999-12-31T23:59:59Z`.
const MIN_UNIX: i64 = -62_167_219_200;
const MAX_UNIX: i64 = 253_402_300_799;

impl DateTime {
    /// `text` if it is an RFC 3339 date-time (`YYYY-MM-DDTHH:MM:SS`, an optional fraction of
    /// a second, then `Z` or an offset `±HH:MM`; `T` and `Z` in either case), a date that
    /// exists (leap years counted) and a time within the day (a leap second `:60` is
    /// accepted, and read as the first second after it).
    pub fn new(text: impl Into<String>) -> Result<Self, DateTimeError> {
        let text = text.into();
        parse(&text)?;
        Ok(DateTime(text))
    }

    /// The time `secs` seconds after the Unix epoch (before it when negative), written in
    /// UTC as `YYYY-MM-DDTHH:MM:SSZ`; an error beyond the years 0000 to 9999.
    pub fn from_unix(secs: i64) -> Result<Self, DateTimeError> {
        format_unix(secs, 0)
    }

    /// `time` in UTC, with its fraction of a second when it has one (`.5`, `.000001`: the
    /// digits needed, up to nine); an error beyond the years 0000 to 9999.
    pub fn from_system_time(time: SystemTime) -> Result<Self, DateTimeError> {
        let (secs, nanos) = match time.duration_since(UNIX_EPOCH) {
            Ok(after) => (i64::try_from(after.as_secs()).ok(), after.subsec_nanos()),
            Err(e) => {
                let before = e.duration();
                let secs = i64::try_from(before.as_secs()).ok().map(|s| -s);
                match before.subsec_nanos() {
                    0 => (secs, 0),
                    n => (secs.and_then(|s| s.checked_sub(1)), 1_000_000_000 - n),
                }
            }
        };
        match secs {
            Some(secs) => format_unix(secs, nanos),
            None => Err(invalid(
                "the time is beyond the year 9999 or before the year 0000",
            )),
        }
    }

    /// The text, as sent or given.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Seconds since the Unix epoch (negative before it) and nanoseconds within the second
    /// (fraction digits after the ninth are dropped); an error when the text is not an
    /// RFC 3339 date-time.
    pub fn to_unix(&self) -> Result<(i64, u32), DateTimeError> {
        parse(&self.0)
    }

    /// The point in time; an error when the text is not an RFC 3339 date-time or the time
    /// is out of `SystemTime`'s range on this platform.
    pub fn to_system_time(&self) -> Result<SystemTime, DateTimeError> {
        let (secs, nanos) = self.to_unix()?;
        let whole = Duration::from_secs(secs.unsigned_abs());
        let at = if secs >= 0 {
            UNIX_EPOCH.checked_add(whole)
        } else {
            UNIX_EPOCH.checked_sub(whole)
        };
        at.and_then(|at| at.checked_add(Duration::from_nanos(u64::from(nanos))))
            .ok_or_else(|| invalid("the time is out of this platform's SystemTime range"))
    }
}

/// Reads an RFC 3339 date-time as Unix seconds and nanoseconds.
fn parse(text: &str) -> Result<(i64, u32), DateTimeError> {
    let b = text.as_bytes();
    let number = |range: std::ops::Range<usize>| -> Option<i64> {
        let digits = b.get(range)?;
        digits.iter().try_fold(0i64, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + i64::from(d - b'0'))
        })
    };
    let expect = |at: usize, allowed: &[u8]| b.get(at).is_some_and(|c| allowed.contains(c));
    let shape = expect(4, b"-")
        && expect(7, b"-")
        && expect(10, b"Tt")
        && expect(13, b":")
        && expect(16, b":");
    let fields = (
        number(0..4),
        number(5..7),
        number(8..10),
        number(11..13),
        number(14..16),
        number(17..19),
    );
    let (Some(year), Some(month), Some(day), Some(hour), Some(minute), Some(second)) = fields
    else {
        return Err(invalid("expected YYYY-MM-DDTHH:MM:SS"));
    };
    if !shape {
        return Err(invalid("expected YYYY-MM-DDTHH:MM:SS"));
    }
    if !(1..=12).contains(&month) {
        return Err(invalid("the month is not 01 to 12"));
    }
    if day < 1 || day > days_in_month(year, month) {
        return Err(invalid("the day does not exist in that month"));
    }
    if hour > 23 || minute > 59 || second > 60 {
        return Err(invalid("the time is not within a day"));
    }
    let mut at = 19;
    let mut nanos = 0u32;
    if b.get(at) == Some(&b'.') {
        at += 1;
        let digits = b[at..].iter().take_while(|d| d.is_ascii_digit()).count();
        if digits == 0 {
            return Err(invalid("a fraction of a second needs digits after the `.`"));
        }
        for i in 0..9 {
            let digit = if i < digits { b[at + i] - b'0' } else { 0 };
            nanos = nanos * 10 + u32::from(digit);
        }
        at += digits;
    }
    let offset = match b.get(at) {
        Some(b'Z' | b'z') if at + 1 == b.len() => 0,
        Some(&sign @ (b'+' | b'-')) if at + 6 == b.len() && b[at + 3] == b':' => {
            let (Some(hours), Some(minutes)) = (number(at + 1..at + 3), number(at + 4..at + 6))
            else {
                return Err(invalid("expected an offset ±HH:MM"));
            };
            if hours > 23 || minutes > 59 {
                return Err(invalid("the offset is not within a day"));
            }
            let offset = hours * 3600 + minutes * 60;
            if sign == b'-' {
                -offset
            } else {
                offset
            }
        }
        _ => return Err(invalid("expected `Z` or an offset ±HH:MM at the end")),
    };
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset;
    Ok((secs, nanos))
}

fn is_leap_year(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to the date (proleptic Gregorian calendar; Howard Hinnant's
/// `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date `days` after 1970-01-01, as year, month and day (Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction]Z` for Unix seconds and nanoseconds.
fn format_unix(secs: i64, nanos: u32) -> Result<DateTime, DateTimeError> {
    if !(MIN_UNIX..=MAX_UNIX).contains(&secs) || nanos >= 1_000_000_000 {
        return Err(invalid(
            "the time is beyond the year 9999 or before the year 0000",
        ));
    }
    let (year, month, day) = civil_from_days(secs.div_euclid(86_400));
    let in_day = secs.rem_euclid(86_400);
    let mut text = String::with_capacity(30);
    // Writing to a String cannot fail.
    let _ = write!(
        text,
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
        in_day / 3600,
        in_day % 3600 / 60,
        in_day % 60
    );
    if nanos > 0 {
        let fraction = format!("{nanos:09}");
        text.push('.');
        text.push_str(fraction.trim_end_matches('0'));
    }
    text.push('Z');
    Ok(DateTime(text))
}

impl TryFrom<SystemTime> for DateTime {
    type Error = DateTimeError;

    fn try_from(time: SystemTime) -> Result<Self, Self::Error> {
        DateTime::from_system_time(time)
    }
}

/// Validates, as [`DateTime::new`].
impl FromStr for DateTime {
    type Err = DateTimeError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        DateTime::new(text)
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("DateTime").field(&self.0).finish()
    }
}

/// Any JSON string, kept as sent: reading it validates it.
impl Decode for DateTime {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(DateTime(r.string()?))
    }
}

impl ToJson for DateTime {
    fn to_json(&self, w: &mut JsonWriter) {
        w.string(&self.0);
    }
}

/// The text, as a query parameter such as `created[gt]`.
impl ToForm for DateTime {
    fn to_form(&self, key: &str, form: &mut Form) {
        form.push(key, &self.0);
    }
}

/// A decimal number as Stripe's v2 API sends it: a JSON string such as `"12.50"`, kept
/// exactly as sent, so that no digit is lost (a float would read `0.1` as an approximation,
/// and write `12.50` as `12.5`).
///
/// Read it with [`as_str`](Self::as_str) (for a decimal library of your choice) or
/// [`to_f64`](Self::to_f64); make one with [`Decimal::new`] (validated) or from an integer.
/// Equality and hashing compare the text (`"12.5"` and `"12.50"` differ). A decoded value
/// keeps whatever string Stripe sent, as [`DateTime`] does.
///
/// ```
/// use stripe_typed_runtime::Decimal;
///
/// let share = Decimal::new("12.50").unwrap();
/// assert_eq!((share.as_str(), share.to_f64()), ("12.50", Some(12.5)));
/// assert!(Decimal::new("1e3").is_err());
/// ```
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Decimal(String);

/// Why a text is not a decimal number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecimalError {
    reason: &'static str,
}

impl DecimalError {
    /// What is wrong, such as "expected digits after the `.`".
    pub fn reason(&self) -> &'static str {
        self.reason
    }
}

impl fmt::Display for DecimalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not a decimal number: {}", self.reason)
    }
}

impl std::error::Error for DecimalError {}

impl Decimal {
    /// `text` if it is a decimal number: an optional `-`, digits, and optionally a `.` and
    /// more digits (`12`, `-0.5`, `12.50`); no exponent, no `+`, no spaces.
    pub fn new(text: impl Into<String>) -> Result<Self, DecimalError> {
        let text = text.into();
        let (digits, rest) = digit_run(text.strip_prefix('-').unwrap_or(&text));
        let reason = if digits == 0 {
            "expected digits, with an optional `-` before them"
        } else {
            match rest.strip_prefix('.') {
                None if rest.is_empty() => return Ok(Decimal(text)),
                None => "expected only digits and one `.`",
                Some(fraction) => match digit_run(fraction) {
                    (0, _) => "expected digits after the `.`",
                    (_, "") => return Ok(Decimal(text)),
                    _ => "expected only digits after the `.`",
                },
            }
        };
        Err(DecimalError { reason })
    }

    /// The text, as sent or given.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The nearest `f64` (which may not be the same number: `0.1` has no exact `f64`);
    /// `None` when the text is not a number. Besides the form [`Decimal::new`] accepts, a
    /// decoded text with an exponent (`1.5E+3`) is read too.
    pub fn to_f64(&self) -> Option<f64> {
        let text = self.0.strip_prefix('-').unwrap_or(&self.0);
        let (whole, rest) = digit_run(text);
        let (fraction, rest) = match rest.strip_prefix('.') {
            Some(after) => digit_run(after),
            None => (0, rest),
        };
        let exponent_ok = match rest.strip_prefix(['e', 'E']) {
            Some(after) => matches!(
                digit_run(after.strip_prefix(['+', '-']).unwrap_or(after)),
                (1.., "")
            ),
            None => rest.is_empty(),
        };
        // Rust's parser also reads `inf` and `NaN`, which are not decimals.
        if whole + fraction == 0 || !exponent_ok {
            return None;
        }
        self.0.parse().ok()
    }
}

/// How many ASCII digits `text` starts with, and what follows them.
fn digit_run(text: &str) -> (usize, &str) {
    let count = text.bytes().take_while(u8::is_ascii_digit).count();
    (count, &text[count..])
}

/// The integer's digits.
impl From<i64> for Decimal {
    fn from(value: i64) -> Self {
        Decimal(value.to_string())
    }
}

/// Validates, as [`Decimal::new`].
impl FromStr for Decimal {
    type Err = DecimalError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Decimal::new(text)
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Decimal").field(&self.0).finish()
    }
}

/// Any JSON string, kept as sent: reading it validates it.
impl Decode for Decimal {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(Decimal(r.string()?))
    }
}

/// A JSON string, as v2 sends decimals.
impl ToJson for Decimal {
    fn to_json(&self, w: &mut JsonWriter) {
        w.string(&self.0);
    }
}

impl ToForm for Decimal {
    fn to_form(&self, key: &str, form: &mut Form) {
        form.push(key, &self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::from_json;

    #[test]
    fn rfc_3339_texts_read_as_unix_time() {
        for (text, unix) in [
            ("1970-01-01T00:00:00Z", (0, 0)),
            ("2024-09-30T21:15:00.000Z", (1_727_730_900, 0)),
            (
                "2024-09-30t21:15:00.123456789z",
                (1_727_730_900, 123_456_789),
            ),
            (
                "2024-09-30T21:15:00.1234567891234Z",
                (1_727_730_900, 123_456_789),
            ),
            ("2024-09-30T23:15:00.5+02:00", (1_727_730_900, 500_000_000)),
            ("2024-09-30T19:45:00-01:30", (1_727_730_900, 0)),
            ("2024-02-29T00:00:00Z", (1_709_164_800, 0)),
            ("2000-02-29T00:00:00Z", (951_782_400, 0)),
            ("1969-12-31T23:59:59.25Z", (-1, 250_000_000)),
            ("0000-01-01T00:00:00Z", (MIN_UNIX, 0)),
            ("9999-12-31T23:59:59Z", (MAX_UNIX, 0)),
            ("2016-12-31T23:59:60Z", (1_483_228_800, 0)),
        ] {
            let t = DateTime::new(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(t.to_unix(), Ok(unix), "{text}");
            assert_eq!(t.as_str(), text);
            assert_eq!(t.to_string(), text);
            assert_eq!(format!("{t:?}"), format!("DateTime({text:?})"));
        }
    }

    #[test]
    fn invalid_texts_are_refused_without_a_panic() {
        for text in [
            "",
            "2024",
            "2024-09-30",
            "2024-09-30T21:15:00",
            "2024-09-30 21:15:00Z",
            "2024-13-01T00:00:00Z",
            "2024-00-01T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "1900-02-29T00:00:00Z",
            "2024-04-31T00:00:00Z",
            "2024-09-00T00:00:00Z",
            "2024-09-30T24:00:00Z",
            "2024-09-30T23:60:00Z",
            "2024-09-30T23:59:61Z",
            "2024-09-30T21:15:00.Z",
            "2024-09-30T21:15:00+2:00",
            "2024-09-30T21:15:00+24:00",
            "2024-09-30T21:15:00+02:60",
            "2024-09-30T21:15:00+0200",
            "2024-09-30T21:15:00Zx",
            "2024-09-30T21:15:00Z ",
            "+2024-09-30T21:15:00Z",
            "2024-9-30T21:15:00Z",
            "2024-09-30T21:15:0éZ",
            "２０２４-09-30T21:15:00Z",
            "2024-09-30T21:15:00.1é",
        ] {
            assert!(DateTime::new(text).is_err(), "{text:?} accepted");
            assert!(text.parse::<DateTime>().is_err(), "{text:?} accepted");
        }
        let err = DateTime::new("2023-02-29T00:00:00Z").unwrap_err();
        assert_eq!(
            err.to_string(),
            "not an RFC 3339 date-time: the day does not exist in that month"
        );
        // Every cut of a valid text, and stray bytes anywhere: an error or a value, no panic.
        let valid = "2024-09-30T23:15:00.5+02:00";
        for end in 0..valid.len() {
            let _ = DateTime::new(&valid[..end]);
            for (i, byte) in valid.bytes().enumerate() {
                let mut bytes = valid.as_bytes().to_vec();
                bytes[i] = byte.wrapping_add(end as u8);
                if let Ok(text) = String::from_utf8(bytes) {
                    let _ = DateTime::new(text);
                }
            }
        }
    }

    #[test]
    fn unix_times_are_written_in_utc() {
        for (secs, text) in [
            (0, "1970-01-01T00:00:00Z"),
            (1_727_730_900, "2024-09-30T21:15:00Z"),
            (-1, "1969-12-31T23:59:59Z"),
            (951_782_400, "2000-02-29T00:00:00Z"),
            (MIN_UNIX, "0000-01-01T00:00:00Z"),
            (MAX_UNIX, "9999-12-31T23:59:59Z"),
        ] {
            let t = DateTime::from_unix(secs).unwrap();
            assert_eq!(t.as_str(), text);
            assert_eq!(t.to_unix(), Ok((secs, 0)));
        }
        assert!(DateTime::from_unix(MAX_UNIX + 1).is_err());
        assert!(DateTime::from_unix(MIN_UNIX - 1).is_err());
        assert!(DateTime::from_unix(i64::MIN).is_err());
        // A day every 97 from year 0000 to 9999: written and read back.
        for days in (-719_528..2_932_896).step_by(97) {
            let secs = days * 86_400 + 3_723;
            let t = DateTime::from_unix(secs).unwrap();
            assert_eq!(t.to_unix(), Ok((secs, 0)), "{t}");
            assert_eq!(DateTime::new(t.as_str()), Ok(t));
        }
    }

    #[test]
    fn system_times_both_ways() {
        let after = UNIX_EPOCH + Duration::new(1_727_730_900, 500_000_000);
        let t = DateTime::try_from(after).unwrap();
        assert_eq!(t.as_str(), "2024-09-30T21:15:00.5Z");
        assert_eq!(t.to_system_time(), Ok(after));
        let micro = UNIX_EPOCH + Duration::new(1, 1_000);
        assert_eq!(
            DateTime::from_system_time(micro).unwrap().as_str(),
            "1970-01-01T00:00:01.000001Z"
        );
        let before = UNIX_EPOCH - Duration::new(1, 250_000_000);
        let t = DateTime::from_system_time(before).unwrap();
        assert_eq!(t.as_str(), "1969-12-31T23:59:58.75Z");
        assert_eq!(t.to_unix(), Ok((-2, 750_000_000)));
        assert_eq!(t.to_system_time(), Ok(before));
        let far = UNIX_EPOCH + Duration::from_secs(MAX_UNIX as u64 + 1);
        assert!(DateTime::from_system_time(far).is_err());
        let decoded: DateTime = from_json(r#""not a date""#).unwrap();
        assert!(decoded.to_system_time().is_err());
    }

    #[test]
    fn date_times_decode_any_string_and_encode_as_sent() {
        let t: DateTime = from_json(r#""2024-09-30T21:15:00.000Z""#).unwrap();
        assert_eq!(t.as_str(), "2024-09-30T21:15:00.000Z");
        // A format Stripe may extend is kept, not refused.
        let odd: DateTime = from_json(r#""2024-09-30T21:15:00.000000000000Z[UTC]""#).unwrap();
        assert!(odd.to_unix().is_err());
        assert!(from_json::<DateTime>("1727730900").is_err());
        assert_eq!(JsonWriter::encode(&t), r#""2024-09-30T21:15:00.000Z""#);
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            r#""2024-09-30T21:15:00.000Z""#
        );
        let back: DateTime = serde_json::from_str(r#""x""#).unwrap();
        assert_eq!(back.as_str(), "x");
        let mut form = Form::new();
        form.field("created", "gt", &t);
        assert_eq!(form.finish(), "created[gt]=2024-09-30T21%3A15%3A00.000Z");
        assert_ne!(t, DateTime::new("2024-09-30T21:15:00Z").unwrap());
    }

    #[test]
    fn decimals_keep_their_text() {
        for text in [
            "0",
            "12",
            "-0.5",
            "12.50",
            "007.10",
            "123456789012345678901234567890.5",
        ] {
            let d = Decimal::new(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!((d.as_str(), d.to_string()), (text, text.to_owned()));
            assert_eq!(d.to_f64(), text.parse().ok());
            assert_eq!(text.parse::<Decimal>(), Ok(d.clone()));
            assert_eq!(JsonWriter::encode(&d), format!("{text:?}"));
        }
        for text in [
            "", "-", ".5", "5.", "1.2.3", "1e3", "+1", " 1", "1 ", "0x10", "NaN", "inf", "1,5",
            "--1", "1.-2", "１",
        ] {
            assert!(Decimal::new(text).is_err(), "{text:?} accepted");
        }
        assert_eq!(
            Decimal::new("5.").unwrap_err().to_string(),
            "not a decimal number: expected digits after the `.`"
        );
        assert_eq!(Decimal::from(-42).as_str(), "-42");
        assert_eq!(format!("{:?}", Decimal::from(1)), r#"Decimal("1")"#);
    }

    #[test]
    fn decimals_decode_any_string() {
        let d: Decimal = from_json(r#""1.5E+3""#).unwrap();
        assert_eq!((d.as_str(), d.to_f64()), ("1.5E+3", Some(1500.0)));
        for odd in [
            "NaN", "inf", "infinity", "", "1e", "1e+", "-", "abc", "1.5e3x",
        ] {
            let d: Decimal = from_json(&format!("{odd:?}")).unwrap();
            assert_eq!(d.to_f64(), None, "{odd}");
        }
        assert!(from_json::<Decimal>("12.5").is_err());
        let back: Decimal = serde_json::from_str(r#""12.50""#).unwrap();
        assert_eq!(serde_json::to_string(&back).unwrap(), r#""12.50""#);
        let mut form = Form::new();
        form.field("", "percent_ownership", &back);
        assert_eq!(form.finish(), "percent_ownership=12.50");
    }
}
