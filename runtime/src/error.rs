//! The one error type of every client call.

use std::fmt;
use std::time::Duration;

use crate::fault_code::FaultCode;
use crate::xml::{DecodeError, EncodeError, QName};

/// Everything that can go wrong in a call, as one enum a program can match on.
///
/// `Display` is one line and never contains the encryption key, a request signature or the
/// user id (response excerpts come from the server and are shown as received).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The service answered with a SOAP Fault (mktows sends them with HTTP 500).
    #[error(
        "SOAP fault {code} (HTTP {http_status}, faultcode {faultcode}): {}",
        OneLine(message)
    )]
    Fault {
        /// The HTTP status the fault arrived with.
        http_status: u16,
        /// The SOAP `faultcode`, resolved to its namespace (e.g. `{soap-env}Client`).
        faultcode: QName,
        /// The integer in `detail/serviceException/code`; never parsed from the `faultstring`.
        code: FaultCode,
        /// `detail/serviceException/name` (e.g. `mktServiceException`); empty without a detail.
        name: String,
        /// `detail/serviceException/message`, or the `faultstring` when there is no detail.
        message: String,
    },

    /// An HTTP response whose body is not a SOAP envelope (a proxy's HTML error page, an empty
    /// 502, ...).
    #[error("HTTP {status} with a non-SOAP body ({}): {}", content_type.as_deref().unwrap_or("no content type"), OneLine(body_excerpt))]
    Http {
        /// The HTTP status code.
        status: u16,
        /// The `Content-Type` header, if any.
        content_type: Option<String>,
        /// The first few hundred characters of the body, whitespace collapsed.
        body_excerpt: String,
    },

    /// The response was a SOAP envelope but did not decode as the expected type. The wrapped
    /// error names the element path and the offending text.
    #[error("could not decode the response (HTTP {http_status}): {source}")]
    Decode {
        /// The HTTP status of the response.
        http_status: u16,
        /// What was wrong and where.
        #[source]
        source: DecodeError,
    },

    /// A request value could not be written as XML (e.g. a character XML 1.0 forbids); the
    /// request was not sent.
    #[error("could not encode the request: {0}")]
    Encode(#[from] EncodeError),

    /// No complete response within the configured total timeout. The request may have reached
    /// the server.
    #[error("no response within the {}ms timeout", after.as_millis())]
    Timeout {
        /// The timeout that elapsed.
        after: Duration,
    },

    /// The connection could not be established (DNS, refused, TLS handshake, connect timeout):
    /// the request never reached the server.
    #[error("could not connect: {message}")]
    Connect {
        /// What failed, with its causes.
        message: String,
    },

    /// The connection failed after the request started to be sent and before a response
    /// arrived (reset, closed early): the request may have reached the server.
    #[error("connection failed before a response arrived: {message}")]
    Connection {
        /// What failed, with its causes.
        message: String,
    },

    /// The response headers arrived but the body ended early (connection closed or reset
    /// mid-body, or fewer bytes than `Content-Length`).
    #[error(
        "response body truncated (HTTP {status}): got {received} of {} bytes: {message}",
        expected.map_or_else(|| "?".to_owned(), |n| n.to_string())
    )]
    Truncated {
        /// The HTTP status of the response.
        status: u16,
        /// Body bytes received before the failure.
        received: u64,
        /// The declared `Content-Length`, if any.
        expected: Option<u64>,
        /// What failed, with its causes.
        message: String,
    },

    /// The response body exceeded the configured maximum; reading stopped at the limit.
    #[error("response body larger than the {limit}-byte limit (HTTP {status})")]
    TooLarge {
        /// The HTTP status of the response.
        status: u16,
        /// The configured maximum in bytes.
        limit: usize,
    },

    /// Missing or invalid configuration; `setting` names the environment variable or builder
    /// setting.
    #[error("invalid configuration: {setting} {reason}")]
    Config {
        /// The environment variable (`MARKETO_USER_ID`, ...) or builder setting concerned.
        setting: &'static str,
        /// What is wrong with it (never its value when it is secret).
        reason: String,
    },
}

impl Error {
    /// A configuration error for `setting`.
    pub(crate) fn config(setting: &'static str, reason: impl Into<String>) -> Error {
        Error::Config {
            setting,
            reason: reason.into(),
        }
    }

