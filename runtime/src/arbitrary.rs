//! Property-test strategies for generated types (feature `proptest`).
//!
//! Generated crates built with `codegen generate --proptest` implement proptest's `Arbitrary`
//! for every schema type through these building blocks, and list every type in a
//! `check_round_trips` function that calls [`check_round_trip`].

use crate::xml::{Decode, ElementName, Encode, ReadLimits, from_document, to_document};
use crate::{Base64Binary, DateTime, Nillable};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

/// Whether XML 1.0 can carry `c` (the writer refuses the others).
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | ' '..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Any string XML 1.0 can carry, biased towards markup-significant and non-ASCII characters
/// (`<`, `&`, `]]>`, quotes, whitespace at the edges).
pub fn xml_string() -> BoxedStrategy<String> {
    let interesting = prop::sample::select(vec![
        '<', '>', '&', '"', '\'', ']', ' ', '\t', '\n', '\r', 'é', '東', '🚀', 'a', 'Z', '0',
    ]);
    let any_char = any::<char>().prop_filter("XML 1.0 character", |c| xml_char(*c));
    prop::collection::vec(prop_oneof![interesting, any_char], 0..12)
        .prop_map(|chars| chars.into_iter().collect())
        .boxed()
}

/// A non-empty token without whitespace: unknown enumeration values a server might add.
pub fn token() -> BoxedStrategy<String> {
    "[A-Za-z0-9_.-]{1,12}".boxed()
}

/// xs:dateTime values in every lexical shape: with `Z`, a `±hh:mm` offset or no zone, with
/// 0 to 9 fraction digits.
pub fn date_time() -> BoxedStrategy<DateTime> {
    let offset = prop_oneof![
        Just(String::new()),
        Just("Z".to_owned()),
        (-14i32..=14, prop::sample::select(vec![0u32, 30, 45])).prop_map(|(h, m)| {
            let sign = if h < 0 { '-' } else { '+' };
            let m = if h.abs() == 14 { 0 } else { m };
            format!("{sign}{:02}:{m:02}", h.abs())
        }),
    ];
    (
        1900i32..2100,
        1u8..=12,
        1u8..=28,
        0u8..24,
        0u8..60,
        0u8..60,
        prop::option::of("[0-9]{1,9}"),
        offset,
    )
        .prop_filter_map("valid dateTime", |(y, mo, d, h, mi, s, frac, offset)| {
            let frac = frac.map(|f| format!(".{f}")).unwrap_or_default();
            format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{frac}{offset}")
                .parse()
                .ok()
        })
        .boxed()
}

/// Arbitrary binary content.
pub fn base64_binary() -> BoxedStrategy<Base64Binary> {
    prop::collection::vec(any::<u8>(), 0..48)
        .prop_map(Base64Binary)
        .boxed()
}

/// Finite doubles (NaN has no equality, so it cannot round-trip as a value).
pub fn finite_f64() -> BoxedStrategy<f64> {
    any::<f64>()
        .prop_filter("finite", |v| v.is_finite())
        .boxed()
}

/// Finite floats.
pub fn finite_f32() -> BoxedStrategy<f32> {
    any::<f32>()
        .prop_filter("finite", |v| v.is_finite())
        .boxed()
}

/// Absent, nil, or a value from `value`.
pub fn nillable<T: std::fmt::Debug + Clone + 'static>(
    value: impl Strategy<Value = T> + 'static,
) -> BoxedStrategy<Nillable<T>> {
    prop_oneof![
        Just(Nillable::Absent),
        Just(Nillable::Nil),
        value.prop_map(Nillable::Value),
    ]
    .boxed()
}

/// Up to three items: enough to exercise repetition and `[n]` paths.
pub fn repeated<T: std::fmt::Debug + 'static>(
    item: impl Strategy<Value = T> + 'static,
) -> BoxedStrategy<Vec<T>> {
    prop::collection::vec(item, 0..3).boxed()
}

/// Checks encode → decode = identity for `cases` random values of `T`, written as the element
/// `value`. The error names the type and shows the failing value.
pub fn check_round_trip<T>(type_name: &str, cases: u32) -> Result<(), String>
where
    T: Arbitrary + Encode + Decode + PartialEq + std::fmt::Debug,
{
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&any::<T>(), |value| {
            let bytes = to_document(&value, ElementName::local("value"))
                .map_err(|e| TestCaseError::fail(format!("encode: {e}")))?;
            let back: T = from_document(&bytes, ReadLimits::default()).map_err(|e| {
                TestCaseError::fail(format!("decode: {e}\n{}", String::from_utf8_lossy(&bytes)))
            })?;
            prop_assert_eq!(&value, &back, "{}", String::from_utf8_lossy(&bytes));
            Ok(())
        })
        .map_err(|e| format!("{type_name}: {e}"))
}

impl Arbitrary for DateTime {
    type Parameters = ();
    type Strategy = BoxedStrategy<DateTime>;

    fn arbitrary_with(_: ()) -> Self::Strategy {
        date_time()
    }
}

impl Arbitrary for Base64Binary {
    type Parameters = ();
    type Strategy = BoxedStrategy<Base64Binary>;

    fn arbitrary_with(_: ()) -> Self::Strategy {
        base64_binary()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_round_trip() {
        check_round_trip::<String>("xs:string", 256).expect("strings");
        check_round_trip::<i64>("xs:long", 64).expect("longs");
        check_round_trip::<bool>("xs:boolean", 16).expect("booleans");
        check_round_trip::<DateTime>("xs:dateTime", 256).expect("dateTimes");
        check_round_trip::<Base64Binary>("xs:base64Binary", 64).expect("binary");
    }

    #[test]
    fn a_broken_codec_is_caught() {
        /// Writes its value but reads back something else.
        #[derive(Debug, PartialEq, Clone)]
        struct Lossy(String);
        impl crate::xml::SimpleType for Lossy {
            fn parse_text(text: &str) -> Result<Self, String> {
                Ok(Lossy(text.trim().to_owned()))
            }
            fn write_text(&self, out: &mut String) {
                out.push_str(&self.0);
            }
            const PRESERVES_WHITESPACE: bool = true;
        }
        impl Arbitrary for Lossy {
            type Parameters = ();
            type Strategy = BoxedStrategy<Lossy>;
            fn arbitrary_with(_: ()) -> Self::Strategy {
                Just(Lossy(" padded ".to_owned())).boxed()
            }
        }
        let err = check_round_trip::<Lossy>("Lossy", 4).expect_err("trim loses data");
        assert!(err.starts_with("Lossy: "), "{err}");
    }
}
