//! The generated server side and the HTTP server: a service implementing the generated trait of
//! Archer's `general.asmx`, served by the generated dispatcher, called by the generated clients
//! and with raw HTTP on SOAP 1.1 and 1.2.

use std::sync::{Arc, Mutex};

use tokio::sync::Notify;
use wsclient::archer::general::server::{GeneralSoapDispatcher, GeneralSoapService};
use wsclient::archer::general::{self as gen, GeneralSoap, GeneralSoap12};
use wsclient::server::{
    BoxFuture, CallContext, HttpHandler, HttpRequest, HttpResponse, RunningServer, Server,
    ServerFault,
};
use wsclient::soap::{SoapClient, SoapVersion};

const NS: &str = "http://archer-tech.com/webservices/";
const PATH: &str = "/ws/general.asmx";
const WSDL: &str = "<wsdl:definitions xmlns:wsdl=\"http://schemas.xmlsoap.org/wsdl/\"/>";

/// What the service saw of each call.
#[derive(Debug, Clone, PartialEq)]
struct Seen {
    operation: &'static str,
    version: SoapVersion,
    cookie: Option<String>,
}

#[derive(Default)]
struct Recorder {
    seen: Mutex<Vec<Seen>>,
    /// When set, TerminateSession waits for it before answering.
    gate: Mutex<Option<Arc<Notify>>>,
    entered: Notify,
}

impl Recorder {
    fn record(&self, context: &CallContext) {
        self.seen.lock().unwrap().push(Seen {
            operation: context.operation(),
            version: context.soap_version(),
            cookie: context.cookie("session").map(str::to_owned),
        });
    }
}

impl GeneralSoapService for Recorder {
    async fn create_user_session_from_instance(
        &self,
        context: &mut CallContext,
        request: gen::CreateUserSessionFromInstance,
    ) -> Result<gen::CreateUserSessionFromInstanceResponse, ServerFault> {
        self.record(context);
        if request.password.as_deref() != Some("pw") {
            return Err(ServerFault::server(
                "Server was unable to process request. ---> Invalid credentials.",
            )
            .with_detail("<code xmlns=\"urn:test\">42</code>"));
        }
        context.set_cookie("session", "s-1");
        Ok(gen::CreateUserSessionFromInstanceResponse {
            create_user_session_from_instance_result: Some(format!(
                "token-for-{}",
                request.user_name.unwrap_or_default()
            )),
        })
    }

    async fn create_domain_user_session_from_instance(
        &self,
        context: &mut CallContext,
        request: gen::CreateDomainUserSessionFromInstance,
    ) -> Result<gen::CreateDomainUserSessionFromInstanceResponse, ServerFault> {
        self.record(context);
        Ok(gen::CreateDomainUserSessionFromInstanceResponse {
            create_domain_user_session_from_instance_result: request.users_domain,
        })
    }

    async fn terminate_session(
        &self,
        context: &mut CallContext,
        _request: gen::TerminateSession,
    ) -> Result<gen::TerminateSessionResponse, ServerFault> {
        self.record(context);
        let gate = self.gate.lock().unwrap().clone();
        if let Some(gate) = gate {
            self.entered.notify_one();
            gate.notified().await;
        }
        Ok(gen::TerminateSessionResponse {
            terminate_session_result: 1,
        })
    }
}

struct Echo;

impl HttpHandler for Echo {
    fn handle(&self, request: HttpRequest) -> BoxFuture<'_, HttpResponse> {
        Box::pin(async move {
            HttpResponse::text(
                200,
                format!("{} {} {}", request.method, request.rest, request.body.len()),
            )
        })
    }
}

async fn start(recorder: Arc<Recorder>) -> RunningServer {
    Server::builder()
        .soap_with_wsdl(PATH, GeneralSoapDispatcher::from_arc(recorder), WSDL)
        .http("/rest", Echo)
        .max_request_bytes(64 * 1024)
        .bind("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap()
}

fn envelope(version: SoapVersion, body: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="{}"><s:Header><x xmlns="urn:h">ignored</x></s:Header><s:Body>{body}</s:Body></s:Envelope>"#,
        version.envelope_ns()
    )
}

