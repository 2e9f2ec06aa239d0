//! Arbitrary bytes as a WSDL; see `checks/codegen_wsdl.rs`.

#![no_main]

#[path = "../checks/codegen_wsdl.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::check(data));
