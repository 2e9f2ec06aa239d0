//! The wire-format kinds of fault other SOAP stacks hit with mktows (field cases C05, C06, C08,
//! C09, C10, C11, C17, C20) and the issue's tricky round trips, with fixtures of our own.

mod common;

use mktows::server::{Request, decode_request};
use mktows::{
    ActivityRecord, ArrayOfAttrib, ArrayOfString, Attrib, Client, LastUpdateAtSelector, LeadKey,
    LeadKeyRef, LeadKeySelector, LeadRecord, LeadSelector, MObject, MktowsContextHeaderInfo,
    ParamsGetLead, ParamsGetMultipleLeads, ParamsScheduleCampaign, ParamsSyncLead, StreamPosition,
    Tag,
};
use mktows_runtime::datetime::TzOffset;
use mktows_runtime::transport::{HttpRequest, HttpResponse, transport_fn};
use mktows_runtime::xml::{
    Decode, ElementName, Encode, ReadLimits, Writer, from_document, to_document,
};
use mktows_runtime::{DateTime, Nillable};
use std::sync::{Arc, Mutex};

const NS: &str = "http://www.marketo.com/mktows/";
const ENV_OPEN: &str = r#"<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns1="http://www.marketo.com/mktows/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><SOAP-ENV:Body>"#;
const ENV_CLOSE: &str = "</SOAP-ENV:Body></SOAP-ENV:Envelope>";

fn decode<T: Decode>(xml: &str) -> T {
    from_document(xml.as_bytes(), ReadLimits::default())
        .unwrap_or_else(|e| panic!("decoding {xml}: {e}"))
}

fn decode_err<T: Decode + std::fmt::Debug>(xml: &str) -> String {
    from_document::<T>(xml.as_bytes(), ReadLimits::default())
        .expect_err("should not decode")
        .to_string()
}

fn encode<T: Encode>(value: &T, local: &'static str) -> String {
    String::from_utf8(to_document(value, ElementName::local(local)).expect("encodes"))
        .expect("UTF-8")
}

fn round_trip<T: Decode + Encode + PartialEq + std::fmt::Debug>(
    xml: &str,
    local: &'static str,
) -> T {
    let first: T = decode(xml);
    let again: T = decode(&encode(&first, local));
    assert_eq!(
        first, again,
        "decode→encode→decode is the identity for {xml}"
    );
    first
}

fn dt(text: &str) -> DateTime {
    text.parse().expect("valid dateTime")
}

/// A client whose transport records what it is given and answers `response`.
fn recording_client(
    response: &'static str,
) -> (
    Client<impl mktows_runtime::Transport>,
    Arc<Mutex<Vec<HttpRequest>>>,
) {
    let sent: Arc<Mutex<Vec<HttpRequest>>> = Arc::default();
    let log = Arc::clone(&sent);
    let transport = transport_fn(move |request: HttpRequest| {
        let log = Arc::clone(&log);
        async move {
            log.lock().expect("lock").push(request);
            Ok(HttpResponse::xml(200, response))
        }
    });
    let runtime = mktows_runtime::Client::builder()
        .endpoint("http://127.0.0.1:9/soap/mktows/2_3")
        .user_id("example_user_0001")
        .encryption_key("example-key-0001")
        .build_with_transport(transport)
        .expect("client");
    (Client::new(runtime), sent)
}

/// (namespace, local) of each element child of `node`.
fn children<'a>(node: roxmltree::Node<'a, 'a>) -> Vec<(Option<&'a str>, &'a str)> {
    node.children()
        .filter(|c| c.is_element())
        .map(|c| (c.tag_name().namespace(), c.tag_name().name()))
        .collect()
}

