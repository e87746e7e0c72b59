//! Forwarding mode (contract §3 and §6): HTTP-only functions with
//! `enableForwardingHttpRequest` (or the legacy `httpWorker` section) receive the original
//! request instead of a JSON payload, and their response goes back unchanged.

use std::fmt;

use http::header::{HeaderName, HeaderValue, TRANSFER_ENCODING, USER_AGENT};
use http::{HeaderMap, Request, Response, Uri};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::config::{FunctionMetadata, HandlerSection, HostConfig};
use crate::payload::{
    HOST_VERSION, HOST_VERSION_HEADER, INVOCATION_ID_HEADER, group_query, has_body, parse_query,
};

/// Which path a forwarded request goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForwardPath {
    /// The original absolute path, route prefix included (`customHandler`).
    Original,
    /// `/{FunctionName}` (legacy `httpWorker`).
    FunctionName,
}

/// How the host sends an invocation of `function` to the handler (contract §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvocationMode {
    /// `POST /{FunctionName}` with a JSON payload.
    Payload,
    /// The original request, forwarded.
    Forward(ForwardPath),
}

/// Picks the mode for `function`: forwarding needs an HTTP-only function and either
/// `customHandler.enableForwardingHttpRequest` or the legacy `httpWorker` section.
pub fn invocation_mode(host: &HostConfig, function: &FunctionMetadata) -> InvocationMode {
    if !function.is_http_in_and_out() {
        return InvocationMode::Payload;
    }
    match host.handler.section {
        HandlerSection::HttpWorker => InvocationMode::Forward(ForwardPath::FunctionName),
        HandlerSection::CustomHandler if host.handler.enable_forwarding_http_request => {
            InvocationMode::Forward(ForwardPath::Original)
        }
        HandlerSection::CustomHandler => InvocationMode::Payload,
    }
}

/// A request the host could not forward.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForwardError(pub String);

impl fmt::Display for ForwardError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ForwardError {}

