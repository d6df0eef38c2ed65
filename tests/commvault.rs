//! The Commvault client against an in-process server that checks the path, the headers and the
//! XML body of each request (the three sample requests of the vendor's "POST User Group
//! Properties" page, byte for byte), and answers like the service, including its failures.

mod support;

use std::sync::OnceLock;

use base64::Engine as _;
use support::{LogCapture, RecordedRequest, TestResponse, TestServer};
use wsclient::commvault::{api, CommvaultClient, CommvaultError, LoginOptions};
use wsclient::secret::Secret;
use wsclient::Error;

const BASE: &str = "/webconsole/api";
const TOKEN: &str = "QSDK 38568012f4d1e8ee1841d283a47aa3ba78e124ea58354b5fc60f4dab8a63347d05cf55";
const PASSWORD: &str = "pässwörd <&> \"1\"";

/// The vendor's sample response.
const SUCCESS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\" ?>\n<App_UpdateUserGroupPropertiesResponse>\n<response errorCode=\"0\"/>\n</App_UpdateUserGroupPropertiesResponse>";

/// Sample request "adds a user to the user group" (`POST <webservice>/UserGroup/16`).
const SAMPLE_ADD_USER: &str = "<App_UpdateUserGroupPropertiesRequest>
<groups>
<userGroupEntity>
<userGroupName>Alert Management Only: CommCell Level</userGroupName>
</userGroupEntity>
<usersOperationType>ADD</usersOperationType>
<enabled>true</enabled>
<description>alert management group</description>
<users>
<userName>jsmith</userName>
</users>
</groups>
</App_UpdateUserGroupPropertiesRequest>";

/// Sample request "deletes a security association"
/// (`POST <webservice>/UserGroup/byName(userGroupName='DEV_0012')`).
const SAMPLE_DELETE_ASSOCIATION: &str = "<App_UpdateUserGroupPropertiesRequest>
<groups>
<userGroupEntity>
<userGroupName>DEV_0012</userGroupName>
</userGroupEntity>
<securityAssociations>
<associationsOperationType>DELETE</associationsOperationType>
<associations>
<entities>
<entity>
<storagePolicyName>STOR_001</storagePolicyName>
</entity>
</entities>
<properties>
<role>
<roleName>Reporting_admin</roleName>
</role>
</properties>
</associations>
</securityAssociations>
</groups>
</App_UpdateUserGroupPropertiesRequest>";

/// Sample request "blocks laptop activation for the user group" (`POST <webservice>/UserGroup/34`).
const SAMPLE_BLOCK_LAPTOPS: &str = "<App_UpdateUserGroupPropertiesRequest>
<groups isBlackListed=\"1\">
<userGroupEntity userGroupId=\"34\"/>
</groups>
</App_UpdateUserGroupPropertiesRequest>";

/// A sample as sent on the wire: the line breaks between the tags removed.
fn compact(sample: &str) -> String {
    sample.lines().map(str::trim).collect()
}

fn login_ok() -> TestResponse {
    TestResponse::text(
        200,
        "application/xml; charset=utf-8",
        format!(
            r#"<DM2ContentIndexing_CheckCredentialResp aliasName="1" userGUID="878D6149-65F9-424B-80DF-92FC1B0BF2D1" token="{TOKEN}" ccn="0" userName="admin" forcePasswordChange="false"><ownerOrganization providerId="0" GUID="c3ba6c59" providerDomainName="Commcell"/></DM2ContentIndexing_CheckCredentialResp>"#
        ),
    )
}

fn xml(status: u16, body: &str) -> TestResponse {
    TestResponse::text(status, "application/xml", body.to_owned())
}

fn client(server: &TestServer, base: &str) -> CommvaultClient {
    CommvaultClient::builder(server.url(base)).build().unwrap()
}

fn logged_in(server: &TestServer, base: &str) -> CommvaultClient {
    let client = client(server, base);
    client.set_token(Secret::from(TOKEN)).unwrap();
    client
}

