//! Secrets stay secret: for one whole session per vendor, with every log record captured at
//! TRACE (`tracing` events and spans, and the `log` records of the HTTP stack), no password,
//! authcode, session cookie, session token or `Authtoken` value appears in the logs, in the
//! `Debug` output of the clients, requests and answers, or in the `Display` and `Debug` output
//! of the errors met on the way.

mod support;

use std::sync::{Arc, Mutex};

use base64::Engine as _;
use support::{
    body_child, escape, find_text, LogCapture, RecordedRequest, TestResponse, TestServer,
};
use tracing::subscriber::DefaultGuard;
use wsclient::archer::{general, ArcherClient};
use wsclient::commvault::{api as cv, CommvaultClient, LoginOptions};
use wsclient::logmein_rescue::{api, RescueClient, RescueResponse};
use wsclient::secret::Secret;
use wsclient::soap::SoapVersion;

// ---------------------------------------------------------------------------------------------
// Capturing everything

/// Captures, on this thread, every event and span at TRACE (with span fields on each line),
/// and the `log` records that libraries underneath write.
fn capture_logs() -> (LogCapture, DefaultGuard) {
    support::trace_everything_globally();
    static LOG_BRIDGE: std::sync::Once = std::sync::Once::new();
    LOG_BRIDGE.call_once(|| {
        let _ = tracing_log::LogTracer::init();
    });
    let capture = LogCapture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::FULL)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    (capture, tracing::subscriber::set_default(subscriber))
}