/// `UrlEncoder.Default`: everything but ASCII letters, digits and `-._~` is escaped.
const QUERY_ENCODE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Rebuilds a query string as `QueryHelpers.AddQueryString` does: decoded pairs grouped by name
/// (case-insensitive), repeated values comma-joined, everything re-encoded (`a=1&a=2` → `a=1%2C2`).
pub fn rebuild_query(raw: &str) -> String {
    group_query(&parse_query(raw))
        .into_iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                utf8_percent_encode(&k, QUERY_ENCODE),
                utf8_percent_encode(&v.join(","), QUERY_ENCODE)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// Headers `HttpRequestMessage.Headers.TryAddWithoutValidation` refuses (content headers); they
/// reach the handler only when a body is forwarded, and then only Content-Type and Content-Length.
const CONTENT_HEADERS: [&str; 10] = [
    "allow",
    "content-disposition",
    "content-encoding",
    "content-language",
    "content-length",
    "content-location",
    "content-md5",
    "content-range",
    "content-type",
    "expires",
];

/// Builds the forwarded request (§6): original method; the original absolute path (or
/// `/{FunctionName}`) under `http://127.0.0.1:<port>`; the query rebuilt; headers copied (content
/// headers only with a body) plus `X-Azure-Functions-HostVersion`,
/// `X-Azure-Functions-InvocationId` and `Azure-Functions-Host/<version>` appended to
/// `User-Agent`; the body only when `Content-Length > 0`.
///
/// A chunked request (no Content-Length) loses its body; its `Transfer-Encoding: chunked` header
/// then makes .NET's `HttpClient` throw, which is reported as a [`ForwardError`].
pub fn forward_request(
    function: &FunctionMetadata,
    path: ForwardPath,
    parts: &http::request::Parts,
    body: &[u8],
    port: u16,
    invocation_id: &str,
) -> Result<Request<Vec<u8>>, ForwardError> {
    let target_path = match path {
        ForwardPath::Original => parts.uri.path().to_owned(),
        ForwardPath::FunctionName => format!("/{}", function.name),
    };
    let query = rebuild_query(parts.uri.query().unwrap_or(""));
    let uri = if query.is_empty() {
        format!("http://127.0.0.1:{port}{target_path}")
    } else {
        format!("http://127.0.0.1:{port}{target_path}?{query}")
    };
    let uri: Uri = uri
        .parse()
        .map_err(|e| ForwardError(format!("cannot build the forwarded URI: {e}")))?;
    let with_body = has_body(&parts.headers);
    if !with_body
        && parts.headers.get_all(TRANSFER_ENCODING).iter().any(|v| {
            v.to_str()
                .is_ok_and(|s| s.to_ascii_lowercase().contains("chunked"))
        })
    {
        return Err(ForwardError(
            "the request has 'Transfer-Encoding: chunked' and no Content-Length: the host drops such bodies and fails \
             with \"'Transfer-Encoding: chunked' header can not be used when content object is not specified\" (host issue #7930)"
                .to_owned(),
        ));
    }
    let mut headers = HeaderMap::new();
    for (name, value) in &parts.headers {
        let content = CONTENT_HEADERS.contains(&name.as_str());
        if content && !(with_body && matches!(name.as_str(), "content-type" | "content-length")) {
            continue;
        }
        headers.append(name.clone(), value.clone());
    }
    let agent = format!("Azure-Functions-Host/{HOST_VERSION}");
    let user_agent = match parts.headers.get(USER_AGENT).and_then(|v| v.to_str().ok()) {
        Some(existing) if !existing.is_empty() => format!("{existing} {agent}"),
        _ => agent,
    };
    if let Ok(v) = HeaderValue::from_str(&user_agent) {
        headers.insert(USER_AGENT, v);
    }
    headers.insert(
        HeaderName::from_static(HOST_VERSION_HEADER),
        HeaderValue::from_static(HOST_VERSION),
    );
    if let Ok(v) = HeaderValue::from_str(invocation_id) {
        headers.insert(HeaderName::from_static(INVOCATION_ID_HEADER), v);
    }
    let mut request = Request::builder()
        .method(parts.method.clone())
        .uri(uri)
        .body(if with_body { body.to_vec() } else { Vec::new() })
        .map_err(|e| ForwardError(format!("cannot build the forwarded request: {e}")))?;
    *request.headers_mut() = headers;
    Ok(request)
}

/// Passes the handler's response through as the host does: status, headers and body unchanged,
/// except that a lone `Transfer-Encoding: chunked` is dropped (the body is buffered).
pub fn forward_response(mut response: Response<Vec<u8>>) -> Response<Vec<u8>> {
    let chunked_only = response
        .headers()
        .get_all(TRANSFER_ENCODING)
        .iter()
        .all(|v| {
            v.to_str()
                .is_ok_and(|s| s.trim().eq_ignore_ascii_case("chunked"))
        });
    if chunked_only {
        response.headers_mut().remove(TRANSFER_ENCODING);
    }
    response
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::path::Path;

    fn host(forwarding: bool, legacy: bool) -> HostConfig {
        let section = if legacy {
            "httpWorker"
        } else {
            "customHandler"
        };
        let v = json!({"version": "2.0", section: {"enableForwardingHttpRequest": forwarding, "description": {"defaultExecutablePath": "x"}}});
        HostConfig::from_json(v.as_object().unwrap(), Path::new("host.json")).unwrap()
    }

    fn function(bindings: serde_json::Value) -> FunctionMetadata {
        let v = json!({"bindings": bindings});
        FunctionMetadata::from_json(
            "HttpTrigger",
            v.as_object().unwrap(),
            Path::new("HttpTrigger/function.json"),
        )
        .unwrap()
    }

    fn http_only() -> FunctionMetadata {
        function(
            json!([{"type": "httpTrigger", "name": "req"}, {"type": "http", "name": "res", "direction": "out"}]),
        )
    }

    fn parts(method: &str, uri: &str, headers: &[(&str, &str)]) -> http::request::Parts {
        let mut b = Request::builder().method(method).uri(uri);
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        b.body(()).unwrap().into_parts().0
    }

    #[test]
    fn mode_selection_follows_section_3() {
        let with_queue = function(
            json!([{"type": "httpTrigger", "name": "req"}, {"type": "http", "name": "res", "direction": "out"},
            {"type": "queue", "name": "q", "direction": "out", "queueName": "x"}]),
        );
        assert_eq!(
            invocation_mode(&host(false, false), &http_only()),
            InvocationMode::Payload
        );
        assert_eq!(
            invocation_mode(&host(true, false), &http_only()),
            InvocationMode::Forward(ForwardPath::Original)
        );
        assert_eq!(
            invocation_mode(&host(true, false), &with_queue),
            InvocationMode::Payload
        );
        assert_eq!(
            invocation_mode(&host(false, true), &http_only()),
            InvocationMode::Forward(ForwardPath::FunctionName)
        );
        assert_eq!(
            invocation_mode(&host(false, true), &with_queue),
            InvocationMode::Payload
        );
    }

    #[test]
    fn query_is_rebuilt_and_merged() {
        assert_eq!(rebuild_query("a=1&a=2"), "a=1%2C2");
        assert_eq!(
            rebuild_query("id=149656222&name=Ink+And+Toner"),
            "id=149656222&name=Ink%20And%20Toner"
        );
        assert_eq!(rebuild_query("code=k&name=Atlas"), "code=k&name=Atlas");
        assert_eq!(rebuild_query(""), "");
        assert_eq!(rebuild_query("x=%C3%A9~"), "x=%C3%A9~");
    }

    /// Contract §9.1: the E2E sample sees `/api/HttpTrigger?code=…&name=Atlas` (customHandler) or
    /// `/HttpTrigger?code=…&name=Atlas` (httpWorker).
    #[test]
    fn forwarded_paths_match_the_e2e_samples() {
        let p = parts(
            "GET",
            "/api/HttpTrigger?code=key&name=Atlas",
            &[("host", "localhost:7071")],
        );
        let r = forward_request(&http_only(), ForwardPath::Original, &p, b"", 5000, "id").unwrap();
        assert_eq!(
            r.uri().to_string(),
            "http://127.0.0.1:5000/api/HttpTrigger?code=key&name=Atlas"
        );
        let r =
            forward_request(&http_only(), ForwardPath::FunctionName, &p, b"", 5000, "id").unwrap();
        assert_eq!(
            r.uri().to_string(),
            "http://127.0.0.1:5000/HttpTrigger?code=key&name=Atlas"
        );
    }

    #[test]
    fn headers_and_body_rules() {
        let p = parts(
            "POST",
            "/api/x",
            &[
                ("host", "localhost:7071"),
                ("content-type", "text/plain"),
                ("content-length", "2"),
                ("content-encoding", "gzip"),
                ("x-custom", "1"),
                ("x-custom", "2"),
                ("user-agent", "curl/8"),
            ],
        );
        let r =
            forward_request(&http_only(), ForwardPath::Original, &p, b"hi", 1, "inv-1").unwrap();
        assert_eq!(r.method(), "POST");
        assert_eq!(r.body(), b"hi");
        let h = r.headers();
        assert_eq!(h["host"], "localhost:7071", "the original Host is kept");
        assert_eq!(h["content-type"], "text/plain");
        assert_eq!(h["content-length"], "2");
        assert!(h.get("content-encoding").is_none());
        assert_eq!(h.get_all("x-custom").iter().count(), 2);
        assert_eq!(
            h["user-agent"],
            format!("curl/8 Azure-Functions-Host/{HOST_VERSION}").as_str()
        );
        assert_eq!(h["x-azure-functions-invocationid"], "inv-1");
        assert_eq!(h["x-azure-functions-hostversion"], HOST_VERSION);

        let p = parts(
            "POST",
            "/api/x",
            &[("content-type", "text/plain"), ("content-length", "0")],
        );
        let r = forward_request(&http_only(), ForwardPath::Original, &p, b"", 1, "i").unwrap();
        assert!(r.body().is_empty());
        assert!(
            r.headers().get("content-type").is_none(),
            "no body, no content headers"
        );
        assert_eq!(
            r.headers()["user-agent"],
            format!("Azure-Functions-Host/{HOST_VERSION}").as_str()
        );
    }

    #[test]
    fn chunked_requests_fail_like_the_host() {
        let p = parts("POST", "/api/x", &[("transfer-encoding", "chunked")]);
        let e =
            forward_request(&http_only(), ForwardPath::Original, &p, b"data", 1, "i").unwrap_err();
        assert!(e.0.contains("#7930"), "{e}");
    }

    #[test]
    fn responses_pass_through() {
        let resp = Response::builder()
            .status(500)
            .header("transfer-encoding", "chunked")
            .header("set-cookie", "a=1")
            .header("location", "/x")
            .body(b"boom".to_vec())
            .unwrap();
        let out = forward_response(resp);
        assert_eq!(out.status(), 500);
        assert!(out.headers().get("transfer-encoding").is_none());
        assert_eq!(out.headers()["set-cookie"], "a=1");
        assert_eq!(out.body(), b"boom");
    }
}
