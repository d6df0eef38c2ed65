//! The SOAP runtime against an in-process HTTP server, with hand-written request and response
//! types shaped like generated code.

mod support;

use std::time::{Duration, Instant};

use support::{
    body_child, envelope_ns, header_children, LogCapture, RecordedRequest, TestResponse,
    TestServer, SOAP11_NS, SOAP12_NS,
};
use wsclient::soap::{Operation, SoapClient, SoapVersion};
use wsclient::xml::{Field, FromXml, ReadError, Start, ToXml, WriteError, XmlReader, XmlWriter};
use wsclient::Error;

const NS: &str = "https://example.com/API/";
const ACTION: &str = "https://example.com/API/setGroup_v2";

const SET_GROUP_11: Operation = Operation {
    name: "setGroup_v2",
    soap_action: ACTION,
    version: SoapVersion::V11,
    input: Field::new(Some(NS), "setGroup_v2"),
    output: Some(Field::new(Some(NS), "setGroup_v2Response")),
};

const SET_GROUP_12: Operation = Operation {
    version: SoapVersion::V12,
    ..SET_GROUP_11
};

const NOTIFY: Operation = Operation {
    name: "notify",
    soap_action: "https://example.com/API/notify",
    version: SoapVersion::V11,
    input: Field::new(Some(NS), "notify"),
    output: None,
};

/// A request type as generated code writes it.
struct SetGroup {
    group_id: i32,
    name: String,
    note: Option<String>,
}

impl ToXml for SetGroup {
    fn write_content(&self, w: &mut XmlWriter) -> Result<(), WriteError> {
        w.element(Some(NS), "iGroupID", &self.group_id)?;
        w.element(Some(NS), "sName", &self.name)?;
        w.optional(Some(NS), "sNote", &self.note)
    }
}

/// A response type as generated code reads it.
#[derive(Debug, PartialEq)]
struct SetGroupResponse {
    result: String,
    group_id: Option<i32>,
}

impl FromXml for SetGroupResponse {
    fn from_xml(r: &mut XmlReader<'_>, start: &Start<'_>) -> Result<Self, ReadError> {
        const FIELDS: &[Field] = &[
            Field::new(Some(NS), "setGroup_v2Result"),
            Field::new(Some(NS), "iGroupID"),
        ];
        let mut result = None;
        let mut group_id = None;
        while let Some((i, child)) = r.next_child(start, FIELDS)? {
            match i {
                0 => result = Some(r.read(&child)?),
                1 => group_id = Some(r.read(&child)?),
                _ => r.skip(&child)?,
            }
        }
        Ok(SetGroupResponse {
            result: r.required(result, start, "setGroup_v2Result")?,
            group_id,
        })
    }
}

/// A SOAP header value.
struct AuthHeader {
    token: String,
}

impl ToXml for AuthHeader {
    fn write_content(&self, w: &mut XmlWriter) -> Result<(), WriteError> {
        w.element(Some(NS), "Token", &self.token)
    }
}

fn request() -> SetGroup {
    SetGroup {
        group_id: 7,
        name: "Sales & <Ops>".into(),
        note: None,
    }
}

const GOOD_RESPONSE: &str = r#"<setGroup_v2Response xmlns="https://example.com/API/"><setGroup_v2Result>OK</setGroup_v2Result><iGroupID>7</iGroupID><futureField>ignored</futureField></setGroup_v2Response>"#;

fn client(server: &TestServer) -> SoapClient {
    SoapClient::builder(server.url("/API/API.asmx"))
        .build()
        .expect("client")
}

fn expected_response() -> SetGroupResponse {
    SetGroupResponse {
        result: "OK".into(),
        group_id: Some(7),
    }
}

fn check_request_body(req: &RecordedRequest) {
    let (ns, name, children) = body_child(&req.body);
    assert_eq!((ns.as_str(), name.as_str()), (NS, "setGroup_v2"));
    assert_eq!(
        children,
        vec![
            (NS.to_owned(), "iGroupID".to_owned(), "7".to_owned()),
            (
                NS.to_owned(),
                "sName".to_owned(),
                "Sales & <Ops>".to_owned()
            ),
        ]
    );
}

