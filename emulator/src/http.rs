//! The HTTP side: hyper HTTP/1.1 connections, the WSDL page, and the SOAP request pipeline
//! (decode → authenticate → throttle → inject → operation → envelope).

use std::collections::VecDeque;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use hyper::body::{Body, Bytes, Frame, Incoming, SizeHint};
use hyper::header::{CONTENT_TYPE, HOST, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use mktows_runtime::server::RequestError;
use mktows_runtime::sign::Signer;
use mktows_runtime::xml::{DecodeErrorKind, ReadLimits};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinSet;

use crate::clock::{Clock, unix_millis};
use crate::config::Config;
use crate::faults::{ServiceError, codes};
use crate::inject::{Injection, Injector, lock};
use crate::limits::Throttle;
use crate::model::{Outcome, RecordedRequest};
use crate::service::Engine;

/// The documented endpoint path; any other path is accepted too.
pub const ENDPOINT_PATH: &str = "/soap/mktows/2_3";

const XML: &str = "text/xml;charset=UTF-8";

/// Everything a request needs.
pub(crate) struct Shared {
    pub engine: Engine,
    pub throttle: Throttle,
    pub injector: Injector,
    pub recorder: Mutex<Recorder>,
    pub signer: Signer,
    pub clock: Arc<dyn Clock>,
    pub config: Config,
    pub local_addr: SocketAddr,
}

/// The request log, bounded.
#[derive(Debug, Default)]
pub(crate) struct Recorder {
    pub entries: VecDeque<RecordedRequest>,
    pub next_seq: u64,
    pub cap: usize,
}

impl Recorder {
    fn push(&mut self, mut r: RecordedRequest) {
        self.next_seq += 1;
        r.seq = self.next_seq;
        if self.entries.len() >= self.cap.max(1) {
            self.entries.pop_front();
        }
        self.entries.push_back(r);
    }
}

/// Accepts connections until `shutdown` fires; dropping the returned future (or aborting its
/// task) closes every connection, because the connection tasks live in its `JoinSet`.
pub(crate) async fn serve(
    shared: Arc<Shared>,
    listener: TcpListener,
    mut shutdown: oneshot::Receiver<()>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => {
                let Ok((stream, _peer)) = accepted else {
                    // Out of file descriptors and the like: back off instead of spinning.
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                };
                let _ = stream.set_nodelay(true);
                let shared = Arc::clone(&shared);
                connections.spawn(async move {
                    let service = hyper::service::service_fn(move |req| {
                        let shared = Arc::clone(&shared);
                        async move { handle(shared, req).await }
                    });
                    // A connection error (client gone, injected drop) ends only this connection.
                    let _ = hyper::server::conn::http1::Builder::new()
                        .keep_alive(true)
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                        .await;
                });
            }
        }
        while connections.try_join_next().is_some() {}
    }
}

/// The body of a response: whole, or cut short on purpose.
pub(crate) enum ResponseBody {
    Full(Option<Bytes>),
    /// Sends `first`, waits a moment so it leaves the socket, then fails, which makes hyper
    /// abort the connection short of the declared `Content-Length`.
    Truncated {
        first: Option<Bytes>,
        full_len: u64,
        pause: Option<Pin<Box<tokio::time::Sleep>>>,
    },
    /// Sends `rest` `chunk` bytes at a time, waiting `every` before each chunk after the first
    /// (hyper flushes whenever the body is pending, so each chunk leaves on its own).
    Drip {
        rest: Bytes,
        full_len: u64,
        chunk: usize,
        every: Duration,
        pause: Option<Pin<Box<tokio::time::Sleep>>>,
    },
}

impl ResponseBody {
    fn full(bytes: impl Into<Bytes>) -> Self {
        ResponseBody::Full(Some(bytes.into()))
    }
}

