//! The client that generated operation methods call.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;
use tracing::{Instrument, field};

use crate::config::{ClientBuilder, MaskedId};
use crate::error::{Error, excerpt};
use crate::fault_code::FaultCode;
use crate::limit::Limiter;
use crate::retry::{Decision, RetryPolicy, RetryState, changes_data};
use crate::sign::{Clock, Signer, UtcOffset, format_timestamp};
use crate::soap::{self, SoapFault};
use crate::transport::{HttpRequest, HttpResponse, HttpTransport, Transport};
use crate::xml::{Decode, DecodeError, DecodeErrorKind, EncodeError, ReadLimits, Writer};

/// Writes the signed `AuthenticationHeader` element (generated per service, since the header's
/// element names come from the WSDL).
pub type AuthWriter = fn(&mut Writer, &SignedHeader<'_>) -> Result<(), EncodeError>;

/// A mktows operation as generated code describes it (one `static` per operation).
#[derive(Debug)]
pub struct Operation {
    /// The WSDL operation name, e.g. `"scheduleCampaign"`. Also decides whether the operation
    /// changes data, which limits retries (see [`crate::retry`]).
    pub name: &'static str,
    /// The `SOAPAction` URI, e.g. `"http://www.marketo.com/mktows/scheduleCampaign"`; sent quoted.
    pub soap_action: &'static str,
    /// (namespace, local name) of the request body element, e.g. `paramsScheduleCampaign`.
    pub request: (&'static str, &'static str),
    /// (namespace, local name) of the expected response body element, e.g.
    /// `successScheduleCampaign`.
    pub response: (&'static str, &'static str),
    /// The prefixes the envelope declares, e.g. `[("ns1", "http://www.marketo.com/mktows/")]`;
    /// header and body fragments are written against them.
    pub namespaces: &'static [(&'static str, &'static str)],
    /// Writes the signed `AuthenticationHeader` element; `None` sends no authentication header.
    pub auth: Option<AuthWriter>,
}

impl Operation {
    /// Whether this operation may change data (and so is not retried once the request may
    /// have reached the server, except on faults the service returns before executing).
    pub fn changes_data(&self) -> bool {
        changes_data(self.name)
    }
}

/// The values of one signed `AuthenticationHeader`, fresh for every attempt.
#[derive(Clone, Copy)]
pub struct SignedHeader<'a> {
    /// `mktowsUserId`.
    pub user_id: &'a str,
    /// `requestTimestamp`, exactly the string that was signed.
    pub timestamp: &'a str,
    /// `requestSignature`: lowercase hex HMAC-SHA1 of `timestamp + user_id`.
    pub signature: &'a str,
}

impl fmt::Debug for SignedHeader<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignedHeader")
            .field("user_id", &MaskedId(self.user_id))
            .field("timestamp", &self.timestamp)
            .field("signature", &"<redacted>")
            .finish()
    }
}

/// A mktows client: signs, sends, limits, retries and decodes calls.
///
/// Cheap to clone; clones share the connection pool, the limiter and the configuration.
pub struct Client<T = HttpTransport> {
    inner: Arc<Inner<T>>,
}

impl<T> Clone for Client<T> {
    fn clone(&self) -> Self {
        Client {
            inner: Arc::clone(&self.inner),
        }
    }
}

/// Everything a client is made of, resolved and validated by [`ClientBuilder`].
pub(crate) struct ClientParts<T> {
    pub(crate) transport: T,
    pub(crate) endpoint: Arc<str>,
    pub(crate) signer: Signer,
    pub(crate) timeout: Duration,
    pub(crate) max_response_bytes: usize,
    pub(crate) retry: RetryPolicy,
    pub(crate) limiter: Limiter,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) utc_offset: UtcOffset,
    pub(crate) read_limits: ReadLimits,
    pub(crate) log_raw_xml: bool,
}

type Inner<T> = ClientParts<T>;

impl Client<HttpTransport> {
    /// A builder; see [`ClientBuilder`].
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// A client configured from `MARKETO_SOAP_ENDPOINT`, `MARKETO_USER_ID` and
    /// `MARKETO_ENCRYPTION_KEY`, with default settings otherwise.
    pub fn from_env() -> Result<Client<HttpTransport>, Error> {
        ClientBuilder::from_env()?.build()
    }
}

impl<T> Client<T> {
    pub(crate) fn from_parts(parts: ClientParts<T>) -> Client<T> {
        Client {
            inner: Arc::new(parts),
        }
    }

    /// The endpoint calls go to.
    pub fn endpoint(&self) -> &str {
        &self.inner.endpoint
    }

    /// The limiter shared by this client and its clones.
    pub fn limiter(&self) -> &Limiter {
        &self.inner.limiter
    }

    /// The transport.
    pub fn transport(&self) -> &T {
        &self.inner.transport
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }
}

