//! The error of the Archer client's calls.

use crate::soap::Fault;
use crate::xml::ReadError;

/// The prefix ASP.NET puts before the message of an exception thrown inside a web method.
const ASPNET_PREFIX: &str = "--->";

/// An Archer call failed.
///
/// Archer reports every failure of a method as a SOAP fault ("the API issues an exception"),
/// which becomes [`ArcherError::Fault`] with the fault's text and detail kept. Session
/// tokens and passwords never appear in the messages: if the service echoes one, it is
/// replaced by `<redacted>` before the error is made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ArcherError {
    /// Archer answered with a SOAP fault.
    #[error("Archer {operation} failed: {}", fault_text(.fault))]
    Fault {
        /// The method, e.g. `UpdateGroup`.
        operation: &'static str,
        /// The fault as received: code, text ([`Fault::reason`]) and raw detail.
        fault: Box<Fault>,
    },

    /// The call failed outside Archer's own logic: transport, timeout, HTTP error without a
    /// fault, or an answer that is not the expected SOAP response.
    #[error("Archer {operation}: {source}")]
    Soap {
        /// The method, e.g. `UpdateGroup`.
        operation: &'static str,
        /// What went wrong.
        #[source]
        source: crate::Error,
    },

    /// A method that needs a session was called with no session held: log in first (or the
    /// session was ended, or Archer reported it invalid).
    #[error("Archer {operation} needs a session: log in first")]
    NotLoggedIn {
        /// The method that was not called.
        operation: &'static str,
    },

    /// Archer answered without the result element (for a login: without a session token).
    #[error("Archer {operation} answered without a result")]
    MissingResult {
        /// The method.
        operation: &'static str,
    },

    /// A method documented to return 1 on success returned something else, without a fault.
    #[error("Archer {operation} returned {value}, where 1 (success) was expected")]
    UnexpectedResult {
        /// The method.
        operation: &'static str,
        /// The value returned.
        value: i32,
    },

    /// A result that should hold an XML document could not be read as one.
    #[error(
        "Archer {operation} returned a string that is not the expected XML document: {source}"
    )]
    ResultXml {
        /// The method.
        operation: &'static str,
        /// The string as returned.
        raw: String,
        /// Why it could not be read.
        #[source]
        source: ReadError,
    },

    /// The base URL given to the builder is not usable.
    #[error("invalid Archer base URL: {reason}")]
    InvalidBaseUrl {
        /// What is wrong with it.
        reason: String,
    },

    /// The client could not be set up (HTTP client, user agent).
    #[error("the Archer client could not be set up: {0}")]
    Setup(#[source] crate::Error),
}

impl ArcherError {
    /// The method that failed, when the error is about a call.
    pub fn operation(&self) -> Option<&'static str> {
        match self {
            ArcherError::Fault { operation, .. }
            | ArcherError::Soap { operation, .. }
            | ArcherError::NotLoggedIn { operation }
            | ArcherError::MissingResult { operation }
            | ArcherError::UnexpectedResult { operation, .. }
            | ArcherError::ResultXml { operation, .. } => Some(operation),
            ArcherError::InvalidBaseUrl { .. } | ArcherError::Setup(_) => None,
        }
    }

    /// The SOAP fault, when Archer answered with one.
    pub fn fault(&self) -> Option<&Fault> {
        match self {
            ArcherError::Fault { fault, .. } => Some(fault),
            _ => None,
        }
    }

    /// The fault's text (`faultstring` in SOAP 1.1, `Reason/Text` in SOAP 1.2), as received.
    pub fn fault_text(&self) -> Option<&str> {
        self.fault().map(|f| f.reason.as_str())
    }

    /// The fault's detail markup (`detail` / `Detail`), as received, when it has one.
    pub fn fault_detail(&self) -> Option<&str> {
        self.fault()
            .and_then(|f| f.detail.as_ref())
            .map(|d| d.as_str())
    }

    /// Archer's own message in the fault text: what follows the last `--->` that ASP.NET puts
    /// after "Server was unable to process request.", or the whole text when there is none.
    pub fn fault_message(&self) -> Option<&str> {
        self.fault_text().map(archer_message)
    }

    /// Whether Archer rejected the session token: the session expired, was terminated, or
    /// never existed. Log in again and repeat the call.
    ///
    /// Archer's wording for this is not published. The fault text and detail are taken to
    /// mean it when, ignoring case, they mention a session (`session`, which also matches
    /// `sessionToken`) together with one of `invalid`, `not valid`, `expired`, `timed out`,
    /// `timeout`, `terminated`, `no longer` or `not found`, as in ASP.NET's "Server was
    /// unable to process request. ---> Invalid session token".
    pub fn is_session_expired(&self) -> bool {
        let Some(fault) = self.fault() else {
            return false;
        };
        mentions_dead_session(&fault.reason)
            || fault
                .detail
                .as_ref()
                .is_some_and(|d| mentions_dead_session(d.as_str()))
    }

    /// Whether logging in (again) is what the caller should do: no session was held, or
    /// Archer rejected it ([`ArcherError::is_session_expired`]).
    pub fn needs_login(&self) -> bool {
        matches!(self, ArcherError::NotLoggedIn { .. }) || self.is_session_expired()
    }

    /// The underlying SOAP-layer error, for a [`ArcherError::Soap`] or
    /// [`ArcherError::Setup`].
    pub fn soap_error(&self) -> Option<&crate::Error> {
        match self {
            ArcherError::Soap { source, .. } | ArcherError::Setup(source) => Some(source),
            _ => None,
        }
    }

    /// Makes the error of a failed call, with every secret in `secrets` removed from the texts
    /// that came from the service.
    pub(crate) fn from_call(
        operation: &'static str,
        error: crate::Error,
        secrets: &[&str],
    ) -> ArcherError {
        match error.redact(secrets) {
            crate::Error::Fault(fault) => ArcherError::Fault { operation, fault },
            other => ArcherError::Soap {
                operation,
                source: other,
            },
        }
    }
}