fn login_body(password: &str) -> String {
    format!(
        r#"<CreateUserSessionFromInstance xmlns="{NS}"><userName>ann</userName><instanceName>Demo</instanceName><password>{password}</password></CreateUserSessionFromInstance>"#
    )
}

async fn post(
    url: &str,
    content_type: &str,
    action: Option<&str>,
    body: String,
) -> (u16, String, String) {
    let mut req = reqwest::Client::new()
        .post(url)
        .header("content-type", content_type)
        .body(body);
    if let Some(a) = action {
        req = req.header("SOAPAction", a);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let ct = resp
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, ct, resp.text().await.unwrap())
}

#[tokio::test]
async fn generated_clients_reach_the_generated_trait_on_both_versions() {
    let recorder = Arc::new(Recorder::default());
    let server = start(Arc::clone(&recorder)).await;
    let request = gen::CreateUserSessionFromInstance {
        user_name: Some("ann".into()),
        instance_name: Some("Demo".into()),
        password: Some("pw".into()),
    };
    let soap = SoapClient::builder(server.url(PATH)).build().unwrap();
    let v11 = GeneralSoap::new(soap.clone());
    let answer = v11
        .create_user_session_from_instance(&request)
        .await
        .unwrap();
    assert_eq!(
        answer.create_user_session_from_instance_result.as_deref(),
        Some("token-for-ann")
    );
    // The cookie the service set comes back on the next call.
    let v12 = GeneralSoap12::new(soap);
    let answer = v12
        .create_domain_user_session_from_instance(&gen::CreateDomainUserSessionFromInstance {
            user_name: Some("ann".into()),
            instance_name: Some("Demo".into()),
            password: Some("pw".into()),
            users_domain: Some("CORP".into()),
        })
        .await
        .unwrap();
    assert_eq!(
        answer
            .create_domain_user_session_from_instance_result
            .as_deref(),
        Some("CORP")
    );
    let seen = recorder.seen.lock().unwrap().clone();
    assert_eq!(
        seen,
        vec![
            Seen {
                operation: "CreateUserSessionFromInstance",
                version: SoapVersion::V11,
                cookie: None,
            },
            Seen {
                operation: "CreateDomainUserSessionFromInstance",
                version: SoapVersion::V12,
                cookie: Some("s-1".into()),
            },
        ]
    );
    server.shutdown().await;
}

#[tokio::test]
async fn service_faults_are_written_as_each_version_requires() {
    let server = start(Arc::new(Recorder::default())).await;
    let soap = SoapClient::builder(server.url(PATH)).build().unwrap();
    let request = gen::CreateUserSessionFromInstance {
        user_name: Some("ann".into()),
        instance_name: Some("Demo".into()),
        password: Some("wrong".into()),
    };
    for version in [SoapVersion::V11, SoapVersion::V12] {
        let err = match version {
            SoapVersion::V11 => GeneralSoap::new(soap.clone())
                .create_user_session_from_instance(&request)
                .await
                .unwrap_err(),
            SoapVersion::V12 => GeneralSoap12::new(soap.clone())
                .create_user_session_from_instance(&request)
                .await
                .unwrap_err(),
        };
        let wsclient::Error::Fault(fault) = err else {
            panic!("not a fault: {err:?}")
        };
        assert_eq!(fault.version, version);
        assert!(fault.is_server_fault(), "{fault:?}");
        assert_eq!(fault.http_status, Some(500));
        assert_eq!(
            fault.reason,
            "Server was unable to process request. ---> Invalid credentials."
        );
        assert_eq!(
            fault.detail.as_ref().map(|d| d.as_str()),
            Some("<code xmlns=\"urn:test\">42</code>")
        );
    }
    // On the wire: the 1.1 and 1.2 shapes.
    let (status, ct, body) = post(
        &server.url(PATH),
        "text/xml; charset=utf-8",
        Some(&format!("\"{NS}CreateUserSessionFromInstance\"")),
        envelope(SoapVersion::V11, &login_body("wrong")),
    )
    .await;
    assert_eq!((status, ct.as_str()), (500, "text/xml; charset=utf-8"));
    assert!(
        body.contains("<faultcode>soap:Server</faultcode>"),
        "{body}"
    );
    let (status, ct, body) = post(
        &server.url(PATH),
        &format!(
            "application/soap+xml; charset=utf-8; action=\"{NS}CreateUserSessionFromInstance\""
        ),
        None,
        envelope(SoapVersion::V12, &login_body("wrong")),
    )
    .await;
    assert_eq!(
        (status, ct.as_str()),
        (500, "application/soap+xml; charset=utf-8")
    );
    assert!(
        body.contains("<soap:Value>soap:Receiver</soap:Value>"),
        "{body}"
    );
    assert!(body.contains("<soap:Text xml:lang=\"en\">"), "{body}");
    server.shutdown().await;
}

