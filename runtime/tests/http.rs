//! The client against a scripted HTTP server on 127.0.0.1: faults, HTTP errors, network
//! failures, timeouts, size limits and retries. No external network.

mod common;

use std::time::{Duration, Instant};

use common::*;
use mktows_runtime::sign::Signer;
use mktows_runtime::xml::QName;
use mktows_runtime::{Client, Error, FaultCode, HttpTransport, RetryPolicy};

/// Fast retries so tests stay well under a second.
fn quick_retries() -> RetryPolicy {
    RetryPolicy {
        max_backoff_retries: 2,
        initial_backoff: Duration::from_millis(40),
        max_backoff: Duration::from_millis(80),
        resign_on_expired: true,
    }
}

fn client(server: &Server, retry: RetryPolicy) -> Client<HttpTransport> {
    Client::builder()
        .endpoint(server.url())
        .user_id(USER_ID)
        .encryption_key(KEY)
        .timeout(Duration::from_millis(500))
        .connect_timeout(Duration::from_millis(500))
        .max_response_bytes(64 * 1024)
        .retry_policy(retry)
        .build()
        .unwrap()
}

#[tokio::test]
async fn success_sends_soap_headers_and_signed_envelope() {
    let server = Server::start(|_, _| Reply::xml(200, SUCCESS)).await;
    let c = client(&server, RetryPolicy::never());
    let out: Outcome = c.call(&READ_OP, b"", &body()).await.unwrap();
    assert_eq!(out, Outcome { success: true });
    let reqs = server.recorded();
    assert_eq!(reqs.len(), 1);
    let r = &reqs[0];
    assert!(
        r.head.starts_with("POST /soap/mktows/2_3 HTTP/1.1\r\n"),
        "{}",
        r.head
    );
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("text/xml; charset=utf-8")
    );
    assert_eq!(
        r.header("soapaction").as_deref(),
        Some("\"http://www.marketo.com/mktows/getLead\"")
    );
    assert_eq!(r.element("mktowsUserId").as_deref(), Some(USER_ID));
    let ts = r.element("requestTimestamp").unwrap();
    let expected = Signer::new(USER_ID, KEY.as_bytes()).unwrap().sign(&ts);
    assert_eq!(r.element("requestSignature"), Some(expected));
    assert!(
        r.body.contains(
            "<ns1:paramsGetLead><campaignName>Example campaign</campaignName></ns1:paramsGetLead>"
        ),
        "{}",
        r.body
    );
}

