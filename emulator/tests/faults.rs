//! The runtime client under network faults, through the generated client over real loopback
//! HTTP: slow drip, a reply lost after the write executed, drops, gateway pages and truncated
//! bodies on writes, and rejections before executing. What must hold: no call outlives its
//! timeout, a write that may have reached the service is never sent twice, and each failure
//! comes back as its own `Error` variant. (`client.rs` `fault_injection_modes` covers the
//! error variant of each basic mode on a read.)

mod common;

use std::time::{Duration, Instant};

use common::*;
use mktows::*;
use mktows_emulator::{ANY_OPERATION, Injection, InjectionRule, Outcome, RunningEmulator};
use mktows_runtime::{Error, Nillable, RetryPolicy};

/// Backoff retries on, with short backoffs so the file runs in a few seconds.
const RETRY: RetryPolicy = RetryPolicy {
    max_backoff_retries: 3,
    initial_backoff: Duration::from_millis(10),
    max_backoff: Duration::from_millis(40),
    resign_on_expired: true,
};

/// A short per-attempt timeout for the tests that must time out.
const SHORT: Duration = Duration::from_millis(300);

/// A generous bound for "returned, did not hang": far above `SHORT`, far below a hang.
const NO_HANG: Duration = Duration::from_secs(5);

/// A client that retries whatever the runtime considers safe to retry.
fn retrying(emu: &RunningEmulator, timeout: Duration) -> mktows::Client {
    mktows::Client::new(
        runtime_builder(emu)
            .retry_policy(RETRY)
            .timeout(timeout)
            .build()
            .expect("client"),
    )
}

fn get_lead_1001() -> ParamsGetLead {
    ParamsGetLead::new(LeadKey::new(LeadKeyRef::Idnum, "1001"))
}

fn new_lead(email: &str) -> LeadRecord {
    let mut r = LeadRecord::new();
    r.email = Nillable::Value(email.to_owned());
    let mut list = ArrayOfAttribute::new();
    list.attribute = vec![Attribute::new("FirstName", "Faulty")];
    r.lead_attribute_list = Nillable::Value(list);
    r
}

/// `n` new leads `{tag}-{i}@faults.invalid` with deduplication off, so that every execution of
/// the call creates `n` more leads and a duplicated write shows in the lead count.
fn batch(tag: &str, n: usize) -> ParamsSyncMultipleLeads {
    let mut list = ArrayOfLeadRecord::new();
    list.lead_record = (0..n)
        .map(|i| new_lead(&format!("{tag}-{i}@faults.invalid")))
        .collect();
    let mut p = ParamsSyncMultipleLeads::new(list);
    p.dedup_enabled = Nillable::Value(false);
    p
}

/// The outcomes of the requests the emulator received for `op`, oldest first.
fn outcomes(emu: &RunningEmulator, op: &str) -> Vec<Outcome> {
    emu.state()
        .requests()
        .into_iter()
        .filter(|r| r.operation == Some(op))
        .map(|r| r.outcome)
        .collect()
}

#[track_caller]
fn assert_timeout(r: Result<impl std::fmt::Debug, Error>, started: Instant) {
    let elapsed = started.elapsed();
    match r {
        Err(Error::Timeout { after }) => assert_eq!(after, SHORT),
        other => panic!("expected Timeout, got {other:?}"),
    }
    assert!(elapsed >= SHORT, "timed out early: {elapsed:?}");
    assert!(elapsed < NO_HANG, "returned only after {elapsed:?}");
}

/// The emulator side of `drip`: the real response, its full `Content-Length` at once, the body
/// in chunks that leave one by one with the pause between them.
#[tokio::test]
async fn slow_drip_streams_the_real_body_in_timed_chunks() {
    const CHUNK: usize = 100;
    const EVERY: Duration = Duration::from_millis(30);
    let emu = start().await;
    let normal = post(
        emu.url(),
        Some(&action("getLead")),
        signed(&get_lead_body("1001")),
    )
    .await;
    normal.assert_ok();

    let drip = Injection::SlowDrip {
        chunk: CHUNK,
        every: EVERY,
    };
    emu.state()
        .inject("getLead", InjectionRule::times(drip.clone(), 1));
    let started = Instant::now();
    let mut resp = http()
        .post(emu.url())
        .header("Content-Type", "text/xml; charset=utf-8")
        .header("SOAPAction", action("getLead"))
        .body(signed(&get_lead_body("1001")))
        .send()
        .await
        .expect("headers arrive at once");
    assert_eq!(resp.status().as_u16(), 200);
    let declared = resp.content_length().expect("Content-Length");
    let mut body = Vec::new();
    let mut arrivals = 0;
    while let Some(chunk) = resp.chunk().await.expect("the whole body arrives") {
        arrivals += 1;
        body.extend_from_slice(&chunk);
    }
    let elapsed = started.elapsed();

    assert_eq!(declared, body.len() as u64);
    assert_eq!(
        String::from_utf8(body).expect("UTF-8"),
        normal.body,
        "the real answer"
    );
    let chunks = normal.body.len().div_ceil(CHUNK);
    assert!(chunks >= 5, "a response of {} bytes", normal.body.len());
    // The server waits EVERY between chunks, so the body cannot be complete sooner.
    let floor = EVERY * u32::try_from(chunks - 1).expect("few chunks");
    assert!(elapsed >= floor, "{elapsed:?} < {floor:?}");
    assert!(arrivals > 1, "the body arrived in one piece");
    assert_eq!(
        outcomes(&emu, "getLead"),
        [Outcome::Success, Outcome::Injected(drip)]
    );
}

