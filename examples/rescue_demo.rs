//! Walks through the LogMeIn Rescue seed scenarios against a small in-process stand-in for
//! `API.asmx` on 127.0.0.1, printing each call and its typed result.
//!
//! Run with `cargo run --example rescue_demo`.

#[path = "../tests/support/mod.rs"]
mod support;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use support::{body_child, RecordedRequest, TestResponse, TestServer};
use wsclient::logmein_rescue::{api, RescueClient, RescueError, RescueResponse};
use wsclient::soap::SoapVersion;

const NS: &str = "https://secure.logmeinrescue.com/API/API.asmx";

/// Answers like the service would for a small demo organisation: group 337364 exists, node
/// 337366 is a technician, session 12345678 is waiting.
fn stand_in(req: RecordedRequest, calls: &AtomicU32) -> TestResponse {
    calls.fetch_add(1, Ordering::Relaxed);
    let (_, op, fields) = body_child(&req.body);
    let field = |name: &str| {
        fields
            .iter()
            .find(|(_, n, _)| n == name)
            .map(|(_, _, text)| text.clone())
            .unwrap_or_default()
    };
    let authed = field("sAuthCode") == "4ahx80u0";
    let (code, extra) = match op.as_str() {
        "requestAuthCode" if field("sPassword") == "secretpassword" => (
            "requestAuthCode_OK".to_owned(),
            "<sAuthCode>4ahx80u0</sAuthCode>".to_owned(),
        ),
        "requestAuthCode" => ("requestAuthCode_Invalid".to_owned(), String::new()),
        _ if !authed => (
            match op.as_str() {
                "setGroup_v2" => "setGroup_Invalid_SecretAuthCode",
                "transferSession" => "transferSessionRet_Invalid_SecretAuthCode",
                _ => "cancelActionRet_Invalid_SecretAuthCode",
            }
            .to_owned(),
            String::new(),
        ),
        "setGroup_v2" if field("sName").is_empty() => {
            ("setGroup_InvalidParam_Name".to_owned(), String::new())
        }
        "setGroup_v2" if field("iNodeID") != "337364" => {
            ("setGroup_InvalidParam_Node".to_owned(), String::new())
        }
        "setGroup_v2" => ("setGroup_OK".to_owned(), String::new()),
        "transferSession" if field("eNodeRef") == "CHANNEL" => (
            "transferSessionRet_InvalidParam_Node".to_owned(),
            String::new(),
        ),
        "transferSession" => ("transferSessionRet_OK".to_owned(), String::new()),
        "cancelAction" => ("cancelActionRet_OK".to_owned(), String::new()),
        _ => {
            return TestResponse::soap11_fault(
                "soap:Client",
                "Server did not recognize the value of HTTP Header SOAPAction",
                None,
            )
        }
    };
    let body = format!(
        r#"<{op}Response xmlns="{NS}"><{op}Result>{code}</{op}Result>{extra}</{op}Response>"#
    );
    if req
        .header("content-type")
        .is_some_and(|c| c.starts_with("application/soap+xml"))
    {
        TestResponse::soap12(&body)
    } else {
        TestResponse::soap11(&body)
    }
}

fn show<T: std::fmt::Debug>(call: &str, result: &Result<T, RescueError>) {
    match result {
        Ok(value) => println!("{call}\n    -> {value:?}"),
        Err(e) => println!("{call}\n    -> error: {e}"),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let calls = Arc::new(AtomicU32::new(0));
    let counter = Arc::clone(&calls);
    let server = TestServer::start(move |req| stand_in(req, &counter)).await;
    let endpoint = server.url("/API/API.asmx");
    println!("LogMeIn Rescue stand-in listening at {endpoint}\n");

    for version in [SoapVersion::V11, SoapVersion::V12] {
        println!("== {version:?} ==");
        let client = RescueClient::builder()
            .endpoint(endpoint.clone())
            .soap_version(version)
            .build()?;

        let r = client.request_auth_code("some@email.com", "wrong").await;
        show("requestAuthCode(some@email.com, <wrong password>)", &r);
        let r = client
            .request_auth_code("some@email.com", "secretpassword")
            .await;
        show("requestAuthCode(some@email.com, <password>)", &r);

        let group = api::SetGroupV2 {
            i_node_id: 337364,
            s_name: Some("TechGroup".into()),
            e_node_status: api::NodeStatus::Enabled,
            s_description: Some("TechGroup1".into()),
            a_permissions: Some(api::ArrayOfNodePermissionsV2 {
                node_permissions_v2: vec![
                    api::NodePermissionsV2::RemoteControl,
                    api::NodePermissionsV2::RemoteView,
                ],
            }),
            a_locked_permissions: Some(api::ArrayOfNodePermissionsV2 {
                node_permissions_v2: vec![api::NodePermissionsV2::CallingCardDeployment],
            }),
            i_standard_concurrent_limit: 10,
            i_mobile_concurrent_limit: 10,
            i_rpat_concurrent_limit: 5,
            s_auth_code: None,
        };
        let r = client.set_group_v2(group.clone()).await;
        show("setGroup_v2(337364, TechGroup, Enabled, ...)", &r);
        let r = client
            .set_group_v2(api::SetGroupV2 {
                s_name: Some(String::new()),
                ..group
            })
            .await
            .and_then(|resp| resp.into_result().map_err(RescueError::from));
        show("setGroup_v2(337364, <empty name>) then into_result()", &r);

        let transfer = api::TransferSession {
            i_session_id: 12345678,
            i_node_id: 337366,
            e_node_ref: api::NodeRef::Node,
            s_comment: Some("transfer session".into()),
            s_auth_code: None,
        };
        let r = client.transfer_session(transfer.clone()).await;
        show("transferSession(12345678 -> technician 337366, NODE)", &r);
        let r = client
            .transfer_session(api::TransferSession {
                e_node_ref: api::NodeRef::Channel,
                ..transfer
            })
            .await;
        show("transferSession(12345678 -> 337366 as CHANNEL)", &r);

        let r = client
            .cancel_action(api::CancelAction {
                i_session: 12345678,
                s_auth_code: None,
            })
            .await;
        show("cancelAction(12345678)", &r);
        println!();
    }
    println!(
        "{} calls answered by the stand-in.",
        calls.load(Ordering::Relaxed)
    );
    Ok(())
}
