//! The seed samples as an azfn app: `hello` (GET and POST), `ip` (the caller's public IP),
//! `item` (a route with a typed parameter) and `hash` (CPU-bound work moved off the async
//! worker threads with `tokio::task::spawn_blocking`).
//!
//! ```text
//! cargo run -p azfn-cli -- start --app examples/hello
//! curl 'http://localhost:7071/api/hello?name=Ferris'
//! ```

use azfn_runtime::http::{HttpRequest, HttpResponse};
use azfn_runtime::{Error, http_trigger};
use serde::Deserialize;
use serde_json::json;

/// The JSON body `hello` accepts on POST.
#[derive(Debug, Deserialize)]
struct Greeting {
    name: Option<String>,
}

/// `GET /api/hello?name=...` or `POST /api/hello` with `{"name": "..."}`; the name defaults to
/// `World`.
#[http_trigger(methods = ["get", "post"], auth_level = "anonymous")]
pub async fn hello(req: HttpRequest) -> HttpResponse {
    let name = req
        .query("name")
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
        .or_else(|| req.json::<Greeting>().ok().and_then(|g| g.name))
        .unwrap_or_else(|| "World".to_owned());
    tracing::info!("processing request for: {name}");
    HttpResponse::ok().json(&json!({ "message": format!("Hello, {name}!") }))
}

/// `GET /api/ip`: the caller's public IP, from the forwarding headers the platform adds
/// (`X-Forwarded-For` first, then `X-Client-IP`, then `X-Real-IP`).
#[http_trigger(methods = ["get"], auth_level = "anonymous")]
pub async fn ip(req: HttpRequest) -> HttpResponse {
    let ip = client_ip(&req);
    match ip {
        Some(ip) => HttpResponse::ok().json(&json!({ "ip": ip })),
        None => HttpResponse::not_found()
            .json(&json!({ "error": "no forwarding header names the caller" })),
    }
}

