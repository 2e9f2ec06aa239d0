//! Reads a WSDL 1.1 file with inline XML Schema into [`ast::Wsdl`].
//!
//! The reader accepts exactly the constructs the model can represent and reports anything else
//! with its position: an unsupported construct is an error, never a skipped field.

pub mod ast;

use crate::error::{Error, Pos, Result};
use ast::*;
use roxmltree::{Document, Node};

/// XML Schema namespace.
pub const XS: &str = "http://www.w3.org/2001/XMLSchema";
/// WSDL 1.1 namespace.
pub const WSDL: &str = "http://schemas.xmlsoap.org/wsdl/";
/// Longest element, type or operation name accepted (a longer one is a hostile input, and
/// would make rustc's work explode).
pub const MAX_NAME_LEN: usize = 256;

/// WSDL SOAP 1.1 binding namespace.
pub const SOAP11: &str = "http://schemas.xmlsoap.org/wsdl/soap/";

/// Parses WSDL text. `file` is only used to name the file in errors.
pub fn parse_wsdl(file: &str, text: &str) -> Result<Wsdl> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let doc = Document::parse(text).map_err(|e| {
        let p = e.pos();
        Error::at(
            file,
            Pos {
                line: p.row,
                column: p.col,
            },
            format!("malformed XML: {e}"),
        )
    })?;
    let line_starts = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    Reader {
        file,
        doc: &doc,
        line_starts,
    }
    .definitions()
}

/// Parses WSDL bytes, rejecting anything that is not UTF-8 with the position of the first bad byte.
pub fn parse_wsdl_bytes(file: &str, bytes: &[u8]) -> Result<Wsdl> {
    match std::str::from_utf8(bytes) {
        Ok(text) => parse_wsdl(file, text),
        Err(e) => {
            let good = &bytes[..e.valid_up_to()];
            let line = good.iter().filter(|&&b| b == b'\n').count() as u32 + 1;
            let line_start = good.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            let column = String::from_utf8_lossy(&good[line_start..]).chars().count() as u32 + 1;
            Err(Error::at(
                file,
                Pos { line, column },
                "the file is not UTF-8 (only UTF-8 WSDL is supported)",
            ))
        }
    }
}

struct Reader<'a, 'input> {
    file: &'a str,
    doc: &'a Document<'input>,
    /// Byte offset of the start of each line, for positions in O(log n): roxmltree's own
    /// `text_pos_at` scans from the start of the text, which is quadratic over a large WSDL.
    line_starts: Vec<usize>,
}

impl<'a, 'input> Reader<'a, 'input> {
    fn pos(&self, node: Node<'_, '_>) -> Pos {
        let offset = node.range().start;
        let line = self.line_starts.partition_point(|&start| start <= offset);
        let line_start = self
            .line_starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(0);
        let column = self
            .doc
            .input_text()
            .get(line_start..offset)
            .map_or(0, |prefix| prefix.chars().count());
        Pos {
            line: line as u32,
            column: column as u32 + 1,
        }
    }