/// Checks what every call sends: POST, XML both ways, and the token when logged in.
fn assert_xml_post(req: &RecordedRequest, path: &str, token: Option<&str>) {
    assert_eq!(req.method, "POST");
    assert_eq!(req.path, path);
    assert_eq!(req.header("content-type"), Some("application/xml"));
    assert_eq!(req.header("accept"), Some("application/xml"));
    assert_eq!(req.header("authtoken"), token);
    assert!(req
        .header("user-agent")
        .is_some_and(|ua| ua.starts_with("wsclient/")));
}

/// Answers a user-group update after checking path, headers and the exact body.
async fn user_group_server(path: &'static str, sample: &'static str) -> TestServer {
    TestServer::start(move |req: RecordedRequest| {
        assert_xml_post(&req, path, Some(TOKEN));
        assert_eq!(req.body_text(), compact(sample));
        // The body is also a well-formed document with unqualified elements.
        let text = req.body_text();
        let doc = roxmltree::Document::parse(&text).unwrap();
        assert!(doc
            .descendants()
            .all(|n| n.tag_name().namespace().is_none()));
        xml(200, SUCCESS)
    })
    .await
}

// ---------------------------------------------------------------------------------------------
// Login

#[tokio::test]
async fn login_sends_the_password_in_base64_and_keeps_the_token() {
    init_logs();
    let server = TestServer::start(|req: RecordedRequest| {
        assert_xml_post(&req, "/webconsole/api/Login", None);
        let encoded = base64::engine::general_purpose::STANDARD.encode(PASSWORD.as_bytes());
        assert_eq!(
            req.body_text(),
            format!(
                r#"<DM2ContentIndexing_CheckCredentialReq username="admin" password="{encoded}"/>"#
            )
        );
        login_ok()
    })
    .await;
    let client = client(&server, BASE);
    assert!(!client.has_token());
    let who = client.login("admin", PASSWORD).await.unwrap();
    assert_eq!(who.user_name.as_deref(), Some("admin"));
    assert_eq!(who.alias_name.as_deref(), Some("1"));
    assert_eq!(who.force_password_change, Some(false));
    assert_eq!(
        who.owner_organization.and_then(|o| o.provider_domain_name),
        Some("Commcell".into())
    );
    assert_eq!(
        who.token, None,
        "the client keeps the token, not the answer"
    );
    assert!(client.has_token());
    assert_eq!(client.token().unwrap().expose(), TOKEN);
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn login_with_a_domain_a_commserve_a_lifetime_and_a_mode() {
    init_logs();
    let server = TestServer::start(|req: RecordedRequest| {
        assert_xml_post(&req, "/SearchSvc/CVWebService.svc/Login", None);
        assert_eq!(
            req.body_text(),
            r#"<DM2ContentIndexing_CheckCredentialReq mode="Webconsole" domain="CORP" username="j.doe@corp.example" password="c2VjcmV0" commserver="cs01*cs01" timeout="60"/>"#
        );
        login_ok()
    })
    .await;
    let client = client(&server, "/SearchSvc/CVWebService.svc/");
    let options = LoginOptions {
        domain: Some("CORP".into()),
        commserver: Some("cs01*cs01".into()),
        timeout_minutes: Some(60),
        mode: Some("Webconsole".into()),
    };
    client
        .login_with("j.doe@corp.example", "secret", options)
        .await
        .unwrap();
    assert!(client.has_token());
}

#[tokio::test]
async fn refused_login_carries_the_error_and_keeps_no_token() {
    init_logs();
    let server = TestServer::always(xml(
        200,
        r#"<DM2ContentIndexing_CheckCredentialResp><errList errLogMessage="Invalid Username or Password" errorCode="5"/></DM2ContentIndexing_CheckCredentialResp>"#,
    ))
    .await;
    let client = client(&server, BASE);
    let err = client.login("admin", "wrong").await.unwrap_err();
    assert!(
        matches!(&err, CommvaultError::LoginRefused { error_code: Some(5), message: Some(m) } if m == "Invalid Username or Password"),
        "{err:?}"
    );
    assert!(err.is_authentication());
    assert_eq!(err.error_code(), Some(5));
    assert_eq!(err.error_string(), Some("Invalid Username or Password"));
    assert!(!client.has_token());
}

#[tokio::test]
async fn login_answer_without_a_token_is_refused() {
    init_logs();
    let server = TestServer::always(xml(
        200,
        r#"<DM2ContentIndexing_CheckCredentialResp userName="admin" token=""/>"#,
    ))
    .await;
    let err = client(&server, BASE)
        .login("admin", "pw")
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            CommvaultError::LoginRefused {
                error_code: None,
                message: None
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn login_answered_with_401_is_an_authentication_error() {
    init_logs();
    let server = TestServer::always(TestResponse::html(401, "<html>Unauthorized</html>")).await;
    let client = client(&server, BASE);
    let err = client.login("admin", "wrong").await.unwrap_err();
    assert!(
        matches!(err, CommvaultError::Unauthorized { .. }),
        "{err:?}"
    );
    assert!(err.is_authentication());
    assert_eq!(err.http_status(), Some(401));
    assert!(!client.has_token());
}

// ---------------------------------------------------------------------------------------------
// The three sample requests of the vendor's page

#[tokio::test]
async fn sample_add_a_user_to_the_user_group() {
    init_logs();
    let server = user_group_server("/webconsole/api/UserGroup/16", SAMPLE_ADD_USER).await;
    let mut group = api::UserGroupProperties::new(api::UserGroupEntity::by_name(
        "Alert Management Only: CommCell Level",
    ));
    group.users_operation_type = Some(api::OperationType::Add);
    group.enabled = Some(true);
    group.description = Some("alert management group".into());
    group.users = vec![api::UserEntity::named("jsmith")];
    let response = logged_in(&server, BASE)
        .update_user_group_by_id(16, group)
        .await
        .unwrap();
    assert_eq!(response.response.len(), 1);
    assert_eq!(response.response[0].error_code, 0);
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn sample_delete_a_security_association() {
    init_logs();
    let server = user_group_server(
        "/webconsole/api/UserGroup/byName(userGroupName='DEV_0012')",
        SAMPLE_DELETE_ASSOCIATION,
    )
    .await;
    let mut group = api::UserGroupProperties::new(api::UserGroupEntity::by_name("DEV_0012"));
    group.security_associations = Some(api::SecurityAssociations {
        associations_operation_type: api::OperationType::Delete,
        associations: vec![api::SecurityAssociation::with_role(
            vec![api::Entity {
                storage_policy_name: Some("STOR_001".into()),
                ..Default::default()
            }],
            "Reporting_admin",
        )],
    });
    logged_in(&server, BASE)
        .update_user_group_by_name("DEV_0012", group)
        .await
        .unwrap();
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn sample_block_laptop_activation() {
    init_logs();
    let server = user_group_server(
        "/SearchSvc/CVWebService.svc/UserGroup/34",
        SAMPLE_BLOCK_LAPTOPS,
    )
    .await;
    let mut group = api::UserGroupProperties::new(api::UserGroupEntity::by_id(34));
    group.is_black_listed = Some(api::UserGroupProperties::BLOCK_LAPTOP_ACTIVATION);
    logged_in(&server, "/SearchSvc/CVWebService.svc")
        .update_user_group_by_id(34, group)
        .await
        .unwrap();
    assert_eq!(server.request_count(), 1);
}

// ---------------------------------------------------------------------------------------------
// Other shapes of the request

#[tokio::test]
async fn names_with_quotes_reserved_and_non_ascii_characters_reach_the_service_intact() {
    init_logs();
    const NAME: &str = "O'Brien / Ärzte #1? 100% & co";
    let server = TestServer::start(|req: RecordedRequest| {
        assert_xml_post(
            &req,
            "/webconsole/api/UserGroup/byName(userGroupName='O%27%27Brien%20%2F%20%C3%84rzte%20%231%3F%20100%25%20%26%20co')",
            Some(TOKEN),
        );
        // What the service does: decode the path, then read the OData literal.
        let literal = req
            .path
            .strip_prefix("/webconsole/api/UserGroup/byName(userGroupName='")
            .and_then(|p| p.strip_suffix("')"))
            .unwrap();
        let decoded = percent_encoding::percent_decode_str(literal)
            .decode_utf8()
            .unwrap()
            .replace("''", "'");
        assert_eq!(decoded, NAME);
        // The body carries the same name, escaped as XML.
        let text = req.body_text();
        let doc = roxmltree::Document::parse(&text).unwrap();
        let name = doc
            .descendants()
            .find(|n| n.has_tag_name("userGroupName"))
            .and_then(|n| n.text());
        assert_eq!(name, Some(NAME));
        assert_eq!(
            doc.descendants()
                .find(|n| n.has_tag_name("newName"))
                .and_then(|n| n.text()),
            Some("Ärzte <B>")
        );
        xml(200, SUCCESS)
    })
    .await;
    let mut entity = api::UserGroupEntity::by_name(NAME);
    entity.new_name = Some("Ärzte <B>".into());
    logged_in(&server, BASE)
        .update_user_group_by_name(NAME, api::UserGroupProperties::new(entity))
        .await
        .unwrap();
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn permissions_and_categories_without_a_role() {
    init_logs();
    let server = TestServer::start(|req: RecordedRequest| {
        assert_xml_post(&req, "/webconsole/api/UserGroup/7", Some(TOKEN));
        assert_eq!(
            req.body_text(),
            compact(
                r#"<App_UpdateUserGroupPropertiesRequest>
                <groups>
                <userGroupEntity userGroupId="7"/>
                <securityAssociations>
                <associationsOperationType>ADD</associationsOperationType>
                <associations>
                <entities>
                <entity><appName>File System</appName><clientName>client01</clientName></entity>
                <entity><clientGroupName>Servers</clientGroupName></entity>
                </entities>
                <properties>
                <categoryPermission>
                <categoriesPermissionList permissionName="Browse"/>
                <categoriesPermissionList permissionName="In Place Recover"/>
                <categoriesPermissionList categoryName="Client"/>
                </categoryPermission>
                </properties>
                </associations>
                </securityAssociations>
                <usersOperationType>DELETE</usersOperationType>
                <enabled>false</enabled>
                <users><userName>a</userName></users>
                <users><userName>b</userName></users>
                </groups>
                </App_UpdateUserGroupPropertiesRequest>"#
            )
        );
        xml(200, SUCCESS)
    })
    .await;
    let mut group = api::UserGroupProperties::new(api::UserGroupEntity::by_id(7));
    group.security_associations = Some(api::SecurityAssociations {
        associations_operation_type: api::OperationType::Add,
        associations: vec![api::SecurityAssociation::with_permissions(
            vec![
                api::Entity {
                    client_name: Some("client01".into()),
                    app_name: Some("File System".into()),
                    ..Default::default()
                },
                api::Entity {
                    client_group_name: Some("Servers".into()),
                    ..Default::default()
                },
            ],
            ["Browse".to_owned(), "In Place Recover".to_owned()],
            ["Client".to_owned()],
        )],
    });
    group.users_operation_type = Some(api::OperationType::Delete);
    group.enabled = Some(false);
    group.users = vec![api::UserEntity::named("a"), api::UserEntity::named("b")];
    logged_in(&server, BASE)
        .update_user_group_by_id(7, group)
        .await
        .unwrap();
}

// ---------------------------------------------------------------------------------------------
// Failures

#[tokio::test]
async fn error_code_other_than_zero_is_a_typed_error() {
    init_logs();
    let server = TestServer::always(xml(
        200,
        r#"<App_UpdateUserGroupPropertiesResponse><response errorCode="587205848" errorString="User group [DEV_0099] not found."><entity userGroupName="DEV_0099"/></response></App_UpdateUserGroupPropertiesResponse>"#,
    ))
    .await;
    let err = logged_in(&server, BASE)
        .update_user_group_by_name(
            "DEV_0099",
            api::UserGroupProperties::new(api::UserGroupEntity::by_name("DEV_0099")),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, CommvaultError::Api { operation: "POST UserGroup", error_code: 587205848, error_string: Some(s) } if s == "User group [DEV_0099] not found."),
        "{err:?}"
    );
    assert_eq!(err.error_code(), Some(587205848));
    assert!(!err.is_authentication());
    assert_eq!(
        err.to_string(),
        "POST UserGroup failed with errorCode 587205848: User group [DEV_0099] not found."
    );
}

#[tokio::test]
async fn error_code_without_error_string() {
    init_logs();
    let server = TestServer::always(xml(
        200,
        r#"<App_UpdateUserGroupPropertiesResponse><response errorCode="2"/></App_UpdateUserGroupPropertiesResponse>"#,
    ))
    .await;
    let err = logged_in(&server, BASE)
        .update_user_group_by_id(
            3,
            api::UserGroupProperties::new(api::UserGroupEntity::by_id(3)),
        )
        .await
        .unwrap_err();
    assert_eq!(err.error_code(), Some(2));
    assert_eq!(err.error_string(), None);
}

#[tokio::test]
async fn answer_without_a_result_is_an_error() {
    init_logs();
    let server = TestServer::always(xml(200, "<App_UpdateUserGroupPropertiesResponse/>")).await;
    let err = logged_in(&server, BASE)
        .update_user_group_by_id(
            3,
            api::UserGroupProperties::new(api::UserGroupEntity::by_id(3)),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, CommvaultError::NoResult { .. }), "{err:?}");
}

#[tokio::test]
async fn http_401_is_an_authentication_error_and_login_again_recovers() {
    init_logs();
    const NEW_TOKEN: &str = "QSDK 0000ffff";
    let server = TestServer::start(|req: RecordedRequest| match req.path.as_str() {
        "/webconsole/api/Login" => xml(
            200,
            &format!(r#"<DM2ContentIndexing_CheckCredentialResp token="{NEW_TOKEN}"/>"#),
        ),
        _ if req.header("authtoken") == Some(NEW_TOKEN) => xml(200, SUCCESS),
        _ => TestResponse::text(401, "text/plain", "Unauthorized"),
    })
    .await;
    let client = logged_in(&server, BASE); // with a token the service no longer accepts
    let group = || api::UserGroupProperties::new(api::UserGroupEntity::by_id(9));
    let err = client
        .update_user_group_by_id(9, group())
        .await
        .unwrap_err();
    assert!(
        matches!(err, CommvaultError::Unauthorized { .. }),
        "{err:?}"
    );
    assert!(err.is_authentication());
    assert_eq!(
        err.to_string(),
        "the service refused the authentication (HTTP 401); log in again"
    );
    client.login("admin", "pw").await.unwrap();
    client.update_user_group_by_id(9, group()).await.unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert_eq!(requests[0].header("authtoken"), Some(TOKEN));
    assert_eq!(requests[2].header("authtoken"), Some(NEW_TOKEN));
}

#[tokio::test]
async fn calls_before_login_send_nothing() {
    init_logs();
    let server = TestServer::always(xml(200, SUCCESS)).await;
    let client = client(&server, BASE);
    let err = client
        .update_user_group_by_id(
            1,
            api::UserGroupProperties::new(api::UserGroupEntity::by_id(1)),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, CommvaultError::NotLoggedIn), "{err:?}");
    assert!(err.is_authentication());
    let err = logged_in(&server, BASE)
        .update_user_group_by_name("", api::UserGroupProperties::default())
        .await
        .unwrap_err();
    assert!(
        matches!(err, CommvaultError::InvalidArgument { .. }),
        "{err:?}"
    );
    assert_eq!(server.request_count(), 0);
}

#[tokio::test]
async fn http_500_html_page() {
    init_logs();
    let server = TestServer::always(TestResponse::html(
        500,
        "<html><h1>Server Error</h1></html>",
    ))
    .await;
    let err = logged_in(&server, BASE)
        .update_user_group_by_id(1, api::UserGroupProperties::default())
        .await
        .unwrap_err();
    match &err {
        CommvaultError::Call(Error::RestStatus {
            status,
            content_type,
            body_start,
        }) => {
            assert_eq!(*status, 500);
            assert_eq!(content_type.as_deref(), Some("text/html; charset=utf-8"));
            assert!(body_start.contains("Server Error"));
        }
        other => panic!("expected Error::RestStatus, got {other:?}"),
    }
    assert_eq!(err.http_status(), Some(500));
    assert!(!err.is_authentication());
}

#[tokio::test]
async fn answers_that_are_not_the_expected_xml() {
    init_logs();
    for (response, what) in [
        (
            TestResponse::html(200, "<html>Please log in</html>"),
            "html",
        ),
        (
            TestResponse::json(200, r#"{"response":[{"errorCode":0}]}"#),
            "json",
        ),
        (TestResponse::text(200, "application/xml", ""), "empty"),
        (
            TestResponse::text(200, "application/xml", "not xml"),
            "text",
        ),
    ] {
        let server = TestServer::always(response).await;
        let err = logged_in(&server, BASE)
            .update_user_group_by_id(1, api::UserGroupProperties::default())
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                CommvaultError::Call(Error::RestNotXml { status: 200, .. })
            ),
            "{what}: {err:?}"
        );
    }

    let server = TestServer::always(xml(
        200,
        r#"<CVGui_GenericResp errorCode="2" errorMessage="Operation failed"/>"#,
    ))
    .await;
    let err = logged_in(&server, BASE)
        .update_user_group_by_id(1, api::UserGroupProperties::default())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, CommvaultError::Call(Error::UnexpectedElement { found, .. }) if found == "CVGui_GenericResp"),
        "{err:?}"
    );

    let server = TestServer::always(xml(
        200,
        r#"<App_UpdateUserGroupPropertiesResponse><response errorCode="zero"/></App_UpdateUserGroupPropertiesResponse>"#,
    ))
    .await;
    let err = logged_in(&server, BASE)
        .update_user_group_by_id(1, api::UserGroupProperties::default())
        .await
        .unwrap_err();
    assert!(
        matches!(err, CommvaultError::Call(Error::Xml(_))),
        "{err:?}"
    );
}

#[tokio::test]
async fn oversized_answers_are_abandoned_while_they_stream() {
    init_logs();
    let server = TestServer::always(TestResponse::streamed(
        200,
        "application/xml",
        "<response errorCode=\"0\"/>".repeat(64),
        100_000,
    ))
    .await;
    let client = CommvaultClient::builder(server.url(BASE))
        .max_response_bytes(64 * 1024)
        .build()
        .unwrap();
    client.set_token(Secret::from(TOKEN)).unwrap();
    let err = client
        .update_user_group_by_id(1, api::UserGroupProperties::default())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            CommvaultError::Call(Error::BodyTooLarge { limit: 65536 })
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn unreachable_service() {
    init_logs();
    let server = TestServer::always(xml(200, SUCCESS)).await;
    let url = server.url(BASE);
    drop(server);
    let client = CommvaultClient::builder(url).build().unwrap();
    let err = client.login("admin", "pw").await.unwrap_err();
    assert!(
        matches!(
            err,
            CommvaultError::Call(Error::Transport(_) | Error::Timeout)
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn bad_base_urls_are_refused() {
    init_logs();
    for bad in [
        "commserve/webconsole/api",
        "ftp://cs/api",
        "https://cs/api?x=1",
    ] {
        let err = CommvaultClient::builder(bad).build().unwrap_err();
        assert!(
            matches!(err, CommvaultError::Call(Error::InvalidEndpoint { .. })),
            "{bad}: {err:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Secrets

/// The log output of every test in this file, at every level. The subscriber is global and
/// installed by whichever test starts first (each test calls this before anything else), so that
/// no log call site is reached, and its interest cached, before the subscriber exists.
fn init_logs() -> &'static LogCapture {
    static LOGS: OnceLock<LogCapture> = OnceLock::new();
    LOGS.get_or_init(|| {
        let capture = LogCapture::default();
        let writer = capture.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::set_global_default(subscriber)
            .expect("no other global subscriber in this test binary");
        capture
    })
}

/// Logs in, updates a group, and fails an update with HTTP 401.
async fn login_update_and_fail(
    server: &TestServer,
) -> (
    CommvaultClient,
    api::Dm2ContentIndexingCheckCredentialResp,
    CommvaultError,
) {
    let client = client(server, BASE);
    let who = client.login("admin", PASSWORD).await.unwrap();
    client
        .update_user_group_by_id(1, api::UserGroupProperties::default())
        .await
        .unwrap();
    let err = client
        .update_user_group_by_id(2, api::UserGroupProperties::default())
        .await
        .unwrap_err();
    (client, who, err)
}

#[tokio::test]
async fn the_token_and_the_password_never_show_in_debug_output_or_logs() {
    init_logs();
    let server = TestServer::start(|req: RecordedRequest| match req.path.as_str() {
        "/webconsole/api/Login" => login_ok(),
        "/webconsole/api/UserGroup/1" => xml(200, SUCCESS),
        _ => TestResponse::text(401, "text/plain", "token expired"),
    })
    .await;
    let (client, who, err) = login_update_and_fail(&server).await;

    let encoded = base64::engine::general_purpose::STANDARD.encode(PASSWORD.as_bytes());
    let secret_part = &TOKEN["QSDK ".len()..];
    let shown = format!(
        "{client:?} {:?} {who:?} {err:?} {err} {:?}",
        client.token(),
        client.rest_client()
    );
    for secret in [secret_part, PASSWORD, encoded.as_str()] {
        assert!(!shown.contains(secret), "Debug shows {secret:?}:\n{shown}");
    }
    let request = api::Dm2ContentIndexingCheckCredentialReq {
        mode: None,
        domain: None,
        username: "admin".into(),
        password: encoded.clone(),
        commserver: None,
        timeout: None,
    };
    assert!(!format!("{request:?}").contains(&encoded));
    let answer = api::Dm2ContentIndexingCheckCredentialResp {
        token: Some(TOKEN.into()),
        ..who
    };
    assert!(!format!("{answer:?}").contains(secret_part));

    // The logs of every test so far: all use the same token and password.
    let logs = String::from_utf8(init_logs().0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("rest_call"), "{logs}");
    assert!(logs.contains("POST Login"), "{logs}");
    assert!(logs.contains("POST UserGroup"), "{logs}");
    assert!(logs.contains("status=401"), "{logs}");
    assert!(logs.contains("logged in to Commvault"), "{logs}");
    for secret in [secret_part, "0000ffff", PASSWORD, encoded.as_str()] {
        assert!(!logs.contains(secret), "the logs show {secret:?}:\n{logs}");
    }
}

#[tokio::test]
async fn an_error_page_that_echoes_the_token_or_password_is_redacted() {
    let server = TestServer::start(|req: RecordedRequest| {
        let token = req.header("authtoken").unwrap_or("").to_owned();
        TestResponse::html(
            500,
            format!(
                "<html>request from {token} failed: {}</html>",
                req.body_text()
            ),
        )
    })
    .await;
    let err = logged_in(&server, BASE)
        .update_user_group_by_id(1, api::UserGroupProperties::default())
        .await
        .unwrap_err();
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(TOKEN), "{shown}");
    assert!(shown.contains("<redacted>"), "{shown}");

    let err = client(&server, BASE)
        .login("admin", PASSWORD)
        .await
        .unwrap_err();
    let shown = format!("{err} {err:?}");
    let base64 = "cMOkc3N3w7ZyZCA8Jj4gIjEi"; // PASSWORD, Base64 as sent
    assert!(!shown.contains(base64), "{shown}");
    assert!(shown.contains("failed"), "{shown}");
}
