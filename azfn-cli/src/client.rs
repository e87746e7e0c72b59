//! A small HTTP/1 client (hyper) for talking to the handler and to a running `start`.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

/// Why a request got no response.
#[derive(Debug)]
pub(crate) enum SendError {
    /// Nothing listens (or the connection could not be made).
    Connect(String),
    /// The peer closed the connection before a complete response.
    Closed,
    /// The connection broke or the response was malformed.
    Other(String),
    /// No answer within the time limit.
    Timeout,
}

impl std::fmt::Display for SendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SendError::Connect(e) => write!(f, "cannot connect: {e}"),
            SendError::Closed => {
                f.write_str("it closed the connection without a complete response")
            }
            SendError::Other(e) => write!(f, "{e}"),
            SendError::Timeout => f.write_str("no response in time"),
        }
    }
}

/// A pooled HTTP/1 client that never follows redirects: plain HTTP to handlers and Azurite,
/// HTTPS (rustls, with the Mozilla root certificates of `webpki-roots`) to Azure Storage.
#[derive(Debug, Clone)]
pub(crate) struct HttpClient {
    inner: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
}

impl HttpClient {
    /// A client that keeps idle connections for reuse (Azure Storage, Azurite).
    pub(crate) fn new() -> HttpClient {
        HttpClient::build(None)
    }

    /// A client that opens a connection per request, for the handler: a request sent on a
    /// kept connection to a handler that has just died fails as a cut-off invocation (which
    /// counts as a try), while a fresh connection is refused, so the invocation is known not to
    /// have reached the handler and its message goes back untouched. A fresh connection that a
    /// dying handler's socket still accepted, then reset, is a failed try, as with the host.
    pub(crate) fn unpooled() -> HttpClient {
        HttpClient::build(Some(0))
    }

    fn build(max_idle: Option<usize>) -> HttpClient {
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        connector.enforce_http(false);
        let connector = HttpsConnectorBuilder::new()
            .with_webpki_roots()
            .https_or_http()
            .enable_http1()
            .wrap_connector(connector);
        let mut builder = Client::builder(TokioExecutor::new());
        builder.pool_idle_timeout(Duration::from_secs(30));
        if let Some(max_idle) = max_idle {
            builder.pool_max_idle_per_host(max_idle);
        }
        let inner = builder.build(connector);
        HttpClient { inner }
    }

    /// Sends a request and reads the whole response, within `timeout` when given.
    pub(crate) async fn send(
        &self,
        request: http::Request<Vec<u8>>,
        timeout: Option<Duration>,
    ) -> Result<http::Response<Vec<u8>>, SendError> {
        let (parts, body) = request.into_parts();
        let request = http::Request::from_parts(parts, Full::new(Bytes::from(body)));
        let exchange = async {
            let response = self.inner.request(request).await.map_err(|e| {
                if e.is_connect() {
                    SendError::Connect(error_chain(&e))
                } else if closed_early(&e) {
                    SendError::Closed
                } else {
                    SendError::Other(error_chain(&e))
                }
            })?;
            let (parts, body) = response.into_parts();
            let bytes = body
                .collect()
                .await
                .map_err(|e| {
                    SendError::Other(format!(
                        "reading the response body failed: {}",
                        error_chain(&e)
                    ))
                })?
                .to_bytes();
            Ok(http::Response::from_parts(parts, bytes.to_vec()))
        };
        match timeout {
            Some(t) => tokio::time::timeout(t, exchange)
                .await
                .unwrap_or(Err(SendError::Timeout)),
            None => exchange.await,
        }
    }
}

/// Whether hyper saw the connection end before the whole response (an answer never written,
/// or a process that died while writing it).
fn closed_early(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut source = Some(e);
    while let Some(s) = source {
        if s.downcast_ref::<hyper::Error>()
            .is_some_and(hyper::Error::is_incomplete_message)
        {
            return true;
        }
        source = s.source();
    }
    false
}

/// An error with its sources, on one line.
pub(crate) fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let s_text = s.to_string();
        if !text.contains(&s_text) {
            text.push_str(": ");
            text.push_str(&s_text);
        }
        source = s.source();
    }
    text
}
