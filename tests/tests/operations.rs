//! Every operation's request and response fixture (`tests/fixtures/{requests,responses}`)
//! decodes, re-encodes to the same XML (canonically) and decodes again to the same value;
//! plus exact checks of decoded values, so that no test can pass by decoding nothing.

mod common;

use common::{canonical_diff, fixtures_dir, xml_files};
use mktows::server::{DecodedRequest, Request, Response, decode_request};
use mktows_runtime::client::Operation;
use mktows_runtime::soap::read_response;
use mktows_runtime::xml::{Decode, ReadLimits};
use mktows_runtime::{DateTime, Nillable};

// ---------------------------------------------------------------------------------------------
// helpers

/// The operation named `name` in `mktows::operations::ALL`.
fn operation(name: &str) -> Option<&'static Operation> {
    mktows::operations::ALL
        .iter()
        .copied()
        .find(|op| op.name == name)
}

fn read_fixture(kind: &str, name: &str) -> String {
    let path = fixtures_dir().join(kind).join(format!("{name}.xml"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn dt(s: &str) -> DateTime {
    s.parse()
        .unwrap_or_else(|e| panic!("bad test dateTime {s:?}: {e:?}"))
}

/// decode → encode → decode of a request fixture; returns the first decode.
fn round_trip_request(name: &str, text: &str) -> Result<DecodedRequest, String> {
    let op = operation(name).ok_or_else(|| format!("no operation named {name}"))?;
    let first = decode_request(Some(op.soap_action), text.as_bytes(), ReadLimits::default())
        .map_err(|e| format!("decode failed: {e}"))?;
    let decoded_as = first.request.operation().name;
    if decoded_as != name {
        return Err(format!("decoded as operation {decoded_as}"));
    }
    let encoded = first
        .request
        .to_envelope(&first.headers)
        .map_err(|e| format!("encode failed: {e}"))?;
    let encoded =
        String::from_utf8(encoded).map_err(|e| format!("encoder wrote non-UTF-8: {e}"))?;
    let second = decode_request(
        Some(op.soap_action),
        encoded.as_bytes(),
        ReadLimits::default(),
    )
    .map_err(|e| format!("decode of the re-encoded request failed: {e}\n{encoded}"))?;
    if second != first {
        return Err(format!(
            "decode→encode→decode changed the value:\nfirst:  {first:?}\nsecond: {second:?}"
        ));
    }
    canonical_diff(text, &encoded)
        .map_err(|d| format!("re-encoded request differs from the fixture: {d}\n{encoded}"))?;
    Ok(first)
}

/// Decodes a response fixture as `T`.
fn decode_response<T: Decode>(name: &str, text: &str) -> Result<T, String> {
    let op = operation(name).ok_or_else(|| format!("no operation named {name}"))?;
    match read_response::<T>(text.as_bytes(), op.response, ReadLimits::default()) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(fault)) => Err(format!("decoded as a SOAP fault: {fault}")),
        Err(e) => Err(format!("decode failed: {e}")),
    }
}

/// A response envelope of operation `name`, decoded through the generated dispatcher.
fn decode_any_response(name: &str, text: &str) -> Result<Response, String> {
    match Response::from_envelope(name, text.as_bytes(), ReadLimits::default()) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(fault)) => Err(format!("decoded as a SOAP fault: {fault}")),
        Err(e) => Err(format!("decode failed: {e}")),
    }
}

/// decode → encode → decode of a response fixture, by operation name.
fn response_round_trip(name: &str, text: &str) -> Result<(), String> {
    let first = decode_any_response(name, text)?;
    let encoded_as = first.operation().name;
    if encoded_as != name {
        return Err(format!("Response variant answers operation {encoded_as}"));
    }
    let encoded = first
        .to_envelope()
        .map_err(|e| format!("encode failed: {e}"))?;
    let encoded =
        String::from_utf8(encoded).map_err(|e| format!("encoder wrote non-UTF-8: {e}"))?;
    let second = decode_any_response(name, &encoded)
        .map_err(|e| format!("re-encoded response: {e}\n{encoded}"))?;
    if second != first {
        return Err(format!(
            "decode→encode→decode changed the value:\nfirst:  {first:?}\nsecond: {second:?}"
        ));
    }
    canonical_diff(text, &encoded)
        .map_err(|d| format!("re-encoded response differs from the fixture: {d}\n{encoded}"))
}

/// The decoded request fixture of `name` (panics when it does not decode).
fn request(name: &str) -> Request {
    let text = read_fixture("requests", name);
    let op = operation(name).expect("operation");
    decode_request(Some(op.soap_action), text.as_bytes(), ReadLimits::default())
        .unwrap_or_else(|e| panic!("requests/{name}.xml: {e}"))
        .request
}

/// The decoded response fixture of `name` (panics when it does not decode).
fn response<T: Decode>(name: &str) -> T {
    let text = read_fixture("responses", name);
    decode_response(name, &text).unwrap_or_else(|e| panic!("responses/{name}.xml: {e}"))
}

/// The payload of request variant `$variant`, or a panic naming the operation decoded instead.
macro_rules! expect_request {
    ($value:expr, $variant:path) => {
        match $value {
            $variant(p) => p,
            other => panic!("request decoded as operation {}", other.operation().name),
        }
    };
}

// ---------------------------------------------------------------------------------------------
// the fixture set

#[test]
fn fixtures_cover_every_operation_exactly_once() {
    let mut all: Vec<&str> = mktows::operations::ALL.iter().map(|op| op.name).collect();
    all.sort_unstable();
    assert_eq!(all.len(), 23, "mktows::operations::ALL");
    for kind in ["requests", "responses"] {
        let files = xml_files(&fixtures_dir().join(kind));
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names, all,
            "fixtures/{kind} must hold one file per operation"
        );
    }
}

