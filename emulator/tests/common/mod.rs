//! Helpers shared by the emulator's integration tests: fixed credentials, clients that never
//! retry, and raw signed SOAP requests.

#![allow(dead_code)] // each test binary uses a different subset

use std::time::{Duration, SystemTime};

use mktows_emulator::{Emulator, EmulatorBuilder, RunningEmulator};
use mktows_runtime::sign::{Signer, UtcOffset, format_timestamp};
use mktows_runtime::{Error, Limits, RetryPolicy};

pub const USER: &str = "test_user_0001";
pub const KEY: &str = "test-encryption-key-0001";
pub const MKTOWS: &str = "http://www.marketo.com/mktows/";
pub const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// A builder with the test credentials (demo data, documented limits).
pub fn emulator() -> EmulatorBuilder {
    Emulator::builder().credentials(USER, KEY)
}

/// Starts an emulator with the demo data and the test credentials.
pub async fn start() -> RunningEmulator {
    emulator().start().await.expect("emulator starts")
}

/// A runtime client builder for `emu` that never retries and does not throttle itself, so
/// tests see exactly what the emulator answers.
pub fn runtime_builder(emu: &RunningEmulator) -> mktows_runtime::ClientBuilder {
    emu.client_builder()
        .retry_policy(RetryPolicy::never())
        .limits(Limits {
            max_in_flight: 64,
            max_calls_per_window: 100_000,
            window: Duration::from_secs(20),
        })
        .timeout(Duration::from_secs(30))
}

/// The typed client for `emu` (no retries, no client-side throttling).
pub fn client(emu: &RunningEmulator) -> mktows::Client {
    mktows::Client::new(runtime_builder(emu).build().expect("client"))
}

/// The integer fault code of an error, or a panic naming what came instead.
pub fn code(e: Error) -> i64 {
    match &e {
        Error::Fault {
            http_status, code, ..
        } => {
            assert_eq!(*http_status, 500, "faults come with HTTP 500");
            code.code()
                .unwrap_or_else(|| panic!("fault without code: {e}"))
        }
        _ => panic!("expected a SOAP fault, got {e}"),
    }
}

/// The fault code of a call that must fail.
pub fn fault<T: std::fmt::Debug>(r: Result<T, Error>) -> i64 {
    code(r.expect_err("the call must fault"))
}

/// `requestTimestamp` for now, `+00:00`.
pub fn now_ts() -> String {
    format_timestamp(SystemTime::now(), UtcOffset::UTC)
}

/// An `AuthenticationHeader` (prefix `ns1`) for `ts`, signed with the test key.
pub fn auth_header(ts: &str) -> String {
    auth_header_with(USER, KEY, ts)
}

/// An `AuthenticationHeader` for `ts` signed with any credentials.
pub fn auth_header_with(user: &str, key: &str, ts: &str) -> String {
    let sig = Signer::new(user, key.as_bytes()).expect("signer").sign(ts);
    format!(
        "<ns1:AuthenticationHeader><mktowsUserId>{user}</mktowsUserId><requestSignature>{sig}</requestSignature><requestTimestamp>{ts}</requestTimestamp></ns1:AuthenticationHeader>"
    )
}

/// A SOAP 1.1 envelope declaring `SOAP-ENV`, `ns1` (mktows) and `xsi`.
pub fn envelope(headers: &str, body: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<SOAP-ENV:Envelope xmlns:SOAP-ENV=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:ns1=\"{MKTOWS}\" xmlns:xsi=\"{XSI}\"><SOAP-ENV:Header>{headers}</SOAP-ENV:Header><SOAP-ENV:Body>{body}</SOAP-ENV:Body></SOAP-ENV:Envelope>"
    )
}

/// A signed envelope (current time) around `body`.
pub fn signed(body: &str) -> String {
    envelope(&auth_header(&now_ts()), body)
}

/// The SOAPAction of an operation, quoted as SOAP 1.1 stacks send it.
pub fn action(op: &str) -> String {
    format!("\"{MKTOWS}{op}\"")
}