fn fault_text(fault: &Fault) -> &str {
    if fault.reason.is_empty() {
        "a SOAP fault without text"
    } else {
        &fault.reason
    }
}

/// What follows the last ASP.NET `--->` marker, trimmed.
fn archer_message(text: &str) -> &str {
    match text.rfind(ASPNET_PREFIX) {
        Some(i) => text[i + ASPNET_PREFIX.len()..].trim(),
        None => text.trim(),
    }
}

fn mentions_dead_session(text: &str) -> bool {
    const DEAD: &[&str] = &[
        "invalid",
        "not valid",
        "expired",
        "timed out",
        "timeout",
        "terminated",
        "no longer",
        "not found",
    ];
    let lower = text.to_lowercase();
    lower.contains("session") && DEAD.iter().any(|w| lower.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::soap::SoapVersion;
    use crate::xml::RawXml;

    fn fault(reason: &str, detail: Option<&str>) -> crate::Error {
        crate::Error::Fault(Box::new(Fault {
            version: SoapVersion::V11,
            code: "soap:Server".into(),
            code_ns: None,
            code_local: "Server".into(),
            subcodes: Vec::new(),
            reason: reason.into(),
            actor: None,
            node: None,
            detail: detail.map(|d| RawXml(d.into())),
            http_status: Some(500),
        }))
    }

    #[test]
    fn recognises_a_dead_session() {
        for text in [
            "Server was unable to process request. ---> Invalid session token",
            "Server was unable to process request. ---> The session has expired.",
            "SESSION TIMED OUT",
            "The sessionToken is not valid",
        ] {
            let e = ArcherError::from_call("GetGroups", fault(text, None), &[]);
            assert!(e.is_session_expired(), "{text}");
            assert!(e.needs_login(), "{text}");
        }
        for text in [
            "Server was unable to process request. ---> Group name already exists",
            "Invalid group id",
            "Server was unable to process request. ---> Value cannot be null.",
        ] {
            let e = ArcherError::from_call("GetGroups", fault(text, None), &[]);
            assert!(!e.is_session_expired(), "{text}");
        }
        let e = ArcherError::from_call(
            "GetGroups",
            fault(
                "Server was unable to process request.",
                Some("<m>Session expired</m>"),
            ),
            &[],
        );
        assert!(e.is_session_expired());
        assert!(ArcherError::NotLoggedIn {
            operation: "GetGroups"
        }
        .needs_login());
        assert!(!ArcherError::NotLoggedIn {
            operation: "GetGroups"
        }
        .is_session_expired());
    }

    #[test]
    fn keeps_text_and_detail_and_removes_secrets() {
        let e = ArcherError::from_call(
            "UpdateGroup",
            fault(
                "Server was unable to process request. ---> Token 0123ABCD is bad",
                Some("<d>0123ABCD</d>"),
            ),
            &["0123ABCD", ""],
        );
        assert_eq!(e.operation(), Some("UpdateGroup"));
        assert_eq!(
            e.fault_text(),
            Some("Server was unable to process request. ---> Token <redacted> is bad")
        );
        assert_eq!(e.fault_message(), Some("Token <redacted> is bad"));
        assert_eq!(e.fault_detail(), Some("<d><redacted></d>"));
        assert_eq!(
            e.to_string(),
            "Archer UpdateGroup failed: Server was unable to process request. ---> Token <redacted> is bad"
        );
        assert!(!format!("{e:?}").contains("0123ABCD"));
    }

    #[test]
    fn other_failures_keep_their_source() {
        let e = ArcherError::from_call(
            "GetGroups",
            crate::Error::Http {
                status: 502,
                content_type: None,
                body_start: "bad gateway for SECRET".into(),
            },
            &["SECRET"],
        );
        assert_eq!(
            e.soap_error().and_then(crate::Error::http_status),
            Some(502)
        );
        assert!(!e.to_string().contains("SECRET"), "{e}");
        assert!(e.fault().is_none());
        assert!(!e.is_session_expired());
    }

    #[test]
    fn error_is_send_and_sync() {
        fn check<T: Send + Sync + 'static>() {}
        check::<ArcherError>();
    }
}
