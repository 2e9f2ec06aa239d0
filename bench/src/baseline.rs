//! The bare quick-xml baselines: what reading and writing the same bytes costs with no
//! mapping to Rust types at all.

use std::borrow::Cow;

use mktows::{Attribute, LeadRecord, ParamsSyncMultipleLeads};
use mktows_runtime::Nillable;
use quick_xml::NsReader;
use quick_xml::escape::partial_escape;
use quick_xml::events::{BytesEnd, BytesStart, BytesText, Event};

/// The reader type both the runtime and [`bare_scan`] use.
pub const READER_TYPE: &str = "quick_xml::NsReader<&[u8]> (read_event, default config)";

/// Reads every event of `input` with the reader type the runtime uses
/// (`quick_xml::NsReader` over `&[u8]`, default configuration), touching each one (adds up the
/// lengths of their contents) and allocating nothing. Returns that sum and the number of
/// events.
pub fn bare_scan(input: &[u8]) -> Result<(u64, u64), quick_xml::Error> {
    let mut r = NsReader::from_reader(input);
    let mut sum = 0u64;
    let mut events = 0u64;
    loop {
        let ev = r.read_event()?;
        if matches!(ev, Event::Eof) {
            return Ok((sum, events));
        }
        events += 1;
        sum = sum.wrapping_add(ev.len() as u64);
    }
}

/// Writes `params` as the `ns1:paramsSyncMultipleLeads` element with a bare
/// `quick_xml::Writer` into `out`, byte for byte what the generated `Encode` writes (compact,
/// no declaration, text escaped with quick-xml's `partial_escape`: `<`, `>`, `&`, `\r`).
///
/// Only the shapes the benchmark data has are supported (no nil elements, no
/// `ForeignSysType`, no `attrType`); anything else panics.
pub fn bare_write_sync(params: &ParamsSyncMultipleLeads, out: Vec<u8>) -> Vec<u8> {
    let mut w = quick_xml::Writer::new(out);
    let mut write = |ev: Event<'_>| {
        // Writing into a Vec cannot fail.
        w.write_event(ev).expect("write to Vec");
    };
    write(Event::Start(BytesStart::new("ns1:paramsSyncMultipleLeads")));
    write(Event::Start(BytesStart::new("leadRecordList")));
    for r in &params.lead_record_list.lead_record {
        write_lead(&mut write, r);
    }
    write(Event::End(BytesEnd::new("leadRecordList")));
    match params.dedup_enabled {
        Nillable::Value(b) => {
            text_element(&mut write, "dedupEnabled", if b { "true" } else { "false" })
        }
        Nillable::Absent => {}
        Nillable::Nil => panic!("nil dedupEnabled is not supported by the bare writer"),
    }
    write(Event::End(BytesEnd::new("ns1:paramsSyncMultipleLeads")));
    w.into_inner()
}

fn write_lead(write: &mut impl FnMut(Event<'_>), r: &LeadRecord) {
    write(Event::Start(BytesStart::new("leadRecord")));
    let mut id_buf = itoa_buf();
    match &r.id {
        Nillable::Value(id) => text_element(write, "Id", fmt_i32(&mut id_buf, *id)),
        Nillable::Absent => {}
        Nillable::Nil => panic!("nil Id is not supported by the bare writer"),
    }
    for (name, v) in [
        ("Email", &r.email),
        ("ForeignSysPersonId", &r.foreign_sys_person_id),
    ] {
        match v {
            Nillable::Value(s) => text_element(write, name, s),
            Nillable::Absent => {}
            Nillable::Nil => panic!("nil {name} is not supported by the bare writer"),
        }
    }
    assert!(
        r.foreign_sys_type.is_absent(),
        "ForeignSysType is not supported by the bare writer"
    );
    match &r.lead_attribute_list {
        Nillable::Value(list) => {
            write(Event::Start(BytesStart::new("leadAttributeList")));
            for a in &list.attribute {
                write_attribute(write, a);
            }
            write(Event::End(BytesEnd::new("leadAttributeList")));
        }
        Nillable::Absent => {}
        Nillable::Nil => panic!("nil leadAttributeList is not supported by the bare writer"),
    }
    write(Event::End(BytesEnd::new("leadRecord")));
}

fn write_attribute(write: &mut impl FnMut(Event<'_>), a: &Attribute) {
    assert!(
        a.attr_type.is_absent(),
        "attrType is not supported by the bare writer"
    );
    write(Event::Start(BytesStart::new("attribute")));
    text_element(write, "attrName", &a.attr_name);
    text_element(write, "attrValue", &a.attr_value);
    write(Event::End(BytesEnd::new("attribute")));
}

/// `<name>escaped text</name>`.
fn text_element(write: &mut impl FnMut(Event<'_>), name: &str, text: &str) {
    write(Event::Start(BytesStart::new(name)));
    let escaped: Cow<'_, str> = partial_escape(text);
    write(Event::Text(BytesText::from_escaped(escaped)));
    write(Event::End(BytesEnd::new(name)));
}

fn itoa_buf() -> [u8; 12] {
    [0; 12]
}

/// Formats `v` in `buf` without allocating.
fn fmt_i32(buf: &mut [u8; 12], v: i32) -> &str {
    let mut pos = buf.len();
    let mut n = v.unsigned_abs();
    loop {
        pos -= 1;
        buf[pos] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if v < 0 {
        pos -= 1;
        buf[pos] = b'-';
    }
    std::str::from_utf8(&buf[pos..]).expect("ASCII digits")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data;

    #[test]
    fn bare_writer_matches_generated_encode() {
        let p = data::sync_params(5, 20);
        let ours = crate::encode_sync(&p, Vec::new()).expect("encodes");
        let bare = bare_write_sync(&p, Vec::new());
        assert_eq!(
            String::from_utf8_lossy(&bare),
            String::from_utf8_lossy(&ours)
        );
    }

    #[test]
    fn bare_scan_sees_every_event() {
        let xml = data::leads_envelope(3, 20);
        let (sum, events) = bare_scan(&xml).expect("well-formed");
        assert!(sum > 0);
        // 3 leads × 20 attributes × (attribute, name, type, value) start tags at least.
        assert!(events > 3 * 20 * 4, "{events}");
    }

    #[test]
    fn formats_ints() {
        let mut b = itoa_buf();
        assert_eq!(fmt_i32(&mut b, -2147483648), "-2147483648");
        let mut b = itoa_buf();
        assert_eq!(fmt_i32(&mut b, 0), "0");
    }
}
