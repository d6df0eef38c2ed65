//! Golden tests: the code generated for each fixture in `tests/fixtures/` is compared with
//! `tests/fixtures/<name>.expected.rs`, and the fixtures the generator must refuse are checked
//! for an error that names the file, the element and the construct.
//!
//! After a deliberate change to the output, rewrite the expected files with
//! `UPDATE_GOLDEN=1 cargo test -p wsclient-build --test golden` and read the diff.

use std::path::{Path, PathBuf};

use wsclient_build::{generate_wsdl, generate_xsd, Error, Generated, Options};

/// Fixtures that generate code, compared with their `.expected.rs` (and compiled by
/// `codegen/compile-tests`).
const GOLDEN: &[&str] = &[
    "names.wsdl",
    "occurs.wsdl",
    "structure.wsdl",
    "schemas.wsdl",
    "schemas-common.xsd",
    "bindings.wsdl",
    "rpc-literal.wsdl",
    "derived.wsdl",
    "headers.wsdl",
];

/// Fixtures the generator refuses.
const REFUSED: &[&str] = &[
    "error-rpc-encoded.wsdl",
    "error-undefined-element.wsdl",
    "error-undefined-type.wsdl",
    "error-missing-import.wsdl",
    "error-remote-schema.wsdl",
];

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn generate(name: &str) -> Result<Generated, Error> {
    let path = fixture(name);
    if name.ends_with(".xsd") {
        generate_xsd(&path, &Options::default())
    } else {
        generate_wsdl(&path, &Options::default())
    }
}

/// The lines around the first difference, for a readable failure.
fn first_difference(expected: &str, actual: &str) -> String {
    let e: Vec<&str> = expected.lines().collect();
    let a: Vec<&str> = actual.lines().collect();
    let at = e
        .iter()
        .zip(&a)
        .position(|(x, y)| x != y)
        .unwrap_or(e.len().min(a.len()));
    let from = at.saturating_sub(3);
    let mut out = format!("first difference at line {}:\n", at + 1);
    for (i, line) in e.iter().enumerate().skip(from).take(7) {
        out.push_str(&format!("- {:5} {line}\n", i + 1));
    }
    for (i, line) in a.iter().enumerate().skip(from).take(7) {
        out.push_str(&format!("+ {:5} {line}\n", i + 1));
    }
    out
}

/// Generates `name` and compares (or, with `UPDATE_GOLDEN`, rewrites) its expected file.
fn golden(name: &str) -> Generated {
    let generated = generate(name).unwrap_or_else(|e| panic!("{name}: {e}"));
    let again = generate(name).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(
        generated.code, again.code,
        "{name}: the output is not deterministic"
    );

    let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
    let expected_path = fixture(&format!("{stem}.expected.rs"));
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&expected_path, &generated.code)
            .unwrap_or_else(|e| panic!("{}: {e}", expected_path.display()));
    } else {
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_else(|e| {
            panic!(
                "{}: {e} (run with UPDATE_GOLDEN=1 to create it)",
                expected_path.display()
            )
        });
        if expected != generated.code {
            panic!(
                "{name}: the generated code differs from {} (run with UPDATE_GOLDEN=1 to \
                 accept the new output)\n{}",
                expected_path.display(),
                first_difference(&expected, &generated.code)
            );
        }
    }
    generated
}

/// The parts of a refusal: (file name, element, construct, message).
fn refusal(name: &str) -> (String, String, String, String) {
    match generate(name) {
        Ok(_) => panic!("{name}: generated code, but the generator must refuse it"),
        Err(Error::Unsupported {
            file,
            element,
            construct,
            message,
        }) => (
            file.file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default(),
            element,
            construct,
            message,
        ),
        Err(other) => panic!("{name}: expected Error::Unsupported, got {other:?}"),
    }
}

#[test]
fn every_fixture_is_tested() {
    let mut unlisted = Vec::new();
    let dir = fixture("");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if let Some(stem) = name.strip_suffix(".expected.rs") {
            let has_input = GOLDEN
                .iter()
                .any(|g| g.rsplit_once('.').is_some_and(|(s, _)| s == stem));
            assert!(has_input, "{name} has no fixture in GOLDEN");
        } else if !GOLDEN.contains(&name.as_str()) && !REFUSED.contains(&name.as_str()) {
            unlisted.push(name);
        }
    }
    assert!(
        unlisted.is_empty(),
        "fixtures in neither GOLDEN nor REFUSED: {unlisted:?}"
    );
}

#[test]
fn names() {
    let g = golden("names.wsdl");
    assert!(g.warnings.is_empty(), "{:?}", g.warnings);
    assert_eq!(
        (g.stats.structs, g.stats.enums, g.stats.operations),
        (10, 2, 5)
    );
}

#[test]
fn occurs() {
    let g = golden("occurs.wsdl");
    let [twice, interleaved] = g.warnings.as_slice() else {
        panic!("{:?}", g.warnings);
    };
    assert!(
        twice.ends_with(
            "occurs.wsdl: <element name=\"x\"> at line 77: the element `x` is declared twice \
             in one sequence; only the first is read and written"
        ),
        "{twice}"
    );
    assert_eq!(
        interleaved,
        "Put: a repeated sequence of several elements is read and written as one list per \
         element, which does not keep them interleaved"
    );
}

#[test]
fn structure() {
    let g = golden("structure.wsdl");
    assert_eq!(
        g.warnings,
        [
            "Tree: a sequence of several elements inside a choice is read and written as if \
             each of its elements were an alternative of its own",
        ]
    );
    // Shapes (2), Node, Mix, Login, Tree, and the substitution group of `shape`.
    assert_eq!(g.stats.choices, 7);
}