#[tokio::test]
async fn soap11_request_and_response() {
    let server = TestServer::start(|req| {
        TestResponse::soap11(GOOD_RESPONSE)
            .with_header("x-seen-action", req.header("soapaction").unwrap_or("-"))
    })
    .await;
    let resp: SetGroupResponse = client(&server)
        .call(&SET_GROUP_11, &request())
        .await
        .unwrap();
    assert_eq!(resp, expected_response());

    let reqs = server.requests();
    assert_eq!(reqs.len(), 1);
    let req = &reqs[0];
    assert_eq!(req.method, "POST");
    assert_eq!(req.path, "/API/API.asmx");
    assert_eq!(req.header("Content-Type"), Some("text/xml; charset=utf-8"));
    assert_eq!(
        req.header("SOAPAction"),
        Some(format!("\"{ACTION}\"").as_str())
    );
    let ua = req.header("user-agent").unwrap();
    assert!(ua.starts_with("wsclient/"), "{ua}");
    assert_eq!(envelope_ns(&req.body), SOAP11_NS);
    assert!(header_children(&req.body).is_empty());
    let text = req.body_text();
    assert!(
        text.starts_with(r#"<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/""#),
        "{text}"
    );
    assert!(
        text.contains(r#"<soap:Body><setGroup_v2 xmlns="https://example.com/API/">"#),
        "{text}"
    );
    check_request_body(req);
}

#[tokio::test]
async fn soap12_request_and_response() {
    let server = TestServer::always(TestResponse::soap12(GOOD_RESPONSE)).await;
    let resp: SetGroupResponse = client(&server)
        .call(&SET_GROUP_12, &request())
        .await
        .unwrap();
    assert_eq!(resp, expected_response());

    let req = server.last_request().unwrap();
    assert_eq!(
        req.header("content-type"),
        Some(format!("application/soap+xml; charset=utf-8; action=\"{ACTION}\"").as_str())
    );
    assert!(!req.has_header("soapaction"));
    assert_eq!(envelope_ns(&req.body), SOAP12_NS);
    assert!(req.body_text().contains("<soap12:Envelope xmlns:soap12="));
    check_request_body(&req);
}

#[tokio::test]
async fn soap11_response_to_a_soap12_request_is_accepted() {
    let server = TestServer::always(TestResponse::soap11(GOOD_RESPONSE)).await;
    let resp: SetGroupResponse = client(&server)
        .call(&SET_GROUP_12, &request())
        .await
        .unwrap();
    assert_eq!(resp, expected_response());
}

#[tokio::test]
async fn soap_headers_are_written() {
    let server = TestServer::always(TestResponse::soap11(GOOD_RESPONSE)).await;
    let auth = AuthHeader {
        token: "tok-123".into(),
    };
    let headers: [(Field, &dyn ToXml); 1] = [(Field::new(Some(NS), "AuthHeader"), &auth)];
    let resp: SetGroupResponse = client(&server)
        .call_with_headers(&SET_GROUP_11, &headers, &request())
        .await
        .unwrap();
    assert_eq!(resp, expected_response());
    let req = server.last_request().unwrap();
    assert_eq!(
        header_children(&req.body),
        vec![(NS.to_owned(), "AuthHeader".to_owned(), "tok-123".to_owned())]
    );
    check_request_body(&req);
}

#[tokio::test]
async fn soap11_fault_with_detail() {
    let server = TestServer::always(TestResponse::soap11_fault(
        "soap:Server",
        "Server was unable to process request. ---> Invalid group",
        Some(r#"<ErrorInfo xmlns="urn:err"><Code>42</Code></ErrorInfo>"#),
    ))
    .await;
    let err = client(&server)
        .call::<_, SetGroupResponse>(&SET_GROUP_11, &request())
        .await
        .unwrap_err();
    let Error::Fault(fault) = &err else {
        panic!("expected a fault, got {err:?}");
    };
    assert_eq!(fault.version, SoapVersion::V11);
    assert_eq!(fault.code, "soap:Server");
    assert_eq!(fault.code_local, "Server");
    assert_eq!(fault.code_ns.as_deref(), Some(SOAP11_NS));
    assert!(fault.is_server_fault());
    assert_eq!(
        fault.reason,
        "Server was unable to process request. ---> Invalid group"
    );
    assert_eq!(
        fault.detail.as_ref().map(|d| d.as_str()),
        Some(r#"<ErrorInfo xmlns="urn:err"><Code>42</Code></ErrorInfo>"#)
    );
    assert_eq!(fault.http_status, Some(500));
    assert_eq!(err.http_status(), Some(500));
    assert_eq!(
        err.to_string(),
        "the service answered with a SOAP fault `soap:Server`: Server was unable to process request. ---> Invalid group (HTTP status 500)"
    );
}

#[tokio::test]
async fn soap12_fault_with_subcode() {
    let server = TestServer::always(TestResponse::soap12_fault(
        "soap:Sender",
        &["m:InvalidSession", "m:Expired"],
        "The session has expired",
    ))
    .await;
    let err = client(&server)
        .call::<_, SetGroupResponse>(&SET_GROUP_12, &request())
        .await
        .unwrap_err();
    let fault = err.fault().expect("a fault");
    assert_eq!(fault.version, SoapVersion::V12);
    assert_eq!(fault.code, "soap:Sender");
    assert!(fault.is_client_fault());
    assert_eq!(fault.subcodes, vec!["m:InvalidSession", "m:Expired"]);
    assert_eq!(fault.reason, "The session has expired");
    assert_eq!(fault.http_status, Some(400));
    assert!(err
        .to_string()
        .contains("(m:InvalidSession / m:Expired): The session has expired"));
}

#[tokio::test]
async fn fault_with_status_200_is_still_a_fault() {
    let server =
        TestServer::always(TestResponse::soap11_fault("soap:Client", "bad", None).with_status(200))
            .await;
    let err = client(&server)
        .call::<_, SetGroupResponse>(&SET_GROUP_11, &request())
        .await
        .unwrap_err();
    assert!(err
        .fault()
        .is_some_and(|f| f.is_client_fault() && f.http_status == Some(200)));
}

#[tokio::test]
async fn http_500_with_an_html_page() {
    let server = TestServer::always(TestResponse::html(
        500,
        "<html><body><h1>Runtime Error</h1></body></html>",
    ))
    .await;
    let err = client(&server)
        .call::<_, SetGroupResponse>(&SET_GROUP_11, &request())
        .await
        .unwrap_err();
    match &err {
        Error::Http {
            status,
            content_type,
            body_start,
        } => {
            assert_eq!(*status, 500);
            assert_eq!(content_type.as_deref(), Some("text/html; charset=utf-8"));
            assert!(body_start.contains("Runtime Error"));
        }
        other => panic!("expected Error::Http, got {other:?}"),
    }
    let message = err.to_string();
    assert!(message.contains("HTTP status 500"), "{message}");
    assert!(message.contains("Runtime Error"), "{message}");
}

#[tokio::test]
async fn http_200_with_an_html_page() {
    let page = format!(
        "<html><body>{}</body></html>",
        "Please log in. ".repeat(100)
    );
    let server = TestServer::always(TestResponse::html(200, page.clone())).await;
    let err = client(&server)
        .call::<_, SetGroupResponse>(&SET_GROUP_11, &request())
        .await
        .unwrap_err();
    match &err {
        Error::NotXml {
            status,
            content_type,
            body_start,
        } => {
            assert_eq!(*status, 200);
            assert_eq!(content_type.as_deref(), Some("text/html; charset=utf-8"));
            assert_eq!(body_start.as_str(), &page[..512]);
        }
        other => panic!("expected Error::NotXml, got {other:?}"),
    }
}

#[tokio::test]
async fn envelope_with_a_non_xml_content_type_is_refused() {
    let server = TestServer::always(TestResponse::text(
        200,
        "text/html",
        support::soap11_envelope(GOOD_RESPONSE),
    ))
    .await;
    let err = client(&server)
        .call::<_, SetGroupResponse>(&SET_GROUP_11, &request())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotXml { status: 200, .. }), "{err:?}");
}

#[tokio::test]
async fn http_404() {
    let server = TestServer::always(TestResponse::new(404)).await;
    let err = client(&server)
        .call::<_, SetGroupResponse>(&SET_GROUP_11, &request())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Http { status: 404, content_type: None, body_start } if body_start.is_empty()),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "the service answered with HTTP status 404 and no SOAP fault (no content type); the body is empty"
    );
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let server =
        TestServer::always(TestResponse::new(302).with_header("location", "/login.aspx")).await;
    let err = client(&server)
        .call::<_, SetGroupResponse>(&SET_GROUP_11, &request())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Http { status: 302, .. }), "{err:?}");
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn body_over_the_size_cap_with_content_length() {
    let big = support::soap11_envelope(&format!(
        "<setGroup_v2Response xmlns=\"{NS}\"><setGroup_v2Result>{}</setGroup_v2Result></setGroup_v2Response>",
        "x".repeat(64 * 1024)
    ));
    let server = TestServer::always(TestResponse::xml(200, big)).await;
    let client = SoapClient::builder(server.url("/"))
        .max_response_bytes(16 * 1024)
        .build()
        .unwrap();
    let err = client
        .call::<_, SetGroupResponse>(&SET_GROUP_11, &request())
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::BodyTooLarge { limit: 16384 }),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "the response body is larger than the limit of 16384 bytes; the call was abandoned"
    );
}

