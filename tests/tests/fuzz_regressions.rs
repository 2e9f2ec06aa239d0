//! Replays every input the `decode_response` fuzz target ever crashed on
//! (`fuzz/regressions/decode_response/`) through the same checks the fuzzer runs, and pins the
//! exact outcome of each. See `docs/FUZZING.md`.

#[path = "../../fuzz/checks/decode_response.rs"]
mod checks;

use std::path::PathBuf;

use mktows::server::decode_request;
use mktows_runtime::server::RequestError;
use mktows_runtime::xml::ReadLimits;

fn regressions() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fuzz/regressions/decode_response")
}

fn input(name: &str) -> Vec<u8> {
    let path = regressions().join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

#[test]
fn every_recorded_input_passes_the_fuzz_checks() {
    let mut names: Vec<_> = std::fs::read_dir(regressions())
        .expect("fuzz/regressions/decode_response")
        .map(|e| e.expect("directory entry").path())
        .collect();
    names.sort();
    assert!(!names.is_empty());
    for path in names {
        let data = std::fs::read(&path).expect("regression input");
        checks::check(&data);
    }
}

/// Found by `decode_response`: a raw U+0008 (and NULs) in an importToList row decoded, but the
/// writer refuses the character, so the decoded request could not be re-encoded. The reader
/// now refuses characters XML 1.0 forbids, located at the character.
#[test]
fn control_character_in_text() {
    let data = input("control-char-in-text.xml");
    let op = &mktows::operations::IMPORT_TO_LIST;
    match decode_request(Some(op.soap_action), &data, ReadLimits::default()) {
        Err(RequestError::Malformed(e)) => assert_eq!(
            e.to_string(),
            "at line 16, column 52 (in paramsImportToList/importFileRows/stringItem[2]): malformed XML: character U+0008 is not allowed in XML 1.0"
        ),
        other => panic!("expected a malformed request, got {other:?}"),
    }
}
