//! Shared test fixtures: a scripted HTTP/1.1 server on 127.0.0.1, hand-written operations and
//! response type (as generated code would write them), and a tracing capture.
//!
//! All values are neutral placeholders.

#![allow(dead_code)] // each test binary uses a different subset

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use mktows_runtime::client::{Operation, SignedHeader};
use mktows_runtime::xml::{Decode, DecodeError, ElementName, EncodeError, Reader, Start, Writer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub const NS: &str = "http://www.marketo.com/mktows/";
pub const DECLARED: &[(&str, &str)] = &[("ns1", NS)];
pub const USER_ID: &str = "example_user_0000000000000000";
pub const KEY: &str = "EXAMPLE-SECRET-KEY-0000000000000000";

/// Writes the `AuthenticationHeader` as generated code does.
pub fn write_auth(w: &mut Writer, h: &SignedHeader<'_>) -> Result<(), EncodeError> {
    let name = ElementName::qualified(NS, "AuthenticationHeader");
    w.start(name)?;
    w.end_start();
    w.required(ElementName::local("mktowsUserId"), h.user_id)?;
    w.required(ElementName::local("requestSignature"), h.signature)?;
    w.required(ElementName::local("requestTimestamp"), h.timestamp)?;
    w.end(name);
    Ok(())
}

/// A read-only operation (retried after connection failures).
pub static READ_OP: Operation = Operation {
    name: "getLead",
    soap_action: "http://www.marketo.com/mktows/getLead",
    request: (NS, "paramsGetLead"),
    response: (NS, "successTest"),
    namespaces: DECLARED,
    auth: Some(write_auth),
};

/// An operation that changes data (never retried once the request may have arrived).
pub static WRITE_OP: Operation = Operation {
    name: "scheduleCampaign",
    soap_action: "http://www.marketo.com/mktows/scheduleCampaign",
    request: (NS, "paramsScheduleCampaign"),
    response: (NS, "successTest"),
    namespaces: DECLARED,
    auth: Some(write_auth),
};

/// The request body element both test operations send.
pub fn body() -> Vec<u8> {
    let mut w = Writer::with_declared(DECLARED);
    let name = ElementName::qualified(NS, "paramsGetLead");
    w.start(name).unwrap();
    w.end_start();
    w.required(ElementName::local("campaignName"), "Example campaign")
        .unwrap();
    w.end(name);
    w.into_bytes()
}

/// The response type: `<successTest><success>bool</success></successTest>`.
#[derive(Debug, PartialEq, Eq)]
pub struct Outcome {
    pub success: bool,
}

impl Decode for Outcome {
    fn decode(r: &mut Reader<'_>, _start: &Start<'_>) -> Result<Self, DecodeError> {
        let mut success = None;
        while let Some(child) = r.next_child()? {
            match child.unqualified() {
                Some(b"success") => r.required(&child, &mut success)?,
                _ => r.skip(&child)?,
            }
        }
        Ok(Outcome {
            success: r.require(success, "success")?,
        })
    }
}

pub const SUCCESS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns1="http://www.marketo.com/mktows/"><SOAP-ENV:Body><ns1:successTest><success>true</success></ns1:successTest></SOAP-ENV:Body></SOAP-ENV:Envelope>"#;

/// A mktows fault body with `code` in the detail, shaped like the documented one.
pub fn fault(code: u32, text: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/">
  <SOAP-ENV:Body>
    <SOAP-ENV:Fault>
      <faultcode>SOAP-ENV:Client</faultcode>
      <faultstring>{code} - {text}</faultstring>
      <detail>
        <ns1:serviceException xmlns:ns1="http://www.marketo.com/mktows/">
          <name>mktServiceException</name>
          <message>{text} ({code})</message>
          <code>{code}</code>
        </ns1:serviceException>
      </detail>
    </SOAP-ENV:Fault>
  </SOAP-ENV:Body>
</SOAP-ENV:Envelope>"#
    )
}

/// 2013-06-09T22:04:54Z, i.e. `2013-06-09T14:04:54-08:00`.
pub fn base_instant() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_370_815_494)
}

/// A clock that returns `base + steps[i]` on its i-th reading (the last step repeats).
pub fn stepping_clock(steps: &'static [u64]) -> impl Fn() -> SystemTime + Send + Sync + 'static {
    let n = AtomicUsize::new(0);
    move || {
        let i = n.fetch_add(1, Ordering::SeqCst).min(steps.len() - 1);
        base_instant() + Duration::from_secs(steps[i])
    }
}

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub head: String,
    pub body: String,
}

impl Recorded {
    /// The text of the first element named `local` in the body.
    pub fn element(&self, local: &str) -> Option<String> {
        let open = format!("<{local}>");
        let start = self.body.find(&open)? + open.len();
        let end = self.body[start..].find('<')? + start;
        Some(self.body[start..end].to_owned())
    }

    /// A header value (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<String> {
        self.head.lines().skip(1).find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_owned())
        })
    }
}

