//! Raw-XML tests: what the emulator accepts, rejects and answers on the wire (field cases C02,
//! C05, C07, C08, C09, C14, C15), the WSDL page, and malformed input.

mod common;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use common::*;
use mktows_emulator::{ManualClock, Outcome};

/// C15: faults are HTTP 500, `text/xml;charset=UTF-8`, with the documented detail shape.
#[tokio::test]
async fn auth_fault_has_the_documented_shape() {
    let emu = start().await;
    let body = envelope(
        &auth_header_with(USER, "not-the-key", &now_ts()),
        &get_lead_body("1001"),
    );
    let r = post(emu.url(), Some(&action("getLead")), body).await;
    r.assert_fault(20014);
    assert_eq!(r.text("faultstring"), Some("20014 - Authentication failed"));
    assert_eq!(r.text("message"), Some("Authentication failed (20014)"));
    assert!(
        r.body
            .contains("<ns1:serviceException xmlns:ns1=\"http://www.marketo.com/mktows/\">")
    );
}

/// C02: the signature is checked over the exact timestamp text, then the instant is derived.
#[tokio::test]
async fn c02_timestamp_forms() {
    // 2013-06-09T08:34:54Z, the instant every spelling below denotes (or claims to).
    let clock = ManualClock::new(UNIX_EPOCH + Duration::from_secs(1_370_766_894));
    let emu = emulator()
        .clock(clock.clone())
        .timestamp_window(Duration::from_secs(15 * 60))
        .start()
        .await
        .expect("start");
    let call = |ts: &'static str| {
        let url = emu.url().to_owned();
        async move {
            post(
                &url,
                Some(&action("getLead")),
                envelope(&auth_header(ts), &get_lead_body("1001")),
            )
            .await
        }
    };
    call("2013-06-09T14:04:54+05:30").await.assert_ok();
    call("2013-06-09T08:34:54Z").await.assert_ok();
    call("2013-06-09T08:34:54+00:00").await.assert_ok();
    // A half-hour zone truncated to +05:00 claims an instant 30 minutes away: expired.
    call("2013-06-09T14:04:54+05:00").await.assert_fault(20016);
    // No determinable instant: authentication fails even though the signature is right.
    call("2013-06-09T14:04:54IST").await.assert_fault(20014);
    call("2013-06-09T14:04:54").await.assert_fault(20014);
    call("2013-06-09 14:04:54 +0530").await.assert_fault(20014);

    // The signature covers the bytes: a signature for `…Z` does not fit `…+00:00`.
    let sig_for_z = auth_header("2013-06-09T08:34:54Z");
    let tampered = sig_for_z.replace(
        "<requestTimestamp>2013-06-09T08:34:54Z<",
        "<requestTimestamp>2013-06-09T08:34:54+00:00<",
    );
    post(
        emu.url(),
        Some(&action("getLead")),
        envelope(&tampered, &get_lead_body("1001")),
    )
    .await
    .assert_fault(20014);

    // Within the window in either direction; beyond it, expired.
    clock.advance(Duration::from_secs(15 * 60));
    call("2013-06-09T08:34:54Z").await.assert_ok();
    clock.advance(Duration::from_secs(1));
    call("2013-06-09T08:34:54Z").await.assert_fault(20016);
    clock.set(UNIX_EPOCH + Duration::from_secs(1_370_766_894 - 15 * 60 - 1));
    call("2013-06-09T08:34:54Z").await.assert_fault(20016);

    // The legacy Ruby form only in lenient mode.
    let lenient = emulator()
        .clock(ManualClock::new(
            UNIX_EPOCH + Duration::from_secs(1_370_766_894),
        ))
        .lenient_timestamps(true)
        .start()
        .await
        .expect("start");
    post(
        lenient.url(),
        Some(&action("getLead")),
        envelope(
            &auth_header("2013-06-09 14:04:54 +0530"),
            &get_lead_body("1001"),
        ),
    )
    .await
    .assert_ok();
}

