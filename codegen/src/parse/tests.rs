use super::*;

fn err_of(text: &str) -> Error {
    parse_wsdl("bad.wsdl", text).expect_err("should be rejected")
}

const HEAD: &str = r#"<definitions xmlns="http://schemas.xmlsoap.org/wsdl/" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:t="urn:t" targetNamespace="urn:t">"#;

#[test]
fn malformed_xml_is_located() {
    let err = err_of("<definitions>\n  <types>\n</definitions>");
    assert_eq!(err.pos, Some(Pos { line: 3, column: 1 }));
    assert!(
        err.to_string().starts_with("bad.wsdl:3:1: malformed XML"),
        "{err}"
    );
}

#[test]
fn non_utf8_is_located() {
    let err = parse_wsdl_bytes("bad.wsdl", b"<a>\n caf\xe9</a>").expect_err("latin-1");
    assert_eq!(err.pos, Some(Pos { line: 2, column: 5 }));
    assert!(err.message.contains("not UTF-8"));
}

#[test]
fn dtd_is_refused() {
    let err = err_of("<!DOCTYPE x [<!ENTITY a \"aaaa\">]><x>&a;</x>");
    assert!(err.message.contains("malformed XML"), "{err}");
}

#[test]
fn not_a_wsdl() {
    let err = err_of("<schema/>");
    assert!(
        err.message.contains("expected a WSDL 1.1 <definitions>"),
        "{err}"
    );
}

#[test]
fn unsupported_schema_constructs_are_errors_not_skips() {
    let cases = [
        (
            r#"<xs:complexType name="A"><xs:choice><xs:element name="x" type="xs:string"/></xs:choice></xs:complexType>"#,
            "unsupported <xs:choice> in complexType `A`",
        ),
        (
            r#"<xs:complexType name="A"><xs:sequence><xs:any/></xs:sequence></xs:complexType>"#,
            "unsupported <xs:any> in the sequence of `A`",
        ),
        (
            r#"<xs:complexType name="A"><xs:sequence/><xs:attribute name="x" type="xs:string"/></xs:complexType>"#,
            "unsupported <xs:attribute> in complexType `A`",
        ),
        (
            r#"<xs:complexType name="A"><xs:sequence><xs:element ref="t:x"/></xs:sequence></xs:complexType>"#,
            "unsupported attribute `ref` on <xs:element>",
        ),
        (
            r#"<xs:element name="e"><xs:complexType><xs:sequence/></xs:complexType></xs:element>"#,
            "unsupported anonymous type <xs:complexType> in element `e`",
        ),
        (
            r#"<xs:simpleType name="L"><xs:list itemType="xs:string"/></xs:simpleType>"#,
            "unsupported <xs:list> in simpleType `L`",
        ),
        (
            r#"<xs:group name="G"/>"#,
            "unsupported schema construct <xs:group>",
        ),
        (
            r#"<xs:complexType name="A"><xs:sequence><xs:element name="x" type="q:T"/></xs:sequence></xs:complexType>"#,
            "the prefix `q` in `q:T` is not bound",
        ),
    ];
    for (schema, expected) in cases {
        let text = format!(
            "{HEAD}\n<types><xs:schema targetNamespace=\"urn:t\">\n{schema}\n</xs:schema></types></definitions>"
        );
        let err = err_of(&text);
        assert!(err.message.contains(expected), "{schema}\n=> {err}");
        assert_eq!(err.pos.map(|p| p.line), Some(3), "{err}");
        assert!(!err.to_string().contains('\n'), "one line: {err}");
    }
}

#[test]
fn rpc_and_encoded_are_refused() {
    let text = format!(
        "{HEAD}<message name=\"m\"><part name=\"p\" type=\"xs:string\"/></message></definitions>"
    );
    assert!(err_of(&text).message.contains("rpc style"));
    let text = format!(
        r#"{HEAD}<binding name="b" type="t:P" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"><soap:binding style="document"/>
        <operation name="o"><input><soap:body use="encoded"/></input><output><soap:body/></output></operation></binding></definitions>"#
    );
    assert!(
        err_of(&text)
            .message
            .contains("use=\"encoded\" is not supported")
    );
}

#[test]
fn documentation_comes_from_annotations_and_plain_comments() {
    let text = format!(
        r#"{HEAD}<types><xs:schema targetNamespace="urn:t">
  <!-- ********** banner ********** -->
  <xs:complexType name="A"><xs:sequence>
    <!-- Explains b. -->
    <xs:element name="b" type="xs:string"/>
    <xs:element name="c" type="xs:int" minOccurs="0" maxOccurs="unbounded" nillable="true">
      <xs:annotation><xs:documentation>
         Explains c.
      </xs:documentation></xs:annotation>
    </xs:element>
  </xs:sequence></xs:complexType>
</xs:schema></types></definitions>"#
    );
    let wsdl = parse_wsdl("ok.wsdl", &text).expect("valid");
    let a = &wsdl.schemas[0].complex_types[0];
    assert_eq!(a.doc, None, "section banners are not documentation");
    assert_eq!(a.fields[0].doc.as_deref(), Some("Explains b."));
    assert_eq!(a.fields[1].doc.as_deref(), Some("Explains c."));
    assert_eq!(a.fields[1].max, MaxOccurs::Unbounded);
    assert_eq!(a.fields[1].min, 0);
    assert!(a.fields[1].nillable);
    assert_eq!(a.fields[1].ty, QName::new(Some(XS), "int"));
}

#[test]
fn published_wsdls_parse_with_prefixed_wsdl_elements() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../wsdl/mktows.wsdl");
    let text = std::fs::read_to_string(path).expect("our WSDL");
    let wsdl = parse_wsdl("mktows.wsdl", &text).expect("parses");
    assert_eq!(wsdl.port_types[0].operations.len(), 23);
    assert_eq!(wsdl.bindings[0].operations.len(), 23);
    let sync = wsdl.bindings[0]
        .operations
        .iter()
        .find(|o| o.name == "syncLead")
        .expect("op");
    assert_eq!(sync.input.headers.len(), 2);
}
