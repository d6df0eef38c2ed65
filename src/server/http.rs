//! The HTTP side of the server: a hyper HTTP/1.1 server on one address, routing by path to SOAP
//! services (with their WSDL at `?wsdl`) and to plain HTTP handlers, with a graceful stop.

use std::convert::Infallible;
use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{HeaderName, HeaderValue, ALLOW, CONTENT_TYPE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{HeaderMap, Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

use super::soap::{dispatch, BoxFuture, SoapHandler};

/// The largest request body accepted unless [`ServerBuilder::max_request_bytes`] says
/// otherwise: 4 MiB.
pub const DEFAULT_MAX_REQUEST_BYTES: usize = 4 * 1024 * 1024;

/// How long [`RunningServer::shutdown`] waits for calls in progress before dropping them.
const GRACE: Duration = Duration::from_secs(5);

/// A request for an [`HttpHandler`]. Its `Debug` output shows the header names and the body's
/// length only (they may hold tokens and passwords).
#[derive(Clone)]
pub struct HttpRequest {
    /// The method.
    pub method: Method,
    /// The whole path, as sent (percent-encoded).
    pub path: String,
    /// The part of the path after the handler's prefix, without its leading `/` (as sent).
    pub rest: String,
    /// The query, without `?`.
    pub query: Option<String>,
    /// The headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
    /// The peer's address.
    pub peer: Option<SocketAddr>,
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field(
                "headers",
                &self.headers.keys().map(|k| k.as_str()).collect::<Vec<_>>(),
            )
            .field("body_bytes", &self.body.len())
            .field("peer", &self.peer)
            .finish_non_exhaustive()
    }
}

impl HttpRequest {
    /// The first value of header `name`, if it is text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// An answer from an [`HttpHandler`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// The status.
    pub status: u16,
    /// Headers, in order.
    pub headers: Vec<(HeaderName, HeaderValue)>,
    /// The body.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// An answer with a status, a content type and a body.
    pub fn new(status: u16, content_type: &'static str, body: impl Into<Vec<u8>>) -> Self {
        Self {
            status,
            headers: vec![(CONTENT_TYPE, HeaderValue::from_static(content_type))],
            body: body.into(),
        }
    }

    /// A plain-text answer.
    pub fn text(status: u16, body: impl Into<String>) -> Self {
        Self::new(status, "text/plain; charset=utf-8", body.into())
    }
}

/// A handler for every request under a path prefix (for services that are not SOAP).
pub trait HttpHandler: Send + Sync + 'static {
    /// Answers one request.
    fn handle(&self, request: HttpRequest) -> BoxFuture<'_, HttpResponse>;
}

enum Target {
    Soap {
        handler: Arc<dyn SoapHandler>,
        wsdl: Option<Arc<str>>,
    },
    Http(Arc<dyn HttpHandler>),
}

struct Route {
    /// The path, lower-cased (paths are matched without regard to case, as IIS does).
    path: String,
    target: Target,
}

/// A server to be started: its routes. Made by [`Server::builder`].
pub struct ServerBuilder {
    routes: Vec<Route>,
    max_request_bytes: usize,
}

impl fmt::Debug for ServerBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerBuilder")
            .field(
                "routes",
                &self
                    .routes
                    .iter()
                    .map(|r| r.path.as_str())
                    .collect::<Vec<_>>(),
            )
            .field("max_request_bytes", &self.max_request_bytes)
            .finish()
    }
}

/// An HTTP server for SOAP services (generated dispatchers) and plain HTTP handlers.
///
/// ```no_run
/// # async fn run(dispatcher: impl wsclient::server::SoapHandler) -> std::io::Result<()> {
/// use wsclient::server::Server;
///
/// let server = Server::builder()
///     .soap_with_wsdl("/API/API.asmx", dispatcher, "<wsdl:definitions .../>")
///     .bind("127.0.0.1:0".parse().unwrap())
///     .await?;
/// println!("serving at {}", server.url("/API/API.asmx"));
/// server.shutdown().await;
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct Server;

impl Server {
    /// A server with no routes yet.
    pub fn builder() -> ServerBuilder {
        ServerBuilder {
            routes: Vec::new(),
            max_request_bytes: DEFAULT_MAX_REQUEST_BYTES,
        }
    }
}