fn client_ip(req: &HttpRequest) -> Option<String> {
    if let Some(forwarded) = req.header("x-forwarded-for") {
        // "client, proxy1, proxy2": the first entry is the caller; strip an optional port.
        let first = forwarded.split(',').next()?.trim();
        if let Some(host) = strip_port(first).filter(|h| !h.is_empty()) {
            return Some(host.to_owned());
        }
    }
    ["x-client-ip", "x-real-ip"]
        .into_iter()
        .find_map(|h| req.header(h))
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// The address of `host:port`, `[v6]:port`, `[v6]`, a bare IPv6 address or a bare IPv4 one.
fn strip_port(entry: &str) -> Option<&str> {
    if let Some(rest) = entry.strip_prefix('[') {
        // [2001:db8::1]:443 or [2001:db8::1]
        return rest.split_once(']').map(|(addr, _)| addr);
    }
    match entry.rsplit_once(':') {
        // 203.0.113.7:5123 (an IPv4 address has no other colon)
        Some((host, port)) if !host.contains(':') && port.bytes().all(|b| b.is_ascii_digit()) => {
            Some(host)
        }
        // 2001:db8::1 (bare IPv6) or a plain address
        _ => Some(entry),
    }
}

/// A tiny catalogue for `item`.
const ITEMS: [&str; 3] = ["anchor", "compass", "lantern"];

/// `GET /api/items/{id:int}`: one item, or 404 when there is none with that id.
#[http_trigger(route = "items/{id:int}", methods = ["get"], auth_level = "anonymous")]
pub async fn item(req: HttpRequest) -> HttpResponse {
    let found = req
        .param("id")
        .and_then(|id| id.parse::<usize>().ok())
        .and_then(|id| ITEMS.get(id).map(|name| (id, name)));
    match found {
        Some((id, name)) => HttpResponse::ok().json(&json!({ "id": id, "name": name })),
        None => HttpResponse::not_found().json(&json!({ "error": "no such item" })),
    }
}

/// The most rounds `hash` accepts (a few seconds of work).
pub const MAX_ROUNDS: u64 = 1_000_000_000;

/// `GET /api/hash/{rounds:int}`: mixes a 64-bit state `rounds` times, a stand-in for CPU-bound
/// work (hashing, compression, image resizing). The loop runs on tokio's blocking thread pool
/// with `spawn_blocking`, so the async worker threads keep serving other invocations meanwhile.
#[http_trigger(route = "hash/{rounds:int}", methods = ["get"], auth_level = "anonymous")]
pub async fn hash(req: HttpRequest) -> Result<HttpResponse, Error> {
    let rounds = req
        .param("rounds")
        .and_then(|r| r.parse::<u64>().ok())
        .filter(|r| *r <= MAX_ROUNDS)
        .ok_or_else(|| {
            Error::msg(format!(
                "rounds must be a whole number from 0 to {MAX_ROUNDS}"
            ))
            .with_status(400)
        })?;
    // A JoinError (the closure panicked) converts into Error with `?`: the caller gets 500.
    let digest = tokio::task::spawn_blocking(move || mix(rounds)).await?;
    Ok(HttpResponse::ok().json(&json!({ "rounds": rounds, "hash": format!("{digest:016x}") })))
}

/// The `rounds`-th output of splitmix64 seeded with 0 (0 for no rounds).
fn mix(rounds: u64) -> u64 {
    let mut state: u64 = 0;
    let mut out = 0;
    for _ in 0..rounds {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        out = std::hint::black_box(z ^ (z >> 31));
    }
    out
}

#[cfg(test)]
mod tests {
    use azfn_runtime::Error;
    use azfn_runtime::testing::{TestApp, TestRequest, TestResponse};
    use serde_json::{Value, json};

    async fn get(path: &str) -> Result<TestResponse, Error> {
        TestApp::new().http(TestRequest::get(path)).await
    }

    async fn ip_with(headers: &[(&str, &str)]) -> Result<TestResponse, Error> {
        let mut request = TestRequest::get("/api/ip");
        for (name, value) in headers {
            request = request.header(name, value);
        }
        TestApp::new().http(request).await
    }

    #[tokio::test]
    async fn the_generated_app_agrees_with_the_functions() -> Result<(), Error> {
        // The manifest azfn-build wrote, checked as the handler binary checks it at start.
        let app = TestApp::from(azfn_runtime::app!());
        app.check()?;
        let res = app.http(TestRequest::get("/api/hello?name=Ferris")).await?;
        assert_eq!(res.status(), 200);
        Ok(())
    }

    #[tokio::test]
    async fn hello_greets_the_name_in_the_query() -> Result<(), Error> {
        let res = get("/api/hello?name=Ferris").await?;
        assert_eq!(res.status(), 200);
        assert_eq!(res.header("content-type"), Some("application/json"));
        assert_eq!(res.json::<Value>()?, json!({"message": "Hello, Ferris!"}));
        assert!(
            res.logs()
                .iter()
                .any(|l| l.contains("processing request for: Ferris")),
            "{:?}",
            res.logs()
        );
        Ok(())
    }

    #[tokio::test]
    async fn hello_greets_the_name_in_a_json_body() -> Result<(), Error> {
        let res = TestApp::new()
            .http(TestRequest::post("/api/hello").json(&json!({"name": "Ferris"})))
            .await?;
        assert_eq!(res.status(), 200);
        assert_eq!(res.json::<Value>()?, json!({"message": "Hello, Ferris!"}));
        assert_eq!(res.logs(), ["processing request for: Ferris"]);
        Ok(())
    }

    #[tokio::test]
    async fn hello_defaults_to_world() -> Result<(), Error> {
        let app = TestApp::new();
        for request in [
            TestRequest::get("/api/hello"),
            TestRequest::get("/api/hello?name="),
            TestRequest::post("/api/hello").text("not json"),
            TestRequest::post("/api/hello").json(&json!({"other": 1})),
        ] {
            let res = app.http(request).await?;
            assert_eq!(res.status(), 200);
            assert_eq!(res.json::<Value>()?, json!({"message": "Hello, World!"}));
        }
        Ok(())
    }

    #[tokio::test]
    async fn hello_accepts_get_and_post_only() -> Result<(), Error> {
        let res = TestApp::new().http(TestRequest::put("/api/hello")).await?;
        assert_eq!(res.status(), 404, "the host's router has no PUT route");
        Ok(())
    }

    #[tokio::test]
    async fn ip_takes_the_first_forwarded_for_entry_without_its_port() -> Result<(), Error> {
        for (forwarded, ip) in [
            ("203.0.113.7", "203.0.113.7"),
            ("203.0.113.7:52814", "203.0.113.7"),
            ("203.0.113.7:52814, 10.0.0.1, 10.0.0.2", "203.0.113.7"),
            (" 198.51.100.1 ,10.0.0.1", "198.51.100.1"),
            ("2001:db8::1", "2001:db8::1"),
            ("[2001:db8::1]", "2001:db8::1"),
            ("[2001:db8::1]:443", "2001:db8::1"),
        ] {
            let res = ip_with(&[("x-forwarded-for", forwarded)]).await?;
            assert_eq!(res.status(), 200, "{forwarded}");
            assert_eq!(res.json::<Value>()?, json!({"ip": ip}), "{forwarded}");
        }
        Ok(())
    }

    #[tokio::test]
    async fn ip_falls_back_to_client_ip_then_real_ip() -> Result<(), Error> {
        let res = ip_with(&[("x-client-ip", "192.0.2.10"), ("x-real-ip", "192.0.2.20")]).await?;
        assert_eq!(res.json::<Value>()?, json!({"ip": "192.0.2.10"}));
        let res = ip_with(&[("x-real-ip", " 192.0.2.20 ")]).await?;
        assert_eq!(res.json::<Value>()?, json!({"ip": "192.0.2.20"}));
        let res = ip_with(&[("x-forwarded-for", ""), ("x-real-ip", "192.0.2.20")]).await?;
        assert_eq!(res.json::<Value>()?, json!({"ip": "192.0.2.20"}));
        Ok(())
    }

    #[tokio::test]
    async fn ip_without_forwarding_headers_is_404() -> Result<(), Error> {
        let res = ip_with(&[]).await?;
        assert_eq!(res.status(), 404);
        assert_eq!(
            res.json::<Value>()?,
            json!({"error": "no forwarding header names the caller"})
        );
        Ok(())
    }

    #[tokio::test]
    async fn item_finds_an_item_by_id() -> Result<(), Error> {
        let res = get("/api/items/1").await?;
        assert_eq!(res.status(), 200);
        assert_eq!(res.json::<Value>()?, json!({"id": 1, "name": "compass"}));
        let res = get("/api/items/0").await?;
        assert_eq!(res.json::<Value>()?, json!({"id": 0, "name": "anchor"}));
        Ok(())
    }

    #[tokio::test]
    async fn item_answers_404_for_an_absent_id() -> Result<(), Error> {
        let res = get("/api/items/42").await?;
        assert_eq!(res.status(), 404);
        assert_eq!(res.json::<Value>()?, json!({"error": "no such item"}));
        assert!(res.invocation().is_some(), "the function answered");
        Ok(())
    }

    #[tokio::test]
    async fn hash_mixes_the_given_number_of_rounds() -> Result<(), Error> {
        let res = get("/api/hash/0").await?;
        assert_eq!(res.status(), 200);
        assert_eq!(
            res.json::<Value>()?,
            json!({"rounds": 0, "hash": "0000000000000000"})
        );
        let res = get("/api/hash/1").await?;
        // The first output of splitmix64 seeded with 0 (its reference test vector).
        assert_eq!(
            res.json::<Value>()?,
            json!({"rounds": 1, "hash": "e220a8397b1dcdaf"})
        );
        Ok(())
    }

    #[tokio::test]
    async fn hash_refuses_too_many_rounds() -> Result<(), Error> {
        for path in ["/api/hash/1000000001", "/api/hash/-1"] {
            let res = get(path).await?;
            assert_eq!(res.status(), 400, "{path}");
            assert_eq!(
                res.json::<Value>()?,
                json!({"error": "rounds must be a whole number from 0 to 1000000000"}),
                "{path}"
            );
        }
        // Beyond the host's `int` constraint (32 bits): its router answers 404.
        let res = get("/api/hash/99999999999999999999999").await?;
        assert_eq!(res.status(), 404);
        assert!(res.invocation().is_none(), "the host's router refused it");
        Ok(())
    }

    #[tokio::test]
    async fn item_route_rejects_non_integers_before_the_function() -> Result<(), Error> {
        for path in [
            "/api/items/abc",
            "/api/items/1.5",
            "/api/items/",
            "/api/items/1/2",
        ] {
            let res = get(path).await?;
            assert_eq!(res.status(), 404, "{path}");
            assert!(
                res.invocation().is_none(),
                "{path}: the host's router refused it"
            );
            assert!(res.bytes().is_empty(), "{path}");
        }
        Ok(())
    }
}
