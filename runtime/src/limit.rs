//! Client-side rate and concurrency limiting.
//!
//! mktows rejects more than 100 calls per rolling 20 seconds (20023) and more than 10 calls in
//! flight (20024) per instance. Staying under both on the client turns those faults into short
//! waits. Every attempt, retries included, passes through the limiter.

use std::collections::VecDeque;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Mutex, OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

use crate::error::Error;

/// Limits for one endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Calls allowed in flight at once (default 10, the service's concurrency limit).
    pub max_in_flight: usize,
    /// Calls allowed to start within any rolling `window` (default 100).
    pub max_calls_per_window: usize,
    /// The rolling window (default 20 s).
    pub window: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_in_flight: 10,
            max_calls_per_window: 100,
            window: Duration::from_secs(20),
        }
    }
}

impl Limits {
    /// Checks that the limits can ever let a call through.
    pub(crate) fn validate(&self) -> Result<(), Error> {
        if self.max_in_flight == 0 || self.max_in_flight > Semaphore::MAX_PERMITS {
            return Err(Error::config(
                "limits.max_in_flight",
                format!("must be between 1 and {}", Semaphore::MAX_PERMITS),
            ));
        }
        if self.max_calls_per_window == 0 {
            return Err(Error::config(
                "limits.max_calls_per_window",
                "must be at least 1",
            ));
        }
        if self.window.is_zero() {
            return Err(Error::config("limits.window", "must be longer than zero"));
        }
        Ok(())
    }
}

/// A rate and concurrency limiter shared by every clone of a client.
///
/// Cloning a `Limiter` shares it; pass the same limiter to several
/// [`ClientBuilder`](crate::config::ClientBuilder)s to share one budget between clients of the
/// same instance. Uses tokio's clock, so tests can run it under paused time.
#[derive(Clone)]
pub struct Limiter {
    inner: Arc<Inner>,
}

struct Inner {
    limits: Limits,
    in_flight: Arc<Semaphore>,
    /// Start instants of the most recent calls (at most `max_calls_per_window`), oldest first.
    /// A tokio mutex so that waiters queue in FIFO order while the head waits for the window.
    starts: Mutex<VecDeque<Instant>>,
}

/// Held while a call is in flight; dropping it frees the slot.
#[must_use = "the slot is freed when the permit is dropped"]
pub struct Permit {
    _slot: Option<OwnedSemaphorePermit>,
}

impl fmt::Debug for Permit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Permit")
    }
}

impl Limiter {
    /// A limiter enforcing `limits`; errors name the invalid setting.
    pub fn new(limits: Limits) -> Result<Limiter, Error> {
        limits.validate()?;
        Ok(Limiter {
            inner: Arc::new(Inner {
                limits,
                in_flight: Arc::new(Semaphore::new(limits.max_in_flight)),
                starts: Mutex::new(VecDeque::with_capacity(limits.max_calls_per_window)),
            }),
        })
    }

    /// The limits in force.
    pub fn limits(&self) -> Limits {
        self.inner.limits
    }

    /// Calls currently holding a permit.
    pub fn in_flight(&self) -> usize {
        self.inner.limits.max_in_flight - self.inner.in_flight.available_permits()
    }

    /// Waits for a free in-flight slot and then for room in the rolling window, and records the
    /// start. The slot is taken first so the recorded start is the moment the call really
    /// starts; recording earlier would let waiting calls bunch up beyond the rate.
    pub async fn acquire(&self) -> Permit {
        // The semaphore is never closed, so acquiring cannot fail; if it somehow did, the call
        // proceeds unthrottled rather than failing or panicking.
        let slot = self.inner.in_flight.clone().acquire_owned().await.ok();
        let limits = self.inner.limits;
        let mut starts = self.inner.starts.lock().await;
        loop {
            let now = Instant::now();
            while starts
                .front()
                .is_some_and(|&t| now.saturating_duration_since(t) >= limits.window)
            {
                starts.pop_front();
            }
            if starts.len() < limits.max_calls_per_window {
                starts.push_back(now);
                break;
            }
            let Some(&oldest) = starts.front() else { break };
            let wait_until = oldest + limits.window;
            tracing::debug!(
                target: "mktows_runtime::limit",
                wait_ms = u64::try_from(wait_until.saturating_duration_since(now).as_millis()).unwrap_or(u64::MAX),
                "rate window full; waiting"
            );
            tokio::time::sleep_until(wait_until).await;
        }
        Permit { _slot: slot }
    }
}

impl fmt::Debug for Limiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Limiter")
            .field("limits", &self.inner.limits)
            .field("in_flight", &self.in_flight())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_limits_name_the_setting() {
        let e = Limiter::new(Limits {
            max_in_flight: 0,
            ..Limits::default()
        })
        .unwrap_err();
        assert!(
            matches!(
                e,
                Error::Config {
                    setting: "limits.max_in_flight",
                    ..
                }
            ),
            "{e}"
        );
        let e = Limiter::new(Limits {
            window: Duration::ZERO,
            ..Limits::default()
        })
        .unwrap_err();
        assert!(
            matches!(
                e,
                Error::Config {
                    setting: "limits.window",
                    ..
                }
            ),
            "{e}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn window_blocks_until_oldest_start_expires() {
        let l = Limiter::new(Limits {
            max_in_flight: 5,
            max_calls_per_window: 3,
            window: Duration::from_secs(20),
        })
        .unwrap();
        let t0 = Instant::now();
        for _ in 0..3 {
            drop(l.acquire().await);
        }
        assert_eq!(Instant::now(), t0);
        drop(l.acquire().await);
        assert_eq!(Instant::now() - t0, Duration::from_secs(20));
        assert_eq!(l.in_flight(), 0);
        let p = l.acquire().await;
        assert_eq!(l.in_flight(), 1);
        drop(p);
    }
}