impl ServerBuilder {
    /// Serves a SOAP service at `path` (POST; GET answers with a page listing the operations).
    pub fn soap(mut self, path: &str, handler: impl SoapHandler) -> Self {
        self.routes.push(Route {
            path: normalise(path),
            target: Target::Soap {
                handler: Arc::new(handler),
                wsdl: None,
            },
        });
        self
    }

    /// Serves a SOAP service at `path`, and `wsdl` at `path?wsdl`.
    pub fn soap_with_wsdl(
        mut self,
        path: &str,
        handler: impl SoapHandler,
        wsdl: impl Into<Arc<str>>,
    ) -> Self {
        self.routes.push(Route {
            path: normalise(path),
            target: Target::Soap {
                handler: Arc::new(handler),
                wsdl: Some(wsdl.into()),
            },
        });
        self
    }

    /// Hands every request whose path is `prefix` or starts with `prefix/` to `handler`.
    pub fn http(mut self, prefix: &str, handler: impl HttpHandler) -> Self {
        self.routes.push(Route {
            path: normalise(prefix),
            target: Target::Http(Arc::new(handler)),
        });
        self
    }

    /// The largest request body accepted (default [`DEFAULT_MAX_REQUEST_BYTES`]); a larger
    /// one is answered with 413.
    pub fn max_request_bytes(mut self, limit: usize) -> Self {
        self.max_request_bytes = limit;
        self
    }

    /// Binds `addr` (port 0 picks a free port) and starts serving in the background, on the
    /// current tokio runtime.
    pub async fn bind(self, addr: SocketAddr) -> std::io::Result<RunningServer> {
        let listener = TcpListener::bind(addr).await?;
        let local_addr = listener.local_addr()?;
        let (stop, stopped) = watch::channel(false);
        let shared = Arc::new(Shared {
            routes: self.routes,
            max_request_bytes: self.max_request_bytes,
        });
        let task = tokio::spawn(accept_loop(listener, shared, stopped));
        tracing::info!(%local_addr, "server listening");
        Ok(RunningServer {
            local_addr,
            stop,
            task: Some(task),
        })
    }
}

fn normalise(path: &str) -> String {
    let path = path.trim();
    let path = if path.starts_with('/') {
        path.to_owned()
    } else {
        format!("/{path}")
    };
    path.trim_end_matches('/').to_ascii_lowercase()
}

/// A server that is running; stop it with [`RunningServer::shutdown`] (dropping it stops it
/// too, without waiting).
#[derive(Debug)]
pub struct RunningServer {
    local_addr: SocketAddr,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl RunningServer {
    /// The address it listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// `http://<address><path>`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.local_addr, path)
    }

    /// Stops accepting connections, lets the calls in progress finish (for up to 5 seconds),
    /// and returns once every connection is closed.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
        tracing::info!(local_addr = %self.local_addr, "server stopped");
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

struct Shared {
    routes: Vec<Route>,
    max_request_bytes: usize,
}

/// Returns once the stop signal is given (or its sender is gone).
async fn until_stopped(mut stopped: watch::Receiver<bool>) {
    let _ = stopped.wait_for(|s| *s).await;
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>, stopped: watch::Receiver<bool>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, peer) = match accepted {
                    Ok(a) => a,
                    Err(e) => {
                        tracing::warn!(error = %e, "accepting a connection failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let shared = Arc::clone(&shared);
                let stop = stopped.clone();
                connections.spawn(async move {
                    let service = service_fn(move |req| {
                        let shared = Arc::clone(&shared);
                        async move { Ok::<_, Infallible>(handle(&shared, req, peer).await) }
                    });
                    let conn = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service);
                    tokio::pin!(conn);
                    tokio::select! {
                        result = conn.as_mut() => {
                            if let Err(e) = result {
                                tracing::debug!(error = %e, "connection ended with an error");
                            }
                        }
                        () = until_stopped(stop) => {
                            conn.as_mut().graceful_shutdown();
                            let _ = conn.await;
                        }
                    }
                });
            }
            () = until_stopped(stopped.clone()) => break,
        }
        // Reap finished connections as we go.
        while connections.try_join_next().is_some() {}
    }
    drop(listener);
    let drain = async { while connections.join_next().await.is_some() {} };
    if tokio::time::timeout(GRACE, drain).await.is_err() {
        connections.abort_all();
    }
}

fn response(
    status: u16,
    headers: Vec<(HeaderName, HeaderValue)>,
    body: Vec<u8>,
) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::from(body)));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    for (name, value) in headers {
        r.headers_mut().append(name, value);
    }
    r
}

