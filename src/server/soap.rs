//! The SOAP side of the server: what generated dispatchers implement ([`SoapHandler`]) and
//! use ([`SoapRequest`], [`CallContext`], [`ServerFault`]), and the dispatch of one HTTP request
//! to an operation, with faults written as each SOAP version requires.

use std::fmt;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;

use hyper::header::{HeaderName, HeaderValue, CONTENT_TYPE};
use hyper::HeaderMap;

use crate::soap::{write_request, SoapVersion, SOAP11_ENVELOPE_NS, SOAP12_ENVELOPE_NS};
use crate::xml::{decode_document, Field, FromXml, RawXml, ReadError, Start, ToXml, XmlReader};

/// A boxed future, as [`SoapHandler::call`] returns.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// One operation of one binding, as a generated dispatcher lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationSpec {
    /// The operation name.
    pub name: &'static str,
    /// The binding's SOAP action for it (may be empty).
    pub soap_action: &'static str,
    /// The binding's SOAP version.
    pub version: SoapVersion,
    /// The request element.
    pub input: Field,
    /// The response element; `None` for a one-way operation.
    pub output: Option<Field>,
    /// Which method of the service trait serves it (passed back to [`SoapHandler::call`]).
    pub method: usize,
}

/// A service that the server can route SOAP requests to: what the generated dispatchers
/// implement.
pub trait SoapHandler: Send + Sync + 'static {
    /// The operations served, for every binding.
    fn operations(&self) -> &'static [OperationSpec];

    /// Serves one call of the method `method` (an [`OperationSpec::method`]).
    fn call<'a>(
        &'a self,
        method: usize,
        call: SoapRequest<'a>,
        context: &'a mut CallContext,
    ) -> BoxFuture<'a, Result<SoapReply, ServerFault>>;
}

/// The standard fault codes a service answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FaultCode {
    /// The request was wrong: `Client` in SOAP 1.1, `Sender` in SOAP 1.2 (HTTP 400 in 1.2).
    Client,
    /// The service failed: `Server` in SOAP 1.1, `Receiver` in SOAP 1.2.
    Server,
    /// The envelope is of a SOAP version the endpoint does not speak.
    VersionMismatch,
}

/// A fault a service answers with; the dispatcher writes it in the SOAP version of the
/// request (`faultcode`/`faultstring`/`detail` in 1.1, `Code`/`Reason`/`Detail` in 1.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerFault {
    /// The standard code.
    pub code: FaultCode,
    /// The text for a person (`faultstring`, `Reason/Text`).
    pub reason: String,
    /// Inner markup of `detail` / `Detail`, written as is.
    pub detail: Option<RawXml>,
}

impl ServerFault {
    /// A fault because the request was wrong.
    pub fn client(reason: impl Into<String>) -> Self {
        Self {
            code: FaultCode::Client,
            reason: reason.into(),
            detail: None,
        }
    }

    /// A fault because the service failed (ASP.NET services answer every exception so).
    pub fn server(reason: impl Into<String>) -> Self {
        Self {
            code: FaultCode::Server,
            reason: reason.into(),
            detail: None,
        }
    }

    /// The same fault with a detail (inner markup, written as is).
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(RawXml(detail.into()));
        self
    }
}

impl fmt::Display for ServerFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} fault: {}", self.code, self.reason)
    }
}

impl std::error::Error for ServerFault {}

/// What a service method may look at and set besides its request: the HTTP request's
/// headers, cookies and peer, and headers to add to the answer (such as `Set-Cookie`).
///
/// Its `Debug` output shows header names only, never their values (cookies and tokens).
pub struct CallContext {
    version: SoapVersion,
    operation: &'static str,
    headers: HeaderMap,
    peer: Option<SocketAddr>,
    response_headers: Vec<(HeaderName, HeaderValue)>,
}

/// The names of the headers, without their values.
fn header_names(headers: &HeaderMap) -> Vec<&str> {
    headers.keys().map(HeaderName::as_str).collect()
}

