//! SOAP 1.1 envelopes: writing requests and responses, streaming envelope reading for both
//! sides, and `SOAP-ENV:Fault` with Marketo's `serviceException` detail.

use std::fmt;

use crate::xml::{
    Decode, DecodeError, DecodeErrorKind, ElementName, Encode, EncodeError, QName, ReadLimits,
    Reader, Start, Writer,
};

/// SOAP 1.1 envelope namespace.
pub const SOAP_ENV: &str = "http://schemas.xmlsoap.org/soap/envelope/";

/// Marketo's mktows namespace, used for the `serviceException` fault detail.
pub const MKTOWS_NS: &str = "http://www.marketo.com/mktows/";

const XML_DECL: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?>"#;

/// Writes `<?xml?><SOAP-ENV:Envelope xmlns:SOAP-ENV=.. xmlns:{p}=..>`.
fn open_envelope(out: &mut Vec<u8>, declared: &[(&str, &str)]) {
    out.extend_from_slice(XML_DECL);
    out.extend_from_slice(b"<SOAP-ENV:Envelope xmlns:SOAP-ENV=\"");
    out.extend_from_slice(SOAP_ENV.as_bytes());
    out.push(b'"');
    for (prefix, uri) in declared {
        if *prefix == "SOAP-ENV" {
            continue;
        }
        out.extend_from_slice(b" xmlns:");
        out.extend_from_slice(prefix.as_bytes());
        out.extend_from_slice(b"=\"");
        push_escaped_lossy(out, uri, true);
        out.push(b'"');
    }
    out.push(b'>');
}

/// Request envelope:
/// `<?xml ...?><SOAP-ENV:Envelope xmlns:SOAP-ENV=.. xmlns:{p}=..><SOAP-ENV:Header>{headers}</SOAP-ENV:Header><SOAP-ENV:Body>{body}</SOAP-ENV:Body></SOAP-ENV:Envelope>`;
/// header and body fragments were written with `Writer::with_declared(declared)`.
pub fn write_envelope(
    declared: &'static [(&'static str, &'static str)],
    headers: &[u8],
    body: &[u8],
) -> Vec<u8> {
    let mut out = Vec::with_capacity(256 + headers.len() + body.len());
    open_envelope(&mut out, declared);
    out.extend_from_slice(b"<SOAP-ENV:Header>");
    out.extend_from_slice(headers);
    out.extend_from_slice(b"</SOAP-ENV:Header><SOAP-ENV:Body>");
    out.extend_from_slice(body);
    out.extend_from_slice(b"</SOAP-ENV:Body></SOAP-ENV:Envelope>");
    out
}

/// Writes a response envelope (`SOAP-ENV` + declared prefixes, empty Header omitted) around
/// `body`.
pub fn write_response_envelope(
    declared: &'static [(&'static str, &'static str)],
    body: &[u8],
) -> Vec<u8> {
    let mut out = Vec::with_capacity(192 + body.len());
    open_envelope(&mut out, declared);
    out.extend_from_slice(b"<SOAP-ENV:Body>");
    out.extend_from_slice(body);
    out.extend_from_slice(b"</SOAP-ENV:Body></SOAP-ENV:Envelope>");
    out
}

/// Reads a response: `Ok(Ok(T))` for the expected body element `(namespace, local)`,
/// `Ok(Err(SoapFault))` for a Fault, `Err` for anything else (wrong element, malformed XML, ...).
pub fn read_response<T: Decode>(
    bytes: &[u8],
    expected: (&str, &str),
    limits: ReadLimits,
) -> Result<Result<T, SoapFault>, DecodeError> {
    let mut env = EnvelopeReader::new(bytes, limits)?;
    let body = env.body()?;
    if body.is(SOAP_ENV, "Fault") {
        let fault = SoapFault::decode(env.reader(), &body)?;
        env.finish()?;
        return Ok(Err(fault));
    }
    if !body.is(expected.0, expected.1) {
        let same_local = body.local_name() == expected.1.as_bytes();
        let (want, found) = if same_local {
            (
                format!("{{{}}}{}", expected.0, expected.1),
                body.display_name(),
            )
        } else {
            (
                expected.1.to_owned(),
                String::from_utf8_lossy(body.local_name()).into_owned(),
            )
        };
        return Err(env.reader().error_with(DecodeErrorKind::UnexpectedElement {
            expected: want,
            found,
        }));
    }
    let v = T::decode(env.reader(), &body)?;
    env.finish()?;
    Ok(Ok(v))
}

