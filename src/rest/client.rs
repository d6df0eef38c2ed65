//! The XML-over-HTTP client: one per base URL, shared by every call to that service.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, CONTENT_TYPE, USER_AGENT};
use tracing::Instrument;
use url::Url;

use crate::error::{redact_url, Error};
use crate::xml::{decode_document, Field, FromXml, ReadError, Start, ToXml, XmlReader, XmlWriter};

use super::http::{self, HttpResponse};

/// The media type of request and response bodies.
const APPLICATION_XML: &str = "application/xml";

/// Everything but the unreserved characters of RFC 3986 (`A-Z a-z 0-9 - . _ ~`).
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes text for use inside a URL path segment: every byte of its UTF-8 form other
/// than the unreserved characters (`A-Z a-z 0-9 - . _ ~`) becomes `%XX`, so that `/`, `?`, `#`,
/// `%`, quotes, spaces and non-ASCII characters cannot change the meaning of the path.
///
/// ```
/// use wsclient::rest::encode_path_segment;
///
/// assert_eq!(encode_path_segment("DEV_0012"), "DEV_0012");
/// assert_eq!(encode_path_segment("a/b c"), "a%2Fb%20c");
/// assert_eq!(encode_path_segment("Zürich"), "Z%C3%BCrich");
/// ```
pub fn encode_path_segment(text: &str) -> String {
    utf8_percent_encode(text, PATH_SEGMENT).to_string()
}

/// One kind of call: the root element of the request document and the one expected back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct XmlOperation {
    /// The operation's name, for tracing and messages.
    pub name: &'static str,
    /// The root element of the request document.
    pub request: Field,
    /// The root element expected in the response document.
    pub response: Field,
}

/// A client for an XML-over-HTTP service under one base URL: it posts XML documents to paths
/// below that URL and reads the XML documents that come back.
///
/// Every request carries `Content-Type: application/xml` and `Accept: application/xml` (a
/// caller's extra headers may replace them). Cloning is cheap (the HTTP client and its
/// connection pool are shared), and a client can be used from many tasks at once. Cookies are
/// not kept.
///
/// Each call runs inside a `rest_call` tracing span (field `operation`) and logs at debug level
/// the HTTP status, the byte counts and the time taken, never the bodies, the paths' contents
/// or the header values.
#[derive(Clone)]
pub struct RestClient {
    shared: Arc<Shared>,
    base: Arc<Url>,
}

struct Shared {
    http: reqwest::Client,
    timeout: Duration,
    max_response_bytes: usize,
    /// Sent on each request when the HTTP client was injected and a user agent was set.
    user_agent: Option<HeaderValue>,
}

impl fmt::Debug for RestClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut base = (*self.base).clone();
        redact_url(&mut base);
        f.debug_struct("RestClient")
            .field("base_url", &base.as_str())
            .field("timeout", &self.shared.timeout)
            .field("max_response_bytes", &self.shared.max_response_bytes)
            .finish_non_exhaustive()
    }
}

/// Settings for a [`RestClient`]; made by [`RestClient::builder`].
pub struct RestClientBuilder {
    base_url: String,
    connect_timeout: Duration,
    timeout: Duration,
    user_agent: Option<String>,
    max_response_bytes: usize,
    http_client: Option<reqwest::Client>,
}

impl fmt::Debug for RestClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let base_url = match Url::parse(&self.base_url) {
            Ok(mut url) => {
                redact_url(&mut url);
                url.to_string()
            }
            Err(_) => "(invalid)".to_owned(),
        };
        f.debug_struct("RestClientBuilder")
            .field("base_url", &base_url)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("user_agent", &self.user_agent)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("http_client", &self.http_client.is_some())
            .finish()
    }
}

impl RestClientBuilder {
    /// How long to wait for a connection to be made (default 10 s). Ignored with
    /// [`RestClientBuilder::http_client`].
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

