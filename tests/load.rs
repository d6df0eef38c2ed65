//! Load: one shared client, thousands of concurrent calls against a local server. Every call
//! gets its own answer (none lost, none crossed), the cookie session set once is sent on every
//! later call, and failures under load stay with the call they belong to.
//!
//! The runs are bounded (a fixed number of calls, a fixed concurrency, a deadline that only a
//! hang would reach); the figures are printed (`cargo test --test load -- --nocapture`).

mod support;

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use support::{body_child, escape, find_text, RecordedRequest, TestResponse, TestServer};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use wsclient::commvault::{api as cv, CommvaultClient, CommvaultError};
use wsclient::logmein_rescue::{api, RescueClient, RescueError};
use wsclient::secret::Secret;
use wsclient::Error;

const NS: &str = "https://secure.logmeinrescue.com/API/API.asmx";
const SESSION: &str = "k3v0q1mzc5lqx2a4b5c6d7e8";

/// Only a hang reaches this.
const DEADLINE: Duration = Duration::from_secs(120);

/// Counts the requests being handled at once, and the most seen.
#[derive(Default)]
struct InFlight {
    now: AtomicUsize,
    max: AtomicUsize,
}

impl InFlight {
    fn enter(&self) {
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.max.fetch_max(now, Ordering::SeqCst);
    }
    fn leave(&self) {
        self.now.fetch_sub(1, Ordering::SeqCst);
    }
}

/// What the Rescue stand-in answers for call `id`: a group for most, a fault for ids ending
/// in 3, an HTML error page for ids ending in 7.
fn rescue_answer(id: i32) -> TestResponse {
    match id % 10 {
        3 => TestResponse::soap11_fault(
            "soap:Server",
            &format!("Server was unable to process request. ---> node {id} is locked"),
            Some(&format!("<node>{id}</node>")),
        ),
        7 => TestResponse::html(503, format!("<html><body>busy: request {id}</body></html>")),
        _ => TestResponse::soap11(&format!(
            r#"<getGroupResponse xmlns="{NS}"><getGroupResult>getGroup_OK</getGroupResult><oGroup><iNodeID>{id}</iNodeID><sName>{}</sName><eType>TechnicianGroup</eType><eStatus>Enabled</eStatus><iStandardConcurrentLimit>{id}</iStandardConcurrentLimit><iMobileConcurrentLimit>0</iMobileConcurrentLimit></oGroup></getGroupResponse>"#,
            escape(&group_name(id))
        )),
    }
}

