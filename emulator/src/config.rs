//! Settings of an emulator instance.

use std::time::Duration;

/// The service's throttles: the daily quota, the rolling rate window and the concurrency cap.
///
/// The defaults are the documented ones. Each can be switched off (`None`); [`ServiceLimits::off`]
/// switches off all three, for load tests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceLimits {
    /// Calls per quota day (20015 beyond it); the day turns at midnight US Central standard
    /// time. Default 10,000.
    pub daily_quota: Option<u64>,
    /// Calls per rolling window (20023 beyond it). Default 100 per 20 s.
    pub rate: Option<RateLimit>,
    /// Calls being processed at once (20024 beyond it). Default 10.
    pub max_concurrent: Option<usize>,
}

/// At most `max_calls` calls in any rolling `window`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    /// Calls allowed per window.
    pub max_calls: usize,
    /// The rolling window.
    pub window: Duration,
}

impl Default for ServiceLimits {
    fn default() -> Self {
        ServiceLimits {
            daily_quota: Some(10_000),
            rate: Some(RateLimit {
                max_calls: 100,
                window: Duration::from_secs(20),
            }),
            max_concurrent: Some(10),
        }
    }
}

impl ServiceLimits {
    /// No quota, no rate window, no concurrency cap.
    pub fn off() -> Self {
        ServiceLimits {
            daily_quota: None,
            rate: None,
            max_concurrent: None,
        }
    }
}

/// Everything about an instance except its data.
#[derive(Clone, Debug)]
pub(crate) struct Config {
    pub user_id: String,
    pub encryption_key: String,
    /// Largest allowed difference between `requestTimestamp` and the emulator's clock, either
    /// way (20016 beyond it).
    pub timestamp_window: Duration,
    /// Also accept the legacy `YYYY-MM-DD hh:mm:ss ±hhmm` timestamp form.
    pub lenient_timestamps: bool,
    /// scheduleCampaign calls with `cloneToProgramName` allowed per quota day.
    pub clone_calls_per_day: u32,
    /// getMultipleLeads: the largest (and the default) batch size.
    pub max_lead_batch: i32,
    /// getImportToListStatus calls that still report PROCESSING for a new import.
    pub import_processing_polls: u32,
    /// Offset (minutes east of UTC) of the dateTimes the instance writes.
    pub utc_offset_minutes: i32,
    /// Largest request body accepted (HTTP 413 beyond it).
    pub max_request_bytes: usize,
    /// Most recorded requests kept (the oldest are dropped first).
    pub max_recorded_requests: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            user_id: String::new(),
            encryption_key: String::new(),
            timestamp_window: Duration::from_secs(15 * 60),
            lenient_timestamps: false,
            clone_calls_per_day: 10,
            max_lead_batch: 1000,
            import_processing_polls: 1,
            utc_offset_minutes: -6 * 60,
            max_request_bytes: 32 * 1024 * 1024,
            max_recorded_requests: 10_000,
        }
    }
}
