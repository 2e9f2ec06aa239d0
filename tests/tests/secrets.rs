//! The encryption key and the request signatures never appear in logs, errors or `Debug`
//! output: representative calls through the generated client (success, fault, re-signed retry
//! after 20016, a gateway page, a response that does not decode), with raw XML logging on and
//! every tracing field captured, plus `Debug`/`Display` of everything a program might print.
//! A hostile server echoes the signature back wherever it can.
//!
//! The signatures are recomputed here from the timestamps actually sent, so the check covers
//! exactly the values that existed.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mktows::server::decode_request;
use mktows::{
    AuthenticationHeaderInfo, LeadKey, LeadKeyRef, LeadRecord, ParamsGetLead,
    ParamsScheduleCampaign, ParamsSyncLead,
};
use mktows_runtime::sign::Signer;
use mktows_runtime::transport::{HttpRequest, HttpResponse, transport_fn};
use mktows_runtime::xml::ReadLimits;
use mktows_runtime::{Client, Error, FaultCode, RetryPolicy};

const KEY: &str = "SECRET-KEY-DO-NOT-LEAK-0123456789";
const USER_ID: &str = "example_user_0000000000000000";
const ENDPOINT: &str = "https://mktows.example.invalid/soap/mktows/2_3";

// ---------------------------------------------------------------------------------------------
// capturing every span and event field

#[derive(Clone, Default)]
struct Capture {
    out: Arc<Mutex<String>>,
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
    fn record_error(
        &mut self,
        field: &tracing::field::Field,
        value: &(dyn std::error::Error + 'static),
    ) {
        let _ = write!(self.0, " {}={} / {:?}", field.name(), value, value);
    }
}

impl tracing::Subscriber for Capture {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let mut out = self.out.lock().expect("capture lock");
        let _ = write!(out, "\nSPAN {}", span.metadata().name());
        span.record(&mut Visitor(&mut out));
        tracing::span::Id::from_u64(self.next.fetch_add(1, Ordering::SeqCst) + 1)
    }
    fn record(&self, _: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        let mut out = self.out.lock().expect("capture lock");
        out.push_str("\nRECORD");
        values.record(&mut Visitor(&mut out));
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut out = self.out.lock().expect("capture lock");
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
    fn text(&self) -> String {
        self.out.lock().expect("capture lock").clone()
    }
}

// ---------------------------------------------------------------------------------------------
// a scripted in-memory server that echoes the signature back

/// What the test server saw: every request, and the `Debug` of everything it decoded.
#[derive(Default)]
struct Seen {
    /// (timestamp, signature) of every request, as sent.
    signed: Vec<(String, String)>,
    /// `Debug` output produced on the server side.
    formatted: Vec<String>,
}

/// The text of the first `<local>` element in `body`.
fn element(body: &str, local: &str) -> String {
    let open = format!("<{local}>");
    let start = body.find(&open).map(|i| i + open.len()).unwrap_or(0);
    let end = body[start..].find('<').map_or(body.len(), |i| start + i);
    body[start..end].to_owned()
}

const ENV_OPEN: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><SOAP-ENV:Envelope xmlns:SOAP-ENV=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:ns1=\"http://www.marketo.com/mktows/\"><SOAP-ENV:Body>";
const ENV_CLOSE: &str = "</SOAP-ENV:Body></SOAP-ENV:Envelope>";

fn fault(code: u32, message: &str) -> Vec<u8> {
    format!(
        "{ENV_OPEN}<SOAP-ENV:Fault><faultcode>SOAP-ENV:Client</faultcode><faultstring>{code} - {message}</faultstring><detail><ns1:serviceException><name>mktServiceException</name><message>{message} ({code})</message><code>{code}</code></ns1:serviceException></detail></SOAP-ENV:Fault>{ENV_CLOSE}"
    )
    .into_bytes()
}

/// Answers request `i` of the script; every answer repeats the signature it was sent.
fn answer(i: usize, req: &HttpRequest, seen: &Mutex<Seen>) -> HttpResponse {
    let body = String::from_utf8_lossy(&req.body).into_owned();
    let timestamp = element(&body, "requestTimestamp");
    let signature = element(&body, "requestSignature");
    let decoded = decode_request(Some(req.soap_action), &req.body, ReadLimits::default())
        .expect("the client sends requests the generated server decodes");
    {
        let mut seen = seen.lock().expect("seen lock");
        seen.signed.push((timestamp.clone(), signature.clone()));
        seen.formatted.push(format!("{req:?}"));
        seen.formatted.push(format!("{decoded:?}"));
        seen.formatted.push(format!("{:?}", decoded.headers));
        seen.formatted.push(format!("{:?}", decoded.request));
    }
    let echo = format!("signature {signature} for {timestamp} and {USER_ID}");
    match i {
        // 1: getLead succeeds; the response repeats the signature in a string field.
        0 => HttpResponse::xml(
            200,
            format!(
                "{ENV_OPEN}<ns1:successGetLead><result><count>1</count><leadRecordList><leadRecord><Id>1</Id><Email>{signature}@example.invalid</Email></leadRecord></leadRecordList></result></ns1:successGetLead>{ENV_CLOSE}"
            ),
        ),
        // 2: syncLead fails authentication, echoing the signature in the fault.
        1 => HttpResponse::xml(500, fault(20014, &format!("Authentication failed: {echo}"))),
        // 3: scheduleCampaign: the request expired (echoed), re-signed, then succeeds.
        2 => HttpResponse::xml(500, fault(20016, &format!("Request expired: {echo}"))),
        3 => HttpResponse::xml(
            200,
            format!(
                "{ENV_OPEN}<ns1:successScheduleCampaign><result><success>true</success></result></ns1:successScheduleCampaign>{ENV_CLOSE}"
            ),
        ),
        // 4: getLead meets a gateway page that shows the request it received.
        4 => HttpResponse {
            status: 503,
            content_type: Some("text/html".to_owned()),
            body: format!("<html><body>Service unavailable. {echo}</body></html>").into_bytes(),
        },
        // 5: getLead gets a success whose invalid value is the signature.
        5 => HttpResponse::xml(
            200,
            format!(
                "{ENV_OPEN}<ns1:successGetLead><result><count>{signature}</count></result></ns1:successGetLead>{ENV_CLOSE}"
            ),
        ),
        // 6: ... or whose body element is named after it ...
        6 => HttpResponse::xml(200, format!("{ENV_OPEN}<ns1:s{signature}/>{ENV_CLOSE}")),
        // 7: ... or has an element named after it inside a simple value.
        _ => HttpResponse::xml(
            200,
            format!(
                "{ENV_OPEN}<ns1:successGetLead><result><count><s{signature}/></count></result></ns1:successGetLead>{ENV_CLOSE}"
            ),
        ),
    }
}

fn get_lead() -> ParamsGetLead {
    ParamsGetLead::new(LeadKey::new(LeadKeyRef::Idnum, "1001"))
}

#[tokio::test]
async fn key_and_signatures_never_appear_in_logs_errors_or_debug_output() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let mut formatted: Vec<String> = Vec::new();

