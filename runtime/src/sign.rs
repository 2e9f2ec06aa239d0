//! Request signing for the mktows `AuthenticationHeader`.
//!
//! Every call carries `mktowsUserId`, `requestTimestamp` and `requestSignature`, where the
//! signature is the lowercase hex HMAC-SHA1 of `requestTimestamp + mktowsUserId` keyed with the
//! instance's encryption key. The server MACs the exact timestamp string it receives, so the
//! string signed here is byte-for-byte the one placed in the header.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

use crate::datetime::DateTime;
use crate::error::Error;

/// A source of the current time, used for `requestTimestamp`.
///
/// Injectable so tests (and programs with their own time source) can produce deterministic
/// timestamps. Any `Fn() -> SystemTime` closure is a `Clock`.
pub trait Clock: Send + Sync + 'static {
    /// The current instant.
    fn now(&self) -> SystemTime;
}

/// The operating system's wall clock ([`SystemTime::now`]); the default.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

impl<F> Clock for F
where
    F: Fn() -> SystemTime + Send + Sync + 'static,
{
    fn now(&self) -> SystemTime {
        self()
    }
}

/// A fixed offset from UTC, written as `±hh:mm` in timestamps.
///
/// Whole minutes only: that is what `xs:dateTime` can express, and it keeps half-hour zones such
/// as `+05:30` exact (truncating them to whole hours claims an instant 30 minutes away).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct UtcOffset {
    minutes: i16,
}

impl UtcOffset {
    /// UTC, written `+00:00`.
    pub const UTC: UtcOffset = UtcOffset { minutes: 0 };

    /// An offset of `minutes` east of UTC; `None` outside ±14:00, the range `xs:dateTime`
    /// allows.
    pub const fn from_minutes(minutes: i32) -> Option<UtcOffset> {
        if minutes >= -(14 * 60) && minutes <= 14 * 60 {
            Some(UtcOffset {
                minutes: minutes as i16,
            })
        } else {
            None
        }
    }

    /// The offset in minutes east of UTC.
    pub const fn minutes(self) -> i32 {
        self.minutes as i32
    }
}

impl fmt::Display for UtcOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.minutes < 0 { '-' } else { '+' };
        let abs = self.minutes.unsigned_abs();
        write!(f, "{sign}{:02}:{:02}", abs / 60, abs % 60)
    }
}

/// The error of parsing a [`UtcOffset`]; its `Display` says what form is expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid UTC offset {0:?}: expected ±hh:mm between -14:00 and +14:00, or Z")]
pub struct ParseOffsetError(String);

impl FromStr for UtcOffset {
    type Err = ParseOffsetError;

    /// Parses `±hh:mm` or `Z`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || ParseOffsetError(s.chars().take(16).collect());
        if s == "Z" {
            return Ok(UtcOffset::UTC);
        }
        let b = s.as_bytes();
        if b.len() != 6 || b[3] != b':' {
            return Err(err());
        }
        let sign = match b[0] {
            b'+' => 1,
            b'-' => -1,
            _ => return Err(err()),
        };
        let two = |i: usize| -> Option<i32> {
            let (h, l) = (b[i], b[i + 1]);
            (h.is_ascii_digit() && l.is_ascii_digit())
                .then(|| i32::from(h - b'0') * 10 + i32::from(l - b'0'))
        };
        let (hh, mm) = (two(1).ok_or_else(err)?, two(4).ok_or_else(err)?);
        if mm > 59 {
            return Err(err());
        }
        UtcOffset::from_minutes(sign * (hh * 60 + mm)).ok_or_else(err)
    }
}

/// Formats `t` as `YYYY-MM-DDThh:mm:ss±hh:mm` in the zone `offset`, at second precision
/// (fractions are truncated, never rounded up into the future).
///
/// Uses [`DateTime`], the same formatter as every `xs:dateTime` request field, so the header and
/// the body never disagree on the form.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use mktows_runtime::sign::{format_timestamp, UtcOffset};
/// let t = UNIX_EPOCH + Duration::from_secs(1_370_766_894); // 2013-06-09T08:34:54Z
/// let ist: UtcOffset = "+05:30".parse().unwrap();
/// assert_eq!(format_timestamp(t, ist), "2013-06-09T14:04:54+05:30");
/// ```
pub fn format_timestamp(t: SystemTime, offset: UtcOffset) -> String {
    // Seconds since the epoch, floored (also for instants before 1970).
    let unix: i64 = match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => {
            let d = e.duration();
            let whole = i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
            if d.subsec_nanos() > 0 {
                -whole - 1
            } else {
                -whole
            }
        }
    };
    DateTime::from_unix(unix, offset.minutes()).to_string()
}

