//! Streaming XML codec used by generated code: a writer, a pull reader and the
//! [`Encode`]/[`Decode`]/[`SimpleType`] traits that connect them to Rust types.
//!
//! Everything streams: the [`Reader`] wraps quick-xml's `NsReader` over a byte slice and never
//! builds a tree, the [`Writer`] appends to a `Vec<u8>`.

mod codec;
mod read;
mod write;

pub use codec::{Decode, Encode, Nillable, SimpleType, from_document, to_document};
pub use read::{DecodeError, DecodeErrorKind, Location, ReadLimits, Reader, Start};
pub use write::{EncodeError, EncodeErrorKind, Writer};

pub(crate) use write::escape_into;

use std::fmt;

/// Namespace of the `xsi:` attributes (`xsi:type`, `xsi:nil`).
pub const XSI_NS: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// Namespace of the XML Schema built-in types (`xs:string`, ...), for `xsi:type` values.
pub const XS_NS: &str = "http://www.w3.org/2001/XMLSchema";

/// An expanded name read from a document: namespace URI (None = no namespace) and local part.
///
/// Used for `xsi:type` values and SOAP fault codes, whose prefixes are resolved through the
/// namespace declarations in scope (never compared as text).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct QName {
    /// Namespace URI; `None` when the name is in no namespace.
    pub namespace: Option<String>,
    /// Local part.
    pub local: String,
}

impl QName {
    /// Builds a name from its parts.
    pub fn new(namespace: Option<&str>, local: &str) -> Self {
        QName {
            namespace: namespace.map(str::to_owned),
            local: local.to_owned(),
        }
    }

    /// Whether this name is `{namespace}local`.
    pub fn is(&self, namespace: &str, local: &str) -> bool {
        self.namespace.as_deref() == Some(namespace) && self.local == local
    }
}

impl fmt::Display for QName {
    /// Clark notation: `{namespace}local`, or just `local` without a namespace.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.namespace {
            Some(ns) => write!(f, "{{{ns}}}{}", self.local),
            None => f.write_str(&self.local),
        }
    }
}

/// The name of an element to write: unqualified (every child element in the mktows schema) or
/// qualified by a namespace URI (global elements such as `paramsGetLead`).
///
/// `Copy` and built from `&'static str` so generated code can keep names in constants and the
/// writer can remember them without allocating.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ElementName {
    ns: Option<&'static str>,
    local: &'static str,
}

impl ElementName {
    /// An element in no namespace (written without prefix).
    pub const fn local(local: &'static str) -> Self {
        ElementName { ns: None, local }
    }

    /// An element in namespace `ns` (written with the prefix the envelope declares for `ns`,
    /// or with a prefix the writer declares on the element itself).
    pub const fn qualified(ns: &'static str, local: &'static str) -> Self {
        ElementName {
            ns: Some(ns),
            local,
        }
    }

    /// The local part.
    pub const fn local_name(&self) -> &'static str {
        self.local
    }

    /// The namespace URI, `None` for an unqualified element.
    pub const fn namespace(&self) -> Option<&'static str> {
        self.ns
    }
}

impl fmt::Display for ElementName {
    /// The local name only: that is what element paths in error messages show.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.local)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qname_display_and_is() {
        let q = QName::new(Some("urn:a"), "b");
        assert_eq!(q.to_string(), "{urn:a}b");
        assert!(q.is("urn:a", "b"));
        assert!(!q.is("urn:x", "b"));
        assert_eq!(QName::new(None, "c").to_string(), "c");
    }

    #[test]
    fn element_name_parts() {
        const N: ElementName = ElementName::qualified("urn:a", "paramsGetLead");
        assert_eq!(N.namespace(), Some("urn:a"));
        assert_eq!(N.local_name(), "paramsGetLead");
        assert_eq!(ElementName::local("x").namespace(), None);
        assert_eq!(N.to_string(), "paramsGetLead");
    }
}