/// What the server does with one request.
pub enum Reply {
    /// A complete response with `Content-Length`.
    Http {
        status: u16,
        content_type: &'static str,
        body: Vec<u8>,
    },
    /// These bytes verbatim, then close the connection.
    Raw(Vec<u8>),
    /// Reset the connection (RST) without answering.
    Reset,
    /// Wait, then do the inner reply.
    Delay(Duration, Box<Reply>),
}

impl Reply {
    pub fn xml(status: u16, body: impl Into<Vec<u8>>) -> Reply {
        Reply::Http {
            status,
            content_type: "text/xml;charset=UTF-8",
            body: body.into(),
        }
    }
}

type Handler = dyn Fn(usize, &Recorded) -> Reply + Send + Sync;

/// A scripted HTTP/1.1 server on 127.0.0.1:0 that records every request.
pub struct Server {
    pub addr: SocketAddr,
    pub requests: Arc<Mutex<Vec<Recorded>>>,
    pub connections: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Server {
    /// Starts a server answering request number `i` (0-based, across connections) with
    /// `handler(i, &request)`.
    pub async fn start(
        handler: impl Fn(usize, &Recorded) -> Reply + Send + Sync + 'static,
    ) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let recorded = Arc::clone(&requests);
        let connections = Arc::new(AtomicUsize::new(0));
        let accepted = Arc::clone(&connections);
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                accepted.fetch_add(1, Ordering::SeqCst);
                let (handler, recorded) = (Arc::clone(&handler), Arc::clone(&recorded));
                tokio::spawn(async move {
                    serve_connection(stream, handler, recorded).await;
                });
            }
        });
        Server {
            addr,
            requests,
            connections,
            task,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}/soap/mktows/2_3", self.addr)
    }

    pub fn count(&self) -> usize {
        self.requests.lock().unwrap().len()
    }

    pub fn recorded(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }
}

async fn serve_connection(
    mut stream: TcpStream,
    handler: Arc<Handler>,
    recorded: Arc<Mutex<Vec<Recorded>>>,
) {
    let mut buf = Vec::new();
    loop {
        // Read one request: head up to the blank line, then Content-Length bytes.
        let head_end = loop {
            if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break p + 4;
            }
            let mut chunk = [0u8; 8192];
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
        let len: usize = head
            .lines()
            .find_map(|l| {
                let (n, v) = l.split_once(':')?;
                n.eq_ignore_ascii_case("content-length")
                    .then(|| v.trim().parse().ok())?
            })
            .unwrap_or(0);
        while buf.len() < head_end + len {
            let mut chunk = [0u8; 8192];
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        let body = String::from_utf8_lossy(&buf[head_end..head_end + len]).into_owned();
        buf.drain(..head_end + len);
        let request = Recorded { head, body };
        let index = {
            let mut r = recorded.lock().unwrap();
            r.push(request.clone());
            r.len() - 1
        };
        let mut reply = handler(index, &request);
        while let Reply::Delay(d, inner) = reply {
            tokio::time::sleep(d).await;
            reply = *inner;
        }
        match reply {
            Reply::Http {
                status,
                content_type,
                body,
            } => {
                let mut out = String::new();
                write!(
                    out,
                    "HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
                    body.len()
                )
                .unwrap();
                let mut bytes = out.into_bytes();
                bytes.extend_from_slice(&body);
                if stream.write_all(&bytes).await.is_err() {
                    return;
                }
            }
            Reply::Raw(bytes) => {
                let _ = stream.write_all(&bytes).await;
                let _ = stream.shutdown().await;
                return;
            }
            Reply::Reset => {
                let _ = stream.set_zero_linger();
                return;
            }
            Reply::Delay(..) => unreachable!("unwrapped above"),
        }
    }
}

/// Collects every span and event field formatted with `Debug`, to check what logs contain.
#[derive(Clone, Default)]
pub struct Capture {
    pub out: Arc<Mutex<String>>,
    next: Arc<AtomicU64>,
}

struct Visitor<'a>(&'a mut String);

impl tracing::field::Visit for Visitor<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, " {}={:?}", field.name(), value);
    }
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        let _ = write!(self.0, " {}={}", field.name(), value);
    }
}

impl tracing::Subscriber for Capture {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let mut out = self.out.lock().unwrap();
        let _ = write!(out, "\nSPAN {}", span.metadata().name());
        span.record(&mut Visitor(&mut out));
        tracing::span::Id::from_u64(self.next.fetch_add(1, Ordering::SeqCst) + 1)
    }
    fn record(&self, _: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        let mut out = self.out.lock().unwrap();
        out.push_str("\nRECORD");
        values.record(&mut Visitor(&mut out));
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut out = self.out.lock().unwrap();
        let _ = write!(
            out,
            "\nEVENT {} {}",
            event.metadata().level(),
            event.metadata().target()
        );
        event.record(&mut Visitor(&mut out));
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

impl Capture {
    pub fn text(&self) -> String {
        self.out.lock().unwrap().clone()
    }
}
