//! The emulator's request handling: arbitrary request bodies, most of them re-signed so that
//! they get past authentication into the operations themselves.
//!
//! The emulator has no public socketless entry point yet, so this talks to a running emulator
//! on 127.0.0.1 through the runtime's `HttpTransport` (keep-alive, one connection). Everything
//! runs in this process, so a panic in the emulator aborts the fuzzer like any other.
//!
//! Input: byte 0 picks the mode and the SOAPAction, the rest is the body.
//! * mode "re-signed" (3 in 4): a body that the generated dispatcher decodes gets a valid
//!   `AuthenticationHeader` (current time, the emulator's credentials) and is re-encoded;
//! * mode "raw": the body goes out as it is, with the chosen SOAPAction or none.
//!
//! Oracle: every answer is a SOAP envelope the client side understands: HTTP 200 with the
//! operation's `success*` element, or HTTP 500 with a SOAP fault carrying an integer code.

#![no_main]

use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use libfuzzer_sys::fuzz_target;
use mktows::AuthenticationHeaderInfo;
use mktows::operations;
use mktows::server::decode_request;
use mktows_emulator::{Emulator, RunningEmulator};
use mktows_runtime::client::Operation;
use mktows_runtime::sign::{Signer, UtcOffset, format_timestamp};
use mktows_runtime::soap::read_response;
use mktows_runtime::transport::{HttpOptions, HttpRequest, HttpTransport, Transport};
use mktows_runtime::xml::ReadLimits;

/// Requests per emulator instance: a fresh one bounds the state that syncs accumulate.
const EXECS_PER_INSTANCE: u32 = 2_000;

struct World {
    rt: tokio::runtime::Runtime,
    emulator: Option<RunningEmulator>,
    endpoint: Arc<str>,
    signer: Signer,
    user_id: String,
    transport: HttpTransport,
    execs: u32,
}

impl World {
    fn new() -> World {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("tokio runtime");
        let emulator = rt
            .block_on(Emulator::builder().limits_off().start())
            .expect("emulator starts");
        let signer = Signer::new(emulator.user_id(), emulator.encryption_key().as_bytes())
            .expect("emulator credentials sign");
        World {
            endpoint: Arc::from(emulator.url()),
            user_id: emulator.user_id().to_owned(),
            signer,
            emulator: Some(emulator),
            transport: HttpTransport::new(&HttpOptions::default()).expect("transport"),
            rt,
            execs: 0,
        }
    }

    fn recycle(&mut self) {
        self.execs += 1;
        if self.execs < EXECS_PER_INSTANCE {
            return;
        }
        if let Some(old) = self.emulator.take() {
            self.rt.block_on(old.shutdown());
        }
        *self = World::new();
    }
}

static WORLD: Mutex<Option<World>> = Mutex::new(None);

/// Decodes `body` as the answer to `op`; panics if the client side could not make sense of
/// it.
macro_rules! check_answer {
    ($op:expr, $status:expr, $body:expr; $($konst:ident => $ty:ty),* $(,)?) => {{
        let op: &Operation = $op;
        let limits = ReadLimits::default();
        $(
            if std::ptr::eq(op, &operations::$konst) {
                match read_response::<$ty>($body, op.response, limits) {
                    Ok(Ok(_)) => assert_eq!($status, 200, "success with HTTP {}", $status),
                    Ok(Err(fault)) => {
                        assert_eq!($status, 500, "fault with HTTP {}: {fault}", $status);
                        let code = fault.detail.as_ref().map(|d| d.code.trim());
                        assert!(
                            code.is_some_and(|c| c.parse::<u32>().is_ok()),
                            "fault without an integer code: {fault}"
                        );
                    }
                    Err(e) => panic!(
                        "undecodable answer (HTTP {}) to {}: {e}\n{}",
                        $status,
                        op.name,
                        String::from_utf8_lossy($body)
                    ),
                }
            }
        )*
    }};
}

