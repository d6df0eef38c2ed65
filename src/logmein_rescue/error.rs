//! The error of the Rescue client's calls.

use super::result::{ResultCode, ResultError};

/// A Rescue call failed: in transport, as a SOAP fault, or with a non-OK result code.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RescueError {
    /// The SOAP call itself failed (network, HTTP, fault, unreadable answer).
    #[error(transparent)]
    Soap(#[from] crate::Error),
    /// The service answered with a result code other than OK.
    #[error("{operation} failed with {code}{}", meaning.map(|m| format!(": {m}")).unwrap_or_default())]
    Result {
        /// The operation, e.g. `setGroup_v2`.
        operation: &'static str,
        /// The code as written in XML, e.g. `setGroup_InvalidParam_Name`.
        code: String,
        /// The vendor's meaning of the code, when known.
        meaning: Option<&'static str>,
    },
    /// `requestAuthCode` answered OK but sent no authcode.
    #[error("requestAuthCode answered OK but sent no authcode")]
    MissingAuthCode,
}

impl RescueError {
    /// The result code, when the service answered with a non-OK code.
    pub fn result_code(&self) -> Option<&str> {
        match self {
            RescueError::Result { code, .. } => Some(code),
            _ => None,
        }
    }
}

impl<C: ResultCode> From<ResultError<C>> for RescueError {
    fn from(e: ResultError<C>) -> Self {
        RescueError::Result {
            operation: C::OPERATION,
            code: e.code.code().to_owned(),
            meaning: e.code.meaning(),
        }
    }
}