    /// Uses this HTTP client instead of building one (for a proxy, custom root certificates,
    /// and so on). Its own connect timeout and user agent apply; the builder's
    /// [`timeout`](RestClientBuilder::timeout) still applies to every call, and its
    /// [`user_agent`](RestClientBuilder::user_agent), if set, is sent on every request.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Builds the client.
    ///
    /// Fails with [`Error::InvalidEndpoint`] if the base URL is not an absolute `http` or
    /// `https` URL or has a query or a fragment, with [`Error::InvalidConfig`] if the user agent
    /// cannot be sent in a header, and with [`Error::Transport`] if the HTTP client cannot be
    /// set up.
    pub fn build(self) -> Result<RestClient, Error> {
        let base = parse_base_url(&self.base_url)?;
        let user_agent = http::user_agent_header(self.user_agent.as_deref())?;
        let shared = match self.http_client {
            Some(client) => Shared {
                http: client,
                timeout: self.timeout,
                max_response_bytes: self.max_response_bytes,
                user_agent,
            },
            None => Shared {
                http: http::build_http_client(self.connect_timeout, self.timeout, user_agent)?,
                timeout: self.timeout,
                max_response_bytes: self.max_response_bytes,
                user_agent: None,
            },
        };
        Ok(RestClient {
            shared: Arc::new(shared),
            base: Arc::new(base),
        })
    }
}

/// A base URL: a service URL without query or fragment.
fn parse_base_url(base_url: &str) -> Result<Url, Error> {
    let url = http::parse_endpoint(base_url)?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::InvalidEndpoint {
            reason: "a base URL cannot have a query or a fragment".into(),
        });
    }
    Ok(url)
}

impl RestClient {
    /// Starts building a client for the service under `base_url` (an absolute `http` or
    /// `https` URL; a trailing `/` makes no difference). The URL is checked by
    /// [`RestClientBuilder::build`].
    pub fn builder(base_url: impl AsRef<str>) -> RestClientBuilder {
        RestClientBuilder {
            base_url: base_url.as_ref().to_owned(),
            connect_timeout: http::DEFAULT_CONNECT_TIMEOUT,
            timeout: http::DEFAULT_TIMEOUT,
            user_agent: None,
            max_response_bytes: http::DEFAULT_MAX_RESPONSE_BYTES,
            http_client: None,
        }
    }

    /// The base URL the paths are resolved against.
    pub fn base_url(&self) -> &Url {
        &self.base
    }

    /// A client for another base URL that shares this one's HTTP client and settings.
    pub fn with_base_url(&self, base_url: impl AsRef<str>) -> Result<Self, Error> {
        Ok(RestClient {
            shared: Arc::clone(&self.shared),
            base: Arc::new(parse_base_url(base_url.as_ref())?),
        })
    }

    /// The URL of `path` under the base URL: the base path, `/`, then `path` (a leading `/` on
    /// `path` is ignored). `path` is used as given, so dynamic parts must already be encoded
    /// (see [`encode_path_segment`]); a `?` or `#` in it is percent-encoded rather than starting
    /// a query or fragment.
    ///
    /// ```
    /// # fn main() -> Result<(), wsclient::Error> {
    /// let client = wsclient::rest::RestClient::builder("https://cv.example.com/webconsole/api/")
    ///     .build()?;
    /// assert_eq!(
    ///     client.url("UserGroup/16").as_str(),
    ///     "https://cv.example.com/webconsole/api/UserGroup/16"
    /// );
    /// # Ok(()) }
    /// ```
    pub fn url(&self, path: &str) -> Url {
        let mut url = (*self.base).clone();
        let joined = format!(
            "{}/{}",
            url.path().trim_end_matches('/'),
            path.trim_start_matches('/')
        );
        url.set_path(&joined);
        url
    }