impl<T> fmt::Debug for Client<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        f.debug_struct("Client")
            .field("endpoint", &i.endpoint)
            .field("signer", &i.signer)
            .field("timeout", &i.timeout)
            .field("max_response_bytes", &i.max_response_bytes)
            .field("retry", &i.retry)
            .field("limiter", &i.limiter)
            .field("utc_offset", &i.utc_offset)
            .field("log_raw_xml", &i.log_raw_xml)
            .finish_non_exhaustive()
    }
}

/// Largest body shown by raw XML logging; the rest is cut to keep log lines bounded.
const RAW_LOG_MAX_BYTES: usize = 256 * 1024;

impl<T: Transport> Client<T> {
    /// One call: for every attempt, waits for the limiter, signs with a fresh timestamp, writes
    /// the auth header with `op.auth`, wraps it, `extra_headers` (already-encoded header
    /// elements) and `body` (the already-encoded body element) in a SOAP envelope, sends it
    /// and decodes the `op.response` element. Faults, HTTP and network failures come back as
    /// [`Error`]; retries follow the client's [`RetryPolicy`].
    pub async fn call<R: Decode>(
        &self,
        op: &'static Operation,
        extra_headers: &[u8],
        body: &[u8],
    ) -> Result<R, Error> {
        let span = tracing::info_span!(
            "mktows_call",
            operation = op.name,
            attempts = field::Empty,
            outcome = field::Empty,
        );
        self.call_inner(op, extra_headers, body)
            .instrument(span)
            .await
    }

    async fn call_inner<R: Decode>(
        &self,
        op: &'static Operation,
        extra_headers: &[u8],
        body: &[u8],
    ) -> Result<R, Error> {
        let writes = op.changes_data();
        let mut retry = RetryState::default();
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            let attempt_span = tracing::debug_span!(
                "mktows_attempt",
                operation = op.name,
                attempt,
                status = field::Empty,
                duration_ms = field::Empty,
                request_bytes = field::Empty,
                response_bytes = field::Empty,
            );
            let result = self
                .attempt::<R>(op, attempt, extra_headers, body)
                .instrument(attempt_span)
                .await;
            let current = tracing::Span::current();
            current.record("attempts", attempt);
            let err = match result {
                Ok(v) => {
                    current.record("outcome", "ok");
                    return Ok(v);
                }
                Err(e) => e,
            };
            match retry.decide(&self.inner.retry, writes, &err) {
                Decision::Retry { delay, reason } => {
                    tracing::warn!(
                        target: "mktows_runtime::retry",
                        operation = op.name,
                        attempt,
                        delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                        reason,
                        error = %err,
                        "retrying"
                    );
                    if !delay.is_zero() {
                        tokio::time::sleep(delay).await;
                    }
                }
                Decision::GiveUp { reason } => {
                    tracing::info!(
                        target: "mktows_runtime::retry",
                        operation = op.name,
                        attempt,
                        reason,
                        error = %err,
                        "not retrying"
                    );
                    current.record("outcome", "error");
                    return Err(err);
                }
            }
        }
    }

    /// One attempt: limiter slot, fresh signature, envelope, send, decode.
    async fn attempt<R: Decode>(
        &self,
        op: &'static Operation,
        attempt: u32,
        extra_headers: &[u8],
        body: &[u8],
    ) -> Result<R, Error> {
        let inner = &*self.inner;
        // Sign after the limiter lets us through, so a call that waited for the rate window
        // does not go out with a timestamp that is already old.
        let permit = inner.limiter.acquire().await;
        let timestamp = format_timestamp(inner.clock.now(), inner.utc_offset);
        let signature = inner.signer.sign(&timestamp);
        let mut headers = Vec::new();
        if let Some(write_auth) = op.auth {
            let mut w = Writer::with_declared(op.namespaces);
            write_auth(
                &mut w,
                &SignedHeader {
                    user_id: inner.signer.user_id(),
                    timestamp: &timestamp,
                    signature: &signature,
                },
            )?;
            headers = w.into_bytes();
        }
        headers.extend_from_slice(extra_headers);
        let envelope = soap::write_envelope(op.namespaces, &headers, body);
        drop(headers);

        let span = tracing::Span::current();
        span.record("request_bytes", envelope.len());
        if inner.log_raw_xml {
            tracing::debug!(
                target: "mktows_runtime::raw",
                operation = op.name,
                attempt,
                xml = %mask_raw(
                    &envelope[..envelope.len().min(RAW_LOG_MAX_BYTES)],
                    inner.signer.user_id(),
                    &signature
                ),
                "RAW request"
            );
        }

        let request = HttpRequest {
            endpoint: Arc::clone(&inner.endpoint),
            operation: op.name,
            soap_action: op.soap_action,
            body: envelope,
        };
        let started = Instant::now();
        let sent = tokio::time::timeout(inner.timeout, inner.transport.send(request)).await;
        span.record(
            "duration_ms",
            u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        );
        let response = match sent {
            Ok(r) => r?,
            Err(_elapsed) => {
                return Err(Error::Timeout {
                    after: inner.timeout,
                });
            }
        };
        drop(permit);
        span.record("status", response.status);
        span.record("response_bytes", response.body.len());
        if response.body.len() > inner.max_response_bytes {
            // A custom transport may not enforce the limit itself.
            return Err(Error::TooLarge {
                status: response.status,
                limit: inner.max_response_bytes,
            });
        }
        if inner.log_raw_xml {
            let shown = &response.body[..response.body.len().min(RAW_LOG_MAX_BYTES)];
            tracing::debug!(
                target: "mktows_runtime::raw",
                operation = op.name,
                attempt,
                status = response.status,
                xml = %mask_raw(shown, inner.signer.user_id(), &signature),
                "RAW response"
            );
        }
        interpret(op, response, inner.read_limits)
            .map_err(|e| scrub(e, inner.signer.user_id(), &signature))
    }
}