/// Where an [`EnvelopeReader`] is.
#[derive(Debug)]
enum EnvState<'i> {
    /// Inside `<Envelope>`, no child read yet.
    Envelope,
    /// Inside `<Header>`; the header element returned last, if any.
    Header(Option<Start<'i>>),
    /// `</Header>` read.
    AfterHeader,
    /// `<Body>` read, its first child not yet.
    Body,
    /// The body element was returned.
    InBody(Start<'i>),
    /// The envelope has no Body.
    NoBody,
}

/// Streaming envelope reader for both sides (no DOM, namespace scope kept from the Envelope
/// down). Error paths below the Header or Body start at the header/body element.
#[derive(Debug)]
pub struct EnvelopeReader<'i> {
    r: Reader<'i>,
    state: EnvState<'i>,
}

impl<'i> EnvelopeReader<'i> {
    /// Reads through the `<Envelope>` start tag (SOAP 1.1 namespace, any prefix).
    pub fn new(bytes: &'i [u8], limits: ReadLimits) -> Result<Self, DecodeError> {
        let mut r = Reader::new(bytes, limits);
        match r.next_child()? {
            Some(root) if root.is(SOAP_ENV, "Envelope") => Ok(EnvelopeReader {
                r,
                state: EnvState::Envelope,
            }),
            Some(root) => Err(r.unexpected("SOAP 1.1 Envelope", &root)),
            None => Err(r.error("empty document, expected a SOAP Envelope")),
        }
    }

    /// Next Header child; `None` when done or when there is no Header. A header element that
    /// was returned but not decoded is skipped.
    pub fn next_header(&mut self) -> Result<Option<Start<'i>>, DecodeError> {
        loop {
            match &self.state {
                EnvState::Envelope => match self.r.next_child()? {
                    Some(s) if s.is(SOAP_ENV, "Header") => {
                        self.r.set_path_base(2);
                        self.state = EnvState::Header(None);
                    }
                    Some(s) if s.is(SOAP_ENV, "Body") => {
                        self.state = EnvState::Body;
                        return Ok(None);
                    }
                    Some(s) => return Err(self.r.unexpected("SOAP Header or Body", &s)),
                    None => {
                        self.state = EnvState::NoBody;
                        return Ok(None);
                    }
                },
                EnvState::Header(last) => {
                    if let Some(last) = last {
                        self.r.skip(last)?;
                    }
                    return match self.r.next_child()? {
                        Some(h) => {
                            self.state = EnvState::Header(Some(h.clone()));
                            Ok(Some(h))
                        }
                        None => {
                            self.r.set_path_base(0);
                            self.state = EnvState::AfterHeader;
                            Ok(None)
                        }
                    };
                }
                EnvState::AfterHeader | EnvState::Body | EnvState::InBody(_) | EnvState::NoBody => {
                    return Ok(None);
                }
            }
        }
    }

    /// The first Body child (skips headers not read).
    pub fn body(&mut self) -> Result<Start<'i>, DecodeError> {
        loop {
            match &self.state {
                EnvState::Envelope | EnvState::Header(_) => while self.next_header()?.is_some() {},
                EnvState::AfterHeader => match self.r.next_child()? {
                    Some(s) if s.is(SOAP_ENV, "Body") => self.state = EnvState::Body,
                    Some(s) => return Err(self.r.unexpected("SOAP Body", &s)),
                    None => {
                        self.state = EnvState::NoBody;
                    }
                },
                EnvState::Body => {
                    return match self.r.next_child()? {
                        Some(el) => {
                            self.r.set_path_base(2);
                            self.state = EnvState::InBody(el.clone());
                            Ok(el)
                        }
                        None => Err(self.r.error("empty SOAP Body")),
                    };
                }
                EnvState::InBody(_) => return Err(self.r.error("SOAP Body already read")),
                EnvState::NoBody => return Err(self.r.error("missing SOAP Body")),
            }
        }
    }

    /// The reader, to decode or skip the element just returned.
    pub fn reader(&mut self) -> &mut Reader<'i> {
        &mut self.r
    }

    /// Checks that only whitespace/comments follow the body element up to `</Envelope>` and the
    /// end of the document (skipping what of the body element was not decoded).
    pub fn finish(mut self) -> Result<(), DecodeError> {
        if let EnvState::InBody(el) = &self.state {
            self.r.skip(el)?;
            self.r.set_path_base(0);
            if let Some(s) = self.r.next_child()? {
                return Err(self.r.unexpected("end of SOAP Body", &s));
            }
            if let Some(s) = self.r.next_child()? {
                return Err(self.r.unexpected("end of SOAP Envelope", &s));
            }
        }
        self.r.set_path_base(0);
        self.r.finish()
    }
}

