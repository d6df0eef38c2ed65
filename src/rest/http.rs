//! The HTTP plumbing shared by the SOAP and the XML-over-HTTP runtimes: defaults, URL checks,
//! building the `reqwest` client, and reading a response body within a size limit.

use std::time::Duration;

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

/// Builds the HTTP client of a runtime: its timeouts, its user agent (or the default), and no
/// redirects (a redirected POST would be replayed as a GET; it is reported instead).
///
/// Cookies are not left to the HTTP client: the SOAP runtime sends and keeps them itself
/// around each request, for the endpoint it already knows (reqwest's cookie support parses
/// each request's URL again, which costs more than the rest of its work on a request).
pub(crate) fn build_http_client(
    connect_timeout: Duration,
    timeout: Duration,
    user_agent: Option<HeaderValue>,
) -> Result<reqwest::Client, Error> {
    reqwest::Client::builder()
        .connect_timeout(connect_timeout)
        .timeout(timeout)
        .user_agent(user_agent.unwrap_or(HeaderValue::from_static(DEFAULT_USER_AGENT)))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(Error::from_reqwest)
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

/// The start of a body as error messages show it: a UTF-16 body (one with a byte order mark)
/// is decoded, leniently, so that the message shows text rather than bytes; any other body is
/// shown as it is.
pub(crate) fn displayable(body: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    let unit: fn([u8; 2]) -> u16 = match body {
        [0xFE, 0xFF, ..] => u16::from_be_bytes,
        [0xFF, 0xFE, ..] => u16::from_le_bytes,
        _ => return std::borrow::Cow::Borrowed(body),
    };
    // Messages keep 512 bytes at most: 2 KiB of UTF-16 is plenty.
    let head = &body[2..body.len().min(2 * 1024)];
    let units = head.chunks_exact(2).map(|p| unit([p[0], p[1]]));
    let text: String = char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect();
    std::borrow::Cow::Owned(text.into_bytes())
}

/// Whether `bytes` start like an XML document (after a byte order mark and whitespace, the
/// first character is `<`), in UTF-8 or UTF-16: a body that does, but is refused by the XML
/// reader, is reported as a refused document rather than as something other than XML.
pub(crate) fn starts_like_xml(bytes: &[u8]) -> bool {
    let bytes = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .or_else(|| bytes.strip_prefix(b"\xFE\xFF"))
        .or_else(|| bytes.strip_prefix(b"\xFF\xFE"))
        .unwrap_or(bytes);
    bytes
        .iter()
        .find(|b| !b.is_ascii_whitespace() && **b != 0)
        .is_some_and(|b| *b == b'<')
}

/// The local name of the root element that a `<!DOCTYPE name ...>` in `doc` announces, if
/// there is one: it tells a refused document that claims to be the expected one (a SOAP
/// envelope with a DTD, say) from an HTML page (`<!DOCTYPE html>`).
pub(crate) fn doctype_root(doc: &[u8]) -> Option<&[u8]> {
    const DOCTYPE: &[u8] = b"<!DOCTYPE";
    let at = doc
        .windows(DOCTYPE.len())
        .position(|w| w.eq_ignore_ascii_case(DOCTYPE))?;
    let rest = &doc[at + DOCTYPE.len()..];
    let start = rest.iter().position(|b| !b.is_ascii_whitespace())?;
    let rest = &rest[start..];
    let end = rest
        .iter()
        .position(|b| b.is_ascii_whitespace() || matches!(b, b'[' | b'>'))
        .unwrap_or(rest.len());
    let name = &rest[..end];
    Some(match name.iter().rposition(|b| *b == b':') {
        Some(colon) => &name[colon + 1..],
        None => name,
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
    fn shows_utf16_bodies_as_text() {
        let body: Vec<u8> = std::iter::once(0xFEFF)
            .chain("<html>Fehler: ä</html>".encode_utf16())
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(&*displayable(&body), "<html>Fehler: ä</html>".as_bytes());
        assert_eq!(&*displayable(b"<a/>"), b"<a/>");
        assert_eq!(&*displayable(&[0xFE, 0xFF, 0x00]), b"");
    }

    #[test]
    fn finds_the_root_a_doctype_announces() {
        assert_eq!(
            doctype_root(b"<?xml version=\"1.0\"?>\n<!DOCTYPE soap:Envelope [<!ENTITY e \"x\">]><soap:Envelope/>"),
            Some(&b"Envelope"[..])
        );
        assert_eq!(doctype_root(b"<!doctype html><html/>"), Some(&b"html"[..]));
        assert_eq!(doctype_root(b"<!DOCTYPE Answer>"), Some(&b"Answer"[..]));
        assert_eq!(doctype_root(b"<a/>"), None);
        assert_eq!(doctype_root(b"<!DOCTYPE"), None);
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