#[tokio::test]
async fn body_over_the_size_cap_is_stopped_while_streaming() {
    // 64 KiB x 1,000,000 = about 65 GB, sent chunked: only a limit enforced chunk by chunk
    // ends this quickly.
    let server = TestServer::always(TestResponse::streamed(
        200,
        "text/xml",
        vec![b' '; 64 * 1024],
        1_000_000,
    ))
    .await;
    let client = SoapClient::builder(server.url("/"))
        .max_response_bytes(1024 * 1024)
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client
        .call::<_, SetGroupResponse>(&SET_GROUP_11, &request())
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::BodyTooLarge { limit: 1_048_576 }),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test]
async fn streamed_body_within_the_cap_is_read() {
    let envelope = support::soap11_envelope(GOOD_RESPONSE);
    let server = TestServer::always(TestResponse::streamed(200, "text/xml", envelope, 1)).await;
    let resp: SetGroupResponse = client(&server)
        .call(&SET_GROUP_11, &request())
        .await
        .unwrap();
    assert_eq!(resp, expected_response());
}

#[tokio::test]
async fn body_without_a_child() {
    let server = TestServer::always(TestResponse::soap11("")).await;
    let err = client(&server)
        .call::<_, SetGroupResponse>(&SET_GROUP_11, &request())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::EmptyBody { expected } if expected.contains("setGroup_v2Response")),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "the response has an empty SOAP Body where `{https://example.com/API/}setGroup_v2Response` was expected"
    );
}

