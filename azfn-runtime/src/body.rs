//! [`Body`]: the body of an [`HttpResponse`](crate::http::HttpResponse), in memory or streamed.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Frame, SizeHint};
use http_body_util::BodyExt as _;
use http_body_util::combinators::UnsyncBoxBody;
use tokio::sync::mpsc;

use crate::error::Error;

/// The body of an [`HttpResponse`](crate::http::HttpResponse): bytes in memory, or a stream.
///
/// In forwarding mode a streamed body is sent to the host as it is produced; in payload mode the
/// host needs the whole body as a string, so the runtime collects it first.
///
/// ```
/// use azfn_runtime::http::{Body, HttpResponse};
///
/// async fn stream() -> HttpResponse {
///     let (tx, body) = Body::channel();
///     tokio::spawn(async move {
///         for chunk in ["a", "b", "c"] {
///             if tx.send(chunk).await.is_err() {
///                 break; // the client went away
///             }
///         }
///     });
///     HttpResponse::ok().header("content-type", "text/plain").body(body)
/// }
/// ```
pub struct Body {
    kind: Kind,
}

enum Kind {
    Full(Option<Bytes>),
    Stream(UnsyncBoxBody<Bytes, Error>),
}

impl Body {
    /// An empty body.
    pub fn empty() -> Self {
        Self {
            kind: Kind::Full(None),
        }
    }

    /// A body from any [`http_body::Body`] (for example `http_body_util::StreamBody`).
    pub fn wrap<B>(body: B) -> Self
    where
        B: http_body::Body<Data = Bytes> + Send + 'static,
        B::Error: Into<Error>,
    {
        Self {
            kind: Kind::Stream(body.map_err(Into::into).boxed_unsync()),
        }
    }

    /// A streamed body fed through the returned [`BodySender`]; the body ends when the sender is
    /// dropped.
    pub fn channel() -> (BodySender, Self) {
        let (tx, rx) = mpsc::channel(8);
        (
            BodySender { tx },
            Self::wrap(ChannelBody { rx, done: false }),
        )
    }

    /// The bytes, if the body is in memory.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match &self.kind {
            Kind::Full(b) => Some(b.as_deref().unwrap_or_default()),
            Kind::Stream(_) => None,
        }
    }

    /// The bytes of an in-memory body, or the body itself if it is streamed.
    pub(crate) fn into_full(self) -> Result<Bytes, Self> {
        match self.kind {
            Kind::Full(b) => Ok(b.unwrap_or_default()),
            Kind::Stream(_) => Err(self),
        }
    }

    /// Reads the whole body, failing if it is longer than `limit` bytes.
    pub async fn collect(self, limit: usize) -> Result<Bytes, Error> {
        match self.kind {
            Kind::Full(b) => Ok(b.unwrap_or_default()),
            Kind::Stream(stream) => {
                let limited = http_body_util::Limited::new(stream, limit);
                match limited.collect().await {
                    Ok(collected) => Ok(collected.to_bytes()),
                    Err(e) => Err(Error::from_boxed(e)),
                }
            }
        }
    }
}

impl Default for Body {
    fn default() -> Self {
        Self::empty()
    }
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::Full(b) => f
                .debug_tuple("Body")
                .field(&b.as_ref().map_or(0, Bytes::len))
                .finish(),
            Kind::Stream(_) => f.write_str("Body(<stream>)"),
        }
    }
}

impl From<Bytes> for Body {
    fn from(bytes: Bytes) -> Self {
        Self {
            kind: Kind::Full(Some(bytes)),
        }
    }
}

impl From<Vec<u8>> for Body {
    fn from(bytes: Vec<u8>) -> Self {
        Bytes::from(bytes).into()
    }
}

impl From<String> for Body {
    fn from(text: String) -> Self {
        Bytes::from(text).into()
    }
}

impl From<&'static str> for Body {
    fn from(text: &'static str) -> Self {
        Bytes::from_static(text.as_bytes()).into()
    }
}

impl From<&'static [u8]> for Body {
    fn from(bytes: &'static [u8]) -> Self {
        Bytes::from_static(bytes).into()
    }
}

impl http_body::Body for Body {
    type Data = Bytes;
    type Error = Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Error>>> {
        match &mut self.get_mut().kind {
            Kind::Full(b) => Poll::Ready(
                b.take()
                    .filter(|b| !b.is_empty())
                    .map(|b| Ok(Frame::data(b))),
            ),
            Kind::Stream(s) => Pin::new(s).poll_frame(cx),
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.kind {
            Kind::Full(b) => b.as_ref().is_none_or(Bytes::is_empty),
            Kind::Stream(s) => s.is_end_stream(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.kind {
            Kind::Full(b) => SizeHint::with_exact(b.as_ref().map_or(0, |b| b.len() as u64)),
            Kind::Stream(s) => s.size_hint(),
        }
    }
}

/// The sending half of [`Body::channel`].
#[derive(Debug, Clone)]
pub struct BodySender {
    tx: mpsc::Sender<Bytes>,
}

impl BodySender {
    /// Sends a chunk; fails when the body was dropped (the client went away).
    pub async fn send(&self, chunk: impl Into<Bytes>) -> Result<(), Error> {
        self.tx
            .send(chunk.into())
            .await
            .map_err(|_| Error::msg("the response body was dropped (the client went away)"))
    }
}

struct ChannelBody {
    rx: mpsc::Receiver<Bytes>,
    done: bool,
}

impl http_body::Body for ChannelBody {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = self.get_mut();
        if this.done {
            return Poll::Ready(None);
        }
        match this.rx.poll_recv(cx) {
            Poll::Ready(Some(chunk)) => Poll::Ready(Some(Ok(Frame::data(chunk)))),
            Poll::Ready(None) => {
                this.done = true;
                Poll::Ready(None)
            }
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.done
    }
}
