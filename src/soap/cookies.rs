//! A cookie store for session cookies that never shows a cookie's value.

use std::fmt;
use std::sync::RwLock;
use std::time::{Duration, SystemTime};

use reqwest::header::HeaderValue;
use url::Url;

use crate::secret::Secret;

/// The cookies a service sets (the `ASP.NET_SessionId` session, for one), kept and sent back
/// on later requests to it.
///
/// It follows RFC 6265 for what matters to a web-service client: host-only and `Domain`
/// cookies, `Path`, `Secure` (sent over HTTPS only), `Max-Age` and `Expires` (a cookie set to
/// expire is removed), and a cookie replacing one of the same name, domain and path.
///
/// Unlike a general-purpose store, it never writes a cookie's value anywhere: not in logs
/// (it logs nothing), not in `Debug` output (names only), and the `Cookie` header it builds is
/// marked sensitive. Session cookies are credentials.
///
/// Share one jar between clients of several services of the same server with
/// [`SoapClientBuilder::cookie_jar`](super::SoapClientBuilder::cookie_jar).
#[derive(Default)]
pub struct CookieJar {
    cookies: RwLock<Vec<StoredCookie>>,
}

struct StoredCookie {
    name: String,
    value: Secret<String>,
    /// Lower-case host or domain, without a leading dot.
    domain: String,
    /// Sent to exactly `domain` (no `Domain` attribute) rather than to its subdomains too.
    host_only: bool,
    path: String,
    secure: bool,
    expires: Option<SystemTime>,
}

impl StoredCookie {
    fn is_expired(&self, now: SystemTime) -> bool {
        self.expires.is_some_and(|at| at <= now)
    }

    fn matches(&self, url: &Url, host: &str) -> bool {
        let domain_ok = if self.host_only {
            host == self.domain
        } else {
            domain_matches(host, &self.domain)
        };
        domain_ok
            && path_matches(url.path(), &self.path)
            && (!self.secure || url.scheme() == "https")
    }
}

impl fmt::Debug for CookieJar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<String> = self
            .cookies
            .read()
            .map(|c| c.iter().map(|c| c.name.clone()).collect())
            .unwrap_or_default();
        f.debug_struct("CookieJar").field("names", &names).finish()
    }
}

impl CookieJar {
    /// An empty jar.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether the jar holds a cookie named `name` that would be sent to `url`.
    pub fn contains(&self, name: &str, url: &Url) -> bool {
        let Some(host) = url.host_str().map(str::to_ascii_lowercase) else {
            return false;
        };
        let now = SystemTime::now();
        self.cookies.read().is_ok_and(|cookies| {
            cookies
                .iter()
                .any(|c| c.name == name && !c.is_expired(now) && c.matches(url, &host))
        })
    }

    /// Forgets every cookie (ends the sessions they held, as far as this client is concerned).
    pub fn clear(&self) {
        if let Ok(mut cookies) = self.cookies.write() {
            cookies.clear();
        }
    }

    /// Stores one `Set-Cookie` value received from `url`; an unreadable one is ignored.
    fn store(&self, set_cookie: &HeaderValue, url: &Url, now: SystemTime) {
        let Ok(text) = set_cookie.to_str() else {
            return;
        };
        let Ok(cookie) = cookie::Cookie::parse(text) else {
            return;
        };
        let Some(host) = url.host_str().map(str::to_ascii_lowercase) else {
            return;
        };
        let (domain, host_only) = match cookie.domain() {
            Some(d) if !d.is_empty() => {
                let d = d.trim_start_matches('.').to_ascii_lowercase();
                if !domain_matches(&host, &d) {
                    return; // a cookie for another site
                }
                (d, false)
            }
            _ => (host, true),
        };
        let path = match cookie.path() {
            Some(p) if p.starts_with('/') => p.to_owned(),
            _ => default_path(url.path()),
        };
        // Max-Age wins over Expires.
        let expires = match cookie.max_age() {
            Some(age) if age.whole_seconds() <= 0 => Some(SystemTime::UNIX_EPOCH),
            Some(age) => {
                let secs = u64::try_from(age.whole_seconds()).unwrap_or(u64::MAX);
                now.checked_add(Duration::from_secs(secs))
            }
            None => cookie.expires_datetime().map(SystemTime::from),
        };
        let stored = StoredCookie {
            name: cookie.name().to_owned(),
            value: Secret::new(cookie.value().to_owned()),
            domain,
            host_only,
            path,
            secure: cookie.secure().unwrap_or(false),
            expires,
        };
        let Ok(mut cookies) = self.cookies.write() else {
            return;
        };
        let replaced = |c: &StoredCookie| {
            c.name == stored.name && c.domain == stored.domain && c.path == stored.path
        };
        cookies.retain(|c| !replaced(c) && !c.is_expired(now));
        if !stored.is_expired(now) {
            cookies.push(stored);
        }
    }

