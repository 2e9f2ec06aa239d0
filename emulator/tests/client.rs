//! Tests through the generated client: every error code, limits, paging, campaign effects,
//! fault injection as the runtime sees it, and a concurrent load.

mod common;

use std::collections::BTreeSet;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use common::*;
use mktows::*;
use mktows_emulator::{
    Injection, InjectionRule, ManualClock, Outcome, RateLimit, RunOrigin, ServiceLimits,
};
use mktows_runtime::{DateTime, Error, Nillable, RetryPolicy};

/// 2026-01-02T05:59:58Z: two seconds before a quota day ends (midnight US Central).
const T0: u64 = 1_767_333_598;

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

fn strings(v: &[&str]) -> ArrayOfString {
    let mut a = ArrayOfString::new();
    a.string_item = v.iter().map(|s| (*s).to_owned()).collect();
    a
}

fn tokens(pairs: &[(&str, &str)]) -> Nillable<ArrayOfAttrib> {
    let mut a = ArrayOfAttrib::new();
    a.attrib = pairs.iter().map(|(k, v)| Attrib::new(*k, *v)).collect();
    Nillable::Value(a)
}

fn lead(email: &str, attrs: &[(&str, &str)]) -> LeadRecord {
    let mut r = LeadRecord::new();
    r.email = Nillable::Value(email.to_owned());
    let mut list = ArrayOfAttribute::new();
    list.attribute = attrs.iter().map(|(k, v)| Attribute::new(*k, *v)).collect();
    r.lead_attribute_list = Nillable::Value(list);
    r
}

fn key_selector(key_type: LeadKeyRef, values: &[&str]) -> LeadSelector {
    LeadSelector::LeadKeySelector(LeadKeySelector::new(key_type, strings(values)))
}

fn ids_of(r: &ResultGetMultipleLeads) -> Vec<i32> {
    r.lead_record_list
        .value()
        .map(|l| {
            l.lead_record
                .iter()
                .filter_map(|r| r.id.value().copied())
                .collect()
        })
        .unwrap_or_default()
}

/// Point 3 of the issue: each per-operation code where its condition arises.
#[tokio::test]
async fn operation_error_codes() {
    let emu = start().await;
    let c = client(&emu);
    let get = |t: LeadKeyRef, v: &str| ParamsGetLead::new(LeadKey::new(t, v));

    assert_eq!(fault(c.get_lead(&get(LeadKeyRef::Idnum, "")).await), 20101);
    assert_eq!(
        fault(
            c.get_lead(&get(LeadKeyRef::Unknown("BOGUS".into()), "1"))
                .await
        ),
        20102
    );
    assert_eq!(
        fault(c.get_lead(&get(LeadKeyRef::Idnum, "x1")).await),
        20102
    );
    assert_eq!(
        fault(c.get_lead(&get(LeadKeyRef::Idnum, "999999")).await),
        20103
    );
    assert_eq!(
        fault(
            c.get_lead(&get(LeadKeyRef::Leadowneremail, "nobody@example.invalid"))
                .await
        ),
        20108
    );

    assert_eq!(
        fault(
            c.sync_lead(&ParamsSyncLead::new(LeadRecord::new(), false), None)
                .await
        ),
        20104
    );
    let bad_field = lead("new@example.invalid", &[("NoSuchField", "x")]);
    assert_eq!(
        fault(
            c.sync_lead(&ParamsSyncLead::new(bad_field, false), None)
                .await
        ),
        20105
    );
    let mut by_id = LeadRecord::new();
    by_id.id = Nillable::Value(1001);
    assert_eq!(
        fault(
            c.sync_lead(
                &ParamsSyncLead::new(by_id, false),
                Some(&MktowsContextHeaderInfo::new("Workspace A"))
            )
            .await
        ),
        20106,
        "lead 1001 is in Default, not in the target workspace"
    );

    let mut activity = ParamsGetLeadActivity::new(LeadKey::new(LeadKeyRef::Idnum, "1001"));
    let mut filter = ActivityTypeFilter::new();
    let mut types = ArrayOfActivityType::new();
    types.activity_type = vec![ActivityType::Unknown("BogusActivity".into())];
    filter.include_types = Some(types);
    activity.activity_filter = Nillable::Value(filter);
    assert_eq!(fault(c.get_lead_activity(&activity).await), 20107);

    assert_eq!(
        fault(c.get_multiple_leads(&ParamsGetMultipleLeads::new()).await),
        20109
    );
    let mut status = ParamsGetImportToListStatus::new();
    status.program_name = Some("Trav-Demo-Program".into());
    assert_eq!(fault(c.get_import_to_list_status(&status).await), 20109);

    let mut changes = ParamsGetLeadChanges::new(StreamPosition::new());
    let many: Vec<String> = (0..101).map(|i| format!("{}", 2000 + i)).collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    changes.lead_selector = Some(key_selector(LeadKeyRef::Idnum, &many));
    assert_eq!(fault(c.get_lead_changes(&changes).await), 20110);
    assert_eq!(
        fault(
            c.schedule_campaign(&ParamsScheduleCampaign::new(
                "Trav-Demo-Program",
                "Trigger Campaign Example"
            ))
            .await
        ),
        20110,
        "trigger campaigns cannot be scheduled"
    );
    let mut bad_token = ParamsScheduleCampaign::new("Trav-Demo-Program", "Batch Campaign Example");
    bad_token.program_token_list = tokens(&[("message", "no braces")]);
    assert_eq!(fault(c.schedule_campaign(&bad_token).await), 20110);

    let mut by_list = ParamsGetMultipleLeads::new();
    let mut sel = StaticListSelector::new();
    sel.static_list_name = Nillable::Value("No Such List".into());
    by_list.lead_selector = Some(LeadSelector::StaticListSelector(sel));
    assert_eq!(fault(c.get_multiple_leads(&by_list).await), 20111);
    let mut members = ArrayOfLeadKey::new();
    members.lead_key = vec![LeadKey::new(LeadKeyRef::Idnum, "1001")];
    assert_eq!(
        fault(
            c.list_operation(&ParamsListOperation::new(
                ListOperationType::Addtolist,
                ListKey::new(ListKeyType::Mktolistname, "No Such List"),
                members
            ))
            .await
        ),
        20111
    );

    assert_eq!(
        fault(
            c.schedule_campaign(&ParamsScheduleCampaign::new("Trav-Demo-Program", "Nope"))
                .await
        ),
        20113
    );
    assert_eq!(
        fault(
            c.schedule_campaign(&ParamsScheduleCampaign::new("No Program", "Nope"))
                .await
        ),
        20113
    );
    let mut both = ParamsRequestCampaign::new(ReqCampSourceType::Mktows);
    both.campaign_id = Nillable::Value(2002);
    both.campaign_name = Nillable::Value("Trigger Campaign Example".into());
    both.program_name = Nillable::Value("Trav-Demo-Program".into());
    assert_eq!(fault(c.request_campaign(&both).await), 20114);

    let mut forged = ParamsGetMultipleLeads::new();
    forged.stream_position = Nillable::Value("ML:not-issued-here".into());
    assert_eq!(fault(c.get_multiple_leads(&forged).await), 20122);

    let first = c
        .get_lead_activity(&ParamsGetLeadActivity::new(LeadKey::new(
            LeadKeyRef::Idnum,
            "1001",
        )))
        .await
        .expect("activity")
        .lead_activity_list;
    assert_eq!((first.return_count, first.remaining_count), (1, 0));
    let mut after_end = ParamsGetLeadActivity::new(LeadKey::new(LeadKeyRef::Idnum, "1001"));
    after_end.start_position = Nillable::Value(first.new_start_position);
    assert_eq!(fault(c.get_lead_activity(&after_end).await), 20123);

    let now = i64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("clock")
            .as_secs(),
    )
    .expect("time");
    let mut wide = LastUpdateAtSelector::new(DateTime::from_unix(now - 31 * 86_400, 0));
    wide.latest_updated_at = Nillable::Value(DateTime::from_unix(now, 0));
    let mut window = ParamsGetMultipleLeads::new();
    window.lead_selector = Some(LeadSelector::LastUpdateAtSelector(wide));
    assert_eq!(fault(c.get_multiple_leads(&window).await), 20022);
}

