//! The error type of every client call.

use std::fmt::Write as _;

use crate::soap::Fault;
use crate::xml::{ReadError, WriteError};

/// How many bytes of a response body are kept in [`Error::Http`], [`Error::NotXml`],
/// [`Error::RestStatus`] and [`Error::RestNotXml`].
const BODY_START_LEN: usize = 512;

/// Why a call failed.
///
/// Messages describe the problem for a person; they never include the request body, header
/// values or credentials. The response body appears only as its first 512 bytes, in
/// [`Error::Http`], [`Error::NotXml`], [`Error::RestStatus`] and [`Error::RestNotXml`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The endpoint URL given to the client is not usable.
    #[error("invalid endpoint URL: {reason}")]
    InvalidEndpoint {
        /// What is wrong with it.
        reason: String,
    },

    /// A client setting is not usable.
    #[error("invalid client setting: {reason}")]
    InvalidConfig {
        /// What is wrong with it.
        reason: String,
    },

    /// The operation's SOAP action cannot be sent in an HTTP header.
    #[error(
        "the SOAP action of operation `{operation}` holds characters an HTTP header cannot carry"
    )]
    InvalidSoapAction {
        /// The operation.
        operation: &'static str,
    },

    /// A one-way operation was called as a request-response one.
    #[error("operation `{operation}` is one-way: it has no response to read (use `call_one_way`)")]
    OneWay {
        /// The operation.
        operation: &'static str,
    },

    /// The HTTP exchange failed: the connection could not be made, or broke.
    #[error("{}", transport_message(.0))]
    Transport(#[source] reqwest::Error),

    /// The call did not complete within the configured connect or total timeout.
    #[error(
        "the call timed out: the service did not answer completely within the configured timeout"
    )]
    Timeout,

    /// The service answered with an HTTP status other than 2xx, and no SOAP fault.
    #[error("{}", response_message(*.status, Some("no SOAP fault"), .content_type.as_deref(), .body_start))]
    Http {
        /// The HTTP status.
        status: u16,
        /// The response's `Content-Type`, if any.
        content_type: Option<String>,
        /// The first 512 bytes of the response body, decoded leniently as UTF-8.
        body_start: String,
    },

    /// The service answered with something other than a SOAP envelope (an HTML error page,
    /// an empty body, or a non-XML content type).
    #[error("{}", response_message(*.status, Some("no SOAP envelope"), .content_type.as_deref(), .body_start))]
    NotXml {
        /// The HTTP status.
        status: u16,
        /// The response's `Content-Type`, if any.
        content_type: Option<String>,
        /// The first 512 bytes of the response body, decoded leniently as UTF-8.
        body_start: String,
    },

    /// The service answered with a SOAP fault.
    #[error("{}", fault_message(.0))]
    Fault(Box<Fault>),

    /// The response is not readable as the expected type.
    #[error("the response could not be read: {0}")]
    Xml(#[from] ReadError),

    /// The request could not be written, so nothing was sent.
    #[error("the request was not sent: {0}")]
    Write(#[from] WriteError),

    /// The response body is larger than the client accepts.
    #[error("the response body is larger than the limit of {limit} bytes; the call was abandoned")]
    BodyTooLarge {
        /// The limit in force, in bytes.
        limit: usize,
    },

    /// The SOAP envelope holds another element than the one expected.
    #[error("the response holds {found} where {expected} was expected")]
    UnexpectedElement {
        /// What was expected.
        expected: String,
        /// The element found, as `{namespace}local`.
        found: String,
    },

    /// The SOAP `Body` of the response is empty.
    #[error("the response has an empty SOAP Body where {expected} was expected")]
    EmptyBody {
        /// The element that was expected.
        expected: String,
    },

    /// An XML-over-HTTP call ([`crate::rest`]) was answered with an HTTP status other than 2xx.
    #[error("{}", response_message(*.status, None, .content_type.as_deref(), .body_start))]
    RestStatus {
        /// The HTTP status.
        status: u16,
        /// The response's `Content-Type`, if any.
        content_type: Option<String>,
        /// The first 512 bytes of the response body, decoded leniently as UTF-8.
        body_start: String,
    },

    /// An XML-over-HTTP call ([`crate::rest`]) was answered with a 2xx status but something
    /// other than an XML document (an HTML page, an empty body, or a non-XML content type).
    #[error("{}", response_message(*.status, Some("no XML document"), .content_type.as_deref(), .body_start))]
    RestNotXml {
        /// The HTTP status.
        status: u16,
        /// The response's `Content-Type`, if any.
        content_type: Option<String>,
        /// The first 512 bytes of the response body, decoded leniently as UTF-8.
        body_start: String,
    },
}

impl Error {
    /// The SOAP fault, if the service answered with one.
    pub fn fault(&self) -> Option<&Fault> {
        match self {
            Error::Fault(f) => Some(f),
            _ => None,
        }
    }

    /// The HTTP status of the response, when the failure came with one.
    pub fn http_status(&self) -> Option<u16> {
        match self {
            Error::Http { status, .. }
            | Error::NotXml { status, .. }
            | Error::RestStatus { status, .. }
            | Error::RestNotXml { status, .. } => Some(*status),
            Error::Fault(f) => f.http_status,
            _ => None,
        }
    }

    /// The error with every occurrence of each (non-empty) secret replaced by `<redacted>` in
    /// the texts that came from the service (fault reason and detail, the start of a body), for
    /// a service that echoes a password or token back in its error.
    pub(crate) fn redact(mut self, secrets: &[&str]) -> Self {
        let scrub = |text: &mut String| {
            for secret in secrets.iter().filter(|s| !s.is_empty()) {
                if text.contains(secret) {
                    *text = text.replace(secret, "<redacted>");
                }
            }
        };
        match &mut self {
            Error::Fault(fault) => {
                scrub(&mut fault.reason);
                if let Some(detail) = fault.detail.as_mut() {
                    scrub(&mut detail.0);
                }
            }
            Error::Http { body_start, .. }
            | Error::NotXml { body_start, .. }
            | Error::RestStatus { body_start, .. }
            | Error::RestNotXml { body_start, .. } => scrub(body_start),
            _ => {}
        }
        self
    }

    /// Whether the call timed out.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout)
    }

    /// Maps a `reqwest` error: timeouts to [`Error::Timeout`], the rest to
    /// [`Error::Transport`] with any password and query removed from the URL it carries.
    pub(crate) fn from_reqwest(mut e: reqwest::Error) -> Self {
        if e.is_timeout() {
            return Error::Timeout;
        }
        if let Some(url) = e.url_mut() {
            redact_url(url);
        }
        Error::Transport(e)
    }

    /// Builds [`Error::Http`] or [`Error::NotXml`] from a response.
    pub(crate) fn from_response(
        status: u16,
        content_type: Option<String>,
        body: &[u8],
        is_xml_problem: bool,
    ) -> Self {
        let body_start = body_start(body);
        if is_xml_problem {
            Error::NotXml {
                status,
                content_type,
                body_start,
            }
        } else {
            Error::Http {
                status,
                content_type,
                body_start,
            }
        }
    }
}