// C05: the body element comes from the message part, the SOAPAction from the binding.
#[tokio::test]
async fn c05_body_element_and_soap_action_come_from_the_wsdl() {
    let (client, sent) = recording_client(concat!(
        r#"<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Body>"#,
        r#"<x:successGetLead xmlns:x="http://www.marketo.com/mktows/"><result><count>0</count></result></x:successGetLead>"#,
        "</SOAP-ENV:Body></SOAP-ENV:Envelope>"
    ));
    let params = ParamsGetLead::new(LeadKey::new(LeadKeyRef::Idnum, "1001"));
    let reply = client.get_lead(&params).await.expect("success decodes");
    assert_eq!(reply.result.count, 0);
    let sent = sent.lock().expect("lock");
    assert_eq!(sent[0].soap_action, "http://www.marketo.com/mktows/getLead");
    let body = std::str::from_utf8(&sent[0].body).expect("UTF-8");
    let doc = roxmltree::Document::parse(body).expect("well-formed");
    let body_el = doc
        .descendants()
        .find(|n| n.has_tag_name(("http://schemas.xmlsoap.org/soap/envelope/", "Body")))
        .expect("Body");
    assert_eq!(children(body_el), [(Some(NS), "paramsGetLead")]);
    assert_eq!(
        mktows::operations::GET_LEAD.response,
        (NS, "successGetLead")
    );
    for op in mktows::operations::ALL {
        let upper = {
            let mut c = op.name.chars();
            let first = c.next().expect("name").to_ascii_uppercase();
            format!("{first}{}", c.as_str())
        };
        assert_eq!(op.request, (NS, format!("params{upper}").as_str()));
        assert_eq!(op.response, (NS, format!("success{upper}").as_str()));
        assert_eq!(
            op.soap_action,
            format!("http://www.marketo.com/mktows/{}", op.name)
        );
    }
    assert_eq!(mktows::operations::ALL.len(), 23);
}

// C05 (server side): the operation is chosen by the body QName, never by its prefix.
#[test]
fn c05_dispatch_on_body_qname() {
    let ok = format!(
        "{ENV_OPEN}<m:paramsGetLead xmlns:m=\"{NS}\"><leadKey><keyType>IDNUM</keyType><keyValue>1001</keyValue></leadKey></m:paramsGetLead>{ENV_CLOSE}"
    );
    let decoded = decode_request(
        Some("\"http://www.marketo.com/mktows/getLead\""),
        ok.as_bytes(),
        ReadLimits::default(),
    )
    .expect("decodes");
    let Request::GetLead(p) = decoded.request else {
        panic!("wrong operation: {:?}", decoded.request);
    };
    assert_eq!(p.lead_key.key_value, "1001");
    for wrong in ["getLead", "GetLeadRequest"] {
        let xml = format!("{ENV_OPEN}<ns1:{wrong}><leadKey/></ns1:{wrong}>{ENV_CLOSE}");
        let err = decode_request(None, xml.as_bytes(), ReadLimits::default()).expect_err("unknown");
        assert!(
            matches!(err, mktows_runtime::server::RequestError::UnknownBody { ref local, .. } if local == wrong),
            "{err}"
        );
    }
    let mismatch = decode_request(
        Some("http://www.marketo.com/mktows/syncLead"),
        ok.as_bytes(),
        ReadLimits::default(),
    )
    .expect_err("SOAPAction names another operation");
    assert!(matches!(
        mismatch,
        mktows_runtime::server::RequestError::SoapActionMismatch {
            operation: "getLead",
            ..
        }
    ));
}