/// C05: dispatch on the body element's QName; SOAPAction must agree when sent.
#[tokio::test]
async fn c05_dispatch_on_body_qname() {
    let emu = start().await;
    let lead_key = "<leadKey><keyType>IDNUM</keyType><keyValue>1001</keyValue></leadKey>";
    for wrong in ["getLead", "GetLeadRequest"] {
        let r = post(
            emu.url(),
            Some(&action("getLead")),
            signed(&format!("<ns1:{wrong}>{lead_key}</ns1:{wrong}>")),
        )
        .await;
        r.assert_fault(20012);
        assert!(
            r.body.contains(wrong),
            "the message names the element: {}",
            r.body
        );
    }
    let ok = post(
        emu.url(),
        Some(&action("getLead")),
        signed(&get_lead_body("1001")),
    )
    .await;
    ok.assert_ok();
    assert!(ok.body.contains("<ns1:successGetLead>"), "{}", ok.body);
    assert_eq!(ok.texts("Id"), ["1001"]);

    // SOAPAction quoted, unquoted, empty or absent: all fine.
    for a in [
        Some("\"http://www.marketo.com/mktows/getLead\""),
        Some("http://www.marketo.com/mktows/getLead"),
        Some("\"\""),
        Some(""),
        None,
    ] {
        post(emu.url(), a, signed(&get_lead_body("1001")))
            .await
            .assert_ok();
    }
    // A known body with a SOAPAction naming another operation (or none of ours).
    let r = post(
        emu.url(),
        Some(&action("syncLead")),
        signed(&get_lead_body("1001")),
    )
    .await;
    r.assert_fault(20019);
    assert!(r.body.contains("getLead"), "{}", r.body);
    post(
        emu.url(),
        Some(&action("deleteEverything")),
        signed(&get_lead_body("1001")),
    )
    .await
    .assert_fault(20019);
    // A body element in no namespace is not ours.
    post(
        emu.url(),
        None,
        signed(&format!("<paramsGetLead>{lead_key}</paramsGetLead>")),
    )
    .await
    .assert_fault(20012);
}

fn multiple_leads(selector: &str) -> String {
    format!("<ns1:paramsGetMultipleLeads>{selector}</ns1:paramsGetMultipleLeads>")
}

const KEYS: &str = "<keyType>IDNUM</keyType><keyValues><stringItem>1001</stringItem><stringItem>1002</stringItem></keyValues>";

/// C07: `xsi:type` is resolved by namespace URI, not by prefix text.
#[tokio::test]
async fn c07_xsi_type_resolution() {
    let emu = start().await;
    let accepted = [
        // ns1 and xsi declared on the Envelope.
        multiple_leads(&format!(
            "<leadSelector xsi:type=\"ns1:LeadKeySelector\">{KEYS}</leadSelector>"
        )),
        // Other prefixes, declared on the element itself.
        multiple_leads(&format!(
            "<leadSelector xmlns:i=\"{XSI}\" xmlns:t=\"{MKTOWS}\" i:type=\"t:LeadKeySelector\">{KEYS}</leadSelector>"
        )),
        // A second prefix for the same URI.
        format!(
            "<mk:paramsGetMultipleLeads xmlns:mk=\"{MKTOWS}\"><leadSelector xsi:type=\"mk:LeadKeySelector\">{KEYS}</leadSelector></mk:paramsGetMultipleLeads>"
        ),
        // The body element in the default namespace; its unqualified children reset it.
        // (An unqualified leadSelector cannot have the mktows default namespace in scope, so an
        // unprefixed xsi:type value could only name a no-namespace type there.)
        format!(
            "<paramsGetMultipleLeads xmlns=\"{MKTOWS}\"><leadSelector xmlns=\"\" xmlns:q=\"{MKTOWS}\" xsi:type=\"q:LeadKeySelector\">{KEYS}</leadSelector></paramsGetMultipleLeads>"
        ),
    ];
    for body in &accepted {
        let r = post(emu.url(), Some(&action("getMultipleLeads")), signed(body)).await;
        r.assert_ok();
        assert_eq!(r.text("returnCount"), Some("2"), "{body}");
        assert_eq!(r.texts("Id"), ["1001", "1002"], "{body}");
    }
    let rejected = [
        multiple_leads(&format!(
            "<leadSelector xsi:type=\"zz:LeadKeySelector\">{KEYS}</leadSelector>"
        )),
        multiple_leads(&format!(
            "<leadSelector xmlns:x=\"urn:example:other\" xsi:type=\"x:LeadKeySelector\">{KEYS}</leadSelector>"
        )),
        multiple_leads(&format!("<leadSelector>{KEYS}</leadSelector>")),
        multiple_leads(&format!(
            "<leadSelector xsi:type=\"ns1:LeadSelector\">{KEYS}</leadSelector>"
        )),
    ];
    for body in &rejected {
        let r = post(emu.url(), Some(&action("getMultipleLeads")), signed(body)).await;
        r.assert_fault(20012);
    }
    // The server is still alive and well.
    post(emu.url(), None, signed(&get_lead_body("1001")))
        .await
        .assert_ok();
}