#[tokio::test]
async fn routes_by_soap_action_or_by_the_body_element() {
    let recorder = Arc::new(Recorder::default());
    let server = start(Arc::clone(&recorder)).await;
    let url = server.url(PATH);
    // SOAP 1.1 with an empty SOAPAction, SOAP 1.2 without an action: the body decides.
    let (status, _, body) = post(
        &url,
        "text/xml",
        Some("\"\""),
        envelope(SoapVersion::V11, &login_body("pw")),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("<CreateUserSessionFromInstanceResult>token-for-ann</CreateUserSessionFromInstanceResult>"), "{body}");
    let (status, ct, body) = post(
        &url,
        "application/soap+xml; charset=utf-8",
        None,
        envelope(SoapVersion::V12, &format!(r#"<TerminateSession xmlns="{NS}"><sessionToken>t</sessionToken></TerminateSession>"#)),
    )
    .await;
    assert_eq!(
        (status, ct.as_str()),
        (200, "application/soap+xml; charset=utf-8"),
        "{body}"
    );
    assert!(
        body.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?><soap12:Envelope"),
        "{body}"
    );
    assert!(
        body.contains("<TerminateSessionResult>1</TerminateSessionResult>"),
        "{body}"
    );

    // An action nobody declares.
    let (status, _, body) = post(
        &url,
        "text/xml",
        Some("\"urn:nothing\""),
        envelope(SoapVersion::V11, &login_body("pw")),
    )
    .await;
    assert_eq!(status, 500);
    assert!(
        body.contains("<faultcode>soap:Client</faultcode>"),
        "{body}"
    );
    assert!(
        body.contains("did not recognize the value of HTTP Header SOAPAction: urn:nothing"),
        "{body}"
    );
    // An action that names another operation than the body's element.
    let (status, _, body) = post(
        &url,
        &format!("application/soap+xml; action=\"{NS}TerminateSession\""),
        None,
        envelope(SoapVersion::V12, &login_body("pw")),
    )
    .await;
    assert_eq!(status, 400, "a SOAP 1.2 Sender fault is a 400");
    assert!(body.contains("soap:Sender"), "{body}");
    assert!(
        body.contains("operation TerminateSession takes the element"),
        "{body}"
    );
    // No action and an element no operation takes.
    let (status, _, body) = post(
        &url,
        "text/xml",
        None,
        envelope(SoapVersion::V11, r#"<Other xmlns="urn:x"/>"#),
    )
    .await;
    assert_eq!(status, 500);
    assert!(
        body.contains("no operation takes the element `{urn:x}Other`"),
        "{body}"
    );
    // Only the two routed calls reached the service.
    assert_eq!(recorder.seen.lock().unwrap().len(), 2);
    server.shutdown().await;
}

#[tokio::test]
async fn unreadable_requests_are_client_faults() {
    let server = start(Arc::new(Recorder::default())).await;
    let url = server.url(PATH);
    let (status, _, body) = post(&url, "text/xml", None, "<not-closed>".into()).await;
    assert_eq!(status, 500);
    assert!(
        body.contains("soap:Client") && body.contains("could not be read"),
        "{body}"
    );
    let (status, _, body) = post(&url, "application/soap+xml", None, "<html/>".into()).await;
    assert_eq!(status, 400);
    assert!(
        body.contains("soap:Sender") && body.contains("not a SOAP envelope"),
        "{body}"
    );
    // Elements after the operation's element are not read.
    let (status, _, body) = post(
        &url,
        "text/xml",
        None,
        envelope(SoapVersion::V11, &format!(r#"<TerminateSession xmlns="{NS}"><sessionToken>t</sessionToken></TerminateSession><extra/>"#)),
    )
    .await;
    assert_eq!(
        status, 200,
        "elements after the operation's are ignored: {body}"
    );
    // The envelope of one version with the content type of the other.
    let (status, _, body) = post(
        &url,
        "application/soap+xml",
        None,
        envelope(SoapVersion::V11, &login_body("pw")),
    )
    .await;
    assert_eq!(status, 400);
    assert!(body.contains("soap:VersionMismatch"), "{body}");
    // A content type that is not SOAP.
    let (status, _, body) = post(&url, "application/json", None, "{}".into()).await;
    assert_eq!(status, 500);
    assert!(body.contains("the Content-Type must be"), "{body}");
    server.shutdown().await;
}

#[tokio::test]
async fn serves_the_wsdl_a_page_and_other_routes() {
    let server = start(Arc::new(Recorder::default())).await;
    let http = reqwest::Client::new();
    for query in ["?wsdl", "?WSDL"] {
        let resp = http
            .get(server.url(&format!("{PATH}{query}")))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.headers()["content-type"], "text/xml; charset=utf-8");
        assert_eq!(resp.text().await.unwrap(), WSDL);
    }
    // Paths match without regard to case, as on IIS.
    let page = http
        .get(server.url("/WS/General.asmx"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(
        page.contains("<li>TerminateSession</li>") && page.contains("?wsdl"),
        "{page}"
    );
    let put = http.put(server.url(PATH)).send().await.unwrap();
    assert_eq!(put.status(), 405);
    assert_eq!(put.headers()["allow"], "GET, POST");
    let missing = http.get(server.url("/nothing.asmx")).send().await.unwrap();
    assert_eq!(missing.status(), 404);
    let rest = http
        .post(server.url("/rest/a/b"))
        .body("xyz")
        .send()
        .await
        .unwrap();
    assert_eq!(rest.status(), 200);
    assert_eq!(rest.text().await.unwrap(), "POST a/b 3");
    let big = http
        .post(server.url(PATH))
        .header("content-type", "text/xml")
        .body(vec![b' '; 100 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(big.status(), 413);
    server.shutdown().await;
}

#[tokio::test]
async fn shutdown_lets_the_call_in_progress_finish_then_stops() {
    let recorder = Arc::new(Recorder::default());
    let gate = Arc::new(Notify::new());
    *recorder.gate.lock().unwrap() = Some(Arc::clone(&gate));
    let server = start(Arc::clone(&recorder)).await;
    let url = server.url(PATH);
    let client = GeneralSoap::new(SoapClient::builder(&url).build().unwrap());
    let call = tokio::spawn(async move {
        client
            .terminate_session(&gen::TerminateSession {
                session_token: Some("t".into()),
            })
            .await
    });
    recorder.entered.notified().await;
    let stopping = tokio::spawn(server.shutdown());
    // The call is held inside the service while the server is asked to stop.
    tokio::task::yield_now().await;
    gate.notify_one();
    let answer = call.await.unwrap().unwrap();
    assert_eq!(answer.terminate_session_result, 1);
    stopping.await.unwrap();
    let after = reqwest::Client::new()
        .get(format!("{url}?wsdl"))
        .send()
        .await;
    assert!(after.is_err(), "the server still answers after shutdown");
}
