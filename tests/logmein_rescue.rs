//! The LogMeIn Rescue client against an in-process server that checks what was sent and answers
//! with recorded ASP.NET-style responses.

mod support;

use support::{body_child, envelope_ns, RecordedRequest, TestResponse, TestServer};
use wsclient::logmein_rescue::{api, RescueClient, RescueError, RescueResponse, ResultError};
use wsclient::soap::SoapVersion;
use wsclient::Error;

const NS: &str = "https://secure.logmeinrescue.com/API/API.asmx";
const PATH: &str = "/API/API.asmx";

fn client(server: &TestServer, version: SoapVersion) -> RescueClient {
    RescueClient::builder()
        .endpoint(server.url(PATH))
        .soap_version(version)
        .build()
        .unwrap()
}

/// An ASP.NET response body: `<{op}Response xmlns="..."><{op}Result>{code}</...>{extra}</...>`.
fn asmx(op: &str, code: &str, extra: &str) -> String {
    format!(r#"<{op}Response xmlns="{NS}"><{op}Result>{code}</{op}Result>{extra}</{op}Response>"#)
}

fn respond(version: SoapVersion, body: &str) -> TestResponse {
    match version {
        SoapVersion::V11 => TestResponse::soap11(body),
        SoapVersion::V12 => TestResponse::soap12(body),
    }
}

/// Checks method, path and the SOAP headers for the operation.
fn assert_soap_request(req: &RecordedRequest, version: SoapVersion, op: &str) {
    assert_eq!(req.method, "POST");
    assert_eq!(req.path, PATH);
    let action = format!("{NS}/{op}");
    match version {
        SoapVersion::V11 => {
            assert_eq!(req.header("content-type"), Some("text/xml; charset=utf-8"));
            assert_eq!(
                req.header("soapaction"),
                Some(format!("\"{action}\"").as_str())
            );
            assert_eq!(envelope_ns(&req.body), support::SOAP11_NS);
        }
        SoapVersion::V12 => {
            assert_eq!(
                req.header("content-type"),
                Some(format!("application/soap+xml; charset=utf-8; action=\"{action}\"").as_str())
            );
            assert!(!req.has_header("soapaction"));
            assert_eq!(envelope_ns(&req.body), support::SOAP12_NS);
        }
    }
}

fn children(list: &[(String, String, String)]) -> Vec<(&str, &str)> {
    list.iter()
        .map(|(ns, name, text)| {
            assert_eq!(ns, NS, "element {name} is not in the service namespace");
            (name.as_str(), text.as_str())
        })
        .collect()
}

fn set_group_request() -> api::SetGroupV2 {
    api::SetGroupV2 {
        i_node_id: 123456,
        s_name: Some("Testing <Tier 2> & Co".into()),
        e_node_status: api::NodeStatus::Enabled,
        s_description: Some(String::new()),
        a_permissions: Some(api::ArrayOfNodePermissionsV2 {
            node_permissions_v2: vec![
                api::NodePermissionsV2::RemoteControl,
                api::NodePermissionsV2::RemoteView,
                api::NodePermissionsV2::ConnectOnLan,
            ],
        }),
        a_locked_permissions: Some(api::ArrayOfNodePermissionsV2 {
            node_permissions_v2: vec![api::NodePermissionsV2::RemoteControl],
        }),
        i_standard_concurrent_limit: 10,
        i_mobile_concurrent_limit: 5,
        i_rpat_concurrent_limit: 0,
        s_auth_code: None,
    }
}

async fn set_group_v2_on(version: SoapVersion) {
    let server = TestServer::start(move |req: RecordedRequest| {
        let (_, name, _) = body_child(&req.body);
        match name.as_str() {
            "requestAuthCode" => respond(
                version,
                &asmx(
                    "requestAuthCode",
                    "requestAuthCode_OK",
                    "<sAuthCode>4ahx80u0</sAuthCode>",
                ),
            ),
            _ => respond(version, &asmx("setGroup_v2", "setGroup_OK", "")),
        }
    })
    .await;
    let client = client(&server, version);
    client
        .request_auth_code("some@email.com", "secretpassword")
        .await
        .unwrap();
    let response = client.set_group_v2(set_group_request()).await.unwrap();
    assert_eq!(response.set_group_v2_result, api::SetGroupRetV2::Ok);
    assert!(response.into_result().is_ok());

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let auth = &requests[0];
    assert_soap_request(auth, version, "requestAuthCode");
    let (ns, name, kids) = body_child(&auth.body);
    assert_eq!((ns.as_str(), name.as_str()), (NS, "requestAuthCode"));
    assert_eq!(
        children(&kids),
        [
            ("sEmail", "some@email.com"),
            ("sPassword", "secretpassword")
        ]
    );

    let req = &requests[1];
    assert_soap_request(req, version, "setGroup_v2");
    let (ns, name, kids) = body_child(&req.body);
    assert_eq!((ns.as_str(), name.as_str()), (NS, "setGroup_v2"));
    assert_eq!(
        children(&kids),
        [
            ("iNodeID", "123456"),
            ("sName", "Testing <Tier 2> & Co"),
            ("eNodeStatus", "Enabled"),
            ("sDescription", ""),
            ("aPermissions", "RemoteControlRemoteViewConnectOnLan"),
            ("aLockedPermissions", "RemoteControl"),
            ("iStandardConcurrentLimit", "10"),
            ("iMobileConcurrentLimit", "5"),
            ("iRPATConcurrentLimit", "0"),
            ("sAuthCode", "4ahx80u0"),
        ]
    );
    // The permission arrays hold one NODE_PERMISSIONS_V2 element per value, in the namespace.
    let body = String::from_utf8(req.body.clone()).unwrap();
    assert!(body.contains(
        "<aPermissions><NODE_PERMISSIONS_V2>RemoteControl</NODE_PERMISSIONS_V2><NODE_PERMISSIONS_V2>RemoteView</NODE_PERMISSIONS_V2><NODE_PERMISSIONS_V2>ConnectOnLan</NODE_PERMISSIONS_V2></aPermissions>"
    ));
    assert!(body.contains("<sName>Testing &lt;Tier 2&gt; &amp; Co</sName>"));
}

#[tokio::test]
async fn set_group_v2_soap11_with_authcode() {
    set_group_v2_on(SoapVersion::V11).await;
}

#[tokio::test]
async fn set_group_v2_soap12_with_authcode() {
    set_group_v2_on(SoapVersion::V12).await;
}

#[tokio::test]
async fn set_group_v2_non_ok_code_becomes_a_typed_error_with_the_vendor_meaning() {
    let server = TestServer::always(TestResponse::soap11(&asmx(
        "setGroup_v2",
        "setGroup_InvalidParam_RPATConcurrentLimit",
        "",
    )))
    .await;
    let client = client(&server, SoapVersion::V11);
    let response = client.set_group_v2(set_group_request()).await.unwrap();
    let err = response.into_result().unwrap_err();
    assert_eq!(
        err.code,
        api::SetGroupRetV2::InvalidParamRpatConcurrentLimit
    );
    assert_eq!(
        err.to_string(),
        "setGroup_v2 failed with setGroup_InvalidParam_RPATConcurrentLimit: The number of RPAT \
         concurrent users cannot exceed the limit defined for either globally for the organization \
         or for the group. This error is only available for users of the setGroup_v2 method."
    );
    // No authcode held and none given: the element is left out, not sent empty.
    let (_, _, kids) = body_child(&server.requests()[0].body);
    assert!(kids.iter().all(|(_, name, _)| name != "sAuthCode"));

    // Converted into the client's error type, the code and meaning are kept.
    let err: RescueError = err.into();
    assert_eq!(
        err.result_code(),
        Some("setGroup_InvalidParam_RPATConcurrentLimit")
    );
}

#[tokio::test]
async fn cancel_action_on_both_versions_and_its_result_codes() {
    for version in [SoapVersion::V11, SoapVersion::V12] {
        let server = TestServer::sequence(vec![
            respond(version, &asmx("cancelAction", "cancelActionRet_OK", "")),
            respond(
                version,
                &asmx("cancelAction", "cancelActionRet_NotLoggedInAsAdmin", ""),
            ),
        ])
        .await;
        let client = client(&server, version);
        let request = api::CancelAction {
            i_session: 12345678,
            s_auth_code: Some("explicit-code".into()),
        };
        let ok = client.cancel_action(request.clone()).await.unwrap();
        assert_eq!(ok.cancel_action_result, api::CancelActionRet::Ok);
        let failed = client.cancel_action(request).await.unwrap().into_result();
        assert!(matches!(
            failed,
            Err(ResultError {
                code: api::CancelActionRet::NotLoggedInAsAdmin
            })
        ));
        let req = &server.requests()[0];
        assert_soap_request(req, version, "cancelAction");
        let (_, name, kids) = body_child(&req.body);
        assert_eq!(name, "cancelAction");
        assert_eq!(
            children(&kids),
            [("iSession", "12345678"), ("sAuthCode", "explicit-code")]
        );
    }
}

#[tokio::test]
async fn transfer_session_to_a_channel_with_an_unknown_result_code_and_extra_elements() {
    for version in [SoapVersion::V11, SoapVersion::V12] {
        // A newer service: an unknown result code, and elements this client does not know,
        // before and after the known one.
        let server = TestServer::always(respond(
            version,
            &format!(
                r#"<transferSessionResponse xmlns="{NS}"><sTrace>abc</sTrace><transferSessionResult>transferSessionRet_QueueFull</transferSessionResult><oExtra><iDepth>2</iDepth></oExtra></transferSessionResponse>"#
            ),
        ))
        .await;
        let client = client(&server, version);
        client.set_auth_code("4ahx80u0".into());
        let response = client
            .transfer_session(api::TransferSession {
                i_session_id: 12345678,
                i_node_id: 337366,
                e_node_ref: api::NodeRef::Channel,
                s_comment: Some("Escalating".into()),
                s_auth_code: None,
            })
            .await
            .unwrap();
        assert_eq!(
            response.transfer_session_result,
            api::TransferSessionRet::Unknown("transferSessionRet_QueueFull".into())
        );
        let err = RescueError::from(response.into_result().unwrap_err());
        assert_eq!(
            err.to_string(),
            "transferSession failed with transferSessionRet_QueueFull"
        );
        let req = &server.requests()[0];
        assert_soap_request(req, version, "transferSession");
        let (_, _, kids) = body_child(&req.body);
        assert_eq!(
            children(&kids),
            [
                ("iSessionID", "12345678"),
                ("iNodeID", "337366"),
                ("eNodeRef", "CHANNEL"),
                ("sComment", "Escalating"),
                ("sAuthCode", "4ahx80u0"),
            ]
        );
    }
}

#[tokio::test]
async fn login_cookie_session_is_kept_and_sent() {
    let server = TestServer::start(|req: RecordedRequest| {
        let (_, name, _) = body_child(&req.body);
        match name.as_str() {
            "login" => TestResponse::soap11(&asmx("login", "login_OK", "")).with_header(
                "Set-Cookie",
                "ASP.NET_SessionId=k2vnw3pq1tdpmq45; path=/; HttpOnly",
            ),
            _ => {
                let code = if req.cookie("ASP.NET_SessionId").as_deref() == Some("k2vnw3pq1tdpmq45") {
                    "getSession_OK"
                } else {
                    "getSession_NotLoggedIn"
                };
                TestResponse::soap11(&asmx(
                    "getSession_V3",
                    code,
                    "<aSessions><SESSION_V3><iID>7</iID><bStatus>SESSION_WAITING</bStatus><sStatus>Waiting</sStatus><iEntry>1</iEntry><iTechnician>2</iTechnician><iWaitingTimeInSec>30</iWaitingTimeInSec><bIsLead>false</bIsLead><bHandingOff>false</bHandingOff></SESSION_V3></aSessions>",
                ))
            }
        }
    })
    .await;
    let client = client(&server, SoapVersion::V11);
    client
        .login("some@email.com", "secretpassword")
        .await
        .unwrap();
    assert!(client.soap_client().has_cookie("ASP.NET_SessionId"));
    // A clone shares the session.
    let response = client
        .clone()
        .get_session_v3(api::GetSessionV3 {
            i_node_id: 337364,
            e_node_ref: api::NodeRef::Node,
            s_auth_code: None,
        })
        .await
        .unwrap()
        .into_result()
        .unwrap();
    let sessions = response.a_sessions.unwrap().session_v3;
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0].i_id, 7);
    assert_eq!(sessions[0].b_status, api::SessionStatus::Waiting);
    let requests = server.requests();
    assert_eq!(
        requests[1].cookie("ASP.NET_SessionId").as_deref(),
        Some("k2vnw3pq1tdpmq45")
    );
}

