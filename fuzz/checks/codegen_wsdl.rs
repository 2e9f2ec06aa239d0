//! The oracle of the `codegen_wsdl` fuzz target, shared with the regression test that replays
//! `fuzz/regressions/codegen_wsdl/` (`codegen/tests/fuzz_regressions.rs`).
//!
//! Arbitrary bytes as a WSDL: the reader (`parse::parse_wsdl_bytes`) and the whole pipeline
//! (`generate`: model and renderer) must return `Ok` or a one-line error naming the file, never
//! panic, hang or report an internal error (generated code that does not parse).

use mktows_codegen::{Target, generate, parse};

fn check_error(e: &mktows_codegen::Error) {
    let m = e.to_string();
    assert!(!m.contains('\n'), "multi-line error: {m}");
    assert!(m.contains("fuzz.wsdl"), "error without the file name: {m}");
    assert!(!m.contains("internal error"), "internal error: {m}");
}

/// Runs every check on `data`; panics on a finding.
pub fn check(data: &[u8]) {
    let parsed = parse::parse_wsdl_bytes("fuzz.wsdl", data);
    let generated = generate("fuzz.wsdl", data, Target::CrateRoot);
    match (&parsed, &generated) {
        // The pipeline starts with the same reader, so a reader error is the pipeline's error.
        (Err(p), Err(g)) => {
            check_error(p);
            assert_eq!(p.to_string(), g.to_string());
        }
        (Err(p), Ok(_)) => panic!("reader failed but generate succeeded: {p}"),
        (Ok(_), Ok(g)) => assert!(!g.code.is_empty()),
        (Ok(_), Err(g)) => check_error(g),
    }
}
