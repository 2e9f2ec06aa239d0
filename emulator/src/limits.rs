//! Server-side enforcement of the daily quota (20015), the rolling rate window (20023) and the
//! concurrency cap (20024).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use crate::clock::{quota_day, unix_millis, unix_seconds};
use crate::config::ServiceLimits;
use crate::faults::{ServiceError, codes};
use crate::inject::lock;

#[derive(Debug)]
pub(crate) struct Throttle {
    state: Arc<Mutex<State>>,
}

#[derive(Debug)]
struct State {
    limits: ServiceLimits,
    /// Admission times (ms since the epoch) inside the current rate window, oldest first.
    starts: VecDeque<i64>,
    day: i64,
    day_calls: u64,
    in_flight: usize,
}

/// Held while an admitted call is processed; dropping it (also when the connection goes away
/// mid-request) frees the concurrency slot.
#[derive(Debug)]
pub(crate) struct InFlight {
    state: Arc<Mutex<State>>,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        let mut s = lock(&self.state);
        s.in_flight = s.in_flight.saturating_sub(1);
    }
}

impl Throttle {
    pub(crate) fn new(limits: ServiceLimits) -> Self {
        Throttle {
            state: Arc::new(Mutex::new(State {
                limits,
                starts: VecDeque::new(),
                day: i64::MIN,
                day_calls: 0,
                in_flight: 0,
            })),
        }
    }

    pub(crate) fn limits(&self) -> ServiceLimits {
        lock(&self.state).limits.clone()
    }

    /// Replaces the limits; the counts so far are kept.
    pub(crate) fn set_limits(&self, limits: ServiceLimits) {
        lock(&self.state).limits = limits;
    }

    /// Calls admitted today (quota day) so far.
    pub(crate) fn calls_today(&self, now: SystemTime) -> u64 {
        let s = lock(&self.state);
        if s.day == quota_day(unix_seconds(now)) {
            s.day_calls
        } else {
            0
        }
    }

    /// Admits one authenticated call at `now`, or says which limit it breaks. All checks are
    /// made under one lock and a rejected call consumes nothing, so the limits are exact under
    /// concurrency: the (N+1)th call of a window is the first one refused.
    pub(crate) fn admit(&self, now: SystemTime) -> Result<InFlight, ServiceError> {
        let mut s = lock(&self.state);
        let day = quota_day(unix_seconds(now));
        if s.day != day {
            s.day = day;
            s.day_calls = 0;
        }
        if let Some(quota) = s.limits.daily_quota
            && s.day_calls >= quota
        {
            return Err(ServiceError::new(
                codes::QUOTA,
                format!("the daily quota of {quota} calls is used up"),
            ));
        }
        let now_ms = unix_millis(now);
        if let Some(rate) = s.limits.rate {
            let window = i64::try_from(rate.window.as_millis()).unwrap_or(i64::MAX);
            while s
                .starts
                .front()
                .is_some_and(|&t| t <= now_ms.saturating_sub(window))
            {
                s.starts.pop_front();
            }
            if s.starts.len() >= rate.max_calls {
                return Err(ServiceError::new(
                    codes::RATE,
                    format!(
                        "more than {} calls in {} seconds",
                        rate.max_calls,
                        rate.window.as_secs_f64()
                    ),
                ));
            }
        }
        if let Some(max) = s.limits.max_concurrent
            && s.in_flight >= max
        {
            return Err(ServiceError::new(
                codes::CONCURRENCY,
                format!("more than {max} calls at once"),
            ));
        }
        s.day_calls += 1;
        if s.limits.rate.is_some() {
            s.starts.push_back(now_ms);
        }
        s.in_flight += 1;
        Ok(InFlight {
            state: Arc::clone(&self.state),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::RateLimit;
    use std::time::{Duration, UNIX_EPOCH};

    fn at(ms: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_millis(1_767_330_000_000 + ms)
    }

    #[test]
    fn rate_window_rolls() {
        let t = Throttle::new(ServiceLimits {
            daily_quota: None,
            rate: Some(RateLimit {
                max_calls: 3,
                window: Duration::from_secs(20),
            }),
            max_concurrent: None,
        });
        for i in 0..3 {
            drop(t.admit(at(i)).expect("admitted"));
        }
        assert_eq!(t.admit(at(19_999)).expect_err("4th").code, 20023);
        // The first call leaves the window exactly 20 s after it started.
        drop(t.admit(at(20_000)).expect("admitted after the window"));
    }

    #[test]
    fn concurrency_and_quota() {
        let t = Throttle::new(ServiceLimits {
            daily_quota: Some(3),
            rate: None,
            max_concurrent: Some(2),
        });
        let a = t.admit(at(0)).expect("1");
        let b = t.admit(at(0)).expect("2");
        assert_eq!(t.admit(at(0)).expect_err("3rd at once").code, 20024);
        drop(a);
        let c = t.admit(at(0)).expect("slot freed");
        drop((b, c));
        assert_eq!(t.admit(at(0)).expect_err("quota").code, 20015);
        assert_eq!(t.calls_today(at(0)), 3);
        // The next quota day starts fresh.
        drop(t.admit(at(86_400_000)).expect("next day"));
    }
}