    /// The `Cookie` header for a request to `url`, marked sensitive.
    fn header_for(&self, url: &Url, now: SystemTime) -> Option<HeaderValue> {
        let cookies = self.cookies.read().ok()?;
        if cookies.is_empty() {
            return None;
        }
        let host = url.host_str()?.to_ascii_lowercase();
        let mut matching: Vec<&StoredCookie> = cookies
            .iter()
            .filter(|c| !c.is_expired(now) && c.matches(url, &host))
            .collect();
        if matching.is_empty() {
            return None;
        }
        // Longer paths first (RFC 6265 §5.4).
        matching.sort_by_key(|c| std::cmp::Reverse(c.path.len()));
        let header = matching
            .iter()
            .map(|c| format!("{}={}", c.name, c.value.expose()))
            .collect::<Vec<_>>()
            .join("; ");
        let mut value = HeaderValue::from_bytes(header.as_bytes()).ok()?;
        value.set_sensitive(true);
        Some(value)
    }
}

impl reqwest::cookie::CookieStore for CookieJar {
    fn set_cookies(&self, cookie_headers: &mut dyn Iterator<Item = &HeaderValue>, url: &Url) {
        let now = SystemTime::now();
        for value in cookie_headers {
            self.store(value, url, now);
        }
    }

    fn cookies(&self, url: &Url) -> Option<HeaderValue> {
        self.header_for(url, SystemTime::now())
    }
}

/// RFC 6265 §5.1.3: `host` is `domain` or a subdomain of it (never for IP addresses).
fn domain_matches(host: &str, domain: &str) -> bool {
    if host == domain {
        return true;
    }
    let is_ip = host.parse::<std::net::IpAddr>().is_ok() || host.starts_with('[');
    !is_ip
        && host
            .strip_suffix(domain)
            .is_some_and(|prefix| prefix.ends_with('.'))
}

/// RFC 6265 §5.1.4: the request path is the cookie path or below it.
fn path_matches(request: &str, cookie: &str) -> bool {
    request == cookie
        || (request.starts_with(cookie)
            && (cookie.ends_with('/') || request.as_bytes().get(cookie.len()) == Some(&b'/')))
}