// C06: the abstract selector is written with xsi:type bound to the mktows namespace, in
// sequence order, and cannot be read without it.
#[test]
fn c06_abstract_selector_written_with_bound_xsi_type() {
    let mut params = ParamsGetMultipleLeads::new();
    let mut selector = LastUpdateAtSelector::new(dt("2013-06-09T00:00:00-08:00"));
    selector.latest_updated_at = Nillable::Value(dt("2013-06-10T00:00:00-08:00"));
    params.lead_selector = Some(LeadSelector::from(selector));
    let mut w = Writer::new();
    w.required(
        ElementName::qualified(NS, "paramsGetMultipleLeads"),
        &params,
    )
    .expect("encodes");
    let xml = String::from_utf8(w.into_bytes()).expect("UTF-8");
    let doc = roxmltree::Document::parse(&xml).expect("well-formed, every prefix declared");
    let sel = doc
        .descendants()
        .find(|n| n.has_tag_name("leadSelector"))
        .expect("leadSelector");
    let ty = sel
        .attribute(("http://www.w3.org/2001/XMLSchema-instance", "type"))
        .expect("xsi:type present");
    let (prefix, local) = ty.split_once(':').expect("prefixed");
    assert_eq!(local, "LastUpdateAtSelector");
    assert_eq!(sel.lookup_namespace_uri(Some(prefix)), Some(NS));
    assert_eq!(
        children(sel),
        [(None, "latestUpdatedAt"), (None, "oldestUpdatedAt")]
    );

    let no_type =
        "<leadSelector><oldestUpdatedAt>2013-06-09T00:00:00-08:00</oldestUpdatedAt></leadSelector>";
    let err = decode_err::<LeadSelector>(no_type);
    assert!(err.contains("LeadSelector is abstract"), "{err}");
    let unbound = r#"<leadSelector xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="q9:LastUpdateAtSelector"/>"#;
    let err = decode_err::<LeadSelector>(unbound);
    assert!(err.contains("q9"), "{err}");
}

// C07: xsi:type is resolved by (namespace URI, local name) whatever the prefixes.
#[test]
fn c07_xsi_type_resolved_through_namespace_declarations() {
    let keys = "<keyType>IDNUM</keyType><keyValues><stringItem>1001</stringItem><stringItem>1002</stringItem></keyValues>";
    let variants = [
        format!(
            r#"<leadSelector xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns:t="{NS}" i:type="t:LeadKeySelector">{keys}</leadSelector>"#
        ),
        format!(
            r#"<w xmlns:a="{NS}" xmlns:b="{NS}"><leadSelector xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="b:LeadKeySelector">{keys}</leadSelector></w>"#
        ),
        format!(
            r#"<leadSelector xmlns="{NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="LeadKeySelector"><keyType xmlns="">IDNUM</keyType><keyValues xmlns=""><stringItem>1001</stringItem><stringItem>1002</stringItem></keyValues></leadSelector>"#
        ),
    ];
    let mut expected_values = ArrayOfString::new();
    expected_values.string_item = vec!["1001".to_owned(), "1002".to_owned()];
    let expected =
        LeadSelector::LeadKeySelector(LeadKeySelector::new(LeadKeyRef::Idnum, expected_values));
    for (i, xml) in variants.iter().enumerate() {
        let value: LeadSelector = if i == 1 {
            // The selector inside a wrapper element that carries the declarations.
            let mut reader =
                mktows_runtime::xml::Reader::new(xml.as_bytes(), ReadLimits::default());
            let _wrapper = reader.next_child().expect("read").expect("root");
            let sel = reader.next_child().expect("read").expect("selector");
            LeadSelector::decode(&mut reader, &sel).expect("decodes")
        } else {
            decode(xml)
        };
        assert_eq!(value, expected, "variant {i}");
    }
    let foreign = format!(
        r#"<leadSelector xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:o="urn:other" xsi:type="o:LeadKeySelector">{keys}</leadSelector>"#
    );
    let err = decode_err::<LeadSelector>(&foreign);
    assert!(
        err.contains("{urn:other}LeadKeySelector is not a known concrete form"),
        "{err}"
    );
    let unbound = format!(
        r#"<leadSelector xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="zz:LeadKeySelector">{keys}</leadSelector>"#
    );
    assert!(decode_err::<LeadSelector>(&unbound).contains("zz"));
}

