//! Hostile responses (and requests): entity bombs, external entities, deep nesting, a 1 GiB
//! body, invalid UTF-8, faults without detail, the wrong success element and truncated XML.
//! Each must end in its typed error, quickly, without expanding, recursing or buffering.
//!
//! Each case goes through `mktows_runtime::soap::read_response` with the generated types, and
//! where it makes sense through the generated server dispatcher and a whole client call.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use mktows::server::decode_request;
use mktows::{LeadKey, LeadKeyRef, ParamsGetLead, SuccessGetLead, operations};
use mktows_runtime::server::RequestError;
use mktows_runtime::soap::read_response;
use mktows_runtime::transport::{HttpResponse, transport_fn};
use mktows_runtime::xml::{DecodeError, DecodeErrorKind, Location, ReadLimits};
use mktows_runtime::{Client, Error, FaultCode, RetryPolicy};

const SOAP_ENV: &str = "http://schemas.xmlsoap.org/soap/envelope/";
const MKTOWS: &str = "http://www.marketo.com/mktows/";

/// Generous bound that proves "does not hang or expand"; every case here takes milliseconds.
const QUICK: Duration = Duration::from_secs(10);

/// `<?xml?>` + `prolog` + an envelope around `body`, with `ns1` bound to mktows.
fn envelope(prolog: &str, body: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{prolog}<SOAP-ENV:Envelope xmlns:SOAP-ENV=\"{SOAP_ENV}\" xmlns:ns1=\"{MKTOWS}\"><SOAP-ENV:Body>{body}</SOAP-ENV:Body></SOAP-ENV:Envelope>"
    )
}

/// A request envelope with the getLead body element.
fn request(prolog: &str, body_inner: &str) -> String {
    envelope(
        prolog,
        &format!("<ns1:paramsGetLead>{body_inner}</ns1:paramsGetLead>"),
    )
}

/// `bytes` as a getLead response; must be a decode error, returned within [`QUICK`].
fn response_error(bytes: &[u8]) -> DecodeError {
    let started = Instant::now();
    let result = read_response::<SuccessGetLead>(
        bytes,
        operations::GET_LEAD.response,
        ReadLimits::default(),
    );
    assert!(started.elapsed() < QUICK, "took {:?}", started.elapsed());
    match result {
        Err(e) => e,
        Ok(other) => panic!("expected a decode error, got {other:?}"),
    }
}

/// `bytes` as a request to the generated dispatcher; must be `Malformed`, within [`QUICK`].
fn request_error(bytes: &[u8]) -> DecodeError {
    let started = Instant::now();
    let result = decode_request(
        Some(operations::GET_LEAD.soap_action),
        bytes,
        ReadLimits::default(),
    );
    assert!(started.elapsed() < QUICK, "took {:?}", started.elapsed());
    match result {
        Err(RequestError::Malformed(e)) => e,
        other => panic!("expected RequestError::Malformed, got {other:?}"),
    }
}

fn at(line: usize, column: usize) -> Option<Location> {
    Some(Location { line, column })
}

/// A client over an in-memory transport that answers every call with `status` and `body`.
fn client_answering(status: u16, body: Vec<u8>) -> mktows::Client<impl mktows_runtime::Transport> {
    let body = Arc::new(body);
    let runtime = Client::builder()
        .endpoint("https://mktows.example.invalid/soap/mktows/2_3")
        .user_id("example_user_0000000000000000")
        .encryption_key("EXAMPLE-KEY-0000000000000000")
        .retry_policy(RetryPolicy::never())
        .build_with_transport(transport_fn(move |_req| {
            let body = Arc::clone(&body);
            async move { Ok(HttpResponse::xml(status, body.to_vec())) }
        }))
        .expect("valid test configuration");
    mktows::Client::new(runtime)
}

fn get_lead_params() -> ParamsGetLead {
    ParamsGetLead::new(LeadKey::new(LeadKeyRef::Idnum, "1001"))
}