/// C08: a qualified child is not the unqualified element, so the lead key is missing.
#[tokio::test]
async fn c08_qualified_children_are_not_the_field() {
    let emu = start().await;
    let body = "<ns1:paramsGetLead><ns1:leadKey><ns1:keyType>IDNUM</ns1:keyType><ns1:keyValue>1001</ns1:keyValue></ns1:leadKey></ns1:paramsGetLead>";
    let r = post(emu.url(), Some(&action("getLead")), signed(body)).await;
    r.assert_fault(20101);
    assert!(r.body.contains("paramsGetLead/leadKey"), "{}", r.body);
}

/// C09: the two headers in either order; targetWorkspace is applied to the new lead.
#[tokio::test]
async fn c09_headers_in_either_order_and_workspace_applied() {
    let emu = start().await;
    let context = "<ns1:MktowsContextHeader><targetWorkspace>Workspace A</targetWorkspace></ns1:MktowsContextHeader>";
    let sync = |email: &str| {
        format!(
            "<ns1:paramsSyncLead><leadRecord><Email>{email}</Email></leadRecord><returnLead>false</returnLead></ns1:paramsSyncLead>"
        )
    };
    let auth = auth_header(&now_ts());
    for (headers, email) in [
        (format!("{auth}{context}"), "c09-first@example.invalid"),
        (format!("{context}{auth}"), "c09-second@example.invalid"),
    ] {
        let r = post(
            emu.url(),
            Some(&action("syncLead")),
            envelope(&headers, &sync(email)),
        )
        .await;
        r.assert_ok();
        assert_eq!(r.text("status"), Some("CREATED"));
        let leads = emu.state().leads_by_email(email);
        assert_eq!(leads.len(), 1);
        assert_eq!(leads[0].workspace, "Workspace A");
    }
    // Without the header, new leads go to Default.
    let r = post(
        emu.url(),
        Some(&action("syncLead")),
        signed(&sync("c09-none@example.invalid")),
    )
    .await;
    r.assert_ok();
    assert_eq!(
        emu.state().leads_by_email("c09-none@example.invalid")[0].workspace,
        "Default"
    );
}

