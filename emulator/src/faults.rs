//! The service's error codes and the SOAP faults that carry them.
//!
//! Every fault is shaped like the documented one: `faultcode` `SOAP-ENV:Client` (or `Server` for
//! the two internal-error codes), `faultstring` `"CODE - Message"`, and
//! `detail/ns1:serviceException` with `name` `mktServiceException`, `message` `"Message (CODE)"`
//! and `code`. When the emulator knows why a request failed, the reason follows the short
//! message after a colon (`"20103 - Lead not found: no lead has IDNUM 99"`), except for
//! authentication failures, which never say which part was wrong.

use mktows_runtime::soap::{SOAP_ENV, ServiceException, SoapFault};
use mktows_runtime::xml::QName;

/// A service error: a documented code and, optionally, why it arose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceError {
    /// The mktows error code (20014, 20103, ...).
    pub code: u32,
    /// Why, in a few words; empty for the bare documented message.
    pub detail: String,
}

impl ServiceError {
    /// An error with code `code` and an explanation.
    pub fn new(code: u32, detail: impl Into<String>) -> Self {
        ServiceError {
            code,
            detail: detail.into(),
        }
    }

    /// An error with code `code` and no explanation beyond the documented message.
    pub fn bare(code: u32) -> Self {
        ServiceError {
            code,
            detail: String::new(),
        }
    }

    /// The message: the code's short message, plus `": detail"` when there is one.
    pub fn message(&self) -> String {
        let short = short_message(self.code);
        if self.detail.is_empty() {
            short.to_owned()
        } else {
            format!("{short}: {}", self.detail)
        }
    }

    /// The SOAP fault for this error.
    pub fn to_fault(&self) -> SoapFault {
        let message = self.message();
        let side = if matches!(self.code, 10001 | 20011) {
            "Server"
        } else {
            "Client"
        };
        SoapFault {
            faultcode: QName::new(Some(SOAP_ENV), side),
            faultstring: format!("{} - {message}", self.code),
            detail: Some(ServiceException {
                name: "mktServiceException".to_owned(),
                message: format!("{message} ({})", self.code),
                code: self.code.to_string(),
            }),
        }
    }
}

impl std::fmt::Display for ServiceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} - {}", self.code, self.message())
    }
}

impl std::error::Error for ServiceError {}

impl From<ServiceError> for SoapFault {
    fn from(e: ServiceError) -> SoapFault {
        e.to_fault()
    }
}

/// The short message of each documented code. The two the documentation shows in full
/// (`Authentication failed`, `Lead not found`) use its exact wording; the others use the
/// names of the error-code table.
pub fn short_message(code: u32) -> &'static str {
    match code {
        10001 => "Internal Error",
        20011 => "Internal Error",
        20012 => "Request Not Understood",
        20013 => "Access Denied",
        20014 => "Authentication failed",
        20015 => "Request Limit Exceeded",
        20016 => "Request Expired",
        20017 => "Invalid Request",
        20019 => "Unsupported Operation",
        20022 => "Time range specified in query filter exceeded limit",
        20023 => "Rate Limit Exceeded",
        20024 => "Concurrency Limit Exceeded",
        20101 => "Lead Key Required",
        20102 => "Lead Key Bad",
        20103 => "Lead not found",
        20104 => "Lead Detail Required",
        20105 => "Lead Attribute Bad",
        20106 => "Lead Sync Failed",
        20107 => "Activity Key Bad",
        20108 => "Lead Owner Not Found",
        20109 => "Parameter Required",
        20110 => "Bad Parameter",
        20111 => "List Not Found",
        20113 => "Campaign Not Found",
        20114 => "Bad Parameter",
        20122 => "Bad Stream Position",
        20123 => "Stream at End",
        _ => "Error",
    }
}

/// Shorthand constructors used throughout the service.
pub(crate) mod codes {
    /// 20012 Request Not Understood.
    pub const NOT_UNDERSTOOD: u32 = 20012;
    /// 20014 Authentication failed.
    pub const AUTH_FAILED: u32 = 20014;
    /// 20015 daily quota.
    pub const QUOTA: u32 = 20015;
    /// 20016 Request Expired.
    pub const EXPIRED: u32 = 20016;
    /// 20017 Invalid Request.
    pub const INVALID_REQUEST: u32 = 20017;
    /// 20019 Unsupported Operation.
    pub const UNSUPPORTED: u32 = 20019;
    /// 20022 time range over 30 days.
    pub const TIME_RANGE: u32 = 20022;
    /// 20023 rate limit.
    pub const RATE: u32 = 20023;
    /// 20024 concurrency limit.
    pub const CONCURRENCY: u32 = 20024;
    /// 20101 Lead Key Required.
    pub const LEAD_KEY_REQUIRED: u32 = 20101;
    /// 20102 Lead Key Bad.
    pub const LEAD_KEY_BAD: u32 = 20102;
    /// 20103 Lead not found.
    pub const LEAD_NOT_FOUND: u32 = 20103;
    /// 20104 Lead Detail Required.
    pub const LEAD_DETAIL_REQUIRED: u32 = 20104;
    /// 20105 Lead Attribute Bad.
    pub const LEAD_ATTRIBUTE_BAD: u32 = 20105;
    /// 20106 Lead Sync Failed.
    pub const LEAD_SYNC_FAILED: u32 = 20106;
    /// 20107 Activity Key Bad.
    pub const ACTIVITY_KEY_BAD: u32 = 20107;
    /// 20108 Lead Owner Not Found.
    pub const LEAD_OWNER_NOT_FOUND: u32 = 20108;
    /// 20109 Parameter Required.
    pub const PARAMETER_REQUIRED: u32 = 20109;
    /// 20110 Bad Parameter.
    pub const BAD_PARAMETER: u32 = 20110;
    /// 20111 List Not Found.
    pub const LIST_NOT_FOUND: u32 = 20111;
    /// 20113 Campaign Not Found.
    pub const CAMPAIGN_NOT_FOUND: u32 = 20113;
    /// 20114 Bad Parameter (used for bad parameter combinations and the clone quota).
    pub const BAD_PARAMETER_COMBINATION: u32 = 20114;
    /// 20122 Bad Stream Position.
    pub const BAD_STREAM_POSITION: u32 = 20122;
    /// 20123 Stream at End.
    pub const STREAM_AT_END: u32 = 20123;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_shape() {
        let f = ServiceError::bare(20014).to_fault();
        assert_eq!(f.faultstring, "20014 - Authentication failed");
        assert_eq!(f.faultcode, QName::new(Some(SOAP_ENV), "Client"));
        let d = f.detail.expect("detail");
        assert_eq!(d.name, "mktServiceException");
        assert_eq!(d.message, "Authentication failed (20014)");
        assert_eq!(d.code, "20014");

        let f = ServiceError::new(20103, "no lead has IDNUM 7").to_fault();
        assert_eq!(f.faultstring, "20103 - Lead not found: no lead has IDNUM 7");
        assert_eq!(
            f.detail.expect("detail").message,
            "Lead not found: no lead has IDNUM 7 (20103)"
        );
        assert_eq!(
            ServiceError::bare(10001).to_fault().faultcode.local,
            "Server"
        );
    }
}