/// RFC 6265 §5.1.4: the directory of the request path.
fn default_path(request: &str) -> String {
    match request.rfind('/') {
        Some(0) | None => "/".to_owned(),
        Some(i) => request[..i].to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::cookie::CookieStore as _;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    fn set(jar: &CookieJar, url: &Url, headers: &[&str]) {
        let values: Vec<HeaderValue> = headers
            .iter()
            .map(|h| HeaderValue::from_str(h).unwrap())
            .collect();
        jar.set_cookies(&mut values.iter(), url);
    }

    fn header(jar: &CookieJar, u: &str) -> Option<String> {
        jar.cookies(&url(u)).map(|v| v.to_str().unwrap().to_owned())
    }

    #[test]
    fn keeps_a_session_cookie_for_its_host_and_path() {
        let jar = CookieJar::new();
        let api = url("https://secure.example.com/API/API.asmx");
        set(
            &jar,
            &api,
            &["ASP.NET_SessionId=abc123; path=/; HttpOnly; SameSite=Lax"],
        );
        assert_eq!(
            header(&jar, "https://secure.example.com/API/Other.asmx").as_deref(),
            Some("ASP.NET_SessionId=abc123")
        );
        assert!(jar.cookies(&api).unwrap().is_sensitive());
        assert!(jar.contains("ASP.NET_SessionId", &api));
        assert!(!jar.contains("other", &api));
        // Host-only: not for another host, nor for a subdomain.
        assert_eq!(header(&jar, "https://other.example.com/API/API.asmx"), None);
        assert_eq!(
            header(&jar, "https://a.secure.example.com/API/API.asmx"),
            None
        );
        // Replaced by a new value, removed when expired.
        set(&jar, &api, &["ASP.NET_SessionId=def456; path=/"]);
        assert_eq!(
            header(&jar, "https://secure.example.com/x").as_deref(),
            Some("ASP.NET_SessionId=def456")
        );
        set(
            &jar,
            &api,
            &["ASP.NET_SessionId=; expires=Mon, 11-Oct-1999 00:00:00 GMT; path=/"],
        );
        assert_eq!(header(&jar, "https://secure.example.com/x"), None);
        set(&jar, &api, &["a=1; Max-Age=3600", "b=2; Max-Age=0"]);
        assert_eq!(
            header(&jar, "https://secure.example.com/API/x").as_deref(),
            Some("a=1")
        );
        jar.clear();
        assert_eq!(header(&jar, "https://secure.example.com/API/x"), None);
    }

    #[test]
    fn follows_domain_path_and_secure_attributes() {
        let jar = CookieJar::new();
        let from = url("http://www.example.com/app/ws/api.asmx");
        set(
            &jar,
            &from,
            &[
                "d=1; Domain=.Example.com; Path=/",
                "p=2", // default path: /app/ws
                "s=3; Secure; Path=/",
                "foreign=4; Domain=example.org",
            ],
        );
        assert_eq!(
            header(&jar, "http://api.example.com/").as_deref(),
            Some("d=1")
        );
        assert_eq!(
            header(&jar, "http://www.example.com/app/ws/other").as_deref(),
            Some("p=2; d=1")
        );
        assert_eq!(
            header(&jar, "http://www.example.com/app/wsx").as_deref(),
            Some("d=1")
        );
        assert_eq!(
            header(&jar, "https://www.example.com/").as_deref(),
            Some("d=1; s=3")
        );
        assert_eq!(header(&jar, "http://example.org/"), None);
    }

    #[test]
    fn never_shows_a_value() {
        let jar = CookieJar::new();
        set(
            &jar,
            &url("http://127.0.0.1:8080/ws"),
            &["ASP.NET_SessionId=s3cr3tv4lue; path=/", "garbage"],
        );
        let shown = format!("{jar:?} {jar:#?}");
        assert!(!shown.contains("s3cr3tv4lue"), "{shown}");
        assert!(shown.contains("ASP.NET_SessionId"), "{shown}");
        // IP hosts: exact match only.
        assert!(header(&jar, "http://127.0.0.1:9090/ws").is_some());
        assert!(header(&jar, "http://127.0.0.2:8080/ws").is_none());
    }

    #[test]
    fn paths_and_domains() {
        assert!(path_matches("/API/API.asmx", "/"));
        assert!(path_matches("/API/API.asmx", "/API"));
        assert!(path_matches("/API", "/API"));
        assert!(!path_matches("/APIX", "/API"));
        assert_eq!(default_path("/API/API.asmx"), "/API");
        assert_eq!(default_path("/API.asmx"), "/");
        assert_eq!(default_path(""), "/");
        assert!(domain_matches("a.b.example.com", "example.com"));
        assert!(!domain_matches("badexample.com", "example.com"));
        assert!(!domain_matches("10.0.0.1", "0.0.1"));
    }
}