impl Error {
    /// Builds [`Error::RestStatus`] or [`Error::RestNotXml`] from a response.
    pub(crate) fn from_rest_response(
        status: u16,
        content_type: Option<String>,
        body: &[u8],
        is_xml_problem: bool,
    ) -> Self {
        let body_start = body_start(body);
        if is_xml_problem {
            Error::RestNotXml {
                status,
                content_type,
                body_start,
            }
        } else {
            Error::RestStatus {
                status,
                content_type,
                body_start,
            }
        }
    }

    /// A short name of the kind of failure, for logs (never the message, which may quote the
    /// response).
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Error::InvalidEndpoint { .. } => "invalid endpoint",
            Error::InvalidConfig { .. } => "invalid setting",
            Error::InvalidSoapAction { .. } => "invalid SOAP action",
            Error::OneWay { .. } => "one-way operation called for a response",
            Error::Transport(_) => "transport",
            Error::Timeout => "timeout",
            Error::Http { .. } | Error::RestStatus { .. } => "HTTP status",
            Error::NotXml { .. } => "not a SOAP envelope",
            Error::RestNotXml { .. } => "not an XML document",
            Error::Fault(_) => "SOAP fault",
            Error::Xml(_) => "unreadable response",
            Error::Write(_) => "request not writable",
            Error::BodyTooLarge { .. } => "response too large",
            Error::UnexpectedElement { .. } => "unexpected element",
            Error::EmptyBody { .. } => "empty SOAP Body",
        }
    }
}

/// Removes what may be a secret from a URL before it appears in a message: the password and the
/// query.
pub(crate) fn redact_url(url: &mut url::Url) {
    if url.password().is_some() {
        let _ = url.set_password(None);
    }
    if url.query().is_some() {
        url.set_query(None);
    }
}