    let seen = Arc::new(Mutex::new(Seen::default()));
    let counter = Arc::new(AtomicUsize::new(0));
    let (seen_t, counter_t) = (Arc::clone(&seen), Arc::clone(&counter));
    let transport = transport_fn(move |req: HttpRequest| {
        let i = counter_t.fetch_add(1, Ordering::SeqCst);
        let response = answer(i, &req, &seen_t);
        async move { Ok(response) }
    });
    let builder = Client::builder()
        .endpoint(ENDPOINT)
        .user_id(USER_ID)
        .encryption_key(KEY)
        .log_raw_xml(true)
        .retry_policy(RetryPolicy {
            max_backoff_retries: 0,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(1),
            resign_on_expired: true,
        });
    formatted.push(format!("{builder:?}"));
    let runtime = builder
        .build_with_transport(transport)
        .expect("valid configuration");
    formatted.push(format!("{runtime:?}"));
    let client = mktows::Client::new(runtime);
    formatted.push(format!("{client:?}"));

    // 1: success.
    let params = get_lead();
    formatted.push(format!("{params:?}"));
    let lead = client.get_lead(&params).await.expect("getLead succeeds");
    assert_eq!(lead.result.count, 1);
    // (The echoed signature in a decoded value is the server's data, returned as sent; it is
    // not part of what is checked below.)

    // 2: a fault that echoes the signature.
    let sync = ParamsSyncLead::new(LeadRecord::new(), true);
    formatted.push(format!("{sync:?}"));
    let err = client.sync_lead(&sync, None).await.unwrap_err();
    assert_eq!(err.fault_code(), Some(FaultCode::AuthenticationFailed));
    formatted.push(render(&err));

    // 3: 20016, re-signed with a fresh timestamp, then success.
    let schedule = ParamsScheduleCampaign::new("Example program", "Example campaign");
    formatted.push(format!("{schedule:?}"));
    let ok = client
        .schedule_campaign(&schedule)
        .await
        .expect("retried after 20016");
    formatted.push(format!("{ok:?}"));

