use super::*;
use crate::parse::parse_wsdl;

fn mktows() -> Model {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../wsdl/mktows.wsdl");
    let text = std::fs::read_to_string(path).expect("wsdl/mktows.wsdl is in the repository");
    let wsdl = parse_wsdl("mktows.wsdl", &text).expect("our WSDL parses");
    build("mktows.wsdl", &wsdl).expect("our WSDL resolves")
}

fn type_named<'m>(model: &'m Model, xml: &str) -> &'m TypeDef {
    model
        .types
        .iter()
        .find(|t| t.xml_name.local == xml)
        .unwrap_or_else(|| panic!("type {xml} missing"))
}

fn fields(t: &TypeDef) -> &[Field] {
    match &t.kind {
        TypeKind::Struct(s) => &s.fields,
        other => panic!("{} is not a struct: {other:?}", t.xml_name),
    }
}

#[test]
fn every_operation_with_its_elements_and_headers() {
    let m = mktows();
    assert_eq!(m.operations.len(), 23);
    let names: Vec<&str> = m.operations.iter().map(|o| o.xml_name.as_str()).collect();
    for op in [
        "scheduleCampaign",
        "getMultipleLeads",
        "syncLead",
        "getMObjects",
        "getTags",
    ] {
        assert!(names.contains(&op), "{op} missing from {names:?}");
    }
    for op in &m.operations {
        let suffix = {
            let mut c = op.xml_name.chars();
            let first = c.next().expect("non-empty").to_ascii_uppercase();
            format!("{first}{}", c.as_str())
        };
        assert_eq!(op.input.element.local, format!("params{suffix}"));
        assert_eq!(op.output.element.local, format!("success{suffix}"));
        assert_eq!(
            op.soap_action,
            format!("http://www.marketo.com/mktows/{}", op.xml_name)
        );
        let header_names: Vec<&str> = op
            .headers
            .iter()
            .map(|&h| m.headers[h].element.local.as_str())
            .collect();
        if op.xml_name == "syncLead" {
            assert_eq!(
                header_names,
                ["AuthenticationHeader", "MktowsContextHeader"]
            );
        } else {
            assert_eq!(header_names, ["AuthenticationHeader"], "{}", op.xml_name);
        }
    }
    let sync = m
        .operations
        .iter()
        .find(|o| o.xml_name == "getMObjects")
        .expect("op");
    assert_eq!(sync.method.display(), "get_m_objects");
    assert_eq!(sync.const_name.display(), "GET_M_OBJECTS");
    let auth = m
        .headers
        .iter()
        .find(|h| h.element.local == "AuthenticationHeader")
        .expect("auth");
    assert!(auth.auth.is_some(), "the signer fills AuthenticationHeader");
    let ctx = m
        .headers
        .iter()
        .find(|h| h.element.local == "MktowsContextHeader")
        .expect("ctx");
    assert!(ctx.auth.is_none());
    assert_eq!(ctx.rust_name.display(), "mktows_context");
    assert_eq!(
        m.namespaces,
        [(
            "ns1".to_owned(),
            "http://www.marketo.com/mktows/".to_owned()
        )]
    );
}

#[test]
fn cardinality_maps_to_the_four_field_shapes() {
    let m = mktows();
    let sc = fields(type_named(&m, "ParamsScheduleCampaign"));
    let shape: Vec<(&str, Occurs)> = sc.iter().map(|f| (f.xml_name.as_str(), f.occurs)).collect();
    assert_eq!(
        shape,
        [
            ("programName", Occurs::Required),
            ("campaignName", Occurs::Required),
            ("campaignRunAt", Occurs::OptionalNillable),
            ("cloneToProgramName", Occurs::Optional),
            ("programTokenList", Occurs::OptionalNillable),
        ]
    );
    assert_eq!(sc[2].ty, TypeRef::Builtin(Builtin::DateTime));
    let strings = fields(type_named(&m, "ArrayOfString"));
    assert_eq!(strings[0].occurs, Occurs::Repeated);
    let import = fields(type_named(&m, "ParamsImportToList"));
    let campaign = import
        .iter()
        .find(|f| f.xml_name == "campaignName")
        .expect("field");
    assert_eq!(campaign.occurs, Occurs::Nillable);
}

#[test]
fn abstract_selector_is_a_choice_of_its_three_extensions() {
    let m = mktows();
    let TypeKind::Choice(c) = &type_named(&m, "LeadSelector").kind else {
        panic!("LeadSelector should be a choice");
    };
    let mut names: Vec<&str> = c
        .variants
        .iter()
        .map(|&v| m.types[v].xml_name.local.as_str())
        .collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "LastUpdateAtSelector",
            "LeadKeySelector",
            "StaticListSelector"
        ]
    );
    let last = fields(type_named(&m, "LastUpdateAtSelector"));
    let order: Vec<&str> = last.iter().map(|f| f.xml_name.as_str()).collect();
    assert_eq!(order, ["latestUpdatedAt", "oldestUpdatedAt"]);
}

