//! Helpers shared by the workspace tests: fixture paths and a canonical XML comparison.
//!
//! Two documents are canonically equal when their element trees have the same element
//! names (namespace URI + local name; prefixes may differ), the same attributes other than
//! namespace declarations, as (namespace, local, value) and in any order (an `xsi:type` value
//! is compared as the QName it resolves to), and the same children in the same order, where
//! whitespace-only text nodes, comments and processing instructions are ignored and an empty
//! element equals one without text.

#![allow(dead_code)] // each test binary uses a different subset

use std::fmt::Write as _;
use std::path::PathBuf;

/// Namespace of `xsi:type` / `xsi:nil`.
pub const XSI_NS: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// `tests/fixtures` of this package.
pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// The `.xml` files of `dir`, sorted by name, as (stem, path).
pub fn xml_files(dir: &std::path::Path) -> Vec<(String, PathBuf)> {
    let mut files: Vec<(String, PathBuf)> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "xml"))
        .map(|p| {
            let stem = p
                .file_stem()
                .and_then(|s| s.to_str())
                .expect("UTF-8 file name")
                .to_owned();
            (stem, p)
        })
        .collect();
    files.sort();
    files
}

/// One child of an element, as the comparison sees it.
enum Item<'a, 'input> {
    Element(roxmltree::Node<'a, 'input>),
    Text(String),
}

/// An expanded name in Clark notation (`{ns}local`, or `local` without namespace).
fn clark(ns: Option<&str>, local: &str) -> String {
    match ns {
        Some(ns) => format!("{{{ns}}}{local}"),
        None => local.to_owned(),
    }
}

/// The attributes of `node` that take part in the comparison, sorted.
fn attributes(node: roxmltree::Node<'_, '_>) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    // roxmltree keeps namespace declarations apart from attributes already.
    for a in node.attributes() {
        let name = clark(a.namespace(), a.name());
        let value = if a.namespace() == Some(XSI_NS) && a.name() == "type" {
            let v = a.value().trim();
            let (prefix, local) = match v.split_once(':') {
                Some((p, l)) => (Some(p), l),
                None => (None, v),
            };
            let ns = node.lookup_namespace_uri(prefix);
            if prefix.is_some() && ns.is_none() {
                return Err(format!("xsi:type {v:?} uses an unbound prefix"));
            }
            format!("QName {}", clark(ns, local))
        } else {
            a.value().to_owned()
        };
        out.push((name, value));
    }
    out.sort();
    Ok(out)
}

/// The children of `node` that take part in the comparison: elements and non-whitespace text
/// (adjacent text pieces merged).
fn items<'a, 'input>(node: roxmltree::Node<'a, 'input>) -> Vec<Item<'a, 'input>> {
    let mut out: Vec<Item<'a, 'input>> = Vec::new();
    let mut text = String::new();
    let flush = |text: &mut String, out: &mut Vec<Item<'a, 'input>>| {
        if !text.chars().all(|c| matches!(c, ' ' | '\t' | '\r' | '\n')) {
            out.push(Item::Text(std::mem::take(text)));
        }
        text.clear();
    };
    for child in node.children() {
        if child.is_element() {
            flush(&mut text, &mut out);
            out.push(Item::Element(child));
        } else if child.is_text() {
            text.push_str(child.text().unwrap_or(""));
        }
        // comments and processing instructions are ignored
    }
    flush(&mut text, &mut out);
    out
}

fn describe(item: &Item<'_, '_>) -> String {
    match item {
        Item::Element(e) => format!(
            "element <{}>",
            clark(e.tag_name().namespace(), e.tag_name().name())
        ),
        Item::Text(t) => format!("text {t:?}"),
    }
}

/// The path segment of element `node` among its siblings: `local` or `local[n]` (1-based
/// among same-named element siblings, shown when there is more than one).
fn segment(node: roxmltree::Node<'_, '_>) -> String {
    let name = node.tag_name();
    let same = |n: &roxmltree::Node<'_, '_>| n.is_element() && n.tag_name() == name;
    let Some(parent) = node.parent() else {
        return name.name().to_owned();
    };
    let total = parent.children().filter(same).count();
    if total <= 1 {
        return name.name().to_owned();
    }
    let index = node.prev_siblings().filter(same).count();
    format!("{}[{}]", name.name(), index)
}

