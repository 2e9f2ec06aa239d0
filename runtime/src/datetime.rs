//! `xs:dateTime` that keeps its lexical form.
//!
//! Marketo sends and expects dateTimes with explicit offsets (`2013-08-03T21:39:34-07:00`) and
//! signs requests with them, so the value must round-trip byte for byte: the offset is kept as
//! written (`Z` vs `+00:00`, or none at all) and so are the fractional-second digits.

use std::fmt;
use std::str::FromStr;

use crate::xml::SimpleType;

/// The zone part of an xs:dateTime, as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TzOffset {
    /// No zone: a local time that is not an instant.
    None,
    /// `Z`.
    Utc,
    /// `±hh:mm`, in minutes east of UTC (`+00:00` is `Offset(0)`, distinct from `Utc`).
    Offset(i32),
}

/// An xs:dateTime value that round-trips byte for byte.
///
/// Equality (`==`, `Hash`) is lexical: `2013-06-09T14:04:54+05:30` and `2013-06-09T08:34:54Z`
/// are different values that denote the same instant; use [`DateTime::same_instant`] to compare
/// instants. Dates use the proleptic Gregorian calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DateTime {
    year: i32,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
    /// Fractional-second digits as an integer (`.050` → 50 with 3 digits).
    frac: u64,
    frac_digits: u8,
    offset: TzOffset,
}

/// Why a string is not an xs:dateTime.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseDateTimeError {
    reason: &'static str,
}

impl fmt::Display for ParseDateTimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid xs:dateTime ({})", self.reason)
    }
}

impl std::error::Error for ParseDateTimeError {}

/// Most fractional digits kept (they are stored in a u64).
const MAX_FRAC_DIGITS: usize = 18;
/// Largest offset xs:dateTime allows, in minutes (±14:00).
const MAX_OFFSET_MINUTES: i32 = 14 * 60;
/// `from_unix` clamps seconds to this magnitude so that the year always fits an i32
/// (about ±35 million years).
const MAX_UNIX_SECONDS: i64 = 1 << 50;

impl DateTime {
    /// A dateTime from its fields, without fractional seconds; `None` if a field is out of range.
    pub fn new(
        year: i32,
        month: u8,
        day: u8,
        hour: u8,
        minute: u8,
        second: u8,
        offset: TzOffset,
    ) -> Option<Self> {
        let dt = DateTime {
            year,
            month,
            day,
            hour,
            minute,
            second,
            frac: 0,
            frac_digits: 0,
            offset,
        };
        dt.validate().ok().map(|()| dt)
    }

    /// The instant `secs` seconds after 1970-01-01T00:00:00Z, written with offset
    /// `offset_minutes` as `±hh:mm` (`+00:00` for 0). Offsets beyond ±14:00 are clamped.
    pub fn from_unix(secs: i64, offset_minutes: i32) -> DateTime {
        let off = offset_minutes.clamp(-MAX_OFFSET_MINUTES, MAX_OFFSET_MINUTES);
        Self::from_local_seconds(
            secs.clamp(-MAX_UNIX_SECONDS, MAX_UNIX_SECONDS) + i64::from(off) * 60,
            TzOffset::Offset(off),
        )
    }

    /// The instant `secs` seconds after 1970-01-01T00:00:00Z, written with `Z`.
    pub fn from_unix_utc_z(secs: i64) -> DateTime {
        Self::from_local_seconds(
            secs.clamp(-MAX_UNIX_SECONDS, MAX_UNIX_SECONDS),
            TzOffset::Utc,
        )
    }

    fn from_local_seconds(local: i64, offset: TzOffset) -> DateTime {
        let days = local.div_euclid(86_400);
        let rem = local.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        // The clamps above keep the year well inside i32; rem < 86400 keeps the time parts small.
        DateTime {
            year: i32::try_from(y).unwrap_or(if y < 0 { i32::MIN } else { i32::MAX }),
            month: narrow(m),
            day: narrow(d),
            hour: narrow(rem / 3600),
            minute: narrow(rem / 60 % 60),
            second: narrow(rem % 60),
            frac: 0,
            frac_digits: 0,
            offset,
        }
    }

    /// Seconds since 1970-01-01T00:00:00Z (fraction dropped); `None` when there is no zone.
    pub fn to_unix_seconds(&self) -> Option<i64> {
        let off = self.offset_minutes()?;
        Some(self.local_seconds() - i64::from(off) * 60)
    }

