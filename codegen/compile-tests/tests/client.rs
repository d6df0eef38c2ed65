//! The generated port clients against a minimal in-process HTTP server: the SOAP version and
//! action baked into each port, one-way operations, SOAP headers and rpc/literal bodies.

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use wsclient::soap::SoapClient;
use wsclient_codegen_tests::{bindings, headers, rpc_literal};

/// Serves one request with the given answer; the handle yields the request as received.
async fn serve_once(
    status: &'static str,
    content_type: &'static str,
    body: &str,
) -> (String, JoinHandle<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/service.asmx", listener.local_addr().unwrap());
    let response = format!(
        "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n\
         connection: close\r\n\r\n{body}",
        body.len()
    );
    let handle = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = Vec::new();
        let mut chunk = [0u8; 4096];
        loop {
            let n = socket.read(&mut chunk).await.unwrap();
            if n == 0 {
                break;
            }
            request.extend_from_slice(&chunk[..n]);
            let Some(end) = request.windows(4).position(|w| w == b"\r\n\r\n") else {
                continue;
            };
            let head = String::from_utf8_lossy(&request[..end]).to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .map_or(0, |v| v.trim().parse().unwrap());
            if request.len() >= end + 4 + length {
                break;
            }
        }
        socket.write_all(response.as_bytes()).await.unwrap();
        socket.shutdown().await.ok();
        String::from_utf8(request).unwrap()
    });
    (url, handle)
}

fn soap_client(url: &str) -> SoapClient {
    SoapClient::builder(url).build().unwrap()
}