fn check(op: &'static Operation, status: u16, body: &[u8]) {
    check_answer!(op, status, body;
        GET_LEAD => mktows::SuccessGetLead,
        GET_MULTIPLE_LEADS => mktows::SuccessGetMultipleLeads,
        SYNC_LEAD => mktows::SuccessSyncLead,
        SYNC_MULTIPLE_LEADS => mktows::SuccessSyncMultipleLeads,
        MERGE_LEADS => mktows::SuccessMergeLeads,
        GET_LEAD_ACTIVITY => mktows::SuccessGetLeadActivity,
        GET_LEAD_CHANGES => mktows::SuccessGetLeadChanges,
        LIST_OPERATION => mktows::SuccessListOperation,
        IMPORT_TO_LIST => mktows::SuccessImportToList,
        GET_IMPORT_TO_LIST_STATUS => mktows::SuccessGetImportToListStatus,
        REQUEST_CAMPAIGN => mktows::SuccessRequestCampaign,
        SCHEDULE_CAMPAIGN => mktows::SuccessScheduleCampaign,
        GET_CAMPAIGNS_FOR_SOURCE => mktows::SuccessGetCampaignsForSource,
        LIST_M_OBJECTS => mktows::SuccessListMObjects,
        DESCRIBE_M_OBJECT => mktows::SuccessDescribeMObject,
        GET_M_OBJECTS => mktows::SuccessGetMObjects,
        SYNC_M_OBJECTS => mktows::SuccessSyncMObjects,
        DELETE_M_OBJECTS => mktows::SuccessDeleteMObjects,
        GET_CUSTOM_OBJECTS => mktows::SuccessGetCustomObjects,
        SYNC_CUSTOM_OBJECTS => mktows::SuccessSyncCustomObjects,
        DELETE_CUSTOM_OBJECTS => mktows::SuccessDeleteCustomObjects,
        GET_CHANNELS => mktows::SuccessGetChannels,
        GET_TAGS => mktows::SuccessGetTags,
    );
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let mut guard = WORLD.lock().unwrap_or_else(|e| e.into_inner());
    let world = guard.get_or_insert_with(World::new);
    world.recycle();

    let chosen: &'static Operation =
        operations::ALL[usize::from(selector >> 2) % operations::ALL.len()];
    let (op, body, soap_action): (&'static Operation, Vec<u8>, &'static str) = if selector & 3 != 0
    {
        let Ok(mut decoded) = decode_request(None, body, ReadLimits::default()) else {
            return;
        };
        let timestamp = format_timestamp(SystemTime::now(), UtcOffset::UTC);
        let signature = world.signer.sign(&timestamp);
        decoded.headers.authentication = Some(AuthenticationHeaderInfo::new(
            world.user_id.clone(),
            signature,
            timestamp,
        ));
        let op = decoded.request.operation();
        let Ok(bytes) = decoded.request.to_envelope(&decoded.headers) else {
            panic!("a decoded request does not re-encode");
        };
        (op, bytes, op.soap_action)
    } else {
        // Raw: any SOAPAction; the answer is checked against the operation the body names.
        let op = match decode_request(None, body, ReadLimits::default()) {
            Ok(d) => d.request.operation(),
            Err(_) => chosen,
        };
        (op, body.to_vec(), chosen.soap_action)
    };
    let request = HttpRequest {
        endpoint: Arc::clone(&world.endpoint),
        operation: op.name,
        soap_action,
        body,
    };
    let response = world
        .rt
        .block_on(world.transport.send(request))
        .unwrap_or_else(|e| panic!("the emulator did not answer: {e}"));
    if verbose() {
        eprintln!(
            "{} -> HTTP {}: {}",
            op.name,
            response.status,
            String::from_utf8_lossy(&response.body[..response.body.len().min(300)])
        );
    }
    check(op, response.status, &response.body);
});

/// `FUZZ_VERBOSE=1` prints every answer (to check that the seeds get past authentication).
fn verbose() -> bool {
    static VERBOSE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *VERBOSE.get_or_init(|| std::env::var_os("FUZZ_VERBOSE").is_some())
}
