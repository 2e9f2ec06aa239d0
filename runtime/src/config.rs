//! Client configuration: credentials, endpoint, timeouts, limits and retry policy.
//!
//! The endpoint is always configured, never taken from the WSDL's `soap:address`: every
//! Marketo instance has its own, and the published WSDLs name a wrong one.

use std::ffi::OsString;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::client::{Client, ClientParts};
use crate::error::Error;
use crate::limit::{Limiter, Limits};
use crate::retry::RetryPolicy;
use crate::sign::{Clock, Signer, SystemClock, UtcOffset};
use crate::transport::{HttpOptions, HttpTransport, Transport};
use crate::xml::ReadLimits;

/// Environment variable holding the instance's SOAP endpoint
/// (e.g. `https://<instance>.mktoapi.com/soap/mktows/2_3`).
pub const ENV_ENDPOINT: &str = "MARKETO_SOAP_ENDPOINT";
/// Environment variable holding the SOAP API user id (Admin → Web Services → "User ID").
pub const ENV_USER_ID: &str = "MARKETO_USER_ID";
/// Environment variable holding the encryption key (the shared secret; never sent).
pub const ENV_ENCRYPTION_KEY: &str = "MARKETO_ENCRYPTION_KEY";

/// Shows only the first three characters of an identifier, so logs and `Debug` output can
/// tell configurations apart without disclosing the id.
pub(crate) struct MaskedId<'a>(pub(crate) &'a str);

impl fmt::Debug for MaskedId<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown: String = self.0.chars().take(3).collect();
        write!(f, "\"{shown}…\" ({} chars)", self.0.chars().count())
    }
}

/// A string that never shows in `Debug`.
#[derive(Clone)]
struct Secret(String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Builds a [`Client`]; start from [`Client::builder`] or [`ClientBuilder::from_env`].
///
/// ```no_run
/// # async fn f() -> Result<(), mktows_runtime::Error> {
/// use std::time::Duration;
/// let client = mktows_runtime::Client::builder()
///     .endpoint("https://instance.example.invalid/soap/mktows/2_3")
///     .user_id("demo_user_0001")
///     .encryption_key("example-encryption-key")
///     .timeout(Duration::from_secs(30))
///     .build()?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct ClientBuilder {
    endpoint: Option<String>,
    user_id: Option<String>,
    encryption_key: Option<Secret>,
    http: HttpOptions,
    retry: RetryPolicy,
    limits: Limits,
    limiter: Option<Limiter>,
    clock: Arc<dyn Clock>,
    utc_offset: UtcOffset,
    read_limits: ReadLimits,
    log_raw_xml: bool,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder::new()
    }
}

impl ClientBuilder {
    /// A builder with nothing set and default timeouts, limits and retry policy.
    pub fn new() -> ClientBuilder {
        ClientBuilder {
            endpoint: None,
            user_id: None,
            encryption_key: None,
            http: HttpOptions::default(),
            retry: RetryPolicy::default(),
            limits: Limits::default(),
            limiter: None,
            clock: Arc::new(SystemClock),
            utc_offset: UtcOffset::UTC,
            read_limits: ReadLimits::default(),
            log_raw_xml: false,
        }
    }

    /// A builder with endpoint, user id and encryption key read from `MARKETO_SOAP_ENDPOINT`,
    /// `MARKETO_USER_ID` and `MARKETO_ENCRYPTION_KEY`. A missing, empty or non-UTF-8
    /// variable is an [`Error::Config`] naming it.
    pub fn from_env() -> Result<ClientBuilder, Error> {
        ClientBuilder::from_lookup(|name| std::env::var_os(name))
    }

