//! Connections: the accept loop, one connection's requests, and the futures hyper polls.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::Response;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tracing::Level;

use crate::body::Body;
use crate::error::Error;
use crate::idle::{Activity, Metered, Watcher};
use crate::logging;
use crate::shared::Shared;

use super::Server;

impl Server {
    /// Serves connections until the process ends (hence the server and its state live that
    /// long: [`Shared::leak`]).
    pub(super) async fn accept_loop(
        this: Shared<Self>,
        listener: TcpListener,
    ) -> Result<(), Error> {
        let this = match this {
            Shared::Counted(server) => match Arc::try_unwrap(server) {
                Ok(mut server) => {
                    server.state = server.state.leak();
                    Shared::new(server).leak()
                }
                Err(shared) => Shared::Counted(shared).leak(),
            },
            leaked @ Shared::Static(_) => leaked,
        };
        let watcher = Watcher::start(this.limits);
        loop {
            let stream = match listener.accept().await {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of file descriptors or a connection reset before accept: keep going.
                    logging::print_line(Level::WARN, None, &format!("azfn: accept failed: {e}"));
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            };
            let _ = stream.set_nodelay(true);
            tokio::spawn(Self::serve_connection(
                this.clone(),
                watcher.clone(),
                stream,
            ));
        }
    }

    /// Serves one connection until the client closes it, it breaks, it is idle for
    /// [`App::idle_timeout`](super::App::idle_timeout), or its client takes longer than
    /// [`App::head_timeout`](super::App::head_timeout) to send a request head: see [`Watcher`].
    pub(super) async fn serve_connection(
        this: Shared<Self>,
        watcher: Arc<Watcher>,
        stream: tokio::net::TcpStream,
    ) {
        let activity = Arc::new(Activity::default());
        let mut close = watcher.watch(activity.clone());
        let io = TokioIo::new(Metered::new(stream, activity.clone()));
        let service = hyper::service::service_fn(move |req| {
            activity.start();
            Respond {
                handled: Self::handle(this.clone(), req),
                activity: Some(activity.clone()),
            }
        });
        // Connection errors (client went away, malformed HTTP) end only this connection.
        let conn = hyper::server::conn::http1::Builder::new()
            .keep_alive(true)
            .serve_connection(io, service);
        let mut conn = std::pin::pin!(conn);
        // Dropping the connection closes it. The period stays above .NET's pooled-connection
        // idle timeout (1-2 min), so that normally the host, not us, closes idle connections
        // (a server-side close can race with a request the host is sending).
        std::future::poll_fn(|cx| {
            if conn.as_mut().poll(cx).is_ready() {
                return std::task::Poll::Ready(());
            }
            std::pin::Pin::new(&mut close).poll(cx)
        })
        .await;
    }
}

/// The answer to one request, boxed: hyper moves the future of each request into place, and a
/// box is cheaper to move. An answer known at once (the readiness probe, a 404) is boxed too:
/// no benchmark request takes that path, so it gets no fast path of its own. (A forwarded
/// invocation run in place, unboxed, made every request's future larger: it bought forwarding
/// nothing and cost payload mode 4-6 % in `azfn-bench pinned`.)
pub(crate) type Handled = Pin<Box<dyn Future<Output = Response<Body>> + Send>>;

/// An answer known at once.
pub(super) fn now(response: Response<Body>) -> Handled {
    Box::pin(std::future::ready(response))
}

/// [`Handled`] as hyper's service answers it: with a body that counts its request finished.
pub(super) struct Respond {
    handled: Handled,
    activity: Option<Arc<Activity>>,
}

impl Future for Respond {
    type Output = Result<Response<Counted>, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let response = std::task::ready!(this.handled.as_mut().poll(cx));
        let activity = this.activity.take().unwrap_or_default();
        Poll::Ready(Ok(response.map(|body| Counted { body, activity })))
    }
}

/// A response body that counts its request finished when hyper drops it.
pub(super) struct Counted {
    body: Body,
    activity: Arc<Activity>,
}

impl Drop for Counted {
    fn drop(&mut self) {
        self.activity.finish();
    }
}

impl http_body::Body for Counted {
    type Data = Bytes;
    type Error = <Body as http_body::Body>::Error;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        std::pin::Pin::new(&mut self.get_mut().body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.body.size_hint()
    }
}