/// A raw HTTP answer.
#[derive(Debug)]
pub struct Raw {
    pub status: u16,
    pub content_type: String,
    pub body: String,
}

impl Raw {
    /// The `detail/serviceException/code` of a fault body.
    pub fn code(&self) -> Option<u32> {
        between(&self.body, "<code>", "</code>").and_then(|c| c.trim().parse().ok())
    }

    /// Text of the first `<tag>` element.
    pub fn text(&self, tag: &str) -> Option<&str> {
        between(&self.body, &format!("<{tag}>"), &format!("</{tag}>"))
    }

    /// Texts of every `<tag>` element, in order.
    pub fn texts(&self, tag: &str) -> Vec<&str> {
        let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
        let mut out = Vec::new();
        let mut rest = self.body.as_str();
        while let Some(i) = rest.find(&open) {
            let after = &rest[i + open.len()..];
            let Some(j) = after.find(&close) else { break };
            out.push(&after[..j]);
            rest = &after[j..];
        }
        out
    }

    /// Asserts a fault with `code`, shaped like the documented one.
    #[track_caller]
    pub fn assert_fault(&self, code: u32) {
        assert_eq!(self.status, 500, "{}", self.body);
        assert_eq!(self.content_type, "text/xml;charset=UTF-8");
        assert_eq!(self.code(), Some(code), "{}", self.body);
        assert!(
            self.body.contains("<faultcode>SOAP-ENV:Client</faultcode>"),
            "{}",
            self.body
        );
        let fs = self.text("faultstring").expect("faultstring");
        assert!(fs.starts_with(&format!("{code} - ")), "{fs}");
        let msg = self.text("message").expect("message");
        assert!(msg.ends_with(&format!(" ({code})")), "{msg}");
        assert_eq!(self.text("name"), Some("mktServiceException"));
    }

    /// Asserts HTTP 200 with an XML body.
    #[track_caller]
    pub fn assert_ok(&self) {
        assert_eq!(self.status, 200, "{}", self.body);
        assert_eq!(self.content_type, "text/xml;charset=UTF-8");
    }
}

fn between<'a>(s: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let i = s.find(open)? + open.len();
    let j = s[i..].find(close)?;
    Some(&s[i..i + j])
}

/// One HTTP client for all raw requests: building one is slow in debug builds (TLS roots).
/// Idle connections are not pooled, because each `#[tokio::test]` has its own runtime.
pub fn http() -> &'static reqwest::Client {
    static CLIENT: std::sync::OnceLock<reqwest::Client> = std::sync::OnceLock::new();
    CLIENT.get_or_init(|| {
        reqwest::Client::builder()
            .pool_max_idle_per_host(0)
            .build()
            .expect("HTTP client")
    })
}

/// POSTs `body` with an optional SOAPAction header (sent exactly as given).
pub async fn post(url: &str, soap_action: Option<&str>, body: impl Into<String>) -> Raw {
    let mut req = http()
        .post(url)
        .header("Content-Type", "text/xml; charset=utf-8")
        .body(body.into());
    if let Some(a) = soap_action {
        req = req.header("SOAPAction", a);
    }
    let resp = req.send().await.expect("HTTP exchange");
    raw(resp).await
}

/// GETs `url`.
pub async fn get(url: &str) -> Raw {
    raw(http().get(url).send().await.expect("HTTP exchange")).await
}

async fn raw(resp: reqwest::Response) -> Raw {
    let status = resp.status().as_u16();
    let content_type = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let body = resp.text().await.expect("body");
    Raw {
        status,
        content_type,
        body,
    }
}

/// A getLead body for `IDNUM id`.
pub fn get_lead_body(id: &str) -> String {
    format!(
        "<ns1:paramsGetLead><leadKey><keyType>IDNUM</keyType><keyValue>{id}</keyValue></leadKey></ns1:paramsGetLead>"
    )
}