/// Masks the user id and signature in server-provided text of an error, in case a server
/// echoes them (errors end up in logs).
fn scrub(err: Error, user_id: &str, signature: &str) -> Error {
    let clean = |s: String| -> String {
        if s.contains(signature) || s.contains(user_id) {
            mask_raw(s.as_bytes(), user_id, signature)
        } else {
            s
        }
    };
    match err {
        Error::Fault {
            http_status,
            faultcode,
            code,
            name,
            message,
        } => Error::Fault {
            http_status,
            faultcode,
            code,
            name: clean(name),
            message: clean(message),
        },
        Error::Http {
            status,
            content_type,
            body_excerpt,
        } => Error::Http {
            status,
            content_type,
            body_excerpt: clean(body_excerpt),
        },
        // The offending text, element names and parser messages come from the response.
        Error::Decode {
            http_status,
            source,
        } => Error::Decode {
            http_status,
            source: scrub_decode(&source, &clean),
        },
        other => other,
    }
}

/// [`scrub`] for the server-provided parts of a decode error.
fn scrub_decode(e: &DecodeError, clean: &impl Fn(String) -> String) -> DecodeError {
    use DecodeErrorKind as K;
    let kind = match e.kind().clone() {
        K::Malformed(m) => K::Malformed(clean(m)),
        K::UndefinedEntity(name) => K::UndefinedEntity(clean(name)),
        K::ElementInSimpleContent { found } => K::ElementInSimpleContent {
            found: clean(found),
        },
        K::InvalidValue { message, text } => K::InvalidValue {
            message: clean(message),
            text: clean(text),
        },
        K::InvalidNil { value } => K::InvalidNil {
            value: clean(value),
        },
        K::UnboundPrefix { prefix } => K::UnboundPrefix {
            prefix: clean(prefix),
        },
        K::UnexpectedElement { expected, found } => K::UnexpectedElement {
            expected: clean(expected),
            found: clean(found),
        },
        K::Custom(m) => K::Custom(clean(m)),
        k @ (K::Doctype
        | K::InvalidUtf8
        | K::TooDeep { .. }
        | K::UnexpectedEof
        | K::Duplicate
        | K::Missing) => k,
    };
    DecodeError::new(clean(e.path().to_owned()), kind, e.location())
}

/// Turns a response into the decoded value or the matching error.
fn interpret<R: Decode>(
    op: &Operation,
    response: HttpResponse,
    limits: ReadLimits,
) -> Result<R, Error> {
    let HttpResponse {
        status,
        content_type,
        body,
    } = response;
    let non_soap = |content_type: Option<String>, body: &[u8]| Error::Http {
        status,
        content_type,
        body_excerpt: excerpt(body, 200),
    };
    // A body that is not declared as XML (an HTML error page from a proxy) is never parsed.
    let xmlish = content_type
        .as_deref()
        .is_none_or(|ct| ct.to_ascii_lowercase().contains("xml"));
    if !xmlish {
        return Err(non_soap(content_type, &body));
    }
    match soap::read_response::<R>(&body, op.response, limits) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(fault)) => Err(fault_error(status, fault)),
        // Garbage with an error status is an HTTP problem (a gateway's XML-ish error page);
        // garbage with a success status means the response itself is wrong.
        Err(_) if !(200..300).contains(&status) => Err(non_soap(content_type, &body)),
        Err(e) => Err(Error::Decode {
            http_status: status,
            source: e,
        }),
    }
}

