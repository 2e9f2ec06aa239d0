//! Deterministic benchmark inputs.
//!
//! The `getMultipleLeads` response is written by hand here (plain string formatting), not with
//! the encoder under test, so that decode benchmarks do not depend on the writer. Values are
//! neutral: `lead{n}@example.invalid`, attributes `Attr01..Attr20`.

use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};

use mktows::{ArrayOfAttribute, ArrayOfLeadRecord, Attribute, LeadRecord, ParamsSyncMultipleLeads};
use mktows_runtime::Nillable;
use mktows_runtime::xml::ElementName;

/// Lead records in the decode benchmark's response.
pub const DECODE_LEADS: usize = 10_000;
/// Attributes per lead record in the decode benchmark's response.
pub const DECODE_ATTRS: usize = 20;
/// Lead records in the encode benchmark's request.
pub const ENCODE_LEADS: usize = 300;
/// Attributes per lead record in the encode benchmark's request.
pub const ENCODE_ATTRS: usize = 20;

/// The mktows namespace.
pub const MKTOWS_NS: &str = "http://www.marketo.com/mktows/";

/// The request body element of syncMultipleLeads.
pub const SYNC_ELEMENT: ElementName = ElementName::qualified(MKTOWS_NS, "paramsSyncMultipleLeads");

/// The `attrType` of attribute `k` (1-based) and its value for lead `n`.
///
/// A mix of what Marketo sends: strings, integers, dates, booleans; one value per lead carries
/// an entity (`&amp;`) and three attributes per lead have a nil `attrType` (`xsi:nil`), so
/// those paths of the decoder are exercised in proportion.
fn attribute(n: usize, k: usize) -> (Option<&'static str>, String) {
    match k % 5 {
        1 => (Some("string"), format!("v{n}-{k}")),
        2 => (Some("integer"), format!("{}", n * 31 + k)),
        3 => (Some("date"), format!("2026-01-{:02}", 1 + (n + k) % 28)),
        4 => (
            Some("boolean"),
            if (n + k).is_multiple_of(2) {
                "true"
            } else {
                "false"
            }
            .to_owned(),
        ),
        _ if k == 20 => (Some("string"), format!("Example &amp; Co {n}")),
        _ => (None, format!("Example {n}")),
    }
}

/// A `successGetMultipleLeads` response envelope with `leads` lead records of `attrs`
/// attributes each, one record per line (10,000 × 20 is about 22 MB).
pub fn leads_envelope(leads: usize, attrs: usize) -> Vec<u8> {
    let mut s = String::with_capacity(leads * (200 + attrs * 112) + 1024);
    s.push_str(concat!(
        r#"<?xml version="1.0" encoding="UTF-8"?>"#,
        "\n",
        r#"<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" "#,
        r#"xmlns:ns1="http://www.marketo.com/mktows/" "#,
        r#"xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#,
        "<SOAP-ENV:Body><ns1:successGetMultipleLeads><result>"
    ));
    let _ = writeln!(
        s,
        "<returnCount>{leads}</returnCount><remainingCount>0</remainingCount>\
         <newStreamPosition>example-stream-position-{leads:08}</newStreamPosition>\
         <leadRecordList>"
    );
    for n in 1..=leads {
        let _ = write!(
            s,
            "<leadRecord><Id>{}</Id><Email>lead{n}@example.invalid</Email>",
            1_000_000 + n
        );
        if n.is_multiple_of(4) {
            let _ = write!(
                s,
                "<ForeignSysPersonId>EXT-{n:08}</ForeignSysPersonId>\
                 <ForeignSysType>SFDC</ForeignSysType>"
            );
        }
        s.push_str("<leadAttributeList>");
        for k in 1..=attrs {
            let (ty, value) = attribute(n, k);
            let _ = write!(s, "<attribute><attrName>Attr{k:02}</attrName>");
            match ty {
                Some(t) => {
                    let _ = write!(s, "<attrType>{t}</attrType>");
                }
                None => s.push_str(r#"<attrType xsi:nil="true"/>"#),
            }
            let _ = write!(s, "<attrValue>{value}</attrValue></attribute>");
        }
        s.push_str("</leadAttributeList></leadRecord>\n");
    }
    s.push_str(
        "</leadRecordList></result></ns1:successGetMultipleLeads></SOAP-ENV:Body></SOAP-ENV:Envelope>\n",
    );
    s.into_bytes()
}

/// The target directory: `$CARGO_TARGET_DIR`, else the workspace's `target/`.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(d) => PathBuf::from(d),
        None => {
            let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target");
            dir.canonicalize().unwrap_or(dir)
        }
    }
}

/// Writes [`leads_envelope`]`(leads, attrs)` to
/// `target/mktows-bench/getMultipleLeads-{leads}x{attrs}.xml` unless it is already there with
/// the same content, and returns its path.
pub fn write_leads_file(leads: usize, attrs: usize) -> io::Result<PathBuf> {
    let dir = target_dir().join("mktows-bench");
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(format!("getMultipleLeads-{leads}x{attrs}.xml"));
    let bytes = leads_envelope(leads, attrs);
    if std::fs::read(&path).ok().as_deref() != Some(&bytes[..]) {
        std::fs::write(&path, &bytes)?;
    }
    Ok(path)
}

/// The `paramsSyncMultipleLeads` of the encode benchmark: `leads` records keyed by email, each
/// with `attrs` attributes (`attrType` left out, as requests do), dedup enabled.
pub fn sync_params(leads: usize, attrs: usize) -> ParamsSyncMultipleLeads {
    let records = (1..=leads)
        .map(|n| {
            let mut r = LeadRecord::new();
            r.email = Nillable::Value(format!("lead{n}@example.invalid"));
            let mut list = ArrayOfAttribute::new();
            list.attribute = (1..=attrs)
                .map(|k| {
                    let (_, value) = attribute(n, k);
                    // The generator's values are already escaped XML; requests carry the
                    // plain text.
                    Attribute::new(format!("Attr{k:02}"), value.replace("&amp;", "&"))
                })
                .collect();
            r.lead_attribute_list = Nillable::Value(list);
            r
        })
        .collect();
    let mut list = ArrayOfLeadRecord::new();
    list.lead_record = records;
    let mut p = ParamsSyncMultipleLeads::new(list);
    p.dedup_enabled = Nillable::Value(true);
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_decodes_and_is_deterministic() {
        let a = leads_envelope(7, 20);
        assert_eq!(a, leads_envelope(7, 20));
        let v = crate::decode_leads(&a).expect("decodes");
        assert_eq!(crate::lead_count(&v), 7);
        let leads = &v.result.lead_record_list.value().expect("list").lead_record;
        let attrs = &leads[3]
            .lead_attribute_list
            .value()
            .expect("attrs")
            .attribute;
        assert_eq!(attrs.len(), 20);
        assert_eq!(attrs[0].attr_name, "Attr01");
        assert_eq!(attrs[19].attr_value, "Example & Co 4");
        assert!(attrs[9].attr_type.is_nil());
        assert_eq!(
            leads[3].email.value().map(String::as_str),
            Some("lead4@example.invalid")
        );
        assert!(leads[3].foreign_sys_person_id.value().is_some());
        assert!(leads[2].foreign_sys_person_id.is_absent());
    }

    #[test]
    fn full_size_is_in_range() {
        let n = leads_envelope(DECODE_LEADS, DECODE_ATTRS).len();
        assert!((15_000_000..=25_000_000).contains(&n), "{n} bytes");
    }
}
