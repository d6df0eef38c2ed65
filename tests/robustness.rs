//! Bad answers, faults and broken connections, end to end: each gives a typed error, never a
//! panic, a hang or a wrong value. The cases already covered elsewhere (HTML pages, the size
//! cap while streaming, a delayed answer, empty and unexpected `Body` content, faults of both
//! versions, a NUL in a request; see `soap_runtime.rs` and `commvault.rs`) are not repeated.

mod support;

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use support::{soap11_envelope, soap12_envelope, TestResponse, TestServer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use wsclient::archer::{ArcherClient, ArcherError};
use wsclient::commvault::{api as cv, CommvaultClient, CommvaultError};
use wsclient::logmein_rescue::{api, RescueClient, RescueError};
use wsclient::rest::{RestClient, XmlOperation};
use wsclient::secret::Secret;
use wsclient::soap::SoapClient;
use wsclient::xml::{Field, ReadError, WriteError};
use wsclient::Error;

const NS: &str = "https://secure.logmeinrescue.com/API/API.asmx";

/// No call may take longer than this: a call that does has hung.
const HANG: Duration = Duration::from_secs(30);

/// Runs `call`, failing the test if it hangs.
async fn bounded<T>(call: impl Future<Output = T>) -> T {
    tokio::time::timeout(HANG, call)
        .await
        .expect("the call hung: no answer and no error")
}

fn soap(url: &str) -> SoapClient {
    SoapClient::builder(url)
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

/// The Rescue port client (SOAP 1.1) over `url`.
fn rescue11(url: &str) -> api::ApiSoap {
    api::ApiSoap::new(soap(url))
}

fn get_group() -> api::GetGroup {
    api::GetGroup {
        i_node_id: 42,
        s_auth_code: Some("code".into()),
    }
}

/// The inner markup of a `getGroupResponse` for group `id` named `name` (escaped by the caller).
fn group_response(id: i32, name: &str) -> String {
    format!(
        r#"<getGroupResponse xmlns="{NS}"><getGroupResult>getGroup_OK</getGroupResult><oGroup><iNodeID>{id}</iNodeID><sName>{name}</sName><eType>TechnicianGroup</eType><eStatus>Enabled</eStatus><iStandardConcurrentLimit>1</iStandardConcurrentLimit><iMobileConcurrentLimit>2</iMobileConcurrentLimit></oGroup></getGroupResponse>"#
    )
}

async fn call_get_group(url: &str) -> Result<api::GetGroupResponse, Error> {
    bounded(rescue11(url).get_group(&get_group())).await
}

/// The REST side: the Commvault update-user-group answer.
const UPDATE: XmlOperation = XmlOperation {
    name: "POST UserGroup",
    request: Field::new(None, "App_UpdateUserGroupPropertiesRequest"),
    response: Field::new(None, "App_UpdateUserGroupPropertiesResponse"),
};

async fn call_update(url: &str) -> Result<cv::AppUpdateUserGroupPropertiesResponse, Error> {
    let client = RestClient::builder(url)
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let request = cv::AppUpdateUserGroupPropertiesRequest {
        groups: cv::UserGroupProperties::new(cv::UserGroupEntity::by_id(7)),
    };
    bounded(client.post_xml("UserGroup/7", &UPDATE, &request, &Default::default())).await
}

fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    std::iter::once(0xFEFF)
        .chain(text.encode_utf16())
        .flat_map(|u| {
            if big_endian {
                u.to_be_bytes()
            } else {
                u.to_le_bytes()
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// DTDs and entities

/// A billion-laughs DTD plus an external entity pointing at `canary`.
fn hostile_dtd(root: &str, canary: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?><!DOCTYPE {root} [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY xxe SYSTEM "{canary}">]>"#
    )
}

#[tokio::test]
async fn a_dtd_is_refused_and_no_entity_is_expanded_or_fetched() {
    let canary = TestServer::always(TestResponse::xml(200, "<x>secret file</x>")).await;
    let canary_url = canary.url("/etc/passwd");

    let envelope = soap11_envelope(&group_response(1, "&lol3;&xxe;"));
    let envelope = envelope.replace(
        r#"<?xml version="1.0" encoding="utf-8"?>"#,
        &hostile_dtd("soap:Envelope", &canary_url),
    );
    let server = TestServer::always(TestResponse::xml(200, envelope)).await;
    let err = call_get_group(&server.url("/API.asmx")).await.unwrap_err();
    assert!(
        matches!(err, Error::Xml(ReadError::DoctypeForbidden)),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "the response could not be read: the XML document has a DOCTYPE declaration, which is refused"
    );

    let document = format!(
        r#"{}<App_UpdateUserGroupPropertiesResponse><response errorCode="0" errorString="&lol3;&xxe;"/></App_UpdateUserGroupPropertiesResponse>"#,
        hostile_dtd("App_UpdateUserGroupPropertiesResponse", &canary_url)
    );
    let server = TestServer::always(TestResponse::text(200, "application/xml", document)).await;
    let err = call_update(&server.url("/api")).await.unwrap_err();
    assert!(
        matches!(err, Error::Xml(ReadError::DoctypeForbidden)),
        "{err:?}"
    );

    assert_eq!(canary.request_count(), 0, "an external entity was fetched");
}

#[tokio::test]
async fn entities_other_than_the_predefined_ones_are_refused() {
    let server = TestServer::always(TestResponse::soap11(&group_response(1, "a &nbsp; b"))).await;
    let err = call_get_group(&server.url("/API.asmx")).await.unwrap_err();
    assert!(
        matches!(&err, Error::Xml(ReadError::EntityForbidden { name }) if name == "nbsp"),
        "{err:?}"
    );

    // In an attribute, on the REST side.
    let server = TestServer::always(TestResponse::text(
        200,
        "application/xml",
        r#"<App_UpdateUserGroupPropertiesResponse><response errorCode="0" errorString="&secret;"/></App_UpdateUserGroupPropertiesResponse>"#,
    ))
    .await;
    let err = call_update(&server.url("/api")).await.unwrap_err();
    assert!(
        matches!(&err, Error::Xml(ReadError::EntityForbidden { name }) if name == "secret"),
        "{err:?}"
    );

    // The predefined entities and character references are read.
    let server = TestServer::always(TestResponse::soap11(&group_response(
        1,
        "&lt;R&amp;D&gt; &#233;&#x1D11E; &quot;&apos;",
    )))
    .await;
    let group = call_get_group(&server.url("/API.asmx"))
        .await
        .unwrap()
        .o_group
        .unwrap();
    assert_eq!(group.s_name.as_deref(), Some("<R&D> é𝄞 \"'"));
}

#[tokio::test]
async fn an_html_page_with_a_doctype_is_not_xml_even_when_labelled_so() {
    let page = "<!DOCTYPE html><html><head><title>Sign in</title></head><body>Please sign in</body></html>";
    for content_type in ["text/xml", "application/xhtml+xml"] {
        let server = TestServer::always(TestResponse::text(200, content_type, page)).await;
        let err = call_get_group(&server.url("/API.asmx")).await.unwrap_err();
        assert!(
            matches!(&err, Error::NotXml { status: 200, body_start, .. } if body_start.contains("Please sign in")),
            "{content_type}: {err:?}"
        );
        let err = call_update(&server.url("/api")).await.unwrap_err();
        assert!(
            matches!(&err, Error::RestNotXml { status: 200, body_start, .. } if body_start.contains("Please sign in")),
            "{content_type}: {err:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Truncated and malformed documents

#[tokio::test]
async fn every_truncation_of_an_answer_is_an_error() {
    let full = soap11_envelope(&group_response(5, "Support"));
    let server = TestServer::start(move |req: support::RecordedRequest| {
        let cut: usize = req.path.trim_start_matches("/cut/").parse().unwrap();
        TestResponse::xml(200, full.as_bytes()[..cut].to_vec())
    })
    .await;
    let whole = soap11_envelope(&group_response(5, "Support")).len();
    let mut cuts: Vec<usize> = (0..whole).step_by(13).collect();
    cuts.extend([whole - 1, whole - 2, whole - "</soap:Envelope>".len()]);
    for cut in cuts {
        let err = call_get_group(&server.url(&format!("/cut/{cut}")))
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::Xml(_) | Error::NotXml { .. }),
            "cut at {cut} of {whole}: {err:?}"
        );
    }
    // The whole answer is read.
    let group = call_get_group(&server.url(&format!("/cut/{whole}")))
        .await
        .unwrap();
    assert_eq!(group.o_group.unwrap().i_node_id, 5);

    // On the REST side too.
    let document = r#"<App_UpdateUserGroupPropertiesResponse><response errorCode="0"><entity userGroupName="x" userGroupId="7"/></response></App_UpdateUserGroupPropertiesResponse>"#;
    for cut in (1..document.len()).step_by(7) {
        let server =
            TestServer::always(TestResponse::text(200, "application/xml", &document[..cut])).await;
        let err = call_update(&server.url("/api")).await.unwrap_err();
        assert!(
            matches!(err, Error::Xml(_) | Error::RestNotXml { .. }),
            "cut at {cut}: {err:?}"
        );
    }
}

#[tokio::test]
async fn a_body_with_two_elements_is_refused() {
    let server = TestServer::always(TestResponse::soap11(&format!(
        "{}{}",
        group_response(1, "first"),
        group_response(2, "second")
    )))
    .await;
    let err = call_get_group(&server.url("/API.asmx")).await.unwrap_err();
    match &err {
        Error::UnexpectedElement { expected, found } => {
            assert!(expected.starts_with("nothing after"), "{expected}");
            assert_eq!(found, &format!("{{{NS}}}getGroupResponse"));
        }
        other => panic!("expected Error::UnexpectedElement, got {other:?}"),
    }
}

#[tokio::test]
async fn characters_xml_cannot_carry_are_refused_in_answers() {
    for name in [
        "a\u{0}b",
        "a\u{1b}b",
        "a\u{FFFF}b",
        "&#1;",
        "&#xFFFE;",
        "&#0;",
    ] {
        let server = TestServer::always(TestResponse::soap11(&group_response(1, name))).await;
        let err = call_get_group(&server.url("/API.asmx")).await.unwrap_err();
        assert!(
            matches!(err, Error::Xml(ReadError::Malformed { .. })),
            "{name:?}: {err:?}"
        );
    }
}

#[tokio::test]
async fn nesting_bombs_are_bounded() {
    // SOAP 1.2 subcodes are read recursively: 100,000 levels stop at the depth limit instead
    // of overflowing the stack.
    let nested = format!(
        "<soap:Fault><soap:Code><soap:Value>soap:Sender</soap:Value>{}{}</soap:Code></soap:Fault>",
        "<soap:Subcode><soap:Value>x</soap:Value>".repeat(100_000),
        "</soap:Subcode>".repeat(100_000)
    );
    let server = TestServer::always(TestResponse::soap12(&nested)).await;
    let err = call_get_group(&server.url("/API.asmx")).await.unwrap_err();
    assert!(
        matches!(err, Error::Xml(ReadError::TooDeep { limit: 256 })),
        "{err:?}"
    );

    // Deep content in an element the schema does not describe is skipped, up to the same
    // limit: past it, the answer is refused (quick-xml counts nesting in 16 bits, so no limit
    // would end in an overflow at 65,536 levels).
    let deep = |levels: usize| {
        format!(
            r#"<App_UpdateUserGroupPropertiesResponse><extra>{}{}</extra><response errorCode="0"/></App_UpdateUserGroupPropertiesResponse>"#,
            "<x>".repeat(levels),
            "</x>".repeat(levels)
        )
    };
    let server = TestServer::always(TestResponse::text(200, "application/xml", deep(200))).await;
    let answer = call_update(&server.url("/api")).await.unwrap();
    assert_eq!(answer.response.len(), 1);
    let server = TestServer::always(TestResponse::text(200, "application/xml", deep(70_000))).await;
    let err = call_update(&server.url("/api")).await.unwrap_err();
    assert!(
        matches!(err, Error::Xml(ReadError::TooDeep { limit: 256 })),
        "{err:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Encodings and content types

#[tokio::test]
async fn utf16_answers_are_decoded() {
    let envelope = soap11_envelope(&group_response(9, "Zürich 東京 𝄞 &amp;"))
        .replace("encoding=\"utf-8\"", "encoding=\"utf-16\"");
    for big_endian in [false, true] {
        let server = TestServer::always(TestResponse::text(
            200,
            "text/xml; charset=utf-16",
            utf16(&envelope, big_endian),
        ))
        .await;
        let group = call_get_group(&server.url("/API.asmx"))
            .await
            .unwrap()
            .o_group
            .unwrap();
        assert_eq!(group.s_name.as_deref(), Some("Zürich 東京 𝄞 &"));
        assert_eq!(group.i_node_id, 9);
    }

    // A fault in UTF-16 is a fault.
    let fault = soap11_envelope(
        "<soap:Fault><faultcode>soap:Client</faultcode><faultstring>Ungültig</faultstring></soap:Fault>",
    )
    .replace("encoding=\"utf-8\"", "encoding=\"utf-16\"");
    let server = TestServer::always(TestResponse::text(
        500,
        "text/xml; charset=utf-16",
        utf16(&fault, false),
    ))
    .await;
    let err = call_get_group(&server.url("/API.asmx")).await.unwrap_err();
    assert!(
        err.fault().is_some_and(|f| f.reason == "Ungültig"),
        "{err:?}"
    );

    // An error page in UTF-16 is shown as text.
    let server = TestServer::always(TestResponse::text(
        503,
        "text/html; charset=utf-16",
        utf16("<html>Wartung bis 18 Uhr</html>", false),
    ))
    .await;
    let err = call_get_group(&server.url("/API.asmx")).await.unwrap_err();
    assert!(
        matches!(&err, Error::Http { status: 503, body_start, .. } if body_start == "<html>Wartung bis 18 Uhr</html>"),
        "{err:?}"
    );

    // The REST side.
    let document = r#"<?xml version="1.0" encoding="UTF-16"?><App_UpdateUserGroupPropertiesResponse><response errorCode="0"><entity userGroupName="Ärzte" userGroupId="7"/></response></App_UpdateUserGroupPropertiesResponse>"#;
    let server = TestServer::always(TestResponse::text(
        200,
        "application/xml; charset=utf-16",
        utf16(document, true),
    ))
    .await;
    let answer = call_update(&server.url("/api")).await.unwrap();
    let entity = answer.response[0].entity.as_ref().unwrap();
    assert_eq!(entity.user_group_name.as_deref(), Some("Ärzte"));
}

#[tokio::test]
async fn other_encodings_are_refused_by_name() {
    let envelope = soap11_envelope(&group_response(1, "caf\u{e9}"));
    // Latin-1, declared.
    let latin1: Vec<u8> = envelope
        .replace("encoding=\"utf-8\"", "encoding=\"ISO-8859-1\"")
        .chars()
        .map(|c| u8::try_from(c).unwrap())
        .collect();
    let server = TestServer::always(TestResponse::xml(200, latin1.clone())).await;
    let err = call_get_group(&server.url("/API.asmx")).await.unwrap_err();
    assert!(
        matches!(&err, Error::Xml(ReadError::UnsupportedEncoding { encoding }) if encoding == "ISO-8859-1"),
        "{err:?}"
    );
    assert!(err.to_string().contains("ISO-8859-1"), "{err}");

    // Latin-1 bytes under a UTF-8 declaration: refused, not read as something else.
    let mislabelled: Vec<u8> = envelope.chars().map(|c| u8::try_from(c).unwrap()).collect();
    let server = TestServer::always(TestResponse::xml(200, mislabelled)).await;
    let err = call_get_group(&server.url("/API.asmx")).await.unwrap_err();
    assert!(
        matches!(&err, Error::Xml(ReadError::Malformed { message, .. }) if message.contains("UTF-8")),
        "{err:?}"
    );

    // UTF-16 declaring itself UTF-8.
    let server = TestServer::always(TestResponse::xml(200, utf16(&envelope, false))).await;
    let err = call_get_group(&server.url("/API.asmx")).await.unwrap_err();
    assert!(
        matches!(
            &err,
            Error::Xml(ReadError::EncodingMismatch {
                actual: "UTF-16",
                ..
            })
        ),
        "{err:?}"
    );

    // The Commvault client over the REST runtime.
    let server = TestServer::always(TestResponse::text(
        200,
        "application/xml",
        b"<?xml version=\"1.0\" encoding=\"windows-1252\"?><App_UpdateUserGroupPropertiesResponse><response errorCode=\"0\" errorString=\"\x80\"/></App_UpdateUserGroupPropertiesResponse>".to_vec(),
    ))
    .await;
    let client = CommvaultClient::builder(server.url("/api"))
        .build()
        .unwrap();
    client.set_token(Secret::from("QSDK token")).unwrap();
    let err = bounded(client.update_user_group_by_id(1, Default::default()))
        .await
        .unwrap_err();
    assert!(
        matches!(
            &err,
            CommvaultError::Call(Error::Xml(ReadError::UnsupportedEncoding { encoding })) if encoding == "windows-1252"
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn content_types_decide_what_is_read() {
    let envelope = soap11_envelope(&group_response(3, "ok"));
    // Missing: read as XML. A SOAP 1.2 type for a SOAP 1.1 answer: read.
    for response in [
        TestResponse::new(200).with_body(envelope.clone()),
        TestResponse::text(200, "application/soap+xml; charset=utf-8", envelope.clone()),
        TestResponse::text(200, "APPLICATION/XML", envelope.clone()),
    ] {
        let server = TestServer::always(response).await;
        let answer = call_get_group(&server.url("/API.asmx")).await.unwrap();
        assert_eq!(answer.o_group.unwrap().i_node_id, 3);
    }
    // Not XML: refused, with the body's start to show what came.
    for content_type in ["text/plain", "application/json", "application/octet-stream"] {
        let server =
            TestServer::always(TestResponse::text(200, content_type, envelope.clone())).await;
        let err = call_get_group(&server.url("/API.asmx")).await.unwrap_err();
        assert!(
            matches!(&err, Error::NotXml { status: 200, content_type: Some(ct), body_start }
                if ct == content_type && body_start.starts_with("<?xml")),
            "{content_type}: {err:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Faults and HTTP statuses

#[tokio::test]
async fn soap12_fault_with_detail_and_soap11_fault_without() {
    let server = TestServer::always(
        TestResponse::soap12(
            r#"<soap:Fault><soap:Code><soap:Value>soap:Receiver</soap:Value></soap:Code><soap:Reason><soap:Text xml:lang="en">Database unavailable</soap:Text></soap:Reason><soap:Detail><e:Info xmlns:e="urn:e"><e:Id>77</e:Id></e:Info></soap:Detail></soap:Fault>"#,
        )
        .with_status(500),
    )
    .await;
    let client = api::ApiSoap12::new(soap(&server.url("/API.asmx")));
    let err = bounded(client.get_group(&get_group())).await.unwrap_err();
    let fault = err.fault().expect("a fault");
    assert!(fault.is_server_fault());
    assert_eq!(fault.reason, "Database unavailable");
    assert_eq!(
        fault.detail.as_ref().map(|d| d.as_str()),
        Some(r#"<e:Info xmlns:e="urn:e"><e:Id>77</e:Id></e:Info>"#)
    );
    assert_eq!(err.http_status(), Some(500));

    let server = TestServer::always(TestResponse::soap11_fault(
        "soap:Client",
        "Missing sAuthCode",
        None,
    ))
    .await;
    let err = call_get_group(&server.url("/API.asmx")).await.unwrap_err();
    let fault = err.fault().expect("a fault");
    assert!(fault.is_client_fault());
    assert_eq!(fault.detail, None);
    assert_eq!(
        err.to_string(),
        "the service answered with a SOAP fault `soap:Client`: Missing sAuthCode (HTTP status 500)"
    );
}

#[tokio::test]
async fn http_500_without_a_fault() {
    // An envelope that is not a fault, and an empty body: the status decides.
    for body in [soap11_envelope(&group_response(1, "x")), String::new()] {
        let server = TestServer::always(TestResponse::xml(500, body.clone())).await;
        let err = call_get_group(&server.url("/API.asmx")).await.unwrap_err();
        assert!(
            matches!(&err, Error::Http { status: 500, body_start, .. } if body.starts_with(body_start.as_str())),
            "{err:?}"
        );
    }
    // A fault that cannot be read as one is still an HTTP error, not a hang or a panic.
    let server = TestServer::always(TestResponse::xml(
        500,
        soap11_envelope("<soap:Fault><faultstring>cut"),
    ))
    .await;
    let err = call_get_group(&server.url("/API.asmx")).await.unwrap_err();
    assert!(matches!(err, Error::Http { status: 500, .. }), "{err:?}");
}

#[tokio::test]
async fn redirects_are_reported_and_never_followed() {
    let target = TestServer::always(TestResponse::soap11(&group_response(1, "moved"))).await;
    for status in [301, 302, 303, 307, 308] {
        let server = TestServer::always(
            TestResponse::new(status).with_header("location", &target.url("/API.asmx")),
        )
        .await;
        let err = call_get_group(&server.url("/API.asmx")).await.unwrap_err();
        assert!(
            matches!(err, Error::Http { status: s, .. } if s == status),
            "{status}: {err:?}"
        );
        assert_eq!(err.http_status(), Some(status));
        let err = call_update(&server.url("/api")).await.unwrap_err();
        assert!(
            matches!(err, Error::RestStatus { status: s, .. } if s == status),
            "{status}: {err:?}"
        );
        assert_eq!(server.request_count(), 2);
    }
    assert_eq!(target.request_count(), 0, "a redirect was followed");
}

// ---------------------------------------------------------------------------------------------
// Broken connections

/// A server on 127.0.0.1 that runs `behaviour` on every connection it accepts.
struct RawServer {
    addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl RawServer {
    async fn start<F, Fut>(behaviour: F) -> RawServer
    where
        F: Fn(TcpStream) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(behaviour(stream));
            }
        });
        RawServer { addr, task }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Reads one HTTP request (headers, then `Content-Length` bytes of body).
async fn read_request(stream: &mut TcpStream) {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let Ok(n) = stream.read(&mut buf).await else {
            return;
        };
        if n == 0 {
            return;
        }
        data.extend_from_slice(&buf[..n]);
        let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&data[..end]).to_ascii_lowercase();
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        if data.len() >= end + 4 + length {
            return;
        }
    }
}

const PARTIAL_HEAD: &[u8] =
    b"HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=utf-8\r\nContent-Length: 5000\r\n\r\n<?xml version=\"1.0\"?><soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>";

fn short_timeouts_soap(url: &str) -> api::ApiSoap {
    api::ApiSoap::new(
        SoapClient::builder(url)
            .timeout(Duration::from_millis(300))
            .build()
            .unwrap(),
    )
}

fn short_timeouts_rest(url: &str) -> RestClient {
    RestClient::builder(url)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap()
}

async fn rest_update(
    client: &RestClient,
) -> Result<cv::AppUpdateUserGroupPropertiesResponse, Error> {
    let request = cv::AppUpdateUserGroupPropertiesRequest {
        groups: cv::UserGroupProperties::default(),
    };
    bounded(client.post_xml("UserGroup/1", &UPDATE, &request, &Default::default())).await
}

#[tokio::test]
async fn a_server_that_accepts_and_never_answers_times_out() {
    let server = RawServer::start(|stream| async move {
        // Hold the connection open without reading or writing.
        let _held = stream;
        std::future::pending::<()>().await;
    })
    .await;
    let err = bounded(short_timeouts_soap(&server.url("/API.asmx")).get_group(&get_group()))
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    let err = rest_update(&short_timeouts_rest(&server.url("/api")))
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
}

#[tokio::test]
async fn a_body_that_stops_coming_times_out() {
    let server = RawServer::start(|mut stream| async move {
        read_request(&mut stream).await;
        let _ = stream.write_all(PARTIAL_HEAD).await;
        let _ = stream.flush().await;
        std::future::pending::<()>().await;
    })
    .await;
    let err = bounded(short_timeouts_soap(&server.url("/API.asmx")).get_group(&get_group()))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout), "{err:?}");
    let err = rest_update(&short_timeouts_rest(&server.url("/api")))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout), "{err:?}");
}

#[tokio::test]
async fn a_connection_reset_mid_body_is_a_transport_error() {
    let server = RawServer::start(|mut stream| async move {
        read_request(&mut stream).await;
        let _ = stream.write_all(PARTIAL_HEAD).await;
        let _ = stream.flush().await;
        // Give the client the head, then reset (RST, not FIN).
        tokio::time::sleep(Duration::from_millis(50)).await;
        let _ = stream.set_zero_linger();
        drop(stream);
    })
    .await;
    let err = call_get_group(&server.url("/API.asmx")).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert!(
        err.to_string()
            .starts_with("the connection failed while the response was being read"),
        "{err}"
    );
    let err = call_update(&server.url("/api")).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
}

#[tokio::test]
async fn a_connection_closed_early_is_a_transport_error() {
    // Closed before the body is complete.
    let server = RawServer::start(|mut stream| async move {
        read_request(&mut stream).await;
        let _ = stream.write_all(PARTIAL_HEAD).await;
        let _ = stream.shutdown().await;
    })
    .await;
    let err = call_get_group(&server.url("/API.asmx")).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");

    // Closed without any answer.
    let server = RawServer::start(|mut stream| async move {
        read_request(&mut stream).await;
        let _ = stream.shutdown().await;
    })
    .await;
    let err = call_get_group(&server.url("/API.asmx")).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    let err = call_update(&server.url("/api")).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");

    // Not HTTP at all.
    let server = RawServer::start(|mut stream| async move {
        read_request(&mut stream).await;
        let _ = stream.write_all(b"SSH-2.0-OpenSSH_9.6\r\n").await;
        let _ = stream.shutdown().await;
    })
    .await;
    let err = call_get_group(&server.url("/API.asmx")).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
}

// ---------------------------------------------------------------------------------------------
// The size cap, at its edge

#[tokio::test]
async fn the_size_cap_is_exact() {
    let envelope = soap11_envelope(&group_response(4, "edge"));
    let size = envelope.len();
    for streamed in [false, true] {
        let response = if streamed {
            TestResponse::streamed(200, "text/xml", envelope.clone(), 1)
        } else {
            TestResponse::xml(200, envelope.clone())
        };
        let server = TestServer::always(response).await;
        for (limit, fits) in [(size, true), (size - 1, false)] {
            let client = api::ApiSoap::new(
                SoapClient::builder(server.url("/API.asmx"))
                    .max_response_bytes(limit)
                    .build()
                    .unwrap(),
            );
            let outcome = bounded(client.get_group(&get_group())).await;
            match (fits, outcome) {
                (true, Ok(answer)) => assert_eq!(answer.o_group.unwrap().i_node_id, 4),
                (false, Err(Error::BodyTooLarge { limit: l })) => assert_eq!(l, limit),
                (_, other) => panic!("limit {limit}, streamed {streamed}: {other:?}"),
            }
        }
    }
    assert_eq!(
        wsclient::soap::DEFAULT_MAX_RESPONSE_BYTES,
        32 * 1024 * 1024,
        "the documented default"
    );
}

// ---------------------------------------------------------------------------------------------
// Requests

#[tokio::test]
async fn characters_xml_cannot_carry_are_refused_before_anything_is_sent() {
    let server = TestServer::always(TestResponse::soap11("")).await;
    let bad = [
        '\u{0}', '\u{1}', '\u{b}', '\u{c}', '\u{1f}', '\u{fffe}', '\u{ffff}',
    ];

    // Rescue: the element is named, and the value is not repeated.
    let rescue = RescueClient::builder()
        .endpoint(server.url("/API.asmx"))
        .build()
        .unwrap();
    for c in bad {
        let request = api::SetGroupV2 {
            i_node_id: 1,
            s_name: Some("ok".into()),
            e_node_status: api::NodeStatus::Enabled,
            s_description: Some(format!("private-text{c}")),
            a_permissions: None,
            a_locked_permissions: None,
            i_standard_concurrent_limit: 1,
            i_mobile_concurrent_limit: 1,
            i_rpat_concurrent_limit: 1,
            s_auth_code: Some("code".into()),
        };
        let err = bounded(rescue.set_group_v2(request)).await.unwrap_err();
        match &err {
            RescueError::Soap(Error::Write(WriteError::InvalidCharacter {
                element,
                character,
                position,
            })) => {
                assert_eq!(element, "setGroup_v2/sDescription");
                assert_eq!(*character, c);
                assert_eq!(*position, "private-text".len());
            }
            other => panic!("{c:?}: expected Error::Write, got {other:?}"),
        }
        assert!(!err.to_string().contains("private-text"), "{err}");
    }

    // Archer: the password field.
    let archer = ArcherClient::builder(server.url("/archer"))
        .build()
        .unwrap();
    let err = bounded(archer.login("apiuser", "Production", "hunter2\u{0}"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ArcherError::Soap { source: Error::Write(WriteError::InvalidCharacter { element, .. }), .. }
            if element == "CreateUserSessionFromInstance/password"),
        "{err:?}"
    );
    assert!(!format!("{err} {err:?}").contains("hunter2"), "{err:?}");

    // Commvault: an attribute is named as `element/@attribute`.
    let commvault = CommvaultClient::builder(server.url("/api"))
        .build()
        .unwrap();
    commvault.set_token(Secret::from("QSDK token")).unwrap();
    let mut group = cv::UserGroupProperties::new(cv::UserGroupEntity::by_id(3));
    group.security_associations = Some(cv::SecurityAssociations {
        associations_operation_type: cv::OperationType::Add,
        associations: vec![cv::SecurityAssociation {
            entities: cv::Entities {
                entity: vec![cv::Entity {
                    client_name: Some("c1".into()),
                    ..Default::default()
                }],
            },
            properties: cv::AssociationProperties {
                choice: cv::AssociationPropertiesChoice::CategoryPermission(
                    cv::CategoryPermission {
                        categories_permission_list: vec![cv::PermissionOrCategory {
                            permission_name: Some("View\u{1}".into()),
                            category_name: None,
                        }],
                    },
                ),
            },
        }],
    });
    let err = bounded(commvault.update_user_group_by_id(3, group))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, CommvaultError::Call(Error::Write(WriteError::InvalidCharacter { element, character: '\u{1}', .. }))
            if element.ends_with("/categoriesPermissionList/@permissionName")),
        "{err:?}"
    );

    assert_eq!(server.request_count(), 0, "a request was sent");
}

#[tokio::test]
async fn markup_in_request_values_reaches_the_service_as_text() {
    let server = TestServer::always(TestResponse::soap11(&group_response(1, "x"))).await;
    let tricky = "</sName><injected/>]]>&amp;\"'\r\n\t é 𝄞";
    let request = api::GetGroup {
        i_node_id: 1,
        s_auth_code: Some(tricky.into()),
    };
    bounded(rescue11(&server.url("/API.asmx")).get_group(&request))
        .await
        .unwrap();
    let body = server.last_request().unwrap().body;
    let (_, name, children) = support::body_child(&body);
    assert_eq!(name, "getGroup");
    assert_eq!(children.len(), 2, "{children:?}");
    assert_eq!(children[1].1, "sAuthCode");
    assert_eq!(children[1].2, tricky);
}

#[test]
fn the_helper_envelopes_are_well_formed() {
    // The helpers above build on the shared envelopes; a broken one would make every
    // negative test here pass for the wrong reason.
    for envelope in [
        soap11_envelope(&group_response(1, "a")),
        soap12_envelope(&group_response(1, "a")),
    ] {
        roxmltree::Document::parse(&envelope).unwrap();
    }
}
