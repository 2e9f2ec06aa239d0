//! Moving request bytes to the service and response bytes back.
//!
//! [`Transport`] is the seam between the client logic (signing, retries, limits, decoding) and
//! the network. [`HttpTransport`] is the real one (reqwest + rustls); [`transport_fn`] turns a
//! closure into a transport for tests, recording or in-process servers.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use crate::error::{Error, chain};

/// HTTP settings of [`HttpTransport`] (and the limits the client enforces around any
/// transport).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct HttpOptions {
    /// Time allowed to connect, TLS handshake included (default 10 s).
    pub connect_timeout: Duration,
    /// Total time for one attempt, from sending to the last body byte (default 60 s).
    pub timeout: Duration,
    /// Largest response body accepted after decompression (default 64 MiB).
    pub max_response_bytes: usize,
    /// How long idle pooled connections are kept (default 90 s).
    pub pool_idle_timeout: Duration,
    /// Idle connections kept per host (default 10, the service's concurrency limit).
    pub pool_max_idle_per_host: usize,
    /// TCP keep-alive probe interval on open connections (default 60 s).
    pub tcp_keepalive: Duration,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(60),
            max_response_bytes: 64 * 1024 * 1024,
            pool_idle_timeout: Duration::from_secs(90),
            pool_max_idle_per_host: 10,
            tcp_keepalive: Duration::from_secs(60),
        }
    }
}

impl HttpOptions {
    /// Rejects zero timeouts and a zero size limit, which would fail every call.
    pub(crate) fn validate(&self) -> Result<(), Error> {
        if self.timeout.is_zero() {
            return Err(Error::config("timeout", "must be longer than zero"));
        }
        if self.connect_timeout.is_zero() {
            return Err(Error::config("connect_timeout", "must be longer than zero"));
        }
        if self.max_response_bytes == 0 {
            return Err(Error::config("max_response_bytes", "must be at least 1"));
        }
        Ok(())
    }
}

/// One SOAP request to send.
#[derive(Clone)]
pub struct HttpRequest {
    /// The endpoint URL.
    pub endpoint: Arc<str>,
    /// The operation name (for logs and routing in test transports).
    pub operation: &'static str,
    /// The `SOAPAction` URI, unquoted (transports send it quoted).
    pub soap_action: &'static str,
    /// The complete envelope, UTF-8.
    pub body: Vec<u8>,
}

impl fmt::Debug for HttpRequest {
    /// Shows sizes only: the body contains the signature and the user id.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpRequest")
            .field("endpoint", &self.endpoint)
            .field("operation", &self.operation)
            .field("soap_action", &self.soap_action)
            .field("body_bytes", &self.body.len())
            .finish()
    }
}

/// A complete HTTP response.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// The `Content-Type` header, if present.
    pub content_type: Option<String>,
    /// The body, decompressed.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// A response with `status` and `Content-Type: text/xml; charset=utf-8`.
    pub fn xml(status: u16, body: impl Into<Vec<u8>>) -> HttpResponse {
        HttpResponse {
            status,
            content_type: Some("text/xml; charset=utf-8".to_owned()),
            body: body.into(),
        }
    }
}

impl fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("content_type", &self.content_type)
            .field("body_bytes", &self.body.len())
            .finish()
    }
}

/// Sends one request and returns the whole response.
///
/// Implementations report failures as the matching [`Error`] variant:
/// [`Error::Connect`] when the request certainly did not reach the server (that is what lets
/// the client retry operations that change data), [`Error::Connection`] when it may have,
/// [`Error::Truncated`], [`Error::TooLarge`] and [`Error::Timeout`] for the response. A non-2xx
/// status is not an error here: the client decides what the body means.
pub trait Transport: Send + Sync + 'static {
    /// Sends `request`.
    fn send(
        &self,
        request: HttpRequest,
    ) -> impl Future<Output = Result<HttpResponse, Error>> + Send;
}

impl<T: Transport> Transport for Arc<T> {
    fn send(
        &self,
        request: HttpRequest,
    ) -> impl Future<Output = Result<HttpResponse, Error>> + Send {
        (**self).send(request)
    }
}

/// A transport made from a closure; see [`transport_fn`].
#[derive(Clone)]
pub struct FnTransport<F> {
    f: F,
}

impl<F> fmt::Debug for FnTransport<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FnTransport")
    }
}

