//! The RSA Archer client against an in-process stand-in for `general.asmx` and
//! `accesscontrol.asmx` that checks what was sent and answers the way ASP.NET does, in SOAP 1.1
//! and 1.2: results in `<MethodResponse><MethodResult>`, XML results escaped inside a string,
//! and failures as SOAP faults ("Server was unable to process request. ---> ...").

mod support;

use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Mutex};

use support::{
    body_child, envelope_ns, escape, LogCapture, RecordedRequest, TestResponse, TestServer,
};
use wsclient::archer::{general, ArcherClient, ArcherError};
use wsclient::secret::Secret;
use wsclient::soap::SoapVersion;

const NS: &str = "http://archer-tech.com/webservices/";
const BASE: &str = "/RSAarcher";
const GENERAL: &str = "/RSAarcher/ws/general.asmx";
const ACCESS: &str = "/RSAarcher/ws/accesscontrol.asmx";
const TOKEN: &str = "4F3C2B1A0D9E8F7A6B5C4D3E2F1A0B9C";
const PASSWORD: &str = "pa55:w<o>rd&";
const INVALID_SESSION: &str = "Server was unable to process request. ---> Invalid session token";

// ---------------------------------------------------------------------------------------------
// The stand-in

/// What the stand-in knows: the live sessions and the groups.
struct Archer {
    sessions: HashSet<String>,
    logins: usize,
    groups: BTreeMap<i32, (String, String)>,
    members: BTreeMap<i32, Vec<i32>>,
    next_group: i32,
    /// When set, every AccessControl call answers with this raw `*Result` text.
    canned_result: Option<String>,
}

impl Archer {
    fn new() -> Self {
        let mut groups = BTreeMap::new();
        groups.insert(
            2,
            (
                "Administrators".to_owned(),
                "Administration rights & reports".to_owned(),
            ),
        );
        groups.insert(3, ("Everyone".to_owned(), String::new()));
        Archer {
            sessions: HashSet::new(),
            logins: 0,
            groups,
            members: BTreeMap::new(),
            next_group: 100,
            canned_result: None,
        }
    }
}

type Shared = Arc<Mutex<Archer>>;

fn version_of(req: &RecordedRequest) -> SoapVersion {
    if envelope_ns(&req.body) == support::SOAP12_NS {
        SoapVersion::V12
    } else {
        SoapVersion::V11
    }
}

/// An ASP.NET SOAP 1.1 or 1.2 envelope around `inner` (ASP.NET uses the `soap12` prefix).
fn envelope(version: SoapVersion, inner: &str) -> TestResponse {
    match version {
        SoapVersion::V11 => TestResponse::soap11(inner),
        SoapVersion::V12 => TestResponse::text(
            200,
            "application/soap+xml; charset=utf-8",
            format!(
                r#"<?xml version="1.0" encoding="utf-8"?><soap12:Envelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:soap12="{}"><soap12:Body>{inner}</soap12:Body></soap12:Envelope>"#,
                support::SOAP12_NS
            ),
        ),
    }
}