    /// The mktows fault code, if this is a SOAP fault.
    pub fn fault_code(&self) -> Option<FaultCode> {
        match self {
            Error::Fault { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// The HTTP status of the response, if one arrived.
    pub fn http_status(&self) -> Option<u16> {
        match self {
            Error::Fault { http_status, .. } | Error::Decode { http_status, .. } => {
                Some(*http_status)
            }
            Error::Http { status, .. }
            | Error::Truncated { status, .. }
            | Error::TooLarge { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Whether the request is known not to have reached the server (so even an operation that
    /// changes data can safely be sent again).
    pub fn request_not_sent(&self) -> bool {
        matches!(
            self,
            Error::Connect { .. } | Error::Encode(_) | Error::Config { .. }
        )
    }

    /// Whether this is [`Error::Timeout`].
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. })
    }
}

/// Writes text with every run of whitespace/control characters collapsed to one space, so
/// `Display` stays on one line whatever the server sent.
struct OneLine<'a>(&'a str);

impl fmt::Display for OneLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut pending_space = false;
        let mut started = false;
        for c in self.0.chars() {
            if c.is_whitespace() || c.is_control() {
                pending_space = started;
                continue;
            }
            if pending_space {
                f.write_str(" ")?;
                pending_space = false;
            }
            started = true;
            fmt::Write::write_char(f, c)?;
        }
        Ok(())
    }
}

/// The first `max_chars` characters of a body, lossily decoded, whitespace collapsed, with `…`
/// when cut.
pub(crate) fn excerpt(body: &[u8], max_chars: usize) -> String {
    // Only look at a prefix: a multi-megabyte HTML page needs no full decode for 200 chars.
    let prefix = &body[..body.len().min(max_chars * 4 + 4)];
    let text = String::from_utf8_lossy(prefix);
    let collapsed = OneLine(&text).to_string();
    let mut out: String = collapsed.chars().take(max_chars).collect();
    if collapsed.chars().nth(max_chars).is_some() || prefix.len() < body.len() {
        out.push('…');
    }
    out
}

/// Renders an error and its `source()` chain as `a: b: c`, skipping repeated messages.
pub(crate) fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut cur = e.source();
    while let Some(s) = cur {
        let m = s.to_string();
        if !out.contains(&m) {
            out.push_str(": ");
            out.push_str(&m);
        }
        cur = s.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_is_short_and_one_line() {
        assert_eq!(
            excerpt(b"<html>\n  <body>Bad\tGateway</body>\n</html>\n", 200),
            "<html> <body>Bad Gateway</body> </html>"
        );
        let long = "x".repeat(500);
        let e = excerpt(long.as_bytes(), 10);
        assert_eq!(e, "xxxxxxxxxx…");
        assert_eq!(excerpt(b"", 10), "");
        assert_eq!(excerpt(&[0xff, b'a'], 10), "\u{fffd}a");
    }

    #[test]
    fn fault_display_is_one_line() {
        let e = Error::Fault {
            http_status: 500,
            faultcode: QName::new(Some("http://schemas.xmlsoap.org/soap/envelope/"), "Server"),
            code: FaultCode::Other(99999),
            name: "mktServiceException".into(),
            message: "first line\n  second\tline ".into(),
        };
        assert_eq!(
            e.to_string(),
            "SOAP fault 99999 (HTTP 500, faultcode {http://schemas.xmlsoap.org/soap/envelope/}Server): first line second line"
        );
        assert_eq!(e.fault_code(), Some(FaultCode::Other(99999)));
        let e = Error::Truncated {
            status: 200,
            received: 10,
            expected: None,
            message: "closed".into(),
        };
        assert_eq!(
            e.to_string(),
            "response body truncated (HTTP 200): got 10 of ? bytes: closed"
        );
    }

    #[test]
    fn error_is_send_sync_and_small() {
        fn assert_send_sync<T: Send + Sync + 'static>() {}
        assert_send_sync::<Error>();
        // Keeps `Result<T, Error>` cheap to move (clippy's result_large_err limit is 128).
        assert!(
            std::mem::size_of::<Error>() <= 128,
            "{}",
            std::mem::size_of::<Error>()
        );
    }

    #[test]
    fn http_display_is_one_line() {
        let e = Error::Http {
            status: 503,
            content_type: Some("text/html".into()),
            body_excerpt: "<html>\n<b>down</b>".into(),
        };
        assert_eq!(
            e.to_string(),
            "HTTP 503 with a non-SOAP body (text/html): <html> <b>down</b>"
        );
        assert_eq!(e.http_status(), Some(503));
    }
}
