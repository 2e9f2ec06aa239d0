//! The mktows service error codes carried in a fault's `detail/serviceException/code`.

use std::fmt;

macro_rules! fault_codes {
    ($( $(#[$doc:meta])* $variant:ident = $code:literal, $name:literal; )*) => {
        /// A mktows error code, as documented in the vendor's error-code list.
        ///
        /// Codes not in that list are kept as [`FaultCode::Other`]; a fault whose detail carries
        /// no integer code is [`FaultCode::Unspecified`]. The code is never guessed from the
        /// `faultstring`, whose wording varies (`"20103 - Lead not found"`, `"Parameter required"`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum FaultCode {
            $( $(#[$doc])* $variant, )*
            /// A code that is not in the documented list (kept so callers can still act on it).
            Other(i64),
            /// The fault had no `detail/serviceException/code`, or it was not an integer.
            Unspecified,
        }

        impl FaultCode {
            /// The code for an integer read from `serviceException/code`.
            pub fn from_code(code: i64) -> FaultCode {
                match code {
                    $( $code => FaultCode::$variant, )*
                    other => FaultCode::Other(other),
                }
            }

            /// The integer code; `None` for [`FaultCode::Unspecified`].
            pub fn code(self) -> Option<i64> {
                match self {
                    $( FaultCode::$variant => Some($code), )*
                    FaultCode::Other(c) => Some(c),
                    FaultCode::Unspecified => None,
                }
            }

            /// The documented short name (e.g. `"Lead Not Found"`); `None` for undocumented codes.
            pub fn short_name(self) -> Option<&'static str> {
                match self {
                    $( FaultCode::$variant => Some($name), )*
                    FaultCode::Other(_) | FaultCode::Unspecified => None,
                }
            }
        }
    };
}

fault_codes! {
    /// 10001: a severe failure inside the service.
    InternalError = 10001, "Internal Error";
    /// 20011: the API layer itself failed.
    ApiInternalError = 20011, "Internal Error";
    /// 20012: the SOAP message was not what the service expected.
    RequestNotUnderstood = 20012, "Request Not Understood";
    /// 20013: this client has been blocked from the API.
    AccessDenied = 20013, "Access Denied";
    /// 20014: credentials or signature invalid.
    AuthenticationFailed = 20014, "Authentication failed";
    /// 20015: the daily call quota is used up.
    RequestLimitExceeded = 20015, "Request Limit Exceeded";
    /// 20016: the timestamp/signature is too old; re-sign with a fresh timestamp.
    RequestExpired = 20016, "Request Expired";
    /// 20017: an expected parameter is missing from the request.
    InvalidRequest = 20017, "Invalid Request";
    /// 20019: the operation is not in the WSDL.
    UnsupportedOperation = 20019, "Unsupported Operation";
    /// 20022: more than 30 days between `oldestUpdatedAt` and `latestUpdatedAt`.
    TimeRangeExceeded = 20022, "Time range specified in query filter exceeded limit";
    /// 20023: more than 100 calls in the last 20 seconds.
    RateLimitExceeded = 20023, "Rate Limit Exceeded";
    /// 20024: more than 10 calls running at once.
    ConcurrencyLimitExceeded = 20024, "Concurrency Limit Exceeded";
    /// 20101: a LeadKey was needed but not supplied.
    LeadKeyRequired = 20101, "Lead Key Required";
    /// 20102: the LeadKey's type is not valid.
    LeadKeyBad = 20102, "Lead Key Bad";
    /// 20103: no lead has the given key value.
    LeadNotFound = 20103, "Lead Not Found";
    /// 20104: a LeadRecord was needed but not supplied.
    LeadDetailRequired = 20104, "Lead Detail Required";
    /// 20105: the LeadRecord names an attribute that does not exist.
    LeadAttributeBad = 20105, "Lead Attribute Bad";
    /// 20106: the lead could not be created or updated.
    LeadSyncFailed = 20106, "Lead Sync Failed";
    /// 20107: the activity filter contains an unknown activity type.
    ActivityKeyBad = 20107, "Activity Key Bad";
    /// 20108: the LeadKey refers to a lead owner that does not exist.
    LeadOwnerNotFound = 20108, "Lead Owner Not Found";
    /// 20109: a parameter was missing or null.
    ParameterRequired = 20109, "Parameter Required";
    /// 20110: a parameter has an unacceptable value.
    BadParameter = 20110, "Bad Parameter";
    /// 20111: the list named by the ListKey does not exist.
    ListNotFound = 20111, "List Not Found";
    /// 20113: the campaign does not exist.
    CampaignNotFound = 20113, "Campaign Not Found";
    /// 20114: a parameter has an unacceptable value (documented separately from 20110 with
    /// the same name; the docs do not say how they differ).
    BadParameter20114 = 20114, "Bad Parameter";
    /// 20122: the stream position cannot be used.
    BadStreamPosition = 20122, "Bad Stream Position";
    /// 20123: the stream position is past the last record.
    StreamAtEnd = 20123, "Stream at End";
}

impl FaultCode {
    /// Reads the raw text of `serviceException/code` (surrounding whitespace allowed).
    pub fn parse_detail(raw: &str) -> FaultCode {
        raw.trim()
            .parse::<i64>()
            .map_or(FaultCode::Unspecified, FaultCode::from_code)
    }
}

impl fmt::Display for FaultCode {
    /// `20103 Lead Not Found`, `99999`, or `no code`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.code(), self.short_name()) {
            (Some(c), Some(n)) => write!(f, "{c} {n}"),
            (Some(c), None) => write!(f, "{c}"),
            _ => f.write_str("no code"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for c in [
            10001, 20011, 20014, 20016, 20023, 20024, 20101, 20103, 20114, 20123,
        ] {
            let fc = FaultCode::from_code(c);
            assert!(!matches!(fc, FaultCode::Other(_)), "{c}");
            assert_eq!(fc.code(), Some(c));
        }
        assert_eq!(FaultCode::from_code(20103), FaultCode::LeadNotFound);
        assert_eq!(FaultCode::from_code(20018), FaultCode::Other(20018));
        assert_eq!(FaultCode::from_code(1003).code(), Some(1003));
        assert_eq!(
            FaultCode::parse_detail(" 20016\n"),
            FaultCode::RequestExpired
        );
        assert_eq!(FaultCode::parse_detail("x20016"), FaultCode::Unspecified);
        assert_eq!(FaultCode::parse_detail(""), FaultCode::Unspecified);
        assert_eq!(FaultCode::LeadNotFound.to_string(), "20103 Lead Not Found");
        assert_eq!(FaultCode::Other(42).to_string(), "42");
        assert_eq!(FaultCode::Unspecified.to_string(), "no code");
    }
}