/// The first [`BODY_START_LEN`] bytes of `body`, as text, cut on a character boundary.
fn body_start(body: &[u8]) -> String {
    let mut head = &body[..body.len().min(BODY_START_LEN)];
    if head.len() < body.len() {
        // Do not leave half a character at the cut.
        if let Err(e) = std::str::from_utf8(head) {
            if e.error_len().is_none() {
                head = &head[..e.valid_up_to()];
            }
        }
    }
    String::from_utf8_lossy(head).into_owned()
}

fn transport_message(e: &reqwest::Error) -> String {
    let what = if e.is_connect() {
        "could not connect to the service"
    } else if e.is_builder() {
        "the HTTP request could not be built"
    } else if e.is_body() || e.is_decode() {
        "the connection failed while the response was being read"
    } else if e.is_redirect() {
        "the service redirected the request in a way that could not be followed"
    } else {
        "the HTTP request failed"
    };
    // The innermost cause says what actually happened ("Connection refused", a TLS problem);
    // the outer layers of a reqwest error repeat the URL and add little.
    let mut root: &dyn std::error::Error = e;
    while let Some(next) = root.source() {
        root = next;
    }
    if std::ptr::addr_eq(root, e as &dyn std::error::Error) {
        what.to_owned()
    } else {
        format!("{what}: {root}")
    }
}

fn response_message(
    status: u16,
    missing: Option<&str>,
    content_type: Option<&str>,
    body_start: &str,
) -> String {
    let mut m = format!("the service answered with HTTP status {status}");
    if let Some(missing) = missing {
        let _ = write!(m, " and {missing}");
    }
    match content_type {
        Some(ct) => {
            let _ = write!(m, " (content type `{ct}`)");
        }
        None => m.push_str(" (no content type)"),
    }
    let trimmed = body_start.trim();
    if trimmed.is_empty() {
        m.push_str("; the body is empty");
    } else {
        let _ = write!(m, "; the body starts with: {trimmed}");
    }
    m
}

fn fault_message(fault: &Fault) -> String {
    match fault.http_status {
        Some(status) => format!("the service answered with a {fault} (HTTP status {status})"),
        None => format!("the service answered with a {fault}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_is_send_and_sync() {
        fn check<T: Send + Sync + 'static>() {}
        check::<Error>();
    }

    #[test]
    fn body_start_is_cut_on_a_character_boundary() {
        let body = "é".repeat(400); // 800 bytes
        let start = body_start(body.as_bytes());
        assert_eq!(start, "é".repeat(256));
        let body = format!("a{}", "é".repeat(400)); // the cut falls inside a character
        let start = body_start(body.as_bytes());
        assert_eq!(start, format!("a{}", "é".repeat(255)));
        assert_eq!(body_start(b"short"), "short");
    }

    #[test]
    fn messages_are_readable() {
        let e = Error::from_response(
            500,
            Some("text/html".into()),
            b"<html>Server Error</html>",
            false,
        );
        assert_eq!(
            e.to_string(),
            "the service answered with HTTP status 500 and no SOAP fault (content type `text/html`); the body starts with: <html>Server Error</html>"
        );
        assert_eq!(e.http_status(), Some(500));
        let e = Error::from_response(200, None, b"", true);
        assert_eq!(
            e.to_string(),
            "the service answered with HTTP status 200 and no SOAP envelope (no content type); the body is empty"
        );
    }

    #[test]
    fn rest_messages_are_readable() {
        let e = Error::from_rest_response(
            503,
            Some("text/html".into()),
            b"<html>Unavailable</html>",
            false,
        );
        assert_eq!(
            e.to_string(),
            "the service answered with HTTP status 503 (content type `text/html`); the body starts with: <html>Unavailable</html>"
        );
        assert_eq!(e.http_status(), Some(503));
        assert_eq!(e.kind(), "HTTP status");
        let e = Error::from_rest_response(200, Some("application/json".into()), b"{}", true);
        assert_eq!(
            e.to_string(),
            "the service answered with HTTP status 200 and no XML document (content type `application/json`); the body starts with: {}"
        );
        assert_eq!(e.http_status(), Some(200));
    }

    #[test]
    fn urls_lose_passwords_and_queries() {
        let mut url = url::Url::parse("https://user:pw@example.com/ws.asmx?token=secret").unwrap();
        redact_url(&mut url);
        assert_eq!(url.as_str(), "https://user@example.com/ws.asmx");
    }
}