    /// Minutes east of UTC (`Z` is 0); `None` when there is no zone.
    pub fn offset_minutes(&self) -> Option<i32> {
        match self.offset {
            TzOffset::None => None,
            TzOffset::Utc => Some(0),
            TzOffset::Offset(m) => Some(m),
        }
    }

    /// Whether both denote the same instant (both zoned) or the same local time (both without
    /// zone). A zoned and an unzoned value are never the same instant.
    pub fn same_instant(&self, other: &DateTime) -> bool {
        let a = match (self.to_unix_seconds(), other.to_unix_seconds()) {
            (Some(a), Some(b)) => a == b,
            (None, None) => self.local_seconds() == other.local_seconds(),
            _ => false,
        };
        a && self.nanosecond() == other.nanosecond()
    }

    /// Year (negative before year 1).
    pub fn year(&self) -> i32 {
        self.year
    }
    /// Month, 1..=12.
    pub fn month(&self) -> u8 {
        self.month
    }
    /// Day of month, 1..=31.
    pub fn day(&self) -> u8 {
        self.day
    }
    /// Hour, 0..=23 (24 only in `24:00:00`).
    pub fn hour(&self) -> u8 {
        self.hour
    }
    /// Minute, 0..=59.
    pub fn minute(&self) -> u8 {
        self.minute
    }
    /// Second, 0..=59.
    pub fn second(&self) -> u8 {
        self.second
    }
    /// Number of fractional-second digits as written (0 = no fraction).
    pub fn fraction_digits(&self) -> u8 {
        self.frac_digits
    }
    /// Fractional second in nanoseconds (digits beyond the 9th dropped).
    pub fn nanosecond(&self) -> u32 {
        let d = u32::from(self.frac_digits);
        let n = if d <= 9 {
            self.frac.saturating_mul(10u64.pow(9 - d))
        } else {
            self.frac / 10u64.pow(d - 9)
        };
        u32::try_from(n).unwrap_or(u32::MAX)
    }
    /// The zone as written.
    pub fn offset(&self) -> TzOffset {
        self.offset
    }

    /// Seconds since the epoch of the local date and time, ignoring the zone.
    fn local_seconds(&self) -> i64 {
        days_from_civil(
            i64::from(self.year),
            i64::from(self.month),
            i64::from(self.day),
        ) * 86_400
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second)
    }

    fn validate(&self) -> Result<(), ParseDateTimeError> {
        let err = |reason| Err(ParseDateTimeError { reason });
        if self.year == 0 {
            return err("year 0000 is not allowed");
        }
        if !(1..=12).contains(&self.month) {
            return err("month out of range");
        }
        if self.day < 1 || self.day > days_in_month(self.year, self.month) {
            return err("day out of range");
        }
        if self.hour == 24 {
            if self.minute != 0 || self.second != 0 || self.frac != 0 {
                return err("hour 24 is only allowed as 24:00:00");
            }
        } else if self.hour > 23 {
            return err("hour out of range");
        }
        if self.minute > 59 {
            return err("minute out of range");
        }
        if self.second > 59 {
            return err("second out of range");
        }
        if let TzOffset::Offset(m) = self.offset
            && m.abs() > MAX_OFFSET_MINUTES
        {
            return err("offset beyond ±14:00");
        }
        Ok(())
    }

    /// Appends the lexical form.
    pub fn write_to(&self, out: &mut String) {
        if self.year < 0 {
            out.push('-');
        }
        let y = self.year.unsigned_abs();
        push_padded(out, u64::from(y), 4);
        out.push('-');
        push_padded(out, u64::from(self.month), 2);
        out.push('-');
        push_padded(out, u64::from(self.day), 2);
        out.push('T');
        push_padded(out, u64::from(self.hour), 2);
        out.push(':');
        push_padded(out, u64::from(self.minute), 2);
        out.push(':');
        push_padded(out, u64::from(self.second), 2);
        if self.frac_digits > 0 {
            out.push('.');
            push_padded(out, self.frac, usize::from(self.frac_digits));
        }
        match self.offset {
            TzOffset::None => {}
            TzOffset::Utc => out.push('Z'),
            TzOffset::Offset(m) => {
                out.push(if m < 0 { '-' } else { '+' });
                let m = m.unsigned_abs();
                push_padded(out, u64::from(m / 60), 2);
                out.push(':');
                push_padded(out, u64::from(m % 60), 2);
            }
        }
    }
}

impl fmt::Display for DateTime {
    /// The lexical form, exactly as parsed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::with_capacity(32);
        self.write_to(&mut s);
        f.write_str(&s)
    }
}

impl FromStr for DateTime {
    type Err = ParseDateTimeError;