    /// Posts `request` as the document `op.request` to `path` (see [`RestClient::url`]) and
    /// reads the answer, whose root must be `op.response`, as a `Resp`. `headers` are added to
    /// the request (and replace the default `Accept` or `Content-Type` if they name them); mark
    /// secret values with [`HeaderValue::set_sensitive`].
    ///
    /// The request is written before the future is first polled, so the future does not
    /// borrow `request`, `path` or `headers`.
    pub fn post_xml<Req, Resp>(
        &self,
        path: &str,
        op: &XmlOperation,
        request: &Req,
        headers: &HeaderMap,
    ) -> impl Future<Output = Result<Resp, Error>> + Send
    where
        Req: ToXml + ?Sized,
        Resp: FromXml,
    {
        let op = *op;
        let span = tracing::info_span!("rest_call", operation = op.name);
        let body = span.in_scope(|| {
            let mut w = XmlWriter::new();
            w.element(op.request.ns, op.request.name, request)
                .map(|()| w.into_bytes())
                .map_err(Error::from)
        });
        let url = self.url(path);
        let headers = headers.clone();
        let client = self.clone();
        async move {
            let body = body.inspect_err(log_failure)?;
            let response = client
                .post(url, headers, body)
                .await
                .inspect_err(log_failure)?;
            read_http_document(&response, op.response).inspect_err(log_failure)
        }
        .instrument(span)
    }

