//! The HTTP plumbing shared by the SOAP and the XML-over-HTTP runtimes: defaults, URL checks,
//! building the `reqwest` client, and reading a response body within a size limit.

use std::sync::Arc;
use std::time::Duration;

use reqwest::cookie::Jar;
use reqwest::header::{HeaderValue, CONTENT_TYPE};
use url::Url;

use crate::error::Error;

/// The connect timeout used unless the client's builder sets another.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The total timeout of a call used unless the client's builder sets another.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// The largest response body accepted unless the client's builder sets another: 32 MiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 32 * 1024 * 1024;

/// The `User-Agent` sent unless the client's builder sets another.
pub const DEFAULT_USER_AGENT: &str = concat!("wsclient/", env!("CARGO_PKG_VERSION"));

/// Parses a service URL: absolute, `http` or `https`, with a host.
pub(crate) fn parse_endpoint(endpoint: &str) -> Result<Url, Error> {
    let url = Url::parse(endpoint.trim()).map_err(|e| Error::InvalidEndpoint {
        reason: e.to_string(),
    })?;
    match url.scheme() {
        "http" | "https" => {}
        other => {
            return Err(Error::InvalidEndpoint {
                reason: format!("the scheme must be http or https, not {other:?}"),
            })
        }
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(Error::InvalidEndpoint {
            reason: "the URL has no host".into(),
        });
    }
    Ok(url)
}

/// Checks a user agent for use in a header.
pub(crate) fn user_agent_header(user_agent: Option<&str>) -> Result<Option<HeaderValue>, Error> {
    user_agent
        .map(|ua| {
            HeaderValue::from_str(ua).map_err(|_| Error::InvalidConfig {
                reason: "the user agent holds characters an HTTP header cannot carry".into(),
            })
        })
        .transpose()
}

/// Builds the HTTP client of a runtime: its timeouts, its user agent (or the default), no
/// redirects (a redirected POST would be replayed as a GET; it is reported instead), and the
/// cookie jar if there is one.
pub(crate) fn build_http_client(
    connect_timeout: Duration,
    timeout: Duration,
    user_agent: Option<HeaderValue>,
    jar: Option<&Arc<Jar>>,
) -> Result<reqwest::Client, Error> {
    let mut builder = reqwest::Client::builder()
        .connect_timeout(connect_timeout)
        .timeout(timeout)
        .user_agent(user_agent.unwrap_or(HeaderValue::from_static(DEFAULT_USER_AGENT)))
        .redirect(reqwest::redirect::Policy::none());
    if let Some(jar) = jar {
        builder = builder.cookie_provider(Arc::clone(jar));
    }
    builder.build().map_err(Error::from_reqwest)
}

/// The parts of an HTTP response that decide a call's outcome.
pub(crate) struct HttpResponse {
    /// The HTTP status.
    pub(crate) status: u16,
    /// The `Content-Type`, if any (decoded leniently).
    pub(crate) content_type: Option<String>,
    /// The whole body.
    pub(crate) body: Vec<u8>,
}

impl HttpResponse {
    /// Whether the status is 2xx.
    pub(crate) fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// Whether the content type names XML, or is missing.
    pub(crate) fn has_xml_content_type(&self) -> bool {
        self.content_type.as_deref().is_none_or(is_xml_media_type)
    }
}

/// Reads a response's status, content type and body, abandoning a body larger than `limit`
/// bytes as soon as that is known (from `Content-Length`, or while it streams in).
pub(crate) async fn read_response(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<HttpResponse, Error> {
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get(CONTENT_TYPE)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let declared = response.content_length();
    if declared.is_some_and(|len| len > limit as u64) {
        tracing::debug!(
            status,
            declared_bytes = declared,
            limit,
            "response body too large"
        );
        return Err(Error::BodyTooLarge { limit });
    }
    let capacity = declared.map_or(8 * 1024, |len| len as usize).min(limit);
    let mut body = Vec::with_capacity(capacity);
    while let Some(chunk) = response.chunk().await.map_err(Error::from_reqwest)? {
        if chunk.len() > limit - body.len() {
            tracing::debug!(
                status,
                received_bytes = body.len() + chunk.len(),
                limit,
                "response body too large"
            );
            return Err(Error::BodyTooLarge { limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(HttpResponse {
        status,
        content_type,
        body,
    })
}

/// Whether a `Content-Type` names XML: `text/xml`, `application/xml`, `application/soap+xml`
/// or any other `+xml` type.
pub(crate) fn is_xml_media_type(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    matches!(essence.as_str(), "text/xml" | "application/xml") || essence.ends_with("+xml")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_xml_media_types() {
        for ct in [
            "text/xml",
            "text/xml; charset=utf-8",
            "Application/SOAP+XML; charset=utf-8; action=\"x\"",
            "application/xml",
            "application/atom+xml",
        ] {
            assert!(is_xml_media_type(ct), "{ct}");
        }
        for ct in [
            "text/html; charset=utf-8",
            "application/json",
            "text/plain",
            "",
        ] {
            assert!(!is_xml_media_type(ct), "{ct}");
        }
    }

    #[test]
    fn checks_endpoints() {
        for bad in [
            "not a url",
            "ftp://example.com/x",
            "/relative/path",
            "file:///etc/passwd",
        ] {
            let err = parse_endpoint(bad).unwrap_err();
            assert!(
                matches!(err, Error::InvalidEndpoint { .. }),
                "{bad}: {err:?}"
            );
        }
        assert_eq!(
            parse_endpoint(" https://example.com/api ")
                .unwrap()
                .as_str(),
            "https://example.com/api"
        );
    }

    #[test]
    fn refuses_a_bad_user_agent() {
        assert!(matches!(
            user_agent_header(Some("bad\nagent")),
            Err(Error::InvalidConfig { .. })
        ));
        assert!(user_agent_header(None).unwrap().is_none());
    }
}
