//! An in-process HTTP/1.1 test server, and helpers to look into SOAP requests.
//!
//! Used by every integration test (SOAP and REST alike): include it with `mod support;`.
//!
//! ```ignore
//! let server = TestServer::start(|req: RecordedRequest| {
//!     assert_eq!(req.header("soapaction"), Some("\"urn:op\""));
//!     TestResponse::soap11(r#"<opResponse xmlns="urn:x"><r>1</r></opResponse>"#)
//! })
//! .await;
//! let url = server.url("/ws/api.asmx");
//! // ... call the client ...
//! assert_eq!(server.requests().len(), 1);
//! ```
//!
//! Handlers may also be async: `TestServer::start(|req| async move { ... TestResponse })`.
#![allow(dead_code)]

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use http_body_util::BodyExt;
use hyper::body::{Bytes, Frame, Incoming, SizeHint};
use hyper::header::{HeaderName, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{HeaderMap, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::task::{JoinHandle, JoinSet};

/// The SOAP 1.1 envelope namespace.
pub const SOAP11_NS: &str = "http://schemas.xmlsoap.org/soap/envelope/";
/// The SOAP 1.2 envelope namespace.
pub const SOAP12_NS: &str = "http://www.w3.org/2003/05/soap-envelope";

// ---------------------------------------------------------------------------------------------
// Requests

/// A request as the server received it.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    /// The method, e.g. `POST`.
    pub method: String,
    /// The path and query, e.g. `/ws/api.asmx?x=1`.
    pub path: String,
    /// The headers (lookups are case-insensitive).
    pub headers: HeaderMap,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl RecordedRequest {
    /// The first value of header `name` (case-insensitive), if present and valid text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// All values of header `name`.
    pub fn header_all(&self, name: &str) -> Vec<String> {
        self.headers
            .get_all(name)
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .collect()
    }

    /// Whether header `name` is present.
    pub fn has_header(&self, name: &str) -> bool {
        self.headers.contains_key(name)
    }

    /// The value of cookie `name` in the `Cookie` header(s).
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.header_all("cookie").iter().find_map(|h| {
            h.split(';').find_map(|pair| {
                let (k, v) = pair.split_once('=')?;
                (k.trim() == name).then(|| v.trim().to_owned())
            })
        })
    }

    /// The body as text (lossy UTF-8).
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

// ---------------------------------------------------------------------------------------------
// Responses

#[derive(Debug, Clone)]
enum BodySpec {
    /// Sent with a `Content-Length`.
    Full(Bytes),
    /// `count` copies of `chunk`, sent chunked, without a `Content-Length`.
    Repeat { chunk: Bytes, count: usize },
}

/// The response the handler wants sent.
#[derive(Debug, Clone)]
pub struct TestResponse {
    /// The HTTP status.
    pub status: u16,
    /// Headers, in order (a header may repeat, e.g. `Set-Cookie`).
    pub headers: Vec<(String, String)>,
    body: BodySpec,
    /// Wait this long before sending the response (for timeout tests).
    pub delay: Option<Duration>,
}

impl TestResponse {
    /// An empty response with this status.
    pub fn new(status: u16) -> Self {
        TestResponse {
            status,
            headers: Vec::new(),
            body: BodySpec::Full(Bytes::new()),
            delay: None,
        }
    }

    /// A body with the given content type.
    pub fn text(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        Self::new(status)
            .with_header("content-type", content_type)
            .with_body(body)
    }

    /// An XML body (`text/xml; charset=utf-8`).
    pub fn xml(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Self::text(status, "text/xml; charset=utf-8", body)
    }

    /// An HTML body (`text/html; charset=utf-8`).
    pub fn html(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Self::text(status, "text/html; charset=utf-8", body)
    }

    /// A JSON body (`application/json`).
    pub fn json(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Self::text(status, "application/json", body)
    }

    /// A 200 SOAP 1.1 response (`text/xml`) whose `Body` holds `body_inner`.
    pub fn soap11(body_inner: &str) -> Self {
        Self::xml(200, soap11_envelope(body_inner))
    }

    /// A 200 SOAP 1.2 response (`application/soap+xml`) whose `Body` holds `body_inner`.
    pub fn soap12(body_inner: &str) -> Self {
        Self::text(
            200,
            "application/soap+xml; charset=utf-8",
            soap12_envelope(body_inner),
        )
    }

    /// A 500 SOAP 1.1 fault, as ASP.NET sends it. `detail` is inner markup of `<detail>`.
    pub fn soap11_fault(code: &str, reason: &str, detail: Option<&str>) -> Self {
        let detail = detail
            .map(|d| format!("<detail>{d}</detail>"))
            .unwrap_or_default();
        Self::soap11(&format!(
            "<soap:Fault><faultcode>{code}</faultcode><faultstring>{}</faultstring>{detail}</soap:Fault>",
            escape(reason)
        ))
        .with_status(500)
    }

    /// A SOAP 1.2 fault with status 500 for `Receiver` codes and 400 otherwise. `code` and
    /// `subcodes` are QNames (`soap:Sender`, `m:Timeout`, with the `m` prefix bound to
    /// `urn:test:fault`).
    pub fn soap12_fault(code: &str, subcodes: &[&str], reason: &str) -> Self {
        // Nest the subcodes: Code/Value, Code/Subcode/Value, Code/Subcode/Subcode/Value, ...
        let mut nested = String::new();
        for sub in subcodes.iter().rev() {
            nested = format!("<soap:Subcode><soap:Value>{sub}</soap:Value>{nested}</soap:Subcode>");
        }
        let status = if code.ends_with("Receiver") { 500 } else { 400 };
        Self::soap12(&format!(
            r#"<soap:Fault xmlns:m="urn:test:fault"><soap:Code><soap:Value>{code}</soap:Value>{nested}</soap:Code><soap:Reason><soap:Text xml:lang="en">{}</soap:Text></soap:Reason></soap:Fault>"#,
            escape(reason)
        ))
        .with_status(status)
    }

    /// A body of `count` copies of `chunk`, sent chunked (no `Content-Length`), produced as the
    /// client reads it: for testing limits on large or endless bodies.
    pub fn streamed(
        status: u16,
        content_type: &str,
        chunk: impl Into<Vec<u8>>,
        count: usize,
    ) -> Self {
        let mut r = Self::new(status).with_header("content-type", content_type);
        r.body = BodySpec::Repeat {
            chunk: Bytes::from(chunk.into()),
            count,
        };
        r
    }

    /// Replaces the status.
    pub fn with_status(mut self, status: u16) -> Self {
        self.status = status;
        self
    }

    /// Adds a header (repeat the call to send a header several times).
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Replaces the body.
    pub fn with_body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = BodySpec::Full(Bytes::from(body.into()));
        self
    }

    /// Waits this long before responding.
    pub fn with_delay(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }

    fn into_hyper(self) -> Response<TestBody> {
        let mut response = Response::new(TestBody(self.body));
        *response.status_mut() =
            StatusCode::from_u16(self.status).expect("TestResponse: invalid status code");
        for (name, value) in &self.headers {
            response.headers_mut().append(
                HeaderName::from_bytes(name.as_bytes()).expect("TestResponse: invalid header name"),
                HeaderValue::from_str(value).expect("TestResponse: invalid header value"),
            );
        }
        response
    }
}

/// The response body: either whole, or produced chunk by chunk.
struct TestBody(BodySpec);

impl hyper::body::Body for TestBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let this = self.get_mut();
        let frame = match &mut this.0 {
            BodySpec::Full(bytes) if bytes.is_empty() => None,
            BodySpec::Full(bytes) => Some(std::mem::take(bytes)),
            BodySpec::Repeat { count: 0, .. } => None,
            BodySpec::Repeat { chunk, count } => {
                *count -= 1;
                Some(chunk.clone())
            }
        };
        Poll::Ready(frame.map(|b| Ok(Frame::data(b))))
    }

    fn is_end_stream(&self) -> bool {
        match &self.0 {
            BodySpec::Full(bytes) => bytes.is_empty(),
            BodySpec::Repeat { count, .. } => *count == 0,
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.0 {
            BodySpec::Full(bytes) => SizeHint::with_exact(bytes.len() as u64),
            BodySpec::Repeat { .. } => SizeHint::default(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Handlers

type BoxFuture = Pin<Box<dyn Future<Output = TestResponse> + Send>>;
type BoxHandler = Arc<dyn Fn(RecordedRequest) -> BoxFuture + Send + Sync>;

/// What a handler returns: a [`TestResponse`], or a future of one (for an async handler).
pub trait HandlerOutput: Send + 'static {
    /// The response as a boxed future.
    fn into_future(self) -> BoxFuture;
}

impl HandlerOutput for TestResponse {
    fn into_future(self) -> BoxFuture {
        Box::pin(std::future::ready(self))
    }
}

impl<F> HandlerOutput for F
where
    F: Future<Output = TestResponse> + Send + 'static,
{
    fn into_future(self) -> BoxFuture {
        Box::pin(self)
    }
}

// ---------------------------------------------------------------------------------------------
// The server

/// An HTTP/1.1 server on `127.0.0.1` with a free port, running until dropped.
pub struct TestServer {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<RecordedRequest>>>,
    accept_task: JoinHandle<()>,
}

impl std::fmt::Debug for TestServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestServer")
            .field("addr", &self.addr)
            .finish()
    }
}

impl TestServer {
    /// Starts a server that answers every request with `handler`. Requests are recorded (before
    /// the handler runs) and listed by [`TestServer::requests`].
    pub async fn start<H, R>(handler: H) -> TestServer
    where
        H: Fn(RecordedRequest) -> R + Send + Sync + 'static,
        R: HandlerOutput,
    {
        let handler: BoxHandler = Arc::new(move |req| handler(req).into_future());
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("TestServer: cannot bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("TestServer: no local address");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let accept_task = tokio::spawn(accept_loop(listener, handler, Arc::clone(&requests)));
        TestServer {
            addr,
            requests,
            accept_task,
        }
    }

    /// A server that answers every request with a copy of `response`.
    pub async fn always(response: TestResponse) -> TestServer {
        Self::start(move |_| response.clone()).await
    }

    /// A server that answers the n-th request with the n-th response, and with the last one
    /// once the list is exhausted.
    pub async fn sequence(responses: Vec<TestResponse>) -> TestServer {
        assert!(
            !responses.is_empty(),
            "TestServer::sequence needs a response"
        );
        let next = Arc::new(Mutex::new(0usize));
        Self::start(move |_| {
            let mut n = next.lock().unwrap();
            let response = responses[(*n).min(responses.len() - 1)].clone();
            *n += 1;
            response
        })
        .await
    }

    /// The server's address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port><path>` (a `/` is added in front of `path` if missing).
    pub fn url(&self, path: &str) -> String {
        let slash = if path.starts_with('/') { "" } else { "/" };
        format!("http://{}{slash}{path}", self.addr)
    }

    /// All requests received so far, in order of arrival.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.requests.lock().unwrap().clone()
    }

    /// How many requests were received.
    pub fn request_count(&self) -> usize {
        self.requests.lock().unwrap().len()
    }

    /// The last request received.
    pub fn last_request(&self) -> Option<RecordedRequest> {
        self.requests.lock().unwrap().last().cloned()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        // Dropping the accept task drops its JoinSet, which aborts every connection task.
        self.accept_task.abort();
    }
}

async fn accept_loop(
    listener: TcpListener,
    handler: BoxHandler,
    requests: Arc<Mutex<Vec<RecordedRequest>>>,
) {
    let mut connections = JoinSet::new();
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        while connections.try_join_next().is_some() {}
        let handler = Arc::clone(&handler);
        let requests = Arc::clone(&requests);
        connections.spawn(async move {
            let service = service_fn(move |req: Request<Incoming>| {
                let handler = Arc::clone(&handler);
                let requests = Arc::clone(&requests);
                async move {
                    let (parts, body) = req.into_parts();
                    let body = match body.collect().await {
                        Ok(collected) => collected.to_bytes().to_vec(),
                        Err(_) => Vec::new(),
                    };
                    let recorded = RecordedRequest {
                        method: parts.method.to_string(),
                        path: parts
                            .uri
                            .path_and_query()
                            .map(|p| p.as_str().to_owned())
                            .unwrap_or_else(|| "/".to_owned()),
                        headers: parts.headers,
                        body,
                    };
                    requests.lock().unwrap().push(recorded.clone());
                    let response = handler(recorded).await;
                    if let Some(delay) = response.delay {
                        tokio::time::sleep(delay).await;
                    }
                    Ok::<_, Infallible>(response.into_hyper())
                }
            });
            // Errors here are the client going away mid-response, which tests provoke.
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

// ---------------------------------------------------------------------------------------------
// SOAP helpers

/// A SOAP 1.1 envelope (prefix `soap`) around `body_inner`.
pub fn soap11_envelope(body_inner: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="{SOAP11_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"><soap:Body>{body_inner}</soap:Body></soap:Envelope>"#
    )
}

/// A SOAP 1.2 envelope (prefix `soap`) around `body_inner`.
pub fn soap12_envelope(body_inner: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="{SOAP12_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"><soap:Body>{body_inner}</soap:Body></soap:Envelope>"#
    )
}

/// Escapes text for XML content.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// An element as `(namespace, local name, text of all its descendants)`; the namespace is `""`
/// for an unqualified element.
pub type ElementSummary = (String, String, String);

fn parse(xml: &[u8]) -> roxmltree::Document<'_> {
    let text = std::str::from_utf8(xml).expect("the request body is not UTF-8");
    roxmltree::Document::parse(text).expect("the request body is not well-formed XML")
}

fn summary(node: roxmltree::Node<'_, '_>) -> ElementSummary {
    let text: String = node
        .descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect();
    (
        node.tag_name().namespace().unwrap_or_default().to_owned(),
        node.tag_name().name().to_owned(),
        text,
    )
}

fn envelope_part<'a, 'i>(
    doc: &'a roxmltree::Document<'i>,
    part: &str,
) -> Option<roxmltree::Node<'a, 'i>> {
    let root = doc.root_element();
    assert_eq!(
        root.tag_name().name(),
        "Envelope",
        "the root is not a SOAP Envelope"
    );
    root.children()
        .find(|n| n.is_element() && n.tag_name().name() == part)
}

/// The envelope namespace of a SOAP message (asserting the root is an `Envelope`).
pub fn envelope_ns(xml: impl AsRef<[u8]>) -> String {
    let doc = parse(xml.as_ref());
    let root = doc.root_element();
    assert_eq!(
        root.tag_name().name(),
        "Envelope",
        "the root is not a SOAP Envelope"
    );
    root.tag_name().namespace().unwrap_or_default().to_owned()
}

/// The first element in the SOAP `Body`, as `(namespace, local name, children)`, each child as
/// `(namespace, local name, text)`. Panics if the message is not a SOAP envelope with a
/// non-empty `Body`.
pub fn body_child(xml: impl AsRef<[u8]>) -> (String, String, Vec<ElementSummary>) {
    let doc = parse(xml.as_ref());
    let body = envelope_part(&doc, "Body").expect("the envelope has no Body");
    let child = body
        .children()
        .find(|n| n.is_element())
        .expect("the SOAP Body is empty");
    let children = child
        .children()
        .filter(|n| n.is_element())
        .map(summary)
        .collect();
    (
        child.tag_name().namespace().unwrap_or_default().to_owned(),
        child.tag_name().name().to_owned(),
        children,
    )
}

/// The elements in the SOAP `Header` (empty if there is none).
pub fn header_children(xml: impl AsRef<[u8]>) -> Vec<ElementSummary> {
    let doc = parse(xml.as_ref());
    envelope_part(&doc, "Header")
        .map(|h| {
            h.children()
                .filter(|n| n.is_element())
                .map(summary)
                .collect()
        })
        .unwrap_or_default()
}

/// The text of the first element named `local` (in any namespace) anywhere in the document.
pub fn find_text(xml: impl AsRef<[u8]>, local: &str) -> Option<String> {
    let doc = parse(xml.as_ref());
    doc.descendants()
        .find(|n| n.is_element() && n.tag_name().name() == local)
        .map(|n| summary(n).2)
}

/// A `tracing` writer that keeps everything written to it; clones share the buffer. Pass
/// `move || capture.clone()` to `tracing_subscriber::fmt().with_writer(..)`.
#[derive(Clone, Default)]
pub struct LogCapture(pub Arc<Mutex<Vec<u8>>>);

impl std::io::Write for LogCapture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl LogCapture {
    /// Everything written so far, as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

/// Installs, once per test binary, a global subscriber that wants every event and writes them
/// nowhere. Tests that capture logs with a scoped subscriber (`set_default`) call this first:
/// with a global subscriber interested in everything, no event callsite can be cached as
/// "never interesting" by a test thread running at the same time, so no event goes missing.
pub fn trace_everything_globally() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let sink = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_writer(std::io::sink)
            .finish();
        let _ = tracing::subscriber::set_global_default(sink);
    });
}

/// Installs a tracing subscriber that prints to the test output (once; later calls do
/// nothing), showing events up to `level`.
pub fn init_tracing(level: tracing::Level) {
    let _ = tracing_subscriber::fmt()
        .with_max_level(level)
        .with_test_writer()
        .try_init();
}
