//! Property tests: no JSON the host (or anyone) sends makes decoding panic.

use std::sync::Arc;

use bytes::Bytes;
use proptest::prelude::*;
use serde_json::{Map, Value};

use crate::http::HttpRequest;
use crate::http_api::RequestHead;
use crate::invocation::{Forwarded, Source};
use crate::logging::LogSink;
use crate::payload::Payload;
use crate::probe::{extract_everything, invocation, request_summary, specs};

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_filter_map("finite", |f| serde_json::Number::from_f64(f)
            .map(Value::Number)),
        ".{0,12}".prop_map(Value::String),
        "[A-Za-z0-9+/]{0,12}={0,2}".prop_map(Value::String),
        prop_oneof![
            Just("application/octet-stream"),
            Just("multipart/form-data"),
            Just("text/plain")
        ]
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key(), inner.clone()), 0..6)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
            // The host's double encoding.
            inner.prop_map(|v| Value::String(v.to_string())),
        ]
    })
}

/// Keys the decoders look for, and others.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "Url",
            "Method",
            "Query",
            "Headers",
            "Params",
            "Identities",
            "Body",
            "Content-Type",
            "Claims",
            "Type",
            "Value",
            "IsPastDue",
            "ScheduleStatus",
            "Schedule",
            "Next",
            "Id",
            "DequeueCount",
            "Uri",
            "Properties",
            "Metadata",
            "name",
            "RetryContext",
            "RetryCount",
            "Length",
            "data",
        ])
        .prop_map(str::to_owned),
        "[a-zA-Z$ -]{0,8}",
    ]
}

/// An HTTP trigger object: mostly the host's shapes, sometimes anything.
fn arb_http_object() -> impl Strategy<Value = Value> {
    let text = || {
        prop_oneof![
            "[a-zA-Z0-9 /:?=&%+-]{0,12}".prop_map(Value::String),
            Just(Value::Null)
        ]
    };
    let strings = |inner: BoxedStrategy<Value>| {
        prop::collection::vec(("[A-Za-z][A-Za-z0-9-]{0,6}", inner), 0..4)
            .prop_map(|pairs| Value::Object(pairs.into_iter().collect()))
    };
    let header_value = prop_oneof![
        "[ -~]{0,8}".prop_map(Value::String),
        prop::collection::vec("[ -~\\t]{0,8}".prop_map(Value::String), 0..3).prop_map(Value::Array),
    ];
    let claim = (text(), text(), text(), any::<bool>()).prop_map(|(t, v, i, extra)| {
        let mut claim = serde_json::json!({ "Type": t, "Value": v, "Issuer": i });
        if extra {
            claim["OriginalIssuer"] = Value::from("LOCAL AUTHORITY");
        }
        claim
    });
    let identity = (
        text(),
        prop_oneof![Just(Value::Null), any::<bool>().prop_map(Value::from)],
        text(),
        prop::collection::vec(claim, 0..3),
    )
        .prop_map(|(auth, is_auth, name, claims)| {
            serde_json::json!({
                "AuthenticationType": auth, "IsAuthenticated": is_auth, "Actor": null,
                "Name": name, "Claims": claims, "NameClaimType": "name",
            })
        });
    let field = |shaped: BoxedStrategy<Value>| prop_oneof![6 => shaped, 1 => arb_json()];
    (
        field(text().boxed()),
        field(
            prop_oneof![Just("GET"), Just("post"), Just("PATCH"), Just("bad method")]
                .prop_map(Value::from)
                .boxed(),
        ),
        field(strings(header_value.boxed()).boxed()),
        field(strings("[a-z0-9 ]{0,6}".prop_map(Value::String).boxed()).boxed()),
        field(strings(text().boxed()).boxed()),
        field(
            prop::collection::vec(identity, 0..2)
                .prop_map(Value::Array)
                .boxed(),
        ),
        field(prop_oneof![text(), "[A-Za-z0-9+/]{0,12}".prop_map(Value::String)].boxed()),
        prop::collection::vec(any::<bool>(), 8),
    )
        .prop_map(
            |(url, method, headers, query, params, identities, body, present)| {
                let names = [
                    "Url",
                    "Method",
                    "Headers",
                    "Query",
                    "Params",
                    "Identities",
                    "Body",
                ];
                let mut obj = Map::new();
                for ((name, value), keep) in names
                    .into_iter()
                    .zip([url, method, headers, query, params, identities, body])
                    .zip(present)
                {
                    if keep {
                        obj.insert(name.to_owned(), value);
                    }
                }
                obj.insert("Extra".to_owned(), serde_json::json!({"nested": [1, "x"]}));
                Value::Object(obj)
            },
        )
}