/// A drip slower than the client's total timeout ends in `Timeout` on time, for a read and for
/// a write; neither is retried, and the write (executed before the drip) happened once.
#[tokio::test]
async fn slow_drip_past_the_timeout_is_a_timeout_not_a_hang() {
    let emu = start().await;
    let c = retrying(&emu, SHORT);
    // 1 byte every 50 ms: several seconds for any response, far past SHORT.
    let drip = Injection::SlowDrip {
        chunk: 1,
        every: Duration::from_millis(50),
    };
    let state = emu.state();
    state.inject(ANY_OPERATION, InjectionRule::always(drip.clone()));

    let started = Instant::now();
    assert_timeout(c.get_lead(&get_lead_1001()).await, started);
    assert_eq!(
        outcomes(&emu, "getLead"),
        [Outcome::Injected(drip.clone())],
        "a timeout is not retried"
    );

    let before = state.lead_count();
    let started = Instant::now();
    assert_timeout(c.sync_multiple_leads(&batch("drip", 3)).await, started);
    assert_eq!(
        outcomes(&emu, "syncMultipleLeads"),
        [Outcome::Injected(drip)],
        "a write that timed out is not sent again"
    );
    assert_eq!(state.lead_count(), before + 3, "executed exactly once");
}

/// A drip that ends within the timeout is only slow: the call succeeds with the right value.
#[tokio::test]
async fn slow_drip_within_the_timeout_decodes_normally() {
    const EVERY: Duration = Duration::from_millis(20);
    let emu = start().await;
    let c = retrying(&emu, Duration::from_secs(10));
    let drip = Injection::SlowDrip {
        chunk: 64,
        every: EVERY,
    };
    emu.state()
        .inject("getLead", InjectionRule::times(drip.clone(), 1));

    let started = Instant::now();
    let r = c
        .get_lead(&get_lead_1001())
        .await
        .expect("a slow answer is still an answer")
        .result;
    // Any getLead envelope is well over 5 × 64 bytes, so at least 5 pauses were waited out.
    assert!(started.elapsed() >= EVERY * 5, "{:?}", started.elapsed());
    assert_eq!(r.count, 1);
    let rec = &r.lead_record_list.value().expect("list").lead_record[0];
    assert_eq!(rec.id, Nillable::Value(1001));
    assert_eq!(
        rec.email.value().map(String::as_str),
        Some("lead1@example.invalid")
    );
    assert_eq!(outcomes(&emu, "getLead"), [Outcome::Injected(drip)]);
}

/// The write reached the service and ran, and the reply was lost: `Connection`, and the
/// client does not send it again.
#[tokio::test]
async fn drop_after_execute_on_a_write_is_not_retried() {
    let emu = start().await;
    let c = retrying(&emu, Duration::from_secs(10));
    let state = emu.state();
    state.inject(
        "syncLead",
        InjectionRule::always(Injection::DropAfterExecute),
    );
    let email = "lost-reply@faults.invalid";
    let before = state.lead_count();

    let started = Instant::now();
    match c
        .sync_lead(&ParamsSyncLead::new(new_lead(email), false), None)
        .await
    {
        Err(Error::Connection { .. }) => {}
        other => panic!("expected Connection, got {other:?}"),
    }
    assert!(started.elapsed() < NO_HANG, "{:?}", started.elapsed());

    assert_eq!(
        outcomes(&emu, "syncLead"),
        [Outcome::Injected(Injection::DropAfterExecute)],
        "exactly one request: no retry"
    );
    let created = state.leads_by_email(email);
    assert_eq!(created.len(), 1, "the write executed once");
    assert_eq!(state.lead_count(), before + 1);
    let log: Vec<String> = state
        .activities(created[0].id)
        .into_iter()
        .map(|a| a.activity_type)
        .collect();
    assert_eq!(log, ["New Lead"]);
}