impl Body for ResponseBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        match self.get_mut() {
            ResponseBody::Full(b) => Poll::Ready(b.take().map(|b| Ok(Frame::data(b)))),
            ResponseBody::Truncated { first, pause, .. } => {
                if let Some(b) = first.take() {
                    return Poll::Ready(Some(Ok(Frame::data(b))));
                }
                if let Some(p) = pause.as_mut() {
                    if p.as_mut().poll(cx).is_pending() {
                        return Poll::Pending;
                    }
                    *pause = None;
                }
                Poll::Ready(Some(Err(io::Error::other("injected truncation"))))
            }
            ResponseBody::Drip {
                rest,
                chunk,
                every,
                pause,
                ..
            } => {
                if rest.is_empty() {
                    return Poll::Ready(None);
                }
                if let Some(p) = pause.as_mut()
                    && p.as_mut().poll(cx).is_pending()
                {
                    return Poll::Pending;
                }
                let n = (*chunk).clamp(1, rest.len());
                let piece = rest.split_to(n);
                *pause = Some(Box::pin(tokio::time::sleep(*every)));
                Poll::Ready(Some(Ok(Frame::data(piece))))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        match self {
            ResponseBody::Full(b) => b.is_none(),
            ResponseBody::Drip { rest, .. } => rest.is_empty(),
            ResponseBody::Truncated { .. } => false,
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            ResponseBody::Full(b) => SizeHint::with_exact(b.as_ref().map_or(0, |b| b.len() as u64)),
            ResponseBody::Truncated { full_len, .. } | ResponseBody::Drip { full_len, .. } => {
                SizeHint::with_exact(*full_len)
            }
        }
    }
}

/// A finished answer, before it becomes an HTTP response.
enum Reply {
    Xml(Vec<u8>),
    /// A fault raised before the operation ran.
    Fault(ServiceError),
    /// A fault the operation returned.
    SoapFault(mktows_runtime::soap::SoapFault),
    Http503,
    Truncated(StatusCode, Vec<u8>),
    /// The real answer (status, body), sent slowly.
    Drip {
        status: StatusCode,
        body: Vec<u8>,
        chunk: usize,
        every: Duration,
    },
    /// Close the connection without answering; `executed` when the operation ran first.
    Drop {
        executed: bool,
    },
}

fn response(
    status: StatusCode,
    content_type: &'static str,
    body: ResponseBody,
) -> Response<ResponseBody> {
    let mut r = Response::new(body);
    *r.status_mut() = status;
    r.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    r
}

fn fault_response(f: &mktows_runtime::soap::SoapFault) -> Response<ResponseBody> {
    let body = mktows_runtime::soap::write_fault(f);
    response(
        StatusCode::INTERNAL_SERVER_ERROR,
        XML,
        ResponseBody::full(body),
    )
}

const PAGE_503: &str = "<!DOCTYPE html>\n<html><head><title>503 Service Unavailable</title></head>\n<body><h1>Service Unavailable</h1><p>The server is temporarily unable to service your request. Please try again later.</p></body></html>\n";