/// What an [`HttpRequest`] carries, in a comparable form.
fn has_float(value: &Value) -> bool {
    match value {
        Value::Number(n) => n.is_f64(),
        Value::Array(items) => items.iter().any(has_float),
        Value::Object(map) => map.values().any(has_float),
        _ => false,
    }
}

#[test]
fn the_hosts_http_objects_are_read_from_json_text() {
    for (fixture, fast) in [
        (crate::testing::fixtures::HTTP_POST, true),
        // The legacy string `Query` takes the general path.
        (crate::testing::fixtures::HTTP_DOCS, false),
    ] {
        let payload = Payload::parse(Bytes::from_static(fixture.as_bytes())).unwrap();
        let inv = invocation(specs()[0], Source::Payload(payload));
        let req = HttpRequest::from_invocation(&inv, "req").unwrap();
        let untouched = inv.payload().and_then(|p| p.unparsed("req")).is_some();
        assert_eq!(untouched, fast, "{fixture}");
        let doc: Value = serde_json::from_str(fixture).unwrap();
        let general = HttpRequest::from_value("req", &doc["Data"]["req"]).unwrap();
        assert_eq!(request_summary(&req), request_summary(&general));
        assert_eq!(req.json::<Value>().unwrap()["id"], 1005);
    }
}

