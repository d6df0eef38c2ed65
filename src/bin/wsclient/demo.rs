//! `wsclient demo` and `wsclient serve`.

use std::fmt::{Debug, Display};
use std::net::SocketAddr;

use wsclient::archer::ArcherClient;
use wsclient::commvault::{api as cv, CommvaultClient};
use wsclient::logmein_rescue::{api, RescueClient, RescueError, RescueResponse};
use wsclient::simulator::{seed, RunningSimulator, Simulator};
use wsclient::soap::SoapVersion;

/// Prints a call and its typed result.
fn show<T: Debug, E: Display>(call: &str, result: &Result<T, E>) {
    match result {
        Ok(value) => out!("{call}\n    -> {value:?}"),
        Err(e) => out!("{call}\n    -> error: {e}"),
    }
}

fn endpoints(sim: &RunningSimulator) {
    out!(
        "  Rescue     {} (WSDL at ?wsdl; SOAP 1.1 and 1.2)",
        sim.rescue_url()
    );
    out!(
        "  Archer     {0}/ws/general.asmx, {0}/ws/accesscontrol.asmx (base URL {0})",
        sim.archer_base_url()
    );
    out!(
        "  Commvault  {} (POST Login, POST UserGroup/...)",
        sim.commvault_base_url()
    );
}

fn group_update(
    name: Option<&str>,
    node: i32,
    standard: i32,
    status: api::NodeStatus,
) -> api::SetGroupV2 {
    api::SetGroupV2 {
        i_node_id: node,
        s_name: name.map(str::to_owned),
        e_node_status: status,
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
        i_standard_concurrent_limit: standard,
        i_mobile_concurrent_limit: 0,
        i_rpat_concurrent_limit: 0,
        s_auth_code: None,
    }
}