#[tokio::test]
async fn login_failure_code_is_an_error_with_its_meaning() {
    let server = TestServer::always(TestResponse::soap11(&asmx(
        "login",
        "login_LimitReached",
        "",
    )))
    .await;
    let err = client(&server, SoapVersion::V11)
        .login("some@email.com", "secretpassword")
        .await
        .unwrap_err();
    assert_eq!(err.result_code(), Some("login_LimitReached"));
    let text = err.to_string();
    assert!(
        text.starts_with("login failed with login_LimitReached: "),
        "{text}"
    );
}

#[tokio::test]
async fn soap_fault_is_a_typed_error_with_code_reason_and_detail() {
    let server = TestServer::always(TestResponse::soap11_fault(
        "soap:Server",
        "Server was unable to process request. ---> Object reference not set",
        Some("<ErrorInfo xmlns=\"urn:x\">trace-17</ErrorInfo>"),
    ))
    .await;
    let err = client(&server, SoapVersion::V11)
        .cancel_action(api::CancelAction {
            i_session: 1,
            s_auth_code: None,
        })
        .await
        .unwrap_err();
    let RescueError::Soap(Error::Fault(fault)) = err else {
        panic!("expected a fault, got {err:?}");
    };
    assert!(fault.code.ends_with("Server"), "{}", fault.code);
    assert!(fault
        .reason
        .starts_with("Server was unable to process request."));
    assert!(fault.detail.as_ref().unwrap().as_str().contains("trace-17"));
}

