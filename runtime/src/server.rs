//! What generated server dispatchers need: the ways a request can fail to be understood.
//!
//! The dispatcher reports these as data; mapping them to service fault codes is the server's
//! policy (the emulator answers 20012 for an unknown or malformed body, 20019 for a SOAPAction
//! that contradicts the body).

use crate::client::Operation;
use crate::xml::DecodeError;

/// Why a request envelope could not be turned into a typed request.
#[derive(Debug, thiserror::Error)]
pub enum RequestError {
    /// Not well-formed, not a SOAP 1.1 envelope, or a body that does not match its schema type.
    #[error("malformed request: {0}")]
    Malformed(#[from] DecodeError),
    /// The body element names no operation of this service.
    #[error("the body element {} names no operation of this service", display_qname(.namespace.as_deref(), .local))]
    UnknownBody {
        /// Namespace URI of the body element, if any.
        namespace: Option<String>,
        /// Its local name.
        local: String,
    },
    /// The SOAPAction header names a different operation than the body element.
    #[error(
        "SOAPAction \"{found}\" does not match operation {operation} (expected \"{expected}\")"
    )]
    SoapActionMismatch {
        /// The operation the body element selects.
        operation: &'static str,
        /// Its SOAPAction.
        expected: &'static str,
        /// The SOAPAction received (quotes removed).
        found: String,
    },
}

fn display_qname(namespace: Option<&str>, local: &str) -> String {
    match namespace {
        Some(ns) => format!("{{{ns}}}{local}"),
        None => local.to_owned(),
    }
}

impl RequestError {
    /// An [`RequestError::UnknownBody`] from the raw names of the element.
    pub fn unknown_body(namespace: Option<&[u8]>, local: &[u8]) -> Self {
        RequestError::UnknownBody {
            namespace: namespace.map(|n| String::from_utf8_lossy(n).into_owned()),
            local: String::from_utf8_lossy(local).into_owned(),
        }
    }
}

/// Checks a received SOAPAction against the operation chosen by the body element.
///
/// SOAP 1.1 sends the value quoted; stacks differ, so quotes are optional here. An absent or
/// empty value means the client did not state an intent, which is allowed.
pub fn check_soap_action(sent: Option<&str>, operation: &Operation) -> Result<(), RequestError> {
    let Some(raw) = sent else {
        return Ok(());
    };
    let trimmed = raw.trim();
    let value = trimmed
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(trimmed);
    if value.is_empty() || value == operation.soap_action {
        Ok(())
    } else {
        Err(RequestError::SoapActionMismatch {
            operation: operation.name,
            expected: operation.soap_action,
            found: value.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static GET_LEAD: Operation = Operation {
        name: "getLead",
        soap_action: "http://www.marketo.com/mktows/getLead",
        request: ("http://www.marketo.com/mktows/", "paramsGetLead"),
        response: ("http://www.marketo.com/mktows/", "successGetLead"),
        namespaces: &[("ns1", "http://www.marketo.com/mktows/")],
        auth: None,
    };

    #[test]
    fn soap_action_quoted_unquoted_or_absent() {
        assert!(check_soap_action(None, &GET_LEAD).is_ok());
        assert!(check_soap_action(Some(""), &GET_LEAD).is_ok());
        assert!(check_soap_action(Some("\"\""), &GET_LEAD).is_ok());
        assert!(
            check_soap_action(Some("http://www.marketo.com/mktows/getLead"), &GET_LEAD).is_ok()
        );
        assert!(
            check_soap_action(
                Some(" \"http://www.marketo.com/mktows/getLead\" "),
                &GET_LEAD
            )
            .is_ok()
        );
    }

    #[test]
    fn soap_action_mismatch_names_both() {
        let err = check_soap_action(
            Some("\"http://www.marketo.com/mktows/syncLead\""),
            &GET_LEAD,
        )
        .expect_err("mismatch");
        assert_eq!(
            err.to_string(),
            "SOAPAction \"http://www.marketo.com/mktows/syncLead\" does not match operation getLead (expected \"http://www.marketo.com/mktows/getLead\")"
        );
    }

    #[test]
    fn unknown_body_display() {
        let err = RequestError::unknown_body(Some(b"http://www.marketo.com/mktows/"), b"getLead");
        assert_eq!(
            err.to_string(),
            "the body element {http://www.marketo.com/mktows/}getLead names no operation of this service"
        );
    }
}
