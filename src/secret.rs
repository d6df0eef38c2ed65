//! A wrapper that keeps passwords, authcodes and session tokens out of logs and messages.

use std::fmt;

/// A secret value (password, authcode, session token) that never shows in `Debug` or `Display`
/// output: both print `<redacted>`.
///
/// The value is reached only through [`Secret::expose`], which makes every use visible in the
/// code. Clients keep their credentials in a `Secret` so that deriving `Debug` on them, or
/// logging them by mistake, leaks nothing.
///
/// ```
/// use wsclient::secret::Secret;
///
/// let password = Secret::from("hunter2");
/// assert_eq!(format!("{password:?} {password}"), "<redacted> <redacted>");
/// assert_eq!(password.expose(), "hunter2");
/// ```
#[derive(Clone, Default)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    /// Wraps a secret value.
    pub const fn new(value: T) -> Self {
        Secret(value)
    }

    /// The secret value itself. Use it only where the value must be sent.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl<T> fmt::Display for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl From<String> for Secret<String> {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret<String> {
    fn from(value: &str) -> Self {
        Secret(value.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_prints_the_value() {
        #[derive(Debug)]
        #[allow(dead_code)]
        struct Login {
            user: String,
            password: Secret<String>,
        }
        let login = Login {
            user: "admin".into(),
            password: Secret::from("s3cr3t".to_owned()),
        };
        let shown = format!("{login:?} {:#?} {}", login, login.password);
        assert!(!shown.contains("s3cr3t"), "{shown}");
        assert!(shown.contains("<redacted>"));
        assert_eq!(login.password.expose(), "s3cr3t");
        let copy = login.password.clone();
        assert_eq!(copy.expose(), "s3cr3t");
        assert_eq!(Secret::new(7u32).to_string(), "<redacted>");
    }
}
