//! Streaming pull reader used by generated `Decode` impls.
//!
//! [`Reader`] wraps quick-xml's `NsReader` over the input slice. It keeps a stack of the open
//! elements whose names borrow from the input (so matching and path tracking never allocate),
//! refuses DTDs, enforces a depth limit, and turns every problem into a [`DecodeError`] that
//! names the element path.
//!
//! Protocol: [`Reader::next_child`] returns the next child of the innermost open element and
//! makes that child the innermost open element; decoding it (or [`Reader::skip`]) consumes it
//! through its end tag. The end of an element is "popped" lazily, at the next read, so that
//! [`Reader::require`] after a decode loop still names the parent element in its path.

use std::borrow::Cow;
use std::fmt;

use quick_xml::events::{BytesStart, Event};
use quick_xml::name::{QName as QxName, ResolveResult};
use quick_xml::{NsReader, XmlVersion};

use super::codec::{Decode, Nillable, SimpleType};
use super::{QName, XSI_NS};

/// Longest offending text kept in a [`DecodeError`], in chars.
const MAX_ERROR_TEXT: usize = 64;

/// Limits that protect the reader against hostile input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadLimits {
    /// Maximum element nesting depth (the root element is depth 1). Deeper input is an error.
    pub max_depth: usize,
}

impl ReadLimits {
    /// The defaults: `max_depth` 256.
    pub const DEFAULT: ReadLimits = ReadLimits { max_depth: 256 };
}

impl Default for ReadLimits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// A 1-based position in the input (column counted in characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Location {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)
    }
}

/// What went wrong while decoding.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// The input is not well-formed XML (quick-xml's message, or a short description).
    Malformed(String),
    /// The input contains a `<!DOCTYPE`: DTDs (and with them custom entities) are refused.
    Doctype,
    /// The input is not valid UTF-8.
    InvalidUtf8,
    /// An entity other than the five predefined ones, or a bad character reference.
    UndefinedEntity(String),
    /// Elements nest deeper than [`ReadLimits::max_depth`].
    TooDeep {
        /// The limit that was exceeded.
        limit: usize,
    },
    /// The input ends inside an element.
    UnexpectedEof,
    /// A simple-typed element contains a child element.
    ElementInSimpleContent {
        /// Name of the child element, as written.
        found: String,
    },
    /// A simple value does not parse; `message` comes from [`SimpleType::parse_text`].
    InvalidValue {
        /// E.g. `invalid xs:int`.
        message: String,
        /// The offending text (truncated to 64 chars).
        text: String,
    },
    /// `xsi:nil` with a value other than true/false/1/0.
    InvalidNil {
        /// The attribute value (truncated).
        value: String,
    },
    /// A namespace prefix (element name, `xsi:type` value, QName text) is not declared.
    UnboundPrefix {
        /// The prefix.
        prefix: String,
    },
    /// A non-repeated element occurs twice.
    Duplicate,
    /// A required element is missing (the path ends with its name).
    Missing,
    /// A different element than the one expected.
    UnexpectedElement {
        /// What was expected.
        expected: String,
        /// What was found.
        found: String,
    },
    /// Any other problem, described by generated code or a custom `Decode` impl.
    Custom(String),
}

impl fmt::Display for DecodeErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeErrorKind::Malformed(m) => write!(f, "malformed XML: {m}"),
            DecodeErrorKind::Doctype => {
                f.write_str("malformed XML: DOCTYPE is not allowed (no DTDs or custom entities)")
            }
            DecodeErrorKind::InvalidUtf8 => f.write_str("malformed XML: invalid UTF-8"),
            DecodeErrorKind::UndefinedEntity(e) => {
                write!(
                    f,
                    "malformed XML: undefined entity or bad character reference &{e};"
                )
            }
            DecodeErrorKind::TooDeep { limit } => {
                write!(f, "elements nested deeper than the limit of {limit}")
            }
            DecodeErrorKind::UnexpectedEof => f.write_str("malformed XML: unexpected end of input"),
            DecodeErrorKind::ElementInSimpleContent { found } => write!(
                f,
                "element content not allowed in simple-typed element (found <{found}>)"
            ),
            DecodeErrorKind::InvalidValue { message, text } => write!(f, "{message} {text:?}"),
            DecodeErrorKind::InvalidNil { value } => {
                write!(
                    f,
                    "invalid xsi:nil {value:?} (expected true, false, 1 or 0)"
                )
            }
            DecodeErrorKind::UnboundPrefix { prefix } => {
                write!(f, "unbound namespace prefix {prefix:?}")
            }
            DecodeErrorKind::Duplicate => f.write_str("element may occur only once"),
            DecodeErrorKind::Missing => f.write_str("missing required element"),
            DecodeErrorKind::UnexpectedElement { expected, found } => {
                write!(f, "expected {expected}, found {found}")
            }
            DecodeErrorKind::Custom(m) => f.write_str(m),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct DecodeErrorInner {
    path: String,
    kind: DecodeErrorKind,
    location: Option<Location>,
}

/// The input could not be decoded. `Display` is one line, e.g.
/// `at successGetMultipleLeads/result/leadRecordList/leadRecord[3]/Id: invalid xs:int "12x"` or
/// `at line 53, column 1 (in paramsGetLead/leadKey): malformed XML: ...`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError(Box<DecodeErrorInner>);

impl DecodeError {
    /// Builds an error for `path` (slash-separated element names, `[n]` for repeated elements).
    pub fn new(path: impl Into<String>, kind: DecodeErrorKind, location: Option<Location>) -> Self {
        DecodeError(Box::new(DecodeErrorInner {
            path: path.into(),
            kind,
            location,
        }))
    }

    /// The element path, e.g. `successGetMultipleLeads/result/leadRecordList/leadRecord[3]/Id`
    /// (empty at document level).
    pub fn path(&self) -> &str {
        &self.0.path
    }

    /// What went wrong.
    pub fn kind(&self) -> &DecodeErrorKind {
        &self.0.kind
    }

    /// Where in the input, for malformed XML.
    pub fn location(&self) -> Option<Location> {
        self.0.location
    }

    /// The offending text of an invalid value.
    pub fn text(&self) -> Option<&str> {
        match &self.0.kind {
            DecodeErrorKind::InvalidValue { text, .. } => Some(text),
            _ => None,
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = &self.0;
        match (&e.location, e.path.is_empty()) {
            (Some(l), true) => write!(f, "at {l}: {}", e.kind),
            (Some(l), false) => write!(f, "at {l} (in {}): {}", e.path, e.kind),
            (None, true) => write!(f, "at document root: {}", e.kind),
            (None, false) => write!(f, "at {}: {}", e.path, e.kind),
        }
    }
}

impl std::error::Error for DecodeError {}

/// `xsi:type` of an element, resolved when the start tag was read (while its namespace scope is
/// certainly current).
#[derive(Clone, Debug)]
enum XsiType {
    Resolved(QName),
    Error(DecodeError),
}

/// Data only some elements have; boxed so that `Start` stays small for the common case.
#[derive(Clone, Debug, Default)]
struct Extra {
    namespace: Option<Box<[u8]>>,
    xsi_type: Option<XsiType>,
}

/// A start tag returned by [`Reader::next_child`]: name, namespace, `xsi:nil`, `xsi:type`.
#[derive(Clone, Debug)]
pub struct Start<'i> {
    local: &'i [u8],
    extra: Option<Box<Extra>>,
    /// Identity of the element's frame in the reader (unique per reader).
    id: u64,
    /// Stack length with this element pushed.
    depth: usize,
    nil: bool,
}

impl<'i> Start<'i> {
    /// The local name when the element is in no namespace (how every child element is
    /// matched); `None` for `<ns1:leadKey>` or an element under a default namespace.
    #[inline]
    pub fn unqualified(&self) -> Option<&[u8]> {
        match &self.extra {
            Some(x) if x.namespace.is_some() => None,
            _ => Some(self.local),
        }
    }

    /// The local name, whatever the namespace.
    #[inline]
    pub fn local_name(&self) -> &[u8] {
        self.local
    }

    /// The namespace URI the element's prefix (or the default namespace) resolves to.
    #[inline]
    pub fn namespace(&self) -> Option<&[u8]> {
        self.extra.as_ref().and_then(|x| x.namespace.as_deref())
    }

    /// Whether the element is `{namespace}local`.
    pub fn is(&self, namespace: &str, local: &str) -> bool {
        self.namespace() == Some(namespace.as_bytes()) && self.local == local.as_bytes()
    }

    /// Whether `xsi:nil` is `true` or `1` (whitespace allowed). Other values than
    /// true/false/1/0 were already refused when the tag was read.
    #[inline]
    pub fn is_nil(&self) -> bool {
        self.nil
    }

    /// The name for messages: `{namespace}local` or `local`.
    pub fn display_name(&self) -> String {
        let local = String::from_utf8_lossy(self.local);
        match self.namespace() {
            Some(ns) => format!("{{{}}}{local}", String::from_utf8_lossy(ns)),
            None => local.into_owned(),
        }
    }
}

/// An open element.
#[derive(Clone, Copy, Debug)]
struct Frame<'i> {
    local: &'i [u8],
    id: u64,
    /// 1-based position among consecutive same-name siblings.
    index: u32,
    /// Show `[index]` in paths even when 1 (the element is a repeated field).
    repeated: bool,
    /// Self-closing tag: there is no end event to read.
    empty: bool,
    /// Name and count of the last run of same-name children, for their `index`.
    last_child: &'i [u8],
    last_count: u32,
    /// No default namespace is in scope at this element, so an unprefixed child without
    /// attributes (which could declare one) is in no namespace: no resolver lookup needed.
    no_default_ns: bool,
}

