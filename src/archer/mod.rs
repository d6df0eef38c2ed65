//! RSA Archer web services (`general.asmx`, `accesscontrol.asmx`, SOAP 1.1 and 1.2).
//!
//! [`general`] and [`access_control`] hold what is generated from
//! `wsdl/archer/general.asmx.wsdl` and `wsdl/archer/accesscontrol.asmx.wsdl`: a request and a
//! response type per method, and the port clients `GeneralSoap`/`GeneralSoap12` and
//! `AccesscontrolSoap`/`AccesscontrolSoap12`. [`results`] holds the types generated from
//! `wsdl/archer/accesscontrol-results.xsd` for the XML that `LookupGroup`, `GetGroups` and
//! `GetGroupInformation` return inside a string.
//!
//! The WSDLs carry the vendor's sample address (`http://staging/archer/ws/...`) as a
//! placeholder, because the host and path prefix differ per installation; the generated
//! `DEFAULT_ENDPOINT` constants are that placeholder, and [`ArcherClient::builder`] takes the
//! installation's base URL instead.
//!
//! [`ArcherClient`] adds the session on top: it logs in once, sends the `sessionToken` with
//! every call, and ends the session on request. A SOAP fault (Archer's way of reporting every
//! failure) becomes an [`ArcherError::Fault`] that keeps the fault's text and detail.
//!
//! ```no_run
//! # async fn run() -> Result<(), wsclient::archer::ArcherError> {
//! use wsclient::archer::ArcherClient;
//!
//! let client = ArcherClient::builder("https://grc.example.com/RSAarcher").build()?;
//! client.login("apiuser", "Production", "secret").await?;
//! let groups = client.lookup_group("Risk Managers").await?;
//! for group in &groups.group {
//!     client.update_group(group.id, "Risk Management").await?;
//! }
//! client.terminate_session().await?;
//! # Ok(()) }
//! ```

/// Types and port clients generated from `wsdl/archer/general.asmx.wsdl` (the session methods).
pub mod general {
    crate::include_generated!("archer_general");
}

/// Types and port clients generated from `wsdl/archer/accesscontrol.asmx.wsdl` (groups and
/// user lookups).
pub mod access_control {
    crate::include_generated!("archer_access_control");
}

/// Types generated from `wsdl/archer/accesscontrol-results.xsd`: the XML documents returned
/// inside the string results of `LookupGroup`, `GetGroups` (both [`GroupList`](results::GroupList))
/// and `GetGroupInformation` ([`GroupInformation`](results::GroupInformation)).
pub mod results {
    crate::include_generated!("archer_access_control_results");
}

mod client;
mod error;
mod xml_result;

pub use client::{ArcherClient, ArcherClientBuilder};
pub use error::ArcherError;
pub use xml_result::{parse_xml_result, XmlResult};