/// A SOAP 1.1 fault with Marketo's optional `serviceException` detail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SoapFault {
    /// `faultcode`, resolved through the namespaces in scope
    /// (`SOAP-ENV:Client` → `{http://schemas.xmlsoap.org/soap/envelope/}Client`).
    pub faultcode: QName,
    /// `faultstring`, e.g. `20014 - Authentication failed`.
    pub faultstring: String,
    /// `detail/serviceException`, when present.
    pub detail: Option<ServiceException>,
}

/// Marketo's fault detail: `<ns1:serviceException><name/><message/><code/></ns1:serviceException>`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServiceException {
    /// E.g. `mktServiceException`.
    pub name: String,
    /// E.g. `Authentication failed (20014)`.
    pub message: String,
    /// The Marketo error code as sent (`20014`), not parsed.
    pub code: String,
}

impl fmt::Display for SoapFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SOAP fault {}: {}", self.faultcode, self.faultstring)?;
        if let Some(d) = &self.detail {
            write!(f, " ({} {}: {})", d.name, d.code, d.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for SoapFault {}

impl Decode for SoapFault {
    /// Reads unqualified `faultcode` (as a QName), `faultstring` and `detail`; other children
    /// (`faultactor`, ...) are skipped.
    fn decode(r: &mut Reader<'_>, _start: &Start<'_>) -> Result<Self, DecodeError> {
        let mut faultcode = None;
        let mut faultstring = None;
        let mut detail = None;
        let mut seen_detail = false;
        while let Some(c) = r.next_child()? {
            match c.unqualified() {
                Some(b"faultcode") => {
                    if faultcode.is_some() {
                        return Err(r.error("element may occur only once"));
                    }
                    faultcode = Some(r.qname_text(&c)?);
                    r.skip(&c)?;
                }
                Some(b"faultstring") => r.required(&c, &mut faultstring)?,
                Some(b"detail") if !seen_detail => {
                    seen_detail = true;
                    detail = read_detail(r)?;
                    r.skip(&c)?;
                }
                _ => r.skip(&c)?,
            }
        }
        Ok(SoapFault {
            faultcode: r.require(faultcode, "faultcode")?,
            faultstring: r.require(faultstring, "faultstring")?,
            detail,
        })
    }
}

/// The first `serviceException` (any namespace) among the children of `detail`.
fn read_detail(r: &mut Reader<'_>) -> Result<Option<ServiceException>, DecodeError> {
    let mut found = None;
    while let Some(c) = r.next_child()? {
        if found.is_none() && c.local_name() == b"serviceException" {
            found = Some(ServiceException::decode(r, &c)?);
        }
        r.skip(&c)?;
    }
    Ok(found)
}

impl Decode for ServiceException {
    /// Reads `name`, `message`, `code` (matched by local name, whatever their namespace, to
    /// accept any server's variant); unknown children such as `cause` are skipped. Missing
    /// fields are empty: a fault should never become a decode error for lack of detail.
    fn decode(r: &mut Reader<'_>, _start: &Start<'_>) -> Result<Self, DecodeError> {
        let mut name = None;
        let mut message = None;
        let mut code = None;
        while let Some(c) = r.next_child()? {
            match c.local_name() {
                b"name" => r.required(&c, &mut name)?,
                b"message" => r.required(&c, &mut message)?,
                b"code" => r.required(&c, &mut code)?,
                _ => r.skip(&c)?,
            }
        }
        Ok(ServiceException {
            name: name.unwrap_or_default(),
            message: message.unwrap_or_default(),
            code: code.unwrap_or_default(),
        })
    }
}

/// Writes a fault response, shaped like Marketo's:
/// `<SOAP-ENV:Envelope ..><SOAP-ENV:Body><SOAP-ENV:Fault><faultcode>SOAP-ENV:Client</faultcode><faultstring>..</faultstring><detail><ns1:serviceException xmlns:ns1="http://www.marketo.com/mktows/"><name>..</name><message>..</message><code>..</code></ns1:serviceException></detail></SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>`.
///
/// Characters XML cannot carry are replaced by U+FFFD: a fault must always be writable.
pub fn write_fault(fault: &SoapFault) -> Vec<u8> {
    let mut out = Vec::with_capacity(512);
    open_envelope(&mut out, &[]);
    out.extend_from_slice(b"<SOAP-ENV:Body><SOAP-ENV:Fault><faultcode");
    let code = &fault.faultcode;
    match code.namespace.as_deref() {
        Some(SOAP_ENV) => out.extend_from_slice(b">SOAP-ENV:"),
        Some(ns) => {
            // A code in another namespace gets its prefix declared right here.
            out.extend_from_slice(b" xmlns:fc=\"");
            push_escaped_lossy(&mut out, ns, true);
            out.extend_from_slice(b"\">fc:");
        }
        None => out.push(b'>'),
    }
    push_escaped_lossy(&mut out, &code.local, false);
    out.extend_from_slice(b"</faultcode><faultstring>");
    push_escaped_lossy(&mut out, &fault.faultstring, false);
    out.extend_from_slice(b"</faultstring>");
    if let Some(d) = &fault.detail {
        out.extend_from_slice(b"<detail><ns1:serviceException xmlns:ns1=\"");
        out.extend_from_slice(MKTOWS_NS.as_bytes());
        out.extend_from_slice(b"\"><name>");
        push_escaped_lossy(&mut out, &d.name, false);
        out.extend_from_slice(b"</name><message>");
        push_escaped_lossy(&mut out, &d.message, false);
        out.extend_from_slice(b"</message><code>");
        push_escaped_lossy(&mut out, &d.code, false);
        out.extend_from_slice(b"</code></ns1:serviceException></detail>");
    }
    out.extend_from_slice(b"</SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>");
    out
}

/// Escapes `s`, replacing characters XML 1.0 cannot represent by U+FFFD.
fn push_escaped_lossy(out: &mut Vec<u8>, s: &str, attr: bool) {
    let mark = out.len();
    if crate::xml::escape_into(out, s, attr).is_ok() {
        return;
    }
    out.truncate(mark);
    let cleaned: String = s
        .chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => c,
            c if u32::from(c) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => '\u{FFFD}',
            c => c,
        })
        .collect();
    let _ = crate::xml::escape_into(out, &cleaned, attr);
}

