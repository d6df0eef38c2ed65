//! The simulator's rules, through the crate's own clients over HTTP on 127.0.0.1: every
//! `setGroup_v2` code, the login session and its idle expiry (on a clock moved by hand), the
//! session actions and `NODE_REF`, Archer's sessions, groups and users, Commvault's login and
//! user-group updates.

use std::sync::Arc;
use std::time::Duration;

use wsclient::archer::ArcherClient;
use wsclient::commvault::{api as cv, CommvaultClient, CommvaultError};
use wsclient::logmein_rescue::{api, RescueClient};
use wsclient::secret::Secret;
use wsclient::simulator::{seed, ManualClock, RunningSimulator, Simulator};
use wsclient::soap::SoapVersion;

async fn start() -> RunningSimulator {
    Simulator::new()
        .start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap()
}

async fn start_with(clock: Arc<ManualClock>) -> RunningSimulator {
    Simulator::with_clock(clock)
        .start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap()
}

fn rescue(sim: &RunningSimulator, version: SoapVersion) -> RescueClient {
    RescueClient::builder()
        .endpoint(sim.rescue_url())
        .soap_version(version)
        .build()
        .unwrap()
}

fn v2(node: i32, name: Option<&str>) -> api::SetGroupV2 {
    api::SetGroupV2 {
        i_node_id: node,
        s_name: name.map(str::to_owned),
        e_node_status: api::NodeStatus::Enabled,
        s_description: None,
        a_permissions: None,
        a_locked_permissions: None,
        i_standard_concurrent_limit: 5,
        i_mobile_concurrent_limit: 5,
        i_rpat_concurrent_limit: 1,
        s_auth_code: Some(seed::DEMO_AUTH_CODE.into()),
    }
}

fn perms(values: &[api::NodePermissionsV2]) -> Option<api::ArrayOfNodePermissionsV2> {
    Some(api::ArrayOfNodePermissionsV2 {
        node_permissions_v2: values.to_vec(),
    })
}