#[tokio::test]
async fn fault_with_http_500_decodes_code_from_detail() {
    let server = Server::start(|_, _| Reply::xml(500, fault(20103, "Lead not found"))).await;
    let c = client(&server, quick_retries());
    let err = c.call::<Outcome>(&READ_OP, b"", &body()).await.unwrap_err();
    match &err {
        Error::Fault {
            http_status,
            faultcode,
            code,
            name,
            message,
        } => {
            assert_eq!(*http_status, 500);
            assert_eq!(
                *faultcode,
                QName::new(Some("http://schemas.xmlsoap.org/soap/envelope/"), "Client")
            );
            assert_eq!(*code, FaultCode::LeadNotFound);
            assert_eq!(code.code(), Some(20103));
            assert_eq!(name, "mktServiceException");
            assert_eq!(message, "Lead not found (20103)");
        }
        other => panic!("expected a fault, got {other:?}"),
    }
    assert_eq!(
        err.to_string(),
        "SOAP fault 20103 Lead Not Found (HTTP 500, faultcode {http://schemas.xmlsoap.org/soap/envelope/}Client): Lead not found (20103)"
    );
    // 20103 is not retryable.
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn fault_code_ignores_faultstring_and_unknown_detail_children() {
    const BODY: &str = r#"<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Body><SOAP-ENV:Fault><faultcode>SOAP-ENV:Client</faultcode><faultstring>Parameter required</faultstring><detail><ns1:serviceException xmlns:ns1="http://www.marketo.com/mktows/"><name>mktServiceException</name><message>No selection criteria found in request</message><code>10001</code><cause/></ns1:serviceException></detail></SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>"#;
    let server = Server::start(|_, _| Reply::xml(500, BODY)).await;
    let c = client(&server, RetryPolicy::never());
    let err = c.call::<Outcome>(&READ_OP, b"", &body()).await.unwrap_err();
    assert_eq!(err.fault_code(), Some(FaultCode::InternalError));
    assert!(
        matches!(&err, Error::Fault { message, .. } if message == "No selection criteria found in request"),
        "{err:?}"
    );
}

#[tokio::test]
async fn html_503_is_an_http_error_with_excerpt() {
    let server = Server::start(|_, _| Reply::Http {
        status: 503,
        content_type: "text/html",
        body: b"<html>\n<body>Service Unavailable</body>\n</html>\n".to_vec(),
    })
    .await;
    let c = client(&server, RetryPolicy::never());
    let started = Instant::now();
    let err = c
        .call::<Outcome>(&WRITE_OP, b"", &body())
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_millis(500));
    match &err {
        Error::Http {
            status,
            content_type,
            body_excerpt,
        } => {
            assert_eq!(*status, 503);
            assert_eq!(content_type.as_deref(), Some("text/html"));
            assert_eq!(
                body_excerpt,
                "<html> <body>Service Unavailable</body> </html>"
            );
        }
        other => panic!("expected Http, got {other:?}"),
    }
    assert_eq!(
        err.to_string(),
        "HTTP 503 with a non-SOAP body (text/html): <html> <body>Service Unavailable</body> </html>"
    );
}

#[tokio::test]
async fn gateway_503_on_a_read_is_retried_then_reported() {
    let server = Server::start(|_, _| Reply::Http {
        status: 503,
        content_type: "text/html",
        body: b"down".to_vec(),
    })
    .await;
    let c = client(&server, quick_retries());
    let err = c.call::<Outcome>(&READ_OP, b"", &body()).await.unwrap_err();
    assert!(matches!(err, Error::Http { status: 503, .. }), "{err:?}");
    assert_eq!(server.count(), 3);
}

#[tokio::test]
async fn truncated_body_is_its_own_variant() {
    let mut raw =
        b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 1000\r\n\r\n".to_vec();
    raw.extend_from_slice(&SUCCESS.as_bytes()[..100]);
    let server = Server::start(move |_, _| Reply::Raw(raw.clone())).await;
    let c = client(&server, quick_retries());
    let started = Instant::now();
    let err = c.call::<Outcome>(&READ_OP, b"", &body()).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_millis(500));
    match &err {
        Error::Truncated {
            status,
            received,
            expected,
            ..
        } => {
            assert_eq!((*status, *received, *expected), (200, 100, Some(1000)));
        }
        other => panic!("expected Truncated, got {other:?}"),
    }
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn truncated_xml_in_a_complete_response_is_a_decode_error() {
    let server =
        Server::start(|_, _| Reply::xml(200, &SUCCESS.as_bytes()[..SUCCESS.len() - 40])).await;
    let c = client(&server, quick_retries());
    let err = c.call::<Outcome>(&READ_OP, b"", &body()).await.unwrap_err();
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
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn connection_reset_on_a_write_is_not_retried() {
    let server = Server::start(|_, _| Reply::Reset).await;
    let c = client(&server, quick_retries());
    let started = Instant::now();
    let err = c
        .call::<Outcome>(&WRITE_OP, b"", &body())
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_millis(500));
    assert!(matches!(err, Error::Connection { .. }), "{err:?}");
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn connection_reset_on_a_read_is_retried_with_backoff() {
    let server = Server::start(|i, _| {
        if i == 0 {
            Reply::Reset
        } else {
            Reply::xml(200, SUCCESS)
        }
    })
    .await;
    let c = client(&server, quick_retries());
    let started = Instant::now();
    let out: Outcome = c.call(&READ_OP, b"", &body()).await.unwrap();
    assert_eq!(out, Outcome { success: true });
    assert_eq!(server.count(), 2);
    // Equal jitter keeps at least half of the 40 ms first backoff.
    assert!(started.elapsed() >= Duration::from_millis(20));
}

#[tokio::test]
async fn refused_connection_is_a_connect_error_and_retried_even_for_writes() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let c = Client::builder()
        .endpoint(format!("http://{addr}/soap/mktows/2_3"))
        .user_id(USER_ID)
        .encryption_key(KEY)
        .retry_policy(RetryPolicy {
            initial_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(5),
            ..quick_retries()
        })
        .build()
        .unwrap();
    let err = c
        .call::<Outcome>(&WRITE_OP, b"", &body())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
    assert!(err.request_not_sent());
}

