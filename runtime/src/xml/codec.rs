//! The traits generated types implement, their impls for the XML Schema built-ins, and
//! [`Nillable`].

use super::ElementName;
use super::read::{DecodeError, ReadLimits, Reader, Start};
use super::write::{EncodeError, Writer};

/// A type whose XML form is text only (built-ins, enumerations).
///
/// Implementing this gives [`Encode`] and [`Decode`] through blanket impls.
pub trait SimpleType: Sized {
    /// Parses the lexical form. `text` is the element's text with entities decoded; for
    /// non-string types leading/trailing XML whitespace has been trimmed by the caller.
    ///
    /// `Err` is a short human message naming the type, by convention `"invalid xs:int"` or
    /// `"invalid LeadKeyRef"`: the reader appends the offending text in quotes.
    fn parse_text(text: &str) -> Result<Self, String>;

    /// Appends the lexical form (unescaped; the writer escapes).
    fn write_text(&self, out: &mut String);

    /// The lexical form when it is already available as a string (`String`, `bool`, generated
    /// enumerations); lets the writer escape it directly instead of copying it through
    /// [`SimpleType::write_text`]. `None` by default.
    fn as_text(&self) -> Option<&str> {
        None
    }

    /// Whether whitespace is preserved (xs:string, anySimpleType) or collapsed/trimmed
    /// (all others).
    const PRESERVES_WHITESPACE: bool = false;

    /// Whether an empty element of this type means "absent" for an optional field (all
    /// non-string types): `<latestCreatedAt/>` for an optional dateTime decodes as absent.
    const EMPTY_IS_ABSENT: bool = !Self::PRESERVES_WHITESPACE;
}

/// Encodes a value as one element named `name`.
pub trait Encode {
    /// Writes the whole element (start tag, content, end tag).
    fn encode(&self, w: &mut Writer, name: ElementName) -> Result<(), EncodeError>;
}

/// Decodes one element whose start tag `start` the reader has just returned; consumes through
/// its end tag.
pub trait Decode: Sized {
    /// Decodes the element `start`.
    fn decode(r: &mut Reader<'_>, start: &Start<'_>) -> Result<Self, DecodeError>;

    /// Like [`Decode::decode`], but `Ok(None)` when the element is empty and that means
    /// "absent" for this type (used for optional fields; see [`SimpleType::EMPTY_IS_ABSENT`]).
    /// The default never reports absence.
    fn decode_or_absent(
        r: &mut Reader<'_>,
        start: &Start<'_>,
    ) -> Result<Option<Self>, DecodeError> {
        Self::decode(r, start).map(Some)
    }
}

impl<T: SimpleType> Encode for T {
    #[inline]
    fn encode(&self, w: &mut Writer, name: ElementName) -> Result<(), EncodeError> {
        w.simple(name, self)
    }
}

/// Lets `&str` be written where a `String` field is expected without allocating.
/// Encodes `value` as a standalone document whose root element is `name` (no XML declaration).
pub fn to_document<T: Encode + ?Sized>(
    value: &T,
    name: ElementName,
) -> Result<Vec<u8>, EncodeError> {
    let mut w = Writer::new();
    w.required(name, value)?;
    Ok(w.into_bytes())
}

/// Decodes a standalone document whose root element is a `T` (any name, any namespace); only
/// whitespace, comments and processing instructions may follow it.
pub fn from_document<T: Decode>(input: &[u8], limits: ReadLimits) -> Result<T, DecodeError> {
    let mut r = Reader::new(input, limits);
    let Some(root) = r.next_child()? else {
        return Err(r.error("the document has no root element"));
    };
    let value = T::decode(&mut r, &root)?;
    r.finish()?;
    Ok(value)
}

impl Encode for str {
    #[inline]
    fn encode(&self, w: &mut Writer, name: ElementName) -> Result<(), EncodeError> {
        w.simple(name, &StrText(self))
    }
}

/// Borrowed-string adapter for `impl Encode for str` (writing only).
struct StrText<'a>(&'a str);

impl SimpleType for StrText<'_> {
    fn parse_text(_: &str) -> Result<Self, String> {
        Err("a borrowed string cannot be decoded".to_owned())
    }
    fn write_text(&self, out: &mut String) {
        out.push_str(self.0);
    }
    fn as_text(&self) -> Option<&str> {
        Some(self.0)
    }
    const PRESERVES_WHITESPACE: bool = true;
}

impl<T: SimpleType> Decode for T {
    #[inline]
    fn decode(r: &mut Reader<'_>, start: &Start<'_>) -> Result<Self, DecodeError> {
        r.simple(start)
    }

    #[inline]
    fn decode_or_absent(
        r: &mut Reader<'_>,
        start: &Start<'_>,
    ) -> Result<Option<Self>, DecodeError> {
        if T::EMPTY_IS_ABSENT {
            r.simple_or_absent(start)
        } else {
            r.simple(start).map(Some)
        }
    }
}