/// 20014 (wrong key, wrong user) and 20016 (stale timestamp) through the runtime's signer.
#[tokio::test]
async fn authentication_through_the_client() {
    let emu = start().await;
    let params = ParamsListMObjects::new();
    let wrong_key = mktows::Client::new(
        runtime_builder(&emu)
            .encryption_key("some-other-key")
            .build()
            .expect("client"),
    );
    let e = wrong_key
        .list_m_objects(&params)
        .await
        .expect_err("wrong key");
    match &e {
        Error::Fault {
            faultcode,
            message,
            name,
            ..
        } => {
            assert_eq!(faultcode.local, "Client");
            assert_eq!(message, "Authentication failed (20014)");
            assert_eq!(name, "mktServiceException");
        }
        other => panic!("{other}"),
    }
    assert_eq!(code(e), 20014);
    let wrong_user = mktows::Client::new(
        runtime_builder(&emu)
            .user_id("someone_else_0001")
            .build()
            .expect("client"),
    );
    assert_eq!(fault(wrong_user.list_m_objects(&params).await), 20014);

    let stale = mktows::Client::new(
        runtime_builder(&emu)
            .clock(|| SystemTime::now() - Duration::from_secs(16 * 60))
            .build()
            .expect("client"),
    );
    assert_eq!(fault(stale.list_m_objects(&params).await), 20016);
    // The runtime's half-hour offset is fine: same instant, different text, both signed.
    let ist = mktows::Client::new(
        runtime_builder(&emu)
            .utc_offset("+05:30".parse().expect("offset"))
            .build()
            .expect("client"),
    );
    assert_eq!(
        ist.list_m_objects(&params)
            .await
            .expect("ok")
            .result
            .objects
            .len(),
        4
    );
}

/// 20015: the daily quota, which resets at midnight US Central (06:00 UTC).
#[tokio::test]
async fn daily_quota() {
    let clock = ManualClock::new(at(T0));
    let emu = emulator()
        .clock(clock.clone())
        .limits(ServiceLimits {
            daily_quota: Some(3),
            ..ServiceLimits::off()
        })
        .start()
        .await
        .expect("start");
    let c = mktows::Client::new(
        runtime_builder(&emu)
            .clock(clock.clone())
            .build()
            .expect("client"),
    );
    let p = ParamsListMObjects::new();
    for _ in 0..3 {
        c.list_m_objects(&p).await.expect("within quota");
    }
    assert_eq!(fault(c.list_m_objects(&p).await), 20015);
    assert_eq!(emu.state().calls_today(), 3);
    clock.advance(Duration::from_secs(2));
    c.list_m_objects(&p).await.expect("a new quota day");
    assert_eq!(emu.state().calls_today(), 1);
}

/// 20023: with the documented 100 calls per 20 s, the 101st call inside the window fails and a
/// call 20 s after the first succeeds (injected clock, no waiting).
#[tokio::test]
async fn rate_limit_101st_call() {
    let clock = ManualClock::new(at(T0 + 3600));
    let emu = emulator()
        .clock(clock.clone())
        .limits(ServiceLimits {
            rate: Some(RateLimit {
                max_calls: 100,
                window: Duration::from_secs(20),
            }),
            ..ServiceLimits::off()
        })
        .start()
        .await
        .expect("start");
    let c = mktows::Client::new(
        runtime_builder(&emu)
            .clock(clock.clone())
            .build()
            .expect("client"),
    );
    let p = ParamsListMObjects::new();
    for i in 0..100 {
        c.list_m_objects(&p)
            .await
            .unwrap_or_else(|e| panic!("call {} failed: {e}", i + 1));
    }
    assert_eq!(fault(c.list_m_objects(&p).await), 20023);
    clock.advance(Duration::from_millis(19_999));
    assert_eq!(fault(c.list_m_objects(&p).await), 20023);
    clock.advance(Duration::from_millis(1));
    c.list_m_objects(&p).await.expect("the window has moved on");
    let faults = emu
        .state()
        .requests()
        .iter()
        .filter(|r| r.outcome == Outcome::Fault(20023))
        .count();
    assert_eq!(faults, 2);
}

/// 20024: the 11th call while 10 are in flight.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrency_limit() {
    let emu = emulator()
        .limits(ServiceLimits {
            max_concurrent: Some(10),
            ..ServiceLimits::off()
        })
        .inject(
            "listMObjects",
            InjectionRule::always(Injection::Delay(Duration::from_millis(1500))),
        )
        .start()
        .await
        .expect("start");
    let c = client(&emu);
    let mut tasks = Vec::new();
    for _ in 0..11 {
        let c = c.clone();
        tasks.push(tokio::spawn(async move {
            c.list_m_objects(&ParamsListMObjects::new()).await
        }));
    }
    let mut ok = 0;
    let mut rejected = Vec::new();
    for t in tasks {
        match t.await.expect("task") {
            Ok(_) => ok += 1,
            Err(e) => rejected.push(code(e)),
        }
    }
    assert_eq!((ok, rejected), (10, vec![20024]));
}