#[tokio::test]
async fn secrets_stay_out_of_debug_output() {
    let server = TestServer::always(TestResponse::soap11(&asmx(
        "requestAuthCode",
        "requestAuthCode_OK",
        "<sAuthCode>S3CR3T-AUTHCODE</sAuthCode>",
    )))
    .await;
    let client = client(&server, SoapVersion::V11);
    client
        .request_auth_code("a@b.c", "hunter2-password")
        .await
        .unwrap();
    assert!(client.has_auth_code());
    let shown = format!(
        "{client:?} {:?} {:?}",
        api::Login {
            s_email: Some("a@b.c".into()),
            s_password: Some("hunter2-password".into()),
        },
        api::RequestAuthCodeResponse {
            request_auth_code_result: api::RequestAuthCodeRet::Ok,
            s_auth_code: Some("S3CR3T-AUTHCODE".into()),
        }
    );
    assert!(!shown.contains("S3CR3T"), "{shown}");
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(shown.contains("<redacted>"), "{shown}");
}

#[tokio::test]
async fn a_fault_that_echoes_the_authcode_or_password_is_redacted() {
    let server = TestServer::start(|req: RecordedRequest| {
        let (_, name, fields) = body_child(&req.body);
        let echoed: Vec<&str> = fields.iter().map(|(_, _, text)| text.as_str()).collect();
        TestResponse::soap11_fault(
            "soap:Server",
            &format!("Server was unable to process request. ---> {name} rejected {echoed:?}"),
            Some(&format!("<trace>{}</trace>", echoed.join(","))),
        )
    })
    .await;
    let client = client(&server, SoapVersion::V11);
    let err = client.login("a@b.c", "hunter2-password").await.unwrap_err();
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(shown.contains("<redacted>"), "{shown}");

    client.set_auth_code("S3CR3T-AUTHCODE".into());
    let err = client
        .cancel_action(api::CancelAction {
            i_session: 5,
            s_auth_code: None,
        })
        .await
        .unwrap_err();
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("S3CR3T"), "{shown}");
    assert!(shown.contains("rejected"), "{shown}");
}