/// A transport that answers every request with the closure's future: an in-memory service,
/// a recorder, or a mock.
///
/// ```
/// use mktows_runtime::transport::{transport_fn, HttpResponse};
/// let t = transport_fn(|req| async move {
///     assert_eq!(req.soap_action, "http://www.marketo.com/mktows/getTags");
///     Ok(HttpResponse::xml(200, "<SOAP-ENV:Envelope ...>"))
/// });
/// # let _ = t;
/// ```
pub fn transport_fn<F, Fut>(f: F) -> FnTransport<F>
where
    F: Fn(HttpRequest) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<HttpResponse, Error>> + Send + 'static,
{
    FnTransport { f }
}

impl<F, Fut> Transport for FnTransport<F>
where
    F: Fn(HttpRequest) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<HttpResponse, Error>> + Send + 'static,
{
    fn send(
        &self,
        request: HttpRequest,
    ) -> impl Future<Output = Result<HttpResponse, Error>> + Send {
        (self.f)(request)
    }
}

/// The HTTP(S) transport: reqwest over rustls (no OpenSSL), HTTP/1.1 with connection pooling
/// and keep-alive, gzip/deflate response decoding.
///
/// Cloning shares the connection pool.
#[derive(Clone)]
pub struct HttpTransport {
    client: reqwest::Client,
    options: Arc<HttpOptions>,
}

impl fmt::Debug for HttpTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpTransport")
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl HttpTransport {
    /// A transport with `options`.
    pub fn new(options: &HttpOptions) -> Result<HttpTransport, Error> {
        options.validate()?;
        let client = reqwest::Client::builder()
            .connect_timeout(options.connect_timeout)
            .timeout(options.timeout)
            .pool_idle_timeout(options.pool_idle_timeout)
            .pool_max_idle_per_host(options.pool_max_idle_per_host)
            .tcp_keepalive(options.tcp_keepalive)
            .gzip(true)
            .deflate(true)
            .user_agent(concat!("mktows-rs/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::config("http client", chain(&e)))?;
        Ok(HttpTransport {
            client,
            options: Arc::new(options.clone()),
        })
    }

    /// The options this transport was built with.
    pub fn options(&self) -> &HttpOptions {
        &self.options
    }

    async fn send_inner(&self, request: HttpRequest) -> Result<HttpResponse, Error> {
        let max = self.options.max_response_bytes;
        let mut response = self
            .client
            .post(&*request.endpoint)
            .header(reqwest::header::CONTENT_TYPE, "text/xml; charset=utf-8")
            // SOAP 1.1 requires the action as a quoted string.
            .header("SOAPAction", format!("\"{}\"", request.soap_action))
            .body(request.body)
            .send()
            .await
            .map_err(|e| self.send_error(&e))?;
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let expected = response.content_length();
        // A declared length over the limit fails before reading anything.
        if expected.is_some_and(|n| n > max as u64) {
            return Err(Error::TooLarge { status, limit: max });
        }
        let initial = expected.map_or(64 * 1024, |n| n as usize).min(max);
        let mut body = Vec::with_capacity(initial);
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if chunk.len() > max - body.len() {
                        return Err(Error::TooLarge { status, limit: max });
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) if e.is_timeout() => {
                    return Err(Error::Timeout {
                        after: self.options.timeout,
                    });
                }
                Err(e) => {
                    return Err(Error::Truncated {
                        status,
                        received: body.len() as u64,
                        expected,
                        message: chain(&e),
                    });
                }
            }
        }
        Ok(HttpResponse {
            status,
            content_type,
            body,
        })
    }

    /// Classifies a failure before the response headers arrived.
    fn send_error(&self, e: &reqwest::Error) -> Error {
        if e.is_connect() {
            // Includes connect timeouts: the request was not sent, which is what matters.
            Error::Connect { message: chain(e) }
        } else if e.is_builder() {
            // The request could not even be built (an endpoint a custom caller passed that
            // is not a URL): nothing was sent, and retrying cannot help.
            Error::config(crate::config::ENV_ENDPOINT, chain(e))
        } else if e.is_timeout() {
            Error::Timeout {
                after: self.options.timeout,
            }
        } else {
            Error::Connection { message: chain(e) }
        }
    }
}

impl Transport for HttpTransport {
    fn send(
        &self,
        request: HttpRequest,
    ) -> impl Future<Output = Result<HttpResponse, Error>> + Send {
        self.send_inner(request)
    }
}
