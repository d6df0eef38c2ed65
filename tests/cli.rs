//! The `wsclient` command-line tool, spawned as a process: `--help`, `demo`, `call` (against
//! the embedded simulator and against an endpoint), `serve`, and `refresh` against WSDLs served
//! on 127.0.0.1.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::Arc;

use wsclient::json::Value;
use wsclient::logmein_rescue::api::server::ApiSoapDispatcher;
use wsclient::server::{wsdl, BoxFuture, HttpHandler, HttpRequest, HttpResponse, Server};
use wsclient::simulator::{seed, Simulator};

fn wsclient(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wsclient"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the wsclient binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A fresh directory under the system's temporary directory.
fn temp_dir(name: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let dir = std::env::temp_dir().join(format!(
        "wsclient-cli-{name}-{}-{nanos}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn help_lists_the_commands_services_and_operations() {
    let out = wsclient(&["--help"]);
    assert!(out.status.success());
    let text = stdout(&out);
    for word in [
        "demo",
        "serve",
        "call",
        "refresh",
        "rescue",
        "setGroup_v2",
        "transferSession",
        "getSession_V3",
        "archer-general",
        "CreateUserSessionFromInstance",
        "archer-accesscontrol",
        "LookupGroup",
        "Commvault",
    ] {
        assert!(
            text.contains(word),
            "--help does not mention {word}:\n{text}"
        );
    }
    let out = wsclient(&["call", "rescue"]);
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(
        text.contains("setGroup_v2") && text.contains("iRPATConcurrentLimit: int"),
        "{text}"
    );
    assert!(text.contains("eNodeRef: NODE_REF (NODE|CHANNEL)"), "{text}");
}

#[test]
fn demo_walks_through_the_three_vendors() {
    let out = wsclient(&["demo"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    for expected in [
        "Simulator listening on http://127.0.0.1:",
        "== LogMeIn Rescue, SOAP 1.1, authcode ==",
        "setGroup_v2 failed with setGroup_InvalidParam_Name",
        "set_group_v2_result: NotEnoughSeatLicensesAvailable",
        "set_group_v2_result: NodeCannotBeEnabledBecauseItsParentNodeIsDisabled",
        "transfer_session_result: InvalidParamNode",
        "close_session_result: ActionFailed",
        "== LogMeIn Rescue, SOAP 1.2, cookie session ==",
        "logout_result: Ok",
        "== RSA Archer, SOAP 1.1 ==",
        "is_session_expired() = true",
        "== Commvault REST (XML) ==",
        "DEV_0012 now: users [\"mjones\", \"jsmith\"], 0 association(s)",
        "errorCode 1: User group [DEV_0099] not found.",
        "Done:",
    ] {
        assert!(
            text.contains(expected),
            "the demo did not print {expected:?}:\n{text}"
        );
    }
    assert!(
        !text.contains(seed::ADMIN_PASSWORD),
        "the demo printed a password"
    );
}

#[test]
fn call_runs_against_the_embedded_simulator() {
    let out = wsclient(&[
        "call",
        "rescue",
        "getGroup",
        "--arg",
        "iNodeID=337364",
        "--arg",
        &format!("sAuthCode={}", seed::DEMO_AUTH_CODE),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let value: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(value["getGroupResult"], "getGroup_OK");
    assert_eq!(value["oGroup"]["sName"], "TechGroup");
    assert_eq!(
        value["oGroup"]["aPermissions"]["NODE_PERMISSIONS"][1],
        "RemoteView"
    );
    assert!(
        stderr(&out).contains("embedded simulator"),
        "{}",
        stderr(&out)
    );

    // Nested arguments with --json, on the SOAP 1.2 port.
    let args = format!(
        r#"{{"iNodeID": 337364, "sName": "TechGroup", "eNodeStatus": "Enabled",
            "aPermissions": {{"NODE_PERMISSIONS_V2": ["RemoteControl", "SendURL"]}},
            "iStandardConcurrentLimit": 20, "iMobileConcurrentLimit": 1, "iRPATConcurrentLimit": 1,
            "sAuthCode": "{}"}}"#,
        seed::DEMO_AUTH_CODE
    );
    let out = wsclient(&["call", "rescue", "setGroup_v2", "--soap12", "--json", &args]);
    assert!(out.status.success(), "{}", stderr(&out));
    let value: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        value["setGroup_v2Result"],
        "setGroup_Not_Enough_Seat_Licenses_Available"
    );

    // Secrets are redacted unless asked for.
    let login = [
        "call",
        "rescue",
        "requestAuthCode",
        "--arg",
        &format!("sEmail={}", seed::ADMIN_EMAIL),
        "--arg",
        &format!("sPassword={}", seed::ADMIN_PASSWORD),
    ];
    let out = wsclient(&login);
    let value: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(value["sAuthCode"], "<redacted>");
    let mut shown = login.to_vec();
    shown.push("--show-secrets");
    let out = wsclient(&shown);
    let value: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(value["sAuthCode"].as_str().map(str::len), Some(64));

    let out = wsclient(&[
        "call",
        "archer-accesscontrol",
        "LookupGroup",
        "--arg",
        &format!("sessionToken={}", seed::ARCHER_DEMO_TOKEN),
        "--arg",
        "keyword=Risk Managers",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let value: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        value["LookupGroupResult"],
        "<Groups><Group><Id>3</Id><Name>Risk Managers</Name></Group></Groups>"
    );
}

#[test]
fn call_explains_what_is_wrong() {
    let out = wsclient(&["call", "rescue", "getGroup", "--arg", "iNodeID=abc"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("error: invalid arguments for getGroup: iNodeID: expected an integer (int), found \"abc\""), "{err}");
    assert!(err.contains("  sAuthCode?: string (secret)"), "{err}");

    let out = wsclient(&[
        "call",
        "rescue",
        "transferSession",
        "--json",
        r#"{"iSessionID": 1, "iNodeID": 2, "eNodeRef": "BOTH"}"#,
    ]);
    assert!(
        stderr(&out).contains("eNodeRef: \"BOTH\" is not one of: NODE, CHANNEL"),
        "{}",
        stderr(&out)
    );
    let out = wsclient(&["call", "rescue", "getGroup", "--arg", "iNodeId=1"]);
    assert!(
        stderr(&out).contains("iNodeId: unknown name; expected one of: iNodeID, sAuthCode"),
        "{}",
        stderr(&out)
    );
    let out = wsclient(&["call", "rescue", "getGroup", "--json", "[1]"]);
    assert!(
        stderr(&out).contains("--json must be a JSON object"),
        "{}",
        stderr(&out)
    );
    let out = wsclient(&["call", "rescue", "holdSession"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out)
            .contains("rescue has no operation \"holdSession\"; its operations are: login, logout"),
        "{}",
        stderr(&out)
    );
    let out = wsclient(&["call", "nothing", "x"]);
    assert!(stderr(&out).contains("unknown service \"nothing\"; the services are: rescue, archer-general, archer-accesscontrol"), "{}", stderr(&out));
    // A fault from the service is an error, with the fault's text.
    let out = wsclient(&[
        "call",
        "archer-accesscontrol",
        "GetGroups",
        "--arg",
        "sessionToken=stale",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("Invalid session token"),
        "{}",
        stderr(&out)
    );
    // clap's own usage errors.
    let out = wsclient(&["call"]);
    assert_eq!(out.status.code(), Some(2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn call_reaches_a_given_endpoint() {
    let sim = Simulator::new()
        .start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let url = sim.rescue_url();
    let out = tokio::task::spawn_blocking(move || {
        wsclient(&[
            "call",
            "rescue",
            "login",
            "--endpoint",
            &url,
            "--soap12",
            "--arg",
            &format!("sEmail={}", seed::ADMIN_EMAIL),
            "--arg",
            "sPassword=wrong",
        ])
    })
    .await
    .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let value: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(value["loginResult"], "login_Invalid");
    assert!(
        stderr(&out).contains(&format!("at {}", sim.rescue_url())),
        "{}",
        stderr(&out)
    );
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_runs_the_simulator_until_stopped() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wsclient"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    // Read the first line, and keep reading the rest, so that the process never writes into
    // a closed pipe.
    let (first_line, first) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || {
        let mut lines = BufReader::new(stdout).lines();
        let line = lines.next().and_then(Result::ok).unwrap_or_default();
        let _ = first_line.send(line);
        for _ in lines {}
    });
    let first = first.await.unwrap();
    let base = first
        .trim()
        .strip_prefix("Simulator listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
        .to_owned();
    let client = wsclient::logmein_rescue::RescueClient::builder()
        .endpoint(format!("{base}/API/API.asmx"))
        .build()
        .unwrap();
    let result = client.login(seed::ADMIN_EMAIL, seed::ADMIN_PASSWORD).await;
    child.kill().unwrap();
    child.wait().unwrap();
    result.unwrap();
}

/// Serves fixed files under `/files/`.
struct Files(Vec<(&'static str, String)>);

impl HttpHandler for Files {
    fn handle(&self, request: HttpRequest) -> BoxFuture<'_, HttpResponse> {
        Box::pin(async move {
            match self.0.iter().find(|(name, _)| *name == request.rest) {
                Some((_, text)) => HttpResponse::new(200, "text/xml; charset=utf-8", text.clone()),
                None => HttpResponse::text(404, "no such file"),
            }
        })
    }
}

/// The cached Rescue WSDL with: NODE_REF's `CHANNEL` removed, `sComment` removed from
/// transferSession, getGroup's `iNodeID` made a string, and an operation `ping` added.
fn changed_rescue_wsdl() -> String {
    let mut text = wsdl::RESCUE.text.to_owned();
    let replace_once = |text: &mut String, from: &str, to: &str| {
        let at = text
            .find(from)
            .unwrap_or_else(|| panic!("{from} not in the WSDL"));
        text.replace_range(at..at + from.len(), to);
    };
    replace_once(
        &mut text,
        "          <s:enumeration value=\"CHANNEL\" />\n",
        "",
    );
    replace_once(&mut text, "            <s:element minOccurs=\"0\" maxOccurs=\"1\" name=\"sComment\" type=\"s:string\" />\n", "");
    replace_once(
        &mut text,
        "<s:element name=\"getGroup\">\n        <s:complexType>\n          <s:sequence>\n            <s:element minOccurs=\"1\" maxOccurs=\"1\" name=\"iNodeID\" type=\"s:int\" />",
        "<s:element name=\"getGroup\">\n        <s:complexType>\n          <s:sequence>\n            <s:element minOccurs=\"1\" maxOccurs=\"1\" name=\"iNodeID\" type=\"s:string\" />",
    );
    replace_once(
        &mut text,
        "    </s:schema>",
        "      <s:element name=\"ping\"><s:complexType /></s:element>\n      <s:element name=\"pingResponse\"><s:complexType><s:sequence><s:element minOccurs=\"0\" maxOccurs=\"1\" name=\"pingResult\" type=\"s:string\" /></s:sequence></s:complexType></s:element>\n    </s:schema>",
    );
    replace_once(
        &mut text,
        "  <wsdl:portType",
        "  <wsdl:message name=\"pingSoapIn\"><wsdl:part name=\"parameters\" element=\"tns:ping\" /></wsdl:message>\n  <wsdl:message name=\"pingSoapOut\"><wsdl:part name=\"parameters\" element=\"tns:pingResponse\" /></wsdl:message>\n  <wsdl:portType",
    );
    replace_once(
        &mut text,
        "  </wsdl:portType>",
        "    <wsdl:operation name=\"ping\"><wsdl:input message=\"tns:pingSoapIn\" /><wsdl:output message=\"tns:pingSoapOut\" /></wsdl:operation>\n  </wsdl:portType>",
    );
    replace_once(
        &mut text,
        "  </wsdl:binding>",
        "    <wsdl:operation name=\"ping\"><soap:operation soapAction=\"https://secure.logmeinrescue.com/API/API.asmx/ping\" style=\"document\" /><wsdl:input><soap:body use=\"literal\" /></wsdl:input><wsdl:output><soap:body use=\"literal\" /></wsdl:output></wsdl:operation>\n  </wsdl:binding>",
    );
    text
}

/// The cached Rescue WSDL with its schema moved into `types.xsd`, imported by location.
fn split_rescue_wsdl() -> (String, String) {
    let text = wsdl::RESCUE.text;
    let start = text.find("    <s:schema").unwrap();
    let end = text.find("</s:schema>").unwrap() + "</s:schema>".len();
    let schema = text[start..end].replacen(
        "<s:schema ",
        "<s:schema xmlns:s=\"http://www.w3.org/2001/XMLSchema\" xmlns:tns=\"https://secure.logmeinrescue.com/API/API.asmx\" ",
        1,
    );
    let wsdl = format!(
        "{}<s:schema><s:import namespace=\"https://secure.logmeinrescue.com/API/API.asmx\" schemaLocation=\"types.xsd\" /></s:schema>{}",
        &text[..start],
        &text[end..]
    );
    (
        wsdl,
        format!("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n{schema}\n"),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_prints_what_changed_and_marks_what_breaks() {
    let sim = Simulator::new();
    let (split, types) = split_rescue_wsdl();
    let server = sim
        .routes(Server::builder())
        .soap_with_wsdl(
            "/changed/API.asmx",
            ApiSoapDispatcher::from_arc(Arc::clone(sim.rescue())),
            changed_rescue_wsdl(),
        )
        .http(
            "/files",
            Files(vec![("API.asmx.wsdl", split), ("types.xsd", types)]),
        )
        .bind("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let dir = temp_dir("refresh");
    let wsdl_dir = dir.to_string_lossy().into_owned();
    let run = |args: Vec<String>| {
        tokio::task::spawn_blocking(move || {
            wsclient(&args.iter().map(String::as_str).collect::<Vec<_>>())
        })
    };

    // The simulator serves the cached copy: nothing changed.
    let unchanged = server.url("/API/API.asmx?wsdl");
    let out = run(vec![
        "refresh".into(),
        "rescue".into(),
        "--from".into(),
        unchanged,
        "--wsdl-dir".into(),
        wsdl_dir.clone(),
        "--check".into(),
    ])
    .await
    .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("No changes"), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("comparing with the copy built into this tool"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.join("logmein-rescue").exists(), "--check wrote files");

    // The changed copy.
    let changed = server.url("/changed/API.asmx?wsdl");
    let out = run(vec![
        "refresh".into(),
        "rescue".into(),
        "--from".into(),
        changed,
        "--wsdl-dir".into(),
        wsdl_dir.clone(),
    ])
    .await
    .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let line = |needle: &str| {
        text.lines()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no line with {needle:?} in:\n{text}"))
            .to_owned()
    };
    assert!(line(
        "value `CHANNEL` of type {https://secure.logmeinrescue.com/API/API.asmx}NODE_REF removed"
    )
    .contains("BREAKING"));
    assert!(line("field `sComment` of element {https://secure.logmeinrescue.com/API/API.asmx}transferSession removed").contains("BREAKING"));
    assert!(line("field `iNodeID` of element {https://secure.logmeinrescue.com/API/API.asmx}getGroup: type changed from xs:int to xs:string").contains("BREAKING"));
    let added = line("operation `ping` added");
    assert!(!added.contains("BREAKING"), "{added}");
    assert!(
        !line("element {https://secure.logmeinrescue.com/API/API.asmx}ping added")
            .contains("BREAKING")
    );
    assert!(text.contains("breaking existing callers."), "{text}");
    let saved = std::fs::read_to_string(dir.join("logmein-rescue/API.asmx.wsdl")).unwrap();
    assert!(saved.contains("<wsdl:operation name=\"ping\">"));
    assert!(stderr(&out).contains("Rebuild"), "{}", stderr(&out));

    // Against the saved copy, the same WSDL has no changes; the cached copy again shows them
    // reversed (an operation removed is breaking).
    let out = run(vec![
        "refresh".into(),
        "rescue".into(),
        "--from".into(),
        server.url("/changed/API.asmx?wsdl"),
        "--wsdl-dir".into(),
        wsdl_dir.clone(),
        "--check".into(),
    ])
    .await
    .unwrap();
    assert!(stdout(&out).contains("No changes"), "{}", stdout(&out));
    let out = run(vec![
        "refresh".into(),
        "rescue".into(),
        "--from".into(),
        server.url("/API/API.asmx?wsdl"),
        "--wsdl-dir".into(),
        wsdl_dir.clone(),
        "--check".into(),
    ])
    .await
    .unwrap();
    let text = stdout(&out);
    assert!(
        text.lines()
            .any(|l| l.contains("operation `ping` removed") && l.contains("BREAKING")),
        "{text}"
    );
    assert!(
        text.lines().any(|l| l.contains("value `CHANNEL`")
            && l.contains("added")
            && !l.contains("BREAKING")),
        "{text}"
    );

    // A WSDL whose schema is imported: both files are saved, the import points at the copy.
    let out = run(vec![
        "refresh".into(),
        "rescue".into(),
        "--from".into(),
        server.url("/files/API.asmx.wsdl"),
        "--wsdl-dir".into(),
        wsdl_dir.clone(),
    ])
    .await
    .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("operation `ping` removed"),
        "{}",
        stdout(&out)
    );
    let saved = std::fs::read_to_string(dir.join("logmein-rescue/API.asmx.wsdl")).unwrap();
    assert!(
        saved.contains("schemaLocation=\"API.import1.xsd\""),
        "{saved}"
    );
    assert!(dir.join("logmein-rescue/API.import1.xsd").exists());
    let out = run(vec![
        "refresh".into(),
        "rescue".into(),
        "--from".into(),
        server.url("/API/API.asmx?wsdl"),
        "--wsdl-dir".into(),
        wsdl_dir.clone(),
        "--check".into(),
    ])
    .await
    .unwrap();
    assert!(
        stdout(&out).contains("No changes"),
        "the split copy reads as the cached one: {}",
        stdout(&out)
    );

    // Errors a person can act on.
    let out = run(vec![
        "refresh".into(),
        "rescue".into(),
        "--from".into(),
        server.url("/nothing?wsdl"),
        "--wsdl-dir".into(),
        wsdl_dir.clone(),
    ])
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("answered HTTP 404"),
        "{}",
        stderr(&out)
    );
    let out = run(vec![
        "refresh".into(),
        "rescue".into(),
        "--from".into(),
        "ftp://x/y".into(),
    ])
    .await
    .unwrap();
    assert!(
        stderr(&out).contains("--from must be an http or https URL"),
        "{}",
        stderr(&out)
    );
    server.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
}