/// C14: positions are opaque tokens echoed byte for byte; empty pages; tampered tokens.
#[tokio::test]
async fn c14_stream_positions() {
    let emu = start().await;
    let page = |pos: Option<&str>| {
        let pos = pos.map_or(String::new(), |p| {
            format!("<streamPosition>{p}</streamPosition>")
        });
        multiple_leads(&format!(
            "<leadSelector xsi:type=\"ns1:StaticListSelector\"><staticListName>Newsletter Subscribers</staticListName></leadSelector>{pos}<batchSize>2</batchSize>"
        ))
    };
    let r1 = post(emu.url(), None, signed(&page(None))).await;
    r1.assert_ok();
    assert_eq!(r1.text("returnCount"), Some("2"));
    assert_eq!(r1.text("remainingCount"), Some("1"));
    assert_eq!(r1.texts("Id"), ["1001", "1003"]);
    let token = r1.text("newStreamPosition").expect("a position").to_owned();
    assert!(token.starts_with("ML:") && token.ends_with('='), "{token}");

    let r2 = post(emu.url(), None, signed(&page(Some(&token)))).await;
    r2.assert_ok();
    assert_eq!(r2.text("returnCount"), Some("1"));
    assert_eq!(r2.text("remainingCount"), Some("0"));
    assert_eq!(r2.texts("Id"), ["1005"]);
    assert!(
        r2.body.contains("<newStreamPosition></newStreamPosition>")
            || r2.body.contains("<newStreamPosition/>"),
        "{}",
        r2.body
    );
    // The same position again gives the same page (a retried request is harmless).
    let again = post(emu.url(), None, signed(&page(Some(&token)))).await;
    assert_eq!(again.texts("Id"), ["1005"]);

    // Tampered, truncated or foreign positions.
    let mut tampered = token.clone().into_bytes();
    tampered[5] = if tampered[5] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).expect("ascii");
    for bad in [tampered.as_str(), &token[..token.len() - 1], "b64:QUJD+/="] {
        let r = post(emu.url(), None, signed(&page(Some(bad)))).await;
        r.assert_fault(20122);
    }

    // An empty page: no list element at all, and no position.
    let none = multiple_leads(
        "<leadSelector xsi:type=\"ns1:LeadKeySelector\"><keyType>EMAIL</keyType><keyValues><stringItem>nobody@example.invalid</stringItem></keyValues></leadSelector>",
    );
    let r = post(emu.url(), None, signed(&none)).await;
    r.assert_ok();
    assert_eq!(r.text("returnCount"), Some("0"));
    assert_eq!(r.text("remainingCount"), Some("0"));
    assert!(!r.body.contains("leadRecordList"), "{}", r.body);

    // getLeadChanges: an empty page still carries a position, and a forged offset is refused.
    let changes = |start: &str| {
        format!(
            "<ns1:paramsGetLeadChanges><startPosition>{start}</startPosition><batchSize>10</batchSize></ns1:paramsGetLeadChanges>"
        )
    };
    let future = SystemTime::now() + Duration::from_secs(86_400);
    let ts = mktows_runtime::sign::format_timestamp(future, mktows_runtime::sign::UtcOffset::UTC);
    let r = post(
        emu.url(),
        None,
        signed(&changes(&format!(
            "<oldestCreatedAt>{ts}</oldestCreatedAt>"
        ))),
    )
    .await;
    r.assert_ok();
    assert_eq!(r.text("returnCount"), Some("0"));
    assert!(!r.body.contains("leadChangeRecordList"), "{}", r.body);
    assert!(
        r.text("offset").is_some_and(|o| o.starts_with("LC:")),
        "{}",
        r.body
    );
    // The documented empty-element form for unset dateTimes is accepted.
    let r = post(
        emu.url(),
        None,
        signed(&changes(
            "<latestCreatedAt/><oldestCreatedAt xsi:nil=\"true\"/><activityCreatedAt/>",
        )),
    )
    .await;
    r.assert_ok();
    assert_eq!(
        r.text("returnCount"),
        Some("5"),
        "one New Lead per demo lead"
    );
    let r = post(
        emu.url(),
        None,
        signed(&changes("<offset>LC:forged</offset>")),
    )
    .await;
    r.assert_fault(20122);
}

