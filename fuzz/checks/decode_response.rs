//! The oracle of the `decode_response` fuzz target, shared with the regression test that
//! replays `fuzz/regressions/decode_response/` in the normal test suite
//! (`tests/tests/fuzz_regressions.rs`).
//!
//! Arbitrary bytes as a response envelope for every operation's `Success*` type, and as a
//! request envelope through the generated server dispatcher. Besides "never panics, never
//! hangs", whatever decodes must re-encode without an error and decode back to the same value
//! (responses, requests and faults alike).

use mktows::operations;
use mktows::server::{Response, decode_request};
use mktows_runtime::soap::{read_response, write_fault};
use mktows_runtime::xml::ReadLimits;

/// Small enough that deep inputs hit the limit quickly, big enough for every real message.
const LIMITS: ReadLimits = ReadLimits { max_depth: 64 };

/// Decodes `data` as the response of `$op`; on success, re-encodes it and checks that it
/// decodes to the same value. A fault must survive the same round trip.
macro_rules! responses {
    ($data:expr; $($variant:ident => $ty:ty, $op:ident;)*) => {
        $(
            match read_response::<$ty>($data, operations::$op.response, LIMITS) {
                Ok(Ok(value)) => {
                    let again = Response::$variant(value.clone())
                        .to_envelope()
                        .expect("a decoded response re-encodes");
                    let back = read_response::<$ty>(&again, operations::$op.response, LIMITS)
                        .expect("a re-encoded response decodes")
                        .expect("a re-encoded response is not a fault");
                    assert_eq!(value, back, "response round trip changed the value");
                }
                Ok(Err(fault)) => {
                    let again = write_fault(&fault);
                    let back = read_response::<$ty>(&again, operations::$op.response, LIMITS)
                        .expect("a re-encoded fault decodes")
                        .expect_err("a re-encoded fault is a fault");
                    assert_eq!(fault, back, "fault round trip changed the value");
                }
                Err(_) => {}
            }
        )*
    };
}

/// Runs every check on `data`; panics on a finding.
pub fn check(data: &[u8]) {
    responses! { data;
        GetLead => mktows::SuccessGetLead, GET_LEAD;
        GetMultipleLeads => mktows::SuccessGetMultipleLeads, GET_MULTIPLE_LEADS;
        SyncLead => mktows::SuccessSyncLead, SYNC_LEAD;
        SyncMultipleLeads => mktows::SuccessSyncMultipleLeads, SYNC_MULTIPLE_LEADS;
        MergeLeads => mktows::SuccessMergeLeads, MERGE_LEADS;
        GetLeadActivity => mktows::SuccessGetLeadActivity, GET_LEAD_ACTIVITY;
        GetLeadChanges => mktows::SuccessGetLeadChanges, GET_LEAD_CHANGES;
        ListOperation => mktows::SuccessListOperation, LIST_OPERATION;
        ImportToList => mktows::SuccessImportToList, IMPORT_TO_LIST;
        GetImportToListStatus => mktows::SuccessGetImportToListStatus, GET_IMPORT_TO_LIST_STATUS;
        RequestCampaign => mktows::SuccessRequestCampaign, REQUEST_CAMPAIGN;
        ScheduleCampaign => mktows::SuccessScheduleCampaign, SCHEDULE_CAMPAIGN;
        GetCampaignsForSource => mktows::SuccessGetCampaignsForSource, GET_CAMPAIGNS_FOR_SOURCE;
        ListMObjects => mktows::SuccessListMObjects, LIST_M_OBJECTS;
        DescribeMObject => mktows::SuccessDescribeMObject, DESCRIBE_M_OBJECT;
        GetMObjects => mktows::SuccessGetMObjects, GET_M_OBJECTS;
        SyncMObjects => mktows::SuccessSyncMObjects, SYNC_M_OBJECTS;
        DeleteMObjects => mktows::SuccessDeleteMObjects, DELETE_M_OBJECTS;
        GetCustomObjects => mktows::SuccessGetCustomObjects, GET_CUSTOM_OBJECTS;
        SyncCustomObjects => mktows::SuccessSyncCustomObjects, SYNC_CUSTOM_OBJECTS;
        DeleteCustomObjects => mktows::SuccessDeleteCustomObjects, DELETE_CUSTOM_OBJECTS;
        GetChannels => mktows::SuccessGetChannels, GET_CHANNELS;
        GetTags => mktows::SuccessGetTags, GET_TAGS;
    }

    // The server side: no SOAPAction, then the one the body selects.
    if let Ok(first) = decode_request(None, data, LIMITS) {
        let op = first.request.operation();
        let again = first
            .request
            .to_envelope(&first.headers)
            .expect("a decoded request re-encodes");
        let back = decode_request(Some(op.soap_action), &again, LIMITS)
            .expect("a re-encoded request decodes");
        assert_eq!(first, back, "request round trip changed the value");
        // A wrong SOAPAction must be refused, never accepted or panicked on.
        let other = if op.name == "getLead" {
            &operations::GET_TAGS
        } else {
            &operations::GET_LEAD
        };
        assert!(decode_request(Some(other.soap_action), data, LIMITS).is_err());
    }
}