/// Text collected from a simple-typed element: borrowed from the input when it is one plain
/// segment, otherwise in the reader's reusable buffer.
#[derive(Clone, Copy)]
enum TextRef<'i> {
    Input(&'i str),
    Buf,
}

/// Streaming pull reader over `&[u8]`.
pub struct Reader<'i> {
    inner: NsReader<&'i [u8]>,
    input: &'i [u8],
    limits: ReadLimits,
    stack: Vec<Frame<'i>>,
    /// The top frame's end tag was read; pop it at the next read.
    pending_pop: bool,
    next_id: u64,
    /// Reused buffer for text that is not one borrowed segment.
    text: String,
    /// Sibling run at document level (no frame to hold it).
    doc_last: &'i [u8],
    doc_count: u32,
    /// Frames at the bottom of the stack left out of error paths (SOAP Envelope/Body).
    path_base: usize,
}

impl fmt::Debug for Reader<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reader")
            .field("path", &self.path_string(None))
            .field("offset", &self.inner.buffer_position())
            .finish_non_exhaustive()
    }
}

impl<'i> Reader<'i> {
    /// A reader positioned before the root element of `input`.
    pub fn new(input: &'i [u8], limits: ReadLimits) -> Self {
        let inner = NsReader::from_reader(input);
        Reader {
            inner,
            input,
            limits,
            stack: Vec::with_capacity(16),
            pending_pop: false,
            next_id: 0,
            text: String::new(),
            doc_last: b"",
            doc_count: 0,
            path_base: 0,
        }
    }

