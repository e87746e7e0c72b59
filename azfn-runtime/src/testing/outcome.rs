//! [`TestResponse`], [`TestInvocation`] and [`TestOutput`]: what the host made of an invocation.

use std::fmt;

use azfn_host::response::{InvocationError, InvocationResult, OutputValue};
use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// What the client of an HTTP function receives, from [`TestApp::http`](super::TestApp::http),
/// and the invocation behind it.
///
/// ```
/// use azfn_runtime::testing::TestResponse;
///
/// #[derive(serde::Deserialize)]
/// struct Greeting { message: String }
///
/// fn check(res: &TestResponse) -> Result<(), azfn_runtime::Error> {
///     assert_eq!(res.status(), 200);
///     assert_eq!(res.header("content-type"), Some("application/json"));
///     let greeting: Greeting = res.json()?;
///     assert_eq!(greeting.message, "Hello, Ferris!");
///     assert!(res.logs().iter().any(|l| l.contains("Ferris")));
///     Ok(())
/// }
/// ```
///
/// In payload mode the response is the host's rendering of the function's `res` output (or
/// `$return`), and [`output`](Self::output), [`logs`](Self::logs) and
/// [`return_value`](Self::return_value) show the rest of the invocation. In forwarding mode it
/// is the handler's own response, passed through, and there is no invocation result.
pub struct TestResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    invocation: Option<TestInvocation>,
    error: Option<String>,
}

impl fmt::Debug for TestResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestResponse")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &String::from_utf8_lossy(&self.body))
            .field("error", &self.error)
            .field("invocation", &self.invocation)
            .finish()
    }
}

impl TestResponse {
    pub(crate) fn new(
        status: StatusCode,
        headers: HeaderMap,
        body: Bytes,
        invocation: Option<TestInvocation>,
        error: Option<String>,
    ) -> Self {
        Self {
            status,
            headers,
            body,
            invocation,
            error,
        }
    }

    /// An answer of the host itself, with an empty body.
    pub(crate) fn host(status: StatusCode, error: Option<String>) -> Self {
        Self::new(status, HeaderMap::new(), Bytes::new(), None, error)
    }

    /// The client's view of a payload-mode invocation: the rendered http output when it
    /// succeeded, else the host's `500`.
    pub(crate) fn from_invocation(invocation: TestInvocation) -> Self {
        let rendered = match &invocation.result {
            Err(_) => Err(invocation.error()),
            Ok(result) => match &result.http_response {
                None => Ok(None),
                Some(http) => http
                    .to_http()
                    .map(Some)
                    .map_err(|e| Some(format!("the HTTP response cannot be sent: {e}"))),
            },
        };
        match rendered {
            Ok(Some(response)) => {
                let (parts, body) = response.into_parts();
                Self::new(
                    parts.status,
                    parts.headers,
                    Bytes::from(body),
                    Some(invocation),
                    None,
                )
            }
            Ok(None) => Self::new(
                StatusCode::OK,
                HeaderMap::new(),
                Bytes::new(),
                Some(invocation),
                None,
            ),
            Err(error) => Self::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                HeaderMap::new(),
                Bytes::new(),
                Some(invocation),
                error,
            ),
        }
    }

    /// The status code.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The first value of a header (case-insensitive), if present and text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Every header.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body as text (invalid UTF-8 replaced with `U+FFFD`).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body.
    pub fn bytes(&self) -> &[u8] {
        &self.body
    }

    /// The body parsed as JSON.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }

    /// The invocation behind the response: `None` when the host answered without invoking
    /// (`404` for an unknown route) or forwarded the request.
    pub fn invocation(&self) -> Option<&TestInvocation> {
        self.invocation.as_ref()
    }

    /// Why the host answered `500` itself: the invocation failed (the function's error or the
    /// host's reading of the handler's answer), or the request could not be forwarded.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// The value of a non-http output binding, such as a queue message
    /// ([`TestInvocation::output`]).
    pub fn output(&self, binding: &str) -> Option<TestOutput<'_>> {
        self.invocation.as_ref()?.output(binding)
    }

    /// The invocation's `Logs` (empty in forwarding mode and for failed invocations).
    pub fn logs(&self) -> &[String] {
        self.invocation.as_ref().map_or(&[], TestInvocation::logs)
    }

    /// The invocation's `ReturnValue` ([`TestInvocation::return_value`]).
    pub fn return_value(&self) -> Option<TestOutput<'_>> {
        self.invocation.as_ref()?.return_value()
    }
}

/// One payload-mode invocation as the host saw it: the handler's answer and the host's reading
/// of it (contract §5).
///
/// ```
/// use azfn_runtime::testing::TestInvocation;
///
/// #[derive(serde::Deserialize, PartialEq, Debug)]
/// struct Order { id: u64 }
///
/// fn check(outcome: &TestInvocation) -> Result<(), azfn_runtime::Error> {
///     assert!(outcome.is_success(), "{:?}", outcome.error());
///     let sent: Order = outcome.output("message").ok_or_else(|| azfn_runtime::Error::msg("no message"))?.json()?;
///     assert_eq!(sent, Order { id: 1005 });
///     assert_eq!(outcome.logs(), ["order 1005 received"]);
///     Ok(())
/// }
/// ```
///
/// A function that fails its invocation (an error or a panic in a queue-, timer- or
/// blob-triggered function) answers a non-2xx status: then [`is_success`](Self::is_success) is
/// `false`, [`error`](Self::error) says why, and the host ignores the outputs and logs. An
/// HTTP-triggered function that fails still completes its invocation: its `res` output carries
/// the error response.
pub struct TestInvocation {
    function: String,
    invocation_id: String,
    status: StatusCode,
    body: Bytes,
    result: Result<InvocationResult, InvocationError>,
}