/// Maps a SOAP fault; the code comes from `detail/serviceException/code` only.
fn fault_error(http_status: u16, fault: SoapFault) -> Error {
    let SoapFault {
        faultcode,
        faultstring,
        detail,
    } = fault;
    match detail {
        Some(d) => Error::Fault {
            http_status,
            faultcode,
            code: FaultCode::parse_detail(&d.code),
            name: d.name,
            message: d.message,
        },
        None => Error::Fault {
            http_status,
            faultcode,
            code: FaultCode::Unspecified,
            name: String::new(),
            message: faultstring,
        },
    }
}

/// The raw XML as text with the user id and the signature replaced by `***`: inside
/// `mktowsUserId`/`requestSignature` elements (any prefix) and wherever else the literal
/// values appear.
fn mask_raw(xml: &[u8], user_id: &str, signature: &str) -> String {
    let mut text = String::from_utf8_lossy(xml).into_owned();
    for element in ["mktowsUserId", "requestSignature"] {
        text = mask_element_text(&text, element);
    }
    if !signature.is_empty() {
        text = text.replace(signature, "***");
    }
    // Very short ids would mask unrelated text; the element masking above covers them.
    let escaped = escape_text(user_id);
    if escaped.chars().count() >= 4 {
        text = text.replace(&escaped, "***");
    }
    text
}

/// Replaces the text content of every element whose local name is `local`.
fn mask_element_text(text: &str, local: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(lt) = rest.find('<') {
        let (before, tag_on) = rest.split_at(lt);
        out.push_str(before);
        let Some(gt) = tag_on.find('>') else {
            out.push_str(tag_on);
            return out;
        };
        let tag = &tag_on[..=gt];
        out.push_str(tag);
        rest = &tag_on[gt + 1..];
        let name = tag[1..]
            .split(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .next()
            .unwrap_or("");
        let local_part = name.rsplit(':').next().unwrap_or(name);
        let opening = !name.starts_with(['/', '?', '!']) && !tag.ends_with("/>");
        if opening && local_part == local {
            let end = rest.find('<').unwrap_or(rest.len());
            out.push_str("***");
            rest = &rest[end..];
        }
    }
    out.push_str(rest);
    out
}

/// Escapes text the way the writer does, so the literal user id can be found in the output.
fn escape_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_ids_and_signatures() {
        let xml = br#"<a><ns1:AuthenticationHeader><mktowsUserId>demo_user_0001</mktowsUserId><requestSignature>c2f197abf02b50b73d65727f29366a20975e01d1</requestSignature><requestTimestamp>2013-08-03T21:39:34-07:00</requestTimestamp></ns1:AuthenticationHeader><x>demo_user_0001</x><p:mktowsUserId/></a>"#;
        let m = mask_raw(
            xml,
            "demo_user_0001",
            "c2f197abf02b50b73d65727f29366a20975e01d1",
        );
        assert_eq!(
            m,
            "<a><ns1:AuthenticationHeader><mktowsUserId>***</mktowsUserId><requestSignature>***</requestSignature><requestTimestamp>2013-08-03T21:39:34-07:00</requestTimestamp></ns1:AuthenticationHeader><x>***</x><p:mktowsUserId/></a>"
        );
        // A short id is still masked in its element, and unrelated text is left alone.
        let m = mask_raw(b"<q:mktowsUserId>ab</q:mktowsUserId><b>ab</b>", "ab", "");
        assert_eq!(m, "<q:mktowsUserId>***</q:mktowsUserId><b>ab</b>");
        assert_eq!(mask_element_text("<a", "a"), "<a");
    }

    /// Regression: a response that echoed the signature into a value that did not decode
    /// used to put the signature in `Error::Decode` (and so in the retry log line).
    #[test]
    fn scrubs_decode_errors() {
        let sig = "c2f197abf02b50b73d65727f29366a20975e01d1";
        let id = "demo_user_0001";
        let decode = |path: String, kind| Error::Decode {
            http_status: 200,
            source: DecodeError::new(path, kind, None),
        };
        let e = scrub(
            decode(
                format!("s{sig}/count"),
                DecodeErrorKind::InvalidValue {
                    message: "invalid xs:int".into(),
                    text: format!("{id}:{sig}"),
                },
            ),
            id,
            sig,
        );
        assert_eq!(
            e.to_string(),
            r#"could not decode the response (HTTP 200): at s***/count: invalid xs:int "***:***""#
        );
        let e = scrub(
            decode(
                String::new(),
                DecodeErrorKind::UnexpectedElement {
                    expected: "successGetLead".into(),
                    found: format!("x{sig}"),
                },
            ),
            id,
            sig,
        );
        assert_eq!(
            e.to_string(),
            "could not decode the response (HTTP 200): at document root: expected successGetLead, found x***"
        );
        // Nothing to mask: unchanged.
        let plain = decode("a/b".into(), DecodeErrorKind::Missing);
        assert_eq!(
            scrub(plain, id, sig).to_string(),
            "could not decode the response (HTTP 200): at a/b: missing required element"
        );
    }
}