/// Stock clients fetch `<endpoint>?WSDL` and then call the address it names.
#[tokio::test]
async fn wsdl_is_served_with_our_address() {
    let emu = start().await;
    for q in ["?WSDL", "?wsdl", "?Wsdl=1"] {
        let r = get(&format!("{}{q}", emu.url())).await;
        assert_eq!(r.status, 200);
        assert_eq!(r.content_type, "text/xml;charset=UTF-8");
        assert!(
            r.body
                .contains(&format!("<soap:address location=\"{}\"/>", emu.url())),
            "address rewritten"
        );
        assert_eq!(
            r.body.len(),
            mktows_emulator::WSDL.len() - "http://127.0.0.1:8080/soap/mktows/2_3".len()
                + emu.url().len()
        );
    }
    let other_path = format!("http://{}/other/path?WSDL", emu.local_addr());
    let r = get(&other_path).await;
    assert!(r.body.contains(&format!(
        "location=\"http://{}/other/path\"",
        emu.local_addr()
    )));
    let info = get(emu.url()).await;
    assert_eq!(info.status, 200);
    assert!(info.body.contains("?WSDL"));
    let put = http().put(emu.url()).body("x").send().await.expect("PUT");
    assert_eq!(put.status().as_u16(), 405);
    // Any path takes SOAP requests.
    post(
        &format!("http://{}/anything", emu.local_addr()),
        None,
        signed(&get_lead_body("1001")),
    )
    .await
    .assert_ok();
}

/// What real stacks send: other prefixes, whitespace, empty elements for nil, `xsi:nil`.
#[tokio::test]
async fn stock_client_forms() {
    let emu = start().await;
    let ts = now_ts();
    let sig = mktows_runtime::sign::Signer::new(USER, KEY.as_bytes())
        .expect("signer")
        .sign(&ts);
    // zeep-like: soap-env prefix, ns0 for mktows, pretty-printed, nil and empty optionals.
    let body = format!(
        r#"<?xml version='1.0' encoding='utf-8'?>
<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/">
  <soap-env:Header>
    <ns0:AuthenticationHeader xmlns:ns0="http://www.marketo.com/mktows/">
      <mktowsUserId>{USER}</mktowsUserId>
      <requestSignature>{sig}</requestSignature>
      <requestTimestamp>{ts}</requestTimestamp>
    </ns0:AuthenticationHeader>
  </soap-env:Header>
  <soap-env:Body>
    <ns0:paramsScheduleCampaign xmlns:ns0="http://www.marketo.com/mktows/">
      <programName>Trav-Demo-Program</programName>
      <campaignName>Batch Campaign Example</campaignName>
      <campaignRunAt/>
      <programTokenList>
        <attrib><name>{{{{my.message}}}}</name><value>From a stock client</value></attrib>
      </programTokenList>
    </ns0:paramsScheduleCampaign>
  </soap-env:Body>
</soap-env:Envelope>"#
    );
    let r = post(
        emu.url(),
        Some("http://www.marketo.com/mktows/scheduleCampaign"),
        body,
    )
    .await;
    r.assert_ok();
    assert_eq!(r.text("success"), Some("true"));
    let runs = emu.state().campaign_runs();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].tokens["{{my.message}}"], "From a stock client");
    assert_eq!(runs[0].cloned_program, None);

    // PHP-like: SOAP-ENV and ns1, xsi:nil on optional fields.
    let r = post(
        emu.url(),
        Some(&action("getMultipleLeads")),
        signed(
            "<ns1:paramsGetMultipleLeads><leadSelector xsi:type=\"ns1:LeadKeySelector\"><keyType>EMAIL</keyType><keyValues><stringItem>lead2@example.invalid</stringItem></keyValues></leadSelector><lastUpdatedAt xsi:nil=\"true\"/><streamPosition xsi:nil=\"true\"/><batchSize xsi:nil=\"true\"/></ns1:paramsGetMultipleLeads>",
        ),
    )
    .await;
    r.assert_ok();
    assert_eq!(r.texts("Id"), ["1002"]);
}