#[test]
fn every_request_fixture_round_trips() {
    let files = xml_files(&fixtures_dir().join("requests"));
    assert_eq!(files.len(), 23);
    let mut failures = Vec::new();
    for (name, path) in &files {
        let text = std::fs::read_to_string(path).expect("fixture");
        match round_trip_request(name, &text) {
            Ok(decoded) => {
                // every fixture carries the same authentication header; only syncLead has the
                // context header
                let auth = decoded.headers.authentication.as_ref();
                let user = auth.map(|a| a.mktows_user_id.as_str());
                let context = decoded
                    .headers
                    .mktows_context
                    .as_ref()
                    .map(|c| c.target_workspace.as_str());
                let want_context = (name == "syncLead").then_some("Example Workspace");
                if user != Some("example_user_0001") || context != want_context {
                    failures.push(format!(
                        "{name}: headers decoded as user {user:?}, workspace {context:?}"
                    ));
                }
            }
            Err(e) => failures.push(format!("{name}: {e}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of 23 request fixtures fail:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn every_response_fixture_round_trips() {
    let files = xml_files(&fixtures_dir().join("responses"));
    assert_eq!(files.len(), 23);
    let mut failures = Vec::new();
    for (name, path) in &files {
        let text = std::fs::read_to_string(path).expect("fixture");
        if let Err(e) = response_round_trip(name, &text) {
            failures.push(format!("{name}: {e}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of 23 response fixtures fail:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

// ---------------------------------------------------------------------------------------------
// headers

#[test]
fn authentication_header_values() {
    let text = read_fixture("requests", "getTags");
    let decoded = decode_request(None, text.as_bytes(), ReadLimits::default()).expect("decode");
    let auth = decoded
        .headers
        .authentication
        .expect("AuthenticationHeader");
    assert_eq!(auth.mktows_user_id, "example_user_0001");
    assert_eq!(auth.request_signature.len(), 40);
    assert!(
        auth.request_signature
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    );
    assert_eq!(auth.request_timestamp, "2026-01-15T15:00:00Z");
    assert_eq!(auth.audit.as_deref(), Some("example-audit-note"));
    assert_eq!(auth.mode, None);
    assert_eq!(auth.partner_id, None);
    assert_eq!(decoded.headers.mktows_context, None);

    let text = read_fixture("requests", "getCampaignsForSource");
    let decoded = decode_request(None, text.as_bytes(), ReadLimits::default()).expect("decode");
    let auth = decoded
        .headers
        .authentication
        .expect("AuthenticationHeader");
    assert_eq!(auth.request_timestamp, "2026-01-15T10:00:00-05:00");
    assert_eq!(auth.audit, None);
    assert_eq!(auth.partner_id.as_deref(), Some("example_partner_0001"));
}

#[test]
fn soap_action_must_agree_with_the_body() {
    let text = read_fixture("requests", "getLead");
    let wrong = mktows::operations::GET_TAGS.soap_action;
    let err = decode_request(Some(wrong), text.as_bytes(), ReadLimits::default())
        .expect_err("SOAPAction of getTags on a getLead body");
    let msg = err.to_string();
    assert!(msg.contains("getLead"), "{msg}");
    let quoted = format!("\"{}\"", mktows::operations::GET_LEAD.soap_action);
    assert!(decode_request(Some(&quoted), text.as_bytes(), ReadLimits::default()).is_ok());
    assert!(decode_request(Some(""), text.as_bytes(), ReadLimits::default()).is_ok());
}

// ---------------------------------------------------------------------------------------------
// leads

#[test]
fn get_lead_values() {
    let p = expect_request!(request("getLead"), Request::GetLead);
    assert_eq!(p.lead_key.key_type, mktows::LeadKeyRef::Email);
    assert_eq!(p.lead_key.key_value, "lead1@example.invalid");

    let r: mktows::SuccessGetLead = response("getLead");
    assert_eq!(r.result.count, 2);
    let Nillable::Value(list) = &r.result.lead_record_list else {
        panic!("leadRecordList: {:?}", r.result.lead_record_list)
    };
    assert_eq!(list.lead_record.len(), 2);
    let first = &list.lead_record[0];
    assert_eq!(first.id, Nillable::Value(1001));
    assert_eq!(
        first.email.value().map(String::as_str),
        Some("lead1@example.invalid")
    );
    assert_eq!(
        first.foreign_sys_type,
        Nillable::Value(mktows::ForeignSysType::Custom)
    );
    let attrs = &first
        .lead_attribute_list
        .value()
        .expect("attributes")
        .attribute;
    assert_eq!(attrs.len(), 5);
    assert_eq!(attrs[2].attr_name, "Company");
    assert_eq!(attrs[2].attr_value, "Example Company & Partners <Test>");
    assert_eq!(attrs[3].attr_type, Nillable::Value("url".to_owned()));
    assert_eq!(
        attrs[3].attr_value,
        "https://www.example.invalid/path?a=1&b=2"
    );
    let second = &list.lead_record[1];
    assert_eq!(second.foreign_sys_person_id, Nillable::Nil);
    assert_eq!(second.foreign_sys_type, Nillable::Nil);
    let attrs = &second
        .lead_attribute_list
        .value()
        .expect("attributes")
        .attribute;
    assert_eq!(attrs[0].attr_type, Nillable::Nil);
}

#[test]
fn get_multiple_leads_values() {
    let p = expect_request!(request("getMultipleLeads"), Request::GetMultipleLeads);
    let Some(mktows::LeadSelector::LeadKeySelector(sel)) = &p.lead_selector else {
        panic!("leadSelector: {:?}", p.lead_selector)
    };
    assert_eq!(sel.key_type, mktows::LeadKeyRef::Email);
    assert_eq!(
        sel.key_values.string_item,
        [
            "lead1@example.invalid",
            "lead2@example.invalid",
            "lead3@example.invalid"
        ]
    );
    let last = p.last_updated_at.as_ref().expect("lastUpdatedAt");
    assert_eq!(last, &dt("2026-01-01T00:00:00.250Z"));
    assert_eq!(last.to_string(), "2026-01-01T00:00:00.250Z");
    assert_eq!(last.fraction_digits(), 3);
    assert_eq!(last.nanosecond(), 250_000_000);
    assert_eq!(last.offset_minutes(), Some(0));
    assert_eq!(p.stream_position, Nillable::Nil);
    assert_eq!(p.batch_size, Nillable::Value(50));
    assert_eq!(
        p.include_attributes
            .as_ref()
            .expect("includeAttributes")
            .string_item,
        ["FirstName", "LastName", "Company"]
    );

    let r: mktows::SuccessGetMultipleLeads = response("getMultipleLeads");
    assert_eq!(r.result.return_count, 2);
    assert_eq!(r.result.remaining_count, 1);
    assert_eq!(r.result.new_stream_position, "example-stream-position-0002");
    let list = r.result.lead_record_list.value().expect("leadRecordList");
    assert_eq!(list.lead_record[0].foreign_sys_person_id, Nillable::Absent);
    assert_eq!(
        list.lead_record[1].foreign_sys_type,
        Nillable::Value(mktows::ForeignSysType::Sfdc)
    );
}

#[test]
fn sync_lead_values() {
    let text = read_fixture("requests", "syncLead");
    let decoded = decode_request(None, text.as_bytes(), ReadLimits::default()).expect("decode");
    assert_eq!(
        decoded
            .headers
            .mktows_context
            .as_ref()
            .map(|c| c.target_workspace.as_str()),
        Some("Example Workspace")
    );
    let p = expect_request!(decoded.request, Request::SyncLead);
    assert_eq!(p.lead_record.id, Nillable::Nil);
    assert_eq!(
        p.lead_record.email,
        Nillable::Value("lead3@example.invalid".to_owned())
    );
    assert_eq!(
        p.lead_record.foreign_sys_type,
        Nillable::Value(mktows::ForeignSysType::Sfdc)
    );
    let attrs = &p
        .lead_record
        .lead_attribute_list
        .value()
        .expect("attributes")
        .attribute;
    assert_eq!(attrs.len(), 3);
    assert_eq!(attrs[0].attr_type, Nillable::Absent);
    assert_eq!(attrs[2].attr_value, "Ünïcødé Tester – 試験");
    assert!(p.return_lead);
    assert_eq!(
        p.marketo_cookie,
        Nillable::Value("id:000-EXA-001&token:_mch-example.invalid-1700000000000-00001".to_owned())
    );

    let r: mktows::SuccessSyncLead = response("syncLead");
    assert_eq!(r.result.lead_id, 1003);
    assert_eq!(r.result.sync_status.lead_id, 1003);
    assert_eq!(r.result.sync_status.status, mktows::LeadSyncStatus::Created);
    assert_eq!(r.result.sync_status.error, Nillable::Nil);
    let rec = r.result.lead_record.value().expect("leadRecord");
    assert_eq!(rec.id, Nillable::Value(1003));
}

#[test]
fn sync_multiple_leads_values() {
    let p = expect_request!(request("syncMultipleLeads"), Request::SyncMultipleLeads);
    let recs = &p.lead_record_list.lead_record;
    assert_eq!(recs.len(), 3);
    assert_eq!(recs[0].id, Nillable::Value(1001));
    assert_eq!(recs[0].email, Nillable::Absent);
    assert_eq!(
        recs[1].email,
        Nillable::Value("lead4@example.invalid".to_owned())
    );
    assert_eq!(
        recs[2].foreign_sys_type,
        Nillable::Value(mktows::ForeignSysType::Netsuite)
    );
    assert_eq!(recs[2].lead_attribute_list, Nillable::Absent);
    assert_eq!(p.dedup_enabled, Nillable::Value(false));

    let r: mktows::SuccessSyncMultipleLeads = response("syncMultipleLeads");
    let st = &r.result.sync_status_list.sync_status;
    assert_eq!(st.len(), 3);
    assert_eq!(
        st.iter()
            .map(|s| (s.lead_id, s.status.clone()))
            .collect::<Vec<_>>(),
        [
            (1001, mktows::LeadSyncStatus::Updated),
            (1004, mktows::LeadSyncStatus::Created),
            (0, mktows::LeadSyncStatus::Failed)
        ]
    );
    assert_eq!(st[0].error, Nillable::Nil);
    assert_eq!(st[1].error, Nillable::Absent);
    assert_eq!(
        st[2].error,
        Nillable::Value("Example failure: the record could not be saved".to_owned())
    );
}

#[test]
fn merge_leads_values() {
    let p = expect_request!(request("mergeLeads"), Request::MergeLeads);
    assert_eq!(p.winning_lead_key_list.attribute.len(), 1);
    assert_eq!(p.winning_lead_key_list.attribute[0].attr_name, "IDNUM");
    assert_eq!(p.winning_lead_key_list.attribute[0].attr_value, "1001");
    let losing = &p.losing_lead_key_lists.key_list;
    assert_eq!(losing.len(), 2);
    assert_eq!(losing[1].attribute.len(), 2);
    assert_eq!(losing[1].attribute[1].attr_name, "SFDCLEADID");
    assert_eq!(p.merge_in_sales, Some(false));

    let r: mktows::SuccessMergeLeads = response("mergeLeads");
    let m = &r.result.merge_status;
    assert_eq!(m.winning_lead_id, Nillable::Value(1001));
    assert_eq!(
        m.losing_lead_id_list
            .value()
            .expect("losingLeadIdList")
            .integer_item,
        [1002, 1003]
    );
    assert_eq!(m.status, mktows::LeadMergeStatusEnum::Merged);
    assert_eq!(m.error, Nillable::Nil);
}

// ---------------------------------------------------------------------------------------------
// activity

#[test]
fn get_lead_activity_values() {
    let p = expect_request!(request("getLeadActivity"), Request::GetLeadActivity);
    assert_eq!(p.lead_key.key_type, mktows::LeadKeyRef::Idnum);
    let filter = p.activity_filter.value().expect("activityFilter");
    assert_eq!(
        filter
            .include_types
            .as_ref()
            .expect("includeTypes")
            .activity_type,
        [
            mktows::ActivityType::VisitWebpage,
            mktows::ActivityType::FillOutForm,
            mktows::ActivityType::ChangeDataValue
        ]
    );
    assert_eq!(filter.exclude_types, None);
    let start = p.start_position.value().expect("startPosition");
    let latest = start.latest_created_at.value().expect("latestCreatedAt");
    assert_eq!(latest.to_string(), "2026-01-14T23:59:59.999-08:00");
    assert_eq!(latest.offset_minutes(), Some(-8 * 60));
    let oldest = start.oldest_created_at.value().expect("oldestCreatedAt");
    assert_eq!(oldest.to_string(), "2026-01-01T00:00:00+05:30");
    assert_eq!(oldest.offset_minutes(), Some(5 * 60 + 30));
    assert_eq!(start.activity_created_at, Nillable::Absent);
    assert_eq!(start.offset, Nillable::Absent);
    assert_eq!(p.batch_size, Nillable::Value(25));

    let r: mktows::SuccessGetLeadActivity = response("getLeadActivity");
    let l = &r.lead_activity_list;
    assert_eq!((l.return_count, l.remaining_count), (2, 5));
    let pos = &l.new_start_position;
    assert_eq!(
        pos.latest_created_at,
        Nillable::Value(dt("2026-01-14T23:59:59.999-08:00"))
    );
    assert_eq!(pos.oldest_created_at, Nillable::Nil);
    assert_eq!(pos.activity_created_at, Nillable::Nil);
    assert_eq!(pos.offset, Nillable::Value("ID:5002".to_owned()));
    let recs = &l
        .activity_record_list
        .value()
        .expect("activityRecordList")
        .activity_record;
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[0].id, 5001);
    // the +05:30 offset is kept as written, not normalised to UTC
    assert_eq!(
        recs[0].activity_date_time.to_string(),
        "2026-01-12T09:15:30+05:30"
    );
    assert_eq!(recs[0].activity_date_time.offset_minutes(), Some(330));
    assert!(
        recs[0]
            .activity_date_time
            .same_instant(&dt("2026-01-12T03:45:30Z"))
    );
    assert_ne!(recs[0].activity_date_time, dt("2026-01-12T03:45:30Z"));
    assert_eq!(recs[0].activity_type, "Visit Webpage");
    assert_eq!(
        recs[0].mktg_asset_name.as_deref(),
        Some("Example Landing Page")
    );
    let attrs = &recs[0]
        .activity_attributes
        .value()
        .expect("activityAttributes")
        .attribute;
    assert_eq!(attrs[1].attr_value, "utm_source=example&utm_medium=test");
    assert_eq!(attrs[1].attr_type, Nillable::Nil);
    assert_eq!(recs[0].person_name, Nillable::Nil);
    assert_eq!(recs[0].org_name, Nillable::Value("Example Org".to_owned()));
    assert_eq!(
        recs[1].activity_date_time.to_string(),
        "2026-01-11T17:45:00Z"
    );
    // an empty string element is an empty string, not absent and not nil
    assert_eq!(recs[1].campaign, Nillable::Value(String::new()));
    assert_eq!(
        recs[1].person_name,
        Nillable::Value("Example Lead One".to_owned())
    );
    assert_eq!(recs[1].mkt_person_id, "1001");
}

#[test]
fn get_lead_changes_values() {
    let p = expect_request!(request("getLeadChanges"), Request::GetLeadChanges);
    let start = &p.start_position;
    assert_eq!(start.latest_created_at, Nillable::Absent);
    assert_eq!(
        start.oldest_created_at,
        Nillable::Value(dt("2026-01-10T00:00:00Z"))
    );
    let act = start
        .activity_created_at
        .value()
        .expect("activityCreatedAt");
    assert_eq!(act.to_string(), "2026-01-12T08:30:00.5+05:30");
    assert_eq!(act.nanosecond(), 500_000_000);
    assert_eq!(start.offset, Nillable::Nil);
    let filter = p.activity_filter.value().expect("activityFilter");
    assert_eq!(filter.include_types, None);
    assert_eq!(
        filter
            .exclude_types
            .as_ref()
            .expect("excludeTypes")
            .activity_type,
        [
            mktows::ActivityType::SendEmail,
            mktows::ActivityType::EmailDelivered
        ]
    );
    assert_eq!(
        p.activity_name_filter
            .value()
            .expect("activityNameFilter")
            .string_item,
        ["Visit Webpage", "Change Data Value", "New Lead"]
    );
    assert_eq!(p.batch_size, Nillable::Value(100));
    let Some(mktows::LeadSelector::LastUpdateAtSelector(sel)) = &p.lead_selector else {
        panic!("leadSelector: {:?}", p.lead_selector)
    };
    assert_eq!(
        sel.latest_updated_at,
        Nillable::Value(dt("2026-01-15T00:00:00-08:00"))
    );
    assert_eq!(sel.oldest_updated_at, dt("2026-01-08T00:00:00-08:00"));

    let r: mktows::SuccessGetLeadChanges = response("getLeadChanges");
    assert_eq!((r.result.return_count, r.result.remaining_count), (2, 0));
    let pos = &r.result.new_start_position;
    assert_eq!(pos.latest_created_at, Nillable::Nil);
    assert_eq!(
        pos.oldest_created_at,
        Nillable::Value(dt("2026-01-10T00:00:00Z"))
    );
    assert_eq!(pos.offset, Nillable::Value("ID:6002".to_owned()));
    let recs = &r
        .result
        .lead_change_record_list
        .value()
        .expect("records")
        .lead_change_record;
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[0].mktg_asset_name, Nillable::Nil);
    assert_eq!(recs[0].campaign.as_deref(), Some("Example Campaign"));
    let attrs = &recs[0]
        .activity_attributes
        .value()
        .expect("attributes")
        .attribute;
    assert_eq!(attrs[1].attr_value, "Form fill-out, URL: <none>");
    assert_eq!(
        recs[1].activity_date_time.to_string(),
        "2026-01-10T12:30:00.125+01:00"
    );
    assert_eq!(recs[1].mktg_asset_name, Nillable::Value("Title".to_owned()));
    assert_eq!(recs[1].campaign, None);
    assert_eq!(
        recs[1]
            .activity_attributes
            .value()
            .expect("attributes")
            .attribute
            .len(),
        4
    );
}

// ---------------------------------------------------------------------------------------------
// static lists

#[test]
fn list_operation_values() {
    let p = expect_request!(request("listOperation"), Request::ListOperation);
    assert_eq!(p.list_operation, mktows::ListOperationType::Ismemberoflist);
    assert_eq!(p.list_key.key_type, mktows::ListKeyType::Mktolistname);
    assert_eq!(p.list_key.key_value, "Example List");
    assert_eq!(
        p.list_member_list
            .lead_key
            .iter()
            .map(|k| k.key_value.as_str())
            .collect::<Vec<_>>(),
        ["1001", "1002"]
    );
    assert_eq!(p.strict, Nillable::Value(false));

    let r: mktows::SuccessListOperation = response("listOperation");
    assert!(!r.result.success);
    let st = &r
        .result
        .status_list
        .value()
        .expect("statusList")
        .lead_status;
    assert_eq!(
        st.iter()
            .map(|s| (s.lead_key.key_value.as_str(), s.status))
            .collect::<Vec<_>>(),
        [("1001", true), ("1002", false)]
    );
}

#[test]
fn import_to_list_values() {
    let p = expect_request!(request("importToList"), Request::ImportToList);
    assert_eq!(p.program_name, "Example Program");
    assert_eq!(
        p.import_file_header,
        "Email Address,First Name,Last Name,{{my.example}}"
    );
    assert_eq!(
        p.import_file_rows.string_item,
        [
            r#"lead1@example.invalid,Example,"Lead, One",Token value A"#,
            r#"lead2@example.invalid,Example,Lead Two,"Token ""quoted"" B""#,
            "lead3@example.invalid,Example,Lead Three,"
        ]
    );
    assert_eq!(
        p.import_list_mode,
        mktows::ImportToListModeEnum::Upsertleads
    );
    assert_eq!(p.list_name, "Example List");
    assert!(p.clear_list);
    assert_eq!(p.campaign_name.as_deref(), Some("Example Campaign"));

    let r: mktows::SuccessImportToList = response("importToList");
    assert_eq!(
        r.result.import_status,
        mktows::ImportToListStatusEnum::Processing
    );
}

#[test]
fn get_import_to_list_status_values() {
    let p = expect_request!(
        request("getImportToListStatus"),
        Request::GetImportToListStatus
    );
    assert_eq!(p.program_name.as_deref(), Some("Example Program"));
    assert_eq!(p.list_name.as_deref(), Some("Example List"));

    let r: mktows::SuccessGetImportToListStatus = response("getImportToListStatus");
    let s = &r.result;
    assert_eq!(s.status, mktows::ImportToListStatusEnum::Complete);
    assert_eq!(
        s.started_time,
        Nillable::Value(dt("2026-01-15T10:01:00.123-05:00"))
    );
    assert_eq!(s.ended_time, Nillable::Value(dt("2026-01-15T15:02:30Z")));
    assert_eq!(s.estimated_time, Nillable::Value(0));
    assert_eq!(s.estimated_rows, Nillable::Value(3));
    assert_eq!(s.rows_imported, Nillable::Value(2));
    assert_eq!(s.rows_failed, Nillable::Value(1));
    assert_eq!(s.rows_ignored, Nillable::Nil);
    assert_eq!(
        s.import_summary,
        Nillable::Value("2 rows imported, 1 row failed".to_owned())
    );
}

// ---------------------------------------------------------------------------------------------
// campaigns

#[test]
fn request_campaign_values() {
    let p = expect_request!(request("requestCampaign"), Request::RequestCampaign);
    assert_eq!(p.source, mktows::ReqCampSourceType::Mktows);
    assert_eq!(p.campaign_id, Nillable::Nil);
    let leads = &p.lead_list.value().expect("leadList").lead_key;
    assert_eq!(leads[1].key_type, mktows::LeadKeyRef::Email);
    assert_eq!(
        p.program_name,
        Nillable::Value("Example Program".to_owned())
    );
    assert_eq!(
        p.campaign_name,
        Nillable::Value("Example Triggered Campaign".to_owned())
    );
    let tokens = &p
        .program_token_list
        .value()
        .expect("programTokenList")
        .attrib;
    assert_eq!(
        tokens
            .iter()
            .map(|t| (t.name.as_str(), t.value.as_str()))
            .collect::<Vec<_>>(),
        [
            ("{{my.example}}", "Example token value"),
            ("{{my.other example}}", "Second example value")
        ]
    );

    let r: mktows::SuccessRequestCampaign = response("requestCampaign");
    assert!(r.result.success);
}

#[test]
fn schedule_campaign_values() {
    let p = expect_request!(request("scheduleCampaign"), Request::ScheduleCampaign);
    assert_eq!(p.program_name, "Example Program");
    assert_eq!(p.campaign_name, "Example Batch Campaign");
    let run_at = p.campaign_run_at.value().expect("campaignRunAt");
    assert_eq!(run_at.to_string(), "2026-02-01T09:30:00+05:30");
    assert_eq!(run_at.offset_minutes(), Some(330));
    assert_eq!(
        p.clone_to_program_name.as_deref(),
        Some("Example Program Copy")
    );
    let tokens = &p
        .program_token_list
        .value()
        .expect("programTokenList")
        .attrib;
    assert_eq!(tokens.len(), 2);
    assert_eq!(tokens[1].name, "{{my.html example}}");
    assert_eq!(tokens[1].value, "<p>Example &amp; paragraph</p>");

    let r: mktows::SuccessScheduleCampaign = response("scheduleCampaign");
    assert!(r.result.success);
}

#[test]
fn get_campaigns_for_source_values() {
    let p = expect_request!(
        request("getCampaignsForSource"),
        Request::GetCampaignsForSource
    );
    assert_eq!(p.source, mktows::ReqCampSourceType::Mktows);
    assert_eq!(p.name, Nillable::Value("Example".to_owned()));
    assert_eq!(p.exact_name, Nillable::Value(false));

    let r: mktows::SuccessGetCampaignsForSource = response("getCampaignsForSource");
    assert_eq!(r.result.return_count, 2);
    let recs = &r
        .result
        .campaign_record_list
        .value()
        .expect("records")
        .campaign_record;
    assert_eq!(
        recs.iter()
            .map(|c| (c.id, c.name.as_str(), c.description.as_str()))
            .collect::<Vec<_>>(),
        [
            (
                2001,
                "Example Program.Example Triggered Campaign",
                "Example description"
            ),
            (2002, "Example Program.Second Example Campaign", "")
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// MObjects

#[test]
fn list_and_describe_m_objects_values() {
    assert!(matches!(request("listMObjects"), Request::ListMObjects(_)));
    let r: mktows::SuccessListMObjects = response("listMObjects");
    assert_eq!(
        r.result.objects,
        [
            "ActivityRecord",
            "LeadRecord",
            "Opportunity",
            "OpportunityPersonRole",
            "Program"
        ]
    );

    let p = expect_request!(request("describeMObject"), Request::DescribeMObject);
    assert_eq!(p.object_name, "Opportunity");
    let r: mktows::SuccessDescribeMObject = response("describeMObject");
    let m = &r.result.metadata;
    assert_eq!(m.name, "Opportunity");
    assert_eq!(m.description, None);
    assert!(!m.is_custom && !m.is_virtual);
    assert_eq!(m.updated_at, dt("2025-07-01T00:00:00Z"));
    let f = &m.field_list.field;
    assert_eq!(f.len(), 2);
    assert_eq!(f[0].size, Some(10));
    assert_eq!(f[0].is_name, Some(false));
    assert!(f[0].is_primary_key && f[0].is_readonly);
    assert_eq!(f[0].dynamic_field_ref, None);
    // `+00:00` and `Z` stay distinct lexical forms
    assert_eq!(f[0].updated_at.to_string(), "2025-06-30T12:00:00+00:00");
    assert_eq!(f[1].description, None);
    assert_eq!(f[1].size, None);
    assert_eq!(f[1].is_name, None);
    assert!(f[1].is_custom && f[1].is_dynamic);
    assert_eq!(f[1].dynamic_field_ref.as_deref(), Some("exampleAmountRef"));
    assert_eq!(
        f[1].updated_at.to_string(),
        "2025-12-31T23:59:59.000001-11:00"
    );
    assert_eq!(f[1].updated_at.nanosecond(), 1_000);
}

#[test]
fn get_m_objects_values() {
    let p = expect_request!(request("getMObjects"), Request::GetMObjects);
    assert_eq!(p.r#type, "Program");
    assert_eq!(p.id, Some(3001));
    assert_eq!(p.external_key, None);
    let crit = &p
        .m_obj_criteria_list
        .as_ref()
        .expect("criteria")
        .m_obj_criteria;
    assert_eq!(crit[0].comparison, mktows::ComparisonEnum::Ne);
    assert_eq!(crit[1].comparison, mktows::ComparisonEnum::Ge);
    assert_eq!(crit[1].attr_value, "2025-01-01T00:00:00Z");
    let assoc = &p
        .m_obj_association_list
        .as_ref()
        .expect("associations")
        .m_obj_association;
    assert_eq!(assoc[0].m_obj_type, "Company");
    assert_eq!(assoc[0].id, None);
    assert_eq!(
        assoc[0].external_key.as_ref().map(|k| k.value.as_str()),
        Some("EXT-COMPANY-0001")
    );
    assert_eq!(p.include_details, Some(true));
    assert_eq!(
        p.stream_position.as_deref(),
        Some("example-stream-position-0003")
    );

    let r: mktows::SuccessGetMObjects = response("getMObjects");
    assert_eq!(r.result.return_count, 1);
    assert!(!r.result.has_more);
    let objs = &r
        .result
        .m_object_list
        .as_ref()
        .expect("mObjectList")
        .m_object;
    assert_eq!(objs.len(), 1);
    let o = &objs[0];
    assert_eq!((o.r#type.as_str(), o.id), ("Program", Some(3001)));
    assert_eq!(
        o.created_at.as_ref().map(ToString::to_string).as_deref(),
        Some("2025-03-01T08:00:00-08:00")
    );
    assert_eq!(o.updated_at, Some(dt("2026-01-02T03:04:05.678+05:30")));
    assert_eq!(o.attrib_list.as_ref().expect("attribList").attrib.len(), 4);
    let groups = &o
        .type_attrib_list
        .as_ref()
        .expect("typeAttribList")
        .type_attrib;
    assert_eq!(
        groups
            .iter()
            .map(|g| g.attr_type.as_str())
            .collect::<Vec<_>>(),
        ["Tag", "Token", "Cost"]
    );
    let tokens = &groups[1].attr_list.as_ref().expect("attrList").attrib;
    assert_eq!(
        tokens[1].value,
        "<p>Example&nbsp;<b>rich</b> text<br /></p>"
    );
    assert_eq!(groups[2].attr_list, None);
    assert_eq!(o.association_list, None);
}

#[test]
fn sync_and_delete_m_objects_values() {
    let p = expect_request!(request("syncMObjects"), Request::SyncMObjects);
    assert_eq!(p.operation, mktows::SyncOperationEnum::Upsert);
    let objs = &p.m_object_list.m_object;
    assert_eq!(objs.len(), 2);
    assert_eq!(objs[0].r#type, "Opportunity");
    assert_eq!(objs[0].id, None);
    assert_eq!(
        objs[0]
            .external_key
            .as_ref()
            .map(|k| (k.name.as_str(), k.value.as_str())),
        Some(("exampleOpportunityKey", "EXT-OPP-0001"))
    );
    let assoc = &objs[1]
        .association_list
        .as_ref()
        .expect("associationList")
        .m_obj_association;
    assert_eq!(assoc.len(), 2);
    assert_eq!(
        (assoc[0].m_obj_type.as_str(), assoc[0].id),
        ("Lead", Some(1001))
    );
    assert!(assoc[1].external_key.is_some());

    let r: mktows::SuccessSyncMObjects = response("syncMObjects");
    let st = &r.result.m_obj_status_list.m_obj_status;
    assert_eq!(st[0].status, mktows::MObjStatusEnum::Created);
    assert!(st[0].external_key.is_some());
    assert_eq!(st[1].status, mktows::MObjStatusEnum::Unchanged);
    assert_eq!(st[1].error.as_deref(), Some("Example: nothing to update"));

    let p = expect_request!(request("deleteMObjects"), Request::DeleteMObjects);
    assert_eq!(
        p.m_object_list
            .m_object
            .iter()
            .map(|o| (o.r#type.as_str(), o.id))
            .collect::<Vec<_>>(),
        [
            ("Opportunity", Some(2001)),
            ("OpportunityPersonRole", Some(2099))
        ]
    );
    let r: mktows::SuccessDeleteMObjects = response("deleteMObjects");
    let st = &r.result.m_obj_status_list.m_obj_status;
    assert_eq!(
        (st[0].id, &st[0].status),
        (2001, &mktows::MObjStatusEnum::Deleted)
    );
    assert_eq!(st[0].error, None);
    assert_eq!(
        (st[1].id, &st[1].status),
        (2099, &mktows::MObjStatusEnum::Failed)
    );
}

// ---------------------------------------------------------------------------------------------
// custom objects

#[test]
fn custom_objects_values() {
    let p = expect_request!(request("getCustomObjects"), Request::GetCustomObjects);
    assert_eq!(p.obj_type_name, "ExampleObject");
    assert_eq!(p.stream_position, Nillable::Nil);
    assert_eq!(p.batch_size, Nillable::Value(10));
    assert_eq!(
        p.custom_obj_key_list.value().expect("key").attribute[0].attr_name,
        "MKTOID"
    );
    assert_eq!(
        p.include_attributes.string_item,
        ["Example Field A", "Example Field B"]
    );

    let r: mktows::SuccessGetCustomObjects = response("getCustomObjects");
    assert_eq!(r.result.obj_type_name, "ExampleObject");
    let objs = &r
        .result
        .custom_obj_list
        .value()
        .expect("customObjList")
        .custom_obj;
    assert_eq!(objs.len(), 2);
    assert_eq!(
        objs[0]
            .custom_obj_attribute_list
            .value()
            .expect("attributes")
            .attribute[1]
            .attr_type,
        Nillable::Value("date".to_owned())
    );
    assert_eq!(objs[1].custom_obj_attribute_list, Nillable::Nil);

    let p = expect_request!(request("syncCustomObjects"), Request::SyncCustomObjects);
    assert_eq!(p.custom_obj_list.custom_obj.len(), 2);
    assert_eq!(
        p.operation,
        Nillable::Value(mktows::SyncOperationEnum::Upsert)
    );
    let r: mktows::SuccessSyncCustomObjects = response("syncCustomObjects");
    let st = &r.result.sync_custom_obj_status_list.sync_custom_obj_status;
    // UNCHANGED is one of the values our WSDL adds to the vendor's SyncStatusEnum
    assert_eq!(st[0].status, mktows::SyncStatusEnum::Unchanged);
    assert_eq!(st[0].error, Nillable::Nil);
    assert_eq!(st[1].status, mktows::SyncStatusEnum::Created);
    assert_eq!(st[1].error, Nillable::Absent);

    let p = expect_request!(request("deleteCustomObjects"), Request::DeleteCustomObjects);
    assert_eq!(p.custom_obj_key_lists.key_list.len(), 2);
    assert_eq!(
        p.custom_obj_key_lists.key_list[1].attribute[1].attr_value,
        "EXAMPLE-KEY-0099"
    );
    let r: mktows::SuccessDeleteCustomObjects = response("deleteCustomObjects");
    let st = &r
        .result
        .delete_custom_obj_status_list
        .sync_custom_obj_status;
    assert_eq!(st[0].status, mktows::SyncStatusEnum::Deleted);
    assert_eq!(st[1].status, mktows::SyncStatusEnum::Failed);
    assert_eq!(
        st[1].error,
        Nillable::Value("Example: no record has this key".to_owned())
    );
}

// ---------------------------------------------------------------------------------------------
// tags and channels

#[test]
fn tags_and_channels_values() {
    let p = expect_request!(request("getChannels"), Request::GetChannels);
    let tag = p.tag.as_ref().expect("tag");
    assert_eq!(tag.r#type.as_deref(), Some("Channel"));
    assert_eq!(
        tag.values.as_ref().expect("values").string_item,
        ["Example Webinar", "Example Channel"]
    );
    let r: mktows::SuccessGetChannels = response("getChannels");
    let tags = &r.result.tags.tag_status;
    assert_eq!(tags.len(), 2);
    assert_eq!(tags[0].tag_value, "Example Webinar");
    let items = &tags[0].status_list.progression_status_item;
    assert_eq!(items.len(), 2);
    let attribs = &items[1]
        .progression_status
        .as_ref()
        .expect("progressionStatus")
        .attrib;
    assert_eq!(
        attribs
            .iter()
            .map(|a| (a.name.as_str(), a.value.as_str()))
            .collect::<Vec<_>>(),
        [
            ("Status", "Attended"),
            ("Step", "20"),
            ("Success", "true"),
            ("Hidden", "false")
        ]
    );

    let p = expect_request!(request("getTags"), Request::GetTags);
    let list = &p.tag_list.as_ref().expect("tagList").tag;
    assert_eq!(list[0].r#type.as_deref(), Some("Example Tag Type"));
    assert_eq!(list[0].values, None);
    assert_eq!(
        list[1].values.as_ref().expect("values").string_item,
        ["Example North"]
    );
    let r: mktows::SuccessGetTags = response("getTags");
    let tags = &r.result.tag_list.tag;
    assert_eq!(tags.len(), 2);
    assert_eq!(
        tags[0].values.as_ref().expect("values").string_item.len(),
        3
    );
    assert_eq!(tags[1].r#type.as_deref(), Some("Example Region"));
}

#[test]
fn lead_selector_variants_follow_xsi_type() {
    let fixture = read_fixture("requests", "getMultipleLeads");
    let selector = |replacement: &str| {
        let start = fixture.find("<leadSelector").expect("leadSelector");
        let end =
            fixture.find("</leadSelector>").expect("</leadSelector>") + "</leadSelector>".len();
        format!("{}{replacement}{}", &fixture[..start], &fixture[end..])
    };

    // StaticListSelector, with a prefix other than the envelope's
    let text = selector(
        r#"<leadSelector xmlns:m="http://www.marketo.com/mktows/" xsi:type="m:StaticListSelector">
        <staticListName>Example List</staticListName>
        <staticListId>4001</staticListId>
      </leadSelector>"#,
    );
    let decoded = round_trip_request("getMultipleLeads", &text).unwrap_or_else(|e| panic!("{e}"));
    let p = expect_request!(decoded.request, Request::GetMultipleLeads);
    let Some(mktows::LeadSelector::StaticListSelector(sel)) = &p.lead_selector else {
        panic!("leadSelector: {:?}", p.lead_selector)
    };
    assert_eq!(
        sel.static_list_name,
        Nillable::Value("Example List".to_owned())
    );
    assert_eq!(sel.static_list_id, Nillable::Value(4001));

    // an xsi:type that names no subtype, and a missing xsi:type (LeadSelector is abstract)
    for (bad, want) in [
        (
            r#"<leadSelector xsi:type="ns1:NoSuchSelector"><keyType>EMAIL</keyType></leadSelector>"#,
            "at paramsGetMultipleLeads/leadSelector: xsi:type \
             {http://www.marketo.com/mktows/}NoSuchSelector is not a known concrete form of the \
             abstract type LeadSelector",
        ),
        (
            r#"<leadSelector><keyType>EMAIL</keyType></leadSelector>"#,
            "at paramsGetMultipleLeads/leadSelector: LeadSelector is abstract: the element needs \
             an xsi:type naming its concrete form",
        ),
    ] {
        let text = selector(bad);
        let err = decode_request(None, text.as_bytes(), ReadLimits::default())
            .expect_err("LeadSelector needs a known xsi:type");
        let mktows_runtime::server::RequestError::Malformed(err) = err else {
            panic!("expected a malformed-request error, got {err}")
        };
        assert_eq!(err.path(), "paramsGetMultipleLeads/leadSelector");
        assert_eq!(err.to_string(), want);
    }
}
