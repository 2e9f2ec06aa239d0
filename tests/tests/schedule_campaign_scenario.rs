//! The scheduleCampaign scenario of the vendor's documentation, sent through the generated
//! client with a fixed clock: the envelope must equal the documented request (compared
//! canonically), and the signature must equal an independently computed HMAC-SHA1.

mod common;

use mktows::{ArrayOfAttrib, Attrib, Client, ParamsScheduleCampaign};
use mktows_runtime::transport::{HttpRequest, HttpResponse, transport_fn};
use mktows_runtime::{DateTime, Nillable, sign::UtcOffset};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const USER_ID: &str = "demo17_1_809224544BFABAE58E5D27";
/// A key of our own: the documentation's key is not public.
const TEST_KEY: &str = "mktows-rs-test-key-0001";
/// `printf '%s' '2013-08-03T21:39:34-07:00demo17_1_809224544BFABAE58E5D27' |
///  openssl dgst -sha1 -hmac 'mktows-rs-test-key-0001'`
const EXPECTED_SIGNATURE: &str = "35c7689f4188fd3073548421105558bd995488e2";

/// The documented request, as the documentation lays it out, with our signature.
const DOCUMENTED_REQUEST: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns1="http://www.marketo.com/mktows/">
  <SOAP-ENV:Header>
    <ns1:AuthenticationHeader>
      <mktowsUserId>demo17_1_809224544BFABAE58E5D27</mktowsUserId>
      <requestSignature>35c7689f4188fd3073548421105558bd995488e2</requestSignature>
      <requestTimestamp>2013-08-03T21:39:34-07:00</requestTimestamp>
    </ns1:AuthenticationHeader>
  </SOAP-ENV:Header>
  <SOAP-ENV:Body>
    <ns1:paramsScheduleCampaign>
      <programName>Trav-Demo-Program</programName>
      <campaignName>Batch Campaign Example</campaignName>
      <campaignRunAt>2013-08-03T21:39:34-07:00</campaignRunAt>
      <cloneToProgramName>TestProgramCloneFromSOAP</cloneToProgramName>
      <programTokenList>
        <attrib>
          <name>{{my.message}}</name>
          <value>Updated message</value>
        </attrib>
        <attrib>
          <name>{{my.other token}}</name>
          <value>Value for other token</value>
        </attrib>
      </programTokenList>
    </ns1:paramsScheduleCampaign>
  </SOAP-ENV:Body>
</SOAP-ENV:Envelope>"#;

const SUCCESS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:m="http://www.marketo.com/mktows/">
  <SOAP-ENV:Body><m:successScheduleCampaign><result><success>true</success></result></m:successScheduleCampaign></SOAP-ENV:Body>
</SOAP-ENV:Envelope>"#;

/// HMAC-SHA1 written out from RFC 2104 and FIPS 180-1, independent of the runtime's signer.
fn hmac_sha1_hex(key: &[u8], message: &[u8]) -> String {
    fn sha1(data: &[u8]) -> [u8; 20] {
        let mut h: [u32; 5] = [0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0];
        let mut msg = data.to_vec();
        let bit_len = (data.len() as u64) * 8;
        msg.push(0x80);
        while msg.len() % 64 != 56 {
            msg.push(0);
        }
        msg.extend_from_slice(&bit_len.to_be_bytes());
        for chunk in msg.chunks(64) {
            let mut w = [0u32; 80];
            for (i, word) in chunk.chunks(4).enumerate() {
                w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
            }
            for i in 16..80 {
                w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
            }
            let [mut a, mut b, mut c, mut d, mut e] = h;
            for (i, wi) in w.iter().enumerate() {
                let (f, k) = match i {
                    0..=19 => ((b & c) | (!b & d), 0x5A827999),
                    20..=39 => (b ^ c ^ d, 0x6ED9EBA1),
                    40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1BBCDC),
                    _ => (b ^ c ^ d, 0xCA62C1D6),
                };
                let t = a
                    .rotate_left(5)
                    .wrapping_add(f)
                    .wrapping_add(e)
                    .wrapping_add(k)
                    .wrapping_add(*wi);
                e = d;
                d = c;
                c = b.rotate_left(30);
                b = a;
                a = t;
            }
            for (hv, v) in h.iter_mut().zip([a, b, c, d, e]) {
                *hv = hv.wrapping_add(v);
            }
        }
        let mut out = [0u8; 20];
        for (i, v) in h.iter().enumerate() {
            out[i * 4..i * 4 + 4].copy_from_slice(&v.to_be_bytes());
        }
        out
    }
    let mut k = [0u8; 64];
    k[..key.len()].copy_from_slice(key);
    let inner: Vec<u8> = k
        .iter()
        .map(|b| b ^ 0x36)
        .chain(message.iter().copied())
        .collect();
    let outer: Vec<u8> = k
        .iter()
        .map(|b| b ^ 0x5c)
        .chain(sha1(&inner).iter().copied())
        .collect();
    sha1(&outer).iter().map(|b| format!("{b:02x}")).collect()
}

fn scenario_params() -> ParamsScheduleCampaign {
    let mut params = ParamsScheduleCampaign::new("Trav-Demo-Program", "Batch Campaign Example");
    params.campaign_run_at = Nillable::Value(
        "2013-08-03T21:39:34-07:00"
            .parse::<DateTime>()
            .expect("valid dateTime"),
    );
    params.clone_to_program_name = Some("TestProgramCloneFromSOAP".to_owned());
    let mut tokens = ArrayOfAttrib::new();
    tokens.attrib = vec![
        Attrib::new("{{my.message}}", "Updated message"),
        Attrib::new("{{my.other token}}", "Value for other token"),
    ];
    params.program_token_list = Nillable::Value(tokens);
    params
}

#[tokio::test]
async fn documented_schedule_campaign_envelope() {
    assert_eq!(
        hmac_sha1_hex(
            TEST_KEY.as_bytes(),
            format!("2013-08-03T21:39:34-07:00{USER_ID}").as_bytes()
        ),
        EXPECTED_SIGNATURE,
        "the independent HMAC agrees with openssl"
    );

    let sent: Arc<Mutex<Vec<HttpRequest>>> = Arc::default();
    let log = Arc::clone(&sent);
    let transport = transport_fn(move |request: HttpRequest| {
        let log = Arc::clone(&log);
        async move {
            log.lock().expect("lock").push(request);
            Ok(HttpResponse::xml(200, SUCCESS))
        }
    });
    // 2013-08-04T04:39:34Z, written in the documentation's -07:00 offset.
    let instant = UNIX_EPOCH + Duration::from_secs(1_375_591_174);
    let runtime = mktows_runtime::Client::builder()
        .endpoint("http://127.0.0.1:9/soap/mktows/2_3")
        .user_id(USER_ID)
        .encryption_key(TEST_KEY)
        .clock(move || -> SystemTime { instant })
        .utc_offset(UtcOffset::from_minutes(-7 * 60).expect("valid offset"))
        .build_with_transport(transport)
        .expect("client");
    let client = Client::new(runtime);

    let result = client
        .schedule_campaign(&scenario_params())
        .await
        .expect("success");
    assert!(result.result.success);

    let requests = sent.lock().expect("lock");
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].operation, "scheduleCampaign");
    assert_eq!(
        requests[0].soap_action,
        "http://www.marketo.com/mktows/scheduleCampaign"
    );
    let body = std::str::from_utf8(&requests[0].body).expect("UTF-8");
    common::assert_same_xml(DOCUMENTED_REQUEST, body);
}