async fn handle(
    shared: Arc<Shared>,
    req: Request<Incoming>,
) -> Result<Response<ResponseBody>, io::Error> {
    let method = req.method().clone();
    let path = req
        .uri()
        .path_and_query()
        .map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned());
    let soap_action = req
        .headers()
        .get("soapaction")
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let host = req
        .headers()
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
        })
        .map(str::to_owned);
    let received_at_ms = unix_millis(shared.clock.now());
    let record = |operation: Option<&'static str>, body: String, outcome: Outcome| {
        lock(&shared.recorder).push(RecordedRequest {
            seq: 0,
            received_at_ms,
            method: method.to_string(),
            path: path.clone(),
            soap_action: soap_action.clone(),
            operation,
            body,
            outcome,
        });
    };

    if method == Method::GET {
        let (status, content_type, body) = if crate::wsdl::wants_wsdl(req.uri().query()) {
            let endpoint_path = match req.uri().path() {
                "" | "/" => ENDPOINT_PATH,
                p => p,
            };
            let authority = host.unwrap_or_else(|| shared.local_addr.to_string());
            let url = format!("http://{authority}{endpoint_path}");
            (StatusCode::OK, XML, crate::wsdl::with_location(&url))
        } else {
            (
                StatusCode::OK,
                "text/plain;charset=UTF-8",
                format!(
                    "mktows emulator\nPOST SOAP 1.1 requests to {ENDPOINT_PATH}; the WSDL is at {ENDPOINT_PATH}?WSDL\n"
                ),
            )
        };
        record(None, String::new(), Outcome::Page(status.as_u16()));
        return Ok(response(status, content_type, ResponseBody::full(body)));
    }
    if method != Method::POST {
        record(None, String::new(), Outcome::Page(405));
        let mut r = response(
            StatusCode::METHOD_NOT_ALLOWED,
            "text/plain;charset=UTF-8",
            ResponseBody::full("POST SOAP requests, or GET ?WSDL\n"),
        );
        r.headers_mut()
            .insert(hyper::header::ALLOW, HeaderValue::from_static("GET, POST"));
        return Ok(r);
    }

    let body = match read_body(req.into_body(), shared.config.max_request_bytes).await {
        Ok(Some(b)) => b,
        Ok(None) => {
            record(None, String::new(), Outcome::Page(413));
            return Ok(response(
                StatusCode::PAYLOAD_TOO_LARGE,
                "text/plain;charset=UTF-8",
                ResponseBody::full("request body too large\n"),
            ));
        }
        // The client went away mid-request: nobody to answer.
        Err(e) => return Err(e),
    };
    let text = String::from_utf8_lossy(&body).into_owned();
    let (operation, reply) = process(&shared, soap_action.as_deref(), &body).await;
    let outcome = match &reply {
        Reply::Xml(_) => Outcome::Success,
        Reply::Fault(e) => Outcome::Fault(e.code),
        Reply::SoapFault(f) => Outcome::Fault(
            f.detail
                .as_ref()
                .and_then(|d| d.code.trim().parse().ok())
                .unwrap_or(0),
        ),
        Reply::Http503 => Outcome::Injected(Injection::Http503),
        Reply::Truncated(..) => Outcome::Injected(Injection::TruncatedBody),
        Reply::Drip { chunk, every, .. } => Outcome::Injected(Injection::SlowDrip {
            chunk: *chunk,
            every: *every,
        }),
        Reply::Drop { executed: false } => Outcome::Injected(Injection::DropConnection),
        Reply::Drop { executed: true } => Outcome::Injected(Injection::DropAfterExecute),
    };
    record(operation, text, outcome);
    match reply {
        Reply::Xml(bytes) => Ok(response(StatusCode::OK, XML, ResponseBody::full(bytes))),
        Reply::Fault(e) => Ok(fault_response(&e.to_fault())),
        Reply::SoapFault(f) => Ok(fault_response(&f)),
        Reply::Http503 => Ok(response(
            StatusCode::SERVICE_UNAVAILABLE,
            "text/html; charset=utf-8",
            ResponseBody::full(PAGE_503),
        )),
        Reply::Truncated(status, bytes) => {
            let full_len = bytes.len() as u64;
            let half = bytes.len() / 2;
            Ok(response(
                status,
                XML,
                ResponseBody::Truncated {
                    first: Some(Bytes::copy_from_slice(&bytes[..half])),
                    full_len,
                    pause: Some(Box::pin(tokio::time::sleep(Duration::from_millis(50)))),
                },
            ))
        }
        Reply::Drip {
            status,
            body,
            chunk,
            every,
        } => Ok(response(
            status,
            XML,
            ResponseBody::Drip {
                full_len: body.len() as u64,
                rest: Bytes::from(body),
                chunk,
                every,
                pause: None,
            },
        )),
        // An error from the service makes hyper close the connection without a response.
        Reply::Drop { .. } => Err(io::Error::other("injected dropped connection")),
    }
}