    /// Parses `[-]YYYY-MM-DDThh:mm:ss[.f+][Z|±hh:mm]`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut p = Cursor {
            b: s.as_bytes(),
            i: 0,
        };
        let neg = p.eat(b'-');
        let (year, ydigits) = p.digits(10);
        if ydigits < 4 {
            return Err(p.err("year needs at least 4 digits"));
        }
        if ydigits > 4 && s.as_bytes().get(usize::from(neg)) == Some(&b'0') {
            return Err(p.err("year has a leading zero"));
        }
        let year = i32::try_from(year).map_err(|_| p.err("year out of range"))?;
        let year = if neg { -year } else { year };
        p.expect(b'-', "expected '-' after year")?;
        let month = p.two("month must be 2 digits")?;
        p.expect(b'-', "expected '-' after month")?;
        let day = p.two("day must be 2 digits")?;
        p.expect(b'T', "expected 'T' between date and time")?;
        let hour = p.two("hour must be 2 digits")?;
        p.expect(b':', "expected ':' after hour")?;
        let minute = p.two("minute must be 2 digits")?;
        p.expect(b':', "expected ':' after minute")?;
        let second = p.two("second must be 2 digits")?;
        let (mut frac, mut frac_digits) = (0, 0);
        if p.eat(b'.') {
            let (v, n) = p.digits(MAX_FRAC_DIGITS + 1);
            if n == 0 {
                return Err(p.err("fraction needs digits after '.'"));
            }
            if n > MAX_FRAC_DIGITS {
                return Err(p.err("more than 18 fractional digits"));
            }
            frac = v;
            frac_digits = u8::try_from(n).unwrap_or(u8::MAX);
        }
        let offset = match p.peek() {
            None => TzOffset::None,
            Some(b'Z') => {
                p.i += 1;
                TzOffset::Utc
            }
            Some(sign @ (b'+' | b'-')) => {
                p.i += 1;
                let hh = p.two("offset must be ±hh:mm")?;
                p.expect(b':', "offset must be ±hh:mm")?;
                let mm = p.two("offset must be ±hh:mm")?;
                if mm > 59 || hh > 14 || (hh == 14 && mm != 0) {
                    return Err(p.err("offset beyond ±14:00"));
                }
                let m = i32::from(hh) * 60 + i32::from(mm);
                TzOffset::Offset(if sign == b'-' { -m } else { m })
            }
            Some(_) => return Err(p.err("offset must be Z or ±hh:mm")),
        };
        if p.peek().is_some() {
            return Err(p.err("unexpected characters after the value"));
        }
        let dt = DateTime {
            year,
            month,
            day,
            hour,
            minute,
            second,
            frac,
            frac_digits,
            offset,
        };
        dt.validate()?;
        Ok(dt)
    }
}

impl SimpleType for DateTime {
    fn parse_text(text: &str) -> Result<Self, String> {
        text.parse().map_err(|e: ParseDateTimeError| e.to_string())
    }
    fn write_text(&self, out: &mut String) {
        self.write_to(out);
    }
}

/// Byte cursor for the parser.
struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }
    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn expect(&mut self, c: u8, reason: &'static str) -> Result<(), ParseDateTimeError> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(self.err(reason))
        }
    }
    /// A run of ASCII digits: value of the first `max` and total count.
    fn digits(&mut self, max: usize) -> (u64, usize) {
        let mut v: u64 = 0;
        let mut n = 0;
        while let Some(d) = self.peek().filter(u8::is_ascii_digit) {
            if n == max {
                // Keep counting so the caller can report "too many"; the value is discarded.
                n += 1;
                self.i += 1;
                continue;
            }
            v = v.saturating_mul(10).saturating_add(u64::from(d - b'0'));
            n += 1;
            self.i += 1;
        }
        (v, n)
    }
    fn two(&mut self, reason: &'static str) -> Result<u8, ParseDateTimeError> {
        match (self.b.get(self.i), self.b.get(self.i + 1)) {
            (Some(a), Some(b)) if a.is_ascii_digit() && b.is_ascii_digit() => {
                self.i += 2;
                Ok((a - b'0') * 10 + (b - b'0'))
            }
            _ => Err(self.err(reason)),
        }
    }
    fn err(&self, reason: &'static str) -> ParseDateTimeError {
        ParseDateTimeError { reason }
    }
}

/// Narrows a value known to be in 0..=255 (calendar and clock fields).
fn narrow(v: i64) -> u8 {
    u8::try_from(v).unwrap_or(0)
}

