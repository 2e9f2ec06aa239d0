//! Append-only XML writer used by generated `Encode` impls.
//!
//! The writer produces compact XML (no indentation, no declaration) into a `Vec<u8>`. It keeps a
//! stack of the open elements (names are `&'static str`, so this never allocates once the stack
//! has grown) only to name the element path in an [`EncodeError`], and a small table of the
//! namespace prefixes it declared itself.

use std::fmt;

use super::codec::{Encode, Nillable, SimpleType};
use super::{ElementName, XSI_NS};

/// Prefixes the writer may declare itself; `xsi` is preferred for the XSI namespace.
/// Documents use one or two namespaces, so running out means a bug in the caller.
const PREFIXES: [&str; 16] = [
    "ns1", "ns2", "ns3", "ns4", "ns5", "ns6", "ns7", "ns8", "ns9", "ns10", "ns11", "ns12", "ns13",
    "ns14", "ns15", "ns16",
];

/// What went wrong while encoding.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum EncodeErrorKind {
    /// A character that XML 1.0 cannot represent (`\0`, most C0 controls, U+FFFE, U+FFFF).
    InvalidChar(char),
    /// More distinct namespaces in scope than the writer has prefixes for.
    TooManyNamespaces,
    /// Any other problem, described by generated code or a custom `Encode` impl.
    Custom(String),
}

impl fmt::Display for EncodeErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EncodeErrorKind::InvalidChar(c) => {
                write!(
                    f,
                    "character U+{:04X} is not allowed in XML 1.0",
                    u32::from(*c)
                )
            }
            EncodeErrorKind::TooManyNamespaces => {
                f.write_str("too many namespaces in scope to assign prefixes")
            }
            EncodeErrorKind::Custom(m) => f.write_str(m),
        }
    }
}

/// A value could not be written as XML; names the element path, e.g.
/// `at paramsScheduleCampaign/programTokenList/attrib[2]/value: character U+0001 is not allowed in XML 1.0`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncodeError {
    path: String,
    kind: EncodeErrorKind,
}

impl EncodeError {
    /// Builds an error for `path` (slash-separated element names, `[n]` for repeated elements).
    pub fn new(path: impl Into<String>, kind: EncodeErrorKind) -> Self {
        EncodeError {
            path: path.into(),
            kind,
        }
    }

    /// The element path, e.g. `paramsScheduleCampaign/programTokenList/attrib[2]/value`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What went wrong.
    pub fn kind(&self) -> &EncodeErrorKind {
        &self.kind
    }
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "at document root: {}", self.kind)
        } else {
            write!(f, "at {}: {}", self.path, self.kind)
        }
    }
}

impl std::error::Error for EncodeError {}

/// An element opened with [`Writer::start`] and not yet closed.
#[derive(Clone, Copy, Debug)]
struct Frame {
    local: &'static str,
    prefix: Option<&'static str>,
    /// 1-based position among repeated siblings, 0 when not repeated.
    index: u32,
}

/// A namespace prefix this writer declared on an open element (`depth` = frames.len() then).
#[derive(Clone, Copy, Debug)]
struct Binding {
    uri: &'static str,
    prefix: &'static str,
    depth: usize,
}

/// Append-only XML writer into a `Vec<u8>`.
///
/// Child elements are unqualified and no default namespace is ever declared. Qualified elements
/// use the prefix of the surrounding envelope ([`Writer::with_declared`]) or declare
/// `xmlns:nsN` on themselves.
#[derive(Debug, Default)]
pub struct Writer {
    buf: Vec<u8>,
    declared: &'static [(&'static str, &'static str)],
    frames: Vec<Frame>,
    bindings: Vec<Binding>,
    /// Index the next opened element gets in its path (set by `repeated`).
    next_index: u32,
    /// Reused buffer for `SimpleType::write_text`.
    scratch: String,
    /// An error from a method that cannot return one (`xsi_type`), reported by the next call
    /// that can.
    deferred: Option<EncodeError>,
}

impl Writer {
    /// A writer with no namespace declared by a surrounding document: a qualified root element
    /// declares its own `xmlns:ns1`.
    pub fn new() -> Self {
        Self::default()
    }

    /// A writer for a fragment that goes inside an envelope declaring `declared`
    /// (`(prefix, uri)` pairs): elements in those namespaces use the prefix and do not
    /// redeclare it.
    pub fn with_declared(declared: &'static [(&'static str, &'static str)]) -> Self {
        Writer {
            declared,
            ..Self::default()
        }
    }

