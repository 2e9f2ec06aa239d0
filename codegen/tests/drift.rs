//! The checked-in `generated/` crate must be exactly what the code generator emits today.

use mktows_codegen::{Options, Target, generate_file, generate_file_with};
use std::path::Path;

#[test]
fn generated_crate_is_current_and_output_is_deterministic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let wsdl = root.join("wsdl/mktows.wsdl");
    // The checked-in crate carries the proptest impls (behind its `proptest` feature).
    let options = Options {
        target: Target::CrateRoot,
        proptest: true,
    };
    let first = generate_file_with(&wsdl, options).expect("our WSDL generates");
    let second = generate_file_with(&wsdl, options).expect("our WSDL generates");
    assert_eq!(first.code, second.code, "same input, same bytes");
    let checked_in = std::fs::read_to_string(root.join("generated/src/lib.rs"))
        .expect("generated/src/lib.rs is checked in");
    assert!(
        checked_in == first.code,
        "generated/src/lib.rs is out of date; regenerate with: \
         cargo run -p mktows-codegen -- generate --wsdl wsdl/mktows.wsdl --out generated/src --proptest"
    );
}

#[test]
fn vendor_wsdls_generate_when_available() {
    let dir = std::env::var_os("MKTOWS_VENDOR_WSDL_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/wsdl"));
    if !dir.is_dir() {
        eprintln!(
            "skipped: vendor WSDLs not found at {} (set MKTOWS_VENDOR_WSDL_DIR)",
            dir.display()
        );
        return;
    }
    for (version, has_clone, has_skip_log) in [
        ("2_1", false, true),
        ("2_2", false, true),
        ("2_3", false, false),
    ] {
        let path = dir.join(format!("mktows-{version}.wsdl"));
        let generated =
            generate_file(&path, Target::CrateRoot).unwrap_or_else(|e| panic!("{version}: {e}"));
        let code = &generated.code;
        assert_eq!(
            code.matches("pub async fn ").count(),
            24,
            "{version}: 23 client methods and server::handle"
        );
        assert_eq!(
            code.matches("pub static ").count(),
            24,
            "{version}: 23 operation descriptors and ALL"
        );
        assert_eq!(
            code.contains("pub clone_to_program_name"),
            has_clone,
            "{version}"
        );
        assert_eq!(
            code.contains("pub skip_activity_log"),
            has_skip_log,
            "{version}"
        );
    }
}