fn compare(
    expected: roxmltree::Node<'_, '_>,
    actual: roxmltree::Node<'_, '_>,
    path: &str,
) -> Result<(), String> {
    let (en, an) = (expected.tag_name(), actual.tag_name());
    if en.namespace() != an.namespace() || en.name() != an.name() {
        return Err(format!(
            "at {path}: element name differs: expected {}, found {}",
            clark(en.namespace(), en.name()),
            clark(an.namespace(), an.name())
        ));
    }
    let ea = attributes(expected).map_err(|e| format!("at {path} (expected): {e}"))?;
    let aa = attributes(actual).map_err(|e| format!("at {path} (actual): {e}"))?;
    if ea != aa {
        return Err(format!(
            "at {path}: attributes differ: expected {ea:?}, found {aa:?}"
        ));
    }
    let ei = items(expected);
    let ai = items(actual);
    for (i, pair) in ei.iter().zip(ai.iter()).enumerate() {
        match pair {
            (Item::Element(e), Item::Element(a)) => {
                compare(*e, *a, &format!("{path}/{}", segment(*e)))?;
            }
            (Item::Text(e), Item::Text(a)) => {
                if e != a {
                    return Err(format!(
                        "at {path}: text differs: expected {e:?}, found {a:?}"
                    ));
                }
            }
            (e, a) => {
                return Err(format!(
                    "at {path}: child {} differs: expected {}, found {}",
                    i + 1,
                    describe(e),
                    describe(a)
                ));
            }
        }
    }
    if ei.len() != ai.len() {
        let mut msg = format!(
            "at {path}: expected {} children, found {}",
            ei.len(),
            ai.len()
        );
        let (longer, what) = if ei.len() > ai.len() {
            (&ei, "missing")
        } else {
            (&ai, "unexpected")
        };
        let _ = write!(
            msg,
            "; first {what}: {}",
            describe(&longer[ei.len().min(ai.len())])
        );
        return Err(msg);
    }
    Ok(())
}

/// Compares two XML documents canonically (see the module docs). `Err` describes the first
/// difference, with the element path where it occurs (`Envelope/Body/paramsGetLead/leadKey`).
pub fn canonical_diff(expected: &str, actual: &str) -> Result<(), String> {
    // roxmltree refuses DTDs by default
    let e = roxmltree::Document::parse(expected)
        .map_err(|err| format!("expected document does not parse: {err}"))?;
    let a = roxmltree::Document::parse(actual)
        .map_err(|err| format!("actual document does not parse: {err}"))?;
    let (er, ar) = (e.root_element(), a.root_element());
    compare(er, ar, &segment(er))
}

/// Panics with the first difference when the documents are not canonically equal.
#[track_caller]
pub fn assert_canonical_eq(expected: &str, actual: &str) {
    if let Err(diff) = canonical_diff(expected, actual) {
        panic!("documents differ canonically: {diff}\n--- actual ---\n{actual}");
    }
}

/// Same as [`assert_canonical_eq`] (the name other tests use).
#[track_caller]
pub fn assert_same_xml(expected: &str, actual: &str) {
    assert_canonical_eq(expected, actual);
}

/// Self-checks of the comparison, run with every test binary that includes this module.
#[cfg(test)]
mod self_check {
    use super::canonical_diff;

    #[test]
    fn prefixes_whitespace_and_empty_elements_do_not_matter() {
        let a = r#"<?xml version="1.0"?>
<a:r xmlns:a="urn:x" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <c xsi:type="a:T"><d/></c>
  <!-- comment -->
  <e>t &amp; u</e>
</a:r>"#;
        let b = r#"<b:r xmlns:b="urn:x"><c xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns:z="urn:x" i:type="z:T"><d></d></c><e>t &amp; u</e></b:r>"#;
        assert_eq!(canonical_diff(a, b), Ok(()));
    }

    #[test]
    fn reports_first_difference_with_path() {
        let a = "<r><x><y>1</y><y>2</y></x></r>";
        let b = "<r><x><y>1</y><y>3</y></x></r>";
        assert_eq!(
            canonical_diff(a, b),
            Err(r#"at r/x/y[2]: text differs: expected "2", found "3""#.to_owned())
        );
        let c = "<r><x><y>1</y></x></r>";
        assert_eq!(
            canonical_diff(a, c),
            Err("at r/x: expected 2 children, found 1; first missing: element <y>".to_owned())
        );
        let d = r#"<r xmlns:p="urn:p"><x p:a="1"><y>1</y><y>2</y></x></r>"#;
        assert_eq!(
            canonical_diff(a, d),
            Err(r#"at r/x: attributes differ: expected [], found [("{urn:p}a", "1")]"#.to_owned())
        );
        let e = "<r xmlns='urn:q'><x><y>1</y><y>2</y></x></r>";
        assert_eq!(
            canonical_diff(a, e),
            Err("at r: element name differs: expected r, found {urn:q}r".to_owned())
        );
    }

    #[test]
    fn xsi_type_is_compared_as_a_qname() {
        let a = r#"<r xmlns:p="urn:a" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="p:T"/>"#;
        let b = r#"<r xmlns:p="urn:b" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="p:T"/>"#;
        assert!(canonical_diff(a, b).unwrap_err().contains("QName {urn:a}T"));
    }
}