fn group_name(id: i32) -> String {
    format!("group {id} <Zürich & Co>")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn rescue_two_thousand_concurrent_calls_on_one_client_with_a_cookie_session() {
    const CALLS: i32 = 2_000;
    const CONCURRENCY: usize = 256;

    let in_flight = Arc::new(InFlight::default());
    let logins = Arc::new(AtomicUsize::new(0));
    let without_session = Arc::new(AtomicUsize::new(0));
    let server = {
        let (in_flight, logins, without_session) = (
            Arc::clone(&in_flight),
            Arc::clone(&logins),
            Arc::clone(&without_session),
        );
        TestServer::start(move |req: RecordedRequest| {
            let (in_flight, logins, without_session) = (
                Arc::clone(&in_flight),
                Arc::clone(&logins),
                Arc::clone(&without_session),
            );
            async move {
                in_flight.enter();
                // Let other requests in while this one is "working".
                tokio::task::yield_now().await;
                let (_, op, _) = body_child(&req.body);
                let response = if op == "login" {
                    logins.fetch_add(1, Ordering::SeqCst);
                    TestResponse::soap11(&format!(
                        r#"<loginResponse xmlns="{NS}"><loginResult>login_OK</loginResult></loginResponse>"#
                    ))
                    .with_header(
                        "set-cookie",
                        &format!("ASP.NET_SessionId={SESSION}; path=/; HttpOnly; SameSite=Lax"),
                    )
                } else if req.cookie("ASP.NET_SessionId").as_deref() != Some(SESSION) {
                    without_session.fetch_add(1, Ordering::SeqCst);
                    TestResponse::soap11(&format!(
                        r#"<getGroupResponse xmlns="{NS}"><getGroupResult>getGroup_NotLoggedIn</getGroupResult></getGroupResponse>"#
                    ))
                } else {
                    let id: i32 = find_text(&req.body, "iNodeID")
                        .and_then(|t| t.parse().ok())
                        .expect("a request without iNodeID");
                    rescue_answer(id)
                };
                in_flight.leave();
                response
            }
        })
        .await
    };

    let client = RescueClient::builder()
        .endpoint(server.url("/API/API.asmx"))
        .build()
        .unwrap();
    client
        .login("admin@example.com", "load-test-password")
        .await
        .unwrap();
    assert!(client.soap_client().has_cookie("ASP.NET_SessionId"));

    let started = Instant::now();
    let limit = Arc::new(Semaphore::new(CONCURRENCY));
    let mut calls = JoinSet::new();
    for id in 0..CALLS {
        let client = client.clone();
        let limit = Arc::clone(&limit);
        calls.spawn(async move {
            let _permit = limit.acquire_owned().await.unwrap();
            let outcome = client
                .get_group(api::GetGroup {
                    i_node_id: id,
                    s_auth_code: None,
                })
                .await;
            (id, outcome)
        });
    }
    let outcomes = tokio::time::timeout(DEADLINE, async {
        let mut outcomes = Vec::with_capacity(CALLS as usize);
        while let Some(joined) = calls.join_next().await {
            outcomes.push(joined.expect("a call task panicked"));
        }
        outcomes
    })
    .await
    .expect("the load test hung");
    let elapsed = started.elapsed();

    let mut seen = HashSet::new();
    let (mut groups, mut faults, mut pages) = (0, 0, 0);
    for (id, outcome) in outcomes {
        assert!(seen.insert(id), "call {id} answered twice");
        match (id % 10, outcome) {
            (3, Err(RescueError::Soap(Error::Fault(fault)))) => {
                assert_eq!(
                    fault.reason,
                    format!("Server was unable to process request. ---> node {id} is locked")
                );
                assert_eq!(
                    fault.detail.as_ref().map(|d| d.as_str()),
                    Some(format!("<node>{id}</node>").as_str())
                );
                faults += 1;
            }
            (
                7,
                Err(RescueError::Soap(Error::Http {
                    status: 503,
                    body_start,
                    ..
                })),
            ) => {
                assert_eq!(
                    body_start,
                    format!("<html><body>busy: request {id}</body></html>")
                );
                pages += 1;
            }
            (_, Ok(answer)) => {
                assert_eq!(answer.get_group_result, api::GetGroupRet::Ok, "call {id}");
                let group = answer.o_group.expect("a group");
                assert_eq!(group.i_node_id, id, "call {id} got another call's answer");
                assert_eq!(group.i_standard_concurrent_limit, id);
                assert_eq!(group.s_name, Some(group_name(id)));
                groups += 1;
            }
            (_, other) => panic!("call {id}: {other:?}"),
        }
    }
    assert_eq!(seen.len(), CALLS as usize, "calls lost");
    assert_eq!((groups, faults, pages), (1_600, 200, 200));
    assert_eq!(logins.load(Ordering::SeqCst), 1);
    assert_eq!(
        without_session.load(Ordering::SeqCst),
        0,
        "calls went out without the session cookie"
    );
    let requests = server.requests();
    assert_eq!(requests.len(), CALLS as usize + 1);
    assert!(requests[1..]
        .iter()
        .all(|r| r.cookie("ASP.NET_SessionId").as_deref() == Some(SESSION)));

    eprintln!(
        "load (Rescue, SOAP): {CALLS} calls at concurrency {CONCURRENCY} in {} ms; at most {} requests in flight at the server",
        elapsed.as_millis(),
        in_flight.max.load(Ordering::SeqCst)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn commvault_one_thousand_concurrent_calls_on_one_client_with_a_token() {
    const CALLS: i32 = 1_000;
    const CONCURRENCY: usize = 128;
    const TOKEN: &str = "QSDK 0f1e2d3c4b5a69788796a5b4c3d2e1f0";

    let server = TestServer::start(|req: RecordedRequest| async move {
        tokio::task::yield_now().await;
        if req.header("authtoken") != Some(TOKEN) {
            return TestResponse::text(401, "text/plain", "no token");
        }
        let id: i32 = req
            .path
            .rsplit('/')
            .next()
            .and_then(|id| id.parse().ok())
            .expect("a path ending in the group id");
        // The description the caller sent comes back as the group's name.
        let text = req.body_text();
        let doc = roxmltree::Document::parse(&text).unwrap();
        let description = doc
            .descendants()
            .find(|n| n.has_tag_name("description"))
            .and_then(|n| n.text())
            .unwrap_or_default()
            .to_owned();
        if id % 10 == 9 {
            return TestResponse::text(
                200,
                "application/xml",
                format!(
                    r#"<App_UpdateUserGroupPropertiesResponse><response errorCode="{id}" errorString="refused {id}"/></App_UpdateUserGroupPropertiesResponse>"#
                ),
            );
        }
        TestResponse::text(
            200,
            "application/xml",
            format!(
                r#"<App_UpdateUserGroupPropertiesResponse><response errorCode="0"><entity userGroupName="{}" userGroupId="{id}"/></response></App_UpdateUserGroupPropertiesResponse>"#,
                escape(&description).replace('"', "&quot;")
            ),
        )
    })
    .await;

    let client = CommvaultClient::builder(server.url("/webconsole/api"))
        .build()
        .unwrap();
    client.set_token(Secret::from(TOKEN)).unwrap();

    let started = Instant::now();
    let limit = Arc::new(Semaphore::new(CONCURRENCY));
    let mut calls = JoinSet::new();
    for id in 0..CALLS {
        let client = client.clone();
        let limit = Arc::clone(&limit);
        calls.spawn(async move {
            let _permit = limit.acquire_owned().await.unwrap();
            let mut group = cv::UserGroupProperties::new(cv::UserGroupEntity::by_id(id));
            group.description = Some(format!("call {id} \"<ü>\""));
            (id, client.update_user_group_by_id(id, group).await)
        });
    }
    let outcomes = tokio::time::timeout(DEADLINE, async {
        let mut outcomes = Vec::new();
        while let Some(joined) = calls.join_next().await {
            outcomes.push(joined.expect("a call task panicked"));
        }
        outcomes
    })
    .await
    .expect("the load test hung");
    let elapsed = started.elapsed();

    let mut seen = HashSet::new();
    for (id, outcome) in outcomes {
        assert!(seen.insert(id), "call {id} answered twice");
        match outcome {
            Ok(answer) => {
                assert_ne!(id % 10, 9, "call {id}");
                let entity = answer.response[0].entity.as_ref().unwrap();
                assert_eq!(
                    entity.user_group_id,
                    Some(id),
                    "call {id} got another answer"
                );
                assert_eq!(
                    entity.user_group_name.as_deref(),
                    Some(format!("call {id} \"<ü>\"").as_str())
                );
            }
            Err(CommvaultError::Api {
                error_code,
                error_string,
                ..
            }) => {
                assert_eq!(id % 10, 9, "call {id}");
                assert_eq!(error_code, i64::from(id));
                assert_eq!(error_string, Some(format!("refused {id}")));
            }
            Err(other) => panic!("call {id}: {other:?}"),
        }
    }
    assert_eq!(seen.len(), CALLS as usize, "calls lost");
    assert_eq!(server.request_count(), CALLS as usize);

    eprintln!(
        "load (Commvault, REST): {CALLS} calls at concurrency {CONCURRENCY} in {} ms",
        elapsed.as_millis()
    );
}