// C08: local elements are unqualified on the wire; qualified ones are not the same element.
#[test]
fn c08_local_elements_are_unqualified() {
    let params = ParamsGetLead::new(LeadKey::new(LeadKeyRef::Idnum, "1001"));
    let request = Request::GetLead(params);
    let xml = String::from_utf8(
        request
            .to_envelope(&mktows::server::RequestHeaders::default())
            .expect("encodes"),
    )
    .expect("UTF-8");
    let doc = roxmltree::Document::parse(&xml).expect("well-formed");
    for node in doc.descendants().filter(|n| n.is_element()) {
        let name = node.tag_name().name();
        if ["leadKey", "keyType", "keyValue"].contains(&name) {
            assert_eq!(
                node.tag_name().namespace(),
                None,
                "{name} must be unqualified"
            );
            assert_eq!(
                node.lookup_namespace_uri(None),
                None,
                "no default namespace in scope"
            );
        }
    }
    let qualified = format!(
        "{ENV_OPEN}<ns1:paramsGetLead><ns1:leadKey><ns1:keyType>IDNUM</ns1:keyType><ns1:keyValue>1001</ns1:keyValue></ns1:leadKey></ns1:paramsGetLead>{ENV_CLOSE}"
    );
    let err =
        decode_request(None, qualified.as_bytes(), ReadLimits::default()).expect_err("no leadKey");
    assert!(err.to_string().contains("leadKey"), "{err}");
    let leaked = format!(
        "{ENV_OPEN}<paramsGetLead xmlns=\"{NS}\"><leadKey><keyType>IDNUM</keyType><keyValue>1001</keyValue></leadKey></paramsGetLead>{ENV_CLOSE}"
    );
    let err =
        decode_request(None, leaked.as_bytes(), ReadLimits::default()).expect_err("no leadKey");
    assert!(err.to_string().contains("leadKey"), "{err}");
}

// C09: syncLead carries one authentication header and at most one context header.
#[tokio::test]
async fn c09_sync_lead_headers() {
    const OK: &str = concat!(
        r#"<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns1="http://www.marketo.com/mktows/"><SOAP-ENV:Body>"#,
        "<ns1:successSyncLead><result><leadId>1001</leadId><syncStatus><leadId>1001</leadId><status>UPDATED</status><error xsi:nil=\"true\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"/></syncStatus></result></ns1:successSyncLead>",
        "</SOAP-ENV:Body></SOAP-ENV:Envelope>"
    );
    let (client, sent) = recording_client(OK);
    let mut record = LeadRecord::new();
    record.email = Nillable::Value("lead1@example.invalid".to_owned());
    let params = ParamsSyncLead::new(record, false);
    let context = MktowsContextHeaderInfo::new("Workspace A");
    let with = client.sync_lead(&params, Some(&context)).await.expect("ok");
    assert_eq!(with.result.lead_id, 1001);
    client.sync_lead(&params, None).await.expect("ok");
    let sent = sent.lock().expect("lock");
    let header_children = |i: usize| -> Vec<String> {
        let body = std::str::from_utf8(&sent[i].body)
            .expect("UTF-8")
            .to_owned();
        let doc = roxmltree::Document::parse(&body).expect("well-formed");
        let header = doc
            .descendants()
            .find(|n| n.has_tag_name(("http://schemas.xmlsoap.org/soap/envelope/", "Header")))
            .expect("Header");
        children(header)
            .into_iter()
            .map(|(ns, l)| format!("{}{l}", if ns == Some(NS) { "ns1:" } else { "?:" }))
            .collect()
    };
    assert_eq!(
        header_children(0),
        ["ns1:AuthenticationHeader", "ns1:MktowsContextHeader"]
    );
    assert_eq!(header_children(1), ["ns1:AuthenticationHeader"]);

    // Either order is accepted by the dispatcher, and the workspace reaches the service.
    let reversed = format!(
        r#"<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns1="{NS}"><SOAP-ENV:Header><ns1:MktowsContextHeader><targetWorkspace>Workspace A</targetWorkspace></ns1:MktowsContextHeader><ns1:AuthenticationHeader><mktowsUserId>example_user_0001</mktowsUserId><requestSignature>00</requestSignature><requestTimestamp>2026-01-15T10:00:00-05:00</requestTimestamp></ns1:AuthenticationHeader></SOAP-ENV:Header><SOAP-ENV:Body><ns1:paramsSyncLead><leadRecord><Email>lead1@example.invalid</Email></leadRecord><returnLead>false</returnLead></ns1:paramsSyncLead></SOAP-ENV:Body></SOAP-ENV:Envelope>"#
    );
    let decoded =
        decode_request(None, reversed.as_bytes(), ReadLimits::default()).expect("decodes");
    assert_eq!(
        decoded
            .headers
            .mktows_context
            .map(|c| c.target_workspace)
            .as_deref(),
        Some("Workspace A")
    );
    assert_eq!(
        decoded
            .headers
            .authentication
            .map(|a| a.mktows_user_id)
            .as_deref(),
        Some("example_user_0001")
    );
}