#[tokio::test]
async fn soap_12_port_sends_soap_12() {
    let answer = concat!(
        r#"<?xml version="1.0" encoding="utf-8"?>"#,
        r#"<soap12:Envelope xmlns:soap12="http://www.w3.org/2003/05/soap-envelope"><soap12:Body>"#,
        r#"<PingResponse xmlns="urn:fixture:bindings"><extra/><echo>hi!</echo></PingResponse>"#,
        r#"</soap12:Body></soap12:Envelope>"#
    );
    let (url, server) = serve_once("200 OK", "application/soap+xml; charset=utf-8", answer).await;
    let client = bindings::Pinger12::new(soap_client(&url));
    let response = client
        .ping(&bindings::Ping {
            text: "hi & bye".into(),
        })
        .await
        .unwrap();
    assert_eq!(response.echo, "hi!");

    let request = server.await.unwrap();
    let lower = request.to_ascii_lowercase();
    assert!(
        lower.contains("content-type: application/soap+xml"),
        "{request}"
    );
    assert!(request.contains("urn:fixture:bindings/Ping"), "{request}");
    assert!(!lower.contains("soapaction:"), "{request}");
    assert!(
        request.contains("http://www.w3.org/2003/05/soap-envelope"),
        "{request}"
    );
    assert!(
        request.contains(r#"<Ping xmlns="urn:fixture:bindings"><text>hi &amp; bye</text></Ping>"#),
        "{request}"
    );
}

#[tokio::test]
async fn soap_11_port_sends_soap_11() {
    let answer = concat!(
        r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>"#,
        r#"<PingResponse xmlns="urn:fixture:bindings"><echo>pong</echo></PingResponse>"#,
        r#"</soap:Body></soap:Envelope>"#
    );
    let (url, server) = serve_once("200 OK", "text/xml; charset=utf-8", answer).await;
    let client = bindings::Pinger2::new(soap_client(&url));
    let response = client
        .ping(&bindings::Ping { text: "x".into() }, &"t-1".to_owned())
        .await
        .unwrap();
    assert_eq!(response.echo, "pong");

    let request = server.await.unwrap();
    // The header the binding declares goes in the envelope's Header.
    assert!(
        request.contains(
            r#"<soap:Header><Trace xmlns="urn:fixture:bindings">t-1</Trace></soap:Header>"#
        ),
        "{request}"
    );
    let lower = request.to_ascii_lowercase();
    assert!(lower.contains("content-type: text/xml"), "{request}");
    assert!(
        lower.contains("soapaction: \"urn:fixture:bindings/ping\"")
            || lower.contains("soapaction: urn:fixture:bindings/ping"),
        "{request}"
    );
    assert!(
        request.contains("http://schemas.xmlsoap.org/soap/envelope/"),
        "{request}"
    );
}

#[tokio::test]
async fn one_way_operation_accepts_an_empty_answer() {
    let (url, server) = serve_once("202 Accepted", "text/xml", "").await;
    let client = bindings::Pinger::new(soap_client(&url));
    client
        .notify(&bindings::Notify {
            event: "started".into(),
        })
        .await
        .unwrap();
    let request = server.await.unwrap();
    assert!(
        request.contains(r#"<Notify xmlns="urn:fixture:bindings"><event>started</event></Notify>"#),
        "{request}"
    );
}

#[tokio::test]
async fn string_element_request() {
    let answer = concat!(
        r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>"#,
        r#"<EchoResponse xmlns="urn:fixture:rpc">back</EchoResponse>"#,
        r#"</soap:Body></soap:Envelope>"#
    );
    let (url, server) = serve_once("200 OK", "text/xml", answer).await;
    let client = rpc_literal::CalcPort::new(soap_client(&url));
    let response = client.echo(&"there".to_owned()).await.unwrap();
    assert_eq!(response, "back");
    let request = server.await.unwrap();
    assert!(
        request.contains(r#"<Echo xmlns="urn:fixture:rpc">there</Echo>"#),
        "{request}"
    );
}

#[test]
fn endpoints_from_the_wsdl() {
    assert_eq!(
        bindings::Pinger::DEFAULT_ENDPOINT,
        r#"https://primary.example/ping?a=1&b="2""#
    );
    assert_eq!(
        bindings::Pinger12::DEFAULT_ENDPOINT,
        "https://primary.example/ping"
    );
    assert_eq!(
        rpc_literal::CalcPort::DEFAULT_ENDPOINT,
        "http://localhost/calc"
    );
}

/// The body of the request, between `<soap:Body>` and `</soap:Body>`.
fn body(request: &str) -> &str {
    let start = request.find("<soap:Body>").expect("a SOAP 1.1 body") + "<soap:Body>".len();
    let end = request.find("</soap:Body>").expect("the end of the body");
    &request[start..end]
}

/// The header of the request, between `<soap:Header>` and `</soap:Header>` (empty if none).
fn header(request: &str) -> &str {
    match (
        request.find("<soap:Header>"),
        request.find("</soap:Header>"),
    ) {
        (Some(start), Some(end)) => &request[start + "<soap:Header>".len()..end],
        _ => "",
    }
}

#[tokio::test]
async fn rpc_literal_wraps_the_parts_in_an_element_named_after_the_operation() {
    let answer = concat!(
        r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>"#,
        r#"<m:AddResponse xmlns:m="urn:fixture:rpc"><sum>5</sum></m:AddResponse>"#,
        r#"</soap:Body></soap:Envelope>"#
    );
    let (url, server) = serve_once("200 OK", "text/xml", answer).await;
    let client = rpc_literal::CalcPort::new(soap_client(&url));
    let response = client.add(&rpc_literal::Add { a: 2, b: 3 }).await.unwrap();
    assert_eq!(response.sum, 5);
    let request = server.await.unwrap();
    // The parts are unqualified children of the wrapper, which is in the soap:body namespace.
    assert_eq!(
        body(&request),
        r#"<Add xmlns="urn:fixture:rpc"><a xmlns="">2</a><b xmlns="">3</b></Add>"#
    );
    assert!(
        request
            .to_ascii_lowercase()
            .contains(r#"soapaction: "urn:fixture:rpc/add""#),
        "{request}"
    );
}

#[tokio::test]
async fn rpc_literal_element_parts_complex_parts_and_the_response() {
    let answer = concat!(
        r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>"#,
        r#"<w:DescribeResponse xmlns:w="urn:fixture:rpc:wrappers">"#,
        r#"<result><verbose xmlns="urn:fixture:rpc">true</verbose></result>"#,
        r#"</w:DescribeResponse></soap:Body></soap:Envelope>"#
    );
    let (url, server) = serve_once("200 OK", "text/xml", answer).await;
    let client = rpc_literal::CalcPort::new(soap_client(&url));
    let response = client
        .describe(&rpc_literal::Describe {
            shape: rpc_literal::Shape { sides: 4 },
            options: rpc_literal::Options { verbose: false },
            tag: "t".into(),
        })
        .await
        .unwrap();
    assert!(response.result.verbose);
    let request = server.await.unwrap();
    assert_eq!(
        body(&request),
        concat!(
            r#"<Describe xmlns="urn:fixture:rpc:wrappers">"#,
            // An element= part is its element, qualified as the schema says.
            r#"<Shape xmlns="urn:fixture:rpc"><sides>4</sides></Shape>"#,
            // A type= part is an unqualified element named after the part.
            r#"<options xmlns=""><verbose xmlns="urn:fixture:rpc">false</verbose></options>"#,
            r#"<tag xmlns="">t</tag></Describe>"#
        )
    );
}

#[tokio::test]
async fn rpc_literal_one_way_operation_without_parts() {
    let (url, server) = serve_once("202 Accepted", "text/xml", "").await;
    let client = rpc_literal::CalcPort::new(soap_client(&url));
    client.reset(&rpc_literal::Reset {}).await.unwrap();
    let request = server.await.unwrap();
    // No namespace on soap:body: the WSDL's target namespace.
    assert_eq!(body(&request), r#"<Reset xmlns="urn:fixture:rpc"/>"#);
}

#[tokio::test]
async fn declared_headers_are_sent_in_order() {
    let answer = concat!(
        r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">"#,
        r#"<soap:Header><Quota xmlns="urn:fixture:headers">7</Quota></soap:Header><soap:Body>"#,
        r#"<SearchResponse xmlns="urn:fixture:headers"><hit>a</hit><hit>b</hit></SearchResponse>"#,
        r#"</soap:Body></soap:Envelope>"#
    );
    let (url, server) = serve_once("200 OK", "text/xml", answer).await;
    let client = headers::SearchSoap::new(soap_client(&url));
    let session = headers::Session {
        user: Some("ada".into()),
        token: "s3cret".into(),
    };
    let response = client
        .search(
            &headers::Search { query: "q".into() },
            &session,
            &"trace-9".to_owned(),
        )
        .await
        .unwrap();
    assert_eq!(response.hit, ["a", "b"]);
    let request = server.await.unwrap();
    assert_eq!(
        header(&request),
        concat!(
            r#"<Session xmlns="urn:fixture:headers" user="ada"><token>s3cret</token></Session>"#,
            r#"<Trace xmlns="urn:fixture:headers">trace-9</Trace>"#
        )
    );
    // The session part is bound as a header, not in the body (parts="parameters").
    assert_eq!(
        body(&request),
        r#"<Search xmlns="urn:fixture:headers"><query>q</query></Search>"#
    );
}

#[tokio::test]
async fn one_way_operation_with_a_header() {
    let (url, server) = serve_once("202 Accepted", "text/xml", "").await;
    let client = headers::SearchSoap::new(soap_client(&url));
    client
        .log(&headers::Log { line: "l".into() }, &"t".to_owned())
        .await
        .unwrap();
    let request = server.await.unwrap();
    assert_eq!(
        header(&request),
        r#"<Trace xmlns="urn:fixture:headers">t</Trace>"#
    );
}

#[tokio::test]
async fn binding_without_port_gets_a_client() {
    let (url, server) = serve_once("202 Accepted", "application/soap+xml", "").await;
    let client = headers::SearchSoap12::new(soap_client(&url));
    client
        .log(&headers::Log { line: "l".into() })
        .await
        .unwrap();
    let request = server.await.unwrap();
    assert!(
        request.contains("http://www.w3.org/2003/05/soap-envelope"),
        "{request}"
    );
}

#[test]
fn calls_with_headers_are_send() {
    fn assert_send<T: Send>(_: &T) {}
    let client = headers::SearchSoap::new(soap_client("http://127.0.0.1:9/"));
    let request = headers::Search { query: "q".into() };
    let session = headers::Session {
        user: None,
        token: "t".into(),
    };
    let trace = "t".to_owned();
    // Not polled: only its type matters.
    let search = client.search(&request, &session, &trace);
    assert_send(&search);
    let line = headers::Log { line: "l".into() };
    let log = client.log(&line, &trace);
    assert_send(&log);
}
