//! A payload-mode request body: the runtime's fast and thorough decoders agree, and no
//! extractor panics on what they decode.
#![no_main]

libfuzzer_sys::fuzz_target!(|body: &[u8]| azfn_runtime::fuzzing::payload(body));
