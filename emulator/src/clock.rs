//! Time: the injectable clock and the calendar helpers the service needs.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use mktows_runtime::DateTime;
pub use mktows_runtime::sign::{Clock, SystemClock};

/// A clock that only moves when told to; share one between the emulator and a client (both
/// take any [`Clock`]) to test time windows without waiting.
///
/// Cloning shares the time. Precision is one nanosecond.
#[derive(Clone, Debug)]
pub struct ManualClock {
    nanos: Arc<AtomicI64>,
}

impl ManualClock {
    /// A clock showing `start`.
    pub fn new(start: SystemTime) -> Self {
        ManualClock {
            nanos: Arc::new(AtomicI64::new(to_nanos(start))),
        }
    }

    /// A clock showing the current system time (and then standing still).
    pub fn starting_now() -> Self {
        Self::new(SystemTime::now())
    }

    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: Duration) {
        let delta = i64::try_from(by.as_nanos()).unwrap_or(i64::MAX);
        self.nanos.fetch_add(delta, Ordering::SeqCst);
    }

    /// Sets the clock to `to` (which may be earlier than now).
    pub fn set(&self, to: SystemTime) {
        self.nanos.store(to_nanos(to), Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> SystemTime {
        let n = self.nanos.load(Ordering::SeqCst);
        if n >= 0 {
            UNIX_EPOCH + Duration::from_nanos(n.unsigned_abs())
        } else {
            UNIX_EPOCH - Duration::from_nanos(n.unsigned_abs())
        }
    }
}

fn to_nanos(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_nanos()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_nanos()).unwrap_or(i64::MAX),
    }
}

/// Whole seconds since the epoch (floored).
pub(crate) fn unix_seconds(t: SystemTime) -> i64 {
    to_nanos(t).div_euclid(1_000_000_000)
}

/// Milliseconds since the epoch (floored), for the rate window.
pub(crate) fn unix_millis(t: SystemTime) -> i64 {
    to_nanos(t).div_euclid(1_000_000)
}

/// The daily quota and the clone quota reset at midnight US Central standard time
/// ("12:00AM CST" in the documentation), i.e. at 06:00 UTC; daylight saving is ignored so the
/// day boundary never moves.
const QUOTA_DAY_OFFSET_SECONDS: i64 = -6 * 3600;

/// The quota day a second belongs to (days since the epoch in UTC-06:00).
pub(crate) fn quota_day(unix: i64) -> i64 {
    (unix + QUOTA_DAY_OFFSET_SECONDS).div_euclid(86_400)
}

/// A dateTime for `unix` written with the instance's offset.
pub(crate) fn datetime(unix: i64, offset_minutes: i32) -> DateTime {
    DateTime::from_unix(unix, offset_minutes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_moves_only_when_told() {
        let c = ManualClock::new(UNIX_EPOCH + Duration::from_secs(100));
        assert_eq!(unix_seconds(c.now()), 100);
        c.advance(Duration::from_millis(1500));
        assert_eq!(unix_millis(c.now()), 101_500);
        c.set(UNIX_EPOCH - Duration::from_secs(1));
        assert_eq!(unix_seconds(c.now()), -1);
    }

    #[test]
    fn quota_day_turns_at_six_utc() {
        // 2026-01-02T05:59:59Z is still Jan 1st in Central time; 06:00:00Z is Jan 2nd.
        let before = 1_767_333_599;
        assert_eq!(quota_day(before) + 1, quota_day(before + 1));
    }
}