#[tokio::test]
async fn slow_server_times_out_within_the_configured_time() {
    let server = Server::start(|_, _| {
        Reply::Delay(Duration::from_secs(5), Box::new(Reply::xml(200, SUCCESS)))
    })
    .await;
    let c = Client::builder()
        .endpoint(server.url())
        .user_id(USER_ID)
        .encryption_key(KEY)
        .timeout(Duration::from_millis(200))
        .retry_policy(quick_retries())
        .build()
        .unwrap();
    let started = Instant::now();
    let err = c.call::<Outcome>(&READ_OP, b"", &body()).await.unwrap_err();
    let took = started.elapsed();
    assert!(
        matches!(err, Error::Timeout { after } if after == Duration::from_millis(200)),
        "{err:?}"
    );
    assert!(
        took >= Duration::from_millis(190) && took < Duration::from_millis(600),
        "{took:?}"
    );
    assert_eq!(err.to_string(), "no response within the 200ms timeout");
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn oversized_declared_body_is_refused() {
    let server = Server::start(|_, _| Reply::xml(200, vec![b' '; 100 * 1024])).await;
    let c = client(&server, quick_retries());
    let err = c.call::<Outcome>(&READ_OP, b"", &body()).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::TooLarge {
                status: 200,
                limit: 65536
            }
        ),
        "{err:?}"
    );
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn oversized_chunked_body_is_cut_off_while_streaming() {
    // No Content-Length: the limit can only be enforced while the chunks arrive. The server
    // would send 10 MiB; the client stops at 64 KiB.
    let mut raw =
        b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    let chunk = vec![b' '; 16 * 1024];
    for _ in 0..640 {
        raw.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        raw.extend_from_slice(&chunk);
        raw.extend_from_slice(b"\r\n");
    }
    raw.extend_from_slice(b"0\r\n\r\n");
    let server = Server::start(move |_, _| Reply::Raw(raw.clone())).await;
    let c = client(&server, quick_retries());
    let started = Instant::now();
    let err = c.call::<Outcome>(&READ_OP, b"", &body()).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_millis(500));
    assert!(
        matches!(
            err,
            Error::TooLarge {
                status: 200,
                limit: 65536
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn expired_request_is_resigned_once_with_a_fresh_timestamp() {
    let server = Server::start(|i, _| {
        if i == 0 {
            Reply::xml(500, fault(20016, "Request Expired"))
        } else {
            Reply::xml(200, SUCCESS)
        }
    })
    .await;
    let c = Client::builder()
        .endpoint(server.url())
        .user_id(USER_ID)
        .encryption_key(KEY)
        .clock(stepping_clock(&[0, 76]))
        .utc_offset("-08:00".parse().unwrap())
        .retry_policy(quick_retries())
        .build()
        .unwrap();
    let out: Outcome = c.call(&WRITE_OP, b"", &body()).await.unwrap();
    assert_eq!(out, Outcome { success: true });
    let reqs = server.recorded();
    assert_eq!(reqs.len(), 2);
    let stamps: Vec<_> = reqs
        .iter()
        .map(|r| r.element("requestTimestamp").unwrap())
        .collect();
    let sigs: Vec<_> = reqs
        .iter()
        .map(|r| r.element("requestSignature").unwrap())
        .collect();
    assert_eq!(
        stamps,
        ["2013-06-09T14:04:54-08:00", "2013-06-09T14:06:10-08:00"]
    );
    assert_eq!(
        sigs,
        [
            "c6c9de292f44d3c10383889cabdb021cc03af75e",
            "735e7a2644c714ce2311ce86000e8d663c284c02"
        ]
    );
}

#[tokio::test]
async fn expired_twice_is_returned_after_one_retry() {
    let server = Server::start(|_, _| Reply::xml(500, fault(20016, "Request Expired"))).await;
    let c = client(&server, quick_retries());
    let err = c.call::<Outcome>(&READ_OP, b"", &body()).await.unwrap_err();
    assert_eq!(err.fault_code(), Some(FaultCode::RequestExpired));
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn rate_limit_backs_off_and_succeeds_on_the_next_answer() {
    let server = Server::start(|i, _| {
        if i == 0 {
            Reply::xml(500, fault(20023, "Rate Limit Exceeded"))
        } else {
            Reply::xml(200, SUCCESS)
        }
    })
    .await;
    let c = client(&server, quick_retries());
    let started = Instant::now();
    // A write: 20023 is returned before the service executes anything, so it is safe to retry.
    let out: Outcome = c.call(&WRITE_OP, b"", &body()).await.unwrap();
    let took = started.elapsed();
    assert_eq!(out, Outcome { success: true });
    assert_eq!(server.count(), 2);
    assert!(
        took >= Duration::from_millis(20) && took < Duration::from_millis(500),
        "{took:?}"
    );
}

#[tokio::test]
async fn daily_quota_is_never_retried() {
    let server =
        Server::start(|_, _| Reply::xml(500, fault(20015, "Request Limit Exceeded"))).await;
    let c = client(&server, quick_retries());
    let err = c.call::<Outcome>(&READ_OP, b"", &body()).await.unwrap_err();
    assert_eq!(err.fault_code(), Some(FaultCode::RequestLimitExceeded));
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn internal_error_is_retried_for_reads_only() {
    let server = Server::start(|_, _| Reply::xml(500, fault(10001, "Internal Error"))).await;
    let c = client(&server, quick_retries());
    let err = c.call::<Outcome>(&READ_OP, b"", &body()).await.unwrap_err();
    assert_eq!(err.fault_code(), Some(FaultCode::InternalError));
    assert_eq!(server.count(), 3);
    let err = c
        .call::<Outcome>(&WRITE_OP, b"", &body())
        .await
        .unwrap_err();
    assert_eq!(err.fault_code(), Some(FaultCode::InternalError));
    assert_eq!(server.count(), 4);
}

#[tokio::test]
async fn connections_are_reused() {
    let server = Server::start(|_, _| Reply::xml(200, SUCCESS)).await;
    let c = client(&server, RetryPolicy::never());
    for _ in 0..3 {
        let _: Outcome = c.clone().call(&READ_OP, b"", &body()).await.unwrap();
    }
    assert_eq!(server.count(), 3);
    // Keep-alive: one pooled connection served all three calls.
    assert_eq!(
        server.connections.load(std::sync::atomic::Ordering::SeqCst),
        1
    );
}

/// gzip with one stored (uncompressed) deflate block: enough to prove the client negotiates
/// and decodes gzip without a compression library in the tests.
fn gzip_stored(data: &[u8]) -> Vec<u8> {
    assert!(data.len() <= 0xffff);
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    let len = data.len() as u16;
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff, 0x01];
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&(!len).to_le_bytes());
    out.extend_from_slice(data);
    out.extend_from_slice(&(!crc).to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out
}

#[tokio::test]
async fn gzip_responses_are_decoded() {
    let gz = gzip_stored(SUCCESS.as_bytes());
    let mut raw = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=utf-8\r\nContent-Encoding: gzip\r\nContent-Length: {}\r\n\r\n",
        gz.len()
    )
    .into_bytes();
    raw.extend_from_slice(&gz);
    let server = Server::start(move |_, _| Reply::Raw(raw.clone())).await;
    let c = client(&server, RetryPolicy::never());
    let out: Outcome = c.call(&READ_OP, b"", &body()).await.unwrap();
    assert_eq!(out, Outcome { success: true });
    assert_eq!(
        server.recorded()[0].header("accept-encoding").as_deref(),
        Some("gzip,deflate")
    );
}

#[tokio::test]
async fn undecodable_success_names_the_element_path() {
    const BODY: &str = r#"<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns1="http://www.marketo.com/mktows/"><SOAP-ENV:Body><ns1:successTest><success>maybe</success></ns1:successTest></SOAP-ENV:Body></SOAP-ENV:Envelope>"#;
    let server = Server::start(|_, _| Reply::xml(200, BODY)).await;
    let c = client(&server, quick_retries());
    let err = c.call::<Outcome>(&READ_OP, b"", &body()).await.unwrap_err();
    match &err {
        Error::Decode {
            http_status,
            source,
        } => {
            assert_eq!(*http_status, 200);
            assert_eq!(source.path(), "successTest/success");
            assert_eq!(source.text(), Some("maybe"));
        }
        other => panic!("expected Decode, got {other:?}"),
    }
    let shown = err.to_string();
    assert!(
        shown.starts_with("could not decode the response (HTTP 200): "),
        "{shown}"
    );
    assert!(
        shown.contains("successTest/success") && !shown.contains('\n'),
        "{shown}"
    );
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn invalid_xml_character_fails_before_sending() {
    use mktows_runtime::xml::{ElementName, Writer};
    // What a generated method does with its parameters before calling the runtime.
    async fn call_with(c: &Client<HttpTransport>, campaign: &str) -> Result<Outcome, Error> {
        let mut w = Writer::with_declared(DECLARED);
        let name = ElementName::qualified(NS, "paramsGetLead");
        w.start(name)?;
        w.end_start();
        w.required(ElementName::local("campaignName"), campaign)?;
        w.end(name);
        c.call(&READ_OP, b"", &w.into_bytes()).await
    }
    let server = Server::start(|_, _| Reply::xml(200, SUCCESS)).await;
    let c = client(&server, quick_retries());
    let err = call_with(&c, "bad\u{1}value").await.unwrap_err();
    match &err {
        Error::Encode(e) => assert_eq!(e.path(), "paramsGetLead/campaignName"),
        other => panic!("expected Encode, got {other:?}"),
    }
    assert!(err.request_not_sent());
    assert_eq!(server.count(), 0);
    assert_eq!(
        call_with(&c, "fine").await.unwrap(),
        Outcome { success: true }
    );
}

/// C15: a non-SOAP HTTP 500 (a proxy's page), whether labelled HTML or mislabelled XML, is an
/// HTTP error with status, content type and excerpt, never an XML error.
#[tokio::test]
async fn non_soap_500_is_an_http_error_whatever_its_label() {
    let server = Server::start(|i, _| Reply::Http {
        status: 500,
        content_type: if i == 0 { "text/html" } else { "text/xml" },
        body: b"<html><body>Internal Server Error</body></html>".to_vec(),
    })
    .await;
    let c = client(&server, RetryPolicy::never());
    for expected_type in ["text/html", "text/xml"] {
        let err = c.call::<Outcome>(&READ_OP, b"", &body()).await.unwrap_err();
        match err {
            Error::Http {
                status,
                content_type,
                body_excerpt,
            } => {
                assert_eq!(status, 500);
                assert_eq!(content_type.as_deref(), Some(expected_type));
                assert_eq!(
                    body_excerpt,
                    "<html><body>Internal Server Error</body></html>"
                );
            }
            other => panic!("expected Http, got {other:?}"),
        }
    }
}
