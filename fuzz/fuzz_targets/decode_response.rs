//! Arbitrary bytes as response and request envelopes; see `checks/decode_response.rs`.

#![no_main]

#[path = "../checks/decode_response.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::check(data));