#[test]
fn schemas() {
    let g = golden("schemas.wsdl");
    assert!(g.warnings.is_empty(), "{:?}", g.warnings);
    let read: Vec<String> = g
        .files_read
        .iter()
        .filter_map(|f| f.file_name())
        .map(|f| f.to_string_lossy().into_owned())
        .collect();
    assert_eq!(read, ["schemas-common.xsd", "schemas.wsdl"]);
}

#[test]
fn bare_schema() {
    let g = golden("schemas-common.xsd");
    assert!(g.warnings.is_empty(), "{:?}", g.warnings);
    assert_eq!((g.stats.clients, g.stats.structs), (0, 1));
}

#[test]
fn bindings() {
    let g = golden("bindings.wsdl");
    // The `Trace` header of `Ping` is an argument of `ping`.
    assert!(g.warnings.is_empty(), "{:?}", g.warnings);
    assert!(g.code.contains("trace: &String"));
    // SOAP 1.1 and 1.2 ports of the first service and the port of the second one; the HTTP
    // GET binding gives no client.
    assert_eq!((g.stats.clients, g.stats.operations), (3, 6));
}

#[test]
fn rpc_literal_operations_get_wrapper_types() {
    let g = golden("rpc-literal.wsdl");
    assert!(g.warnings.is_empty(), "{:?}", g.warnings);
    assert_eq!((g.stats.clients, g.stats.operations), (1, 4));
    // Shape and Options, and the wrappers Add, AddResponse, Describe, DescribeResponse, Reset.
    assert_eq!(g.stats.structs, 7);
}

#[test]
fn derived_types() {
    let g = golden("derived.wsdl");
    assert!(g.warnings.is_empty(), "{:?}", g.warnings);
    // The enums over Vehicle, Car, Animal and Item and their derived types, the choice of
    // Garage and the substitution group of `note`.
    assert_eq!(g.stats.choices, 6);
    for defaulted in [
        "pub struct Garage",
        "pub struct Settings2",
        "pub struct Vehicle",
        "pub struct Folder",
    ] {
        let at = g.code.find(defaulted).unwrap();
        assert!(
            g.code[..at].ends_with("#[derive(Debug, Clone, PartialEq, Default)]\n"),
            "{defaulted} should derive Default"
        );
    }
    for not_defaulted in ["pub struct Report", "pub struct SportsCar"] {
        let at = g.code.find(not_defaulted).unwrap();
        assert!(
            g.code[..at].ends_with("#[derive(Debug, Clone, PartialEq)]\n"),
            "{not_defaulted} should not derive Default"
        );
    }
}

#[test]
fn headers() {
    let g = golden("headers.wsdl");
    assert_eq!(
        g.warnings,
        [
            "operation Typed of binding SearchSoap: its header part `typed` of message \
             TypedHeader uses type=; a header must be an element (element=); skipped",
            "binding SearchSoap: the SOAP headers declared for the responses of Search are not \
             read (the client methods return the response body only)",
        ]
    );
    // The port's client and one for the SOAP 1.2 binding no port uses.
    assert_eq!((g.stats.clients, g.stats.operations), (2, 3));
}

#[test]
fn rpc_encoded_is_refused() {
    let (file, element, construct, message) = refusal("error-rpc-encoded.wsdl");
    assert_eq!(file, "error-rpc-encoded.wsdl");
    assert_eq!(
        element,
        "<operation name=\"List\"> at line 35 in <binding name=\"ListBinding\"> at line 33"
    );
    assert_eq!(construct, "soap:body use=\"encoded\"");
    assert!(message.contains("SOAP encoding"), "{message}");
}

#[test]
fn undefined_part_element_is_refused() {
    let (file, element, construct, message) = refusal("error-undefined-element.wsdl");
    assert_eq!(file, "error-undefined-element.wsdl");
    assert_eq!(
        element,
        "<part name=\"parameters\"> at line 19 in <message name=\"GetOut\">"
    );
    assert_eq!(construct, "wsdl:part element=");
    assert!(
        message.contains("{urn:fixture:undefined}GetResponse"),
        "{message}"
    );
}

#[test]
fn undefined_schema_type_is_refused() {
    let (file, element, construct, message) = refusal("error-undefined-type.wsdl");
    assert_eq!(file, "error-undefined-type.wsdl");
    assert_eq!(element, "<element name=\"filter\"> at line 12");
    assert_eq!(construct, "xs:element type=");
    assert!(
        message.contains("{urn:fixture:undefined-type}Filter"),
        "{message}"
    );
}

#[test]
fn missing_schema_import_is_refused() {
    let (file, element, construct, message) = refusal("error-missing-import.wsdl");
    assert_eq!(file, "error-missing-import.wsdl");
    assert_eq!(element, "<import> at line 10");
    assert_eq!(construct, "xs:import schemaLocation=");
    assert!(message.contains("\"no-such-file.xsd\""), "{message}");
}

#[test]
fn remote_schema_location_is_refused() {
    let (file, element, construct, message) = refusal("error-remote-schema.wsdl");
    assert_eq!(file, "error-remote-schema.wsdl");
    assert_eq!(element, "<import> at line 10");
    assert_eq!(construct, "xs:import schemaLocation=");
    assert!(
        message.contains("https://schemas.example.com/remote-types.xsd")
            && message.contains("never uses the network"),
        "{message}"
    );
}

#[test]
fn error_display_names_file_element_and_construct() {
    let err = generate("error-remote-schema.wsdl")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("error-remote-schema.wsdl: <import> at line 10: xs:import schemaLocation=: "),
        "{err}"
    );
}