impl fmt::Debug for CallContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallContext")
            .field("version", &self.version)
            .field("operation", &self.operation)
            .field("headers", &header_names(&self.headers))
            .field("peer", &self.peer)
            .field(
                "response_headers",
                &self
                    .response_headers
                    .iter()
                    .map(|(n, _)| n.as_str())
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl CallContext {
    /// A context for a call made outside HTTP (for calling a service method directly, in tests).
    pub fn new(version: SoapVersion, operation: &'static str) -> Self {
        Self {
            version,
            operation,
            headers: HeaderMap::new(),
            peer: None,
            response_headers: Vec::new(),
        }
    }

    /// The same context with these request headers.
    pub fn with_headers(mut self, headers: HeaderMap) -> Self {
        self.headers = headers;
        self
    }

    /// The same context with this peer address.
    pub fn with_peer(mut self, peer: SocketAddr) -> Self {
        self.peer = Some(peer);
        self
    }

    /// The SOAP version of the request.
    pub fn soap_version(&self) -> SoapVersion {
        self.version
    }

    /// The operation being served.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The request's headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The first value of the request header `name`, if it is text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The value of the cookie `name` sent with the request.
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.headers
            .get_all(hyper::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|h| h.split(';'))
            .find_map(|pair| {
                let (k, v) = pair.split_once('=')?;
                (k.trim() == name).then(|| v.trim())
            })
    }

    /// The address of the peer, when the call came over a connection.
    pub fn peer(&self) -> Option<SocketAddr> {
        self.peer
    }

    /// Adds a header to the answer (faults included).
    pub fn add_response_header(&mut self, name: HeaderName, value: HeaderValue) {
        self.response_headers.push((name, value));
    }

    /// Sets a cookie on the answer: `name=value; path=/; HttpOnly`. A value that cannot be
    /// sent in a header is left out.
    pub fn set_cookie(&mut self, name: &str, value: &str) {
        if let Ok(v) = HeaderValue::from_str(&format!("{name}={value}; path=/; HttpOnly")) {
            let mut v = v;
            v.set_sensitive(true);
            self.add_response_header(hyper::header::SET_COOKIE, v);
        }
    }

    /// The headers added with [`CallContext::add_response_header`].
    pub fn response_headers(&self) -> &[(HeaderName, HeaderValue)] {
        &self.response_headers
    }
}

/// The request of one call, ready to be read as the operation's input type. Its `Debug`
/// output leaves the document out (it may hold passwords).
#[derive(Clone, Copy)]
pub struct SoapRequest<'a> {
    document: &'a str,
    spec: &'static OperationSpec,
    version: SoapVersion,
}

impl fmt::Debug for SoapRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SoapRequest")
            .field("operation", &self.spec.name)
            .field("version", &self.version)
            .field("bytes", &self.document.len())
            .finish()
    }
}

impl<'a> SoapRequest<'a> {
    /// A request for `spec`, from a whole envelope (for calling a dispatcher directly).
    pub fn new(document: &'a str, spec: &'static OperationSpec, version: SoapVersion) -> Self {
        Self {
            document,
            spec,
            version,
        }
    }

    /// The operation called.
    pub fn spec(&self) -> &'static OperationSpec {
        self.spec
    }

    /// Reads the element in the `Body` as `T`; a request that does not fit is a client fault.
    pub fn read<T: FromXml>(&self) -> Result<T, ServerFault> {
        let mut reader = XmlReader::new(self.document.as_bytes());
        let start = match first_in_body(&mut reader) {
            Ok(Some(start)) => start,
            Ok(None) => return Err(ServerFault::client("the SOAP Body is empty")),
            Err(e) => return Err(unreadable(&e)),
        };
        T::from_xml(&mut reader, &start).map_err(|e| unreadable(&e))
    }

    /// The answer: `value` as the operation's output element, in the request's version.
    pub fn reply<T: ToXml + ?Sized>(&self, value: &T) -> Result<SoapReply, ServerFault> {
        let Some(output) = self.spec.output else {
            return self.reply_empty();
        };
        let body = write_request(self.version, output, value, &[]).map_err(|e| {
            ServerFault::server(format!("the answer could not be written as XML: {e}"))
        })?;
        Ok(SoapReply {
            status: 200,
            version: self.version,
            body,
        })
    }

    /// The answer to a one-way operation: HTTP 202, no body.
    pub fn reply_empty(&self) -> Result<SoapReply, ServerFault> {
        Ok(SoapReply {
            status: 202,
            version: self.version,
            body: Vec::new(),
        })
    }
}