impl fmt::Debug for TestInvocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestInvocation")
            .field("function", &self.function)
            .field("invocation_id", &self.invocation_id)
            .field("status", &self.status)
            .field("body", &String::from_utf8_lossy(&self.body))
            .field("result", &self.result)
            .finish()
    }
}

impl TestInvocation {
    pub(crate) fn new(
        function: String,
        invocation_id: String,
        status: StatusCode,
        body: Bytes,
        result: Result<InvocationResult, InvocationError>,
    ) -> Self {
        Self {
            function,
            invocation_id,
            status,
            body,
            result,
        }
    }

    /// The function's name.
    pub fn function(&self) -> &str {
        &self.function
    }

    /// The invocation id the host sent (`X-Azure-Functions-InvocationId`).
    pub fn invocation_id(&self) -> &str {
        &self.invocation_id
    }

    /// `true` when the host records a successful invocation: a 2xx JSON answer it could read.
    pub fn is_success(&self) -> bool {
        self.result.is_ok()
    }

    /// The status of the handler's answer to the host (`200` for a completed invocation).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// Why the invocation failed: the `error` message of the handler's JSON answer when it has
    /// one (`function `x` failed: ...`), else how the host judged the answer. `None` on success.
    pub fn error(&self) -> Option<String> {
        let failure = self.result.as_ref().err()?;
        let message = match serde_json::from_slice::<Value>(&self.body) {
            Ok(Value::Object(mut answer)) => match answer.remove("error") {
                Some(Value::String(message)) => Some(message),
                _ => None,
            },
            _ => None,
        };
        Some(message.unwrap_or_else(|| failure.to_string()))
    }

    /// How the host judged a failed invocation (status, content type, body shape, http output).
    pub fn failure(&self) -> Option<&InvocationError> {
        self.result.as_ref().err()
    }

    /// The host's reading of a successful invocation, in full.
    pub fn result(&self) -> Option<&InvocationResult> {
        self.result.as_ref().ok()
    }

    /// The handler's answer body, as the host received it.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The value the host hands to an output binding (a queue message, a blob), after its
    /// base64 rule. `None` when the function set no value or the invocation failed. The http
    /// output is not here: see [`http_response`](Self::http_response).
    pub fn output(&self, binding: &str) -> Option<TestOutput<'_>> {
        self.result.as_ref().ok()?.output(binding).map(TestOutput)
    }

    /// Every output binding value, by binding name.
    pub fn outputs(&self) -> impl Iterator<Item = (&str, TestOutput<'_>)> {
        self.result
            .iter()
            .flat_map(|r| r.outputs.iter())
            .map(|(name, value)| (name.as_str(), TestOutput(value)))
    }

    /// The invocation's `Logs`: one entry per log line of the function (`WARN: ...` and
    /// `ERROR: ...` for those levels). Empty when the invocation failed: the host discards them.
    pub fn logs(&self) -> &[String] {
        self.result.as_ref().map_or(&[], |r| r.logs.as_slice())
    }

    /// The `ReturnValue`, after the base64 rule when the function has a `$return` binding.
    pub fn return_value(&self) -> Option<TestOutput<'_>> {
        self.result
            .as_ref()
            .ok()?
            .return_value
            .as_ref()
            .map(TestOutput)
    }

    /// The HTTP response the host renders from the http output, for an HTTP-triggered function
    /// invoked with [`invoke_raw`](super::TestApp::invoke_raw) or
    /// [`invoke`](super::TestApp::invoke).
    pub fn http_response(&self) -> Option<&azfn_host::HttpResponse> {
        self.result.as_ref().ok()?.http_response.as_ref()
    }
}

/// The value of an output binding after the host's base64 rule (contract §5.3): bytes when the
/// handler sent valid base64 (azfn always does, for bytes and text), the JSON value otherwise.
///
/// ```
/// use azfn_runtime::testing::TestOutput;
///
/// fn check(message: TestOutput<'_>) -> Result<(), serde_json::Error> {
///     assert_eq!(message.text(), r#"{"id":1005}"#);
///     let order: serde_json::Value = message.json()?;
///     assert_eq!(order["id"], 1005);
///     Ok(())
/// }
/// ```
#[derive(Clone, Copy)]
pub struct TestOutput<'a>(&'a OutputValue);

impl fmt::Debug for TestOutput<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            OutputValue::Bytes(b) => f
                .debug_tuple("Bytes")
                .field(&String::from_utf8_lossy(b))
                .finish(),
            OutputValue::Json(v) => f.debug_tuple("Json").field(v).finish(),
        }
    }
}

impl<'a> TestOutput<'a> {
    /// The bytes the binding writes: the decoded bytes, a string's UTF-8, or the compact JSON
    /// text of any other value.
    pub fn bytes(&self) -> Vec<u8> {
        self.0.to_bytes()
    }

    /// [`bytes`](Self::bytes) as text (invalid UTF-8 replaced with `U+FFFD`).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes()).into_owned()
    }

    /// [`bytes`](Self::bytes) parsed as JSON.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(&self.bytes())
    }

    /// The value as the host holds it.
    pub fn value(&self) -> &'a OutputValue {
        self.0
    }
}
