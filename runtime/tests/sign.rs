//! Signature and timestamp test vectors. The expected signatures were computed independently
//! (Python `hmac` and `openssl dgst -sha1 -hmac`) for neutral placeholder credentials.

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, UNIX_EPOCH};

use common::*;
use mktows_runtime::Client;
use mktows_runtime::sign::{Signer, UtcOffset, format_timestamp};
use mktows_runtime::transport::{HttpResponse, transport_fn};

#[test]
fn reference_vectors() {
    let s = Signer::new("demo_user_0001", b"example-encryption-key").unwrap();
    assert_eq!(
        s.sign("2013-08-03T21:39:34-07:00"),
        "c2f197abf02b50b73d65727f29366a20975e01d1"
    );
    assert_eq!(
        s.sign("2026-12-03T08:00:00+00:00"),
        "25fedecf4bf299a7f9f04d63d60168cbc1eece86"
    );
    // Negative controls: user id first, and `Z` instead of `+00:00`, sign something else.
    assert_ne!(
        s.sign("2013-08-03T21:39:34-07:00"),
        "6041fba3aef2a9e4faf52c53cc9ca6fb8a1db1b2"
    );
    let swapped = Signer::new("2013-08-03T21:39:34-07:00", b"example-encryption-key").unwrap();
    assert_eq!(
        swapped.sign("demo_user_0001"),
        "6041fba3aef2a9e4faf52c53cc9ca6fb8a1db1b2"
    );
    assert_eq!(
        s.sign("2026-12-03T08:00:00Z"),
        "7f78607f10141bc12c84fec0f763bf6ae1ca4efa"
    );
}

#[test]
fn placeholder_table() {
    let s = Signer::new(USER_ID, KEY.as_bytes()).unwrap();
    for (ts, sig) in [
        (
            "2013-06-09T14:04:54-08:00",
            "c6c9de292f44d3c10383889cabdb021cc03af75e",
        ),
        (
            "2013-06-09T14:24:54-08:00",
            "145d84efc2e88d23f2d9bd6a7d6388f97de9d86d",
        ),
        (
            "2013-06-09T14:06:10-08:00",
            "735e7a2644c714ce2311ce86000e8d663c284c02",
        ),
        (
            "2013-06-09T14:04:54+05:30",
            "bc8617bee987e5b784ecf26a0a9e8520f2e2826b",
        ),
        (
            "2013-06-09T08:34:54Z",
            "828970edbc3d878a4d5fb10022bb5a5c58cf37e7",
        ),
        (
            "2013-06-09T14:04:54+05:00",
            "c9554e97b337bb9721ffe6db3774ad1a9e8cb502",
        ),
    ] {
        assert_eq!(s.sign(ts), sig, "{ts}");
    }
}

/// C02: one instant on a host at UTC+05:30 is written with the full offset (never `+05:00`,
/// a zone name or no offset) and signed over exactly the bytes in the header.
#[tokio::test]
async fn half_hour_offset_goes_into_the_header_exactly() {
    let instant = UNIX_EPOCH + Duration::from_secs(1_370_766_894); // 2013-06-09T08:34:54Z
    let ist: UtcOffset = "+05:30".parse().unwrap();
    assert_eq!(format_timestamp(instant, ist), "2013-06-09T14:04:54+05:30");

    let seen = Arc::new(Mutex::new(String::new()));
    let sink = seen.clone();
    let client = Client::builder()
        .endpoint("https://mktows.example.invalid/soap/mktows/2_3")
        .user_id(USER_ID)
        .encryption_key(KEY)
        .clock(move || instant)
        .utc_offset(ist)
        .build_with_transport(transport_fn(move |req| {
            *sink.lock().unwrap() = String::from_utf8(req.body).unwrap();
            async { Ok(HttpResponse::xml(200, SUCCESS)) }
        }))
        .unwrap();
    let _: Outcome = client.call(&READ_OP, b"", &body()).await.unwrap();
    let sent = seen.lock().unwrap().clone();
    let header = concat!(
        r#"<ns1:AuthenticationHeader><mktowsUserId>example_user_0000000000000000</mktowsUserId>"#,
        r#"<requestSignature>bc8617bee987e5b784ecf26a0a9e8520f2e2826b</requestSignature>"#,
        r#"<requestTimestamp>2013-06-09T14:04:54+05:30</requestTimestamp></ns1:AuthenticationHeader>"#
    );
    assert!(sent.contains(header), "{sent}");
    assert!(!sent.contains("+05:00") && !sent.contains("c9554e97b337bb9721ffe6db3774ad1a9e8cb502"));
}

/// Extra headers (e.g. `MktowsContextHeader`) follow the auth header; an operation without
/// `auth` sends only them.
#[tokio::test]
async fn extra_headers_and_operations_without_auth() {
    static NO_AUTH: mktows_runtime::Operation = mktows_runtime::Operation {
        name: "getLead",
        soap_action: "http://www.marketo.com/mktows/getLead",
        request: (NS, "paramsGetLead"),
        response: (NS, "successTest"),
        namespaces: DECLARED,
        auth: None,
    };
    let seen = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = seen.clone();
    let client = Client::builder()
        .endpoint("https://mktows.example.invalid/soap/mktows/2_3")
        .user_id(USER_ID)
        .encryption_key(KEY)
        .build_with_transport(transport_fn(move |req| {
            sink.lock()
                .unwrap()
                .push(String::from_utf8(req.body).unwrap());
            async { Ok(HttpResponse::xml(200, SUCCESS)) }
        }))
        .unwrap();
    let extra = b"<ns1:MktowsContextHeader><targetWorkspace>Default</targetWorkspace></ns1:MktowsContextHeader>";
    let _: Outcome = client.call(&READ_OP, extra, &body()).await.unwrap();
    let _: Outcome = client.call(&NO_AUTH, extra, &body()).await.unwrap();
    let seen = seen.lock().unwrap();
    assert!(
        seen[0].contains("</ns1:AuthenticationHeader><ns1:MktowsContextHeader>"),
        "{}",
        seen[0]
    );
    assert!(
        !seen[1].contains("AuthenticationHeader") && seen[1].contains("<ns1:MktowsContextHeader>"),
        "{}",
        seen[1]
    );
}