/// Convenience for servers: encodes `value` as the body element `name` and wraps it in a
/// response envelope.
pub fn write_response<T: Encode + ?Sized>(
    declared: &'static [(&'static str, &'static str)],
    name: ElementName,
    value: &T,
) -> Result<Vec<u8>, EncodeError> {
    let mut w = Writer::with_declared(declared);
    value.encode(&mut w, name)?;
    Ok(write_response_envelope(declared, &w.into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    static DECL: &[(&str, &str)] = &[("ns1", MKTOWS_NS)];

    #[derive(Debug, PartialEq)]
    struct AuthHeader {
        user_id: String,
        signature: String,
    }

    impl Decode for AuthHeader {
        fn decode(r: &mut Reader<'_>, _s: &Start<'_>) -> Result<Self, DecodeError> {
            let (mut user_id, mut signature) = (None, None);
            while let Some(c) = r.next_child()? {
                match c.unqualified() {
                    Some(b"mktowsUserId") => r.required(&c, &mut user_id)?,
                    Some(b"requestSignature") => r.required(&c, &mut signature)?,
                    _ => r.skip(&c)?,
                }
            }
            Ok(AuthHeader {
                user_id: r.require(user_id, "mktowsUserId")?,
                signature: r.require(signature, "requestSignature")?,
            })
        }
    }

    #[derive(Debug, PartialEq)]
    struct Context {
        target: String,
    }

    impl Decode for Context {
        fn decode(r: &mut Reader<'_>, _s: &Start<'_>) -> Result<Self, DecodeError> {
            let mut target = None;
            while let Some(c) = r.next_child()? {
                match c.unqualified() {
                    Some(b"targetWorkspace") => r.required(&c, &mut target)?,
                    _ => r.skip(&c)?,
                }
            }
            Ok(Context {
                target: r.require(target, "targetWorkspace")?,
            })
        }
    }

    #[derive(Debug, PartialEq)]
    struct GetLead {
        key: String,
        count: i32,
    }

    impl Decode for GetLead {
        fn decode(r: &mut Reader<'_>, _s: &Start<'_>) -> Result<Self, DecodeError> {
            let (mut key, mut count) = (None, None);
            while let Some(c) = r.next_child()? {
                match c.unqualified() {
                    Some(b"leadKey") => r.required(&c, &mut key)?,
                    Some(b"count") => r.required(&c, &mut count)?,
                    _ => r.skip(&c)?,
                }
            }
            Ok(GetLead {
                key: r.require(key, "leadKey")?,
                count: r.require(count, "count")?,
            })
        }
    }

    impl Encode for GetLead {
        fn encode(&self, w: &mut Writer, name: ElementName) -> Result<(), EncodeError> {
            w.start(name)?;
            w.end_start();
            w.required(ElementName::local("leadKey"), &self.key)?;
            w.required(ElementName::local("count"), &self.count)?;
            w.end(name);
            Ok(())
        }
    }

    const AUTH: &str = "<ns1:AuthenticationHeader><mktowsUserId>example_user_0001</mktowsUserId><requestSignature>0000aaaa</requestSignature></ns1:AuthenticationHeader>";
    const CTX: &str = "<ns1:MktowsContextHeader><targetWorkspace>Default</targetWorkspace></ns1:MktowsContextHeader>";
    const BODY: &str =
        "<ns1:paramsGetLead><leadKey>k1</leadKey><count>3</count></ns1:paramsGetLead>";

    type Server = (Option<AuthHeader>, Option<Context>, GetLead);

    /// What a server does with a request: headers in any order, unknown ones skipped, then the
    /// body.
    fn serve(bytes: &[u8]) -> Result<Server, DecodeError> {
        let mut env = EnvelopeReader::new(bytes, ReadLimits::default())?;
        let (mut auth, mut ctx) = (None, None);
        while let Some(h) = env.next_header()? {
            if h.is(MKTOWS_NS, "AuthenticationHeader") {
                env.reader().required(&h, &mut auth)?;
            } else if h.is(MKTOWS_NS, "MktowsContextHeader") {
                env.reader().required(&h, &mut ctx)?;
            }
            // Anything else is left unread: the envelope reader skips it.
        }
        let body = env.body()?;
        if !body.is(MKTOWS_NS, "paramsGetLead") {
            return Err(env.reader().unexpected("paramsGetLead", &body));
        }
        let v = GetLead::decode(env.reader(), &body)?;
        env.finish()?;
        Ok((auth, ctx, v))
    }

    fn expected_server() -> Server {
        (
            Some(AuthHeader {
                user_id: "example_user_0001".into(),
                signature: "0000aaaa".into(),
            }),
            Some(Context {
                target: "Default".into(),
            }),
            GetLead {
                key: "k1".into(),
                count: 3,
            },
        )
    }

    #[test]
    fn writes_request_envelope() {
        let env = write_envelope(DECL, AUTH.as_bytes(), BODY.as_bytes());
        assert_eq!(
            String::from_utf8(env).unwrap(),
            format!(
                concat!(
                    r#"<?xml version="1.0" encoding="UTF-8"?>"#,
                    r#"<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns1="http://www.marketo.com/mktows/">"#,
                    "<SOAP-ENV:Header>{}</SOAP-ENV:Header><SOAP-ENV:Body>{}</SOAP-ENV:Body></SOAP-ENV:Envelope>"
                ),
                AUTH, BODY
            )
        );
    }

    #[test]
    fn writes_response_envelope_without_header() {
        let v = GetLead {
            key: "a<b".into(),
            count: -1,
        };
        let bytes =
            write_response(DECL, ElementName::qualified(MKTOWS_NS, "paramsGetLead"), &v).unwrap();
        assert_eq!(
            String::from_utf8(bytes.clone()).unwrap(),
            concat!(
                r#"<?xml version="1.0" encoding="UTF-8"?>"#,
                r#"<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns1="http://www.marketo.com/mktows/">"#,
                "<SOAP-ENV:Body><ns1:paramsGetLead><leadKey>a&lt;b</leadKey><count>-1</count></ns1:paramsGetLead></SOAP-ENV:Body></SOAP-ENV:Envelope>"
            )
        );
        let back: GetLead =
            read_response(&bytes, (MKTOWS_NS, "paramsGetLead"), ReadLimits::default())
                .unwrap()
                .unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn envelope_reader_headers_in_any_order() {
        let a = write_envelope(DECL, format!("{AUTH}{CTX}").as_bytes(), BODY.as_bytes());
        let b = write_envelope(
            DECL,
            format!("{CTX}<ns1:Other><x>1</x></ns1:Other>{AUTH}").as_bytes(),
            BODY.as_bytes(),
        );
        assert_eq!(serve(&a).unwrap(), expected_server());
        assert_eq!(serve(&b).unwrap(), expected_server());
        // Other prefixes, whitespace and comments.
        let c = format!(
            "<?xml version='1.0'?>\n<!-- c -->\n<soapenv:Envelope xmlns:soapenv=\"{SOAP_ENV}\" xmlns:m=\"{MKTOWS_NS}\">\n <soapenv:Header>\n  {}\n  {}\n </soapenv:Header>\n <soapenv:Body>\n  {}\n </soapenv:Body>\n</soapenv:Envelope>\n",
            CTX.replace("ns1:", "m:"),
            AUTH.replace("ns1:", "m:"),
            BODY.replace("ns1:", "m:")
        );
        assert_eq!(serve(c.as_bytes()).unwrap(), expected_server());
    }

    #[test]
    fn envelope_reader_without_header() {
        let bytes = write_response_envelope(DECL, BODY.as_bytes());
        let (auth, ctx, v) = serve(&bytes).unwrap();
        assert_eq!((auth, ctx), (None, None));
        assert_eq!(v, expected_server().2);
        // Empty Header, and body() without asking for headers at all.
        let bytes = write_envelope(DECL, b"", BODY.as_bytes());
        assert_eq!(serve(&bytes).unwrap().2, expected_server().2);
        let bytes = write_envelope(DECL, AUTH.as_bytes(), BODY.as_bytes());
        let mut env = EnvelopeReader::new(&bytes, ReadLimits::default()).unwrap();
        let body = env.body().unwrap();
        assert!(body.is(MKTOWS_NS, "paramsGetLead"));
        // Not decoding the body: finish skips it.
        env.finish().unwrap();
    }

    #[test]
    fn envelope_errors() {
        let e = EnvelopeReader::new(
            b"<e:Envelope xmlns:e=\"http://www.w3.org/2003/05/soap-envelope\"/>",
            ReadLimits::default(),
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "at Envelope: expected SOAP 1.1 Envelope, found {http://www.w3.org/2003/05/soap-envelope}Envelope"
        );
        let bytes = format!("<s:Envelope xmlns:s=\"{SOAP_ENV}\"><s:Header/></s:Envelope>");
        let mut env = EnvelopeReader::new(bytes.as_bytes(), ReadLimits::default()).unwrap();
        assert_eq!(
            env.body().unwrap_err().to_string(),
            "at Envelope: missing SOAP Body"
        );
        let bytes = format!("<s:Envelope xmlns:s=\"{SOAP_ENV}\"><s:Body> </s:Body></s:Envelope>");
        let mut env = EnvelopeReader::new(bytes.as_bytes(), ReadLimits::default()).unwrap();
        assert_eq!(
            env.body().unwrap_err().to_string(),
            "at Envelope/Body: empty SOAP Body"
        );
        // Something after the body element.
        let bytes = write_response_envelope(DECL, format!("{BODY}<extra/>").as_bytes());
        let e = serve(&bytes).unwrap_err();
        assert_eq!(
            e.to_string(),
            "at Envelope/Body/extra: expected end of SOAP Body, found extra"
        );
        // Errors in the body are relative to the body element, with line and column.
        let bytes = write_response_envelope(
            DECL,
            b"<ns1:paramsGetLead>\n<leadKey>\nk1</leadKy></ns1:paramsGetLead>",
        );
        let e = serve(&bytes).unwrap_err();
        assert_eq!(e.path(), "paramsGetLead/leadKey");
        assert_eq!(e.location().map(|l| (l.line, l.column)), Some((3, 3)));
        assert!(
            e.to_string()
                .starts_with("at line 3, column 3 (in paramsGetLead/leadKey): malformed XML: "),
            "{e}"
        );
        let bytes = write_response_envelope(
            DECL,
            b"<ns1:paramsGetLead><leadKey>k</leadKey><count>x</count></ns1:paramsGetLead>",
        );
        assert_eq!(
            serve(&bytes).unwrap_err().to_string(),
            r#"at paramsGetLead/count: invalid xs:int "x""#
        );
    }

    #[test]
    fn read_response_wrong_element() {
        let bytes = write_response_envelope(DECL, b"<ns1:successSyncLead/>");
        let e =
            read_response::<GetLead>(&bytes, (MKTOWS_NS, "successGetLead"), ReadLimits::default())
                .unwrap_err();
        assert_eq!(
            e.to_string(),
            "at successSyncLead: expected successGetLead, found successSyncLead"
        );
        let bytes = write_response_envelope(&[], b"<successGetLead/>");
        let e =
            read_response::<GetLead>(&bytes, (MKTOWS_NS, "successGetLead"), ReadLimits::default())
                .unwrap_err();
        assert_eq!(
            e.to_string(),
            "at successGetLead: expected {http://www.marketo.com/mktows/}successGetLead, found successGetLead"
        );
    }

    fn auth_fault() -> SoapFault {
        SoapFault {
            faultcode: QName::new(Some(SOAP_ENV), "Client"),
            faultstring: "20014 - Authentication failed".into(),
            detail: Some(ServiceException {
                name: "mktServiceException".into(),
                message: "Authentication failed (20014)".into(),
                code: "20014".into(),
            }),
        }
    }

    #[test]
    fn writes_documented_fault() {
        let bytes = write_fault(&auth_fault());
        assert_eq!(
            String::from_utf8(bytes.clone()).unwrap(),
            concat!(
                r#"<?xml version="1.0" encoding="UTF-8"?>"#,
                r#"<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Body>"#,
                r#"<SOAP-ENV:Fault><faultcode>SOAP-ENV:Client</faultcode><faultstring>20014 - Authentication failed</faultstring>"#,
                r#"<detail><ns1:serviceException xmlns:ns1="http://www.marketo.com/mktows/"><name>mktServiceException</name>"#,
                r#"<message>Authentication failed (20014)</message><code>20014</code></ns1:serviceException></detail>"#,
                r#"</SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>"#
            )
        );
        let back =
            read_response::<GetLead>(&bytes, (MKTOWS_NS, "successGetLead"), ReadLimits::default())
                .unwrap()
                .unwrap_err();
        assert_eq!(back, auth_fault());
        assert_eq!(
            back.to_string(),
            "SOAP fault {http://schemas.xmlsoap.org/soap/envelope/}Client: 20014 - Authentication failed (mktServiceException 20014: Authentication failed (20014))"
        );
    }

    #[test]
    fn fault_write_is_lossy_not_failing() {
        let f = SoapFault {
            faultcode: QName::new(Some("urn:codes"), "Bad&Code"),
            faultstring: "bad \u{1} char <x>".into(),
            detail: None,
        };
        let bytes = write_fault(&f);
        let s = String::from_utf8(bytes.clone()).unwrap();
        assert!(
            s.contains(
                "<faultcode xmlns:fc=\"urn:codes\">fc:Bad&amp;Code</faultcode><faultstring>bad \u{FFFD} char &lt;x&gt;</faultstring></SOAP-ENV:Fault>"
            ),
            "{s}"
        );
        let f2 = SoapFault {
            faultcode: QName::new(None, "Server"),
            faultstring: String::new(),
            detail: None,
        };
        let back =
            read_response::<GetLead>(&write_fault(&f2), ("urn:x", "y"), ReadLimits::default())
                .unwrap()
                .unwrap_err();
        assert_eq!(back, f2);
    }

    #[test]
    fn reads_fault_with_unknown_detail_children_in_any_prefix() {
        let xml = format!(
            concat!(
                "<soapenv:Envelope xmlns:soapenv=\"{}\">",
                "<soapenv:Body><soapenv:Fault>",
                "<faultcode>soapenv:Server</faultcode>",
                "<faultstring>20011 - Internal error</faultstring>",
                "<faultactor>somewhere</faultactor>",
                "<detail><other/><m:serviceException xmlns:m=\"{}\">",
                "<name>mktServiceException</name><message>Internal error (20011)</message>",
                "<cause><x>nested</x></cause><code>20011</code>",
                "</m:serviceException></detail>",
                "</soapenv:Fault></soapenv:Body></soapenv:Envelope>"
            ),
            SOAP_ENV, MKTOWS_NS
        );
        let f = read_response::<GetLead>(
            xml.as_bytes(),
            (MKTOWS_NS, "successGetLead"),
            ReadLimits::default(),
        )
        .unwrap()
        .unwrap_err();
        assert_eq!(
            f,
            SoapFault {
                faultcode: QName::new(Some(SOAP_ENV), "Server"),
                faultstring: "20011 - Internal error".into(),
                detail: Some(ServiceException {
                    name: "mktServiceException".into(),
                    message: "Internal error (20011)".into(),
                    code: "20011".into(),
                }),
            }
        );
        // A serviceException in no namespace at all, with <cause/> empty.
        let xml = format!(
            "<S:Envelope xmlns:S=\"{SOAP_ENV}\"><S:Body><S:Fault><faultcode>S:Client</faultcode><faultstring>x</faultstring><detail><serviceException><name>n</name><message>m</message><code>1</code><cause/></serviceException></detail></S:Fault></S:Body></S:Envelope>"
        );
        let f = read_response::<GetLead>(
            xml.as_bytes(),
            (MKTOWS_NS, "successGetLead"),
            ReadLimits::default(),
        )
        .unwrap()
        .unwrap_err();
        assert_eq!(
            f.detail,
            Some(ServiceException {
                name: "n".into(),
                message: "m".into(),
                code: "1".into()
            })
        );
    }

    #[test]
    fn reads_fault_without_detail() {
        let xml = format!(
            "<SOAP-ENV:Envelope xmlns:SOAP-ENV=\"{SOAP_ENV}\"><SOAP-ENV:Body><SOAP-ENV:Fault><faultcode xmlns:c=\"urn:codes\">c:Throttled</faultcode><faultstring>slow down</faultstring></SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>"
        );
        let f = read_response::<GetLead>(
            xml.as_bytes(),
            (MKTOWS_NS, "successGetLead"),
            ReadLimits::default(),
        )
        .unwrap()
        .unwrap_err();
        assert_eq!(
            f,
            SoapFault {
                faultcode: QName::new(Some("urn:codes"), "Throttled"),
                faultstring: "slow down".into(),
                detail: None,
            }
        );
    }

    #[test]
    fn mutated_envelopes_never_panic() {
        let doc = format!(
            concat!(
                "<?xml version=\"1.0\"?><S:Envelope xmlns:S=\"{}\" xmlns:m=\"{}\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">",
                "<S:Header><m:H><a>1</a></m:H></S:Header><S:Body>",
                "<m:paramsGetLead xsi:type=\"m:T\"><leadKey>k&amp;<![CDATA[x]]></leadKey><count>3</count></m:paramsGetLead>",
                "</S:Body></S:Envelope>"
            ),
            SOAP_ENV, MKTOWS_NS
        );
        let fault = String::from_utf8(write_fault(&auth_fault())).unwrap();
        for doc in [doc.as_bytes(), fault.as_bytes()] {
            assert!(
                read_response::<GetLead>(doc, (MKTOWS_NS, "paramsGetLead"), ReadLimits::default())
                    .is_ok()
            );
            for i in 0..doc.len() {
                for b in [
                    b'<', b'>', b'&', b'/', b'"', b':', b'x', 0xFF, 0xC3, b']', b'!', b'?',
                ] {
                    let mut m = doc.to_vec();
                    m[i] = b;
                    let _ = read_response::<GetLead>(
                        &m,
                        (MKTOWS_NS, "paramsGetLead"),
                        ReadLimits::default(),
                    );
                    let _ = serve(&m);
                }
                let mut m = doc.to_vec();
                m.remove(i);
                let _ = read_response::<GetLead>(
                    &m,
                    (MKTOWS_NS, "paramsGetLead"),
                    ReadLimits::default(),
                );
            }
        }
    }

    #[test]
    fn fault_code_prefix_must_be_bound() {
        let xml = format!(
            "<e:Envelope xmlns:e=\"{SOAP_ENV}\"><e:Body><e:Fault><faultcode>SOAP-ENV:Client</faultcode><faultstring>x</faultstring></e:Fault></e:Body></e:Envelope>"
        );
        let e = read_response::<GetLead>(
            xml.as_bytes(),
            (MKTOWS_NS, "successGetLead"),
            ReadLimits::default(),
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            r#"at Fault/faultcode: unbound namespace prefix "SOAP-ENV""#
        );
        let xml = format!(
            "<e:Envelope xmlns:e=\"{SOAP_ENV}\"><e:Body><e:Fault><faultcode>e:Client</faultcode></e:Fault></e:Body></e:Envelope>"
        );
        let e = read_response::<GetLead>(
            xml.as_bytes(),
            (MKTOWS_NS, "successGetLead"),
            ReadLimits::default(),
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "at Fault/faultstring: missing required element"
        );
    }
}