    /// Next child element of the element being decoded; `None` at its end tag (or at the end of
    /// the document, at document level). Skips text/whitespace, comments and PIs between
    /// children. Refuses DOCTYPE (error, no entity expansion).
    pub fn next_child(&mut self) -> Result<Option<Start<'i>>, DecodeError> {
        self.apply_pending();
        if let Some(top) = self.stack.last()
            && top.empty
        {
            self.pending_pop = true;
            return Ok(None);
        }
        loop {
            match self.inner.read_event() {
                Ok(Event::Start(e)) => return self.push(&e, false).map(Some),
                Ok(Event::Empty(e)) => return self.push(&e, true).map(Some),
                Ok(Event::End(_)) => {
                    if self.stack.is_empty() {
                        // quick-xml reports unmatched end tags itself; be defensive anyway.
                        return Err(self.malformed("end tag without start tag".into()));
                    }
                    self.pending_pop = true;
                    return Ok(None);
                }
                Ok(Event::Text(t)) => {
                    if self.stack.is_empty() && !is_xml_ws(&t) {
                        return Err(self.malformed("text outside the root element".into()));
                    }
                }
                Ok(Event::CData(_)) => {
                    if self.stack.is_empty() {
                        return Err(self.malformed("CDATA outside the root element".into()));
                    }
                }
                Ok(Event::GeneralRef(r)) => {
                    self.resolve_ref(&r)?;
                    if self.stack.is_empty() {
                        return Err(self.malformed("text outside the root element".into()));
                    }
                }
                Ok(Event::Comment(_)) | Ok(Event::PI(_)) | Ok(Event::Decl(_)) => {}
                Ok(Event::Eof) => {
                    if self.stack.is_empty() {
                        return Ok(None);
                    }
                    return Err(self.eof_error());
                }
                Ok(Event::DocType(t)) => return Err(self.doctype_error(&t)),
                Err(e) => return Err(self.xml_error(&e)),
            }
        }
    }

    /// Skips the element `start` and everything inside it (forward compatibility). Does
    /// nothing if it was already consumed.
    pub fn skip(&mut self, start: &Start<'i>) -> Result<(), DecodeError> {
        self.close(start.id, start.depth)
    }

    /// Resolves the xsi:type attribute of `start` through the namespace declarations in scope
    /// at it. `Ok(None)` when absent; `Err` when the prefix is unbound.
    pub fn xsi_type(&self, start: &Start<'i>) -> Result<Option<QName>, DecodeError> {
        match start.extra.as_ref().and_then(|x| x.xsi_type.as_ref()) {
            None => Ok(None),
            Some(XsiType::Resolved(q)) => Ok(Some(q.clone())),
            Some(XsiType::Error(e)) => Err(e.clone()),
        }
    }

    /// Decodes `start` into `slot` (minOccurs=1, not nillable); a second occurrence is an error.
    pub fn required<T: Decode>(
        &mut self,
        start: &Start<'i>,
        slot: &mut Option<T>,
    ) -> Result<(), DecodeError> {
        if slot.is_some() {
            return Err(self.error_with(DecodeErrorKind::Duplicate));
        }
        let v = T::decode(self, start)?;
        self.close(start.id, start.depth)?;
        *slot = Some(v);
        Ok(())
    }

    /// Decodes `start` into `slot` (minOccurs=0); an empty element of a non-string simple type
    /// leaves the slot `None`.
    pub fn optional<T: Decode>(
        &mut self,
        start: &Start<'i>,
        slot: &mut Option<T>,
    ) -> Result<(), DecodeError> {
        if slot.is_some() {
            return Err(self.error_with(DecodeErrorKind::Duplicate));
        }
        let v = T::decode_or_absent(self, start)?;
        self.close(start.id, start.depth)?;
        *slot = v;
        Ok(())
    }

    /// Decodes `start` into `slot` (minOccurs=1, nillable): `Some(None)` for `xsi:nil`.
    pub fn nillable<T: Decode>(
        &mut self,
        start: &Start<'i>,
        slot: &mut Option<Option<T>>,
    ) -> Result<(), DecodeError> {
        if slot.is_some() {
            return Err(self.error_with(DecodeErrorKind::Duplicate));
        }
        let v = if start.nil {
            None
        } else {
            Some(T::decode(self, start)?)
        };
        self.close(start.id, start.depth)?;
        *slot = Some(v);
        Ok(())
    }

    /// Decodes `start` into `slot` (minOccurs=0, nillable); an empty element of a non-string
    /// simple type leaves the slot `Absent`.
    pub fn optional_nillable<T: Decode>(
        &mut self,
        start: &Start<'i>,
        slot: &mut Nillable<T>,
    ) -> Result<(), DecodeError> {
        if !slot.is_absent() {
            return Err(self.error_with(DecodeErrorKind::Duplicate));
        }
        let v = if start.nil {
            Nillable::Nil
        } else {
            match T::decode_or_absent(self, start)? {
                Some(v) => Nillable::Value(v),
                None => Nillable::Absent,
            }
        };
        self.close(start.id, start.depth)?;
        *slot = v;
        Ok(())
    }

    /// Decodes `start` and appends it to `slot` (maxOccurs > 1).
    pub fn repeated<T: Decode>(
        &mut self,
        start: &Start<'i>,
        slot: &mut Vec<T>,
    ) -> Result<(), DecodeError> {
        self.mark_repeated(start);
        let v = T::decode(self, start)?;
        self.close(start.id, start.depth)?;
        slot.push(v);
        Ok(())
    }

    /// Decodes `start` and appends it to `slot`, `None` for `xsi:nil`.
    pub fn repeated_nillable<T: Decode>(
        &mut self,
        start: &Start<'i>,
        slot: &mut Vec<Option<T>>,
    ) -> Result<(), DecodeError> {
        self.mark_repeated(start);
        let v = if start.nil {
            None
        } else {
            Some(T::decode(self, start)?)
        };
        self.close(start.id, start.depth)?;
        slot.push(v);
        Ok(())
    }

    /// After the loop: turns a missing required field into a [`DecodeError`] naming
    /// `parent/field`.
    pub fn require<T>(&self, slot: Option<T>, field: &'static str) -> Result<T, DecodeError> {
        match slot {
            Some(v) => Ok(v),
            None => Err(self.missing(field)),
        }
    }

    /// Like [`Reader::require`] for a required nillable field.
    pub fn require_nillable<T>(
        &self,
        slot: Option<Option<T>>,
        field: &'static str,
    ) -> Result<Option<T>, DecodeError> {
        match slot {
            Some(v) => Ok(v),
            None => Err(self.missing(field)),
        }
    }

    /// Reads the text content of the simple-typed element `start` and parses it (what the
    /// blanket `Decode` impl of [`SimpleType`] does).
    pub fn simple<T: SimpleType>(&mut self, start: &Start<'_>) -> Result<T, DecodeError> {
        let tr = self.read_text(start.id)?;
        let text = self.text_of(tr);
        let text = if T::PRESERVES_WHITESPACE {
            text
        } else {
            trim_xml_ws(text)
        };
        T::parse_text(text).map_err(|m| self.value_error(m, text))
    }

    /// Like [`Reader::simple`], but `Ok(None)` when the text is empty or whitespace only.
    pub fn simple_or_absent<T: SimpleType>(
        &mut self,
        start: &Start<'_>,
    ) -> Result<Option<T>, DecodeError> {
        let tr = self.read_text(start.id)?;
        let text = self.text_of(tr);
        let trimmed = trim_xml_ws(text);
        if trimmed.is_empty() {
            return Ok(None);
        }
        let text = if T::PRESERVES_WHITESPACE {
            text
        } else {
            trimmed
        };
        T::parse_text(text)
            .map(Some)
            .map_err(|m| self.value_error(m, text))
    }

    /// Reads the text of `start` as a QName (`prefix:local`), resolving the prefix through the
    /// namespace declarations in scope at the element (no prefix = default namespace).
    pub fn qname_text(&mut self, start: &Start<'_>) -> Result<QName, DecodeError> {
        let tr = self.read_text(start.id)?;
        // The end tag was just read; quick-xml pops its namespace scope only at the next read,
        // so the element's own declarations are still visible here.
        let text = trim_xml_ws(self.text_of(tr));
        self.resolve_qname(text)
            .map_err(|kind| self.error_with(kind))
    }

    /// An error at the current element path, for generated code and custom impls.
    pub fn error(&self, message: impl Into<String>) -> DecodeError {
        self.error_with(DecodeErrorKind::Custom(message.into()))
    }

    /// The error for an abstract type whose `xsi:type` names none of its concrete forms
    /// (`found` = None: the attribute is missing, so the abstract type cannot be instantiated).
    pub fn type_error(
        &self,
        start: &Start<'_>,
        abstract_type: &str,
        found: Option<&QName>,
    ) -> DecodeError {
        let _ = start;
        match found {
            Some(q) => self.error(format!(
                "xsi:type {q} is not a known concrete form of the abstract type {abstract_type}"
            )),
            None => self.error(format!(
                "{abstract_type} is abstract: the element needs an xsi:type naming its concrete form"
            )),
        }
    }

    /// After the root element: only whitespace, comments and PIs may follow until the end.
    pub fn finish(&mut self) -> Result<(), DecodeError> {
        self.apply_pending();
        if let Some(top) = self.stack.last() {
            let (id, depth) = (top.id, self.stack.len());
            self.close(id, depth)?;
            return self.finish();
        }
        match self.next_child()? {
            None => Ok(()),
            Some(s) => Err(self.unexpected("end of document", &s)),
        }
    }

    /// An "expected X, found `start`" error at `start`.
    pub fn unexpected(&self, expected: &str, found: &Start<'_>) -> DecodeError {
        self.error_with(DecodeErrorKind::UnexpectedElement {
            expected: expected.to_owned(),
            found: found.display_name(),
        })
    }

    /// Leaves the `n` outermost open elements out of error paths (SOAP `Envelope/Body`).
    pub(crate) fn set_path_base(&mut self, n: usize) {
        self.path_base = n;
    }

    // ----- internals -----

    fn apply_pending(&mut self) {
        if self.pending_pop {
            self.pending_pop = false;
            self.stack.pop();
        }
    }

    /// Locates a DOCTYPE at its `<!` (the event content starts after `<!DOCTYPE `).
    #[cold]
    #[inline(never)]
    fn doctype_error(&self, content: &str) -> DecodeError {
        let offset = subslice_offset(self.input, content)
            .and_then(|o| self.input.get(..o))
            .and_then(|before| before.iter().rposition(|&b| b == b'<'))
            .unwrap_or_else(|| offset_to_usize(self.inner.buffer_position()));
        self.error_at_offset(DecodeErrorKind::Doctype, offset)
    }

    #[cold]
    #[inline(never)]
    fn xml_error(&self, e: &quick_xml::Error) -> DecodeError {
        use quick_xml::Error as E;
        let pos = offset_to_usize(self.inner.buffer_position());
        match e {
            E::Encoding(_) => {
                // quick-xml validates every chunk it returns, so the first invalid byte of the
                // whole input is the one it tripped on.
                let at = std::str::from_utf8(self.input)
                    .err()
                    .map_or(pos, |u| u.valid_up_to());
                self.error_at_offset(DecodeErrorKind::InvalidUtf8, at)
            }
            E::Syntax(_) | E::IllFormed(_) => self.error_at_offset(
                DecodeErrorKind::Malformed(e.to_string()),
                offset_to_usize(self.inner.error_position()),
            ),
            _ => self.error_at_offset(DecodeErrorKind::Malformed(e.to_string()), pos),
        }
    }

    /// Pushes a frame for a start tag and builds its [`Start`].
    fn push(&mut self, e: &BytesStart<'_>, empty: bool) -> Result<Start<'i>, DecodeError> {
        let qname = e.name();
        let name = qname.into_inner();
        let Some((raw, name_offset)) = subslice_offset(self.input, name)
            .and_then(|o| Some((self.input.get(o..o.checked_add(name.len())?)?, o)))
        else {
            return Err(self.malformed("element name not found in input".into()));
        };
        // The `<` right before the name, for error locations.
        let tag_offset = name_offset.saturating_sub(1);
        let local = match find_byte(raw, b':') {
            Some(i) => raw.get(i + 1..).unwrap_or_default(),
            None => raw,
        };
        // Sibling run bookkeeping, for `[n]` in paths.
        let (last, count) = match self.stack.last_mut() {
            Some(f) => (&mut f.last_child, &mut f.last_count),
            None => (&mut self.doc_last, &mut self.doc_count),
        };
        if *last == local {
            *count = count.saturating_add(1);
        } else {
            *last = local;
            *count = 1;
        }
        let index = *count;
        let id = self.next_id;
        self.next_id += 1;
        let has_attributes = !is_xml_ws(e.attributes_raw());
        // At document level no default namespace is declared.
        let inherits_no_default =
            !has_attributes && self.stack.last().is_none_or(|f| f.no_default_ns);
        self.stack.push(Frame {
            local,
            id,
            index,
            repeated: false,
            empty,
            last_child: b"",
            last_count: 0,
            no_default_ns: inherits_no_default,
        });
        if self.stack.len() > self.limits.max_depth {
            return Err(self.error_at_offset(
                DecodeErrorKind::TooDeep {
                    limit: self.limits.max_depth,
                },
                tag_offset,
            ));
        }

        let mut extra: Option<Box<Extra>> = None;
        // `raw` and `local` are the same slice exactly when the name has no prefix; then only a
        // default namespace can apply and the name need not be split again. Without attributes
        // the element declares nothing, so its scope is its parent's: when that has no default
        // namespace (the mktows case, where every child element is unqualified), the lookup is
        // skipped.
        let mut no_default_ns = inherits_no_default;
        let resolved = if raw.len() == local.len() {
            if inherits_no_default {
                ResolveResult::Unbound
            } else {
                let r = self.inner.resolver().resolve_prefix(None, true);
                no_default_ns = matches!(r, ResolveResult::Unbound);
                r
            }
        } else {
            if !inherits_no_default {
                no_default_ns = matches!(
                    self.inner.resolver().resolve_prefix(None, true),
                    ResolveResult::Unbound
                );
            }
            self.inner.resolver().resolve_element(qname).0
        };
        match resolved {
            ResolveResult::Unbound => {}
            ResolveResult::Bound(ns) => {
                extra.get_or_insert_default().namespace = Some(ns.0.as_bytes().into());
            }
            ResolveResult::Unknown(prefix) => {
                return Err(
                    self.error_at_offset(DecodeErrorKind::UnboundPrefix { prefix }, tag_offset)
                );
            }
        }
        if let Some(f) = self.stack.last_mut() {
            f.no_default_ns = no_default_ns;
        }

        let mut nil = false;
        // Most elements have no attributes: skip the attribute parser entirely for them.
        if has_attributes {
            for attr in e.attributes().with_checks(false) {
                let attr = attr.map_err(|err| self.malformed(format!("bad attribute: {err}")))?;
                let (name, prefix) = attr.key.decompose();
                let Some(prefix) = prefix else { continue };
                let is_nil = match name.into_inner() {
                    "nil" => true,
                    "type" => false,
                    _ => continue,
                };
                match self.inner.resolver().resolve_prefix(Some(prefix), false) {
                    ResolveResult::Bound(ns) if ns.0 == XSI_NS => {}
                    _ => continue,
                }
                let value = attr
                    .normalized_value(XmlVersion::Implicit1_0)
                    .map_err(|err| self.malformed(format!("bad attribute value: {err}")))?;
                if is_nil {
                    nil = match trim_xml_ws(&value) {
                        "true" | "1" => true,
                        "false" | "0" => false,
                        other => {
                            return Err(self.error_with(DecodeErrorKind::InvalidNil {
                                value: truncate(other),
                            }));
                        }
                    };
                } else {
                    let t = match self.resolve_qname(trim_xml_ws(&value)) {
                        Ok(q) => XsiType::Resolved(q),
                        Err(kind) => XsiType::Error(self.error_with(kind)),
                    };
                    extra.get_or_insert_default().xsi_type = Some(t);
                }
            }
        }
        Ok(Start {
            local,
            extra,
            id,
            depth: self.stack.len(),
            nil,
        })
    }

    /// Resolves `prefix:local` (or `local`, through the default namespace) in the current
    /// namespace scope.
    fn resolve_qname(&self, text: &str) -> Result<QName, DecodeErrorKind> {
        let invalid = || DecodeErrorKind::InvalidValue {
            message: "invalid QName".to_owned(),
            text: truncate(text),
        };
        if text.is_empty()
            || text
                .bytes()
                .any(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        {
            return Err(invalid());
        }
        let (local, prefix) = QxName(text).decompose();
        let local = local.into_inner();
        if local.is_empty()
            || local.contains(':')
            || prefix.is_some_and(|p| p.into_inner().is_empty())
        {
            return Err(invalid());
        }
        let namespace = match self.inner.resolver().resolve_prefix(prefix, true) {
            ResolveResult::Unbound => None,
            ResolveResult::Bound(ns) => Some(ns.0.to_owned()),
            ResolveResult::Unknown(prefix) => {
                return Err(DecodeErrorKind::UnboundPrefix { prefix });
            }
        };
        Ok(QName {
            namespace,
            local: local.to_owned(),
        })
    }

    fn mark_repeated(&mut self, start: &Start<'_>) {
        if let Some(f) = self.stack.get_mut(start.depth.wrapping_sub(1))
            && f.id == start.id
        {
            f.repeated = true;
        }
    }

    /// Makes sure the element with frame `id` at `depth` is consumed through its end tag,
    /// skipping whatever of it is left.
    fn close(&mut self, id: u64, depth: usize) -> Result<(), DecodeError> {
        match depth.checked_sub(1).and_then(|i| self.stack.get(i)) {
            Some(f) if f.id == id => {}
            // Already popped (or not ours): nothing left to consume.
            _ => return Ok(()),
        }
        loop {
            let len = self.stack.len();
            if len < depth || (len == depth && self.pending_pop) {
                return Ok(());
            }
            self.apply_pending();
            if self.stack.len() < depth {
                return Ok(());
            }
            self.skip_top()?;
        }
    }

    /// Consumes the rest of the innermost open element, through its end tag.
    fn skip_top(&mut self) -> Result<(), DecodeError> {
        let Some(top) = self.stack.last() else {
            return Ok(());
        };
        if top.empty {
            self.pending_pop = true;
            return Ok(());
        }
        let mut level = 0usize;
        loop {
            match self.inner.read_event() {
                Ok(Event::Start(_)) => {
                    level += 1;
                    if self.stack.len().saturating_add(level) > self.limits.max_depth {
                        return Err(self.located(DecodeErrorKind::TooDeep {
                            limit: self.limits.max_depth,
                        }));
                    }
                }
                Ok(Event::End(_)) => {
                    if level == 0 {
                        self.pending_pop = true;
                        return Ok(());
                    }
                    level -= 1;
                }
                Ok(Event::GeneralRef(r)) => {
                    self.resolve_ref(&r)?;
                }
                Ok(Event::Eof) => return Err(self.eof_error()),
                Ok(Event::DocType(t)) => return Err(self.doctype_error(&t)),
                Err(e) => return Err(self.xml_error(&e)),
                Ok(
                    Event::Empty(_)
                    | Event::Text(_)
                    | Event::CData(_)
                    | Event::Comment(_)
                    | Event::PI(_)
                    | Event::Decl(_),
                ) => {}
            }
        }
    }

    /// Collects the text of the innermost open element (frame `id`) through its end tag.
    fn read_text(&mut self, id: u64) -> Result<TextRef<'i>, DecodeError> {
        match self.stack.last() {
            Some(f) if f.id == id && !self.pending_pop => {
                if f.empty {
                    self.pending_pop = true;
                    return Ok(TextRef::Input(""));
                }
            }
            _ => return Err(self.error("element content was already consumed")),
        }
        let mut acc: Option<TextRef<'i>> = None;
        loop {
            match self.inner.read_event() {
                Ok(Event::Text(t)) => self.push_text(&mut acc, t.into_inner())?,
                Ok(Event::CData(c)) => self.push_text(&mut acc, c.into_inner())?,
                Ok(Event::GeneralRef(r)) => {
                    let c = self.resolve_ref(&r)?;
                    self.make_owned(&mut acc);
                    self.text.push(c);
                }
                Ok(Event::End(_)) => {
                    self.pending_pop = true;
                    break;
                }
                // `<` and `>` around a start tag; `<` and `/>` around an empty one.
                Ok(Event::Start(e)) => return Err(self.element_in_text(&e, 2)),
                Ok(Event::Empty(e)) => return Err(self.element_in_text(&e, 3)),
                Ok(Event::Eof) => return Err(self.eof_error()),
                Ok(Event::Comment(_)) | Ok(Event::PI(_)) | Ok(Event::Decl(_)) => {}
                Ok(Event::DocType(t)) => return Err(self.doctype_error(&t)),
                Err(e) => return Err(self.xml_error(&e)),
            }
        }
        Ok(acc.unwrap_or(TextRef::Input("")))
    }

    /// Appends one text segment, keeping it borrowed while it is the only one. Refuses
    /// characters XML 1.0 does not allow (quick-xml passes them through), so that every
    /// decoded string can be written again.
    #[inline]
    fn push_text(
        &mut self,
        acc: &mut Option<TextRef<'i>>,
        seg: Cow<'i, str>,
    ) -> Result<(), DecodeError> {
        // Fast path, one pass over the text: without a byte below 0x20 (which covers `\r` and
        // every forbidden control) or 0xEF (the lead byte of U+FFFE/U+FFFF) there is nothing
        // to refuse or normalize.
        if !has_control_or_ef(seg.as_bytes()) {
            match (&*acc, seg) {
                (None, Cow::Borrowed(s)) => *acc = Some(TextRef::Input(s)),
                (_, seg) => {
                    self.make_owned(acc);
                    self.text.push_str(&seg);
                }
            }
            return Ok(());
        }
        if let Some((at, c)) = forbidden_char(&seg) {
            return Err(self.forbidden_char_error(&seg, at, c));
        }
        match (&*acc, seg) {
            (None, Cow::Borrowed(s)) if find_byte(s.as_bytes(), b'\r').is_none() => {
                *acc = Some(TextRef::Input(s));
            }
            (_, seg) => {
                self.make_owned(acc);
                push_normalized(&mut self.text, &seg);
            }
        }
        Ok(())
    }

    /// A forbidden character at byte `at` of `seg`, located in the input when `seg` is a
    /// slice of it.
    #[cold]
    #[inline(never)]
    fn forbidden_char_error(&self, seg: &str, at: usize, c: char) -> DecodeError {
        let kind = DecodeErrorKind::Malformed(format!(
            "character U+{:04X} is not allowed in XML 1.0",
            u32::from(c)
        ));
        match subslice_offset(self.input, seg).filter(|o| o + seg.len() <= self.input.len()) {
            Some(start) => self.error_at_offset(kind, start + at),
            None => self.located(kind),
        }
    }

    /// Moves accumulated text into the buffer so that more can be appended.
    fn make_owned(&mut self, acc: &mut Option<TextRef<'i>>) {
        match *acc {
            None => self.text.clear(),
            Some(TextRef::Input(s)) => {
                self.text.clear();
                self.text.push_str(s);
            }
            Some(TextRef::Buf) => return,
        }
        *acc = Some(TextRef::Buf);
    }

    fn text_of(&self, tr: TextRef<'i>) -> &str {
        match tr {
            TextRef::Input(s) => s,
            TextRef::Buf => &self.text,
        }
    }

    /// The character a reference stands for: one of the five predefined entities or a
    /// character reference to a char XML 1.0 allows.
    fn resolve_ref(&self, name: &str) -> Result<char, DecodeError> {
        let c = match name {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "apos" => Some('\''),
            "quot" => Some('"'),
            _ => name.strip_prefix('#').and_then(parse_char_ref),
        };
        match c {
            Some(c) => Ok(c),
            None => {
                // The reference `&name;` ends at the current position.
                let pos = offset_to_usize(self.inner.buffer_position());
                Err(self.error_at_offset(
                    DecodeErrorKind::UndefinedEntity(truncate(name)),
                    pos.saturating_sub(name.len() + 2),
                ))
            }
        }
    }

    fn path_string(&self, leaf: Option<&str>) -> String {
        let mut path = String::new();
        for f in self.stack.iter().skip(self.path_base) {
            if !path.is_empty() {
                path.push('/');
            }
            path.push_str(&String::from_utf8_lossy(f.local));
            if f.repeated || f.index > 1 {
                path.push('[');
                path.push_str(&f.index.to_string());
                path.push(']');
            }
        }
        if let Some(leaf) = leaf {
            if !path.is_empty() {
                path.push('/');
            }
            path.push_str(leaf);
        }
        path
    }

    /// An error of any kind at the current element path.
    pub fn error_with(&self, kind: DecodeErrorKind) -> DecodeError {
        DecodeError::new(self.path_string(None), kind, None)
    }

    fn missing(&self, field: &str) -> DecodeError {
        DecodeError::new(
            self.path_string(Some(field)),
            DecodeErrorKind::Missing,
            None,
        )
    }

    fn value_error(&self, message: String, text: &str) -> DecodeError {
        self.error_with(DecodeErrorKind::InvalidValue {
            message,
            text: truncate(text),
        })
    }

    fn malformed(&self, message: String) -> DecodeError {
        self.located(DecodeErrorKind::Malformed(message))
    }

    /// An error located at the current position.
    fn located(&self, kind: DecodeErrorKind) -> DecodeError {
        let pos = offset_to_usize(self.inner.buffer_position());
        self.error_at_offset(kind, pos)
    }

    fn eof_error(&self) -> DecodeError {
        self.error_at_offset(DecodeErrorKind::UnexpectedEof, self.input.len())
    }

    /// A child element inside simple content, located at its `<` so a user can find the
    /// unescaped markup in a large body: the reader has just passed the tag, whose inner bytes
    /// the event holds; `delimiters` is the length of `<`…`>` (2) or `<`…`/>` (3).
    fn element_in_text(
        &self,
        e: &quick_xml::events::BytesStart<'_>,
        delimiters: usize,
    ) -> DecodeError {
        let found = e.name().into_inner().to_owned();
        let offset = (self.inner.buffer_position() as usize).saturating_sub(e.len() + delimiters);
        self.error_at_offset(DecodeErrorKind::ElementInSimpleContent { found }, offset)
    }

    fn error_at_offset(&self, kind: DecodeErrorKind, offset: usize) -> DecodeError {
        DecodeError::new(
            self.path_string(None),
            kind,
            Some(location_of(self.input, offset)),
        )
    }
}