    /// Like [`from_env`](Self::from_env) with variables looked up through `lookup`
    /// (for tests, or configuration kept elsewhere).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<OsString>) -> Result<ClientBuilder, Error> {
        let var = |name: &'static str| -> Result<String, Error> {
            let value = lookup(name).ok_or_else(|| Error::config(name, "is not set"))?;
            let value = value
                .into_string()
                .map_err(|_| Error::config(name, "is not valid UTF-8"))?;
            if value.trim().is_empty() {
                return Err(Error::config(name, "is empty"));
            }
            Ok(value)
        };
        Ok(ClientBuilder::new()
            .endpoint(var(ENV_ENDPOINT)?)
            .user_id(var(ENV_USER_ID)?)
            .encryption_key(var(ENV_ENCRYPTION_KEY)?))
    }

    /// The instance's SOAP endpoint URL (`http` or `https`).
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = Some(url.into());
        self
    }

    /// The SOAP API user id (sent as `mktowsUserId`).
    pub fn user_id(mut self, user_id: impl Into<String>) -> Self {
        self.user_id = Some(user_id.into());
        self
    }

    /// The encryption key the requests are signed with (never sent, logged or displayed).
    pub fn encryption_key(mut self, key: impl Into<String>) -> Self {
        self.encryption_key = Some(Secret(key.into()));
        self
    }

    /// Total time allowed for one attempt, from sending to the last body byte (default 60 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.http.timeout = timeout;
        self
    }

    /// Time allowed to establish a connection, TLS included (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.http.connect_timeout = timeout;
        self
    }

    /// Largest response body accepted, after decompression (default 64 MiB). Enforced while
    /// the body streams in, so a larger body is never held in memory.
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.http.max_response_bytes = bytes;
        self
    }

    /// How long an idle pooled connection is kept for reuse (default 90 s).
    pub fn pool_idle_timeout(mut self, idle: Duration) -> Self {
        self.http.pool_idle_timeout = idle;
        self
    }

    /// All HTTP transport options at once.
    pub fn http_options(mut self, options: HttpOptions) -> Self {
        self.http = options;
        self
    }

    /// The retry policy (default [`RetryPolicy::default`]).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Rate and concurrency limits for a limiter of this client's own (default 100 calls per
    /// 20 s, 10 in flight). Ignored when [`limiter`](Self::limiter) is set.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Shares an existing limiter, e.g. with other clients of the same instance.
    pub fn limiter(mut self, limiter: Limiter) -> Self {
        self.limiter = Some(limiter);
        self
    }

    /// The clock for `requestTimestamp` (default the system clock).
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// The UTC offset `requestTimestamp` is written in (default `+00:00`). Any offset denotes
    /// the same instant; this only changes the spelling.
    pub fn utc_offset(mut self, offset: UtcOffset) -> Self {
        self.utc_offset = offset;
        self
    }

    /// Limits applied when reading response XML (nesting depth, ...).
    pub fn read_limits(mut self, limits: ReadLimits) -> Self {
        self.read_limits = limits;
        self
    }

    /// Logs every request and response body as `tracing` DEBUG events "RAW request" /
    /// "RAW response" (target `mktows_runtime::raw`), with user id and signature masked.
    /// Off by default: bodies contain personal data.
    pub fn log_raw_xml(mut self, on: bool) -> Self {
        self.log_raw_xml = on;
        self
    }

    /// Builds a client that talks HTTP(S) through [`HttpTransport`].
    pub fn build(self) -> Result<Client<HttpTransport>, Error> {
        self.http.validate()?;
        let transport = HttpTransport::new(&self.http)?;
        self.build_with_transport(transport)
    }

    /// Builds a client that sends through `transport` (a mock, a recorder, another HTTP stack).
    /// The total timeout and the response size limit are still enforced around it.
    pub fn build_with_transport<T: Transport>(self, transport: T) -> Result<Client<T>, Error> {
        self.http.validate()?;
        let endpoint = self
            .endpoint
            .ok_or_else(|| Error::config(ENV_ENDPOINT, "is not set (builder: endpoint)"))?;
        validate_endpoint(&endpoint)?;
        let user_id = self
            .user_id
            .ok_or_else(|| Error::config(ENV_USER_ID, "is not set (builder: user_id)"))?;
        if user_id.trim().is_empty() {
            return Err(Error::config(ENV_USER_ID, "is empty"));
        }
        if user_id.chars().any(char::is_control) {
            return Err(Error::config(ENV_USER_ID, "contains control characters"));
        }
        let key = self.encryption_key.ok_or_else(|| {
            Error::config(ENV_ENCRYPTION_KEY, "is not set (builder: encryption_key)")
        })?;
        if key.0.is_empty() {
            return Err(Error::config(ENV_ENCRYPTION_KEY, "is empty"));
        }
        let signer = Signer::new(&user_id, key.0.as_bytes())?;
        let limiter = match self.limiter {
            Some(l) => l,
            None => Limiter::new(self.limits)?,
        };
        Ok(Client::from_parts(ClientParts {
            transport,
            endpoint: Arc::from(endpoint),
            signer,
            timeout: self.http.timeout,
            max_response_bytes: self.http.max_response_bytes,
            retry: self.retry,
            limiter,
            clock: self.clock,
            utc_offset: self.utc_offset,
            read_limits: self.read_limits,
            log_raw_xml: self.log_raw_xml,
        }))
    }
}

/// Accepts absolute `http`/`https` URLs with a host and without embedded credentials (they
/// would end up in logs and error messages). The value itself is not echoed back.
fn validate_endpoint(endpoint: &str) -> Result<(), Error> {
    let url = reqwest::Url::parse(endpoint.trim())
        .map_err(|e| Error::config(ENV_ENDPOINT, format!("is not an absolute URL ({e})")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::config(ENV_ENDPOINT, "must use http or https"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(Error::config(ENV_ENDPOINT, "has no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::config(
            ENV_ENDPOINT,
            "must not contain credentials (user id and key are configured separately)",
        ));
    }
    Ok(())
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("endpoint", &self.endpoint)
            .field("user_id", &self.user_id.as_deref().map(MaskedId))
            .field("encryption_key", &self.encryption_key)
            .field("http", &self.http)
            .field("retry", &self.retry)
            .field("limits", &self.limits)
            .field("utc_offset", &self.utc_offset)
            .field("log_raw_xml", &self.log_raw_xml)
            .finish_non_exhaustive()
    }
}