#[tokio::test]
async fn every_set_group_v2_code_is_reachable() {
    use api::SetGroupRetV2 as R;
    let sim = start().await;
    let client = rescue(&sim, SoapVersion::V11);
    let ok = v2(337364, Some("TechGroup"));
    let cases: Vec<(&str, api::SetGroupV2, R)> = vec![
        ("valid", ok.clone(), R::Ok),
        (
            "no authentication",
            api::SetGroupV2 {
                s_auth_code: None,
                ..ok.clone()
            },
            R::NotLoggedIn,
        ),
        (
            "unknown authcode",
            api::SetGroupV2 {
                s_auth_code: Some("nope".into()),
                ..ok.clone()
            },
            R::InvalidSecretAuthCode,
        ),
        (
            "disabled account",
            api::SetGroupV2 {
                s_auth_code: Some(seed::DISABLED_AUTH_CODE.into()),
                ..ok.clone()
            },
            R::UserDeletedOrDisabled,
        ),
        (
            "a technician, not a group",
            api::SetGroupV2 {
                i_node_id: 337366,
                ..ok.clone()
            },
            R::InvalidParamNode,
        ),
        (
            "no such node",
            api::SetGroupV2 {
                i_node_id: 1,
                ..ok.clone()
            },
            R::InvalidParamNode,
        ),
        (
            "back end times out",
            v2(337371, Some("Flaky Group")),
            R::Error,
        ),
        (
            "empty name",
            api::SetGroupV2 {
                s_name: Some(" ".into()),
                ..ok.clone()
            },
            R::InvalidParamName,
        ),
        (
            "no name",
            api::SetGroupV2 {
                s_name: None,
                ..ok.clone()
            },
            R::InvalidParamName,
        ),
        (
            "long name",
            api::SetGroupV2 {
                s_name: Some("x".repeat(65)),
                ..ok.clone()
            },
            R::InvalidParamName,
        ),
        (
            "unknown status",
            api::SetGroupV2 {
                e_node_status: api::NodeStatus::Unknown("Paused".into()),
                ..ok.clone()
            },
            R::InvalidParamStatus,
        ),
        (
            "empty permissions",
            api::SetGroupV2 {
                a_permissions: perms(&[]),
                ..ok.clone()
            },
            R::InvalidParamPermission,
        ),
        (
            "unknown permission",
            api::SetGroupV2 {
                a_permissions: perms(&[api::NodePermissionsV2::Unknown("Teleport".into())]),
                ..ok.clone()
            },
            R::InvalidParamPermission,
        ),
        (
            "repeated permission",
            api::SetGroupV2 {
                a_permissions: perms(&[
                    api::NodePermissionsV2::RemoteView,
                    api::NodePermissionsV2::RemoteView,
                ]),
                ..ok.clone()
            },
            R::InvalidParamPermission,
        ),
        (
            "empty locked permissions",
            api::SetGroupV2 {
                a_locked_permissions: perms(&[]),
                ..ok.clone()
            },
            R::InvalidParamLockedPermission,
        ),
        (
            "negative standard limit",
            api::SetGroupV2 {
                i_standard_concurrent_limit: -1,
                ..ok.clone()
            },
            R::InvalidParamStandardConcurrentLimit,
        ),
        (
            "standard above the organisation's",
            api::SetGroupV2 {
                i_standard_concurrent_limit: 26,
                ..ok.clone()
            },
            R::InvalidParamStandardConcurrentLimit,
        ),
        (
            "standard above the parent group's",
            api::SetGroupV2 {
                i_standard_concurrent_limit: 5,
                e_node_status: api::NodeStatus::Disabled,
                ..v2(337370, Some("Legacy Tier 1"))
            },
            R::InvalidParamStandardConcurrentLimit,
        ),
        (
            "mobile above the organisation's",
            api::SetGroupV2 {
                i_mobile_concurrent_limit: 21,
                ..ok.clone()
            },
            R::InvalidParamMobileConcurrentLimit,
        ),
        (
            "rpat above the organisation's",
            api::SetGroupV2 {
                i_rpat_concurrent_limit: 11,
                ..ok.clone()
            },
            R::InvalidParamRpatConcurrentLimit,
        ),
        (
            "seats over the licences",
            api::SetGroupV2 {
                i_standard_concurrent_limit: 20,
                ..ok.clone()
            },
            R::NotEnoughSeatLicensesAvailable,
        ),
        (
            "enabled under a disabled parent",
            api::SetGroupV2 {
                i_standard_concurrent_limit: 1,
                i_mobile_concurrent_limit: 1,
                ..v2(337370, Some("Legacy Tier 1"))
            },
            R::NodeCannotBeEnabledBecauseItsParentNodeIsDisabled,
        ),
    ];
    let mut reached = Vec::new();
    for (what, request, expected) in cases {
        let answer = client.set_group_v2(request).await.unwrap();
        assert_eq!(answer.set_group_v2_result, expected, "{what}");
        reached.push(expected);
    }
    for code in api::SetGroupRetV2::VALUES {
        assert!(reached.contains(code), "{code} is never reached");
    }
    // The valid update was applied, and nothing else was.
    let (name, enabled, permissions, seats) = sim.simulator().rescue().group(337364).unwrap();
    assert_eq!(
        (name.as_str(), enabled, seats.standard, seats.rpat),
        ("TechGroup", true, 5, 1)
    );
    assert_eq!(
        permissions,
        vec!["RemoteControl", "RemoteView"],
        "absent permissions are kept"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn set_group_v1_shares_the_rules() {
    use api::SetGroupRet as R;
    let sim = start().await;
    let client = rescue(&sim, SoapVersion::V12);
    client
        .login(seed::ADMIN_EMAIL, seed::ADMIN_PASSWORD)
        .await
        .unwrap();
    let request = api::SetGroup {
        i_node_id: 337365,
        s_name: Some("Tier Two".into()),
        e_node_status: api::NodeStatus::Enabled,
        s_description: Some("renamed".into()),
        a_permissions: Some(api::ArrayOfNodePermissions {
            node_permissions: vec![api::NodePermissions::TechEndSessionSurvey],
        }),
        a_locked_permissions: None,
        i_standard_concurrent_limit: 8,
        i_mobile_concurrent_limit: 25,
        s_auth_code: None,
    };
    let answer = client.set_group(request.clone()).await.unwrap();
    assert_eq!(
        answer.set_group_result,
        R::InvalidParamMobileConcurrentLimit
    );
    let answer = client
        .set_group(api::SetGroup {
            i_mobile_concurrent_limit: 5,
            ..request
        })
        .await
        .unwrap();
    assert_eq!(answer.set_group_result, R::Ok);
    let group = client
        .get_group(api::GetGroup {
            i_node_id: 337365,
            s_auth_code: None,
        })
        .await
        .unwrap()
        .o_group
        .unwrap();
    assert_eq!(group.s_name.as_deref(), Some("Tier Two"));
    assert_eq!(
        group.a_permissions.unwrap().node_permissions,
        vec![api::NodePermissions::TechEndSessionSurvey]
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn login_session_expires_after_twenty_idle_minutes() {
    let clock = Arc::new(ManualClock::new());
    let sim = start_with(Arc::clone(&clock)).await;
    let client = rescue(&sim, SoapVersion::V11);
    let get = || api::GetGroup {
        i_node_id: 337364,
        s_auth_code: None,
    };
    assert_eq!(
        client.get_group(get()).await.unwrap().get_group_result,
        api::GetGroupRet::NotLoggedIn
    );
    client
        .login(seed::ADMIN_EMAIL, seed::ADMIN_PASSWORD)
        .await
        .unwrap();
    assert!(client.soap_client().has_cookie("ASP.NET_SessionId"));
    // Each call restarts the twenty minutes.
    for _ in 0..3 {
        clock.advance(Duration::from_secs(19 * 60));
        assert_eq!(
            client.get_group(get()).await.unwrap().get_group_result,
            api::GetGroupRet::Ok
        );
    }
    clock.advance(Duration::from_secs(20 * 60));
    assert_eq!(
        client.get_group(get()).await.unwrap().get_group_result,
        api::GetGroupRet::NotLoggedIn
    );
    // The session is gone: logging out says so; a new login works.
    assert_eq!(
        client.logout().await.unwrap().logout_result,
        api::LogoutRet::NotLoggedIn
    );
    client
        .login(seed::ADMIN_EMAIL, seed::ADMIN_PASSWORD)
        .await
        .unwrap();
    assert_eq!(
        client.logout().await.unwrap().logout_result,
        api::LogoutRet::Ok
    );
    assert_eq!(
        client.get_group(get()).await.unwrap().get_group_result,
        api::GetGroupRet::NotLoggedIn
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn login_codes_and_rate_limit() {
    use api::LoginRet as R;
    let clock = Arc::new(ManualClock::new());
    let sim = start_with(Arc::clone(&clock)).await;
    let client = rescue(&sim, SoapVersion::V11);
    let code = |e: wsclient::logmein_rescue::RescueError| e.result_code().map(str::to_owned);
    let err = client.login(seed::ADMIN_EMAIL, "wrong").await.unwrap_err();
    assert_eq!(code(err).as_deref(), Some(R::Invalid.as_str()));
    let err = client
        .login(seed::DISABLED_EMAIL, seed::ADMIN_PASSWORD)
        .await
        .unwrap_err();
    assert_eq!(code(err).as_deref(), Some(R::Invalid.as_str()));
    let err = client
        .login(seed::RESTRICTED_EMAIL, seed::ADMIN_PASSWORD)
        .await
        .unwrap_err();
    assert_eq!(code(err).as_deref(), Some(R::GlobalIpRestricted.as_str()));
    // Ten calls for one email in three minutes are allowed (one was made above), the
    // eleventh is not.
    for _ in 0..9 {
        client
            .login(seed::ADMIN_EMAIL, seed::ADMIN_PASSWORD)
            .await
            .unwrap();
    }
    let err = client
        .login(seed::ADMIN_EMAIL, seed::ADMIN_PASSWORD)
        .await
        .unwrap_err();
    assert_eq!(code(err).as_deref(), Some(R::LimitReached.as_str()));
    clock.advance(Duration::from_secs(3 * 60));
    client
        .login(seed::ADMIN_EMAIL, seed::ADMIN_PASSWORD)
        .await
        .unwrap();
    sim.shutdown().await;
}

#[tokio::test]
async fn a_new_authcode_invalidates_the_old_one() {
    use api::RequestAuthCodeRet as R;
    let sim = start().await;
    let client = rescue(&sim, SoapVersion::V11);
    let first = rescue(&sim, SoapVersion::V11);
    first.set_auth_code(Secret::new(seed::DEMO_AUTH_CODE.to_owned()));
    let get = || api::GetGroup {
        i_node_id: 337364,
        s_auth_code: None,
    };
    assert_eq!(
        first.get_group(get()).await.unwrap().get_group_result,
        api::GetGroupRet::Ok
    );
    client
        .request_auth_code(seed::ADMIN_EMAIL, seed::ADMIN_PASSWORD)
        .await
        .unwrap();
    assert_eq!(
        client.get_group(get()).await.unwrap().get_group_result,
        api::GetGroupRet::Ok
    );
    assert_eq!(
        first.get_group(get()).await.unwrap().get_group_result,
        api::GetGroupRet::InvalidSecretAuthCode
    );
    let err = client
        .request_auth_code(seed::ADMIN_EMAIL, "wrong")
        .await
        .unwrap_err();
    assert_eq!(err.result_code(), Some(R::Invalid.as_str()));
    for _ in 0..8 {
        client
            .request_auth_code(seed::ADMIN_EMAIL, seed::ADMIN_PASSWORD)
            .await
            .unwrap();
    }
    let err = client
        .request_auth_code(seed::ADMIN_EMAIL, seed::ADMIN_PASSWORD)
        .await
        .unwrap_err();
    assert_eq!(err.result_code(), Some(R::PollRateExceeded.as_str()));
    sim.shutdown().await;
}

fn transfer(session: i32, node: i32, node_ref: api::NodeRef) -> api::TransferSession {
    api::TransferSession {
        i_session_id: session,
        i_node_id: node,
        e_node_ref: node_ref,
        s_comment: Some("Escalating".into()),
        s_auth_code: None,
    }
}

#[tokio::test]
async fn sessions_are_transferred_held_cancelled_and_closed() {
    use api::TransferSessionRet as T;
    let sim = start().await;
    let client = rescue(&sim, SoapVersion::V11);
    // Without a session: the admin is not logged in.
    let r = client
        .transfer_session(transfer(12345678, 337366, api::NodeRef::Node))
        .await
        .unwrap();
    assert_eq!(r.transfer_session_result, T::NotLoggedInAsAdmin);
    client.set_auth_code(Secret::new(seed::DEMO_AUTH_CODE.to_owned()));

    // NODE_REF: NODE names a technician, CHANNEL a channel.
    for (node, node_ref) in [
        (337366, api::NodeRef::Channel),
        (337380, api::NodeRef::Node),
        (337364, api::NodeRef::Node),
        (999, api::NodeRef::Node),
    ] {
        let r = client
            .transfer_session(transfer(12345678, node, node_ref.clone()))
            .await
            .unwrap();
        assert_eq!(
            r.transfer_session_result,
            T::InvalidParamNode,
            "{node} as {node_ref}"
        );
    }
    let r = client
        .transfer_session(transfer(12345678, 337367, api::NodeRef::Node))
        .await
        .unwrap();
    assert_eq!(
        r.transfer_session_result,
        T::ActionFailed,
        "the target technician is offline"
    );
    let r = client
        .transfer_session(transfer(99, 337366, api::NodeRef::Node))
        .await
        .unwrap();
    assert_eq!(r.transfer_session_result, T::Error, "no such session");

    let r = client
        .transfer_session(transfer(12345678, 337366, api::NodeRef::Node))
        .await
        .unwrap();
    assert_eq!(r.transfer_session_result, T::Ok);
    let s = sim.simulator().rescue().session(12345678).unwrap();
    assert_eq!(s.b_status, api::SessionStatus::Transferingbutnotpickedup);
    assert_eq!(
        (s.i_technician, s.s_transferred_to.as_deref()),
        (337366, Some("Terry Tech"))
    );
    assert_eq!(s.s_transferred_comment.as_deref(), Some("Escalating"));

    // cancelAction undoes it; a second has nothing to undo.
    let cancel = || api::CancelAction {
        i_session: 12345678,
        s_auth_code: None,
    };
    assert_eq!(
        client
            .cancel_action(cancel())
            .await
            .unwrap()
            .cancel_action_result,
        api::CancelActionRet::Ok
    );
    let s = sim.simulator().rescue().session(12345678).unwrap();
    assert_eq!(
        (s.b_status, s.i_technician),
        (api::SessionStatus::Waiting, 0)
    );
    assert_eq!(
        client
            .cancel_action(cancel())
            .await
            .unwrap()
            .cancel_action_result,
        api::CancelActionRet::Error
    );

    // A transfer to the channel puts it back in the queue there.
    let r = client
        .transfer_session(transfer(12345679, 337380, api::NodeRef::Channel))
        .await
        .unwrap();
    assert_eq!(r.transfer_session_result, T::Ok);
    let queue = client
        .get_session_v3(api::GetSessionV3 {
            i_node_id: 337380,
            e_node_ref: api::NodeRef::Channel,
            s_auth_code: None,
        })
        .await
        .unwrap();
    let ids: Vec<i32> = queue
        .a_sessions
        .unwrap()
        .session_v3
        .iter()
        .map(|s| s.i_id)
        .collect();
    assert_eq!(ids, vec![12345678, 12345679]);

    // startSession picks it up; then the technician holds it.
    let start = |session, node| api::StartSession {
        i_session: session,
        i_node: node,
        s_auth_code: None,
    };
    assert_eq!(
        client
            .start_session(start(12345679, 337367))
            .await
            .unwrap()
            .start_session_result,
        api::StartSessionRet::ActionFailed
    );
    assert_eq!(
        client
            .start_session(start(12345679, 337364))
            .await
            .unwrap()
            .start_session_result,
        api::StartSessionRet::Error
    );
    assert_eq!(
        client
            .start_session(start(12345679, 337366))
            .await
            .unwrap()
            .start_session_result,
        api::StartSessionRet::Ok
    );
    sim.simulator().rescue().hold_session(12345679).unwrap();
    assert_eq!(
        sim.simulator().rescue().session(12345679).unwrap().b_status,
        api::SessionStatus::Onhold
    );
    // Tier 2 does not allow holding (SessionHoldNotAllowed).
    let r = client
        .transfer_session(transfer(12345678, 337368, api::NodeRef::Node))
        .await
        .unwrap();
    assert_eq!(r.transfer_session_result, T::Ok);
    assert_eq!(
        client
            .start_session(start(12345678, 337368))
            .await
            .unwrap()
            .start_session_result,
        api::StartSessionRet::Ok
    );
    assert!(sim
        .simulator()
        .rescue()
        .hold_session(12345678)
        .unwrap_err()
        .contains("does not allow"));

    // closeSession: an offline technician's session fails; unknown and closed ones are invalid.
    let close = |session| api::CloseSession {
        i_session: session,
        s_auth_code: None,
    };
    assert_eq!(
        client
            .close_session(close(12345680))
            .await
            .unwrap()
            .close_session_result,
        api::CloseSessionRet::ActionFailed
    );
    assert!(sim.simulator().rescue().set_technician_online(337367, true));
    assert_eq!(
        client
            .close_session(close(12345680))
            .await
            .unwrap()
            .close_session_result,
        api::CloseSessionRet::Ok
    );
    assert_eq!(
        client
            .close_session(close(12345680))
            .await
            .unwrap()
            .close_session_result,
        api::CloseSessionRet::InvalidParamSession
    );
    assert_eq!(
        client
            .close_session(close(1))
            .await
            .unwrap()
            .close_session_result,
        api::CloseSessionRet::InvalidParamSession
    );
    let mine = client
        .get_session_v3(api::GetSessionV3 {
            i_node_id: 337367,
            e_node_ref: api::NodeRef::Node,
            s_auth_code: None,
        })
        .await
        .unwrap();
    assert!(
        mine.a_sessions.unwrap().session_v3.is_empty(),
        "closed sessions are not listed"
    );
    let bad = client
        .get_session_v3(api::GetSessionV3 {
            i_node_id: 337364,
            e_node_ref: api::NodeRef::Node,
            s_auth_code: None,
        })
        .await
        .unwrap();
    assert_eq!(
        bad.get_session_v3_result,
        api::GetSessionRet::InvalidParamNodeId
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn the_simulator_serves_the_cached_wsdls() {
    let sim = start().await;
    let http = reqwest::Client::new();
    for (path, text) in [
        ("/API/API.asmx?wsdl", wsclient::server::wsdl::RESCUE.text),
        (
            "/archer/ws/general.asmx?wsdl",
            wsclient::server::wsdl::ARCHER_GENERAL.text,
        ),
        (
            "/archer/ws/accesscontrol.asmx?WSDL",
            wsclient::server::wsdl::ARCHER_ACCESS_CONTROL.text,
        ),
    ] {
        let body = http
            .get(sim.url(path))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(body, text, "{path}");
    }
    sim.shutdown().await;
}

#[tokio::test]
async fn archer_sessions_groups_users_and_the_bad_token_fault() {
    let sim = start().await;
    for version in [SoapVersion::V11, SoapVersion::V12] {
        let client = ArcherClient::builder(sim.archer_base_url())
            .soap_version(version)
            .build()
            .unwrap();
        let err = client
            .login(seed::ARCHER_USER, "Demo", "wrong")
            .await
            .unwrap_err();
        assert!(
            err.fault_message().unwrap().contains("Invalid user name"),
            "{err}"
        );
        assert!(!err.is_session_expired());
        let err = client
            .login(seed::ARCHER_USER, "Other", seed::ARCHER_PASSWORD)
            .await
            .unwrap_err();
        assert!(err.fault().is_some());
        client
            .login(seed::ARCHER_USER, "Demo", seed::ARCHER_PASSWORD)
            .await
            .unwrap();

        let name = format!("Vendor Risk {version:?}");
        let id = client.create_group(&name).await.unwrap();
        let err = client.create_group(&name.to_uppercase()).await.unwrap_err();
        assert!(
            err.fault_message().unwrap().contains("already exists"),
            "{err}"
        );
        assert!(client.create_group("  ").await.is_err());
        assert_eq!(client.get_group(id).await.unwrap(), name);
        let found = client.lookup_group(&name).await.unwrap();
        assert_eq!(
            found.group.iter().map(|g| g.id).collect::<Vec<_>>(),
            vec![id]
        );
        assert!(client
            .lookup_group("No Such Group")
            .await
            .unwrap()
            .group
            .is_empty());

        let jdoe = client.lookup_user_id("jdoe").await.unwrap();
        let jdomain = client
            .lookup_domain_user_id("jdomain", "CORP")
            .await
            .unwrap();
        assert!(client.lookup_user_id("nobody").await.is_err());
        client.add_user_to_group(jdoe, id).await.unwrap();
        client.add_user_to_group(jdomain, id).await.unwrap();
        client.add_user_to_group(jdoe, id).await.unwrap();
        assert_eq!(
            sim.simulator().archer().members(id),
            Some(vec![jdoe, jdomain])
        );
        client.remove_user_from_group(jdomain, id).await.unwrap();
        assert!(client.add_user_to_group(999, id).await.is_err());
        assert!(client.add_user_to_group(jdoe, 999).await.is_err());
        let info = client.get_group_information(id).await.unwrap();
        let members: Vec<_> = info
            .users
            .as_ref()
            .unwrap()
            .user
            .iter()
            .map(|u| u.user_name.clone())
            .collect();
        assert_eq!(members, vec![Some("jdoe".to_owned())]);

        client
            .update_group(id, &format!("{name} renamed"))
            .await
            .unwrap();
        assert!(client.update_group(999, "x").await.is_err());
        let everyone = client.lookup_everyone_group().await.unwrap();
        let err = client.delete_group(everyone).await.unwrap_err();
        assert!(err.fault_message().unwrap().contains("Everyone"), "{err}");
        client.delete_group(id).await.unwrap();
        assert!(client.get_group(id).await.is_err());
        let parents = client.get_group_information(4).await.unwrap();
        assert_eq!(parents.parent_groups.as_ref().unwrap().group[0].id, 3);

        client.terminate_session().await.unwrap();
        assert!(!client.is_logged_in());
    }
    // A token the service does not know: the fault the client reads as an expired session.
    let stale = ArcherClient::builder(sim.archer_base_url())
        .build()
        .unwrap();
    stale.set_session_token(Secret::new("0123456789abcdef0123456789abcdef".into()));
    let err = stale.get_groups().await.unwrap_err();
    assert!(err.is_session_expired(), "{err}");
    assert!(!stale.is_logged_in(), "the client drops a rejected token");
    // The seeded demo session works from the start.
    let demo = ArcherClient::builder(sim.archer_base_url())
        .build()
        .unwrap();
    demo.set_session_token(Secret::new(seed::ARCHER_DEMO_TOKEN.into()));
    assert_eq!(demo.get_groups().await.unwrap().group.len(), 4);
    let domain = ArcherClient::builder(sim.archer_base_url())
        .build()
        .unwrap();
    domain
        .login_domain("jdomain", "Demo", seed::ARCHER_PASSWORD, "CORP")
        .await
        .unwrap();
    assert!(domain
        .login_domain("jdomain", "Demo", seed::ARCHER_PASSWORD, "OTHER")
        .await
        .is_err());
    sim.shutdown().await;
}

fn association(policy: &str, role: &str) -> cv::SecurityAssociation {
    cv::SecurityAssociation::with_role(
        vec![cv::Entity {
            storage_policy_name: Some(policy.into()),
            ..cv::Entity::default()
        }],
        role,
    )
}

fn props(name: &str) -> cv::UserGroupProperties {
    cv::UserGroupProperties::new(cv::UserGroupEntity::by_name(name))
}

#[tokio::test]
async fn commvault_login_token_expiry_and_user_group_updates() {
    let clock = Arc::new(ManualClock::new());
    let sim = start_with(Arc::clone(&clock)).await;
    let client = CommvaultClient::builder(sim.commvault_base_url())
        .build()
        .unwrap();
    let err = client
        .login(seed::COMMVAULT_USER, "wrong")
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            CommvaultError::LoginRefused {
                error_code: Some(5),
                ..
            }
        ),
        "{err:?}"
    );
    let err = client
        .update_user_group_by_id(12, props("DEV_0012"))
        .await
        .unwrap_err();
    assert!(matches!(err, CommvaultError::NotLoggedIn), "{err:?}");
    let login = client
        .login(seed::COMMVAULT_USER, seed::COMMVAULT_PASSWORD)
        .await
        .unwrap();
    assert_eq!(login.user_name.as_deref(), Some("admin"));
    assert!(client.token().unwrap().expose().starts_with("QSDK "));

    // Users: ADD (the default), DELETE, OVERWRITE.
    let mut p = props("DEV_0012");
    p.users.push(cv::UserEntity::named("jsmith"));
    client
        .update_user_group_by_name("DEV_0012", p)
        .await
        .unwrap();
    assert_eq!(
        sim.simulator().commvault().user_group(12).unwrap().users,
        vec!["mjones", "jsmith"]
    );
    let mut p = props("DEV_0012");
    p.users_operation_type = Some(cv::OperationType::Delete);
    p.users.push(cv::UserEntity::named("mjones"));
    client
        .update_user_group_by_name("DEV_0012", p)
        .await
        .unwrap();
    assert_eq!(
        sim.simulator().commvault().user_group(12).unwrap().users,
        vec!["jsmith"]
    );
    let mut p = props("DEV_0012");
    p.users_operation_type = Some(cv::OperationType::Overwrite);
    p.users.push(cv::UserEntity::named("admin"));
    client
        .update_user_group_by_name("DEV_0012", p)
        .await
        .unwrap();
    assert_eq!(
        sim.simulator().commvault().user_group(12).unwrap().users,
        vec!["admin"]
    );

    // Associations: ADD, then DELETE one, then OVERWRITE.
    let mut p = props("DEV_0012");
    p.security_associations = Some(cv::SecurityAssociations {
        associations_operation_type: cv::OperationType::Add,
        associations: vec![
            association("STOR_002", "View"),
            association("STOR_001", "Reporting_admin"),
        ],
    });
    client.update_user_group_by_id(12, p).await.unwrap();
    assert_eq!(
        sim.simulator()
            .commvault()
            .user_group(12)
            .unwrap()
            .associations
            .len(),
        2
    );
    let mut p = props("DEV_0012");
    p.security_associations = Some(cv::SecurityAssociations {
        associations_operation_type: cv::OperationType::Delete,
        associations: vec![association("STOR_001", "Reporting_admin")],
    });
    client.update_user_group_by_id(12, p).await.unwrap();
    assert_eq!(
        sim.simulator()
            .commvault()
            .user_group(12)
            .unwrap()
            .associations,
        vec![association("STOR_002", "View")]
    );
    let mut p = props("DEV_0012");
    p.security_associations = Some(cv::SecurityAssociations {
        associations_operation_type: cv::OperationType::Overwrite,
        associations: vec![association("STOR_003", "Master")],
    });
    p.description = Some("Development team".into());
    p.enabled = Some(false);
    client.update_user_group_by_id(12, p).await.unwrap();
    let group = sim.simulator().commvault().user_group(12).unwrap();
    assert_eq!(group.associations, vec![association("STOR_003", "Master")]);
    assert_eq!(
        (group.description.as_str(), group.enabled),
        ("Development team", false)
    );

    // Rename, block laptops.
    let mut p = cv::UserGroupProperties::new(cv::UserGroupEntity {
        new_name: Some("DEV 12".into()),
        ..cv::UserGroupEntity::by_id(12)
    });
    p.is_black_listed = Some(1);
    client.update_user_group_by_id(12, p).await.unwrap();
    let group = sim.simulator().commvault().user_group(12).unwrap();
    assert_eq!((group.name.as_str(), group.black_listed), ("DEV 12", 1));

    // Each error code.
    let code = |e: CommvaultError| e.error_code();
    assert_eq!(
        code(
            client
                .update_user_group_by_name("DEV_0099", props("DEV_0099"))
                .await
                .unwrap_err()
        ),
        Some(1)
    );
    assert_eq!(
        code(
            client
                .update_user_group_by_id(34, props("DEV 12"))
                .await
                .unwrap_err()
        ),
        Some(2)
    );
    let rename = |n: &str| {
        cv::UserGroupProperties::new(cv::UserGroupEntity {
            new_name: Some(n.into()),
            ..cv::UserGroupEntity::by_id(34)
        })
    };
    assert_eq!(
        code(
            client
                .update_user_group_by_id(34, rename("DEV 12"))
                .await
                .unwrap_err()
        ),
        Some(3)
    );
    let mut p = cv::UserGroupProperties::new(cv::UserGroupEntity::by_id(34));
    p.users.push(cv::UserEntity::named("ghost"));
    assert_eq!(
        code(client.update_user_group_by_id(34, p).await.unwrap_err()),
        Some(4)
    );
    let mut p = cv::UserGroupProperties::new(cv::UserGroupEntity::by_id(34));
    p.security_associations = Some(cv::SecurityAssociations {
        associations_operation_type: cv::OperationType::Add,
        associations: vec![association("STOR_001", "No Such Role")],
    });
    assert_eq!(
        code(client.update_user_group_by_id(34, p).await.unwrap_err()),
        Some(5)
    );
    let mut p = cv::UserGroupProperties::new(cv::UserGroupEntity::by_id(34));
    p.users_operation_type = Some(cv::OperationType::Unknown("MERGE".into()));
    assert_eq!(
        code(client.update_user_group_by_id(34, p).await.unwrap_err()),
        Some(6)
    );
    let mut p = cv::UserGroupProperties::new(cv::UserGroupEntity::by_id(34));
    p.security_associations = Some(cv::SecurityAssociations {
        associations_operation_type: cv::OperationType::Add,
        associations: vec![cv::SecurityAssociation::with_role(
            vec![cv::Entity::default()],
            "View",
        )],
    });
    assert_eq!(
        code(client.update_user_group_by_id(34, p).await.unwrap_err()),
        Some(7)
    );
    let mut p = cv::UserGroupProperties::new(cv::UserGroupEntity::by_id(34));
    p.is_black_listed = Some(2);
    assert_eq!(
        code(client.update_user_group_by_id(34, p).await.unwrap_err()),
        Some(8)
    );
    assert_eq!(
        sim.simulator()
            .commvault()
            .user_group(34)
            .unwrap()
            .black_listed,
        0,
        "nothing was applied"
    );

    // The token lasts 30 minutes after the last call.
    clock.advance(Duration::from_secs(29 * 60));
    client
        .update_user_group_by_id(
            34,
            cv::UserGroupProperties::new(cv::UserGroupEntity::by_id(34)),
        )
        .await
        .unwrap();
    clock.advance(Duration::from_secs(30 * 60));
    let err = client
        .update_user_group_by_id(
            34,
            cv::UserGroupProperties::new(cv::UserGroupEntity::by_id(34)),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, CommvaultError::Unauthorized { .. }),
        "{err:?}"
    );

    // Malformed bodies and unknown paths, on the wire.
    let http = reqwest::Client::new();
    let resp = http
        .post(format!("{}/Login", sim.commvault_base_url()))
        .body("<nope")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let resp = http
        .post(format!("{}/Nothing", sim.commvault_base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);
    sim.shutdown().await;
}