    /// A writer that appends to `buf` (keeps its allocation; useful to reuse buffers).
    pub fn with_buffer(buf: Vec<u8>, declared: &'static [(&'static str, &'static str)]) -> Self {
        Writer {
            buf,
            declared,
            ..Self::default()
        }
    }

    /// The bytes written so far.
    pub fn into_bytes(self) -> Vec<u8> {
        self.buf
    }

    /// The bytes written so far, without consuming the writer.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf
    }

    /// Writes `<name` (attributes such as [`Writer::xsi_type`] may follow, then
    /// [`Writer::end_start`]).
    pub fn start(&mut self, name: ElementName) -> Result<(), EncodeError> {
        self.take_deferred()?;
        let index = std::mem::take(&mut self.next_index);
        let depth = self.frames.len() + 1;
        let prefix = self.open_tag(name, depth, index)?;
        self.frames.push(Frame {
            local: name.local_name(),
            prefix,
            index,
        });
        Ok(())
    }

    /// Writes ` xsi:type="p:Local"` on the element just started, declaring `xsi` and the type's
    /// namespace on it when they are not in scope yet.
    pub fn xsi_type(&mut self, type_ns: &'static str, type_local: &'static str) {
        let depth = self.frames.len();
        let xsi = match self.prefix_for(XSI_NS, depth, "xsi") {
            Ok(p) => p,
            Err(e) => return self.defer(e),
        };
        let tp = match self.prefix_for(type_ns, depth, "ns1") {
            Ok(p) => p,
            Err(e) => return self.defer(e),
        };
        self.buf.push(b' ');
        self.buf.extend_from_slice(xsi.as_bytes());
        self.buf.extend_from_slice(b":type=\"");
        self.buf.extend_from_slice(tp.as_bytes());
        self.buf.push(b':');
        self.buf.extend_from_slice(type_local.as_bytes());
        self.buf.push(b'"');
    }

    /// Writes the `>` that ends a start tag.
    pub fn end_start(&mut self) {
        self.buf.push(b'>');
    }

    /// Writes `</name>` for the element opened last.
    pub fn end(&mut self, name: ElementName) {
        let (prefix, local) = match self.frames.pop() {
            Some(f) => (f.prefix, f.local),
            // Unbalanced call: still write something sensible rather than panic.
            None => (None, name.local_name()),
        };
        self.buf.extend_from_slice(b"</");
        if let Some(p) = prefix {
            self.buf.extend_from_slice(p.as_bytes());
            self.buf.push(b':');
        }
        self.buf.extend_from_slice(local.as_bytes());
        self.buf.push(b'>');
        let depth = self.frames.len();
        while self.bindings.last().is_some_and(|b| b.depth > depth) {
            self.bindings.pop();
        }
    }

    /// Writes `v` as one element (minOccurs=1, not nillable).
    pub fn required<T: Encode + ?Sized>(
        &mut self,
        name: ElementName,
        v: &T,
    ) -> Result<(), EncodeError> {
        v.encode(self, name)
    }

    /// Writes `v` as one element when `Some`, nothing when `None` (minOccurs=0).
    pub fn optional<T: Encode>(
        &mut self,
        name: ElementName,
        v: &Option<T>,
    ) -> Result<(), EncodeError> {
        match v {
            Some(v) => v.encode(self, name),
            None => Ok(()),
        }
    }

    /// Writes `v` as one element, or `<name xsi:nil="true"/>` when `None` (nillable).
    pub fn nillable<T: Encode>(
        &mut self,
        name: ElementName,
        v: &Option<T>,
    ) -> Result<(), EncodeError> {
        match v {
            Some(v) => v.encode(self, name),
            None => self.nil(name),
        }
    }

    /// Writes nothing, a nil element or the value (minOccurs=0, nillable).
    pub fn optional_nillable<T: Encode>(
        &mut self,
        name: ElementName,
        v: &Nillable<T>,
    ) -> Result<(), EncodeError> {
        match v {
            Nillable::Absent => Ok(()),
            Nillable::Nil => self.nil(name),
            Nillable::Value(v) => v.encode(self, name),
        }
    }

    /// Writes one element per item (maxOccurs > 1); paths in errors carry `[n]`.
    pub fn repeated<T: Encode>(&mut self, name: ElementName, v: &[T]) -> Result<(), EncodeError> {
        for (i, item) in v.iter().enumerate() {
            self.next_index = index_of(i);
            item.encode(self, name)?;
        }
        self.next_index = 0;
        Ok(())
    }

    /// Writes one element per item, `None` items as nil elements.
    pub fn repeated_nillable<T: Encode>(
        &mut self,
        name: ElementName,
        v: &[Option<T>],
    ) -> Result<(), EncodeError> {
        for (i, item) in v.iter().enumerate() {
            self.next_index = index_of(i);
            match item {
                Some(item) => item.encode(self, name)?,
                None => self.nil(name)?,
            }
        }
        self.next_index = 0;
        Ok(())
    }

    /// Writes `<name>text</name>` for a simple-typed value (used by the blanket `Encode` impl).
    pub fn simple<T: SimpleType>(&mut self, name: ElementName, v: &T) -> Result<(), EncodeError> {
        self.take_deferred()?;
        let index = std::mem::take(&mut self.next_index);
        let depth = self.frames.len() + 1;
        let prefix = self.open_tag(name, depth, index)?;
        self.buf.push(b'>');
        if let Err(c) = self.write_value(v) {
            return Err(self.error_at(
                Some((name.local_name(), index)),
                EncodeErrorKind::InvalidChar(c),
            ));
        }
        self.buf.extend_from_slice(b"</");
        if let Some(p) = prefix {
            self.buf.extend_from_slice(p.as_bytes());
            self.buf.push(b':');
        }
        self.buf.extend_from_slice(name.local_name().as_bytes());
        self.buf.push(b'>');
        self.pop_bindings_deeper_than(depth - 1);
        Ok(())
    }

    /// Writes the escaped lexical form of `v` as text content of the element just started
    /// (for simple content next to attributes).
    pub fn text<T: SimpleType>(&mut self, v: &T) -> Result<(), EncodeError> {
        match self.write_value(v) {
            Ok(()) => Ok(()),
            Err(c) => Err(self.error_at(None, EncodeErrorKind::InvalidChar(c))),
        }
    }

    /// An error naming the current element path (for generated code and custom impls).
    pub fn error(&self, message: impl Into<String>) -> EncodeError {
        self.error_at(None, EncodeErrorKind::Custom(message.into()))
    }

    /// `<name xsi:nil="true"/>`.
    fn nil(&mut self, name: ElementName) -> Result<(), EncodeError> {
        self.take_deferred()?;
        let index = std::mem::take(&mut self.next_index);
        let depth = self.frames.len() + 1;
        self.open_tag(name, depth, index)?;
        let xsi = match self.prefix_for(XSI_NS, depth, "xsi") {
            Ok(p) => p,
            Err(kind) => return Err(self.error_at(Some((name.local_name(), index)), kind)),
        };
        self.buf.push(b' ');
        self.buf.extend_from_slice(xsi.as_bytes());
        self.buf.extend_from_slice(b":nil=\"true\"/>");
        self.pop_bindings_deeper_than(depth - 1);
        Ok(())
    }

    /// Writes `<prefix:local` plus an `xmlns:prefix` declaration when needed; returns the prefix.
    fn open_tag(
        &mut self,
        name: ElementName,
        depth: usize,
        index: u32,
    ) -> Result<Option<&'static str>, EncodeError> {
        self.buf.push(b'<');
        let Some(ns) = name.namespace() else {
            self.buf.extend_from_slice(name.local_name().as_bytes());
            return Ok(None);
        };
        let (prefix, new) = match self.lookup(ns) {
            Some(p) => (p, false),
            None => match self.fresh_prefix("ns1") {
                Some(p) => (p, true),
                None => {
                    return Err(self.error_at(
                        Some((name.local_name(), index)),
                        EncodeErrorKind::TooManyNamespaces,
                    ));
                }
            },
        };
        self.buf.extend_from_slice(prefix.as_bytes());
        self.buf.push(b':');
        self.buf.extend_from_slice(name.local_name().as_bytes());
        if new {
            self.declare(prefix, ns, depth);
        }
        Ok(Some(prefix))
    }

    /// The prefix for `uri`, declaring it (preferably as `preferred`) on the element at `depth`
    /// when it is not in scope.
    fn prefix_for(
        &mut self,
        uri: &'static str,
        depth: usize,
        preferred: &'static str,
    ) -> Result<&'static str, EncodeErrorKind> {
        if let Some(p) = self.lookup(uri) {
            return Ok(p);
        }
        let p = self
            .fresh_prefix(preferred)
            .ok_or(EncodeErrorKind::TooManyNamespaces)?;
        self.declare(p, uri, depth);
        Ok(p)
    }

    fn declare(&mut self, prefix: &'static str, uri: &'static str, depth: usize) {
        self.buf.extend_from_slice(b" xmlns:");
        self.buf.extend_from_slice(prefix.as_bytes());
        self.buf.extend_from_slice(b"=\"");
        // Namespace URIs are static strings from the WSDL; escaping keeps the output
        // well-formed whatever they contain. A control char cannot be written at all: drop it.
        let _ = escape_into(&mut self.buf, uri, true);
        self.buf.push(b'"');
        self.bindings.push(Binding { uri, prefix, depth });
    }

    fn lookup(&self, uri: &str) -> Option<&'static str> {
        if let Some(b) = self.bindings.iter().rev().find(|b| b.uri == uri) {
            return Some(b.prefix);
        }
        self.declared
            .iter()
            .find(|(_, u)| *u == uri)
            .map(|(p, _)| *p)
    }

    /// `preferred` when unused, else the first unused `nsN`.
    fn fresh_prefix(&self, preferred: &'static str) -> Option<&'static str> {
        let used = |p: &str| {
            self.declared.iter().any(|(d, _)| *d == p)
                || self.bindings.iter().any(|b| b.prefix == p)
        };
        if !used(preferred) {
            return Some(preferred);
        }
        PREFIXES.iter().copied().find(|p| !used(p))
    }

    fn pop_bindings_deeper_than(&mut self, depth: usize) {
        while self.bindings.last().is_some_and(|b| b.depth > depth) {
            self.bindings.pop();
        }
    }

    /// Appends the escaped lexical form of `v`; `Err` carries a char XML cannot represent.
    fn write_value<T: SimpleType>(&mut self, v: &T) -> Result<(), char> {
        if let Some(s) = v.as_text() {
            return escape_into(&mut self.buf, s, false);
        }
        self.scratch.clear();
        v.write_text(&mut self.scratch);
        escape_into(&mut self.buf, &self.scratch, false)
    }

    fn defer(&mut self, kind: EncodeErrorKind) {
        if self.deferred.is_none() {
            self.deferred = Some(self.error_at(None, kind));
        }
    }

    fn take_deferred(&mut self) -> Result<(), EncodeError> {
        match self.deferred.take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// The path of the open elements, plus `leaf` (name, index) when given.
    fn error_at(&self, leaf: Option<(&str, u32)>, kind: EncodeErrorKind) -> EncodeError {
        let mut path = String::new();
        let frames = self.frames.iter().map(|f| (f.local, f.index));
        for (i, (local, index)) in frames.chain(leaf).enumerate() {
            if i > 0 {
                path.push('/');
            }
            path.push_str(local);
            if index > 0 {
                path.push('[');
                path.push_str(&index.to_string());
                path.push(']');
            }
        }
        EncodeError::new(path, kind)
    }
}

/// 1-based index for path display, saturating for absurdly long slices.
fn index_of(i: usize) -> u32 {
    u32::try_from(i).map_or(u32::MAX, |i| i.saturating_add(1))
}

/// Byte classes for escaping: 0 = copy as is, 1 = look closer.
const fn byte_classes(attr: bool) -> [u8; 256] {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 0x20 {
        // C0 controls: \t and \n are fine in text; everything else is escaped or refused.
        if !(i == 0x09 || i == 0x0A) || attr {
            t[i] = 1;
        }
        i += 1;
    }
    t[b'<' as usize] = 1;
    t[b'>' as usize] = 1;
    t[b'&' as usize] = 1;
    // Lead byte of U+FFFE/U+FFFF (EF BF BE / EF BF BF).
    t[0xEF] = 1;
    if attr {
        t[b'"' as usize] = 1;
    }
    t
}

static TEXT_CLASSES: [u8; 256] = byte_classes(false);
static ATTR_CLASSES: [u8; 256] = byte_classes(true);

/// Appends `s` escaped for text content (`attr = false`) or a double-quoted attribute value.
///
/// `&`, `<`, `>` always become entities (so `]]>` can never appear), `"` in attributes; `\r`
/// becomes `&#13;` (and `\t`/`\n` in attributes) so that end-of-line and attribute-value
/// normalization of the reading side gives the same string back. Returns the first character
/// XML 1.0 cannot represent.
pub(crate) fn escape_into(out: &mut Vec<u8>, s: &str, attr: bool) -> Result<(), char> {
    let table = if attr { &ATTR_CLASSES } else { &TEXT_CLASSES };
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if table[usize::from(b)] == 0 {
            i += 1;
            continue;
        }
        let rep: &[u8] = match b {
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'&' => b"&amp;",
            b'"' => b"&quot;",
            b'\r' => b"&#13;",
            b'\t' => b"&#9;",
            b'\n' => b"&#10;",
            0xEF => {
                if bytes.get(i + 1) == Some(&0xBF) {
                    match bytes.get(i + 2) {
                        Some(0xBE) => return Err('\u{FFFE}'),
                        Some(0xBF) => return Err('\u{FFFF}'),
                        _ => {}
                    }
                }
                i += 1;
                continue;
            }
            other => return Err(char::from(other)),
        };
        out.extend_from_slice(bytes.get(start..i).unwrap_or_default());
        out.extend_from_slice(rep);
        i += 1;
        start = i;
    }
    out.extend_from_slice(bytes.get(start..).unwrap_or_default());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::Nillable;

    const MKT: &str = "http://www.marketo.com/mktows/";

    fn esc(s: &str, attr: bool) -> Result<String, char> {
        let mut v = Vec::new();
        escape_into(&mut v, s, attr)?;
        Ok(String::from_utf8(v).unwrap())
    }

    #[test]
    fn escapes_markup_chars() {
        assert_eq!(esc("a<b&c>d", false).unwrap(), "a&lt;b&amp;c&gt;d");
        assert_eq!(esc("x]]>y", false).unwrap(), "x]]&gt;y");
        // Quotes stay literal in text, are escaped in attributes.
        assert_eq!(
            esc(r#"say "hi" 'you'"#, false).unwrap(),
            r#"say "hi" 'you'"#
        );
        assert_eq!(esc(r#"a"b"#, true).unwrap(), "a&quot;b");
        assert_eq!(esc("\r\n\t", false).unwrap(), "&#13;\n\t");
        assert_eq!(esc("\r\n\t", true).unwrap(), "&#13;&#10;&#9;");
    }

    #[test]
    fn keeps_non_ascii() {
        assert_eq!(
            esc("Zoë – 東京 😀 \u{FFFD}", false).unwrap(),
            "Zoë – 東京 😀 \u{FFFD}"
        );
        // U+EFFF and U+FEFF share the 0xEF lead byte but are fine.
        assert_eq!(esc("\u{EFFF}\u{FEFF}", false).unwrap(), "\u{EFFF}\u{FEFF}");
    }

    #[test]
    fn refuses_non_xml_chars() {
        assert_eq!(esc("a\0b", false), Err('\0'));
        assert_eq!(esc("\u{1}", false), Err('\u{1}'));
        assert_eq!(esc("\u{B}", false), Err('\u{B}'));
        assert_eq!(esc("\u{1F}", false), Err('\u{1F}'));
        assert_eq!(esc("x\u{FFFE}", false), Err('\u{FFFE}'));
        assert_eq!(esc("\u{FFFF}y", false), Err('\u{FFFF}'));
    }

    #[test]
    fn invalid_char_error_names_path() {
        let mut w = Writer::new();
        let root = ElementName::qualified(MKT, "paramsScheduleCampaign");
        let list = ElementName::local("programTokenList");
        let attrib = ElementName::local("attrib");
        w.start(root).unwrap();
        w.end_start();
        w.start(list).unwrap();
        w.end_start();
        struct Attrib(&'static str);
        impl Encode for Attrib {
            fn encode(&self, w: &mut Writer, name: ElementName) -> Result<(), EncodeError> {
                w.start(name)?;
                w.end_start();
                w.required(ElementName::local("name"), "{{my.token}}")?;
                w.simple(ElementName::local("value"), &self.0.to_owned())?;
                w.end(name);
                Ok(())
            }
        }
        let err = w
            .repeated(attrib, &[Attrib("ok"), Attrib("bad\u{1}")])
            .unwrap_err();
        assert_eq!(
            err.path(),
            "paramsScheduleCampaign/programTokenList/attrib[2]/value"
        );
        assert_eq!(err.kind(), &EncodeErrorKind::InvalidChar('\u{1}'));
        assert_eq!(
            err.to_string(),
            "at paramsScheduleCampaign/programTokenList/attrib[2]/value: character U+0001 is not allowed in XML 1.0"
        );
    }

    #[test]
    fn qualified_root_declares_its_prefix() {
        let mut w = Writer::new();
        let root = ElementName::qualified(MKT, "paramsGetLead");
        w.start(root).unwrap();
        w.end_start();
        w.required(ElementName::local("leadKey"), "k & v").unwrap();
        w.end(root);
        assert_eq!(
            String::from_utf8(w.into_bytes()).unwrap(),
            r#"<ns1:paramsGetLead xmlns:ns1="http://www.marketo.com/mktows/"><leadKey>k &amp; v</leadKey></ns1:paramsGetLead>"#
        );
    }

    #[test]
    fn declared_prefix_is_reused() {
        static DECL: &[(&str, &str)] = &[("mkt", MKT), ("xsi", XSI_NS)];
        let mut w = Writer::with_declared(DECL);
        let root = ElementName::qualified(MKT, "paramsGetLead");
        w.start(root).unwrap();
        w.xsi_type(MKT, "ParamsGetLead");
        w.end_start();
        w.nillable::<i32>(ElementName::local("n"), &None).unwrap();
        w.end(root);
        assert_eq!(
            String::from_utf8(w.into_bytes()).unwrap(),
            r#"<mkt:paramsGetLead xsi:type="mkt:ParamsGetLead"><n xsi:nil="true"/></mkt:paramsGetLead>"#
        );
    }

    #[test]
    fn cardinality_helpers_and_xsi_declarations() {
        let mut w = Writer::new();
        let r = ElementName::local("r");
        w.start(r).unwrap();
        w.xsi_type(MKT, "LeadRecord");
        w.end_start();
        w.optional::<i32>(ElementName::local("a"), &None).unwrap();
        w.optional(ElementName::local("b"), &Some(-17i32)).unwrap();
        w.nillable::<bool>(ElementName::local("c"), &Some(true))
            .unwrap();
        w.optional_nillable::<i64>(ElementName::local("d"), &Nillable::Absent)
            .unwrap();
        w.optional_nillable::<i64>(ElementName::local("e"), &Nillable::Nil)
            .unwrap();
        w.optional_nillable(ElementName::local("f"), &Nillable::Value(9_000_000_000i64))
            .unwrap();
        w.repeated(ElementName::local("g"), &["x".to_owned(), String::new()])
            .unwrap();
        w.repeated_nillable(ElementName::local("h"), &[Some(1i32), None])
            .unwrap();
        w.end(r);
        assert_eq!(
            String::from_utf8(w.into_bytes()).unwrap(),
            concat!(
                r#"<r xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:ns1="http://www.marketo.com/mktows/" xsi:type="ns1:LeadRecord">"#,
                "<b>-17</b><c>true</c>",
                "<e xsi:nil=\"true\"/><f>9000000000</f><g>x</g><g></g>",
                r#"<h>1</h><h xsi:nil="true"/></r>"#
            )
        );
    }

    #[test]
    fn nil_outside_declared_scope_declares_xsi_each_time() {
        let mut w = Writer::new();
        w.nillable::<i32>(ElementName::local("a"), &None).unwrap();
        w.nillable::<i32>(ElementName::local("b"), &None).unwrap();
        assert_eq!(
            String::from_utf8(w.into_bytes()).unwrap(),
            concat!(
                r#"<a xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"/>"#,
                r#"<b xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"/>"#
            )
        );
    }

    #[test]
    fn sibling_scopes_do_not_leak() {
        let mut w = Writer::new();
        let a = ElementName::qualified("urn:a", "a");
        let b = ElementName::qualified("urn:b", "b");
        w.start(a).unwrap();
        w.end_start();
        w.end(a);
        w.start(b).unwrap();
        w.end_start();
        w.start(a).unwrap();
        w.end_start();
        w.end(a);
        w.end(b);
        assert_eq!(
            String::from_utf8(w.into_bytes()).unwrap(),
            concat!(
                r#"<ns1:a xmlns:ns1="urn:a"></ns1:a>"#,
                r#"<ns1:b xmlns:ns1="urn:b"><ns2:a xmlns:ns2="urn:a"></ns2:a></ns1:b>"#
            )
        );
    }

    #[test]
    fn custom_error_has_path() {
        let mut w = Writer::new();
        w.start(ElementName::local("a")).unwrap();
        w.end_start();
        let e = w.error("choice has no alternative set");
        assert_eq!(e.to_string(), "at a: choice has no alternative set");
    }
}
