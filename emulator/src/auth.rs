//! Checking the `AuthenticationHeader`: the HMAC signature, then the timestamp's instant.

use std::time::SystemTime;

use mktows::server::RequestHeaders;
use mktows_runtime::DateTime;
use mktows_runtime::sign::Signer;

use crate::clock::unix_seconds;
use crate::faults::{ServiceError, codes};

/// Verifies the signature over the exact `requestTimestamp` text received, then derives the
/// instant and checks it against the window.
///
/// The order matters (field case C02): a timestamp is signed as text, so `…+05:30` and the same
/// instant written `…Z` carry different signatures and are both valid; only after the signature
/// holds is the text parsed. A timestamp whose instant cannot be determined (a zone name such as
/// `IST`, or no offset at all) fails authentication (20014); a determinable instant outside the
/// window is expired (20016).
pub(crate) fn authenticate(
    signer: &Signer,
    headers: &RequestHeaders,
    now: SystemTime,
    window: std::time::Duration,
    lenient: bool,
) -> Result<(), ServiceError> {
    let Some(auth) = &headers.authentication else {
        return Err(ServiceError::new(
            codes::INVALID_REQUEST,
            "the AuthenticationHeader SOAP header is missing (it carries mktowsUserId, requestSignature and requestTimestamp)",
        ));
    };
    let expected = signer.sign(&auth.request_timestamp);
    let received = auth.request_signature.trim().to_ascii_lowercase();
    // Both comparisons always run (no short circuit), and each takes time independent of where
    // the inputs differ.
    let user_ok = constant_time_eq(auth.mktows_user_id.as_bytes(), signer.user_id().as_bytes());
    let signature_ok = constant_time_eq(received.as_bytes(), expected.as_bytes());
    if !(user_ok & signature_ok) {
        return Err(ServiceError::bare(codes::AUTH_FAILED));
    }
    let instant = parse_instant(&auth.request_timestamp, lenient).ok_or_else(|| {
        ServiceError::new(
            codes::AUTH_FAILED,
            "requestTimestamp has no determinable instant (expected YYYY-MM-DDThh:mm:ss with an offset such as -08:00 or Z)",
        )
    })?;
    let skew = unix_seconds(now).abs_diff(instant);
    if skew > window.as_secs() {
        return Err(ServiceError::new(
            codes::EXPIRED,
            format!(
                "requestTimestamp is {skew} seconds away from the service's clock (at most {} allowed); sign again with the current time",
                window.as_secs()
            ),
        ));
    }
    Ok(())
}

/// Seconds since the epoch denoted by a timestamp, if it has a zone.
fn parse_instant(text: &str, lenient: bool) -> Option<i64> {
    let text = text.trim_matches([' ', '\t', '\r', '\n']);
    if let Ok(dt) = text.parse::<DateTime>() {
        return dt.to_unix_seconds();
    }
    if lenient {
        return legacy_form(text)?
            .parse::<DateTime>()
            .ok()?
            .to_unix_seconds();
    }
    None
}

/// Rewrites Ruby's `Time#to_s` form `2013-06-09 14:04:54 +0530` as `2013-06-09T14:04:54+05:30`.
fn legacy_form(text: &str) -> Option<String> {
    let (date, rest) = text.split_once(' ')?;
    let (time, offset) = rest.split_once(' ')?;
    let b = offset.as_bytes();
    if b.len() != 5 || !matches!(b[0], b'+' | b'-') || !b[1..].iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(format!("{date}T{time}{}:{}", &offset[..3], &offset[3..]))
}

/// Compares two byte strings in time that depends only on their lengths.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let n = a.len().max(b.len());
    let mut diff = u8::from(a.len() != b.len());
    for i in 0..n {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        diff |= x ^ y;
    }
    std::hint::black_box(diff) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_time_eq_works() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
        assert!(!constant_time_eq(b"", b"\0"));
    }

    #[test]
    fn instants() {
        let a = parse_instant("2013-06-09T14:04:54+05:30", false);
        assert_eq!(a, parse_instant("2013-06-09T08:34:54Z", false));
        assert_eq!(a, Some(1_370_766_894));
        assert_eq!(parse_instant("2013-06-09T14:04:54IST", false), None);
        assert_eq!(parse_instant("2013-06-09T14:04:54", false), None);
        assert_eq!(parse_instant("2013-06-09 14:04:54 +0530", false), None);
        assert_eq!(parse_instant("2013-06-09 14:04:54 +0530", true), a);
    }
}
