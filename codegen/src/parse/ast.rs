//! What the reader takes out of a WSDL: plain data, positions kept for later errors.
//!
//! Nothing here is resolved yet: type and message references are still QNames.

use crate::error::Pos;

/// A qualified name: namespace URI (None = no namespace) and local part.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct QName {
    /// Namespace URI; `None` for names in no namespace.
    pub ns: Option<String>,
    /// Local part.
    pub local: String,
}

impl QName {
    /// A name in namespace `ns`.
    pub fn new(ns: Option<&str>, local: &str) -> Self {
        QName {
            ns: ns.map(str::to_owned),
            local: local.to_owned(),
        }
    }
}

impl std::fmt::Display for QName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.ns {
            Some(ns) => write!(f, "{{{ns}}}{}", self.local),
            None => f.write_str(&self.local),
        }
    }
}

/// The whole WSDL 1.1 document.
#[derive(Debug, Clone, Default)]
pub struct Wsdl {
    /// `definitions/@targetNamespace`.
    pub target_namespace: Option<String>,
    /// `definitions/@name`.
    pub name: Option<String>,
    /// `definitions/wsdl:documentation`.
    pub doc: Option<String>,
    /// Inline `types/xs:schema` elements.
    pub schemas: Vec<Schema>,
    /// `wsdl:message`s in document order.
    pub messages: Vec<Message>,
    /// `wsdl:portType`s.
    pub port_types: Vec<PortType>,
    /// `wsdl:binding`s that use the SOAP 1.1 binding.
    pub bindings: Vec<Binding>,
    /// `wsdl:service`s.
    pub services: Vec<Service>,
}

/// One inline `xs:schema`.
#[derive(Debug, Clone, Default)]
pub struct Schema {
    /// `@targetNamespace`.
    pub target_namespace: Option<String>,
    /// Global `xs:element`s.
    pub elements: Vec<ElementDecl>,
    /// Named `xs:complexType`s.
    pub complex_types: Vec<ComplexType>,
    /// Named `xs:simpleType`s.
    pub simple_types: Vec<SimpleType>,
}

/// `maxOccurs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MaxOccurs {
    /// A number.
    Bounded(u32),
    /// `unbounded`.
    Unbounded,
}

/// An `xs:element` (global, or a local one in a sequence).
#[derive(Debug, Clone)]
pub struct ElementDecl {
    /// `@name`.
    pub name: String,
    /// `@type`, resolved through the namespace declarations in scope.
    pub ty: QName,
    /// `@minOccurs` (default 1).
    pub min: u32,
    /// `@maxOccurs` (default 1).
    pub max: MaxOccurs,
    /// `@nillable`.
    pub nillable: bool,
    /// Documentation: `xs:annotation/xs:documentation`, else the comment just before it.
    pub doc: Option<String>,
    /// Where it is.
    pub pos: Pos,
}

/// A named `xs:complexType` with sequence content (plain or by extension).
#[derive(Debug, Clone)]
pub struct ComplexType {
    /// `@name`.
    pub name: String,
    /// `@abstract`.
    pub is_abstract: bool,
    /// `complexContent/extension/@base`.
    pub base: Option<QName>,
    /// Where the `extension` is (for errors about the base).
    pub base_pos: Pos,
    /// The sequence's elements (the extension's own ones when `base` is set).
    pub fields: Vec<ElementDecl>,
    /// Documentation.
    pub doc: Option<String>,
    /// Where it is.
    pub pos: Pos,
}

/// One `xs:enumeration` facet.
#[derive(Debug, Clone)]
pub struct EnumValue {
    /// `@value`, exactly.
    pub value: String,
    /// Documentation.
    pub doc: Option<String>,
    /// Where it is.
    pub pos: Pos,
}

/// A named `xs:simpleType` restricting a built-in.
#[derive(Debug, Clone)]
pub struct SimpleType {
    /// `@name`.
    pub name: String,
    /// `restriction/@base`.
    pub base: QName,
    /// Enumeration facets, in order; empty when the restriction only constrains the base.
    pub enumeration: Vec<EnumValue>,
    /// Other facets, as `name = value` lines kept for the documentation.
    pub facets: Vec<String>,
    /// Documentation.
    pub doc: Option<String>,
    /// Where it is.
    pub pos: Pos,
}

/// A `wsdl:message`.
#[derive(Debug, Clone)]
pub struct Message {
    /// `@name`.
    pub name: String,
    /// Its parts.
    pub parts: Vec<Part>,
    /// Where it is.
    pub pos: Pos,
}

/// A `wsdl:part` (document style: always `@element`).
#[derive(Debug, Clone)]
pub struct Part {
    /// `@name`.
    pub name: String,
    /// `@element`.
    pub element: QName,
    /// Where it is.
    pub pos: Pos,
}

/// A `wsdl:portType`.
#[derive(Debug, Clone)]
pub struct PortType {
    /// `@name`.
    pub name: String,
    /// Its operations.
    pub operations: Vec<PortOperation>,
    /// Documentation.
    pub doc: Option<String>,
    /// Where it is.
    pub pos: Pos,
}

/// A `portType/operation` (request-response).
#[derive(Debug, Clone)]
pub struct PortOperation {
    /// `@name`.
    pub name: String,
    /// `wsdl:documentation`.
    pub doc: Option<String>,
    /// `input/@message`.
    pub input: QName,
    /// `output/@message`.
    pub output: QName,
    /// Where it is.
    pub pos: Pos,
}

/// A SOAP 1.1 `wsdl:binding`.
#[derive(Debug, Clone)]
pub struct Binding {
    /// `@name`.
    pub name: String,
    /// `@type`: the port type it binds.
    pub port_type: QName,
    /// Its operations.
    pub operations: Vec<BindingOperation>,
    /// Where it is.
    pub pos: Pos,
}

/// A `binding/operation`.
#[derive(Debug, Clone)]
pub struct BindingOperation {
    /// `@name`.
    pub name: String,
    /// `soap:operation/@soapAction` (empty when absent).
    pub soap_action: String,
    /// The input's body and headers.
    pub input: BindingIo,
    /// The output's body and headers.
    pub output: BindingIo,
    /// Where it is.
    pub pos: Pos,
}

/// `soap:body` and `soap:header`s of one direction.
#[derive(Debug, Clone, Default)]
pub struct BindingIo {
    /// `soap:body/@parts`, when given.
    pub body_parts: Option<Vec<String>>,
    /// `soap:header`s, in order.
    pub headers: Vec<HeaderRef>,
    /// Where the `wsdl:input`/`wsdl:output` is.
    pub pos: Pos,
}

/// One `soap:header`.
#[derive(Debug, Clone)]
pub struct HeaderRef {
    /// `@message`.
    pub message: QName,
    /// `@part`.
    pub part: String,
    /// Where it is.
    pub pos: Pos,
}

/// A `wsdl:service`.
#[derive(Debug, Clone)]
pub struct Service {
    /// `@name`.
    pub name: String,
    /// Documentation.
    pub doc: Option<String>,
    /// Its ports with a SOAP address.
    pub ports: Vec<Port>,
}

/// A `service/port`.
#[derive(Debug, Clone)]
pub struct Port {
    /// `@name`.
    pub name: String,
    /// `@binding`.
    pub binding: QName,
    /// `soap:address/@location` (informational only: every instance has its own endpoint).
    pub address: Option<String>,
}
