//! The HTTP side of SOAP: one client per endpoint, shared by all the operations of a service.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::cookie::CookieStore as _;
use reqwest::header::{HeaderValue, CONTENT_TYPE, COOKIE, SET_COOKIE, USER_AGENT};
use tracing::Instrument;
use url::Url;

use crate::error::{redact_url, Error};
use crate::rest::http::{self, parse_endpoint, HttpResponse};
use crate::xml::{Field, FromXml, ToXml};

use super::cookies::CookieJar;
use super::envelope::{self, Probe};
use super::{Operation, SoapVersion};

// The defaults are shared with the XML-over-HTTP runtime (`crate::rest`).
pub use crate::rest::http::{
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT, DEFAULT_USER_AGENT,
};

/// A SOAP client for one endpoint: it sends operations as HTTP POST requests and reads the
/// answers.
///
/// Cloning is cheap (the HTTP client, its connection pool and its cookie jar are shared), and a
/// client can be used from many tasks at once. Session cookies set by the service (such as
/// `ASP.NET_SessionId`) are kept in a [`CookieJar`] and sent back on later calls, unless
/// disabled with [`SoapClientBuilder::cookie_store`]; their values never appear in logs or
/// `Debug` output.
///
/// An answer is read as SOAP when its `Content-Type` is XML (`text/xml`, `application/xml`,
/// `application/soap+xml` or another `+xml` type) or missing; see the [module
/// documentation](crate::soap) for how the outcome of a call is decided.
///
/// Each call runs inside a `soap_call` tracing span (fields `operation` and `version`) and logs
/// at debug level the HTTP status, the byte counts and the time taken, never the bodies or the
/// header values.
#[derive(Clone)]
pub struct SoapClient {
    shared: Arc<Shared>,
    endpoint: Arc<Url>,
}

struct Shared {
    http: reqwest::Client,
    jar: Option<Arc<CookieJar>>,
    timeout: Duration,
    max_response_bytes: usize,
    /// Sent on each request when the HTTP client was injected and a user agent was set.
    user_agent: Option<HeaderValue>,
}

impl fmt::Debug for SoapClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut endpoint = (*self.endpoint).clone();
        redact_url(&mut endpoint);
        f.debug_struct("SoapClient")
            .field("endpoint", &endpoint.as_str())
            .field("timeout", &self.shared.timeout)
            .field("max_response_bytes", &self.shared.max_response_bytes)
            .field("cookie_store", &self.shared.jar.is_some())
            .finish_non_exhaustive()
    }
}

/// Settings for a [`SoapClient`]; made by [`SoapClient::builder`].
pub struct SoapClientBuilder {
    endpoint: String,
    connect_timeout: Duration,
    timeout: Duration,
    user_agent: Option<String>,
    max_response_bytes: usize,
    cookie_store: bool,
    cookie_jar: Option<Arc<CookieJar>>,
    http_client: Option<reqwest::Client>,
}

impl fmt::Debug for SoapClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let endpoint = match Url::parse(&self.endpoint) {
            Ok(mut url) => {
                redact_url(&mut url);
                url.to_string()
            }
            Err(_) => "(invalid)".to_owned(),
        };
        f.debug_struct("SoapClientBuilder")
            .field("endpoint", &endpoint)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("user_agent", &self.user_agent)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("cookie_store", &self.cookie_store)
            .field("http_client", &self.http_client.is_some())
            .finish()
    }
}

impl SoapClientBuilder {
    /// How long to wait for a connection to be made (default 10 s). Ignored with
    /// [`SoapClientBuilder::http_client`].
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long a whole call may take, from connecting to the end of the response body
    /// (default 60 s). Applies to every call, also with an injected HTTP client.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The `User-Agent` header (default `wsclient/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// The largest response body accepted, in bytes (default 32 MiB). The limit is enforced as
    /// the body arrives: a larger body is abandoned with [`Error::BodyTooLarge`] without being
    /// read to its end.
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Whether to keep the cookies the service sets and send them back (default `true`).
    /// Ignored with [`SoapClientBuilder::http_client`].
    pub fn cookie_store(mut self, enabled: bool) -> Self {
        self.cookie_store = enabled;
        self
    }

    /// Uses this cookie jar, for example to share one session between the clients of several
    /// services of the same server. Turns the cookie store on. Ignored with
    /// [`SoapClientBuilder::http_client`].
    pub fn cookie_jar(mut self, jar: Arc<CookieJar>) -> Self {
        self.cookie_store = true;
        self.cookie_jar = Some(jar);
        self
    }

