//! Configuration from the builder and the environment, and secrets kept out of every
//! formatted output: `Debug`, `Display`, errors and logs.

mod common;

use std::collections::HashMap;
use std::ffi::OsString;
use std::time::Duration;

use common::*;
use mktows_runtime::config::{ENV_ENCRYPTION_KEY, ENV_ENDPOINT, ENV_USER_ID};
use mktows_runtime::sign::Signer;
use mktows_runtime::transport::{HttpResponse, transport_fn};
use mktows_runtime::{Client, ClientBuilder, Error, RetryPolicy};

/// Recognisable so any leak is easy to spot.
const SECRET: &str = "RECOGNISABLE-SECRET-7f3a";
const ID: &str = "demo_user_0001";

fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<OsString> {
    let map: HashMap<String, OsString> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), OsString::from(v)))
        .collect();
    move |k| map.get(k).cloned()
}

fn full_env() -> Vec<(&'static str, &'static str)> {
    vec![
        (
            ENV_ENDPOINT,
            "https://mktows.example.invalid/soap/mktows/2_3",
        ),
        (ENV_USER_ID, ID),
        (ENV_ENCRYPTION_KEY, SECRET),
    ]
}

fn config_setting(r: Result<ClientBuilder, Error>) -> (&'static str, String) {
    match r {
        Err(Error::Config { setting, reason }) => (setting, reason),
        Err(other) => panic!("expected a config error, got {other:?}"),
        Ok(b) => panic!("expected a config error, got {b:?}"),
    }
}

#[test]
fn env_names_each_missing_or_empty_variable() {
    for missing in [ENV_ENDPOINT, ENV_USER_ID, ENV_ENCRYPTION_KEY] {
        let vars: Vec<_> = full_env()
            .into_iter()
            .filter(|(k, _)| *k != missing)
            .collect();
        let (setting, reason) = config_setting(ClientBuilder::from_lookup(env(&vars)));
        assert_eq!((setting, reason.as_str()), (missing, "is not set"));
        let err = ClientBuilder::from_lookup(env(&vars)).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("invalid configuration: {missing} is not set")
        );

        let vars: Vec<_> = full_env()
            .into_iter()
            .map(|(k, v)| (k, if k == missing { "  " } else { v }))
            .collect();
        let (setting, reason) = config_setting(ClientBuilder::from_lookup(env(&vars)));
        assert_eq!((setting, reason.as_str()), (missing, "is empty"));
    }
}

#[cfg(unix)]
#[test]
fn env_rejects_non_utf8() {
    use std::os::unix::ffi::OsStringExt;
    let lookup = |k: &str| {
        if k == ENV_USER_ID {
            Some(OsString::from_vec(vec![0x66, 0xff]))
        } else {
            env(&full_env())(k)
        }
    };
    let (setting, reason) = config_setting(ClientBuilder::from_lookup(lookup));
    assert_eq!(
        (setting, reason.as_str()),
        (ENV_USER_ID, "is not valid UTF-8")
    );
}

#[test]
fn invalid_endpoints_are_rejected_without_echoing_them() {
    for (endpoint, reason) in [
        (
            "ftp://mktows.example.invalid/soap",
            "must use http or https",
        ),
        (
            "https://user:pw@mktows.example.invalid/soap",
            "must not contain credentials (user id and key are configured separately)",
        ),
    ] {
        let err = Client::builder()
            .endpoint(endpoint)
            .user_id(ID)
            .encryption_key(SECRET)
            .build()
            .unwrap_err();
        match &err {
            Error::Config { setting, reason: r } => {
                assert_eq!((*setting, r.as_str()), (ENV_ENDPOINT, reason))
            }
            other => panic!("{other:?}"),
        }
        assert!(!err.to_string().contains("pw@"), "{err}");
    }
    let err = Client::builder()
        .endpoint("mktows.example.invalid")
        .user_id(ID)
        .encryption_key(SECRET)
        .build()
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Config {
                setting: ENV_ENDPOINT,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn builder_names_missing_settings_and_bad_values() {
    let b = || {
        Client::builder()
            .endpoint("https://mktows.example.invalid/x")
            .user_id(ID)
            .encryption_key(SECRET)
    };
    let err = Client::builder()
        .user_id(ID)
        .encryption_key(SECRET)
        .build()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid configuration: MARKETO_SOAP_ENDPOINT is not set (builder: endpoint)"
    );
    let err = Client::builder()
        .endpoint("https://mktows.example.invalid/x")
        .encryption_key(SECRET)
        .build()
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Config {
                setting: ENV_USER_ID,
                ..
            }
        ),
        "{err:?}"
    );
    let err = b().encryption_key("").build().unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid configuration: MARKETO_ENCRYPTION_KEY is empty"
    );
    let err = b().timeout(Duration::ZERO).build().unwrap_err();
    assert!(
        matches!(
            err,
            Error::Config {
                setting: "timeout",
                ..
            }
        ),
        "{err:?}"
    );
    let err = b().max_response_bytes(0).build().unwrap_err();
    assert!(
        matches!(
            err,
            Error::Config {
                setting: "max_response_bytes",
                ..
            }
        ),
        "{err:?}"
    );
    let err = b()
        .limits(mktows_runtime::Limits {
            max_calls_per_window: 0,
            ..Default::default()
        })
        .build()
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Config {
                setting: "limits.max_calls_per_window",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(b().build().is_ok());
}