fn unreadable(e: &ReadError) -> ServerFault {
    ServerFault::client(format!("the request could not be read: {e}"))
}

/// A written answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SoapReply {
    /// The HTTP status.
    pub status: u16,
    /// The SOAP version it is written in.
    pub version: SoapVersion,
    /// The body (an envelope, or empty).
    pub body: Vec<u8>,
}

impl SoapReply {
    /// The fault as an answer in `version`: HTTP 500, or 400 for a SOAP 1.2 `Sender` fault.
    pub fn fault(version: SoapVersion, fault: &ServerFault) -> Self {
        let status = match (version, fault.code) {
            (SoapVersion::V12, FaultCode::Client | FaultCode::VersionMismatch) => 400,
            _ => 500,
        };
        Self {
            status,
            version,
            body: fault_envelope(version, fault),
        }
    }

    /// The `Content-Type` of the answer.
    pub fn content_type(&self) -> &'static str {
        match self.version {
            SoapVersion::V11 => "text/xml; charset=utf-8",
            SoapVersion::V12 => "application/soap+xml; charset=utf-8",
        }
    }
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            // Characters XML 1.0 cannot carry are dropped from fault texts.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            '\u{FFFE}' | '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// A fault envelope, the way ASP.NET writes it.
pub fn fault_envelope(version: SoapVersion, fault: &ServerFault) -> Vec<u8> {
    let reason = escape(&fault.reason);
    let body = match version {
        SoapVersion::V11 => {
            let code = match fault.code {
                FaultCode::Client => "soap:Client",
                FaultCode::Server => "soap:Server",
                FaultCode::VersionMismatch => "soap:VersionMismatch",
            };
            let detail = fault
                .detail
                .as_ref()
                .map(|d| format!("<detail>{}</detail>", d.as_str()))
                .unwrap_or_else(|| "<detail />".to_owned());
            format!(
                "<soap:Fault><faultcode>{code}</faultcode><faultstring>{reason}</faultstring>{detail}</soap:Fault>"
            )
        }
        SoapVersion::V12 => {
            let code = match fault.code {
                FaultCode::Client => "soap:Sender",
                FaultCode::Server => "soap:Receiver",
                FaultCode::VersionMismatch => "soap:VersionMismatch",
            };
            let detail = fault
                .detail
                .as_ref()
                .map(|d| format!("<soap:Detail>{}</soap:Detail>", d.as_str()))
                .unwrap_or_default();
            format!(
                "<soap:Fault><soap:Code><soap:Value>{code}</soap:Value></soap:Code><soap:Reason><soap:Text xml:lang=\"en\">{reason}</soap:Text></soap:Reason>{detail}</soap:Fault>"
            )
        }
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><soap:Envelope xmlns:soap=\"{}\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\"><soap:Body>{body}</soap:Body></soap:Envelope>",
        version.envelope_ns()
    )
    .into_bytes()
}