/// Reads the whole body; `Ok(None)` when it exceeds `max` bytes.
async fn read_body(mut body: Incoming, max: usize) -> io::Result<Option<Vec<u8>>> {
    if body.size_hint().lower() > max as u64 {
        return Ok(None);
    }
    let mut out = Vec::new();
    loop {
        let frame = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await;
        match frame {
            None => return Ok(Some(out)),
            Some(Err(e)) => return Err(io::Error::other(e)),
            Some(Ok(f)) => {
                if let Ok(data) = f.into_data() {
                    if out.len() + data.len() > max {
                        return Ok(None);
                    }
                    out.extend_from_slice(&data);
                }
            }
        }
    }
}

/// The error code for a request that did not decode.
fn request_error(e: RequestError) -> ServiceError {
    match e {
        RequestError::SoapActionMismatch { .. } => {
            ServiceError::new(codes::UNSUPPORTED, e.to_string())
        }
        RequestError::UnknownBody { .. } => ServiceError::new(codes::NOT_UNDERSTOOD, e.to_string()),
        RequestError::Malformed(d) => {
            let code = match d.kind() {
                // A missing element: the lead-key and lead-record cases have their own codes;
                // any other missing parameter is an Invalid Request.
                DecodeErrorKind::Missing => {
                    let last = d.path().rsplit('/').next().unwrap_or("");
                    match last {
                        "leadKey" => codes::LEAD_KEY_REQUIRED,
                        "leadRecord" => codes::LEAD_DETAIL_REQUIRED,
                        _ => codes::INVALID_REQUEST,
                    }
                }
                _ => codes::NOT_UNDERSTOOD,
            };
            ServiceError::new(code, d.to_string())
        }
    }
}

async fn process(
    shared: &Shared,
    soap_action: Option<&str>,
    body: &[u8],
) -> (Option<&'static str>, Reply) {
    let decoded = match mktows::server::decode_request(soap_action, body, ReadLimits::default()) {
        Ok(d) => d,
        Err(e) => return (None, Reply::Fault(request_error(e))),
    };
    let operation = decoded.request.operation().name;
    let now = shared.clock.now();
    if let Err(e) = crate::auth::authenticate(
        &shared.signer,
        &decoded.headers,
        now,
        shared.config.timestamp_window,
        shared.config.lenient_timestamps,
    ) {
        return (Some(operation), Reply::Fault(e));
    }
    let _in_flight = match shared.throttle.admit(now) {
        Ok(guard) => guard,
        Err(e) => return (Some(operation), Reply::Fault(e)),
    };
    // How the answer of an operation that runs is delivered.
    let injection = shared.injector.take(operation);
    match injection {
        Some(Injection::Delay(d)) => tokio::time::sleep(d).await,
        Some(Injection::DropConnection) => {
            return (Some(operation), Reply::Drop { executed: false });
        }
        Some(Injection::Http503) => return (Some(operation), Reply::Http503),
        Some(Injection::Fault(code)) => {
            return (
                Some(operation),
                Reply::Fault(ServiceError::new(code, "injected fault")),
            );
        }
        None
        | Some(
            Injection::TruncatedBody | Injection::SlowDrip { .. } | Injection::DropAfterExecute,
        ) => {}
    }
    let (status, bytes) = match mktows::server::handle(&shared.engine, decoded).await {
        Ok(response) => match response.to_envelope() {
            Ok(bytes) => (StatusCode::OK, bytes),
            Err(e) => {
                return (
                    Some(operation),
                    Reply::Fault(ServiceError::new(
                        20011,
                        format!("the response could not be written: {e}"),
                    )),
                );
            }
        },
        Err(fault) => match injection {
            None | Some(Injection::Delay(_)) => return (Some(operation), Reply::SoapFault(fault)),
            _ => (
                StatusCode::INTERNAL_SERVER_ERROR,
                mktows_runtime::soap::write_fault(&fault),
            ),
        },
    };
    let reply = match injection {
        Some(Injection::TruncatedBody) => Reply::Truncated(status, bytes),
        Some(Injection::SlowDrip { chunk, every }) => Reply::Drip {
            status,
            body: bytes,
            chunk,
            every,
        },
        Some(Injection::DropAfterExecute) => Reply::Drop { executed: true },
        _ => Reply::Xml(bytes),
    };
    (Some(operation), reply)
}
