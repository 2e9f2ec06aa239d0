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
                write!(f, "malformed XML: undefined entity or bad character reference &{e};")
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
                write!(f, "invalid xsi:nil {value:?} (expected true, false, 1 or 0)")
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
        if let Some(top) = self.stack.last() {
            if top.empty {
                self.pending_pop = true;
                return Ok(None);
            }
        }
        loop {
            match self.next_event()? {
                Event::Start(e) => return self.push(&e, false).map(Some),
                Event::Empty(e) => return self.push(&e, true).map(Some),
                Event::End(_) => {
                    if self.stack.is_empty() {
                        // quick-xml reports unmatched end tags itself; be defensive anyway.
                        return Err(self.malformed("end tag without start tag".into()));
                    }
                    self.pending_pop = true;
                    return Ok(None);
                }
                Event::Text(t) => {
                    if self.stack.is_empty() && !is_xml_ws(&t) {
                        return Err(self.malformed("text outside the root element".into()));
                    }
                }
                Event::CData(_) => {
                    if self.stack.is_empty() {
                        return Err(self.malformed("CDATA outside the root element".into()));
                    }
                }
                Event::GeneralRef(r) => {
                    self.resolve_ref(&r)?;
                    if self.stack.is_empty() {
                        return Err(self.malformed("text outside the root element".into()));
                    }
                }
                Event::Comment(_) | Event::PI(_) | Event::Decl(_) => {}
                Event::DocType(_) => return Err(self.located(DecodeErrorKind::Doctype)),
                Event::Eof => {
                    if self.stack.is_empty() {
                        return Ok(None);
                    }
                    return Err(self.eof_error());
                }
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

    /// An "expected X, found <start>" error at `start`.
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

    /// Number of open elements (including one whose end was read but not yet popped).
    pub(crate) fn open_depth(&self) -> usize {
        self.stack.len() - usize::from(self.pending_pop)
    }

    // ----- internals -----

    fn apply_pending(&mut self) {
        if self.pending_pop {
            self.pending_pop = false;
            self.stack.pop();
        }
    }

    /// Reads one event; maps quick-xml errors to located errors and refuses DOCTYPE.
    #[inline]
    fn next_event(&mut self) -> Result<Event<'i>, DecodeError> {
        match self.inner.read_event() {
            Ok(Event::DocType(_)) => Err(self.located(DecodeErrorKind::Doctype)),
            Ok(e) => Ok(e),
            Err(e) => Err(self.xml_error(&e)),
        }
    }

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
        let Some(raw) = subslice(self.input, qname.into_inner()) else {
            return Err(self.malformed("element name not found in input".into()));
        };
        let local = match memchr_colon(raw) {
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
        self.stack.push(Frame {
            local,
            id,
            index,
            repeated: false,
            empty,
            last_child: b"",
            last_count: 0,
        });
        if self.stack.len() > self.limits.max_depth {
            return Err(self.located(DecodeErrorKind::TooDeep {
                limit: self.limits.max_depth,
            }));
        }

        let mut extra: Option<Box<Extra>> = None;
        match self.inner.resolver().resolve_element(qname).0 {
            ResolveResult::Unbound => {}
            ResolveResult::Bound(ns) => {
                extra.get_or_insert_default().namespace = Some(ns.0.as_bytes().into());
            }
            ResolveResult::Unknown(prefix) => {
                return Err(self.located(DecodeErrorKind::UnboundPrefix { prefix }));
            }
        }

        let mut nil = false;
        // Most elements have no attributes: skip the attribute parser entirely for them.
        if !is_xml_ws(e.attributes_raw()) {
            for attr in e.attributes().with_checks(false) {
                let attr =
                    attr.map_err(|err| self.malformed(format!("bad attribute: {err}")))?;
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
        if text.is_empty() || text.bytes().any(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r')) {
            return Err(invalid());
        }
        let (local, prefix) = QxName(text).decompose();
        let local = local.into_inner();
        if local.is_empty() || local.contains(':') || prefix.is_some_and(|p| p.into_inner().is_empty())
        {
            return Err(invalid());
        }
        let namespace = match self.inner.resolver().resolve_prefix(prefix, true) {
            ResolveResult::Unbound => None,
            ResolveResult::Bound(ns) => Some(ns.0.to_owned()),
            ResolveResult::Unknown(prefix) => return Err(DecodeErrorKind::UnboundPrefix { prefix }),
        };
        Ok(QName {
            namespace,
            local: local.to_owned(),
        })
    }

    fn mark_repeated(&mut self, start: &Start<'_>) {
        if let Some(f) = self.stack.get_mut(start.depth.wrapping_sub(1)) {
            if f.id == start.id {
                f.repeated = true;
            }
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
            match self.next_event()? {
                Event::Start(_) => {
                    level += 1;
                    if self.stack.len().saturating_add(level) > self.limits.max_depth {
                        return Err(self.located(DecodeErrorKind::TooDeep {
                            limit: self.limits.max_depth,
                        }));
                    }
                }
                Event::End(_) => {
                    if level == 0 {
                        self.pending_pop = true;
                        return Ok(());
                    }
                    level -= 1;
                }
                Event::GeneralRef(r) => {
                    self.resolve_ref(&r)?;
                }
                Event::Eof => return Err(self.eof_error()),
                _ => {}
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
            match self.next_event()? {
                Event::Text(t) => self.push_text(&mut acc, t.into_inner()),
                Event::CData(c) => self.push_text(&mut acc, c.into_inner()),
                Event::GeneralRef(r) => {
                    let c = self.resolve_ref(&r)?;
                    self.make_owned(&mut acc);
                    self.text.push(c);
                }
                Event::End(_) => {
                    self.pending_pop = true;
                    break;
                }
                Event::Start(e) | Event::Empty(e) => {
                    let found = e.name().into_inner().to_owned();
                    return Err(self.error_with(DecodeErrorKind::ElementInSimpleContent { found }));
                }
                Event::Eof => return Err(self.eof_error()),
                Event::Comment(_) | Event::PI(_) | Event::Decl(_) | Event::DocType(_) => {}
            }
        }
        Ok(acc.unwrap_or(TextRef::Input("")))
    }

    /// Appends one text segment, keeping it borrowed while it is the only one.
    #[inline]
    fn push_text(&mut self, acc: &mut Option<TextRef<'i>>, seg: Cow<'i, str>) {
        match (&*acc, seg) {
            (None, Cow::Borrowed(s)) if !s.as_bytes().contains(&b'\r') => {
                *acc = Some(TextRef::Input(s));
            }
            (_, seg) => {
                self.make_owned(acc);
                push_normalized(&mut self.text, &seg);
            }
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

    fn error_kind(&self, kind: DecodeErrorKind) -> DecodeError {
        DecodeError::new(self.path_string(None), kind, None)
    }

    fn missing(&self, field: &str) -> DecodeError {
        DecodeError::new(self.path_string(Some(field)), DecodeErrorKind::Missing, None)
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
    let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
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

/// `s` as a subslice of `input`, when `s` points into it (events of a slice reader borrow
/// from the input; recovering the input lifetime this way avoids copying names).
fn subslice<'i>(input: &'i [u8], s: &str) -> Option<&'i [u8]> {
    let start = (s.as_ptr() as usize).checked_sub(input.as_ptr() as usize)?;
    let end = start.checked_add(s.len())?;
    input.get(start..end)
}

fn memchr_colon(b: &[u8]) -> Option<usize> {
    b.iter().position(|&c| c == b':')
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
    while let Some(i) = rest.find('\r') {
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