/// The same lost reply on a read is retried, and the retry succeeds; when every reply is lost,
/// the retries stop at the policy's bound with `Connection`.
#[tokio::test]
async fn drop_after_execute_on_a_read_is_retried() {
    let emu = start().await;
    let c = retrying(&emu, Duration::from_secs(10));
    emu.state()
        .inject("getLead", "drop-after*1".parse().expect("CLI spelling"));

    let r = c
        .get_lead(&get_lead_1001())
        .await
        .expect("retried after the lost reply")
        .result;
    assert_eq!(r.count, 1);
    assert_eq!(
        outcomes(&emu, "getLead"),
        [
            Outcome::Injected(Injection::DropAfterExecute),
            Outcome::Success
        ]
    );

    emu.state().clear_requests();
    emu.state().inject(
        "getLead",
        InjectionRule::always(Injection::DropAfterExecute),
    );
    let started = Instant::now();
    match c.get_lead(&get_lead_1001()).await {
        Err(Error::Connection { .. }) => {}
        other => panic!("expected Connection, got {other:?}"),
    }
    assert!(started.elapsed() < NO_HANG, "{:?}", started.elapsed());
    let attempts = 1 + RETRY.max_backoff_retries as usize;
    assert_eq!(
        outcomes(&emu, "getLead"),
        vec![Outcome::Injected(Injection::DropAfterExecute); attempts]
    );
}

/// A dropped connection, a gateway's 503 page and a truncated answer on a write: each comes
/// back as its own error, after exactly one request, and the write happened at most once
/// (never, for the modes that answer instead of executing; once, for truncation).
#[tokio::test]
async fn faults_on_a_write_never_duplicate_it() {
    let emu = start().await;
    let c = retrying(&emu, Duration::from_secs(10));
    let state = emu.state();
    let op = "syncMultipleLeads";
    for (n, injection) in [
        Injection::DropConnection,
        Injection::Http503,
        Injection::TruncatedBody,
    ]
    .into_iter()
    .enumerate()
    {
        state.clear_requests();
        state.inject(op, InjectionRule::always(injection.clone()));
        let before = state.lead_count();
        let started = Instant::now();
        let r = c.sync_multiple_leads(&batch(&format!("write{n}"), 2)).await;
        assert!(
            started.elapsed() < NO_HANG,
            "{injection}: {:?}",
            started.elapsed()
        );
        let executed = match (&injection, r) {
            (Injection::DropConnection, Err(Error::Connection { .. })) => 0,
            (
                Injection::Http503,
                Err(Error::Http {
                    status: 503,
                    body_excerpt,
                    ..
                }),
            ) => {
                assert!(
                    body_excerpt.contains("Service Unavailable"),
                    "{body_excerpt}"
                );
                0
            }
            (
                Injection::TruncatedBody,
                Err(Error::Truncated {
                    status: 200,
                    received,
                    expected: Some(expected),
                    ..
                }),
            ) => {
                assert!(received < expected, "{received} of {expected}");
                2
            }
            (_, other) => panic!("{injection}: wrong outcome {other:?}"),
        };
        assert_eq!(
            outcomes(&emu, op),
            [Outcome::Injected(injection.clone())],
            "{injection}: exactly one request"
        );
        assert_eq!(state.lead_count(), before + executed, "{injection}");
    }
}

/// Rate and concurrency limit faults come before the service executes anything, so the write
/// is retried, and executes exactly once.
#[tokio::test]
async fn rejections_before_executing_retry_a_write_exactly_once() {
    let emu = start().await;
    let c = retrying(&emu, Duration::from_secs(10));
    let state = emu.state();
    let op = "syncMultipleLeads";
    for code in [20023, 20024] {
        state.clear_requests();
        state.inject(op, InjectionRule::times(Injection::Fault(code), 1));
        let before = state.lead_count();
        let r = c
            .sync_multiple_leads(&batch(&format!("limit{code}"), 3))
            .await
            .expect("retried after the rejection")
            .result;
        let statuses: Vec<LeadSyncStatus> = r
            .sync_status_list
            .sync_status
            .iter()
            .map(|s| s.status.clone())
            .collect();
        assert_eq!(statuses, vec![LeadSyncStatus::Created; 3], "{code}");
        assert_eq!(
            outcomes(&emu, op),
            [Outcome::Fault(code), Outcome::Success],
            "{code}"
        );
        assert_eq!(state.lead_count(), before + 3, "{code}: executed once");
    }
}

/// A rule under a name that is no operation of the WSDL would never fire, so it is refused: by
/// the builder at start, by the state handle at once. The message suggests the right case.
#[tokio::test]
async fn injection_rules_for_unknown_operations_are_refused() {
    use mktows_emulator::{Emulator, StartError};

    let err = Emulator::builder()
        .port(0)
        .inject("getlead", InjectionRule::always(Injection::DropConnection))
        .start()
        .await
        .expect_err("unknown operation refused");
    match &err {
        StartError::UnknownOperation(e) => {
            assert_eq!(e.name(), "getlead");
            assert_eq!(e.suggestion(), Some("getLead"));
        }
        other => panic!("unexpected error {other}"),
    }
    assert!(err.to_string().contains("did you mean `getLead`?"), "{err}");

    let emu = start().await;
    let state = emu.state().clone();
    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
        state.inject("nope", InjectionRule::always(Injection::Http503));
    }));
    assert!(panicked.is_err(), "EmulatorHandle::inject(\"nope\") panics");
    emu.state()
        .inject(ANY_OPERATION, InjectionRule::times(Injection::Http503, 1));
}