/// A whole `getLead` call answered with `status` and `body`; returns its error.
async fn call_error(status: u16, body: Vec<u8>) -> Error {
    let client = client_answering(status, body);
    let started = Instant::now();
    let result = client.get_lead(&get_lead_params()).await;
    assert!(started.elapsed() < QUICK, "took {:?}", started.elapsed());
    match result {
        Err(e) => e,
        Ok(v) => panic!("expected an error, got {v:?}"),
    }
}

/// A call's error must be `Error::Decode` with HTTP 200 and exactly `expected` as source.
async fn assert_call_decode_error(body: &[u8], expected: &DecodeError) {
    match call_error(200, body.to_vec()).await {
        Error::Decode {
            http_status: 200,
            source,
        } => assert_eq!(&source, expected),
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// entity expansion

/// The classic billion laughs: ten levels of ten references, 10^9 `lol`s if expanded.
fn billion_laughs() -> String {
    let mut dtd = String::from("<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n");
    for i in 1..=9 {
        let prev = if i == 1 {
            "lol".to_owned()
        } else {
            format!("lol{}", i - 1)
        };
        let refs = format!("&{prev};").repeat(10);
        dtd.push_str(&format!("<!ENTITY lol{i} \"{refs}\">\n"));
    }
    dtd.push_str("]>\n");
    dtd
}

const DOCTYPE_MESSAGE: &str = "malformed XML: DOCTYPE is not allowed (no DTDs or custom entities)";

#[tokio::test]
async fn billion_laughs_is_refused_at_the_doctype_without_expansion() {
    let response = envelope(
        &billion_laughs(),
        "<ns1:successGetLead><result><count>&lol9;</count></result></ns1:successGetLead>",
    );
    let e = response_error(response.as_bytes());
    assert_eq!(e.kind(), &DecodeErrorKind::Doctype);
    assert_eq!(e.path(), "");
    assert_eq!(e.location(), at(2, 1));
    assert_eq!(
        e.to_string(),
        format!("at line 2, column 1: {DOCTYPE_MESSAGE}")
    );

    let req = request(
        &billion_laughs(),
        "<leadKey><keyType>IDNUM</keyType><keyValue>&lol9;</keyValue></leadKey>",
    );
    assert_eq!(request_error(req.as_bytes()), e);

    assert_call_decode_error(response.as_bytes(), &e).await;
}

#[tokio::test]
async fn external_entities_are_refused_and_never_fetched() {
    for dtd in [
        // A general external entity (file), a remote one, and a parameter entity.
        "<!DOCTYPE r [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n",
        "<!DOCTYPE r [<!ENTITY xxe SYSTEM \"http://127.0.0.1:9/x\">]>\n",
        "<!DOCTYPE r [<!ENTITY % p SYSTEM \"http://127.0.0.1:9/p.dtd\"> %p;]>\n",
        // An external DTD subset.
        "<!DOCTYPE r SYSTEM \"http://127.0.0.1:9/r.dtd\">\n",
    ] {
        let response = envelope(
            dtd,
            "<ns1:successGetLead><result><count>1</count><leadRecordList><leadRecord><Email>&xxe;</Email></leadRecord></leadRecordList></result></ns1:successGetLead>",
        );
        let e = response_error(response.as_bytes());
        assert_eq!(e.kind(), &DecodeErrorKind::Doctype, "{dtd}");
        assert_eq!(
            e.to_string(),
            format!("at line 2, column 1: {DOCTYPE_MESSAGE}"),
            "{dtd}"
        );
        let req = request(
            dtd,
            "<leadKey><keyType>IDNUM</keyType><keyValue>&xxe;</keyValue></leadKey>",
        );
        assert_eq!(request_error(req.as_bytes()), e);
        assert_call_decode_error(response.as_bytes(), &e).await;
    }
}

#[tokio::test]
async fn an_undeclared_entity_without_a_dtd_is_an_undefined_entity() {
    let body = "<ns1:successGetLead><result><count>1</count><leadRecordList><leadRecord><Email>&xxe;</Email></leadRecord></leadRecordList></result></ns1:successGetLead>";
    let response = envelope("", body);
    let e = response_error(response.as_bytes());
    assert_eq!(
        e.kind(),
        &DecodeErrorKind::UndefinedEntity("xxe".to_owned())
    );
    assert_eq!(
        e.path(),
        "successGetLead/result/leadRecordList/leadRecord[1]/Email"
    );
    let column = response
        .lines()
        .nth(1)
        .map(|l| l.find("&xxe;").unwrap() + 1);
    assert_eq!(e.location(), column.and_then(|c| at(2, c)));
    assert!(
        e.to_string().ends_with(
            "(in successGetLead/result/leadRecordList/leadRecord[1]/Email): malformed XML: undefined entity or bad character reference &xxe;"
        ),
        "{e}"
    );
    assert_call_decode_error(response.as_bytes(), &e).await;

    // A character reference to a character XML 1.0 forbids is refused the same way.
    let response = envelope(
        "",
        "<ns1:successGetLead><result><count>&#0;</count></result></ns1:successGetLead>",
    );
    let e = response_error(response.as_bytes());
    assert_eq!(e.kind(), &DecodeErrorKind::UndefinedEntity("#0".to_owned()));
    assert_eq!(e.path(), "successGetLead/result/count");
}

// ---------------------------------------------------------------------------------------------
// nesting

const DEPTH: usize = 10_000;

/// `<tag>` × `n` + `</tag>` × `n` (or without the end tags).
fn nested(tag: &str, n: usize, closed: bool) -> String {
    let mut s = format!("<{tag}>").repeat(n);
    if closed {
        s.push_str(&format!("</{tag}>").repeat(n));
    }
    s
}

fn assert_too_deep(e: &DecodeError) {
    assert_eq!(e.kind(), &DecodeErrorKind::TooDeep { limit: 256 }, "{e}");
    assert!(
        e.to_string()
            .ends_with("): elements nested deeper than the limit of 256"),
        "{e}"
    );
}

#[tokio::test]
async fn deep_nesting_stops_at_the_depth_limit() {
    // Inside a field the decoder knows, inside an unknown one it skips, in a fault detail and
    // in a header the dispatcher skips, closed or not.
    for closed in [true, false] {
        let deep = nested("a", DEPTH, closed);
        let cases = [
            format!(
                "<ns1:successGetLead><result><count>1</count><leadRecordList><leadRecord>{deep}</leadRecord></leadRecordList></result></ns1:successGetLead>"
            ),
            format!("<ns1:successGetLead><unknown>{deep}</unknown></ns1:successGetLead>"),
            format!(
                "<ns1:successGetLead>{}</ns1:successGetLead>",
                nested("result", DEPTH, closed)
            ),
            format!(
                "<SOAP-ENV:Fault><faultcode>SOAP-ENV:Server</faultcode><faultstring>x</faultstring><detail><ns1:serviceException>{deep}</ns1:serviceException></detail></SOAP-ENV:Fault>"
            ),
        ];
        for body in &cases {
            let response = envelope("", body);
            let e = response_error(response.as_bytes());
            assert_too_deep(&e);
            assert_call_decode_error(response.as_bytes(), &e).await;
        }

        let in_key = request("", &format!("<leadKey>{deep}</leadKey>"));
        assert_too_deep(&request_error(in_key.as_bytes()));
        let in_header = format!(
            "<SOAP-ENV:Envelope xmlns:SOAP-ENV=\"{SOAP_ENV}\" xmlns:ns1=\"{MKTOWS}\"><SOAP-ENV:Header><ns1:Unknown>{deep}</ns1:Unknown></SOAP-ENV:Header><SOAP-ENV:Body><ns1:paramsGetLead/></SOAP-ENV:Body></SOAP-ENV:Envelope>"
        );
        assert_too_deep(&request_error(in_header.as_bytes()));
        // Deep before the envelope's body: the envelope itself is nested.
        let outer = format!(
            "<SOAP-ENV:Envelope xmlns:SOAP-ENV=\"{SOAP_ENV}\">{}",
            nested("SOAP-ENV:Header", DEPTH, closed)
        );
        assert_too_deep(&request_error(outer.as_bytes()));
    }
}

#[test]
fn deep_nesting_without_a_limit_still_does_not_overflow_the_stack() {
    // The reader keeps open elements in a Vec and skips unknown content iteratively, so even
    // a caller who lifts the limit gets an error, not a stack overflow.
    let limits = ReadLimits {
        max_depth: usize::MAX,
    };
    let response = envelope(
        "",
        &format!(
            "<ns1:successGetLead><unknown>{}</unknown></ns1:successGetLead>",
            nested("a", DEPTH, true)
        ),
    );
    let e =
        read_response::<SuccessGetLead>(response.as_bytes(), operations::GET_LEAD.response, limits)
            .unwrap_err();
    assert_eq!(
        e.to_string(),
        "at successGetLead/result: missing required element"
    );
    let req = request(
        "",
        &format!("<leadKey>{}</leadKey>", nested("a", DEPTH, true)),
    );
    let e = decode_request(None, req.as_bytes(), limits).unwrap_err();
    assert_eq!(
        e.to_string(),
        "malformed request: at paramsGetLead/leadKey/keyType: missing required element"
    );
}

// ---------------------------------------------------------------------------------------------
// a 1 GiB body

const GIB: u64 = 1 << 30;

/// A server on 127.0.0.1 that answers one request with a 1 GiB body generated as it is
/// written (chunked, or with a declared `Content-Length`), and reports how much it managed
/// to write before the client hung up.
fn serve_one_gib(declare_length: bool) -> (String, std::thread::JoinHandle<u64>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let url = format!(
        "http://{}/soap/mktows/2_3",
        listener.local_addr().expect("local address")
    );
    let written = Arc::new(AtomicU64::new(0));
    let handle = std::thread::spawn(move || {
        let Ok((mut stream, _)) = listener.accept() else {
            return 0;
        };
        // Never block forever on a client that stopped reading without closing.
        let _ = stream.set_write_timeout(Some(Duration::from_secs(20)));
        let _ = stream.set_read_timeout(Some(Duration::from_secs(20)));
        // Read the request head and its Content-Length body.
        let mut buf = Vec::new();
        let mut chunk = [0u8; 8192];
        let head_end = loop {
            if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break p + 4;
            }
            match stream.read(&mut chunk) {
                Ok(0) | Err(_) => return 0,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
        let len: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        while buf.len() < head_end + len {
            match stream.read(&mut chunk) {
                Ok(0) | Err(_) => return 0,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        let framing = if declare_length {
            format!("Content-Length: {GIB}")
        } else {
            "Transfer-Encoding: chunked".to_owned()
        };
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=utf-8\r\n{framing}\r\n\r\n"
        );
        if stream.write_all(head.as_bytes()).is_err() {
            return 0;
        }
        // The body: an envelope start, then records forever (well, to 1 GiB), 64 KiB at a time.
        let start = format!(
            "<SOAP-ENV:Envelope xmlns:SOAP-ENV=\"{SOAP_ENV}\" xmlns:ns1=\"{MKTOWS}\"><SOAP-ENV:Body><ns1:successGetLead><result><count>1</count><leadRecordList>"
        );
        let record = "<leadRecord><Id>1</Id><Email>lead@example.invalid</Email></leadRecord>";
        let mut block = start.clone().into_bytes();
        while block.len() < 64 * 1024 {
            block.extend_from_slice(record.as_bytes());
        }
        let mut sent: u64 = 0;
        while sent < GIB {
            let n = (GIB - sent).min(block.len() as u64) as usize;
            let data = &block[..n];
            let ok = if declare_length {
                stream.write_all(data)
            } else {
                stream
                    .write_all(format!("{n:x}\r\n").as_bytes())
                    .and_then(|()| stream.write_all(data))
                    .and_then(|()| stream.write_all(b"\r\n"))
            };
            if ok.is_err() {
                break;
            }
            sent += n as u64;
            written.store(sent, Ordering::Relaxed);
            if sent == block.len() as u64 {
                // Only the first block starts the envelope.
                block.drain(..start.len());
                while block.len() < 64 * 1024 {
                    block.extend_from_slice(record.as_bytes());
                }
            }
        }
        if !declare_length && sent == GIB {
            let _ = stream.write_all(b"0\r\n\r\n");
        }
        sent
    });
    (url, handle)
}

async fn one_gib_body_is_cut_off(declare_length: bool) {
    const LIMIT: usize = 1 << 20;
    let (url, server) = serve_one_gib(declare_length);
    let runtime = Client::builder()
        .endpoint(url)
        .user_id("example_user_0000000000000000")
        .encryption_key("EXAMPLE-KEY-0000000000000000")
        .max_response_bytes(LIMIT)
        .timeout(Duration::from_secs(30))
        .retry_policy(RetryPolicy::never())
        .build()
        .expect("valid test configuration");
    let client = mktows::Client::new(runtime);
    let started = Instant::now();
    let err = client.get_lead(&get_lead_params()).await.unwrap_err();
    let took = started.elapsed();
    assert!(
        matches!(
            err,
            Error::TooLarge {
                status: 200,
                limit: LIMIT
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "response body larger than the 1048576-byte limit (HTTP 200)"
    );
    assert!(took < QUICK, "took {took:?}");
    // Dropping the client closes the connection; the server's next write fails.
    drop(client);
    let sent = tokio::task::spawn_blocking(move || server.join().expect("server thread"))
        .await
        .expect("join");
    // The client read at most the limit; what the server wrote beyond that sits in socket
    // buffers. Nowhere near the whole gigabyte was produced, let alone held.
    assert!(sent < 64 << 20, "server wrote {sent} bytes");
}

#[tokio::test]
async fn one_gib_chunked_body_stops_at_the_limit_while_streaming() {
    one_gib_body_is_cut_off(false).await;
}

#[tokio::test]
async fn one_gib_declared_body_is_refused_before_reading() {
    one_gib_body_is_cut_off(true).await;
}

// ---------------------------------------------------------------------------------------------
// invalid UTF-8

#[tokio::test]
async fn invalid_utf8_in_a_text_node() {
    let mut response = envelope(
        "",
        "<ns1:successGetLead><result><count>1</count><leadRecordList><leadRecord><Email>lead@example.invalid</Email></leadRecord></leadRecordList></result></ns1:successGetLead>",
    )
    .into_bytes();
    let at_byte = find(&response, b"@example") + 1;
    response[at_byte] = 0xFF;
    let e = response_error(&response);
    assert_eq!(e.kind(), &DecodeErrorKind::InvalidUtf8);
    assert_eq!(
        e.path(),
        "successGetLead/result/leadRecordList/leadRecord[1]/Email"
    );
    let line_start = find(&response, b"<SOAP-ENV:Envelope");
    assert_eq!(e.location(), at(2, at_byte - line_start + 1));
    assert!(
        e.to_string().ends_with("malformed XML: invalid UTF-8"),
        "{e}"
    );
    assert_call_decode_error(&response, &e).await;

    let mut req = request(
        "",
        "<leadKey><keyType>IDNUM</keyType><keyValue>1001</keyValue></leadKey>",
    )
    .into_bytes();
    let p = find(&req, b">1001<") + 2;
    req[p] = 0xC3; // a lead byte followed by an ASCII byte
    let e = request_error(&req);
    assert_eq!(e.kind(), &DecodeErrorKind::InvalidUtf8);
    assert_eq!(e.path(), "paramsGetLead/leadKey/keyValue");
}

#[tokio::test]
async fn invalid_utf8_in_a_tag_name() {
    let mut response = envelope(
        "",
        "<ns1:successGetLead><result><count>1</count><leadRecordList><leadRecord><Email>x</Email></leadRecord></leadRecordList></result></ns1:successGetLead>",
    )
    .into_bytes();
    let p = find(&response, b"<Email>") + 2;
    response[p] = 0xFE;
    let e = response_error(&response);
    assert_eq!(e.kind(), &DecodeErrorKind::InvalidUtf8);
    let line_start = find(&response, b"<SOAP-ENV:Envelope");
    assert_eq!(e.location(), at(2, p - line_start + 1));
    assert!(
        e.to_string().ends_with("malformed XML: invalid UTF-8"),
        "{e}"
    );
    assert_call_decode_error(&response, &e).await;

    let mut req = request(
        "",
        "<leadKey><keyType>IDNUM</keyType><keyValue>1001</keyValue></leadKey>",
    )
    .into_bytes();
    let p = find(&req, b"<keyValue>") + 1;
    req[p] = 0x80;
    let e = request_error(&req);
    assert_eq!(e.kind(), &DecodeErrorKind::InvalidUtf8);
}

fn find(hay: &[u8], needle: &[u8]) -> usize {
    hay.windows(needle.len())
        .position(|w| w == needle)
        .expect("needle in test input")
}

// ---------------------------------------------------------------------------------------------
// faults and the wrong element

#[tokio::test]
async fn a_fault_without_detail_is_a_fault_with_unspecified_code() {
    let response = envelope(
        "",
        "<SOAP-ENV:Fault><faultcode>SOAP-ENV:Server</faultcode><faultstring>Internal\n  server error</faultstring></SOAP-ENV:Fault>",
    );
    let err = call_error(500, response.clone().into_bytes()).await;
    match &err {
        Error::Fault {
            http_status: 500,
            faultcode,
            code: FaultCode::Unspecified,
            name,
            message,
        } => {
            assert!(faultcode.is(SOAP_ENV, "Server"), "{faultcode}");
            assert_eq!(name, "");
            assert_eq!(message, "Internal\n  server error");
        }
        other => panic!("expected Error::Fault, got {other:?}"),
    }
    assert_eq!(err.fault_code(), Some(FaultCode::Unspecified));
    assert_eq!(
        err.to_string(),
        format!(
            "SOAP fault {} (HTTP 500, faultcode {{{SOAP_ENV}}}Server): Internal server error",
            FaultCode::Unspecified
        )
    );
    // An empty detail element is the same as none.
    let response = envelope(
        "",
        "<SOAP-ENV:Fault><faultcode>SOAP-ENV:Client</faultcode><faultstring>bad</faultstring><detail/></SOAP-ENV:Fault>",
    );
    let err = call_error(500, response.into_bytes()).await;
    assert!(
        matches!(
            &err,
            Error::Fault { code: FaultCode::Unspecified, name, message, .. }
                if name.is_empty() && message == "bad"
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_success_element_of_another_operation_is_refused() {
    let response = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/responses/syncLead.xml"),
    )
    .expect("syncLead response fixture");
    let e = response_error(&response);
    assert_eq!(
        e.kind(),
        &DecodeErrorKind::UnexpectedElement {
            expected: "successGetLead".to_owned(),
            found: "successSyncLead".to_owned(),
        }
    );
    assert_eq!(
        e.to_string(),
        "at successSyncLead: expected successGetLead, found successSyncLead"
    );
    assert_call_decode_error(&response, &e).await;
    // The same element in another namespace names both namespaces.
    let response = envelope("", "<successGetLead xmlns=\"urn:other\"/>");
    assert_eq!(
        response_error(response.as_bytes()).to_string(),
        "at successGetLead: expected {http://www.marketo.com/mktows/}successGetLead, found {urn:other}successGetLead"
    );
}

// ---------------------------------------------------------------------------------------------
// truncation

#[tokio::test]
async fn truncated_xml_is_an_unexpected_end_of_input() {
    let full = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/responses/getLead.xml"),
    )
    .expect("getLead response fixture");
    let whole = read_response::<SuccessGetLead>(
        &full,
        operations::GET_LEAD.response,
        ReadLimits::default(),
    );
    assert!(matches!(whole, Ok(Ok(_))), "{whole:?}");
    // Cut after the body element's start tag, inside a text node, inside a tag and before the
    // final end tag: every cut is an error, never a value decoded from part of the input.
    let cuts = [
        find(&full, b"<result>"),
        find(&full, b"Lead One") + 4,
        find(&full, b"<leadAttributeList>") + 5,
        find(&full, b"</SOAP-ENV:Envelope>"),
        full.len() - 2,
    ];
    for cut in cuts {
        let part = &full[..cut];
        let e = response_error(part);
        assert!(
            matches!(
                e.kind(),
                DecodeErrorKind::UnexpectedEof | DecodeErrorKind::Malformed(_)
            ),
            "cut at {cut}: {e}"
        );
        assert!(e.location().is_some(), "cut at {cut}: {e}");
        assert_call_decode_error(part, &e).await;
    }
    // Cut between elements: exactly the end-of-input error, located at the end.
    let cut = find(&full, b"<result>");
    let e = response_error(&full[..cut]);
    assert_eq!(e.kind(), &DecodeErrorKind::UnexpectedEof);
    let lines = full[..cut].split(|&b| b == b'\n').count();
    let last_line = full[..cut]
        .rsplit(|&b| b == b'\n')
        .next()
        .map_or(0, <[u8]>::len);
    assert_eq!(e.location(), at(lines, last_line + 1));
    assert!(
        e.to_string()
            .ends_with("(in successGetLead): malformed XML: unexpected end of input"),
        "{e}"
    );
    // Every prefix of the fixture is an error (and never a panic).
    for cut in 0..full.len() - 1 {
        assert!(
            read_response::<SuccessGetLead>(
                &full[..cut],
                operations::GET_LEAD.response,
                ReadLimits::default()
            )
            .is_err(),
            "prefix of {cut} bytes decoded"
        );
    }
}

#[tokio::test]
async fn a_body_cut_off_by_the_connection_is_truncated() {
    // The server declares more bytes than it sends, then closes: Error::Truncated, not a
    // decode error of the part that arrived.
    let full = envelope(
        "",
        "<ns1:successGetLead><result><count>0</count></result></ns1:successGetLead>",
    );
    let part = &full.as_bytes()[..full.len() / 2];
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let url = format!("http://{}/", listener.local_addr().expect("local address"));
    let declared = full.len();
    let part_owned = part.to_vec();
    let server = std::thread::spawn(move || {
        if let Ok((mut stream, _)) = listener.accept() {
            let _ = stream.set_read_timeout(Some(Duration::from_secs(20)));
            let mut buf = [0u8; 65536];
            let _ = stream.read(&mut buf);
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {declared}\r\n\r\n"
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&part_owned);
        }
    });
    let runtime = Client::builder()
        .endpoint(url)
        .user_id("example_user_0000000000000000")
        .encryption_key("EXAMPLE-KEY-0000000000000000")
        .retry_policy(RetryPolicy::never())
        .build()
        .expect("valid test configuration");
    let started = Instant::now();
    let err = mktows::Client::new(runtime)
        .get_lead(&get_lead_params())
        .await
        .unwrap_err();
    assert!(started.elapsed() < QUICK);
    match &err {
        Error::Truncated {
            status: 200,
            received,
            expected: Some(expected),
            ..
        } => {
            assert_eq!(*received, part.len() as u64);
            assert_eq!(*expected, declared as u64);
        }
        other => panic!("expected Error::Truncated, got {other:?}"),
    }
    tokio::task::spawn_blocking(move || server.join().expect("server thread"))
        .await
        .expect("join");
}
