//! The error of the Commvault client's calls.

/// A Commvault call failed: in transport, by authentication, or with an `errorCode` other than 0.
///
/// No message holds the password or the token.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CommvaultError {
    /// The HTTP exchange failed, or the answer was not the expected XML document (network,
    /// timeout, HTTP status other than 2xx and 401, HTML page, unreadable document).
    #[error(transparent)]
    Call(crate::Error),

    /// The service answered HTTP 401: the token is missing, wrong or expired (it expires after
    /// 30 minutes without calls), or the login credentials were refused. Log in again.
    #[error("the service refused the authentication (HTTP 401); log in again")]
    Unauthorized {
        /// The failed call, with the status and the start of the response body.
        #[source]
        source: crate::Error,
    },

    /// The login was answered without a token: the credentials were refused.
    #[error("the login was refused{}", login_detail(*.error_code, .message.as_deref()))]
    LoginRefused {
        /// The `errorCode` of the first `errList` entry, if the service sent one.
        error_code: Option<i64>,
        /// The `errLogMessage` of the first `errList` entry, if the service sent one.
        message: Option<String>,
    },

    /// A call that needs a token was made before logging in.
    #[error("not logged in: call `login` first (or `set_token`)")]
    NotLoggedIn,

    /// The token holds characters that an HTTP header cannot carry.
    #[error("the token holds characters that an HTTP header cannot carry")]
    InvalidToken,

    /// An argument cannot be sent (for example an empty user-group name).
    #[error("invalid argument: {reason}")]
    InvalidArgument {
        /// What is wrong with it.
        reason: String,
    },

    /// The service answered with an `errorCode` other than 0.
    #[error("{operation} failed with errorCode {error_code}{}", error_string.as_deref().map(|s| format!(": {s}")).unwrap_or_default())]
    Api {
        /// The operation, e.g. `POST UserGroup`.
        operation: &'static str,
        /// The `errorCode`.
        error_code: i64,
        /// The `errorString`, when the service sent one (not every code has one).
        error_string: Option<String>,
    },

    /// The answer holds no `response` element, so the outcome is unknown.
    #[error("{operation} was answered without a result (no `response` element)")]
    NoResult {
        /// The operation, e.g. `POST UserGroup`.
        operation: &'static str,
    },
}

impl CommvaultError {
    /// The `errorCode`, when the service answered with one other than 0 (or sent one with a
    /// refused login).
    pub fn error_code(&self) -> Option<i64> {
        match self {
            CommvaultError::Api { error_code, .. } => Some(*error_code),
            CommvaultError::LoginRefused { error_code, .. } => *error_code,
            _ => None,
        }
    }

    /// The `errorString` (or the login's `errLogMessage`), when the service sent one.
    pub fn error_string(&self) -> Option<&str> {
        match self {
            CommvaultError::Api { error_string, .. } => error_string.as_deref(),
            CommvaultError::LoginRefused { message, .. } => message.as_deref(),
            _ => None,
        }
    }

    /// Whether logging in (again) is the remedy: HTTP 401, a refused login, or no login yet.
    pub fn is_authentication(&self) -> bool {
        matches!(
            self,
            CommvaultError::Unauthorized { .. }
                | CommvaultError::LoginRefused { .. }
                | CommvaultError::NotLoggedIn
        )
    }

    /// The HTTP status of the answer, when the failure came with one.
    pub fn http_status(&self) -> Option<u16> {
        match self {
            CommvaultError::Call(e) | CommvaultError::Unauthorized { source: e } => e.http_status(),
            _ => None,
        }
    }
}

impl From<crate::Error> for CommvaultError {
    /// HTTP 401 becomes [`CommvaultError::Unauthorized`]; anything else
    /// [`CommvaultError::Call`].
    fn from(e: crate::Error) -> Self {
        match e {
            crate::Error::RestStatus { status: 401, .. } => {
                CommvaultError::Unauthorized { source: e }
            }
            other => CommvaultError::Call(other),
        }
    }
}

fn login_detail(error_code: Option<i64>, message: Option<&str>) -> String {
    match (error_code, message) {
        (Some(code), Some(m)) => format!(" with errorCode {code}: {m}"),
        (Some(code), None) => format!(" with errorCode {code}"),
        (None, Some(m)) => format!(": {m}"),
        (None, None) => " (the answer holds no token)".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_is_send_and_sync() {
        fn check<T: Send + Sync + 'static>() {}
        check::<CommvaultError>();
    }

    #[test]
    fn messages_and_accessors() {
        let e = CommvaultError::Api {
            operation: "POST UserGroup",
            error_code: 5,
            error_string: Some("User group not found".into()),
        };
        assert_eq!(
            e.to_string(),
            "POST UserGroup failed with errorCode 5: User group not found"
        );
        assert_eq!(e.error_code(), Some(5));
        assert_eq!(e.error_string(), Some("User group not found"));
        assert!(!e.is_authentication());
        let e = CommvaultError::Api {
            operation: "POST UserGroup",
            error_code: 2,
            error_string: None,
        };
        assert_eq!(e.to_string(), "POST UserGroup failed with errorCode 2");

        let e = CommvaultError::LoginRefused {
            error_code: Some(5),
            message: Some("Invalid Username or Password".into()),
        };
        assert_eq!(
            e.to_string(),
            "the login was refused with errorCode 5: Invalid Username or Password"
        );
        assert!(e.is_authentication());
        let e = CommvaultError::LoginRefused {
            error_code: None,
            message: None,
        };
        assert_eq!(
            e.to_string(),
            "the login was refused (the answer holds no token)"
        );

        let e = CommvaultError::from(crate::Error::from_rest_response(401, None, b"", false));
        assert!(matches!(e, CommvaultError::Unauthorized { .. }), "{e:?}");
        assert!(e.is_authentication());
        assert_eq!(e.http_status(), Some(401));
        let e = CommvaultError::from(crate::Error::from_rest_response(403, None, b"", false));
        assert!(matches!(e, CommvaultError::Call(_)), "{e:?}");
        assert_eq!(e.http_status(), Some(403));
    }
}
