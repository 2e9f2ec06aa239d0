//! The call-overhead setup: `scheduleCampaign` through `mktows::Client` over an in-memory
//! transport, and the same work done by direct calls as its baseline.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use mktows::{ArrayOfAttrib, Attrib, ParamsScheduleCampaign, SuccessScheduleCampaign};
use mktows_runtime::client::Operation;
use mktows_runtime::limit::Limits;
use mktows_runtime::sign::{Signer, UtcOffset, format_timestamp};
use mktows_runtime::transport::{HttpResponse, Transport, transport_fn};
use mktows_runtime::xml::{ElementName, ReadLimits, Writer};
use mktows_runtime::{Client as RuntimeClient, RetryPolicy, SignedHeader};

/// The canned success response (what Marketo returns for scheduleCampaign).
pub const SCHEDULE_CAMPAIGN_RESPONSE: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8"?>"#,
    "\n",
    r#"<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns1="http://www.marketo.com/mktows/">"#,
    "<SOAP-ENV:Body><ns1:successScheduleCampaign><result><success>true</success></result>",
    "</ns1:successScheduleCampaign></SOAP-ENV:Body></SOAP-ENV:Envelope>\n"
);

/// User id of the benchmark client (not a real one).
pub const USER_ID: &str = "bench_user_0001";
/// Encryption key of the benchmark client (not a real one).
pub const ENCRYPTION_KEY: &str = "bench-encryption-key-0001";

const REQUEST_ELEMENT: ElementName =
    ElementName::qualified(crate::data::MKTOWS_NS, "paramsScheduleCampaign");

/// The request: program and campaign names plus two program tokens.
pub fn schedule_params() -> ParamsScheduleCampaign {
    let mut p = ParamsScheduleCampaign::new("Example Program", "Example Campaign");
    let mut tokens = ArrayOfAttrib::new();
    tokens.attrib = vec![
        Attrib::new("{{my.Example Token}}", "Example value"),
        Attrib::new("{{my.Other Token}}", "Another value"),
    ];
    p.program_token_list = mktows_runtime::Nillable::Value(tokens);
    p
}

/// A typed client whose transport answers every request with
/// [`SCHEDULE_CAMPAIGN_RESPONSE`] (a fresh `Vec`, as a real transport would hand over),
/// with no retries and a limiter that never makes a call wait (the default allows 100 calls
/// per 20 s, which a benchmark would hit at once).
pub fn bench_client() -> mktows::Client<impl Transport> {
    let transport = transport_fn(|_req| async move {
        Ok(HttpResponse::xml(
            200,
            SCHEDULE_CAMPAIGN_RESPONSE.as_bytes().to_vec(),
        ))
    });
    let runtime: RuntimeClient<_> = RuntimeClient::builder()
        .endpoint("https://bench.example.invalid/soap/mktows/2_3")
        .user_id(USER_ID)
        .encryption_key(ENCRYPTION_KEY)
        .retry_policy(RetryPolicy::never())
        .limits(Limits {
            max_in_flight: 64,
            max_calls_per_window: 1024,
            window: Duration::from_nanos(1),
        })
        .build_with_transport(transport)
        .expect("valid configuration");
    mktows::Client::new(runtime)
}

/// The baseline: the same signing, encoding and decoding as one client call, by direct calls
/// (no client, no async runtime, no limiter, no tracing spans, no transport).
pub struct Direct {
    signer: Signer,
    op: &'static Operation,
    response: Arc<[u8]>,
}

impl Default for Direct {
    fn default() -> Self {
        Self::new()
    }
}

impl Direct {
    /// The same user id, key and canned response as [`bench_client`].
    pub fn new() -> Direct {
        Direct {
            signer: Signer::new(USER_ID, ENCRYPTION_KEY.as_bytes()).expect("signer"),
            op: &mktows::operations::SCHEDULE_CAMPAIGN,
            response: Arc::from(SCHEDULE_CAMPAIGN_RESPONSE.as_bytes()),
        }
    }

    /// Timestamp, signature, auth header, body, envelope; then decodes the canned response.
    /// Returns the decoded value and the request envelope's length.
    pub fn call(&self, params: &ParamsScheduleCampaign) -> (SuccessScheduleCampaign, usize) {
        let timestamp = format_timestamp(SystemTime::now(), UtcOffset::UTC);
        let signature = self.signer.sign(&timestamp);
        let mut headers = Writer::with_declared(self.op.namespaces);
        if let Some(auth) = self.op.auth {
            auth(
                &mut headers,
                &SignedHeader {
                    user_id: self.signer.user_id(),
                    timestamp: &timestamp,
                    signature: &signature,
                },
            )
            .expect("auth header");
        }
        let mut body = Writer::with_declared(self.op.namespaces);
        body.required(REQUEST_ELEMENT, params).expect("body");
        let envelope = mktows_runtime::soap::write_envelope(
            self.op.namespaces,
            headers.as_bytes(),
            body.as_bytes(),
        );
        let response = self.response.to_vec();
        let value = mktows_runtime::soap::read_response::<SuccessScheduleCampaign>(
            &response,
            self.op.response,
            ReadLimits::default(),
        )
        .expect("decodes")
        .expect("no fault");
        (value, envelope.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_and_direct_calls_succeed() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let client = bench_client();
        let p = schedule_params();
        for _ in 0..3 {
            let r = rt.block_on(client.schedule_campaign(&p)).expect("call");
            assert!(r.result.success);
        }
        let (v, len) = Direct::new().call(&p);
        assert!(v.result.success);
        assert!(len > 300, "{len}");
    }
}