#[tokio::test]
async fn body_with_an_unexpected_element() {
    let server = TestServer::always(TestResponse::soap11(
        r#"<getGroupResponse xmlns="https://example.com/API/"/>"#,
    ))
    .await;
    let err = client(&server)
        .call::<_, SetGroupResponse>(&SET_GROUP_11, &request())
        .await
        .unwrap_err();
    match &err {
        Error::UnexpectedElement { expected, found } => {
            assert_eq!(expected, "`{https://example.com/API/}setGroup_v2Response`");
            assert_eq!(found, "{https://example.com/API/}getGroupResponse");
        }
        other => panic!("expected Error::UnexpectedElement, got {other:?}"),
    }
}

#[tokio::test]
async fn response_missing_a_required_element() {
    let server = TestServer::always(TestResponse::soap11(
        r#"<setGroup_v2Response xmlns="https://example.com/API/"><iGroupID>7</iGroupID></setGroup_v2Response>"#,
    ))
    .await;
    let err = client(&server)
        .call::<_, SetGroupResponse>(&SET_GROUP_11, &request())
        .await
        .unwrap_err();
    assert!(
        matches!(
            &err,
            Error::Xml(ReadError::MissingElement {
                element: "setGroup_v2Result",
                ..
            })
        ),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .starts_with("the response could not be read: "),
        "{err}"
    );
}

#[tokio::test]
async fn response_with_an_invalid_value() {
    let server = TestServer::always(TestResponse::soap11(
        r#"<setGroup_v2Response xmlns="https://example.com/API/"><setGroup_v2Result>OK</setGroup_v2Result><iGroupID>seven</iGroupID></setGroup_v2Response>"#,
    ))
    .await;
    let err = client(&server)
        .call::<_, SetGroupResponse>(&SET_GROUP_11, &request())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Xml(ReadError::InvalidValue { .. })),
        "{err:?}"
    );
}