/// Skips to the `Body` of the envelope and returns its first element.
fn first_in_body<'a>(reader: &mut XmlReader<'a>) -> Result<Option<Start<'a>>, ReadError> {
    let root = reader.root()?;
    if !(reader.is(&root, Some(SOAP11_ENVELOPE_NS), "Envelope")
        || reader.is(&root, Some(SOAP12_ENVELOPE_NS), "Envelope"))
    {
        return Err(ReadError::Invalid(format!(
            "the document is not a SOAP envelope (its root is {})",
            reader.name_of(&root)
        )));
    }
    while let Some(child) = reader.next_element(&root)? {
        if reader.is(&child, Some(SOAP11_ENVELOPE_NS), "Body")
            || reader.is(&child, Some(SOAP12_ENVELOPE_NS), "Body")
        {
            return reader.next_element(&child);
        }
        reader.skip(&child)?;
    }
    Err(ReadError::Invalid("the SOAP envelope has no Body".into()))
}

/// What the request's envelope says: its version and the element in its `Body`.
struct Probe {
    version: SoapVersion,
    body_element: Option<(Option<String>, String)>,
}

fn probe(document: &str) -> Result<Probe, ReadError> {
    let mut reader = XmlReader::new(document.as_bytes());
    let root = reader.root()?;
    let version = if reader.is(&root, Some(SOAP11_ENVELOPE_NS), "Envelope") {
        SoapVersion::V11
    } else if reader.is(&root, Some(SOAP12_ENVELOPE_NS), "Envelope") {
        SoapVersion::V12
    } else {
        return Err(ReadError::Invalid(format!(
            "the document is not a SOAP envelope (its root is {})",
            reader.name_of(&root)
        )));
    };
    let mut reader = XmlReader::new(document.as_bytes());
    let first = first_in_body(&mut reader)?;
    let body_element = first.map(|start| {
        let name = reader.name_of(&start);
        // `{ns}local` or `local`.
        match name.strip_prefix('{').and_then(|rest| rest.split_once('}')) {
            Some((ns, local)) => (Some(ns.to_owned()), local.to_owned()),
            None => (None, name),
        }
    });
    Ok(Probe {
        version,
        body_element,
    })
}

/// The SOAP version a `Content-Type` announces, and the `action` parameter of a SOAP 1.2 one.
pub(crate) fn media_version(content_type: &str) -> Option<(SoapVersion, Option<String>)> {
    let mut parts = content_type.split(';');
    let media = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
    let version = match media.as_str() {
        "text/xml" => SoapVersion::V11,
        "application/soap+xml" => SoapVersion::V12,
        _ => return None,
    };
    let action = parts.find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("action")
            .then(|| v.trim().trim_matches('"').to_owned())
    });
    Some((version, action))
}

/// What the server answers to one SOAP request.
pub(crate) struct Answer {
    pub(crate) reply: SoapReply,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    /// The operation, when one was found (for logs).
    pub(crate) operation: Option<&'static str>,
}

