//! The SOAP runtime that generated clients call: envelopes, faults and the HTTP client.
//!
//! A generated client describes each WSDL operation with a `const` [`Operation`] and calls
//! [`SoapClient::call`] with a request value that implements [`ToXml`](crate::xml::ToXml); the
//! answer is read with [`FromXml`](crate::xml::FromXml):
//!
//! ```no_run
//! use wsclient::soap::{Operation, SoapClient, SoapVersion};
//! use wsclient::xml::Field;
//! # use wsclient::xml::{FromXml, ReadError, Start, ToXml, WriteError, XmlReader, XmlWriter};
//! # struct GetGroup; struct GetGroupResponse;
//! # impl ToXml for GetGroup {
//! #     fn write_content(&self, _: &mut XmlWriter) -> Result<(), WriteError> { Ok(()) }
//! # }
//! # impl FromXml for GetGroupResponse {
//! #     fn from_xml(r: &mut XmlReader<'_>, s: &Start<'_>) -> Result<Self, ReadError> {
//! #         r.skip(s)?; Ok(GetGroupResponse)
//! #     }
//! # }
//!
//! const NS: &str = "https://example.com/API/";
//! const GET_GROUP: Operation = Operation {
//!     name: "getGroup",
//!     soap_action: "https://example.com/API/getGroup",
//!     version: SoapVersion::V11,
//!     input: Field::new(Some(NS), "getGroup"),
//!     output: Some(Field::new(Some(NS), "getGroupResponse")),
//! };
//!
//! # async fn run() -> Result<(), wsclient::Error> {
//! let client = SoapClient::builder("https://example.com/API/API.asmx").build()?;
//! let response: GetGroupResponse = client.call(&GET_GROUP, &GetGroup).await?;
//! # Ok(()) }
//! ```
//!
//! The outcome of a call, in order of precedence:
//!
//! 1. a response body that is a SOAP envelope holding a fault gives [`Error::Fault`](crate::Error::Fault),
//!    whatever the HTTP status;
//! 2. any other non-2xx status gives [`Error::Http`](crate::Error::Http);
//! 3. a body that is not a SOAP envelope, or a non-XML content type, gives
//!    [`Error::NotXml`](crate::Error::NotXml);
//! 4. an XML document refused before its root element (a `DOCTYPE`, an encoding other than
//!    UTF-8 and UTF-16, a character XML 1.0 does not allow) gives
//!    [`Error::Xml`](crate::Error::Xml);
//! 5. otherwise the `Body` must hold exactly the operation's output element, read as the
//!    response type.
//!
//! Redirects are not followed (a `POST` redirected with 301, 302 or 303 would be replayed as a
//! `GET`, without its body): a 3xx answer is [`Error::Http`](crate::Error::Http), and its
//! `Location` is not visited.

mod client;
mod cookies;
mod envelope;
mod fault;
mod version;

pub use client::{
    SoapClient, SoapClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_TIMEOUT, DEFAULT_USER_AGENT,
};
pub use cookies::CookieJar;
pub use envelope::{check_response, read_response, write_request, XSD_NS};
pub use fault::Fault;
pub use version::{SoapVersion, SOAP11_ENVELOPE_NS, SOAP12_ENVELOPE_NS};

use crate::xml::Field;

/// One WSDL operation on one binding: what to send and what to expect back.
///
/// Generated code declares one `const` per operation and binding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// The operation name, for tracing and messages.
    pub name: &'static str,
    /// The SOAP action (`soapAction` of the binding operation); may be empty.
    pub soap_action: &'static str,
    /// The SOAP version of the binding.
    pub version: SoapVersion,
    /// The request element written in the `Body`.
    pub input: Field,
    /// The response element expected in the `Body`; `None` for a one-way operation.
    pub output: Option<Field>,
}