/// xs:string (whitespace preserved).
impl SimpleType for String {
    #[inline]
    fn parse_text(text: &str) -> Result<Self, String> {
        Ok(text.to_owned())
    }
    #[inline]
    fn write_text(&self, out: &mut String) {
        out.push_str(self);
    }
    #[inline]
    fn as_text(&self) -> Option<&str> {
        Some(self)
    }
    const PRESERVES_WHITESPACE: bool = true;
}

/// xs:int.
impl SimpleType for i32 {
    #[inline]
    fn parse_text(text: &str) -> Result<Self, String> {
        match parse_integer(text) {
            Some(v) => i32::try_from(v).map_err(|_| "invalid xs:int (out of range)".to_owned()),
            None => Err("invalid xs:int".to_owned()),
        }
    }
    #[inline]
    fn write_text(&self, out: &mut String) {
        push_i64(out, i64::from(*self));
    }
}

/// xs:integer (and xs:long): out of the i64 range is an error, never truncated.
impl SimpleType for i64 {
    #[inline]
    fn parse_text(text: &str) -> Result<Self, String> {
        match parse_integer(text) {
            Some(v) => i64::try_from(v).map_err(|_| "invalid xs:integer (out of range)".to_owned()),
            None => Err("invalid xs:integer".to_owned()),
        }
    }
    #[inline]
    fn write_text(&self, out: &mut String) {
        push_i64(out, *self);
    }
}

/// xs:short.
impl SimpleType for i16 {
    fn parse_text(text: &str) -> Result<Self, String> {
        match parse_integer(text) {
            Some(v) => i16::try_from(v).map_err(|_| "invalid xs:short (out of range)".to_owned()),
            None => Err("invalid xs:short".to_owned()),
        }
    }
    fn write_text(&self, out: &mut String) {
        push_i64(out, i64::from(*self));
    }
}

/// Reads xs:double/xs:float lexical forms: decimal or exponent notation, `INF`, `-INF`, `NaN`
/// (Rust's own spellings `inf`/`infinity` are not XML and are refused).
fn parse_xs_float<T: std::str::FromStr>(text: &str, what: &str) -> Result<T, String> {
    let rust = match text {
        "INF" | "+INF" => "inf",
        "-INF" => "-inf",
        "NaN" => "NaN",
        t if t
            .chars()
            .any(|c| c.is_ascii_alphabetic() && c != 'e' && c != 'E') =>
        {
            return Err(format!("invalid {what}"));
        }
        t => t,
    };
    rust.parse().map_err(|_| format!("invalid {what}"))
}

/// Writes the shortest form that reads back to the same value (`INF`, `-INF`, `NaN` as XML
/// spells them).
fn write_xs_float(out: &mut String, v: f64, shortest: impl std::fmt::Display) {
    use std::fmt::Write;
    if v.is_nan() {
        out.push_str("NaN");
    } else if v.is_infinite() {
        out.push_str(if v > 0.0 { "INF" } else { "-INF" });
    } else {
        let _ = write!(out, "{shortest}");
    }
}

/// xs:double.
impl SimpleType for f64 {
    fn parse_text(text: &str) -> Result<Self, String> {
        parse_xs_float(text, "xs:double")
    }
    fn write_text(&self, out: &mut String) {
        write_xs_float(out, *self, self);
    }
}

/// xs:float.
impl SimpleType for f32 {
    fn parse_text(text: &str) -> Result<Self, String> {
        parse_xs_float(text, "xs:float")
    }
    fn write_text(&self, out: &mut String) {
        write_xs_float(out, f64::from(*self), self);
    }
}

/// xs:boolean: reads `true/false/1/0`, writes `true/false`.
impl SimpleType for bool {
    #[inline]
    fn parse_text(text: &str) -> Result<Self, String> {
        match text {
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            _ => Err("invalid xs:boolean".to_owned()),
        }
    }
    #[inline]
    fn write_text(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" });
    }
    #[inline]
    fn as_text(&self) -> Option<&str> {
        Some(if *self { "true" } else { "false" })
    }
}

/// Parses an xs:integer lexical form (`[+-]?[0-9]+`) into i128 so that any i64 fits and
/// anything larger is reported as out of range rather than as malformed. `None` = malformed.
fn parse_integer(text: &str) -> Option<i128> {
    let bytes = text.as_bytes();
    let (neg, digits) = match bytes.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, bytes),
    };
    if digits.is_empty() {
        return None;
    }
    let mut v: i128 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        // Saturate: anything past i64 is out of range anyway, leading zeros stay cheap.
        v = v.saturating_mul(10).saturating_add(i128::from(d - b'0'));
    }
    Some(if neg { -v } else { v })
}

/// Appends the decimal form of `v` without going through `fmt`.
pub(crate) fn push_i64(out: &mut String, v: i64) {
    let mut buf = [0u8; 20];
    let mut pos = buf.len();
    let mut n = v.unsigned_abs();
    loop {
        pos -= 1;
        // n % 10 < 10, so the cast cannot truncate.
        buf[pos] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if v < 0 {
        out.push('-');
    }
    for &b in buf.get(pos..).unwrap_or_default() {
        out.push(char::from(b));
    }
}

/// A field that is both optional (minOccurs=0) and nillable: absent, explicitly nil, or a value.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Nillable<T> {
    /// The element is not there.
    #[default]
    Absent,
    /// The element is there with `xsi:nil="true"`.
    Nil,
    /// The element is there with a value.
    Value(T),
}