fn push_padded(out: &mut String, v: u64, width: usize) {
    let mut buf = [b'0'; 20];
    let mut pos = buf.len();
    let mut n = v;
    loop {
        pos -= 1;
        // n % 10 < 10: the cast cannot truncate.
        buf[pos] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let len = buf.len() - pos;
    for _ in len..width {
        out.push('0');
    }
    for &b in buf.get(pos..).unwrap_or_default() {
        out.push(char::from(b));
    }
}

fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i32, m: u8) -> u8 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm: shift the
/// year to start in March so the leap day is last, then count 400-year eras).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Inverse of [`days_from_civil`].
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dt(s: &str) -> DateTime {
        s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    /// Independent reference: counts days year by year and month by month (slow but obviously
    /// right), unlike the era arithmetic under test.
    fn naive_unix(y: i32, mo: u8, d: u8, h: u8, mi: u8, s: u8, off_min: i32) -> i64 {
        let mut days: i64 = 0;
        if y >= 1970 {
            for yy in 1970..y {
                days += if is_leap(yy) { 366 } else { 365 };
            }
        } else {
            for yy in y..1970 {
                days -= if is_leap(yy) { 366 } else { 365 };
            }
        }
        for mm in 1..mo {
            days += i64::from(days_in_month(y, mm));
        }
        days += i64::from(d) - 1;
        days * 86400 + i64::from(h) * 3600 + i64::from(mi) * 60 + i64::from(s)
            - i64::from(off_min) * 60
    }

    #[test]
    fn round_trips_exactly() {
        for s in [
            "2013-08-03T21:39:34-07:00",
            "2013-08-03T21:39:34+00:00",
            "2013-08-03T21:39:34Z",
            "2013-08-03T21:39:34",
            "2013-08-03T21:39:34.5Z",
            "2013-08-03T21:39:34.050+05:30",
            "2013-08-03T21:39:34.000000000000000001-14:00",
            "0001-01-01T00:00:00Z",
            "-0044-03-15T12:00:00Z",
            "12345-01-01T00:00:00Z",
            "2000-02-29T24:00:00Z",
        ] {
            assert_eq!(dt(s).to_string(), s);
        }
        let v = dt("2013-08-03T21:39:34-07:00");
        assert_eq!(
            (
                v.year(),
                v.month(),
                v.day(),
                v.hour(),
                v.minute(),
                v.second()
            ),
            (2013, 8, 3, 21, 39, 34)
        );
        assert_eq!(v.offset(), TzOffset::Offset(-420));
        assert_eq!(v.offset_minutes(), Some(-420));
        assert_eq!(dt("2013-08-03T21:39:34.050Z").nanosecond(), 50_000_000);
        assert_eq!(dt("2013-08-03T21:39:34.050Z").fraction_digits(), 3);
        // Lexical, not instant, equality.
        assert_ne!(dt("2013-08-03T21:39:34Z"), dt("2013-08-03T21:39:34+00:00"));
    }

    #[test]
    fn unix_seconds_match_independent_values() {
        // Constants from `date -u -d <utc> +%s`.
        assert_eq!(
            dt("2013-08-03T21:39:34-07:00").to_unix_seconds(),
            Some(1_375_591_174)
        );
        assert_eq!(
            dt("2015-09-04T16:07:16-05:00").to_unix_seconds(),
            Some(1_441_400_836)
        );
        assert_eq!(
            dt("2017-01-05T23:58:07+09:00").to_unix_seconds(),
            Some(1_483_628_287)
        );
        assert_eq!(
            dt("2017-01-05T23:58:07-08:00").to_unix_seconds(),
            Some(1_483_689_487)
        );
        assert_eq!(dt("1969-12-31T23:59:59Z").to_unix_seconds(), Some(-1));
        assert_eq!(
            dt("2000-02-29T12:00:00Z").to_unix_seconds(),
            Some(951_825_600)
        );
        assert_eq!(
            dt("1600-03-01T00:00:00Z").to_unix_seconds(),
            Some(-11_670_912_000)
        );
        // And against the day-counting reference.
        assert_eq!(
            dt("2015-09-04T16:07:16-05:00").to_unix_seconds(),
            Some(naive_unix(2015, 9, 4, 21, 7, 16, 0))
        );
        assert_eq!(
            dt("2017-01-05T23:58:07-08:00").to_unix_seconds(),
            Some(naive_unix(2017, 1, 6, 7, 58, 7, 0))
        );
        assert_eq!(
            dt("2017-01-05T23:58:07+09:00").to_unix_seconds(),
            Some(naive_unix(2017, 1, 5, 14, 58, 7, 0))
        );
        assert_eq!(
            dt("2000-02-29T24:00:00Z").to_unix_seconds(),
            Some(naive_unix(2000, 3, 1, 0, 0, 0, 0))
        );
    }

    #[test]
    fn same_instant_across_offsets() {
        let a = dt("2013-06-09T14:04:54+05:30");
        let b = dt("2013-06-09T08:34:54Z");
        assert!(a.same_instant(&b));
        assert_ne!(a, b);
        assert_eq!(a.to_unix_seconds(), Some(1_370_766_894));
        assert!(!a.same_instant(&dt("2013-06-09T08:34:55Z")));
        let local = dt("2013-06-09T08:34:54");
        assert_eq!(local.to_unix_seconds(), None);
        assert_eq!(local.offset_minutes(), None);
        assert!(!local.same_instant(&b));
        assert!(local.same_instant(&dt("2013-06-09T08:34:54")));
    }

    #[test]
    fn from_unix_formats() {
        assert_eq!(
            DateTime::from_unix(1_375_591_174, -420).to_string(),
            "2013-08-03T21:39:34-07:00"
        );
        assert_eq!(
            DateTime::from_unix(1_370_766_894, 330).to_string(),
            "2013-06-09T14:04:54+05:30"
        );
        assert_eq!(
            DateTime::from_unix(0, 0).to_string(),
            "1970-01-01T00:00:00+00:00"
        );
        assert_eq!(
            DateTime::from_unix_utc_z(-1).to_string(),
            "1969-12-31T23:59:59Z"
        );
        assert_eq!(
            DateTime::from_unix(-11_670_912_000, 0).to_string(),
            "1600-03-01T00:00:00+00:00"
        );
        // Extreme inputs are clamped, never panic.
        let _ = DateTime::from_unix(i64::MAX, i32::MAX).to_string();
        let _ = DateTime::from_unix_utc_z(i64::MIN).to_string();
        for secs in [-86_401i64, 0, 1, 951_825_600, 4_102_444_800] {
            for off in [-720, -1, 0, 59, 345, 840] {
                let v = DateTime::from_unix(secs, off);
                assert_eq!(v.to_unix_seconds(), Some(secs));
                assert_eq!(v.to_string().parse::<DateTime>().unwrap(), v);
            }
        }
    }

    #[test]
    fn rejects_non_xsd_forms() {
        for s in [
            "2013-06-09T14:04:54 IST",
            "2013-06-09T14:04:54IST",
            "2013-06-09T14:04:54+0530",
            "2013-06-09 14:04:54 +0530",
            "2013-06-09T14:04:54+05",
            "2013-13-09T14:04:54Z",
            "2013-00-09T14:04:54Z",
            "2013-02-29T14:04:54Z",
            "2013-06-31T14:04:54Z",
            "2013-06-09T25:04:54Z",
            "2013-06-09T24:00:01Z",
            "2013-06-09T14:60:54Z",
            "2013-06-09T14:04:60Z",
            "2013-06-09T14:04:54+14:01",
            "2013-06-09T14:04:54+05:60",
            "2013-06-09T14:04:54.Z",
            "2013-06-09T14:04:54Zx",
            "2013-06-09",
            "13-06-09T14:04:54Z",
            "02013-06-09T14:04:54Z",
            "0000-01-01T00:00:00Z",
            "99999999999-01-01T00:00:00Z",
            "",
            "é",
        ] {
            assert!(s.parse::<DateTime>().is_err(), "{s} should be rejected");
        }
        assert_eq!(
            "2013-06-09T14:04:54+0530"
                .parse::<DateTime>()
                .unwrap_err()
                .to_string(),
            "invalid xs:dateTime (offset must be ±hh:mm)"
        );
    }

    #[test]
    fn simple_type_impl() {
        let v = DateTime::parse_text("2013-08-03T21:39:34-07:00").unwrap();
        let mut s = String::new();
        v.write_text(&mut s);
        assert_eq!(s, "2013-08-03T21:39:34-07:00");
        assert_eq!(
            DateTime::parse_text("2013-06-09 14:04:54 +0530"),
            Err("invalid xs:dateTime (expected 'T' between date and time)".to_owned())
        );
        assert_eq!(DateTime::new(2013, 2, 29, 0, 0, 0, TzOffset::Utc), None);
        assert_eq!(
            DateTime::new(2012, 2, 29, 0, 0, 0, TzOffset::Utc).map(|d| d.to_string()),
            Some("2012-02-29T00:00:00Z".to_owned())
        );
    }
}
