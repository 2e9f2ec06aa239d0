//! A corpus of broken WSDL files (codegen/tests/malformed): each gives its one-line located
//! error and a failure exit, none panics or hangs. `ok-*` files are unusual but valid.

use mktows_codegen::{Target, generate_file};
use std::path::Path;

/// (file, line, column, words the message must contain)
const EXPECTED: &[(&str, u32, u32, &str)] = &[
    (
        "01-unclosed-tag.wsdl",
        3,
        1,
        "malformed XML: expected 'types' tag",
    ),
    ("02-empty-file.wsdl", 1, 1, "malformed XML"),
    ("03-not-utf8.wsdl", 2, 64, "not UTF-8"),
    ("04-billion-laughs.wsdl", 1, 1, "DTD"),
    (
        "05-not-a-wsdl.wsdl",
        1,
        1,
        "expected a WSDL 1.1 <definitions>",
    ),
    (
        "06-dangling-type.wsdl",
        3,
        44,
        "type {urn:t}Nowhere is not defined",
    ),
    (
        "07-dangling-message.wsdl",
        9,
        22,
        "message {urn:t}Gone is not defined",
    ),
    (
        "08-dangling-binding-porttype.wsdl",
        10,
        3,
        "port type {urn:t}NoSuchPort is not defined",
    ),
    (
        "09-dangling-element.wsdl",
        7,
        22,
        "global element {urn:t}missingElement is not declared",
    ),
    ("10-duplicate-type.wsdl", 4, 5, "type `In` is defined twice"),
    (
        "11-duplicate-element-in-sequence.wsdl",
        3,
        80,
        "element `a` appears twice",
    ),
    ("12-choice.wsdl", 3, 31, "unsupported <xs:choice>"),
    ("13-attribute.wsdl", 3, 45, "unsupported <xs:attribute>"),
    ("14-any.wsdl", 3, 44, "unsupported <xs:any>"),
    (
        "15-unsupported-builtin.wsdl",
        3,
        44,
        "xs:duration is not supported",
    ),
    ("16-extends-itself.wsdl", 3, 5, "extends itself"),
    (
        "17-unbound-prefix.wsdl",
        3,
        44,
        "prefix `zz` in `zz:Thing` is not bound",
    ),
    ("18-bad-max-occurs.wsdl", 3, 44, "maxOccurs=\"lots\""),
    ("19-rpc-part.wsdl", 7, 22, "rpc style"),
    (
        "20-encoded-body.wsdl",
        11,
        72,
        "use=\"encoded\" is not supported",
    ),
    (
        "21-abstract-without-extension.wsdl",
        3,
        5,
        "has no concrete extension",
    ),
    (
        "22-enum-on-int.wsdl",
        3,
        5,
        "enumerations are supported on xs:string only",
    ),
    (
        "23-anonymous-type.wsdl",
        3,
        65,
        "unsupported anonymous type",
    ),
    ("24-wsdl-fault.wsdl", 9, 91, "<wsdl:fault> is not supported"),
    ("25-huge-name.wsdl", 3, 44, "is not defined"),
    (
        "26-extends-simple-type.wsdl",
        4,
        50,
        "is a simple type, not a complex type",
    ),
    (
        "27-qualified-form.wsdl",
        3,
        44,
        "unsupported attribute `form`",
    ),
    (
        "28-bad-element-name.wsdl",
        3,
        44,
        "`a b` is not a valid XML name",
    ),
    (
        "29-bad-soap-action.wsdl",
        11,
        26,
        "cannot be sent in an HTTP header",
    ),
    (
        "30-shared-request-element.wsdl",
        9,
        103,
        "both take the body element {urn:t}in",
    ),
];

fn dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/malformed"))
}

#[test]
fn every_broken_file_gives_its_located_one_line_error() {
    for &(file, line, column, words) in EXPECTED {
        let path = dir().join(file);
        let err = generate_file(&path, Target::CrateRoot)
            .err()
            .unwrap_or_else(|| panic!("{file} should be rejected"));
        let pos = err
            .pos
            .unwrap_or_else(|| panic!("{file}: no position in {err}"));
        assert_eq!((pos.line, pos.column), (line, column), "{file}: {err}");
        let text = err.to_string();
        assert!(text.contains(words), "{file}: {text}");
        assert!(
            text.starts_with(&path.display().to_string()),
            "{file}: names the file: {text}"
        );
        assert!(!text.contains('\n'), "{file}: one line");
        assert!(text.chars().count() < 1000, "{file}: bounded length");
    }
}

#[test]
fn the_corpus_is_fully_listed() {
    let mut on_disk: Vec<String> = std::fs::read_dir(dir())
        .expect("corpus dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with("ok-"))
        .collect();
    on_disk.sort();
    let listed: Vec<&str> = EXPECTED.iter().map(|e| e.0).collect();
    assert_eq!(on_disk, listed);
    assert!(listed.len() >= 20);
}

#[test]
fn recursive_types_generate_boxed_fields() {
    let code = generate_file(&dir().join("ok-recursive.wsdl"), Target::CrateRoot)
        .expect("recursive types are valid")
        .code;
    assert!(
        code.contains("pub next: ::std::boxed::Box<::core::option::Option<In>>"),
        "{code}"
    );
    assert!(code.contains("pub self_: ::std::boxed::Box<::mktows_runtime::Nillable<In>>"));
}
