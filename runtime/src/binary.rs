//! `xs:base64Binary`.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::xml::SimpleType;

/// xs:base64Binary: the decoded bytes. Written with the standard alphabet and padding; whitespace
/// inside the lexical form (line breaks some encoders insert) is ignored on read.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Base64Binary(pub Vec<u8>);

impl From<Vec<u8>> for Base64Binary {
    fn from(v: Vec<u8>) -> Self {
        Base64Binary(v)
    }
}

impl AsRef<[u8]> for Base64Binary {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl SimpleType for Base64Binary {
    fn parse_text(text: &str) -> Result<Self, String> {
        let invalid = |_| "invalid xs:base64Binary".to_owned();
        if text
            .bytes()
            .any(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        {
            let compact: Vec<u8> = text
                .bytes()
                .filter(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
                .collect();
            STANDARD.decode(compact).map(Base64Binary).map_err(invalid)
        } else {
            STANDARD.decode(text).map(Base64Binary).map_err(invalid)
        }
    }

    fn write_text(&self, out: &mut String) {
        STANDARD.encode_string(&self.0, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let v = Base64Binary(b"example_user_0001\xff\x00".to_vec());
        let mut s = String::new();
        v.write_text(&mut s);
        assert_eq!(s, "ZXhhbXBsZV91c2VyXzAwMDH/AA==");
        assert_eq!(Base64Binary::parse_text(&s), Ok(v));
    }

    #[test]
    fn ignores_inner_whitespace() {
        assert_eq!(
            Base64Binary::parse_text("ZXhh\r\n bXBs ZQ=="),
            Ok(Base64Binary(b"example".to_vec()))
        );
        assert_eq!(Base64Binary::parse_text(""), Ok(Base64Binary(Vec::new())));
    }

    #[test]
    fn rejects_bad_input() {
        assert_eq!(
            Base64Binary::parse_text("ZXhhbXBsZQ"),
            Err("invalid xs:base64Binary".to_owned())
        );
        assert_eq!(
            Base64Binary::parse_text("ZX!h"),
            Err("invalid xs:base64Binary".to_owned())
        );
        // URL-safe alphabet is not xs:base64Binary.
        assert!(Base64Binary::parse_text("_-__").is_err());
    }
}