#[test]
fn names_are_rust_and_distinct() {
    let m = mktows();
    let list_key = type_named(&m, "ListKey");
    let list_key_type = type_named(&m, "ListKeyType");
    assert_eq!(list_key.rust_name.display(), "ListKey");
    assert_eq!(list_key_type.rust_name.display(), "ListKeyType");
    assert!(matches!(list_key_type.kind, TypeKind::Enum(_)));
    let mobject = fields(type_named(&m, "MObject"));
    assert_eq!(mobject[0].xml_name, "type");
    assert_eq!(mobject[0].rust_name.display(), "r#type");
    let lead = fields(type_named(&m, "LeadRecord"));
    assert_eq!(lead[0].xml_name, "Id");
    assert_eq!(lead[0].rust_name.display(), "id");
    let TypeKind::Enum(e) = &type_named(&m, "LeadKeyRef").kind else {
        panic!("enum");
    };
    assert_eq!(e.variants[0].value, "IDNUM");
    assert_eq!(e.variants[0].rust_name.display(), "Idnum");
    assert_eq!(e.unknown.display(), "Unknown");
    let mut all: Vec<&str> = m.types.iter().map(|t| t.rust_name.name.as_str()).collect();
    let before = all.len();
    all.sort_unstable();
    all.dedup();
    assert_eq!(all.len(), before, "type names are unique");
    assert!(m.notes.is_empty(), "mktows needs no renames: {:?}", m.notes);
}

fn small(schema: &str, extra_ops: &str) -> Result<Model> {
    let text = format!(
        r#"<definitions xmlns="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
            xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:t="urn:t" targetNamespace="urn:t">
  <types><xs:schema targetNamespace="urn:t">{schema}
    <xs:complexType name="Out"><xs:sequence/></xs:complexType>
    <xs:element name="in" type="t:In"/><xs:element name="out" type="t:Out"/>
  </xs:schema></types>
  <message name="InMsg"><part name="p" element="t:in"/></message>
  <message name="OutMsg"><part name="p" element="t:out"/></message>
  <portType name="P"><operation name="go"><input message="t:InMsg"/><output message="t:OutMsg"/></operation>{extra_ops}</portType>
  <binding name="B" type="t:P"><soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
    <operation name="go"><soap:operation soapAction="urn:t:go"/><input><soap:body use="literal"/></input><output><soap:body use="literal"/></output></operation>
  </binding>
</definitions>"#
    );
    let wsdl = parse_wsdl("small.wsdl", &text)?;
    build("small.wsdl", &wsdl)
}

#[test]
fn recursive_types_are_boxed() {
    let m = small(
        r#"<xs:complexType name="In"><xs:sequence>
             <xs:element name="next" type="t:In" minOccurs="0"/>
             <xs:element name="children" type="t:In" minOccurs="0" maxOccurs="unbounded"/>
           </xs:sequence></xs:complexType>"#,
        "",
    )
    .expect("recursive types are fine");
    let f = fields(type_named(&m, "In"));
    assert!(f[0].boxed, "an optional self reference needs a box");
    assert!(!f[1].boxed, "a Vec already has a fixed size");
}

#[test]
fn colliding_names_are_renamed_and_reported() {
    let m = small(
        r#"<xs:complexType name="In"><xs:sequence>
             <xs:element name="Id" type="xs:int"/><xs:element name="id" type="xs:int"/>
             <xs:element name="self" type="t:Client"/>
           </xs:sequence></xs:complexType>
           <xs:simpleType name="Client"><xs:restriction base="xs:string">
             <xs:enumeration value="a b"/><xs:enumeration value="A_B"/><xs:enumeration value="Unknown"/>
           </xs:restriction></xs:simpleType>"#,
        "",
    )
    .expect("collisions are resolved, not fatal");
    let f = fields(type_named(&m, "In"));
    let names: Vec<String> = f.iter().map(|f| f.rust_name.display()).collect();
    assert_eq!(names, ["id", "id_2", "self_"]);
    let client = type_named(&m, "Client");
    assert_eq!(
        client.rust_name.display(),
        "Client2",
        "Client is the generated client's name"
    );
    let TypeKind::Enum(e) = &client.kind else {
        panic!("enum")
    };
    let v: Vec<String> = e.variants.iter().map(|v| v.rust_name.display()).collect();
    assert_eq!(v, ["AB", "AB2", "Unknown"]);
    assert_eq!(e.unknown.display(), "UnknownValue");
    assert_eq!(m.notes.len(), 3, "{:?}", m.notes);
}

#[test]
fn unresolved_references_are_located_errors() {
    let err = small(
        r#"<xs:complexType name="In"><xs:sequence>
             <xs:element name="a" type="t:Missing"/>
           </xs:sequence></xs:complexType>"#,
        "",
    )
    .expect_err("dangling type");
    assert_eq!(err.pos.map(|p| p.line), Some(4));
    assert!(err.to_string().starts_with("small.wsdl:4:"), "{err}");
    assert!(
        err.message.contains("type {urn:t}Missing is not defined"),
        "{err}"
    );

    let err = small(
        r#"<xs:complexType name="In"><xs:sequence/></xs:complexType>"#,
        r#"<operation name="gone"><input message="t:Nope"/><output message="t:OutMsg"/></operation>"#,
    )
    .expect_err("operation without binding");
    assert!(
        err.message
            .contains("operation `gone` has no SOAP binding operation"),
        "{err}"
    );

    let err = small(
        r#"<xs:complexType name="In"><xs:sequence><xs:element name="x" type="xs:duration"/></xs:sequence></xs:complexType>"#,
        "",
    )
    .expect_err("unsupported built-in");
    assert!(
        err.message.contains("xs:duration is not supported"),
        "{err}"
    );
}