#[tokio::test]
async fn timeout() {
    let server =
        TestServer::always(TestResponse::soap11(GOOD_RESPONSE).with_delay(Duration::from_secs(5)))
            .await;
    let client = SoapClient::builder(server.url("/"))
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client
        .call::<_, SetGroupResponse>(&SET_GROUP_11, &request())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout), "{err:?}");
    assert!(err.is_timeout());
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn timeout_applies_to_an_injected_http_client() {
    let server =
        TestServer::always(TestResponse::soap11(GOOD_RESPONSE).with_delay(Duration::from_secs(5)))
            .await;
    let client = SoapClient::builder(server.url("/"))
        .http_client(reqwest::Client::new())
        .timeout(Duration::from_millis(200))
        .user_agent("custom-agent/1")
        .build()
        .unwrap();
    assert!(client.cookies().is_none());
    let err = client
        .call::<_, SetGroupResponse>(&SET_GROUP_11, &request())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout), "{err:?}");
    assert_eq!(
        server.last_request().unwrap().header("user-agent"),
        Some("custom-agent/1")
    );
}

#[tokio::test]
async fn connection_refused_is_a_transport_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let client = SoapClient::builder(format!("http://{addr}/API.asmx"))
        .build()
        .unwrap();
    let err = client
        .call::<_, SetGroupResponse>(&SET_GROUP_11, &request())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    let message = err.to_string();
    assert!(
        message.starts_with("could not connect to the service"),
        "{message}"
    );
    assert!(std::error::Error::source(&err).is_some());
}

#[tokio::test]
async fn session_cookie_round_trip() {
    let server = TestServer::start(|req| {
        if req.cookie("ASP.NET_SessionId").is_none() {
            TestResponse::soap11(GOOD_RESPONSE).with_header(
                "set-cookie",
                "ASP.NET_SessionId=abc123; path=/; HttpOnly; SameSite=Lax",
            )
        } else {
            TestResponse::soap11(GOOD_RESPONSE)
        }
    })
    .await;
    let client = client(&server);
    assert!(!client.has_cookie("ASP.NET_SessionId"));
    let _: SetGroupResponse = client.call(&SET_GROUP_11, &request()).await.unwrap();
    assert!(client.has_cookie("ASP.NET_SessionId"));
    assert!(!client.has_cookie("other"));

    let _: SetGroupResponse = client.call(&SET_GROUP_11, &request()).await.unwrap();
    // Another endpoint of the same server shares the session.
    let other = client.with_endpoint(server.url("/API/Other.asmx")).unwrap();
    let _: SetGroupResponse = other.call(&SET_GROUP_11, &request()).await.unwrap();
    // So does a clone.
    let _: SetGroupResponse = client
        .clone()
        .call(&SET_GROUP_11, &request())
        .await
        .unwrap();

    let reqs = server.requests();
    assert_eq!(reqs.len(), 4);
    assert_eq!(reqs[0].cookie("ASP.NET_SessionId"), None);
    for req in &reqs[1..] {
        assert_eq!(req.cookie("ASP.NET_SessionId").as_deref(), Some("abc123"));
    }
    assert_eq!(reqs[2].path, "/API/Other.asmx");
}

#[tokio::test]
async fn cookies_can_be_turned_off() {
    let server = TestServer::always(
        TestResponse::soap11(GOOD_RESPONSE)
            .with_header("set-cookie", "ASP.NET_SessionId=abc; path=/"),
    )
    .await;
    let client = SoapClient::builder(server.url("/"))
        .cookie_store(false)
        .build()
        .unwrap();
    for _ in 0..2 {
        let _: SetGroupResponse = client.call(&SET_GROUP_11, &request()).await.unwrap();
    }
    assert!(client.cookies().is_none());
    assert!(!client.has_cookie("ASP.NET_SessionId"));
    assert!(server.requests().iter().all(|r| !r.has_header("cookie")));
}

#[tokio::test]
async fn nul_character_is_refused_before_sending() {
    let server = TestServer::always(TestResponse::soap11(GOOD_RESPONSE)).await;
    let req = SetGroup {
        group_id: 1,
        name: "secret-name\u{0}".into(),
        note: None,
    };
    let err = client(&server)
        .call::<_, SetGroupResponse>(&SET_GROUP_11, &req)
        .await
        .unwrap_err();
    match &err {
        Error::Write(WriteError::InvalidCharacter {
            element, character, ..
        }) => {
            assert_eq!(element, "setGroup_v2/sName");
            assert_eq!(*character, '\0');
        }
        other => panic!("expected Error::Write, got {other:?}"),
    }
    let message = err.to_string();
    assert!(message.contains("setGroup_v2/sName"), "{message}");
    assert!(!message.contains("secret-name"), "{message}");
    assert_eq!(server.request_count(), 0);
}

