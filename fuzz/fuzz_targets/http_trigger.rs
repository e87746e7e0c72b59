//! An HTTP trigger object (JSON text): read from its text and from a `Value`, it gives the same
//! request or the same rejection.
#![no_main]

libfuzzer_sys::fuzz_target!(|object: &[u8]| azfn_runtime::fuzzing::http_trigger(object));