async fn rescue(sim: &RunningSimulator) -> Result<(), Box<dyn std::error::Error>> {
    out!("\n== LogMeIn Rescue, SOAP 1.1, authcode ==");
    let client = RescueClient::builder().endpoint(sim.rescue_url()).build()?;
    let r = client.request_auth_code(seed::ADMIN_EMAIL, "wrong").await;
    show(
        &format!("requestAuthCode({}, <wrong password>)", seed::ADMIN_EMAIL),
        &r,
    );
    let r = client
        .request_auth_code(seed::ADMIN_EMAIL, seed::ADMIN_PASSWORD)
        .await;
    show(
        &format!("requestAuthCode({}, <password>)", seed::ADMIN_EMAIL),
        &r,
    );

    let r = client
        .get_group(api::GetGroup {
            i_node_id: 337364,
            s_auth_code: None,
        })
        .await;
    show("getGroup(337364)", &r);
    let update = group_update(Some("TechGroup"), 337364, 10, api::NodeStatus::Enabled);
    let r = client.set_group_v2(update.clone()).await;
    show(
        "setGroup_v2(337364, TechGroup, Enabled, RemoteControl+RemoteView, 10/0/0)",
        &r,
    );
    let r = client
        .set_group_v2(group_update(Some(""), 337364, 10, api::NodeStatus::Enabled))
        .await
        .and_then(|resp| resp.into_result().map_err(RescueError::from));
    show("setGroup_v2(337364, <empty name>) then into_result()", &r);
    let r = client
        .set_group_v2(group_update(
            Some("TechGroup"),
            337364,
            20,
            api::NodeStatus::Enabled,
        ))
        .await;
    show(
        "setGroup_v2(337364, 20 standard seats: 20 + 8 + 4 > 25 licensed)",
        &r,
    );
    let r = client
        .set_group_v2(group_update(
            Some("Legacy Tier 1"),
            337370,
            0,
            api::NodeStatus::Enabled,
        ))
        .await;
    show(
        "setGroup_v2(337370, Enabled, under the disabled group 337369)",
        &r,
    );

    let r = client
        .get_session_v3(api::GetSessionV3 {
            i_node_id: 337380,
            e_node_ref: api::NodeRef::Channel,
            s_auth_code: None,
        })
        .await
        .map(|resp| {
            resp.a_sessions
                .map(|a| {
                    a.session_v3
                        .iter()
                        .map(|s| (s.i_id, s.b_status.clone()))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        });
    show("getSession_V3(337380, CHANNEL): the waiting sessions", &r);
    let transfer = api::TransferSession {
        i_session_id: 12345678,
        i_node_id: 337366,
        e_node_ref: api::NodeRef::Node,
        s_comment: Some("Escalating".into()),
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
    show("cancelAction(12345678): the transfer is undone", &r);
    let r = client
        .start_session(api::StartSession {
            i_session: 12345678,
            i_node: 337366,
            s_auth_code: None,
        })
        .await;
    show("startSession(12345678, technician 337366)", &r);
    let r = client
        .close_session(api::CloseSession {
            i_session: 12345680,
            s_auth_code: None,
        })
        .await;
    show("closeSession(12345680): its technician is offline", &r);
    let r = client
        .close_session(api::CloseSession {
            i_session: 12345679,
            s_auth_code: None,
        })
        .await;
    show("closeSession(12345679)", &r);

    out!("\n== LogMeIn Rescue, SOAP 1.2, cookie session ==");
    let client = RescueClient::builder()
        .endpoint(sim.rescue_url())
        .soap_version(SoapVersion::V12)
        .build()?;
    let r = client
        .get_group(api::GetGroup {
            i_node_id: 337364,
            s_auth_code: None,
        })
        .await;
    show(
        "getGroup(337364) before logging in",
        &r.map(|g| g.get_group_result),
    );
    let r = client.login(seed::ADMIN_EMAIL, seed::ADMIN_PASSWORD).await;
    show(&format!("login({}, <password>)", seed::ADMIN_EMAIL), &r);
    let r = client
        .get_session_v3(api::GetSessionV3 {
            i_node_id: 337366,
            e_node_ref: api::NodeRef::Node,
            s_auth_code: None,
        })
        .await
        .map(|resp| {
            resp.a_sessions
                .map(|a| {
                    a.session_v3
                        .iter()
                        .map(|s| (s.i_id, s.b_status.clone()))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        });
    show("getSession_V3(337366, NODE): the technician's sessions", &r);
    let r = client.logout().await;
    show("logout()", &r);
    Ok(())
}

async fn archer(sim: &RunningSimulator) -> Result<(), Box<dyn std::error::Error>> {
    out!("\n== RSA Archer, SOAP 1.1 ==");
    let client = ArcherClient::builder(sim.archer_base_url()).build()?;
    let r = client.login(seed::ARCHER_USER, "Demo", "wrong").await;
    show(
        &format!(
            "CreateUserSessionFromInstance({}, Demo, <wrong password>)",
            seed::ARCHER_USER
        ),
        &r,
    );
    let r = client
        .login(seed::ARCHER_USER, "Demo", seed::ARCHER_PASSWORD)
        .await;
    show(
        &format!(
            "CreateUserSessionFromInstance({}, Demo, <password>)",
            seed::ARCHER_USER
        ),
        &r,
    );
    let r = client
        .lookup_group("Risk Managers")
        .await
        .map(|g| g.into_value());
    show("LookupGroup(Risk Managers)", &r);
    let id = client.create_group("Vendor Risk").await;
    show("CreateGroup(Vendor Risk)", &id);
    let id = id?;
    let user = client.lookup_user_id("jdoe").await;
    show("LookupUserId(jdoe)", &user);
    let r = client.add_user_to_group(user?, id).await;
    show(&format!("AddUserToGroup(jdoe, {id})"), &r);
    let r = client.update_group(id, "Third-Party Risk").await;
    show(&format!("UpdateGroup({id}, Third-Party Risk)"), &r);
    let r = client
        .get_group_information(id)
        .await
        .map(|g| g.into_value());
    show(&format!("GetGroupInformation({id})"), &r);
    let r = client.create_group("Risk Managers").await;
    show("CreateGroup(Risk Managers): the name is taken", &r);
    let r = client.terminate_session().await;
    show("TerminateSession()", &r);
    let stale = ArcherClient::builder(sim.archer_base_url()).build()?;
    stale.set_session_token(wsclient::secret::Secret::new(
        "NotAValidToken000000000000000000".into(),
    ));
    let r = stale.get_groups().await.map(|g| g.into_value());
    show("GetGroups() with a token Archer does not know", &r);
    if let Err(e) = &r {
        out!("    is_session_expired() = {}", e.is_session_expired());
    }
    Ok(())
}

async fn commvault(sim: &RunningSimulator) -> Result<(), Box<dyn std::error::Error>> {
    out!("\n== Commvault REST (XML) ==");
    let client = CommvaultClient::builder(sim.commvault_base_url()).build()?;
    let r = client
        .login(seed::COMMVAULT_USER, "wrong")
        .await
        .map(|_| ());
    show(
        &format!("POST Login({}, <wrong password>)", seed::COMMVAULT_USER),
        &r,
    );
    let r = client
        .login(seed::COMMVAULT_USER, seed::COMMVAULT_PASSWORD)
        .await
        .map(|resp| (resp.user_name, resp.smtp_address));
    show(
        &format!("POST Login({}, <password>)", seed::COMMVAULT_USER),
        &r,
    );

    let mut add = cv::UserGroupProperties::new(cv::UserGroupEntity::by_name("DEV_0012"));
    add.users_operation_type = Some(cv::OperationType::Add);
    add.users.push(cv::UserEntity::named("jsmith"));
    let r = client.update_user_group_by_name("DEV_0012", add).await;
    show(
        "POST UserGroup/byName(userGroupName='DEV_0012'): ADD user jsmith",
        &r,
    );

    let mut block = cv::UserGroupProperties::new(cv::UserGroupEntity::by_id(34));
    block.is_black_listed = Some(cv::UserGroupProperties::BLOCK_LAPTOP_ACTIVATION);
    let r = client.update_user_group_by_id(34, block).await;
    show("POST UserGroup/34: block laptop activation", &r);

    let mut delete = cv::UserGroupProperties::new(cv::UserGroupEntity::by_name("DEV_0012"));
    delete.security_associations = Some(cv::SecurityAssociations {
        associations_operation_type: cv::OperationType::Delete,
        associations: vec![cv::SecurityAssociation::with_role(
            vec![cv::Entity {
                storage_policy_name: Some("STOR_001".into()),
                ..cv::Entity::default()
            }],
            "Reporting_admin",
        )],
    });
    let r = client.update_user_group_by_name("DEV_0012", delete).await;
    show(
        "POST UserGroup/byName(userGroupName='DEV_0012'): DELETE STOR_001 / Reporting_admin",
        &r,
    );
    if let Some(group) = sim.simulator().commvault().user_group(12) {
        out!(
            "    DEV_0012 now: users {:?}, {} association(s)",
            group.users,
            group.associations.len()
        );
    }
    let r = client
        .update_user_group_by_name(
            "DEV_0099",
            cv::UserGroupProperties::new(cv::UserGroupEntity::by_name("DEV_0099")),
        )
        .await;
    show(
        "POST UserGroup/byName(userGroupName='DEV_0099'): no such group",
        &r,
    );
    Ok(())
}

pub async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let sim = Simulator::new().start(([127, 0, 0, 1], 0).into()).await?;
    out!("Simulator listening on http://{}", sim.local_addr());
    endpoints(&sim);
    let outcome = async {
        rescue(&sim).await?;
        archer(&sim).await?;
        commvault(&sim).await
    }
    .await;
    sim.shutdown().await;
    outcome?;
    out!("\nDone: every call above went over HTTP to the simulator, which has stopped.");
    Ok(())
}

pub async fn serve(addr: SocketAddr) -> Result<(), Box<dyn std::error::Error>> {
    let sim = Simulator::new().start(addr).await?;
    out!("Simulator listening on http://{}", sim.local_addr());
    endpoints(&sim);
    out!("Demo credentials:");
    out!(
        "  Rescue     {} / {} (authcode {})",
        seed::ADMIN_EMAIL,
        seed::ADMIN_PASSWORD,
        seed::DEMO_AUTH_CODE
    );
    out!(
        "  Archer     {} / {}, instance Demo (session token {})",
        seed::ARCHER_USER,
        seed::ARCHER_PASSWORD,
        seed::ARCHER_DEMO_TOKEN
    );
    out!(
        "  Commvault  {} / {}",
        seed::COMMVAULT_USER,
        seed::COMMVAULT_PASSWORD
    );
    out!("Press Ctrl-C to stop.");
    tokio::signal::ctrl_c().await?;
    eprintln!("Stopping...");
    sim.shutdown().await;
    eprintln!("Stopped.");
    Ok(())
}
