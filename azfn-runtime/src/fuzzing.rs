//! Entry points for the fuzz targets in `fuzz/` (compiled only with `--cfg fuzzing`, which
//! `scripts/fuzz.sh` sets). Each one panics when a property breaks; none is part of the API.

#![allow(missing_docs, clippy::panic)]

use bytes::Bytes;
use serde_json::Value;

use crate::http::HttpRequest;
use crate::invocation::Source;
use crate::payload::{Payload, parse_values};
use crate::probe::{extract_everything, invocation, request_summary, specs};

/// A payload-mode request body: the fast path (which only locates the values) and the thorough
/// path (which builds them all) accept the same bodies, with the same error, and find the same
/// values; every extractor of every trigger kind then runs on it without panicking.
pub fn payload(body: &[u8]) {
    let fast = Payload::parse(Bytes::copy_from_slice(body));
    let thorough = parse_values(body);
    match (&fast, &thorough) {
        (Ok(payload), Ok((data, metadata))) => {
            for (name, value) in data {
                assert_eq!(payload.get(name), Some(value), "Data.{name}");
            }
            assert_eq!(payload.metadata(), metadata, "Metadata");
        }
        // An empty body is named as such before any JSON is read.
        (Err(a), Err(_)) if body.iter().all(u8::is_ascii_whitespace) => {
            assert!(a.starts_with("the request body is empty"), "{a}");
        }
        (Err(a), Err(b)) => assert_eq!(a, b),
        // The known difference: the fast path checks the JSON syntax, not that a number fits
        // an `f64` (`1e999`) nor that a `\u` escape is a whole character (half a surrogate pair);
        // such a value then reads as absent (`Payload::get`, `Payload::metadata`), never as a
        // wrong value. The host never sends either.
        (Ok(_), Err(b)) if decoded_only(b) => {}
        _ => panic!("the fast and the thorough path disagree: {fast:?} vs {thorough:?}"),
    }
    if fast.is_ok() {
        for &spec in specs() {
            if let Ok(payload) = Payload::parse(Bytes::copy_from_slice(body)) {
                extract_everything(&invocation(spec, Source::Payload(payload)));
            }
        }
    }
}

/// The HTTP trigger object of a payload (any JSON text): read from its text (the fast path)
/// and from a `Value` (the general path), it gives the same request or the same rejection.
pub fn http_trigger(object: &[u8]) {
    let Ok(text) = std::str::from_utf8(object) else {
        return;
    };
    if serde_json::from_str::<serde::de::IgnoredAny>(text).is_err() {
        return;
    }
    let body = format!(r#"{{"Data":{{"data":{text}}},"Metadata":{{}}}}"#);
    let Ok(payload) = Payload::parse(Bytes::from(body.clone())) else {
        return; // nested too deeply for serde_json, say
    };
    // The general path reads the same text (serde_json does not round-trip every float).
    let reread = match serde_json::from_str::<Value>(&body) {
        Ok(reread) => reread,
        Err(e) if decoded_only(&e.to_string()) => return, // see `payload`
        Err(e) => panic!("the payload parsed but not as a value ({e}): {body}"),
    };
    let spec = specs()[0];
    let from_text =
        HttpRequest::from_invocation(&invocation(spec, Source::Payload(payload)), "data");
    let from_value = HttpRequest::from_value("data", &reread["Data"]["data"]);
    match (from_text, from_value) {
        (Ok(a), Ok(b)) => assert_eq!(request_summary(&a), request_summary(&b)),
        (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
        (a, b) => panic!(
            "the fast and the general path disagree: {:?} vs {:?}",
            a.map(|r| request_summary(&r)),
            b.map(|r| request_summary(&r))
        ),
    }
}

/// Whether serde_json reports this only when it decodes a value, not when it checks its syntax.
fn decoded_only(error: &str) -> bool {
    // "lone leading surrogate in hex escape", "unexpected end of hex escape" (a surrogate
    // not followed by its pair), "number out of range".
    error.contains("hex escape") || error.contains("number out of range")
}