/// Signs requests for one user id with one encryption key.
///
/// The key is consumed into the HMAC state when the signer is built and is never kept as text;
/// `Debug` shows neither it nor the user id.
#[derive(Clone)]
pub struct Signer {
    user_id: Arc<str>,
    mac: Hmac<Sha1>,
}

impl Signer {
    /// A signer for `user_id` (the "User ID"/access key) with the instance's encryption key.
    pub fn new(user_id: &str, encryption_key: &[u8]) -> Result<Signer, Error> {
        // HMAC accepts keys of any length, so this cannot fail today; map it anyway instead of
        // unwrapping so a future hmac release cannot turn it into a panic.
        let mac = <Hmac<Sha1> as KeyInit>::new_from_slice(encryption_key).map_err(|_| {
            Error::config(
                crate::config::ENV_ENCRYPTION_KEY,
                "not usable as an HMAC-SHA1 key",
            )
        })?;
        Ok(Signer {
            user_id: Arc::from(user_id),
            mac,
        })
    }

    /// The user id the signatures are for.
    pub fn user_id(&self) -> &str {
        &self.user_id
    }

    /// `requestSignature` for `timestamp`: 40 lowercase hex characters of
    /// HMAC-SHA1(key, timestamp + user id).
    pub fn sign(&self, timestamp: &str) -> String {
        let mut mac = self.mac.clone();
        mac.update(timestamp.as_bytes());
        mac.update(self.user_id.as_bytes());
        let digest = mac.finalize().into_bytes();
        let mut out = String::with_capacity(digest.len() * 2);
        for b in digest.iter() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0x0f)]));
        }
        out
    }
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("user_id", &crate::config::MaskedId(&self.user_id))
            .field("key", &"<redacted>")
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn at(unix: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(unix)
    }

    #[test]
    fn offsets_parse_and_print() {
        for s in [
            "+05:30", "-08:00", "+00:00", "-00:30", "+14:00", "-14:00", "+12:45",
        ] {
            assert_eq!(s.parse::<UtcOffset>().unwrap().to_string(), s);
        }
        assert_eq!("Z".parse::<UtcOffset>().unwrap(), UtcOffset::UTC);
        assert_eq!("-00:30".parse::<UtcOffset>().unwrap().minutes(), -30);
        for bad in [
            "+5:30",
            "+05:60",
            "+14:01",
            "-15:00",
            "+24:00",
            "05:30",
            "IST",
            "+0530",
            "",
            "+05:3x",
            "+٠٥:٣٠",
        ] {
            assert!(bad.parse::<UtcOffset>().is_err(), "{bad}");
        }
        assert_eq!(UtcOffset::from_minutes(14 * 60 + 1), None);
        assert_eq!(
            UtcOffset::from_minutes(-14 * 60).unwrap().to_string(),
            "-14:00"
        );
    }

    #[test]
    fn timestamps_use_full_offset_and_seconds() {
        // 2013-06-09T08:34:54Z
        let t = at(1_370_766_894);
        let f = |o: &str| format_timestamp(t, o.parse().unwrap());
        assert_eq!(f("+05:30"), "2013-06-09T14:04:54+05:30");
        assert_eq!(f("+00:00"), "2013-06-09T08:34:54+00:00");
        assert_eq!(f("-08:00"), "2013-06-09T00:34:54-08:00");
        // Crossing midnight backwards, and a fraction is truncated.
        assert_eq!(
            format_timestamp(t + Duration::from_millis(999), "-09:00".parse().unwrap()),
            "2013-06-08T23:34:54-09:00"
        );
        // Leap day and year boundaries.
        assert_eq!(
            format_timestamp(at(951_782_400), UtcOffset::UTC),
            "2000-02-29T00:00:00+00:00"
        );
        assert_eq!(
            format_timestamp(at(1_798_761_599), UtcOffset::UTC),
            "2026-12-31T23:59:59+00:00"
        );
        assert_eq!(
            format_timestamp(UNIX_EPOCH, UtcOffset::UTC),
            "1970-01-01T00:00:00+00:00"
        );
        assert_eq!(
            format_timestamp(UNIX_EPOCH - Duration::from_millis(500), UtcOffset::UTC),
            "1969-12-31T23:59:59+00:00"
        );
    }

    #[test]
    fn debug_hides_key_and_signature() {
        let s = Signer::new("demo_user_0001", b"RECOGNISABLE-KEY-0123").unwrap();
        let d = format!("{s:?}");
        assert!(!d.contains("RECOGNISABLE"), "{d}");
        assert!(!d.contains("demo_user_0001"), "{d}");
        let sig = s.sign("2013-08-03T21:39:34-07:00");
        assert_eq!(sig.len(), 40);
    }
}