    /// Checks that a declared name is an XML NCName of sane length: it is written to the wire
    /// as an element name, so anything else would produce malformed XML.
    fn ncname(&self, node: Node<'_, '_>, name: &str, what: &str) -> Result<()> {
        let mut chars = name.chars();
        let valid_start = chars.next().is_some_and(|c| c == '_' || c.is_alphabetic());
        let valid_rest =
            chars.all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '\u{B7}'));
        if !(valid_start && valid_rest) {
            return Err(self.err(
                node,
                format!("{what} name `{name}` is not a valid XML name (NCName)"),
            ));
        }
        if name.len() > MAX_NAME_LEN {
            return Err(self.err(
                node,
                format!(
                    "{what} name is {} bytes long; names are limited to {MAX_NAME_LEN}",
                    name.len()
                ),
            ));
        }
        Ok(())
    }

    fn err(&self, node: Node<'_, '_>, message: impl Into<String>) -> Error {
        Error::at(self.file, self.pos(node), message)
    }

    /// `<prefix:local>` as written, for messages.
    fn tag(node: Node<'_, '_>) -> String {
        let name = node.tag_name();
        match node.lookup_prefix(name.namespace().unwrap_or("")) {
            Some(p) if !p.is_empty() => format!("<{p}:{}>", name.name()),
            _ => format!("<{}>", name.name()),
        }
    }

    fn is(node: Node<'_, '_>, ns: &str, local: &str) -> bool {
        node.is_element()
            && node.tag_name().namespace() == Some(ns)
            && node.tag_name().name() == local
    }

    fn required_attr<'n>(&self, node: Node<'n, 'input>, name: &str) -> Result<&'n str> {
        node.attribute(name).ok_or_else(|| {
            self.err(
                node,
                format!("{} needs a `{name}` attribute", Self::tag(node)),
            )
        })
    }

    /// Resolves a QName-valued attribute (`type="tns:Foo"`) through the declarations in scope.
    fn qname_attr(&self, node: Node<'_, '_>, name: &str) -> Result<QName> {
        let value = self.required_attr(node, name)?;
        self.resolve_qname(node, value)
    }

    fn resolve_qname(&self, node: Node<'_, '_>, value: &str) -> Result<QName> {
        let value = value.trim();
        let (prefix, local) = match value.split_once(':') {
            Some((p, l)) => (Some(p), l),
            None => (None, value),
        };
        if local.is_empty() || local.contains(':') {
            return Err(self.err(node, format!("`{value}` is not a valid QName")));
        }
        let ns = match prefix {
            Some(p) => Some(node.lookup_namespace_uri(Some(p)).ok_or_else(|| {
                self.err(
                    node,
                    format!("the prefix `{p}` in `{value}` is not bound to a namespace"),
                )
            })?),
            None => node.lookup_namespace_uri(None),
        };
        Ok(QName::new(ns, local))
    }

    /// Documentation of a definition: its own documentation child, else an explanatory XML
    /// comment right before it (section banners made of `*` are not documentation).
    fn doc(&self, node: Node<'_, '_>, doc_ns: &str) -> Option<String> {
        let own: Vec<String> = node
            .children()
            .filter(|c| Self::is(*c, XS, "annotation"))
            .flat_map(|a| a.children().filter(|c| Self::is(*c, XS, "documentation")))
            .chain(
                node.children()
                    .filter(|c| Self::is(*c, doc_ns, "documentation")),
            )
            .filter_map(|d| clean_doc(&text_of(d)))
            .collect();
        if !own.is_empty() {
            return Some(own.join("\n\n"));
        }
        let mut prev = node.prev_sibling();
        while let Some(p) = prev {
            if p.is_text() && p.text().is_some_and(|t| t.trim().is_empty()) {
                prev = p.prev_sibling();
                continue;
            }
            if p.is_comment() {
                let text = p.text().unwrap_or("");
                if !is_banner(text) {
                    return clean_doc(text);
                }
            }
            break;
        }
        None
    }

    fn definitions(&self) -> Result<Wsdl> {
        let root = self.doc.root_element();
        if !Self::is(root, WSDL, "definitions") {
            return Err(self.err(
                root,
                format!(
                    "expected a WSDL 1.1 <definitions> element in namespace {WSDL}, found {}",
                    Self::tag(root)
                ),
            ));
        }
        let mut wsdl = Wsdl {
            target_namespace: root.attribute("targetNamespace").map(str::to_owned),
            name: root.attribute("name").map(str::to_owned),
            doc: self.doc(root, WSDL),
            ..Wsdl::default()
        };
        for child in root.children().filter(|n| n.is_element()) {
            let name = child.tag_name();
            if name.namespace() != Some(WSDL) {
                self.extension(child)?;
                continue;
            }
            match name.name() {
                "documentation" => {}
                "types" => {
                    for schema in child.children().filter(|n| n.is_element()) {
                        if Self::is(schema, XS, "schema") {
                            wsdl.schemas.push(self.schema(schema)?);
                        } else if !Self::is(schema, WSDL, "documentation") {
                            return Err(self.err(
                                schema,
                                format!(
                                    "unsupported {} in <wsdl:types>: expected an inline <xs:schema> ({XS})",
                                    Self::tag(schema)
                                ),
                            ));
                        }
                    }
                }
                "message" => wsdl.messages.push(self.message(child)?),
                "portType" => wsdl.port_types.push(self.port_type(child)?),
                "binding" => {
                    if let Some(b) = self.binding(child)? {
                        wsdl.bindings.push(b);
                    }
                }
                "service" => wsdl.services.push(self.service(child)?),
                "import" => {
                    return Err(self.err(
                        child,
                        "<wsdl:import> is not supported: pass a single WSDL with inline schemas",
                    ));
                }
                _ => {
                    return Err(self.err(
                        child,
                        format!("unexpected {} in <wsdl:definitions>", Self::tag(child)),
                    ));
                }
            }
        }
        Ok(wsdl)
    }

    /// An extensibility element outside the WSDL namespace: fine to pass over unless it says
    /// it must be understood.
    fn extension(&self, node: Node<'_, '_>) -> Result<()> {
        if node.attribute((WSDL, "required")) == Some("true") {
            return Err(self.err(
                node,
                format!(
                    "unsupported required extension {} ({})",
                    Self::tag(node),
                    node.tag_name().namespace().unwrap_or("no namespace")
                ),
            ));
        }
        Ok(())
    }

    fn schema(&self, node: Node<'_, '_>) -> Result<Schema> {
        for attr in ["elementFormDefault", "attributeFormDefault"] {
            if node.attribute(attr) == Some("qualified") && attr == "elementFormDefault" {
                return Err(self.err(
                    node,
                    "elementFormDefault=\"qualified\" is not supported: local elements are read and written unqualified",
                ));
            }
        }
        let mut schema = Schema {
            target_namespace: node.attribute("targetNamespace").map(str::to_owned),
            ..Schema::default()
        };
        for child in node.children().filter(|n| n.is_element()) {
            if child.tag_name().namespace() != Some(XS) {
                return Err(self.err(
                    child,
                    format!("unexpected {} in <xs:schema>", Self::tag(child)),
                ));
            }
            match child.tag_name().name() {
                "annotation" => {}
                "import" => {
                    if child.attribute("schemaLocation").is_some() {
                        return Err(self.err(
                            child,
                            "<xs:import schemaLocation=…> is not supported: inline the imported schema",
                        ));
                    }
                }
                "element" => schema.elements.push(self.element(child, true)?),
                "complexType" => schema.complex_types.push(self.complex_type(child)?),
                "simpleType" => schema.simple_types.push(self.simple_type(child)?),
                other => {
                    return Err(self.err(
                        child,
                        format!(
                            "unsupported schema construct <xs:{other}>: expected xs:element, xs:complexType or xs:simpleType"
                        ),
                    ));
                }
            }
        }
        Ok(schema)
    }

    fn element(&self, node: Node<'_, '_>, global: bool) -> Result<ElementDecl> {
        for attr in [
            "ref",
            "form",
            "default",
            "fixed",
            "substitutionGroup",
            "abstract",
        ] {
            if node.attribute(attr).is_some() {
                return Err(self.err(
                    node,
                    format!("unsupported attribute `{attr}` on <xs:element>"),
                ));
            }
        }
        let name = self.required_attr(node, "name")?.to_owned();
        self.ncname(node, &name, "element")?;
        if let Some(inline) = node
            .children()
            .find(|c| c.is_element() && !Self::is(*c, XS, "annotation"))
        {
            return Err(self.err(
                inline,
                format!(
                    "unsupported anonymous type {} in element `{name}`: declare a named type and use @type",
                    Self::tag(inline)
                ),
            ));
        }
        if node.attribute("type").is_none() {
            return Err(self.err(
                node,
                format!("element `{name}` has no @type (xs:anyType content is not supported)"),
            ));
        }
        let ty = self.qname_attr(node, "type")?;
        let min = match node.attribute("minOccurs") {
            None => 1,
            Some(v) => v.trim().parse::<u32>().map_err(|_| {
                self.err(
                    node,
                    format!("minOccurs=\"{v}\" on `{name}`: expected a non-negative integer"),
                )
            })?,
        };
        let max = match node.attribute("maxOccurs").map(str::trim) {
            None => MaxOccurs::Bounded(1),
            Some("unbounded") => MaxOccurs::Unbounded,
            Some(v) => MaxOccurs::Bounded(v.parse::<u32>().map_err(|_| {
                self.err(
                    node,
                    format!(
                        "maxOccurs=\"{v}\" on `{name}`: expected a non-negative integer or `unbounded`"
                    ),
                )
            })?),
        };
        if let MaxOccurs::Bounded(m) = max
            && (m < min || m == 0)
        {
            return Err(self.err(
                node,
                format!("`{name}`: maxOccurs {m} is below minOccurs {min} or zero"),
            ));
        }
        if global
            && (node.attribute("minOccurs").is_some() || node.attribute("maxOccurs").is_some())
        {
            return Err(self.err(
                node,
                format!("global element `{name}` cannot have minOccurs/maxOccurs"),
            ));
        }
        let nillable = match node.attribute("nillable").map(str::trim) {
            None | Some("false") | Some("0") => false,
            Some("true") | Some("1") => true,
            Some(v) => {
                return Err(self.err(
                    node,
                    format!("nillable=\"{v}\" on `{name}`: expected true or false"),
                ));
            }
        };
        Ok(ElementDecl {
            name,
            ty,
            min,
            max,
            nillable,
            doc: self.doc(node, XS),
            pos: self.pos(node),
        })
    }

    fn complex_type(&self, node: Node<'_, '_>) -> Result<ComplexType> {
        let name = self.required_attr(node, "name")?.to_owned();
        self.ncname(node, &name, "complexType")?;
        if node.attribute("mixed") == Some("true") {
            return Err(self.err(
                node,
                format!("complexType `{name}`: mixed content is not supported"),
            ));
        }
        let is_abstract = matches!(node.attribute("abstract"), Some("true") | Some("1"));
        let mut ct = ComplexType {
            name,
            is_abstract,
            base: None,
            base_pos: self.pos(node),
            fields: Vec::new(),
            doc: self.doc(node, XS),
            pos: self.pos(node),
        };
        let mut seen_content = false;
        for child in node.children().filter(|n| n.is_element()) {
            if Self::is(child, XS, "annotation") {
                continue;
            }
            if seen_content {
                return Err(self.err(
                    child,
                    format!(
                        "unsupported {} in complexType `{}`: only one xs:sequence or xs:complexContent is supported",
                        Self::tag(child),
                        ct.name
                    ),
                ));
            }
            seen_content = true;
            if Self::is(child, XS, "sequence") {
                ct.fields = self.sequence(child, &ct.name)?;
            } else if Self::is(child, XS, "complexContent") {
                let ext = child
                    .children()
                    .filter(|n| n.is_element() && !Self::is(*n, XS, "annotation"))
                    .collect::<Vec<_>>();
                match ext.as_slice() {
                    [e] if Self::is(*e, XS, "extension") => {
                        ct.base = Some(self.qname_attr(*e, "base")?);
                        ct.base_pos = self.pos(*e);
                        for part in e.children().filter(|n| n.is_element()) {
                            if Self::is(part, XS, "annotation") {
                                continue;
                            }
                            if Self::is(part, XS, "sequence") && ct.fields.is_empty() {
                                ct.fields = self.sequence(part, &ct.name)?;
                            } else {
                                return Err(self.err(
                                    part,
                                    format!(
                                        "unsupported {} in the extension of `{}`: expected one xs:sequence",
                                        Self::tag(part),
                                        ct.name
                                    ),
                                ));
                            }
                        }
                    }
                    [other, ..] => {
                        return Err(self.err(
                            *other,
                            format!(
                                "unsupported {} in complexContent of `{}`: only xs:extension is supported",
                                Self::tag(*other),
                                ct.name
                            ),
                        ));
                    }
                    [] => {
                        return Err(
                            self.err(child, format!("empty complexContent in `{}`", ct.name))
                        );
                    }
                }
            } else {
                return Err(self.err(
                    child,
                    format!(
                        "unsupported {} in complexType `{}`: expected xs:sequence or xs:complexContent",
                        Self::tag(child),
                        ct.name
                    ),
                ));
            }
        }
        Ok(ct)
    }

    fn sequence(&self, node: Node<'_, '_>, owner: &str) -> Result<Vec<ElementDecl>> {
        if node.attribute("minOccurs").is_some_and(|v| v.trim() != "1")
            || node.attribute("maxOccurs").is_some_and(|v| v.trim() != "1")
        {
            return Err(self.err(
                node,
                format!("`{owner}`: a repeated or optional xs:sequence is not supported"),
            ));
        }
        let mut fields = Vec::new();
        for child in node.children().filter(|n| n.is_element()) {
            if Self::is(child, XS, "annotation") {
                continue;
            }
            if Self::is(child, XS, "element") {
                fields.push(self.element(child, false)?);
            } else {
                return Err(self.err(
                    child,
                    format!(
                        "unsupported {} in the sequence of `{owner}`: expected xs:element",
                        Self::tag(child)
                    ),
                ));
            }
        }
        Ok(fields)
    }

    fn simple_type(&self, node: Node<'_, '_>) -> Result<SimpleType> {
        let name = self.required_attr(node, "name")?.to_owned();
        self.ncname(node, &name, "simpleType")?;
        let content: Vec<_> = node
            .children()
            .filter(|n| n.is_element() && !Self::is(*n, XS, "annotation"))
            .collect();
        let restriction = match content.as_slice() {
            [r] if Self::is(*r, XS, "restriction") => *r,
            [other, ..] => {
                return Err(self.err(
                    *other,
                    format!(
                        "unsupported {} in simpleType `{name}`: only xs:restriction is supported",
                        Self::tag(*other)
                    ),
                ));
            }
            [] => {
                return Err(self.err(node, format!("simpleType `{name}` has no xs:restriction")));
            }
        };
        let base = self.qname_attr(restriction, "base")?;
        let mut enumeration = Vec::new();
        let mut facets = Vec::new();
        for facet in restriction.children().filter(|n| n.is_element()) {
            let local = facet.tag_name().name();
            if facet.tag_name().namespace() != Some(XS) {
                return Err(self.err(
                    facet,
                    format!("unexpected {} in simpleType `{name}`", Self::tag(facet)),
                ));
            }
            match local {
                "annotation" => {}
                "enumeration" => enumeration.push(EnumValue {
                    value: self.required_attr(facet, "value")?.to_owned(),
                    doc: self.doc(facet, XS),
                    pos: self.pos(facet),
                }),
                "length" | "minLength" | "maxLength" | "pattern" | "whiteSpace"
                | "minInclusive" | "maxInclusive" | "minExclusive" | "maxExclusive"
                | "totalDigits" | "fractionDigits" => {
                    facets.push(format!("{local} = {}", self.required_attr(facet, "value")?));
                }
                "simpleType" => {
                    return Err(self.err(
                        facet,
                        format!("simpleType `{name}`: an anonymous base type is not supported"),
                    ));
                }
                other => {
                    return Err(self.err(
                        facet,
                        format!("unsupported facet <xs:{other}> in simpleType `{name}`"),
                    ));
                }
            }
        }
        Ok(SimpleType {
            name,
            base,
            enumeration,
            facets,
            doc: self.doc(node, XS),
            pos: self.pos(node),
        })
    }

    fn message(&self, node: Node<'_, '_>) -> Result<Message> {
        let name = self.required_attr(node, "name")?.to_owned();
        let mut parts = Vec::new();
        for child in node.children().filter(|n| n.is_element()) {
            if Self::is(child, WSDL, "documentation") {
                continue;
            }
            if !Self::is(child, WSDL, "part") {
                return Err(self.err(
                    child,
                    format!("unexpected {} in message `{name}`", Self::tag(child)),
                ));
            }
            let part_name = self.required_attr(child, "name")?.to_owned();
            if child.attribute("type").is_some() {
                return Err(self.err(
                    child,
                    format!(
                        "part `{part_name}` of message `{name}` uses @type (rpc style); only document/literal parts with @element are supported"
                    ),
                ));
            }
            parts.push(Part {
                name: part_name,
                element: self.qname_attr(child, "element")?,
                pos: self.pos(child),
            });
        }
        Ok(Message {
            name,
            parts,
            pos: self.pos(node),
        })
    }

    fn port_type(&self, node: Node<'_, '_>) -> Result<PortType> {
        let name = self.required_attr(node, "name")?.to_owned();
        let mut operations = Vec::new();
        for op in node.children().filter(|n| n.is_element()) {
            if Self::is(op, WSDL, "documentation") {
                continue;
            }
            if !Self::is(op, WSDL, "operation") {
                return Err(self.err(
                    op,
                    format!("unexpected {} in portType `{name}`", Self::tag(op)),
                ));
            }
            let op_name = self.required_attr(op, "name")?.to_owned();
            self.ncname(op, &op_name, "operation")?;
            let (mut input, mut output) = (None, None);
            for io in op.children().filter(|n| n.is_element()) {
                match (io.tag_name().namespace(), io.tag_name().name()) {
                    (Some(WSDL), "documentation") => {}
                    (Some(WSDL), "input") if input.is_none() && output.is_none() => {
                        input = Some(self.qname_attr(io, "message")?);
                    }
                    (Some(WSDL), "output") if output.is_none() => {
                        output = Some(self.qname_attr(io, "message")?);
                    }
                    (Some(WSDL), "fault") => {
                        return Err(self.err(
                            io,
                            format!(
                                "operation `{op_name}`: <wsdl:fault> is not supported (faults are read from the SOAP Fault detail)"
                            ),
                        ));
                    }
                    _ => {
                        return Err(self.err(
                            io,
                            format!("unexpected {} in operation `{op_name}`", Self::tag(io)),
                        ));
                    }
                }
            }
            let (Some(input), Some(output)) = (input, output) else {
                return Err(self.err(
                    op,
                    format!(
                        "operation `{op_name}` must be request-response (an input, then an output)"
                    ),
                ));
            };
            operations.push(PortOperation {
                name: op_name,
                doc: self.doc(op, WSDL),
                input,
                output,
                pos: self.pos(op),
            });
        }
        Ok(PortType {
            name,
            operations,
            doc: self.doc(node, WSDL),
            pos: self.pos(node),
        })
    }

    /// A binding; `None` for non-SOAP-1.1 bindings (a SOAP 1.2 twin of the same port type is
    /// common and describes the same operations).
    fn binding(&self, node: Node<'_, '_>) -> Result<Option<Binding>> {
        let name = self.required_attr(node, "name")?.to_owned();
        let Some(soap) = node.children().find(|c| Self::is(*c, SOAP11, "binding")) else {
            return Ok(None);
        };
        let style = soap.attribute("style").unwrap_or("document");
        if style != "document" {
            return Err(self.err(
                soap,
                format!(
                    "binding `{name}`: style=\"{style}\" is not supported (document/literal only)"
                ),
            ));
        }
        if let Some(t) = soap.attribute("transport")
            && t != "http://schemas.xmlsoap.org/soap/http"
        {
            return Err(self.err(
                soap,
                format!("binding `{name}`: transport {t} is not supported (HTTP only)"),
            ));
        }
        let mut operations = Vec::new();
        for op in node.children().filter(|n| n.is_element()) {
            match (op.tag_name().namespace(), op.tag_name().name()) {
                (Some(WSDL), "operation") => operations.push(self.binding_operation(op)?),
                (Some(WSDL), "documentation") | (Some(SOAP11), "binding") => {}
                (Some(WSDL), _) => {
                    return Err(self.err(
                        op,
                        format!("unexpected {} in binding `{name}`", Self::tag(op)),
                    ));
                }
                _ => self.extension(op)?,
            }
        }
        Ok(Some(Binding {
            name,
            port_type: self.qname_attr(node, "type")?,
            operations,
            pos: self.pos(node),
        }))
    }

    fn binding_operation(&self, node: Node<'_, '_>) -> Result<BindingOperation> {
        let name = self.required_attr(node, "name")?.to_owned();
        let mut op = BindingOperation {
            name,
            soap_action: String::new(),
            input: BindingIo::default(),
            output: BindingIo::default(),
            pos: self.pos(node),
        };
        for child in node.children().filter(|n| n.is_element()) {
            match (child.tag_name().namespace(), child.tag_name().name()) {
                (Some(SOAP11), "operation") => {
                    if let Some(style) = child.attribute("style")
                        && style != "document"
                    {
                        return Err(self.err(
                            child,
                            format!(
                                "operation `{}`: style=\"{style}\" is not supported",
                                op.name
                            ),
                        ));
                    }
                    let action = child.attribute("soapAction").unwrap_or("");
                    // It becomes an HTTP header value: printable ASCII, no quotes (they are added).
                    if let Some(bad) = action.chars().find(|c| !matches!(c, '!' | '#'..='~' | ' '))
                    {
                        return Err(self.err(
                            child,
                            format!(
                                "operation `{}`: soapAction contains {bad:?}, which cannot be sent in an HTTP header",
                                op.name
                            ),
                        ));
                    }
                    op.soap_action = action.to_owned();
                }
                (Some(WSDL), "input") => op.input = self.binding_io(child, &op.name)?,
                (Some(WSDL), "output") => op.output = self.binding_io(child, &op.name)?,
                (Some(WSDL), "documentation") => {}
                (Some(WSDL), "fault") => {
                    return Err(self.err(
                        child,
                        format!("operation `{}`: <wsdl:fault> is not supported", op.name),
                    ));
                }
                (Some(WSDL), _) => {
                    return Err(self.err(
                        child,
                        format!(
                            "unexpected {} in binding operation `{}`",
                            Self::tag(child),
                            op.name
                        ),
                    ));
                }
                _ => self.extension(child)?,
            }
        }
        Ok(op)
    }

    fn binding_io(&self, node: Node<'_, '_>, op: &str) -> Result<BindingIo> {
        let mut io = BindingIo {
            pos: self.pos(node),
            ..BindingIo::default()
        };
        let mut has_body = false;
        for child in node.children().filter(|n| n.is_element()) {
            match (child.tag_name().namespace(), child.tag_name().name()) {
                (Some(SOAP11), "body") => {
                    self.literal(child, op)?;
                    has_body = true;
                    io.body_parts = child
                        .attribute("parts")
                        .map(|p| p.split_whitespace().map(str::to_owned).collect());
                }
                (Some(SOAP11), "header") => {
                    self.literal(child, op)?;
                    io.headers.push(HeaderRef {
                        message: self.qname_attr(child, "message")?,
                        part: self.required_attr(child, "part")?.to_owned(),
                        pos: self.pos(child),
                    });
                }
                (Some(WSDL), "documentation") => {}
                _ => {
                    return Err(self.err(
                        child,
                        format!(
                            "unsupported {} in operation `{op}`: expected soap:body or soap:header",
                            Self::tag(child)
                        ),
                    ));
                }
            }
        }
        if !has_body {
            return Err(self.err(node, format!("operation `{op}`: missing <soap:body>")));
        }
        Ok(io)
    }

    fn literal(&self, node: Node<'_, '_>, op: &str) -> Result<()> {
        match node.attribute("use") {
            None | Some("literal") => Ok(()),
            Some(other) => Err(self.err(
                node,
                format!("operation `{op}`: use=\"{other}\" is not supported (literal only)"),
            )),
        }
    }

    fn service(&self, node: Node<'_, '_>) -> Result<Service> {
        let mut service = Service {
            name: self.required_attr(node, "name")?.to_owned(),
            doc: self.doc(node, WSDL),
            ports: Vec::new(),
        };
        for port in node.children().filter(|n| Self::is(*n, WSDL, "port")) {
            service.ports.push(Port {
                name: self.required_attr(port, "name")?.to_owned(),
                binding: self.qname_attr(port, "binding")?,
                address: port
                    .children()
                    .find(|c| Self::is(*c, SOAP11, "address"))
                    .and_then(|a| a.attribute("location"))
                    .map(str::to_owned),
            });
        }
        Ok(service)
    }
}

/// A section banner (`*****`, `=== Leads ===`, `-----`) organises the file; it does not
/// document the definition that follows it.
fn is_banner(comment: &str) -> bool {
    ['*', '=', '-', '#', '~'].iter().any(|&c| {
        let run: String = std::iter::repeat_n(c, 4).collect();
        comment.contains(&run)
    })
}

fn text_of(node: Node<'_, '_>) -> String {
    node.descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect()
}

/// Normalises documentation text: trims each line's indentation, drops blank edges, keeps
/// paragraph breaks. `None` when nothing is left.
fn clean_doc(text: &str) -> Option<String> {
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let start = lines.iter().position(|l| !l.is_empty())?;
    let end = lines.iter().rposition(|l| !l.is_empty())?;
    let mut out = String::new();
    for line in &lines[start..=end] {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(line);
    }
    Some(out)
}

#[cfg(test)]
mod tests;