/// `<{op}Response><{op}Result>{text}</...>` with `text` already escaped.
fn result(version: SoapVersion, op: &str, text: &str) -> TestResponse {
    envelope(
        version,
        &format!(r#"<{op}Response xmlns="{NS}"><{op}Result>{text}</{op}Result></{op}Response>"#),
    )
}

/// An ASP.NET fault for an exception thrown in a web method (HTTP 500).
fn fault(version: SoapVersion, reason: &str, detail: &str) -> TestResponse {
    let reason = escape(reason);
    let inner = match version {
        SoapVersion::V11 => format!(
            "<soap:Fault><faultcode>soap:Server</faultcode><faultstring>{reason}</faultstring><detail>{detail}</detail></soap:Fault>"
        ),
        SoapVersion::V12 => format!(
            r#"<soap12:Fault><soap12:Code><soap12:Value>soap12:Receiver</soap12:Value></soap12:Code><soap12:Reason><soap12:Text xml:lang="en">{reason}</soap12:Text></soap12:Reason><soap12:Detail>{detail}</soap12:Detail></soap12:Fault>"#
        ),
    };
    envelope(version, &inner).with_status(500)
}

fn groups_xml(groups: &[(i32, &str, &str)]) -> String {
    let mut xml = String::from(r#"<?xml version="1.0" encoding="utf-16"?>"#);
    xml.push_str("\r\n<Groups>");
    for (id, name, description) in groups {
        xml.push_str(&format!(
            "\r\n  <Group>\r\n    <Id>{id}</Id>\r\n    <Name>{}</Name>\r\n    <Description>{}</Description>\r\n  </Group>",
            escape(name),
            escape(description)
        ));
    }
    xml.push_str("\r\n</Groups>");
    xml
}

fn handle(state: &Shared, req: RecordedRequest) -> TestResponse {
    let version = version_of(&req);
    let (ns, op, children) = body_child(&req.body);
    assert_eq!(ns, NS, "the request element is not in Archer's namespace");
    let args: Vec<(String, String)> = children
        .into_iter()
        .map(|(ns, name, text)| {
            assert_eq!(ns, NS, "parameter {name} is not in Archer's namespace");
            (name, text)
        })
        .collect();
    let arg = |name: &str| {
        args.iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("{op} was sent without {name}"))
    };
    let int = |name: &str| arg(name).parse::<i32>().unwrap();
    let mut s = state.lock().unwrap();

    let service = if req.path == GENERAL {
        "general"
    } else if req.path == ACCESS {
        "accesscontrol"
    } else {
        return TestResponse::html(
            404,
            "<html><body>The resource cannot be found.</body></html>",
        );
    };

    if service == "general" {
        return match op.as_str() {
            "CreateUserSessionFromInstance" | "CreateDomainUserSessionFromInstance" => {
                if arg("password") != PASSWORD || arg("instanceName") != "Production" {
                    return fault(
                        version,
                        "Server was unable to process request. ---> Invalid user name or password.",
                        "",
                    );
                }
                s.logins += 1;
                s.sessions.insert(TOKEN.to_owned());
                result(version, &op, TOKEN)
            }
            "TerminateSession" => {
                if s.sessions.remove(&arg("sessionToken")) {
                    result(version, &op, "1")
                } else {
                    fault(version, INVALID_SESSION, "")
                }
            }
            other => panic!("unexpected general method {other}"),
        };
    }

    // AccessControl: every method takes the session token first.
    assert_eq!(args[0].0, "sessionToken", "{op}: sessionToken is not first");
    if !s.sessions.contains(&args[0].1) {
        return fault(version, INVALID_SESSION, "");
    }
    if let Some(canned) = &s.canned_result {
        return result(version, &op, canned);
    }
    match op.as_str() {
        "CreateGroup" => {
            let name = arg("groupName");
            if s.groups.values().any(|(n, _)| *n == name) {
                return fault(
                    version,
                    &format!("Server was unable to process request. ---> A group named {name} already exists."),
                    r#"<ArcherError xmlns="urn:archer:test"><Code>DuplicateName</Code></ArcherError>"#,
                );
            }
            let id = s.next_group;
            s.next_group += 1;
            s.groups.insert(id, (name, String::new()));
            result(version, &op, &id.to_string())
        }
        "UpdateGroup" => {
            let name = arg("groupName");
            match s.groups.get_mut(&int("groupId")) {
                Some(group) => {
                    group.0 = name;
                    result(version, &op, "1")
                }
                None => fault(
                    version,
                    "Server was unable to process request. ---> Group not found.",
                    "",
                ),
            }
        }
        "DeleteGroup" => {
            s.groups.remove(&int("groupId"));
            result(version, &op, "1")
        }
        "GetGroup" => match s.groups.get(&int("groupId")) {
            Some((name, _)) => result(version, &op, &escape(name)),
            None => fault(
                version,
                "Server was unable to process request. ---> Group not found.",
                "",
            ),
        },
        "LookupGroup" => {
            let keyword = arg("keyword");
            let found: Vec<(i32, &str, &str)> = s
                .groups
                .iter()
                .filter(|(_, (name, _))| *name == keyword)
                .map(|(id, (name, description))| (*id, name.as_str(), description.as_str()))
                .collect();
            let inner = if found.is_empty() {
                "<Groups />".to_owned()
            } else {
                groups_xml(&found)
            };
            result(version, &op, &escape(&inner))
        }
        "GetGroups" => {
            let all: Vec<(i32, &str, &str)> = s
                .groups
                .iter()
                .map(|(id, (name, description))| (*id, name.as_str(), description.as_str()))
                .collect();
            result(version, &op, &escape(&groups_xml(&all)))
        }
        "GetGroupInformation" => {
            let id = int("groupId");
            let (name, description) = s.groups[&id].clone();
            let users: String = s
                .members
                .get(&id)
                .into_iter()
                .flatten()
                .map(|u| format!("<User><Id>{u}</Id><UserName>user{u}</UserName></User>"))
                .collect();
            let inner = format!(
                "<GroupInformation><Id>{id}</Id><Name>{}</Name><Description>{}</Description><ParentGroups><Group><Id>3</Id><Name>Everyone</Name></Group></ParentGroups><ChildGroups /><Users>{users}</Users></GroupInformation>",
                escape(&name),
                escape(&description)
            );
            result(version, &op, &escape(&inner))
        }
        "AddUserToGroup" => {
            let (user, group) = (int("userId"), int("groupId"));
            s.members.entry(group).or_default().push(user);
            result(version, &op, "1")
        }
        "RemoveUserFromGroup" => {
            let (user, group) = (int("userId"), int("groupId"));
            s.members.entry(group).or_default().retain(|u| *u != user);
            result(version, &op, "1")
        }
        "LookupEveryoneGroup" => result(version, &op, "3"),
        "LookupUserId" => {
            assert_eq!(arg("username"), "jdoe");
            result(version, &op, "42")
        }
        "LookupDomainUserId" => {
            assert_eq!(
                (arg("username"), arg("usersDomain")),
                ("jdoe".into(), "CORP".into())
            );
            result(version, &op, "43")
        }
        other => panic!("unexpected accesscontrol method {other}"),
    }
}

async fn start() -> (TestServer, Shared) {
    let state: Shared = Arc::new(Mutex::new(Archer::new()));
    let handler_state = Arc::clone(&state);
    let server = TestServer::start(move |req| handle(&handler_state, req)).await;
    (server, state)
}

fn client(server: &TestServer, version: SoapVersion) -> ArcherClient {
    ArcherClient::builder(server.url(BASE))
        .soap_version(version)
        .build()
        .unwrap()
}

/// Checks method, path and SOAP headers of a request for `op`.
fn assert_soap_request(req: &RecordedRequest, version: SoapVersion, path: &str, op: &str) {
    assert_eq!(req.method, "POST");
    assert_eq!(req.path, path);
    let action = format!("{NS}{op}");
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
    assert_eq!(body_child(&req.body).1, op);
}

/// The parameters of a request, as `(name, text)` in the order sent.
fn params(req: &RecordedRequest) -> Vec<(String, String)> {
    body_child(&req.body)
        .2
        .into_iter()
        .map(|(_, name, text)| (name, text))
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The session flow

async fn session_flow_on(version: SoapVersion) {
    let (server, state) = start().await;
    let client = client(&server, version);
    assert_eq!(
        client.general_endpoint().as_str(),
        server.url(GENERAL).as_str()
    );
    assert_eq!(
        client.access_control_endpoint().as_str(),
        server.url(ACCESS).as_str()
    );
    assert!(!client.is_logged_in());

    client
        .login("apiuser", "Production", PASSWORD)
        .await
        .unwrap();
    assert!(client.is_logged_in());
    assert_eq!(
        client
            .session_token()
            .map(|t| t.expose().clone())
            .as_deref(),
        Some(TOKEN)
    );

    // A clone shares the session.
    let other = client.clone();
    other.update_group(2, "Admins").await.unwrap();
    assert_eq!(client.get_group(2).await.unwrap(), "Admins");
    assert_eq!(client.lookup_everyone_group().await.unwrap(), 3);
    assert_eq!(client.lookup_user_id("jdoe").await.unwrap(), 42);
    assert_eq!(
        client.lookup_domain_user_id("jdoe", "CORP").await.unwrap(),
        43
    );

    let requests = server.requests();
    assert_soap_request(
        &requests[0],
        version,
        GENERAL,
        "CreateUserSessionFromInstance",
    );
    assert_eq!(
        params(&requests[0]),
        pairs(&[
            ("userName", "apiuser"),
            ("instanceName", "Production"),
            ("password", PASSWORD)
        ])
    );
    assert_soap_request(&requests[1], version, ACCESS, "UpdateGroup");
    assert_eq!(
        params(&requests[1]),
        pairs(&[
            ("sessionToken", TOKEN),
            ("groupId", "2"),
            ("groupName", "Admins")
        ])
    );
    assert_soap_request(&requests[2], version, ACCESS, "GetGroup");
    assert_eq!(
        params(&requests[2]),
        pairs(&[("sessionToken", TOKEN), ("groupId", "2")])
    );
    assert_soap_request(&requests[3], version, ACCESS, "LookupEveryoneGroup");
    assert_eq!(params(&requests[3]), pairs(&[("sessionToken", TOKEN)]));
    assert_eq!(
        params(&requests[4]),
        pairs(&[("sessionToken", TOKEN), ("username", "jdoe")])
    );
    assert_eq!(
        params(&requests[5]),
        pairs(&[
            ("sessionToken", TOKEN),
            ("username", "jdoe"),
            ("usersDomain", "CORP")
        ])
    );

    // Ending the session: sent with the token, then forgotten by every clone.
    other.terminate_session().await.unwrap();
    let terminate = server.last_request().unwrap();
    assert_soap_request(&terminate, version, GENERAL, "TerminateSession");
    assert_eq!(params(&terminate), pairs(&[("sessionToken", TOKEN)]));
    assert!(state.lock().unwrap().sessions.is_empty());
    assert!(!client.is_logged_in());

    // Without a session nothing is sent.
    let sent = server.request_count();
    let err = client.get_groups().await.unwrap_err();
    assert!(
        matches!(
            err,
            ArcherError::NotLoggedIn {
                operation: "GetGroups"
            }
        ),
        "{err:?}"
    );
    assert!(err.needs_login());
    let err = client.terminate_session().await.unwrap_err();
    assert!(matches!(err, ArcherError::NotLoggedIn { .. }), "{err:?}");
    assert_eq!(server.request_count(), sent);
}

#[tokio::test]
async fn session_flow_soap11() {
    session_flow_on(SoapVersion::V11).await;
}

#[tokio::test]
async fn session_flow_soap12() {
    session_flow_on(SoapVersion::V12).await;
}

#[tokio::test]
async fn domain_login_sends_the_domain() {
    for version in [SoapVersion::V11, SoapVersion::V12] {
        let (server, _) = start().await;
        let client = client(&server, version);
        client
            .login_domain("jdoe", "Production", PASSWORD, "CORP")
            .await
            .unwrap();
        assert!(client.is_logged_in());
        let req = server.last_request().unwrap();
        assert_soap_request(
            &req,
            version,
            GENERAL,
            "CreateDomainUserSessionFromInstance",
        );
        assert_eq!(
            params(&req),
            pairs(&[
                ("userName", "jdoe"),
                ("instanceName", "Production"),
                ("password", PASSWORD),
                ("usersDomain", "CORP")
            ])
        );
    }
}

#[tokio::test]
async fn group_management_round_trip() {
    let (server, state) = start().await;
    let client = client(&server, SoapVersion::V11);
    client
        .login("apiuser", "Production", PASSWORD)
        .await
        .unwrap();

    let id = client.create_group("Vendor Risk").await.unwrap();
    assert_eq!(id, 100);
    client.add_user_to_group(42, id).await.unwrap();
    client.add_user_to_group(7, id).await.unwrap();
    client.remove_user_from_group(7, id).await.unwrap();
    let info = client.get_group_information(id).await.unwrap();
    assert_eq!(info.id, id);
    assert_eq!(info.name.as_deref(), Some("Vendor Risk"));
    assert_eq!(info.description.as_deref(), Some(""));
    let parents = &info.parent_groups.as_ref().unwrap().group;
    assert_eq!(
        (parents[0].id, parents[0].name.as_deref()),
        (3, Some("Everyone"))
    );
    assert!(info.child_groups.as_ref().unwrap().group.is_empty());
    let users = &info.users.as_ref().unwrap().user;
    assert_eq!(users.len(), 1);
    assert_eq!(
        (users[0].id, users[0].user_name.as_deref()),
        (42, Some("user42"))
    );
    assert!(info.raw().starts_with("<GroupInformation><Id>100</Id>"));

    let all = client.get_groups().await.unwrap();
    let names: Vec<_> = all
        .group
        .iter()
        .map(|g| g.name.as_deref().unwrap())
        .collect();
    assert_eq!(names, ["Administrators", "Everyone", "Vendor Risk"]);
    assert_eq!(
        all.group[0].description.as_deref(),
        Some("Administration rights & reports")
    );
    assert!(all
        .raw()
        .starts_with(r#"<?xml version="1.0" encoding="utf-16"?>"#));

    client.delete_group(id).await.unwrap();
    assert!(!state.lock().unwrap().groups.contains_key(&id));
    let none = client.lookup_group("Vendor Risk").await.unwrap();
    assert!(none.group.is_empty());
    assert_eq!(none.raw(), "<Groups />");

    let req = &server.requests()[2];
    assert_soap_request(req, SoapVersion::V11, ACCESS, "AddUserToGroup");
    assert_eq!(
        params(req),
        pairs(&[
            ("sessionToken", TOKEN),
            ("userId", "42"),
            ("groupId", "100")
        ])
    );
}

#[tokio::test]
async fn group_names_with_markup_and_non_ascii_characters() {
    let name = "R&D <Europe> \"Zürich\" — 日本 ✓ & ']]>";
    for version in [SoapVersion::V11, SoapVersion::V12] {
        let (server, _) = start().await;
        let client = client(&server, version);
        client
            .login("apiuser", "Production", PASSWORD)
            .await
            .unwrap();

        let id = client.create_group(name).await.unwrap();
        // The name arrives intact: the request is well-formed and the text unescapes to it.
        let req = server.last_request().unwrap();
        assert_eq!(
            params(&req),
            pairs(&[("sessionToken", TOKEN), ("groupName", name)])
        );
        assert!(!req.body_text().contains("<Europe>"));

        // LookupGroup answers with the name escaped twice: once in the inner document, once
        // as the text of LookupGroupResult.
        let found = client.lookup_group(name).await.unwrap();
        assert_eq!(params(&server.last_request().unwrap())[1].1, name);
        assert_eq!(found.group.len(), 1);
        assert_eq!(found.group[0].id, id);
        assert_eq!(found.group[0].name.as_deref(), Some(name));
        assert!(
            found.raw().contains("R&amp;D &lt;Europe&gt;"),
            "{}",
            found.raw()
        );
        assert_eq!(client.get_group(id).await.unwrap(), name);

        client.update_group(id, "Δ-Team & <Ops>").await.unwrap();
        let info = client.get_group_information(id).await.unwrap();
        assert_eq!(info.name.as_deref(), Some("Δ-Team & <Ops>"));
    }
}

// ---------------------------------------------------------------------------------------------
// Failures

async fn fault_on(version: SoapVersion) {
    let (server, _) = start().await;
    let client = client(&server, version);
    client
        .login("apiuser", "Production", PASSWORD)
        .await
        .unwrap();
    let err = client.create_group("Administrators").await.unwrap_err();
    match &err {
        ArcherError::Fault { operation, fault } => {
            assert_eq!(*operation, "CreateGroup");
            assert_eq!(fault.version, version);
            assert!(fault.is_server_fault());
            assert_eq!(fault.http_status, Some(500));
        }
        other => panic!("expected a fault, got {other:?}"),
    }
    assert_eq!(
        err.fault_text(),
        Some("Server was unable to process request. ---> A group named Administrators already exists.")
    );
    assert_eq!(
        err.fault_message(),
        Some("A group named Administrators already exists.")
    );
    assert_eq!(
        err.fault_detail(),
        Some(r#"<ArcherError xmlns="urn:archer:test"><Code>DuplicateName</Code></ArcherError>"#)
    );
    assert_eq!(
        err.to_string(),
        "Archer CreateGroup failed: Server was unable to process request. ---> A group named Administrators already exists."
    );
    assert!(!err.is_session_expired());
    assert!(!err.needs_login());
    // A fault about the request leaves the session alone.
    assert!(client.is_logged_in());
}

#[tokio::test]
async fn soap11_fault_is_a_typed_error_with_text_and_detail() {
    fault_on(SoapVersion::V11).await;
}

#[tokio::test]
async fn soap12_fault_is_a_typed_error_with_text_and_detail() {
    fault_on(SoapVersion::V12).await;
}

#[tokio::test]
async fn an_expired_session_is_recognised_dropped_and_renewed() {
    for version in [SoapVersion::V11, SoapVersion::V12] {
        let (server, state) = start().await;
        let client = client(&server, version);
        client
            .login("apiuser", "Production", PASSWORD)
            .await
            .unwrap();
        assert_eq!(client.get_groups().await.unwrap().group.len(), 2);

        // The server forgets the session (timeout, restart, a TerminateSession elsewhere).
        state.lock().unwrap().sessions.clear();
        let err = client.get_groups().await.unwrap_err();
        assert!(err.is_session_expired(), "{err:?}");
        assert!(err.needs_login());
        assert_eq!(err.fault_text(), Some(INVALID_SESSION));
        assert_eq!(err.fault_message(), Some("Invalid session token"));
        assert_eq!(err.operation(), Some("GetGroups"));
        assert!(!client.is_logged_in(), "the dead token is dropped");

        // The caller logs in again and repeats the call.
        client
            .login("apiuser", "Production", PASSWORD)
            .await
            .unwrap();
        assert_eq!(client.get_groups().await.unwrap().group.len(), 2);
        assert_eq!(state.lock().unwrap().logins, 2);
    }
}

#[tokio::test]
async fn a_session_token_set_by_hand_is_used_and_terminating_a_dead_one_fails() {
    let (server, _) = start().await;
    let client = client(&server, SoapVersion::V11);
    client.set_session_token(Secret::from("0000000000000000000000000000DEAD"));
    let err = client.terminate_session().await.unwrap_err();
    assert!(err.is_session_expired(), "{err:?}");
    assert_eq!(
        params(&server.last_request().unwrap()),
        pairs(&[("sessionToken", "0000000000000000000000000000DEAD")])
    );
    assert!(!client.is_logged_in());
}

#[tokio::test]
async fn a_failed_login_keeps_no_session_and_hides_the_password() {
    let (server, _) = start().await;
    let client = client(&server, SoapVersion::V12);
    let err = client
        .login("apiuser", "Production", "wrong-password")
        .await
        .unwrap_err();
    assert_eq!(err.fault_message(), Some("Invalid user name or password."));
    assert_eq!(err.operation(), Some("CreateUserSessionFromInstance"));
    assert!(!err.is_session_expired());
    assert!(!client.is_logged_in());

    // A service that echoes the password in its fault: the error does not repeat it.
    let echo = TestServer::always(fault(
        SoapVersion::V11,
        &format!("Server was unable to process request. ---> Login failed for password {PASSWORD}"),
        &escape(PASSWORD),
    ))
    .await;
    let client = ArcherClient::builder(echo.url("/archer")).build().unwrap();
    let err = client
        .login("apiuser", "Production", PASSWORD)
        .await
        .unwrap_err();
    let shown = format!("{err} {err:?} {:?}", err.fault_detail());
    assert!(!shown.contains(PASSWORD), "{shown}");
    assert!(shown.contains("<redacted>"), "{shown}");
}

#[tokio::test]
async fn a_login_answer_without_a_token_is_an_error() {
    let server = TestServer::always(result(
        SoapVersion::V11,
        "CreateUserSessionFromInstance",
        "",
    ))
    .await;
    let client = ArcherClient::builder(server.url("/archer"))
        .build()
        .unwrap();
    let err = client
        .login("apiuser", "Production", PASSWORD)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            ArcherError::MissingResult {
                operation: "CreateUserSessionFromInstance"
            }
        ),
        "{err:?}"
    );
    assert!(!client.is_logged_in());
}

#[tokio::test]
async fn results_other_than_documented_are_errors_that_keep_what_was_returned() {
    let (server, state) = start().await;
    let client = client(&server, SoapVersion::V11);
    client
        .login("apiuser", "Production", PASSWORD)
        .await
        .unwrap();

    state.lock().unwrap().canned_result = Some("0".into());
    let err = client.update_group(2, "x").await.unwrap_err();
    assert!(
        matches!(
            err,
            ArcherError::UnexpectedResult {
                operation: "UpdateGroup",
                value: 0
            }
        ),
        "{err:?}"
    );

    let broken = "<Groups><Group><Id>two</Id></Group></Groups>";
    state.lock().unwrap().canned_result = Some(escape(broken));
    match client.get_groups().await.unwrap_err() {
        ArcherError::ResultXml { operation, raw, .. } => {
            assert_eq!(operation, "GetGroups");
            assert_eq!(raw, broken);
        }
        other => panic!("expected ResultXml, got {other:?}"),
    }

    // An empty string where a list is expected is an empty list.
    state.lock().unwrap().canned_result = Some(String::new());
    assert!(client.get_groups().await.unwrap().group.is_empty());
    assert!(client.is_logged_in());
}

#[tokio::test]
async fn a_wrong_base_url_gives_an_http_error_not_a_fault() {
    let (server, _) = start().await;
    let client = ArcherClient::builder(server.url("/archer"))
        .build()
        .unwrap();
    client.set_session_token(Secret::from(TOKEN));
    let err = client.get_groups().await.unwrap_err();
    match &err {
        ArcherError::Soap { operation, source } => {
            assert_eq!(*operation, "GetGroups");
            assert_eq!(source.http_status(), Some(404));
        }
        other => panic!("expected a SOAP-layer error, got {other:?}"),
    }
    assert!(!err.is_session_expired());
    assert!(client.is_logged_in());
}

// ---------------------------------------------------------------------------------------------
// Secrets

#[tokio::test]
async fn the_token_and_password_stay_out_of_debug_output_and_logs() {
    let logs = LogCapture::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    support::trace_everything_globally();
    let _guard = tracing::subscriber::set_default(subscriber);

    let (server, state) = start().await;
    let client = client(&server, SoapVersion::V11);
    client
        .login("apiuser", "Production", PASSWORD)
        .await
        .unwrap();
    client.get_groups().await.unwrap();
    state.lock().unwrap().sessions.clear();
    let err = client.get_groups().await.unwrap_err();
    client
        .login("apiuser", "Production", PASSWORD)
        .await
        .unwrap();

    let token = client.session_token().unwrap();
    let request = general::TerminateSession {
        session_token: Some(TOKEN.into()),
    };
    let login_response = general::CreateUserSessionFromInstanceResponse {
        create_user_session_from_instance_result: Some(TOKEN.into()),
    };
    let login_request = general::CreateUserSessionFromInstance {
        user_name: Some("apiuser".into()),
        instance_name: Some("Production".into()),
        password: Some(PASSWORD.into()),
    };
    let shown = format!(
        "{client:?} {client:#?} {token:?} {token} {err} {err:?} {request:?} {login_response:?} {login_request:?}"
    );
    assert!(!shown.contains(TOKEN), "{shown}");
    assert!(!shown.contains(PASSWORD), "{shown}");

    let logged = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(logged.contains("logged in to Archer"), "{logged}");
    assert!(
        logged.contains("Archer rejected the session token"),
        "{logged}"
    );
    assert!(!logged.contains(TOKEN), "{logged}");
    assert!(!logged.contains(PASSWORD), "{logged}");
}