    /// Uses this HTTP client instead of building one (for a proxy, custom root certificates,
    /// and so on). Its own connect timeout, cookie store and user agent apply; the builder's
    /// [`timeout`](SoapClientBuilder::timeout) still applies to every call, and its
    /// [`user_agent`](SoapClientBuilder::user_agent), if set, is sent on every request.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Builds the client.
    ///
    /// Fails with [`Error::InvalidEndpoint`] if the endpoint is not an absolute `http` or
    /// `https` URL, with [`Error::InvalidConfig`] if the user agent cannot be sent in a header,
    /// and with [`Error::Transport`] if the HTTP client cannot be set up.
    pub fn build(self) -> Result<SoapClient, Error> {
        let endpoint = parse_endpoint(&self.endpoint)?;
        let user_agent = http::user_agent_header(self.user_agent.as_deref())?;
        let shared = match self.http_client {
            Some(http) => Shared {
                http,
                jar: None,
                timeout: self.timeout,
                max_response_bytes: self.max_response_bytes,
                user_agent,
            },
            None => {
                let jar = match (self.cookie_store, self.cookie_jar) {
                    (false, _) => None,
                    (true, Some(jar)) => Some(jar),
                    (true, None) => Some(Arc::new(CookieJar::new())),
                };
                Shared {
                    http: http::build_http_client(self.connect_timeout, self.timeout, user_agent)?,
                    jar,
                    timeout: self.timeout,
                    max_response_bytes: self.max_response_bytes,
                    user_agent: None,
                }
            }
        };
        Ok(SoapClient {
            shared: Arc::new(shared),
            endpoint: Arc::new(endpoint),
        })
    }
}

/// How a SOAP call reads the response (status, content type and body, shared with the
/// XML-over-HTTP runtime).
impl HttpResponse {
    fn error(&self, is_xml_problem: bool) -> Error {
        Error::from_response(
            self.status,
            self.content_type.clone(),
            &http::displayable(&self.body),
            is_xml_problem,
        )
    }

    /// The outcome of a request-response call.
    fn into_result<T: FromXml>(self, expected: Field) -> Result<T, Error> {
        // The common case, a 2xx XML answer, is read in one pass. Reading finds a fault just as
        // the probe below does; any other failure is decided below exactly as without this
        // pass.
        if self.is_success() && self.has_xml_content_type() {
            match envelope::read_response(&self.body, expected) {
                Ok(value) => return Ok(value),
                Err(Error::Fault(mut fault)) => {
                    fault.http_status = Some(self.status);
                    return Err(Error::Fault(fault));
                }
                Err(_) => {}
            }
        }
        match envelope::probe(&self.body) {
            Probe::Fault(mut fault) => {
                fault.http_status = Some(self.status);
                Err(Error::Fault(fault))
            }
            _ if !self.is_success() => Err(self.error(false)),
            Probe::NotEnvelope => Err(self.error(true)),
            _ if !self.has_xml_content_type() => Err(self.error(true)),
            Probe::Refused(e) => Err(Error::Xml(e)),
            Probe::Envelope(doc) => envelope::read_decoded(&self.body, &doc, expected),
        }
    }

    /// The outcome of a one-way call: an empty body is fine, and so is any envelope without
    /// a fault.
    fn into_unit(self) -> Result<(), Error> {
        match envelope::probe(&self.body) {
            Probe::Fault(mut fault) => {
                fault.http_status = Some(self.status);
                Err(Error::Fault(fault))
            }
            _ if !self.is_success() => Err(self.error(false)),
            _ if self.body.iter().all(u8::is_ascii_whitespace) => Ok(()),
            Probe::NotEnvelope => Err(self.error(true)),
            _ if !self.has_xml_content_type() => Err(self.error(true)),
            Probe::Refused(e) => Err(Error::Xml(e)),
            Probe::Envelope(doc) => envelope::check_decoded(&self.body, &doc),
        }
    }
}

/// Escapes a value for an HTTP quoted-string.
fn quoted(value: &str) -> String {
    let mut s = String::with_capacity(value.len() + 2);
    s.push('"');
    for c in value.chars() {
        if c == '"' || c == '\\' {
            s.push('\\');
        }
        s.push(c);
    }
    s.push('"');
    s
}