    /// Sends one request and reads the response, within the size limit.
    async fn post(
        &self,
        url: Url,
        headers: HeaderMap,
        body: Vec<u8>,
    ) -> Result<HttpResponse, Error> {
        let started = Instant::now();
        let request_bytes = body.len();
        let mut request = self
            .shared
            .http
            .post(url)
            .timeout(self.shared.timeout)
            .header(CONTENT_TYPE, HeaderValue::from_static(APPLICATION_XML))
            .header(ACCEPT, HeaderValue::from_static(APPLICATION_XML))
            .headers(headers);
        if let Some(ua) = &self.shared.user_agent {
            request = request.header(USER_AGENT, ua.clone());
        }
        tracing::debug!(request_bytes, "sending XML request");
        let response = request
            .body(body)
            .send()
            .await
            .map_err(Error::from_reqwest)?;
        let response = http::read_response(response, self.shared.max_response_bytes).await?;
        tracing::debug!(
            status = response.status,
            request_bytes,
            response_bytes = response.body.len(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "XML response received"
        );
        Ok(response)
    }
}

/// The outcome of a call (see the [module documentation](crate::rest)).
fn read_http_document<T: FromXml>(response: &HttpResponse, expected: Field) -> Result<T, Error> {
    let problem = |is_xml_problem| {
        Error::from_rest_response(
            response.status,
            response.content_type.clone(),
            &http::displayable(&response.body),
            is_xml_problem,
        )
    };
    if !response.is_success() {
        return Err(problem(false));
    }
    if !response.has_xml_content_type() {
        return Err(problem(true));
    }
    let doc = match decode_document(&response.body) {
        Ok(doc) => doc,
        Err(_) if !http::starts_like_xml(&response.body) => return Err(problem(true)),
        Err(e) => return Err(Error::Xml(e)),
    };
    let mut reader = XmlReader::for_decoded(&response.body, &doc);
    let root = match reader.root() {
        Ok(root) => root,
        // A DTD is refused; whether that makes the answer a refused document or something else
        // (an HTML page) depends on the root it announces.
        Err(e @ ReadError::DoctypeForbidden)
            if http::doctype_root(doc.as_bytes()) == Some(expected.name.as_bytes()) =>
        {
            return Err(Error::Xml(e))
        }
        Err(_) => return Err(problem(true)),
    };
    read_root(reader, root, expected)
}

/// Reads an XML document whose root element must be `expected`, as a `T`: what
/// [`RestClient::post_xml`] does with the body of a 2xx answer.
///
/// The bytes may be UTF-8 or UTF-16 (see [`decode_document`]). A root element other than
/// `expected` gives [`Error::UnexpectedElement`]; a document that is not well-formed, has a
/// `DOCTYPE`, an entity other than the predefined ones, another encoding, or content that does
/// not fit `T` gives [`Error::Xml`]. Any input gives `Ok` or an error: this function does not
/// panic.
///
/// ```
/// use wsclient::rest::read_document;
/// use wsclient::xml::Field;
///
/// let answer: String = read_document(b"<Answer>42</Answer>", Field::new(None, "Answer")).unwrap();
/// assert_eq!(answer, "42");
/// assert!(read_document::<String>(b"<Other/>", Field::new(None, "Answer")).is_err());
/// ```
pub fn read_document<T: FromXml>(bytes: &[u8], expected: Field) -> Result<T, Error> {
    let doc = decode_document(bytes)?;
    let mut reader = XmlReader::for_decoded(bytes, &doc);
    let root = reader.root()?;
    read_root(reader, root, expected)
}

/// Reads the document from its root element on.
fn read_root<T: FromXml>(
    mut reader: XmlReader<'_>,
    root: Start<'_>,
    expected: Field,
) -> Result<T, Error> {
    if !reader.is(&root, expected.ns, expected.name) {
        return Err(Error::UnexpectedElement {
            expected: describe(expected),
            found: reader.name_of(&root),
        });
    }
    let value = T::from_xml(&mut reader, &root)?;
    reader.finish()?;
    Ok(value)
}

/// An element for messages: `` `name` `` or `` `{namespace}name` ``.
fn describe(field: Field) -> String {
    match field.ns {
        Some(ns) if !ns.is_empty() => format!("`{{{ns}}}{}`", field.name),
        _ => format!("`{}`", field.name),
    }
}

/// Logs the kind of failure at debug level (not the message, which may quote the response).
fn log_failure(e: &Error) {
    tracing::debug!(error = e.kind(), "XML call failed");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_is_shareable_across_tasks() {
        fn check<T: Clone + Send + Sync + 'static>() {}
        check::<RestClient>();
    }

    #[test]
    fn joins_paths_under_the_base_url() {
        for base in [
            "https://cv.example.com/webconsole/api",
            "https://cv.example.com/webconsole/api/",
        ] {
            let client = RestClient::builder(base).build().unwrap();
            assert_eq!(
                client.url("UserGroup/16").as_str(),
                "https://cv.example.com/webconsole/api/UserGroup/16"
            );
            assert_eq!(
                client.url("/Login").as_str(),
                "https://cv.example.com/webconsole/api/Login"
            );
        }
        let client = RestClient::builder("http://127.0.0.1:81").build().unwrap();
        assert_eq!(client.url("Login").as_str(), "http://127.0.0.1:81/Login");
        // Nothing in a path can start a query or a fragment.
        assert_eq!(
            client.url("a?b=c#d").as_str(),
            "http://127.0.0.1:81/a%3Fb=c%23d"
        );
        // An OData key segment is kept as written.
        assert_eq!(
            client
                .url("UserGroup/byName(userGroupName='DEV_0012')")
                .as_str(),
            "http://127.0.0.1:81/UserGroup/byName(userGroupName='DEV_0012')"
        );
    }

    #[test]
    fn checks_base_urls() {
        for bad in [
            "not a url",
            "ftp://example.com/x",
            "https://example.com/api?x=1",
            "https://example.com/api#top",
        ] {
            let err = RestClient::builder(bad).build().unwrap_err();
            assert!(
                matches!(err, Error::InvalidEndpoint { .. }),
                "{bad}: {err:?}"
            );
        }
        let client = RestClient::builder("https://example.com/a")
            .build()
            .unwrap();
        let other = client.with_base_url("https://example.com/b/").unwrap();
        assert_eq!(other.base_url().path(), "/b/");
        assert!(Arc::ptr_eq(&client.shared, &other.shared));
    }

    #[test]
    fn encodes_path_segments() {
        assert_eq!(encode_path_segment("A-z_0.9~"), "A-z_0.9~");
        assert_eq!(
            encode_path_segment("O''Brien & co/+%?#"),
            "O%27%27Brien%20%26%20co%2F%2B%25%3F%23"
        );
        assert_eq!(
            encode_path_segment("Ärzte 日本"),
            "%C3%84rzte%20%E6%97%A5%E6%9C%AC"
        );
    }

    #[test]
    fn debug_output_hides_credentials() {
        let builder = RestClient::builder("https://user:pw@example.com/api");
        let shown = format!("{builder:?}");
        assert!(!shown.contains("pw"), "{shown}");
        let client = builder.build().unwrap();
        let shown = format!("{client:?}");
        assert!(!shown.contains("pw"), "{shown}");
    }

    #[test]
    fn reads_only_the_expected_document() {
        const OP: Field = Field::new(None, "Answer");
        let response = |status, content_type: Option<&str>, body: &str| HttpResponse {
            status,
            content_type: content_type.map(str::to_owned),
            body: body.as_bytes().to_vec(),
        };
        let ok: String = read_http_document(
            &response(200, Some("application/xml"), "<Answer>42</Answer>"),
            OP,
        )
        .unwrap();
        assert_eq!(ok, "42");
        let ok: String =
            read_http_document(&response(200, None, "<Answer>7</Answer>"), OP).unwrap();
        assert_eq!(ok, "7");
        let err = read_http_document::<String>(&response(500, None, "<Answer>1</Answer>"), OP)
            .unwrap_err();
        assert!(
            matches!(err, Error::RestStatus { status: 500, .. }),
            "{err:?}"
        );
        let err =
            read_http_document::<String>(&response(200, Some("application/json"), "{\"a\":1}"), OP)
                .unwrap_err();
        assert!(
            matches!(err, Error::RestNotXml { status: 200, .. }),
            "{err:?}"
        );
        let err =
            read_http_document::<String>(&response(200, Some("text/xml"), ""), OP).unwrap_err();
        assert!(matches!(err, Error::RestNotXml { .. }), "{err:?}");
        let err = read_http_document::<String>(&response(200, None, "<Other/>"), OP).unwrap_err();
        assert!(
            matches!(&err, Error::UnexpectedElement { found, .. } if found == "Other"),
            "{err:?}"
        );
        let err = read_http_document::<String>(&response(200, None, "<Answer>1</Answer><x/>"), OP)
            .unwrap_err();
        assert!(matches!(err, Error::Xml(_)), "{err:?}");
    }
    #[test]
    fn refused_documents_are_xml_errors_and_other_bodies_are_not_xml() {
        const OP: Field = Field::new(None, "Answer");
        let response = |body: Vec<u8>| HttpResponse {
            status: 200,
            content_type: Some("application/xml".into()),
            body,
        };
        let utf16: Vec<u8> = std::iter::once(0xFEFF)
            .chain("<Answer>ça</Answer>".encode_utf16())
            .flat_map(u16::to_be_bytes)
            .collect();
        let ok: String = read_http_document(&response(utf16.clone()), OP).unwrap();
        assert_eq!(ok, "ça");
        assert_eq!(read_document::<String>(&utf16, OP).unwrap(), "ça");
        let err = read_http_document::<String>(
            &response(b"<!DOCTYPE Answer [<!ENTITY e \"x\">]><Answer>&e;</Answer>".to_vec()),
            OP,
        )
        .unwrap_err();
        assert!(
            matches!(err, Error::Xml(ReadError::DoctypeForbidden)),
            "{err:?}"
        );
        let err = read_http_document::<String>(
            &response(b"<?xml version=\"1.0\" encoding=\"latin1\"?><Answer>\xE9</Answer>".to_vec()),
            OP,
        )
        .unwrap_err();
        assert!(
            matches!(err, Error::Xml(ReadError::UnsupportedEncoding { .. })),
            "{err:?}"
        );
        let err = read_http_document::<String>(
            &response(b"<!DOCTYPE html><html><body>Sign in</body></html>".to_vec()),
            OP,
        )
        .unwrap_err();
        assert!(matches!(err, Error::RestNotXml { .. }), "{err:?}");
        let err = read_http_document::<String>(&response(b"\x1f\x8b\x08\0gzip".to_vec()), OP)
            .unwrap_err();
        assert!(matches!(err, Error::RestNotXml { .. }), "{err:?}");
    }
}
