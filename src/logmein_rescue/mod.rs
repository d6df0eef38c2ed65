//! LogMeIn Rescue API (`API.asmx`, SOAP 1.1 and 1.2).
//!
//! [`api`] holds what is generated from `wsdl/logmein-rescue/API.asmx.wsdl`: a request and a
//! response type per operation, the enums (`NodePermissionsV2`, `NodeRef`, result enums such as
//! `SetGroupRetV2`) and the port clients `ApiSoap` and `ApiSoap12`. [`RescueClient`] adds the
//! two ways of authenticating on top.

/// Types and port clients generated from `wsdl/logmein-rescue/API.asmx.wsdl`.
pub mod api {
    crate::include_generated!("logmein_rescue");
}

mod client;
mod error;
mod result;

pub use client::{RescueClient, RescueClientBuilder};
pub use error::RescueError;
pub use result::{RescueResponse, ResultCode, ResultError};