/// Line and column (1-based, column in chars) of byte `offset` in `input`.
fn location_of(input: &[u8], offset: usize) -> Location {
    let before = input.get(..offset).unwrap_or(input);
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let column = 1 + before
        .get(line_start..)
        .unwrap_or_default()
        .iter()
        .filter(|&&b| (b & 0xC0) != 0x80)
        .count();
    Location { line, column }
}

fn offset_to_usize(o: u64) -> usize {
    usize::try_from(o).unwrap_or(usize::MAX)
}

/// Offset of `s` in `input`, when `s` points into it. Events of a slice reader borrow from
/// the input: recovering the input lifetime this way avoids copying names.
fn subslice_offset(input: &[u8], s: &str) -> Option<usize> {
    let start = (s.as_ptr() as usize).checked_sub(input.as_ptr() as usize)?;
    (start <= input.len()).then_some(start)
}

/// Position of `needle` in `hay`, eight bytes at a time: names and texts are short, where a
/// memchr call costs more than it saves and a byte loop mispredicts at its variable end.
fn find_byte(hay: &[u8], needle: u8) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let pattern = LO * u64::from(needle);
    let mut chunks = hay.chunks_exact(8);
    let mut base = 0;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let v = u64::from_le_bytes(word) ^ pattern;
        // Lowest byte of `v` that is zero marks the first match (higher bits may be spurious).
        let zero = v.wrapping_sub(LO) & !v & HI;
        if zero != 0 {
            return Some(base + (zero.trailing_zeros() / 8) as usize);
        }
        base += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| b == needle)
        .map(|i| base + i)
}