#[test]
fn env_configured_client_uses_the_endpoint() {
    let client = ClientBuilder::from_lookup(env(&full_env()))
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(
        client.endpoint(),
        "https://mktows.example.invalid/soap/mktows/2_3"
    );
}

/// The key, the signatures and the user id appear in no `Debug`/`Display` output, error or log
/// line, including the opt-in raw XML log (which masks user id and signature).
#[tokio::test]
async fn secrets_never_appear_in_formatted_output_or_logs() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());

    let builder = ClientBuilder::from_lookup(env(&full_env()))
        .unwrap()
        .log_raw_xml(true)
        .retry_policy(RetryPolicy {
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(1),
            ..RetryPolicy::default()
        });
    let mut formatted = vec![format!("{builder:?}")];
    let client = builder
        .build_with_transport(transport_fn(|req| async move {
            // Echo the signature and id back inside a fault, as a hostile or buggy server might.
            let body = String::from_utf8(req.body).unwrap();
            let sig = body
                .split("<requestSignature>")
                .nth(1)
                .unwrap()
                .split('<')
                .next()
                .unwrap()
                .to_owned();
            Ok(HttpResponse::xml(
                500,
                fault(20014, &format!("Authentication failed for {sig}")),
            ))
        }))
        .unwrap();
    formatted.push(format!("{client:?}"));
    let err = client
        .call::<Outcome>(&READ_OP, b"", &body())
        .await
        .unwrap_err();
    formatted.push(format!("{err:?}"));
    formatted.push(err.to_string());
    let err = ClientBuilder::from_lookup(env(&full_env()))
        .unwrap()
        .endpoint("nonsense")
        .build()
        .unwrap_err();
    formatted.push(format!("{err:?} {err}"));
    let signer = Signer::new(ID, SECRET.as_bytes()).unwrap();
    formatted.push(format!("{signer:?}"));

    let logs = capture.text();
    assert!(logs.contains("RAW request"), "{logs}");
    assert!(logs.contains("RAW response"), "{logs}");
    assert!(logs.contains("<mktowsUserId>***</mktowsUserId><requestSignature>***</requestSignature><requestTimestamp>"), "{logs}");
    assert!(
        logs.contains("SPAN mktows_call operation=getLead"),
        "{logs}"
    );
    assert!(
        logs.contains("not retrying") && logs.contains("reason=fault is not retryable"),
        "{logs}"
    );

    // The server echoed the signature into the fault message; the error masks it.
    assert!(
        formatted[2].contains("Authentication failed for ***"),
        "{}",
        formatted[2]
    );
    for text in formatted.iter().chain(std::iter::once(&logs)) {
        assert!(!text.contains(SECRET), "key leaked: {text}");
        assert!(!text.contains(ID), "user id leaked: {text}");
        assert!(!text.contains("RECOGNISABLE"), "key leaked: {text}");
    }
    // No 40-hex signature anywhere in the logs.
    let hex_run = logs
        .split(|c: char| !c.is_ascii_hexdigit())
        .any(|w| w.len() == 40);
    assert!(!hex_run, "{logs}");
}
