//! Whatever arrives, every request gets a defined status and a JSON body, and the server goes on.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::net::SocketAddr;
use std::sync::OnceLock;

use azfn_runtime::__private::HttpMethod;
use azfn_runtime::http::{HttpRequest, HttpResponse};
use azfn_runtime::triggers::Metadata;
use azfn_runtime::{App, Context, Json};
use common::*;
use http::{Method, StatusCode};
use proptest::prelude::*;
use serde_json::{Value, json};

async fn http_fn(req: HttpRequest, ctx: Context) -> HttpResponse {
    ctx.log(req.url());
    HttpResponse::ok().json(&json!({ "q": req.query("q"), "len": req.body().len() }))
}
register! {
    http_fn(HttpRequest => "req", Context => "") -> HttpResponse;
    name: "http_fn";
    bindings: [http_in!("req", None, &[HttpMethod::Post]), http_out("res")];
    outputs: ["res"];
}

async fn queue_fn(Json(v): Json<Value>, meta: Metadata) -> Json<Value> {
    Json(json!([v, meta.len()]))
}
register! {
    queue_fn(Json<Value> => "msg", Metadata => "") -> Json<Value>;
    name: "queue_fn";
    bindings: [queue_in!("msg", "q"), queue_out!("$return", "r")];
    outputs: ["$return"];
}

/// One server for every case, on its own runtime.
fn server() -> (SocketAddr, &'static tokio::runtime::Runtime) {
    static SERVER: OnceLock<(SocketAddr, tokio::runtime::Runtime)> = OnceLock::new();
    let (addr, rt) = SERVER.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let addr = rt.block_on(start(App::new().body_limit(64 * 1024)));
        (addr, rt)
    });
    (*addr, rt)
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        ".{0,10}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 32, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop_oneof![
                        Just("Data".to_owned()),
                        Just("Metadata".to_owned()),
                        Just("req".to_owned()),
                        Just("msg".to_owned()),
                        Just("Body".to_owned()),
                        Just("Query".to_owned()),
                        Just("Headers".to_owned()),
                        "[a-z]{0,4}",
                    ],
                    inner.clone()
                ),
                0..5
            )
            .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
            inner.prop_map(|v| Value::String(v.to_string())),
        ]
    })
}

fn body_strategy() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..128),
        arb_json().prop_map(|v| serde_json::to_vec(&v).unwrap()),
        (arb_json(), arb_json()).prop_map(|(d, m)| {
            serde_json::to_vec(&json!({ "Data": { "req": d.clone(), "msg": d }, "Metadata": m }))
                .unwrap()
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn any_body_gets_a_defined_json_answer(
        body in body_strategy(),
        function in prop::sample::select(vec!["http_fn", "queue_fn", "missing", "HTTP_FN"]),
        method in prop::sample::select(vec![Method::POST, Method::GET, Method::PUT]),
    ) {
        let (addr, rt) = server();
        let (status, json) = rt.block_on(send_json(addr, request(method, &format!("/{function}"), body)));
        prop_assert!(
            [200u16, 400, 404, 405, 413, 500].contains(&status.as_u16()),
            "status {status}: {json}"
        );
        prop_assert!(json.is_object());
        if status == StatusCode::OK {
            prop_assert!(json.get("Outputs").is_some() && json.get("Logs").is_some());
        } else {
            prop_assert!(json["error"].is_string(), "{json}");
        }
        // The server still serves a valid invocation.
        let (status, json) = rt.block_on(invoke(addr, "queue_fn", json!({ "Data": { "msg": "\"1\"" }, "Metadata": {} })));
        prop_assert_eq!(status, StatusCode::OK);
        prop_assert_eq!(json["ReturnValue"].as_str(), Some("WzEsMF0="));
    }
}