// C10: xsi:nil in all its lexical forms; a nil dateTime is not parsed.
#[test]
fn c10_nil_forms_in_stream_position() {
    let xml = r#"<newStartPosition xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
      <latestCreatedAt xsi:nil="true"/>
      <oldestCreatedAt xsi:nil=" 1 "/>
      <activityCreatedAt xsi:nil="false">2013-06-09T14:04:54-08:00</activityCreatedAt>
      <offset>OFFSET-0001</offset>
    </newStartPosition>"#;
    let pos: StreamPosition = round_trip(xml, "startPosition");
    assert_eq!(pos.latest_created_at, Nillable::Nil);
    assert_eq!(pos.oldest_created_at, Nillable::Nil);
    let at = pos.activity_created_at.value().expect("a value");
    assert_eq!(at.to_unix_seconds(), Some(1_370_815_494));
    assert_eq!(at.offset(), TzOffset::Offset(-8 * 60));
    assert_eq!(pos.offset, Nillable::Value("OFFSET-0001".to_owned()));
    // Echoed back, nil stays nil and the value keeps its spelling.
    let echoed = encode(&pos, "startPosition");
    assert!(echoed.contains(r#"<latestCreatedAt xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"/>"#) || echoed.contains("<latestCreatedAt xsi:nil=\"true\""), "{echoed}");
    assert!(
        echoed.contains("<activityCreatedAt>2013-06-09T14:04:54-08:00</activityCreatedAt>"),
        "{echoed}"
    );
    // The documentation's empty-element form is "not set".
    let empty: StreamPosition = decode(
        "<startPosition><latestCreatedAt /><oldestCreatedAt></oldestCreatedAt></startPosition>",
    );
    assert_eq!(empty.latest_created_at, Nillable::Absent);
    assert_eq!(empty.oldest_created_at, Nillable::Absent);
    let bad = decode_err::<StreamPosition>(
        r#"<p xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><offset xsi:nil="maybe"/></p>"#,
    );
    assert!(bad.contains("offset"), "{bad}");
}

// C11: empty string, nil and absent are three different things.
#[test]
fn c11_empty_nil_absent_strings() {
    let xml = r#"<activityRecord xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><id>5001</id><activityDateTime>2015-09-04T16:07:16-05:00</activityDateTime>
      <activityType>New Lead</activityType><mktgAssetName/>
      <activityAttributes>
        <attribute><attrName>Source Type</attrName><attrType xsi:nil="true"/><attrValue>Web service API</attrValue></attribute>
        <attribute><attrName>Note</attrName><attrType xsi:nil="true"/><attrValue></attrValue></attribute>
      </activityAttributes>
      <campaign/><personName xsi:nil="true"/><mktPersonId>1001</mktPersonId></activityRecord>"#;
    let rec: ActivityRecord = round_trip(xml, "activityRecord");
    assert_eq!(rec.mktg_asset_name.as_deref(), Some(""));
    assert_eq!(rec.campaign, Nillable::Value(String::new()));
    assert_eq!(rec.person_name, Nillable::Nil);
    assert_eq!(rec.foreign_sys_id, Nillable::Absent);
    assert_eq!(rec.org_name, Nillable::Absent);
    assert_eq!(rec.activity_type, "New Lead");
    let attrs = rec.activity_attributes.value().expect("attributes");
    assert_eq!(attrs.attribute.len(), 2);
    assert_eq!(attrs.attribute[0].attr_type, Nillable::Nil);
    assert_eq!(attrs.attribute[1].attr_value, "");
}

// C17: offsets are kept and give the right instants, whatever the host's zone.
#[test]
fn c17_date_time_offsets_are_kept() {
    let cases = [
        ("2015-09-04T16:07:16-05:00", 1_441_400_836, -5 * 60),
        ("2017-01-05T23:58:07+00:00", 1_483_660_687, 0),
        ("2017-01-05T23:58:07+09:00", 1_483_628_287, 9 * 60),
        ("2017-01-05T23:58:07-08:00", 1_483_689_487, -8 * 60),
    ];
    for (text, unix, offset) in cases {
        let xml = format!(
            "<activityRecord><id>1</id><activityDateTime>{text}</activityDateTime><activityType>Visit Webpage</activityType><mktPersonId>1</mktPersonId></activityRecord>"
        );
        let rec: ActivityRecord = round_trip(&xml, "activityRecord");
        assert_eq!(
            rec.activity_date_time.to_unix_seconds(),
            Some(unix),
            "{text}"
        );
        assert_eq!(
            rec.activity_date_time.offset(),
            TzOffset::Offset(offset),
            "{text}"
        );
        assert_eq!(rec.activity_date_time.to_string(), text, "byte-for-byte");
        assert!(
            encode(&rec, "activityRecord")
                .contains(&format!("<activityDateTime>{text}</activityDateTime>"))
        );
    }
    let naive = dt("2017-01-05T23:58:07");
    assert_eq!(naive.offset(), TzOffset::None);
    assert_eq!(naive.to_unix_seconds(), None, "no zone means no instant");
    for accepted in [
        "2013-06-09T08:34:54Z",
        "2013-06-09T14:04:54.123+05:30",
        "2013-06-09T14:04:54",
    ] {
        assert_eq!(dt(accepted).to_string(), accepted);
    }
    assert!(dt("2013-06-09T08:34:54Z").same_instant(&dt("2013-06-09T14:04:54+05:30")));
}

// C20: an element named `type` round-trips byte for byte.
#[test]
fn c20_keyword_element_names() {
    let xml = "<mObject><type>Program</type><id>12</id></mObject>";
    let obj: MObject = round_trip(xml, "mObject");
    assert_eq!(obj.r#type, "Program");
    assert_eq!(obj.id, Some(12));
    assert_eq!(encode(&obj, "mObject"), xml);
    let tag: Tag = round_trip(
        "<tag><type>Region</type><values><stringItem>EMEA</stringItem><stringItem>APAC</stringItem></values></tag>",
        "tag",
    );
    assert_eq!(tag.r#type.as_deref(), Some("Region"));
    assert_eq!(tag.values.map(|v| v.string_item.len()), Some(2));
}

#[test]
fn unknown_enum_values_and_elements_survive() {
    let key: LeadKey = round_trip(
        "<leadKey><keyType>FUTUREKEY</keyType><keyValue>1</keyValue><addedLater>x</addedLater></leadKey>",
        "leadKey",
    );
    assert_eq!(key.key_type, LeadKeyRef::Unknown("FUTUREKEY".to_owned()));
    assert_eq!(key.key_type.as_str(), "FUTUREKEY");
    assert_eq!(
        encode(&key, "leadKey"),
        "<leadKey><keyType>FUTUREKEY</keyType><keyValue>1</keyValue></leadKey>",
        "the unknown element is skipped, the unknown value kept"
    );
    assert_eq!(LeadKeyRef::from("IDNUM"), LeadKeyRef::Idnum);
}

#[test]
fn absent_nil_and_value_round_trip_distinctly() {
    for (state, xml) in [
        (
            Nillable::Absent,
            "<paramsScheduleCampaign><programName>P</programName><campaignName>C</campaignName></paramsScheduleCampaign>",
        ),
        (
            Nillable::Nil,
            r#"<paramsScheduleCampaign><programName>P</programName><campaignName>C</campaignName><campaignRunAt xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"/></paramsScheduleCampaign>"#,
        ),
        (
            Nillable::Value(dt("2026-02-01T09:30:00+05:30")),
            "<paramsScheduleCampaign><programName>P</programName><campaignName>C</campaignName><campaignRunAt>2026-02-01T09:30:00+05:30</campaignRunAt></paramsScheduleCampaign>",
        ),
    ] {
        let p: ParamsScheduleCampaign = round_trip(xml, "paramsScheduleCampaign");
        assert_eq!(p.campaign_run_at, state);
        common::assert_same_xml(xml, &encode(&p, "paramsScheduleCampaign"));
    }
}

#[test]
fn special_characters_in_token_values() {
    let hostile = "a < b & c ]]> \"quoted\" 'single' naïve 東京 🚀\ttab";
    let mut params = ParamsScheduleCampaign::new("Example Program", "Example Campaign");
    let mut tokens = ArrayOfAttrib::new();
    tokens.attrib = vec![Attrib::new("{{my.example}}", hostile)];
    params.program_token_list = Nillable::Value(tokens);
    let xml = encode(&params, "paramsScheduleCampaign");
    assert!(!xml.contains("]]>"), "`>` is escaped: {xml}");
    roxmltree::Document::parse(&xml).expect("well-formed");
    let back: ParamsScheduleCampaign = decode(&xml);
    assert_eq!(back, params);
    let value = &back.program_token_list.value().expect("tokens").attrib[0].value;
    assert_eq!(value, hostile);

    let mut bad = params.clone();
    let mut tokens = ArrayOfAttrib::new();
    tokens.attrib = vec![
        Attrib::new("ok", "x"),
        Attrib::new("{{my.bad}}", "bell \u{7}"),
    ];
    bad.program_token_list = Nillable::Value(tokens);
    let err = to_document(&bad, ElementName::local("paramsScheduleCampaign"))
        .expect_err("XML 1.0 cannot carry U+0007");
    assert!(
        err.to_string()
            .contains("paramsScheduleCampaign/programTokenList/attrib[2]/value"),
        "{err}"
    );
}

#[test]
fn decode_errors_name_the_element_path() {
    let xml = format!(
        "{ENV_OPEN}<ns1:successGetMultipleLeads><result><returnCount>3</returnCount><remainingCount>0</remainingCount><newStreamPosition/><leadRecordList><leadRecord><Id>1</Id></leadRecord><leadRecord><Id>2</Id></leadRecord><leadRecord><Id>12x</Id></leadRecord></leadRecordList></result></ns1:successGetMultipleLeads>{ENV_CLOSE}"
    );
    let err = mktows_runtime::soap::read_response::<mktows::SuccessGetMultipleLeads>(
        xml.as_bytes(),
        mktows::operations::GET_MULTIPLE_LEADS.response,
        ReadLimits::default(),
    )
    .expect_err("bad int");
    let text = err.to_string();
    assert!(
        text.contains("successGetMultipleLeads/result/leadRecordList/leadRecord[3]/Id"),
        "{text}"
    );
    assert!(text.contains("12x"), "{text}");
}
