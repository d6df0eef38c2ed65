//! The XML-over-HTTP runtime: `POST` an XML document to a path under a base URL and read the XML
//! document that comes back, for services that speak plain XML rather than SOAP (Commvault's
//! REST API, for one).
//!
//! Request and response are types that implement [`ToXml`](crate::xml::ToXml) and
//! [`FromXml`](crate::xml::FromXml), typically generated from an XML Schema with
//! `wsclient-build`'s `.xsd(..)`. An [`XmlOperation`] names the root element of each:
//!
//! ```no_run
//! use wsclient::rest::{RestClient, XmlOperation};
//! use wsclient::xml::Field;
//! # use wsclient::xml::{FromXml, ReadError, Start, ToXml, WriteError, XmlReader, XmlWriter};
//! # struct Ping; struct Pong;
//! # impl ToXml for Ping {
//! #     fn write_content(&self, _: &mut XmlWriter) -> Result<(), WriteError> { Ok(()) }
//! # }
//! # impl FromXml for Pong {
//! #     fn from_xml(r: &mut XmlReader<'_>, s: &Start<'_>) -> Result<Self, ReadError> {
//! #         r.skip(s)?; Ok(Pong)
//! #     }
//! # }
//!
//! const PING: XmlOperation = XmlOperation {
//!     name: "ping",
//!     request: Field::new(None, "PingRequest"),
//!     response: Field::new(None, "PingResponse"),
//! };
//!
//! # async fn run() -> Result<(), wsclient::Error> {
//! let client = RestClient::builder("https://example.com/webconsole/api").build()?;
//! let pong: Pong = client
//!     .post_xml("Ping/1", &PING, &Ping, &Default::default())
//!     .await?;
//! # Ok(()) }
//! ```
//!
//! The outcome of a call, in order of precedence:
//!
//! 1. a status other than 2xx gives [`Error::RestStatus`](crate::Error::RestStatus) (the caller
//!    decides what a 401 means for its service);
//! 2. a body that is not an XML document, or a content type that is not XML, gives
//!    [`Error::RestNotXml`](crate::Error::RestNotXml);
//! 3. an XML document refused before its root element (a `DOCTYPE`, an encoding other than
//!    UTF-8 and UTF-16, a character XML 1.0 does not allow) gives
//!    [`Error::Xml`](crate::Error::Xml);
//! 4. a root element other than the operation's response element gives
//!    [`Error::UnexpectedElement`](crate::Error::UnexpectedElement);
//! 5. otherwise the document is read as the response type
//!    ([`Error::Xml`](crate::Error::Xml) if it does not fit); [`read_document`] does this
//!    step on its own, for bytes obtained some other way.
//!
//! Redirects are not followed: a 3xx answer is
//! [`Error::RestStatus`](crate::Error::RestStatus).
//!
//! The SOAP runtime ([`crate::soap`]) shares this module's HTTP plumbing: the defaults, the
//! checks of URLs and settings, and the reading of response bodies within a size limit.

mod client;
pub(crate) mod http;

pub use client::{encode_path_segment, read_document, RestClient, RestClientBuilder, XmlOperation};
pub use http::{
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT, DEFAULT_USER_AGENT,
};