impl<T> Nillable<T> {
    /// Whether the element is absent.
    pub fn is_absent(&self) -> bool {
        matches!(self, Nillable::Absent)
    }

    /// Whether the element is explicitly nil.
    pub fn is_nil(&self) -> bool {
        matches!(self, Nillable::Nil)
    }

    /// Borrows the value.
    pub fn as_ref(&self) -> Nillable<&T> {
        match self {
            Nillable::Absent => Nillable::Absent,
            Nillable::Nil => Nillable::Nil,
            Nillable::Value(v) => Nillable::Value(v),
        }
    }

    /// The value, if there is one.
    pub fn value(&self) -> Option<&T> {
        match self {
            Nillable::Value(v) => Some(v),
            _ => None,
        }
    }

    /// Consumes `self`, returning the value if there is one.
    pub fn into_value(self) -> Option<T> {
        match self {
            Nillable::Value(v) => Some(v),
            _ => None,
        }
    }

    /// `None` → `Absent`, `Some(v)` → `Value(v)`.
    pub fn from_option(v: Option<T>) -> Self {
        match v {
            Some(v) => Nillable::Value(v),
            None => Nillable::Absent,
        }
    }
}

impl<T> From<T> for Nillable<T> {
    fn from(v: T) -> Self {
        Nillable::Value(v)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn short_double_and_float_round_trip_in_xml_spelling() {
        assert_eq!(i16::parse_text("-32768"), Ok(-32768));
        assert!(i16::parse_text("40000").is_err());
        assert_eq!(f64::parse_text("1.5E3"), Ok(1500.0));
        assert_eq!(f64::parse_text("-INF"), Ok(f64::NEG_INFINITY));
        assert!(
            f64::parse_text("inf").is_err(),
            "Rust's spelling is not XML's"
        );
        assert!(f64::parse_text("NaN").is_ok_and(f64::is_nan));
        let mut out = String::new();
        f64::INFINITY.write_text(&mut out);
        out.push(' ');
        0.1f64.write_text(&mut out);
        out.push(' ');
        0.1f32.write_text(&mut out);
        assert_eq!(out, "INF 0.1 0.1");
        assert_eq!(f32::parse_text("0.1"), Ok(0.1f32));
    }

    use super::*;

    fn text_of<T: SimpleType>(v: &T) -> String {
        let mut s = String::new();
        v.write_text(&mut s);
        s
    }

    #[test]
    fn ints() {
        assert_eq!(i32::parse_text("42"), Ok(42));
        assert_eq!(i32::parse_text("+7"), Ok(7));
        assert_eq!(i32::parse_text("-2147483648"), Ok(i32::MIN));
        assert_eq!(i32::parse_text("007"), Ok(7));
        assert_eq!(
            i32::parse_text("2147483648"),
            Err("invalid xs:int (out of range)".to_owned())
        );
        assert_eq!(i32::parse_text("12x"), Err("invalid xs:int".to_owned()));
        assert_eq!(i32::parse_text(""), Err("invalid xs:int".to_owned()));
        assert_eq!(i32::parse_text("-"), Err("invalid xs:int".to_owned()));
        assert_eq!(i64::parse_text("9223372036854775807"), Ok(i64::MAX));
        assert_eq!(
            i64::parse_text("9223372036854775808"),
            Err("invalid xs:integer (out of range)".to_owned())
        );
        assert_eq!(
            i64::parse_text("99999999999999999999999999999999999999999999"),
            Err("invalid xs:integer (out of range)".to_owned())
        );
        assert_eq!(text_of(&i64::MIN), "-9223372036854775808");
        assert_eq!(text_of(&0i32), "0");
        assert_eq!(text_of(&-5i32), "-5");
    }

    #[test]
    fn bools() {
        assert_eq!(bool::parse_text("1"), Ok(true));
        assert_eq!(bool::parse_text("false"), Ok(false));
        assert_eq!(
            bool::parse_text("TRUE"),
            Err("invalid xs:boolean".to_owned())
        );
        assert_eq!(text_of(&true), "true");
        assert_eq!(false.as_text(), Some("false"));
    }

    #[test]
    fn nillable_helpers() {
        let v: Nillable<i32> = 5.into();
        assert_eq!(v.value(), Some(&5));
        assert_eq!(v.as_ref(), Nillable::Value(&5));
        assert!(Nillable::<i32>::default().is_absent());
        assert!(Nillable::<i32>::Nil.is_nil());
        assert_eq!(Nillable::from_option(None::<i32>), Nillable::Absent);
        assert_eq!(Nillable::from_option(Some(1)).into_value(), Some(1));
    }

    #[test]
    fn whitespace_flags() {
        let flags = [
            String::PRESERVES_WHITESPACE,
            String::EMPTY_IS_ABSENT,
            i32::EMPTY_IS_ABSENT,
            bool::EMPTY_IS_ABSENT,
            crate::DateTime::EMPTY_IS_ABSENT,
        ];
        assert_eq!(flags, [true, false, true, true, true]);
    }
}
