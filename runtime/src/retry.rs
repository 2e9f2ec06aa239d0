//! Which failures are retried, how often, and after how long.
//!
//! The rules (see the crate README for the reasoning):
//!
//! * 20016 Request Expired: re-sign with a fresh timestamp and retry once, immediately.
//! * 20023 / 20024 (rate / concurrency limit): back off and retry; the service rejects these
//!   before executing, so this is safe for every operation.
//! * 10001 / 20011 (internal errors): back off and retry operations that only read.
//! * Connection failures: retried with backoff when the request never left
//!   ([`Error::Connect`]); when it may have reached the server ([`Error::Connection`]) only
//!   for operations that only read.
//! * HTTP 502/503/504 with a non-SOAP body (a gateway page): reads only.
//! * 20015 (daily quota), other faults, timeouts, truncated or oversized bodies and decode
//!   errors are never retried.

use std::hash::{BuildHasher, RandomState};
use std::time::Duration;

use crate::error::Error;
use crate::fault_code::FaultCode;

/// Operations that only read; every other name (including unknown ones) is treated as one
/// that changes data, which is the safe side for retries.
const READ_ONLY_OPERATIONS: &[&str] = &[
    "getLead",
    "getMultipleLeads",
    "getLeadActivity",
    "getLeadChanges",
    "getImportToListStatus",
    "getCampaignsForSource",
    "getMObjects",
    "describeMObject",
    "listMObjects",
    "getCustomObjects",
    "getChannels",
    "getTags",
];

/// Whether the operation named `operation` may change data (`sync*`, `importToList`,
/// `scheduleCampaign`, `requestCampaign`, `mergeLeads`, `delete*`, `listOperation`, and any
/// name this runtime does not know).
pub fn changes_data(operation: &str) -> bool {
    !READ_ONLY_OPERATIONS.contains(&operation)
}

/// How many times and how fast to retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries with backoff after the first attempt (default 3; 0 disables them). The single
    /// re-signed retry after 20016 is not counted here.
    pub max_backoff_retries: u32,
    /// The backoff before the first retry (default 1 s); doubled for each further retry.
    pub initial_backoff: Duration,
    /// The largest backoff (default 20 s, the rate-limit window).
    pub max_backoff: Duration,
    /// Whether to re-sign and retry once after 20016 Request Expired (default true).
    pub resign_on_expired: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_backoff_retries: 3,
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(20),
            resign_on_expired: true,
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn never() -> RetryPolicy {
        RetryPolicy {
            max_backoff_retries: 0,
            resign_on_expired: false,
            ..RetryPolicy::default()
        }
    }

    /// The delay before backoff retry number `retry` (1-based): "equal jitter", i.e. a
    /// uniformly random point in the upper half of `min(max, initial * 2^(retry-1))`. The
    /// jitter spreads out clients that failed together; keeping half the delay fixed still
    /// guarantees that a rate-limited caller actually waits.
    pub fn backoff(&self, retry: u32) -> Duration {
        let exp = retry.saturating_sub(1).min(31);
        let full = self
            .initial_backoff
            .saturating_mul(1u32 << exp)
            .min(self.max_backoff);
        let half = full / 2;
        let span = u64::try_from((full - half).as_nanos()).unwrap_or(u64::MAX);
        // RandomState is seeded per process and varies per instance: good enough for jitter
        // without a random-number dependency.
        let r = RandomState::new().hash_one(retry);
        let jitter = if span == 0 { 0 } else { r % (span + 1) };
        half + Duration::from_nanos(jitter)
    }
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Try again after `delay` (with a fresh signature, as every attempt has).
    Retry {
        delay: Duration,
        reason: &'static str,
    },
    /// Return the error.
    GiveUp { reason: &'static str },
}

/// Retry bookkeeping of one call.
#[derive(Debug, Default)]
pub(crate) struct RetryState {
    backoff_retries: u32,
    resigned: bool,
}