/// 20012 / 20017 for broken requests, with a message that says what is wrong; never a panic.
#[tokio::test]
async fn malformed_requests_are_faults() {
    let emu = start().await;
    let cases: Vec<(String, u32, &str)> = vec![
        ("<a/>".into(), 20012, "Envelope"),
        ("not xml at all".into(), 20012, ""),
        (
            signed(&get_lead_body("1001")).replace("</SOAP-ENV:Envelope>", ""),
            20012,
            "",
        ),
        (
            "<!DOCTYPE x [<!ENTITY a \"b\">]><SOAP-ENV:Envelope xmlns:SOAP-ENV=\"http://schemas.xmlsoap.org/soap/envelope/\"/>".into(),
            20012,
            "DOCTYPE",
        ),
        (
            signed("<ns1:paramsGetLead><leadKey><keyType>IDNUM</keyType></leadKey></ns1:paramsGetLead>"),
            20017,
            "paramsGetLead/leadKey/keyValue",
        ),
        (
            signed("<ns1:paramsScheduleCampaign><programName>Trav-Demo-Program</programName></ns1:paramsScheduleCampaign>"),
            20017,
            "campaignName",
        ),
        (
            signed("<ns1:paramsSyncLead><returnLead>false</returnLead></ns1:paramsSyncLead>"),
            20104,
            "leadRecord",
        ),
        (
            signed("<ns1:paramsGetLeadActivity><leadKey><keyType>IDNUM</keyType><keyValue>1001</keyValue></leadKey><batchSize>many</batchSize></ns1:paramsGetLeadActivity>"),
            20012,
            "batchSize",
        ),
        (envelope("", &get_lead_body("1001")), 20017, "AuthenticationHeader"),
        (
            envelope(
                "<ns1:AuthenticationHeader><mktowsUserId>x</mktowsUserId></ns1:AuthenticationHeader>",
                &get_lead_body("1001"),
            ),
            20017,
            "requestSignature",
        ),
    ];
    for (body, code, needle) in cases {
        let r = post(emu.url(), None, body.clone()).await;
        r.assert_fault(code);
        assert!(r.body.contains(needle), "{needle:?} in {}", r.body);
    }
    // Binary garbage.
    let r = http()
        .post(emu.url())
        .body(vec![0xff_u8, 0xfe, 0x00, 0x3c, 0x80])
        .send()
        .await
        .expect("post");
    assert_eq!(r.status().as_u16(), 500);
    post(emu.url(), None, signed(&get_lead_body("1001")))
        .await
        .assert_ok();
}

/// Every request is recorded with its operation and outcome.
#[tokio::test]
async fn requests_are_recorded() {
    let emu = start().await;
    post(
        emu.url(),
        Some(&action("getLead")),
        signed(&get_lead_body("1001")),
    )
    .await
    .assert_ok();
    post(emu.url(), None, signed(&get_lead_body("999999")))
        .await
        .assert_fault(20103);
    post(emu.url(), None, "<a/>").await.assert_fault(20012);
    let _ = get(&emu.wsdl_url()).await;
    let log = emu.state().requests();
    assert_eq!(log.len(), 4);
    assert_eq!(log.iter().map(|r| r.seq).collect::<Vec<_>>(), [1, 2, 3, 4]);
    assert_eq!(log[0].operation, Some("getLead"));
    assert_eq!(
        log[0].soap_action.as_deref(),
        Some("\"http://www.marketo.com/mktows/getLead\"")
    );
    assert_eq!(log[0].outcome, Outcome::Success);
    assert!(log[0].body.contains("<keyValue>1001</keyValue>"));
    assert_eq!(log[1].outcome, Outcome::Fault(20103));
    assert_eq!(log[2].operation, None);
    assert_eq!(log[2].outcome, Outcome::Fault(20012));
    assert_eq!(log[3].method, "GET");
    assert_eq!(log[3].outcome, Outcome::Page(200));
    assert_eq!(emu.state().request_count(), 4);
}

/// Oversized bodies are refused before they are parsed; shutdown closes the port.
#[tokio::test]
async fn oversized_requests_and_shutdown() {
    let emu = emulator()
        .max_request_bytes(2048)
        .start()
        .await
        .expect("start");
    let big = signed(&get_lead_body(&"9".repeat(4096)));
    let r = post(emu.url(), None, big).await;
    assert_eq!(r.status, 413);
    post(emu.url(), None, signed(&get_lead_body("1001")))
        .await
        .assert_ok();
    let url = emu.url().to_owned();
    emu.shutdown().await;
    assert!(
        http().post(&url).body("x").send().await.is_err(),
        "nothing listens any more"
    );
}