/// Fails if any secret shows in `text`; `what` names where the text comes from.
fn assert_hidden(text: &str, secrets: &[&str], what: &str) {
    for secret in secrets {
        assert!(
            !text.contains(secret),
            "{what} shows the secret {secret:?}:\n{text}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// LogMeIn Rescue: the cookie session, then the authcode

const RESCUE_NS: &str = "https://secure.logmeinrescue.com/API/API.asmx";
const RESCUE_PASSWORD: &str = "Rescue-Pa55word!";
const RESCUE_COOKIE: &str = "x4vq2lq0hx3ylcsdfm1i0jkc";
const AUTHCODE: &str = "3k9xq7mw2h8f5t1z6c4v0b2n";

fn rescue_answer(op: &str, result: &str, extra: &str) -> TestResponse {
    TestResponse::soap11(&format!(
        r#"<{op}Response xmlns="{RESCUE_NS}"><{op}Result>{result}</{op}Result>{extra}</{op}Response>"#
    ))
}

fn rescue_server(req: RecordedRequest) -> TestResponse {
    let (_, op, _) = body_child(&req.body);
    let password = find_text(&req.body, "sPassword");
    let authcode = find_text(&req.body, "sAuthCode");
    let session = req.cookie("ASP.NET_SessionId");
    let authenticated =
        authcode.as_deref() == Some(AUTHCODE) || session.as_deref() == Some(RESCUE_COOKIE);
    match op.as_str() {
        "login" if password.as_deref() == Some(RESCUE_PASSWORD) => {
            rescue_answer("login", "login_OK", "").with_header(
                "set-cookie",
                &format!("ASP.NET_SessionId={RESCUE_COOKIE}; path=/; HttpOnly; SameSite=Lax"),
            )
        }
        "login" => rescue_answer("login", "login_Invalid", ""),
        "requestAuthCode" if password.as_deref() == Some(RESCUE_PASSWORD) => rescue_answer(
            "requestAuthCode",
            "requestAuthCode_OK",
            &format!("<sAuthCode>{AUTHCODE}</sAuthCode>"),
        ),
        _ if !authenticated => rescue_answer(&op, &format!("{op}_NotLoggedIn"), ""),
        "getGroup" => rescue_answer(
            "getGroup",
            "getGroup_OK",
            "<oGroup><iNodeID>7</iNodeID><sName>Support</sName><eType>TechnicianGroup</eType><eStatus>Enabled</eStatus><iStandardConcurrentLimit>1</iStandardConcurrentLimit><iMobileConcurrentLimit>1</iMobileConcurrentLimit></oGroup>",
        ),
        "setGroup_v2" => rescue_answer("setGroup_v2", "setGroup_InvalidParam_Name", ""),
        "transferSession" => TestResponse::soap11_fault(
            "soap:Server",
            "Server was unable to process request. ---> Session not found",
            Some("<trace>17</trace>"),
        ),
        "closeSession" => TestResponse::html(500, "<html><body>Runtime Error</body></html>"),
        "logout" => rescue_answer("logout", "logout_OK", ""),
        other => panic!("unexpected Rescue operation {other}"),
    }
}

#[tokio::test]
async fn rescue_session() {
    let (logs, _guard) = capture_logs();
    let server = TestServer::start(rescue_server).await;
    let client = RescueClient::builder()
        .endpoint(server.url("/API/API.asmx"))
        .soap_version(SoapVersion::V11)
        .build()
        .unwrap();
    let mut shown = Vec::new();

    // A refused login, then the cookie session.
    let err = client
        .login("admin@example.com", "wrong-Pa55word!")
        .await
        .unwrap_err();
    shown.push(format!("{err} {err:?}"));
    client
        .login("admin@example.com", RESCUE_PASSWORD)
        .await
        .unwrap();
    let group = client
        .get_group(api::GetGroup {
            i_node_id: 7,
            s_auth_code: None,
        })
        .await
        .unwrap();
    shown.push(format!("{group:?}"));

    // The authcode, then calls that carry it: a non-OK code, a fault, an HTML page.
    client
        .request_auth_code("admin@example.com", RESCUE_PASSWORD)
        .await
        .unwrap();
    let request = api::SetGroupV2 {
        i_node_id: 7,
        s_name: Some(String::new()),
        e_node_status: api::NodeStatus::Enabled,
        s_description: None,
        a_permissions: None,
        a_locked_permissions: None,
        i_standard_concurrent_limit: 1,
        i_mobile_concurrent_limit: 1,
        i_rpat_concurrent_limit: 0,
        s_auth_code: Some(AUTHCODE.into()),
    };
    shown.push(format!("{request:?} {request:#?}"));
    let err = client
        .set_group_v2(api::SetGroupV2 {
            s_auth_code: None,
            ..request
        })
        .await
        .unwrap()
        .into_result()
        .unwrap_err();
    shown.push(format!("{err} {err:?}"));
    let err = client
        .transfer_session(api::TransferSession {
            i_session_id: 1,
            i_node_id: 7,
            e_node_ref: api::NodeRef::Node,
            s_comment: None,
            s_auth_code: None,
        })
        .await
        .unwrap_err();
    shown.push(format!("{err} {err:?}"));
    let err = client
        .close_session(api::CloseSession {
            i_session: 1,
            s_auth_code: None,
        })
        .await
        .unwrap_err();
    shown.push(format!("{err} {err:?}"));
    client.logout().await.unwrap();

    // The secrets went where they belong.
    let requests = server.requests();
    assert!(requests.iter().any(|r| r.body_text().contains(AUTHCODE)));
    assert!(requests
        .iter()
        .any(|r| r.cookie("ASP.NET_SessionId").as_deref() == Some(RESCUE_COOKIE)));

    shown.push(format!("{client:?} {client:#?} {:?}", client.soap_client()));
    shown.push(format!(
        "{:?}",
        api::Login {
            s_email: Some("admin@example.com".into()),
            s_password: Some(RESCUE_PASSWORD.into()),
        }
    ));
    shown.push(format!(
        "{:?}",
        api::RequestAuthCodeResponse {
            request_auth_code_result: api::RequestAuthCodeRet::Ok,
            s_auth_code: Some(AUTHCODE.into()),
        }
    ));
    let secrets = [RESCUE_PASSWORD, "wrong-Pa55word!", AUTHCODE, RESCUE_COOKIE];
    assert_hidden(&shown.join("\n"), &secrets, "Debug or Display output");

    let logs = logs.text();
    for expected in [
        "soap_call",
        "operation=\"requestAuthCode\"",
        "status=500",
        "logged in to LogMeIn Rescue",
        "obtained a LogMeIn Rescue authcode",
    ] {
        assert!(
            logs.contains(expected),
            "the logs lack {expected:?}:\n{logs}"
        );
    }
    assert_hidden(&logs, &secrets, "the log");
}

// ---------------------------------------------------------------------------------------------
// Archer: the session token

const ARCHER_NS: &str = "http://archer-tech.com/webservices/";
const ARCHER_PASSWORD: &str = "Archer<Pa55>&word";
const ARCHER_TOKEN: &str = "9F8E7D6C5B4A39281706F5E4D3C2B1A0";
const ARCHER_TOKEN_2: &str = "0A1B2C3D4E5F60718293A4B5C6D7E8F9";

fn archer_result(op: &str, text: &str) -> TestResponse {
    TestResponse::soap12(&format!(
        r#"<{op}Response xmlns="{ARCHER_NS}"><{op}Result>{text}</{op}Result></{op}Response>"#
    ))
}

fn archer_fault(reason: &str) -> TestResponse {
    TestResponse::soap12(&format!(
        r#"<soap:Fault><soap:Code><soap:Value>soap:Receiver</soap:Value></soap:Code><soap:Reason><soap:Text xml:lang="en">{}</soap:Text></soap:Reason><soap:Detail /></soap:Fault>"#,
        escape(reason)
    ))
    .with_status(500)
}

#[tokio::test]
async fn archer_session() {
    let (logs, _guard) = capture_logs();
    let logins = Arc::new(Mutex::new(0));
    let counter = Arc::clone(&logins);
    let server = TestServer::start(move |req: RecordedRequest| {
        let (_, op, _) = body_child(&req.body);
        let token = find_text(&req.body, "sessionToken");
        let mut logins = counter.lock().unwrap();
        // The token of the current session: the first, then (after it expired) the second.
        let live = if *logins >= 2 {
            ARCHER_TOKEN_2
        } else {
            ARCHER_TOKEN
        };
        match op.as_str() {
            "CreateUserSessionFromInstance" => {
                if find_text(&req.body, "password").as_deref() != Some(ARCHER_PASSWORD) {
                    return archer_fault(
                        "Server was unable to process request. ---> Invalid user name or password.",
                    );
                }
                *logins += 1;
                let token = if *logins >= 2 {
                    ARCHER_TOKEN_2
                } else {
                    ARCHER_TOKEN
                };
                archer_result(&op, token)
            }
            _ if token.as_deref() != Some(live) => {
                archer_fault("Server was unable to process request. ---> Invalid session token")
            }
            "GetGroups" => {
                // The first session expires after this call.
                if *logins == 1 {
                    *logins = 2;
                }
                archer_result(
                    &op,
                    &escape("<Groups><Group><Id>2</Id><Name>Risk</Name></Group></Groups>"),
                )
            }
            "LookupGroup" => archer_result(&op, &escape("<Groups />")),
            "UpdateGroup" => archer_result(&op, "1"),
            "TerminateSession" => archer_result(&op, "1"),
            other => panic!("unexpected Archer operation {other}"),
        }
    })
    .await;
    let client = ArcherClient::builder(server.url("/RSAarcher"))
        .soap_version(SoapVersion::V12)
        .build()
        .unwrap();
    let mut shown = Vec::new();

    let err = client
        .login("apiuser", "Production", "not-the-Archer-password")
        .await
        .unwrap_err();
    shown.push(format!("{err} {err:?}"));
    client
        .login("apiuser", "Production", ARCHER_PASSWORD)
        .await
        .unwrap();
    let groups = client.get_groups().await.unwrap();
    shown.push(format!("{groups:?}"));
    // The session is gone on the server: the error says so, and logging in again recovers.
    let err = client.lookup_group("Risk").await.unwrap_err();
    assert!(err.is_session_expired(), "{err:?}");
    shown.push(format!("{err} {err:?}"));
    client
        .login("apiuser", "Production", ARCHER_PASSWORD)
        .await
        .unwrap();
    client.update_group(2, "Risk Management").await.unwrap();
    let token = client.session_token().unwrap();
    shown.push(format!("{token:?} {token}"));
    shown.push(format!("{client:?} {client:#?}"));
    shown.push(format!(
        "{:?} {:?}",
        general::CreateUserSessionFromInstance {
            user_name: Some("apiuser".into()),
            instance_name: Some("Production".into()),
            password: Some(ARCHER_PASSWORD.into()),
        },
        general::TerminateSession {
            session_token: Some(ARCHER_TOKEN_2.into()),
        }
    ));
    client.terminate_session().await.unwrap();

    assert!(server
        .requests()
        .iter()
        .any(|r| r.body_text().contains(ARCHER_TOKEN_2)));
    let secrets = [
        ARCHER_PASSWORD,
        &escape(ARCHER_PASSWORD),
        "not-the-Archer-password",
        ARCHER_TOKEN,
        ARCHER_TOKEN_2,
    ];
    assert_hidden(&shown.join("\n"), &secrets, "Debug or Display output");

    let logs = logs.text();
    for expected in [
        "soap_call",
        "LookupGroup",
        "logged in to Archer",
        "status=500",
    ] {
        assert!(
            logs.contains(expected),
            "the logs lack {expected:?}:\n{logs}"
        );
    }
    assert_hidden(&logs, &secrets, "the log");
}

// ---------------------------------------------------------------------------------------------
// Commvault: the login token in `Authtoken`

const CV_PASSWORD: &str = "Commvault-Pässwort-1";
const CV_TOKEN: &str = "QSDK 3a7f0e9b1c2d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f";
const CV_TOKEN_2: &str = "QSDK 9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f";

#[tokio::test]
async fn commvault_session() {
    let (logs, _guard) = capture_logs();
    let encoded = base64::engine::general_purpose::STANDARD.encode(CV_PASSWORD.as_bytes());
    let logins = Arc::new(Mutex::new(0));
    let counter = Arc::clone(&logins);
    let expected_password = encoded.clone();
    let server = TestServer::start(move |req: RecordedRequest| {
        let mut logins = counter.lock().unwrap();
        let live = if *logins >= 2 { CV_TOKEN_2 } else { CV_TOKEN };
        if req.path.ends_with("/Login") {
            let text = req.body_text();
            if !text.contains(&format!("password=\"{expected_password}\"")) {
                return TestResponse::text(
                    200,
                    "application/xml",
                    r#"<DM2ContentIndexing_CheckCredentialResp><errList errorCode="5" errLogMessage="Username or password is incorrect"/></DM2ContentIndexing_CheckCredentialResp>"#,
                );
            }
            *logins += 1;
            let token = if *logins >= 2 { CV_TOKEN_2 } else { CV_TOKEN };
            return TestResponse::text(
                200,
                "application/xml",
                format!(
                    r#"<DM2ContentIndexing_CheckCredentialResp userName="admin" token="{token}" ccn="0"/>"#
                ),
            );
        }
        if req.header("authtoken") != Some(live) {
            return TestResponse::text(401, "text/plain", "Access denied");
        }
        if req.path.ends_with("/UserGroup/1") {
            // The first token expires after this call.
            if *logins == 1 {
                *logins = 2;
            }
            return TestResponse::text(
                200,
                "application/xml",
                r#"<App_UpdateUserGroupPropertiesResponse><response errorCode="0"/></App_UpdateUserGroupPropertiesResponse>"#,
            );
        }
        TestResponse::text(
            200,
            "application/xml",
            r#"<App_UpdateUserGroupPropertiesResponse><response errorCode="587" errorString="User group not found"/></App_UpdateUserGroupPropertiesResponse>"#,
        )
    })
    .await;
    let client = CommvaultClient::builder(server.url("/webconsole/api"))
        .build()
        .unwrap();
    let mut shown = Vec::new();

    let err = client
        .login("admin", "not-the-Commvault-password")
        .await
        .unwrap_err();
    shown.push(format!("{err} {err:?}"));
    let who = client
        .login_with(
            "admin",
            CV_PASSWORD,
            LoginOptions {
                timeout_minutes: Some(30),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    shown.push(format!("{who:?}"));
    client
        .update_user_group_by_id(1, cv::UserGroupProperties::default())
        .await
        .unwrap();
    // The token expired: 401, then a new login.
    let err = client
        .update_user_group_by_id(2, cv::UserGroupProperties::default())
        .await
        .unwrap_err();
    assert!(err.is_authentication(), "{err:?}");
    shown.push(format!("{err} {err:?}"));
    client.login("admin", CV_PASSWORD).await.unwrap();
    let err = client
        .update_user_group_by_name("Ops & Co", cv::UserGroupProperties::default())
        .await
        .unwrap_err();
    assert_eq!(err.error_code(), Some(587));
    shown.push(format!("{err} {err:?}"));
    shown.push(format!(
        "{client:?} {client:#?} {:?} {:?}",
        client.token(),
        client.rest_client()
    ));
    shown.push(format!(
        "{:?}",
        cv::Dm2ContentIndexingCheckCredentialReq {
            mode: None,
            domain: None,
            username: "admin".into(),
            password: encoded.clone(),
            commserver: None,
            timeout: None,
        }
    ));
    shown.push(format!(
        "{:?}",
        cv::Dm2ContentIndexingCheckCredentialResp {
            token: Some(CV_TOKEN_2.into()),
            ..who
        }
    ));

    assert!(server
        .requests()
        .iter()
        .any(|r| r.header("authtoken") == Some(CV_TOKEN_2)));
    let token_parts = [&CV_TOKEN[5..], &CV_TOKEN_2[5..]];
    let secrets = [
        CV_PASSWORD,
        encoded.as_str(),
        "not-the-Commvault-password",
        token_parts[0],
        token_parts[1],
    ];
    assert_hidden(&shown.join("\n"), &secrets, "Debug or Display output");

    let logs = logs.text();
    for expected in [
        "rest_call",
        "POST Login",
        "status=401",
        "logged in to Commvault",
    ] {
        assert!(
            logs.contains(expected),
            "the logs lack {expected:?}:\n{logs}"
        );
    }
    assert_hidden(&logs, &secrets, "the log");
}

#[test]
fn secrets_are_redacted_by_their_wrapper() {
    let secret = Secret::from(AUTHCODE);
    assert_eq!(
        format!("{secret:?} {secret} {secret:#?}"),
        "<redacted> <redacted> <redacted>"
    );
}