/// Parses the part of a character reference after `#`.
fn parse_char_ref(num: &str) -> Option<char> {
    let (digits, radix) = match num.strip_prefix('x') {
        Some(hex) => (hex, 16),
        None => (num, 10),
    };
    if digits.is_empty() || !digits.bytes().all(|b| (b as char).is_digit(radix)) {
        return None;
    }
    let code = u32::from_str_radix(digits, radix).ok()?;
    char::from_u32(code).filter(|&c| is_xml_char(c))
}

/// Whether `bytes` has a byte below 0x20 or equal to 0xEF, eight bytes at a time (texts are
/// short and almost never have one, so this decides the fast path of `push_text`).
#[inline]
fn has_control_or_ef(bytes: &[u8]) -> bool {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let v = u64::from_le_bytes(word);
        // Some byte < 0x20 (exact for presence: bytes >= 0x80 are masked by `!v`).
        let below = v.wrapping_sub(LO * 0x20) & !v & HI;
        // Some byte == 0xEF.
        let x = v ^ (LO * 0xEF);
        let ef = x.wrapping_sub(LO) & !x & HI;
        if below | ef != 0 {
            return true;
        }
    }
    chunks.remainder().iter().any(|&b| b < 0x20 || b == 0xEF)
}

/// The first character of `s` that XML 1.0 does not allow, with its byte offset: a C0 control
/// other than tab, LF and CR, or U+FFFE/U+FFFF (a `str` holds no surrogates).
#[inline]
fn forbidden_char(s: &str) -> Option<(usize, char)> {
    let bytes = s.as_bytes();
    let mut from = 0;
    loop {
        let rest = bytes.get(from..)?;
        let at = from + rest.iter().position(|&b| b < 0x20 || b == 0xEF)?;
        match bytes.get(at..at + 3) {
            Some([0xEF, 0xBF, 0xBE]) => return Some((at, '\u{FFFE}')),
            Some([0xEF, 0xBF, 0xBF]) => return Some((at, '\u{FFFF}')),
            _ => {}
        }
        match bytes.get(at) {
            Some(&b) if b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r') => {
                return Some((at, char::from(b)));
            }
            _ => from = at + 1,
        }
    }
}

/// XML 1.0 `Char`.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

fn is_xml_ws(s: &str) -> bool {
    s.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
}

fn trim_xml_ws(s: &str) -> &str {
    s.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r'))
}

/// Appends `s` with XML end-of-line normalization (`\r\n` and lone `\r` become `\n`).
fn push_normalized(out: &mut String, s: &str) {
    let mut rest = s;
    while let Some(i) = find_byte(rest.as_bytes(), b'\r') {
        out.push_str(rest.get(..i).unwrap_or_default());
        out.push('\n');
        let after = rest.get(i + 1..).unwrap_or_default();
        rest = after.strip_prefix('\n').unwrap_or(after);
    }
    out.push_str(rest);
}