impl RetryState {
    /// Decides about `err` for an operation that does (`writes`) or does not change data,
    /// and counts the retry if there is one.
    pub(crate) fn decide(&mut self, policy: &RetryPolicy, writes: bool, err: &Error) -> Decision {
        enum Class {
            Resign(&'static str),
            Backoff(&'static str),
            Never(&'static str),
        }
        use Class::*;
        let class = match err {
            Error::Fault { code, .. } => match code {
                FaultCode::RequestExpired => Resign("request expired (20016)"),
                FaultCode::RateLimitExceeded => Backoff("rate limit (20023)"),
                FaultCode::ConcurrencyLimitExceeded => Backoff("concurrency limit (20024)"),
                FaultCode::InternalError | FaultCode::ApiInternalError if !writes => {
                    Backoff("internal error on an operation that only reads")
                }
                FaultCode::InternalError | FaultCode::ApiInternalError => {
                    Never("internal error on an operation that changes data; it may have executed")
                }
                FaultCode::RequestLimitExceeded => {
                    Never("daily quota exceeded (20015); retrying cannot help today")
                }
                _ => Never("fault is not retryable"),
            },
            Error::Connect { .. } => Backoff("connection failed before the request was sent"),
            Error::Connection { .. } if !writes => {
                Backoff("connection failed on an operation that only reads")
            }
            Error::Connection { .. } => Never(
                "connection failed after the request may have reached the server; the operation changes data",
            ),
            Error::Http {
                status: 502..=504, ..
            } if !writes => Backoff("gateway error on an operation that only reads"),
            Error::Http { .. } => Never("non-SOAP HTTP error is not retried"),
            _ => Never("error is not retryable"),
        };
        match class {
            Resign(reason) if policy.resign_on_expired && !self.resigned => {
                self.resigned = true;
                Decision::Retry {
                    delay: Duration::ZERO,
                    reason,
                }
            }
            Resign(_) => Decision::GiveUp {
                reason: "request expired again after re-signing once",
            },
            Backoff(reason) if self.backoff_retries < policy.max_backoff_retries => {
                self.backoff_retries += 1;
                Decision::Retry {
                    delay: policy.backoff(self.backoff_retries),
                    reason,
                }
            }
            Backoff(_) => Decision::GiveUp {
                reason: "retries exhausted",
            },
            Never(reason) => Decision::GiveUp { reason },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::QName;

    fn fault(code: i64) -> Error {
        Error::Fault {
            http_status: 500,
            faultcode: QName {
                namespace: None,
                local: "Client".into(),
            },
            code: FaultCode::from_code(code),
            name: "mktServiceException".into(),
            message: String::new(),
        }
    }

    fn retries(state: &mut RetryState, p: &RetryPolicy, writes: bool, e: &Error) -> bool {
        matches!(state.decide(p, writes, e), Decision::Retry { .. })
    }

    #[test]
    fn classifies_operations() {
        for w in [
            "syncLead",
            "syncMultipleLeads",
            "syncMObjects",
            "syncCustomObjects",
            "importToList",
            "scheduleCampaign",
            "requestCampaign",
            "mergeLeads",
            "deleteMObjects",
            "deleteCustomObjects",
            "listOperation",
            "someFutureOp",
        ] {
            assert!(changes_data(w), "{w}");
        }
        for r in READ_ONLY_OPERATIONS {
            assert!(!changes_data(r), "{r}");
        }
    }

    #[test]
    fn expired_is_resigned_once() {
        let p = RetryPolicy::default();
        let mut s = RetryState::default();
        assert_eq!(
            s.decide(&p, true, &fault(20016)),
            Decision::Retry {
                delay: Duration::ZERO,
                reason: "request expired (20016)"
            }
        );
        assert!(!retries(&mut s, &p, true, &fault(20016)));
    }

    #[test]
    fn limits_back_off_for_writes_too_and_are_bounded() {
        let p = RetryPolicy::default();
        let mut s = RetryState::default();
        for _ in 0..3 {
            assert!(retries(&mut s, &p, true, &fault(20023)));
        }
        assert!(!retries(&mut s, &p, true, &fault(20024)));
        let mut s = RetryState::default();
        assert!(retries(&mut s, &p, true, &fault(20024)));
    }

    #[test]
    fn writes_are_not_retried_once_sent() {
        let p = RetryPolicy::default();
        let conn = Error::Connection {
            message: "reset".into(),
        };
        let connect = Error::Connect {
            message: "refused".into(),
        };
        let gateway = Error::Http {
            status: 503,
            content_type: None,
            body_excerpt: String::new(),
        };
        for (e, read, write) in [
            (fault(10001), true, false),
            (fault(20011), true, false),
            (fault(20015), false, false),
            (fault(20014), false, false),
            (fault(20103), false, false),
            (fault(99999), false, false),
            (conn, true, false),
            (connect, true, true),
            (gateway, true, false),
            (
                Error::Timeout {
                    after: Duration::from_secs(1),
                },
                false,
                false,
            ),
        ] {
            assert_eq!(
                retries(&mut RetryState::default(), &p, false, &e),
                read,
                "read {e}"
            );
            assert_eq!(
                retries(&mut RetryState::default(), &p, true, &e),
                write,
                "write {e}"
            );
        }
    }

    #[test]
    fn backoff_grows_with_jitter_within_bounds() {
        let p = RetryPolicy {
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(5),
            ..RetryPolicy::default()
        };
        for (retry, full) in [(1, 1000), (2, 2000), (3, 4000), (4, 5000), (40, 5000)] {
            for _ in 0..50 {
                let d = p.backoff(retry).as_millis();
                assert!(d >= full / 2 && d <= full, "retry {retry}: {d}ms");
            }
        }
        let zero = RetryPolicy {
            initial_backoff: Duration::ZERO,
            ..p
        };
        assert_eq!(zero.backoff(3), Duration::ZERO);
    }

    #[test]
    fn never_policy_never_retries() {
        let p = RetryPolicy::never();
        assert!(!retries(
            &mut RetryState::default(),
            &p,
            false,
            &fault(20016)
        ));
        assert!(!retries(
            &mut RetryState::default(),
            &p,
            false,
            &fault(20023)
        ));
    }
}
