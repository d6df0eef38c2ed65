//! The server side (feature `server`): serve SOAP services from the same WSDL the clients come
//! from, and plain HTTP handlers, over HTTP/1.1.
//!
//! `wsclient-build` with `.server(true)` emits, per port type, a trait with one async method
//! per operation (typed request in, typed response or [`ServerFault`] out) and a dispatcher
//! that implements [`SoapHandler`]. [`Server`] routes requests by path to the dispatchers:
//!
//! - `POST` with a SOAP 1.1 (`text/xml`) or SOAP 1.2 (`application/soap+xml`) envelope: the
//!   operation is found by its SOAP action (the `SOAPAction` header, or the `action` parameter
//!   of the 1.2 content type) or, without one, by the element in the `Body`; the answer, or the
//!   fault, is written in the version of the request. Faults are HTTP 500, except SOAP 1.2
//!   `Sender` faults, which are 400. An envelope of the other version than its content type
//!   gets a `VersionMismatch` fault; a body that is not a SOAP envelope, an unknown action or
//!   a request that does not fit the operation's input type a `Client` / `Sender` fault.
//! - `GET ?wsdl`: the WSDL given with [`ServerBuilder::soap_with_wsdl`]; `GET` otherwise: a
//!   page listing the operations.
//!
//! [`RunningServer::shutdown`] stops accepting, lets calls in progress finish, and returns
//! when the connections are closed. Each request is logged at info level (method, path,
//! operation, status), never with its body or header values.

mod http;
mod soap;
pub mod wsdl;

pub use http::{
    HttpHandler, HttpRequest, HttpResponse, RunningServer, Server, ServerBuilder,
    DEFAULT_MAX_REQUEST_BYTES,
};
pub use soap::{
    fault_envelope, BoxFuture, CallContext, FaultCode, OperationSpec, ServerFault, SoapHandler,
    SoapReply, SoapRequest,
};