fn text(status: u16, body: impl Into<String>) -> Response<Full<Bytes>> {
    let r = HttpResponse::text(status, body);
    response(r.status, r.headers, r.body)
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

async fn handle(
    shared: &Shared,
    req: Request<Incoming>,
    peer: SocketAddr,
) -> Response<Full<Bytes>> {
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let query = req.uri().query().map(str::to_owned);
    let lower = path.trim_end_matches('/').to_ascii_lowercase();
    let route = shared.routes.iter().find(|r| match r.target {
        Target::Soap { .. } => r.path == lower,
        Target::Http(_) => {
            lower == r.path
                || lower
                    .strip_prefix(&r.path)
                    .is_some_and(|rest| rest.starts_with('/'))
        }
    });
    let Some(route) = route else {
        tracing::info!(%method, %path, status = 404, "no service at this path");
        return text(404, format!("No service at {path}.\n"));
    };
    let (parts, body) = req.into_parts();
    let body = match Limited::new(body, shared.max_request_bytes).collect().await {
        Ok(b) => b.to_bytes(),
        Err(e) => {
            let too_large = e
                .downcast_ref::<http_body_util::LengthLimitError>()
                .is_some();
            tracing::info!(%method, %path, too_large, "request body not read");
            return if too_large {
                text(
                    413,
                    format!(
                        "The request body is larger than {} bytes.\n",
                        shared.max_request_bytes
                    ),
                )
            } else {
                text(400, "The request body could not be read.\n")
            };
        }
    };
    match &route.target {
        Target::Http(handler) => {
            let rest = path
                .get(route.path.len()..)
                .unwrap_or_default()
                .trim_start_matches('/')
                .to_owned();
            let answer = handler
                .handle(HttpRequest {
                    method: method.clone(),
                    path: path.clone(),
                    rest,
                    query,
                    headers: parts.headers,
                    body,
                    peer: Some(peer),
                })
                .await;
            tracing::info!(%method, %path, status = answer.status, "HTTP request served");
            response(answer.status, answer.headers, answer.body)
        }
        Target::Soap { handler, wsdl } => {
            if method == Method::GET {
                let wants_wsdl = query
                    .as_deref()
                    .is_some_and(|q| q.split('&').any(|p| p.eq_ignore_ascii_case("wsdl")));
                if wants_wsdl {
                    return match wsdl {
                        Some(w) => {
                            tracing::info!(%path, "WSDL served");
                            response(
                                200,
                                vec![(
                                    CONTENT_TYPE,
                                    HeaderValue::from_static("text/xml; charset=utf-8"),
                                )],
                                w.as_bytes().to_vec(),
                            )
                        }
                        None => text(404, "This service has no WSDL to serve.\n"),
                    };
                }
                let mut names: Vec<&str> = handler.operations().iter().map(|s| s.name).collect();
                names.dedup();
                let items: String = names
                    .iter()
                    .map(|n| format!("<li>{}</li>", escape_html(n)))
                    .collect();
                let page = format!(
                    "<!DOCTYPE html><html><head><title>{p}</title></head><body><h1>{p}</h1><p>SOAP 1.1 and 1.2 service. Operations:</p><ul>{items}</ul>{w}</body></html>",
                    p = escape_html(&path),
                    w = if wsdl.is_some() { "<p>Service description: <a href=\"?wsdl\">?wsdl</a></p>" } else { "" }
                );
                return response(
                    200,
                    vec![(
                        CONTENT_TYPE,
                        HeaderValue::from_static("text/html; charset=utf-8"),
                    )],
                    page.into_bytes(),
                );
            }
            if method != Method::POST {
                let mut r = text(405, "Use POST for SOAP calls, or GET ?wsdl.\n");
                r.headers_mut()
                    .insert(ALLOW, HeaderValue::from_static("GET, POST"));
                return r;
            }
            let answer = dispatch(handler.as_ref(), parts.headers, Some(peer), &body).await;
            tracing::info!(
                %path,
                operation = answer.operation.unwrap_or("(none)"),
                status = answer.reply.status,
                "SOAP call served"
            );
            let mut headers = answer.headers;
            if !answer.reply.body.is_empty() {
                headers.push((
                    CONTENT_TYPE,
                    HeaderValue::from_static(answer.reply.content_type()),
                ));
            }
            response(answer.reply.status, headers, answer.reply.body)
        }
    }
}
