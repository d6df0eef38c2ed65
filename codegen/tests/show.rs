//! `wsdl-show`: a WSDL as the generator sees it, with the Rust signatures of its operations and
//! the fields of its types.

use std::path::{Path, PathBuf};
use std::process::Command;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn show(name: &str) -> String {
    wsclient_build::show(&fixture(name), &wsclient_build::Options::default())
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Whether `text` has the line `line`, leading and trailing spaces aside.
fn has_line(text: &str, line: &str) -> bool {
    text.lines().any(|l| l.trim() == line)
}

#[test]
fn services_ports_and_signatures() {
    let text = show("headers.wsdl");
    for line in [
        "Service Searcher",
        "Port SearchSoap",
        "binding SearchSoap, SOAP 1.1",
        "address http://localhost/search",
        "client SearchSoap::new(SoapClient), 2 operations",
        "Search  (action \"urn:fixture:headers/Search\")",
        "async fn search(&self, request: &Search, session: &Session, trace: &String) -> \
         Result<SearchResponse, Error>",
        "<Search> + header <Session> + header <Trace> -> <SearchResponse>",
        "async fn log(&self, request: &Log, trace: &String) -> Result<(), Error>",
        // The SOAP 1.2 binding no port uses.
        "Binding SearchSoap12 (SOAP 1.2)",
        "client SearchSoap12::new(SoapClient), 1 operation",
    ] {
        assert!(has_line(&text, line), "no line {line:?} in:\n{text}");
    }
    assert!(text.contains("\nWarnings\n"), "{text}");
    assert!(
        text.contains("the SOAP headers declared for the responses of Search are not read"),
        "{text}"
    );
}

#[test]
fn types_with_rust_and_xml_names() {
    let text = show("derived.wsdl");
    for line in [
        "struct Vehicle  (type {urn:fixture:derived}Vehicle)",
        "id: Option<i32>  @id",
        "name: String     <name>",
        "enum VehicleOrDerived  (type {urn:fixture:derived}Vehicle or a type derived from it, \
         by xsi:type)",
        "Car(Car)              xsi:type {urn:fixture:derived}Car",
        "enum Status  (type {urn:fixture:derived}Status)",
        "Open             \"open\"",
        "Other(xml::RawXml)  (any other element)",
        "async fn configure(&self, request: &Settings2) -> Result<Report, Error>",
    ] {
        assert!(has_line(&text, line), "no line {line:?} in:\n{text}");
    }
}

#[test]
fn rpc_operations_and_bare_schemas() {
    let text = show("rpc-literal.wsdl");
    assert!(has_line(
        &text,
        "Add (rpc)  (action \"urn:fixture:rpc/Add\")"
    ));
    assert!(has_line(
        &text,
        "async fn add(&self, request: &Add) -> Result<AddResponse, Error>"
    ));
    let text = show("schemas-common.xsd");
    assert!(text.starts_with("Schema "), "{text}");
    assert!(text.contains("struct Address"), "{text}");
}

#[test]
fn the_binary_prints_the_overview_or_the_error() {
    let bin = env!("CARGO_BIN_EXE_wsdl-show");
    let out = Command::new(bin)
        .arg(fixture("bindings.wsdl"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(has_line(&stdout, "Service Primary"), "{stdout}");

    let out = Command::new(bin)
        .arg(fixture("error-undefined-type.wsdl"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with("error: ") && stderr.contains("error-undefined-type.wsdl"),
        "{stderr}"
    );

    let out = Command::new(bin).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}