    // 4: a gateway page that shows the request.
    let err = client.get_lead(&params).await.unwrap_err();
    assert!(matches!(err, Error::Http { status: 503, .. }), "{err:?}");
    formatted.push(render(&err));

    // 5 to 7: success responses that do not decode, with the signature in the bad part.
    for expected in [
        r#"at successGetLead/result/count: invalid xs:int "***""#,
        "at s***: expected successGetLead, found s***",
        "at line 1, column 210 (in successGetLead/result/count): element content not allowed in simple-typed element (found <s***>)",
    ] {
        let err = client.get_lead(&params).await.unwrap_err();
        assert!(
            matches!(
                err,
                Error::Decode {
                    http_status: 200,
                    ..
                }
            ),
            "{err:?}"
        );
        assert_eq!(
            err.to_string(),
            format!("could not decode the response (HTTP 200): {expected}")
        );
        formatted.push(render(&err));
    }
    assert_eq!(counter.load(Ordering::SeqCst), 8);

    // The signer, a signed header and the generated header type built from real values.
    let signer = Signer::new(USER_ID, KEY.as_bytes()).expect("valid signer");
    formatted.push(format!("{signer:?}"));
    let (ts, sig) = seen.lock().expect("seen lock").signed[0].clone();
    formatted.push(format!(
        "{:?}",
        mktows_runtime::SignedHeader {
            user_id: USER_ID,
            timestamp: &ts,
            signature: &sig,
        }
    ));
    // The generated header type shows the user id (it is what a server decodes) but not the
    // signature.
    let header = AuthenticationHeaderInfo::new(USER_ID, sig.clone(), ts.clone());
    let header_debug = format!("{header:?}");
    assert!(
        header_debug.contains(r#"request_signature: "<redacted>""#),
        "{header_debug}"
    );
    // Configuration errors mention settings, never values.
    for bad in [
        Client::builder()
            .endpoint("not a url")
            .user_id(USER_ID)
            .encryption_key(KEY)
            .build(),
        Client::builder()
            .user_id(USER_ID)
            .encryption_key(KEY)
            .build(),
    ] {
        formatted.push(render(&bad.expect_err("invalid configuration")));
    }

    // Every signature sent is the HMAC of what was sent, recomputed here.
    let seen = seen.lock().expect("seen lock");
    assert_eq!(seen.signed.len(), 8);
    let signatures: Vec<String> = seen
        .signed
        .iter()
        .map(|(ts, sent)| {
            let expected = signer.sign(ts);
            assert_eq!(sent, &expected, "signature of {ts}");
            expected
        })
        .collect();
    let mut server_side = seen.formatted.clone();
    server_side.push(header_debug);

    let logs = capture.text();
    // The capture saw what it should: raw XML both ways, the retry, the errors.
    assert!(logs.contains("RAW request"), "{logs}");
    assert!(logs.contains("RAW response"), "{logs}");
    assert!(
        logs.contains("<requestSignature>***</requestSignature>"),
        "{logs}"
    );
    assert!(logs.contains("retrying"), "{logs}");
    assert!(logs.contains("not retrying"), "{logs}");
    assert!(
        formatted
            .iter()
            .any(|f| f.contains("Authentication failed: signature ***"))
    );

    let key_parts = [KEY, "DO-NOT-LEAK", "0123456789"];
    let everything = formatted
        .iter()
        .chain(&server_side)
        .chain(std::iter::once(&logs));
    for (i, text) in everything.enumerate() {
        for part in key_parts {
            assert!(!text.contains(part), "key leaked in output {i}: {text}");
        }
        for sig in &signatures {
            assert!(
                !text.contains(sig.as_str()),
                "signature {sig} leaked in output {i}: {text}"
            );
            // Not even the first half of one.
            assert!(
                !text.contains(&sig[..20]),
                "signature prefix leaked in output {i}: {text}"
            );
        }
    }
    // The user id: masked in the client's logs and errors (the server side legitimately
    // decodes it).
    for text in formatted.iter().chain(std::iter::once(&logs)) {
        assert!(!text.contains(USER_ID), "user id leaked: {text}");
    }
}

/// `Debug`, `Display` and the `source()` chain of an error.
fn render(err: &Error) -> String {
    let mut s = format!("{err:?} | {err}");
    let mut cur = std::error::Error::source(err);
    while let Some(e) = cur {
        let _ = write!(s, " | {e} / {e:?}");
        cur = e.source();
    }
    s
}