/// getMultipleLeads over 1,000 leads in pages of 100: no gaps, no repeats, even with writes
/// between pages.
#[tokio::test]
async fn paging_1000_leads() {
    let clock = ManualClock::new(at(T0 + 7200));
    let emu = emulator()
        .empty()
        .limits_off()
        .clock(clock.clone())
        .start()
        .await
        .expect("start");
    let c = mktows::Client::new(
        runtime_builder(&emu)
            .clock(clock.clone())
            .build()
            .expect("client"),
    );
    let sync = |from: usize, n: usize| {
        let mut list = ArrayOfLeadRecord::new();
        for i in from..from + n {
            list.lead_record.push(lead(
                &format!("page{i}@example.invalid"),
                &[("LeadScore", "1")],
            ));
        }
        ParamsSyncMultipleLeads::new(list)
    };
    let mut created = Vec::new();
    for batch in 0..10 {
        let r = c
            .sync_multiple_leads(&sync(batch * 100, 100))
            .await
            .expect("sync");
        for s in r.result.sync_status_list.sync_status {
            assert_eq!(s.status, LeadSyncStatus::Created);
            created.push(s.lead_id);
        }
    }
    assert_eq!(created, (1..=1000).collect::<Vec<_>>());

    let since = DateTime::from_unix(i64::try_from(T0).expect("t") + 7200 - 60, 0);
    let mut params = ParamsGetMultipleLeads::new();
    params.lead_selector = Some(LeadSelector::LastUpdateAtSelector(
        LastUpdateAtSelector::new(since),
    ));
    params.batch_size = Nillable::Value(100);
    let mut seen = Vec::new();
    let mut remaining = Vec::new();
    let mut positions = BTreeSet::new();
    let mut page = 0;
    loop {
        let r = c.get_multiple_leads(&params).await.expect("page").result;
        page += 1;
        assert_eq!(
            usize::try_from(r.return_count).expect("n"),
            ids_of(&r).len()
        );
        seen.extend(ids_of(&r));
        remaining.push(r.remaining_count);
        if page == 3 {
            // Writes between pages: five new leads, and updates to a lead already read and to
            // one not yet read.
            c.sync_multiple_leads(&sync(1000, 5))
                .await
                .expect("more leads");
            let mut update = ArrayOfLeadRecord::new();
            update.lead_record = vec![
                lead("page5@example.invalid", &[("LeadScore", "2")]),
                lead("page900@example.invalid", &[("LeadScore", "2")]),
            ];
            c.sync_multiple_leads(&ParamsSyncMultipleLeads::new(update))
                .await
                .expect("updates");
        }
        if r.remaining_count == 0 {
            assert_eq!(r.new_stream_position, "");
            break;
        }
        assert!(
            positions.insert(r.new_stream_position.clone()),
            "fresh position"
        );
        params.stream_position = Nillable::Value(r.new_stream_position);
    }
    assert_eq!(
        remaining,
        [900, 800, 700, 605, 505, 405, 305, 205, 105, 5, 0]
    );
    assert_eq!(
        seen,
        (1..=1005).collect::<Vec<_>>(),
        "in order, no gap, no repeat"
    );

    // A key selector takes at most 100 keys; the rest are ignored.
    let emails: Vec<String> = (0..150)
        .map(|i| format!("page{i}@example.invalid"))
        .collect();
    let emails: Vec<&str> = emails.iter().map(String::as_str).collect();
    let mut by_key = ParamsGetMultipleLeads::new();
    by_key.lead_selector = Some(key_selector(LeadKeyRef::Email, &emails));
    let r = c.get_multiple_leads(&by_key).await.expect("keys").result;
    assert_eq!((r.return_count, r.remaining_count), (100, 0));
    assert_eq!(ids_of(&r), (1..=100).collect::<Vec<_>>());
}