#[tokio::test]
async fn one_way_operations() {
    let server = TestServer::sequence(vec![
        TestResponse::new(202),
        TestResponse::soap11(""),
        TestResponse::soap11_fault("soap:Server", "down", None),
        TestResponse::html(200, "<html/>"),
        TestResponse::new(503),
    ])
    .await;
    let client = client(&server);
    client.call_one_way(&NOTIFY, &request()).await.unwrap();
    client.call_one_way(&NOTIFY, &request()).await.unwrap();
    let err = client.call_one_way(&NOTIFY, &request()).await.unwrap_err();
    assert!(err.fault().is_some_and(|f| f.reason == "down"), "{err:?}");
    let err = client.call_one_way(&NOTIFY, &request()).await.unwrap_err();
    assert!(matches!(err, Error::NotXml { status: 200, .. }), "{err:?}");
    let err = client.call_one_way(&NOTIFY, &request()).await.unwrap_err();
    assert!(matches!(err, Error::Http { status: 503, .. }), "{err:?}");
    assert_eq!(server.request_count(), 5);
    let (_, name, _) = body_child(&server.requests()[0].body);
    assert_eq!(name, "notify");
    assert_eq!(
        server.requests()[0].header("soapaction"),
        Some("\"https://example.com/API/notify\"")
    );

    // Calling a one-way operation for a response is refused without sending anything.
    let err = client
        .call::<_, SetGroupResponse>(&NOTIFY, &request())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::OneWay {
                operation: "notify"
            }
        ),
        "{err:?}"
    );
    assert_eq!(server.request_count(), 5);
}

#[tokio::test]
async fn async_handlers_and_concurrent_calls_from_many_tasks() {
    let server = TestServer::start(|req| async move {
        tokio::time::sleep(Duration::from_millis(20)).await;
        let (_, _, children) = body_child(&req.body);
        let id = &children[0].2;
        TestResponse::soap11(&format!(
            r#"<setGroup_v2Response xmlns="{NS}"><setGroup_v2Result>done {id}</setGroup_v2Result><iGroupID>{id}</iGroupID></setGroup_v2Response>"#
        ))
    })
    .await;
    let client = client(&server);
    let tasks: Vec<_> = (0..16)
        .map(|i| {
            let req = SetGroup {
                group_id: i,
                name: format!("group {i}"),
                note: Some("n".into()),
            };
            // The future owns what it needs: it can be spawned.
            tokio::spawn(client.call::<_, SetGroupResponse>(&SET_GROUP_11, &req))
        })
        .collect();
    for (i, task) in tasks.into_iter().enumerate() {
        let resp = task.await.unwrap().unwrap();
        assert_eq!(resp.group_id, Some(i as i32));
        assert_eq!(resp.result, format!("done {i}"));
    }
    assert_eq!(server.request_count(), 16);
}

#[tokio::test]
async fn logs_name_the_operation_but_never_the_bodies() {
    let capture = LogCapture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    support::trace_everything_globally();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = TestServer::sequence(vec![
        TestResponse::soap11(GOOD_RESPONSE),
        TestResponse::soap11_fault("soap:Server", "fault-reason-text", None),
    ])
    .await;
    let client = client(&server);
    let auth = AuthHeader {
        token: "header-token-value".into(),
    };
    let headers: [(Field, &dyn ToXml); 1] = [(Field::new(Some(NS), "AuthHeader"), &auth)];
    let req = SetGroup {
        group_id: 3,
        name: "request-body-text".into(),
        note: None,
    };
    let _: SetGroupResponse = client
        .call_with_headers(&SET_GROUP_11, &headers, &req)
        .await
        .unwrap();
    let _ = client
        .call_with_headers::<_, SetGroupResponse>(&SET_GROUP_11, &headers, &req)
        .await
        .unwrap_err();

    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("soap_call"), "{logs}");
    assert!(logs.contains("setGroup_v2"), "{logs}");
    assert!(logs.contains("status=200"), "{logs}");
    assert!(logs.contains("status=500"), "{logs}");
    assert!(logs.contains("SOAP fault"), "{logs}");
    for secret in [
        "request-body-text",
        "header-token-value",
        "fault-reason-text",
        ACTION,
    ] {
        assert!(!logs.contains(secret), "the logs show {secret:?}:\n{logs}");
    }
}