impl SoapClient {
    /// Starts building a client for `endpoint` (an absolute `http` or `https` URL, as a string
    /// or a [`Url`]). The URL is checked by [`SoapClientBuilder::build`].
    pub fn builder(endpoint: impl AsRef<str>) -> SoapClientBuilder {
        SoapClientBuilder {
            endpoint: endpoint.as_ref().to_owned(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            user_agent: None,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            cookie_store: true,
            cookie_jar: None,
            http_client: None,
        }
    }

    /// The endpoint the requests are sent to.
    pub fn endpoint(&self) -> &Url {
        &self.endpoint
    }

    /// A client for another endpoint that shares this one's HTTP client, settings and cookies.
    pub fn with_endpoint(&self, endpoint: impl AsRef<str>) -> Result<Self, Error> {
        Ok(SoapClient {
            shared: Arc::clone(&self.shared),
            endpoint: Arc::new(parse_endpoint(endpoint.as_ref())?),
        })
    }

    /// The cookie jar, when the client keeps cookies itself (not with an injected HTTP client,
    /// nor with the cookie store turned off).
    pub fn cookies(&self) -> Option<&Arc<CookieJar>> {
        self.shared.jar.as_ref()
    }

    /// Whether the cookie jar holds a cookie named `name` that would be sent to the endpoint.
    pub fn has_cookie(&self, name: &str) -> bool {
        self.cookies()
            .is_some_and(|jar| jar.contains(name, &self.endpoint))
    }

    /// Calls a request-response operation: sends `request` as the operation's input element
    /// and reads the output element as a `Resp`.
    ///
    /// The request is written before the future is first polled, so the future does not
    /// borrow `request`.
    pub fn call<Req, Resp>(
        &self,
        op: &Operation,
        request: &Req,
    ) -> impl Future<Output = Result<Resp, Error>> + Send
    where
        Req: ToXml + ?Sized,
        Resp: FromXml,
    {
        self.call_with_headers(op, &[], request)
    }

    /// Like [`SoapClient::call`], with SOAP header elements (each written as the element its
    /// [`Field`] names).
    pub fn call_with_headers<Req, Resp>(
        &self,
        op: &Operation,
        headers: &[(Field, &dyn ToXml)],
        request: &Req,
    ) -> impl Future<Output = Result<Resp, Error>> + Send
    where
        Req: ToXml + ?Sized,
        Resp: FromXml,
    {
        let op = *op;
        let span = call_span(&op);
        let prepared = span.in_scope(|| {
            let output = op.output.ok_or(Error::OneWay { operation: op.name })?;
            let body = envelope::write_request(op.version, op.input, request, headers)?;
            Ok::<_, Error>((output, body))
        });
        let client = self.clone();
        async move {
            let (output, body) = prepared.inspect_err(log_failure)?;
            let response = client.post(&op, body).await.inspect_err(log_failure)?;
            response.into_result(output).inspect_err(log_failure)
        }
        .instrument(span)
    }

    /// Calls a one-way operation (or ignores the answer of a request-response one): succeeds
    /// on any 2xx answer that is empty or an envelope without a fault.
    pub fn call_one_way<Req>(
        &self,
        op: &Operation,
        request: &Req,
    ) -> impl Future<Output = Result<(), Error>> + Send
    where
        Req: ToXml + ?Sized,
    {
        self.call_one_way_with_headers(op, &[], request)
    }

    /// Like [`SoapClient::call_one_way`], with SOAP header elements.
    pub fn call_one_way_with_headers<Req>(
        &self,
        op: &Operation,
        headers: &[(Field, &dyn ToXml)],
        request: &Req,
    ) -> impl Future<Output = Result<(), Error>> + Send
    where
        Req: ToXml + ?Sized,
    {
        let op = *op;
        let span = call_span(&op);
        let body = span.in_scope(|| {
            envelope::write_request(op.version, op.input, request, headers).map_err(Error::from)
        });
        let client = self.clone();
        async move {
            let body = body.inspect_err(log_failure)?;
            let response = client.post(&op, body).await.inspect_err(log_failure)?;
            response.into_unit().inspect_err(log_failure)
        }
        .instrument(span)
    }

    /// Sends one request and reads the response body, within the size limit.
    async fn post(&self, op: &Operation, body: Vec<u8>) -> Result<HttpResponse, Error> {
        let started = Instant::now();
        let request_bytes = body.len();
        let (content_type, soap_action) = match op.version {
            SoapVersion::V11 => (
                HeaderValue::from_static("text/xml; charset=utf-8"),
                Some(header_value(op, &quoted(op.soap_action))?),
            ),
            SoapVersion::V12 if op.soap_action.is_empty() => (
                HeaderValue::from_static("application/soap+xml; charset=utf-8"),
                None,
            ),
            SoapVersion::V12 => (
                header_value(
                    op,
                    &format!(
                        "application/soap+xml; charset=utf-8; action={}",
                        quoted(op.soap_action)
                    ),
                )?,
                None,
            ),
        };
        let mut request = self
            .shared
            .http
            .post((*self.endpoint).clone())
            .timeout(self.shared.timeout)
            .header(CONTENT_TYPE, content_type);
        if let Some(action) = soap_action {
            request = request.header("SOAPAction", action);
        }
        if let Some(ua) = &self.shared.user_agent {
            request = request.header(USER_AGENT, ua.clone());
        }
        if let Some(cookie) = self
            .shared
            .jar
            .as_ref()
            .and_then(|jar| jar.cookies(&self.endpoint))
        {
            request = request.header(COOKIE, cookie);
        }
        tracing::debug!(request_bytes, "sending SOAP request");
        let response = request
            .body(body)
            .send()
            .await
            .map_err(Error::from_reqwest)?;
        if let Some(jar) = &self.shared.jar {
            jar.set_cookies(
                &mut response.headers().get_all(SET_COOKIE).iter(),
                &self.endpoint,
            );
        }
        let response = http::read_response(response, self.shared.max_response_bytes).await?;
        tracing::debug!(
            status = response.status,
            request_bytes,
            response_bytes = response.body.len(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "SOAP response received"
        );
        Ok(response)
    }
}

fn header_value(op: &Operation, value: &str) -> Result<HeaderValue, Error> {
    HeaderValue::from_str(value).map_err(|_| Error::InvalidSoapAction { operation: op.name })
}

fn call_span(op: &Operation) -> tracing::Span {
    tracing::info_span!("soap_call", operation = op.name, version = ?op.version)
}

/// Logs the kind of failure at debug level (not the message, which may quote the response).
fn log_failure(e: &Error) {
    tracing::debug!(error = e.kind(), "SOAP call failed");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_is_shareable_across_tasks() {
        fn check<T: Clone + Send + Sync + 'static>() {}
        check::<SoapClient>();
    }

    #[test]
    fn quotes_actions() {
        assert_eq!(quoted("urn:a/b"), "\"urn:a/b\"");
        assert_eq!(quoted(""), "\"\"");
        assert_eq!(quoted("a\"b\\c"), "\"a\\\"b\\\\c\"");
    }

    #[test]
    fn checks_endpoints() {
        for bad in [
            "not a url",
            "ftp://example.com/x",
            "/relative/path",
            "file:///etc/passwd",
        ] {
            let err = SoapClient::builder(bad).build().unwrap_err();
            assert!(
                matches!(err, Error::InvalidEndpoint { .. }),
                "{bad}: {err:?}"
            );
        }
        let client = SoapClient::builder("https://example.com/ws/api.asmx")
            .build()
            .unwrap();
        assert_eq!(
            client.endpoint().as_str(),
            "https://example.com/ws/api.asmx"
        );
        let other = client
            .with_endpoint(Url::parse("https://example.com/other.asmx").unwrap())
            .unwrap();
        assert_eq!(other.endpoint().path(), "/other.asmx");
        assert!(Arc::ptr_eq(&client.shared, &other.shared));
        assert!(matches!(
            client.with_endpoint("nope"),
            Err(Error::InvalidEndpoint { .. })
        ));
        assert!(client.cookies().is_some());
        assert!(!client.has_cookie("ASP.NET_SessionId"));
    }

    #[test]
    fn debug_output_hides_credentials() {
        let builder = SoapClient::builder("https://user:pw@example.com/ws?token=t");
        let shown = format!("{builder:?}");
        assert!(!shown.contains("pw") && !shown.contains("token"), "{shown}");
        let client = builder.build().unwrap();
        let shown = format!("{client:?}");
        assert!(!shown.contains("pw") && !shown.contains("token"), "{shown}");
    }

    #[test]
    fn refuses_a_bad_user_agent() {
        let err = SoapClient::builder("https://example.com/")
            .user_agent("bad\nagent")
            .build()
            .unwrap_err();
        assert!(matches!(err, Error::InvalidConfig { .. }), "{err:?}");
    }
}