/// Found by fuzz/fuzz_targets/http_trigger.rs: a header given twice was appended twice by the
/// fast path, while a JSON object keeps only the last of a repeated key.
#[test]
fn a_header_given_twice_reads_alike_on_both_paths() {
    for headers in [
        r#"{"Host": ["a"], "Host": ["b"]}"#,
        r#"{"Host": ["a"], "host": ["b", "c"]}"#,
        r#"{"X": ["\u0001"], "X": ["ok"]}"#,
        r#"{"X": ["ok"], "X": ["\u0001"]}"#,
    ] {
        let text = format!(
            r#"{{"Data":{{"req":{{"Url":"http://h/api/f","Method":"GET","Headers":{headers}}}}},"Metadata":{{}}}}"#
        );
        let payload = Payload::parse(Bytes::from(text.clone())).unwrap();
        let fast =
            HttpRequest::from_invocation(&invocation(specs()[0], Source::Payload(payload)), "req")
                .unwrap();
        let doc: Value = serde_json::from_str(&text).unwrap();
        let general = HttpRequest::from_value("req", &doc["Data"]["req"]).unwrap();
        assert_eq!(
            request_summary(&fast),
            request_summary(&general),
            "{headers}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_payloads_never_panic(data in arb_json(), metadata in arb_json()) {
        let metadata = match metadata {
            Value::Object(m) => m,
            other => Map::from_iter([("data".to_owned(), other)]),
        };
        for &spec in specs() {
            let mut map = Map::new();
            map.insert("data".to_owned(), data.clone());
            let inv = invocation(spec, Source::Payload(Payload::from_values(map, metadata.clone())));
            extract_everything(&inv);
        }
    }

    #[test]
    fn arbitrary_payload_bodies_never_panic(data in arb_json(), metadata in arb_json()) {
        let body = serde_json::json!({ "Data": { "data": data }, "Metadata": metadata }).to_string();
        for &spec in specs() {
            match Payload::parse(Bytes::from(body.clone())) {
                Ok(payload) => extract_everything(&invocation(spec, Source::Payload(payload))),
                // The only shape error this body can have: `Metadata` neither an object nor null.
                Err(e) => prop_assert!(
                    !metadata.is_object() && !metadata.is_null() && e.contains("Metadata"),
                    "{e}"
                ),
            }
        }
    }

    #[test]
    fn http_requests_read_from_json_text_equal_those_read_from_values(obj in arb_http_object()) {
        let body = serde_json::json!({ "Data": { "req": obj }, "Metadata": {} }).to_string();
        // The general path reads the same text (serde_json does not round-trip every float).
        let reread: Value = serde_json::from_str(&body).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let payload = Payload::parse(Bytes::from(body))
            .map_err(TestCaseError::fail)?;
        let spec = specs()[0];
        let from_text = HttpRequest::from_invocation(&invocation(spec, Source::Payload(payload)), "req");
        let from_value = HttpRequest::from_value("req", &reread["Data"]["req"]);
        match (from_text, from_value) {
            (Ok(a), Ok(b)) => prop_assert_eq!(request_summary(&a), request_summary(&b)),
            (Err(a), Err(b)) => prop_assert_eq!(a.to_string(), b.to_string()),
            (a, b) => prop_assert!(false, "{:?} vs {:?}", a.map(|r| request_summary(&r)), b.map(|r| request_summary(&r))),
        }
    }

    #[test]
    fn arbitrary_forwarded_bodies_never_panic(body in prop::collection::vec(any::<u8>(), 0..64), query in ".{0,24}") {
        let uri = format!("/api/x?{}", query.replace([' ', '#'], ""));
        let uri = uri.parse().unwrap_or_else(|_| http::Uri::from_static("/api/x"));
        for &spec in specs() {
            let inv = invocation(spec, Source::Forwarded(Forwarded {
                head: Arc::new(RequestHead::forwarded(
                    http::Method::POST,
                    uri.clone(),
                    http::HeaderMap::new(),
                    vec![("id".into(), None)],
                )),
                body: Bytes::from(body.clone()),
            }));
            extract_everything(&inv);
        }
    }

    #[test]
    fn double_encoding_is_undone_exactly_once(value in arb_json()) {
        // serde_json does not round-trip every float exactly (no `float_roundtrip`).
        prop_assume!(!has_float(&value));
        let encoded = Value::String(value.to_string());
        prop_assert_eq!(&*crate::decode::undo_double_encoding(&encoded), &value);
    }

    #[test]
    fn http_outputs_render_to_the_host_shape_or_name_the_bad_header(
        status in prop_oneof![4 => 100u16..1000, 1 => any::<u16>()],
        headers in prop::collection::vec((
            prop_oneof![4 => "[a-z-]{1,10}", 1 => "[a-z]{0,3}[ :(\n\u{e9}]?[a-z]{0,3}"],
            prop_oneof![4 => "[ -~]{0,10}", 1 => "[a-z]{0,3}[\n\r\u{0}\u{7f}][a-z]{0,3}"],
        ), 0..5),
        body in prop_oneof![
            3 => ".{0,32}".prop_map(String::into_bytes),
            1 => prop::collection::vec(any::<u8>(), 0..64),
        ],
    ) {
        let mut response = crate::http::HttpResponse::new(status).body(body.clone());
        for (k, v) in &headers {
            response = response.header(k.as_str(), v.as_str());
        }
        let sink = LogSink::new("id".into(), "f", true);
        let rendered = crate::output::http_object(response, &sink);
        // RFC 9110 tokens for names; visible ASCII, space and tab for values.
        let token = |n: &str| !n.is_empty() && n.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
        let text = |v: &str| v.bytes().all(|b| b == b'\t' || (b' '..=b'~').contains(&b));
        // The first bad header is the one reported.
        let first_bad = headers.iter().find_map(|(k, v)| {
            if !token(k) {
                Some("invalid response header name".to_owned())
            } else if !text(v) {
                Some(format!("invalid value for response header `{k}`"))
            } else {
                None
            }
        });
        match (rendered, first_bad) {
            (Ok(object), None) => {
                let expected_status = if (100..1000).contains(&status) { status } else { 500 };
                prop_assert_eq!(object["statusCode"].as_u64(), Some(u64::from(expected_status)));
                prop_assert_eq!(object["body"].as_str(), Some(&*String::from_utf8_lossy(&body)));
                // `header` replaces earlier values of the same name.
                let expected: Map<String, Value> = headers
                    .iter()
                    .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                    .collect();
                prop_assert_eq!(object["headers"].as_object(), Some(&expected));
            }
            (Err(e), Some(reason)) => {
                prop_assert!(e.to_string().starts_with(&reason), "{e} (expected: {reason})");
            }
            (Ok(object), Some(reason)) => prop_assert!(false, "rendered {object} despite: {reason}"),
            (Err(e), None) => prop_assert!(false, "valid response failed to render: {e}"),
        }
    }
}
