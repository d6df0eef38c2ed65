//! A few calls through clients generated from the corpus, against a minimal in-process HTTP
//! server: what real-world descriptions declare (a SOAP header on every operation, `ArrayOfX`,
//! unqualified JAX-WS elements, `xs:decimal`) goes on the wire and comes back as declared.
//!
//! Compiled only when the corpus is there (the build script says when it is not).

#![cfg(corpus)]

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use wsclient::soap::SoapClient;
use wsclient_corpus_tests::{ferry, usda_awdb};

/// Serves one request with `body` as a 200 answer; the handle yields the request as received.
async fn serve_once(
    content_type: &'static str,
    body: &'static str,
) -> (String, JoinHandle<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/service", listener.local_addr().unwrap());
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
        let response = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n\
             connection: close\r\n\r\n{body}",
            body.len()
        );
        socket.write_all(response.as_bytes()).await.unwrap();
        socket.shutdown().await.ok();
        String::from_utf8(request).unwrap()
    });
    (url, handle)
}

#[tokio::test]
async fn ferry_sends_its_access_header_over_soap_12() {
    let answer = concat!(
        r#"<?xml version="1.0" encoding="utf-8"?>"#,
        r#"<soap12:Envelope xmlns:soap12="http://www.w3.org/2003/05/soap-envelope" "#,
        r#"xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soap12:Body>"#,
        r#"<GetRouteDetailResponse xmlns="http://www.wsdot.wa.gov/ferries/schedule/">"#,
        r#"<GetRouteDetailResult><RouteID>9</RouteID><RouteAbbrev>ana-sj</RouteAbbrev>"#,
        r#"<RegionID>1</RegionID><VesselWatchID>8</VesselWatchID>"#,
        r#"<ReservationFlag>true</ReservationFlag><InternationalFlag>false</InternationalFlag>"#,
        r#"<PassengerOnlyFlag>false</PassengerOnlyFlag><CrossingTime>35</CrossingTime>"#,
        r#"</GetRouteDetailResult></GetRouteDetailResponse>"#,
        r#"</soap12:Body></soap12:Envelope>"#
    );
    let (url, server) = serve_once("application/soap+xml; charset=utf-8", answer).await;
    let client = ferry::WsfScheduleSoap12::new(SoapClient::builder(&url).build().unwrap());
    let response = client
        .get_route_detail(
            &ferry::GetRouteDetail {
                request: Some(ferry::RouteMsg {
                    trip_date: "2024-06-01T00:00:00".into(),
                    route_id: 9,
                }),
            },
            &ferry::ApiAccessHeader {
                api_access_code: Some("key-123".into()),
            },
        )
        .await
        .unwrap();
    let route = response.get_route_detail_result.unwrap();
    assert_eq!(
        (route.route_id, route.route_abbrev.as_deref()),
        (9, Some("ana-sj"))
    );
    assert!(route.reservation_flag);
    assert_eq!(route.crossing_time.as_deref(), Some("35"));

    let request = server.await.unwrap();
    assert!(
        request.contains(concat!(
            r#"<soap12:Header><APIAccessHeader xmlns="http://www.wsdot.wa.gov/ferries/schedule/">"#,
            r#"<APIAccessCode>key-123</APIAccessCode></APIAccessHeader></soap12:Header>"#
        )),
        "{request}"
    );
    assert!(
        request.contains(concat!(
            r#"<GetRouteDetail xmlns="http://www.wsdot.wa.gov/ferries/schedule/"><request>"#,
            r#"<TripDate>2024-06-01T00:00:00</TripDate><RouteID>9</RouteID></request></GetRouteDetail>"#
        )),
        "{request}"
    );
    assert!(
        request.contains("action=\"http://www.wsdot.wa.gov/ferries/schedule/GetRouteDetail\""),
        "{request}"
    );
}

#[tokio::test]
async fn jax_ws_service_with_unqualified_elements_and_decimals() {
    let answer = concat!(
        r#"<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body>"#,
        r#"<ns2:getStationMetadataResponse xmlns:ns2="http://www.wcc.nrcs.usda.gov/ns/awdbWebService">"#,
        r#"<return><elevation>6420.00</elevation><latitude>39.31000137329102</latitude>"#,
        r#"<name>PARK CONE</name><stationTriplet>680:CO:SNTL</stationTriplet></return>"#,
        r#"</ns2:getStationMetadataResponse></S:Body></S:Envelope>"#
    );
    let (url, server) = serve_once("text/xml; charset=utf-8", answer).await;
    let client = usda_awdb::AwdbWebServiceImplPort::new(SoapClient::builder(&url).build().unwrap());
    let response = client
        .get_station_metadata(&usda_awdb::GetStationMetadata {
            station_triplet: "680:CO:SNTL".into(),
        })
        .await
        .unwrap();
    let station = response.return_.unwrap();
    // Decimals keep every digit they were sent with.
    assert_eq!(station.elevation.unwrap().as_str(), "6420.00");
    assert_eq!(station.latitude.unwrap().as_str(), "39.31000137329102");
    assert_eq!(station.name.as_deref(), Some("PARK CONE"));

    let request = server.await.unwrap();
    assert!(
        request.contains(concat!(
            r#"<getStationMetadata xmlns="http://www.wcc.nrcs.usda.gov/ns/awdbWebService">"#,
            r#"<stationTriplet xmlns="">680:CO:SNTL</stationTriplet></getStationMetadata>"#
        )),
        "{request}"
    );
}
