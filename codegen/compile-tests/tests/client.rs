//! The generated port clients against a minimal in-process HTTP server: the SOAP version and
//! action baked into each port, and one-way operations.

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use wsclient::soap::SoapClient;
use wsclient_codegen_tests::{bindings, rpc_literal};

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
        .ping(&bindings::Ping { text: "x".into() })
        .await
        .unwrap();
    assert_eq!(response.echo, "pong");

    let request = server.await.unwrap();
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