fn truncate(s: &str) -> String {
    match s.char_indices().nth(MAX_ERROR_TEXT) {
        Some((i, _)) => format!("{}…", s.get(..i).unwrap_or_default()),
        None => s.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DateTime;

    const MKT: &str = "http://www.marketo.com/mktows/";

    /// Decodes the root element of `xml` as `T` and checks the document ends there.
    fn decode_root<T: Decode>(xml: &str) -> Result<T, DecodeError> {
        decode_root_with(xml, ReadLimits::default())
    }

    fn decode_root_with<T: Decode>(xml: &str, limits: ReadLimits) -> Result<T, DecodeError> {
        let mut r = Reader::new(xml.as_bytes(), limits);
        let root = r.next_child()?.ok_or_else(|| r.error("no root"))?;
        let v = T::decode(&mut r, &root)?;
        r.finish()?;
        Ok(v)
    }

    fn err<T: Decode + fmt::Debug>(xml: &str) -> DecodeError {
        decode_root::<T>(xml).expect_err("decode should fail")
    }

    #[derive(Debug, PartialEq)]
    struct LeadKey {
        key_type: String,
        key_value: Option<String>,
    }

    impl Decode for LeadKey {
        fn decode(r: &mut Reader<'_>, _start: &Start<'_>) -> Result<Self, DecodeError> {
            let mut key_type = None;
            let mut key_value = None;
            while let Some(c) = r.next_child()? {
                match c.unqualified() {
                    Some(b"keyType") => r.required(&c, &mut key_type)?,
                    Some(b"keyValue") => r.optional(&c, &mut key_value)?,
                    _ => r.skip(&c)?,
                }
            }
            Ok(LeadKey {
                key_type: r.require(key_type, "keyType")?,
                key_value,
            })
        }
    }

    #[derive(Debug, PartialEq, Default)]
    struct Params {
        lead_key: Option<LeadKey>,
        since: Option<DateTime>,
        count: Option<i32>,
        flag: Nillable<bool>,
        tags: Vec<String>,
        ids: Vec<Option<i32>>,
        note: Option<Option<String>>,
        batch: Option<i32>,
    }

    impl Decode for Params {
        fn decode(r: &mut Reader<'_>, _start: &Start<'_>) -> Result<Self, DecodeError> {
            let mut p = Params::default();
            let mut batch = None;
            while let Some(c) = r.next_child()? {
                match c.unqualified() {
                    Some(b"leadKey") => r.required(&c, &mut p.lead_key)?,
                    Some(b"since") => r.optional(&c, &mut p.since)?,
                    Some(b"count") => r.optional(&c, &mut p.count)?,
                    Some(b"flag") => r.optional_nillable(&c, &mut p.flag)?,
                    Some(b"tag") => r.repeated(&c, &mut p.tags)?,
                    Some(b"id") => r.repeated_nillable(&c, &mut p.ids)?,
                    Some(b"note") => r.nillable(&c, &mut p.note)?,
                    Some(b"batch") => r.required(&c, &mut batch)?,
                    _ => r.skip(&c)?,
                }
            }
            p.batch = Some(r.require(batch, "batch")?);
            Ok(p)
        }
    }

    /// (unqualified, local name, namespace) of a child.
    type ChildName = (Option<Vec<u8>>, Vec<u8>, Option<Vec<u8>>);

    /// Records the top-level element's name and namespace, then skips it.
    #[derive(Debug)]
    struct Names {
        ns: Option<Vec<u8>>,
        local: Vec<u8>,
        children: Vec<ChildName>,
    }

    impl Decode for Names {
        fn decode(r: &mut Reader<'_>, start: &Start<'_>) -> Result<Self, DecodeError> {
            let mut children = Vec::new();
            while let Some(c) = r.next_child()? {
                children.push((
                    c.unqualified().map(<[u8]>::to_vec),
                    c.local_name().to_vec(),
                    c.namespace().map(<[u8]>::to_vec),
                ));
                r.skip(&c)?;
            }
            Ok(Names {
                ns: start.namespace().map(<[u8]>::to_vec),
                local: start.local_name().to_vec(),
                children,
            })
        }
    }

    #[test]
    fn top_level_element_with_any_prefix_or_default_namespace() {
        for xml in [
            r#"<ns1:paramsGetLead xmlns:ns1="http://www.marketo.com/mktows/"><leadKey/></ns1:paramsGetLead>"#,
            r#"<m:paramsGetLead xmlns:m="http://www.marketo.com/mktows/"><leadKey/></m:paramsGetLead>"#,
            r#"<paramsGetLead xmlns="http://www.marketo.com/mktows/"><leadKey xmlns=""/></paramsGetLead>"#,
        ] {
            let n: Names = decode_root(xml).unwrap();
            assert_eq!(n.ns.as_deref(), Some(MKT.as_bytes()), "{xml}");
            assert_eq!(n.local, b"paramsGetLead");
            assert_eq!(
                n.children,
                vec![(Some(b"leadKey".to_vec()), b"leadKey".to_vec(), None)]
            );
        }
    }

    /// Every element below the root, in document order: (local name, namespace).
    struct Flat(Vec<(String, Option<String>)>);

    impl Decode for Flat {
        fn decode(r: &mut Reader<'_>, _start: &Start<'_>) -> Result<Self, DecodeError> {
            fn walk(
                r: &mut Reader<'_>,
                out: &mut Vec<(String, Option<String>)>,
            ) -> Result<(), DecodeError> {
                while let Some(c) = r.next_child()? {
                    out.push((
                        String::from_utf8_lossy(c.local_name()).into_owned(),
                        c.namespace()
                            .map(|n| String::from_utf8_lossy(n).into_owned()),
                    ));
                    walk(r, out)?;
                }
                Ok(())
            }
            let mut out = Vec::new();
            walk(r, &mut out)?;
            Ok(Flat(out))
        }
    }

    #[test]
    fn default_namespace_scope_is_inherited_through_elements_without_attributes() {
        // The reader skips the resolver for attribute-less elements whose parent has no
        // default namespace in scope; every other case must still resolve exactly.
        let Flat(v) = decode_root(concat!(
            r#"<p:root xmlns:p="urn:p"><a><b/></a>"#,
            r#"<c xmlns="urn:d"><d><e/></d><f xmlns=""><g/></f><p:h><i/></p:h></c>"#,
            r#"<j><k xmlns="urn:k"/><l/></j><m x="1"><n/></m></p:root>"#,
        ))
        .unwrap();
        let d = |s: &str| Some(s.to_owned());
        let expected: Vec<(String, Option<String>)> = vec![
            ("a".into(), None),
            ("b".into(), None),
            ("c".into(), d("urn:d")),
            ("d".into(), d("urn:d")),
            ("e".into(), d("urn:d")),
            ("f".into(), None),
            ("g".into(), None),
            ("h".into(), d("urn:p")),
            ("i".into(), d("urn:d")),
            ("j".into(), None),
            ("k".into(), d("urn:k")),
            ("l".into(), None),
            ("m".into(), None),
            ("n".into(), None),
        ];
        assert_eq!(v, expected);
    }

    #[test]
    fn qualified_or_default_namespaced_children_do_not_match_unqualified() {
        let n: Names = decode_root(
            r#"<paramsGetLead xmlns="urn:x" xmlns:ns1="urn:y"><leadKey/><ns1:leadKey/></paramsGetLead>"#,
        )
        .unwrap();
        assert_eq!(
            n.children,
            vec![
                (None, b"leadKey".to_vec(), Some(b"urn:x".to_vec())),
                (None, b"leadKey".to_vec(), Some(b"urn:y".to_vec())),
            ]
        );
        // So a generated decoder does not see the field at all.
        let e = err::<Params>(r#"<p xmlns:ns1="urn:y"><ns1:batch>1</ns1:batch></p>"#);
        assert_eq!(e.to_string(), "at p/batch: missing required element");
    }

    #[test]
    fn full_decode_with_entities_cdata_comments() {
        let p: Params = decode_root(concat!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- leading comment -->\n",
            "<p xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n",
            "  <leadKey><keyType>IDNUM</keyType><keyValue> example_user_0001 &amp; &lt;co&gt; &#x41;&#66; </keyValue></leadKey>\n",
            "  <since>2013-08-03T21:39:34-07:00</since>\n",
            "  <count>\n 42 <!-- c --> </count>\n",
            "  <flag xsi:nil=\"false\"> true </flag>\n",
            "  <tag><![CDATA[a<b>&c]]></tag><?pi data?><tag>x<!-- split -->y</tag><tag/>\n",
            "  <id>7</id><id xsi:nil=\"1\"/>\n",
            "  <unknown attr=\"v\"><deep><deeper>text &amp; more</deeper></deep></unknown>\n",
            "  <note xsi:nil=\"true\"/>\n",
            "  <batch>1</batch>\n",
            "</p>\n<!-- trailing -->\n",
        ))
        .unwrap();
        assert_eq!(
            p,
            Params {
                lead_key: Some(LeadKey {
                    key_type: "IDNUM".into(),
                    key_value: Some(" example_user_0001 & <co> AB ".into()),
                }),
                since: Some("2013-08-03T21:39:34-07:00".parse().unwrap()),
                count: Some(42),
                flag: Nillable::Value(true),
                tags: vec!["a<b>&c".into(), "xy".into(), String::new()],
                ids: vec![Some(7), None],
                note: Some(None),
                batch: Some(1),
            }
        );
    }

    #[test]
    fn end_of_line_normalization() {
        let k: LeadKey = decode_root("<k><keyType>a\r\nb\rc&#13;d</keyType></k>").unwrap();
        assert_eq!(k.key_type, "a\nb\nc\rd");
    }

    #[test]
    fn unknown_elements_are_skipped() {
        let k: LeadKey = decode_root(
            "<k><future><keyType>nested, not ours</keyType><x/></future><keyType>EMAIL</keyType><more a='1'/></k>",
        )
        .unwrap();
        assert_eq!(
            k,
            LeadKey {
                key_type: "EMAIL".into(),
                key_value: None
            }
        );
    }

    #[test]
    fn duplicate_element_is_an_error() {
        let e = err::<Params>("<p><batch>1</batch><batch>2</batch></p>");
        assert_eq!(e.path(), "p/batch[2]");
        assert_eq!(e.kind(), &DecodeErrorKind::Duplicate);
        assert_eq!(e.to_string(), "at p/batch[2]: element may occur only once");
        let e = err::<Params>("<p><flag>true</flag><batch>1</batch><flag>false</flag></p>");
        assert_eq!(e.to_string(), "at p/flag: element may occur only once");
    }

    #[test]
    fn missing_required_names_the_field() {
        let e = err::<Params>(
            "<paramsGetLead><leadKey><keyValue>v</keyValue></leadKey><batch>1</batch></paramsGetLead>",
        );
        assert_eq!(e.path(), "paramsGetLead/leadKey/keyType");
        assert_eq!(e.kind(), &DecodeErrorKind::Missing);
        assert_eq!(e.location(), None);
        assert_eq!(
            e.to_string(),
            "at paramsGetLead/leadKey/keyType: missing required element"
        );
    }

    #[derive(Debug)]
    struct Record {
        _id: i32,
    }
    impl Decode for Record {
        fn decode(r: &mut Reader<'_>, _s: &Start<'_>) -> Result<Self, DecodeError> {
            let mut id = None;
            while let Some(c) = r.next_child()? {
                match c.unqualified() {
                    Some(b"Id") => r.required(&c, &mut id)?,
                    _ => r.skip(&c)?,
                }
            }
            Ok(Record {
                _id: r.require(id, "Id")?,
            })
        }
    }
    #[derive(Debug)]
    struct List(#[allow(dead_code)] Vec<Record>);
    impl Decode for List {
        fn decode(r: &mut Reader<'_>, _s: &Start<'_>) -> Result<Self, DecodeError> {
            let mut v = Vec::new();
            while let Some(c) = r.next_child()? {
                match c.unqualified() {
                    Some(b"leadRecord") => r.repeated(&c, &mut v)?,
                    _ => r.skip(&c)?,
                }
            }
            Ok(List(v))
        }
    }
    /// `result` / `leadRecordList` wrappers.
    #[derive(Debug)]
    struct Wrap<T>(T);
    impl<T: Decode> Decode for Wrap<T> {
        fn decode(r: &mut Reader<'_>, _s: &Start<'_>) -> Result<Self, DecodeError> {
            let mut inner = None;
            while let Some(c) = r.next_child()? {
                r.required(&c, &mut inner)?;
            }
            Ok(Wrap(r.require(inner, "inner")?))
        }
    }

    #[test]
    fn repeated_elements_have_indices_in_paths() {
        let xml = r#"<ns1:successGetMultipleLeads xmlns:ns1="http://www.marketo.com/mktows/"><result><leadRecordList>
            <leadRecord><Id>1</Id></leadRecord>
            <leadRecord><Id>2</Id></leadRecord>
            <leadRecord><Email>x</Email><Id>12x</Id></leadRecord>
        </leadRecordList></result></ns1:successGetMultipleLeads>"#;
        let e = err::<Wrap<Wrap<List>>>(xml);
        assert_eq!(
            e.path(),
            "successGetMultipleLeads/result/leadRecordList/leadRecord[3]/Id"
        );
        assert_eq!(e.text(), Some("12x"));
        assert_eq!(
            e.to_string(),
            r#"at successGetMultipleLeads/result/leadRecordList/leadRecord[3]/Id: invalid xs:int "12x""#
        );
        // A repeated element shows [1] too; a missing field inside it names the index.
        let e = err::<Wrap<List>>("<r><l><leadRecord><X/></leadRecord></l></r>");
        assert_eq!(
            e.to_string(),
            "at r/l/leadRecord[1]/Id: missing required element"
        );
    }

    #[test]
    fn doctype_and_billion_laughs_are_refused() {
        let laughs = concat!(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n",
            " <!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n",
            " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n",
            " <!ENTITY lol9 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n",
            "]>\n<lolz>&lol9;</lolz>"
        );
        let t = std::time::Instant::now();
        let e = err::<LeadKey>(laughs);
        assert!(t.elapsed() < std::time::Duration::from_secs(1));
        assert_eq!(e.kind(), &DecodeErrorKind::Doctype);
        assert_eq!(e.location(), Some(Location { line: 2, column: 1 }));
        assert_eq!(
            e.to_string(),
            "at line 2, column 1: malformed XML: DOCTYPE is not allowed (no DTDs or custom entities)"
        );
        // Inside an element, and inside skipped content too.
        let e = err::<LeadKey>("<k><keyType><!DOCTYPE x></keyType></k>");
        assert_eq!(e.kind(), &DecodeErrorKind::Doctype);
        assert_eq!(e.path(), "k/keyType");
        let e = err::<LeadKey>("<k><zz><!DOCTYPE x></zz><keyType>a</keyType></k>");
        assert_eq!(e.kind(), &DecodeErrorKind::Doctype);
        // An entity without DTD is simply undefined.
        let e = err::<LeadKey>("<k><keyType>&lol9;</keyType></k>");
        assert_eq!(e.kind(), &DecodeErrorKind::UndefinedEntity("lol9".into()));
        assert_eq!(
            e.to_string(),
            "at line 1, column 13 (in k/keyType): malformed XML: undefined entity or bad character reference &lol9;"
        );
    }

    #[test]
    fn bad_character_references() {
        for (xml, name) in [
            ("<k><keyType>&#0;</keyType></k>", "#0"),
            ("<k><keyType>&#1;</keyType></k>", "#1"),
            ("<k><keyType>&#xFFFE;</keyType></k>", "#xFFFE"),
            ("<k><keyType>&#xD800;</keyType></k>", "#xD800"),
            ("<k><keyType>&#x110000;</keyType></k>", "#x110000"),
            ("<k><keyType>&#-5;</keyType></k>", "#-5"),
            ("<k><keyType>&#X41;</keyType></k>", "#X41"),
        ] {
            let e = err::<LeadKey>(xml);
            assert_eq!(
                e.kind(),
                &DecodeErrorKind::UndefinedEntity(name.into()),
                "{xml}"
            );
        }
        let k: LeadKey =
            decode_root("<k><keyType>&#x1F600;&#233;&apos;&quot;</keyType></k>").unwrap();
        assert_eq!(k.key_type, "😀é'\"");
    }

    #[test]
    fn depth_limit() {
        let deep = format!("<k>{}{}</k>", "<a>".repeat(300), "</a>".repeat(300));
        // Inside skipped content.
        let e = err::<LeadKey>(&deep);
        assert_eq!(e.kind(), &DecodeErrorKind::TooDeep { limit: 256 });
        assert_eq!(e.path(), "k/a");
        // Through decoded elements.
        let limits = ReadLimits { max_depth: 3 };
        let e = decode_root_with::<Wrap<Wrap<Wrap<i32>>>>("<a><b><c><d>1</d></c></b></a>", limits)
            .unwrap_err();
        assert_eq!(e.kind(), &DecodeErrorKind::TooDeep { limit: 3 });
        assert_eq!(e.path(), "a/b/c/d");
        assert_eq!(
            e.to_string(),
            "at line 1, column 10 (in a/b/c/d): elements nested deeper than the limit of 3"
        );
        let ok = decode_root_with::<Wrap<Wrap<i32>>>("<a><b><c>1</c></b></a>", limits).unwrap();
        assert_eq!(ok.0.0, 1);
    }

    #[test]
    fn xsi_nil_forms() {
        let nil = |v: &str| {
            decode_root::<Params>(&format!(
                r#"<p xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><flag i:nil="{v}">true</flag><batch>1</batch></p>"#
            ))
            .map(|p| p.flag)
        };
        assert_eq!(nil("true"), Ok(Nillable::Nil));
        assert_eq!(nil(" 1 "), Ok(Nillable::Nil));
        assert_eq!(nil("\ttrue\n"), Ok(Nillable::Nil));
        assert_eq!(nil("false"), Ok(Nillable::Value(true)));
        assert_eq!(nil("0"), Ok(Nillable::Value(true)));
        let e = nil("maybe").unwrap_err();
        assert_eq!(
            e.kind(),
            &DecodeErrorKind::InvalidNil {
                value: "maybe".into()
            }
        );
        assert_eq!(
            e.to_string(),
            r#"at p/flag: invalid xsi:nil "maybe" (expected true, false, 1 or 0)"#
        );
        // `nil` in another namespace is just an attribute.
        let p: Params = decode_root(
            r#"<p xmlns:o="urn:other"><flag o:nil="true">false</flag><batch>1</batch></p>"#,
        )
        .unwrap();
        assert_eq!(p.flag, Nillable::Value(false));
    }

    #[test]
    fn empty_optional_non_string_is_absent() {
        for since in [
            "<since/>",
            "<since></since>",
            "<since> \n\t</since>",
            "<since><!-- c --></since>",
        ] {
            let p: Params =
                decode_root(&format!("<p>{since}<count/><batch>1</batch></p>")).unwrap();
            assert_eq!(p.since, None, "{since}");
            assert_eq!(p.count, None);
        }
        let p: Params = decode_root("<p><flag/><batch>1</batch></p>").unwrap();
        assert_eq!(p.flag, Nillable::Absent);
        // Strings keep empty text.
        let k: LeadKey = decode_root("<k><keyType/><keyValue></keyValue></k>").unwrap();
        assert_eq!(
            k,
            LeadKey {
                key_type: String::new(),
                key_value: Some(String::new())
            }
        );
        let k: LeadKey = decode_root("<k><keyType> </keyType></k>").unwrap();
        assert_eq!(k.key_type, " ");
    }

    #[test]
    fn empty_required_int_is_an_error() {
        let e = err::<Params>("<p><batch/></p>");
        assert_eq!(
            e.kind(),
            &DecodeErrorKind::InvalidValue {
                message: "invalid xs:int".into(),
                text: String::new()
            }
        );
        assert_eq!(e.to_string(), r#"at p/batch: invalid xs:int """#);
        let e = err::<Params>("<p><batch> </batch></p>");
        assert_eq!(e.to_string(), r#"at p/batch: invalid xs:int """#);
        let e = err::<Params>("<p><count>x1</count><batch>1</batch></p>");
        assert_eq!(e.to_string(), r#"at p/count: invalid xs:int "x1""#);
    }

    #[test]
    fn long_bad_text_is_truncated() {
        let long = "9".repeat(100);
        let e = err::<Params>(&format!("<p><batch>{long}</batch></p>"));
        assert_eq!(e.text(), Some(format!("{}…", "9".repeat(64)).as_str()));
        assert_eq!(
            e.kind(),
            &DecodeErrorKind::InvalidValue {
                message: "invalid xs:int (out of range)".into(),
                text: format!("{}…", "9".repeat(64))
            }
        );
    }

    /// Returns the resolved xsi:type of the root and of each child.
    #[derive(Debug)]
    struct Types(Vec<Result<Option<QName>, String>>);
    impl Decode for Types {
        fn decode(r: &mut Reader<'_>, start: &Start<'_>) -> Result<Self, DecodeError> {
            let mut v = vec![r.xsi_type(start).map_err(|e| e.to_string())];
            while let Some(c) = r.next_child()? {
                v.push(r.xsi_type(&c).map_err(|e| e.to_string()));
                r.skip(&c)?;
            }
            Ok(Types(v))
        }
    }

    #[test]
    fn xsi_type_resolution() {
        let t: Types = decode_root(concat!(
            r#"<r xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:ns1="http://www.marketo.com/mktows/" xsi:type="ns1:LeadRecord">"#,
            r#"<a xsi:type="q:Attrib" xmlns:q="http://www.marketo.com/mktows/"/>"#,
            r#"<b xmlns="urn:default" xsi:type=" Plain "/>"#,
            r#"<c xsi:type="Plain"/>"#,
            r#"<d xsi:type="zz:Nope"/>"#,
            r#"<e/>"#,
            r#"<f i:type="ns1:X" xmlns:i="http://www.w3.org/2001/XMLSchema-instance"/>"#,
            r#"<g xsi:type="a:b:c" xmlns:a="urn:a"/>"#,
            "</r>"
        ))
        .unwrap();
        assert_eq!(
            t.0,
            vec![
                Ok(Some(QName::new(Some(MKT), "LeadRecord"))),
                Ok(Some(QName::new(Some(MKT), "Attrib"))),
                Ok(Some(QName::new(Some("urn:default"), "Plain"))),
                Ok(Some(QName::new(None, "Plain"))),
                Err(r#"at r/d: unbound namespace prefix "zz""#.to_owned()),
                Ok(None),
                Ok(Some(QName::new(Some(MKT), "X"))),
                Err(r#"at r/g: invalid QName "a:b:c""#.to_owned()),
            ]
        );
    }

    #[test]
    fn element_content_in_simple_type_is_an_error() {
        let e = err::<LeadKey>("<k><keyType><p>x</p></keyType></k>");
        assert_eq!(
            e.kind(),
            &DecodeErrorKind::ElementInSimpleContent { found: "p".into() }
        );
        assert_eq!(
            e.to_string(),
            "at line 1, column 13 (in k/keyType): element content not allowed in simple-typed element (found <p>)"
        );
        let e = err::<Params>("<p><count>1<br/></count></p>");
        assert_eq!(e.path(), "p/count");
    }

    #[test]
    fn truncated_input_is_located() {
        let e = err::<LeadKey>("<paramsGetLead>\n  <keyType>abc");
        assert_eq!(e.kind(), &DecodeErrorKind::UnexpectedEof);
        assert_eq!(
            e.location(),
            Some(Location {
                line: 2,
                column: 15
            })
        );
        assert_eq!(
            e.to_string(),
            "at line 2, column 15 (in paramsGetLead/keyType): malformed XML: unexpected end of input"
        );
        let e = err::<LeadKey>("<paramsGetLead>\n<keyType>a</keyType>\n<keyVal");
        assert!(matches!(e.kind(), DecodeErrorKind::Malformed(_)), "{e}");
        assert_eq!(e.location(), Some(Location { line: 3, column: 1 }));
        assert!(
            e.to_string()
                .starts_with("at line 3, column 1 (in paramsGetLead): malformed XML: "),
            "{e}"
        );
        let e = err::<LeadKey>("<k><keyType>a</keyType>");
        assert_eq!(e.kind(), &DecodeErrorKind::UnexpectedEof);
        assert_eq!(e.path(), "k");
        let e = err::<LeadKey>("<k><keyType>a</keyTyp></k>");
        assert_eq!(
            e.location(),
            Some(Location {
                line: 1,
                column: 14
            })
        );
        assert_eq!(e.path(), "k/keyType");
        let e = decode_root::<LeadKey>("").unwrap_err();
        assert_eq!(e.to_string(), "at document root: no root");
    }

    #[test]
    fn control_or_ef_scan_matches_a_byte_loop() {
        let slow = |b: &[u8]| b.iter().any(|&c| c < 0x20 || c == 0xEF);
        // Every byte value at every position of texts of 1 to 17 bytes, on backgrounds of
        // ASCII, high bytes and bytes just above the thresholds.
        for background in [b'a', 0x20, 0x80, 0xEE, 0xF0, 0xFF] {
            for len in 1..=17 {
                for at in 0..len {
                    for b in 0..=255u8 {
                        let mut v = vec![background; len];
                        v[at] = b;
                        assert_eq!(has_control_or_ef(&v), slow(&v), "{v:?}");
                    }
                }
            }
        }
        assert!(!has_control_or_ef(b""));
    }

    /// Regression (fuzzing, decode_response): a raw control character in text decoded, but
    /// the writer refuses it, so a decoded request could not be written again.
    #[test]
    fn characters_xml_forbids_are_refused_in_text() {
        let e = err::<LeadKey>("<k>\n<keyType>a\u{8}b</keyType></k>");
        assert_eq!(
            e.to_string(),
            "at line 2, column 11 (in k/keyType): malformed XML: character U+0008 is not allowed in XML 1.0"
        );
        // In CDATA, in a later segment, and U+FFFE/U+FFFF.
        for (xml, c) in [
            ("<k><keyType><![CDATA[\u{1}]]></keyType></k>", "U+0001"),
            ("<k><keyType>a&amp;\u{1F}</keyType></k>", "U+001F"),
            ("<k><keyType>\u{FFFE}</keyType></k>", "U+FFFE"),
            ("<k><keyType>x\u{FFFF}</keyType></k>", "U+FFFF"),
            (
                "<k><keyType>a</keyType><keyValue>\u{0}</keyValue></k>",
                "U+0000",
            ),
        ] {
            let e = err::<LeadKey>(xml);
            assert!(
                matches!(e.kind(), DecodeErrorKind::Malformed(m) if m == &format!("character {c} is not allowed in XML 1.0")),
                "{xml:?}: {e}"
            );
        }
        // Tab, LF, CR and the characters around U+FFFE that share its first bytes are fine.
        let k = decode_root::<LeadKey>("<k><keyType>\t\r\n \u{FFFD}\u{FF10}\u{EFFF}</keyType></k>")
            .unwrap();
        assert_eq!(k.key_type, "\t\n \u{FFFD}\u{FF10}\u{EFFF}");
        assert_eq!(forbidden_char("ab\u{7}"), Some((2, '\u{7}')));
        assert_eq!(forbidden_char("\u{FFFD}\u{FFFF}"), Some((3, '\u{FFFF}')));
        assert_eq!(forbidden_char("\u{EFBF}\t"), None);
    }

    #[test]
    fn invalid_utf8_is_located() {
        let mut xml = b"<k>\n<keyType>ab".to_vec();
        xml.extend_from_slice(&[0xC3, 0x28]);
        xml.extend_from_slice(b"</keyType></k>");
        let mut r = Reader::new(&xml, ReadLimits::default());
        let root = r.next_child().unwrap().unwrap();
        let e = LeadKey::decode(&mut r, &root).unwrap_err();
        assert_eq!(e.kind(), &DecodeErrorKind::InvalidUtf8);
        assert_eq!(
            e.location(),
            Some(Location {
                line: 2,
                column: 12
            })
        );
        assert_eq!(
            e.to_string(),
            "at line 2, column 12 (in k/keyType): malformed XML: invalid UTF-8"
        );
        // In a name as well.
        let e = Reader::new(b"<k\xff/>", ReadLimits::default())
            .next_child()
            .unwrap_err();
        assert_eq!(e.kind(), &DecodeErrorKind::InvalidUtf8);
    }

    #[test]
    fn unbound_element_prefix_and_trailing_garbage() {
        let e = err::<Names>("<x:k/>");
        assert_eq!(
            e.kind(),
            &DecodeErrorKind::UnboundPrefix { prefix: "x".into() }
        );
        let e = err::<Names>("<k/><k/>");
        assert_eq!(e.to_string(), "at k[2]: expected end of document, found k");
        let e = err::<Names>("<k/>text");
        assert!(matches!(e.kind(), DecodeErrorKind::Malformed(_)));
    }

    #[test]
    fn never_panics_on_garbage() {
        let inputs: [&[u8]; 16] = [
            b"",
            b"<",
            b"<>",
            b"</a>",
            b"<a",
            b"<a b=>",
            b"<a b='1' b='2'/>",
            b"<!-",
            b"<![CDATA[",
            b"<?xml",
            b"&",
            b"<a>&",
            b"<a>&amp",
            b"<a xmlns:xml='urn:x'/>",
            b"<a:b:c/>",
            b"\xff\xfe<\x00a\x00>",
        ];
        for input in inputs {
            let mut r = Reader::new(input, ReadLimits::default());
            let _ = (|| -> Result<(), DecodeError> {
                while let Some(s) = r.next_child()? {
                    let _ = Params::decode(&mut r, &s);
                    r.skip(&s)?;
                }
                r.finish()
            })();
        }
        // Every prefix of a valid document fails cleanly.
        let doc = r#"<p xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><leadKey><keyType>a&amp;b</keyType></leadKey><flag xsi:nil="true"/><tag><![CDATA[x]]></tag><batch>1</batch></p>"#;
        for i in 0..doc.len() {
            assert!(
                decode_root::<Params>(&doc[..i]).is_err(),
                "prefix {i} accepted"
            );
        }
        assert!(decode_root::<Params>(doc).is_ok());
    }

    #[test]
    fn misuse_does_not_panic() {
        let mut r = Reader::new(b"<a><b>1</b><c>2</c></a>", ReadLimits::default());
        let a = r.next_child().unwrap().unwrap();
        let b = r.next_child().unwrap().unwrap();
        assert_eq!(r.simple::<i32>(&b), Ok(1));
        // Reading it again is an error, skipping it again is a no-op.
        assert!(r.simple::<i32>(&b).is_err());
        r.skip(&b).unwrap();
        // Skipping the parent consumes the rest.
        r.skip(&a).unwrap();
        assert!(r.next_child().unwrap().is_none());
        r.finish().unwrap();
    }

    #[test]
    fn find_byte_matches_position() {
        let hay = b"abcdefgh:jklmnopqrs:uvw\r";
        for len in 0..=hay.len() {
            for needle in [b':', b'\r', b'a', b'w', b'z', 0x80, 0xFF] {
                let h = &hay[..len];
                assert_eq!(
                    find_byte(h, needle),
                    h.iter().position(|&b| b == needle),
                    "{len} {needle}"
                );
            }
        }
        assert_eq!(find_byte(&[0x3B, 0x3A, 0xBA, 0x3A], b':'), Some(1));
        assert_eq!(find_byte(&[1, 1, 1, 1, 1, 1, 1, 0x3B, 0x3A], b':'), Some(8));
        assert_eq!(find_byte(&[0xFF; 8], 0xFF), Some(0));
    }

    #[test]
    fn location_counts_chars() {
        assert_eq!(
            location_of("ab\ncdé".as_bytes(), 7),
            Location { line: 2, column: 4 }
        );
        assert_eq!(location_of(b"abc", 99), Location { line: 1, column: 4 });
        assert_eq!(location_of(b"", 0), Location { line: 1, column: 1 });
    }
}