/// getLeadActivity (newest first) and getLeadChanges (oldest first) paging, and polling a
/// change stream after its last page.
#[tokio::test]
async fn activity_streams() {
    let emu = start().await;
    let c = client(&emu);
    for score in ["20", "21", "22"] {
        c.sync_lead(
            &ParamsSyncLead::new(
                lead("lead1@example.invalid", &[("LeadScore", score)]),
                false,
            ),
            None,
        )
        .await
        .expect("update");
    }
    let mut p =
        ParamsGetLeadActivity::new(LeadKey::new(LeadKeyRef::Email, "lead1@example.invalid"));
    p.batch_size = Nillable::Value(2);
    let mut types = Vec::new();
    let mut ids = Vec::new();
    loop {
        let r = c
            .get_lead_activity(&p)
            .await
            .expect("page")
            .lead_activity_list;
        for a in r
            .activity_record_list
            .value()
            .map(|l| l.activity_record.clone())
            .unwrap_or_default()
        {
            assert_eq!(a.mkt_person_id, "1001");
            assert_eq!(
                a.person_name.value().map(String::as_str),
                Some("Avery Example")
            );
            types.push(a.activity_type.clone());
            ids.push(a.id);
        }
        if r.remaining_count == 0 {
            break;
        }
        p.start_position = Nillable::Value(r.new_start_position);
    }
    assert_eq!(
        types,
        [
            "Change Data Value",
            "Change Data Value",
            "Change Data Value",
            "New Lead"
        ]
    );
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first: {ids:?}");

    let mut changes = ParamsGetLeadChanges::new(StreamPosition::new());
    changes.batch_size = Nillable::Value(3);
    let mut names = Nillable::Value(strings(&["Change Data Value", "new lead"]));
    changes.activity_name_filter = names.clone();
    let mut all = Vec::new();
    let last = loop {
        let r = c.get_lead_changes(&changes).await.expect("changes").result;
        all.extend(
            r.lead_change_record_list
                .value()
                .map(|l| {
                    l.lead_change_record
                        .iter()
                        .map(|x| x.id)
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default(),
        );
        changes.start_position = r.new_start_position;
        if r.remaining_count == 0 {
            break changes.start_position.clone();
        }
    };
    assert_eq!(all.len(), 8, "5 New Lead + 3 Change Data Value");
    assert!(all.windows(2).all(|w| w[0] < w[1]), "oldest first: {all:?}");
    // Polling later with the last position returns only what happened since.
    c.sync_lead(
        &ParamsSyncLead::new(
            lead("lead2@example.invalid", &[("City", "Testburg")]),
            false,
        ),
        None,
    )
    .await
    .expect("update");
    let mut poll = ParamsGetLeadChanges::new(last);
    poll.activity_name_filter = names.clone();
    let r = c.get_lead_changes(&poll).await.expect("poll").result;
    assert_eq!((r.return_count, r.remaining_count), (1, 0));
    let rec = &r
        .lead_change_record_list
        .value()
        .expect("list")
        .lead_change_record[0];
    assert_eq!(rec.mkt_person_id, "1002");
    assert_eq!(rec.activity_type, "Change Data Value");
    names = Nillable::Value(strings(&["Not An Activity"]));
    let mut bad = ParamsGetLeadChanges::new(StreamPosition::new());
    bad.activity_name_filter = names;
    assert_eq!(fault(c.get_lead_changes(&bad).await), 20107);
}

/// scheduleCampaign: the run carries the overridden token values, the clone exists, and the
/// 11th clone of a quota day faults (20114) until the next day.
#[tokio::test]
async fn schedule_campaign_effects_and_clone_quota() {
    let clock = ManualClock::new(at(T0 - 3600));
    let emu = emulator()
        .clock(clock.clone())
        .start()
        .await
        .expect("start");
    let c = mktows::Client::new(
        runtime_builder(&emu)
            .clock(clock.clone())
            .build()
            .expect("client"),
    );
    let run_at: DateTime = "2026-01-02T09:00:00-06:00".parse().expect("dt");
    let mut p = ParamsScheduleCampaign::new("Trav-Demo-Program", "Batch Campaign Example");
    p.campaign_run_at = Nillable::Value(run_at);
    p.clone_to_program_name = Some("TestProgramCloneFromSOAP".into());
    p.program_token_list = tokens(&[
        ("{{my.message}}", "Updated message"),
        ("{{my.other token}}", "Value for other token"),
    ]);
    assert!(
        c.schedule_campaign(&p)
            .await
            .expect("scheduled")
            .result
            .success
    );

    let state = emu.state();
    let runs = state.campaign_runs();
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert_eq!(run.origin, RunOrigin::Scheduled);
    assert_eq!(run.campaign_name, "Batch Campaign Example");
    assert_eq!(run.program_name, "TestProgramCloneFromSOAP");
    assert_eq!(
        run.cloned_program.as_deref(),
        Some("TestProgramCloneFromSOAP")
    );
    assert_eq!(run.run_at, "2026-01-02T09:00:00-06:00");
    assert_eq!(run.lead_ids, [1001, 1002]);
    assert_eq!(
        run.tokens
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect::<Vec<_>>(),
        [
            ("{{my.message}}", "Updated message"),
            ("{{my.other token}}", "Value for other token"),
            ("{{my.signature}}", "The Demo Team"),
        ]
    );
    let clone = state.program("TestProgramCloneFromSOAP").expect("clone");
    let original = state.program("Trav-Demo-Program").expect("original");
    assert_eq!(clone.cloned_from.as_deref(), Some("Trav-Demo-Program"));
    assert_eq!(clone.tokens, original.tokens, "overrides are per run");
    assert_eq!(
        original.token("{{my.message}}"),
        Some("Hello from the demo program")
    );
    assert!(state.campaigns().iter().any(|c| {
        c.program == "TestProgramCloneFromSOAP" && c.name == "Batch Campaign Example"
    }));

    // The same clone name again: the program exists.
    assert_eq!(fault(c.schedule_campaign(&p).await), 20110);
    for i in 2..=10 {
        p.clone_to_program_name = Some(format!("Clone {i}"));
        c.schedule_campaign(&p)
            .await
            .unwrap_or_else(|e| panic!("clone {i}: {e}"));
    }
    p.clone_to_program_name = Some("Clone 11".into());
    assert_eq!(fault(c.schedule_campaign(&p).await), 20114);
    assert!(state.program("Clone 11").is_none());
    assert_eq!(state.programs().len(), 12);
    // Without a clone the quota does not apply.
    p.clone_to_program_name = None;
    c.schedule_campaign(&p).await.expect("no clone");
    // The next quota day starts at 06:00 UTC (midnight US Central), 3,602 s later.
    clock.advance(Duration::from_secs(3602));
    p.clone_to_program_name = Some("Clone 11".into());
    c.schedule_campaign(&p).await.expect("a new day");
    assert_eq!(state.campaign_runs().len(), 12);
}

/// importToList per-lead tokens beat scheduleCampaign tokens, which beat program tokens; they
/// apply to one run only. Import status progresses PROCESSING → COMPLETE.
#[tokio::test]
async fn import_to_list_and_token_precedence() {
    let emu = start().await;
    let c = client(&emu);
    let mut import = ParamsImportToList::new(
        "Trav-Demo-Program",
        "Email Address,First Name,{{my.message}}",
        strings(&[
            "import1@example.invalid,Rowan,Per-lead message",
            "import2@example.invalid,Quinn,",
            "lead2@example.invalid,Blake,\"Per-lead, quoted\"",
            "broken row",
        ]),
        ImportToListModeEnum::Upsertleads,
        "Trav-Test-List",
        false,
    );
    import.campaign_name = Some("Batch Campaign Example".into());
    let r = c.import_to_list(&import).await.expect("import");
    assert_eq!(r.result.import_status, ImportToListStatusEnum::Processing);

    let mut status = ParamsGetImportToListStatus::new();
    status.program_name = Some("Trav-Demo-Program".into());
    status.list_name = Some("Trav-Test-List".into());
    let s1 = c
        .get_import_to_list_status(&status)
        .await
        .expect("status")
        .result;
    assert_eq!(s1.status, ImportToListStatusEnum::Processing);
    assert_eq!(s1.rows_imported.value(), Some(&0));
    assert_eq!(s1.ended_time, Nillable::Nil);
    let s2 = c
        .get_import_to_list_status(&status)
        .await
        .expect("status")
        .result;
    assert_eq!(s2.status, ImportToListStatusEnum::Complete);
    assert_eq!(
        (
            s2.estimated_rows.value(),
            s2.rows_imported.value(),
            s2.rows_failed.value(),
            s2.rows_ignored.value()
        ),
        (Some(&4), Some(&3), Some(&1), Some(&0))
    );

    let state = emu.state();
    let a = state.leads_by_email("import1@example.invalid")[0].id;
    let b = state.leads_by_email("import2@example.invalid")[0].id;
    assert_eq!(state.lead(a).expect("a").attributes["FirstName"], "Rowan");
    let members = state
        .static_list("Trav-Demo-Program.Trav-Test-List")
        .expect("list")
        .members;
    assert_eq!(members.into_iter().collect::<Vec<_>>(), [1001, 1002, a, b]);

    let mut p = ParamsScheduleCampaign::new("Trav-Demo-Program", "Batch Campaign Example");
    p.program_token_list = tokens(&[("{{my.message}}", "From the call")]);
    c.schedule_campaign(&p).await.expect("scheduled");
    let run = state.campaign_runs().pop().expect("run");
    assert_eq!(run.lead_ids, [1001, 1002, a, b]);
    assert_eq!(run.tokens["{{my.message}}"], "From the call");
    assert_eq!(
        run.tokens["{{my.other token}}"],
        "Default value for other token"
    );
    assert_eq!(
        run.lead_tokens.keys().copied().collect::<Vec<_>>(),
        [1002, a]
    );
    assert_eq!(run.lead_tokens[&a]["{{my.message}}"], "Per-lead message");
    assert_eq!(
        run.lead_tokens[&a]["{{my.other token}}"],
        "Default value for other token"
    );
    assert_eq!(run.lead_tokens[&1002]["{{my.message}}"], "Per-lead, quoted");
    // Consumed by that run.
    assert!(state.pending_lead_tokens().is_empty());
    c.schedule_campaign(&p).await.expect("again");
    assert!(
        state
            .campaign_runs()
            .pop()
            .expect("run")
            .lead_tokens
            .is_empty()
    );

    import.campaign_name = None;
    assert_eq!(fault(c.import_to_list(&import).await), 20109);
    import.list_name = "No Such List".into();
    assert_eq!(fault(c.import_to_list(&import).await), 20111);
}

/// requestCampaign and getCampaignsForSource.
#[tokio::test]
async fn request_campaign_and_campaigns_for_source() {
    let emu = start().await;
    let c = client(&emu);
    let mut p = ParamsRequestCampaign::new(ReqCampSourceType::Mktows);
    p.program_name = Nillable::Value("Trav-Demo-Program".into());
    p.campaign_name = Nillable::Value("Trigger Campaign Example".into());
    let mut leads = ArrayOfLeadKey::new();
    leads.lead_key = vec![
        LeadKey::new(LeadKeyRef::Idnum, "1003"),
        LeadKey::new(LeadKeyRef::Email, "lead1@example.invalid"),
    ];
    p.lead_list = Nillable::Value(leads);
    p.program_token_list = tokens(&[("{{my.message}}", "Requested")]);
    assert!(
        c.request_campaign(&p)
            .await
            .expect("requested")
            .result
            .success
    );
    let run = emu.state().campaign_runs().pop().expect("run");
    assert_eq!(run.origin, RunOrigin::Requested);
    assert_eq!(run.source.as_deref(), Some("MKTOWS"));
    assert_eq!(run.lead_ids, [1001, 1003]);
    assert_eq!(run.tokens["{{my.message}}"], "Requested");
    let last = emu.state().activities(1003).pop().expect("activity");
    assert_eq!(last.activity_type, "Request Campaign");
    assert_eq!(last.campaign.as_deref(), Some("Trigger Campaign Example"));

    let mut by_id = ParamsRequestCampaign::new(ReqCampSourceType::Mktows);
    by_id.campaign_id = Nillable::Value(2003);
    c.request_campaign(&by_id).await.expect("by id");
    by_id.campaign_id = Nillable::Value(2001);
    assert_eq!(
        fault(c.request_campaign(&by_id).await),
        20113,
        "batch campaign"
    );
    by_id.source = ReqCampSourceType::Sales;
    by_id.campaign_id = Nillable::Value(2003);
    assert_eq!(
        fault(c.request_campaign(&by_id).await),
        20113,
        "not for SALES"
    );
    let mut unknown_lead = p.clone();
    let mut leads = ArrayOfLeadKey::new();
    leads.lead_key = vec![LeadKey::new(LeadKeyRef::Idnum, "424242")];
    unknown_lead.lead_list = Nillable::Value(leads);
    assert_eq!(fault(c.request_campaign(&unknown_lead).await), 20103);

    let names = |r: ResultGetCampaignsForSource| -> Vec<(i32, String)> {
        r.campaign_record_list
            .value()
            .map(|l| {
                l.campaign_record
                    .iter()
                    .map(|c| (c.id, c.name.clone()))
                    .collect()
            })
            .unwrap_or_default()
    };
    let all = c
        .get_campaigns_for_source(&ParamsGetCampaignsForSource::new(ReqCampSourceType::Mktows))
        .await
        .expect("campaigns")
        .result;
    assert_eq!(all.return_count, 2);
    assert_eq!(
        names(all),
        [
            (
                2002,
                "Trav-Demo-Program.Trigger Campaign Example".to_owned()
            ),
            (2003, "Webinar Demo Program.Send Reminder".to_owned()),
        ]
    );
    let mut q = ParamsGetCampaignsForSource::new(ReqCampSourceType::Mktows);
    q.name = Nillable::Value("remind".into());
    assert_eq!(
        names(c.get_campaigns_for_source(&q).await.expect("q").result),
        [(2003, "Webinar Demo Program.Send Reminder".to_owned())]
    );
    q.exact_name = Nillable::Value(true);
    assert!(names(c.get_campaigns_for_source(&q).await.expect("q").result).is_empty());
    q.name = Nillable::Value("Send Reminder".into());
    assert_eq!(
        names(c.get_campaigns_for_source(&q).await.expect("q").result).len(),
        1
    );
    let sales = c
        .get_campaigns_for_source(&ParamsGetCampaignsForSource::new(ReqCampSourceType::Sales))
        .await
        .expect("sales")
        .result;
    assert_eq!(
        names(sales),
        [(
            2002,
            "Trav-Demo-Program.Trigger Campaign Example".to_owned()
        )]
    );
}

/// getLead, syncLead, syncMultipleLeads, mergeLeads, listOperation.
#[tokio::test]
async fn lead_operations() {
    let emu = start().await;
    let c = client(&emu);
    let r = c
        .get_lead(&ParamsGetLead::new(LeadKey::new(LeadKeyRef::Idnum, "1001")))
        .await
        .expect("getLead")
        .result;
    assert_eq!(r.count, 1);
    let rec = &r.lead_record_list.value().expect("list").lead_record[0];
    assert_eq!(
        rec.email.value().map(String::as_str),
        Some("lead1@example.invalid")
    );
    assert_eq!(rec.foreign_sys_type, Nillable::Nil);
    let attrs: Vec<(String, String, String)> = rec
        .lead_attribute_list
        .value()
        .expect("attributes")
        .attribute
        .iter()
        .map(|a| {
            (
                a.attr_name.clone(),
                a.attr_type.value().cloned().unwrap_or_default(),
                a.attr_value.clone(),
            )
        })
        .collect();
    assert!(attrs.contains(&("LeadScore".into(), "integer".into(), "16".into())));
    assert!(attrs.contains(&("Website".into(), "url".into(), "www.example.invalid".into())));
    assert_eq!(attrs.len(), 7);

    let by_fsid = c
        .get_lead(&ParamsGetLead::new(LeadKey::new(
            LeadKeyRef::Cookie,
            "id:000-AAA-000&token:_mch-example.invalid-0000000000000-00003",
        )))
        .await
        .expect("cookie")
        .result;
    assert_eq!(by_fsid.count, 1);
    let owners = c
        .get_lead(&ParamsGetLead::new(LeadKey::new(
            LeadKeyRef::Leadowneremail,
            "owner1@example.invalid",
        )))
        .await
        .expect("owner")
        .result;
    assert_eq!(owners.count, 2);

    // syncLead: update by email, then by foreign id, with the record returned.
    let r = c
        .sync_lead(
            &ParamsSyncLead::new(
                lead("LEAD1@example.invalid", &[("FirstName", "Avery-Jo")]),
                false,
            ),
            None,
        )
        .await
        .expect("update")
        .result;
    assert_eq!(
        (r.lead_id, r.sync_status.status),
        (1001, LeadSyncStatus::Updated)
    );
    assert_eq!(r.lead_record, Nillable::Nil);
    let mut fs = LeadRecord::new();
    fs.foreign_sys_person_id = Nillable::Value("CRM-0003".into());
    fs.foreign_sys_type = Nillable::Value(ForeignSysType::Custom);
    fs.email = Nillable::Value("lead3-new@example.invalid".into());
    let r = c
        .sync_lead(&ParamsSyncLead::new(fs, true), None)
        .await
        .expect("by foreign id")
        .result;
    assert_eq!(r.lead_id, 1003);
    let back = r.lead_record.value().expect("returned");
    assert_eq!(
        back.email.value().map(String::as_str),
        Some("lead3-new@example.invalid")
    );
    let changes: Vec<String> = emu
        .state()
        .activities(1001)
        .iter()
        .map(|a| a.activity_type.clone())
        .collect();
    assert_eq!(changes, ["New Lead", "Change Data Value"]);

    // syncMultipleLeads: a bad record fails alone; dedup off creates duplicates.
    let mut list = ArrayOfLeadRecord::new();
    list.lead_record = vec![
        lead("multi1@example.invalid", &[("Company", "Example Co")]),
        lead("multi2@example.invalid", &[("Shoe", "42")]),
    ];
    let r = c
        .sync_multiple_leads(&ParamsSyncMultipleLeads::new(list))
        .await
        .expect("multi")
        .result
        .sync_status_list
        .sync_status;
    assert_eq!(r[0].status, LeadSyncStatus::Created);
    assert_eq!(r[1].status, LeadSyncStatus::Failed);
    assert_eq!(
        r[1].error.value().map(String::as_str),
        Some("Lead Attribute Bad: no lead field \"Shoe\" (20105)")
    );
    let mut dup = ArrayOfLeadRecord::new();
    dup.lead_record = vec![lead("multi1@example.invalid", &[])];
    let mut p = ParamsSyncMultipleLeads::new(dup);
    p.dedup_enabled = Nillable::Value(false);
    c.sync_multiple_leads(&p).await.expect("dup");
    assert_eq!(
        emu.state().leads_by_email("multi1@example.invalid").len(),
        2
    );

    // mergeLeads: 1005 into 1001; 1005's list membership moves over.
    let mut winner = ArrayOfAttribute::new();
    winner.attribute = vec![Attribute::new("IDNUM", "1001")];
    let mut losers = ArrayOfKeyList::new();
    let mut one = ArrayOfAttribute::new();
    one.attribute = vec![Attribute::new("EMAIL", "lead5@example.invalid")];
    losers.key_list = vec![one];
    let m = c
        .merge_leads(&ParamsMergeLeads::new(winner.clone(), losers.clone()))
        .await
        .expect("merge")
        .result
        .merge_status;
    assert_eq!(m.status, LeadMergeStatusEnum::Merged);
    assert_eq!(m.winning_lead_id.value(), Some(&1001));
    assert_eq!(
        m.losing_lead_id_list.value().expect("losers").integer_item,
        [1005]
    );
    assert!(emu.state().lead(1005).is_none());
    assert_eq!(
        fault(c.merge_leads(&ParamsMergeLeads::new(winner, losers)).await),
        20103,
        "the loser is gone"
    );

    // listOperation.
    let keys = |ids: &[&str]| {
        let mut a = ArrayOfLeadKey::new();
        a.lead_key = ids
            .iter()
            .map(|i| LeadKey::new(LeadKeyRef::Idnum, *i))
            .collect();
        a
    };
    let list_key = || ListKey::new(ListKeyType::Mktolistname, "Newsletter Subscribers");
    let op =
        |o: ListOperationType, ids: &[&str]| ParamsListOperation::new(o, list_key(), keys(ids));
    let statuses = |r: ResultListOperation| -> (bool, Vec<bool>) {
        (
            r.success,
            r.status_list
                .value()
                .map(|l| l.lead_status.iter().map(|s| s.status).collect())
                .unwrap_or_default(),
        )
    };
    assert_eq!(
        statuses(
            c.list_operation(&op(ListOperationType::Addtolist, &["1004"]))
                .await
                .expect("add")
                .result
        ),
        (true, vec![true])
    );
    assert_eq!(
        statuses(
            c.list_operation(&op(
                ListOperationType::Ismemberoflist,
                &["1004", "1002", "77"]
            ))
            .await
            .expect("is member")
            .result
        ),
        (false, vec![true, false, false])
    );
    let mut strict = op(ListOperationType::Addtolist, &["1002", "77"]);
    strict.strict = Nillable::Value(true);
    assert_eq!(fault(c.list_operation(&strict).await), 20103);
    assert!(
        !emu.state()
            .static_list("Newsletter Subscribers")
            .expect("l")
            .members
            .contains(&1002)
    );
    assert_eq!(
        statuses(
            c.list_operation(&op(ListOperationType::Removefromlist, &["1004"]))
                .await
                .expect("rm")
                .result
        ),
        (true, vec![true])
    );
    assert_eq!(
        emu.state()
            .static_list("Newsletter Subscribers")
            .expect("list")
            .members
            .into_iter()
            .collect::<Vec<_>>(),
        [1001, 1003]
    );
}

/// MObjects, custom objects, channels and tags.
#[tokio::test]
async fn objects_channels_and_tags() {
    let emu = start().await;
    let c = client(&emu);
    let objects = c
        .list_m_objects(&ParamsListMObjects::new())
        .await
        .expect("list")
        .result
        .objects;
    assert_eq!(
        objects,
        [
            "ActivityRecord",
            "LeadRecord",
            "Opportunity",
            "OpportunityPersonRole"
        ]
    );
    let d = c
        .describe_m_object(&ParamsDescribeMObject::new("Opportunity"))
        .await
        .expect("describe")
        .result
        .metadata;
    assert_eq!(d.name, "Opportunity");
    assert_eq!(d.field_list.field.len(), 20);
    assert_eq!(
        fault(
            c.describe_m_object(&ParamsDescribeMObject::new("Widget"))
                .await
        ),
        20110
    );

    let mut programs = ParamsGetMObjects::new("Program");
    programs.include_details = Some(true);
    let r = c.get_m_objects(&programs).await.expect("programs").result;
    assert_eq!(
        (r.return_count, r.has_more, r.new_stream_position.as_str()),
        (2, false, "")
    );
    let demo = &r.m_object_list.as_ref().expect("list").m_object[0];
    assert_eq!(demo.id, Some(1001));
    let tokens: Vec<String> = demo
        .type_attrib_list
        .as_ref()
        .expect("details")
        .type_attrib
        .iter()
        .filter(|t| t.attr_type == "Token")
        .map(|t| t.attr_list.as_ref().expect("attrs").attrib[0].value.clone())
        .collect();
    assert_eq!(
        tokens,
        ["{{my.message}}", "{{my.other token}}", "{{my.signature}}"]
    );
    let mut crit = ArrayOfMObjCriteria::new();
    crit.m_obj_criteria = vec![MObjCriteria::new(
        "Name",
        ComparisonEnum::Eq,
        "webinar demo program",
    )];
    programs.m_obj_criteria_list = Some(crit);
    assert_eq!(
        c.get_m_objects(&programs)
            .await
            .expect("by name")
            .result
            .return_count,
        1
    );

    // syncMObjects.
    let mut opp = MObject::new("Opportunity");
    let mut attrs = ArrayOfAttrib::new();
    attrs.attrib = vec![Attrib::new("Name", "New deal"), Attrib::new("Amount", "5")];
    opp.attrib_list = Some(attrs);
    let mut missing = MObject::new("Opportunity");
    missing.id = Some(999);
    let mut prog = MObject::new("Program");
    prog.id = Some(1001);
    let mut ta = ArrayOfTypeAttrib::new();
    let mut cost = TypeAttrib::new("Cost");
    let mut cost_attrs = ArrayOfAttrib::new();
    cost_attrs.attrib = vec![
        Attrib::new("Month", "2026-02"),
        Attrib::new("Amount", "250"),
    ];
    cost.attr_list = Some(cost_attrs);
    let mut tag = TypeAttrib::new("Tag");
    let mut tag_attrs = ArrayOfAttrib::new();
    tag_attrs.attrib = vec![Attrib::new("Type", "Region"), Attrib::new("Value", "South")];
    tag.attr_list = Some(tag_attrs);
    ta.type_attrib = vec![cost, tag];
    prog.type_attrib_list = Some(ta);
    let mut role = MObject::new("OpportunityPersonRole");
    let mut role_attrs = ArrayOfAttrib::new();
    role_attrs.attrib = vec![
        Attrib::new("OpportunityId", "3001"),
        Attrib::new("PersonId", "4242"),
    ];
    role.attrib_list = Some(role_attrs);
    let mut list = ArrayOfMObject::new();
    list.m_object = vec![opp.clone(), missing, role];
    let st = c
        .sync_m_objects(&ParamsSyncMObjects::new(list, SyncOperationEnum::Upsert))
        .await
        .expect("sync")
        .result
        .m_obj_status_list
        .m_obj_status;
    assert_eq!(
        (st[0].id, st[0].status.clone()),
        (3102, MObjStatusEnum::Created)
    );
    assert_eq!(
        st[1].status,
        MObjStatusEnum::Created,
        "UPSERT creates an unknown id"
    );
    assert_eq!(st[2].status, MObjStatusEnum::Failed);
    assert_eq!(st[2].error.as_deref(), Some("no lead 4242"));
    let mut list = ArrayOfMObject::new();
    list.m_object = vec![prog.clone()];
    let st = c
        .sync_m_objects(&ParamsSyncMObjects::new(
            list.clone(),
            SyncOperationEnum::Update,
        ))
        .await
        .expect("program")
        .result
        .m_obj_status_list
        .m_obj_status;
    assert_eq!(st[0].status, MObjStatusEnum::Updated);
    let p = emu.state().program("Trav-Demo-Program").expect("program");
    assert_eq!(p.tags, [("Region".to_owned(), "South".to_owned())]);
    assert_eq!(p.costs.len(), 2);
    assert_eq!(p.costs[1].month, "2026-02-01");
    let st = c
        .sync_m_objects(&ParamsSyncMObjects::new(list, SyncOperationEnum::Insert))
        .await
        .expect("program insert")
        .result
        .m_obj_status_list
        .m_obj_status;
    assert_eq!(st[0].status, MObjStatusEnum::Failed);
    let mut too_many = ArrayOfMObject::new();
    too_many.m_object = vec![opp.clone(); 101];
    assert_eq!(
        fault(
            c.sync_m_objects(&ParamsSyncMObjects::new(
                too_many,
                SyncOperationEnum::Insert
            ))
            .await
        ),
        20110
    );

    // getMObjects pages of 100.
    let mut hundred = ArrayOfMObject::new();
    hundred.m_object = vec![opp; 100];
    c.sync_m_objects(&ParamsSyncMObjects::new(hundred, SyncOperationEnum::Insert))
        .await
        .expect("100 more");
    let mut q = ParamsGetMObjects::new("Opportunity");
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let r = c.get_m_objects(&q).await.expect("page").result;
        pages += 1;
        seen.extend(
            r.m_object_list
                .map(|l| l.m_object)
                .unwrap_or_default()
                .into_iter()
                .filter_map(|o| o.id),
        );
        if !r.has_more {
            break;
        }
        q.stream_position = Some(r.new_stream_position);
    }
    assert_eq!(pages, 2);
    assert_eq!(seen.len(), 104);
    assert!(seen.windows(2).all(|w| w[0] < w[1]));

    let mut del = ArrayOfMObject::new();
    let mut d1 = MObject::new("Opportunity");
    d1.id = Some(3002);
    del.m_object = vec![d1.clone(), d1];
    let st = c
        .delete_m_objects(&ParamsDeleteMObjects::new(del))
        .await
        .expect("delete")
        .result
        .m_obj_status_list
        .m_obj_status;
    assert_eq!(
        st.iter().map(|s| s.status.clone()).collect::<Vec<_>>(),
        [MObjStatusEnum::Deleted, MObjStatusEnum::Unchanged]
    );

    // Custom objects: case-insensitive type, key filter, paging, sync statuses, delete.
    let mut q = ParamsGetCustomObjects::new("roadshow", ArrayOfString::new());
    let r = c.get_custom_objects(&q).await.expect("custom").result;
    assert_eq!(
        (r.obj_type_name.as_str(), r.return_count, r.remaining_count),
        ("RoadShow", 3, 0)
    );
    let mut key = ArrayOfAttribute::new();
    key.attribute = vec![Attribute::new("MKTOID", "1001")];
    q.custom_obj_key_list = Nillable::Value(key);
    q.batch_size = Nillable::Value(1);
    q.include_attributes = strings(&["city"]);
    let r = c.get_custom_objects(&q).await.expect("page 1").result;
    assert_eq!((r.return_count, r.remaining_count), (1, 1));
    let obj = &r.custom_obj_list.value().expect("list").custom_obj[0];
    assert_eq!(
        obj.custom_obj_attribute_list
            .value()
            .expect("attrs")
            .attribute[0]
            .attr_value,
        "Exampleton"
    );
    assert_eq!(
        obj.custom_obj_attribute_list
            .value()
            .expect("attrs")
            .attribute
            .len(),
        1
    );
    q.stream_position = Nillable::Value(r.new_stream_position);
    let r = c.get_custom_objects(&q).await.expect("page 2").result;
    assert_eq!(
        (
            r.return_count,
            r.remaining_count,
            r.new_stream_position.as_str()
        ),
        (1, 0, "")
    );

    let custom = |keys: &[(&str, &str)], attrs: &[(&str, &str)]| {
        let mut o = CustomObj::new();
        let mut k = ArrayOfAttribute::new();
        k.attribute = keys.iter().map(|(a, b)| Attribute::new(*a, *b)).collect();
        o.custom_obj_key_list = Nillable::Value(k);
        let mut v = ArrayOfAttribute::new();
        v.attribute = attrs.iter().map(|(a, b)| Attribute::new(*a, *b)).collect();
        o.custom_obj_attribute_list = Nillable::Value(v);
        o
    };
    let mut objs = ArrayOfCustomObj::new();
    objs.custom_obj = vec![
        custom(
            &[("MKTOID", "1003"), ("rid", "9")],
            &[("city", "Northtown")],
        ),
        custom(
            &[("MKTOID", "1001"), ("rid", "1")],
            &[("city", "Exampleton")],
        ),
        custom(&[("MKTOID", "1001")], &[]),
        custom(&[("MKTOID", "1002"), ("rid", "3")], &[("color", "red")]),
    ];
    let mut sync = ParamsSyncCustomObjects::new("RoadShow", objs);
    sync.operation = Nillable::Value(SyncOperationEnum::Insert);
    let st: Vec<SyncStatusEnum> = c
        .sync_custom_objects(&sync)
        .await
        .expect("sync custom")
        .result
        .sync_custom_obj_status_list
        .sync_custom_obj_status
        .into_iter()
        .map(|s| s.status)
        .collect();
    assert_eq!(
        st,
        [
            SyncStatusEnum::Created,
            SyncStatusEnum::Skipped,
            SyncStatusEnum::Failed,
            SyncStatusEnum::Failed
        ]
    );
    assert_eq!(emu.state().custom_objects("RoadShow").len(), 4);
    let mut kl = ArrayOfKeyList::new();
    let mut k = ArrayOfAttribute::new();
    k.attribute = vec![Attribute::new("rid", "9")];
    kl.key_list = vec![k.clone(), k];
    let st: Vec<SyncStatusEnum> = c
        .delete_custom_objects(&ParamsDeleteCustomObjects::new("RoadShow", kl))
        .await
        .expect("delete custom")
        .result
        .delete_custom_obj_status_list
        .sync_custom_obj_status
        .into_iter()
        .map(|s| s.status)
        .collect();
    assert_eq!(st, [SyncStatusEnum::Deleted, SyncStatusEnum::Unchanged]);
    assert_eq!(
        fault(
            c.get_custom_objects(&ParamsGetCustomObjects::new("Nope", ArrayOfString::new()))
                .await
        ),
        20110
    );

    // Channels and tags.
    let ch = c
        .get_channels(&ParamsGetChannels::new())
        .await
        .expect("channels")
        .result
        .tags
        .tag_status;
    assert_eq!(
        ch.iter().map(|t| t.tag_value.as_str()).collect::<Vec<_>>(),
        ["Online Advertising", "Webinar"]
    );
    let webinar: Vec<String> = ch[1]
        .status_list
        .progression_status_item
        .iter()
        .map(|s| {
            s.progression_status.as_ref().expect("attrs").attrib[0]
                .value
                .clone()
        })
        .collect();
    assert_eq!(
        webinar,
        [
            "Attended",
            "Invited",
            "No Show",
            "Not in Program",
            "Registered"
        ]
    );
    let mut filter = ParamsGetChannels::new();
    let mut t = Tag::new();
    t.values = Some(strings(&["Nope"]));
    filter.tag = Some(t);
    assert_eq!(fault(c.get_channels(&filter).await), 20110);
    let tags = c
        .get_tags(&ParamsGetTags::new())
        .await
        .expect("tags")
        .result
        .tag_list
        .tag;
    assert_eq!(tags.len(), 2);
    let mut one = ParamsGetTags::new();
    let mut list = ArrayOfTag::new();
    let mut t = Tag::new();
    t.r#type = Some("region".into());
    list.tag = vec![t];
    one.tag_list = Some(list);
    let tags = c.get_tags(&one).await.expect("one").result.tag_list.tag;
    assert_eq!(tags[0].r#type.as_deref(), Some("Region"));
    assert_eq!(
        tags[0].values.as_ref().expect("values").string_item.len(),
        4
    );
}

/// Each injection mode as the runtime client reports it.
#[tokio::test]
async fn fault_injection_modes() {
    let emu = start().await;
    let c = mktows::Client::new(
        runtime_builder(&emu)
            .timeout(Duration::from_millis(500))
            .build()
            .expect("client"),
    );
    let p = ParamsListMObjects::new();
    let state = emu.state();
    let op = "listMObjects";

    state.inject(
        op,
        InjectionRule::always(Injection::Delay(Duration::from_millis(1500))),
    );
    match c.list_m_objects(&p).await {
        Err(Error::Timeout { after }) => assert_eq!(after, Duration::from_millis(500)),
        other => panic!("expected Timeout, got {other:?}"),
    }

    state.inject(op, InjectionRule::always(Injection::DropConnection));
    match c.list_m_objects(&p).await {
        Err(Error::Connection { .. }) => {}
        other => panic!("expected Connection, got {other:?}"),
    }

    state.inject(op, InjectionRule::always(Injection::Http503));
    match c.list_m_objects(&p).await {
        Err(Error::Http {
            status,
            content_type,
            body_excerpt,
        }) => {
            assert_eq!(status, 503);
            assert_eq!(content_type.as_deref(), Some("text/html; charset=utf-8"));
            assert!(
                body_excerpt.contains("Service Unavailable"),
                "{body_excerpt}"
            );
        }
        other => panic!("expected Http, got {other:?}"),
    }

    state.inject(op, InjectionRule::always(Injection::TruncatedBody));
    match c.list_m_objects(&p).await {
        Err(Error::Truncated {
            status,
            received,
            expected,
            ..
        }) => {
            assert_eq!(status, 200);
            let expected = expected.expect("Content-Length");
            assert!(received < expected, "{received} of {expected}");
        }
        other => panic!("expected Truncated, got {other:?}"),
    }

    state.inject(op, InjectionRule::always(Injection::Fault(20011)));
    match c.list_m_objects(&p).await {
        Err(Error::Fault {
            code, faultcode, ..
        }) => {
            assert_eq!(code.code(), Some(20011));
            assert_eq!(faultcode.local, "Server");
        }
        other => panic!("expected Fault, got {other:?}"),
    }

    // A rule for one operation leaves the others alone; a counted rule expires.
    c.get_lead(&ParamsGetLead::new(LeadKey::new(LeadKeyRef::Idnum, "1001")))
        .await
        .expect("other operations are unaffected");
    state.clear_injections();
    state.inject(ANY, InjectionRule::times(Injection::Http503, 1));
    let retrying = mktows::Client::new(
        runtime_builder(&emu)
            .retry_policy(RetryPolicy {
                max_backoff_retries: 2,
                initial_backoff: Duration::from_millis(10),
                max_backoff: Duration::from_millis(20),
                resign_on_expired: true,
            })
            .build()
            .expect("client"),
    );
    retrying
        .list_m_objects(&p)
        .await
        .expect("retried after one 503");
    let outcomes: Vec<Outcome> = state
        .requests()
        .into_iter()
        .rev()
        .take(2)
        .map(|r| r.outcome)
        .collect();
    assert_eq!(
        outcomes,
        [Outcome::Success, Outcome::Injected(Injection::Http503)]
    );
    c.list_m_objects(&p).await.expect("rule used up");
}

const ANY: &str = mktows_emulator::ANY_OPERATION;

/// With limits off, 10,000 requests from 50 concurrent clients lose and duplicate nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_concurrent_writes() {
    const CLIENTS: usize = 50;
    const PER_CLIENT: usize = 200;
    let emu = emulator()
        .empty()
        .limits_off()
        .max_recorded_requests(1000)
        .start()
        .await
        .expect("start");
    // One connection pool shared by 50 separately configured clients (building 50 TLS-capable
    // HTTP stacks would dominate a debug-build run).
    let mut options = mktows_runtime::transport::HttpOptions::default();
    options.pool_max_idle_per_host = CLIENTS;
    let transport =
        std::sync::Arc::new(mktows_runtime::HttpTransport::new(&options).expect("transport"));
    let started = std::time::Instant::now();
    let mut tasks = Vec::new();
    for client_no in 0..CLIENTS {
        let c = mktows::Client::new(
            runtime_builder(&emu)
                .build_with_transport(std::sync::Arc::clone(&transport))
                .expect("client"),
        );
        tasks.push(tokio::spawn(async move {
            let mut ids = Vec::with_capacity(PER_CLIENT * 2);
            for call in 0..PER_CLIENT {
                let mut list = ArrayOfLeadRecord::new();
                for n in 0..2 {
                    list.lead_record.push(lead(
                        &format!("c{client_no}-r{call}-{n}@example.invalid"),
                        &[("LeadScore", "1")],
                    ));
                }
                let r = c
                    .sync_multiple_leads(&ParamsSyncMultipleLeads::new(list))
                    .await
                    .unwrap_or_else(|e| panic!("client {client_no} call {call}: {e}"));
                for s in r.result.sync_status_list.sync_status {
                    assert_eq!(s.status, LeadSyncStatus::Created);
                    ids.push(s.lead_id);
                }
            }
            ids
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.expect("task"));
    }
    let elapsed = started.elapsed();
    assert_eq!(all.len(), CLIENTS * PER_CLIENT * 2);
    let unique: BTreeSet<i32> = all.iter().copied().collect();
    assert_eq!(unique.len(), all.len(), "no lead id handed out twice");
    let state = emu.state();
    assert_eq!(
        state.lead_count(),
        CLIENTS * PER_CLIENT * 2,
        "no write lost"
    );
    assert_eq!(
        state.request_count(),
        u64::try_from(CLIENTS * PER_CLIENT).expect("n")
    );
    let emails: BTreeSet<String> = state.leads().into_iter().filter_map(|l| l.email).collect();
    assert_eq!(emails.len(), CLIENTS * PER_CLIENT * 2);
    assert_eq!(unique, state.leads().iter().map(|l| l.id).collect());
    assert!(elapsed < Duration::from_secs(60), "took {elapsed:?}");
    eprintln!("10,000 requests from {CLIENTS} clients in {elapsed:?}");
}