/// Serves one POSTed SOAP request with `handler`.
pub(crate) async fn dispatch(
    handler: &dyn SoapHandler,
    headers: HeaderMap,
    peer: Option<SocketAddr>,
    body: &[u8],
) -> Answer {
    let declared = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(media_version);
    let fallback = declared
        .as_ref()
        .map(|(v, _)| *v)
        .unwrap_or(SoapVersion::V11);
    let fail = |version: SoapVersion, fault: ServerFault| Answer {
        reply: SoapReply::fault(version, &fault),
        headers: Vec::new(),
        operation: None,
    };
    let Some((media, action_param)) = declared else {
        return fail(
            fallback,
            ServerFault::client(
                "the Content-Type must be text/xml (SOAP 1.1) or application/soap+xml (SOAP 1.2)",
            ),
        );
    };
    let document = match decode_document(body) {
        Ok(d) => d,
        Err(e) => return fail(media, unreadable(&e)),
    };
    let probe = match probe(&document) {
        Ok(p) => p,
        Err(e) => return fail(media, unreadable(&e)),
    };
    let version = probe.version;
    if version != media {
        return fail(
            media,
            ServerFault {
                code: FaultCode::VersionMismatch,
                reason: format!("the envelope is {version} but the Content-Type announces {media}"),
                detail: None,
            },
        );
    }
    let action = match version {
        SoapVersion::V11 => headers
            .get("soapaction")
            .and_then(|v| v.to_str().ok())
            .map(|a| a.trim().trim_matches('"').to_owned()),
        SoapVersion::V12 => action_param,
    }
    .filter(|a| !a.is_empty());
    let specs = handler.operations();
    let candidates: Vec<&'static OperationSpec> =
        specs.iter().filter(|s| s.version == version).collect();
    if candidates.is_empty() {
        return fail(
            version,
            ServerFault::client(format!("this endpoint does not speak {version}")),
        );
    }
    let spec = match &action {
        Some(action) => match candidates.iter().find(|s| s.soap_action == action) {
            Some(s) => *s,
            None => {
                return fail(
                    version,
                    ServerFault::client(format!(
                        "Server did not recognize the value of HTTP Header SOAPAction: {action}."
                    )),
                )
            }
        },
        None => {
            let Some((ns, local)) = &probe.body_element else {
                return fail(version, ServerFault::client("the SOAP Body is empty"));
            };
            match candidates
                .iter()
                .find(|s| s.input.name == local && s.input.ns == ns.as_deref())
            {
                Some(s) => *s,
                None => {
                    return fail(
                        version,
                        ServerFault::client(format!(
                            "no operation takes the element {}",
                            describe(ns.as_deref(), local)
                        )),
                    )
                }
            }
        }
    };
    // The element must be the operation's input, whatever chose the operation.
    match &probe.body_element {
        Some((ns, local)) if spec.input.name == local && spec.input.ns == ns.as_deref() => {}
        Some((ns, local)) => {
            return fail(
                version,
                ServerFault::client(format!(
                    "operation {} takes the element {}, not {}",
                    spec.name,
                    describe(spec.input.ns, spec.input.name),
                    describe(ns.as_deref(), local)
                )),
            )
        }
        None => return fail(version, ServerFault::client("the SOAP Body is empty")),
    }
    let mut context = CallContext {
        version,
        operation: spec.name,
        headers,
        peer,
        response_headers: Vec::new(),
    };
    let request = SoapRequest::new(&document, spec, version);
    let result = handler.call(spec.method, request, &mut context).await;
    let reply = match result {
        Ok(reply) => reply,
        Err(fault) => SoapReply::fault(version, &fault),
    };
    Answer {
        reply,
        headers: context.response_headers,
        operation: Some(spec.name),
    }
}

fn describe(ns: Option<&str>, local: &str) -> String {
    match ns {
        Some(ns) if !ns.is_empty() => format!("`{{{ns}}}{local}`"),
        _ => format!("`{local}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types() {
        assert_eq!(
            media_version("text/xml; charset=utf-8"),
            Some((SoapVersion::V11, None))
        );
        assert_eq!(
            media_version("application/soap+xml; charset=utf-8; action=\"urn:a\""),
            Some((SoapVersion::V12, Some("urn:a".into())))
        );
        assert_eq!(media_version("application/json"), None);
    }

    #[test]
    fn fault_envelopes_are_read_back_by_the_client_runtime() {
        let fault = ServerFault::client("bad <input>").with_detail("<e>1</e>");
        for version in [SoapVersion::V11, SoapVersion::V12] {
            let bytes = fault_envelope(version, &fault);
            let err = crate::soap::check_response(&bytes).unwrap_err();
            let crate::Error::Fault(read) = err else {
                panic!("not a fault: {err:?}")
            };
            assert_eq!(read.version, version);
            assert!(read.is_client_fault());
            assert_eq!(read.reason, "bad <input>");
            assert_eq!(read.detail, Some(RawXml("<e>1</e>".into())));
        }
        assert_eq!(SoapReply::fault(SoapVersion::V12, &fault).status, 400);
        assert_eq!(SoapReply::fault(SoapVersion::V11, &fault).status, 500);
    }
}
